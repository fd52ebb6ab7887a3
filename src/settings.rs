//! The configuration file: defaults for every run option, and per-format switches.
//!
//! Precedence, highest first: a flag on the command line, its `DOCPROC_*` environment twin, the
//! configuration file, the built-in default. clap resolves the first two and tells, for every
//! value, where it came from ([`clap::parser::ValueSource`]); a value clap did not get from the
//! command line or the environment is taken from the file when the file has it. `docproc config
//! show` prints the result with each value's origin.
//!
//! The file is TOML, found in this order: `--config FILE` (or `DOCPROC_CONFIG`), `./docproc.toml`,
//! `$XDG_CONFIG_HOME/docproc/config.toml` (default `~/.config/docproc/config.toml`); `--no-config`
//! reads none. Unknown keys are errors, so a typo never silently does nothing. Relative paths in
//! the file are relative to the file's directory, not to wherever cron happens to start docproc.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::ArgMatches;
use clap::parser::ValueSource;
use serde::Deserialize;

use crate::cli::{ByteSize, Isolation, LogFormat, RunArgs, StateArgs};
use crate::convert::ConvertOptions;
use crate::formats::{self, FormatSpec, OptionSpec, OptionValue};

/// The file's name in the current directory.
pub const LOCAL_FILE: &str = "docproc.toml";

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FileSettings {
    pub output: Option<PathBuf>,
    pub db: Option<PathBuf>,
    pub cache_dir: Option<PathBuf>,
    pub jobs: Option<usize>,
    pub include: Option<Vec<String>>,
    pub exclude: Option<Vec<String>>,
    pub hidden: Option<bool>,
    pub follow_symlinks: Option<bool>,
    pub force: Option<bool>,
    pub rehash: Option<bool>,
    pub retry_failed: Option<bool>,
    pub events: Option<PathBuf>,
    pub json: Option<bool>,
    pub no_progress: Option<bool>,
    pub quiet: Option<bool>,
    pub log_format: Option<LogFormat>,
    pub isolation: Option<Isolation>,
    pub timeout: Option<f64>,
    pub max_memory: Option<ByteSize>,
    pub retries: Option<u32>,
    pub wait: Option<f64>,
    pub max_file_size: Option<ByteSize>,
    pub max_pages: Option<u64>,
    pub max_output_size: Option<ByteSize>,
    pub max_unzipped_size: Option<ByteSize>,
    pub max_zip_ratio: Option<u64>,
    pub max_xml_depth: Option<usize>,
    pub ocr: Option<crate::ocr::OcrMode>,
    pub ocr_lang: Option<String>,
    pub ocr_dpi: Option<u32>,
    pub ocr_timeout: Option<u64>,
    pub tesseract: Option<PathBuf>,
    /// `[formats.NAME]` tables as written; checked against the registry by [`Settings::load`].
    #[serde(default)]
    pub formats: std::collections::BTreeMap<String, toml::Table>,
}

/// The `[formats.NAME]` sections of the file, checked: `enabled` and the format's options.
#[derive(Debug, Default, Clone)]
pub struct FormatSections {
    pub sections: Vec<FormatSection>,
}

#[derive(Debug, Clone)]
pub struct FormatSection {
    pub format: &'static FormatSpec,
    pub enabled: Option<bool>,
    pub options: Vec<(&'static OptionSpec, OptionValue)>,
}

impl FormatSections {
    /// Checks the file's tables against the registry: unknown formats, keys and values are
    /// errors that name the section and what is allowed.
    fn parse(tables: &std::collections::BTreeMap<String, toml::Table>) -> Result<FormatSections> {
        let mut sections = Vec::new();
        for (name, table) in tables {
            let Some(format) = formats::by_name(name) else {
                let known: Vec<&str> = formats::ALL.iter().map(|f| f.name).collect();
                bail!(
                    "unknown format [formats.{name}] (known: {})",
                    known.join(", ")
                );
            };
            let mut section = FormatSection {
                format,
                enabled: None,
                options: Vec::new(),
            };
            for (key, value) in table {
                if key == "enabled" {
                    match value {
                        toml::Value::Boolean(b) => section.enabled = Some(*b),
                        other => bail!("[formats.{name}] enabled takes true or false, not {other}"),
                    }
                    continue;
                }
                let Some(option) = format.option(key) else {
                    let mut known = vec!["enabled"];
                    known.extend(format.options.iter().map(|o| o.key));
                    bail!(
                        "unknown key {key:?} in [formats.{name}] (known: {})",
                        known.join(", ")
                    );
                };
                let value = option
                    .parse_toml(value)
                    .map_err(|e| anyhow::anyhow!("[formats.{name}] {e}"))?;
                section.options.push((option, value));
            }
            sections.push(section);
        }
        Ok(FormatSections { sections })
    }

    fn get(&self, format: &FormatSpec) -> Option<&FormatSection> {
        self.sections.iter().find(|s| s.format == format)
    }
}

/// Where a setting's value came from, for `config show`.
fn source_of(m: &ArgMatches, id: &str, env: &str) -> Option<String> {
    match m.value_source(id) {
        Some(ValueSource::CommandLine) => Some("command line".to_string()),
        Some(ValueSource::EnvVariable) => Some(format!("environment {env}")),
        _ => None,
    }
}

/// The resolved options and on/off state of every format, with where each value came from.
#[derive(Debug, Clone)]
pub struct ResolvedFormat {
    pub format: &'static FormatSpec,
    pub enabled: bool,
    pub enabled_source: String,
    pub options: ConvertOptions,
    /// (option, source) for each of the format's options.
    pub sources: Vec<(&'static OptionSpec, String)>,
}

/// Resolves every format's state: `--formats` (or its environment twin) lists exactly the
/// formats converted, else each format's `enabled` in the file, else its default. Each option:
/// `--set NAME.KEY=VALUE`, then the shared flag (`--images`, ...), then `[formats.NAME]`, then the
/// registry's default.
pub fn resolve_formats(run: &RunArgs, file_label: &str) -> Result<Vec<ResolvedFormat>> {
    let mut sets: Vec<(&'static FormatSpec, &'static OptionSpec, OptionValue)> = Vec::new();
    for item in &run.set {
        let (path, value) = item.split_once('=').with_context(|| {
            format!("--set {item:?}: write it as NAME.KEY=VALUE, e.g. pptx.notes=false")
        })?;
        let (name, key) = path.trim().split_once('.').with_context(|| {
            format!("--set {item:?}: write it as NAME.KEY=VALUE, e.g. pptx.notes=false")
        })?;
        let format = formats::by_name(name.trim())
            .with_context(|| format!("--set {item:?}: unknown format {name:?}"))?;
        let option = format.option(key.trim()).with_context(|| {
            let known: Vec<&str> = format.options.iter().map(|o| o.key).collect();
            format!(
                "--set {item:?}: format {} has no option {key:?} (it has: {})",
                format.name,
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            )
        })?;
        let value = option
            .parse(value)
            .map_err(|e| anyhow::anyhow!("--set {item:?}: {e}"))?;
        sets.push((format, option, value));
    }
    let set_source = run
        .sources
        .get("set")
        .cloned()
        .unwrap_or_else(|| "command line".into());
    let mut out = Vec::new();
    for &format in formats::ALL {
        let section = run.file_formats.get(format);
        let (enabled, enabled_source) = if let Some(source) = run.sources.get("formats") {
            (run.formats.iter().any(|f| f == format.name), source.clone())
        } else if let Some(on) = section.and_then(|s| s.enabled) {
            (on, file_label.to_string())
        } else {
            (format.enabled_by_default, "default".to_string())
        };
        let mut options = ConvertOptions::default();
        let mut sources = Vec::new();
        for &option in format.options {
            let from_set = sets
                .iter()
                .rev()
                .find(|(f, o, _)| *f == format && o.key == option.key);
            let from_flag = option
                .flag
                .and_then(|id| Some((run.flag_value(id)?, run.sources.get(id)?.clone())));
            let from_file =
                section.and_then(|s| s.options.iter().find(|(o, _)| o.key == option.key));
            let (value, source) = if let Some((_, _, v)) = from_set {
                (v.clone(), set_source.clone())
            } else if let Some((text, source)) = from_flag {
                (option.parse(&text).map_err(anyhow::Error::msg)?, source)
            } else if let Some((_, v)) = from_file {
                (v.clone(), file_label.to_string())
            } else {
                (
                    option.parse(option.default).map_err(anyhow::Error::msg)?,
                    "default".to_string(),
                )
            };
            (option.set)(&mut options, &value);
            sources.push((option, source));
        }
        out.push(ResolvedFormat {
            format,
            enabled,
            enabled_source,
            options,
            sources,
        });
    }
    Ok(out)
}

/// The configuration file in effect (possibly none).
#[derive(Debug, Default, Clone)]
pub struct Settings {
    pub path: Option<PathBuf>,
    pub file: FileSettings,
}

impl Settings {
    /// Finds and reads the configuration file. An explicit `--config` that cannot be read is an
    /// error; the implicit locations are used only when they exist.
    pub fn load(explicit: Option<&Path>, disabled: bool) -> Result<Settings> {
        if disabled {
            return Ok(Settings::default());
        }
        let path = match explicit {
            Some(path) => Some(path.to_path_buf()),
            None => implicit_locations().into_iter().find(|p| p.is_file()),
        };
        let Some(path) = path else {
            return Ok(Settings::default());
        };
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read configuration file {}", path.display()))?;
        let mut file: FileSettings = toml::from_str(&text)
            .with_context(|| format!("invalid configuration file {}", path.display()))?;
        let base = std::path::absolute(&path)
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_default();
        for p in [&mut file.output, &mut file.db, &mut file.cache_dir]
            .into_iter()
            .flatten()
        {
            *p = base.join(&*p);
        }
        if let Some(events) = &mut file.events
            && events.as_os_str() != "-"
        {
            *events = base.join(&*events);
        }
        FormatSections::parse(&file.formats)
            .with_context(|| format!("invalid configuration file {}", path.display()))?;
        if file.jobs == Some(0) {
            bail!(
                "invalid configuration file {}: jobs must be at least 1",
                path.display()
            );
        }
        let path = std::path::absolute(&path).unwrap_or(path);
        log::debug!("configuration file {}", path.display());
        Ok(Settings {
            path: Some(path),
            file,
        })
    }

    fn file_label(&self) -> String {
        self.path
            .as_ref()
            .map_or_else(|| "file".into(), |p| p.display().to_string())
    }

    /// The log format: flag or environment, else the file, else human.
    pub fn log_format(&self, cli: Option<LogFormat>) -> LogFormat {
        cli.or(self.file.log_format).unwrap_or(LogFormat::Human)
    }

    /// Fills the state locations the command line and the environment left open.
    pub fn apply_state(&self, state: &mut StateArgs, m: &ArgMatches) {
        let f = &self.file;
        if !given(m, "output") && f.output.is_some() {
            state.output = f.output.clone();
        }
        if !given(m, "db") && f.db.is_some() {
            state.db = f.db.clone();
        }
        if !given(m, "cache_dir") && f.cache_dir.is_some() {
            state.cache_dir = f.cache_dir.clone();
        }
    }

    /// Fills the run options the command line and the environment left open.
    pub fn apply_run(&self, run: &mut RunArgs, m: &ArgMatches) {
        let f = &self.file;
        macro_rules! take {
            ($field:ident, $id:literal) => {
                if !given(m, $id)
                    && let Some(v) = &f.$field
                {
                    run.$field = v.clone().into();
                }
            };
        }
        take!(jobs, "jobs");
        take!(include, "include");
        take!(exclude, "exclude");
        take!(hidden, "hidden");
        take!(follow_symlinks, "follow_symlinks");
        take!(force, "force");
        take!(rehash, "rehash");
        take!(retry_failed, "retry_failed");
        take!(events, "events");
        take!(json, "json");
        take!(no_progress, "no_progress");
        take!(quiet, "quiet");
        take!(isolation, "isolation");
        take!(timeout, "timeout");
        take!(max_memory, "max_memory");
        take!(retries, "retries");
        take!(wait, "wait");
        take!(max_file_size, "max_file_size");
        take!(max_pages, "max_pages");
        take!(max_output_size, "max_output_size");
        take!(max_unzipped_size, "max_unzipped_size");
        take!(max_zip_ratio, "max_zip_ratio");
        take!(max_xml_depth, "max_xml_depth");
        take!(ocr, "ocr");
        take!(ocr_lang, "ocr_lang");
        take!(ocr_dpi, "ocr_dpi");
        take!(ocr_timeout, "ocr_timeout");
        take!(tesseract, "tesseract");
        // Per-format settings are resolved later, format by format (`resolve_formats`): keep
        // the file's sections and where each command-line value came from.
        run.file_formats = FormatSections::parse(&f.formats).unwrap_or_default();
        run.file_label = self.file_label();
        for (id, env) in [
            ("formats", "DOCPROC_FORMATS"),
            ("set", "DOCPROC_SET"),
            ("images", "DOCPROC_IMAGES"),
            ("attachments", "DOCPROC_ATTACHMENTS"),
            ("page_markers", "DOCPROC_PAGE_MARKERS"),
            ("front_matter", "DOCPROC_FRONT_MATTER"),
        ] {
            if given(m, id)
                && let Some(source) = source_of(m, id, env)
            {
                run.sources.insert(id.to_string(), source);
            }
        }
    }

    /// Every effective setting of a run with its origin, for `docproc config show`.
    pub fn describe(
        &self,
        state: &StateArgs,
        run: &RunArgs,
        m: &ArgMatches,
        log_format: (LogFormat, Option<LogFormat>, &ArgMatches),
    ) -> Vec<Entry> {
        let f = &self.file;
        let mut entries = Vec::new();
        let mut add = |key: &str, id: &str, value: serde_json::Value, in_file: bool| {
            let source = match m.value_source(id) {
                Some(ValueSource::CommandLine) => "command line".to_string(),
                Some(ValueSource::EnvVariable) => {
                    format!("environment DOCPROC_{}", id.to_uppercase())
                }
                _ if in_file => self.file_label(),
                _ => "default".to_string(),
            };
            entries.push(Entry {
                key: key.to_string(),
                value,
                source,
            });
        };
        let path = |p: &Option<PathBuf>| {
            p.as_ref()
                .map_or(serde_json::Value::Null, |p| p.display().to_string().into())
        };
        // (key in the file, clap id = field of FileSettings, effective value)
        macro_rules! show {
            ($key:literal, $field:ident, $value:expr) => {
                add($key, stringify!($field), $value, f.$field.is_some())
            };
        }
        show!("output", output, path(&state.output));
        show!("db", db, path(&state.db));
        show!("cache-dir", cache_dir, path(&state.cache_dir));
        let jobs = run
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        show!("jobs", jobs, jobs.into());
        show!("include", include, run.include.clone().into());
        show!("exclude", exclude, run.exclude.clone().into());
        show!("hidden", hidden, run.hidden.into());
        show!(
            "follow-symlinks",
            follow_symlinks,
            run.follow_symlinks.into()
        );
        show!("force", force, run.force.into());
        show!("rehash", rehash, run.rehash.into());
        show!("retry-failed", retry_failed, run.retry_failed.into());
        show!("events", events, path(&run.events));
        show!("json", json, run.json.into());
        show!("no-progress", no_progress, run.no_progress.into());
        show!("quiet", quiet, run.quiet.into());
        let limits = crate::config::limits(run);
        let defaults = crate::config::RunDefaults::resolve(run);
        show!(
            "isolation",
            isolation,
            serde_json::to_value(defaults.isolation).unwrap_or_default()
        );
        show!("timeout", timeout, defaults.timeout_secs.into());
        show!("max-memory", max_memory, defaults.max_memory.into());
        show!("retries", retries, defaults.retries.into());
        show!("wait", wait, defaults.wait_secs.into());
        show!("max-file-size", max_file_size, limits.max_file_size.into());
        show!("max-pages", max_pages, limits.max_pages.into());
        show!(
            "max-output-size",
            max_output_size,
            limits.max_output_size.into()
        );
        show!(
            "max-unzipped-size",
            max_unzipped_size,
            limits.max_unzipped_size.into()
        );
        show!("max-zip-ratio", max_zip_ratio, limits.max_zip_ratio.into());
        show!("max-xml-depth", max_xml_depth, limits.max_xml_depth.into());
        let ocr = crate::config::OcrRequest::from_args(run);
        show!("ocr", ocr, ocr.mode.as_str().into());
        show!("ocr-lang", ocr_lang, ocr.languages.clone().into());
        show!("ocr-dpi", ocr_dpi, ocr.dpi.into());
        show!("ocr-timeout", ocr_timeout, ocr.page_timeout_secs.into());
        show!("tesseract", tesseract, path(&ocr.program));
        match resolve_formats(run, &self.file_label()) {
            Ok(resolved) => {
                for r in resolved {
                    entries.push(Entry {
                        key: format!("formats.{}.enabled", r.format.name),
                        value: r.enabled.into(),
                        source: r.enabled_source.clone(),
                    });
                    for (option, source) in &r.sources {
                        entries.push(Entry {
                            key: format!("formats.{}.{}", r.format.name, option.key),
                            value: shown_value(option, &r.options),
                            source: source.clone(),
                        });
                    }
                }
            }
            Err(e) => entries.push(Entry {
                key: "formats".into(),
                value: format!("{e:#}").into(),
                source: "error".into(),
            }),
        }
        let (effective, _, top) = log_format;
        let source = match top.value_source("log_format") {
            Some(ValueSource::CommandLine) => "command line".to_string(),
            Some(ValueSource::EnvVariable) => "environment DOCPROC_LOG_FORMAT".to_string(),
            _ if f.log_format.is_some() => self.file_label(),
            _ => "default".to_string(),
        };
        entries.push(Entry {
            key: "log-format".into(),
            value: serde_json::to_value(effective).unwrap_or_default(),
            source,
        });
        entries
    }
}

/// One line of `docproc config show`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Entry {
    pub key: String,
    pub value: serde_json::Value,
    pub source: String,
}

/// Whether clap got this value from the command line or the environment.
fn given(m: &ArgMatches, id: &str) -> bool {
    matches!(
        m.try_get_raw(id).ok().flatten().and(m.value_source(id)),
        Some(ValueSource::CommandLine | ValueSource::EnvVariable)
    )
}

/// An option's value as `config show` prints it: the word the user writes.
fn shown_value(option: &OptionSpec, options: &ConvertOptions) -> serde_json::Value {
    let value = (option.get)(options);
    match (option.kind, &value) {
        (formats::OptionKind::Choice(choices), serde_json::Value::Bool(b)) => {
            // Two-way choices are stored as "the first choice or not".
            let word = if *b { choices[0] } else { choices[1] };
            word.into()
        }
        _ => value,
    }
}

/// `./docproc.toml`, then the user's configuration directory.
fn implicit_locations() -> Vec<PathBuf> {
    let mut out = vec![PathBuf::from(LOCAL_FILE)];
    let config_home = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")));
    if let Some(dir) = config_home {
        out.push(dir.join("docproc").join("config.toml"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_errors() {
        let err = toml::from_str::<FileSettings>("jbos = 3").unwrap_err();
        assert!(err.to_string().contains("jbos"), "{err}");
    }

    #[test]
    fn format_sections_parse() {
        let file: FileSettings = toml::from_str(
            "jobs = 3\n[formats.pdf]\npage-markers = \"none\"\n[formats.txt]\nenabled = false\n",
        )
        .unwrap();
        assert_eq!(file.jobs, Some(3));
        let sections = FormatSections::parse(&file.formats).unwrap();
        assert_eq!(
            sections.get(&formats::TXT).and_then(|s| s.enabled),
            Some(false)
        );
        let pdf = sections.get(&formats::PDF).unwrap();
        assert_eq!(pdf.options[0].1, OptionValue::Choice("none"));
    }

    #[test]
    fn unknown_formats_keys_and_values_are_named() {
        let parse = |text: &str| {
            let file: FileSettings = toml::from_str(text).unwrap();
            FormatSections::parse(&file.formats)
                .unwrap_err()
                .to_string()
        };
        assert!(parse("[formats.pdff]\n").contains("unknown format [formats.pdff]"));
        assert!(
            parse("[formats.pdf]\nimages = \"none\"\n").contains("known: enabled, page-markers")
        );
        assert!(parse("[formats.docx]\nimages = \"some\"\n").contains("extract, none"));
    }
}
