//! Walks the PATH arguments and produces the sorted list of documents to consider.
//!
//! Discovery only looks at names and `stat` results; no file is opened here. Files are candidates
//! by extension (`formats::by_extension`); everything else is counted as ignored. What the
//! content really is is decided later, when the file is read (`formats::identify`).
//! Hidden entries are skipped unless `--hidden`, symbolic links are not followed unless
//! `--follow-symlinks`, `--exclude` prunes whole directories, and the output directory and
//! docproc's own state are never walked even when they sit inside an input directory. Directories
//! that cannot be read are reported, never fatal.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use globset::GlobSet;
use walkdir::{DirEntry, WalkDir};

use crate::config::{Config, Root};
use crate::formats::{self, FormatSpec};
use crate::hash::FileStat;

/// One document to consider.
#[derive(Debug, Clone)]
pub struct Job {
    /// Absolute path of the source.
    pub path: PathBuf,
    /// The path as the user would write it (their PATH argument joined with the relative path).
    pub display: PathBuf,
    /// Path of the output relative to the output directory, before `.md` is appended.
    pub rel: PathBuf,
    /// The format the file's extension claims.
    pub claimed: &'static FormatSpec,
    pub stat: FileStat,
}

/// Something the walk could not read.
#[derive(Debug, Clone)]
pub struct WalkProblem {
    pub path: PathBuf,
    pub message: String,
    /// Whether documents may have been missed (an unreadable directory) rather than a harmless
    /// oddity (a symbolic link loop): the former makes the exit code 1.
    pub missed_documents: bool,
}

/// What the walk found besides the documents (which go to the caller as they are found).
#[derive(Debug, Default)]
pub struct Discovery {
    /// Files of types docproc does not convert (and symbolic links not followed).
    pub ignored: u64,
    /// Documents left to the other shards of a `--shard` plan (never opened or stat-ed).
    pub other_shards: u64,
    pub problems: Vec<WalkProblem>,
}

/// Walks every root in order and hands each document to `sink` as it is found, until the sink
/// returns false. The order is stable and is the byte order of the paths within each root (roots
/// as given), which is how SQLite sorts them: progress, reports and outputs are deterministic,
/// and what the database knows is read alongside as a merge join ([`crate::store::KnownLookup`]).
/// A `--files-from` list is followed in its own order.
pub fn discover(config: &Config, sink: &mut dyn FnMut(Job) -> bool) -> Discovery {
    let mut walk = Walk {
        found: Discovery::default(),
        sink,
        stopped: false,
        seen: (config.file_list.is_some() || roots_overlap(&config.roots)).then(HashSet::new),
    };
    let never_walk: Vec<PathBuf> = vec![
        config.state.output.clone(),
        config.state.state_dir().to_path_buf(),
        config.state.cache_dir.clone(),
    ];
    if let Some(list) = &config.file_list {
        for listed in list {
            if walk.stopped {
                break;
            }
            add_listed(config, listed, &mut walk);
        }
        return walk.found;
    }
    for root in &config.roots {
        if walk.stopped {
            break;
        }
        if root.is_dir {
            walk_dir(config, root, &never_walk, &mut walk);
        } else {
            match std::fs::metadata(&root.path) {
                Ok(meta) => {
                    let stat = FileStat::from_metadata(&meta);
                    add_file(config, root, &root.path, Path::new(""), stat, &mut walk)
                }
                Err(e) => walk.found.problems.push(WalkProblem {
                    path: root.display.clone(),
                    message: e.to_string(),
                    missed_documents: true,
                }),
            }
        }
    }
    walk.found
}

/// A walk in progress.
struct Walk<'s> {
    found: Discovery,
    sink: &'s mut dyn FnMut(Job) -> bool,
    /// The sink wants no more.
    stopped: bool,
    /// Paths already found, when one file can be reached twice (roots inside roots, a list);
    /// otherwise None, and the walk holds nothing per file.
    seen: Option<HashSet<PathBuf>>,
}

/// Whether a root lies inside another (the same file could then be found twice).
fn roots_overlap(roots: &[Root]) -> bool {
    roots.iter().enumerate().any(|(i, a)| {
        roots
            .iter()
            .enumerate()
            .any(|(j, b)| i != j && a.is_dir && b.path.starts_with(&a.path))
    })
}

/// Directories before files of the same name, as if their names ended in `/`: a depth-first
/// walk in this order lists full paths in byte order.
fn path_order(a: &DirEntry, b: &DirEntry) -> std::cmp::Ordering {
    let slash = |e: &DirEntry| -> &'static [u8] { if e.file_type().is_dir() { b"/" } else { b"" } };
    let a_name = a.file_name().as_encoded_bytes();
    let b_name = b.file_name().as_encoded_bytes();
    a_name
        .iter()
        .chain(slash(a))
        .cmp(b_name.iter().chain(slash(b)))
}

fn walk_dir(config: &Config, root: &Root, never_walk: &[PathBuf], walk: &mut Walk<'_>) {
    let filters = &config.filters;
    let walker = WalkDir::new(&root.path)
        .follow_links(filters.follow_symlinks)
        .sort_by(path_order)
        .into_iter()
        .filter_entry(|entry| {
            if entry.depth() == 0 {
                return true;
            }
            if !filters.hidden && is_hidden(entry) {
                return false;
            }
            if entry.file_type().is_dir() && never_walk.iter().any(|p| p == entry.path()) {
                return false;
            }
            let rel = entry
                .path()
                .strip_prefix(&root.path)
                .unwrap_or(entry.path());
            !matches(filters.exclude.as_ref(), rel)
        });
    for entry in walker {
        if walk.stopped {
            return;
        }
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| display_of(root, p))
                    .unwrap_or_else(|| root.display.clone());
                let is_loop = e.loop_ancestor().is_some();
                let message = if is_loop {
                    "symbolic link loop, not followed".to_string()
                } else {
                    e.io_error()
                        .map_or_else(|| e.to_string(), |io| io.to_string())
                };
                walk.found.problems.push(WalkProblem {
                    path,
                    message,
                    missed_documents: !is_loop,
                });
                continue;
            }
        };
        let file_type = entry.file_type();
        if file_type.is_dir() {
            continue;
        }
        if file_type.is_symlink() {
            // Only reached when links are not followed (walkdir resolves them otherwise).
            walk.found.ignored += 1;
            continue;
        }
        if !file_type.is_file() {
            continue; // sockets, fifos, devices: never documents
        }
        let rel = entry
            .path()
            .strip_prefix(&root.path)
            .unwrap_or(entry.path())
            .to_path_buf();
        // Another shard's document is not even stat-ed.
        if !in_shard(config, root, &rel) {
            if is_candidate(config, entry.path()) {
                walk.found.other_shards += 1;
            } else {
                walk.found.ignored += 1;
            }
            continue;
        }
        match crate::hash::stat_in_dir(entry.path(), filters.follow_symlinks) {
            Ok(stated) => {
                let path = entry.into_path();
                add_file(config, root, &path, &rel, stated.stat, walk);
            }
            Err(e) => walk.found.problems.push(WalkProblem {
                path: display_of(root, entry.path()),
                message: e.to_string(),
                missed_documents: true,
            }),
        }
    }
}

/// Whether a file at `rel_in_root` under `root` belongs to this run's shard.
fn in_shard(config: &Config, root: &Root, rel_in_root: &Path) -> bool {
    config
        .shard
        .is_none_or(|shard| shard.contains(&out_rel(root, rel_in_root)))
}

/// Whether the file's name makes it a document this run converts.
fn is_candidate(config: &Config, path: &Path) -> bool {
    path.extension()
        .and_then(formats::by_extension)
        .is_some_and(|f| config.converts(f))
}

/// Where a file at `rel_in_root` under `root` goes in the output tree (before `.md`).
fn out_rel(root: &Root, rel_in_root: &Path) -> PathBuf {
    if rel_in_root.as_os_str().is_empty() {
        root.out_prefix.clone()
    } else {
        root.out_prefix.join(rel_in_root)
    }
}

/// One path of `--files-from`: relative to a PATH (the first under which it exists) or absolute
/// inside one. A listed file that is missing or outside every PATH is reported (exit 1); its
/// name and the filters decide the rest as for a walked file, hidden names included (it was
/// asked for by name).
fn add_listed(config: &Config, listed: &Path, walk: &mut Walk<'_>) {
    let problem = |walk: &mut Walk<'_>, message: String| {
        walk.found.problems.push(WalkProblem {
            path: listed.to_path_buf(),
            message,
            missed_documents: true,
        });
    };
    let located = if listed.is_absolute() {
        let lexical = lexically_normal(listed).unwrap_or_default();
        let inside = |path: &Path| {
            config.roots.iter().find_map(|root| {
                let rel = path.strip_prefix(&root.path).ok()?;
                (root.is_dir || rel.as_os_str().is_empty()).then(|| (root, rel.to_path_buf()))
            })
        };
        inside(&lexical).or_else(|| {
            let canonical = listed.canonicalize().ok()?;
            inside(&canonical)
        })
    } else {
        config
            .roots
            .iter()
            .filter(|root| root.is_dir)
            .filter_map(|root| Some((root, lexically_normal(listed)?)))
            .find(|(root, rel)| std::fs::symlink_metadata(root.path.join(rel)).is_ok())
            .or_else(|| {
                // A single file given as PATH and listed by its name.
                config.roots.iter().find_map(|root| {
                    (!root.is_dir && root.path.file_name() == Some(listed.as_os_str()))
                        .then(|| (root, PathBuf::new()))
                })
            })
    };
    let Some((root, rel)) = located else {
        let message = if listed.is_absolute() {
            "listed, but not inside any PATH given to convert"
        } else {
            "listed, but not found under any PATH given to convert"
        };
        problem(walk, message.to_string());
        return;
    };
    if !in_shard(config, root, &rel) {
        if is_candidate(config, listed) {
            walk.found.other_shards += 1;
        } else {
            walk.found.ignored += 1;
        }
        return;
    }
    let path = root.path.join(&rel);
    let meta = match std::fs::metadata(&path) {
        Ok(meta) if meta.is_file() => meta,
        Ok(_) => {
            problem(walk, "listed, but not a regular file".to_string());
            return;
        }
        Err(e) => {
            problem(walk, format!("listed, but cannot be read: {e}"));
            return;
        }
    };
    add_file(
        config,
        root,
        &path,
        &rel,
        FileStat::from_metadata(&meta),
        walk,
    );
}

fn add_file(
    config: &Config,
    root: &Root,
    path: &Path,
    rel_in_root: &Path,
    stat: FileStat,
    walk: &mut Walk<'_>,
) {
    let name_for_globs = if rel_in_root.as_os_str().is_empty() {
        Path::new(path.file_name().unwrap_or_default())
    } else {
        rel_in_root
    };
    if let Some(include) = &config.filters.include
        && !include.is_match(name_for_globs)
    {
        return;
    }
    if matches(config.filters.exclude.as_ref(), name_for_globs) {
        return;
    }
    let Some(claimed) = path
        .extension()
        .and_then(formats::by_extension)
        .filter(|f| config.converts(f))
    else {
        walk.found.ignored += 1;
        return;
    };
    if let Some(seen) = &mut walk.seen
        && !seen.insert(path.to_path_buf())
    {
        return; // reached through two overlapping roots, or listed twice
    }
    let job = Job {
        path: path.to_path_buf(),
        display: if rel_in_root.as_os_str().is_empty() {
            root.display.clone()
        } else {
            root.display.join(rel_in_root)
        },
        rel: out_rel(root, rel_in_root),
        claimed,
        stat,
    };
    if !(walk.sink)(job) {
        walk.stopped = true;
    }
}

/// `path` with `.` dropped and `..` applied, without touching the file system; None when a
/// relative path climbs above where it starts.
fn lexically_normal(path: &Path) -> Option<PathBuf> {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    Some(out)
}

fn matches(set: Option<&GlobSet>, path: &Path) -> bool {
    set.is_some_and(|set| set.is_match(path))
}

fn is_hidden(entry: &DirEntry) -> bool {
    entry
        .file_name()
        .to_str()
        .is_some_and(|name| name.starts_with('.'))
}

fn display_of(root: &Root, path: &Path) -> PathBuf {
    match path.strip_prefix(&root.path) {
        Ok(rel) if !rel.as_os_str().is_empty() => root.display.join(rel),
        _ => root.display.clone(),
    }
}
