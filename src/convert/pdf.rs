//! PDF: pdf-extract interprets the content streams; this module lays the characters out.
//!
//! pdf-extract's `OutputDev` hands over every character with its text matrix, font size and
//! advance width. [`Collector`] keeps them per page; [`layout`] joins characters into lines (a gap
//! wider than a fraction of the font size is a space), lines into paragraphs (a vertical gap
//! larger than the page's usual line pitch, a change of font size, a list marker or an indented
//! first line starts a new one), re-joins words hyphenated at line ends, and marks as headings
//! the short paragraphs set larger than the body text (the most common size), ranked by size.
//! Each page starts with `<!-- page N -->` unless `--page-markers none`.
//!
//! Before any of that the file is loaded with lopdf: a PDF that needs a user password fails with
//! `encrypted` (pdf-extract would return empty text for some of them), one without any text fails
//! with `needs_ocr`, and a damaged one with `corrupt`.

use std::collections::HashMap;

use pdf_extract::{MediaBox, Object, OutputDev, OutputError, Transform};

use super::{ConvertError, ConvertOptions, Converted, Converter, Metadata};
use crate::markdown::{self, Block, FlatItem, Inline};

pub struct PdfConverter;

impl Converter for PdfConverter {
    fn name(&self) -> &'static str {
        "pdf"
    }

    fn version(&self) -> &'static str {
        "1"
    }

    fn convert(&self, bytes: &[u8], options: &ConvertOptions) -> Result<Converted, ConvertError> {
        let doc = pdf_extract::Document::load_mem(bytes).map_err(load_error)?;
        if doc.is_encrypted() {
            return Err(ConvertError::Encrypted(
                "the PDF is encrypted with a password; docproc cannot open it".into(),
            ));
        }
        let page_count = doc.get_pages().len();
        if page_count == 0 {
            return Err(ConvertError::Corrupt("the PDF has no pages".into()));
        }
        let mut metadata = info_metadata(&doc);
        metadata.insert("page_count".into(), page_count.to_string());
        metadata.insert("pdf_version".into(), doc.version.clone());
        if doc.was_encrypted() {
            metadata.insert("encrypted".into(), "true (empty user password)".into());
        }
        let mut collector = Collector::default();
        pdf_extract::output_doc(&doc, &mut collector).map_err(output_error)?;
        collector.end_page().ok();
        let chars: usize = collector.pages.iter().map(|p| p.glyphs.len()).sum();
        metadata.insert("has_text_layer".into(), (chars > 0).to_string());
        if chars == 0 {
            return Err(ConvertError::NeedsOcr(format!(
                "no text layer in {page_count} page{}: the pages are images (scanned?) and need OCR",
                if page_count == 1 { "" } else { "s" }
            )));
        }
        let blocks = layout(&collector.pages, options.page_markers);
        Ok(Converted {
            markdown: markdown::render(&blocks),
            metadata,
        })
    }
}

fn load_error(e: pdf_extract::Error) -> ConvertError {
    use pdf_extract::Error;
    match e {
        Error::Decryption(e) => ConvertError::Encrypted(format!("cannot decrypt the PDF: {e}")),
        Error::InvalidPassword => ConvertError::Encrypted(
            "the PDF is encrypted with a password; docproc cannot open it".into(),
        ),
        Error::Unimplemented(what) => {
            ConvertError::Unsupported(format!("unsupported PDF feature: {what}"))
        }
        other => ConvertError::Corrupt(format!("damaged PDF: {other}")),
    }
}

fn output_error(e: OutputError) -> ConvertError {
    match e {
        OutputError::PdfError(e) => load_error(e),
        other => ConvertError::Corrupt(format!("cannot read the PDF's content: {other:?}")),
    }
}

/// Title, author and dates from the document information dictionary.
fn info_metadata(doc: &pdf_extract::Document) -> Metadata {
    let mut metadata = Metadata::new();
    let info = doc.trailer.get(b"Info").ok().and_then(|o| match o {
        Object::Reference(id) => doc.get_dictionary(*id).ok(),
        Object::Dictionary(d) => Some(d),
        _ => None,
    });
    let Some(info) = info else { return metadata };
    for (field, key) in [
        (&b"Title"[..], "title"),
        (b"Author", "author"),
        (b"Subject", "subject"),
        (b"Keywords", "keywords"),
        (b"Creator", "creator"),
        (b"Producer", "producer"),
        (b"CreationDate", "created"),
        (b"ModDate", "modified"),
    ] {
        let value = info.get(field).ok().and_then(|o| match o {
            Object::String(bytes, _) => Some(decode_pdf_string(bytes)),
            Object::Reference(id) => match doc.get_object(*id).ok()? {
                Object::String(bytes, _) => Some(decode_pdf_string(bytes)),
                _ => None,
            },
            _ => None,
        });
        if let Some(value) = value
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
        {
            metadata.insert(key.into(), value);
        }
    }
    metadata
}

/// PDF text strings: UTF-16BE with a byte order mark, else PDFDocEncoding (close to Latin-1).
fn decode_pdf_string(bytes: &[u8]) -> String {
    if bytes.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16_lossy(&units)
            .chars()
            .filter(|c| !c.is_control())
            .collect();
    }
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(&bytes[3..]).into_owned();
    }
    bytes
        .iter()
        .map(|&b| b as char)
        .filter(|c| !c.is_control())
        .collect()
}

/// One character as drawn: position of its origin (y grows downwards), size and advance.
#[derive(Debug, Clone)]
struct Glyph {
    x: f64,
    y: f64,
    size: f64,
    advance: f64,
    text: String,
}

#[derive(Debug, Default)]
struct Page {
    number: u32,
    glyphs: Vec<Glyph>,
}

/// Collects the characters pdf-extract reports, page by page.
#[derive(Default)]
struct Collector {
    pages: Vec<Page>,
    current: Option<Page>,
    page_top: f64,
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        page_num: u32,
        media_box: &MediaBox,
        _: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.end_page()?;
        self.page_top = media_box.ury;
        self.current = Some(Page {
            number: page_num,
            glyphs: Vec::new(),
        });
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        if let Some(page) = self.current.take() {
            self.pages.push(page);
        }
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        let Some(page) = self.current.as_mut() else {
            return Ok(());
        };
        let scale_x = trm.m11.hypot(trm.m12);
        let scale_y = trm.m21.hypot(trm.m22);
        let size = (font_size * scale_y).abs();
        let (x, y) = (trm.m31, self.page_top - trm.m32);
        if !(x.is_finite() && y.is_finite() && size.is_finite()) {
            return Ok(());
        }
        let text: String = text
            .chars()
            .filter(|c| !c.is_control() || *c == '\t')
            .collect();
        if text.is_empty() {
            return Ok(());
        }
        // Some generators draw text at size 0 or with absurd matrices; keep it readable anyway.
        let size = if size < 0.5 { 1.0 } else { size };
        page.glyphs.push(Glyph {
            x,
            y,
            size,
            advance: (width * font_size * scale_x).abs(),
            text,
        });
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

/// A line of text on a page.
#[derive(Debug, Clone)]
struct Line {
    /// Baseline, from the top of the page.
    y: f64,
    x0: f64,
    x1: f64,
    size: f64,
    text: String,
}

/// A paragraph being assembled from lines.
#[derive(Debug, Clone)]
struct Para {
    lines: Vec<Line>,
}

impl Para {
    fn size(&self) -> f64 {
        // The size most of the paragraph's text is set in.
        let mut best = (0usize, self.lines[0].size);
        let mut by_size: HashMap<i64, usize> = HashMap::new();
        for line in &self.lines {
            let n = by_size.entry((line.size * 2.0).round() as i64).or_default();
            *n += line.text.len();
            if *n > best.0 {
                best = (*n, line.size);
            }
        }
        best.1
    }

    fn text(&self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            let text = line.text.trim();
            if out.is_empty() {
                out.push_str(text);
                continue;
            }
            // Re-join a word hyphenated at the end of the previous line.
            let hyphenated = out.ends_with('-')
                && out[..out.len() - 1]
                    .chars()
                    .last()
                    .is_some_and(char::is_alphabetic)
                && text.chars().next().is_some_and(char::is_lowercase);
            // A soft hyphen at the end of a line joins the same way as a hyphenated word.
            if hyphenated || out.ends_with('\u{ad}') {
                out.pop();
            } else {
                out.push(' ');
            }
            out.push_str(text);
        }
        out.replace('\u{ad}', "")
    }
}

/// Lays the pages out as blocks.
fn layout(pages: &[Page], page_markers: bool) -> Vec<Block> {
    let body = body_size(pages);
    let page_paras: Vec<Vec<Para>> = pages
        .iter()
        .map(|p| paragraphs(&lines(&p.glyphs)))
        .collect();
    let heading_sizes = heading_sizes(&page_paras, body);
    let mut blocks = Vec::new();
    for (page, paras) in pages.iter().zip(&page_paras) {
        if page_markers {
            blocks.push(Block::Comment(format!("page {}", page.number)));
        }
        let mut list: Vec<FlatItem> = Vec::new();
        let mut list_indents: Vec<f64> = Vec::new();
        for para in paras {
            let text = para.text();
            if text.is_empty() {
                continue;
            }
            if let Some((ordered, start, rest)) = list_marker(&text) {
                let x0 = para.lines[0].x0;
                let level = match list_indents.iter().position(|&x| (x - x0).abs() < 4.0) {
                    Some(level) => level,
                    None => {
                        list_indents.push(x0);
                        list_indents.sort_by(f64::total_cmp);
                        list_indents.iter().position(|&x| x == x0).unwrap_or(0)
                    }
                };
                list.push(FlatItem {
                    level,
                    ordered,
                    start,
                    blocks: vec![Block::Paragraph(vec![Inline::Text(rest.to_string())])],
                });
                continue;
            }
            if !list.is_empty() {
                blocks.extend(markdown::build_lists(std::mem::take(&mut list)));
                list_indents.clear();
            }
            let size = para.size();
            let level = heading_sizes
                .iter()
                .position(|&s| (s - round_half(size)).abs() < 0.01);
            match level {
                Some(level) if is_heading_text(&text, para) => blocks.push(Block::Heading {
                    level: (level + 1).min(6) as u8,
                    content: vec![Inline::Text(text)],
                }),
                _ => blocks.push(Block::Paragraph(vec![Inline::Text(text)])),
            }
        }
        if !list.is_empty() {
            blocks.extend(markdown::build_lists(list));
        }
    }
    blocks
}

fn round_half(size: f64) -> f64 {
    (size * 2.0).round() / 2.0
}

/// The body text size: the size the most characters are set in.
fn body_size(pages: &[Page]) -> f64 {
    let mut counts: HashMap<i64, usize> = HashMap::new();
    for glyph in pages.iter().flat_map(|p| &p.glyphs) {
        *counts.entry((glyph.size * 2.0).round() as i64).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|&(size, n)| (n, -size))
        .map_or(10.0, |(s, _)| s as f64 / 2.0)
}

/// Sizes (rounded to half points) that mark headings, largest first: clearly larger than the body
/// and used for few, short paragraphs.
fn heading_sizes(pages: &[Vec<Para>], body: f64) -> Vec<f64> {
    let mut usage: HashMap<i64, (usize, usize)> = HashMap::new();
    for para in pages.iter().flatten() {
        let size = round_half(para.size());
        let entry = usage.entry((size * 2.0) as i64).or_default();
        entry.0 += 1;
        entry.1 += para.lines.iter().map(|l| l.text.len()).sum::<usize>();
    }
    let total_chars: usize = usage.values().map(|u| u.1).sum();
    let mut sizes: Vec<f64> = usage
        .into_iter()
        .filter(|&(size, (_, chars))| {
            let size = size as f64 / 2.0;
            size >= body * 1.15 && size >= body + 1.0 && chars * 4 < total_chars.max(1)
        })
        .map(|(size, _)| size as f64 / 2.0)
        .collect();
    sizes.sort_by(|a, b| b.total_cmp(a));
    sizes.truncate(6);
    sizes
}

fn is_heading_text(text: &str, para: &Para) -> bool {
    para.lines.len() <= 3 && text.chars().count() <= 200 && text.chars().any(char::is_alphabetic)
}

/// A bullet or number at the start of a paragraph: (ordered, number, text after the marker).
fn list_marker(text: &str) -> Option<(bool, u64, &str)> {
    let mut chars = text.char_indices();
    let (_, first) = chars.next()?;
    if matches!(
        first,
        '•' | '◦' | '▪' | '▫' | '‣' | '●' | '○' | '■' | '□' | '–' | '\u{f0b7}' | '·'
    ) {
        let rest = text[first.len_utf8()..].trim_start();
        return (!rest.is_empty()).then_some((false, 1, rest));
    }
    if matches!(first, '-' | '*') && text[1..].starts_with(' ') {
        let rest = text[1..].trim_start();
        return (!rest.is_empty()).then_some((false, 1, rest));
    }
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        let after = &text[digits..];
        if (after.starts_with(". ") || after.starts_with(") ")) && after.len() > 2 {
            let number = text[..digits].parse().unwrap_or(1);
            return Some((true, number, after[2..].trim_start()));
        }
    }
    None
}

/// Joins characters into lines, in the order the content stream draws them.
fn lines(glyphs: &[Glyph]) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    let mut current: Option<Line> = None;
    let mut pending_space = false;
    for g in glyphs {
        let blank = g.text.trim().is_empty();
        if let Some(line) = current.as_mut() {
            let tolerance = 0.5 * g.size.max(line.size).min(2.0 * g.size.min(line.size));
            let same_line = (g.y - line.y).abs() <= tolerance && g.x >= line.x1 - 1.5 * g.size;
            if same_line {
                if blank {
                    pending_space = true;
                    line.x1 = line.x1.max(g.x + g.advance);
                    continue;
                }
                let gap = g.x - line.x1;
                if (pending_space || gap > 0.15 * g.size) && !line.text.ends_with(' ') {
                    line.text.push(' ');
                }
                pending_space = false;
                line.text.push_str(&normalise_glyph(&g.text));
                line.x1 = line.x1.max(g.x + g.advance);
                // Superscripts and drop caps must not change the line's baseline or size much.
                if g.size > line.size
                    && !g.text.trim().is_empty()
                    && (g.y - line.y).abs() < 0.1 * g.size
                {
                    line.size = g.size;
                }
                continue;
            }
            lines.push(current.take().expect("checked"));
        }
        pending_space = false;
        if blank {
            continue;
        }
        current = Some(Line {
            y: g.y,
            x0: g.x,
            x1: g.x + g.advance,
            size: g.size,
            text: normalise_glyph(&g.text),
        });
    }
    lines.extend(current);
    lines.retain(|l| !l.text.trim().is_empty());
    lines
}

/// Ligatures and other presentation forms to plain letters.
fn normalise_glyph(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{FB00}' => out.push_str("ff"),
            '\u{FB01}' => out.push_str("fi"),
            '\u{FB02}' => out.push_str("fl"),
            '\u{FB03}' => out.push_str("ffi"),
            '\u{FB04}' => out.push_str("ffl"),
            '\u{FB05}' | '\u{FB06}' => out.push_str("st"),
            '\t' | '\u{a0}' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Groups lines into paragraphs.
fn paragraphs(lines: &[Line]) -> Vec<Para> {
    let pitch = line_pitch(lines);
    let mut paras: Vec<Para> = Vec::new();
    for line in lines {
        let Some(para) = paras.last_mut() else {
            paras.push(Para {
                lines: vec![line.clone()],
            });
            continue;
        };
        let prev = para.lines.last().expect("paragraphs are never empty");
        let gap = line.y - prev.y;
        let size_change = (line.size - prev.size).abs() > 0.15 * prev.size.max(line.size);
        let max_gap = pitch
            .map_or(1.6 * prev.size, |p| p * 1.3 + 1.0)
            .min(2.5 * prev.size.max(line.size));
        let indented_first_line = line.x0 > prev.x0 + 0.8 * line.size
            && para.lines.len() >= 2
            && line.x0 - para.lines[0].x0.min(prev.x0) < 6.0 * line.size
            && list_marker(&para.lines[0].text).is_none();
        let para_x1 = para.lines.iter().map(|l| l.x1).fold(f64::MIN, f64::max);
        let prev_ended = prev.text.trim_end().ends_with(['.', '!', '?', ':'])
            && prev.x1 < para_x1 - 4.0 * prev.size
            && para.lines.len() >= 2;
        let new_para = gap <= 0.2 * line.size
            || gap > max_gap
            || size_change
            || list_marker(&line.text).is_some()
            || indented_first_line
            || prev_ended;
        if new_para {
            paras.push(Para {
                lines: vec![line.clone()],
            });
        } else {
            para.lines.push(line.clone());
        }
    }
    paras
}

/// The usual distance between consecutive baselines of same-size lines on a page.
fn line_pitch(lines: &[Line]) -> Option<f64> {
    let mut gaps: Vec<f64> = lines
        .windows(2)
        .filter(|w| (w[0].size - w[1].size).abs() < 0.5)
        .map(|w| w[1].y - w[0].y)
        .filter(|&g| g > 0.5 * lines[0].size.min(8.0))
        .collect();
    if gaps.len() < 3 {
        return None;
    }
    gaps.sort_by(f64::total_cmp);
    // The lower quartile: paragraph gaps are the larger ones.
    Some(gaps[gaps.len() / 4])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyphs(text: &str, x: f64, y: f64, size: f64) -> Vec<Glyph> {
        let advance = size * 0.5;
        text.chars()
            .enumerate()
            .map(|(i, c)| Glyph {
                x: x + i as f64 * advance,
                y,
                size,
                advance,
                text: c.to_string(),
            })
            .collect()
    }

    #[test]
    fn wrapped_lines_join_and_hyphens_rejoin() {
        let mut g = glyphs("A heading", 10.0, 20.0, 20.0);
        for (i, line) in ["This is a para-", "graph that wraps", "over three lines."]
            .iter()
            .enumerate()
        {
            g.extend(glyphs(line, 10.0, 60.0 + i as f64 * 12.0, 10.0));
        }
        g.extend(glyphs(
            "Second paragraph here.",
            10.0,
            60.0 + 3.0 * 12.0 + 10.0,
            10.0,
        ));
        for i in 0..4 {
            g.extend(glyphs(
                "more body text to set the size",
                10.0,
                200.0 + i as f64 * 12.0,
                10.0,
            ));
        }
        let page = Page {
            number: 1,
            glyphs: g,
        };
        let md = markdown::render(&layout(&[page], true));
        assert!(md.starts_with("<!-- page 1 -->\n\n# A heading\n\nThis is a paragraph that wraps over three lines.\n\nSecond paragraph here.\n"), "{md}");
    }

    #[test]
    fn bullets_become_list_items() {
        assert_eq!(list_marker("• first"), Some((false, 1, "first")));
        assert_eq!(list_marker("2. second"), Some((true, 2, "second")));
        assert_eq!(list_marker("2.5 is a number"), None);
        assert_eq!(list_marker("-5 degrees"), None);
    }

    #[test]
    fn pdf_strings_decode() {
        assert_eq!(decode_pdf_string(b"\xfe\xff\x00H\x00i"), "Hi");
        assert_eq!(decode_pdf_string(b"caf\xe9"), "café");
    }
}
