//! Where a conversation's records are in the journal, and nothing else: what reading it back
//! needs. A file written while the export may go on running works from these, taken at the
//! click: a copy of every summary (titles, contacts, search text) would double the memory of a
//! year of conversations just as the file's own pages are read.

use super::keep::RecordRef;
use super::summary::{MessageRef, Summary};
use crate::model::Timestamp;
use crate::vendors::VendorId;

#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    pub id: String,
    pub vendor: VendorId,
    /// The conversation's own record; none for a conversation made of its messages (Mindo).
    pub record: Option<RecordRef>,
    /// Messages in records of their own, in transcript order.
    pub parts: Vec<MessageRef>,
    /// When it happened, as `Summary::date`: the files' date span.
    pub date: Option<Timestamp>,
}

impl Located {
    pub fn of(summary: &Summary) -> Located {
        Located {
            id: summary.id.clone(),
            vendor: summary.vendor,
            record: summary.record,
            parts: summary.parts.clone(),
            date: summary.date(),
        }
    }

    /// Where each of `summaries` is, in order.
    pub fn all<'a>(summaries: impl IntoIterator<Item = &'a Summary>) -> Vec<Located> {
        summaries.into_iter().map(Located::of).collect()
    }
}
