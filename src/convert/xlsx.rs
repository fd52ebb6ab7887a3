//! Excel workbooks (.xlsx, .xlsm, .xltx, .xltm): SpreadsheetML read with quick-xml into the shared
//! sheet model, every value as Excel displays it.
//!
//! The workbook part lists the sheets in tab order with their visibility (`state`) and the date
//! system (`date1904`); shared strings (plain and rich, `_xHHHH_` escapes decoded) and the
//! number formats of `styles.xml` (`numFmts`, `cellXfs`) are read once; each worksheet is
//! streamed, never held as a tree: cells with or without `r` references, types `s`, `inlineStr`,
//! `str`, `b`, `e`, `d` and numbers, formulas by their cached value, hidden rows and columns.
//! Values of merged areas already sit in their first cell (Excel keeps no others). A chart sheet
//! becomes its chart's title and cached series; dialog and macro sheets are named as such. The
//! `<dimension>` a file declares is never trusted: the used range comes from the cells.

use std::collections::HashMap;
use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};

use super::drawingml::{self, ListStyle};
use super::media::Media;
use super::numfmt::{self, DateSystem};
use super::opc::{self, Package, Rels};
use super::sheet::{self, Kind, Sheet, SheetKind};
use super::xml::{self, local_bytes};
use super::{ConvertError, ConvertOptions, Converted, Converter, Metadata, chart};
use crate::markdown;

pub struct XlsxConverter;

impl Converter for XlsxConverter {
    fn name(&self) -> &'static str {
        "xlsx"
    }

    fn version(&self) -> &'static str {
        // 2: print headers and footers in the metadata.
        "2"
    }

    fn convert(&self, bytes: &[u8], options: &ConvertOptions) -> Result<Converted, ConvertError> {
        convert_package(bytes, options).map_err(|e| opc::name_the_damage(bytes, "XLSX", e))
    }
}

/// A sheet as the workbook lists it.
struct SheetEntry {
    name: String,
    hidden: bool,
    rel: Option<String>,
}

fn convert_package(bytes: &[u8], options: &ConvertOptions) -> Result<Converted, ConvertError> {
    let mut pkg = Package::open(bytes, &options.limits, "XLSX")?;
    let main = pkg.main_part();
    let main = if pkg.has(&main) {
        main
    } else {
        "xl/workbook.xml".to_string()
    };
    let workbook = pkg.read_xml(&main)?.ok_or_else(|| {
        ConvertError::Corrupt(format!("the package has no workbook part ({main})"))
    })?;
    let dates = match workbook
        .child("workbookPr")
        .and_then(|p| p.attr("date1904"))
    {
        Some("1" | "true") => DateSystem::From1904,
        _ => DateSystem::From1900,
    };
    let entries: Vec<SheetEntry> = workbook
        .child("sheets")
        .map(|s| {
            s.children_named("sheet")
                .map(|e| SheetEntry {
                    name: e.attr("name").unwrap_or("Sheet").to_string(),
                    hidden: matches!(e.attr("state"), Some("hidden" | "veryHidden")),
                    rel: e.attr("id").map(str::to_string),
                })
                .collect()
        })
        .unwrap_or_default();
    let rels = pkg.rels(&main);
    let strings = match rels.first_of("sharedStrings") {
        Some(part) => read_shared_strings(&mut pkg, &part)?,
        None => Vec::new(),
    };
    let formats = match rels.first_of("styles") {
        Some(part) => read_formats(&mut pkg, &part),
        None => Formats::default(),
    };
    let ctx = Context {
        strings: &strings,
        formats: &formats,
        dates,
    };
    let mut sheets = Vec::new();
    let mut media = Media::default();
    let mut hidden = 0;
    for entry in &entries {
        hidden += usize::from(entry.hidden);
        let mut sheet = Sheet::new(entry.name.clone());
        sheet.hidden = entry.hidden;
        let rel = entry.rel.as_deref().and_then(|id| rels.get(id)).cloned();
        match rel {
            Some(rel) if rel.kind == "worksheet" && !rel.external => {
                read_worksheet(&mut pkg, &rel.target, &ctx, &mut sheet)?;
                sheet.drawing = read_drawing(&mut pkg, &rel.target, &mut media, options);
            }
            Some(rel) if rel.kind == "chartsheet" && !rel.external => {
                sheet.kind = SheetKind::Chart(chart_of_sheet(&mut pkg, &rel.target));
            }
            Some(rel) if rel.kind == "dialogsheet" => sheet.kind = SheetKind::Other("Dialog sheet"),
            Some(rel) if rel.kind.to_ascii_lowercase().contains("macrosheet") => {
                sheet.kind = SheetKind::Other("Macro sheet");
            }
            _ => {}
        }
        sheets.push(sheet);
    }
    let mut metadata: Metadata = opc::read_properties(&mut pkg);
    metadata.remove("page_count");
    sheet::add_headers_and_footers(&mut metadata, &sheets);
    metadata.insert("sheet_count".into(), entries.len().to_string());
    if hidden > 0 {
        metadata.insert("hidden_sheets".into(), hidden.to_string());
    }
    if dates == DateSystem::From1904 {
        metadata.insert("date_system".into(), "1904".into());
    }
    if media.count > 0 {
        metadata.insert("image_count".into(), media.count.to_string());
    }
    let layout = sheet::Layout {
        include_hidden: options.hidden_cells,
        max_rows: options.max_rows,
    };
    Ok(Converted {
        markdown: markdown::render(&sheet::workbook_blocks(sheets, layout)),
        metadata,
        warning: None,
        attachments: media.attachments,
    })
}

/// What reading a worksheet needs from the workbook.
struct Context<'a> {
    strings: &'a [String],
    formats: &'a Formats,
    dates: DateSystem,
}

/// Number formats by cell style index.
#[derive(Debug, Default)]
struct Formats {
    /// `cellXfs`: the numFmtId of each cell style.
    styles: Vec<u32>,
    custom: HashMap<u32, String>,
}

impl Formats {
    fn code(&self, style: usize) -> &str {
        let id = self.styles.get(style).copied().unwrap_or(0);
        if let Some(code) = self.custom.get(&id) {
            return code;
        }
        numfmt::builtin(id).unwrap_or("General")
    }
}

fn read_formats(pkg: &mut Package<'_>, part: &str) -> Formats {
    let mut formats = Formats::default();
    // Styles that cannot be read lose only number formatting.
    let Ok(Some(root)) = pkg.read_xml(part) else {
        return formats;
    };
    if let Some(fmts) = root.child("numFmts") {
        for f in fmts.children_named("numFmt") {
            if let (Some(id), Some(code)) = (
                f.attr("numFmtId").and_then(|i| i.parse().ok()),
                f.attr("formatCode"),
            ) {
                formats.custom.insert(id, code.to_string());
            }
        }
    }
    if let Some(xfs) = root.child("cellXfs") {
        formats.styles = xfs
            .children_named("xf")
            .map(|xf| {
                xf.attr("numFmtId")
                    .and_then(|i| i.parse().ok())
                    .unwrap_or(0)
            })
            .collect();
    }
    formats
}

/// `_x000D_`-style escapes of characters XML cannot hold, decoded.
fn unescape_x(text: &str) -> String {
    if !text.contains("_x") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("_x") {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let hex = tail.get(2..6);
        let code = hex
            .filter(|h| h.chars().all(|c| c.is_ascii_hexdigit()) && tail.get(6..7) == Some("_"))
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32);
        match code {
            Some(c) => {
                out.push(c);
                rest = &tail[7..];
            }
            None => {
                out.push_str("_x");
                rest = &tail[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Text events of a streaming reader: text, CDATA and entity references.
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

fn corrupt(part: &str, reader_pos: u64, e: impl std::fmt::Display) -> ConvertError {
    ConvertError::Corrupt(format!(
        "damaged XLSX: {part}: invalid XML at byte {reader_pos}: {e}"
    ))
}

/// The shared strings, streamed: each `si` is the concatenation of its `t` elements (rich text
/// runs included, phonetic guides `rPh` left out).
fn read_shared_strings(pkg: &mut Package<'_>, part: &str) -> Result<Vec<String>, ConvertError> {
    let pkg_depth = pkg.max_depth();
    let Some(stream) = pkg.stream(part)? else {
        return Ok(Vec::new());
    };
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(stream));
    reader.config_mut().check_end_names = false;
    reader.config_mut().allow_dangling_amp = true;
    let mut depth = xml::Depth::new(pkg_depth);
    let mut buf = Vec::new();
    let mut strings = Vec::new();
    let mut current = String::new();
    let (mut in_t, mut in_phonetic) = (false, false);
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| corrupt(part, reader.buffer_position(), e))?;
        depth.see(&event).map_err(|e| e.for_part("XLSX", part))?;
        match &event {
            Event::Start(e) => match local_bytes(e.name().as_ref()) {
                b"si" => current.clear(),
                b"t" => in_t = true,
                b"rPh" => in_phonetic = true,
                _ => {}
            },
            Event::Empty(e) if local_bytes(e.name().as_ref()) == b"si" => {
                strings.push(String::new())
            }
            Event::End(e) => match local_bytes(e.name().as_ref()) {
                b"si" => strings.push(unescape_x(&std::mem::take(&mut current))),
                b"t" => in_t = false,
                b"rPh" => in_phonetic = false,
                _ => {}
            },
            Event::Eof => break,
            other => {
                if in_t
                    && !in_phonetic
                    && let Some(text) = text_of(other)
                {
                    current.push_str(&text);
                }
            }
        }
        buf.clear();
        if strings.len() > sheet::MAX_CELLS {
            break;
        }
    }
    Ok(strings)
}

/// `B12` as (row, column), 0-based.
fn cell_ref(r: &[u8]) -> Option<(u32, u32)> {
    let letters = r.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let mut col: u32 = 0;
    for &b in &r[..letters] {
        col = col * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1);
    }
    let row: u32 = std::str::from_utf8(&r[letters..]).ok()?.parse().ok()?;
    Some((row.checked_sub(1)?, col - 1))
}

/// The state of the cell being read.
#[derive(Default)]
struct CellState {
    row: u32,
    col: u32,
    kind: Vec<u8>,
    style: usize,
    value: String,
    inline: String,
}

fn read_worksheet(
    pkg: &mut Package<'_>,
    part: &str,
    ctx: &Context<'_>,
    sheet: &mut Sheet,
) -> Result<(), ConvertError> {
    let max_depth = pkg.max_depth();
    let Some(stream) = pkg.stream(part)? else {
        return Ok(()); // a sheet whose part is missing reads as empty
    };
    parse_worksheet(std::io::BufReader::new(stream), part, ctx, sheet, max_depth)
}

fn parse_worksheet(
    input: impl BufRead,
    part: &str,
    ctx: &Context<'_>,
    sheet: &mut Sheet,
    max_depth: usize,
) -> Result<(), ConvertError> {
    let mut depth = xml::Depth::new(max_depth);
    let mut reader = quick_xml::Reader::from_reader(input);
    reader.config_mut().check_end_names = false;
    reader.config_mut().allow_dangling_amp = true;
    let mut buf = Vec::new();
    let mut next_row: u32 = 0;
    let mut row: u32 = 0;
    let mut next_col: u32 = 0;
    let mut cell: Option<CellState> = None;
    // Which text the reader is inside: the cell's `v`, or `t` of an inline string.
    let (mut in_v, mut in_t) = (false, false);
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| corrupt(part, reader.buffer_position(), e))?;
        depth.see(&event).map_err(|e| e.for_part("XLSX", part))?;
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(event, Event::Empty(_));
                match local_bytes(e.name().as_ref()) {
                    b"row" => {
                        row = attr(e, b"r")
                            .and_then(|r| r.parse::<u32>().ok())
                            .and_then(|r| r.checked_sub(1))
                            .unwrap_or(next_row);
                        next_row = row.saturating_add(1);
                        next_col = 0;
                        if attr(e, b"hidden").is_some_and(|h| h == "1" || h == "true") {
                            sheet.hidden_rows.insert(row);
                        }
                    }
                    b"c" => {
                        let (r, c) = attr(e, b"r")
                            .and_then(|r| cell_ref(r.as_bytes()))
                            .unwrap_or((row, next_col));
                        next_col = c.saturating_add(1);
                        let state = CellState {
                            row: r,
                            col: c,
                            kind: attr(e, b"t").unwrap_or_default().into_bytes(),
                            style: attr(e, b"s").and_then(|s| s.parse().ok()).unwrap_or(0),
                            ..CellState::default()
                        };
                        if empty {
                            // A cell without a value: only formatting.
                        } else {
                            cell = Some(state);
                        }
                    }
                    b"v" if !empty => in_v = true,
                    b"t" if !empty => in_t = true,
                    b"col" if attr(e, b"hidden").is_some_and(|h| h == "1" || h == "true") => {
                        let min = attr(e, b"min").and_then(|m| m.parse::<u32>().ok());
                        let max = attr(e, b"max").and_then(|m| m.parse::<u32>().ok());
                        if let (Some(min), Some(max)) = (min, max)
                            && min >= 1
                        {
                            sheet.hidden_cols.push((min - 1, max.max(min) - 1));
                        }
                    }
                    _ => {}
                }
            }
            Event::End(e) => match local_bytes(e.name().as_ref()) {
                b"v" => in_v = false,
                b"t" => in_t = false,
                b"c" => {
                    if let Some(state) = cell.take() {
                        let (text, kind) = cell_value(&state, ctx);
                        if !sheet.push(state.row, state.col, text, kind) {
                            return Ok(()); // full: the note says so
                        }
                    }
                }
                b"sheetData" => {
                    read_header_footer(&mut reader, part, &mut depth, sheet)?;
                    break;
                }
                _ => {}
            },
            Event::Eof => break,
            other => {
                if let Some(state) = cell.as_mut()
                    && (in_v || in_t)
                    && let Some(text) = text_of(other)
                {
                    if in_v {
                        state.value.push_str(&text);
                    } else {
                        state.inline.push_str(&text);
                    }
                }
            }
        }
        buf.clear();
    }
    Ok(())
}

/// The rest of a worksheet after its cells: the print headers and footers of `headerFooter`
/// (odd, even and first pages), as the text they print.
fn read_header_footer(
    reader: &mut quick_xml::Reader<impl BufRead>,
    part: &str,
    depth: &mut xml::Depth,
    sheet: &mut Sheet,
) -> Result<(), ConvertError> {
    let mut buf = Vec::new();
    // Inside a header (true) or footer (false) element, with its text so far.
    let mut current: Option<(bool, String)> = None;
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| corrupt(part, reader.buffer_position(), e))?;
        depth.see(&event).map_err(|e| e.for_part("XLSX", part))?;
        match &event {
            Event::Start(e) => {
                if let Some(header) = header_or_footer(local_bytes(e.name().as_ref())) {
                    current = Some((header, String::new()));
                }
            }
            Event::End(e) => {
                let qname = e.name();
                let name = local_bytes(qname.as_ref());
                if name == b"headerFooter" {
                    break; // what follows (breaks, drawings, extensions) prints no text
                }
                if header_or_footer(name).is_some()
                    && let Some((header, code)) = current.take()
                {
                    let text = sheet::header_footer_text(&code, &sheet.name);
                    if header {
                        sheet.headers.push(text);
                    } else {
                        sheet.footers.push(text);
                    }
                }
            }
            Event::Eof => break,
            other => {
                if let Some((_, code)) = current.as_mut()
                    && let Some(text) = text_of(other)
                {
                    code.push_str(&text);
                }
            }
        }
        buf.clear();
    }
    Ok(())
}

/// Whether a `headerFooter` child is a header (true) or a footer (false).
fn header_or_footer(name: &[u8]) -> Option<bool> {
    match name {
        b"oddHeader" | b"evenHeader" | b"firstHeader" => Some(true),
        b"oddFooter" | b"evenFooter" | b"firstFooter" => Some(false),
        _ => None,
    }
}

/// An attribute by local name.
fn attr(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| local_bytes(a.key.as_ref()) == name)
        .map(|a| xml::attr_text(&a))
}

/// A cell's displayed text and kind, from its type, value and number format.
fn cell_value(cell: &CellState, ctx: &Context<'_>) -> (String, Kind) {
    let value = cell.value.trim();
    match cell.kind.as_slice() {
        b"s" => {
            let text = value
                .parse::<usize>()
                .ok()
                .and_then(|i| ctx.strings.get(i))
                .cloned()
                .unwrap_or_default();
            (text, Kind::Text)
        }
        b"inlineStr" => (unescape_x(&cell.inline), Kind::Text),
        b"str" => (unescape_x(&cell.value), Kind::Text),
        b"b" => (
            if value == "1" || value.eq_ignore_ascii_case("true") {
                "TRUE"
            } else {
                "FALSE"
            }
            .into(),
            Kind::Bool,
        ),
        b"e" => (value.to_string(), Kind::Error),
        b"d" => (
            value
                .strip_suffix("T00:00:00")
                .unwrap_or(value)
                .replace('T', " "),
            Kind::Date,
        ),
        _ => match value.parse::<f64>() {
            Ok(number) => numfmt::format(number, ctx.formats.code(cell.style), ctx.dates),
            Err(_) if value.is_empty() && !cell.inline.is_empty() => {
                (unescape_x(&cell.inline), Kind::Text)
            }
            Err(_) => (value.to_string(), Kind::Text),
        },
    }
}

/// What a worksheet's drawing holds, in the order of the cells it is anchored to: text boxes and
/// shapes with text, pictures (alt text; extracted with `--images extract`), charts as tables.
fn read_drawing(
    pkg: &mut Package<'_>,
    sheet_part: &str,
    media: &mut Media,
    options: &ConvertOptions,
) -> Vec<crate::markdown::Block> {
    let sheet_rels = pkg.rels(sheet_part);
    let Some(part) = sheet_rels.first_of("drawing") else {
        return Vec::new();
    };
    let Ok(Some(root)) = pkg.read_xml(&part) else {
        return Vec::new();
    };
    let rels = pkg.rels(&part);
    let mut anchors: Vec<((u64, u64), &xml::Element)> = root
        .elements()
        .filter(|e| e.name.ends_with("Anchor"))
        .map(|a| {
            let at = |what: &str| {
                a.child("from")
                    .and_then(|f| f.child(what))
                    .and_then(|v| v.text().trim().parse::<u64>().ok())
                    .unwrap_or(0)
            };
            ((at("row"), at("col")), a)
        })
        .collect();
    anchors.sort_by_key(|(at, _)| *at);
    let mut out = Vec::new();
    let mut stack: Vec<&xml::Element> = anchors.into_iter().rev().map(|(_, a)| a).collect();
    // Anchors and groups, depth first without recursion; a group's shapes stay in order.
    let mut steps = 0;
    while let Some(e) = stack.pop() {
        steps += 1;
        if steps > 100_000 {
            break;
        }
        match e.name.as_str() {
            "sp" => {
                if let Some(body) = e.child("txBody") {
                    out.extend(drawingml::body_blocks(body, &ListStyle::default(), &rels));
                }
            }
            "pic" => {
                let alt = drawingml::alt_text(e.child("nvPicPr"));
                let target = e
                    .find("blip")
                    .and_then(|b| b.attr("embed").or_else(|| b.attr("link")))
                    .and_then(|id| rels.get(id))
                    .map(|r| (r.target.as_str(), r.external));
                let image = media.picture(pkg, target, alt, None, options.extract_images);
                if !matches!(&image, crate::markdown::Inline::Image { alt, src, .. } if alt.is_empty() && src.is_empty())
                {
                    out.push(crate::markdown::Block::Paragraph(vec![image]));
                }
            }
            "graphicFrame" => {
                if let Some(id) = e.find("chart").and_then(|c| c.attr("id"))
                    && let Some(rel) = rels.get(id)
                    && let Ok(Some(chart_root)) = pkg.read_xml(&rel.target.clone())
                {
                    out.extend(chart::blocks(&chart::read(&chart_root)));
                }
            }
            _ => {
                // An anchor or a group: its shapes, in order.
                for child in e.elements().collect::<Vec<_>>().into_iter().rev() {
                    if matches!(
                        child.name.as_str(),
                        "sp" | "pic" | "graphicFrame" | "grpSp" | "AlternateContent" | "Choice"
                    ) {
                        stack.push(child);
                    }
                }
            }
        }
    }
    out
}

/// The chart a chart sheet shows (through its drawing).
fn chart_of_sheet(pkg: &mut Package<'_>, part: &str) -> Option<chart::Chart> {
    let sheet_rels: Rels = pkg.rels(part);
    let drawing = sheet_rels.first_of("drawing")?;
    let drawing_rels = pkg.rels(&drawing);
    let chart_part = drawing_rels.first_of("chart")?;
    let root = pkg.read_xml(&chart_part).ok()??;
    Some(chart::read(&root))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references() {
        assert_eq!(cell_ref(b"A1"), Some((0, 0)));
        assert_eq!(cell_ref(b"AB12"), Some((11, 27)));
        assert_eq!(cell_ref(b"XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(cell_ref(b"A0"), None);
        assert_eq!(cell_ref(b"12"), None);
    }

    #[test]
    fn escapes() {
        assert_eq!(unescape_x("a_x000D_b"), "a\rb");
        assert_eq!(unescape_x("_x_y"), "_x_y");
    }

    #[test]
    fn cells_without_references_follow_each_other() {
        let strings = vec!["Name".to_string()];
        let formats = Formats {
            styles: vec![0, 10],
            custom: HashMap::new(),
        };
        let ctx = Context {
            strings: &strings,
            formats: &formats,
            dates: DateSystem::From1900,
        };
        let mut sheet = Sheet::new("S");
        let xml = br#"<worksheet><sheetData><row><c t="s"><v>0</v></c><c t="inlineStr"><is><t>x &amp; y</t></is></c></row><row><c><v>7.0000000000000009</v></c><c s="1"><v>0.125</v></c><c t="b"><v>1</v></c><c t="e"><v>#DIV/0!</v></c></row></sheetData></worksheet>"#;
        parse_worksheet(&xml[..], "sheet1.xml", &ctx, &mut sheet, 1000).unwrap();
        let cells: Vec<(u32, u32, &str)> = sheet
            .cells
            .iter()
            .map(|c| (c.row, c.col, c.text.as_str()))
            .collect();
        assert_eq!(
            cells,
            [
                (0, 0, "Name"),
                (0, 1, "x & y"),
                (1, 0, "7"),
                (1, 1, "12.50%"),
                (1, 2, "TRUE"),
                (1, 3, "#DIV/0!")
            ]
        );
    }
}
