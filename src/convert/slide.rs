//! How one slide of a deck (PPTX, ODP) becomes Markdown blocks, shared by both readers.
//!
//! A slide starts with its `<!-- slide N -->` comment (when page markers are on), then its title
//! as a heading. The heading level follows the deck's own outline: a deck with section-header
//! slides (PowerPoint's "Section Header" layout) gives those `#` and the slides under them `##`;
//! a deck without sections gives every slide title `#`. A slide without a title gets no invented
//! heading: a thematic break (`---`) separates it from the slide before, as pandoc's slide
//! Markdown does, and its number stays in the comment. Speaker notes follow the content under a
//! `Notes` heading one level below the slide's.

use crate::markdown::{self, Block, Inline};

/// One slide as a reader collected it.
pub struct Slide {
    pub number: usize,
    pub hidden: bool,
    /// The title placeholder's text; `None` (or only white space) for an untitled slide.
    pub title: Option<Vec<Inline>>,
    /// The level of its title heading (`1` for sections and the slides of a flat deck).
    pub level: u8,
    pub content: Vec<Block>,
    pub notes: Vec<Block>,
}

/// The slide's blocks; `first` is whether nothing of the deck was written before it.
pub fn blocks(slide: Slide, page_markers: bool, first: bool) -> Vec<Block> {
    let mut out = Vec::with_capacity(slide.content.len() + slide.notes.len() + 3);
    if page_markers {
        out.push(Block::Comment(if slide.hidden {
            format!("slide {} (hidden)", slide.number)
        } else {
            format!("slide {}", slide.number)
        }));
    }
    let title = slide
        .title
        .filter(|t| !markdown::plain_text(t).trim().is_empty());
    match title {
        Some(content) => out.push(Block::Heading {
            level: slide.level,
            content,
        }),
        None if !first => out.push(Block::Rule),
        None => {}
    }
    out.extend(slide.content);
    if !slide.notes.is_empty() {
        out.push(Block::Heading {
            level: slide.level + 1,
            content: vec![Inline::Text("Notes".into())],
        });
        out.extend(slide.notes);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slide(title: Option<&str>, level: u8) -> Slide {
        Slide {
            number: 3,
            hidden: false,
            title: title.map(|t| vec![Inline::Text(t.into())]),
            level,
            content: vec![Block::Paragraph(vec![Inline::Text("Body".into())])],
            notes: vec![Block::Paragraph(vec![Inline::Text("Said aloud".into())])],
        }
    }

    #[test]
    fn a_titled_slide_is_a_heading_with_its_notes_one_level_below() {
        let md = markdown::render(&blocks(slide(Some("Plan"), 2), true, false));
        assert_eq!(
            md,
            "<!-- slide 3 -->\n\n## Plan\n\nBody\n\n### Notes\n\nSaid aloud\n"
        );
    }

    #[test]
    fn an_untitled_slide_is_separated_by_a_rule_and_invents_no_heading() {
        let md = markdown::render(&blocks(slide(Some("  "), 1), false, false));
        assert_eq!(md, "---\n\nBody\n\n## Notes\n\nSaid aloud\n");
        let md = markdown::render(&blocks(slide(None, 1), false, true));
        assert_eq!(md, "Body\n\n## Notes\n\nSaid aloud\n");
    }
}
