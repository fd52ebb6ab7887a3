//! PDF: the document is loaded (and repaired if need be) with lopdf, its characters are read by
//! pdf-extract or by docproc's own interpreter, and `layout.rs` turns them into Markdown.
//!
//! pdf-extract's `OutputDev` hands over every character with its text matrix, font size and
//! advance width; [`Collector`] keeps them per page. Where pdf-extract cannot read a document (it
//! fails, panics or sees no text) or would misread it (composite fonts without a Unicode map),
//! `interpret.rs` reads it instead. Each page starts with `<!-- page N -->` unless
//! `--page-markers none`.
//!
//! Failures: a PDF that needs a user password fails with `encrypted` (pdf-extract would return
//! empty text for some of them), one without any text with `needs_ocr`, a damaged one that cannot
//! be repaired with `corrupt`, form XObjects that recurse or multiply with `corrupt` or
//! `resource_limit`.

mod fonts;
mod interpret;
mod layout;
mod scan;
mod standard_widths;
mod structure;
mod tables;
mod tagged;

use std::panic::{AssertUnwindSafe, catch_unwind};

use pdf_extract::{MediaBox, Object, OutputDev, OutputError, Transform};

use super::{ConvertError, ConvertOptions, Converted, Converter, Metadata, Warning};
use crate::markdown;
use layout::{Glyph, Page};

pub struct PdfConverter;

impl Converter for PdfConverter {
    fn name(&self) -> &'static str {
        "pdf"
    }

    fn version(&self) -> &'static str {
        "6"
    }

    fn uses_ocr(&self) -> bool {
        true
    }

    fn convert(&self, bytes: &[u8], options: &ConvertOptions) -> Result<Converted, ConvertError> {
        let doc = structure::load(bytes)?;
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
        structure::check_page_tree(&doc)?;
        structure::check_forms(&doc)?;
        let mut metadata = info_metadata(&doc);
        if page_count as u64 > options.limits.max_pages {
            return Err(ConvertError::ResourceLimit(format!(
                "the PDF has {page_count} pages, more than --max-pages ({})",
                options.limits.max_pages
            )));
        }
        metadata.insert("page_count".into(), page_count.to_string());
        metadata.insert("pdf_version".into(), doc.version.clone());
        if doc.was_encrypted() {
            metadata.insert("encrypted".into(), "true (empty user password)".into());
        }
        let mut pages = read_pages(&doc, &mut metadata)?;
        interpret::clip_to_visible(&doc, &mut pages);
        let text_layer = pages.iter().any(|p| !p.glyphs.is_empty());
        let ocr = scan::recognize_pages(bytes, &mut pages, &options.ocr);
        let glyphs: usize = pages.iter().map(|p| p.glyphs.len()).sum();
        let warning = ocr_metadata(&ocr, &options.ocr, &mut metadata, page_count, glyphs == 0);
        metadata.insert("has_text_layer".into(), text_layer.to_string());
        // A structure tree that accounts for the text says what each piece is; otherwise the
        // layout is read from the characters' sizes, fonts and positions.
        let tagged = tagged::structure_tree(&doc)
            .and_then(|tree| tagged::layout(&tree, &pages, options.page_markers));
        metadata.insert(
            "pdf_structure".into(),
            if tagged.is_some() { "tags" } else { "layout" }.into(),
        );
        let blocks = tagged.unwrap_or_else(|| {
            layout::layout(&pages, options.page_markers, &structure::outline(&doc))
        });
        Ok(Converted {
            markdown: markdown::render(&blocks),
            metadata,
            warning,
            attachments: Vec::new(),
        })
    }
}

/// The Markdown blocks of recognised images, one page each (words, image height in pixels,
/// resolution): image files go through the same layout as scanned PDF pages.
pub(crate) fn recognized_blocks(
    pages: &[(Vec<crate::ocr::Word>, u32, f64)],
    page_markers: bool,
) -> Vec<markdown::Block> {
    let pages: Vec<Page> = pages
        .iter()
        .enumerate()
        .map(|(i, (words, height, dpi))| scan::page_of_words(i as u32 + 1, words, *height, *dpi))
        .collect();
    layout::layout(&pages, page_markers, &[])
}

/// Records what OCR did (pages, confidence, engine) and returns the document's warning: scans
/// that OCR could not read are `needs_ocr`, failed pages `ocr_failed`, unsure pages
/// `ocr_low_confidence`. A document that needed OCR is marked (`ocr`), so that its cache key
/// includes the OCR settings.
fn ocr_metadata(
    ocr: &scan::Outcome,
    settings: &crate::ocr::OcrSettings,
    metadata: &mut Metadata,
    page_count: usize,
    no_text: bool,
) -> Option<Warning> {
    let list = |pages: &mut dyn Iterator<Item = u32>| {
        pages.map(|p| p.to_string()).collect::<Vec<_>>().join(", ")
    };
    if !ocr.recognized.is_empty() {
        let pages: Vec<(f32, usize)> = ocr.recognized.iter().map(|r| (r.1, r.2)).collect();
        crate::ocr::record(settings, &pages, metadata);
        metadata.insert("ocr_pages".into(), ocr.recognized.len().to_string());
        let per_page: Vec<String> = ocr
            .recognized
            .iter()
            .map(|(p, c, _)| format!("{p}:{c:.0}"))
            .collect();
        metadata.insert("ocr_page_confidence".into(), per_page.join(" "));
        if !ocr.rotated.is_empty() {
            let turned: Vec<String> = ocr
                .rotated
                .iter()
                .map(|(p, t)| format!("{p}:{}", *t as u32 * 90))
                .collect();
            metadata.insert("ocr_rotated".into(), turned.join(" "));
        }
    } else if !ocr.needed.is_empty() || no_text {
        metadata.insert(super::OCR_KEY.into(), "needed".into());
    }
    if !ocr.failed.is_empty() {
        let detail = ocr
            .failed
            .iter()
            .map(|(p, why)| format!("page {p}: {why}"))
            .collect::<Vec<_>>()
            .join("; ");
        return Some(Warning {
            code: "ocr_failed".into(),
            message: format!("OCR failed on {} page(s): {detail}", ocr.failed.len()),
        });
    }
    if ocr.recognized.is_empty() && (no_text || !ocr.needed.is_empty()) {
        let pages = if ocr.needed.is_empty() {
            format!(
                "{page_count} page{}",
                if page_count == 1 { "" } else { "s" }
            )
        } else {
            format!("page(s) {}", list(&mut ocr.needed.iter().copied()))
        };
        let why = match (settings.mode, &settings.engine) {
            (crate::ocr::OcrMode::Off, _) => "OCR is off (--ocr off)",
            (_, None) => "Tesseract is not installed",
            _ if ocr.needed.is_empty() => {
                "they draw no image to recognise (--ocr force reads text drawn as shapes)"
            }
            _ => "they could not be read",
        };
        return Some(Warning {
            code: "needs_ocr".into(),
            message: format!(
                "no text layer in {pages}: the pages are images (scanned?) and need OCR; {why}"
            ),
        });
    }
    if !ocr.recognized.is_empty() && no_text {
        let n = ocr.recognized.len();
        return Some(Warning {
            code: "needs_ocr".into(),
            message: format!(
                "no text layer in {n} page{}, and OCR found no words on {} (an image without text?)",
                if n == 1 { "" } else { "s" },
                if n == 1 { "it" } else { "them" }
            ),
        });
    }
    let unsure: Vec<u32> = ocr
        .recognized
        .iter()
        .filter(|(_, c, words)| *words > 0 && *c < crate::ocr::LOW_CONFIDENCE)
        .map(|(p, _, _)| *p)
        .collect();
    (!unsure.is_empty()).then(|| Warning {
        code: "ocr_low_confidence".into(),
        message: format!(
            "OCR is unsure of page(s) {} (mean confidence under {:.0}): check the text",
            list(&mut unsure.iter().copied()),
            crate::ocr::LOW_CONFIDENCE
        ),
    })
}

/// The characters of every page: from pdf-extract, or from docproc's interpreter where
/// pdf-extract cannot read the document or would misread it. Records which one in the metadata.
fn read_pages(
    doc: &pdf_extract::Document,
    metadata: &mut Metadata,
) -> Result<Vec<Page>, ConvertError> {
    // docproc's own interpreter first: it knows each character's font (bold, italic, fixed
    // pitch: headings and code need that), reads composite fonts pdf-extract misreads, and does
    // not panic. pdf-extract reads what it finds nothing in.
    let own = catch_unwind(AssertUnwindSafe(|| interpret::pages(doc))).unwrap_or_default();
    if own.iter().any(|p| !p.glyphs.is_empty()) || interpret::has_unmapped_composite_font(doc) {
        metadata.insert("text_extraction".into(), "docproc".into());
        return Ok(own);
    }
    let mut collector = Collector::default();
    let result = catch_unwind(AssertUnwindSafe(|| {
        pdf_extract::output_doc(doc, &mut collector)
    }));
    collector.end_page().ok();
    if collector.glyphs > MAX_GLYPHS {
        return Err(ConvertError::ResourceLimit(format!(
            "the PDF draws more than {MAX_GLYPHS} characters"
        )));
    }
    let problem = match result {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(output_error(e)),
        Err(panic) => Some(classify_panic(super::panic_message(panic))),
    };
    let found: usize = collector.pages.iter().map(|p| p.glyphs.len()).sum();
    if problem.is_none() && found > 0 {
        metadata.insert("text_extraction".into(), "pdf-extract".into());
        return Ok(collector.pages);
    }
    let own_found: usize = own.iter().map(|p| p.glyphs.len()).sum();
    if let Some(problem) = &problem {
        log::debug!(
            "pdf-extract failed ({problem}); docproc's interpreter found {own_found} characters"
        );
    }
    match problem {
        _ if own_found > 0 => {
            metadata.insert("text_extraction".into(), "docproc".into());
            Ok(own)
        }
        Some(problem) if found == 0 => Err(problem),
        _ => {
            metadata.insert("text_extraction".into(), "pdf-extract (partial)".into());
            Ok(collector.pages)
        }
    }
}

/// pdf-extract (and the parsers under it) panic instead of returning errors on many damaged or
/// unusual files. When docproc's own interpreter could not read the file either, a panic inside
/// those libraries says the file is damaged (or uses an encoding they do not support); `internal`
/// stays for panics in docproc's own code, which are bugs worth reporting.
fn classify_panic(message: String) -> ConvertError {
    let cause = message
        .rsplit("): ")
        .next()
        .unwrap_or(&message)
        .trim_end_matches("; please report this file");
    let in_parser = [
        "pdf-extract",
        "adobe-cmap-parser",
        "type1-encoding-parser",
        "lopdf",
        "cff-parser",
    ]
    .iter()
    .any(|library| message.contains(library));
    if cause.starts_with("unsupported encoding") || cause.starts_with("unsupported cmap") {
        ConvertError::Unsupported(format!(
            "the PDF uses a font encoding docproc cannot read ({cause})"
        ))
    } else if in_parser {
        ConvertError::Corrupt(format!("damaged PDF: the text cannot be read ({cause})"))
    } else {
        ConvertError::Internal(message)
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

/// Collects the characters pdf-extract reports, page by page.
#[derive(Default)]
struct Collector {
    pages: Vec<Page>,
    current: Option<Page>,
    glyphs: usize,
}

/// The most characters one document may draw: memory stays bounded (about 100 bytes each) for
/// documents that repeat text without end.
pub(super) const MAX_GLYPHS: usize = 20_000_000;

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
            ..Page::default()
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
        self.glyphs += 1;
        if self.glyphs > MAX_GLYPHS {
            // Stops pdf-extract; reported as resource_limit by read_pages.
            return Err(OutputError::FormatError(std::fmt::Error));
        }
        let scale_x = trm.m11.hypot(trm.m12);
        let scale_y = trm.m21.hypot(trm.m22);
        let size = (font_size * scale_y).abs();
        let (x, y) = (trm.m31, trm.m32);
        let quarter_turns = layout::quarter_turns(trm.m11, trm.m12);
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
            quarter_turns,
            ..Glyph::plain(x, y, size, advance, text)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_pdf_extract_panics_are_classified() {
        let msg = |at: &str, cause: &str| {
            format!(
                "converter crashed (internal error at {at}:1): {cause}; please report this file"
            )
        };
        let lib = "/registry/pdf-extract-0.12.1/src/lib.rs";
        let code = |at, cause| classify_panic(msg(at, cause)).code();
        assert_eq!(code(lib, "unsupported encoding 90ms-RKSJ-H"), "unsupported");
        assert_eq!(code(lib, "MediaBox"), "corrupt");
        assert_eq!(code("src/convert/pdf/layout.rs", "oops"), "internal");
    }

    #[test]
    fn pdf_strings_decode() {
        assert_eq!(decode_pdf_string(b"\xfe\xff\x00H\x00i"), "Hi");
        assert_eq!(decode_pdf_string(b"caf\xe9"), "café");
    }
}
