//! An export kept as summaries, read back whole from its journal: a conversation's records are
//! found where its summary points, mapped again as of when they arrived, and put together as
//! the store put them together then. Files and transcripts are made from these conversations, a
//! batch at a time.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::rc::Rc;

use chrono::NaiveDate;
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::keep::{Keep, RecordRef};
use super::located::{Located, Locations};
use super::summary::Summary;
use super::Contents;
use crate::export::source::{Batch, ReadError, Source};
use crate::model::{Conversation, Timestamp, Warning};
use crate::vendors::paging::map_records;
use crate::vendors::{MapContext, Task, Update, VendorId};

/// A journal entry's page, as read back: its request, its records, when it arrived. The records
/// stay in the entry's line, found by where they are in it: a Mindo page is ten thousand
/// records, and reading it back costs one allocation rather than ten thousand, with no second
/// copy of the page beside the line while it is read.
pub struct StoredPage {
    pub task: Task,
    line: String,
    records: Vec<(u32, u32)>,
    pub fetched_at: Option<Timestamp>,
}

/// A page entry as written (`EntryRef`), its records borrowed from the line; what else the entry
/// says (the next requests, the total) is not needed to read records back.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum PageLine<'a> {
    Started(IgnoredAny),
    Page {
        task: Task,
        #[serde(borrow)]
        records: Vec<&'a RawValue>,
        #[serde(default)]
        fetched_at: Option<Timestamp>,
    },
    Partial {
        task: Task,
        #[serde(borrow)]
        records: Vec<&'a RawValue>,
        #[serde(default)]
        fetched_at: Option<Timestamp>,
    },
}

impl StoredPage {
    /// The page of a journal entry written as a line.
    pub fn parse(line: String) -> Result<StoredPage, ReadError> {
        let read: PageLine<'_> =
            serde_json::from_str(&line).map_err(|error| ReadError(error.to_string()))?;
        let (task, records, fetched_at) = match read {
            PageLine::Started(_) => return Err(ReadError("the question is not a page".into())),
            PageLine::Page {
                task,
                records,
                fetched_at,
            }
            | PageLine::Partial {
                task,
                records,
                fetched_at,
            } => (task, records, fetched_at),
        };
        let start = line.as_ptr() as usize;
        let records = records
            .iter()
            .map(|record| {
                let text = record.get();
                let from = text.as_ptr() as usize - start;
                (from as u32, (from + text.len()) as u32)
            })
            .collect();
        Ok(StoredPage {
            task,
            line,
            records,
            fetched_at,
        })
    }

    /// Record `index`, as the vendor sent it.
    pub fn record(&self, index: usize) -> Option<Box<RawValue>> {
        let &(from, to) = self.records.get(index)?;
        let text = &self.line[from as usize..to as usize];
        let raw: &RawValue = serde_json::from_str(text).expect("a record read from its page");
        Some(raw.to_owned())
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

/// The journal's pages, by entry number.
pub trait Pages {
    /// Reads entry `entry` into `buffer` (a page read before, done with): pages of megabytes
    /// read one after another into fresh allocations of slightly different sizes left
    /// WebAssembly memory, which never shrinks, tens of megabytes of holes.
    fn read(
        &mut self,
        entry: u32,
        buffer: Vec<u8>,
    ) -> impl Future<Output = Result<StoredPage, ReadError>>;
}

/// `buffer`, emptied, with room for `len` bytes: grown by whole megabytes, so that after a few
/// pages it fits every page.
pub fn room_for(mut buffer: Vec<u8>, len: usize) -> Vec<u8> {
    buffer.clear();
    if buffer.capacity() < len {
        buffer.reserve_exact(len.next_multiple_of(1 << 20));
    }
    buffer
}

/// Pages read once and kept while neighbours need them: conversations are read back in order,
/// and those next to each other share pages.
pub struct PageCache<P> {
    pages: P,
    kept: VecDeque<(u32, Rc<StoredPage>)>,
    room: usize,
    /// The line of the last page let go, to read the next one into.
    spare: Vec<u8>,
}

impl<P: Pages> PageCache<P> {
    /// Keeps up to `room` pages (a Mindo page is ten thousand rows: a few suffice).
    pub fn new(pages: P, room: usize) -> Self {
        PageCache {
            pages,
            kept: VecDeque::new(),
            room: room.max(1),
            spare: Vec::new(),
        }
    }

    pub async fn page(&mut self, entry: u32) -> Result<Rc<StoredPage>, ReadError> {
        if let Some(at) = self.kept.iter().position(|(kept, _)| *kept == entry) {
            let found = self.kept.remove(at).expect("the position is in range");
            let page = found.1.clone();
            self.kept.push_front(found);
            return Ok(page);
        }
        let page = Rc::new(
            self.pages
                .read(entry, std::mem::take(&mut self.spare))
                .await?,
        );
        self.kept.push_front((entry, page.clone()));
        while self.kept.len() > self.room {
            let (_, gone) = self.kept.pop_back().expect("more than room");
            if let Ok(gone) = Rc::try_unwrap(gone) {
                self.spare = gone.line.into_bytes();
            }
        }
        Ok(page)
    }

    /// The record `at` points to, mapped as when it arrived.
    async fn update(&mut self, vendor: VendorId, at: RecordRef) -> Result<Update, ReadError> {
        let page = self.page(at.entry).await?;
        let raw = page
            .record(at.index as usize)
            .ok_or_else(|| ReadError(format!("entry {} has no record {}", at.entry, at.index)))?;
        let mut warnings = Vec::new();
        let now = page.fetched_at.unwrap_or_default();
        let mut context = MapContext::new(&mut warnings, now);
        map_records(
            vendor,
            &page.task,
            at.index as usize,
            vec![raw],
            &mut context,
        )
        .pop()
        .ok_or_else(|| {
            ReadError(format!(
                "entry {} record {} maps to nothing",
                at.entry, at.index
            ))
        })
    }

    /// The whole conversation `summary` stands for.
    pub async fn conversation(&mut self, summary: &Summary) -> Result<Conversation, ReadError> {
        let mut whole = self.conversations(&[Located::of(summary)]).await?;
        Ok(whole.pop().expect("one summary, one conversation"))
    }

    /// The whole conversations found where `summaries` point. Their records are read in journal order,
    /// each page once: a conversation's messages can sit pages apart (a reply days later), and
    /// reading them conversation by conversation read a page per message once they spread
    /// further than the pages kept (minutes, for half a million Mindo messages).
    pub async fn conversations(
        &mut self,
        summaries: &[Located<'_>],
    ) -> Result<Vec<Conversation>, ReadError> {
        let mut wanted: Vec<(RecordRef, VendorId)> = summaries
            .iter()
            .flat_map(|summary| {
                let parts = summary.parts.iter().map(|part| part.at);
                summary
                    .record
                    .into_iter()
                    .chain(parts)
                    .map(|at| (at, summary.vendor))
            })
            .collect();
        wanted.sort_unstable_by_key(|(at, _)| *at);
        let mut updates = HashMap::with_capacity(wanted.len());
        for (at, vendor) in wanted {
            updates.insert(at, self.update(vendor, at).await?);
        }
        summaries
            .iter()
            .map(|summary| assemble(summary, &mut updates))
            .collect()
    }
}

/// A conversation put together from its records' updates, as the store put it together when
/// they arrived.
fn assemble(
    summary: &Located<'_>,
    updates: &mut HashMap<RecordRef, Update>,
) -> Result<Conversation, ReadError> {
    let mut take = |at: RecordRef| {
        updates.remove(&at).ok_or_else(|| {
            ReadError(format!(
                "entry {} record {} is read twice",
                at.entry, at.index
            ))
        })
    };
    let mut conversation = match summary.record {
        Some(at) => match take(at)? {
            Update::Conversation(conversation) => Some(*conversation),
            _ => {
                return Err(ReadError(format!(
                    "entry {} record {} is not a conversation",
                    at.entry, at.index
                )))
            }
        },
        None => None,
    };
    for part in summary.parts {
        match (take(part.at)?, &mut conversation) {
            (Update::Message { message, .. }, Some(conversation)) => {
                conversation.add_at_position(*message, part.position as usize)
            }
            (Update::Loose { shell, message }, kept) => {
                let conversation = match kept {
                    Some(conversation) => {
                        conversation.merge_shell(*shell, false);
                        conversation
                    }
                    None => kept.insert(*shell),
                };
                let end = conversation.messages.len();
                conversation.insert_loose(end, *message);
            }
            _ => {
                return Err(ReadError(format!(
                    "the message at entry {} record {} has no conversation",
                    part.at.entry, part.at.index
                )))
            }
        }
    }
    conversation.ok_or_else(|| ReadError("a conversation has no records".into()))
}

/// How many conversations a batch reads back: each page a batch needs is read once for it, so
/// larger batches read pages again less often; small enough to hold a batch whole and give the
/// page its turn between batches. Measured on the host (`examples/year_memory`), 542,240 Mindo
/// messages in 55 pages: 898 page reads by 1,000 conversations, 493 by 2,000, 272 by 4,000,
/// each thousand more holding some 10 MB more at the peak.
const BATCH: usize = 2000;

/// An export kept as summaries, as a source of whole conversations for its files.
pub struct StoredSource<'a, P> {
    summaries: Locations,
    contents: &'a Contents,
    warnings: &'a [Warning],
    cache: PageCache<P>,
    next: usize,
}

impl<'a, P: Pages> StoredSource<'a, P> {
    /// `summaries`: where the conversations the files hold are (`Locations::all`).
    pub fn new(
        summaries: Locations,
        contents: &'a Contents,
        warnings: &'a [Warning],
        pages: P,
    ) -> Self {
        StoredSource {
            summaries,
            contents,
            warnings,
            cache: PageCache::new(pages, 2),
            next: 0,
        }
    }
}

impl<P: Pages> Source for StoredSource<'_, P> {
    fn contents(&self) -> &Contents {
        self.contents
    }

    fn date_span(&self) -> Option<(NaiveDate, NaiveDate)> {
        self.summaries.date_span()
    }

    fn warnings(&self) -> &[Warning] {
        self.warnings
    }

    fn rewind(&mut self) {
        self.next = 0;
    }

    async fn next_batch(&mut self) -> Result<Batch<'_>, ReadError> {
        let end = (self.next + BATCH).min(self.summaries.len());
        let batch = self
            .cache
            .conversations(&self.summaries.range(self.next..end))
            .await?;
        self.next = end;
        Ok(Batch::Owned(batch))
    }
}

/// `line`, copied into `buffer`.
pub fn line_in(line: &str, buffer: Vec<u8>) -> String {
    let mut buffer = room_for(buffer, line.len());
    buffer.extend_from_slice(line.as_bytes());
    String::from_utf8(buffer).expect("copied from a string")
}

/// A journal held in memory as its lines (the command line's, and tests'), read by entry.
pub struct LinePages<'a> {
    pub lines: &'a [String],
}

impl Pages for LinePages<'_> {
    async fn read(&mut self, entry: u32, buffer: Vec<u8>) -> Result<StoredPage, ReadError> {
        let line = self
            .lines
            .get(entry as usize)
            .ok_or_else(|| ReadError(format!("no entry {entry}")))?;
        StoredPage::parse(line_in(line, buffer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Settings;
    use crate::journal::EntryRef;
    use crate::vendors::{plan, ExportQuery, Page};

    fn raw(text: &str) -> Box<RawValue> {
        RawValue::from_string(text.to_string()).expect("JSON")
    }

    #[test]
    fn a_page_read_back_gives_each_record_as_sent_and_the_question_is_no_page() {
        let query = ExportQuery::new(VendorId::Mindo)
            .with("company_id", "42")
            .with("from", "2026-04-01")
            .with("to", "2026-04-20");
        let task = plan(&query).remove(0);
        let records = vec![
            raw(r#"{"id":"m1","text":"caf\u00e9 \"ok\""}"#),
            raw("[1, 2]"),
        ];
        let page = Page {
            records: records.clone(),
            next: vec![task.clone()],
            total: Some(2),
            fetched_at: Some("2026-04-05T12:00:00Z".parse().expect("a time")),
        };
        let line = EntryRef::page(&task, &page).to_line();
        let stored = StoredPage::parse(line).expect("a page");
        assert_eq!(stored.task, task);
        assert_eq!(stored.fetched_at, page.fetched_at);
        assert_eq!(stored.len(), 2);
        for (at, sent) in records.iter().enumerate() {
            assert_eq!(stored.record(at).expect("a record").get(), sent.get());
        }
        assert!(stored.record(2).is_none());

        let partial = EntryRef::Partial {
            task: &task,
            records: &records[..1],
            fetched_at: None,
        };
        let stored = StoredPage::parse(partial.to_line()).expect("a partial page");
        assert_eq!(stored.record(0).expect("a record").get(), records[0].get());

        let question = EntryRef::Started {
            query: &query,
            settings: &Settings::default(),
        };
        assert!(StoredPage::parse(question.to_line()).is_err());
        assert!(StoredPage::parse("{\"page\": 3}".into()).is_err());
    }
}
