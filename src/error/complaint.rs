//! What a vendor says when it refuses a request, wherever in its body it says it, and which row
//! of its documented error table that matches.

use serde_json::Value;

use super::{ErrorKind, ErrorRule, Problem};
use crate::http::ResponseHead;

/// What a vendor said in an error body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VendorComplaint {
    pub code: Option<String>,
    pub message: Option<String>,
    pub details: Option<String>,
}

impl VendorComplaint {
    /// Reads the common shapes: `{"error": {"code", "message", "details"}}`, `{"code", "message"}`,
    /// `{"error": "code", "error_description": ...}` and Mindo's `{"_error": {...}}`. A body that
    /// is not JSON is quoted briefly.
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

    /// The most specific thing the vendor said about why.
    pub fn reason(&self) -> Option<&str> {
        self.details.as_deref().or(self.message.as_deref())
    }

    /// `code: ...`, `message: ...`, `details: ...`, a line each.
    pub fn describe(&self) -> String {
        [
            ("code", &self.code),
            ("message", &self.message),
            ("details", &self.details),
        ]
        .iter()
        .filter_map(|(name, value)| value.as_ref().map(|value| format!("{name}: {value}")))
        .collect::<Vec<_>>()
        .join("\n")
    }

    pub(super) fn each_text(&mut self, visit: &mut dyn FnMut(&mut String)) {
        for text in [&mut self.code, &mut self.message, &mut self.details]
            .into_iter()
            .flatten()
        {
            visit(text);
        }
    }
}

/// Reads an error response: the vendor's documented row for its status and code first, then the
/// row for its status alone.
pub fn classify_response(rules: &[ErrorRule], head: &ResponseHead, body: &[u8]) -> Problem {
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
        })
        .copied();
    Problem::Refused {
        status,
        rule,
        complaint,
    }
}

/// The kind of an error status no documented row describes.
pub(super) fn kind_of_status(status: u16) -> ErrorKind {
    match status {
        401 => ErrorKind::Unauthorized,
        403 => ErrorKind::Forbidden,
        404 => ErrorKind::NotFound,
        429 => ErrorKind::RateLimited,
        500..=599 => ErrorKind::Server,
        _ => ErrorKind::Rejected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FetchError;
    use crate::vendors::VendorId;

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
            message: "Revoked in Humind.",
        },
        ErrorRule {
            status: 400,
            code: None,
            kind: ErrorKind::Rejected,
            message: "Humind refused a filter.",
        },
    ];

    fn error(status: u16, body: &[u8]) -> FetchError {
        FetchError::new(
            VendorId::Humind,
            classify_response(RULES, &head(status), body),
        )
    }

    #[test]
    fn vendor_rule_wins_over_general_rule() {
        let error = error(401, br#"{"error":{"code":"revoked","message":"gone"}}"#);
        assert_eq!(error.kind(), ErrorKind::Unauthorized);
        assert_eq!(error.summary(), "Revoked in Humind.");
        assert!(error.details().contains("code: revoked"));
    }

    #[test]
    fn unknown_code_falls_back_to_status() {
        let error = error(401, br#"{"error":{"code":"weird"}}"#);
        assert!(error
            .summary()
            .starts_with("Humind did not accept this API key"));
    }

    #[test]
    fn rejected_requests_quote_the_vendor_reason() {
        let body = br#"{"error":{"code":"validation_failed","details":{"field":"cursor"}}}"#;
        assert_eq!(
            error(400, body).summary(),
            r#"Humind refused a filter. Humind said: {"field":"cursor"}"#
        );
    }

    #[test]
    fn non_json_bodies_are_quoted_briefly() {
        let error = error(502, b"<html>Bad gateway</html>");
        assert_eq!(error.kind(), ErrorKind::Server);
        assert!(error.details().contains("Bad gateway"));
    }

    #[test]
    fn redaction_removes_the_key_wherever_the_vendor_echoed_it() {
        let error = error(
            401,
            br#"{"error":{"code":"invalid_key","message":"key hmd_live_abc is bad"}}"#,
        )
        .during(
            "page 1 of conversations",
            "https://x.test/v1?echo=hmd_live_abc",
            crate::error::Scope::List,
        )
        .redacted("hmd_live_abc");
        assert!(!error.summary().contains("hmd_live_abc"));
        assert!(!error.details().contains("hmd_live_abc"));
        assert!(error.details().contains("[API key]"));
    }
}
