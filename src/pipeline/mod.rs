//! `docproc convert`, top to bottom:
//!
//! 1. **lock** the state, **recover** what a killed run left (`processing` rows, temporary files);
//! 2. **discover** the documents (in the byte order of their paths, in a thread of its own) and
//!    take them in chunks of [`CHUNK`]; for each chunk, in turn:
//! 3. read what the database knows about them, as a merge join alongside the walk;
//! 4. **hash** them in parallel, skipping files whose stat is unchanged since their last hash;
//! 5. **plan** each one: up to date, restore from the cache, convert, or a remembered failure;
//!    documents with the same cache key in the chunk are converted once;
//! 6. **convert** and **write** in parallel (rayon), every outcome sent to the recorder thread
//!    that owns the database and commits in batches;
//! 7. **report**: the summary and the exit status, added up over the chunks.
//!
//! Nothing is held per document beyond the chunk at hand, so memory is the same for a hundred
//! files and for ten million.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::SyncSender;
use std::time::{Instant, SystemTime};

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::cache::{CacheKey, MarkdownStore};
use crate::config::Config;
use crate::convert::{self, ConvertError, Converted, Metadata, Warning};
use crate::discover::{self, Job};
use crate::events::{EventDocument, Events};
use crate::formats::{self, FormatSpec, Identified};
use crate::hash::{self, ContentHash};
use crate::ocr::OcrMode;
use crate::report::{DocumentCounts, Failure, Notice, Progress, Summary, WalkError, printable};
use crate::sniff::{self, Probe};
use crate::store::{
    self, CacheEntry, DocumentRow, KnownDocument, Record, Recorder, RunCounts, Status,
};
use crate::{interrupt, lock, write};

mod in_flight;
mod outcome;
mod plan;
mod tally;

use in_flight::{InFlight, PROCESSING_AFTER};
use plan::{Action, Planned, ocr_key, path_key, plan, plan_kind, with_cache_lookups};
use tally::{Tally, summarize};

/// Converter threads get a large stack: parsers recurse on nested structures.
const WORKER_STACK: usize = 64 * 1024 * 1024;
/// The first wait before trying a transient failure again; doubled on every attempt.
const RETRY_DELAY: std::time::Duration = std::time::Duration::from_millis(100);

/// How one document ended in this run.
#[derive(Debug, Clone)]
enum Outcome {
    Converted(Option<Warning>),
    Cached(Option<Warning>),
    Failed {
        code: String,
        message: String,
        remembered: bool,
    },
    Skipped {
        code: String,
        message: String,
    },
    /// Not started: the run was interrupted (or the database writer stopped).
    NotDone,
}

/// Runs a conversion; `Err` is a fatal error (exit 2), document failures are in the summary.
pub fn convert(config: &Config) -> Result<Summary> {
    let started = Instant::now();
    let run_id = uuid::Uuid::new_v4().to_string();
    let _lock = lock::acquire_waiting(&config.state.db, config.wait)?;
    let conn = store::open(&config.state.db)?;
    let (reset, abandoned) = store::recover(&conn)?;
    if reset + abandoned > 0 {
        log::info!("resuming after an interrupted run: {reset} documents reset to pending");
    }
    let removed = write::clean_tmp_dir(&config.state.tmp_dir)
        .with_context(|| format!("cannot clean {}", config.state.tmp_dir.display()))?;
    if removed > 0 {
        log::info!("removed {removed} temporary files left by an interrupted run");
    }
    // Opened before the run is recorded: an events file that cannot be written is a usage error,
    // not a run left "running" in the history.
    let events = Events::open(config.events.as_deref())?;
    store::claim_for(&conn, &config.state.db, config.shard)?;
    store::start_run(
        &conn,
        &run_id,
        &store::now_rfc3339(),
        &config.command_line,
        config.shard,
    )?;
    // Taken before any file is read: a file modified after this moment is never trusted later.
    let hashed_at_ns = hash::system_time_ns(SystemTime::now());

    crate::logging::set_run_id(Some(&run_id));

    let progress = Progress::new(&config.report);
    // Lookups during the run read on their own connection: the recorder owns `conn` and writes.
    let reader = store::open(&config.state.db)?;
    let retry_jobs = match &config.retry {
        Some(codes) => Some(failed_documents(config, &reader, codes)?),
        None => None,
    };
    let threads = rayon::ThreadPoolBuilder::new()
        .num_threads(config.jobs)
        .stack_size(WORKER_STACK)
        .thread_name(|i| format!("docproc-worker-{i}"))
        .build()
        .context("cannot start worker threads")?;
    let workers = match config.supervision.isolation {
        crate::cli::Isolation::Process => Some(crate::worker::Pool::new(
            config.supervision.max_memory,
            config.supervision.timeout,
        )?),
        crate::cli::Isolation::None => None,
    };
    let barrier = write::Barrier::new(&[&config.state.output, &config.state.cache_dir]);
    let recorder = Recorder::spawn(conn, barrier);
    let ctx = WorkContext {
        config,
        run_id: &run_id,
        store: MarkdownStore::new(&config.state.cache_dir, &config.state.tmp_dir),
        progress: &progress,
        events: &events,
        pool: workers.as_ref(),
        recorder: recorder.sender(),
        recorder_failed: AtomicBool::new(false),
        in_flight: InFlight::default(),
        readers: store::Readers::new(&config.state.db),
    };
    progress.start_work(0);
    let mut tally = Tally::default();
    let discovery = ctx.run_chunks(&threads, &reader, retry_jobs, hashed_at_ns, &mut tally)?;
    for problem in &discovery.problems {
        progress.line(&problem.path, "walk", &problem.message);
    }
    tally.log_plan(&discovery);
    progress.finish();
    // The OCR slots' lock files (made only when a page was recognised).
    let _ = std::fs::remove_dir_all(config.state.tmp_dir.join(crate::config::OCR_SLOTS_DIR));
    let recorder_failed = ctx.recorder_failed.load(Ordering::SeqCst);
    // The recorder ends when every sender is gone.
    drop(ctx);
    drop(reader);
    let conn = recorder
        .finish()
        .context("cannot record results in the database")?;
    if recorder_failed {
        anyhow::bail!("the database writer stopped; results of this run were not all recorded");
    }

    let summary = summarize(config, &run_id, tally, &discovery, started);
    let status = if summary.interrupted {
        "interrupted"
    } else {
        "finished"
    };
    let counts = RunCounts {
        total: summary.documents.total,
        converted: summary.documents.converted,
        cached: summary.documents.cached,
        failed: summary.documents.failed,
        skipped: summary.documents.skipped,
        pending: summary.documents.pending,
        ignored: summary.ignored,
    };
    store::finish_run(
        &conn,
        &run_id,
        status,
        summary.exit_code,
        &counts,
        summary.duration_ms,
    )?;
    log::info!(
        converted = counts.converted, cached = counts.cached, failed = counts.failed,
        skipped = counts.skipped, pending = counts.pending, duration_ms = summary.duration_ms;
        "run finished with exit code {}", summary.exit_code
    );
    crate::logging::set_run_id(None);
    Ok(summary)
}

/// `docproc retry`: the failed documents of this output, as jobs. Documents whose source is gone
/// are reported (not counted); `docproc gc` removes their rows.
fn failed_documents(
    config: &Config,
    conn: &rusqlite::Connection,
    codes: &[String],
) -> Result<(Vec<Job>, discover::Discovery)> {
    let mut discovery = discover::Discovery::default();
    let mut jobs = Vec::new();
    for failed in store::failed_documents(conn, codes)? {
        let path = PathBuf::from(&failed.file_path);
        let Some(target) = failed.target_path.as_deref().map(std::path::Path::new) else {
            discovery.problems.push(discover::WalkProblem {
                path,
                message: "recorded by an older docproc without its output path; run 'docproc convert' on its folder".into(),
                missed_documents: true,
            });
            continue;
        };
        let Some(rel) = target
            .strip_prefix(&config.state.output)
            .ok()
            .and_then(|rel| rel.to_str()?.strip_suffix(".md").map(PathBuf::from))
        else {
            continue; // converted into another output directory sharing this database
        };
        // The format the name claims (the content decides again when it is read).
        let Some(claimed) = path
            .extension()
            .and_then(formats::by_extension)
            .filter(|f| config.converts(f))
        else {
            discovery.ignored += 1;
            continue;
        };
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() => jobs.push(Job {
                display: path.clone(),
                path,
                rel,
                claimed,
                stat: hash::FileStat::from_metadata(&meta),
            }),
            Ok(_) | Err(_) => discovery.problems.push(discover::WalkProblem {
                path,
                message: "the source no longer exists; 'docproc gc' removes its record".into(),
                missed_documents: false,
            }),
        }
    }
    Ok((jobs, discovery))
}

/// Documents planned and converted together: enough to keep every worker busy, few enough that
/// a run's memory does not depend on the size of the tree.
const CHUNK: usize = 4096;

/// The next chunk of documents from discovery: waits for the first, then takes what comes
/// within half a second (a slow walk, over NFS say, does not hold the work back), up to
/// [`CHUNK`]. None when discovery has ended.
fn next_chunk(rx: &std::sync::mpsc::Receiver<Job>) -> Option<Vec<Job>> {
    let first = rx.recv().ok()?;
    let deadline = Instant::now() + std::time::Duration::from_millis(500);
    let mut jobs = Vec::with_capacity(CHUNK);
    jobs.push(first);
    while jobs.len() < CHUNK {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(job) => jobs.push(job),
            Err(_) => break,
        }
    }
    Some(jobs)
}

/// `DocumentUploaded` for every new or changed document about to be processed.
fn announce_uploads(events: &Events, planned: &[Planned<'_>]) {
    for p in planned {
        // Refused by its content (a hash was taken) counts as uploaded; unreadable does not.
        let refused = matches!(p.action, Action::Fail(_)) && p.hash.is_some();
        if !matches!(p.action, Action::Convert | Action::Restore(_)) && !refused {
            continue;
        }
        let hash = p.hash.map(|h| h.to_hex());
        let known_hash = p.known.and_then(|k| k.row.content_hash.clone());
        if p.known.is_some() && known_hash == hash {
            continue; // same content: an output restored, not a new document
        }
        let modified = SystemTime::UNIX_EPOCH
            + std::time::Duration::from_nanos(p.job.stat.mtime_ns.max(0) as u64);
        events.uploaded(
            &p.id,
            &path_key(p.job),
            p.format.name,
            p.job.stat.size,
            serde_json::json!({
                "content_hash": hash,
                "modified_at": humantime::format_rfc3339_millis(modified).to_string(),
                "change": if p.known.is_some() { "modified" } else { "new" },
            }),
        );
    }
}

/// A piece of parallel work: documents that share a cache key are converted once.
#[derive(Debug)]
enum Unit {
    Convert {
        leader: usize,
        followers: Vec<usize>,
    },
    Restore(usize),
}

impl Unit {
    /// How much work the unit is, for scheduling: the leader's input size.
    fn weight(&self, planned: &[Planned<'_>]) -> u64 {
        match self {
            Unit::Convert { leader, .. } => planned[*leader].job.stat.size,
            Unit::Restore(_) => 0,
        }
    }
}

/// Records the documents that need no work and groups the rest into units.
fn work_units(
    planned: &[Planned<'_>],
    outcomes: &mut [Option<Outcome>],
    ctx: &WorkContext<'_>,
    tx: &SyncSender<Record>,
) -> Vec<Unit> {
    let mut units = Vec::new();
    let mut by_key: HashMap<&str, usize> = HashMap::new();
    for (index, p) in planned.iter().enumerate() {
        let outcome = match &p.action {
            Action::Convert => {
                let key = p.key.as_ref().map(CacheKey::as_str).unwrap_or_default();
                match by_key.get(key) {
                    Some(&unit) => {
                        if let Unit::Convert { followers, .. } = &mut units[unit] {
                            followers.push(index);
                        }
                    }
                    None => {
                        by_key.insert(key, units.len());
                        units.push(Unit::Convert {
                            leader: index,
                            followers: Vec::new(),
                        });
                    }
                }
                continue;
            }
            Action::Restore(_) => {
                units.push(Unit::Restore(index));
                continue;
            }
            Action::UpToDate { refresh_row } => {
                if *refresh_row && let Some(known) = p.known {
                    let mut row = known.row.clone();
                    row.stat = p.job.stat;
                    row.hashed_at_ns = p.hashed_at_ns;
                    row.run_id = ctx.run_id.to_string();
                    ctx.send(tx, Record::row(row, None));
                }
                // A completed document with an error code carries a warning (needs_ocr).
                let warning = p.known.and_then(|k| {
                    Some(Warning {
                        code: k.row.error_code.clone()?,
                        message: k.row.error_message.clone().unwrap_or_default(),
                    })
                });
                Outcome::Cached(warning)
            }
            Action::Remembered { code, message } => {
                ctx.progress.line(
                    &p.job.display,
                    code,
                    &format!("{message} (failed before; unchanged)"),
                );
                Outcome::Failed {
                    code: code.clone(),
                    message: message.clone(),
                    remembered: true,
                }
            }
            Action::Skip { code, message } => {
                let row = ctx.row(p, Status::Skipped, Some((code, message)));
                ctx.send(tx, Record::row(row, Some("skipped")));
                Outcome::Skipped {
                    code: code.to_string(),
                    message: message.clone(),
                }
            }
            Action::Fail(error) => ctx.fail(p, error, tx),
            Action::Interrupted => Outcome::NotDone,
        };
        outcomes[index] = Some(outcome);
    }
    units
}

/// Shared state of the parallel work phase.
struct WorkContext<'a> {
    config: &'a Config,
    run_id: &'a str,
    store: MarkdownStore,
    progress: &'a Progress,
    events: &'a Events,
    /// Worker processes (`--isolation process`); None converts in these threads.
    pool: Option<&'a crate::worker::Pool>,
    /// Where outcomes go to be recorded.
    recorder: SyncSender<Record>,
    recorder_failed: AtomicBool,
    /// Documents being converted, recorded as `processing` once they take a while.
    in_flight: InFlight,
    /// Connections for the cache lookups of the parallel planning.
    readers: store::Readers,
}

impl WorkContext<'_> {
    fn send(&self, tx: &SyncSender<Record>, record: Record) {
        if tx.send(record).is_err() {
            self.recorder_failed.store(true, Ordering::SeqCst);
        }
    }

    fn stop_requested(&self) -> bool {
        interrupt::requested() || self.recorder_failed.load(Ordering::SeqCst)
    }

    /// Discovery walks in its own thread, a chunk ahead at most; each chunk is planned,
    /// converted and recorded before the next is taken, so memory does not grow with the tree.
    /// A ticker thread records the documents whose conversion takes a while as `processing`.
    fn run_chunks(
        &self,
        threads: &rayon::ThreadPool,
        reader: &rusqlite::Connection,
        retry_jobs: Option<(Vec<Job>, discover::Discovery)>,
        hashed_at_ns: i64,
        tally: &mut Tally,
    ) -> Result<discover::Discovery> {
        let config = self.config;
        let converting = AtomicBool::new(true);
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Job>(CHUNK);
            let walker = scope.spawn(move || match retry_jobs {
                Some((jobs, found)) => {
                    for job in jobs {
                        if tx.send(job).is_err() {
                            break;
                        }
                    }
                    found
                }
                None => discover::discover(config, &mut |job| tx.send(job).is_ok()),
            });
            let ticker = scope.spawn(|| {
                let tx = self.recorder.clone();
                while converting.load(Ordering::SeqCst) {
                    if !self.in_flight.tick(&tx) {
                        self.recorder_failed.store(true, Ordering::SeqCst);
                        break;
                    }
                    // Woken early when the conversions end, so the run does not wait out a tick.
                    std::thread::park_timeout(PROCESSING_AFTER / 4);
                }
            });
            let mut lookup = store::KnownLookup::new(reader);
            let mut result = Ok(());
            while let Some(jobs) = next_chunk(&rx) {
                result = self.process_chunk(threads, &mut lookup, &jobs, hashed_at_ns, tally);
                if result.is_err() || self.stop_requested() {
                    break;
                }
            }
            // Dropping the receiver stops the walk.
            drop(rx);
            converting.store(false, Ordering::SeqCst);
            ticker.thread().unpark();
            let _ = ticker.join();
            let discovery = walker
                .join()
                .map_err(|_| anyhow::anyhow!("the directory walk crashed"))?;
            result.map(|()| discovery)
        })
    }

    /// Plans, converts and records one chunk of documents, and adds their outcomes up.
    fn process_chunk(
        &self,
        threads: &rayon::ThreadPool,
        lookup: &mut store::KnownLookup<'_>,
        jobs: &[Job],
        hashed_at_ns: i64,
        tally: &mut Tally,
    ) -> Result<()> {
        let config = self.config;
        let known = jobs
            .iter()
            .map(|job| lookup.find(&path_key(job)))
            .collect::<Result<Vec<_>>>()?;
        self.progress.add_work(jobs.len() as u64);
        let planned = threads.install(|| {
            jobs.par_iter()
                .zip(known.par_iter())
                .with_max_len(1)
                .map(|(job, known)| plan(config, job, known.as_ref(), hashed_at_ns))
                .collect::<Vec<_>>()
        });
        let planned = with_cache_lookups(config, &self.readers, threads, planned)?;
        if self.events.enabled() {
            announce_uploads(self.events, &planned);
        }
        let recorder = self.recorder.clone();
        let mut outcomes: Vec<Option<Outcome>> = vec![None; planned.len()];
        let mut units = work_units(&planned, &mut outcomes, self, &recorder);
        // Largest conversions first: a big document started last would keep one worker busy
        // while the others wait (restores are cheap and go last).
        units.sort_by_key(|u| std::cmp::Reverse(u.weight(&planned)));
        let results: Vec<Vec<(usize, Outcome)>> = threads.install(|| {
            units
                .par_iter()
                // One task per unit: rayon's adaptive splitting would otherwise leave the
                // first (largest) units to one thread.
                .with_max_len(1)
                .map_with(recorder, |tx, unit| self.run_unit(&planned, unit, tx))
                .collect()
        });
        for (index, outcome) in results.into_iter().flatten() {
            outcomes[index] = Some(outcome);
        }
        tally.add(&planned, &outcomes);
        Ok(())
    }

    fn run_unit(
        &self,
        planned: &[Planned<'_>],
        unit: &Unit,
        tx: &mut SyncSender<Record>,
    ) -> Vec<(usize, Outcome)> {
        if self.stop_requested() {
            let all: Vec<usize> = match unit {
                Unit::Convert { leader, followers } => std::iter::once(*leader)
                    .chain(followers.iter().copied())
                    .collect(),
                Unit::Restore(index) => vec![*index],
            };
            return all.into_iter().map(|i| (i, Outcome::NotDone)).collect();
        }
        let out = match unit {
            Unit::Restore(index) => vec![(*index, self.restore(&planned[*index], tx))],
            Unit::Convert { leader, followers } => {
                self.convert_group(planned, *leader, followers, tx)
            }
        };
        self.progress.inc(out.len() as u64);
        out
    }

    /// Converts the leader; its followers (same content) get copies of the result.
    fn convert_group(
        &self,
        planned: &[Planned<'_>],
        leader: usize,
        followers: &[usize],
        tx: &SyncSender<Record>,
    ) -> Vec<(usize, Outcome)> {
        let p = &planned[leader];
        let mut processing = self.row(p, Status::Processing, None);
        processing.processed_at = None;
        let token = self.in_flight.begin(processing);

        let started = Instant::now();
        let produced = self.produce(p);
        let duration_ms = started.elapsed().as_millis() as u64;
        self.in_flight.end(token);
        let Some(hash) = produced.hash else {
            // Nothing was hashed: the file could not be read, or its worker timed out, ran out
            // of memory or died. Followers share the content (as planned): the same failure,
            // unless it was about reading this one file.
            let error = produced
                .result
                .err()
                .unwrap_or_else(|| ConvertError::Internal("no result".into()));
            log::debug!("{}: {}", printable(&p.job.display), error);
            let (hash, key) = if matches!(error, ConvertError::Io(_)) {
                (None, None)
            } else {
                (p.hash.as_ref(), p.key.as_ref())
            };
            let mut out = vec![(
                leader,
                self.fail_with_hash(p, &error, hash, key, Some(duration_ms), tx),
            )];
            for &f in followers {
                let outcome = if hash.is_none() {
                    self.convert_alone(&planned[f], tx)
                } else {
                    self.fail_with_hash(&planned[f], &error, hash, key, Some(0), tx)
                };
                out.push((f, outcome));
            }
            return out;
        };
        let result = produced.result;
        // The file may have changed since it was hashed: what is recorded describes these bytes.
        let changed = Some(hash) != p.hash;
        let mut key = self.config.cache_key(&hash, p.format);
        if let Ok(converted) = &result
            && converted.metadata.contains_key(convert::OCR_KEY)
        {
            key = ocr_key(self.config, &key);
        }
        match &result {
            Ok(_) => log::debug!(
                "{}: converted in {duration_ms} ms",
                printable(&p.job.display)
            ),
            Err(e) => log::debug!(
                "{}: {} after {duration_ms} ms",
                printable(&p.job.display),
                e.code()
            ),
        }
        let mut out = Vec::with_capacity(1 + followers.len());
        match result {
            Ok(converted) => {
                let (metadata, warning) = (converted.metadata.clone(), converted.warning.clone());
                let outcome = self.finish_conversion(p, &hash, &key, converted, duration_ms, tx);
                let ok = matches!(outcome, Outcome::Converted(_));
                out.push((leader, outcome));
                for &f in followers {
                    let outcome = if ok && !changed {
                        self.copy_for_follower(&planned[f], &key, &hash, &metadata, &warning, tx)
                    } else {
                        self.convert_alone(&planned[f], tx)
                    };
                    out.push((f, outcome));
                }
            }
            Err(error) => {
                let outcome =
                    self.fail_with_hash(p, &error, Some(&hash), Some(&key), Some(duration_ms), tx);
                out.push((leader, outcome));
                for &f in followers {
                    let outcome = if changed {
                        self.convert_alone(&planned[f], tx)
                    } else {
                        self.fail_with_hash(
                            &planned[f],
                            &error,
                            Some(&hash),
                            Some(&key),
                            Some(0),
                            tx,
                        )
                    };
                    out.push((f, outcome));
                }
            }
        }
        out
    }

    /// Reads, hashes and converts one document, in a worker or in this thread; transient
    /// failures (unreadable file, crashed worker) are tried again with exponential backoff.
    fn produce(&self, p: &Planned<'_>) -> convert::Produced {
        let mut attempt = 0;
        loop {
            let produced = match (&p.content, self.pool) {
                (Some(bytes), _) => convert::convert_read(
                    &p.job.path,
                    bytes,
                    p.format,
                    &self.config.conversion_options(p.format),
                ),
                (None, Some(pool)) => pool.convert(
                    &p.job.path,
                    p.format,
                    &self.config.conversion_options(p.format),
                ),
                (None, None) => convert::convert_file(
                    &p.job.path,
                    p.format,
                    &self.config.conversion_options(p.format),
                ),
            };
            match &produced.result {
                Err(e)
                    if e.is_transient()
                        && attempt < self.config.supervision.retries
                        && !self.stop_requested() =>
                {
                    let delay = RETRY_DELAY * 2u32.pow(attempt.min(6));
                    log::info!(
                        path = printable(&p.job.display), code = e.code();
                        "{}: {e}; trying again in {} ms (attempt {} of {})",
                        printable(&p.job.display),
                        delay.as_millis(),
                        attempt + 2,
                        self.config.supervision.retries + 1
                    );
                    std::thread::sleep(delay);
                    attempt += 1;
                }
                _ => return produced,
            }
        }
    }

    /// A follower whose leader's file changed mid-run: convert it on its own.
    fn convert_alone(&self, p: &Planned<'_>, tx: &SyncSender<Record>) -> Outcome {
        let planned = std::slice::from_ref(p);
        self.convert_group(planned, 0, &[], tx)
            .pop()
            .map_or(Outcome::NotDone, |(_, o)| o)
    }
}
