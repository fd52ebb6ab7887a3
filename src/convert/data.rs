//! Data files (JSON, XML, YAML): not documents, so off by default. When a run enables them
//! (`--formats json,...`), the file is one fenced code block tagged with its language, its text
//! as it is (decoded as TXT decodes it, LF line endings).

use super::{ConvertError, ConvertOptions, Converted, Converter, Metadata};
use crate::markdown::{self, Block};

pub struct DataConverter {
    name: &'static str,
    language: &'static str,
}

pub static JSON: DataConverter = DataConverter {
    name: "json",
    language: "json",
};

pub static XML: DataConverter = DataConverter {
    name: "xml",
    language: "xml",
};

pub static YAML: DataConverter = DataConverter {
    name: "yaml",
    language: "yaml",
};

impl Converter for DataConverter {
    fn name(&self) -> &'static str {
        self.name
    }

    fn version(&self) -> &'static str {
        "1"
    }

    fn convert(&self, bytes: &[u8], _options: &ConvertOptions) -> Result<Converted, ConvertError> {
        let (text, encoding, _) = super::txt::decode(bytes);
        let text = text
            .trim_start_matches('\u{feff}')
            .replace("\r\n", "\n")
            .replace('\r', "\n");
        let mut metadata = Metadata::new();
        metadata.insert("encoding".into(), encoding.name().to_ascii_lowercase());
        metadata.insert("line_count".into(), text.lines().count().to_string());
        Ok(Converted {
            markdown: markdown::render(&[Block::CodeBlock {
                info: self.language.to_string(),
                text,
            }]),
            metadata,
            warning: None,
            attachments: Vec::new(),
        })
    }
}
