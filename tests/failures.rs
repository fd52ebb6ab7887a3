//! Bad documents: each fails alone with a stable code, and the batch goes on.

use crate::support::{Tree, counts, is_root, statuses, stderr};

#[test]
fn broken_documents_fail_with_their_codes_and_the_rest_converts() {
    let t = Tree::new();
    t.copy_fixtures("docs", "in/good");
    t.copy_fixtures("broken", "in/broken");
    let out = t.convert(&["in", "-o", "out"]);
    assert_eq!(out.status.code(), Some(1), "some documents failed: exit 1");
    let err = stderr(&out);
    for line in [
        "docproc: in/broken/corrupt.docx: damaged zip container",
        "docproc: in/broken/damaged-part.docx: damaged DOCX: word/document.xml: corrupt deflate stream",
        "docproc: in/broken/deep-nesting.docx: word/document.xml nests XML elements more than 1000 levels deep",
        "docproc: in/broken/billion-laughs.docx: word/document.xml declares a DTD with entities: XML entity expansion is not allowed",
        "docproc: in/broken/encrypted.pdf: the PDF is encrypted with a password",
        "docproc: in/broken/form-cycle.pdf: form XObject 5 0 draws itself (a cycle)",
        "docproc: in/broken/page-tree-cycle.pdf: the page tree loops",
        "docproc: in/broken/html-named.pdf: the content is an HTML page, not a PDF: converted as HTML",
        "docproc: in/broken/legacy-word.docx: the content is a Word 97-2003 document, not a DOCX document: converted as Word 97-2003 (binary)",
        "docproc: in/broken/encrypted.docx: the document is password-protected; save an unprotected copy to convert it",
        "docproc: in/broken/scanned.pdf: no text layer in 1 page",
        "docproc: in/broken/truncated.pdf: damaged PDF",
        "docproc: in/broken/zip-bomb.docx: the DOCX package would inflate to 2861 MB",
    ] {
        assert!(err.contains(line), "missing {line:?} in:\n{err}");
    }
    let conn = t.db("out/.docproc/docproc.db");
    let rows = statuses(&conn);
    let code = |name: &str| rows[name].1.clone().unwrap_or_default();
    assert_eq!(code("corrupt.docx"), "corrupt");
    assert_eq!(code("damaged-part.docx"), "corrupt");
    assert_eq!(code("deep-nesting.docx"), "resource_limit");
    assert_eq!(code("billion-laughs.docx"), "resource_limit");
    assert_eq!(code("encrypted.pdf"), "encrypted");
    assert_eq!(code("form-cycle.pdf"), "corrupt");
    assert_eq!(code("page-tree-cycle.pdf"), "corrupt");
    assert_eq!(
        rows["html-named.pdf"],
        ("completed".to_string(), Some("rerouted".to_string()))
    );
    assert_eq!(code("legacy-word.docx"), "rerouted");
    assert_eq!(code("encrypted.docx"), "encrypted");
    assert_eq!(
        rows["scanned.pdf"],
        ("completed".to_string(), Some("needs_ocr".to_string()))
    );
    assert_eq!(code("truncated.pdf"), "corrupt");
    assert_eq!(code("zip-bomb.docx"), "resource_limit");
    let good = t.files("in/good");
    for name in &good {
        let file = std::path::Path::new(name)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert_eq!(rows[&file].0, "completed", "{name}");
        assert!(t.path(&format!("out/good/{name}.md")).is_file());
    }
    assert!(
        !t.path("out/broken/corrupt.docx.md").exists(),
        "no output for a failed document"
    );
}

#[test]
fn a_converter_panic_fails_one_document_with_code_internal() {
    let t = Tree::new();
    t.write("in/fine.txt", "fine\n");
    t.write("in/boom.txt", "this one panics\n");
    let out = t
        .docproc()
        .args(["convert", "in", "-o", "out", "--json"])
        .env("DOCPROC_FAULT", "panic:boom")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(counts(&report), (1, 0, 1, 0));
    assert_eq!(report["failures"][0]["code"], "internal");
    assert!(
        report["failures"][0]["message"]
            .as_str()
            .unwrap()
            .contains("injected fault"),
        "{report}"
    );
    let err = stderr(&out);
    assert!(
        !err.contains("panicked at"),
        "the panic banner is not printed: {err}"
    );
    assert_eq!(t.read("out/fine.txt.md"), "fine\n");
}

#[test]
fn failures_are_remembered_until_the_file_changes_or_retry_failed() {
    let t = Tree::new();
    t.copy_fixtures("broken", "in");
    t.write("in/ok.txt", "ok\n");
    let (first, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 1);
    let failed = first["documents"]["failed"].as_u64().unwrap();
    assert!(
        first["failures"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["remembered"] == false)
    );

    let (second, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 1, "still failed: still exit 1");
    // What converted (ok.txt, the scanned PDF without text, the hostile sheets that end with a
    // note, the CSV and HTML exports named .xls or .pdf, the e-mail with a damaged part and the
    // book with a missing chapter, the Word 97-2003 file named .docx) comes from the cache.
    let converted = first["documents"]["converted"].as_u64().unwrap();
    assert_eq!(converted, 10, "{first}");
    assert_eq!(counts(&second), (0, converted, failed, 0));
    assert!(
        second["failures"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["remembered"] == true),
        "{second}"
    );

    let (third, _) = t.convert_json(&["in", "-o", "out", "--retry-failed"]);
    assert!(
        third["failures"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["remembered"] == false),
        "{third}"
    );

    // A fixed file converts on the next run.
    t.write(
        "in/truncated.pdf",
        std::fs::read(crate::support::fixtures().join("docs/paper.pdf")).unwrap(),
    );
    let (fourth, _) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(counts(&fourth).0, 1, "{fourth}");
    assert_eq!(fourth["documents"]["failed"].as_u64().unwrap(), failed - 1);
}

#[test]
fn pdfs_without_text_convert_flagged_needs_ocr() {
    let t = Tree::new();
    std::fs::create_dir_all(t.path("in")).unwrap();
    std::fs::copy(
        crate::support::fixtures().join("broken/scanned.pdf"),
        t.path("in/scan.pdf"),
    )
    .unwrap();
    t.write("in/ok.txt", "ok\n");
    let out = t
        .docproc()
        .args(["convert", "in", "-o", "out", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "a scan is not a failure");
    assert!(
        stderr(&out).contains("in/scan.pdf: no text layer in 1 page"),
        "{}",
        stderr(&out)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(counts(&report), (2, 0, 0, 0));
    assert_eq!(report["warnings"][0]["code"], "needs_ocr");
    assert_eq!(report["warnings"][0]["path"], "in/scan.pdf");
    assert_eq!(
        t.read("out/scan.pdf.md"),
        "<!-- page 1 -->\n",
        "Markdown without text"
    );
    let conn = t.db("out/.docproc/docproc.db");
    assert_eq!(
        statuses(&conn)["scan.pdf"],
        ("completed".to_string(), Some("needs_ocr".to_string()))
    );
    // The flag survives the cache: an unchanged or moved scan is still reported.
    std::fs::rename(t.path("in/scan.pdf"), t.path("in/moved.pdf")).unwrap();
    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!((code, counts(&report)), (0, (0, 2, 0, 0)));
    assert_eq!(report["warnings"][0]["path"], "in/moved.pdf");
    let human = t.convert(&["in", "-o", "out"]);
    assert!(
        crate::support::stdout(&human).contains("(1 without a text layer: need OCR)"),
        "{}",
        crate::support::stdout(&human)
    );
}

#[test]
fn empty_files_are_skipped_not_failed() {
    let t = Tree::new();
    t.write("in/empty.pdf", "");
    t.write("in/empty.txt", "");
    t.write("in/full.txt", "words\n");
    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 0);
    assert_eq!(counts(&report), (1, 0, 0, 2));
    assert_eq!(report["skips"][0]["code"], "empty");
    let conn = t.db("out/.docproc/docproc.db");
    assert_eq!(statuses(&conn)["empty.pdf"].0, "skipped");
}

#[test]
fn unreadable_file_fails_alone() {
    use std::os::unix::fs::PermissionsExt;
    let t = Tree::new();
    t.write("in/ok.txt", "ok\n");
    let secret = t.write("in/secret.txt", "top secret\n");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    if is_root() {
        // Root reads it anyway: the permission bits do not stop the batch or the conversion.
        assert_eq!(code, 0);
        assert_eq!(counts(&report), (2, 0, 0, 0));
    } else {
        assert_eq!(code, 1);
        assert_eq!(counts(&report), (1, 0, 1, 0));
        assert_eq!(report["failures"][0]["code"], "io");
        // An I/O failure is transient: the next run tries again.
        std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o644)).unwrap();
        let (report, code) = t.convert_json(&["in", "-o", "out"]);
        assert_eq!((code, counts(&report)), (0, (1, 1, 0, 0)));
    }
}

#[test]
fn a_text_file_that_is_binary_is_a_type_mismatch() {
    let t = Tree::new();
    t.write("in/blob.txt", b"\x00\x01\x02\x03binary\x00\x00\xff");
    t.write("in/zip.txt", b"PK\x03\x04rest of a zip");
    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 1);
    let codes: Vec<&str> = report["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["type_mismatch", "type_mismatch"]);
}
