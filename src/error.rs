//! Errors for people: what happened and what to do, with the technical detail one click below.

use serde_json::Value;

use crate::http::ResponseHead;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 401: the key is missing, wrong or revoked.
    Unauthorized,
    /// 403: the key may not read this.
    Forbidden,
    NotFound,
    /// 400 and other client errors: a filter or cursor the vendor refused.
    Rejected,
    RateLimited,
    /// 5xx.
    Server,
    /// No status at all: offline, or the browser refused the call (CORS).
    Network,
    Timeout,
    /// The vendor answered, but not with what its documentation promises.
    Malformed,
}

impl ErrorKind {
    /// Whether trying the same request again may succeed.
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            ErrorKind::RateLimited
                | ErrorKind::Server
                | ErrorKind::Network
                | ErrorKind::Timeout
                | ErrorKind::Malformed
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchError {
    pub kind: ErrorKind,
    /// One or two sentences for a non-technical reader: what happened, what to do.
    pub summary: String,
    /// For whoever helps them: request, status, the vendor's code and message.
    pub details: String,
}

impl FetchError {
    pub fn new(kind: ErrorKind, summary: impl Into<String>, details: impl Into<String>) -> Self {
        FetchError {
            kind,
            summary: summary.into(),
            details: details.into(),
        }
    }

    /// Removes every occurrence of `secret`, in case a vendor or a proxy echoed the key back.
    pub fn redacted(mut self, secret: &str) -> Self {
        if secret.len() >= 4 {
            self.summary = self.summary.replace(secret, "[API key]");
            self.details = self.details.replace(secret, "[API key]");
        }
        self
    }

    /// Prefixes the details with what was being fetched.
    pub fn during(mut self, label: &str, url: &str) -> Self {
        self.details = format!("While fetching {label}\nGET {url}\n{}", self.details);
        self
    }
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.summary)
    }
}

/// One row of a vendor's documented error table.
#[derive(Debug, Clone, Copy)]
pub struct ErrorRule {
    pub status: u16,
    /// The vendor's error code; `None` matches any code with this status.
    pub code: Option<&'static str>,
    pub kind: ErrorKind,
    /// What to tell the user. `{vendor}` is replaced by the vendor's name.
    pub message: &'static str,
}

/// What a vendor said in an error body, wherever it put it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VendorComplaint {
    pub code: Option<String>,
    pub message: Option<String>,
    pub details: Option<String>,
}

impl VendorComplaint {
    /// Reads the common shapes: `{"error": {"code", "message", "details"}}`, `{"code", "message"}`,
    /// `{"error": "code", "error_description": ...}` and Mindo's `{"_error": {...}}`.
    pub fn parse(body: &[u8]) -> Self {
        let Ok(value) = serde_json::from_slice::<Value>(body) else {
            let text = String::from_utf8_lossy(body)
                .trim()
                .chars()
                .take(300)
                .collect::<String>();
            return VendorComplaint {
                message: (!text.is_empty()).then_some(text),
                ..Default::default()
            };
        };
        Self::from_value(&value)
    }

    pub fn from_value(value: &Value) -> Self {
        let inner = ["error", "_error"]
            .iter()
            .find_map(|key| value.get(key).filter(|v| v.is_object()))
            .unwrap_or(value);
        let text = |v: Option<&Value>| -> Option<String> {
            match v? {
                Value::String(s) => Some(s.clone()),
                Value::Null => None,
                other => Some(other.to_string()),
            }
        };
        let code = text(inner.get("code")).or_else(|| {
            value
                .get("error")
                .and_then(Value::as_str)
                .map(str::to_owned)
        });
        VendorComplaint {
            code,
            message: text(inner.get("message")).or_else(|| text(value.get("error_description"))),
            details: text(inner.get("details")),
        }
    }

    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(code) = &self.code {
            parts.push(format!("code: {code}"));
        }
        if let Some(message) = &self.message {
            parts.push(format!("message: {message}"));
        }
        if let Some(details) = &self.details {
            parts.push(format!("details: {details}"));
        }
        parts.join("\n")
    }
}

/// Turns an error response into a message, using the vendor's table first, then general rules.
pub fn classify_response(
    vendor_name: &str,
    rules: &[ErrorRule],
    head: &ResponseHead,
    body: &[u8],
) -> FetchError {
    let complaint = VendorComplaint::parse(body);
    let status = head.status;
    let rule = rules
        .iter()
        .find(|rule| {
            rule.status == status && rule.code.is_some() && rule.code == complaint.code.as_deref()
        })
        .or_else(|| {
            rules
                .iter()
                .find(|rule| rule.status == status && rule.code.is_none())
        });
    let (kind, mut summary) = match rule {
        Some(rule) => (rule.kind, rule.message.replace("{vendor}", vendor_name)),
        None => general(vendor_name, status),
    };
    if kind == ErrorKind::Rejected {
        if let Some(reason) = complaint.details.as_ref().or(complaint.message.as_ref()) {
            summary = format!("{summary} {vendor_name} said: {reason}");
        }
    }
    let details = format!("HTTP {status}\n{}", complaint.describe());
    FetchError::new(kind, summary, details.trim_end().to_string())
}

fn general(vendor: &str, status: u16) -> (ErrorKind, String) {
    match status {
        401 => (
            ErrorKind::Unauthorized,
            format!("{vendor} did not accept this API key. Check that you pasted the whole key, then try again."),
        ),
        403 => (
            ErrorKind::Forbidden,
            format!("This API key is not allowed to read conversations in {vendor}. Ask an admin for a key with read access."),
        ),
        404 => (
            ErrorKind::NotFound,
            format!("{vendor} did not find this address. Check the base URL."),
        ),
        429 => (
            ErrorKind::RateLimited,
            format!("{vendor} is limiting how fast this key may ask. Wait a minute, then press Resume."),
        ),
        500..=599 => (
            ErrorKind::Server,
            format!("{vendor} had a problem on its side (error {status}) and kept failing. Try Resume in a few minutes."),
        ),
        _ => (
            ErrorKind::Rejected,
            format!("{vendor} refused the request (error {status})."),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(status: u16) -> ResponseHead {
        ResponseHead {
            status,
            headers: vec![],
        }
    }

    const RULES: &[ErrorRule] = &[
        ErrorRule {
            status: 401,
            code: Some("revoked"),
            kind: ErrorKind::Unauthorized,
            message: "Revoked in {vendor}.",
        },
        ErrorRule {
            status: 400,
            code: None,
            kind: ErrorKind::Rejected,
            message: "{vendor} refused a filter.",
        },
    ];

    #[test]
    fn vendor_rule_wins_over_general_rule() {
        let error = classify_response(
            "Acme",
            RULES,
            &head(401),
            br#"{"error":{"code":"revoked","message":"gone"}}"#,
        );
        assert_eq!(error.kind, ErrorKind::Unauthorized);
        assert_eq!(error.summary, "Revoked in Acme.");
        assert!(error.details.contains("code: revoked"));
    }

    #[test]
    fn unknown_code_falls_back_to_status() {
        let error = classify_response("Acme", RULES, &head(401), br#"{"error":{"code":"weird"}}"#);
        assert!(error
            .summary
            .starts_with("Acme did not accept this API key"));
    }

    #[test]
    fn rejected_requests_quote_the_vendor_reason() {
        let body = br#"{"error":{"code":"validation_failed","details":{"field":"cursor"}}}"#;
        let error = classify_response("Acme", RULES, &head(400), body);
        assert_eq!(
            error.summary,
            r#"Acme refused a filter. Acme said: {"field":"cursor"}"#
        );
    }

    #[test]
    fn non_json_bodies_are_quoted_briefly() {
        let error = classify_response("Acme", &[], &head(502), b"<html>Bad gateway</html>");
        assert_eq!(error.kind, ErrorKind::Server);
        assert!(error.details.contains("Bad gateway"));
    }

    #[test]
    fn redaction_removes_the_key() {
        let error = FetchError::new(
            ErrorKind::Unauthorized,
            "key hmd_live_abc is bad",
            "Bearer hmd_live_abc",
        )
        .redacted("hmd_live_abc");
        assert!(!error.summary.contains("hmd_live_abc"));
        assert!(!error.details.contains("hmd_live_abc"));
    }
}
