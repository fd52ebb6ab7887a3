//! The command line as clap sees it.
//!
//! Nothing outside this module and `config.rs` touches these types: `config::Config::from_cli`
//! validates them once into the immutable configuration the pipeline runs on. Every operational
//! flag has a `DOCPROC_*` environment twin so that cron jobs and CI steps can set them without
//! editing command lines; for switches any value but `0`, `false`, `no`, `off` or an empty one
//! turns them on. A flag on the command line wins over its environment twin. The man page and shell completions are generated from this definition
//! (`generate.rs`) and a test fails when the committed copies drift from it.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::builder::FalseyValueParser;
use clap::{
    ArgAction, ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum,
};

/// Convert folders of documents (PDF, Office, OpenDocument, CSV, text) to Markdown.
///
/// docproc walks the paths it is given, converts every supported document to Markdown in parallel,
/// writes the Markdown into an output tree that mirrors the input, and records each document's
/// status and metadata in a local SQLite database. Unchanged or moved documents are never
/// converted twice: the cache is keyed by the BLAKE3 hash of the content.
#[derive(Debug, Parser)]
#[command(
    name = "docproc",
    version,
    about,
    long_about = None,
    after_help = "Exit status: 0 all documents converted or cached, 1 some documents failed, \
                  2 usage or fatal error, 130 interrupted.\n\
                  Run 'docproc help convert' for the options of a conversion."
)]
pub struct Cli {
    /// Show more log output on stderr (-v info, -vv debug, -vvv trace); DOCPROC_LOG overrides
    #[arg(short, long, action = ArgAction::Count, global = true)]
    pub verbose: u8,

    /// Format of log and failure lines on stderr
    #[arg(
        long,
        value_name = "FORMAT",
        env = "DOCPROC_LOG_FORMAT",
        hide_env_values = true,
        global = true
    )]
    pub log_format: Option<LogFormat>,

    /// Read settings from FILE [default: ./docproc.toml, else ~/.config/docproc/config.toml]
    #[arg(
        long,
        value_name = "FILE",
        env = "DOCPROC_CONFIG",
        hide_env_values = true,
        global = true
    )]
    pub config: Option<PathBuf>,

    /// Read no configuration file
    #[arg(long, global = true, env = "DOCPROC_NO_CONFIG", hide_env_values = true, value_parser = FalseyValueParser::new(), conflicts_with = "config")]
    pub no_config: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Convert documents under PATHS to Markdown in an output directory
    #[command(long_about = convert_long_about())]
    Convert(ConvertArgs),

    /// Convert the documents that failed in earlier runs again
    #[command(long_about = RETRY_LONG_ABOUT)]
    Retry(RetryArgs),

    /// Totals by status and type, cache hit rate, success rate, the last run, sizes
    Status(StatusArgs),

    /// List documents, filtered and paginated
    List(ListArgs),

    /// Show one document: status, error, metadata, output and cache paths
    Show(ShowArgs),

    /// Throughput, cache hit rate, success rate, conversion times and failures over a period
    Stats(StatsArgs),

    /// Remove outputs, cached Markdown and rows of documents whose source is gone
    Gc(GcArgs),

    /// Fold the databases of shards (convert --shard K/N) into the output's database
    #[command(long_about = MERGE_LONG_ABOUT)]
    Merge(MergeArgs),

    /// Back up, check or compact the database
    #[command(subcommand)]
    Db(DbCommand),

    /// Write every document and its metadata as JSON lines or CSV
    Export(ExportArgs),

    /// Inspect docproc's configuration
    #[command(subcommand)]
    Config(ConfigCommand),

    /// Write the man page and shell completions into a directory (for packagers)
    #[command(hide = true)]
    Generate(GenerateArgs),

    /// Serve conversions on stdin/stdout for a parent docproc (internal)
    #[command(hide = true)]
    Worker(WorkerArgs),
}

#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// Address space limit of this process, in bytes
    #[arg(long, value_name = "BYTES")]
    pub max_memory: Option<u64>,
}

/// The long help of `convert`, with the formats from the registry.
fn convert_long_about() -> String {
    let formats: Vec<String> = crate::formats::ALL
        .iter()
        .filter(|f| f.enabled_by_default)
        .map(|f| format!("{} (.{})", f.title, f.extensions.join(", .")))
        .collect();
    format!(
        "\
Convert documents under PATHS to Markdown in an output directory.

Every PATH (a file or a directory) is walked; files of these formats are converted: {}. \
Everything else is counted as ignored. A file whose content is another format than its \
extension says is converted as what it is (with a 'rerouted' warning). The Markdown for \
a/b/report.pdf is written to OUTPUT/a/b/report.pdf.md: the full source name is kept, so \
report.pdf and report.docx in one folder never overwrite each other. With one directory PATH \
its contents are mirrored directly; with several PATHs (or file PATHs) each one keeps its own \
name as the first level of the output.

The state (SQLite database and the content-addressed Markdown cache) lives in OUTPUT/.docproc \
unless --db says otherwise. A second run converts only documents whose content changed.",
        formats.join(", ")
    )
}

const RETRY_LONG_ABOUT: &str = "\
Convert the documents that failed in earlier runs again.

Every document of this state recorded as failed (all of them, or those with --error-code) is \
converted again with the options given here, whatever the reason it failed; its output goes where \
'docproc convert' put it. Documents whose source file is gone are reported as skipped. Takes the \
same options as 'docproc convert'.";

/// Where docproc keeps its state; shared by every command that reads or writes it.
#[derive(Debug, Clone, Args)]
pub struct StateArgs {
    /// Directory the Markdown tree is written to (created if missing by convert)
    #[arg(
        short,
        long,
        value_name = "DIR",
        env = "DOCPROC_OUTPUT",
        hide_env_values = true
    )]
    pub output: Option<PathBuf>,

    /// SQLite database file [default: OUTPUT/.docproc/docproc.db]
    #[arg(long, value_name = "FILE", env = "DOCPROC_DB", hide_env_values = true)]
    pub db: Option<PathBuf>,

    /// Directory of the content-addressed Markdown cache [default: cache/ beside the database]
    #[arg(
        long,
        value_name = "DIR",
        env = "DOCPROC_CACHE_DIR",
        hide_env_values = true
    )]
    pub cache_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Files or directories to convert
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub state: StateArgs,

    #[command(flatten)]
    pub select: SelectArgs,

    #[command(flatten)]
    pub run: RunArgs,
}

/// Which of the documents under the PATHs this invocation converts: one shard of many, or a list.
#[derive(Debug, Args, Default, Clone)]
pub struct SelectArgs {
    /// Convert only shard K of N (0-based): the documents whose path hashes to K; `auto` reads
    /// the batch engine's variables (Kubernetes, Slurm, AWS Batch, Cloud Run, Google Batch)
    #[arg(long, value_name = "K/N|auto")]
    pub shard: Option<String>,

    /// Convert exactly the files listed in FILE, one path per line (relative to the PATH or
    /// absolute inside it); - reads standard input
    #[arg(long, value_name = "FILE", conflicts_with = "files_from0")]
    pub files_from: Option<PathBuf>,

    /// Like --files-from, with the paths separated by NUL bytes (find -print0)
    #[arg(long, value_name = "FILE")]
    pub files_from0: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RetryArgs {
    /// Only retry documents that failed with this error code (e.g. io, corrupt); repeatable
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub error_code: Vec<String>,

    #[command(flatten)]
    pub state: StateArgs,

    #[command(flatten)]
    pub run: RunArgs,
}

/// The options of a conversion run, shared by `convert` and `retry`.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Number of documents converted at once [default: number of CPUs]
    #[arg(
        short,
        long,
        value_name = "N",
        env = "DOCPROC_JOBS",
        hide_env_values = true
    )]
    pub jobs: Option<usize>,

    /// Only convert files whose path (relative to its PATH) matches GLOB; repeatable
    #[arg(
        long,
        value_name = "GLOB",
        env = "DOCPROC_INCLUDE",
        hide_env_values = true,
        value_delimiter = ','
    )]
    pub include: Vec<String>,

    /// Skip files and directories whose path (relative to its PATH) matches GLOB; repeatable
    #[arg(
        long,
        value_name = "GLOB",
        env = "DOCPROC_EXCLUDE",
        hide_env_values = true,
        value_delimiter = ','
    )]
    pub exclude: Vec<String>,

    /// Convert exactly these formats; the others are ignored [default: every format that is on by
    /// default, or as [formats.NAME] enabled says]
    #[arg(
        long,
        value_name = "FORMAT",
        env = "DOCPROC_FORMATS",
        hide_env_values = true,
        value_delimiter = ',',
        value_parser = clap::builder::PossibleValuesParser::new(crate::formats::possible_values())
    )]
    pub formats: Vec<String>,

    /// Set an option of one format: NAME.KEY=VALUE, e.g. pptx.notes=false or xlsx.hidden=true
    /// (the README's format table lists them); repeatable
    #[arg(
        long = "set",
        value_name = "NAME.KEY=VALUE",
        env = "DOCPROC_SET",
        hide_env_values = true,
        value_delimiter = ','
    )]
    pub set: Vec<String>,

    /// Also walk hidden files and directories (names starting with '.')
    #[arg(long, env = "DOCPROC_HIDDEN", hide_env_values = true, value_parser = FalseyValueParser::new())]
    pub hidden: bool,

    /// Follow symbolic links to files and directories
    #[arg(short = 'L', long, env = "DOCPROC_FOLLOW_SYMLINKS", hide_env_values = true, value_parser = FalseyValueParser::new())]
    pub follow_symlinks: bool,

    /// Convert every document again, ignoring the cache
    #[arg(long, env = "DOCPROC_FORCE", hide_env_values = true, value_parser = FalseyValueParser::new())]
    pub force: bool,

    /// Hash every file again instead of trusting unchanged size, mtime and inode
    #[arg(long, env = "DOCPROC_REHASH", hide_env_values = true, value_parser = FalseyValueParser::new())]
    pub rehash: bool,

    /// Try again documents that failed in an earlier run with the same content
    #[arg(long, env = "DOCPROC_RETRY_FAILED", hide_env_values = true, value_parser = FalseyValueParser::new())]
    pub retry_failed: bool,

    /// Mark page and slide boundaries (PDF, PPTX, ODP) [default: comment]
    #[arg(
        long,
        value_name = "STYLE",
        env = "DOCPROC_PAGE_MARKERS",
        hide_env_values = true
    )]
    pub page_markers: Option<PageMarkers>,

    /// Pictures (documents, slides, web pages, e-books, e-mail, notebooks): written beside the Markdown (NAME_files/) and linked, or only their
    /// alt text [default: extract]
    #[arg(
        long,
        value_name = "MODE",
        env = "DOCPROC_IMAGES",
        hide_env_values = true
    )]
    pub images: Option<Images>,

    /// Attachments of e-mail (EML, MSG): written beside the Markdown (NAME_files/) and linked;
    /// they are always listed with name, type and size [default: none]
    #[arg(
        long,
        value_name = "MODE",
        env = "DOCPROC_ATTACHMENTS",
        hide_env_values = true
    )]
    pub attachments: Option<Images>,

    /// Start each document's Markdown with YAML front matter from its properties (DOCX, HTML,
    /// MHTML, EPUB, EML, MSG)
    #[arg(long, env = "DOCPROC_FRONT_MATTER", hide_env_values = true, value_parser = FalseyValueParser::new())]
    pub front_matter: bool,

    /// Where conversions run: in supervised worker processes, or inside docproc (trusted input)
    #[arg(
        long,
        value_name = "MODE",
        env = "DOCPROC_ISOLATION",
        hide_env_values = true
    )]
    pub isolation: Option<Isolation>,

    /// Seconds one document may take before its worker is killed (code timeout; 0: no limit;
    /// ten times as long for scans and images that OCR reads)
    /// [default: 60]
    #[arg(
        long,
        value_name = "SECONDS",
        env = "DOCPROC_TIMEOUT",
        hide_env_values = true
    )]
    pub timeout: Option<f64>,

    /// Memory (address space) each worker may use, e.g. 2G (code out_of_memory) [default: 2G]
    #[arg(
        long,
        value_name = "SIZE",
        env = "DOCPROC_MAX_MEMORY",
        hide_env_values = true
    )]
    pub max_memory: Option<ByteSize>,

    /// Times a document that failed for a transient reason (io, crashed) is tried again
    /// [default: 2]
    #[arg(
        long,
        value_name = "N",
        env = "DOCPROC_RETRIES",
        hide_env_values = true
    )]
    pub retries: Option<u32>,

    /// Wait up to SECONDS for another run on the same database to finish [default: 0: exit 2 at
    /// once]
    #[arg(
        long,
        value_name = "SECONDS",
        env = "DOCPROC_WAIT",
        hide_env_values = true
    )]
    pub wait: Option<f64>,

    /// Larger files fail with resource_limit without being read [default: 1G]
    #[arg(
        long,
        value_name = "SIZE",
        env = "DOCPROC_MAX_FILE_SIZE",
        hide_env_values = true
    )]
    pub max_file_size: Option<ByteSize>,

    /// PDFs with more pages fail with resource_limit [default: 50000]
    #[arg(
        long,
        value_name = "N",
        env = "DOCPROC_MAX_PAGES",
        hide_env_values = true
    )]
    pub max_pages: Option<u64>,

    /// Documents whose Markdown would be larger fail with resource_limit [default: 512M]
    #[arg(
        long,
        value_name = "SIZE",
        env = "DOCPROC_MAX_OUTPUT_SIZE",
        hide_env_values = true
    )]
    pub max_output_size: Option<ByteSize>,

    /// Zip containers (DOCX) that would inflate to more fail with resource_limit [default: 2G]
    #[arg(
        long,
        value_name = "SIZE",
        env = "DOCPROC_MAX_UNZIPPED_SIZE",
        hide_env_values = true
    )]
    pub max_unzipped_size: Option<ByteSize>,

    /// Zip containers inflating to over 100 MiB at a higher compression ratio fail
    /// [default: 200]
    #[arg(
        long,
        value_name = "N",
        env = "DOCPROC_MAX_ZIP_RATIO",
        hide_env_values = true
    )]
    pub max_zip_ratio: Option<u64>,

    /// XML nested deeper fails with resource_limit [default: 1000]
    #[arg(
        long,
        value_name = "N",
        env = "DOCPROC_MAX_XML_DEPTH",
        hide_env_values = true
    )]
    pub max_xml_depth: Option<usize>,

    /// OCR of scanned pages and images with Tesseract: pages without a text layer that are
    /// images (auto), none (off), or every page, ignoring the text layer (force) [default: auto]
    #[arg(long, value_name = "MODE", env = "DOCPROC_OCR", hide_env_values = true)]
    pub ocr: Option<crate::ocr::OcrMode>,

    /// Tesseract languages, joined with + (eng+deu) [default: eng]
    #[arg(
        long,
        value_name = "LANGS",
        env = "DOCPROC_OCR_LANG",
        hide_env_values = true
    )]
    pub ocr_lang: Option<String>,

    /// Resolution PDF pages are rendered at for OCR [default: 300]
    #[arg(
        long,
        value_name = "DPI",
        env = "DOCPROC_OCR_DPI",
        hide_env_values = true
    )]
    pub ocr_dpi: Option<u32>,

    /// Seconds Tesseract may spend on one page before the page fails (0: no limit)
    /// [default: 120]
    #[arg(
        long,
        value_name = "SECONDS",
        env = "DOCPROC_OCR_TIMEOUT",
        hide_env_values = true
    )]
    pub ocr_timeout: Option<u64>,

    /// The tesseract program [default: tesseract on PATH]
    #[arg(
        long,
        value_name = "PATH",
        env = "DOCPROC_TESSERACT",
        hide_env_values = true
    )]
    pub tesseract: Option<PathBuf>,

    /// Append one JSON line per document event to FILE ('-' for stdout)
    #[arg(
        long,
        value_name = "FILE",
        env = "DOCPROC_EVENTS",
        hide_env_values = true
    )]
    pub events: Option<PathBuf>,

    /// Print the run report as JSON on stdout
    #[arg(long, env = "DOCPROC_JSON", hide_env_values = true, value_parser = FalseyValueParser::new())]
    pub json: bool,

    /// Never show the progress bar (it is only shown when stderr is a terminal)
    #[arg(long, env = "DOCPROC_NO_PROGRESS", hide_env_values = true, value_parser = FalseyValueParser::new())]
    pub no_progress: bool,

    /// Print nothing but failures: no progress bar, no summary
    #[arg(short, long, env = "DOCPROC_QUIET", hide_env_values = true, value_parser = FalseyValueParser::new())]
    pub quiet: bool,

    /// The configuration file's `[formats.NAME]` sections (filled by `Settings::apply_run`).
    #[arg(skip)]
    pub file_formats: crate::settings::FormatSections,

    /// How `config show` names the configuration file.
    #[arg(skip)]
    pub file_label: String,

    /// Where the values of per-format settings given on the command line or in the environment
    /// came from (clap id -> "command line" or "environment DOCPROC_X").
    #[arg(skip)]
    pub sources: std::collections::BTreeMap<String, String>,
}

impl RunArgs {
    /// The value of a shared option flag that was given (on the command line or in the
    /// environment), as the word a format option takes.
    pub fn flag_value(&self, id: &str) -> Option<String> {
        self.sources.get(id)?;
        match id {
            "images" => self.images.map(|i| match i {
                Images::Extract => "extract".to_string(),
                Images::None => "none".to_string(),
            }),
            "attachments" => self.attachments.map(|i| match i {
                Images::Extract => "extract".to_string(),
                Images::None => "none".to_string(),
            }),
            "page_markers" => self.page_markers.map(|p| match p {
                PageMarkers::Comment => "comment".to_string(),
                PageMarkers::None => "none".to_string(),
            }),
            "front_matter" => Some(self.front_matter.to_string()),
            _ => None,
        }
    }
}

/// What happens to images.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Images {
    /// Write them into NAME_files/ beside the Markdown and link them
    Extract,
    /// Write no files; keep only the alt text
    None,
}

/// Where conversions run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Isolation {
    /// Each conversion in a worker process with a timeout and a memory cap
    Process,
    /// Conversions in docproc's own threads: a little faster, for trusted input only
    None,
}

/// A size in bytes: `1048576`, `512K`, `100M`, `2G`, `1.5GiB` (powers of 1024).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ByteSize(pub u64);

impl std::str::FromStr for ByteSize {
    type Err = String;

    fn from_str(s: &str) -> Result<ByteSize, String> {
        let t = s.trim();
        let split = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        let (number, unit) = t.split_at(split);
        let number: f64 = number
            .parse()
            .map_err(|_| format!("invalid size {s:?}: write it like 512M or 2G"))?;
        let shift = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 0,
            "k" | "kb" | "kib" => 10,
            "m" | "mb" | "mib" => 20,
            "g" | "gb" | "gib" => 30,
            "t" | "tb" | "tib" => 40,
            _ => return Err(format!("invalid size {s:?}: write it like 512M or 2G")),
        };
        let bytes = number * (1u64 << shift) as f64;
        if !(bytes.is_finite() && bytes >= 0.0 && bytes < u64::MAX as f64) {
            return Err(format!("invalid size {s:?}"));
        }
        Ok(ByteSize(bytes as u64))
    }
}

impl<'de> serde::Deserialize<'de> for ByteSize {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<ByteSize, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(u64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Number(n) => Ok(ByteSize(n)),
            Raw::Text(t) => t.parse().map_err(serde::de::Error::custom),
        }
    }
}

/// How log lines on stderr look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LogFormat {
    /// `docproc: <path>: <message>` lines for people
    Human,
    /// One JSON object per line: {"timestamp", "level", "service", "message", "context"}
    Json,
}

/// How page boundaries of paginated formats (PDF) appear in the Markdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PageMarkers {
    /// An HTML comment `<!-- page N -->` before each page (invisible when rendered)
    Comment,
    /// No marker; pages are separated by a blank line
    None,
}

/// Output of the read-only commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    Text,
    Json,
    /// Prometheus text exposition format (node_exporter textfile collector)
    Prometheus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// One JSON object per line
    Jsonl,
    /// RFC 4180 CSV with a header row; metadata as a JSON object in one column
    Csv,
}

/// A document processing status, for filtering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFilter {
    Pending,
    Processing,
    Completed,
    Failed,
    Skipped,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub state: StateArgs,

    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub state: StateArgs,

    /// Only documents with this processing status
    #[arg(long, value_name = "STATUS")]
    pub status: Option<StatusFilter>,

    /// Only documents of this format (as converted: a rerouted file counts as what it is)
    #[arg(
        long = "type",
        value_name = "TYPE",
        value_parser = clap::builder::PossibleValuesParser::new(crate::formats::possible_values())
    )]
    pub file_type: Option<String>,

    /// Only documents with this error (or warning) code, e.g. corrupt, needs_ocr
    #[arg(long, value_name = "CODE")]
    pub error_code: Option<String>,

    /// Only documents processed since TIME: RFC 3339 ("2026-11-27T06:00:00Z") or an age ("24h")
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,

    /// Page to show, from 1
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub page: u64,

    /// Documents per page (at most 100)
    #[arg(long, value_name = "M", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=100))]
    pub limit: u64,

    /// Print {"data": [...], "pagination": {...}} as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The document: its source path, or its id (a unique prefix of at least 8 characters)
    #[arg(value_name = "PATH|ID")]
    pub document: PathBuf,

    #[command(flatten)]
    pub state: StateArgs,

    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub state: StateArgs,

    /// The period: since TIME, RFC 3339 or an age ("7d")
    #[arg(long, value_name = "TIME", default_value = "24h")]
    pub since: String,

    /// Output format
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    pub format: StatsFormat,

    /// Write to FILE (atomically: a reader never sees half of it) instead of stdout
    #[arg(long = "to", value_name = "FILE")]
    pub to: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct GcArgs {
    #[command(flatten)]
    pub state: StateArgs,

    /// Only remove what has not been seen or used for DURATION ("30d"); also prunes the run
    /// history older than that
    #[arg(long, value_name = "DURATION")]
    pub older_than: Option<String>,

    /// Report what would be removed without removing anything
    #[arg(short = 'n', long)]
    pub dry_run: bool,

    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Copy the database to FILE with SQLite's online backup (safe while a run is going)
    Backup(DbBackupArgs),
    /// Check the database's integrity and the state's invariants; exit 1 on a problem
    Check(DbArgs),
    /// Rebuild the database file to reclaim free space (waits for no run: fails if one is going)
    Vacuum(DbArgs),
}

const MERGE_LONG_ABOUT: &str = "\
Fold the databases of shards (convert --shard K/N) into the output's database.

Each shard of a sharded run records its documents in its own database (by default \
OUTPUT/.docproc/shards/KKKK-of-NNNN.db). merge folds documents, metadata, cache entries, runs \
and attempts into OUTPUT/.docproc/docproc.db (or --db), so that status, list, stats, gc, db \
check and the next plain convert see the whole collection. Of two records of one document the \
newer wins, and merging again changes nothing. Shards of different plans (another N) and a shard \
given twice are refused, and so is a missing shard unless --allow-partial.";

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Shard databases [default: OUTPUT/.docproc/shards/*.db]
    #[arg(value_name = "SHARD_DB")]
    pub shards: Vec<PathBuf>,

    #[command(flatten)]
    pub state: StateArgs,

    /// Merge the shards there are, even when some of the plan's shards are missing
    #[arg(long)]
    pub allow_partial: bool,

    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DbBackupArgs {
    /// Where to write the copy (replaced atomically if it exists)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    #[command(flatten)]
    pub state: StateArgs,

    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DbArgs {
    #[command(flatten)]
    pub state: StateArgs,

    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub state: StateArgs,

    /// Output format
    #[arg(long, value_name = "FORMAT", default_value = "jsonl")]
    pub format: ExportFormat,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the effective configuration of 'docproc convert' and where each value comes from
    Show(ConfigShowArgs),
}

#[derive(Debug, Args)]
pub struct ConfigShowArgs {
    #[command(flatten)]
    pub state: StateArgs,

    /// The options of a run, as for 'docproc convert' (--json prints the settings as JSON)
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Directory that receives man/docproc.1 and completions/docproc.{bash,zsh,fish}
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

/// Parses the command line; clap prints help, version or usage errors and exits (0 or 2).
/// The matches are kept: they say whether each value came from a flag, the environment or a
/// default, which decides whether the configuration file may override it.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> (Cli, ArgMatches) {
    let matches = Cli::command().get_matches_from(args);
    match Cli::from_arg_matches(&matches) {
        Ok(cli) => (cli, matches),
        Err(e) => e.exit(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!("1048576".parse::<ByteSize>(), Ok(ByteSize(1 << 20)));
        assert_eq!("512K".parse::<ByteSize>(), Ok(ByteSize(512 << 10)));
        assert_eq!("2G".parse::<ByteSize>(), Ok(ByteSize(2 << 30)));
        assert_eq!("1.5GiB".parse::<ByteSize>(), Ok(ByteSize(3 << 29)));
        assert!("lots".parse::<ByteSize>().is_err());
        assert!("2X".parse::<ByteSize>().is_err());
    }

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
