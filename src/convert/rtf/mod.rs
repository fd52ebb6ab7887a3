//! Rich Text Format (.rtf): a byte-level reader of docproc's own (`reader.rs`, over the lexer in
//! `rtf_text.rs`) whose paragraphs are turned into blocks here, with DOCX's conventions.
//!
//! Headings come from `\outlinelevelN` or a `heading N` style in the style sheet; formatting
//! that covers a whole heading is the heading's look, not emphasis. Lists come from the list
//! tables (`\lsN\ilvlN`, numbered or bulleted by the level's format), from legacy paragraph
//! numbering (`\pn`, `\pntext`), or from a bullet or number typed before a tab in a paragraph with
//! a hanging indent (what pandoc and many converters write); levels follow the indents.
//! Paragraphs all in a fixed-pitch font are code lines, joined into one block. An indented
//! paragraph that is no list item is a block quote. Tables are `\trowd ... \cell ... \row`, with
//! horizontal and vertical merges as spans (the DOCX table rule) and nested tables read into
//! their cell. `HYPERLINK` fields are links; footnotes are `[^n]`; PNG and JPEG pictures are
//! extracted like DOCX images. `\info`, headers and footers go to the metadata. An Outlook body
//! that encapsulates HTML (`\fromhtml1`) is that HTML, through the HTML reader.

mod reader;

use super::{ConvertError, ConvertOptions, Converted, Converter, Metadata, dom, rtf_text};
use crate::markdown::{self, Block, Inline, Marks, Run, Table};
use reader::{CellDef, Event, Para, Reader, StyleKind};

pub struct RtfConverter;

impl Converter for RtfConverter {
    fn name(&self) -> &'static str {
        "rtf"
    }

    fn version(&self) -> &'static str {
        "1"
    }

    fn convert(&self, bytes: &[u8], options: &ConvertOptions) -> Result<Converted, ConvertError> {
        if !bytes.trim_ascii_start().starts_with(b"{\\rtf") {
            return Err(ConvertError::Corrupt(
                "the file does not start with {\\rtf".into(),
            ));
        }
        if rtf_text::encapsulates_html(bytes) {
            let html = rtf_text::extract(bytes, true);
            let doc = dom::parse_text(&html, encoding_rs::UTF_8, options.limits.max_xml_depth)?;
            let mapped = dom::map(&doc, dom::Options::default());
            let mut metadata = mapped.metadata;
            metadata.insert("encapsulated".into(), "html".into());
            return Ok(Converted {
                markdown: markdown::render(&mapped.blocks),
                metadata,
                warning: None,
                attachments: Vec::new(),
            });
        }
        let toks = rtf_text::tokens(bytes);
        let mut reader = Reader::new(&toks, options.extract_images);
        let body = reader.read();
        let builder = Builder { reader: &reader };
        let mut blocks = builder.blocks(body.events);
        for (n, note) in body.notes.into_iter().enumerate() {
            let content = builder.blocks(note);
            blocks.push(Block::Footnote {
                label: (n + 1).to_string(),
                blocks: content,
            });
        }
        // A document whose only text is in its headers and footers (forms, letterheads):
        // that text is its content.
        if blocks.is_empty() {
            for text in [&reader.header, &reader.footer] {
                blocks.extend(
                    text.split("\n\n")
                        .filter(|p| !p.trim().is_empty())
                        .map(|p| {
                            Block::Paragraph(markdown::text_lines(&p.lines().collect::<Vec<_>>()))
                        }),
                );
            }
        }
        let mut metadata = Metadata::new();
        for (k, v) in &reader.info {
            metadata.entry(k.clone()).or_insert_with(|| v.clone());
        }
        if !reader.header.is_empty() {
            metadata.insert("header_text".into(), reader.header.clone());
        }
        if !reader.footer.is_empty() {
            metadata.insert("footer_text".into(), reader.footer.clone());
        }
        metadata.insert("image_count".into(), reader.media.count.to_string());
        if options.front_matter
            && let Some(front) = super::front_matter(&metadata)
        {
            blocks.insert(0, front);
        }
        Ok(Converted {
            markdown: markdown::render(&blocks),
            metadata,
            warning: None,
            attachments: std::mem::take(&mut reader.media.attachments),
        })
    }
}

struct Builder<'r, 't> {
    reader: &'r Reader<'t>,
}

/// A table being assembled from cell and row marks.
#[derive(Default)]
struct TableBuild {
    rows: Vec<(Vec<Vec<Block>>, Vec<CellDef>)>,
    /// Rows marked `\trhdr` at the top.
    header_rows: usize,
    cells: Vec<Vec<Block>>,
    current: Vec<Block>,
}

/// A list item waiting for its list.
struct Item {
    indent: i32,
    ordered: bool,
    ls: Option<i32>,
    ilvl: i32,
    blocks: Vec<Block>,
}

impl Builder<'_, '_> {
    fn blocks(&self, events: Vec<Event>) -> Vec<Block> {
        let mut out = Vec::new();
        let mut items: Vec<Item> = Vec::new();
        // Open tables by nesting level (index 0 is level 1).
        let mut tables: Vec<TableBuild> = Vec::new();
        for event in events {
            match event {
                Event::Para(p) => {
                    let level = reader::level(&p.props);
                    if level == 0 {
                        fold_tables(&mut tables, 0, &mut out);
                        self.paragraph(p, &mut out, &mut items);
                    } else {
                        flush_items(&mut items, &mut out);
                        fold_finished(&mut tables, level);
                        while tables.len() < level {
                            tables.push(TableBuild::default());
                        }
                        let cell = &mut tables[level - 1].current;
                        self.paragraph(p, cell, &mut Vec::new());
                    }
                }
                Event::Cell { level } => {
                    fold_finished(&mut tables, level);
                    while tables.len() < level {
                        tables.push(TableBuild::default());
                    }
                    let t = &mut tables[level - 1];
                    let cell = std::mem::take(&mut t.current);
                    t.cells.push(cell);
                }
                Event::Row {
                    level,
                    cells,
                    header,
                } => {
                    fold_finished(&mut tables, level);
                    while tables.len() < level {
                        tables.push(TableBuild::default());
                    }
                    let t = &mut tables[level - 1];
                    if !t.current.is_empty() {
                        let cell = std::mem::take(&mut t.current);
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
        let (kind, style_marks) = self.reader.style_kind(props.style);
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
            let ordered = self
                .reader
                .lists
                .get(&ls)
                .and_then(|levels| levels.get(props.ilvl as usize).or(levels.last()))
                .copied()
                .unwrap_or(false);
            Some(ordered)
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
        let block = finish_table(t);
        match tables.last_mut() {
            Some(parent) => parent.current.extend(block),
            None => out.extend(block),
        }
    }
}

/// Closes the tables deeper than `level` whose rows are finished (content at `level` follows
/// them).
fn fold_finished(tables: &mut Vec<TableBuild>, level: usize) {
    while tables.len() > level {
        let t = tables.pop().expect("a table");
        let block = finish_table(t);
        if let Some(parent) = tables.last_mut() {
            parent.current.extend(block);
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn md(rtf: &str) -> String {
        RtfConverter
            .convert(rtf.as_bytes(), &ConvertOptions::default())
            .unwrap()
            .markdown
    }

    #[test]
    fn pandoc_style_rtf() {
        let rtf = r#"{\rtf1\ansi\deff0{\fonttbl{\f0 \fswiss Helvetica;}{\f1 \fmodern Courier;}}
{\pard \ql \f0 \sa180 \li0 \fi0 \outlinelevel0 \b \fs36 Caf\'e9 notes\par}
{\pard \ql \f0 \sa180 \li0 \fi0 {\b Bold}, {\i italic}, {\strike gone}, x{\super 2}, {\f1 code} and a {\field{\*\fldinst{HYPERLINK "https://example.com"}}{\fldrslt{\ul
link
}}}
.\u8217?s\par}
{\pard \ql \f0 \sa0 \li360 \fi-360 \bullet \tx360\tab one\par}
{\pard \ql \f0 \sa0 \li720 \fi-360 \endash \tx360\tab nested\par}
{\pard \ql \f0 \sa0 \li360 \fi-360 2.\tx360\tab two\par}
{\pard \ql \f0 \sa180 \li0 \fi0 \f1 fn main() \{\line     x();\line \}\par}
{\pard \ql \f0 \sa180 \li720 \fi0 A quote.\par}
{\pard \ql \f0 \sa180 \li0 \fi0 Text{\super\chftn}{\*\footnote\chftn\~\pard\plain\f0 The note.}.\par}
}"#;
        assert_eq!(
            md(rtf),
            "# Café notes\n\n**Bold**, *italic*, ~~gone~~, x<sup>2</sup>, `code` and a [link](https://example.com).’s\n\n- one\n  - nested\n\n<!-- -->\n\n1. two\n\n```\nfn main() {\n    x();\n}\n```\n\n> A quote.\n\nText[^1].\n\n[^1]: The note.\n"
        );
    }

    #[test]
    fn tables_with_merged_cells_and_list_tables() {
        let rtf = r#"{\rtf1\ansi{\*\listtable{\list\listtemplateid1{\listlevel\levelnfc0\levelstartat1}{\listlevel\levelnfc23}\listid7}}{\*\listoverridetable{\listoverride\listid7\listoverridecount0\ls1}}
\pard\ls1\ilvl0{\listtext 1.\tab}First\par
\pard\ls1\ilvl1{\listtext \'95\tab}Inner\par
\pard\plain
\trowd\clmgf\cellx1000\clmrg\cellx2000\cellx3000
\pard\intbl Wide\cell\cell Right\cell\row
\trowd\cellx1000\cellx2000\cellx3000
\pard\intbl a\cell b\cell c\cell\row
\pard After.\par}"#;
        assert_eq!(
            md(rtf),
            "1. First\n   - Inner\n\n<table>\n<thead>\n<tr>\n<th colspan=\"2\">Wide</th>\n<th>Right</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>a</td>\n<td>b</td>\n<td>c</td>\n</tr>\n</tbody>\n</table>\n\nAfter.\n"
        );
    }

    #[test]
    fn damaged_rtf_recovers() {
        // Unbalanced braces, a truncated hex escape, deep nesting.
        let deep = format!("{{\\rtf1 {}deep{} text", "{".repeat(5000), "}".repeat(10));
        assert!(md(&deep).contains("deep text"));
        assert_eq!(md("{\\rtf1 Hello \\'4"), "Hello 4\n");
        assert!(
            RtfConverter
                .convert(b"not rtf", &ConvertOptions::default())
                .is_err()
        );
    }
}
