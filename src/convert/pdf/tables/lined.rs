//! Tables drawn with horizontal rules only: a rule under the header row (word processors' plain
//! table styles, pandoc's and LibreOffice's defaults), often with a rule above and below the
//! table (LaTeX's booktabs) or between the rows, and no vertical lines at all.
//!
//! A rule is the header rule of a table when lines of text stand just above it and below it,
//! wholly within its extent, and the lines below line up in columns (the stretches across the
//! rule that most lines leave empty). The header is the lines above, up to a rule over them or
//! the first line that runs across a column's edge (a caption, a heading, the paragraph before).
//! The body is the lines below, up to a line that runs past the rule's ends, a change of type
//! size or a gap of two lines. Rows: rules of the same extent between them where the table has
//! them; otherwise the gaps between lines, when they come in two sizes (a cell that wraps is set
//! at the line pitch, rows are further apart by the cells' padding); otherwise each line is a
//! row, and a line with nothing in the first column continues the row above. Each character
//! goes to the cell whose column holds the middle of its word.

use super::{Found, SNAP, Stroke, cell_content, words_in};
use crate::convert::pdf::layout::Glyph;
use crate::markdown::{Inline, Table};

/// Rules shorter than this (points) are underlines or separators, not a table's.
const MIN_WIDTH: f64 = 50.0;

/// At most this many rules of a page are tried (pages of vector art draw thousands).
const MAX_CANDIDATES: usize = 64;

/// A line of the page: its baseline, type size, and words left to right (extent and the indices
/// of their characters).
struct Row {
    y: f64,
    size: f64,
    words: Vec<Word>,
}

struct Word {
    x0: f64,
    x1: f64,
    glyphs: Vec<usize>,
}

/// A line taken into a table: the page's line and its words within the table's extent.
type Taken<'a> = (&'a Row, Vec<&'a Word>);

/// The tables among `strokes` (a page's horizontal rules not in a ruled grid), and the
/// characters that are not inside one.
pub(super) fn tables(strokes: &[Stroke], glyphs: Vec<Glyph>) -> (Vec<Found>, Vec<Glyph>) {
    let mut candidates: Vec<Stroke> = strokes
        .iter()
        .copied()
        .filter(|s| s.to - s.from >= MIN_WIDTH)
        .collect();
    if candidates.is_empty() || candidates.len() > MAX_CANDIDATES || glyphs.is_empty() {
        return (Vec::new(), glyphs);
    }
    candidates.sort_by(|a, b| a.at.total_cmp(&b.at));
    let mut found = Vec::new();
    let mut taken = vec![false; glyphs.len()];
    let mut rows = text_rows(&glyphs, &taken);
    let mut done_until = f64::MIN;
    for (i, s) in candidates.iter().enumerate() {
        if s.at <= done_until {
            continue;
        }
        let Some((table, inside, top, bottom)) = table_at(&candidates, i, &rows, &glyphs) else {
            continue;
        };
        log::trace!(
            "rule table at {:.1} ({:.1}..{:.1}): {} rows",
            s.at,
            s.from,
            s.to,
            table.rows.len()
        );
        for g in inside {
            taken[g] = true;
        }
        found.push(Found {
            top,
            x0: s.from,
            x1: s.to,
            table,
        });
        done_until = bottom;
        rows = text_rows(&glyphs, &taken);
    }
    if found.is_empty() {
        return (found, glyphs);
    }
    let rest = glyphs
        .into_iter()
        .zip(taken)
        .filter_map(|(g, t)| (!t).then_some(g))
        .collect();
    (found, rest)
}

/// The page's characters (those not `taken`) grouped into lines top to bottom, each split into
/// words at spaces and at gaps wider than a quarter of the type size.
fn text_rows(glyphs: &[Glyph], taken: &[bool]) -> Vec<Row> {
    let mut order: Vec<usize> = (0..glyphs.len())
        .filter(|&i| !taken[i] && glyphs[i].quarter_turns == 0)
        .collect();
    order.sort_by(|&a, &b| glyphs[a].y.total_cmp(&glyphs[b].y));
    let mut lines: Vec<(f64, f64, Vec<usize>)> = Vec::new();
    for i in order {
        let g = &glyphs[i];
        match lines.last_mut() {
            Some((y, size, members)) if g.y - *y < 0.6 * g.size.max(*size) => {
                members.push(i);
                *size = size.max(g.size);
            }
            _ => lines.push((g.y, g.size, vec![i])),
        }
    }
    lines
        .into_iter()
        .map(|(y, size, mut members)| {
            members.sort_by(|&a, &b| glyphs[a].x.total_cmp(&glyphs[b].x));
            let mut words: Vec<Word> = Vec::new();
            let mut end = f64::MIN;
            for i in members {
                let g = &glyphs[i];
                let width = if g.advance > 0.0 {
                    g.advance
                } else {
                    0.5 * g.size
                };
                if g.text.trim().is_empty() {
                    // A space goes with the word before it (and leaves the page's text with it).
                    if let Some(w) = words.last_mut() {
                        w.glyphs.push(i);
                    }
                    end = f64::MIN;
                    continue;
                }
                match words.last_mut() {
                    Some(w) if end != f64::MIN && g.x - end <= 0.25 * g.size => {
                        w.x1 = w.x1.max(g.x + width);
                        w.glyphs.push(i);
                    }
                    _ => words.push(Word {
                        x0: g.x,
                        x1: g.x + width,
                        glyphs: vec![i],
                    }),
                }
                end = g.x + width;
            }
            Row { y, size, words }
        })
        .filter(|r| !r.words.is_empty())
        .collect()
}

/// The words of `row` within `from..to`, or None when the line runs across either end (it is
/// prose, or a wider table). Words well clear of the extent (another column of the page) are
/// left out.
fn part(row: &Row, from: f64, to: f64) -> Option<Vec<&Word>> {
    let em = row.size;
    let mut inside = Vec::new();
    for w in &row.words {
        if w.x0 >= from - SNAP && w.x1 <= to + SNAP {
            inside.push(w);
        } else if w.x1 > from - em && w.x0 < to + em {
            return None;
        }
    }
    (!inside.is_empty()).then_some(inside)
}

/// Same extent: another rule of the same table (top, bottom, between rows).
fn same_extent(a: &Stroke, b: &Stroke) -> bool {
    (a.from - b.from).abs() <= 3.0 * SNAP && (a.to - b.to).abs() <= 3.0 * SNAP
}

/// The table whose header rule (or top rule) is `candidates[i]`: the table, the characters in
/// it, and its top and bottom.
fn table_at(
    candidates: &[Stroke],
    i: usize,
    rows: &[Row],
    glyphs: &[Glyph],
) -> Option<(Table, Vec<usize>, f64, f64)> {
    let s = candidates[i];
    let (from, to) = (s.from, s.to);
    // Other rules across the same stretch of the page: where the header stops going up, and
    // the rules between and under the body's rows.
    let across: Vec<&Stroke> = candidates
        .iter()
        .filter(|c| c.from < to && c.to > from && (c.at - s.at).abs() > SNAP)
        .collect();
    let rule_between = |a: f64, b: f64| across.iter().any(|c| c.at > a.min(b) && c.at < a.max(b));
    let below = rows.partition_point(|r| r.y <= s.at);
    // Header: lines just above the rule, each close under the one above.
    let mut header: Vec<Taken> = Vec::new();
    for row in rows[..below].iter().rev().take(4) {
        let Some(words) = part(row, from, to) else {
            break;
        };
        let (limit, last_y) = match header.last() {
            Some((r, _)) => (1.5 * r.size.max(row.size), r.y),
            None => (1.2 * row.size, s.at),
        };
        if last_y - row.y > limit || rule_between(row.y, last_y) {
            break;
        }
        header.push((row, words));
    }
    header.reverse();
    // Body: lines below, each within two lines of the one above (three across a rule).
    let mut body: Vec<Taken> = Vec::new();
    let mut separators: Vec<f64> = Vec::new();
    for row in &rows[below..] {
        let Some(words) = part(row, from, to) else {
            break;
        };
        let (last_y, last_size) = body.last().map_or((s.at, row.size), |(r, _)| (r.y, r.size));
        let ruled = across
            .iter()
            .filter(|c| same_extent(c, &s) && c.at > last_y && c.at < row.y)
            .map(|c| c.at)
            .next();
        let limit = if ruled.is_some() { 3.0 } else { 2.0 } * row.size.max(last_size);
        if row.y - last_y > limit || (row.size - last_size).abs() > 0.15 * last_size {
            break;
        }
        if let Some(at) = ruled
            && !body.is_empty()
        {
            separators.push(at);
        }
        body.push((row, words));
    }
    if body.len() < 2 {
        return None;
    }
    let bottom_y = body.last().map(|(r, _)| r.y).unwrap_or(s.at);
    let cuts = columns(&body, from, to)?;
    let column = |w: &Word| cuts.iter().filter(|&&c| c < (w.x0 + w.x1) / 2.0).count();
    // A header line with a stretch of text across a column's edge (words a space apart) is a
    // caption or a heading: it and the lines above it are not the header.
    let crossing = |row: &Row, words: &[&Word]| {
        let em = row.size;
        let mut pieces: Vec<(f64, f64)> = Vec::new();
        for w in words {
            match pieces.last_mut() {
                Some(p) if w.x0 - p.1 < 0.6 * em => p.1 = p.1.max(w.x1),
                _ => pieces.push((w.x0, w.x1)),
            }
        }
        pieces
            .iter()
            .any(|p| cuts.iter().any(|&c| p.0 < c - em && p.1 > c + em))
    };
    if let Some(k) = header.iter().rposition(|(r, w)| crossing(r, w)) {
        header.drain(..=k);
    }
    // With no header above it the rule is the table's top: the first band of the body, up to
    // the next rule of the same extent, is the header.
    let mut body_rows: Vec<Vec<&Taken>> = Vec::new();
    let mut header_rows: Vec<&Taken> = header.iter().collect();
    let mut bands: Vec<Vec<&Taken>> = vec![Vec::new()];
    for line in &body {
        if separators.iter().any(|&at| {
            let prev = bands.last().and_then(|b| b.last()).map(|(r, _)| r.y);
            prev.is_some_and(|p| at > p && at < line.0.y)
        }) {
            bands.push(Vec::new());
        }
        bands.last_mut().expect("one band").push(line);
    }
    if header_rows.is_empty() && bands.len() >= 2 {
        header_rows = bands.remove(0);
    }
    // Rules between the rows: each band is a row. Otherwise rows by the gaps between lines.
    let ruled_rows = bands.len() >= 3;
    for band in bands {
        if ruled_rows {
            body_rows.push(band);
            continue;
        }
        for group in split_by_gaps(&band, |l| column_zero_empty(&l.1, &column)) {
            body_rows.push(group);
        }
    }
    let cols = cuts.len() + 1;
    let mut inside = Vec::new();
    let mut cell_of = |lines: &[&Taken]| -> Vec<Vec<Vec<Inline>>> {
        let mut cells: Vec<Vec<Glyph>> = vec![Vec::new(); cols];
        for (_, words) in lines.iter().map(|l| (&l.0, &l.1)) {
            for w in words {
                let c = column(w);
                for &g in &w.glyphs {
                    cells[c].push(glyphs[g].clone());
                    inside.push(g);
                }
            }
        }
        cells
            .iter()
            .map(|g| {
                let content = cell_content(g);
                if content.is_empty() {
                    Vec::new()
                } else {
                    vec![content]
                }
            })
            .collect()
    };
    let has_header = !header_rows.is_empty();
    let mut table_rows = Vec::with_capacity(body_rows.len() + 1);
    if has_header {
        table_rows.push(cell_of(&header_rows));
    }
    for row in &body_rows {
        table_rows.push(cell_of(row));
    }
    if !is_table(&table_rows, cols, has_header, &inside, glyphs) {
        return None;
    }
    let top = header_rows
        .first()
        .map_or(s.at, |(r, _)| r.y - r.size)
        .min(s.at);
    // A bottom rule close under the last line is the table's too.
    let reach = bottom_y + 1.5 * largest_size(&body);
    let bottom = across
        .iter()
        .filter(|c| same_extent(c, &s) && c.at > bottom_y && c.at < reach)
        .map(|c| c.at)
        .fold(bottom_y, f64::max);
    Some((
        Table {
            rows: table_rows,
            spans: Vec::new(),
            header: has_header.then_some(true),
        },
        inside,
        top,
        bottom,
    ))
}

/// The largest type size among the body's lines.
fn largest_size(body: &[Taken]) -> f64 {
    body.iter().map(|(r, _)| r.size).fold(0.0, f64::max)
}

fn column_zero_empty(words: &[&Word], column: &impl Fn(&Word) -> usize) -> bool {
    words.iter().all(|w| column(w) > 0)
}

/// Column edges across `from..to`: the middle of each stretch at least half an em wide that
/// all but a fifth of the body's lines leave empty. None unless there are two columns or more.
fn columns(body: &[Taken], from: f64, to: f64) -> Option<Vec<f64>> {
    let width = (to - from).ceil() as usize + 1;
    if width > 5000 {
        return None;
    }
    let mut cover = vec![0usize; width];
    for (_, words) in body {
        for w in words {
            let a = (w.x0 - from).max(0.0) as usize;
            let b = ((w.x1 - from).max(0.0) as usize).min(width - 1);
            for c in &mut cover[a.min(width - 1)..=b.max(a).min(width - 1)] {
                *c += 1;
            }
        }
    }
    let allowed = body.len() / 5;
    let em = body[0].0.size.max(4.0);
    let mut cuts = Vec::new();
    // Only stretches between text count: the margins inside the rule's ends are no column.
    let first = cover.iter().position(|&c| c > allowed)?;
    let last = cover.iter().rposition(|&c| c > allowed)?;
    let mut x = first;
    while x < last {
        if cover[x] <= allowed {
            let start = x;
            while x < last && cover[x] <= allowed {
                x += 1;
            }
            if (x - start) as f64 >= 0.5 * em {
                cuts.push(from + (start + x) as f64 / 2.0);
            }
        } else {
            x += 1;
        }
    }
    (!cuts.is_empty() && cuts.len() < 30).then_some(cuts)
}

/// The lines of a band grouped into rows: at the wider gaps when the gaps between lines come in
/// two sizes (two points apart at least), else a row per line where `continues` is false.
fn split_by_gaps<'a, 'b>(
    band: &[&'b Taken<'a>],
    continues: impl Fn(&Taken) -> bool,
) -> Vec<Vec<&'b Taken<'a>>> {
    let gaps: Vec<f64> = band.windows(2).map(|w| w[1].0.y - w[0].0.y).collect();
    let min = gaps.iter().copied().fold(f64::MAX, f64::min);
    let max = gaps.iter().copied().fold(f64::MIN, f64::max);
    let size = band.first().map_or(10.0, |l| l.0.size);
    let two_sizes = !gaps.is_empty() && max - min >= (0.12 * size).max(2.0);
    let mut out: Vec<Vec<&Taken>> = Vec::new();
    for (k, line) in band.iter().enumerate() {
        let new_row = match k {
            0 => true,
            _ if two_sizes => gaps[k - 1] > (min + max) / 2.0,
            _ => !continues(line),
        };
        if new_row {
            out.push(vec![*line]);
        } else if let Some(last) = out.last_mut() {
            last.push(*line);
        }
    }
    out
}

/// Whether rows of cells read as a table: two rows at least besides the header (one with a
/// header over it), most rows with text in two cells, every column used, phrases not prose.
fn is_table(
    rows: &[Vec<Vec<Vec<Inline>>>],
    cols: usize,
    has_header: bool,
    inside: &[usize],
    glyphs: &[Glyph],
) -> bool {
    let body = rows.len() - usize::from(has_header);
    if body < 1 || rows.len() < 2 {
        return false;
    }
    let filled = |r: &Vec<Vec<Vec<Inline>>>| r.iter().filter(|c| !c.is_empty()).count();
    let full_rows = rows.iter().filter(|r| filled(r) >= 2).count();
    let cells: usize = rows.iter().map(filled).sum();
    let columns_used = (0..cols).all(|c| rows.iter().any(|r| !r[c].is_empty()));
    let chosen: Vec<Glyph> = inside.iter().map(|&g| glyphs[g].clone()).collect();
    let words = words_in(&chosen);
    full_rows * 2 >= rows.len()
        && columns_used
        && cells * 2 >= rows.len() * cols
        && words <= 40 * cells
}

#[cfg(test)]
mod tests {
    use super::super::tests::{line_of, texts_of};
    use super::*;

    fn stroke(at: f64, from: f64, to: f64) -> Stroke {
        Stroke { at, from, to }
    }

    #[test]
    fn a_rule_under_the_header_makes_a_table_and_wrapped_cells_join() {
        // A heading just above the header, one space between its words across the columns.
        let mut glyphs = line_of(&[("Why the readers differ", 0.0)], -14.0);
        glyphs.extend(line_of(&[("Reader", 0.0), ("Speed", 100.0)], 0.0));
        // Lines of a cell 12 points apart, rows 16 apart (the cells' padding).
        glyphs.extend(line_of(&[("pdf", 0.0), ("fast and", 100.0)], 16.0));
        glyphs.extend(line_of(&[("files", 0.0), ("steady", 100.0)], 28.0));
        glyphs.extend(line_of(&[("docx", 0.0), ("faster", 100.0)], 44.0));
        glyphs.extend(line_of(
            &[("After the table, prose runs across the page.", 0.0)],
            80.0,
        ));
        let (found, rest) = tables(&[stroke(4.0, -2.0, 200.0)], glyphs);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].table.header, Some(true));
        assert_eq!(
            texts_of(&found[0].table),
            [
                ["Reader", "Speed"],
                ["pdf files", "fast and steady"],
                ["docx", "faster"]
            ]
        );
        let left: String = rest.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(
            left,
            "Why the readers differAfter the table, prose runs across the page."
        );
    }

    #[test]
    fn top_middle_and_bottom_rules_make_a_table_under_its_caption() {
        let mut glyphs = line_of(
            &[("Table 1: Scores of the readers on the test pages", 0.0)],
            -20.0,
        );
        glyphs.extend(line_of(&[("Engine", 0.0), ("Score", 120.0)], 0.0));
        glyphs.extend(line_of(&[("docproc", 0.0), ("0.87", 120.0)], 20.0));
        glyphs.extend(line_of(&[("pdftotext", 0.0), ("0.59", 120.0)], 32.0));
        let rules = [
            stroke(-12.0, -2.0, 160.0),
            stroke(5.0, -2.0, 160.0),
            stroke(36.0, -2.0, 160.0),
        ];
        let (found, _) = tables(&rules, glyphs);
        assert_eq!(found.len(), 1);
        assert_eq!(
            texts_of(&found[0].table),
            [
                ["Engine", "Score"],
                ["docproc", "0.87"],
                ["pdftotext", "0.59"]
            ]
        );
    }

    #[test]
    fn a_rule_between_paragraphs_is_no_table() {
        let mut glyphs = line_of(&[("The last line of the body text.", 0.0)], 0.0);
        glyphs.extend(line_of(&[("1 A footnote under the separator.", 0.0)], 14.0));
        glyphs.extend(line_of(&[("2 Another note.", 0.0)], 26.0));
        let count = glyphs.len();
        let (found, rest) = tables(&[stroke(5.0, 0.0, 160.0)], glyphs);
        assert!(found.is_empty());
        assert_eq!(rest.len(), count);
    }
}
