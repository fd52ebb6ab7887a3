//! Web pages (.html, .htm, .xhtml): the shared HTML reader (`dom/`) on a file.
//!
//! The encoding comes from the page (byte order mark, `<meta charset>`), else from its bytes;
//! `<head>` gives the title, description, author, keywords and language to the metadata (and to
//! `--front-matter`). Pictures given as `data:` URIs are written beside the Markdown with
//! `--images extract`; other sources stay links, as the page has them. `main-only = true` keeps
//! only the page's main content (`<main>`, `[role=main]`, else its first `<article>`).

use super::dom;
use super::media::Media;
use super::{ConvertError, ConvertOptions, Converted, Converter};
use crate::markdown;

pub struct HtmlConverter;

impl Converter for HtmlConverter {
    fn name(&self) -> &'static str {
        "html"
    }

    fn version(&self) -> &'static str {
        "1"
    }

    fn convert(&self, bytes: &[u8], options: &ConvertOptions) -> Result<Converted, ConvertError> {
        let doc = dom::parse(bytes, None, options.limits.max_xml_depth)?;
        let mapped = dom::map(
            &doc,
            dom::Options {
                main_only: options.main_only,
            },
        );
        let mut blocks = mapped.blocks;
        let mut media = Media::default();
        dom::place_images(&mut blocks, &mut media, options.extract_images, &mut |_| {
            None
        });
        let mut metadata = mapped.metadata;
        if options.front_matter
            && let Some(front) = super::front_matter(&metadata)
        {
            blocks.insert(0, front);
        }
        metadata.insert("image_count".into(), media.count.to_string());
        Ok(Converted {
            markdown: markdown::render(&blocks),
            metadata,
            warning: None,
            attachments: media.attachments,
        })
    }
}
