//! Every CSV file's columns, in order. One line per column: name, kind, who fills it, meaning,
//! and how the cell is written.

use super::columns::{
    count, flag, list, number, optional_json, text, timestamp, CellKind, Column,
    ConversationColumn, EventColumn,
    FilledBy::{All, Only},
    ItemColumn, ItemExtras,
};
use crate::model::{Criterion, Extras, Message, Participant, ToolCall};
use crate::vendors::VendorId;

macro_rules! column {
    ($name:literal, $kind:ident, $filled:expr, $meaning:literal, |$row:ident, $out:ident| $body:expr) => {
        Column {
            name: $name,
            meaning: $meaning,
            filled_by: $filled,
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
    column!("vendor", Plain, All, "The vendor the conversation came from.", |c, o| o.push_str(c.vendor.slug())),
    column!("conversation_id", Text, All, "The vendor's id of the conversation.", |c, o| o.push_str(&c.id)),
    column!("started_at", Plain, Only(&[VendorId::Humind, VendorId::HueChat, VendorId::VoiceWidget, VendorId::Mindo]), "When it started (Mindo: its first message in the export), ISO 8601 UTC.", |c, o| timestamp(o, &c.started_at)),
    column!("ended_at", Plain, Only(&[VendorId::VoiceWidget]), "When it ended, ISO 8601 UTC.", |c, o| timestamp(o, &c.ended_at)),
    column!("updated_at", Plain, Only(&[VendorId::Humind]), "Last activity of any kind, ISO 8601 UTC.", |c, o| timestamp(o, &c.updated_at)),
    column!("last_message_at", Plain, Only(&[VendorId::Humind, VendorId::TalkToHumans, VendorId::HueChat, VendorId::Mindo]), "When the last message was sent, ISO 8601 UTC.", |c, o| timestamp(o, &c.last_message_at)),
    column!("title", Text, Only(&[VendorId::Humind, VendorId::TalkToHumans, VendorId::HueChat]), "Title or subject.", |c, o| text(o, c.title.as_deref())),
    column!("status", Text, Only(&[VendorId::Humind, VendorId::TalkToHumans, VendorId::HueChat, VendorId::VoiceWidget]), "Humind's handoff status, TalkToHumans' state, HueChat's status, the voice widget's outcome.", |c, o| text(o, c.status.as_deref())),
    column!("channel", Text, Only(&[VendorId::Humind, VendorId::HueChat, VendorId::Mindo]), "Where it happened: Humind's origin, HueChat's or Mindo's channel.", |c, o| text(o, c.channel.as_deref())),
    column!("handed_to_human", Plain, Only(&[VendorId::Humind]), "true if a human took over from the assistant.", |c, o| flag(o, c.handed_to_human)),
    column!("has_cart", Plain, Only(&[VendorId::Humind]), "true if the shopper added a product to the cart.", |c, o| flag(o, c.has_cart)),
    column!("tags", Text, Only(&[VendorId::Humind, VendorId::HueChat]), "Tags or labels, separated by \" | \".", |c, o| list(o, &c.tags)),
    column!("languages", Text, Only(&[VendorId::Humind]), "Detected languages (ISO 639-1), separated by \" | \".", |c, o| list(o, &c.languages)),
    column!("url", Text, Only(&[VendorId::Humind, VendorId::TalkToHumans, VendorId::VoiceWidget]), "The page it started on, or the vendor's link to it.", |c, o| text(o, c.url.as_deref())),
    column!("contact_id", Text, Only(&[VendorId::Humind, VendorId::HueChat, VendorId::Mindo]), "The customer's id.", |c, o| text(o, c.contact.as_ref().and_then(|p| p.id.as_deref()))),
    column!("contact_name", Text, Only(&[VendorId::Humind, VendorId::HueChat]), "The customer's name (Humind: with contact details).", |c, o| text(o, c.contact.as_ref().and_then(|p| p.name.as_deref()))),
    column!("contact_email", Text, Only(&[VendorId::Humind]), "The customer's email (Humind: with contact details).", |c, o| text(o, c.contact.as_ref().and_then(|p| p.email.as_deref()))),
    column!("contact_phone", Text, Only(&[VendorId::Humind, VendorId::HueChat]), "The customer's phone (Humind: with contact details).", |c, o| text(o, c.contact.as_ref().and_then(|p| p.phone.as_deref()))),
    column!("assignee_id", Text, Only(&[VendorId::HueChat]), "The team member it is assigned to.", |c, o| text(o, c.assignee.as_ref().and_then(|p| p.id.as_deref()))),
    column!("assignee_name", Text, Only(&[VendorId::HueChat]), "Their name.", |c, o| text(o, c.assignee.as_ref().and_then(|p| p.name.as_deref()))),
    column!("message_count", Plain, All, "Messages in this export.", |c, o| count(o, c.messages.len())),
    column!("vendor_message_count", Plain, Only(&[VendorId::Humind, VendorId::HueChat]), "The message count the vendor reports.", |c, o| number(o, c.vendor_message_count.map(|n| n as f64))),
    column!("event_count", Plain, Only(&[VendorId::Humind]), "Interaction events (cart, product, support button).", |c, o| count(o, c.event_count())),
    column!("participant_count", Plain, Only(&[VendorId::TalkToHumans]), "People in the conversation, your own profile included.", |c, o| count(o, c.participants.len())),
    column!("tool_call_count", Plain, Only(&[VendorId::VoiceWidget, VendorId::Mindo]), "Tool calls made by the AI.", |c, o| count(o, c.tool_calls.len())),
    column!("criteria_passed", Plain, Only(&[VendorId::VoiceWidget]), "Acceptance criteria passed, out of criteria_total.", |c, o| count(o, c.criteria.iter().filter(|k| k.passed == Some(true)).count())),
    column!("criteria_total", Plain, Only(&[VendorId::VoiceWidget]), "Acceptance criteria evaluated.", |c, o| count(o, c.criteria.len())),
    column!("extracted_data", Text, Only(&[VendorId::VoiceWidget]), "The filled-in extraction schema, as JSON.", |c, o| optional_json(o, &c.extracted_data)),
    column!("duration_seconds", Plain, Only(&[VendorId::VoiceWidget]), "Length of the call in seconds.", |c, o| number(o, c.duration_seconds)),
    column!("credits", Plain, Only(&[VendorId::VoiceWidget]), "Credits charged.", |c, o| number(o, c.credits)),
    column!("last_message_preview", Text, Only(&[VendorId::TalkToHumans, VendorId::HueChat]), "The vendor's text of (or preview of) the last message.", |c, o| text(o, c.last_message_preview.as_deref())),
    column!("flags", Plain, Only(&[VendorId::VoiceWidget]), "Conditions to know about: extraction_pending (the call ended moments before the export; its extraction was still being filled in).", |c, o| list(o, c.flags.iter().map(|f| f.as_str()))),
];

#[rustfmt::skip]
pub static MESSAGE_COLUMNS: &[ItemColumn<Message>] = &[
    column!("vendor", Plain, All, "The vendor.", |r, o| o.push_str(r.conversation.vendor.slug())),
    column!("conversation_id", Text, All, "The conversation the message belongs to.", |r, o| o.push_str(&r.conversation.id)),
    column!("position", Plain, All, "The message's place in its conversation, from 0.", |r, o| count(o, r.item.position)),
    column!("message_id", Text, Only(&[VendorId::Humind, VendorId::HueChat, VendorId::Mindo]), "The vendor's id of the message (the voice widget's turns have none).", |r, o| o.push_str(&r.item.id)),
    column!("sent_at", Plain, All, "When it was sent, ISO 8601 UTC (Mindo's times carry no zone and are read as UTC).", |r, o| timestamp(o, &r.item.sent_at)),
    column!("author_role", Plain, All, "customer, assistant, operator, system or unknown.", |r, o| o.push_str(r.item.role.as_str())),
    column!("vendor_role", Text, All, "The vendor's own word for the author (user, contact, agent...).", |r, o| text(o, r.item.vendor_role.as_deref())),
    column!("author_id", Text, Only(&[VendorId::HueChat, VendorId::Mindo]), "The author's id.", |r, o| text(o, r.item.author_id.as_deref())),
    column!("author_name", Text, Only(&[VendorId::HueChat, VendorId::Mindo]), "The author's name (operators, agents).", |r, o| text(o, r.item.author_name.as_deref())),
    column!("text", Text, All, "The message text; several blocks are separated by a blank line.", |r, o| o.push_str(&r.item.text)),
    column!("source", Text, Only(&[VendorId::Humind]), "How a customer message was sent (typed, follow_up...).", |r, o| text(o, r.item.source.as_deref())),
    column!("kind", Text, Only(&[VendorId::HueChat, VendorId::Mindo]), "Message type (text, image...).", |r, o| text(o, r.item.kind.as_deref())),
    column!("direction", Text, Only(&[VendorId::Mindo]), "inbound or outbound.", |r, o| text(o, r.item.direction.as_deref())),
    column!("channel", Text, Only(&[VendorId::Mindo]), "Platform of the message.", |r, o| text(o, r.item.channel.as_deref())),
    column!("delivery_status", Text, Only(&[VendorId::HueChat]), "received, delivered, read...", |r, o| text(o, r.item.delivery_status.as_deref())),
    column!("product_ids", Text, Only(&[VendorId::Humind]), "Products shown, separated by \" | \".", |r, o| list(o, &r.item.product_ids)),
    column!("referenced_product_ids", Text, Only(&[VendorId::Humind]), "Products cited inline, separated by \" | \".", |r, o| list(o, &r.item.referenced_product_ids)),
    column!("attachments", Text, Only(&[VendorId::Humind, VendorId::Mindo]), "Attached files' names (or URLs), separated by \" | \".", |r, o| list(o, r.item.attachments.iter().map(|a| a.name.as_deref().or(a.url.as_deref()).or(a.id.as_deref()).unwrap_or("")))),
    column!("event_count", Plain, Only(&[VendorId::Humind]), "Interaction events on this message.", |r, o| count(o, r.item.events.len())),
    column!("classifications", Text, Only(&[VendorId::Mindo]), "label=value pairs, separated by \" | \".", |r, o| list(o, r.item.classifications.iter().map(|c| format!("{}={}", c.label, c.value.as_deref().unwrap_or(""))))),
];

#[rustfmt::skip]
pub static EVENT_COLUMNS: &[EventColumn] = &[
    column!("vendor", Plain, Only(&[VendorId::Humind]), "The vendor.", |r, o| o.push_str(r.conversation.vendor.slug())),
    column!("conversation_id", Text, Only(&[VendorId::Humind]), "The conversation.", |r, o| o.push_str(&r.conversation.id)),
    column!("message_id", Text, Only(&[VendorId::Humind]), "The message the event is attached to.", |r, o| o.push_str(&r.message.id)),
    column!("event_id", Text, Only(&[VendorId::Humind]), "The vendor's id of the event.", |r, o| o.push_str(&r.event.id)),
    column!("kind", Text, Only(&[VendorId::Humind]), "add_product, remove_product, open_product_page, open_product_url or click_support_button.", |r, o| o.push_str(&r.event.kind)),
    column!("at", Plain, Only(&[VendorId::Humind]), "When it happened, ISO 8601 UTC.", |r, o| timestamp(o, &r.event.at)),
    column!("product_id", Text, Only(&[VendorId::Humind]), "The product.", |r, o| text(o, r.event.product_id.as_deref())),
    column!("product_title", Text, Only(&[VendorId::Humind]), "Its title, when known.", |r, o| text(o, r.event.product_title.as_deref())),
    column!("product_variant_id", Text, Only(&[VendorId::Humind]), "The variant added or removed.", |r, o| text(o, r.event.product_variant_id.as_deref())),
    column!("price", Plain, Only(&[VendorId::Humind]), "Unit price when added or removed.", |r, o| number(o, r.event.price)),
    column!("button", Text, Only(&[VendorId::Humind]), "The support button clicked.", |r, o| text(o, r.event.button.as_deref())),
];

#[rustfmt::skip]
pub static PARTICIPANT_COLUMNS: &[ItemColumn<Participant>] = &[
    column!("vendor", Plain, Only(&[VendorId::TalkToHumans]), "The vendor.", |r, o| o.push_str(r.conversation.vendor.slug())),
    column!("conversation_id", Text, Only(&[VendorId::TalkToHumans]), "The conversation.", |r, o| o.push_str(&r.conversation.id)),
    column!("contact_id", Text, Only(&[VendorId::TalkToHumans]), "The participant's contact id.", |r, o| text(o, r.item.id.as_deref())),
    column!("name", Text, Only(&[VendorId::TalkToHumans]), "Full name.", |r, o| text(o, r.item.name.as_deref())),
    column!("first_name", Text, Only(&[VendorId::TalkToHumans]), "First name.", |r, o| text(o, r.item.first_name.as_deref())),
    column!("last_name", Text, Only(&[VendorId::TalkToHumans]), "Last name.", |r, o| text(o, r.item.last_name.as_deref())),
    column!("headline", Text, Only(&[VendorId::TalkToHumans]), "Profile headline.", |r, o| text(o, r.item.headline.as_deref())),
    column!("role_title", Text, Only(&[VendorId::TalkToHumans]), "Current role.", |r, o| text(o, r.item.role_title.as_deref())),
    column!("company", Text, Only(&[VendorId::TalkToHumans]), "Current company.", |r, o| text(o, r.item.company.as_deref())),
    column!("linkedin_url", Text, Only(&[VendorId::TalkToHumans]), "LinkedIn profile.", |r, o| text(o, r.item.linkedin_url.as_deref())),
];

#[rustfmt::skip]
pub static TOOL_CALL_COLUMNS: &[ItemColumn<ToolCall>] = &[
    column!("vendor", Plain, Only(&[VendorId::VoiceWidget, VendorId::Mindo]), "The vendor.", |r, o| o.push_str(r.conversation.vendor.slug())),
    column!("conversation_id", Text, Only(&[VendorId::VoiceWidget, VendorId::Mindo]), "The conversation.", |r, o| o.push_str(&r.conversation.id)),
    column!("message_id", Text, Only(&[VendorId::Mindo]), "The message whose generation made the call.", |r, o| text(o, r.item.message_id.as_deref())),
    column!("name", Text, Only(&[VendorId::VoiceWidget, VendorId::Mindo]), "The tool.", |r, o| o.push_str(&r.item.name)),
    column!("arguments", Text, Only(&[VendorId::VoiceWidget, VendorId::Mindo]), "Its arguments, as JSON.", |r, o| optional_json(o, &r.item.arguments)),
    column!("result", Text, Only(&[VendorId::VoiceWidget, VendorId::Mindo]), "What it returned (text, or JSON).", |r, o| optional_json(o, &r.item.result)),
    column!("at", Plain, Only(&[VendorId::VoiceWidget, VendorId::Mindo]), "When it ran (Mindo: when its message was sent), ISO 8601 UTC.", |r, o| timestamp(o, &r.item.at)),
];

#[rustfmt::skip]
pub static CRITERION_COLUMNS: &[ItemColumn<Criterion>] = &[
    column!("vendor", Plain, Only(&[VendorId::VoiceWidget]), "The vendor.", |r, o| o.push_str(r.conversation.vendor.slug())),
    column!("conversation_id", Text, Only(&[VendorId::VoiceWidget]), "The conversation.", |r, o| o.push_str(&r.conversation.id)),
    column!("criterion", Text, Only(&[VendorId::VoiceWidget]), "The acceptance criterion's name.", |r, o| o.push_str(&r.item.name)),
    column!("passed", Plain, Only(&[VendorId::VoiceWidget]), "true or false.", |r, o| flag(o, r.item.passed)),
    column!("reasoning", Text, Only(&[VendorId::VoiceWidget]), "The model's reasoning.", |r, o| text(o, r.item.reasoning.as_deref())),
];
