//! Binary Excel workbooks: Excel 97-2003 and 5.0/95 (.xls, BIFF8/BIFF5 in a compound file) and
//! Excel binary workbooks (.xlsb), read with calamine into the shared sheet model.
//!
//! calamine is the one maintained reader of both binary formats; its panics (it has had many on
//! damaged files) are caught like every converter's. It gives typed values, not formatted text.
//! For XLS, `biff.rs` reads what calamine keeps to itself, each number cell's format and the
//! hidden rows and columns, so numbers are written as the workbook displays them (the shared
//! `numfmt.rs`, as for XLSX) and hidden rows and columns are left out like XLSX's. Without that
//! (XLSB, BIFF5), numbers are in General form (up to 15 significant digits, no `.0`), dates and
//! times (which calamine recognises from their formats) in ISO 8601, durations as `[h]:mm:ss`.
//! Booleans are TRUE/FALSE, errors as Excel shows them. Hidden sheets are left out unless
//! `hidden = true`. XLSB cells are streamed into the sparse sheet model; an XLS sheet's cells
//! come from calamine's own range, which the BIFF format bounds to 65,536 x 256.

mod biff;

use std::io::Cursor;

use calamine::{Data, Reader, SheetType, SheetVisible};

use super::numfmt::{self, DateSystem};
use super::sheet::{self, Kind, Sheet, SheetKind};
use super::{ConvertError, ConvertOptions, Converted, Converter, Metadata};
use crate::markdown;

pub struct XlsConverter;

pub struct XlsbConverter;

impl Converter for XlsConverter {
    fn name(&self) -> &'static str {
        "xls"
    }

    fn version(&self) -> &'static str {
        // 2: number formats applied, hidden rows and columns left out (biff.rs).
        "2"
    }

    fn convert(&self, bytes: &[u8], options: &ConvertOptions) -> Result<Converted, ConvertError> {
        let biff = workbook_stream(bytes).and_then(|s| biff::Workbook::read(&s));
        let mut book = calamine::Xls::new(Cursor::new(bytes)).map_err(|e| match e {
            calamine::XlsError::Password => encrypted(),
            other => ConvertError::Corrupt(format!("damaged XLS workbook: {other}")),
        })?;
        let dates = if book.has_1904_epoch() {
            DateSystem::From1904
        } else {
            DateSystem::From1900
        };
        let metas = book.sheets_metadata().to_vec();
        // The side reader's sheets are BOUNDSHEET8 records in order, as calamine's are.
        let biff = biff.filter(|b| b.sheets.len() == metas.len());
        let mut sheets = Vec::new();
        for (i, meta) in metas.iter().enumerate() {
            let mut sheet = new_sheet(meta);
            if sheet.kind == SheetKind::Worksheet {
                let range = book
                    .worksheet_range(&meta.name)
                    .map_err(|e| ConvertError::Corrupt(format!("damaged XLS workbook: {e}")))?;
                let info = biff.as_ref().map(|b| (b, &b.sheets[i]));
                if let Some((_, info)) = info {
                    sheet.hidden_rows = info.hidden_rows.clone();
                    sheet.hidden_cols = info.hidden_cols.clone();
                }
                let (row0, col0) = range.start().unwrap_or((0, 0));
                for (r, c, value) in range.used_cells() {
                    let (row, col) = (row0 + r as u32, col0 + c as u32);
                    let code = info.and_then(|(b, s)| b.code(*s.cells.get(&(row, col))?));
                    let (text, kind) = match (number_of(value), code) {
                        (Some(number), Some(code)) => numfmt::format(number, code, dates),
                        _ => display(value.clone(), dates),
                    };
                    if !sheet.push(row, col, text, kind) {
                        break;
                    }
                }
            }
            sheets.push(sheet);
        }
        let props = book.workbook_properties().ok();
        Ok(finish(sheets, props.as_ref(), dates, options))
    }
}

impl Converter for XlsbConverter {
    fn name(&self) -> &'static str {
        "xlsb"
    }

    fn version(&self) -> &'static str {
        "1"
    }

    fn convert(&self, bytes: &[u8], options: &ConvertOptions) -> Result<Converted, ConvertError> {
        let mut book = calamine::Xlsb::new(Cursor::new(bytes)).map_err(|e| match e {
            calamine::XlsbError::Password => encrypted(),
            other => ConvertError::Corrupt(format!("damaged XLSB workbook: {other}")),
        })?;
        let dates = if book.has_1904_epoch() {
            DateSystem::From1904
        } else {
            DateSystem::From1900
        };
        let mut sheets = Vec::new();
        for meta in book.sheets_metadata().to_vec() {
            let mut sheet = new_sheet(&meta);
            if sheet.kind == SheetKind::Worksheet {
                let mut cells = book
                    .worksheet_cells_reader(&meta.name)
                    .map_err(|e| ConvertError::Corrupt(format!("damaged XLSB workbook: {e}")))?;
                loop {
                    let cell = match cells.next_cell() {
                        Ok(Some(cell)) => cell,
                        Ok(None) => break,
                        Err(e) => {
                            return Err(ConvertError::Corrupt(format!(
                                "damaged XLSB workbook: sheet {}: {e}",
                                meta.name
                            )));
                        }
                    };
                    let (row, col) = cell.get_position();
                    let (text, kind) = display(cell.get_value().clone().into(), dates);
                    if !sheet.push(row, col, text, kind) {
                        break;
                    }
                }
            }
            sheets.push(sheet);
        }
        let props = book.workbook_properties().ok();
        Ok(finish(sheets, props.as_ref(), dates, options))
    }
}

fn encrypted() -> ConvertError {
    ConvertError::Encrypted(
        "the workbook is password-protected; save an unprotected copy to convert it".into(),
    )
}

fn new_sheet(meta: &calamine::Sheet) -> Sheet {
    let mut sheet = Sheet::new(meta.name.clone());
    sheet.hidden = !matches!(meta.visible, SheetVisible::Visible);
    sheet.kind = match meta.typ {
        SheetType::WorkSheet => SheetKind::Worksheet,
        SheetType::ChartSheet => SheetKind::Chart(None),
        SheetType::DialogSheet => SheetKind::Other("Dialog sheet"),
        SheetType::MacroSheet => SheetKind::Other("Macro sheet"),
        SheetType::Vba => SheetKind::Other("VBA module"),
    };
    sheet
}

fn add_properties(metadata: &mut Metadata, props: &calamine::WorkbookProperties) {
    for (key, value) in [
        ("title", &props.title),
        ("subject", &props.subject),
        ("author", &props.creator),
        ("keywords", &props.keywords),
        ("description", &props.description),
        ("last_modified_by", &props.last_modified_by),
        ("created", &props.created),
        ("modified", &props.modified),
    ] {
        if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            metadata.insert(key.into(), v.to_string());
        }
    }
}

fn finish(
    sheets: Vec<Sheet>,
    props: Option<&calamine::WorkbookProperties>,
    dates: DateSystem,
    options: &ConvertOptions,
) -> Converted {
    let mut metadata = Metadata::new();
    if let Some(props) = props {
        add_properties(&mut metadata, props);
    }
    metadata.insert("sheet_count".into(), sheets.len().to_string());
    let hidden = sheets.iter().filter(|s| s.hidden).count();
    if hidden > 0 {
        metadata.insert("hidden_sheets".into(), hidden.to_string());
    }
    if dates == DateSystem::From1904 {
        metadata.insert("date_system".into(), "1904".into());
    }
    let layout = sheet::Layout {
        include_hidden: options.hidden_cells,
        max_rows: options.max_rows,
    };
    Converted {
        markdown: markdown::render(&sheet::workbook_blocks(sheets, layout)),
        metadata,
        warning: None,
        attachments: Vec::new(),
    }
}

/// The `Workbook` stream of an XLS compound file, for the side reader.
fn workbook_stream(bytes: &[u8]) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).ok()?;
    let mut out = Vec::new();
    // BIFF bounds a workbook stream far below this; a damaged size must not become memory.
    file.open_stream("Workbook")
        .ok()?
        .take(1 << 30)
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

/// The number a cell holds (dates and durations are numbers with a format).
fn number_of(value: &Data) -> Option<f64> {
    match value {
        Data::Int(i) => Some(*i as f64),
        Data::Float(f) => Some(*f),
        Data::DateTime(dt) => Some(dt.as_f64()),
        _ => None,
    }
}

/// A typed value as text, with its kind.
fn display(value: Data, dates: DateSystem) -> (String, Kind) {
    match value {
        Data::Int(i) => (i.to_string(), Kind::Number),
        Data::Float(f) => (numfmt::general(f), Kind::Number),
        Data::String(s) => (s, Kind::Text),
        Data::Bool(b) => (if b { "TRUE" } else { "FALSE" }.into(), Kind::Bool),
        Data::DateTime(dt) => {
            let v = dt.as_f64();
            let code = if dt.is_duration() {
                "[h]:mm:ss"
            } else if v.fract() == 0.0 {
                "yyyy-mm-dd"
            } else if v.trunc() == 0.0 {
                "hh:mm:ss"
            } else {
                "yyyy-mm-dd hh:mm:ss"
            };
            numfmt::format(v, code, dates)
        }
        Data::DateTimeIso(s) => (
            s.strip_suffix("T00:00:00").unwrap_or(&s).replace('T', " "),
            Kind::Date,
        ),
        Data::DurationIso(s) => (s, Kind::Date),
        Data::Error(e) => (e.to_string(), Kind::Error),
        Data::Empty => (String::new(), Kind::Text),
    }
}
