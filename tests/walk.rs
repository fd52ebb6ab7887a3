//! Discovery: which files are documents, where their Markdown goes, what is never walked.

use std::os::unix::fs::symlink;

use crate::support::{Tree, counts, stderr};

#[test]
fn same_stem_different_types_never_collide() {
    let t = Tree::new();
    t.copy_fixtures("docs", "fx");
    std::fs::copy(t.path("fx/paper.pdf"), t.path("report.pdf")).unwrap();
    std::fs::create_dir(t.path("in")).unwrap();
    std::fs::rename(t.path("report.pdf"), t.path("in/report.pdf")).unwrap();
    std::fs::copy(t.path("fx/report.docx"), t.path("in/report.docx")).unwrap();
    t.write("in/report.txt", "text\n");
    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 0);
    assert_eq!(counts(&report), (3, 0, 0, 0));
    assert_eq!(
        t.files("out"),
        ["report.docx.md", "report.pdf.md", "report.txt.md"]
    );
}

#[test]
fn unsupported_files_are_ignored_and_counted() {
    let t = Tree::new();
    t.write("in/a.txt", "a\n");
    t.write("in/song.mp3", b"ID3\x04");
    t.write("in/program.exe", "MZ");
    t.write("in/noext", "plain");
    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 0);
    assert_eq!(report["ignored"], 3);
    assert_eq!(report["documents"]["total"], 1);
}

#[test]
fn hidden_entries_are_skipped_unless_asked() {
    let t = Tree::new();
    t.write("in/visible.txt", "v\n");
    t.write("in/.hidden.txt", "h\n");
    t.write("in/.git/notes.txt", "g\n");
    let (report, _) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(report["documents"]["total"], 1);
    let (report, _) = t.convert_json(&["in", "-o", "out2", "--hidden"]);
    assert_eq!(report["documents"]["total"], 3);
    assert!(t.path("out2/.git/notes.txt.md").is_file());
}

#[test]
fn include_and_exclude_globs() {
    let t = Tree::new();
    t.write("in/a.txt", "a\n");
    t.write("in/drafts/b.txt", "b\n");
    t.write("in/keep/c.txt", "c\n");
    t.write("in/keep/d.pdf", "%PDF-1.4");
    let (report, _) = t.convert_json(&[
        "in",
        "-o",
        "out",
        "--exclude",
        "drafts",
        "--include",
        "*.txt",
    ]);
    assert_eq!(report["documents"]["total"], 2, "{report}");
    assert_eq!(t.files("out"), ["a.txt.md", "keep/c.txt.md"]);
    // The environment twin takes a comma-separated list.
    let out = t
        .docproc()
        .args(["convert", "in", "-o", "out3", "--json"])
        .env("DOCPROC_EXCLUDE", "drafts,keep")
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["documents"]["total"], 1);
}

#[test]
fn output_and_state_inside_the_input_are_never_walked() {
    let t = Tree::new();
    t.write("docs/a.txt", "a\n");
    for _ in 0..2 {
        let out = t
            .docproc()
            .current_dir(t.path("docs"))
            .args(["convert", ".", "-o", "md", "--hidden", "--json"])
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["documents"]["total"], 1, "{report}");
        assert_eq!(
            report["ignored"], 0,
            "the cache and database are not seen: {report}"
        );
    }
    assert!(!t.path("docs/md/md").exists());
}

#[test]
fn symlinks_are_followed_only_when_asked() {
    let t = Tree::new();
    t.write("real/inner.txt", "inner\n");
    t.write("in/a.txt", "a\n");
    symlink(t.path("real"), t.path("in/linked-dir")).unwrap();
    symlink(t.path("real/inner.txt"), t.path("in/linked.txt")).unwrap();
    let (report, _) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(report["documents"]["total"], 1);
    let (report, code) = t.convert_json(&["in", "-o", "out2", "--follow-symlinks"]);
    assert_eq!(code, 0);
    assert_eq!(report["documents"]["total"], 3);
    assert_eq!(
        counts(&report),
        (2, 1, 0, 0),
        "the same content behind two links is converted once"
    );
}

#[test]
fn a_symlink_loop_is_reported_but_not_fatal() {
    let t = Tree::new();
    t.write("in/a.txt", "a\n");
    symlink(t.path("in"), t.path("in/loop")).unwrap();
    let out = t.convert(&["in", "-o", "out", "-L"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("symbolic link loop"),
        "{}",
        stderr(&out)
    );
    assert!(t.path("out/a.txt.md").is_file());
}

#[test]
fn several_roots_keep_their_names() {
    let t = Tree::new();
    t.write("one/a.txt", "a\n");
    t.write("two/b.txt", "b\n");
    t.write("single.txt", "s\n");
    let (report, code) = t.convert_json(&["one", "two", "single.txt", "one", "-o", "out"]);
    assert_eq!(code, 0);
    assert_eq!(report["documents"]["total"], 3);
    assert_eq!(
        t.files("out"),
        ["one/a.txt.md", "single.txt.md", "two/b.txt.md"]
    );
}

#[test]
fn roots_with_the_same_name_are_refused() {
    let t = Tree::new();
    t.write("x/docs/a.txt", "a\n");
    t.write("y/docs/b.txt", "b\n");
    let out = t.convert(&["x/docs", "y/docs", "-o", "out"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("would both be written to OUTPUT/docs"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn odd_file_names_are_converted_and_printed_safely() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let t = Tree::new();
    t.write("in/Résumé and notes – 2024.txt", "spaces and accents\n");
    let weird = t.path("in").join(OsStr::from_bytes(b"bad-\xff-name.txt"));
    std::fs::write(&weird, "not UTF-8 name\n").unwrap();
    t.write(
        "in/new\nline.pdf",
        b"\x1f\x8b\x08\x00 a gzip archive saved as PDF",
    );
    let out = t.convert(&["in", "-o", "out"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("in/new\\nline.pdf: not a PDF"),
        "control characters escaped: {}",
        stderr(&out)
    );
    assert_eq!(
        t.read("out/Résumé and notes – 2024.txt.md"),
        "spaces and accents\n"
    );
    let weird_out = t
        .path("out")
        .join(OsStr::from_bytes(b"bad-\xff-name.txt.md"));
    assert_eq!(
        std::fs::read_to_string(weird_out).unwrap(),
        "not UTF-8 name\n"
    );
}

#[test]
fn an_unreadable_directory_is_reported_and_fails_the_run() {
    use std::os::unix::fs::PermissionsExt;
    let t = Tree::new();
    t.write("in/ok.txt", "ok\n");
    t.write("in/locked/secret.txt", "secret\n");
    std::fs::set_permissions(t.path("in/locked"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    std::fs::set_permissions(t.path("in/locked"), std::fs::Permissions::from_mode(0o755)).unwrap();
    if crate::support::is_root() {
        // Root walks it anyway: nothing is missed.
        assert_eq!((code, counts(&report)), (0, (2, 0, 0, 0)));
    } else {
        // Documents may have been missed: reported, and the exit code says so.
        assert_eq!(code, 1, "{report}");
        assert_eq!(counts(&report), (1, 0, 0, 0));
        assert!(
            report["walk_errors"][0]["path"]
                .as_str()
                .unwrap()
                .ends_with("in/locked"),
            "{report}"
        );
    }
}

#[test]
fn documents_are_found_in_the_byte_order_of_their_paths() {
    // Directories sort as if their names ended in '/': "a b.txt" < "a-b.txt" < "a.txt" < "a/".
    let t = Tree::new();
    for name in [
        "a/z.txt",
        "a.txt",
        "a-b.txt",
        "a b.txt",
        "a/b/c.txt",
        "b.txt",
        "A.txt",
    ] {
        t.write(&format!("in/{name}"), "x\n");
        t.write(&format!("in/{name}.broken.pdf"), "%PDF-1.4 broken\n");
    }
    let (report, _) = t.convert_json(&["in", "-o", "out"]);
    let failed: Vec<String> = report["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    let mut sorted = failed.clone();
    sorted.sort();
    assert_eq!(failed, sorted);
    assert_eq!(failed.len(), 7);
}
