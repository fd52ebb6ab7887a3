//! DOCX styles and numbering: what a paragraph or character style means for the Markdown, and
//! which list (bullet, number, task) a numbering level draws.

use std::collections::HashMap;

use crate::convert::xml::{Element, toggle};

/// How a numbering level marks its paragraphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    Bullet,
    Ordered,
    /// `numFmt none` or a blank bullet: a paragraph that continues the list item before it.
    Unmarked,
    /// A bullet drawn as a ballot box (☐, or ☒/☑ when checked): a task list item.
    Task(bool),
}

/// What a paragraph or character style means for the Markdown.
#[derive(Debug, Clone, Default)]
pub struct StyleInfo {
    pub heading: Option<u8>,
    pub code: bool,
    pub quote: bool,
    pub list_paragraph: bool,
    /// (numId, ilvl) from the style's own numbering.
    pub list: Option<(String, usize)>,
    /// Bold, italic and strike as the style sets them (the nearest value up its chain).
    pub toggles: Toggles,
    /// A monospace font somewhere up the chain.
    pub monospace: bool,
    /// `w:vertAlign` from the nearest style that sets it.
    pub vert_align: Option<VertAlign>,
    /// Left indentation minus hanging indentation, in twips (from the nearest style that sets it).
    pub indent: Option<i64>,
}

/// Super- or subscript, or explicitly neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VertAlign {
    Superscript,
    Subscript,
    Baseline,
}

impl VertAlign {
    pub fn read(rpr: Option<&Element>) -> Option<VertAlign> {
        match rpr?.child_val("vertAlign")? {
            "superscript" => Some(VertAlign::Superscript),
            "subscript" => Some(VertAlign::Subscript),
            "baseline" => Some(VertAlign::Baseline),
            _ => None,
        }
    }
}

/// The toggle properties docproc marks (ECMA-376 17.7.3), each as one set of run properties sets
/// it: `None` where it says nothing. Bold and italic have complex-script twins (`w:bCs`, `w:iCs`)
/// that apply instead to right-to-left and complex-script text, never to Latin text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Toggles {
    pub bold: Option<bool>,
    pub italic: Option<bool>,
    pub bold_cs: Option<bool>,
    pub italic_cs: Option<bool>,
    pub strike: Option<bool>,
    pub dstrike: Option<bool>,
}

impl Toggles {
    pub fn read(rpr: Option<&Element>) -> Toggles {
        Toggles {
            bold: toggle(rpr, "b"),
            italic: toggle(rpr, "i"),
            bold_cs: toggle(rpr, "bCs"),
            italic_cs: toggle(rpr, "iCs"),
            strike: toggle(rpr, "strike"),
            dstrike: toggle(rpr, "dstrike"),
        }
    }

    /// Fills what this style leaves unset from the style it is based on: within one style's
    /// chain the nearest value wins (17.7.3, step 1).
    fn inherit(&mut self, base: Toggles) {
        self.bold = self.bold.or(base.bold);
        self.italic = self.italic.or(base.italic);
        self.bold_cs = self.bold_cs.or(base.bold_cs);
        self.italic_cs = self.italic_cs.or(base.italic_cs);
        self.strike = self.strike.or(base.strike);
        self.dstrike = self.dstrike.or(base.dstrike);
    }
}

/// A run's bold, italic and strike under Word's model. Direct formatting, when it sets a toggle,
/// is the value, `w:val="0"` included. Otherwise the styles combine: the character style's value
/// and the paragraph style's are XORed (17.7.3: bold in both cancels out), and what the paragraph
/// style alone turns on is presentation (a bold heading style, an italic quote style), not
/// emphasis, as pandoc reads it. `complex` picks the complex-script twins.
pub fn run_toggles(
    direct: &Toggles,
    character: &Toggles,
    paragraph: &Toggles,
    complex: bool,
) -> (bool, bool, bool) {
    let value = |pick: fn(&Toggles) -> Option<bool>| match pick(direct) {
        Some(v) => v,
        None => pick(character) == Some(true) && pick(paragraph) != Some(true),
    };
    let (bold, italic) = if complex {
        (value(|t| t.bold_cs), value(|t| t.italic_cs))
    } else {
        (value(|t| t.bold), value(|t| t.italic))
    };
    let strike = value(|t| t.strike) || value(|t| t.dstrike);
    (bold, italic, strike)
}

/// Whether a run is complex-script text (17.3.2.7 `w:cs`, 17.3.2.30 `w:rtl`, or, failing those,
/// its letters are mostly of a complex script: Hebrew, Arabic, Syriac, Thaana, Indic, Thai, Lao,
/// Tibetan, Khmer), so that `w:bCs`/`w:iCs` rather than `w:b`/`w:i` decide its look.
pub fn is_complex_run(rpr: Option<&Element>, text: &str) -> bool {
    if let Some(flag) = toggle(rpr, "cs").or_else(|| toggle(rpr, "rtl")) {
        return flag;
    }
    let (mut complex, mut other) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        if is_complex_char(c) {
            complex += 1;
        } else {
            other += 1;
        }
    }
    complex > other
}

fn is_complex_char(c: char) -> bool {
    matches!(c as u32,
        0x0590..=0x08FF // Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan, Arabic supplements
        | 0x0900..=0x0DFF // Devanagari to Sinhala
        | 0x0E00..=0x0FFF // Thai, Lao, Tibetan
        | 0x1780..=0x17FF // Khmer
        | 0xFB1D..=0xFDFF // Hebrew and Arabic presentation forms
        | 0xFE70..=0xFEFF)
}

/// `w:ind` as one number: left (or start) minus hanging, in twips.
pub fn indentation(ind: &Element) -> i64 {
    let twips = |name: &str| {
        ind.attr(name)
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let left = if ind.attr("left").is_some() {
        twips("left")
    } else {
        twips("start")
    };
    left - twips("hanging")
}

/// Styles by id, their `basedOn` chains resolved.
pub fn read_styles(root: Option<&Element>) -> (HashMap<String, StyleInfo>, Option<String>) {
    let mut out = HashMap::new();
    let Some(root) = root else {
        return (out, None);
    };
    let by_id: HashMap<&str, &Element> = root
        .children_named("style")
        .filter_map(|s| Some((s.attr("styleId")?, s)))
        .collect();
    let mut default_paragraph = None;
    for (id, style) in &by_id {
        if style.attr("type") == Some("paragraph")
            && matches!(style.attr("default"), Some("1" | "true"))
        {
            default_paragraph = Some(id.to_string());
        }
        out.insert(id.to_string(), resolve_style(style, &by_id));
    }
    (out, default_paragraph)
}

/// Follows a style's `basedOn` chain (at most 16 steps: chains can be cyclic in bad files).
fn resolve_style(style: &Element, by_id: &HashMap<&str, &Element>) -> StyleInfo {
    let mut info = StyleInfo::default();
    let mut current = Some(style);
    let mut named_heading = None;
    let mut outline_heading = None;
    for _ in 0..16 {
        let Some(s) = current else { break };
        let name = s.child_val("name").unwrap_or("").to_lowercase();
        let id = s.attr("styleId").unwrap_or("").to_lowercase();
        let ppr = s.child("pPr");
        // A heading by name anywhere up the chain wins over an outline level ("Heading 0" based
        // on "Heading 1" with outline level 8 is a first-level heading, as pandoc reads it).
        if named_heading.is_none() {
            named_heading = heading_level_from_name(&name).or_else(|| heading_level_from_name(&id));
        }
        if outline_heading.is_none() {
            outline_heading = ppr
                .and_then(|p| p.child_val("outlineLvl"))
                .and_then(|v| v.parse::<u8>().ok())
                .filter(|&level| level < 9)
                .map(|level| level + 1);
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
            "html pre",
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
        if info.indent.is_none()
            && let Some(ind) = ppr.and_then(|p| p.child("ind"))
        {
            info.indent = Some(indentation(ind));
        }
        if info.list.is_none()
            && let Some(num) = ppr.and_then(|p| p.child("numPr"))
        {
            info.list = numbering_ref(num);
        }
        let rpr = s.child("rPr");
        info.toggles.inherit(Toggles::read(rpr));
        info.vert_align = info.vert_align.or_else(|| VertAlign::read(rpr));
        if rpr
            .and_then(|r| r.child("rFonts"))
            .is_some_and(is_monospace_fonts)
        {
            info.monospace = true;
        }
        current = s.child_val("basedOn").and_then(|b| by_id.get(b).copied());
    }
    info.heading = named_heading.or(outline_heading);
    info
}

pub fn heading_level_from_name(name: &str) -> Option<u8> {
    let name = name.trim();
    if name == "title" {
        return Some(1);
    }
    let rest = name.strip_prefix("heading").map(str::trim)?;
    let level: u8 = rest.parse().ok()?;
    (1..=9).contains(&level).then_some(level)
}

/// `<w:numPr><w:ilvl w:val="1"/><w:numId w:val="3"/></w:numPr>` → ("3", 1); numId 0 means none.
pub fn numbering_ref(num_pr: &Element) -> Option<(String, usize)> {
    let id = num_pr.child_val("numId")?;
    if id == "0" {
        return None;
    }
    let level = num_pr
        .child_val("ilvl")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    Some((id.to_string(), level))
}

/// numId → the kind and start number of each of its nine levels.
pub fn read_numbering(root: Option<&Element>) -> HashMap<String, Vec<(ListKind, u64)>> {
    let mut out = HashMap::new();
    let Some(root) = root else {
        return out;
    };
    let mut abstracts: HashMap<&str, Vec<(ListKind, u64)>> = HashMap::new();
    for abs in root.children_named("abstractNum") {
        let Some(id) = abs.attr("abstractNumId") else {
            continue;
        };
        let mut levels = vec![(ListKind::Bullet, 1); 9];
        for lvl in abs.children_named("lvl") {
            let Some(i) = lvl.attr("ilvl").and_then(|v| v.parse::<usize>().ok()) else {
                continue;
            };
            if i >= 9 {
                continue;
            }
            // A bullet that draws nothing marks continuation paragraphs (pandoc writes them so).
            let blank = lvl
                .child_val("lvlText")
                .is_some_and(|t| t.trim().is_empty());
            let text = lvl.child_val("lvlText").unwrap_or("").trim();
            let kind = match lvl.child_val("numFmt").unwrap_or("bullet") {
                "bullet" if blank => ListKind::Unmarked,
                "bullet" if text == "\u{2610}" => ListKind::Task(false),
                "bullet" if text == "\u{2612}" || text == "\u{2611}" => ListKind::Task(true),
                "bullet" | "" => ListKind::Bullet,
                "none" => ListKind::Unmarked,
                _ => ListKind::Ordered,
            };
            let start = lvl
                .child_val("start")
                .and_then(|s| s.parse().ok())
                .unwrap_or(1);
            levels[i] = (kind, start);
        }
        abstracts.insert(id, levels);
    }
    for num in root.children_named("num") {
        let (Some(id), Some(abs)) = (num.attr("numId"), num.child_val("abstractNumId")) else {
            continue;
        };
        let Some(levels) = abstracts.get(abs) else {
            continue;
        };
        let mut levels = levels.clone();
        for o in num.children_named("lvlOverride") {
            let level = o.attr("ilvl").and_then(|v| v.parse::<usize>().ok());
            let start = o
                .child_val("startOverride")
                .and_then(|v| v.parse::<u64>().ok());
            if let (Some(level), Some(start)) = (level, start)
                && let Some(slot) = levels.get_mut(level)
            {
                slot.1 = start;
            }
        }
        out.insert(id.to_string(), levels);
    }
    out
}

pub fn is_monospace_fonts(fonts: &Element) -> bool {
    ["ascii", "hAnsi"].iter().any(|key| {
        fonts
            .attr(key)
            .is_some_and(crate::convert::is_monospace_font)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_names() {
        assert_eq!(heading_level_from_name("heading 1"), Some(1));
        assert_eq!(heading_level_from_name("heading 9"), Some(9));
        assert_eq!(heading_level_from_name("title"), Some(1));
        assert_eq!(heading_level_from_name("heading"), None);
        assert_eq!(heading_level_from_name("heading1"), Some(1));
    }

    #[test]
    fn styles_inherit_through_based_on() {
        let styles = crate::convert::xml::parse(
            br#"<styles>
              <style w:type="paragraph" w:styleId="Heading2"><name w:val="heading 2"/></style>
              <style w:type="paragraph" w:styleId="Mine"><name w:val="My Section"/><basedOn w:val="Heading2"/></style>
              <style w:type="character" w:styleId="Src"><name w:val="Source Text"/><rPr><rFonts w:ascii="Liberation Mono"/></rPr></style>
            </styles>"#,
        )
        .unwrap();
        let (map, _) = read_styles(Some(&styles));
        assert_eq!(map["Mine"].heading, Some(2));
        assert!(map["Src"].code && map["Src"].monospace);
    }
}
