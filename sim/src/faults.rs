//! Faults the simulator can inject, shared by the in-process transport and the HTTP server.

use crate::http::SimResponse;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// 429 with an optional `Retry-After` (seconds or an HTTP date). When `exposed` is false the
    /// server does not list it in `Access-Control-Expose-Headers`, so a browser cannot read it.
    RateLimit {
        retry_after: Option<String>,
        exposed: bool,
    },
    /// A 5xx status with a short HTML body, as proxies send.
    Status(u16),
    /// The connection closes before any response.
    Drop,
    /// The response arrives after the client's timeout.
    Slow,
    /// The body stops halfway.
    Truncate,
    /// The body is not JSON at all.
    Malformed,
    /// NDJSON: half the lines, then an `{"_error": ...}` line, as a stream that fails midway.
    StreamError,
    /// A request that carries a cursor gets a 400: the vendor no longer accepts it (expired).
    RejectCursor,
    /// 401: the key was revoked while the export ran.
    Revoked,
    /// The answer lacks CORS headers: a browser refuses it, as it does for a vendor that does not
    /// allow calls from web pages.
    NoCors,
    /// The first half of the body at once, the rest after a pause (the server's `--slow-ms`): a
    /// client that reads the body as a stream has the first rows before the last arrive.
    Pause,
}

impl Fault {
    /// Parses the server's `--fault` flag values: `429`, `429:5`, `429:5:hidden`, `500`, `502`,
    /// `503`, `drop`, `slow`, `truncate`, `malformed`, `stream_error`, `reject_cursor`, `revoked`,
    /// `nocors`, `pause`.
    pub fn parse(text: &str) -> Option<Fault> {
        let mut parts = text.split(':');
        match parts.next()? {
            "429" => {
                let retry_after = parts.next().map(str::to_owned).filter(|s| !s.is_empty());
                let exposed = parts.next() != Some("hidden");
                Some(Fault::RateLimit {
                    retry_after,
                    exposed,
                })
            }
            "drop" => Some(Fault::Drop),
            "slow" => Some(Fault::Slow),
            "truncate" => Some(Fault::Truncate),
            "malformed" => Some(Fault::Malformed),
            "stream_error" => Some(Fault::StreamError),
            "reject_cursor" => Some(Fault::RejectCursor),
            "revoked" => Some(Fault::Revoked),
            "nocors" => Some(Fault::NoCors),
            "pause" => Some(Fault::Pause),
            code => match code.parse::<u16>() {
                Ok(status @ 500..=599) => Some(Fault::Status(status)),
                _ => None,
            },
        }
    }

    /// The response this fault turns `response` into, for faults that have one.
    /// `path_and_query` is the request's, for faults that depend on it.
    pub fn apply(&self, path_and_query: &str, response: SimResponse) -> Option<SimResponse> {
        match self {
            Fault::RejectCursor => path_and_query.contains("cursor=").then(|| {
                SimResponse::error(
                    400,
                    "validation_failed",
                    "The cursor is invalid or has expired.",
                    serde_json::json!({ "field": "cursor", "issue": "expired" }),
                )
            }),
            Fault::Revoked => Some(SimResponse::error(
                401,
                "revoked",
                "This API key has been revoked.",
                serde_json::Value::Null,
            )),
            Fault::RateLimit { retry_after, .. } => {
                let mut limited = SimResponse::json(
                    429,
                    &serde_json::json!({ "error": { "code": "rate_limited", "message": "Too many requests." } }),
                );
                if let Some(value) = retry_after {
                    limited = limited.with_header("retry-after", value);
                }
                Some(limited)
            }
            Fault::Status(status) => Some(SimResponse::text(
                *status,
                "text/html",
                format!("<html><body><h1>{status}</h1>upstream trouble</body></html>"),
            )),
            Fault::Truncate => {
                let mut cut = response;
                let keep = cut.body.len() / 2;
                cut.body.truncate(keep);
                Some(cut)
            }
            Fault::Malformed => Some(SimResponse::text(
                200,
                "application/json",
                "{\"data\": [oops".into(),
            )),
            Fault::StreamError => {
                let text = String::from_utf8_lossy(&response.body).into_owned();
                let lines: Vec<&str> = text.lines().collect();
                let mut kept: Vec<String> = lines[..lines.len() / 2]
                    .iter()
                    .map(|l| l.to_string())
                    .collect();
                kept.push(r#"{"_error": {"code": "STREAM_INTERRUPTED", "message": "Upstream database timeout"}}"#.into());
                Some(SimResponse::ndjson(kept))
            }
            Fault::Drop | Fault::Slow | Fault::NoCors | Fault::Pause => None,
        }
    }
}

/// Which requests get which fault: by their number (0-based), every n-th request, or every
/// request from one on.
#[derive(Debug, Clone, Default)]
pub struct FaultSchedule {
    pub at: Vec<(usize, Fault)>,
    pub every: Option<(usize, Fault)>,
    pub from: Option<(usize, Fault)>,
}

impl FaultSchedule {
    pub fn none() -> Self {
        Self::default()
    }

    pub fn at(mut self, request: usize, fault: Fault) -> Self {
        self.at.push((request, fault));
        self
    }

    pub fn every(mut self, period: usize, fault: Fault) -> Self {
        self.every = Some((period.max(1), fault));
        self
    }

    pub fn from(mut self, request: usize, fault: Fault) -> Self {
        self.from = Some((request, fault));
        self
    }

    pub fn fault_for(&self, request: usize) -> Option<&Fault> {
        if let Some((_, fault)) = self.at.iter().find(|(index, _)| *index == request) {
            return Some(fault);
        }
        if let Some((period, fault)) = &self.every {
            if request % period == period - 1 {
                return Some(fault);
            }
        }
        match &self.from {
            Some((first, fault)) if request >= *first => Some(fault),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_flags() {
        assert_eq!(
            Fault::parse("429:3:hidden"),
            Some(Fault::RateLimit {
                retry_after: Some("3".into()),
                exposed: false
            })
        );
        assert_eq!(
            Fault::parse("429"),
            Some(Fault::RateLimit {
                retry_after: None,
                exposed: true
            })
        );
        assert_eq!(Fault::parse("503"), Some(Fault::Status(503)));
        assert_eq!(Fault::parse("404"), None);
        assert_eq!(Fault::parse("drop"), Some(Fault::Drop));
    }

    #[test]
    fn schedule_by_index_and_period() {
        let schedule = FaultSchedule::none()
            .at(0, Fault::Drop)
            .every(3, Fault::Status(500));
        assert_eq!(schedule.fault_for(0), Some(&Fault::Drop));
        assert_eq!(schedule.fault_for(1), None);
        assert_eq!(schedule.fault_for(2), Some(&Fault::Status(500)));
        assert_eq!(schedule.fault_for(5), Some(&Fault::Status(500)));
    }
}
