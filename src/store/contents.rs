//! What an export holds, counted as records are kept: rows per file and the vendor fields met in
//! each, so a file's header is known before a single row is read back from storage.

use std::collections::BTreeSet;

use crate::model::{Conversation, Message};

/// Rows per file, and the names of the vendor fields with no column of their own, per file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contents {
    pub conversations: usize,
    pub messages: usize,
    pub events: usize,
    pub participants: usize,
    pub tool_calls: usize,
    pub criteria: usize,
    pub conversation_extras: BTreeSet<String>,
    pub message_extras: BTreeSet<String>,
    pub event_extras: BTreeSet<String>,
    pub participant_extras: BTreeSet<String>,
    pub tool_call_extras: BTreeSet<String>,
}

fn note(seen: &mut BTreeSet<String>, keys: impl Iterator<Item = impl AsRef<str>>) {
    for key in keys {
        if !seen.contains(key.as_ref()) {
            seen.insert(key.as_ref().to_string());
        }
    }
}

impl Contents {
    /// Everything in `conversations`, counted at once (an export held in memory).
    pub fn of<'a>(conversations: impl IntoIterator<Item = &'a Conversation>) -> Contents {
        let mut contents = Contents::default();
        for conversation in conversations {
            contents.conversation(conversation);
        }
        contents
    }

    /// A conversation kept, with the messages inside it.
    pub fn conversation(&mut self, conversation: &Conversation) {
        self.conversations += 1;
        self.shell(conversation);
        for message in &conversation.messages {
            self.message(message);
        }
        self.participants += conversation.participants.len();
        self.criteria += conversation.criteria.len();
        for participant in &conversation.participants {
            note(&mut self.participant_extras, participant.extras.keys());
        }
    }

    /// What a message that arrived on its own tells about its conversation: vendor fields and
    /// tool calls (the conversation itself is counted once, by the store).
    pub fn shell(&mut self, shell: &Conversation) {
        note(&mut self.conversation_extras, shell.extras.keys());
        self.tool_calls += shell.tool_calls.len();
        for call in &shell.tool_calls {
            note(&mut self.tool_call_extras, call.extras.keys());
        }
    }

    pub fn message(&mut self, message: &Message) {
        self.messages += 1;
        self.events += message.events.len();
        note(&mut self.message_extras, message.extras.keys());
        for event in &message.events {
            note(&mut self.event_extras, event.extras.keys());
        }
    }
}
