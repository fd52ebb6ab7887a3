//! Conversions in supervised worker processes (`--isolation process`, the default).
//!
//! A worker is docproc itself, started as `docproc worker` (a hidden command). It caps its own
//! address space (`setrlimit(RLIMIT_AS)`, `--max-memory`), then answers requests on stdin with
//! responses on stdout, one document at a time, until stdin closes. The parent keeps a pool of at
//! most `--jobs` workers; each conversion thread checks one out, sends the document's path and
//! waits for the answer at most `--timeout`. A worker that does not answer in time is killed; one
//! that dies is replaced. Its document fails with `timeout`, `out_of_memory` (the worker's
//! allocator reported a failed allocation on stderr) or `crashed` (any other death), and the batch
//! goes on. Panics are still caught inside the worker, as in-process (`internal`).
//!
//! Frames on the pipes are `DPW1`, a little-endian u32 length, and that many bytes of JSON. The
//! worker reads the file itself: document bytes never pass through the parent, whose memory stays
//! bounded by the Markdown of the documents in flight. The exception is a small document of a
//! linear converter ([`convert::Converter::linear`]): its hash read it whole, and the conversion
//! thread converts those bytes itself (a round trip through a worker would cost more).
//!
//! A worker ignores SIGINT and SIGTERM (Ctrl-C reaches the whole process group: the parent
//! decides, and lets documents in flight finish) and exits when its parent is gone.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::convert::{
    self, Attachment, ConvertError, ConvertOptions, Converted, Limits, Produced, Warning,
};
use crate::formats::{self, FormatSpec};
use crate::hash::ContentHash;

const MAGIC: &[u8; 4] = b"DPW1";
/// A worker is replaced after this many documents, so that fragmentation or a slow leak in a
/// parser cannot grow one process for the whole batch.
const DOCUMENTS_PER_WORKER: u32 = 1_000;
/// The stack of the conversion thread in a worker: parsers recurse on nested structures.
const STACK: usize = 64 * 1024 * 1024;
/// What Rust's allocator prints before aborting when an allocation fails.
const OOM_MARKER: &str = "memory allocation of ";
/// How many times `--timeout` a document gets when OCR may read it.
pub const OCR_TIMEOUT_FACTOR: u32 = 10;

#[derive(Debug, Serialize, Deserialize)]
struct Request {
    /// The path's bytes (paths need not be UTF-8).
    path: Vec<u8>,
    file_type: String,
    options: ConvertOptions,
    limits: Limits,
}

#[derive(Debug, Serialize, Deserialize)]
struct Response {
    hash: Option<String>,
    result: Result<Answer, (String, String)>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Answer {
    markdown: String,
    metadata: convert::Metadata,
    warning: Option<(String, String)>,
    /// Names of the attachments, whose bytes follow in one frame each.
    attachments: Vec<String>,
}

fn write_frame(out: &mut impl Write, body: &[u8]) -> io::Result<()> {
    let mut frame = Vec::with_capacity(8 + body.len());
    frame.extend_from_slice(MAGIC);
    frame.extend_from_slice(&(body.len() as u32).to_le_bytes());
    frame.extend_from_slice(body);
    out.write_all(&frame)?;
    out.flush()
}

/// Reads one frame; `Ok(None)` at a clean end of stream.
fn read_frame(input: &mut impl Read, max_len: usize) -> io::Result<Option<Vec<u8>>> {
    let mut header = [0u8; 8];
    match input.read_exact(&mut header[..1]) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    input.read_exact(&mut header[1..])?;
    if &header[..4] != MAGIC {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "the worker wrote something that is not a frame to its output",
        ));
    }
    let len = u32::from_le_bytes(header[4..].try_into().expect("4 bytes")) as usize;
    if len > max_len {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("a frame of {len} bytes is larger than allowed"),
        ));
    }
    let mut body = vec![0u8; len];
    input.read_exact(&mut body)?;
    Ok(Some(body))
}

// ---------------------------------------------------------------------------------------------
// The worker side.

/// `docproc worker`: serve requests on stdin until it closes.
pub fn serve(max_memory: Option<u64>) -> Result<()> {
    // Ctrl-C and SIGTERM are the parent's to handle; a worker finishes its document.
    let _ = ctrlc::set_handler(|| {});
    if let Some(bytes) = max_memory {
        rlimit::setrlimit(rlimit::Resource::AS, bytes, bytes)
            .context("cannot limit the worker's memory")?;
    }
    let parent = std::os::unix::process::parent_id();
    std::thread::Builder::new()
        .name("docproc-watchdog".into())
        .spawn(move || {
            loop {
                std::thread::sleep(Duration::from_millis(500));
                if std::os::unix::process::parent_id() != parent {
                    std::process::exit(0); // orphaned: the parent was killed
                }
            }
        })
        .context("cannot start the worker's watchdog")?;
    let handle = std::thread::Builder::new()
        .name("docproc-worker".into())
        .stack_size(STACK)
        .spawn(serve_loop)
        .context("cannot start the worker thread")?;
    match handle.join() {
        Ok(result) => result,
        Err(_) => anyhow::bail!("the worker thread crashed"),
    }
}

fn serve_loop() -> Result<()> {
    let stdin = io::stdin();
    let mut input = stdin.lock();
    let stdout = io::stdout();
    let mut output = stdout.lock();
    while let Some(body) = read_frame(&mut input, 1 << 20)? {
        let request: Request =
            serde_json::from_slice(&body).context("the parent sent an invalid request")?;
        let (response, attachments) = handle(request);
        let body = serde_json::to_vec(&response)?;
        write_frame(&mut output, &body)?;
        for attachment in attachments {
            write_frame(&mut output, &attachment.bytes)?;
        }
    }
    Ok(())
}

fn handle(request: Request) -> (Response, Vec<Attachment>) {
    use std::os::unix::ffi::OsStrExt;
    let path = PathBuf::from(std::ffi::OsStr::from_bytes(&request.path));
    let Some(format) = formats::by_name(&request.file_type) else {
        let response = Response {
            hash: None,
            result: Err(("internal".into(), "unknown format".into())),
        };
        return (response, Vec::new());
    };
    let mut options = request.options;
    options.limits = request.limits;
    let produced = convert::convert_file(&path, format, &options);
    let mut attachments = Vec::new();
    let response = Response {
        hash: produced.hash.map(|h| h.to_hex()),
        result: match produced.result {
            Ok(c) => {
                let names = c.attachments.iter().map(|a| a.name.clone()).collect();
                attachments = c.attachments;
                Ok(Answer {
                    markdown: c.markdown,
                    metadata: c.metadata,
                    warning: c.warning.map(|w| (w.code, w.message)),
                    attachments: names,
                })
            }
            Err(e) => Err((e.code().to_string(), e.to_string())),
        },
    };
    (response, attachments)
}

// ---------------------------------------------------------------------------------------------
// The parent side.

/// The pool of workers of one run.
pub struct Pool {
    exe: PathBuf,
    max_memory: Option<u64>,
    timeout: Option<Duration>,
    idle: Mutex<Vec<Worker>>,
    /// Arguments that make workers log like the parent.
    log_args: Vec<String>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("max_memory", &self.max_memory)
            .field("timeout", &self.timeout)
            .finish()
    }
}

struct Worker {
    child: Child,
    stdin: ChildStdin,
    responses: Responses,
    out_of_memory: Arc<AtomicBool>,
    /// Forwards the worker's stderr; ends when the worker is gone.
    stderr_thread: Option<std::thread::JoinHandle<()>>,
    served: u32,
}

impl Pool {
    pub fn new(max_memory: Option<u64>, timeout: Option<Duration>) -> Result<Pool> {
        let exe = std::env::current_exe().context("cannot find docproc's own executable")?;
        let mut log_args = Vec::new();
        if crate::logging::json() {
            log_args.extend(["--log-format".to_string(), "json".to_string()]);
        }
        Ok(Pool {
            exe,
            max_memory,
            timeout,
            idle: Mutex::new(Vec::new()),
            log_args,
        })
    }

    /// Converts one file in a worker.
    pub fn convert(
        &self,
        path: &Path,
        format: &'static FormatSpec,
        options: &ConvertOptions,
    ) -> Produced {
        use std::os::unix::ffi::OsStrExt;
        let request = Request {
            path: path.as_os_str().as_bytes().to_vec(),
            file_type: format.name.to_string(),
            options: options.clone(),
            limits: options.limits,
        };
        let body = serde_json::to_vec(&request).expect("a request serializes");
        let mut worker = match self.checkout() {
            Ok(worker) => worker,
            Err(e) => {
                return failed(ConvertError::Crashed(format!(
                    "cannot start a worker process: {e:#}"
                )));
            }
        };
        if let Err(e) = write_frame(&mut worker.stdin, &body) {
            return failed(worker.died(&format!("cannot send it the document: {e}")));
        }
        let started = Instant::now();
        // A document that OCR reads takes seconds per page: it gets ten times the budget (each
        // of its pages is also limited by --ocr-timeout).
        let timeout = match self.timeout {
            Some(limit) if format.converter.uses_ocr() && options.ocr.active() => {
                Some(limit.saturating_mul(OCR_TIMEOUT_FACTOR))
            }
            other => other,
        };
        let deadline = timeout.map(|limit| started + limit);
        match worker.responses.next(deadline) {
            Wait::Frame(body) => match serde_json::from_slice::<Response>(&body) {
                Ok(response) => {
                    // The attachments follow, one frame each, within the same time budget.
                    let wanted = match &response.result {
                        Ok(answer) => answer.attachments.len(),
                        Err(_) => 0,
                    };
                    let mut files = Vec::with_capacity(wanted);
                    for _ in 0..wanted {
                        match worker.responses.next(deadline) {
                            Wait::Frame(bytes) => files.push(bytes),
                            Wait::Failed(e) => return failed(worker.died(&e.to_string())),
                            Wait::Closed | Wait::Timeout => {
                                return failed(
                                    worker.died("it stopped in the middle of an answer"),
                                );
                            }
                        }
                    }
                    worker.served += 1;
                    self.checkin(worker);
                    produced(response, files)
                }
                Err(e) => failed(worker.died(&format!("it answered garbage: {e}"))),
            },
            Wait::Failed(e) => failed(worker.died(&e.to_string())),
            Wait::Timeout => {
                worker.kill();
                failed(ConvertError::Timeout(format!(
                    "the conversion took longer than {} (--timeout); its worker was stopped",
                    humantime::format_duration(Duration::from_secs(
                        started.elapsed().as_secs().max(1)
                    ))
                )))
            }
            Wait::Closed => failed(worker.died("")),
        }
    }

    fn checkout(&self) -> Result<Worker> {
        if let Some(worker) = self.idle.lock().ok().and_then(|mut idle| idle.pop()) {
            return Ok(worker);
        }
        self.spawn()
    }

    fn checkin(&self, worker: Worker) {
        if worker.served >= DOCUMENTS_PER_WORKER {
            worker.retire();
            return;
        }
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(worker);
        }
    }

    fn spawn(&self) -> Result<Worker> {
        let mut cmd = Command::new(&self.exe);
        cmd.args(&self.log_args).arg("worker");
        if let Some(bytes) = self.max_memory {
            cmd.arg("--max-memory").arg(bytes.to_string());
        }
        // Workers never read a configuration file: everything they need is in the request.
        cmd.arg("--no-config")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .with_context(|| format!("cannot run {}", self.exe.display()))?;
        let stdin = child.stdin.take().context("no stdin pipe")?;
        let stdout = child.stdout.take().context("no stdout pipe")?;
        let stderr = child.stderr.take().context("no stderr pipe")?;
        let responses = Responses::new(stdout);
        let out_of_memory = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&out_of_memory);
        let stderr_thread = std::thread::Builder::new()
            .name("docproc-worker-stderr".into())
            .spawn(move || {
                let mut lines = BufReader::new(stderr);
                let mut line = Vec::new();
                while lines.read_until(b'\n', &mut line).is_ok_and(|n| n > 0) {
                    let text = String::from_utf8_lossy(&line);
                    if text.starts_with(OOM_MARKER) {
                        // What follows (a backtrace) is the abort's, not the document's.
                        flag.store(true, Ordering::SeqCst);
                    } else if !flag.load(Ordering::SeqCst) {
                        let _ = io::stderr().write_all(&line);
                    }
                    line.clear();
                }
            })?;
        log::debug!("started worker process {}", child.id());
        Ok(Worker {
            child,
            stdin,
            responses,
            out_of_memory,
            stderr_thread: Some(stderr_thread),
            served: 0,
        })
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        if let Ok(mut idle) = self.idle.lock() {
            retire_all(idle.drain(..).collect());
        }
    }
}

impl Worker {
    /// The worker is gone (or must go): reap it and say why.
    fn died(mut self, context: &str) -> ConvertError {
        let _ = self.child.kill();
        let status = self.child.wait();
        // Its stderr is closed now: once the forwarder has read the allocator's last words,
        // whether it ran out of memory is known.
        if let Some(thread) = self.stderr_thread.take() {
            let _ = thread.join();
        }
        if self.out_of_memory.load(Ordering::SeqCst) {
            return ConvertError::OutOfMemory(
                "the conversion needed more memory than --max-memory allows; its worker was stopped"
                    .into(),
            );
        }
        let how = match status {
            Ok(s) => match s.signal() {
                Some(9) => "was killed (SIGKILL; the system's out-of-memory killer?)".to_string(),
                Some(6) => "aborted (SIGABRT)".to_string(),
                Some(11) => "crashed (SIGSEGV)".to_string(),
                Some(sig) => format!("was killed by signal {sig}"),
                None => format!("exited with status {}", s.code().unwrap_or(-1)),
            },
            Err(e) => format!("could not be waited for: {e}"),
        };
        let context = if context.is_empty() {
            String::new()
        } else {
            format!(" ({context})")
        };
        ConvertError::Crashed(format!("the worker converting it {how}{context}"))
    }

    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Closes its input: it exits after its current document (it has none here).
    fn retire(self) {
        retire_all(vec![self]);
    }
}

/// Closes every worker's input at once, then reaps each: a worker exits as soon as its input
/// closes, and its output closing says it has, so nothing polls a timer. One that is still there
/// after two seconds is killed.
fn retire_all(workers: Vec<Worker>) {
    let deadline = Instant::now() + Duration::from_secs(2);
    let closing: Vec<(Child, Responses)> = workers
        .into_iter()
        .map(|worker| {
            drop(worker.stdin);
            (worker.child, worker.responses)
        })
        .collect();
    for (mut child, mut responses) in closing {
        loop {
            match responses.next(Some(deadline)) {
                Wait::Frame(_) => continue, // a stray frame: keep draining until the output closes
                Wait::Closed | Wait::Failed(_) => break,
                Wait::Timeout => {
                    let _ = child.kill();
                    break;
                }
            }
        }
        let _ = child.wait();
    }
}

/// What waiting for a worker's next frame gave.
enum Wait {
    Frame(Vec<u8>),
    /// Its output closed between frames: it exited (or died).
    Closed,
    Timeout,
    /// A broken frame, or its output closed in the middle of one.
    Failed(io::Error),
}

/// A worker's output, read by the thread that waits for the answer: `poll` with the deadline,
/// then whatever the pipe holds, until a whole frame is there. No reader thread sits between the
/// worker and the conversion thread, so an answer costs one wake-up, not two.
struct Responses {
    stdout: ChildStdout,
    /// Bytes read, `..filled` of it; grown (never shrunk) as frames need.
    buffer: Vec<u8>,
    filled: usize,
}

/// What a read asks the pipe for at least, and at most grows the buffer by at once (a garbage
/// length in a header must not allocate gigabytes before the bytes are there).
const READ_CHUNK: usize = 64 * 1024;
const MAX_GROWTH: usize = 16 << 20;

impl Responses {
    fn new(stdout: ChildStdout) -> Responses {
        Responses {
            stdout,
            buffer: vec![0; READ_CHUNK],
            filled: 0,
        }
    }

    fn next(&mut self, deadline: Option<Instant>) -> Wait {
        loop {
            match self.take_frame() {
                Ok(Some(frame)) => return Wait::Frame(frame),
                Ok(None) => {}
                Err(e) => return Wait::Failed(e),
            }
            match self.fill(deadline) {
                Ok(true) => {}
                Ok(false) if self.filled == 0 => return Wait::Closed,
                Ok(false) => {
                    return Wait::Failed(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "its output ended in the middle of an answer",
                    ));
                }
                Err(e) if e.kind() == io::ErrorKind::TimedOut => return Wait::Timeout,
                Err(e) => return Wait::Failed(e),
            }
        }
    }

    /// Takes the first frame out of the buffer when all of it is there.
    fn take_frame(&mut self) -> io::Result<Option<Vec<u8>>> {
        let held = &self.buffer[..self.filled];
        if held.len() >= 4 && &held[..4] != MAGIC {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the worker wrote something that is not a frame to its output",
            ));
        }
        let Some(len) = frame_len(held) else {
            return Ok(None);
        };
        let end = 8 + len;
        if held.len() < end {
            return Ok(None);
        }
        let body = held[8..end].to_vec();
        self.buffer.copy_within(end..self.filled, 0);
        self.filled -= end;
        // One large answer does not keep its buffer for the worker's lifetime.
        if self.buffer.len() > 16 * READ_CHUNK && self.filled <= READ_CHUNK {
            self.buffer.truncate(READ_CHUNK);
            self.buffer.shrink_to_fit();
        }
        Ok(Some(body))
    }

    /// Waits until the pipe is readable (or the deadline passes: `TimedOut`), then reads what
    /// it holds; false at the end of the stream.
    fn fill(&mut self, deadline: Option<Instant>) -> io::Result<bool> {
        use rustix::event::{PollFd, PollFlags, Timespec, poll};
        loop {
            let timeout = deadline.map(|d| {
                let left = d.saturating_duration_since(Instant::now());
                Timespec {
                    tv_sec: left.as_secs() as _,
                    tv_nsec: left.subsec_nanos() as _,
                }
            });
            let mut fds = [PollFd::new(&self.stdout, PollFlags::IN)];
            match poll(&mut fds, timeout.as_ref()) {
                Ok(0) => return Err(io::ErrorKind::TimedOut.into()),
                Ok(_) => break,
                Err(rustix::io::Errno::INTR) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        // Room for the frame the header announces (in steps), or for another chunk.
        let wanted = frame_len(&self.buffer[..self.filled]).map_or(0, |len| 8 + len);
        let room = wanted.max(self.filled + READ_CHUNK);
        if room > self.buffer.len() {
            let grown = room.min(self.buffer.len() + MAX_GROWTH);
            self.buffer.resize(grown, 0);
        }
        loop {
            match self.stdout.read(&mut self.buffer[self.filled..]) {
                Ok(n) => {
                    self.filled += n;
                    return Ok(n > 0);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

/// The body length a buffered frame header announces, once the header is there.
fn frame_len(held: &[u8]) -> Option<usize> {
    let header = held.get(..8)?;
    Some(u32::from_le_bytes(header[4..].try_into().expect("4 bytes")) as usize)
}

fn failed(error: ConvertError) -> Produced {
    Produced {
        hash: None,
        result: Err(error),
    }
}

fn produced(response: Response, files: Vec<Vec<u8>>) -> Produced {
    Produced {
        hash: response.hash.as_deref().and_then(ContentHash::from_hex),
        result: match response.result {
            Ok(answer) => Ok(Converted {
                markdown: answer.markdown,
                metadata: answer.metadata,
                warning: answer
                    .warning
                    .map(|(code, message)| Warning { code, message }),
                attachments: answer
                    .attachments
                    .into_iter()
                    .zip(files)
                    .map(|(name, bytes)| Attachment { name, bytes })
                    .collect(),
            }),
            Err((code, message)) => Err(ConvertError::from_code(&code, message)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_garbage_is_refused() {
        let mut buf = Vec::new();
        write_frame(&mut buf, b"{\"a\":1}").unwrap();
        write_frame(&mut buf, b"").unwrap();
        let mut input = &buf[..];
        assert_eq!(read_frame(&mut input, 100).unwrap().unwrap(), b"{\"a\":1}");
        assert_eq!(read_frame(&mut input, 100).unwrap().unwrap(), b"");
        assert!(read_frame(&mut input, 100).unwrap().is_none());
        let mut garbage = &b"hello world, not a frame"[..];
        assert!(read_frame(&mut garbage, 100).is_err());
        let mut big = Vec::new();
        write_frame(&mut big, &[b'x'; 200]).unwrap();
        assert!(read_frame(&mut &big[..], 100).is_err());
    }
}
