//! The records of an export: each conversation once, in the vendor's order, whatever order the
//! pages arrived in and however often a page was fetched again.

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
    message_count: usize,
    pub warnings: Vec<Warning>,
    /// Records received again (a page fetched twice, offsets shifted) and not added twice.
    pub duplicates_skipped: usize,
}

impl Store {
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

    /// Applies a page's updates; `(window, page)` places the page's conversations.
    pub fn apply(&mut self, (window, page): (u32, u32), updates: Vec<Update>) {
        for (position, update) in updates.into_iter().enumerate() {
            match update {
                Update::Conversation(conversation) => {
                    self.insert((window, page, position as u32), *conversation);
                }
                Update::Messages {
                    conversation_id,
                    offset,
                    messages,
                } => self.add_messages(&conversation_id, offset, messages),
            }
        }
    }

    fn insert(&mut self, key: OrderKey, conversation: Conversation) {
        if self.index.contains_key(&conversation.id) {
            self.duplicates_skipped += 1;
            return;
        }
        self.message_count += conversation.messages.len();
        if self.keys.last().is_none_or(|last| *last < key) {
            self.index
                .insert(conversation.id.clone(), self.conversations.len());
            self.conversations.push(conversation);
            self.keys.push(key);
        } else {
            // Pages fetched concurrently can land out of order: keep the vendor's order.
            let at = self.keys.partition_point(|existing| *existing < key);
            self.conversations.insert(at, conversation);
            self.keys.insert(at, key);
            for (position, conversation) in self.conversations.iter().enumerate().skip(at) {
                self.index.insert(conversation.id.clone(), position);
            }
        }
    }

    fn add_messages(&mut self, conversation_id: &str, offset: u64, messages: Vec<Message>) {
        let Some(&at) = self.index.get(conversation_id) else {
            self.warnings.push(Warning {
                record: conversation_id.to_string(),
                field: "messages".into(),
                problem: "messages arrived for a conversation that is not in the export".into(),
            });
            return;
        };
        let conversation = &mut self.conversations[at];
        let known: HashSet<String> = conversation.messages.iter().map(|m| m.id.clone()).collect();
        let before = conversation.messages.len();
        for (index, mut message) in messages.into_iter().enumerate() {
            if !message.id.is_empty() && known.contains(&message.id) {
                self.duplicates_skipped += 1;
                continue;
            }
            message.position = offset as usize + index;
            conversation.messages.push(message);
        }
        conversation.messages.sort_by_key(|m| m.position);
        self.message_count += conversation.messages.len() - before;
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
}
