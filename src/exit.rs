//! How a run ends, and the exit code each ending maps to.
//!
//! The codes are part of docproc's interface (cron jobs and CI steps branch on them), so they live
//! in one place and are documented in the README.

/// The outcome of one invocation, decided at the very end of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitStatus {
    /// Every document was converted, restored from the cache or skipped: exit 0.
    Success,
    /// The run finished but at least one document failed (or a directory could not be read): exit 1.
    Partial,
    /// Usage error or a fatal problem (database, output directory, lock): exit 2.
    Fatal,
    /// Stopped by Ctrl-C or SIGTERM; the database was flushed first: exit 130.
    Interrupted,
}

impl ExitStatus {
    /// The process exit code for this status.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Partial => 1,
            ExitStatus::Fatal => 2,
            ExitStatus::Interrupted => 130,
        }
    }
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(status: ExitStatus) -> Self {
        std::process::ExitCode::from(status.code())
    }
}
