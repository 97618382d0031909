//! TalkToHumans' "find conversations" (`vendor-docs/talktohumans.md`), over synthetic data.
//!
//! Outreach conversations on LinkedIn: an account, participants with their profiles, the last
//! message, and the outreach sequence. The API has no message endpoint.

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

use crate::common::{
    bad_request, bearer, cursor_offset, invalid_key, latest_instant, limit, page, timestamp,
};
use crate::http::{SimRequest, SimResponse};
use crate::later::{Day, Later, Start, Streams};
use crate::rng::Rng;
use crate::text;

pub const VALID_KEY: &str = "tth_sim_0123456789abcdef";

const MAX_LIMIT: usize = 25;
const DEFAULT_LIMIT: usize = 10;
const ACCOUNT_NAMES: [&str; 2] = ["Camille Martin (Sales)", "Growth team · Zoë"];
const PARTICIPANT_TAGS: &[&str] = &["prospect", "customer", "partner", "investor", "hot lead"];
const REPLIES: &[&str] = &[
    "Merci pour votre message, je reviens vers vous.",
    "Sounds good, let's talk Tuesday.",
    "Pas intéressé, merci.",
];
/// What the connected account answers to a reply, in the later world.
const ANSWERS: &[&str] = &[
    "Avec plaisir, je vous envoie une invitation.",
    "Great, I'll send over a calendar invite.",
];

#[derive(Debug, Clone, PartialEq)]
pub struct Participant {
    pub contact_id: String,
    /// The connected account's own profile: ignored by the tag filter.
    pub is_self: bool,
    /// Tags the filter matches; the API does not return them.
    pub tags: Vec<&'static str>,
    pub json: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    pub id: String,
    pub last_message_at: DateTime<Utc>,
    pub participants: Vec<Participant>,
    pub json: Value,
}

impl Conversation {
    pub fn to_json(&self) -> Value {
        self.json.clone()
    }
}

#[derive(Debug, Clone)]
pub struct Dataset {
    /// Most recent activity first, as the API lists them.
    pub conversations: Vec<Conversation>,
    /// In the later world, the day its changes fall in.
    pub later_day: Option<Day>,
}

impl Dataset {
    /// `count` conversations active in the 60 days before `anchor`, and with `later`, the day
    /// after everything they hold (see `Later`): their sequences' steps are scheduled days ahead,
    /// past the anchor, so the later day starts after the last of those.
    pub fn generate(seed: u64, count: usize, anchor: DateTime<Utc>, later: Option<Later>) -> Self {
        let root = Rng::new(seed).fork(0x5454_4855); // "TTHU"
        let accounts: Vec<Value> = (0..2)
            .map(|index| {
                let mut rng = root.fork(500 + index);
                json!({
                    "account_id": format!("acc_{}", rng.hex(12)),
                    "display_name": ACCOUNT_NAMES[index as usize],
                    "provider_account_id": format!("li_{}", rng.hex(10)),
                    "owner_user_id": format!("usr_{}", rng.hex(8)),
                })
            })
            .collect();
        let mut conversations: Vec<Conversation> = (0..count)
            .map(|index| {
                generate(
                    &mut root.fork(index as u64),
                    index,
                    Start::Before(anchor),
                    &accounts,
                )
            })
            .collect();
        let later_day = later.map(|later| {
            let latest = conversations
                .iter()
                .filter_map(|c| latest_instant(&c.json))
                .max();
            let day = Day::after(anchor, latest);
            add_the_day(&mut conversations, &root, day, later, &accounts);
            day
        });
        // Most recent activity first: in the later world, what moved during the day leads.
        conversations.sort_by(|a, b| {
            b.last_message_at
                .cmp(&a.last_message_at)
                .then_with(|| a.id.cmp(&b.id))
        });
        Dataset {
            conversations,
            later_day,
        }
    }

    pub fn to_full_json(&self) -> Value {
        Value::Array(
            self.conversations
                .iter()
                .map(Conversation::to_json)
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
    accounts: &[Value],
) {
    let streams = Streams::new(root);
    for index in later.changed_indices(conversations.len()) {
        add_messages(
            &mut conversations[index],
            &mut streams.extra_messages(index),
            day,
        );
    }
    let existing = conversations.len();
    for number in 0..later.new_conversations {
        // A conversation here is its last message: nothing to fit but that instant.
        let start = streams.new_conversation_start(number, day, Duration::zero());
        conversations.push(generate(
            &mut streams.new_conversation(number),
            existing + number,
            Start::At(start),
            accounts,
        ));
    }
}

/// One or two messages during the day. The API shows only the last one, so what changes is
/// `last_message_at`, `last_message_text` and `current_state`: `replied` when the prospect wrote
/// last, `awaiting_reply` when the account answered them.
fn add_messages(conversation: &mut Conversation, rng: &mut Rng, day: Day) {
    let mut at = day.start + Duration::seconds(rng.range(60, 20 * 3_600) as i64);
    let mut text = *rng.pick(REPLIES);
    let mut state = "replied";
    if rng.chance(50) {
        at += Duration::seconds(rng.range(60, 3 * 3_600) as i64);
        text = *rng.pick(ANSWERS);
        state = "awaiting_reply";
    }
    debug_assert!(day.contains(at));
    conversation.last_message_at = at;
    conversation.json["last_message_at"] = json!(timestamp(at));
    conversation.json["last_message_text"] = json!(text);
    conversation.json["current_state"] = json!(state);
}

fn participant(rng: &mut Rng, index: usize, is_self: bool) -> Participant {
    let first = *rng.pick(&["Zoë", "Jean-Éric", "Ana", "Li", "Mohammed", "=Bob"]);
    let last = *rng.pick(&[
        "Lefèvre",
        "O'Brien",
        "Souza",
        "Wang",
        "Haddad",
        "Smith, Jr.",
    ]);
    let contact_id = (100 + index as u64 * 7 + rng.below(5)).to_string();
    let mut tags = Vec::new();
    if !is_self {
        tags.push(*rng.pick(PARTICIPANT_TAGS));
    }
    let handle = format!(
        "{}-{}",
        first.to_lowercase().replace(['=', 'ë', 'é'], "e"),
        rng.hex(4)
    );
    let mut json = json!({
        "contact_id": contact_id,
        "provider_participant_id": format!("urn:li:person:{}", rng.hex(10)),
        "name": format!("{first} {last}"),
        "account_relationship_id": format!("rel_{}", rng.hex(8)),
        "public_identifier": handle,
        "first_name": first,
        "last_name": last,
        "headline": rng.pick(&["Head of Growth @ Acme", "CEO, \"Quotes\" & Co", "Directrice marketing — Lyon", "+1 sales hacker"]).to_string(),
        "primary_role_title": rng.pick(&["Head of Growth", "CEO", "Directrice marketing", "Founder"]).to_string(),
        "primary_company_name": rng.pick(&["Acme", "Quotes & Co", "Société Générale de Tests", "Widgets, Inc."]).to_string(),
        "linkedin_url": format!("https://www.linkedin.com/in/{handle}"),
    });
    // Optional fields are sometimes absent.
    if rng.chance(70) {
        json["avatar_url"] = json!(format!(
            "https://media.example.com/avatars/{}.jpg",
            rng.hex(8)
        ));
    }
    Participant {
        contact_id,
        is_self,
        tags,
        json,
    }
}

fn generate(rng: &mut Rng, index: usize, start: Start, accounts: &[Value]) -> Conversation {
    let last_message_at = match start {
        Start::Before(anchor) => anchor - Duration::seconds(rng.range(600, 60 * 86_400) as i64),
        Start::At(at) => at,
    };
    let is_group = rng.chance(15);
    let mut participants = vec![participant(&mut rng.fork(1), 0, true)];
    for extra in 0..if is_group { 3 } else { 1 } {
        participants.push(participant(
            &mut rng.fork(10 + extra),
            index * 3 + extra as usize + 1,
            false,
        ));
    }
    let id = format!("tth_{}", rng.hex(16));
    let last_message_text = if index < text::HOSTILE.len() {
        text::HOSTILE[index].to_string()
    } else {
        rng.pick(REPLIES).to_string()
    };
    let sequence = (!is_group && rng.chance(70)).then(|| {
        let steps: Vec<Value> = (0..rng.range(1, 4))
            .map(|position| {
                let done = position == 0 || rng.chance(50);
                json!({
                    "step_id": format!("stp_{}", rng.hex(8)),
                    "step_type": if position == 0 { "connection_request" } else { "message" },
                    "trigger_type": if position == 0 { "immediate" } else { "delay" },
                    "position": position,
                    "message_mode": rng.pick(&["template", "ai_personalized"]).to_string(),
                    "state": if done { "sent" } else { "scheduled" },
                    "template_run_public_id": format!("tr_{}", rng.hex(8)),
                    "scheduled_for": timestamp(last_message_at + Duration::days(position as i64 * 3)),
                })
            })
            .collect();
        let next = steps.iter().find(|step| step["state"] == "scheduled").cloned();
        json!({
            "sequence_id": format!("seq_{}", rng.hex(8)),
            "status": if next.is_some() { "active" } else { "completed" },
            "stop_if_person_replies": rng.chance(80),
            "steps": steps,
            "reply_guard_after": timestamp(last_message_at + Duration::hours(12)),
            "next_step_id": next.as_ref().map(|s| s["step_id"].clone()).unwrap_or(Value::Null),
            "next_step_scheduled_for": next.as_ref().map(|s| s["scheduled_for"].clone()).unwrap_or(Value::Null),
        })
    });
    let mut json = json!({
        "conversation_id": id,
        "account": accounts[rng.below(accounts.len() as u64) as usize].clone(),
        "is_group": is_group,
        "participants": participants.iter().map(|p| p.json.clone()).collect::<Vec<_>>(),
        "app_url": format!("https://app.talktohumans.app/inbox/{id}"),
        "last_message_text": last_message_text,
        "last_message_at": timestamp(last_message_at),
        "current_state": rng.pick(&["awaiting_reply", "replied", "sequence_running", "closed"]).to_string(),
        "sequence": sequence.unwrap_or(Value::Null),
    });
    if is_group || rng.chance(60) {
        json["title"] = json!(if is_group {
            "Intro: Acme × Quotes & Co"
        } else {
            "Suivi de la démo"
        });
    }
    // Now and then an empty title rather than none: the app must name those too.
    if index % 13 == 5 {
        json["title"] = json!("");
    }
    Conversation {
        id,
        last_message_at,
        participants,
        json,
    }
}

pub fn respond(data: &Dataset, request: &SimRequest) -> SimResponse {
    match bearer(request) {
        Ok(VALID_KEY) => {}
        Ok(_) => return invalid_key(),
        Err(response) => return response,
    }
    match request.segments().as_slice() {
        ["v1", "conversations"] if request.method == "GET" => list(data, request),
        _ => crate::common::not_found(),
    }
}

fn list(data: &Dataset, request: &SimRequest) -> SimResponse {
    let contact = request.param("contact_id");
    if let Some(contact) = contact {
        let valid = contact.starts_with(|c: char| ('1'..='9').contains(&c))
            && contact.bytes().all(|b| b.is_ascii_digit());
        if !valid {
            return bad_request("contact_id", "must match ^[1-9][0-9]*$");
        }
    }
    let tag = request.param("tag").filter(|tag| !tag.is_empty());
    let (limit, offset) = match (
        limit(request, DEFAULT_LIMIT, MAX_LIMIT, true),
        cursor_offset(request),
    ) {
        (Ok(limit), Ok(offset)) => (limit, offset),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let matching: Vec<&Conversation> = data
        .conversations
        .iter()
        .filter(|c| contact.is_none_or(|id| c.participants.iter().any(|p| p.contact_id == id)))
        .filter(|c| {
            tag.is_none_or(|tag| {
                c.participants
                    .iter()
                    .any(|p| !p.is_self && p.tags.contains(&tag))
            })
        })
        .collect();
    let (items, next) = page(&matching, offset, limit);
    SimResponse::json(
        200,
        &json!({
            "data": {
                "conversations": items.iter().map(|c| c.to_json()).collect::<Vec<_>>(),
                "pagination": { "limit": limit, "has_more": next.is_some(), "next_cursor": next },
            }
        }),
    )
}
