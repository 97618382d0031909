//! The voice widget (`vendor-docs/voice-widget.md`): call transcripts with tool calls,
//! extracted data and acceptance criteria. Its documentation names no host, so the base URL is
//! required.
//!
//! The documentation shows the conversation object but not the list's envelope. The connector
//! reads `{"data": [...], "next_cursor": ...}` and also the common alternatives (`conversations`
//! or `items` for the list; `cursor`, `pagination.next_cursor` or `meta.next_cursor` for the
//! cursor; `has_more: false` ends the list), so an envelope that differs slightly still works.

use std::collections::BTreeMap;

use chrono::Duration;
use serde_json::value::RawValue;
use serde_json::Value;

use super::fields::{parse_timestamp, Fields};
use super::spec::DateRange;
use super::{
    malformed, object_of, Auth, BodyFormat, Call, Choice, Connector, ExportQuery, FieldError,
    FilterKind, FilterSpec, MapContext, Page, Pagination, Step, Task, Update, VendorId, VendorSpec,
};
use crate::error::{ErrorKind, ErrorRule, FetchError};
use crate::http::{Request, ResponseHead};
use crate::model::{AuthorRole, Conversation, Criterion, Message, ToolCall};

/// The documented maximum.
const PAGE_SIZE: u32 = 200;

/// Extraction is filled in "right after the call ends"; a completed call without it that ended
/// this recently is marked, not taken for one without extraction.
const EXTRACTION_GRACE_MINUTES: i64 = 5;

pub const EXTRACTION_PENDING: &str = "extraction_pending";

pub static SPEC: VendorSpec = VendorSpec {
    id: VendorId::VoiceWidget,
    slug: "voice-widget",
    name: "Voice widget",
    default_base_url: None,
    auth: Auth::Bearer,
    key_prefixes: &[],
    key_placeholder: "Your voice widget API key",
    filters: &[
        FilterSpec::new("widget_id", "Widget", "One widget's conversations, by its ID (wgt_…).", FilterKind::Text),
        FilterSpec::new(
            "since",
            "Started on or after",
            "A date such as 2026-04-01 (from 00:00 UTC) or a date and time; this moment is included.",
            FilterKind::Instant,
        ),
        FilterSpec::new(
            "until",
            "Started before",
            "A date such as 2026-05-01 (00:00 UTC) or a date and time; this moment is not included.",
            FilterKind::Instant,
        ),
        FilterSpec::new(
            "outcome",
            "Outcome",
            "How the call ended.",
            FilterKind::Choice(&[
                Choice { value: "", label: "Any outcome" },
                Choice { value: "completed", label: "Completed" },
                Choice { value: "abandoned", label: "Abandoned" },
                Choice { value: "error", label: "Error" },
            ]),
        ),
    ],
    page_size: PAGE_SIZE,
    pagination: Pagination::Cursor,
    body: BodyFormat::Json,
    parallel_requests: false,
    errors: &[
        ErrorRule {
            status: 400,
            code: None,
            kind: ErrorKind::Rejected,
            message: "The voice widget's API refused one of the filters. Check them, then fetch again.",
        },
        ErrorRule {
            status: 401,
            code: None,
            kind: ErrorKind::Unauthorized,
            message: "The voice widget's API did not accept this API key. Check that you pasted the whole key, then fetch again.",
        },
        ErrorRule {
            status: 404,
            code: None,
            kind: ErrorKind::NotFound,
            message: "Nothing was found at this address. Check the base URL: it is your voice widget account's API host, like https://voice.example.com.",
        },
    ],
    transcript_note: None,
    date_range: Some(DateRange { from: "since", to: "until", to_inclusive: false }),
};

fn list_task(call: Call, page: u32) -> Task {
    Task {
        call,
        label: format!("page {} of conversations", page + 1),
        step: Step::List { window: 0, page },
        once_key: None,
    }
}

fn conversation_path(id: &str) -> String {
    format!(
        "/api/v1/conversations/{}",
        crate::http::encode_component(id)
    )
}

/// The list and the next cursor, from the documented-by-example envelope or a near variant.
fn read_envelope(body: &[u8]) -> Result<(Vec<Box<RawValue>>, Option<String>), String> {
    if let Ok(list) = serde_json::from_slice::<Vec<Box<RawValue>>>(body) {
        return Ok((list, None));
    }
    let top: BTreeMap<String, Box<RawValue>> =
        serde_json::from_slice(body).map_err(|e| format!("The body is not a JSON object: {e}"))?;
    let records = ["data", "conversations", "items", "results"]
        .iter()
        .find_map(|key| {
            top.get(*key)
                .and_then(|raw| serde_json::from_str::<Vec<Box<RawValue>>>(raw.get()).ok())
        })
        .ok_or("no list of conversations under data, conversations, items or results")?;
    let value = |raw: &RawValue| serde_json::from_str::<Value>(raw.get()).unwrap_or(Value::Null);
    let text = |v: &Value| v.as_str().filter(|s| !s.is_empty()).map(str::to_owned);
    let mut cursor = ["next_cursor", "cursor", "nextCursor"]
        .iter()
        .find_map(|key| top.get(*key).map(|raw| value(raw)).as_ref().and_then(text));
    for container in ["pagination", "meta"] {
        if cursor.is_none() {
            if let Some(raw) = top.get(container) {
                let nested = value(raw);
                cursor = ["next_cursor", "cursor", "nextCursor"]
                    .iter()
                    .find_map(|key| text(&nested[*key]));
            }
        }
    }
    let has_more = top
        .get("has_more")
        .map(|raw| value(raw))
        .and_then(|v| v.as_bool());
    if has_more == Some(false) {
        cursor = None;
    }
    Ok((records, cursor))
}

pub struct VoiceWidget;

impl Connector for VoiceWidget {
    fn spec(&self) -> &'static VendorSpec {
        &SPEC
    }

    fn validate(&self, query: &ExportQuery) -> Vec<FieldError> {
        match (
            parse_timestamp(query.filter("since")),
            parse_timestamp(query.filter("until")),
        ) {
            (Some(since), Some(until)) if since >= until => vec![FieldError::new(
                "until",
                "This must be later than \"Started on or after\" (it is not included).",
            )],
            _ => Vec::new(),
        }
    }

    fn plan(&self, query: &ExportQuery) -> Vec<Task> {
        let mut params: Vec<(String, String)> = ["widget_id", "since", "until", "outcome"]
            .iter()
            .map(|name| (name.to_string(), query.filter(name).to_string()))
            .collect();
        params.push(("limit".into(), PAGE_SIZE.to_string()));
        vec![list_task(
            Call::new(&query.base_url, "/api/v1/conversations", params),
            0,
        )]
    }

    fn read_page(
        &self,
        task: &Task,
        _head: &ResponseHead,
        body: &[u8],
    ) -> Result<Page, FetchError> {
        let (_, page) = task.step.order();
        let (records, cursor) =
            read_envelope(body).map_err(|detail| malformed(SPEC.name, &task.label, detail))?;
        let mut next = Vec::new();
        if let Some(cursor) = cursor {
            if task.call.param("cursor") == Some(cursor.as_str()) {
                return Err(malformed(
                    SPEC.name,
                    &task.label,
                    "the next cursor repeats this page's cursor",
                ));
            }
            next.push(list_task(task.call.with_param("cursor", &cursor), page + 1));
        }
        Ok(Page {
            records,
            next,
            total: None,
        })
    }

    fn map(
        &self,
        task: &Task,
        records: Vec<Box<RawValue>>,
        context: &mut MapContext<'_>,
    ) -> Vec<Update> {
        let (_, page) = task.step.order();
        context.map_list_page(page, records, map_conversation)
    }

    fn conversation_request(&self, query: &ExportQuery, id: &str) -> Option<Request> {
        Some(Request::get(&query.base_url, &conversation_path(id), &[]))
    }

    fn read_conversation(
        &self,
        body: &[u8],
        context: &mut MapContext<'_>,
    ) -> Result<Conversation, FetchError> {
        let mut raw: Box<RawValue> = serde_json::from_slice(body).map_err(|error| {
            malformed(
                SPEC.name,
                "a conversation",
                format!("The body is not JSON: {error}"),
            )
        })?;
        // Some APIs wrap single objects in {"data": ...}.
        if let Ok(wrapped) = serde_json::from_str::<BTreeMap<String, Box<RawValue>>>(raw.get()) {
            if wrapped.len() == 1 {
                if let Some(inner) = wrapped
                    .into_values()
                    .next()
                    .filter(|inner| inner.get().starts_with('{'))
                {
                    raw = inner;
                }
            }
        }
        Ok(map_conversation(raw, "conversation", context))
    }

    fn transcript_request(&self, query: &ExportQuery, id: &str, format: &str) -> Option<Request> {
        self.transcript_formats().contains(&format).then(|| {
            let mut request = Request::get(
                &query.base_url,
                &format!("{}/transcript", conversation_path(id)),
                &[("format".into(), format.into())],
            );
            request.headers.retain(|(name, _)| name != "Accept");
            request
        })
    }

    fn transcript_formats(&self) -> &'static [&'static str] {
        &["txt", "md", "json"]
    }
}

fn map_conversation(raw: Box<RawValue>, place: &str, context: &mut MapContext<'_>) -> Conversation {
    let object = object_of(&raw, place, context.warnings);
    let had_extraction = object.get("extracted_data").is_some_and(|v| !v.is_null());
    let mut fields = Fields::new(object, place, context.warnings);
    let id = fields
        .string("id")
        .unwrap_or_else(|| format!("missing-id ({place})"));
    fields.set_record(&id);
    let mut conversation = Conversation {
        vendor: SPEC.slug,
        started_at: fields.time("started_at"),
        ended_at: fields.time("ended_at"),
        duration_seconds: fields.number("duration_seconds"),
        credits: fields.number("credits_charged"),
        url: fields.string("page_url"),
        status: fields.string("outcome"),
        extracted_data: fields.take("extracted_data"),
        ..Default::default()
    };
    conversation.messages = fields.each("transcript", |f, position| {
        let role = f.string("role");
        Message {
            position,
            role: match role.as_deref() {
                Some("agent") => AuthorRole::Assistant,
                Some("user") => AuthorRole::Customer,
                _ => AuthorRole::Unknown,
            },
            vendor_role: role,
            text: f.string("text").unwrap_or_default(),
            sent_at: f.time("ts"),
            extras: f.take_extras(),
            ..Default::default()
        }
    });
    conversation.tool_calls = fields.each("tool_calls", |f, _| ToolCall {
        message_id: None,
        name: f.string("name").unwrap_or_default(),
        arguments: f.take("args"),
        result: f.take("result"),
        at: f.time("ts"),
        extras: f.take_extras(),
    });
    for (name, result) in fields.object("criteria_results").unwrap_or_default() {
        match result {
            Value::Object(object) => {
                let path = format!("criteria_results.{name}");
                let criterion = fields.nested(object, &path, |f| Criterion {
                    passed: f.boolean("passed"),
                    reasoning: f.string("reasoning"),
                    name: name.clone(),
                });
                conversation.criteria.push(criterion);
            }
            other => fields.keep(
                &format!("criteria_results.{name}"),
                other,
                "an object with passed and reasoning",
            ),
        }
    }
    let recently_ended = conversation
        .ended_at
        .is_some_and(|ended| context.now - ended <= Duration::minutes(EXTRACTION_GRACE_MINUTES));
    if conversation.status.as_deref() == Some("completed") && !had_extraction && recently_ended {
        conversation.flags.push(EXTRACTION_PENDING.into());
    }
    // `widget_id` and `visitor` have no unified column: they stay in `extras`.
    conversation.id = id;
    conversation.extras = fields.into_extras();
    conversation.raw = Some(raw);
    conversation
}
