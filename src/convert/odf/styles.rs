//! ODF styles: what the automatic and named text and paragraph styles of the content and
//! styles parts make of a span or a paragraph (marks, headings, code, quotes, lists), and the
//! master pages' headers and footers.

use std::collections::HashMap;

use super::super::xml::{Element, Node};
use crate::markdown::Marks;

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
                                            .and_then(|l| {
                                                super::length_inches(l).map(|inches| inches * 2.54)
                                            }),
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

    /// The headers and footers of every master page (see [`master_pages`]).
    fn read_running_text(&mut self, root: &Element) {
        for page in master_pages(root) {
            self.headers.extend(page.headers);
            self.footers.extend(page.footers);
        }
    }

    pub(super) fn marks(&self, name: Option<&str>) -> Marks {
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
    pub(super) fn paragraph_marks(&self, name: Option<&str>) -> Marks {
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
        marks.code = crate::convert::is_monospace_font(font);
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

pub(super) fn or_marks(a: Marks, b: Marks) -> Marks {
    Marks {
        strong: a.strong || b.strong,
        emph: a.emph || b.emph,
        strike: a.strike || b.strike,
        superscript: a.superscript || b.superscript,
        subscript: a.subscript || b.subscript,
        code: a.code || b.code,
    }
}

/// The text of a header or footer paragraph, its per-page and per-print fields by name.
/// A master page's name and the text of its headers and footers.
pub struct MasterPage {
    pub name: String,
    pub headers: Vec<String>,
    pub footers: Vec<String>,
}

/// The master pages of `office:master-styles` under `root` with their headers and footers
/// (`style:header`, `style:footer` and their `-left` and `-first` variants, unless
/// `style:display="false"`): the text of their paragraphs, regions included, joined by two
/// spaces; fields that change per page or print named as for XLSX (`&[Page]`, `&[Tab]` for the
/// sheet's name), the others as the document saved them.
pub fn master_pages(root: &Element) -> Vec<MasterPage> {
    let Some(masters) = root.child("master-styles") else {
        return Vec::new();
    };
    let mut pages = Vec::new();
    for page in masters.children_named("master-page") {
        let mut master = MasterPage {
            name: page.attr("name").unwrap_or_default().to_string(),
            headers: Vec::new(),
            footers: Vec::new(),
        };
        for part in page.elements() {
            let list = match part.name.as_str() {
                "header" | "header-left" | "header-first" => &mut master.headers,
                "footer" | "footer-left" | "footer-first" => &mut master.footers,
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
        pages.push(master);
    }
    pages
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::xml;

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
