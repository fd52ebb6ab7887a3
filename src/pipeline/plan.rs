//! What each document needs: hashed (unless its stat is unchanged), identified by its content,
//! compared with what the database knows, and looked up in the cache. Nothing here converts or
//! writes; the result is a [`Planned`] document with its [`Action`].

use super::*;

/// What to do with one document.
#[derive(Debug, Clone)]
pub(super) enum Action {
    /// Completed earlier with the same cache key and its output is in place.
    UpToDate {
        refresh_row: bool,
    },
    /// The cache has Markdown for this key: copy it to the output.
    Restore(Box<CacheEntry>),
    Convert,
    /// Failed earlier for the same content, converter and options; not retried.
    Remembered {
        code: String,
        message: String,
    },
    Skip {
        code: &'static str,
        message: String,
    },
    Fail(ConvertError),
    /// Ctrl-C came before this document was even looked at.
    Interrupted,
}

/// One document with its plan.
#[derive(Debug)]
pub(super) struct Planned<'a> {
    pub(super) job: &'a Job,
    /// What the content is: the claimed format, or the one it was rerouted to.
    pub(super) format: &'static FormatSpec,
    /// The `rerouted` warning's message when the content is not what the extension claims.
    pub(super) rerouted: Option<String>,
    pub(super) id: String,
    pub(super) known: Option<&'a KnownDocument>,
    pub(super) hash: Option<ContentHash>,
    pub(super) hashed_at_ns: Option<i64>,
    pub(super) key: Option<CacheKey>,
    pub(super) output: PathBuf,
    pub(super) action: Action,
    /// The whole content, read by the hash, of a small document whose converter is linear:
    /// converted from these bytes in the conversion thread rather than read again by a worker.
    pub(super) content: Option<Vec<u8>>,
}

/// The key of a document in the database: its absolute path.
pub(super) fn path_key(job: &Job) -> String {
    job.path.to_string_lossy().into_owned()
}

/// Hashes one document (unless its stat is unchanged) and decides what it needs, as far as that
/// is possible without the database (cache lookups come next, [`with_cache_lookups`]).
pub(super) fn plan<'a>(
    config: &Config,
    job: &'a Job,
    known: Option<&'a KnownDocument>,
    now_ns: i64,
) -> Planned<'a> {
    let output = write::output_path(&config.state.output, &job.rel);
    let mut planned = Planned {
        job,
        format: job.claimed,
        rerouted: None,
        id: known.map_or_else(|| uuid::Uuid::new_v4().to_string(), |k| k.row.id.clone()),
        known,
        hash: None,
        hashed_at_ns: None,
        key: None,
        output,
        action: Action::Convert,
        content: None,
    };
    if interrupt::requested() {
        planned.action = Action::Interrupted;
        return planned;
    }
    if job.stat.size > config.limits.max_file_size {
        planned.action = Action::Fail(ConvertError::ResourceLimit(format!(
            "the file is {} MB, larger than --max-file-size ({} MB)",
            job.stat.size >> 20,
            config.limits.max_file_size >> 20
        )));
        return planned;
    }
    if job.stat.size == 0 {
        planned.action = Action::Skip {
            code: "empty",
            message: "the file is empty".into(),
        };
        return planned;
    }
    // The fast path: a hash recorded for exactly this stat, long enough after the last change.
    let reusable = known.filter(|_| !config.rehash).and_then(|k| {
        let hashed_at = k.row.hashed_at_ns?;
        let hash = ContentHash::from_hex(k.row.content_hash.as_deref()?)?;
        hash::stored_hash_is_valid(&k.row.stat, hashed_at, &job.stat).then_some((hash, hashed_at))
    });
    // Zip and compound files (up to 64 MiB) are kept whole while they are hashed: their
    // directory is at their end, and reading it from memory costs no system calls.
    let small = job.stat.size <= 64 << 20;
    let keep_whole = |head: &[u8]| {
        small
            && matches!(
                sniff::sniff(head),
                sniff::Container::Zip | sniff::Container::Ole2
            )
    };
    let (hash, hashed_at, head) = match reusable {
        Some((hash, at)) => (hash, at, None),
        None => match ContentHash::of_file_keeping(&job.path, sniff::HEAD_LEN, keep_whole) {
            Ok((hash, bytes, whole)) => (hash, now_ns, Some((bytes, whole))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                planned.action = Action::Skip {
                    code: "vanished",
                    message: "the file was removed while docproc was running".into(),
                };
                return planned;
            }
            Err(e) => {
                planned.action =
                    Action::Fail(ConvertError::Io(format!("cannot read the file: {e}")));
                return planned;
            }
        },
    };
    planned.hash = Some(hash);
    planned.hashed_at_ns = Some(hashed_at);
    let small = head
        .as_ref()
        .filter(|(bytes, whole)| *whole && bytes.len() <= sniff::HEAD_LEN)
        .map(|(bytes, _)| bytes.clone());
    let refused = match identify(config, job, known, head) {
        Ok((format, rerouted)) => {
            planned.format = format;
            planned.rerouted = rerouted;
            None
        }
        Err(error) => Some(error),
    };
    let base = config.cache_key(&hash, planned.format);
    let key = match known.and_then(|k| k.row.cache_key.as_deref()) {
        // A document that needed OCR was stored under its key with its run's OCR settings; under
        // --ocr force no key without them matches (every page is recognised again).
        Some(stored)
            if planned.format.converter.uses_ocr()
                && (stored != base.as_str() || config.ocr_request.mode == OcrMode::Force) =>
        {
            ocr_key(config, &base)
        }
        _ => base,
    };
    if let Some(k) = known.filter(|_| !config.force)
        && k.row.cache_key.as_deref() == Some(key.as_str())
    {
        let refresh_row = k.row.stat != job.stat || k.row.hashed_at_ns != Some(hashed_at);
        match k.row.status {
            Status::Completed if refused.is_none() => {
                let output_ok = k.row.output_path.as_deref()
                    == Some(&*planned.output.to_string_lossy())
                    && hash::stat_in_dir(&planned.output, true).is_ok_and(|s| {
                        k.row
                            .output_size
                            .or(k.markdown_size)
                            .is_none_or(|size| s.stat.size == size)
                    });
                if output_ok {
                    planned.action = Action::UpToDate { refresh_row };
                }
            }
            Status::Failed if !config.retry_failed => {
                let code = k.row.error_code.clone().unwrap_or_default();
                if ConvertError::is_deterministic_code(&code) {
                    let message = k.row.error_message.clone().unwrap_or_default();
                    planned.action = Action::Remembered { code, message };
                }
            }
            _ => {}
        }
    }
    planned.key = Some(key);
    if matches!(planned.action, Action::Convert) && planned.format.converter.linear() {
        planned.content = small;
    }
    if let Some(error) = refused
        && matches!(planned.action, Action::Convert)
    {
        planned.action = Action::Fail(error);
    }
    planned
}

/// The cache key of a document that needed OCR: its key with the run's OCR settings.
pub(super) fn ocr_key(config: &Config, base: &CacheKey) -> CacheKey {
    base.with_ocr(&config.ocr().stamp())
}

/// What a document's content is: the format to convert it as, with the `rerouted` warning when
/// that is not the format its name claims; or why it is refused. A document whose hash was
/// reused (unchanged since the last run) keeps the format recorded then, unless that run
/// refused it or the format is no longer enabled; otherwise the content is probed: the first
/// bytes the hash read, and the directory of a zip or OLE2 file.
pub(super) fn identify(
    config: &Config,
    job: &Job,
    known: Option<&KnownDocument>,
    read: Option<(Vec<u8>, bool)>,
) -> Result<(&'static FormatSpec, Option<String>), ConvertError> {
    let (head, whole) = match read {
        Some(read) => read,
        None => {
            let recorded = known.and_then(|k| {
                let refused = k.row.status == Status::Failed
                    && matches!(
                        k.row.error_code.as_deref(),
                        Some("type_mismatch" | "encrypted" | "corrupt")
                    );
                formats::by_name(&k.row.file_type).filter(|f| !refused && config.converts(f))
            });
            if let Some(format) = recorded {
                let rerouted = (format != job.claimed).then(|| {
                    known
                        .filter(|k| k.row.error_code.as_deref() == Some("rerouted"))
                        .and_then(|k| k.row.error_message.clone())
                        .unwrap_or_else(|| format!("converted as {}", format.title))
                });
                return Ok((format, rerouted));
            }
            let head = read_head(&job.path)
                .map_err(|e| ConvertError::Io(format!("cannot read the file: {e}")))?;
            (head, false)
        }
    };
    // The zip and OLE2 readers run here, in docproc's own process: a panic in one of them is
    // this document's failure, not the run's.
    let probe = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        if whole {
            Ok(Probe::of_bytes(&head))
        } else {
            Probe::of_file(&job.path, head)
        }
    }))
    .map_err(|_| ConvertError::Corrupt("the container's directory cannot be read".into()))?
    .map_err(|e| ConvertError::Io(format!("cannot read the file: {e}")))?;
    match formats::identify(job.claimed, &probe, &|f| config.converts(f)) {
        Identified::Claimed => Ok((job.claimed, None)),
        Identified::Rerouted { to, message } => Ok((to, Some(message))),
        Identified::Refused(error) => Err(error),
    }
}

/// The first bytes of a file, for the content sniff.
pub(super) fn read_head(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut head = Vec::with_capacity(sniff::HEAD_LEN);
    std::fs::File::open(path)?
        .take(sniff::HEAD_LEN as u64)
        .read_to_end(&mut head)?;
    Ok(head)
}

/// What a plan decided, for the line at `-v`.
pub(super) fn plan_kind(action: &Action) -> &'static str {
    match action {
        Action::UpToDate { .. } => "up to date",
        Action::Restore(_) => "from the cache",
        Action::Convert => "to convert",
        Action::Remembered { .. } => "failed before",
        Action::Skip { .. } => "skipped",
        Action::Fail(_) => "unreadable",
        Action::Interrupted => "interrupted",
    }
}

/// Turns `Convert` into `Restore` where the cache already has the Markdown.
pub(super) fn with_cache_lookups<'a>(
    config: &Config,
    readers: &store::Readers,
    threads: &rayon::ThreadPool,
    mut planned: Vec<Planned<'a>>,
) -> Result<Vec<Planned<'a>>> {
    if config.force {
        return Ok(planned);
    }
    // In parallel, a batch at a time on a connection of the run's readers: on a cold run of
    // small files these lookups would otherwise leave every other core waiting.
    threads.install(|| {
        planned
            .par_chunks_mut(256)
            .try_for_each(|batch| readers.with(|conn| look_up_batch(config, conn, batch)))
    })?;
    Ok(planned)
}

pub(super) fn look_up_batch(
    config: &Config,
    conn: &rusqlite::Connection,
    batch: &mut [Planned<'_>],
) -> Result<()> {
    // One read transaction for the batch: its pages stay cached from one lookup to the next
    // (each statement on its own would start afresh after every commit of the recorder).
    let snapshot = conn.unchecked_transaction()?;
    let conn: &rusqlite::Connection = &snapshot;
    for p in batch {
        if !matches!(p.action, Action::Convert) {
            continue;
        }
        let Some(key) = &p.key else { continue };
        let entry;
        if p.format.converter.uses_ocr()
            && let Some(hash) = &p.hash
        {
            // A document that needed OCR is stored under its key with the OCR settings; one
            // that did not, under its plain key (which --ocr force never reuses).
            let base = config.cache_key(hash, p.format);
            let with_ocr = store::cache_entry(conn, &ocr_key(config, &base))?;
            entry = match with_ocr {
                None if config.ocr_request.mode != OcrMode::Force => {
                    store::cache_entry(conn, &base)?
                }
                found => found,
            };
        } else {
            entry = store::cache_entry(conn, key)?;
        }
        if let Some(entry) = entry
            && std::fs::metadata(&entry.markdown_path)
                .is_ok_and(|m| m.is_file() && m.len() == entry.markdown_size)
        {
            p.action = Action::Restore(Box::new(entry));
        }
    }
    Ok(())
}
