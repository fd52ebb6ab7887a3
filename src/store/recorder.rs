//! The one thread that writes to the database during a run.
//!
//! Workers send [`Record`]s over a channel; the recorder applies them in transactions of up to
//! [`BATCH_SIZE`] records or [`BATCH_WINDOW`] of time, whichever comes first. Batching keeps a cold
//! run of thousands of small documents from paying one fsync per document; the window bounds what
//! a killed run can lose to a fraction of a second of work, which the next run simply redoes
//! (outputs are written before they are recorded, so nothing recorded is ever missing).

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use rusqlite::{Connection, Transaction, params};

use super::{CacheEntry, DocumentRow, now_rfc3339};
use crate::convert::Metadata;

const BATCH_SIZE: usize = 1024;
const BATCH_WINDOW: Duration = Duration::from_millis(250);
/// Records waiting for the recorder at most (a few MiB).
const QUEUE: usize = 2048;

/// A change to record.
#[derive(Debug)]
pub enum Record {
    /// Insert or update a document row; replace its metadata when given; add the cache entry
    /// when given (its Markdown file already exists).
    Document {
        row: Box<DocumentRow>,
        metadata: Option<Metadata>,
        cache_entry: Option<Box<CacheEntry>>,
        /// How this run processed it, for the `attempts` history (`converted`, `cached`,
        /// `failed`, `skipped`); None for bookkeeping updates.
        attempt: Option<&'static str>,
    },
}

impl Record {
    /// A document row alone: no metadata, no cache entry.
    pub fn row(row: DocumentRow, attempt: Option<&'static str>) -> Record {
        Record::Document {
            row: Box::new(row),
            metadata: None,
            cache_entry: None,
            attempt,
        }
    }
}

/// Handle to the recorder thread.
pub struct Recorder {
    tx: SyncSender<Record>,
    handle: JoinHandle<Result<Connection>>,
}

impl Recorder {
    /// Moves the connection to a new recorder thread; `barrier` flushes the files written
    /// before each commit (when files are not flushed one by one).
    pub fn spawn(conn: Connection, barrier: Option<crate::write::Barrier>) -> Recorder {
        // The writer's pages stay in memory across batches (16 MiB rather than SQLite's 2):
        // each document touches a page of every index, and reading them back costs more.
        let _ = conn.pragma_update(None, "cache_size", -16384);
        // Checkpoint the write-ahead log every 32 MiB rather than SQLite's 4: a batch of new
        // documents touches pages all over the id and cache-key indexes, more than the default
        // threshold, so every commit was copied back into the database at once; a larger
        // threshold copies a page rewritten by several batches once.
        let _ = conn.pragma_update(None, "wal_autocheckpoint", 8192);
        // Bounded: when documents are planned faster than they are recorded (a rerun refreshing
        // every row), the pipeline waits instead of queueing a million records in memory.
        let (tx, rx) = mpsc::sync_channel(QUEUE);
        let handle = std::thread::Builder::new()
            .name("docproc-recorder".into())
            .spawn(move || record(conn, rx, barrier))
            .expect("spawn the recorder thread");
        Recorder { tx, handle }
    }

    /// A sender for workers; sending fails only when the recorder stopped on an error.
    pub fn sender(&self) -> SyncSender<Record> {
        self.tx.clone()
    }

    /// Waits for every record to be committed and returns the connection.
    pub fn finish(self) -> Result<Connection> {
        drop(self.tx);
        match self.handle.join() {
            Ok(result) => result,
            Err(_) => anyhow::bail!("the database writer thread crashed"),
        }
    }
}

fn record(
    mut conn: Connection,
    rx: Receiver<Record>,
    barrier: Option<crate::write::Barrier>,
) -> Result<Connection> {
    while let Ok(first) = rx.recv() {
        let tx = conn
            .transaction()
            .context("cannot start a database transaction")?;
        apply(&tx, first)?;
        let deadline = Instant::now() + BATCH_WINDOW;
        let mut count = 1;
        let mut disconnected = false;
        while count < BATCH_SIZE {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(next) => {
                    apply(&tx, next)?;
                    count += 1;
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => {
                    disconnected = true;
                    break;
                }
            }
        }
        // What the rows refer to is on disk before the rows are.
        if let Some(b) = &barrier {
            b.sync().context("cannot flush the written files to disk")?;
        }
        tx.commit().context("cannot commit to the database")?;
        log::debug!("recorded {count} changes");
        if disconnected {
            break;
        }
    }
    Ok(conn)
}

fn apply(tx: &Transaction<'_>, record: Record) -> Result<()> {
    match record {
        Record::Document {
            row,
            metadata,
            cache_entry,
            attempt,
        } => {
            let now = now_rfc3339();
            if let Some(entry) = cache_entry {
                tx.prepare_cached(
                    "INSERT INTO cache_entries (cache_key, content_hash, converter, converter_version,
                                                options, markdown_path, markdown_size, metadata_json,
                                                warning_code, warning_message, created_at, last_used_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?10, ?11, ?9, ?9)
                     ON CONFLICT (cache_key) DO UPDATE SET
                        markdown_path = excluded.markdown_path,
                        markdown_size = excluded.markdown_size,
                        metadata_json = excluded.metadata_json,
                        warning_code = excluded.warning_code,
                        warning_message = excluded.warning_message,
                        last_used_at = excluded.last_used_at",
                )?
                .execute(params![
                    entry.cache_key,
                    entry.content_hash,
                    entry.converter,
                    entry.converter_version,
                    entry.options,
                    entry.markdown_path,
                    entry.markdown_size as i64,
                    serde_json::to_string(&entry.metadata)?,
                    now,
                    entry.warning.as_ref().map(|w| w.code.as_str()),
                    entry.warning.as_ref().map(|w| w.message.as_str()),
                ])
                .context("cannot record a cache entry")?;
            }
            // The row's id may predate this run (ON CONFLICT keeps it).
            let (seq, id) = tx.prepare_cached(
                "INSERT INTO documents (id, file_path, file_type, file_size, content_hash,
                                        processing_status, error_code, error_message, output_path,
                                        cached_markdown_path, converter, converter_version, cache_key,
                                        duration_ms, mtime_ns, ctime_ns, inode, hashed_at_ns,
                                        last_run_id, created_at, updated_at, processed_at,
                                        target_path, output_size)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                         ?18, ?19, ?20, ?20, ?21, ?22, ?23)
                 ON CONFLICT (file_path) DO UPDATE SET
                    file_type = excluded.file_type,
                    file_size = excluded.file_size,
                    content_hash = excluded.content_hash,
                    processing_status = excluded.processing_status,
                    error_code = excluded.error_code,
                    error_message = excluded.error_message,
                    output_path = excluded.output_path,
                    cached_markdown_path = excluded.cached_markdown_path,
                    converter = excluded.converter,
                    converter_version = excluded.converter_version,
                    cache_key = excluded.cache_key,
                    duration_ms = excluded.duration_ms,
                    mtime_ns = excluded.mtime_ns,
                    ctime_ns = excluded.ctime_ns,
                    inode = excluded.inode,
                    hashed_at_ns = excluded.hashed_at_ns,
                    last_run_id = excluded.last_run_id,
                    updated_at = excluded.updated_at,
                    processed_at = excluded.processed_at,
                    target_path = excluded.target_path,
                    output_size = excluded.output_size
                 RETURNING seq, id",
            )?
            .query_row(params![
                row.id,
                row.file_path,
                row.file_type,
                row.stat.size as i64,
                row.content_hash,
                row.status.as_str(),
                row.error_code,
                row.error_message,
                row.output_path,
                row.cached_markdown_path,
                row.converter,
                row.converter_version,
                row.cache_key,
                row.duration_ms.map(|d| d as i64),
                row.stat.mtime_ns,
                row.stat.ctime_ns,
                row.stat.inode as i64,
                row.hashed_at_ns,
                row.run_id,
                now,
                row.processed_at,
                row.target_path,
                row.output_size.map(|s| s as i64),
            ], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .with_context(|| format!("cannot record document {}", row.file_path))?;
            if let Some(outcome) = attempt {
                tx.prepare_cached(
                    "INSERT INTO attempts (run_id, document_id, file_type, outcome, error_code,
                                           duration_ms, finished_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?
                .execute(params![
                    row.run_id,
                    id,
                    row.file_type,
                    outcome,
                    row.error_code,
                    row.duration_ms.map(|d| d as i64),
                    now,
                ])
                .context("cannot record the attempt")?;
            }
            if let Some(metadata) = metadata {
                // A row first recorded now has none to replace (one this run inserted earlier,
                // while the document was processing, has none either).
                if row.had_row || id != row.id {
                    tx.prepare_cached("DELETE FROM document_metadata WHERE document_seq = ?1")?
                        .execute([seq])?;
                }
                let mut insert = tx.prepare_cached(
                    "INSERT INTO document_metadata (document_seq, key, value) VALUES (?1, ?2, ?3)",
                )?;
                for (key, value) in &metadata {
                    insert.execute(params![seq, key, value])?;
                }
            }
        }
    }
    Ok(())
}
