//! An export as a journal: what was asked, then each page as it arrived, exactly as the vendor
//! sent it. Replaying the journal rebuilds the export (its records, in order, and the requests
//! still to make), so an export written to a directory, or to the browser's storage, survives a
//! crash, a closed tab or a reboot, and resumes fetching nothing twice.
//!
//! The engine writes through the `Journal` trait as pages arrive; where the entries go (a file,
//! IndexedDB, nowhere) is the shell's choice.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::engine::{Export, RunStatus, Settings};
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

/// Where an export's entries are written as they happen.
pub trait Journal {
    /// A page that arrived whole.
    fn page(&mut self, task: &Task, page: &Page) -> Result<(), StorageError>;
    /// Rows of a page that failed midway; its request stays to make.
    fn partial(&mut self, task: &Task, records: &[Box<RawValue>]) -> Result<(), StorageError>;
    /// Every record of `task`'s page (one `page` told of before) is now in the store: a shell
    /// that streams records out as they come (the Singer tap) knows that page is done.
    fn stored(&mut self, _task: &Task) {}
}

/// A journal that keeps nothing: the export lives in memory only.
pub struct NoJournal;

impl Journal for NoJournal {
    fn page(&mut self, _task: &Task, _page: &Page) -> Result<(), StorageError> {
        Ok(())
    }

    fn partial(&mut self, _task: &Task, _records: &[Box<RawValue>]) -> Result<(), StorageError> {
        Ok(())
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
    },
    Partial {
        task: &'a Task,
        records: &'a [Box<RawValue>],
    },
}

/// One entry, as read back.
#[derive(Debug, Deserialize)]
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
    },
    Partial {
        task: Task,
        records: Vec<Box<RawValue>>,
    },
}

impl<'a> EntryRef<'a> {
    pub fn page(task: &'a Task, page: &'a Page) -> Self {
        EntryRef::Page {
            task,
            records: &page.records,
            next: &page.next,
            total: page.total,
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

/// Rebuilds an export from its journal: its records in the vendor's order, and the requests
/// still to make, as if it had just been stopped. `now` is the user's clock, for mapping.
pub fn replay(
    entries: impl IntoIterator<Item = Entry>,
    now: Timestamp,
) -> Result<Export, ReplayError> {
    let mut entries = entries.into_iter();
    let Some(Entry::Started { query, settings }) = entries.next() else {
        return Err(ReplayError::NoStart);
    };
    let mut export = Export::new(query, settings);
    for entry in entries {
        match entry {
            Entry::Started { .. } => {}
            Entry::Page {
                task,
                records,
                next,
                total,
            } => export.replay_page(
                task,
                Page {
                    records,
                    next,
                    total,
                },
                now,
            ),
            Entry::Partial { task, records } => export.replay_partial(task, records, now),
        }
    }
    export.store.settle();
    if export.pending().next().is_some() {
        export.status = RunStatus::Cancelled;
    } else if export.progress.pages > 0 {
        export.status = RunStatus::Finished;
    }
    Ok(export)
}
