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

use std::collections::HashMap;

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

/// The text of a header or footer paragraph, its per-page and per-print fields by name.
fn running_text_of(e: &Element, out: &mut String) {
    for child in &e.children {
        match child {
            Node::Text(t) => out.push_str(t),
            Node::Element(field) => match field.name.as_str() {
                "page-number" => out.push_str("&[Page]"),
                "page-count" => out.push_str("&[Pages]"),
                "sheet-name" => out.push_str("&[Tab]"),
                "date" => out.push_str("&[Date]"),
                "time" => out.push_str("&[Time]"),
                "file-name" => out.push_str("&[File]"),
                _ => running_text_of(field, out),
            },
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
    /// Automatic styles (direct formatting): the marks each sets itself, without its parent's.
    direct: HashMap<String, Marks>,
    /// List styles by name: for each level, whether it is numbered and where it starts.
    lists: HashMap<String, Vec<(bool, u64)>>,
    /// Drawing-page styles that hide their page (`presentation:visibility="hidden"`).
    pub hidden_pages: Vec<String>,
    /// Table styles whose sheet is hidden (`table:display="false"`).
    pub hidden_tables: Vec<String>,
    /// Row and column styles that are hidden (`table:visibility`).
    pub collapsed: Vec<String>,
    /// Paragraph styles: what each says of itself, for [`Styles::kind`].
    paragraphs: HashMap<String, ParagraphStyle>,
    /// The text of the master pages' headers and footers, one entry per header or footer.
    pub headers: Vec<String>,
    pub footers: Vec<String>,
}

/// What a paragraph style says of itself (its parent says the rest).
#[derive(Debug, Default, Clone)]
struct ParagraphStyle {
    parent: Option<String>,
    /// The style's name as people see it (`Heading 1`; `Heading_20_1` decoded).
    display: String,
    /// `style:default-outline-level`: a heading style's level.
    outline: Option<u8>,
    /// `style:list-style-name`: paragraphs of the style are list items of this list style.
    list_style: Option<String>,
    /// `fo:margin-left` in centimetres, when the style sets it.
    margin: Option<f64>,
    /// Defined among the automatic styles: direct formatting of one paragraph.
    automatic: bool,
}

/// What a paragraph is, by its style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParagraphKind {
    Heading(u8),
    /// `Preformatted Text` (and styles based on it): a line of code.
    Code,
    /// `Quotations`: a block quote.
    Quote,
    /// The document's `Title`.
    Title,
    /// A caption (`Caption` and the styles based on it: `Illustration`, `Table`, `Figure`, ...).
    Caption,
    /// A body paragraph indented further than its style (direct formatting): a block quote,
    /// as for DOCX.
    Indented,
    Body,
}

/// An ODF length in centimetres.
fn length_cm(length: &str) -> Option<f64> {
    let length = length.trim();
    let split = length
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(length.len());
    let (number, unit) = length.split_at(split);
    let value: f64 = number.trim().parse().ok()?;
    Some(match unit {
        "cm" => value,
        "mm" => value / 10.0,
        "in" => value * 2.54,
        "pt" => value * 2.54 / 72.0,
        "pc" => value * 2.54 / 6.0,
        "px" => value * 2.54 / 96.0,
        _ => return None,
    })
}

/// An ODF style name as people see it: `_20_` is a space, `_xx_` a hex-escaped character.
fn display_name(name: &str) -> String {
    let mut out = String::new();
    let mut rest = name;
    while let Some(i) = rest.find('_') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find('_').and_then(|j| {
            let hex = &after[..j];
            (hex.len() == 2 && hex.chars().all(|c| c.is_ascii_hexdigit()))
                .then(|| (u8::from_str_radix(hex, 16).ok(), j))
        }) {
            Some((Some(b), j)) => {
                out.push(b as char);
                rest = &after[j + 1..];
            }
            _ => {
                out.push('_');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
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
                            if style.attr("family") == Some("paragraph") {
                                styles.paragraphs.insert(
                                    name.to_string(),
                                    ParagraphStyle {
                                        parent: parent.clone(),
                                        display: style
                                            .attr("display-name")
                                            .map(str::to_string)
                                            .unwrap_or_else(|| display_name(name)),
                                        outline: style
                                            .attr("default-outline-level")
                                            .and_then(|l| l.parse::<u8>().ok())
                                            .filter(|l| *l > 0),
                                        list_style: style
                                            .attr("list-style-name")
                                            .filter(|l| !l.is_empty())
                                            .map(str::to_string),
                                        margin: style
                                            .child("paragraph-properties")
                                            .and_then(|p| p.attr("margin-left"))
                                            .and_then(length_cm),
                                        automatic: container == "automatic-styles",
                                    },
                                );
                            }
                            let (marks, set) = text_marks(style.child("text-properties"));
                            if container == "automatic-styles" {
                                styles.direct.insert(name.to_string(), marks);
                            }
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
        for root in roots {
            styles.read_running_text(root);
        }
        styles
    }

    /// The headers and footers of `office:master-styles` (`style:header`, `style:footer` and
    /// their `-left` and `-first` variants, unless `style:display="false"`): the text of their
    /// paragraphs, regions included, joined by two spaces; fields that change per page or print
    /// named as for XLSX (`&[Page]`), the others as the document saved them.
    fn read_running_text(&mut self, root: &Element) {
        let Some(masters) = root.child("master-styles") else {
            return;
        };
        for page in masters.children_named("master-page") {
            for part in page.elements() {
                let list = match part.name.as_str() {
                    "header" | "header-left" | "header-first" => &mut self.headers,
                    "footer" | "footer-left" | "footer-first" => &mut self.footers,
                    _ => continue,
                };
                if part.attr("display") == Some("false") {
                    continue;
                }
                let mut paragraphs = Vec::new();
                part.find_all("p", &mut paragraphs);
                let texts: Vec<String> = paragraphs
                    .iter()
                    .map(|p| {
                        let mut text = String::new();
                        running_text_of(p, &mut text);
                        text.trim().to_string()
                    })
                    .filter(|t| !t.is_empty())
                    .collect();
                list.push(texts.join("  "));
            }
        }
    }

    fn marks(&self, name: Option<&str>) -> Marks {
        name.and_then(|n| self.marks.get(n))
            .copied()
            .unwrap_or_default()
    }

    /// Whether a paragraph style (or a style it is based on) sets a fixed-pitch font: its
    /// paragraphs are code lines.
    pub fn monospace_paragraph(&self, name: Option<&str>) -> bool {
        self.marks(name).code
    }

    /// The marks of a paragraph's own style that are emphasis: what its automatic style sets
    /// directly. What a named paragraph style gives (a bold Heading style) is the style's look,
    /// not emphasis, as for DOCX.
    fn paragraph_marks(&self, name: Option<&str>) -> Marks {
        name.and_then(|n| self.direct.get(n))
            .copied()
            .unwrap_or_default()
    }

    /// What a paragraph of this style is: the first of the style and its parents that names a
    /// heading level, `Heading N`, `Title`, `Preformatted Text` or `Quotations` decides.
    pub fn kind(&self, name: Option<&str>) -> ParagraphKind {
        let kind = self.named_kind(name);
        if kind == ParagraphKind::Body
            && let Some(style) = name.and_then(|n| self.paragraphs.get(n))
            && style.automatic
            && let Some(margin) = style.margin
        {
            let inherited = self.margin(style.parent.as_deref()).unwrap_or(0.0);
            if margin - inherited >= 0.5 && self.paragraph_list(name).is_none() {
                return ParagraphKind::Indented;
            }
        }
        kind
    }

    /// The left margin a style and its parents set.
    fn margin(&self, name: Option<&str>) -> Option<f64> {
        let mut current = name;
        for _ in 0..32 {
            let style = self.paragraphs.get(current?)?;
            if style.margin.is_some() {
                return style.margin;
            }
            current = style.parent.as_deref();
        }
        None
    }

    fn named_kind(&self, name: Option<&str>) -> ParagraphKind {
        let mut current = name;
        for _ in 0..32 {
            let Some(style) = current.and_then(|n| self.paragraphs.get(n)) else {
                break;
            };
            if let Some(level) = style.outline {
                return ParagraphKind::Heading(level.min(6));
            }
            let display = style.display.to_ascii_lowercase();
            if let Some(n) = display.strip_prefix("heading ")
                && let Ok(level) = n.trim().parse::<u8>()
            {
                return ParagraphKind::Heading(level.clamp(1, 6));
            }
            match display.as_str() {
                "title" => return ParagraphKind::Title,
                "caption" | "illustration" | "figure" | "drawing" => {
                    return ParagraphKind::Caption;
                }
                "preformatted text" | "source code" | "code" => return ParagraphKind::Code,
                "quotations" | "quote" | "block quotation" | "block text" => {
                    return ParagraphKind::Quote;
                }
                _ => {}
            }
            current = style.parent.as_deref();
        }
        ParagraphKind::Body
    }

    /// The list style a paragraph style makes its paragraphs items of.
    pub fn paragraph_list(&self, name: Option<&str>) -> Option<&str> {
        let mut current = name;
        for _ in 0..32 {
            let style = self.paragraphs.get(current?)?;
            if let Some(l) = &style.list_style {
                return Some(l);
            }
            current = style.parent.as_deref();
        }
        None
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn master_page_headers_and_footers_are_read_unless_hidden() {
        let root = xml::parse(
            br#"<office:document-styles xmlns:office="o" xmlns:style="s" xmlns:text="t"><office:master-styles>
            <style:master-page style:name="Standard">
              <style:header><style:region-left><text:p>Annual <text:span>report</text:span></text:p></style:region-left>
                <style:region-right><text:p>Page <text:page-number>1</text:page-number></text:p></style:region-right></style:header>
              <style:footer style:display="false"><text:p>Not shown</text:p></style:footer>
              <style:footer-first><text:p>Confidential</text:p></style:footer-first>
            </style:master-page></office:master-styles></office:document-styles>"#,
        )
        .unwrap();
        let styles = Styles::read(&[&root]);
        assert_eq!(
            styles.headers,
            vec!["Annual report  Page &[Page]".to_string()]
        );
        assert_eq!(styles.footers, vec!["Confidential".to_string()]);
    }
}
