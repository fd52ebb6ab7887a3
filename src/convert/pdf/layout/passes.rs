//! Passes over a document's blocks once every page is laid out: tables continued across a
//! page break joined, runs of headings with nothing under them turned into lists.

use super::{Block, FlatItem, Inline, list_marker, markdown};

/// Joins a table that ends a page with the table that starts the next one when they have the
/// same number of columns (a table continued across a page break); a header row the next page
/// repeats is dropped. Tables with merged cells are left as they are.
pub(super) fn tables_across_pages(blocks: Vec<Block>, page_starts: &[usize]) -> Vec<Block> {
    let width = |t: &markdown::Table| t.rows.first().map_or(0, Vec::len);
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    // The index in `out` of the last table, and whether a page has started since.
    let mut last_table: Option<usize> = None;
    let mut crossed = false;
    let mut starts = page_starts.iter().peekable();
    for (index, block) in blocks.into_iter().enumerate() {
        while starts.next_if(|&&start| start <= index).is_some() {
            crossed = true;
        }
        let Block::Table(next) = block else {
            if !matches!(block, Block::Comment(_)) {
                last_table = None;
            }
            out.push(block);
            continue;
        };
        // The previous table ended the page before, with nothing but a page marker between.
        let at = last_table.filter(|_| crossed);
        let joinable = at.is_some_and(|i| match &out[i] {
            Block::Table(prev) => {
                width(prev) == width(&next)
                    && width(prev) > 0
                    && prev.spans.is_empty()
                    && next.spans.is_empty()
            }
            _ => false,
        });
        if let (true, Some(i)) = (joinable, at)
            && let Block::Table(prev) = &mut out[i]
        {
            let repeated = prev.rows.first() == next.rows.first();
            prev.rows
                .extend(next.rows.into_iter().skip(usize::from(repeated)));
            crossed = false;
            continue;
        }
        last_table = Some(out.len());
        crossed = false;
        out.push(Block::Table(next));
    }
    out
}

/// Three or more headings of one level with nothing under them are the entries of a list (a
/// table of contents, a list set in bold), not headings: numbered ones become an ordered list,
/// others paragraphs.
pub(super) fn headings_in_a_row_are_a_list(blocks: Vec<Block>) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    let mut run: Vec<(u8, Vec<Inline>)> = Vec::new();
    let flush = |run: &mut Vec<(u8, Vec<Inline>)>, out: &mut Vec<Block>| {
        // A title over numbered entries ("Contents") stays a heading.
        let numbered = |c: &[Inline]| list_marker(&markdown::plain_text(c)).is_some_and(|m| m.0);
        if run.len() >= 4 && !numbered(&run[0].1) && run[1..].iter().all(|r| numbered(&r.1)) {
            let (level, content) = run.remove(0);
            out.push(Block::Heading { level, content });
        }
        if run.len() < 3 {
            out.extend(
                run.drain(..)
                    .map(|(level, content)| Block::Heading { level, content }),
            );
            return;
        }
        let texts: Vec<String> = run.iter().map(|(_, c)| markdown::plain_text(c)).collect();
        let numbered: Vec<(u64, String)> = texts
            .iter()
            .filter_map(|t| {
                list_marker(t)
                    .filter(|m| m.0)
                    .map(|m| (m.1, m.2.to_string()))
            })
            .collect();
        if numbered.len() == texts.len() {
            let items = numbered
                .into_iter()
                .map(|(start, text)| FlatItem {
                    level: 0,
                    ordered: true,
                    start,
                    list_id: 0,
                    blocks: vec![Block::Paragraph(vec![Inline::Text(text)])],
                })
                .collect();
            out.extend(markdown::build_lists(items));
        } else {
            out.extend(run.iter().map(|(_, c)| Block::Paragraph(c.clone())));
        }
        run.clear();
    };
    for block in blocks {
        match block {
            Block::Heading { level, content } if run.last().is_none_or(|r| r.0 == level) => {
                run.push((level, content));
            }
            Block::Heading { level, content } => {
                flush(&mut run, &mut out);
                run.push((level, content));
            }
            other => {
                flush(&mut run, &mut out);
                out.push(other);
            }
        }
    }
    flush(&mut run, &mut out);
    out
}
