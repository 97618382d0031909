//! The run loop: keeps up to `concurrency` requests in flight, queues what each page asks for,
//! and hands pages to storing, giving the page a turn every few dozen milliseconds.

use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::pin::pin;

use futures_util::future::{select, Either};
use futures_util::stream::{FuturesUnordered, StreamExt};
use futures_util::FutureExt;

use super::attempt::execute;
use super::cancel::CancelToken;
use super::clock::Clock;
use super::parts::{commit, Received, RECORDS_PER_PART};
use super::{Export, RunStatus, Settings};
use crate::destination::ScopedKey;
use crate::error::{FetchError, Problem};
use crate::journal::StorageError;
use crate::store::Keep;
use crate::transport::Transport;
use crate::vendors::{Task, VendorId};

/// How long storing may hold the page before giving it a turn: under the 50 ms a user notices,
/// with room for the part that overruns it and a redraw in the same task.
const BUSY_SLICE_MS: f64 = 25.0;

/// How often, at most, the conversations are put back in the vendor's order while pages are
/// being stored one after another. Concurrent date windows interleave: a late page of the first
/// window sorts before every conversation of the others, and a settle then moves and indexes
/// them all again (tens of milliseconds at a million messages). Between settles a new
/// conversation shows at the end of the preview, for a fraction of a second; whenever the run
/// waits on the network, it settles.
const SETTLE_EVERY_MS: f64 = 250.0;

/// Settles the store if it was not settled in the last `SETTLE_EVERY_MS`.
fn settle_now<C: Clock, K: Keep>(export: &RefCell<Export<K>>, clock: &C, settled_at: &mut f64) {
    let now = clock.now_ms();
    if now - *settled_at >= SETTLE_EVERY_MS {
        export.borrow_mut().store.settle();
        *settled_at = now;
    }
}

/// What every request of a run shares.
pub(super) struct Context<'a, T, C, K: Keep> {
    pub export: &'a RefCell<Export<K>>,
    pub transport: &'a T,
    pub clock: &'a C,
    pub key: &'a ScopedKey,
    pub vendor: VendorId,
    pub settings: Settings,
}

/// Runs (or resumes) an export until it finishes, fails for good, or `cancel` fires. Whatever
/// happens, every record received stays in `export.store` and every request not yet completed
/// stays pending. `on_change` is called after each step so the UI can show progress.
pub async fn run<T: Transport, C: Clock, K: Keep>(
    export: &RefCell<Export<K>>,
    transport: &T,
    clock: &C,
    key: &ScopedKey,
    cancel: &CancelToken,
    on_change: &mut dyn FnMut(),
) {
    let (vendor, settings) = {
        let mut export = export.borrow_mut();
        export.status = RunStatus::Running;
        export.progress.running_since_ms = Some(clock.now_ms());
        export.retries_at_run_start = export.progress.retries;
        (export.vendor(), export.settings)
    };
    on_change();
    let context = Context {
        export,
        transport,
        clock,
        key,
        vendor,
        settings,
    };
    let mut next_seq: u64 = 0;
    let mut in_flight: BTreeMap<u64, Task> = BTreeMap::new();
    let mut flights = FuturesUnordered::new();
    let mut backlog: VecDeque<Received> = VecDeque::new();
    let mut busy_since = clock.now_ms();
    let mut settled_at = f64::NEG_INFINITY;
    let mut failure: Option<FetchError> = None;

    // Requests that finished while they were being started (see `start_flights!`).
    let mut early = VecDeque::new();
    // Starts pending requests up to the concurrency, and polls them once without waiting: that
    // sends them, before the CPU goes to storing the previous page, so parsing overlaps the
    // network instead of adding to it. One that is already done waits in `early`.
    macro_rules! start_flights {
        () => {
            while flights.len() < settings.concurrency.max(1) {
                let Some(task) = export.borrow_mut().pending.pop_front() else {
                    break;
                };
                in_flight.insert(next_seq, task.clone());
                flights.push(execute(next_seq, task, &context));
                next_seq += 1;
            }
            if let Some(Some(finished)) = flights.next().now_or_never() {
                early.push_back(finished);
            }
        };
    }

    loop {
        if cancel.is_cancelled() || failure.is_some() {
            break;
        }
        start_flights!();
        let finished = early.pop_front();
        let finished = match finished {
            Some(finished) => finished,
            None => {
                if let Some(mut received) = backlog.pop_front() {
                    // A page of thousands of records is stored in parts, and the page gets a
                    // turn every few dozen milliseconds: the Stop button answers, progress paints.
                    let part = received.take_part(RECORDS_PER_PART);
                    let last = received.records.is_empty();
                    if !last {
                        backlog.push_front(received);
                    }
                    commit(export, part, last);
                    on_change();
                    if clock.now_ms() - busy_since > BUSY_SLICE_MS {
                        settle_now(export, clock, &mut settled_at);
                        clock.yield_to_page().await;
                        busy_since = clock.now_ms();
                    }
                    continue;
                }
                if flights.is_empty() {
                    break;
                }
                // The page looks at the store while the engine waits: it is in order. (Nothing
                // else is to be done until a response comes: settling here costs no time.)
                export.borrow_mut().store.settle();
                settled_at = clock.now_ms();
                let finished = match select(pin!(cancel.cancelled()), flights.next()).await {
                    Either::Left(_) => None,
                    Either::Right((finished, _)) => finished,
                };
                // Waiting on the network gave the page its turn.
                busy_since = clock.now_ms();
                match finished {
                    Some(finished) => finished,
                    None => break,
                }
            }
        };
        let (seq, result) = finished;
        match result {
            Ok(mut page) => {
                let task = in_flight.remove(&seq).expect("every flight is recorded");
                // Kept first: a page that cannot be kept is not counted, and is fetched again
                // on Resume once there is room.
                let mut write = export.borrow_mut().journal.page(&task, &page);
                let mut ahead: Vec<Task> = Vec::new();
                let kept = match (&mut write).now_or_never() {
                    Some(kept) => kept,
                    None => {
                        // The list's next page is asked for while this one is written to the
                        // browser's storage, instead of after: each Mindo window waited on its
                        // writes, megabytes each.
                        ahead = page
                            .next
                            .iter()
                            .filter(|next| next.step.is_list())
                            .cloned()
                            .collect();
                        export.borrow_mut().schedule(ahead.clone());
                        start_flights!();
                        write.await
                    }
                };
                let entry = match kept {
                    Ok(entry) => entry,
                    Err(refused) => {
                        failure = Some(storage_failure(vendor, refused));
                        // Its next page is asked for again after it, not twice.
                        in_flight.retain(|_, flying| !ahead.contains(flying));
                        let mut export = export.borrow_mut();
                        export.pending.retain(|queued| !ahead.contains(queued));
                        export.pending.push_front(task);
                        continue;
                    }
                };
                let mut export = export.borrow_mut();
                export.progress.pages += 1;
                export.note_total(&task, &page);
                export.count_page(&task, &page);
                let rest = std::mem::take(&mut page.next)
                    .into_iter()
                    .filter(|next| !ahead.contains(next))
                    .collect();
                export.schedule(rest);
                let fetched_at = page.fetched_at.unwrap_or_else(|| clock.wall());
                backlog.push_back(Received::new(task, page.records, entry, fetched_at));
            }
            Err(failure_of_task) => {
                // Rows read before the failure are kept; the request stays pending for Resume.
                let mut error = failure_of_task.error;
                if !failure_of_task.partial.is_empty() {
                    if let Some(task) = in_flight.get(&seq) {
                        let fetched_at = clock.wall();
                        let write = export.borrow_mut().journal.partial(
                            task,
                            &failure_of_task.partial,
                            fetched_at,
                        );
                        match write.await {
                            Ok(entry) => backlog.push_back(Received::partial(
                                task.clone(),
                                failure_of_task.partial,
                                entry,
                                fetched_at,
                            )),
                            Err(refused) => error = storage_failure(vendor, refused),
                        }
                    }
                }
                failure = Some(error);
            }
        }
        on_change();
    }

    drop(flights);
    for received in backlog.drain(..) {
        commit(export, received, true);
    }
    {
        let mut export = export.borrow_mut();
        export.store.settle();
        // Requests cut short go back first, in their original order: Resume picks up there.
        for task in in_flight.into_values().rev() {
            export.pending.push_front(task);
        }
        let now = clock.now_ms();
        export.progress.elapsed_before_ms = export.progress.elapsed_ms(now);
        export.progress.running_since_ms = None;
        export.progress.waiting = None;
        export.status = match failure {
            Some(error) => RunStatus::Failed(error),
            // A cancel pressed once nothing was left to fetch stops nothing.
            None if cancel.is_cancelled() && !export.pending.is_empty() => RunStatus::Cancelled,
            None => RunStatus::Finished,
        };
    }
    on_change();
}

/// A page that arrived but could not be kept.
fn storage_failure(vendor: VendorId, refused: StorageError) -> FetchError {
    FetchError::new(
        vendor,
        Problem::Storage {
            full: refused.full,
            detail: refused.detail,
        },
    )
}
