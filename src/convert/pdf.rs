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
use std::panic::{AssertUnwindSafe, catch_unwind};

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
        let doc = load(bytes)?;
        // lopdf decrypts files whose user password is empty while loading; an `Encrypt` entry
        // still in the trailer means a real password is needed.
        if doc.trailer.get(b"Encrypt").is_ok() {
            return Err(ConvertError::Encrypted(
                "the PDF is encrypted with a password; docproc cannot open it".into(),
            ));
        }
        let page_count = doc.get_pages().len();
        if page_count == 0 {
            return Err(ConvertError::Corrupt("the PDF has no pages".into()));
        }
        check_forms(&doc)?;
        let mut metadata = info_metadata(&doc);
        metadata.insert("page_count".into(), page_count.to_string());
        metadata.insert("pdf_version".into(), doc.version.clone());
        if doc.was_encrypted() {
            metadata.insert("encrypted".into(), "true (empty user password)".into());
        }
        let mut collector = Collector::default();
        let interpreted = catch_unwind(AssertUnwindSafe(|| {
            pdf_extract::output_doc(&doc, &mut collector)
        }));
        collector.end_page().ok();
        let problem = match interpreted {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(output_error(e)),
            Err(panic) => Some(ConvertError::Internal(super::panic_message(panic))),
        };
        let chars: usize = collector.pages.iter().map(|p| p.glyphs.len()).sum();
        let blocks = if chars > 0 && problem.is_none() {
            layout(&collector.pages, options.page_markers)
        } else {
            // pdf-extract failed or saw no text (fonts it cannot decode: CID fonts without a
            // Unicode map, predefined CJK encodings): lopdf's simpler text extraction often still
            // reads them. Failing that, keep what pdf-extract got before it stopped.
            match fallback_text(&doc, options.page_markers) {
                Some(blocks) => {
                    metadata.insert("text_extraction".into(), "fallback".into());
                    if let Some(problem) = &problem {
                        log::debug!("pdf-extract failed ({problem}); used lopdf's text extraction");
                    }
                    blocks
                }
                None if chars > 0 => {
                    metadata.insert("text_extraction".into(), "partial".into());
                    layout(&collector.pages, options.page_markers)
                }
                None => match problem {
                    Some(problem) => return Err(problem),
                    None => {
                        metadata.insert("has_text_layer".into(), "false".into());
                        return Err(ConvertError::NeedsOcr(format!(
                            "no text layer in {page_count} page{}: the pages are images (scanned?) and need OCR",
                            if page_count == 1 { "" } else { "s" }
                        )));
                    }
                },
            }
        };
        metadata.insert("has_text_layer".into(), "true".into());
        Ok(Converted {
            markdown: markdown::render(&blocks),
            metadata,
        })
    }
}

/// Plain text per page from lopdf's own extractor: lines joined into paragraphs at blank lines.
/// `None` when it finds no text either.
fn fallback_text(doc: &pdf_extract::Document, page_markers: bool) -> Option<Vec<Block>> {
    let mut blocks = Vec::new();
    let mut any_text = false;
    for &number in doc.get_pages().keys() {
        let text = catch_unwind(AssertUnwindSafe(|| doc.extract_text(&[number])))
            .ok()
            .and_then(Result::ok)
            .unwrap_or_default();
        if page_markers {
            blocks.push(Block::Comment(format!("page {number}")));
        }
        let mut paragraph: Vec<String> = Vec::new();
        let flush = |paragraph: &mut Vec<String>, blocks: &mut Vec<Block>| {
            if !paragraph.is_empty() {
                let para = Para {
                    lines: paragraph
                        .drain(..)
                        .map(|text| Line {
                            y: 0.0,
                            x0: 0.0,
                            x1: 0.0,
                            size: 0.0,
                            text,
                            last_x: 0.0,
                            last_advance_known: true,
                        })
                        .collect(),
                };
                blocks.push(Block::Paragraph(vec![Inline::Text(para.text())]));
            }
        };
        for line in text.lines() {
            let line: String = normalise_glyph(line)
                .chars()
                .filter(|c| !c.is_control())
                .collect();
            if line.trim().is_empty() {
                flush(&mut paragraph, &mut blocks);
            } else {
                any_text |= line.chars().any(char::is_alphanumeric);
                paragraph.push(line.trim().to_string());
            }
        }
        flush(&mut paragraph, &mut blocks);
    }
    any_text.then_some(blocks)
}

/// Loads the document; a file whose cross-reference table is damaged (a common way for PDFs to
/// break: truncated downloads, bad incremental saves) gets a second chance with a rebuilt table.
fn load(bytes: &[u8]) -> Result<pdf_extract::Document, ConvertError> {
    match pdf_extract::Document::load_mem(bytes) {
        Ok(doc) => Ok(doc),
        Err(first) => {
            let repaired = rebuild_xref(bytes)
                .and_then(|fixed| pdf_extract::Document::load_mem(&fixed).ok())
                .filter(|doc| !doc.get_pages().is_empty());
            match repaired {
                Some(doc) => {
                    log::debug!("loaded after rebuilding the cross-reference table ({first})");
                    Ok(doc)
                }
                None => Err(load_error(first)),
            }
        }
    }
}

/// Rebuilds a classic cross-reference table by scanning the file for `N G obj` headers (later
/// definitions win, as with incremental updates), and appends it with a trailer that points at
/// the catalog. Objects inside object streams cannot be found this way; this is a fallback.
fn rebuild_xref(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut offsets: std::collections::BTreeMap<u32, (usize, u16)> = Default::default();
    let mut from = 0;
    while let Some(found) = find(&bytes[from..], b"obj") {
        let at = from + found;
        from = at + 3;
        let after = bytes.get(at + 3).copied();
        if after.is_some_and(|c| !(c.is_ascii_whitespace() || b"<[/(".contains(&c))) {
            continue;
        }
        if let Some((start, num, generation)) = object_header_before(bytes, at) {
            offsets.insert(num, (start, generation));
        }
    }
    // Absurd object numbers (2147483647 in a ten-object file) would make a gigantic table: the
    // PDF limit is 8388607, and far-out numbers among few objects are damage, not content.
    let plausible = (offsets.len() as u32)
        .saturating_mul(100)
        .saturating_add(10_000)
        .min(8_388_607);
    offsets.retain(|&num, _| num <= plausible);
    let (&max, _) = offsets.last_key_value()?;
    let trailer = find_last(bytes, b"trailer")
        .map(|t| &bytes[t..])
        .unwrap_or(&[]);
    let root = reference_after(trailer, b"/Root").or_else(|| {
        offsets.iter().find_map(|(&num, &(start, generation))| {
            let end = find(&bytes[start..], b"endobj").map_or(bytes.len(), |e| start + e);
            let body = &bytes[start..end.min(start + 4096)];
            (find(body, b"/Catalog").is_some()).then(|| format!("{num} {generation} R"))
        })
    })?;
    let mut out = bytes.to_vec();
    out.push(b'\n');
    let xref_at = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n", max + 1).as_bytes());
    for num in 0..=max {
        let entry = match offsets.get(&num) {
            Some((offset, generation)) => format!("{offset:010} {generation:05} n \n"),
            None => "0000000000 65535 f \n".to_string(),
        };
        out.extend_from_slice(entry.as_bytes());
    }
    let mut dict = format!("/Size {} /Root {root}", max + 1);
    for key in [&b"/Info"[..], b"/Encrypt"] {
        if let Some(r) = reference_after(trailer, key) {
            dict.push_str(&format!(" {} {r}", String::from_utf8_lossy(key)));
        }
    }
    out.extend_from_slice(
        format!("trailer\n<< {dict} >>\nstartxref\n{xref_at}\n%%EOF\n").as_bytes(),
    );
    Some(out)
}

/// For `obj` at `at`, the start offset, number and generation of an `N G obj` header.
fn object_header_before(bytes: &[u8], at: usize) -> Option<(usize, u32, u16)> {
    let mut i = at;
    let skip_space = |i: &mut usize| {
        while *i > 0 && bytes[*i - 1].is_ascii_whitespace() {
            *i -= 1;
        }
    };
    let digits = |i: &mut usize| -> Option<u64> {
        let end = *i;
        while *i > 0 && bytes[*i - 1].is_ascii_digit() && end - *i < 10 {
            *i -= 1;
        }
        std::str::from_utf8(&bytes[*i..end]).ok()?.parse().ok()
    };
    skip_space(&mut i);
    let generation = digits(&mut i)?;
    let before_gen = i;
    skip_space(&mut i);
    if i == before_gen {
        return None;
    }
    let num = digits(&mut i)?;
    if i > 0 && !bytes[i - 1].is_ascii_whitespace() {
        return None;
    }
    Some((i, u32::try_from(num).ok()?, u16::try_from(generation).ok()?))
}

/// `N G R` after a key such as `/Root` in a dictionary's text.
fn reference_after(text: &[u8], key: &[u8]) -> Option<String> {
    let at = find(text, key)? + key.len();
    let rest = String::from_utf8_lossy(&text[at..text.len().min(at + 40)]).into_owned();
    let mut parts = rest.split_whitespace();
    let num: u32 = parts.next()?.parse().ok()?;
    let generation: u16 = parts.next()?.parse().ok()?;
    (parts.next()?.starts_with('R')).then(|| format!("{num} {generation} R"))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// How many form XObjects a page may draw, counting repeats (each is interpreted again).
const MAX_FORM_DRAWS: u64 = 100_000;
/// How deeply forms may nest.
const MAX_FORM_DEPTH: usize = 64;

/// Refuses documents whose form XObjects draw each other in a cycle or multiply into millions of
/// drawings (a "billion laughs" of PDF): pdf-extract would recurse until memory runs out.
fn check_forms(doc: &pdf_extract::Document) -> Result<(), ConvertError> {
    let mut memo: HashMap<pdf_extract::ObjectId, u64> = HashMap::new();
    for (_, page_id) in doc.get_pages() {
        let Ok((direct, inherited)) = doc.get_page_resources(page_id) else {
            continue;
        };
        let mut xobjects: Vec<&pdf_extract::Dictionary> = Vec::new();
        let resources = direct.into_iter().chain(
            inherited
                .iter()
                .filter_map(|id| doc.get_dictionary(*id).ok()),
        );
        for dict in resources {
            if let Ok(x) = dict.get_deref(b"XObject", doc).and_then(Object::as_dict) {
                xobjects.push(x);
            }
        }
        if !xobjects.iter().any(|x| has_form(doc, x)) {
            continue;
        }
        let Ok(content) = doc.get_page_content(page_id) else {
            continue;
        };
        let mut stack = Vec::new();
        form_draws(doc, &content, &xobjects, &mut memo, &mut stack)?;
    }
    Ok(())
}

fn has_form(doc: &pdf_extract::Document, xobjects: &pdf_extract::Dictionary) -> bool {
    xobjects.iter().any(|(_, x)| {
        doc.dereference(x)
            .ok()
            .and_then(|(_, o)| o.as_stream().ok())
            .is_some_and(|s| {
                s.dict
                    .get(b"Subtype")
                    .and_then(Object::as_name)
                    .is_ok_and(|n| n == b"Form")
            })
    })
}

/// The number of forms drawn by a content stream, forms inside forms included.
fn form_draws(
    doc: &pdf_extract::Document,
    content: &[u8],
    xobjects: &[&pdf_extract::Dictionary],
    memo: &mut HashMap<pdf_extract::ObjectId, u64>,
    stack: &mut Vec<pdf_extract::ObjectId>,
) -> Result<u64, ConvertError> {
    // Undecodable content is pdf-extract's problem to report, not a form bomb.
    let Ok(content) = pdf_extract::content::Content::decode(content) else {
        return Ok(0);
    };
    let mut total: u64 = 0;
    for op in content.operations.iter().filter(|op| op.operator == "Do") {
        let Some(name) = op.operands.first().and_then(|o| o.as_name().ok()) else {
            continue;
        };
        let Some(id) = xobjects
            .iter()
            .find_map(|x| x.get(name).ok()?.as_reference().ok())
        else {
            continue;
        };
        let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
            continue;
        };
        if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form".as_slice()) {
            continue;
        }
        if stack.contains(&id) {
            return Err(ConvertError::Corrupt(format!(
                "form XObject {} {} draws itself (a cycle): the PDF cannot be rendered",
                id.0, id.1
            )));
        }
        if stack.len() >= MAX_FORM_DEPTH {
            return Err(ConvertError::ResourceLimit(format!(
                "form XObjects nest more than {MAX_FORM_DEPTH} deep"
            )));
        }
        let inner = match memo.get(&id) {
            Some(&n) => n,
            None => {
                let own = stream
                    .dict
                    .get_deref(b"Resources", doc)
                    .and_then(Object::as_dict)
                    .ok();
                let own_x =
                    own.and_then(|r| r.get_deref(b"XObject", doc).and_then(Object::as_dict).ok());
                let child_x: Vec<&pdf_extract::Dictionary> = match (own, own_x) {
                    (_, Some(x)) => vec![x],
                    (Some(_), None) => Vec::new(),
                    // No resources of its own: the form uses its parent's.
                    (None, None) => xobjects.to_vec(),
                };
                let data = stream
                    .decompressed_content()
                    .unwrap_or_else(|_| stream.content.clone());
                stack.push(id);
                let n = form_draws(doc, &data, &child_x, memo, stack)?;
                stack.pop();
                memo.insert(id, n);
                n
            }
        };
        total = total.saturating_add(1).saturating_add(inner);
        if total > MAX_FORM_DRAWS {
            return Err(ConvertError::ResourceLimit(format!(
                "the PDF's form XObjects multiply into more than {MAX_FORM_DRAWS} drawings on one page"
            )));
        }
    }
    Ok(total)
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

/// One character as drawn: position of its origin, size and advance. The collector stores PDF
/// coordinates (y grows upwards); [`orient`] turns them into reading coordinates (x along the
/// text, y growing downwards).
#[derive(Debug, Clone)]
struct Glyph {
    x: f64,
    y: f64,
    size: f64,
    advance: f64,
    /// Text direction in quarter turns counter-clockwise (0: left to right).
    quarter_turns: u8,
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
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        page_num: u32,
        _media_box: &MediaBox,
        _: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.end_page()?;
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
        let (x, y) = (trm.m31, trm.m32);
        let angle = trm.m12.atan2(trm.m11);
        let quarter_turns =
            ((angle / std::f64::consts::FRAC_PI_2).round() as i64).rem_euclid(4) as u8;
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
        let advance = (width * font_size * scale_x).abs();
        log::trace!("glyph {text:?} x={x:.2} y={y:.2} size={size:.2} advance={advance:.2}");
        page.glyphs.push(Glyph {
            x,
            y,
            size,
            advance,
            quarter_turns,
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
    /// Origin of the last glyph, and whether its advance width was known.
    last_x: f64,
    last_advance_known: bool,
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
        .map(|p| paragraphs(&lines(&orient(&p.glyphs))))
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

/// Reading coordinates for a page: rotated so that the page's most common text direction runs
/// left to right, with y growing downwards (pages printed in landscape, rotated scans).
fn orient(glyphs: &[Glyph]) -> Vec<Glyph> {
    let mut counts = [0usize; 4];
    for g in glyphs {
        counts[g.quarter_turns as usize % 4] += 1;
    }
    let turns = (0..4)
        .max_by_key(|&t| (counts[t], std::cmp::Reverse(t)))
        .unwrap_or(0);
    let (cos, sin) = [(1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0)][turns];
    glyphs
        .iter()
        .map(|g| Glyph {
            x: g.x * cos + g.y * sin,
            y: g.x * sin - g.y * cos,
            ..g.clone()
        })
        .collect()
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
                // Some fonts report no widths (advance 0). Then only the distance between glyph
                // origins is known: more than a wide letter plus a space means a word gap.
                let word_gap = if line.last_advance_known {
                    g.x - line.x1 > 0.15 * g.size
                } else {
                    g.x - line.last_x > 1.1 * g.size
                };
                if (pending_space || word_gap) && !line.text.ends_with(' ') {
                    line.text.push(' ');
                }
                pending_space = false;
                line.text.push_str(&normalise_glyph(&g.text));
                line.x1 = line.x1.max(g.x + estimated_advance(g));
                line.last_x = g.x;
                line.last_advance_known = advance_known(g);
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
            x1: g.x + estimated_advance(g),
            size: g.size,
            text: normalise_glyph(&g.text),
            last_x: g.x,
            last_advance_known: advance_known(g),
        });
    }
    lines.extend(current);
    lines.retain(|l| !l.text.trim().is_empty());
    lines
}

fn advance_known(g: &Glyph) -> bool {
    g.advance > 0.05 * g.size
}

/// The glyph's advance, or half an em when the font did not say.
fn estimated_advance(g: &Glyph) -> f64 {
    if advance_known(g) {
        g.advance
    } else {
        0.5 * g.size
    }
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
                // The collector keeps PDF coordinates: y grows upwards.
                y: 800.0 - y,
                size,
                advance,
                quarter_turns: 0,
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
