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
                Update::Messages {
                    conversation_id,
                    offset,
                    messages,
                } => self.add_messages(&conversation_id, offset, messages),
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

    fn add_messages(&mut self, conversation_id: &str, offset: u64, messages: Vec<Message>) {
        if !self.index.contains_key(conversation_id) {
            self.warnings.push(Warning {
                record: conversation_id.to_string(),
                field: "messages".into(),
                problem: "messages arrived for a conversation that is not in the export".into(),
            });
            return;
        }
        let mut added = Vec::with_capacity(messages.len());
        for (index, mut message) in messages.into_iter().enumerate() {
            if self.first_sight(conversation_id, &message) {
                message.position = offset as usize + index;
                added.push(message);
            }
        }
        let conversation = &mut self.conversations[self.index[conversation_id]];
        self.message_count += added.len();
        reserve_gently(&mut conversation.messages, added.len());
        conversation.messages.extend(added);
        if conversation
            .messages
            .windows(2)
            .any(|pair| pair[0].position > pair[1].position)
        {
            conversation.messages.sort_by_key(|m| m.position);
        }
    }

    fn add_loose(&mut self, key: OrderKey, shell: Conversation, message: Message) {
        if !self.first_sight(&shell.id, &message) {
            return;
        }
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
mod tests {
    use super::*;

    fn conversation(id: &str) -> Update {
        Update::Conversation(Box::new(Conversation {
            id: id.into(),
            messages: vec![Message::default()],
            ..Default::default()
        }))
    }

    fn ids(store: &Store) -> Vec<&str> {
        store
            .conversations()
            .iter()
            .map(|c| c.id.as_str())
            .collect()
    }

    fn message(id: &str) -> Message {
        Message {
            id: id.into(),
            ..Default::default()
        }
    }

    fn loose(conversation: &str, id: &str, at: &str) -> Update {
        let at = at.parse().ok();
        Update::Loose {
            shell: Box::new(Conversation {
                id: conversation.into(),
                started_at: at,
                last_message_at: at,
                ..Default::default()
            }),
            message: Box::new(Message {
                id: id.into(),
                sent_at: at,
                ..Default::default()
            }),
        }
    }

    #[test]
    fn keeps_vendor_order_when_pages_arrive_out_of_order() {
        let mut store = Store::default();
        store.apply((0, 2), vec![conversation("e"), conversation("f")]);
        store.apply((0, 0), vec![conversation("a"), conversation("b")]);
        store.apply((0, 1), vec![conversation("c"), conversation("d")]);
        assert_eq!(ids(&store), vec!["a", "b", "c", "d", "e", "f"]);
        assert_eq!(store.get("d").unwrap().id, "d");
        assert_eq!(store.message_count(), 6);
    }

    #[test]
    fn a_page_fetched_twice_adds_nothing() {
        let mut store = Store::default();
        store.apply((0, 0), vec![conversation("a"), conversation("b")]);
        store.apply((0, 0), vec![conversation("a"), conversation("b")]);
        store.apply((0, 1), vec![conversation("b"), conversation("c")]);
        assert_eq!(ids(&store), vec!["a", "b", "c"]);
        assert_eq!(store.duplicates_skipped, 3);
        assert_eq!(store.message_count(), 3);
    }

    #[test]
    fn follow_up_messages_join_their_conversation_in_order_once() {
        let mut store = Store::default();
        store.apply(
            (0, 0),
            vec![Update::Conversation(Box::new(Conversation {
                id: "c".into(),
                ..Default::default()
            }))],
        );
        let page = |offset: u64, ids: &[&str]| Update::Messages {
            conversation_id: "c".into(),
            offset,
            messages: ids.iter().map(|id| message(id)).collect(),
        };
        store.apply((u32::MAX, 1), vec![page(2, &["m3", "m4"])]);
        store.apply((u32::MAX, 0), vec![page(0, &["m1", "m2"])]);
        store.apply((u32::MAX, 0), vec![page(0, &["m1", "m2"])]);
        let messages: Vec<(&str, usize)> = store
            .get("c")
            .unwrap()
            .messages
            .iter()
            .map(|m| (m.id.as_str(), m.position))
            .collect();
        assert_eq!(messages, vec![("m1", 0), ("m2", 1), ("m3", 2), ("m4", 3)]);
        assert_eq!(store.message_count(), 4);
        store.apply(
            (u32::MAX, 0),
            vec![Update::Messages {
                conversation_id: "ghost".into(),
                offset: 0,
                messages: vec![message("x")],
            }],
        );
        assert_eq!(store.warnings.len(), 1);
    }

    #[test]
    fn a_conversation_sits_where_its_first_message_puts_it_whatever_arrives_first() {
        let mut early_first = Store::default();
        early_first.apply(
            (0, 0),
            vec![
                loose("a", "a1", "2026-04-01T10:00:00Z"),
                loose("b", "b1", "2026-04-02T10:00:00Z"),
            ],
        );
        early_first.apply(
            (1, 0),
            vec![
                loose("b", "b2", "2026-05-02T10:00:00Z"),
                loose("a", "a2", "2026-05-03T10:00:00Z"),
            ],
        );
        let mut late_first = Store::default();
        late_first.apply(
            (1, 0),
            vec![
                loose("b", "b2", "2026-05-02T10:00:00Z"),
                loose("a", "a2", "2026-05-03T10:00:00Z"),
            ],
        );
        late_first.apply(
            (0, 0),
            vec![
                loose("a", "a1", "2026-04-01T10:00:00Z"),
                loose("b", "b1", "2026-04-02T10:00:00Z"),
            ],
        );
        assert_eq!(ids(&early_first), vec!["a", "b"]);
        assert_eq!(ids(&late_first), vec!["a", "b"]);
        assert_eq!(late_first.get("b").unwrap().messages[0].id, "b1");
    }

    #[test]
    fn loose_messages_group_into_conversations_in_stream_order() {
        let mut store = Store::default();
        store.apply(
            (1, 0),
            vec![
                loose("c1", "m3", "2026-04-20T10:00:00Z"),
                loose("c2", "n1", "2026-04-20T11:00:00Z"),
            ],
        );
        store.apply(
            (0, 0),
            vec![
                loose("c1", "m1", "2026-04-01T10:00:00Z"),
                loose("c1", "m2", "2026-04-01T10:05:00Z"),
            ],
        );
        store.apply((0, 0), vec![loose("c1", "m1", "2026-04-01T10:00:00Z")]);
        assert_eq!(ids(&store), vec!["c1", "c2"], "ordered by first message");
        let c1 = store.get("c1").unwrap();
        let order: Vec<&str> = c1.messages.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(order, vec!["m1", "m2", "m3"]);
        assert_eq!(
            c1.messages.iter().map(|m| m.position).collect::<Vec<_>>(),
            vec![0, 1, 2]
        );
        assert_eq!(
            c1.started_at.unwrap().to_rfc3339(),
            "2026-04-01T10:00:00+00:00"
        );
        assert_eq!(
            c1.last_message_at.unwrap().to_rfc3339(),
            "2026-04-20T10:00:00+00:00"
        );
        assert_eq!(store.message_count(), 4);
        assert_eq!(store.duplicates_skipped, 1);
    }

    /// Property tests: proptest runs on the host only.
    #[cfg(not(target_arch = "wasm32"))]
    mod arrival_order {
        use super::*;
        use proptest::prelude::*;

        /// A row of a page: a message of one of a few conversations (Mindo), or a whole
        /// conversation of its own (every other vendor).
        #[derive(Debug, Clone, Copy)]
        enum Row {
            MessageOf(u8),
            Whole,
        }

        fn row_update(row: Row, number: usize) -> Update {
            match row {
                Row::MessageOf(conversation) => loose(
                    &format!("c{conversation}"),
                    &format!("m{number}"),
                    "2026-04-01T10:00:00Z",
                ),
                Row::Whole => conversation(&format!("whole{number}")),
            }
        }

        /// Rows numbered in the vendor's order, cut into pages of three date windows, the pages cut
        /// into parts, the parts applied in a shuffled order.
        fn arrivals() -> impl Strategy<Value = (Vec<Row>, usize, Vec<(usize, usize, bool)>)> {
            let row = prop_oneof![(0u8..6).prop_map(Row::MessageOf), Just(Row::Whole)];
            (prop::collection::vec(row, 1..80), 1usize..12, 1usize..6).prop_flat_map(
                |(rows, page_size, part_size)| {
                    // Each part: (first row, end row), and whether the engine settles after it.
                    let parts: Vec<(usize, usize)> = (0..rows.len())
                        .step_by(page_size)
                        .flat_map(|page_start| {
                            let page_end = (page_start + page_size).min(rows.len());
                            (page_start..page_end)
                                .step_by(part_size)
                                .map(move |start| (start, (start + part_size).min(page_end)))
                        })
                        .collect();
                    let count = parts.len();
                    (
                        Just(rows),
                        Just(page_size),
                        Just(parts).prop_shuffle(),
                        prop::collection::vec(any::<bool>(), count),
                    )
                        .prop_map(|(rows, page_size, parts, settles)| {
                            let parts = parts
                                .into_iter()
                                .zip(settles)
                                .map(|((start, end), settle)| (start, end, settle))
                                .collect();
                            (rows, page_size, parts)
                        })
                },
            )
        }

        proptest::proptest! {
            #[test]
            fn parts_in_any_order_settle_to_the_vendors_order(
                (rows, page_size, parts) in arrivals()
            ) {
                let pages_per_window = 3;
                let mut store = Store::default();
                for (start, end, settle) in parts {
                    let page = start / page_size;
                    let order = ((page / pages_per_window) as u32, (page % pages_per_window) as u32);
                    let first = (start - page * page_size) as u32;
                    let updates = (start..end).map(|number| row_update(rows[number], number)).collect();
                    store.apply_from(order, first, updates);
                    if settle {
                        store.settle();
                    }
                }
                store.settle();

                // Rows are numbered in the vendor's order: a conversation sits where its first row
                // does, its messages in the order of their rows.
                let mut expected: Vec<(String, Vec<String>)> = Vec::new();
                for (number, row) in rows.iter().enumerate() {
                    let (id, message) = match row {
                        Row::MessageOf(c) => (format!("c{c}"), Some(format!("m{number}"))),
                        Row::Whole => (format!("whole{number}"), None),
                    };
                    match expected.iter_mut().find(|(existing, _)| *existing == id) {
                        Some((_, messages)) => messages.extend(message),
                        None => expected.push((id, message.into_iter().collect())),
                    }
                }
                let stored: Vec<(String, Vec<String>)> = store
                    .conversations()
                    .iter()
                    .map(|c| {
                        let messages = c.messages.iter().map(|m| m.id.clone()).filter(|id| !id.is_empty()).collect();
                        (c.id.clone(), messages)
                    })
                    .collect();
                proptest::prop_assert_eq!(stored, expected);
                for (at, conversation) in store.conversations().iter().enumerate() {
                    proptest::prop_assert_eq!(store.get(&conversation.id).map(|c| &c.id), Some(&conversation.id));
                    proptest::prop_assert_eq!(store.index[&conversation.id], at);
                }
            }
        }
    }
}
