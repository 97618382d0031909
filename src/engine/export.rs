//! One export: what was asked, what came back, and what is left to fetch.
//!
//! The state that must survive a stop lives here, behind a `RefCell` the UI can read between
//! steps. Requests are values, so "resume" is simply "carry on with the pending requests".

use std::collections::{HashSet, VecDeque};

use serde_json::value::RawValue;

use super::progress::{Progress, WindowProgress};
use super::{RunStatus, Settings};
use crate::journal::{Journal, NoJournal};
use crate::model::{Conversation, Timestamp};
use crate::store::{Keep, Store};
use crate::vendors::changes::stamp_of;
use crate::vendors::paging::map_records;
use crate::vendors::{plan, windows, ExportQuery, MapContext, Page, Step, Task, Update, VendorId};

/// `K`: what the store keeps of each conversation (the whole of it by default, or a summary
/// pointing into the journal).
pub struct Export<K: Keep = Conversation> {
    pub query: ExportQuery,
    pub settings: Settings,
    pub store: Store<K>,
    pub progress: Progress,
    pub status: RunStatus,
    pub(super) pending: VecDeque<Task>,
    /// Follow-up lists scheduled so far, by `Task::once_key`.
    scheduled: HashSet<String>,
    /// Date windows whose list was restarted after a rejected cursor (once each).
    pub(super) restarted_windows: HashSet<Option<u32>>,
    /// `progress.retries` when the current run began: each run has its own retry budget.
    pub(super) retries_at_run_start: u32,
    /// A rate limit pauses every request of the export until then (engine clock).
    pub(super) pause_until_ms: f64,
    /// Whether the vendor ever answered: a later network error is a dropped connection, not CORS.
    pub(super) vendor_answered: bool,
    /// Where pages are written as they arrive, to survive a reload or a crash.
    pub(super) journal: Box<dyn Journal>,
    /// The latest change among the records kept: the mark an export of only what changed since
    /// this one starts from.
    pub latest_change: Option<Timestamp>,
}

impl<K: Keep> Export<K> {
    pub fn new(query: ExportQuery, settings: Settings) -> Self {
        let pending: VecDeque<Task> = plan(&query).into();
        let progress = Progress {
            windows: windows(&query)
                .into_iter()
                .map(|window| WindowProgress {
                    window,
                    pages: 0,
                    records: 0,
                    done: false,
                })
                .collect(),
            has_follow_ups: query.vendor.spec().follow_up.is_some(),
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
            journal: Box::new(NoJournal { next: 0 }),
            latest_change: None,
        }
    }

    /// An export that goes on from `pending`, the requests a stopped run had left to make,
    /// without the records it stored: for a shell that already handed those on (a Singer tap's
    /// saved state holds the requests, not the records). A conversation whose own list is
    /// pending (HueChat's messages) is stored as its id alone, so the rest of its messages
    /// have somewhere to go (its fields empty: they went out before).
    pub fn resuming(query: ExportQuery, settings: Settings, pending: Vec<Task>) -> Self {
        let mut export = Export::new(query, settings);
        let vendor = export.vendor();
        let mut placeholders = Vec::new();
        for task in &pending {
            if let Step::FollowUp {
                conversation_id, ..
            } = &task.step
            {
                if export.scheduled.insert(conversation_id.clone()) {
                    placeholders.push(Update::Conversation(Box::new(Conversation {
                        id: conversation_id.clone(),
                        vendor,
                        ..Conversation::default()
                    })));
                }
            }
        }
        export.store.apply((0, 0), placeholders);
        export.pending = pending.into();
        export.status = RunStatus::Cancelled;
        export
    }

    /// Writes every page from now on to `journal` as well.
    pub fn set_journal(&mut self, journal: Box<dyn Journal>) {
        self.journal = journal;
    }

    /// A page read back from a journal (its entry `entry`): as if it had just arrived, stored
    /// at once. `now` is the user's clock, for mapping.
    pub(crate) fn replay_page(&mut self, task: Task, page: Page, entry: u32, now: Timestamp) {
        if let Some(at) = self.pending.iter().position(|pending| *pending == task) {
            self.pending.remove(at);
        }
        self.progress.pages += 1;
        self.note_total(&task, &page);
        self.count_page(&task, &page);
        let Page { records, next, .. } = page;
        self.schedule(next);
        self.store_records(&task, 0, records, entry, now);
    }

    /// Starts a run of only what changed (`update` carries the mark), read back from a journal:
    /// its requests replace any left, and its records sort after those kept so far. The query
    /// stays the export's own: the files describe the whole set.
    pub(crate) fn replay_update(&mut self, update: &ExportQuery) {
        self.pending = plan(update).into();
        self.scheduled.clear();
        self.store.begin_segment();
    }

    /// Rows of a failed page read back from a journal: kept; its request stays to make.
    pub(crate) fn replay_partial(
        &mut self,
        task: Task,
        records: Vec<Box<RawValue>>,
        entry: u32,
        now: Timestamp,
    ) {
        self.store_records(&task, 0, records, entry, now);
    }

    /// The main list's total is the export's; a follow-up list's is its own.
    pub(super) fn note_total(&mut self, task: &Task, page: &Page) {
        if let (Some(total), true) = (page.total, task.step.is_list()) {
            self.progress.first_total.get_or_insert(total);
            self.progress.expected_total = Some(total);
        }
    }

    /// Maps records of `task`'s page (the first at index `first`; the page is journal entry
    /// `entry`) and stores them in the page's place. `now` is the user's clock (a call that
    /// ended moments ago may still be filling in).
    pub(super) fn store_records(
        &mut self,
        task: &Task,
        first: usize,
        records: Vec<Box<RawValue>>,
        entry: u32,
        now: Timestamp,
    ) {
        let mut context = MapContext::new(&mut self.store.warnings, now);
        let updates = map_records(self.query.vendor, task, first, records, &mut context);
        let stamp = self.query.vendor.spec().changes.field().kept;
        if let Some(latest) = updates.iter().filter_map(|u| stamp_of(stamp, u)).max() {
            self.latest_change = self.latest_change.max(Some(latest));
        }
        self.store
            .apply_from(task.step.order(), first as u32, updates, entry);
        self.progress.conversations = self.store.len();
        self.progress.messages = self.store.message_count();
    }

    /// Queues tasks a page asked for: list pages first (so totals and the next pages are known
    /// early), follow-ups last; a follow-up already scheduled once is not scheduled again.
    pub(super) fn schedule(&mut self, tasks: Vec<Task>) {
        let mut list = Vec::new();
        for task in tasks {
            if let Some(key) = task.once_key() {
                if !self.scheduled.insert(key.to_string()) {
                    continue;
                }
                self.progress.follow_ups_scheduled += 1;
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

    /// Counts a finished page: its window's progress, and whether its list has ended.
    pub(super) fn count_page(&mut self, task: &Task, page: &Page) {
        let continues = page
            .next
            .iter()
            .any(|next| same_list(&next.step, &task.step));
        match &task.step {
            Step::List {
                window: Some(window),
                ..
            } => {
                if let Some(progress) = self.progress.windows.get_mut(window.index as usize) {
                    progress.pages += 1;
                    progress.records += page.records.len();
                    progress.done = !continues;
                }
            }
            Step::List { window: None, .. } => self.progress.list_done = !continues,
            Step::FollowUp { .. } => {
                if !continues {
                    self.progress.follow_ups_done += 1;
                }
            }
        }
    }

    pub fn vendor(&self) -> VendorId {
        self.query.vendor
    }

    /// Requests still to make: what Resume will do.
    pub fn pending(&self) -> impl Iterator<Item = &Task> {
        self.pending.iter()
    }

    /// The requests not made, in words ("page 3 of conversations"), unless the export ran to
    /// its end: what is missing, for the manifest and for whoever reads a stopped export.
    pub fn missing(&self) -> Vec<String> {
        match self.status {
            RunStatus::Finished => Vec::new(),
            _ => self.pending().map(|task| task.to_string()).collect(),
        }
    }

    pub fn can_resume(&self) -> bool {
        matches!(self.status, RunStatus::Cancelled | RunStatus::Failed(_))
            && !self.pending.is_empty()
    }
}

/// Whether two steps read the same list (one window, or one conversation's follow-up).
fn same_list(a: &Step, b: &Step) -> bool {
    match (a, b) {
        (Step::List { window: x, .. }, Step::List { window: y, .. }) => {
            x.map(|w| w.index) == y.map(|w| w.index)
        }
        (
            Step::FollowUp {
                conversation_id: x, ..
            },
            Step::FollowUp {
                conversation_id: y, ..
            },
        ) => x == y,
        _ => false,
    }
}
