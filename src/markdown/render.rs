//! Rendering the model: blocks and inlines to CommonMark with GitHub's pipe tables, HTML tables
//! where cells span, and escaping of every literal character Markdown would read as syntax.

use std::fmt::Write as _;

use super::*;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{build_lists, nest_runs};

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
