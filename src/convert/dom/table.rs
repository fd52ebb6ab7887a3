//! HTML tables onto the table model: cells' blocks as paragraphs, spans laid out on a grid.

use std::collections::HashMap;

use crate::markdown::{Block, Inline, Table};

pub(super) use crate::markdown::cell_paragraphs;

/// A table cell: its paragraphs.
pub(crate) type Cell = Vec<Vec<Inline>>;
/// A table row as read: cells, their (colspan, rowspan), whether it is a header row.
pub(crate) type RowRead = (Vec<Cell>, Vec<(usize, usize)>, bool);
/// A cell as read: paragraphs, (colspan, rowspan), whether it is a header cell.
pub(crate) type CellRead = (Cell, (usize, usize), bool);

/// The table model from rows: spans as the DOCX rule (any span: HTML), the header from `th`
/// rows or `thead`.
pub(crate) fn build_table(rows: Vec<RowRead>) -> Option<Block> {
    if rows.iter().all(|(cells, _, _)| cells.is_empty()) {
        return None;
    }
    let any_span = rows
        .iter()
        .any(|(_, spans, _)| spans.iter().any(|&(c, r)| c > 1 || r > 1));
    let header = rows.first().map(|(_, _, h)| *h);
    let mut out_rows = Vec::new();
    let mut out_spans = Vec::new();
    if any_span {
        // Lay the spans out on a grid: positions a span covers are (0, 0).
        let mut covered: HashMap<(usize, usize), ()> = HashMap::new();
        for (r, (cells, spans, _)) in rows.into_iter().enumerate() {
            let mut row = Vec::new();
            let mut row_spans = Vec::new();
            let mut col = 0;
            for (cell, (cs, rs)) in cells.into_iter().zip(spans) {
                while covered.contains_key(&(r, col)) {
                    row.push(Vec::new());
                    row_spans.push((0, 0));
                    col += 1;
                }
                for dr in 0..rs {
                    for dc in 0..cs {
                        if dr > 0 || dc > 0 {
                            covered.insert((r + dr, col + dc), ());
                        }
                    }
                }
                row.push(cell);
                row_spans.push((cs, rs));
                for _ in 1..cs {
                    row.push(Vec::new());
                    row_spans.push((0, 0));
                }
                col += cs;
            }
            while covered.contains_key(&(r, col)) {
                row.push(Vec::new());
                row_spans.push((0, 0));
                col += 1;
            }
            out_rows.push(row);
            out_spans.push(row_spans);
        }
    } else {
        for (cells, _, _) in rows {
            out_rows.push(cells);
        }
    }
    Some(Block::Table(Table {
        rows: out_rows,
        spans: out_spans,
        header: Some(header.unwrap_or(false)),
    }))
}
