//! A stream of paragraphs with their properties, as the RTF and Word binary readers produce it,
//! and the blocks it makes, with DOCX's conventions.
//!
//! Headings come from an outline level or a heading style; formatting that a paragraph style
//! gives, or that covers a whole heading, is the style's look, not emphasis. Lists come from
//! list tables (a list and a level, numbered or bulleted by the level's format), legacy
//! numbering, or a bullet or number typed before a tab in a paragraph with a hanging indent
//! (what pandoc and many converters write); levels follow the indents. Paragraphs all in a
//! fixed-pitch font (or in a code style) are code lines, joined into one block. A paragraph in a
//! quote style, or indented half an inch without being a list item, is a block quote. Tables are
//! cell and row marks, with horizontal and vertical merges as spans (the DOCX table rule) and
//! nested tables read into their cell.

use crate::markdown::{self, Block, Inline, Marks, Run, Table};

/// What a format's style sheet and list tables say, for the builder.
pub trait Styles {
    /// What a paragraph style (through the styles it is based on) makes of a paragraph, and
    /// the character marks it gives.
    fn style_kind(&self, style: i32) -> (StyleKind, Marks);
    /// Whether level `ilvl` of list `ls` is numbered.
    fn numbered(&self, ls: i32, ilvl: i32) -> bool;
}

/// What a paragraph style makes of its paragraphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StyleKind {
    Heading(u8),
    Quote,
    Code,
    Body,
}

/// A paragraph as read: its runs and the paragraph properties in force at its end.
#[derive(Debug, Clone, Default)]
pub struct Para {
    pub runs: Vec<Run>,
    pub props: ParaProps,
    /// A `\listtext`/`\pntext` marker preceded the text (the paragraph is a list item).
    pub marked: bool,
    /// Every piece of text is in a fixed-pitch font.
    pub monospace: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParaProps {
    pub li: i32,
    pub fi: i32,
    pub outline: Option<u8>,
    pub style: i32,
    pub intbl: bool,
    pub itap: i32,
    pub ls: Option<i32>,
    pub ilvl: i32,
    /// Legacy paragraph numbering (`\pnlvlblt` bullets, `\pnlvlbody` numbers).
    pub pn: Option<bool>,
}

/// A cell's place in a row definition (`\cellx`), with its merge marks.
#[derive(Debug, Clone, Copy, Default)]
pub struct CellDef {
    pub merge_first: bool,
    pub merged: bool,
    pub vmerge_first: bool,
    pub vmerged: bool,
}

#[derive(Debug, Clone)]
pub enum Event {
    Para(Para),
    /// The end of a cell of the table at `level` (1: `\cell`; deeper: `\nestcell`).
    Cell {
        level: usize,
    },
    /// The end of a row of the table at `level`, with its cell definitions and whether it is
    /// a header row.
    Row {
        level: usize,
        cells: Vec<CellDef>,
        header: bool,
    },
}

/// The table level a paragraph is in: 0 outside tables, `\itapN`, or 1 for `\intbl` alone.
pub fn level(para: &ParaProps) -> usize {
    match (para.intbl, para.itap) {
        (_, n) if n > 0 => n.min(32) as usize,
        (true, _) => 1,
        _ => 0,
    }
}

/// Turns a paragraph stream into blocks, asking `styles` what the style numbers mean.
pub struct Builder<'s> {
    pub styles: &'s dyn Styles,
}

/// A table being assembled from cell and row marks.
#[derive(Default)]
struct TableBuild {
    rows: Vec<(Vec<Vec<Block>>, Vec<CellDef>)>,
    /// Rows marked `\trhdr` at the top.
    header_rows: usize,
    cells: Vec<Vec<Block>>,
    current: Vec<Block>,
    /// List items of the current cell, waiting for its end.
    items: Vec<Item>,
}

impl TableBuild {
    /// The current cell's blocks, its list items written.
    fn take_cell(&mut self) -> Vec<Block> {
        flush_items(&mut self.items, &mut self.current);
        std::mem::take(&mut self.current)
    }
}

/// A list item waiting for its list.
struct Item {
    indent: i32,
    ordered: bool,
    ls: Option<i32>,
    ilvl: i32,
    blocks: Vec<Block>,
}

impl Builder<'_> {
    /// The blocks of a stream (a document body, a footnote).
    pub fn blocks(&self, events: Vec<Event>) -> Vec<Block> {
        let mut out = Vec::new();
        let mut items: Vec<Item> = Vec::new();
        // Open tables by nesting level (index 0 is level 1).
        let mut tables: Vec<TableBuild> = Vec::new();
        for event in events {
            match event {
                Event::Para(p) => {
                    let level = level(&p.props);
                    if level == 0 {
                        fold_tables(&mut tables, 0, &mut out);
                        self.paragraph(p, &mut out, &mut items);
                    } else {
                        flush_items(&mut items, &mut out);
                        fold_finished(&mut tables, level);
                        while tables.len() < level {
                            tables.push(TableBuild::default());
                        }
                        let t = &mut tables[level - 1];
                        self.paragraph(p, &mut t.current, &mut t.items);
                    }
                }
                Event::Cell { level } => {
                    // A cell or row mark is in a table even where a damaged file says its
                    // paragraph is not (`\nestcell` after `\pard` without `\intbl`).
                    let level = level.max(1);
                    fold_finished(&mut tables, level);
                    while tables.len() < level {
                        tables.push(TableBuild::default());
                    }
                    let t = &mut tables[level - 1];
                    let cell = t.take_cell();
                    t.cells.push(cell);
                }
                Event::Row {
                    level,
                    cells,
                    header,
                } => {
                    let level = level.max(1);
                    fold_finished(&mut tables, level);
                    while tables.len() < level {
                        tables.push(TableBuild::default());
                    }
                    let t = &mut tables[level - 1];
                    if !t.current.is_empty() || !t.items.is_empty() {
                        let cell = t.take_cell();
                        t.cells.push(cell);
                    }
                    if header && t.rows.len() == t.header_rows {
                        t.header_rows += 1;
                    }
                    let row = std::mem::take(&mut t.cells);
                    t.rows.push((row, cells));
                }
            }
        }
        flush_items(&mut items, &mut out);
        fold_tables(&mut tables, 0, &mut out);
        out
    }

    /// A paragraph into `out`: a heading, a list item (into `items`), a code line, a quote or
    /// a paragraph.
    fn paragraph(&self, p: Para, out: &mut Vec<Block>, items: &mut Vec<Item>) {
        let props = p.props.clone();
        let (kind, style_marks) = self.styles.style_kind(props.style);
        let heading = props
            .outline
            .filter(|l| *l < 9)
            .map(|l| l + 1)
            .or(match kind {
                StyleKind::Heading(level) => Some(level),
                _ => None,
            });
        // What the paragraph style gives is its look (RTF repeats it on every paragraph).
        let mut runs: Vec<Run> = p
            .runs
            .into_iter()
            .map(|r| match r {
                Run::Text(m, t) => Run::Text(without(m, style_marks), t),
                Run::Inline(m, i) => Run::Inline(without(m, style_marks), i),
            })
            .collect();
        // List items: list tables, legacy numbering, or a typed marker before a tab.
        let typed = if props.fi < 0 && !p.marked && props.ls.is_none() && props.pn.is_none() {
            strip_typed_marker(&mut runs)
        } else {
            None
        };
        let list = if let Some(ls) = props.ls.filter(|l| *l > 0) {
            Some(self.styles.numbered(ls, props.ilvl))
        } else if let Some(ordered) = props.pn {
            Some(ordered)
        } else if p.marked {
            Some(false)
        } else {
            typed
        };
        if (p.monospace || kind == StyleKind::Code) && heading.is_none() && list.is_none() {
            let line = runs_text(&runs);
            match out.last_mut() {
                Some(Block::CodeBlock { text, .. }) => {
                    text.push('\n');
                    text.push_str(&line);
                }
                _ if line.trim().is_empty() => {}
                _ => {
                    flush_items(items, out);
                    out.push(Block::CodeBlock {
                        info: String::new(),
                        text: line,
                    });
                }
            }
            return;
        }
        let mut inlines = trim(markdown::nest_runs(runs));
        if inlines.is_empty() {
            return;
        }
        if let Some(level) = heading {
            flush_items(items, out);
            out.push(Block::Heading {
                level: level.min(6),
                content: unwrap_whole(inlines),
            });
            return;
        }
        if let Some(ordered) = list {
            items.push(Item {
                indent: props.li,
                ordered,
                ls: props.ls,
                ilvl: props.ilvl,
                blocks: vec![Block::Paragraph(inlines)],
            });
            return;
        }
        // A paragraph indented like the item before it continues that item.
        if let Some(last) = items.last_mut()
            && props.li > 0
            && props.li >= last.indent
        {
            last.blocks.push(Block::Paragraph(inlines));
            return;
        }
        flush_items(items, out);
        // A quote style, or half an inch or more of indent (Word's quote indent; pandoc writes
        // quotes at 720 twips and definitions at 360).
        if kind == StyleKind::Quote || props.li >= 720 && props.fi >= 0 {
            match out.last_mut() {
                Some(Block::Quote(blocks)) => blocks.push(Block::Paragraph(inlines)),
                _ => out.push(Block::Quote(vec![Block::Paragraph(std::mem::take(
                    &mut inlines,
                ))])),
            }
            return;
        }
        out.push(Block::Paragraph(inlines));
    }
}

/// Closes the tables deeper than `level`, each into the current cell of the one around it;
/// the outermost (when `level` is 0) into `out`.
fn fold_tables(tables: &mut Vec<TableBuild>, level: usize, out: &mut Vec<Block>) {
    while tables.len() > level {
        let t = tables.pop().expect("a table");
        let block = close_table(t);
        match tables.last_mut() {
            Some(parent) => {
                flush_items(&mut parent.items, &mut parent.current);
                parent.current.extend(block);
            }
            None => out.extend(block),
        }
    }
}

/// Closes the tables deeper than `level` whose rows are finished (content at `level` follows
/// them).
fn fold_finished(tables: &mut Vec<TableBuild>, level: usize) {
    while tables.len() > level {
        let t = tables.pop().expect("a table");
        let block = close_table(t);
        if let Some(parent) = tables.last_mut() {
            flush_items(&mut parent.items, &mut parent.current);
            parent.current.extend(block);
        }
    }
}

/// A table's blocks when it closes, with what a damaged file left unfinished in it: cells
/// whose row never ended (a missing `\row`) become its last row, and content outside any cell
/// (a level that was skipped, `\itap2` straight to `\itap5`, holds nothing but the deeper
/// table) follows it, so that nothing marked as in a table is lost.
fn close_table(mut t: TableBuild) -> Vec<Block> {
    let rest = t.take_cell();
    if !t.cells.is_empty() {
        let cells = std::mem::take(&mut t.cells);
        t.rows.push((cells, Vec::new()));
    }
    let mut out: Vec<Block> = finish_table(t).into_iter().collect();
    out.extend(rest);
    out
}

/// Writes waiting list items as nested lists: levels from `\ilvl` within a list table's list,
/// else from the indents (deeper indent, deeper level).
fn flush_items(items: &mut Vec<Item>, out: &mut Vec<Block>) {
    if items.is_empty() {
        return;
    }
    let mut flat = Vec::new();
    let mut indents: Vec<i32> = Vec::new();
    for item in items.drain(..) {
        let level = if item.ls.is_some() {
            item.ilvl.max(0) as usize
        } else {
            while indents.last().is_some_and(|&i| i > item.indent) {
                indents.pop();
            }
            if indents.last() != Some(&item.indent) {
                indents.push(item.indent);
            }
            indents.len() - 1
        };
        flat.push(markdown::FlatItem {
            level,
            ordered: item.ordered,
            start: 1,
            list_id: item.ls.unwrap_or(0).max(0) as usize,
            blocks: item.blocks,
        });
    }
    out.extend(markdown::build_lists(flat));
}

/// Drops a bullet or number typed before a tab (`•\t`, `–\t`, `1.\t`, `a)\t`) at the start of
/// a paragraph; says whether it was a number.
fn strip_typed_marker(runs: &mut [Run]) -> Option<bool> {
    let Some(Run::Text(_, first)) = runs.first_mut() else {
        return None;
    };
    let (marker, rest) = first.split_once('\t')?;
    let marker = marker.trim();
    let bullet = matches!(
        marker,
        "•" | "–"
            | "—"
            | "-"
            | "*"
            | "◦"
            | "▪"
            | "·"
            | "o"
            | "§"
            | "\u{f0b7}"
            | "\u{f0a7}"
            | "\u{f0a8}"
    );
    let number = !marker.is_empty()
        && marker.len() <= 6
        && marker.ends_with(['.', ')'])
        && marker[..marker.len() - 1]
            .chars()
            .all(|c| c.is_ascii_alphanumeric());
    if !bullet && !number {
        return None;
    }
    *first = rest.to_string();
    Some(number)
}

/// Marks without those a style gives.
fn without(m: Marks, style: Marks) -> Marks {
    Marks {
        strong: m.strong && !style.strong,
        emph: m.emph && !style.emph,
        strike: m.strike && !style.strike,
        ..m
    }
}

/// A heading whose every word carries the same mark: the mark is the heading's look.
fn unwrap_whole(inlines: Vec<Inline>) -> Vec<Inline> {
    match inlines.as_slice() {
        [Inline::Strong(inner)] | [Inline::Emph(inner)] => unwrap_whole(inner.clone()),
        _ => inlines,
    }
}

fn trim(mut inlines: Vec<Inline>) -> Vec<Inline> {
    if let Some(Inline::Text(t)) = inlines.first_mut() {
        *t = t.trim_start().to_string();
    }
    if let Some(Inline::Text(t)) = inlines.last_mut() {
        *t = t.trim_end().to_string();
    }
    inlines.retain(|i| !matches!(i, Inline::Text(t) if t.is_empty()));
    inlines
}

/// The text of runs, with line breaks (a code line).
fn runs_text(runs: &[Run]) -> String {
    let mut out = String::new();
    for r in runs {
        match r {
            Run::Text(_, t) => out.push_str(t),
            Run::Inline(_, Inline::LineBreak) => out.push('\n'),
            Run::Inline(_, i) => out.push_str(&markdown::plain_text(std::slice::from_ref(i))),
        }
    }
    out.trim_end().to_string()
}

/// The table model from rows of cells: merges as spans.
fn finish_table(t: TableBuild) -> Option<Block> {
    let mut rows = Vec::new();
    let mut spans = Vec::new();
    let mut any_span = false;
    // Vertical merges: for each column, the row and index of the cell that starts it.
    let mut vstart: Vec<Option<(usize, usize)>> = Vec::new();
    let header = (t.header_rows > 0).then_some(true);
    for (r, (cells, defs)) in t.rows.into_iter().enumerate() {
        let mut row: Vec<Vec<Vec<Inline>>> = Vec::new();
        let mut row_spans: Vec<(usize, usize)> = Vec::new();
        for (c, cell) in cells.into_iter().enumerate() {
            let def = defs.get(c).copied().unwrap_or_default();
            if vstart.len() <= c {
                vstart.resize(c + 1, None);
            }
            if def.merged && !row.is_empty() {
                // Merged into the cell on its left.
                if let Some(first) = row_spans.iter().rposition(|s| s.0 > 0) {
                    row_spans[first].0 += 1;
                }
                row.push(Vec::new());
                row_spans.push((0, 0));
                any_span = true;
                continue;
            }
            if def.vmerged
                && let Some((sr, sc)) = vstart[c]
            {
                if let Some(s) = spans
                    .get_mut(sr)
                    .and_then(|s: &mut Vec<(usize, usize)>| s.get_mut(sc))
                {
                    s.1 += 1;
                }
                row.push(Vec::new());
                row_spans.push((0, 0));
                any_span = true;
                continue;
            }
            vstart[c] = def.vmerge_first.then_some((r, c));
            row.push(markdown::cell_paragraphs(cell));
            row_spans.push((1, 1));
        }
        rows.push(row);
        spans.push(row_spans);
    }
    if rows.iter().all(|r| r.iter().all(|c| c.is_empty())) {
        return None;
    }
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    for (row, s) in rows.iter_mut().zip(spans.iter_mut()) {
        while row.len() < width {
            row.push(Vec::new());
            s.push((1, 1));
        }
    }
    Some(Block::Table(Table {
        rows,
        spans: if any_span { spans } else { Vec::new() },
        // `\trhdr` rows are a header; otherwise the table's shape decides.
        header,
    }))
}
