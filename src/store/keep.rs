//! What a store keeps of each conversation: the whole of it (`Conversation`, for exports held in
//! memory), or a summary pointing at its records in the journal (`Summary`, for a year of
//! conversations in a browser tab). The store's ordering and deduplication are the same for
//! both; only what is kept differs.

use crate::model::{Conversation, Message, Timestamp};
use crate::vendors::spec::OrderBy;

/// Where a record is: the journal entry (page) it arrived in, and its index in that page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct RecordRef {
    pub entry: u32,
    pub index: u32,
}

/// What a store keeps per conversation.
pub trait Keep: Sized {
    /// A message kept apart from its conversation's own record (HueChat's follow-up pages,
    /// Mindo's rows): the message itself, or where it is.
    type Part;

    /// Keeps a mapped conversation; `at` is where its record is.
    fn keep(conversation: Conversation, at: RecordRef) -> Self;

    /// Keeps the shell of a conversation made of its messages (Mindo): it has no record.
    fn shell(conversation: Conversation) -> Self;

    /// Keeps a mapped message that arrived on its own; `at` is where its record is.
    fn part(message: Message, at: RecordRef) -> Self::Part;

    fn id(&self) -> &str;

    /// The time the vendor's list is sorted by.
    fn time(&self, by: OrderBy) -> Option<Timestamp>;

    /// Messages kept so far, inside its record or apart.
    fn message_count(&self) -> usize;

    /// Adds a follow-up message at `position` in the transcript (pages arrive in any order).
    fn add_at_position(&mut self, part: Self::Part, position: usize);

    /// Inserts a message that arrived on its own at `slot` among those kept apart (the store
    /// knows the order of loose messages).
    fn insert_loose(&mut self, slot: usize, part: Self::Part);

    /// What another message tells about its conversation: the time span grows, gaps are
    /// filled; where both say something, the earlier message wins (`earlier`: this one came
    /// before every message merged so far), so the result does not depend on which page
    /// arrived first.
    fn merge_shell(&mut self, shell: Self, earlier: bool);
}

/// The whole conversation, messages and all.
impl Keep for Conversation {
    type Part = Message;

    fn keep(conversation: Conversation, _at: RecordRef) -> Self {
        conversation
    }

    fn shell(conversation: Conversation) -> Self {
        conversation
    }

    fn part(message: Message, _at: RecordRef) -> Message {
        message
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn time(&self, by: OrderBy) -> Option<Timestamp> {
        match by {
            OrderBy::Started => self.started_at,
            OrderBy::LastMessage => self.last_message_at,
        }
    }

    fn message_count(&self) -> usize {
        self.messages.len()
    }

    fn add_at_position(&mut self, mut message: Message, position: usize) {
        message.position = position;
        reserve_gently(&mut self.messages, 1);
        let slot = self.messages.partition_point(|m| m.position <= position);
        self.messages.insert(slot, message);
    }

    fn insert_loose(&mut self, slot: usize, message: Message) {
        reserve_gently(&mut self.messages, 1);
        self.messages.insert(slot, message);
        for (position, message) in self.messages.iter_mut().enumerate().skip(slot) {
            message.position = position;
        }
        // Tool calls follow their messages' order, not the order pages arrived in.
        if self.tool_calls.len() > 1 {
            let messages = &self.messages;
            let place =
                |id: &Option<String>| messages.iter().position(|m| Some(&m.id) == id.as_ref());
            self.tool_calls.sort_by_key(|call| place(&call.message_id));
        }
    }

    fn merge_shell(&mut self, shell: Conversation, earlier: bool) {
        self.started_at = earliest(self.started_at, shell.started_at);
        self.last_message_at = latest(self.last_message_at, shell.last_message_at);
        prefer(&mut self.channel, shell.channel, earlier);
        prefer(&mut self.contact, shell.contact, earlier);
        for (name, raw) in shell.extras.into_iter_raw() {
            if earlier {
                self.extras.insert_raw(name, raw);
            } else {
                self.extras.insert_if_absent(&name, raw);
            }
        }
        self.tool_calls.extend(shell.tool_calls);
    }
}

/// Takes `other` where `kept` has nothing, or where `other` comes first.
pub fn prefer<T>(kept: &mut Option<T>, other: Option<T>, other_first: bool) {
    if other.is_some() && (kept.is_none() || other_first) {
        *kept = other;
    }
}

pub fn earliest<T: Ord>(a: Option<T>, b: Option<T>) -> Option<T> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

pub fn latest<T: Ord>(a: Option<T>, b: Option<T>) -> Option<T> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// Makes room for `more` items, growing by a quarter rather than doubling: messages arrive a
/// few at a time, and a doubled vector of 448-byte messages would leave a third of a 100,000
/// message export unused.
pub fn reserve_gently<T>(items: &mut Vec<T>, more: usize) {
    let needed = items.len() + more;
    if needed > items.capacity() {
        let room = needed.max(items.len() + items.len() / 4);
        items.reserve_exact(room - items.len());
    }
}
