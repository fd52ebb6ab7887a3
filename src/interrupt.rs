//! Ctrl-C and SIGTERM: stop starting new documents, finish the ones in progress, flush.
//!
//! The first signal sets a flag the pipeline checks before each document; in-flight conversions
//! complete and are recorded, the database is committed, and docproc exits 130. A second signal
//! exits at once: still safe, because outputs are renamed into place atomically and the database
//! only ever holds committed transactions; the next run finishes the rest.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Installs the handler (once per process; later calls are ignored).
pub fn install() {
    let result = ctrlc::set_handler(|| {
        if REQUESTED.swap(true, Ordering::SeqCst) {
            let _ = writeln!(
                std::io::stderr(),
                "docproc: interrupted again, stopping now"
            );
            std::process::exit(130);
        }
        let _ = writeln!(
            std::io::stderr(),
            "docproc: interrupted; finishing documents in progress (press Ctrl-C again to stop now)"
        );
    });
    if let Err(e) = result {
        log::debug!("cannot install the signal handler: {e}");
    }
}

/// Whether the user asked to stop.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}
