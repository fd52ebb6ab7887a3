//! OpenDocument packages (ODT, ODP, ODS): the package or flat XML file, its encryption, its
//! metadata, and the text model every ODF format shares — paragraphs and spans with their
//! automatic and named styles, what a paragraph style makes of a paragraph (a heading, code, a
//! quote), links, spaces, tabs, line breaks, lists and tables.
//!
//! A package is a zip whose `mimetype` names the format and whose `content.xml` holds the body;
//! a flat file (`.fodp`, `.fods`) is the same XML in one file. Styles are looked up by name in
//! `office:automatic-styles` (content and styles parts) and `office:styles`, following
//! `style:parent-style-name`: bold (`fo:font-weight`), italic (`fo:font-style`), strikethrough
//! (`style:text-line-through-style`), super/subscript (`style:text-position`) and fixed-pitch
//! fonts (code).

use super::opc::Package;
use super::xml::{self, Element, Node};
use super::{ConvertError, Limits, Metadata};
use crate::markdown::{self, Block, FlatItem, Inline, Marks, Run, Table};

/// An opened ODF document: its parts as bytes (a package) or its one XML file (flat).
pub enum Document<'a> {
    Package(Package<'a>),
    /// A flat file, and `--max-xml-depth`.
    Flat(&'a [u8], usize),
}

impl<'a> Document<'a> {
    /// Opens a package (checking its manifest for encryption) or a flat XML document.
    pub fn open(
        bytes: &'a [u8],
        limits: &Limits,
        kind: &'static str,
    ) -> Result<Document<'a>, ConvertError> {
        if !bytes.starts_with(b"PK") {
            return Ok(Document::Flat(bytes, limits.max_xml_depth));
        }
        let mut pkg = Package::open(bytes, limits, kind)?;
        if let Some(manifest) = pkg.read("META-INF/manifest.xml")?
            && crate::sniff::find(&manifest, b"encryption-data").is_some()
        {
            return Err(ConvertError::Encrypted(
                "the document is password-protected; save an unprotected copy to convert it".into(),
            ));
        }
        Ok(Document::Package(pkg))
    }

    /// A part as an element tree: `content.xml`, `styles.xml` or `meta.xml` of a package, the
    /// whole file for a flat document.
    pub fn part(&mut self, name: &str) -> Result<Option<Element>, ConvertError> {
        match self {
            Document::Flat(bytes, depth) => xml::parse_limited(bytes, *depth)
                .map(Some)
                .map_err(|e| e.for_part("ODF file", "the flat file")),
            Document::Package(pkg) => pkg.read_xml(name),
        }
    }

    /// `content.xml` and the styles of the document: those of `content.xml` and, in a package,
    /// of `styles.xml` (a flat file holds both in one tree).
    pub fn content_and_styles(&mut self) -> Result<(Element, Styles), ConvertError> {
        let content = self
            .part("content.xml")?
            .ok_or_else(|| ConvertError::Corrupt("the package has no content.xml".into()))?;
        let styles_part = match self {
            Document::Package(_) => self.part("styles.xml").ok().flatten(),
            Document::Flat(..) => None,
        };
        let mut roots = vec![&content];
        roots.extend(styles_part.as_ref());
        let styles = Styles::read(&roots);
        Ok((content, styles))
    }

    /// The bytes of a picture the document refers to (`Pictures/image1.png`).
    pub fn package(&mut self) -> Option<&mut Package<'a>> {
        match self {
            Document::Package(pkg) => Some(pkg),
            Document::Flat(..) => None,
        }
    }
}

/// Title, author, dates and statistics from `meta.xml` (`office:meta`).
pub fn read_meta(doc: &mut Document<'_>) -> Metadata {
    let mut metadata = Metadata::new();
    let root = match doc.part("meta.xml") {
        Ok(Some(root)) => root,
        _ => return metadata,
    };
    let Some(meta) = root.child("meta") else {
        return metadata;
    };
    for (element, key) in [
        ("title", "title"),
        ("subject", "subject"),
        ("description", "description"),
        ("initial-creator", "author"),
        ("creator", "last_modified_by"),
        ("creation-date", "created"),
        ("date", "modified"),
        ("generator", "application"),
        ("keyword", "keywords"),
    ] {
        if let Some(value) = meta.child(element).map(|e| e.text().trim().to_string())
            && !value.is_empty()
        {
            metadata.insert(key.into(), value);
        }
    }
    if !metadata.contains_key("author")
        && let Some(creator) = metadata.get("last_modified_by").cloned()
    {
        metadata.insert("author".into(), creator);
    }
    metadata
}

mod styles;

/// An ODF length (`2.5cm`, `30mm`, `1in`, `12pt`, `1pc`, `96px`) in inches; None without a unit
/// docproc knows.
pub fn length_inches(length: &str) -> Option<f64> {
    let length = length.trim();
    let split = length
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(length.len());
    let (number, unit) = length.split_at(split);
    let value: f64 = number.trim().parse().ok()?;
    Some(match unit {
        "cm" => value / 2.54,
        "mm" => value / 25.4,
        "in" => value,
        "pt" => value / 72.0,
        "pc" => value / 6.0,
        "px" => value / 96.0,
        _ => return None,
    })
}

use styles::or_marks;
pub use styles::{ParagraphKind, Styles, master_pages};

/// Nesting of spans followed per paragraph (deeper spans are read as text).
const MAX_SPAN_DEPTH: usize = 64;

/// What a format does with the elements inside text that the shared model leaves out: notes,
/// frames, fields.
pub trait InlineHook {
    /// Handles `e` (pushing its runs) and says so, or leaves it to the shared model.
    fn element(&mut self, e: &Element, marks: Marks, out: &mut Vec<Run>) -> bool;
}

/// Leaves everything to the shared model.
struct NoHook;

impl InlineHook for NoHook {
    fn element(&mut self, _: &Element, _: Marks, _: &mut Vec<Run>) -> bool {
        false
    }
}

/// The inlines of a paragraph or heading (`text:p`, `text:h`).
pub fn paragraph(p: &Element, styles: &Styles) -> Vec<Inline> {
    paragraph_with(p, styles, &mut NoHook)
}

/// The inlines of a paragraph, `hook` handling what it knows first.
pub fn paragraph_with(p: &Element, styles: &Styles, hook: &mut dyn InlineHook) -> Vec<Inline> {
    trim(untrimmed_paragraph(p, styles, hook))
}

/// The inlines of a paragraph with its leading and trailing spaces (a line of code).
pub fn untrimmed_paragraph(p: &Element, styles: &Styles, hook: &mut dyn InlineHook) -> Vec<Inline> {
    let base = styles.paragraph_marks(p.attr("style-name"));
    let mut runs = Vec::new();
    collect_runs(p, base, styles, &mut runs, 0, hook);
    markdown::nest_runs(runs)
}

fn trim(mut inlines: Vec<Inline>) -> Vec<Inline> {
    if let Some(Inline::Text(t)) = inlines.first_mut() {
        *t = t.trim_start().to_string();
    }
    if let Some(Inline::Text(t)) = inlines.last_mut() {
        *t = t.trim_end().to_string();
    }
    inlines.retain(|i| !matches!(i, Inline::Text(t) if t.is_empty()));
    inlines
}

fn collect_runs(
    e: &Element,
    marks: Marks,
    styles: &Styles,
    out: &mut Vec<Run>,
    depth: usize,
    hook: &mut dyn InlineHook,
) {
    for child in &e.children {
        if let Node::Element(c) = child
            && hook.element(c, marks, out)
        {
            continue;
        }
        match child {
            // Whitespace in ODF text is collapsed like HTML's; `text:s` writes the spaces kept.
            Node::Text(t) => {
                let collapsed = collapse_spaces(t);
                if !collapsed.is_empty() {
                    out.push(Run::Text(marks, collapsed));
                }
            }
            Node::Element(c) => match c.name.as_str() {
                "s" => {
                    let n = c
                        .attr("c")
                        .and_then(|n| n.parse::<usize>().ok())
                        .unwrap_or(1);
                    out.push(Run::Text(marks, " ".repeat(n.clamp(1, 100))));
                }
                "tab" => out.push(Run::Text(marks, "\t".into())),
                "line-break" => out.push(Run::Inline(marks, Inline::LineBreak)),
                "span" if depth < MAX_SPAN_DEPTH => {
                    let inner = or_marks(marks, styles.marks(c.attr("style-name")));
                    collect_runs(c, inner, styles, out, depth + 1, hook);
                }
                "a" if depth < MAX_SPAN_DEPTH => {
                    let mut inner = Vec::new();
                    collect_runs(c, Marks::default(), styles, &mut inner, depth + 1, hook);
                    let target = c.attr("href").unwrap_or("").to_string();
                    out.push(Run::Inline(
                        marks,
                        Inline::Link {
                            target,
                            content: markdown::nest_runs(inner),
                        },
                    ));
                }
                // Notes, annotations, bookmarks, change marks and frames inside text are read
                // where they are handled (or not at all).
                "note" | "annotation" | "bookmark" | "bookmark-start" | "bookmark-end"
                | "soft-page-break" | "change" | "change-start" | "change-end" | "frame" => {}
                _ if depth < MAX_SPAN_DEPTH => collect_runs(c, marks, styles, out, depth + 1, hook),
                _ => {}
            },
        }
    }
}

fn collapse_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c == ' ' || c == '\n' || c == '\r' || c == '\t' {
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

/// The blocks of a text container (`draw:text-box`, `office:text`, a table cell): paragraphs,
/// headings and lists, in order. A list whose style is unknown is bulleted.
pub fn blocks(container: &Element, styles: &Styles) -> Vec<Block> {
    let mut out = Vec::new();
    let mut items = Vec::new();
    for child in container.elements() {
        match child.name.as_str() {
            "p" => {
                flush(&mut items, &mut out);
                let inlines = paragraph(child, styles);
                if inlines.is_empty() {
                    continue;
                }
                // A paragraph all in a fixed-pitch font is a line of code; lines in a row join.
                if let Some(line) = code_line(&inlines) {
                    if let Some(Block::CodeBlock { text, .. }) = out.last_mut() {
                        text.push('\n');
                        text.push_str(&line);
                    } else {
                        out.push(Block::CodeBlock {
                            info: String::new(),
                            text: line,
                        });
                    }
                    continue;
                }
                out.push(Block::Paragraph(inlines));
            }
            "h" => {
                flush(&mut items, &mut out);
                let level = child
                    .attr("outline-level")
                    .and_then(|l| l.parse::<u8>().ok())
                    .unwrap_or(1)
                    .clamp(1, 6);
                let inlines = paragraph(child, styles);
                if !inlines.is_empty() {
                    out.push(Block::Heading {
                        level,
                        content: inlines,
                    });
                }
            }
            "list" => list_items(child, styles, 0, child.attr("style-name"), &mut items),
            _ => {}
        }
    }
    flush(&mut items, &mut out);
    out
}

/// The text of a paragraph that is nothing but code (inline code and line breaks).
fn code_line(inlines: &[Inline]) -> Option<String> {
    let mut out = String::new();
    for i in inlines {
        match i {
            Inline::Code(c) => out.push_str(c),
            Inline::LineBreak => out.push('\n'),
            Inline::Text(t) if t.trim().is_empty() => out.push_str(t),
            _ => return None,
        }
    }
    (!out.trim().is_empty()).then_some(out)
}

fn flush(items: &mut Vec<FlatItem>, out: &mut Vec<Block>) {
    if !items.is_empty() {
        out.extend(markdown::build_lists(std::mem::take(items)));
    }
}

/// The items of a `text:list`, flattened with their levels (nested lists are deeper levels).
fn list_items(
    list: &Element,
    styles: &Styles,
    level: usize,
    style: Option<&str>,
    out: &mut Vec<FlatItem>,
) {
    if level > 16 {
        return;
    }
    let style = list.attr("style-name").or(style);
    let (ordered, style_start) = styles.numbered(style, level).unwrap_or((false, 1));
    let start = list
        .attr("start-value")
        .and_then(|v| v.parse().ok())
        .unwrap_or(style_start);
    for item in list.elements() {
        if item.name != "list-item" && item.name != "list-header" {
            continue;
        }
        let mut blocks = Vec::new();
        let mut nested = Vec::new();
        for child in item.elements() {
            match child.name.as_str() {
                "p" | "h" => {
                    let inlines = paragraph(child, styles);
                    if !inlines.is_empty() {
                        blocks.push(Block::Paragraph(inlines));
                    }
                }
                "list" => nested.push(child),
                _ => {}
            }
        }
        if !blocks.is_empty() {
            out.push(FlatItem {
                level,
                ordered,
                start: item
                    .attr("start-value")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(start),
                list_id: 0,
                blocks,
            });
        }
        // A nested list is the next level, also when its item holds nothing else (how ODF
        // writes an indented bullet).
        for n in nested {
            list_items(n, styles, level + 1, style, out);
        }
    }
}

/// A table (`table:table`): header rows (`table:table-header-rows`, or the first row when
/// `table:use-first-row-styles` says so) and row groups read in order, repeated cells and
/// rows materialised (capped), spans from `table:number-columns-spanned`/`-rows-spanned` with
/// covered cells as the positions they cover. `cell` gives a cell's blocks.
pub fn table(table: &Element, cell: &mut dyn FnMut(&Element) -> Vec<Block>) -> Block {
    let mut rows_in = Vec::new();
    let mut header_rows = 0;
    collect_rows(table, &mut rows_in, &mut header_rows, false, 0);
    let mut rows = Vec::new();
    let mut spans = Vec::new();
    let mut any_span = false;
    for tr in rows_in.into_iter().take(10_000) {
        let mut cells = Vec::new();
        let mut row_spans = Vec::new();
        for tc in tr.elements() {
            let covered = tc.name == "covered-table-cell";
            if tc.name != "table-cell" && !covered {
                continue;
            }
            let repeat = tc
                .attr("number-columns-repeated")
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(1)
                .clamp(1, 1_000);
            let content = if covered { Vec::new() } else { cell(tc) };
            let paragraphs = markdown::cell_paragraphs(content);
            for _ in 0..repeat {
                if covered {
                    cells.push(Vec::new());
                    row_spans.push((0, 0));
                    any_span = true;
                    continue;
                }
                let span = |name: &str| {
                    tc.attr(name)
                        .and_then(|v| v.parse::<usize>().ok())
                        .unwrap_or(1)
                        .clamp(1, 1_000)
                };
                let (cs, rs) = (span("number-columns-spanned"), span("number-rows-spanned"));
                any_span |= cs > 1 || rs > 1;
                row_spans.push((cs, rs));
                cells.push(paragraphs.clone());
            }
        }
        // Trailing empty cells (repeated to the sheet's width) are no columns.
        while cells.last().is_some_and(|c| c.is_empty())
            && row_spans.last().is_some_and(|s| *s == (1, 1))
        {
            cells.pop();
            row_spans.pop();
        }
        rows.push(cells);
        spans.push(row_spans);
    }
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    for (row, row_spans) in rows.iter_mut().zip(spans.iter_mut()) {
        while row.len() < width {
            row.push(Vec::new());
            row_spans.push((1, 1));
        }
    }
    let first_row_styled = table.attr("use-first-row-styles") == Some("true");
    Block::Table(Table {
        rows,
        spans: if any_span { spans } else { Vec::new() },
        header: Some(header_rows > 0 || first_row_styled),
    })
}

/// The rows of a table in order, through header rows, row groups and `table:table-rows`.
fn collect_rows<'e>(
    parent: &'e Element,
    out: &mut Vec<&'e Element>,
    header_rows: &mut usize,
    in_header: bool,
    depth: usize,
) {
    if depth > 16 {
        return;
    }
    for child in parent.elements() {
        match child.name.as_str() {
            "table-row" => {
                let repeat = child
                    .attr("number-rows-repeated")
                    .and_then(|n| n.parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, 100);
                // Repeated rows beyond the first are empty filler unless they hold text.
                let times = if child.text().trim().is_empty() {
                    1
                } else {
                    repeat
                };
                for _ in 0..times {
                    out.push(child);
                    if in_header {
                        *header_rows += 1;
                    }
                }
            }
            "table-header-rows" => collect_rows(child, out, header_rows, true, depth + 1),
            "table-rows" | "table-row-group" => {
                collect_rows(child, out, header_rows, in_header, depth + 1)
            }
            _ => {}
        }
    }
}

/// The alt text of a frame: its `svg:title`, else its `svg:desc`.
pub fn alt_text(frame: &Element) -> String {
    frame
        .child("title")
        .or_else(|| frame.child("desc"))
        .map(|t| t.text().trim().to_string())
        .unwrap_or_default()
}
