//! Mindo's qualitative export (`vendor-docs/mindo.md`): messages as an NDJSON stream, over
//! synthetic data, with the documented limits (31-day range, 10,000 rows) and sentinel lines.
//!
//! In the later world (`Later`), some conversations gained messages during the day after every
//! original row (slow replies come days after the anchor) and some are new: new rows, in their
//! place in the export's order.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde_json::{json, Value};

use crate::common::{bad_request, cursor_offset, header_key, invalid_key, limit, not_found, page};
use crate::http::{SimRequest, SimResponse};
use crate::later::{Day, Later, Start, Streams, FIRST_EXTRA_MESSAGE_SECONDS};
use crate::rng::Rng;
use crate::text;

/// A global key: every company.
pub const GLOBAL_KEY: &str = "mindo_global_sim_0123456789abcdef";
/// A key scoped to company 42.
pub const COMPANY_KEY: &str = "mindo_sim42_0123456789abcdef";
pub const COMPANIES: &[u64] = &[42, 57];

const MAX_LIMIT: usize = 10_000;
const DEFAULT_LIMIT: usize = 5_000;
const MAX_RANGE_DAYS: i64 = 31;
const INCLUDES: &[&str] = &["classifications", "extractions", "tool_calls", "trace_id"];
const CHANNELS: &[(&str, &str)] = &[
    ("META_WHATSAPP", "whatsapp"),
    ("WHATSAPP_EVOLUTION", "whatsapp"),
    ("MANYCHAT_WHATSAPP", "whatsapp"),
    ("INSTAGRAM", "instagram"),
    ("MANYCHAT_INSTAGRAM", "instagram"),
    ("MESSENGER", "messenger"),
];
const AGENTS: &[(u64, &str)] = &[(5, "Sofia"), (12, "Léo \"Support\" Bot")];

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub occurred_at: DateTime<Utc>,
    pub company_id: u64,
    /// The filter's channel group: whatsapp, instagram or messenger.
    pub channel_group: &'static str,
    pub agent_id: Option<u64>,
    pub outbound: bool,
    /// Every optional field present; `to_json` removes what was not asked for.
    pub json: Value,
}

impl Message {
    pub fn id(&self) -> &str {
        self.json["message_id"].as_str().unwrap_or_default()
    }

    /// The line as the API sends it with these `include` options.
    pub fn to_json(&self, includes: &[&str]) -> Value {
        let mut json = self.json.clone();
        let object = json.as_object_mut().expect("a message is an object");
        for option in INCLUDES {
            if !includes.contains(option) {
                object.remove(*option);
            }
        }
        json
    }
}

#[derive(Debug, Clone)]
pub struct Dataset {
    /// Oldest first, the export's order.
    pub messages: Vec<Message>,
    /// In the later world, the day its new rows fall in.
    pub later_day: Option<Day>,
}

impl Dataset {
    /// `conversations` conversations, a handful of messages each, in the 90 days before `anchor`
    /// (a slow reply may come days after it), and with `later`, the day after all of them (see
    /// `Later`).
    pub fn generate(
        seed: u64,
        conversations: usize,
        anchor: DateTime<Utc>,
        later: Option<Later>,
    ) -> Self {
        let root = Rng::new(seed).fork(0x4D49_4E44); // "MIND"
        let mut messages = Vec::new();
        let threads: Vec<Thread> = (0..conversations)
            .map(|index| {
                generate_conversation(
                    &mut root.fork(index as u64),
                    index,
                    Start::Before(anchor),
                    Pace::Original,
                    &mut messages,
                )
            })
            .collect();
        let later_day = later.map(|later| {
            // Every row's instant is its `occurred_at` (`metadata.exported_at` is the export
            // file's, one constant, not when anything happened).
            let latest = messages.iter().map(|m| m.occurred_at).max();
            let day = Day::after(anchor, latest);
            add_the_day(&threads, &root, day, later, &mut messages);
            day
        });
        messages.sort_by(|a, b| {
            a.occurred_at
                .cmp(&b.occurred_at)
                .then_with(|| a.id().cmp(b.id()))
        });
        Dataset {
            messages,
            later_day,
        }
    }

    /// Every message with every optional field: the ground truth.
    pub fn to_full_json(&self) -> Value {
        Value::Array(self.messages.iter().map(|m| m.json.clone()).collect())
    }
}

fn naive(at: DateTime<Utc>) -> String {
    at.naive_utc().format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

/// What a conversation's next message needs to know of it: who is in it, where, and where it
/// stopped.
#[derive(Debug, Clone)]
struct Thread {
    /// The conversation's generation index.
    index: usize,
    company_id: u64,
    client_id: String,
    conversation_id: String,
    contact_id: String,
    channel: &'static str,
    channel_group: &'static str,
    agent: (u64, &'static str),
    /// Messages so far.
    turns: usize,
    /// The last message's id and time.
    last_message_id: Option<String>,
    last_at: DateTime<Utc>,
}

/// How far apart a conversation's messages may be.
#[derive(Debug, Clone, Copy)]
enum Pace {
    /// Some replies come a day or more later, so conversations span date windows.
    Original,
    /// A conversation that starts during the later world's day fits in it: a slow reply takes
    /// an hour at most.
    WithinTheDay,
}

impl Pace {
    fn gap_seconds(self, rng: &mut Rng) -> i64 {
        let slow = match self {
            Pace::Original => (86_400, 5 * 86_400),
            Pace::WithinTheDay => (600, 3_600),
        };
        (if rng.chance(10) {
            rng.range(slow.0, slow.1)
        } else {
            rng.range(5, 900)
        }) as i64
    }
}

/// The later `day`: some conversations gained messages, and new ones started.
fn add_the_day(threads: &[Thread], root: &Rng, day: Day, later: Later, out: &mut Vec<Message>) {
    let streams = Streams::new(root);
    for index in later.changed_indices(threads.len()) {
        let rng = &mut streams.extra_messages(index);
        let mut thread = threads[index].clone();
        let (earliest, latest) = FIRST_EXTRA_MESSAGE_SECONDS;
        let mut at = day.start + Duration::seconds(rng.range(earliest, latest) as i64);
        at += Duration::microseconds(rng.below(1_000_000) as i64);
        for added in 0..rng.range(1, 2) {
            if added > 0 {
                at += Duration::seconds(rng.range(5, 900) as i64);
            }
            out.push(generate_message(rng, &mut thread, at));
        }
    }
    for number in 0..later.new_conversations {
        let index = threads.len() + number;
        let rng = streams.new_conversation(number);
        // Generated once at the day's start to learn how long it lasts, then where it fits in the
        // day: the same stream both times, so the same conversation.
        let probe = generate_conversation(
            &mut rng.clone(),
            index,
            Start::At(day.start),
            Pace::WithinTheDay,
            &mut Vec::new(),
        );
        // A second more than it lasts, to leave room for the start's microseconds: rows carry
        // them, as the original ones do (drawn apart from the content, which the probe shares).
        let span = probe.last_at - day.start + Duration::seconds(1);
        let micros = streams.new_conversation(number).fork(1).below(1_000_000);
        let start = streams.new_conversation_start(number, day, span)
            + Duration::microseconds(micros as i64);
        generate_conversation(
            &mut rng.clone(),
            index,
            Start::At(start),
            Pace::WithinTheDay,
            out,
        );
    }
}

/// Generates the conversation at `index` into `out`, and returns where it stopped.
fn generate_conversation(
    rng: &mut Rng,
    index: usize,
    start: Start,
    pace: Pace,
    out: &mut Vec<Message>,
) -> Thread {
    let company_id = COMPANIES[index % COMPANIES.len()];
    let client_id = format!("cmp_{}", Rng::new(company_id).hex(24));
    let conversation_id = format!("conv_{}", rng.hex(24));
    let contact_id = format!("ctc_{}", rng.hex(24));
    let (channel, channel_group) = CHANNELS[rng.below(CHANNELS.len() as u64) as usize];
    let agent = AGENTS[rng.below(AGENTS.len() as u64) as usize];
    let mut at = match start {
        Start::Before(anchor) => {
            let at = anchor - Duration::seconds(rng.range(3_600, 90 * 86_400) as i64);
            at + Duration::microseconds(rng.below(1_000_000) as i64)
        }
        Start::At(at) => at,
    };
    let mut thread = Thread {
        index,
        company_id,
        client_id,
        conversation_id,
        contact_id,
        channel,
        channel_group,
        agent,
        turns: 0,
        last_message_id: None,
        last_at: at,
    };
    for _ in 0..rng.range(1, 9) {
        at += Duration::seconds(pace.gap_seconds(rng));
        out.push(generate_message(rng, &mut thread, at));
    }
    thread
}

/// The thread's next message, sent at `at`.
fn generate_message(rng: &mut Rng, thread: &mut Thread, at: DateTime<Utc>) -> Message {
    let Thread {
        index,
        company_id,
        ref client_id,
        ref conversation_id,
        ref contact_id,
        channel,
        channel_group,
        agent,
        turns: turn,
        last_message_id: ref previous,
        ..
    } = *thread;
    let outbound = turn % 2 == 1;
    let by_operator = outbound && rng.chance(20);
    let by_agent = outbound && !by_operator;
    let message_id = format!("msg_{}", rng.hex(24));
    let text_value = if !outbound && (index + turn).is_multiple_of(4) {
        text::HOSTILE[(index / 4 + turn) % text::HOSTILE.len()].to_string()
    } else if outbound {
        rng.pick(text::ASSISTANT_LINES).to_string()
    } else {
        rng.pick(text::USER_LINES).to_string()
    };
    let media = !outbound && rng.chance(7);
    let author = if by_agent {
        json!({ "type": "agent", "id": format!("agt_{}", Rng::new(agent.0).hex(24)), "display_name": agent.1 })
    } else if by_operator {
        json!({ "type": "operator", "id": format!("op_{}", rng.hex(24)), "display_name": "Camille (équipe)" })
    } else {
        json!({ "type": "contact", "id": contact_id, "display_name": Value::Null })
    };
    let mut classifications = vec![
        json!({ "label": "Intent", "value": rng.pick(&["order_inquiry", "pricing", "complaint", "greeting"]).to_string() }),
    ];
    if rng.chance(30) {
        classifications.push(json!({ "label": "Sentiment", "value": rng.pick(&["positive", "negative", "neutral"]).to_string() }));
    }
    let json = json!({
        "message_id": message_id,
        "conversation_id": conversation_id,
        "occurred_at": naive(at),
        "channel": channel,
        "direction": if outbound { "outbound" } else { "inbound" },
        "author": author,
        "agent": if by_agent { json!({ "id": agent.0, "name": agent.1 }) } else { Value::Null },
        "content": {
            "type": if media { "image" } else { "text" },
            "text": if media { Value::Null } else { json!(text_value) },
            "media_url": if media { json!(format!("https://cdn.mindo.example/media/{}.jpg", rng.hex(12))) } else { Value::Null },
            "media_mime": if media { json!("image/jpeg") } else { Value::Null },
        },
        "context": {
            "reply_to_message_id": previous.clone().map(Value::String).unwrap_or(Value::Null),
            "thread_position": turn,
        },
        "metadata": {
            "client_id": client_id,
            "company_id": company_id,
            "exported_at": "2026-05-05T18:30:00.000000Z",
            "schema_version": "1.0",
        },
        "classifications": if outbound { json!([]) } else { json!(classifications) },
        "extractions": if outbound { json!([]) } else { json!([{ "field": "order_number", "value": format!("#{}", 10_000 + rng.below(90_000)) }]) },
        "tool_calls": if by_agent && rng.chance(50) {
            json!([{ "name": "lookup_order", "arguments": { "order": "#10452" }, "result": { "status": "shipped" } }])
        } else {
            json!([])
        },
        "trace_id": if by_agent { json!(rng.hex(32)) } else { Value::Null },
    });
    let message = Message {
        occurred_at: at,
        company_id,
        channel_group,
        agent_id: by_agent.then_some(agent.0),
        outbound,
        json,
    };
    thread.turns += 1;
    thread.last_message_id = Some(message_id);
    thread.last_at = at;
    message
}

/// Reads `from` / `to`: ISO 8601 with or without a zone (taken as UTC), or a bare date.
fn instant(text: &str) -> Option<DateTime<Utc>> {
    crate::humind::parse_instant(text).or_else(|| {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
            .ok()
            .map(|at| at.and_utc())
    })
}

fn id_list(request: &SimRequest, name: &str) -> Result<Option<Vec<u64>>, SimResponse> {
    match request.param(name).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(text) => text
            .split(',')
            .map(|part| part.trim().parse::<u64>())
            .collect::<Result<Vec<u64>, _>>()
            .map(Some)
            .map_err(|_| {
                bad_request(
                    name,
                    "expected an integer or a comma-separated list of integers",
                )
            }),
    }
}

pub fn respond(data: &Dataset, request: &SimRequest) -> SimResponse {
    let scope: Option<u64> = match header_key(request, "x-api-key") {
        Ok(GLOBAL_KEY) => None,
        Ok(COMPANY_KEY) => Some(42),
        Ok(_) => return invalid_key(),
        Err(response) => return response,
    };
    match request.segments().as_slice() {
        ["api", "v1", "qualitative-export", "messages"] if request.method == "GET" => {
            export(data, request, scope)
        }
        _ => not_found(),
    }
}

fn export(data: &Dataset, request: &SimRequest, scope: Option<u64>) -> SimResponse {
    let companies = match id_list(request, "company_id") {
        Ok(Some(companies)) => companies,
        Ok(None) => return bad_request("company_id", "required"),
        Err(response) => return response,
    };
    if let Some(allowed) = scope {
        if companies.iter().any(|company| *company != allowed) {
            return SimResponse::error(
                403,
                "FORBIDDEN",
                "This key is limited to another company.",
                Value::Null,
            );
        }
    }
    let (from, to) = match (
        request.param("from").map(instant),
        request.param("to").map(instant),
    ) {
        (None, _) => return bad_request("from", "required"),
        (_, None) => return bad_request("to", "required"),
        (Some(None), _) => return bad_request("from", "expected an ISO 8601 date-time"),
        (_, Some(None)) => return bad_request("to", "expected an ISO 8601 date-time"),
        (Some(Some(from)), Some(Some(to))) => (from, to),
    };
    if to <= from {
        return bad_request("to", "must be greater than from");
    }
    if to - from > Duration::days(MAX_RANGE_DAYS) {
        return bad_request("to", "the range may not exceed 31 days");
    }
    let channel = request.param("channel").unwrap_or("all");
    if !["all", "whatsapp", "instagram", "messenger"].contains(&channel) {
        return bad_request("channel", "expected whatsapp, instagram, messenger or all");
    }
    let direction = request.param("direction").unwrap_or("all");
    if !["all", "incoming", "outgoing"].contains(&direction) {
        return bad_request("direction", "expected incoming, outgoing or all");
    }
    let agents = match id_list(request, "agent_id") {
        Ok(agents) => agents,
        Err(response) => return response,
    };
    let includes: Vec<&str> = match request.param("include") {
        None => vec!["classifications"],
        Some(text) => text
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect(),
    };
    if let Some(unknown) = includes.iter().find(|option| !INCLUDES.contains(option)) {
        return bad_request("include", &format!("unknown option {unknown}"));
    }
    let (limit, offset) = match (
        limit(request, DEFAULT_LIMIT, MAX_LIMIT, false),
        cursor_offset(request),
    ) {
        (Ok(limit), Ok(offset)) => (limit, offset),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let matching: Vec<&Message> = data
        .messages
        .iter()
        .filter(|m| m.occurred_at >= from && m.occurred_at < to)
        .filter(|m| companies.contains(&m.company_id))
        .filter(|m| channel == "all" || m.channel_group == channel)
        .filter(|m| match direction {
            "incoming" => !m.outbound,
            "outgoing" => m.outbound,
            _ => true,
        })
        .filter(|m| {
            agents
                .as_ref()
                .is_none_or(|agents| m.agent_id.is_some_and(|id| agents.contains(&id)))
        })
        .collect();
    let (rows, next) = page(&matching, offset, limit);
    let mut lines: Vec<String> = rows
        .iter()
        .map(|m| m.to_json(&includes).to_string())
        .collect();
    if let Some(cursor) = next {
        lines.push(json!({ "_truncated": true, "next_cursor": cursor }).to_string());
    }
    SimResponse::ndjson(lines)
}
