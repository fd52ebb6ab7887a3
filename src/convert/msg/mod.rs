//! Outlook messages (.msg, [MS-OXMSG]): a compound file (read with the cfb crate) whose streams
//! are a message's MAPI properties, written as every message is (`mail.rs`).
//!
//! Variable-size properties are streams named `__substg1.0_IIIITTTT` (property id and type:
//! `001F` UTF-16, `001E` 8-bit in the message's code page, `0102` binary); fixed-size ones
//! (numbers, times, flags) are 16-byte entries of `__properties_version1.0`, after a header of
//! 32 bytes in the message, 24 in an embedded message and 8 in recipients and attachments.
//! Recipients and attachments are storages of their own (`__recip_version1.0_#N`,
//! `__attach_version1.0_#N`); an attached message is a storage inside its attachment.
//!
//! The sender and recipients are shown by SMTP address (`PR_SENDER_SMTP_ADDRESS`,
//! `PR_SMTP_ADDRESS`, the transport headers' `From:`), never by the Exchange X.500 path an
//! internal message carries as its address. The body is, in this order, the HTML (`PR_HTML`),
//! the HTML encapsulated in the compressed RTF (`PR_RTF_COMPRESSED`, LZFu, `\fromhtml`), the
//! plain text (`PR_BODY`), and the text of the RTF when there is nothing else.

mod lzfu;

use std::collections::HashMap;
use std::io::{Cursor, Read};

use cfb::CompoundFile;
use encoding_rs::Encoding;

use super::mail::{self, Body, Mail, Mailbox, Part};
use super::media::Media;
use super::{ConvertError, ConvertOptions, Converted, Converter, dom, rtf_text};
use crate::markdown;

pub struct MsgConverter;

impl Converter for MsgConverter {
    fn name(&self) -> &'static str {
        "msg"
    }

    fn version(&self) -> &'static str {
        "1"
    }

    fn convert(&self, bytes: &[u8], options: &ConvertOptions) -> Result<Converted, ConvertError> {
        let file = CompoundFile::open(Cursor::new(bytes))
            .map_err(|e| ConvertError::Corrupt(format!("damaged Outlook message: {e}")))?;
        let mut reader = Reader {
            file,
            limit: (options.limits.max_unzipped_size as usize).min(bytes.len().saturating_mul(64)),
            notes: Vec::new(),
        };
        let root = Storage::root();
        let (mut mail, class) = reader.message(&root, 0)?;
        mail.problems.append(&mut reader.notes);
        let mut media = Media::default();
        let mut blocks = mail::blocks(&mail, options, &mut media);
        let mut metadata = mail::metadata(&mail);
        if let Some(class) = class {
            metadata.insert("message_class".into(), class);
        }
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

// Property ids ([MS-OXPROPS]).
const SUBJECT: u16 = 0x0037;
const CLIENT_SUBMIT_TIME: u16 = 0x0039;
const SENT_REPRESENTING_NAME: u16 = 0x0042;
const SENT_REPRESENTING_ADDRTYPE: u16 = 0x0064;
const SENT_REPRESENTING_EMAIL: u16 = 0x0065;
const MESSAGE_CLASS: u16 = 0x001A;
const TRANSPORT_HEADERS: u16 = 0x007D;
const SENDER_NAME: u16 = 0x0C1A;
const SENDER_ADDRTYPE: u16 = 0x0C1E;
const SENDER_EMAIL: u16 = 0x0C1F;
const RECIPIENT_TYPE: u16 = 0x0C15;
const DISPLAY_CC: u16 = 0x0E03;
const DISPLAY_TO: u16 = 0x0E04;
const DELIVERY_TIME: u16 = 0x0E06;
const BODY: u16 = 0x1000;
const RTF_COMPRESSED: u16 = 0x1009;
const HTML: u16 = 0x1013;
const INTERNET_MESSAGE_ID: u16 = 0x1035;
const DISPLAY_NAME: u16 = 0x3001;
const ADDRTYPE: u16 = 0x3002;
const EMAIL_ADDRESS: u16 = 0x3003;
const ATTACH_DATA: u16 = 0x3701;
const ATTACH_FILENAME: u16 = 0x3704;
const ATTACH_METHOD: u16 = 0x3705;
const ATTACH_LONG_FILENAME: u16 = 0x3707;
const ATTACH_MIME_TAG: u16 = 0x370E;
const ATTACH_CONTENT_ID: u16 = 0x3712;
const SMTP_ADDRESS: u16 = 0x39FE;
const INTERNET_CPID: u16 = 0x3FDE;
const MESSAGE_CODEPAGE: u16 = 0x3FFD;
const SENDER_SMTP: u16 = 0x5D01;
const SENT_REPRESENTING_SMTP: u16 = 0x5D02;
const ATTACHMENT_HIDDEN: u16 = 0x7FFE;

/// `PR_ATTACH_METHOD` of an attached message.
const ATTACH_EMBEDDED_MSG: u32 = 5;

/// One storage of the file (the message, an attached message, a recipient, an attachment) and
/// its fixed-size properties.
struct Storage {
    path: String,
    fixed: HashMap<u16, [u8; 8]>,
    /// The 8-bit code page of the message the storage belongs to.
    encoding: &'static Encoding,
}

impl Storage {
    fn root() -> Storage {
        Storage {
            path: String::new(),
            fixed: HashMap::new(),
            encoding: encoding_rs::WINDOWS_1252,
        }
    }

    fn child(&self, name: &str) -> String {
        format!("{}/{name}", self.path)
    }

    fn long(&self, id: u16) -> Option<u32> {
        self.fixed
            .get(&id)
            .map(|v| u32::from_le_bytes(v[..4].try_into().expect("4 bytes")))
    }

    fn flag(&self, id: u16) -> bool {
        self.long(id).is_some_and(|v| v & 0xffff != 0)
    }

    /// A `PT_SYSTIME` property in RFC 3339 (UTC).
    fn time(&self, id: u16) -> Option<String> {
        let ticks = u64::from_le_bytes(*self.fixed.get(&id)?);
        // 100 ns ticks since 1601-01-01; 11644473600 s separate that from the Unix epoch.
        let secs = (ticks / 10_000_000) as i64 - 11_644_473_600;
        (ticks != 0 && (0..253_402_300_800).contains(&secs))
            .then(|| mail_parser::DateTime::from_timestamp(secs).to_rfc3339())
    }
}

struct Reader<'a> {
    file: CompoundFile<Cursor<&'a [u8]>>,
    /// The most one stream (or decompressed body) may hold.
    limit: usize,
    /// What could not be read, for the warning.
    notes: Vec<String>,
}

impl Reader<'_> {
    /// A stream's bytes, `None` when it does not exist.
    fn stream(&mut self, path: &str) -> Result<Option<Vec<u8>>, ConvertError> {
        if !self.file.is_stream(path) {
            return Ok(None);
        }
        let damaged = |e: std::io::Error| {
            ConvertError::Corrupt(format!(
                "damaged Outlook message: stream {} cannot be read: {e}",
                path.trim_start_matches('/')
            ))
        };
        let stream = self.file.open_stream(path).map_err(damaged)?;
        if stream.len() > self.limit as u64 {
            return Err(ConvertError::ResourceLimit(format!(
                "Outlook message stream {} holds {} bytes, more than the limit of {}",
                path.trim_start_matches('/'),
                stream.len(),
                self.limit
            )));
        }
        let mut bytes = Vec::new();
        stream
            .take(self.limit as u64)
            .read_to_end(&mut bytes)
            .map_err(damaged)?;
        Ok(Some(bytes))
    }

    /// A string property: UTF-16 (`001F`) or 8-bit (`001E`) in the storage's code page.
    fn string(&mut self, s: &Storage, id: u16) -> Result<Option<String>, ConvertError> {
        if let Some(b) = self.stream(&s.child(&format!("__substg1.0_{id:04X}001F")))? {
            let units: Vec<u16> = b
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            return Ok(clean(String::from_utf16_lossy(&units)));
        }
        if let Some(b) = self.stream(&s.child(&format!("__substg1.0_{id:04X}001E")))? {
            return Ok(clean(
                s.encoding.decode_without_bom_handling(&b).0.into_owned(),
            ));
        }
        Ok(None)
    }

    fn binary(&mut self, s: &Storage, id: u16) -> Result<Option<Vec<u8>>, ConvertError> {
        self.stream(&s.child(&format!("__substg1.0_{id:04X}0102")))
    }

    /// The storage at `path` with its fixed-size properties (`header` bytes precede them).
    fn storage(
        &mut self,
        path: String,
        header: usize,
        encoding: &'static Encoding,
    ) -> Result<Storage, ConvertError> {
        let mut s = Storage {
            path,
            fixed: HashMap::new(),
            encoding,
        };
        if let Some(b) = self.stream(&s.child("__properties_version1.0"))? {
            for entry in b.get(header..).unwrap_or_default().chunks_exact(16) {
                let id = u16::from_le_bytes([entry[2], entry[3]]);
                s.fixed
                    .insert(id, entry[8..16].try_into().expect("8 bytes"));
            }
        }
        Ok(s)
    }

    /// The names of the storages below `path` whose names start with `prefix`, in their order.
    fn children(&mut self, path: &str, prefix: &str) -> Vec<String> {
        let dir = if path.is_empty() { "/" } else { path };
        let Ok(entries) = self.file.read_storage(dir) else {
            return Vec::new();
        };
        let mut names: Vec<(u32, String)> = entries
            .filter(|e| e.is_storage())
            .filter_map(|e| {
                let rest = e.name().strip_prefix(prefix)?;
                Some((u32::from_str_radix(rest, 16).ok()?, e.name().to_string()))
            })
            .collect();
        names.sort();
        if names.len() > mail::MAX_PARTS {
            self.notes.push(format!(
                "the message has {} {}: the first {} are read",
                names.len(),
                if prefix.contains("recip") {
                    "recipients"
                } else {
                    "attachments"
                },
                mail::MAX_PARTS
            ));
            names.truncate(mail::MAX_PARTS);
        }
        names.into_iter().map(|(_, n)| n).collect()
    }

    /// The message in storage `at` (the root, or an attachment's `__substg1.0_3701000D`), and
    /// its message class.
    fn message(
        &mut self,
        at: &Storage,
        depth: usize,
    ) -> Result<(Mail, Option<String>), ConvertError> {
        let header = if depth == 0 { 32 } else { 24 };
        let mut m = self.storage(at.path.clone(), header, encoding_rs::WINDOWS_1252)?;
        if let Some(enc) = [MESSAGE_CODEPAGE, INTERNET_CPID]
            .iter()
            .find_map(|&id| codepage::to_encoding(m.long(id)? as u16))
        {
            m.encoding = enc;
        }
        let headers = self.string(&m, TRANSPORT_HEADERS)?;
        let transport = headers.as_deref().and_then(|h| {
            let mut raw = h.trim_end().replace("\r\n", "\n").replace('\n', "\r\n");
            raw.push_str("\r\n\r\n");
            mail_parser::MessageParser::default()
                .parse_headers(raw.as_bytes())
                .map(|p| p.into_owned())
        });
        let mut mail = Mail {
            subject: self.string(&m, SUBJECT)?,
            message_id: self.string(&m, INTERNET_MESSAGE_ID)?,
            ..Mail::default()
        };
        mail.date = transport
            .as_ref()
            .and_then(|t| t.date())
            .map(|d| d.to_rfc3339())
            .or_else(|| m.time(CLIENT_SUBMIT_TIME))
            .or_else(|| m.time(DELIVERY_TIME));
        if mail.message_id.is_none() {
            mail.message_id = transport
                .as_ref()
                .and_then(|t| t.message_id())
                .map(|id| format!("<{id}>"));
        }
        mail.from = self.sender(&m, transport.as_ref())?;
        self.recipients(&m, &mut mail)?;
        mail.body = self.body(&m)?;
        self.attachments(&m, &mut mail, depth)?;
        let class = self.string(&m, MESSAGE_CLASS)?;
        Ok((mail, class))
    }

    /// The sender by SMTP address: its own SMTP property, the address when its type is SMTP,
    /// the transport headers' `From:`, else the name alone.
    fn sender(
        &mut self,
        m: &Storage,
        transport: Option<&mail_parser::Message<'_>>,
    ) -> Result<Vec<Mailbox>, ConvertError> {
        let from_headers = transport
            .and_then(|t| t.from())
            .and_then(|a| a.first())
            .map(|a| Mailbox {
                name: a
                    .name()
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty()),
                address: a.address().map(str::to_string),
            });
        for (name, smtp, kind, address) in [
            (SENDER_NAME, SENDER_SMTP, SENDER_ADDRTYPE, SENDER_EMAIL),
            (
                SENT_REPRESENTING_NAME,
                SENT_REPRESENTING_SMTP,
                SENT_REPRESENTING_ADDRTYPE,
                SENT_REPRESENTING_EMAIL,
            ),
        ] {
            let display = self.string(m, name)?;
            let address = self
                .smtp(m, smtp, kind, address)?
                .or_else(|| from_headers.as_ref().and_then(|f| f.address.clone()));
            if display.is_some() || address.is_some() {
                return Ok(vec![Mailbox {
                    name: display,
                    address,
                }]);
            }
        }
        Ok(from_headers.into_iter().collect())
    }

    /// An SMTP address: the SMTP property, or the address when its type says SMTP (or it looks
    /// like one); never an X.500 path.
    fn smtp(
        &mut self,
        s: &Storage,
        smtp: u16,
        kind: u16,
        address: u16,
    ) -> Result<Option<String>, ConvertError> {
        if let Some(a) = self.string(s, smtp)? {
            return Ok(Some(a));
        }
        let kind = self.string(s, kind)?;
        Ok(self.string(s, address)?.filter(|a| {
            kind.as_deref()
                .is_some_and(|k| k.eq_ignore_ascii_case("SMTP"))
                || (a.contains('@') && !a.starts_with('/'))
        }))
    }

    fn recipients(&mut self, m: &Storage, mail: &mut Mail) -> Result<(), ConvertError> {
        for name in self.children(&m.path, "__recip_version1.0_#") {
            let r = self.storage(m.child(&name), 8, m.encoding)?;
            let mailbox = Mailbox {
                name: self.string(&r, DISPLAY_NAME)?,
                address: self.smtp(&r, SMTP_ADDRESS, ADDRTYPE, EMAIL_ADDRESS)?,
            };
            if mailbox.name.is_none() && mailbox.address.is_none() {
                continue;
            }
            match r.long(RECIPIENT_TYPE).unwrap_or(1) {
                2 => mail.cc.push(mailbox),
                3 => mail.bcc.push(mailbox),
                _ => mail.to.push(mailbox),
            }
        }
        // Without recipient storages (some exports), the display lists name them.
        for (id, list) in [(DISPLAY_TO, &mut mail.to), (DISPLAY_CC, &mut mail.cc)] {
            if list.is_empty()
                && let Some(names) = self.string(m, id)?
            {
                list.extend(
                    names
                        .split(';')
                        .map(str::trim)
                        .filter(|n| !n.is_empty())
                        .map(|n| Mailbox {
                            name: Some(n.to_string()),
                            address: None,
                        }),
                );
            }
        }
        Ok(())
    }

    /// The body: HTML, the HTML the compressed RTF encapsulates, the plain text, the RTF's text.
    fn body(&mut self, m: &Storage) -> Result<Body, ConvertError> {
        if let Some(html) = self.binary(m, HTML)? {
            let declared = m
                .long(INTERNET_CPID)
                .and_then(|cp| codepage::to_encoding(cp as u16));
            let (text, _) = dom::decode(&html, declared.map(Encoding::name));
            if !text.trim().is_empty() {
                return Ok(Body::Html(text));
            }
        }
        if let Some(html) = self.string(m, HTML)? {
            return Ok(Body::Html(html));
        }
        let rtf = match self.binary(m, RTF_COMPRESSED)? {
            Some(data) => match lzfu::decompress(&data, self.limit) {
                Ok(rtf) => Some(rtf),
                Err(lzfu::Error::TooLarge) => {
                    return Err(ConvertError::ResourceLimit(format!(
                        "the compressed RTF body would decompress to more than {} bytes",
                        self.limit
                    )));
                }
                Err(lzfu::Error::NotRtf) => {
                    self.notes
                        .push("the compressed RTF body is damaged and was skipped".into());
                    None
                }
            },
            None => None,
        };
        if let Some(rtf) = &rtf
            && rtf_text::encapsulates_html(rtf)
        {
            return Ok(Body::Html(rtf_text::extract(rtf, true)));
        }
        if let Some(text) = self.string(m, BODY)? {
            return Ok(Body::Text(text));
        }
        match rtf {
            Some(rtf) => Ok(Body::Text(rtf_text::extract(&rtf, false))),
            None => Ok(Body::None),
        }
    }

    fn attachments(
        &mut self,
        m: &Storage,
        mail: &mut Mail,
        depth: usize,
    ) -> Result<(), ConvertError> {
        let html = match &mail.body {
            Body::Html(h) => h.clone(),
            _ => String::new(),
        };
        for name in self.children(&m.path, "__attach_version1.0_#") {
            let a = self.storage(m.child(&name), 8, m.encoding)?;
            let embedded = a.child(&format!("__substg1.0_{ATTACH_DATA:04X}000D"));
            if a.long(ATTACH_METHOD) == Some(ATTACH_EMBEDDED_MSG) || self.file.is_storage(&embedded)
            {
                if depth + 1 >= mail::MAX_DEPTH {
                    self.notes.push(format!(
                        "messages attached more than {} deep are not read",
                        mail::MAX_DEPTH
                    ));
                } else if self.file.is_storage(&embedded) {
                    let inner = Storage {
                        path: embedded,
                        fixed: HashMap::new(),
                        encoding: m.encoding,
                    };
                    let (message, _) = self.message(&inner, depth + 1)?;
                    mail.messages.push(message);
                }
                continue;
            }
            let file_name = match self.string(&a, ATTACH_LONG_FILENAME)? {
                Some(n) => Some(n),
                None => match self.string(&a, ATTACH_FILENAME)? {
                    Some(n) => Some(n),
                    None => self.string(&a, DISPLAY_NAME)?,
                },
            };
            let content_id = self.string(&a, ATTACH_CONTENT_ID)?;
            let mime = self
                .string(&a, ATTACH_MIME_TAG)?
                .map(|t| t.to_ascii_lowercase())
                .unwrap_or_else(|| guess_mime(file_name.as_deref()).into());
            let bytes = self.binary(&a, ATTACH_DATA)?.unwrap_or_default();
            let referenced = content_id
                .as_deref()
                .is_some_and(|id| html.contains(&format!("cid:{}", id.trim_matches(['<', '>']))));
            let inline = referenced || (content_id.is_some() && a.flag(ATTACHMENT_HIDDEN));
            mail.attachments.push(Part {
                name: file_name,
                mime,
                content_id,
                content_location: None,
                bytes,
                inline,
            });
        }
        Ok(())
    }
}

/// A string property without the NULs that pad some writers' values; empty ones are absent.
fn clean(s: String) -> Option<String> {
    let s = s.trim_end_matches('\0').trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// A media type for an attachment that does not name one.
fn guess_mime(name: Option<&str>) -> &'static str {
    let ext = name
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "htm" | "html" => "text/html",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "zip" => "application/zip",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "doc" => "application/msword",
        "xls" => "application/vnd.ms-excel",
        "ppt" => "application/vnd.ms-powerpoint",
        "eml" => "message/rfc822",
        "ics" => "text/calendar",
        _ => "application/octet-stream",
    }
}
