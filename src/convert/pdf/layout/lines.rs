//! Characters into lines, lines into reading order (running headers and footers removed,
//! pieces of one baseline joined), lines into paragraphs.

use std::collections::HashMap;

use super::{FontStyle, Glyph, Line, Para, list_marker};

/// Joins characters into lines, in the order the content stream draws them.
pub(in crate::convert::pdf) fn lines(glyphs: &[Glyph]) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    let mut current: Option<Line> = None;
    let mut pending_space = false;
    for g in glyphs {
        let blank = g.text.trim().is_empty();
        if let Some(line) = current.as_mut() {
            let tolerance = 0.5 * g.size.max(line.size).min(2.0 * g.size.min(line.size));
            let same_line = (g.y - line.y).abs() <= tolerance && g.x >= line.x1 - 1.5 * g.size;
            if same_line {
                if blank {
                    pending_space = true;
                    line.x1 = line.x1.max(g.x + g.advance);
                    continue;
                }
                // Some fonts report no widths (advance 0). Then only the distance between glyph
                // origins is known: more than a wide letter plus a space means a word gap.
                let word_gap = if line.last_advance_known {
                    g.x - line.x1 > 0.15 * g.size
                } else {
                    g.x - line.last_x > 1.1 * g.size
                };
                // A gap of more than two ems separates table cells (only measurable when the
                // font gave widths).
                if line.last_advance_known && g.x - line.x1 > 2.0 * g.size {
                    if !line.text.ends_with(' ') {
                        line.text.push(' ');
                    }
                    line.ends.push(line.x1);
                    line.cells.push((g.x, line.text.len()));
                }
                if (pending_space || word_gap) && !line.text.ends_with(' ') {
                    line.text.push(' ');
                }
                pending_space = false;
                // A smaller character set above the baseline: a footnote mark or an exponent.
                let style = FontStyle {
                    raised: g.size <= 0.8 * line.size && line.y - g.y > 0.2 * line.size,
                    ..g.style
                };
                if line.styles.last().is_none_or(|&(_, last)| last != style) {
                    line.styles.push((line.text.len(), style));
                }
                line.text.push_str(&normalise_glyph(&g.text));
                line.count(g);
                line.x1 = line.x1.max(g.x + estimated_advance(g));
                line.last_x = g.x;
                line.last_advance_known = advance_known(g);
                // Superscripts and drop caps must not change the line's baseline or size much.
                if g.size > line.size
                    && !g.text.trim().is_empty()
                    && (g.y - line.y).abs() < 0.1 * g.size
                {
                    line.size = g.size;
                }
                continue;
            }
            lines.push(current.take().expect("checked"));
        }
        pending_space = false;
        if blank {
            continue;
        }
        let mut line = Line {
            y: g.y,
            x0: g.x,
            x1: g.x + estimated_advance(g),
            size: g.size,
            text: normalise_glyph(&g.text),
            last_x: g.x,
            last_advance_known: advance_known(g),
            chars: 0,
            bold: 0,
            mono: 0,
            cells: vec![(g.x, 0)],
            ends: Vec::new(),
            styles: vec![(0, g.style)],
        };
        line.count(g);
        current = Some(line);
    }
    lines.extend(current);
    lines.retain(|l| !l.text.trim().is_empty());
    lines
}

fn advance_known(g: &Glyph) -> bool {
    g.advance > 0.05 * g.size
}

/// The glyph's advance, or half an em when the font did not say.
fn estimated_advance(g: &Glyph) -> f64 {
    if advance_known(g) {
        g.advance
    } else {
        0.5 * g.size
    }
}

/// Ligatures and other presentation forms to plain letters.
fn normalise_glyph(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{FB00}' => out.push_str("ff"),
            '\u{FB01}' => out.push_str("fi"),
            '\u{FB02}' => out.push_str("fl"),
            '\u{FB03}' => out.push_str("ffi"),
            '\u{FB04}' => out.push_str("ffl"),
            '\u{FB05}' | '\u{FB06}' => out.push_str("st"),
            '\t' | '\u{a0}' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Drop caps: a paragraph's first letter set several lines tall at its start, the text
/// continuing to its right. The letter is moved onto the first of those lines, at their size,
/// so that it reads as the start of the first word (`T` + `his collection` → `This collection`)
/// rather than as a one-letter heading. Reading coordinates (y grows downwards).
///
/// A drop cap is a single letter at least 2.5 times the body size with no other large
/// character beside it, and a line of smaller text starting just right of it whose baseline
/// lies within the letter's height.
pub(super) fn drop_caps(glyphs: &mut [Glyph], body: f64) {
    // Characters well above the body size; a page of large type (a poster, a title page in
    // display letters) is left alone.
    let large: Vec<usize> = (0..glyphs.len())
        .filter(|&i| glyphs[i].size >= 1.5 * body && !glyphs[i].text.trim().is_empty())
        .take(401)
        .collect();
    if large.is_empty() || large.len() > 400 {
        return;
    }
    for &i in &large {
        let cap = glyphs[i].clone();
        if cap.size < 2.5 * body
            || cap.quarter_turns != 0
            || cap.text.chars().count() != 1
            || !cap.text.chars().all(char::is_alphabetic)
        {
            continue;
        }
        // Not a letter of a word in large type: nothing of a like size on its baseline nearby.
        let alone = large.iter().all(|&j| {
            let g = &glyphs[j];
            j == i
                || g.size < 0.5 * cap.size
                || (g.y - cap.y).abs() > 0.3 * cap.size
                || (g.x - cap.x).abs() > 1.5 * cap.size
        });
        if !alone {
            continue;
        }
        let right = cap.x + cap.advance.max(0.2 * cap.size);
        // The first line beside the letter: the topmost baseline within its height, starting
        // within a few ems of its right side.
        let beside = |g: &Glyph| {
            g.size < 1.5 * body
                && g.y <= cap.y + 0.2 * g.size
                && g.y >= cap.y - cap.size
                && g.x >= right - 0.5 * g.size
                && g.x <= right + 3.0 * g.size
        };
        let Some(top) = glyphs
            .iter()
            .filter(|g| beside(g))
            .map(|g| g.y)
            .reduce(f64::min)
        else {
            continue;
        };
        let Some(first) = glyphs
            .iter()
            .filter(|g| beside(g) && (g.y - top).abs() < 0.3 * g.size)
            .min_by(|a, b| a.x.total_cmp(&b.x))
            .cloned()
        else {
            continue;
        };
        let advance = 0.6 * first.size;
        glyphs[i] = Glyph {
            x: first.x - advance,
            y: first.y,
            size: first.size,
            advance,
            ..cap
        };
    }
}

/// Removes running headers and footers: lines among the top or bottom two of a page whose text
/// (digits aside, so page numbers match) stands at the same height on most pages.
pub(super) fn without_running_heads(pages: Vec<Vec<Line>>) -> Vec<Vec<Line>> {
    if pages.len() < 3 {
        return pages;
    }
    let key = |l: &Line| {
        let text: String = l
            .text
            .trim()
            .chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect();
        (text, (l.y / 3.0).round() as i64)
    };
    let edges = |lines: &[Line]| -> Vec<usize> {
        let mut order: Vec<usize> = (0..lines.len()).collect();
        order.sort_by(|&a, &b| lines[a].y.total_cmp(&lines[b].y));
        let n = order.len();
        let mut out: Vec<usize> = order.iter().take(2).copied().collect();
        out.extend(order.iter().skip(n.saturating_sub(2)).copied());
        out.sort_unstable();
        out.dedup();
        out
    };
    let mut seen: HashMap<(String, i64), usize> = HashMap::new();
    for lines in &pages {
        let mut keys: Vec<(String, i64)> =
            edges(lines).into_iter().map(|i| key(&lines[i])).collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            *seen.entry(k).or_default() += 1;
        }
    }
    let threshold = pages.len().div_ceil(2).max(3);
    pages
        .into_iter()
        .map(|lines| {
            let running: Vec<usize> = edges(&lines)
                .into_iter()
                .filter(|&i| seen.get(&key(&lines[i])).is_some_and(|&n| n >= threshold))
                .collect();
            lines
                .into_iter()
                .enumerate()
                .filter(|(i, _)| !running.contains(i))
                .map(|(_, l)| l)
                .collect()
        })
        .collect()
}

/// Lines top to bottom when the page is one column of text (content streams may draw a code
/// box, a header or a footnote out of order); pages set in columns keep the order they were
/// drawn in, which is column by column in the PDFs that have them.
pub(super) fn reading_order(mut lines: Vec<Line>) -> Vec<Line> {
    if lines.len() < 2 {
        return lines;
    }
    let left = lines.iter().map(|l| l.x0).fold(f64::MAX, f64::min);
    let right = lines.iter().map(|l| l.x1).fold(f64::MIN, f64::max);
    let mid = (left + right) / 2.0;
    let in_right_column = lines
        .iter()
        .filter(|l| l.x0 > mid - 0.02 * (right - left))
        .count();
    let in_left_column = lines.iter().filter(|l| l.x1 < mid).count();
    let columns = in_right_column * 5 >= lines.len() && in_left_column * 5 >= lines.len();
    if !columns {
        // Stable, by baselines rounded to whole points: pieces of one baseline keep their
        // drawing order (a total order, as sorting requires).
        lines.sort_by_key(|l| l.y.round() as i64);
        lines = merge_baselines(lines);
    }
    lines
}

/// Joins pieces drawn separately on one baseline, left to right (table cells drawn column by
/// column): a wide gap between them is a cell boundary.
fn merge_baselines(lines: Vec<Line>) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        // The run of pieces on this baseline, ordered left to right.
        let mut j = i + 1;
        while j < lines.len() && (lines[j].y - lines[i].y).abs() <= 0.3 * lines[i].size {
            j += 1;
        }
        let mut run: Vec<Line> = lines[i..j].to_vec();
        run.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let overlapping = run.windows(2).any(|w| w[1].x0 < w[0].x1 - 0.5 * w[0].size);
        // A heading in large type beside a column of body text that happens to share its
        // baseline is two lines, not one.
        let unlike = run.windows(2).any(|w| {
            let (small, large) = (w[0].size.min(w[1].size), w[0].size.max(w[1].size));
            large > 1.6 * small && w[1].x0 - w[0].x1 > small
        });
        if overlapping || unlike {
            out.extend(run);
        } else {
            let mut merged = run[0].clone();
            for piece in &run[1..] {
                let gap = piece.x0 - merged.x1;
                if !merged.text.ends_with(' ') {
                    merged.text.push(' ');
                }
                let offset = merged.text.len();
                if gap > 2.0 * piece.size {
                    merged.ends.push(merged.x1);
                    merged.ends.extend(&piece.ends);
                    merged.cells.push((piece.x0, offset));
                    for &(x, o) in &piece.cells[1..] {
                        merged.cells.push((x, offset + o));
                    }
                }
                for &(o, style) in &piece.styles {
                    merged.styles.push((offset + o, style));
                }
                merged.text.push_str(&piece.text);
                merged.x1 = piece.x1;
                merged.chars += piece.chars;
                merged.bold += piece.bold;
                merged.mono += piece.mono;
                merged.size = merged.size.max(piece.size);
            }
            out.push(merged);
        }
        i = j;
    }
    out
}

/// The left margin of a page's text (the most common start of a line, code aside) and the right
/// edge of its text column.
pub(super) fn margins(lines: &[Line]) -> (f64, f64) {
    margins_of(lines.iter())
}

/// [`margins`] over any lines (every page of a document, without copying them).
pub(super) fn margins_of<'a>(lines: impl Iterator<Item = &'a Line> + Clone) -> (f64, f64) {
    let mut starts: HashMap<i64, usize> = HashMap::new();
    for line in lines.clone().filter(|l| !l.is_mono()) {
        *starts.entry(line.x0.round() as i64).or_default() += 1;
    }
    // The leftmost start shared by several lines (a page of list items has its margin left of
    // them; a stray line further left does not move it).
    let total: usize = starts.values().sum();
    let left = starts
        .iter()
        .filter(|&(_, &n)| n >= 2 && n * 20 >= total)
        .map(|(&x, _)| x)
        .min()
        .or_else(|| {
            starts
                .iter()
                .max_by_key(|&(x, n)| (*n, -*x))
                .map(|(&x, _)| x)
        })
        .map_or(0.0, |x| x as f64);
    let right = lines.map(|l| l.x1).fold(left, f64::max);
    (left, right)
}

/// Groups lines into paragraphs.
pub(super) fn paragraphs(lines: &[Line]) -> Vec<Para> {
    let pitch = line_pitch(lines);
    let (left, right) = margins(lines);
    let mut paras: Vec<Para> = Vec::new();
    for line in lines {
        let Some(para) = paras.last_mut() else {
            paras.push(Para {
                lines: vec![line.clone()],
            });
            continue;
        };
        let prev = para.lines.last().expect("paragraphs are never empty");
        let gap = line.y - prev.y;
        let size_change = (line.size - prev.size).abs() > 0.15 * prev.size.max(line.size);
        // The page's pitch is the body text's; lines set larger (a title over several lines)
        // are set further apart.
        let max_gap = pitch
            .map_or(1.6 * prev.size, |p| {
                (p * 1.3 + 1.0).max(1.5 * prev.size.min(line.size))
            })
            .min(2.5 * prev.size.max(line.size));
        // Lines centred on one axis (a title over several lines) are neither indented first
        // lines nor items.
        let centred = (line.x0 + line.x1 - prev.x0 - prev.x1).abs() < line.size
            && (line.x0 - prev.x0).abs() > line.size;
        let indented_first_line = line.x0 > prev.x0 + 0.8 * line.size
            && !centred
            && para.lines.len() >= 2
            && line.x0 - para.lines[0].x0.min(prev.x0) < 6.0 * line.size
            && list_marker(&para.lines[0].text).is_none();
        let para_x1 = para.lines.iter().map(|l| l.x1).fold(f64::MIN, f64::max);
        let prev_ended = prev.text.trim_end().ends_with(['.', '!', '?', ':'])
            && prev.x1 < para_x1 - 4.0 * prev.size
            && para.lines.len() >= 2;
        // A change between bold and regular, or into or out of a fixed-pitch font, separates a
        // heading or a code block from the text around it.
        let style_change = line.is_bold() != prev.is_bold() || line.is_mono() != prev.is_mono();
        // Indented lines whose predecessor stopped well short of the column are items of a
        // list whose bullets are drawn, not written (browsers print lists so).
        let indented = |l: &Line| l.x0 > left + 0.8 * l.size && l.x0 < left + 12.0 * l.size;
        // After a line that stopped well short of the column, a line that starts at another
        // indent (an item of an outer or inner list) does too: prose wraps to the left of an
        // indented first line only after a full line.
        // Short against the paragraph's own width once it has one (a block quote's lines stop
        // short of the column, all of them).
        let edge = if para.lines.len() >= 2 {
            para_x1
        } else {
            right
        };
        let prev_short = prev.x1 < edge - 0.15 * (right - left) && !line.is_mono();
        let short_item = prev_short
            && !centred
            && ((indented(line) && indented(prev) && (line.x0 - prev.x0).abs() < 0.5 * line.size)
                || ((indented(line) || indented(prev))
                    && (line.x0 - prev.x0).abs() > 0.8 * line.size));
        // Table rows stand alone (they are joined into tables afterwards).
        let row = line.cells.len() >= 2 || prev.cells.len() >= 2;
        let new_para = gap <= 0.2 * line.size
            || short_item
            || row
            || gap > max_gap
            || size_change
            || style_change
            || list_marker(&line.text).is_some()
            || indented_first_line
            || prev_ended;
        if new_para {
            paras.push(Para {
                lines: vec![line.clone()],
            });
        } else {
            para.lines.push(line.clone());
        }
    }
    paras
}

/// The usual distance between consecutive baselines of same-size lines on a page.
fn line_pitch(lines: &[Line]) -> Option<f64> {
    let mut gaps: Vec<f64> = lines
        .windows(2)
        .filter(|w| (w[0].size - w[1].size).abs() < 0.5)
        .map(|w| w[1].y - w[0].y)
        .filter(|&g| g > 0.5 * lines[0].size.min(8.0))
        .collect();
    if gaps.len() < 3 {
        return None;
    }
    gaps.sort_by(f64::total_cmp);
    // The lower quartile: paragraph gaps are the larger ones.
    Some(gaps[gaps.len() / 4])
}
