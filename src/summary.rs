//! The numbers behind the summary charts: conversations per day, by status and by channel, and
//! the share handed to a human and with a cart where the vendor reports them.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::store::Summary as Kept;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub total: usize,
    /// Every day from the first to the last, zeros included, so gaps show.
    pub per_day: Vec<(NaiveDate, usize)>,
    pub by_status: Vec<(String, usize)>,
    pub by_channel: Vec<(String, usize)>,
    /// (handed to a human, conversations that say either way), when the vendor reports it.
    pub handed_to_human: Option<(usize, usize)>,
    /// (with a cart, conversations that say either way), when the vendor reports it.
    pub with_cart: Option<(usize, usize)>,
}

/// The most days the daily chart shows: beyond that, the last ones.
pub const MAX_DAYS: usize = 120;

fn counted(map: BTreeMap<&str, usize>) -> Vec<(String, usize)> {
    let mut pairs: Vec<(String, usize)> = map
        .into_iter()
        .map(|(value, count)| (value.to_string(), count))
        .collect();
    pairs.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    pairs
}

/// How many of those that say said yes, of how many say: `(yes, known)`.
#[derive(Default)]
struct Share {
    yes: usize,
    known: usize,
}

impl Share {
    fn add(&mut self, value: Option<bool>) {
        if let Some(value) = value {
            self.known += 1;
            self.yes += usize::from(value);
        }
    }

    fn of_known(self) -> Option<(usize, usize)> {
        (self.known > 0).then_some((self.yes, self.known))
    }
}

pub fn summarise<'a>(conversations: impl IntoIterator<Item = &'a Kept>) -> Summary {
    let mut days: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    let mut statuses = BTreeMap::new();
    let mut channels = BTreeMap::new();
    let (mut total, mut handed_to_human, mut with_cart) = (0, Share::default(), Share::default());
    for conversation in conversations {
        total += 1;
        handed_to_human.add(conversation.handed_to_human);
        with_cart.add(conversation.has_cart);
        if let Some(at) = conversation.date() {
            *days.entry(at.date_naive()).or_default() += 1;
        }
        *statuses
            .entry(conversation.status.as_deref().unwrap_or("(none)"))
            .or_default() += 1;
        if let Some(channel) = conversation.channel.as_deref() {
            *channels.entry(channel).or_default() += 1;
        }
    }
    let mut per_day = Vec::new();
    if let (Some((&first, _)), Some((&last, _))) = (days.first_key_value(), days.last_key_value()) {
        let first = first.max(last - chrono::Days::new(MAX_DAYS as u64 - 1));
        let mut day = first;
        while day <= last {
            per_day.push((day, days.get(&day).copied().unwrap_or(0)));
            day = day.succ_opt().expect("dates do not overflow here");
        }
    }
    let only_none = statuses.len() == 1 && statuses.contains_key("(none)");
    Summary {
        total,
        per_day,
        by_status: if only_none {
            Vec::new()
        } else {
            counted(statuses)
        },
        by_channel: counted(channels),
        handed_to_human: handed_to_human.of_known(),
        with_cart: with_cart.of_known(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Conversation;

    fn conversation(
        day: &str,
        status: Option<&str>,
        human: Option<bool>,
        cart: Option<bool>,
    ) -> Kept {
        Kept::of(
            &Conversation {
                started_at: format!("{day}T12:00:00Z").parse().ok(),
                status: status.map(str::to_owned),
                channel: Some("shopify".into()),
                handed_to_human: human,
                has_cart: cart,
                ..Default::default()
            },
            None,
        )
    }

    #[test]
    fn counts_days_with_gaps_statuses_and_shares() {
        let data = vec![
            conversation("2026-05-01", Some("ai_active"), Some(false), Some(true)),
            conversation("2026-05-01", Some("human_active"), Some(true), Some(false)),
            conversation("2026-05-03", Some("ai_active"), Some(false), None),
        ];
        let summary = summarise(&data);
        assert_eq!(summary.total, 3);
        let days: Vec<(String, usize)> = summary
            .per_day
            .iter()
            .map(|(d, n)| (d.to_string(), *n))
            .collect();
        assert_eq!(
            days,
            vec![
                ("2026-05-01".into(), 2),
                ("2026-05-02".into(), 0),
                ("2026-05-03".into(), 1)
            ]
        );
        assert_eq!(
            summary.by_status,
            vec![
                ("ai_active".to_string(), 2),
                ("human_active".to_string(), 1)
            ]
        );
        assert_eq!(summary.handed_to_human, Some((1, 3)));
        assert_eq!(
            summary.with_cart,
            Some((1, 2)),
            "only conversations that say count"
        );
    }

    #[test]
    fn vendors_that_do_not_report_a_share_have_none() {
        let summary = summarise(&[conversation("2026-05-01", None, None, None)]);
        assert_eq!(summary.handed_to_human, None);
        assert_eq!(summary.with_cart, None);
        assert!(summary.by_status.is_empty());
        assert_eq!(summarise(&[]).per_day, vec![]);
    }

    #[test]
    fn long_ranges_keep_the_last_days() {
        let data = vec![
            conversation("2025-01-01", None, None, None),
            conversation("2026-05-01", None, None, None),
        ];
        let summary = summarise(&data);
        assert_eq!(summary.per_day.len(), MAX_DAYS);
        assert_eq!(summary.per_day.last().unwrap().0.to_string(), "2026-05-01");
    }
}
