//! E-books (.epub, EPUB 2 and 3): the package document's spine, chapter by chapter, through the
//! shared HTML reader.
//!
//! `META-INF/container.xml` names the package document (OPF); its spine gives the reading order
//! and its manifest the chapters' paths, resolved relative to the OPF with `..` and percent
//! escapes decoded, never above the archive's root (markitdown #1724). A spine item that is
//! missing is skipped with a warning. Chapters are read leniently (named entities, unclosed
//! tags), footnotes (`epub:type="noteref"`/`footnote`) are numbered across the book, links
//! between chapters become links to the anchor in the one Markdown file, pictures are written
//! beside the Markdown with `--images extract`. Title, authors, language, date, publisher,
//! description and subjects go to the metadata. A book whose chapters are encrypted (DRM:
//! `META-INF/encryption.xml` naming more than obfuscated fonts) is `encrypted`.

use std::collections::HashMap;

use super::media::Media;
use super::opc::{self, Package, resolve_path};
use super::xml::Element;
use super::{ConvertError, ConvertOptions, Converted, Converter, Metadata, Warning, dom};
use crate::markdown::{self, Block};

pub struct EpubConverter;

impl Converter for EpubConverter {
    fn name(&self) -> &'static str {
        "epub"
    }

    fn version(&self) -> &'static str {
        "1"
    }

    fn convert(&self, bytes: &[u8], options: &ConvertOptions) -> Result<Converted, ConvertError> {
        convert_book(bytes, options).map_err(|e| opc::name_the_damage(bytes, "EPUB", e))
    }
}

/// The font obfuscation algorithms of IDPF and Adobe: fonts made unusable outside the book, not
/// content encryption.
const FONT_OBFUSCATION: [&str; 2] = [
    "http://www.idpf.org/2008/embedding",
    "http://ns.adobe.com/pdf/enc#RC",
];

struct Item {
    href: String,
    media_type: String,
    /// The EPUB 3 navigation document (`properties="nav"`).
    nav: bool,
}

fn convert_book(bytes: &[u8], options: &ConvertOptions) -> Result<Converted, ConvertError> {
    let mut pkg = Package::open(bytes, &options.limits, "EPUB")?;
    let container = pkg
        .read_xml("META-INF/container.xml")?
        .ok_or_else(|| ConvertError::Corrupt("the book has no META-INF/container.xml".into()))?;
    let opf_path = container
        .find("rootfile")
        .and_then(|r| r.attr("full-path"))
        .map(|p| resolve_path("", &decode_href(p)))
        .ok_or_else(|| {
            ConvertError::Corrupt("META-INF/container.xml names no package document".into())
        })?;
    check_encryption(&mut pkg)?;
    let opf = pkg.read_xml(&opf_path)?.ok_or_else(|| {
        ConvertError::Corrupt(format!("the package document {opf_path} is missing"))
    })?;
    let base = match opf_path.rfind('/') {
        Some(i) => opf_path[..=i].to_string(),
        None => String::new(),
    };
    let mut items: HashMap<String, Item> = HashMap::new();
    if let Some(manifest) = opf.child("manifest") {
        for item in manifest.children_named("item") {
            let (Some(id), Some(href)) = (item.attr("id"), item.attr("href")) else {
                continue;
            };
            items.insert(
                id.to_string(),
                Item {
                    href: resolve_path(&base, &decode_href(href)),
                    media_type: item.attr("media-type").unwrap_or("").to_string(),
                    nav: item
                        .attr("properties")
                        .is_some_and(|p| p.split_whitespace().any(|p| p == "nav")),
                },
            );
        }
    }
    // The reading order; `linear="no"` items are auxiliary (EPUB 3.3, 5.7): they follow the
    // linear ones, except a non-linear navigation document, which is the table of contents the
    // headings already make.
    let mut linear = Vec::new();
    let mut auxiliary = Vec::new();
    if let Some(spine) = opf.child("spine") {
        for itemref in spine.children_named("itemref") {
            let Some(item) = itemref.attr("idref").and_then(|id| items.get(id)) else {
                continue;
            };
            if !(item.media_type.contains("html") || item.media_type.is_empty()) {
                continue;
            }
            if itemref.attr("linear") == Some("no") {
                if !item.nav {
                    auxiliary.push(item.href.clone());
                }
            } else {
                linear.push(item.href.clone());
            }
        }
    }
    let mut spine = linear;
    spine.extend(auxiliary);
    spine.dedup();
    let mut metadata = book_metadata(&opf);
    metadata.insert("chapter_count".into(), spine.len().to_string());

    let mut mapper = dom::Mapper::default();
    let mut media = Media::default();
    let mut blocks: Vec<Block> = Vec::new();
    let mut missing = Vec::new();
    let mut damaged = Vec::new();
    for chapter in &spine {
        // One damaged chapter costs that chapter, not the book; a bomb still fails it.
        let html = match pkg.read(chapter) {
            Ok(Some(html)) => html,
            Ok(None) => {
                missing.push(chapter.clone());
                continue;
            }
            Err(ConvertError::Corrupt(why)) => {
                damaged.push(why);
                continue;
            }
            Err(e) => return Err(e),
        };
        let doc = dom::parse(&html, Some("utf-8"), options.limits.max_xml_depth)?;
        let mut chapter_blocks = mapper.document(&doc, dom::Options::default());
        let dir = match chapter.rfind('/') {
            Some(i) => chapter[..=i].to_string(),
            None => String::new(),
        };
        // Links into the book point to anchors of the one Markdown file.
        markdown::map_links(&mut chapter_blocks, &|target| {
            if target.contains("://") || target.starts_with("mailto:") || target.starts_with('#') {
                return None;
            }
            let (path, fragment) = target.split_once('#').unwrap_or((target, ""));
            let part = resolve_path(&dir, &decode_href(path));
            spine.contains(&part).then(|| {
                if fragment.is_empty() {
                    String::new()
                } else {
                    format!("#{fragment}")
                }
            })
        });
        dom::place_images(
            &mut chapter_blocks,
            &mut media,
            options.extract_images,
            &mut |src| {
                if src.contains("://") {
                    return None;
                }
                let part = resolve_path(&dir, &decode_href(src.split('#').next().unwrap_or(src)));
                let bytes = pkg.read(&part).ok()??;
                Some((part, bytes))
            },
        );
        blocks.extend(chapter_blocks);
    }
    blocks.extend(mapper.footnotes());
    if options.front_matter
        && let Some(front) = super::front_matter(&metadata)
    {
        blocks.insert(0, front);
    }
    metadata.insert("image_count".into(), media.count.to_string());
    let mut problems = Vec::new();
    if !missing.is_empty() {
        problems.push(format!(
            "{} chapter{} of the spine {} missing from the book: {}",
            missing.len(),
            if missing.len() == 1 { "" } else { "s" },
            if missing.len() == 1 { "is" } else { "are" },
            missing.join(", ")
        ));
    }
    if !damaged.is_empty() {
        problems.push(format!(
            "{} damaged chapter{} left out: {}",
            damaged.len(),
            if damaged.len() == 1 { "" } else { "s" },
            damaged.join("; ")
        ));
    }
    if !spine.is_empty() && missing.len() + damaged.len() == spine.len() {
        return Err(ConvertError::Corrupt(format!(
            "no chapter of the book can be read: {}",
            problems.join("; ")
        )));
    }
    let warning = (!problems.is_empty()).then(|| Warning {
        code: "missing_parts".into(),
        message: problems.join("; "),
    });
    Ok(Converted {
        markdown: markdown::render(&blocks),
        metadata,
        warning,
        attachments: media.attachments,
    })
}

/// `META-INF/encryption.xml` that encrypts anything but fonts: a book with DRM.
fn check_encryption(pkg: &mut Package<'_>) -> Result<(), ConvertError> {
    let Ok(Some(root)) = pkg.read_xml("META-INF/encryption.xml") else {
        return Ok(());
    };
    let mut methods = Vec::new();
    root.find_all("EncryptionMethod", &mut methods);
    let drm = methods.iter().any(|m| {
        m.attr("Algorithm")
            .is_some_and(|a| !FONT_OBFUSCATION.contains(&a))
    });
    if drm {
        return Err(ConvertError::Encrypted(
            "the book's chapters are encrypted (DRM); docproc cannot read them".into(),
        ));
    }
    Ok(())
}

/// An href as a part name: percent escapes decoded, the fragment dropped.
fn decode_href(href: &str) -> String {
    let path = href.split('#').next().unwrap_or(href);
    String::from_utf8_lossy(&dom::percent_decode(path)).into_owned()
}

/// Dublin Core metadata of the package document.
fn book_metadata(opf: &Element) -> Metadata {
    let mut metadata = Metadata::new();
    let Some(meta) = opf.child("metadata") else {
        return metadata;
    };
    let values = |name: &str| -> Vec<String> {
        meta.children_named(name)
            .map(|e| e.text().trim().to_string())
            .filter(|t| !t.is_empty())
            .collect()
    };
    for (element, key) in [
        ("title", "title"),
        ("creator", "author"),
        ("language", "language"),
        ("date", "created"),
        ("publisher", "publisher"),
        ("description", "description"),
        ("subject", "keywords"),
        ("identifier", "identifier"),
    ] {
        let found = values(element);
        if !found.is_empty() {
            metadata.insert(key.into(), found.join("; "));
        }
    }
    metadata
}
