//! Narrowing what is shown and downloaded by date, in the browser, for vendors whose API has no
//! date filter (TalkToHumans, HueChat): the whole list is fetched, and the page keeps the
//! conversations of the chosen days. Days are UTC, both ends included, as the date filters of
//! the other vendors read.

use chrono::NaiveDate;

use crate::model::Timestamp;
use crate::store::Summary;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DateNarrowing {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl DateNarrowing {
    pub fn is_set(&self) -> bool {
        self.from.is_some() || self.to.is_some()
    }

    /// Whether a conversation of this date is kept; one with no date is kept only when
    /// nothing is narrowed.
    pub fn keeps(&self, date: Option<Timestamp>) -> bool {
        if !self.is_set() {
            return true;
        }
        let Some(day) = date.map(|at| at.date_naive()) else {
            return false;
        };
        self.from.is_none_or(|from| day >= from) && self.to.is_none_or(|to| day <= to)
    }

    /// The conversations kept, in order.
    pub fn apply<'a>(&self, summaries: &'a [Summary]) -> impl Iterator<Item = &'a Summary> {
        let narrowing = *self;
        summaries
            .iter()
            .filter(move |summary| narrowing.keeps(summary.date()))
    }

    /// "1–31 Oct 2026 (UTC)", "from 1 Oct 2026 (UTC)", "up to 31 Oct 2026 (UTC)".
    pub fn describe(&self) -> Option<String> {
        let day = |d: NaiveDate| d.format("%-d %b %Y").to_string();
        Some(match (self.from, self.to) {
            (Some(from), Some(to)) if from == to => format!("{} (UTC)", day(from)),
            (Some(from), Some(to)) => format!("{} – {} (UTC)", day(from), day(to)),
            (Some(from), None) => format!("from {} (UTC)", day(from)),
            (None, Some(to)) => format!("up to {} (UTC)", day(to)),
            (None, None) => return None,
        })
    }

    /// For a link: `from` and `to` as dates, empty when open.
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        if let Some(from) = self.from {
            pairs.push(("shown_from".into(), from.to_string()));
        }
        if let Some(to) = self.to {
            pairs.push(("shown_to".into(), to.to_string()));
        }
        pairs
    }

    /// From a link's `shown_from` and `shown_to`; invalid dates are ignored.
    pub fn from_values(from: Option<&str>, to: Option<&str>) -> Self {
        let date = |value: Option<&str>| value.and_then(|v| v.parse::<NaiveDate>().ok());
        DateNarrowing {
            from: date(from),
            to: date(to),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Option<Timestamp> {
        text.parse().ok()
    }

    #[test]
    fn both_days_are_included_in_utc() {
        let narrowing = DateNarrowing::from_values(Some("2026-10-01"), Some("2026-10-31"));
        assert!(narrowing.keeps(at("2026-10-01T00:00:00Z")));
        assert!(narrowing.keeps(at("2026-10-31T23:59:59Z")));
        assert!(!narrowing.keeps(at("2026-11-01T00:00:00Z")));
        assert!(!narrowing.keeps(at("2026-09-30T23:59:59Z")));
        assert!(!narrowing.keeps(None), "no date: not in a range");
        assert!(
            DateNarrowing::default().keeps(None),
            "nothing narrowed keeps all"
        );
        assert_eq!(
            narrowing.describe().unwrap(),
            "1 Oct 2026 – 31 Oct 2026 (UTC)"
        );
        assert_eq!(
            DateNarrowing::from_values(Some("2026-10-01"), Some("nonsense")),
            DateNarrowing::from_values(Some("2026-10-01"), None)
        );
    }
}
