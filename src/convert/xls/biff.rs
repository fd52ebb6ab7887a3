//! What calamine reads from an Excel 97-2003 workbook but does not give out: each number cell's
//! format code, and which rows and columns are hidden (MS-XLS 2.4). One pass over the
//! `Workbook` stream's records: the globals' FORMAT and XF tables and BOUNDSHEET8 positions,
//! then each worksheet's ROW, COLINFO and number cells (NUMBER, RK, MULRK, FORMULA).
//!
//! Only BIFF8 is read; a BIFF5 workbook, an encrypted one (FILEPASS) or a stream that does not
//! parse gives no side information, and its numbers stay in General form. Records are bounded
//! by the stream, so a damaged length ends the walk instead of reading past it.

use std::collections::{HashMap, HashSet};

/// A worksheet's formats and hidden rows and columns.
#[derive(Debug, Default)]
pub struct SheetInfo {
    /// The XF index of each number cell, by (row, column).
    pub cells: HashMap<(u32, u32), u16>,
    pub hidden_rows: HashSet<u32>,
    /// Inclusive, 0-based column ranges.
    pub hidden_cols: Vec<(u32, u32)>,
}

/// The workbook's number formats and its sheets' side information, in BOUNDSHEET8 order.
#[derive(Debug, Default)]
pub struct Workbook {
    /// The format index of each XF record, in order.
    xf_formats: Vec<u16>,
    /// Custom format codes by format index.
    codes: HashMap<u16, String>,
    pub sheets: Vec<SheetInfo>,
}

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const FILEPASS: u16 = 0x002F;
const FORMAT: u16 = 0x041E;
const XF: u16 = 0x00E0;
const BOUNDSHEET8: u16 = 0x0085;
const ROW: u16 = 0x0208;
const COLINFO: u16 = 0x007D;
const NUMBER: u16 = 0x0203;
const RK: u16 = 0x027E;
const MULRK: u16 = 0x00BD;
const FORMULA: u16 = 0x0006;

impl Workbook {
    /// Reads the stream; None when it is not a readable, unencrypted BIFF8 workbook.
    pub fn read(stream: &[u8]) -> Option<Workbook> {
        let mut book = Workbook::default();
        let mut positions = Vec::new();
        let mut records = Records::at(stream, 0);
        let (kind, bof) = records.next()?;
        // BIFF8: BOF version 0x0600, substream type 0x0005 (workbook globals).
        if kind != BOF || u16_at(bof, 0)? != 0x0600 || u16_at(bof, 2)? != 0x0005 {
            return None;
        }
        for (kind, data) in records.by_ref() {
            match kind {
                EOF => break,
                FILEPASS => return None,
                FORMAT => {
                    let id = u16_at(data, 0)?;
                    book.codes.insert(id, unicode_string(data.get(2..)?)?);
                }
                XF => book.xf_formats.push(u16_at(data, 2)?),
                // lbPlyPos, then hsState and dt: a worksheet is type 0.
                BOUNDSHEET8 => positions.push((u32_at(data, 0)?, *data.get(5)? == 0)),
                _ => {}
            }
        }
        for (position, worksheet) in positions {
            book.sheets.push(if worksheet {
                read_sheet(stream, position as usize).unwrap_or_default()
            } else {
                SheetInfo::default()
            });
        }
        Some(book)
    }

    /// The format code of an XF, when it is not General.
    pub fn code(&self, xf: u16) -> Option<&str> {
        let id = *self.xf_formats.get(xf as usize)?;
        let code = match self.codes.get(&id) {
            Some(code) => code.as_str(),
            None => super::numfmt::builtin(u32::from(id))?,
        };
        (!code.eq_ignore_ascii_case("general")).then_some(code)
    }
}

/// A worksheet substream from its BOF to its EOF. A record too short for its fields is skipped.
fn read_sheet(stream: &[u8], position: usize) -> Option<SheetInfo> {
    let mut info = SheetInfo::default();
    let mut records = Records::at(stream, position);
    if records.next()?.0 != BOF {
        return None;
    }
    // An embedded chart is a nested BOF..EOF substream: not this sheet's cells.
    let mut nested = 0;
    for (kind, data) in records {
        match kind {
            BOF => nested += 1,
            EOF if nested == 0 => break,
            EOF => nested -= 1,
            _ if nested == 0 => {
                let _ = sheet_record(&mut info, kind, data);
            }
            _ => {}
        }
    }
    Some(info)
}

/// Adds what one worksheet record says; None when it is too short.
fn sheet_record(info: &mut SheetInfo, kind: u16, data: &[u8]) -> Option<()> {
    let row = u32::from(u16_at(data, 0)?);
    match kind {
        // fDyZero: the row's height is zero, it is hidden.
        ROW if u16_at(data, 12)? & 0x20 != 0 => {
            info.hidden_rows.insert(row);
        }
        // fHidden; the first two fields are the first and last column.
        COLINFO if u16_at(data, 8)? & 1 != 0 => {
            let last = u32::from(u16_at(data, 2)?).max(row);
            info.hidden_cols.push((row, last));
        }
        NUMBER | RK | FORMULA => {
            let col = u32::from(u16_at(data, 2)?);
            info.cells.insert((row, col), u16_at(data, 4)?);
        }
        MULRK => {
            let first = u32::from(u16_at(data, 2)?);
            let count = data.len().saturating_sub(6) / 6;
            for i in 0..count {
                info.cells
                    .insert((row, first + i as u32), u16_at(data, 4 + 6 * i)?);
            }
        }
        _ => {}
    }
    Some(())
}

/// The records of a stream from an offset: (type, data), ending at the stream's end or at a
/// record whose length runs past it.
struct Records<'a> {
    stream: &'a [u8],
    at: usize,
}

impl<'a> Records<'a> {
    fn at(stream: &'a [u8], at: usize) -> Records<'a> {
        Records { stream, at }
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = (u16, &'a [u8]);

    fn next(&mut self) -> Option<(u16, &'a [u8])> {
        let kind = u16_at(self.stream, self.at)?;
        let len = u16_at(self.stream, self.at + 2)? as usize;
        let data = self.stream.get(self.at + 4..self.at + 4 + len)?;
        self.at += 4 + len;
        Some((kind, data))
    }
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

/// An XLUnicodeString: a 16-bit count, a flags byte (bit 0: two bytes per character), then the
/// characters (one byte each is Latin-1, the low half of UTF-16).
fn unicode_string(data: &[u8]) -> Option<String> {
    let count = u16_at(data, 0)? as usize;
    let wide = data.get(2)? & 1 != 0;
    let chars = data.get(3..)?;
    if wide {
        let units: Vec<u16> = chars
            .get(..count * 2)?
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        Some(String::from_utf16_lossy(&units))
    } else {
        Some(chars.get(..count)?.iter().map(|&b| char::from(b)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: u16, data: &[u8]) -> Vec<u8> {
        let mut out = kind.to_le_bytes().to_vec();
        out.extend((data.len() as u16).to_le_bytes());
        out.extend(data);
        out
    }

    fn cat(parts: &[&[u8]]) -> Vec<u8> {
        parts.concat()
    }

    /// A workbook with one custom format, two XFs and one sheet: a hidden row 2, hidden
    /// columns C:D, a NUMBER in A1 with XF 1 and a MULRK over B3:C3 with XFs 0 and 1.
    fn workbook() -> Vec<u8> {
        let bof = |kind: u16| record(BOF, &cat(&[&0x0600u16.to_le_bytes(), &kind.to_le_bytes()]));
        let mut format = 164u16.to_le_bytes().to_vec();
        format.extend(5u16.to_le_bytes());
        format.push(0);
        format.extend(b"0.0 %");
        let xf = |fmt: u16| record(XF, &cat(&[&[0, 0], &fmt.to_le_bytes(), &[0; 16]]));
        let globals_without_sheet = cat(&[&bof(5), &record(FORMAT, &format), &xf(0), &xf(164)]);
        let sheet_record_len = 4 + 9; // BOUNDSHEET8 with a one-letter name
        let eof = record(EOF, &[]);
        let position = (globals_without_sheet.len() + sheet_record_len + eof.len()) as u32;
        let boundsheet = record(
            BOUNDSHEET8,
            &cat(&[&position.to_le_bytes(), &[0, 0], &[1, 0, b'S']]),
        );
        let mut row = vec![0u8; 16];
        row[0] = 1; // row 2
        row[12] = 0x20;
        let colinfo = cat(&[
            &2u16.to_le_bytes(),
            &3u16.to_le_bytes(),
            &[0; 4],
            &1u16.to_le_bytes(),
            &[0, 0],
        ]);
        let number = cat(&[&[0, 0, 0, 0], &1u16.to_le_bytes(), &0.5f64.to_le_bytes()]);
        let mulrk = cat(&[&[2, 0, 1, 0], &[0, 0], &[0; 4], &[1, 0], &[0; 4], &[2, 0]]);
        cat(&[
            &globals_without_sheet,
            &boundsheet,
            &eof,
            &bof(0x10),
            &record(ROW, &row),
            &record(COLINFO, &colinfo),
            &record(NUMBER, &number),
            &record(MULRK, &mulrk),
            &eof,
        ])
    }

    #[test]
    fn formats_and_hidden_rows_and_columns_are_read() {
        let book = Workbook::read(&workbook()).unwrap();
        assert_eq!(book.sheets.len(), 1);
        let sheet = &book.sheets[0];
        assert_eq!(sheet.hidden_rows, HashSet::from([1]));
        assert_eq!(sheet.hidden_cols, vec![(2, 3)]);
        assert_eq!(sheet.cells[&(0, 0)], 1);
        assert_eq!(sheet.cells[&(2, 1)], 0);
        assert_eq!(sheet.cells[&(2, 2)], 1);
        assert_eq!(book.code(1), Some("0.0 %"));
        assert_eq!(book.code(0), None, "XF 0 is General");
        assert_eq!(book.code(9), None, "no such XF");
    }

    #[test]
    fn damaged_or_other_streams_give_nothing_and_never_panic() {
        let whole = workbook();
        assert!(Workbook::read(&[]).is_none());
        for cut in 0..whole.len() {
            let _ = Workbook::read(&whole[..cut]);
        }
        let mut biff5 = whole.clone();
        biff5[4..6].copy_from_slice(&0x0500u16.to_le_bytes());
        assert!(Workbook::read(&biff5).is_none());
    }
}
