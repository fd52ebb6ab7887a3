//! The cache: what a second run does, and what changes make it convert again.

use std::fs;

use crate::support::{Tree, counts, statuses};

fn tree_with_texts(n: usize) -> Tree {
    let t = Tree::new();
    for i in 0..n {
        t.write(
            &format!("in/doc{i}.txt"),
            format!("Document number {i}.\n\nIt has two paragraphs.\n"),
        );
    }
    t
}

#[test]
fn second_run_converts_nothing() {
    let t = Tree::new();
    t.copy_fixtures("docs", "in");
    let (first, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 0);
    let total = first["documents"]["total"].as_u64().unwrap();
    assert_eq!(counts(&first), (total, 0, 0, 0));
    let before = t
        .files("out")
        .iter()
        .map(|f| (f.clone(), t.read(&format!("out/{f}"))))
        .collect::<Vec<_>>();

    let (second, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 0);
    assert_eq!(counts(&second), (0, total, 0, 0), "{second}");
    let after = t
        .files("out")
        .iter()
        .map(|f| (f.clone(), t.read(&format!("out/{f}"))))
        .collect::<Vec<_>>();
    assert_eq!(before, after, "outputs unchanged");
}

#[test]
fn changing_one_file_converts_exactly_that_file() {
    let t = tree_with_texts(5);
    assert_eq!(t.convert_json(&["in", "-o", "out"]).1, 0);
    t.write("in/doc3.txt", "Rewritten with other words.\n");
    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 0);
    assert_eq!(counts(&report), (1, 4, 0, 0), "{report}");
    assert_eq!(t.read("out/doc3.txt.md"), "Rewritten with other words.\n");
}

#[test]
fn same_size_rewrite_with_the_same_mtime_is_noticed() {
    let t = tree_with_texts(2);
    assert_eq!(t.convert_json(&["in", "-o", "out"]).1, 0);
    let path = t.path("in/doc1.txt");
    let mtime = fs::metadata(&path).unwrap().modified().unwrap();
    let same_size: String = fs::read_to_string(&path)
        .unwrap()
        .replace("number", "NUMBER");
    fs::write(&path, same_size).unwrap();
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    // Size and mtime are as recorded; the change time (or the racy-file guard) still tells.
    let (report, _) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(counts(&report).0, 1, "{report}");
    assert!(t.read("out/doc1.txt.md").contains("NUMBER"));
}

#[test]
fn rehash_reads_every_file_but_converts_nothing_unchanged() {
    let t = tree_with_texts(3);
    assert_eq!(t.convert_json(&["in", "-o", "out"]).1, 0);
    let (report, code) = t.convert_json(&["in", "-o", "out", "--rehash"]);
    assert_eq!(code, 0);
    assert_eq!(counts(&report), (0, 3, 0, 0));
}

#[test]
fn renaming_or_moving_a_file_converts_nothing() {
    let t = tree_with_texts(3);
    assert_eq!(t.convert_json(&["in", "-o", "out"]).1, 0);
    fs::create_dir(t.path("in/sub")).unwrap();
    fs::rename(t.path("in/doc1.txt"), t.path("in/sub/renamed.txt")).unwrap();
    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 0);
    assert_eq!(counts(&report), (0, 3, 0, 0), "{report}");
    assert_eq!(
        t.read("out/sub/renamed.txt.md"),
        "Document number 1.\n\nIt has two paragraphs.\n"
    );
    // The moved document carries its metadata too.
    let conn = t.db("out/.docproc/docproc.db");
    let words: String = conn
        .query_row(
            "SELECT value FROM metadata JOIN documents ON id = document_id
             WHERE file_path LIKE '%renamed.txt' AND key = 'encoding'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(words, "utf-8");
}

#[test]
fn deleted_output_is_restored_without_converting() {
    let t = tree_with_texts(3);
    assert_eq!(t.convert_json(&["in", "-o", "out"]).1, 0);
    let original = t.read("out/doc2.txt.md");
    fs::remove_file(t.path("out/doc2.txt.md")).unwrap();
    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 0);
    assert_eq!(counts(&report), (0, 3, 0, 0), "{report}");
    assert_eq!(t.read("out/doc2.txt.md"), original);
}

#[test]
fn damaged_output_is_restored() {
    let t = tree_with_texts(1);
    assert_eq!(t.convert_json(&["in", "-o", "out"]).1, 0);
    t.write("out/doc0.txt.md", "x");
    let (report, _) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(counts(&report), (0, 1, 0, 0));
    assert_eq!(
        t.read("out/doc0.txt.md"),
        "Document number 0.\n\nIt has two paragraphs.\n"
    );
}

#[test]
fn duplicates_are_converted_once() {
    let t = Tree::new();
    for name in ["a.txt", "b.txt", "c/d.txt"] {
        t.write(&format!("in/{name}"), "Same content everywhere.\n");
    }
    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 0);
    assert_eq!(counts(&report), (1, 2, 0, 0), "{report}");
    for name in ["a.txt", "b.txt", "c/d.txt"] {
        assert_eq!(
            t.read(&format!("out/{name}.md")),
            "Same content everywhere.\n"
        );
    }
    let conn = t.db("out/.docproc/docproc.db");
    assert!(statuses(&conn).values().all(|(s, _)| s == "completed"));
}

#[test]
fn force_converts_everything_again() {
    let t = tree_with_texts(3);
    assert_eq!(t.convert_json(&["in", "-o", "out"]).1, 0);
    let (report, _) = t.convert_json(&["in", "-o", "out", "--force"]);
    assert_eq!(counts(&report), (3, 0, 0, 0));
}

#[test]
fn output_affecting_options_are_part_of_the_key() {
    let t = Tree::new();
    t.copy_fixtures("docs", "in");
    assert_eq!(t.convert_json(&["in/paper.pdf", "-o", "out"]).1, 0);
    let (report, _) = t.convert_json(&["in/paper.pdf", "-o", "out", "--page-markers", "none"]);
    assert_eq!(
        counts(&report),
        (1, 0, 0, 0),
        "a different option converts again"
    );
    let (report, _) = t.convert_json(&["in/paper.pdf", "-o", "out"]);
    assert_eq!(
        counts(&report),
        (0, 1, 0, 0),
        "and going back is a cache hit"
    );
    assert!(t.read("out/paper.pdf.md").contains("<!-- page 1 -->"));
}

#[test]
fn cache_survives_a_new_output_directory_with_a_shared_database() {
    let t = tree_with_texts(2);
    assert_eq!(
        t.convert_json(&["in", "-o", "out1", "--db", "state/docproc.db"])
            .1,
        0
    );
    let (report, code) = t.convert_json(&["in", "-o", "out2", "--db", "state/docproc.db"]);
    assert_eq!(code, 0);
    assert_eq!(counts(&report), (0, 2, 0, 0), "{report}");
    assert_eq!(t.files("out2"), vec!["doc0.txt.md", "doc1.txt.md"]);
    assert!(!t.path("out2/.docproc").exists(), "state lives beside --db");
    assert!(t.path("state/cache").is_dir());
}
