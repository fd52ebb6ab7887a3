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
use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

/// Convert folders of documents (PDF, DOCX, TXT) to Markdown.
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

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Convert documents under PATHS to Markdown in an output directory
    #[command(long_about = CONVERT_LONG_ABOUT)]
    Convert(ConvertArgs),

    /// Write the man page and shell completions into a directory (for packagers)
    #[command(hide = true)]
    Generate(GenerateArgs),
}

const CONVERT_LONG_ABOUT: &str = "\
Convert documents under PATHS to Markdown in an output directory.

Every PATH (a file or a directory) is walked; PDF (.pdf), Word (.docx) and plain-text (.txt, .text) \
files are converted, everything else is counted as ignored. The Markdown for a/b/report.pdf is \
written to OUTPUT/a/b/report.pdf.md: the full source name is kept, so report.pdf and report.docx in \
one folder never overwrite each other. With one directory PATH its contents are mirrored directly; \
with several PATHs (or file PATHs) each one keeps its own name as the first level of the output.

The state (SQLite database and the content-addressed Markdown cache) lives in OUTPUT/.docproc \
unless --db says otherwise. A second run converts only documents whose content changed.";

/// Where docproc keeps its state; shared by every command that reads or writes it.
#[derive(Debug, Args)]
pub struct StateArgs {
    /// Directory the Markdown tree is written to (created if missing)
    #[arg(
        short,
        long,
        value_name = "DIR",
        env = "DOCPROC_OUTPUT",
        hide_env_values = true
    )]
    pub output: PathBuf,

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

    /// Mark page boundaries in PDF output
    #[arg(
        long,
        value_name = "STYLE",
        env = "DOCPROC_PAGE_MARKERS",
        hide_env_values = true,
        default_value = "comment"
    )]
    pub page_markers: PageMarkers,

    /// Print the run report as JSON on stdout
    #[arg(long, env = "DOCPROC_JSON", hide_env_values = true, value_parser = FalseyValueParser::new())]
    pub json: bool,

    /// Never show the progress bar (it is only shown when stderr is a terminal)
    #[arg(long, env = "DOCPROC_NO_PROGRESS", hide_env_values = true, value_parser = FalseyValueParser::new())]
    pub no_progress: bool,

    /// Print nothing but failures: no progress bar, no summary
    #[arg(short, long, env = "DOCPROC_QUIET", hide_env_values = true, value_parser = FalseyValueParser::new())]
    pub quiet: bool,
}

/// How page boundaries of paginated formats (PDF) appear in the Markdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PageMarkers {
    /// An HTML comment `<!-- page N -->` before each page (invisible when rendered)
    Comment,
    /// No marker; pages are separated by a blank line
    None,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Directory that receives man/docproc.1 and completions/docproc.{bash,zsh,fish}
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

/// Parses the command line; clap prints help, version or usage errors and exits (0 or 2).
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Cli {
    Cli::parse_from(args)
}
