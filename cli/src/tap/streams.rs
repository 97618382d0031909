//! The tap's streams: the unified model's six tables, each with its key and a JSON Schema
//! that says exactly what its records hold (the host tests check every record against it).

use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stream {
    Conversations,
    Messages,
    Events,
    Participants,
    ToolCalls,
    Criteria,
}

impl Stream {
    pub const ALL: [Stream; 6] = [
        Stream::Conversations,
        Stream::Messages,
        Stream::Events,
        Stream::Participants,
        Stream::ToolCalls,
        Stream::Criteria,
    ];

    /// The stream's name, the same as the app's CSV file of that table.
    pub fn name(self) -> &'static str {
        match self {
            Stream::Conversations => "conversations",
            Stream::Messages => "messages",
            Stream::Events => "events",
            Stream::Participants => "participants",
            Stream::ToolCalls => "tool_calls",
            Stream::Criteria => "criteria",
        }
    }

    pub fn from_name(name: &str) -> Option<Stream> {
        Stream::ALL.into_iter().find(|stream| stream.name() == name)
    }

    /// What makes a record unique: a record sent again (a conversation that changed) replaces
    /// the one with the same key.
    pub fn key_properties(self) -> &'static [&'static str] {
        match self {
            Stream::Conversations => &["vendor", "conversation_id"],
            Stream::Messages => &["vendor", "conversation_id", "message_key"],
            Stream::Events => &["vendor", "conversation_id", "event_key"],
            Stream::Participants => &["vendor", "conversation_id", "position"],
            Stream::ToolCalls => &["vendor", "conversation_id", "tool_call_key"],
            Stream::Criteria => &["vendor", "conversation_id", "name"],
        }
    }

    pub fn schema(self) -> Value {
        let properties = match self {
            Stream::Conversations => conversation(),
            Stream::Messages => message(),
            Stream::Events => event(),
            Stream::Participants => participant(),
            Stream::ToolCalls => tool_call(),
            Stream::Criteria => criterion(),
        };
        let required: Vec<&str> = self.key_properties().to_vec();
        json!({
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": false,
        })
    }
}

fn key(description: &str) -> Value {
    json!({ "type": "string", "description": description })
}

fn text(description: &str) -> Value {
    json!({ "type": ["string", "null"], "description": description })
}

fn time(description: &str) -> Value {
    json!({ "type": ["string", "null"], "format": "date-time", "description": description })
}

fn boolean(description: &str) -> Value {
    json!({ "type": ["boolean", "null"], "description": description })
}

fn number(description: &str) -> Value {
    json!({ "type": ["number", "null"], "description": description })
}

fn integer(description: &str) -> Value {
    json!({ "type": ["integer", "null"], "description": description })
}

fn position(description: &str) -> Value {
    json!({ "type": "integer", "minimum": 0, "description": description })
}

fn texts(description: &str) -> Value {
    json!({ "type": ["array", "null"], "items": { "type": "string" }, "description": description })
}

/// Any JSON: the vendor's own structure (tool arguments, extracted data).
fn any(description: &str) -> Value {
    json!({ "description": description })
}

/// Vendor fields with no place of their own, by their vendor name.
fn extras() -> Value {
    json!({ "type": ["object", "null"], "description": "The vendor's fields that have no column of their own, by their vendor name." })
}

fn vendor() -> Value {
    key("The vendor: humind, talktohumans, huechat, voice-widget or mindo.")
}

fn conversation() -> Value {
    json!({
        "vendor": vendor(),
        "conversation_id": key("The vendor's id of the conversation."),
        "title": text("Title or subject."),
        "status": text("Humind's handoff status, TalkToHumans' state, HueChat's status, the voice widget's outcome."),
        "channel": text("Where it happened: Humind's origin, HueChat's or Mindo's channel."),
        "started_at": time("When it started (Mindo: its first message in this run)."),
        "ended_at": time("When it ended (voice widget)."),
        "updated_at": time("Last activity of any kind (Humind)."),
        "last_message_at": time("When the last message was sent."),
        "tags": texts("Tags or labels."),
        "languages": texts("Detected languages (ISO 639-1)."),
        "url": text("The page it started on, or the vendor's link to it."),
        "contact": {
            "type": ["object", "null"],
            "description": "The customer.",
            "properties": {
                "id": text("The customer's id."),
                "name": text("Name."),
                "email": text("Email."),
                "phone": text("Phone."),
                "extras": extras(),
            },
            "additionalProperties": false,
        },
        "assignee": {
            "type": ["object", "null"],
            "description": "The team member it is assigned to (HueChat).",
            "properties": { "id": text("Their id."), "name": text("Their name.") },
            "additionalProperties": false,
        },
        "handed_to_human": boolean("A human took over from the assistant (Humind)."),
        "has_cart": boolean("The shopper added a product to the cart (Humind)."),
        "duration_seconds": number("Length of the call (voice widget)."),
        "credits": number("Credits charged (voice widget)."),
        "vendor_message_count": integer("The message count the vendor reports."),
        "last_message_preview": text("The vendor's text of (or preview of) the last message."),
        "extracted_data": any("The filled-in extraction schema (voice widget)."),
        "extras": extras(),
        "flags": texts("Conditions to know about: extraction_pending (the call ended moments before the export)."),
    })
}

fn message() -> Value {
    let attachment = json!({
        "type": "object",
        "properties": {
            "id": text("Its id."),
            "kind": text("image, file..."),
            "name": text("File name."),
            "mime_type": text("MIME type."),
            "size": integer("Bytes."),
            "width": integer("Pixels."),
            "height": integer("Pixels."),
            "url": text("Where it is."),
            "extras": extras(),
        },
        "additionalProperties": false,
    });
    let classification = json!({
        "type": "object",
        "properties": { "label": { "type": "string" }, "value": text("The value given.") },
        "additionalProperties": false,
    });
    json!({
        "vendor": vendor(),
        "conversation_id": key("The conversation the message belongs to."),
        "message_key": key("The message's key in its conversation: the vendor's id, or #<position> where the vendor gives none (voice widget turns)."),
        "message_id": key("The vendor's id of the message (empty for the voice widget's turns)."),
        "position": position("Its place in the conversation, from 0 (Mindo: among this run's messages of that conversation)."),
        "role": { "type": "string", "enum": ["customer", "assistant", "operator", "system", "unknown"], "description": "Who wrote it." },
        "vendor_role": text("The vendor's own word for the author."),
        "author_id": text("The author's id."),
        "author_name": text("The author's name."),
        "sent_at": time("When it was sent."),
        "text": { "type": "string", "description": "The text; several blocks are separated by a blank line." },
        "blocks": texts("The vendor's text blocks, when it sends more than one."),
        "source": text("How a customer message was sent (Humind)."),
        "kind": text("Message type (text, image...)."),
        "direction": text("inbound or outbound (Mindo)."),
        "channel": text("Platform of the message (Mindo)."),
        "delivery_status": text("received, delivered, read... (HueChat)."),
        "product_ids": texts("Products shown (Humind)."),
        "referenced_product_ids": texts("Products cited inline (Humind)."),
        "attachments": { "type": ["array", "null"], "items": attachment, "description": "Attached files." },
        "classifications": { "type": ["array", "null"], "items": classification, "description": "label=value pairs (Mindo)." },
        "extras": extras(),
    })
}

fn event() -> Value {
    json!({
        "vendor": vendor(),
        "conversation_id": key("The conversation."),
        "event_key": key("The event's key in its conversation: the vendor's id, or <message_key>#<n>."),
        "event_id": key("The vendor's id of the event."),
        "message_id": key("The message the event is attached to."),
        "kind": { "type": "string", "description": "add_product, remove_product, open_product_page, open_product_url or click_support_button." },
        "at": time("When it happened."),
        "product_id": text("The product."),
        "product_title": text("Its title, when known."),
        "product_variant_id": text("The variant added or removed."),
        "price": number("Unit price when added or removed."),
        "button": text("The support button clicked."),
        "extras": extras(),
    })
}

fn participant() -> Value {
    json!({
        "vendor": vendor(),
        "conversation_id": key("The conversation."),
        "position": position("The participant's place in the conversation's list, from 0."),
        "participant_id": text("The participant's contact id."),
        "name": text("Full name."),
        "first_name": text("First name."),
        "last_name": text("Last name."),
        "headline": text("Profile headline."),
        "role_title": text("Current role."),
        "company": text("Current company."),
        "linkedin_url": text("LinkedIn profile."),
        "extras": extras(),
    })
}

fn tool_call() -> Value {
    json!({
        "vendor": vendor(),
        "conversation_id": key("The conversation."),
        "tool_call_key": key("The call's key in its conversation: <message_id>#<n>, the n-th call of that message (#<n> where calls belong to the conversation)."),
        "position": position("Its place among the conversation's tool calls in this run, from 0."),
        "message_id": text("The message whose generation made the call (Mindo)."),
        "name": { "type": "string", "description": "The tool." },
        "arguments": any("Its arguments."),
        "result": any("What it returned."),
        "at": time("When it ran."),
        "extras": extras(),
    })
}

fn criterion() -> Value {
    json!({
        "vendor": vendor(),
        "conversation_id": key("The conversation."),
        "name": key("The acceptance criterion."),
        "passed": boolean("Whether it passed."),
        "reasoning": text("The model's reasoning."),
    })
}
