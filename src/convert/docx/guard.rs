//! Guards run before a package is parsed: nesting depth, DTDs, and which part is damaged.

use std::io::{Cursor, Read};

use super::super::ConvertError;

/// Refuses packages whose XML parts nest deeper than `--max-xml-depth` (default 1,000: real
/// documents stay under a hundred levels, tables in tables included; a recursive walk overflows
/// its stack somewhere past ten thousand, which would abort the whole process), or
/// declare entities: OOXML allows no DTD, and entities are how "billion laughs" expand a few
/// kilobytes into gigabytes.
pub(super) fn check_nesting(bytes: &[u8], max_depth: usize) -> Result<(), ConvertError> {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    for i in 0..archive.len() {
        let Ok(mut file) = archive.by_index(i) else {
            continue;
        };
        let name = file.name().to_string();
        // The parts that hold content (and so can nest tables, content controls, ...); styles,
        // themes and settings are flat.
        let content_part = name.starts_with("word/")
            && name.ends_with(".xml")
            && [
                "document",
                "header",
                "footer",
                "comments",
                "footnotes",
                "endnotes",
                "glossary",
            ]
            .iter()
            .any(|kind| name["word/".len()..].starts_with(kind));
        let xml_part = name.ends_with(".xml") || name.ends_with(".rels");
        if !xml_part {
            continue;
        }
        // A DTD can only come before the root element: the head of a flat part is enough.
        let budget = if content_part { 256 << 20 } else { 64 << 10 };
        let mut xml = Vec::new();
        if (&mut file).take(budget).read_to_end(&mut xml).is_err() {
            continue; // a damaged part is reported by the reader
        }
        if content_part && xml_depth_exceeds(&xml, max_depth) {
            return Err(ConvertError::ResourceLimit(format!(
                "{name} nests XML elements more than {max_depth} levels deep (--max-xml-depth)"
            )));
        }
        let head = &xml[..xml.len().min(64 << 10)];
        if head
            .windows(9)
            .any(|w| w.eq_ignore_ascii_case(b"<!DOCTYPE"))
        {
            return Err(ConvertError::ResourceLimit(format!(
                "{name} declares a DTD with entities: XML entity expansion is not allowed (a billion-laughs bomb?)"
            )));
        }
    }
    Ok(())
}

/// Whether elements nest deeper than `limit`, by a scan of tags (quotes, comments, CDATA and
/// processing instructions respected); no XML is parsed.
fn xml_depth_exceeds(xml: &[u8], limit: usize) -> bool {
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(offset) = xml[i..].iter().position(|&b| b == b'<') {
        i += offset + 1;
        let rest = &xml[i..];
        let skip_to = |end: &[u8]| {
            rest.windows(end.len())
                .position(|w| w == end)
                .map(|p| p + end.len())
        };
        if rest.starts_with(b"!--") {
            i += skip_to(b"-->").unwrap_or(rest.len());
            continue;
        }
        if rest.starts_with(b"![CDATA[") {
            i += skip_to(b"]]>").unwrap_or(rest.len());
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let declaration = matches!(rest.first(), Some(b'?') | Some(b'!'));
        // Find the end of the tag, skipping quoted attribute values.
        let mut quote = None;
        let mut end = rest.len();
        for (k, &b) in rest.iter().enumerate() {
            match quote {
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if b == b'"' || b == b'\'' => quote = Some(b),
                None if b == b'>' => {
                    end = k;
                    break;
                }
                None => {}
            }
        }
        let self_closing = end > 0 && rest.get(end - 1) == Some(&b'/');
        i += end.min(rest.len());
        if declaration || self_closing {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            if depth > limit {
                return true;
            }
        }
    }
    false
}

/// The first part of the package that does not inflate cleanly, if any.
pub(super) fn damaged_part(bytes: &[u8]) -> Option<String> {
    let mut archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(archive) => archive,
        Err(e) => return Some(e.to_string()),
    };
    for i in 0..archive.len() {
        let mut file = match archive.by_index(i) {
            Ok(file) => file,
            Err(e) => return Some(format!("part {i}: {e}")),
        };
        let name = file.name().to_string();
        if let Err(e) = std::io::copy(&mut (&mut file).take(64 << 20), &mut std::io::sink()) {
            return Some(format!("{name}: {e}"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_depth_is_measured_without_parsing() {
        let deep = format!("{}{}", "<a x='>'>".repeat(50), "</a>".repeat(50));
        assert!(!xml_depth_exceeds(deep.as_bytes(), 50));
        assert!(xml_depth_exceeds(deep.as_bytes(), 49));
        let flat = "<?xml version='1.0'?><!-- <a><a> --><r><b/><b/><![CDATA[<a><a>]]></r>";
        assert!(!xml_depth_exceeds(flat.as_bytes(), 1));
    }
}
