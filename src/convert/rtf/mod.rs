//! Rich Text Format (.rtf): a byte-level reader of docproc's own (`reader.rs`, over the lexer in
//! `rtf_text.rs`) whose paragraphs are turned into blocks here, with DOCX's conventions.
//!
//! Headings come from `\outlinelevelN` or a `heading N` style in the style sheet; formatting
//! that covers a whole heading is the heading's look, not emphasis. Lists come from the list
//! tables (`\lsN\ilvlN`, numbered or bulleted by the level's format), from legacy paragraph
//! numbering (`\pn`, `\pntext`), or from a bullet or number typed before a tab in a paragraph with
//! a hanging indent (what pandoc and many converters write); levels follow the indents.
//! Paragraphs all in a fixed-pitch font are code lines, joined into one block. An indented
//! paragraph that is no list item is a block quote. Tables are `\trowd ... \cell ... \row`, with
//! horizontal and vertical merges as spans (the DOCX table rule) and nested tables read into
//! their cell. `HYPERLINK` fields are links; footnotes are `[^n]`; PNG and JPEG pictures are
//! extracted like DOCX images. `\info`, headers and footers go to the metadata. An Outlook body
//! that encapsulates HTML (`\fromhtml1`) is that HTML, through the HTML reader.

mod reader;

use super::paragraphs::Builder;
use super::{ConvertError, ConvertOptions, Converted, Converter, Metadata, dom, rtf_text};
use crate::markdown::{self, Block};
use reader::Reader;

pub struct RtfConverter;

impl Converter for RtfConverter {
    fn name(&self) -> &'static str {
        "rtf"
    }

    fn version(&self) -> &'static str {
        // 2: HYPERLINK switches read as DOCX reads them (one field reader).
        "2"
    }

    fn convert(&self, bytes: &[u8], options: &ConvertOptions) -> Result<Converted, ConvertError> {
        if !bytes.trim_ascii_start().starts_with(b"{\\rtf") {
            return Err(ConvertError::Corrupt(
                "the file does not start with {\\rtf".into(),
            ));
        }
        if rtf_text::encapsulates_html(bytes) {
            let html = rtf_text::extract(bytes, true);
            let doc = dom::parse_text(&html, encoding_rs::UTF_8, options.limits.max_xml_depth)?;
            let mapped = dom::map(&doc, dom::Options::default());
            let mut metadata = mapped.metadata;
            metadata.insert("encapsulated".into(), "html".into());
            return Ok(Converted {
                markdown: markdown::render(&mapped.blocks),
                metadata,
                warning: None,
                attachments: Vec::new(),
            });
        }
        let toks = rtf_text::tokens(bytes);
        let mut reader = Reader::new(&toks, options.extract_images);
        let body = reader.read();
        let builder = Builder { styles: &reader };
        let mut blocks = builder.blocks(body.events);
        for (n, note) in body.notes.into_iter().enumerate() {
            let content = builder.blocks(note);
            blocks.push(Block::Footnote {
                label: (n + 1).to_string(),
                blocks: content,
            });
        }
        // A document whose only text is in its headers and footers (forms, letterheads):
        // that text is its content.
        if blocks.is_empty() {
            for text in [&reader.header, &reader.footer] {
                blocks.extend(
                    text.split("\n\n")
                        .filter(|p| !p.trim().is_empty())
                        .map(|p| {
                            Block::Paragraph(markdown::text_lines(&p.lines().collect::<Vec<_>>()))
                        }),
                );
            }
        }
        let mut metadata = Metadata::new();
        for (k, v) in &reader.info {
            metadata.entry(k.clone()).or_insert_with(|| v.clone());
        }
        if !reader.header.is_empty() {
            metadata.insert("header_text".into(), reader.header.clone());
        }
        if !reader.footer.is_empty() {
            metadata.insert("footer_text".into(), reader.footer.clone());
        }
        metadata.insert("image_count".into(), reader.media.count.to_string());
        if options.front_matter
            && let Some(front) = super::front_matter(&metadata)
        {
            blocks.insert(0, front);
        }
        Ok(Converted {
            markdown: markdown::render(&blocks),
            metadata,
            warning: None,
            attachments: std::mem::take(&mut reader.media.attachments),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(rtf: &str) -> String {
        RtfConverter
            .convert(rtf.as_bytes(), &ConvertOptions::default())
            .unwrap()
            .markdown
    }

    #[test]
    fn pandoc_style_rtf() {
        let rtf = r#"{\rtf1\ansi\deff0{\fonttbl{\f0 \fswiss Helvetica;}{\f1 \fmodern Courier;}}
{\pard \ql \f0 \sa180 \li0 \fi0 \outlinelevel0 \b \fs36 Caf\'e9 notes\par}
{\pard \ql \f0 \sa180 \li0 \fi0 {\b Bold}, {\i italic}, {\strike gone}, x{\super 2}, {\f1 code} and a {\field{\*\fldinst{HYPERLINK "https://example.com"}}{\fldrslt{\ul
link
}}}
.\u8217?s\par}
{\pard \ql \f0 \sa0 \li360 \fi-360 \bullet \tx360\tab one\par}
{\pard \ql \f0 \sa0 \li720 \fi-360 \endash \tx360\tab nested\par}
{\pard \ql \f0 \sa0 \li360 \fi-360 2.\tx360\tab two\par}
{\pard \ql \f0 \sa180 \li0 \fi0 \f1 fn main() \{\line     x();\line \}\par}
{\pard \ql \f0 \sa180 \li720 \fi0 A quote.\par}
{\pard \ql \f0 \sa180 \li0 \fi0 Text{\super\chftn}{\*\footnote\chftn\~\pard\plain\f0 The note.}.\par}
}"#;
        assert_eq!(
            md(rtf),
            "# Café notes\n\n**Bold**, *italic*, ~~gone~~, x<sup>2</sup>, `code` and a [link](https://example.com).’s\n\n- one\n  - nested\n\n<!-- -->\n\n1. two\n\n```\nfn main() {\n    x();\n}\n```\n\n> A quote.\n\nText[^1].\n\n[^1]: The note.\n"
        );
    }

    #[test]
    fn tables_with_merged_cells_and_list_tables() {
        let rtf = r#"{\rtf1\ansi{\*\listtable{\list\listtemplateid1{\listlevel\levelnfc0\levelstartat1}{\listlevel\levelnfc23}\listid7}}{\*\listoverridetable{\listoverride\listid7\listoverridecount0\ls1}}
\pard\ls1\ilvl0{\listtext 1.\tab}First\par
\pard\ls1\ilvl1{\listtext \'95\tab}Inner\par
\pard\plain
\trowd\clmgf\cellx1000\clmrg\cellx2000\cellx3000
\pard\intbl Wide\cell\cell Right\cell\row
\trowd\cellx1000\cellx2000\cellx3000
\pard\intbl a\cell b\cell c\cell\row
\pard After.\par}"#;
        assert_eq!(
            md(rtf),
            "1. First\n   - Inner\n\n<table>\n<thead>\n<tr>\n<th colspan=\"2\">Wide</th>\n<th>Right</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>a</td>\n<td>b</td>\n<td>c</td>\n</tr>\n</tbody>\n</table>\n\nAfter.\n"
        );
    }

    #[test]
    fn damaged_rtf_recovers() {
        // Unbalanced braces, a truncated hex escape, deep nesting.
        let deep = format!("{{\\rtf1 {}deep{} text", "{".repeat(5000), "}".repeat(10));
        assert!(md(&deep).contains("deep text"));
        assert_eq!(md("{\\rtf1 Hello \\'4"), "Hello 4\n");
        assert!(
            RtfConverter
                .convert(b"not rtf", &ConvertOptions::default())
                .is_err()
        );
    }
}
