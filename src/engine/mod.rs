//! An export run: pages through a vendor's API with bounded concurrency, retries with backoff,
//! obeys rate limits, and can be cancelled and resumed without losing or repeating a record.
//!
//! The engine is generic over the `Transport` and the `Clock`, so the host tests drive it against
//! the simulator with a fake clock: no network, no sleeping.
//!
//! The state that must survive a stop lives in `Export`, behind a `RefCell` the UI can read
//! between steps: the records so far, the progress, and the requests still to make. Requests are
//! values, so "resume" is simply "carry on with the pending requests".

pub mod cancel;
pub mod clock;
pub mod progress;
pub mod retry;
pub mod store;

use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::pin::pin;

use futures_util::future::{select, Either};
use futures_util::stream::{FuturesUnordered, StreamExt};
use futures_util::FutureExt;
use serde_json::value::RawValue;

use crate::error::{classify_response, ErrorKind, FetchError};
use crate::http::{Request, ResponseHead};
use crate::secret::ApiKey;
use crate::transport::{read_to_end, Transport, TransportError};
use crate::vendors::{ExportQuery, Page, Step, Task, VendorId};
use cancel::CancelToken;
use clock::Clock;
use progress::{Progress, WaitReason, Waiting};
use retry::{retry_after_ms, RetryPolicy};
use store::Store;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Requests in flight at once, for vendors whose requests do not depend on each other.
    pub concurrency: usize,
    pub timeout_ms: u64,
    pub retry: RetryPolicy,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            concurrency: 6,
            timeout_ms: 30_000,
            retry: RetryPolicy::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum RunStatus {
    Ready,
    Running,
    Finished,
    Cancelled,
    Failed(FetchError),
}

/// One export: what was asked, what came back, and what is left to fetch.
pub struct Export {
    pub query: ExportQuery,
    pub settings: Settings,
    pub store: Store,
    pub progress: Progress,
    pub status: RunStatus,
    pending: VecDeque<Task>,
    /// A rate limit pauses every request of the export until then (engine clock).
    pause_until_ms: f64,
    /// Whether the vendor ever answered: a later network error is a dropped connection, not CORS.
    vendor_answered: bool,
}

impl Export {
    pub fn new(query: ExportQuery, settings: Settings) -> Self {
        let pending = query.vendor.plan(&query).into();
        Export {
            query,
            settings,
            store: Store::default(),
            progress: Progress::default(),
            status: RunStatus::Ready,
            pending,
            pause_until_ms: 0.0,
            vendor_answered: false,
        }
    }

    pub fn vendor(&self) -> VendorId {
        self.query.vendor
    }

    /// Requests still to make: what Resume will do.
    pub fn pending(&self) -> impl Iterator<Item = &Task> {
        self.pending.iter()
    }

    pub fn can_resume(&self) -> bool {
        matches!(self.status, RunStatus::Cancelled | RunStatus::Failed(_))
            && !self.pending.is_empty()
    }
}

/// What every request of a run shares.
struct Context<'a, T, C> {
    export: &'a RefCell<Export>,
    transport: &'a T,
    clock: &'a C,
    key: &'a ApiKey,
    vendor: VendorId,
    settings: Settings,
}

/// Runs (or resumes) an export until it finishes, fails for good, or `cancel` fires. Whatever
/// happens, every record received stays in `export.store` and every request not yet completed
/// stays pending. `on_change` is called after each step so the UI can show progress.
pub async fn run<T: Transport, C: Clock>(
    export: &RefCell<Export>,
    transport: &T,
    clock: &C,
    key: &ApiKey,
    cancel: &CancelToken,
    on_change: &mut dyn FnMut(),
) {
    let (vendor, settings) = {
        let mut export = export.borrow_mut();
        export.status = RunStatus::Running;
        export.progress.running_since_ms = Some(clock.now_ms());
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
    let mut backlog: VecDeque<(Task, Vec<Box<RawValue>>)> = VecDeque::new();
    let mut failure: Option<FetchError> = None;

    loop {
        if cancel.is_cancelled() || failure.is_some() {
            break;
        }
        while flights.len() < settings.concurrency.max(1) {
            let Some(task) = export.borrow_mut().pending.pop_front() else {
                break;
            };
            in_flight.insert(next_seq, task.clone());
            flights.push(execute(next_seq, task, &context));
            next_seq += 1;
        }
        // One poll without waiting starts the requests just queued, before the CPU goes to
        // mapping the previous page: parsing overlaps the network instead of adding to it.
        let finished = match flights.next().now_or_never() {
            Some(Some(finished)) => Some(finished),
            _ => None,
        };
        let finished = match finished {
            Some(finished) => finished,
            None => {
                if let Some((task, records)) = backlog.pop_front() {
                    commit(export, task, records);
                    on_change();
                    continue;
                }
                if flights.is_empty() {
                    break;
                }
                match select(pin!(cancel.cancelled()), flights.next()).await {
                    Either::Left(_) => break,
                    Either::Right((Some(finished), _)) => finished,
                    Either::Right((None, _)) => break,
                }
            }
        };
        let (seq, result) = finished;
        match result {
            Ok(page) => {
                let task = in_flight.remove(&seq).expect("every flight is recorded");
                let mut export = export.borrow_mut();
                export.progress.pages += 1;
                if page.total.is_some() {
                    export.progress.expected_total = page.total;
                }
                // The list goes first, so totals and the next pages are known early.
                let (list, others): (Vec<Task>, Vec<Task>) = page
                    .next
                    .into_iter()
                    .partition(|task| matches!(task.step, Step::List { .. }));
                for task in list.into_iter().rev() {
                    export.pending.push_front(task);
                }
                export.pending.extend(others);
                backlog.push_back((task, page.records));
            }
            Err(error) => failure = Some(error),
        }
        on_change();
    }

    drop(flights);
    for (task, records) in backlog.drain(..) {
        commit(export, task, records);
    }
    {
        let mut export = export.borrow_mut();
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
            None if cancel.is_cancelled() => RunStatus::Cancelled,
            None => RunStatus::Finished,
        };
    }
    on_change();
}

fn commit(export: &RefCell<Export>, task: Task, records: Vec<Box<RawValue>>) {
    let mut export = export.borrow_mut();
    let export = &mut *export;
    let updates = export
        .query
        .vendor
        .map(&task, records, &mut export.store.warnings);
    export.store.apply(task.step.order(), updates);
    export.progress.conversations = export.store.len();
    export.progress.messages = export.store.message_count();
}

/// Makes one request until it succeeds or the retry policy gives up.
async fn execute<T: Transport, C: Clock>(
    seq: u64,
    task: Task,
    context: &Context<'_, T, C>,
) -> (u64, Result<Page, FetchError>) {
    let result = attempt(&task, context).await.map_err(|error| {
        error
            .during(&task.label, &task.request.url)
            .redacted(context.key.expose())
    });
    (seq, result)
}

async fn attempt<T: Transport, C: Clock>(
    task: &Task,
    context: &Context<'_, T, C>,
) -> Result<Page, FetchError> {
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
    loop {
        wait_for_pause(export, *clock).await;
        let mut request: Request = task.request.clone();
        request.headers.push(spec.auth.header(key.expose()));
        export.borrow_mut().progress.requests += 1;
        let error = match fetch(*transport, &request, settings.timeout_ms).await {
            Ok((head, body)) => {
                export.borrow_mut().vendor_answered = true;
                if (200..300).contains(&head.status) {
                    match vendor.read_page(task, &head, &body) {
                        Ok(page) => return Ok(page),
                        Err(error) => error,
                    }
                } else {
                    let error = classify_response(spec.name, spec.errors, &head, &body);
                    if error.kind == ErrorKind::RateLimited {
                        rate_limited += 1;
                        if rate_limited > policy.max_rate_limited {
                            return Err(error);
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
                    error
                }
            }
            Err(TransportError::Timeout) => FetchError::new(
                ErrorKind::Timeout,
                format!(
                    "{} took longer than {} seconds to answer, several times. Press Resume to try again.",
                    spec.name,
                    settings.timeout_ms / 1000
                ),
                "The request timed out.",
            ),
            Err(TransportError::Network(reason)) => network_error(spec.name, &reason, export.borrow().vendor_answered),
        };
        if !error.kind.is_transient() {
            return Err(error);
        }
        failures += 1;
        // A first request that cannot get through at all is almost always CORS or no network:
        // say so quickly instead of retrying for a minute.
        let unreachable = error.kind == ErrorKind::Network && !export.borrow().vendor_answered;
        let allowed = if unreachable { 2 } else { policy.max_attempts };
        if failures >= allowed {
            return Err(error);
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

/// Sleeps while a rate limit pauses the export, showing the wait.
async fn wait_for_pause<C: Clock>(export: &RefCell<Export>, clock: &C) {
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

fn clear_waiting(export: &RefCell<Export>, now: f64) {
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

async fn fetch<T: Transport>(
    transport: &T,
    request: &Request,
    timeout_ms: u64,
) -> Result<(ResponseHead, Vec<u8>), TransportError> {
    let (head, mut body) = transport.send(request, timeout_ms).await?;
    let bytes = read_to_end(&mut body).await?;
    Ok((head, bytes))
}

fn network_error(vendor: &str, reason: &str, vendor_answered: bool) -> FetchError {
    let summary = if vendor_answered {
        format!("The connection to {vendor} kept dropping. Check your network, then press Resume to continue where the export stopped.")
    } else {
        format!(
            "The browser could not reach {vendor} at this address. Either this computer is offline, or {vendor} does not accept calls from web pages (a browser rule called CORS). Check the connection and the base URL; if {vendor} blocks browser calls, ask IT for a relay and enter its address as the base URL."
        )
    };
    FetchError::new(
        ErrorKind::Network,
        summary,
        format!("No HTTP status: the request failed in the browser ({reason})."),
    )
}

/// Fetches one conversation with its transcript (the transcript view's "Reload"), with the same
/// error messages as an export but without retries: the user is watching and can press again.
pub async fn fetch_conversation<T: Transport>(
    query: &ExportQuery,
    id: &str,
    transport: &T,
    key: &ApiKey,
    timeout_ms: u64,
) -> Result<crate::model::Conversation, FetchError> {
    let vendor = query.vendor;
    let spec = vendor.spec();
    let Some(mut request) = vendor.conversation_request(query, id) else {
        return Err(FetchError::new(
            ErrorKind::NotFound,
            format!(
                "{}'s API has no way to fetch a single conversation.",
                spec.name
            ),
            "",
        ));
    };
    let url = request.url.clone();
    request.headers.push(spec.auth.header(key.expose()));
    let result = match fetch(transport, &request, timeout_ms).await {
        Ok((head, body)) if (200..300).contains(&head.status) => {
            let mut warnings = Vec::new();
            vendor.read_conversation(&body, &mut warnings)
        }
        Ok((head, body)) => Err(classify_response(spec.name, spec.errors, &head, &body)),
        Err(TransportError::Timeout) => Err(FetchError::new(
            ErrorKind::Timeout,
            format!(
                "{} took too long to answer. Try again in a moment.",
                spec.name
            ),
            "The request timed out.",
        )),
        Err(TransportError::Network(reason)) => Err(network_error(spec.name, &reason, false)),
    };
    result.map_err(|error| {
        error
            .during("one conversation", &url)
            .redacted(key.expose())
    })
}
