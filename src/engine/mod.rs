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
use std::collections::{BTreeMap, HashSet, VecDeque};
use std::pin::pin;

use futures_util::future::{select, Either};
use futures_util::stream::{FuturesUnordered, StreamExt};
use futures_util::FutureExt;
use serde_json::value::RawValue;

use crate::error::{classify_response, ErrorKind, FetchError};
use crate::http::{Request, ResponseHead};
use crate::ndjson::LineSplitter;
use crate::secret::ApiKey;
use crate::transport::{read_to_end, Body, Transport, TransportError};
use crate::vendors::{
    BodyFormat, Connector, ExportQuery, Line, MapContext, Page, Step, Task, VendorId,
};
use cancel::CancelToken;
use clock::Clock;
use progress::{Progress, WaitReason, Waiting, WindowProgress};
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
    /// `once_key`s of the tasks scheduled so far.
    scheduled: HashSet<String>,
    /// Date windows whose list was restarted after a rejected cursor (once each).
    restarted_windows: HashSet<u32>,
    /// `progress.retries` when the current run began: each run has its own retry budget.
    retries_at_run_start: u32,
    /// A rate limit pauses every request of the export until then (engine clock).
    pause_until_ms: f64,
    /// Whether the vendor ever answered: a later network error is a dropped connection, not CORS.
    vendor_answered: bool,
}

impl Export {
    pub fn new(query: ExportQuery, settings: Settings) -> Self {
        let connector = query.vendor.connector();
        let pending: VecDeque<Task> = connector.plan(&query).into();
        let progress = Progress {
            windows: connector
                .windows(&query)
                .into_iter()
                .map(|label| WindowProgress {
                    label,
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        };
        Export {
            query,
            settings,
            store: Store::default(),
            progress,
            status: RunStatus::Ready,
            pending,
            scheduled: HashSet::new(),
            restarted_windows: HashSet::new(),
            retries_at_run_start: 0,
            pause_until_ms: 0.0,
            vendor_answered: false,
        }
    }

    /// Queues tasks a page asked for: list pages first (so totals and the next pages are known
    /// early), follow-ups last; a follow-up already scheduled once is not scheduled again.
    fn schedule(&mut self, tasks: Vec<Task>) {
        let mut list = Vec::new();
        for task in tasks {
            if let Some(key) = &task.once_key {
                if !self.scheduled.insert(key.clone()) {
                    continue;
                }
            }
            if task.step.is_list() {
                list.push(task);
            } else {
                self.pending.push_back(task);
            }
        }
        for task in list.into_iter().rev() {
            self.pending.push_front(task);
        }
    }

    /// Counts a finished page in its window's progress.
    fn count_page(&mut self, task: &Task, page: &Page) {
        let Step::List { window, .. } = task.step else {
            return;
        };
        if let Some(progress) = self.progress.windows.get_mut(window as usize) {
            progress.pages += 1;
            progress.records += page.records.len();
            progress.done = !page
                .next
                .iter()
                .any(|next| matches!(next.step, Step::List { window: w, .. } if w == window));
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
                if let Some(mut received) = backlog.pop_front() {
                    // A page of thousands of records is stored in parts, and the page gets a
                    // turn every few dozen milliseconds: the Stop button answers, progress paints.
                    let part = received.take_part(RECORDS_PER_PART);
                    if !received.records.is_empty() {
                        backlog.push_front(received);
                    }
                    commit(export, clock, part);
                    on_change();
                    if clock.now_ms() - busy_since > BUSY_SLICE_MS {
                        export.borrow_mut().store.settle();
                        clock.yield_to_page().await;
                        busy_since = clock.now_ms();
                    }
                    continue;
                }
                if flights.is_empty() {
                    break;
                }
                // The page looks at the store while the engine waits: it is in order.
                export.borrow_mut().store.settle();
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
                let mut export = export.borrow_mut();
                export.progress.pages += 1;
                if let Some(total) = page.total {
                    export.progress.first_total.get_or_insert(total);
                    export.progress.expected_total = Some(total);
                }
                export.count_page(&task, &page);
                export.schedule(std::mem::take(&mut page.next));
                backlog.push_back(Received::new(task, page.records));
            }
            Err(failure_of_task) => {
                // Rows read before the failure are kept; the request stays pending for Resume.
                if !failure_of_task.partial.is_empty() {
                    if let Some(task) = in_flight.get(&seq) {
                        backlog.push_back(Received::new(task.clone(), failure_of_task.partial));
                    }
                }
                failure = Some(failure_of_task.error);
            }
        }
        on_change();
    }

    drop(flights);
    for received in backlog.drain(..) {
        commit(export, clock, received);
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
            None if cancel.is_cancelled() => RunStatus::Cancelled,
            None => RunStatus::Finished,
        };
    }
    on_change();
}

/// Records stored per step: a part maps in a few milliseconds.
const RECORDS_PER_PART: usize = 500;
/// How long storing may hold the page before giving it a turn: under the 50 ms a user notices,
/// with room for the part that overruns it and a redraw in the same task.
const BUSY_SLICE_MS: f64 = 25.0;

/// Records received and not yet stored: `first` is the first one's index in its page.
struct Received {
    task: Task,
    records: Vec<Box<RawValue>>,
    first: usize,
}

impl Received {
    fn new(task: Task, records: Vec<Box<RawValue>>) -> Self {
        Received {
            task,
            records,
            first: 0,
        }
    }

    /// Splits off the first `count` records, leaving the rest.
    fn take_part(&mut self, count: usize) -> Received {
        let rest = self.records.split_off(count.min(self.records.len()));
        let part = Received {
            task: self.task.clone(),
            records: std::mem::replace(&mut self.records, rest),
            first: self.first,
        };
        self.first += part.records.len();
        part
    }
}

fn commit<C: Clock>(export: &RefCell<Export>, clock: &C, received: Received) {
    let Received {
        task,
        records,
        first,
    } = received;
    let mut export = export.borrow_mut();
    let export = &mut *export;
    let mut context = MapContext::new(&mut export.store.warnings, clock.wall());
    context.first_record = first;
    let updates = export
        .query
        .vendor
        .connector()
        .map(&task, records, &mut context);
    export
        .store
        .apply_from(task.step.order(), first as u32, updates);
    export.progress.conversations = export.store.len();
    export.progress.messages = export.store.message_count();
}

/// Why a request was given up, with the rows it read before failing.
struct TaskFailure {
    error: FetchError,
    partial: Vec<Box<RawValue>>,
}

/// Makes one request until it succeeds or the retry policy gives up.
async fn execute<T: Transport, C: Clock>(
    seq: u64,
    task: Task,
    context: &Context<'_, T, C>,
) -> (u64, Result<Page, TaskFailure>) {
    let result = attempt(&task, context)
        .await
        .map_err(|failure| TaskFailure {
            error: failure
                .error
                .during(&task.label, &task.request().url)
                .redacted(context.key.expose()),
            partial: failure.partial,
        });
    (seq, result)
}

async fn attempt<T: Transport, C: Clock>(
    task: &Task,
    context: &Context<'_, T, C>,
) -> Result<Page, TaskFailure> {
    let Context {
        export,
        transport,
        clock,
        key,
        vendor,
        settings,
    } = context;
    let connector = vendor.connector();
    let spec = connector.spec();
    let policy = settings.retry;
    let mut failures = 0u32;
    let mut rate_limited = 0u32;
    // Rows read by attempts that failed midway: kept if the request is finally given up.
    let mut partial: Vec<Box<RawValue>> = Vec::new();
    let give_up =
        |error: FetchError, partial: Vec<Box<RawValue>>| Err(TaskFailure { error, partial });
    loop {
        wait_for_pause(export, *clock).await;
        let mut request: Request = task.request();
        request.headers.push(spec.auth.header(key.expose()));
        export.borrow_mut().progress.requests += 1;
        let error = match transport.send(&request, settings.timeout_ms).await {
            Ok((head, mut body)) => {
                export.borrow_mut().vendor_answered = true;
                if (200..300).contains(&head.status) {
                    match read_body(connector, task, &head, &mut body).await {
                        Ok(page) => return Ok(page),
                        Err((error, rows)) => {
                            if rows.len() > partial.len() {
                                partial = rows;
                            }
                            error
                        }
                    }
                } else {
                    let body = read_to_end(&mut body).await.unwrap_or_default();
                    let error = classify_response(spec.name, spec.errors, &head, &body);
                    if error.kind == ErrorKind::RateLimited {
                        rate_limited += 1;
                        if rate_limited > policy.max_rate_limited {
                            return give_up(error, partial);
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
            Err(error) => transport_error(
                spec.name,
                error,
                settings.timeout_ms,
                export.borrow().vendor_answered,
            ),
        };
        if error.kind == ErrorKind::Rejected {
            if let Some(restart) = restart_after_rejected_cursor(export, task) {
                return Ok(restart);
            }
        }
        if !error.kind.is_transient() {
            return give_up(error, partial);
        }
        failures += 1;
        // Every retry of the run counts against one budget, so a vendor that fails everywhere
        // stops the export in minutes, not hours.
        let retries_this_run = {
            let export = export.borrow();
            export.progress.retries - export.retries_at_run_start
        };
        if retries_this_run >= policy.run_budget {
            let mut error = error;
            error.summary = format!(
                "{} kept failing ({} retries in this run). The export stopped; press Resume to try again later.",
                spec.name, policy.run_budget
            );
            return give_up(error, partial);
        }
        // A first request that cannot get through at all is almost always CORS or no network:
        // say so quickly instead of retrying for a minute.
        let unreachable = error.kind == ErrorKind::Network && !export.borrow().vendor_answered;
        let allowed = if unreachable { 2 } else { policy.max_attempts };
        if failures >= allowed {
            return give_up(error, partial);
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

/// Reads a successful body: JSON once complete, NDJSON line by line as it arrives. On failure,
/// returns the rows read so far with the error.
async fn read_body<B: Body>(
    connector: &dyn Connector,
    task: &Task,
    head: &ResponseHead,
    body: &mut B,
) -> Result<Page, (FetchError, Vec<Box<RawValue>>)> {
    let spec = connector.spec();
    match spec.body {
        BodyFormat::Json => {
            let bytes = read_to_end(body)
                .await
                .map_err(|error| (body_error(spec.name, error), Vec::new()))?;
            connector
                .read_page(task, head, &bytes)
                .map_err(|error| (error, Vec::new()))
        }
        BodyFormat::Ndjson => {
            let mut splitter = LineSplitter::new();
            let mut records = Vec::new();
            let mut next_cursor = None;
            let mut line_number = 0usize;
            let mut take_line =
                |line: &[u8], records: &mut Vec<Box<RawValue>>| -> Result<(), FetchError> {
                    line_number += 1;
                    let text = std::str::from_utf8(line).map_err(|_| {
                        super::vendors::malformed(
                            spec.name,
                            &task.label,
                            format!("line {line_number} is not UTF-8"),
                        )
                    })?;
                    match connector.read_line(task, text)? {
                        Line::Record(raw) => records.push(raw),
                        Line::Next(cursor) => next_cursor = Some(cursor),
                        Line::Skip => {}
                    }
                    Ok(())
                };
            loop {
                match body.chunk().await {
                    Ok(Some(chunk)) => {
                        if let Err(error) =
                            splitter.push(&chunk, |line| take_line(line, &mut records))
                        {
                            return Err((error, records));
                        }
                    }
                    Ok(None) => break,
                    Err(error) => return Err((body_error(spec.name, error), records)),
                }
            }
            if let Some(last) = splitter.finish() {
                if let Err(error) = take_line(&last, &mut records) {
                    return Err((error, records));
                }
            }
            Ok(Page {
                records,
                next: connector.after_lines(task, next_cursor),
                total: None,
            })
        }
    }
}

/// A body that stopped arriving midway.
fn body_error(vendor: &str, error: TransportError) -> FetchError {
    match error {
        TransportError::Timeout => FetchError::new(
            ErrorKind::Timeout,
            format!("{vendor} stopped sending in the middle of a page, several times. Press Resume to try again."),
            "The response body timed out.",
        ),
        TransportError::Network(reason) => FetchError::new(
            ErrorKind::Network,
            format!("The connection to {vendor} dropped in the middle of a page, several times. Press Resume to continue."),
            format!("The response body was cut off ({reason})."),
        ),
    }
}

fn transport_error(
    vendor: &str,
    error: TransportError,
    timeout_ms: u64,
    vendor_answered: bool,
) -> FetchError {
    match error {
        TransportError::Timeout => FetchError::new(
            ErrorKind::Timeout,
            format!(
                "{vendor} took longer than {} seconds to answer, several times. Press Resume to try again.",
                timeout_ms / 1000
            ),
            "The request timed out.",
        ),
        TransportError::Network(reason) => network_error(vendor, &reason, vendor_answered),
    }
}

/// A vendor that refuses a cursor (it expired, or the list changed) gets the list from its first
/// page again, once per date window: pages already fetched come back as duplicates, which the
/// store keeps once, so nothing is lost or counted twice. `None` when it does not apply.
fn restart_after_rejected_cursor(export: &RefCell<Export>, task: &Task) -> Option<Page> {
    let Step::List { window, .. } = task.step else {
        return None;
    };
    task.call.param("cursor")?;
    let mut export = export.borrow_mut();
    if !export.restarted_windows.insert(window) {
        return None;
    }
    let vendor = export.vendor().spec().name;
    export.progress.notices.push(format!(
        "{vendor} no longer accepted the position in its list at {}: that list was read again from its first page. Nothing is missing or repeated in the files.",
        task.label
    ));
    let mut first = task.clone();
    first.call.params.retain(|(name, _)| name != "cursor");
    first.step = Step::List { window, page: 0 };
    first.label = format!("{} (read again from the start)", task.label);
    Some(Page {
        records: Vec::new(),
        next: vec![first],
        total: None,
    })
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

/// Makes one request outside an export (the transcript view's "Reload", a vendor's own
/// transcript file), with the same error messages but no retries: the user is watching and can
/// press again.
pub async fn fetch_document<T: Transport>(
    vendor: VendorId,
    request: Request,
    transport: &T,
    key: &ApiKey,
    timeout_ms: u64,
) -> Result<Vec<u8>, FetchError> {
    let spec = vendor.spec();
    let url = request.url.clone();
    let mut request = request;
    request.headers.push(spec.auth.header(key.expose()));
    let outcome = match transport.send(&request, timeout_ms).await {
        Ok((head, mut body)) => match read_to_end(&mut body).await {
            Ok(bytes) if (200..300).contains(&head.status) => Ok(bytes),
            Ok(bytes) => Err(classify_response(spec.name, spec.errors, &head, &bytes)),
            Err(error) => Err(body_error(spec.name, error)),
        },
        Err(error) => Err(transport_error(spec.name, error, timeout_ms, false)),
    };
    outcome.map_err(|error| {
        error
            .during("one conversation", &url)
            .redacted(key.expose())
    })
}

/// Fetches one conversation with its whole transcript, where the vendor has an endpoint for it.
pub async fn fetch_conversation<T: Transport, C: Clock>(
    query: &ExportQuery,
    id: &str,
    transport: &T,
    clock: &C,
    key: &ApiKey,
    timeout_ms: u64,
) -> Result<crate::model::Conversation, FetchError> {
    let connector = query.vendor.connector();
    let Some(request) = connector.conversation_request(query, id) else {
        return Err(FetchError::new(
            ErrorKind::NotFound,
            format!(
                "{}'s API has no way to fetch a single conversation.",
                connector.spec().name
            ),
            "",
        ));
    };
    let body = fetch_document(query.vendor, request, transport, key, timeout_ms).await?;
    let mut warnings = Vec::new();
    let mut context = MapContext::new(&mut warnings, clock.wall());
    connector.read_conversation(&body, &mut context)
}
