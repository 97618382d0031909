//! Humind (`vendor-docs/humind.md`): cursor-paginated conversations with inline transcripts.

use std::fmt;

use serde_json::value::RawValue;

use super::fields::Fields;
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
use crate::model::{Attachment, AuthorRole, Contact, Conversation, Event, Message, Warning};

/// Who is handling a conversation: the filter's choices, and the words for the status.
const HANDOFF: &[Choice] = &[
    Choice {
        value: "",
        label: "Anyone",
    },
    Choice {
        value: "ai_active",
        label: "The AI assistant",
    },
    Choice {
        value: "queued",
        label: "Waiting for a human",
    },
    Choice {
        value: "human_active",
        label: "A human operator",
    },
];

pub static SPEC: VendorSpec = VendorSpec {
    id: VendorId::Humind,
    slug: "humind",
    name: "Humind",
    default_base_url: Some("https://api.thehumind.com/public/v1"),
    auth: Auth::Bearer,
    key_prefixes: &["hmd_live_"],
    key_placeholder: "hmd_live_…",
    filters: &[
        FilterSpec::new(
            "created_after",
            "Started on or after",
            "A date such as 2026-05-01 (from 00:00 UTC) or a date and time such as 2026-05-01T09:30:00Z.",
            FilterKind::Instant,
        ),
        FilterSpec::new(
            "created_before",
            "Started on or before",
            "A date such as 2026-06-01 means up to 00:00 UTC that day; add a time to be precise.",
            FilterKind::Instant,
        ),
        FilterSpec::new(
            "updated_after",
            "Active on or after",
            "Only conversations with any activity (a new message, a handoff, a tag) since then: for incremental exports.",
            FilterKind::Instant,
        ),
        FilterSpec::new(
            "handoff_status",
            "Handled by",
            "Who is handling the conversation now.",
            FilterKind::Choice(HANDOFF),
        ),
        FilterSpec::new(
            "include_contact",
            "Include contact details (name, email, phone)",
            "Adds each customer's contact details to the export.",
            FilterKind::Toggle {
                warning: Some(
                    "Contact details are personal data. Include them only if you need them, and keep the files as your privacy policy requires.",
                ),
            },
        )
        .not_sent(),
    ],
    fixed_params: &[],
    list: ListSpec {
        path: "/conversations",
        body: BodyFormat::Json,
        records: Selector(&[&["data"]]),
        // The documented maximum: the fewest requests for a sweep.
        page_size: PageSize { param: "limit", size: 100 },
        paginator: Paginator::Cursor { param: "cursor", next: Selector(&[&["next_cursor"]]), has_more: None },
    },
    follow_up: None,
    windows: None,
    // "Pull only what changed since your last run ... pass it as updated_after."
    changes: Changes::Filter {
        filter: "updated_after",
        field: ChangeField { record: "updated_at", kept: Stamp::ConversationUpdated },
    },
    // "newest-first": by creation.
    order: Order::Fixed(ListOrder { by: OrderBy::Started, newest_first: true }),
    transcript_note: None,
    holds: Holds::Conversations,
    status_title: "Handled by, now",
    status_words: HANDOFF,
    channel_words: &[],
    notes: &[],
    date_range: Some(DateRange { from: "created_after", to: "created_before", to_inclusive: true }),
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
            message: "Humind found nothing at this address. Check the base URL.",
        },
        ErrorRule {
            status: 429,
            code: Some("rate_limited"),
            kind: ErrorKind::RateLimited,
            message: "Humind kept limiting requests from this key. Wait a minute, then press Resume to continue where the export stopped.",
        },
    ],
};

/// The `include` value: messages always (an export wants transcripts), contact on request.
fn includes(query: &ExportQuery) -> &'static str {
    if query.toggle("include_contact") {
        "messages,contact"
    } else {
        "messages"
    }
}

pub struct Humind;

impl Connector for Humind {
    fn spec(&self) -> &'static VendorSpec {
        &SPEC
    }

    /// Messages always (an export wants transcripts), contact details on request.
    fn extra_params(&self, query: &ExportQuery) -> Vec<(String, String)> {
        vec![("include".into(), includes(query).into())]
    }

    fn map(&self, raw: Box<RawValue>, at: RecordAt<'_>, context: &mut MapContext<'_>) -> Update {
        Update::Conversation(Box::new(map_conversation(raw, &at, context.warnings)))
    }

    /// `GET /conversations/{id}`: one conversation with its whole transcript.
    fn conversation_request(&self, query: &ExportQuery, id: &str) -> Option<Request> {
        let include = if query.toggle("include_contact") {
            "contact"
        } else {
            ""
        };
        let path = format!("/conversations/{}", crate::http::encode_component(id));
        Some(Request::get(
            &query.base_url,
            &path,
            &[("include".into(), include.into())],
        ))
    }

    fn read_conversation(
        &self,
        body: &[u8],
        context: &mut MapContext<'_>,
    ) -> Result<Conversation, Problem> {
        Ok(map_conversation(
            json_body(body)?,
            &"conversation",
            context.warnings,
        ))
    }
}

/// Maps one conversation object. `place` names it in warnings when it has no id.
pub fn map_conversation(
    raw: Box<RawValue>,
    place: &dyn fmt::Display,
    warnings: &mut Vec<Warning>,
) -> Conversation {
    let object = object_of(&raw, place, warnings);
    let mut fields = Fields::new(object, place, warnings);
    let id = fields
        .string("humind_id")
        .unwrap_or_else(|| format!("missing-id ({place})"));
    fields.set_record(&id);
    let status = fields.string("handoff_status");
    let mut conversation = Conversation {
        vendor: VendorId::Humind,
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
    conversation.messages = fields.each("messages", map_message);
    conversation.id = id;
    conversation.extras = fields.into_extras();
    conversation.raw = Some(raw);
    conversation
}

fn map_message(fields: &mut Fields<'_, '_>, position: usize) -> Message {
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
    message.attachments = fields.each("attachments", |f, _| Attachment {
        id: f.string("id"),
        kind: f.string("type"),
        name: f.string("original_name"),
        mime_type: f.string("mime_type"),
        size: f.count("size"),
        width: f.count("width"),
        height: f.count("height"),
        url: None,
        extras: f.take_extras(),
    });
    message.events = fields.each("events", |f, _| Event {
        id: f.string("humind_id").unwrap_or_default(),
        kind: f.string("type").unwrap_or_default(),
        at: f.time("created_at"),
        product_id: f.string("product_id"),
        product_title: f.string("product_title"),
        product_variant_id: f.string("product_variant_id"),
        price: f.number("price_at_event"),
        button: f.string("button_identifier"),
        extras: f.take_extras(),
    });
    message.extras = fields.take_extras();
    message
}
