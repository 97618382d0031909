//! Humind (`vendor-docs/humind.md`): cursor-paginated conversations with inline transcripts.

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::fields::Fields;
use super::{
    Auth, Choice, ExportQuery, FieldError, FilterKind, FilterSpec, Page, Pagination, Step, Task,
    Update, VendorId, VendorSpec,
};
use crate::error::{ErrorKind, ErrorRule, FetchError};
use crate::http::{Request, ResponseHead};
use crate::model::{Attachment, AuthorRole, Contact, Conversation, Event, Message, Warning};

/// The documented maximum page size: the fewest requests for a sweep.
const PAGE_SIZE: u32 = 100;

pub static SPEC: VendorSpec = VendorSpec {
    id: VendorId::Humind,
    slug: "humind",
    name: "Humind",
    default_base_url: Some("https://api.thehumind.com/public/v1"),
    auth: Auth::Bearer,
    key_prefixes: &["hmd_live_"],
    key_placeholder: "hmd_live_…",
    filters: &[
        FilterSpec {
            name: "created_after",
            label: "Started on or after",
            help: "A date such as 2026-05-01 (from 00:00 UTC) or a date and time such as 2026-05-01T09:30:00Z.",
            kind: FilterKind::Instant,
            required: false,
        },
        FilterSpec {
            name: "created_before",
            label: "Started on or before",
            help: "A date such as 2026-06-01 means up to 00:00 UTC that day; add a time to be precise.",
            kind: FilterKind::Instant,
            required: false,
        },
        FilterSpec {
            name: "updated_after",
            label: "Active on or after",
            help: "Only conversations with any activity (a new message, a handoff, a tag) since then: for incremental exports.",
            kind: FilterKind::Instant,
            required: false,
        },
        FilterSpec {
            name: "handoff_status",
            label: "Handled by",
            help: "Who is handling the conversation now.",
            kind: FilterKind::Choice(&[
                Choice { value: "", label: "Anyone" },
                Choice { value: "ai_active", label: "The AI assistant" },
                Choice { value: "queued", label: "Waiting for a human" },
                Choice { value: "human_active", label: "A human operator" },
            ]),
            required: false,
        },
        FilterSpec {
            name: "include_contact",
            label: "Include contact details (name, email, phone)",
            help: "Adds each customer's contact details to the export.",
            kind: FilterKind::Toggle {
                warning: Some(
                    "Contact details are personal data. Include them only if you need them, and keep the files as your privacy policy requires.",
                ),
            },
            required: false,
        },
    ],
    page_size: PAGE_SIZE,
    pagination: Pagination::Cursor,
    errors: &[
        ErrorRule {
            status: 400,
            code: Some("validation_failed"),
            kind: ErrorKind::Rejected,
            message: "Humind refused one of the filters or the page position. Check the filters, then fetch again.",
        },
        ErrorRule {
            status: 401,
            code: Some("missing_credentials"),
            kind: ErrorKind::Unauthorized,
            message: "Humind received no API key. Paste your key in the API key field, then fetch again.",
        },
        ErrorRule {
            status: 401,
            code: Some("invalid_key"),
            kind: ErrorKind::Unauthorized,
            message: "Humind does not recognise this API key. Check that you copied the whole key (it starts with hmd_live_), then fetch again.",
        },
        ErrorRule {
            status: 401,
            code: Some("revoked"),
            kind: ErrorKind::Unauthorized,
            message: "This API key has been revoked in Humind. Create a new key with the conversations:read scope in Humind and paste it here.",
        },
        ErrorRule {
            status: 403,
            code: Some("insufficient_scope"),
            kind: ErrorKind::Forbidden,
            message: "This API key may not read conversations. Create a key with the conversations:read scope in Humind and paste it here.",
        },
        ErrorRule {
            status: 404,
            code: Some("not_found"),
            kind: ErrorKind::NotFound,
            message: "Humind found nothing at this address. Check the base URL; a single conversation may also have been deleted.",
        },
        ErrorRule {
            status: 429,
            code: Some("rate_limited"),
            kind: ErrorKind::RateLimited,
            message: "Humind kept limiting requests from this key. Wait a minute, then press Resume to continue where the export stopped.",
        },
    ],
    records_label: "conversations",
};

pub fn validate(query: &ExportQuery) -> Vec<FieldError> {
    let after = super::fields::parse_timestamp(query.filter("created_after"));
    let before = super::fields::parse_timestamp(query.filter("created_before"));
    match (after, before) {
        (Some(after), Some(before)) if after > before => vec![FieldError::new(
            "created_before",
            "This must not be earlier than \"Started on or after\".",
        )],
        _ => Vec::new(),
    }
}

/// The `include` value: messages always (an export wants transcripts), contact on request.
fn includes(query: &ExportQuery) -> String {
    if query.toggle("include_contact") {
        "messages,contact".into()
    } else {
        "messages".into()
    }
}

pub fn plan(query: &ExportQuery) -> Vec<Task> {
    let mut params: Vec<(String, String)> = [
        "created_after",
        "created_before",
        "updated_after",
        "handoff_status",
    ]
    .iter()
    .map(|name| (name.to_string(), query.filter(name).to_string()))
    .collect();
    params.push(("include".into(), includes(query)));
    params.push(("limit".into(), PAGE_SIZE.to_string()));
    vec![list_task(&query.base_url, 0, params)]
}

fn list_task(base_url: &str, page: u32, params: Vec<(String, String)>) -> Task {
    Task {
        request: Request::get(base_url, "/conversations", &params),
        label: format!("page {} of conversations", page + 1),
        step: Step::List {
            window: 0,
            page,
            params,
        },
    }
}

/// `GET /conversations/{id}`: one conversation with its whole transcript.
pub fn conversation_request(base_url: &str, id: &str, include_contact: bool) -> Request {
    let include = if include_contact { "contact" } else { "" };
    let path = format!("/conversations/{}", crate::http::encode_component(id));
    Request::get(base_url, &path, &[("include".into(), include.into())])
}

#[derive(Deserialize)]
struct ListEnvelope {
    data: Vec<Box<RawValue>>,
    #[serde(default)]
    next_cursor: Option<String>,
}

pub fn read_page(task: &Task, _head: &ResponseHead, body: &[u8]) -> Result<Page, FetchError> {
    let Step::List { page, params, .. } = &task.step;
    let envelope: ListEnvelope = serde_json::from_slice(body).map_err(|error| {
        FetchError::new(
            ErrorKind::Malformed,
            "Humind sent a page that could not be read. The export stopped here; press Resume to try this page again.",
            format!("The body is not the documented {{\"data\": [...], \"next_cursor\": ...}}: {error}"),
        )
    })?;
    let mut next = Vec::new();
    if let Some(cursor) = envelope.next_cursor.filter(|cursor| !cursor.is_empty()) {
        let current = params
            .iter()
            .find(|(name, _)| name == "cursor")
            .map(|(_, v)| v.as_str());
        if current == Some(cursor.as_str()) {
            return Err(FetchError::new(
                ErrorKind::Malformed,
                "Humind sent the same page twice in a row. The export stopped to avoid looping; press Resume to try again.",
                format!("next_cursor {cursor} repeats the cursor of this request"),
            ));
        }
        let mut next_params: Vec<(String, String)> = params
            .iter()
            .filter(|(name, _)| name != "cursor")
            .cloned()
            .collect();
        next_params.push(("cursor".into(), cursor));
        let base = task
            .request
            .url
            .split("/conversations?")
            .next()
            .unwrap_or_default();
        next.push(list_task(base, page + 1, next_params));
    }
    Ok(Page {
        records: envelope.data,
        next,
        total: None,
    })
}

pub fn map(task: &Task, records: Vec<Box<RawValue>>, warnings: &mut Vec<Warning>) -> Vec<Update> {
    let Step::List { page, .. } = &task.step;
    records
        .into_iter()
        .enumerate()
        .map(|(index, raw)| {
            Update::Conversation(Box::new(map_conversation(
                raw,
                &format!("page {} item {}", page + 1, index + 1),
                warnings,
            )))
        })
        .collect()
}

/// Maps one conversation object. `place` names it in warnings when it has no id.
pub fn map_conversation(
    raw: Box<RawValue>,
    place: &str,
    warnings: &mut Vec<Warning>,
) -> Conversation {
    let object = match serde_json::from_str::<Value>(raw.get()) {
        Ok(Value::Object(object)) => object,
        _ => {
            warnings.push(Warning {
                record: place.to_string(),
                field: String::new(),
                problem: "this record is not a JSON object; it is kept only in raw.ndjson".into(),
            });
            Map::new()
        }
    };
    let mut fields = Fields::new(object, place, warnings);
    let id = fields
        .string("humind_id")
        .unwrap_or_else(|| format!("missing-id ({place})"));
    fields.set_record(&id);
    let status = fields.string("handoff_status");
    let mut conversation = Conversation {
        vendor: SPEC.slug,
        started_at: fields.time("created_at"),
        updated_at: fields.time("updated_at"),
        last_message_at: fields.time("last_message_at"),
        channel: fields.string("origin"),
        url: fields.string("origin_url"),
        languages: fields.strings("language"),
        title: fields.string("title"),
        handed_to_human: status.as_deref().map(|status| status != "ai_active"),
        status,
        tags: fields.strings("tags"),
        has_cart: fields.boolean("has_triggered_cart"),
        vendor_message_count: fields.count("message_count"),
        ..Default::default()
    };
    conversation.contact = match fields.object("contact") {
        Some(object) => Some(fields.nested(object, "contact", |f| Contact {
            id: f.string("id"),
            name: f.string("name"),
            email: f.string("email"),
            phone: f.string("phone"),
            extras: f.take_extras(),
        })),
        None => fields.string("contact_id").map(|id| Contact {
            id: Some(id),
            ..Default::default()
        }),
    };
    let messages = fields.objects("messages");
    conversation.messages = messages
        .into_iter()
        .enumerate()
        .map(|(position, object)| {
            fields.nested(object, &format!("messages[{position}]"), |f| {
                map_message(f, position)
            })
        })
        .collect();
    conversation.id = id;
    conversation.extras = fields.into_extras();
    conversation.raw = Some(raw);
    conversation
}

fn map_message(fields: &mut Fields<'_>, position: usize) -> Message {
    let vendor_role = fields.string("from");
    let blocks = fields.strings("content");
    let mut message = Message {
        id: fields.string("humind_id").unwrap_or_default(),
        position,
        role: match vendor_role.as_deref() {
            Some("user") => AuthorRole::Customer,
            Some("assistant") => AuthorRole::Assistant,
            Some("operator") => AuthorRole::Operator,
            _ => AuthorRole::Unknown,
        },
        vendor_role,
        source: fields.string("source"),
        sent_at: fields.time("created_at"),
        text: blocks.join("\n\n"),
        blocks: if blocks.len() > 1 { blocks } else { Vec::new() },
        product_ids: fields.strings("product_ids"),
        referenced_product_ids: fields.strings("referenced_product_ids"),
        ..Default::default()
    };
    let attachments = fields.objects("attachments");
    message.attachments = attachments
        .into_iter()
        .enumerate()
        .map(|(index, object)| {
            fields.nested(object, &format!("attachments[{index}]"), |f| Attachment {
                id: f.string("id"),
                kind: f.string("type"),
                name: f.string("original_name"),
                mime_type: f.string("mime_type"),
                size: f.count("size"),
                width: f.count("width"),
                height: f.count("height"),
                url: None,
                extras: f.take_extras(),
            })
        })
        .collect();
    let events = fields.objects("events");
    message.events = events
        .into_iter()
        .enumerate()
        .map(|(index, object)| {
            fields.nested(object, &format!("events[{index}]"), |f| Event {
                id: f.string("humind_id").unwrap_or_default(),
                kind: f.string("type").unwrap_or_default(),
                at: f.time("created_at"),
                product_id: f.string("product_id"),
                product_title: f.string("product_title"),
                product_variant_id: f.string("product_variant_id"),
                price: f.number("price_at_event"),
                button: f.string("button_identifier"),
                extras: f.take_extras(),
            })
        })
        .collect();
    message.extras = fields.take_extras();
    message
}

/// Reads the body of `GET /conversations/{id}`.
pub fn read_conversation(
    body: &[u8],
    warnings: &mut Vec<Warning>,
) -> Result<Conversation, FetchError> {
    let raw: Box<RawValue> = serde_json::from_slice(body).map_err(|error| {
        FetchError::new(
            ErrorKind::Malformed,
            "Humind sent a conversation that could not be read. Try again in a moment.",
            format!("The body is not JSON: {error}"),
        )
    })?;
    Ok(map_conversation(raw, "conversation", warnings))
}
