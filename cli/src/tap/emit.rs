//! Sending what changed: after each stored page, the conversations it touched go out as
//! records (each conversation once, each message once, and again only if its place moved),
//! leaving out what an earlier run already loaded at the mark.

use std::collections::{HashMap, HashSet};
use std::io::Write;

use conversation_export::model::{Conversation, Timestamp};
use conversation_export::store::Store;
use conversation_export::vendors::spec::{Holds, Stamp};
use conversation_export::vendors::VendorId;

use super::records;
use super::singer::Singer;
use super::streams::Stream;

/// The place noted for a message an earlier run loaded: never sent.
const LEFT_OUT: usize = usize::MAX;

pub struct Emitter<W: Write> {
    pub singer: Singer<W>,
    /// The vendor's records are messages (Mindo): the mark is a message's.
    messages_are_records: bool,
    /// The time the mark is read from, as the vendor's spec row names it.
    stamp: Stamp,
    mark: Option<Timestamp>,
    ids_at_mark: HashSet<String>,
    /// Conversations of an earlier run's pages, stored again as their id alone (`resuming`).
    placeholders: HashSet<String>,
    /// Conversations seen, and those left out (loaded by an earlier run).
    seen: HashSet<String>,
    skipped: HashSet<String>,
    /// Messages sent, by conversation: their key and the place they were sent with.
    sent: HashMap<String, HashMap<String, usize>>,
    /// The latest change seen in this run, and the records changed then: the next mark.
    pub latest: Option<Timestamp>,
    pub ids_at_latest: Vec<String>,
}

impl<W: Write> Emitter<W> {
    pub fn new(
        singer: Singer<W>,
        vendor: VendorId,
        mark: Option<Timestamp>,
        ids_at_mark: &[String],
    ) -> Self {
        let spec = vendor.spec();
        Emitter {
            singer,
            messages_are_records: spec.holds == Holds::Messages,
            stamp: spec.changes.field().kept,
            mark,
            ids_at_mark: ids_at_mark.iter().cloned().collect(),
            placeholders: HashSet::new(),
            seen: HashSet::new(),
            skipped: HashSet::new(),
            sent: HashMap::new(),
            latest: None,
            ids_at_latest: Vec::new(),
        }
    }

    pub fn with_placeholders(mut self, ids: impl IntoIterator<Item = String>) -> Self {
        self.placeholders = ids.into_iter().collect();
        self
    }

    /// Continues the latest change of a run that stopped.
    pub fn with_latest(mut self, latest: Option<Timestamp>, ids: Vec<String>) -> Self {
        self.latest = latest;
        self.ids_at_latest = ids;
        self
    }

    /// The time of a conversation's change, as its vendor marks changes (a vendor whose
    /// records are messages marks them on each message instead).
    fn changed_at(&self, conversation: &Conversation) -> Option<Timestamp> {
        match self.stamp {
            Stamp::ConversationUpdated => conversation.updated_at,
            Stamp::ConversationStarted => conversation.started_at,
            Stamp::LastMessage => conversation.last_message_at,
            Stamp::MessageSent => None,
        }
    }

    /// Notes a record's change for the next mark; says whether an earlier run loaded it.
    fn loaded_before(&mut self, at: Option<Timestamp>, id: &str) -> bool {
        if let Some(at) = at {
            match self.latest {
                Some(latest) if latest > at => {}
                Some(latest) if latest == at => self.ids_at_latest.push(id.to_string()),
                _ => {
                    self.latest = Some(at);
                    self.ids_at_latest = vec![id.to_string()];
                }
            }
        }
        match (at, self.mark) {
            (Some(at), Some(mark)) => at < mark || (at == mark && self.ids_at_mark.contains(id)),
            _ => false,
        }
    }

    /// Sends the conversations `ids` of `store` as far as they changed.
    pub fn changed(
        &mut self,
        store: &Store,
        ids: &[String],
        extracted: &str,
    ) -> std::io::Result<()> {
        for id in ids {
            if let Some(conversation) = store.get(id) {
                self.conversation(conversation, extracted)?;
            }
        }
        Ok(())
    }

    fn conversation(
        &mut self,
        conversation: &Conversation,
        extracted: &str,
    ) -> std::io::Result<()> {
        let id = &conversation.id;
        if self.skipped.contains(id) {
            return Ok(());
        }
        let first_sight = self.seen.insert(id.clone());
        if first_sight && !self.messages_are_records && !self.placeholders.contains(id) {
            let at = self.changed_at(conversation);
            if self.loaded_before(at, id) {
                self.skipped.insert(id.clone());
                return Ok(());
            }
        }
        // Messages not sent yet, or whose place moved (an earlier date window arrived later).
        let mut new_messages = Vec::new();
        for message in &conversation.messages {
            let key = records::message_key(message);
            let place = self.sent.get(id).and_then(|sent| sent.get(&key)).copied();
            match place {
                Some(place) if place == message.position || place == LEFT_OUT => continue,
                None if self.messages_are_records
                    && self.loaded_before(message.sent_at, &message.id) =>
                {
                    self.sent
                        .entry(id.clone())
                        .or_default()
                        .insert(key, LEFT_OUT);
                    continue;
                }
                _ => {}
            }
            self.sent
                .entry(id.clone())
                .or_default()
                .insert(key, message.position);
            new_messages.push(message);
        }
        let row = if self.messages_are_records {
            !new_messages.is_empty()
        } else {
            first_sight && !self.placeholders.contains(id)
        };
        if row {
            self.singer.record(
                Stream::Conversations,
                records::conversation(conversation),
                extracted,
            )?;
        }
        for message in &new_messages {
            self.singer.record(
                Stream::Messages,
                records::message(conversation, message),
                extracted,
            )?;
            for event in records::events(conversation, message) {
                self.singer.record(Stream::Events, event, extracted)?;
            }
        }
        if row {
            let calls_of_new: HashSet<&str> = new_messages.iter().map(|m| m.id.as_str()).collect();
            for call in records::tool_calls(conversation) {
                let message = call["message_id"].as_str().unwrap_or("");
                if !self.messages_are_records || calls_of_new.contains(message) {
                    self.singer.record(Stream::ToolCalls, call, extracted)?;
                }
            }
        }
        if row && first_sight {
            for participant in records::participants(conversation) {
                self.singer
                    .record(Stream::Participants, participant, extracted)?;
            }
            for criterion in records::criteria(conversation) {
                self.singer.record(Stream::Criteria, criterion, extracted)?;
            }
        }
        Ok(())
    }
}
