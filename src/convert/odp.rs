//! OpenDocument presentations (.odp, .otp, flat .fodp): the same slide conventions as PPTX.
//!
//! Slides are the `draw:page` elements in document order. Each starts with `# Title` from its
//! title frame (`presentation:class="title"`), a `---` rule without one (`slide.rs`), after a
//! `<!-- slide N -->` comment when page markers are on (`(hidden)` for pages whose style hides them, left out with
//! `hidden-slides = false`). Frames, shapes and groups (`draw:g`) are read in document order:
//! text boxes with their paragraphs and lists, tables (`table:table`, spans from
//! `table:number-columns-spanned`/`-rows-spanned`), pictures with their `svg:title`/`svg:desc`
//! (extracted with `--images extract`). Date, footer and page-number frames are left out.
//! Speaker notes (`presentation:notes`: the notes frame and whatever else is drawn on the notes
//! page) follow under `## Notes` when they hold text.

use super::media::Media;
use super::odf::{self, Document, Styles};
use super::xml::Element;
use super::{ConvertError, ConvertOptions, Converted, Converter};
use crate::markdown::{self, Block, Inline};

pub struct OdpConverter;

impl Converter for OdpConverter {
    fn name(&self) -> &'static str {
        "odp"
    }

    fn version(&self) -> &'static str {
        // 2: a paragraph style's own look (a bold title style) is not emphasis.
        // 3: titles are `#` (as in a PPTX deck without sections); untitled pages get a rule.
        "3"
    }

    fn convert(&self, bytes: &[u8], options: &ConvertOptions) -> Result<Converted, ConvertError> {
        let mut doc = Document::open(bytes, &options.limits, "ODP")?;
        let (content, styles) = doc.content_and_styles()?;
        let pages: Vec<&Element> = content
            .child("body")
            .and_then(|b| b.child("presentation"))
            .map(|p| p.children_named("page").collect())
            .unwrap_or_default();
        let mut deck = Deck {
            doc,
            styles: &styles,
            media: Media::default(),
            options,
        };
        let mut blocks = Vec::new();
        let mut hidden = 0;
        for (n, page) in pages.iter().enumerate() {
            let number = n + 1;
            let is_hidden = page
                .attr("style-name")
                .is_some_and(|s| styles.hidden_pages.iter().any(|h| h == s));
            hidden += usize::from(is_hidden);
            if is_hidden && !options.hidden_slides {
                continue;
            }
            let slide = deck.slide(page, number, is_hidden);
            let first = blocks.is_empty();
            blocks.extend(super::slide::blocks(slide, options.page_markers, first));
        }
        let mut metadata = odf::read_meta(&mut deck.doc);
        metadata.insert("slide_count".into(), pages.len().to_string());
        if hidden > 0 {
            metadata.insert("hidden_slides".into(), hidden.to_string());
        }
        metadata.insert("image_count".into(), deck.media.count.to_string());
        Ok(Converted {
            markdown: markdown::render(&blocks),
            metadata,
            warning: None,
            attachments: deck.media.attachments,
        })
    }
}

/// Groups nested deeper are not read.
const MAX_GROUP_DEPTH: usize = 64;

struct Deck<'a, 's, 'o> {
    doc: Document<'a>,
    styles: &'s Styles,
    media: Media,
    options: &'o ConvertOptions,
}

struct Slide {
    title: Option<Vec<Inline>>,
    blocks: Vec<Block>,
}

impl Deck<'_, '_, '_> {
    /// A page's title, content and notes. ODF has no section-header layout, so every title is `#`.
    fn slide(&mut self, page: &Element, number: usize, hidden: bool) -> super::slide::Slide {
        let mut slide = Slide {
            title: None,
            blocks: Vec::new(),
        };
        self.shapes(page, &mut slide, 0);
        let mut notes = Slide {
            title: None,
            blocks: Vec::new(),
        };
        if self.options.speaker_notes
            && let Some(page_notes) = page.child("notes")
        {
            // Everything on the notes page but its picture of the slide (`draw:page-thumbnail`)
            // and its running text: the notes frame and any text box, table or picture drawn there.
            self.shapes(page_notes, &mut notes, 0);
            if let Some(title) = notes.title.take().filter(|t| !t.is_empty()) {
                notes.blocks.insert(0, Block::Paragraph(title));
            }
        }
        super::slide::Slide {
            number,
            hidden,
            title: slide.title,
            level: 1,
            content: slide.blocks,
            notes: notes.blocks,
        }
    }

    fn shapes(&mut self, parent: &Element, slide: &mut Slide, depth: usize) {
        if depth > MAX_GROUP_DEPTH {
            return;
        }
        for shape in parent.elements() {
            match shape.name.as_str() {
                "frame" => self.frame(shape, slide),
                "g" => self.shapes(shape, slide, depth + 1),
                "custom-shape" | "rect" | "ellipse" | "polygon" | "polyline" | "path"
                | "caption" | "circle" | "regular-polygon" | "connector" | "line" => {
                    slide.blocks.extend(odf::blocks(shape, self.styles));
                }
                _ => {}
            }
        }
    }

    /// A frame shows the first of its children the reader supports (ODF 1.3, 10.4.2: the
    /// others are alternatives, such as the preview picture of a table or chart).
    fn frame(&mut self, frame: &Element, slide: &mut Slide) {
        let class = frame.attr("class").unwrap_or("");
        if matches!(
            class,
            "date-time" | "footer" | "page-number" | "header" | "page"
        ) {
            return;
        }
        for child in frame.elements() {
            match child.name.as_str() {
                "text-box" => {
                    let blocks = odf::blocks(child, self.styles);
                    if class == "title" && slide.title.is_none() {
                        slide.title = Some(title_inlines(&blocks));
                    } else {
                        slide.blocks.extend(blocks);
                    }
                }
                "table" => slide.blocks.push(table(child, self.styles)),
                "object" => {
                    let Some(blocks) = self.object(child) else {
                        continue; // not readable: try the next alternative (its picture)
                    };
                    slide.blocks.extend(blocks);
                }
                "image" => {
                    let alt = odf::alt_text(frame);
                    let href = child.attr("href").unwrap_or("");
                    let external = href.contains("://");
                    let part = href.trim_start_matches("./");
                    let target = (!href.is_empty()).then_some((part, external));
                    let extract = self.options.extract_images;
                    let image = match self.doc.package() {
                        Some(pkg) => self.media.picture(pkg, target, alt, None, extract),
                        None => Inline::Image {
                            alt,
                            src: String::new(),
                            size: None,
                        },
                    };
                    if !matches!(&image, Inline::Image { alt, src, .. } if alt.is_empty() && src.is_empty())
                    {
                        slide.blocks.push(Block::Paragraph(vec![image]));
                    }
                }
                _ => continue,
            }
            return;
        }
    }

    /// An embedded object (`draw:object`): a chart becomes its title and its data table.
    fn object(&mut self, object: &Element) -> Option<Vec<Block>> {
        let dir = object
            .attr("href")?
            .trim_start_matches("./")
            .trim_end_matches('/');
        let root = self
            .doc
            .package()?
            .read_xml(&format!("{dir}/content.xml"))
            .ok()??;
        let chart = root.child("body")?.child("chart")?.child("chart")?;
        let styles = Styles::read(&[&root]);
        let title = chart
            .child("title")
            .map(|t| markdown::plain_text(&title_inlines(&odf::blocks(t, &styles))))
            .filter(|t| !t.trim().is_empty());
        let mut out = vec![Block::Paragraph(vec![Inline::Text(match title {
            Some(t) => format!("Chart: {t}"),
            None => "Chart".into(),
        })])];
        if let Some(data) = chart.child("table") {
            out.push(table(data, &styles));
        }
        Some(out)
    }
}

/// A title's blocks as one line of inlines.
fn title_inlines(blocks: &[Block]) -> Vec<Inline> {
    let mut out = Vec::new();
    for block in blocks {
        let inlines = match block {
            Block::Paragraph(i) | Block::Heading { content: i, .. } => i.clone(),
            Block::List(list) => list
                .items
                .iter()
                .flat_map(|item| title_inlines(item))
                .collect(),
            _ => continue,
        };
        if inlines.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(Inline::Text(" ".into()));
        }
        out.extend(inlines);
    }
    out
}

/// An ODF table (`table:table`) as the shared table model: covered cells as spans.
pub fn table(table: &Element, styles: &Styles) -> Block {
    odf::table(table, &mut |cell| odf::blocks(cell, styles))
}
