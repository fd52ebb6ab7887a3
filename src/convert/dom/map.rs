//! An HTML tree mapped onto docproc's blocks, walked as a stream of open and close edges with an
//! explicit stack of containers (no recursion, whatever the depth).
//!
//! Dropped: `head` (its title, description, author, keywords and language go to the metadata),
//! `script`, `style`, `noscript`, `template`, `iframe`, `object`, `canvas`, form controls
//! (a checkbox at the start of a list item is a task box), comments, and elements that are
//! `hidden` or `display:none`. Mapped: headings, paragraphs, line breaks, rules, block quotes,
//! lists (`start`, `reversed` ignored, `value`, nesting, task boxes), definition lists (the term,
//! a line break, its description: pandoc's GitHub rendering), `pre` (the language from a
//! `language-*`/`lang-*`/`sourceCode` class), inline marks (`b`/`strong`, `i`/`em`/`cite`/`dfn`/
//! `var`, `s`/`del`/`strike`, `code`/`kbd`/`samp`/`tt`, `sub`, `sup`), `q` with quotation marks,
//! links (`javascript:` dropped, relative kept), images (alt text and source), figures and
//! captions, tables (`th`/`thead` header rows, `colspan`/`rowspan` as spans: the DOCX table rule),
//! and footnotes written as HTML by pandoc, EPUB (`epub:type="noteref"`, `footnote`) and ARIA
//! (`doc-noteref`, `doc-endnotes`) as `[^n]`. `div`, `section`, `article`, `nav`, `header`,
//! `footer`, `main`, `aside`, `span` and unknown elements are transparent: this is a converter,
//! not a reader mode.

mod close;
mod open;

use std::collections::HashMap;

use ego_tree::iter::Edge;
use scraper::Node;

use super::element::{SKIPPED, head_metadata, hidden, is_void, main_element};
use super::table::CellRead;
use super::table::RowRead;
use super::text::{collapse, is_space_run, join_spaces, trim_inlines};
use crate::convert::Metadata;
use crate::markdown::{self, Block, Inline, Marks, Run};

/// What the mapping can be told.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Only the main content: the `<main>` element (or `[role=main]`, or the first `<article>`)
    /// when the page has one.
    pub main_only: bool,
}

/// A mapped document.
#[derive(Debug, Default)]
pub struct Mapped {
    pub blocks: Vec<Block>,
    /// From `<head>`: title, description, author, keywords, language, generator.
    pub metadata: Metadata,
}

/// The kinds of container the walk keeps open.
#[derive(Debug)]
enum Kind {
    Root,
    /// A block quote, a table cell, a figure...: collects blocks.
    Blocks,
    Quote,
    Heading(u8),
    Paragraph,
    Pre(String),
    List {
        ordered: bool,
        start: u64,
    },
    Item,
    DefList,
    Term,
    Definition,
    Table,
    Row,
    Cell {
        header: bool,
        colspan: usize,
        rowspan: usize,
    },
    /// A footnote (`<li id="fn1">` in a notes section, `<aside epub:type="footnote">`).
    Note(String),
    /// A section holding footnotes: its items are notes.
    Notes,
    Link(String),
    /// An inline element with a mark, or a transparent one.
    Inline,
}

/// An open container and what it has collected.
#[derive(Debug)]
struct Frame {
    kind: Kind,
    blocks: Vec<Block>,
    runs: Vec<Run>,
    /// Lists: the items; definition lists: (term, definitions) pairs.
    items: Vec<Vec<Block>>,
    terms: Vec<(Vec<Inline>, Vec<Block>)>,
    /// Tables: rows of (cells, spans, all-header); rows: cells with spans.
    rows: Vec<RowRead>,
    cells: Vec<CellRead>,
    /// Pre: the raw text.
    text: String,
    /// The marks this element adds (inline elements).
    marks: Option<Marks>,
    /// Whether the element is a table head section (rows in it are headers).
    in_thead: bool,
}

impl Frame {
    fn new(kind: Kind) -> Frame {
        Frame {
            kind,
            blocks: Vec::new(),
            runs: Vec::new(),
            items: Vec::new(),
            terms: Vec::new(),
            rows: Vec::new(),
            cells: Vec::new(),
            text: String::new(),
            marks: None,
            in_thead: false,
        }
    }
}

/// Maps a parsed document (its `<body>`, or the main content when asked) to blocks, its
/// footnotes at the end.
pub fn map(doc: &super::Document, options: Options) -> Mapped {
    let mut metadata = head_metadata(&doc.html);
    metadata.insert("encoding".into(), doc.encoding.name().to_ascii_lowercase());
    let mut mapper = Mapper::default();
    let mut blocks = mapper.document(doc, options);
    blocks.extend(mapper.footnotes());
    Mapped { blocks, metadata }
}

/// Maps several documents that make one (the chapters of a book): footnotes are numbered across
/// all of them and a note may live in another document than its reference.
#[derive(Default)]
pub struct Mapper {
    /// Footnote id -> its number, in order of first reference.
    note_labels: HashMap<String, usize>,
    /// Footnote id -> its content, as the notes are read.
    notes: Vec<(String, Vec<Block>)>,
}

impl Mapper {
    /// The blocks of one document (its footnotes are kept for [`Mapper::footnotes`]).
    pub fn document(&mut self, doc: &super::Document, options: Options) -> Vec<Block> {
        self.document_at(doc, options, 0)
    }

    /// The blocks of a document that is `level` frames deep (an `<iframe srcdoc>` is a
    /// document in a document).
    fn document_at(&mut self, doc: &super::Document, options: Options, level: usize) -> Vec<Block> {
        let root = if options.main_only {
            main_element(&doc.html).unwrap_or_else(|| doc.html.tree.root())
        } else {
            doc.html.tree.root()
        };
        let mut walker = Walker {
            stack: vec![Frame::new(Kind::Root)],
            skip_depth: 0,
            note_labels: std::mem::take(&mut self.note_labels),
            notes: std::mem::take(&mut self.notes),
            level,
        };
        for edge in root.traverse() {
            match edge {
                Edge::Open(node) => walker.open(node),
                Edge::Close(node) => walker.close(node),
            }
        }
        while walker.stack.len() > 1 {
            walker.pop();
        }
        let mut root = walker.stack.pop().expect("root");
        flush_runs(&mut root);
        self.note_labels = walker.note_labels;
        self.notes = walker.notes;
        root.blocks
    }

    /// The footnote definitions, numbered in order of first reference; notes nothing refers to
    /// follow as ordinary blocks (their text is not lost).
    pub fn footnotes(self) -> Vec<Block> {
        let mut numbered: Vec<(usize, Block)> = Vec::new();
        let mut orphans = Vec::new();
        for (id, content) in self.notes {
            match self.note_labels.get(&id) {
                Some(&n) if !numbered.iter().any(|(m, _)| *m == n) => numbered.push((
                    n,
                    Block::Footnote {
                        label: n.to_string(),
                        blocks: content,
                    },
                )),
                _ => orphans.extend(content),
            }
        }
        numbered.sort_by_key(|(n, _)| *n);
        let mut out: Vec<Block> = numbered.into_iter().map(|(_, b)| b).collect();
        out.extend(orphans);
        out
    }
}

struct Walker {
    stack: Vec<Frame>,
    /// The node ids of elements whose subtree is being skipped, by depth (a skipped element's
    /// close edge ends the skip).
    skip_depth: usize,
    /// Footnote id -> its number, in order of first reference.
    note_labels: HashMap<String, usize>,
    /// Footnote id -> its content, as the notes are read.
    notes: Vec<(String, Vec<Block>)>,
    /// How many `<iframe srcdoc>` documents this one is inside.
    level: usize,
}

/// `<iframe srcdoc>` documents are read this many frames deep.
const MAX_FRAMES: usize = 3;

/// How deeply a frame's document may nest (browsers stop at 512).
const FRAME_DEPTH: usize = 512;

impl Walker {
    /// The marks in effect for new inline content. Inside a link, only those inside the link:
    /// the link itself carries the marks around it.
    fn marks(&self) -> Marks {
        let mut m = Marks::default();
        let from = self
            .stack
            .iter()
            .rposition(|f| matches!(f.kind, Kind::Link(_)))
            .map_or(0, |i| i + 1);
        for f in &self.stack[from..] {
            if let Some(add) = f.marks {
                m.strong |= add.strong;
                m.emph |= add.emph;
                m.strike |= add.strike;
                m.superscript |= add.superscript;
                m.subscript |= add.subscript;
                m.code |= add.code;
            }
        }
        m
    }

    fn in_pre(&self) -> bool {
        self.stack.iter().any(|f| matches!(f.kind, Kind::Pre(_)))
    }

    /// The frame that collects inline content: the innermost link, else the innermost frame
    /// that is not an inline element.
    fn inline_target(&mut self) -> &mut Frame {
        let index = self
            .stack
            .iter()
            .rposition(|f| !matches!(f.kind, Kind::Inline))
            .unwrap_or(0);
        &mut self.stack[index]
    }

    fn push_run(&mut self, run: Run) {
        let target = self.inline_target();
        if matches!(
            target.kind,
            Kind::List { .. } | Kind::Table | Kind::Row | Kind::DefList
        ) {
            return; // text between list items or table cells is only whitespace in practice
        }
        target.runs.push(run);
    }

    fn text(&mut self, text: &str) {
        if self.in_pre() {
            if let Some(pre) = self
                .stack
                .iter_mut()
                .rev()
                .find(|f| matches!(f.kind, Kind::Pre(_)))
            {
                pre.text.push_str(text);
            }
            return;
        }
        let collapsed = collapse(text);
        if collapsed.is_empty() {
            return;
        }
        let marks = self.marks();
        self.push_run(Run::Text(marks, collapsed));
    }

    fn inline(&mut self, inline: Inline) {
        let marks = self.marks();
        self.push_run(Run::Inline(marks, inline));
    }

    /// A block starts: inline content collected so far in the block container becomes a
    /// paragraph first.
    fn block_boundary(&mut self) {
        let index = self
            .stack
            .iter()
            .rposition(|f| !matches!(f.kind, Kind::Inline | Kind::Link(_)))
            .unwrap_or(0);
        let frame = &mut self.stack[index];
        if !matches!(frame.kind, Kind::Heading(_) | Kind::Paragraph | Kind::Term) {
            flush_runs(frame);
        }
    }

    fn open(&mut self, node: ego_tree::NodeRef<'_, Node>) {
        if self.skip_depth > 0 {
            if node.value().is_element() {
                self.skip_depth += 1;
            }
            return;
        }
        match node.value() {
            Node::Text(t) => self.text(t),
            Node::Element(e) => self.open_element(e),
            _ => {}
        }
    }

    fn close(&mut self, node: ego_tree::NodeRef<'_, Node>) {
        let Node::Element(e) = node.value() else {
            return;
        };
        if self.skip_depth > 0 {
            self.skip_depth -= 1;
            if self.skip_depth > 0 {
                return;
            }
            // The skipped element itself was never pushed.
            return;
        }
        if is_void(e.name()) {
            return;
        }
        self.pop_element(e.name());
    }

    fn open_element(&mut self, e: &scraper::node::Element) {
        let name = e.name();
        if name == "iframe"
            && !hidden(e)
            && let Some(srcdoc) = e.attr("srcdoc")
        {
            self.frame_document(srcdoc);
        }
        if SKIPPED.contains(&name) || hidden(e) {
            // Inputs are void: a checkbox at the start of a list item is its task box.
            self.skip_depth = if is_void(name) { 0 } else { 1 };
            return;
        }
        match name {
            "br" => {
                if self.in_pre() {
                    self.text("\n");
                } else {
                    self.inline(Inline::LineBreak);
                }
            }
            "hr" => {
                self.block_boundary();
                let frame = self.container();
                frame.blocks.push(Block::Rule);
            }
            "img" => {
                let alt = e.attr("alt").unwrap_or("").trim().to_string();
                let src = e
                    .attr("src")
                    .or_else(|| e.attr("data-src"))
                    .unwrap_or("")
                    .trim()
                    .to_string();
                self.inline(Inline::Image {
                    alt,
                    src,
                    size: None,
                });
            }
            "input" => {
                if e.attr("type")
                    .is_some_and(|t| t.eq_ignore_ascii_case("checkbox"))
                {
                    let checked = e.attr("checked").is_some();
                    let at_item_start = self
                        .stack
                        .iter()
                        .rposition(|f| matches!(f.kind, Kind::Item))
                        .is_some_and(|i| {
                            self.stack[i].blocks.is_empty()
                                && self.stack[i..]
                                    .iter()
                                    .all(|f| f.runs.iter().all(is_space_run))
                        });
                    if at_item_start {
                        self.inline(Inline::TaskBox(checked));
                    }
                }
            }
            _ if is_void(name) => {}
            _ => self.push_element(e),
        }
    }

    /// An inline frame's own document (`srcdoc`), read in place like the browser shows it;
    /// one too deep or too deeply nested is left out.
    fn frame_document(&mut self, srcdoc: &str) {
        if self.level >= MAX_FRAMES {
            return;
        }
        let Ok(doc) = super::parse_text(srcdoc, encoding_rs::UTF_8, FRAME_DEPTH) else {
            return;
        };
        let mut inner = Mapper {
            note_labels: std::mem::take(&mut self.note_labels),
            notes: std::mem::take(&mut self.notes),
        };
        let blocks = inner.document_at(&doc, Options::default(), self.level + 1);
        self.note_labels = inner.note_labels;
        self.notes = inner.notes;
        self.block_boundary();
        self.container().blocks.extend(blocks);
    }

    /// The innermost frame that holds blocks.
    fn container(&mut self) -> &mut Frame {
        let index = self
            .stack
            .iter()
            .rposition(|f| {
                !matches!(
                    f.kind,
                    Kind::Inline | Kind::Link(_) | Kind::Paragraph | Kind::Heading(_) | Kind::Term
                )
            })
            .unwrap_or(0);
        &mut self.stack[index]
    }

    fn pop_element(&mut self, name: &str) {
        if self.stack.len() <= 1 {
            return;
        }
        if name == "q" {
            self.text("\u{201d}");
        }
        self.pop();
    }
}

/// The runs of a paragraph-like frame as trimmed inlines.
fn paragraph_inlines(frame: &mut Frame) -> Vec<Inline> {
    let runs = join_spaces(std::mem::take(&mut frame.runs));
    trim_inlines(markdown::nest_runs(runs))
}

/// Inline content of a block container becomes a paragraph before the next block.
fn flush_runs(frame: &mut Frame) {
    if frame.runs.is_empty() {
        return;
    }
    let content = paragraph_inlines(frame);
    if !content.is_empty() {
        frame.blocks.push(Block::Paragraph(content));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(html: &str) -> String {
        let doc = super::super::parse_text(html, encoding_rs::UTF_8, 1000).unwrap();
        markdown::render(&map(&doc, Options::default()).blocks)
    }

    #[test]
    fn blocks_and_inlines() {
        assert_eq!(
            md(
                "<h1>Title</h1><p>Some <b>bold</b>, <em>emph</em> and <code>x &lt; y</code>.<br>Next line</p><hr><blockquote><p>Quoted</p></blockquote>"
            ),
            "# Title\n\nSome **bold**, *emph* and `x < y`.\\\nNext line\n\n---\n\n> Quoted\n"
        );
    }

    #[test]
    fn lists_tasks_and_definitions() {
        assert_eq!(
            md(
                "<ol start=\"3\"><li>three<ul><li>inner</li></ul></li><li>four</li></ol><ul><li><input type=checkbox checked> done</li><li><input type=checkbox> todo</li></ul><dl><dt><code>key</code></dt><dd>what it is</dd></dl>"
            ),
            "3. three\n   - inner\n4. four\n\n<!-- -->\n\n- [x] done\n- [ ] todo\n\n`key`\\\nwhat it is\n"
        );
    }

    #[test]
    fn code_tables_links_images_and_dropped_elements() {
        assert_eq!(
            md(
                "<script>evil()</script><style>p{}</style><div hidden>secret</div><p style=\"display: none\">gone</p><pre><code class=\"language-rust\">fn main() {\n    x();\n}\n</code></pre><table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>1</td><td>2 | 3</td></tr></tbody></table><p><a href=\"javascript:alert(1)\">no link</a> <a href=\"rel/page.html\">rel</a> <img src=\"a.png\" alt=\"An image\"></p>"
            ),
            "```rust\nfn main() {\n    x();\n}\n```\n\n| A   | B      |\n| --- | ------ |\n| 1   | 2 \\| 3 |\n\nno link [rel](rel/page.html) ![An image](a.png)\n"
        );
    }

    #[test]
    fn merged_cells_are_an_html_table() {
        let out = md(
            "<table><tr><th colspan=2>Both</th></tr><tr><td rowspan=2>a</td><td>b</td></tr><tr><td>c</td></tr></table>",
        );
        assert!(out.starts_with("<table>"), "{out}");
        assert!(out.contains("<th colspan=\"2\">Both</th>"), "{out}");
        assert!(out.contains("<td rowspan=\"2\">a</td>"), "{out}");
    }

    #[test]
    fn pandoc_footnotes_become_notes() {
        assert_eq!(
            md(
                "<p>Claim<a href=\"#fn1\" class=\"footnote-ref\" id=\"fnref1\" role=\"doc-noteref\"><sup>1</sup></a>.</p><section id=\"footnotes\" class=\"footnotes footnotes-end-of-document\" role=\"doc-endnotes\"><hr /><ol><li id=\"fn1\"><p>The source.<a href=\"#fnref1\" class=\"footnote-back\" role=\"doc-backlink\">↩︎</a></p></li></ol></section>"
            ),
            "Claim[^1].\n\n[^1]: The source.\n"
        );
    }

    #[test]
    fn an_inline_frame_document_is_read_in_place() {
        assert_eq!(
            md(
                "<p>before</p><iframe srcdoc=\"<p>in the <b>frame</b></p><iframe srcdoc='<p>deeper</p>'></iframe>\"></iframe><p>after</p>"
            ),
            "before\n\nin the **frame**\n\ndeeper\n\nafter\n"
        );
        let mut nested = "<p>bottom</p>".to_string();
        for _ in 0..6 {
            nested = format!(
                "<iframe srcdoc=\"{}\"></iframe>",
                nested.replace('&', "&amp;").replace('"', "&quot;")
            );
        }
        assert_eq!(md(&nested), "", "frames deeper than three are left out");
    }

    #[test]
    fn whitespace_collapses_and_text_outside_paragraphs_is_kept() {
        assert_eq!(
            md("<body>Loose   text\n across <span>lines</span><div>in a div</div>tail</body>"),
            "Loose text across lines\n\nin a div\n\ntail\n"
        );
    }
}
