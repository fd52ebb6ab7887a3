//! What a file's bytes say it is: the container class from its first bytes, and, for the two
//! containers that hold many formats (zip and OLE2 compound files), a look at their directory.
//!
//! This module only reads; it never decides. The format registry (`formats/`) asks each format
//! whether a [`Probe`] is its content. A probe is made twice for a document: while planning, from
//! the file (the first 8 KiB the hash already read, plus the zip or OLE2 directory), and again in
//! the converter process, from the bytes it converts. Everything here is bounded: no recursion,
//! every loop limited by the file's size, no panic on any input.

use std::io::{Read, Seek, SeekFrom};

/// How much of a file's start the sniff looks at.
pub const HEAD_LEN: usize = 8 << 10;

/// The container class of a file, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Container {
    Pdf,
    Zip,
    /// OLE2 compound file: legacy .doc/.xls/.ppt, Outlook .msg, or an encrypted OOXML package.
    Ole2,
    Html,
    Xml,
    Rtf,
    Png,
    Jpeg,
    Gif,
    Tiff,
    Bmp,
    Webp,
    Gzip,
    /// Something else with NUL bytes that are not UTF-16 text.
    Binary,
    /// Anything that could be text.
    Text,
}

impl Container {
    /// What a person would call content of this class (`the content is ...`).
    pub fn describe(self) -> &'static str {
        match self {
            Container::Pdf => "a PDF document",
            Container::Zip => "a zip archive",
            Container::Ole2 => "an OLE2 compound file (legacy Office format)",
            Container::Html => "an HTML page",
            Container::Xml => "an XML file",
            Container::Rtf => "an RTF document",
            Container::Png => "a PNG image",
            Container::Jpeg => "a JPEG image",
            Container::Gif => "a GIF image",
            Container::Tiff => "a TIFF image",
            Container::Bmp => "a BMP image",
            Container::Webp => "a WebP image",
            Container::Gzip => "a gzip archive",
            Container::Binary => "binary data",
            Container::Text => "plain text",
        }
    }

    /// The name used in the README's format table.
    pub fn name(self) -> &'static str {
        match self {
            Container::Pdf => "PDF",
            Container::Zip => "zip",
            Container::Ole2 => "OLE2",
            Container::Html => "HTML",
            Container::Xml => "XML",
            Container::Rtf => "RTF",
            Container::Png => "PNG",
            Container::Jpeg => "JPEG",
            Container::Gif => "GIF",
            Container::Tiff => "TIFF",
            Container::Bmp => "BMP",
            Container::Webp => "WebP",
            Container::Gzip => "gzip",
            Container::Binary => "binary",
            Container::Text => "text",
        }
    }

    /// Whether text formats (TXT, CSV) may hold content of this class.
    pub fn is_textual(self) -> bool {
        matches!(
            self,
            Container::Text | Container::Html | Container::Xml | Container::Rtf
        )
    }
}

/// The container class of content starting with `head`.
pub fn sniff(head: &[u8]) -> Container {
    let head = &head[..head.len().min(1024)];
    // The PDF header may follow some junk; readers accept it within the first kilobyte.
    if find(head, b"%PDF-").is_some() {
        return Container::Pdf;
    }
    let signatures: [(&[u8], Container); 10] = [
        (b"PK\x03\x04", Container::Zip),
        (b"PK\x05\x06", Container::Zip),
        (&OLE2_MAGIC, Container::Ole2),
        (b"\x89PNG", Container::Png),
        (&[0xFF, 0xD8, 0xFF], Container::Jpeg),
        (b"GIF8", Container::Gif),
        (b"II*\0", Container::Tiff),
        (b"MM\0*", Container::Tiff),
        (&[0x1F, 0x8B], Container::Gzip),
        (b"{\\rtf", Container::Rtf),
    ];
    if let Some((_, class)) = signatures.iter().find(|(magic, _)| head.starts_with(magic)) {
        return *class;
    }
    if head.starts_with(b"BM") && head.len() >= 14 && head[6..10] == [0, 0, 0, 0] {
        return Container::Bmp;
    }
    if head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WEBP") {
        return Container::Webp;
    }
    // A page that starts like HTML is HTML, whatever bytes its legacy encoding puts later.
    let text = String::from_utf8_lossy(&head[..head.len().min(512)]).to_ascii_lowercase();
    let start = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if start.starts_with("<!doctype html") || start.starts_with("<html") {
        return Container::Html;
    }
    let utf16 = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    if !utf16 && head.contains(&0) && !looks_like_bomless_utf16(head) {
        return Container::Binary;
    }
    if start.starts_with("<?xml") {
        return if text.contains("<html") {
            Container::Html
        } else {
            Container::Xml
        };
    }
    Container::Text
}

pub(crate) const OLE2_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

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

/// The first position of `needle` in `haystack`.
pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || needle.len() > haystack.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// What the sniff found: the class, the first bytes, and the directory of a zip or OLE2 file.
#[derive(Debug, Clone)]
pub struct Probe {
    pub container: Container,
    pub head: Vec<u8>,
    /// A zip's directory; `Err` when the zip cannot be read (its cause).
    pub zip: Option<Result<ZipDirectory, String>>,
    /// An OLE2 file's directory; `Err` when it cannot be read.
    pub ole: Option<Result<OleDirectory, String>>,
}

impl Probe {
    /// Probes a file whose first bytes are `head` (the directory of a zip or OLE2 file is read
    /// from the file itself).
    pub fn of_file(path: &std::path::Path, head: Vec<u8>) -> std::io::Result<Probe> {
        let container = sniff(&head);
        let mut probe = Probe {
            container,
            head,
            zip: None,
            ole: None,
        };
        match container {
            Container::Zip => {
                let file = std::io::BufReader::new(std::fs::File::open(path)?);
                probe.zip = Some(ZipDirectory::read(file));
            }
            Container::Ole2 => {
                let mut file = std::fs::File::open(path)?;
                probe.ole = Some(OleDirectory::read(&mut file));
            }
            _ => {}
        }
        Ok(probe)
    }

    /// Probes bytes held in memory.
    pub fn of_bytes(bytes: &[u8]) -> Probe {
        let head = bytes[..bytes.len().min(HEAD_LEN)].to_vec();
        let container = sniff(&head);
        let mut probe = Probe {
            container,
            head,
            zip: None,
            ole: None,
        };
        match container {
            Container::Zip => probe.zip = Some(ZipDirectory::read(std::io::Cursor::new(bytes))),
            Container::Ole2 => {
                probe.ole = Some(OleDirectory::read(&mut std::io::Cursor::new(bytes)));
            }
            _ => {}
        }
        probe
    }

    /// The zip directory, when the content is a readable zip.
    pub fn zip(&self) -> Option<&ZipDirectory> {
        self.zip.as_ref()?.as_ref().ok()
    }

    /// The OLE2 directory, when the content is a readable compound file.
    pub fn ole(&self) -> Option<&OleDirectory> {
        self.ole.as_ref()?.as_ref().ok()
    }

    /// Why the container's directory could not be read, if it could not.
    pub fn damage(&self) -> Option<String> {
        match (&self.zip, &self.ole) {
            (Some(Err(e)), _) => Some(format!("damaged zip container: {e}")),
            (_, Some(Err(e))) => Some(format!("damaged OLE2 compound file: {e}")),
            _ => None,
        }
    }
}

/// A zip's entry names and the few small parts that tell what the package is.
#[derive(Debug, Clone, Default)]
pub struct ZipDirectory {
    pub names: Vec<String>,
    /// The `mimetype` entry of ODF and EPUB packages.
    pub mimetype: Option<String>,
    /// The target of the `officeDocument` relationship in `_rels/.rels` (OOXML).
    pub main_part: Option<String>,
    /// The content type `[Content_Types].xml` gives the main part.
    pub main_content_type: Option<String>,
    /// The sizes every entry says it inflates to, summed, and the archive's own size.
    pub inflated: u64,
    pub packed: u64,
}

/// Parts read to identify a package are small; larger ones are not read here.
const SMALL_PART: u64 = 1 << 20;

impl ZipDirectory {
    fn read<R: Read + Seek>(mut reader: R) -> Result<ZipDirectory, String> {
        let packed = reader.seek(SeekFrom::End(0)).map_err(|e| e.to_string())?;
        reader.seek(SeekFrom::Start(0)).map_err(|e| e.to_string())?;
        let mut archive = zip::ZipArchive::new(reader).map_err(|e| e.to_string())?;
        let mut dir = ZipDirectory {
            names: archive.file_names().map(str::to_string).collect(),
            packed,
            ..ZipDirectory::default()
        };
        dir.names.sort();
        for i in 0..archive.len() {
            if let Ok(file) = archive.by_index_raw(i) {
                dir.inflated = dir.inflated.saturating_add(file.size());
            }
        }
        let mut small = |name: &str| -> Option<String> {
            let file = archive.by_name(name).ok()?;
            let mut text = String::new();
            file.take(SMALL_PART).read_to_string(&mut text).ok()?;
            Some(text)
        };
        dir.mimetype = small("mimetype").map(|m| m.trim().to_string());
        if let Some(rels) = small("_rels/.rels") {
            dir.main_part = office_document_target(&rels);
        }
        if let (Some(main), Some(types)) = (&dir.main_part, small("[Content_Types].xml")) {
            dir.main_content_type = override_content_type(&types, main);
        }
        Ok(dir)
    }

    /// Whether the archive has this entry (names compared without case, as OPC does).
    pub fn has(&self, name: &str) -> bool {
        self.names
            .binary_search_by(|n| n.as_str().cmp(name))
            .is_ok()
            || self.names.iter().any(|n| n.eq_ignore_ascii_case(name))
    }

    /// Whether some entry starts with `prefix`.
    pub fn has_prefix(&self, prefix: &str) -> bool {
        self.names.iter().any(|n| n.starts_with(prefix))
    }

    /// Whether the main part's content type passes `test`; by its name when the content types
    /// say nothing.
    pub fn main_is(&self, test: impl Fn(&str) -> bool, default_part: &str) -> bool {
        match (&self.main_content_type, &self.main_part) {
            (Some(ct), _) => test(ct),
            (None, Some(part)) => part.eq_ignore_ascii_case(default_part),
            (None, None) => self.has(default_part),
        }
    }
}

/// An attribute of a start tag found by text search: enough for the tiny parts read here.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let pattern = format!("{name}=");
    let mut from = 0;
    while let Some(at) = tag[from..].find(&pattern) {
        let start = from + at;
        from = start + pattern.len();
        // A whole attribute name: preceded by whitespace.
        if start > 0 && !tag.as_bytes()[start - 1].is_ascii_whitespace() {
            continue;
        }
        let quote = tag[from..].chars().next()?;
        if quote != '"' && quote != '\'' {
            return None;
        }
        let value_start = from + 1;
        let end = tag[value_start..].find(quote)? + value_start;
        return Some(&tag[value_start..end]);
    }
    None
}

/// The `officeDocument` relationship's target in a package's `_rels/.rels`.
fn office_document_target(rels: &str) -> Option<String> {
    for tag in rels
        .split("<")
        .filter(|t| t.starts_with("Relationship ") || t.contains(":Relationship "))
    {
        if attribute(tag, "Type").is_some_and(|t| t.ends_with("/officeDocument")) {
            return attribute(tag, "Target").map(|t| t.trim_start_matches('/').to_string());
        }
    }
    None
}

/// The content type `[Content_Types].xml` declares for `part` (an override, else the default
/// for its extension).
fn override_content_type(types: &str, part: &str) -> Option<String> {
    let wanted = format!("/{}", part.trim_start_matches('/'));
    let mut default = None;
    let extension = part.rsplit('.').next().unwrap_or("");
    for tag in types.split('<') {
        if tag.starts_with("Override ") {
            if attribute(tag, "PartName").is_some_and(|p| p.eq_ignore_ascii_case(&wanted)) {
                return attribute(tag, "ContentType").map(str::to_string);
            }
        } else if tag.starts_with("Default ")
            && attribute(tag, "Extension").is_some_and(|e| e.eq_ignore_ascii_case(extension))
        {
            default = attribute(tag, "ContentType").map(str::to_string);
        }
    }
    default.filter(|ct| !ct.starts_with("application/xml"))
}

/// The names of an OLE2 compound file's directory entries.
#[derive(Debug, Clone, Default)]
pub struct OleDirectory {
    pub names: Vec<String>,
}

impl OleDirectory {
    /// Whether an entry has this name (case-insensitive, as CFB compares names).
    pub fn has(&self, name: &str) -> bool {
        self.names.iter().any(|n| n.eq_ignore_ascii_case(name))
    }

    /// Whether an entry's name starts with `prefix`.
    pub fn has_prefix(&self, prefix: &str) -> bool {
        self.names.iter().any(|n| n.starts_with(prefix))
    }

    /// Reads the directory: the header, the FAT sectors it lists (the first 109 and the DIFAT
    /// chain), then the directory sector chain. Chains are followed at most as many steps as the
    /// file has sectors, so a cycle ends the walk instead of looping.
    fn read<R: Read + Seek>(reader: &mut R) -> Result<OleDirectory, String> {
        let len = reader.seek(SeekFrom::End(0)).map_err(|e| e.to_string())?;
        let mut header = [0u8; 512];
        reader.seek(SeekFrom::Start(0)).map_err(|e| e.to_string())?;
        reader
            .read_exact(&mut header)
            .map_err(|_| "the header is truncated".to_string())?;
        let u16_at = |b: &[u8], i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
        let u32_at = |b: &[u8], i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let shift = u16_at(&header, 0x1E);
        if shift != 9 && shift != 12 {
            return Err(format!("sector size 2^{shift} is not 512 or 4096"));
        }
        let sector_size = 1u64 << shift;
        let sectors = len.saturating_sub(sector_size) / sector_size + 1;
        let read_sector = |reader: &mut R, id: u32| -> Result<Vec<u8>, String> {
            if u64::from(id) >= sectors {
                return Err(format!("sector {id} lies beyond the end of the file"));
            }
            let mut buf = vec![0u8; sector_size as usize];
            reader
                .seek(SeekFrom::Start((u64::from(id) + 1) * sector_size))
                .map_err(|e| e.to_string())?;
            let mut filled = 0;
            while filled < buf.len() {
                match reader.read(&mut buf[filled..]) {
                    Ok(0) => break, // a short last sector reads as zeros
                    Ok(n) => filled += n,
                    Err(e) => return Err(e.to_string()),
                }
            }
            Ok(buf)
        };
        const END: u32 = 0xFFFF_FFFE;
        const FREE: u32 = 0xFFFF_FFFF;
        // FAT sector ids: 109 in the header, then the DIFAT chain.
        let mut fat_ids: Vec<u32> = (0..109)
            .map(|i| u32_at(&header, 0x4C + i * 4))
            .filter(|&id| id != FREE && id != END)
            .collect();
        let mut difat = u32_at(&header, 0x44);
        let mut steps = 0u64;
        while difat != END && difat != FREE && steps < sectors {
            let sector = read_sector(reader, difat)?;
            let per = sector.len() / 4 - 1;
            fat_ids.extend(
                (0..per)
                    .map(|i| u32_at(&sector, i * 4))
                    .filter(|&id| id != FREE && id != END),
            );
            difat = u32_at(&sector, per * 4);
            steps += 1;
        }
        fat_ids.truncate(sectors as usize);
        // Only the FAT entries of the directory chain are needed: read FAT sectors lazily.
        let per_fat = (sector_size / 4) as usize;
        let mut fat_cache: std::collections::HashMap<usize, Vec<u8>> = Default::default();
        let mut next = |reader: &mut R, id: u32| -> Result<u32, String> {
            let index = id as usize / per_fat;
            let Some(&fat_sector) = fat_ids.get(index) else {
                return Err(format!("sector {id} has no FAT entry"));
            };
            let sector = match fat_cache.entry(index) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(read_sector(reader, fat_sector)?)
                }
            };
            Ok(u32_at(sector, (id as usize % per_fat) * 4))
        };
        let mut names = Vec::new();
        let mut id = u32_at(&header, 0x30);
        let mut steps = 0u64;
        while id != END && id != FREE {
            if steps >= sectors {
                return Err("the directory's sector chain loops".into());
            }
            let sector = read_sector(reader, id)?;
            for entry in sector.chunks_exact(128) {
                let name_len = (u16_at(entry, 64) as usize).min(64);
                let kind = entry[66];
                if name_len < 2 || !(1..=5).contains(&kind) {
                    continue;
                }
                let units: Vec<u16> = entry[..name_len - 2]
                    .chunks_exact(2)
                    .map(|c| u16::from_le_bytes([c[0], c[1]]))
                    .collect();
                names.push(String::from_utf16_lossy(&units));
            }
            id = next(reader, id)?;
            steps += 1;
            if names.len() > 1_000_000 {
                break;
            }
        }
        Ok(OleDirectory { names })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_from_first_bytes() {
        assert_eq!(sniff(b"\n\n%PDF-1.4\n"), Container::Pdf);
        assert_eq!(sniff(b"<!DOCTYPE html><html>"), Container::Html);
        assert_eq!(sniff(b"{\\rtf1\\ansi"), Container::Rtf);
        assert_eq!(sniff(b"abc\0\x01\x02def"), Container::Binary);
        assert_eq!(sniff(b"plain words"), Container::Text);
        let utf16: Vec<u8> = "hello world"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(sniff(&utf16), Container::Text);
    }

    #[test]
    fn package_parts_are_found_by_text_search() {
        let rels = r#"<?xml version="1.0"?><Relationships xmlns="x"><Relationship Id="rId2" Type="http://x/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/ppt/presentation.xml"/></Relationships>"#;
        assert_eq!(
            office_document_target(rels).as_deref(),
            Some("ppt/presentation.xml")
        );
        let types = r#"<Types><Default Extension="xml" ContentType="application/xml"/><Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>"#;
        assert!(
            override_content_type(types, "ppt/presentation.xml")
                .unwrap()
                .contains("presentationml")
        );
        assert_eq!(override_content_type(types, "word/document.xml"), None);
    }

    #[test]
    fn a_looping_ole_directory_ends() {
        // A header whose directory starts at sector 0 and whose FAT (sector 1) says 0 -> 0.
        let mut file = vec![0u8; 512 * 3];
        file[..8].copy_from_slice(&OLE2_MAGIC);
        file[0x1E] = 9;
        file[0x30..0x34].copy_from_slice(&0u32.to_le_bytes());
        file[0x44..0x48].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
        file[0x4C..0x50].copy_from_slice(&1u32.to_le_bytes());
        for i in 1..109 {
            file[0x4C + i * 4..0x50 + i * 4].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        }
        // Sector 0 (file offset 512): one entry named "Workbook".
        let name: Vec<u8> = "Workbook"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        file[512..512 + name.len()].copy_from_slice(&name);
        file[512 + 64] = (name.len() + 2) as u8;
        file[512 + 66] = 2;
        // Sector 1 (offset 1024): the FAT, entry 0 points to itself.
        file[1024..1028].copy_from_slice(&0u32.to_le_bytes());
        let err = OleDirectory::read(&mut std::io::Cursor::new(&file)).unwrap_err();
        assert!(err.contains("loops"), "{err}");
        // Entry 0 ends the chain: the name is read.
        file[1024..1028].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
        let dir = OleDirectory::read(&mut std::io::Cursor::new(&file)).unwrap();
        assert!(dir.has("workbook"));
    }
}
