//! E-mail, the same Markdown whatever the container (EML's MIME, Outlook's MSG): a `# Subject`
//! heading, a header block (From, To, Cc, Bcc, Date in ISO 8601), the body (HTML through the
//! shared HTML reader when there is one, else the plain text with its line breaks), the list
//! of attachments (name, type, size; written beside the Markdown and linked with
//! `attachments = extract`), then each attached message the same way, one level down.

use super::media::Media;
use super::{ConvertOptions, Metadata, dom};
use crate::markdown::{Block, Inline, List};

/// Attached messages followed this deep (a message forwarding a message forwarding ...).
pub const MAX_DEPTH: usize = 8;

/// Attachments and recipients read from one message (a generated message can hold millions).
pub const MAX_PARTS: usize = 10_000;

/// A message, read from any container.
#[derive(Debug, Default, Clone)]
pub struct Mail {
    pub subject: Option<String>,
    pub from: Vec<Mailbox>,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    pub bcc: Vec<Mailbox>,
    /// RFC 3339.
    pub date: Option<String>,
    pub message_id: Option<String>,
    pub body: Body,
    pub attachments: Vec<Part>,
    /// Messages attached to this one (`message/rfc822`, MSG embedded messages).
    pub messages: Vec<Mail>,
    /// What could not be read as it should (a damaged transfer encoding, an unknown charset, a
    /// damaged body), for the document's warning.
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub name: Option<String>,
    pub address: Option<String>,
}

impl Mailbox {
    fn show(&self) -> String {
        match (&self.name, &self.address) {
            (Some(n), Some(a)) if n != a => format!("{n} <{a}>"),
            (_, Some(a)) => a.clone(),
            (Some(n), None) => n.clone(),
            (None, None) => String::new(),
        }
    }
}

#[derive(Debug, Default, Clone)]
pub enum Body {
    Html(String),
    Text(String),
    #[default]
    None,
}

/// An attachment or inline part.
#[derive(Debug, Default, Clone)]
pub struct Part {
    pub name: Option<String>,
    pub mime: String,
    pub content_id: Option<String>,
    pub content_location: Option<String>,
    pub bytes: Vec<u8>,
    /// An inline part (a picture the HTML body shows): not listed as an attachment.
    pub inline: bool,
}

/// The blocks of a message (heading level 1, attached messages level 2, ...) and what it says
/// about itself for the metadata.
pub fn blocks(mail: &Mail, options: &ConvertOptions, media: &mut Media) -> Vec<Block> {
    let mut out = Vec::new();
    write_mail(mail, 1, options, media, &mut out);
    out
}

/// The metadata of a message: subject as title, sender as author, recipients, date.
pub fn metadata(mail: &Mail) -> Metadata {
    let mut m = Metadata::new();
    let list = |b: &[Mailbox]| {
        b.iter()
            .map(Mailbox::show)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(s) = &mail.subject {
        m.insert("title".into(), s.clone());
    }
    for (key, boxes) in [("author", &mail.from), ("to", &mail.to), ("cc", &mail.cc)] {
        let v = list(boxes);
        if !v.is_empty() {
            m.insert(key.into(), v);
        }
    }
    if let Some(d) = &mail.date {
        m.insert("created".into(), d.clone());
    }
    if let Some(id) = &mail.message_id {
        m.insert("message_id".into(), id.clone());
    }
    let attachments = mail.attachments.iter().filter(|a| !a.inline).count();
    m.insert("attachment_count".into(), attachments.to_string());
    if !mail.messages.is_empty() {
        m.insert("attached_messages".into(), mail.messages.len().to_string());
    }
    m
}

/// The warning for what could not be read in a message or the messages attached to it.
pub fn warning(mail: &Mail) -> Option<super::Warning> {
    let mut all = Vec::new();
    let mut stack = vec![mail];
    while let Some(m) = stack.pop() {
        all.extend(m.problems.iter().cloned());
        stack.extend(m.messages.iter().rev());
    }
    all.dedup();
    (!all.is_empty()).then(|| super::Warning {
        code: "damaged_parts".into(),
        message: all.join("; "),
    })
}

/// Quoted-printable decoded as far as it goes: soft line breaks joined, `=XX` escapes decoded,
/// anything else (a broken escape) kept as it is.
pub fn quoted_printable(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'=' {
            let rest = &raw[i + 1..];
            if rest.starts_with(b"\r\n") {
                i += 3;
                continue;
            }
            if rest.starts_with(b"\n") {
                i += 2;
                continue;
            }
            if let Some(b) = rest
                .get(..2)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    out
}

fn write_mail(
    mail: &Mail,
    level: u8,
    options: &ConvertOptions,
    media: &mut Media,
    out: &mut Vec<Block>,
) {
    let subject = mail
        .subject
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "(no subject)".into());
    out.push(Block::Heading {
        level,
        content: vec![Inline::Text(if level == 1 {
            subject
        } else {
            format!("Attached message: {subject}")
        })],
    });
    let mut header = Vec::new();
    let mut field = |label: &str, value: String| {
        if value.is_empty() {
            return;
        }
        if !header.is_empty() {
            header.push(Inline::LineBreak);
        }
        header.push(Inline::Strong(vec![Inline::Text(format!("{label}:"))]));
        header.push(Inline::Text(format!(" {value}")));
    };
    let list = |b: &[Mailbox]| {
        b.iter()
            .map(Mailbox::show)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    };
    field("From", list(&mail.from));
    field("To", list(&mail.to));
    field("Cc", list(&mail.cc));
    field("Bcc", list(&mail.bcc));
    field("Date", mail.date.clone().unwrap_or_default());
    if !header.is_empty() {
        out.push(Block::Paragraph(header));
    }
    let mut body = match &mail.body {
        Body::Html(html) => {
            match dom::parse_text(html, encoding_rs::UTF_8, options.limits.max_xml_depth) {
                Ok(doc) => dom::map(&doc, dom::Options::default()).blocks,
                // A body nested past the limit is the message's text, not its failure.
                Err(_) => super::txt::text_blocks(&strip_tags(html)),
            }
        }
        Body::Text(text) => super::txt::text_blocks(text),
        Body::None => Vec::new(),
    };
    // Pictures of the body: `cid:` and `Content-Location` references to the message's parts.
    dom::place_images(&mut body, media, options.extract_images, &mut |src| {
        let part = find_part(&mail.attachments, src)?;
        Some((
            part.name.clone().unwrap_or_else(|| "image".into()),
            part.bytes.clone(),
        ))
    });
    out.extend(body);
    let listed: Vec<&Part> = mail.attachments.iter().filter(|a| !a.inline).collect();
    if !listed.is_empty() {
        out.push(Block::Heading {
            level: level + 1,
            content: vec![Inline::Text("Attachments".into())],
        });
        let items = listed
            .iter()
            .map(|a| {
                let name = a.name.clone().unwrap_or_else(|| "attachment".into());
                let what = format!(" ({}, {})", a.mime, size(a.bytes.len()));
                let label = if options.extract_attachments && !a.bytes.is_empty() {
                    let file = media.add(&name, a.bytes.clone());
                    Inline::Link {
                        target: format!("{}/{file}", super::ATTACHMENTS_DIR),
                        content: vec![Inline::Text(name)],
                    }
                } else {
                    Inline::Text(name)
                };
                vec![Block::Paragraph(vec![label, Inline::Text(what)])]
            })
            .collect();
        out.push(Block::List(List {
            ordered: false,
            start: 1,
            items,
        }));
    }
    if (level as usize) < MAX_DEPTH {
        for inner in &mail.messages {
            write_mail(inner, level + 1, options, media, out);
        }
    }
}

/// The part a body's picture refers to: `cid:ID` by Content-ID, else by Content-Location or
/// name.
fn find_part<'a>(parts: &'a [Part], src: &str) -> Option<&'a Part> {
    if let Some(id) = src.strip_prefix("cid:") {
        let id = id.trim_matches(['<', '>']);
        return parts.iter().find(|p| {
            p.content_id
                .as_deref()
                .is_some_and(|c| c.trim_matches(['<', '>']) == id)
        });
    }
    parts
        .iter()
        .find(|p| p.content_location.as_deref() == Some(src) || p.name.as_deref() == Some(src))
}

/// A size for people: bytes, KB, MB.
fn size(bytes: usize) -> String {
    match bytes {
        b if b < 1024 => format!("{b} bytes"),
        b if b < 1 << 20 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1 << 20) as f64),
    }
}

/// HTML reduced to its text (for a body the HTML reader refuses).
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_with_a_header_block_body_and_attachments() {
        let mail = Mail {
            subject: Some("Quarterly numbers".into()),
            from: vec![Mailbox {
                name: Some("Ana".into()),
                address: Some("ana@example.com".into()),
            }],
            to: vec![Mailbox {
                name: None,
                address: Some("bo@example.com".into()),
            }],
            date: Some("2024-03-15T10:00:00+01:00".into()),
            body: Body::Text("Hi Bo,\nthe numbers are attached.\n".into()),
            attachments: vec![Part {
                name: Some("q1.csv".into()),
                mime: "text/csv".into(),
                bytes: b"a,b\n".to_vec(),
                ..Part::default()
            }],
            ..Mail::default()
        };
        let md = crate::markdown::render(&blocks(
            &mail,
            &ConvertOptions::default(),
            &mut Media::default(),
        ));
        assert_eq!(
            md,
            "# Quarterly numbers\n\n**From:** Ana \\<ana@example.com>\\\n**To:** bo@example.com\\\n**Date:** 2024-03-15T10:00:00+01:00\n\nHi Bo,\nthe numbers are attached.\n\n## Attachments\n\n- q1.csv (text/csv, 4 bytes)\n"
        );
    }
}
