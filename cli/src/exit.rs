//! How the program ends: the exit codes the README documents, and the message that goes with
//! each, in the same plain words as the app.

use std::fmt;

/// Exit code: the export (or the tap's sync) ran to its end.
pub const DONE: u8 = 0;
/// Exit code: anything else went wrong (the vendor refused the key, a file could not be written).
pub const FAILED: u8 = 1;
/// Exit code: the input was wrong (a flag, the config, a filter, the key's shape); nothing was
/// sent.
pub const BAD_INPUT: u8 = 2;
/// Exit code: stopped before the end; what was fetched is kept (files named `_partial`, or
/// the tap's records and STATE), and what is missing was printed.
pub const PARTIAL: u8 = 3;

/// Why the program did not finish its work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Bad input: nothing was sent.
    BadInput(String),
    /// Stopped with partial data.
    Partial(String),
    /// Anything else.
    Failed(String),
}

impl Failure {
    pub fn code(&self) -> u8 {
        match self {
            Failure::BadInput(_) => BAD_INPUT,
            Failure::Partial(_) => PARTIAL,
            Failure::Failed(_) => FAILED,
        }
    }

    pub fn bad_input(message: impl Into<String>) -> Self {
        Failure::BadInput(message.into())
    }

    pub fn failed(message: impl Into<String>) -> Self {
        Failure::Failed(message.into())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::BadInput(message) | Failure::Partial(message) | Failure::Failed(message) => {
                f.write_str(message)
            }
        }
    }
}

/// Why a run stopped, in the app's words, with the details below. The one problem the app words
/// for a browser (no answer at all: offline, or CORS) is said for a command line.
pub fn stop_words(error: &conversation_export::error::FetchError) -> String {
    use conversation_export::error::Problem;
    let summary = match &error.problem {
        Problem::Unreachable { .. } => format!(
            "{} could not be reached at this address. Check the network, and the address (--base-url, or the config's base_url).",
            error.vendor.spec().name
        ),
        _ => error.summary(),
    };
    format!("{summary}\nDetails: {}", error.details())
}

/// A file or folder that could not be read or written, in words.
pub fn io_failure(what: &str, path: &std::path::Path, error: &std::io::Error) -> Failure {
    Failure::failed(format!("Could not {what} {}: {error}.", path.display()))
}
