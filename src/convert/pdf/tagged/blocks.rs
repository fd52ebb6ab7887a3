//! The structure tree laid out as Markdown blocks: the tree says what each run of text is
//! (heading, paragraph, list item, table cell, quote, code) and in which order it is read; the
//! characters of its marked content, joined into lines as the layout joins them, say the words
//! and their looks (bold, italic, code from the fonts).

use std::collections::HashMap;

use super::{Elem, Node, Role};
use crate::convert::dom::table::{Cell, RowRead, build_table};
use crate::convert::pdf::layout::{
    Glyph, Page, Para, Tag, lines, linked, list_marker, orient_glyphs, para_inlines,
};
use crate::markdown::{self, Block, Inline, List};

/// The share of the pages' characters (artifacts aside) the tree must account for to be used.
const MIN_COVERAGE: f64 = 0.9;

/// The blocks the structure tree describes, or None when the tree does not describe the pages
/// (it leaves more than a tenth of their text out, or yields nothing): the layout heuristics
/// read them instead.
pub(in crate::convert::pdf) fn layout(
    tree: &Elem,
    pages: &[Page],
    page_markers: bool,
) -> Option<Vec<Block>> {
    let mut content: HashMap<(usize, u32), Vec<Glyph>> = HashMap::new();
    let mut total = 0usize;
    for (index, page) in pages.iter().enumerate() {
        for g in orient_glyphs(&page.glyphs).0 {
            match g.tag {
                Tag::Artifact => {}
                Tag::Untagged => total += visible(&g),
                Tag::Mcid(mcid) => {
                    total += visible(&g);
                    content.entry((index, mcid)).or_default().push(g);
                }
            }
        }
    }
    if content.is_empty() {
        return None;
    }
    let mut builder = Builder {
        content,
        used: 0,
        nest: 0,
        first_page: None,
        marked: 0,
        page_numbers: pages.iter().map(|p| p.number).collect(),
        page_markers,
        sections: 0,
        in_cell: false,
        after_label: false,
    };
    let mut out = Vec::new();
    builder.blocks(&tree.kids.iter().collect::<Vec<_>>(), &mut out);
    let coverage = builder.used as f64 / total.max(1) as f64;
    log::debug!(
        "structure tree: {} of {total} characters ({:.1}%)",
        builder.used,
        coverage * 100.0
    );
    if coverage < MIN_COVERAGE || !out.iter().any(|b| !matches!(b, Block::Comment(_))) {
        return None;
    }
    builder.markers(&mut out, pages.len().checked_sub(1));
    Some(out)
}

fn visible(g: &Glyph) -> usize {
    g.text.chars().filter(|c| !c.is_whitespace()).count()
}

struct Builder {
    /// Each marked-content sequence's characters (page index, MCID), taken when used.
    content: HashMap<(usize, u32), Vec<Glyph>>,
    /// Visible characters used so far.
    used: usize,
    /// Depth inside lists, tables and quotes (0: blocks go to the document's top level).
    nest: usize,
    /// The first page of the content used since the last top-level block.
    first_page: Option<usize>,
    /// Pages whose markers are written.
    marked: usize,
    page_numbers: Vec<u32>,
    page_markers: bool,
    /// Enclosing `Sect` elements (the level of an `H`).
    sections: usize,
    /// Inside a table cell: code is inline code there.
    in_cell: bool,
    /// The blocks laid out next start a list item, after its label.
    after_label: bool,
}

/// Where a node's characters lie (reading coordinates).
struct Extent {
    page: usize,
    left: f64,
    /// The first character's baseline, and its size.
    top: f64,
    size: f64,
    one_line: bool,
    /// The last visible character.
    last: String,
}

/// A paragraph's characters with the page each is on, in the tree's order.
type Run = Vec<(usize, Glyph)>;

impl Builder {
    /// Lays out the children of a grouping element: elements in order, loose text and inline
    /// elements between them as paragraphs.
    fn blocks(&mut self, kids: &[&Node], out: &mut Vec<Block>) {
        let mut pending: Vec<&Node> = Vec::new();
        let mut skip = false;
        let after_label = std::mem::take(&mut self.after_label);
        for (i, kid) in kids.iter().enumerate() {
            // Code on a list item's first line, after its label, is the item's text.
            if i == 0
                && after_label
                && let Node::Elem(e) = kid
                && code_only(e)
                && self.extent(kid).is_some_and(|x| x.one_line)
            {
                pending.push(kid);
                continue;
            }
            if std::mem::take(&mut skip) {
                continue;
            }
            if let Some(next) = kids.get(i + 1)
                && self.is_definition(kid, next)
            {
                self.paragraph(&pending, out);
                pending.clear();
                self.definition(kid, next, out);
                skip = true;
                continue;
            }
            let elem = match kid {
                Node::Content { .. } => {
                    pending.push(kid);
                    continue;
                }
                Node::Elem(elem) => elem,
            };
            let inline_next = kids.get(i + 1).is_some_and(|k| is_inline(k));
            match elem.role {
                // Code among text is inline code; on its own it is a code block (`pre`), except
                // in a table cell.
                Role::Code if !pending.is_empty() || inline_next || self.in_cell => {
                    pending.push(kid)
                }
                Role::Group if !code_only(elem) && is_inline(kid) => pending.push(kid),
                Role::Inline | Role::Label => pending.push(kid),
                Role::Artifact => self.discard(&elem.kids),
                _ => {
                    self.paragraph(&pending, out);
                    pending.clear();
                    self.block(elem, out);
                }
            }
        }
        self.paragraph(&pending, out);
    }

    fn block(&mut self, elem: &Elem, out: &mut Vec<Block>) {
        let kids: Vec<&Node> = elem.kids.iter().collect();
        match elem.role {
            Role::Group | Role::ListBody | Role::Toc | Role::TocItem => self.blocks(&kids, out),
            Role::RowGroup | Role::Row | Role::Cell { .. } => self.blocks(&kids, out),
            Role::Sect => {
                self.sections += 1;
                self.blocks(&kids, out);
                self.sections -= 1;
            }
            Role::Heading(_) | Role::H => {
                let level = match elem.role {
                    Role::Heading(level) => level,
                    _ => self.sections.clamp(1, 6) as u8,
                };
                let mut anchors = Vec::new();
                let run = self.run(&kids, &mut anchors);
                if let Some(para) = para_of(run) {
                    let content = linked(&para.text(), &mut anchors);
                    self.push(out, Block::Heading { level, content });
                }
            }
            Role::Paragraph | Role::Inline | Role::Label => self.paragraph(&kids, out),
            Role::Code => {
                let run = self.run(&kids, &mut Vec::new());
                if let Some(text) = code_text(run) {
                    match out.last_mut() {
                        Some(Block::CodeBlock { text: before, .. }) => {
                            before.push('\n');
                            before.push_str(&text);
                        }
                        _ => self.push(
                            out,
                            Block::CodeBlock {
                                info: String::new(),
                                text,
                            },
                        ),
                    }
                }
            }
            Role::Figure => {
                let mut anchors = Vec::new();
                let run = self.run(&kids, &mut anchors);
                let content = match &elem.alt {
                    Some(alt) => vec![Inline::Image {
                        alt: alt.trim().to_string(),
                        src: String::new(),
                        size: None,
                    }],
                    // A figure without words for it: the text it draws (chart labels).
                    None => match para_of(run) {
                        Some(para) => para_inlines(&para, &para.text(), &mut anchors),
                        None => return,
                    },
                };
                self.push(out, Block::Paragraph(content));
            }
            Role::List => {
                if let Some(list) = self.list(elem) {
                    self.push(out, Block::List(list));
                }
            }
            Role::ListItem => {
                let (_, blocks) = self.item(elem);
                if !blocks.is_empty() {
                    let list = List {
                        ordered: false,
                        start: 1,
                        items: vec![blocks],
                    };
                    self.push(out, Block::List(list));
                }
            }
            Role::Table => {
                if let Some(table) = self.table(elem) {
                    self.push(out, table);
                }
            }
            Role::BlockQuote => {
                self.nest += 1;
                let mut inner = Vec::new();
                self.blocks(&kids, &mut inner);
                self.nest -= 1;
                if !inner.is_empty() {
                    self.push(out, Block::Quote(inner));
                }
            }
            Role::Artifact => self.discard(&elem.kids),
        }
    }

    /// Text and inline elements as one paragraph.
    fn paragraph(&mut self, nodes: &[&Node], out: &mut Vec<Block>) {
        if let Some(content) = self.inlines(nodes) {
            self.push(out, Block::Paragraph(content));
        }
    }

    /// The inlines of text and inline elements, None when they hold no text.
    fn inlines(&mut self, nodes: &[&Node]) -> Option<Vec<Inline>> {
        if nodes.is_empty() {
            return None;
        }
        let mut anchors = Vec::new();
        let para = para_of(self.run(nodes, &mut anchors))?;
        let text = para.text();
        if text.trim().is_empty() {
            return None;
        }
        // Text in a fixed-pitch font throughout is code (a table cell's `name`).
        Some(if para.is_mono() {
            vec![Inline::Code(text)]
        } else {
            para_inlines(&para, &text, &mut anchors)
        })
    }

    /// A definition list's term and description, which the tree does not tell apart from other
    /// groups (HTML's `dt` and `dd` have no standard type): a line that is not a sentence, then
    /// a group set in under it on every line.
    fn is_definition(&self, term: &Node, next: &Node) -> bool {
        let groups = |n: &Node| match n {
            Node::Elem(e) => matches!(e.role, Role::Group | Role::Paragraph | Role::Code),
            Node::Content { .. } => false,
        };
        if !groups(term) || !groups(next) {
            return false;
        }
        let Some(t) = self.extent(term).filter(|t| t.one_line) else {
            return false;
        };
        let Some(d) = self.extent(next) else {
            return false;
        };
        // Directly under the term, set in by an indent (not a box beside it).
        t.page == d.page
            && d.top > t.top
            && d.top < t.top + 3.0 * t.size
            && d.left > t.left + 1.5 * t.size
            && d.left < t.left + 8.0 * t.size
            && !t.last.ends_with(['.', '!', '?'])
    }

    fn definition(&mut self, term: &Node, description: &Node, out: &mut Vec<Block>) {
        let term = self.inlines(&[term]).unwrap_or_default();
        let mut defs = Vec::new();
        self.nest += 1;
        self.blocks(&[description], &mut defs);
        self.nest -= 1;
        for block in markdown::definition_list(vec![(term, defs)]) {
            self.push(out, block);
        }
    }

    /// Where a node's characters lie, without taking them.
    fn extent(&self, node: &Node) -> Option<Extent> {
        let mut glyphs: Vec<(usize, &Glyph)> = Vec::new();
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            match n {
                &Node::Content { page, mcid } => {
                    if let Some(g) = self.content.get(&(page, mcid)) {
                        glyphs.extend(g.iter().map(|g| (page, g)));
                    }
                }
                Node::Elem(e) => stack.extend(e.kids.iter().rev()),
            }
            if glyphs.len() > 10_000 {
                break;
            }
        }
        let &(page, first) = glyphs.iter().find(|(_, g)| !g.text.trim().is_empty())?;
        let last = glyphs
            .iter()
            .rev()
            .find(|(_, g)| !g.text.trim().is_empty())?;
        Some(Extent {
            page,
            left: glyphs.iter().map(|(_, g)| g.x).fold(f64::MAX, f64::min),
            top: first.y,
            size: first.size,
            one_line: glyphs
                .iter()
                .all(|(p, g)| *p == page && (g.y - first.y).abs() < 0.5 * first.size),
            last: last.1.text.clone(),
        })
    }

    /// The characters of the nodes in order; link elements add (text, URI) to `anchors`.
    fn run(&mut self, nodes: &[&Node], anchors: &mut Vec<(String, String)>) -> Run {
        let mut run = Vec::new();
        for node in nodes {
            self.collect(node, &mut run, anchors);
        }
        run
    }

    fn collect(&mut self, node: &Node, run: &mut Run, anchors: &mut Vec<(String, String)>) {
        match node {
            &Node::Content { page, mcid } => {
                if let Some(glyphs) = self.take(page, mcid) {
                    run.extend(glyphs.into_iter().map(|g| (page, g)));
                }
            }
            Node::Elem(elem) if elem.role == Role::Artifact => self.discard(&elem.kids),
            Node::Elem(elem) => {
                let start = run.len();
                for kid in &elem.kids {
                    self.collect(kid, run, anchors);
                }
                if let Some(actual) = &elem.actual_text {
                    replace_with(run, start, actual);
                }
                if let Some(uri) = &elem.uri
                    && let Some(para) = para_of(run[start..].to_vec())
                {
                    let text = para.text();
                    let text = text.trim_end_matches(['.', ',', ':', ';', ')']).trim();
                    if !text.is_empty() {
                        anchors.push((text.to_string(), uri.clone()));
                    }
                }
            }
        }
    }

    /// Uses marked content without writing it (artifacts the tree holds).
    fn discard(&mut self, kids: &[Node]) {
        let mut run = Vec::new();
        for kid in kids {
            self.collect(kid, &mut run, &mut Vec::new());
        }
    }

    fn take(&mut self, page: usize, mcid: u32) -> Option<Vec<Glyph>> {
        let glyphs = self.content.remove(&(page, mcid))?;
        self.used += glyphs.iter().map(visible).sum::<usize>();
        self.first_page = Some(self.first_page.map_or(page, |p| p.min(page)));
        Some(glyphs)
    }

    /// Adds a block; at the top level, after the markers of the pages up to the one it starts on.
    fn push(&mut self, out: &mut Vec<Block>, block: Block) {
        if self.nest == 0 {
            let first = self.first_page.take();
            self.markers(out, first);
        }
        out.push(block);
    }

    /// Writes the markers of the pages up to `upto` (an index) not written yet.
    fn markers(&mut self, out: &mut Vec<Block>, upto: Option<usize>) {
        let Some(upto) = upto else { return };
        while self.page_markers && self.marked <= upto && self.marked < self.page_numbers.len() {
            out.push(Block::Comment(format!(
                "page {}",
                self.page_numbers[self.marked]
            )));
            self.marked += 1;
        }
    }

    fn list(&mut self, elem: &Elem) -> Option<List> {
        let mut list = List {
            ordered: elem.numbered,
            start: 1,
            items: Vec::new(),
        };
        self.nest += 1;
        for (i, kid) in elem.kids.iter().enumerate() {
            match kid {
                Node::Elem(e) if e.role == Role::ListItem => {
                    let (label, blocks) = self.item(e);
                    if i == 0
                        && let Some((ordered, start)) = label
                    {
                        list.ordered = ordered;
                        list.start = start;
                    }
                    list.items.push(blocks);
                }
                // A list directly inside a list belongs to the item before it.
                other => {
                    let mut blocks = Vec::new();
                    self.blocks(&[other], &mut blocks);
                    match list.items.last_mut() {
                        Some(item) => item.extend(blocks),
                        None if !blocks.is_empty() => list.items.push(blocks),
                        None => {}
                    }
                }
            }
        }
        self.nest -= 1;
        list.items.retain(|item| !item.is_empty());
        (!list.items.is_empty()).then_some(list)
    }

    /// A list item's blocks, and what its label says: (numbered, number).
    fn item(&mut self, elem: &Elem) -> (Option<(bool, u64)>, Vec<Block>) {
        let is_label = |k: &&Node| matches!(k, Node::Elem(e) if e.role == Role::Label);
        let labels: Vec<&Node> = elem.kids.iter().filter(is_label).collect();
        let rest: Vec<&Node> = elem.kids.iter().filter(|k| !is_label(k)).collect();
        let label = para_of(self.run(&labels, &mut Vec::new())).map(|p| p.text());
        let mut blocks = Vec::new();
        self.nest += 1;
        self.after_label = true;
        self.blocks(&rest, &mut blocks);
        self.nest -= 1;
        let mut numbering = label.as_deref().and_then(label_number);
        // No label element: a marker written at the start of the text is the label.
        if label.is_none()
            && let Some(Block::Paragraph(inlines)) = blocks.first_mut()
            && let Some(Inline::Text(first)) = inlines.first_mut()
            && let Some((ordered, start, rest)) = list_marker(first)
        {
            numbering = Some((ordered, start));
            *first = rest.to_string();
        }
        (numbering, blocks)
    }

    fn table(&mut self, elem: &Elem) -> Option<Block> {
        let mut rows: Vec<RowRead> = Vec::new();
        self.nest += 1;
        self.rows(&elem.kids, &mut rows);
        self.nest -= 1;
        let header_cells = rows.first().is_some_and(|r| r.2);
        let mut table = build_table(rows)?;
        // Without header cells the shape decides, as for untagged tables.
        if let Block::Table(t) = &mut table
            && !header_cells
        {
            t.header = None;
        }
        Some(table)
    }

    /// The rows under a table or a row group.
    fn rows(&mut self, kids: &[Node], rows: &mut Vec<RowRead>) {
        for kid in kids {
            let Node::Elem(e) = kid else { continue };
            match e.role {
                Role::Row => {
                    let mut cells: Vec<Cell> = Vec::new();
                    let mut spans = Vec::new();
                    let mut all_header = true;
                    for cell in &e.kids {
                        let Node::Elem(c) = cell else { continue };
                        // Anything else in a row (Word's end-of-row mark) is not a cell.
                        let Role::Cell { header } = c.role else {
                            self.discard(&c.kids);
                            continue;
                        };
                        let mut blocks = Vec::new();
                        let outer = std::mem::replace(&mut self.in_cell, true);
                        self.blocks(&c.kids.iter().collect::<Vec<_>>(), &mut blocks);
                        self.in_cell = outer;
                        cells.push(markdown::cell_paragraphs(blocks));
                        spans.push(c.span);
                        all_header &= header;
                    }
                    if !cells.is_empty() {
                        rows.push((cells, spans, all_header));
                    }
                }
                Role::Artifact => self.discard(&e.kids),
                _ => self.rows(&e.kids, rows),
            }
        }
    }
}

/// Whether a node reads as part of the text around it: marked content, inline elements, and
/// groups of nothing else (Chrome wraps text runs in `NonStruct`).
fn is_inline(node: &Node) -> bool {
    match node {
        Node::Content { .. } => true,
        Node::Elem(e) => match e.role {
            Role::Inline | Role::Label | Role::Code => true,
            // A group of groups holds blocks (a definition list's `dl`).
            Role::Group => e.kids.iter().all(|k| match k {
                Node::Content { .. } => true,
                Node::Elem(e) => matches!(e.role, Role::Inline | Role::Label | Role::Code),
            }),
            _ => false,
        },
    }
}

/// A group that holds one code element and nothing else: a code block (`pre`), not a run of
/// inline code.
fn code_only(elem: &Elem) -> bool {
    match elem.kids.as_slice() {
        [Node::Elem(e)] => e.role == Role::Code || (e.role == Role::Group && code_only(e)),
        _ => false,
    }
}

/// A list label's numbering: (numbered, number). "3." and "iv)" are numbered, bullets not.
fn label_number(label: &str) -> Option<(bool, u64)> {
    let core = label
        .trim()
        .trim_end_matches(['.', ')'])
        .trim_start_matches('(');
    if core.is_empty() {
        return None;
    }
    if let Ok(n) = core.parse::<u64>() {
        return Some((true, n));
    }
    let lettered = core.chars().count() <= 4
        && core.chars().all(char::is_alphabetic)
        && label.trim().ends_with(['.', ')']);
    Some((lettered, 1))
}

/// Replaces the characters from `start` with one that carries the element's `ActualText`.
fn replace_with(run: &mut Run, start: usize, text: &str) {
    let Some((page, first)) = run.get(start).cloned() else {
        return;
    };
    let x1 = run[start..]
        .iter()
        .map(|(_, g)| g.x + g.advance)
        .fold(first.x, f64::max);
    run.truncate(start);
    run.push((
        page,
        Glyph {
            advance: x1 - first.x,
            text: text.to_string(),
            ..first
        },
    ));
}

/// A run's characters as a paragraph: lines joined as the layout joins them, page by page.
fn para_of(run: Run) -> Option<Para> {
    let mut all = Vec::new();
    let mut start = 0;
    while start < run.len() {
        let page = run[start].0;
        let end = run[start..]
            .iter()
            .position(|(p, _)| *p != page)
            .map_or(run.len(), |n| start + n);
        let glyphs: Vec<Glyph> = run[start..end].iter().map(|(_, g)| g.clone()).collect();
        all.extend(lines(&glyphs));
        start = end;
    }
    (!all.is_empty()).then_some(Para { lines: all })
}

/// A code block's text: lines with their indentation, and a blank line where the gap between two
/// lines is wider than the usual line pitch.
fn code_text(run: Run) -> Option<String> {
    let para = para_of(run)?;
    let text = para.code_text();
    let pitches: Vec<f64> = para
        .lines
        .windows(2)
        .map(|w| w[1].y - w[0].y)
        .filter(|d| *d > 0.0)
        .collect();
    let mut sorted = pitches.clone();
    sorted.sort_by(f64::total_cmp);
    let Some(&usual) = sorted.get(sorted.len() / 2) else {
        return Some(text);
    };
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
            let gap = para.lines[i].y - para.lines[i - 1].y;
            if gap > 1.6 * usual {
                out.push('\n');
            }
        }
        out.push_str(line);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One line of characters in marked content `tag`, at height `y` from the page's top.
    fn line(text: &str, y: f64, tag: Tag) -> Vec<Glyph> {
        text.chars()
            .enumerate()
            .map(|(i, c)| Glyph {
                tag,
                ..Glyph::plain(72.0 + i as f64 * 5.0, 800.0 - y, 10.0, 5.0, c.to_string())
            })
            .collect()
    }

    fn elem(role: Role, kids: Vec<Node>) -> Node {
        let mut e = Elem::group(kids);
        e.role = role;
        Node::Elem(e)
    }

    fn content(mcid: u32) -> Node {
        Node::Content { page: 0, mcid }
    }

    fn page(lines: Vec<Vec<Glyph>>) -> Page {
        Page {
            number: 1,
            glyphs: lines.into_iter().flatten().collect(),
            ..Page::default()
        }
    }

    #[test]
    fn the_tree_says_what_each_piece_is() {
        let pages = [page(vec![
            line("Running head", 20.0, Tag::Artifact),
            line("Title", 60.0, Tag::Mcid(0)),
            line("Body text.", 80.0, Tag::Mcid(1)),
            line("- item", 100.0, Tag::Mcid(2)),
        ])];
        let tree = Elem::group(vec![
            elem(Role::Heading(2), vec![content(0)]),
            elem(Role::Paragraph, vec![content(1)]),
            elem(
                Role::List,
                vec![elem(
                    Role::ListItem,
                    vec![elem(Role::ListBody, vec![content(2)])],
                )],
            ),
        ]);
        let blocks = layout(&tree, &pages, false).expect("the tree covers the page");
        assert_eq!(
            markdown::render(&blocks),
            "## Title\n\nBody text.\n\n- item\n"
        );
    }

    #[test]
    fn a_tree_that_leaves_text_out_is_not_used() {
        let pages = [page(vec![
            line("Title", 60.0, Tag::Mcid(0)),
            line(
                "A long paragraph drawn outside any marked content.",
                80.0,
                Tag::Untagged,
            ),
        ])];
        let tree = Elem::group(vec![elem(Role::Heading(1), vec![content(0)])]);
        assert!(layout(&tree, &pages, false).is_none());
        // Nor one that refers to content the pages do not have.
        let tree = Elem::group(vec![elem(Role::Paragraph, vec![content(7)])]);
        assert!(layout(&tree, &pages, false).is_none());
    }

    #[test]
    fn labels_say_whether_a_list_is_numbered() {
        assert_eq!(label_number("3."), Some((true, 3)));
        assert_eq!(label_number("(iv)"), Some((true, 1)));
        assert_eq!(label_number("•"), Some((false, 1)));
        assert_eq!(label_number(" "), None);
    }
}
