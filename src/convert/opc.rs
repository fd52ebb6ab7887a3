//! OPC packages (DOCX, PPTX, XLSX): parts by name, relationships, document properties, and the
//! guards every zip-based format runs before parsing (XML depth, DTDs, which part is damaged).
//! ODF and EPUB packages are zips too and use the same reader and guards.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use super::xml::{self, Element};
use crate::convert::{ConvertError, Limits, Metadata};

/// The zip container, read part by part.
pub struct Package<'a> {
    archive: zip::ZipArchive<Cursor<&'a [u8]>>,
    max_part: u64,
    max_depth: usize,
    /// "DOCX", "PPTX", ...: how messages about damaged parts name the package.
    kind: &'static str,
}

impl<'a> Package<'a> {
    pub fn open(
        bytes: &'a [u8],
        limits: &Limits,
        kind: &'static str,
    ) -> Result<Package<'a>, ConvertError> {
        let archive = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| ConvertError::Corrupt(format!("damaged zip container: {e}")))?;
        Ok(Package {
            archive,
            max_part: limits.max_unzipped_size,
            max_depth: limits.max_xml_depth,
            kind,
        })
    }

    /// Whether the package has this part.
    pub fn has(&self, name: &str) -> bool {
        let name = name.trim_start_matches('/');
        self.archive.index_for_name(name).is_some()
            || self
                .archive
                .file_names()
                .any(|n| n.eq_ignore_ascii_case(name))
    }

    /// A part as a reader that inflates while it is read (for parts too large to hold twice),
    /// limited to `--max-unzipped-size`.
    pub fn stream(&mut self, name: &str) -> Result<Option<impl Read + '_>, ConvertError> {
        let Some(index) = self.index(name) else {
            return Ok(None);
        };
        let kind = self.kind;
        let max = self.max_part;
        let file = self
            .archive
            .by_index(index)
            .map_err(|e| ConvertError::Corrupt(format!("damaged {kind}: {name}: {e}")))?;
        Ok(Some(file.take(max)))
    }

    fn index(&self, name: &str) -> Option<usize> {
        let name = name.trim_start_matches('/');
        match self.archive.index_for_name(name) {
            Some(index) => Some(index),
            // Part names are case-insensitive in OPC; zip names are not.
            None => self
                .archive
                .file_names()
                .find(|n| n.eq_ignore_ascii_case(name))
                .map(str::to_string)
                .and_then(|actual| self.archive.index_for_name(&actual)),
        }
    }

    /// The bytes of a part; None when the package has no such part.
    pub fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, ConvertError> {
        let Some(index) = self.index(name) else {
            return Ok(None);
        };
        let name = name.trim_start_matches('/');
        let kind = self.kind;
        let mut file = self
            .archive
            .by_index(index)
            .map_err(|e| ConvertError::Corrupt(format!("damaged {kind}: {name}: {e}")))?;
        let mut bytes = Vec::new();
        (&mut file)
            .take(self.max_part.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| ConvertError::Corrupt(format!("damaged {kind}: {name}: {e}")))?;
        if bytes.len() as u64 > self.max_part {
            return Err(ConvertError::ResourceLimit(format!(
                "{name} inflates to more than --max-unzipped-size"
            )));
        }
        Ok(Some(bytes))
    }

    /// A part parsed into its element tree; None when missing. Invalid XML is `corrupt`.
    pub fn read_xml(&mut self, name: &str) -> Result<Option<Element>, ConvertError> {
        let Some(bytes) = self.read(name)? else {
            return Ok(None);
        };
        let name = name.trim_start_matches('/');
        xml::parse_limited(&bytes, self.max_depth)
            .map(Some)
            .map_err(|e| e.for_part(self.kind, name))
    }

    /// `--max-xml-depth`, for readers that stream a part.
    pub fn max_depth(&self) -> usize {
        self.max_depth
    }

    /// A part's relationships (`word/_rels/document.xml.rels` for `word/document.xml`).
    pub fn rels(&mut self, part: &str) -> Rels {
        let (dir, file) = match part.rfind('/') {
            Some(i) => (&part[..i + 1], &part[i + 1..]),
            None => ("", part),
        };
        let rels_name = format!("{dir}_rels/{file}.rels");
        let mut rels = Rels::default();
        // A missing or broken relationships part only loses links and images.
        let Ok(Some(root)) = self.read_xml(&rels_name) else {
            return rels;
        };
        for r in root.children_named("Relationship") {
            let (Some(id), Some(target)) = (r.attr("Id"), r.attr("Target")) else {
                continue;
            };
            let external = r.attr("TargetMode") == Some("External");
            let target = if external {
                target.to_string()
            } else {
                resolve_path(dir, target)
            };
            rels.by_id.insert(
                id.to_string(),
                Rel {
                    kind: r
                        .attr("Type")
                        .unwrap_or("")
                        .rsplit('/')
                        .next()
                        .unwrap_or("")
                        .to_string(),
                    target,
                    external,
                },
            );
        }
        rels
    }

    /// The main document part, from the package relationships (usually `word/document.xml`).
    pub fn main_part(&mut self) -> String {
        let rels = self.rels("");
        rels.by_id
            .values()
            .find(|r| r.kind == "officeDocument" && !r.external)
            .map(|r| r.target.clone())
            .unwrap_or_else(|| "word/document.xml".to_string())
    }
}

/// A relationship of a part.
#[derive(Debug, Clone)]
pub struct Rel {
    /// The last segment of the relationship type: `hyperlink`, `image`, `footnotes`, ...
    pub kind: String,
    /// An absolute part name inside the package, or an external URL.
    pub target: String,
    pub external: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Rels {
    pub by_id: HashMap<String, Rel>,
}

impl Rels {
    pub fn get(&self, id: &str) -> Option<&Rel> {
        self.by_id.get(id)
    }

    /// The target of the first relationship of this kind.
    pub fn first_of(&self, kind: &str) -> Option<String> {
        let mut found: Vec<&Rel> = self.by_id.values().filter(|r| r.kind == kind).collect();
        found.sort_by(|a, b| a.target.cmp(&b.target));
        found.first().map(|r| r.target.clone())
    }

    pub fn all_of(&self, kind: &str) -> Vec<String> {
        let mut found: Vec<String> = self
            .by_id
            .values()
            .filter(|r| r.kind == kind && !r.external)
            .map(|r| r.target.clone())
            .collect();
        found.sort();
        found
    }
}

/// `target` relative to the directory `dir` (both inside the package), `..` resolved.
pub fn resolve_path(dir: &str, target: &str) -> String {
    let joined = if let Some(abs) = target.strip_prefix('/') {
        abs.to_string()
    } else {
        format!("{dir}{target}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for segment in joined.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// Title, author and friends from docProps/core.xml and docProps/app.xml. Missing or malformed
/// parts give no metadata, never an error.
pub fn read_properties(pkg: &mut Package<'_>) -> Metadata {
    let mut metadata = Metadata::new();
    if let Ok(Some(core)) = pkg.read_xml("docProps/core.xml") {
        for (element, key) in [
            ("title", "title"),
            ("creator", "author"),
            ("subject", "subject"),
            ("keywords", "keywords"),
            ("description", "description"),
            ("lastModifiedBy", "last_modified_by"),
            ("created", "created"),
            ("modified", "modified"),
        ] {
            if let Some(value) = core.child(element).map(|e| e.text().trim().to_string())
                && !value.is_empty()
            {
                metadata.insert(key.into(), value);
            }
        }
    }
    if let Ok(Some(app)) = pkg.read_xml("docProps/app.xml") {
        for (element, key) in [
            ("Pages", "page_count"),
            ("Words", "words"),
            ("Application", "application"),
        ] {
            if let Some(value) = app.child(element).map(|e| e.text().trim().to_string())
                && !value.is_empty()
            {
                metadata.insert(key.into(), value);
            }
        }
    }
    metadata
}

/// A `damaged KIND: ...` error named precisely: which part of the package does not inflate.
pub fn name_the_damage(bytes: &[u8], kind: &str, error: ConvertError) -> ConvertError {
    match error {
        ConvertError::Corrupt(message) if message.starts_with(&format!("damaged {kind}")) => {
            match damaged_part(bytes) {
                Some(why) => ConvertError::Corrupt(format!("damaged {kind}: {why}")),
                None => ConvertError::Corrupt(message),
            }
        }
        other => other,
    }
}

/// The first part of the package that does not inflate cleanly, if any.
fn damaged_part(bytes: &[u8]) -> Option<String> {
    let mut archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(archive) => archive,
        Err(e) => return Some(e.to_string()),
    };
    for i in 0..archive.len() {
        let mut file = match archive.by_index(i) {
            Ok(file) => file,
            Err(e) => return Some(format!("part {i}: {e}")),
        };
        let name = file.name().to_string();
        if let Err(e) = std::io::copy(&mut (&mut file).take(64 << 20), &mut std::io::sink()) {
            return Some(format!("{name}: {e}"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_targets_resolve_inside_the_package() {
        assert_eq!(
            resolve_path("word/", "media/image1.png"),
            "word/media/image1.png"
        );
        assert_eq!(
            resolve_path("word/", "../customXml/item1.xml"),
            "customXml/item1.xml"
        );
        assert_eq!(
            resolve_path("word/", "/word/footnotes.xml"),
            "word/footnotes.xml"
        );
        assert_eq!(resolve_path("", "word/document.xml"), "word/document.xml");
    }
}
