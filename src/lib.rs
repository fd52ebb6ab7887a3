//! docproc: convert folders of documents to Markdown, with a content-addressed cache and a SQLite
//! record of every document.
//!
//! `main.rs` calls [`run`]; everything else lives here so that it can be tested. The modules follow
//! the pipeline (see `pipeline.rs` for the data flow, top to bottom):
//! `cli` → `config` → `discover` → `hash` → `cache` → `convert` (+ `markdown`) → `write` →
//! `store` → `report`, with `lock` and `interrupt` around the run.

pub mod cache;
pub mod cli;
pub mod config;
pub mod convert;
pub mod discover;
pub mod exit;
pub mod filetype;
pub mod generate;
pub mod hash;
pub mod interrupt;
pub mod lock;
pub mod markdown;
pub mod panic_hook;
pub mod pipeline;
pub mod report;
pub mod store;
pub mod write;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};

use cli::Command;
pub use exit::ExitStatus;

/// Runs docproc with these arguments (the first is the program name) and returns how it ended.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitStatus {
    let cli = cli::parse(args);
    init_logging(cli.verbose);
    panic_hook::install();
    match cli.command {
        Command::Convert(args) => {
            let json = args.json;
            let config = match config::Config::from_cli(args, std::io::stderr().is_terminal()) {
                Ok(config) => config,
                Err(e) => return fatal(&e, json),
            };
            interrupt::install();
            match pipeline::convert(&config) {
                Ok(summary) => {
                    summary.print(&config.report);
                    summary.exit_status()
                }
                Err(e) => fatal(&e, json),
            }
        }
        Command::Generate(args) => match generate::write_all(&args.dir) {
            Ok(()) => ExitStatus::Success,
            Err(e) => fatal(&e, false),
        },
    }
}

/// Reports an error that stops the run: `docproc: error: ...` on stderr, and with `--json` the
/// error object `{"error": {"code", "message", "details"}}` on stdout. Exit status 2.
fn fatal(error: &anyhow::Error, json: bool) -> ExitStatus {
    let message = format!("{error:#}");
    let _ = writeln!(std::io::stderr(), "docproc: error: {message}");
    if json {
        let code = if error.downcast_ref::<lock::Locked>().is_some() {
            "locked"
        } else {
            "fatal"
        };
        let causes: Vec<String> = error.chain().map(|c| c.to_string()).collect();
        let body = serde_json::json!({
            "error": { "code": code, "message": message, "details": { "causes": causes } }
        });
        let _ = writeln!(std::io::stdout(), "{body}");
    }
    ExitStatus::Fatal
}

/// Logs go to stderr. `DOCPROC_LOG` takes env_logger filters (`DOCPROC_LOG=debug`); otherwise
/// `-v` shows docproc's info messages, `-vv` debug messages from every crate, `-vvv` trace.
fn init_logging(verbose: u8) {
    let mut builder = env_logger::Builder::new();
    match std::env::var("DOCPROC_LOG") {
        Ok(filters) if !filters.is_empty() => {
            builder.parse_filters(&filters);
        }
        _ => {
            let filters = match verbose {
                0 => "docproc=warn",
                1 => "docproc=info",
                2 => "debug",
                _ => "trace",
            };
            builder.parse_filters(filters);
        }
    }
    builder
        .target(env_logger::Target::Stderr)
        .format_timestamp_millis();
    let _ = builder.try_init();
}
