//! E-mail messages (.eml, RFC 5322 with MIME) read with mail-parser (0.11: its 1.x needs a newer
//! Rust) and written as every message is (`mail.rs`).
//!
//! mail-parser decodes RFC 2047 encoded words, quoted-printable and base64 (as far as they are
//! valid), and every charset encoding_rs knows. The body is the first `text/html` part when there
//! is one, else the first `text/plain`; inline parts (pictures the HTML shows by `cid:`) are not
//! listed as attachments; `message/rfc822` parts are messages of their own, followed a few levels
//! deep.

use mail_parser::{Address, MessageParser, MimeHeaders, PartType};

use super::mail::{self, Body, Mail, Mailbox, Part};
use super::media::Media;
use super::{ConvertError, ConvertOptions, Converted, Converter};
use crate::markdown;

pub struct EmlConverter;

impl Converter for EmlConverter {
    fn name(&self) -> &'static str {
        "eml"
    }

    fn version(&self) -> &'static str {
        "1"
    }

    fn convert(&self, bytes: &[u8], options: &ConvertOptions) -> Result<Converted, ConvertError> {
        let message = MessageParser::default()
            .parse(bytes)
            .ok_or_else(|| ConvertError::Corrupt("not a readable e-mail message".into()))?;
        let mail = read(&message, 0);
        let mut media = Media::default();
        let blocks = mail::blocks(&mail, options, &mut media);
        let mut metadata = mail::metadata(&mail);
        if options.front_matter
            && let Some(front) = super::front_matter(&metadata)
        {
            let mut all = vec![front];
            all.extend(blocks);
            return Ok(finish(all, metadata, media));
        }
        metadata.insert("image_count".into(), media.count.to_string());
        Ok(finish(blocks, metadata, media))
    }
}

fn finish(
    blocks: Vec<crate::markdown::Block>,
    metadata: super::Metadata,
    media: Media,
) -> Converted {
    Converted {
        markdown: markdown::render(&blocks),
        metadata,
        warning: None,
        attachments: media.attachments,
    }
}

/// A parsed message as the shared model.
pub fn read(message: &mail_parser::Message<'_>, depth: usize) -> Mail {
    let mut mail = Mail {
        subject: message.subject().map(str::to_string),
        from: mailboxes(message.from()),
        to: mailboxes(message.to()),
        cc: mailboxes(message.cc()),
        bcc: mailboxes(message.bcc()),
        date: message.date().map(|d| d.to_rfc3339()),
        message_id: message.message_id().map(str::to_string),
        ..Mail::default()
    };
    // The body: an HTML part if there is a real one, else the text.
    let html = message
        .html_body
        .iter()
        .filter_map(|&id| message.parts.get(id as usize))
        .find_map(|p| match &p.body {
            PartType::Html(h) => Some(h.to_string()),
            _ => None,
        });
    let text = message
        .text_body
        .iter()
        .filter_map(|&id| message.parts.get(id as usize))
        .find_map(|p| match &p.body {
            PartType::Text(t) => Some(t.to_string()),
            _ => None,
        });
    mail.body = match (html, text) {
        (Some(h), _) => Body::Html(h),
        (None, Some(t)) => Body::Text(t),
        (None, None) => Body::None,
    };
    let bodies: Vec<u32> = message
        .html_body
        .iter()
        .chain(&message.text_body)
        .copied()
        .collect();
    for &id in &message.attachments {
        let Some(part) = message.parts.get(id as usize) else {
            continue;
        };
        if bodies.contains(&id) {
            continue;
        }
        if let PartType::Message(inner) = &part.body {
            if depth + 1 < mail::MAX_DEPTH {
                mail.messages.push(read(inner, depth + 1));
            }
            continue;
        }
        let mime = part
            .content_type()
            .map(|ct| match ct.subtype() {
                Some(sub) => format!("{}/{sub}", ct.ctype()),
                None => ct.ctype().to_string(),
            })
            .unwrap_or_else(|| "application/octet-stream".into())
            .to_ascii_lowercase();
        let inline = part.content_id().is_some()
            && part
                .content_disposition()
                .is_none_or(|d| !d.ctype().eq_ignore_ascii_case("attachment"));
        mail.attachments.push(Part {
            name: part.attachment_name().map(str::to_string),
            mime,
            content_id: part.content_id().map(str::to_string),
            content_location: part.content_location().map(str::to_string),
            bytes: part.contents().to_vec(),
            inline,
        });
    }
    mail
}

fn mailboxes(address: Option<&Address<'_>>) -> Vec<Mailbox> {
    let Some(address) = address else {
        return Vec::new();
    };
    address
        .iter()
        .map(|a| Mailbox {
            name: a
                .name()
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty()),
            address: a
                .address()
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(raw: &str) -> String {
        EmlConverter
            .convert(raw.as_bytes(), &ConvertOptions::default())
            .unwrap()
            .markdown
    }

    #[test]
    fn encoded_words_quoted_printable_latin1_and_html_alternative() {
        let raw = "From: =?ISO-8859-1?Q?Andr=E9?= <andre@example.com>\r\nTo: bo@example.com\r\nSubject: =?UTF-8?B?w5xiZXJibGljaw==?=\r\nDate: Fri, 15 Mar 2024 10:00:00 +0100\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCaf=E9 plain\r\n--b\r\nContent-Type: text/html; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>Caf=E9 <b>bold</b></p><ul><li>one</li></ul>\r\n--b--\r\n";
        assert_eq!(
            md(raw),
            "# Überblick\n\n**From:** André \\<andre@example.com>\\\n**To:** bo@example.com\\\n**Date:** 2024-03-15T10:00:00+01:00\n\nCafé **bold**\n\n- one\n"
        );
    }
}
