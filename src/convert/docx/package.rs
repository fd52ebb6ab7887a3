//! The DOCX package: parts by name, relationships, styles, numbering and document properties.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use super::xml::{self, Element, toggle};
use crate::convert::{ConvertError, Limits, Metadata};
use crate::markdown::Marks;

/// The zip container, read part by part.
pub struct Package<'a> {
    archive: zip::ZipArchive<Cursor<&'a [u8]>>,
    max_part: u64,
}

impl<'a> Package<'a> {
    pub fn open(bytes: &'a [u8], limits: &Limits) -> Result<Package<'a>, ConvertError> {
        let archive = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| ConvertError::Corrupt(format!("damaged zip container: {e}")))?;
        Ok(Package {
            archive,
            max_part: limits.max_unzipped_size,
        })
    }

    /// The bytes of a part; None when the package has no such part.
    pub fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, ConvertError> {
        let name = name.trim_start_matches('/');
        let index = match self.archive.index_for_name(name) {
            Some(index) => index,
            // Part names are case-insensitive in OPC; zip names are not.
            None => match self
                .archive
                .file_names()
                .find(|n| n.eq_ignore_ascii_case(name))
                .map(str::to_string)
                .and_then(|actual| self.archive.index_for_name(&actual))
            {
                Some(index) => index,
                None => return Ok(None),
            },
        };
        let mut file = self
            .archive
            .by_index(index)
            .map_err(|e| ConvertError::Corrupt(format!("damaged DOCX: {name}: {e}")))?;
        let mut bytes = Vec::new();
        (&mut file)
            .take(self.max_part.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| ConvertError::Corrupt(format!("damaged DOCX: {name}: {e}")))?;
        if bytes.len() as u64 > self.max_part {
            return Err(ConvertError::ResourceLimit(format!(
                "{name} inflates to more than --max-unzipped-size"
            )));
        }
        Ok(Some(bytes))
    }

    /// A part parsed into its element tree; None when missing. Invalid XML is `corrupt`.
    pub fn read_xml(&mut self, name: &str) -> Result<Option<Element>, ConvertError> {
        let Some(bytes) = self.read(name)? else {
            return Ok(None);
        };
        xml::parse(&bytes)
            .map(Some)
            .map_err(|e| ConvertError::Corrupt(format!("damaged DOCX: {name}: {e}")))
    }

    /// A part's relationships (`word/_rels/document.xml.rels` for `word/document.xml`).
    pub fn rels(&mut self, part: &str) -> Rels {
        let (dir, file) = match part.rfind('/') {
            Some(i) => (&part[..i + 1], &part[i + 1..]),
            None => ("", part),
        };
        let rels_name = format!("{dir}_rels/{file}.rels");
        let mut rels = Rels::default();
        // A missing or broken relationships part only loses links and images.
        let Ok(Some(root)) = self.read_xml(&rels_name) else {
            return rels;
        };
        for r in root.children_named("Relationship") {
            let (Some(id), Some(target)) = (r.attr("Id"), r.attr("Target")) else {
                continue;
            };
            let external = r.attr("TargetMode") == Some("External");
            let target = if external {
                target.to_string()
            } else {
                resolve_path(dir, target)
            };
            rels.by_id.insert(
                id.to_string(),
                Rel {
                    kind: r
                        .attr("Type")
                        .unwrap_or("")
                        .rsplit('/')
                        .next()
                        .unwrap_or("")
                        .to_string(),
                    target,
                    external,
                },
            );
        }
        rels
    }

    /// The main document part, from the package relationships (usually `word/document.xml`).
    pub fn main_part(&mut self) -> String {
        let rels = self.rels("");
        rels.by_id
            .values()
            .find(|r| r.kind == "officeDocument" && !r.external)
            .map(|r| r.target.clone())
            .unwrap_or_else(|| "word/document.xml".to_string())
    }
}

/// A relationship of a part.
#[derive(Debug, Clone)]
pub struct Rel {
    /// The last segment of the relationship type: `hyperlink`, `image`, `footnotes`, ...
    pub kind: String,
    /// An absolute part name inside the package, or an external URL.
    pub target: String,
    pub external: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Rels {
    pub by_id: HashMap<String, Rel>,
}

impl Rels {
    pub fn get(&self, id: &str) -> Option<&Rel> {
        self.by_id.get(id)
    }

    /// The target of the first relationship of this kind.
    pub fn first_of(&self, kind: &str) -> Option<String> {
        let mut found: Vec<&Rel> = self.by_id.values().filter(|r| r.kind == kind).collect();
        found.sort_by(|a, b| a.target.cmp(&b.target));
        found.first().map(|r| r.target.clone())
    }

    pub fn all_of(&self, kind: &str) -> Vec<String> {
        let mut found: Vec<String> = self
            .by_id
            .values()
            .filter(|r| r.kind == kind && !r.external)
            .map(|r| r.target.clone())
            .collect();
        found.sort();
        found
    }
}

/// `target` relative to the directory `dir` (both inside the package), `..` resolved.
fn resolve_path(dir: &str, target: &str) -> String {
    let joined = if let Some(abs) = target.strip_prefix('/') {
        abs.to_string()
    } else {
        format!("{dir}{target}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for segment in joined.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

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
    pub marks: Marks,
    /// Left indentation minus hanging indentation, in twips (from the nearest style that sets it).
    pub indent: Option<i64>,
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
    let mut set_bold = false;
    let mut set_italic = false;
    let mut set_strike = false;
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
        if !set_bold && let Some(b) = toggle(rpr, "b") {
            info.marks.strong = b;
            set_bold = true;
        }
        if !set_italic && let Some(i) = toggle(rpr, "i") {
            info.marks.emph = i;
            set_italic = true;
        }
        if !set_strike && let Some(st) = toggle(rpr, "strike").or_else(|| toggle(rpr, "dstrike")) {
            info.marks.strike = st;
            set_strike = true;
        }
        if rpr
            .and_then(|r| r.child("rFonts"))
            .is_some_and(is_monospace_fonts)
        {
            info.marks.code = true;
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

pub fn is_monospace_fonts(fonts: &Element) -> bool {
    ["ascii", "hAnsi"].iter().any(|key| {
        fonts.attr(key).is_some_and(|name| {
            let name = name.to_lowercase();
            MONOSPACE_FONTS.iter().any(|m| name.contains(m))
        })
    })
}

/// Title, author and friends from docProps/core.xml and docProps/app.xml. Missing or malformed
/// parts give no metadata, never an error.
pub fn read_properties(pkg: &mut Package<'_>) -> Metadata {
    let mut metadata = Metadata::new();
    if let Ok(Some(core)) = pkg.read_xml("docProps/core.xml") {
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
            if let Some(value) = core.child(element).map(|e| e.text().trim().to_string())
                && !value.is_empty()
            {
                metadata.insert(key.into(), value);
            }
        }
    }
    if let Ok(Some(app)) = pkg.read_xml("docProps/app.xml") {
        for (element, key) in [
            ("Pages", "page_count"),
            ("Words", "words"),
            ("Application", "application"),
        ] {
            if let Some(value) = app.child(element).map(|e| e.text().trim().to_string())
                && !value.is_empty()
            {
                metadata.insert(key.into(), value);
            }
        }
    }
    metadata
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_targets_resolve_inside_the_package() {
        assert_eq!(
            resolve_path("word/", "media/image1.png"),
            "word/media/image1.png"
        );
        assert_eq!(
            resolve_path("word/", "../customXml/item1.xml"),
            "customXml/item1.xml"
        );
        assert_eq!(
            resolve_path("word/", "/word/footnotes.xml"),
            "word/footnotes.xml"
        );
        assert_eq!(resolve_path("", "word/document.xml"), "word/document.xml");
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
    fn styles_inherit_through_based_on() {
        let styles = xml::parse(
            br#"<styles>
              <style w:type="paragraph" w:styleId="Heading2"><name w:val="heading 2"/></style>
              <style w:type="paragraph" w:styleId="Mine"><name w:val="My Section"/><basedOn w:val="Heading2"/></style>
              <style w:type="character" w:styleId="Src"><name w:val="Source Text"/><rPr><rFonts w:ascii="Liberation Mono"/></rPr></style>
            </styles>"#,
        )
        .unwrap();
        let (map, _) = read_styles(Some(&styles));
        assert_eq!(map["Mine"].heading, Some(2));
        assert!(map["Src"].code && map["Src"].marks.code);
    }
}
