//! OpenDocument spreadsheets (.ods, .ots, flat .fods): `content.xml` streamed into the shared
//! sheet model.
//!
//! ODF cells carry the text the spreadsheet displays (`text:p`), so numbers come out formatted
//! as the author saw them; dates and times are written from their typed values
//! (`office:date-value`, `office:time-value`) in ISO 8601, booleans as TRUE/FALSE. Repeated rows
//! and columns (`number-rows-repeated`, `number-columns-repeated`) are counted, not
//! materialised, unless they hold something: a 7 KB file that declares a billion empty cells
//! reads in microseconds, and one that repeats content stops at the sheet model's cell cap with a
//! note. Covered cells (merged areas) are empty, the value sits in the first cell. Hidden sheets
//! (`table:display="false"` in their style) and collapsed or filtered rows and columns are left
//! out unless `hidden = true`. Print headers and footers come from the master page each sheet's
//! table style names (`styles.xml`) and go to the metadata, as XLSX's do.

use std::collections::{HashMap, HashSet};
use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};

use super::odf::{self, Document};
use super::sheet::{self, Kind, Sheet};
use super::xml::{self, local_bytes};
use super::{ConvertError, ConvertOptions, Converted, Converter};
use crate::markdown;

pub struct OdsConverter;

impl Converter for OdsConverter {
    fn name(&self) -> &'static str {
        "ods"
    }

    fn version(&self) -> &'static str {
        // 2: print headers and footers of the sheets' master pages in the metadata.
        "2"
    }

    fn convert(&self, bytes: &[u8], options: &ConvertOptions) -> Result<Converted, ConvertError> {
        let mut doc = Document::open(bytes, &options.limits, "ODS")?;
        let (mut sheets, masters) = match &mut doc {
            Document::Flat(flat, depth) => read_sheets(*flat, "the file", *depth)?,
            Document::Package(pkg) => {
                let depth = pkg.max_depth();
                let stream = pkg.stream("content.xml")?.ok_or_else(|| {
                    ConvertError::Corrupt("the package has no content.xml".into())
                })?;
                read_sheets(std::io::BufReader::new(stream), "content.xml", depth)?
            }
        };
        running_text(&mut doc, &mut sheets, &masters);
        let mut metadata = odf::read_meta(&mut doc);
        sheet::add_headers_and_footers(&mut metadata, &sheets);
        metadata.insert("sheet_count".into(), sheets.len().to_string());
        let hidden = sheets.iter().filter(|s| s.hidden).count();
        if hidden > 0 {
            metadata.insert("hidden_sheets".into(), hidden.to_string());
        }
        let layout = sheet::Layout {
            include_hidden: options.hidden_cells,
            max_rows: options.max_rows,
        };
        Ok(Converted {
            markdown: markdown::render(&sheet::workbook_blocks(sheets, layout)),
            metadata,
            warning: None,
            attachments: Vec::new(),
        })
    }
}

/// An attribute by local name.
/// Gives each sheet the print headers and footers of its master page (`style:master-page` in
/// `styles.xml`, or in a flat file's `office:master-styles`), `&[Tab]` resolved to the sheet's
/// name as Excel's `&A` is. A sheet whose style names no master page prints with the first one.
fn running_text(doc: &mut Document<'_>, sheets: &mut [Sheet], masters: &HashMap<String, String>) {
    let root = match doc {
        Document::Package(_) => doc.part("styles.xml").ok().flatten(),
        Document::Flat(bytes, depth) => master_styles_of_flat(bytes, *depth),
    };
    let Some(root) = root else {
        return;
    };
    let pages = odf::master_pages(&root);
    for sheet in sheets.iter_mut() {
        let page = match masters.get(&sheet.name) {
            Some(name) => pages.iter().find(|p| &p.name == name),
            None => pages.first(),
        };
        if let Some(page) = page {
            let resolve = |t: &String| t.replace("&[Tab]", &sheet.name);
            sheet.headers = page.headers.iter().map(resolve).collect();
            sheet.footers = page.footers.iter().map(resolve).collect();
        }
    }
}

/// The `office:master-styles` element of a flat file, parsed on its own (the rest of the file is
/// streamed, never held as a tree).
fn master_styles_of_flat(bytes: &[u8], depth: usize) -> Option<xml::Element> {
    let start = crate::sniff::find(bytes, b"<office:master-styles")?;
    let close = b"</office:master-styles>";
    let end = start + crate::sniff::find(&bytes[start..], close)? + close.len();
    let mut wrapped = b"<root>".to_vec();
    wrapped.extend_from_slice(&bytes[start..end]);
    wrapped.extend_from_slice(b"</root>");
    xml::parse_limited(&wrapped, depth).ok()
}

fn attr(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| local_bytes(a.key.as_ref()) == name)
        .map(|a| xml::attr_text(&a))
}

fn count(e: &BytesStart<'_>, name: &[u8]) -> u32 {
    attr(e, name)
        .and_then(|v| v.parse::<u32>().ok())
        .unwrap_or(1)
        .max(1)
}

/// The cell being read.
#[derive(Default)]
struct CellState {
    repeat: u32,
    value_type: String,
    date: Option<String>,
    time: Option<String>,
    boolean: Option<String>,
    value: Option<String>,
    text: String,
    paragraphs: usize,
}

/// The row being read: its cells (column, text, kind) until the row's repeat count is known to
/// apply to them all.
struct RowState {
    repeat: u32,
    hidden: bool,
    cells: Vec<(u32, String, Kind)>,
    col: u32,
}

/// The sheets of `content.xml`, and the master page (print layout) each sheet's table style names.
fn read_sheets(
    input: impl BufRead,
    part: &str,
    max_depth: usize,
) -> Result<(Vec<Sheet>, HashMap<String, String>), ConvertError> {
    let mut depth = xml::Depth::new(max_depth);
    let mut reader = quick_xml::Reader::from_reader(input);
    reader.config_mut().check_end_names = false;
    reader.config_mut().allow_dangling_amp = true;
    let mut buf = Vec::new();
    let mut sheets: Vec<Sheet> = Vec::new();
    let mut hidden_styles: HashSet<String> = HashSet::new();
    let mut style_masters: HashMap<String, String> = HashMap::new();
    let mut sheet_masters: HashMap<String, String> = HashMap::new();
    let mut style_name: Option<String> = None;
    let mut current: Option<Sheet> = None;
    let mut col_index: u32 = 0;
    let mut row_index: u32 = 0;
    let mut row: Option<RowState> = None;
    let mut cell: Option<CellState> = None;
    let mut in_p = false;
    let mut annotation = 0usize;
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            ConvertError::Corrupt(format!(
                "damaged ODS: {part}: invalid XML at byte {}: {e}",
                reader.buffer_position()
            ))
        })?;
        depth.see(&event).map_err(|e| e.for_part("ODS", part))?;
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(event, Event::Empty(_));
                match local_bytes(e.name().as_ref()) {
                    b"style" => {
                        style_name = attr(e, b"name");
                        if let (Some(name), Some(master)) =
                            (&style_name, attr(e, b"master-page-name"))
                        {
                            style_masters.insert(name.clone(), master);
                        }
                    }
                    b"table-properties" => {
                        if attr(e, b"display").as_deref() == Some("false")
                            && let Some(name) = &style_name
                        {
                            hidden_styles.insert(name.clone());
                        }
                    }
                    b"table" => {
                        let mut sheet = Sheet::new(attr(e, b"name").unwrap_or_default());
                        let style = attr(e, b"style-name");
                        sheet.hidden = style.as_ref().is_some_and(|s| hidden_styles.contains(s));
                        if let Some(master) = style.and_then(|s| style_masters.get(&s)) {
                            sheet_masters.insert(sheet.name.clone(), master.clone());
                        }
                        current = Some(sheet);
                        col_index = 0;
                        row_index = 0;
                        if empty {
                            sheets.extend(current.take());
                        }
                    }
                    b"table-column" => {
                        let n = count(e, b"number-columns-repeated");
                        if let Some(sheet) = current.as_mut()
                            && matches!(
                                attr(e, b"visibility").as_deref(),
                                Some("collapse" | "filter")
                            )
                        {
                            sheet
                                .hidden_cols
                                .push((col_index, col_index.saturating_add(n - 1)));
                        }
                        col_index = col_index.saturating_add(n);
                    }
                    b"table-row" => {
                        let state = RowState {
                            repeat: count(e, b"number-rows-repeated"),
                            hidden: matches!(
                                attr(e, b"visibility").as_deref(),
                                Some("collapse" | "filter")
                            ),
                            cells: Vec::new(),
                            col: 0,
                        };
                        if empty {
                            row_index = row_index.saturating_add(state.repeat);
                        } else {
                            row = Some(state);
                        }
                    }
                    b"table-cell" | b"covered-table-cell" => {
                        let state = CellState {
                            repeat: count(e, b"number-columns-repeated"),
                            value_type: attr(e, b"value-type").unwrap_or_default(),
                            date: attr(e, b"date-value"),
                            time: attr(e, b"time-value"),
                            boolean: attr(e, b"boolean-value"),
                            value: attr(e, b"value"),
                            ..CellState::default()
                        };
                        if empty {
                            if let Some(r) = row.as_mut() {
                                r.col = r.col.saturating_add(state.repeat);
                            }
                        } else {
                            cell = Some(state);
                        }
                    }
                    b"annotation" if !empty => annotation += 1,
                    b"p" | b"h" if cell.is_some() && annotation == 0 => {
                        if let Some(c) = cell.as_mut() {
                            if c.paragraphs > 0 {
                                c.text.push('\n');
                            }
                            c.paragraphs += 1;
                        }
                        in_p = !empty;
                    }
                    b"s" if in_p && annotation == 0 => {
                        if let Some(c) = cell.as_mut() {
                            let n = count(e, b"c").min(100) as usize;
                            c.text.push_str(&" ".repeat(n));
                        }
                    }
                    b"tab" if in_p && annotation == 0 => {
                        if let Some(c) = cell.as_mut() {
                            c.text.push('\t');
                        }
                    }
                    b"line-break" if in_p && annotation == 0 => {
                        if let Some(c) = cell.as_mut() {
                            c.text.push('\n');
                        }
                    }
                    _ => {}
                }
            }
            Event::End(e) => match local_bytes(e.name().as_ref()) {
                b"style" => style_name = None,
                b"annotation" => annotation = annotation.saturating_sub(1),
                b"p" | b"h" => in_p = false,
                b"table-cell" | b"covered-table-cell" => {
                    if let (Some(c), Some(r)) = (cell.take(), row.as_mut()) {
                        let repeat = c.repeat;
                        if let Some((text, kind)) = cell_value(c) {
                            for k in 0..repeat.min(16_384) {
                                r.cells.push((r.col.saturating_add(k), text.clone(), kind));
                                if r.cells.len() > sheet::MAX_CELLS {
                                    break;
                                }
                            }
                        }
                        r.col = r.col.saturating_add(repeat);
                    }
                }
                b"table-row" => {
                    if let (Some(r), Some(sheet)) = (row.take(), current.as_mut()) {
                        push_row(sheet, r, &mut row_index);
                    }
                }
                b"table" => sheets.extend(current.take()),
                _ => {}
            },
            Event::Eof => break,
            other => {
                if in_p
                    && annotation == 0
                    && let Some(c) = cell.as_mut()
                    && let Some(text) = text_of(other)
                {
                    c.text.push_str(&text);
                }
            }
        }
        buf.clear();
    }
    sheets.extend(current.take());
    Ok((sheets, sheet_masters))
}

/// Adds a finished row to the sheet, as many times as it repeats, when it holds something (the
/// sheet's cell cap ends a repeated row that would fill it).
fn push_row(sheet: &mut Sheet, row: RowState, row_index: &mut u32) {
    let first = *row_index;
    *row_index = row_index.saturating_add(row.repeat);
    if row.cells.is_empty() {
        return;
    }
    for k in 0..row.repeat {
        let index = first.saturating_add(k);
        if row.hidden {
            sheet.hidden_rows.insert(index);
        }
        for (col, text, kind) in &row.cells {
            if !sheet.push(index, *col, text.clone(), *kind) {
                return;
            }
        }
    }
}

/// A cell's text and kind; None for an empty cell.
fn cell_value(c: CellState) -> Option<(String, Kind)> {
    let shown = c.text.trim().to_string();
    let (text, kind) = match c.value_type.as_str() {
        "date" => (c.date.as_deref().map(iso_date).unwrap_or(shown), Kind::Date),
        "time" => (
            c.time.as_deref().and_then(iso_duration).unwrap_or(shown),
            Kind::Date,
        ),
        "boolean" => (
            match c.boolean.as_deref() {
                Some("true") => "TRUE".to_string(),
                Some("false") => "FALSE".to_string(),
                _ => shown,
            },
            Kind::Bool,
        ),
        "float" | "percentage" | "currency" => {
            let text = if shown.is_empty() {
                c.value
                    .as_deref()
                    .and_then(|v| v.parse::<f64>().ok())
                    .map(super::numfmt::general)
                    .unwrap_or_default()
            } else {
                shown
            };
            let kind = if text.starts_with('#') {
                Kind::Error
            } else {
                Kind::Number
            };
            (text, kind)
        }
        _ => (c.text.clone(), Kind::Text),
    };
    (!text.trim().is_empty()).then_some((text, kind))
}

/// `2024-03-15T14:30:00` as `2024-03-15 14:30:00`; midnight alone as the date.
fn iso_date(value: &str) -> String {
    let v = value.strip_suffix("T00:00:00").unwrap_or(value);
    let v = v.split('.').next().unwrap_or(v);
    v.replace('T', " ")
}

/// `PT26H30M15S` as `26:30:15`.
fn iso_duration(value: &str) -> Option<String> {
    let rest = value
        .strip_prefix("PT")
        .or_else(|| value.strip_prefix("-PT"))?;
    let negative = value.starts_with('-');
    let mut h = 0u64;
    let mut m = 0u64;
    let mut s = 0f64;
    let mut number = String::new();
    for c in rest.chars() {
        match c {
            'H' => h = number.parse().ok()?,
            'M' => m = number.parse().ok()?,
            'S' => s = number.parse().ok()?,
            _ => {
                number.push(c);
                continue;
            }
        }
        number.clear();
    }
    let secs = s.round() as u64;
    Some(format!(
        "{}{h:02}:{m:02}:{secs:02}",
        if negative { "-" } else { "" }
    ))
}

fn text_of(event: &Event<'_>) -> Option<String> {
    match event {
        Event::Text(t) => Some(
            t.decode()
                .map(|s| s.into_owned())
                .unwrap_or_else(|_| String::from_utf8_lossy(t).into_owned()),
        ),
        Event::CData(c) => Some(String::from_utf8_lossy(c).into_owned()),
        Event::GeneralRef(r) => {
            let name = r.decode().map(|n| n.into_owned()).unwrap_or_default();
            xml::resolve_reference(&name)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_are_counted_not_materialised() {
        let xml = br#"<office:document-content><office:body><office:spreadsheet>
          <table:table table:name="S">
            <table:table-column table:number-columns-repeated="16384"/>
            <table:table-row><table:table-cell office:value-type="string"><text:p>Name</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="1234.5"><text:p>1,234.50</text:p></table:table-cell></table:table-row>
            <table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>
            <table:table-row><table:table-cell office:value-type="date" office:date-value="2024-03-15"><text:p>03/15/24</text:p></table:table-cell><table:table-cell office:value-type="time" office:time-value="PT26H30M15S"><text:p>26:30:15</text:p></table:table-cell><table:table-cell office:value-type="boolean" office:boolean-value="true"><text:p>WAHR</text:p></table:table-cell></table:table-row>
          </table:table></office:spreadsheet></office:body></office:document-content>"#;
        let (sheets, _) = read_sheets(&xml[..], "content.xml", 1000).unwrap();
        let cells: Vec<(u32, u32, &str)> = sheets[0]
            .cells
            .iter()
            .map(|c| (c.row, c.col, c.text.as_str()))
            .collect();
        assert_eq!(
            cells,
            [
                (0, 0, "Name"),
                (0, 1, "1,234.50"),
                (1_048_571, 0, "2024-03-15"),
                (1_048_571, 1, "26:30:15"),
                (1_048_571, 2, "TRUE")
            ]
        );
    }

    #[test]
    fn a_repeated_row_with_content_stops_at_the_cap() {
        let xml = br#"<table:table table:name="S"><table:table-row table:number-rows-repeated="4000000000"><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table>"#;
        let (sheets, _) = read_sheets(&xml[..], "content.xml", 1000).unwrap();
        assert!(sheets[0].truncated_cells);
        assert!(sheets[0].cells.len() <= sheet::MAX_CELLS);
    }

    #[test]
    fn each_sheet_prints_the_headers_and_footers_of_its_master_page() {
        let fods = br#"<?xml version="1.0"?><office:document xmlns:office="o" xmlns:style="s" xmlns:table="t" xmlns:text="x">
          <office:automatic-styles>
            <style:style style:name="ta1" style:family="table" style:master-page-name="Default"/>
            <style:style style:name="ta2" style:family="table" style:master-page-name="Wide"/>
          </office:automatic-styles>
          <office:master-styles>
            <style:master-page style:name="Default"><style:header><text:p><text:sheet-name>???</text:sheet-name></text:p></style:header>
              <style:footer><text:p>Page <text:page-number>1</text:page-number></text:p></style:footer></style:master-page>
            <style:master-page style:name="Wide"><style:header><style:region-left><text:p>Internal</text:p></style:region-left></style:header>
              <style:footer style:display="false"><text:p>Hidden</text:p></style:footer></style:master-page>
            <style:master-page style:name="Report"><style:footer><text:p>Unused</text:p></style:footer></style:master-page>
          </office:master-styles>
          <office:body><office:spreadsheet>
            <table:table table:name="Costs" table:style-name="ta1"><table:table-row><table:table-cell office:value-type="string"><text:p>a</text:p></table:table-cell></table:table-row></table:table>
            <table:table table:name="Plan" table:style-name="ta2"><table:table-row><table:table-cell office:value-type="string"><text:p>b</text:p></table:table-cell></table:table-row></table:table>
          </office:spreadsheet></office:body></office:document>"#;
        let converted = OdsConverter
            .convert(fods, &ConvertOptions::default())
            .unwrap();
        let meta = |k: &str| converted.metadata.get(k).cloned();
        assert_eq!(meta("header_text").as_deref(), Some("Costs | Internal"));
        assert_eq!(meta("footer_text").as_deref(), Some("Page &[Page]"));
    }
}
