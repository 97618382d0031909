//! An export's journal in its folder (`.journal.ndjson`): the question, then each page as it
//! arrived. `--resume DIR` reads it back and goes on, fetching nothing twice.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use conversation_export::engine::Export;
use conversation_export::journal::{read_lines, replay, EntryRef, Journal, StorageError};
use conversation_export::vendors::{Page, Task};
use serde_json::value::RawValue;

use crate::clock;
use crate::exit::{io_failure, Failure};

pub const JOURNAL: &str = ".journal.ndjson";

pub fn path_in(dir: &Path) -> PathBuf {
    dir.join(JOURNAL)
}

/// Appends entries to the journal file, each a line, flushed as it is written.
pub struct FileJournal {
    out: BufWriter<File>,
}

impl FileJournal {
    /// A new journal for `export`, starting with its question.
    pub fn create(dir: &Path, export: &Export) -> Result<Self, Failure> {
        let path = path_in(dir);
        let file = File::create(&path).map_err(|e| io_failure("create", &path, &e))?;
        let mut journal = FileJournal {
            out: BufWriter::new(file),
        };
        let start = EntryRef::Started {
            query: &export.query,
            settings: &export.settings,
        };
        journal.write(start).map_err(|e| {
            Failure::failed(format!("Could not write {}: {}.", path.display(), e.detail))
        })?;
        Ok(journal)
    }

    /// The journal of a stopped export, to go on writing after what it holds.
    pub fn append(dir: &Path) -> Result<Self, Failure> {
        let path = path_in(dir);
        let file = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(|e| io_failure("open", &path, &e))?;
        Ok(FileJournal {
            out: BufWriter::new(file),
        })
    }

    fn write(&mut self, entry: EntryRef<'_>) -> Result<(), StorageError> {
        let mut line = entry.to_line();
        line.push('\n');
        self.out
            .write_all(line.as_bytes())
            .and_then(|()| self.out.flush())
            .map_err(|error| StorageError {
                full: error.kind() == std::io::ErrorKind::StorageFull,
                detail: error.to_string(),
            })
    }
}

impl Journal for FileJournal {
    fn page(&mut self, task: &Task, page: &Page) -> Result<(), StorageError> {
        self.write(EntryRef::page(task, page))
    }

    fn partial(&mut self, task: &Task, records: &[Box<RawValue>]) -> Result<(), StorageError> {
        self.write(EntryRef::Partial { task, records })
    }
}

/// The export saved in `dir`, as it was when it stopped.
pub fn read_back(dir: &Path) -> Result<Export, Failure> {
    let path = path_in(dir);
    let text = std::fs::read_to_string(&path).map_err(|error| {
        if error.kind() == std::io::ErrorKind::NotFound {
            Failure::bad_input(format!(
                "There is no stopped export in {}: its saved state ({JOURNAL}) is not there. Start one with --out.",
                dir.display()
            ))
        } else {
            io_failure("read", &path, &error)
        }
    })?;
    let entries = read_lines(&text)
        .map_err(|error| Failure::failed(format!("{}: {error}.", path.display())))?;
    replay(entries, clock::now())
        .map_err(|error| Failure::failed(format!("{}: {error}.", path.display())))
}
