//! Which documents docproc converts, decided by extension and confirmed by content.
//!
//! Discovery picks candidates by extension alone (cheap: no file is opened while walking). Before a
//! converter sees a file, [`check_content`] looks at its magic bytes, so a `.pdf` that is really an
//! HTML page, or a `.docx` that is a legacy `.doc`, fails with a message that says what the file
//! is instead of a parser error or a crash.

use std::ffi::OsStr;
use std::io::Cursor;

use crate::convert::ConvertError;

/// A document type docproc converts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileType {
    Pdf,
    Docx,
    Txt,
}

impl FileType {
    pub const ALL: [FileType; 3] = [FileType::Pdf, FileType::Docx, FileType::Txt];

    /// The candidate type of a file name, from its extension (case-insensitive).
    pub fn from_extension(ext: &OsStr) -> Option<FileType> {
        let ext = ext.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "pdf" => Some(FileType::Pdf),
            // Macro-enabled documents and templates are the same WordprocessingML package.
            "docx" | "docm" | "dotx" | "dotm" => Some(FileType::Docx),
            "txt" | "text" => Some(FileType::Txt),
            _ => None,
        }
    }

    /// The name recorded in the database (`documents.file_type`) and used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            FileType::Pdf => "pdf",
            FileType::Docx => "docx",
            FileType::Txt => "txt",
        }
    }

    /// The inverse of [`FileType::as_str`].
    pub fn parse(name: &str) -> Option<FileType> {
        FileType::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// The `--formats` value that selects this type.
    pub fn format(self) -> crate::cli::Format {
        match self {
            FileType::Pdf => crate::cli::Format::Pdf,
            FileType::Docx => crate::cli::Format::Docx,
            FileType::Txt => crate::cli::Format::Txt,
        }
    }
}

impl std::fmt::Display for FileType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the first bytes of a file say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sniffed {
    Pdf,
    Zip,
    /// OLE2 compound file: legacy .doc/.xls, or an encrypted OOXML package.
    Ole2,
    Html,
    Xml,
    Rtf,
    Png,
    Jpeg,
    Gif,
    Gzip,
    /// Something else with NUL bytes that are not UTF-16 text.
    Binary,
    /// Anything that could be text.
    Text,
}

impl Sniffed {
    fn describe(self) -> &'static str {
        match self {
            Sniffed::Pdf => "a PDF document",
            Sniffed::Zip => "a zip archive",
            Sniffed::Ole2 => "an OLE2 compound file (legacy Office format)",
            Sniffed::Html => "an HTML page",
            Sniffed::Xml => "an XML file",
            Sniffed::Rtf => "an RTF document",
            Sniffed::Png => "a PNG image",
            Sniffed::Jpeg => "a JPEG image",
            Sniffed::Gif => "a GIF image",
            Sniffed::Gzip => "a gzip archive",
            Sniffed::Binary => "binary data",
            Sniffed::Text => "plain text",
        }
    }
}

fn sniff(bytes: &[u8]) -> Sniffed {
    let head = &bytes[..bytes.len().min(1024)];
    // The PDF header may follow some junk; readers accept it within the first kilobyte.
    if find(head, b"%PDF-").is_some() {
        return Sniffed::Pdf;
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Sniffed::Zip;
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Sniffed::Ole2;
    }
    if head.starts_with(b"\x89PNG") {
        return Sniffed::Png;
    }
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Sniffed::Jpeg;
    }
    if head.starts_with(b"GIF8") {
        return Sniffed::Gif;
    }
    if head.starts_with(&[0x1F, 0x8B]) {
        return Sniffed::Gzip;
    }
    if head.starts_with(b"{\\rtf") {
        return Sniffed::Rtf;
    }
    let utf16 = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    if !utf16 && head.contains(&0) && !looks_like_bomless_utf16(head) {
        return Sniffed::Binary;
    }
    let text = String::from_utf8_lossy(&head[..head.len().min(512)]).to_ascii_lowercase();
    let start = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if start.starts_with("<!doctype html") || start.starts_with("<html") {
        return Sniffed::Html;
    }
    if start.starts_with("<?xml") {
        return if text.contains("<html") {
            Sniffed::Html
        } else {
            Sniffed::Xml
        };
    }
    Sniffed::Text
}

/// UTF-16 text without a byte order mark: NULs in (mostly) every other byte.
pub fn looks_like_bomless_utf16(bytes: &[u8]) -> bool {
    let n = bytes.len() / 2 * 2;
    if n < 4 {
        return false;
    }
    let pairs = n / 2;
    let even_nul = bytes[..n]
        .chunks(2)
        .filter(|p| p[0] == 0 && p[1] != 0)
        .count();
    let odd_nul = bytes[..n]
        .chunks(2)
        .filter(|p| p[1] == 0 && p[0] != 0)
        .count();
    even_nul * 10 >= pairs * 9 || odd_nul * 10 >= pairs * 9
}

/// The first position of `needle` in `haystack` (shared by the sniffers, the PDF repair and the
/// attachment placeholder).
pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Checks that `bytes` really are a document of type `claimed` (from the file's extension).
pub fn check_content(
    claimed: FileType,
    bytes: &[u8],
    limits: &crate::convert::Limits,
) -> Result<(), ConvertError> {
    let found = sniff(bytes);
    let mismatch = |what: &str| {
        Err(ConvertError::TypeMismatch(format!(
            "not a {}: the content is {what}",
            match claimed {
                FileType::Pdf => "PDF",
                FileType::Docx => "DOCX document",
                FileType::Txt => "text file",
            }
        )))
    };
    match (claimed, found) {
        (FileType::Pdf, Sniffed::Pdf) => Ok(()),
        (FileType::Pdf, other) => mismatch(other.describe()),
        (FileType::Docx, Sniffed::Zip) => check_docx_package(bytes, limits),
        (FileType::Docx, Sniffed::Ole2) => {
            if find(bytes, &utf16le("EncryptedPackage")).is_some() {
                Err(ConvertError::Encrypted(
                    "the document is password-protected; save an unprotected copy to convert it"
                        .into(),
                ))
            } else {
                mismatch("a legacy Word 97-2003 (.doc) file, which docproc does not convert")
            }
        }
        (FileType::Docx, other) => mismatch(other.describe()),
        (FileType::Txt, Sniffed::Text | Sniffed::Html | Sniffed::Xml | Sniffed::Rtf) => Ok(()),
        (FileType::Txt, other) => mismatch(other.describe()),
    }
}

/// A zip is a DOCX when it has a main document part.
fn check_docx_package(bytes: &[u8], limits: &crate::convert::Limits) -> Result<(), ConvertError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ConvertError::Corrupt(format!("damaged zip container: {e}")))?;
    if let Some(main) = main_document_part(&mut archive)
        && archive.index_for_name(&main).is_some()
    {
        return check_inflated_size(&mut archive, bytes.len(), limits);
    }
    let names: Vec<&str> = archive.file_names().collect();
    let what = if names.iter().any(|n| n.starts_with("xl/")) {
        "an Excel workbook (.xlsx)"
    } else if names.iter().any(|n| n.starts_with("ppt/")) {
        "a PowerPoint presentation (.pptx)"
    } else if names.contains(&"mimetype") {
        "an OpenDocument or EPUB package"
    } else {
        "a zip archive without a Word main document part"
    };
    Err(ConvertError::TypeMismatch(format!(
        "not a DOCX document: the content is {what}"
    )))
}

/// The package's main document part: the target of the `officeDocument` relationship in
/// `_rels/.rels` (usually, but not always, `word/document.xml`).
fn main_document_part(archive: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Option<String> {
    let mut rels = String::new();
    if let Ok(file) = archive.by_name("_rels/.rels") {
        let _ = std::io::Read::read_to_string(&mut std::io::Read::take(file, 1 << 20), &mut rels);
    }
    for relationship in rels.split("<Relationship").skip(1) {
        let attr = |name: &str| {
            let start = relationship.find(&format!("{name}=\""))? + name.len() + 2;
            let end = start + relationship[start..].find('"')?;
            Some(&relationship[start..end])
        };
        if attr("Type").is_some_and(|t| t.ends_with("/officeDocument")) {
            return attr("Target").map(|t| t.trim_start_matches('/').to_string());
        }
    }
    Some("word/document.xml".to_string())
}

/// The most a DOCX package may inflate to, and the largest compression ratio it may claim
/// (`--max-unzipped-size`, `--max-zip-ratio`): a zip bomb fails with `resource_limit` before any
/// part is inflated.
fn check_inflated_size(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    packed: usize,
    limits: &crate::convert::Limits,
) -> Result<(), ConvertError> {
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let Ok(file) = archive.by_index_raw(i) else {
            continue;
        };
        total = total.saturating_add(file.size());
    }
    let ratio = total / (packed as u64).max(1);
    if total > limits.max_unzipped_size {
        return Err(ConvertError::ResourceLimit(format!(
            "the DOCX package would inflate to {} MB ({ratio}x its size), more than --max-unzipped-size ({} MB): a zip bomb?",
            total >> 20,
            limits.max_unzipped_size >> 20
        )));
    }
    if total > 100 << 20 && ratio > limits.max_zip_ratio {
        return Err(ConvertError::ResourceLimit(format!(
            "the DOCX package would inflate to {} MB, {ratio}x its size, more than --max-zip-ratio ({}x): a zip bomb?",
            total >> 20,
            limits.max_zip_ratio
        )));
    }
    Ok(())
}

fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_are_case_insensitive() {
        assert_eq!(
            FileType::from_extension(OsStr::new("PDF")),
            Some(FileType::Pdf)
        );
        assert_eq!(
            FileType::from_extension(OsStr::new("Docx")),
            Some(FileType::Docx)
        );
        assert_eq!(
            FileType::from_extension(OsStr::new("text")),
            Some(FileType::Txt)
        );
        assert_eq!(FileType::from_extension(OsStr::new("doc")), None);
        assert_eq!(
            FileType::from_extension(OsStr::new("docm")),
            Some(FileType::Docx)
        );
    }

    #[test]
    fn html_named_pdf_is_a_mismatch() {
        let err = check_content(
            FileType::Pdf,
            b"<!DOCTYPE html><html></html>",
            &Default::default(),
        )
        .unwrap_err();
        assert_eq!(err.code(), "type_mismatch");
        assert_eq!(err.to_string(), "not a PDF: the content is an HTML page");
    }

    #[test]
    fn pdf_header_after_junk_is_accepted() {
        assert!(check_content(FileType::Pdf, b"\n\n%PDF-1.4\n", &Default::default()).is_ok());
    }

    #[test]
    fn binary_named_txt_is_a_mismatch() {
        assert!(check_content(FileType::Txt, b"abc\0\x01\x02def", &Default::default()).is_err());
        assert!(check_content(FileType::Txt, b"plain words", &Default::default()).is_ok());
        // UTF-16 without BOM is text.
        let utf16: Vec<u8> = "hello world"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert!(check_content(FileType::Txt, &utf16, &Default::default()).is_ok());
    }

    #[test]
    fn ole2_docx_is_named() {
        let mut doc = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        doc.extend_from_slice(&[0; 100]);
        let err = check_content(FileType::Docx, &doc, &Default::default()).unwrap_err();
        assert!(err.to_string().contains("legacy Word"), "{err}");
        doc.extend(utf16le("EncryptedPackage"));
        assert_eq!(
            check_content(FileType::Docx, &doc, &Default::default())
                .unwrap_err()
                .code(),
            "encrypted"
        );
    }
}
