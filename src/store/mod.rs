//! The SQLite state: documents, their metadata, the cache index and the history of runs.
//!
//! Table and column names follow the specification docproc comes from (`documents` with a
//! `processing_status`, a key/value `metadata` table, `cached_markdown_path`). The schema is
//! created and upgraded by append-only migrations tracked in `PRAGMA user_version`; a database
//! written by a newer docproc is refused rather than damaged. The database runs in WAL mode, so
//! readers (another terminal, a monitoring script) never block a run, and every change is made in
//! transactions: a run killed at any moment leaves the last committed state, which the next run
//! resumes from (`recover`).
//!
//! During a run one thread owns the connection and writes (`recorder.rs`); the pipeline reads
//! what it needs on a connection of its own ([`KnownLookup`], cache entries), which WAL lets it
//! do while the recorder writes.

mod recorder;

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use rusqlite::{Connection, OptionalExtension, params};

pub use recorder::{Record, Recorder};

use crate::cache::CacheKey;
use crate::convert::{Metadata, Warning};
use crate::hash::FileStat;
use crate::shard::Shard;

/// Migrations, oldest first. Never edit or remove one that has shipped: append a new one.
const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    "
    CREATE TABLE documents (
        id                   TEXT PRIMARY KEY,
        file_path            TEXT NOT NULL UNIQUE,
        file_type            TEXT NOT NULL,
        file_size            INTEGER NOT NULL,
        content_hash         TEXT,
        processing_status    TEXT NOT NULL DEFAULT 'pending'
                             CHECK (processing_status IN
                                    ('pending', 'processing', 'completed', 'failed', 'skipped')),
        error_code           TEXT,
        error_message        TEXT,
        output_path          TEXT,
        cached_markdown_path TEXT,
        converter            TEXT,
        converter_version    TEXT,
        cache_key            TEXT,
        duration_ms          INTEGER,
        mtime_ns             INTEGER,
        ctime_ns             INTEGER,
        inode                INTEGER,
        hashed_at_ns         INTEGER,
        last_run_id          TEXT,
        created_at           TEXT NOT NULL,
        updated_at           TEXT NOT NULL,
        processed_at         TEXT
    );
    CREATE INDEX documents_processing_status ON documents (processing_status);
    CREATE INDEX documents_content_hash ON documents (content_hash);

    CREATE TABLE metadata (
        document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        key         TEXT NOT NULL,
        value       TEXT NOT NULL,
        PRIMARY KEY (document_id, key)
    ) WITHOUT ROWID;

    CREATE TABLE cache_entries (
        cache_key         TEXT PRIMARY KEY,
        content_hash      TEXT NOT NULL,
        converter         TEXT NOT NULL,
        converter_version TEXT NOT NULL,
        options           TEXT NOT NULL,
        markdown_path     TEXT NOT NULL,
        markdown_size     INTEGER NOT NULL,
        metadata_json     TEXT NOT NULL,
        warning_code      TEXT,
        warning_message   TEXT,
        created_at        TEXT NOT NULL,
        last_used_at      TEXT NOT NULL
    );
    CREATE INDEX cache_entries_content_hash ON cache_entries (content_hash);

    CREATE TABLE runs (
        id              TEXT PRIMARY KEY,
        started_at      TEXT NOT NULL,
        finished_at     TEXT,
        status          TEXT NOT NULL
                        CHECK (status IN ('running', 'finished', 'interrupted', 'abandoned', 'failed')),
        exit_code       INTEGER,
        total           INTEGER NOT NULL DEFAULT 0,
        converted       INTEGER NOT NULL DEFAULT 0,
        cached          INTEGER NOT NULL DEFAULT 0,
        failed          INTEGER NOT NULL DEFAULT 0,
        skipped         INTEGER NOT NULL DEFAULT 0,
        pending         INTEGER NOT NULL DEFAULT 0,
        ignored         INTEGER NOT NULL DEFAULT 0,
        duration_ms     INTEGER,
        docproc_version TEXT NOT NULL,
        command         TEXT NOT NULL
    );
    ",
    // 2: where a document's Markdown goes whatever its status (for `retry`), and the history of
    // every document processed by a run (for `stats`).
    "
    ALTER TABLE documents ADD COLUMN target_path TEXT;
    ALTER TABLE documents ADD COLUMN output_size INTEGER;
    UPDATE documents SET target_path = output_path;
    CREATE INDEX documents_processed_at ON documents (processed_at);

    CREATE TABLE attempts (
        id          INTEGER PRIMARY KEY,
        run_id      TEXT NOT NULL,
        document_id TEXT NOT NULL,
        file_type   TEXT NOT NULL,
        outcome     TEXT NOT NULL CHECK (outcome IN ('converted', 'cached', 'failed', 'skipped')),
        error_code  TEXT,
        duration_ms INTEGER,
        finished_at TEXT NOT NULL
    );
    CREATE INDEX attempts_finished_at ON attempts (finished_at);
    CREATE INDEX runs_started_at ON runs (started_at);
    ",
    // 3: shards. Which shard of which plan a run converted, what a database is (the `shard` of
    // a shard's database), and which shard databases were merged into this one.
    "
    ALTER TABLE runs ADD COLUMN shard_index INTEGER;
    ALTER TABLE runs ADD COLUMN shard_count INTEGER;
    CREATE TABLE properties (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    ",
    // 4: no query looks documents or cache entries up by content hash (the cache key is what
    // they are found by): the two indexes cost 160 bytes per document and two random B-tree
    // writes per conversion.
    "
    DROP INDEX IF EXISTS documents_content_hash;
    DROP INDEX IF EXISTS cache_entries_content_hash;
    ",
    // 5: metadata keyed by a document's sequence number instead of its random id. New
    // documents get increasing numbers, so their metadata is appended to the end of the table
    // instead of landing on a random page of it (on 100,000 new documents the random inserts
    // were a third of the run). `seq` is an INTEGER PRIMARY KEY so that VACUUM keeps it;
    // `metadata` stays, as a view with the same columns, for queries and reports.
    "
    CREATE TABLE documents_v5 (
        seq                  INTEGER PRIMARY KEY,
        id                   TEXT NOT NULL UNIQUE,
        file_path            TEXT NOT NULL UNIQUE,
        file_type            TEXT NOT NULL,
        file_size            INTEGER NOT NULL,
        content_hash         TEXT,
        processing_status    TEXT NOT NULL DEFAULT 'pending'
                             CHECK (processing_status IN
                                    ('pending', 'processing', 'completed', 'failed', 'skipped')),
        error_code           TEXT,
        error_message        TEXT,
        output_path          TEXT,
        cached_markdown_path TEXT,
        converter            TEXT,
        converter_version    TEXT,
        cache_key            TEXT,
        duration_ms          INTEGER,
        mtime_ns             INTEGER,
        ctime_ns             INTEGER,
        inode                INTEGER,
        hashed_at_ns         INTEGER,
        last_run_id          TEXT,
        created_at           TEXT NOT NULL,
        updated_at           TEXT NOT NULL,
        processed_at         TEXT,
        target_path          TEXT,
        output_size          INTEGER
    );
    INSERT INTO documents_v5 (id, file_path, file_type, file_size, content_hash,
        processing_status, error_code, error_message, output_path, cached_markdown_path,
        converter, converter_version, cache_key, duration_ms, mtime_ns, ctime_ns, inode,
        hashed_at_ns, last_run_id, created_at, updated_at, processed_at, target_path, output_size)
    SELECT id, file_path, file_type, file_size, content_hash,
        processing_status, error_code, error_message, output_path, cached_markdown_path,
        converter, converter_version, cache_key, duration_ms, mtime_ns, ctime_ns, inode,
        hashed_at_ns, last_run_id, created_at, updated_at, processed_at, target_path, output_size
    FROM documents ORDER BY rowid;
    CREATE TABLE document_metadata (
        document_seq INTEGER NOT NULL REFERENCES documents_v5 (seq) ON DELETE CASCADE,
        key          TEXT NOT NULL,
        value        TEXT NOT NULL,
        PRIMARY KEY (document_seq, key)
    ) WITHOUT ROWID;
    INSERT INTO document_metadata (document_seq, key, value)
        SELECT d.seq, m.key, m.value FROM metadata m JOIN documents_v5 d ON d.id = m.document_id
        ORDER BY d.seq, m.key;
    DROP TABLE metadata;
    DROP TABLE documents;
    ALTER TABLE documents_v5 RENAME TO documents;
    CREATE INDEX documents_processing_status ON documents (processing_status);
    CREATE INDEX documents_processed_at ON documents (processed_at);
    CREATE VIEW metadata (document_id, key, value) AS
        SELECT d.id, m.key, m.value FROM document_metadata m JOIN documents d ON d.seq = m.document_seq;
    ",
];

/// The schema version this docproc writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Opens (creating if needed) and migrates the database.
pub fn open(path: &Path) -> Result<Connection> {
    let mut conn = Connection::open(path)
        .with_context(|| format!("cannot open database {}", path.display()))?;
    configure(&conn).with_context(|| format!("cannot use database {}", path.display()))?;
    migrate(&mut conn).with_context(|| format!("cannot upgrade database {}", path.display()))?;
    Ok(conn)
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(10))?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        log::warn!("database is in {mode} journal mode, not WAL");
    }
    conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")?;
    // Any read fails here if the file is not a SQLite database.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })?;
    Ok(())
}

/// Applies the migrations the database has not seen, each in its own transaction.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        bail!(
            "the database has schema version {version}, written by a newer docproc (this one knows \
             up to {SCHEMA_VERSION}); upgrade docproc or use another --db"
        );
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)
            .with_context(|| format!("migration {} failed", index + 1))?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// The processing status of a document, as stored in `documents.processing_status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    Processing,
    Completed,
    Failed,
    Skipped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Processing => "processing",
            Status::Completed => "completed",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
        }
    }

    fn parse(s: &str) -> Status {
        match s {
            "processing" => Status::Processing,
            "completed" => Status::Completed,
            "failed" => Status::Failed,
            "skipped" => Status::Skipped,
            _ => Status::Pending,
        }
    }
}

/// A `documents` row as the pipeline writes it.
#[derive(Debug, Clone)]
pub struct DocumentRow {
    pub id: String,
    pub file_path: String,
    pub file_type: String,
    pub stat: FileStat,
    pub content_hash: Option<String>,
    pub hashed_at_ns: Option<i64>,
    pub status: Status,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub output_path: Option<String>,
    /// Where the Markdown goes (or went), whatever the status.
    pub target_path: Option<String>,
    /// Size of the Markdown written to `output_path` (it can differ from the cached Markdown's:
    /// the attachments directory is named after the output).
    pub output_size: Option<u64>,
    pub cached_markdown_path: Option<String>,
    pub converter: Option<String>,
    pub converter_version: Option<String>,
    pub cache_key: Option<String>,
    pub duration_ms: Option<u64>,
    pub processed_at: Option<String>,
    pub run_id: String,
    /// Whether the database had a row for this path when the run planned the document: a
    /// document recorded for the first time has no metadata to replace.
    pub had_row: bool,
}

/// A `cache_entries` row: Markdown in the store for one cache key.
#[derive(Debug, Clone)]
pub struct CacheEntry {
    pub cache_key: String,
    pub content_hash: String,
    pub converter: String,
    pub converter_version: String,
    pub options: String,
    pub markdown_path: String,
    pub markdown_size: u64,
    pub metadata: Metadata,
    /// The conversion's warning (code, message), e.g. `needs_ocr`.
    pub warning: Option<Warning>,
}

/// What the database knows about a document from earlier runs.
#[derive(Debug, Clone)]
pub struct KnownDocument {
    pub row: DocumentRow,
    /// Size of the cached Markdown of its cache key, when that entry exists.
    pub markdown_size: Option<u64>,
}

/// The columns of a [`KnownDocument`], `d` being `documents`. The size of the cached Markdown
/// is looked up only for rows without the size of their output (written by an older docproc):
/// a join for every row would read a cache entry's page per document.
const KNOWN_COLUMNS: &str =
    "d.id, d.file_path, d.file_type, d.file_size, d.content_hash, d.processing_status,
    d.error_code, d.error_message, d.output_path, d.cached_markdown_path, d.converter,
    d.converter_version, d.cache_key, d.duration_ms, d.mtime_ns, d.ctime_ns, d.inode,
    d.hashed_at_ns, d.processed_at, d.last_run_id,
    CASE WHEN d.output_size IS NULL
         THEN (SELECT c.markdown_size FROM cache_entries c WHERE c.cache_key = d.cache_key) END,
    d.target_path, d.output_size";

fn known_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<KnownDocument> {
    let row = DocumentRow {
        id: r.get(0)?,
        file_path: r.get(1)?,
        file_type: r.get(2)?,
        stat: FileStat {
            size: r.get::<_, i64>(3)? as u64,
            mtime_ns: r.get::<_, Option<i64>>(14)?.unwrap_or(0),
            ctime_ns: r.get::<_, Option<i64>>(15)?.unwrap_or(0),
            inode: r.get::<_, Option<i64>>(16)?.unwrap_or(0) as u64,
        },
        content_hash: r.get(4)?,
        status: Status::parse(&r.get::<_, String>(5)?),
        error_code: r.get(6)?,
        error_message: r.get(7)?,
        output_path: r.get(8)?,
        target_path: r.get(21)?,
        output_size: r.get::<_, Option<i64>>(22)?.map(|s| s as u64),
        cached_markdown_path: r.get(9)?,
        converter: r.get(10)?,
        converter_version: r.get(11)?,
        cache_key: r.get(12)?,
        duration_ms: r.get::<_, Option<i64>>(13)?.map(|d| d as u64),
        hashed_at_ns: r.get(17)?,
        processed_at: r.get(18)?,
        run_id: r.get::<_, Option<String>>(19)?.unwrap_or_default(),
        had_row: true,
    };
    let markdown_size = r.get::<_, Option<i64>>(20)?.map(|s| s as u64);
    Ok(KnownDocument { row, markdown_size })
}

/// What the database knows about the documents of a run, looked up in the order discovery
/// finds them, in bounded memory: discovery yields paths in byte order (as SQLite sorts
/// text), so the lookup reads the `documents` rows as a merge join, a page of rows per query
/// from where the walk has got to, and skips the rows of files that are gone without reading
/// them. A path out of that order (a `--files-from` list, a name that is not UTF-8) is looked up
/// on its own. Each page is its own short read, so the run's writes are never held back.
pub struct KnownLookup<'c> {
    conn: &'c Connection,
    page: std::collections::VecDeque<KnownDocument>,
    /// No row at or after the last page's start beyond those in `page`.
    exhausted: bool,
    previous: Option<String>,
}

/// Rows read per page of a [`KnownLookup`].
const PAGE: i64 = 512;

impl<'c> KnownLookup<'c> {
    pub fn new(conn: &'c Connection) -> KnownLookup<'c> {
        KnownLookup {
            conn,
            page: Default::default(),
            exhausted: false,
            previous: None,
        }
    }

    /// The record of the document at `path`, if there is one.
    pub fn find(&mut self, path: &str) -> Result<Option<KnownDocument>> {
        if self.previous.as_deref().is_some_and(|p| path < p) {
            return self.point(path);
        }
        self.previous = Some(path.to_string());
        while self
            .page
            .front()
            .is_some_and(|k| k.row.file_path.as_str() < path)
        {
            self.page.pop_front();
        }
        if self.page.is_empty() {
            if self.exhausted {
                return Ok(None);
            }
            self.fetch(path)?;
        }
        if self.page.front().is_some_and(|k| k.row.file_path == path) {
            return Ok(self.page.pop_front());
        }
        Ok(None)
    }

    /// The next page: rows from `from` on.
    fn fetch(&mut self, from: &str) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {KNOWN_COLUMNS} FROM documents d
             WHERE d.file_path >= ?1 ORDER BY d.file_path LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![from, PAGE], known_from_row)?;
        for row in rows {
            self.page.push_back(row?);
        }
        self.exhausted = (self.page.len() as i64) < PAGE;
        Ok(())
    }

    fn point(&self, path: &str) -> Result<Option<KnownDocument>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {KNOWN_COLUMNS} FROM documents d WHERE d.file_path = ?1"
        ))?;
        Ok(stmt.query_row([path], known_from_row).optional()?)
    }
}

/// Read connections shared by the threads of a run, opened as they are first needed.
pub struct Readers {
    db: std::path::PathBuf,
    idle: std::sync::Mutex<Vec<Connection>>,
}

impl Readers {
    pub fn new(db: &Path) -> Readers {
        Readers {
            db: db.to_path_buf(),
            idle: Default::default(),
        }
    }

    /// Runs `f` on an idle connection (a new one when none is idle) and puts it back.
    pub fn with<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match idle {
            Some(conn) => conn,
            None => open(&self.db)?,
        };
        let result = f(&conn);
        self.idle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(conn);
        result
    }
}

/// A failed document, as `docproc retry` needs it.
#[derive(Debug, Clone)]
pub struct FailedDocument {
    pub file_path: String,
    pub file_type: String,
    pub target_path: Option<String>,
}

/// The failed documents, all or those with one of `codes`, by path.
pub fn failed_documents(conn: &Connection, codes: &[String]) -> Result<Vec<FailedDocument>> {
    let mut stmt = conn.prepare(
        "SELECT file_path, file_type, target_path, error_code FROM documents
         WHERE processing_status = 'failed' ORDER BY file_path",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            FailedDocument {
                file_path: r.get(0)?,
                file_type: r.get(1)?,
                target_path: r.get(2)?,
            },
            r.get::<_, Option<String>>(3)?.unwrap_or_default(),
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (doc, code) = row?;
        if codes.is_empty() || codes.contains(&code) {
            out.push(doc);
        }
    }
    Ok(out)
}

/// The cache entry for a key, if one was recorded.
pub fn cache_entry(conn: &Connection, key: &CacheKey) -> Result<Option<CacheEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT cache_key, content_hash, converter, converter_version, options, markdown_path,
                markdown_size, metadata_json, warning_code, warning_message
         FROM cache_entries WHERE cache_key = ?1",
    )?;
    let entry = stmt
        .query_row([key.as_str()], |r| {
            let metadata: String = r.get(7)?;
            Ok(CacheEntry {
                cache_key: r.get(0)?,
                content_hash: r.get(1)?,
                converter: r.get(2)?,
                converter_version: r.get(3)?,
                options: r.get(4)?,
                markdown_path: r.get(5)?,
                markdown_size: r.get::<_, i64>(6)? as u64,
                metadata: serde_json::from_str(&metadata).unwrap_or_default(),
                warning: match (
                    r.get::<_, Option<String>>(8)?,
                    r.get::<_, Option<String>>(9)?,
                ) {
                    (Some(code), message) => Some(Warning {
                        code,
                        message: message.unwrap_or_default(),
                    }),
                    _ => None,
                },
            })
        })
        .optional()?;
    Ok(entry)
}

/// Puts a killed run's leftovers right: documents stuck in `processing` go back to `pending`, and
/// runs still marked `running` are marked `abandoned`. Called under the run lock, so no other run
/// can be using them. Returns (documents reset, runs abandoned).
pub fn recover(conn: &Connection) -> Result<(usize, usize)> {
    let docs = conn.execute(
        "UPDATE documents SET processing_status = 'pending' WHERE processing_status = 'processing'",
        [],
    )?;
    let runs = conn.execute(
        "UPDATE runs SET status = 'abandoned' WHERE status = 'running'",
        [],
    )?;
    Ok((docs, runs))
}

/// Counts of one run, as stored in the `runs` table.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunCounts {
    pub total: u64,
    pub converted: u64,
    pub cached: u64,
    pub failed: u64,
    pub skipped: u64,
    pub pending: u64,
    pub ignored: u64,
}

pub fn start_run(
    conn: &Connection,
    id: &str,
    started_at: &str,
    command: &str,
    shard: Option<Shard>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO runs (id, started_at, status, docproc_version, command, shard_index, shard_count)
         VALUES (?1, ?2, 'running', ?3, ?4, ?5, ?6)",
        params![
            id,
            started_at,
            env!("CARGO_PKG_VERSION"),
            command,
            shard.map(|s| s.index as i64),
            shard.map(|s| s.count as i64)
        ],
    )?;
    Ok(())
}

/// A value of the `properties` table.
pub fn property(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM properties WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

pub fn set_property(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO properties (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// The property naming the shard a shard's database belongs to (`K/N`).
pub const SHARD_PROPERTY: &str = "shard";

/// Makes sure a run of `shard` (None: a plain run) may use this database: a shard's database
/// holds that shard only, and the database of a plain run (or a merge) is never a shard's. The
/// first shard run on a new database claims it.
pub fn claim_for(conn: &Connection, db: &Path, shard: Option<Shard>) -> Result<()> {
    let recorded = property(conn, SHARD_PROPERTY)?;
    let recorded_shard = recorded.as_deref().and_then(Shard::from_recorded);
    match (shard, recorded_shard) {
        (None, None) => Ok(()),
        (Some(shard), Some(recorded)) if shard == recorded => Ok(()),
        (None, Some(recorded)) => bail!(
            "{} is the database of shard {recorded}; convert with --shard {recorded}, or merge it \
             into the output's database with 'docproc merge'",
            db.display()
        ),
        (Some(shard), Some(recorded)) => bail!(
            "{} is the database of shard {recorded}, not {shard}; give each shard its own --db",
            db.display()
        ),
        (Some(shard), None) => {
            let documents: i64 =
                conn.query_row("SELECT count(*) FROM documents", [], |r| r.get(0))?;
            if documents > 0 {
                bail!(
                    "{} already holds the documents of unsharded runs; a shard needs its own \
                     database (leave --db out, or point it at a new file)",
                    db.display()
                );
            }
            set_property(conn, SHARD_PROPERTY, &shard.to_string())
        }
    }
}

pub fn finish_run(
    conn: &Connection,
    id: &str,
    status: &str,
    exit_code: u8,
    counts: &RunCounts,
    duration_ms: u64,
) -> Result<()> {
    conn.execute(
        "UPDATE runs SET finished_at = ?2, status = ?3, exit_code = ?4, total = ?5, converted = ?6,
                         cached = ?7, failed = ?8, skipped = ?9, pending = ?10, ignored = ?11,
                         duration_ms = ?12
         WHERE id = ?1",
        params![
            id,
            now_rfc3339(),
            status,
            exit_code,
            counts.total as i64,
            counts.converted as i64,
            counts.cached as i64,
            counts.failed as i64,
            counts.skipped as i64,
            counts.pending as i64,
            counts.ignored as i64,
            duration_ms as i64
        ],
    )?;
    Ok(())
}

/// The current time as RFC 3339 UTC with milliseconds, the format of every timestamp column.
pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrating_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
    }

    #[test]
    fn version_1_databases_keep_their_documents() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute_batch(
            "INSERT INTO documents (id, file_path, file_type, file_size, processing_status,
                                    output_path, created_at, updated_at)
             VALUES ('a', '/in/a.txt', 'txt', 1, 'completed', '/out/a.txt.md', 'now', 'now');",
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let target: String = conn
            .query_row("SELECT target_path FROM documents", [], |r| r.get(0))
            .unwrap();
        assert_eq!(target, "/out/a.txt.md");
        let attempts: i64 = conn
            .query_row("SELECT count(*) FROM attempts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(attempts, 0);
    }

    #[test]
    fn version_4_metadata_moves_to_sequence_keys_and_reads_the_same() {
        let mut conn = Connection::open_in_memory().unwrap();
        for sql in &MIGRATIONS[..4] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 4).unwrap();
        conn.execute_batch(
            "PRAGMA foreign_keys = ON;
             INSERT INTO documents (id, file_path, file_type, file_size, processing_status,
                                    created_at, updated_at)
             VALUES ('b-id', '/in/b.txt', 'txt', 1, 'completed', 'then', 'then'),
                    ('a-id', '/in/a.txt', 'txt', 2, 'failed', 'then', 'then');
             INSERT INTO metadata (document_id, key, value)
             VALUES ('a-id', 'title', 'A'), ('b-id', 'title', 'B'), ('b-id', 'words', '3');",
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let rows: Vec<(String, String, String)> = conn
            .prepare("SELECT document_id, key, value FROM metadata ORDER BY document_id, key")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let expected = [
            ("a-id", "title", "A"),
            ("b-id", "title", "B"),
            ("b-id", "words", "3"),
        ]
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()));
        assert_eq!(rows, expected);
        // Sequence numbers follow the old row order; deleting a document deletes its metadata.
        let seq: i64 = conn
            .query_row("SELECT seq FROM documents WHERE id = 'b-id'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(seq, 1);
        conn.execute("DELETE FROM documents WHERE id = 'b-id'", [])
            .unwrap();
        let left: i64 = conn
            .query_row("SELECT count(*) FROM document_metadata", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 1);
        let integrity: String = conn
            .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
            .unwrap_or_else(|_| "ok".into());
        assert_eq!(integrity, "ok");
    }

    #[test]
    fn newer_schema_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        let err = migrate(&mut conn).unwrap_err().to_string();
        assert!(err.contains("newer docproc"), "{err}");
    }

    #[test]
    fn known_lookup_merges_in_order_and_looks_up_the_rest() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        let paths: Vec<String> = (0..2000).map(|i| format!("/in/{:05}.txt", i * 2)).collect();
        for (i, path) in paths.iter().enumerate() {
            conn.execute(
                "INSERT INTO documents (id, file_path, file_type, file_size, created_at, updated_at)
                 VALUES (?1, ?2, 'txt', 1, 'now', 'now')",
                params![i.to_string(), path],
            )
            .unwrap();
        }
        let mut lookup = KnownLookup::new(&conn);
        // In byte order, with paths that are not there between them (odd numbers) and a jump
        // over many rows.
        for i in (0..1200).chain(3000..3100) {
            let path = format!("/in/{i:05}.txt");
            let found = lookup.find(&path).unwrap();
            assert_eq!(found.is_some(), i % 2 == 0, "{path}");
            if let Some(k) = found {
                assert_eq!(k.row.file_path, path);
            }
        }
        // Out of order: looked up on its own.
        assert!(lookup.find("/in/00010.txt").unwrap().is_some());
        assert!(lookup.find("/in/00011.txt").unwrap().is_none());
        assert!(lookup.find("/in/03200.txt").unwrap().is_some());
        assert!(lookup.find("/zzz").unwrap().is_none());
    }

    #[test]
    fn recover_resets_interrupted_work() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        conn.execute_batch(
            "INSERT INTO documents (id, file_path, file_type, file_size, processing_status, created_at, updated_at)
             VALUES ('a', '/a.txt', 'txt', 1, 'processing', 'now', 'now');
             INSERT INTO runs (id, started_at, status, docproc_version, command)
             VALUES ('r', 'now', 'running', '0', 'x');",
        )
        .unwrap();
        assert_eq!(recover(&conn).unwrap(), (1, 1));
        let status: String = conn
            .query_row("SELECT processing_status FROM documents", [], |r| r.get(0))
            .unwrap();
        assert_eq!(status, "pending");
    }
}
