//! Which requests a tap's run still has to make, page by page: a page counts as done only once
//! every record of it is stored (and so sent on), so the STATE written after it resumes exactly
//! there. The engine's own list of pending requests leaves out those in flight; this one does not.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

use conversation_export::journal::{written, Journal, Write};
use conversation_export::model::Timestamp;
use conversation_export::vendors::{Page, Task};
use serde_json::value::RawValue;

#[derive(Default)]
pub struct Tracker {
    /// Requests not yet stored, in the order they were planned.
    pending: BTreeMap<u64, Task>,
    /// Where each pending request sits in `pending`, by its JSON.
    places: HashMap<String, u64>,
    next_place: u64,
    /// What arrived pages ask for next, until they are stored.
    arrived: HashMap<String, Vec<Task>>,
    /// Conversations whose own list (HueChat's messages) was asked for: once each.
    followed: HashSet<String>,
    /// Whether a page was stored since the last STATE.
    pub stored_since_state: bool,
}

fn key(task: &Task) -> String {
    serde_json::to_string(task).expect("tasks serialise")
}

impl Tracker {
    pub fn new(pending: impl IntoIterator<Item = Task>) -> Self {
        let mut tracker = Tracker::default();
        for task in pending {
            tracker.add(task);
        }
        tracker
    }

    fn add(&mut self, task: Task) {
        if let Some(id) = task.once_key() {
            if !self.followed.insert(id.to_string()) {
                return;
            }
        }
        let key = key(&task);
        if self.places.contains_key(&key) {
            return;
        }
        self.places.insert(key, self.next_place);
        self.pending.insert(self.next_place, task);
        self.next_place += 1;
    }

    /// Requests not yet stored, in order.
    pub fn pending(&self) -> Vec<Task> {
        self.pending.values().cloned().collect()
    }

    fn arrived(&mut self, task: &Task, next: &[Task]) {
        self.arrived.insert(key(task), next.to_vec());
    }

    fn stored(&mut self, task: &Task) {
        let key = key(task);
        if let Some(place) = self.places.remove(&key) {
            self.pending.remove(&place);
        }
        for next in self.arrived.remove(&key).unwrap_or_default() {
            self.add(next);
        }
        self.stored_since_state = true;
    }
}

/// The engine's journal, telling the tracker what arrived and what is stored. It keeps no
/// entry (the tap's records went out, its STATE says where the run is), only numbers them.
pub struct Tracking {
    tracker: Rc<RefCell<Tracker>>,
    entries: u32,
}

impl Tracking {
    pub fn new(tracker: Rc<RefCell<Tracker>>) -> Self {
        Tracking {
            tracker,
            entries: 0,
        }
    }

    fn next(&mut self) -> Write {
        self.entries += 1;
        written(Ok(self.entries))
    }
}

impl Journal for Tracking {
    fn page(&mut self, task: &Task, page: &Page) -> Write {
        self.tracker.borrow_mut().arrived(task, &page.next);
        self.next()
    }

    fn partial(&mut self, _task: &Task, _records: &[Box<RawValue>], _at: Timestamp) -> Write {
        self.next()
    }

    fn stored(&mut self, task: &Task) {
        self.tracker.borrow_mut().stored(task);
    }
}
