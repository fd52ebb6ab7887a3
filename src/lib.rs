//! docproc: convert folders of documents to Markdown, with a content-addressed cache and a SQLite
//! record of every document.
//!
//! `main.rs` calls [`run`]; everything else lives here so that it can be tested. The modules follow
//! the pipeline (see `pipeline/mod.rs` for the data flow, top to bottom):
//! `cli` → `config` → `discover` → `hash` (+ `sniff`, `formats`: what the content is) → `cache` →
//! `convert` (+ `markdown`) → `write` → `store` → `report`, with `lock` and `interrupt` around
//! the run. `formats` is the registry of every format and its options.

pub mod cache;
pub mod cli;
pub mod commands;
pub mod config;
pub mod convert;
pub mod discover;
pub mod events;
pub mod exit;
pub mod formats;
pub mod generate;
pub mod hash;
pub mod interrupt;
pub mod lock;
pub mod logging;
pub mod markdown;
pub mod ocr;
pub mod panic_hook;
pub mod pipeline;
pub mod report;
pub mod settings;
pub mod shard;
pub mod sniff;
pub mod store;
pub mod worker;
pub mod write;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};

use clap::ArgMatches;
use cli::{Command, ConfigCommand, DbCommand, RunArgs, StateArgs, StatsFormat};
pub use exit::ExitStatus;
use settings::Settings;

/// Runs docproc with these arguments (the first is the program name) and returns how it ended.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitStatus {
    let (cli, matches) = cli::parse(args);
    let settings = Settings::load(cli.config.as_deref(), cli.no_config);
    let log_format = settings
        .as_ref()
        .map_or(cli::LogFormat::Human, |s| s.log_format(cli.log_format));
    logging::init(cli.verbose, log_format);
    panic_hook::install();
    let json = wants_json(&cli.command);
    let settings = match settings {
        Ok(settings) => settings,
        Err(e) => return fatal(&e, json),
    };
    // The matches of the innermost subcommand: they say where each of its values came from.
    let mut sub: &ArgMatches = &matches;
    while let Some((_, inner)) = sub.subcommand() {
        sub = inner;
    }
    match dispatch(cli.command, sub, &matches, &settings, log_format) {
        Ok(status) => status,
        Err(e) => fatal(&e, json),
    }
}

fn dispatch(
    command: Command,
    m: &ArgMatches,
    top: &ArgMatches,
    settings: &Settings,
    log_format: cli::LogFormat,
) -> anyhow::Result<ExitStatus> {
    let state = |mut state: StateArgs| {
        settings.apply_state(&mut state, m);
        state
    };
    let ok = |r: anyhow::Result<()>| r.map(|()| ExitStatus::Success);
    match command {
        Command::Convert(args) => {
            let mut run = args.run;
            settings.apply_run(&mut run, m);
            convert(&args.paths, &state(args.state), &args.select, run, None)
        }
        Command::Retry(args) => {
            let mut run = args.run;
            settings.apply_run(&mut run, m);
            let select = cli::SelectArgs::default();
            convert(&[], &state(args.state), &select, run, Some(args.error_code))
        }
        Command::Status(mut args) => {
            args.state = state(args.state);
            ok(commands::status(&args))
        }
        Command::List(mut args) => {
            args.state = state(args.state);
            ok(commands::list(&args))
        }
        Command::Show(mut args) => {
            args.state = state(args.state);
            ok(commands::show(&args))
        }
        Command::Stats(mut args) => {
            args.state = state(args.state);
            ok(commands::stats(&args))
        }
        Command::Gc(mut args) => {
            args.state = state(args.state);
            ok(commands::gc(&args))
        }
        Command::Export(mut args) => {
            args.state = state(args.state);
            ok(commands::export(&args))
        }
        Command::Merge(mut args) => {
            args.state = state(args.state);
            commands::merge(&args)
        }
        Command::Db(DbCommand::Backup(mut args)) => {
            args.state = state(args.state);
            ok(commands::backup(&args))
        }
        Command::Db(DbCommand::Check(mut args)) => {
            args.state = state(args.state);
            commands::check(&args)
        }
        Command::Db(DbCommand::Vacuum(mut args)) => {
            args.state = state(args.state);
            ok(commands::vacuum(&args))
        }
        Command::Config(ConfigCommand::Show(args)) => {
            let state = state(args.state);
            let mut run = args.run;
            settings.apply_run(&mut run, m);
            let cli_log_format = top.get_one::<cli::LogFormat>("log_format").copied();
            let entries = settings.describe(&state, &run, m, (log_format, cli_log_format, top));
            ok(show_config(settings, &entries, run.json))
        }
        Command::Generate(args) => ok(generate::write_all(&args.dir)),
        Command::Worker(args) => ok(worker::serve(args.max_memory)),
    }
}

/// `convert` and `retry`: a conversion run.
fn convert(
    paths: &[std::path::PathBuf],
    state: &StateArgs,
    select: &cli::SelectArgs,
    run: RunArgs,
    retry: Option<Vec<String>>,
) -> anyhow::Result<ExitStatus> {
    let terminal = std::io::stderr().is_terminal();
    let config = config::Config::new(paths, state, select, run, retry, terminal)?;
    interrupt::install();
    let summary = pipeline::convert(&config)?;
    summary.print(&config.report);
    Ok(summary.exit_status())
}

fn show_config(settings: &Settings, entries: &[settings::Entry], json: bool) -> anyhow::Result<()> {
    let file = settings.path.as_ref().map(|p| p.display().to_string());
    if json {
        return commands::print_json(&serde_json::json!({
            "config_file": file,
            "settings": entries,
        }));
    }
    let mut out = format!(
        "# configuration file: {}\n",
        file.as_deref().unwrap_or("none")
    );
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let value = match &e.value {
                serde_json::Value::Null => "-".to_string(),
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            vec![e.key.to_string(), value, e.source.clone()]
        })
        .collect();
    out.push_str(&commands::table(&["KEY", "VALUE", "SOURCE"], &rows));
    commands::print_text(&out)
}

/// Whether the command was asked for JSON (so that a fatal error is JSON too).
fn wants_json(command: &Command) -> bool {
    match command {
        Command::Convert(a) => a.run.json,
        Command::Retry(a) => a.run.json,
        Command::Status(a) => a.json,
        Command::List(a) => a.json,
        Command::Show(a) => a.json,
        Command::Stats(a) => a.format == StatsFormat::Json,
        Command::Gc(a) => a.json,
        Command::Merge(a) => a.json,
        Command::Db(DbCommand::Backup(a)) => a.json,
        Command::Db(DbCommand::Check(a) | DbCommand::Vacuum(a)) => a.json,
        Command::Config(ConfigCommand::Show(a)) => a.run.json,
        Command::Export(_) | Command::Generate(_) | Command::Worker(_) => false,
    }
}

/// Reports an error that stops the command: `docproc: error: ...` on stderr (a JSON log line with
/// `--log-format json`), and with `--json` the error object `{"error": {"code", "message",
/// "details"}}` on stdout. Exit status 2.
fn fatal(error: &anyhow::Error, json: bool) -> ExitStatus {
    let message = format!("{error:#}");
    let code = if error.downcast_ref::<lock::Locked>().is_some() {
        "locked"
    } else if let Some(e) = error.downcast_ref::<commands::CommandError>() {
        e.code
    } else {
        "fatal"
    };
    let _ = writeln!(std::io::stderr(), "{}", logging::error_line(&message, code));
    if json {
        let causes: Vec<String> = error.chain().map(|c| c.to_string()).collect();
        let body = serde_json::json!({
            "error": { "code": code, "message": message, "details": { "causes": causes } }
        });
        let _ = writeln!(std::io::stdout(), "{body}");
    }
    ExitStatus::Fatal
}
