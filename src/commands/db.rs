//! `docproc db backup|check|vacuum`: looking after the database.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use rusqlite::Connection;
use serde::Serialize;

use super::{CommandError, State, db_size, human_bytes, print_json, print_text};
use crate::cli::{DbArgs, DbBackupArgs};

#[derive(Debug, Serialize)]
struct Backup {
    database: String,
    backup: String,
    size_bytes: u64,
    documents: i64,
}

/// SQLite's online backup into a temporary file beside FILE, checked, then renamed over FILE:
/// consistent even while a run writes, and FILE is never half a database.
pub fn backup(args: &DbBackupArgs) -> Result<()> {
    let state = State::open(&args.state)?;
    let target = std::path::absolute(&args.file)
        .with_context(|| format!("cannot resolve {}", args.file.display()))?;
    if target == state.paths.db {
        return Err(CommandError::error(
            "invalid_argument",
            "the backup cannot replace the database itself",
        ));
    }
    let dir = target
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| ".".into());
    // A shard publishing its database into the shared state creates the directory.
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let tmp = tempfile::Builder::new()
        .prefix(".docproc-backup-")
        .tempfile_in(&dir)
        .with_context(|| format!("cannot write to {}", dir.display()))?;
    let mut copy = Connection::open(tmp.path())
        .with_context(|| format!("cannot create {}", tmp.path().display()))?;
    {
        let backup = rusqlite::backup::Backup::new(&state.conn, &mut copy)?;
        // All pages in one step: the copy is one consistent snapshot (WAL readers do not block
        // the writer, and the writer does not restart the copy).
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            match backup.step(-1).context("the backup failed")? {
                rusqlite::backup::StepResult::Done => break,
                _ if std::time::Instant::now() > deadline => {
                    anyhow::bail!("the backup failed: the database stayed busy for 60 s")
                }
                _ => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }
    let check: String = copy.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if check != "ok" {
        anyhow::bail!("the backup failed its integrity check: {check}");
    }
    // A self-contained file: no -wal beside it.
    copy.pragma_update(None, "journal_mode", "DELETE")?;
    let documents: i64 = copy.query_row("SELECT count(*) FROM documents", [], |r| r.get(0))?;
    drop(copy);
    tmp.persist(&target)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write {}", target.display()))?;
    let report = Backup {
        database: state.paths.db.display().to_string(),
        backup: target.display().to_string(),
        size_bytes: std::fs::metadata(&target).map_or(0, |m| m.len()),
        documents,
    };
    if args.json {
        return print_json(&report);
    }
    print_text(&format!(
        "backed up {} to {} ({}, {} documents)\n",
        report.database,
        report.backup,
        human_bytes(report.size_bytes),
        report.documents
    ))
}

#[derive(Debug, Serialize)]
struct Check {
    ok: bool,
    integrity: String,
    documents: i64,
    problems: Vec<Problem>,
}

#[derive(Debug, Serialize)]
struct Problem {
    code: &'static str,
    message: String,
    document_id: Option<String>,
    path: Option<String>,
}

/// SQLite's integrity and foreign-key checks, then docproc's own invariants. Exit 1 on a problem.
pub fn check(args: &DbArgs) -> Result<crate::ExitStatus> {
    let state = State::open(&args.state)?;
    let conn = &state.conn;
    let mut problems = Vec::new();
    let integrity = {
        let mut stmt = conn.prepare("PRAGMA integrity_check")?;
        let lines = stmt.query_map([], |r| r.get::<_, String>(0))?;
        lines.collect::<rusqlite::Result<Vec<_>>>()?.join("; ")
    };
    if integrity != "ok" {
        problems.push(Problem {
            code: "integrity",
            message: format!("SQLite integrity check: {integrity}"),
            document_id: None,
            path: None,
        });
    }
    let orphans: i64 = conn.query_row(
        "SELECT count(*) FROM document_metadata WHERE document_seq NOT IN (SELECT seq FROM documents)",
        [],
        |r| r.get(0),
    )?;
    if orphans > 0 {
        problems.push(Problem {
            code: "foreign_key",
            message: format!("{orphans} metadata rows belong to no document"),
            document_id: None,
            path: None,
        });
    }
    let documents: i64 = conn.query_row("SELECT count(*) FROM documents", [], |r| r.get(0))?;
    {
        let mut stmt = conn.prepare(
            "SELECT d.id, d.file_path, d.output_path, d.cached_markdown_path, d.cache_key,
                    c.cache_key IS NOT NULL
             FROM documents d LEFT JOIN cache_entries c ON c.cache_key = d.cache_key
             WHERE d.processing_status = 'completed' ORDER BY d.file_path",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, bool>(5)?,
            ))
        })?;
        for row in rows {
            let (id, path, output, cached, key, has_entry) = row?;
            let mut problem = |code: &'static str, message: String| {
                problems.push(Problem {
                    code,
                    message,
                    document_id: Some(id.clone()),
                    path: Some(path.clone()),
                })
            };
            match output.as_deref() {
                None => problem("no_output", "completed without an output path".into()),
                Some(p) if !Path::new(p).is_file() => problem(
                    "output_missing",
                    format!("its output {p} is missing; the next convert restores it"),
                ),
                _ => {}
            }
            match cached.as_deref() {
                None => problem("no_cache", "completed without cached Markdown".into()),
                Some(p) if !Path::new(p).is_file() => problem(
                    "cache_missing",
                    format!("its cached Markdown {p} is missing; convert --force rebuilds it"),
                ),
                _ => {}
            }
            if key.is_some() && !has_entry {
                problem(
                    "cache_entry_missing",
                    "its cache key has no cache entry".into(),
                );
            }
        }
    }
    let stuck: i64 = conn.query_row(
        "SELECT count(*) FROM documents WHERE processing_status = 'processing'",
        [],
        |r| r.get(0),
    )?;
    let running = crate::lock::holder_alive(&state.paths.db);
    if stuck > 0 && !running {
        problems.push(Problem {
            code: "stuck",
            message: format!(
                "{stuck} documents are left in 'processing' by a run that was killed; the next convert resets them"
            ),
            document_id: None,
            path: None,
        });
    }
    let report = Check {
        ok: problems.is_empty(),
        integrity,
        documents,
        problems,
    };
    if args.json {
        print_json(&report)?;
    } else {
        let mut out = String::new();
        for p in &report.problems {
            match &p.path {
                Some(path) => out.push_str(&format!(
                    "{}: {}: {}\n",
                    p.code,
                    crate::report::printable(Path::new(path)),
                    p.message
                )),
                None => out.push_str(&format!("{}: {}\n", p.code, p.message)),
            }
        }
        if report.ok {
            out.push_str(&format!(
                "ok: integrity ok, {} documents, every completed document has its output and cached Markdown\n",
                report.documents
            ));
        } else {
            out.push_str(&format!("{} problems\n", report.problems.len()));
        }
        print_text(&out)?;
    }
    Ok(if report.ok {
        crate::ExitStatus::Success
    } else {
        crate::ExitStatus::Partial
    })
}

#[derive(Debug, Serialize)]
struct Vacuum {
    database: String,
    size_before_bytes: u64,
    size_after_bytes: u64,
}

/// VACUUM under the run lock (it rewrites the whole file).
pub fn vacuum(args: &DbArgs) -> Result<()> {
    let state = State::open(&args.state)?;
    let _lock = crate::lock::acquire(&state.paths.db)?;
    let before = db_size(&state.paths.db);
    state.conn.execute_batch("VACUUM")?;
    state
        .conn
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let report = Vacuum {
        database: state.paths.db.display().to_string(),
        size_before_bytes: before,
        size_after_bytes: db_size(&state.paths.db),
    };
    if args.json {
        return print_json(&report);
    }
    print_text(&format!(
        "vacuumed {}: {} -> {}\n",
        report.database,
        human_bytes(report.size_before_bytes),
        human_bytes(report.size_after_bytes)
    ))
}
