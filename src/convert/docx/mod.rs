//! Word (.docx): WordprocessingML read part by part with quick-xml, into the shared Markdown model.
//!
//! docproc reads the package itself (zip + quick-xml, see `../opc.rs` and `../xml.rs`) rather than
//! through docx-rs: docx-rs drops footnotes, endnotes, complex fields, most of what sits in
//! content controls and text boxes, sees VML images only as shapes, and panics on damaged parts.
//! Reading the parts directly keeps every piece of text in reading position and lets each
//! failure be a `corrupt` document instead of a crash.
//!
//! What becomes what: headings from `Title`/`Heading N` styles or outline levels (following
//! `basedOn` chains, so custom and localised styles inheriting from a heading are headings; levels
//! 7-9 are written as `######`); paragraphs with bold, italic, strikethrough, super-/subscript
//! and inline code (monospace fonts or code character styles); hyperlinks (external through the
//! relationships, internal to bookmarks as `#anchor`, text kept when the target is missing);
//! `HYPERLINK` and `REF` fields; bullet and numbered lists from numbering.xml with nesting,
//! start values and continuation paragraphs; tables (spans padded so columns stay aligned);
//! footnotes and endnotes as `[^n]`; images (`<img src="name_files/image1.png" alt width height>`,
//! the files written beside the Markdown), charts and shapes as their alt text; text boxes after their paragraph;
//! quotes and code blocks from styles. Tracked insertions are kept and deletions dropped;
//! comments, headers and footers are left out of the body (header and footer text is recorded in
//! the metadata).
//!
//! Here: the package, its parts and the paragraphs of the body; `runs.rs` reads what a paragraph
//! holds (runs, links, fields, pictures), `table.rs` tables, `styles.rs` styles and numbering.

mod runs;
mod styles;
mod table;

use std::collections::HashMap;

use super::field;
use super::math;
use super::media::{self, Media};
use super::opc::{self, Package, Rels};
use super::xml::{Element, toggle};
use super::{ConvertError, ConvertOptions, Converted, Converter};
use crate::markdown::{self, Block, FlatItem, Inline, Marks, Run};
use styles::{ListKind, StyleInfo, Toggles, VertAlign};

pub struct DocxConverter;

impl Converter for DocxConverter {
    fn name(&self) -> &'static str {
        "docx"
    }

    fn version(&self) -> &'static str {
        // 3: equations as LaTeX. 4: toggle properties combine across styles (17.7.3),
        // complex-script bold and italic, field arguments with bare quotes.
        "4"
    }

    fn convert(&self, bytes: &[u8], options: &ConvertOptions) -> Result<Converted, ConvertError> {
        // A part that does not inflate is named precisely by a second look.
        convert_package(bytes, options).map_err(|e| opc::name_the_damage(bytes, "DOCX", e))
    }
}

fn convert_package(bytes: &[u8], options: &ConvertOptions) -> Result<Converted, ConvertError> {
    let mut pkg = Package::open(bytes, &options.limits, "DOCX")?;
    let main = pkg.main_part();
    let root = pkg.read_xml(&main)?.ok_or_else(|| {
        ConvertError::Corrupt(format!("the package has no main document part ({main})"))
    })?;
    let body = root
        .child("body")
        .ok_or_else(|| ConvertError::Corrupt(format!("{main} has no body")))?;
    let rels = pkg.rels(&main);
    let styles_root = match rels.first_of("styles") {
        Some(part) => pkg.read_xml(&part).ok().flatten(),
        None => None,
    };
    let (styles, default_style) = styles::read_styles(styles_root.as_ref());
    let numbering_root = match rels.first_of("numbering") {
        Some(part) => pkg.read_xml(&part).ok().flatten(),
        None => None,
    };
    let numbering = styles::read_numbering(numbering_root.as_ref());
    let mut notes = HashMap::new();
    for kind in ["footnotes", "endnotes"] {
        if let Some(part) = rels.first_of(kind)
            && let Ok(Some(root)) = pkg.read_xml(&part)
        {
            let note_rels = pkg.rels(&part);
            let element = if kind == "footnotes" {
                "footnote"
            } else {
                "endnote"
            };
            for note in root.children_named(element) {
                if matches!(
                    note.attr("type"),
                    Some("separator" | "continuationSeparator" | "continuationNotice")
                ) {
                    continue;
                }
                if let Some(id) = note.attr("id") {
                    notes.insert(
                        (element.to_string(), id.to_string()),
                        (note.clone(), note_rels.clone()),
                    );
                }
            }
        }
    }
    let ctx = Context {
        styles,
        default_style,
        numbering,
        extract_images: options.extract_images,
        no_style: StyleInfo::default(),
    };
    let mut shared = Shared {
        notes,
        note_order: Vec::new(),
        media: Media::default(),
        pkg,
        heading_anchors: HashMap::new(),
        slugs: HashMap::new(),
        open_bookmarks: Vec::new(),
    };
    let mut walker = Walker::new(&ctx, &rels);
    walker.blocks_of(body, &mut shared);
    walker.flush();
    let mut blocks = walker.blocks;

    // Notes, in the order of their first reference (a note may reference another).
    let mut done = 0;
    let mut definitions = Vec::new();
    while done < shared.note_order.len() {
        let (label, key) = shared.note_order[done].clone();
        done += 1;
        let Some((note, note_rels)) = shared.notes.get(&key).cloned() else {
            continue;
        };
        let mut w = Walker::new(&ctx, &note_rels);
        w.blocks_of(&note, &mut shared);
        w.flush();
        definitions.push(Block::Footnote {
            label,
            blocks: w.blocks,
        });
    }

    let mut metadata = opc::read_properties(&mut shared.pkg);
    for (kind, key) in [("header", "header_text"), ("footer", "footer_text")] {
        let mut texts = Vec::new();
        for part in rels.all_of(kind) {
            if let Ok(Some(root)) = shared.pkg.read_xml(&part) {
                texts.push(paragraph_texts(&root));
            }
        }
        super::add_running_text(&mut metadata, key, &texts);
    }
    let headings = blocks
        .iter()
        .filter(|b| matches!(b, Block::Heading { .. }))
        .count();
    metadata.insert("heading_count".into(), headings.to_string());
    metadata.insert("footnote_count".into(), definitions.len().to_string());
    metadata.insert("image_count".into(), shared.media.count.to_string());
    if options.front_matter
        && let Some(front) = super::front_matter(&metadata)
    {
        blocks.insert(0, front);
    }
    blocks.extend(definitions);
    // Links to a bookmark on a heading point to the heading's identifier, as pandoc writes them.
    let anchors = std::mem::take(&mut shared.heading_anchors);
    markdown::map_links(&mut blocks, &|target| {
        anchors
            .get(target.strip_prefix('#')?)
            .map(|slug| format!("#{slug}"))
    });
    Ok(Converted {
        markdown: markdown::render(&blocks),
        metadata,
        warning: None,
        attachments: shared.media.attachments,
    })
}

/// The text of a header or footer part, paragraphs joined by spaces.
fn paragraph_texts(root: &Element) -> String {
    let mut paragraphs = Vec::new();
    root.find_all("p", &mut paragraphs);
    let texts: Vec<String> = paragraphs
        .iter()
        .map(|p| {
            let mut ts = Vec::new();
            p.find_all("t", &mut ts);
            ts.iter().map(|t| t.text()).collect::<String>()
        })
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty())
        .collect();
    texts.join(" ")
}

/// Styles and numbering, resolved once per document.
struct Context {
    styles: HashMap<String, StyleInfo>,
    default_style: Option<String>,
    numbering: HashMap<String, Vec<(ListKind, u64)>>,
    extract_images: bool,
    /// What a paragraph without a known style is.
    no_style: StyleInfo,
}

impl Context {
    /// A paragraph's style (the document's default one when it names none); looked up, never
    /// copied: this runs for every paragraph.
    fn style(&self, id: Option<&str>) -> &StyleInfo {
        id.or(self.default_style.as_deref())
            .and_then(|id| self.styles.get(id))
            .unwrap_or(&self.no_style)
    }

    fn char_style(&self, id: &str) -> &StyleInfo {
        self.styles.get(id).unwrap_or(&self.no_style)
    }
}

/// What every walker of one document shares: the package, notes and extracted images.
struct Shared<'a> {
    pkg: Package<'a>,
    notes: HashMap<(String, String), (Element, Rels)>,
    /// (label, note key) in the order of first reference.
    note_order: Vec<(String, (String, String))>,
    media: Media,
    /// Bookmark name → the identifier of the heading it marks.
    heading_anchors: HashMap<String, String>,
    /// Identifiers given so far, for GitHub's `-1`, `-2` suffixes.
    slugs: HashMap<String, usize>,
    /// Bookmarks seen since the last paragraph with text; they mark the next heading too.
    open_bookmarks: Vec<String>,
}

/// Consecutive paragraphs that render as one block (code lines, quoted paragraphs, list items).
enum Pending {
    None,
    Code(Vec<String>),
    Quote(Vec<Block>),
    List(Vec<FlatItem>),
}

/// An open complex field (`w:fldChar begin` ... `end`).
struct Field {
    instr: String,
    /// Index in the run list where the field's displayed result starts (after `separate`).
    result_start: Option<usize>,
}

struct Walker<'c> {
    ctx: &'c Context,
    rels: &'c Rels,
    blocks: Vec<Block>,
    pending: Pending,
    /// Items seen so far per (numId, level), for the start number of a continued list.
    counters: HashMap<(String, usize), u64>,
    /// Blocks found inside the current paragraph (text boxes), written after it.
    floating: Vec<Block>,
    fields: Vec<Field>,
    /// Runs of a paragraph whose mark was deleted, waiting for the paragraph they join.
    carried: Vec<Run>,
    /// The toggles of the paragraph style whose runs are being read (they XOR with a
    /// character style's).
    paragraph_toggles: Toggles,
}

impl<'c> Walker<'c> {
    fn new(ctx: &'c Context, rels: &'c Rels) -> Walker<'c> {
        Walker {
            ctx,
            rels,
            blocks: Vec::new(),
            pending: Pending::None,
            counters: HashMap::new(),
            floating: Vec::new(),
            fields: Vec::new(),
            carried: Vec::new(),
            paragraph_toggles: Toggles::default(),
        }
    }

    /// Block-level content: the body, a note, a text box, a content control.
    fn blocks_of(&mut self, parent: &Element, shared: &mut Shared<'_>) {
        for child in parent.elements() {
            match child.name.as_str() {
                "p" => self.paragraph(child, shared),
                "tbl" => {
                    self.flush();
                    let table = self.table(child, shared);
                    self.blocks.push(table);
                }
                "sdt" => {
                    if let Some(content) = child.child("sdtContent") {
                        self.blocks_of(content, shared);
                    }
                }
                "customXml" | "ins" | "moveTo" | "smartTag" => self.blocks_of(child, shared),
                "altChunk" => self.alt_chunk(child, shared),
                "bookmarkStart" => {
                    if let Some(name) = child.attr("name") {
                        shared.open_bookmarks.push(name.to_string());
                    }
                }
                _ => {}
            }
        }
    }

    /// Imported content (`w:altChunk`): HTML or plain text parts become paragraphs of text.
    fn alt_chunk(&mut self, chunk: &Element, shared: &mut Shared<'_>) {
        let Some(rel) = chunk.attr("id").and_then(|id| self.rels.get(id)) else {
            return;
        };
        if rel.external {
            return;
        }
        let Ok(Some(bytes)) = shared.pkg.read(&rel.target) else {
            return;
        };
        let text = String::from_utf8_lossy(&bytes);
        let lower = rel.target.to_lowercase();
        let plain = if lower.ends_with(".htm")
            || lower.ends_with(".html")
            || lower.ends_with(".xhtml")
            || lower.ends_with(".mht")
        {
            strip_html(&text)
        } else if lower.ends_with(".txt") {
            text.into_owned()
        } else {
            return;
        };
        self.flush();
        for para in plain.split("\n\n") {
            let line = para.split_whitespace().collect::<Vec<_>>().join(" ");
            if !line.is_empty() {
                self.blocks.push(Block::Paragraph(vec![Inline::Text(line)]));
            }
        }
    }

    fn paragraph(&mut self, p: &Element, shared: &mut Shared<'_>) {
        let ppr = p.child("pPr");
        let style = self.ctx.style(ppr.and_then(|pr| pr.child_val("pStyle")));
        let outline = ppr
            .and_then(|pr| pr.child_val("outlineLvl"))
            .and_then(|v| v.parse::<u8>().ok())
            .filter(|&v| v < 9)
            .map(|v| v + 1);
        // Like pandoc, an outline level set on a paragraph of a non-heading style is navigation
        // (it shows in Word's outline pane), not a heading: only styles make headings.
        let _ = outline;
        let heading = style.heading;
        // Like pandoc, formatting that comes from a paragraph style (an italic Quote style, a
        // bold Heading) is presentation, not emphasis: only direct and character formatting count.
        let mut runs = std::mem::take(&mut self.carried);
        self.fields.clear();
        let outer = std::mem::replace(&mut self.paragraph_toggles, style.toggles);
        self.inline_content(p, Marks::default(), &mut runs, shared);
        self.paragraph_toggles = outer;
        // A deleted paragraph mark (tracked changes) joins this paragraph to the next one.
        if ppr
            .and_then(|pr| pr.child("rPr"))
            .is_some_and(|rpr| rpr.child("del").is_some() || rpr.child("moveFrom").is_some())
        {
            if !runs.is_empty() {
                runs.push(Run::Inline(Marks::default(), Inline::SoftBreak));
            }
            self.carried = runs;
            return;
        }
        let floating = std::mem::take(&mut self.floating);
        let mut marks = Vec::new();
        p.find_all("bookmarkStart", &mut marks);
        shared.open_bookmarks.extend(
            marks
                .iter()
                .filter_map(|b| b.attr("name").map(str::to_string)),
        );
        let has_text = runs.iter().any(|r| match r {
            Run::Text(_, t) => !t.trim().is_empty(),
            Run::Inline(..) => true,
        });
        if let Some(_level) = heading {
            let text = markdown::plain_text(&markdown::nest_runs(runs.clone()));
            let mut slug = markdown::heading_slug(&text);
            let seen = shared.slugs.entry(slug.clone()).or_insert(0);
            if *seen > 0 {
                slug = format!("{slug}-{seen}");
            }
            *seen += 1;
            for name in shared.open_bookmarks.drain(..) {
                shared
                    .heading_anchors
                    .entry(name)
                    .or_insert_with(|| slug.clone());
            }
        } else if has_text {
            shared.open_bookmarks.clear();
        }
        self.place_paragraph(ppr, style, heading, runs);
        if !floating.is_empty() {
            self.flush();
            self.blocks.extend(floating);
        }
    }

    fn place_paragraph(
        &mut self,
        ppr: Option<&Element>,
        style: &StyleInfo,
        heading: Option<u8>,
        runs: Vec<Run>,
    ) {
        // A paragraph of nothing but monospace text is a code block; one that also has other
        // marks (a superscript, bold) is a line of inline code.
        let all_code = !runs.is_empty()
            && runs.iter().all(|r| match r {
                Run::Text(m, t) => {
                    (m.code
                        && *m
                            == Marks {
                                code: true,
                                ..Marks::default()
                            })
                        || t.trim().is_empty()
                }
                Run::Inline(_, Inline::LineBreak) => true,
                Run::Inline(..) => false,
            })
            && runs.iter().any(|r| matches!(r, Run::Text(m, _) if m.code));
        // How far the paragraph is indented (its own setting, else its style's): an indented
        // paragraph or code block right after a list item belongs to that item.
        let indent = ppr
            .and_then(|pr| pr.child("ind"))
            .map(styles::indentation)
            .or(style.indent)
            .unwrap_or(0);
        // `numId 0` switches a list style's numbering off for one paragraph: an indented one
        // inside a list is the item's next paragraph (LibreOffice writes continuations so).
        let unnumbered = ppr
            .and_then(|pr| pr.child("numPr"))
            .is_some_and(|n| n.child_val("numId") == Some("0"));
        let continues_item = indent > 0 && unnumbered && matches!(self.pending, Pending::List(_));
        let numbered = paragraph_list(ppr, style).is_some();
        // A code-styled paragraph that carries the list's numbering is a code block inside the
        // current item (pandoc writes them so); a numbered paragraph that merely consists of
        // inline code is an item.
        let continues_item =
            continues_item || (numbered && style.code && matches!(self.pending, Pending::List(_)));
        if heading.is_none() && (!numbered || continues_item) && (style.code || all_code) {
            let text: String = runs
                .iter()
                .map(|r| match r {
                    Run::Text(_, t) => t.clone(),
                    Run::Inline(_, Inline::LineBreak) => "\n".into(),
                    Run::Inline(_, inline) => inline_text(inline),
                })
                .collect();
            if continues_item
                && let Pending::List(items) = &mut self.pending
                && let Some(last) = items.last_mut()
            {
                match last.blocks.last_mut() {
                    Some(Block::CodeBlock { text: code, .. }) => {
                        code.push('\n');
                        code.push_str(&text);
                    }
                    _ => last.blocks.push(Block::CodeBlock {
                        info: String::new(),
                        text,
                    }),
                }
                return;
            }
            match &mut self.pending {
                Pending::Code(lines) => lines.push(text),
                _ => {
                    self.flush();
                    self.pending = Pending::Code(vec![text]);
                }
            }
            return;
        }
        let inlines = markdown::nest_runs(runs);
        if let Some(level) = heading {
            self.flush();
            self.blocks.push(Block::Heading {
                level: level.min(6),
                content: inlines,
            });
            return;
        }
        let list = paragraph_list(ppr, style);
        if let Some((num_id, ilvl)) = list
            && let Some(levels) = self.ctx.numbering.get(&num_id)
        {
            let ilvl = ilvl.min(8);
            let (kind, start) = levels[ilvl];
            if kind == ListKind::Unmarked {
                if let Pending::List(items) = &mut self.pending
                    && let Some(last) = items.last_mut()
                {
                    last.blocks.push(Block::Paragraph(inlines));
                    return;
                }
                self.flush();
                self.blocks.push(Block::Paragraph(inlines));
                return;
            }
            let ordered = kind == ListKind::Ordered;
            let mut inlines = inlines;
            if let ListKind::Task(checked) = kind {
                inlines.insert(0, Inline::TaskBox(checked));
            }
            let count = self.counters.entry((num_id.clone(), ilvl)).or_insert(0);
            let item_start = start + *count;
            *count += 1;
            // A new item at this level restarts the numbering of the levels below it.
            for deeper in ilvl + 1..9 {
                self.counters.remove(&(num_id.clone(), deeper));
            }
            // Bullets of adjacent lists read as one list; numbered lists keep their own numbering.
            let list_id = if ordered { list_id(&num_id) } else { 0 };
            let item = FlatItem {
                level: ilvl,
                ordered,
                start: item_start,
                list_id,
                blocks: vec![Block::Paragraph(inlines)],
            };
            match &mut self.pending {
                Pending::List(items) => items.push(item),
                _ => {
                    self.flush();
                    self.pending = Pending::List(vec![item]);
                }
            }
            return;
        }
        // An unnumbered "List Paragraph", or an indented paragraph, right after a list item
        // continues that item.
        if (style.list_paragraph || continues_item)
            && let Pending::List(items) = &mut self.pending
            && let Some(last) = items.last_mut()
            && !inlines.is_empty()
        {
            last.blocks.push(Block::Paragraph(inlines));
            return;
        }
        let is_empty = inlines
            .iter()
            .all(|i| matches!(i, Inline::Text(t) if t.trim().is_empty()));
        if is_empty {
            // Empty paragraphs are spacing; they do not end a list or a quote.
            return;
        }
        // Like pandoc: a paragraph indented further than its style says (not by a list) is a
        // block quote.
        let indented = ppr
            .and_then(|pr| pr.child("ind"))
            .is_some_and(|ind| styles::indentation(ind) > style.indent.unwrap_or(0).max(0));
        if style.quote || indented {
            match &mut self.pending {
                Pending::Quote(blocks) => blocks.push(Block::Paragraph(inlines)),
                _ => {
                    self.flush();
                    self.pending = Pending::Quote(vec![Block::Paragraph(inlines)]);
                }
            }
            return;
        }
        self.flush();
        self.blocks.push(Block::Paragraph(inlines));
    }

    /// Emits the pending multi-paragraph block, if any.
    fn flush(&mut self) {
        match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::None => {}
            Pending::Code(lines) => self.blocks.push(Block::CodeBlock {
                info: String::new(),
                text: lines.join("\n"),
            }),
            Pending::Quote(blocks) => self.blocks.push(Block::Quote(blocks)),
            Pending::List(items) => self.blocks.extend(markdown::build_lists(items)),
        }
    }
}

/// The numbering of a paragraph: its own `w:numPr` (where `numId 0` switches numbering off, even
/// one its style gives), else its style's.
fn paragraph_list(ppr: Option<&Element>, style: &StyleInfo) -> Option<(String, usize)> {
    match ppr.and_then(|pr| pr.child("numPr")) {
        Some(num) if num.child("numId").is_some() => styles::numbering_ref(num),
        _ => style.list.clone(),
    }
}

/// A stable small number for a numbering id (lists of different ids never merge).
fn list_id(num_id: &str) -> usize {
    num_id.parse().unwrap_or_else(|_| {
        num_id
            .bytes()
            .fold(1usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize))
    })
}

/// Plain text of an inline (for code blocks).
fn inline_text(inline: &Inline) -> String {
    match inline {
        Inline::Text(t) | Inline::Code(t) => t.clone(),
        Inline::Strong(c)
        | Inline::Emph(c)
        | Inline::Strike(c)
        | Inline::Superscript(c)
        | Inline::Subscript(c) => c.iter().map(inline_text).collect(),
        Inline::Link { content, .. } => content.iter().map(inline_text).collect(),
        Inline::LineBreak => "\n".into(),
        Inline::SoftBreak => " ".into(),
        Inline::Image { alt, .. } => alt.clone(),
        Inline::NoteRef(label) => format!("[^{label}]"),
        Inline::Math { tex, .. } => tex.clone(),
        Inline::TaskBox(checked) => if *checked { "[x] " } else { "[ ] " }.into(),
        Inline::ListMarker { .. } => String::new(),
    }
}

/// Text of an HTML chunk: tags dropped, block ends as paragraph breaks, entities for the basics.
fn strip_html(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    let body_start = rest.to_lowercase().find("<body").unwrap_or(0);
    rest = &rest[body_start..];
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let Some(gt) = rest[lt..].find('>') else {
            break;
        };
        let tag = rest[lt + 1..lt + gt].to_lowercase();
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        if matches!(
            name,
            "p" | "div" | "br" | "li" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "tr"
        ) {
            out.push_str("\n\n");
        }
        rest = &rest[lt + gt + 1..];
    }
    out.push_str(rest);
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_chunks_become_text() {
        assert_eq!(
            strip_html("<html><body><p>a &amp; b</p><p>c</p></body></html>")
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["a", "&", "b", "c"]
        );
    }
}
