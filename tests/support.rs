//! A small harness: a temporary tree, the real binary with a scrubbed environment, and helpers to
//! read the database and the JSON report.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The repository's fixtures directory.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// A temporary working tree; removed when dropped.
pub struct Tree {
    dir: tempfile::TempDir,
}

impl Tree {
    pub fn new() -> Tree {
        Tree {
            dir: tempfile::Builder::new()
                .prefix("docproc-test-")
                .tempdir()
                .expect("temp dir"),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, content).unwrap();
        path
    }

    /// A file's content as text (binary outputs such as images compare lossily but reliably).
    pub fn read(&self, rel: &str) -> String {
        let bytes = fs::read(self.path(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"));
        String::from_utf8(bytes).unwrap_or_else(|e| {
            // Not text: a hex rendering keeps every byte in the comparison.
            e.into_bytes().iter().map(|b| format!("{b:02x}")).collect()
        })
    }

    /// Copies the fixture file fixtures/<from> to <to> in the tree.
    pub fn copy_fixture(&self, from: &str, to: &str) {
        let to = self.path(to);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(fixtures().join(from), to).unwrap();
    }

    /// Copies fixtures/<from> (recursively) to <to> in the tree.
    pub fn copy_fixtures(&self, from: &str, to: &str) {
        copy_dir(&fixtures().join(from), &self.path(to));
    }

    /// `docproc` with a clean environment, run from the tree's root.
    pub fn docproc(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_docproc"));
        cmd.current_dir(self.root());
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("DOCPROC_") || key == "RUST_LOG" {
                cmd.env_remove(key);
            }
        }
        // Never a developer's own ~/.config/docproc/config.toml.
        cmd.env("XDG_CONFIG_HOME", self.root().join(".config"));
        cmd.stdin(Stdio::null());
        cmd
    }

    /// Runs `docproc convert <args>` and returns its output.
    pub fn convert(&self, args: &[&str]) -> Output {
        self.docproc()
            .arg("convert")
            .args(args)
            .output()
            .expect("run docproc")
    }

    /// Runs `docproc convert <args> --json` and returns the parsed report and the exit code.
    pub fn convert_json(&self, args: &[&str]) -> (Value, i32) {
        let out = self
            .docproc()
            .arg("convert")
            .args(args)
            .arg("--json")
            .output()
            .expect("run docproc");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!(
                "--json output is not JSON ({e}):\n{stdout}\nstderr:\n{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (report, out.status.code().unwrap_or(-1))
    }

    pub fn db(&self, rel: &str) -> rusqlite::Connection {
        rusqlite::Connection::open(self.path(rel)).expect("open database")
    }

    /// Every regular file under `rel`, relative to it, sorted; the state directory excluded.
    pub fn files(&self, rel: &str) -> Vec<String> {
        let base = self.path(rel);
        let mut out = Vec::new();
        walk(&base, &base, &mut out);
        out.retain(|p| !p.starts_with(".docproc/"));
        out.sort();
        out
    }
}

fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            walk(base, &path, out);
        } else if kind.is_file() {
            out.push(
                path.strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Status of every document in a database, by file name.
pub fn statuses(conn: &rusqlite::Connection) -> BTreeMap<String, (String, Option<String>)> {
    let mut stmt = conn
        .prepare("SELECT file_path, processing_status, error_code FROM documents")
        .unwrap();
    stmt.query_map([], |r| {
        let path: String = r.get(0)?;
        let name = Path::new(&path)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        Ok((name, (r.get(1)?, r.get(2)?)))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// How many documents the database at `rel` has in `processing` (0 while it cannot be read).
pub fn processing_count(t: &Tree, rel: &str) -> i64 {
    rusqlite::Connection::open(t.path(rel))
        .and_then(|c| {
            c.query_row(
                "SELECT count(*) FROM documents WHERE processing_status = 'processing'",
                [],
                |r| r.get::<_, i64>(0),
            )
        })
        .unwrap_or(0)
}

pub fn integrity_ok(conn: &rusqlite::Connection) -> bool {
    let result: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    result == "ok"
}

/// Counts from a JSON report: (converted, cached, failed, skipped).
pub fn counts(report: &Value) -> (u64, u64, u64, u64) {
    let d = &report["documents"];
    let n = |k: &str| {
        d[k].as_u64()
            .unwrap_or_else(|| panic!("documents.{k} missing in {report}"))
    };
    (n("converted"), n("cached"), n("failed"), n("skipped"))
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Waits until `done` holds, failing the test after a generous time (slow shared machines).
pub fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}
