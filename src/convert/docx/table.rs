//! Word tables: rows and cells through content controls, cell paragraphs and nested tables,
//! spans, and whether the first row is a header.

use std::collections::HashMap;

use super::styles::ListKind;
use super::{Shared, Walker, paragraph_list};
use crate::convert::xml::Element;
use crate::markdown::{self, Block, Inline, Marks, Table};

impl Walker<'_> {
    pub(super) fn table(&mut self, tbl: &Element, shared: &mut Shared<'_>) -> Block {
        let mut rows: Vec<Vec<Vec<Vec<Inline>>>> = Vec::new();
        let mut spans: Vec<Vec<(usize, usize)>> = Vec::new();
        // Grid column -> (row, column) of the cell a vertical merge started in.
        let mut merging: HashMap<usize, (usize, usize)> = HashMap::new();
        for (r, tr) in table_rows(tbl).into_iter().enumerate() {
            let mut cells = Vec::new();
            let mut row_spans = Vec::new();
            for tc in row_cells(tr) {
                let tcpr = tc.child("tcPr");
                let span = tcpr
                    .and_then(|p| p.child_val("gridSpan"))
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, 64);
                let merge = tcpr.and_then(|p| p.child("vMerge"));
                let continued =
                    merge.is_some_and(|m| m.attr("val").is_none_or(|v| v == "continue"));
                let column = cells.len();
                let mut paragraphs = Vec::new();
                if continued {
                    if let Some(&(start_row, start_col)) = merging.get(&column)
                        && let Some(origin) =
                            spans.get_mut(start_row).and_then(|s| s.get_mut(start_col))
                    {
                        origin.1 += 1;
                        row_spans.push((0, 0));
                    } else {
                        row_spans.push((span, 1));
                    }
                } else {
                    self.cell_content(tc, &mut paragraphs, shared);
                    if merge.is_some() {
                        merging.insert(column, (r, column));
                    } else {
                        merging.remove(&column);
                    }
                    row_spans.push((span, 1));
                }
                cells.push(paragraphs);
                for _ in 1..span {
                    cells.push(Vec::new());
                    row_spans.push((0, 0));
                }
            }
            rows.push(cells);
            spans.push(row_spans);
        }
        let spanning = spans.iter().flatten().any(|&s| s != (1, 1));
        let header = header_row(tbl);
        Block::Table(Table {
            rows,
            spans: if spanning { spans } else { Vec::new() },
            header,
        })
    }

    /// Cell content as paragraphs of inlines; lists and nested tables are flattened to text.
    fn cell_content(
        &mut self,
        parent: &Element,
        out: &mut Vec<Vec<Inline>>,
        shared: &mut Shared<'_>,
    ) {
        for child in parent.elements() {
            match child.name.as_str() {
                "p" => {
                    let mut runs = Vec::new();
                    self.fields.clear();
                    self.inline_content(child, Marks::default(), &mut runs, shared);
                    let mut inlines = markdown::nest_runs(runs);
                    // A list item in a cell keeps its marker (the table is then written as HTML).
                    let ppr = child.child("pPr");
                    let style = self.ctx.style(ppr.and_then(|pr| pr.child_val("pStyle")));
                    let list = paragraph_list(ppr, style);
                    if let Some((num_id, ilvl)) = list
                        && let Some(levels) = self.ctx.numbering.get(&num_id)
                        && !inlines.is_empty()
                    {
                        let kind = levels[ilvl.min(8)].0;
                        if kind != ListKind::Unmarked {
                            inlines.insert(
                                0,
                                Inline::ListMarker {
                                    ordered: kind == ListKind::Ordered,
                                },
                            );
                        }
                    }
                    if !inlines.is_empty() {
                        out.push(inlines);
                    }
                    for block in std::mem::take(&mut self.floating) {
                        if let Block::Paragraph(inlines) = block {
                            out.push(inlines);
                        }
                    }
                }
                "tbl" => {
                    for tr in table_rows(child) {
                        let mut line = Vec::new();
                        for tc in row_cells(tr) {
                            let mut inner = Vec::new();
                            self.cell_content(tc, &mut inner, shared);
                            for p in inner {
                                if !line.is_empty() {
                                    line.push(Inline::Text(" ".into()));
                                }
                                line.extend(p);
                            }
                        }
                        if !line.is_empty() {
                            out.push(line);
                        }
                    }
                }
                "sdt" => {
                    if let Some(content) = child.child("sdtContent") {
                        self.cell_content(content, out, shared);
                    }
                }
                "customXml" | "ins" | "moveTo" => self.cell_content(child, out, shared),
                _ => {}
            }
        }
    }
}

/// Whether the table says its first row is a header: the row repeats as a header
/// (`w:tblHeader`), or the table's look has "header row" on or off (`w:tblLook`).
fn header_row(tbl: &Element) -> Option<bool> {
    let repeats = table_rows(tbl).first().is_some_and(|tr| {
        tr.child("trPr")
            .and_then(|p| p.child("tblHeader"))
            .is_some_and(|h| !matches!(h.attr("val"), Some("0" | "false" | "off")))
    });
    if repeats {
        return Some(true);
    }
    let look = tbl.child("tblPr")?.child("tblLook")?;
    if let Some(first) = look.attr("firstRow") {
        return Some(matches!(first, "1" | "true" | "on"));
    }
    let bits = u32::from_str_radix(look.attr("val")?, 16).ok()?;
    Some(bits & 0x0020 != 0)
}

/// Rows of a table, looking through content controls and custom XML around them.
fn table_rows(tbl: &Element) -> Vec<&Element> {
    let mut out = Vec::new();
    collect_named(tbl, "tr", &["sdt", "sdtContent", "customXml"], &mut out);
    out
}

fn row_cells(tr: &Element) -> Vec<&Element> {
    let mut out = Vec::new();
    collect_named(tr, "tc", &["sdt", "sdtContent", "customXml"], &mut out);
    out
}

fn collect_named<'a>(
    parent: &'a Element,
    name: &str,
    through: &[&str],
    out: &mut Vec<&'a Element>,
) {
    for child in parent.elements() {
        if child.name == name {
            out.push(child);
        } else if through.contains(&child.name.as_str()) {
            collect_named(child, name, through, out);
        }
    }
}
