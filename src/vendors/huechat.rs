//! HueChat (`vendor-docs/huechat.md`): an offset-paginated inbox; each conversation's messages
//! come from their own endpoint, fetched with bounded concurrency.
//!
//! List pages are fetched one after another, in order: when new conversations arrive during an
//! export, every offset shifts down, so a page fetched later only repeats conversations (which
//! the store keeps once), never skips one. Pages fetched concurrently or out of order could skip.

use std::fmt;

use serde_json::value::RawValue;

use super::fields::Fields;
use super::spec::{
    ChangeField, Changes, FollowUpSpec, Holds, ListOrder, ListSpec, Order, OrderBy, PageSize,
    Paginator, Selector, Stamp,
};
use super::{
    object_of, Auth, BodyFormat, Choice, Connector, FilterKind, FilterSpec, MapContext, RecordAt,
    Step, Update, VendorId, VendorSpec,
};
use crate::error::{ErrorKind, ErrorRule};
use crate::model::{AuthorRole, Contact, Conversation, Message, Person, Warning};

/// The documented maximum, for the list and (undocumented there) the messages endpoint.
const PAGE_SIZE: PageSize = PageSize {
    param: "limit",
    size: 100,
};

/// Both lists page by offset, with `pagination.has_more` and `pagination.total`.
const BY_OFFSET: Paginator = Paginator::Offset {
    param: "offset",
    has_more: Selector(&[&["pagination", "has_more"]]),
    total: Some(Selector(&[&["pagination", "total"]])),
};

const STATUSES: &[Choice] = &[
    Choice {
        value: "all",
        label: "All",
    },
    Choice {
        value: "open",
        label: "Open",
    },
    Choice {
        value: "closed",
        label: "Closed",
    },
    Choice {
        value: "archived",
        label: "Archived",
    },
];

const CHANNELS: &[Choice] = &[
    Choice {
        value: "",
        label: "Any channel",
    },
    Choice {
        value: "whatsapp",
        label: "WhatsApp",
    },
    Choice {
        value: "instagram",
        label: "Instagram",
    },
    Choice {
        value: "sms",
        label: "SMS",
    },
    Choice {
        value: "email",
        label: "Email",
    },
];

pub static SPEC: VendorSpec = VendorSpec {
    id: VendorId::HueChat,
    slug: "huechat",
    name: "HueChat",
    default_base_url: Some("https://api.huechat.ai/v2"),
    auth: Auth::Header("X-API-Key"),
    key_prefixes: &["sk_live_", "sk_test_"],
    key_placeholder: "sk_live_…",
    filters: &[
        FilterSpec::new(
            "status",
            "Status",
            "Open, closed or archived conversations, or all of them.",
            FilterKind::Choice(STATUSES),
        )
        .default("all"),
        FilterSpec::new(
            "channel",
            "Channel",
            "Where the conversation happens.",
            FilterKind::Choice(CHANNELS),
        ),
        FilterSpec::new(
            "assigned_to",
            "Assigned to",
            "A team member's user ID (usr_…), or none for unassigned conversations.",
            FilterKind::Text,
        ),
        FilterSpec::new("label", "Label", "Only conversations with this label.", FilterKind::Text),
        FilterSpec::new("search", "Search", "Words to find in subjects and messages.", FilterKind::Text),
        FilterSpec::new(
            "sort",
            "Order",
            "Newest first is stable while people keep chatting; by recent activity, conversations move as messages arrive.",
            FilterKind::Choice(&[
                Choice { value: "created_at:desc", label: "Newest first" },
                Choice { value: "last_message_at:desc", label: "Most recent activity first" },
            ]),
        )
        .default("created_at:desc"),
    ],
    fixed_params: &[],
    list: ListSpec {
        path: "/conversations",
        body: BodyFormat::Json,
        records: Selector(&[&["data"]]),
        page_size: PAGE_SIZE,
        paginator: BY_OFFSET,
    },
    follow_up: Some(FollowUpSpec {
        list: ListSpec {
            path: "/conversation/{id}/messages",
            body: BodyFormat::Json,
            records: Selector(&[&["data"]]),
            page_size: PAGE_SIZE,
            paginator: BY_OFFSET,
        },
        id_field: "id",
    }),
    windows: None,
    changes: Changes::Sorted {
        filter: "sort",
        value: "last_message_at:desc",
        field: ChangeField { record: "last_message_at", kept: Stamp::LastMessage },
    },
    order: Order::Chosen {
        filter: "sort",
        choices: &[
            ("created_at:desc", ListOrder { by: OrderBy::Started, newest_first: true }),
            ("last_message_at:desc", ListOrder { by: OrderBy::LastMessage, newest_first: true }),
        ],
    },
    holds: Holds::Conversations,
    status_title: "By status",
    status_words: STATUSES,
    channel_words: CHANNELS,
    notes: &[],
    errors: &[
        ErrorRule {
            status: 400,
            code: None,
            kind: ErrorKind::Rejected,
            message: "HueChat refused one of the filters. Check them, then fetch again.",
        },
        ErrorRule {
            status: 401,
            code: None,
            kind: ErrorKind::Unauthorized,
            message: "HueChat did not accept this API key. Check that you pasted the whole key (it starts with sk_live_), then fetch again.",
        },
        ErrorRule {
            status: 404,
            code: None,
            kind: ErrorKind::NotFound,
            message: "HueChat found nothing at this address. Check the base URL.",
        },
    ],
    transcript_note: None,
    date_range: None,
};

pub struct HueChat;

impl Connector for HueChat {
    fn spec(&self) -> &'static VendorSpec {
        &SPEC
    }

    fn map(&self, raw: Box<RawValue>, at: RecordAt<'_>, context: &mut MapContext<'_>) -> Update {
        match at.step {
            Step::List { .. } => {
                Update::Conversation(Box::new(map_conversation(raw, &at, context.warnings)))
            }
            Step::FollowUp {
                conversation_id, ..
            } => Update::Message {
                conversation_id: conversation_id.clone(),
                message: Box::new(map_message(raw, conversation_id, &at, context.warnings)),
            },
        }
    }
}

fn map_conversation(
    raw: Box<RawValue>,
    place: &dyn fmt::Display,
    warnings: &mut Vec<Warning>,
) -> Conversation {
    let object = object_of(&raw, place, warnings);
    let mut fields = Fields::new(object, place, warnings);
    let id = fields
        .string("id")
        .unwrap_or_else(|| format!("missing-id ({place})"));
    fields.set_record(&id);
    let contact_id = fields.string("contact_id");
    let contact = fields.object("contact").map(|object| {
        fields.nested(object, "contact", |f| Contact {
            id: f.string("id"),
            name: f.string("full_name"),
            email: f.string("email"),
            phone: f.string("phone"),
            extras: f.take_extras(),
        })
    });
    let assignee = fields.object("assigned_to").map(|object| {
        fields.nested(object, "assigned_to", |f| Person {
            id: f.string("id"),
            name: f.string("name"),
        })
    });
    let mut conversation = Conversation {
        vendor: VendorId::HueChat,
        contact: contact.or_else(|| {
            contact_id.clone().map(|id| Contact {
                id: Some(id),
                ..Default::default()
            })
        }),
        channel: fields.string("channel"),
        title: fields.string("subject"),
        status: fields.string("status"),
        assignee,
        tags: fields.strings("labels"),
        vendor_message_count: fields.count("message_count"),
        started_at: fields.time("created_at"),
        last_message_at: fields.time("last_message_at"),
        last_message_preview: fields.string("last_message_preview"),
        ..Default::default()
    };
    if let (Some(contact), Some(contact_id)) = (&mut conversation.contact, contact_id) {
        contact.id.get_or_insert(contact_id);
    }
    // `priority` and `unread_count` have no unified column: they stay in `extras`.
    conversation.id = id;
    conversation.extras = fields.into_extras();
    conversation.raw = Some(raw);
    conversation
}

/// Maps message `at` ("message 3 of c_12" in a warning) of conversation `conversation_id`.
fn map_message(
    raw: Box<RawValue>,
    conversation_id: &str,
    at: &RecordAt<'_>,
    warnings: &mut Vec<Warning>,
) -> Message {
    let position = at.position as usize;
    let object = object_of(&raw, at, warnings);
    let mut fields = Fields::new(object, &conversation_id, warnings);
    let sent_by = fields.string("sent_by");
    let (author_id, author_name) = fields
        .object("sender")
        .map(|object| fields.nested(object, "sender", |f| (f.string("id"), f.string("name"))))
        .unwrap_or_default();
    fields.expect("conversation_id", conversation_id);
    let mut message = Message {
        id: fields.string("id").unwrap_or_default(),
        position,
        role: match sent_by.as_deref() {
            Some("contact") => AuthorRole::Customer,
            Some("user") => AuthorRole::Operator,
            _ => AuthorRole::Unknown,
        },
        vendor_role: sent_by,
        author_id,
        author_name,
        text: fields.string("content").unwrap_or_default(),
        kind: fields.string("message_type"),
        sent_at: fields.time("sent_at"),
        delivery_status: fields.string("status"),
        ..Default::default()
    };
    message.extras = fields.into_extras();
    message.raw = Some(raw);
    message
}
