//! Jupyter notebooks (.ipynb, nbformat 4 and the older 3): cells in order.
//!
//! Markdown cells are written as they are; code cells are fenced with the kernel's language;
//! outputs follow their cell: text (streams, plain results, tracebacks without their terminal
//! colour codes) fenced as `text`, Markdown results as they are, HTML results through the shared
//! HTML reader, pictures (`image/png`, `image/jpeg`, `image/gif`, `image/svg+xml`) written beside
//! the Markdown with `--images extract`. The kernel and language go to the metadata.

use serde_json::Value;

use super::media::Media;
use super::{ConvertError, ConvertOptions, Converted, Converter, Metadata, dom};
use crate::markdown::{self, Block, Inline};

pub struct IpynbConverter;

impl Converter for IpynbConverter {
    fn name(&self) -> &'static str {
        "ipynb"
    }

    fn version(&self) -> &'static str {
        "1"
    }

    fn convert(&self, bytes: &[u8], options: &ConvertOptions) -> Result<Converted, ConvertError> {
        let (text, _, _) = super::txt::decode(bytes);
        let notebook: Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
            .map_err(|e| ConvertError::Corrupt(format!("not a readable notebook: {e}")))?;
        let meta = &notebook["metadata"];
        let language = meta["kernelspec"]["language"]
            .as_str()
            .or_else(|| meta["language_info"]["name"].as_str())
            .or_else(|| meta["language"].as_str())
            .unwrap_or("")
            .to_string();
        // nbformat 4: cells; nbformat 3: worksheets[].cells.
        let cells: Vec<&Value> = match notebook["cells"].as_array() {
            Some(cells) => cells.iter().collect(),
            None => notebook["worksheets"]
                .as_array()
                .map(|w| {
                    w.iter()
                        .filter_map(|s| s["cells"].as_array())
                        .flatten()
                        .collect()
                })
                .unwrap_or_default(),
        };
        if cells.is_empty() && notebook.get("nbformat").is_none() {
            return Err(ConvertError::Corrupt(
                "not a notebook: no cells and no nbformat".into(),
            ));
        }
        let mut media = Media::default();
        let mut blocks = Vec::new();
        let mut code_cells = 0;
        for cell in &cells {
            let source = joined(&cell["source"]).or_else(|| joined(&cell["input"]));
            match cell["cell_type"].as_str().unwrap_or("") {
                "markdown" => {
                    if let Some(md) = source.filter(|s| !s.trim().is_empty()) {
                        blocks.push(Block::Raw(md));
                    }
                }
                "heading" => {
                    // nbformat 3 heading cells.
                    let level = cell["level"].as_u64().unwrap_or(1).clamp(1, 6) as u8;
                    if let Some(text) = source {
                        blocks.push(Block::Heading {
                            level,
                            content: vec![Inline::Text(text.trim().to_string())],
                        });
                    }
                }
                "code" => {
                    code_cells += 1;
                    if let Some(code) = source.filter(|s| !s.trim().is_empty()) {
                        blocks.push(Block::CodeBlock {
                            info: language.clone(),
                            text: code.trim_end().to_string(),
                        });
                    }
                    if let Some(outputs) = cell["outputs"].as_array() {
                        for output in outputs {
                            blocks.extend(output_blocks(output, options, &mut media));
                        }
                    }
                }
                _ => {
                    if let Some(raw) = source.filter(|s| !s.trim().is_empty()) {
                        blocks.push(Block::CodeBlock {
                            info: String::new(),
                            text: raw.trim_end().to_string(),
                        });
                    }
                }
            }
        }
        let mut metadata = Metadata::new();
        if let Some(kernel) = meta["kernelspec"]["display_name"]
            .as_str()
            .or_else(|| meta["kernelspec"]["name"].as_str())
        {
            metadata.insert("kernel".into(), kernel.to_string());
        }
        if !language.is_empty() {
            metadata.insert("language".into(), language);
        }
        if let Some(title) = meta["title"].as_str() {
            metadata.insert("title".into(), title.to_string());
        }
        metadata.insert("cell_count".into(), cells.len().to_string());
        metadata.insert("code_cells".into(), code_cells.to_string());
        if let Some(n) = notebook["nbformat"].as_u64() {
            metadata.insert("nbformat".into(), n.to_string());
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

/// A notebook string: one string, or a list of lines.
fn joined(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Array(parts) => Some(parts.iter().filter_map(Value::as_str).collect()),
        _ => None,
    }
}

/// Terminal colour codes (`ESC [ ... m`) removed.
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for d in chars.by_ref() {
                    if d.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

fn text_output(text: &str) -> Option<Block> {
    let text = strip_ansi(text);
    let text = text.trim_end();
    (!text.trim().is_empty()).then(|| Block::CodeBlock {
        info: "text".into(),
        text: text.to_string(),
    })
}

/// The blocks of one output of a code cell.
fn output_blocks(output: &Value, options: &ConvertOptions, media: &mut Media) -> Vec<Block> {
    match output["output_type"].as_str().unwrap_or("") {
        "stream" => joined(&output["text"])
            .and_then(|t| text_output(&t))
            .into_iter()
            .collect(),
        "error" | "pyerr" => {
            let traceback = joined(&output["traceback"]).map(|t| {
                // nbformat joins traceback lines without newlines.
                output["traceback"]
                    .as_array()
                    .map(|l| {
                        l.iter()
                            .filter_map(Value::as_str)
                            .collect::<Vec<_>>()
                            .join("\n")
                    })
                    .unwrap_or(t)
            });
            let text = traceback.unwrap_or_else(|| {
                format!(
                    "{}: {}",
                    output["ename"].as_str().unwrap_or("Error"),
                    output["evalue"].as_str().unwrap_or("")
                )
            });
            text_output(&text).into_iter().collect()
        }
        _ => {
            // execute_result, display_data (nbformat 4: data{mime}; nbformat 3: keys directly).
            let data = if output["data"].is_object() {
                &output["data"]
            } else {
                output
            };
            for (mime, ext) in [
                ("image/png", "png"),
                ("png", "png"),
                ("image/jpeg", "jpg"),
                ("jpeg", "jpg"),
                ("image/gif", "gif"),
            ] {
                if let Some(b64) = joined(&data[mime]) {
                    let bytes = dom::base64_decode(&b64);
                    if bytes.is_empty() {
                        continue;
                    }
                    media.count += 1;
                    let src = if options.extract_images {
                        format!(
                            "{}/{}",
                            super::ATTACHMENTS_DIR,
                            media.add(&format!("output.{ext}"), bytes)
                        )
                    } else {
                        String::new()
                    };
                    return vec![Block::Paragraph(vec![Inline::Image {
                        alt: "output".into(),
                        src,
                        size: None,
                    }])];
                }
            }
            if let Some(svg) = joined(&data["image/svg+xml"]) {
                media.count += 1;
                let src = if options.extract_images {
                    format!(
                        "{}/{}",
                        super::ATTACHMENTS_DIR,
                        media.add("output.svg", svg.into_bytes())
                    )
                } else {
                    String::new()
                };
                return vec![Block::Paragraph(vec![Inline::Image {
                    alt: "output".into(),
                    src,
                    size: None,
                }])];
            }
            if let Some(md) = joined(&data["text/markdown"]) {
                return vec![Block::Raw(md)];
            }
            if let Some(html) = joined(&data["text/html"]).or_else(|| joined(&data["html"]))
                && let Ok(doc) =
                    dom::parse_text(&html, encoding_rs::UTF_8, options.limits.max_xml_depth)
            {
                let blocks = dom::map(&doc, dom::Options::default()).blocks;
                if !blocks.is_empty() {
                    return blocks;
                }
            }
            joined(&data["text/plain"])
                .or_else(|| joined(&data["text"]))
                .and_then(|t| text_output(&t))
                .into_iter()
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_and_outputs_in_order() {
        let nb = r##"{"nbformat":4,"nbformat_minor":5,
          "metadata":{"kernelspec":{"display_name":"Python 3","language":"python","name":"python3"}},
          "cells":[
            {"cell_type":"markdown","metadata":{},"source":["# Analysis\n","Some *notes*."]},
            {"cell_type":"code","execution_count":1,"metadata":{},"source":["print('hi')\n","1 + 2"],
             "outputs":[{"output_type":"stream","name":"stdout","text":["hi\n"]},
                        {"output_type":"execute_result","execution_count":1,"data":{"text/plain":["3"]},"metadata":{}},
                        {"output_type":"error","ename":"ValueError","evalue":"x","traceback":["\u001b[0;31mValueError\u001b[0m: x"]}]},
            {"cell_type":"code","metadata":{},"source":"df","outputs":[{"output_type":"display_data","data":{"text/html":["<table><tr><th>a</th></tr><tr><td>1</td></tr></table>"],"text/plain":["   a\n0  1"]},"metadata":{}}]}
          ]}"##;
        let out = IpynbConverter
            .convert(nb.as_bytes(), &ConvertOptions::default())
            .unwrap();
        assert_eq!(
            out.markdown,
            "# Analysis\nSome *notes*.\n\n```python\nprint('hi')\n1 + 2\n```\n\n```text\nhi\n```\n\n```text\n3\n```\n\n```text\nValueError: x\n```\n\n```python\ndf\n```\n\n| a   |\n| --- |\n| 1   |\n"
        );
        assert_eq!(out.metadata["kernel"], "Python 3");
        assert_eq!(out.metadata["language"], "python");
    }
}
