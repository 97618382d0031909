//! An export's journal in its folder (`.journal.ndjson`): the question, then each page as it
//! arrived, a line each. `--resume DIR` reads it back and goes on, fetching nothing twice.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use conversation_export::engine::Export;
use conversation_export::journal::{
    read_lines, replay, written, EntryRef, Journal, StorageError, Write as Written,
};
use conversation_export::model::Timestamp;
use conversation_export::vendors::{Page, Task};
use serde_json::value::RawValue;

use crate::clock;
use crate::exit::{io_failure, Failure};

pub const JOURNAL: &str = ".journal.ndjson";

pub fn path_in(dir: &Path) -> PathBuf {
    dir.join(JOURNAL)
}

/// Appends entries to the journal file, each a line, flushed as it is written. Entries are
/// numbered as the core numbers them: the question is entry 0, each page after it the next.
pub struct FileJournal {
    out: BufWriter<File>,
    /// The number the next entry gets.
    next: u32,
}

/// Where the journal of a stopped export goes on: after its last whole line.
pub struct JournalEnd {
    /// Whole entries in the file.
    entries: u32,
    /// Bytes up to the end of the last whole line.
    bytes: u64,
}

impl FileJournal {
    /// A new journal for `export`, starting with its question.
    pub fn create(dir: &Path, export: &Export) -> Result<Self, Failure> {
        let path = path_in(dir);
        let file = File::create(&path).map_err(|e| io_failure("create", &path, &e))?;
        let mut journal = FileJournal {
            out: BufWriter::new(file),
            next: 0,
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

    /// The journal of a stopped export, to go on writing after what `read_back` read of it. A
    /// line cut short (the process died while writing it) is cut off first, so the next entry
    /// starts a line of its own.
    pub fn append(dir: &Path, end: JournalEnd) -> Result<Self, Failure> {
        let path = path_in(dir);
        let file = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(|e| io_failure("open", &path, &e))?;
        file.set_len(end.bytes)
            .map_err(|e| io_failure("write", &path, &e))?;
        Ok(FileJournal {
            out: BufWriter::new(file),
            next: end.entries,
        })
    }

    fn write(&mut self, entry: EntryRef<'_>) -> Result<u32, StorageError> {
        let mut line = entry.to_line();
        line.push('\n');
        self.out
            .write_all(line.as_bytes())
            .and_then(|()| self.out.flush())
            .map_err(|error| StorageError {
                full: error.kind() == std::io::ErrorKind::StorageFull,
                detail: error.to_string(),
            })?;
        let number = self.next;
        self.next += 1;
        Ok(number)
    }
}

impl Journal for FileJournal {
    fn page(&mut self, task: &Task, page: &Page) -> Written {
        written(self.write(EntryRef::page(task, page)))
    }

    fn partial(
        &mut self,
        task: &Task,
        records: &[Box<RawValue>],
        fetched_at: Timestamp,
    ) -> Written {
        written(self.write(EntryRef::Partial {
            task,
            records,
            fetched_at: Some(fetched_at),
        }))
    }
}

/// The export saved in `dir`, as it was when it stopped, and where its journal goes on.
pub fn read_back(dir: &Path) -> Result<(Export, JournalEnd), Failure> {
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
    // Only whole lines are entries: a page whose line was cut short is fetched again.
    let whole = &text[..text.rfind('\n').map_or(0, |last| last + 1)];
    let unreadable =
        |error: &dyn std::fmt::Display| Failure::failed(format!("{}: {error}.", path.display()));
    let entries = read_lines(whole).map_err(|error| unreadable(&error))?;
    let end = JournalEnd {
        entries: entries.len() as u32,
        bytes: whole.len() as u64,
    };
    let replayed = replay(entries, clock::now()).map_err(|error| unreadable(&error))?;
    // This command writes one run per journal; a run of only what changed after it would
    // be the app's, which keeps its journals elsewhere.
    if replayed.update.is_some() {
        return Err(unreadable(&"it holds more than one export"));
    }
    Ok((replayed.whole, end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use conversation_export::engine::Settings;
    use conversation_export::vendors::{plan, ExportQuery, VendorId};

    fn page() -> Page {
        Page {
            records: Vec::new(),
            next: Vec::new(),
            total: None,
            fetched_at: None,
        }
    }

    #[test]
    fn entries_are_numbered_as_the_core_reads_them_and_go_on_after_a_line_cut_short() {
        let dir = tempfile::tempdir().unwrap();
        let export: Export = Export::new(ExportQuery::new(VendorId::Humind), Settings::default());
        let task = plan(&export.query).remove(0);
        let mut journal = FileJournal::create(dir.path(), &export).unwrap();
        let now = clock::now();
        let numbers = |write: Written| futures_executor::block_on(write).unwrap();
        assert_eq!(
            numbers(journal.page(&task, &page())),
            1,
            "the question is 0"
        );
        assert_eq!(numbers(journal.partial(&task, &[], now)), 2);
        drop(journal);
        // The process died midway through a line.
        let path = path_in(dir.path());
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"{\"page\": {\"task\"").unwrap();
        drop(file);

        let (_, end) = read_back(dir.path()).unwrap();
        assert_eq!(end.entries, 3);
        let mut journal = FileJournal::append(dir.path(), end).unwrap();
        assert_eq!(numbers(journal.page(&task, &page())), 3);
        drop(journal);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(read_lines(&text).unwrap().len(), 4, "{text}");
    }
}
