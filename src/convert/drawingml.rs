//! DrawingML text bodies (`a:txBody`): the text of PowerPoint shapes, Excel drawings and table
//! cells, as paragraphs, lists and code blocks.
//!
//! A paragraph is a list item when its bullet says so: `a:buChar` or `a:buAutoNum` on the
//! paragraph itself, else on its level (`a:pPr@lvl`) in the list styles it inherits — the
//! shape's `a:lstStyle`, its layout's and master's placeholder, the master's text styles —
//! and `a:buNone` anywhere nearer switches it off. A paragraph without a bullet below the first
//! level continues the item above it (an indented paragraph or code under a bullet). Runs carry
//! bold, italic, strikethrough, super/subscript, code (a fixed-pitch typeface) and links
//! (`a:hlinkClick` through the part's relationships); paragraphs whose text is all fixed-pitch
//! are code blocks; `a:br` is a hard line break.

use super::opc::Rels;
use super::xml::Element;
use crate::markdown::{self, Block, FlatItem, Inline, Marks, Run};

/// How a paragraph level is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bullet {
    None,
    Char,
    /// An automatic number, starting at this value.
    Number(u64),
}

/// The bullet each of the nine paragraph levels sets (None: not set at this level here).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListStyle {
    pub levels: [Option<Bullet>; 9],
}

impl ListStyle {
    /// The levels of a list style element (`a:lstStyle`, `p:bodyStyle`, ...): `a:lvl1pPr`..
    pub fn of(element: Option<&Element>) -> ListStyle {
        let mut style = ListStyle::default();
        let Some(element) = element else {
            return style;
        };
        for (i, slot) in style.levels.iter_mut().enumerate() {
            let name = format!("lvl{}pPr", i + 1);
            *slot = element.child(&name).and_then(bullet_of);
        }
        style
    }

    /// This style with `base` filling the levels it leaves open.
    pub fn over(&self, base: &ListStyle) -> ListStyle {
        let mut out = *self;
        for (slot, b) in out.levels.iter_mut().zip(base.levels) {
            if slot.is_none() {
                *slot = b;
            }
        }
        out
    }
}

/// The bullet a paragraph-properties element sets, if it sets one.
fn bullet_of(ppr: &Element) -> Option<Bullet> {
    for child in ppr.elements() {
        match child.name.as_str() {
            "buNone" => return Some(Bullet::None),
            "buChar" | "buBlip" => return Some(Bullet::Char),
            "buAutoNum" => {
                let start = child
                    .attr("startAt")
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(1);
                return Some(Bullet::Number(start));
            }
            _ => {}
        }
    }
    None
}

/// A text body's blocks: paragraphs, nested lists, code blocks.
pub fn body_blocks(body: &Element, inherited: &ListStyle, rels: &Rels) -> Vec<Block> {
    let style = ListStyle::of(body.child("lstStyle")).over(inherited);
    let mut out = Vec::new();
    let mut items: Vec<FlatItem> = Vec::new();
    let mut code: Option<(usize, String)> = None;
    let flush_code =
        |code: &mut Option<(usize, String)>, items: &mut Vec<FlatItem>, out: &mut Vec<Block>| {
            if let Some((level, text)) = code.take() {
                let block = Block::CodeBlock {
                    info: String::new(),
                    text,
                };
                attach(block, level, items, out);
            }
        };
    for p in body.children_named("p") {
        let ppr = p.child("pPr");
        let level = ppr
            .and_then(|p| p.attr("lvl"))
            .and_then(|l| l.parse::<usize>().ok())
            .unwrap_or(0)
            .min(8);
        let bullet = ppr
            .and_then(bullet_of)
            .or(style.levels[level])
            .unwrap_or(Bullet::None);
        let (inlines, all_code) = paragraph(p, rels);
        if inlines.is_empty() {
            continue; // an empty paragraph is spacing
        }
        if all_code && bullet == Bullet::None {
            let text = code_text(&inlines);
            match &mut code {
                Some((l, t)) if *l == level => {
                    t.push('\n');
                    t.push_str(&text);
                }
                _ => {
                    flush_code(&mut code, &mut items, &mut out);
                    code = Some((level, text));
                }
            }
            continue;
        }
        flush_code(&mut code, &mut items, &mut out);
        let block = Block::Paragraph(inlines);
        match bullet {
            Bullet::Char | Bullet::Number(_) => items.push(FlatItem {
                level,
                ordered: matches!(bullet, Bullet::Number(_)),
                start: match bullet {
                    Bullet::Number(n) => n,
                    _ => 1,
                },
                list_id: 0,
                blocks: vec![block],
            }),
            Bullet::None => attach(block, level, &mut items, &mut out),
        }
    }
    flush_code(&mut code, &mut items, &mut out);
    if !items.is_empty() {
        out.extend(markdown::build_lists(items));
    }
    out
}

/// The text of a code paragraph, its line breaks kept.
fn code_text(inlines: &[Inline]) -> String {
    inlines
        .iter()
        .map(|i| match i {
            Inline::LineBreak => "\n".to_string(),
            other => markdown::plain_text(std::slice::from_ref(other)),
        })
        .collect()
}

/// A block without a bullet: under the list item above it when it sits deeper than the first
/// level, else on its own (ending any list).
fn attach(block: Block, level: usize, items: &mut Vec<FlatItem>, out: &mut Vec<Block>) {
    // Under the last item (the paragraph sits indented below it). Were it under an ancestor
    // of a deeper last item, the order of the text still holds.
    if level > 0
        && let Some(item) = items.last_mut()
    {
        item.blocks.push(block);
        return;
    }
    if !items.is_empty() {
        out.extend(markdown::build_lists(std::mem::take(items)));
    }
    out.push(block);
}

/// A paragraph's inlines, and whether all of its text is fixed-pitch.
pub fn paragraph(p: &Element, rels: &Rels) -> (Vec<Inline>, bool) {
    let mut runs: Vec<(Option<String>, Run)> = Vec::new();
    let mut text_runs = 0;
    let mut code_runs = 0;
    for child in p.elements() {
        match child.name.as_str() {
            "r" | "fld" => {
                let text: String = child.children_named("t").map(|t| t.text()).collect();
                if text.is_empty() {
                    continue;
                }
                let rpr = child.child("rPr");
                let marks = marks_of(rpr);
                if !text.trim().is_empty() {
                    text_runs += 1;
                    code_runs += usize::from(marks.code);
                }
                let link = rpr
                    .and_then(|r| r.child("hlinkClick"))
                    .and_then(|h| h.attr("id"))
                    .and_then(|id| rels.get(id))
                    .filter(|rel| rel.external)
                    .map(|rel| rel.target.clone());
                // A vertical tab (Shift+Enter in PowerPoint) or newline inside a run is a line
                // break.
                for (n, piece) in text.split(['\u{b}', '\r', '\n']).enumerate() {
                    if n > 0 {
                        runs.push((None, Run::Inline(Marks::default(), Inline::LineBreak)));
                    }
                    if !piece.is_empty() {
                        runs.push((link.clone(), Run::Text(marks, piece.to_string())));
                    }
                }
            }
            "br" => runs.push((None, Run::Inline(Marks::default(), Inline::LineBreak))),
            _ => {}
        }
    }
    let all_code = text_runs > 0 && code_runs == text_runs;
    // Consecutive runs with one link target become one link.
    let mut flat: Vec<Run> = Vec::new();
    let mut i = 0;
    while i < runs.len() {
        match &runs[i].0 {
            None => {
                flat.push(runs[i].1.clone());
                i += 1;
            }
            Some(target) => {
                let mut inner = Vec::new();
                let mut j = i;
                while j < runs.len() && runs[j].0.as_ref() == Some(target) {
                    inner.push(runs[j].1.clone());
                    j += 1;
                }
                let content = markdown::nest_runs(inner);
                flat.push(Run::Inline(
                    Marks::default(),
                    Inline::Link {
                        target: target.clone(),
                        content,
                    },
                ));
                i = j;
            }
        }
    }
    let mut inlines = markdown::nest_runs(flat);
    trim(&mut inlines);
    (inlines, all_code)
}

/// Leading and trailing spaces of a paragraph are layout, not text.
fn trim(inlines: &mut Vec<Inline>) {
    if let Some(Inline::Text(t)) = inlines.first_mut() {
        let trimmed = t.trim_start().to_string();
        *t = trimmed;
    }
    if let Some(Inline::Text(t)) = inlines.last_mut() {
        let trimmed = t.trim_end().to_string();
        *t = trimmed;
    }
    inlines.retain(|i| !matches!(i, Inline::Text(t) if t.is_empty()));
    while matches!(inlines.last(), Some(Inline::LineBreak)) {
        inlines.pop();
    }
    while matches!(inlines.first(), Some(Inline::LineBreak)) {
        inlines.remove(0);
    }
}

/// Character formatting of a run (`a:rPr`).
fn marks_of(rpr: Option<&Element>) -> Marks {
    let Some(rpr) = rpr else {
        return Marks::default();
    };
    let on = |name: &str| matches!(rpr.attr(name), Some("1" | "true"));
    let baseline = rpr
        .attr("baseline")
        .and_then(|b| b.parse::<i64>().ok())
        .unwrap_or(0);
    Marks {
        strong: on("b"),
        emph: on("i"),
        strike: rpr.attr("strike").is_some_and(|s| s != "noStrike"),
        superscript: baseline > 0,
        subscript: baseline < 0,
        code: rpr
            .child("latin")
            .and_then(|l| l.attr("typeface"))
            .is_some_and(super::is_monospace_font),
    }
}

/// The plain text of a text body, paragraphs joined by spaces (titles, table headers).
pub fn body_inlines(body: &Element, rels: &Rels) -> Vec<Inline> {
    let mut out = Vec::new();
    for p in body.children_named("p") {
        let (inlines, _) = paragraph(p, rels);
        if inlines.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(Inline::Text(" ".into()));
        }
        out.extend(inlines.into_iter().map(|i| match i {
            Inline::LineBreak => Inline::Text(" ".into()),
            other => other,
        }));
    }
    out
}

/// A DrawingML table (`a:tbl`): cells with their paragraphs, spans from `gridSpan`/`rowSpan`
/// and the covered `hMerge`/`vMerge` positions, the first row a header when `firstRow` says.
pub fn table(tbl: &Element, rels: &Rels) -> Block {
    let mut rows = Vec::new();
    let mut spans = Vec::new();
    let mut any_span = false;
    for tr in tbl.children_named("tr") {
        let mut cells = Vec::new();
        let mut row_spans = Vec::new();
        for tc in tr.children_named("tc") {
            let covered = matches!(tc.attr("hMerge"), Some("1" | "true"))
                || matches!(tc.attr("vMerge"), Some("1" | "true"));
            let span = |name: &str| {
                tc.attr(name)
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, 1000)
            };
            let (cs, rs) = (span("gridSpan"), span("rowSpan"));
            if covered {
                row_spans.push((0, 0));
                any_span = true;
            } else {
                any_span |= cs > 1 || rs > 1;
                row_spans.push((cs, rs));
            }
            let paragraphs: Vec<Vec<Inline>> = tc
                .child("txBody")
                .map(|body| {
                    body.children_named("p")
                        .map(|p| paragraph(p, rels).0)
                        .filter(|p| !p.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            cells.push(if covered { Vec::new() } else { paragraphs });
        }
        rows.push(cells);
        spans.push(row_spans);
    }
    let first_row = tbl
        .child("tblPr")
        .and_then(|p| p.attr("firstRow"))
        .is_some_and(|v| v == "1" || v == "true");
    Block::Table(markdown::Table {
        rows,
        spans: if any_span { spans } else { Vec::new() },
        header: Some(first_row),
    })
}

/// The alt text of a picture or shape (`cNvPr@descr`, else its title). A description that is
/// only a file name (what some tools write when nobody wrote one) says nothing about the picture
/// and is dropped, as is the disclaimer Office appends to generated descriptions.
pub fn alt_text(nv: Option<&Element>) -> String {
    let Some(c) = nv.and_then(|n| n.child("cNvPr")) else {
        return String::new();
    };
    let text = c
        .attr("descr")
        .filter(|d| !d.trim().is_empty())
        .or_else(|| c.attr("title"))
        .unwrap_or("")
        .trim();
    clean_alt(text)
}

fn clean_alt(text: &str) -> String {
    let mut text = text.trim();
    // Office 365: "A chart ... Description automatically generated" / "AI-generated content may
    // be incorrect."
    for tail in [
        "AI-generated content may be incorrect.",
        "Description automatically generated",
    ] {
        if let Some(head) = text.strip_suffix(tail) {
            text = head.trim_end().trim_end_matches(['.', ',', ';']).trim_end();
        }
    }
    let name = text.strip_prefix("fig:").unwrap_or(text).trim();
    let is_file_name = !name.contains(char::is_whitespace)
        && name.rsplit_once('.').is_some_and(|(stem, ext)| {
            !stem.is_empty()
                && matches!(
                    ext.to_ascii_lowercase().as_str(),
                    "png"
                        | "jpg"
                        | "jpeg"
                        | "gif"
                        | "bmp"
                        | "tif"
                        | "tiff"
                        | "emf"
                        | "wmf"
                        | "svg"
                        | "webp"
                )
        });
    if is_file_name || name.is_empty() {
        String::new()
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(xml: &str) -> Element {
        crate::convert::xml::parse(xml.as_bytes()).unwrap()
    }

    #[test]
    fn bullets_levels_numbers_and_continuations() {
        let b = body(
            r#"<p:txBody><a:p><a:pPr><a:buNone/></a:pPr><a:r><a:t>Intro</a:t></a:r></a:p>
            <a:p><a:r><a:t>one</a:t></a:r></a:p>
            <a:p><a:pPr lvl="1"/><a:r><a:rPr b="1"/><a:t>deep</a:t></a:r></a:p>
            <a:p><a:pPr lvl="1"><a:buNone/></a:pPr><a:r><a:t>more of one</a:t></a:r></a:p>
            <a:p><a:pPr><a:buAutoNum type="arabicPeriod" startAt="3"/></a:pPr><a:r><a:t>three</a:t></a:r></a:p></p:txBody>"#,
        );
        let mut inherited = ListStyle::default();
        inherited.levels[0] = Some(Bullet::Char);
        inherited.levels[1] = Some(Bullet::Char);
        let md = markdown::render(&body_blocks(&b, &inherited, &Rels::default()));
        assert_eq!(
            md,
            "Intro\n\n- one\n  - **deep**\n\n    more of one\n\n<!-- -->\n\n3. three\n"
        );
    }

    #[test]
    fn file_names_and_disclaimers_are_not_alt_text() {
        assert_eq!(clean_alt("lalune.jpg"), "");
        assert_eq!(clean_alt("fig:  lalune.jpg"), "");
        assert_eq!(clean_alt("The Moon"), "The Moon");
        assert_eq!(
            clean_alt("A bar chart of sales. AI-generated content may be incorrect."),
            "A bar chart of sales"
        );
    }

    #[test]
    fn fixed_pitch_paragraphs_are_code() {
        let b = body(
            r#"<p:txBody><a:p><a:pPr><a:buNone/></a:pPr><a:r><a:rPr><a:latin typeface="Courier New"/></a:rPr><a:t>let x = 1;</a:t></a:r></a:p>
            <a:p><a:pPr><a:buNone/></a:pPr><a:r><a:rPr><a:latin typeface="Courier New"/></a:rPr><a:t>let y = 2;</a:t></a:r></a:p>
            <a:p><a:pPr><a:buNone/></a:pPr><a:r><a:t>Use </a:t></a:r><a:r><a:rPr><a:latin typeface="Consolas"/></a:rPr><a:t>x</a:t></a:r><a:br/><a:r><a:t>twice</a:t></a:r></a:p></p:txBody>"#,
        );
        let md = markdown::render(&body_blocks(&b, &ListStyle::default(), &Rels::default()));
        assert_eq!(md, "```\nlet x = 1;\nlet y = 2;\n```\n\nUse `x`\\\ntwice\n");
    }
}
