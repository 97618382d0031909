//! The ground truth of an export, read from the simulator's own datasets with each filter's
//! documented meaning: which conversations, in which order, with which messages, and every
//! record as the vendor sends it. Nothing here runs a connector or the engine.

use std::collections::{HashMap, HashSet};
use std::fmt;

use chrono::{DateTime, Utc};
use conversation_export::model::Conversation;
use conversation_export::vendors::{ExportQuery, VendorId};
use serde_json::Value;
use sim::World;

/// The conversation ids of a store, in its order.
fn ids(conversations: &[Conversation]) -> Vec<String> {
    conversations.iter().map(|c| c.id.clone()).collect()
}

/// What an export of a query must hold, read from the simulator's data: conversations in the
/// vendor's order, each with its messages in order, and every record as the vendor sends it.
#[derive(Debug, Clone)]
pub struct Truth {
    pub conversations: Vec<ExpectedConversation>,
}

#[derive(Debug, Clone)]
pub struct ExpectedConversation {
    pub id: String,
    pub messages: Vec<ExpectedMessage>,
    /// The conversation as the vendor sends it, where it sends conversations (not Mindo).
    pub record: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedMessage {
    /// Empty where the vendor gives messages no id (the voice widget's transcript turns).
    pub id: String,
    pub text: String,
    /// The message as the vendor sends it, where it sends messages on their own (HueChat's
    /// messages endpoint, Mindo's rows).
    pub record: Option<Value>,
}

impl Truth {
    /// The truth of `query` on `world`, as the vendor's data stands when the export starts.
    /// Panics on a filter it does not model, so no test compares with a truth that ignores it.
    pub fn of(world: &World, query: &ExportQuery) -> Truth {
        let filters = Given(query);
        let conversations = match query.vendor {
            VendorId::Humind => humind(world, &filters),
            VendorId::TalkToHumans => talktohumans(world, &filters),
            VendorId::HueChat => huechat(world, &filters),
            VendorId::VoiceWidget => voice_widget(world, &filters),
            VendorId::Mindo => mindo(world, &filters),
        };
        Truth { conversations }
    }

    pub fn ids(&self) -> Vec<String> {
        self.conversations.iter().map(|c| c.id.clone()).collect()
    }

    pub fn len(&self) -> usize {
        self.conversations.len()
    }

    pub fn is_empty(&self) -> bool {
        self.conversations.is_empty()
    }

    pub fn message_count(&self) -> usize {
        self.conversations.iter().map(|c| c.messages.len()).sum()
    }

    /// Every record the vendor sent, in the order `raw.ndjson` keeps them: each conversation,
    /// then each of its messages sent on their own.
    pub fn records(&self) -> Vec<Value> {
        self.conversations
            .iter()
            .flat_map(|c| {
                c.record
                    .iter()
                    .chain(c.messages.iter().filter_map(|m| m.record.as_ref()))
            })
            .cloned()
            .collect()
    }

    /// Panics unless `got` holds exactly these conversations, in order, each with exactly its
    /// messages (ids and texts), in order.
    pub fn assert_matches(&self, got: &[Conversation]) {
        assert_eq!(ids(got), self.ids(), "conversations, in the vendor's order");
        for (got, expected) in got.iter().zip(&self.conversations) {
            assert_eq!(
                messages_of(got),
                key_of(&expected.messages),
                "messages of {}, in order",
                expected.id
            );
        }
    }

    /// How `got` differs from the truth, counted: what a report shows without panicking.
    pub fn compare(&self, got: &[Conversation]) -> Comparison {
        let expected: HashMap<&str, &ExpectedConversation> = self
            .conversations
            .iter()
            .map(|c| (c.id.as_str(), c))
            .collect();
        let mut seen = HashSet::new();
        let mut comparison = Comparison::default();
        let mut kept_in_truth = Vec::new();
        for conversation in got {
            if !seen.insert(conversation.id.as_str()) {
                comparison.duplicated += 1;
                continue;
            }
            match expected.get(conversation.id.as_str()) {
                None => comparison.unexpected += 1,
                Some(truth) => {
                    kept_in_truth.push(conversation.id.as_str());
                    if messages_of(conversation) != key_of(&truth.messages) {
                        comparison.wrong_messages.push(conversation.id.clone());
                    }
                }
            }
        }
        comparison.lost = self.len() - kept_in_truth.len();
        let truth_order: Vec<&str> = self
            .conversations
            .iter()
            .map(|c| c.id.as_str())
            .filter(|id| seen.contains(id))
            .collect();
        comparison.out_of_order = kept_in_truth != truth_order;
        comparison
    }
}

/// A message as the truth compares it: its id and its text.
type MessageKey = (String, String);

fn messages_of(conversation: &Conversation) -> Vec<MessageKey> {
    conversation
        .messages
        .iter()
        .map(|m| (m.id.clone(), m.text.clone()))
        .collect()
}

fn key_of(messages: &[ExpectedMessage]) -> Vec<MessageKey> {
    messages
        .iter()
        .map(|m| (m.id.clone(), m.text.clone()))
        .collect()
}

/// An export against its truth: zero everywhere means exact.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    pub lost: usize,
    pub duplicated: usize,
    /// Conversations the truth does not have.
    pub unexpected: usize,
    pub out_of_order: bool,
    /// Conversations whose messages (ids, texts or order) differ.
    pub wrong_messages: Vec<String>,
}

impl Comparison {
    pub fn is_exact(&self) -> bool {
        *self == Comparison::default()
    }
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "conversations lost {}, duplicated {}, unexpected {}, out of order {}; messages wrong in {} conversations",
            self.lost,
            self.duplicated,
            self.unexpected,
            self.out_of_order,
            self.wrong_messages.len()
        )?;
        if let Some(first) = self.wrong_messages.first() {
            write!(f, " (first: {first})")?;
        }
        Ok(())
    }
}

/// The query's filters, read by their documented meaning; each vendor names those it models.
struct Given<'a>(&'a ExportQuery);

impl Given<'_> {
    /// Panics on a set filter outside `modelled`.
    fn only(&self, modelled: &[&str]) -> &Self {
        for (name, value) in &self.0.filters {
            assert!(
                value.trim().is_empty() || modelled.contains(&name.as_str()),
                "the ground truth does not model the {} filter {name}",
                self.0.vendor
            );
        }
        self
    }

    fn text(&self, name: &str) -> Option<&str> {
        Some(self.0.filter(name)).filter(|value| !value.is_empty())
    }

    fn instant(&self, name: &str) -> Option<DateTime<Utc>> {
        self.text(name).map(|value| {
            sim::humind::parse_instant(value)
                .unwrap_or_else(|| panic!("{name}={value} is not a date"))
        })
    }

    fn numbers(&self, name: &str) -> Option<Vec<u64>> {
        self.text(name).map(|value| {
            value
                .split(',')
                .map(|n| n.trim().parse().expect("a number"))
                .collect()
        })
    }
}

fn humind(world: &World, given: &Given) -> Vec<ExpectedConversation> {
    given.only(&[
        "created_after",
        "created_before",
        "updated_after",
        "handoff_status",
        "include_contact",
    ]);
    let (after, before) = (
        given.instant("created_after"),
        given.instant("created_before"),
    );
    let updated = given.instant("updated_after");
    let handling = given.text("handoff_status");
    let contact = given.0.toggle("include_contact");
    world
        .humind()
        .conversations
        .iter()
        // `created_before` includes its instant, as documented.
        .filter(|c| after.is_none_or(|t| c.created_at >= t))
        .filter(|c| before.is_none_or(|t| c.created_at <= t))
        .filter(|c| updated.is_none_or(|t| c.updated_at >= t))
        .filter(|c| handling.is_none_or(|s| c.handoff_status == s))
        .map(|c| ExpectedConversation {
            id: c.id.clone(),
            // The model joins a message's text blocks with a blank line.
            messages: c
                .messages
                .iter()
                .map(|m| message(&m.id, &m.content.join("\n\n"), None))
                .collect(),
            record: Some(c.to_json(true, contact)),
        })
        .collect()
}

fn talktohumans(world: &World, given: &Given) -> Vec<ExpectedConversation> {
    given.only(&["contact_id", "tag"]);
    let (contact, tag) = (given.text("contact_id"), given.text("tag"));
    world
        .talktohumans()
        .conversations
        .iter()
        .filter(|c| contact.is_none_or(|id| c.participants.iter().any(|p| p.contact_id == id)))
        // The connected account's own profile does not count for the tag.
        .filter(|c| {
            tag.is_none_or(|tag| {
                c.participants
                    .iter()
                    .any(|p| !p.is_self && p.tags.contains(&tag))
            })
        })
        // No message endpoint: no messages.
        .map(|c| ExpectedConversation {
            id: c.id.clone(),
            messages: Vec::new(),
            record: Some(c.json.clone()),
        })
        .collect()
}

fn huechat(world: &World, given: &Given) -> Vec<ExpectedConversation> {
    given.only(&[
        "status",
        "channel",
        "assigned_to",
        "label",
        "search",
        "sort",
    ]);
    let status = given.text("status").filter(|s| *s != "all");
    let channel = given.text("channel");
    let assigned = given.text("assigned_to");
    let label = given.text("label");
    let search = given.text("search").map(str::to_lowercase);
    let text = |m: &Value| m["content"].as_str().unwrap_or_default().to_string();
    // Conversations that arrive once the export runs are not part of what it was asked for.
    let mut matching: Vec<_> = world
        .huechat()
        .visible(0)
        .into_iter()
        .filter(|c| status.is_none_or(|s| c.status == s))
        .filter(|c| channel.is_none_or(|ch| c.channel == ch))
        .filter(|c| match assigned {
            None => true,
            Some("none") => c.assignee.is_none(),
            Some(user) => c.assignee == Some(user),
        })
        .filter(|c| label.is_none_or(|l| c.labels.contains(&l)))
        .filter(|c| {
            search.as_deref().is_none_or(|needle| {
                c.subject.to_lowercase().contains(needle)
                    || c.messages
                        .iter()
                        .any(|m| text(m).to_lowercase().contains(needle))
            })
        })
        .collect();
    if given.text("sort") == Some("last_message_at:desc") {
        matching.sort_by(|a, b| {
            b.last_message_at
                .cmp(&a.last_message_at)
                .then_with(|| a.id.cmp(&b.id))
        });
    }
    matching
        .into_iter()
        .map(|c| ExpectedConversation {
            id: c.id.clone(),
            messages: c
                .messages
                .iter()
                .map(|m| message(m["id"].as_str().unwrap_or_default(), &text(m), Some(m)))
                .collect(),
            record: Some(c.json.clone()),
        })
        .collect()
}

fn voice_widget(world: &World, given: &Given) -> Vec<ExpectedConversation> {
    given.only(&["widget_id", "since", "until", "outcome"]);
    let widget = given.text("widget_id");
    // `until` is exclusive, as documented.
    let (since, until) = (given.instant("since"), given.instant("until"));
    let outcome = given.text("outcome");
    world
        .voice_widget()
        .conversations
        .iter()
        .filter(|c| widget.is_none_or(|w| c.widget_id == w))
        .filter(|c| since.is_none_or(|t| c.started_at >= t))
        .filter(|c| until.is_none_or(|t| c.started_at < t))
        .filter(|c| outcome.is_none_or(|o| c.outcome == o))
        .map(|c| ExpectedConversation {
            id: c.id.clone(),
            // Transcript turns have no id.
            messages: c.json["transcript"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|turn| message("", turn["text"].as_str().unwrap_or_default(), None))
                .collect(),
            record: Some(c.json.clone()),
        })
        .collect()
}

fn mindo(world: &World, given: &Given) -> Vec<ExpectedConversation> {
    given.only(&[
        "company_id",
        "from",
        "to",
        "channel",
        "direction",
        "agent_id",
        "include",
    ]);
    let companies = given.numbers("company_id").expect("Mindo needs company_id");
    let from = given.instant("from").expect("Mindo needs from");
    let to = given.instant("to").expect("Mindo needs to");
    let channel = given.text("channel").filter(|c| *c != "all");
    let direction = given.text("direction");
    let agents = given.numbers("agent_id");
    // Without any option, Mindo sends classifications (its documented default).
    let includes: Vec<&str> = match given.text("include") {
        None | Some("none") => vec!["classifications"],
        Some(list) => list.split(',').map(str::trim).collect(),
    };
    let mut conversations: Vec<ExpectedConversation> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    // Rows come oldest first; a conversation sits where its first row in the range does.
    for row in world.mindo().messages.iter().filter(|m| {
        m.occurred_at >= from
            && m.occurred_at < to
            && companies.contains(&m.company_id)
            && channel.is_none_or(|c| m.channel_group == c)
            && match direction {
                Some("incoming") => !m.outbound,
                Some("outgoing") => m.outbound,
                _ => true,
            }
            && agents
                .as_ref()
                .is_none_or(|agents| m.agent_id.is_some_and(|id| agents.contains(&id)))
    }) {
        let id = row.json["conversation_id"].as_str().unwrap_or_default();
        let index = *at.entry(id.to_string()).or_insert_with(|| {
            conversations.push(ExpectedConversation {
                id: id.to_string(),
                messages: Vec::new(),
                record: None,
            });
            conversations.len() - 1
        });
        // A media message has no text.
        let text = row.json["content"]["text"].as_str().unwrap_or_default();
        conversations[index]
            .messages
            .push(message(row.id(), text, Some(&row.to_json(&includes))));
    }
    conversations
}

fn message(id: &str, text: &str, record: Option<&Value>) -> ExpectedMessage {
    ExpectedMessage {
        id: id.to_string(),
        text: text.to_string(),
        record: record.cloned(),
    }
}
