//! OCR: scans made from a page we wrote (`fixtures/make_scans.py`) read back exactly, text
//! pages left alone, `--ocr force|off`, a missing Tesseract or language, a page that times out,
//! and the cache key that includes the OCR settings of exactly the documents that needed OCR.
//!
//! These tests need the `tesseract` program with English and orientation data (Debian/Ubuntu:
//! `apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd`; `.ci/run` installs it).
//! Without it they fail, never pass silently.

use std::collections::BTreeMap;

use crate::support::{Tree, counts, statuses, stderr};

fn require_tesseract() {
    let found = std::process::Command::new("tesseract")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "the OCR tests need Tesseract: apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd"
    );
}

fn expected(name: &str) -> String {
    std::fs::read_to_string(crate::support::fixtures().join("expected-ocr").join(name)).unwrap()
}

/// Metadata of the document whose file name is `name`.
fn metadata(t: &Tree, name: &str) -> BTreeMap<String, String> {
    let conn = t.db("out/.docproc/docproc.db");
    let mut stmt = conn
        .prepare(
            "SELECT m.key, m.value FROM metadata m JOIN documents d ON d.id = m.document_id \
             WHERE d.file_path LIKE '%' || ?1",
        )
        .unwrap();
    stmt.query_map([name], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn scans_images_and_sideways_pages_read_as_the_page_they_were_made_from() {
    require_tesseract();
    let t = Tree::new();
    t.copy_fixtures("scans", "in");
    t.copy_fixture("docs/paper.pdf", "in/paper.pdf");
    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(counts(&report), (5, 0, 0, 0));
    for name in [
        "paper.scan.pdf.md",
        "paper.png.md",
        "paper.turned.pdf.md",
        "paper.tiff.md",
    ] {
        assert_eq!(t.read(&format!("out/{name}")), expected(name), "{name}");
    }
    let scan = metadata(&t, "paper.scan.pdf");
    assert_eq!(scan["ocr"], "applied");
    assert_eq!(scan["ocr_pages"], "2");
    assert_eq!(scan["ocr_languages"], "eng");
    assert!(scan["ocr_engine"].starts_with("tesseract "), "{scan:?}");
    assert!(
        scan["ocr_confidence"].parse::<f32>().unwrap() > 80.0,
        "{scan:?}"
    );
    // Turned a quarter clockwise, read after three more quarter turns (degrees clockwise).
    assert_eq!(metadata(&t, "paper.turned.pdf")["ocr_rotated"], "1:270");
    let png = metadata(&t, "paper.png");
    assert_eq!(
        (png["width"].as_str(), png["height"].as_str()),
        ("1275", "1650")
    );
    // Every page of a TIFF, and its description and date (baseline tags EXIF readers report).
    let tiff = metadata(&t, "paper.tiff");
    assert_eq!(tiff["page_count"], "2");
    assert_eq!(tiff["created"], "2024-01-02 03:04:05");
    assert_eq!(
        tiff["description"],
        "Converting Document Collections, scanned"
    );
    // The born-digital PDF keeps its text layer: no OCR, not even a look.
    let text = metadata(&t, "paper.pdf");
    assert!(!text.contains_key("ocr"), "{text:?}");
    let off = Tree::new();
    off.copy_fixture("docs/paper.pdf", "in/paper.pdf");
    off.convert_json(&["in", "-o", "out", "--ocr", "off"]);
    assert_eq!(t.read("out/paper.pdf.md"), off.read("out/paper.pdf.md"));
}

#[test]
fn force_reads_text_pages_too_and_off_reads_none() {
    require_tesseract();
    let t = Tree::new();
    t.copy_fixture("docs/paper.pdf", "in/paper.pdf");
    t.copy_fixture("scans/paper.png", "in/paper.png");
    let (report, code) = t.convert_json(&["in", "-o", "out", "--ocr", "force"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(metadata(&t, "paper.pdf")["ocr_pages"], "2");
    assert!(
        t.read("out/paper.pdf.md")
            .contains("Every failure has a stable error code."),
        "{}",
        t.read("out/paper.pdf.md")
    );
    // Off: scans and images convert without text, flagged, and the run succeeds.
    let (report, code) = t.convert_json(&["in", "-o", "out", "--ocr", "off"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(t.read("out/paper.png.md"), "");
    let rows = statuses(&t.db("out/.docproc/docproc.db"));
    assert_eq!(
        rows["paper.png"],
        ("completed".into(), Some("needs_ocr".into()))
    );
    assert_eq!(rows["paper.pdf"].1, None, "the text layer needs no OCR");
}

#[test]
fn changing_the_ocr_settings_converts_exactly_the_documents_that_needed_ocr() {
    require_tesseract();
    let t = Tree::new();
    t.copy_fixture("scans/paper.png", "in/paper.png");
    t.copy_fixture("docs/paper.pdf", "in/paper.pdf");
    t.write("in/notes.txt", "plain\n");
    assert_eq!(t.convert_json(&["in", "-o", "out"]).1, 0);
    let (report, _) = t.convert_json(&["in", "-o", "out", "--ocr-dpi", "200"]);
    assert_eq!(counts(&report), (1, 2, 0, 0), "{report}");
    let (report, _) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(
        counts(&report),
        (0, 3, 0, 0),
        "back to 300 dpi: from the cache"
    );
    let (report, _) = t.convert_json(&["in", "-o", "out", "--ocr", "off"]);
    assert_eq!(counts(&report), (1, 2, 0, 0), "{report}");
    let (report, _) = t.convert_json(&["in", "-o", "out", "--ocr-lang", "eng"]);
    assert_eq!(counts(&report), (0, 3, 0, 0), "{report}");
}

#[test]
fn a_missing_tesseract_warns_once_under_auto_and_stops_force() {
    let t = Tree::new();
    t.copy_fixture("scans/paper.png", "in/a.png");
    t.copy_fixture("scans/paper.scan.pdf", "in/b.pdf");
    t.copy_fixture("docs/paper.pdf", "in/c.pdf");
    let out = t
        .docproc()
        .args([
            "convert",
            "in",
            "-o",
            "out",
            "--tesseract",
            "/nonexistent/tesseract",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(
        err.matches("apt-get install tesseract-ocr").count(),
        1,
        "{err}"
    );
    assert!(err.contains("brew install tesseract"), "{err}");
    let rows = statuses(&t.db("out/.docproc/docproc.db"));
    assert_eq!(rows["a.png"].1.as_deref(), Some("needs_ocr"));
    assert_eq!(rows["b.pdf"].1.as_deref(), Some("needs_ocr"));
    assert_eq!(rows["c.pdf"].1, None);
    assert!(
        t.read("out/c.pdf.md")
            .contains("Converting Document Collections")
    );

    let t = Tree::new();
    t.copy_fixture("scans/paper.png", "in/a.png");
    let out = t
        .docproc()
        .args(["convert", "in", "-o", "out", "--ocr", "force"])
        .env("DOCPROC_TESSERACT", "/nonexistent/tesseract")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--ocr force"), "{}", stderr(&out));
    assert!(!t.path("out/a.png.md").exists(), "nothing is converted");
}

#[test]
fn a_missing_language_is_named_with_its_package() {
    require_tesseract();
    let t = Tree::new();
    t.copy_fixture("scans/paper.png", "in/a.png");
    let out = t
        .docproc()
        .args(["convert", "in", "-o", "out", "--ocr-lang", "eng+zzz"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no 'zzz' language data")
            && stderr(&out).contains("apt-get install tesseract-ocr-zzz"),
        "{}",
        stderr(&out)
    );
    let out = t
        .docproc()
        .args([
            "convert",
            "in",
            "-o",
            "out2",
            "--ocr",
            "force",
            "--ocr-lang",
            "zzz",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = t
        .docproc()
        .args(["convert", "in", "-o", "out3", "--ocr-lang", "eng;rm -rf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

/// A Tesseract that answers `--version` and `--list-langs` but hangs (or crashes) on pages.
fn fake_tesseract(t: &Tree, page_behaviour: &str) -> String {
    let script = format!(
        "#!/bin/sh\ncase \"$1\" in\n  --version) echo 'tesseract 5.3.0'; exit 0;;\n  --list-langs) printf 'List of available languages in \"/x/\" (2):\\neng\\nosd\\n'; exit 0;;\nesac\ncat > /dev/null\n{page_behaviour}\n"
    );
    let path = t.write("bin/tesseract", script);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn a_page_that_hangs_or_crashes_fails_alone_and_the_document_converts() {
    let t = Tree::new();
    t.copy_fixture("scans/paper.scan.pdf", "in/scan.pdf");
    t.write("in/notes.txt", "fine\n");
    let hangs = fake_tesseract(&t, "sleep 30");
    let (report, code) = t.convert_json(&[
        "in",
        "-o",
        "out",
        "--tesseract",
        &hangs,
        "--ocr-timeout",
        "1",
    ]);
    assert_eq!(code, 0, "{report}");
    let rows = statuses(&t.db("out/.docproc/docproc.db"));
    assert_eq!(
        rows["scan.pdf"],
        ("completed".into(), Some("ocr_failed".into()))
    );
    assert_eq!(t.read("out/notes.txt.md"), "fine\n");

    let t = Tree::new();
    t.copy_fixture("scans/paper.scan.pdf", "in/scan.pdf");
    let crashes = fake_tesseract(&t, "echo 'Error: segmentation fault' >&2; kill -SEGV $$");
    let (report, code) = t.convert_json(&["in", "-o", "out", "--tesseract", &crashes]);
    assert_eq!(code, 0, "{report}");
    let rows = statuses(&t.db("out/.docproc/docproc.db"));
    assert_eq!(rows["scan.pdf"].1.as_deref(), Some("ocr_failed"));
    let conn = t.db("out/.docproc/docproc.db");
    let message: String = conn
        .query_row("SELECT error_message FROM documents", [], |r| r.get(0))
        .unwrap();
    assert!(
        message.contains("page 1") && message.contains("page 2"),
        "{message}"
    );
}
