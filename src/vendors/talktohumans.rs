//! TalkToHumans (`vendor-docs/talktohumans.md`): outreach conversations, cursor-paginated, with
//! participants and the outreach sequence. The API has no message endpoint: only each
//! conversation's last message.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::fields::Fields;
use super::{
    object_of, parse_json, Auth, BodyFormat, Call, Connector, ExportQuery, FilterKind, FilterSpec,
    MapContext, Page, Pagination, Step, Task, Update, VendorId, VendorSpec,
};
use crate::error::{ErrorKind, ErrorRule, FetchError};
use crate::http::ResponseHead;
use crate::model::{Conversation, Participant, Warning};

/// Larger values are clamped to 25 by the vendor.
const PAGE_SIZE: u32 = 25;

/// `contact_id` must match `^[1-9][0-9]*$`.
pub fn check_contact_id(value: &str) -> Result<(), String> {
    let valid = value.starts_with(|c: char| ('1'..='9').contains(&c))
        && value.bytes().all(|b| b.is_ascii_digit());
    if valid {
        Ok(())
    } else {
        Err("A contact ID is a whole number without leading zeros, like 1234.".into())
    }
}

pub static SPEC: VendorSpec = VendorSpec {
    id: VendorId::TalkToHumans,
    slug: "talktohumans",
    name: "TalkToHumans",
    default_base_url: Some("https://api.talktohumans.app/v1"),
    auth: Auth::Bearer,
    key_prefixes: &[],
    key_placeholder: "Your TalkToHumans API key",
    filters: &[
        FilterSpec::new(
            "tag",
            "Participant tag",
            "Only conversations with a participant carrying this tag (your own profile is ignored).",
            FilterKind::Text,
        ),
        FilterSpec::new(
            "contact_id",
            "Contact ID",
            "Only conversations with this TalkToHumans contact: a whole number, like 1234.",
            FilterKind::Checked(check_contact_id),
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
            message: "TalkToHumans refused one of the filters. Check them, then fetch again.",
        },
        ErrorRule {
            status: 401,
            code: None,
            kind: ErrorKind::Unauthorized,
            message: "TalkToHumans did not accept this API key. Check that you pasted the whole key, then fetch again.",
        },
    ],
    transcript_note: Some(
        "TalkToHumans' API offers no full transcript: it returns only the last message of each conversation, shown below.",
    ),
    date_range: None,
};

#[derive(Deserialize)]
struct Envelope {
    data: Data,
}

#[derive(Deserialize)]
struct Data {
    conversations: Vec<Box<RawValue>>,
    pagination: ListPagination,
}

#[derive(Deserialize)]
struct ListPagination {
    #[serde(default)]
    has_more: bool,
    #[serde(default)]
    next_cursor: Option<String>,
}

fn list_task(call: Call, page: u32) -> Task {
    Task {
        call,
        label: format!("page {} of conversations", page + 1),
        step: Step::List { window: 0, page },
        once_key: None,
    }
}

pub struct TalkToHumans;

impl Connector for TalkToHumans {
    fn spec(&self) -> &'static VendorSpec {
        &SPEC
    }

    fn plan(&self, query: &ExportQuery) -> Vec<Task> {
        let params = vec![
            ("tag".to_string(), query.filter("tag").to_string()),
            (
                "contact_id".to_string(),
                query.filter("contact_id").to_string(),
            ),
            ("limit".to_string(), PAGE_SIZE.to_string()),
        ];
        vec![list_task(
            Call::new(&query.base_url, "/conversations", params),
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
        let envelope: Envelope = parse_json(
            SPEC.name,
            task,
            body,
            r#"{"data": {"conversations": [...], "pagination": {...}}}"#,
        )?;
        let pagination = envelope.data.pagination;
        let mut next = Vec::new();
        if pagination.has_more {
            match pagination.next_cursor.filter(|c| !c.is_empty()) {
                Some(cursor) if task.call.param("cursor") != Some(cursor.as_str()) => {
                    next.push(list_task(task.call.with_param("cursor", &cursor), page + 1));
                }
                _ => {
                    return Err(super::malformed(
                        SPEC.name,
                        &task.label,
                        "has_more is true but next_cursor is missing or repeats this page's cursor",
                    ))
                }
            }
        }
        Ok(Page {
            records: envelope.data.conversations,
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
        context.map_list_page(page, records, |raw, place, context| {
            map_conversation(raw, place, context.warnings)
        })
    }
}

fn map_conversation(raw: Box<RawValue>, place: &str, warnings: &mut Vec<Warning>) -> Conversation {
    let object = object_of(&raw, place, warnings);
    let mut fields = Fields::new(object, place, warnings);
    let id = fields
        .string("conversation_id")
        .unwrap_or_else(|| format!("missing-id ({place})"));
    fields.set_record(&id);
    let mut conversation = Conversation {
        vendor: SPEC.slug,
        title: fields.string("title"),
        url: fields.string("app_url"),
        last_message_preview: fields.string("last_message_text"),
        last_message_at: fields.time("last_message_at"),
        status: fields.string("current_state"),
        ..Default::default()
    };
    conversation.participants = fields.each("participants", |f, _| Participant {
        id: f.string("contact_id"),
        name: f.string("name"),
        first_name: f.string("first_name"),
        last_name: f.string("last_name"),
        headline: f.string("headline"),
        role_title: f.string("primary_role_title"),
        company: f.string("primary_company_name"),
        linkedin_url: f.string("linkedin_url"),
        extras: f.take_extras(),
    });
    // The account, `is_group` and the outreach `sequence` (steps, state, schedule) have no
    // unified column: they stay whole in `extras`.
    conversation.id = id;
    conversation.extras = fields.into_extras();
    conversation.raw = Some(raw);
    conversation
}
