//! `cli::ConvertArgs` validated once into the immutable [`Config`] the pipeline runs on.
//!
//! Everything that can be checked before work starts is checked here, so that a bad flag or an
//! unusable output directory fails fast with exit 2 instead of half-way through a batch: paths
//! exist and are canonical, globs compile, the output directory is created, the state locations
//! are resolved, and the output names of the roots cannot collide.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::cli::{Isolation, RunArgs, SelectArgs, StateArgs};
use crate::convert::{ConvertOptions, Limits};
use crate::formats::FormatSpec;
use crate::ocr::{OcrMode, OcrSettings};
use crate::shard::Shard;

/// Name of the state directory created inside the output tree by default.
pub const STATE_DIR_NAME: &str = ".docproc";
/// Where, inside the state directory, shards keep their databases by default.
pub const SHARDS_DIR_NAME: &str = "shards";

/// The temporary directory of a database's runs: `tmp/` beside `docproc.db`, `tmp-NAME/` beside
/// any other database, so that runs on two databases in one directory (the shards of a plan)
/// never empty each other's.
fn tmp_dir_of(db: &Path) -> PathBuf {
    let dir = db.parent().unwrap_or(Path::new("."));
    match db.file_stem().and_then(|s| s.to_str()) {
        Some("docproc") | None => dir.join("tmp"),
        Some(stem) => dir.join(format!("tmp-{stem}")),
    }
}

/// One PATH argument, resolved.
#[derive(Debug, Clone)]
pub struct Root {
    /// Canonical absolute path.
    pub path: PathBuf,
    /// The path as the user typed it; used when printing.
    pub display: PathBuf,
    /// Where this root's documents go, relative to the output directory ("" for a single
    /// directory root, whose contents are mirrored directly).
    pub out_prefix: PathBuf,
    pub is_dir: bool,
}

/// Which files discovery keeps.
#[derive(Debug)]
pub struct Filters {
    pub include: Option<GlobSet>,
    pub exclude: Option<GlobSet>,
    pub hidden: bool,
    pub follow_symlinks: bool,
}

/// Where the database, the cache and temporary files live.
#[derive(Debug, Clone)]
pub struct StatePaths {
    /// Canonical output directory (exists once the config is built).
    pub output: PathBuf,
    pub db: PathBuf,
    pub cache_dir: PathBuf,
    /// Temporary files are created here and renamed into place; emptied at the start of a run.
    pub tmp_dir: PathBuf,
}

impl StatePaths {
    /// Resolves `--output`, `--db` and `--cache-dir`, creating the directories. A shard's
    /// database defaults to `OUTPUT/.docproc/shards/KKKK-of-NNNN.db`, and its cache to the
    /// output's (all shards share it) wherever its database is.
    pub fn from_args(args: &StateArgs, shard: Option<Shard>) -> Result<StatePaths> {
        let given = required_output(args)?;
        std::fs::create_dir_all(given)
            .with_context(|| format!("cannot create output directory {}", given.display()))?;
        let output = given
            .canonicalize()
            .with_context(|| format!("cannot resolve output directory {}", given.display()))?;
        if !output.is_dir() {
            bail!("output {} is not a directory", output.display());
        }
        // Fail now, not once per document, when nothing can be written there.
        tempfile::tempfile_in(&output)
            .with_context(|| format!("output directory {} is not writable", output.display()))?;
        let db = match (&args.db, shard) {
            (Some(db), _) => absolute(db)?,
            (None, Some(shard)) => output
                .join(STATE_DIR_NAME)
                .join(SHARDS_DIR_NAME)
                .join(shard.db_name()),
            (None, None) => output.join(STATE_DIR_NAME).join("docproc.db"),
        };
        let state_dir = db
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| output.clone());
        std::fs::create_dir_all(&state_dir)
            .with_context(|| format!("cannot create state directory {}", state_dir.display()))?;
        let cache_dir = match (&args.cache_dir, shard) {
            (Some(dir), _) => absolute(dir)?,
            (None, Some(_)) => output.join(STATE_DIR_NAME).join("cache"),
            (None, None) => state_dir.join("cache"),
        };
        std::fs::create_dir_all(&cache_dir)
            .with_context(|| format!("cannot create cache directory {}", cache_dir.display()))?;
        let tmp_dir = tmp_dir_of(&db);
        std::fs::create_dir_all(&tmp_dir)
            .with_context(|| format!("cannot create directory {}", tmp_dir.display()))?;
        // Canonical forms, so that discovery can recognise them and never walk them as input.
        let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        Ok(StatePaths {
            output,
            db: canon(&state_dir).join(db.file_name().unwrap_or_default()),
            cache_dir: canon(&cache_dir),
            tmp_dir: canon(&tmp_dir),
        })
    }

    /// Finds an existing state without creating anything, for the commands that only read it
    /// (or maintain it). `--db` alone is enough; without it the database is looked for in
    /// OUTPUT/.docproc.
    pub fn locate(args: &StateArgs) -> Result<StatePaths> {
        let output = match (&args.output, &args.db) {
            (Some(output), _) => absolute(output)?,
            (None, Some(_)) => PathBuf::new(),
            (None, None) => {
                required_output(args)?;
                unreachable!()
            }
        };
        let output = output.canonicalize().unwrap_or(output);
        let db = match &args.db {
            Some(db) => absolute(db)?,
            None => output.join(STATE_DIR_NAME).join("docproc.db"),
        };
        if !db.is_file() {
            let shards = db.with_file_name(SHARDS_DIR_NAME);
            let has_shards = std::fs::read_dir(&shards).is_ok_and(|mut entries| {
                entries.any(|e| e.is_ok_and(|e| e.path().extension().is_some_and(|x| x == "db")))
            });
            if has_shards {
                bail!(
                    "no docproc database at {} yet, but there are shard databases in {}; \
                     fold them in with 'docproc merge -o OUTPUT'",
                    db.display(),
                    shards.display()
                );
            }
            bail!(
                "no docproc database at {}; run 'docproc convert' with this --output (or --db) first",
                db.display()
            );
        }
        let db = db.canonicalize().unwrap_or(db);
        let state_dir = db.parent().map(Path::to_path_buf).unwrap_or_default();
        let cache_dir = match &args.cache_dir {
            Some(dir) => absolute(dir)?,
            None => state_dir.join("cache"),
        };
        Ok(StatePaths {
            output,
            cache_dir: cache_dir.canonicalize().unwrap_or(cache_dir),
            tmp_dir: tmp_dir_of(&db),
            db,
        })
    }

    /// The directory holding the database (and by default the cache and the lock).
    pub fn state_dir(&self) -> &Path {
        self.db.parent().unwrap_or(&self.output)
    }
}

/// How the run reports to people and machines.
#[derive(Debug, Clone, Copy)]
pub struct ReportOptions {
    pub json: bool,
    pub quiet: bool,
    /// Draw a progress bar (only ever true when stderr is a terminal).
    pub progress: bool,
}

/// Everything `docproc convert` needs, validated.
#[derive(Debug)]
pub struct Config {
    pub roots: Vec<Root>,
    pub state: StatePaths,
    pub filters: Filters,
    pub jobs: usize,
    pub force: bool,
    pub rehash: bool,
    pub retry_failed: bool,
    /// Every format in registry order: whether this run converts it, and its options (the run's
    /// limits included).
    pub formats: Vec<FormatPlan>,
    pub limits: Limits,
    /// `--events`: where document events go.
    pub events: Option<PathBuf>,
    /// How conversions are supervised.
    pub supervision: Supervision,
    /// `--wait`: how long to wait for another run's lock.
    pub wait: std::time::Duration,
    /// `docproc retry`: convert the failed documents of the state (with these error codes, or
    /// all when empty) instead of walking roots.
    pub retry: Option<Vec<String>>,
    pub report: ReportOptions,
    /// The command line, recorded in the `runs` table.
    pub command_line: String,
    /// OCR as asked for; Tesseract is looked for when a document first needs it.
    pub ocr_request: OcrRequest,
    ocr: std::sync::OnceLock<OcrSettings>,
    /// `--shard K/N`: the documents of one shard only.
    pub shard: Option<Shard>,
    /// `--files-from`/`--files-from0`: exactly these files, as listed (not walked).
    pub file_list: Option<Vec<PathBuf>>,
}

/// One Tesseract per job: the run's worker processes share `--jobs` slots in the state's
/// `tmp/ocr-slots/` (removed when the run ends).
fn ocr_slots(state: &StatePaths, jobs: usize) -> Option<crate::ocr::Slots> {
    Some(crate::ocr::Slots {
        dir: state.tmp_dir.join(OCR_SLOTS_DIR),
        count: jobs,
    })
}

/// The directory of the OCR slots, under the state's `tmp/`.
pub const OCR_SLOTS_DIR: &str = "ocr-slots";

/// `--ocr`, `--ocr-lang`, `--ocr-dpi`, `--ocr-timeout` and `--tesseract`, validated.
#[derive(Debug, Clone)]
pub struct OcrRequest {
    pub mode: OcrMode,
    pub languages: String,
    pub dpi: u32,
    pub page_timeout_secs: u64,
    pub program: Option<PathBuf>,
}

impl OcrRequest {
    pub fn from_args(args: &RunArgs) -> OcrRequest {
        OcrRequest {
            mode: args.ocr.unwrap_or_default(),
            languages: args.ocr_lang.clone().unwrap_or_else(|| "eng".into()),
            dpi: args.ocr_dpi.unwrap_or(300),
            page_timeout_secs: args.ocr_timeout.unwrap_or(120),
            program: args.tesseract.clone(),
        }
    }

    fn validate(&self) -> Result<()> {
        if !(50..=1200).contains(&self.dpi) {
            bail!("--ocr-dpi must be between 50 and 1200");
        }
        let valid = |l: &str| {
            !l.is_empty()
                && l.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        };
        if !self.languages.split('+').all(valid) {
            bail!(
                "--ocr-lang takes Tesseract language names joined with + (eng, eng+deu), not '{}'",
                self.languages
            );
        }
        Ok(())
    }

    /// Looks for Tesseract (unless OCR is off); `slots` is the run's budget of Tesseract
    /// processes.
    fn resolve(
        &self,
        slots: Option<crate::ocr::Slots>,
    ) -> (OcrSettings, Option<crate::ocr::Unavailable>) {
        let mut settings = OcrSettings {
            mode: self.mode,
            engine: None,
            languages: self.languages.clone(),
            dpi: self.dpi,
            page_timeout_secs: self.page_timeout_secs,
            slots,
        };
        if self.mode == OcrMode::Off {
            return (settings, None);
        }
        match crate::ocr::probe(self.program.as_deref(), &self.languages) {
            Ok(engine) => {
                log::debug!(
                    "OCR with tesseract {} ({})",
                    engine.version,
                    engine.program.display()
                );
                settings.engine = Some(engine);
                (settings, None)
            }
            Err(missing) => (settings, Some(missing)),
        }
    }
}

impl Config {
    /// Validates the options of `convert` (with `paths`) or `retry` (with `retry` codes).
    pub fn new(
        paths: &[PathBuf],
        state: &StateArgs,
        select: &SelectArgs,
        args: RunArgs,
        retry: Option<Vec<String>>,
        stderr_is_terminal: bool,
    ) -> Result<Config> {
        let command_line = std::env::args_os()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ");
        let jobs = match args.jobs {
            Some(0) => bail!("--jobs must be at least 1"),
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        if args.json && args.events.as_deref() == Some(Path::new("-")) {
            bail!("--events - and --json both write to stdout; write the events to a file");
        }
        let filters = Filters {
            include: build_globs("--include", &args.include)?,
            exclude: build_globs("--exclude", &args.exclude)?,
            hidden: args.hidden,
            follow_symlinks: args.follow_symlinks,
        };
        let roots = resolve_roots(paths)?;
        let shard = match &select.shard {
            Some(value) => Some(Shard::parse(value, &|name| std::env::var(name).ok())?),
            None => None,
        };
        let file_list = match (&select.files_from, &select.files_from0) {
            (Some(file), _) => Some(read_file_list(file, b'\n')?),
            (None, Some(file)) => Some(read_file_list(file, 0)?),
            (None, None) => None,
        };
        let state = StatePaths::from_args(state, shard)?;
        let defaults = RunDefaults::resolve(&args);
        if !defaults.timeout_secs.is_finite() || defaults.timeout_secs < 0.0 {
            bail!("--timeout must be a number of seconds (0 for no limit)");
        }
        if !defaults.wait_secs.is_finite() || defaults.wait_secs < 0.0 {
            bail!("--wait must be a number of seconds");
        }
        let limits = limits(&args);
        let formats = crate::settings::resolve_formats(&args, &args.file_label)?
            .into_iter()
            .map(|r| {
                let mut options = r.options;
                options.limits = limits;
                FormatPlan {
                    format: r.format,
                    enabled: r.enabled,
                    fingerprint: r.format.fingerprint(&options),
                    options,
                }
            })
            .collect::<Vec<_>>();
        if !formats.iter().any(|f| f.enabled) {
            bail!("no format is enabled: check --formats and the [formats.NAME] enabled settings");
        }
        let ocr_request = OcrRequest::from_args(&args);
        ocr_request.validate()?;
        let ocr = std::sync::OnceLock::new();
        // --ocr force cannot do without Tesseract: say so before anything is converted.
        if ocr_request.mode == OcrMode::Force {
            let (settings, missing) = ocr_request.resolve(ocr_slots(&state, jobs));
            if let Some(missing) = missing {
                bail!("--ocr force: {missing}");
            }
            let _ = ocr.set(settings);
        }
        Ok(Config {
            roots,
            state,
            filters,
            jobs,
            force: args.force,
            rehash: args.rehash,
            retry_failed: args.retry_failed || retry.is_some(),
            limits,
            supervision: Supervision {
                isolation: defaults.isolation,
                timeout: (defaults.timeout_secs > 0.0)
                    .then(|| std::time::Duration::from_secs_f64(defaults.timeout_secs)),
                max_memory: (defaults.max_memory > 0).then_some(defaults.max_memory),
                retries: defaults.retries,
            },
            wait: std::time::Duration::from_secs_f64(defaults.wait_secs),
            formats,
            events: args.events,
            retry,
            report: ReportOptions {
                json: args.json,
                quiet: args.quiet,
                progress: stderr_is_terminal && !args.quiet && !args.no_progress,
            },
            command_line,
            ocr_request,
            ocr,
            shard,
            file_list,
        })
    }

    /// The OCR settings of this run: Tesseract is looked for the first time a document may
    /// need it (a run without scans never starts it). When it is missing, one warning says how
    /// to install it and scans keep `needs_ocr`.
    pub fn ocr(&self) -> &OcrSettings {
        self.ocr.get_or_init(|| {
            let (settings, missing) = self.ocr_request.resolve(ocr_slots(&self.state, self.jobs));
            if let Some(missing) = missing {
                log::warn!(
                    "{missing}; scanned pages and images are converted without text (needs_ocr)"
                );
            }
            settings
        })
    }

    /// The options a document of this format is converted with, OCR settings included for the
    /// formats that use them.
    pub fn conversion_options(&self, format: &FormatSpec) -> std::borrow::Cow<'_, ConvertOptions> {
        let options = self.options_for(format);
        if format.converter.uses_ocr() {
            let mut options = options.clone();
            options.ocr = self.ocr().clone();
            std::borrow::Cow::Owned(options)
        } else {
            std::borrow::Cow::Borrowed(options)
        }
    }

    /// Whether files of this format are converted in this run.
    pub fn converts(&self, format: &FormatSpec) -> bool {
        self.plan(format).is_some_and(|p| p.enabled)
    }

    /// The options a document of this format is converted with.
    pub fn options_for(&self, format: &FormatSpec) -> &ConvertOptions {
        &self
            .plan(format)
            .expect("every registered format has a plan")
            .options
    }

    /// The fingerprint of this format's options in this run.
    pub fn fingerprint_for(&self, format: &FormatSpec) -> &str {
        &self
            .plan(format)
            .expect("every registered format has a plan")
            .fingerprint
    }

    /// The cache key of content converted as `format` with this run's options.
    pub fn cache_key(
        &self,
        content: &crate::hash::ContentHash,
        format: &FormatSpec,
    ) -> crate::cache::CacheKey {
        crate::cache::CacheKey::with_fingerprint(content, format, self.fingerprint_for(format))
    }

    fn plan(&self, format: &FormatSpec) -> Option<&FormatPlan> {
        self.formats.iter().find(|p| p.format == format)
    }
}

/// One format as this run converts it.
#[derive(Debug, Clone)]
pub struct FormatPlan {
    pub format: &'static FormatSpec,
    pub enabled: bool,
    pub options: ConvertOptions,
    /// The options' part of the cache key ([`FormatSpec::fingerprint`]), made once.
    pub fingerprint: String,
}

/// How each conversion is run and watched.
#[derive(Debug, Clone, Copy)]
pub struct Supervision {
    pub isolation: Isolation,
    /// Per document; None: no limit.
    pub timeout: Option<std::time::Duration>,
    /// Per worker, bytes of address space; None: no limit.
    pub max_memory: Option<u64>,
    /// Extra attempts for transient failures (io, crashed).
    pub retries: u32,
}

/// The run options whose defaults live here, resolved.
#[derive(Debug, Clone, Copy)]
pub struct RunDefaults {
    pub isolation: Isolation,
    pub timeout_secs: f64,
    pub max_memory: u64,
    pub retries: u32,
    pub wait_secs: f64,
}

impl RunDefaults {
    pub fn resolve(args: &RunArgs) -> RunDefaults {
        RunDefaults {
            isolation: args.isolation.unwrap_or(Isolation::Process),
            timeout_secs: args.timeout.unwrap_or(60.0),
            max_memory: args.max_memory.map_or(2 << 30, |s| s.0),
            retries: args.retries.unwrap_or(2),
            wait_secs: args.wait.unwrap_or(0.0),
        }
    }
}

/// The limits on hostile input, from the options (defaults in [`Limits::default`]).
pub fn limits(args: &RunArgs) -> Limits {
    let d = Limits::default();
    Limits {
        max_file_size: args.max_file_size.map_or(d.max_file_size, |s| s.0),
        max_pages: args.max_pages.unwrap_or(d.max_pages),
        max_output_size: args.max_output_size.map_or(d.max_output_size, |s| s.0),
        max_unzipped_size: args.max_unzipped_size.map_or(d.max_unzipped_size, |s| s.0),
        max_zip_ratio: args.max_zip_ratio.unwrap_or(d.max_zip_ratio),
        max_xml_depth: args.max_xml_depth.unwrap_or(d.max_xml_depth),
    }
}

/// The paths of `--files-from` (one per line; a trailing CR is dropped) or `--files-from0` (NUL
/// separated); `-` is standard input. Empty entries are skipped.
fn read_file_list(file: &Path, separator: u8) -> Result<Vec<PathBuf>> {
    use std::io::Read;
    let flag = if separator == 0 {
        "--files-from0"
    } else {
        "--files-from"
    };
    let mut bytes = Vec::new();
    if file == Path::new("-") {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .with_context(|| format!("{flag}: cannot read standard input"))?;
    } else {
        bytes = std::fs::read(file)
            .with_context(|| format!("{flag}: cannot read {}", file.display()))?;
    }
    let mut paths = Vec::new();
    for entry in bytes.split(|&b| b == separator) {
        let entry = match (separator, entry) {
            (b'\n', [rest @ .., b'\r']) => rest,
            _ => entry,
        };
        if entry.is_empty() {
            continue;
        }
        paths.push(path_from_bytes(entry)?);
    }
    Ok(paths)
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> Result<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    Ok(PathBuf::from(std::ffi::OsStr::from_bytes(bytes)))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> Result<PathBuf> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(PathBuf::from(s)),
        Err(_) => bail!(
            "a listed path is not UTF-8: {}",
            String::from_utf8_lossy(bytes)
        ),
    }
}

fn required_output(args: &StateArgs) -> Result<&Path> {
    match &args.output {
        Some(output) => Ok(output),
        None => bail!(
            "no output directory: pass --output DIR, set DOCPROC_OUTPUT, or set output in docproc.toml"
        ),
    }
}

fn absolute(path: &Path) -> Result<PathBuf> {
    std::path::absolute(path).with_context(|| format!("cannot resolve {}", path.display()))
}

fn build_globs(flag: &str, patterns: &[String]) -> Result<Option<GlobSet>> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob =
            Glob::new(pattern).with_context(|| format!("invalid {flag} glob {pattern:?}"))?;
        builder.add(glob);
    }
    Ok(Some(builder.build()?))
}

/// Canonicalises the PATH arguments, drops repeats, and decides where each one's output goes.
fn resolve_roots(paths: &[PathBuf]) -> Result<Vec<Root>> {
    let mut roots: Vec<Root> = Vec::new();
    for given in paths {
        let path = given
            .canonicalize()
            .with_context(|| format!("cannot read {}", given.display()))?;
        if roots.iter().any(|r| r.path == path) {
            continue;
        }
        let is_dir = path.is_dir();
        roots.push(Root {
            path,
            display: given.clone(),
            out_prefix: PathBuf::new(),
            is_dir,
        });
    }
    // One directory: mirror its contents. Otherwise every root keeps its own name, like `cp -r`.
    let mirror_directly = roots.len() == 1 && roots[0].is_dir;
    if !mirror_directly {
        let mut claimed: HashMap<PathBuf, PathBuf> = HashMap::new();
        for root in &mut roots {
            let name = PathBuf::from(root.path.file_name().unwrap_or(root.path.as_os_str()));
            if let Some(other) = claimed.insert(name.clone(), root.display.clone()) {
                bail!(
                    "{} and {} would both be written to OUTPUT/{}; convert them in separate runs \
                     with different --output directories",
                    other.display(),
                    root.display.display(),
                    name.display()
                );
            }
            root.out_prefix = name;
        }
    }
    Ok(roots)
}
