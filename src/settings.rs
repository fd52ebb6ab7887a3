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

use crate::cli::{ByteSize, Format, Isolation, LogFormat, PageMarkers, RunArgs, StateArgs};

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
    #[serde(default)]
    pub formats: FormatSections,
}

/// `[formats.pdf]`, `[formats.docx]`, `[formats.txt]`: the feature flags of the converters.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormatSections {
    pub pdf: Option<PdfSection>,
    pub docx: Option<DocxSection>,
    pub txt: Option<FormatSection>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DocxSection {
    pub enabled: Option<bool>,
    pub images: Option<crate::cli::Images>,
    pub front_matter: Option<bool>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FormatSection {
    pub enabled: Option<bool>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PdfSection {
    pub enabled: Option<bool>,
    pub page_markers: Option<PageMarkers>,
}

impl FormatSections {
    fn enabled(&self, format: Format) -> Option<bool> {
        match format {
            Format::Pdf => self.pdf.as_ref()?.enabled,
            Format::Docx => self.docx.as_ref()?.enabled,
            Format::Txt => self.txt.as_ref()?.enabled,
        }
    }
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
        if !given(m, "page_markers")
            && let Some(markers) = f.formats.pdf.as_ref().and_then(|p| p.page_markers)
        {
            run.page_markers = Some(markers);
        }
        if !given(m, "formats") {
            run.formats = enabled_formats(&f.formats);
        }
        if !given(m, "images")
            && let Some(images) = f.formats.docx.as_ref().and_then(|d| d.images)
        {
            run.images = Some(images);
        }
        if !given(m, "front_matter")
            && let Some(on) = f.formats.docx.as_ref().and_then(|d| d.front_matter)
        {
            run.front_matter = on;
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
        let mut add = |key: &'static str, id: &str, value: serde_json::Value, in_file: bool| {
            let source = match m.value_source(id) {
                Some(ValueSource::CommandLine) => "command line".to_string(),
                Some(ValueSource::EnvVariable) => {
                    format!("environment DOCPROC_{}", id.to_uppercase())
                }
                _ if in_file => self.file_label(),
                _ => "default".to_string(),
            };
            entries.push(Entry { key, value, source });
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
        for format in [Format::Pdf, Format::Docx, Format::Txt] {
            let key = match format {
                Format::Pdf => "formats.pdf.enabled",
                Format::Docx => "formats.docx.enabled",
                Format::Txt => "formats.txt.enabled",
            };
            let on = run.formats.is_empty() || run.formats.contains(&format);
            add(
                key,
                "formats",
                on.into(),
                f.formats.enabled(format).is_some(),
            );
        }
        let images = run.images.unwrap_or(crate::cli::Images::Extract);
        let docx = f.formats.docx.as_ref();
        add(
            "formats.docx.images",
            "images",
            serde_json::to_value(images).unwrap_or_default(),
            docx.and_then(|d| d.images).is_some(),
        );
        add(
            "formats.docx.front-matter",
            "front_matter",
            run.front_matter.into(),
            docx.and_then(|d| d.front_matter).is_some(),
        );
        let markers = run.page_markers.unwrap_or(PageMarkers::Comment);
        add(
            "formats.pdf.page-markers",
            "page_markers",
            serde_json::to_value(markers).unwrap_or_default(),
            f.formats
                .pdf
                .as_ref()
                .and_then(|p| p.page_markers)
                .is_some(),
        );
        let (effective, _, top) = log_format;
        let source = match top.value_source("log_format") {
            Some(ValueSource::CommandLine) => "command line".to_string(),
            Some(ValueSource::EnvVariable) => "environment DOCPROC_LOG_FORMAT".to_string(),
            _ if f.log_format.is_some() => self.file_label(),
            _ => "default".to_string(),
        };
        entries.push(Entry {
            key: "log-format",
            value: serde_json::to_value(effective).unwrap_or_default(),
            source,
        });
        entries
    }
}

/// One line of `docproc config show`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Entry {
    pub key: &'static str,
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

/// The formats a file enables; empty means all (nothing disabled).
fn enabled_formats(sections: &FormatSections) -> Vec<Format> {
    let all = [Format::Pdf, Format::Docx, Format::Txt];
    if all.iter().all(|&f| sections.enabled(f) != Some(false)) {
        return Vec::new();
    }
    all.into_iter()
        .filter(|&f| sections.enabled(f) != Some(false))
        .collect()
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
        assert_eq!(
            enabled_formats(&file.formats),
            vec![Format::Pdf, Format::Docx]
        );
        assert_eq!(
            file.formats.pdf.unwrap().page_markers,
            Some(PageMarkers::None)
        );
    }
}
