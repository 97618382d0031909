//! The unified model every vendor maps into, and every exporter reads from.
//!
//! It is the union of what the five vendors return: a field one vendor lacks stays empty. What
//! no unified field captures lands in `extras` (by its vendor name), and each record keeps the
//! vendor's raw JSON, byte for byte, for the lossless `raw.ndjson` archive.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::vendors::VendorId;

pub type Timestamp = DateTime<Utc>;

/// Vendor fields that have no unified field, by their vendor name, each as compact JSON text.
///
/// Kept as text rather than as `serde_json::Value` trees: a small JSON object as a `Value` costs
/// a B-tree node of several hundred bytes, and a message export can hold a hundred thousand of
/// them. Sorted by name, so files list them in a stable order.
#[derive(Debug, Clone, Default)]
pub struct Extras(Vec<(String, Box<RawValue>)>);

impl Extras {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a field, replacing any value it had.
    pub fn insert(&mut self, name: impl Into<String>, value: &Value) {
        let raw = serde_json::value::to_raw_value(value).expect("a JSON value always serialises");
        self.insert_raw(name.into(), raw);
    }

    /// Sets a field from its JSON text, replacing any value it had.
    pub fn insert_raw(&mut self, name: String, raw: Box<RawValue>) {
        match self
            .0
            .binary_search_by(|(existing, _)| existing.as_str().cmp(&name))
        {
            Ok(at) => self.0[at].1 = raw,
            Err(at) => self.0.insert(at, (name, raw)),
        }
    }

    /// Sets a field only if it has no value yet.
    pub fn insert_if_absent(&mut self, name: &str, raw: Box<RawValue>) {
        if !self.contains_key(name) {
            self.insert_raw(name.to_string(), raw);
        }
    }

    /// Adds every field of `other`, replacing same-named ones.
    pub fn extend(&mut self, other: Extras) {
        for (name, raw) in other.0 {
            self.insert_raw(name, raw);
        }
    }

    pub fn get(&self, name: &str) -> Option<&RawValue> {
        self.0
            .binary_search_by(|(existing, _)| existing.as_str().cmp(name))
            .ok()
            .map(|at| &*self.0[at].1)
    }

    /// A field parsed back into a `Value` (`Null` when absent), for reading and tests.
    pub fn value(&self, name: &str) -> Value {
        self.get(name)
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
            .unwrap_or(Value::Null)
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(name, _)| name)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &RawValue)> {
        self.0.iter().map(|(name, raw)| (name.as_str(), &**raw))
    }

    pub fn into_iter_raw(self) -> impl Iterator<Item = (String, Box<RawValue>)> {
        self.0.into_iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<(String, Value)> for Extras {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(fields: I) -> Self {
        let mut extras = Extras::new();
        for (name, value) in fields {
            extras.insert(name, &value);
        }
        extras
    }
}

impl Serialize for Extras {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, raw) in &self.0 {
            map.serialize_entry(name, raw)?;
        }
        map.end()
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Conversation {
    pub id: String,
    /// Written as its slug, e.g. `humind`.
    pub vendor: VendorId,
    pub title: Option<String>,
    /// Humind's handoff status, HueChat's status, the voice widget's outcome...
    pub status: Option<String>,
    /// Where it happened: Humind's origin, HueChat's or Mindo's channel.
    pub channel: Option<String>,
    pub started_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
    pub last_message_at: Option<Timestamp>,
    pub tags: Vec<String>,
    pub languages: Vec<String>,
    /// The page the conversation started on, or the vendor's link to it.
    pub url: Option<String>,
    pub contact: Option<Contact>,
    pub assignee: Option<Person>,
    /// Whether a human took over from the assistant, where the vendor says so.
    pub handed_to_human: Option<bool>,
    /// Whether the shopper added a product to the cart, where the vendor reports it.
    pub has_cart: Option<bool>,
    pub duration_seconds: Option<f64>,
    pub credits: Option<f64>,
    /// The message count the vendor reports, which may differ from the messages fetched.
    pub vendor_message_count: Option<u64>,
    pub last_message_preview: Option<String>,
    pub messages: Vec<Message>,
    pub tool_calls: Vec<ToolCall>,
    pub participants: Vec<Participant>,
    pub criteria: Vec<Criterion>,
    pub extracted_data: Option<Value>,
    pub extras: Extras,
    /// Conditions a reader should know about.
    pub flags: Vec<Flag>,
    /// The record exactly as the vendor sent it.
    #[serde(skip)]
    pub raw: Option<Box<RawValue>>,
}

impl Conversation {
    /// What to call it on screen and in files: its title; for one without a title (or with an
    /// empty one), the start of its first message, or of the last one the vendor shows; at
    /// least its id.
    pub fn display_title(&self) -> String {
        let first_words = self
            .messages
            .iter()
            .map(|m| m.text.trim())
            .find(|text| !text.is_empty())
            .or(self.last_message_preview.as_deref());
        display_title(&self.id, self.title.as_deref(), first_words)
    }

    pub fn event_count(&self) -> usize {
        self.messages.iter().map(|m| m.events.len()).sum()
    }

    pub fn events(&self) -> impl Iterator<Item = (&Message, &Event)> {
        self.messages
            .iter()
            .flat_map(|message| message.events.iter().map(move |event| (message, event)))
    }
}

/// A condition of a conversation a reader should know about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// A call that ended moments before the export: its extraction may still be filling in.
    ExtractionPending,
}

impl Flag {
    /// As written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::ExtractionPending => "extraction_pending",
        }
    }
}

/// Who wrote a message, in words that mean the same for every vendor.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthorRole {
    /// The shopper, visitor or contact.
    Customer,
    /// The vendor's AI assistant or agent.
    Assistant,
    /// A human on the company's team.
    Operator,
    /// Automated messages from the platform itself.
    System,
    #[default]
    Unknown,
}

impl AuthorRole {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthorRole::Customer => "customer",
            AuthorRole::Assistant => "assistant",
            AuthorRole::Operator => "operator",
            AuthorRole::System => "system",
            AuthorRole::Unknown => "unknown",
        }
    }

    /// A label for people reading a transcript.
    pub fn label(self) -> &'static str {
        match self {
            AuthorRole::Customer => "Customer",
            AuthorRole::Assistant => "Assistant",
            AuthorRole::Operator => "Operator",
            AuthorRole::System => "System",
            AuthorRole::Unknown => "Unknown",
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Message {
    pub id: String,
    /// Zero-based position in its conversation.
    pub position: usize,
    pub role: AuthorRole,
    /// The vendor's own word for the author (`user`, `contact`, `agent`...).
    pub vendor_role: Option<String>,
    pub author_id: Option<String>,
    pub author_name: Option<String>,
    pub sent_at: Option<Timestamp>,
    /// The text, with the vendor's blocks joined by blank lines.
    pub text: String,
    /// The vendor's text blocks when it sends more than one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blocks: Vec<String>,
    /// How it was sent (typed, follow-up...), its type (text, image...), direction and channel.
    pub source: Option<String>,
    pub kind: Option<String>,
    pub direction: Option<String>,
    pub channel: Option<String>,
    pub delivery_status: Option<String>,
    pub product_ids: Vec<String>,
    pub referenced_product_ids: Vec<String>,
    pub attachments: Vec<Attachment>,
    pub events: Vec<Event>,
    pub classifications: Vec<Classification>,
    pub extras: Extras,
    #[serde(skip)]
    pub raw: Option<Box<RawValue>>,
}

/// Something the visitor did, attached to the message it happened on.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Event {
    pub id: String,
    pub kind: String,
    pub at: Option<Timestamp>,
    pub product_id: Option<String>,
    pub product_title: Option<String>,
    pub product_variant_id: Option<String>,
    pub price: Option<f64>,
    pub button: Option<String>,
    pub extras: Extras,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Attachment {
    pub id: Option<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub mime_type: Option<String>,
    pub size: Option<u64>,
    pub width: Option<u64>,
    pub height: Option<u64>,
    pub url: Option<String>,
    pub extras: Extras,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Contact {
    pub id: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub extras: Extras,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Person {
    pub id: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ToolCall {
    pub message_id: Option<String>,
    pub name: String,
    pub arguments: Option<Value>,
    pub result: Option<Value>,
    pub at: Option<Timestamp>,
    pub extras: Extras,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Participant {
    pub id: Option<String>,
    pub name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub headline: Option<String>,
    pub role_title: Option<String>,
    pub company: Option<String>,
    pub linkedin_url: Option<String>,
    pub extras: Extras,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Criterion {
    pub name: String,
    pub passed: Option<bool>,
    pub reasoning: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Classification {
    pub label: String,
    pub value: Option<String>,
}

/// A value we could not read; the record is kept and the reader is told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// The id of the record it concerns, when known.
    pub record: String,
    pub field: String,
    pub problem: String,
}

/// What a conversation is called on screen: its title, or else its first words, or else its id.
pub fn display_title(id: &str, title: Option<&str>, first_words: Option<&str>) -> String {
    if let Some(title) = title.map(str::trim).filter(|t| !t.is_empty()) {
        return title.to_string();
    }
    let text = first_words.map(str::trim).unwrap_or("");
    if text.is_empty() {
        return format!("Conversation {id}");
    }
    let short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        format!("“{short}…”")
    } else {
        format!("“{short}”")
    }
}

#[cfg(test)]
mod tests {
    use super::display_title;

    #[test]
    fn an_empty_title_shows_the_first_words_as_a_missing_one_does() {
        for title in [None, Some(""), Some("  ")] {
            assert_eq!(
                display_title("c1", title, Some("Bonjour, ma commande ?")),
                "“Bonjour, ma commande ?”"
            );
        }
        assert_eq!(display_title("c1", Some(""), None), "Conversation c1");
        assert_eq!(display_title("c1", Some("Refund"), Some("Hi")), "Refund");
    }
}
