//! The one HTML reader: bytes to text (the document's encoding found), text to a tree (html5ever,
//! through scraper's arena), the tree to docproc's blocks (`map.rs`). HTML files, MHTML archives,
//! EPUB chapters, e-mail bodies and notebook outputs all come through here.
//!
//! Hostile markup is bounded before the tree builder sees it: html5ever's cost grows with the
//! depth of open elements (html5ever #788: 512 KB of nested lists take minutes), so markup that
//! nests deeper than `--max-xml-depth` is refused with `resource_limit` by a linear pre-scan, and
//! a tree of more than [`MAX_NODES`] nodes likewise. The tree is walked by an iterator of
//! open/close edges, never by recursion.

mod element;
mod map;
pub(crate) mod table;
mod text;

pub use map::{Mapper, Options, map};

use encoding_rs::Encoding;

use super::ConvertError;
use super::media::Media;
use crate::markdown::{self, Block, Inline};

/// Nodes a document may have (about 100 MB of dense markup).
pub const MAX_NODES: usize = 4_000_000;

/// A parsed HTML document.
pub struct Document {
    pub html: scraper::Html,
    /// The encoding the bytes were read in.
    pub encoding: &'static Encoding,
}

/// Decodes and parses HTML. `declared` is the charset the container names (a MIME part's,
/// an EPUB's), used when the document itself says nothing.
pub fn parse(
    bytes: &[u8],
    declared: Option<&str>,
    max_depth: usize,
) -> Result<Document, ConvertError> {
    let (text, encoding) = decode(bytes, declared);
    parse_text(&text, encoding, max_depth)
}

/// Parses HTML that is already text.
pub fn parse_text(
    text: &str,
    encoding: &'static Encoding,
    max_depth: usize,
) -> Result<Document, ConvertError> {
    if let Some(depth) = nesting_beyond(text, max_depth) {
        return Err(ConvertError::ResourceLimit(format!(
            "the HTML nests elements more than {max_depth} levels deep ({depth} at least; --max-xml-depth)"
        )));
    }
    let html = scraper::Html::parse_document(text);
    if html.tree.nodes().len() > MAX_NODES {
        return Err(ConvertError::ResourceLimit(format!(
            "the HTML has more than {MAX_NODES} elements and text nodes"
        )));
    }
    Ok(Document { html, encoding })
}

/// The text of HTML bytes: a byte order mark, else a `<meta charset>` (or `http-equiv`) in the
/// first kilobyte, else the container's declared charset, else UTF-8 when the bytes are valid
/// UTF-8, else chardetng's guess. (As browsers do, a page that claims UTF-16 but has no byte
/// order mark is read as UTF-8.)
pub fn decode(bytes: &[u8], declared: Option<&str>) -> (String, &'static Encoding) {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return (text.into_owned(), encoding);
    }
    let from_meta = meta_charset(&bytes[..bytes.len().min(1024)]);
    let named = from_meta
        .or_else(|| declared.and_then(|d| Encoding::for_label(d.trim().as_bytes())))
        .map(|e| {
            if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE {
                encoding_rs::UTF_8
            } else {
                e
            }
        });
    if let Some(encoding) = named {
        let (text, _) = encoding.decode_without_bom_handling(bytes);
        return (text.into_owned(), encoding);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_string(), encoding_rs::UTF_8);
    }
    let (text, encoding, _) = super::txt::decode(bytes);
    (text, encoding)
}

/// Finds the bytes (and a file name) of a picture's source in the container a page came in.
pub type Resolve<'a> = dyn FnMut(&str) -> Option<(String, Vec<u8>)> + 'a;

/// Where each picture of mapped blocks goes: a `data:` URI's bytes, or what `resolve` finds for
/// a source (a part of the package or message the page came in), are written beside the
/// Markdown with `extract` (only the alt text is kept without it); other sources (web addresses,
/// files beside the page) stay links.
pub fn place_images(
    blocks: &mut [Block],
    media: &mut Media,
    extract: bool,
    resolve: &mut Resolve<'_>,
) {
    markdown::for_each_inline_mut(blocks, &mut |inline| {
        let Inline::Image { src, .. } = inline else {
            return;
        };
        if src.is_empty() {
            return;
        }
        let found = match src.strip_prefix("data:") {
            Some(uri) => data_uri(uri),
            None => resolve(src),
        };
        match found {
            Some((name, bytes)) => {
                media.count += 1;
                *src = if extract {
                    format!("{}/{}", super::ATTACHMENTS_DIR, media.add(&name, bytes))
                } else {
                    String::new()
                };
            }
            None if src.starts_with("data:") || src.starts_with("cid:") => src.clear(),
            None => media.count += 1,
        }
    });
}

/// The bytes of a `data:` URI (base64 or percent-encoded) with a file name for its type.
fn data_uri(uri: &str) -> Option<(String, Vec<u8>)> {
    let (meta, data) = uri.split_once(',')?;
    let mime = meta.split(';').next().unwrap_or("").to_ascii_lowercase();
    let ext = match mime.as_str() {
        "image/png" => "png",
        "image/jpeg" | "image/jpg" => "jpg",
        "image/gif" => "gif",
        "image/svg+xml" => "svg",
        "image/webp" => "webp",
        "image/bmp" => "bmp",
        _ => "bin",
    };
    let bytes = if meta.ends_with(";base64") {
        base64_decode(data)
    } else {
        percent_decode(data)
    };
    (!bytes.is_empty()).then(|| (format!("image.{ext}"), bytes))
}

/// Base64 (standard or URL-safe alphabet), white space ignored, decoded as far as it is valid.
pub fn base64_decode(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for b in text.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            b if b.is_ascii_whitespace() => continue,
            _ => break,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// `%XX` escapes decoded (a `+` stays a plus).
pub fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(h) = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(h);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// The charset a `<meta>` element in `head` names.
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(at) = crate::sniff::find(&lower[from..], b"<meta") {
        let start = from + at;
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |p| start + p);
        let tag = &lower[start..end];
        if let Some(c) = crate::sniff::find(tag, b"charset=") {
            let value: Vec<u8> = tag[c + 8..]
                .iter()
                .skip_while(|b| **b == b'"' || **b == b'\'' || b.is_ascii_whitespace())
                .take_while(|b| !matches!(b, b'"' | b'\'' | b';' | b' ' | b'/' | b'>'))
                .copied()
                .collect();
            if let Some(encoding) = Encoding::for_label(&value) {
                return Some(encoding);
            }
        }
        from = end.max(start + 5);
    }
    None
}

/// Elements that never contain others, or whose end a parser implies when the next one starts:
/// they do not add to the depth.
const FLAT: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead",
    "tbody", "tfoot", "colgroup", "caption", "head", "body", "html", "rb", "rt", "rp", "!doctype",
];

/// Elements whose content is text, not markup.
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp", "plaintext"];

/// A linear scan of the tags: the depth reached, when it passes `limit`. It counts start tags of
/// elements that can contain others and end tags, so it is an approximation of the tree depth
/// that never underestimates nesting by markup that the tree builder would keep.
fn nesting_beyond(text: &str, limit: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(offset) = bytes[i..].iter().position(|&b| b == b'<') {
        i += offset + 1;
        if bytes[i..].starts_with(b"!--") {
            i += crate::sniff::find(&bytes[i..], b"-->").map_or(bytes.len() - i, |p| p + 3);
            continue;
        }
        let closing = bytes.get(i) == Some(&b'/');
        let name_start = i + usize::from(closing);
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-' || **b == b':' || **b == b'!')
            .count();
        if name_len == 0 {
            continue;
        }
        let name = text[name_start..name_start + name_len].to_ascii_lowercase();
        let tag_end = bytes[i..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(bytes.len(), |p| i + p);
        let self_closing = tag_end > 0 && bytes.get(tag_end - 1) == Some(&b'/');
        i = tag_end.min(bytes.len());
        if closing {
            if !FLAT.contains(&name.as_str()) {
                depth = depth.saturating_sub(1);
            }
            continue;
        }
        if RAW_TEXT.contains(&name.as_str()) {
            // Skip to the element's end tag: its content is not markup.
            let end = format!("</{name}");
            let rest = text[i..].to_ascii_lowercase();
            i += rest.find(&end).unwrap_or(rest.len());
            continue;
        }
        if self_closing || FLAT.contains(&name.as_str()) {
            continue;
        }
        depth += 1;
        if depth > limit {
            return Some(depth);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_from_bom_meta_declared_and_guess() {
        let latin = b"<html><head><meta charset=\"iso-8859-1\"></head><body>caf\xe9</body></html>";
        assert!(decode(latin, None).0.contains("café"));
        let equiv = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\"><p>\x93hi\x94";
        assert!(decode(equiv, None).0.contains("\u{201c}hi\u{201d}"));
        assert!(decode(b"<p>caf\xe9", Some("iso-8859-1")).0.contains("café"));
        assert_eq!(decode("<p>café".as_bytes(), None).1, encoding_rs::UTF_8);
        let mut bom = vec![0xFF, 0xFE];
        bom.extend("<p>ü".encode_utf16().flat_map(u16::to_le_bytes));
        assert!(decode(&bom, None).0.contains('ü'));
    }

    #[test]
    fn base64_and_percent_decoding() {
        assert_eq!(base64_decode("aGVs\nbG8="), b"hello");
        assert_eq!(percent_decode("a%20b%2"), b"a b%2");
        assert_eq!(
            data_uri("image/png;base64,iVBORw0KGgo=").unwrap().0,
            "image.png"
        );
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let bomb = format!("{}x{}", "<div>".repeat(2000), "</div>".repeat(2000));
        let started = std::time::Instant::now();
        let err = parse_text(&bomb, encoding_rs::UTF_8, 1000).err().unwrap();
        assert_eq!(err.code(), "resource_limit");
        assert!(started.elapsed().as_secs() < 5);
        // Paragraphs and list items close each other: no depth.
        let flat = "<p>a".repeat(5000) + &"<li>b".repeat(5000);
        assert!(parse_text(&flat, encoding_rs::UTF_8, 1000).is_ok());
        // Markup inside a script is text.
        let script = format!("<script>{}</script><p>ok", "<div>".repeat(5000));
        assert!(parse_text(&script, encoding_rs::UTF_8, 1000).is_ok());
    }
}
