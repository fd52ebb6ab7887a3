//! The structures of the Word binary format ([MS-DOC]) docproc reads: the FIB, the piece table,
//! the paragraph and character property pages (FKPs) and their sprms, the style sheet, the list
//! tables, the font table, footnote positions, and the summary information property set.
//! Every offset is checked against its stream: a damaged structure is an error naming it, or
//! (for what only refines the Markdown) nothing.

use std::collections::HashMap;

use crate::convert::ConvertError;
use crate::markdown::Marks;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn i16_at(b: &[u8], at: usize) -> Option<i16> {
    u16_at(b, at).map(|v| v as i16)
}

fn corrupt(what: &str) -> ConvertError {
    ConvertError::Corrupt(format!("damaged Word document: {what}"))
}

/// The File Information Block: where everything is.
pub struct Fib {
    pub which_table: bool,
    pub ccp_text: u32,
    pub ccp_ftn: u32,
    pub ccp_hdd: u32,
    pub ccp_atn: u32,
    pub ccp_edn: u32,
    fc_lcb: Vec<(u32, u32)>,
}

/// Indexes into FibRgFcLcb97.
pub const STSHF: usize = 1;
pub const PLCFFND_REF: usize = 2;
pub const PLCFFND_TXT: usize = 3;
pub const PLCF_BTE_CHPX: usize = 12;
pub const PLCF_BTE_PAPX: usize = 13;
pub const STTBF_FFN: usize = 15;
pub const CLX: usize = 33;
pub const PLCFEND_REF: usize = 46;
pub const PLCFEND_TXT: usize = 47;
pub const PLF_LST: usize = 73;
pub const PLF_LFO: usize = 74;

impl Fib {
    pub fn read(word: &[u8]) -> Result<Fib, ConvertError> {
        if u16_at(word, 0) != Some(0xA5EC) {
            return Err(corrupt("the WordDocument stream does not start with a FIB"));
        }
        let n_fib = u16_at(word, 2).unwrap_or(0);
        let flags = u16_at(word, 10).unwrap_or(0);
        if flags & 0x0100 != 0 || flags & 0x8000 != 0 {
            return Err(ConvertError::Encrypted(
                "the document is password-protected; save an unprotected copy to convert it".into(),
            ));
        }
        if n_fib < 0x00C1 {
            return Err(ConvertError::Unsupported(format!(
                "a Word 6.0/95 (or older) document (file format {n_fib}); docproc reads Word \
                 97-2003 and later: save it in a newer format"
            )));
        }
        let csw = u16_at(word, 32).ok_or_else(|| corrupt("the FIB is cut short"))? as usize;
        let lw_at = 34 + csw * 2;
        let cslw = u16_at(word, lw_at).ok_or_else(|| corrupt("the FIB is cut short"))? as usize;
        let lw = lw_at + 2;
        let long = |i: usize| {
            if i < cslw {
                u32_at(word, lw + i * 4)
            } else {
                None
            }
        };
        let fc_at = lw + cslw * 4;
        let count = u16_at(word, fc_at).ok_or_else(|| corrupt("the FIB is cut short"))? as usize;
        let fc_lcb = (0..count)
            .map_while(|i| {
                let at = fc_at + 2 + i * 8;
                Some((u32_at(word, at)?, u32_at(word, at + 4)?))
            })
            .collect();
        Ok(Fib {
            which_table: flags & 0x0200 != 0,
            ccp_text: long(3).unwrap_or(0),
            ccp_ftn: long(4).unwrap_or(0),
            ccp_hdd: long(5).unwrap_or(0),
            ccp_atn: long(7).unwrap_or(0),
            ccp_edn: long(8).unwrap_or(0),
            fc_lcb,
        })
    }

    /// The table stream from a structure on (the LVLs follow the PlfLst, outside its size).
    pub fn part_on<'t>(&self, table: &'t [u8], index: usize) -> Option<&'t [u8]> {
        let (fc, lcb) = *self.fc_lcb.get(index)?;
        if lcb == 0 {
            return None;
        }
        table.get(fc as usize..)
    }

    /// The bytes of a structure in the table stream, when the FIB locates one.
    pub fn part<'t>(&self, table: &'t [u8], index: usize) -> Option<&'t [u8]> {
        let (fc, lcb) = *self.fc_lcb.get(index)?;
        if lcb == 0 {
            return None;
        }
        table.get(fc as usize..fc as usize + lcb as usize)
    }
}

/// A piece of the document's text: CPs `cp..cp_end` start at byte `offset` of the WordDocument
/// stream, one byte per character (cp1252) when `compressed`, else UTF-16.
#[derive(Debug, Clone, Copy)]
struct Piece {
    cp: u32,
    cp_end: u32,
    offset: u32,
    compressed: bool,
}

/// The text of the document with each character's byte position in the WordDocument stream
/// (what the property pages are keyed by).
pub struct Text {
    pub chars: Vec<(char, u32)>,
}

/// Reads the piece table (the Clx) and the text of CPs `0..end`.
pub fn text(word: &[u8], clx: &[u8], end: u32) -> Result<Text, ConvertError> {
    let mut i = 0;
    // Skip the Prcs (property modifiers) before the Pcdt.
    while clx.get(i) == Some(&0x01) {
        let size = i16_at(clx, i + 1).ok_or_else(|| corrupt("the piece table is cut short"))?;
        i += 3 + size.max(0) as usize;
    }
    if clx.get(i) != Some(&0x02) {
        return Err(corrupt("no piece table"));
    }
    let lcb = u32_at(clx, i + 1).ok_or_else(|| corrupt("the piece table is cut short"))? as usize;
    let plc = clx
        .get(i + 5..i + 5 + lcb)
        .ok_or_else(|| corrupt("the piece table is cut short"))?;
    if lcb < 4 {
        return Err(corrupt("an empty piece table"));
    }
    let n = (lcb - 4) / 12;
    let mut pieces = Vec::with_capacity(n);
    for k in 0..n {
        let cp = u32_at(plc, k * 4).unwrap_or(0);
        let cp_end = u32_at(plc, (k + 1) * 4).unwrap_or(cp);
        let pcd = 4 * (n + 1) + k * 8;
        let fc = u32_at(plc, pcd + 2).unwrap_or(0);
        let compressed = fc & 0x4000_0000 != 0;
        let raw = fc & 0x3FFF_FFFF;
        pieces.push(Piece {
            cp,
            cp_end,
            offset: if compressed { raw / 2 } else { raw },
            compressed,
        });
    }
    let mut chars = Vec::with_capacity(end as usize);
    for p in pieces {
        if p.cp >= end || p.cp_end <= p.cp {
            continue;
        }
        let last = p.cp_end.min(end);
        for cp in p.cp..last {
            let k = cp - p.cp;
            if p.compressed {
                let at = (p.offset + k) as usize;
                let Some(&b) = word.get(at) else {
                    return Err(corrupt("a text piece lies beyond the end of the stream"));
                };
                chars.push((cp1252(b), at as u32));
            } else {
                let at = (p.offset + 2 * k) as usize;
                let Some(unit) = u16_at(word, at) else {
                    return Err(corrupt("a text piece lies beyond the end of the stream"));
                };
                chars.push((
                    char::from_u32(u32::from(unit)).unwrap_or('\u{fffd}'),
                    at as u32,
                ));
            }
        }
    }
    Ok(Text { chars })
}

fn cp1252(b: u8) -> char {
    let bytes = [b];
    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes);
    text.chars().next().unwrap_or('\u{fffd}')
}

/// Paragraph properties of one run of text.
#[derive(Debug, Clone, Default)]
pub struct ParaProps {
    pub istd: u16,
    pub in_table: bool,
    pub ttp: bool,
    pub itap: i32,
    pub inner_cell: bool,
    pub inner_ttp: bool,
    pub ilfo: i32,
    pub ilvl: i32,
    pub outline: Option<u8>,
    pub li: i32,
    pub fi: i32,
    /// The row's cells, for a row end (`sprmTDefTable`).
    pub cells: Vec<crate::convert::paragraphs::CellDef>,
}

/// Character properties of one run of text.
#[derive(Debug, Clone, Copy, Default)]
pub struct CharProps {
    pub bold: Option<u8>,
    pub italic: Option<u8>,
    pub strike: bool,
    pub iss: u8,
    pub vanish: bool,
    pub special: bool,
    pub font: Option<u16>,
}

/// Runs of properties keyed by stream position: `(start, end, props)`, sorted.
pub struct Runs<T> {
    runs: Vec<(u32, u32, T)>,
}

impl<T: Clone + Default> Runs<T> {
    /// The properties at a byte position of the WordDocument stream.
    pub fn at(&self, pos: u32) -> T {
        let i = self.runs.partition_point(|r| r.1 <= pos);
        match self.runs.get(i) {
            Some((start, end, props)) if *start <= pos && pos < *end => props.clone(),
            _ => T::default(),
        }
    }
}

/// Each sprm of a grpprl: (sprm, operand).
fn sprms(grpprl: &[u8]) -> Vec<(u16, &[u8])> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 2 <= grpprl.len() {
        let sprm = u16_at(grpprl, i).unwrap_or(0);
        i += 2;
        let size = match sprm >> 13 {
            0 | 1 => 1,
            2 | 4 | 5 => 2,
            3 => 4,
            7 => 3,
            _ => {
                // Variable: a size byte (a u16 for sprmTDefTable and sprmPChgTabs).
                if sprm == 0xD608 || sprm == 0xC615 {
                    let s = u16_at(grpprl, i).unwrap_or(0) as usize;
                    i += 2;
                    s.saturating_sub(1)
                } else {
                    let s = *grpprl.get(i).unwrap_or(&0) as usize;
                    i += 1;
                    s
                }
            }
        };
        let Some(operand) = grpprl.get(i..i + size) else {
            break;
        };
        out.push((sprm, operand));
        i += size;
    }
    out
}

fn para_props(istd: u16, grpprl: &[u8]) -> ParaProps {
    let mut p = ParaProps {
        istd,
        ..ParaProps::default()
    };
    for (sprm, op) in sprms(grpprl) {
        let byte = op.first().copied().unwrap_or(0);
        match sprm {
            0x2416 => p.in_table = byte != 0,
            0x2417 => p.ttp = byte != 0,
            0x6649 => p.itap = u32_at(op, 0).unwrap_or(0) as i32,
            0x244B => p.inner_cell = byte != 0,
            0x244C => p.inner_ttp = byte != 0,
            0x460B => p.ilfo = i32::from(i16_at(op, 0).unwrap_or(0)),
            0x260A => p.ilvl = i32::from(byte),
            0x2640 => p.outline = (byte < 9).then_some(byte),
            0x840F | 0x845E => p.li = i32::from(i16_at(op, 0).unwrap_or(0)),
            0x8411 | 0x8460 => p.fi = i32::from(i16_at(op, 0).unwrap_or(0)),
            0xD608 => p.cells = table_cells(op),
            _ => {}
        }
    }
    if p.in_table && p.itap == 0 {
        p.itap = 1;
    }
    p
}

/// The cells of `sprmTDefTable`: merge flags of each TC.
fn table_cells(op: &[u8]) -> Vec<crate::convert::paragraphs::CellDef> {
    let Some(&n) = op.first() else {
        return Vec::new();
    };
    let n = n as usize;
    let tcs = 1 + (n + 1) * 2;
    (0..n)
        .map(|k| {
            let grf = u16_at(op, tcs + k * 20).unwrap_or(0);
            crate::convert::paragraphs::CellDef {
                merge_first: grf & 0x0001 != 0,
                merged: grf & 0x0002 != 0,
                vmerge_first: grf & 0x0040 != 0,
                vmerged: grf & 0x0020 != 0 && grf & 0x0040 == 0,
            }
        })
        .collect()
}

fn char_props(grpprl: &[u8]) -> CharProps {
    let mut c = CharProps::default();
    for (sprm, op) in sprms(grpprl) {
        let byte = op.first().copied().unwrap_or(0);
        match sprm {
            0x0835 => c.bold = Some(byte),
            0x0836 => c.italic = Some(byte),
            0x0837 | 0x2A53 => c.strike = byte != 0 && byte != 0x80,
            0x2A48 => c.iss = byte,
            0x083C => c.vanish = byte != 0 && byte != 0x80,
            0x0855 => c.special = byte != 0,
            0x4A4F => c.font = u16_at(op, 0),
            _ => {}
        }
    }
    c
}

/// The PLC of FKP page numbers for paragraphs or characters, read into runs.
fn fkp_pages<'w>(word: &'w [u8], plc: &[u8]) -> Vec<&'w [u8]> {
    if plc.len() < 4 {
        return Vec::new();
    }
    let n = (plc.len() - 4) / 8;
    (0..n)
        .filter_map(|k| {
            let pn = u32_at(plc, 4 * (n + 1) + k * 4)? & 0x003F_FFFF;
            word.get(pn as usize * 512..pn as usize * 512 + 512)
        })
        .collect()
}

/// Paragraph properties from the PAPX FKPs.
pub fn paragraph_runs(word: &[u8], plc: &[u8]) -> Runs<ParaProps> {
    let mut runs = Vec::new();
    for page in fkp_pages(word, plc) {
        let crun = page[511] as usize;
        for i in 0..crun.min(101) {
            let (Some(start), Some(end)) = (u32_at(page, i * 4), u32_at(page, (i + 1) * 4)) else {
                break;
            };
            let bx = 4 * (crun + 1) + i * 13;
            let offset = page.get(bx).copied().unwrap_or(0) as usize * 2;
            let props = if offset == 0 {
                ParaProps::default()
            } else {
                let cb = page.get(offset).copied().unwrap_or(0) as usize;
                let (from, len) = if cb == 0 {
                    let cb2 = page.get(offset + 1).copied().unwrap_or(0) as usize;
                    (offset + 2, cb2 * 2)
                } else {
                    (offset + 1, cb * 2 - 1)
                };
                let data = page.get(from..(from + len).min(512)).unwrap_or(&[]);
                let istd = u16_at(data, 0).unwrap_or(0);
                para_props(istd, data.get(2..).unwrap_or(&[]))
            };
            runs.push((start, end, props));
        }
    }
    runs.sort_by_key(|r| r.0);
    Runs { runs }
}

/// Character properties from the CHPX FKPs.
pub fn char_runs(word: &[u8], plc: &[u8]) -> Runs<CharProps> {
    let mut runs = Vec::new();
    for page in fkp_pages(word, plc) {
        let crun = page[511] as usize;
        for i in 0..crun.min(101) {
            let (Some(start), Some(end)) = (u32_at(page, i * 4), u32_at(page, (i + 1) * 4)) else {
                break;
            };
            let offset = page.get(4 * (crun + 1) + i).copied().unwrap_or(0) as usize * 2;
            let props = if offset == 0 {
                CharProps::default()
            } else {
                let cb = page.get(offset).copied().unwrap_or(0) as usize;
                char_props(
                    page.get(offset + 1..(offset + 1 + cb).min(512))
                        .unwrap_or(&[]),
                )
            };
            runs.push((start, end, props));
        }
    }
    runs.sort_by_key(|r| r.0);
    Runs { runs }
}

/// A style of the style sheet.
#[derive(Debug, Clone, Default)]
pub struct Style {
    pub sti: u16,
    pub name: String,
    pub base: Option<u16>,
    pub marks: Marks,
}

/// The style sheet (STSH): styles by index.
pub fn styles(stsh: &[u8]) -> HashMap<u16, Style> {
    let mut out = HashMap::new();
    let Some(cb_stshi) = u16_at(stsh, 0) else {
        return out;
    };
    let base_size = u16_at(stsh, 4).unwrap_or(10) as usize;
    let mut at = 2 + cb_stshi as usize;
    let mut istd = 0u16;
    while at + 2 <= stsh.len() && istd < 4000 {
        let cb = u16_at(stsh, at).unwrap_or(0) as usize;
        let std = stsh.get(at + 2..at + 2 + cb).unwrap_or(&[]);
        at += 2 + cb;
        if cb >= base_size && std.len() >= base_size {
            let sti = u16_at(std, 0).unwrap_or(0) & 0x0FFF;
            let word2 = u16_at(std, 2).unwrap_or(0);
            let stk = word2 & 0x000F;
            let base = word2 >> 4;
            let mut p = base_size;
            let cch = u16_at(std, p).unwrap_or(0) as usize;
            p += 2;
            let name: String = (0..cch.min(255))
                .filter_map(|k| u16_at(std, p + k * 2))
                .map(|u| char::from_u32(u32::from(u)).unwrap_or('?'))
                .collect();
            p += cch * 2 + 2;
            // The UPXs: a paragraph style's PAPX then its CHPX; a character style's CHPX.
            let mut marks = Marks::default();
            let upx = |p: &mut usize| -> Option<&[u8]> {
                if *p % 2 == 1 {
                    *p += 1;
                }
                let len = u16_at(std, *p)? as usize;
                let data = std.get(*p + 2..*p + 2 + len)?;
                *p += 2 + len;
                Some(data)
            };
            let chpx = match stk {
                1 => {
                    let _papx = upx(&mut p);
                    upx(&mut p)
                }
                2 => upx(&mut p),
                _ => None,
            };
            if let Some(chpx) = chpx {
                let c = char_props(chpx);
                marks.strong = c.bold.is_some_and(|b| b == 1 || b == 0x81);
                marks.emph = c.italic.is_some_and(|b| b == 1 || b == 0x81);
            }
            if stk == 1 {
                out.insert(
                    istd,
                    Style {
                        sti,
                        name,
                        base: (base != 0x0FFF).then_some(base),
                        marks,
                    },
                );
            }
        }
        istd += 1;
    }
    out
}

/// For each list (`ilfo`, 1-based), whether each level is numbered.
pub fn lists(lst: Option<&[u8]>, lfo: Option<&[u8]>) -> HashMap<i32, Vec<bool>> {
    let mut by_lsid: HashMap<i32, Vec<bool>> = HashMap::new();
    if let Some(lst) = lst {
        let count = i16_at(lst, 0).unwrap_or(0).max(0) as usize;
        let mut lsids = Vec::new();
        for k in 0..count.min(10_000) {
            let at = 2 + k * 28;
            let (Some(lsid), Some(&flags)) = (u32_at(lst, at), lst.get(at + 26)) else {
                break;
            };
            lsids.push((lsid as i32, if flags & 1 != 0 { 1 } else { 9 }));
        }
        let mut at = 2 + count * 28;
        for (lsid, levels) in lsids {
            let mut nfcs = Vec::new();
            for _ in 0..levels {
                let Some(lvlf) = lst.get(at..at + 28) else {
                    break;
                };
                nfcs.push(!matches!(lvlf[4], 23 | 255));
                let chpx = lvlf[24] as usize;
                let papx = lvlf[25] as usize;
                at += 28 + papx + chpx;
                let cch = u16_at(lst, at).unwrap_or(0) as usize;
                at += 2 + cch * 2;
            }
            by_lsid.insert(lsid, nfcs);
        }
    }
    let mut out = HashMap::new();
    if let Some(lfo) = lfo {
        let count = u32_at(lfo, 0).unwrap_or(0) as usize;
        for k in 0..count.min(10_000) {
            let Some(lsid) = u32_at(lfo, 4 + k * 16) else {
                break;
            };
            if let Some(levels) = by_lsid.get(&(lsid as i32)) {
                out.insert(k as i32 + 1, levels.clone());
            }
        }
    }
    out
}

/// Which fonts of the font table are fixed-pitch.
pub fn monospace_fonts(sttb: &[u8]) -> Vec<bool> {
    let mut out = Vec::new();
    let count = u16_at(sttb, 0).unwrap_or(0);
    let (count, mut at) = if count == 0xFFFF {
        (u16_at(sttb, 2).unwrap_or(0) as usize, 6)
    } else {
        (count as usize, 4)
    };
    for _ in 0..count.min(10_000) {
        let Some(&len) = sttb.get(at) else { break };
        let ffn = sttb.get(at + 1..at + 1 + len as usize).unwrap_or(&[]);
        at += 1 + len as usize;
        let ffid = ffn.first().copied().unwrap_or(0);
        let name: String = (0..)
            .map_while(|k| u16_at(ffn, 39 + k * 2).filter(|u| *u != 0))
            .map(|u| char::from_u32(u32::from(u)).unwrap_or('?'))
            .collect();
        let fixed = ffid & 0x03 == 1 || (ffid >> 4) & 0x07 == 3;
        out.push(fixed || crate::convert::is_monospace_font(&name));
    }
    out
}

/// The CPs of a PLC (`n + 1` of them), for footnote references and texts.
pub fn plc_cps(plc: &[u8], data_size: usize) -> Vec<u32> {
    if plc.len() < 4 {
        return Vec::new();
    }
    let n = (plc.len() - 4) / (4 + data_size);
    (0..=n).filter_map(|k| u32_at(plc, k * 4)).collect()
}

/// Title, author and friends from the `\x05SummaryInformation` property set.
pub fn summary(stream: &[u8]) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let Some(offset) = u32_at(stream, 44) else {
        return out;
    };
    let set = stream.get(offset as usize..).unwrap_or(&[]);
    let count = u32_at(set, 4).unwrap_or(0) as usize;
    let mut codepage = 1252u16;
    let mut props = Vec::new();
    for k in 0..count.min(1000) {
        let (Some(id), Some(at)) = (u32_at(set, 8 + k * 8), u32_at(set, 12 + k * 8)) else {
            break;
        };
        props.push((id, at as usize));
    }
    for &(id, at) in &props {
        if id == 1 && u32_at(set, at) == Some(2) {
            codepage = u16_at(set, at + 4).unwrap_or(1252);
        }
    }
    let encoding = codepage::to_encoding(codepage).unwrap_or(encoding_rs::WINDOWS_1252);
    for (id, at) in props {
        let key = match id {
            2 => "title",
            3 => "subject",
            4 => "author",
            5 => "keywords",
            6 => "description",
            8 => "last_modified_by",
            12 => "created",
            13 => "modified",
            _ => continue,
        };
        let kind = u32_at(set, at).unwrap_or(0);
        let value = match kind {
            0x1E => {
                let len = u32_at(set, at + 4).unwrap_or(0) as usize;
                let bytes = set.get(at + 8..at + 8 + len).unwrap_or(&[]);
                let (text, _) = encoding.decode_without_bom_handling(bytes);
                text.trim_end_matches('\0').trim().to_string()
            }
            0x40 => {
                let (Some(lo), Some(hi)) = (u32_at(set, at + 4), u32_at(set, at + 8)) else {
                    continue;
                };
                let ticks = u64::from(hi) << 32 | u64::from(lo);
                let secs = (ticks / 10_000_000) as i64 - 11_644_473_600;
                if ticks == 0 || !(0..253_402_300_800).contains(&secs) {
                    continue;
                }
                mail_parser::DateTime::from_timestamp(secs).to_rfc3339()
            }
            _ => continue,
        };
        if !value.is_empty() {
            out.push((key, value));
        }
    }
    out
}
