//! Errors for people: what went wrong is kept as values (`Problem`), and turned into words
//! (what happened, what to do, and the technical detail one click below) only where it is shown,
//! as the `csv` crate renders its `ErrorKind` through `Display`.

mod complaint;
mod words;

pub use complaint::{classify_response, VendorComplaint};

use crate::vendors::VendorId;

/// The broad class of a problem: what the engine decides on (retry or stop) and what tests ask.
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
    /// 5xx, or an error the vendor wrote into a streamed body.
    Server,
    /// No status at all: offline, or the browser refused the call (CORS).
    Network,
    Timeout,
    /// The vendor answered, but not with what its documentation promises.
    Malformed,
    /// A request for an address the key may not go to; nothing was sent.
    UntrustedAddress,
    /// What arrived could not be kept: a full disk or browser quota, or a storage failure.
    Storage,
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

/// What went wrong with one request, as values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The vendor answered with an error status. `rule` is the row of its documented error
    /// table that matched, if one did.
    Refused {
        status: u16,
        rule: Option<ErrorRule>,
        complaint: VendorComplaint,
    },
    /// No answer, and none so far in this run: offline, an unknown host, or a vendor that
    /// refuses calls from web pages (a browser does not say which).
    Unreachable {
        reason: String,
    },
    /// No answer, from a vendor that did answer earlier in this run.
    Dropped {
        reason: String,
    },
    /// No answer within the time allowed.
    TimedOut {
        seconds: u64,
    },
    /// A body that stopped arriving midway.
    BodyCut {
        reason: String,
    },
    BodyTimedOut,
    /// A body not shaped as the vendor documents.
    Malformed {
        detail: String,
    },
    /// The next page's cursor is this page's: following it would loop.
    RepeatedCursor {
        cursor: String,
    },
    /// A paginated list said there is more but gave no way to get it.
    MissingCursor,
    /// An error the vendor wrote into a streamed body, after rows had been sent.
    StreamError {
        complaint: VendorComplaint,
    },
    /// Transient failures used up the run's retry budget; `last` is the last of them.
    KeptFailing {
        retries: u32,
        last: Box<Problem>,
    },
    /// A request for another origin than the key's own (by host, as people read it).
    UntrustedAddress {
        requested: Option<String>,
        allowed: String,
    },
    /// The vendor's API has no endpoint for one conversation.
    NoSingleConversation,
    /// A page arrived but could not be kept (`full`: no room left).
    Storage {
        full: bool,
        detail: String,
    },
}

impl Problem {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Problem::Refused {
                status,
                rule,
                complaint: _,
            } => rule.map_or_else(|| complaint::kind_of_status(*status), |rule| rule.kind),
            Problem::Unreachable { .. } | Problem::Dropped { .. } | Problem::BodyCut { .. } => {
                ErrorKind::Network
            }
            Problem::TimedOut { .. } | Problem::BodyTimedOut => ErrorKind::Timeout,
            Problem::Malformed { .. } | Problem::RepeatedCursor { .. } | Problem::MissingCursor => {
                ErrorKind::Malformed
            }
            Problem::StreamError { .. } => ErrorKind::Server,
            Problem::KeptFailing { last, .. } => last.kind(),
            Problem::UntrustedAddress { .. } => ErrorKind::UntrustedAddress,
            Problem::NoSingleConversation => ErrorKind::NotFound,
            Problem::Storage { .. } => ErrorKind::Storage,
        }
    }
}

/// Whether a request was for a list (a page of one) or for one conversation: a "not found"
/// means a wrong address for the first, possibly a deleted conversation for the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    List,
    OneConversation,
}

/// The request a problem happened on, for the technical details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct During {
    /// For people: "page 3 of conversations".
    pub what: String,
    pub url: String,
    pub scope: Scope,
}

/// A problem with a vendor, with what the user needs to read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchError {
    pub vendor: VendorId,
    pub problem: Problem,
    pub during: Option<During>,
}

impl FetchError {
    pub fn new(vendor: VendorId, problem: Problem) -> Self {
        FetchError {
            vendor,
            problem,
            during: None,
        }
    }

    pub fn kind(&self) -> ErrorKind {
        self.problem.kind()
    }

    /// What happened and what to do, in a sentence or two.
    pub fn summary(&self) -> String {
        words::summary(self)
    }

    /// For whoever helps the user: the request, the status, the vendor's code and message.
    pub fn details(&self) -> String {
        words::details(self)
    }

    /// Says which request failed.
    pub fn during(mut self, what: impl Into<String>, url: impl Into<String>, scope: Scope) -> Self {
        self.during = Some(During {
            what: what.into(),
            url: url.into(),
            scope,
        });
        self
    }

    /// Removes every occurrence of `secret`, in case a vendor or a proxy echoed the key back.
    pub fn redacted(mut self, secret: &str) -> Self {
        if secret.len() >= 4 {
            let scrub = |text: &mut String| {
                if text.contains(secret) {
                    *text = text.replace(secret, "[API key]");
                }
            };
            self.problem.each_text(&mut |text| scrub(text));
            if let Some(during) = &mut self.during {
                scrub(&mut during.what);
                scrub(&mut during.url);
            }
        }
        self
    }
}

impl Problem {
    /// Every piece of text a problem carries that came from outside (a vendor, a network).
    fn each_text(&mut self, visit: &mut dyn FnMut(&mut String)) {
        match self {
            Problem::Refused { complaint, .. } | Problem::StreamError { complaint } => {
                complaint.each_text(visit)
            }
            Problem::Unreachable { reason }
            | Problem::Dropped { reason }
            | Problem::BodyCut { reason } => visit(reason),
            Problem::Malformed { detail } => visit(detail),
            Problem::RepeatedCursor { cursor } => visit(cursor),
            Problem::KeptFailing { last, .. } => last.each_text(visit),
            Problem::UntrustedAddress { requested, allowed } => {
                if let Some(requested) = requested {
                    visit(requested);
                }
                visit(allowed);
            }
            Problem::Storage { detail, .. } => visit(detail),
            Problem::TimedOut { .. }
            | Problem::BodyTimedOut
            | Problem::MissingCursor
            | Problem::NoSingleConversation => {}
        }
    }
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.summary())
    }
}

/// One row of a vendor's documented error table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorRule {
    pub status: u16,
    /// The vendor's error code; `None` matches any code with this status.
    pub code: Option<&'static str>,
    pub kind: ErrorKind,
    /// What to tell the user.
    pub message: &'static str,
}
