//! Tables set apart by space alone (rows of cells whose columns line up) and definition
//! lists (a term line, then its indented description).

use super::*;

/// Rows of tables set apart by space alone: runs of two or more single-line paragraphs of two or
/// more cells whose columns line up. Each paragraph's run, numbered; `None` for the rest, so a lone
/// line of cells (a number set off from its heading, a label and its value) stays a paragraph.
pub(super) fn row_runs(paras: &[Para]) -> Vec<Option<usize>> {
    let row = |p: &Para| p.lines.len() == 1 && p.lines[0].cells.len() >= 2 && !p.is_mono();
    let mut runs = vec![None; paras.len()];
    let mut start = 0;
    let mut next_run = 0;
    while start < paras.len() {
        let mut end = start + 1;
        if row(&paras[start]) {
            while end < paras.len()
                && row(&paras[end])
                && same_columns(&paras[end - 1].lines[0], &paras[end].lines[0])
            {
                end += 1;
            }
            if end - start >= 2 {
                runs[start..end].fill(Some(next_run));
                next_run += 1;
            }
        }
        start = end;
    }
    runs
}

/// Whether two rows have the same number of cells starting at the same places.
fn same_columns(a: &Line, b: &Line) -> bool {
    a.cells.len() == b.cells.len()
        && a.cells
            .iter()
            .zip(&b.cells)
            .all(|(x, y)| (x.0 - y.0).abs() < 1.5 * a.size.max(b.size))
}

/// The paragraphs that are terms of a definition list, their description the next paragraph:
/// a short line (not a sentence, not a list item) over a paragraph whose every line is set in
/// from it by one to eight ems, in runs of two such pairs or more (a single pair is as likely a
/// heading over an indented paragraph).
pub(super) fn definition_terms(paras: &[Para]) -> Vec<bool> {
    let pair = |i: usize| {
        let (Some(term), Some(desc)) = (paras.get(i), paras.get(i + 1)) else {
            return false;
        };
        let (t, d) = (&term.lines[0], &desc.lines[0]);
        let text = term.text();
        let indent = d.x0 - t.x0;
        // Words, not numbers (the labels along a chart's axis).
        term.lines.len() == 1
            && text.chars().count() <= 60
            && text.chars().any(char::is_alphabetic)
            && desc.text().chars().any(char::is_alphabetic)
            && !text.trim_end().ends_with(['.', '!', '?', ','])
            && list_marker(&text).is_none()
            && list_marker(&desc.text()).is_none()
            && !term.is_mono()
            && !desc.is_mono()
            && !desc.is_bold()
            && indent >= d.size
            && indent <= 8.0 * d.size
            && desc
                .lines
                .iter()
                .all(|l| (l.x0 - d.x0).abs() < 0.5 * l.size)
            && row_free(term)
            && row_free(desc)
    };
    let mut terms = vec![false; paras.len()];
    let mut i = 0;
    while i < paras.len() {
        let mut j = i;
        while pair(j) {
            j += 2;
        }
        if j - i >= 4 {
            for k in (i..j).step_by(2) {
                terms[k] = true;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    terms
}

/// Whether no line of a paragraph is a row of table cells.
fn row_free(para: &Para) -> bool {
    para.lines.iter().all(|l| l.cells.len() < 2)
}

/// Emits gathered rows (a run from `row_runs`, two or more) as a table.
pub(super) fn flush_table(rows: &mut Vec<&Line>, blocks: &mut Vec<Block>) {
    if rows.is_empty() {
        return;
    }
    let table = markdown::Table {
        rows: rows
            .iter()
            .map(|r| {
                r.cell_texts()
                    .into_iter()
                    .map(|t| vec![vec![Inline::Text(t)]])
                    .collect()
            })
            .collect(),
        spans: Vec::new(),
        header: Some(true),
    };
    blocks.push(Block::Table(table));
    rows.clear();
}
