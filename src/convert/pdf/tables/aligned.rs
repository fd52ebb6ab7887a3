//! Borderless tables: pieces of text that line up in columns across a run of lines.

use super::Found;
use crate::convert::pdf::layout::Line;
use crate::markdown::{Inline, Table};

/// Borderless tables: runs of lines split into pieces by wide gaps (see [`Line::cells`]) whose
/// pieces line up in columns. The columns are the stretches of the run no piece of most lines
/// crosses (a header spanning two columns does not join them); each line is a row, and a line
/// with nothing in the first column continues the row above (a cell whose text wraps). Returns
/// the tables and the lines that are not in one. Pages read column by column are left alone.
pub(in crate::convert::pdf) fn aligned(lines: Vec<Line>) -> (Vec<Found>, Vec<Line>) {
    let backwards = lines.windows(2).filter(|w| w[1].y < w[0].y - 1.0).count();
    if backwards > 1 || lines.len() < 2 {
        return (Vec::new(), lines);
    }
    let mut found = Vec::new();
    let mut rest = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let Some(end) = region_end(&lines, i) else {
            rest.push(lines[i].clone());
            i += 1;
            continue;
        };
        match aligned_table(&lines[i..end]) {
            Some(table) => {
                let region = &lines[i..end];
                found.push(Found {
                    top: region[0].y - region[0].size,
                    x0: region.iter().map(|l| l.x0).fold(f64::MAX, f64::min),
                    x1: region.iter().map(|l| l.x1).fold(f64::MIN, f64::max),
                    table,
                });
                i = end;
            }
            None => {
                rest.push(lines[i].clone());
                i += 1;
            }
        }
    }
    (found, rest)
}

fn is_row(line: &Line) -> bool {
    line.cells.len() >= 2 && !line.is_mono()
}

/// Where a run of table lines starting at `start` ends (exclusive): rows of several pieces, and
/// short single pieces close under them (wrapped cells), ending on a row. None when fewer than
/// two rows.
fn region_end(lines: &[Line], start: usize) -> Option<usize> {
    if !is_row(&lines[start]) {
        return None;
    }
    let mut end = start + 1;
    let mut rows = 1;
    let width = lines[start].x1 - lines[start].x0;
    let mut j = start + 1;
    while j < lines.len() {
        let (prev, line) = (&lines[j - 1], &lines[j]);
        let gap = line.y - prev.y;
        if gap > 2.5 * prev.size.max(line.size) || gap < 0.0 {
            break;
        }
        if is_row(line) {
            rows += 1;
            end = j + 1;
        } else if line.x1 - line.x0 > 0.45 * width || line.is_mono() {
            break;
        }
        j += 1;
    }
    (rows >= 2).then_some(end)
}

/// The table of a run of lines, or None when their pieces do not line up in columns.
fn aligned_table(region: &[Line]) -> Option<Table> {
    let spans: Vec<Vec<(f64, f64, String)>> = region.iter().map(Line::cell_spans).collect();
    let left = region.iter().map(|l| l.x0).fold(f64::MAX, f64::min);
    let right = region.iter().map(|l| l.x1).fold(f64::MIN, f64::max);
    if right - left < 1.0 || right - left > 5000.0 {
        return None;
    }
    // How many lines' pieces cover each point across the run.
    let width = (right - left).ceil() as usize + 1;
    let mut cover = vec![0usize; width];
    for line in &spans {
        for &(x0, x1, _) in line {
            let (a, b) = ((x0 - left) as usize, ((x1 - left) as usize).min(width - 1));
            for c in &mut cover[a..=b.max(a)] {
                *c += 1;
            }
        }
    }
    let rows = region.iter().filter(|l| is_row(l)).count();
    let allowed = rows / 5;
    // Column boundaries: the middle of each gap at least half an em wide.
    let em = region[0].size.max(4.0);
    let mut cuts: Vec<f64> = Vec::new();
    let mut x = 0;
    while x < width {
        if cover[x] <= allowed {
            let start = x;
            while x < width && cover[x] <= allowed {
                x += 1;
            }
            if start > 0 && x < width && (x - start) as f64 >= 0.5 * em {
                cuts.push(left + (start + x) as f64 / 2.0);
            }
        } else {
            x += 1;
        }
    }
    let cols = cuts.len() + 1;
    if !(2..=30).contains(&cols) {
        return None;
    }
    let column = |x0: f64, x1: f64| cuts.iter().filter(|&&c| c < (x0 + x1) / 2.0).count();
    // Rows: a line with its first column empty continues the row above.
    let mut table_rows: Vec<Vec<String>> = Vec::new();
    for (n, line) in spans.iter().enumerate() {
        let mut cells = vec![String::new(); cols];
        for (x0, x1, text) in line {
            let c = column(*x0, *x1);
            if !cells[c].is_empty() {
                cells[c].push(' ');
            }
            cells[c].push_str(text);
        }
        let continues = n > 0
            && cells[0].is_empty()
            && table_rows.last().is_some_and(|prev: &Vec<String>| {
                let filled = |r: &[String]| r.iter().filter(|c| !c.is_empty()).count();
                filled(&cells) < filled(prev) || !is_row(&region[n])
            });
        if continues && let Some(prev) = table_rows.last_mut() {
            for (p, c) in prev.iter_mut().zip(cells) {
                if !c.is_empty() {
                    if !p.is_empty() {
                        p.push(' ');
                    }
                    p.push_str(&c);
                }
            }
        } else {
            table_rows.push(cells);
        }
    }
    // Every column holds something in two rows, and most rows fill two cells or more.
    let full_rows = table_rows
        .iter()
        .filter(|r| r.iter().filter(|c| !c.is_empty()).count() >= 2)
        .count();
    let columns_used =
        (0..cols).all(|c| table_rows.iter().filter(|r| !r[c].is_empty()).count() >= 1);
    // Most cells hold text: the labels scattered around a chart's axes and bars leave most of
    // their "cells" empty.
    let filled: usize = table_rows
        .iter()
        .map(|r| r.iter().filter(|c| !c.is_empty()).count())
        .sum();
    if table_rows.len() < 2
        || full_rows * 2 < table_rows.len()
        || !columns_used
        || filled * 5 < table_rows.len() * cols * 3
    {
        return None;
    }
    Some(Table {
        rows: table_rows
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .map(|c| {
                        if c.is_empty() {
                            Vec::new()
                        } else {
                            vec![vec![Inline::Text(c)]]
                        }
                    })
                    .collect()
            })
            .collect(),
        spans: Vec::new(),
        header: None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{line_of, texts_of};
    use super::*;
    use crate::convert::pdf::layout::lines;

    #[test]
    fn aligned_pieces_become_a_table_and_wrapped_cells_join() {
        let mut glyphs = line_of(
            &[("Reader", 0.0), ("Handles", 100.0), ("Speed", 250.0)],
            10.0,
        );
        glyphs.extend(line_of(
            &[("pdf", 0.0), ("ruled and", 100.0), ("fast", 250.0)],
            24.0,
        ));
        glyphs.extend(line_of(&[("aligned", 100.0)], 36.0));
        glyphs.extend(line_of(
            &[("docx", 0.0), ("merged", 100.0), ("faster", 250.0)],
            50.0,
        ));
        let (found, rest) = aligned(lines(&glyphs));
        assert!(rest.is_empty());
        assert_eq!(
            texts_of(&found[0].table),
            [
                ["Reader", "Handles", "Speed"],
                ["pdf", "ruled and aligned", "fast"],
                ["docx", "merged", "faster"]
            ]
        );
    }

    #[test]
    fn labels_around_a_chart_are_not_a_table() {
        let mut glyphs = line_of(&[("400", 0.0), ("374", 200.0)], 10.0);
        for (i, label) in ["350", "300", "250"].iter().enumerate() {
            glyphs.extend(line_of(&[(label, 0.0)], 24.0 + 14.0 * i as f64));
        }
        glyphs.extend(line_of(&[("200", 0.0), ("128", 100.0)], 70.0));
        let (found, rest) = aligned(lines(&glyphs));
        assert!(found.is_empty());
        assert_eq!(rest.len(), 5);
    }
}
