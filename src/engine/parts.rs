//! Storing a page's records in parts: a part maps in a few milliseconds, so a page of ten
//! thousand rows never holds the page for long.

use std::cell::RefCell;

use serde_json::value::RawValue;

use super::Export;
use crate::model::Timestamp;
use crate::store::Keep;
use crate::vendors::Task;

/// Records stored per step.
pub(super) const RECORDS_PER_PART: usize = 500;

/// Records received and not yet stored: `first` is the first one's index in its page, `entry`
/// the page's entry in the journal, `fetched_at` when the page arrived.
pub(super) struct Received {
    task: Task,
    pub records: Vec<Box<RawValue>>,
    first: usize,
    entry: u32,
    fetched_at: Timestamp,
    /// A whole page, not the rows of one that failed midway (its request stays to make).
    whole: bool,
}

impl Received {
    /// A page that arrived whole.
    pub fn new(task: Task, records: Vec<Box<RawValue>>, entry: u32, fetched_at: Timestamp) -> Self {
        Received {
            task,
            records,
            first: 0,
            entry,
            fetched_at,
            whole: true,
        }
    }

    /// Rows read before a page failed.
    pub fn partial(
        task: Task,
        records: Vec<Box<RawValue>>,
        entry: u32,
        fetched_at: Timestamp,
    ) -> Self {
        Received {
            whole: false,
            ..Received::new(task, records, entry, fetched_at)
        }
    }

    /// Splits off the first `count` records, leaving the rest.
    pub fn take_part(&mut self, count: usize) -> Received {
        let rest = self.records.split_off(count.min(self.records.len()));
        let part = Received {
            task: self.task.clone(),
            records: std::mem::replace(&mut self.records, rest),
            first: self.first,
            entry: self.entry,
            fetched_at: self.fetched_at,
            whole: self.whole,
        };
        self.first += part.records.len();
        part
    }
}

/// Maps a part's records with the vendor's connector and stores them in the page's place;
/// `last` says no part of its page is left, and the journal hears a whole page is stored.
pub(super) fn commit<K: Keep>(export: &RefCell<Export<K>>, received: Received, last: bool) {
    let Received {
        task,
        records,
        first,
        entry,
        fetched_at,
        whole,
    } = received;
    let mut export = export.borrow_mut();
    export.store_records(&task, first, records, entry, fetched_at);
    if last && whole {
        export.journal.stored(&task);
    }
}
