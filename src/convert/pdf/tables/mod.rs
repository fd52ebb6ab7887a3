//! Ruled tables: the grid a page's drawn lines form, its cells (merged where a border is
//! missing) and the text inside each.
//!
//! Input is the page's horizontal and vertical rules and its characters, both in reading
//! coordinates (y grows downwards). Rules that touch or cross form groups; a group with at least
//! two horizontal and two vertical lines is a grid: its distinct line positions cut it into base
//! cells, and two neighbouring cells are one when no rule separates them (a colspan or rowspan).
//! A grid is a table when at least two of its rows hold text in two cells or more, and its cells
//! hold phrases rather than pages of prose (a framed text box, a page border). The characters
//! inside a table's cells leave the page's text flow: the table takes their place.

mod aligned;
mod lined;

use super::layout::{Glyph, Para, Rule, lines};
use crate::markdown::{self, Inline, Table};
pub(super) use aligned::aligned;

/// A table found on a page, where it stands (reading coordinates).
pub(super) struct Found {
    pub(super) top: f64,
    pub(super) x0: f64,
    pub(super) x1: f64,
    pub(super) table: Table,
}

/// How far apart (points) two line ends may be and still meet: drawing programs leave small gaps
/// and overlaps at corners.
const SNAP: f64 = 2.0;

/// A merged rule: position across, and extent along.
#[derive(Debug, Clone, Copy)]
struct Stroke {
    at: f64,
    from: f64,
    to: f64,
}

/// The ruled tables of a page, and the characters that are not inside one.
pub(super) fn ruled(rules: &[Rule], glyphs: Vec<Glyph>) -> (Vec<Found>, Vec<Glyph>) {
    let horizontal = strokes(rules, true);
    if horizontal.is_empty() {
        return (Vec::new(), glyphs);
    }
    let vertical = strokes(rules, false);
    let mut found = Vec::new();
    let mut rest = glyphs;
    // The horizontal rules of the grids that are tables; the others may rule a table alone.
    let mut in_grids: Vec<(f64, f64, f64)> = Vec::new();
    let grids = if horizontal.len() >= 2 && vertical.len() >= 2 {
        groups(&horizontal, &vertical)
    } else {
        Vec::new()
    };
    for (hs, vs) in grids {
        let (table, inside) = match grid(&hs, &vs, &rest) {
            Some(t) => t,
            None => continue,
        };
        let left = vs.iter().map(|v| v.at).fold(f64::MAX, f64::min);
        let right = vs.iter().map(|v| v.at).fold(f64::MIN, f64::max);
        let top = hs.iter().map(|h| h.at).fold(f64::MAX, f64::min);
        found.push(Found {
            top,
            x0: left,
            x1: right,
            table,
        });
        let mut index = 0;
        rest.retain(|_| {
            index += 1;
            !inside[index - 1]
        });
        in_grids.extend(hs.iter().map(|h| (h.at, h.from, h.to)));
    }
    let alone: Vec<Stroke> = horizontal
        .into_iter()
        .filter(|h| !in_grids.contains(&(h.at, h.from, h.to)))
        .collect();
    let (more, rest) = lined::tables(&alone, rest);
    found.extend(more);
    found.sort_by(|a, b| a.top.total_cmp(&b.top));
    (found, rest)
}

/// The page's horizontal (or vertical) rules at least 3 points long, merged into strokes.
fn strokes(rules: &[Rule], horizontal: bool) -> Vec<Stroke> {
    merge(
        rules
            .iter()
            .filter_map(|r| {
                // (across, along): thickness and extent in the rule's direction.
                let (across, along) = if horizontal {
                    ((r.y0, r.y1), (r.x0, r.x1))
                } else {
                    ((r.x0, r.x1), (r.y0, r.y1))
                };
                (across.1 - across.0 <= 1.0 && along.1 - along.0 >= 3.0).then(|| Stroke {
                    at: (across.0 + across.1) / 2.0,
                    from: along.0,
                    to: along.1,
                })
            })
            .collect(),
    )
}

/// The root of `i` in a union-find forest, halving the path on the way.
fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// Joins strokes on one line (within half a point) that touch or overlap.
fn merge(mut strokes: Vec<Stroke>) -> Vec<Stroke> {
    strokes.sort_by(|a, b| a.at.total_cmp(&b.at).then(a.from.total_cmp(&b.from)));
    // Group by position first (a tolerance chain), then join along each line.
    let mut out: Vec<Stroke> = Vec::new();
    let mut i = 0;
    while i < strokes.len() {
        let mut j = i + 1;
        while j < strokes.len() && strokes[j].at - strokes[j - 1].at <= 1.0 {
            j += 1;
        }
        let mut line: Vec<Stroke> = strokes[i..j].to_vec();
        line.sort_by(|a, b| a.from.total_cmp(&b.from));
        let at = line.iter().map(|s| s.at).sum::<f64>() / line.len() as f64;
        let mut current = Stroke { at, ..line[0] };
        for s in &line[1..] {
            if s.from <= current.to + SNAP {
                current.to = current.to.max(s.to);
            } else {
                out.push(current);
                current = Stroke { at, ..*s };
            }
        }
        out.push(current);
        i = j;
    }
    out
}

/// The groups of strokes that touch or cross one another: (horizontal, vertical) of each.
/// Both lists are ordered by position, as `merge` returns them.
fn groups(horizontal: &[Stroke], vertical: &[Stroke]) -> Vec<(Vec<Stroke>, Vec<Stroke>)> {
    let n = horizontal.len() + vertical.len();
    let mut parent: Vec<usize> = (0..n).collect();
    // `merge` returns strokes ordered by position: each horizontal only looks at the verticals
    // within its extent (pages of vector art have thousands of both).
    for (i, h) in horizontal.iter().enumerate() {
        let first = vertical.partition_point(|v| v.at < h.from - SNAP);
        for (j, v) in vertical
            .iter()
            .enumerate()
            .skip(first)
            .take_while(|(_, v)| v.at <= h.to + SNAP)
        {
            if h.at >= v.from - SNAP && h.at <= v.to + SNAP {
                let (a, b) = (
                    find(&mut parent, i),
                    find(&mut parent, horizontal.len() + j),
                );
                parent[a] = b;
            }
        }
    }
    let mut by_root: std::collections::BTreeMap<usize, (Vec<Stroke>, Vec<Stroke>)> =
        std::collections::BTreeMap::new();
    for i in 0..n {
        let root = find(&mut parent, i);
        let entry = by_root.entry(root).or_default();
        if i < horizontal.len() {
            entry.0.push(horizontal[i]);
        } else {
            entry.1.push(vertical[i - horizontal.len()]);
        }
    }
    by_root
        .into_values()
        .filter(|(h, v)| h.len() >= 2 && v.len() >= 2)
        .collect()
}

/// Positions along one axis, nearby ones (within `SNAP`) counted once.
fn positions(mut values: Vec<f64>) -> Vec<f64> {
    values.sort_by(f64::total_cmp);
    let mut out: Vec<f64> = Vec::new();
    for v in values {
        match out.last() {
            Some(&last) if v - last <= SNAP => {}
            _ => out.push(v),
        }
    }
    out
}

/// Adds the outer edges of an open-sided grid to `edges` (the positions of the rules one way):
/// where most of the rules the other way (`across`, two at least) run on past the first or last
/// edge by more than 10 points and end together.
fn open_sides(edges: &mut Vec<f64>, across: &[Stroke]) {
    let (Some(&first), Some(&last)) = (edges.first(), edges.last()) else {
        return;
    };
    let ending = |end: f64, at: fn(&Stroke) -> f64| {
        across
            .iter()
            .filter(|s| (at(s) - end).abs() <= SNAP)
            .count()
            * 2
            > across.len()
            && across.len() >= 2
    };
    let right = across.iter().map(|s| s.to).fold(f64::MIN, f64::max);
    if right > last + 10.0 && ending(right, |s| s.to) {
        edges.push(right);
    }
    let left = across.iter().map(|s| s.from).fold(f64::MAX, f64::min);
    if left < first - 10.0 && ending(left, |s| s.from) {
        edges.insert(0, left);
    }
}

/// Whether some stroke lies along `at` and covers the middle half of `from..to`.
fn covered(strokes: &[Stroke], at: f64, from: f64, to: f64) -> bool {
    let quarter = (to - from) / 4.0;
    strokes.iter().any(|s| {
        (s.at - at).abs() <= SNAP && s.from <= from + quarter + SNAP && s.to >= to - quarter - SNAP
    })
}

/// The table a group of strokes draws, with which characters are inside it; None when the grid
/// is not a table.
fn grid(hs: &[Stroke], vs: &[Stroke], glyphs: &[Glyph]) -> Option<(Table, Vec<bool>)> {
    let mut xs = positions(vs.iter().map(|v| v.at).collect());
    let mut ys = positions(hs.iter().map(|h| h.at).collect());
    // A table open at a side (no border where it meets the page edge or the margin): the rules
    // across it still end together there, and that is where its outer cells end.
    open_sides(&mut xs, hs);
    open_sides(&mut ys, vs);
    let (cols, rows) = (xs.len().checked_sub(1)?, ys.len().checked_sub(1)?);
    if cols < 1 || rows < 1 || cols > 64 || rows > 2000 {
        return None;
    }
    // Base cells, joined where no rule separates them (the table's outline always does).
    let mut owner: Vec<usize> = (0..rows * cols).collect();
    for r in 0..rows {
        for c in 0..cols {
            if c + 1 < cols && !covered(vs, xs[c + 1], ys[r], ys[r + 1]) {
                let (a, b) = (
                    find(&mut owner, r * cols + c),
                    find(&mut owner, r * cols + c + 1),
                );
                owner[b.max(a)] = a.min(b);
            }
            if r + 1 < rows && !covered(hs, ys[r + 1], xs[c], xs[c + 1]) {
                let (a, b) = (
                    find(&mut owner, r * cols + c),
                    find(&mut owner, (r + 1) * cols + c),
                );
                owner[b.max(a)] = a.min(b);
            }
        }
    }
    let owners: Vec<usize> = (0..rows * cols).map(|i| find(&mut owner, i)).collect();
    // The characters of each cell, by where the middle of each stands.
    let mut inside = vec![false; glyphs.len()];
    let mut cell_glyphs: Vec<Vec<Glyph>> = vec![Vec::new(); rows * cols];
    let slot = |edges: &[f64], v: f64| edges.windows(2).position(|w| v >= w[0] && v < w[1]);
    for (i, g) in glyphs.iter().enumerate() {
        let x = g.x + g.advance.max(0.1 * g.size) / 2.0;
        let y = g.y - 0.3 * g.size;
        if let (Some(c), Some(r)) = (slot(&xs, x), slot(&ys, y)) {
            inside[i] = true;
            cell_glyphs[owners[r * cols + c]].push(g.clone());
        }
    }
    // Each merged cell's extent in base cells.
    let mut extent: std::collections::HashMap<usize, (usize, usize, usize, usize)> =
        std::collections::HashMap::new();
    for (i, &o) in owners.iter().enumerate() {
        let (r, c) = (i / cols, i % cols);
        let e = extent.entry(o).or_insert((r, c, r, c));
        *e = (e.0.min(r), e.1.min(c), e.2.max(r), e.3.max(c));
    }
    let texts: std::collections::HashMap<usize, Vec<Inline>> = extent
        .keys()
        .map(|&o| (o, cell_content(&cell_glyphs[o])))
        .collect();
    let filled = |o: usize| texts.get(&o).is_some_and(|t| !t.is_empty());
    // A table has rows of several cells with text, and phrases in them, not prose.
    let rows_with_cells = (0..rows)
        .filter(|&r| {
            let mut seen: Vec<usize> = (0..cols).map(|c| owners[r * cols + c]).collect();
            seen.dedup();
            seen.iter().filter(|&&o| filled(o)).count() >= 2
        })
        .count();
    // Or a form to fill in: a grid whose first column (or first row) labels each of the other
    // rows (columns) in a cell of its own, the rest left blank (a worksheet).
    let label = |r: usize, c: usize| {
        let o = owners[r * cols + c];
        extent[&o] == (r, c, r, c) && filled(o)
    };
    let labelled_grid = rows >= 3
        && cols >= 2
        && ((1..rows).all(|r| label(r, 0)) || (1..cols).all(|c| label(0, c)));
    let words: usize = cell_glyphs.iter().map(|g| words_in(g)).sum();
    let cells_with_text = extent.keys().filter(|&&o| filled(o)).count();
    log::trace!(
        "grid {rows}x{cols} at x {xs:?} y {ys:?}: {rows_with_cells} rows of cells, labelled {labelled_grid}, {cells_with_text} cells with {words} words"
    );
    if (rows_with_cells < 2 && !labelled_grid)
        || cells_with_text == 0
        || words > 40 * cells_with_text
    {
        return None;
    }
    let mut table_rows = Vec::with_capacity(rows);
    let mut spans = Vec::with_capacity(rows);
    let mut any_span = false;
    for r in 0..rows {
        // A row of single cells whose lines are rows the rules leave out.
        let single = (0..cols).all(|c| {
            let o = owners[r * cols + c];
            extent[&o] == (r, c, r, c)
        });
        let cells: Vec<&[Glyph]> = (0..cols)
            .map(|c| cell_glyphs[owners[r * cols + c]].as_slice())
            .collect();
        if single && let Some(lines) = unruled_rows(&cells) {
            for k in 0..lines[0].len() {
                table_rows.push(
                    lines
                        .iter()
                        .map(|cell| {
                            let content = cell.get(k).map(|g| cell_content(g)).unwrap_or_default();
                            if content.is_empty() {
                                Vec::new()
                            } else {
                                vec![content]
                            }
                        })
                        .collect(),
                );
                spans.push(vec![(1, 1); cols]);
            }
            continue;
        }
        let mut row = Vec::with_capacity(cols);
        let mut row_spans = Vec::with_capacity(cols);
        for c in 0..cols {
            let o = owners[r * cols + c];
            let (r0, c0, r1, c1) = extent[&o];
            if (r, c) == (r0, c0) {
                let content = texts[&o].clone();
                row.push(if content.is_empty() {
                    Vec::new()
                } else {
                    vec![content]
                });
                row_spans.push((c1 - c0 + 1, r1 - r0 + 1));
                any_span |= c1 > c0 || r1 > r0;
            } else {
                row.push(Vec::new());
                row_spans.push((0, 0));
            }
        }
        table_rows.push(row);
        spans.push(row_spans);
    }
    let table = Table {
        rows: table_rows,
        spans: if any_span { spans } else { Vec::new() },
        header: None,
    };
    Some((table, inside))
}

/// The lines of a grid row that are rows of their own: tables ruled only around their outline
/// and header leave the rules between body rows out. The cell with the fewest lines sets the
/// rows: each of its baselines must start a line in every other cell with text, and a cell's
/// further lines wrap within the row above them. Three rows or more, or two where that cell
/// holds numbers (a header whose every cell wraps over two lines stays one row). Returns each
/// cell's characters per row (empty cells: no rows).
fn unruled_rows(cells: &[&[Glyph]]) -> Option<Vec<Vec<Vec<Glyph>>>> {
    let per_cell: Vec<Vec<(f64, Vec<Glyph>)>> = cells.iter().map(|g| baselines(g)).collect();
    let filled: Vec<&Vec<(f64, Vec<Glyph>)>> = per_cell.iter().filter(|l| !l.is_empty()).collect();
    let anchor = *filled.iter().min_by_key(|l| l.len())?;
    let k = anchor.len();
    if filled.len() < 2 || k < 2 {
        return None;
    }
    let starts: Vec<(f64, f64)> = anchor.iter().map(|(y, g)| (*y, g[0].size)).collect();
    let aligned = filled.iter().all(|l| {
        starts
            .iter()
            .all(|&(y, size)| l.iter().any(|(ly, _)| (ly - y).abs() < 0.5 * size))
    });
    let number = |g: &[Glyph]| {
        let text: String = g.iter().map(|g| g.text.as_str()).collect();
        let text = text.trim();
        !text.is_empty()
            && text.chars().any(|c| c.is_ascii_digit())
            && text
                .chars()
                .all(|c| c.is_ascii_digit() || ",.%-+$€£ ".contains(c))
    };
    let numbers = anchor.iter().all(|(_, g)| number(g));
    if !aligned || (k < 3 && !numbers) {
        return None;
    }
    Some(
        per_cell
            .into_iter()
            .map(|l| {
                if l.is_empty() {
                    return Vec::new();
                }
                let mut rows: Vec<Vec<Glyph>> = vec![Vec::new(); k];
                for (y, glyphs) in l {
                    let row = starts
                        .iter()
                        .rposition(|&(start, size)| y >= start - 0.5 * size)
                        .unwrap_or(0);
                    rows[row].extend(glyphs);
                }
                rows
            })
            .collect(),
    )
}

/// A cell's characters grouped by baseline, top to bottom: (baseline, characters). A raised or
/// lowered character (a footnote mark) stays on its line.
fn baselines(glyphs: &[Glyph]) -> Vec<(f64, Vec<Glyph>)> {
    let mut sorted: Vec<&Glyph> = glyphs
        .iter()
        .filter(|g| !g.text.trim().is_empty())
        .collect();
    sorted.sort_by(|a, b| a.y.total_cmp(&b.y));
    let mut out: Vec<(f64, Vec<Glyph>)> = Vec::new();
    for g in sorted {
        match out.last_mut() {
            Some((y, line)) if g.y - *y < 0.6 * g.size.max(line[0].size) => line.push(g.clone()),
            _ => out.push((g.y, vec![g.clone()])),
        }
    }
    // Each line's characters in drawing order, as the cell's text reads.
    for (_, line) in &mut out {
        line.sort_by(|a, b| a.x.total_cmp(&b.x));
    }
    out
}

fn words_in(glyphs: &[Glyph]) -> usize {
    lines(glyphs)
        .iter()
        .map(|l| l.text.split_whitespace().count())
        .sum()
}

/// A cell's text as one paragraph: its lines top to bottom, with the fonts' bold and italic.
fn cell_content(glyphs: &[Glyph]) -> Vec<Inline> {
    if glyphs.is_empty() {
        return Vec::new();
    }
    let mut cell_lines = lines(glyphs);
    // Stable: pieces of one baseline keep their drawing order.
    cell_lines.sort_by_key(|l| (l.y * 2.0).round() as i64);
    let para = Para { lines: cell_lines };
    if para.mixed() {
        markdown::nest_runs(para.runs())
    } else {
        let text = para.text();
        if text.is_empty() {
            Vec::new()
        } else {
            vec![Inline::Text(text)]
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// Each cell's first paragraph as plain text, row by row.
    pub(super) fn texts_of(table: &Table) -> Vec<Vec<String>> {
        table
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| {
                        c.first()
                            .map(|p| markdown::plain_text(p))
                            .unwrap_or_default()
                    })
                    .collect()
            })
            .collect()
    }

    fn rule(x0: f64, y0: f64, x1: f64, y1: f64) -> Rule {
        Rule { x0, y0, x1, y1 }
    }

    pub(super) fn text(s: &str, x: f64, y: f64) -> Vec<Glyph> {
        s.chars()
            .enumerate()
            .map(|(i, c)| Glyph::plain(x + i as f64 * 5.0, y, 10.0, 5.0, c.to_string()))
            .collect()
    }

    /// A 3×3 grid from (0,0) to (300,60); the middle row's first two cells merged.
    fn grid_rules() -> Vec<Rule> {
        let mut rules = vec![
            rule(0.0, 0.0, 300.0, 0.0),
            rule(0.0, 20.0, 300.0, 20.0),
            rule(0.0, 40.0, 300.0, 40.0),
            rule(0.0, 60.0, 300.0, 60.0),
            rule(0.0, 0.0, 0.0, 60.0),
            rule(300.0, 0.0, 300.0, 60.0),
            rule(200.0, 0.0, 200.0, 60.0),
        ];
        // The border between columns 1 and 2 is missing in the middle row.
        rules.push(rule(100.0, 0.0, 100.0, 20.0));
        rules.push(rule(100.0, 40.0, 100.0, 60.0));
        rules
    }

    #[test]
    fn a_grid_becomes_a_table_with_its_merged_cell() {
        let mut glyphs = Vec::new();
        for (s, x, y) in [
            ("Name", 5.0, 15.0),
            ("Size", 105.0, 15.0),
            ("Kind", 205.0, 15.0),
            ("Merged", 5.0, 35.0),
            ("x", 205.0, 35.0),
            ("a", 5.0, 55.0),
            ("b", 105.0, 55.0),
            ("c", 205.0, 55.0),
        ] {
            glyphs.extend(text(s, x, y));
        }
        glyphs.extend(text("Outside", 5.0, 100.0));
        let (found, rest) = ruled(&grid_rules(), glyphs);
        assert_eq!(found.len(), 1);
        let t = &found[0].table;
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.spans[1][0], (2, 1));
        assert_eq!(t.spans[1][1], (0, 0));
        assert_eq!(markdown::plain_text(&t.rows[1][0][0]), "Merged");
        assert_eq!(rest.len(), "Outside".len());
    }

    #[test]
    fn body_rows_the_rules_leave_out_are_rows_by_their_lines() {
        // Ruled around the header and the body only; the body holds three numbered rows,
        // the second name wrapping over two lines.
        let rules = vec![
            rule(0.0, 0.0, 300.0, 0.0),
            rule(0.0, 20.0, 300.0, 20.0),
            rule(0.0, 100.0, 300.0, 100.0),
            rule(0.0, 0.0, 0.0, 100.0),
            rule(50.0, 0.0, 50.0, 100.0),
            rule(200.0, 0.0, 200.0, 100.0),
            rule(300.0, 0.0, 300.0, 100.0),
        ];
        let mut glyphs = Vec::new();
        for (s, x, y) in [
            ("No", 5.0, 15.0),
            ("Name", 55.0, 15.0),
            ("Count", 205.0, 15.0),
            ("1", 5.0, 35.0),
            ("First", 55.0, 35.0),
            ("17,266", 205.0, 35.0),
            ("2", 5.0, 50.0),
            ("Second and", 55.0, 50.0),
            ("wrapped", 55.0, 62.0),
            ("711", 205.0, 50.0),
            ("3", 5.0, 77.0),
            ("Third", 55.0, 77.0),
            ("46", 205.0, 77.0),
        ] {
            glyphs.extend(text(s, x, y));
        }
        let (found, _) = ruled(&rules, glyphs);
        assert_eq!(
            texts_of(&found[0].table),
            [
                ["No", "Name", "Count"],
                ["1", "First", "17,266"],
                ["2", "Second and wrapped", "711"],
                ["3", "Third", "46"]
            ]
        );
    }

    #[test]
    fn a_worksheet_open_at_the_right_is_a_table() {
        // Rows 0..80 in steps of 20; verticals at 0 and 100 only, the horizontals run on to 250
        // (the page edge): the second column ends where they do.
        let mut rules: Vec<Rule> = (0..5)
            .map(|r| rule(0.0, r as f64 * 20.0, 250.0, r as f64 * 20.0))
            .collect();
        rules.push(rule(0.0, 0.0, 0.0, 80.0));
        rules.push(rule(100.0, 0.0, 100.0, 80.0));
        let mut glyphs = text("Answer", 105.0, 15.0);
        for (i, label) in ["One", "Two", "Three"].iter().enumerate() {
            glyphs.extend(text(label, 5.0, 35.0 + 20.0 * i as f64));
        }
        let (found, rest) = ruled(&rules, glyphs);
        assert_eq!(
            found.len(),
            1,
            "labels down the first column, blanks to fill in"
        );
        let t = &found[0].table;
        assert_eq!((t.rows.len(), t.rows[0].len()), (4, 2));
        assert_eq!(markdown::plain_text(&t.rows[0][1][0]), "Answer");
        assert_eq!(markdown::plain_text(&t.rows[3][0][0]), "Three");
        assert!(t.rows[3][1].is_empty());
        assert!(rest.is_empty());
    }

    pub(super) fn line_of(pieces: &[(&str, f64)], y: f64) -> Vec<Glyph> {
        pieces.iter().flat_map(|(s, x)| text(s, *x, y)).collect()
    }

    #[test]
    fn a_box_around_prose_is_not_a_table() {
        let rules = vec![
            rule(0.0, 0.0, 300.0, 0.0),
            rule(0.0, 60.0, 300.0, 60.0),
            rule(0.0, 0.0, 0.0, 60.0),
            rule(300.0, 0.0, 300.0, 60.0),
        ];
        let glyphs = text("Just a framed note", 5.0, 30.0);
        let (found, rest) = ruled(&rules, glyphs);
        assert!(found.is_empty());
        assert_eq!(rest.len(), "Just a framed note".len());
    }
}
