//! When to try a request again, and how long to wait first.

use chrono::DateTime;

use crate::model::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RetryPolicy {
    /// Attempts per request for server errors, timeouts, dropped connections and unreadable pages.
    pub max_attempts: u32,
    /// Rate-limit answers tolerated per request before giving up.
    pub max_rate_limited: u32,
    /// First backoff step; each retry doubles it, up to `max_delay_ms`.
    pub base_delay_ms: f64,
    pub max_delay_ms: f64,
    /// A `Retry-After` longer than this is capped, so a confused vendor cannot stall an export for hours.
    pub max_retry_after_ms: f64,
    /// Retries of all requests together, per run (a Resume starts a new budget).
    pub run_budget: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            max_rate_limited: 8,
            base_delay_ms: 500.0,
            max_delay_ms: 30_000.0,
            max_retry_after_ms: 120_000.0,
            run_budget: 200,
        }
    }
}

impl RetryPolicy {
    /// Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And
    /// Jitter"): a uniform wait in `[0, min(cap, base * 2^retry))`, so that many clients retrying
    /// together spread out instead of striking again in step. `retry` counts from 0.
    pub fn backoff_ms(&self, retry: u32, random: f64) -> f64 {
        let ceiling = (self.base_delay_ms * 2f64.powi(retry.min(30) as i32)).min(self.max_delay_ms);
        // Never zero: a retry should leave the server at least a moment.
        (ceiling * random).max(self.base_delay_ms / 10.0)
    }
}

/// Reads `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3), in milliseconds from `now`.
pub fn retry_after_ms(value: &str, now: Timestamp) -> Option<f64> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(seconds as f64 * 1000.0);
    }
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then_some(seconds * 1000.0);
    }
    let at = DateTime::parse_from_rfc2822(value).ok()?;
    Some((at.timestamp_millis() - now.timestamp_millis()).max(0) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn backoff_grows_and_stays_under_the_cap() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.backoff_ms(0, 0.999_999).round(), 500.0);
        assert_eq!(policy.backoff_ms(3, 0.999_999).round(), 4000.0);
        assert_eq!(policy.backoff_ms(20, 0.999_999).round(), 30_000.0);
        assert_eq!(policy.backoff_ms(3, 0.0), 50.0);
        assert!((policy.backoff_ms(2, 0.5) - 1000.0).abs() < 1e-9);
    }

    #[test]
    fn retry_after_in_both_forms() {
        let now = Utc.with_ymd_and_hms(2026, 7, 1, 12, 0, 0).unwrap();
        assert_eq!(retry_after_ms("12", now), Some(12_000.0));
        assert_eq!(retry_after_ms(" 0 ", now), Some(0.0));
        assert_eq!(
            retry_after_ms("Wed, 01 Jul 2026 12:00:30 GMT", now),
            Some(30_000.0)
        );
        assert_eq!(
            retry_after_ms("Wed, 01 Jul 2026 11:00:00 GMT", now),
            Some(0.0)
        );
        assert_eq!(retry_after_ms("soon", now), None);
        assert_eq!(retry_after_ms("-5", now), None);
    }
}
