//! Word-processing documents beyond DOCX (ODT) and equations. The exact Markdown of every
//! fixture is in `snapshots.rs`.

use crate::support::{Tree, stderr};

/// What pandoc's `$...$` and `$$...$$` in fixtures/equations.md read back as, from the Office
/// Math pandoc writes into DOCX and the MathML it writes into ODT.
const EQUATIONS: &str = r"# Equations

Inline: the area is $A = \pi r^{2}$ and the energy $E = mc^{2}$.

A display equation:

$$x = \frac{-b \pm \sqrt{b^{2} - 4ac}}{2a}$$

A sum with limits and a root with an index:

$$\sum_{i = 1}^{n} \frac{1}{\sqrt[3]{x_{i}}}$$

Fenced and a matrix:

$$\left( \begin{matrix}
a & b \\
c & d
\end{matrix} \right) \cdot \hat{x} = \overline{y}$$

Functions and Greek: $\sin \theta + \cos^{2}\alpha \leq \infty$.
";

#[test]
fn equations_are_latex_in_docx_and_odt_alike() {
    let t = Tree::new();
    t.copy_fixture("docs/equations.docx", "in/equations.docx");
    t.copy_fixture("docs/equations.odt", "in/equations.odt");
    let out = t.convert(&["in", "-o", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(t.read("out/equations.docx.md"), EQUATIONS);
    assert_eq!(t.read("out/equations.odt.md"), EQUATIONS);
}

#[test]
fn odt_and_rtf_copies_of_a_docx_read_like_it() {
    let t = Tree::new();
    t.copy_fixture("docs/report.docx", "in/report.docx");
    t.copy_fixture("docs/report.odt", "in/report.odt");
    t.copy_fixture("docs/report.rtf", "in/report.rtf");
    t.copy_fixture("docs/report.doc", "in/report.doc");
    let out = t.convert(&["in", "-o", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let docx = t.read("out/report.docx.md");
    let odt = t.read("out/report.odt.md");
    // LibreOffice's RTF keeps the styles (Title, Quote, a heading style based on Heading 2,
    // Source Code): only the list continuation differs from the DOCX.
    let rtf = t.read("out/report.rtf.md");
    // The Word 97-2003 copy reads the same as the RTF one (the same loss).
    assert_eq!(t.read("out/report.doc.md"), rtf);
    assert_eq!(
        rtf,
        docx.replace("- New office in Lyon\n\n  - Opened in March\n\n- Hiring on track\n\n  Two hires started in May.\n", "- New office in Lyon\n  - Opened in March\n- Hiring on track\n\nTwo hires started in May.\n"),
    );
    // The same headings, marks, links, lists and cells. LibreOffice's copy loses two things
    // Word's file says: the list continuation paragraph (it becomes a paragraph after the list,
    // so the list is tight) and the table's header row.
    for needle in [
        "# Quarterly Report\n",
        "# Summary\n",
        "Sales grew in **every** region; *costs* fell. ***Both*** matter. ~~Old figures~~ were revised. See [the project page](https://example.com/docproc) for details.",
        "- New office in Lyon\n",
        "  - Opened in March\n",
        "1. Close the books\n   1. Check the ledgers\n2. Publish the report\n",
        "| South \\| East | 98     | 110    |",
    ] {
        assert!(docx.contains(needle), "docx lacks {needle:?}:\n{docx}");
        assert!(odt.contains(needle), "odt lacks {needle:?}:\n{odt}");
    }
}

/// `report.doc` with its FIB patched: `nFib` (offset 2 of the WordDocument stream) and the flags
/// (offset 10).
fn patched_doc(patch: impl Fn(&mut [u8])) -> Vec<u8> {
    let mut bytes = std::fs::read(crate::support::fixtures().join("docs/report.doc")).unwrap();
    // The WordDocument stream starts a sector with the FIB's magic 0xA5EC.
    let at = (512..bytes.len())
        .step_by(512)
        .find(|&i| bytes[i..i + 2] == [0xEC, 0xA5])
        .unwrap();
    patch(&mut bytes[at..]);
    bytes
}

#[test]
fn word_6_and_encrypted_word_documents_fail_with_their_codes() {
    let t = Tree::new();
    t.write(
        "in/word6.doc",
        patched_doc(|fib| fib[2..4].copy_from_slice(&0x0065u16.to_le_bytes())),
    );
    t.write("in/locked.doc", patched_doc(|fib| fib[11] |= 0x01));
    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 1, "{report}");
    let rows = crate::support::statuses(&t.db("out/.docproc/docproc.db"));
    assert_eq!(rows["word6.doc"].1.as_deref(), Some("unsupported"));
    assert_eq!(rows["locked.doc"].1.as_deref(), Some("encrypted"));
    let failures = report["failures"].as_array().unwrap();
    let word6 = failures
        .iter()
        .find(|f| f["path"] == "in/word6.doc")
        .unwrap();
    assert!(
        word6["message"].as_str().unwrap().contains("Word 6.0/95"),
        "{word6}"
    );
}

/// `report.doc` with a loop in one of its compound file's sector chains: the directory's
/// (`None`) or a stream's.
fn doc_with_cycle(stream: Option<&str>) -> Vec<u8> {
    let mut bytes = std::fs::read(crate::support::fixtures().join("docs/report.doc")).unwrap();
    let u32_at = |b: &[u8], at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
    assert_eq!(
        u16::from_le_bytes([bytes[0x1E], bytes[0x1F]]),
        9,
        "512-byte sectors"
    );
    let fat_slot = |b: &[u8], sector: u32| {
        let fat_sector = u32_at(b, 0x4C + 4 * (sector as usize / 128));
        (fat_sector as usize + 1) * 512 + (sector as usize % 128) * 4
    };
    let dir_start = u32_at(&bytes, 0x30);
    let start = match stream {
        None => dir_start,
        Some(name) => {
            let wanted: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
            let mut sector = dir_start;
            loop {
                let base = (sector as usize + 1) * 512;
                if let Some(entry) = (0..4)
                    .map(|i| base + i * 128)
                    .find(|&e| bytes[e..].starts_with(&wanted))
                {
                    break u32_at(&bytes, entry + 116);
                }
                sector = u32_at(&bytes, fat_slot(&bytes, sector));
                assert!(sector < 0xFFFF_FFFA, "{name} not in the directory");
            }
        }
    };
    // The chain's second sector points back to its first (the first to itself if it has one).
    let next = u32_at(&bytes, fat_slot(&bytes, start));
    let at = if next < 0xFFFF_FFFA {
        fat_slot(&bytes, next)
    } else {
        fat_slot(&bytes, start)
    };
    bytes[at..at + 4].copy_from_slice(&start.to_le_bytes());
    bytes
}

#[test]
fn damaged_word_and_rtf_files_fail_alone_or_recover() {
    let t = Tree::new();
    t.write("in/directory-cycle.doc", doc_with_cycle(None));
    t.write("in/stream-cycle.doc", doc_with_cycle(Some("WordDocument")));
    t.write("in/table-cycle.doc", doc_with_cycle(Some("1Table")));
    // Unbalanced braces: a group never closed, closes with no group, and a nesting far deeper
    // than the reader's cap.
    t.write("in/unclosed.rtf", r"{\rtf1\ansi {\b bold} and {\i open");
    t.write("in/overclosed.rtf", r"{\rtf1\ansi one}} two} {\b three}");
    t.write(
        "in/deep.rtf",
        format!(
            r"{{\rtf1\ansi {}deep{} after}}",
            "{".repeat(100_000),
            "}".repeat(100_000)
        ),
    );
    // Tables a writer broke off: a nesting level skipped (\itap2 straight to \itap5), cells whose
    // row never ends, table text after the last row.
    t.write(
        "in/skipped-level.rtf",
        r"{\rtf1\ansi\trowd\cellx5000\pard\intbl\itap2 Parent before\par
\pard\intbl\itap5 Child at a skipped level\nestcell{\*\nesttableprops\trowd\cellx4000\nestrow}
\pard\intbl\itap2 Parent after\nestcell{\*\nesttableprops\trowd\cellx4000\nestrow}
\pard\intbl\itap1 Outer cell\cell\row}",
    );
    t.write(
        "in/unended-row.rtf",
        r"{\rtf1\ansi\trowd\cellx2000\cellx4000\intbl A\cell B\cell\row
\trowd\cellx2000\cellx4000\intbl C\cell D\cell\pard\intbl Loose text}",
    );
    // Nested-cell marks outside any table.
    t.write(
        "in/stray-nestcell.rtf",
        r"{\rtf1\ansi before\nestcell after\nestrow}",
    );
    t.write("in/ok.txt", "fine\n");
    let (report, code) = t.convert_json(&["in", "-o", "out"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(t.read("out/stray-nestcell.rtf.md"), "before\n\nafter\n");
    let skipped = t.read("out/skipped-level.rtf.md");
    for text in [
        "Parent before",
        "Child at a skipped level",
        "Parent after",
        "Outer cell",
    ] {
        assert!(skipped.contains(text), "{text}: {skipped}");
    }
    assert_eq!(
        skipped,
        "|                                                                   |\n\
         | ----------------------------------------------------------------- |\n\
         | Parent before Child at a skipped level Parent after<br>Outer cell |\n",
        "the nested tables flattened into the outer cell, as a GitHub table cell must"
    );
    assert_eq!(
        t.read("out/unended-row.rtf.md"),
        "| A   | B   |\n| --- | --- |\n| C   | D   |\n\nLoose text\n",
        "the cells of a row without its \\row, and the text after them, are kept"
    );
    let rows = crate::support::statuses(&t.db("out/.docproc/docproc.db"));
    for name in ["directory-cycle.doc", "stream-cycle.doc", "table-cycle.doc"] {
        assert_eq!(
            (rows[name].0.as_str(), rows[name].1.as_deref()),
            ("failed", Some("corrupt")),
            "{name}"
        );
    }
    assert_eq!(t.read("out/unclosed.rtf.md"), "**bold** and *open*\n");
    assert_eq!(t.read("out/overclosed.rtf.md"), "one two **three**\n");
    assert!(t.read("out/deep.rtf.md").contains("after"));
    assert_eq!(t.read("out/ok.txt.md"), "fine\n");
    let message = |path: &str| {
        report["failures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == path)
            .map(|f| f["message"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert!(message("in/directory-cycle.doc").contains("sector chain loops"));
    assert!(message("in/stream-cycle.doc").contains("stream WordDocument"));
    assert!(message("in/table-cycle.doc").contains("stream 1Table"));
}
