//! The hostile-input suite: documents made to hang, eat memory, crash or overflow a limit, and
//! damaged copies of real ones. Each fails alone with its own code; the batch always finishes.
//!
//! Elsewhere in the suite: the bombs and broken fixtures (`failures.rs`: zip bomb, billion
//! laughs, deep nesting, truncated, encrypted, form cycle, page-tree cycle, wrong extension,
//! unreadable file, zero-byte file), odd and non-UTF-8 names and symbolic link loops
//! (`walk.rs`), SIGKILL and Ctrl-C (`crash.rs`).

use std::collections::BTreeMap;
use std::process::Stdio;

use serde_json::Value;

use crate::support::{Tree, counts, integrity_ok, statuses, stderr, wait_for};

fn codes(report: &Value) -> BTreeMap<String, String> {
    report["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap();
            let name = path.rsplit('/').next().unwrap().to_string();
            (name, f["code"].as_str().unwrap().to_string())
        })
        .collect()
}

fn convert_with_fault(t: &Tree, fault: &str, args: &[&str]) -> (Value, i32) {
    let out = t
        .docproc()
        .args(["convert", "in", "-o", "out", "--json"])
        .args(args)
        .env("DOCPROC_FAULT", fault)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}); stderr:\n{}", stderr(&out)));
    (report, out.status.code().unwrap_or(-1))
}

#[test]
fn a_document_that_hangs_times_out_and_the_batch_goes_on() {
    let t = Tree::new();
    // HTML: small plain text is converted in docproc's own thread, not in a worker.
    t.write("in/hang.html", "<p>never finishes</p>\n");
    for i in 0..6 {
        t.write(&format!("in/{i}.txt"), format!("document {i}\n"));
    }
    let (report, code) =
        convert_with_fault(&t, "sleep=600:hang", &["--timeout", "1", "--jobs", "2"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(counts(&report), (6, 0, 1, 0));
    assert_eq!(codes(&report)["hang.html"], "timeout");
    let message = report["failures"][0]["message"].as_str().unwrap();
    assert!(message.contains("--timeout"), "{message}");
    // A timeout is remembered like other deterministic failures; --retry-failed tries again.
    let (report, _) = convert_with_fault(&t, "", &[]);
    assert_eq!(report["failures"][0]["remembered"], true);
    let (report, code) = convert_with_fault(&t, "", &["--retry-failed"]);
    assert_eq!((code, counts(&report)), (0, (1, 6, 0, 0)));
}

#[test]
fn unbounded_memory_fails_with_out_of_memory_not_the_machine() {
    let t = Tree::new();
    t.write("in/hog.html", "<p>wants all the memory</p>\n");
    t.write("in/fine.txt", "fine\n");
    let (report, code) = convert_with_fault(&t, "alloc:hog", &["--max-memory", "512M"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(codes(&report)["hog.html"], "out_of_memory");
    assert!(
        report["failures"][0]["message"]
            .as_str()
            .unwrap()
            .contains("--max-memory")
    );
    assert_eq!(t.read("out/fine.txt.md"), "fine\n");
}

#[test]
fn a_crashing_worker_is_replaced_and_its_document_retried() {
    let t = Tree::new();
    t.write("in/boom.html", "<p>aborts its worker</p>\n");
    for i in 0..5 {
        t.write(&format!("in/{i}.txt"), format!("document {i}\n"));
    }
    let out = t
        .docproc()
        .args([
            "convert",
            "in",
            "-o",
            "out",
            "--json",
            "--retries",
            "2",
            "--jobs",
            "1",
            "-v",
        ])
        .env("DOCPROC_FAULT", "abort:boom")
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        counts(&report),
        (5, 0, 1, 0),
        "the other documents convert after the crash"
    );
    assert_eq!(codes(&report)["boom.html"], "crashed");
    let log = stderr(&out);
    assert_eq!(
        log.matches("trying again").count(),
        2,
        "two retries:\n{log}"
    );
    // A crash is not remembered: the next run (without the fault) converts it.
    let (report, code) = convert_with_fault(&t, "", &[]);
    assert_eq!((code, counts(&report)), (0, (1, 5, 0, 0)));
}

#[test]
fn in_process_conversion_gives_the_same_markdown() {
    let t = Tree::new();
    t.copy_fixtures("docs", "in");
    let a = t.convert(&["in", "-o", "isolated"]);
    let b = t.convert(&["in", "-o", "in-process", "--isolation", "none"]);
    assert_eq!((a.status.code(), b.status.code()), (Some(0), Some(0)));
    let files = t.files("isolated");
    assert_eq!(files, t.files("in-process"));
    for f in files {
        assert_eq!(
            t.read(&format!("isolated/{f}")),
            t.read(&format!("in-process/{f}")),
            "{f}"
        );
    }
}

#[test]
fn every_limit_fails_the_document_with_resource_limit_naming_its_flag() {
    let cases: &[(&str, &str, &[&str], &str)] = &[
        (
            "docs/notes.txt",
            "notes.txt",
            &["--max-file-size", "100"],
            "--max-file-size",
        ),
        (
            "docs/paper.pdf",
            "paper.pdf",
            &["--max-pages", "1"],
            "--max-pages",
        ),
        (
            "docs/notes.txt",
            "notes.txt",
            &["--max-output-size", "10"],
            "--max-output-size",
        ),
        (
            "docs/report.docx",
            "report.docx",
            &["--max-unzipped-size", "1K"],
            "--max-unzipped-size",
        ),
        (
            "docs/report.docx",
            "report.docx",
            &["--max-xml-depth", "3"],
            "--max-xml-depth",
        ),
    ];
    for (fixture, name, args, flag) in cases {
        let t = Tree::new();
        t.copy_fixture(fixture, &format!("in/{name}"));
        t.write("in/other.txt", "ok\n");
        let (report, code) = convert_with_fault(&t, "", args);
        assert_eq!(code, 1, "{args:?}: {report}");
        assert_eq!(codes(&report)[*name], "resource_limit", "{args:?}");
        let message = report["failures"][0]["message"].as_str().unwrap();
        assert!(message.contains(flag), "{args:?}: {message}");
        assert_eq!(t.read("out/other.txt.md"), "ok\n");
    }
    // The compression ratio: a small package that inflates to over 100 MiB.
    let t = Tree::new();
    t.copy_fixture("broken/zip-bomb.docx", "in/bomb.docx");
    let (report, _) = convert_with_fault(&t, "", &["--max-unzipped-size", "100G"]);
    let message = report["failures"][0]["message"].as_str().unwrap();
    assert!(message.contains("--max-zip-ratio"), "{message}");
}

#[test]
fn damaged_copies_of_real_documents_each_end_with_a_final_status() {
    let t = Tree::new();
    let fixtures = [
        "paper.pdf",
        "cid-font.pdf",
        "bad-xref.pdf",
        "report.docx",
        "notes.txt",
        "budget.xlsx",
        "budget.xls",
        "budget.ods",
        "sales.xlsb",
        "deck.pptx",
        "deck.odp",
        "export-1252.csv",
        "page.html",
        "archive.mht",
        "book.epub",
        "analysis.ipynb",
        "mail-alternative.eml",
        "message.msg",
        "report.odt",
        "report.rtf",
        "report.doc",
        "equations.docx",
        "equations.odt",
        "protected.xlsx",
        "protected.docx",
    ];
    let mut seed: u64 = 0x5eed;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        seed >> 33
    };
    let mut made = 0;
    for name in fixtures {
        let bytes = std::fs::read(crate::support::fixtures().join("docs").join(name)).unwrap();
        let ext = name.rsplit('.').next().unwrap();
        for cut in [1, 2, 3] {
            t.write(
                &format!("in/truncated-{cut}-{name}"),
                &bytes[..bytes.len() * cut / 4],
            );
            made += 1;
        }
        for round in 0..8 {
            let mut flipped = bytes.clone();
            for _ in 0..(1 + round * 3) {
                let at = next() as usize % flipped.len();
                flipped[at] ^= 1 << (next() % 8);
            }
            t.write(&format!("in/flipped-{round}-{name}"), &flipped);
            made += 1;
        }
        t.write(&format!("in/empty-{name}"), "");
        t.write(
            &format!(
                "in/wrong-extension-{name}.{}",
                if ext == "pdf" { "docx" } else { "pdf" }
            ),
            &bytes,
        );
        made += 2;
    }
    let (report, code) = convert_with_fault(&t, "", &["--timeout", "30"]);
    assert!(code == 1 || code == 0, "{report}");
    assert_eq!(report["documents"]["total"], made);
    assert_eq!(report["documents"]["pending"], 0);
    let known = [
        "type_mismatch",
        "corrupt",
        "encrypted",
        "unsupported",
        "resource_limit",
        "io",
    ];
    for (name, code) in codes(&report) {
        assert!(
            known.contains(&code.as_str()),
            "{name}: unexpected code {code}"
        );
    }
    let conn = t.db("out/.docproc/docproc.db");
    assert!(integrity_ok(&conn));
    let rows = statuses(&conn);
    assert_eq!(rows.len(), made);
    for (name, (status, _)) in rows {
        assert!(
            ["completed", "failed", "skipped"].contains(&status.as_str()),
            "{name}: {status}"
        );
    }
}

#[test]
fn outputs_never_escape_the_output_directory() {
    let t = Tree::new();
    t.write("in/docs/a.txt", "inside\n");
    t.write("in/b.txt", "fine\n");
    std::fs::create_dir_all(t.path("out")).unwrap();
    std::fs::create_dir_all(t.path("elsewhere")).unwrap();
    std::os::unix::fs::symlink(t.path("elsewhere"), t.path("out/docs")).unwrap();
    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(codes(&report)["a.txt"], "io");
    let message = report["failures"][0]["message"].as_str().unwrap();
    assert!(message.contains("outside the output tree"), "{message}");
    assert!(
        t.files("elsewhere").is_empty(),
        "nothing written through the link"
    );
    assert_eq!(t.read("out/b.txt.md"), "fine\n");
}

#[test]
fn two_runs_started_together_never_convert_a_document_twice() {
    let t = Tree::new();
    for i in 0..60 {
        t.write(&format!("in/{i:02}.txt"), format!("document {i}\n"));
    }
    t.write("in/30-slow.txt", "keeps the first run busy a moment\n");
    let start = || {
        t.docproc()
            .args(["convert", "in", "-o", "out", "--json", "--wait", "300"])
            .env("DOCPROC_FAULT", "sleep=1:slow")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (start(), start());
    let reports: Vec<Value> = [a, b]
        .into_iter()
        .map(|child| {
            let out = child.wait_with_output().unwrap();
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
            serde_json::from_slice(&out.stdout).unwrap()
        })
        .collect();
    let converted: u64 = reports.iter().map(|r| counts(r).0).sum();
    let cached: u64 = reports.iter().map(|r| counts(r).1).sum();
    assert_eq!(
        converted, 61,
        "each document converted once, by one of the runs"
    );
    assert_eq!(cached, 61, "the other run found them all done");
    let conn = t.db("out/.docproc/docproc.db");
    assert!(integrity_ok(&conn));
    let twice: i64 = conn
        .query_row(
            "SELECT count(*) FROM (SELECT document_id FROM attempts WHERE outcome = 'converted'
                                   GROUP BY document_id HAVING count(*) > 1)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(twice, 0);
    let runs: i64 = conn
        .query_row(
            "SELECT count(*) FROM runs WHERE status = 'finished'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(runs, 2);

    // Without --wait the second run does not queue: exit 2 at once, nothing touched.
    t.write("in/99-slow.txt", "slow again\n");
    let mut first = t
        .docproc()
        .args(["convert", "in", "-o", "out"])
        .env("DOCPROC_FAULT", "sleep=30:slow")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for("the first run to hold the lock", || {
        std::fs::read_to_string(t.path("out/.docproc/docproc.db.lock"))
            .is_ok_and(|pid| pid.trim() == first.id().to_string())
    });
    let second = t.convert(&["in", "-o", "out", "--wait", "0.2"]);
    assert_eq!(second.status.code(), Some(2));
    assert!(
        stderr(&second).contains("another docproc run"),
        "{}",
        stderr(&second)
    );
    first.kill().unwrap();
    first.wait().unwrap();
}
