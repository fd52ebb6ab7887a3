//! Layout: characters into lines, lines into paragraphs, paragraphs into Markdown blocks.
//!
//! Input is every character of a page with its position, size and advance ([`Glyph`]), from
//! whichever interpreter read the page. Characters join into lines (a gap wider than a fraction of
//! the font size is a space; fonts without widths are spaced by their origins), lines into
//! paragraphs (a vertical gap larger than the page's usual line pitch, a change of font size, a
//! list marker or an indented first line starts a new one), words hyphenated at line ends are
//! re-joined, and the short paragraphs set clearly larger than the body text (the most common
//! size) become headings, ranked by size. Pages turned sideways are read in their text direction.
//!
//! Here: the page model and the pass from paragraphs to blocks; `lines.rs` joins characters
//! into lines, `headings.rs` ranks headings, `notes.rs` finds footnotes, `passes.rs` joins
//! tables across pages and turns runs of empty headings into lists, `rows.rs` finds space-set
//! tables and definition lists, `inlines.rs` marks and links, `orient.rs` sideways pages.

use std::collections::HashMap;

use super::tables;

mod headings;
mod inlines;
mod lines;
mod notes;
mod orient;
mod passes;
mod rows;

use inlines::page_anchors;
pub(super) use inlines::{linked, para_inlines};
use orient::orient;
pub(super) use orient::orient_glyphs;
use rows::{definition_terms, flush_table, row_runs};

use crate::markdown::{self, Block, FlatItem, Inline};
use headings::{body_size, bold_label, document_title, heading_sizes, is_heading_text, round_half};
pub(super) use lines::lines;
use lines::{drop_caps, margins, margins_of, paragraphs, reading_order, without_running_heads};
use passes::{headings_in_a_row_are_a_list, tables_across_pages};

/// One character as drawn: position of its origin, size and advance. The collector stores PDF
/// coordinates (y grows upwards); [`orient`] turns them into reading coordinates (x along the
/// text, y growing downwards).
#[derive(Debug, Clone)]
pub(super) struct Glyph {
    pub(super) x: f64,
    pub(super) y: f64,
    pub(super) size: f64,
    pub(super) advance: f64,
    /// Text direction in quarter turns counter-clockwise (0: left to right).
    pub(super) quarter_turns: u8,
    pub(super) text: String,
    /// What the font says about its look (unknown fonts: all false).
    pub(super) style: FontStyle,
    /// The marked-content sequence the character is drawn in (tagged PDF).
    pub(super) tag: Tag,
}

impl Glyph {
    /// A character drawn left to right in an unknown font, outside marked content.
    pub(super) fn plain(x: f64, y: f64, size: f64, advance: f64, text: String) -> Glyph {
        Glyph {
            x,
            y,
            size,
            advance,
            quarter_turns: 0,
            text,
            style: FontStyle::default(),
            tag: Tag::Untagged,
        }
    }
}

/// Where a character stands in a tagged PDF's marked content (PDF 14.6).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) enum Tag {
    /// Outside any marked-content sequence with an identifier (all of an untagged PDF).
    #[default]
    Untagged,
    /// Inside `/Artifact`: page furniture (running heads, page numbers), not content.
    Artifact,
    /// Inside a sequence with this marked-content identifier, which the structure tree
    /// refers to.
    Mcid(u32),
}

/// Bold, italic and fixed pitch, from a font's name and descriptor.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct FontStyle {
    pub(super) bold: bool,
    pub(super) italic: bool,
    pub(super) mono: bool,
    /// Set by the line builder, not the font: a smaller character above its line's baseline
    /// (a footnote mark, an exponent).
    pub(super) raised: bool,
}

/// The text direction of a text matrix whose first row is `(a, b)`, in quarter turns
/// counter-clockwise, rounded to the nearest (0: left to right).
pub(super) fn quarter_turns(a: f64, b: f64) -> u8 {
    ((b.atan2(a) / std::f64::consts::FRAC_PI_2).round() as i64).rem_euclid(4) as u8
}

#[derive(Debug, Default)]
pub(super) struct Page {
    pub(super) number: u32,
    pub(super) glyphs: Vec<Glyph>,
    /// Link annotations: the rectangle (PDF coordinates: x0, y0, x1, y1) and the URI.
    pub(super) links: Vec<([f64; 4], String)>,
    /// Horizontal and vertical lines the page draws (strokes and the edges of filled
    /// rectangles), in PDF coordinates: the borders of ruled tables.
    pub(super) rules: Vec<Rule>,
    /// The centres of small filled shapes (PDF coordinates): list bullets drawn, not written.
    pub(super) bullets: Vec<(f64, f64)>,
}

/// An axis-aligned segment, `x0 <= x1`, `y0 <= y1` (one pair equal, within half a point).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Rule {
    pub(super) x0: f64,
    pub(super) y0: f64,
    pub(super) x1: f64,
    pub(super) y1: f64,
}

/// A line of text on a page.
#[derive(Debug, Clone)]
pub(super) struct Line {
    /// Baseline, from the top of the page.
    pub(super) y: f64,
    pub(super) x0: f64,
    pub(super) x1: f64,
    pub(super) size: f64,
    pub(super) text: String,
    /// Origin of the last glyph, and whether its advance width was known.
    last_x: f64,
    last_advance_known: bool,
    /// Visible characters, and how many of them are bold / in a fixed-pitch font.
    chars: usize,
    bold: usize,
    mono: usize,
    /// Where the line's pieces start: one entry per run of text separated from the next by a
    /// gap wider than two ems (table cells), with the byte offset in `text` where each starts.
    pub(super) cells: Vec<(f64, usize)>,
    /// Where each cell but the last ends (the last ends at `x1`).
    ends: Vec<f64>,
    /// Where the font's look changes: (byte offset in `text`, style from there on).
    styles: Vec<(usize, FontStyle)>,
}

impl Line {
    fn count(&mut self, g: &Glyph) {
        let n = g.text.chars().filter(|c| !c.is_whitespace()).count();
        self.chars += n;
        if g.style.bold {
            self.bold += n;
        }
        if g.style.mono {
            self.mono += n;
        }
    }

    fn is_bold(&self) -> bool {
        self.chars > 0 && self.bold * 10 >= self.chars * 9
    }

    /// Each cell's extent and text: (x0, x1, text).
    pub(super) fn cell_spans(&self) -> Vec<(f64, f64, String)> {
        self.cell_texts()
            .into_iter()
            .enumerate()
            .map(|(i, text)| {
                let end = self.ends.get(i).copied().unwrap_or(self.x1);
                (self.cells[i].0, end, text)
            })
            .collect()
    }

    /// The text of each cell (see `cells`).
    fn cell_texts(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (i, &(_, start)) in self.cells.iter().enumerate() {
            let end = self.cells.get(i + 1).map_or(self.text.len(), |c| c.1);
            out.push(self.text.get(start..end).unwrap_or("").trim().to_string());
        }
        out
    }

    pub(super) fn is_mono(&self) -> bool {
        self.chars > 0 && self.mono * 10 >= self.chars * 9
    }
}

/// A paragraph being assembled from lines.
#[derive(Debug, Clone)]
pub(super) struct Para {
    pub(super) lines: Vec<Line>,
}

impl Para {
    fn size(&self) -> f64 {
        // The size most of the paragraph's text is set in.
        let mut best = (0usize, self.lines[0].size);
        let mut by_size: HashMap<i64, usize> = HashMap::new();
        for line in &self.lines {
            let n = by_size.entry((line.size * 2.0).round() as i64).or_default();
            *n += line.text.len();
            if *n > best.0 {
                best = (*n, line.size);
            }
        }
        best.1
    }

    fn is_bold(&self) -> bool {
        self.lines.iter().all(Line::is_bold)
    }

    pub(super) fn is_mono(&self) -> bool {
        self.lines.iter().all(Line::is_mono)
    }

    /// The lines as they stand, indentation kept (code).
    pub(super) fn code_text(&self) -> String {
        let left = self.lines.iter().map(|l| l.x0).fold(f64::MAX, f64::min);
        self.lines
            .iter()
            .map(|l| {
                let indent = ((l.x0 - left) / (0.6 * l.size)).round().max(0.0) as usize;
                format!("{}{}", " ".repeat(indent.min(40)), l.text.trim_end())
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The paragraph as runs with bold, italic and code marks from the fonts (lines joined as
    /// `text` joins them).
    pub(super) fn runs(&self) -> Vec<markdown::Run> {
        let mut runs: Vec<markdown::Run> = Vec::new();
        let mut joined = String::new();
        for (n, line) in self.lines.iter().enumerate() {
            let text = line.text.trim_end();
            let lead = line.text.len() - line.text.trim_start().len();
            let mut pieces: Vec<(FontStyle, String)> = Vec::new();
            for (i, &(start, style)) in line.styles.iter().enumerate() {
                let end = line
                    .styles
                    .get(i + 1)
                    .map_or(text.len(), |s| s.0.min(text.len()));
                let start = start.max(lead).min(end);
                if let Some(piece) = text.get(start..end)
                    && !piece.is_empty()
                {
                    pieces.push((style, piece.to_string()));
                }
            }
            if n > 0 {
                let first = pieces.first().map(|p| p.1.clone()).unwrap_or_default();
                match line_join(&joined, ends_mono(&self.lines[n - 1]), &first) {
                    Join::DropLast => {
                        joined.pop();
                        if let Some(markdown::Run::Text(_, last)) = runs.last_mut() {
                            last.pop();
                        }
                    }
                    Join::Space => {
                        joined.push(' ');
                        runs.push(markdown::Run::Text(markdown::Marks::default(), " ".into()));
                    }
                    Join::Close => {}
                }
            }
            for (style, piece) in pieces {
                joined.push_str(&piece);
                let marks = markdown::Marks {
                    strong: style.bold,
                    emph: style.italic,
                    code: style.mono,
                    superscript: style.raised && !style.mono,
                    ..markdown::Marks::default()
                };
                // Spaces at a piece's edges carry no marks: `code` then a space, not `code `.
                let core = piece.trim();
                let lead = &piece[..piece.len() - piece.trim_start().len()];
                let trail = &piece[piece.trim_end().len()..];
                let plain = markdown::Marks::default();
                if !lead.is_empty() {
                    runs.push(markdown::Run::Text(plain, lead.to_string()));
                }
                if !core.is_empty() {
                    runs.push(markdown::Run::Text(marks, core.replace('\u{ad}', "")));
                }
                if !trail.is_empty() {
                    runs.push(markdown::Run::Text(plain, trail.to_string()));
                }
            }
        }
        // A space between two runs with the same marks takes them, so that a bold phrase over
        // a line break stays one `**...**`.
        for i in 1..runs.len().saturating_sub(1) {
            let (before, rest) = runs.split_at_mut(i);
            let (this, after) = rest.split_at_mut(1);
            if let (
                markdown::Run::Text(m0, _),
                markdown::Run::Text(m, t),
                markdown::Run::Text(m1, _),
            ) = (&before[i - 1], &mut this[0], &after[0])
                && t.trim().is_empty()
                && m0 == m1
                && !m0.code
            {
                *m = *m0;
            }
        }
        runs
    }

    /// Whether the paragraph mixes looks (some bold, italic or code words among plain ones).
    pub(super) fn mixed(&self) -> bool {
        let mut seen: Vec<FontStyle> = Vec::new();
        for line in &self.lines {
            for &(_, style) in &line.styles {
                if !seen.contains(&style) {
                    seen.push(style);
                }
            }
        }
        seen.len() > 1
    }

    pub(super) fn text(&self) -> String {
        let mut out = String::new();
        for (n, line) in self.lines.iter().enumerate() {
            let text = line.text.trim();
            if out.is_empty() {
                out.push_str(text);
                continue;
            }
            match line_join(&out, ends_mono(&self.lines[n - 1]), text) {
                Join::DropLast => {
                    out.pop();
                }
                Join::Space => out.push(' '),
                Join::Close => {}
            }
            out.push_str(text);
        }
        out.replace('\u{ad}', "")
    }
}

/// How a paragraph's next line joins the text before it.
enum Join {
    Space,
    /// A word hyphenated at the line's end: the hyphen goes, the halves join.
    DropLast,
    /// Code broken after a hyphen: the halves join, the hyphen stays.
    Close,
}

fn line_join(before: &str, before_mono: bool, next: &str) -> Join {
    // A soft hyphen at the end of a line joins the same way as a hyphenated word.
    if before.ends_with('\u{ad}') {
        return Join::DropLast;
    }
    if !before.ends_with('-') {
        return Join::Space;
    }
    // Code (names, paths) breaks after its own hyphens.
    if before_mono && next.chars().next().is_some_and(|c| !c.is_whitespace()) {
        return Join::Close;
    }
    let hyphenated = before[..before.len() - 1]
        .chars()
        .last()
        .is_some_and(char::is_alphabetic)
        && next.chars().next().is_some_and(char::is_lowercase);
    if hyphenated {
        Join::DropLast
    } else {
        Join::Space
    }
}

/// Whether a line ends in a fixed-pitch font.
fn ends_mono(line: &Line) -> bool {
    line.styles.last().is_some_and(|s| s.1.mono)
}

/// Lays the pages out as blocks.
/// `outline`: the document's bookmarks (level from 1, title, page); a paragraph whose text is a
/// bookmark's title on that page is a heading of the bookmark's level.
pub(super) fn layout(
    pages: &[Page],
    page_markers: bool,
    outline: &[(usize, String, u32)],
) -> Vec<Block> {
    let squash = |t: &str| -> String {
        t.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let bookmarks: HashMap<(u32, String), usize> = outline
        .iter()
        .filter(|(_, title, _)| !title.trim().is_empty())
        .map(|(level, title, page)| ((*page, squash(title)), *level))
        .collect();
    let body = body_size(pages);
    // Ruled tables first: their characters leave the text flow, the table takes their place.
    let mut page_tables: Vec<Vec<tables::Found>> = Vec::with_capacity(pages.len());
    let mut page_lines: Vec<Vec<Line>> = Vec::with_capacity(pages.len());
    let mut page_bullets: Vec<Vec<(f64, f64)>> = Vec::with_capacity(pages.len());
    for page in pages {
        let (mut glyphs, rules, bullets) = orient(page);
        drop_caps(&mut glyphs, body);
        let (found, rest) = tables::ruled(&rules, glyphs);
        page_tables.push(found);
        page_lines.push(reading_order(lines(&rest)));
        page_bullets.push(bullets);
    }
    // Then tables whose columns are set apart by space alone.
    let page_lines: Vec<Vec<Line>> = without_running_heads(page_lines)
        .into_iter()
        .zip(&mut page_tables)
        .map(|(lines, found)| {
            let (more, rest) = tables::aligned(lines);
            found.extend(more);
            found.sort_by(|a, b| a.top.total_cmp(&b.top));
            rest
        })
        .collect();
    // Footnotes leave the text flow; their marks become references below.
    let (page_lines, mut page_notes): (Vec<Vec<Line>>, Vec<Vec<notes::Note>>) = page_lines
        .into_iter()
        .map(|lines| notes::footnotes(lines, body))
        .unzip();
    let doc_left = margins_of(page_lines.iter().flatten()).0;
    let page_paras: Vec<Vec<Para>> = page_lines.iter().map(|l| paragraphs(l)).collect();
    let mut heading_sizes = heading_sizes(&page_paras, body);
    log::trace!("body size {body}, heading sizes {heading_sizes:?}");
    let title_size = document_title(&page_paras, &page_lines, &mut heading_sizes);
    let mut blocks = Vec::new();
    let mut footnotes: Vec<Block> = Vec::new();
    let mut note_labels: Vec<String> = Vec::new();
    // Where each page's blocks start.
    let mut page_starts: Vec<usize> = Vec::with_capacity(pages.len());
    for ((((page, paras), page_lines), found), bullets) in pages
        .iter()
        .zip(&page_paras)
        .zip(&page_lines)
        .zip(page_tables)
        .zip(&page_bullets)
    {
        // A bullet drawn just left of a paragraph's first line makes it a list item.
        let bulleted = |p: &Para| {
            let l = &p.lines[0];
            bullets
                .iter()
                .any(|&(x, y)| x < l.x0 && x > l.x0 - 3.0 * l.size && y <= l.y && y >= l.y - l.size)
        };
        let mut found = found.into_iter().peekable();
        page_starts.push(blocks.len());
        if page_markers {
            blocks.push(Block::Comment(format!("page {}", page.number)));
        }
        // Items of lists whose bullets are drawn rather than written: runs of two or more
        // paragraphs indented alike from the page's margin.
        // The document's margin, not the page's: a page of nothing but list items has no line
        // at the margin to tell.
        let (page_left, right) = margins(page_lines);
        let left = doc_left.min(page_left);
        let indent_of = |p: &Para| {
            let l = &p.lines[0];
            // Centred lines (a title, an author) are not indented items.
            let centred = ((l.x0 + l.x1) / 2.0 - (left + right) / 2.0).abs()
                < 0.05 * (right - left)
                && l.x1 < right - 0.1 * (right - left);
            (l.x0 > left + 0.8 * l.size && l.x0 < left + 12.0 * l.size && !p.is_mono() && !centred)
                .then_some(l.x0)
        };
        // Block quotes: paragraphs of two lines or more set in from both margins, every line
        // at the same indent (word processors' Quotations style, HTML's blockquote).
        let quoted = |p: &Para| {
            let l0 = &p.lines[0];
            let em = l0.size;
            let widest = p.lines.iter().map(|l| l.x1).fold(f64::MIN, f64::max);
            p.lines.len() >= 2
                && !p.is_mono()
                && !bulleted(p)
                && l0.x0 > left + 1.5 * em
                && l0.x0 < left + 10.0 * em
                // Set in from the right about as far as from the left: list items wrap at
                // the column's edge.
                && widest < right - 0.7 * (l0.x0 - left)
                && p.lines.iter().all(|l| (l.x0 - l0.x0).abs() < 0.5 * em)
                && list_marker(l0.text.trim_start()).is_none()
        };
        let drawn_items: Vec<bool> = (0..paras.len())
            .map(|i| {
                if quoted(&paras[i]) {
                    return false;
                }
                if bulleted(&paras[i]) && list_marker(&paras[i].text()).is_none() {
                    return true;
                }
                let Some(x) = indent_of(&paras[i]) else {
                    return false;
                };
                let near = |j: usize| {
                    paras
                        .get(j)
                        .and_then(indent_of)
                        .is_some_and(|y| (x - y).abs() < 0.5 * paras[i].lines[0].size)
                };
                // A lone indented line that is not a sentence is an item too (but not a line
                // of pieces set apart like cells: labels of a chart, a stray row).
                let lone_item = paras[i].lines.len() == 1
                    && paras[i].lines[0].cells.len() <= 1
                    && !paras[i].text().trim_end().ends_with(['.', '!', '?']);
                // An item's text wraps under its first line; a paragraph whose first line
                // alone is indented is prose.
                let hanging = paras[i]
                    .lines
                    .get(1)
                    .is_none_or(|l| (l.x0 - x).abs() < 0.5 * l.size);
                hanging && ((i > 0 && near(i - 1)) || near(i + 1) || lone_item)
            })
            .collect();
        let mut list: Vec<FlatItem> = Vec::new();
        let mut list_indents: Vec<f64> = Vec::new();
        let mut anchors = page_anchors(page);
        let row_runs = row_runs(paras);
        let mut table_rows: Vec<&Line> = Vec::new();
        let mut table_run = None;
        let terms = definition_terms(paras);
        let mut definitions: Vec<(Vec<Inline>, Vec<Block>)> = Vec::new();
        for (index, para) in paras.iter().enumerate() {
            let in_definitions = terms[index] || (index > 0 && terms[index - 1]);
            if !in_definitions && !definitions.is_empty() {
                blocks.extend(markdown::definition_list(std::mem::take(&mut definitions)));
            }
            // A ruled table goes before the first paragraph below its top, in its column.
            let first = &para.lines[0];
            while let Some(t) = found.next_if(|t| {
                t.top < first.y && first.x0 < t.x1 && first.x1.max(first.x0 + 1.0) > t.x0
            }) {
                flush_table(&mut table_rows, &mut blocks);
                if !list.is_empty() {
                    blocks.extend(markdown::build_lists(std::mem::take(&mut list)));
                    list_indents.clear();
                }
                blocks.push(Block::Table(t.table));
            }
            if let Some(run) = row_runs[index] {
                if table_run != Some(run) {
                    flush_table(&mut table_rows, &mut blocks);
                    table_run = Some(run);
                }
                table_rows.push(&para.lines[0]);
                continue;
            }
            flush_table(&mut table_rows, &mut blocks);
            table_run = None;
            let text = para.text();
            if text.is_empty() {
                continue;
            }
            if terms[index] {
                if !list.is_empty() {
                    blocks.extend(markdown::build_lists(std::mem::take(&mut list)));
                    list_indents.clear();
                }
                let term = linked(&text, &mut anchors);
                let term = if para.is_bold() {
                    vec![Inline::Strong(term)]
                } else {
                    term
                };
                let description = &paras[index + 1];
                let content = para_inlines(description, &description.text(), &mut anchors);
                definitions.push((term, vec![Block::Paragraph(content)]));
                continue;
            }
            if in_definitions {
                continue;
            }
            log::trace!(
                "paragraph size {} bold {} mono {}: {:.40}",
                para.size(),
                para.is_bold(),
                para.is_mono(),
                text
            );
            // Numbered headings ("2. Usage" set large or in bold) are headings, not list items.
            let sized_heading = (heading_sizes
                .iter()
                .any(|&s| (s - round_half(para.size())).abs() < 0.01)
                || (bold_label(para, &text, body)
                    // A numbered item in bold has its text (sub-items, paragraphs) indented
                    // under it; a numbered heading starts at the margin or is followed by
                    // text further left.
                    && (list_marker(&text).is_none()
                        || para.lines[0].x0 < left + 0.8 * para.lines[0].size
                        || paras.get(index + 1).is_none_or(|next| {
                            next.lines[0].x0 < para.lines[0].x0 - 0.8 * para.lines[0].size
                        }))))
                && is_heading_text(&text, para);
            // Not a quote: a paragraph indented under a list item or a code block (the item's
            // continuation), or under a one-line term (a definition's description).
            let under_term = index > 0 && {
                let prev = &paras[index - 1];
                prev.lines.len() == 1
                    && prev.lines[0].x0 < para.lines[0].x0 - 1.5 * para.lines[0].size
                    && prev.text().chars().count() <= 60
                    && !prev.text().trim_end().ends_with(['.', '!', '?', ':'])
            };
            // (A list item's continuation runs to the right margin; `quoted` wants it set in
            // from both.)
            let in_list = matches!(blocks.last(), Some(Block::CodeBlock { .. }));
            if quoted(para) && !sized_heading && !under_term && !in_list {
                if !list.is_empty() {
                    blocks.extend(markdown::build_lists(std::mem::take(&mut list)));
                    list_indents.clear();
                }
                let content = para_inlines(para, &text, &mut anchors);
                match blocks.last_mut() {
                    Some(Block::Quote(inner)) => inner.push(Block::Paragraph(content)),
                    _ => blocks.push(Block::Quote(vec![Block::Paragraph(content)])),
                }
                continue;
            }
            let marker =
                list_marker(&text).filter(|_| !sized_heading).or_else(|| {
                    (drawn_items[index] && !sized_heading && list_marker(&text).is_none())
                        .then_some((false, 1, text.as_str()))
                });
            if let Some((ordered, start, rest)) = marker {
                let x0 = para.lines[0].x0;
                let level = match list_indents.iter().position(|&x| (x - x0).abs() < 4.0) {
                    Some(level) => level,
                    None => {
                        list_indents.push(x0);
                        list_indents.sort_by(f64::total_cmp);
                        list_indents.iter().position(|&x| x == x0).unwrap_or(0)
                    }
                };
                list.push(FlatItem {
                    // Markdown readers stop nesting long before; so does docproc.
                    level: level.min(8),
                    ordered,
                    start,
                    list_id: 0,
                    blocks: vec![Block::Paragraph(linked(rest, &mut anchors))],
                });
                continue;
            }
            if !list.is_empty() {
                blocks.extend(markdown::build_lists(std::mem::take(&mut list)));
                list_indents.clear();
            }
            // Text set in a fixed-pitch font throughout is code; consecutive pieces join.
            if para.is_mono() {
                let code = para.code_text();
                if let Some(Block::CodeBlock { text, .. }) = blocks.last_mut() {
                    text.push('\n');
                    text.push_str(&code);
                } else {
                    blocks.push(Block::CodeBlock {
                        info: String::new(),
                        text: code,
                    });
                }
                continue;
            }
            let size = para.size();
            // A bookmark's title on its page: the outline says the level.
            let bookmark = bookmarks
                .get(&(page.number, squash(&text)))
                .filter(|_| text.chars().count() <= 200);
            if let Some(&outline_level) = bookmark {
                blocks.push(Block::Heading {
                    level: outline_level.clamp(1, 6) as u8,
                    content: linked(&text, &mut anchors),
                });
                continue;
            }
            let level = heading_sizes
                .iter()
                .position(|&s| (s - round_half(size)).abs() < 0.01)
                .or_else(|| {
                    title_size
                        .filter(|&t| (t - round_half(size)).abs() < 0.01)
                        .map(|_| 0)
                })
                .or_else(|| {
                    // A short bold line not smaller than the body text, and not large enough
                    // for a heading size of its own: the next heading level below the sized
                    // ones (LibreOffice's Heading 3 is the body size in bold).
                    bold_label(para, &text, body).then_some(heading_sizes.len())
                });
            match level {
                Some(level) if is_heading_text(&text, para) => blocks.push(Block::Heading {
                    level: (level + 1).min(6) as u8,
                    content: linked(&text, &mut anchors),
                }),
                _ => blocks.push(Block::Paragraph(para_inlines(para, &text, &mut anchors))),
            }
        }
        flush_table(&mut table_rows, &mut blocks);
        if !list.is_empty() {
            blocks.extend(markdown::build_lists(list));
        }
        blocks.extend(markdown::definition_list(definitions));
        blocks.extend(found.map(|t| Block::Table(t.table)));
        let page_start = *page_starts.last().expect("pushed above");
        let notes = std::mem::take(&mut page_notes[page_starts.len() - 1]);
        if !notes.is_empty() {
            footnotes.extend(notes::link_notes(
                &mut blocks[page_start..],
                notes,
                &mut note_labels,
            ));
        }
    }
    let mut blocks = headings_in_a_row_are_a_list(tables_across_pages(blocks, &page_starts));
    blocks.extend(footnotes);
    blocks
}

/// A bullet or number at the start of a paragraph: (ordered, number, text after the marker).
pub(super) fn list_marker(text: &str) -> Option<(bool, u64, &str)> {
    let mut chars = text.char_indices();
    let (_, first) = chars.next()?;
    if matches!(
        first,
        '•' | '◦' | '▪' | '▫' | '‣' | '●' | '○' | '■' | '□' | '–' | '\u{f0b7}' | '·'
    ) {
        let rest = text[first.len_utf8()..].trim_start();
        return (!rest.is_empty()).then_some((false, 1, rest));
    }
    if matches!(first, '-' | '*') && text[1..].starts_with(' ') {
        let rest = text[1..].trim_start();
        return (!rest.is_empty()).then_some((false, 1, rest));
    }
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        let after = &text[digits..];
        if (after.starts_with(". ") || after.starts_with(") ")) && after.len() > 2 {
            let number = text[..digits].parse().unwrap_or(1);
            return Some((true, number, after[2..].trim_start()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::headings::is_caption;
    use super::*;

    fn glyphs(text: &str, x: f64, y: f64, size: f64) -> Vec<Glyph> {
        let advance = size * 0.5;
        text.chars()
            .enumerate()
            // The collector keeps PDF coordinates: y grows upwards.
            .map(|(i, c)| {
                Glyph::plain(
                    x + i as f64 * advance,
                    800.0 - y,
                    size,
                    advance,
                    c.to_string(),
                )
            })
            .collect()
    }

    /// One page of these characters through the layout, as Markdown.
    fn render_page(glyphs: Vec<Glyph>, page_markers: bool) -> String {
        let page = Page {
            number: 1,
            glyphs,
            ..Page::default()
        };
        markdown::render(&layout(&[page], page_markers, &[]))
    }

    #[test]
    fn wrapped_lines_join_and_hyphens_rejoin() {
        let mut g = glyphs("A heading", 10.0, 20.0, 20.0);
        for (i, line) in ["This is a para-", "graph that wraps", "over three lines."]
            .iter()
            .enumerate()
        {
            g.extend(glyphs(line, 10.0, 60.0 + i as f64 * 12.0, 10.0));
        }
        g.extend(glyphs(
            "Second paragraph here.",
            10.0,
            60.0 + 3.0 * 12.0 + 10.0,
            10.0,
        ));
        for i in 0..4 {
            g.extend(glyphs(
                "more body text to set the size",
                10.0,
                200.0 + i as f64 * 12.0,
                10.0,
            ));
        }
        let md = render_page(g, true);
        assert!(md.starts_with("<!-- page 1 -->\n\n# A heading\n\nThis is a paragraph that wraps over three lines.\n\nSecond paragraph here.\n"), "{md}");
    }

    #[test]
    fn a_number_set_apart_from_its_bold_heading_is_no_table_row() {
        let mut g = Vec::new();
        for i in 0..4 {
            g.extend(glyphs(
                "Body text at the body size.",
                10.0,
                20.0 + i as f64 * 12.0,
                10.0,
            ));
        }
        // "7" and its title are pieces of one line, with a wide gap between them.
        for (text, x) in [("7", 10.0), ("Variants of models", 40.0)] {
            g.extend(glyphs(text, x, 90.0, 10.0).into_iter().map(|g| Glyph {
                style: FontStyle {
                    bold: true,
                    ..FontStyle::default()
                },
                ..g
            }));
        }
        g.extend(glyphs("More body text follows here.", 10.0, 110.0, 10.0));
        let md = render_page(g, false);
        assert!(md.contains("\n\n# 7 Variants of models\n\n"), "{md}");
    }

    #[test]
    fn a_drop_cap_starts_the_first_word_and_a_centred_title_is_one_heading() {
        // A title centred over two lines, at three times the body size.
        let mut g = glyphs("Restrictions on Land Ownership", 100.0, 40.0, 30.0);
        g.extend(glyphs("Abroad", 190.0, 75.0, 30.0));
        // "T" three lines tall at the left; "his paragraph" continues on the first line to its
        // right, baseline above the letter's.
        g.extend(glyphs("T", 10.0, 150.0, 36.0));
        g.extend(glyphs(
            "his paragraph opens with a drop cap",
            32.0,
            126.0,
            10.0,
        ));
        for i in 1..5 {
            let x = if i < 3 { 32.0 } else { 10.0 };
            g.extend(glyphs(
                "and runs on over several lines",
                x,
                126.0 + 12.0 * i as f64,
                10.0,
            ));
        }
        let md = render_page(g, false);
        assert!(
            md.starts_with("# Restrictions on Land Ownership Abroad\n\nThis paragraph opens"),
            "{md}"
        );
    }

    #[test]
    fn captions_are_no_headings() {
        assert!(is_caption("Figure 9.4.1: Challenges in importing"));
        assert!(is_caption("Table: The number of accredited observers"));
        assert!(is_caption("TABLE IV Results"));
        assert!(!is_caption("Tables and figures"));
        assert!(!is_caption("Map of the region"));
        assert!(!is_caption("Figure"));
    }

    #[test]
    fn bullets_become_list_items() {
        assert_eq!(list_marker("• first"), Some((false, 1, "first")));
        assert_eq!(list_marker("2. second"), Some((true, 2, "second")));
        assert_eq!(list_marker("2.5 is a number"), None);
        assert_eq!(list_marker("-5 degrees"), None);
    }
}
