//! The unified model as the tap's records: each conversation, and each of its messages,
//! events, participants, tool calls and criteria as a record of its own stream, with the keys
//! that join them (`conversation_id`, `message_id`). Fields are the model's own (serde), so
//! the records cannot drift from what the app exports.

use conversation_export::model::{Conversation, Message};
use serde::Serialize;
use serde_json::{json, Map, Value};

/// The model value as a JSON object.
fn object(value: &impl Serialize) -> Map<String, Value> {
    match serde_json::to_value(value).expect("the model always serialises") {
        Value::Object(object) => object,
        _ => Map::new(),
    }
}

/// Renames the model's `id` to what the stream calls it.
fn rename_id(object: &mut Map<String, Value>, to: &str) {
    if let Some(id) = object.remove("id") {
        object.insert(to.to_string(), id);
    }
}

/// Every record starts with the conversation it belongs to.
fn owned_by(conversation: &Conversation, mut record: Map<String, Value>) -> Map<String, Value> {
    record.insert("vendor".into(), json!(conversation.vendor));
    record.insert("conversation_id".into(), json!(conversation.id));
    record
}

/// The conversation's own fields: its lists are streams of their own.
pub fn conversation(conversation: &Conversation) -> Value {
    let mut record = object(conversation);
    for list in ["messages", "tool_calls", "participants", "criteria"] {
        record.remove(list);
    }
    rename_id(&mut record, "conversation_id");
    Value::Object(record)
}

/// A message's key in its conversation: the vendor's id, or its position where it has none.
pub fn message_key(message: &Message) -> String {
    if message.id.is_empty() {
        format!("#{}", message.position)
    } else {
        message.id.clone()
    }
}

pub fn message(conversation: &Conversation, message: &Message) -> Value {
    let mut record = object(message);
    record.remove("events");
    rename_id(&mut record, "message_id");
    record.insert("message_key".into(), json!(message_key(message)));
    Value::Object(owned_by(conversation, record))
}

/// The events of one message.
pub fn events(conversation: &Conversation, message: &Message) -> Vec<Value> {
    let key = message_key(message);
    message
        .events
        .iter()
        .enumerate()
        .map(|(n, event)| {
            let mut record = object(event);
            rename_id(&mut record, "event_id");
            let event_key = if event.id.is_empty() {
                format!("{key}#{n}")
            } else {
                event.id.clone()
            };
            record.insert("event_key".into(), json!(event_key));
            record.insert("message_id".into(), json!(message.id));
            Value::Object(owned_by(conversation, record))
        })
        .collect()
}

pub fn participants(conversation: &Conversation) -> Vec<Value> {
    conversation
        .participants
        .iter()
        .enumerate()
        .map(|(position, participant)| {
            let mut record = object(participant);
            rename_id(&mut record, "participant_id");
            record.insert("position".into(), json!(position));
            Value::Object(owned_by(conversation, record))
        })
        .collect()
}

/// Tool calls, keyed by their message and their place among that message's calls, which a
/// later run of only what changed gives again (positions in the whole conversation may not).
pub fn tool_calls(conversation: &Conversation) -> Vec<Value> {
    let mut per_message: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    conversation
        .tool_calls
        .iter()
        .enumerate()
        .map(|(position, call)| {
            let message = call.message_id.as_deref().unwrap_or("");
            let n = per_message.entry(message).or_default();
            let key = format!("{message}#{n}");
            *n += 1;
            let mut record = object(call);
            record.insert("tool_call_key".into(), json!(key));
            record.insert("position".into(), json!(position));
            Value::Object(owned_by(conversation, record))
        })
        .collect()
}

pub fn criteria(conversation: &Conversation) -> Vec<Value> {
    conversation
        .criteria
        .iter()
        .map(|criterion| Value::Object(owned_by(conversation, object(criterion))))
        .collect()
}
