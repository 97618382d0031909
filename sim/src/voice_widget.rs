//! The voice widget's conversations API (`vendor-docs/voice-widget.md`), over synthetic data.
//!
//! The documentation shows the conversation object and the query parameters but not the list
//! envelope; the simulator answers `{"data": [...], "next_cursor": "..." | null}`, the shape the
//! connector expects first (it also reads a few common alternatives).
//!
//! A call is immutable once it ended, so in the later world (`Later`) no existing call changes:
//! the day brings new calls only, `changed_percent` of the existing count (the conversations
//! that would have gained messages at another vendor) plus `new_conversations`.

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Map, Value};

use crate::common::{
    bad_request, bearer, cursor_offset, invalid_key, latest_instant, limit, not_found, page,
    timestamp,
};
use crate::http::{SimRequest, SimResponse};
use crate::later::{Day, Later, Start, Streams};
use crate::rng::Rng;
use crate::text;

pub const VALID_KEY: &str = "vw_sim_0123456789abcdef";

const MAX_LIMIT: usize = 200;
const DEFAULT_LIMIT: usize = 50;
pub const WIDGETS: &[&str] = &["wgt_abc123", "wgt_def456", "wgt_xyz789"];
const OUTCOMES: &[&str] = &["completed", "abandoned", "error"];
/// The longest call, in seconds (its transcript always ends sooner).
const LONGEST_CALL_SECONDS: i64 = 600;

#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    pub id: String,
    pub widget_id: &'static str,
    pub started_at: DateTime<Utc>,
    pub outcome: &'static str,
    pub json: Value,
}

#[derive(Debug, Clone)]
pub struct Dataset {
    /// Newest first.
    pub conversations: Vec<Conversation>,
    /// In the later world, the day its new calls fall in.
    pub later_day: Option<Day>,
}

impl Dataset {
    /// `count` calls in the 90 days before `anchor`, and with `later`, the day after all of them
    /// (see `Later`).
    pub fn generate(seed: u64, count: usize, anchor: DateTime<Utc>, later: Option<Later>) -> Self {
        let root = Rng::new(seed).fork(0x564F_4943); // "VOIC"
        let mut conversations: Vec<Conversation> = (0..count)
            .map(|index| generate(&mut root.fork(index as u64), index, Start::Before(anchor)))
            .collect();
        let later_day = later.map(|later| {
            // Every instant a call holds: its start and end, its transcript's and tool calls'.
            let latest = conversations
                .iter()
                .filter_map(|c| latest_instant(&c.json))
                .max();
            let day = Day::after(anchor, latest);
            // A call that "changed" is a visitor calling again: a new call like the others.
            let new_calls = later.changed_count(count) + later.new_conversations;
            let streams = Streams::new(&root);
            let span = Duration::seconds(LONGEST_CALL_SECONDS);
            for number in 0..new_calls {
                let start = streams.new_conversation_start(number, day, span);
                conversations.push(generate(
                    &mut streams.new_conversation(number),
                    count + number,
                    Start::At(start),
                ));
            }
            day
        });
        conversations.sort_by(|a, b| {
            b.started_at
                .cmp(&a.started_at)
                .then_with(|| a.id.cmp(&b.id))
        });
        Dataset {
            conversations,
            later_day,
        }
    }

    pub fn to_full_json(&self) -> Value {
        Value::Array(self.conversations.iter().map(|c| c.json.clone()).collect())
    }
}

fn generate(rng: &mut Rng, index: usize, start: Start) -> Conversation {
    // The very first conversation ended a second before the anchor: its extraction is still
    // being filled in, as the documentation warns.
    let just_ended = index == 0 && matches!(start, Start::Before(_));
    let duration = rng.range(15, LONGEST_CALL_SECONDS as u64) as i64;
    let started_at = match start {
        Start::Before(anchor) if just_ended => anchor - Duration::seconds(duration + 1),
        Start::Before(anchor) => anchor - Duration::seconds(rng.range(3_600, 90 * 86_400) as i64),
        Start::At(at) => at,
    };
    let ended_at = started_at + Duration::seconds(duration);
    let outcome = if just_ended {
        "completed"
    } else {
        OUTCOMES[[0, 0, 0, 0, 0, 1, 1, 2][rng.below(8) as usize]]
    };
    let widget_id = WIDGETS[rng.below(WIDGETS.len() as u64) as usize];
    let mut at = started_at;
    let mut transcript = Vec::new();
    let mut tool_calls = Vec::new();
    let turns = if outcome == "error" {
        1
    } else {
        rng.range(2, 10) as usize
    };
    for turn in 0..turns {
        at += Duration::seconds(rng.range(2, 20) as i64);
        let (role, line) = if turn % 2 == 0 {
            (
                "agent",
                if turn == 0 {
                    "Hi! I'm Sam, how can I help?".to_string()
                } else {
                    rng.pick(text::ASSISTANT_LINES).to_string()
                },
            )
        } else if (turn == 1 && index < text::HOSTILE.len() * 2) || (index + turn) % 5 == 1 {
            // The first calls carry every hostile string once, then they recur.
            (
                "user",
                text::HOSTILE[(index + turn - 1) % text::HOSTILE.len()].to_string(),
            )
        } else {
            (
                "user",
                rng.pick(&[
                    "Do you cater vegan?",
                    "Quels sont vos horaires ?",
                    "I need a quote for 50 guests.",
                    "Can I book for June 15?",
                ])
                .to_string(),
            )
        };
        transcript.push(json!({ "role": role, "text": line, "ts": timestamp(at) }));
        if role == "agent" && turn > 0 && rng.chance(40) {
            let name = *rng.pick(&["search_site", "check_availability", "create_lead"]);
            tool_calls.push(json!({
                "name": name,
                "args": { "query": rng.pick(&["vegan catering", "june 15, 50 guests", "prix \"buffet\""]).to_string() },
                "result": rng.pick(&["Yes — our grilled veggie platter is fully vegan...", "Available.", "=ERROR()"]).to_string(),
                "ts": timestamp(at),
            }));
        }
    }
    let mut json = json!({
        "id": format!("conv_{}", rng.hex(10)),
        "widget_id": widget_id,
        "started_at": timestamp(started_at),
        "ended_at": timestamp(ended_at),
        "duration_seconds": duration,
        "credits_charged": duration,
        "page_url": format!("https://northwindcatering.example/{}", rng.pick(&["catering", "menus?lang=fr", "contact"])),
        "outcome": outcome,
        "visitor": {
            "ip_country": rng.pick(&["US", "FR", "CA"]).to_string(),
            "ip_region": rng.pick(&["CA", "IDF", "QC"]).to_string(),
            "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)",
        },
        "transcript": transcript,
        "tool_calls": tool_calls,
    });
    if outcome == "completed" && !just_ended {
        json["extracted_data"] = json!({
            "intent": rng.pick(&["catering_inquiry", "booking", "pricing"]).to_string(),
            "event_date": "2026-06-15",
            "guest_count": rng.range(10, 200),
        });
        let mut criteria = Map::new();
        criteria.insert(
            "answered_visitor_question".into(),
            json!({ "passed": rng.chance(80), "reasoning": "The agent answered with the menu details, in the visitor's language." }),
        );
        criteria.insert(
            "collected_contact_info".into(),
            json!({ "passed": rng.chance(40), "reasoning": "No email or phone was asked for; \"call me back\" was not handled." }),
        );
        json["criteria_results"] = Value::Object(criteria);
    } else if just_ended {
        json["extracted_data"] = Value::Null;
        json["criteria_results"] = Value::Null;
    }
    let id = json["id"].as_str().unwrap_or_default().to_string();
    Conversation {
        id,
        widget_id,
        started_at,
        outcome,
        json,
    }
}

pub fn respond(data: &Dataset, request: &SimRequest) -> SimResponse {
    match bearer(request) {
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
    match request.segments().as_slice() {
        ["api", "v1", "conversations"] => list(data, request),
        ["api", "v1", "conversations", id] => match data.conversations.iter().find(|c| c.id == *id)
        {
            Some(conversation) => SimResponse::json(200, &conversation.json),
            None => not_found(),
        },
        ["api", "v1", "conversations", id, "transcript"] => {
            match data.conversations.iter().find(|c| c.id == *id) {
                Some(conversation) => {
                    transcript(conversation, request.param("format").unwrap_or("txt"))
                }
                None => not_found(),
            }
        }
        _ => not_found(),
    }
}

fn instant(request: &SimRequest, name: &str) -> Result<Option<DateTime<Utc>>, SimResponse> {
    match request.param(name).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(text) => crate::humind::parse_instant(text)
            .map(Some)
            .ok_or_else(|| bad_request(name, "expected an ISO 8601 timestamp")),
    }
}

fn list(data: &Dataset, request: &SimRequest) -> SimResponse {
    let (since, until) = match (instant(request, "since"), instant(request, "until")) {
        (Ok(since), Ok(until)) => (since, until),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let outcome = request.param("outcome").filter(|o| !o.is_empty());
    if outcome.is_some_and(|o| !OUTCOMES.contains(&o)) {
        return bad_request("outcome", "expected completed, abandoned or error");
    }
    let widget = request.param("widget_id").filter(|w| !w.is_empty());
    let (limit, offset) = match (
        limit(request, DEFAULT_LIMIT, MAX_LIMIT, false),
        cursor_offset(request),
    ) {
        (Ok(limit), Ok(offset)) => (limit, offset),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let matching: Vec<&Conversation> = data
        .conversations
        .iter()
        .filter(|c| widget.is_none_or(|w| c.widget_id == w))
        .filter(|c| since.is_none_or(|t| c.started_at >= t))
        .filter(|c| until.is_none_or(|t| c.started_at < t))
        .filter(|c| outcome.is_none_or(|o| c.outcome == o))
        .collect();
    let (items, next) = page(&matching, offset, limit);
    SimResponse::json(
        200,
        &json!({ "data": items.iter().map(|c| c.json.clone()).collect::<Vec<_>>(), "next_cursor": next }),
    )
}

fn transcript(conversation: &Conversation, format: &str) -> SimResponse {
    let turns = conversation.json["transcript"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let speaker = |turn: &Value| {
        if turn["role"] == "agent" {
            "Agent"
        } else {
            "Visitor"
        }
    };
    let text = |turn: &Value| turn["text"].as_str().unwrap_or("").to_string();
    match format {
        "txt" => SimResponse::text(
            200,
            "text/plain; charset=utf-8",
            turns
                .iter()
                .map(|t| format!("{}: {}\n", speaker(t), text(t)))
                .collect(),
        ),
        "md" => SimResponse::text(
            200,
            "text/markdown; charset=utf-8",
            format!(
                "# Conversation {}\n\n{}",
                conversation.id,
                turns
                    .iter()
                    .map(|t| format!("**{}:** {}\n\n", speaker(t), text(t)))
                    .collect::<String>()
            ),
        ),
        "json" => SimResponse::json(
            200,
            &Value::Array(
                turns
                    .iter()
                    .map(|t| json!({ "speaker": speaker(t), "text": text(t), "ts": t["ts"] }))
                    .collect(),
            ),
        ),
        _ => bad_request("format", "expected txt, md or json"),
    }
}
