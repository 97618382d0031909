//! Every CSV file's columns, in order. One line per column: name, kind, who fills it, meaning,
//! and how the cell is written.

use super::columns::{
    count, flag, list, number, optional_json, text, timestamp, CellKind, Column,
    ConversationColumn, EventColumn, ItemColumn, ItemExtras,
};
use crate::model::{Criterion, Extras, Message, Participant, ToolCall};

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

impl ItemExtras for Message {
    fn item_extras(&self) -> Option<&Extras> {
        Some(&self.extras)
    }
}

impl ItemExtras for Participant {
    fn item_extras(&self) -> Option<&Extras> {
        Some(&self.extras)
    }
}

impl ItemExtras for ToolCall {
    fn item_extras(&self) -> Option<&Extras> {
        Some(&self.extras)
    }
}

impl ItemExtras for Criterion {
    fn item_extras(&self) -> Option<&Extras> {
        None
    }
}

#[rustfmt::skip]
pub static CONVERSATION_COLUMNS: &[ConversationColumn] = &[
    column!("vendor", Plain, "all", "The vendor the conversation came from.", |c, o| o.push_str(c.vendor.slug())),
    column!("conversation_id", Text, "all", "The vendor's id of the conversation.", |c, o| o.push_str(&c.id)),
    column!("started_at", Plain, "Humind, HueChat, voice widget, Mindo", "When it started (Mindo: its first message in the export), ISO 8601 UTC.", |c, o| timestamp(o, &c.started_at)),
    column!("ended_at", Plain, "voice widget", "When it ended, ISO 8601 UTC.", |c, o| timestamp(o, &c.ended_at)),
    column!("updated_at", Plain, "Humind", "Last activity of any kind, ISO 8601 UTC.", |c, o| timestamp(o, &c.updated_at)),
    column!("last_message_at", Plain, "Humind, TalkToHumans, HueChat, Mindo", "When the last message was sent, ISO 8601 UTC.", |c, o| timestamp(o, &c.last_message_at)),
    column!("title", Text, "Humind, TalkToHumans, HueChat", "Title or subject.", |c, o| text(o, c.title.as_deref())),
    column!("status", Text, "Humind, TalkToHumans, HueChat, voice widget", "Humind's handoff status, TalkToHumans' state, HueChat's status, the voice widget's outcome.", |c, o| text(o, c.status.as_deref())),
    column!("channel", Text, "Humind, HueChat, Mindo", "Where it happened: Humind's origin, HueChat's or Mindo's channel.", |c, o| text(o, c.channel.as_deref())),
    column!("handed_to_human", Plain, "Humind", "true if a human took over from the assistant.", |c, o| flag(o, c.handed_to_human)),
    column!("has_cart", Plain, "Humind", "true if the shopper added a product to the cart.", |c, o| flag(o, c.has_cart)),
    column!("tags", Text, "Humind, HueChat", "Tags or labels, separated by \" | \".", |c, o| list(o, &c.tags)),
    column!("languages", Text, "Humind", "Detected languages (ISO 639-1), separated by \" | \".", |c, o| list(o, &c.languages)),
    column!("url", Text, "Humind, TalkToHumans, voice widget", "The page it started on, or the vendor's link to it.", |c, o| text(o, c.url.as_deref())),
    column!("contact_id", Text, "Humind, HueChat, Mindo", "The customer's id.", |c, o| text(o, c.contact.as_ref().and_then(|p| p.id.as_deref()))),
    column!("contact_name", Text, "Humind (with contact details), HueChat", "The customer's name.", |c, o| text(o, c.contact.as_ref().and_then(|p| p.name.as_deref()))),
    column!("contact_email", Text, "Humind (with contact details)", "The customer's email.", |c, o| text(o, c.contact.as_ref().and_then(|p| p.email.as_deref()))),
    column!("contact_phone", Text, "Humind (with contact details), HueChat", "The customer's phone.", |c, o| text(o, c.contact.as_ref().and_then(|p| p.phone.as_deref()))),
    column!("assignee_id", Text, "HueChat", "The team member it is assigned to.", |c, o| text(o, c.assignee.as_ref().and_then(|p| p.id.as_deref()))),
    column!("assignee_name", Text, "HueChat", "Their name.", |c, o| text(o, c.assignee.as_ref().and_then(|p| p.name.as_deref()))),
    column!("message_count", Plain, "all", "Messages in this export.", |c, o| count(o, c.messages.len())),
    column!("vendor_message_count", Plain, "Humind, HueChat", "The message count the vendor reports.", |c, o| number(o, c.vendor_message_count.map(|n| n as f64))),
    column!("event_count", Plain, "Humind", "Interaction events (cart, product, support button).", |c, o| count(o, c.event_count())),
    column!("participant_count", Plain, "TalkToHumans", "People in the conversation, your own profile included.", |c, o| count(o, c.participants.len())),
    column!("tool_call_count", Plain, "voice widget, Mindo", "Tool calls made by the AI.", |c, o| count(o, c.tool_calls.len())),
    column!("criteria_passed", Plain, "voice widget", "Acceptance criteria passed, out of criteria_total.", |c, o| count(o, c.criteria.iter().filter(|k| k.passed == Some(true)).count())),
    column!("criteria_total", Plain, "voice widget", "Acceptance criteria evaluated.", |c, o| count(o, c.criteria.len())),
    column!("extracted_data", Text, "voice widget", "The filled-in extraction schema, as JSON.", |c, o| optional_json(o, &c.extracted_data)),
    column!("duration_seconds", Plain, "voice widget", "Length of the call in seconds.", |c, o| number(o, c.duration_seconds)),
    column!("credits", Plain, "voice widget", "Credits charged.", |c, o| number(o, c.credits)),
    column!("last_message_preview", Text, "TalkToHumans, HueChat", "The vendor's text of (or preview of) the last message.", |c, o| text(o, c.last_message_preview.as_deref())),
    column!("flags", Plain, "voice widget", "Conditions to know about: extraction_pending (the call ended moments before the export; its extraction was still being filled in).", |c, o| list(o, c.flags.iter().map(|f| f.as_str()))),
];

#[rustfmt::skip]
pub static MESSAGE_COLUMNS: &[ItemColumn<Message>] = &[
    column!("vendor", Plain, "all", "The vendor.", |r, o| o.push_str(r.conversation.vendor.slug())),
    column!("conversation_id", Text, "all", "The conversation the message belongs to.", |r, o| o.push_str(&r.conversation.id)),
    column!("position", Plain, "all", "The message's place in its conversation, from 0.", |r, o| count(o, r.item.position)),
    column!("message_id", Text, "Humind, HueChat, Mindo", "The vendor's id of the message (the voice widget's turns have none).", |r, o| o.push_str(&r.item.id)),
    column!("sent_at", Plain, "all", "When it was sent, ISO 8601 UTC (Mindo's times carry no zone and are read as UTC).", |r, o| timestamp(o, &r.item.sent_at)),
    column!("author_role", Plain, "all", "customer, assistant, operator, system or unknown.", |r, o| o.push_str(r.item.role.as_str())),
    column!("vendor_role", Text, "all", "The vendor's own word for the author (user, contact, agent...).", |r, o| text(o, r.item.vendor_role.as_deref())),
    column!("author_id", Text, "HueChat, Mindo", "The author's id.", |r, o| text(o, r.item.author_id.as_deref())),
    column!("author_name", Text, "HueChat, Mindo", "The author's name (operators, agents).", |r, o| text(o, r.item.author_name.as_deref())),
    column!("text", Text, "all", "The message text; several blocks are separated by a blank line.", |r, o| o.push_str(&r.item.text)),
    column!("source", Text, "Humind", "How a customer message was sent (typed, follow_up...).", |r, o| text(o, r.item.source.as_deref())),
    column!("kind", Text, "HueChat, Mindo", "Message type (text, image...).", |r, o| text(o, r.item.kind.as_deref())),
    column!("direction", Text, "Mindo", "inbound or outbound.", |r, o| text(o, r.item.direction.as_deref())),
    column!("channel", Text, "Mindo", "Platform of the message.", |r, o| text(o, r.item.channel.as_deref())),
    column!("delivery_status", Text, "HueChat", "received, delivered, read...", |r, o| text(o, r.item.delivery_status.as_deref())),
    column!("product_ids", Text, "Humind", "Products shown, separated by \" | \".", |r, o| list(o, &r.item.product_ids)),
    column!("referenced_product_ids", Text, "Humind", "Products cited inline, separated by \" | \".", |r, o| list(o, &r.item.referenced_product_ids)),
    column!("attachments", Text, "Humind, Mindo", "Attached files' names (or URLs), separated by \" | \".", |r, o| list(o, r.item.attachments.iter().map(|a| a.name.as_deref().or(a.url.as_deref()).or(a.id.as_deref()).unwrap_or("")))),
    column!("event_count", Plain, "Humind", "Interaction events on this message.", |r, o| count(o, r.item.events.len())),
    column!("classifications", Text, "Mindo", "label=value pairs, separated by \" | \".", |r, o| list(o, r.item.classifications.iter().map(|c| format!("{}={}", c.label, c.value.as_deref().unwrap_or(""))))),
];

#[rustfmt::skip]
pub static EVENT_COLUMNS: &[EventColumn] = &[
    column!("vendor", Plain, "Humind", "The vendor.", |r, o| o.push_str(r.conversation.vendor.slug())),
    column!("conversation_id", Text, "Humind", "The conversation.", |r, o| o.push_str(&r.conversation.id)),
    column!("message_id", Text, "Humind", "The message the event is attached to.", |r, o| o.push_str(&r.message.id)),
    column!("event_id", Text, "Humind", "The vendor's id of the event.", |r, o| o.push_str(&r.event.id)),
    column!("kind", Text, "Humind", "add_product, remove_product, open_product_page, open_product_url or click_support_button.", |r, o| o.push_str(&r.event.kind)),
    column!("at", Plain, "Humind", "When it happened, ISO 8601 UTC.", |r, o| timestamp(o, &r.event.at)),
    column!("product_id", Text, "Humind", "The product.", |r, o| text(o, r.event.product_id.as_deref())),
    column!("product_title", Text, "Humind", "Its title, when known.", |r, o| text(o, r.event.product_title.as_deref())),
    column!("product_variant_id", Text, "Humind", "The variant added or removed.", |r, o| text(o, r.event.product_variant_id.as_deref())),
    column!("price", Plain, "Humind", "Unit price when added or removed.", |r, o| number(o, r.event.price)),
    column!("button", Text, "Humind", "The support button clicked.", |r, o| text(o, r.event.button.as_deref())),
];

#[rustfmt::skip]
pub static PARTICIPANT_COLUMNS: &[ItemColumn<Participant>] = &[
    column!("vendor", Plain, "TalkToHumans", "The vendor.", |r, o| o.push_str(r.conversation.vendor.slug())),
    column!("conversation_id", Text, "TalkToHumans", "The conversation.", |r, o| o.push_str(&r.conversation.id)),
    column!("contact_id", Text, "TalkToHumans", "The participant's contact id.", |r, o| text(o, r.item.id.as_deref())),
    column!("name", Text, "TalkToHumans", "Full name.", |r, o| text(o, r.item.name.as_deref())),
    column!("first_name", Text, "TalkToHumans", "First name.", |r, o| text(o, r.item.first_name.as_deref())),
    column!("last_name", Text, "TalkToHumans", "Last name.", |r, o| text(o, r.item.last_name.as_deref())),
    column!("headline", Text, "TalkToHumans", "Profile headline.", |r, o| text(o, r.item.headline.as_deref())),
    column!("role_title", Text, "TalkToHumans", "Current role.", |r, o| text(o, r.item.role_title.as_deref())),
    column!("company", Text, "TalkToHumans", "Current company.", |r, o| text(o, r.item.company.as_deref())),
    column!("linkedin_url", Text, "TalkToHumans", "LinkedIn profile.", |r, o| text(o, r.item.linkedin_url.as_deref())),
];

#[rustfmt::skip]
pub static TOOL_CALL_COLUMNS: &[ItemColumn<ToolCall>] = &[
    column!("vendor", Plain, "voice widget, Mindo", "The vendor.", |r, o| o.push_str(r.conversation.vendor.slug())),
    column!("conversation_id", Text, "voice widget, Mindo", "The conversation.", |r, o| o.push_str(&r.conversation.id)),
    column!("message_id", Text, "Mindo", "The message whose generation made the call.", |r, o| text(o, r.item.message_id.as_deref())),
    column!("name", Text, "voice widget, Mindo", "The tool.", |r, o| o.push_str(&r.item.name)),
    column!("arguments", Text, "voice widget, Mindo", "Its arguments, as JSON.", |r, o| optional_json(o, &r.item.arguments)),
    column!("result", Text, "voice widget, Mindo", "What it returned (text, or JSON).", |r, o| optional_json(o, &r.item.result)),
    column!("at", Plain, "voice widget, Mindo", "When it ran (Mindo: when its message was sent), ISO 8601 UTC.", |r, o| timestamp(o, &r.item.at)),
];

#[rustfmt::skip]
pub static CRITERION_COLUMNS: &[ItemColumn<Criterion>] = &[
    column!("vendor", Plain, "voice widget", "The vendor.", |r, o| o.push_str(r.conversation.vendor.slug())),
    column!("conversation_id", Text, "voice widget", "The conversation.", |r, o| o.push_str(&r.conversation.id)),
    column!("criterion", Text, "voice widget", "The acceptance criterion's name.", |r, o| o.push_str(&r.item.name)),
    column!("passed", Plain, "voice widget", "true or false.", |r, o| flag(o, r.item.passed)),
    column!("reasoning", Text, "voice widget", "The model's reasoning.", |r, o| text(o, r.item.reasoning.as_deref())),
];
