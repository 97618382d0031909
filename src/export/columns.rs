//! The columns of each CSV file, as data: name, meaning and how to fill the cell.
//!
//! The README's column tables are generated from these lists (`cargo run --example columns`),
//! so the documentation cannot drift from the files.

use std::fmt::Write;

use chrono::SecondsFormat;
use serde_json::Value;

use crate::model::{Conversation, Event, Extras, Message, Timestamp};

/// Whether a spreadsheet could mistake the cell for a formula: only free text can.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// Text that came from the vendor or a person: neutralised for spreadsheets.
    Text,
    /// Numbers, timestamps, booleans and ids the app formats itself.
    Plain,
}

/// A column: `W` is the function that writes its cell for one row.
pub struct Column<W> {
    pub name: &'static str,
    pub meaning: &'static str,
    /// Which vendors fill it, for the documentation.
    pub vendors: &'static str,
    pub kind: CellKind,
    pub write: W,
}

pub type ConversationColumn = Column<fn(&Conversation, &mut String)>;
pub type MessageColumn = Column<fn(&MessageRow<'_>, &mut String)>;
pub type EventColumn = Column<fn(&EventRow<'_>, &mut String)>;

/// Writes one cell of a row of type `R`.
pub trait WriteCell<R> {
    fn write_cell(&self, row: &R, out: &mut String);
}

impl<'a> WriteCell<&'a Conversation> for fn(&Conversation, &mut String) {
    fn write_cell(&self, row: &&'a Conversation, out: &mut String) {
        self(row, out)
    }
}

impl<'a> WriteCell<MessageRow<'a>> for fn(&MessageRow<'_>, &mut String) {
    fn write_cell(&self, row: &MessageRow<'a>, out: &mut String) {
        self(row, out)
    }
}

impl<'a> WriteCell<EventRow<'a>> for fn(&EventRow<'_>, &mut String) {
    fn write_cell(&self, row: &EventRow<'a>, out: &mut String) {
        self(row, out)
    }
}

/// A row of `messages.csv`: the message with its conversation.
pub struct MessageRow<'a> {
    pub conversation: &'a Conversation,
    pub message: &'a Message,
}

/// A row of `events.csv`.
pub struct EventRow<'a> {
    pub conversation: &'a Conversation,
    pub message: &'a Message,
    pub event: &'a Event,
}

/// Separates list items in one cell. Tags may contain commas; a pipe with spaces reads well and
/// is rare in data.
pub const LIST_SEPARATOR: &str = " | ";

pub fn timestamp(out: &mut String, at: &Option<Timestamp>) {
    if let Some(at) = at {
        out.push_str(&at.to_rfc3339_opts(SecondsFormat::AutoSi, true));
    }
}

fn text(out: &mut String, value: Option<&str>) {
    if let Some(value) = value {
        out.push_str(value);
    }
}

fn list(out: &mut String, items: &[String]) {
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            out.push_str(LIST_SEPARATOR);
        }
        out.push_str(item);
    }
}

fn flag(out: &mut String, value: Option<bool>) {
    if let Some(value) = value {
        out.push_str(if value { "true" } else { "false" });
    }
}

fn number(out: &mut String, value: Option<f64>) {
    if let Some(value) = value {
        let _ = write!(out, "{value}");
    }
}

fn count(out: &mut String, value: usize) {
    let _ = write!(out, "{value}");
}

/// A JSON value as a cell: strings as they are, everything else as compact JSON.
pub fn json_cell(out: &mut String, value: &Value) {
    match value {
        Value::Null => {}
        Value::String(text) => out.push_str(text),
        other => {
            let _ = write!(out, "{other}");
        }
    }
}

macro_rules! column {
    ($name:literal, $kind:ident, $vendors:literal, $meaning:literal, |$row:ident, $out:ident| $body:expr) => {
        Column {
            name: $name,
            meaning: $meaning,
            vendors: $vendors,
            kind: CellKind::$kind,
            write: |$row, $out| $body,
        }
    };
}

pub static CONVERSATION_COLUMNS: &[ConversationColumn] = &[
    column!(
        "vendor",
        Plain,
        "all",
        "The vendor the conversation came from.",
        |c, o| o.push_str(c.vendor)
    ),
    column!(
        "conversation_id",
        Text,
        "all",
        "The vendor's id of the conversation.",
        |c, o| o.push_str(&c.id)
    ),
    column!(
        "started_at",
        Plain,
        "all",
        "When it started, ISO 8601 UTC.",
        |c, o| timestamp(o, &c.started_at)
    ),
    column!(
        "ended_at",
        Plain,
        "voice widget",
        "When it ended, ISO 8601 UTC.",
        |c, o| timestamp(o, &c.ended_at)
    ),
    column!(
        "updated_at",
        Plain,
        "Humind",
        "Last activity of any kind, ISO 8601 UTC.",
        |c, o| timestamp(o, &c.updated_at)
    ),
    column!(
        "last_message_at",
        Plain,
        "Humind, TalkToHumans, HueChat, Mindo",
        "When the last message was sent, ISO 8601 UTC.",
        |c, o| timestamp(o, &c.last_message_at)
    ),
    column!(
        "title",
        Text,
        "Humind, TalkToHumans, HueChat",
        "Title or subject.",
        |c, o| text(o, c.title.as_deref())
    ),
    column!(
        "status",
        Text,
        "Humind, HueChat, voice widget, TalkToHumans",
        "Handoff status, status, outcome or state, as the vendor words it.",
        |c, o| text(o, c.status.as_deref())
    ),
    column!(
        "channel",
        Text,
        "Humind, HueChat, Mindo",
        "Where it happened: origin or channel.",
        |c, o| text(o, c.channel.as_deref())
    ),
    column!(
        "handed_to_human",
        Plain,
        "Humind, HueChat",
        "true if a human took over from the assistant.",
        |c, o| flag(o, c.handed_to_human)
    ),
    column!(
        "has_cart",
        Plain,
        "Humind",
        "true if the shopper added a product to the cart.",
        |c, o| flag(o, c.has_cart)
    ),
    column!(
        "tags",
        Text,
        "Humind, HueChat",
        "Tags or labels, separated by \" | \".",
        |c, o| list(o, &c.tags)
    ),
    column!(
        "languages",
        Text,
        "Humind",
        "Detected languages (ISO 639-1), separated by \" | \".",
        |c, o| list(o, &c.languages)
    ),
    column!(
        "url",
        Text,
        "Humind, TalkToHumans, voice widget",
        "The page it started on, or the vendor's link to it.",
        |c, o| text(o, c.url.as_deref())
    ),
    column!(
        "contact_id",
        Text,
        "Humind, HueChat, Mindo",
        "The customer's id.",
        |c, o| text(o, c.contact.as_ref().and_then(|p| p.id.as_deref()))
    ),
    column!(
        "contact_name",
        Text,
        "Humind (with contact details), HueChat",
        "The customer's name.",
        |c, o| text(o, c.contact.as_ref().and_then(|p| p.name.as_deref()))
    ),
    column!(
        "contact_email",
        Text,
        "Humind (with contact details)",
        "The customer's email.",
        |c, o| text(o, c.contact.as_ref().and_then(|p| p.email.as_deref()))
    ),
    column!(
        "contact_phone",
        Text,
        "Humind (with contact details), HueChat",
        "The customer's phone.",
        |c, o| text(o, c.contact.as_ref().and_then(|p| p.phone.as_deref()))
    ),
    column!(
        "assignee_id",
        Text,
        "HueChat",
        "The team member it is assigned to.",
        |c, o| text(o, c.assignee.as_ref().and_then(|p| p.id.as_deref()))
    ),
    column!(
        "assignee_name",
        Text,
        "HueChat",
        "Their name.",
        |c, o| text(o, c.assignee.as_ref().and_then(|p| p.name.as_deref()))
    ),
    column!(
        "message_count",
        Plain,
        "all",
        "Messages in this export.",
        |c, o| count(o, c.messages.len())
    ),
    column!(
        "vendor_message_count",
        Plain,
        "Humind, HueChat",
        "The message count the vendor reports.",
        |c, o| number(o, c.vendor_message_count.map(|n| n as f64))
    ),
    column!(
        "event_count",
        Plain,
        "Humind",
        "Interaction events (cart, product, support button).",
        |c, o| count(o, c.event_count())
    ),
    column!(
        "tool_call_count",
        Plain,
        "voice widget, Mindo",
        "Tool calls made by the AI.",
        |c, o| count(o, c.tool_calls.len())
    ),
    column!(
        "duration_seconds",
        Plain,
        "voice widget",
        "Length of the call in seconds.",
        |c, o| number(o, c.duration_seconds)
    ),
    column!(
        "credits",
        Plain,
        "voice widget",
        "Credits charged.",
        |c, o| number(o, c.credits)
    ),
    column!(
        "last_message_preview",
        Text,
        "TalkToHumans, HueChat",
        "The vendor's preview of the last message.",
        |c, o| text(o, c.last_message_preview.as_deref())
    ),
    column!(
        "flags",
        Plain,
        "voice widget",
        "Conditions to know about, e.g. extraction_pending.",
        |c, o| list(o, &c.flags)
    ),
];

pub static MESSAGE_COLUMNS: &[MessageColumn] = &[
    column!("vendor", Plain, "all", "The vendor.", |r, o| o
        .push_str(r.conversation.vendor)),
    column!(
        "conversation_id",
        Text,
        "all",
        "The conversation the message belongs to.",
        |r, o| o.push_str(&r.conversation.id)
    ),
    column!(
        "position",
        Plain,
        "all",
        "The message's place in its conversation, from 0.",
        |r, o| count(o, r.message.position)
    ),
    column!(
        "message_id",
        Text,
        "all",
        "The vendor's id of the message.",
        |r, o| o.push_str(&r.message.id)
    ),
    column!(
        "sent_at",
        Plain,
        "all",
        "When it was sent, ISO 8601 UTC.",
        |r, o| timestamp(o, &r.message.sent_at)
    ),
    column!(
        "author_role",
        Plain,
        "all",
        "customer, assistant, operator, system or unknown.",
        |r, o| o.push_str(r.message.role.as_str())
    ),
    column!(
        "vendor_role",
        Text,
        "all",
        "The vendor's own word for the author.",
        |r, o| text(o, r.message.vendor_role.as_deref())
    ),
    column!(
        "author_id",
        Text,
        "HueChat, Mindo",
        "The author's id.",
        |r, o| text(o, r.message.author_id.as_deref())
    ),
    column!(
        "author_name",
        Text,
        "HueChat, Mindo",
        "The author's name (operators).",
        |r, o| text(o, r.message.author_name.as_deref())
    ),
    column!(
        "text",
        Text,
        "all",
        "The message text; several blocks are separated by a blank line.",
        |r, o| o.push_str(&r.message.text)
    ),
    column!(
        "source",
        Text,
        "Humind",
        "How a customer message was sent (typed, follow_up...).",
        |r, o| text(o, r.message.source.as_deref())
    ),
    column!(
        "kind",
        Text,
        "HueChat, Mindo",
        "Message type (text, image...).",
        |r, o| text(o, r.message.kind.as_deref())
    ),
    column!(
        "direction",
        Text,
        "Mindo",
        "inbound or outbound.",
        |r, o| text(o, r.message.direction.as_deref())
    ),
    column!(
        "channel",
        Text,
        "Mindo",
        "Platform of the message.",
        |r, o| text(o, r.message.channel.as_deref())
    ),
    column!(
        "delivery_status",
        Text,
        "HueChat",
        "received, delivered...",
        |r, o| text(o, r.message.delivery_status.as_deref())
    ),
    column!(
        "product_ids",
        Text,
        "Humind",
        "Products shown, separated by \" | \".",
        |r, o| list(o, &r.message.product_ids)
    ),
    column!(
        "referenced_product_ids",
        Text,
        "Humind",
        "Products cited inline, separated by \" | \".",
        |r, o| list(o, &r.message.referenced_product_ids)
    ),
    column!(
        "attachments",
        Text,
        "Humind, Mindo",
        "Attached files' names (or URLs), separated by \" | \".",
        |r, o| {
            let names: Vec<String> = r
                .message
                .attachments
                .iter()
                .map(|a| {
                    a.name
                        .clone()
                        .or_else(|| a.url.clone())
                        .or_else(|| a.id.clone())
                        .unwrap_or_default()
                })
                .collect();
            list(o, &names)
        }
    ),
    column!(
        "event_count",
        Plain,
        "Humind",
        "Interaction events on this message.",
        |r, o| count(o, r.message.events.len())
    ),
    column!(
        "classifications",
        Text,
        "Mindo",
        "label=value pairs, separated by \" | \".",
        |r, o| {
            let pairs: Vec<String> = r
                .message
                .classifications
                .iter()
                .map(|c| format!("{}={}", c.label, c.value.as_deref().unwrap_or("")))
                .collect();
            list(o, &pairs)
        }
    ),
];

pub static EVENT_COLUMNS: &[EventColumn] = &[
    column!("vendor", Plain, "Humind", "The vendor.", |r, o| o
        .push_str(r.conversation.vendor)),
    column!(
        "conversation_id",
        Text,
        "Humind",
        "The conversation.",
        |r, o| o.push_str(&r.conversation.id)
    ),
    column!(
        "message_id",
        Text,
        "Humind",
        "The message the event is attached to.",
        |r, o| o.push_str(&r.message.id)
    ),
    column!(
        "event_id",
        Text,
        "Humind",
        "The vendor's id of the event.",
        |r, o| o.push_str(&r.event.id)
    ),
    column!(
        "kind",
        Text,
        "Humind",
        "add_product, remove_product, open_product_page, open_product_url or click_support_button.",
        |r, o| o.push_str(&r.event.kind)
    ),
    column!(
        "at",
        Plain,
        "Humind",
        "When it happened, ISO 8601 UTC.",
        |r, o| timestamp(o, &r.event.at)
    ),
    column!("product_id", Text, "Humind", "The product.", |r, o| text(
        o,
        r.event.product_id.as_deref()
    )),
    column!(
        "product_title",
        Text,
        "Humind",
        "Its title, when known.",
        |r, o| text(o, r.event.product_title.as_deref())
    ),
    column!(
        "product_variant_id",
        Text,
        "Humind",
        "The variant added or removed.",
        |r, o| text(o, r.event.product_variant_id.as_deref())
    ),
    column!(
        "price",
        Plain,
        "Humind",
        "Unit price when added or removed.",
        |r, o| number(o, r.event.price)
    ),
    column!(
        "button",
        Text,
        "Humind",
        "The support button clicked.",
        |r, o| text(o, r.event.button.as_deref())
    ),
];

/// The extras of a record, for vendor-specific columns.
pub trait HasExtras {
    fn extras(&self) -> &Extras;
}

impl HasExtras for &Conversation {
    fn extras(&self) -> &Extras {
        &self.extras
    }
}

impl HasExtras for MessageRow<'_> {
    fn extras(&self) -> &Extras {
        &self.message.extras
    }
}

impl HasExtras for EventRow<'_> {
    fn extras(&self) -> &Extras {
        &self.event.extras
    }
}

/// The prefix of vendor-specific columns: `vendor_satisfaction` holds the vendor's `satisfaction`.
pub const EXTRA_PREFIX: &str = "vendor_";
