//! `docproc list`, `docproc show` and `docproc export`: the documents table, for people and tools.

use std::collections::BTreeMap;
use std::io::{self, Write};

use anyhow::{Context, Result};
use rusqlite::{Connection, OptionalExtension, Row, ToSql};
use serde::Serialize;

use super::{CommandError, State, human_bytes, parse_since, print_json, print_text, table};
use crate::cli::{ExportArgs, ExportFormat, ListArgs, ShowArgs, StatusFilter};

/// A document as the commands show it: the row's columns by their database names.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub id: String,
    pub file_path: String,
    pub file_type: String,
    pub file_size: i64,
    pub content_hash: Option<String>,
    pub processing_status: String,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub output_path: Option<String>,
    pub cached_markdown_path: Option<String>,
    pub converter: Option<String>,
    pub converter_version: Option<String>,
    pub duration_ms: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
    pub processed_at: Option<String>,
}

const COLUMNS: &str = "id, file_path, file_type, file_size, content_hash, processing_status, \
                       error_code, error_message, output_path, cached_markdown_path, converter, \
                       converter_version, duration_ms, created_at, updated_at, processed_at";

/// Names of the exported columns, in order (CSV header).
const COLUMN_NAMES: [&str; 16] = [
    "id",
    "file_path",
    "file_type",
    "file_size",
    "content_hash",
    "processing_status",
    "error_code",
    "error_message",
    "output_path",
    "cached_markdown_path",
    "converter",
    "converter_version",
    "duration_ms",
    "created_at",
    "updated_at",
    "processed_at",
];

impl Document {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Document> {
        Ok(Document {
            id: r.get(0)?,
            file_path: r.get(1)?,
            file_type: r.get(2)?,
            file_size: r.get(3)?,
            content_hash: r.get(4)?,
            processing_status: r.get(5)?,
            error_code: r.get(6)?,
            error_message: r.get(7)?,
            output_path: r.get(8)?,
            cached_markdown_path: r.get(9)?,
            converter: r.get(10)?,
            converter_version: r.get(11)?,
            duration_ms: r.get(12)?,
            created_at: r.get(13)?,
            updated_at: r.get(14)?,
            processed_at: r.get(15)?,
        })
    }

    fn csv_fields(&self) -> [String; 16] {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        [
            self.id.clone(),
            self.file_path.clone(),
            self.file_type.clone(),
            self.file_size.to_string(),
            opt(&self.content_hash),
            self.processing_status.clone(),
            opt(&self.error_code),
            opt(&self.error_message),
            opt(&self.output_path),
            opt(&self.cached_markdown_path),
            opt(&self.converter),
            opt(&self.converter_version),
            self.duration_ms.map(|d| d.to_string()).unwrap_or_default(),
            self.created_at.clone(),
            self.updated_at.clone(),
            opt(&self.processed_at),
        ]
    }
}

fn metadata(conn: &Connection, id: &str) -> Result<BTreeMap<String, String>> {
    let mut stmt =
        conn.prepare_cached("SELECT key, value FROM metadata WHERE document_id = ?1 ORDER BY key")?;
    let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[derive(Debug, Serialize)]
struct Page {
    data: Vec<Document>,
    pagination: Pagination,
}

#[derive(Debug, Serialize)]
struct Pagination {
    page: u64,
    limit: u64,
    total: u64,
    total_pages: u64,
}

pub fn list(args: &ListArgs) -> Result<()> {
    let state = State::open(&args.state)?;
    let mut conditions: Vec<&str> = Vec::new();
    let mut params: Vec<Box<dyn ToSql>> = Vec::new();
    if let Some(status) = args.status {
        conditions.push("processing_status = ?");
        params.push(Box::new(status_name(status)));
    }
    if let Some(file_type) = &args.file_type {
        conditions.push("file_type = ?");
        params.push(Box::new(file_type.clone()));
    }
    if let Some(code) = &args.error_code {
        conditions.push("error_code = ?");
        params.push(Box::new(code.clone()));
    }
    if let Some(since) = &args.since {
        conditions.push("processed_at >= ?");
        params.push(Box::new(parse_since(since)?));
    }
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let bind: Vec<&dyn ToSql> = params.iter().map(|p| p.as_ref()).collect();
    let total: i64 = state.conn.query_row(
        &format!("SELECT count(*) FROM documents {filter}"),
        bind.as_slice(),
        |r| r.get(0),
    )?;
    let total = total as u64;
    let offset = (args.page - 1).saturating_mul(args.limit);
    let mut stmt = state.conn.prepare(&format!(
        "SELECT {COLUMNS} FROM documents {filter} ORDER BY file_path LIMIT {} OFFSET {offset}",
        args.limit
    ))?;
    let data = stmt
        .query_map(bind.as_slice(), Document::from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let page = Page {
        data,
        pagination: Pagination {
            page: args.page,
            limit: args.limit,
            total,
            total_pages: total.div_ceil(args.limit),
        },
    };
    if args.json {
        return print_json(&page);
    }
    let rows: Vec<Vec<String>> = page
        .data
        .iter()
        .map(|d| {
            vec![
                d.id.chars().take(8).collect(),
                d.processing_status.clone(),
                d.file_type.clone(),
                human_bytes(d.file_size.max(0) as u64),
                d.error_code.clone().unwrap_or_else(|| "-".into()),
                d.file_path.clone(),
            ]
        })
        .collect();
    let mut text = if rows.is_empty() {
        "no documents match\n".to_string()
    } else {
        table(&["ID", "STATUS", "TYPE", "SIZE", "CODE", "PATH"], &rows)
    };
    if page.pagination.total_pages > 1 {
        text.push_str(&format!(
            "page {} of {} ({} documents; --page N for more)\n",
            page.pagination.page, page.pagination.total_pages, total
        ));
    }
    print_text(&text)
}

fn status_name(status: StatusFilter) -> &'static str {
    match status {
        StatusFilter::Pending => "pending",
        StatusFilter::Processing => "processing",
        StatusFilter::Completed => "completed",
        StatusFilter::Failed => "failed",
        StatusFilter::Skipped => "skipped",
    }
}

#[derive(Debug, Serialize)]
struct Shown {
    #[serde(flatten)]
    document: Document,
    metadata: BTreeMap<String, String>,
    output_exists: bool,
    cache: Option<CacheInfo>,
}

#[derive(Debug, Serialize)]
struct CacheInfo {
    cache_key: String,
    markdown_path: String,
    markdown_size: i64,
    exists: bool,
    created_at: String,
}

pub fn show(args: &ShowArgs) -> Result<()> {
    let state = State::open(&args.state)?;
    let document = find(&state.conn, &args.document)?;
    let cache_key: Option<String> = state.conn.query_row(
        "SELECT cache_key FROM documents WHERE id = ?1",
        [&document.id],
        |r| r.get(0),
    )?;
    let cache = match cache_key {
        Some(key) => state
            .conn
            .query_row(
                "SELECT cache_key, markdown_path, markdown_size, created_at FROM cache_entries
                 WHERE cache_key = ?1",
                [&key],
                |r| {
                    let path: String = r.get(1)?;
                    Ok(CacheInfo {
                        exists: std::path::Path::new(&path).is_file(),
                        cache_key: r.get(0)?,
                        markdown_path: path,
                        markdown_size: r.get(2)?,
                        created_at: r.get(3)?,
                    })
                },
            )
            .optional()?,
        None => None,
    };
    let shown = Shown {
        metadata: metadata(&state.conn, &document.id)?,
        output_exists: document
            .output_path
            .as_deref()
            .is_some_and(|p| std::path::Path::new(p).is_file()),
        cache,
        document,
    };
    if args.json {
        return print_json(&shown);
    }
    let d = &shown.document;
    let mut out = String::new();
    let mut field = |name: &str, value: &str| out.push_str(&format!("{name:<14} {value}\n"));
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    field("path", &d.file_path);
    field("id", &d.id);
    field("status", &d.processing_status);
    if let Some(code) = &d.error_code {
        field(
            if d.processing_status == "completed" {
                "warning"
            } else {
                "error"
            },
            &format!("{code}: {}", opt(&d.error_message)),
        );
    }
    field("type", &d.file_type);
    field("size", &human_bytes(d.file_size.max(0) as u64));
    field("content hash", &opt(&d.content_hash));
    field(
        "converter",
        &format!("{} {}", opt(&d.converter), opt(&d.converter_version)),
    );
    field(
        "duration",
        &d.duration_ms
            .map_or_else(|| "-".into(), |ms| format!("{ms} ms")),
    );
    field(
        "output",
        &match &d.output_path {
            Some(p) if shown.output_exists => p.clone(),
            Some(p) => format!("{p} (missing: the next convert restores it)"),
            None => "-".into(),
        },
    );
    field(
        "cached",
        &match &shown.cache {
            Some(c) if c.exists => format!(
                "{} ({})",
                c.markdown_path,
                human_bytes(c.markdown_size.max(0) as u64)
            ),
            Some(c) => format!("{} (missing)", c.markdown_path),
            None => "-".into(),
        },
    );
    field("processed at", &opt(&d.processed_at));
    field("first seen", &d.created_at);
    if !shown.metadata.is_empty() {
        out.push_str("metadata\n");
        for (key, value) in &shown.metadata {
            out.push_str(&format!("  {key:<12} {value}\n"));
        }
    }
    print_text(&out)
}

/// Finds a document by id, source path or unique id prefix.
fn find(conn: &Connection, given: &std::path::Path) -> Result<Document> {
    let by = |column: &str, value: &str| -> Result<Option<Document>> {
        Ok(conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM documents WHERE {column} = ?1"),
                [value],
                Document::from_row,
            )
            .optional()?)
    };
    let text = given.to_string_lossy();
    if let Some(d) = by("id", &text)? {
        return Ok(d);
    }
    let absolute = std::path::absolute(given).unwrap_or_else(|_| given.to_path_buf());
    let canonical = given.canonicalize().unwrap_or_else(|_| absolute.clone());
    for candidate in [&canonical, &absolute] {
        if let Some(d) = by("file_path", &candidate.to_string_lossy())? {
            return Ok(d);
        }
    }
    if text.len() >= 8 && text.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM documents WHERE id LIKE ?1 || '%' LIMIT 2"
        ))?;
        let found = stmt
            .query_map([text.as_ref()], Document::from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        match found.len() {
            1 => return Ok(found.into_iter().next().expect("one")),
            2 => {
                return Err(CommandError::error(
                    "ambiguous",
                    format!("more than one document id starts with {text}; give more of it"),
                ));
            }
            _ => {}
        }
    }
    Err(CommandError::error(
        "not_found",
        format!(
            "no document {} in this database ('docproc list' shows them)",
            crate::report::printable(given)
        ),
    ))
}

/// Streams every document with its metadata to stdout.
pub fn export(args: &ExportArgs) -> Result<()> {
    let state = State::open(&args.state)?;
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = write_export(&state.conn, args.format, &mut out)
        .and_then(|()| out.flush().context("cannot write to stdout"));
    match result {
        Err(e)
            if e.downcast_ref::<io::Error>()
                .or_else(|| e.root_cause().downcast_ref::<io::Error>())
                .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe) =>
        {
            Ok(())
        }
        other => other,
    }
}

fn write_export(conn: &Connection, format: ExportFormat, out: &mut impl Write) -> Result<()> {
    if format == ExportFormat::Csv {
        let mut header: Vec<&str> = COLUMN_NAMES.to_vec();
        header.push("metadata");
        write!(out, "{}\r\n", header.join(","))?;
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM documents ORDER BY file_path"
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let document = Document::from_row(row)?;
        let metadata = metadata(conn, &document.id)?;
        match format {
            ExportFormat::Jsonl => {
                let mut value = serde_json::to_value(&document)?;
                value["metadata"] = serde_json::to_value(&metadata)?;
                serde_json::to_writer(&mut *out, &value)?;
                out.write_all(b"\n")?;
            }
            ExportFormat::Csv => {
                let mut fields: Vec<String> = document.csv_fields().to_vec();
                fields.push(serde_json::to_string(&metadata)?);
                let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
                out.write_all(line.join(",").as_bytes())?;
                out.write_all(b"\r\n")?;
            }
        }
    }
    Ok(())
}

/// A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break.
fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }
}
