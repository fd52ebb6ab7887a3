//! The command line: exit codes, stdout/stderr discipline, --json, environment twins, locking.

use std::io::Read;
use std::process::Stdio;

use crate::support::{Tree, stderr, stdout, wait_for};

#[test]
fn json_report_has_the_documented_shape() {
    let t = Tree::new();
    t.write("in/a.txt", "a\n");
    t.write("in/b.pdf", b"\x1f\x8b\x08\x00 a gzip archive saved as PDF");
    t.write("in/c.mp3", "x");
    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 1);
    assert!(
        report["run_id"].as_str().unwrap().len() == 36,
        "a UUID run id"
    );
    for key in ["total", "converted", "cached", "failed", "skipped"] {
        assert!(report["documents"][key].is_u64(), "documents.{key}");
    }
    assert_eq!(report["documents"]["total"], 2);
    assert_eq!(report["ignored"], 1);
    assert!(report["duration_ms"].is_u64());
    let failure = &report["failures"][0];
    assert_eq!(failure["path"], "in/b.pdf");
    assert_eq!(failure["code"], "type_mismatch");
    assert!(failure["message"].is_string());
    assert_eq!(report["exit_code"], 1);
}

#[test]
fn quiet_non_terminal_run_prints_only_the_summary() {
    let t = Tree::new();
    t.write("in/a.txt", "a\n");
    let out = t.convert(&["in", "-o", "out"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stderr(&out),
        "",
        "no progress bar when stderr is not a terminal"
    );
    assert!(
        stdout(&out).starts_with("1 document: 1 converted, 0 cached, 0 failed in "),
        "{}",
        stdout(&out)
    );
    let out = t.convert(&["in", "-o", "out", "-q"]);
    assert_eq!((stdout(&out), stderr(&out)), (String::new(), String::new()));
}

#[test]
fn closed_stdout_is_not_an_error() {
    let t = Tree::new();
    for i in 0..50 {
        t.write(&format!("in/{i}.txt"), "x\n");
    }
    // The reader goes away before docproc writes its report.
    let mut child = t
        .docproc()
        .args(["convert", "in", "-o", "out", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(status.code(), Some(0), "{err}");
    assert_eq!(err, "");
}

#[test]
fn pipe_into_head_exits_zero() {
    let t = Tree::new();
    t.write("in/a.txt", "a\n");
    let exe = env!("CARGO_BIN_EXE_docproc");
    let out = t
        .docproc()
        .env("DOCPROC_BIN", exe)
        .args(["convert", "in", "-o", "out"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let script = r#"set -o pipefail; "$DOCPROC_BIN" convert in -o out --json | head -1"#;
    let out = std::process::Command::new("bash")
        .current_dir(t.root())
        .env("DOCPROC_BIN", exe)
        .args(["-c", script])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "{\n");
}

#[test]
fn usage_errors_exit_2() {
    let t = Tree::new();
    let out = t.convert(&["in"]);
    assert_eq!(out.status.code(), Some(2), "missing --output");
    let out = t.convert(&["missing-dir", "-o", "out"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("docproc: error: cannot read missing-dir"),
        "{}",
        stderr(&out)
    );
    let out = t.convert(&["in", "-o", "out", "--jobs", "0"]);
    assert_eq!(out.status.code(), Some(2));
    let out = t.convert(&["in", "-o", "out", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn output_that_is_a_file_is_fatal_with_a_json_error() {
    let t = Tree::new();
    t.write("in/a.txt", "a\n");
    t.write("out", "I am a file");
    let out = t.convert(&["in", "-o", "out", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let body: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("a JSON error on stdout");
    assert_eq!(body["error"]["code"], "fatal");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("cannot create output directory"),
        "{body}"
    );
    assert!(body["error"]["details"].is_object());
}

#[test]
fn a_database_that_is_not_sqlite_is_fatal() {
    let t = Tree::new();
    t.write("in/a.txt", "a\n");
    t.write(
        "state.db",
        "this is not a database, just text long enough to be a header, really",
    );
    let out = t.convert(&["in", "-o", "out", "--db", "state.db"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot use database"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_database_from_a_newer_docproc_is_refused_untouched() {
    let t = Tree::new();
    t.write("in/a.txt", "a\n");
    {
        let conn = rusqlite::Connection::open(t.path("new.db")).unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
    }
    let out = t.convert(&["in", "-o", "out", "--db", "new.db"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("written by a newer docproc"),
        "{}",
        stderr(&out)
    );
    let conn = rusqlite::Connection::open(t.path("new.db")).unwrap();
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .unwrap();
    assert_eq!(tables, 0);
}

#[test]
fn an_old_database_is_migrated_in_place() {
    let t = Tree::new();
    t.write("in/a.txt", "a\n");
    // An empty database is schema version 0, as any database before the first migration.
    rusqlite::Connection::open(t.path("old.db"))
        .unwrap()
        .execute_batch("CREATE TABLE unrelated (x)")
        .unwrap();
    assert_eq!(
        t.convert(&["in", "-o", "out", "--db", "old.db"])
            .status
            .code(),
        Some(0)
    );
    let conn = rusqlite::Connection::open(t.path("old.db")).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 5);
    let unrelated: i64 = conn
        .query_row("SELECT count(*) FROM unrelated", [], |r| r.get(0))
        .unwrap();
    assert_eq!(unrelated, 0, "other tables are left alone");
}

#[test]
fn environment_variables_set_options() {
    let t = Tree::new();
    t.write("in/a.txt", "a\n");
    let out = t
        .docproc()
        .args(["convert", "in"])
        .env("DOCPROC_OUTPUT", "env-out")
        .env("DOCPROC_JSON", "1")
        .env("DOCPROC_JOBS", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["documents"]["converted"], 1);
    assert!(t.path("env-out/a.txt.md").is_file());
    // A flag wins over its environment twin.
    let out = t
        .docproc()
        .args(["convert", "in", "-o", "flag-out"])
        .env("DOCPROC_OUTPUT", "env-out")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(t.path("flag-out/a.txt.md").is_file());
}

#[test]
fn runs_are_recorded() {
    let t = Tree::new();
    t.write("in/a.txt", "a\n");
    t.write("in/b.pdf", b"\x1f\x8b\x08\x00 a gzip archive saved as PDF");
    t.convert(&["in", "-o", "out"]);
    t.convert(&["in", "-o", "out"]);
    let conn = t.db("out/.docproc/docproc.db");
    let mut stmt = conn.prepare("SELECT status, exit_code, total, converted, cached, failed FROM runs ORDER BY started_at").unwrap();
    let runs: Vec<(String, i64, i64, i64, i64, i64)> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        runs,
        [
            ("finished".into(), 1, 2, 1, 0, 1),
            ("finished".into(), 1, 2, 0, 1, 1)
        ]
    );
}

#[test]
fn a_second_run_on_the_same_state_exits_2_at_once() {
    let t = Tree::new();
    t.write("in/slow.txt", "takes a while\n");
    let mut first = t
        .docproc()
        .args(["convert", "in", "-o", "out"])
        .env("DOCPROC_FAULT", "sleep:slow")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for("the first run to take the lock", || {
        std::fs::read_to_string(t.path("out/.docproc/docproc.db.lock"))
            .is_ok_and(|s| s.trim() == first.id().to_string())
    });
    let second = t.convert(&["in", "-o", "out"]);
    first.kill().unwrap();
    first.wait().unwrap();
    assert_eq!(second.status.code(), Some(2));
    let expected = format!("another docproc run (pid {}) is using", first.id());
    assert!(stderr(&second).contains(&expected), "{}", stderr(&second));
    // The dead run's lock is released by the OS: the next run proceeds and finishes its work.
    let out = t.convert(&["in", "-o", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn an_unwritable_output_directory_is_fatal() {
    use std::os::unix::fs::PermissionsExt;
    let t = Tree::new();
    t.write("in/a.txt", "a\n");
    std::fs::create_dir(t.path("out")).unwrap();
    std::fs::set_permissions(t.path("out"), std::fs::Permissions::from_mode(0o555)).unwrap();
    let out = t.convert(&["in", "-o", "out", "--db", "state/docproc.db"]);
    std::fs::set_permissions(t.path("out"), std::fs::Permissions::from_mode(0o755)).unwrap();
    if crate::support::is_root() {
        assert_eq!(out.status.code(), Some(0), "root writes anyway");
    } else {
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains("is not writable"), "{}", stderr(&out));
    }
}
