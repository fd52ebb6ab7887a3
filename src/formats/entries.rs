//! The entries of the registry, one per format, in name order.

use super::option::*;
use super::{FormatSpec, Match, odf, ooxml, strong_if};
use crate::convert;
use crate::sniff::Container;

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
