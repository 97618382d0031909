//! "The same world, a day later": what changes between two exports.
//!
//! An incremental export (only what changed since the last one) needs a world that moved on
//! between two exports, and a fresh full export to compare with. With `WorldConfig::later` set,
//! each vendor's data is the original data plus one day of activity (the vendor's `Day`): some
//! existing conversations gained a message or two, and some conversations are new. The day
//! starts after every instant the vendor's original data holds (some of it is already past the
//! anchor: Mindo's slow replies, a long HueChat conversation, TalkToHumans' scheduled sequence
//! steps), since what happens later is later than everything that already happened: an
//! incremental export whose mark is the latest change it saw finds all of the day.
//! Everything else serialises byte for byte as it does without `later`, because the day's
//! activity is drawn from random streams of its own, never from the ones the original data uses.

use chrono::{DateTime, Duration, SubsecRound, Utc};

use crate::rng::Rng;

/// How a later world differs from the original one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Later {
    /// This share, in percent, of each vendor's existing conversations gained one or two
    /// messages during the day (rounded, at least one conversation when above zero).
    pub changed_percent: f64,
    /// Conversations per vendor that started during the day.
    pub new_conversations: usize,
}

/// How long the later world's day lasts.
pub const DAY_SECONDS: i64 = 86_400;

/// How long after the anchor, or after the latest instant of the vendor's original data when
/// that is later, the day starts.
pub const GAP_SECONDS: i64 = 60;

/// Where the day's first new message of a changed conversation may fall, in seconds after the
/// day's start: late enough in the day that a second message and its events still fit before its
/// end.
pub const FIRST_EXTRA_MESSAGE_SECONDS: (u64, u64) = (60, 20 * 3_600);

/// One vendor's later day, (start, start + 1 day]: every message, event, call or row the day
/// brings falls in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    /// Strictly after every instant the vendor's original data holds; nothing happens at it.
    pub start: DateTime<Utc>,
}

impl Day {
    /// The day of a vendor whose original data's latest instant (any timestamp its records
    /// carry) is `latest`, `None` without data: a minute after the anchor or after `latest`,
    /// whichever is later, on a whole second.
    pub fn after(anchor: DateTime<Utc>, latest: Option<DateTime<Utc>>) -> Self {
        let latest = latest.map_or(anchor, |latest| latest.max(anchor));
        Day {
            start: (latest + Duration::seconds(GAP_SECONDS)).trunc_subsecs(0),
        }
    }

    /// The instant the vendor's later world is as of: every change happened at or before it.
    /// (Plans may lie beyond it, as they lie beyond the anchor in the original data: a
    /// TalkToHumans sequence step scheduled for next week.)
    pub fn horizon(&self) -> DateTime<Utc> {
        self.start + Duration::seconds(DAY_SECONDS)
    }

    /// Whether `at` is within the day: after its start, at or before its horizon.
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        at > self.start && at <= self.horizon()
    }
}

impl Later {
    /// How many of `existing` conversations gained messages: `changed_percent` of them, rounded,
    /// at least one when the percentage is above zero, at most all of them.
    pub fn changed_count(&self, existing: usize) -> usize {
        if existing == 0 || self.changed_percent.is_nan() || self.changed_percent <= 0.0 {
            return 0;
        }
        let count = (existing as f64 * self.changed_percent / 100.0).round() as usize;
        count.clamp(1, existing)
    }

    /// The generation indices of the conversations that gained messages, in increasing order:
    /// `changed_count(existing)` of them, spread evenly over all of them. Any conversation can:
    /// the day starts after its last activity, whenever that was.
    pub fn changed_indices(&self, existing: usize) -> Vec<usize> {
        let count = self.changed_count(existing);
        (0..count).map(|step| step * existing / count).collect()
    }
}

/// Salts of the day's random streams, far from the indices and small salts the original data
/// forks its streams with.
const EXTRA_MESSAGES_SALT: u64 = 0x4C41_5445_522D_4D53; // "LATER-MS"
const NEW_CONVERSATIONS_SALT: u64 = 0x4C41_5445_522D_4E57; // "LATER-NW"
const PLACEMENT_SALT: u64 = 0x4C41_5445_522D_504C; // "LATER-PL"

/// The random streams of the day's activity for one vendor, forked from the vendor's root.
#[derive(Debug, Clone)]
pub(crate) struct Streams {
    extra_messages: Rng,
    new_conversations: Rng,
    placement: Rng,
}

impl Streams {
    pub fn new(root: &Rng) -> Self {
        Streams {
            extra_messages: root.fork(EXTRA_MESSAGES_SALT),
            new_conversations: root.fork(NEW_CONVERSATIONS_SALT),
            placement: root.fork(PLACEMENT_SALT),
        }
    }

    /// The stream of the messages the conversation generated at `index` gained.
    pub fn extra_messages(&self, index: usize) -> Rng {
        self.extra_messages.fork(index as u64)
    }

    /// The stream of the `number`th new conversation's content.
    pub fn new_conversation(&self, number: usize) -> Rng {
        self.new_conversations.fork(number as u64)
    }

    /// When the `number`th new conversation starts, given that it lasts `span`: uniformly in
    /// the day, so that its last message is still within the day. Drawn from a stream apart from
    /// its content, so that measuring the span first (by generating it once) changes nothing.
    pub fn new_conversation_start(&self, number: usize, day: Day, span: Duration) -> DateTime<Utc> {
        let latest = (DAY_SECONDS - span.num_seconds() - 1).max(1) as u64;
        let mut rng = self.placement.fork(number as u64);
        day.start + Duration::seconds(rng.range(1, latest) as i64)
    }
}

/// When a generated conversation starts.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Start {
    /// Drawn from the conversation's stream, in the days before this anchor: the original world.
    Before(DateTime<Utc>),
    /// At this instant, drawing nothing: a new conversation of the later world.
    At(DateTime<Utc>),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn later(changed_percent: f64) -> Later {
        Later {
            changed_percent,
            new_conversations: 0,
        }
    }

    #[test]
    fn changed_count_rounds_with_at_least_one() {
        assert_eq!(later(0.0).changed_count(100), 0);
        assert_eq!(later(-3.0).changed_count(100), 0);
        assert_eq!(later(f64::NAN).changed_count(100), 0);
        assert_eq!(later(0.1).changed_count(100), 1, "above zero: at least one");
        assert_eq!(later(10.0).changed_count(250), 25);
        assert_eq!(later(2.5).changed_count(30), 1);
        assert_eq!(later(150.0).changed_count(8), 8, "never more than exist");
        assert_eq!(later(50.0).changed_count(0), 0);
    }

    #[test]
    fn changed_indices_spread_evenly() {
        assert_eq!(later(20.0).changed_indices(10), vec![0, 5]);
        assert_eq!(later(30.0).changed_indices(10), vec![0, 3, 6]);
        assert_eq!(later(100.0).changed_indices(4), vec![0, 1, 2, 3]);
        assert!(later(0.0).changed_indices(10).is_empty());
        assert!(later(50.0).changed_indices(0).is_empty());
    }

    #[test]
    fn the_day_starts_after_the_anchor_and_after_everything_already_there() {
        let anchor = DateTime::<Utc>::UNIX_EPOCH + Duration::days(20_000);
        let minute = Duration::seconds(GAP_SECONDS);
        assert_eq!(Day::after(anchor, None).start, anchor + minute);
        let before = anchor - Duration::hours(5);
        assert_eq!(Day::after(anchor, Some(before)).start, anchor + minute);
        // Past the anchor, with microseconds (Mindo's rows carry them): a whole second after.
        let past = anchor + Duration::days(3) + Duration::microseconds(250_001);
        let day = Day::after(anchor, Some(past));
        assert_eq!(day.start, anchor + Duration::days(3) + minute);
        assert!(day.start > past);
        assert_eq!(day.horizon(), day.start + Duration::days(1));
        assert!(!day.contains(day.start));
        assert!(day.contains(day.start + Duration::microseconds(1)));
        assert!(day.contains(day.horizon()));
        assert!(!day.contains(day.horizon() + Duration::seconds(1)));
    }

    #[test]
    fn new_conversations_start_within_the_day_and_end_before_it_ends() {
        let streams = Streams::new(&Rng::new(1));
        let day = Day::after(DateTime::<Utc>::UNIX_EPOCH, None);
        for number in 0..200 {
            let span = Duration::seconds(number as i64 * 400);
            let start = streams.new_conversation_start(number, day, span);
            assert!(day.contains(start));
            assert!(start + span <= day.horizon());
        }
    }
}
