//! OpenDocument text (.odt, .ott, flat .fodt): DOCX's conventions, read from `content.xml`,
//! `styles.xml` and `meta.xml` through the shared ODF model (`odf/`).
//!
//! Every container is walked: sections, list items, table cells, text boxes, notes. Headings are
//! `text:h` with its outline level, or paragraphs whose style (through its parents) is a heading
//! style (`style:default-outline-level`, `Heading N`); `Title` is a level-1 heading.
//! `Preformatted Text` paragraphs are code lines, joined into one block with their spaces
//! (`text:s`) kept; `Quotations` paragraphs are block quotes. Lists take bullet or number and
//! start from their list style, level by level, and continue their numbering across
//! interruptions when they say so (`text:continue-numbering`, `text:continue-list`). Tables
//! keep header rows and spans (the DOCX table rule). Footnotes and endnotes (`text:note`) are
//! `[^n]`, numbered in order. Pictures (`draw:frame`/`draw:image`) are extracted like DOCX's,
//! with their size; a text box's paragraphs follow the paragraph that anchors it. Tracked
//! changes read as the final text (deletions live in `text:tracked-changes`, which is skipped);
//! soft page breaks, bookmarks, tables of contents and form fields are not text.

use std::collections::HashMap;

use super::math;
use super::media::Media;
use super::odf::{self, Document, InlineHook, ParagraphKind, Styles};
use super::xml::Element;
use super::{ConvertError, ConvertOptions, Converted, Converter};
use crate::markdown::{self, Block, Inline, List, Marks, Run};

pub struct OdtConverter;

impl Converter for OdtConverter {
    fn name(&self) -> &'static str {
        "odt"
    }

    fn version(&self) -> &'static str {
        // 2: a list header is unnumbered. 3: headers and footers in the metadata.
        "3"
    }

    fn convert(&self, bytes: &[u8], options: &ConvertOptions) -> Result<Converted, ConvertError> {
        let mut doc = Document::open(bytes, &options.limits, "ODT")?;
        let (content, styles) = doc.content_and_styles()?;
        let body = content
            .child("body")
            .and_then(|b| b.child("text"))
            .ok_or_else(|| ConvertError::Corrupt("the document has no text body".into()))?;
        let mut writer = Writer {
            doc,
            styles: &styles,
            options,
            media: Media::default(),
            notes: Vec::new(),
            pending: Vec::new(),
            counters: HashMap::new(),
            anchors: HashMap::new(),
            slugs: HashMap::new(),
        };
        let mut blocks = writer.blocks(body);
        let note_count = writer.notes.len();
        blocks.append(&mut writer.notes);
        // Links to a bookmark in a heading point to the heading's identifier (as for DOCX).
        let anchors = std::mem::take(&mut writer.anchors);
        markdown::map_links(&mut blocks, &|target| {
            anchors
                .get(target.strip_prefix('#')?)
                .map(|slug| format!("#{slug}"))
        });
        let mut metadata = odf::read_meta(&mut writer.doc);
        super::add_running_text(&mut metadata, "header_text", &styles.headers);
        super::add_running_text(&mut metadata, "footer_text", &styles.footers);
        metadata.insert("image_count".into(), writer.media.count.to_string());
        metadata.insert("note_count".into(), note_count.to_string());
        if options.front_matter
            && let Some(front) = super::front_matter(&metadata)
        {
            blocks.insert(0, front);
        }
        Ok(Converted {
            markdown: markdown::render(&blocks),
            metadata,
            warning: None,
            attachments: writer.media.attachments,
        })
    }
}

/// Lists nested deeper than this are read as the level above.
const MAX_LIST_LEVEL: usize = 16;

struct Writer<'a, 's, 'o> {
    doc: Document<'a>,
    styles: &'s Styles,
    options: &'o ConvertOptions,
    media: Media,
    /// Footnote definitions in the order of their references.
    notes: Vec<Block>,
    /// Blocks of the text boxes in the paragraph being read: they follow it.
    pending: Vec<Block>,
    /// The next number of each list style's outer level, for lists that continue one.
    counters: HashMap<String, u64>,
    /// Bookmark names in headings -> the headings' identifiers.
    anchors: HashMap<String, String>,
    /// Heading identifiers given so far, for `-1`, `-2` suffixes.
    slugs: HashMap<String, usize>,
}

impl Writer<'_, '_, '_> {
    /// The blocks of a container (the body, a section, a cell, a text box, a note).
    fn blocks(&mut self, container: &Element) -> Vec<Block> {
        let mut out = Vec::new();
        for child in container.elements() {
            self.block(child, &mut out);
        }
        out
    }

    fn block(&mut self, e: &Element, out: &mut Vec<Block>) {
        match e.name.as_str() {
            "p" | "h" => self.paragraph(e, out),
            "list" => out.extend(self.list(e, None, 0)),
            "table" => {
                let table = odf::table(e, &mut |cell| self.blocks(cell));
                out.push(table);
            }
            // Containers whose content is the document's text.
            "section" | "deletion" | "inserted" | "index-body" | "list-header" | "text-box" => {
                out.extend(self.blocks(e))
            }
            // A picture anchored to the page, outside any paragraph.
            "frame" => {
                if let Some(picture) = self.frame(e) {
                    out.push(Block::Paragraph(vec![picture]));
                }
                out.append(&mut self.pending);
            }
            // Generated (tables of contents and indexes repeat the headings), declarations,
            // forms, and the deleted text of tracked changes.
            _ => {}
        }
    }

    fn paragraph(&mut self, p: &Element, out: &mut Vec<Block>) {
        let style = p.attr("style-name");
        let kind = if p.name == "h" {
            match p.attr("outline-level").and_then(|l| l.parse::<u8>().ok()) {
                Some(level) if level > 0 => ParagraphKind::Heading(level.min(6)),
                _ => match self.styles.kind(style) {
                    ParagraphKind::Heading(l) => ParagraphKind::Heading(l),
                    _ => ParagraphKind::Heading(1),
                },
            }
        } else {
            self.styles.kind(style)
        };
        let styles = self.styles;
        if kind == ParagraphKind::Code
            || (kind == ParagraphKind::Body && styles.monospace_paragraph(style))
        {
            let line = code_text(&odf::untrimmed_paragraph(p, styles, self));
            match out.last_mut() {
                Some(Block::CodeBlock { text, .. }) => {
                    text.push('\n');
                    text.push_str(&line);
                }
                _ if line.trim().is_empty() => {}
                _ => out.push(Block::CodeBlock {
                    info: String::new(),
                    text: line,
                }),
            }
            out.append(&mut self.pending);
            return;
        }
        let mut inlines = odf::paragraph_with(p, styles, self);
        // A formula that is all its paragraph holds is display math.
        if let [Inline::Math { display, .. }] = inlines.as_mut_slice() {
            *display = true;
        }
        if !inlines.is_empty() {
            if matches!(kind, ParagraphKind::Heading(_) | ParagraphKind::Title) {
                self.heading_anchors(p, &inlines);
            }
            match kind {
                ParagraphKind::Heading(level) => out.push(Block::Heading {
                    level,
                    content: inlines,
                }),
                ParagraphKind::Title => out.push(Block::Heading {
                    level: 1,
                    content: inlines,
                }),
                ParagraphKind::Quote | ParagraphKind::Indented => match out.last_mut() {
                    Some(Block::Quote(blocks)) => blocks.push(Block::Paragraph(inlines)),
                    _ => out.push(Block::Quote(vec![Block::Paragraph(inlines)])),
                },
                // A caption holding its picture (LibreOffice's captioned frame): the picture,
                // described by the caption when it has no description, then the caption.
                ParagraphKind::Caption => {
                    let (mut pictures, text): (Vec<Inline>, Vec<Inline>) = inlines
                        .into_iter()
                        .partition(|i| matches!(i, Inline::Image { .. }));
                    let caption = markdown::plain_text(&text).trim().to_string();
                    for picture in &mut pictures {
                        if let Inline::Image { alt, .. } = picture
                            && alt.is_empty()
                        {
                            *alt = caption.clone();
                        }
                    }
                    if !pictures.is_empty() {
                        out.push(Block::Paragraph(pictures));
                    }
                    let text = odf_trim(text);
                    if !text.is_empty() {
                        out.push(Block::Paragraph(text));
                    }
                }
                // A paragraph of code spans only is inline code (a term, a name); a code block
                // is a paragraph style's (above).
                _ => out.push(Block::Paragraph(inlines)),
            }
        }
        out.append(&mut self.pending);
    }

    /// Records the bookmarks and reference marks of a heading as names of its identifier.
    fn heading_anchors(&mut self, heading: &Element, inlines: &[Inline]) {
        let mut slug = markdown::heading_slug(&markdown::plain_text(inlines));
        let seen = self.slugs.entry(slug.clone()).or_insert(0);
        if *seen > 0 {
            slug = format!("{slug}-{seen}");
        }
        *seen += 1;
        for kind in [
            "bookmark",
            "bookmark-start",
            "reference-mark",
            "reference-mark-start",
        ] {
            let mut marks = Vec::new();
            heading.find_all(kind, &mut marks);
            for m in marks {
                if let Some(name) = m.attr("name") {
                    self.anchors
                        .entry(name.to_string())
                        .or_insert_with(|| slug.clone());
                }
            }
        }
    }

    /// A list and the lists nested in it. An item that holds only headings (outline
    /// numbering written as a list) ends the list: the headings are headings.
    fn list(&mut self, list: &Element, inherited: Option<&str>, level: usize) -> Vec<Block> {
        let style = list.attr("style-name").or(inherited).map(str::to_string);
        let (ordered, style_start) = self
            .styles
            .numbered(style.as_deref(), level)
            .unwrap_or((false, 1));
        let key = style.clone().unwrap_or_default();
        let continues =
            list.attr("continue-numbering") == Some("true") || list.attr("continue-list").is_some();
        let mut number = match self.counters.get(&key) {
            Some(&n) if continues && level == 0 => n,
            _ => style_start,
        };
        let mut out = Vec::new();
        let mut items: Vec<Vec<Block>> = Vec::new();
        let mut start = number;
        for item in list.elements() {
            if item.name != "list-item" && item.name != "list-header" {
                continue;
            }
            if let Some(v) = item.attr("start-value").and_then(|v| v.parse::<u64>().ok()) {
                if items.is_empty() {
                    start = v;
                }
                number = v;
            }
            let mut blocks = Vec::new();
            for child in item.elements() {
                if child.name == "list" {
                    let next = (level + 1).min(MAX_LIST_LEVEL);
                    blocks.extend(self.list(child, style.as_deref(), next));
                } else {
                    self.block(child, &mut blocks);
                }
            }
            if blocks.is_empty() {
                continue;
            }
            // A list header (ODF 1.3 5.3.3) is the list's unnumbered first paragraph: it takes
            // no number, so it stands before the list (or continues an item that precedes it).
            if item.name == "list-header" {
                match items.last_mut() {
                    Some(last) => last.extend(blocks),
                    None => out.extend(blocks),
                }
                continue;
            }
            if blocks.iter().all(|b| matches!(b, Block::Heading { .. })) {
                if !items.is_empty() {
                    out.push(Block::List(List {
                        ordered,
                        start,
                        items: std::mem::take(&mut items),
                    }));
                }
                out.extend(blocks);
                number += 1;
                start = number;
                continue;
            }
            items.push(blocks);
            number += 1;
        }
        if !items.is_empty() {
            out.push(Block::List(List {
                ordered,
                start,
                items,
            }));
        }
        if level == 0 {
            self.counters.insert(key, number);
        }
        out
    }

    /// A frame inside text: a picture (an inline), or a text box (its blocks follow the
    /// paragraph).
    fn frame(&mut self, frame: &Element) -> Option<Inline> {
        if let Some(text_box) = frame.child("text-box") {
            let blocks = self.blocks(text_box);
            self.pending.extend(blocks);
            return None;
        }
        // A formula object (LibreOffice Math): its MathML, inside the file or in its own part.
        if let Some(object) = frame.child("object")
            && let Some(tex) = self.formula(object)
        {
            return Some(Inline::Math {
                tex,
                display: false,
            });
        }
        let image = frame.child("image")?;
        let href = image.attr("href").unwrap_or("").trim();
        let alt = odf::alt_text(frame);
        let size = frame
            .attr("width")
            .and_then(length_px)
            .zip(frame.attr("height").and_then(length_px));
        let target = if href.contains("://") {
            Some((href, true))
        } else if href.is_empty() {
            None
        } else {
            Some((href.trim_start_matches("./"), false))
        };
        let extract = self.options.extract_images;
        match self.doc.package() {
            Some(pkg) => Some(self.media.picture(pkg, target, alt, size, extract)),
            None => {
                self.media.count += 1;
                Some(Inline::Image {
                    alt,
                    src: target
                        .filter(|(_, external)| *external)
                        .map(|(u, _)| u.to_string())
                        .unwrap_or_default(),
                    size,
                })
            }
        }
    }
}

impl Writer<'_, '_, '_> {
    /// The LaTeX of a formula object (`draw:object`): MathML inline in a flat file, else in
    /// the package's `Object N/content.xml`.
    fn formula(&mut self, object: &Element) -> Option<String> {
        let math = match object.child("math") {
            Some(m) => math::read_mathml(m),
            None => {
                let href = object.attr("href")?.trim().trim_start_matches("./");
                let part = format!("{}/content.xml", href.trim_end_matches('/'));
                let root = self.doc.package()?.read_xml(&part).ok()??;
                let m = if root.name == "math" {
                    &root
                } else {
                    root.find("math")?
                };
                math::read_mathml(m)
            }
        };
        let tex = math::to_latex(&math);
        (!tex.is_empty()).then_some(tex)
    }
}

impl InlineHook for Writer<'_, '_, '_> {
    fn element(&mut self, e: &Element, marks: Marks, out: &mut Vec<Run>) -> bool {
        match e.name.as_str() {
            "note" => {
                let label = (self.notes.len() + 1).to_string();
                // The number is reserved before the body is read (a note cannot hold notes, but
                // a damaged file might).
                self.notes.push(Block::Footnote {
                    label: label.clone(),
                    blocks: Vec::new(),
                });
                let index = self.notes.len() - 1;
                let body = e
                    .child("note-body")
                    .map(|b| self.blocks(b))
                    .unwrap_or_default();
                if let Some(Block::Footnote { blocks, .. }) = self.notes.get_mut(index) {
                    *blocks = body;
                }
                out.push(Run::Inline(marks, Inline::NoteRef(label)));
                true
            }
            "frame" => {
                if let Some(picture) = self.frame(e) {
                    out.push(Run::Inline(marks, picture));
                }
                true
            }
            // Cross-references are links to what they name.
            "bookmark-ref" | "reference-ref" | "sequence-ref" | "note-ref" => {
                let text = e.text();
                let target = e.attr("ref-name").unwrap_or("");
                if !text.trim().is_empty() {
                    out.push(Run::Inline(
                        marks,
                        Inline::Link {
                            target: format!("#{target}"),
                            content: vec![Inline::Text(text)],
                        },
                    ));
                }
                true
            }
            _ => false,
        }
    }
}

/// Inlines without the spaces at their ends (a caption without its picture).
fn odf_trim(mut inlines: Vec<Inline>) -> Vec<Inline> {
    if let Some(Inline::Text(t)) = inlines.first_mut() {
        *t = t.trim_start().to_string();
    }
    if let Some(Inline::Text(t)) = inlines.last_mut() {
        *t = t.trim_end().to_string();
    }
    inlines.retain(|i| !matches!(i, Inline::Text(t) if t.is_empty()));
    inlines
}

/// The text of a code line: spaces, tabs and line breaks as they are.
fn code_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for i in inlines {
        match i {
            Inline::LineBreak => out.push('\n'),
            Inline::Strong(c)
            | Inline::Emph(c)
            | Inline::Strike(c)
            | Inline::Superscript(c)
            | Inline::Subscript(c) => out.push_str(&code_text(c)),
            Inline::Link { content, .. } => out.push_str(&code_text(content)),
            other => out.push_str(&markdown::plain_text(std::slice::from_ref(other))),
        }
    }
    out.trim_end().to_string()
}

/// An ODF length in pixels at 96 per inch; a bare number is pixels.
fn length_px(length: &str) -> Option<u32> {
    let inches = odf::length_inches(length)
        .or_else(|| length.trim().parse::<f64>().ok().map(|px| px / 96.0))?;
    let px = (inches * 96.0).round();
    (1.0..=100_000.0).contains(&px).then_some(px as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(body: &str, styles: &str) -> String {
        let xml = format!(
            r#"<?xml version="1.0"?><office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:mimetype="application/vnd.oasis.opendocument.text"><office:styles>{styles}</office:styles><office:body><office:text>{body}</office:text></office:body></office:document>"#
        );
        OdtConverter
            .convert(xml.as_bytes(), &ConvertOptions::default())
            .unwrap()
            .markdown
    }

    #[test]
    fn headings_code_quotes_and_notes_by_style() {
        let styles = r#"<style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph"/><style:style style:name="P1" style:family="paragraph" style:parent-style-name="Heading_20_2"/><style:style style:name="Preformatted_20_Text" style:family="paragraph"/><style:style style:name="Quotations" style:family="paragraph"/><style:style style:name="B" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>"#;
        let body = r#"<text:h text:outline-level="1">Title</text:h><text:p text:style-name="P1">By style</text:p><text:p text:style-name="Preformatted_20_Text">def f():</text:p><text:p text:style-name="Preformatted_20_Text"><text:s text:c="4"/>return 1</text:p><text:p text:style-name="Quotations">Quoted <text:span text:style-name="B">bold</text:span></text:p><text:p>Text<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>The note.</text:p></text:note-body></text:note> after.</text:p>"#;
        assert_eq!(
            flat(body, styles),
            "# Title\n\n## By style\n\n```\ndef f():\n    return 1\n```\n\n> Quoted **bold**\n\nText[^1] after.\n\n[^1]: The note.\n"
        );
    }

    #[test]
    fn lists_continue_their_numbering_and_tables_keep_spans() {
        let styles = r#"<text:list-style style:name="L1"><text:list-level-style-number text:level="1"/><text:list-level-style-bullet text:level="2"/></text:list-style>"#;
        let body = r#"<text:list text:style-name="L1"><text:list-item><text:p>one</text:p><text:list><text:list-item><text:p>bullet</text:p></text:list-item></text:list></text:list-item></text:list><text:p>between</text:p><text:list text:style-name="L1" text:continue-numbering="true"><text:list-item><text:p>two</text:p></text:list-item></text:list><table:table><table:table-header-rows><table:table-row><table:table-cell table:number-columns-spanned="2"><text:p>H</text:p></table:table-cell><table:covered-table-cell/></table:table-row></table:table-header-rows><table:table-row><table:table-cell><text:p>a</text:p></table:table-cell><table:table-cell><text:p>b</text:p></table:table-cell></table:table-row></table:table>"#;
        assert_eq!(
            flat(body, styles),
            "1. one\n   - bullet\n\nbetween\n\n2. two\n\n<table>\n<thead>\n<tr>\n<th colspan=\"2\">H</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>a</td>\n<td>b</td>\n</tr>\n</tbody>\n</table>\n"
        );
    }

    #[test]
    fn a_list_header_is_unnumbered() {
        let styles = r#"<text:list-style style:name="L1"><text:list-level-style-number text:level="1"/></text:list-style>"#;
        let body = r#"<text:list text:style-name="L1"><text:list-header><text:p>Intro</text:p></text:list-header><text:list-item><text:p>first</text:p></text:list-item><text:list-item><text:p>second</text:p></text:list-item></text:list>"#;
        assert_eq!(flat(body, styles), "Intro\n\n1. first\n2. second\n");
    }

    #[test]
    fn lengths_in_pixels() {
        assert_eq!(length_px("2.54cm"), Some(96));
        assert_eq!(length_px("1in"), Some(96));
        assert_eq!(length_px("72pt"), Some(96));
        assert_eq!(length_px("bad"), None);
    }
}
