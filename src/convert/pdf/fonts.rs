//! Fonts for docproc's own content-stream interpreter: how the bytes of a shown string split into
//! character codes, what text each code stands for, and how wide it is.
//!
//! Text comes from, in order of trust: the font's `ToUnicode` CMap; for composite (Type0) fonts
//! without one, the embedded TrueType program's `cmap` table read backwards (glyph id → Unicode,
//! through `CIDToGIDMap`), which is what pdf-extract and lopdf lack and why some PDFs came out as
//! letters shifted by a constant; for simple fonts, the `/Encoding` (standard encodings and
//! `/Differences`, decoded by lopdf).

use std::collections::HashMap;

use pdf_extract::{Dictionary, Document, Encoding, Object};

/// A font as the interpreter needs it.
pub(super) struct Font<'a> {
    kind: Kind<'a>,
    /// Glyph widths in thousandths of the font size, by character code.
    widths: HashMap<u32, f64>,
    default_width: f64,
    /// Bold, italic, monospace: from the font's name and descriptor.
    pub(super) style: super::layout::FontStyle,
}

/// The average glyph width (thousandths of an em) of a standard 14 font, by its name.
fn standard_width(dict: &Dictionary) -> Option<f64> {
    let name = dict.get(b"BaseFont").and_then(Object::as_name).ok()?;
    let name = String::from_utf8_lossy(name).to_lowercase();
    let width = if name.starts_with("courier") {
        600.0
    } else if name.starts_with("helvetica") || name.starts_with("arial") {
        if name.contains("bold") { 611.0 } else { 556.0 }
    } else if name.starts_with("times") {
        if name.contains("bold") { 520.0 } else { 480.0 }
    } else if name == "symbol" {
        500.0
    } else if name == "zapfdingbats" {
        750.0
    } else {
        return None;
    };
    Some(width)
}

/// The widths (thousandths of an em) by code of a standard 14 font used without `/Widths`:
/// each code's character through the font's encoding, in its face's metrics. Empty for other
/// fonts.
fn standard_widths(dict: &Dictionary, encoding: &SimpleEncoding) -> HashMap<u32, f64> {
    use super::standard_widths as metrics;
    let mut out = HashMap::new();
    let Ok(name) = dict.get(b"BaseFont").and_then(Object::as_name) else {
        return out;
    };
    let name = String::from_utf8_lossy(name).to_lowercase();
    let (bold, italic) = (
        name.contains("bold"),
        name.contains("italic") || name.contains("oblique"),
    );
    let table: Option<&[u16; 191]> = if name.starts_with("courier") {
        None
    } else if name.starts_with("helvetica") || name.starts_with("arial") {
        Some(if bold {
            &metrics::HELVETICA_BOLD
        } else {
            &metrics::HELVETICA
        })
    } else if name.starts_with("times") {
        Some(match (bold, italic) {
            (true, true) => &metrics::TIMES_BOLD_ITALIC,
            (true, false) => &metrics::TIMES_BOLD,
            (false, true) => &metrics::TIMES_ITALIC,
            (false, false) => &metrics::TIMES_ROMAN,
        })
    } else {
        return out;
    };
    for code in 32u8..=255 {
        let text = match encoding {
            SimpleEncoding::Lopdf(enc) => enc.bytes_to_string(&[code]).unwrap_or_default(),
            SimpleEncoding::Table(codes) => codes.get(&code).cloned().unwrap_or_default(),
            SimpleEncoding::Bytes => char::from(code).to_string(),
        };
        let mut chars = text.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else {
            continue;
        };
        let width = match table {
            None => 600,
            Some(t) => match metrics::index(c) {
                Some(i) => t[i],
                None => continue,
            },
        };
        out.insert(u32::from(code), f64::from(width));
    }
    out
}

/// A font's look from its `/BaseFont` name (subset prefix dropped) and `/FontDescriptor`
/// (`/Flags` FixedPitch 1, Italic 64, ForceBold 262144; `/FontWeight`; `/ItalicAngle`).
fn font_style(doc: &Document, dict: &Dictionary) -> super::layout::FontStyle {
    let name = dict
        .get(b"BaseFont")
        .and_then(Object::as_name)
        .map(|n| String::from_utf8_lossy(n).to_lowercase())
        .unwrap_or_default();
    let name = match name.split_once('+') {
        Some((prefix, rest)) if prefix.len() == 6 => rest.to_string(),
        _ => name,
    };
    let descriptor = dict
        .get_deref(b"FontDescriptor", doc)
        .and_then(Object::as_dict)
        .ok();
    let flags = descriptor
        .and_then(|d| d.get(b"Flags").ok())
        .and_then(|f| f.as_i64().ok())
        .unwrap_or(0);
    let weight = descriptor
        .and_then(|d| d.get(b"FontWeight").ok())
        .and_then(|w| number(doc, w))
        .unwrap_or(0.0);
    let angle = descriptor
        .and_then(|d| d.get(b"ItalicAngle").ok())
        .and_then(|a| number(doc, a))
        .unwrap_or(0.0);
    let named = |words: &[&str]| words.iter().any(|w| name.contains(w));
    super::layout::FontStyle {
        // Medium is the bold of some families (Nimbus Roman's `NimbusRomNo9L-Medi`).
        bold: named(&["bold", "black", "heavy", "semibold", "demi", "medi"])
            || flags & 262_144 != 0
            || weight >= 600.0,
        italic: named(&["italic", "oblique"]) || flags & 64 != 0 || angle.abs() > 1.0,
        mono: named(&[
            "mono",
            "courier",
            "consol",
            "menlo",
            "code",
            "typewriter",
            "fixed",
        ]) || flags & 1 != 0,
        raised: false,
    }
}

enum Kind<'a> {
    /// One byte per code: the `ToUnicode` CMap first, then the encoding.
    Simple {
        to_unicode: Option<Encoding<'a>>,
        encoding: SimpleEncoding<'a>,
    },
    /// Two bytes per code (Identity-H/V and most CMaps of composite fonts).
    Composite {
        to_unicode: Option<Encoding<'a>>,
        cid_to_gid: Option<Vec<u16>>,
        gid_to_unicode: Option<HashMap<u16, char>>,
    },
}

impl<'a> Font<'a> {
    pub(super) fn new(doc: &'a Document, dict: &'a Dictionary) -> Font<'a> {
        let subtype = dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .unwrap_or(b"");
        if subtype == b"Type0" {
            return composite(doc, dict);
        }
        let encoding = simple_encoding(doc, dict);
        let mut widths = HashMap::new();
        let first = dict.get(b"FirstChar").and_then(Object::as_i64).unwrap_or(0);
        if let Ok(list) = dict.get_deref(b"Widths", doc).and_then(Object::as_array) {
            for (i, w) in list.iter().enumerate() {
                if let Some(w) = number(doc, w) {
                    widths.insert((first + i as i64) as u32, w);
                }
            }
        }
        let default_width = dict
            .get_deref(b"FontDescriptor", doc)
            .and_then(Object::as_dict)
            .ok()
            .and_then(|d| d.get(b"MissingWidth").ok())
            .and_then(|w| number(doc, w))
            .unwrap_or(0.0);
        // The standard 14 fonts may come without widths: their metrics keep positions along
        // the line right (gaps, table cells, link areas, marks after a word), and the family's
        // average width stands in for characters outside them.
        let default_width = if widths.is_empty() && default_width == 0.0 {
            widths = standard_widths(dict, &encoding);
            standard_width(dict).unwrap_or(0.0)
        } else {
            default_width
        };
        Font {
            kind: Kind::Simple {
                to_unicode: to_unicode(doc, dict),
                encoding,
            },
            widths,
            default_width,
            style: font_style(doc, dict),
        }
    }

    /// Splits a shown string into (code, text, width in thousandths, is a single-byte 32).
    pub(super) fn decode(&self, bytes: &[u8]) -> Vec<(u32, String, f64, bool)> {
        let mut out = Vec::new();
        match &self.kind {
            Kind::Simple {
                to_unicode,
                encoding,
            } => {
                for &b in bytes {
                    // The CMap says what a glyph means even where the encoding names glyphs
                    // lopdf does not know (ligatures, small capitals: `fi`, `s.sc`).
                    // Many simple fonts' CMaps declare two-byte codes (`<0000> <FFFF>`) for
                    // their one-byte codes: look the byte up both ways.
                    let mapped = to_unicode.as_ref().and_then(|enc| {
                        [&[b][..], &[0, b][..]].into_iter().find_map(|code| {
                            enc.bytes_to_string(code)
                                .ok()
                                .filter(|t| !t.is_empty() && !t.contains('\u{fffd}'))
                        })
                    });
                    let text = mapped.unwrap_or_else(|| match encoding {
                        SimpleEncoding::Lopdf(enc) => enc.bytes_to_string(&[b]).unwrap_or_default(),
                        SimpleEncoding::Table(codes) => codes.get(&b).cloned().unwrap_or_default(),
                        SimpleEncoding::Bytes => char::from(b).to_string(),
                    });
                    out.push((b as u32, text, self.width(b as u32), b == 32));
                }
            }
            Kind::Composite {
                to_unicode,
                cid_to_gid,
                gid_to_unicode,
            } => {
                for pair in bytes.chunks(2) {
                    let cid = match pair {
                        [hi, lo] => u32::from(*hi) << 8 | u32::from(*lo),
                        [single] => u32::from(*single),
                        _ => continue,
                    };
                    let from_cmap = || {
                        let gid = match cid_to_gid {
                            Some(map) => *map.get(cid as usize)?,
                            None => cid as u16,
                        };
                        gid_to_unicode.as_ref()?.get(&gid).map(|c| c.to_string())
                    };
                    let text = to_unicode
                        .as_ref()
                        .and_then(|enc| enc.bytes_to_string(pair).ok())
                        .filter(|t| !t.is_empty() && !t.contains('\u{fffd}'))
                        .or_else(from_cmap)
                        .unwrap_or_default();
                    out.push((cid, text, self.width(cid), false));
                }
            }
        }
        out
    }

    fn width(&self, code: u32) -> f64 {
        self.widths
            .get(&code)
            .copied()
            .unwrap_or(self.default_width)
    }
}

/// What a simple font's codes stand for, without its `ToUnicode` CMap.
enum SimpleEncoding<'a> {
    /// A named encoding (or none), decoded by lopdf.
    Lopdf(Encoding<'a>),
    /// An encoding dictionary: its base encoding with its `/Differences` applied.
    Table(HashMap<u8, String>),
    /// Nothing lopdf can read: the bytes as Latin-1.
    Bytes,
}

/// A simple font's encoding. lopdf reads `/Differences` all or nothing: one name it does not
/// know (`one.oldstyle`, `f_i`, `s.sc`, all common in subset fonts) and it falls back to the
/// standard encoding for every code, so docproc reads the names itself, as the Adobe Glyph List
/// specification says, and asks lopdf only for the base encoding.
fn simple_encoding<'a>(doc: &'a Document, dict: &'a Dictionary) -> SimpleEncoding<'a> {
    let Ok(Object::Dictionary(enc)) = dict.get_deref(b"Encoding", doc) else {
        return match dict.get_font_encoding(doc) {
            Ok(encoding) => SimpleEncoding::Lopdf(encoding),
            Err(_) => SimpleEncoding::Bytes,
        };
    };
    // The base encoding alone, from a copy of the font whose encoding is just its name.
    let base = enc
        .get(b"BaseEncoding")
        .and_then(Object::as_name)
        .unwrap_or(b"StandardEncoding")
        .to_vec();
    let mut copy = dict.clone();
    copy.set("Encoding", Object::Name(base));
    copy.set("Type", Object::Name(b"Font".to_vec()));
    let mut codes: HashMap<u8, String> = HashMap::new();
    if let Ok(base) = copy.get_font_encoding(doc) {
        for b in 0..=255u8 {
            if let Ok(text) = base.bytes_to_string(&[b])
                && !text.is_empty()
            {
                codes.insert(b, text);
            }
        }
    }
    if let Ok(list) = enc
        .get_deref(b"Differences", doc)
        .and_then(Object::as_array)
    {
        let mut code: i64 = 0;
        for item in list {
            match doc.dereference(item).map(|(_, o)| o) {
                Ok(Object::Integer(n)) => code = *n,
                Ok(Object::Name(name)) => {
                    if let Ok(byte) = u8::try_from(code) {
                        // A name without meaning (`g31`, `a7` in Type 3 fonts) hides the base
                        // encoding's letter: that letter would be a guess.
                        match glyph_text(name) {
                            Some(text) => codes.insert(byte, text),
                            None => codes.remove(&byte),
                        };
                    }
                    code += 1;
                }
                _ => {}
            }
        }
    }
    SimpleEncoding::Table(codes)
}

/// The text of a glyph name (Adobe Glyph List specification, section 2): a suffix after the
/// first `.` is dropped (`one.oldstyle`, `a.sc`), `_` joins the components of a ligature
/// (`f_f_i`), and each component is an AGL name, `uniXXXX` (one or more code units) or
/// `uXXXX`-`uXXXXXX`.
pub(super) fn glyph_text(name: &[u8]) -> Option<String> {
    static NAMES: std::sync::OnceLock<HashMap<&'static str, char>> = std::sync::OnceLock::new();
    let names = NAMES.get_or_init(|| {
        let mut map: HashMap<&'static str, char> = glyph_names::GLYPH_NAME_PAIRS
            .iter()
            .map(|&(c, name)| (name, c))
            .collect();
        // Standard-encoding names the list for new fonts leaves out.
        for (name, c) in [
            ("fi", '\u{FB01}'),
            ("fl", '\u{FB02}'),
            ("ff", '\u{FB00}'),
            ("ffi", '\u{FB03}'),
            ("ffl", '\u{FB04}'),
            ("nbspace", '\u{a0}'),
            ("sfthyphen", '\u{ad}'),
            ("hyphenminus", '-'),
            ("minus", '\u{2212}'),
        ] {
            map.entry(name).or_insert(c);
        }
        map
    });
    let name = std::str::from_utf8(name).ok()?;
    let name = name.split('.').next()?;
    let mut out = String::new();
    for part in name.split('_') {
        if let Some(&c) = names.get(part) {
            out.push(c);
        } else if let Some(hex) = part.strip_prefix("uni")
            && hex.len() >= 4
            && hex.len() % 4 == 0
            && hex.bytes().all(|b| b.is_ascii_hexdigit())
        {
            let units: Vec<u16> = (0..hex.len())
                .step_by(4)
                .filter_map(|i| u16::from_str_radix(&hex[i..i + 4], 16).ok())
                .collect();
            out.extend(char::decode_utf16(units).map(|c| c.unwrap_or('\u{fffd}')));
        } else if let Some(hex) = part.strip_prefix('u')
            && (4..=6).contains(&hex.len())
            && hex.bytes().all(|b| b.is_ascii_hexdigit())
        {
            out.push(char::from_u32(u32::from_str_radix(hex, 16).ok()?)?);
        } else {
            return None;
        }
    }
    (!out.is_empty() && !out.contains('\u{fffd}')).then_some(out)
}

/// The font's `ToUnicode` CMap, which the PDF specification (9.10.2) puts before the encoding.
/// lopdf only reads one for fonts without `/Encoding`: ask it about a copy without.
fn to_unicode<'a>(doc: &'a Document, dict: &Dictionary) -> Option<Encoding<'a>> {
    dict.get(b"ToUnicode").ok()?;
    let mut copy = dict.clone();
    copy.remove(b"Encoding");
    copy.set("Type", Object::Name(b"Font".to_vec()));
    match copy.get_font_encoding(doc).ok()? {
        Encoding::UnicodeMapEncoding(map) => Some(Encoding::UnicodeMapEncoding(map)),
        _ => None,
    }
}

fn composite<'a>(doc: &'a Document, dict: &'a Dictionary) -> Font<'a> {
    let to_unicode = to_unicode(doc, dict);
    let descendant = dict
        .get_deref(b"DescendantFonts", doc)
        .and_then(Object::as_array)
        .ok()
        .and_then(|a| a.first())
        .and_then(|d| doc.dereference(d).ok())
        .and_then(|(_, d)| d.as_dict().ok());
    let mut widths = HashMap::new();
    let mut default_width = 1000.0;
    let mut cid_to_gid = None;
    let mut gid_to_unicode = None;
    if let Some(cid_font) = descendant {
        default_width = cid_font
            .get(b"DW")
            .ok()
            .and_then(|w| number(doc, w))
            .unwrap_or(1000.0);
        if let Ok(w) = cid_font.get_deref(b"W", doc).and_then(Object::as_array) {
            read_cid_widths(doc, w, &mut widths);
        }
        if let Ok(map) = cid_font
            .get_deref(b"CIDToGIDMap", doc)
            .and_then(Object::as_stream)
        {
            let data = map
                .decompressed_content()
                .unwrap_or_else(|_| map.content.clone());
            cid_to_gid = Some(
                data.chunks_exact(2)
                    .map(|p| u16::from_be_bytes([p[0], p[1]]))
                    .collect(),
            );
        }
        if to_unicode.is_none() {
            gid_to_unicode = cid_font
                .get_deref(b"FontDescriptor", doc)
                .and_then(Object::as_dict)
                .and_then(|d| d.get_deref(b"FontFile2", doc))
                .and_then(Object::as_stream)
                .ok()
                .and_then(|s| s.decompressed_content().ok())
                .and_then(|program| truetype_glyph_unicode(&program));
        }
    }
    // The look is described on the descendant (CID) font.
    let style = match descendant {
        Some(cid_font) => {
            let own = font_style(doc, cid_font);
            let outer = font_style(doc, dict);
            super::layout::FontStyle {
                bold: own.bold || outer.bold,
                italic: own.italic || outer.italic,
                mono: own.mono || outer.mono,
                raised: false,
            }
        }
        None => font_style(doc, dict),
    };
    Font {
        kind: Kind::Composite {
            to_unicode,
            cid_to_gid,
            gid_to_unicode,
        },
        widths,
        default_width,
        style,
    }
}

/// `/W [c [w1 w2 ...] cfirst clast w ...]`
fn read_cid_widths(doc: &Document, w: &[Object], out: &mut HashMap<u32, f64>) {
    let mut i = 0;
    while i < w.len() && out.len() < 1 << 20 {
        let Some(first) = number(doc, &w[i]) else {
            break;
        };
        match w.get(i + 1).map(|o| doc.dereference(o).map(|(_, o)| o)) {
            Some(Ok(Object::Array(list))) => {
                for (k, width) in list.iter().enumerate() {
                    if let Some(width) = number(doc, width) {
                        out.insert(first as u32 + k as u32, width);
                    }
                }
                i += 2;
            }
            Some(Ok(last)) => {
                let (Some(last), Some(width)) =
                    (number(doc, last), w.get(i + 2).and_then(|o| number(doc, o)))
                else {
                    break;
                };
                let (first, last) = (first as u32, (last as u32).min(first as u32 + 65_536));
                for code in first..=last {
                    out.insert(code, width);
                }
                i += 3;
            }
            _ => break,
        }
    }
}

fn number(doc: &Document, o: &Object) -> Option<f64> {
    match doc.dereference(o).ok()?.1 {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

/// Reads a TrueType program's `cmap` table backwards: glyph id → the character it draws. Prefers
/// the Unicode subtables; a symbol subtable (3,0) maps U+F0xx back to Latin-1. `None` if the
/// program has no usable table. Every read is bounds-checked (the program is untrusted).
pub(super) fn truetype_glyph_unicode(font: &[u8]) -> Option<HashMap<u16, char>> {
    let u16_at = |data: &[u8], at: usize| {
        data.get(at..at + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
    };
    let u32_at = |data: &[u8], at: usize| {
        data.get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let tables = u16_at(font, 4)? as usize;
    let cmap = (0..tables).find_map(|i| {
        let record = 12 + 16 * i;
        (font.get(record..record + 4)? == b"cmap").then(|| {
            let offset = u32_at(font, record + 8)? as usize;
            let length = u32_at(font, record + 12)? as usize;
            font.get(offset..offset.checked_add(length)?)
        })?
    })?;
    let subtables = u16_at(cmap, 2)? as usize;
    let mut candidates: Vec<(u8, u16, usize)> = Vec::new();
    for i in 0..subtables {
        let record = 4 + 8 * i;
        let (platform, encoding) = (u16_at(cmap, record)?, u16_at(cmap, record + 2)?);
        let offset = u32_at(cmap, record + 4)? as usize;
        let rank = match (platform, encoding) {
            (3, 10) => 0,
            (0, _) => 1,
            (3, 1) => 2,
            (3, 0) => 3,
            (1, 0) => 4,
            _ => continue,
        };
        candidates.push((rank, platform, offset));
    }
    candidates.sort();
    for (rank, platform, offset) in candidates {
        let table = cmap.get(offset..)?;
        let mut map: HashMap<u16, char> = HashMap::new();
        let mut add = |code: u32, gid: u32| {
            let code = if rank == 3 && (0xF000..=0xF0FF).contains(&code) {
                code - 0xF000
            } else {
                code
            };
            let code = if platform == 1 { mac_roman(code) } else { code };
            if let (Ok(gid), Some(c)) = (u16::try_from(gid), char::from_u32(code))
                && gid != 0
                && !c.is_control()
            {
                map.entry(gid).or_insert(c);
            }
        };
        match u16_at(table, 0)? {
            0 => {
                for code in 0..256u32 {
                    add(code, u32::from(*table.get(6 + code as usize)?));
                }
            }
            4 => {
                let segments = u16_at(table, 6)? as usize / 2;
                let ends = 14;
                let starts = ends + 2 * segments + 2;
                let deltas = starts + 2 * segments;
                let range_offsets = deltas + 2 * segments;
                for s in 0..segments {
                    let end = u32::from(u16_at(table, ends + 2 * s)?);
                    let start = u32::from(u16_at(table, starts + 2 * s)?);
                    let delta = u32::from(u16_at(table, deltas + 2 * s)?);
                    let range_offset = u16_at(table, range_offsets + 2 * s)? as usize;
                    if start > end || end == 0xFFFF && start == 0xFFFF {
                        continue;
                    }
                    for code in start..=end.min(0xFFFE) {
                        let gid = if range_offset == 0 {
                            (code + delta) & 0xFFFF
                        } else {
                            let at =
                                range_offsets + 2 * s + range_offset + 2 * (code - start) as usize;
                            match u16_at(table, at) {
                                Some(0) | None => continue,
                                Some(g) => (u32::from(g) + delta) & 0xFFFF,
                            }
                        };
                        add(code, gid);
                    }
                }
            }
            6 => {
                let first = u32::from(u16_at(table, 6)?);
                let count = u32::from(u16_at(table, 8)?);
                for i in 0..count {
                    add(first + i, u32::from(u16_at(table, 10 + 2 * i as usize)?));
                }
            }
            12 => {
                let groups = u32_at(table, 12)? as usize;
                for g in 0..groups.min(1 << 16) {
                    let at = 16 + 12 * g;
                    let (start, end, first_gid) = (
                        u32_at(table, at)?,
                        u32_at(table, at + 4)?,
                        u32_at(table, at + 8)?,
                    );
                    for code in start..=end.min(start.saturating_add(0x10000)) {
                        add(code, first_gid + (code - start));
                    }
                }
            }
            _ => continue,
        }
        if !map.is_empty() {
            return Some(map);
        }
    }
    None
}

/// Mac Roman code to Unicode for the upper half (the lower half is ASCII).
fn mac_roman(code: u32) -> u32 {
    const UPPER: &str = "ÄÅÇÉÑÖÜáàâäãåçéèêëíìîïñóòôöõúùûü†°¢£§•¶ß®©™´¨≠ÆØ∞±≤≥¥µ∂∑∏π∫ªºΩæø¿¡¬√ƒ≈∆«»… ÀÃÕŒœ–—“”‘’÷◊ÿŸ⁄€‹›ﬁﬂ‡·‚„‰ÂÊÁËÈÍÎÏÌÓÔÒÚÛÙıˆ˜¯˘˙˚¸˝˛ˇ";
    if code < 128 {
        return code;
    }
    UPPER
        .chars()
        .nth(code as usize - 128)
        .map_or(code, |c| c as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal TrueType program with only a format 4 cmap: 'A'..'C' -> glyphs 36..38.
    fn tiny_font() -> Vec<u8> {
        let mut sub = Vec::new();
        let seg = |v: &mut Vec<u8>, x: u16| v.extend_from_slice(&x.to_be_bytes());
        // format, length, language, segCountX2, searchRange, entrySelector, rangeShift
        for x in [4u16, 0, 0, 4, 4, 1, 0] {
            seg(&mut sub, x);
        }
        for x in [0x43u16, 0xFFFF] {
            seg(&mut sub, x); // endCode
        }
        seg(&mut sub, 0); // reservedPad
        for x in [0x41u16, 0xFFFF] {
            seg(&mut sub, x); // startCode
        }
        for x in [(36i32 - 0x41) as u16, 1] {
            seg(&mut sub, x); // idDelta
        }
        for x in [0u16, 0] {
            seg(&mut sub, x); // idRangeOffset
        }
        let mut cmap = Vec::new();
        for x in [0u16, 1, 3, 1] {
            seg(&mut cmap, x);
        }
        cmap.extend_from_slice(&12u32.to_be_bytes());
        cmap.extend(sub);
        let mut font = vec![0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
        font.extend_from_slice(b"cmap");
        font.extend_from_slice(&0u32.to_be_bytes());
        font.extend_from_slice(&28u32.to_be_bytes());
        font.extend_from_slice(&(cmap.len() as u32).to_be_bytes());
        font.extend(cmap);
        font
    }

    #[test]
    fn cmap_format_4_reads_backwards() {
        let map = truetype_glyph_unicode(&tiny_font()).unwrap();
        assert_eq!(map.get(&36), Some(&'A'));
        assert_eq!(map.get(&38), Some(&'C'));
        assert_eq!(map.get(&39), None);
    }

    #[test]
    fn glyph_names_follow_the_adobe_glyph_list() {
        let text = |n: &str| glyph_text(n.as_bytes());
        assert_eq!(text("a").as_deref(), Some("a"));
        assert_eq!(text("one.oldstyle").as_deref(), Some("1"));
        assert_eq!(text("s.smcp").as_deref(), Some("s"));
        assert_eq!(text("f_f_i").as_deref(), Some("ffi"));
        assert_eq!(text("fi").as_deref(), Some("\u{FB01}"));
        assert_eq!(text("uni00E9").as_deref(), Some("é"));
        assert_eq!(text("uni00660069").as_deref(), Some("fi"));
        assert_eq!(text("u1F600").as_deref(), Some("😀"));
        assert_eq!(text("g31"), None);
        assert_eq!(text(".notdef"), None);
        assert_eq!(text("uniD800"), None);
    }

    #[test]
    fn garbage_fonts_give_nothing_and_never_panic() {
        assert!(truetype_glyph_unicode(b"").is_none());
        assert!(truetype_glyph_unicode(&[0xFF; 64]).is_none());
        let mut font = tiny_font();
        font.truncate(40);
        assert!(truetype_glyph_unicode(&font).is_none());
    }
}
