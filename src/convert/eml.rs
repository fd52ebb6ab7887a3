//! E-mail messages (.eml, RFC 5322 with MIME) read with mail-parser (0.11: its 1.x needs a newer
//! Rust) and written as every message is (`mail.rs`).
//!
//! mail-parser decodes RFC 2047 encoded words, quoted-printable and base64 (as far as they are
//! valid), and every charset encoding_rs knows. The body is the first `text/html` part when there
//! is one, else the first `text/plain`; inline parts (pictures the HTML shows by `cid:`) are not
//! listed as attachments; `message/rfc822` parts are messages of their own, followed a few levels
//! deep.

use mail_parser::decoders::charsets::map::charset_decoder;
use mail_parser::{Address, MessageParser, MessagePart, MimeHeaders, PartType};

use super::mail::{self, Body, Mail, Mailbox, Part};
use super::media::Media;
use super::{ConvertError, ConvertOptions, Converted, Converter, dom, txt};
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
        let mut blocks = mail::blocks(&mail, options, &mut media);
        let mut metadata = mail::metadata(&mail);
        metadata.insert("image_count".into(), media.count.to_string());
        if options.front_matter
            && let Some(front) = super::front_matter(&metadata)
        {
            blocks.insert(0, front);
        }
        Ok(Converted {
            markdown: markdown::render(&blocks),
            metadata,
            warning: mail::warning(&mail),
            attachments: media.attachments,
        })
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
    let mut body_id = u32::MAX;
    for (list, html) in [(&message.html_body, true), (&message.text_body, false)] {
        let found = list
            .iter()
            .find_map(|&id| match &message.parts.get(id as usize)?.body {
                PartType::Html(h) if html => Some((id, h)),
                PartType::Text(t) if !html => Some((id, t)),
                _ => None,
            });
        if let Some((id, text)) = found {
            let text = part_text(
                message,
                &message.parts[id as usize],
                text,
                &mut mail.problems,
            );
            mail.body = if html {
                Body::Html(text)
            } else {
                Body::Text(text)
            };
            body_id = id;
            break;
        }
    }
    let bodies: Vec<u32> = message
        .html_body
        .iter()
        .chain(&message.text_body)
        .copied()
        .collect();
    if message.attachments.len() > mail::MAX_PARTS {
        mail.problems.push(format!(
            "the message has {} parts: the first {} are read",
            message.attachments.len(),
            mail::MAX_PARTS
        ));
    }
    for &id in message.attachments.iter().take(mail::MAX_PARTS) {
        let Some(part) = message.parts.get(id as usize) else {
            continue;
        };
        if bodies.contains(&id) {
            continue;
        }
        // A text part mail-parser could not decode is still the message's text, not a file.
        if part.is_encoding_problem
            && part.attachment_name().is_none()
            && let PartType::Text(t) | PartType::Html(t) = &part.body
        {
            let text = part_text(message, part, t, &mut mail.problems);
            // In the order of the parts: before or after the body.
            let before = id < body_id;
            mail.body = match std::mem::take(&mut mail.body) {
                Body::Html(h) => {
                    let pre = format!("<pre>{}</pre>", escape_html(&text));
                    Body::Html(if before { pre + &h } else { h + &pre })
                }
                Body::Text(b) if before => Body::Text(format!("{text}\n\n{b}")),
                Body::Text(b) => Body::Text(format!("{b}\n\n{text}")),
                Body::None => Body::Text(text),
            };
            continue;
        }
        if let PartType::Message(inner) = &part.body {
            if depth + 1 < mail::MAX_DEPTH {
                mail.messages.push(read(inner, depth + 1));
            } else {
                mail.problems.push(format!(
                    "messages attached more than {} deep are listed, not read",
                    mail::MAX_DEPTH
                ));
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

/// A body part's text, read again where mail-parser could not read it: base64 broken halfway
/// is decoded as far as it is valid, quoted-printable with broken escapes as far as it goes, and
/// a charset neither mail-parser nor encoding_rs knows is detected from the bytes (as TXT is).
fn part_text(
    message: &mail_parser::Message<'_>,
    part: &MessagePart<'_>,
    parsed: &str,
    problems: &mut Vec<String>,
) -> String {
    let unknown = part
        .content_type()
        .and_then(|ct| ct.attribute("charset"))
        .filter(|c| {
            charset_decoder(c.as_bytes()).is_none()
                && encoding_rs::Encoding::for_label(c.trim().as_bytes()).is_none()
        });
    if !part.is_encoding_problem && unknown.is_none() {
        return parsed.to_string();
    }
    let raw = message
        .raw_message
        .get(part.offset_body as usize..part.offset_end as usize)
        .unwrap_or_default();
    let transfer = part
        .content_transfer_encoding()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let bytes = match transfer.as_str() {
        "base64" => dom::base64_decode(&String::from_utf8_lossy(raw)),
        "quoted-printable" => mail::quoted_printable(raw),
        _ => raw.to_vec(),
    };
    if part.is_encoding_problem {
        problems.push(format!(
            "a {transfer} part is damaged: decoded as far as it is valid"
        ));
    }
    match unknown {
        Some(label) => {
            let (text, encoding, _) = txt::decode(&bytes);
            problems.push(format!(
                "unknown charset {label:?}: read as {}",
                encoding.name()
            ));
            text
        }
        None => {
            let label = part
                .content_type()
                .and_then(|ct| ct.attribute("charset"))
                .unwrap_or("utf-8");
            match charset_decoder(label.as_bytes()) {
                Some(decode) => decode(&bytes),
                None => encoding_rs::Encoding::for_label(label.trim().as_bytes())
                    .unwrap_or(encoding_rs::UTF_8)
                    .decode_without_bom_handling(&bytes)
                    .0
                    .into_owned(),
            }
        }
    }
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
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

    #[test]
    fn a_message_with_too_many_parts_lists_the_first_ones_and_says_so() {
        let mut raw = String::from(
            "From: a@example.com\r\nTo: b@example.com\r\nSubject: many\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nbody\r\n",
        );
        for i in 0..mail::MAX_PARTS + 5 {
            raw.push_str(&format!(
                "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"{i}.bin\"\r\n\r\nx\r\n"
            ));
        }
        raw.push_str("--b--\r\n");
        let out = EmlConverter
            .convert(raw.as_bytes(), &ConvertOptions::default())
            .unwrap();
        assert_eq!(out.markdown.matches(".bin (").count(), mail::MAX_PARTS);
        let warning = out.warning.unwrap();
        assert_eq!(warning.code, "damaged_parts");
        assert!(
            warning.message.contains("the first 10000 are read"),
            "{}",
            warning.message
        );
    }
}
