//! Date presets for filters: today, last 7 days, last 30 days, this month, last month, in the
//! user's own days (their midnight, with their offset from UTC written out).

use chrono::{Datelike, Days, FixedOffset, Months, NaiveDate, TimeZone};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    Today,
    Last7Days,
    Last30Days,
    ThisMonth,
    LastMonth,
}

impl Preset {
    pub const ALL: [Preset; 5] = [
        Preset::Today,
        Preset::Last7Days,
        Preset::Last30Days,
        Preset::ThisMonth,
        Preset::LastMonth,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Preset::Today => "Today",
            Preset::Last7Days => "Last 7 days",
            Preset::Last30Days => "Last 30 days",
            Preset::ThisMonth => "This month",
            Preset::LastMonth => "Last month",
        }
    }

    /// The first day and the day after the last, as local dates.
    pub fn days(self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let first_of_month = today.with_day(1).expect("every month has a first day");
        match self {
            Preset::Today => (today, today + Days::new(1)),
            Preset::Last7Days => (today - Days::new(6), today + Days::new(1)),
            Preset::Last30Days => (today - Days::new(29), today + Days::new(1)),
            Preset::ThisMonth => (first_of_month, first_of_month + Months::new(1)),
            Preset::LastMonth => (first_of_month - Months::new(1), first_of_month),
        }
    }

    /// `(from, to)` filter values: local midnights written with the user's offset, `to`
    /// exclusive, or the last second before it when the vendor's upper bound is inclusive.
    pub fn range(
        self,
        today: NaiveDate,
        utc_offset_minutes: i32,
        to_inclusive: bool,
    ) -> (String, String) {
        let offset = FixedOffset::east_opt(utc_offset_minutes * 60)
            .unwrap_or(FixedOffset::east_opt(0).expect("UTC"));
        let midnight = |day: NaiveDate| {
            offset
                .from_local_datetime(&day.and_hms_opt(0, 0, 0).expect("midnight exists"))
                .single()
                .expect("a fixed offset has no gaps")
        };
        let (first, after_last) = self.days(today);
        let from = midnight(first);
        let to = if to_inclusive {
            midnight(after_last) - chrono::Duration::seconds(1)
        } else {
            midnight(after_last)
        };
        let format = |at: chrono::DateTime<FixedOffset>| {
            at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        };
        (format(from), format(to))
    }
}

/// A range of whole days in words: "1–31 Oct 2026, UTC", "28 Sep – 4 Oct 2026, UTC+02:00".
/// `to` is the last second of the last day when the vendor includes it, else the midnight
/// after. `None` unless both ends are day boundaries in the same zone (then the exact instants
/// say it better).
pub fn describe_range(from: &str, to: &str, to_inclusive: bool) -> Option<String> {
    let from = chrono::DateTime::parse_from_rfc3339(from).ok()?;
    let to = chrono::DateTime::parse_from_rfc3339(to).ok()?;
    if from.offset() != to.offset() || from.time() != chrono::NaiveTime::MIN {
        return None;
    }
    let last = if to_inclusive {
        (to.time() == chrono::NaiveTime::from_hms_opt(23, 59, 59)?).then(|| to.date_naive())?
    } else {
        (to.time() == chrono::NaiveTime::MIN).then(|| to.date_naive().pred_opt())??
    };
    let first = from.date_naive();
    if last < first {
        return None;
    }
    let days = if first == last {
        first.format("%-d %b %Y").to_string()
    } else if (first.year(), first.month()) == (last.year(), last.month()) {
        format!("{}–{}", first.format("%-d"), last.format("%-d %b %Y"))
    } else if first.year() == last.year() {
        format!("{} – {}", first.format("%-d %b"), last.format("%-d %b %Y"))
    } else {
        format!(
            "{} – {}",
            first.format("%-d %b %Y"),
            last.format("%-d %b %Y")
        )
    };
    let seconds = from.offset().local_minus_utc();
    let zone = if seconds == 0 {
        "UTC".to_string()
    } else {
        let sign = if seconds < 0 { '-' } else { '+' };
        format!(
            "UTC{sign}{:02}:{:02}",
            seconds.abs() / 3600,
            seconds.abs() % 3600 / 60
        )
    };
    Some(format!("{days}, {zone}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_read_as_days() {
        assert_eq!(
            describe_range("2026-10-01T00:00:00Z", "2026-10-31T23:59:59Z", true).as_deref(),
            Some("1–31 Oct 2026, UTC")
        );
        assert_eq!(
            describe_range(
                "2026-09-28T00:00:00+02:00",
                "2026-10-05T00:00:00+02:00",
                false
            )
            .as_deref(),
            Some("28 Sep – 4 Oct 2026, UTC+02:00")
        );
        assert_eq!(
            describe_range(
                "2026-12-28T00:00:00-05:30",
                "2027-01-04T00:00:00-05:30",
                false
            )
            .as_deref(),
            Some("28 Dec 2026 – 3 Jan 2027, UTC-05:30")
        );
        assert_eq!(
            describe_range("2026-10-04T00:00:00Z", "2026-10-05T00:00:00Z", false).as_deref(),
            Some("4 Oct 2026, UTC")
        );
        assert_eq!(
            describe_range("2026-10-04T09:30:00Z", "2026-10-05T00:00:00Z", false),
            None
        );
        assert_eq!(describe_range("2026-10-04", "2026-10-05", false), None);
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn presets_cover_whole_local_days() {
        let today = day("2026-03-15");
        assert_eq!(
            Preset::Today.days(today),
            (day("2026-03-15"), day("2026-03-16"))
        );
        assert_eq!(
            Preset::Last7Days.days(today),
            (day("2026-03-09"), day("2026-03-16"))
        );
        assert_eq!(
            Preset::Last30Days.days(today),
            (day("2026-02-14"), day("2026-03-16"))
        );
        assert_eq!(
            Preset::ThisMonth.days(today),
            (day("2026-03-01"), day("2026-04-01"))
        );
        assert_eq!(
            Preset::LastMonth.days(today),
            (day("2026-02-01"), day("2026-03-01"))
        );
        assert_eq!(
            Preset::LastMonth.days(day("2026-01-31")),
            (day("2025-12-01"), day("2026-01-01"))
        );
    }

    #[test]
    fn ranges_carry_the_users_offset() {
        let (from, to) = Preset::Today.range(day("2026-03-15"), 120, false);
        assert_eq!(
            (from.as_str(), to.as_str()),
            ("2026-03-15T00:00:00+02:00", "2026-03-16T00:00:00+02:00")
        );
        let (_, inclusive) = Preset::Today.range(day("2026-03-15"), 0, true);
        assert_eq!(inclusive, "2026-03-15T23:59:59Z");
        let (from, _) = Preset::ThisMonth.range(day("2026-03-15"), -300, false);
        assert_eq!(from, "2026-03-01T00:00:00-05:00");
    }
}
