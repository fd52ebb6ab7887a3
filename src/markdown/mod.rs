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

mod render;

pub use render::{finish, render};
