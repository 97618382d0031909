//! Where the files read their conversations from: whole, in the export's order, a batch at a
//! time. An export held in memory hands them over at once; one kept in the browser's storage
//! reads them back page by page, so writing a file never needs the whole export in memory.

use std::borrow::Cow;
use std::future::Future;

use chrono::NaiveDate;

use crate::model::{Conversation, Warning};
use crate::store::Contents;

/// Why conversations could not be read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError(pub String);

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the export could not be read back from storage: {}",
            self.0
        )
    }
}

/// A batch of conversations: borrowed from memory, or read back.
pub type Batch<'a> = Cow<'a, [Conversation]>;

/// The conversations of an export, in order, for writing files.
pub trait Source {
    /// Rows per file and the vendor fields met, known before any row is read.
    fn contents(&self) -> &Contents;

    /// The first and last days in the data, for file names.
    fn date_span(&self) -> Option<(NaiveDate, NaiveDate)>;

    fn warnings(&self) -> &[Warning];

    /// Starts again from the first conversation: each file is one pass over the export.
    fn rewind(&mut self);

    /// The next conversations, whole; empty once every one was given.
    fn next_batch(&mut self) -> impl Future<Output = Result<Batch<'_>, ReadError>>;
}

/// The first and last days of `dates`.
pub fn span(dates: impl Iterator<Item = NaiveDate>) -> Option<(NaiveDate, NaiveDate)> {
    dates.fold(None, |span, day| match span {
        None => Some((day, day)),
        Some((first, last)) => Some((first.min(day), last.max(day))),
    })
}

/// An export held in memory: everything at once.
pub struct MemorySource<'a> {
    conversations: Cow<'a, [Conversation]>,
    warnings: &'a [Warning],
    contents: Cow<'a, Contents>,
    given: bool,
}

impl<'a> MemorySource<'a> {
    pub fn new(conversations: &'a [Conversation], warnings: &'a [Warning]) -> Self {
        MemorySource {
            conversations: Cow::Borrowed(conversations),
            warnings,
            contents: Cow::Owned(Contents::of(conversations)),
            given: false,
        }
    }

    /// Some of an export's conversations (the days shown), with the whole export's contents
    /// (its columns): the files the app downloads for chosen days.
    pub fn shown(
        conversations: Cow<'a, [Conversation]>,
        contents: &'a Contents,
        warnings: &'a [Warning],
    ) -> Self {
        MemorySource {
            conversations,
            warnings,
            contents: Cow::Borrowed(contents),
            given: false,
        }
    }
}

impl Source for MemorySource<'_> {
    fn contents(&self) -> &Contents {
        &self.contents
    }

    fn date_span(&self) -> Option<(NaiveDate, NaiveDate)> {
        span(
            self.conversations
                .iter()
                .filter_map(|c| c.started_at.or(c.last_message_at))
                .map(|at| at.date_naive()),
        )
    }

    fn warnings(&self) -> &[Warning] {
        self.warnings
    }

    fn rewind(&mut self) {
        self.given = false;
    }

    async fn next_batch(&mut self) -> Result<Batch<'_>, ReadError> {
        if self.given {
            return Ok(Cow::Borrowed(&[]));
        }
        self.given = true;
        Ok(Cow::Borrowed(&self.conversations))
    }
}
