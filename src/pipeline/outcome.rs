//! What a processed document leaves behind: its Markdown placed in the output tree (from a
//! conversion, the cache or a leader's copy), its cache entry, its row and event, or its failure.

use super::*;

/// A document's warning: the converter's (which every copy of the same content shares), else
/// this file's own `rerouted` one (a `.xls` and a `.csv` may share content, not the warning).
fn row_warning(p: &Planned<'_>, converter_warning: &Option<Warning>) -> Option<Warning> {
    converter_warning.clone().or_else(|| {
        p.rerouted.as_ref().map(|message| Warning {
            code: "rerouted".into(),
            message: message.clone(),
        })
    })
}

/// A warning as the (code, message) columns of a completed row.
fn warning_fields(warning: &Option<Warning>) -> Option<(&str, &str)> {
    warning
        .as_ref()
        .map(|w| (w.code.as_str(), w.message.as_str()))
}

impl WorkContext<'_> {
    /// Copies cached Markdown to the output.
    pub(super) fn restore(&self, p: &Planned<'_>, tx: &SyncSender<Record>) -> Outcome {
        let Action::Restore(entry) = &p.action else {
            unreachable!("restore of a {:?}", p.action)
        };
        let source = PathBuf::from(&entry.markdown_path);
        let key = CacheKey::from_stored(entry.cache_key.clone());
        // Another process may share the cache (the shards of a plan): what is read is checked
        // against the entry, and an entry that does not hold up is converted again.
        let template = match std::fs::read(&source) {
            Ok(template) if template.len() as u64 == entry.markdown_size => template,
            other => {
                log::debug!(
                    "{}: cache entry {} unusable ({}); converting",
                    printable(&p.job.display),
                    source.display(),
                    other.map_or_else(|e| e.to_string(), |t| format!("{} bytes", t.len()))
                );
                return self.convert_alone(p, tx);
            }
        };
        let written = match self.place(p, &template, &key) {
            Ok(written) => written,
            Err(e) => {
                let error = ConvertError::Io(format!("cannot write {}: {e}", printable(&p.output)));
                return self.fail(p, &error, tx);
            }
        };
        let warning = row_warning(p, &entry.warning);
        let mut row = self.row(p, Status::Completed, warning_fields(&warning));
        row.cached_markdown_path = Some(entry.markdown_path.clone());
        row.output_path = Some(p.output.to_string_lossy().into_owned());
        row.output_size = Some(written);
        row.duration_ms = Some(0);
        row.processed_at = Some(store::now_rfc3339());
        self.events.completed(
            &self.event_document(p),
            &entry.markdown_path,
            &entry.metadata,
        );
        self.send(
            tx,
            Record::Document {
                row: Box::new(row),
                metadata: Some(entry.metadata.clone()),
                cache_entry: None,
                attempt: Some("cached"),
            },
        );
        Outcome::Cached(warning)
    }

    pub(super) fn finish_conversion(
        &self,
        p: &Planned<'_>,
        hash: &ContentHash,
        key: &CacheKey,
        converted: Converted,
        duration_ms: u64,
        tx: &SyncSender<Record>,
    ) -> Outcome {
        let converter = p.format.converter;
        let markdown = converted.markdown.into_bytes();
        if let Err(e) = self.store.put_attachments(key, &converted.attachments) {
            let error = ConvertError::Io(format!(
                "cannot write to the cache {}: {e}",
                self.config.state.cache_dir.display()
            ));
            return self.fail(p, &error, tx);
        }
        let stored = match self.store.put(key, &markdown) {
            Ok(path) => path,
            Err(e) => {
                let error = ConvertError::Io(format!(
                    "cannot write to the cache {}: {e}",
                    self.config.state.cache_dir.display()
                ));
                return self.fail(p, &error, tx);
            }
        };
        let written = match self.place(p, &markdown, key) {
            Ok(written) => written,
            Err(e) => {
                let error = ConvertError::Io(format!("cannot write {}: {e}", printable(&p.output)));
                return self.fail(p, &error, tx);
            }
        };
        let entry = CacheEntry {
            cache_key: key.as_str().to_string(),
            content_hash: hash.to_hex(),
            converter: converter.name().to_string(),
            converter_version: converter.version().to_string(),
            options: self.config.fingerprint_for(p.format).to_string(),
            markdown_path: stored.to_string_lossy().into_owned(),
            markdown_size: markdown.len() as u64,
            metadata: converted.metadata.clone(),
            warning: converted.warning.clone(),
        };
        let warning = row_warning(p, &converted.warning);
        if let Some(warning) = &warning {
            let message = if warning.code == "needs_ocr" {
                format!("{}; converted without text", warning.message)
            } else {
                warning.message.clone()
            };
            self.progress.line(&p.job.display, &warning.code, &message);
        }
        let mut row = self.row(p, Status::Completed, warning_fields(&warning));
        row.content_hash = Some(hash.to_hex());
        row.cache_key = Some(key.as_str().to_string());
        row.cached_markdown_path = Some(entry.markdown_path.clone());
        row.output_path = Some(p.output.to_string_lossy().into_owned());
        row.output_size = Some(written);
        row.duration_ms = Some(duration_ms);
        if Some(*hash) != p.hash {
            // Changed while we worked: its stat no longer matches the hash; do not trust it later.
            row.hashed_at_ns = Some(i64::MIN);
        }
        self.events.completed(
            &self.event_document(p),
            &entry.markdown_path,
            &converted.metadata,
        );
        self.send(
            tx,
            Record::Document {
                row: Box::new(row),
                metadata: Some(converted.metadata),
                cache_entry: Some(Box::new(entry)),
                attempt: Some("converted"),
            },
        );
        Outcome::Converted(warning)
    }

    pub(super) fn copy_for_follower(
        &self,
        p: &Planned<'_>,
        key: &CacheKey,
        hash: &ContentHash,
        metadata: &Metadata,
        warning: &Option<Warning>,
        tx: &SyncSender<Record>,
    ) -> Outcome {
        let source = self.store.path(key);
        let written = match std::fs::read(&source)
            .and_then(|template| self.place(p, &template, key))
        {
            Ok(written) => written,
            Err(e) => {
                let error = ConvertError::Io(format!("cannot write {}: {e}", printable(&p.output)));
                return self.fail(p, &error, tx);
            }
        };
        let warning = &row_warning(p, warning);
        let mut row = self.row(p, Status::Completed, warning_fields(warning));
        row.content_hash = Some(hash.to_hex());
        row.cache_key = Some(key.as_str().to_string());
        row.cached_markdown_path = Some(source.to_string_lossy().into_owned());
        row.output_path = Some(p.output.to_string_lossy().into_owned());
        row.output_size = Some(written);
        row.duration_ms = Some(0);
        self.events
            .completed(&self.event_document(p), &source.to_string_lossy(), metadata);
        self.send(
            tx,
            Record::Document {
                row: Box::new(row),
                metadata: Some(metadata.clone()),
                cache_entry: None,
                attempt: Some("cached"),
            },
        );
        Outcome::Cached(warning.clone())
    }

    pub(super) fn fail(
        &self,
        p: &Planned<'_>,
        error: &ConvertError,
        tx: &SyncSender<Record>,
    ) -> Outcome {
        self.fail_with_hash(p, error, None, None, None, tx)
    }

    pub(super) fn fail_with_hash(
        &self,
        p: &Planned<'_>,
        error: &ConvertError,
        hash: Option<&ContentHash>,
        key: Option<&CacheKey>,
        duration_ms: Option<u64>,
        tx: &SyncSender<Record>,
    ) -> Outcome {
        let message = error.to_string();
        self.progress.line(&p.job.display, error.code(), &message);
        let mut row = self.row(p, Status::Failed, Some((error.code(), &message)));
        if let Some(hash) = hash {
            row.content_hash = Some(hash.to_hex());
        }
        if let Some(key) = key {
            row.cache_key = Some(key.as_str().to_string());
        }
        row.duration_ms = duration_ms;
        self.events
            .failed(&self.event_document(p), error.code(), &message);
        self.send(
            tx,
            Record::Document {
                row: Box::new(row),
                metadata: Some(Default::default()),
                cache_entry: None,
                attempt: Some("failed"),
            },
        );
        Outcome::Failed {
            code: error.code().to_string(),
            message,
            remembered: false,
        }
    }

    /// Writes a document's output from its (cached) Markdown and attachments, inside the
    /// output tree; returns the bytes of Markdown written.
    pub(super) fn place(
        &self,
        p: &Planned<'_>,
        template: &[u8],
        key: &CacheKey,
    ) -> std::io::Result<u64> {
        write::ensure_inside(&self.config.state.output, &p.output)?;
        write::place_markdown(
            &p.output,
            template,
            &self.store.attachments_dir(key),
            &self.config.state.tmp_dir,
        )
    }

    pub(super) fn event_document<'p>(&self, p: &'p Planned<'_>) -> EventDocument<'p> {
        EventDocument {
            id: &p.id,
            file_path: p.job.path.to_string_lossy(),
            output_path: p.output.to_string_lossy(),
        }
    }

    /// A fresh row for a planned document.
    pub(super) fn row(
        &self,
        p: &Planned<'_>,
        status: Status,
        error: Option<(&str, &str)>,
    ) -> DocumentRow {
        let converter = p.format.converter;
        DocumentRow {
            id: p.id.clone(),
            file_path: path_key(p.job),
            file_type: p.format.name.to_string(),
            stat: p.job.stat,
            content_hash: p.hash.map(|h| h.to_hex()),
            hashed_at_ns: p.hashed_at_ns,
            status,
            error_code: error.map(|e| e.0.to_string()),
            error_message: error.map(|e| e.1.to_string()),
            output_path: None,
            target_path: Some(p.output.to_string_lossy().into_owned()),
            output_size: None,
            cached_markdown_path: None,
            converter: Some(converter.name().to_string()),
            converter_version: Some(converter.version().to_string()),
            cache_key: p.key.as_ref().map(|k| k.as_str().to_string()),
            duration_ms: None,
            processed_at: Some(store::now_rfc3339()),
            run_id: self.run_id.to_string(),
            had_row: p.known.is_some(),
        }
    }
}
