//! The one Markdown writer every converter uses.
//!
//! Converters do not print Markdown themselves: they build a small document model ([`Block`] and
//! [`Inline`], a subset of pandoc's AST) and [`render`] turns it into CommonMark with GitHub's
//! pipe tables and strikethrough. Keeping escaping, list indentation, table layout and emphasis
//! rules in one place means a fix here fixes every format, and a converter cannot emit Markdown
//! that changes the text when it is rendered: every literal character that Markdown would read as
//! syntax is escaped, and nothing else is.

/// The version of the Markdown writer, part of every cache key: bump it when a change here
/// changes what any converter's output looks like. 2: quotes in link targets are encoded.
pub const WRITER_VERSION: &str = "2";

use std::fmt::Write as _;

/// A block of the document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// `level` 1..=6 (deeper levels are clamped when rendered).
    Heading {
        level: u8,
        content: Vec<Inline>,
    },
    Paragraph(Vec<Inline>),
    List(List),
    Table(Table),
    /// A table of plain-text cells (spreadsheets, CSV): light enough for millions of cells.
    Grid(Grid),
    /// Preformatted text; `info` is the fence's info string (a language), often empty.
    CodeBlock {
        info: String,
        text: String,
    },
    Quote(Vec<Block>),
    /// A thematic break (`---`).
    Rule,
    /// An HTML comment, invisible when rendered (page markers).
    Comment(String),
    /// A footnote definition `[^label]: ...` (GitHub Flavored Markdown).
    Footnote {
        label: String,
        blocks: Vec<Block>,
    },
    /// YAML front matter (`---` ... `---`) with string values; only ever the first block.
    FrontMatter(Vec<(String, String)>),
    /// Markdown written as it is (a Markdown file, a notebook's Markdown cell). Only one thing
    /// changes: a hard line break written as two trailing spaces is written as `\`, which means
    /// the same and survives the writer's trimming of trailing spaces.
    Raw(String),
}

/// A bullet or ordered list; each item is a sequence of blocks.
#[derive(Debug, Clone, PartialEq)]
pub struct List {
    pub ordered: bool,
    pub start: u64,
    pub items: Vec<Vec<Block>>,
}

/// A table; the first row is the header row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// Rows of cells; a cell is a sequence of paragraphs (joined with `<br>` in a pipe table).
    pub rows: Vec<Vec<Vec<Vec<Inline>>>>,
    /// (colspan, rowspan) of every cell of `rows`, (0, 0) for the positions a span covers; empty
    /// when no cell spans. A pipe table cannot say spans: such a table is written as HTML.
    pub spans: Vec<Vec<(usize, usize)>>,
    /// Whether the first row is a header: `Some` when the source says (DOCX `tblHeader`,
    /// `tblLook`), None to decide by shape (a table of several rows has one; a single row is data).
    pub header: Option<bool>,
}

/// A table whose cells are plain text (escaped when written; line breaks become `<br>`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Grid {
    /// Rows of cells, all of the same length.
    pub rows: Vec<Vec<String>>,
    /// Whether the first row is the header row; otherwise it is data under an empty header.
    pub header: bool,
}

/// Inline content.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text(String),
    Strong(Vec<Inline>),
    Emph(Vec<Inline>),
    Strike(Vec<Inline>),
    Superscript(Vec<Inline>),
    Subscript(Vec<Inline>),
    Code(String),
    Link {
        target: String,
        content: Vec<Inline>,
    },
    /// A hard line break (rendered `\` + newline).
    LineBreak,
    /// A line break in the source that renders as a space (wrapped plain text).
    SoftBreak,
    /// An image: `![alt](src)`, or `<img src alt width height>` when its display size is known
    /// (in pixels); without a source only the alt text is written.
    Image {
        alt: String,
        src: String,
        size: Option<(u32, u32)>,
    },
    /// An equation in LaTeX: `$...$`, or `$$...$$` for display math (on its own line when it is
    /// all its paragraph holds).
    Math {
        tex: String,
        display: bool,
    },
    /// A footnote reference `[^label]`.
    NoteRef(String),
    /// The checkbox of a task list item, `[ ]` or `[x]` (first in its item).
    TaskBox(bool),
    /// First in a table cell's paragraph: the paragraph is a list item (`<ul>`/`<ol>` in an HTML
    /// table; a pipe table cannot hold lists, so such a table is written as HTML).
    ListMarker {
        ordered: bool,
    },
}

/// Character formatting of a run of text, for [`nest_runs`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Marks {
    pub strong: bool,
    pub emph: bool,
    pub strike: bool,
    pub superscript: bool,
    pub subscript: bool,
    pub code: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Strong,
    Emph,
    Strike,
    Superscript,
    Subscript,
    Code,
}

impl Marks {
    fn has(&self, mark: Mark) -> bool {
        match mark {
            Mark::Strong => self.strong,
            Mark::Emph => self.emph,
            Mark::Strike => self.strike,
            Mark::Superscript => self.superscript,
            Mark::Subscript => self.subscript,
            Mark::Code => self.code,
        }
    }

    fn without(mut self, mark: Mark) -> Marks {
        match mark {
            Mark::Strong => self.strong = false,
            Mark::Emph => self.emph = false,
            Mark::Strike => self.strike = false,
            Mark::Superscript => self.superscript = false,
            Mark::Subscript => self.subscript = false,
            Mark::Code => self.code = false,
        }
        self
    }

    fn is_plain(&self) -> bool {
        *self == Marks::default()
    }
}

/// A piece of a paragraph as formats like DOCX store it: text with flat formatting flags, or an
/// inline that is already built (a link, a line break).
#[derive(Debug, Clone, PartialEq)]
pub enum Run {
    Text(Marks, String),
    Inline(Marks, Inline),
}

impl Run {
    fn marks(&self) -> Marks {
        match self {
            Run::Text(m, _) | Run::Inline(m, _) => *m,
        }
    }
}

/// Turns runs with flat formatting flags into nested inlines, opening each mark once for the
/// longest stretch of runs that carry it: `[bold "a", bold+italic "b"]` becomes
/// `Strong["a", Emph["b"]]`, never `**a*****b***`. Code is always the innermost mark.
pub fn nest_runs(runs: Vec<Run>) -> Vec<Inline> {
    const ORDER: [Mark; 6] = [
        Mark::Strong,
        Mark::Emph,
        Mark::Strike,
        Mark::Superscript,
        Mark::Subscript,
        Mark::Code,
    ];
    let mut out = Vec::new();
    let mut i = 0;
    while i < runs.len() {
        let marks = runs[i].marks();
        if marks.is_plain() {
            match &runs[i] {
                Run::Text(_, text) => push_text(&mut out, text),
                Run::Inline(_, inline) => out.push(inline.clone()),
            }
            i += 1;
            continue;
        }
        // The mark (code last) that stays on for the most runs from here.
        let mut best = (Mark::Code, i);
        for mark in ORDER.into_iter().filter(|m| marks.has(*m)) {
            let end = i + runs[i..].iter().take_while(|r| r.marks().has(mark)).count();
            if end > best.1 || (best.0 == Mark::Code && end >= best.1 && mark != Mark::Code) {
                best = (mark, end);
            }
        }
        let (mark, end) = best;
        let end = end.max(i + 1);
        if mark == Mark::Code {
            // A code span holds text only: concatenate; anything else breaks the span.
            // Only runs with exactly these marks: a code run that is also a superscript keeps
            // its superscript (`m`<sup>`2`</sup>).
            let mut code = String::new();
            let mut j = i;
            while j < end && runs[j].marks() == marks {
                match &runs[j] {
                    Run::Text(_, text) => code.push_str(text),
                    Run::Inline(..) => break,
                }
                j += 1;
            }
            if j == i {
                if let Run::Inline(_, inline) = &runs[i] {
                    out.push(inline.clone());
                }
                i += 1;
            } else {
                out.push(Inline::Code(code));
                i = j;
            }
            continue;
        }
        let inner: Vec<Run> = runs[i..end]
            .iter()
            .map(|r| match r {
                Run::Text(m, t) => Run::Text(m.without(mark), t.clone()),
                Run::Inline(m, x) => Run::Inline(m.without(mark), x.clone()),
            })
            .collect();
        let children = nest_runs(inner);
        out.push(match mark {
            Mark::Strong => Inline::Strong(children),
            Mark::Emph => Inline::Emph(children),
            Mark::Strike => Inline::Strike(children),
            Mark::Superscript => Inline::Superscript(children),
            Mark::Subscript => Inline::Subscript(children),
            Mark::Code => unreachable!("handled above"),
        });
        i = end;
    }
    out
}

fn push_text(out: &mut Vec<Inline>, text: &str) {
    if let Some(Inline::Text(prev)) = out.last_mut() {
        prev.push_str(text);
    } else {
        out.push(Inline::Text(text.to_string()));
    }
}

/// One item of a flat list as documents store lists: a paragraph with a nesting level.
#[derive(Debug, Clone, PartialEq)]
pub struct FlatItem {
    /// 0 for the outermost level.
    pub level: usize,
    pub ordered: bool,
    /// The number of the first item of the list this item would open (ordered lists).
    pub start: u64,
    /// Items of different lists (DOCX numbering instances) never join one list, even adjacent.
    pub list_id: usize,
    pub blocks: Vec<Block>,
}

/// A definition list as paragraphs: each term, a line break and its first description (pandoc's
/// GitHub rendering), then the other descriptions.
pub fn definition_list(terms: Vec<(Vec<Inline>, Vec<Block>)>) -> Vec<Block> {
    let mut blocks = Vec::new();
    for (term, defs) in terms {
        let mut defs = defs.into_iter();
        let mut first = term;
        match defs.next() {
            Some(Block::Paragraph(inlines)) => {
                if !first.is_empty() {
                    first.push(Inline::LineBreak);
                }
                first.extend(inlines);
                blocks.push(Block::Paragraph(first));
            }
            Some(other) => {
                if !first.is_empty() {
                    blocks.push(Block::Paragraph(first));
                }
                blocks.push(other);
            }
            None => {
                if !first.is_empty() {
                    blocks.push(Block::Paragraph(first));
                }
            }
        }
        blocks.extend(defs);
    }
    blocks
}

/// A table cell's blocks as the paragraphs the table model holds (list items marked).
pub fn cell_paragraphs(blocks: Vec<Block>) -> Vec<Vec<Inline>> {
    let mut out = Vec::new();
    for block in blocks {
        match block {
            Block::Paragraph(i) | Block::Heading { content: i, .. } => out.push(i),
            Block::CodeBlock { text, .. } => out.push(vec![Inline::Code(text)]),
            Block::List(list) => {
                for item in list.items {
                    for (n, para) in cell_paragraphs(item).into_iter().enumerate() {
                        let mut p = Vec::new();
                        if n == 0 {
                            p.push(Inline::ListMarker {
                                ordered: list.ordered,
                            });
                        }
                        p.extend(para);
                        out.push(p);
                    }
                }
            }
            Block::Quote(inner) => out.extend(cell_paragraphs(inner)),
            // A table in a cell: each of its rows one line, cells apart by spaces.
            Block::Table(inner) => {
                for row in inner.rows {
                    let mut line = Vec::new();
                    for cell in row {
                        for para in cell {
                            if !line.is_empty() {
                                line.push(Inline::Text(" ".into()));
                            }
                            line.extend(para);
                        }
                    }
                    if !line.is_empty() {
                        out.push(line);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Builds nested lists from flat items in document order. A jump of several levels is treated as
/// one level deeper; a change between bullets and numbers, or to another list (`list_id`), at
/// the same level starts a new list.
pub fn build_lists(items: Vec<FlatItem>) -> Vec<Block> {
    let mut out = Vec::new();
    let mut iter = items.into_iter().peekable();
    while iter.peek().is_some() {
        let base = iter.peek().map_or(0, |i| i.level);
        out.push(Block::List(build_list(&mut iter, base)));
    }
    out
}

fn build_list(
    items: &mut std::iter::Peekable<impl Iterator<Item = FlatItem>>,
    level: usize,
) -> List {
    let first = items.peek().expect("caller checked");
    let list_id = first.list_id;
    let mut list = List {
        ordered: first.ordered,
        start: first.start,
        items: Vec::new(),
    };
    while let Some(next) = items.peek() {
        let other_list = next.ordered != list.ordered || next.list_id != list_id;
        if next.level < level || (next.level == level && other_list && !list.items.is_empty()) {
            break;
        }
        if next.level > level {
            let next_level = next.level;
            let nested = build_list(items, next_level);
            match list.items.last_mut() {
                Some(item) => item.push(Block::List(nested)),
                None => list.items.push(vec![Block::List(nested)]),
            }
            continue;
        }
        let item = items.next().expect("peeked");
        list.items.push(item.blocks);
    }
    list
}

/// Rewrites every link target for which `f` gives a replacement (in nested blocks too).
pub fn map_links(blocks: &mut [Block], f: &dyn Fn(&str) -> Option<String>) {
    fn inlines(list: &mut [Inline], f: &dyn Fn(&str) -> Option<String>) {
        for inline in list {
            match inline {
                Inline::Link { target, content } => {
                    if let Some(new) = f(target) {
                        *target = new;
                    }
                    inlines(content, f);
                }
                Inline::Strong(c)
                | Inline::Emph(c)
                | Inline::Strike(c)
                | Inline::Superscript(c)
                | Inline::Subscript(c) => inlines(c, f),
                _ => {}
            }
        }
    }
    for block in blocks {
        match block {
            Block::Heading { content, .. } | Block::Paragraph(content) => inlines(content, f),
            Block::List(list) => {
                for item in &mut list.items {
                    map_links(item, f);
                }
            }
            Block::Table(table) => {
                for row in &mut table.rows {
                    for cell in row {
                        for para in cell {
                            inlines(para, f);
                        }
                    }
                }
            }
            Block::Quote(inner) | Block::Footnote { blocks: inner, .. } => map_links(inner, f),
            _ => {}
        }
    }
}

/// Calls `f` on every inline of the blocks, nested ones included (images in links, in cells, in
/// list items, in notes).
pub fn for_each_inline_mut(blocks: &mut [Block], f: &mut dyn FnMut(&mut Inline)) {
    fn inlines(list: &mut [Inline], f: &mut dyn FnMut(&mut Inline)) {
        for inline in list {
            f(inline);
            match inline {
                Inline::Strong(c)
                | Inline::Emph(c)
                | Inline::Strike(c)
                | Inline::Superscript(c)
                | Inline::Subscript(c)
                | Inline::Link { content: c, .. } => inlines(c, f),
                _ => {}
            }
        }
    }
    for block in blocks {
        match block {
            Block::Heading { content, .. } | Block::Paragraph(content) => inlines(content, f),
            Block::List(list) => {
                for item in &mut list.items {
                    for_each_inline_mut(item, f);
                }
            }
            Block::Table(table) => {
                for para in table.rows.iter_mut().flatten().flatten() {
                    inlines(para, f);
                }
            }
            Block::Quote(inner) | Block::Footnote { blocks: inner, .. } => {
                for_each_inline_mut(inner, f)
            }
            _ => {}
        }
    }
}

/// The plain text of inlines (link text, emphasis contents), for identifiers.
pub fn plain_text(list: &[Inline]) -> String {
    let mut out = String::new();
    for inline in list {
        match inline {
            Inline::Text(t) | Inline::Code(t) => out.push_str(t),
            Inline::Strong(c)
            | Inline::Emph(c)
            | Inline::Strike(c)
            | Inline::Superscript(c)
            | Inline::Subscript(c) => out.push_str(&plain_text(c)),
            Inline::Link { content, .. } => out.push_str(&plain_text(content)),
            Inline::LineBreak | Inline::SoftBreak => out.push(' '),
            Inline::Image { alt, .. } => out.push_str(alt),
            Inline::Math { tex, .. } => out.push_str(tex),
            Inline::NoteRef(_) | Inline::TaskBox(_) | Inline::ListMarker { .. } => {}
        }
    }
    out
}

/// The identifier GitHub (and pandoc's gfm writer) gives a heading: lower case, punctuation
/// dropped, spaces as hyphens.
pub fn heading_slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() {
            out.push('-');
        }
    }
    out
}

/// Renders blocks as Markdown, with one blank line between blocks and one final newline.
pub fn render(blocks: &[Block]) -> String {
    let mut out = String::new();
    render_blocks(blocks, &mut out);
    finish(out)
}

/// Normalises finished Markdown: no trailing spaces at ends of blocks, at most one blank line in a
/// row, exactly one final newline (empty documents stay empty).
pub fn finish(markdown: String) -> String {
    let mut out = String::with_capacity(markdown.len() + 1);
    let mut blank_run = 0;
    let mut in_fence: Option<String> = None;
    for line in markdown.lines() {
        let trimmed_end = line.trim_end_matches([' ', '\t']);
        let fence = fence_marker(trimmed_end);
        let line = if in_fence.is_some() {
            line
        } else {
            trimmed_end
        };
        match (&in_fence, fence) {
            (None, Some(f)) => in_fence = Some(f),
            (Some(open), Some(f))
                if f.starts_with(open.as_str()) && trimmed_end.trim_start() == f =>
            {
                in_fence = None;
            }
            _ => {}
        }
        if line.is_empty() && in_fence.is_none() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() && blank_run > 0 {
            out.push('\n');
        }
        blank_run = 0;
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn fence_marker(line: &str) -> Option<String> {
    let t = line.trim_start_matches(' ');
    if line.len() - t.len() > 3 {
        return None;
    }
    for c in ['`', '~'] {
        let n = t.chars().take_while(|&x| x == c).count();
        if n >= 3 {
            return Some(c.to_string().repeat(n));
        }
    }
    None
}

fn render_blocks(blocks: &[Block], out: &mut String) {
    let mut prev: Option<&Block> = None;
    for block in blocks {
        let mut text = String::new();
        render_block(block, &mut text);
        if text.trim().is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
            // Two lists in a row would merge into one; an empty comment keeps them apart.
            if let (Some(Block::List(_)), Block::List(_)) = (prev, block) {
                out.push_str("<!-- -->\n\n");
            }
            // An indented-looking paragraph after a list could join the last item; not possible
            // here because paragraphs never start with spaces (see escape_line_start).
        }
        out.push_str(&text);
        if !text.ends_with('\n') {
            out.push('\n');
        }
        prev = Some(block);
    }
}

fn render_block(block: &Block, out: &mut String) {
    match block {
        Block::Heading { level, content } => {
            let text = single_line(&render_inlines(content, Context::Block));
            if text.is_empty() {
                return;
            }
            let level = (*level).clamp(1, 6) as usize;
            let text = if text.ends_with('#') {
                format!("{}\\#", &text[..text.len() - 1])
            } else {
                text
            };
            let _ = writeln!(out, "{} {}", "#".repeat(level), text);
        }
        Block::Paragraph(content) => {
            let text = render_inlines(content, Context::Block);
            let text = text.trim();
            if !text.is_empty() {
                out.push_str(&escape_line_starts(text));
                out.push('\n');
            }
        }
        Block::List(list) => render_list(list, out),
        Block::Table(table) => render_table(table, out),
        Block::Grid(grid) => render_grid(grid, out),
        Block::CodeBlock { info, text } => {
            let longest = longest_run(text, '`');
            let fence = "`".repeat(longest.max(2) + 1);
            let _ = writeln!(out, "{fence}{}", info.trim());
            out.push_str(text.trim_end_matches('\n'));
            out.push('\n');
            let _ = writeln!(out, "{fence}");
        }
        Block::Quote(blocks) => {
            let mut inner = String::new();
            render_blocks(blocks, &mut inner);
            for line in inner.trim_end().lines() {
                if line.is_empty() {
                    out.push_str(">\n");
                } else {
                    let _ = writeln!(out, "> {line}");
                }
            }
        }
        Block::Rule => out.push_str("---\n"),
        Block::Footnote { label, blocks } => {
            let mut inner = String::new();
            render_blocks(blocks, &mut inner);
            let mut lines = inner.trim_end().lines();
            let first = lines.next().unwrap_or("");
            let _ = writeln!(out, "[^{label}]: {first}");
            for line in lines {
                if line.is_empty() {
                    out.push('\n');
                } else {
                    let _ = writeln!(out, "    {line}");
                }
            }
        }
        Block::FrontMatter(fields) => {
            out.push_str("---\n");
            for (key, value) in fields {
                let _ = writeln!(out, "{key}: {}", serde_json::Value::from(value.as_str()));
            }
            out.push_str("---\n");
        }
        Block::Comment(text) => {
            let _ = writeln!(out, "<!-- {} -->", text.replace("--", "- -"));
        }
        Block::Raw(text) => render_raw(text, out),
    }
}

fn render_raw(text: &str, out: &mut String) {
    let mut fence: Option<String> = None;
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_end_matches([' ', '\t']);
        match (&fence, fence_marker(trimmed)) {
            (None, Some(f)) => fence = Some(f),
            (Some(open), Some(f)) if f.starts_with(open.as_str()) && trimmed.trim_start() == f => {
                fence = None;
            }
            _ => {}
        }
        let next_has_text = lines.get(i + 1).is_some_and(|l| !l.trim().is_empty());
        if fence.is_none() && line.ends_with("  ") && !trimmed.is_empty() && next_has_text {
            out.push_str(trimmed);
            out.push_str("\\\n");
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
}

fn render_list(list: &List, out: &mut String) {
    // Loose (blank lines between items) only when an item holds several non-list blocks.
    let loose = list
        .items
        .iter()
        .any(|item| item.iter().filter(|b| !matches!(b, Block::List(_))).count() > 1);
    for (n, (number, item)) in (list.start..).zip(&list.items).enumerate() {
        let marker = if list.ordered {
            format!("{number}.")
        } else {
            "-".to_string()
        };
        let indent = " ".repeat(marker.len() + 1);
        let mut body = String::new();
        let mut first = true;
        for block in item {
            let mut text = String::new();
            render_block(block, &mut text);
            if text.trim().is_empty() {
                continue;
            }
            if !first && (loose || !matches!(block, Block::List(_))) {
                body.push('\n');
            }
            first = false;
            body.push_str(&text);
        }
        if n > 0 && loose {
            out.push('\n');
        }
        if body.trim().is_empty() {
            let _ = writeln!(out, "{marker}");
            continue;
        }
        for (i, line) in body.trim_end_matches('\n').lines().enumerate() {
            if i == 0 {
                let _ = writeln!(out, "{marker} {line}");
            } else if line.is_empty() {
                out.push('\n');
            } else {
                let _ = writeln!(out, "{indent}{line}");
            }
        }
    }
}

fn render_table(table: &Table, out: &mut String) {
    let has_lists = table
        .rows
        .iter()
        .flatten()
        .flatten()
        .any(|p| matches!(p.first(), Some(Inline::ListMarker { .. })));
    if !table.spans.is_empty() || has_lists {
        render_html_table(table, out);
        return;
    }
    let columns = table.rows.iter().map(Vec::len).max().unwrap_or(0);
    if columns == 0 {
        return;
    }
    let rows: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|row| {
            (0..columns)
                .map(|c| {
                    row.get(c)
                        .map(|paragraphs| {
                            paragraphs
                                .iter()
                                .map(|p| single_line(&render_inlines(p, Context::Table)))
                                .filter(|s| !s.is_empty())
                                .collect::<Vec<_>>()
                                .join("<br>")
                        })
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect();
    // A pipe table needs a header row. A table of one row has none: its row is data, under an
    // empty header (as pandoc writes it), rather than promoted to a header.
    let first_is_header = table.header.unwrap_or(rows.len() > 1);
    write_pipe_table(&rows, columns, first_is_header, out);
}

/// A grid of plain-text cells as a pipe table: each cell escaped, its line breaks as `<br>`.
/// Cells are escaped twice (to measure the columns, then to write them) rather than held escaped:
/// a sheet of millions of cells is not copied.
fn render_grid(grid: &Grid, out: &mut String) {
    let columns = grid.rows.iter().map(Vec::len).max().unwrap_or(0);
    if columns == 0 || grid.rows.is_empty() {
        return;
    }
    let width = |s: &str| s.chars().count();
    let mut widths = vec![3; columns];
    for row in &grid.rows {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                widths[c] = widths[c].max(width(&grid_cell(cell)));
            }
        }
    }
    let pad = widths.iter().sum::<usize>() + 3 * columns <= 160;
    let line = |cells: &mut dyn Iterator<Item = String>, out: &mut String| {
        out.push('|');
        for (c, cell) in cells.enumerate() {
            out.push(' ');
            out.push_str(&cell);
            if pad {
                out.push_str(&" ".repeat(widths[c].saturating_sub(width(&cell))));
            }
            out.push_str(" |");
        }
        out.push('\n');
    };
    let escaped = |row: &[String]| -> Vec<String> {
        (0..columns)
            .map(|c| row.get(c).map(|cell| grid_cell(cell)).unwrap_or_default())
            .collect()
    };
    let body = if grid.header {
        line(&mut escaped(&grid.rows[0]).into_iter(), out);
        &grid.rows[1..]
    } else {
        line(&mut (0..columns).map(|_| String::new()), out);
        &grid.rows[..]
    };
    line(
        &mut (0..columns).map(|c| "-".repeat(if pad { widths[c] } else { 3 })),
        out,
    );
    for row in body {
        line(&mut escaped(row).into_iter(), out);
    }
}

fn grid_cell(text: &str) -> String {
    if !text.contains(['\n', '\r']) {
        return escape_text(text.trim(), Context::Table);
    }
    text.split(['\n', '\r'])
        .map(|line| escape_text(line.trim(), Context::Table))
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("<br>")
}

/// Writes rendered cells as a pipe table, padding columns while rows stay short.
fn write_pipe_table(rows: &[Vec<String>], columns: usize, first_is_header: bool, out: &mut String) {
    if rows.is_empty() {
        return;
    }
    let width = |s: &str| s.chars().count();
    let mut widths = vec![3; columns];
    for row in rows {
        for (c, cell) in row.iter().enumerate() {
            widths[c] = widths[c].max(width(cell));
        }
    }
    // Pad columns for readable source, unless that makes rows very long.
    let pad = widths.iter().sum::<usize>() + 3 * columns <= 160;
    let line = |cells: &[String], out: &mut String| {
        out.push('|');
        for (c, cell) in cells.iter().enumerate() {
            out.push(' ');
            out.push_str(cell);
            if pad {
                out.push_str(&" ".repeat(widths[c] - width(cell)));
            }
            out.push_str(" |");
        }
        out.push('\n');
    };
    let empty: Vec<String> = vec![String::new(); columns];
    let (header, body) = if !first_is_header {
        (&empty, rows)
    } else {
        (&rows[0], &rows[1..])
    };
    line(header, out);
    let rule: Vec<String> = (0..columns)
        .map(|c| "-".repeat(if pad { widths[c] } else { 3 }))
        .collect();
    line(&rule, out);
    for row in body {
        line(row, out);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    Block,
    Table,
}

fn render_inlines(inlines: &[Inline], ctx: Context) -> String {
    let mut out = String::new();
    for inline in inlines {
        render_inline(inline, ctx, &mut out);
    }
    out
}

fn render_inline(inline: &Inline, ctx: Context, out: &mut String) {
    match inline {
        Inline::Text(text) => out.push_str(&escape_text(text, ctx)),
        Inline::Strong(children) => wrap(out, "**", "**", &render_inlines(children, ctx)),
        Inline::Emph(children) => wrap(out, "*", "*", &render_inlines(children, ctx)),
        Inline::Strike(children) => wrap(out, "~~", "~~", &render_inlines(children, ctx)),
        Inline::Superscript(children) => {
            wrap(out, "<sup>", "</sup>", &render_inlines(children, ctx))
        }
        Inline::Subscript(children) => wrap(out, "<sub>", "</sub>", &render_inlines(children, ctx)),
        Inline::Code(code) => {
            let code = code.replace(['\n', '\r'], " ");
            if code.trim().is_empty() {
                out.push_str(&code);
                return;
            }
            let code = if ctx == Context::Table {
                code.replace('|', "\\|")
            } else {
                code
            };
            let ticks = "`".repeat(longest_run(&code, '`') + 1);
            let pad = code.starts_with('`') || code.ends_with('`');
            let space = if pad { " " } else { "" };
            let _ = write!(out, "{ticks}{space}{code}{space}{ticks}");
        }
        Inline::Link { target, content } => {
            // A link whose text is its own address is an autolink: `<https://...>`.
            let bare = matches!(content.as_slice(), [Inline::Text(t)] if t.trim() == target.trim());
            let scheme = ["http://", "https://", "mailto:", "ftp://"]
                .iter()
                .any(|s| target.starts_with(s));
            if bare && scheme && !target.contains(['<', '>', ' ']) {
                let _ = write!(out, "<{}>", target.trim());
                return;
            }
            let text = render_inlines(content, ctx);
            let text = if text.trim().is_empty() {
                escape_text(target, ctx)
            } else {
                text
            };
            if target.is_empty() {
                out.push_str(&text);
                return;
            }
            let _ = write!(out, "[{text}]({})", link_destination(target));
        }
        Inline::SoftBreak => out.push(if ctx == Context::Table { ' ' } else { '\n' }),
        Inline::Image { alt, src, size } => {
            let alt_text = escape_text(alt.trim(), ctx).replace(['\n', '\r'], " ");
            if src.is_empty() {
                out.push_str(&alt_text);
            } else if let Some((width, height)) = size {
                // Markdown has no image size; the HTML form keeps the document's.
                let _ = write!(
                    out,
                    "<img src=\"{}\" alt=\"{}\" width=\"{width}\" height=\"{height}\" />",
                    html_escape(src),
                    html_escape(&alt.replace(['\n', '\r'], " "))
                );
            } else {
                let _ = write!(out, "![{alt_text}]({})", link_destination(src));
            }
        }
        Inline::NoteRef(label) => {
            let _ = write!(out, "[^{label}]");
        }
        Inline::Math { tex, display } => {
            let tex = tex.trim();
            if !tex.is_empty() {
                // Inside a table cell a line break would end the row.
                let tex = if ctx == Context::Table {
                    tex.replace('\n', " ").replace('|', "\\vert ")
                } else {
                    tex.to_string()
                };
                let fence = if *display { "$$" } else { "$" };
                let _ = write!(out, "{fence}{tex}{fence}");
            }
        }
        Inline::TaskBox(checked) => out.push_str(if *checked { "[x] " } else { "[ ] " }),
        Inline::ListMarker { ordered } => out.push_str(if *ordered { "1. " } else { "- " }),
        Inline::LineBreak => {
            if ctx == Context::Table {
                out.push_str("<br>");
            } else {
                out.push_str("\\\n");
            }
        }
    }
}

/// A table with merged cells, as HTML (GitHub renders it; a pipe table would shift cells).
fn render_html_table(table: &Table, out: &mut String) {
    out.push_str("<table>\n");
    for (r, row) in table.rows.iter().enumerate() {
        if r == 0 {
            out.push_str("<thead>\n");
        } else if r == 1 {
            out.push_str("<tbody>\n");
        }
        out.push_str("<tr>\n");
        let tag = if r == 0 { "th" } else { "td" };
        for (c, cell) in row.iter().enumerate() {
            let (colspan, rowspan) = table
                .spans
                .get(r)
                .and_then(|s| s.get(c))
                .copied()
                .unwrap_or((1, 1));
            if colspan == 0 {
                continue;
            }
            let mut attrs = String::new();
            if colspan > 1 {
                let _ = write!(attrs, " colspan=\"{colspan}\"");
            }
            if rowspan > 1 {
                let _ = write!(attrs, " rowspan=\"{rowspan}\"");
            }
            let _ = writeln!(out, "<{tag}{attrs}>{}</{tag}>", html_cell(cell));
        }
        out.push_str("</tr>\n");
        if r == 0 {
            out.push_str("</thead>\n");
        }
    }
    if table.rows.len() > 1 {
        out.push_str("</tbody>\n");
    }
    out.push_str("</table>\n");
}

/// A cell's paragraphs as HTML: list items grouped into `<ul>`/`<ol>`, other paragraphs joined
/// with line breaks.
fn html_cell(paragraphs: &[Vec<Inline>]) -> String {
    let mut out = String::new();
    let mut open: Option<bool> = None;
    for (i, p) in paragraphs.iter().enumerate() {
        let item = match p.first() {
            Some(Inline::ListMarker { ordered }) => Some(*ordered),
            _ => None,
        };
        if open.is_some() && open != item {
            out.push_str(if open == Some(true) { "</ol>" } else { "</ul>" });
            open = None;
        }
        match item {
            Some(ordered) => {
                if open.is_none() {
                    out.push_str(if ordered { "<ol>" } else { "<ul>" });
                    open = Some(ordered);
                }
                let _ = write!(out, "<li>{}</li>", html_inlines(&p[1..]));
            }
            None => {
                if i > 0 && !out.ends_with("</ul>") && !out.ends_with("</ol>") {
                    out.push_str("<br />");
                }
                out.push_str(&html_inlines(p));
            }
        }
    }
    match open {
        Some(true) => out.push_str("</ol>"),
        Some(false) => out.push_str("</ul>"),
        None => {}
    }
    out
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn html_inlines(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for inline in inlines {
        match inline {
            Inline::Text(t) => out.push_str(&html_escape(t)),
            Inline::Strong(c) => {
                let _ = write!(out, "<strong>{}</strong>", html_inlines(c));
            }
            Inline::Emph(c) => {
                let _ = write!(out, "<em>{}</em>", html_inlines(c));
            }
            Inline::Strike(c) => {
                let _ = write!(out, "<del>{}</del>", html_inlines(c));
            }
            Inline::Superscript(c) => {
                let _ = write!(out, "<sup>{}</sup>", html_inlines(c));
            }
            Inline::Subscript(c) => {
                let _ = write!(out, "<sub>{}</sub>", html_inlines(c));
            }
            Inline::Code(t) => {
                let _ = write!(out, "<code>{}</code>", html_escape(t));
            }
            Inline::Link { target, content } => {
                let _ = write!(
                    out,
                    "<a href=\"{}\">{}</a>",
                    html_escape(target),
                    html_inlines(content)
                );
            }
            Inline::LineBreak => out.push_str("<br />"),
            Inline::SoftBreak => out.push(' '),
            Inline::Image { alt, src, .. } if !src.is_empty() => {
                let _ = write!(
                    out,
                    "<img src=\"{}\" alt=\"{}\" />",
                    html_escape(src),
                    html_escape(alt)
                );
            }
            Inline::Image { alt, .. } => out.push_str(&html_escape(alt)),
            Inline::NoteRef(label) => {
                let _ = write!(out, "[^{label}]");
            }
            Inline::Math { tex, display } => {
                let fence = if *display { "$$" } else { "$" };
                let _ = write!(out, "{fence}{}{fence}", html_escape(tex.trim()));
            }
            Inline::TaskBox(checked) => out.push_str(if *checked { "[x] " } else { "[ ] " }),
            Inline::ListMarker { .. } => {}
        }
    }
    out
}

/// Wraps inline text in emphasis markers, moving spaces at its edges outside the markers
/// (`** a **` does not render as bold) and dropping markers around nothing.
fn wrap(out: &mut String, open: &str, close: &str, inner: &str) {
    let trimmed = inner.trim();
    if trimmed.is_empty() {
        out.push_str(inner);
        return;
    }
    let lead = &inner[..inner.len() - inner.trim_start().len()];
    let trail = &inner[inner.trim_end().len()..];
    let _ = write!(out, "{lead}{open}{trimmed}{close}{trail}");
}

fn link_destination(target: &str) -> String {
    // A bare quote is never part of a URI (RFC 3986 2.2): encoded, it cannot end a title.
    let encoded;
    let target = if target.contains('"') {
        encoded = target.trim().replace('"', "%22");
        encoded.as_str()
    } else {
        target.trim()
    };
    let needs_angle = target
        .chars()
        .any(|c| c.is_whitespace() || c == '(' || c == ')' || c == '<');
    if needs_angle {
        format!(
            "<{}>",
            target
                .replace('<', "%3C")
                .replace('>', "%3E")
                .replace('\n', "")
        )
    } else {
        target.to_string()
    }
}

fn longest_run(text: &str, c: char) -> usize {
    let mut best = 0;
    let mut run = 0;
    for x in text.chars() {
        if x == c {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

fn single_line(text: &str) -> String {
    let joined = text.replace("\\\n", " ").replace('\n', " ");
    joined.trim().to_string()
}

/// Escapes the characters of literal text that Markdown would otherwise read as inline syntax.
/// Characters that cannot start syntax where they stand are left alone, so ordinary prose stays
/// readable: `snake_case`, `a * b` and `5 < 6` are written as they are.
fn escape_text(text: &str, ctx: Context) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let prev = if i == 0 { None } else { Some(chars[i - 1]) };
        let next = chars.get(i + 1).copied();
        let escape = match c {
            '\n' | '\r' => {
                out.push(' ');
                continue;
            }
            '\\' | '`' | '[' | ']' => true,
            '*' => {
                !(prev.is_some_and(char::is_whitespace) && next.is_some_and(char::is_whitespace))
            }
            '_' => {
                // Inside a word or between spaces an underscore cannot open or close emphasis.
                let word = |x: Option<char>| x.is_some_and(char::is_alphanumeric);
                let space = |x: Option<char>| x.is_some_and(char::is_whitespace);
                let inert = (word(prev) && word(next)) || (space(prev) && space(next));
                !inert
            }
            '~' => prev == Some('~') || next == Some('~'),
            '<' => next.is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')),
            '&' => looks_like_entity(&chars[i + 1..]),
            '|' => ctx == Context::Table,
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn looks_like_entity(rest: &[char]) -> bool {
    let name: String = rest
        .iter()
        .take(33)
        .take_while(|c| c.is_ascii_alphanumeric() || **c == '#')
        .collect();
    !name.is_empty() && rest.get(name.chars().count()) == Some(&';')
}

/// Escapes what would turn the start of a line into block syntax: headings, quotes, list markers,
/// thematic breaks, setext underlines, fences, indented code.
fn escape_line_starts(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&escape_line_start(line.trim_start()));
    }
    out
}

fn escape_line_start(line: &str) -> String {
    let Some(first) = line.chars().next() else {
        return String::new();
    };
    let rest = &line[first.len_utf8()..];
    let needs = match first {
        '#' => {
            let hashes = line.chars().take_while(|&c| c == '#').count();
            hashes <= 6
                && line[hashes..]
                    .chars()
                    .next()
                    .is_none_or(|c| c == ' ' || c == '\t')
        }
        '>' => true,
        '-' | '+' | '*' => {
            rest.is_empty() || rest.starts_with([' ', '\t']) || is_rule_or_underline(line, first)
        }
        '=' => is_rule_or_underline(line, '='),
        '~' => rest.starts_with("~~"),
        '0'..='9' => {
            let digits = line.chars().take_while(char::is_ascii_digit).count();
            let after = &line[digits..];
            if digits <= 9 && (after.starts_with('.') || after.starts_with(')')) {
                let tail = &after[1..];
                if tail.is_empty() || tail.starts_with([' ', '\t']) {
                    let mut s = String::with_capacity(line.len() + 1);
                    s.push_str(&line[..digits]);
                    s.push('\\');
                    s.push_str(after);
                    return s;
                }
            }
            false
        }
        _ => false,
    };
    if needs {
        format!("\\{line}")
    } else {
        line.to_string()
    }
}

fn is_rule_or_underline(line: &str, c: char) -> bool {
    let t: String = line.chars().filter(|x| !x.is_whitespace()).collect();
    !t.is_empty() && t.chars().all(|x| x == c) && (c == '=' || c == '-' || t.len() >= 3)
}

/// Lines of plain text as inlines: one `Text` per line, joined by soft breaks, so the Markdown
/// keeps the source's line structure and renders as reflowed text.
pub fn text_lines(lines: &[&str]) -> Vec<Inline> {
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.push(Inline::SoftBreak);
        }
        out.push(Inline::Text(line.trim().to_string()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Inline {
        Inline::Text(s.into())
    }

    fn p(inlines: Vec<Inline>) -> Block {
        Block::Paragraph(inlines)
    }

    #[test]
    fn paragraphs_are_separated_by_one_blank_line() {
        let md = render(&[p(vec![t("one")]), p(vec![t("two")])]);
        assert_eq!(md, "one\n\ntwo\n");
    }

    #[test]
    fn literal_syntax_is_escaped_and_prose_is_not() {
        let md = render(&[p(vec![t(
            "a * b, snake_case, *stars*, _under_, [x], <b>, 5 < 6, &amp;",
        )])]);
        assert_eq!(
            md,
            "a * b, snake_case, \\*stars\\*, \\_under\\_, \\[x\\], \\<b>, 5 < 6, \\&amp;\n"
        );
    }

    #[test]
    fn line_starts_that_look_like_blocks_are_escaped() {
        for (input, want) in [
            ("# not a heading", "\\# not a heading\n"),
            ("- not a list", "\\- not a list\n"),
            ("1. not a list", "1\\. not a list\n"),
            ("2024) a year", "2024\\) a year\n"),
            ("> not a quote", "\\> not a quote\n"),
            ("---", "\\---\n"),
            ("#hashtag", "#hashtag\n"),
            ("-dash", "-dash\n"),
        ] {
            assert_eq!(render(&[p(vec![t(input)])]), want, "{input}");
        }
    }

    #[test]
    fn marks_nest_without_stray_markers() {
        let bold = Marks {
            strong: true,
            ..Marks::default()
        };
        let bold_italic = Marks {
            strong: true,
            emph: true,
            ..Marks::default()
        };
        let runs = vec![
            Run::Text(Marks::default(), "x ".into()),
            Run::Text(bold, "bold ".into()),
            Run::Text(bold_italic, "both".into()),
            Run::Text(bold, " bold".into()),
        ];
        let md = render(&[p(nest_runs(runs))]);
        assert_eq!(md, "x **bold *both* bold**\n");
    }

    #[test]
    fn spaces_move_outside_emphasis() {
        let md = render(&[p(vec![t("a"), Inline::Strong(vec![t(" b ")]), t("c")])]);
        assert_eq!(md, "a **b** c\n");
        let md = render(&[p(vec![t("a"), Inline::Emph(vec![t(" ")]), t("c")])]);
        assert_eq!(md, "a c\n");
    }

    #[test]
    fn code_spans_grow_their_fence() {
        let md = render(&[p(vec![Inline::Code("a`b".into())])]);
        assert_eq!(md, "``a`b``\n");
    }

    #[test]
    fn nested_lists_indent_by_marker_width() {
        let item = |level, ordered, text: &str| FlatItem {
            level,
            ordered,
            start: 1,
            list_id: 0,
            blocks: vec![p(vec![t(text)])],
        };
        let blocks = build_lists(vec![
            item(0, true, "one"),
            item(1, false, "inner"),
            item(2, false, "deeper"),
            item(0, true, "two"),
        ]);
        assert_eq!(
            render(&blocks),
            "1. one\n   - inner\n     - deeper\n2. two\n"
        );
    }

    #[test]
    fn adjacent_lists_stay_apart() {
        let list = |ordered| {
            Block::List(List {
                ordered,
                start: 1,
                items: vec![vec![p(vec![t("x")])]],
            })
        };
        assert_eq!(
            render(&[list(false), list(false)]),
            "- x\n\n<!-- -->\n\n- x\n"
        );
    }

    #[test]
    fn tables_escape_pipes_and_pad_columns() {
        let cell = |s: &str| vec![vec![t(s)]];
        let table = Table {
            rows: vec![
                vec![cell("a"), cell("b|c")],
                vec![cell("long cell"), cell("")],
            ],
            spans: Vec::new(),
            header: None,
        };
        assert_eq!(
            render(&[Block::Table(table)]),
            "| a         | b\\|c |\n| --------- | ---- |\n| long cell |      |\n"
        );
    }

    #[test]
    fn a_single_row_is_data_under_an_empty_header() {
        let table = Table {
            rows: vec![vec![vec![vec![t("one")]], vec![vec![t("two")]]]],
            spans: Vec::new(),
            header: None,
        };
        assert_eq!(
            render(&[Block::Table(table)]),
            "|     |     |\n| --- | --- |\n| one | two |\n"
        );
    }

    #[test]
    fn links_keep_text_and_wrap_odd_targets() {
        let link = Inline::Link {
            target: "http://x.org/a b".into(),
            content: vec![t("here")],
        };
        assert_eq!(render(&[p(vec![link])]), "[here](<http://x.org/a b>)\n");
    }

    #[test]
    fn finish_collapses_blank_lines_but_not_inside_fences() {
        assert_eq!(finish("a\n\n\n\nb\n\n".into()), "a\n\nb\n");
        assert_eq!(
            finish("```\nx\n\n\ny\n```\n".into()),
            "```\nx\n\n\ny\n```\n"
        );
        assert_eq!(finish(String::new()), "");
    }

    #[test]
    fn code_block_fence_outgrows_content() {
        let md = render(&[Block::CodeBlock {
            info: String::new(),
            text: "```\nx\n".into(),
        }]);
        assert_eq!(md, "````\n```\nx\n````\n");
    }
}
