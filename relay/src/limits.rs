//! The per-client request cap (`--max-requests-per-minute`).
//!
//! Each client address has a token bucket holding a minute's worth of requests, refilled
//! evenly: a burst of the whole minute's allowance is fine (an export pages quickly), a steady
//! stream above it is not. Only requests that would go upstream are counted; preflights and
//! refusals are answered locally and cost nothing upstream.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;

/// Buckets kept before idle ones are dropped, so the table cannot grow without bound.
const BUCKETS_KEPT: usize = 10_000;

#[derive(Debug)]
pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl RateLimiter {
    pub fn new(per_minute: u32) -> RateLimiter {
        RateLimiter {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub fn per_minute(&self) -> u32 {
        self.per_minute
    }

    /// Takes one request from `client`'s allowance at `now`, or says how long until one is
    /// free again.
    pub fn take(&self, client: IpAddr, now: Instant) -> Result<(), Duration> {
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= BUCKETS_KEPT && !buckets.contains_key(&client) {
            // A bucket that has refilled completely says nothing a fresh one would not.
            buckets.retain(|_, bucket| {
                let refilled = bucket.tokens
                    + now.saturating_duration_since(bucket.updated).as_secs_f64() * per_second;
                refilled < capacity
            });
        }
        let bucket = buckets.entry(client).or_insert(Bucket {
            tokens: capacity,
            updated: now,
        });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(capacity);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            // `per_minute` is at least 1 (checked at startup), so this is finite.
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_second))
        }
    }
}

/// Whole seconds for a `Retry-After` header, never 0 (a client would retry at once).
pub fn retry_after_secs(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// The client a request is counted against. Behind a reverse proxy every connection comes from
/// the proxy, so there the client is the address the proxy appended last to `X-Forwarded-For`
/// (earlier entries come from the client and could be anything).
pub fn client_address(peer: SocketAddr, headers: &HeaderMap, behind_proxy: bool) -> IpAddr {
    if behind_proxy {
        // Only the very last entry: if the proxy's own entry does not parse, an earlier one
        // (written by the client) is not trusted in its place.
        let last_hop = headers
            .get_all("x-forwarded-for")
            .iter()
            .next_back()
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.rsplit(',').next())
            .and_then(|entry| entry.trim().parse::<IpAddr>().ok());
        if let Some(address) = last_hop {
            return address;
        }
    }
    peer.ip()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    const CLIENT: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, 5));
    const OTHER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, 6));

    #[test]
    fn a_client_gets_its_minute_then_waits() {
        let limiter = RateLimiter::new(60);
        let start = Instant::now();
        for _ in 0..60 {
            assert!(limiter.take(CLIENT, start).is_ok());
        }
        let wait = limiter.take(CLIENT, start).unwrap_err();
        assert!(
            wait <= Duration::from_secs(1) && wait > Duration::from_millis(900),
            "{wait:?}"
        );
        // Another client has its own allowance.
        assert!(limiter.take(OTHER, start).is_ok());
        // One request a second comes back.
        assert!(limiter
            .take(CLIENT, start + Duration::from_millis(1001))
            .is_ok());
        assert!(limiter
            .take(CLIENT, start + Duration::from_millis(1002))
            .is_err());
    }

    #[test]
    fn retry_after_is_whole_seconds_and_never_zero() {
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1000)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1500)), 2);
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
    }

    #[test]
    fn behind_a_proxy_the_client_is_the_last_forwarded_address() {
        let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("1.2.3.4, 203.0.113.5"),
        );
        assert_eq!(client_address(peer, &headers, true), CLIENT);
        assert_eq!(client_address(peer, &headers, false), peer.ip());
        assert_eq!(client_address(peer, &HeaderMap::new(), true), peer.ip());
    }
}
