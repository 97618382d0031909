//! Mindo (`vendor-docs/mindo.md`): a message export as an NDJSON stream, read line by line as it
//! arrives. A range longer than 31 days is split into consecutive windows (`from` inclusive,
//! `to` exclusive: no gap, no overlap). Messages are grouped into conversations by
//! `conversation_id`. `occurred_at` carries no time zone: it is read as UTC.

use chrono::{Duration, SecondsFormat};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use super::fields::{parse_timestamp, Fields};
use super::spec::DateRange;
use super::{
    malformed, object_of, Auth, BodyFormat, Call, Choice, Connector, ExportQuery, FieldError,
    FilterKind, FilterSpec, Line, MapContext, Pagination, Step, Task, Update, VendorId, VendorSpec,
};
use crate::error::{ErrorKind, ErrorRule, FetchError, VendorComplaint};
use crate::model::{
    Attachment, AuthorRole, Classification, Contact, Conversation, Message, Timestamp, ToolCall,
    Warning,
};

/// The documented maximum rows per request.
const PAGE_SIZE: u32 = 10_000;
/// The documented maximum range per request.
pub const MAX_WINDOW_DAYS: i64 = 31;

/// `42` or `42,57`: whole numbers separated by commas.
pub fn check_id_list(value: &str) -> Result<(), String> {
    let valid = value
        .split(',')
        .map(str::trim)
        .all(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()));
    if valid {
        Ok(())
    } else {
        Err("Use a number like 42, or several separated by commas, like 42,57.".into())
    }
}

pub static SPEC: VendorSpec = VendorSpec {
    id: VendorId::Mindo,
    slug: "mindo",
    name: "Mindo",
    default_base_url: Some("https://api.mindosoftware.com/api/v1"),
    auth: Auth::Header("X-API-Key"),
    key_prefixes: &["mindo_global_", "mindo_"],
    key_placeholder: "mindo_… or mindo_global_…",
    filters: &[
        FilterSpec::new(
            "company_id",
            "Company ID",
            "Your company's number, like 42; several separated by commas (a global key can read them all).",
            FilterKind::Checked(check_id_list),
        )
        .required(),
        FilterSpec::new(
            "from",
            "From",
            "Messages sent at or after this date (00:00 UTC) or date and time. Ranges over 31 days are split automatically.",
            FilterKind::Instant,
        )
        .required(),
        FilterSpec::new(
            "to",
            "To (not included)",
            "Messages sent before this date (00:00 UTC) or date and time.",
            FilterKind::Instant,
        )
        .required(),
        FilterSpec::new(
            "channel",
            "Channel",
            "The messaging platform.",
            FilterKind::Choice(&[
                Choice { value: "all", label: "All channels" },
                Choice { value: "whatsapp", label: "WhatsApp" },
                Choice { value: "instagram", label: "Instagram" },
                Choice { value: "messenger", label: "Messenger" },
            ]),
        )
        .default("all"),
        FilterSpec::new(
            "agent_id",
            "AI agent ID",
            "Only messages written by this AI agent (a number, or several separated by commas).",
            FilterKind::Checked(check_id_list),
        ),
        FilterSpec::new(
            "direction",
            "Direction",
            "Messages from contacts (incoming), to them (outgoing), or both.",
            FilterKind::Choice(&[
                Choice { value: "all", label: "Both directions" },
                Choice { value: "incoming", label: "Incoming" },
                Choice { value: "outgoing", label: "Outgoing" },
            ]),
        )
        .default("all"),
        FilterSpec::new(
            "include",
            "Include",
            "Extra fields for each message. With nothing ticked, Mindo still sends classifications (its default).",
            FilterKind::Multi(&[
                Choice { value: "classifications", label: "Classifications" },
                Choice { value: "extractions", label: "Extractions" },
                Choice { value: "tool_calls", label: "Tool calls" },
                Choice { value: "trace_id", label: "Trace ID" },
            ]),
        )
        .default("classifications"),
    ],
    page_size: PAGE_SIZE,
    pagination: Pagination::NdjsonSentinel,
    body: BodyFormat::Ndjson,
    parallel_requests: true,
    errors: &[
        ErrorRule {
            status: 400,
            code: None,
            kind: ErrorKind::Rejected,
            message: "Mindo refused one of the filters. Check them, then fetch again.",
        },
        ErrorRule {
            status: 401,
            code: None,
            kind: ErrorKind::Unauthorized,
            message: "Mindo did not accept this API key. Check that you pasted the whole key (it starts with mindo_ or mindo_global_), then fetch again.",
        },
        ErrorRule {
            status: 403,
            code: None,
            kind: ErrorKind::Forbidden,
            message: "This Mindo key may not read one of these companies. Use only your company's ID, or a global key (mindo_global_…).",
        },
    ],
    transcript_note: None,
    date_range: Some(DateRange { from: "from", to: "to", to_inclusive: false }),
};

/// `[from, to)` cut into consecutive windows of at most 31 days.
pub fn windows(from: Timestamp, to: Timestamp) -> Vec<(Timestamp, Timestamp)> {
    let mut windows = Vec::new();
    let mut start = from;
    while start < to {
        let end = (start + Duration::days(MAX_WINDOW_DAYS)).min(to);
        windows.push((start, end));
        start = end;
    }
    windows
}

fn range(query: &ExportQuery) -> Option<(Timestamp, Timestamp)> {
    Some((
        parse_timestamp(query.filter("from"))?,
        parse_timestamp(query.filter("to"))?,
    ))
}

fn iso(at: Timestamp) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn window_label(from: Timestamp, to: Timestamp) -> String {
    format!(
        "{} – {}",
        from.format("%Y-%m-%d %H:%M"),
        to.format("%Y-%m-%d %H:%M")
    )
}

fn page_task(call: Call, window: u32, page: u32, label: &str) -> Task {
    Task {
        call,
        label: format!("window {} ({label}), page {}", window + 1, page + 1),
        step: Step::List { window, page },
        once_key: None,
    }
}

/// A sentinel or error line; ordinary rows have neither field.
#[derive(Deserialize)]
struct Control {
    #[serde(rename = "_truncated", default)]
    truncated: Option<bool>,
    #[serde(default)]
    next_cursor: Option<String>,
    #[serde(rename = "_error", default)]
    error: Option<Value>,
}

pub struct Mindo;

impl Connector for Mindo {
    fn spec(&self) -> &'static VendorSpec {
        &SPEC
    }

    fn validate(&self, query: &ExportQuery) -> Vec<FieldError> {
        match range(query) {
            Some((from, to)) if to <= from => {
                vec![FieldError::new("to", "This must be later than \"From\".")]
            }
            _ => Vec::new(),
        }
    }

    fn plan(&self, query: &ExportQuery) -> Vec<Task> {
        let Some((from, to)) = range(query) else {
            return Vec::new();
        };
        let includes = match query.filter("include") {
            "none" => "",
            chosen => chosen,
        };
        windows(from, to)
            .into_iter()
            .enumerate()
            .map(|(window, (start, end))| {
                let params = vec![
                    (
                        "company_id".to_string(),
                        query.filter("company_id").replace(' ', ""),
                    ),
                    ("from".to_string(), iso(start)),
                    ("to".to_string(), iso(end)),
                    ("channel".to_string(), query.filter("channel").to_string()),
                    (
                        "agent_id".to_string(),
                        query.filter("agent_id").replace(' ', ""),
                    ),
                    (
                        "direction".to_string(),
                        query.filter("direction").to_string(),
                    ),
                    ("include".to_string(), includes.to_string()),
                    ("limit".to_string(), PAGE_SIZE.to_string()),
                ];
                let call = Call::new(&query.base_url, "/qualitative-export/messages", params);
                page_task(call, window as u32, 0, &window_label(start, end))
            })
            .collect()
    }

    fn windows(&self, query: &ExportQuery) -> Vec<String> {
        range(query)
            .map(|(from, to)| {
                windows(from, to)
                    .into_iter()
                    .map(|(a, b)| window_label(a, b))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn read_line(&self, task: &Task, line: &str) -> Result<Line, FetchError> {
        let line = line.trim();
        if line.is_empty() {
            return Ok(Line::Skip);
        }
        let raw: Box<RawValue> = serde_json::from_str(line).map_err(|error| {
            malformed(
                SPEC.name,
                &task.label,
                format!("A line is not JSON: {error}"),
            )
        })?;
        // Only lines that mention the control fields are checked for them.
        if line.contains("\"_truncated\"") || line.contains("\"_error\"") {
            if let Ok(control) = serde_json::from_str::<Control>(line) {
                if let Some(error) = control.error {
                    let complaint =
                        VendorComplaint::from_value(&serde_json::json!({ "_error": error }));
                    let reason = complaint
                        .message
                        .clone()
                        .unwrap_or_else(|| "no message".into());
                    return Err(FetchError::new(
                        ErrorKind::Server,
                        format!("Mindo stopped sending in the middle of a page and said: {reason}. The rows received so far are kept; press Resume to try again."),
                        format!("An _error line in the stream\ncode: {}\nmessage: {reason}", complaint.code.unwrap_or_default()),
                    ));
                }
                if control.truncated == Some(true) {
                    return match control.next_cursor.filter(|c| !c.is_empty()) {
                        Some(cursor) => Ok(Line::Next(cursor)),
                        None => Err(malformed(
                            SPEC.name,
                            &task.label,
                            "a _truncated line without next_cursor",
                        )),
                    };
                }
            }
        }
        Ok(Line::Record(raw))
    }

    fn after_lines(&self, task: &Task, next_cursor: Option<String>) -> Vec<Task> {
        let (Some(cursor), Step::List { window, page }) = (next_cursor, &task.step) else {
            return Vec::new();
        };
        if task.call.param("cursor") == Some(cursor.as_str()) {
            // The same cursor again would loop forever; reading it as the end is the safe side,
            // and the window's progress shows where it stopped.
            return Vec::new();
        }
        let label = task
            .label
            .split(" (")
            .nth(1)
            .and_then(|rest| rest.split(')').next())
            .unwrap_or("");
        vec![page_task(
            task.call.with_param("cursor", &cursor),
            *window,
            page + 1,
            label,
        )]
    }

    fn map(
        &self,
        task: &Task,
        records: Vec<Box<RawValue>>,
        context: &mut MapContext<'_>,
    ) -> Vec<Update> {
        let first_record = context.first_record;
        records
            .into_iter()
            .enumerate()
            .map(|(index, raw)| {
                map_row(
                    raw,
                    &format!("{}, line {}", task.label, first_record + index + 1),
                    context.warnings,
                )
            })
            .collect()
    }
}

fn map_row(raw: Box<RawValue>, place: &str, warnings: &mut Vec<Warning>) -> Update {
    let object = object_of(&raw, place, warnings);
    let mut fields = Fields::new(object, place, warnings);
    let id = fields.string("message_id").unwrap_or_default();
    if !id.is_empty() {
        fields.set_record(&id);
    }
    let conversation_id = fields
        .string("conversation_id")
        .unwrap_or_else(|| format!("missing-conversation ({place})"));
    let sent_at = fields.time("occurred_at");
    let channel = fields.string("channel");
    let direction = fields.string("direction");
    let (author_type, author_id, author_name) = fields
        .object("author")
        .map(|author| {
            fields.nested(author, "author", |f| {
                (f.string("type"), f.string("id"), f.string("display_name"))
            })
        })
        .unwrap_or_default();
    let mut message = Message {
        id,
        role: match author_type.as_deref() {
            Some("contact") => AuthorRole::Customer,
            Some("agent") => AuthorRole::Assistant,
            Some("operator") => AuthorRole::Operator,
            Some("system") => AuthorRole::System,
            _ => AuthorRole::Unknown,
        },
        vendor_role: author_type.clone(),
        author_id: author_id.clone(),
        author_name,
        sent_at,
        channel: channel.clone(),
        direction,
        ..Default::default()
    };
    if let Some(content) = fields.object("content") {
        fields.nested(content, "content", |f| {
            message.kind = f.string("type");
            message.text = f.string("text").unwrap_or_default();
            let url = f.string("media_url");
            let mime = f.string("media_mime");
            if url.is_some() || mime.is_some() {
                message.attachments.push(Attachment {
                    url,
                    mime_type: mime,
                    kind: message.kind.clone(),
                    ..Default::default()
                });
            }
        });
    }
    message.classifications = fields.each("classifications", |f, _| Classification {
        label: f.string("label").unwrap_or_default(),
        value: f.string("value"),
    });
    let tool_calls: Vec<ToolCall> = fields.each("tool_calls", |f, _| ToolCall {
        message_id: Some(message.id.clone()),
        name: f.string("name").unwrap_or_default(),
        arguments: f.take("arguments").or_else(|| f.take("args")),
        result: f.take("result"),
        at: sent_at,
        extras: f.take_extras(),
    });
    // What the message says about its conversation: company, channel, contact and time.
    let mut shell = Conversation {
        id: conversation_id,
        vendor: SPEC.slug,
        channel,
        started_at: sent_at,
        last_message_at: sent_at,
        tool_calls,
        contact: (author_type.as_deref() == Some("contact")).then(|| Contact {
            id: author_id,
            ..Default::default()
        }),
        ..Default::default()
    };
    if let Some(metadata) = fields.take("metadata") {
        for key in ["company_id", "client_id"] {
            if let Some(value) = metadata.get(key).filter(|v| !v.is_null()) {
                shell.extras.insert(key, value);
            }
        }
        message.extras.insert("metadata", &metadata);
    }
    // `agent`, `context`, `extractions` and `trace_id` stay with the message, whole.
    message.extras.extend(fields.into_extras());
    message.raw = Some(raw);
    Update::Loose {
        shell: Box::new(shell),
        message: Box::new(message),
    }
}
