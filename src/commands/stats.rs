//! `docproc stats`: the metrics of a period, as text, JSON or Prometheus text exposition.
//!
//! Figures come from the `attempts` history (one row per document a run converted, restored from
//! the cache, failed or skipped) and from the `runs` table (whose `cached` count includes the
//! documents that were already up to date, which is what a cache hit rate should count).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};
use serde::Serialize;

use super::status::{Run, last_run};
use super::{State, parse_since, percent, print_json, print_text, ratio};
use crate::cli::{StatsArgs, StatsFormat};

#[derive(Debug, Serialize)]
struct Stats {
    since: String,
    until: String,
    runs: u64,
    /// Documents processed in the period, by outcome.
    processed: BTreeMap<String, u64>,
    /// Documents processed (converted, restored, failed) per hour of the period.
    documents_per_hour: f64,
    /// Documents processed per hour of run time (how fast runs go).
    documents_per_hour_of_run_time: Option<f64>,
    cache_hit_rate: Option<f64>,
    success_rate: Option<f64>,
    conversion_time_ms: BTreeMap<String, Percentiles>,
    failures_by_code: BTreeMap<String, u64>,
    /// Documents in the database now, by status and type.
    documents: BTreeMap<String, BTreeMap<String, u64>>,
    hourly: Vec<Hour>,
    last_run: Option<Run>,
}

#[derive(Debug, Serialize)]
struct Percentiles {
    count: u64,
    sum_ms: u64,
    p50: u64,
    p95: u64,
    p99: u64,
    max: u64,
}

#[derive(Debug, Serialize)]
struct Hour {
    hour: String,
    converted: u64,
    cached: u64,
    failed: u64,
    skipped: u64,
}

pub fn stats(args: &StatsArgs) -> Result<()> {
    let state = State::open(&args.state)?;
    let since = parse_since(&args.since)?;
    let stats = gather(&state.conn, since)?;
    let text = match args.format {
        StatsFormat::Json => {
            if args.to.is_none() {
                return print_json(&stats);
            }
            serde_json::to_string_pretty(&stats)? + "\n"
        }
        StatsFormat::Text => render_text(&stats),
        StatsFormat::Prometheus => render_prometheus(&stats),
    };
    match &args.to {
        Some(path) => write_file(path, text.as_bytes()),
        None => print_text(&text),
    }
}

fn gather(conn: &rusqlite::Connection, since: String) -> Result<Stats> {
    let until = crate::store::now_rfc3339();
    let mut processed: BTreeMap<String, u64> = ["converted", "cached", "failed", "skipped"]
        .iter()
        .map(|k| (k.to_string(), 0))
        .collect();
    let mut stmt = conn.prepare(
        "SELECT outcome, count(*) FROM attempts WHERE finished_at >= ?1 GROUP BY outcome",
    )?;
    for row in stmt.query_map([&since], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })? {
        let (outcome, n) = row?;
        processed.insert(outcome, n as u64);
    }
    let mut durations: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    let mut stmt = conn.prepare(
        "SELECT file_type, duration_ms FROM attempts
         WHERE finished_at >= ?1 AND outcome IN ('converted', 'failed') AND duration_ms IS NOT NULL",
    )?;
    for row in stmt.query_map([&since], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })? {
        let (file_type, ms) = row?;
        durations
            .entry(file_type)
            .or_default()
            .push(ms.max(0) as u64);
    }
    let conversion_time_ms = durations
        .into_iter()
        .map(|(file_type, mut ms)| {
            ms.sort_unstable();
            let p = Percentiles {
                count: ms.len() as u64,
                sum_ms: ms.iter().sum(),
                p50: nearest_rank(&ms, 0.50),
                p95: nearest_rank(&ms, 0.95),
                p99: nearest_rank(&ms, 0.99),
                max: ms.last().copied().unwrap_or(0),
            };
            (file_type, p)
        })
        .collect();
    let mut failures_by_code = BTreeMap::new();
    let mut stmt = conn.prepare(
        "SELECT coalesce(error_code, 'unknown'), count(*) FROM attempts
         WHERE finished_at >= ?1 AND outcome = 'failed' GROUP BY 1",
    )?;
    for row in stmt.query_map([&since], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })? {
        let (code, n) = row?;
        failures_by_code.insert(code, n as u64);
    }
    let mut hourly = Vec::new();
    let mut stmt = conn.prepare(
        "SELECT substr(finished_at, 1, 13) || ':00:00Z',
                sum(outcome = 'converted'), sum(outcome = 'cached'), sum(outcome = 'failed'),
                sum(outcome = 'skipped')
         FROM attempts WHERE finished_at >= ?1 GROUP BY 1 ORDER BY 1",
    )?;
    for row in stmt.query_map([&since], |r| {
        Ok(Hour {
            hour: r.get(0)?,
            converted: r.get::<_, i64>(1)? as u64,
            cached: r.get::<_, i64>(2)? as u64,
            failed: r.get::<_, i64>(3)? as u64,
            skipped: r.get::<_, i64>(4)? as u64,
        })
    })? {
        hourly.push(row?);
    }
    let (runs, cached, converted, run_ms): (i64, i64, i64, i64) = conn.query_row(
        "SELECT count(*), coalesce(sum(cached), 0), coalesce(sum(converted), 0),
                coalesce(sum(duration_ms), 0)
         FROM runs WHERE started_at >= ?1",
        [&since],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    let mut documents: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    let mut stmt =
        conn.prepare("SELECT processing_status, file_type, count(*) FROM documents GROUP BY 1, 2")?;
    for row in stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })? {
        let (status, file_type, n) = row?;
        documents
            .entry(status)
            .or_default()
            .insert(file_type, n as u64);
    }
    let work = processed["converted"] + processed["cached"] + processed["failed"];
    let window = elapsed_between(&since, &until).max(Duration::from_secs(1));
    Ok(Stats {
        documents_per_hour: work as f64 / (window.as_secs_f64() / 3600.0),
        documents_per_hour_of_run_time: (run_ms > 0)
            .then(|| work as f64 / (run_ms as f64 / 3_600_000.0)),
        cache_hit_rate: ratio(cached as u64, (cached + converted) as u64),
        success_rate: ratio(processed["converted"] + processed["cached"], work),
        runs: runs as u64,
        since,
        until,
        processed,
        conversion_time_ms,
        failures_by_code,
        documents,
        hourly,
        last_run: last_run(conn)?,
    })
}

/// The nearest-rank percentile of sorted values.
fn nearest_rank(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn parse_time(s: &str) -> Option<SystemTime> {
    humantime::parse_rfc3339_weak(s.trim_end_matches('Z')).ok()
}

fn elapsed_between(from: &str, to: &str) -> Duration {
    match (parse_time(from), parse_time(to)) {
        (Some(a), Some(b)) => b.duration_since(a).unwrap_or_default(),
        _ => Duration::ZERO,
    }
}

fn render_text(s: &Stats) -> String {
    let mut out = String::new();
    let p = &s.processed;
    let _ = writeln!(
        out,
        "period        {} to {} ({} runs)",
        s.since, s.until, s.runs
    );
    let _ = writeln!(
        out,
        "processed     {} converted, {} from the cache, {} failed, {} skipped",
        p["converted"], p["cached"], p["failed"], p["skipped"]
    );
    let _ = writeln!(
        out,
        "throughput    {:.1} documents/hour over the period{}",
        s.documents_per_hour,
        s.documents_per_hour_of_run_time
            .map(|r| format!(", {r:.0} per hour of run time"))
            .unwrap_or_default()
    );
    let _ = writeln!(out, "cache hits    {}", percent(s.cache_hit_rate));
    let _ = writeln!(out, "success       {}", percent(s.success_rate));
    if !s.conversion_time_ms.is_empty() {
        let _ = writeln!(out, "conversion time (ms)");
        let _ = writeln!(
            out,
            "  {:<6} {:>7} {:>7} {:>7} {:>7} {:>7}",
            "type", "count", "p50", "p95", "p99", "max"
        );
        for (file_type, t) in &s.conversion_time_ms {
            let _ = writeln!(
                out,
                "  {file_type:<6} {:>7} {:>7} {:>7} {:>7} {:>7}",
                t.count, t.p50, t.p95, t.p99, t.max
            );
        }
    }
    if !s.failures_by_code.is_empty() {
        let codes: Vec<String> = s
            .failures_by_code
            .iter()
            .map(|(code, n)| format!("{code} {n}"))
            .collect();
        let _ = writeln!(out, "failures      {}", codes.join(", "));
    }
    out
}

/// The Prometheus text exposition format (version 0.0.4).
fn render_prometheus(s: &Stats) -> String {
    let mut out = String::new();
    let mut metric = |name: &str, kind: &str, help: &str, samples: Vec<(String, f64)>| {
        write_metric(&mut out, name, kind, help, samples)
    };
    let mut docs = Vec::new();
    for (status, types) in &s.documents {
        for (file_type, n) in types {
            docs.push((
                labels(&[("status", status), ("type", file_type)]),
                *n as f64,
            ));
        }
    }
    metric(
        "docproc_documents",
        "gauge",
        "Documents in the database by processing status and file type.",
        docs,
    );
    metric(
        "docproc_processed_documents",
        "gauge",
        "Documents processed in the period by outcome.",
        s.processed
            .iter()
            .map(|(outcome, n)| (labels(&[("outcome", outcome)]), *n as f64))
            .collect(),
    );
    metric(
        "docproc_period_seconds",
        "gauge",
        "Length of the period the other figures cover (--since).",
        vec![(
            String::new(),
            elapsed_between(&s.since, &s.until).as_secs_f64(),
        )],
    );
    metric(
        "docproc_documents_per_hour",
        "gauge",
        "Documents processed per hour over the period.",
        vec![(String::new(), s.documents_per_hour)],
    );
    let optional = |v: Option<f64>| v.map(|v| vec![(String::new(), v)]).unwrap_or_default();
    metric(
        "docproc_cache_hit_ratio",
        "gauge",
        "Documents that needed no conversion / documents seen by runs in the period.",
        optional(s.cache_hit_rate),
    );
    metric(
        "docproc_success_ratio",
        "gauge",
        "Documents converted or restored / documents processed in the period.",
        optional(s.success_rate),
    );
    let mut summary = Vec::new();
    for (file_type, t) in &s.conversion_time_ms {
        for (q, v) in [("0.5", t.p50), ("0.95", t.p95), ("0.99", t.p99)] {
            summary.push((
                labels(&[("type", file_type), ("quantile", q)]),
                v as f64 / 1000.0,
            ));
        }
    }
    if !summary.is_empty() {
        let name = "docproc_conversion_duration_seconds";
        let _ = writeln!(
            out,
            "# HELP {name} Conversion time per document in the period."
        );
        let _ = writeln!(out, "# TYPE {name} summary");
        for (l, v) in summary {
            let _ = writeln!(out, "{name}{l} {}", number(v));
        }
        for (file_type, t) in &s.conversion_time_ms {
            let l = labels(&[("type", file_type)]);
            let _ = writeln!(out, "{name}_sum{l} {}", number(t.sum_ms as f64 / 1000.0));
            let _ = writeln!(out, "{name}_count{l} {}", t.count);
        }
    }
    let mut metric = |name: &str, kind: &str, help: &str, samples: Vec<(String, f64)>| {
        write_metric(&mut out, name, kind, help, samples)
    };
    metric(
        "docproc_failures",
        "gauge",
        "Documents that failed in the period by error code.",
        s.failures_by_code
            .iter()
            .map(|(code, n)| (labels(&[("code", code)]), *n as f64))
            .collect(),
    );
    if let Some(run) = &s.last_run {
        let started = parse_time(&run.started_at)
            .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
            .map_or(0.0, |d| d.as_secs_f64());
        metric(
            "docproc_last_run_timestamp_seconds",
            "gauge",
            "When the last run started (Unix time).",
            vec![(String::new(), started)],
        );
        metric(
            "docproc_last_run_duration_seconds",
            "gauge",
            "How long the last run took.",
            run.duration_ms
                .map(|ms| vec![(String::new(), ms as f64 / 1000.0)])
                .unwrap_or_default(),
        );
        metric(
            "docproc_last_run_exit_code",
            "gauge",
            "Exit code of the last run (0 ok, 1 some documents failed, 2 fatal, 130 interrupted).",
            run.exit_code
                .map(|c| vec![(String::new(), c as f64)])
                .unwrap_or_default(),
        );
        metric(
            "docproc_last_run_documents",
            "gauge",
            "Documents of the last run by outcome.",
            [
                ("converted", run.converted),
                ("cached", run.cached),
                ("failed", run.failed),
                ("skipped", run.skipped),
                ("pending", run.pending),
            ]
            .iter()
            .map(|(k, n)| (labels(&[("outcome", k)]), *n as f64))
            .collect(),
        );
    }
    out
}

/// One metric family; nothing when it has no samples.
fn write_metric(out: &mut String, name: &str, kind: &str, help: &str, samples: Vec<(String, f64)>) {
    if samples.is_empty() {
        return;
    }
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
    for (labels, value) in samples {
        let _ = writeln!(out, "{name}{labels} {}", number(value));
    }
}

fn labels(pairs: &[(&str, &str)]) -> String {
    let inner: Vec<String> = pairs
        .iter()
        .map(|(k, v)| {
            let v = v
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n");
            format!("{k}=\"{v}\"")
        })
        .collect();
    format!("{{{}}}", inner.join(","))
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Writes `bytes` to `path` atomically (temporary file beside it, then rename), readable by
/// everyone like any exported metrics file.
fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".docproc-tmp-")
        .tempfile_in(dir)
        .with_context(|| format!("cannot write to {}", dir.display()))?;
    tmp.write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!(nearest_rank(&v, 0.5), 50);
        assert_eq!(nearest_rank(&v, 0.95), 95);
        assert_eq!(nearest_rank(&v, 0.99), 99);
        assert_eq!(nearest_rank(&[7], 0.99), 7);
        assert_eq!(nearest_rank(&[], 0.5), 0);
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(
            labels(&[("code", "a\"b\\c\n")]),
            "{code=\"a\\\"b\\\\c\\n\"}"
        );
    }
}
