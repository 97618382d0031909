//! A conversation kept small: what the preview, its search, the summary charts and the list of
//! saved exports need, and where its records are in the journal. The whole conversation is read
//! back from the journal when a transcript or a file needs it.

use super::keep::{earliest, latest, prefer, reserve_gently, Keep, RecordRef};
use crate::model::{Conversation, Message, Timestamp};
use crate::vendors::spec::OrderBy;
use crate::vendors::VendorId;

/// How many characters of the first message a summary keeps, to name a conversation with no
/// title.
const FIRST_WORDS: usize = 60;

/// A message kept apart from its conversation's record: where it is, and its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageRef {
    pub at: RecordRef,
    pub position: u32,
}

/// A message on its way into a summary: its first words count only if it comes first.
pub struct MessagePart {
    at: RecordRef,
    words: Option<Box<str>>,
    text: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub id: String,
    pub vendor: VendorId,
    /// The conversation's own record; none for a conversation made of its messages (Mindo).
    pub record: Option<RecordRef>,
    /// Messages inside the conversation's own record.
    pub inline_messages: u32,
    /// Messages in records of their own, in transcript order.
    pub parts: Vec<MessageRef>,
    pub title: Option<Box<str>>,
    pub status: Option<Box<str>>,
    pub channel: Option<Box<str>>,
    pub started_at: Option<Timestamp>,
    pub last_message_at: Option<Timestamp>,
    pub tags: Vec<String>,
    /// Name, email, phone and id of the customer, for search.
    pub contact: Option<Box<str>>,
    pub handed_to_human: Option<bool>,
    pub has_cart: Option<bool>,
    /// The start of the first message, or of the last one the vendor shows.
    pub first_words: Option<Box<str>>,
    /// Every message's text in lower case, a line each: what the preview's search looks
    /// through (about the size of the texts themselves; the rest of a message stays in storage).
    pub search_text: String,
}

/// Adds a message's text to a conversation's search text.
fn add_search_text(search_text: &mut String, text: &str) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    if !search_text.is_empty() {
        search_text.push('\n');
    }
    // Grown by what is needed, not doubled: a year of conversations holds many of these.
    search_text.reserve_exact(text.len() + 1);
    search_text.extend(text.chars().flat_map(char::to_lowercase));
}

fn words_of(text: &str) -> Option<Box<str>> {
    let text = text.trim();
    (!text.is_empty()).then(|| {
        text.chars()
            .take(FIRST_WORDS + 1)
            .collect::<String>()
            .into()
    })
}

impl Summary {
    /// The conversation summarised.
    pub fn of(conversation: &Conversation, record: Option<RecordRef>) -> Summary {
        let contact = conversation.contact.as_ref().map(|c| {
            [&c.name, &c.email, &c.phone, &c.id]
                .into_iter()
                .flatten()
                .cloned()
                .collect::<Vec<_>>()
                .join(" · ")
        });
        let first_words = conversation
            .messages
            .iter()
            .find_map(|m| words_of(&m.text))
            .or_else(|| {
                conversation
                    .last_message_preview
                    .as_deref()
                    .and_then(words_of)
            });
        Summary {
            id: conversation.id.clone(),
            vendor: conversation.vendor,
            record,
            inline_messages: conversation.messages.len() as u32,
            parts: Vec::new(),
            title: conversation.title.as_deref().map(Box::from),
            status: conversation.status.as_deref().map(Box::from),
            channel: conversation.channel.as_deref().map(Box::from),
            started_at: conversation.started_at,
            last_message_at: conversation.last_message_at,
            tags: conversation.tags.clone(),
            contact: contact.filter(|c| !c.is_empty()).map(Box::from),
            handed_to_human: conversation.handed_to_human,
            has_cart: conversation.has_cart,
            first_words,
            search_text: {
                let mut search_text = String::new();
                for message in &conversation.messages {
                    add_search_text(&mut search_text, &message.text);
                }
                if search_text.is_empty() {
                    if let Some(preview) = &conversation.last_message_preview {
                        add_search_text(&mut search_text, preview);
                    }
                }
                search_text
            },
        }
    }

    /// What it is called on screen, as `Conversation::display_title`.
    pub fn display_title(&self) -> String {
        crate::model::display_title(&self.id, self.title.as_deref(), self.first_words.as_deref())
    }

    /// When it happened, for the daily chart and sorting: its start, or its last message.
    pub fn date(&self) -> Option<Timestamp> {
        self.started_at.or(self.last_message_at)
    }
}

impl Keep for Summary {
    type Part = MessagePart;

    fn keep(conversation: Conversation, at: RecordRef) -> Self {
        Summary::of(&conversation, Some(at))
    }

    fn shell(conversation: Conversation) -> Self {
        Summary::of(&conversation, None)
    }

    fn part(message: Message, at: RecordRef) -> MessagePart {
        // Its place is given when it is added (by position, or among loose messages).
        MessagePart {
            at,
            words: words_of(&message.text),
            text: message.text,
        }
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
        self.inline_messages as usize + self.parts.len()
    }

    fn add_at_position(&mut self, part: MessagePart, position: usize) {
        add_search_text(&mut self.search_text, &part.text);
        if position == 0 {
            if let Some(words) = part.words {
                self.first_words = Some(words);
            }
        }
        reserve_gently(&mut self.parts, 1);
        let slot = self
            .parts
            .partition_point(|m| m.position as usize <= position);
        self.parts.insert(
            slot,
            MessageRef {
                at: part.at,
                position: position as u32,
            },
        );
    }

    fn insert_loose(&mut self, slot: usize, part: MessagePart) {
        add_search_text(&mut self.search_text, &part.text);
        if slot == 0 {
            if let Some(words) = part.words {
                self.first_words = Some(words);
            }
        }
        reserve_gently(&mut self.parts, 1);
        self.parts.insert(
            slot,
            MessageRef {
                at: part.at,
                position: slot as u32,
            },
        );
        for (position, part) in self.parts.iter_mut().enumerate().skip(slot) {
            part.position = position as u32;
        }
    }

    fn merge_shell(&mut self, shell: Summary, earlier: bool) {
        self.started_at = earliest(self.started_at, shell.started_at);
        self.last_message_at = latest(self.last_message_at, shell.last_message_at);
        prefer(&mut self.channel, shell.channel, earlier);
        prefer(&mut self.contact, shell.contact, earlier);
    }
}
