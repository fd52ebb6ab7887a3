//! Interruptions: SIGKILL at random moments, Ctrl-C. The next run always finishes the job.

use std::collections::BTreeMap;
use std::process::{Child, Stdio};

use crate::support::{Tree, counts, integrity_ok, processing_count, statuses, wait_for};

fn corpus(t: &Tree, dir: &str, n: usize) {
    t.copy_fixtures("docs", &format!("{dir}/fixtures"));
    for i in 0..n {
        t.write(
            &format!("{dir}/texts/{:03}.txt", i),
            format!("Text {i}\n\nwith two paragraphs, the {i}th.\n"),
        );
    }
    // HTML, so that a worker process converts it (small plain text is converted in-thread).
    t.write(&format!("{dir}/texts/050-slow.html"), "<p>slow one</p>\n");
}

fn outputs(t: &Tree, dir: &str) -> BTreeMap<String, String> {
    t.files(dir)
        .into_iter()
        .map(|f| (f.clone(), t.read(&format!("{dir}/{f}"))))
        .collect()
}

fn start(t: &Tree, fault: &str) -> Child {
    t.docproc()
        .args(["convert", "in", "-o", "out", "--jobs", "2"])
        .env("DOCPROC_FAULT", fault)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Worker processes running in this tree (by their working directory).
fn workers_in(t: &Tree) -> Vec<u32> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let is_worker = cmdline.split(|&b| b == 0).any(|arg| arg == b"worker")
            && cmdline.starts_with(env!("CARGO_BIN_EXE_docproc").as_bytes());
        if is_worker
            && std::fs::read_link(entry.path().join("cwd")).is_ok_and(|cwd| cwd == t.root())
        {
            out.push(pid);
        }
    }
    out
}

fn count_outputs(t: &Tree) -> usize {
    t.files("out").len()
}

#[test]
fn killed_runs_leave_a_consistent_state_that_the_next_run_completes() {
    let t = Tree::new();
    corpus(&t, "in", 200);
    // The reference: one uninterrupted run of the same files.
    t.copy_fixtures("docs", "ref-in/fixtures");
    std::fs::create_dir_all(t.path("ref-in/texts")).unwrap();
    for f in t.files("in/texts") {
        std::fs::copy(
            t.path(&format!("in/texts/{f}")),
            t.path(&format!("ref-in/texts/{f}")),
        )
        .unwrap();
    }
    assert_eq!(
        t.convert(&["ref-in", "-o", "ref-out"]).status.code(),
        Some(0)
    );

    // Kill -9 at random points (the seed is printed to replay a failure), each later than the
    // last. The slow document keeps each run alive long enough to be killed mid-way whatever the
    // machine's speed.
    let seed = std::env::var("DOCPROC_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos() as u64
        });
    eprintln!("crash test seed: DOCPROC_CRASH_SEED={seed}");
    let mut state = seed;
    let mut random = |below: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize % below
    };
    // Every output but the slow document's can appear before a kill (the slow one sleeps past
    // the run); a fast machine may write them all before the first kill lands.
    let reachable = t.files("ref-out").len() - 1;
    let mut threshold = 0;
    for _ in 0..4 {
        threshold = (threshold + 1 + random(45)).min(reachable);
        let mut child = start(&t, "sleep:slow");
        wait_for("some outputs", || count_outputs(&t) >= threshold);
        assert!(
            !workers_in(&t).is_empty(),
            "the run converts in worker processes"
        );
        child.kill().unwrap();
        child.wait().unwrap();
        let conn = t.db("out/.docproc/docproc.db");
        assert!(integrity_ok(&conn), "integrity after kill at {threshold}");
        threshold = count_outputs(&t);
    }
    // The killed runs' workers notice their parent is gone and exit, even the one stuck in the
    // slow document.
    wait_for("orphaned workers to exit", || workers_in(&t).is_empty());

    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 0, "{report}");
    let conn = t.db("out/.docproc/docproc.db");
    assert!(integrity_ok(&conn));
    let rows = statuses(&conn);
    assert_eq!(
        rows.len(),
        report["documents"]["total"].as_u64().unwrap() as usize
    );
    assert!(rows.values().all(|(s, _)| s == "completed"), "{rows:?}");
    let stuck: i64 = conn
        .query_row(
            "SELECT count(*) FROM runs WHERE status = 'running'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stuck, 0, "killed runs are marked abandoned");
    assert_eq!(
        std::fs::read_dir(t.path("out/.docproc/tmp"))
            .unwrap()
            .count(),
        0,
        "no temporary files left"
    );
    let stray: Vec<String> = t
        .files("out")
        .into_iter()
        .filter(|f| f.contains(".docproc-tmp"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
    assert_eq!(
        outputs(&t, "out"),
        outputs(&t, "ref-out"),
        "same outputs as an uninterrupted run"
    );
}

#[test]
fn ctrl_c_finishes_work_in_progress_and_exits_130() {
    let t = Tree::new();
    // The largest document, so that it is converted first.
    t.write("in/000-slow.txt", "slow\n".repeat(100));
    for i in 1..40 {
        t.write(&format!("in/{i:03}.txt"), format!("text {i}\n"));
    }
    let child = t
        .docproc()
        .args(["convert", "in", "-o", "out", "--jobs", "1", "--json"])
        .env("DOCPROC_FAULT", "sleep=2:slow")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for("the slow document to be processing", || {
        processing_count(&t, "out/.docproc/docproc.db") > 0
    });
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["interrupted"], true);
    assert!(
        report["documents"]["pending"].as_u64().unwrap() > 0,
        "{report}"
    );
    assert!(
        t.path("out/000-slow.txt.md").is_file(),
        "the document in progress was finished"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("interrupted"));

    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 0);
    let (converted, cached, failed, _) = counts(&report);
    assert_eq!((converted + cached, failed), (40, 0));
    assert!(cached >= 1);
}
