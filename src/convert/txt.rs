//! Plain text: detect the encoding, normalise line endings, keep the text exactly.
//!
//! The encoding is taken from a byte order mark, else UTF-8 if the bytes are valid UTF-8, else
//! guessed by chardetng (legacy single-byte and CJK encodings) and decoded with encoding_rs. Text
//! separated by blank lines becomes paragraphs whose line breaks are kept in the Markdown source;
//! blocks laid out with spaces (aligned columns, ASCII tables, indented code) become code blocks
//! so their layout survives. Markdown syntax characters are escaped by the shared writer, so the
//! rendered Markdown shows the same text as the file.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

use super::{ConvertError, ConvertOptions, Converted, Converter, Metadata};
use crate::markdown::{self, Block};
use crate::sniff::looks_like_bomless_utf16;

pub struct TxtConverter;

impl Converter for TxtConverter {
    fn name(&self) -> &'static str {
        "txt"
    }

    fn linear(&self) -> bool {
        true
    }

    fn version(&self) -> &'static str {
        "1"
    }

    fn convert(&self, bytes: &[u8], _options: &ConvertOptions) -> Result<Converted, ConvertError> {
        let (text, encoding, had_errors) = decode(bytes);
        let mut metadata = Metadata::new();
        metadata.insert("encoding".into(), encoding.name().to_ascii_lowercase());
        if had_errors {
            metadata.insert("encoding_errors".into(), "true".into());
        }
        metadata.insert("line_endings".into(), line_endings(&text).into());
        let text = normalise(&text);
        metadata.insert("line_count".into(), text.lines().count().to_string());
        Ok(Converted {
            markdown: markdown::render(&blocks(&text)),
            metadata,
            warning: None,
            attachments: Vec::new(),
        })
    }
}

/// Decodes bytes to text: BOM, then UTF-8, then a guess. Returns the encoding used and whether
/// any bytes were invalid in it (they become U+FFFD).
pub(crate) fn decode(bytes: &[u8]) -> (String, &'static Encoding, bool) {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return (text.into_owned(), encoding, had_errors);
    }
    if looks_like_bomless_utf16(&bytes[..bytes.len().min(4096)]) {
        // NULs in the high bytes of ASCII: even positions for big-endian, odd for little-endian.
        let big_endian = bytes.chunks(2).take(2048).filter(|p| p[0] == 0).count()
            > bytes
                .chunks(2)
                .take(2048)
                .filter(|p| p.len() == 2 && p[1] == 0)
                .count();
        let encoding = if big_endian { UTF_16BE } else { UTF_16LE };
        let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
        return (text.into_owned(), encoding, had_errors);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_string(), UTF_8, false);
    }
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Allow);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, Utf8Detection::Allow);
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    (text.into_owned(), encoding, had_errors)
}

fn line_endings(text: &str) -> &'static str {
    let crlf = text.matches("\r\n").count();
    let cr = text.matches('\r').count() - crlf;
    let lf = text.matches('\n').count() - crlf;
    match (crlf > 0, cr > 0, lf > 0) {
        (false, false, false) => "none",
        (true, false, false) => "crlf",
        (false, true, false) => "cr",
        (false, false, true) => "lf",
        _ => "mixed",
    }
}

/// LF line endings; control characters other than tab and form feed removed (a form feed is a
/// page break: it separates paragraphs); trailing spaces dropped.
fn normalise(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(text.len());
    for line in text.split('\n') {
        let line: String = line
            .chars()
            .filter(|&c| !c.is_control() || c == '\t' || c == '\u{c}')
            .map(|c| if c == '\u{c}' { '\n' } else { c })
            .collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Plain text (any line endings) as blocks, as a TXT file becomes them: paragraphs at blank
/// lines with their line breaks kept, laid-out blocks as code.
pub(crate) fn text_blocks(text: &str) -> Vec<Block> {
    blocks(&normalise(text))
}

/// Splits normalised text into blocks at blank lines.
fn blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let mut flush = |lines: &mut Vec<&str>| {
        if lines.is_empty() {
            return;
        }
        if is_preformatted(lines) {
            blocks.push(Block::CodeBlock {
                info: String::new(),
                text: dedent(lines),
            });
        } else {
            blocks.push(Block::Paragraph(markdown::text_lines(lines)));
        }
        lines.clear();
    };
    for line in text.split('\n') {
        if line.trim().is_empty() {
            flush(&mut current);
        } else {
            current.push(line);
        }
    }
    flush(&mut current);
    blocks
}

/// Text laid out with spaces: aligned columns, box drawing, or every line indented like code.
fn is_preformatted(lines: &[&str]) -> bool {
    let indented = |l: &&str| l.starts_with('\t') || l.starts_with("    ");
    if lines.len() >= 2 && lines.iter().all(indented) {
        return true;
    }
    if lines
        .iter()
        .any(|l| l.chars().any(|c| ('\u{2500}'..='\u{257f}').contains(&c)))
    {
        return true;
    }
    if lines.iter().any(|l| {
        let t = l.trim();
        t.len() >= 3 && t.starts_with('+') && t.chars().all(|c| matches!(c, '+' | '-' | '=' | ' '))
    }) {
        return true;
    }
    let aligned = lines.iter().filter(|l| has_column_gap(l)).count();
    lines.len() >= 2 && aligned * 2 >= lines.len()
}

/// A tab or three spaces between words: text aligned in columns.
fn has_column_gap(line: &str) -> bool {
    let t = line.trim();
    t.contains('\t') || t.contains("   ")
}

fn dedent(lines: &[&str]) -> String {
    let indent = lines
        .iter()
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    let mut out = String::new();
    for line in lines {
        out.push_str(line.get(indent..).unwrap_or(line));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(bytes: &[u8]) -> Converted {
        TxtConverter
            .convert(bytes, &ConvertOptions::default())
            .unwrap()
    }

    #[test]
    fn utf8_paragraphs_keep_their_lines() {
        let out = convert(b"Title line\r\nsecond line\r\n\r\n\r\nNext *para*\r\n");
        assert_eq!(out.markdown, "Title line\nsecond line\n\nNext \\*para\\*\n");
        assert_eq!(out.metadata["encoding"], "utf-8");
        assert_eq!(out.metadata["line_endings"], "crlf");
    }

    #[test]
    fn legacy_encodings_are_detected() {
        // "Größe: Übermäßig" in windows-1252.
        let bytes = b"Gr\xf6\xdfe: \xdcberm\xe4\xdfig gro\xdfe Stra\xdfe und \xe4hnliche W\xf6rter";
        let out = convert(bytes);
        assert!(
            out.markdown.starts_with("Größe: Übermäßig"),
            "{}",
            out.markdown
        );
        assert_eq!(out.metadata["encoding"], "windows-1252");
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend("héllo wörld".encode_utf16().flat_map(u16::to_le_bytes));
        let out = convert(&bytes);
        assert_eq!(out.markdown, "héllo wörld\n");
        assert_eq!(out.metadata["encoding"], "utf-16le");
    }

    #[test]
    fn aligned_columns_become_a_code_block() {
        let out = convert(b"Name    Qty\nApple     3\nPear     12\n");
        assert_eq!(
            out.markdown,
            "```\nName    Qty\nApple     3\nPear     12\n```\n"
        );
    }
}
