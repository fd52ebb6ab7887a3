//! What a run tells people and machines: progress and failure lines on stderr, the summary (or
//! `--json`) on stdout, and the exit status.
//!
//! stderr is for people: the progress bar is drawn only when stderr is a terminal, and each failed
//! document gets one line `docproc: <path>: <message>` as it happens. stdout is data: a one-line
//! summary, or with `--json` the whole report as one JSON document. A closed stdout (`| head`) is
//! not an error.

use std::io::{self, Write};
use std::path::Path;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use crate::config::ReportOptions;
use crate::exit::ExitStatus;

/// One document that did not convert.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    pub path: String,
    pub code: String,
    pub message: String,
    /// True when the failure was recorded by an earlier run for the same content and not retried.
    pub remembered: bool,
}

/// A document that converted with a warning (`needs_ocr`), or was skipped on purpose (`empty`).
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    pub path: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct DocumentCounts {
    pub total: u64,
    pub converted: u64,
    pub cached: u64,
    pub failed: u64,
    pub skipped: u64,
    /// Not processed because the run was interrupted; the next run does them.
    pub pending: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct WalkError {
    pub path: String,
    pub message: String,
}

/// The report of one `docproc convert` run.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub run_id: String,
    pub documents: DocumentCounts,
    pub ignored: u64,
    pub duration_ms: u64,
    pub failures: Vec<Failure>,
    pub warnings: Vec<Notice>,
    pub skips: Vec<Notice>,
    pub walk_errors: Vec<WalkError>,
    pub interrupted: bool,
    pub exit_code: u8,
    pub output: String,
    pub database: String,
    /// `--shard K/N`: the shard this run converted, and how many documents it left to the
    /// other shards.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardReport>,
    #[serde(skip)]
    pub missed_documents: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ShardReport {
    pub index: u64,
    pub count: u64,
    pub other_shards: u64,
}

impl Summary {
    pub fn exit_status(&self) -> ExitStatus {
        // A shard whose documents failed did its work: the failures are in its database, and an
        // engine that retried the whole shard on exit 1 would only fail them again.
        let failures_count = self.documents.failed > 0 && self.shard.is_none();
        if self.interrupted {
            ExitStatus::Interrupted
        } else if failures_count || self.missed_documents {
            ExitStatus::Partial
        } else {
            ExitStatus::Success
        }
    }

    /// Prints the summary (or the JSON report) on stdout; a closed pipe is not an error.
    pub fn print(&self, options: &ReportOptions) {
        let result = if options.json {
            print_json(self)
        } else if options.quiet {
            Ok(())
        } else {
            print_text(&format!("{}\n", self.human_line()))
        };
        if let Err(e) = result {
            let _ = writeln!(io::stderr(), "docproc: cannot write the report: {e}");
        }
    }

    fn human_line(&self) -> String {
        let d = &self.documents;
        let mut line = format!(
            "{} document{}: {} converted, {} cached, {} failed",
            d.total,
            if d.total == 1 { "" } else { "s" },
            d.converted,
            d.cached,
            d.failed
        );
        if d.skipped > 0 {
            line.push_str(&format!(", {} skipped", d.skipped));
        }
        if d.pending > 0 {
            line.push_str(&format!(
                ", {} not done (interrupted; run again to finish)",
                d.pending
            ));
        }
        let ocr = self
            .warnings
            .iter()
            .filter(|w| w.code == "needs_ocr")
            .count();
        if ocr > 0 {
            line.push_str(&format!(" ({ocr} without a text layer: need OCR)"));
        }
        if self.ignored > 0 {
            line.push_str(&format!(
                "; {} other file{} ignored",
                self.ignored,
                if self.ignored == 1 { "" } else { "s" }
            ));
        }
        if let Some(shard) = &self.shard {
            line.push_str(&format!(
                "; shard {}/{} ({} documents left to the other shards)",
                shard.index, shard.count, shard.other_shards
            ));
        }
        line.push_str(&format!(
            " in {}",
            format_duration(Duration::from_millis(self.duration_ms))
        ));
        let remembered = self.failures.iter().filter(|f| f.remembered).count();
        if remembered > 0 {
            line.push_str(&format!(
                "\n{remembered} of the failures are from earlier runs of unchanged files; --retry-failed tries them again"
            ));
        }
        line
    }
}

/// Writes a value as pretty JSON and a newline on stdout; a closed pipe (`| head`) is not an error.
pub fn print_json(value: &impl Serialize) -> io::Result<()> {
    let mut out = io::stdout().lock();
    let result = serde_json::to_writer_pretty(&mut out, value)
        .map_err(io::Error::from)
        .and_then(|()| writeln!(out))
        .and_then(|()| out.flush());
    ignore_closed_pipe(result)
}

/// Writes text on stdout; a closed pipe is not an error.
pub fn print_text(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    ignore_closed_pipe(out.write_all(text.as_bytes()).and_then(|()| out.flush()))
}

fn ignore_closed_pipe(result: io::Result<()>) -> io::Result<()> {
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

fn format_duration(d: Duration) -> String {
    if d.as_secs() >= 60 {
        format!("{}m{:02}s", d.as_secs() / 60, d.as_secs() % 60)
    } else {
        format!("{:.2}s", d.as_secs_f64())
    }
}

/// Progress and per-document messages on stderr.
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn new(options: &ReportOptions) -> Progress {
        let bar = options.progress.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(ProgressStyle::with_template("{spinner} {msg}").expect("valid template"));
            bar.set_message("looking for documents");
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Progress { bar }
    }

    /// Switches from the "scanning" spinner to a bar over `len` documents.
    pub fn start_work(&self, len: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(len);
            bar.set_position(0);
            bar.set_message("");
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} documents, eta {eta} {wide_msg}",
                )
                .expect("valid template"),
            );
        }
    }

    /// More documents found (discovery goes on while the first are converted).
    pub fn add_work(&self, len: u64) {
        if let Some(bar) = &self.bar {
            bar.inc_length(len);
        }
    }

    pub fn message(&self, msg: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(msg.to_string());
        }
    }

    pub fn inc(&self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }

    /// One line on stderr, above the bar: `docproc: <path>: <message>` (or a JSON log line
    /// carrying the path and the code, with `--log-format json`).
    pub fn line(&self, path: &Path, code: &str, message: &str) {
        let line = crate::logging::document_line("warn", &printable(path), code, message);
        match &self.bar {
            Some(bar) => bar.suspend(|| {
                let _ = writeln!(io::stderr(), "{line}");
            }),
            None => {
                let _ = writeln!(io::stderr(), "{line}");
            }
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// A path made safe to print on a terminal: control characters (a newline or an escape sequence
/// in a file name) are shown escaped, and bytes that are not UTF-8 as U+FFFD.
pub fn printable(path: &Path) -> String {
    let lossy = path.to_string_lossy();
    let mut out = String::with_capacity(lossy.len());
    for c in lossy.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(
            printable(Path::new("a\nb\x1b[31m.pdf")),
            "a\\nb\\u{1b}[31m.pdf"
        );
        assert_eq!(printable(Path::new("Résumé 2024.pdf")), "Résumé 2024.pdf");
    }
}
