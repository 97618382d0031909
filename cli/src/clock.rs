//! The real clock: a monotonic `Instant` for the engine's timing, the system time for dates,
//! tokio's timers for waiting.

use std::cell::Cell;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chrono::{TimeZone, Utc};
use conversation_export::engine::clock::Clock;
use conversation_export::model::Timestamp;

pub struct SystemClock {
    start: Instant,
    seed: Cell<u64>,
}

impl SystemClock {
    pub fn new() -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0x2545_F491, |d| d.as_nanos() as u64);
        SystemClock {
            start: Instant::now(),
            seed: Cell::new(nanos | 1),
        }
    }
}

/// Now, on the system's clock.
pub fn now() -> Timestamp {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    Utc.timestamp_millis_opt(millis)
        .single()
        .unwrap_or_default()
}

impl Clock for SystemClock {
    fn now_ms(&self) -> f64 {
        self.start.elapsed().as_secs_f64() * 1000.0
    }

    fn wall(&self) -> Timestamp {
        now()
    }

    async fn sleep(&self, ms: f64) {
        tokio::time::sleep(Duration::from_secs_f64(ms.max(0.0) / 1000.0)).await;
    }

    async fn yield_to_page(&self) {
        tokio::task::yield_now().await;
    }

    fn random(&self) -> f64 {
        // xorshift64*: jitter only needs to differ between processes, not to be secret.
        let mut x = self.seed.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.seed.set(x);
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}
