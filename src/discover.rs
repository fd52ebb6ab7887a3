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

/// The result of walking every root.
#[derive(Debug, Default)]
pub struct Discovery {
    pub jobs: Vec<Job>,
    /// Files of types docproc does not convert (and symbolic links not followed).
    pub ignored: u64,
    /// Documents left to the other shards of a `--shard` plan (never opened or stat-ed).
    pub other_shards: u64,
    pub problems: Vec<WalkProblem>,
}

/// Walks every root in order; the job list is in a stable order (roots as given, then paths
/// sorted by name), so progress, reports and outputs are deterministic.
pub fn discover(config: &Config) -> Discovery {
    let mut discovery = Discovery::default();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let never_walk: Vec<PathBuf> = vec![
        config.state.output.clone(),
        config.state.state_dir().to_path_buf(),
        config.state.cache_dir.clone(),
    ];
    if let Some(list) = &config.file_list {
        for listed in list {
            add_listed(config, listed, &mut seen, &mut discovery);
        }
        return discovery;
    }
    for root in &config.roots {
        if root.is_dir {
            walk_dir(config, root, &never_walk, &mut seen, &mut discovery);
        } else {
            match std::fs::metadata(&root.path) {
                Ok(meta) => add_file(
                    config,
                    root,
                    &root.path,
                    Path::new(""),
                    &meta,
                    &mut seen,
                    &mut discovery,
                ),
                Err(e) => discovery.problems.push(WalkProblem {
                    path: root.display.clone(),
                    message: e.to_string(),
                    missed_documents: true,
                }),
            }
        }
    }
    discovery
}

fn walk_dir(
    config: &Config,
    root: &Root,
    never_walk: &[PathBuf],
    seen: &mut HashSet<PathBuf>,
    discovery: &mut Discovery,
) {
    let filters = &config.filters;
    let walker = WalkDir::new(&root.path)
        .follow_links(filters.follow_symlinks)
        .sort_by_file_name()
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
                discovery.problems.push(WalkProblem {
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
            discovery.ignored += 1;
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
                discovery.other_shards += 1;
            } else {
                discovery.ignored += 1;
            }
            continue;
        }
        match entry.metadata() {
            Ok(meta) => {
                let path = entry.into_path();
                add_file(config, root, &path, &rel, &meta, seen, discovery);
            }
            Err(e) => discovery.problems.push(WalkProblem {
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
fn add_listed(
    config: &Config,
    listed: &Path,
    seen: &mut HashSet<PathBuf>,
    discovery: &mut Discovery,
) {
    let problem = |discovery: &mut Discovery, message: String| {
        discovery.problems.push(WalkProblem {
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
        problem(discovery, message.to_string());
        return;
    };
    if !in_shard(config, root, &rel) {
        if is_candidate(config, listed) {
            discovery.other_shards += 1;
        } else {
            discovery.ignored += 1;
        }
        return;
    }
    let path = root.path.join(&rel);
    let meta = match std::fs::metadata(&path) {
        Ok(meta) if meta.is_file() => meta,
        Ok(_) => {
            problem(discovery, "listed, but not a regular file".to_string());
            return;
        }
        Err(e) => {
            problem(discovery, format!("listed, but cannot be read: {e}"));
            return;
        }
    };
    add_file(config, root, &path, &rel, &meta, seen, discovery);
}

fn add_file(
    config: &Config,
    root: &Root,
    path: &Path,
    rel_in_root: &Path,
    meta: &std::fs::Metadata,
    seen: &mut HashSet<PathBuf>,
    discovery: &mut Discovery,
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
        discovery.ignored += 1;
        return;
    };
    if !seen.insert(path.to_path_buf()) {
        return; // reached through two overlapping roots
    }
    discovery.jobs.push(Job {
        path: path.to_path_buf(),
        display: if rel_in_root.as_os_str().is_empty() {
            root.display.clone()
        } else {
            root.display.join(rel_in_root)
        },
        rel: out_rel(root, rel_in_root),
        claimed,
        stat: FileStat::from_metadata(meta),
    });
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
