//! Web pages, e-books, notebooks and e-mail: options, damaged and hostile input. The exact
//! Markdown of every fixture is in `snapshots.rs`.

use crate::support::{Tree, statuses, stderr};

#[test]
fn damaged_books_and_messages_end_with_their_codes() {
    let t = Tree::new();
    for name in [
        "missing-chapter.epub",
        "zip-bomb.epub",
        "drm.epub",
        "truncated.epub",
        "truncated.msg",
        "bad-encoding.eml",
    ] {
        t.copy_fixture(&format!("broken/{name}"), &format!("in/{name}"));
    }
    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 1, "{report}");
    let rows = statuses(&t.db("out/.docproc/docproc.db"));
    let row = |name: &str| rows[name].clone();
    let failed = |code: &str| ("failed".to_string(), Some(code.to_string()));
    let warned = |code: &str| ("completed".to_string(), Some(code.to_string()));
    assert_eq!(row("zip-bomb.epub"), failed("resource_limit"));
    assert_eq!(row("drm.epub"), failed("encrypted"));
    assert_eq!(row("truncated.epub"), failed("corrupt"));
    assert_eq!(row("truncated.msg"), failed("corrupt"));
    assert_eq!(row("missing-chapter.epub"), warned("missing_parts"));
    assert_eq!(row("bad-encoding.eml"), warned("damaged_parts"));

    // The book without one chapter is the book with the others, in spine order.
    let book = t.read("out/missing-chapter.epub.md");
    let one = book.find("# Chapter One").unwrap();
    let two = book.find("# Chapter Two").unwrap();
    assert!(one < two, "{book}");
    let warning = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["path"] == "in/missing-chapter.epub")
        .unwrap();
    assert_eq!(
        warning["message"],
        "1 chapter of the spine is missing from the book: OEBPS/text/lost.xhtml"
    );

    // Broken base64 is decoded as far as it is valid, in part order; the unknown charset and
    // the damage are in the warning.
    assert_eq!(
        t.read("out/bad-encoding.eml.md"),
        "# Broken parts\n\n**From:** a@example.com\\\n**To:** b@example.com\n\nHello world, this is\n\nCafé =ZZ broken escape\n"
    );
    let warning = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["path"] == "in/bad-encoding.eml")
        .unwrap();
    let message = warning["message"].as_str().unwrap();
    assert!(message.contains("base64 part is damaged"), "{message}");
    assert!(message.contains("\"x-unknown-charset\""), "{message}");
    for name in [
        "zip-bomb.epub",
        "drm.epub",
        "truncated.epub",
        "truncated.msg",
    ] {
        assert!(
            !t.path(&format!("out/{name}.md")).exists(),
            "no output for {name}"
        );
    }
}

#[test]
fn attachments_are_listed_by_default_and_written_beside_the_markdown_on_request() {
    let t = Tree::new();
    t.copy_fixture("docs/message.msg", "in/message.msg");
    t.copy_fixture("docs/mail-alternative.eml", "in/mail.eml");
    let out = t.convert(&["in", "-o", "out", "--set", "msg.attachments=extract"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // MSG: written and linked; the attached message is Markdown, not a file.
    let msg = t.read("out/message.msg.md");
    assert!(
        msg.contains(
            "- [summary.pdf](message.msg_files/summary.pdf) (application/pdf, 35 bytes)\n"
        ),
        "{msg}"
    );
    assert_eq!(
        std::fs::read(t.path("out/message.msg_files/summary.pdf")).unwrap(),
        b"%PDF-1.4\n% a tiny attachment\n%%EOF\n"
    );
    assert!(
        t.path("out/message.msg_files/chart.png").exists(),
        "the inline picture"
    );
    // EML keeps its own default: listed, not written.
    let eml = t.read("out/mail.eml.md");
    assert!(
        eml.contains("- summary.pdf (application/pdf, 35 bytes)\n"),
        "{eml}"
    );
    assert!(!t.path("out/mail.eml_files/summary.pdf").exists());

    // The shared flag turns it on for every mail format; the option is in the cache key, so
    // the EML converts again (the MSG had it already).
    let (report, code) = t.convert_json(&["in", "-o", "out", "--attachments", "extract"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["documents"]["converted"], 1, "{report}");
    assert_eq!(report["documents"]["cached"], 1, "{report}");
    assert!(t.path("out/mail.eml_files/summary.pdf").exists());
    // File names are made safe for every file system; the link says the real name.
    assert!(t.path("out/mail.eml_files/Ums_tze.csv").exists());
}

#[test]
fn mail_metadata_and_front_matter() {
    let t = Tree::new();
    t.copy_fixture("docs/message.msg", "in/message.msg");
    let out = t.convert(&["in", "-o", "out", "--front-matter"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let md = t.read("out/message.msg.md");
    assert!(
        md.starts_with("---\ntitle: \"Quarterly numbers – draft\"\n"),
        "{md}"
    );
    let conn = t.db("out/.docproc/docproc.db");
    let meta = |key: &str| -> String {
        conn.query_row("SELECT value FROM metadata WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .unwrap_or_else(|e| panic!("{key}: {e}"))
    };
    assert_eq!(meta("author"), "Ana Lima <ana@example.com>");
    assert_eq!(
        meta("to"),
        "Bo Chen <bo@example.com>, Chen <chen@example.com>"
    );
    assert_eq!(meta("cc"), "Dana Müller <dana@example.com>");
    assert_eq!(meta("created"), "2024-03-15T09:30:00Z");
    assert_eq!(meta("message_id"), "<quarterly-2@example.com>");
    assert_eq!(meta("message_class"), "IPM.Note");
    assert_eq!(meta("attachment_count"), "1");
    assert_eq!(meta("attached_messages"), "1");
    assert!(!md.contains("EXCHANGELABS"), "never the X.500 path: {md}");
}

#[test]
fn deeply_nested_markup_fails_fast_with_resource_limit_and_mail_falls_back_to_text() {
    let t = Tree::new();
    // 1 MB of nested <div>s: html5ever is quadratic in depth; docproc refuses at the limit.
    let deep = format!(
        "<html><body>{}deep text{}</body></html>",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    assert!(deep.len() > 1_000_000);
    t.write("in/div-bomb.html", &deep);
    // Unclosed inline elements nest too.
    t.write(
        "in/unclosed.html",
        format!("<p>{}text", "<b><i><span>".repeat(20_000)),
    );
    // A mail body nested that deep is still the message's text.
    t.write(
        "in/deep.eml",
        format!(
            "From: a@example.com\r\nTo: b@example.com\r\nSubject: deep\r\nContent-Type: text/html\r\n\r\n{}the text\r\n",
            "<div>".repeat(100_000)
        ),
    );
    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 1, "{report}");
    let rows = statuses(&t.db("out/.docproc/docproc.db"));
    for name in ["div-bomb.html", "unclosed.html"] {
        assert_eq!(
            rows[name],
            ("failed".to_string(), Some("resource_limit".to_string())),
            "{name}"
        );
    }
    let failure = report["failures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "in/div-bomb.html")
        .unwrap();
    assert!(
        failure["message"]
            .as_str()
            .unwrap()
            .contains("--max-xml-depth"),
        "{failure}"
    );
    assert_eq!(rows["deep.eml"].0, "completed");
    assert!(t.read("out/deep.eml.md").contains("the text"));

    // Under a higher limit a page 5,000 deep converts (the walk does not recurse, so there is
    // no stack overflow).
    t.write(
        "in/div-bomb.html",
        format!("{}deep text", "<div>".repeat(5_000)),
    );
    let (report, _) = t.convert_json(&["in", "-o", "out", "--max-xml-depth", "10000"]);
    let done = report["documents"]["converted"].as_u64().unwrap();
    assert!(done >= 1, "{report}");
    assert_eq!(t.read("out/div-bomb.html.md"), "deep text\n");
}

#[test]
fn data_formats_are_off_by_default_and_fenced_when_enabled() {
    let t = Tree::new();
    t.write("in/config.json", "{\"name\": \"docproc\", \"jobs\": 2}\n");
    t.write("in/settings.yaml", "name: docproc\njobs: 2\n");
    t.write(
        "in/feed.xml",
        "<?xml version=\"1.0\"?><feed><title>T</title></feed>\n",
    );
    t.write(
        "in/readme.md",
        "---\ntitle: Readme\n---\n# Readme\r\n\r\nText *as is*.\r\n",
    );
    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["documents"]["converted"], 1);
    assert_eq!(report["ignored"], 3, "{report}");
    assert_eq!(
        t.read("out/readme.md.md"),
        "---\ntitle: Readme\n---\n# Readme\n\nText *as is*.\n",
        "Markdown passes through with LF line endings"
    );
    let conn = t.db("out/.docproc/docproc.db");
    let title: String = conn
        .query_row("SELECT value FROM metadata WHERE key = 'title'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(title, "Readme", "front matter in the metadata");

    let (report, code) = t.convert_json(&["in", "-o", "out", "--formats", "json,yaml,xml,md"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["documents"]["converted"], 3, "{report}");
    assert_eq!(
        t.read("out/config.json.md"),
        "```json\n{\"name\": \"docproc\", \"jobs\": 2}\n```\n"
    );
    assert_eq!(
        t.read("out/settings.yaml.md"),
        "```yaml\nname: docproc\njobs: 2\n```\n"
    );
    assert!(t.read("out/feed.xml.md").starts_with("```xml\n<?xml"));
}

#[test]
fn mislabelled_web_pages_and_messages_are_converted_as_what_they_are() {
    let t = Tree::new();
    t.copy_fixture("broken/web-export.xls", "in/web-export.xls");
    t.copy_fixture("docs/mail-latin1.eml", "in/message.txt");
    t.copy_fixture("docs/archive.mht", "in/archive.eml");
    t.copy_fixture("docs/message.msg", "in/outlook.eml");
    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 0, "{report}");
    let conn = t.db("out/.docproc/docproc.db");
    let types: std::collections::BTreeMap<String, String> = conn
        .prepare("SELECT file_path, file_type FROM documents")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .map(|(p, t): (String, String)| (p.rsplit('/').next().unwrap().to_string(), t))
        .collect();
    assert_eq!(types["web-export.xls"], "html");
    assert_eq!(types["archive.eml"], "mhtml", "a saved page is not mail");
    assert_eq!(types["outlook.eml"], "msg");
    // A .txt file is text, whatever it holds: TXT claims it.
    assert_eq!(types["message.txt"], "txt");
    assert!(
        t.read("out/web-export.xls.md")
            .contains("| Name | Amount |"),
        "{}",
        t.read("out/web-export.xls.md")
    );
}

#[test]
fn an_outlook_message_with_a_damaged_stream_is_corrupt_naming_the_stream() {
    let t = Tree::new();
    let mut bytes = std::fs::read(crate::support::fixtures().join("docs/message.msg")).unwrap();
    // The subject stream's directory entry claims more bytes than its sector chain holds.
    let name: Vec<u8> = "__substg1.0_0037001F"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let at = bytes.windows(name.len()).position(|w| w == name).unwrap();
    bytes[at + 120..at + 128].copy_from_slice(&3000u64.to_le_bytes());
    t.write("in/damaged.msg", &bytes);
    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 1, "{report}");
    let failure = &report["failures"][0];
    assert_eq!(failure["code"], "corrupt");
    let message = failure["message"].as_str().unwrap();
    assert!(
        message.starts_with("damaged Outlook message: stream __substg1.0_0037001F"),
        "{message}"
    );
    assert!(!t.path("out/damaged.msg.md").exists());
}
