//! Numbers, durations and times as people read them.

use chrono::SecondsFormat;

use crate::model::Timestamp;

/// `12345` -> `12,345`.
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// `4.2 s`, `2 min 05 s`.
pub fn duration(ms: f64) -> String {
    let seconds = ms / 1000.0;
    if seconds < 60.0 {
        format!("{seconds:.1} s")
    } else {
        let whole = seconds.round() as u64;
        format!("{} min {:02} s", whole / 60, whole % 60)
    }
}

/// `2026-05-15 10:01 UTC`.
pub fn time(at: &Option<Timestamp>) -> String {
    at.map(|at| at.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

/// The machine-readable form, for `<time datetime>`.
pub fn iso(at: &Option<Timestamp>) -> String {
    at.map(|at| at.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// `2026-05-15 12:01` on a clock `offset_minutes` ahead of UTC (the user's own).
pub fn local_time(at: Timestamp, offset_minutes: i32) -> String {
    (at + chrono::Duration::minutes(i64::from(offset_minutes)))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// `850 KB`, `12 MB`, `2.1 GB`: sizes in the decimal units storage is sold in.
pub fn bytes(n: f64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KB", "MB", "GB", "TB"];
    let mut value = n.max(0.0);
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 || value >= 10.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// A price as the vendor gave it, with two decimals.
pub fn price(value: f64) -> String {
    format!("{value:.2}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_local_times_read_as_people_say_them() {
        assert_eq!(bytes(512.0), "512 bytes");
        assert_eq!(bytes(850_000.0), "850 KB");
        assert_eq!(bytes(2_140_000_000.0), "2.1 GB");
        assert_eq!(bytes(12_400_000.0), "12 MB");
        let at: Timestamp = "2026-05-15T10:01:00Z".parse().unwrap();
        assert_eq!(local_time(at, 120), "2026-05-15 12:01");
        assert_eq!(local_time(at, -660), "2026-05-14 23:01");
    }

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1234567), "1,234,567");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(4_200.0), "4.2 s");
        assert_eq!(duration(125_000.0), "2 min 05 s");
    }

    #[test]
    fn times_in_utc() {
        let at = "2026-05-15T10:01:30Z".parse().ok();
        assert_eq!(time(&at), "2026-05-15 10:01 UTC");
        assert_eq!(iso(&at), "2026-05-15T10:01:30Z");
        assert_eq!(time(&None), "");
        assert_eq!(price(29.9), "29.90");
    }
}
