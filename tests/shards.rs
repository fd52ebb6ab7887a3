//! Shards (`convert --shard K/N`), `docproc merge` and file lists (`--files-from`): N copies
//! sharing one output and cache end up where one run would have.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Stdio};

use serde_json::Value;

use crate::support::{Tree, integrity_ok, processing_count, stderr, wait_for};

/// Office and text documents, copies of one text under several names (the shared cache), and
/// one broken PDF (a failure).
fn corpus(t: &Tree) {
    t.copy_fixtures("docs", "in/fixtures");
    for i in 0..40 {
        t.write(
            &format!("in/texts/{}/{i:03}.txt", i % 4),
            format!("Text {i}\n\nthe {i}th, in two paragraphs.\n"),
        );
    }
    for i in 0..6 {
        t.write(&format!("in/copies/same-{i}.txt"), "the same words\n");
    }
    t.write("in/broken.pdf", "%PDF-1.7\nnot a PDF after all\n");
}

type Dump = BTreeMap<String, Vec<Option<String>>>;
type MetadataDump = BTreeMap<(String, String), String>;

/// Every document's record that must not depend on how the work was split, by path (the
/// input is read from the same place in every run, so absolute paths compare).
fn dump(db: &rusqlite::Connection) -> Dump {
    let mut stmt = db
        .prepare(
            "SELECT file_path, file_type, processing_status, content_hash, cache_key, error_code,
                    converter_version, CAST(output_size AS TEXT), CAST(file_size AS TEXT)
             FROM documents",
        )
        .unwrap();
    stmt.query_map([], |r| {
        let values = (1..9)
            .map(|i| r.get::<_, Option<String>>(i))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((r.get::<_, String>(0)?, values))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// Every document's metadata, by path.
fn metadata(db: &rusqlite::Connection) -> MetadataDump {
    let mut stmt = db
        .prepare(
            "SELECT d.file_path, m.key, m.value FROM metadata m JOIN documents d ON d.id = m.document_id",
        )
        .unwrap();
    stmt.query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn outputs(t: &Tree, dir: &str) -> BTreeMap<String, Vec<u8>> {
    t.files(dir)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(t.path(&format!("{dir}/{f}"))).unwrap();
            (f, bytes)
        })
        .collect()
}

fn count(db: &rusqlite::Connection, sql: &str) -> i64 {
    db.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn spawn_shard(t: &Tree, shard: &str, extra: &[&str]) -> Child {
    t.docproc()
        .args([
            "convert", "in", "-o", "out", "--jobs", "2", "--json", "--shard", shard,
        ])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Runs the shards at once and returns their reports.
fn run_shards(t: &Tree, shards: &[&str]) -> Vec<Value> {
    let children: Vec<Child> = shards.iter().map(|s| spawn_shard(t, s, &[])).collect();
    children
        .into_iter()
        .map(|child| {
            let out = child.wait_with_output().unwrap();
            // A shard whose documents failed did its work: exit 0 (the failures are recorded).
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
            serde_json::from_slice(&out.stdout).unwrap()
        })
        .collect()
}

fn merge(t: &Tree, args: &[&str]) -> std::process::Output {
    t.docproc().arg("merge").args(args).output().unwrap()
}

fn merge_json(t: &Tree, args: &[&str]) -> Value {
    let out = merge(t, &[args, &["--json"]].concat());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The reference: one plain run of the same input into `ref/`.
fn reference(t: &Tree) -> (Dump, MetadataDump) {
    let out = t.convert(&["in", "-o", "ref"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the broken PDF fails: {}",
        stderr(&out)
    );
    let db = t.db("ref/.docproc/docproc.db");
    (dump(&db), metadata(&db))
}

#[test]
fn four_concurrent_shards_merged_equal_one_run() {
    let t = Tree::new();
    corpus(&t);
    let (ref_dump, ref_metadata) = reference(&t);

    let reports = run_shards(&t, &["0/4", "1/4", "2/4", "3/4"]);
    let total: u64 = reports
        .iter()
        .map(|r| r["documents"]["total"].as_u64().unwrap())
        .sum();
    assert_eq!(
        total as usize,
        ref_dump.len(),
        "every document in exactly one shard"
    );
    for (k, report) in reports.iter().enumerate() {
        assert_eq!(report["shard"]["index"], k as u64);
        assert_eq!(report["shard"]["count"], 4);
        let own = report["documents"]["total"].as_u64().unwrap();
        assert_eq!(
            own + report["shard"]["other_shards"].as_u64().unwrap(),
            ref_dump.len() as u64
        );
        assert!(
            own > 0,
            "a shard of 4 over {} documents is not empty",
            ref_dump.len()
        );
    }
    for k in 0..4 {
        let db = t.db(&format!("out/.docproc/shards/{k:04}-of-0004.db"));
        assert!(integrity_ok(&db));
    }

    let report = merge_json(&t, &["-o", "out"]);
    assert_eq!(
        report["documents"]["added"],
        ref_dump.len() as u64,
        "{report}"
    );
    assert_eq!(report["merged"].as_array().unwrap().len(), 4);
    let db = t.db("out/.docproc/docproc.db");
    assert!(integrity_ok(&db));
    assert_eq!(dump(&db), ref_dump);
    assert_eq!(metadata(&db), ref_metadata);
    assert_eq!(
        outputs(&t, "out"),
        outputs(&t, "ref"),
        "byte-identical outputs"
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM runs WHERE shard_count = 4"),
        4
    );
    let attempts = count(&db, "SELECT count(*) FROM attempts");
    assert_eq!(attempts as usize, ref_dump.len());
    // The shared cache holds every entry, whole, and nothing half-written is left about.
    let entries: Vec<(String, i64)> = {
        let mut stmt = db
            .prepare("SELECT markdown_path, markdown_size FROM cache_entries")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert!(!entries.is_empty());
    for (path, size) in &entries {
        assert_eq!(
            std::fs::metadata(path).unwrap().len() as i64,
            *size,
            "{path}"
        );
    }
    for k in 0..4 {
        let tmp = t.path(&format!("out/.docproc/shards/tmp-{k:04}-of-0004"));
        assert_eq!(
            std::fs::read_dir(&tmp).unwrap().count(),
            0,
            "{}",
            tmp.display()
        );
    }
    assert!(t.files("out").iter().all(|f| !f.contains(".docproc-tmp")));

    // Merging again changes nothing.
    let again = merge_json(&t, &["-o", "out"]);
    assert_eq!(again["documents"]["added"], 0);
    assert_eq!(again["documents"]["updated"], 0);
    assert_eq!(again["documents"]["unchanged"], ref_dump.len() as u64);
    let db = t.db("out/.docproc/docproc.db");
    assert_eq!(dump(&db), ref_dump);
    assert_eq!(count(&db, "SELECT count(*) FROM attempts"), attempts);

    // The next plain run sees the whole collection: nothing to convert.
    let (plain, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 1, "the broken PDF is still remembered: {plain}");
    assert_eq!(plain["documents"]["converted"], 0, "{plain}");
    assert_eq!(plain["documents"]["failed"], 1, "{plain}");
    let status = t
        .docproc()
        .args(["status", "-o", "out", "--json"])
        .output()
        .unwrap();
    let status: Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(
        status["documents"]["total"],
        ref_dump.len() as u64,
        "{status}"
    );
}

#[test]
fn missing_duplicate_and_foreign_shards_are_refused() {
    let t = Tree::new();
    for i in 0..30 {
        t.write(&format!("in/{i:02}.txt"), format!("text {i}\n"));
    }
    run_shards(&t, &["0/4", "1/4", "3/4"]);
    // Before a merge, the commands that read the state say what to do.
    let status = t.docproc().args(["status", "-o", "out"]).output().unwrap();
    assert_eq!(status.status.code(), Some(2));
    assert!(
        stderr(&status).contains("docproc merge"),
        "{}",
        stderr(&status)
    );
    let out = merge(&t, &["-o", "out"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("2/4"), "{}", stderr(&out));
    assert!(
        !t.path("out/.docproc/docproc.db").exists() || {
            let db = t.db("out/.docproc/docproc.db");
            count(&db, "SELECT count(*) FROM documents") == 0
        }
    );

    let partial = merge_json(&t, &["-o", "out", "--allow-partial"]);
    assert_eq!(partial["missing"], serde_json::json!([2]));
    let merged = partial["documents"]["added"].as_u64().unwrap();
    assert!(merged > 0 && merged < 30, "{partial}");

    // The straggler arrives: merging again completes the collection.
    run_shards(&t, &["2/4"]);
    let full = merge_json(&t, &["-o", "out"]);
    assert_eq!(full["documents"]["added"].as_u64().unwrap() + merged, 30);

    // A shard of another plan, and one shard given twice.
    let other = t
        .docproc()
        .args([
            "convert",
            "in",
            "-o",
            "out",
            "--shard",
            "0/2",
            "--db",
            "other/0000-of-0002.db",
            "-q",
        ])
        .output()
        .unwrap();
    assert_eq!(other.status.code(), Some(0), "{}", stderr(&other));
    let shard0 = "out/.docproc/shards/0000-of-0004.db";
    let out = merge(
        &t,
        &[
            "-o",
            "out",
            shard0,
            "other/0000-of-0002.db",
            "--allow-partial",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("different plans"), "{}", stderr(&out));
    let out = merge(&t, &["-o", "out", shard0, shard0, "--allow-partial"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("twice"), "{}", stderr(&out));
    // The output's own database is no shard.
    let out = merge(&t, &["--db", "merged.db", "out/.docproc/docproc.db"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not a shard"), "{}", stderr(&out));

    // A shard's database belongs to that shard.
    let out = t.convert(&["in", "-o", "out", "--db", shard0]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--shard 0/4"), "{}", stderr(&out));
    let out = t.convert(&["in", "-o", "out", "--db", shard0, "--shard", "1/4"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not 1/4"), "{}", stderr(&out));
}

#[test]
fn a_shard_killed_and_run_again_merges_to_the_same_result() {
    let t = Tree::new();
    corpus(&t);
    // A slow document in shard 2 keeps that shard alive until it is killed.
    let slow = (0..)
        .map(|i| format!("texts/slow-{i}.txt"))
        .find(|name| docproc::shard::of_path(Path::new(name), 4) == 2)
        .unwrap();
    t.write(&format!("in/{slow}"), "slow one\n".repeat(200));
    let (ref_dump, ref_metadata) = reference(&t);

    run_shards(&t, &["0/4", "1/4", "3/4"]);
    let mut child = t
        .docproc()
        .args([
            "convert", "in", "-o", "out", "--jobs", "1", "--shard", "2/4",
        ])
        .env("DOCPROC_FAULT", "sleep:slow")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for("shard 2 to be converting the slow document", || {
        processing_count(&t, "out/.docproc/shards/0002-of-0004.db") > 0
    });
    child.kill().unwrap();
    child.wait().unwrap();
    // What a killed shard left merges (with --allow-partial nothing is missing, but the killed
    // run's document is not done) ...
    let early = merge_json(&t, &["-o", "out"]);
    assert_eq!(early["merged"].as_array().unwrap().len(), 4);
    let db = t.db("out/.docproc/docproc.db");
    assert_eq!(
        count(&db, "SELECT count(*) FROM runs WHERE status = 'running'"),
        0,
        "the killed run is abandoned, not running"
    );
    assert_ne!(dump(&db), ref_dump);

    // ... and after the shard runs again, the merge equals one uninterrupted run.
    run_shards(&t, &["2/4"]);
    let report = merge_json(&t, &["-o", "out"]);
    assert!(
        report["documents"]["updated"].as_u64().unwrap() > 0,
        "{report}"
    );
    let db = t.db("out/.docproc/docproc.db");
    assert!(integrity_ok(&db));
    assert_eq!(dump(&db), ref_dump);
    assert_eq!(metadata(&db), ref_metadata);
    assert_eq!(outputs(&t, "out"), outputs(&t, "ref"));
}

#[test]
fn shard_auto_reads_each_engine_like_the_explicit_shard() {
    let t = Tree::new();
    for i in 0..30 {
        t.write(&format!("in/d{}/{i:02}.txt", i % 3), format!("text {i}\n"));
    }
    let run = |out: &str, shard: &str, env: &[(&str, &str)]| {
        let mut cmd = t.docproc();
        cmd.args([
            "convert",
            "in",
            "-o",
            out,
            "--shard",
            shard,
            "--isolation",
            "none",
            "-q",
        ]);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    };
    let out = run("explicit", "1/3", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let expected = t.files("explicit");
    assert!(!expected.is_empty() && expected.len() < 30);
    let engines: &[(&str, &[(&str, &str)])] = &[
        (
            "docproc",
            &[("DOCPROC_SHARD_INDEX", "1"), ("DOCPROC_SHARD_COUNT", "3")],
        ),
        (
            "kubernetes",
            &[("JOB_COMPLETION_INDEX", "1"), ("DOCPROC_SHARD_COUNT", "3")],
        ),
        (
            "slurm",
            &[
                ("SLURM_ARRAY_TASK_ID", "3"),
                ("SLURM_ARRAY_TASK_MIN", "1"),
                ("SLURM_ARRAY_TASK_STEP", "2"),
                ("SLURM_ARRAY_TASK_COUNT", "3"),
            ],
        ),
        (
            "aws",
            &[
                ("AWS_BATCH_JOB_ARRAY_INDEX", "1"),
                ("AWS_BATCH_JOB_ARRAY_SIZE", "3"),
            ],
        ),
        (
            "cloudrun",
            &[("CLOUD_RUN_TASK_INDEX", "1"), ("CLOUD_RUN_TASK_COUNT", "3")],
        ),
        (
            "gcpbatch",
            &[("BATCH_TASK_INDEX", "1"), ("BATCH_TASK_COUNT", "3")],
        ),
    ];
    for (name, env) in engines {
        let out = run(name, "auto", env);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        assert_eq!(t.files(name), expected, "{name}");
        assert!(
            t.path(&format!("{name}/.docproc/shards/0001-of-0003.db"))
                .is_file()
        );
    }
    // An index without a count is a usage error that names the variable to set.
    let out = run("k8s-no-count", "auto", &[("JOB_COMPLETION_INDEX", "1")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("DOCPROC_SHARD_COUNT"),
        "{}",
        stderr(&out)
    );
    let out = run("bad", "3/3", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("0 to 2"), "{}", stderr(&out));
}

#[test]
fn files_from_converts_exactly_the_listed_files() {
    let t = Tree::new();
    for i in 0..10 {
        t.write(&format!("in/sub/{i}.txt"), format!("text {i}\n"));
    }
    t.write("in/odd\nname.txt", "a newline in the name\n");
    t.write("elsewhere.txt", "outside every PATH\n");
    let root = t.path("in");
    let list = format!(
        "sub/1.txt\n./sub/2.txt\r\n{}\n\nsub/missing.txt\n{}\n",
        root.join("sub/3.txt").display(),
        t.path("elsewhere.txt").display()
    );
    t.write("list.txt", &list);
    let (report, code) = t.convert_json(&["in", "-o", "out", "--files-from", "list.txt"]);
    assert_eq!(code, 1, "a listed file is missing: {report}");
    assert_eq!(
        t.files("out"),
        ["sub/1.txt.md", "sub/2.txt.md", "sub/3.txt.md"]
    );
    let problems: Vec<&str> = report["walk_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(problems.len(), 2, "{report}");
    assert!(problems[0].ends_with("sub/missing.txt"));
    assert!(problems[1].ends_with("elsewhere.txt"));

    // NUL-separated, from standard input, a newline inside a name.
    let mut child = t
        .docproc()
        .args(["convert", "in", "-o", "out0", "--files-from0", "-", "-q"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"odd\nname.txt\0sub/4.txt\0").unwrap();
    }
    assert_eq!(child.wait().unwrap().code(), Some(0));
    assert_eq!(t.files("out0"), ["odd\nname.txt.md", "sub/4.txt.md"]);

    // A list and shards: each listed file in exactly one shard.
    let all: Vec<String> = (0..10).map(|i| format!("sub/{i}.txt")).collect();
    t.write("all.txt", all.join("\n"));
    let mut seen = Vec::new();
    for k in 0..3 {
        let out = t.convert(&[
            "in",
            "-o",
            "sharded",
            "--files-from",
            "all.txt",
            "--shard",
            &format!("{k}/3"),
            "-q",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let now = t.files("sharded");
        assert!(now.len() > seen.len() || all.len() < 3);
        seen = now;
    }
    assert_eq!(seen.len(), 10);
}
