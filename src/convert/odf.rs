//! OpenDocument packages (ODP and ODS now; ODT later): the package or flat XML file, its
//! encryption, its metadata, and the text model every ODF format shares — paragraphs and spans
//! with their automatic and named styles, links, spaces, tabs, line breaks and lists.
//!
//! A package is a zip whose `mimetype` names the format and whose `content.xml` holds the body;
//! a flat file (`.fodp`, `.fods`) is the same XML in one file. Styles are looked up by name in
//! `office:automatic-styles` (content and styles parts) and `office:styles`, following
//! `style:parent-style-name`: bold (`fo:font-weight`), italic (`fo:font-style`), strikethrough
//! (`style:text-line-through-style`), super/subscript (`style:text-position`) and fixed-pitch
//! fonts (code).

use std::collections::HashMap;

use super::opc::Package;
use super::xml::{self, Element, Node};
use super::{ConvertError, Limits, Metadata};
use crate::markdown::{self, Block, FlatItem, Inline, Marks, Run};

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

/// Text styles by name: the marks each gives, with its parent's underneath.
#[derive(Debug, Default, Clone)]
pub struct Styles {
    marks: HashMap<String, Marks>,
    /// List styles by name: for each level, whether it is numbered and where it starts.
    lists: HashMap<String, Vec<(bool, u64)>>,
    /// Drawing-page styles that hide their page (`presentation:visibility="hidden"`).
    pub hidden_pages: Vec<String>,
    /// Table styles whose sheet is hidden (`table:display="false"`).
    pub hidden_tables: Vec<String>,
    /// Row and column styles that are hidden (`table:visibility`).
    pub collapsed: Vec<String>,
}

impl Styles {
    /// Reads the style containers of the given roots (content and styles parts).
    pub fn read(roots: &[&Element]) -> Styles {
        let mut raw: HashMap<String, (Option<String>, Marks, [bool; 6])> = HashMap::new();
        let mut styles = Styles::default();
        for root in roots {
            for container in ["automatic-styles", "styles"] {
                let Some(c) = root.child(container) else {
                    continue;
                };
                for style in c.elements() {
                    let Some(name) = style.attr("name") else {
                        continue;
                    };
                    match style.name.as_str() {
                        "style" => {
                            let parent = style.attr("parent-style-name").map(str::to_string);
                            let (marks, set) = text_marks(style.child("text-properties"));
                            raw.insert(name.to_string(), (parent, marks, set));
                            if let Some(p) = style.child("drawing-page-properties")
                                && p.attr("visibility") == Some("hidden")
                            {
                                styles.hidden_pages.push(name.to_string());
                            }
                            if let Some(p) = style.child("table-properties")
                                && p.attr("display") == Some("false")
                            {
                                styles.hidden_tables.push(name.to_string());
                            }
                        }
                        "list-style" => {
                            let levels = style
                                .elements()
                                .map(|l| {
                                    let start = l
                                        .attr("start-value")
                                        .and_then(|v| v.parse().ok())
                                        .unwrap_or(1);
                                    (l.name == "list-level-style-number", start)
                                })
                                .collect();
                            styles.lists.insert(name.to_string(), levels);
                        }
                        _ => {}
                    }
                }
            }
        }
        // Resolve parents (a bounded walk: a loop of parents ends).
        for name in raw.keys() {
            let mut marks = Marks::default();
            let mut set = [false; 6];
            let mut current = Some(name.clone());
            let mut steps = 0;
            while let Some(n) = current {
                let Some((parent, m, s)) = raw.get(&n) else {
                    break;
                };
                merge(&mut marks, &mut set, m, s);
                current = parent.clone();
                steps += 1;
                if steps > 32 {
                    break;
                }
            }
            styles.marks.insert(name.clone(), marks);
        }
        styles
    }

    fn marks(&self, name: Option<&str>) -> Marks {
        name.and_then(|n| self.marks.get(n))
            .copied()
            .unwrap_or_default()
    }

    /// Whether a list style numbers this level (0-based), and its start value; None when the
    /// style is unknown.
    pub fn numbered(&self, style: Option<&str>, level: usize) -> Option<(bool, u64)> {
        let levels = self.lists.get(style?)?;
        levels.get(level).or(levels.last()).copied()
    }
}

/// A style's own marks, and which of them it sets (unset ones come from its parent).
fn text_marks(props: Option<&Element>) -> (Marks, [bool; 6]) {
    let mut marks = Marks::default();
    let mut set = [false; 6];
    let Some(p) = props else {
        return (marks, set);
    };
    if let Some(w) = p.attr("font-weight") {
        marks.strong = w == "bold" || w.parse::<u32>().is_ok_and(|n| n >= 600);
        set[0] = true;
    }
    if let Some(s) = p.attr("font-style") {
        marks.emph = s == "italic" || s == "oblique";
        set[1] = true;
    }
    if let Some(s) = p.attr("text-line-through-style") {
        marks.strike = s != "none";
        set[2] = true;
    }
    if let Some(pos) = p.attr("text-position") {
        let first = pos.split_whitespace().next().unwrap_or("0");
        let raised = first == "super"
            || first
                .trim_end_matches('%')
                .parse::<f64>()
                .is_ok_and(|v| v > 0.0);
        let lowered = first == "sub"
            || first
                .trim_end_matches('%')
                .parse::<f64>()
                .is_ok_and(|v| v < 0.0);
        marks.superscript = raised;
        marks.subscript = lowered;
        set[3] = true;
        set[4] = true;
    }
    if let Some(font) = p.attr("font-name").or_else(|| p.attr("font-family")) {
        marks.code = super::is_monospace_font(font);
        set[5] = true;
    }
    (marks, set)
}

fn merge(marks: &mut Marks, set: &mut [bool; 6], from: &Marks, from_set: &[bool; 6]) {
    let fields: [(&mut bool, bool); 6] = [
        (&mut marks.strong, from.strong),
        (&mut marks.emph, from.emph),
        (&mut marks.strike, from.strike),
        (&mut marks.superscript, from.superscript),
        (&mut marks.subscript, from.subscript),
        (&mut marks.code, from.code),
    ];
    for (i, (field, value)) in fields.into_iter().enumerate() {
        if !set[i] && from_set[i] {
            *field = value;
            set[i] = true;
        }
    }
}

fn or_marks(a: Marks, b: Marks) -> Marks {
    Marks {
        strong: a.strong || b.strong,
        emph: a.emph || b.emph,
        strike: a.strike || b.strike,
        superscript: a.superscript || b.superscript,
        subscript: a.subscript || b.subscript,
        code: a.code || b.code,
    }
}

/// Nesting of spans followed per paragraph (deeper spans are read as text).
const MAX_SPAN_DEPTH: usize = 64;

/// The inlines of a paragraph or heading (`text:p`, `text:h`).
pub fn paragraph(p: &Element, styles: &Styles) -> Vec<Inline> {
    let base = styles.marks(p.attr("style-name"));
    let mut runs = Vec::new();
    collect_runs(p, base, styles, &mut runs, 0);
    let mut inlines = markdown::nest_runs(runs);
    if let Some(Inline::Text(t)) = inlines.first_mut() {
        *t = t.trim_start().to_string();
    }
    if let Some(Inline::Text(t)) = inlines.last_mut() {
        *t = t.trim_end().to_string();
    }
    inlines.retain(|i| !matches!(i, Inline::Text(t) if t.is_empty()));
    inlines
}

fn collect_runs(e: &Element, marks: Marks, styles: &Styles, out: &mut Vec<Run>, depth: usize) {
    for child in &e.children {
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
                    collect_runs(c, inner, styles, out, depth + 1);
                }
                "a" if depth < MAX_SPAN_DEPTH => {
                    let mut inner = Vec::new();
                    collect_runs(c, Marks::default(), styles, &mut inner, depth + 1);
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
                _ if depth < MAX_SPAN_DEPTH => collect_runs(c, marks, styles, out, depth + 1),
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

/// The alt text of a frame: its `svg:title`, else its `svg:desc`.
pub fn alt_text(frame: &Element) -> String {
    frame
        .child("title")
        .or_else(|| frame.child("desc"))
        .map(|t| t.text().trim().to_string())
        .unwrap_or_default()
}
