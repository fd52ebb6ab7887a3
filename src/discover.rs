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
        rel: if rel_in_root.as_os_str().is_empty() {
            root.out_prefix.clone()
        } else {
            root.out_prefix.join(rel_in_root)
        },
        claimed,
        stat: FileStat::from_metadata(meta),
    });
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
