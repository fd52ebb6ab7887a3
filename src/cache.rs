//! The content-addressed Markdown cache (the specification's `cached_markdown_path`).
//!
//! A [`CacheKey`] is the BLAKE3 of the document's content hash, the converter's name and version,
//! and the fingerprint of the options that change the Markdown. The Markdown for a key is kept in
//! `CACHE_DIR/<first two hex digits>/<key>.md`, so a renamed, moved or duplicated document finds
//! its Markdown without converting, and a deleted output file is copied back from here. The
//! `cache_entries` table is the index: an entry exists there only after its file was written.

use std::io;
use std::path::{Path, PathBuf};

use crate::convert::ConvertOptions;
use crate::formats::FormatSpec;
use crate::hash::ContentHash;
use crate::write;

/// What a conversion's result depends on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey(String);

impl CacheKey {
    /// The key of a document of this format converted with these options.
    pub fn new(content: &ContentHash, format: &FormatSpec, options: &ConvertOptions) -> CacheKey {
        CacheKey::with_fingerprint(content, format, &format.fingerprint(options))
    }

    /// [`CacheKey::new`] with the options' fingerprint already made (it is the same for every
    /// document of a format in a run).
    pub fn with_fingerprint(
        content: &ContentHash,
        format: &FormatSpec,
        fingerprint: &str,
    ) -> CacheKey {
        let mut hasher = blake3::Hasher::new();
        for part in [
            "docproc-cache-v1",
            crate::markdown::WRITER_VERSION,
            &content.to_hex(),
            format.converter.name(),
            format.converter.version(),
            fingerprint,
        ] {
            hasher.update(part.as_bytes());
            hasher.update(&[0]);
        }
        CacheKey(hasher.finalize().to_hex().to_string())
    }

    /// The key of a document that needed OCR: this key and the run's OCR settings
    /// ([`crate::ocr::OcrSettings::stamp`]), so that changing them converts exactly those
    /// documents again.
    pub fn with_ocr(&self, stamp: &str) -> CacheKey {
        let mut hasher = blake3::Hasher::new();
        for part in ["docproc-cache-ocr-v1", self.as_str(), stamp] {
            hasher.update(part.as_bytes());
            hasher.update(&[0]);
        }
        CacheKey(hasher.finalize().to_hex().to_string())
    }

    pub fn from_stored(key: String) -> CacheKey {
        CacheKey(key)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The directory of cached Markdown files.
#[derive(Debug, Clone)]
pub struct MarkdownStore {
    dir: PathBuf,
    tmp_dir: PathBuf,
}

impl MarkdownStore {
    pub fn new(dir: &Path, tmp_dir: &Path) -> MarkdownStore {
        MarkdownStore {
            dir: dir.to_path_buf(),
            tmp_dir: tmp_dir.to_path_buf(),
        }
    }

    /// Where the Markdown for `key` lives (whether or not it exists yet).
    pub fn path(&self, key: &CacheKey) -> PathBuf {
        let key = key.as_str();
        self.dir.join(&key[..2]).join(format!("{key}.md"))
    }

    /// Stores Markdown atomically (a temporary file renamed into place); returns its path.
    /// The Markdown of a key is always the same, so an entry another process (a shard sharing
    /// this cache) has already written is success, and two writers racing both leave a whole
    /// file: no lock is needed.
    pub fn put(&self, key: &CacheKey, markdown: &[u8]) -> io::Result<PathBuf> {
        let path = self.path(key);
        if std::fs::metadata(&path).is_ok_and(|m| m.len() == markdown.len() as u64) {
            return Ok(path);
        }
        write::write_atomic(&path, markdown, &self.tmp_dir)?;
        Ok(path)
    }

    /// Where the attachments (images) of a key's Markdown are kept: `<key>.files/` beside it.
    pub fn attachments_dir(&self, key: &CacheKey) -> PathBuf {
        let key = key.as_str();
        self.dir.join(&key[..2]).join(format!("{key}.files"))
    }

    /// Stores a conversion's attachments (before its Markdown, which refers to them).
    pub fn put_attachments(
        &self,
        key: &CacheKey,
        files: &[crate::convert::Attachment],
    ) -> io::Result<()> {
        let dir = self.attachments_dir(key);
        for file in files {
            write::write_atomic(&dir.join(&file.name), &file.bytes, &self.tmp_dir)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats;

    #[test]
    fn key_depends_on_content_converter_and_options() {
        let a = ContentHash::of_bytes(b"a");
        let b = ContentHash::of_bytes(b"b");
        let txt = &formats::TXT;
        let pdf = &formats::PDF;
        let on = ConvertOptions::default();
        let off = ConvertOptions {
            page_markers: false,
            ..ConvertOptions::default()
        };
        let key = CacheKey::new(&a, txt, &on);
        assert_eq!(key, CacheKey::new(&a, txt, &on));
        assert_ne!(key, CacheKey::new(&b, txt, &on));
        assert_ne!(key, CacheKey::new(&a, pdf, &on));
        // Options count only for the formats they affect.
        assert_eq!(key, CacheKey::new(&a, txt, &off));
        assert_ne!(CacheKey::new(&a, pdf, &on), CacheKey::new(&a, pdf, &off));
    }
}
