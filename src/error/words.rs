//! A problem in words: a sentence or two for the person exporting, and the technical details for
//! whoever helps them. The only place the engine's errors become English.

use super::{ErrorKind, FetchError, Problem, Scope};

pub(super) fn summary(error: &FetchError) -> String {
    let vendor = error.vendor.spec().name;
    let scope = error.during.as_ref().map_or(Scope::List, |d| d.scope);
    let what = error
        .during
        .as_ref()
        .map_or("an answer", |during| during.what.as_str());
    problem_summary(&error.problem, vendor, scope, what)
}

fn problem_summary(problem: &Problem, vendor: &str, scope: Scope, what: &str) -> String {
    match problem {
        Problem::Refused {
            status,
            rule,
            complaint,
        } => {
            let mut summary = match rule {
                Some(rule) => rule.message.to_string(),
                None => status_summary(vendor, *status),
            };
            if problem.kind() == ErrorKind::NotFound && scope == Scope::OneConversation {
                summary.push_str(" The conversation may also have been deleted.");
            }
            if problem.kind() == ErrorKind::Rejected {
                if let Some(reason) = complaint.reason() {
                    summary = format!("{summary} {vendor} said: {reason}");
                }
            }
            summary
        }
        Problem::Unreachable { .. } => format!(
            "The browser could not reach {vendor} at this address. Either this computer is offline, or {vendor} does not accept calls from web pages (a browser rule called CORS). Check the connection and the base URL; if {vendor} blocks browser calls, ask IT for a relay and enter its address as the base URL."
        ),
        Problem::Dropped { .. } => format!(
            "The connection to {vendor} kept dropping. Check your network, then press Resume to continue where the export stopped."
        ),
        Problem::TimedOut { seconds } => format!(
            "{vendor} took longer than {seconds} seconds to answer, several times. Press Resume to try again."
        ),
        Problem::BodyCut { .. } => format!(
            "The connection to {vendor} dropped in the middle of a page, several times. Press Resume to continue."
        ),
        Problem::BodyTimedOut => format!(
            "{vendor} stopped sending in the middle of a page, several times. Press Resume to try again."
        ),
        Problem::Malformed { .. } => format!(
            "{vendor} sent {what} in a form that could not be read. The export stopped here; press Resume to try again."
        ),
        Problem::RepeatedCursor { .. } => format!(
            "{vendor} sent the same page twice in a row. The export stopped to avoid looping; press Resume to try again."
        ),
        Problem::MissingCursor => format!(
            "{vendor} said there are more conversations after {what} but not where to find them. The export stopped here; press Resume to try again."
        ),
        Problem::StreamError { complaint } => format!(
            "{vendor} stopped sending in the middle of a page and said: {}. The rows received so far are kept; press Resume to try again.",
            complaint.reason().unwrap_or("no message")
        ),
        Problem::KeptFailing { retries, .. } => format!(
            "{vendor} kept failing ({retries} retries in this run). The export stopped; press Resume to try again later."
        ),
        Problem::UntrustedAddress { requested, allowed } => format!(
            "Nothing was sent to {}: your key goes only to {allowed}. Check the API address, or trust it on this device.",
            requested.as_deref().unwrap_or("an address that could not be read")
        ),
        Problem::NoSingleConversation => {
            format!("{vendor}'s API has no way to fetch a single conversation.")
        }
        Problem::Storage { full: true, .. } => "There is no room left to keep this export: the disk, or the space this browser gives the app, is full. Everything fetched so far is kept; free some space, then press Resume.".into(),
        Problem::Storage { full: false, .. } => "What arrived could not be saved, so the export stopped. Everything fetched so far is kept; press Resume to try again.".into(),
    }
}

/// What a status means when the vendor's documentation has no row for it.
fn status_summary(vendor: &str, status: u16) -> String {
    match status {
        401 => format!("{vendor} did not accept this API key. Check that you pasted the whole key, then try again."),
        403 => format!("This API key is not allowed to read conversations in {vendor}. Ask an admin for a key with read access."),
        404 => format!("{vendor} did not find this address. Check the base URL."),
        429 => format!("{vendor} is limiting how fast this key may ask. Wait a minute, then press Resume."),
        500..=599 => format!("{vendor} had a problem on its side (error {status}) and kept failing. Try Resume in a few minutes."),
        _ => format!("{vendor} refused the request (error {status})."),
    }
}

pub(super) fn details(error: &FetchError) -> String {
    let mut lines = Vec::new();
    if let Some(during) = &error.during {
        lines.push(format!("While fetching {}", during.what));
        lines.push(format!("GET {}", during.url));
    }
    lines.push(problem_details(&error.problem));
    lines.retain(|line| !line.is_empty());
    lines.join("\n")
}

/// A browser's own sentence, set inside ours: without its full stop (Firefox ends its
/// "NetworkError when attempting to fetch resource." with one).
fn sentence_inside(reason: &str) -> &str {
    reason.trim_end().trim_end_matches('.')
}

fn problem_details(problem: &Problem) -> String {
    match problem {
        Problem::Refused {
            status, complaint, ..
        } => format!("HTTP {status}\n{}", complaint.describe())
            .trim_end()
            .to_string(),
        Problem::Unreachable { reason } | Problem::Dropped { reason } => {
            format!(
                "No HTTP status: the request failed ({}).",
                sentence_inside(reason)
            )
        }
        Problem::TimedOut { .. } => "The request timed out.".into(),
        Problem::BodyCut { reason } => format!(
            "The response body was cut off ({}).",
            sentence_inside(reason)
        ),
        Problem::BodyTimedOut => "The response body timed out.".into(),
        Problem::Malformed { detail } => detail.clone(),
        Problem::RepeatedCursor { cursor } => {
            format!("The next cursor {cursor} repeats the cursor of this request.")
        }
        Problem::MissingCursor => "The page says there is more, with no next cursor.".into(),
        Problem::StreamError { complaint } => {
            format!("An error line in the stream\n{}", complaint.describe())
        }
        Problem::KeptFailing { last, .. } => problem_details(last),
        Problem::UntrustedAddress { allowed, .. } => {
            format!("The request's origin is not the key's own ({allowed}).")
        }
        Problem::NoSingleConversation => String::new(),
        Problem::Storage { detail, .. } => format!("Saving failed: {detail}"),
    }
}
