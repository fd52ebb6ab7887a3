//! Slides and sheets: options, content that contradicts its extension, and what hostile
//! spreadsheets do. The exact Markdown of every fixture is in `snapshots.rs`.

use crate::support::{Tree, statuses, stderr, stdout};

fn headings(md: &str) -> Vec<&str> {
    md.lines().filter(|l| l.starts_with('#')).collect()
}

#[test]
fn slides_come_in_presentation_order_not_file_order() {
    let t = Tree::new();
    t.copy_fixture("docs/deck.pptx", "in/deck.pptx");
    assert_eq!(t.convert(&["in", "-o", "out"]).status.code(), Some(0));
    let md = t.read("out/deck.pptx.md");
    // The part names are shuffled (slide1.xml is the third slide); the slide list decides.
    assert_eq!(
        headings(&md),
        [
            "# Quarterly review",
            "# Groups",
            "# A table",
            "# Steps",
            "# With notes",
            "## Notes",
            "# Empty notes",
            "# A hidden slide",
            "# A picture",
            "# Formatting",
            "# Code",
            "# A chart"
        ],
        "a deck without sections: every title is `#`, the untitled slide 10 has none"
    );
    assert!(
        md.contains("<!-- slide 10 -->\n\n---\n\nA slide without a title\n"),
        "{md}"
    );
    let markers: Vec<&str> = md.lines().filter(|l| l.starts_with("<!-- slide")).collect();
    assert_eq!(markers.len(), 12);
    assert_eq!(markers[6], "<!-- slide 7 (hidden) -->");
    assert!(!md.contains("Company confidential"), "footers are left out");
    assert!(
        !md.contains("Click to edit"),
        "master prompts are not slide text"
    );
    assert_eq!(md.matches("## Notes").count(), 1, "empty notes say nothing");
}

#[test]
fn a_deck_with_section_header_slides_nests_its_slides_under_them() {
    // Written by pandoc from fixtures/sections.md: `#` became "Section Header" slides.
    let t = Tree::new();
    t.copy_fixture("docs/sections.pptx", "in/sections.pptx");
    assert_eq!(t.convert(&["in", "-o", "out"]).status.code(), Some(0));
    let md = t.read("out/sections.pptx.md");
    assert_eq!(
        headings(&md),
        [
            "# Field trip",
            "# Planning",
            "## Budget",
            "## Dates",
            "# Results",
            "## What we saw",
            "### Notes"
        ],
        "{md}"
    );
    assert!(md.contains("<!-- slide 7 -->\n\n---\n\nA slide without a title.\n"));
}

#[test]
fn slide_options_notes_hidden_slides_markers_and_images() {
    let t = Tree::new();
    t.copy_fixture("docs/deck.pptx", "in/deck.pptx");
    let out = t.convert(&[
        "in",
        "-o",
        "out",
        "--set",
        "pptx.notes=false,pptx.hidden-slides=false",
        "--page-markers",
        "none",
        "--images",
        "none",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let md = t.read("out/deck.pptx.md");
    assert!(!md.contains("## Notes"));
    assert!(!md.contains("A hidden slide"));
    assert!(!md.contains("<!-- slide"));
    assert!(
        md.contains("\n# Formatting\n\n- **Bold**"),
        "titles stay without markers: {md}"
    );
    assert!(
        md.contains("\n---\n\nA slide without a title\n"),
        "an untitled slide is still set apart: {md}"
    );
    assert!(md.contains("\nA red square\n"), "only the alt text: {md}");
    assert!(!t.path("out/deck.pptx_files").exists());
    let conn = t.db("out/.docproc/docproc.db");
    let meta: String = conn
        .query_row(
            "SELECT value FROM metadata WHERE key = 'hidden_slides'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(meta, "1");
}

#[test]
fn a_format_option_reconverts_only_that_format() {
    let t = Tree::new();
    t.copy_fixture("docs/deck.pptx", "in/deck.pptx");
    t.copy_fixture("docs/budget.xlsx", "in/budget.xlsx");
    let (_, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 0);
    let (report, code) = t.convert_json(&["in", "-o", "out", "--set", "xlsx.hidden=true"]);
    assert_eq!(code, 0);
    assert_eq!(report["documents"]["converted"], 1, "{report}");
    assert_eq!(report["documents"]["cached"], 1, "{report}");
    let md = t.read("out/budget.xlsx.md");
    for hidden in ["## Lookup", "Secret row", "hidden column"] {
        assert!(md.contains(hidden), "{hidden} with hidden = true: {md}");
    }
}

#[test]
fn sheets_cut_at_max_rows_say_so() {
    let t = Tree::new();
    t.copy_fixture("docs/budget.xlsx", "in/budget.xlsx");
    t.write(
        "docproc.toml",
        "[formats.xlsx]\nmax-rows = 3\n[formats.csv]\nmax-rows = 2\n",
    );
    t.write("in/long.csv", "n\n1\n2\n3\n4\n5\n");
    assert_eq!(t.convert(&["in", "-o", "out"]).status.code(), Some(0));
    let md = t.read("out/budget.xlsx.md");
    // The header row and two rows of data; the title line above does not count.
    assert!(md.contains("| Travel \\| fares "), "{md}");
    assert!(!md.contains("Line one"), "{md}");
    assert!(md.contains("*5 more rows not shown (max-rows 3).*"), "{md}");
    assert_eq!(
        t.read("out/long.csv.md"),
        "| n   |\n| --- |\n| 1   |\n\n*4 more rows not shown (max-rows 2).*\n"
    );
}

#[test]
fn content_decides_over_the_extension() {
    let t = Tree::new();
    t.copy_fixture("broken/report-export.xls", "in/report-export.xls");
    t.copy_fixture("broken/web-export.xls", "in/web-export.xls");
    t.copy_fixture("docs/budget.xlsx", "in/renamed.docx");
    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(
        t.read("out/web-export.xls.md"),
        "|      |        |\n| ---- | ------ |\n| Name | Amount |\n"
    );
    assert_eq!(
        t.read("out/report-export.xls.md"),
        "| Name  | Amount |\n| ----- | ------ |\n| North | 120    |\n| South | 98     |\n"
    );
    assert!(t.read("out/renamed.docx.md").starts_with("## Budget\n"));
    let conn = t.db("out/.docproc/docproc.db");
    let rows = statuses(&conn);
    assert_eq!(
        rows["report-export.xls"],
        ("completed".into(), Some("rerouted".into()))
    );
    assert_eq!(
        rows["renamed.docx"],
        ("completed".into(), Some("rerouted".into()))
    );
    assert_eq!(
        rows["web-export.xls"],
        ("completed".into(), Some("rerouted".into()))
    );
    let (file_type, message): (String, String) = conn
        .query_row(
            "SELECT file_type, error_message FROM documents WHERE file_path LIKE '%report-export.xls'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(file_type, "csv");
    assert_eq!(
        message,
        "the content is a CSV file, not an Excel 97-2003 workbook: converted as CSV"
    );
    let warnings: Vec<&str> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert_eq!(warnings, ["rerouted", "rerouted", "rerouted"]);
    // list --type finds documents by what they are.
    let out = t
        .docproc()
        .args(["list", "-o", "out", "--type", "csv", "--json"])
        .output()
        .unwrap();
    let listed: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(listed["pagination"]["total"], 1);
    // A second run trusts the recorded format: nothing is converted again.
    let (report, _) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(report["documents"]["converted"], 0, "{report}");
}

#[test]
fn a_disabled_format_is_not_a_target_for_rerouting() {
    let t = Tree::new();
    t.copy_fixture("broken/report-export.xls", "in/report-export.xls");
    let (report, code) = t.convert_json(&["in", "-o", "out", "--formats", "xls,pdf"]);
    assert_eq!(code, 1, "{report}");
    let message = report["failures"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("(format csv, not enabled in this run)"),
        "{message}"
    );
}

#[test]
fn hostile_spreadsheets_end_quickly_with_a_status() {
    let t = Tree::new();
    for name in [
        "repeat-bomb.ods",
        "sparse.xlsx",
        "truncated.xlsx",
        "damaged-slide.pptx",
    ] {
        t.copy_fixture(&format!("broken/{name}"), &format!("in/{name}"));
    }
    // An encrypted workbook: a compound file with the encrypted package inside.
    t.copy_fixture("broken/encrypted.docx", "in/locked.xlsx");
    let (report, code) = t.convert_json(&["in", "-o", "out", "--timeout", "30"]);
    assert_eq!(code, 1, "{report}");
    let conn = t.db("out/.docproc/docproc.db");
    let rows = statuses(&conn);
    assert_eq!(rows["repeat-bomb.ods"], ("completed".into(), None));
    let bomb = t.read("out/repeat-bomb.ods.md");
    assert!(
        bomb.contains("*The sheet has more than 2000000 cells; the rest were not read.*"),
        "{}",
        &bomb[bomb.len().saturating_sub(300)..]
    );
    assert_eq!(
        t.read("out/sparse.xlsx.md"),
        "## Far\n\n**first**\n\n|     |     |      |\n| --- | --- | ---- |\n|     |     | last |\n"
    );
    assert_eq!(rows["truncated.xlsx"].1.as_deref(), Some("corrupt"));
    assert_eq!(rows["damaged-slide.pptx"].1.as_deref(), Some("corrupt"));
    assert_eq!(rows["locked.xlsx"].1.as_deref(), Some("encrypted"));
    let message: String = conn
        .query_row(
            "SELECT error_message FROM documents WHERE file_path LIKE '%damaged-slide.pptx'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        message.starts_with("damaged PPTX: ppt/slides/slide3.xml"),
        "{message}"
    );
}

#[test]
fn format_options_are_checked_before_anything_runs() {
    let t = Tree::new();
    t.write("in/a.txt", "a\n");
    let out = t.convert(&["in", "-o", "out", "--set", "pptx.nots=false"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "--set \"pptx.nots=false\": format pptx has no option \"nots\" (it has: page-markers, images, notes, hidden-slides)"
        ),
        "{}",
        stderr(&out)
    );
    let out = t.convert(&["in", "-o", "out", "--set", "xlsx.hidden=maybe"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("hidden takes true or false, not \"maybe\""));
    t.write("docproc.toml", "[formats.pptx]\nnotes = 3\n");
    let out = t.convert(&["in", "-o", "out"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("[formats.pptx] notes takes true or false, not 3"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn config_show_lists_every_format_option_with_its_source() {
    let t = Tree::new();
    t.write(
        "docproc.toml",
        "[formats.pptx]\nnotes = false\n[formats.xls]\nenabled = false\n",
    );
    let out = t
        .docproc()
        .env("DOCPROC_SET", "xlsx.max-rows=10")
        .args(["config", "show", "--images", "none", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let setting = |key: &str| {
        v["settings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["key"] == key)
            .map(|s| {
                (
                    s["value"].clone(),
                    s["source"].as_str().unwrap().to_string(),
                )
            })
            .unwrap_or_else(|| panic!("no {key}"))
    };
    assert_eq!(setting("formats.pptx.notes").0, false);
    assert!(setting("formats.pptx.notes").1.ends_with("docproc.toml"));
    assert_eq!(setting("formats.xls.enabled").0, false);
    assert_eq!(
        setting("formats.xlsx.max-rows"),
        (10.into(), "environment DOCPROC_SET".to_string())
    );
    assert_eq!(
        setting("formats.pptx.images"),
        ("none".into(), "command line".to_string())
    );
    assert_eq!(
        setting("formats.docx.images"),
        ("none".into(), "command line".to_string())
    );
    assert_eq!(
        setting("formats.xlsx.images"),
        ("none".into(), "command line".to_string())
    );
    assert_eq!(
        setting("formats.pptx.hidden-slides"),
        (true.into(), "default".to_string())
    );
}

#[test]
fn documents_encrypted_with_the_built_in_password_convert_like_their_plain_copies() {
    let t = Tree::new();
    for name in [
        "protected.xlsx",
        "budget.xlsx",
        "protected.docx",
        "report.docx",
    ] {
        t.copy_fixture(&format!("docs/{name}"), &format!("in/{name}"));
    }
    // Another password stays locked; a copy whose encrypted bytes are damaged opens to a
    // damaged package, and a cut copy is still a locked document.
    t.copy_fixture("broken/encrypted.docx", "in/locked.docx");
    let mut protected =
        std::fs::read(crate::support::fixtures().join("docs/protected.xlsx")).unwrap();
    t.write("in/cut.xlsx", &protected[..protected.len() / 2]);
    let at = protected.len() - 1024;
    protected[at..at + 64].fill(0xA5);
    t.write("in/scrambled.xlsx", &protected);
    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(
        t.read("out/protected.xlsx.md"),
        t.read("out/budget.xlsx.md")
    );
    assert_eq!(
        t.read("out/protected.docx.md"),
        t.read("out/report.docx.md")
    );
    let conn = t.db("out/.docproc/docproc.db");
    let rows = statuses(&conn);
    assert_eq!(rows["protected.xlsx"], ("completed".into(), None));
    assert_eq!(rows["protected.docx"], ("completed".into(), None));
    assert_eq!(rows["locked.docx"].1.as_deref(), Some("encrypted"));
    assert_eq!(rows["cut.xlsx"].1.as_deref(), Some("encrypted"));
    assert_eq!(rows["scrambled.xlsx"].1.as_deref(), Some("corrupt"));
    let meta = |file: &str, key: &str| -> Option<String> {
        conn.query_row(
            "SELECT value FROM metadata JOIN documents ON id = document_id
             WHERE file_path LIKE ?1 AND key = ?2",
            [format!("%/{file}"), key.to_string()],
            |r| r.get(0),
        )
        .ok()
    };
    assert_eq!(
        meta("protected.xlsx", "encryption").as_deref(),
        Some("agile, built-in password")
    );
    assert_eq!(
        meta("protected.docx", "encryption").as_deref(),
        Some("standard, built-in password")
    );
    assert_eq!(meta("budget.xlsx", "encryption"), None);
    assert_eq!(
        meta("protected.xlsx", "sheet_count"),
        meta("budget.xlsx", "sheet_count")
    );
    let message = |file: &str| -> String {
        conn.query_row(
            "SELECT error_message FROM documents WHERE file_path LIKE ?1",
            [format!("%/{file}")],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert!(
        message("cut.xlsx").contains("compound file is damaged"),
        "{}",
        message("cut.xlsx")
    );
    assert!(
        message("scrambled.xlsx").starts_with("damaged zip container"),
        "{}",
        message("scrambled.xlsx")
    );
}

#[test]
fn legacy_workbooks_show_numbers_as_formatted_and_hide_what_excel_hides() {
    let t = Tree::new();
    t.copy_fixture("docs/budget.xlsx", "in/budget.xlsx");
    // LibreOffice's Excel 97-2003 copy of budget.xlsx: the same formats, hidden row and column.
    t.copy_fixture("docs/budget.xls", "in/budget.xls");
    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 0, "{report}");
    let xls = t.read("out/budget.xls.md");
    assert_eq!(xls, t.read("out/budget.xlsx.md"));
    for shown in [
        "| 1,234.50 | 12.5%",
        "€ 980.00",
        "1.23E+04",
        "| 1 1/2 ",
        "3.3 kg",
    ] {
        assert!(xls.contains(shown), "{shown:?} in:\n{xls}");
    }
    assert!(!xls.contains("Secret row") && !xls.contains("hidden column"));
    let (report, code) = t.convert_json(&["in", "-o", "all", "--set", "xls.hidden=true"]);
    assert_eq!(code, 0, "{report}");
    let all = t.read("all/budget.xls.md");
    assert!(
        all.contains("Secret row") && all.contains("hidden column"),
        "{all}"
    );
}

#[test]
fn sheet_headers_and_footers_are_recorded_as_printed() {
    let t = Tree::new();
    t.copy_fixture("docs/budget.xlsx", "in/budget.xlsx");
    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 0, "{report}");
    let conn = t.db("out/.docproc/docproc.db");
    let meta = |key: &str| -> String {
        conn.query_row("SELECT value FROM metadata WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .unwrap()
    };
    assert_eq!(
        meta("header_text"),
        "Budget & plans  Page &[Page] of &[Pages]"
    );
    assert_eq!(meta("footer_text"), "Confidential: Budget");
    assert!(!t.read("out/budget.xlsx.md").contains("Confidential"));
}

#[test]
fn notes_pages_keep_what_is_drawn_on_them_and_drop_their_running_text() {
    let t = Tree::new();
    // A flat ODP: the notes page has its slide picture, the notes frame, a text box drawn beside
    // it and a footer frame.
    t.write(
        "in/talk.fodp",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.presentation">
<office:body><office:presentation>
<draw:page draw:name="page1">
<draw:frame presentation:class="title"><draw:text-box><text:p>Opening</text:p></draw:text-box></draw:frame>
<draw:frame presentation:class="outline"><draw:text-box><text:p>What the room sees</text:p></draw:text-box></draw:frame>
<presentation:notes>
<draw:page-thumbnail draw:page-number="1" presentation:class="page"/>
<draw:frame presentation:class="notes"><draw:text-box><text:p>Say hello first.</text:p></draw:text-box></draw:frame>
<draw:frame><draw:text-box><text:p>A box drawn on the notes page</text:p></draw:text-box></draw:frame>
<draw:frame presentation:class="footer"><draw:text-box><text:p>Notes footer</text:p></draw:text-box></draw:frame>
</presentation:notes>
</draw:page>
</office:presentation></office:body></office:document>"#,
    );
    t.copy_fixture("docs/deck.pptx", "in/deck.pptx");
    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(
        t.read("out/talk.fodp.md"),
        "<!-- slide 1 -->\n\n# Opening\n\nWhat the room sees\n\n## Notes\n\nSay hello first.\n\nA box drawn on the notes page\n"
    );
    let deck = t.read("out/deck.pptx.md");
    assert!(
        deck.contains("A second note paragraph.\n\nA text box drawn on the notes page\n"),
        "{deck}"
    );
    assert!(!deck.contains("Notes page footer"), "{deck}");
}
