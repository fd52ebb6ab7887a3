//! `docproc merge`: folds the databases of a sharded run into one.
//!
//! Every shard of `convert --shard K/N` records its documents in its own database, which says
//! which shard it is (`properties.shard`). The merge checks that the shards given form one plan
//! (the same N, each K once, none missing unless `--allow-partial`), then attaches them one at
//! a time and upserts, one transaction per shard:
//!
//! - documents by their path, the newer record (`updated_at`) winning, ties keeping the
//!   target's, so that merging again changes nothing; the target keeps its own ids, and a
//!   document's metadata and attempts follow it to that id;
//! - cache entries by key (an entry is immutable; only its last use moves);
//! - runs by their id, with their attempts the first time a run is seen.
//!
//! The target and every shard are locked while it works: a shard that is still converting is
//! refused rather than merged half-done.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rusqlite::{Connection, params};
use serde::Serialize;

use super::{CommandError, print_json, print_text};
use crate::cli::MergeArgs;
use crate::config::{SHARDS_DIR_NAME, STATE_DIR_NAME};
use crate::exit::ExitStatus;
use crate::shard::Shard;
use crate::store;

#[derive(Debug, Serialize)]
struct MergeReport {
    database: String,
    shard_count: u64,
    merged: Vec<MergedShard>,
    missing: Vec<u64>,
    documents: MergeCounts,
}

#[derive(Debug, Serialize)]
struct MergedShard {
    shard: u64,
    database: String,
    #[serde(flatten)]
    documents: MergeCounts,
}

#[derive(Debug, Default, Clone, Copy, Serialize)]
struct MergeCounts {
    added: u64,
    updated: u64,
    unchanged: u64,
}

impl std::ops::AddAssign for MergeCounts {
    fn add_assign(&mut self, other: MergeCounts) {
        self.added += other.added;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
    }
}

pub fn merge(args: &MergeArgs) -> Result<ExitStatus> {
    let target = target_db(args)?;
    let shard_paths = if args.shards.is_empty() {
        default_shards(&target)?
    } else {
        args.shards
            .iter()
            .map(|p| {
                std::path::absolute(p).with_context(|| format!("cannot resolve {}", p.display()))
            })
            .collect::<Result<Vec<_>>>()?
    };
    if shard_paths.is_empty() {
        return Err(CommandError::error(
            "invalid_argument",
            format!(
                "no shard databases to merge: none in {}; name them (docproc merge --db TARGET SHARD.db...)",
                shards_dir(&target).display()
            ),
        ));
    }
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut shards: Vec<(Shard, PathBuf)> = Vec::new();
    for path in &shard_paths {
        if same_file(path, &target) {
            return Err(CommandError::error(
                "invalid_argument",
                format!("{} is the merge's target, not a shard", path.display()),
            ));
        }
        if !path.is_file() {
            return Err(CommandError::error(
                "not_found",
                format!("no shard database at {}", path.display()),
            ));
        }
        shards.push((shard_of(path)?, path.clone()));
    }
    let plan = check_plan(&shards, args.allow_partial)?;
    let _target_lock = crate::lock::acquire(&target)?;
    let mut locks = Vec::new();
    for (_, path) in &shards {
        locks.push(crate::lock::acquire(path).map_err(|e| {
            if e.downcast_ref::<crate::lock::Locked>().is_some() {
                CommandError::error(
                    "locked",
                    format!(
                        "{} is still being converted (its run holds the lock); merge when it ends",
                        path.display()
                    ),
                )
            } else {
                e
            }
        })?);
    }

    let mut conn = store::open(&target)?;
    if let Some(recorded) = store::property(&conn, store::SHARD_PROPERTY)? {
        return Err(CommandError::error(
            "invalid_argument",
            format!(
                "{} is the database of shard {recorded}; merge into the output's database instead",
                target.display()
            ),
        ));
    }
    let mut report = MergeReport {
        database: target.display().to_string(),
        shard_count: plan.count,
        merged: Vec::new(),
        missing: plan.missing,
        documents: MergeCounts::default(),
    };
    shards.sort_by_key(|(shard, _)| shard.index);
    for (shard, path) in &shards {
        let counts = merge_one(&mut conn, path)
            .with_context(|| format!("cannot merge {}", path.display()))?;
        report.documents += counts;
        report.merged.push(MergedShard {
            shard: shard.index,
            database: path.display().to_string(),
            documents: counts,
        });
    }
    drop(locks);
    if args.json {
        print_json(&report)?;
    } else {
        print_text(&human(&report))?;
    }
    Ok(ExitStatus::Success)
}

/// The database merged into: `--db`, else the output's.
fn target_db(args: &MergeArgs) -> Result<PathBuf> {
    match (&args.state.db, &args.state.output) {
        (Some(db), _) => {
            std::path::absolute(db).with_context(|| format!("cannot resolve {}", db.display()))
        }
        (None, Some(output)) => {
            let output = std::path::absolute(output)
                .with_context(|| format!("cannot resolve {}", output.display()))?;
            Ok(output.join(STATE_DIR_NAME).join("docproc.db"))
        }
        (None, None) => Err(CommandError::error(
            "invalid_argument",
            "no target: pass --output DIR (merges into DIR/.docproc/docproc.db) or --db FILE",
        )),
    }
}

fn shards_dir(target: &Path) -> PathBuf {
    target
        .parent()
        .unwrap_or(Path::new("."))
        .join(SHARDS_DIR_NAME)
}

/// `*.db` in the shards directory beside the target, sorted.
fn default_shards(target: &Path) -> Result<Vec<PathBuf>> {
    let dir = shards_dir(target);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", dir.display())),
    };
    let mut out = Vec::new();
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "db") && path.is_file() {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Which shard a database holds, read without changing it.
fn shard_of(path: &Path) -> Result<Shard> {
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .with_context(|| format!("{} is not a docproc database", path.display()))?;
    if version != store::SCHEMA_VERSION {
        return Err(CommandError::error(
            "invalid_argument",
            format!(
                "{} has schema version {version}, this docproc writes {}: merge with the docproc \
                 that converted the shards",
                path.display(),
                store::SCHEMA_VERSION
            ),
        ));
    }
    let recorded = store::property(&conn, store::SHARD_PROPERTY)?;
    recorded
        .as_deref()
        .and_then(Shard::from_recorded)
        .ok_or_else(|| {
            CommandError::error(
                "invalid_argument",
                format!(
                    "{} is not a shard's database (it was not written by convert --shard)",
                    path.display()
                ),
            )
        })
}

struct Plan {
    count: u64,
    missing: Vec<u64>,
}

/// The shards must be of one plan, each once; missing ones are refused unless allowed.
fn check_plan(shards: &[(Shard, PathBuf)], allow_partial: bool) -> Result<Plan> {
    let (first, first_path) = &shards[0];
    let count = first.count;
    let mut seen: Vec<Option<&Path>> = vec![None; count as usize];
    for (shard, path) in shards {
        if shard.count != count {
            return Err(CommandError::error(
                "invalid_argument",
                format!(
                    "the shards are of different plans: {} is shard {shard}, {} is shard {first}; \
                     merge the shards of one plan (one N) at a time",
                    path.display(),
                    first_path.display()
                ),
            ));
        }
        if let Some(other) = seen[shard.index as usize].replace(path) {
            return Err(CommandError::error(
                "invalid_argument",
                format!(
                    "shard {shard} is given twice: {} and {}",
                    other.display(),
                    path.display()
                ),
            ));
        }
    }
    let missing: Vec<u64> = (0..count).filter(|&k| seen[k as usize].is_none()).collect();
    if !missing.is_empty() && !allow_partial {
        let list: Vec<String> = missing.iter().map(|k| format!("{k}/{count}")).collect();
        return Err(CommandError::error(
            "incomplete",
            format!(
                "{} of {count} shards are missing ({}); run them, or merge what there is with \
                 --allow-partial",
                missing.len(),
                list.join(", ")
            ),
        ));
    }
    Ok(Plan { count, missing })
}

/// The columns of `documents` a merge copies (all but `id` and `created_at`, which the target
/// keeps for a document it knows).
const DOCUMENT_COLUMNS: &[&str] = &[
    "file_path",
    "file_type",
    "file_size",
    "content_hash",
    "processing_status",
    "error_code",
    "error_message",
    "output_path",
    "cached_markdown_path",
    "converter",
    "converter_version",
    "cache_key",
    "duration_ms",
    "mtime_ns",
    "ctime_ns",
    "inode",
    "hashed_at_ns",
    "last_run_id",
    "updated_at",
    "processed_at",
    "target_path",
    "output_size",
];

const RUN_COLUMNS: &str = "id, started_at, finished_at, status, exit_code, total, converted, \
                           cached, failed, skipped, pending, ignored, duration_ms, \
                           docproc_version, command, shard_index, shard_count";

/// Folds one shard's database into the target, in one transaction.
fn merge_one(conn: &mut Connection, shard: &Path) -> Result<MergeCounts> {
    conn.execute(
        "ATTACH DATABASE ?1 AS shard",
        [shard.to_string_lossy().as_ref()],
    )?;
    let result = merge_attached(conn);
    let detached = conn.execute_batch("DETACH DATABASE shard");
    let counts = result?;
    detached?;
    Ok(counts)
}

fn merge_attached(conn: &mut Connection) -> Result<MergeCounts> {
    let tx = conn.transaction()?;
    // The shard's documents that are new here or newer than the record here.
    tx.execute_batch(
        "CREATE TEMP TABLE won AS
             SELECT s.file_path, d.id IS NOT NULL AS known
             FROM shard.documents s LEFT JOIN main.documents d ON d.file_path = s.file_path
             WHERE d.id IS NULL OR s.updated_at > d.updated_at;
         CREATE UNIQUE INDEX temp.won_path ON won (file_path);",
    )?;
    let total: i64 = tx.query_row("SELECT count(*) FROM shard.documents", [], |r| r.get(0))?;
    let (added, updated): (i64, i64) = tx.query_row(
        "SELECT coalesce(sum(NOT known), 0), coalesce(sum(known), 0) FROM won",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let columns = DOCUMENT_COLUMNS.join(", ");
    let selected = DOCUMENT_COLUMNS
        .iter()
        .map(|c| match *c {
            // A shard killed mid-document left it 'processing': it was not done.
            "processing_status" => "CASE s.processing_status WHEN 'processing' THEN 'pending' \
                 ELSE s.processing_status END"
                .to_string(),
            c => format!("s.{c}"),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let updates = DOCUMENT_COLUMNS
        .iter()
        .filter(|c| **c != "file_path")
        .map(|c| format!("{c} = excluded.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    tx.execute(
        &format!(
            "INSERT INTO main.documents (id, created_at, {columns})
             SELECT s.id, s.created_at, {selected}
             FROM shard.documents s JOIN won w ON w.file_path = s.file_path
             WHERE true
             ON CONFLICT (file_path) DO UPDATE SET {updates}"
        ),
        [],
    )?;
    // Their metadata replaces what the target had, under the target's id.
    tx.execute_batch(
        "DELETE FROM main.document_metadata WHERE document_seq IN
             (SELECT d.seq FROM main.documents d JOIN won w ON w.file_path = d.file_path);
         INSERT INTO main.document_metadata (document_seq, key, value)
             SELECT d.seq, m.key, m.value
             FROM shard.document_metadata m
             JOIN shard.documents s ON s.seq = m.document_seq
             JOIN won w ON w.file_path = s.file_path
             JOIN main.documents d ON d.file_path = s.file_path;",
    )?;
    // Cache entries are immutable; only the time of their last use moves forward.
    tx.execute(
        "INSERT INTO main.cache_entries
         SELECT * FROM shard.cache_entries WHERE true
         ON CONFLICT (cache_key) DO UPDATE SET last_used_at = excluded.last_used_at
         WHERE excluded.last_used_at > cache_entries.last_used_at",
        [],
    )?;
    // Attempts of the runs not merged before, pointing at the target's documents.
    tx.execute(
        "INSERT INTO main.attempts (run_id, document_id, file_type, outcome, error_code,
                                    duration_ms, finished_at)
         SELECT a.run_id, coalesce(d.id, a.document_id), a.file_type, a.outcome, a.error_code,
                a.duration_ms, a.finished_at
         FROM shard.attempts a
         LEFT JOIN shard.documents s ON s.id = a.document_id
         LEFT JOIN main.documents d ON d.file_path = s.file_path
         WHERE a.run_id NOT IN (SELECT id FROM main.runs)
         ORDER BY a.id",
        [],
    )?;
    // A run still 'running' in a shard nobody holds was killed.
    tx.execute(
        &format!(
            "INSERT INTO main.runs ({RUN_COLUMNS})
             SELECT id, started_at, finished_at,
                    CASE status WHEN 'running' THEN 'abandoned' ELSE status END,
                    exit_code, total, converted, cached, failed, skipped, pending, ignored,
                    duration_ms, docproc_version, command, shard_index, shard_count
             FROM shard.runs WHERE true
             ON CONFLICT (id) DO UPDATE SET
                finished_at = excluded.finished_at, status = excluded.status,
                exit_code = excluded.exit_code, total = excluded.total,
                converted = excluded.converted, cached = excluded.cached,
                failed = excluded.failed, skipped = excluded.skipped,
                pending = excluded.pending, ignored = excluded.ignored,
                duration_ms = excluded.duration_ms
             WHERE excluded.status IS NOT runs.status
                OR excluded.finished_at IS NOT runs.finished_at"
        ),
        params![],
    )?;
    tx.execute_batch("DROP TABLE temp.won")?;
    tx.commit()?;
    Ok(MergeCounts {
        added: added as u64,
        updated: updated as u64,
        unchanged: (total - added - updated).max(0) as u64,
    })
}

fn human(report: &MergeReport) -> String {
    let d = &report.documents;
    let mut out = format!(
        "merged {} of {} shards into {}: {} documents added, {} updated, {} unchanged\n",
        report.merged.len(),
        report.shard_count,
        report.database,
        d.added,
        d.updated,
        d.unchanged
    );
    if !report.missing.is_empty() {
        let list: Vec<String> = report
            .missing
            .iter()
            .map(|k| format!("{k}/{}", report.shard_count))
            .collect();
        out.push_str(&format!(
            "missing (--allow-partial): {}; merge again when they have run\n",
            list.join(", ")
        ));
    }
    out
}
