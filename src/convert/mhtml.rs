//! Web archives (.mht, .mhtml): the MIME document browsers save a page in. Its root HTML part goes
//! through the shared HTML reader; the pictures it shows are its other parts, found by
//! `Content-Location` or `cid:`, and written beside the Markdown with `--images extract`.
//!
//! An MHTML file and an e-mail are both MIME; they are told apart by their headers: a
//! `multipart/related` document whose root is HTML, saved by a browser (`Snapshot-Content-
//! Location`, `From: <Saved by ...>`), is a web archive; a message with senders and recipients is
//! mail ([`identify_eml`]).

use mail_parser::{MessageParser, MimeHeaders, PartType};

use super::media::Media;
use super::{ConvertError, ConvertOptions, Converted, Converter, Warning, dom};
use crate::formats::Match;
use crate::markdown;
use crate::sniff::Probe;

pub struct MhtmlConverter;

impl Converter for MhtmlConverter {
    fn name(&self) -> &'static str {
        "mhtml"
    }

    fn version(&self) -> &'static str {
        "1"
    }

    fn convert(&self, bytes: &[u8], options: &ConvertOptions) -> Result<Converted, ConvertError> {
        let message = MessageParser::default()
            .parse(bytes)
            .ok_or_else(|| ConvertError::Corrupt("not a readable MIME web archive".into()))?;
        let root = message
            .parts
            .iter()
            .find(|p| matches!(p.body, PartType::Html(_)));
        let mut warning = None;
        let (html, base) = match root {
            Some(part) => (
                part.text_contents().unwrap_or_default().to_string(),
                part.content_location().map(str::to_string),
            ),
            None => {
                // A damaged MIME structure (a broken boundary) hides the page: read the HTML
                // from the text itself.
                let text = String::from_utf8_lossy(bytes);
                let lower = text.to_ascii_lowercase();
                let start = ["<!doctype html", "<html"]
                    .iter()
                    .filter_map(|tag| lower.find(tag))
                    .min()
                    .ok_or_else(|| {
                        ConvertError::Corrupt("the web archive holds no HTML page".into())
                    })?;
                warning = Some(Warning {
                    code: "damaged_parts".into(),
                    message: "the archive's MIME structure is damaged: its page was read from \
                              the raw text"
                        .into(),
                });
                (text[start..].to_string(), None)
            }
        };
        let doc = dom::parse_text(&html, encoding_rs::UTF_8, options.limits.max_xml_depth)?;
        let mapped = dom::map(
            &doc,
            dom::Options {
                main_only: options.main_only,
            },
        );
        let mut blocks = mapped.blocks;
        let mut metadata = mapped.metadata;
        if let Some(subject) = message.subject()
            && !metadata.contains_key("title")
        {
            metadata.insert("title".into(), subject.to_string());
        }
        if let Some(location) = message
            .header("Snapshot-Content-Location")
            .and_then(|h| h.as_text())
            .or(base.as_deref())
        {
            metadata.insert("url".into(), location.to_string());
        }
        let mut media = Media::default();
        dom::place_images(
            &mut blocks,
            &mut media,
            options.extract_images,
            &mut |src| {
                let id = src.strip_prefix("cid:").map(|c| c.trim_matches(['<', '>']));
                let part = message.parts.iter().find(|p| {
                    let by_location = p.content_location().is_some_and(|l| {
                        l == src || (!src.contains("://") && l.ends_with(&format!("/{src}")))
                    });
                    let by_id = id.is_some_and(|id| {
                        p.content_id()
                            .is_some_and(|c| c.trim_matches(['<', '>']) == id)
                    });
                    (by_location || by_id)
                        && matches!(p.body, PartType::Binary(_) | PartType::InlineBinary(_))
                })?;
                let name = part
                    .content_location()
                    .and_then(|l| l.rsplit('/').next())
                    .filter(|n| !n.is_empty())
                    .unwrap_or("image")
                    .to_string();
                Some((name, part.contents().to_vec()))
            },
        );
        if options.front_matter
            && let Some(front) = super::front_matter(&metadata)
        {
            blocks.insert(0, front);
        }
        metadata.insert("image_count".into(), media.count.to_string());
        Ok(Converted {
            markdown: markdown::render(&blocks),
            metadata,
            warning,
            attachments: media.attachments,
        })
    }
}

/// The header fields of the first header block of probed text, lower-cased names and values.
fn headers(probe: &Probe) -> Vec<(String, String)> {
    let head = String::from_utf8_lossy(&probe.head);
    let mut out: Vec<(String, String)> = Vec::new();
    for (i, line) in head.lines().enumerate() {
        if line.trim().is_empty() {
            break;
        }
        if i == 0 && line.starts_with("From ") {
            continue; // an mbox "From " line
        }
        if line.starts_with([' ', '\t']) {
            if let Some(last) = out.last_mut() {
                last.1.push(' ');
                last.1.push_str(&line.trim().to_ascii_lowercase());
            }
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Vec::new(); // not a header block
        };
        if name.is_empty() || name.contains(' ') {
            return Vec::new();
        }
        out.push((name.to_ascii_lowercase(), value.trim().to_ascii_lowercase()));
    }
    out
}

fn is_web_archive(headers: &[(String, String)]) -> bool {
    let related = headers
        .iter()
        .any(|(n, v)| n == "content-type" && v.starts_with("multipart/related"));
    let browser = headers.iter().any(|(n, v)| {
        n == "snapshot-content-location"
            || (n == "from" && v.contains("saved by"))
            || (n == "content-type" && v.contains("type=\"text/html\""))
    });
    related && browser
}

/// The registry's test for MHTML content.
pub fn identify_mhtml(probe: &Probe) -> Match {
    if !probe.container.is_textual() {
        return Match::No;
    }
    if is_web_archive(&headers(probe)) {
        Match::Strong
    } else {
        Match::Weak
    }
}

/// The registry's test for e-mail: a header block with a sender or recipients and at least one
/// more field a message has, that is not a browser's web archive.
pub fn identify_eml(probe: &Probe) -> Match {
    if !probe.container.is_textual() {
        return Match::No;
    }
    let headers = headers(probe);
    let has = |name: &str| headers.iter().any(|(n, _)| n == name);
    let people = has("from") || has("to") || has("sender");
    let message = [
        "subject",
        "date",
        "message-id",
        "received",
        "mime-version",
        "return-path",
    ]
    .iter()
    .filter(|n| has(n))
    .count();
    if is_web_archive(&headers) {
        // A page a browser saved is MHTML whatever its name says.
        Match::No
    } else if people && message >= 1 {
        Match::Strong
    } else {
        Match::Weak
    }
}
