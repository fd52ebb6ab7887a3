//! Word (.docx): the body read by docx-rs, document properties read from docProps/*.xml.
//!
//! docx-rs parses the package into typed structures; this module walks them into the shared
//! Markdown model: headings from `Title`/`Heading N` styles or outline levels (following
//! `basedOn` chains, so custom and localised styles that inherit from a heading are headings),
//! paragraphs, bold/italic/strikethrough/super- and subscript, inline code (monospace fonts or
//! code styles), hyperlinks resolved through the relationships part, bullet and numbered lists
//! from numbering.xml with nesting, code blocks, quotes and tables as pipe tables. Tracked
//! insertions are kept and deletions dropped, so the Markdown shows the document as it reads now.
//!
//! Several docx-rs fields are private and only visible through its `Serialize` impls or
//! `PartialEq` against a constructed value; the helpers at the bottom hide that.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use docx_rs::{
    Bold, Break, BreakType, DocumentChild, Docx, HyperlinkData, InsertChild, Italic, MoveToChild,
    Paragraph, ParagraphChild, Run as DocxRun, RunChild, RunProperty, StructuredDataTagChild,
    Style, Table as DocxTable, TableCellContent, TableChild, TableRowChild, TocContent, VertAlign,
    VertAlignType,
};

use super::{ConvertError, ConvertOptions, Converted, Converter, Metadata};
use crate::markdown::{self, Block, FlatItem, Inline, Marks, Run, Table};

pub struct DocxConverter;

impl Converter for DocxConverter {
    fn name(&self) -> &'static str {
        "docx"
    }

    fn version(&self) -> &'static str {
        "1"
    }

    fn convert(&self, bytes: &[u8], options: &ConvertOptions) -> Result<Converted, ConvertError> {
        check_nesting(bytes, options.limits.max_xml_depth)?;
        let mut options = docx_rs::ReadDocxOptions::default();
        options.generate_image_previews = false;
        // docx-rs unwraps the zip reader's errors: a damaged part (bad deflate data, wrong CRC)
        // panics. Catch it here to tell a damaged file from a bug.
        let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            docx_rs::read_docx_with_options(bytes, options)
        }));
        let docx = match read {
            Ok(result) => {
                result.map_err(|e| ConvertError::Corrupt(format!("cannot read DOCX: {e}")))?
            }
            Err(panic) => {
                return Err(damaged_part(bytes)
                    .map(|why| ConvertError::Corrupt(format!("damaged DOCX: {why}")))
                    .unwrap_or_else(|| ConvertError::Internal(super::panic_message(panic))));
            }
        };
        let ctx = Context::new(&docx);
        let mut walker = Walker {
            ctx: &ctx,
            blocks: Vec::new(),
            pending: Pending::None,
            counters: HashMap::new(),
        };
        for child in &docx.document.children {
            walker.document_child(child);
        }
        walker.flush();
        let mut metadata = read_properties(bytes);
        let headings = count_headings(&walker.blocks);
        metadata.insert("heading_count".into(), headings.to_string());
        Ok(Converted {
            markdown: markdown::render(&walker.blocks),
            metadata,
            warning: None,
        })
    }
}

/// Styles, numbering and link targets, resolved once per document.
struct Context {
    styles: HashMap<String, StyleInfo>,
    /// numId → (abstract levels: (ordered, start) per ilvl, level start overrides).
    numbering: HashMap<usize, Vec<(ListKind, u64)>>,
    links: HashMap<String, String>,
}

/// How a numbering level marks its paragraphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListKind {
    Bullet,
    Ordered,
    /// `numFmt none`: a paragraph that continues the list item before it.
    Unmarked,
}

#[derive(Debug, Clone, Default)]
struct StyleInfo {
    heading: Option<u8>,
    code: bool,
    quote: bool,
    list_paragraph: bool,
    list: Option<(usize, usize)>,
    marks: Marks,
}

impl Context {
    fn new(docx: &Docx) -> Context {
        let by_id: HashMap<&str, &Style> = docx
            .styles
            .styles
            .iter()
            .map(|s| (s.style_id.as_str(), s))
            .collect();
        let mut styles = HashMap::new();
        for style in &docx.styles.styles {
            styles.insert(style.style_id.clone(), resolve_style(style, &by_id));
        }
        let mut abstracts: HashMap<usize, Vec<(ListKind, u64)>> = HashMap::new();
        for abs in &docx.numberings.abstract_nums {
            let mut levels = vec![(ListKind::Bullet, 1); 9];
            for level in &abs.levels {
                if level.level < 9 {
                    // A bullet that draws nothing marks continuation paragraphs (pandoc writes
                    // them so).
                    let blank = json_string(&level.text).is_some_and(|t| t.trim().is_empty());
                    let kind = match level.format.val.as_str() {
                        "bullet" if blank => ListKind::Unmarked,
                        "bullet" | "" => ListKind::Bullet,
                        "none" => ListKind::Unmarked,
                        _ => ListKind::Ordered,
                    };
                    let start = json_u64(&level.start).unwrap_or(1);
                    levels[level.level] = (kind, start);
                }
            }
            abstracts.insert(abs.id, levels);
        }
        let mut numbering = HashMap::new();
        for num in &docx.numberings.numberings {
            let Some(levels) = abstracts.get(&num.abstract_num_id) else {
                continue;
            };
            let mut levels = levels.clone();
            for o in &num.level_overrides {
                if let (Some(start), Some(level)) = (o.override_start, levels.get_mut(o.level)) {
                    level.1 = start as u64;
                }
            }
            numbering.insert(num.id, levels);
        }
        let links = docx
            .hyperlinks
            .iter()
            .map(|(rid, target, _)| (rid.clone(), target.clone()))
            .collect();
        Context {
            styles,
            numbering,
            links,
        }
    }

    fn style(&self, id: Option<&str>) -> StyleInfo {
        id.and_then(|id| self.styles.get(id))
            .cloned()
            .unwrap_or_default()
    }
}

/// Follows a style's `basedOn` chain (at most 16 steps: chains can be cyclic in bad files).
fn resolve_style(style: &Style, by_id: &HashMap<&str, &Style>) -> StyleInfo {
    let mut info = StyleInfo::default();
    let mut current = Some(style);
    let mut first = true;
    for _ in 0..16 {
        let Some(s) = current else { break };
        let name = json_string(&s.name).unwrap_or_default().to_lowercase();
        let id = s.style_id.to_lowercase();
        if info.heading.is_none() {
            info.heading = heading_level_from_name(&name)
                .or_else(|| heading_level_from_name(&id))
                .or_else(|| {
                    s.paragraph_property
                        .outline_lvl
                        .as_ref()
                        .filter(|o| o.v < 9)
                        .map(|o| o.v as u8 + 1)
                });
        }
        let looks = |words: &[&str]| words.iter().any(|w| name.contains(w) || id.contains(w));
        if looks(&[
            "code",
            "source text",
            "preformatted",
            "verbatim",
            "macro text",
            "plain text",
            "sourcecode",
        ]) {
            info.code = true;
        }
        if looks(&["quote", "quotation", "block text", "blockquote"]) && !looks(&["quoted"]) {
            info.quote = true;
        }
        if looks(&[
            "list paragraph",
            "listparagraph",
            "list continue",
            "listcontinue",
        ]) {
            info.list_paragraph = true;
        }
        if info.list.is_none()
            && let Some(num) = &s.paragraph_property.numbering_property
        {
            info.list = numbering_ref(num);
        }
        let props = &s.run_property;
        if first || !info.marks.strong {
            info.marks.strong |= is_on_bold(props);
        }
        info.marks.emph |= is_on_italic(props);
        info.marks.strike |= props.strike.as_ref().is_some_and(|s| s.val);
        info.marks.code |= props.fonts.as_ref().is_some_and(is_monospace_fonts);
        first = false;
        current = json_string(&s.based_on).and_then(|b| by_id.get(b.as_str()).copied());
    }
    info
}

fn heading_level_from_name(name: &str) -> Option<u8> {
    let name = name.trim();
    if name == "title" {
        return Some(1);
    }
    let rest = name.strip_prefix("heading").map(str::trim)?;
    let level: u8 = rest.parse().ok()?;
    (1..=9).contains(&level).then_some(level)
}

fn numbering_ref(num: &docx_rs::NumberingProperty) -> Option<(usize, usize)> {
    let id = num.id.as_ref()?.id;
    if id == 0 {
        return None;
    }
    Some((id, num.level.as_ref().map_or(0, |l| l.val)))
}

/// Consecutive paragraphs that render as one block (code lines, quoted paragraphs, list items).
enum Pending {
    None,
    Code(Vec<String>),
    Quote(Vec<Block>),
    List(Vec<FlatItem>),
}

struct Walker<'a> {
    ctx: &'a Context,
    blocks: Vec<Block>,
    pending: Pending,
    /// Items seen so far per (numId, level), for the start number of a continued list.
    counters: HashMap<(usize, usize), u64>,
}

impl Walker<'_> {
    fn document_child(&mut self, child: &DocumentChild) {
        match child {
            DocumentChild::Paragraph(p) => self.paragraph(p),
            DocumentChild::Table(t) => {
                self.flush();
                let table = self.table(t);
                self.blocks.push(table);
            }
            DocumentChild::StructuredDataTag(sdt) => {
                for child in &sdt.children {
                    match child {
                        StructuredDataTagChild::Paragraph(p) => self.paragraph(p),
                        StructuredDataTagChild::Table(t) => {
                            self.flush();
                            let table = self.table(t);
                            self.blocks.push(table);
                        }
                        StructuredDataTagChild::StructuredDataTag(inner) => {
                            let inner = DocumentChild::StructuredDataTag(inner.clone());
                            self.document_child(&inner);
                        }
                        StructuredDataTagChild::Run(run) => {
                            let inlines = markdown::nest_runs(
                                self.ctx_runs(std::slice::from_ref(run), Marks::default()),
                            );
                            self.flush();
                            self.blocks.push(Block::Paragraph(inlines));
                        }
                        _ => {}
                    }
                }
            }
            DocumentChild::TableOfContents(toc) => {
                for content in toc.before_contents.iter().chain(&toc.after_contents) {
                    match content {
                        TocContent::Paragraph(p) => self.paragraph(p),
                        TocContent::Table(t) => {
                            self.flush();
                            let table = self.table(t);
                            self.blocks.push(table);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn paragraph(&mut self, p: &Paragraph) {
        let props = &p.property;
        let style = self.ctx.style(props.style.as_ref().map(|s| s.val.as_str()));
        let heading = props
            .outline_lvl
            .as_ref()
            .filter(|o| o.v < 9)
            .map(|o| o.v as u8 + 1)
            .or(style.heading);
        // Like pandoc, formatting that comes from a paragraph style (an italic Quote style, a
        // bold Heading) is presentation, not emphasis: only direct and character formatting count.
        let runs = self.paragraph_runs(&p.children, Marks::default());
        let all_code = !runs.is_empty()
            && runs.iter().all(|r| match r {
                Run::Text(m, t) => m.code || t.trim().is_empty(),
                Run::Inline(..) => false,
            })
            && runs.iter().any(|r| matches!(r, Run::Text(m, _) if m.code));
        if heading.is_none() && (style.code || all_code) {
            let text: String = runs
                .iter()
                .map(|r| match r {
                    Run::Text(_, t) => t.clone(),
                    Run::Inline(_, Inline::LineBreak) => "\n".into(),
                    Run::Inline(..) => String::new(),
                })
                .collect();
            match &mut self.pending {
                Pending::Code(lines) => lines.push(text),
                _ => {
                    self.flush();
                    self.pending = Pending::Code(vec![text]);
                }
            }
            return;
        }
        let inlines = markdown::nest_runs(runs);
        if let Some(level) = heading {
            self.flush();
            self.blocks.push(Block::Heading {
                level: level.min(6),
                content: inlines,
            });
            return;
        }
        let list = props
            .numbering_property
            .as_ref()
            .and_then(numbering_ref)
            .or(style.list);
        if let Some((num_id, ilvl)) = list
            && let Some(levels) = self.ctx.numbering.get(&num_id)
        {
            let ilvl = ilvl.min(8);
            let (kind, start) = levels[ilvl];
            if kind == ListKind::Unmarked {
                if let Pending::List(items) = &mut self.pending
                    && let Some(last) = items.last_mut()
                {
                    last.blocks.push(Block::Paragraph(inlines));
                    return;
                }
                self.flush();
                self.blocks.push(Block::Paragraph(inlines));
                return;
            }
            let ordered = kind == ListKind::Ordered;
            let count = self.counters.entry((num_id, ilvl)).or_insert(0);
            let item_start = start + *count;
            *count += 1;
            // A new item at this level restarts the numbering of the levels below it.
            for deeper in ilvl + 1..9 {
                self.counters.remove(&(num_id, deeper));
            }
            let item = FlatItem {
                level: ilvl,
                ordered,
                start: item_start,
                list_id: num_id,
                blocks: vec![Block::Paragraph(inlines)],
            };
            match &mut self.pending {
                Pending::List(items) => items.push(item),
                _ => {
                    self.flush();
                    self.pending = Pending::List(vec![item]);
                }
            }
            return;
        }
        // An unnumbered "List Paragraph" right after a list item continues that item.
        if style.list_paragraph
            && let Pending::List(items) = &mut self.pending
            && let Some(last) = items.last_mut()
            && !inlines.is_empty()
        {
            last.blocks.push(Block::Paragraph(inlines));
            return;
        }
        let is_empty = inlines
            .iter()
            .all(|i| matches!(i, Inline::Text(t) if t.trim().is_empty()));
        if is_empty {
            // Empty paragraphs are spacing; they do not end a list or a quote.
            return;
        }
        if style.quote {
            match &mut self.pending {
                Pending::Quote(blocks) => blocks.push(Block::Paragraph(inlines)),
                _ => {
                    self.flush();
                    self.pending = Pending::Quote(vec![Block::Paragraph(inlines)]);
                }
            }
            return;
        }
        self.flush();
        self.blocks.push(Block::Paragraph(inlines));
    }

    /// Emits the pending multi-paragraph block, if any.
    fn flush(&mut self) {
        match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::None => {}
            Pending::Code(lines) => self.blocks.push(Block::CodeBlock {
                info: String::new(),
                text: lines.join("\n"),
            }),
            Pending::Quote(blocks) => self.blocks.push(Block::Quote(blocks)),
            Pending::List(items) => self.blocks.extend(markdown::build_lists(items)),
        }
    }

    fn paragraph_runs(&self, children: &[ParagraphChild], base: Marks) -> Vec<Run> {
        let mut runs = Vec::new();
        for child in children {
            match child {
                ParagraphChild::Run(run) => runs.extend(self.run(run, base)),
                ParagraphChild::Insert(ins) => {
                    for c in &ins.children {
                        if let InsertChild::Run(run) = c {
                            runs.extend(self.run(run, base));
                        }
                    }
                }
                ParagraphChild::MoveTo(mv) => {
                    for c in &mv.children {
                        if let MoveToChild::Run(run) = c {
                            runs.extend(self.run(run, base));
                        }
                    }
                }
                ParagraphChild::Hyperlink(link) => {
                    let inner = markdown::nest_runs(self.paragraph_runs(&link.children, base));
                    let target = match &link.link {
                        HyperlinkData::External { rid, path } => self
                            .ctx
                            .links
                            .get(rid)
                            .cloned()
                            .unwrap_or_else(|| path.clone()),
                        HyperlinkData::Anchor { anchor } => format!("#{anchor}"),
                    };
                    if target.is_empty() || target == "#" {
                        runs.extend(inner.into_iter().map(|i| Run::Inline(Marks::default(), i)));
                    } else {
                        runs.push(Run::Inline(
                            Marks::default(),
                            Inline::Link {
                                target,
                                content: inner,
                            },
                        ));
                    }
                }
                ParagraphChild::StructuredDataTag(sdt) => {
                    for c in &sdt.children {
                        if let StructuredDataTagChild::Run(run) = c {
                            runs.extend(self.run(run, base));
                        }
                    }
                }
                _ => {}
            }
        }
        runs
    }

    fn ctx_runs(&self, runs: &[Box<DocxRun>], base: Marks) -> Vec<Run> {
        runs.iter().flat_map(|r| self.run(r, base)).collect()
    }

    fn run(&self, run: &DocxRun, base: Marks) -> Vec<Run> {
        let props = &run.run_property;
        if props.vanish.is_some() || props.del.is_some() {
            return Vec::new();
        }
        let mut marks = base;
        if let Some(style) = props.style.as_ref().map(|s| self.ctx.style(Some(&s.val))) {
            marks.strong |= style.marks.strong;
            marks.emph |= style.marks.emph;
            marks.strike |= style.marks.strike;
            marks.code |= style.code || style.marks.code;
        }
        if let Some(b) = &props.bold {
            marks.strong = *b == Bold::new();
        }
        if let Some(i) = &props.italic {
            marks.emph = *i == Italic::new();
        }
        if let Some(s) = &props.strike {
            marks.strike = s.val;
        }
        if let Some(fonts) = &props.fonts {
            marks.code |= is_monospace_fonts(fonts);
        }
        if let Some(v) = &props.vert_align {
            marks.superscript = *v == VertAlign::new(VertAlignType::SuperScript);
            marks.subscript = *v == VertAlign::new(VertAlignType::SubScript);
        }
        let mut out = Vec::new();
        let mut text = String::new();
        let flush_text = |text: &mut String, out: &mut Vec<Run>| {
            if !text.is_empty() {
                out.push(Run::Text(marks, std::mem::take(text)));
            }
        };
        for child in &run.children {
            match child {
                RunChild::Text(t) => text.push_str(&t.text),
                RunChild::Tab(_) | RunChild::PTab(_) => text.push(' '),
                RunChild::Sym(sym) => text.extend(symbol_char(&sym.char)),
                // Page and column breaks are layout, not content.
                RunChild::Break(br) if *br == Break::new(BreakType::TextWrapping) => {
                    flush_text(&mut text, &mut out);
                    out.push(Run::Inline(Marks::default(), Inline::LineBreak));
                }
                RunChild::CarriageReturn(_) => {
                    flush_text(&mut text, &mut out);
                    out.push(Run::Inline(Marks::default(), Inline::LineBreak));
                }
                _ => {}
            }
        }
        flush_text(&mut text, &mut out);
        out
    }

    fn table(&self, table: &DocxTable) -> Block {
        let mut rows = Vec::new();
        for TableChild::TableRow(row) in &table.rows {
            let mut cells = Vec::new();
            for TableRowChild::TableCell(cell) in &row.cells {
                let props = serde_json::to_value(&cell.property).unwrap_or_default();
                let span = props
                    .get("gridSpan")
                    .and_then(|v| v.as_u64())
                    .unwrap_or(1)
                    .clamp(1, 64);
                let continued =
                    props.get("verticalMerge").and_then(|v| v.as_str()) == Some("continue");
                let mut paragraphs = Vec::new();
                if !continued {
                    for content in &cell.children {
                        self.cell_content(content, &mut paragraphs);
                    }
                }
                cells.push(paragraphs);
                for _ in 1..span {
                    cells.push(Vec::new());
                }
            }
            rows.push(cells);
        }
        Block::Table(Table { rows })
    }

    /// Cell content as paragraphs of inlines; lists and nested tables are flattened to text.
    fn cell_content(&self, content: &TableCellContent, out: &mut Vec<Vec<Inline>>) {
        match content {
            TableCellContent::Paragraph(p) => {
                let inlines =
                    markdown::nest_runs(self.paragraph_runs(&p.children, Marks::default()));
                if !inlines.is_empty() {
                    out.push(inlines);
                }
            }
            TableCellContent::Table(t) => {
                for TableChild::TableRow(row) in &t.rows {
                    let mut line = Vec::new();
                    for TableRowChild::TableCell(cell) in &row.cells {
                        let mut inner = Vec::new();
                        for c in &cell.children {
                            self.cell_content(c, &mut inner);
                        }
                        for p in inner {
                            if !line.is_empty() {
                                line.push(Inline::Text(" ".into()));
                            }
                            line.extend(p);
                        }
                    }
                    if !line.is_empty() {
                        out.push(line);
                    }
                }
            }
            TableCellContent::StructuredDataTag(sdt) => {
                for c in &sdt.children {
                    if let StructuredDataTagChild::Paragraph(p) = c {
                        self.cell_content(&TableCellContent::Paragraph(p.clone()), out);
                    }
                }
            }
            TableCellContent::TableOfContents(_) => {}
        }
    }
}

fn count_headings(blocks: &[Block]) -> usize {
    blocks
        .iter()
        .filter(|b| matches!(b, Block::Heading { .. }))
        .count()
}

/// `w:sym` characters are given as hex code points, often in the symbol fonts' private-use area
/// (F020-F0FF mirrors 0020-00FF).
fn symbol_char(hex: &str) -> Option<char> {
    let code = u32::from_str_radix(hex.trim(), 16).ok()?;
    let code = if (0xF020..=0xF0FF).contains(&code) {
        code - 0xF000
    } else {
        code
    };
    char::from_u32(code).filter(|c| !c.is_control())
}

fn is_on_bold(props: &RunProperty) -> bool {
    props.bold.as_ref().is_some_and(|b| *b == Bold::new())
}

fn is_on_italic(props: &RunProperty) -> bool {
    props.italic.as_ref().is_some_and(|i| *i == Italic::new())
}

const MONOSPACE_FONTS: &[&str] = &[
    "courier",
    "consolas",
    "mono",
    "menlo",
    "monaco",
    "lucida console",
    "source code",
    "fira code",
    "inconsolata",
    "andale",
    "fixedsys",
    "ocr a",
    "letter gothic",
    "prestige elite",
    "typewriter",
];

fn is_monospace_fonts(fonts: &docx_rs::RunFonts) -> bool {
    let value = serde_json::to_value(fonts).unwrap_or_default();
    ["ascii", "hi_ansi", "hiAnsi"].iter().any(|key| {
        value
            .get(*key)
            .and_then(|v| v.as_str())
            .is_some_and(|name| {
                let name = name.to_lowercase();
                MONOSPACE_FONTS.iter().any(|m| name.contains(m))
            })
    })
}

fn json_string<T: serde::Serialize>(value: &T) -> Option<String> {
    match serde_json::to_value(value).ok()? {
        serde_json::Value::String(s) => Some(s),
        _ => None,
    }
}

fn json_u64<T: serde::Serialize>(value: &T) -> Option<u64> {
    serde_json::to_value(value).ok()?.as_u64()
}

/// Refuses packages whose XML parts nest deeper than `--max-xml-depth` (default 1,000: real
/// documents stay under a hundred levels, tables in tables included; docx-rs recurses per level
/// and overflows its stack somewhere past ten thousand, which would abort the whole process), or
/// declare entities: OOXML allows no DTD, and entities are how "billion laughs" expand a few
/// kilobytes into gigabytes.
fn check_nesting(bytes: &[u8], max_depth: usize) -> Result<(), ConvertError> {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    for i in 0..archive.len() {
        let Ok(mut file) = archive.by_index(i) else {
            continue;
        };
        let name = file.name().to_string();
        // The parts that hold content (and so can nest tables, content controls, ...); styles,
        // themes and settings are flat.
        let content_part = name.starts_with("word/")
            && name.ends_with(".xml")
            && [
                "document",
                "header",
                "footer",
                "comments",
                "footnotes",
                "endnotes",
                "glossary",
            ]
            .iter()
            .any(|kind| name["word/".len()..].starts_with(kind));
        let xml_part = name.ends_with(".xml") || name.ends_with(".rels");
        if !xml_part {
            continue;
        }
        // A DTD can only come before the root element: the head of a flat part is enough.
        let budget = if content_part { 256 << 20 } else { 64 << 10 };
        let mut xml = Vec::new();
        if (&mut file).take(budget).read_to_end(&mut xml).is_err() {
            continue; // a damaged part is reported by the reader
        }
        if content_part && xml_depth_exceeds(&xml, max_depth) {
            return Err(ConvertError::ResourceLimit(format!(
                "{name} nests XML elements more than {max_depth} levels deep (--max-xml-depth)"
            )));
        }
        let head = &xml[..xml.len().min(64 << 10)];
        if head
            .windows(9)
            .any(|w| w.eq_ignore_ascii_case(b"<!DOCTYPE"))
        {
            return Err(ConvertError::ResourceLimit(format!(
                "{name} declares a DTD with entities: XML entity expansion is not allowed (a billion-laughs bomb?)"
            )));
        }
    }
    Ok(())
}

/// Whether elements nest deeper than `limit`, by a scan of tags (quotes, comments, CDATA and
/// processing instructions respected); no XML is parsed.
fn xml_depth_exceeds(xml: &[u8], limit: usize) -> bool {
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(offset) = xml[i..].iter().position(|&b| b == b'<') {
        i += offset + 1;
        let rest = &xml[i..];
        let skip_to = |end: &[u8]| {
            rest.windows(end.len())
                .position(|w| w == end)
                .map(|p| p + end.len())
        };
        if rest.starts_with(b"!--") {
            i += skip_to(b"-->").unwrap_or(rest.len());
            continue;
        }
        if rest.starts_with(b"![CDATA[") {
            i += skip_to(b"]]>").unwrap_or(rest.len());
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let declaration = matches!(rest.first(), Some(b'?') | Some(b'!'));
        // Find the end of the tag, skipping quoted attribute values.
        let mut quote = None;
        let mut end = rest.len();
        for (k, &b) in rest.iter().enumerate() {
            match quote {
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if b == b'"' || b == b'\'' => quote = Some(b),
                None if b == b'>' => {
                    end = k;
                    break;
                }
                None => {}
            }
        }
        let self_closing = end > 0 && rest.get(end - 1) == Some(&b'/');
        i += end.min(rest.len());
        if declaration || self_closing {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            if depth > limit {
                return true;
            }
        }
    }
    false
}

/// The first part of the package that does not inflate cleanly, if any.
fn damaged_part(bytes: &[u8]) -> Option<String> {
    let mut archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(archive) => archive,
        Err(e) => return Some(e.to_string()),
    };
    for i in 0..archive.len() {
        let mut file = match archive.by_index(i) {
            Ok(file) => file,
            Err(e) => return Some(format!("part {i}: {e}")),
        };
        let name = file.name().to_string();
        if let Err(e) = std::io::copy(&mut (&mut file).take(64 << 20), &mut std::io::sink()) {
            return Some(format!("{name}: {e}"));
        }
    }
    None
}

/// Title, author and friends from docProps/core.xml and docProps/app.xml, which docx-rs does not
/// read. Missing or malformed parts give no metadata, never an error.
fn read_properties(bytes: &[u8]) -> Metadata {
    let mut metadata = Metadata::new();
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return metadata;
    };
    let mut read_part = |name: &str| -> Option<String> {
        let file = archive.by_name(name).ok()?;
        let mut text = String::new();
        // Properties parts are small; refuse to inflate anything large.
        file.take(1 << 20).read_to_string(&mut text).ok()?;
        Some(text)
    };
    if let Some(core) = read_part("docProps/core.xml") {
        for (element, key) in [
            ("title", "title"),
            ("creator", "author"),
            ("subject", "subject"),
            ("keywords", "keywords"),
            ("description", "description"),
            ("lastModifiedBy", "last_modified_by"),
            ("created", "created"),
            ("modified", "modified"),
        ] {
            if let Some(value) = xml_element_text(&core, element) {
                metadata.insert(key.into(), value);
            }
        }
    }
    if let Some(app) = read_part("docProps/app.xml") {
        for (element, key) in [
            ("Pages", "page_count"),
            ("Words", "declared_word_count"),
            ("Application", "application"),
        ] {
            if let Some(value) = xml_element_text(&app, element) {
                metadata.insert(key.into(), value);
            }
        }
    }
    metadata
}

/// The text of the first element with this local name (any namespace prefix), unescaped.
fn xml_element_text(xml: &str, local: &str) -> Option<String> {
    let mut search = 0;
    while let Some(pos) = xml[search..].find('<') {
        let start = search + pos + 1;
        let tag_end = start + xml[start..].find('>')?;
        let tag = &xml[start..tag_end];
        search = tag_end + 1;
        if tag.starts_with('/') || tag.ends_with('/') {
            continue;
        }
        let name = tag.split_whitespace().next().unwrap_or("");
        let name_local = name.rsplit(':').next().unwrap_or(name);
        if name_local != local {
            continue;
        }
        let close = format!("</{name}>");
        let end = search + xml[search..].find(&close)?;
        let value = unescape_xml(xml[search..end].trim());
        return (!value.is_empty()).then_some(value);
    }
    None
}

fn unescape_xml(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_depth_is_measured_without_parsing() {
        let deep = format!("{}{}", "<a x='>'>".repeat(50), "</a>".repeat(50));
        assert!(!xml_depth_exceeds(deep.as_bytes(), 50));
        assert!(xml_depth_exceeds(deep.as_bytes(), 49));
        let flat = "<?xml version='1.0'?><!-- <a><a> --><r><b/><b/><![CDATA[<a><a>]]></r>";
        assert!(!xml_depth_exceeds(flat.as_bytes(), 1));
    }

    #[test]
    fn heading_names() {
        assert_eq!(heading_level_from_name("heading 1"), Some(1));
        assert_eq!(heading_level_from_name("heading 9"), Some(9));
        assert_eq!(heading_level_from_name("title"), Some(1));
        assert_eq!(heading_level_from_name("heading"), None);
        assert_eq!(heading_level_from_name("heading1"), Some(1));
    }

    #[test]
    fn symbols_map_out_of_private_use() {
        assert_eq!(symbol_char("F0B7"), Some('·'));
        assert_eq!(symbol_char("2022"), Some('•'));
        assert_eq!(symbol_char("zz"), None);
    }

    #[test]
    fn core_properties_are_read() {
        let core = r#"<?xml version="1.0"?><cp:coreProperties xmlns:dc="x"><dc:title>A &amp; B</dc:title><dc:creator>Ann</dc:creator><dcterms:created xsi:type="W3CDTF">2024-01-02T03:04:05Z</dcterms:created></cp:coreProperties>"#;
        assert_eq!(xml_element_text(core, "title").as_deref(), Some("A & B"));
        assert_eq!(xml_element_text(core, "creator").as_deref(), Some("Ann"));
        assert_eq!(
            xml_element_text(core, "created").as_deref(),
            Some("2024-01-02T03:04:05Z")
        );
        assert_eq!(xml_element_text(core, "subject"), None);
    }
}
