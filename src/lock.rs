//! One run at a time per database.
//!
//! `docproc convert` holds an exclusive advisory lock (`flock`) on `<db>.lock` for its whole run;
//! the file also records the holder's pid for the error message. The operating system releases
//! the lock when the process dies, however it dies, so a lock is never left stale. Readers of the
//! database (sqlite3, monitoring scripts) need no lock: WAL mode lets them read during a run.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Held for the duration of a run; dropping it releases the lock.
#[derive(Debug)]
pub struct RunLock {
    _file: File,
}

/// Another run holds the lock.
#[derive(Debug, thiserror::Error)]
#[error("another docproc run ({holder}) is using {db}; wait for it to finish or use another --db")]
pub struct Locked {
    pub holder: String,
    pub db: String,
}

pub fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// Whether the process named in the lock file is alive (Linux: /proc/PID exists). Taking the
/// lock to find out would make a run starting at that moment fail, so it is only looked at.
pub fn holder_alive(db: &Path) -> bool {
    let Ok(pid) = std::fs::read_to_string(lock_path(db)) else {
        return false;
    };
    let pid = pid.trim();
    !pid.is_empty() && std::path::Path::new("/proc").join(pid).exists()
}

/// Takes the run lock, waiting up to `wait` for another run to release it (`--wait`).
pub fn acquire_waiting(db: &Path, wait: std::time::Duration) -> Result<RunLock> {
    let deadline = std::time::Instant::now() + wait;
    let mut announced = false;
    loop {
        match acquire(db) {
            Err(e)
                if e.downcast_ref::<Locked>().is_some() && std::time::Instant::now() < deadline =>
            {
                if !announced {
                    log::info!("{e:#}; waiting up to {} s", wait.as_secs());
                    announced = true;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            other => return other,
        }
    }
}

/// Takes the run lock for `db` or fails at once with [`Locked`].
pub fn acquire(db: &Path) -> Result<RunLock> {
    let path = lock_path(db);
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .with_context(|| format!("cannot open lock file {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut pid = String::new();
            let _ = file.read_to_string(&mut pid);
            let holder = match pid.trim() {
                "" => "pid unknown".to_string(),
                pid => format!("pid {pid}"),
            };
            return Err(Locked {
                holder,
                db: db.display().to_string(),
            }
            .into());
        }
        Err(std::fs::TryLockError::Error(e)) if e.kind() == std::io::ErrorKind::Unsupported => {
            log::warn!(
                "file locking is not supported for {}; not locking",
                path.display()
            );
        }
        Err(std::fs::TryLockError::Error(e)) => {
            return Err(e).with_context(|| format!("cannot lock {}", path.display()));
        }
    }
    file.set_len(0)?;
    file.seek(SeekFrom::Start(0))?;
    writeln!(file, "{}", std::process::id())?;
    Ok(RunLock { _file: file })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_fails_with_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.db");
        let held = acquire(&db).unwrap();
        let err = acquire(&db).unwrap_err();
        let locked = err.downcast_ref::<Locked>().expect("a Locked error");
        assert_eq!(locked.holder, format!("pid {}", std::process::id()));
        drop(held);
        acquire(&db).unwrap();
    }
}
