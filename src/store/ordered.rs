//! The records of an export: each conversation and each message once, in the vendor's order,
//! whatever order the pages arrived in and however often a page was fetched again.

use std::collections::{HashMap, HashSet};

use super::contents::Contents;
use super::keep::{reserve_gently, Keep, RecordRef};
use super::seen::{id_hash, Seen};
use crate::model::{Conversation, Message, Warning};
use crate::vendors::spec::ListOrder;
use crate::vendors::Update;

/// Where a record sorts: (segment, window, page, index in page). A segment is one run of the
/// export: the first fetched everything, each later one only what changed.
pub type OrderKey = (u32, u32, u32, u32);

/// The conversations of an export, each once and in the vendor's order, kept whole
/// (`Store<Conversation>`, the default) or as summaries (`Store<Summary>`).
#[derive(Debug)]
pub struct Store<K = Conversation> {
    conversations: Vec<K>,
    keys: Vec<OrderKey>,
    /// Each conversation's messages, to keep each once and place loose ones (beside
    /// `conversations`, in the same order).
    seen: Vec<Seen>,
    index: HashMap<String, usize>,
    hasher: std::collections::hash_map::RandomState,
    message_count: usize,
    /// Set when a record arrived before one that sorts after it: `settle` sorts.
    unsorted: bool,
    pub warnings: Vec<Warning>,
    /// Records received again (a page fetched twice, offsets shifted) and not added twice.
    pub duplicates_skipped: usize,
    /// Rows per file and vendor fields, counted as records are kept.
    pub contents: Contents,
    /// The run the records now arriving belong to (see `begin_segment`).
    segment: u32,
    /// Conversations a later run fetched again: their records in this run are left out.
    superseded: HashSet<String>,
    /// Conversations changed since `take_changed`, in the order they first changed, once
    /// `track_changes` turned it on: a shell that streams records out (the Singer tap) reads
    /// only those.
    changed: Option<Changed>,
}

#[derive(Debug, Default)]
struct Changed {
    ids: Vec<String>,
    seen: HashSet<String>,
}

impl<K> Default for Store<K> {
    fn default() -> Self {
        Store {
            conversations: Vec::new(),
            keys: Vec::new(),
            seen: Vec::new(),
            index: HashMap::new(),
            hasher: Default::default(),
            message_count: 0,
            unsorted: false,
            warnings: Vec::new(),
            duplicates_skipped: 0,
            contents: Contents::default(),
            segment: 0,
            superseded: HashSet::new(),
            changed: None,
        }
    }
}

impl<K: Keep> Store<K> {
    /// The conversations, in the vendor's order once settled (see `settle`).
    pub fn conversations(&self) -> &[K] {
        &self.conversations
    }

    pub fn get(&self, id: &str) -> Option<&K> {
        self.index.get(id).map(|&at| &self.conversations[at])
    }

    pub fn len(&self) -> usize {
        self.conversations.len()
    }

    pub fn is_empty(&self) -> bool {
        self.conversations.is_empty()
    }

    pub fn message_count(&self) -> usize {
        self.message_count
    }

    /// From now on, remembers which conversations change (see `take_changed`).
    pub fn track_changes(&mut self) {
        self.changed.get_or_insert_with(Changed::default);
    }

    /// The ids of the conversations that got a record since the last call (new, or with new
    /// messages), in the order they changed; empty unless `track_changes` was called.
    pub fn take_changed(&mut self) -> Vec<String> {
        match &mut self.changed {
            Some(changed) => {
                changed.seen.clear();
                std::mem::take(&mut changed.ids)
            }
            None => Vec::new(),
        }
    }

    fn note_change(&mut self, id: &str) {
        if let Some(changed) = &mut self.changed {
            if changed.seen.insert(id.to_string()) {
                changed.ids.push(id.to_string());
            }
        }
    }

    /// Applies a page's updates, in order; `(window, page)` places the page's records.
    pub fn apply(&mut self, order: (u32, u32), updates: Vec<Update>) {
        self.apply_from(order, 0, updates, 0);
        self.settle();
    }

    /// Applies updates that start at record `first` of their page (a page applied in parts);
    /// `entry` is the page's entry in the journal, where the records can be read again.
    /// Conversations of pages that arrived out of order wait at the end until `settle`.
    pub fn apply_from(
        &mut self,
        (window, page): (u32, u32),
        first: u32,
        updates: Vec<Update>,
        entry: u32,
    ) {
        for (position, update) in updates.into_iter().enumerate() {
            let index = first + position as u32;
            if !self.superseded.is_empty() && self.superseded.contains(update.conversation_id()) {
                continue;
            }
            let key = (self.segment, window, page, index);
            let at = RecordRef { entry, index };
            match update {
                Update::Conversation(conversation) => self.insert(key, *conversation, at),
                Update::Message {
                    conversation_id,
                    message,
                } => self.add_message(&conversation_id, *message, at),
                Update::Loose { shell, message } => self.add_loose(key, *shell, *message, at),
            }
        }
    }

    fn insert(&mut self, key: OrderKey, conversation: Conversation, at: RecordRef) {
        if self.index.contains_key(&conversation.id) {
            self.duplicates_skipped += 1;
            return;
        }
        let mut seen = Seen::default();
        for message in &conversation.messages {
            seen.placed(id_hash(&self.hasher, &message.id));
        }
        self.message_count += conversation.messages.len();
        self.contents.conversation(&conversation);
        self.note_change(&conversation.id);
        let index = self.append(key, K::keep(conversation, at));
        self.seen[index] = seen;
    }

    /// Adds a conversation at the end; `settle` puts it in its place.
    fn append(&mut self, key: OrderKey, conversation: K) -> usize {
        if self.keys.last().is_some_and(|last| key < *last) {
            self.unsorted = true;
        }
        self.index
            .insert(conversation.id().to_string(), self.conversations.len());
        // A year of conversations is some 60 MB of summaries: a doubled vector
        // would hold its old and new copies at once, and leave up to half of the new one empty.
        reserve_gently(&mut self.conversations, 1);
        reserve_gently(&mut self.keys, 1);
        reserve_gently(&mut self.seen, 1);
        self.conversations.push(conversation);
        self.keys.push(key);
        self.seen.push(Seen::default());
        self.conversations.len() - 1
    }

    /// Starts the records of a later run of the export (one that fetched only what changed):
    /// they sort after those kept so far until `order_by`.
    pub fn begin_segment(&mut self) {
        self.settle();
        self.segment += 1;
    }

    /// Leaves out the records of `superseded` conversations from now on: a later run of the
    /// export fetched them again, and its records replace these.
    pub fn leave_out(&mut self, superseded: HashSet<String>) {
        self.superseded = superseded;
    }

    /// Sorts the conversations by `order` (the vendor's list order), keeping the order they
    /// have where times are equal: how the records of several runs take their places.
    pub fn order_by(&mut self, order: ListOrder) {
        self.settle();
        let mut at: Vec<u32> = (0..self.conversations.len() as u32).collect();
        at.sort_by(|&a, &b| {
            let (x, y) = (
                self.conversations[a as usize].time(order.by),
                self.conversations[b as usize].time(order.by),
            );
            if order.newest_first {
                y.cmp(&x)
            } else {
                x.cmp(&y)
            }
        });
        permute(
            &mut at,
            &mut [
                &mut Swap(&mut self.conversations),
                &mut Swap(&mut self.seen),
            ],
        );
        let segment = self.segment;
        self.keys = (0..self.conversations.len() as u32)
            .map(|position| (segment, 0, 0, position))
            .collect();
        for (position, conversation) in self.conversations.iter().enumerate() {
            *self
                .index
                .get_mut(conversation.id())
                .expect("every conversation is indexed") = position;
        }
    }

    /// Puts the conversations back in the vendor's order after pages arrived out of order.
    /// The engine calls it whenever it hands the page a turn, not after every part: concurrent
    /// date windows interleave thousands of records, and each settle moves conversations.
    pub fn settle(&mut self) {
        if !self.unsorted {
            return;
        }
        // The conversations before the first one out of order, and before every key after it,
        // are already in place: only the rest is sorted, moved and indexed again.
        let first_descent = self
            .keys
            .windows(2)
            .position(|pair| pair[1] < pair[0])
            .map_or(self.keys.len(), |at| at + 1);
        let start = match self.keys[first_descent..].iter().min() {
            Some(smallest) => self.keys[..first_descent].partition_point(|key| key <= smallest),
            None => self.keys.len(),
        };
        let mut order: Vec<u32> = (0..(self.keys.len() - start) as u32).collect();
        let tail = &self.keys[start..];
        // Stable: a page fetched again with shifted offsets can give two conversations the
        // same key, and the one that arrived first stays first.
        order.sort_by_key(|&at| tail[at as usize]);
        // Moved in place: a year's summaries are tens of megabytes, and a copy of the part
        // that moves would be held beside them.
        permute(
            &mut order,
            &mut [
                &mut Swap(&mut self.conversations[start..]),
                &mut Swap(&mut self.seen[start..]),
                &mut Swap(&mut self.keys[start..]),
            ],
        );
        for (position, conversation) in self.conversations.iter().enumerate().skip(start) {
            *self
                .index
                .get_mut(conversation.id())
                .expect("every conversation is indexed") = position;
        }
        self.unsorted = false;
    }

    /// A message of a conversation already stored, at its `position` in the transcript.
    fn add_message(&mut self, conversation_id: &str, message: Message, at: RecordRef) {
        let Some(&index) = self.index.get(conversation_id) else {
            self.warnings.push(Warning {
                record: conversation_id.to_string(),
                field: "messages".into(),
                problem: "messages arrived for a conversation that is not in the export".into(),
            });
            return;
        };
        if !self.seen[index].placed(id_hash(&self.hasher, &message.id)) {
            self.duplicates_skipped += 1;
            return;
        }
        self.note_change(conversation_id);
        let position = message.position;
        self.contents.message(&message);
        self.conversations[index].add_at_position(K::part(message, at), position);
        self.message_count += 1;
    }

    fn add_loose(&mut self, key: OrderKey, shell: Conversation, message: Message, at: RecordRef) {
        let id = id_hash(&self.hasher, &message.id);
        let known = self.index.get(&shell.id).copied();
        let slot = match known {
            Some(index) => self.seen[index].loose(id, key),
            None => Some(0),
        };
        let Some(slot) = slot else {
            self.duplicates_skipped += 1;
            return;
        };
        self.note_change(&shell.id);
        self.contents.shell(&shell);
        self.contents.message(&message);
        let index = match known {
            Some(index) => {
                // An earlier message than any seen (date windows arrive in any order): the
                // conversation moves to where its first message puts it, at the next settle.
                let earlier = key < self.keys[index];
                if earlier {
                    self.keys[index] = key;
                    self.unsorted = true;
                }
                self.conversations[index].merge_shell(K::shell(shell), earlier);
                index
            }
            None => {
                self.contents.conversations += 1;
                let index = self.append(key, K::shell(shell));
                self.seen[index].loose(id, key);
                index
            }
        };
        self.conversations[index].insert_loose(slot, K::part(message, at));
        self.message_count += 1;
    }
}

/// Slices that move together.
trait Swappable {
    fn swap(&mut self, a: usize, b: usize);
}

struct Swap<'a, T>(&'a mut [T]);

impl<T> Swappable for Swap<'_, T> {
    fn swap(&mut self, a: usize, b: usize) {
        self.0.swap(a, b);
    }
}

/// Puts each slice in `order` (the item at `order[j]` moves to `j`), swapping along each cycle
/// of the permutation: no item is copied aside. `order` is used up (each entry marked done).
fn permute(order: &mut [u32], slices: &mut [&mut dyn Swappable]) {
    const DONE: u32 = u32::MAX;
    for start in 0..order.len() {
        let mut at = start;
        while order[at] != DONE {
            let from = order[at] as usize;
            order[at] = DONE;
            if from == start {
                break;
            }
            for slice in slices.iter_mut() {
                slice.swap(at, from);
            }
            at = from;
        }
    }
}

#[cfg(test)]
#[path = "ordered_tests.rs"]
mod tests;
