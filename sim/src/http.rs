//! The simulator's view of HTTP: plain values, so the same `respond` function runs in a test, in
//! the axum server and inside the browser's Demo mode.

use percent_encoding::percent_decode_str;
use serde_json::Value;

/// A request as the simulator sees it: the path below the vendor's prefix and decoded query pairs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimRequest {
    pub method: String,
    /// The vendor's own path, e.g. `/public/v1/conversations`.
    pub path: String,
    /// Decoded query pairs in the order they were sent.
    pub query: Vec<(String, String)>,
    /// Header names are lowercase.
    pub headers: Vec<(String, String)>,
    /// The request's number in the simulator's life, from 0: lets data change while an export
    /// runs (new conversations arriving) without the simulator holding mutable state.
    pub sequence: usize,
}

impl SimRequest {
    /// Builds a request from a path with an optional `?query`.
    pub fn get(path_and_query: &str) -> Self {
        let (path, query) = match path_and_query.split_once('?') {
            Some((path, query)) => (path, query),
            None => (path_and_query, ""),
        };
        SimRequest {
            method: "GET".into(),
            path: decode(path),
            query: parse_query(query),
            headers: Vec::new(),
            sequence: 0,
        }
    }

    pub fn with_sequence(mut self, sequence: usize) -> Self {
        self.sequence = sequence;
        self
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers
            .push((name.to_ascii_lowercase(), value.to_string()));
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The first value of a query parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The path split on `/`, without empty segments.
    pub fn segments(&self) -> Vec<&str> {
        self.path.split('/').filter(|s| !s.is_empty()).collect()
    }
}

/// Splits `a=1&b=x%20y` into decoded pairs; `+` means a space, as in HTML forms.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key), decode(value))
        })
        .collect()
}

fn decode(text: &str) -> String {
    percent_decode_str(&text.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl SimResponse {
    pub fn json(status: u16, body: &Value) -> Self {
        SimResponse {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: serde_json::to_vec(body).expect("a JSON value always serialises"),
        }
    }

    pub fn text(status: u16, content_type: &str, body: String) -> Self {
        SimResponse {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into_bytes(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers
            .push((name.to_ascii_lowercase(), value.to_string()));
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The error body the simulated vendors share: `{"error": {"code", "message", "details"?}}`.
    pub fn error(status: u16, code: &str, message: &str, details: Value) -> Self {
        let mut body = serde_json::json!({ "error": { "code": code, "message": message } });
        if !details.is_null() {
            body["error"]["details"] = details;
        }
        SimResponse::json(status, &body)
    }

    pub fn ndjson(lines: Vec<String>) -> Self {
        let mut body = lines.join("\n");
        if !body.is_empty() {
            body.push('\n');
        }
        SimResponse::text(200, "application/x-ndjson", body)
    }

    pub fn body_json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("the simulator answered JSON")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_pairs_are_decoded() {
        let request = SimRequest::get("/v1/x?created_after=2026-05-01T00%3A00%3A00Z&q=a+b&flag");
        assert_eq!(request.param("created_after"), Some("2026-05-01T00:00:00Z"));
        assert_eq!(request.param("q"), Some("a b"));
        assert_eq!(request.param("flag"), Some(""));
        assert_eq!(request.param("missing"), None);
        assert_eq!(request.segments(), vec!["v1", "x"]);
    }
}
