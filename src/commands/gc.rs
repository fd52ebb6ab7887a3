//! `docproc gc`: forget what is gone.
//!
//! Removes, under the run lock: the rows of documents whose source file no longer exists, with
//! their Markdown output; cache entries no document refers to any more; files in the cache
//! directory that no entry knows (left by a run killed between writing and recording). With
//! `--older-than` only what has not been seen or used for that long is removed, and the run
//! history (`runs`, `attempts`) older than that is pruned too. Files are removed before the rows
//! that point to them, so a gc killed half-way is finished by the next one.

use std::path::{Path, PathBuf};

use anyhow::Result;
use rusqlite::params;
use serde::Serialize;

use super::{State, human_bytes, parse_age, print_json, print_text};
use crate::cli::GcArgs;

#[derive(Debug, Default, Serialize)]
struct Report {
    dry_run: bool,
    older_than: Option<String>,
    documents_removed: u64,
    outputs_removed: u64,
    outputs_bytes: u64,
    cache_entries_removed: u64,
    cache_bytes: u64,
    orphan_files_removed: u64,
    orphan_bytes: u64,
    runs_pruned: u64,
    attempts_pruned: u64,
    freed_bytes: u64,
    removed_documents: Vec<String>,
}

pub fn gc(args: &GcArgs) -> Result<()> {
    let mut state = State::open(&args.state)?;
    let _lock = crate::lock::acquire(&state.paths.db)?;
    let threshold = match &args.older_than {
        Some(age) => {
            let age = parse_age(age)?;
            let time = std::time::SystemTime::now()
                .checked_sub(age)
                .unwrap_or(std::time::UNIX_EPOCH);
            Some(humantime::format_rfc3339_millis(time).to_string())
        }
        None => None,
    };
    let older = |at: &str| threshold.as_deref().is_none_or(|t| at < t);
    let mut report = Report {
        dry_run: args.dry_run,
        older_than: args.older_than.clone(),
        ..Report::default()
    };

    // Documents whose source is gone.
    let mut gone: Vec<(String, String, Option<String>)> = Vec::new();
    {
        let mut stmt = state.conn.prepare(
            "SELECT id, file_path, output_path, updated_at FROM documents ORDER BY file_path",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        for row in rows {
            let (id, path, output, updated_at) = row?;
            let missing = matches!(std::fs::symlink_metadata(&path),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound);
            if missing && older(&updated_at) {
                gone.push((id, path, output));
            }
        }
    }
    let mut emptied_dirs: Vec<PathBuf> = Vec::new();
    for (_, path, output) in &gone {
        report.documents_removed += 1;
        report.removed_documents.push(path.clone());
        let Some(output) = output.as_deref().map(Path::new) else {
            continue;
        };
        if output.extension().is_none_or(|e| e != "md") {
            continue;
        }
        if let Ok(meta) = std::fs::symlink_metadata(output)
            && meta.is_file()
        {
            report.outputs_removed += 1;
            report.outputs_bytes += meta.len();
            if !args.dry_run {
                remove_file(output)?;
                if let Some(parent) = output.parent() {
                    emptied_dirs.push(parent.to_path_buf());
                }
            }
        }
        // Its images (`NAME_files/`), when it had some.
        let files = crate::write::attachments_dir(output);
        if std::fs::symlink_metadata(&files).is_ok_and(|m| m.is_dir()) {
            report.outputs_bytes += super::dir_size(&files).0;
            if !args.dry_run {
                std::fs::remove_dir_all(&files).map_err(|e| {
                    anyhow::Error::new(e).context(format!("cannot remove {}", files.display()))
                })?;
            }
        }
    }
    if !args.dry_run {
        let tx = state.conn.transaction()?;
        for (id, _, _) in &gone {
            tx.execute("DELETE FROM documents WHERE id = ?1", [id])?;
        }
        tx.commit()?;
        for dir in emptied_dirs {
            remove_empty_dirs(&dir, &state.paths.output);
        }
    }

    // Cache entries nothing refers to (after the rows above are gone; in a dry run the gone
    // rows are still there and are left out the same way). Worked out in temporary tables, so
    // that gc holds nothing per document in memory whatever the size of the collection.
    state.conn.execute_batch(
        "CREATE TEMP TABLE gc_gone (id TEXT PRIMARY KEY) WITHOUT ROWID;
         CREATE TEMP TABLE gc_referenced (cache_key TEXT PRIMARY KEY) WITHOUT ROWID;
         CREATE TEMP TABLE gc_unused (cache_key TEXT PRIMARY KEY, markdown_path TEXT NOT NULL)
             WITHOUT ROWID;",
    )?;
    if args.dry_run {
        let mut insert = state
            .conn
            .prepare("INSERT OR IGNORE INTO temp.gc_gone (id) VALUES (?1)")?;
        for (id, _, _) in &gone {
            insert.execute([id])?;
        }
    }
    state.conn.execute_batch(
        "INSERT OR IGNORE INTO temp.gc_referenced (cache_key)
             SELECT cache_key FROM documents
             WHERE cache_key IS NOT NULL AND id NOT IN (SELECT id FROM temp.gc_gone);",
    )?;
    state.conn.execute(
        "INSERT INTO temp.gc_unused (cache_key, markdown_path)
             SELECT cache_key, markdown_path FROM cache_entries
             WHERE cache_key NOT IN (SELECT cache_key FROM temp.gc_referenced)
               AND (?1 IS NULL OR last_used_at < ?1)",
        params![threshold],
    )?;
    {
        let mut stmt = state
            .conn
            .prepare("SELECT markdown_path FROM temp.gc_unused")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let path: String = row.get(0)?;
            if let Ok(meta) = std::fs::metadata(&path) {
                report.cache_bytes += meta.len();
            }
            report.cache_entries_removed += 1;
            let files = Path::new(&path).with_extension("files");
            report.cache_bytes += super::dir_size(&files).0;
            if !args.dry_run {
                remove_file(Path::new(&path))?;
                if files.is_dir() {
                    std::fs::remove_dir_all(&files).map_err(|e| {
                        anyhow::Error::new(e).context(format!("cannot remove {}", files.display()))
                    })?;
                }
            }
        }
    }
    if !args.dry_run {
        state.conn.execute(
            "DELETE FROM cache_entries WHERE cache_key IN (SELECT cache_key FROM temp.gc_unused)",
            [],
        )?;
    }

    // Files in the cache directory that no entry knows: `<key>.md` and `<key>.files/*` belong
    // to the entry of their key (an unused one was counted above).
    let cutoff = args
        .older_than
        .as_deref()
        .map(parse_age)
        .transpose()?
        .and_then(|age| std::time::SystemTime::now().checked_sub(age));
    let mut has_entry = state
        .conn
        .prepare("SELECT 1 FROM cache_entries WHERE cache_key = ?1")?;
    let mut was_unused = state
        .conn
        .prepare("SELECT 1 FROM temp.gc_unused WHERE cache_key = ?1")?;
    for entry in walkdir::WalkDir::new(&state.paths.cache_dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
    {
        let path = entry.path();
        if let Some(key) = owning_key(path)
            && (has_entry.exists([&key])? || was_unused.exists([&key])?)
        {
            continue;
        }
        let Ok(meta) = entry.metadata() else { continue };
        if cutoff.is_some_and(|c| meta.modified().is_ok_and(|m| m > c)) {
            continue;
        }
        report.orphan_files_removed += 1;
        report.orphan_bytes += meta.len();
        if !args.dry_run {
            remove_file(path)?;
        }
    }
    drop((has_entry, was_unused));
    state.conn.execute_batch(
        "DROP TABLE temp.gc_gone; DROP TABLE temp.gc_referenced; DROP TABLE temp.gc_unused;",
    )?;

    // History.
    if let Some(threshold) = &threshold {
        let count = |sql: &str| -> Result<u64> {
            Ok(state
                .conn
                .query_row(sql, [threshold], |r| r.get::<_, i64>(0))? as u64)
        };
        report.runs_pruned =
            count("SELECT count(*) FROM runs WHERE started_at < ?1 AND status != 'running'")?;
        report.attempts_pruned = count("SELECT count(*) FROM attempts WHERE finished_at < ?1")?;
        if !args.dry_run {
            state.conn.execute(
                "DELETE FROM runs WHERE started_at < ?1 AND status != 'running'",
                params![threshold],
            )?;
            state.conn.execute(
                "DELETE FROM attempts WHERE finished_at < ?1",
                params![threshold],
            )?;
        }
    }
    report.freed_bytes = report.outputs_bytes + report.cache_bytes + report.orphan_bytes;

    if args.json {
        return print_json(&report);
    }
    let verb = if args.dry_run {
        "would remove"
    } else {
        "removed"
    };
    let mut out = String::new();
    for path in &report.removed_documents {
        out.push_str(&format!(
            "{verb} {}\n",
            crate::report::printable(Path::new(path))
        ));
    }
    out.push_str(&format!(
        "{verb} {} document{} whose source is gone ({} outputs, {}), {} unused cache entries ({}), {} stray cache files ({})",
        report.documents_removed,
        if report.documents_removed == 1 { "" } else { "s" },
        report.outputs_removed,
        human_bytes(report.outputs_bytes),
        report.cache_entries_removed,
        human_bytes(report.cache_bytes),
        report.orphan_files_removed,
        human_bytes(report.orphan_bytes),
    ));
    if threshold.is_some() {
        out.push_str(&format!(
            ", {} runs and {} attempts of history",
            report.runs_pruned, report.attempts_pruned
        ));
    }
    out.push_str(&format!(
        "; {} {}\n",
        if args.dry_run { "would free" } else { "freed" },
        human_bytes(report.freed_bytes)
    ));
    print_text(&out)
}

/// The cache key a file in the cache belongs to: `ab/<key>.md`, or `ab/<key>.files/<name>`.
fn owning_key(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    if let Some(key) = name.strip_suffix(".md") {
        return Some(key.to_string());
    }
    let dir = path.parent()?;
    Some(
        dir.file_name()?
            .to_str()?
            .strip_suffix(".files")?
            .to_string(),
    )
}

fn remove_file(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(anyhow::Error::new(e).context(format!("cannot remove {}", path.display()))),
    }
}

/// Removes `dir` and its parents while they are empty, stopping at `root`.
fn remove_empty_dirs(dir: &Path, root: &Path) {
    let mut dir = dir.to_path_buf();
    while dir.starts_with(root) && dir != root {
        if std::fs::remove_dir(&dir).is_err() {
            break; // not empty (or not ours)
        }
        match dir.parent() {
            Some(parent) => dir = parent.to_path_buf(),
            None => break,
        }
    }
}
