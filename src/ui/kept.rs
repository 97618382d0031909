//! Where the export on screen keeps its pages: the browser's storage (IndexedDB), or memory for
//! Demo mode and browsers that refuse storage. The store holds summaries that point into these
//! pages; transcripts and files read the conversations back from them.

use std::cell::RefCell;
use std::rc::Rc;

use crate::export::source::ReadError;
use crate::journal::{Journal, MemoryJournal};
use crate::store::browser::{Storage, StoredJournal, StoredPages};
use crate::store::readback::{line_in, Pages, StoredPage};

#[derive(Clone)]
pub enum Kept {
    /// The journal's lines, in memory: lost on reload.
    Memory(Rc<RefCell<Vec<String>>>),
    /// Saved on this device as export `id`.
    Device { storage: Storage, id: String },
}

impl Kept {
    /// A journal that writes the next entries, numbered from `next`.
    pub fn journal(&self, next: u32) -> Box<dyn Journal> {
        match self {
            Kept::Memory(lines) => Box::new(MemoryJournal {
                lines: lines.clone(),
            }),
            Kept::Device { storage, id } => {
                Box::new(StoredJournal::new(storage.clone(), id.clone(), next))
            }
        }
    }

    pub fn saved_id(&self) -> Option<&str> {
        match self {
            Kept::Memory(_) => None,
            Kept::Device { id, .. } => Some(id),
        }
    }
}

impl Pages for Kept {
    async fn read(&mut self, entry: u32, buffer: Vec<u8>) -> Result<StoredPage, ReadError> {
        match self {
            Kept::Memory(lines) => {
                let lines = lines.borrow();
                let line = lines
                    .get(entry as usize)
                    .ok_or_else(|| ReadError(format!("no entry {entry}")))?;
                StoredPage::parse(line_in(line, buffer))
            }
            Kept::Device { storage, id } => {
                StoredPages {
                    storage: storage.clone(),
                    export: id.clone(),
                }
                .read(entry, buffer)
                .await
            }
        }
    }
}
