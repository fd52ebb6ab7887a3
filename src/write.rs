//! Output paths and atomic writes.
//!
//! The Markdown for `INPUT/a/b/report.pdf` is `OUTPUT/a/b/report.pdf.md`: keeping the source's
//! full name means `report.pdf` and `report.docx` in one folder can never overwrite each other.
//!
//! Every file docproc writes (outputs and cache entries) is first written to a temporary file in
//! the state's `tmp/` directory and then renamed into place, so a killed run never leaves half a
//! file where a reader would find it. Nothing is recorded in the database before it is on disk,
//! so a power cut cannot leave a recorded document with an empty file: on Linux a run flushes
//! the file systems it writes to once per database transaction ([`Barrier`], `syncfs`) instead
//! of once per file, which on a small-file batch is most of the cost; elsewhere each file is
//! flushed before its rename. The temporary directory is emptied at the start of every run
//! (under the run lock), which removes anything a killed run left behind. When the destination is
//! on another file system than the state directory, the temporary file is created beside the
//! destination instead (rename cannot cross file systems).

use std::collections::HashSet;
use std::ffi::OsString;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use tempfile::NamedTempFile;

/// Prefix of temporary files created beside a destination (the cross-file-system fallback).
pub const TMP_PREFIX: &str = ".docproc-tmp-";

/// The output file for a document at `rel` (relative to the output root).
pub fn output_path(output_root: &Path, rel: &Path) -> PathBuf {
    let mut name: OsString = output_root.join(rel).into_os_string();
    name.push(".md");
    PathBuf::from(name)
}

/// Set while a [`Barrier`] flushes what is written: files are then not flushed one by one.
static DEFERRED: AtomicBool = AtomicBool::new(false);

/// Flushes the file systems of a run's outputs, cache and database, once for many files: the
/// recorder calls it before each commit, so every file a committed row refers to is on disk.
pub struct Barrier {
    dirs: Vec<fs::File>,
}

impl Barrier {
    /// A barrier over the file systems holding `dirs`; on systems without `syncfs`, or when a
    /// directory cannot be opened, None (and files are flushed one by one).
    pub fn new(dirs: &[&Path]) -> Option<Barrier> {
        if !cfg!(target_os = "linux") {
            return None;
        }
        let dirs = dirs
            .iter()
            .map(fs::File::open)
            .collect::<io::Result<Vec<_>>>()
            .ok()?;
        DEFERRED.store(true, Ordering::SeqCst);
        Some(Barrier { dirs })
    }

    /// Flushes everything written so far to the barrier's file systems.
    pub fn sync(&self) -> io::Result<()> {
        for dir in &self.dirs {
            sync_file_system(dir)?;
        }
        Ok(())
    }
}

impl Drop for Barrier {
    fn drop(&mut self) {
        let _ = self.sync();
        DEFERRED.store(false, Ordering::SeqCst);
    }
}

#[cfg(target_os = "linux")]
fn sync_file_system(dir: &fs::File) -> io::Result<()> {
    rustix::fs::syncfs(dir).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn sync_file_system(dir: &fs::File) -> io::Result<()> {
    dir.sync_all()
}

/// Writes `bytes` to `dest` atomically, creating parent directories as needed.
pub fn write_atomic(dest: &Path, bytes: &[u8], tmp_dir: &Path) -> io::Result<()> {
    replace_atomic(dest, tmp_dir, |file| file.write_all(bytes))
}

/// Copies `src` to `dest` atomically.
pub fn copy_atomic(src: &Path, dest: &Path, tmp_dir: &Path) -> io::Result<()> {
    replace_atomic(dest, tmp_dir, |file| {
        let mut from = fs::File::open(src)?;
        io::copy(&mut from, file).map(|_| ())
    })
}

fn replace_atomic(
    dest: &Path,
    tmp_dir: &Path,
    fill: impl Fn(&mut fs::File) -> io::Result<()>,
) -> io::Result<()> {
    let parent = dest.parent().unwrap_or(Path::new("."));
    let mut tmp = tmp_builder().tempfile_in(tmp_dir)?;
    fill(tmp.as_file_mut())?;
    if !DEFERRED.load(Ordering::SeqCst) {
        tmp.as_file().sync_data()?;
    }
    // The directory usually exists (the output's was checked, a cache shard is made once):
    // create it only when the rename says it is missing, which saves a mkdir per file. Another
    // thread (or a shard sharing the cache) may be creating it at the same moment: whoever
    // creates it, the rename is tried again.
    let tmp = match tmp.persist(dest) {
        Err(e) if e.error.kind() == io::ErrorKind::NotFound => {
            fs::create_dir_all(parent)?;
            e.file
        }
        other => return finish(other, dest, parent, &fill),
    };
    finish(tmp.persist(dest), dest, parent, &fill)
}

/// The end of [`replace_atomic`]: a rename across file systems writes again beside `dest`.
fn finish(
    persisted: Result<fs::File, tempfile::PersistError>,
    dest: &Path,
    parent: &Path,
    fill: &impl Fn(&mut fs::File) -> io::Result<()>,
) -> io::Result<()> {
    match persisted {
        Ok(_) => Ok(()),
        Err(e) if e.error.kind() == io::ErrorKind::CrossesDevices => {
            drop(e.file);
            let mut beside: NamedTempFile = tmp_builder().tempfile_in(parent)?;
            fill(beside.as_file_mut())?;
            beside.persist(dest).map(|_| ()).map_err(|e| e.error)
        }
        Err(e) => Err(e.error),
    }
}

/// The directory of a document's attachments: `report.docx.md` → `report.docx_files`.
pub fn attachments_dir(output: &Path) -> PathBuf {
    let name = output.file_name().unwrap_or_default().to_string_lossy();
    let stem = name.strip_suffix(".md").unwrap_or(&name);
    output.with_file_name(format!("{stem}_files"))
}

/// Writes a document's Markdown from its cached form: the attachments placeholder becomes the
/// relative attachments directory (percent-encoded where a link needs it) and the attachment
/// files are copied from `cached_files`. Returns the number of bytes of Markdown written.
pub fn place_markdown(
    output: &Path,
    template: &[u8],
    cached_files: &Path,
    tmp_dir: &Path,
) -> io::Result<u64> {
    let placeholder = crate::convert::ATTACHMENTS_DIR.as_bytes();
    if crate::sniff::find(template, placeholder).is_none() {
        write_atomic(output, template, tmp_dir)?;
        return Ok(template.len() as u64);
    }
    let dir = attachments_dir(output);
    if let Ok(entries) = fs::read_dir(cached_files) {
        for entry in entries.flatten() {
            copy_atomic(&entry.path(), &dir.join(entry.file_name()), tmp_dir)?;
        }
    }
    let name = dir.file_name().unwrap_or_default().to_string_lossy();
    let mut encoded = String::new();
    for c in name.chars() {
        match c {
            ' ' => encoded.push_str("%20"),
            '(' => encoded.push_str("%28"),
            ')' => encoded.push_str("%29"),
            '<' => encoded.push_str("%3C"),
            '>' => encoded.push_str("%3E"),
            '%' => encoded.push_str("%25"),
            c => encoded.push(c),
        }
    }
    let mut out = Vec::with_capacity(template.len());
    let mut rest = template;
    while let Some(at) = crate::sniff::find(rest, placeholder) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(encoded.as_bytes());
        rest = &rest[at + placeholder.len()..];
    }
    out.extend_from_slice(rest);
    write_atomic(output, &out, tmp_dir)?;
    Ok(out.len() as u64)
}

/// Refuses to write `dest` unless its directory, with symbolic links resolved, is inside `root`:
/// a symbolic link planted in the output tree (`out/docs -> /etc`) must not send Markdown
/// elsewhere. Creates the directory.
pub fn ensure_inside(root: &Path, dest: &Path) -> io::Result<()> {
    let parent = dest.parent().unwrap_or(root);
    // Directories already checked in this process (a run writes many files to each): the check
    // costs a mkdir and a readlink per path component.
    static CHECKED: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);
    let known = |dir: &Path| {
        CHECKED
            .lock()
            .map(|set| set.as_ref().is_some_and(|s| s.contains(dir)))
            .unwrap_or(false)
    };
    if known(parent) {
        return Ok(());
    }
    fs::create_dir_all(parent)?;
    let real = parent.canonicalize()?;
    if real.starts_with(root) {
        if let Ok(mut set) = CHECKED.lock() {
            set.get_or_insert_with(HashSet::new)
                .insert(parent.to_path_buf());
        }
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "its output directory leads outside the output tree (to {}) through a symbolic link; not written",
                real.display()
            ),
        ))
    }
}

/// Temporary files become the outputs: give them the usual permissions of a new file (tempfile's
/// default, 0600, would hide the Markdown from other users).
fn tmp_builder() -> tempfile::Builder<'static, 'static> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(TMP_PREFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o644));
    }
    builder
}

/// Removes everything in the temporary directory (left there by a killed run).
pub fn clean_tmp_dir(tmp_dir: &Path) -> io::Result<usize> {
    let mut removed = 0;
    for entry in fs::read_dir(tmp_dir)? {
        let path = entry?.path();
        let result = if path.is_dir() {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        };
        match result {
            Ok(()) => removed += 1,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_keeps_the_full_source_name() {
        let out = output_path(Path::new("/out"), Path::new("a/report.pdf"));
        assert_eq!(out, PathBuf::from("/out/a/report.pdf.md"));
        assert_ne!(
            out,
            output_path(Path::new("/out"), Path::new("a/report.docx"))
        );
    }

    #[test]
    fn outputs_cannot_escape_through_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("out");
        let elsewhere = dir.path().join("elsewhere");
        fs::create_dir_all(&root).unwrap();
        fs::create_dir_all(&elsewhere).unwrap();
        std::os::unix::fs::symlink(&elsewhere, root.join("link")).unwrap();
        let root = root.canonicalize().unwrap();
        assert!(ensure_inside(&root, &root.join("a/b.md")).is_ok());
        let err = ensure_inside(&root, &root.join("link/x.md")).unwrap_err();
        assert!(err.to_string().contains("outside the output tree"), "{err}");
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let tmp = dir.path().join("tmp");
        fs::create_dir(&tmp).unwrap();
        let dest = dir.path().join("sub/x.md");
        write_atomic(&dest, b"one", &tmp).unwrap();
        write_atomic(&dest, b"two", &tmp).unwrap();
        assert_eq!(fs::read_to_string(&dest).unwrap(), "two");
        assert_eq!(fs::read_dir(&tmp).unwrap().count(), 0);
    }
}
