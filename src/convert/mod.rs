//! Converters: one [`Converter`] per format, one file per converter.
//!
//! A converter turns the bytes of one document into Markdown (through the shared writer in
//! `markdown.rs`) plus metadata. It never touches the file system or the database; that is the
//! pipeline's job. [`convert`] is the single entry point the pipeline calls: it checks the content
//! against the claimed type, runs the converter with panics caught, and adds the metadata every
//! format shares. Errors carry a stable code (`ConvertError::code`) that is recorded in the
//! database, printed in reports and documented in the README.

mod docx;
mod pdf;
mod txt;

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use serde::Serialize;

use crate::filetype::{self, FileType};

/// Document metadata as recorded in the `metadata` table (key → value, sorted).
pub type Metadata = BTreeMap<String, String>;

/// The options that change the Markdown a converter writes. They are part of the cache key
/// (through [`ConvertOptions::fingerprint`]), so changing one converts affected documents again.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ConvertOptions {
    /// Put `<!-- page N -->` before every page of paginated formats.
    pub page_markers: bool,
}

impl Default for ConvertOptions {
    fn default() -> Self {
        ConvertOptions { page_markers: true }
    }
}

impl ConvertOptions {
    /// A stable string that changes whenever an option that affects output changes.
    pub fn fingerprint(&self) -> String {
        serde_json::to_string(self).expect("options serialize")
    }
}

/// The result of a successful conversion.
#[derive(Debug, Clone, Default)]
pub struct Converted {
    pub markdown: String,
    pub metadata: Metadata,
    /// Set when the document converted but something about it needs a person's attention.
    pub warning: Option<Warning>,
}

/// A condition worth reporting on a document that converted: recorded with status `completed`
/// and this code in `documents.error_code`, listed under `warnings` in the report, and not a
/// failure (the exit code is unaffected).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// `needs_ocr`: a PDF without a text layer; its Markdown holds no text (only page markers).
    pub code: String,
    pub message: String,
}

/// Why a document could not be converted. Each variant has a stable [`code`](Self::code).
#[derive(Debug, Clone, thiserror::Error)]
pub enum ConvertError {
    /// The content is not what the extension says (an HTML page named `.pdf`).
    #[error("{0}")]
    TypeMismatch(String),
    /// The file is damaged or not valid for its format.
    #[error("{0}")]
    Corrupt(String),
    /// The document is password-protected.
    #[error("{0}")]
    Encrypted(String),
    /// A valid document that uses something docproc cannot convert.
    #[error("{0}")]
    Unsupported(String),
    /// The document exceeds a limit that protects the batch (a decompression bomb, forms that
    /// multiply into millions of drawings).
    #[error("{0}")]
    ResourceLimit(String),
    /// The file could not be read.
    #[error("{0}")]
    Io(String),
    /// The converter panicked: a bug in docproc or one of its libraries.
    #[error("{0}")]
    Internal(String),
}

impl ConvertError {
    /// The stable error code recorded in `documents.error_code`.
    pub fn code(&self) -> &'static str {
        match self {
            ConvertError::TypeMismatch(_) => "type_mismatch",
            ConvertError::Corrupt(_) => "corrupt",
            ConvertError::Encrypted(_) => "encrypted",
            ConvertError::Unsupported(_) => "unsupported",
            ConvertError::ResourceLimit(_) => "resource_limit",
            ConvertError::Io(_) => "io",
            ConvertError::Internal(_) => "internal",
        }
    }

    /// Whether converting the same bytes again gives the same error. Such failures are remembered
    /// and not retried until the file, the converter or the options change (or `--retry-failed`).
    pub fn is_deterministic_code(code: &str) -> bool {
        !matches!(code, "io")
    }
}

/// Turns one format into Markdown.
pub trait Converter: Sync {
    /// Stable name recorded in `documents.converter`.
    fn name(&self) -> &'static str;
    /// Bumped whenever the Markdown for the same input changes; part of the cache key.
    fn version(&self) -> &'static str;
    /// Converts one document held in memory.
    fn convert(&self, bytes: &[u8], options: &ConvertOptions) -> Result<Converted, ConvertError>;
}

/// The converter for a file type.
pub fn converter_for(file_type: FileType) -> &'static dyn Converter {
    match file_type {
        FileType::Pdf => &pdf::PdfConverter,
        FileType::Docx => &docx::DocxConverter,
        FileType::Txt => &txt::TxtConverter,
    }
}

/// Converts `bytes`, claimed to be of `file_type`: checks the content type, runs the converter
/// with panics caught (a panic becomes [`ConvertError::Internal`]), and adds shared metadata.
pub fn convert(
    file_type: FileType,
    bytes: &[u8],
    options: &ConvertOptions,
    name_for_faults: &str,
) -> Result<Converted, ConvertError> {
    filetype::check_content(file_type, bytes)?;
    let converter = converter_for(file_type);
    let _scope = crate::panic_hook::converter_scope();
    let result = catch_unwind(AssertUnwindSafe(|| {
        fault::inject(name_for_faults);
        converter.convert(bytes, options)
    }));
    let mut converted = match result {
        Ok(result) => result?,
        Err(payload) => return Err(ConvertError::Internal(panic_message(payload))),
    };
    converted.markdown = crate::markdown::finish(converted.markdown);
    let words = converted
        .markdown
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric));
    converted
        .metadata
        .insert("word_count".into(), words.count().to_string());
    Ok(converted)
}

pub(crate) fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    let location = crate::panic_hook::take_location()
        .map(|l| format!(" at {l}"))
        .unwrap_or_default();
    format!("converter crashed (internal error{location}): {what}; please report this file")
}

/// Test-only fault injection, so the test suite can check how a crashing or hanging converter is
/// handled without shipping a broken file. `DOCPROC_FAULT=panic:NAME` makes the converter panic on
/// files whose name contains NAME; `DOCPROC_FAULT=sleep:NAME` makes it sleep for a minute there
/// (`sleep=SECONDS:NAME` for another duration). Unset in normal use; the cost is one environment
/// lookup per converted document.
mod fault {
    pub fn inject(file_name: &str) {
        let Ok(spec) = std::env::var("DOCPROC_FAULT") else {
            return;
        };
        let Some((kind, name)) = spec.split_once(':') else {
            return;
        };
        if name.is_empty() || !file_name.contains(name) {
            return;
        }
        let (kind, arg) = kind.split_once('=').unwrap_or((kind, ""));
        match kind {
            "panic" => panic!("injected fault for {file_name}"),
            "sleep" => {
                let seconds = arg.parse().unwrap_or(60.0);
                std::thread::sleep(std::time::Duration::from_secs_f64(seconds));
            }
            _ => {}
        }
    }
}
