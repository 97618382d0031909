//! Where conversations' records are in the journal, and nothing else: what reading them back
//! needs. A file written while the export may go on running works from these, taken at the
//! click: a copy of every summary (titles, contacts, search text) would double the memory of a
//! year of conversations just as the file's own pages are read.
//!
//! Kept flat, every conversation's places in one vector: a year of Mindo conversations is two
//! hundred thousand of them, and a vector of places and an id each took 37 MB at the click,
//! where these take 17 MB.

use std::ops::Range;

use chrono::NaiveDate;

use super::keep::RecordRef;
use super::summary::{MessageRef, Summary};
use crate::export::source::span;
use crate::vendors::VendorId;

/// Where one conversation's records are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Located<'a> {
    pub vendor: VendorId,
    /// The conversation's own record; none for a conversation made of its messages (Mindo).
    pub record: Option<RecordRef>,
    /// Messages in records of their own, in transcript order.
    pub parts: &'a [MessageRef],
}

impl<'a> Located<'a> {
    pub fn of(summary: &'a Summary) -> Located<'a> {
        Located {
            vendor: summary.vendor,
            record: summary.record,
            parts: &summary.parts,
        }
    }
}

/// Where each of a file's conversations is, in the file's order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Locations {
    vendors: Vec<VendorId>,
    records: Vec<Option<RecordRef>>,
    /// Where each conversation's messages end in `parts`.
    ends: Vec<u32>,
    parts: Vec<MessageRef>,
    /// The first and last day of the conversations (`Summary::date`): the files' date span.
    span: Option<(NaiveDate, NaiveDate)>,
}

impl Locations {
    /// Where each of `summaries` is, in order.
    pub fn all<'a>(summaries: impl IntoIterator<Item = &'a Summary>) -> Locations {
        let mut locations = Locations::default();
        let mut days = Vec::new();
        for summary in summaries {
            locations.vendors.push(summary.vendor);
            locations.records.push(summary.record);
            locations.parts.extend_from_slice(&summary.parts);
            locations.ends.push(locations.parts.len() as u32);
            days.extend(summary.date().map(|at| at.date_naive()));
        }
        locations.span = span(days.into_iter());
        locations.vendors.shrink_to_fit();
        locations.records.shrink_to_fit();
        locations.ends.shrink_to_fit();
        locations.parts.shrink_to_fit();
        locations
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Where the conversation at `at` is.
    pub fn get(&self, at: usize) -> Located<'_> {
        let start = if at == 0 {
            0
        } else {
            self.ends[at - 1] as usize
        };
        Located {
            vendor: self.vendors[at],
            record: self.records[at],
            parts: &self.parts[start..self.ends[at] as usize],
        }
    }

    /// The conversations in `range`.
    pub fn range(&self, range: Range<usize>) -> Vec<Located<'_>> {
        range.map(|at| self.get(at)).collect()
    }

    pub fn date_span(&self) -> Option<(NaiveDate, NaiveDate)> {
        self.span
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(id: &str, record: Option<u32>, parts: &[u32], day: u32) -> Summary {
        Summary {
            id: id.into(),
            vendor: VendorId::Mindo,
            record: record.map(|entry| RecordRef { entry, index: 0 }),
            parts: parts
                .iter()
                .enumerate()
                .map(|(position, &entry)| MessageRef {
                    at: RecordRef { entry, index: 1 },
                    position: position as u32,
                })
                .collect(),
            started_at: Some(
                format!("2026-04-{day:02}T10:00:00Z")
                    .parse()
                    .expect("a time"),
            ),
            ..Summary::default()
        }
    }

    #[test]
    fn each_conversation_gets_back_its_own_places() {
        let summaries = [
            summary("a", Some(1), &[2, 3], 9),
            summary("b", None, &[], 2),
            summary("c", None, &[4], 5),
        ];
        let locations = Locations::all(&summaries);
        assert_eq!(locations.len(), 3);
        for (at, summary) in summaries.iter().enumerate() {
            assert_eq!(locations.get(at), Located::of(summary));
        }
        assert_eq!(locations.range(1..3)[1].parts, &summaries[2].parts[..]);
        let day = |d| NaiveDate::from_ymd_opt(2026, 4, d).expect("a day");
        assert_eq!(locations.date_span(), Some((day(2), day(9))));
    }
}
