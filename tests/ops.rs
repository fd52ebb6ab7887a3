//! The operating commands (status, list, show, retry, stats, gc, db, export, config) and the
//! machine outputs (--events, --log-format json), on states made by real `convert` runs.

use std::collections::BTreeSet;
use std::process::{Output, Stdio};

use serde_json::Value;

use crate::support::{Tree, integrity_ok, processing_count, stderr, stdout, wait_for};

/// A state with every kind of document: converted, cached (a duplicate), failed (two codes),
/// skipped (empty), with a warning (scanned PDF). Two runs: the second finds everything cached.
fn state() -> Tree {
    let t = Tree::new();
    t.copy_fixture("docs/notes.txt", "in/notes.txt");
    t.write("in/a.txt", "alpha beta\n");
    t.write("in/sub/a-copy.txt", "alpha beta\n");
    t.write("in/empty.txt", "");
    t.write(
        "in/web.pdf",
        b"\x1f\x8b\x08\x00 a gzip archive saved as PDF",
    );
    t.copy_fixture("broken/corrupt.docx", "in/corrupt.docx");
    t.copy_fixture("broken/scanned.pdf", "in/scanned.pdf");
    assert_eq!(t.convert(&["in", "-o", "out"]).status.code(), Some(1));
    assert_eq!(t.convert(&["in", "-o", "out"]).status.code(), Some(1));
    t
}

fn run(t: &Tree, args: &[&str]) -> Output {
    t.docproc().args(args).output().expect("run docproc")
}

fn json(t: &Tree, args: &[&str]) -> (Value, i32) {
    let out = run(t, args);
    let value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            stdout(&out),
            stderr(&out)
        )
    });
    (value, out.status.code().unwrap_or(-1))
}

fn assert_error_shape(value: &Value, code: &str) {
    let error = &value["error"];
    assert_eq!(error["code"], code, "{value}");
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{value}"
    );
    assert!(error["details"].is_object(), "{value}");
}

#[test]
fn status_reports_totals_rates_and_the_last_run() {
    let t = state();
    let (s, code) = json(&t, &["status", "-o", "out", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(s["documents"]["total"], 7);
    let by_status = &s["documents"]["by_status"];
    assert_eq!(
        (
            &by_status["completed"],
            &by_status["failed"],
            &by_status["skipped"]
        ),
        (&Value::from(4), &Value::from(2), &Value::from(1))
    );
    assert_eq!(s["documents"]["by_type"]["txt"]["completed"], 3);
    assert_eq!(s["documents"]["by_type"]["pdf"]["failed"], 1);
    assert_eq!(s["success_rate"].as_f64(), Some(4.0 / 6.0));
    // Run 1: 3 converted (a.txt and its copy are one conversion) + 1 cached; run 2: 4 cached.
    assert_eq!(s["cache_hit_rate"].as_f64(), Some(5.0 / 8.0));
    assert_eq!(s["last_run"]["exit_code"], 1);
    assert_eq!(s["last_run"]["cached"], 4);
    assert_eq!(s["running"], false);
    assert!(s["database"]["size_bytes"].as_u64().unwrap() > 0);
    assert!(s["cache"]["size_bytes"].as_u64().unwrap() > 0);

    let out = run(&t, &["status", "-o", "out"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.contains("documents   7 (4 completed, 2 failed, 1 skipped)"),
        "{text}"
    );
    assert!(text.contains("success     66.7%"), "{text}");
    assert!(text.contains("cache hits  62.5%"), "{text}");
    assert_eq!(stderr(&out), "");
}

#[test]
fn list_filters_and_paginates_in_the_spec_shape() {
    let t = state();
    let (page, code) = json(&t, &["list", "-o", "out", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(
        page["pagination"],
        serde_json::json!({"page": 1, "limit": 20, "total": 7, "total_pages": 1})
    );
    let data = page["data"].as_array().unwrap();
    assert_eq!(data.len(), 7);
    for doc in data {
        for key in [
            "id",
            "file_path",
            "file_type",
            "file_size",
            "processing_status",
        ] {
            assert!(!doc[key].is_null(), "{key} in {doc}");
        }
    }
    let (page, _) = json(
        &t,
        &["list", "-o", "out", "--json", "--limit", "3", "--page", "3"],
    );
    assert_eq!(
        page["pagination"],
        serde_json::json!({"page": 3, "limit": 3, "total": 7, "total_pages": 3})
    );
    assert_eq!(page["data"].as_array().unwrap().len(), 1);

    let names = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["list", "-o", "out", "--json"];
        all.extend_from_slice(args);
        let (page, code) = json(&t, &all);
        assert_eq!(code, 0, "{args:?}");
        page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                let path = d["file_path"].as_str().unwrap();
                path.rsplit('/').next().unwrap().to_string()
            })
            .collect()
    };
    assert_eq!(names(&["--status", "failed"]), ["corrupt.docx", "web.pdf"]);
    assert_eq!(names(&["--type", "pdf"]), ["scanned.pdf", "web.pdf"]);
    assert_eq!(names(&["--error-code", "needs_ocr"]), ["scanned.pdf"]);
    assert_eq!(names(&["--status", "skipped"]), ["empty.txt"]);
    assert_eq!(names(&["--since", "1h"]).len(), 7);
    assert_eq!(names(&["--since", "2000-01-01T00:00:00Z"]).len(), 7);
    assert!(names(&["--since", "2999-01-01T00:00:00Z"]).is_empty());

    let out = run(&t, &["list", "-o", "out", "--status", "failed"]);
    let text = stdout(&out);
    assert!(text.starts_with("ID "), "{text}");
    assert!(text.contains("failed  pdf   32 B"), "{text}");
    assert!(text.contains("type_mismatch"), "{text}");

    let out = run(&t, &["list", "-o", "out", "--limit", "101"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "the spec's maximum page size is 100"
    );
    let (err, code) = json(
        &t,
        &["list", "-o", "out", "--since", "yesterday-ish", "--json"],
    );
    assert_eq!(code, 2);
    assert_error_shape(&err, "invalid_argument");
}

#[test]
fn show_finds_a_document_by_path_id_or_prefix() {
    let t = state();
    let (doc, code) = json(&t, &["show", "in/scanned.pdf", "-o", "out", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(doc["processing_status"], "completed");
    assert_eq!(doc["error_code"], "needs_ocr");
    assert_eq!(doc["metadata"]["page_count"], "1");
    assert_eq!(doc["output_exists"], true);
    assert_eq!(doc["cache"]["exists"], true);
    let id = doc["id"].as_str().unwrap().to_string();
    let (by_id, _) = json(&t, &["show", &id, "-o", "out", "--json"]);
    assert_eq!(by_id["file_path"], doc["file_path"]);
    let (by_prefix, _) = json(&t, &["show", &id[..8], "-o", "out", "--json"]);
    assert_eq!(by_prefix["id"], doc["id"]);

    let out = run(&t, &["show", "in/web.pdf", "-o", "out"]);
    let text = stdout(&out);
    assert!(text.contains("status         failed"), "{text}");
    assert!(
        text.contains("error          type_mismatch: not a PDF"),
        "{text}"
    );

    let (err, code) = json(&t, &["show", "in/nothing.pdf", "-o", "out", "--json"]);
    assert_eq!(code, 2);
    assert_error_shape(&err, "not_found");
}

#[test]
fn read_only_commands_refuse_a_missing_state_without_creating_one() {
    let t = Tree::new();
    let (err, code) = json(&t, &["status", "-o", "nowhere", "--json"]);
    assert_eq!(code, 2);
    assert_error_shape(&err, "fatal");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no docproc database")
    );
    assert!(!t.path("nowhere").exists());
    let out = run(&t, &["list"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no output directory"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn retry_converts_failed_documents_again_and_only_those() {
    let t = Tree::new();
    t.write("in/ok.txt", "fine\n");
    t.write("in/flaky.txt", "converts once the fault is gone\n");
    t.write(
        "in/web.pdf",
        b"\x1f\x8b\x08\x00 a gzip archive saved as PDF",
    );
    t.write("in/gone.txt", "soon deleted\n");
    let out = t
        .docproc()
        .args(["convert", "in", "-o", "out"])
        .env("DOCPROC_FAULT", "panic:flaky")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // A converter crash is not remembered; make gone.txt a failure that is, then delete it.
    let conn = t.db("out/.docproc/docproc.db");
    conn.execute(
        "UPDATE documents SET processing_status = 'failed', error_code = 'corrupt' WHERE file_path LIKE '%gone.txt'",
        [],
    )
    .unwrap();
    std::fs::remove_file(t.path("in/gone.txt")).unwrap();

    let (report, code) = json(
        &t,
        &["retry", "-o", "out", "--error-code", "internal", "--json"],
    );
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["documents"]["total"], 1);
    assert_eq!(report["documents"]["converted"], 1);
    assert_eq!(
        t.read("out/flaky.txt.md"),
        "converts once the fault is gone\n"
    );

    // All failed documents: web.pdf is converted again (not "remembered"), gone.txt reported.
    let (report, code) = json(&t, &["retry", "-o", "out", "--json"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(report["documents"]["total"], 1);
    assert_eq!(report["failures"][0]["code"], "type_mismatch");
    assert_eq!(report["failures"][0]["remembered"], false);
    let walk = report["walk_errors"].as_array().unwrap();
    assert_eq!(walk.len(), 1, "{report}");
    assert!(walk[0]["message"].as_str().unwrap().contains("docproc gc"));
}

#[test]
fn stats_as_text_json_and_prometheus() {
    let t = state();
    let (s, code) = json(&t, &["stats", "-o", "out", "--format", "json"]);
    assert_eq!(code, 0);
    assert_eq!(s["runs"], 2);
    // Run 1 processed 7: 3 converted, 1 cached (the copy), 2 failed, 1 skipped; run 2 skipped
    // the empty file again, remembered the failures and found the rest up to date (no work: not
    // in the history).
    assert_eq!(
        s["processed"],
        serde_json::json!({"converted": 3, "cached": 1, "failed": 2, "skipped": 2})
    );
    assert_eq!(s["cache_hit_rate"].as_f64(), Some(5.0 / 8.0));
    assert_eq!(s["success_rate"].as_f64(), Some(4.0 / 6.0));
    assert_eq!(
        s["failures_by_code"],
        serde_json::json!({"corrupt": 1, "type_mismatch": 1})
    );
    let txt = &s["conversion_time_ms"]["txt"];
    assert_eq!(txt["count"], 2);
    for key in ["p50", "p95", "p99", "max"] {
        assert!(txt[key].is_u64(), "{key}");
    }
    assert!(s["documents_per_hour"].as_f64().unwrap() > 0.0);
    assert_eq!(s["hourly"].as_array().unwrap().len(), 1);

    let out = run(&t, &["stats", "-o", "out"]);
    assert!(
        stdout(&out).contains("failures      corrupt 1, type_mismatch 1"),
        "{}",
        stdout(&out)
    );

    let out = run(&t, &["stats", "-o", "out", "--format", "prometheus"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let lines = text.lines().map(|l| Ok(l.to_string()));
    let scrape = prometheus_parse::Scrape::parse(lines).expect("valid exposition format");
    let find = |name: &str, label: Option<(&str, &str)>| -> f64 {
        let sample = scrape
            .samples
            .iter()
            .find(|s| s.metric == name && label.is_none_or(|(k, v)| s.labels.get(k) == Some(v)))
            .unwrap_or_else(|| panic!("no {name} {label:?} in\n{text}"));
        match sample.value {
            prometheus_parse::Value::Gauge(v) | prometheus_parse::Value::Untyped(v) => v,
            ref other => panic!("{name}: {other:?}"),
        }
    };
    assert_eq!(find("docproc_documents", Some(("status", "failed"))), 1.0);
    assert_eq!(find("docproc_cache_hit_ratio", None), 0.625);
    assert_eq!(find("docproc_failures", Some(("code", "corrupt"))), 1.0);
    assert_eq!(find("docproc_last_run_exit_code", None), 1.0);
    assert!(find("docproc_last_run_timestamp_seconds", None) > 1.7e9);
    let summary = scrape
        .samples
        .iter()
        .find(|s| s.metric == "docproc_conversion_duration_seconds")
        .expect("a duration summary");
    assert!(
        matches!(summary.value, prometheus_parse::Value::Summary(_)),
        "{:?}",
        summary.value
    );

    // --to writes the file atomically and readable for node_exporter.
    let to_file = [
        "stats",
        "-o",
        "out",
        "--format",
        "prometheus",
        "--to",
        "metrics/docproc.prom",
    ];
    let out = run(&t, &to_file);
    assert_eq!(out.status.code(), Some(2), "the directory must exist");
    std::fs::create_dir(t.path("metrics")).unwrap();
    let out = run(&t, &to_file);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert!(
        t.read("metrics/docproc.prom")
            .contains("# TYPE docproc_documents gauge")
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(t.path("metrics/docproc.prom"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o644);
    assert_eq!(
        t.files("metrics"),
        ["docproc.prom"],
        "no temporary file left"
    );
}

#[test]
fn gc_removes_what_is_gone_and_nothing_else() {
    let t = state();
    std::fs::remove_file(t.path("in/notes.txt")).unwrap();
    std::fs::remove_file(t.path("in/web.pdf")).unwrap();
    std::fs::create_dir_all(t.path("out/.docproc/cache/zz")).unwrap();
    t.write("out/.docproc/cache/zz/stray.md", "left by a killed run");

    let (dry, code) = json(&t, &["gc", "-o", "out", "--dry-run", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(dry["documents_removed"], 2);
    assert_eq!(
        dry["outputs_removed"], 1,
        "web.pdf failed: it has no output"
    );
    assert_eq!(dry["cache_entries_removed"], 1);
    assert_eq!(dry["orphan_files_removed"], 1);
    assert!(
        t.path("out/notes.txt.md").exists(),
        "a dry run removes nothing"
    );
    let before = t.files("out");

    let (report, code) = json(&t, &["gc", "-o", "out", "--json"]);
    assert_eq!(code, 0);
    for key in [
        "documents_removed",
        "outputs_removed",
        "cache_entries_removed",
        "orphan_files_removed",
    ] {
        assert_eq!(report[key], dry[key], "{key}");
    }
    assert!(report["freed_bytes"].as_u64().unwrap() > 0);
    let mut expected = before.clone();
    expected.retain(|f| f != "notes.txt.md");
    assert_eq!(t.files("out"), expected);
    assert!(!t.path("out/.docproc/cache/zz/stray.md").exists());
    let conn = t.db("out/.docproc/docproc.db");
    assert!(integrity_ok(&conn));
    let docs: i64 = conn
        .query_row("SELECT count(*) FROM documents", [], |r| r.get(0))
        .unwrap();
    assert_eq!(docs, 5);
    let metadata_orphans: i64 = conn
        .query_row(
            "SELECT count(*) FROM metadata WHERE document_id NOT IN (SELECT id FROM documents)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(metadata_orphans, 0);
    // The state is still whole: the next run has nothing to do.
    let (report, _) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(report["documents"]["converted"], 0);
    let out = run(&t, &["db", "check", "-o", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    // Retention: nothing is older than a day, so nothing goes; history stays.
    let (report, _) = json(&t, &["gc", "-o", "out", "--older-than", "1d", "--json"]);
    assert_eq!(report["runs_pruned"], 0);
    let out = run(&t, &["gc", "-o", "out", "--older-than", "soon"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn db_check_finds_broken_invariants() {
    let t = state();
    let (check, code) = json(&t, &["db", "check", "-o", "out", "--json"]);
    assert_eq!(code, 0, "{check}");
    assert_eq!(check["ok"], true);
    assert_eq!(check["integrity"], "ok");
    std::fs::remove_file(t.path("out/a.txt.md")).unwrap();
    let cached: String = t
        .db("out/.docproc/docproc.db")
        .query_row(
            "SELECT cached_markdown_path FROM documents WHERE file_path LIKE '%notes.txt'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    std::fs::remove_file(cached).unwrap();
    let (check, code) = json(&t, &["db", "check", "-o", "out", "--json"]);
    assert_eq!(code, 1);
    assert_eq!(check["ok"], false);
    let codes: BTreeSet<&str> = check["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, BTreeSet::from(["cache_missing", "output_missing"]));
    let out = run(&t, &["db", "check", "-o", "out"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("output_missing: "),
        "{}",
        stdout(&out)
    );
    // A convert puts it right.
    t.convert(&["in", "-o", "out", "--force"]);
    assert_eq!(
        run(&t, &["db", "check", "-o", "out"]).status.code(),
        Some(0)
    );
}

#[test]
fn backup_vacuum_and_read_only_commands_work_while_a_run_holds_the_lock() {
    let t = state();
    t.write("in/slow.txt", "slow\n");
    let mut running = t
        .docproc()
        .args(["convert", "in", "-o", "out"])
        .env("DOCPROC_FAULT", "sleep=30:slow")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for("the run to mark slow.txt processing", || {
        processing_count(&t, "out/.docproc/docproc.db") == 1
    });
    let (s, code) = json(&t, &["status", "-o", "out", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(s["running"], true);
    assert_eq!(s["documents"]["by_status"]["processing"], 1);
    assert_eq!(run(&t, &["list", "-o", "out"]).status.code(), Some(0));
    assert_eq!(run(&t, &["export", "-o", "out"]).status.code(), Some(0));
    let check = run(&t, &["db", "check", "-o", "out"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "a running document is not stuck: {}",
        stdout(&check)
    );

    let (backup, code) = json(&t, &["db", "backup", "copy.db", "-o", "out", "--json"]);
    assert_eq!(code, 0, "{backup}");
    assert_eq!(backup["documents"], 8);

    let (err, code) = json(&t, &["gc", "-o", "out", "--json"]);
    assert_eq!(code, 2);
    assert_error_shape(&err, "locked");
    assert_eq!(
        run(&t, &["db", "vacuum", "-o", "out"]).status.code(),
        Some(2)
    );
    running.kill().unwrap();
    running.wait().unwrap();

    let copy = t.db("copy.db");
    assert!(integrity_ok(&copy));
    let docs: i64 = copy
        .query_row("SELECT count(*) FROM documents", [], |r| r.get(0))
        .unwrap();
    assert_eq!(docs, 8);
    assert!(
        !t.path("copy.db-wal").exists(),
        "the backup is one self-contained file"
    );
    // The backup is a working state: --db points at it.
    let (s, _) = json(&t, &["status", "--db", "copy.db", "--json"]);
    assert_eq!(s["documents"]["total"], 8);

    let out = run(&t, &["db", "vacuum", "-o", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("vacuumed "));
}

#[test]
fn export_streams_every_document_with_its_metadata() {
    let t = state();
    let out = run(&t, &["export", "-o", "out"]);
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(lines.len(), 7);
    let notes = lines
        .iter()
        .find(|d| d["file_path"].as_str().unwrap().ends_with("notes.txt"))
        .unwrap();
    assert_eq!(notes["processing_status"], "completed");
    assert_eq!(notes["metadata"]["encoding"], "utf-8");

    let out = run(&t, &["export", "-o", "out", "--format", "csv"]);
    let text = stdout(&out);
    let rows: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(rows.len(), 8, "header + 7 documents");
    assert!(rows[0].starts_with("id,file_path,file_type,file_size,"));
    assert!(rows[0].ends_with(",metadata"));
    assert!(
        text.contains("\"{\"\"encoding\"\":\"\"utf-8\"\""),
        "metadata is a quoted JSON column"
    );
}

#[test]
fn events_follow_the_spec_shape() {
    let t = Tree::new();
    t.write("in/a.txt", "alpha\n");
    t.write("in/b.txt", "beta\n");
    t.write(
        "in/bad.pdf",
        b"\x1f\x8b\x08\x00 a gzip archive saved as PDF",
    );
    let out = t.convert(&["in", "-o", "out", "--events", "events.jsonl"]);
    assert_eq!(out.status.code(), Some(1));
    let events = read_events(&t);
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["event_type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "DocumentUploaded").count(),
        3
    );
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == "DocumentProcessingCompleted")
            .count(),
        2
    );
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == "DocumentProcessingFailed")
            .count(),
        1
    );
    let mut ids = BTreeSet::new();
    for event in &events {
        let id = event["event_id"].as_str().unwrap();
        assert_eq!(id.len(), 36, "a UUID");
        assert!(ids.insert(id.to_string()), "event ids are unique");
        let ts = event["timestamp"].as_str().unwrap();
        assert!(humantime::parse_rfc3339(ts).is_ok(), "RFC 3339: {ts}");
        let payload = &event["payload"];
        let keys: &[&str] = match event["event_type"].as_str().unwrap() {
            "DocumentUploaded" => &[
                "document_id",
                "file_path",
                "file_type",
                "file_size",
                "metadata",
            ],
            "DocumentProcessingCompleted" => &[
                "document_id",
                "cached_markdown_path",
                "metadata",
                "processed_at",
            ],
            "DocumentProcessingFailed" => &["document_id", "error"],
            other => panic!("unknown event type {other}"),
        };
        for key in keys {
            assert!(!payload[key].is_null(), "{key} in {event}");
        }
    }
    let failed = events
        .iter()
        .find(|e| e["event_type"] == "DocumentProcessingFailed")
        .unwrap();
    assert_eq!(failed["payload"]["error"]["code"], "type_mismatch");
    assert!(failed["payload"]["error"]["details"].is_object());
    let completed = events
        .iter()
        .find(|e| e["event_type"] == "DocumentProcessingCompleted")
        .unwrap();
    let cached = completed["payload"]["cached_markdown_path"]
        .as_str()
        .unwrap();
    assert!(std::path::Path::new(cached).is_file());

    // Unchanged: no events. One file changed: uploaded + completed for it, appended.
    t.convert(&["in", "-o", "out", "--events", "events.jsonl"]);
    assert_eq!(read_events(&t).len(), 6);
    t.write("in/a.txt", "alpha, changed\n");
    t.convert(&["in", "-o", "out", "--events", "events.jsonl"]);
    let events = read_events(&t);
    assert_eq!(events.len(), 8);
    assert_eq!(events[6]["event_type"], "DocumentUploaded");
    assert_eq!(events[6]["payload"]["metadata"]["change"], "modified");
    assert_eq!(events[7]["event_type"], "DocumentProcessingCompleted");

    // To stdout, alone: every line an event.
    t.write("in/c.txt", "gamma\n");
    let out = t.convert(&["in", "-o", "out", "--events", "-", "-q"]);
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{}", stdout(&out));
    let out = t.convert(&["in", "-o", "out", "--events", "-", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "--events - and --json would mix on stdout"
    );
}

fn read_events(t: &Tree) -> Vec<Value> {
    t.read("events.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON event per line"))
        .collect()
}

#[test]
fn json_log_lines_have_the_spec_shape() {
    let t = Tree::new();
    t.write("in/a.txt", "alpha\n");
    t.write(
        "in/bad.pdf",
        b"\x1f\x8b\x08\x00 a gzip archive saved as PDF",
    );
    let out = t.convert(&["in", "-o", "out", "--log-format", "json", "-v"]);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<Value> = stderr(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(lines.len() >= 3, "{}", stderr(&out));
    for line in &lines {
        for key in ["timestamp", "level", "message"] {
            assert!(line[key].is_string(), "{key} in {line}");
        }
        assert_eq!(line["service"], "docproc");
        assert_eq!(
            line["context"]["run_id"].as_str().map(str::len),
            Some(36),
            "{line}"
        );
    }
    let failure = lines
        .iter()
        .find(|l| l["context"]["code"] == "type_mismatch")
        .unwrap();
    assert_eq!(failure["context"]["path"], "in/bad.pdf");
    assert_eq!(failure["level"], "warn");
    // The environment twin, and a fatal error as a JSON line.
    let out = t
        .docproc()
        .args(["status", "-o", "missing"])
        .env("DOCPROC_LOG_FORMAT", "json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let line: Value = serde_json::from_str(stderr(&out).trim()).unwrap();
    assert_eq!(line["level"], "error");
    assert_eq!(line["context"]["code"], "fatal");
}

#[test]
fn the_config_file_sets_defaults_below_flags_and_environment() {
    let t = Tree::new();
    t.write("in/a.txt", "alpha\n");
    t.write("in/b.pdf", "%PDF-1.4 not really");
    t.write(
        "docproc.toml",
        "output = \"from-file\"\njobs = 3\nquiet = true\n[formats.pdf]\nenabled = false\npage-markers = \"none\"\n",
    );
    let (cfg, code) = json(&t, &["config", "show", "--json", "--jobs", "2"]);
    assert_eq!(code, 0, "{cfg}");
    assert!(
        cfg["config_file"]
            .as_str()
            .unwrap()
            .ends_with("docproc.toml")
    );
    let setting = |cfg: &Value, key: &str| -> (Value, String) {
        let entry = cfg["settings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["key"] == key)
            .unwrap_or_else(|| panic!("{key} in {cfg}"));
        (
            entry["value"].clone(),
            entry["source"].as_str().unwrap().to_string(),
        )
    };
    assert_eq!(
        setting(&cfg, "jobs"),
        (Value::from(2), "command line".into())
    );
    let (output, source) = setting(&cfg, "output");
    assert!(
        output.as_str().unwrap().ends_with("/from-file"),
        "relative to the file"
    );
    assert!(source.ends_with("docproc.toml"));
    assert_eq!(setting(&cfg, "formats.pdf.enabled").0, Value::from(false));
    assert_eq!(
        setting(&cfg, "formats.pdf.page-markers").0,
        Value::from("none")
    );
    assert_eq!(
        setting(&cfg, "hidden"),
        (Value::from(false), "default".into())
    );
    let out = t
        .docproc()
        .args(["config", "show", "--json"])
        .env("DOCPROC_JOBS", "5")
        .output()
        .unwrap();
    let cfg: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        setting(&cfg, "jobs"),
        (Value::from(5), "environment DOCPROC_JOBS".into())
    );

    // The file drives a real run: output dir, quiet, PDF disabled (ignored, not failed).
    let out = t.docproc().args(["convert", "in"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "", "quiet from the file");
    assert_eq!(t.files("from-file"), ["a.txt.md"]);
    // --formats on the command line wins over the file's switch.
    let (report, code) = t.convert_json(&["in", "--formats", "pdf,txt"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(report["documents"]["total"], 2);
    // --no-config: no output directory any more.
    let out = t
        .docproc()
        .args(["--no-config", "convert", "in"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));

    // Mistakes are fatal and say where.
    t.write("docproc.toml", "jbos = 3\n");
    let out = t
        .docproc()
        .args(["convert", "in", "-o", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("docproc.toml") && stderr(&out).contains("jbos"),
        "{}",
        stderr(&out)
    );
    let out = t
        .docproc()
        .args(["--config", "missing.toml", "status", "-o", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing.toml"), "{}", stderr(&out));
}
