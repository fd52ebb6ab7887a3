//! `docproc status`: the state at a glance.

use std::collections::BTreeMap;

use anyhow::Result;
use rusqlite::OptionalExtension;
use serde::Serialize;

use super::{State, db_size, dir_size, human_bytes, percent, print_json, print_text, ratio};
use crate::cli::StatusArgs;

#[derive(Debug, Serialize)]
struct Status {
    output: String,
    database: Sized,
    cache: Cache,
    documents: Documents,
    /// Documents served without converting / documents processed, over every recorded run.
    cache_hit_rate: Option<f64>,
    /// Completed / (completed + failed), over the documents in the database.
    success_rate: Option<f64>,
    running: bool,
    last_run: Option<Run>,
}

#[derive(Debug, Serialize)]
struct Sized {
    path: String,
    size_bytes: u64,
}

#[derive(Debug, Serialize)]
struct Cache {
    path: String,
    size_bytes: u64,
    entries: u64,
}

#[derive(Debug, Serialize)]
struct Documents {
    total: u64,
    by_status: BTreeMap<String, u64>,
    by_type: BTreeMap<String, BTreeMap<String, u64>>,
}

#[derive(Debug, Serialize)]
pub(super) struct Run {
    pub id: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub status: String,
    pub exit_code: Option<i64>,
    pub duration_ms: Option<i64>,
    pub total: i64,
    pub converted: i64,
    pub cached: i64,
    pub failed: i64,
    pub skipped: i64,
    pub pending: i64,
    pub ignored: i64,
}

pub fn status(args: &StatusArgs) -> Result<()> {
    let state = State::open(&args.state)?;
    let conn = &state.conn;
    let mut by_status: BTreeMap<String, u64> =
        ["pending", "processing", "completed", "failed", "skipped"]
            .iter()
            .map(|s| (s.to_string(), 0))
            .collect();
    let mut by_type: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    let mut total = 0;
    let mut stmt =
        conn.prepare("SELECT file_type, processing_status, count(*) FROM documents GROUP BY 1, 2")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)? as u64,
        ))
    })?;
    for row in rows {
        let (file_type, status, n) = row?;
        total += n;
        *by_status.entry(status.clone()).or_default() += n;
        *by_type
            .entry(file_type)
            .or_default()
            .entry(status)
            .or_default() += n;
    }
    let (cached, converted): (i64, i64) = conn.query_row(
        "SELECT coalesce(sum(cached), 0), coalesce(sum(converted), 0) FROM runs",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let last_run = last_run(conn)?;
    let running = last_run.as_ref().is_some_and(|r| r.status == "running")
        && crate::lock::holder_alive(&state.paths.db);
    let (cache_bytes, cache_files) = dir_size(&state.paths.cache_dir);
    let completed = by_status["completed"];
    let failed = by_status["failed"];
    let report = Status {
        output: state.paths.output.display().to_string(),
        database: Sized {
            path: state.paths.db.display().to_string(),
            size_bytes: db_size(&state.paths.db),
        },
        cache: Cache {
            path: state.paths.cache_dir.display().to_string(),
            size_bytes: cache_bytes,
            entries: cache_files,
        },
        documents: Documents {
            total,
            by_status,
            by_type,
        },
        cache_hit_rate: ratio(cached as u64, (cached + converted) as u64),
        success_rate: ratio(completed, completed + failed),
        running,
        last_run,
    };
    if args.json {
        return print_json(&report);
    }
    print_text(&render(&report))
}

fn render(s: &Status) -> String {
    let mut out = String::new();
    let d = &s.documents;
    let counts = |m: &BTreeMap<String, u64>| {
        m.iter()
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| format!("{n} {k}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.push_str(&format!(
        "documents   {} ({})\n",
        d.total,
        if d.total == 0 {
            "none yet".to_string()
        } else {
            counts(&d.by_status)
        }
    ));
    for (file_type, statuses) in &d.by_type {
        out.push_str(&format!("  {file_type:<9} {}\n", counts(statuses)));
    }
    out.push_str(&format!(
        "success     {} of documents converted (completed / completed + failed)\n",
        percent(s.success_rate)
    ));
    out.push_str(&format!(
        "cache hits  {} of documents needed no conversion, over all runs\n",
        percent(s.cache_hit_rate)
    ));
    match &s.last_run {
        Some(run) => {
            let state = if s.running {
                "running now".to_string()
            } else {
                match (run.status.as_str(), run.exit_code) {
                    ("finished", Some(code)) => format!("finished, exit {code}"),
                    (status, Some(code)) => format!("{status}, exit {code}"),
                    (status, None) => status.to_string(),
                }
            };
            out.push_str(&format!(
                "last run    {} ({state}, {}): {} converted, {} cached, {} failed, {} skipped\n",
                run.started_at,
                run.duration_ms
                    .map_or_else(|| "-".into(), |ms| format!("{:.2}s", ms as f64 / 1000.0)),
                run.converted,
                run.cached,
                run.failed,
                run.skipped
            ));
        }
        None => out.push_str("last run    none\n"),
    }
    out.push_str(&format!(
        "database    {} ({})\n",
        s.database.path,
        human_bytes(s.database.size_bytes)
    ));
    out.push_str(&format!(
        "cache       {} ({} in {} files)\n",
        s.cache.path,
        human_bytes(s.cache.size_bytes),
        s.cache.entries
    ));
    out
}

pub(super) fn last_run(conn: &rusqlite::Connection) -> Result<Option<Run>> {
    Ok(conn
        .query_row(
            "SELECT id, started_at, finished_at, status, exit_code, duration_ms, total, converted,
                    cached, failed, skipped, pending, ignored
             FROM runs ORDER BY started_at DESC, rowid DESC LIMIT 1",
            [],
            |r| {
                Ok(Run {
                    id: r.get(0)?,
                    started_at: r.get(1)?,
                    finished_at: r.get(2)?,
                    status: r.get(3)?,
                    exit_code: r.get(4)?,
                    duration_ms: r.get(5)?,
                    total: r.get(6)?,
                    converted: r.get(7)?,
                    cached: r.get(8)?,
                    failed: r.get(9)?,
                    skipped: r.get(10)?,
                    pending: r.get(11)?,
                    ignored: r.get(12)?,
                })
            },
        )
        .optional()?)
}
