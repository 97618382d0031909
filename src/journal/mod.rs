//! An export as a journal: what was asked, then each page as it arrived, exactly as the vendor
//! sent it. Replaying the journal rebuilds the export (its records, in order, and the requests
//! still to make), so an export written to a directory, or to the browser's storage, survives a
//! crash, a closed tab or a reboot, and resumes fetching nothing twice.
//!
//! The engine writes through the `Journal` trait as pages arrive; where the entries go (a file,
//! IndexedDB, nowhere) is the shell's choice.

use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

mod replay;
pub use replay::{replay, segments, superseded, updated_ids, Replay, Replayed, Segment};

use crate::engine::Settings;
use crate::model::Timestamp;
use crate::vendors::{ExportQuery, Page, Task};

/// Why an entry could not be kept: the disk or the browser's quota is full, or the storage
/// failed. The export stops cleanly: what was kept stays, and Resume goes on once there is room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageError {
    /// The storage is full (a full disk, the browser's quota reached).
    pub full: bool,
    pub detail: String,
}

/// A write to a journal: done when the entry is kept, with the entry's number. It owns what it
/// writes, so the engine holds no borrow of the export while storage works.
pub type Write = Pin<Box<dyn Future<Output = Result<u32, StorageError>>>>;

/// A write that is done at once.
pub fn written(result: Result<u32, StorageError>) -> Write {
    Box::pin(std::future::ready(result))
}

/// Where an export's entries are written as they happen. Entries are numbered from 0 (the
/// export's question) in the order written; each write gives its entry's number, which the
/// store keeps to read the records again.
pub trait Journal {
    /// A page that arrived whole.
    fn page(&mut self, task: &Task, page: &Page) -> Write;
    /// Rows of a page that failed midway (they arrived `fetched_at`); its request stays to make.
    fn partial(&mut self, task: &Task, records: &[Box<RawValue>], fetched_at: Timestamp) -> Write;
    /// Every record of `task`'s page (one `page` told of before) is now in the store: a shell
    /// that streams records out as they come (the Singer tap) knows that page is done.
    fn stored(&mut self, _task: &Task) {}
}

/// A journal that keeps nothing (the export lives in memory only): it only counts entries.
pub struct NoJournal {
    pub next: u32,
}

impl NoJournal {
    fn next(&mut self) -> Write {
        self.next += 1;
        written(Ok(self.next))
    }
}

impl Journal for NoJournal {
    fn page(&mut self, _task: &Task, _page: &Page) -> Write {
        self.next()
    }

    fn partial(&mut self, _task: &Task, _records: &[Box<RawValue>], _at: Timestamp) -> Write {
        self.next()
    }
}

/// A journal kept in memory as its lines: Demo mode's, and the tests'. Shared, so that the
/// export writes it and its files read it back.
#[derive(Clone, Default)]
pub struct MemoryJournal {
    pub lines: std::rc::Rc<std::cell::RefCell<Vec<String>>>,
}

impl MemoryJournal {
    /// A journal that starts with the export's question.
    pub fn starting(query: &ExportQuery, settings: &Settings) -> Self {
        let journal = MemoryJournal::default();
        journal
            .lines
            .borrow_mut()
            .push(EntryRef::Started { query, settings }.to_line());
        journal
    }

    fn push(&mut self, entry: EntryRef<'_>) -> Write {
        let mut lines = self.lines.borrow_mut();
        lines.push(entry.to_line());
        written(Ok(lines.len() as u32 - 1))
    }
}

impl Journal for MemoryJournal {
    fn page(&mut self, task: &Task, page: &Page) -> Write {
        self.push(EntryRef::page(task, page))
    }

    fn partial(&mut self, task: &Task, records: &[Box<RawValue>], fetched_at: Timestamp) -> Write {
        self.push(EntryRef::Partial {
            task,
            records,
            fetched_at: Some(fetched_at),
        })
    }
}

/// One entry, as written: borrowed from the engine's values, so nothing is copied to write it.
/// (Externally tagged, `{"page": {...}}`: an internally tagged enum would buffer each record
/// through serde's generic content, which raw JSON values cannot pass through.)
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryRef<'a> {
    /// The export's question: always the first entry.
    Started {
        query: &'a ExportQuery,
        settings: &'a Settings,
    },
    Page {
        task: &'a Task,
        records: &'a [Box<RawValue>],
        next: &'a [Task],
        total: Option<u64>,
        fetched_at: Option<Timestamp>,
    },
    Partial {
        task: &'a Task,
        records: &'a [Box<RawValue>],
        fetched_at: Option<Timestamp>,
    },
}

/// One entry, as read back.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entry {
    Started {
        query: ExportQuery,
        settings: Settings,
    },
    Page {
        task: Task,
        records: Vec<Box<RawValue>>,
        next: Vec<Task>,
        total: Option<u64>,
        #[serde(default)]
        fetched_at: Option<Timestamp>,
    },
    Partial {
        task: Task,
        records: Vec<Box<RawValue>>,
        #[serde(default)]
        fetched_at: Option<Timestamp>,
    },
}

/// A page entry's request, records and arrival time, borrowed.
pub type PageRef<'a> = (&'a Task, &'a [Box<RawValue>], Option<Timestamp>);

impl Entry {
    /// A page's request, records and arrival time; `None` for the question.
    pub fn page(&self) -> Option<PageRef<'_>> {
        match self {
            Entry::Started { .. } => None,
            Entry::Page {
                task,
                records,
                fetched_at,
                ..
            }
            | Entry::Partial {
                task,
                records,
                fetched_at,
            } => Some((task, records, *fetched_at)),
        }
    }
}

impl<'a> EntryRef<'a> {
    pub fn page(task: &'a Task, page: &'a Page) -> Self {
        EntryRef::Page {
            task,
            records: &page.records,
            next: &page.next,
            total: page.total,
            fetched_at: page.fetched_at,
        }
    }

    /// The entry as one line of JSON (no newline): what a file journal appends.
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).expect("entries always serialise")
    }
}

/// Why a journal could not be read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayError {
    /// It does not start with the export's question.
    NoStart,
    /// Entry `line` (from 1) is not an entry.
    Unreadable { line: usize, detail: String },
}

impl std::fmt::Display for ReplayError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReplayError::NoStart => f.write_str("the saved export does not say what was asked"),
            ReplayError::Unreadable { line, detail } => {
                write!(
                    f,
                    "entry {line} of the saved export cannot be read ({detail})"
                )
            }
        }
    }
}

/// Reads journal lines; a last line cut short (the process died while writing it) is dropped,
/// as if that page had not arrived: it will be fetched again.
pub fn read_lines(text: &str) -> Result<Vec<Entry>, ReplayError> {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut entries = Vec::with_capacity(lines.len());
    for (index, line) in lines.iter().enumerate() {
        match serde_json::from_str::<Entry>(line) {
            Ok(entry) => entries.push(entry),
            Err(_) if index + 1 == lines.len() && !text.ends_with('\n') => break,
            Err(error) => {
                return Err(ReplayError::Unreadable {
                    line: index + 1,
                    detail: error.to_string(),
                })
            }
        }
    }
    Ok(entries)
}
