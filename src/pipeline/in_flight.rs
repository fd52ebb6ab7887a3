//! Which documents are being converted, and when they are recorded as `processing`.

use super::*;

/// How long a conversion runs before its document is recorded as `processing`. Most documents
/// take less, and their row is written once, with their outcome, instead of twice.
pub(super) const PROCESSING_AFTER: std::time::Duration = std::time::Duration::from_millis(100);

/// The documents being converted, with their `processing` row until it is recorded. A ticker
/// thread ([`InFlight::tick`]) records the rows of conversions that have run for
/// [`PROCESSING_AFTER`], so that `status` and a killed run's recovery see them; `end` takes a
/// document out before its outcome is sent, under the same lock as the ticker's sends, so the
/// `processing` row can never arrive after the outcome.
#[derive(Default)]
pub(super) struct InFlight {
    docs: std::sync::Mutex<InFlightDocs>,
}

#[derive(Default)]
pub(super) struct InFlightDocs {
    next: u64,
    rows: HashMap<u64, (Instant, Option<DocumentRow>)>,
}

impl InFlight {
    pub(super) fn begin(&self, row: DocumentRow) -> u64 {
        let mut docs = self.docs.lock().unwrap_or_else(|e| e.into_inner());
        docs.next += 1;
        let token = docs.next;
        docs.rows.insert(token, (Instant::now(), Some(row)));
        token
    }

    pub(super) fn end(&self, token: u64) {
        let mut docs = self.docs.lock().unwrap_or_else(|e| e.into_inner());
        docs.rows.remove(&token);
    }

    /// Records the `processing` rows of the conversions that have run long enough.
    pub(super) fn tick(&self, tx: &SyncSender<Record>) -> bool {
        let mut docs = self.docs.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        for (started, row) in docs.rows.values_mut() {
            if now.duration_since(*started) < PROCESSING_AFTER {
                continue;
            }
            if let Some(row) = row.take() {
                let record = Record::row(row, None);
                if tx.send(record).is_err() {
                    return false;
                }
            }
        }
        true
    }
}
