//! The format registry: every format docproc converts, described once.
//!
//! An entry says what a format is called (the name is stored in the database, events, the cache
//! key and the worker protocol, so it never changes), which extensions claim it, how its content
//! is recognised, which converter reads it, which options change its Markdown (and under which key
//! they enter the cache fingerprint), and whether it is converted by default. `--formats`,
//! `[formats.NAME]` sections, `--set NAME.KEY=VALUE`, `config show`, `list --type`, the README's
//! format table and the shell completions all follow from [`ALL`]. Adding a format is one file
//! under `src/convert/` plus one entry here.
//!
//! Discovery picks candidates by extension alone. Content then decides ([`identify`]): a file whose
//! content is another format docproc converts (an `.xls` that is really a CSV export, a `.doc`
//! that is RTF, a `.docx` that is a workbook) is converted as what it is, with a `rerouted`
//! warning; content that is no enabled format fails with `type_mismatch` saying what it is.

use std::ffi::OsStr;

use crate::convert::{self, ConvertError, ConvertOptions, Converter};
use crate::sniff::{Container, Probe};

/// How well content matches a format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Match {
    No,
    /// The format can read it, but nothing in it says it is this format (HTML in a `.txt`).
    Weak,
    /// A signature of the format (a main part, a mimetype, a stream name, a magic number).
    Strong,
}

/// One format docproc converts.
pub struct FormatSpec {
    /// Stored in `documents.file_type`, events and the worker protocol: never rename.
    pub name: &'static str,
    /// "a DOCX document": in messages (`not a DOCX document: the content is ...`).
    pub label: &'static str,
    /// A short title for tables and help ("Word (OOXML)").
    pub title: &'static str,
    /// Lower case, without the dot; one format each.
    pub extensions: &'static [&'static str],
    /// The container its content comes in.
    pub container: Container,
    /// Whether probed content is this format.
    pub identify: fn(&Probe) -> Match,
    /// Among several formats that match content strongly, the lowest rank wins (a signature
    /// beats a guess from the text's shape).
    pub rank: u8,
    pub converter: &'static dyn Converter,
    /// The options that change this format's Markdown.
    pub options: &'static [&'static OptionSpec],
    pub enabled_by_default: bool,
}

impl std::fmt::Debug for FormatSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

impl PartialEq for FormatSpec {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for FormatSpec {}

impl FormatSpec {
    /// A stable string that changes whenever an option that affects this format's Markdown
    /// changes: the declared options only, keys sorted.
    pub fn fingerprint(&self, options: &ConvertOptions) -> String {
        let map: serde_json::Map<String, serde_json::Value> = self
            .options
            .iter()
            .map(|o| (o.fingerprint_key.to_string(), (o.get)(options)))
            .collect();
        // serde_json's map is sorted (its `preserve_order` feature is off; a test checks).
        serde_json::Value::Object(map).to_string()
    }

    /// Whether content claimed to be this format may be an OOXML package encrypted into a
    /// compound file: zip formats only. Their converter opens it when Excel's built-in password
    /// does (`convert::offcrypto`); any other format with such content is `encrypted`.
    pub fn may_be_encrypted_package(&self) -> bool {
        self.container == Container::Zip
    }

    pub fn option(&self, key: &str) -> Option<&'static OptionSpec> {
        self.options.iter().copied().find(|o| o.key == key)
    }
}

/// The kind of value an option takes (in the file, with `--set`, and in `config show`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    Bool,
    Choice(&'static [&'static str]),
    Count,
}

/// An option that changes a format's Markdown.
pub struct OptionSpec {
    /// The key in `[formats.NAME]`, `--set NAME.KEY=VALUE` and `config show`.
    pub key: &'static str,
    /// The key in the cache fingerprint: a stored contract, never rename.
    pub fingerprint_key: &'static str,
    pub kind: OptionKind,
    pub default: &'static str,
    pub help: &'static str,
    /// The shared command-line flag (clap id) that sets this option for every format that has it.
    pub flag: Option<&'static str>,
    /// Applies a value already checked by [`OptionSpec::parse`].
    pub set: fn(&mut ConvertOptions, &OptionValue),
    /// The value in effect, as it enters the fingerprint and `config show`.
    pub get: fn(&ConvertOptions) -> serde_json::Value,
}

impl std::fmt::Debug for OptionSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key)
    }
}

/// A checked option value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptionValue {
    Bool(bool),
    Choice(&'static str),
    Count(u64),
}

impl OptionSpec {
    /// Checks a value written as text (`--set`, the environment).
    pub fn parse(&self, text: &str) -> Result<OptionValue, String> {
        let text = text.trim();
        match self.kind {
            OptionKind::Bool => match text.to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" | "1" => Ok(OptionValue::Bool(true)),
                "false" | "no" | "off" | "0" => Ok(OptionValue::Bool(false)),
                _ => Err(format!("{} takes true or false, not {text:?}", self.key)),
            },
            OptionKind::Choice(choices) => choices
                .iter()
                .find(|c| c.eq_ignore_ascii_case(text))
                .map(|c| OptionValue::Choice(c))
                .ok_or_else(|| {
                    format!(
                        "{} takes one of {}, not {text:?}",
                        self.key,
                        choices.join(", ")
                    )
                }),
            OptionKind::Count => text
                .parse::<u64>()
                .ok()
                .filter(|&n| n > 0)
                .map(OptionValue::Count)
                .ok_or_else(|| format!("{} takes a positive number, not {text:?}", self.key)),
        }
    }

    /// Checks a value from the configuration file.
    pub fn parse_toml(&self, value: &toml::Value) -> Result<OptionValue, String> {
        match (self.kind, value) {
            (OptionKind::Bool, toml::Value::Boolean(b)) => Ok(OptionValue::Bool(*b)),
            (OptionKind::Count, toml::Value::Integer(n)) if *n > 0 => {
                Ok(OptionValue::Count(*n as u64))
            }
            (_, toml::Value::String(s)) => self.parse(s),
            (_, other) => Err(format!(
                "{} takes {}, not {other}",
                self.key,
                self.kind_hint()
            )),
        }
    }

    /// What values the option takes, for help and messages.
    pub fn kind_hint(&self) -> String {
        match self.kind {
            OptionKind::Bool => "true or false".into(),
            OptionKind::Choice(c) => c.join(" | "),
            OptionKind::Count => "a positive number".into(),
        }
    }
}

/// The options several formats share (each format lists the ones it honours).
pub mod option {
    use super::{OptionKind, OptionSpec, OptionValue};
    use serde_json::Value;

    pub static IMAGES: OptionSpec = OptionSpec {
        key: "images",
        fingerprint_key: "extract_images",
        kind: OptionKind::Choice(&["extract", "none"]),
        default: "extract",
        help: "pictures written beside the Markdown (NAME_files/) and linked, or only their alt text",
        flag: Some("images"),
        set: |o, v| o.extract_images = *v == OptionValue::Choice("extract"),
        get: |o| Value::Bool(o.extract_images),
    };

    pub static PAGE_MARKERS: OptionSpec = OptionSpec {
        key: "page-markers",
        fingerprint_key: "page_markers",
        kind: OptionKind::Choice(&["comment", "none"]),
        default: "comment",
        help: "a `<!-- page N -->` comment (`<!-- slide N -->` for slides) before each page or slide",
        flag: Some("page_markers"),
        set: |o, v| o.page_markers = *v == OptionValue::Choice("comment"),
        get: |o| Value::Bool(o.page_markers),
    };

    pub static FRONT_MATTER: OptionSpec = OptionSpec {
        key: "front-matter",
        fingerprint_key: "front_matter",
        kind: OptionKind::Bool,
        default: "false",
        help: "YAML front matter from the document properties",
        flag: Some("front_matter"),
        set: |o, v| o.front_matter = *v == OptionValue::Bool(true),
        get: |o| Value::Bool(o.front_matter),
    };

    pub static NOTES: OptionSpec = OptionSpec {
        key: "notes",
        fingerprint_key: "speaker_notes",
        kind: OptionKind::Bool,
        default: "true",
        help: "speaker notes after each slide's content (when they hold text)",
        flag: None,
        set: |o, v| o.speaker_notes = *v == OptionValue::Bool(true),
        get: |o| Value::Bool(o.speaker_notes),
    };

    pub static HIDDEN_SLIDES: OptionSpec = OptionSpec {
        key: "hidden-slides",
        fingerprint_key: "hidden_slides",
        kind: OptionKind::Bool,
        default: "true",
        help: "include slides hidden in the slide show (marked in their slide comment)",
        flag: None,
        set: |o, v| o.hidden_slides = *v == OptionValue::Bool(true),
        get: |o| Value::Bool(o.hidden_slides),
    };

    pub static HIDDEN_CELLS: OptionSpec = OptionSpec {
        key: "hidden",
        fingerprint_key: "hidden_cells",
        kind: OptionKind::Bool,
        default: "false",
        help: "include hidden sheets, rows and columns",
        flag: None,
        set: |o, v| o.hidden_cells = *v == OptionValue::Bool(true),
        get: |o| Value::Bool(o.hidden_cells),
    };

    pub static MAIN_ONLY: OptionSpec = OptionSpec {
        key: "main-only",
        fingerprint_key: "main_only",
        kind: OptionKind::Bool,
        default: "false",
        help: "only the page's main content (<main>, role=main, else its first <article>)",
        flag: None,
        set: |o, v| o.main_only = *v == OptionValue::Bool(true),
        get: |o| Value::Bool(o.main_only),
    };

    pub static ATTACHMENTS: OptionSpec = OptionSpec {
        key: "attachments",
        fingerprint_key: "extract_attachments",
        kind: OptionKind::Choice(&["extract", "none"]),
        default: "none",
        help: "attachments written beside the Markdown and linked (they are always listed with name, type and size)",
        flag: Some("attachments"),
        set: |o, v| o.extract_attachments = *v == OptionValue::Choice("extract"),
        get: |o| Value::Bool(o.extract_attachments),
    };

    pub static MAX_ROWS: OptionSpec = OptionSpec {
        key: "max-rows",
        fingerprint_key: "max_rows",
        kind: OptionKind::Count,
        default: "1048576",
        help: "rows written per table; the rest is cut with a note saying how many",
        flag: None,
        set: |o, v| {
            if let OptionValue::Count(n) = v {
                o.max_rows = *n;
            }
        },
        get: |o| Value::from(o.max_rows),
    };
}

use option::*;

pub static CSV: FormatSpec = FormatSpec {
    name: "csv",
    label: "a CSV file",
    title: "CSV",
    extensions: &["csv"],
    container: Container::Text,
    identify: convert::csv::identify_csv,
    rank: 1,
    converter: &convert::csv::CSV,
    options: &[&MAX_ROWS],
    enabled_by_default: true,
};

pub static DOC: FormatSpec = FormatSpec {
    name: "doc",
    label: "a Word 97-2003 document",
    title: "Word 97-2003 (binary)",
    extensions: &["doc", "dot"],
    container: Container::Ole2,
    identify: |p| strong_if(p.ole().is_some_and(|o| o.has("WordDocument"))),
    rank: 0,
    converter: &convert::doc::DocConverter,
    options: &[&FRONT_MATTER],
    enabled_by_default: true,
};

pub static DOCX: FormatSpec = FormatSpec {
    name: "docx",
    label: "a DOCX document",
    title: "Word (OOXML)",
    extensions: &["docx", "docm", "dotx", "dotm"],
    container: Container::Zip,
    // Documents and templates, macro-enabled ones (application/vnd.ms-word...) included.
    identify: |p| {
        ooxml(
            p,
            |ct| ct.contains("wordprocessingml") || ct.contains("ms-word."),
            "word/document.xml",
        )
    },
    rank: 0,
    converter: &convert::docx::DocxConverter,
    options: &[&IMAGES, &FRONT_MATTER],
    enabled_by_default: true,
};

pub static EML: FormatSpec = FormatSpec {
    name: "eml",
    label: "an e-mail message",
    title: "e-mail (RFC 5322/MIME)",
    extensions: &["eml"],
    container: Container::Text,
    identify: convert::mhtml::identify_eml,
    rank: 1,
    converter: &convert::eml::EmlConverter,
    options: &[&IMAGES, &ATTACHMENTS, &FRONT_MATTER],
    enabled_by_default: true,
};

pub static EPUB: FormatSpec = FormatSpec {
    name: "epub",
    label: "an EPUB e-book",
    title: "EPUB",
    extensions: &["epub"],
    container: Container::Zip,
    identify: |p| {
        strong_if(p.zip().is_some_and(|z| {
            z.mimetype.as_deref() == Some("application/epub+zip")
                || (z.mimetype.is_none()
                    && z.has("META-INF/container.xml")
                    && !z.has("content.xml"))
        }))
    },
    rank: 0,
    converter: &convert::epub::EpubConverter,
    options: &[&IMAGES, &FRONT_MATTER],
    enabled_by_default: true,
};

pub static HTML: FormatSpec = FormatSpec {
    name: "html",
    label: "an HTML page",
    title: "HTML",
    extensions: &["html", "htm", "xhtml", "xht", "shtml", "html5"],
    container: Container::Html,
    // Any textual content can be read as HTML; a page that says so is HTML for sure.
    identify: |p| match p.container {
        Container::Html => Match::Strong,
        Container::Xml
            if crate::sniff::find(&p.head, b"http://www.w3.org/1999/xhtml").is_some() =>
        {
            Match::Strong
        }
        c if c.is_textual() => Match::Weak,
        _ => Match::No,
    },
    rank: 0,
    converter: &convert::html::HtmlConverter,
    options: &[&IMAGES, &FRONT_MATTER, &MAIN_ONLY],
    enabled_by_default: true,
};

pub static IMAGE: FormatSpec = FormatSpec {
    name: "image",
    label: "an image",
    title: "image (OCR)",
    extensions: &[
        "png", "jpg", "jpeg", "jpe", "tif", "tiff", "bmp", "gif", "webp",
    ],
    container: Container::Png,
    identify: |p| {
        strong_if(matches!(
            p.container,
            Container::Png
                | Container::Jpeg
                | Container::Tiff
                | Container::Bmp
                | Container::Gif
                | Container::Webp
        ))
    },
    rank: 0,
    converter: &convert::image::ImageConverter,
    options: &[&PAGE_MARKERS],
    enabled_by_default: true,
};

pub static IPYNB: FormatSpec = FormatSpec {
    name: "ipynb",
    label: "a Jupyter notebook",
    title: "Jupyter notebook",
    extensions: &["ipynb"],
    container: Container::Text,
    identify: |p| {
        let head = String::from_utf8_lossy(&p.head);
        let json = head
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with('{');
        match p.container {
            c if !c.is_textual() => Match::No,
            _ if json && (head.contains("\"nbformat\"") || head.contains("\"cell_type\"")) => {
                Match::Strong
            }
            _ => Match::Weak,
        }
    },
    rank: 1,
    converter: &convert::ipynb::IpynbConverter,
    options: &[&IMAGES],
    enabled_by_default: true,
};

pub static JSON: FormatSpec = FormatSpec {
    name: "json",
    label: "a JSON file",
    title: "JSON (data)",
    extensions: &["json", "jsonl", "geojson"],
    container: Container::Text,
    identify: |p| {
        let head = String::from_utf8_lossy(&p.head);
        let start = head.trim_start_matches('\u{feff}').trim_start();
        match p.container {
            c if !c.is_textual() => Match::No,
            _ if start.starts_with('{') || start.starts_with('[') => Match::Strong,
            _ => Match::Weak,
        }
    },
    rank: 3,
    converter: &convert::data::JSON,
    options: &[],
    enabled_by_default: false,
};

pub static MD: FormatSpec = FormatSpec {
    name: "md",
    label: "a Markdown file",
    title: "Markdown",
    extensions: &["md", "markdown", "mdown", "mkd", "mkdn"],
    container: Container::Text,
    identify: |p| {
        if p.container.is_textual() {
            Match::Weak
        } else {
            Match::No
        }
    },
    rank: 2,
    converter: &convert::md::MarkdownConverter,
    options: &[],
    enabled_by_default: true,
};

pub static MHTML: FormatSpec = FormatSpec {
    name: "mhtml",
    label: "a web archive",
    title: "MHTML web archive",
    extensions: &["mht", "mhtml"],
    container: Container::Text,
    identify: convert::mhtml::identify_mhtml,
    rank: 1,
    converter: &convert::mhtml::MhtmlConverter,
    options: &[&IMAGES, &FRONT_MATTER, &MAIN_ONLY],
    enabled_by_default: true,
};

pub static MSG: FormatSpec = FormatSpec {
    name: "msg",
    label: "an Outlook message",
    title: "Outlook message (MSG)",
    extensions: &["msg"],
    container: Container::Ole2,
    identify: |p| {
        strong_if(
            p.ole()
                .is_some_and(|o| o.has("__properties_version1.0") && o.has_prefix("__substg1.0_")),
        )
    },
    rank: 0,
    converter: &convert::msg::MsgConverter,
    options: &[&IMAGES, &ATTACHMENTS, &FRONT_MATTER],
    enabled_by_default: true,
};

pub static ODP: FormatSpec = FormatSpec {
    name: "odp",
    label: "an OpenDocument presentation",
    title: "OpenDocument presentation",
    extensions: &["odp", "otp", "fodp"],
    container: Container::Zip,
    identify: |p| odf(p, "application/vnd.oasis.opendocument.presentation"),
    rank: 0,
    converter: &convert::odp::OdpConverter,
    options: &[&PAGE_MARKERS, &IMAGES, &NOTES, &HIDDEN_SLIDES],
    enabled_by_default: true,
};

pub static ODS: FormatSpec = FormatSpec {
    name: "ods",
    label: "an OpenDocument spreadsheet",
    title: "OpenDocument spreadsheet",
    extensions: &["ods", "ots", "fods"],
    container: Container::Zip,
    identify: |p| odf(p, "application/vnd.oasis.opendocument.spreadsheet"),
    rank: 0,
    converter: &convert::ods::OdsConverter,
    options: &[&HIDDEN_CELLS, &MAX_ROWS],
    enabled_by_default: true,
};

pub static ODT: FormatSpec = FormatSpec {
    name: "odt",
    label: "an OpenDocument text document",
    title: "OpenDocument text",
    extensions: &["odt", "ott", "fodt"],
    container: Container::Zip,
    identify: |p| odf(p, "application/vnd.oasis.opendocument.text"),
    rank: 0,
    converter: &convert::odt::OdtConverter,
    options: &[&IMAGES, &FRONT_MATTER],
    enabled_by_default: true,
};

pub static PDF: FormatSpec = FormatSpec {
    name: "pdf",
    label: "a PDF",
    title: "PDF",
    extensions: &["pdf"],
    container: Container::Pdf,
    identify: |p| strong_if(p.container == Container::Pdf),
    rank: 0,
    converter: &convert::pdf::PdfConverter,
    options: &[&PAGE_MARKERS],
    enabled_by_default: true,
};

pub static PPTX: FormatSpec = FormatSpec {
    name: "pptx",
    label: "a PowerPoint presentation",
    title: "PowerPoint (OOXML)",
    extensions: &["pptx", "pptm", "ppsx", "ppsm", "potx", "potm"],
    container: Container::Zip,
    // Presentations, slide shows and templates, macro-enabled ones included.
    identify: |p| {
        ooxml(
            p,
            |ct| ct.contains("presentationml") || ct.contains("ms-powerpoint."),
            "ppt/presentation.xml",
        )
    },
    rank: 0,
    converter: &convert::pptx::PptxConverter,
    options: &[&PAGE_MARKERS, &IMAGES, &NOTES, &HIDDEN_SLIDES],
    enabled_by_default: true,
};

pub static RTF: FormatSpec = FormatSpec {
    name: "rtf",
    label: "an RTF document",
    title: "Rich Text Format",
    extensions: &["rtf"],
    container: Container::Text,
    identify: |p| strong_if(p.head.trim_ascii_start().starts_with(b"{\\rtf")),
    rank: 0,
    converter: &convert::rtf::RtfConverter,
    options: &[&IMAGES, &FRONT_MATTER],
    enabled_by_default: true,
};

pub static TSV: FormatSpec = FormatSpec {
    name: "tsv",
    label: "a TSV file",
    title: "TSV",
    extensions: &["tsv", "tab"],
    container: Container::Text,
    identify: convert::csv::identify_tsv,
    rank: 1,
    converter: &convert::csv::TSV,
    options: &[&MAX_ROWS],
    enabled_by_default: true,
};

pub static TXT: FormatSpec = FormatSpec {
    name: "txt",
    label: "a text file",
    title: "plain text",
    extensions: &["txt", "text"],
    container: Container::Text,
    identify: |p| match p.container {
        Container::Text => Match::Strong,
        c if c.is_textual() => Match::Weak,
        _ => Match::No,
    },
    rank: 2,
    converter: &convert::txt::TxtConverter,
    options: &[],
    enabled_by_default: true,
};

pub static XML: FormatSpec = FormatSpec {
    name: "xml",
    label: "an XML file",
    title: "XML (data)",
    extensions: &["xml"],
    container: Container::Xml,
    identify: |p| match p.container {
        Container::Xml => Match::Strong,
        c if c.is_textual() => Match::Weak,
        _ => Match::No,
    },
    rank: 3,
    converter: &convert::data::XML,
    options: &[],
    enabled_by_default: false,
};

pub static XLS: FormatSpec = FormatSpec {
    name: "xls",
    label: "an Excel 97-2003 workbook",
    title: "Excel 97-2003 / 5.0 (BIFF)",
    extensions: &["xls", "xlt", "xla"],
    container: Container::Ole2,
    identify: |p| strong_if(p.ole().is_some_and(|o| o.has("Workbook") || o.has("Book"))),
    rank: 0,
    converter: &convert::xls::XlsConverter,
    options: &[&HIDDEN_CELLS, &MAX_ROWS],
    enabled_by_default: true,
};

pub static XLSB: FormatSpec = FormatSpec {
    name: "xlsb",
    label: "an Excel binary workbook",
    title: "Excel binary (XLSB)",
    extensions: &["xlsb"],
    container: Container::Zip,
    identify: |p| {
        ooxml(
            p,
            |ct| ct.contains("ms-excel.sheet.binary"),
            "xl/workbook.bin",
        )
    },
    rank: 0,
    converter: &convert::xls::XlsbConverter,
    options: &[&HIDDEN_CELLS, &MAX_ROWS],
    enabled_by_default: true,
};

pub static XLSX: FormatSpec = FormatSpec {
    name: "xlsx",
    label: "an Excel workbook",
    title: "Excel (OOXML)",
    extensions: &["xlsx", "xlsm", "xltx", "xltm"],
    container: Container::Zip,
    // Workbooks, templates and add-ins as XML; binary workbooks (XLSB) are another format.
    identify: |p| {
        ooxml(
            p,
            |ct| (ct.contains("spreadsheetml") || ct.contains("ms-excel.")) && ct.ends_with("+xml"),
            "xl/workbook.xml",
        )
    },
    rank: 0,
    converter: &convert::xlsx::XlsxConverter,
    options: &[&IMAGES, &HIDDEN_CELLS, &MAX_ROWS],
    enabled_by_default: true,
};

pub static YAML: FormatSpec = FormatSpec {
    name: "yaml",
    label: "a YAML file",
    title: "YAML (data)",
    extensions: &["yaml", "yml"],
    container: Container::Text,
    identify: |p| {
        if p.container.is_textual() {
            Match::Weak
        } else {
            Match::No
        }
    },
    rank: 3,
    converter: &convert::data::YAML,
    options: &[],
    enabled_by_default: false,
};

/// Every format, sorted by name (a test checks).
pub static ALL: &[&FormatSpec] = &[
    &CSV, &DOC, &DOCX, &EML, &EPUB, &HTML, &IMAGE, &IPYNB, &JSON, &MD, &MHTML, &MSG, &ODP, &ODS,
    &ODT, &PDF, &PPTX, &RTF, &TSV, &TXT, &XLS, &XLSB, &XLSX, &XML, &YAML,
];

/// `Strong` when `yes`, else `No`.
pub fn strong_if(yes: bool) -> Match {
    if yes { Match::Strong } else { Match::No }
}

/// An OOXML package whose main part's content type passes `test` (or, without content types,
/// whose main part has this name).
pub fn ooxml(probe: &Probe, test: fn(&str) -> bool, default_part: &str) -> Match {
    strong_if(probe.zip().is_some_and(|z| z.main_is(test, default_part)))
}

/// An ODF package of this `mimetype` (templates included: `...-template`), or a flat ODF file
/// whose root says it.
pub fn odf(probe: &Probe, mimetype: &str) -> Match {
    if let Some(zip) = probe.zip() {
        return strong_if(
            zip.mimetype
                .as_deref()
                .is_some_and(|m| m.strip_suffix("-template").unwrap_or(m) == mimetype),
        );
    }
    let flat = probe.container == Container::Xml
        && [
            format!("mimetype=\"{mimetype}\""),
            format!("mimetype=\"{mimetype}-template\""),
        ]
        .iter()
        .any(|m| crate::sniff::find(&probe.head, m.as_bytes()).is_some());
    strong_if(flat)
}

pub fn by_name(name: &str) -> Option<&'static FormatSpec> {
    ALL.iter().copied().find(|f| f.name == name)
}

/// The format a file name claims by its extension (case-insensitive).
pub fn by_extension(ext: &OsStr) -> Option<&'static FormatSpec> {
    let ext = ext.to_str()?.to_ascii_lowercase();
    ALL.iter()
        .copied()
        .find(|f| f.extensions.contains(&ext.as_str()))
}

/// The names of every format, for `--formats` and `list --type`.
pub fn possible_values() -> Vec<clap::builder::PossibleValue> {
    ALL.iter()
        .map(|f| {
            let mut help = format!("{} (.{})", f.title, f.extensions.join(", ."));
            if !f.enabled_by_default {
                help.push_str("; off by default");
            }
            clap::builder::PossibleValue::new(f.name).help(help)
        })
        .collect()
}

/// What content claimed to be of one format really is, and what to do with it.
#[derive(Debug)]
pub enum Identified {
    /// The content is what the extension says.
    Claimed,
    /// The content is another enabled format: convert it as that, with a warning.
    Rerouted {
        to: &'static FormatSpec,
        /// The `rerouted` warning's message.
        message: String,
    },
    /// The content is nothing this run converts.
    Refused(ConvertError),
}

/// Decides what to do with content claimed to be `claimed`. The policy, the same for every
/// format: a password-protected OOXML package is left to the converter when a zip format claims
/// it (it opens those with Excel's built-in password) and is `encrypted` otherwise; content the
/// claimed format can read
/// is converted as it; else content that is strongly another enabled format is converted as that
/// (`rerouted`); else a damaged container is `corrupt` and anything else `type_mismatch`, with a
/// message naming what the content is.
pub fn identify(
    claimed: &'static FormatSpec,
    probe: &Probe,
    enabled: &dyn Fn(&FormatSpec) -> bool,
) -> Identified {
    if let Some(ole) = probe.ole()
        && ole.has("EncryptedPackage")
    {
        // The converter opens it if it can, and checks the package inside against the claim.
        if claimed.may_be_encrypted_package() {
            return Identified::Claimed;
        }
        return Identified::Refused(convert::offcrypto::locked());
    }
    if let Some(damage) = probe.damage()
        && probe.container == claimed.container
    {
        return Identified::Refused(ConvertError::Corrupt(damage));
    }
    if (claimed.identify)(probe) != Match::No {
        return Identified::Claimed;
    }
    let what = describe(probe);
    let strong = || {
        ALL.iter()
            .copied()
            .filter(|f| f.name != claimed.name && (f.identify)(probe) == Match::Strong)
    };
    if let Some(to) = strong().filter(|f| enabled(f)).min_by_key(|f| f.rank) {
        return Identified::Rerouted {
            to,
            message: format!(
                "the content is {what}, not {}: converted as {}",
                claimed.label, to.title
            ),
        };
    }
    Identified::Refused(ConvertError::TypeMismatch(
        match strong().min_by_key(|f| f.rank) {
            Some(to) => format!(
                "not {}: the content is {what} (format {}, not enabled in this run)",
                claimed.label, to.name
            ),
            None => format!("not {}: the content is {what}", claimed.label),
        },
    ))
}

/// What a person would call probed content.
pub fn describe(probe: &Probe) -> String {
    // Formats recognised by a signature or by the shape of their text (CSV); "any text" (TXT)
    // says less than the container's own description.
    if let Some(f) = ALL
        .iter()
        .copied()
        .filter(|f| f.rank < TXT.rank && (f.identify)(probe) == Match::Strong)
        .min_by_key(|f| f.rank)
    {
        return f.label.to_string();
    }
    if let Some(zip) = probe.zip() {
        let what = [
            ("xl/", "an Excel workbook"),
            ("ppt/", "a PowerPoint presentation"),
            ("word/", "a Word document"),
        ]
        .iter()
        .find(|(prefix, _)| zip.has_prefix(prefix))
        .map(|(_, what)| what.to_string());
        return match (what, &zip.mimetype) {
            (Some(what), _) => what,
            (None, Some(m)) if m.contains("epub") => "an EPUB e-book".into(),
            (None, Some(m)) if m.contains("opendocument") => {
                format!("an OpenDocument file ({m})")
            }
            _ => "a zip archive without a document docproc converts".into(),
        };
    }
    if let Some(ole) = probe.ole() {
        let known = [
            ("WordDocument", "a Word 97-2003 (.doc) document"),
            (
                "PowerPoint Document",
                "a legacy PowerPoint 97-2003 (.ppt) file, which docproc does not convert",
            ),
            ("Workbook", "a legacy Excel 97-2003 (.xls) workbook"),
            ("Book", "a legacy Excel 5.0/95 (.xls) workbook"),
            ("__properties_version1.0", "an Outlook message (.msg)"),
        ];
        if let Some((_, what)) = known.iter().find(|(stream, _)| ole.has(stream)) {
            return what.to_string();
        }
    }
    probe.container.describe().to_string()
}

/// Checks, in the converter's process, that `bytes` are the format the plan says and within the
/// container limits (a zip bomb fails before any part is inflated).
pub fn check(
    spec: &'static FormatSpec,
    bytes: &[u8],
    limits: &convert::Limits,
) -> Result<(), ConvertError> {
    let probe = Probe::of_bytes(bytes);
    match identify(spec, &probe, &|_| false) {
        Identified::Claimed => {}
        Identified::Refused(e) => return Err(e),
        Identified::Rerouted { .. } => unreachable!("no format is enabled for rerouting"),
    }
    if let Some(zip) = probe.zip() {
        check_inflated_size(zip, spec, limits)?;
    }
    Ok(())
}

/// The most a zip container may inflate to, and the largest compression ratio it may claim
/// (`--max-unzipped-size`, `--max-zip-ratio`).
fn check_inflated_size(
    zip: &crate::sniff::ZipDirectory,
    spec: &FormatSpec,
    limits: &convert::Limits,
) -> Result<(), ConvertError> {
    let total = zip.inflated;
    let ratio = total / zip.packed.max(1);
    let what = spec.name.to_uppercase();
    if total > limits.max_unzipped_size {
        return Err(ConvertError::ResourceLimit(format!(
            "the {what} package would inflate to {} MB ({ratio}x its size), more than --max-unzipped-size ({} MB): a zip bomb?",
            total >> 20,
            limits.max_unzipped_size >> 20
        )));
    }
    if total > 100 << 20 && ratio > limits.max_zip_ratio {
        return Err(ConvertError::ResourceLimit(format!(
            "the {what} package would inflate to {} MB, {ratio}x its size, more than --max-zip-ratio ({}x): a zip bomb?",
            total >> 20,
            limits.max_zip_ratio
        )));
    }
    Ok(())
}

/// The README's format table (kept in step by `tests/generated.rs`).
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| format | extensions | recognised by | options (`[formats.NAME]`, `--set NAME.KEY=VALUE`) |\n|---|---|---|---|\n",
    );
    for f in ALL {
        let extensions: Vec<String> = f.extensions.iter().map(|e| format!("`.{e}`")).collect();
        let options: Vec<String> = f
            .options
            .iter()
            .map(|o| {
                let values = match o.kind {
                    OptionKind::Bool => "`true`/`false`".to_string(),
                    OptionKind::Choice(c) => c
                        .iter()
                        .map(|v| format!("`{v}`"))
                        .collect::<Vec<_>>()
                        .join("/"),
                    OptionKind::Count => "a number".to_string(),
                };
                format!(
                    "`{}` = {values}, default `{}`: {}",
                    o.key,
                    o.default,
                    o.help.replace('|', "\\|")
                )
            })
            .collect();
        let name = if f.enabled_by_default {
            format!("`{}` {}", f.name, f.title)
        } else {
            format!("`{}` {} (off by default)", f.name, f.title)
        };
        out.push_str(&format!(
            "| {name} | {} | {} | {} |\n",
            extensions.join(" "),
            f.container.name(),
            if options.is_empty() {
                "-".to_string()
            } else {
                options.join("<br>")
            }
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sorted_unique_and_lower_case() {
        let names: Vec<&str> = ALL.iter().map(|f| f.name).collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(names, sorted);
        for name in &names {
            assert_eq!(*name, name.to_ascii_lowercase());
        }
        // The stored contract: names only ever get added.
        for known in [
            "csv", "docx", "eml", "epub", "html", "mhtml", "odp", "ods", "pdf", "pptx", "tsv",
            "txt", "xls", "xlsb", "xlsx",
        ] {
            assert!(by_name(known).is_some(), "format {known} was renamed");
        }
    }

    #[test]
    fn every_extension_belongs_to_one_format() {
        let mut seen = std::collections::HashMap::new();
        for f in ALL {
            for ext in f.extensions {
                assert_eq!(*ext, ext.to_ascii_lowercase());
                assert!(!ext.starts_with('.'));
                if let Some(other) = seen.insert(*ext, f.name) {
                    panic!(".{ext} is claimed by {other} and {}", f.name);
                }
            }
        }
        assert_eq!(by_extension(OsStr::new("PDF")).unwrap().name, "pdf");
        assert_eq!(by_extension(OsStr::new("Docx")).unwrap().name, "docx");
        assert_eq!(by_extension(OsStr::new("text")).unwrap().name, "txt");
        assert!(by_extension(OsStr::new("exe")).is_none());
    }

    #[test]
    fn fingerprints_of_the_first_formats_never_change() {
        let o = ConvertOptions::default();
        assert_eq!(PDF.fingerprint(&o), r#"{"page_markers":true}"#);
        assert_eq!(
            DOCX.fingerprint(&o),
            r#"{"extract_images":true,"front_matter":false}"#
        );
        assert_eq!(TXT.fingerprint(&o), "{}");
    }

    #[test]
    fn an_option_changes_only_the_fingerprints_of_formats_that_have_it() {
        let base = ConvertOptions::default();
        let all_options: Vec<&OptionSpec> =
            ALL.iter().flat_map(|f| f.options.iter().copied()).collect();
        for option in all_options {
            // A value other than the default.
            let other = match option.kind {
                OptionKind::Bool => OptionValue::Bool(option.default != "true"),
                OptionKind::Choice(c) => {
                    OptionValue::Choice(c.iter().find(|v| **v != option.default).unwrap())
                }
                OptionKind::Count => OptionValue::Count(7),
            };
            let mut changed = base.clone();
            (option.set)(&mut changed, &other);
            for f in ALL {
                let has = f.options.iter().any(|o| o.key == option.key);
                assert_eq!(
                    f.fingerprint(&base) != f.fingerprint(&changed),
                    has,
                    "{} and option {}",
                    f.name,
                    option.key
                );
            }
        }
    }

    #[test]
    fn defaults_are_what_convert_options_start_with() {
        for f in ALL {
            for o in f.options {
                let mut applied = ConvertOptions::default();
                (o.set)(&mut applied, &o.parse(o.default).unwrap());
                assert_eq!(
                    (o.get)(&applied),
                    (o.get)(&ConvertOptions::default()),
                    "{}.{}",
                    f.name,
                    o.key
                );
            }
        }
    }

    fn all_enabled(_: &FormatSpec) -> bool {
        true
    }

    #[test]
    fn html_named_pdf_is_converted_as_html_or_named() {
        let probe = Probe::of_bytes(b"<!DOCTYPE html><html></html>");
        match identify(&PDF, &probe, &all_enabled) {
            Identified::Rerouted { to, message } => {
                assert_eq!(to.name, "html");
                assert_eq!(
                    message,
                    "the content is an HTML page, not a PDF: converted as HTML"
                );
            }
            other => panic!("{other:?}"),
        }
        match identify(&PDF, &probe, &|f| f.name == "pdf") {
            Identified::Refused(e) => {
                assert_eq!(e.code(), "type_mismatch");
                assert_eq!(
                    e.to_string(),
                    "not a PDF: the content is an HTML page (format html, not enabled in this run)"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn text_in_a_binary_format_is_rerouted_and_binary_text_refused() {
        let probe = Probe::of_bytes(b"just some words\nand more words\n");
        match identify(&PDF, &probe, &all_enabled) {
            Identified::Rerouted { to, message } => {
                assert_eq!(to.name, "txt");
                assert_eq!(
                    message,
                    "the content is plain text, not a PDF: converted as plain text"
                );
            }
            other => panic!("{other:?}"),
        }
        let binary = Probe::of_bytes(b"abc\0\x01\x02def");
        assert!(matches!(
            identify(&TXT, &binary, &all_enabled),
            Identified::Refused(ConvertError::TypeMismatch(_))
        ));
        // A CSV export named .pdf becomes a table, not text.
        let csv = Probe::of_bytes(b"a;b;c\n1;2;3\n4;5;6\n");
        match identify(&PDF, &csv, &all_enabled) {
            Identified::Rerouted { to, .. } => assert_eq!(to.name, "csv"),
            other => panic!("{other:?}"),
        }
        // ... unless CSV is not enabled: then plain text.
        match identify(&PDF, &csv, &|f| f.name != "csv") {
            Identified::Rerouted { to, .. } => assert_eq!(to.name, "txt"),
            other => panic!("{other:?}"),
        }
        // Nothing enabled that reads it: refused, naming the format that would.
        match identify(&PDF, &csv, &|f| f.name == "pdf") {
            Identified::Refused(e) => assert!(e.to_string().contains("not enabled"), "{e}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn ole2_docx_is_named_and_encrypted_packages_left_to_zip_formats() {
        let mut doc = crate::sniff::OLE2_MAGIC.to_vec();
        doc.extend_from_slice(&[0; 100]);
        let probe = Probe::of_bytes(&doc);
        match identify(&DOCX, &probe, &all_enabled) {
            Identified::Refused(e) => assert!(e.to_string().contains("not a DOCX"), "{e}"),
            other => panic!("{other:?}"),
        }
        // The converter of a zip format opens it (or says it is encrypted); a legacy format
        // cannot hold one.
        let probe = Probe::of_bytes(include_bytes!("../fixtures/docs/protected.xlsx"));
        assert!(matches!(
            identify(&XLSX, &probe, &all_enabled),
            Identified::Claimed
        ));
        match identify(&DOC, &probe, &all_enabled) {
            Identified::Refused(e) => assert_eq!(e.code(), "encrypted", "{e}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_fingerprint_map_is_sorted() {
        let map: serde_json::Map<String, serde_json::Value> = [("b", 1), ("a", 2)]
            .iter()
            .map(|(k, v)| (k.to_string(), (*v).into()))
            .collect();
        assert_eq!(
            serde_json::Value::Object(map).to_string(),
            r#"{"a":2,"b":1}"#
        );
    }
}
