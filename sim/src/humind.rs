//! Humind's public conversations API (`vendor-docs/humind.md`), over synthetic data.

use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};
use serde_json::{json, Map, Value};

use crate::http::{SimRequest, SimResponse};
use crate::later::{Day, Later, Start, Streams, FIRST_EXTRA_MESSAGE_SECONDS};
use crate::rng::Rng;
use crate::text;

/// The key the simulator accepts with the `conversations:read` scope.
pub const VALID_KEY: &str = "hmd_live_sim_0123456789abcdef";
/// A key that exists but was revoked: 401 `revoked`.
pub const REVOKED_KEY: &str = "hmd_live_sim_revoked_000000";
/// A key without the `conversations:read` scope: 403 `insufficient_scope`.
pub const UNSCOPED_KEY: &str = "hmd_live_sim_noscope_000000";

const MAX_LIMIT: usize = 100;
const DEFAULT_LIMIT: usize = 50;
const ORIGINS: [&str; 4] = ["shopify", "shopify", "woocommerce", "website"];
const HANDOFF_STATUSES: &[&str] = &["ai_active", "queued", "human_active"];

#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: String,
    pub kind: &'static str,
    pub created_at: DateTime<Utc>,
    pub product_id: Option<String>,
    pub product_title: Option<String>,
    pub product_variant_id: Option<String>,
    pub price_at_event: Option<f64>,
    pub button_identifier: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub id: String,
    pub from: &'static str,
    pub role: &'static str,
    pub source: Option<&'static str>,
    pub content: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub product_ids: Vec<String>,
    pub referenced_product_ids: Vec<String>,
    pub attachments: Vec<Value>,
    pub events: Vec<Event>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub origin: &'static str,
    pub origin_url: Option<String>,
    pub language: Vec<&'static str>,
    pub title: Option<String>,
    pub handoff_status: &'static str,
    pub tags: Vec<String>,
    pub contact: Option<Contact>,
    pub messages: Vec<Message>,
    /// A field Humind's documentation does not list: clients must keep it, not choke on it.
    pub undocumented_satisfaction: Option<u8>,
}

impl Conversation {
    pub fn has_triggered_cart(&self) -> bool {
        self.events().any(|event| event.kind == "add_product")
    }

    pub fn events(&self) -> impl Iterator<Item = &Event> {
        self.messages.iter().flat_map(|message| &message.events)
    }

    pub fn last_message_at(&self) -> Option<DateTime<Utc>> {
        self.messages.last().map(|message| message.created_at)
    }

    /// The latest instant anything happened in the conversation: its update, a message or an
    /// event (an event is logged a few seconds after its message).
    pub fn last_activity(&self) -> DateTime<Utc> {
        self.messages
            .iter()
            .map(|message| message.created_at)
            .chain(self.events().map(|event| event.created_at))
            .fold(self.updated_at, DateTime::max)
    }

    /// The conversation as the API returns it, with the documented opt-ins.
    pub fn to_json(&self, include_messages: bool, include_contact: bool) -> Value {
        let mut object = Map::new();
        object.insert("humind_id".into(), json!(self.id));
        object.insert("created_at".into(), json!(timestamp(self.created_at)));
        object.insert("updated_at".into(), json!(timestamp(self.updated_at)));
        if let Some(at) = self.last_message_at() {
            object.insert("last_message_at".into(), json!(timestamp(at)));
        }
        object.insert("origin".into(), json!(self.origin));
        if let Some(url) = &self.origin_url {
            object.insert("origin_url".into(), json!(url));
        }
        object.insert("language".into(), json!(self.language));
        if let Some(title) = &self.title {
            object.insert("title".into(), json!(title));
        }
        object.insert("handoff_status".into(), json!(self.handoff_status));
        object.insert("tags".into(), json!(self.tags));
        object.insert(
            "has_triggered_cart".into(),
            json!(self.has_triggered_cart()),
        );
        if include_contact {
            let contact = self
                .contact
                .as_ref()
                .map(contact_json)
                .unwrap_or(Value::Null);
            object.insert("contact".into(), contact);
        } else if let Some(contact) = &self.contact {
            object.insert("contact_id".into(), json!(contact.id));
        }
        if include_messages {
            object.insert("message_count".into(), json!(self.messages.len()));
            object.insert("event_count".into(), json!(self.events().count()));
            let messages: Vec<Value> = self.messages.iter().map(message_json).collect();
            object.insert("messages".into(), Value::Array(messages));
        }
        if let Some(score) = self.undocumented_satisfaction {
            object.insert("satisfaction".into(), json!({ "score": score }));
        }
        Value::Object(object)
    }
}

fn contact_json(contact: &Contact) -> Value {
    let mut object = Map::new();
    object.insert("id".into(), json!(contact.id));
    for (key, value) in [
        ("name", &contact.name),
        ("email", &contact.email),
        ("phone", &contact.phone),
    ] {
        if let Some(value) = value {
            object.insert(key.into(), json!(value));
        }
    }
    Value::Object(object)
}

fn message_json(message: &Message) -> Value {
    let mut object = Map::new();
    object.insert("humind_id".into(), json!(message.id));
    object.insert("from".into(), json!(message.from));
    object.insert("role".into(), json!(message.role));
    if let Some(source) = message.source {
        object.insert("source".into(), json!(source));
    }
    object.insert("content".into(), json!(message.content));
    object.insert("created_at".into(), json!(timestamp(message.created_at)));
    if !message.product_ids.is_empty() {
        object.insert("product_ids".into(), json!(message.product_ids));
    }
    if !message.referenced_product_ids.is_empty() {
        object.insert(
            "referenced_product_ids".into(),
            json!(message.referenced_product_ids),
        );
    }
    if !message.attachments.is_empty() {
        object.insert("attachments".into(), json!(message.attachments));
    }
    if !message.events.is_empty() {
        let events: Vec<Value> = message.events.iter().map(event_json).collect();
        object.insert("events".into(), Value::Array(events));
    }
    Value::Object(object)
}

fn event_json(event: &Event) -> Value {
    let mut object = Map::new();
    object.insert("humind_id".into(), json!(event.id));
    object.insert("type".into(), json!(event.kind));
    object.insert("created_at".into(), json!(timestamp(event.created_at)));
    let optional = [
        ("product_id", event.product_id.as_deref()),
        ("product_title", event.product_title.as_deref()),
        ("product_variant_id", event.product_variant_id.as_deref()),
        ("button_identifier", event.button_identifier),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            object.insert(key.into(), json!(value));
        }
    }
    if let Some(price) = event.price_at_event {
        object.insert("price_at_event".into(), json!(price));
    }
    Value::Object(object)
}

pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Humind's data for one company: conversations newest-first, as the list endpoint returns them.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub conversations: Vec<Conversation>,
    /// In the later world, the day its changes fall in.
    pub later_day: Option<Day>,
}

type Product = (String, String, &'static str, f64);

impl Dataset {
    /// `count` conversations that started in the 90 days before `anchor` (the last activity of
    /// one that started just before may come after it), and with `later`, the day after all of
    /// them (see `Later`).
    pub fn generate(seed: u64, count: usize, anchor: DateTime<Utc>, later: Option<Later>) -> Self {
        let root = Rng::new(seed).fork(0x4855_4d49_4e44); // "HUMIND"
        let products: Vec<Product> = text::PRODUCTS
            .iter()
            .enumerate()
            .map(|(index, (title, price))| {
                let mut rng = root.fork(1000 + index as u64);
                (rng.hex(24), rng.hex(24), *title, *price)
            })
            .collect();
        let mut user_messages = 0;
        let mut conversations: Vec<Conversation> = (0..count)
            .map(|index| {
                generate_conversation(
                    &mut root.fork(index as u64),
                    index,
                    Start::Before(anchor),
                    &products,
                    &mut user_messages,
                )
            })
            .collect();
        let later_day = later.map(|later| {
            let latest = conversations.iter().map(Conversation::last_activity).max();
            let day = Day::after(anchor, latest);
            // After every original conversation, so the counter that spreads the hostile strings
            // over the first customer messages has already moved past them.
            add_the_day(
                &mut conversations,
                &root,
                day,
                later,
                &products,
                &mut user_messages,
            );
            day
        });
        conversations.sort_by(|a, b| {
            b.created_at
                .cmp(&a.created_at)
                .then_with(|| a.id.cmp(&b.id))
        });
        Dataset {
            conversations,
            later_day,
        }
    }

    /// Every conversation with messages and contact: the simulator's ground truth.
    pub fn to_full_json(&self) -> Value {
        Value::Array(
            self.conversations
                .iter()
                .map(|c| c.to_json(true, true))
                .collect(),
        )
    }
}

/// The later `day`: some conversations gained messages, and new ones started.
fn add_the_day(
    conversations: &mut Vec<Conversation>,
    root: &Rng,
    day: Day,
    later: Later,
    products: &[Product],
    user_messages: &mut usize,
) {
    let streams = Streams::new(root);
    for index in later.changed_indices(conversations.len()) {
        let rng = &mut streams.extra_messages(index);
        add_messages(&mut conversations[index], rng, day, products, user_messages);
    }
    let existing = conversations.len();
    for number in 0..later.new_conversations {
        let index = existing + number;
        let rng = streams.new_conversation(number);
        // Generated once at the day's start to learn how long it lasts, then where it fits in the
        // day: the same stream both times, so the same conversation.
        let probe = generate_conversation(
            &mut rng.clone(),
            index,
            Start::At(day.start),
            products,
            &mut user_messages.clone(),
        );
        let span = probe.last_activity() - day.start;
        let start = streams.new_conversation_start(number, day, span);
        conversations.push(generate_conversation(
            &mut rng.clone(),
            index,
            Start::At(start),
            products,
            user_messages,
        ));
    }
}

/// One or two messages during the day, continuing the conversation's turns. Everything Humind
/// derives from messages follows: `updated_at` (the last activity), `last_message_at`, the
/// counts and `has_triggered_cart`.
fn add_messages(
    conversation: &mut Conversation,
    rng: &mut Rng,
    day: Day,
    products: &[Product],
    user_messages: &mut usize,
) {
    let (earliest, latest) = FIRST_EXTRA_MESSAGE_SECONDS;
    let mut at = day.start + Duration::seconds(rng.range(earliest, latest) as i64);
    for added in 0..rng.range(1, 2) {
        if added > 0 {
            at += Duration::seconds(rng.range(5, 240) as i64);
        }
        let turn = conversation.messages.len();
        let from = sender(turn, conversation.handoff_status);
        let message = generate_message(rng, turn, from, at, products, user_messages);
        conversation.messages.push(message);
    }
    conversation.updated_at = conversation.last_activity();
}

/// Who sends a conversation's `turn`th message: the shopper and the assistant take turns, and
/// an operator answers from the fourth message on once a human took over.
fn sender(turn: usize, handoff_status: &str) -> &'static str {
    if turn.is_multiple_of(2) {
        "user"
    } else if handoff_status == "human_active" && turn >= 3 {
        "operator"
    } else {
        "assistant"
    }
}

fn generate_conversation(
    rng: &mut Rng,
    index: usize,
    start: Start,
    products: &[Product],
    user_messages: &mut usize,
) -> Conversation {
    let created_at = match start {
        Start::Before(anchor) => anchor - Duration::seconds(rng.range(3_600, 90 * 86_400) as i64),
        Start::At(at) => at,
    };
    let handoff_status = match rng.below(10) {
        0 => "queued",
        1 | 2 => "human_active",
        _ => "ai_active",
    };
    // Every tenth conversation is empty: a visitor opened the chat and left.
    let turns = if index % 10 == 7 {
        0
    } else {
        rng.range(1, 10) as usize
    };
    let mut at = created_at;
    let mut messages = Vec::with_capacity(turns);
    for turn in 0..turns {
        at += Duration::seconds(rng.range(5, 240) as i64);
        let from = sender(turn, handoff_status);
        messages.push(generate_message(
            rng,
            turn,
            from,
            at,
            products,
            user_messages,
        ));
    }
    let updated_at = messages.last().map_or(created_at, |m| m.created_at)
        + Duration::seconds(if rng.chance(20) {
            rng.range(60, 7_200) as i64
        } else {
            0
        });
    let contact = rng.chance(50).then(|| Contact {
        id: rng.hex(24),
        name: rng.chance(80).then(|| rng.pick(text::NAMES).to_string()),
        email: rng.chance(70).then(|| format!("client{index}@example.com")),
        phone: rng
            .chance(40)
            .then(|| format!("+336{:08}", rng.below(100_000_000))),
    });
    let tag_count = rng.below(4) as usize;
    let mut tags: Vec<String> = Vec::new();
    for _ in 0..tag_count {
        let tag = rng.pick(text::TAGS).to_string();
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    Conversation {
        id: rng.hex(24),
        created_at,
        updated_at,
        origin: ORIGINS[rng.below(ORIGINS.len() as u64) as usize],
        origin_url: rng.chance(70).then(|| {
            format!(
                "https://example.com/products/item-{}?ref=chat&lang=fr",
                rng.below(50)
            )
        }),
        language: rng
            .pick(&[
                vec!["fr"],
                vec!["fr"],
                vec!["en"],
                vec!["fr", "en"],
                vec!["de"],
            ])
            .clone(),
        // Some vendors send an empty title rather than none: the app must name those too.
        title: {
            let title = rng.chance(80).then(|| rng.pick(text::TITLES).to_string());
            if index % 17 == 3 {
                Some(String::new())
            } else {
                title
            }
        },
        handoff_status,
        tags,
        contact,
        messages,
        undocumented_satisfaction: rng.chance(15).then(|| rng.range(1, 5) as u8),
    }
}

fn generate_message(
    rng: &mut Rng,
    turn: usize,
    from: &'static str,
    at: DateTime<Utc>,
    products: &[Product],
    user_messages: &mut usize,
) -> Message {
    let slot = *user_messages;
    if from == "user" {
        *user_messages += 1;
    }
    let mut content = vec![match from {
        // The first customer messages carry every hostile string in turn, then they recur.
        "user" if slot < text::HOSTILE.len() || rng.chance(15) => {
            text::HOSTILE[slot % text::HOSTILE.len()].to_string()
        }
        "user" => rng.pick(text::USER_LINES).to_string(),
        "operator" => rng.pick(text::OPERATOR_LINES).to_string(),
        _ => rng.pick(text::ASSISTANT_LINES).to_string(),
    }];
    // Right after the hostile strings, one message longer than a spreadsheet cell.
    if from == "user" && slot == text::HOSTILE.len() {
        content = vec![text::very_long_message()];
    } else if from == "assistant" && rng.chance(25) {
        content.push("Autre chose ? / Anything else?".to_string());
    }
    let mut message = Message {
        id: rng.hex(24),
        from,
        role: if from == "user" {
            "conversation"
        } else {
            "answer"
        },
        source: (from == "user" && rng.chance(70))
            .then(|| *rng.pick(&["typed", "follow_up", "product_page_question"])),
        content,
        created_at: at,
        product_ids: Vec::new(),
        referenced_product_ids: Vec::new(),
        attachments: Vec::new(),
        events: Vec::new(),
    };
    if from == "assistant" && rng.chance(40) {
        message.product_ids.push(rng.pick(products).0.clone());
        if rng.chance(30) {
            message
                .referenced_product_ids
                .push(rng.pick(products).0.clone());
        }
    }
    if from == "user" && rng.chance(8) {
        let mut attachment = json!({
            "id": rng.hex(24),
            "type": "image",
            "original_name": "photo peau, très sèche.jpg",
            "mime_type": "image/jpeg",
            "size": rng.range(20_000, 4_000_000),
        });
        if rng.chance(70) {
            attachment["width"] = json!(1024);
            attachment["height"] = json!(768);
        }
        message.attachments.push(attachment);
    }
    if from == "user" && turn > 0 && rng.chance(35) {
        let event_at = at + Duration::seconds(rng.range(1, 30) as i64);
        message.events.push(generate_event(rng, event_at, products));
    }
    message
}

fn generate_event(rng: &mut Rng, at: DateTime<Utc>, products: &[Product]) -> Event {
    let kind = *rng.pick(&[
        "add_product",
        "add_product",
        "remove_product",
        "open_product_page",
        "open_product_url",
        "click_support_button",
    ]);
    let (product_id, variant_id, title, price) = rng.pick(products).clone();
    let is_product = kind != "click_support_button";
    let is_cart = kind == "add_product" || kind == "remove_product";
    Event {
        id: rng.hex(24),
        kind,
        created_at: at,
        product_id: is_product.then_some(product_id),
        product_title: (is_product && rng.chance(90)).then(|| title.to_string()),
        product_variant_id: is_cart.then_some(variant_id),
        price_at_event: is_cart.then_some(price),
        button_identifier: (!is_product)
            .then(|| *rng.pick(&["email", "contact_us", "support_page", "phone"])),
    }
}

/// Answers one request to Humind's API.
pub fn respond(data: &Dataset, request: &SimRequest) -> SimResponse {
    if let Err(response) = authenticate(request) {
        return response;
    }
    match request.segments().as_slice() {
        ["public", "v1", "conversations"] if request.method == "GET" => list(data, request),
        ["public", "v1", "conversations", id] if request.method == "GET" => {
            retrieve(data, request, id)
        }
        _ => error(404, "not_found", "No such endpoint.", Value::Null),
    }
}

fn authenticate(request: &SimRequest) -> Result<(), SimResponse> {
    let Some(header) = request.header("authorization") else {
        return Err(error(
            401,
            "missing_credentials",
            "Missing Authorization header.",
            Value::Null,
        ));
    };
    let Some(key) = header.strip_prefix("Bearer ") else {
        return Err(error(
            401,
            "missing_credentials",
            "Authorization header must be 'Bearer <key>'.",
            Value::Null,
        ));
    };
    match key.trim() {
        "" => Err(error(
            401,
            "missing_credentials",
            "The API key is empty.",
            Value::Null,
        )),
        VALID_KEY => Ok(()),
        REVOKED_KEY => Err(error(
            401,
            "revoked",
            "This API key has been revoked.",
            Value::Null,
        )),
        UNSCOPED_KEY => Err(error(
            403,
            "insufficient_scope",
            "This API key lacks the conversations:read scope.",
            json!({ "required_scope": "conversations:read" }),
        )),
        _ => Err(error(401, "invalid_key", "Invalid API key.", Value::Null)),
    }
}

pub fn error(status: u16, code: &str, message: &str, details: Value) -> SimResponse {
    SimResponse::error(status, code, message, details)
}

fn validation(field: &str, issue: &str) -> SimResponse {
    error(
        400,
        "validation_failed",
        "The request is invalid.",
        json!({ "field": field, "issue": issue }),
    )
}

/// Accepts `2026-05-01` (midnight UTC) or an RFC 3339 date-time, as the docs say.
pub fn parse_instant(value: &str) -> Option<DateTime<Utc>> {
    if let Ok(date) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        if value.len() == 10 {
            return Some(date.and_hms_opt(0, 0, 0)?.and_utc());
        }
    }
    DateTime::parse_from_rfc3339(value)
        .ok()
        .map(|at| at.with_timezone(&Utc))
}

struct Includes {
    messages: bool,
    contact: bool,
}

fn parse_includes(request: &SimRequest, allowed: &[&str]) -> Result<Includes, SimResponse> {
    let mut includes = Includes {
        messages: false,
        contact: false,
    };
    if let Some(value) = request.param("include") {
        for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part {
                "messages" if allowed.contains(&"messages") => includes.messages = true,
                "contact" => includes.contact = true,
                other => return Err(validation("include", &format!("unknown include '{other}'"))),
            }
        }
    }
    Ok(includes)
}

fn list(data: &Dataset, request: &SimRequest) -> SimResponse {
    let mut bounds: [Option<DateTime<Utc>>; 3] = [None; 3];
    for (slot, field) in ["created_after", "created_before", "updated_after"]
        .iter()
        .enumerate()
    {
        if let Some(value) = request.param(field) {
            match parse_instant(value) {
                Some(at) => bounds[slot] = Some(at),
                None => return validation(field, "expected an ISO 8601 date or date-time"),
            }
        }
    }
    let [created_after, created_before, updated_after] = bounds;
    let handoff = request.param("handoff_status");
    if let Some(status) = handoff {
        if !HANDOFF_STATUSES.contains(&status) {
            return validation(
                "handoff_status",
                "expected one of ai_active, queued, human_active",
            );
        }
    }
    let includes = match parse_includes(request, &["messages", "contact"]) {
        Ok(includes) => includes,
        Err(response) => return response,
    };
    let limit = match request.param("limit") {
        None => DEFAULT_LIMIT,
        Some(text) => match text.parse::<usize>() {
            Ok(limit) if (1..=MAX_LIMIT).contains(&limit) => limit,
            _ => return validation("limit", "expected an integer from 1 to 100"),
        },
    };
    let offset = match request.param("cursor") {
        None => 0,
        Some(cursor) => match crate::cursor::decode(cursor) {
            Some(offset) => offset,
            None => return validation("cursor", "invalid cursor"),
        },
    };
    let matching: Vec<&Conversation> = data
        .conversations
        .iter()
        .filter(|c| created_after.is_none_or(|t| c.created_at >= t))
        .filter(|c| created_before.is_none_or(|t| c.created_at <= t))
        .filter(|c| updated_after.is_none_or(|t| c.updated_at >= t))
        .filter(|c| handoff.is_none_or(|s| c.handoff_status == s))
        .collect();
    let page: Vec<Value> = matching
        .iter()
        .skip(offset)
        .take(limit)
        .map(|c| c.to_json(includes.messages, includes.contact))
        .collect();
    let next = offset + limit;
    let next_cursor = if next < matching.len() {
        json!(crate::cursor::encode(next))
    } else {
        Value::Null
    };
    SimResponse::json(200, &json!({ "data": page, "next_cursor": next_cursor }))
}

fn retrieve(data: &Dataset, request: &SimRequest, id: &str) -> SimResponse {
    if id.len() != 24 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return validation("id", "expected a 24-character hex humind_id");
    }
    let includes = match parse_includes(request, &["contact"]) {
        Ok(includes) => includes,
        Err(response) => return response,
    };
    match data.conversations.iter().find(|c| c.id == id) {
        Some(conversation) => SimResponse::json(200, &conversation.to_json(true, includes.contact)),
        None => error(404, "not_found", "Conversation not found.", Value::Null),
    }
}
