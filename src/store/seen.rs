//! The messages one conversation was given, to keep each once and to place those that arrive on
//! their own (Mindo's rows) in the vendor's order.
//!
//! Kept per conversation rather than in one set for the export: a message is a duplicate only
//! within its conversation, so 64 bits of hash are plenty (a conversation of ten thousand
//! messages collides with odds about 10^-12), and nothing is stored per conversation id again.
//! For a million messages that is 24 MB, where a 128-bit set and a map of order keys by id took
//! over 100 MB.

use std::hash::BuildHasher;

use super::ordered::OrderKey;

/// A message known: its id's hash and, for one that arrived on its own, where it sorts.
#[derive(Debug, Clone, Copy)]
struct Known {
    id: u64,
    key: OrderKey,
}

#[derive(Debug, Default)]
pub struct Seen {
    /// Messages that arrived inside the conversation's record or at a position, then those that
    /// arrived on their own, the latter in order of their keys.
    known: Vec<Known>,
    /// How many of `known` come before the loose ones.
    placed: usize,
}

/// What a message's id hashes to; an empty id is no id (never a duplicate).
pub fn id_hash(hasher: &impl BuildHasher, message_id: &str) -> Option<u64> {
    (!message_id.is_empty()).then(|| hasher.hash_one(message_id))
}

impl Seen {
    fn knows(&self, id: Option<u64>) -> bool {
        id.is_some_and(|id| self.known.iter().any(|known| known.id == id))
    }

    /// Notes a message kept inside its conversation or at its position; false if it was kept
    /// before.
    pub fn placed(&mut self, id: Option<u64>) -> bool {
        if self.knows(id) {
            return false;
        }
        if let Some(id) = id {
            super::keep::reserve_gently(&mut self.known, 1);
            self.known.insert(
                self.placed,
                Known {
                    id,
                    key: OrderKey::default(),
                },
            );
            self.placed += 1;
        }
        true
    }

    /// Notes a message that arrived on its own, sorting at `key`: its slot among the loose
    /// messages, or `None` if it was kept before.
    pub fn loose(&mut self, id: Option<u64>, key: OrderKey) -> Option<usize> {
        if self.knows(id) {
            return None;
        }
        let loose = &self.known[self.placed..];
        let slot = loose.partition_point(|known| known.key < key);
        super::keep::reserve_gently(&mut self.known, 1);
        self.known.insert(
            self.placed + slot,
            Known {
                // A message with no id still takes its slot; a later message would have to hash
                // to exactly this value (odds 2^-64) to be taken for it.
                id: id.unwrap_or(u64::MAX),
                key,
            },
        );
        Some(slot)
    }
}
