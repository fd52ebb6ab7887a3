//! The Markdown for every fixture document, compared exactly with `fixtures/expected/`.
//!
//! `DOCPROC_UPDATE_EXPECTED=1 cargo test` rewrites the expected files; review the diff.

use std::fs;

use crate::support::{Tree, fixtures, statuses};

#[test]
fn every_fixture_converts_to_its_expected_markdown() {
    let t = Tree::new();
    t.copy_fixtures("docs", "docs");
    let out = t.convert(&["docs", "-o", "out"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        crate::support::stderr(&out)
    );

    let all = t.files("out");
    let produced: Vec<String> = all.iter().filter(|f| f.ends_with(".md")).cloned().collect();
    let attachments: Vec<&String> = all.iter().filter(|f| !f.ends_with(".md")).collect();
    assert_eq!(
        attachments,
        [
            "analysis.ipynb_files/output.png",
            "archive.mht_files/logo.png",
            "book.epub_files/square.png",
            "deck.odp_files/1000000000000002000000027C7CB05AA87B1F35.png",
            "deck.pptx_files/image1.png",
            "features.docx_files/logo.png",
            "mail-alternative.eml_files/chart.png",
            "message.msg_files/chart.png",
            "page.html_files/image.png"
        ],
        "images are written beside their Markdown"
    );
    let logo = std::fs::read(t.path("out/features.docx_files/logo.png")).unwrap();
    assert!(
        logo.starts_with(b"\x89PNG"),
        "the image's bytes, as in the package"
    );
    let inputs = t.files("docs");
    let expected_names: Vec<String> = inputs.iter().map(|p| format!("{p}.md")).collect();
    assert_eq!(
        produced, expected_names,
        "one output per input, named <input>.md"
    );

    let expected_dir = fixtures().join("expected");
    let update = std::env::var_os("DOCPROC_UPDATE_EXPECTED").is_some();
    let mut mismatches = Vec::new();
    for name in &produced {
        let actual = t.read(&format!("out/{name}"));
        let path = expected_dir.join(name);
        if update {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, &actual).unwrap();
            continue;
        }
        let expected =
            fs::read_to_string(&path).unwrap_or_else(|_| panic!("missing {}", path.display()));
        if expected != actual {
            mismatches.push(format!(
                "--- {name} expected\n{expected}\n+++ {name} actual\n{actual}"
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "outputs differ from fixtures/expected:\n{}",
        mismatches.join("\n")
    );

    let conn = t.db("out/.docproc/docproc.db");
    let rows = statuses(&conn);
    assert_eq!(rows.len(), inputs.len(), "one row per document");
    for (name, (status, code)) in rows {
        assert_eq!((status.as_str(), code), ("completed", None), "{name}");
    }
}

#[test]
fn metadata_is_recorded_per_format() {
    let t = Tree::new();
    t.copy_fixtures("docs", "docs");
    assert_eq!(t.convert(&["docs", "-o", "out"]).status.code(), Some(0));
    let conn = t.db("out/.docproc/docproc.db");
    let meta = |file: &str, key: &str| -> Option<String> {
        conn.query_row(
            "SELECT m.value FROM metadata m JOIN documents d ON d.id = m.document_id
             WHERE d.file_path LIKE '%/' || ?1 AND m.key = ?2",
            [file, key],
            |r| r.get(0),
        )
        .ok()
    };
    assert_eq!(meta("paper.pdf", "page_count").as_deref(), Some("2"));
    assert_eq!(
        meta("paper.pdf", "title").as_deref(),
        Some("Converting Document Collections")
    );
    assert_eq!(meta("paper.pdf", "has_text_layer").as_deref(), Some("true"));
    assert_eq!(
        meta("report.docx", "title").as_deref(),
        Some("Quarterly Report")
    );
    assert_eq!(
        meta("report.docx", "author").as_deref(),
        Some("docproc fixtures")
    );
    assert_eq!(
        meta("legacy-cp1252.txt", "encoding").as_deref(),
        Some("windows-1252")
    );
    assert_eq!(
        meta("utf16-bom.txt", "encoding").as_deref(),
        Some("utf-16le")
    );
    assert_eq!(meta("notes.txt", "line_endings").as_deref(), Some("crlf"));
    assert!(
        meta("notes.txt", "word_count")
            .unwrap()
            .parse::<u32>()
            .unwrap()
            > 40
    );
    assert!(meta("encrypted-empty-password.pdf", "encrypted").is_some());
    assert_eq!(
        meta("paper.pdf", "text_extraction").as_deref(),
        Some("docproc")
    );
    assert_eq!(
        meta("cid-font.pdf", "text_extraction").as_deref(),
        Some("docproc")
    );
}

#[test]
fn page_markers_can_be_turned_off() {
    let t = Tree::new();
    t.copy_fixtures("docs", "docs");
    assert_eq!(
        t.convert(&["docs/paper.pdf", "-o", "out", "--page-markers", "none"])
            .status
            .code(),
        Some(0)
    );
    let md = t.read("out/paper.pdf.md");
    assert!(!md.contains("<!-- page"), "{md}");
    assert!(
        md.starts_with("# Converting Document Collections\n"),
        "{md}"
    );
}
