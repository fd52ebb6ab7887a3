//! Reading coordinates: a page turned sideways, or a rotated scan, read in its text direction.

use super::*;

/// Reading coordinates for a page's characters and rules: rotated so that the page's most
/// common text direction runs left to right, with y growing downwards (pages printed in
/// landscape, rotated scans).
pub(super) fn orient(page: &Page) -> (Vec<Glyph>, Vec<Rule>, Vec<(f64, f64)>) {
    let (glyphs, (cos, sin)) = orient_glyphs(&page.glyphs);
    let turn = |x: f64, y: f64| (x * cos + y * sin, x * sin - y * cos);
    let rules = page
        .rules
        .iter()
        .map(|r| {
            let (ax, ay) = turn(r.x0, r.y0);
            let (bx, by) = turn(r.x1, r.y1);
            Rule {
                x0: ax.min(bx),
                y0: ay.min(by),
                x1: ax.max(bx),
                y1: ay.max(by),
            }
        })
        .collect();
    let bullets = page.bullets.iter().map(|&(x, y)| turn(x, y)).collect();
    (glyphs, rules, bullets)
}

/// [`orient`] for characters alone, with the rotation used (cosine, sine).
pub(in super::super) fn orient_glyphs(glyphs: &[Glyph]) -> (Vec<Glyph>, (f64, f64)) {
    let mut counts = [0usize; 4];
    for g in glyphs {
        counts[g.quarter_turns as usize % 4] += 1;
    }
    let turns = (0..4)
        .max_by_key(|&t| (counts[t], std::cmp::Reverse(t)))
        .unwrap_or(0);
    let (cos, sin) = [(1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0)][turns];
    let glyphs = glyphs
        .iter()
        .map(|g| Glyph {
            x: g.x * cos + g.y * sin,
            y: g.x * sin - g.y * cos,
            ..g.clone()
        })
        .collect();
    (glyphs, (cos, sin))
}
