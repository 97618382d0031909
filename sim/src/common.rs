//! Helpers the simulated vendors share.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

use crate::http::{SimRequest, SimResponse};

pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The latest RFC 3339 instant anywhere in `value` (every string is tried; a bare date is not an
/// instant), `None` when it holds none.
pub fn latest_instant(value: &Value) -> Option<DateTime<Utc>> {
    match value {
        Value::String(text) => DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|at| at.with_timezone(&Utc)),
        Value::Array(items) => items.iter().filter_map(latest_instant).max(),
        Value::Object(fields) => fields.values().filter_map(latest_instant).max(),
        _ => None,
    }
}

/// The bearer token of a request, or the 401 a vendor answers without one.
pub fn bearer(request: &SimRequest) -> Result<&str, SimResponse> {
    let token = request
        .header("authorization")
        .and_then(|header| header.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|token| !token.is_empty());
    token.ok_or_else(|| {
        SimResponse::error(
            401,
            "unauthorized",
            "Missing or malformed Authorization header.",
            Value::Null,
        )
    })
}

/// A named header's key, or the 401 a vendor answers without one.
pub fn header_key<'r>(request: &'r SimRequest, name: &str) -> Result<&'r str, SimResponse> {
    request
        .header(name)
        .map(str::trim)
        .filter(|key| !key.is_empty())
        .ok_or_else(|| {
            SimResponse::error(
                401,
                "unauthorized",
                &format!("Missing {name} header."),
                Value::Null,
            )
        })
}

pub fn invalid_key() -> SimResponse {
    SimResponse::error(401, "unauthorized", "Invalid API key.", Value::Null)
}

pub fn bad_request(field: &str, issue: &str) -> SimResponse {
    SimResponse::error(
        400,
        "invalid_request",
        &format!("Invalid parameter: {field}"),
        json!({ "field": field, "issue": issue }),
    )
}

pub fn not_found() -> SimResponse {
    SimResponse::error(404, "not_found", "Not found.", Value::Null)
}

/// `limit` as an integer in `1..=max` (after `clamp`, if the vendor clamps), or a 400.
pub fn limit(
    request: &SimRequest,
    default: usize,
    max: usize,
    clamp: bool,
) -> Result<usize, SimResponse> {
    match request.param("limit") {
        None => Ok(default),
        Some(text) => match text.parse::<usize>() {
            Ok(limit) if limit >= 1 && (limit <= max || clamp) => Ok(limit.min(max)),
            _ => Err(bad_request(
                "limit",
                &format!("expected an integer from 1 to {max}"),
            )),
        },
    }
}

/// The offset a cursor encodes (0 without one), or a 400.
pub fn cursor_offset(request: &SimRequest) -> Result<usize, SimResponse> {
    match request.param("cursor") {
        None | Some("") => Ok(0),
        Some(cursor) => {
            crate::cursor::decode(cursor).ok_or_else(|| bad_request("cursor", "invalid cursor"))
        }
    }
}

/// A page of `items` from `offset`, and the cursor of the next page when there is one.
pub fn page<T>(items: &[T], offset: usize, limit: usize) -> (&[T], Option<String>) {
    let start = offset.min(items.len());
    let end = (offset + limit).min(items.len());
    let next = (end < items.len()).then(|| crate::cursor::encode(end));
    (&items[start..end], next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_instant_looks_everywhere() {
        let value = json!({
            "at": "2026-06-01T10:00:00Z",
            "steps": [{ "due": "2026-06-03T08:00:00+02:00" }, { "due": null }],
            "event_date": "2026-12-31",
            "text": "2027-01-01T00:00:00Z is not a date-time with words around it",
            "count": 3,
        });
        let expected = DateTime::parse_from_rfc3339("2026-06-03T06:00:00Z").unwrap();
        assert_eq!(latest_instant(&value), Some(expected.with_timezone(&Utc)));
        assert_eq!(latest_instant(&json!({ "a": [1, "x"] })), None);
    }
}
