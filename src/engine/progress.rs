//! What the user sees while an export runs.

use crate::vendors::Window;

/// Counters of a run, kept across Resume.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    pub requests: u32,
    /// Rows of streamed answers read so far and not yet stored (Mindo's NDJSON as it arrives).
    pub arriving: usize,
    pub pages: u32,
    pub retries: u32,
    pub conversations: usize,
    pub messages: usize,
    /// The number of records the vendor says match, as it said last.
    pub expected_total: Option<u64>,
    /// The total the vendor gave first: a different last total means records came or went
    /// while the export ran.
    pub first_total: Option<u64>,
    /// Per date window, for vendors whose range is split.
    pub windows: Vec<WindowProgress>,
    /// Milliseconds spent running before the current stretch (Resume adds up).
    pub elapsed_before_ms: f64,
    /// When the current stretch began, on the engine's clock.
    pub running_since_ms: Option<f64>,
    /// Set while the engine waits before retrying.
    pub waiting: Option<Waiting>,
    /// Things the user should know about how the export went (a list read again...).
    pub notices: Vec<Notice>,
    /// Whether each record of the main list has a list of its own to fetch (HueChat's
    /// messages): the work is then twice the list.
    pub has_follow_ups: bool,
    /// Follow-up lists scheduled, and read to their end.
    pub follow_ups_scheduled: usize,
    pub follow_ups_done: usize,
    /// Whether the main list (of a vendor without date windows) has been read to its end.
    pub list_done: bool,
}

/// Where a run is, in the words of its work.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stage {
    /// Reading the main list: so many records, of the total the vendor gives, if it does.
    Listing { listed: usize, total: Option<u64> },
    /// Reading each conversation's own list (its messages).
    FollowUps { done: usize, of: usize },
    /// Reading date windows side by side.
    Windows { done: usize, of: usize },
}

/// Something about how an export went that changes nothing in its files, but that a careful
/// reader would want to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The vendor refused a page's cursor, so its list was read again from the first page (the
    /// store keeps each record once). `at` names the page, as `Step` prints it.
    ListReadAgain { at: String },
}

impl Notice {
    pub fn describe(&self, vendor: &str) -> String {
        match self {
            Notice::ListReadAgain { at } => format!(
                "{vendor} no longer accepted the position in its list at {at}: that list was read again from its first page. Nothing is missing or repeated in the files."
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct WindowProgress {
    pub window: Window,
    pub pages: u32,
    pub records: usize,
    pub done: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Waiting {
    /// On the engine's clock.
    pub until_ms: f64,
    pub reason: WaitReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitReason {
    /// The vendor asked us to slow down (429).
    RateLimit,
    /// A failed request is about to be tried again.
    Retry,
}

impl Progress {
    pub fn elapsed_ms(&self, now_ms: f64) -> f64 {
        self.elapsed_before_ms
            + self
                .running_since_ms
                .map_or(0.0, |since| (now_ms - since).max(0.0))
    }

    pub fn stage(&self) -> Stage {
        if !self.windows.is_empty() {
            return Stage::Windows {
                done: self.windows.iter().filter(|w| w.done).count(),
                of: self.windows.len(),
            };
        }
        if self.has_follow_ups && self.list_done {
            return Stage::FollowUps {
                done: self.follow_ups_done,
                of: self.follow_ups_scheduled,
            };
        }
        Stage::Listing {
            listed: self.conversations,
            total: self.expected_total,
        }
    }

    /// The share of the whole run's work done, when it can be known: all of it, follow-ups
    /// included, so the bar reaches the end only when the run does.
    pub fn fraction(&self) -> Option<f64> {
        let share = |done: usize, of: u64| {
            if of == 0 {
                1.0
            } else {
                (done as f64 / of as f64).min(1.0)
            }
        };
        if !self.windows.is_empty() {
            let done = self.windows.iter().filter(|w| w.done).count();
            return Some(share(done, self.windows.len() as u64));
        }
        let total = self.expected_total?;
        let listed = share(self.conversations, total);
        if !self.has_follow_ups {
            return Some(listed);
        }
        let followed = share(
            self.follow_ups_done,
            total.max(self.follow_ups_scheduled as u64),
        );
        Some((listed + followed) / 2.0)
    }

    /// Whether the vendor's total changed during the export, as (first, last).
    pub fn total_changed(&self) -> Option<(u64, u64)> {
        match (self.first_total, self.expected_total) {
            (Some(first), Some(last)) if first != last => Some((first, last)),
            _ => None,
        }
    }
}
