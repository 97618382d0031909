//! HueChat's conversations and messages (`vendor-docs/huechat.md`), over synthetic data.
//!
//! Offset pagination with a total. New conversations can arrive while an export runs
//! (`arrivals_every`): they appear at the top of the default order, shifting every offset, as
//! they do on the real inbox.
//!
//! In the later world (`Later`), some conversations gained messages during the day after
//! everything the original data holds (a long conversation may go on past the anchor) and some
//! are new; the arrivals then come after that day.

use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

use crate::common::{bad_request, header_key, invalid_key, not_found, timestamp};
use crate::http::{SimRequest, SimResponse};
use crate::later::{Day, Later, Streams, FIRST_EXTRA_MESSAGE_SECONDS};
use crate::rng::Rng;
use crate::text;

pub const VALID_KEY: &str = "sk_live_sim_0123456789abcdef";

const MAX_LIMIT: usize = 100;
const DEFAULT_LIMIT: usize = 20;
const DEFAULT_MESSAGE_LIMIT: usize = 50;
const STATUSES: &[&str] = &["open", "closed", "archived"];
const CHANNELS: &[&str] = &["whatsapp", "instagram", "sms", "email"];
const LABELS: &[&str] = &[
    "billing",
    "urgent",
    "vip",
    "refund",
    "=label",
    "retour, échange",
];
const AGENTS: &[(&str, &str)] = &[
    ("usr_agent1", "Sarah Johnson"),
    ("usr_agent2", "Zoë Lefèvre"),
    ("usr_agent3", "+Léa \"La Boss\" Martin"),
];

#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub last_message_at: DateTime<Utc>,
    pub status: &'static str,
    pub channel: &'static str,
    pub assignee: Option<&'static str>,
    pub labels: Vec<&'static str>,
    pub subject: String,
    pub json: Value,
    /// In the order they were sent.
    pub messages: Vec<Value>,
}

#[derive(Debug)]
pub struct Dataset {
    /// Newest first.
    pub conversations: Vec<Conversation>,
    /// Conversations that arrive during an export, oldest first, newer than everything else.
    pub arrivals: Vec<Conversation>,
    /// In the later world, the day its changes fall in (the arrivals come after it).
    pub later_day: Option<Day>,
    /// One arrival every this many requests (0: none). Atomic, so a running server can change it.
    arrivals_every: AtomicUsize,
}

/// The longest gap between two messages of a conversation, in seconds. The original world's are
/// up to an hour apart; a conversation that starts during the later world's day keeps to a
/// few minutes, so that even one of the long ones (over a hundred messages) fits in the day.
const ORIGINAL_PACE: u64 = 3_600;
const NEW_CONVERSATION_PACE: u64 = 600;

impl Dataset {
    /// `count` conversations that started in the 90 days before `anchor`, and with `later`, the
    /// day after everything they hold (see `Later`).
    pub fn generate(seed: u64, count: usize, anchor: DateTime<Utc>, later: Option<Later>) -> Self {
        let root = Rng::new(seed).fork(0x4855_4543); // "HUEC"
        let mut conversations: Vec<Conversation> = (0..count)
            .map(|index| {
                let mut rng = root.fork(index as u64);
                let created = anchor - Duration::seconds(rng.range(3_600, 90 * 86_400) as i64);
                generate(&mut rng, index, created, ORIGINAL_PACE)
            })
            .collect();
        let later_day = later.map(|later| {
            // A conversation's latest instant is its last message, or its creation without one.
            let latest = conversations
                .iter()
                .map(|c| c.created_at.max(c.last_message_at))
                .max();
            let day = Day::after(anchor, latest);
            add_the_day(&mut conversations, &root, day, later);
            day
        });
        conversations.sort_by(|a, b| {
            b.created_at
                .cmp(&a.created_at)
                .then_with(|| a.id.cmp(&b.id))
        });
        // Arrivals are newer than everything else: in the later world, they come after its day.
        let arrivals_from = later_day.map_or(anchor, |day| day.horizon());
        let arrivals = (0..200)
            .map(|index| {
                let mut rng = root.fork(1_000_000 + index as u64);
                generate(
                    &mut rng,
                    count + index,
                    arrivals_from + Duration::seconds(60 * (index as i64 + 1)),
                    ORIGINAL_PACE,
                )
            })
            .collect();
        Dataset {
            conversations,
            arrivals,
            later_day,
            arrivals_every: AtomicUsize::new(0),
        }
    }

    /// A new conversation every `every` requests from now on; `None` stops arrivals.
    pub fn set_arrivals_every(&self, every: Option<usize>) {
        self.arrivals_every
            .store(every.unwrap_or(0), Ordering::Relaxed);
    }

    /// The conversations visible to the request numbered `sequence`, newest first.
    pub fn visible(&self, sequence: usize) -> Vec<&Conversation> {
        let every = self.arrivals_every.load(Ordering::Relaxed);
        let arrived = sequence
            .checked_div(every)
            .map_or(0, |n| n.min(self.arrivals.len()));
        self.arrivals[..arrived]
            .iter()
            .rev()
            .chain(&self.conversations)
            .collect()
    }

    /// Conversations with their messages (as `messages`), as visible to `sequence`.
    pub fn to_full_json(&self, sequence: usize) -> Value {
        Value::Array(
            self.visible(sequence)
                .into_iter()
                .map(|c| {
                    let mut json = c.json.clone();
                    json["messages"] = Value::Array(c.messages.clone());
                    json
                })
                .collect(),
        )
    }
}

/// The later `day`: some conversations gained messages, and new ones started.
fn add_the_day(conversations: &mut Vec<Conversation>, root: &Rng, day: Day, later: Later) {
    let streams = Streams::new(root);
    for index in later.changed_indices(conversations.len()) {
        add_messages(
            &mut conversations[index],
            &mut streams.extra_messages(index),
            index,
            day,
        );
    }
    let existing = conversations.len();
    for number in 0..later.new_conversations {
        let index = existing + number;
        let rng = streams.new_conversation(number);
        // Generated once at the day's start to learn how long it lasts, then where it fits in the
        // day: the same stream both times, so the same conversation.
        let probe = generate(&mut rng.clone(), index, day.start, NEW_CONVERSATION_PACE);
        let span = probe.last_message_at - day.start;
        let start = streams.new_conversation_start(number, day, span);
        conversations.push(generate(
            &mut rng.clone(),
            index,
            start,
            NEW_CONVERSATION_PACE,
        ));
    }
}

/// One or two messages during the day, continuing the conversation (generated at `index`).
/// What HueChat derives from messages follows: `message_count`, `last_message_at`,
/// `last_message_preview`, `unread_count` (the contact's new messages are unread), and a closed
/// conversation is reopened by a new customer message, as the status flow says.
fn add_messages(conversation: &mut Conversation, rng: &mut Rng, index: usize, day: Day) {
    let (earliest, latest) = FIRST_EXTRA_MESSAGE_SECONDS;
    let mut at = day.start + Duration::seconds(rng.range(earliest, latest) as i64);
    let mut from_contact_added = 0;
    let assignee = conversation
        .assignee
        .and_then(|id| AGENTS.iter().find(|(agent, _)| *agent == id).copied());
    for added in 0..rng.range(1, 2) {
        if added > 0 {
            at += Duration::seconds(rng.range(20, ORIGINAL_PACE) as i64);
        }
        let position = conversation.messages.len();
        let from_contact = is_from_contact(position);
        let message = generate_message(rng, &conversation.id, index, position, at, assignee);
        conversation.messages.push(message);
        from_contact_added += usize::from(from_contact);
    }
    conversation.last_message_at = at;
    if from_contact_added > 0 && conversation.status == "closed" {
        conversation.status = "open";
    }
    let json = &mut conversation.json;
    json["status"] = json!(conversation.status);
    json["message_count"] = json!(conversation.messages.len());
    json["unread_count"] =
        json!(json["unread_count"].as_u64().unwrap_or(0) + from_contact_added as u64);
    json["last_message_at"] = json!(timestamp(at));
    if let Some(last) = conversation.messages.last() {
        json["last_message_preview"] = json!(preview(last));
    }
}

/// The contact and the team take turns, the contact first.
fn is_from_contact(position: usize) -> bool {
    position.is_multiple_of(2)
}

/// What the list shows of a message: the start of its text.
fn preview(message: &Value) -> String {
    message["content"]
        .as_str()
        .unwrap_or("")
        .chars()
        .take(80)
        .collect()
}

/// The message at `position` of the conversation generated at `index`, sent at `at`.
fn generate_message(
    rng: &mut Rng,
    conversation_id: &str,
    index: usize,
    position: usize,
    at: DateTime<Utc>,
    assignee: Option<(&'static str, &'static str)>,
) -> Value {
    let from_contact = is_from_contact(position);
    let text = if from_contact && (index * 2 + position).is_multiple_of(7) {
        text::HOSTILE[(index + position) % text::HOSTILE.len()].to_string()
    } else if from_contact {
        rng.pick(text::USER_LINES).to_string()
    } else {
        rng.pick(text::OPERATOR_LINES).to_string()
    };
    let message_type = if rng.chance(8) { "image" } else { "text" };
    let mut message = json!({
        "id": format!("msg_{}", rng.hex(12)),
        "conversation_id": conversation_id,
        "content": text,
        "message_type": message_type,
        "sent_by": if from_contact { "contact" } else { "user" },
        "sent_at": timestamp(at),
        "status": if from_contact { "received" } else { *rng.pick(&["delivered", "read"]) },
    });
    if !from_contact {
        let (agent_id, agent_name) = assignee.unwrap_or(AGENTS[0]);
        message["sender"] = json!({ "id": agent_id, "name": agent_name });
    }
    message
}

/// The conversation generated at `index`, started at `created`, its messages at most `pace`
/// seconds apart.
fn generate(rng: &mut Rng, index: usize, created: DateTime<Utc>, pace: u64) -> Conversation {
    let id = format!("conv_{}", rng.hex(12));
    let contact_id = format!("cnt_{}", rng.hex(8));
    let channel = CHANNELS[rng.below(CHANNELS.len() as u64) as usize];
    let status = match rng.below(10) {
        0..=5 => "open",
        6..=8 => "closed",
        _ => "archived",
    };
    let assignee = rng
        .chance(70)
        .then(|| AGENTS[rng.below(AGENTS.len() as u64) as usize]);
    let mut labels: Vec<&'static str> = Vec::new();
    for _ in 0..rng.below(3) {
        let label = LABELS[rng.below(LABELS.len() as u64) as usize];
        if !labels.contains(&label) {
            labels.push(label);
        }
    }
    // Some conversations have more messages than one page of the messages endpoint.
    let count = if index % 25 == 3 {
        90 + rng.below(40) as usize
    } else {
        rng.range(0, 12) as usize
    };
    let mut at = created;
    let mut messages = Vec::with_capacity(count);
    for position in 0..count {
        at += Duration::seconds(rng.range(20, pace) as i64);
        messages.push(generate_message(rng, &id, index, position, at, assignee));
    }
    let last_message_at = if messages.is_empty() { created } else { at };
    let subject = rng
        .pick(&[
            "Order inquiry",
            "Où est mon colis ?",
            "Refund, please",
            "Question \"urgente\"",
            "Devis",
        ])
        .to_string();
    // Now and then an empty subject, as inboxes send for a conversation nobody titled.
    let subject = if index % 19 == 4 {
        String::new()
    } else {
        subject
    };
    let mut json = json!({
        "id": id,
        "contact_id": contact_id,
        "contact": { "id": contact_id, "full_name": rng.pick(text::NAMES).to_string() },
        "channel": channel,
        "subject": subject,
        "status": status,
        "priority": rng.pick(&["low", "normal", "high"]).to_string(),
        "assigned_to": assignee.map(|(id, name)| json!({ "id": id, "name": name })).unwrap_or(Value::Null),
        "labels": labels,
        "message_count": messages.len(),
        "unread_count": rng.below(messages.len() as u64 + 1),
        "created_at": timestamp(created),
        "last_message_at": timestamp(last_message_at),
    });
    if channel != "email" {
        json["contact"]["phone"] = json!(format!("+1555{:07}", rng.below(10_000_000)));
    }
    if let Some(last) = messages.last() {
        json["last_message_preview"] = json!(preview(last));
    }
    Conversation {
        id,
        created_at: created,
        last_message_at,
        status,
        channel,
        assignee: assignee.map(|(id, _)| id),
        labels,
        subject,
        json,
        messages,
    }
}

pub fn respond(data: &Dataset, request: &SimRequest) -> SimResponse {
    match header_key(request, "x-api-key") {
        Ok(VALID_KEY) => {}
        Ok(_) => return invalid_key(),
        Err(response) => return response,
    }
    if request.method != "GET" {
        return SimResponse::error(
            405,
            "method_not_allowed",
            "The simulator only reads.",
            Value::Null,
        );
    }
    let visible = data.visible(request.sequence);
    match request.segments().as_slice() {
        ["v2", "conversations"] => list(&visible, request),
        ["v2", "conversation", id] => match visible.iter().find(|c| c.id == *id) {
            Some(conversation) => SimResponse::json(200, &json!({ "data": conversation.json })),
            None => not_found(),
        },
        ["v2", "conversation", id, "messages"] => match visible.iter().find(|c| c.id == *id) {
            Some(conversation) => messages(conversation, request),
            None => not_found(),
        },
        _ => not_found(),
    }
}

fn offset_and_limit(
    request: &SimRequest,
    default_limit: usize,
) -> Result<(usize, usize), SimResponse> {
    let limit = crate::common::limit(request, default_limit, MAX_LIMIT, false)?;
    let offset = match request.param("offset") {
        None => 0,
        Some(text) => text
            .parse()
            .map_err(|_| bad_request("offset", "expected a non-negative integer"))?,
    };
    Ok((offset, limit))
}

fn paginated(items: Vec<Value>, offset: usize, limit: usize) -> SimResponse {
    let total = items.len();
    let page: Vec<Value> = items.into_iter().skip(offset).take(limit).collect();
    SimResponse::json(
        200,
        &json!({
            "data": page,
            "pagination": { "limit": limit, "offset": offset, "total": total, "has_more": offset + limit < total },
        }),
    )
}

fn list(visible: &[&Conversation], request: &SimRequest) -> SimResponse {
    let status = request.param("status").unwrap_or("all");
    if status != "all" && !STATUSES.contains(&status) {
        return bad_request("status", "expected open, closed, archived or all");
    }
    let channel = request.param("channel");
    if channel.is_some_and(|c| !CHANNELS.contains(&c)) {
        return bad_request("channel", "expected whatsapp, instagram, sms or email");
    }
    let sort = request.param("sort").unwrap_or("created_at:desc");
    if sort != "created_at:desc" && sort != "last_message_at:desc" {
        return bad_request("sort", "expected created_at:desc or last_message_at:desc");
    }
    let (offset, limit) = match offset_and_limit(request, DEFAULT_LIMIT) {
        Ok(pair) => pair,
        Err(response) => return response,
    };
    let assigned = request.param("assigned_to").filter(|a| !a.is_empty());
    let label = request.param("label").filter(|l| !l.is_empty());
    let search = request
        .param("search")
        .filter(|s| !s.is_empty())
        .map(str::to_lowercase);
    let mut matching: Vec<&&Conversation> = visible
        .iter()
        .filter(|c| status == "all" || c.status == status)
        .filter(|c| channel.is_none_or(|channel| c.channel == channel))
        .filter(|c| match assigned {
            None => true,
            Some("none") => c.assignee.is_none(),
            Some(user) => c.assignee == Some(user),
        })
        .filter(|c| label.is_none_or(|label| c.labels.contains(&label)))
        .filter(|c| {
            search.as_ref().is_none_or(|needle| {
                c.subject.to_lowercase().contains(needle)
                    || c.messages.iter().any(|m| {
                        m["content"]
                            .as_str()
                            .unwrap_or("")
                            .to_lowercase()
                            .contains(needle)
                    })
            })
        })
        .collect();
    if sort == "last_message_at:desc" {
        matching.sort_by(|a, b| {
            b.last_message_at
                .cmp(&a.last_message_at)
                .then_with(|| a.id.cmp(&b.id))
        });
    }
    paginated(
        matching.iter().map(|c| c.json.clone()).collect(),
        offset,
        limit,
    )
}

fn messages(conversation: &Conversation, request: &SimRequest) -> SimResponse {
    match offset_and_limit(request, DEFAULT_MESSAGE_LIMIT) {
        Ok((offset, limit)) => paginated(conversation.messages.clone(), offset, limit),
        Err(response) => response,
    }
}
