//! The records of an export: each conversation and each message once, in the vendor's order,
//! whatever order the pages arrived in and however often a page was fetched again.

use std::collections::{HashMap, HashSet};

use crate::model::{Conversation, Message, Warning};
use crate::vendors::Update;

/// Where a record sorts: (window, page, index in page).
pub type OrderKey = (u32, u32, u32);

#[derive(Debug, Default)]
pub struct Store {
    conversations: Vec<Conversation>,
    keys: Vec<OrderKey>,
    index: HashMap<String, usize>,
    /// `conversation id \0 message id` of every message kept, to keep each once.
    message_ids: HashSet<String>,
    /// For vendors that export messages: each conversation's messages' order keys.
    message_keys: HashMap<String, Vec<OrderKey>>,
    message_count: usize,
    /// Set when a record arrived before one that sorts after it: `settle` sorts.
    unsorted: bool,
    pub warnings: Vec<Warning>,
    /// Records received again (a page fetched twice, offsets shifted) and not added twice.
    pub duplicates_skipped: usize,
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

impl Store {
    /// The conversations, in the vendor's order once settled (see `settle`).
    pub fn conversations(&self) -> &[Conversation] {
        &self.conversations
    }

    pub fn get(&self, id: &str) -> Option<&Conversation> {
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
        self.apply_from(order, 0, updates);
        self.settle();
    }

    /// Applies updates that start at record `first` of their page (a page applied in parts).
    /// Conversations of pages that arrived out of order wait at the end until `settle`.
    pub fn apply_from(&mut self, (window, page): (u32, u32), first: u32, updates: Vec<Update>) {
        for (position, update) in updates.into_iter().enumerate() {
            let key = (window, page, first + position as u32);
            match update {
                Update::Conversation(conversation) => self.insert(key, *conversation),
                Update::Message {
                    conversation_id,
                    message,
                } => self.add_message(&conversation_id, *message),
                Update::Loose { shell, message } => self.add_loose(key, *shell, *message),
            }
        }
    }

    fn insert(&mut self, key: OrderKey, conversation: Conversation) {
        if self.index.contains_key(&conversation.id) {
            self.duplicates_skipped += 1;
            return;
        }
        for message in &conversation.messages {
            self.message_ids
                .insert(message_key(&conversation.id, &message.id));
        }
        self.message_count += conversation.messages.len();
        self.note_change(&conversation.id);
        self.append(key, conversation);
    }

    /// Adds a conversation at the end; `settle` puts it in its place.
    fn append(&mut self, key: OrderKey, conversation: Conversation) -> usize {
        if self.keys.last().is_some_and(|last| key < *last) {
            self.unsorted = true;
        }
        self.index
            .insert(conversation.id.clone(), self.conversations.len());
        self.conversations.push(conversation);
        self.keys.push(key);
        self.conversations.len() - 1
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
        let mut order: Vec<usize> = (start..self.keys.len()).collect();
        order.sort_by_key(|&at| self.keys[at]);
        let mut displaced: Vec<Option<Conversation>> =
            self.conversations.drain(start..).map(Some).collect();
        self.conversations.extend(order.iter().map(|&at| {
            displaced[at - start]
                .take()
                .expect("each conversation is moved once")
        }));
        let keys: Vec<OrderKey> = order.iter().map(|&at| self.keys[at]).collect();
        self.keys.truncate(start);
        self.keys.extend(keys);
        for (position, conversation) in self.conversations.iter().enumerate().skip(start) {
            *self
                .index
                .get_mut(&conversation.id)
                .expect("every conversation is indexed") = position;
        }
        self.unsorted = false;
    }

    /// Whether a message is new (and from now on, known).
    fn first_sight(&mut self, conversation_id: &str, message: &Message) -> bool {
        if message.id.is_empty()
            || self
                .message_ids
                .insert(message_key(conversation_id, &message.id))
        {
            true
        } else {
            self.duplicates_skipped += 1;
            false
        }
    }

    /// A message of a conversation already stored, at its `position` in the transcript.
    fn add_message(&mut self, conversation_id: &str, message: Message) {
        let Some(&at) = self.index.get(conversation_id) else {
            self.warnings.push(Warning {
                record: conversation_id.to_string(),
                field: "messages".into(),
                problem: "messages arrived for a conversation that is not in the export".into(),
            });
            return;
        };
        if !self.first_sight(conversation_id, &message) {
            return;
        }
        self.note_change(conversation_id);
        let messages = &mut self.conversations[at].messages;
        reserve_gently(messages, 1);
        // Pages of one conversation's messages may arrive in any order.
        let slot = messages.partition_point(|m| m.position <= message.position);
        messages.insert(slot, message);
        self.message_count += 1;
    }

    fn add_loose(&mut self, key: OrderKey, shell: Conversation, message: Message) {
        if !self.first_sight(&shell.id, &message) {
            return;
        }
        self.note_change(&shell.id);
        let at = match self.index.get(&shell.id) {
            Some(&at) => {
                // An earlier message than any seen (date windows arrive in any order): the
                // conversation moves to where its first message puts it, at the next settle.
                if key < self.keys[at] {
                    self.keys[at] = key;
                    self.unsorted = true;
                }
                merge_shell(&mut self.conversations[at], shell);
                at
            }
            None => self.append(key, shell),
        };
        let conversation = &mut self.conversations[at];
        let keys = self
            .message_keys
            .entry(conversation.id.clone())
            .or_default();
        let slot = keys.partition_point(|existing| *existing < key);
        keys.insert(slot, key);
        reserve_gently(&mut conversation.messages, 1);
        conversation.messages.insert(slot, message);
        for (position, message) in conversation.messages.iter_mut().enumerate().skip(slot) {
            message.position = position;
        }
        // Tool calls follow their messages' order, not the order pages arrived in.
        if conversation.tool_calls.len() > 1 {
            let place = |id: &Option<String>| {
                conversation
                    .messages
                    .iter()
                    .position(|m| Some(&m.id) == id.as_ref())
            };
            let mut calls = std::mem::take(&mut conversation.tool_calls);
            calls.sort_by_key(|call| place(&call.message_id));
            conversation.tool_calls = calls;
        }
        self.message_count += 1;
    }
}

fn message_key(conversation_id: &str, message_id: &str) -> String {
    format!("{conversation_id}\u{0}{message_id}")
}

/// What a later message tells about its conversation: the time span grows, gaps are filled.
fn merge_shell(existing: &mut Conversation, shell: Conversation) {
    existing.started_at = match (existing.started_at, shell.started_at) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    existing.last_message_at = match (existing.last_message_at, shell.last_message_at) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    if existing.channel.is_none() {
        existing.channel = shell.channel;
    }
    if existing.contact.is_none() {
        existing.contact = shell.contact;
    }
    for (name, raw) in shell.extras.into_iter_raw() {
        existing.extras.insert_if_absent(&name, raw);
    }
    existing.tool_calls.extend(shell.tool_calls);
}

/// Makes room for `more` messages, growing by a quarter rather than doubling: messages arrive a
/// few at a time, and a doubled vector of 448-byte messages would leave a third of a 100,000
/// message export unused.
fn reserve_gently(messages: &mut Vec<Message>, more: usize) {
    let needed = messages.len() + more;
    if needed > messages.capacity() {
        let room = needed.max(messages.len() + messages.len() / 4);
        messages.reserve_exact(room - messages.len());
    }
}

#[cfg(test)]
#[path = "memory_tests.rs"]
mod tests;
