//! What content is, whatever its name says: the one policy for content that contradicts its
//! extension, the probes the entries use, and the container limits checked before a converter
//! reads anything.

use super::{ALL, FormatSpec, Match, TXT};
use crate::convert::{self, ConvertError};
use crate::sniff::{Container, Probe};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{DOC, DOCX, PDF, XLSX};

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
        let probe = Probe::of_bytes(include_bytes!("../../fixtures/docs/protected.xlsx"));
        assert!(matches!(
            identify(&XLSX, &probe, &all_enabled),
            Identified::Claimed
        ));
        match identify(&DOC, &probe, &all_enabled) {
            Identified::Refused(e) => assert_eq!(e.code(), "encrypted", "{e}"),
            other => panic!("{other:?}"),
        }
    }
}
