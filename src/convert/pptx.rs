//! PowerPoint decks (.pptx, .pptm, .ppsx, .ppsm, .potx, .potm): PresentationML read part by part
//! into the shared Markdown model, one section per slide.
//!
//! Slides come in presentation order: the `p:sldIdLst` of the presentation part through its
//! relationships, never file names (`slide10.xml` sorts before `slide2.xml`). Each slide starts
//! with its title placeholder as a heading, after a `<!-- slide N -->` comment when page markers
//! are on (`slide.rs`: `#` for section-header slides and `##` under them, `#` for every slide of
//! a deck without sections, a `---` rule for an untitled slide); hidden slides are included and marked
//! `(hidden)` in that comment unless `hidden-slides = false`. Shapes are read in the order of the
//! shape tree, which is PowerPoint's own reading order (the order of its Selection and Reading
//! Order panes): text bodies with their bullets inherited through the layout and master
//! (`drawingml.rs`), group shapes recursed, `mc:AlternateContent` read by its choice (its fallback
//! when the choice holds nothing), tables (spans as HTML, like DOCX), charts as a table of their
//! cached values, SmartArt as a nested list of its nodes, pictures with their alt text (extracted
//! beside the Markdown with `--images extract`). Date, footer and slide-number placeholders are
//! running text and left out. Speaker notes follow the slide's content under a `Notes` heading
//! one level below the title, only when they hold text: the notes placeholder and whatever else
//! is drawn on the notes page (text boxes, tables, pictures), read like the slide's shapes.

use std::collections::HashMap;

use super::drawingml::{self, ListStyle};
use super::media::Media;
use super::opc::{self, Package, Rels};
use super::xml::Element;
use super::{ConvertError, ConvertOptions, Converted, Converter, chart};
use crate::markdown::{self, Block, FlatItem, Inline};

pub struct PptxConverter;

impl Converter for PptxConverter {
    fn name(&self) -> &'static str {
        "pptx"
    }

    fn version(&self) -> &'static str {
        // 2: title levels from the deck's sections; untitled slides get a rule, not "Slide N".
        "2"
    }

    fn convert(&self, bytes: &[u8], options: &ConvertOptions) -> Result<Converted, ConvertError> {
        convert_package(bytes, options).map_err(|e| opc::name_the_damage(bytes, "PPTX", e))
    }
}

/// The layout type of a section's first slide.
const SECTION_LAYOUT: &str = "secHead";
/// Shapes nested deeper than this in groups are not read (real decks stay under ten).
const MAX_GROUP_DEPTH: usize = 64;
/// SmartArt points read per diagram.
const MAX_DIAGRAM_POINTS: usize = 10_000;

/// A placeholder of a layout or master: how it is matched and the list style it gives.
#[derive(Debug, Clone)]
struct Placeholder {
    kind: String,
    idx: Option<String>,
    list: ListStyle,
}

/// What a slide inherits from its master.
#[derive(Debug, Clone, Default)]
struct Master {
    title: ListStyle,
    body: ListStyle,
    other: ListStyle,
    placeholders: Vec<Placeholder>,
}

/// A slide layout and the master it belongs to.
#[derive(Debug, Clone, Default)]
struct Layout {
    /// Its `type` (`title`, `secHead`, `obj`, …: ECMA-376 19.7.15 ST_SlideLayoutType).
    kind: Option<String>,
    master: Master,
    placeholders: Vec<Placeholder>,
}

fn convert_package(bytes: &[u8], options: &ConvertOptions) -> Result<Converted, ConvertError> {
    let mut pkg = Package::open(bytes, &options.limits, "PPTX")?;
    let main = pkg.main_part();
    let presentation = pkg.read_xml(&main)?.ok_or_else(|| {
        ConvertError::Corrupt(format!("the package has no presentation part ({main})"))
    })?;
    let rels = pkg.rels(&main);
    let slides: Vec<String> = presentation
        .child("sldIdLst")
        .map(|list| {
            list.children_named("sldId")
                .filter_map(|s| rels.get(s.attr_prefixed("id")?))
                .filter(|r| r.kind == "slide" && !r.external)
                .map(|r| r.target.clone())
                .collect()
        })
        .unwrap_or_default();
    let mut deck = Deck {
        pkg,
        media: Media::default(),
        options,
        layouts: HashMap::new(),
        masters: HashMap::new(),
    };
    // The deck's outline: with section-header slides, those are `#` and the others `##`.
    let kinds: Vec<Option<String>> = slides.iter().map(|s| deck.layout_kind(s)).collect();
    let sectioned = kinds.iter().any(|k| k.as_deref() == Some(SECTION_LAYOUT));
    let mut blocks = Vec::new();
    let mut hidden = 0;
    let mut notes = 0;
    for (n, part) in slides.iter().enumerate() {
        let number = n + 1;
        let slide = deck.pkg.read_xml(part)?.ok_or_else(|| {
            ConvertError::Corrupt(format!("damaged PPTX: slide {number} ({part}) is missing"))
        })?;
        let is_hidden = matches!(slide.attr("show"), Some("0" | "false"));
        hidden += usize::from(is_hidden);
        if is_hidden && !options.hidden_slides {
            continue;
        }
        let level = match kinds[n].as_deref() {
            Some(SECTION_LAYOUT | "title") => 1,
            _ if sectioned => 2,
            _ => 1,
        };
        let slide = deck.slide(&slide, part, number, is_hidden, level);
        notes += usize::from(!slide.notes.is_empty());
        let first = blocks.is_empty();
        blocks.extend(super::slide::blocks(slide, options.page_markers, first));
    }
    let mut metadata = opc::read_properties(&mut deck.pkg);
    metadata.remove("page_count");
    metadata.insert("slide_count".into(), slides.len().to_string());
    if hidden > 0 {
        metadata.insert("hidden_slides".into(), hidden.to_string());
    }
    if notes > 0 {
        metadata.insert("slides_with_notes".into(), notes.to_string());
    }
    metadata.insert("image_count".into(), deck.media.count.to_string());
    Ok(Converted {
        markdown: markdown::render(&blocks),
        metadata,
        warning: None,
        attachments: deck.media.attachments,
    })
}

/// What reading the slides of one deck shares.
struct Deck<'a, 'o> {
    pkg: Package<'a>,
    media: Media,
    options: &'o ConvertOptions,
    layouts: HashMap<String, Layout>,
    masters: HashMap<String, Master>,
}

/// The blocks of one slide as they are collected.
struct SlideText<'r> {
    rels: &'r Rels,
    layout: Layout,
    title: Option<Vec<Inline>>,
    blocks: Vec<Block>,
}

impl Deck<'_, '_> {
    /// The type of the layout a slide uses.
    fn layout_kind(&mut self, part: &str) -> Option<String> {
        let layout = self.pkg.rels(part).first_of("slideLayout")?;
        self.layout(&layout).kind
    }

    /// A slide's title, content and notes.
    fn slide(
        &mut self,
        slide: &Element,
        part: &str,
        number: usize,
        hidden: bool,
        level: u8,
    ) -> super::slide::Slide {
        let rels = self.pkg.rels(part);
        let layout = match rels.first_of("slideLayout") {
            Some(layout) => self.layout(&layout),
            None => Layout::default(),
        };
        let mut text = SlideText {
            rels: &rels,
            layout,
            title: None,
            blocks: Vec::new(),
        };
        if let Some(tree) = slide.child("cSld").and_then(|c| c.child("spTree")) {
            self.shapes(tree, &mut text, 0);
        }
        let mut notes = Vec::new();
        if self.options.speaker_notes
            && let Some(notes_part) = rels.first_of("notesSlide")
        {
            notes = self.notes(&notes_part);
        }
        super::slide::Slide {
            number,
            hidden,
            title: text.title,
            level,
            content: text.blocks,
            notes,
        }
    }

    /// A layout (and its master), read once per deck.
    fn layout(&mut self, part: &str) -> Layout {
        if let Some(layout) = self.layouts.get(part) {
            return layout.clone();
        }
        let mut layout = Layout::default();
        if let Ok(Some(root)) = self.pkg.read_xml(part) {
            layout.kind = root.attr("type").map(str::to_string);
            layout.placeholders = placeholders(&root);
            let rels = self.pkg.rels(part);
            if let Some(master) = rels.first_of("slideMaster") {
                layout.master = self.master(&master);
            }
        }
        self.layouts.insert(part.to_string(), layout.clone());
        layout
    }

    fn master(&mut self, part: &str) -> Master {
        if let Some(master) = self.masters.get(part) {
            return master.clone();
        }
        let mut master = Master::default();
        if let Ok(Some(root)) = self.pkg.read_xml(part) {
            if let Some(styles) = root.child("txStyles") {
                master.title = ListStyle::of(styles.child("titleStyle"));
                master.body = ListStyle::of(styles.child("bodyStyle"));
                master.other = ListStyle::of(styles.child("otherStyle"));
            }
            master.placeholders = placeholders(&root);
        }
        self.masters.insert(part.to_string(), master.clone());
        master
    }

    /// Reads the shapes of a shape tree (or group) in order.
    fn shapes(&mut self, tree: &Element, slide: &mut SlideText<'_>, depth: usize) {
        if depth > MAX_GROUP_DEPTH {
            return;
        }
        for shape in tree.elements() {
            match shape.name.as_str() {
                "sp" => self.shape(shape, slide),
                "grpSp" => self.shapes(shape, slide, depth + 1),
                "pic" => self.picture(shape, slide),
                "graphicFrame" => self.frame(shape, slide),
                "AlternateContent" => {
                    let before = slide.blocks.len();
                    let had_title = slide.title.is_some();
                    if let Some(choice) = shape.child("Choice") {
                        self.shapes(choice, slide, depth + 1);
                    }
                    if slide.blocks.len() == before
                        && slide.title.is_some() == had_title
                        && let Some(fallback) = shape.child("Fallback")
                    {
                        self.shapes(fallback, slide, depth + 1);
                    }
                }
                _ => {}
            }
        }
    }

    /// A shape with text (or a picture placeholder filled with an image).
    fn shape(&mut self, sp: &Element, slide: &mut SlideText<'_>) {
        let ph = sp
            .child("nvSpPr")
            .and_then(|n| n.child("nvPr"))
            .and_then(|n| n.child("ph"));
        let kind = ph.map(|p| p.attr("type").unwrap_or("obj"));
        // Running text repeated on every slide, and a notes page's picture of its slide.
        if matches!(kind, Some("dt" | "ftr" | "sldNum" | "hdr" | "sldImg")) {
            return;
        }
        let Some(body) = sp.child("txBody") else {
            // A picture placeholder filled with a picture: `a:blipFill` in the shape.
            if let Some(blip) = sp.child("spPr").and_then(|p| p.find("blip")) {
                let alt = drawingml::alt_text(sp.child("nvSpPr"));
                self.push_picture(blip, alt, slide);
            }
            return;
        };
        if matches!(kind, Some("title" | "ctrTitle")) {
            let inlines = drawingml::body_inlines(body, slide.rels);
            if slide.title.is_none() {
                slide.title = Some(inlines);
            } else if !inlines.is_empty() {
                slide.blocks.push(Block::Paragraph(inlines));
            }
            return;
        }
        let inherited = match (kind, ph) {
            (Some(kind), Some(ph)) => {
                let idx = ph.attr("idx");
                let layout_ph = find_placeholder(&slide.layout.placeholders, kind, idx);
                // The master's placeholder of the layout placeholder's type (layouts name the type
                // where slides often give only an index).
                let master_kind = layout_ph.map_or(kind, |p| p.kind.as_str());
                let master_ph =
                    find_placeholder(&slide.layout.master.placeholders, master_kind, None);
                let master_style = match master_kind {
                    "title" | "ctrTitle" => slide.layout.master.title,
                    "body" | "obj" | "subTitle" => slide.layout.master.body,
                    _ => slide.layout.master.other,
                };
                let mut style = master_style;
                if let Some(p) = master_ph {
                    style = p.list.over(&style);
                }
                if let Some(p) = layout_ph {
                    style = p.list.over(&style);
                }
                style
            }
            _ => slide.layout.master.other,
        };
        let blocks = drawingml::body_blocks(body, &inherited, slide.rels);
        slide.blocks.extend(blocks);
    }

    fn picture(&mut self, pic: &Element, slide: &mut SlideText<'_>) {
        let nv = pic.child("nvPicPr");
        // Video and sound are pictures with a media file; their poster frame says nothing.
        if nv
            .and_then(|n| n.child("nvPr"))
            .is_some_and(|n| n.child("videoFile").is_some() || n.child("audioFile").is_some())
        {
            return;
        }
        let alt = drawingml::alt_text(nv);
        let Some(blip) = pic.child("blipFill").and_then(|b| b.child("blip")) else {
            if !alt.is_empty() {
                slide.blocks.push(Block::Paragraph(vec![Inline::Image {
                    alt,
                    src: String::new(),
                    size: None,
                }]));
            }
            return;
        };
        self.push_picture(blip, alt, slide);
    }

    /// A picture as Markdown image syntax. Its size on the slide is not kept: it is relative to
    /// a canvas the Markdown does not have.
    fn push_picture(&mut self, blip: &Element, alt: String, slide: &mut SlideText<'_>) {
        let target = blip
            .attr("embed")
            .or_else(|| blip.attr("link"))
            .and_then(|id| slide.rels.get(id))
            .map(|r| (r.target.as_str(), r.external));
        let image = self.media.picture(
            &mut self.pkg,
            target,
            alt,
            None,
            self.options.extract_images,
        );
        if matches!(&image, Inline::Image { alt, src, .. } if alt.is_empty() && src.is_empty()) {
            return;
        }
        slide.blocks.push(Block::Paragraph(vec![image]));
    }

    /// A graphic frame: a table, a chart, a SmartArt diagram or an embedded object's picture.
    fn frame(&mut self, frame: &Element, slide: &mut SlideText<'_>) {
        let Some(data) = frame.child("graphic").and_then(|g| g.child("graphicData")) else {
            return;
        };
        if let Some(tbl) = data.child("tbl") {
            slide.blocks.push(drawingml::table(tbl, slide.rels));
            return;
        }
        if let Some(id) = data.child("chart").and_then(|c| c.attr("id"))
            && let Some(rel) = slide.rels.get(id)
        {
            if let Ok(Some(root)) = self.pkg.read_xml(&rel.target.clone()) {
                let chart = chart::read(&root);
                slide.blocks.extend(chart::blocks(&chart));
            }
            return;
        }
        if let Some(ids) = data.child("relIds")
            && let Some(rel) = ids.attr("dm").and_then(|id| slide.rels.get(id))
        {
            if let Ok(Some(root)) = self.pkg.read_xml(&rel.target.clone()) {
                slide.blocks.extend(diagram(&root, slide.rels));
            }
            return;
        }
        // An embedded object (OLE): the picture PowerPoint shows for it.
        let mut pics = Vec::new();
        data.find_all("pic", &mut pics);
        for pic in pics {
            self.picture(pic, slide);
        }
    }

    /// What a notes page holds beside the slide's picture: the notes placeholder and any shape,
    /// table or picture drawn on the page, read like a slide's shapes (its header, footer, date
    /// and page number are running text, left out as on slides).
    fn notes(&mut self, part: &str) -> Vec<Block> {
        let Ok(Some(root)) = self.pkg.read_xml(part) else {
            return Vec::new();
        };
        let Some(tree) = root.child("cSld").and_then(|c| c.child("spTree")) else {
            return Vec::new();
        };
        let rels = self.pkg.rels(part);
        let mut text = SlideText {
            rels: &rels,
            layout: Layout::default(),
            title: None,
            blocks: Vec::new(),
        };
        self.shapes(tree, &mut text, 0);
        let mut out = Vec::new();
        if let Some(title) = text.title.filter(|t| !t.is_empty()) {
            out.push(Block::Paragraph(title));
        }
        out.extend(text.blocks);
        out
    }
}

/// The placeholders of a layout or master shape tree.
fn placeholders(root: &Element) -> Vec<Placeholder> {
    let mut shapes = Vec::new();
    if let Some(tree) = root.child("cSld").and_then(|c| c.child("spTree")) {
        tree.find_all("sp", &mut shapes);
    }
    shapes
        .into_iter()
        .filter_map(|sp| {
            let ph = sp.child("nvSpPr")?.child("nvPr")?.child("ph")?;
            Some(Placeholder {
                kind: ph.attr("type").unwrap_or("obj").to_string(),
                idx: ph.attr("idx").map(str::to_string),
                list: ListStyle::of(sp.child("txBody").and_then(|b| b.child("lstStyle"))),
            })
        })
        .collect()
}

/// The placeholder a slide's placeholder inherits from: the same index, else the same type
/// (`obj` and `body` are both body text).
fn find_placeholder<'p>(
    list: &'p [Placeholder],
    kind: &str,
    idx: Option<&str>,
) -> Option<&'p Placeholder> {
    if let Some(idx) = idx
        && let Some(p) = list.iter().find(|p| p.idx.as_deref() == Some(idx))
    {
        return Some(p);
    }
    let body_like = |k: &str| matches!(k, "obj" | "body");
    list.iter().find(|p| p.kind == kind).or_else(|| {
        body_like(kind)
            .then(|| list.iter().find(|p| body_like(&p.kind)))
            .flatten()
    })
}

/// A SmartArt data model (`dgm:dataModel`) as a nested list: the document node's children are
/// the first level, each node's children (by `parOf` connections, in their order) the next.
fn diagram(root: &Element, rels: &Rels) -> Vec<Block> {
    let Some(points) = root.child("ptLst") else {
        return Vec::new();
    };
    let mut text: HashMap<String, Vec<Inline>> = HashMap::new();
    let mut doc = None;
    for pt in points.children_named("pt").take(MAX_DIAGRAM_POINTS) {
        let Some(id) = pt.attr("modelId") else {
            continue;
        };
        match pt.attr("type").unwrap_or("node") {
            "doc" => doc = Some(id.to_string()),
            "node" | "asst" => {
                let inlines = pt
                    .child("t")
                    .map(|t| drawingml::body_inlines(t, rels))
                    .unwrap_or_default();
                text.insert(id.to_string(), inlines);
            }
            _ => {}
        }
    }
    let mut children: HashMap<String, Vec<(i64, String)>> = HashMap::new();
    if let Some(cxns) = root.child("cxnLst") {
        for cxn in cxns.children_named("cxn").take(MAX_DIAGRAM_POINTS) {
            if !matches!(cxn.attr("type"), None | Some("parOf")) {
                continue;
            }
            let (Some(src), Some(dest)) = (cxn.attr("srcId"), cxn.attr("destId")) else {
                continue;
            };
            let order = cxn.attr("srcOrd").and_then(|o| o.parse().ok()).unwrap_or(0);
            children
                .entry(src.to_string())
                .or_default()
                .push((order, dest.to_string()));
        }
    }
    for list in children.values_mut() {
        list.sort();
    }
    let mut items = Vec::new();
    let mut seen = std::collections::HashSet::new();
    // Depth-first without recursion: (node, level).
    let mut stack: Vec<(String, usize)> = Vec::new();
    let roots: Vec<String> = match &doc {
        Some(doc) => children
            .get(doc)
            .map(|c| c.iter().map(|(_, id)| id.clone()).collect())
            .unwrap_or_default(),
        None => Vec::new(),
    };
    for id in roots.into_iter().rev() {
        stack.push((id, 0));
    }
    while let Some((id, level)) = stack.pop() {
        if !seen.insert(id.clone()) || seen.len() > MAX_DIAGRAM_POINTS {
            continue;
        }
        let next_level = match text.get(&id) {
            Some(inlines) if !inlines.is_empty() => {
                items.push(FlatItem {
                    level: level.min(8),
                    ordered: false,
                    start: 1,
                    list_id: 0,
                    blocks: vec![Block::Paragraph(inlines.clone())],
                });
                level + 1
            }
            _ => level,
        };
        if let Some(kids) = children.get(&id) {
            for (_, kid) in kids.iter().rev() {
                stack.push((kid.clone(), next_level));
            }
        }
    }
    markdown::build_lists(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smartart_nodes_nest_by_their_connections() {
        let root = crate::convert::xml::parse(
            br#"<dgm:dataModel><dgm:ptLst>
              <dgm:pt modelId="0" type="doc"/>
              <dgm:pt modelId="1"><dgm:t><a:p><a:r><a:t>First</a:t></a:r></a:p></dgm:t></dgm:pt>
              <dgm:pt modelId="2"><dgm:t><a:p><a:r><a:t>child</a:t></a:r></a:p></dgm:t></dgm:pt>
              <dgm:pt modelId="3"><dgm:t><a:p><a:r><a:t>Second</a:t></a:r></a:p></dgm:t></dgm:pt>
              <dgm:pt modelId="9" type="parTrans"/>
            </dgm:ptLst><dgm:cxnLst>
              <dgm:cxn modelId="a" srcId="0" destId="3" srcOrd="1"/>
              <dgm:cxn modelId="b" srcId="0" destId="1" srcOrd="0"/>
              <dgm:cxn modelId="c" srcId="1" destId="2" srcOrd="0"/>
              <dgm:cxn modelId="d" srcId="2" destId="1" srcOrd="0"/>
            </dgm:cxnLst></dgm:dataModel>"#,
        )
        .unwrap();
        assert_eq!(
            markdown::render(&diagram(&root, &Rels::default())),
            "- First\n  - child\n- Second\n"
        );
    }
}
