//! Content hashes and the stat "fast path" that avoids reading unchanged files.
//!
//! Like git's index, docproc trusts a stored hash when the file's size, mtime, ctime and inode are
//! what they were when it was hashed. git's "racy" case is guarded the same way: if the file was
//! modified within [`RACY_WINDOW_NS`] before (or after) the moment its hash was taken, a later
//! same-size edit could keep the same timestamps, so such a hash is not trusted and the file is
//! read again next time. `--rehash` turns the fast path off entirely.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

/// A BLAKE3 hash of a file's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ContentHash(blake3::Hash);

impl ContentHash {
    pub fn of_bytes(bytes: &[u8]) -> ContentHash {
        ContentHash(blake3::hash(bytes))
    }

    /// Hashes a file by streaming it (constant memory, whatever its size).
    pub fn of_file(path: &Path) -> io::Result<ContentHash> {
        Ok(ContentHash::of_file_keeping(path, 0, |_| false)?.0)
    }

    /// Hashes a file by streaming it, and keeps what the content sniff needs, read in the same
    /// pass: the first `head` bytes, or the whole file when `keep_whole(first bytes)` says so
    /// (a zip or compound file, whose directory is at its end). Returns the hash, the bytes kept
    /// and whether they are the whole file.
    pub fn of_file_keeping(
        path: &Path,
        head: usize,
        keep_whole: impl Fn(&[u8]) -> bool,
    ) -> io::Result<(ContentHash, Vec<u8>, bool)> {
        let mut file = File::open(path)?;
        READ_BUFFER.with_borrow_mut(|buf| hash_keeping(&mut file, buf, head, keep_whole))
    }

    pub fn to_hex(&self) -> String {
        self.0.to_hex().to_string()
    }

    pub fn from_hex(hex: &str) -> Option<ContentHash> {
        blake3::Hash::from_hex(hex).ok().map(ContentHash)
    }
}

thread_local! {
    /// Each thread's read buffer for hashing: allocating (and zeroing) 256 KiB for every file
    /// cost more than hashing a small file does.
    static READ_BUFFER: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0u8; 256 * 1024]);
}

/// The streaming loop of [`ContentHash::of_file_keeping`], reading through `buf`.
fn hash_keeping(
    file: &mut File,
    buf: &mut [u8],
    head: usize,
    keep_whole: impl Fn(&[u8]) -> bool,
) -> io::Result<(ContentHash, Vec<u8>, bool)> {
    let mut hasher = blake3::Hasher::new();
    let mut kept = Vec::with_capacity(head);
    let mut whole: Option<bool> = None;
    loop {
        let n = match file.read(buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let chunk = &buf[..n];
        if whole.is_none() {
            let take = chunk.len().min(head.saturating_sub(kept.len()));
            kept.extend_from_slice(&chunk[..take]);
            if kept.len() >= head || take < chunk.len() {
                let keep = keep_whole(&kept);
                whole = Some(keep);
                if keep {
                    kept.extend_from_slice(&chunk[take..]);
                }
            }
        } else if whole == Some(true) {
            kept.extend_from_slice(chunk);
        }
        hasher.update(chunk);
    }
    let whole = whole.unwrap_or_else(|| keep_whole(&kept)) || kept.len() < head;
    Ok((ContentHash(hasher.finalize()), kept, whole))
}

impl std::fmt::Display for ContentHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// What `stat` says about a file; compared between runs to skip hashing unchanged files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FileStat {
    pub size: u64,
    pub mtime_ns: i64,
    pub ctime_ns: i64,
    pub inode: u64,
}

impl FileStat {
    pub fn from_metadata(meta: &std::fs::Metadata) -> FileStat {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            FileStat {
                size: meta.len(),
                mtime_ns: meta
                    .mtime()
                    .saturating_mul(1_000_000_000)
                    .saturating_add(meta.mtime_nsec()),
                ctime_ns: meta
                    .ctime()
                    .saturating_mul(1_000_000_000)
                    .saturating_add(meta.ctime_nsec()),
                inode: meta.ino(),
            }
        }
        #[cfg(not(unix))]
        {
            let mtime_ns = meta.modified().map(system_time_ns).unwrap_or(0);
            FileStat {
                size: meta.len(),
                mtime_ns,
                ctime_ns: 0,
                inode: 0,
            }
        }
    }
}

/// What [`stat_in_dir`] says about a file.
#[derive(Debug, Clone, Copy)]
pub struct Stated {
    pub stat: FileStat,
    pub is_file: bool,
}

/// `stat` of a file through a descriptor of its directory, kept for the next call from this
/// thread: the files of a directory come one after the other (the walk, a chunk's outputs), and
/// the kernel then resolves one name instead of every component of the path. `follow`: follow
/// a symbolic link at the end of the path.
// The `stat` fields' types differ between targets: the casts are not all no-ops everywhere.
#[allow(clippy::unnecessary_cast)]
pub fn stat_in_dir(path: &Path, follow: bool) -> io::Result<Stated> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{AtFlags, FileType, Mode, OFlags};
        use std::cell::RefCell;
        thread_local! {
            static LAST_DIR: RefCell<Option<(std::path::PathBuf, std::os::fd::OwnedFd)>> =
                const { RefCell::new(None) };
        }
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
            return std_stat(path, follow);
        };
        let flags = if follow {
            AtFlags::empty()
        } else {
            AtFlags::SYMLINK_NOFOLLOW
        };
        let stat = LAST_DIR.with(|last| -> io::Result<rustix::fs::Stat> {
            let mut last = last.borrow_mut();
            if last.as_ref().is_none_or(|(cached, _)| cached != dir) {
                let fd = rustix::fs::open(
                    dir,
                    OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
                    Mode::empty(),
                )?;
                *last = Some((dir.to_path_buf(), fd));
            }
            let (_, fd) = last.as_ref().expect("set above");
            Ok(rustix::fs::statat(fd, name, flags)?)
        })?;
        let nanos = |secs: i64, nsec: i64| secs.saturating_mul(1_000_000_000).saturating_add(nsec);
        Ok(Stated {
            stat: FileStat {
                size: stat.st_size as u64,
                mtime_ns: nanos(stat.st_mtime as i64, stat.st_mtime_nsec as i64),
                ctime_ns: nanos(stat.st_ctime as i64, stat.st_ctime_nsec as i64),
                inode: stat.st_ino as u64,
            },
            is_file: FileType::from_raw_mode(stat.st_mode as _) == FileType::RegularFile,
        })
    }
    #[cfg(not(target_os = "linux"))]
    {
        std_stat(path, follow)
    }
}

fn std_stat(path: &Path, follow: bool) -> io::Result<Stated> {
    let meta = if follow {
        std::fs::metadata(path)?
    } else {
        std::fs::symlink_metadata(path)?
    };
    Ok(Stated {
        stat: FileStat::from_metadata(&meta),
        is_file: meta.is_file(),
    })
}

/// Files modified this close to (or after) the moment they were hashed are hashed again next
/// time. Two seconds covers coarse file system clocks (FAT has 2 s resolution).
pub const RACY_WINDOW_NS: i64 = 2_000_000_000;

/// Whether a hash taken at `hashed_at_ns` for a file that looked like `recorded` still describes
/// a file that now looks like `now`.
pub fn stored_hash_is_valid(recorded: &FileStat, hashed_at_ns: i64, now: &FileStat) -> bool {
    recorded == now
        && now.mtime_ns.saturating_add(RACY_WINDOW_NS) < hashed_at_ns
        && now.ctime_ns.saturating_add(RACY_WINDOW_NS) < hashed_at_ns
}

/// Nanoseconds since the Unix epoch.
pub fn system_time_ns(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_nanos()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_nanos()).unwrap_or(i64::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1_000_000_000;

    fn stat(mtime: i64) -> FileStat {
        FileStat {
            size: 10,
            mtime_ns: mtime,
            ctime_ns: mtime,
            inode: 7,
        }
    }

    #[test]
    fn unchanged_old_file_is_trusted() {
        assert!(stored_hash_is_valid(
            &stat(100 * S),
            200 * S,
            &stat(100 * S)
        ));
    }

    #[test]
    fn any_stat_change_is_not_trusted() {
        let mut moved = stat(100 * S);
        moved.inode = 8;
        assert!(!stored_hash_is_valid(&stat(100 * S), 200 * S, &moved));
        assert!(!stored_hash_is_valid(
            &stat(100 * S),
            200 * S,
            &stat(101 * S)
        ));
    }

    #[test]
    fn racy_file_is_hashed_again() {
        // Modified one second before its hash was taken: a same-size edit in the same clock tick
        // would be invisible, so the stored hash is not trusted.
        assert!(!stored_hash_is_valid(
            &stat(100 * S),
            101 * S,
            &stat(100 * S)
        ));
        // Modified after the hash was taken.
        assert!(!stored_hash_is_valid(
            &stat(100 * S),
            99 * S,
            &stat(100 * S)
        ));
    }

    #[test]
    fn hex_round_trips() {
        let h = ContentHash::of_bytes(b"abc");
        assert_eq!(ContentHash::from_hex(&h.to_hex()), Some(h));
    }
}
