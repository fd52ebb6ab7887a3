//! OCR: the system's `tesseract` program, run as a subprocess on gray page images.
//!
//! The run looks for Tesseract once ([`probe`]: `--tesseract`, `DOCPROC_TESSERACT`, then `PATH`),
//! checks its version and languages, and hands converters an [`OcrSettings`] inside their options
//! (it travels to worker processes with them). A converter renders or decodes a page into a
//! [`Gray`] image and calls [`recognize`]: Tesseract reads it from stdin as PGM and writes TSV
//! (every word with its box and confidence) on stdout, with `OMP_THREAD_LIMIT=1` (Debian's
//! OpenMP build is twice as slow with threads on a small machine: pages run in parallel instead)
//! and a time limit per page. A page whose words are few or unsure is checked for orientation
//! (`--psm 0`) and, when it is turned, recognised again upright.
//!
//! Keeping Tesseract in its own process keeps docproc's licence and its crash isolation: a
//! Tesseract that crashes or hangs fails that page, not the batch.

mod raster;
mod tsv;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

pub use raster::Gray;
pub use tsv::Word;

/// `--ocr`: which pages are recognised.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum OcrMode {
    /// Pages without a text layer that paint an image over much of the page, and image files
    #[default]
    Auto,
    /// No OCR: scans are flagged needs_ocr
    Off,
    /// Every page, ignoring the text layer (for PDFs whose text layer is garbage)
    Force,
}

impl OcrMode {
    pub fn as_str(self) -> &'static str {
        match self {
            OcrMode::Auto => "auto",
            OcrMode::Off => "off",
            OcrMode::Force => "force",
        }
    }
}

/// The Tesseract a run found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Engine {
    pub program: PathBuf,
    /// `5.3.0`.
    pub version: String,
}

/// What a converter needs to recognise pages; resolved once per run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OcrSettings {
    pub mode: OcrMode,
    /// None: Tesseract is missing (scans keep `needs_ocr`).
    pub engine: Option<Engine>,
    /// Tesseract's `-l`: `eng`, `eng+deu`.
    pub languages: String,
    pub dpi: u32,
    /// Per page; 0: no limit.
    pub page_timeout_secs: u64,
    /// The run's budget of Tesseract processes (None: one page at a time per document).
    #[serde(default)]
    pub slots: Option<Slots>,
}

/// At most `count` Tesseract processes at once across all of a run's worker processes: a page
/// holds one of `count` lock files in `dir` while Tesseract reads it (advisory locks, released
/// when the page is done or its process dies).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slots {
    pub dir: PathBuf,
    pub count: usize,
}

impl Slots {
    /// Waits for a free slot; None when the lock files cannot be used (then no limit applies).
    pub fn acquire(&self) -> Option<std::fs::File> {
        std::fs::create_dir_all(&self.dir).ok()?;
        let open = |i: usize| {
            std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(self.dir.join(format!("slot-{i}")))
                .ok()
        };
        for i in 0..self.count.max(1) {
            if let Some(file) = open(i)
                && file.try_lock().is_ok()
            {
                return Some(file);
            }
        }
        // All taken: wait on one, picked by process and thread so that waiters spread out.
        let pick = (std::process::id() as usize + std::thread::current().id().as_u64_hash())
            % self.count.max(1);
        let file = open(pick)?;
        file.lock().ok()?;
        Some(file)
    }
}

trait ThreadIdHash {
    fn as_u64_hash(&self) -> usize;
}

impl ThreadIdHash for std::thread::ThreadId {
    fn as_u64_hash(&self) -> usize {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.hash(&mut h);
        h.finish() as usize
    }
}

impl Default for OcrSettings {
    fn default() -> Self {
        OcrSettings {
            mode: OcrMode::Auto,
            engine: None,
            languages: "eng".into(),
            dpi: 300,
            page_timeout_secs: 0,
            slots: None,
        }
    }
}

impl OcrSettings {
    /// Whether pages can be recognised in this run.
    pub fn active(&self) -> bool {
        self.mode != OcrMode::Off && self.engine.is_some()
    }

    /// What an OCR'd (or OCR-needing) document's Markdown depends on beyond its content and
    /// format: part of its cache key, so that changing any of it converts exactly those
    /// documents again.
    pub fn stamp(&self) -> String {
        match (&self.engine, self.mode) {
            (_, OcrMode::Off) => "ocr=off".into(),
            (None, mode) => format!("ocr={};engine=none", mode.as_str()),
            (Some(engine), mode) => format!(
                "ocr={};lang={};dpi={};tesseract={}",
                mode.as_str(),
                self.languages,
                self.dpi,
                engine.version
            ),
        }
    }
}

/// Pages whose mean confidence is under this are named in an `ocr_low_confidence` warning.
pub const LOW_CONFIDENCE: f32 = 50.0;

/// Records a document's recognition in its metadata: `ocr` = `applied`, the engine, the
/// languages, and the mean confidence of the pages on which words were read (`pages`: each
/// page's confidence and word count). Returns that mean (None when no word was read).
pub fn record(
    settings: &OcrSettings,
    pages: &[(f32, usize)],
    metadata: &mut crate::convert::Metadata,
) -> Option<f32> {
    metadata.insert(crate::convert::OCR_KEY.into(), "applied".into());
    if let Some(engine) = &settings.engine {
        metadata.insert("ocr_engine".into(), format!("tesseract {}", engine.version));
    }
    metadata.insert("ocr_languages".into(), settings.languages.clone());
    let read: Vec<f32> = pages.iter().filter(|p| p.1 > 0).map(|p| p.0).collect();
    if read.is_empty() {
        return None;
    }
    let mean = read.iter().sum::<f32>() / read.len() as f32;
    metadata.insert("ocr_confidence".into(), format!("{mean:.1}"));
    Some(mean)
}

/// Why OCR cannot run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unavailable {
    /// No `tesseract` program (what was looked for).
    Missing(String),
    /// Tesseract lacks a language pack.
    Language { missing: String, installed: String },
}

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unavailable::Missing(what) => write!(
                f,
                "OCR needs the 'tesseract' program ({what}); install it (Debian/Ubuntu: \
                 apt-get install tesseract-ocr tesseract-ocr-eng; macOS: brew install \
                 tesseract) or set DOCPROC_TESSERACT=/path/to/tesseract"
            ),
            Unavailable::Language { missing, installed } => {
                let package = missing.replace('_', "-").to_lowercase();
                write!(
                    f,
                    "Tesseract has no '{missing}' language data (installed: {installed}); \
                     install it (Debian/Ubuntu: apt-get install tesseract-ocr-{package}; \
                     macOS: brew install tesseract-lang) or choose others with --ocr-lang"
                )
            }
        }
    }
}

/// Finds Tesseract (the given program, or `tesseract` on `PATH`) and checks that it runs and
/// has every language of `languages` (`eng+deu`).
pub fn probe(program: Option<&Path>, languages: &str) -> Result<Engine, Unavailable> {
    let program = match program {
        Some(p) => p.to_path_buf(),
        None => find_on_path("tesseract")
            .ok_or_else(|| Unavailable::Missing("not found on PATH".into()))?,
    };
    let output = Command::new(&program)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Unavailable::Missing(format!("{} cannot run: {e}", program.display())))?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    let version = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("tesseract "))
        .map(|v| v.trim().trim_start_matches('v').to_string())
        .ok_or_else(|| {
            Unavailable::Missing(format!(
                "{} does not say it is Tesseract",
                program.display()
            ))
        })?;
    let listed = Command::new(&program)
        .arg("--list-langs")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Unavailable::Missing(format!("{} cannot run: {e}", program.display())))?;
    let installed: Vec<String> = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .skip_while(|l| !l.starts_with("List of available languages"))
        .skip(1)
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    for wanted in languages
        .split('+')
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        if !installed.iter().any(|l| l == wanted) {
            return Err(Unavailable::Language {
                missing: wanted.to_string(),
                installed: installed.join(", "),
            });
        }
    }
    Ok(Engine { program, version })
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| {
            use std::os::unix::fs::PermissionsExt;
            std::fs::metadata(candidate)
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// A recognised page: its words and their mean confidence (0-100).
#[derive(Debug, Clone, Default)]
pub struct Recognized {
    pub words: Vec<Word>,
    pub confidence: f32,
    /// The page was turned (quarter turns clockwise) before it was read.
    pub rotated: u8,
}

/// Why a page was not recognised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageError {
    Timeout(u64),
    Failed(String),
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PageError::Timeout(s) => write!(f, "Tesseract took longer than {s} s"),
            PageError::Failed(m) => write!(f, "Tesseract failed: {m}"),
        }
    }
}

/// Below this many words, or this mean confidence, a page is checked for orientation.
const UNSURE_WORDS: usize = 8;
const UNSURE_CONFIDENCE: f32 = 60.0;

/// Recognises one page image, upright or turned.
pub fn recognize(
    settings: &OcrSettings,
    engine: &Engine,
    page: &Gray,
) -> Result<Recognized, PageError> {
    let first = run(settings, engine, page, "3")?;
    // Tesseract reads a sideways page as vertical lines of text, and reads it well: the
    // confidence does not tell, the shape of the words does.
    if first.words.len() >= UNSURE_WORDS
        && first.confidence >= UNSURE_CONFIDENCE
        && !mostly_vertical(&first.words)
    {
        return Ok(first);
    }
    // Orientation and script detection needs the `osd` data; without it the page stays as read.
    let Ok(turns) = orientation(settings, engine, page) else {
        return Ok(first);
    };
    if turns == 0 {
        return Ok(first);
    }
    let upright = page.rotated_clockwise(turns);
    let mut second = run(settings, engine, &upright, "3")?;
    second.rotated = turns;
    let score = |r: &Recognized| r.confidence * r.words.len() as f32;
    let upright = mostly_vertical(&first.words) && !mostly_vertical(&second.words);
    if upright || score(&second) > score(&first) {
        Ok(second)
    } else {
        Ok(first)
    }
}

/// Whether most words of three letters or more are taller than wide: text running up or down
/// the image.
fn mostly_vertical(words: &[Word]) -> bool {
    let long: Vec<&Word> = words
        .iter()
        .filter(|w| w.text.chars().count() >= 3)
        .collect();
    let vertical = long.iter().filter(|w| w.height > w.width).count();
    !long.is_empty() && vertical * 2 > long.len()
}

/// `--psm 0`: how many quarter turns clockwise make the page upright.
fn orientation(settings: &OcrSettings, engine: &Engine, page: &Gray) -> Result<u8, PageError> {
    let out = tesseract(settings, engine, page, &["--psm", "0", "-l", "osd"])?;
    let rotate = out
        .lines()
        .find_map(|l| l.strip_prefix("Rotate:"))
        .and_then(|v| v.trim().parse::<u32>().ok())
        .ok_or_else(|| PageError::Failed("no orientation in its answer".into()))?;
    Ok(((rotate / 90) % 4) as u8)
}

fn run(
    settings: &OcrSettings,
    engine: &Engine,
    page: &Gray,
    psm: &str,
) -> Result<Recognized, PageError> {
    let dpi = settings.dpi.to_string();
    let out = tesseract(
        settings,
        engine,
        page,
        &[
            "-l",
            &settings.languages,
            "--psm",
            psm,
            "--dpi",
            &dpi,
            "tsv",
        ],
    )?;
    let words = tsv::parse(&out);
    let confidence = tsv::mean_confidence(&words);
    log::trace!(
        "tesseract read {} words (mean confidence {confidence:.1}) from a {}x{} image; first: {:?}",
        words.len(),
        page.width,
        page.height,
        words.first()
    );
    Ok(Recognized {
        words,
        confidence,
        rotated: 0,
    })
}

/// Runs `tesseract - - ARGS` with the page as PGM on stdin; returns stdout.
fn tesseract(
    settings: &OcrSettings,
    engine: &Engine,
    page: &Gray,
    args: &[&str],
) -> Result<String, PageError> {
    let mut child = Command::new(&engine.program)
        .args(["-", "-"])
        .args(args)
        .env("OMP_THREAD_LIMIT", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| PageError::Failed(format!("cannot run {}: {e}", engine.program.display())))?;
    let mut stdin = child.stdin.take().expect("piped");
    let pgm = page.to_pgm();
    let writer = std::thread::spawn(move || stdin.write_all(&pgm));
    let mut stdout = child.stdout.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        stdout.read_to_end(&mut out).map(|_| out)
    });
    let mut stderr = child.stderr.take().expect("piped");
    let errors = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stderr.read_to_end(&mut out);
        out
    });
    let limit =
        (settings.page_timeout_secs > 0).then(|| Duration::from_secs(settings.page_timeout_secs));
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {}
            Err(e) => return Err(PageError::Failed(e.to_string())),
        }
        if limit.is_some_and(|l| started.elapsed() > l) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(PageError::Timeout(settings.page_timeout_secs));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let _ = writer.join();
    let out = reader.join().ok().and_then(Result::ok).unwrap_or_default();
    let errors = errors.join().unwrap_or_default();
    if !status.success() {
        let message = String::from_utf8_lossy(&errors);
        let last = message
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no message")
            .trim()
            .to_string();
        let how = match status.code() {
            Some(code) => format!("exit {code}"),
            None => "killed by a signal".into(),
        };
        return Err(PageError::Failed(format!("{how}: {last}")));
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}
