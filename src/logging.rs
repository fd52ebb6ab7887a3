//! Log lines on stderr, for people (the default) or as JSON for log collectors.
//!
//! With `--log-format json` every line docproc writes on stderr — log records, per-document
//! failure and warning lines, fatal errors — is one JSON object:
//! `{"timestamp", "level", "service": "docproc", "message", "context": {...}}`, where the context
//! holds the run id during a run and the document's path and error code on document lines (log
//! records add their key-values). stdout is unaffected: it carries the report.

use std::io::Write;
use std::sync::{OnceLock, RwLock};

use serde_json::{Map, Value};

use crate::cli::LogFormat;

static FORMAT: OnceLock<LogFormat> = OnceLock::new();
static RUN_ID: RwLock<Option<String>> = RwLock::new(None);

/// Sets up logging once: `DOCPROC_LOG` takes env_logger filters (`DOCPROC_LOG=debug`); otherwise
/// `-v` shows docproc's info messages, `-vv` debug messages from every crate, `-vvv` trace.
pub fn init(verbose: u8, format: LogFormat) {
    let _ = FORMAT.set(format);
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
    builder.target(env_logger::Target::Stderr);
    if format == LogFormat::Json {
        builder.format(|buf, record| {
            let mut context = Map::new();
            let mut visitor = Collect(&mut context);
            let _ = record.key_values().visit(&mut visitor);
            if record.target() != "docproc" && !record.target().starts_with("docproc::") {
                context.insert("target".into(), record.target().into());
            }
            let line = json_line(
                &record.level().as_str().to_lowercase(),
                &record.args().to_string(),
                context,
            );
            writeln!(buf, "{line}")
        });
    } else {
        builder.format_timestamp_millis();
    }
    let _ = builder.try_init();
}

/// Whether stderr lines are JSON.
pub fn json() -> bool {
    FORMAT.get() == Some(&LogFormat::Json)
}

/// The run every following line belongs to (None after the run).
pub fn set_run_id(id: Option<&str>) {
    if let Ok(mut slot) = RUN_ID.write() {
        *slot = id.map(str::to_string);
    }
}

/// One JSON log line (without the newline).
pub fn json_line(level: &str, message: &str, mut context: Map<String, Value>) -> String {
    if let Ok(slot) = RUN_ID.read()
        && let Some(id) = slot.as_ref()
    {
        context.entry("run_id").or_insert_with(|| id.clone().into());
    }
    let line = serde_json::json!({
        "timestamp": crate::store::now_rfc3339(),
        "level": level,
        "service": "docproc",
        "message": message,
        "context": context,
    });
    line.to_string()
}

/// Writes a line about a document on stderr: `docproc: <path>: <message>` for people, a JSON
/// line with `path` and `code` in its context otherwise.
pub fn document_line(level: &str, path: &str, code: &str, message: &str) -> String {
    if json() {
        let mut context = Map::new();
        context.insert("path".into(), path.into());
        if !code.is_empty() {
            context.insert("code".into(), code.into());
        }
        json_line(level, message, context)
    } else {
        format!("docproc: {path}: {message}")
    }
}

/// A fatal error line.
pub fn error_line(message: &str, code: &str) -> String {
    if json() {
        let mut context = Map::new();
        context.insert("code".into(), code.into());
        json_line("error", message, context)
    } else {
        format!("docproc: error: {message}")
    }
}

struct Collect<'a>(&'a mut Map<String, Value>);

impl<'kvs> log::kv::VisitSource<'kvs> for Collect<'_> {
    fn visit_pair(
        &mut self,
        key: log::kv::Key<'kvs>,
        value: log::kv::Value<'kvs>,
    ) -> Result<(), log::kv::Error> {
        let value = if let Some(n) = value.to_u64() {
            Value::from(n)
        } else if let Some(n) = value.to_i64() {
            Value::from(n)
        } else if let Some(b) = value.to_bool() {
            Value::from(b)
        } else {
            Value::from(value.to_string())
        };
        self.0.insert(key.as_str().to_string(), value);
        Ok(())
    }
}
