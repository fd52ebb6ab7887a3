//! DOCX specifics beyond the snapshots: images beside the Markdown and through the cache,
//! `--images none`, `--front-matter`, document properties, and malformed packages built here.

use std::io::Write;

use crate::support::{Tree, statuses};

/// A minimal package around `body` (WordprocessingML inside `<w:body>`), with extra parts and
/// document relationships.
fn docx(body: &str, extra_rels: &str, extra_parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        let mut part = |name: &str, bytes: &[u8]| {
            z.start_file(name, options).unwrap();
            z.write_all(bytes).unwrap();
        };
        part(
            "[Content_Types].xml",
            br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#,
        );
        part(
            "_rels/.rels",
            br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
        );
        let document = format!(
            r#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>{body}</w:body></w:document>"#
        );
        part("word/document.xml", document.as_bytes());
        let rels = format!(
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{extra_rels}</Relationships>"#
        );
        part("word/_rels/document.xml.rels", rels.as_bytes());
        for (name, bytes) in extra_parts {
            part(name, bytes);
        }
        z.finish().unwrap();
    }
    out.into_inner()
}

fn p(text: &str) -> String {
    format!(r#"<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#)
}

#[test]
fn images_come_back_from_the_cache_for_renamed_and_copied_documents() {
    let t = Tree::new();
    t.copy_fixture("docs/features.docx", "in/features.docx");
    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 0, "{report}");
    let logo = std::fs::read(t.path("out/features.docx_files/logo.png")).unwrap();
    assert!(t.read("out/features.docx.md").contains(
        r#"<img src="features.docx_files/logo.png" alt="Red square logo" width="96" height="96" />"#
    ));

    // Renamed and copied under a name with a space: no conversion, and each output gets its own
    // images directory, linked with the space encoded.
    std::fs::rename(t.path("in/features.docx"), t.path("in/tour 2.docx")).unwrap();
    std::fs::copy(t.path("in/tour 2.docx"), t.path("in/copy.docx")).unwrap();
    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["documents"]["converted"], 0, "{report}");
    assert_eq!(report["documents"]["cached"], 2);
    for (md, dir, link) in [
        (
            "out/tour 2.docx.md",
            "out/tour 2.docx_files",
            r#"src="tour%202.docx_files/logo.png""#,
        ),
        (
            "out/copy.docx.md",
            "out/copy.docx_files",
            r#"src="copy.docx_files/logo.png""#,
        ),
    ] {
        assert!(t.read(md).contains(link), "{md}: {}", t.read(md));
        assert_eq!(
            std::fs::read(t.path(&format!("{dir}/logo.png"))).unwrap(),
            logo
        );
    }
    // A deleted images directory is restored like a deleted output.
    std::fs::remove_dir_all(t.path("out/copy.docx_files")).unwrap();
    std::fs::remove_file(t.path("out/copy.docx.md")).unwrap();
    let (report, _) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(report["documents"]["converted"], 0);
    assert!(t.path("out/copy.docx_files/logo.png").is_file());

    // gc removes the images of a document that is gone.
    std::fs::remove_file(t.path("in/copy.docx")).unwrap();
    let out = t.docproc().args(["gc", "-o", "out"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(!t.path("out/copy.docx_files").exists());
    assert!(t.path("out/tour 2.docx_files/logo.png").is_file());
    // ... and keeps the cached images of the documents that remain.
    std::fs::remove_dir_all(t.path("out/tour 2.docx_files")).unwrap();
    std::fs::remove_file(t.path("out/tour 2.docx.md")).unwrap();
    let (report, _) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(report["documents"]["converted"], 0);
    assert_eq!(
        std::fs::read(t.path("out/tour 2.docx_files/logo.png")).unwrap(),
        logo
    );
}

#[test]
fn images_none_keeps_the_alt_text_and_writes_no_files() {
    let t = Tree::new();
    t.copy_fixture("docs/features.docx", "in/features.docx");
    let (_, code) = t.convert_json(&["in", "-o", "out", "--images", "none"]);
    assert_eq!(code, 0);
    let md = t.read("out/features.docx.md");
    assert!(md.contains("A logo: Red square logo and a chart"), "{md}");
    assert!(!t.path("out/features.docx_files").exists());
    // The option is part of the cache key: extracting converts again.
    let (report, _) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(report["documents"]["converted"], 1);
    assert!(t.path("out/features.docx_files/logo.png").is_file());
}

#[test]
fn front_matter_and_properties() {
    let t = Tree::new();
    t.copy_fixture("docs/features.docx", "in/features.docx");
    let (_, code) = t.convert_json(&["in", "-o", "out", "--front-matter"]);
    assert_eq!(code, 0);
    let md = t.read("out/features.docx.md");
    assert!(
        md.starts_with(
            "---\ntitle: \"Feature tour\"\nauthor: \"docproc fixtures\"\nsubject: \"Fixtures\"\ncreated: \"2024-01-02T03:04:05Z\"\n---\n\n# Features\n"
        ),
        "{md}"
    );
    let conn = t.db("out/.docproc/docproc.db");
    let meta: std::collections::BTreeMap<String, String> = conn
        .prepare("SELECT key, value FROM metadata")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (key, value) in [
        ("title", "Feature tour"),
        ("author", "docproc fixtures"),
        ("page_count", "1"),
        ("header_text", "Confidential draft"),
        ("footer_text", "Page footer text"),
        ("footnote_count", "2"),
        ("image_count", "1"),
    ] {
        assert_eq!(meta.get(key).map(String::as_str), Some(value), "{key}");
    }
    assert!(
        !md.contains("Confidential draft"),
        "headers stay out of the body"
    );
}

#[test]
fn malformed_packages_fail_alone_with_their_codes() {
    let t = Tree::new();
    let image_rel = r#"<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/missing.png"/>"#;
    let picture = r#"<w:p><w:r><w:drawing><wp:inline xmlns:wp="wp"><wp:docPr id="1" name="x" descr="A lost picture"/><a:graphic xmlns:a="a"><a:graphicData><pic:pic xmlns:pic="p"><pic:blipFill><a:blip r:embed="rId5"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"#;
    t.write("in/ok.docx", docx(&p("fine"), "", &[]));
    t.write(
        "in/broken-rel.docx",
        docx(&format!("{}{picture}", p("text")), image_rel, &[]),
    );
    t.write("in/bad-xml.docx", {
        let mut bytes = docx(&p("x"), "", &[]);
        // Replace the body by something that is not XML at all (same length keeps the zip valid).
        let pos = bytes
            .windows(4)
            .position(|w| w == b"<w:b")
            .expect("body tag");
        bytes[pos] = b'&';
        bytes
    });
    let no_main = {
        let mut out = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut out);
        z.start_file("word/styles.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(b"<w:styles/>").unwrap();
        z.finish().unwrap();
        out.into_inner()
    };
    t.write("in/no-main-part.docx", no_main);
    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 1, "{report}");
    let conn = t.db("out/.docproc/docproc.db");
    let rows = statuses(&conn);
    assert_eq!(rows["ok.docx"].0, "completed");
    // A relationship to a missing part loses the picture, not the document: its alt text stays.
    assert_eq!(rows["broken-rel.docx"].0, "completed");
    assert_eq!(t.read("out/broken-rel.docx.md"), "text\n\nA lost picture\n");
    let code_of = |name: &str| rows[name].1.clone().unwrap_or_default();
    assert_eq!(code_of("no-main-part.docx"), "type_mismatch");
    let bad = &rows["bad-xml.docx"];
    assert_eq!(bad.0, "failed", "{bad:?}");
    assert_eq!(code_of("bad-xml.docx"), "corrupt");
    let message: String = conn
        .query_row(
            "SELECT error_message FROM documents WHERE file_path LIKE '%bad-xml.docx'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(message.contains("word/document.xml"), "{message}");
}

/// A run: `props` inside `<w:rPr>`, then the text.
fn r(props: &str, text: &str) -> String {
    format!(r#"<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>"#)
}

/// Bold, italic and strike follow Word's model (ECMA-376 17.7.3) rather than a list of cases:
/// character styles inherit through `basedOn` (the nearest value wins, `w:val="0"` included),
/// a toggle in both the character and the paragraph style cancels out, direct formatting is the
/// value, what only the paragraph style sets is presentation, and the complex-script twins
/// (`w:bCs`, `w:iCs`) apply to right-to-left and complex-script text only.
#[test]
fn inline_marks_follow_words_style_model() {
    let styles = br#"<?xml version="1.0"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
  <w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="22"/></w:rPr></w:rPrDefault></w:docDefaults>
  <w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
  <w:style w:type="paragraph" w:styleId="Lead"><w:name w:val="Lead"/><w:rPr><w:b/></w:rPr></w:style>
  <w:style w:type="paragraph" w:styleId="LeadItalic"><w:name w:val="Lead Italic"/><w:basedOn w:val="Lead"/><w:rPr><w:i/></w:rPr></w:style>
  <w:style w:type="character" w:styleId="Loud"><w:name w:val="Loud"/><w:rPr><w:b/></w:rPr></w:style>
  <w:style w:type="character" w:styleId="Louder"><w:name w:val="Louder"/><w:basedOn w:val="Loud"/><w:rPr><w:color w:val="FF0000"/></w:rPr></w:style>
  <w:style w:type="character" w:styleId="Calm"><w:name w:val="Calm"/><w:basedOn w:val="Loud"/><w:rPr><w:b w:val="0"/></w:rPr></w:style>
  <w:style w:type="character" w:styleId="Slanted"><w:name w:val="Slanted"/><w:rPr><w:i w:val="1"/></w:rPr></w:style>
  <w:style w:type="character" w:styleId="Raised"><w:name w:val="Raised"/><w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>
  <w:style w:type="character" w:styleId="Gone"><w:name w:val="Gone"/><w:rPr><w:dstrike/></w:rPr></w:style>
</w:styles>"#;
    let para = |style: &str, runs: &[String]| {
        let ppr = if style.is_empty() {
            String::new()
        } else {
            format!(r#"<w:pPr><w:pStyle w:val="{style}"/></w:pPr>"#)
        };
        format!(
            "<w:p>{ppr}{}</w:p>",
            runs.join(r#"<w:r><w:t xml:space="preserve"> </w:t></w:r>"#)
        )
    };
    let body = [
        // Character styles and their chains.
        para(
            "",
            &[
                r(r#"<w:rStyle w:val="Loud"/>"#, "styled"),
                r(r#"<w:rStyle w:val="Louder"/>"#, "inherited"),
                r(r#"<w:rStyle w:val="Calm"/>"#, "overridden"),
                r(r#"<w:rStyle w:val="Missing"/>"#, "unknown"),
            ],
        ),
        // Direct formatting over a style, with every spelling of off.
        para(
            "",
            &[
                r(r#"<w:rStyle w:val="Loud"/><w:b w:val="0"/>"#, "zero"),
                r(r#"<w:rStyle w:val="Loud"/><w:b w:val="false"/>"#, "false"),
                r(r#"<w:rStyle w:val="Slanted"/><w:i w:val="off"/>"#, "off"),
                r(
                    r#"<w:rStyle w:val="Slanted"/><w:i w:val="False"/>"#,
                    "False",
                ),
                r(r#"<w:b w:val="1"/>"#, "one"),
                r(r#"<w:i w:val="true"/>"#, "true"),
            ],
        ),
        // A bold paragraph style: alone it is presentation; with a bold character style it
        // toggles off; direct formatting still marks.
        para(
            "Lead",
            &[
                r("", "plain"),
                r(r#"<w:rStyle w:val="Loud"/>"#, "toggled"),
                r(r#"<w:rStyle w:val="Slanted"/>"#, "slanted"),
                r("<w:b/>", "direct"),
            ],
        ),
        // The paragraph style's chain counts too: italic from Lead Italic, bold from Lead.
        para(
            "LeadItalic",
            &[
                r(r#"<w:rStyle w:val="Slanted"/>"#, "italics"),
                r(r#"<w:rStyle w:val="Louder"/>"#, "bolds"),
            ],
        ),
        // Complex-script twins.
        para(
            "",
            &[
                r("<w:bCs/><w:iCs/>", "latin"),
                r("<w:bCs/>", "مرحبا"),
                r("<w:b/>", "שלום"),
                r("<w:rtl/><w:iCs/>", "rtl"),
                r("<w:cs/><w:b/><w:bCs w:val=\"0\"/>", "cs"),
            ],
        ),
        // Non-toggle properties from a character style; direct formatting wins.
        para(
            "",
            &[
                r(r#"<w:rStyle w:val="Raised"/>"#, "up"),
                r(
                    r#"<w:rStyle w:val="Raised"/><w:vertAlign w:val="baseline"/>"#,
                    "level",
                ),
                r(r#"<w:rStyle w:val="Gone"/>"#, "struck"),
                r(r#"<w:rStyle w:val="Gone"/><w:dstrike w:val="0"/>"#, "kept"),
            ],
        ),
    ]
    .concat();
    let rels = r#"<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#;
    let t = Tree::new();
    t.write(
        "in/marks.docx",
        docx(&body, rels, &[("word/styles.xml", styles)]),
    );
    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(
        t.read("out/marks.docx.md"),
        "**styled** **inherited** overridden unknown\n\n\
         zero false off False **one** *true*\n\n\
         plain toggled *slanted* **direct**\n\n\
         italics bolds\n\n\
         latin **مرحبا** שלום *rtl* cs\n\n\
         <sup>up</sup> level ~~struck~~ kept\n"
    );
}
