//! The commands besides `convert`: they read (or maintain) the state a conversion left.
//!
//! Read-only commands (`status`, `list`, `show`, `stats`, `export`, `db check`, `db backup`) take
//! no lock: the database is in WAL mode, so they see the last committed state while a run is
//! going. Commands that change the state (`gc`, `db vacuum`, and `retry`, which is a conversion)
//! take the run lock and fail at once with exit 2 when a run holds it.
//!
//! Every command prints text for people by default and JSON with `--json` (or `--format json`);
//! an error then is `{"error": {"code", "message", "details"}}` on stdout, with the same exit code.

mod db;
mod documents;
mod gc;
mod merge;
mod stats;
mod status;

use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;

use crate::cli::StateArgs;
use crate::config::StatePaths;

pub use db::{backup, check, vacuum};
pub use documents::{export, list, show};
pub use gc::gc;
pub use merge::merge;
pub use stats::stats;
pub use status::status;

/// A state opened for reading.
pub struct State {
    pub paths: StatePaths,
    pub conn: rusqlite::Connection,
}

impl State {
    /// Opens an existing state; never creates one.
    pub fn open(args: &StateArgs) -> Result<State> {
        let paths = StatePaths::locate(args)?;
        let conn = crate::store::open(&paths.db)?;
        Ok(State { paths, conn })
    }
}

/// An error a command reports with its own code in the JSON error object.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct CommandError {
    pub code: &'static str,
    pub message: String,
}

impl CommandError {
    pub fn error(code: &'static str, message: impl Into<String>) -> anyhow::Error {
        CommandError {
            code,
            message: message.into(),
        }
        .into()
    }
}

/// Prints a value as pretty JSON on stdout; a closed pipe is not an error.
pub fn print_json(value: &impl Serialize) -> Result<()> {
    crate::report::print_json(value).context("cannot write to stdout")
}

/// Prints text on stdout; a closed pipe is not an error.
pub fn print_text(text: &str) -> Result<()> {
    crate::report::print_text(text).context("cannot write to stdout")
}

/// `--since`: an RFC 3339 time ("2026-11-27T06:00:00Z", or without the zone: UTC) or an age
/// ("24h", "7d", "90min"), as the timestamp format of the database.
pub fn parse_since(value: &str) -> Result<String> {
    let time = if let Ok(age) = humantime::parse_duration(value) {
        std::time::SystemTime::now()
            .checked_sub(age)
            .unwrap_or(std::time::UNIX_EPOCH)
    } else {
        humantime::parse_rfc3339_weak(value).map_err(|_| {
            CommandError::error(
                "invalid_argument",
                format!(
                    "invalid time {value:?}: give an RFC 3339 time (2026-11-27T06:00:00Z) or an age (24h, 7d)"
                ),
            )
        })?
    };
    Ok(humantime::format_rfc3339_millis(time).to_string())
}

/// A duration such as "30d" for `--older-than`.
pub fn parse_age(value: &str) -> Result<std::time::Duration> {
    humantime::parse_duration(value).map_err(|e| {
        CommandError::error(
            "invalid_argument",
            format!("invalid duration {value:?} ({e}): write it like 30d, 12h or 90min"),
        )
    })
}

/// Bytes for people: 1.2 MiB.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// Total size of the regular files under `dir` (0 when it does not exist) and their number.
pub fn dir_size(dir: &Path) -> (u64, u64) {
    let mut bytes = 0;
    let mut files = 0;
    for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if entry.file_type().is_file() {
            files += 1;
            bytes += entry.metadata().map_or(0, |m| m.len());
        }
    }
    (bytes, files)
}

/// Size of the database with its WAL.
pub fn db_size(db: &Path) -> u64 {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
    size(db) + size(Path::new(&wal))
}

/// A ratio, or null when there is nothing to divide.
pub fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

pub fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "n/a".into(), |v| format!("{:.1}%", v * 100.0))
}

/// Lays out rows in columns separated by two spaces; the last column is not padded.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let cells: Vec<&str> = cells.collect();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                out.push_str(cell);
            } else {
                out.push_str(cell);
                out.push_str(&" ".repeat(widths[i] - cell.chars().count() + 2));
            }
        }
        out.push('\n');
    };
    line(&mut header.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    out
}
