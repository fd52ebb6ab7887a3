//! Pictures of a package written beside the Markdown: each media part copied once into the
//! document's attachments under a safe, unique file name, and referenced from the Markdown
//! through [`ATTACHMENTS_DIR`](super::ATTACHMENTS_DIR). DOCX, PPTX and XLSX drawings share it.

use std::collections::HashMap;

use super::Attachment;
use super::opc::Package;
use crate::markdown::Inline;

/// The pictures collected from one document.
#[derive(Debug, Default)]
pub struct Media {
    pub attachments: Vec<Attachment>,
    /// Part name -> attachment name, so a picture used twice is written once.
    names: HashMap<String, String>,
    /// Pictures seen (extracted or not), for the metadata.
    pub count: usize,
}

impl Media {
    /// Copies a media part into the attachments once; returns its file name.
    pub fn extract(&mut self, pkg: &mut Package<'_>, part: &str) -> Option<String> {
        if let Some(name) = self.names.get(part) {
            return Some(name.clone());
        }
        let bytes = pkg.read(part).ok().flatten()?;
        let base = part.rsplit('/').next().unwrap_or("image");
        let base: String = base
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let mut name = base.clone();
        let mut n = 2;
        while self.attachments.iter().any(|a| a.name == name) {
            name = format!("{n}-{base}");
            n += 1;
        }
        self.names.insert(part.to_string(), name.clone());
        self.attachments.push(Attachment {
            name: name.clone(),
            bytes,
        });
        Some(name)
    }

    /// Adds bytes as an attachment under a safe, unique name derived from `name`; returns the
    /// name written.
    pub fn add(&mut self, name: &str, bytes: Vec<u8>) -> String {
        let base: String = name
            .rsplit('/')
            .next()
            .unwrap_or("image")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let base = if base.is_empty() || base.starts_with('.') {
            format!("image{base}")
        } else {
            base
        };
        let mut name = base.clone();
        let mut n = 2;
        while self.attachments.iter().any(|a| a.name == name) {
            name = format!("{n}-{base}");
            n += 1;
        }
        self.attachments.push(Attachment {
            name: name.clone(),
            bytes,
        });
        name
    }

    /// A picture as an inline: extracted (when `extract`) and linked, an external link kept, or
    /// only its alt text.
    pub fn picture(
        &mut self,
        pkg: &mut Package<'_>,
        target: Option<(&str, bool)>,
        alt: String,
        size: Option<(u32, u32)>,
        extract: bool,
    ) -> Inline {
        self.count += 1;
        let src = match target {
            Some((url, true)) => url.to_string(),
            Some((part, false)) if extract => match self.extract(pkg, part) {
                Some(name) => format!("{}/{name}", super::ATTACHMENTS_DIR),
                None => String::new(),
            },
            _ => String::new(),
        };
        Inline::Image { alt, src, size }
    }
}

/// A DrawingML extent (EMUs, 914,400 per inch) in pixels at 96 per inch.
pub fn emu_to_px(cx: u64, cy: u64) -> Option<(u32, u32)> {
    let px = |v: u64| ((v + 4762) / 9525).clamp(1, 100_000) as u32;
    (cx > 0 && cy > 0).then(|| (px(cx), px(cy)))
}
