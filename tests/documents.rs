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
