//! Which paragraphs are headings and at what level: the body size, the sizes set apart from it,
//! the document's title, bold labels, and the texts that are never headings (captions).

use std::collections::HashMap;

use super::lines::margins;
use super::{Line, Page, Para, list_marker};

/// A document title (the largest size, one centred paragraph, on the first page): it does not
/// push the real first-level headings down a level but shares level 1 with them. Returns its size
/// and takes it out of `heading_sizes`.
pub(super) fn document_title(
    page_paras: &[Vec<Para>],
    page_lines: &[Vec<Line>],
    heading_sizes: &mut Vec<f64>,
) -> Option<f64> {
    if heading_sizes.len() >= 2 {
        let largest = heading_sizes[0];
        let with_size: Vec<&Para> = page_paras
            .iter()
            .flatten()
            .filter(|p| (round_half(p.size()) - largest).abs() < 0.01)
            .collect();
        let on_first_page = page_paras.first().is_some_and(|ps| {
            ps.iter()
                .any(|p| (round_half(p.size()) - largest).abs() < 0.01)
        });
        // Centred, like a title page's title (a first heading starts at the margin).
        let centred = with_size.first().is_some_and(|p| {
            let lines = page_lines.first().map(Vec::as_slice).unwrap_or(&[]);
            let (left, right) = margins(lines);
            let l = &p.lines[0];
            l.x0 > left + 0.1 * (right - left)
                && ((l.x0 + l.x1) / 2.0 - (left + right) / 2.0).abs() < 0.05 * (right - left)
        });
        if with_size.len() == 1 && on_first_page && centred {
            heading_sizes.remove(0);
            return Some(largest);
        }
    }
    None
}

pub(super) fn round_half(size: f64) -> f64 {
    (size * 2.0).round() / 2.0
}

/// The body text size: the size the most characters are set in (code in a fixed-pitch font does
/// not count, unless there is nothing else).
pub(super) fn body_size(pages: &[Page]) -> f64 {
    let mut counts: HashMap<i64, usize> = HashMap::new();
    let prose = pages.iter().flat_map(|p| &p.glyphs).any(|g| !g.style.mono);
    for glyph in pages.iter().flat_map(|p| &p.glyphs) {
        if prose && glyph.style.mono {
            continue;
        }
        *counts.entry((glyph.size * 2.0).round() as i64).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|&(size, n)| (n, -size))
        .map_or(10.0, |(s, _)| s as f64 / 2.0)
}

/// Sizes (rounded to half points) that mark headings, largest first: clearly larger than the body
/// and used for few, short paragraphs.
pub(super) fn heading_sizes(pages: &[Vec<Para>], body: f64) -> Vec<f64> {
    // Per size: paragraphs, characters, and whether every paragraph is three lines or fewer.
    let mut usage: HashMap<i64, (usize, usize, bool)> = HashMap::new();
    for para in pages.iter().flatten() {
        let size = round_half(para.size());
        let entry = usage.entry((size * 2.0) as i64).or_insert((0, 0, true));
        entry.0 += 1;
        entry.1 += para.lines.iter().map(|l| l.text.len()).sum::<usize>();
        entry.2 &= para.lines.len() <= 3;
    }
    let total_chars: usize = usage.values().map(|u| u.1).sum();
    let mut sizes: Vec<f64> = usage
        .into_iter()
        .filter(|&(size, (paras, chars, short))| {
            let size = size as f64 / 2.0;
            // Little of the text, or (on a short document, a cover page) a few short
            // paragraphs in clearly larger type.
            let few = chars * 4 < total_chars.max(1) || (short && paras <= 3 && size >= 1.5 * body);
            size >= body * 1.1 && size >= body + 1.0 && few
        })
        .map(|(size, _)| size as f64 / 2.0)
        .collect();
    sizes.sort_by(|a, b| b.total_cmp(a));
    sizes.truncate(6);
    sizes
}

/// A short bold paragraph, not smaller than the body text, that reads as a title.
/// A bulleted one is a list item in bold, not a heading.
pub(super) fn bold_label(para: &Para, text: &str, body: f64) -> bool {
    para.is_bold()
        && para.lines.len() <= 2
        && para.size() >= body - 0.5
        && is_label(text)
        && list_marker(text).is_none_or(|(ordered, _, _)| ordered)
}

/// Text that reads as a title rather than a sentence: short, no final full stop.
pub(super) fn is_label(text: &str) -> bool {
    let text = text.trim();
    text.chars().count() <= 120
        && !text.ends_with(['.', ',', ';', ':'])
        && text.chars().next().is_some_and(|c| !c.is_lowercase())
}

pub(super) fn is_heading_text(text: &str, para: &Para) -> bool {
    para.lines.len() <= 3
        && text.chars().count() <= 200
        && text.chars().any(char::is_alphabetic)
        && !is_caption(text)
}

/// A figure's or table's caption ("Figure 9.4.1: ...", "Table 2 ...", "Table: ..."), set
/// in bold or larger type like a heading but no heading: the word, then a number or a colon.
pub(super) fn is_caption(text: &str) -> bool {
    const WORDS: [&str; 16] = [
        "figure",
        "fig.",
        "fig",
        "table",
        "chart",
        "exhibit",
        "graph",
        "diagram",
        "map",
        "plate",
        "listing",
        "abbildung",
        "abb.",
        "tabelle",
        "tableau",
        "tabla",
    ];
    let mut words = text.split_whitespace();
    let Some(first) = words.next() else {
        return false;
    };
    let lower = first.to_lowercase();
    if let Some(word) = lower.strip_suffix(':') {
        return WORDS.contains(&word);
    }
    WORDS.contains(&lower.as_str())
        && words
            .next()
            .and_then(|w| w.chars().next())
            .is_some_and(|c| c.is_ascii_digit() || "IVXivx".contains(c))
}
