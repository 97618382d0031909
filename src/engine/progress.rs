//! What the user sees while an export runs.

/// Counters of a run, kept across Resume.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    pub requests: u32,
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
    pub notices: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct WindowProgress {
    /// "2026-04-01 – 2026-05-02".
    pub label: String,
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

    /// The fraction done, when the vendor gives a total.
    pub fn fraction(&self) -> Option<f64> {
        let total = self.expected_total?;
        Some(if total == 0 {
            1.0
        } else {
            (self.conversations as f64 / total as f64).min(1.0)
        })
    }

    /// Whether the vendor's total changed during the export, as (first, last).
    pub fn total_changed(&self) -> Option<(u64, u64)> {
        match (self.first_total, self.expected_total) {
            (Some(first), Some(last)) if first != last => Some((first, last)),
            _ => None,
        }
    }
}
