//! Requests and responses as plain values.
//!
//! Connectors build `Request`s and read responses; they never perform I/O. The transport adds
//! the credentials at the last moment, so a `Request` never holds a key and can be shown in an
//! error's technical details as it is.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Characters left as they are in a query component (RFC 3986 unreserved).
const QUERY_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Always GET: the app only reads.
    pub url: String,
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// `base` + `path` + the query built from `params` (empty values are left out).
    pub fn get(base: &str, path: &str, params: &[(String, String)]) -> Self {
        let mut url = format!("{}{}", base.trim_end_matches('/'), path);
        let mut separator = '?';
        for (name, value) in params.iter().filter(|(_, value)| !value.is_empty()) {
            url.push(separator);
            url.push_str(&encode_component(name));
            url.push('=');
            url.push_str(&encode_component(value));
            separator = '&';
        }
        Request {
            url,
            headers: vec![("Accept".into(), "application/json".into())],
        }
    }
}

pub fn encode_component(text: &str) -> String {
    utf8_percent_encode(text, QUERY_COMPONENT).to_string()
}

/// Status and headers of a response; the body is read separately, possibly in chunks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseHead {
    pub status: u16,
    /// Header names are lowercase. Cross-origin, the browser only shows the safelisted ones and
    /// those the server exposes (`Access-Control-Expose-Headers`).
    pub headers: Vec<(String, String)>,
}

impl ResponseHead {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_is_encoded_and_empty_values_skipped() {
        let params = vec![
            (
                "created_after".to_string(),
                "2026-05-01T00:00:00+02:00".to_string(),
            ),
            ("handoff_status".to_string(), String::new()),
            ("search".to_string(), "crème & co".to_string()),
        ];
        let request = Request::get("https://api.example.com/v1/", "/conversations", &params);
        assert_eq!(
            request.url,
            "https://api.example.com/v1/conversations?created_after=2026-05-01T00%3A00%3A00%2B02%3A00&search=cr%C3%A8me%20%26%20co"
        );
    }
}
