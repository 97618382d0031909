//! One request, tried until it succeeds or is given up: retries with backoff for transient
//! failures, pauses for rate limits (for every request of the export), a retry budget per run,
//! and a list read again from the start when the vendor refuses its cursor.

use std::cell::RefCell;

use serde_json::value::RawValue;

use super::body::read_body;
use super::clock::Clock;
use super::progress::{Notice, WaitReason, Waiting};
use super::retry::retry_after_ms;
use super::run::Context;
use super::Export;
use crate::error::{classify_response, ErrorKind, FetchError, Problem, Scope};
use crate::store::Keep;
use crate::transport::{read_to_end, Transport, TransportError};
use crate::vendors::{Page, Task};

/// Why a request was given up, with the rows it read before failing.
pub(super) struct TaskFailure {
    pub error: FetchError,
    pub partial: Vec<Box<RawValue>>,
}

/// Makes one request until it succeeds or the retry policy gives up.
pub(super) async fn execute<T: Transport, C: Clock, K: Keep>(
    seq: u64,
    task: Task,
    context: &Context<'_, T, C, K>,
) -> (u64, Result<Page, TaskFailure>) {
    let result = attempt(&task, context)
        .await
        .map_err(|(problem, partial)| TaskFailure {
            error: FetchError::new(context.vendor, problem)
                .during(task.to_string(), task.request().url, Scope::List)
                .redacted(context.key.expose()),
            partial,
        });
    (seq, result)
}

/// The problem a request was given up for, and the rows read before.
type GivenUp = (Problem, Vec<Box<RawValue>>);

async fn attempt<T: Transport, C: Clock, K: Keep>(
    task: &Task,
    context: &Context<'_, T, C, K>,
) -> Result<Page, GivenUp> {
    let Context {
        export,
        transport,
        clock,
        key,
        vendor,
        settings,
    } = context;
    let spec = vendor.spec();
    let policy = settings.retry;
    let mut failures = 0u32;
    let mut rate_limited = 0u32;
    // Rows read by attempts that failed midway: kept if the request is finally given up.
    let mut partial: Vec<Box<RawValue>> = Vec::new();
    loop {
        wait_for_pause(export, *clock).await;
        let mut request = task.request();
        if let Err(refused) = key.authorize(spec.auth, &mut request) {
            return Err((refused, partial));
        }
        export.borrow_mut().progress.requests += 1;
        let problem = match transport.send(&request, settings.timeout_ms).await {
            Ok((head, mut body)) => {
                export.borrow_mut().vendor_answered = true;
                if (200..300).contains(&head.status) {
                    let mark = export.borrow().query.changed_since;
                    // Rows of a stream count as they arrive, before the page is stored.
                    let mut counted = 0;
                    let mut arriving = |rows: usize| {
                        export.borrow_mut().progress.arriving += rows - counted;
                        counted = rows;
                    };
                    let read = read_body(spec, task, mark, &mut body, &mut arriving).await;
                    export.borrow_mut().progress.arriving -= counted;
                    match read {
                        Ok(mut page) => {
                            page.fetched_at = Some(clock.wall());
                            return Ok(page);
                        }
                        Err((problem, rows)) => {
                            if rows.len() > partial.len() {
                                partial = rows;
                            }
                            problem
                        }
                    }
                } else {
                    let body = read_to_end(&mut body).await.unwrap_or_default();
                    let problem = classify_response(spec.errors, &head, &body);
                    if problem.kind() == ErrorKind::RateLimited {
                        rate_limited += 1;
                        if rate_limited > policy.max_rate_limited {
                            return Err((problem, partial));
                        }
                        let wait = head
                            .header("retry-after")
                            .and_then(|value| retry_after_ms(value, clock.wall()))
                            .map(|ms| ms.min(policy.max_retry_after_ms))
                            .unwrap_or_else(|| policy.backoff_ms(rate_limited + 1, clock.random()));
                        let mut export = export.borrow_mut();
                        let until = clock.now_ms() + wait;
                        if until > export.pause_until_ms {
                            export.pause_until_ms = until;
                        }
                        export.progress.retries += 1;
                        continue;
                    }
                    problem
                }
            }
            Err(error) => {
                transport_problem(error, settings.timeout_ms, export.borrow().vendor_answered)
            }
        };
        if problem.kind() == ErrorKind::Rejected {
            if let Some(restart) = restart_after_rejected_cursor(export, task) {
                return Ok(restart);
            }
        }
        if !problem.kind().is_transient() {
            return Err((problem, partial));
        }
        failures += 1;
        // Every retry of the run counts against one budget, so a vendor that fails everywhere
        // stops the export in minutes, not hours.
        let retries_this_run = {
            let export = export.borrow();
            export.progress.retries - export.retries_at_run_start
        };
        if retries_this_run >= policy.run_budget {
            let problem = Problem::KeptFailing {
                retries: policy.run_budget,
                last: Box::new(problem),
            };
            return Err((problem, partial));
        }
        // A first request that cannot get through at all is almost always CORS or no network:
        // say so quickly instead of retrying for a minute.
        let unreachable = matches!(problem, Problem::Unreachable { .. });
        let allowed = if unreachable { 2 } else { policy.max_attempts };
        if failures >= allowed {
            return Err((problem, partial));
        }
        let wait = policy.backoff_ms(failures - 1, clock.random());
        {
            let mut export = export.borrow_mut();
            export.progress.retries += 1;
            export.progress.waiting = Some(Waiting {
                until_ms: clock.now_ms() + wait,
                reason: WaitReason::Retry,
            });
        }
        clock.sleep(wait).await;
        clear_waiting(export, clock.now_ms());
    }
}

/// A request that got no answer.
pub(super) fn transport_problem(
    error: TransportError,
    timeout_ms: u64,
    vendor_answered: bool,
) -> Problem {
    match error {
        TransportError::Timeout => Problem::TimedOut {
            seconds: timeout_ms / 1000,
        },
        TransportError::Network(reason) if vendor_answered => Problem::Dropped { reason },
        TransportError::Network(reason) => Problem::Unreachable { reason },
    }
}

/// A vendor that refuses a cursor (it expired, or the list changed) gets the list from its first
/// page again, once per date window: pages already fetched come back as duplicates, which the
/// store keeps once, so nothing is lost or counted twice. `None` when it does not apply.
fn restart_after_rejected_cursor<K: Keep>(
    export: &RefCell<Export<K>>,
    task: &Task,
) -> Option<Page> {
    if !task.step.is_list() {
        return None;
    }
    task.position.cursor()?;
    let mut export = export.borrow_mut();
    if !export
        .restarted_windows
        .insert(task.step.window().map(|w| w.index))
    {
        return None;
    }
    export.progress.notices.push(Notice::ListReadAgain {
        at: task.to_string(),
    });
    Some(Page {
        records: Vec::new(),
        next: vec![task.from_start()],
        total: None,
        fetched_at: None,
    })
}

/// Sleeps while a rate limit pauses the export, showing the wait.
async fn wait_for_pause<C: Clock, K: Keep>(export: &RefCell<Export<K>>, clock: &C) {
    loop {
        let until = export.borrow().pause_until_ms;
        let now = clock.now_ms();
        if now >= until {
            return;
        }
        export.borrow_mut().progress.waiting = Some(Waiting {
            until_ms: until,
            reason: WaitReason::RateLimit,
        });
        clock.sleep(until - now).await;
        clear_waiting(export, clock.now_ms());
    }
}

fn clear_waiting<K: Keep>(export: &RefCell<Export<K>>, now: f64) {
    let mut export = export.borrow_mut();
    if export
        .progress
        .waiting
        .as_ref()
        .is_some_and(|w| w.until_ms <= now)
    {
        export.progress.waiting = None;
    }
}
