//! Markdown files (.md, .markdown): passed through. The text is decoded as TXT decodes it and
//! written as UTF-8 with LF line endings; otherwise it is the file (two-space hard breaks are
//! written as `\`, which means the same). YAML front matter stays in the output, and its plain
//! `key: value` fields (title, author, date, description, tags...) go to the metadata.

use super::{ConvertError, ConvertOptions, Converted, Converter, Metadata};
use crate::markdown::{self, Block};

pub struct MarkdownConverter;

impl Converter for MarkdownConverter {
    fn name(&self) -> &'static str {
        "md"
    }

    fn linear(&self) -> bool {
        true
    }

    fn version(&self) -> &'static str {
        "1"
    }

    fn convert(&self, bytes: &[u8], _options: &ConvertOptions) -> Result<Converted, ConvertError> {
        let (text, encoding, had_errors) = super::txt::decode(bytes);
        let text = text
            .trim_start_matches('\u{feff}')
            .replace("\r\n", "\n")
            .replace('\r', "\n");
        let mut metadata = front_matter_fields(&text);
        metadata.insert("encoding".into(), encoding.name().to_ascii_lowercase());
        if had_errors {
            metadata.insert("encoding_errors".into(), "true".into());
        }
        Ok(Converted {
            markdown: markdown::render(&[Block::Raw(text)]),
            metadata,
            warning: None,
            attachments: Vec::new(),
        })
    }
}

/// The `key: value` lines of a leading `---` ... `---` block (values unquoted; lists and nested
/// maps are left out).
pub fn front_matter_fields(text: &str) -> Metadata {
    let mut metadata = Metadata::new();
    let Some(rest) = text.strip_prefix("---\n") else {
        return metadata;
    };
    let Some(end) = rest.find("\n---") else {
        return metadata;
    };
    for line in rest[..end].lines() {
        if line.starts_with([' ', '\t', '-', '#']) {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim().trim_matches(['"', '\'']).trim();
        let key = key.trim().to_ascii_lowercase();
        if value.is_empty() || key.is_empty() || key.contains(' ') {
            continue;
        }
        let key = match key.as_str() {
            "date" => "created".to_string(),
            "tags" => "keywords".to_string(),
            other => other.to_string(),
        };
        metadata.entry(key).or_insert_with(|| value.to_string());
    }
    metadata
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_passes_through_and_front_matter_is_read() {
        let input = "---\r\ntitle: \"Notes\"\r\nauthor: Ana\r\ntags: [a, b]\r\n---\r\n\r\n# Heading\r\n\r\nA *line*  \r\nbroken\r\n\r\n```\r\ncode  \r\n```\r\n";
        let out = MarkdownConverter
            .convert(input.as_bytes(), &ConvertOptions::default())
            .unwrap();
        assert_eq!(
            out.markdown,
            "---\ntitle: \"Notes\"\nauthor: Ana\ntags: [a, b]\n---\n\n# Heading\n\nA *line*\\\nbroken\n\n```\ncode  \n```\n"
        );
        assert_eq!(out.metadata["title"], "Notes");
        assert_eq!(out.metadata["author"], "Ana");
    }
}
