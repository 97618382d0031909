//! Changing the data between two exports, as people keep chatting: a test of "only what
//! changed" touches some conversations, exports again, and expects exactly those.
//!
//! A touch is deterministic: it happens on the minute after the newest record of the vendor
//! (and after the anchor), picks conversations spread evenly over the data (others each
//! round), and writes the same records every time. Each vendor changes the way its own API shows a change:
//! - Humind: a new customer message; `updated_at` and `last_message_at` move to it;
//! - TalkToHumans: a new last message (`last_message_text`, `last_message_at`);
//! - HueChat: a new customer message, `last_message_at`, `message_count` and the preview;
//! - voice widget: new calls (its only way to change is a new call, found by `since`);
//! - Mindo: a new customer message in the conversation (rows are messages).

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

use crate::common::timestamp;
use crate::rng::Rng;
use crate::{huechat, humind, mindo, talktohumans, voice_widget};

/// What a touch changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Touched {
    /// When the changes happened.
    pub at: DateTime<Utc>,
    /// The conversations changed (or, for the voice widget, added), in the vendor's order.
    pub ids: Vec<String>,
}

/// The text of touch `round`'s messages.
fn line(round: u32) -> String {
    format!("Any news on my order? (follow-up {round})")
}

/// `count` of `len` positions, spread evenly and different for each round.
fn spread(len: usize, count: usize, round: u32) -> Vec<usize> {
    let count = count.min(len);
    let mut picked: Vec<usize> = (0..count)
        .map(|i| (i * len / count.max(1) + round as usize) % len.max(1))
        .collect();
    picked.sort_unstable();
    picked.dedup();
    picked
}

/// When a touch happens: the whole minute after `newest` (and after `anchor`), so every change
/// is later than every record before it.
pub(crate) fn start(
    anchor: DateTime<Utc>,
    newest: impl Iterator<Item = DateTime<Utc>>,
) -> DateTime<Utc> {
    let latest = newest.fold(anchor, DateTime::max);
    let minute = latest.timestamp().div_euclid(60) * 60;
    DateTime::from_timestamp(minute, 0).unwrap_or(latest) + Duration::minutes(1)
}

/// The `i`-th change of a touch that starts at `at`: a second apart.
fn instant(at: DateTime<Utc>, i: usize) -> DateTime<Utc> {
    at + Duration::seconds(i as i64)
}

pub(crate) fn humind(
    data: &mut humind::Dataset,
    seed: u64,
    round: u32,
    count: usize,
    at: DateTime<Utc>,
) -> Vec<String> {
    let mut ids = Vec::new();
    for (i, place) in spread(data.conversations.len(), count, round)
        .into_iter()
        .enumerate()
    {
        let mut rng = Rng::new(seed ^ 0x544F_5543).fork(u64::from(round) << 32 | place as u64);
        let conversation = &mut data.conversations[place];
        let sent = instant(at, i);
        conversation.messages.push(humind::Message {
            id: rng.hex(24),
            from: "user",
            role: "conversation",
            source: Some("typed"),
            content: vec![line(round)],
            created_at: sent,
            product_ids: Vec::new(),
            referenced_product_ids: Vec::new(),
            attachments: Vec::new(),
            events: Vec::new(),
        });
        conversation.updated_at = sent;
        ids.push(conversation.id.clone());
    }
    ids
}

pub(crate) fn talktohumans(
    data: &mut talktohumans::Dataset,
    round: u32,
    count: usize,
    at: DateTime<Utc>,
) -> Vec<String> {
    let mut ids = Vec::new();
    for (i, place) in spread(data.conversations.len(), count, round)
        .into_iter()
        .enumerate()
    {
        let conversation = &mut data.conversations[place];
        let sent = instant(at, i);
        conversation.last_message_at = sent;
        conversation.json["last_message_at"] = json!(timestamp(sent));
        conversation.json["last_message_text"] = json!(line(round));
        ids.push(conversation.id.clone());
    }
    // Most recent activity first, as the API lists them.
    data.conversations.sort_by(|a, b| {
        b.last_message_at
            .cmp(&a.last_message_at)
            .then_with(|| a.id.cmp(&b.id))
    });
    ids
}

pub(crate) fn huechat(
    data: &mut huechat::Dataset,
    seed: u64,
    round: u32,
    count: usize,
    at: DateTime<Utc>,
) -> Vec<String> {
    let mut ids = Vec::new();
    for (i, place) in spread(data.conversations.len(), count, round)
        .into_iter()
        .enumerate()
    {
        let mut rng = Rng::new(seed ^ 0x544F_5543).fork(u64::from(round) << 32 | place as u64);
        let conversation = &mut data.conversations[place];
        let sent = instant(at, i);
        let text = line(round);
        conversation.messages.push(json!({
            "id": format!("msg_{}", rng.hex(12)),
            "conversation_id": conversation.id,
            "content": text,
            "message_type": "text",
            "sent_by": "contact",
            "sent_at": timestamp(sent),
            "status": "received",
        }));
        conversation.last_message_at = sent;
        conversation.json["last_message_at"] = json!(timestamp(sent));
        conversation.json["message_count"] = json!(conversation.messages.len());
        conversation.json["last_message_preview"] = json!(text);
        ids.push(conversation.id.clone());
    }
    ids
}

pub(crate) fn voice_widget(
    data: &mut voice_widget::Dataset,
    seed: u64,
    round: u32,
    count: usize,
    at: DateTime<Utc>,
) -> Vec<String> {
    let first = data.conversations.len();
    let root = Rng::new(seed ^ 0x544F_5543).fork(u64::from(round));
    let calls: Vec<voice_widget::Conversation> = (0..count)
        .map(|i| voice_widget::new_call(&mut root.fork(i as u64), first + i, instant(at, i)))
        .collect();
    let ids = calls.iter().rev().map(|c| c.id.clone()).collect();
    // Newest first.
    data.conversations.splice(0..0, calls.into_iter().rev());
    ids
}

pub(crate) fn mindo(
    data: &mut mindo::Dataset,
    seed: u64,
    round: u32,
    count: usize,
    at: DateTime<Utc>,
) -> Vec<String> {
    // Conversations in the order of their first message, each with its last row and contact.
    let mut order: Vec<String> = Vec::new();
    let mut last: std::collections::HashMap<String, (usize, Value)> =
        std::collections::HashMap::new();
    for (index, message) in data.messages.iter().enumerate() {
        let id = message.json["conversation_id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let entry = last.entry(id.clone()).or_insert_with(|| {
            order.push(id);
            (index, Value::Null)
        });
        entry.0 = index;
        if message.json["author"]["type"] == "contact" {
            entry.1 = message.json["author"]["id"].clone();
        }
    }
    let mut ids = Vec::new();
    let mut replies = Vec::new();
    for (i, place) in spread(order.len(), count, round).into_iter().enumerate() {
        let id = &order[place];
        let (index, contact) = &last[id];
        let mut rng = Rng::new(seed ^ 0x544F_5543).fork(u64::from(round) << 32 | place as u64);
        replies.push(mindo::reply(
            &data.messages[*index],
            contact,
            &mut rng,
            instant(at, i),
            &line(round),
        ));
        ids.push(id.clone());
    }
    // Oldest first: every reply is newer than every row.
    data.messages.extend(replies);
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_picks_distinct_positions_that_move_with_the_round() {
        assert_eq!(spread(10, 3, 0), vec![0, 3, 6]);
        assert_eq!(spread(10, 3, 1), vec![1, 4, 7]);
        assert_eq!(spread(2, 5, 0), vec![0, 1]);
        assert!(spread(0, 3, 0).is_empty());
    }
}
