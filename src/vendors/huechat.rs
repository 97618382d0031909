//! HueChat (`vendor-docs/huechat.md`): an offset-paginated inbox; each conversation's messages
//! come from their own endpoint, fetched with bounded concurrency.
//!
//! List pages are fetched one after another, in order: when new conversations arrive during an
//! export, every offset shifts down, so a page fetched later only repeats conversations (which
//! the store keeps once), never skips one. Pages fetched concurrently or out of order could skip.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::fields::Fields;
use super::{
    object_of, parse_json, Auth, BodyFormat, Call, Choice, Connector, ExportQuery, FilterKind,
    FilterSpec, MapContext, Page, Pagination, Step, Task, Update, VendorId, VendorSpec,
};
use crate::error::{ErrorKind, ErrorRule, FetchError};
use crate::http::ResponseHead;
use crate::model::{AuthorRole, Contact, Conversation, Message, Person, Warning};

/// The documented maximum, for the list and (undocumented there) the messages endpoint.
const PAGE_SIZE: u32 = 100;

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
            FilterKind::Choice(&[
                Choice { value: "all", label: "All" },
                Choice { value: "open", label: "Open" },
                Choice { value: "closed", label: "Closed" },
                Choice { value: "archived", label: "Archived" },
            ]),
        )
        .default("all"),
        FilterSpec::new(
            "channel",
            "Channel",
            "Where the conversation happens.",
            FilterKind::Choice(&[
                Choice { value: "", label: "Any channel" },
                Choice { value: "whatsapp", label: "WhatsApp" },
                Choice { value: "instagram", label: "Instagram" },
                Choice { value: "sms", label: "SMS" },
                Choice { value: "email", label: "Email" },
            ]),
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
    page_size: PAGE_SIZE,
    pagination: Pagination::Offset,
    body: BodyFormat::Json,
    parallel_requests: true,
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
            message: "HueChat found nothing at this address. Check the base URL; a conversation may also have been deleted.",
        },
    ],
    transcript_note: None,
    date_range: None,
};

#[derive(Deserialize)]
struct Envelope {
    data: Vec<Box<RawValue>>,
    pagination: OffsetPagination,
}

#[derive(Deserialize)]
struct OffsetPagination {
    #[serde(default)]
    total: Option<u64>,
    #[serde(default)]
    has_more: bool,
}

/// Just the id of a conversation, read before mapping to plan its messages.
#[derive(Deserialize)]
struct IdOnly {
    id: String,
}

fn list_task(call: Call, page: u32) -> Task {
    Task {
        call,
        label: format!("page {} of conversations", page + 1),
        step: Step::List { window: 0, page },
        once_key: None,
    }
}

fn messages_task(base_url: &str, conversation_id: &str, page: u32, offset: u64) -> Task {
    let path = format!(
        "/conversation/{}/messages",
        crate::http::encode_component(conversation_id)
    );
    let params = vec![
        ("limit".into(), PAGE_SIZE.to_string()),
        ("offset".into(), offset.to_string()),
    ];
    Task {
        call: Call::new(base_url, &path, params),
        label: format!(
            "messages of conversation {conversation_id} (page {})",
            page + 1
        ),
        step: Step::Messages {
            conversation_id: conversation_id.to_string(),
            page,
        },
        once_key: (page == 0).then(|| format!("messages {conversation_id}")),
    }
}

fn offset_of(task: &Task) -> u64 {
    task.call
        .param("offset")
        .and_then(|o| o.parse().ok())
        .unwrap_or(0)
}

pub struct HueChat;

impl Connector for HueChat {
    fn spec(&self) -> &'static VendorSpec {
        &SPEC
    }

    fn plan(&self, query: &ExportQuery) -> Vec<Task> {
        let mut params: Vec<(String, String)> = [
            "status",
            "channel",
            "assigned_to",
            "label",
            "search",
            "sort",
        ]
        .iter()
        .map(|name| (name.to_string(), query.filter(name).to_string()))
        .collect();
        params.push(("limit".into(), PAGE_SIZE.to_string()));
        params.push(("offset".into(), "0".into()));
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
        let envelope: Envelope = parse_json(
            SPEC.name,
            task,
            body,
            r#"{"data": [...], "pagination": {...}}"#,
        )?;
        let offset = offset_of(task);
        let next_offset = offset + PAGE_SIZE as u64;
        let mut next = Vec::new();
        match &task.step {
            Step::List { page, .. } => {
                if envelope.pagination.has_more {
                    next.push(list_task(
                        task.call.with_param("offset", &next_offset.to_string()),
                        page + 1,
                    ));
                }
                for record in &envelope.data {
                    // A record without an id is still kept (and warned about) when mapped; it
                    // just has no messages to fetch.
                    if let Ok(IdOnly { id }) = serde_json::from_str(record.get()) {
                        next.push(messages_task(&task.call.base_url, &id, 0, 0));
                    }
                }
                Ok(Page {
                    records: envelope.data,
                    next,
                    total: envelope.pagination.total,
                })
            }
            Step::Messages {
                conversation_id,
                page,
            } => {
                if envelope.pagination.has_more {
                    next.push(messages_task(
                        &task.call.base_url,
                        conversation_id,
                        page + 1,
                        next_offset,
                    ));
                }
                Ok(Page {
                    records: envelope.data,
                    next,
                    total: None,
                })
            }
        }
    }

    fn map(
        &self,
        task: &Task,
        records: Vec<Box<RawValue>>,
        context: &mut MapContext<'_>,
    ) -> Vec<Update> {
        let first_record = context.first_record;
        match &task.step {
            Step::List { page, .. } => {
                context.map_list_page(*page, records, |raw, place, context| {
                    map_conversation(raw, place, context.warnings)
                })
            }
            Step::Messages {
                conversation_id, ..
            } => {
                let offset = offset_of(task) + first_record as u64;
                let messages = records
                    .into_iter()
                    .enumerate()
                    .map(|(index, raw)| {
                        map_message(
                            raw,
                            conversation_id,
                            offset as usize + index,
                            context.warnings,
                        )
                    })
                    .collect();
                vec![Update::Messages {
                    conversation_id: conversation_id.clone(),
                    offset,
                    messages,
                }]
            }
        }
    }
}

fn map_conversation(raw: Box<RawValue>, place: &str, warnings: &mut Vec<Warning>) -> Conversation {
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
        vendor: SPEC.slug,
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

fn map_message(
    raw: Box<RawValue>,
    conversation_id: &str,
    position: usize,
    warnings: &mut Vec<Warning>,
) -> Message {
    let place = format!("message {} of {conversation_id}", position + 1);
    let object = object_of(&raw, &place, warnings);
    let mut fields = Fields::new(object, conversation_id, warnings);
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
