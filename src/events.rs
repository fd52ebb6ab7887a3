//! `--events FILE`: one JSON line per document event, for whatever watches the output.
//!
//! The shape is the specification's:
//! `{"event_id": uuid, "event_type", "timestamp": RFC 3339, "payload": {...}}` with the event types
//! `DocumentUploaded` (a new or changed document was found), `DocumentProcessingCompleted` (its
//! Markdown is in place, converted or restored from the cache) and `DocumentProcessingFailed`.
//! The file is opened for appending, so a nightly job accumulates one log; each event is written
//! with a single `write` of a whole line, so concurrent readers (`tail -f`) never see half of one.
//! `-` writes the events to stdout instead.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result};
use serde_json::{Value, json};

use crate::convert::Metadata;

enum Sink {
    Stdout,
    File(File),
}

/// Where events go; a no-op without `--events`.
pub struct Events {
    sink: Option<Mutex<Sink>>,
    broken: AtomicBool,
}

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Events")
            .field("enabled", &self.sink.is_some())
            .finish()
    }
}

impl Events {
    pub fn disabled() -> Events {
        Events {
            sink: None,
            broken: AtomicBool::new(false),
        }
    }

    /// Opens `path` for appending (created if missing), or stdout for `-`.
    pub fn open(path: Option<&Path>) -> Result<Events> {
        let sink = match path {
            None => return Ok(Events::disabled()),
            Some(p) if p.as_os_str() == "-" => Sink::Stdout,
            Some(p) => Sink::File(
                OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)
                    .with_context(|| format!("cannot open events file {}", p.display()))?,
            ),
        };
        Ok(Events {
            sink: Some(Mutex::new(sink)),
            broken: AtomicBool::new(false),
        })
    }

    pub fn enabled(&self) -> bool {
        self.sink.is_some()
    }

    /// A new or changed document was found and will be processed.
    pub fn uploaded(
        &self,
        document_id: &str,
        file_path: &str,
        file_type: &str,
        file_size: u64,
        metadata: Value,
    ) {
        self.emit(
            "DocumentUploaded",
            json!({
                "document_id": document_id,
                "file_path": file_path,
                "file_type": file_type,
                "file_size": file_size,
                "metadata": metadata,
            }),
        );
    }

    /// A document's Markdown is in place.
    pub fn completed(
        &self,
        document: &EventDocument<'_>,
        cached_markdown_path: &str,
        metadata: &Metadata,
    ) {
        self.emit(
            "DocumentProcessingCompleted",
            json!({
                "document_id": document.id,
                "file_path": document.file_path,
                "output_path": document.output_path,
                "cached_markdown_path": cached_markdown_path,
                "metadata": metadata,
                "processed_at": crate::store::now_rfc3339(),
            }),
        );
    }

    /// A document failed.
    pub fn failed(&self, document: &EventDocument<'_>, code: &str, message: &str) {
        self.emit(
            "DocumentProcessingFailed",
            json!({
                "document_id": document.id,
                "error": {
                    "code": code,
                    "message": message,
                    "details": {
                        "file_path": document.file_path,
                        "output_path": document.output_path,
                    },
                },
            }),
        );
    }

    fn emit(&self, event_type: &str, payload: Value) {
        let Some(sink) = &self.sink else { return };
        if self.broken.load(Ordering::Relaxed) {
            return;
        }
        let event = json!({
            "event_id": uuid::Uuid::new_v4().to_string(),
            "event_type": event_type,
            "timestamp": crate::store::now_rfc3339(),
            "payload": payload,
        });
        let mut line = event.to_string();
        line.push('\n');
        let Ok(mut sink) = sink.lock() else { return };
        let result = match &mut *sink {
            Sink::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(line.as_bytes()).and_then(|()| out.flush())
            }
            Sink::File(file) => file.write_all(line.as_bytes()),
        };
        if let Err(e) = result
            && !self.broken.swap(true, Ordering::Relaxed)
        {
            log::warn!("cannot write events any more: {e}");
        }
    }
}

/// The document an event is about.
#[derive(Debug, Clone)]
pub struct EventDocument<'a> {
    pub id: &'a str,
    pub file_path: std::borrow::Cow<'a, str>,
    pub output_path: std::borrow::Cow<'a, str>,
}
