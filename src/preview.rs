//! Sorting, searching and filtering the conversations fetched, for the preview table. It works
//! on indices, so a sort of 10,000 conversations moves integers, not records.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::narrow::DateNarrowing;
use crate::store::{Keep, Summary};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// The vendor's order (newest first for most).
    #[default]
    Vendor,
    Date,
    Title,
    Status,
    Messages,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PreviewQuery {
    /// Words to find in titles, tags, ids, contacts and message text; case does not matter.
    pub search: String,
    pub status: Option<String>,
    pub channel: Option<String>,
    pub tag: Option<String>,
    pub sort: SortKey,
    pub descending: bool,
    /// Days narrowed to in the browser (vendors with no date filter).
    pub shown: DateNarrowing,
}

/// The values a filter can take, with how many conversations have each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    pub statuses: Vec<(String, usize)>,
    pub channels: Vec<(String, usize)>,
    pub tags: Vec<(String, usize)>,
}

pub fn facets(conversations: &[Summary]) -> Facets {
    let mut statuses: BTreeMap<&str, usize> = BTreeMap::new();
    let mut channels: BTreeMap<&str, usize> = BTreeMap::new();
    let mut tags: BTreeMap<&str, usize> = BTreeMap::new();
    for conversation in conversations {
        if let Some(status) = &conversation.status {
            *statuses.entry(status).or_default() += 1;
        }
        if let Some(channel) = &conversation.channel {
            *channels.entry(channel).or_default() += 1;
        }
        for tag in &conversation.tags {
            *tags.entry(tag).or_default() += 1;
        }
    }
    let owned =
        |map: BTreeMap<&str, usize>| map.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    Facets {
        statuses: owned(statuses),
        channels: owned(channels),
        tags: owned(tags),
    }
}

fn contains(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(needle)
}

/// What a search looks through: the id, title, contact, tags and every message's text.
fn matches_search(conversation: &Summary, needle: &str) -> bool {
    let fields = [
        Some(conversation.id.as_str()),
        conversation.title.as_deref(),
        conversation.contact.as_deref(),
        conversation.first_words.as_deref(),
    ];
    fields
        .into_iter()
        .flatten()
        .any(|field| contains(field, needle))
        || conversation.tags.iter().any(|tag| contains(tag, needle))
        || conversation.search_text.contains(needle)
}

/// Indices into `conversations` that pass the query, in the query's order.
pub fn select(conversations: &[Summary], query: &PreviewQuery) -> Vec<usize> {
    let needle = query.search.trim().to_lowercase();
    let mut rows: Vec<usize> = (0..conversations.len())
        .filter(|&at| {
            let c = &conversations[at];
            query
                .status
                .as_ref()
                .is_none_or(|s| c.status.as_deref() == Some(s.as_str()))
                && query
                    .channel
                    .as_ref()
                    .is_none_or(|s| c.channel.as_deref() == Some(s.as_str()))
                && query.tag.as_ref().is_none_or(|t| c.tags.contains(t))
                && query.shown.keeps(c.date())
                && (needle.is_empty() || matches_search(c, &needle))
        })
        .collect();
    let date = Summary::date;
    let compare = |a: &usize, b: &usize| -> Ordering {
        let (x, y) = (&conversations[*a], &conversations[*b]);
        match query.sort {
            SortKey::Vendor => a.cmp(b),
            SortKey::Date => date(x).cmp(&date(y)),
            SortKey::Title => x
                .title
                .as_deref()
                .unwrap_or("")
                .to_lowercase()
                .cmp(&y.title.as_deref().unwrap_or("").to_lowercase()),
            SortKey::Status => x.status.cmp(&y.status),
            SortKey::Messages => x.message_count().cmp(&y.message_count()),
        }
        // Ties keep the vendor's order, so a sort is stable from one refresh to the next.
        .then(a.cmp(b))
    };
    rows.sort_by(|a, b| {
        if query.descending {
            compare(b, a)
        } else {
            compare(a, b)
        }
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Conversation, Message};

    fn conversation(
        id: &str,
        title: &str,
        status: &str,
        tags: &[&str],
        texts: &[&str],
        day: u32,
    ) -> Conversation {
        Conversation {
            id: id.into(),
            title: Some(title.into()),
            status: Some(status.into()),
            channel: Some("web".into()),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            started_at: format!("2026-05-{day:02}T10:00:00Z").parse().ok(),
            messages: texts
                .iter()
                .map(|t| Message {
                    text: t.to_string(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }

    fn sample() -> Vec<Summary> {
        [
            conversation(
                "a",
                "Livraison",
                "open",
                &["vip"],
                &["Où est mon colis ?"],
                3,
            ),
            conversation("b", "crème", "closed", &[], &["Merci", "Bonne journée"], 1),
            conversation("c", "Retour", "open", &["vip", "refund"], &[], 2),
        ]
        .iter()
        .map(|c| Summary::of(c, None))
        .collect()
    }

    #[test]
    fn filters_and_search_combine() {
        let data = sample();
        let query = |q: PreviewQuery| {
            select(&data, &q)
                .into_iter()
                .map(|i| data[i].id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(query(PreviewQuery::default()), vec!["a", "b", "c"]);
        assert_eq!(
            query(PreviewQuery {
                status: Some("open".into()),
                ..Default::default()
            }),
            vec!["a", "c"]
        );
        assert_eq!(
            query(PreviewQuery {
                tag: Some("refund".into()),
                ..Default::default()
            }),
            vec!["c"]
        );
        assert_eq!(
            query(PreviewQuery {
                search: "COLIS".into(),
                ..Default::default()
            }),
            vec!["a"],
            "in message text, any case"
        );
        assert_eq!(
            query(PreviewQuery {
                search: "journée".into(),
                ..Default::default()
            }),
            vec!["b"],
            "in a later message too"
        );
        assert_eq!(
            query(PreviewQuery {
                search: "Crème".into(),
                ..Default::default()
            }),
            vec!["b"]
        );
        assert_eq!(
            query(PreviewQuery {
                search: "vip".into(),
                status: Some("open".into()),
                ..Default::default()
            }),
            vec!["a", "c"]
        );
    }

    #[test]
    fn sorts_both_ways_keeping_ties_in_vendor_order() {
        let data = sample();
        let ids = |sort, descending| {
            select(
                &data,
                &PreviewQuery {
                    sort,
                    descending,
                    ..Default::default()
                },
            )
            .into_iter()
            .map(|i| data[i].id.clone())
            .collect::<Vec<_>>()
        };
        assert_eq!(ids(SortKey::Date, false), vec!["b", "c", "a"]);
        assert_eq!(ids(SortKey::Date, true), vec!["a", "c", "b"]);
        assert_eq!(ids(SortKey::Title, false), vec!["b", "a", "c"]);
        assert_eq!(ids(SortKey::Messages, true), vec!["b", "a", "c"]);
        assert_eq!(ids(SortKey::Status, false), vec!["b", "a", "c"]);
    }

    #[test]
    fn facets_count_values() {
        let facets = facets(&sample());
        assert_eq!(
            facets.statuses,
            vec![("closed".to_string(), 1), ("open".to_string(), 2)]
        );
        assert_eq!(
            facets.tags,
            vec![("refund".to_string(), 1), ("vip".to_string(), 2)]
        );
        assert_eq!(facets.channels, vec![("web".to_string(), 3)]);
    }
}
