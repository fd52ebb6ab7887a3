//! Converters: one [`Converter`] per format, one file per converter.
//!
//! A converter turns the bytes of one document into Markdown (through the shared writer in
//! `markdown/`) plus metadata. It never touches the file system or the database; that is the
//! pipeline's job. [`convert`] is the single entry point the pipeline calls: it checks the content
//! against the claimed type, runs the converter with panics caught, and adds the metadata every
//! format shares. Errors carry a stable code (`ConvertError::code`) that is recorded in the
//! database, printed in reports and documented in the README.

pub mod csv;
pub mod data;
pub mod doc;
pub mod docx;
pub mod eml;
pub mod epub;
pub mod html;
pub mod image;
pub mod ipynb;
pub mod md;
pub mod mhtml;
pub mod msg;
pub mod odp;
pub mod ods;
pub mod odt;
pub mod pdf;
pub mod pptx;
pub mod rtf;
pub mod txt;
pub mod xls;
pub mod xlsx;

pub(crate) mod chart;
pub(crate) mod dom;
pub(crate) mod drawingml;
pub(crate) mod field;
pub(crate) mod mail;
pub(crate) mod math;
pub(crate) mod media;
pub(crate) mod numfmt;
pub(crate) mod odf;
pub(crate) mod offcrypto;
pub(crate) mod opc;
pub(crate) mod paragraphs;
pub(crate) mod rtf_text;
pub(crate) mod sheet;
pub(crate) mod slide;
pub(crate) mod xml;

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use serde::Serialize;

use crate::formats::{self, FormatSpec};

/// Document metadata as recorded in the `metadata` table (key → value, sorted).
pub type Metadata = BTreeMap<String, String>;

/// The options that change the Markdown a converter writes, resolved for one format. Each format
/// declares the ones it reads in the registry (`formats/entries.rs`), and only those enter its cache
/// key (`FormatSpec::fingerprint`), so changing one converts that format's documents again.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct ConvertOptions {
    /// Put `<!-- page N -->` (`<!-- slide N -->`) before every page of paginated formats.
    pub page_markers: bool,
    /// Write images next to the Markdown (`--images extract`) instead of only their alt text.
    pub extract_images: bool,
    /// Start the Markdown with YAML front matter from the document properties.
    pub front_matter: bool,
    /// Slides: speaker notes after the slide's content.
    pub speaker_notes: bool,
    /// Slides: include slides hidden in the slide show.
    pub hidden_slides: bool,
    /// Sheets: include hidden sheets, rows and columns.
    pub hidden_cells: bool,
    /// Sheets and CSV: rows written per table before the rest is cut with a note.
    pub max_rows: u64,
    /// HTML: only the page's main content.
    pub main_only: bool,
    /// E-mail: write attachments beside the Markdown (they are always listed).
    pub extract_attachments: bool,
    /// OCR of scanned pages and images: resolved by the run (Tesseract found or not). Its
    /// settings enter the cache key only of documents that needed OCR (see `cache.rs`).
    #[serde(default)]
    pub ocr: crate::ocr::OcrSettings,
    /// Limits on hostile input; they decide whether a document converts, not what its Markdown
    /// looks like, so they are not part of the cache key.
    #[serde(skip)]
    pub limits: Limits,
}

impl Default for ConvertOptions {
    fn default() -> Self {
        ConvertOptions {
            page_markers: true,
            extract_images: true,
            front_matter: false,
            speaker_notes: true,
            hidden_slides: true,
            hidden_cells: false,
            max_rows: 1_048_576,
            main_only: false,
            extract_attachments: false,
            ocr: crate::ocr::OcrSettings::default(),
            limits: Limits::default(),
        }
    }
}

/// The limits that keep one hostile document from taking the batch down. Each one breached fails
/// the document with `resource_limit` and a message naming the limit (and its flag).
#[derive(Debug, Clone, Copy, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Limits {
    /// `--max-file-size`: larger files are not read at all.
    pub max_file_size: u64,
    /// `--max-pages`: PDFs with more pages.
    pub max_pages: u64,
    /// `--max-output-size`: Markdown larger than this is not written.
    pub max_output_size: u64,
    /// `--max-unzipped-size`: the total a zip container (DOCX, XLSX, ...) may inflate to.
    pub max_unzipped_size: u64,
    /// `--max-zip-ratio`: the compression ratio a zip container may claim once it inflates to
    /// more than 100 MiB.
    pub max_zip_ratio: u64,
    /// `--max-xml-depth`: how deeply XML elements may nest.
    pub max_xml_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_size: 1 << 30,
            max_pages: 50_000,
            max_output_size: 512 << 20,
            max_unzipped_size: 2 << 30,
            max_zip_ratio: 200,
            max_xml_depth: 1_000,
        }
    }
}

/// The result of a successful conversion.
#[derive(Debug, Clone, Default)]
pub struct Converted {
    pub markdown: String,
    pub metadata: Metadata,
    /// Set when the document converted but something about it needs a person's attention.
    pub warning: Option<Warning>,
    /// Files that go beside the Markdown (images), referenced from it as
    /// `ATTACHMENTS_DIR/<name>`.
    pub attachments: Vec<Attachment>,
}

/// A file written next to a document's Markdown, in `<output name>_files/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Stands for the attachments directory in a converter's Markdown; replaced by the real, relative
/// directory name (`report.docx_files`) when the output is written. The cached Markdown keeps
/// the placeholder, so renamed and duplicated documents share one cache entry.
pub const ATTACHMENTS_DIR: &str = "\u{E000}docproc-files\u{E000}";

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
    /// The conversion took longer than `--timeout`; its worker was killed.
    #[error("{0}")]
    Timeout(String),
    /// The worker ran out of the memory `--max-memory` allows.
    #[error("{0}")]
    OutOfMemory(String),
    /// The worker process died (a crash in a parser, killed from outside).
    #[error("{0}")]
    Crashed(String),
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
            ConvertError::Timeout(_) => "timeout",
            ConvertError::OutOfMemory(_) => "out_of_memory",
            ConvertError::Crashed(_) => "crashed",
        }
    }

    /// Rebuilds an error from its code and message (a worker's answer).
    pub fn from_code(code: &str, message: String) -> ConvertError {
        match code {
            "type_mismatch" => ConvertError::TypeMismatch(message),
            "corrupt" => ConvertError::Corrupt(message),
            "encrypted" => ConvertError::Encrypted(message),
            "unsupported" => ConvertError::Unsupported(message),
            "resource_limit" => ConvertError::ResourceLimit(message),
            "io" => ConvertError::Io(message),
            "timeout" => ConvertError::Timeout(message),
            "out_of_memory" => ConvertError::OutOfMemory(message),
            "crashed" => ConvertError::Crashed(message),
            _ => ConvertError::Internal(message),
        }
    }

    /// Whether trying again at once may succeed: the file could not be read, or the worker died
    /// for a reason outside the document. Retried within the run (`--retries`) and on every run.
    pub fn is_transient(&self) -> bool {
        matches!(self, ConvertError::Io(_) | ConvertError::Crashed(_))
    }

    /// Whether converting the same bytes again gives the same error. Such failures are remembered
    /// and not retried until the file, the converter or the options change (or `--retry-failed`).
    pub fn is_deterministic_code(code: &str) -> bool {
        !matches!(code, "io" | "crashed")
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
    /// Whether it may recognise text with OCR (`options.ocr`). A converted document that
    /// needed OCR says so in its metadata ([`OCR_KEY`]).
    fn uses_ocr(&self) -> bool {
        false
    }
    /// Whether its time and memory grow no more than linearly with its input, with nothing that
    /// recurses on the content's structure (plain text, CSV): a small document of it (at most
    /// [`crate::sniff::HEAD_LEN`] bytes, read whole by its hash) is converted in docproc's own
    /// conversion thread, where a worker's pipe round trip would cost more than converting it.
    fn linear(&self) -> bool {
        false
    }
}

/// The metadata key of a document that needed OCR (`applied` or `needed`): its cache key then
/// includes the run's OCR settings.
pub const OCR_KEY: &str = "ocr";

/// Converts `bytes`, planned as a document of format `spec`: checks the content, runs the
/// converter with panics caught (a panic becomes [`ConvertError::Internal`]), and adds shared
/// metadata.
pub fn convert(
    spec: &'static FormatSpec,
    bytes: &[u8],
    options: &ConvertOptions,
    name_for_faults: &str,
) -> Result<Converted, ConvertError> {
    let _scope = crate::panic_hook::converter_scope();
    let result = catch_unwind(AssertUnwindSafe(|| {
        let decrypted = open_encrypted(spec, bytes, options)?;
        let bytes = decrypted.as_ref().map_or(bytes, |d| &d.package[..]);
        formats::check(spec, bytes, &options.limits)?;
        fault::inject(name_for_faults);
        let mut converted = spec.converter.convert(bytes, options)?;
        if let Some(d) = decrypted {
            converted.metadata.insert(
                offcrypto::METADATA_KEY.into(),
                format!("{}, built-in password", d.scheme),
            );
        }
        Ok(converted)
    }));
    let mut converted = match result {
        Ok(result) => result?,
        Err(payload) => return Err(ConvertError::Internal(panic_message(payload))),
    };
    converted.markdown = crate::markdown::finish(converted.markdown);
    if converted.markdown.len() as u64 > options.limits.max_output_size {
        return Err(ConvertError::ResourceLimit(format!(
            "the Markdown would be {} MB, more than --max-output-size ({} MB)",
            converted.markdown.len() >> 20,
            options.limits.max_output_size >> 20
        )));
    }
    let words = converted
        .markdown
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric));
    converted
        .metadata
        .insert("word_count".into(), words.count().to_string());
    Ok(converted)
}

/// An OOXML package encrypted into a compound file, opened with Excel's built-in password
/// (`offcrypto.rs`); None when the bytes are not encrypted. Any other password is `encrypted`.
fn open_encrypted(
    spec: &FormatSpec,
    bytes: &[u8],
    options: &ConvertOptions,
) -> Result<Option<offcrypto::Decrypted>, ConvertError> {
    if !spec.may_be_encrypted_package() || !offcrypto::is_encrypted_package(bytes) {
        return Ok(None);
    }
    let limit = options.limits.max_unzipped_size;
    offcrypto::decrypt(bytes, offcrypto::DEFAULT_PASSWORD, limit).map(Some)
}

/// Records running text (page headers or footers) under `key`: each distinct text once, joined
/// with ` | `, at most 1,000 characters. Nothing when there is none.
pub(crate) fn add_running_text(metadata: &mut Metadata, key: &str, texts: &[String]) {
    let mut distinct: Vec<&str> = Vec::new();
    for text in texts.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        if !distinct.contains(&text) {
            distinct.push(text);
        }
    }
    if !distinct.is_empty() {
        let joined: String = distinct.join(" | ").chars().take(1000).collect();
        metadata.insert(key.into(), joined);
    }
}

/// YAML front matter from a document's properties (`--front-matter`): title, author, subject,
/// keywords, description, language, created, modified; None when it has none of them.
pub(crate) fn front_matter(metadata: &Metadata) -> Option<crate::markdown::Block> {
    let fields: Vec<(String, String)> = [
        "title",
        "author",
        "subject",
        "keywords",
        "description",
        "language",
        "created",
        "modified",
    ]
    .iter()
    .filter_map(|k| Some((k.to_string(), metadata.get(*k)?.clone())))
    .collect();
    (!fields.is_empty()).then_some(crate::markdown::Block::FrontMatter(fields))
}

/// Whether a font family is fixed-pitch: source code, in every format that names its fonts.
pub(crate) fn is_monospace_font(name: &str) -> bool {
    let name = name.to_lowercase();
    MONOSPACE_FONTS.iter().any(|m| name.contains(m))
}

const MONOSPACE_FONTS: &[&str] = &[
    "courier",
    "consolas",
    "mono",
    "menlo",
    "monaco",
    "lucida console",
    "source code",
    "fira code",
    "inconsolata",
    "andale",
    "fixedsys",
    "ocr a",
    "letter gothic",
    "prestige elite",
    "typewriter",
];

/// What converting one file produced: the hash of the bytes that were read (None when they could
/// not be read) and the result.
#[derive(Debug, Clone)]
pub struct Produced {
    pub hash: Option<crate::hash::ContentHash>,
    pub result: Result<Converted, ConvertError>,
}

/// Reads, hashes and converts one file: what a worker process does with each request, and what
/// `--isolation none` does in docproc's own threads.
pub fn convert_file(
    path: &std::path::Path,
    spec: &'static FormatSpec,
    options: &ConvertOptions,
) -> Produced {
    match std::fs::read(path) {
        Ok(bytes) => convert_read(path, &bytes, spec, options),
        Err(e) => Produced {
            hash: None,
            result: Err(ConvertError::Io(format!("cannot read the file: {e}"))),
        },
    }
}

/// Converts the bytes read from `path` (hashed here: what is recorded describes these bytes).
pub fn convert_read(
    path: &std::path::Path,
    bytes: &[u8],
    spec: &'static FormatSpec,
    options: &ConvertOptions,
) -> Produced {
    let hash = crate::hash::ContentHash::of_bytes(bytes);
    let result = if bytes.is_empty() {
        Err(ConvertError::Io(
            "the file became empty while docproc was running".into(),
        ))
    } else {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        convert(spec, bytes, options, &name)
    };
    Produced {
        hash: Some(hash),
        result,
    }
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
/// (`sleep=SECONDS:NAME` for another duration), `alloc:NAME` allocate without bound, `abort:NAME`
/// abort the process (use the last two only with worker isolation). Unset in normal use; the cost is one environment
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
            // Allocates (and touches) memory without bound, 64 MiB at a time.
            "alloc" => {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    hoard.push(vec![1u8; 64 << 20]);
                    std::hint::black_box(&hoard);
                }
            }
            "abort" => std::process::abort(),
            _ => {}
        }
    }
}
