//! The voice widget (`vendor-docs/voice-widget.md`): call transcripts with tool calls,
//! extracted data and acceptance criteria. Its documentation names no host, so the base URL is
//! required.
//!
//! The documentation shows the conversation object but not the list's envelope. The spec reads
//! `{"data": [...], "next_cursor": ...}` and also the common alternatives (a bare list, or
//! `conversations`, `items` or `results`; `cursor`, `pagination.next_cursor` or
//! `meta.next_cursor` for the cursor; `has_more: false` ends the list), so an envelope that
//! differs slightly still works.

use std::collections::BTreeMap;
use std::fmt;

use chrono::Duration;
use serde_json::value::RawValue;

use super::fields::Fields;
use super::raw_object::RawObject;
use super::spec::{
    ChangeField, Changes, DateRange, Holds, ListOrder, ListSpec, Order, OrderBy, PageSize,
    Paginator, Selector, Stamp,
};
use super::{
    json_body, object_of, Auth, BodyFormat, Choice, Connector, ExportQuery, FilterKind, FilterSpec,
    MapContext, RecordAt, Update, VendorId, VendorSpec,
};
use crate::error::{ErrorKind, ErrorRule, Problem};
use crate::http::Request;
use crate::model::{AuthorRole, Conversation, Criterion, Flag, Message, ToolCall};

/// Extraction is filled in "right after the call ends"; a completed call without it that ended
/// this recently is marked, not taken for one without extraction.
const EXTRACTION_GRACE_MINUTES: i64 = 5;

const OUTCOMES: &[Choice] = &[
    Choice {
        value: "",
        label: "Any outcome",
    },
    Choice {
        value: "completed",
        label: "Completed",
    },
    Choice {
        value: "abandoned",
        label: "Abandoned",
    },
    Choice {
        value: "error",
        label: "Error",
    },
];

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
            FilterKind::Choice(OUTCOMES),
        ),
    ],
    fixed_params: &[],
    list: ListSpec {
        path: "/api/v1/conversations",
        body: BodyFormat::Json,
        records: Selector(&[&[], &["data"], &["conversations"], &["items"], &["results"]]),
        // The documented maximum.
        page_size: PageSize { param: "limit", size: 200 },
        paginator: Paginator::Cursor {
            param: "cursor",
            next: Selector(&[
                &["next_cursor"],
                &["cursor"],
                &["nextCursor"],
                &["pagination", "next_cursor"],
                &["pagination", "cursor"],
                &["pagination", "nextCursor"],
                &["meta", "next_cursor"],
                &["meta", "cursor"],
                &["meta", "nextCursor"],
            ]),
            has_more: Some(Selector(&[&["has_more"], &["pagination", "has_more"], &["meta", "has_more"]])),
        },
    },
    follow_up: None,
    windows: None,
    // A call does not change once it ended: the calls started since the mark are what is new.
    changes: Changes::Filter {
        filter: "since",
        field: ChangeField { record: "started_at", kept: Stamp::ConversationStarted },
    },
    order: Order::Fixed(ListOrder { by: OrderBy::Started, newest_first: true }),
    holds: Holds::Conversations,
    status_title: "By outcome",
    status_words: OUTCOMES,
    channel_words: &[],
    notes: &["flags=extraction_pending marks calls that ended moments before the export: their extraction was still being filled in."],
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

fn conversation_path(id: &str) -> String {
    format!(
        "/api/v1/conversations/{}",
        crate::http::encode_component(id)
    )
}

pub struct VoiceWidget;

impl Connector for VoiceWidget {
    fn spec(&self) -> &'static VendorSpec {
        &SPEC
    }

    fn map(&self, raw: Box<RawValue>, at: RecordAt<'_>, context: &mut MapContext<'_>) -> Update {
        Update::Conversation(Box::new(map_conversation(raw, &at, context)))
    }

    fn conversation_request(&self, query: &ExportQuery, id: &str) -> Option<Request> {
        Some(Request::get(&query.base_url, &conversation_path(id), &[]))
    }

    fn read_conversation(
        &self,
        body: &[u8],
        context: &mut MapContext<'_>,
    ) -> Result<Conversation, Problem> {
        let mut raw = json_body(body)?;
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
        Ok(map_conversation(raw, &"conversation", context))
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

fn map_conversation(
    raw: Box<RawValue>,
    place: &dyn fmt::Display,
    context: &mut MapContext<'_>,
) -> Conversation {
    let object = object_of(&raw, place, context.warnings);
    let had_extraction = object
        .get("extracted_data")
        .is_some_and(|v| v.get() != "null");
    let mut fields = Fields::new(object, place, context.warnings);
    let id = fields
        .string("id")
        .unwrap_or_else(|| format!("missing-id ({place})"));
    fields.set_record(&id);
    let mut conversation = Conversation {
        vendor: VendorId::VoiceWidget,
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
    // In name order, as they were listed before values were read one level at a time.
    let mut criteria: Vec<_> = fields
        .object("criteria_results")
        .unwrap_or_default()
        .into_iter()
        .collect();
    criteria.sort_by(|(a, _), (b, _)| a.cmp(b));
    for (name, result) in criteria {
        let path = format!("criteria_results.{name}");
        match RawObject::of(result) {
            Some(object) => {
                let criterion = fields.nested(object, &path, |f| Criterion {
                    passed: f.boolean("passed"),
                    reasoning: f.string("reasoning"),
                    name: name.into_owned(),
                });
                conversation.criteria.push(criterion);
            }
            None => fields.keep(&path, result, "an object with passed and reasoning"),
        }
    }
    let recently_ended = conversation
        .ended_at
        .is_some_and(|ended| context.now - ended <= Duration::minutes(EXTRACTION_GRACE_MINUTES));
    if conversation.status.as_deref() == Some("completed") && !had_extraction && recently_ended {
        conversation.flags.push(Flag::ExtractionPending);
    }
    // `widget_id` and `visitor` have no unified column: they stay in `extras`.
    conversation.id = id;
    conversation.extras = fields.into_extras();
    conversation.raw = Some(raw);
    conversation
}
