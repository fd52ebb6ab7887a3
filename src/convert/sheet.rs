//! The spreadsheet model every sheet format fills (XLSX, XLS, XLSB, ODS, CSV): cells with the
//! text the spreadsheet displays and a kind, collected sparsely and laid out into one table per
//! sheet.
//!
//! The layout rules live here once: the used range is the bounding box of the non-empty cells
//! (leading and trailing empty rows and columns never appear); runs of empty rows or columns
//! inside it shrink to one (a sheet with a cell at A1 and one at XFD1048576 is a 3 x 3 table, not
//! seventeen billion cells); hidden rows and columns are left out unless asked for; the first row
//! is the header when it reads like one; rows past `max-rows` are cut with a note that says how
//! many. Cell values are never invented: no `NaN`, no `None`, no `.0`.

use std::collections::HashSet;

use crate::markdown::{Block, Grid, Inline};

/// Cells read per sheet before the rest is left out with a note (memory stays bounded whatever a
/// file declares).
pub const MAX_CELLS: usize = 2_000_000;

/// What kind of value a cell holds: decides whether a first row reads as a header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Number,
    Date,
    Bool,
    Error,
}

/// One non-empty cell: 0-based row and column, the displayed text and its kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub row: u32,
    pub col: u32,
    pub text: String,
    pub kind: Kind,
}

/// What a sheet is.
#[derive(Debug, Clone, PartialEq)]
pub enum SheetKind {
    Worksheet,
    /// A chart sheet (no cells): its chart, when the part can be read.
    Chart(Option<super::chart::Chart>),
    /// A sheet type docproc does not read (dialog, macro sheet).
    Other(&'static str),
}

/// A sheet as read: its cells in any order, and what is hidden.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub kind: SheetKind,
    pub hidden: bool,
    pub cells: Vec<Cell>,
    pub hidden_rows: HashSet<u32>,
    /// Hidden column ranges, inclusive, 0-based.
    pub hidden_cols: Vec<(u32, u32)>,
    /// Set when the reader stopped at [`MAX_CELLS`].
    pub truncated_cells: bool,
    /// Rows a streaming reader counted past `max-rows` without storing them.
    pub unread_rows: u64,
    /// What the sheet's drawing holds (pictures, text boxes, charts), written after its table.
    pub drawing: Vec<Block>,
    /// The text of its print headers and footers (recorded in the metadata, like DOCX's).
    pub headers: Vec<String>,
    pub footers: Vec<String>,
}

impl Sheet {
    pub fn new(name: impl Into<String>) -> Sheet {
        Sheet {
            name: name.into(),
            kind: SheetKind::Worksheet,
            hidden: false,
            cells: Vec::new(),
            hidden_rows: HashSet::new(),
            hidden_cols: Vec::new(),
            truncated_cells: false,
            unread_rows: 0,
            drawing: Vec::new(),
            headers: Vec::new(),
            footers: Vec::new(),
        }
    }

    /// Adds a cell unless it is empty; false once the sheet is full ([`MAX_CELLS`]).
    pub fn push(&mut self, row: u32, col: u32, text: String, kind: Kind) -> bool {
        if self.cells.len() >= MAX_CELLS {
            self.truncated_cells = true;
            return false;
        }
        if !text.trim().is_empty() {
            self.cells.push(Cell {
                row,
                col,
                text,
                kind,
            });
        }
        true
    }

    fn col_hidden(&self, col: u32) -> bool {
        self.hidden_cols
            .iter()
            .any(|&(from, to)| from <= col && col <= to)
    }
}

/// Records the sheets' print headers and footers as `header_text` and `footer_text`.
pub fn add_headers_and_footers(metadata: &mut super::Metadata, sheets: &[Sheet]) {
    let headers: Vec<String> = sheets.iter().flat_map(|s| s.headers.clone()).collect();
    let footers: Vec<String> = sheets.iter().flat_map(|s| s.footers.clone()).collect();
    super::add_running_text(metadata, "header_text", &headers);
    super::add_running_text(metadata, "footer_text", &footers);
}

/// The text a SpreadsheetML header or footer prints (ECMA-376 18.3.1.46): its left, centre and
/// right sections (`&L`, `&C`, `&R`) joined by two spaces; `&A` is the sheet's name, `&&` an
/// ampersand; fields that change per page or print are named as Excel's header editor shows
/// them (`&[Page]`, `&[Pages]`, `&[Date]`, `&[Time]`, `&[File]`, `&[Path]`); pictures (`&G`)
/// and formatting codes (`&B`, `&I`, `&"Font,Style"`, `&12` sizes, ...) print nothing.
pub fn header_footer_text(code: &str, sheet_name: &str) -> String {
    let mut sections: Vec<String> = vec![String::new()];
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '&' {
            sections.last_mut().expect("one section").push(c);
            continue;
        }
        match chars.next() {
            Some('&') => sections.last_mut().expect("one section").push('&'),
            Some('L' | 'C' | 'R') => sections.push(String::new()),
            Some('A') => sections
                .last_mut()
                .expect("one section")
                .push_str(sheet_name),
            Some(field @ ('P' | 'N' | 'D' | 'T' | 'F' | 'Z')) => {
                let name = match field {
                    'P' => "Page",
                    'N' => "Pages",
                    'D' => "Date",
                    'T' => "Time",
                    'F' => "File",
                    _ => "Path",
                };
                let section = sections.last_mut().expect("one section");
                section.push_str("&[");
                section.push_str(name);
                section.push(']');
            }
            Some('"') => {
                // A font name and style, up to the closing quote.
                for c in chars.by_ref() {
                    if c == '"' {
                        break;
                    }
                }
            }
            Some(d) if d.is_ascii_digit() => {
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
            }
            _ => {}
        }
    }
    let parts: Vec<&str> = sections
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    parts.join("  ")
}

/// How sheets are written.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    pub include_hidden: bool,
    pub max_rows: u64,
}

/// The blocks of a workbook: one `## Sheet name` section per sheet.
pub fn workbook_blocks(sheets: Vec<Sheet>, layout: Layout) -> Vec<Block> {
    let mut blocks = Vec::new();
    for sheet in sheets {
        if sheet.hidden && !layout.include_hidden {
            continue;
        }
        blocks.push(Block::Heading {
            level: 2,
            content: vec![Inline::Text(sheet.name.clone())],
        });
        blocks.extend(sheet_blocks(sheet, layout));
    }
    blocks
}

/// One sheet's table (or the line that says why there is none), without its heading.
pub fn sheet_blocks(mut sheet: Sheet, layout: Layout) -> Vec<Block> {
    let drawing = std::mem::take(&mut sheet.drawing);
    let mut blocks = table_blocks(sheet, layout);
    if blocks.len() == 1 && !drawing.is_empty() && blocks[0] == empty_note() {
        blocks.clear(); // a sheet that holds only a chart or pictures is not "empty"
    }
    blocks.extend(drawing);
    blocks
}

fn empty_note() -> Block {
    Block::Paragraph(vec![Inline::Emph(vec![Inline::Text(
        "Empty sheet.".into(),
    )])])
}

fn table_blocks(sheet: Sheet, layout: Layout) -> Vec<Block> {
    let note = |text: String| Block::Paragraph(vec![Inline::Emph(vec![Inline::Text(text)])]);
    match &sheet.kind {
        SheetKind::Chart(Some(chart)) => return super::chart::blocks(chart),
        SheetKind::Chart(None) => return vec![note("Chart sheet.".into())],
        SheetKind::Other(what) => return vec![note(format!("{what}: no cells."))],
        SheetKind::Worksheet => {}
    }
    let truncated_cells = sheet.truncated_cells;
    let unread = sheet.unread_rows;
    let (titles, grid, cut_rows) = layout_grid(sheet, layout);
    let cut_rows = cut_rows + unread;
    let mut blocks: Vec<Block> = titles
        .into_iter()
        .map(|t| Block::Paragraph(vec![Inline::Strong(vec![Inline::Text(t)])]))
        .collect();
    match grid {
        Some(grid) => blocks.push(Block::Grid(grid)),
        None => blocks.push(empty_note()),
    }
    if cut_rows > 0 {
        blocks.push(note(format!(
            "{cut_rows} more rows not shown (max-rows {}).",
            layout.max_rows
        )));
    }
    if truncated_cells {
        blocks.push(note(format!(
            "The sheet has more than {MAX_CELLS} cells; the rest were not read."
        )));
    }
    blocks
}

/// Title lines above a sheet's table, the grid of its visible cells, and how many rows
/// `max_rows` cut.
fn layout_grid(mut sheet: Sheet, layout: Layout) -> (Vec<String>, Option<Grid>, u64) {
    if !layout.include_hidden {
        let cells = std::mem::take(&mut sheet.cells);
        sheet.cells = cells
            .into_iter()
            .filter(|c| !sheet.hidden_rows.contains(&c.row) && !sheet.col_hidden(c.col))
            .collect();
    }
    if sheet.cells.is_empty() {
        return (Vec::new(), None, 0);
    }
    // Rows and columns that hold something, in order; gaps between them shrink to one.
    let mut rows: Vec<u32> = sheet.cells.iter().map(|c| c.row).collect();
    rows.sort_unstable();
    rows.dedup();
    let mut cols: Vec<u32> = sheet.cells.iter().map(|c| c.col).collect();
    cols.sort_unstable();
    cols.dedup();
    // Hidden rows and columns left out are no gap: they are not there for the reader.
    let hidden = !layout.include_hidden;
    let hidden_rows = |a: u32, b: u32| {
        if hidden {
            sheet
                .hidden_rows
                .iter()
                .filter(|&&r| a < r && r < b)
                .count() as u64
        } else {
            0
        }
    };
    let hidden_cols = |a: u32, b: u32| {
        if !hidden {
            return 0;
        }
        sheet
            .hidden_cols
            .iter()
            .map(|&(from, to)| {
                let (lo, hi) = (from.max(a + 1), to.min(b.saturating_sub(1)));
                if lo <= hi { u64::from(hi - lo) + 1 } else { 0 }
            })
            .sum()
    };
    let row_at = positions(&rows, hidden_rows);
    let col_at = positions(&cols, hidden_cols);
    let width = col_at.last().map_or(0, |&p| p + 1);
    let height = row_at.last().map_or(0, |&p| p + 1);
    let max_rows = (layout.max_rows.min(usize::MAX as u64) as usize).max(1);
    // Title lines (below) come out of the table before it is cut to max_rows, the header row
    // counting as one: room for three titles and the empty rows after them.
    const TITLE_ROOM: usize = 6;
    let kept = height.min(max_rows.saturating_add(TITLE_ROOM));
    let mut grid: Vec<Vec<String>> = vec![vec![String::new(); width]; kept];
    let mut kinds: Vec<Option<Kind>> = vec![None; width];
    let cells = std::mem::take(&mut sheet.cells);
    for cell in cells {
        let r = row_at[rows.binary_search(&cell.row).expect("row listed")];
        let c = col_at[cols.binary_search(&cell.col).expect("column listed")];
        if r == 0 {
            kinds[c] = Some(cell.kind);
        }
        if r < kept {
            grid[r][c] = cell.text;
        }
    }
    // Title lines: leading rows of a table two or more columns wide that hold a single cell
    // (a sheet's title above its header row) are written above the table, not as its rows.
    let mut titles = Vec::new();
    while titles.len() < 3 && width > 1 && grid.len() > 2 {
        let filled: Vec<usize> = (0..width).filter(|&c| !grid[0][c].is_empty()).collect();
        let rest_has_rows = grid[1..].iter().any(|r| r.iter().any(|c| !c.is_empty()));
        if filled.len() != 1 || !rest_has_rows {
            break;
        }
        let title = std::mem::take(&mut grid[0][filled[0]]);
        grid.remove(0);
        while grid.len() > 1 && grid[0].iter().all(String::is_empty) {
            grid.remove(0);
        }
        titles.push(title);
        // The next row's kinds decide the header; text is all a title row can tell us.
        kinds = first_kinds_of(&grid[0]);
    }
    let removed = kept - grid.len();
    grid.truncate(max_rows);
    let cut = (height - removed - grid.len()) as u64;
    let header = grid.len() > 1 && reads_as_header(&kinds);
    (titles, Some(Grid { rows: grid, header }), cut)
}

/// The kinds of a row already laid out (text read back: only for rows after title lines).
fn first_kinds_of(row: &[String]) -> Vec<Option<Kind>> {
    row.iter()
        .map(|t| (!t.is_empty()).then(|| kind_of_text(t)))
        .collect()
}

/// The position of each listed index once gaps shrink to one empty line: `[0, 1, 5]` lies at
/// `[0, 1, 3]`. `left_out(a, b)` counts the indexes between a and b that do not count as a gap.
fn positions(sorted: &[u32], left_out: impl Fn(u32, u32) -> u64) -> Vec<usize> {
    let mut out = Vec::with_capacity(sorted.len());
    let mut at = 0usize;
    for (i, &index) in sorted.iter().enumerate() {
        if i > 0 {
            let prev = sorted[i - 1];
            let between = u64::from(index - prev - 1);
            at += if between > left_out(prev, index) {
                2
            } else {
                1
            };
        }
        out.push(at);
    }
    out
}

/// Whether a first row, given the kinds of its cells, is a header: text only (a number, date or
/// boolean there is data), and filling at least half of the columns (a lone title above a wide
/// table is not a header row).
pub fn reads_as_header(first: &[Option<Kind>]) -> bool {
    let filled = first.iter().filter(|k| k.is_some()).count();
    filled > 0 && filled * 2 >= first.len() && first.iter().flatten().all(|&k| k == Kind::Text)
}

/// The kind of a value written as text (CSV): numbers with `.` or `,` decimals, percentages and
/// currency signs are numbers, ISO dates are dates, TRUE/FALSE booleans.
pub fn kind_of_text(text: &str) -> Kind {
    let t = text.trim();
    if t.eq_ignore_ascii_case("true") || t.eq_ignore_ascii_case("false") {
        return Kind::Bool;
    }
    let digits = t
        .trim_start_matches(['-', '+', '(', '$', '€', '£', '¥'])
        .trim_end_matches(['%', ')', '€', '$']);
    let number = !digits.is_empty()
        && digits.chars().next().is_some_and(|c| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | ' ' | '\u{a0}' | 'e' | 'E'));
    if number {
        return Kind::Number;
    }
    let b = t.as_bytes();
    if b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[7] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[8..10].iter().all(u8::is_ascii_digit)
    {
        return Kind::Date;
    }
    Kind::Text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_footer_codes_print_their_text() {
        let text = |code| header_footer_text(code, "Budget");
        assert_eq!(
            text("&L&\"Arial,Bold\"&14Corporate &&Co&CConfidential&RPage &P of &N"),
            "Corporate &Co  Confidential  Page &[Page] of &[Pages]"
        );
        assert_eq!(text("&C&A, &D&R&G"), "Budget, &[Date]");
        assert_eq!(text("Plain text"), "Plain text");
        assert_eq!(text("&B&I"), "");
        assert_eq!(text("&"), "");
    }

    fn layout() -> Layout {
        Layout {
            include_hidden: false,
            max_rows: 1_000,
        }
    }

    fn sheet(cells: &[(u32, u32, &str, Kind)]) -> Sheet {
        let mut s = Sheet::new("S");
        for (r, c, t, k) in cells {
            s.push(*r, *c, t.to_string(), *k);
        }
        s
    }

    fn render(blocks: Vec<Block>) -> String {
        crate::markdown::render(&blocks)
    }

    #[test]
    fn the_used_range_is_trimmed_and_gaps_shrink() {
        let s = sheet(&[
            (3, 2, "Name", Kind::Text),
            (3, 3, "Age", Kind::Text),
            (4, 2, "Ann", Kind::Text),
            (4, 3, "7", Kind::Number),
            (900, 3, "last", Kind::Text),
        ]);
        assert_eq!(
            render(sheet_blocks(s, layout())),
            "| Name | Age  |\n| ---- | ---- |\n| Ann  | 7    |\n|      |      |\n|      | last |\n"
        );
    }

    #[test]
    fn a_sparse_sheet_is_small() {
        let s = sheet(&[
            (0, 0, "first", Kind::Text),
            (1_048_575, 16_383, "far", Kind::Text),
        ]);
        let (titles, grid, cut) = layout_grid(s, layout());
        let grid = grid.unwrap();
        assert_eq!(cut, 0);
        // "first" is a title line; the table is the far cell, three columns wide.
        assert_eq!(titles, ["first"]);
        assert_eq!((grid.rows.len(), grid.rows[0].len()), (1, 3));
    }

    #[test]
    fn a_title_row_goes_above_the_table() {
        let s = sheet(&[
            (0, 0, "Stanley Cups", Kind::Text),
            (1, 0, "Team", Kind::Text),
            (1, 1, "Cups", Kind::Text),
            (2, 0, "Blues", Kind::Text),
            (2, 1, "1", Kind::Number),
        ]);
        assert_eq!(
            render(sheet_blocks(s, layout())),
            "**Stanley Cups**\n\n| Team  | Cups |\n| ----- | ---- |\n| Blues | 1    |\n"
        );
    }

    #[test]
    fn numbers_in_the_first_row_make_it_data() {
        let s = sheet(&[
            (0, 0, "1", Kind::Number),
            (0, 1, "2", Kind::Number),
            (1, 0, "3", Kind::Number),
            (1, 1, "4", Kind::Number),
        ]);
        assert_eq!(
            render(sheet_blocks(s, layout())),
            "|     |     |\n| --- | --- |\n| 1   | 2   |\n| 3   | 4   |\n"
        );
    }

    #[test]
    fn hidden_rows_and_columns_are_left_out_and_rows_cut_with_a_note() {
        let mut s = sheet(&[
            (0, 0, "a", Kind::Text),
            (0, 1, "secret", Kind::Text),
            (1, 0, "b", Kind::Text),
            (2, 0, "c", Kind::Text),
            (3, 0, "d", Kind::Text),
        ]);
        s.hidden_cols.push((1, 1));
        s.hidden_rows.insert(2);
        let out = render(sheet_blocks(
            s,
            Layout {
                include_hidden: false,
                max_rows: 2,
            },
        ));
        assert_eq!(
            out,
            "| a   |\n| --- |\n| b   |\n\n*1 more rows not shown (max-rows 2).*\n"
        );
    }

    #[test]
    fn kinds_of_text() {
        assert_eq!(kind_of_text("1,5"), Kind::Number);
        assert_eq!(kind_of_text("-12.5%"), Kind::Number);
        assert_eq!(kind_of_text("$1,234.50"), Kind::Number);
        assert_eq!(kind_of_text("2024-03-15"), Kind::Date);
        assert_eq!(kind_of_text("TRUE"), Kind::Bool);
        assert_eq!(kind_of_text("Name"), Kind::Text);
        assert_eq!(kind_of_text("3rd"), Kind::Text);
    }
}
