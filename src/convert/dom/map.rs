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

use std::collections::HashMap;

use ego_tree::iter::Edge;
use scraper::Node;

use crate::convert::Metadata;
use crate::markdown::{self, Block, Inline, List, Marks, Run, Table};

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

/// A table cell: its paragraphs.
type Cell = Vec<Vec<Inline>>;
/// A table row as read: cells, their (colspan, rowspan), whether it is a header row.
type RowRead = (Vec<Cell>, Vec<(usize, usize)>, bool);
/// A cell as read: paragraphs, (colspan, rowspan), whether it is a header cell.
type CellRead = (Cell, (usize, usize), bool);

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

/// Elements whose content is never text of the document.
const SKIPPED: &[&str] = &[
    "head", "script", "style", "noscript", "template", "iframe", "object", "embed", "canvas",
    "select", "button", "datalist", "map", "audio", "video", "svg", "math", "textarea",
];

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
}

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

    fn push_element(&mut self, e: &scraper::node::Element) {
        let name = e.name();
        let attr = |k: &str| e.attr(k);
        let role = attr("role").unwrap_or("");
        let epub_type = e
            .attrs()
            .find(|(k, _)| k.ends_with("type") && *k != "type")
            .map(|(_, v)| v)
            .unwrap_or("");
        let class = attr("class").unwrap_or("");
        // Footnote references and back links.
        if name == "a" {
            let noteref = role == "doc-noteref"
                || epub_type.split_whitespace().any(|t| t == "noteref")
                || class.split_whitespace().any(|c| c == "footnote-ref");
            let backlink =
                role == "doc-backlink" || class.split_whitespace().any(|c| c == "footnote-back");
            if backlink {
                self.skip_depth = 1;
                return;
            }
            if noteref
                && let Some(id) = attr("href").and_then(|h| h.split_once('#')).map(|(_, f)| f)
            {
                let next = self.note_labels.len() + 1;
                let n = *self.note_labels.entry(id.to_string()).or_insert(next);
                self.inline(Inline::NoteRef(n.to_string()));
                self.skip_depth = 1; // the reference's own text ("1") is the label
                return;
            }
        }
        let notes_section = role == "doc-endnotes"
            || role == "doc-footnotes"
            || epub_type
                .split_whitespace()
                .any(|t| matches!(t, "footnotes" | "endnotes" | "rearnotes"))
            || (class.split_whitespace().any(|c| c == "footnotes") && name != "a");
        let note = matches!(name, "aside" | "li" | "div" | "section")
            && (epub_type
                .split_whitespace()
                .any(|t| matches!(t, "footnote" | "endnote" | "rearnote"))
                || role == "doc-footnote"
                || role == "doc-endnote"
                || (name == "li" && self.stack.iter().any(|f| matches!(f.kind, Kind::Notes))));
        if note && let Some(id) = attr("id") {
            self.block_boundary();
            self.stack.push(Frame::new(Kind::Note(id.to_string())));
            return;
        }
        if notes_section {
            self.block_boundary();
            self.stack.push(Frame::new(Kind::Notes));
            return;
        }
        let mut marks = Marks::default();
        let kind = match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.block_boundary();
                Kind::Heading(name.as_bytes()[1] - b'0')
            }
            "p" => {
                self.block_boundary();
                Kind::Paragraph
            }
            "blockquote" => {
                self.block_boundary();
                Kind::Quote
            }
            "pre" => {
                self.block_boundary();
                Kind::Pre(language(e))
            }
            "ul" | "ol" | "menu" => {
                self.block_boundary();
                let start = attr("start")
                    .and_then(|s| s.trim().parse().ok())
                    .unwrap_or(1);
                Kind::List {
                    ordered: name == "ol",
                    start,
                }
            }
            "li" => {
                self.block_boundary();
                Kind::Item
            }
            "dl" => {
                self.block_boundary();
                Kind::DefList
            }
            "dt" => Kind::Term,
            "dd" => Kind::Definition,
            "table" => {
                self.block_boundary();
                Kind::Table
            }
            "tr" => Kind::Row,
            "td" | "th" => {
                let span = |k: &str| {
                    attr(k)
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(1)
                        .clamp(1, 1000)
                };
                Kind::Cell {
                    header: name == "th",
                    colspan: span("colspan"),
                    rowspan: span("rowspan"),
                }
            }
            "thead" => {
                if let Some(t) = self
                    .stack
                    .iter_mut()
                    .rev()
                    .find(|f| matches!(f.kind, Kind::Table))
                {
                    t.in_thead = true;
                }
                Kind::Inline
            }
            "tbody" | "tfoot" => {
                if let Some(t) = self
                    .stack
                    .iter_mut()
                    .rev()
                    .find(|f| matches!(f.kind, Kind::Table))
                {
                    t.in_thead = false;
                }
                Kind::Inline
            }
            "a" => match attr("href").map(str::trim) {
                Some(href) if !href.to_ascii_lowercase().starts_with("javascript:") => {
                    Kind::Link(href.to_string())
                }
                _ => Kind::Inline,
            },
            "div" | "section" | "article" | "main" | "header" | "footer" | "nav" | "aside"
            | "figure" | "figcaption" | "address" | "details" | "summary" | "center"
            | "fieldset" | "legend" | "form" | "hgroup" | "body" | "html" | "caption" => {
                self.block_boundary();
                Kind::Blocks
            }
            "b" | "strong" => {
                marks.strong = true;
                Kind::Inline
            }
            "i" | "em" | "cite" | "dfn" | "var" => {
                marks.emph = true;
                Kind::Inline
            }
            "s" | "del" | "strike" => {
                marks.strike = true;
                Kind::Inline
            }
            "code" | "kbd" | "samp" | "tt" => {
                // `<pre><code class="language-x">`: the block's language is on the code.
                if let Some(Frame {
                    kind: Kind::Pre(info),
                    ..
                }) = self.stack.last_mut()
                    && info.is_empty()
                {
                    *info = language(e);
                }
                marks.code = true;
                Kind::Inline
            }
            "sub" => {
                marks.subscript = true;
                Kind::Inline
            }
            "sup" => {
                marks.superscript = true;
                Kind::Inline
            }
            "q" => {
                self.text("\u{201c}");
                Kind::Inline
            }
            _ => Kind::Inline,
        };
        let mut frame = Frame::new(kind);
        if marks != Marks::default() {
            frame.marks = Some(marks);
        }
        self.stack.push(frame);
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

    /// Closes the innermost frame, handing what it built to its parent.
    fn pop(&mut self) {
        let mut frame = self.stack.pop().expect("a frame to close");
        let parent_index = self.stack.len() - 1;
        match frame.kind {
            Kind::Inline => {
                // Its runs went to the target directly; nothing to hand on.
            }
            Kind::Link(ref target) => {
                let target = target.clone();
                let content = markdown::nest_runs(std::mem::take(&mut frame.runs));
                let content = trim_inlines(content);
                if content.is_empty() && target.is_empty() {
                    return;
                }
                let marks = self.marks();
                let link = Inline::Link { target, content };
                self.push_run(Run::Inline(marks, link));
                // A block inside a link (invalid, but common) lands in the container.
                if !frame.blocks.is_empty() {
                    self.container().blocks.extend(frame.blocks);
                }
            }
            Kind::Heading(level) => {
                let content = paragraph_inlines(&mut frame);
                if !content.is_empty() {
                    self.container()
                        .blocks
                        .push(Block::Heading { level, content });
                }
            }
            Kind::Paragraph => {
                let content = paragraph_inlines(&mut frame);
                let container = self.container();
                if !content.is_empty() {
                    container.blocks.push(Block::Paragraph(content));
                }
                container.blocks.extend(frame.blocks);
            }
            Kind::Pre(ref info) => {
                let info = info.clone();
                let mut text = frame.text;
                if text.starts_with('\n') {
                    text.remove(0);
                }
                let text = text.trim_end_matches(['\n', ' ', '\t']).to_string();
                if !text.trim().is_empty() {
                    self.container()
                        .blocks
                        .push(Block::CodeBlock { info, text });
                }
            }
            Kind::Quote => {
                flush_runs(&mut frame);
                if !frame.blocks.is_empty() {
                    self.container().blocks.push(Block::Quote(frame.blocks));
                }
            }
            Kind::Blocks | Kind::Root | Kind::Definition => {
                flush_runs(&mut frame);
                let parent = &mut self.stack[parent_index];
                match &mut parent.kind {
                    Kind::DefList if matches!(frame.kind, Kind::Definition) => {
                        match parent.terms.last_mut() {
                            Some((_, defs)) => defs.extend(frame.blocks),
                            None => parent.terms.push((Vec::new(), frame.blocks)),
                        }
                    }
                    _ => {
                        // A div inside a paragraph (invalid) or an inline: its blocks go up.
                        let container = self.container();
                        container.blocks.extend(frame.blocks);
                    }
                }
            }
            Kind::Term => {
                let term = paragraph_inlines(&mut frame);
                let parent = &mut self.stack[parent_index];
                if matches!(parent.kind, Kind::DefList) {
                    parent.terms.push((term, Vec::new()));
                } else if !term.is_empty() {
                    self.container().blocks.push(Block::Paragraph(term));
                }
            }
            Kind::DefList => {
                let mut blocks = Vec::new();
                for (term, defs) in frame.terms {
                    let mut defs = defs.into_iter();
                    let mut first = term;
                    match defs.next() {
                        Some(Block::Paragraph(inlines)) => {
                            if !first.is_empty() {
                                first.push(Inline::LineBreak);
                            }
                            first.extend(inlines);
                            blocks.push(Block::Paragraph(first));
                        }
                        Some(other) => {
                            if !first.is_empty() {
                                blocks.push(Block::Paragraph(first));
                            }
                            blocks.push(other);
                        }
                        None => {
                            if !first.is_empty() {
                                blocks.push(Block::Paragraph(first));
                            }
                        }
                    }
                    blocks.extend(defs);
                }
                self.container().blocks.extend(blocks);
            }
            Kind::List { ordered, start } => {
                flush_runs(&mut frame);
                let mut items = frame.items;
                if !frame.blocks.is_empty() {
                    // Content outside <li> (a nested list written directly in the list): part of
                    // the last item.
                    match items.last_mut() {
                        Some(item) => item.extend(frame.blocks),
                        None => items.push(frame.blocks),
                    }
                }
                if items.is_empty() {
                    return;
                }
                let list = Block::List(List {
                    ordered,
                    start,
                    items,
                });
                let parent = &mut self.stack[parent_index];
                if matches!(parent.kind, Kind::List { .. }) {
                    match parent.items.last_mut() {
                        Some(item) => item.push(list),
                        None => parent.items.push(vec![list]),
                    }
                } else {
                    self.container().blocks.push(list);
                }
            }
            Kind::Item => {
                flush_runs(&mut frame);
                let parent = &mut self.stack[parent_index];
                if matches!(parent.kind, Kind::List { .. }) {
                    parent.items.push(frame.blocks);
                } else {
                    // An item outside a list: a list of one.
                    self.container().blocks.push(Block::List(List {
                        ordered: false,
                        start: 1,
                        items: vec![frame.blocks],
                    }));
                }
            }
            Kind::Cell {
                header,
                colspan,
                rowspan,
            } => {
                flush_runs(&mut frame);
                let paragraphs = cell_paragraphs(frame.blocks);
                let parent = &mut self.stack[parent_index];
                if matches!(parent.kind, Kind::Row) {
                    parent.cells.push((paragraphs, (colspan, rowspan), header));
                }
            }
            Kind::Row => {
                let in_thead = self
                    .stack
                    .iter()
                    .rev()
                    .find(|f| matches!(f.kind, Kind::Table))
                    .is_some_and(|t| t.in_thead);
                let all_header = !frame.cells.is_empty() && frame.cells.iter().all(|c| c.2);
                let mut cells = Vec::new();
                let mut spans = Vec::new();
                for (paragraphs, span, _) in frame.cells {
                    cells.push(paragraphs);
                    spans.push(span);
                }
                if let Some(table) = self
                    .stack
                    .iter_mut()
                    .rev()
                    .find(|f| matches!(f.kind, Kind::Table))
                {
                    table.rows.push((cells, spans, all_header || in_thead));
                }
            }
            Kind::Table => {
                if let Some(table) = build_table(frame.rows) {
                    self.container().blocks.push(table);
                }
                if !frame.blocks.is_empty() {
                    self.container().blocks.extend(frame.blocks);
                }
            }
            Kind::Note(ref id) => {
                let id = id.clone();
                flush_runs(&mut frame);
                self.notes.push((id, frame.blocks));
            }
            Kind::Notes => {
                flush_runs(&mut frame);
                // Notes whose items were read as notes are gone; anything else stays in place,
                // without the rule pandoc draws above them.
                let rest: Vec<Block> = frame
                    .blocks
                    .into_iter()
                    .filter(|b| !matches!(b, Block::Rule))
                    .collect();
                self.container().blocks.extend(rest);
            }
        }
    }
}

fn is_space_run(run: &Run) -> bool {
    matches!(run, Run::Text(_, t) if t.trim().is_empty())
}

/// Collapses white space as HTML renders it: any run of spaces, tabs and line breaks is one
/// space.
fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}') {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

/// The runs of a paragraph-like frame as trimmed inlines.
fn paragraph_inlines(frame: &mut Frame) -> Vec<Inline> {
    let runs = join_spaces(std::mem::take(&mut frame.runs));
    trim_inlines(markdown::nest_runs(runs))
}

/// Adjacent spaces from different text nodes (`a <b> b</b>`) become one.
fn join_spaces(runs: Vec<Run>) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::with_capacity(runs.len());
    let mut last_space = true;
    for run in runs {
        match run {
            Run::Text(m, t) => {
                let t = if last_space {
                    t.trim_start().to_string()
                } else {
                    t
                };
                if t.is_empty() {
                    continue;
                }
                last_space = t.ends_with(' ');
                out.push(Run::Text(m, t));
            }
            Run::Inline(m, Inline::TaskBox(checked)) => {
                // The box is written with its space ("[x] "): the text after it starts fresh.
                last_space = true;
                out.push(Run::Inline(m, Inline::TaskBox(checked)));
            }
            Run::Inline(m, Inline::LineBreak) => {
                // Spaces before a line break are not text.
                if let Some(Run::Text(_, prev)) = out.last_mut() {
                    let trimmed = prev.trim_end().to_string();
                    *prev = trimmed;
                }
                last_space = true;
                out.push(Run::Inline(m, Inline::LineBreak));
            }
            other => {
                last_space = false;
                out.push(other);
            }
        }
    }
    out
}

fn trim_inlines(mut inlines: Vec<Inline>) -> Vec<Inline> {
    while matches!(inlines.first(), Some(Inline::LineBreak)) {
        inlines.remove(0);
    }
    while matches!(inlines.last(), Some(Inline::LineBreak)) {
        inlines.pop();
    }
    if let Some(Inline::Text(t)) = inlines.first_mut() {
        *t = t.trim_start().to_string();
    }
    if let Some(Inline::Text(t)) = inlines.last_mut() {
        *t = t.trim_end().to_string();
    }
    inlines.retain(|i| !matches!(i, Inline::Text(t) if t.is_empty()));
    inlines
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

/// A table cell's blocks as the paragraphs the table model holds (list items marked).
fn cell_paragraphs(blocks: Vec<Block>) -> Vec<Vec<Inline>> {
    let mut out = Vec::new();
    for block in blocks {
        match block {
            Block::Paragraph(i) | Block::Heading { content: i, .. } => out.push(i),
            Block::CodeBlock { text, .. } => out.push(vec![Inline::Code(text)]),
            Block::List(list) => {
                for item in list.items {
                    for (n, para) in cell_paragraphs(item).into_iter().enumerate() {
                        let mut p = Vec::new();
                        if n == 0 {
                            p.push(Inline::ListMarker {
                                ordered: list.ordered,
                            });
                        }
                        p.extend(para);
                        out.push(p);
                    }
                }
            }
            Block::Quote(inner) => out.extend(cell_paragraphs(inner)),
            // A table in a cell: each of its rows one line, cells apart by spaces.
            Block::Table(inner) => {
                for row in inner.rows {
                    let mut line = Vec::new();
                    for cell in row {
                        for para in cell {
                            if !line.is_empty() {
                                line.push(Inline::Text(" ".into()));
                            }
                            line.extend(para);
                        }
                    }
                    if !line.is_empty() {
                        out.push(line);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The table model from rows: spans as the DOCX rule (any span: HTML), the header from `th`
/// rows or `thead`.
fn build_table(rows: Vec<RowRead>) -> Option<Block> {
    if rows.iter().all(|(cells, _, _)| cells.is_empty()) {
        return None;
    }
    let any_span = rows
        .iter()
        .any(|(_, spans, _)| spans.iter().any(|&(c, r)| c > 1 || r > 1));
    let header = rows.first().map(|(_, _, h)| *h);
    let mut out_rows = Vec::new();
    let mut out_spans = Vec::new();
    if any_span {
        // Lay the spans out on a grid: positions a span covers are (0, 0).
        let mut covered: HashMap<(usize, usize), ()> = HashMap::new();
        for (r, (cells, spans, _)) in rows.into_iter().enumerate() {
            let mut row = Vec::new();
            let mut row_spans = Vec::new();
            let mut col = 0;
            for (cell, (cs, rs)) in cells.into_iter().zip(spans) {
                while covered.contains_key(&(r, col)) {
                    row.push(Vec::new());
                    row_spans.push((0, 0));
                    col += 1;
                }
                for dr in 0..rs {
                    for dc in 0..cs {
                        if dr > 0 || dc > 0 {
                            covered.insert((r + dr, col + dc), ());
                        }
                    }
                }
                row.push(cell);
                row_spans.push((cs, rs));
                for _ in 1..cs {
                    row.push(Vec::new());
                    row_spans.push((0, 0));
                }
                col += cs;
            }
            while covered.contains_key(&(r, col)) {
                row.push(Vec::new());
                row_spans.push((0, 0));
                col += 1;
            }
            out_rows.push(row);
            out_spans.push(row_spans);
        }
    } else {
        for (cells, _, _) in rows {
            out_rows.push(cells);
        }
    }
    Some(Block::Table(Table {
        rows: out_rows,
        spans: out_spans,
        header: Some(header.unwrap_or(false)),
    }))
}

/// The language of a code block from its classes (`language-rust`, `lang-py`, pandoc's
/// `sourceCode python`), on the `pre` or its `code` child (checked on the `pre` only here: the
/// class of `code` is read when it opens inside).
fn language(e: &scraper::node::Element) -> String {
    for class in e.classes() {
        if let Some(lang) = class
            .strip_prefix("language-")
            .or_else(|| class.strip_prefix("lang-"))
        {
            return lang.to_string();
        }
    }
    let classes: Vec<&str> = e.classes().collect();
    if classes.contains(&"sourceCode")
        && let Some(lang) = classes
            .iter()
            .find(|c| **c != "sourceCode" && !c.contains('-'))
    {
        return lang.to_string();
    }
    String::new()
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}

/// `hidden`, or an inline style that hides the element.
fn hidden(e: &scraper::node::Element) -> bool {
    if e.attr("hidden").is_some() {
        return true;
    }
    e.attr("style").is_some_and(|style| {
        let s: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

/// Title, description, author, keywords, language and generator from the document head.
fn head_metadata(html: &scraper::Html) -> Metadata {
    let mut metadata = Metadata::new();
    for node in html.tree.root().descendants() {
        let Node::Element(e) = node.value() else {
            continue;
        };
        match e.name() {
            "html" => {
                if let Some(lang) = e.attr("lang").filter(|l| !l.trim().is_empty()) {
                    metadata.insert("language".into(), lang.trim().to_string());
                }
            }
            "title" if !metadata.contains_key("title") => {
                let title: String = node
                    .children()
                    .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                    .collect();
                let title = collapse(&title).trim().to_string();
                if !title.is_empty() {
                    metadata.insert("title".into(), title);
                }
            }
            "meta" => {
                let name = e
                    .attr("name")
                    .or_else(|| e.attr("property"))
                    .unwrap_or("")
                    .to_ascii_lowercase();
                let key = match name.as_str() {
                    "description" | "og:description" | "dc.description" => "description",
                    "author" | "dc.creator" => "author",
                    "keywords" => "keywords",
                    "generator" => "generator",
                    _ => continue,
                };
                if let Some(content) = e.attr("content").map(str::trim).filter(|c| !c.is_empty()) {
                    metadata
                        .entry(key.to_string())
                        .or_insert_with(|| content.to_string());
                }
            }
            "body" => break,
            _ => {}
        }
    }
    metadata
}

/// The element holding the page's main content, when it has one.
fn main_element(html: &scraper::Html) -> Option<ego_tree::NodeRef<'_, Node>> {
    let mut article = None;
    for node in html.tree.root().descendants() {
        if let Node::Element(e) = node.value() {
            if e.name() == "main" || e.attr("role") == Some("main") {
                return Some(node);
            }
            if e.name() == "article" && article.is_none() {
                article = Some(node);
            }
        }
    }
    article
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
    fn whitespace_collapses_and_text_outside_paragraphs_is_kept() {
        assert_eq!(
            md("<body>Loose   text\n across <span>lines</span><div>in a div</div>tail</body>"),
            "Loose text across lines\n\nin a div\n\ntail\n"
        );
    }
}
