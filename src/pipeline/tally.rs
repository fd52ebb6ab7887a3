//! The outcomes of a run, added up chunk by chunk into its [`Summary`].

use super::*;

/// The outcomes of a run so far, added up chunk by chunk.
#[derive(Default)]
pub(super) struct Tally {
    counts: DocumentCounts,
    failures: Vec<Failure>,
    warnings: Vec<Notice>,
    skips: Vec<Notice>,
    /// How many documents each kind of plan had (for the line at `-v`).
    plans: HashMap<&'static str, usize>,
}

impl Tally {
    pub(super) fn add(&mut self, planned: &[Planned<'_>], outcomes: &[Option<Outcome>]) {
        let counts = &mut self.counts;
        counts.total += planned.len() as u64;
        for (p, outcome) in planned.iter().zip(outcomes) {
            *self.plans.entry(plan_kind(&p.action)).or_default() += 1;
            let path = p.job.display.to_string_lossy().into_owned();
            let notice = |w: Warning| Notice {
                path: path.clone(),
                code: w.code,
                message: w.message,
            };
            match outcome.clone().unwrap_or(Outcome::NotDone) {
                Outcome::Converted(warning) => {
                    counts.converted += 1;
                    self.warnings.extend(warning.map(notice));
                }
                Outcome::Cached(warning) => {
                    counts.cached += 1;
                    self.warnings.extend(warning.map(notice));
                }
                Outcome::Failed {
                    code,
                    message,
                    remembered,
                } => {
                    counts.failed += 1;
                    self.failures.push(Failure {
                        path,
                        code,
                        message,
                        remembered,
                    });
                }
                Outcome::Skipped { code, message } => {
                    counts.skipped += 1;
                    self.skips.push(Notice {
                        path,
                        code,
                        message,
                    });
                }
                Outcome::NotDone => counts.pending += 1,
            }
        }
    }

    /// One line at `-v`: what the run found to do.
    pub(super) fn log_plan(&self, discovery: &discover::Discovery) {
        let mut parts: Vec<String> = self.plans.iter().map(|(k, n)| format!("{n} {k}")).collect();
        parts.sort();
        log::info!(
            "{} documents ({}), {} other files ignored",
            self.counts.total,
            parts.join(", "),
            discovery.ignored
        );
    }
}

pub(super) fn summarize(
    config: &Config,
    run_id: &str,
    tally: Tally,
    discovery: &discover::Discovery,
    started: Instant,
) -> Summary {
    let Tally {
        counts,
        failures,
        warnings,
        skips,
        ..
    } = tally;
    let interrupted = counts.pending > 0 || interrupt::requested();
    let mut summary = Summary {
        run_id: run_id.to_string(),
        documents: counts,
        ignored: discovery.ignored,
        duration_ms: started.elapsed().as_millis() as u64,
        failures,
        warnings,
        skips,
        walk_errors: discovery
            .problems
            .iter()
            .map(|p| WalkError {
                path: p.path.to_string_lossy().into_owned(),
                message: p.message.clone(),
            })
            .collect(),
        interrupted,
        exit_code: 0,
        output: config.state.output.to_string_lossy().into_owned(),
        database: config.state.db.to_string_lossy().into_owned(),
        shard: config.shard.map(|s| crate::report::ShardReport {
            index: s.index,
            count: s.count,
            other_shards: discovery.other_shards,
        }),
        missed_documents: discovery.problems.iter().any(|p| p.missed_documents),
    };
    summary.exit_code = summary.exit_status().code();
    summary
}
