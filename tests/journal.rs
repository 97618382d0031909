//! An export written to a journal and read back equals the same export kept in memory, at
//! whatever point it stopped; resumed from the journal, it finishes with the ground truth. And a
//! journal that runs out of room stops the export cleanly, keeping what it kept.

mod support;

use std::cell::RefCell;
use std::rc::Rc;

use conversation_export::engine::cancel::CancelToken;
use conversation_export::engine::{run, Export, RunStatus};
use conversation_export::error::ErrorKind;
use conversation_export::export::csv::{CsvOptions, Layout};
use conversation_export::journal::{
    read_lines, replay, written, EntryRef, Journal, StorageError, Write,
};
use conversation_export::store::Summary;
use conversation_export::vendors::{Page, Task, VendorId};
use futures_executor::block_on;
use proptest::prelude::*;
use serde_json::value::RawValue;
use support::*;

/// A journal in memory, as a file journal would write it: a line per entry. It refuses every
/// entry after `room` of them, as a full disk would. A `slow` one finishes each write a turn
/// later, as the browser's storage does: the engine sends the list's next request meanwhile.
#[derive(Clone)]
struct Lines {
    text: Rc<RefCell<String>>,
    room: Option<usize>,
    written: Rc<RefCell<usize>>,
    slow: bool,
}

/// A write that is done on its second poll.
struct NextTurn(Option<Result<u32, StorageError>>, bool);

impl std::future::Future for NextTurn {
    type Output = Result<u32, StorageError>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        turn: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        if !self.1 {
            self.1 = true;
            turn.waker().wake_by_ref();
            return std::task::Poll::Pending;
        }
        std::task::Poll::Ready(self.0.take().expect("polled after done"))
    }
}

impl Lines {
    fn starting<K: conversation_export::store::Keep>(
        export: &Export<K>,
        room: Option<usize>,
    ) -> Self {
        let start = EntryRef::Started {
            query: &export.query,
            settings: &export.settings,
        };
        Lines {
            text: Rc::new(RefCell::new(start.to_line() + "\n")),
            room,
            written: Rc::new(RefCell::new(0)),
            slow: false,
        }
    }

    fn slow(self) -> Self {
        Lines { slow: true, ..self }
    }

    fn kept(&self, result: Result<u32, StorageError>) -> Write {
        if self.slow {
            Box::pin(NextTurn(Some(result), false))
        } else {
            written(result)
        }
    }

    fn write(&mut self, entry: EntryRef<'_>) -> Result<u32, StorageError> {
        if self.room.is_some_and(|room| *self.written.borrow() >= room) {
            return Err(StorageError {
                full: true,
                detail: "no space left on device".into(),
            });
        }
        *self.written.borrow_mut() += 1;
        let mut text = self.text.borrow_mut();
        text.push_str(&entry.to_line());
        text.push('\n');
        // Entry 0 is the question; the pages count from 1.
        Ok(*self.written.borrow() as u32)
    }
}

impl Journal for Lines {
    fn page(&mut self, task: &Task, page: &Page) -> Write {
        let result = self.write(EntryRef::page(task, page));
        self.kept(result)
    }

    fn partial(
        &mut self,
        task: &Task,
        records: &[Box<RawValue>],
        fetched_at: conversation_export::model::Timestamp,
    ) -> Write {
        let result = self.write(EntryRef::Partial {
            task,
            records,
            fetched_at: Some(fetched_at),
        });
        self.kept(result)
    }
}

/// The export as files would show it: every conversation, whole, in order.
fn contents(export: &Export) -> String {
    serde_json::to_string(export.store.conversations()).unwrap()
}

/// The requests still to make, in a comparable order.
fn pending(export: &Export) -> Vec<String> {
    let mut pending: Vec<String> = export.pending().map(|t| t.request().url).collect();
    pending.sort();
    pending
}

fn now() -> conversation_export::model::Timestamp {
    "2026-07-01T12:00:00Z".parse().unwrap()
}

/// Conversations per vendor: enough for several pages of every list.
const WORLD: usize = 250;

/// Runs `vendor`'s full export, stopping after `pages` pages, with a journal.
fn stopped_export(vendor: VendorId, pages: u32) -> (RefCell<Export>, Lines) {
    let (_, filters) = FULL_EXPORTS.iter().find(|(v, _)| *v == vendor).unwrap();
    let export = export(vendor, filters);
    let journal = Lines::starting(&export.borrow(), None);
    export.borrow_mut().set_journal(Box::new(journal.clone()));
    let world = world(WORLD);
    drive_until(&export, &transport(&world), &key(vendor), |e| {
        e.progress.pages >= pages
    });
    (export, journal)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn an_export_read_back_equals_the_export_in_memory(vendor in 0..VendorId::ALL.len(), pages in 1u32..12) {
        let vendor = VendorId::ALL[vendor];
        let (live, journal) = stopped_export(vendor, pages);
        let live = live.into_inner();
        let entries = read_lines(&journal.text.borrow()).unwrap();
        let replayed = replay(entries, now()).unwrap().whole;
        prop_assert_eq!(contents(&replayed), contents(&live), "{}", vendor);
        // Kept as summaries, the same conversations in the same order, counted the same.
        let lean: Export<Summary> = replay(read_lines(&journal.text.borrow()).unwrap(), now()).unwrap().whole;
        let ids = |ids: Vec<&str>| ids.join(",");
        prop_assert_eq!(
            ids(lean.store.conversations().iter().map(|s| s.id.as_str()).collect()),
            ids(live.store.conversations().iter().map(|c| c.id.as_str()).collect())
        );
        prop_assert_eq!(&lean.store.contents, &live.store.contents);
        prop_assert_eq!(pending(&replayed), pending(&live), "{}", vendor);
        prop_assert_eq!(replayed.can_resume(), live.pending().next().is_some());
    }
}

#[test]
fn an_export_resumed_from_its_journal_finishes_with_the_ground_truth() {
    for &vendor in VendorId::ALL {
        let (_, journal) = stopped_export(vendor, 1);
        let replayed = replay(read_lines(&journal.text.borrow()).unwrap(), now())
            .unwrap()
            .whole;
        assert_eq!(replayed.status, RunStatus::Cancelled, "{vendor}");
        let resumed = RefCell::new(replayed);
        let world = world(WORLD);
        let transport = transport(&world);
        drive(&resumed, &transport, &key(vendor));
        assert_ground_truth(&world, &resumed.borrow());
    }
}

#[test]
fn a_line_cut_short_by_a_crash_is_dropped_and_that_page_fetched_again() {
    let (live, journal) = stopped_export(VendorId::Humind, 3);
    let text = journal.text.borrow().clone();
    let cut = &text[..text.len() - 40];
    let replayed = replay(read_lines(cut).unwrap(), now()).unwrap().whole;
    assert!(replayed.store.len() < live.borrow().store.len());
    let resumed = RefCell::new(replayed);
    let world = world(WORLD);
    drive(&resumed, &transport(&world), &key(VendorId::Humind));
    assert_ground_truth(&world, &resumed.borrow());
}

#[test]
fn a_full_disk_stops_cleanly_and_resume_finishes_once_there_is_room() {
    for &vendor in VendorId::ALL {
        let (_, filters) = FULL_EXPORTS.iter().find(|(v, _)| *v == vendor).unwrap();
        let export = export(vendor, filters);
        let journal = Lines::starting(&export.borrow(), Some(1));
        export.borrow_mut().set_journal(Box::new(journal.clone()));
        let world = world(WORLD);
        let transport = transport(&world);
        drive(&export, &transport, &key(vendor));
        let error = failure(&export);
        assert_eq!(error.kind(), ErrorKind::Storage, "{vendor}");
        assert!(
            error.summary().contains("no room left"),
            "{}",
            error.summary()
        );
        // What the journal kept reads back, and goes on from there once there is room.
        let kept = replay(read_lines(&journal.text.borrow()).unwrap(), now())
            .unwrap()
            .whole;
        assert!(kept.can_resume(), "{vendor}");
        let resumed = RefCell::new(kept);
        drive(&resumed, &transport, &key(vendor));
        assert_ground_truth(&world, &resumed.borrow());
    }
}

#[test]
fn with_storage_as_slow_as_a_browsers_the_next_page_goes_out_during_a_write_and_a_full_one_takes_it_back(
) {
    for &vendor in VendorId::ALL {
        let (_, filters) = FULL_EXPORTS.iter().find(|(v, _)| *v == vendor).unwrap();
        let world = world(WORLD);
        // Room to spare: the same records and the same requests as storage that keeps at once.
        let export = export(vendor, filters);
        let journal = Lines::starting(&export.borrow(), None).slow();
        export.borrow_mut().set_journal(Box::new(journal));
        let transport = transport(&world);
        drive(&export, &transport, &key(vendor));
        assert_ground_truth(&world, &export.borrow());
        let clean = finished_export(&world, query(vendor, filters));
        assert_eq!(
            export.borrow().progress.pages,
            clean.progress.pages,
            "{vendor}: no page fetched twice"
        );
        assert_eq!(export.borrow().store.duplicates_skipped, 0, "{vendor}");

        // Full after one page: the refused page's next request, already sent, is not kept
        // pending twice, and Resume in the same tab finishes with nothing fetched twice.
        let export = support::export(vendor, filters);
        let journal = Lines::starting(&export.borrow(), Some(1)).slow();
        export.borrow_mut().set_journal(Box::new(journal.clone()));
        let transport = support::transport(&world);
        drive(&export, &transport, &key(vendor));
        assert_eq!(failure(&export).kind(), ErrorKind::Storage, "{vendor}");
        let queued = pending(&export.borrow());
        let mut once = queued.clone();
        once.dedup();
        assert_eq!(queued, once, "{vendor}: a request pending twice");
        let journal = Lines::starting(&export.borrow(), None).slow();
        export.borrow_mut().set_journal(Box::new(journal));
        drive(&export, &transport, &key(vendor));
        assert_ground_truth(&world, &export.borrow());
        assert_eq!(export.borrow().store.duplicates_skipped, 0, "{vendor}");
    }
}

/// Runs `vendor`'s full export kept as summaries, with a journal.
fn stored_export(vendor: VendorId) -> (Export<Summary>, Vec<String>) {
    stored_export_of(vendor, WORLD)
}

/// The same, from a world of `conversations` conversations a vendor.
fn stored_export_of(vendor: VendorId, conversations: usize) -> (Export<Summary>, Vec<String>) {
    let (_, filters) = FULL_EXPORTS.iter().find(|(v, _)| *v == vendor).unwrap();
    let export: RefCell<Export<Summary>> =
        RefCell::new(Export::new(query(vendor, filters), Default::default()));
    let journal = Lines::starting(&export.borrow(), None);
    export.borrow_mut().set_journal(Box::new(journal.clone()));
    let world = world(conversations);
    let transport = transport(&world);
    block_on(run(
        &export,
        &transport,
        transport.clock(),
        &key(vendor),
        &CancelToken::new(),
        &mut || {},
    ));
    let lines = journal.text.borrow().lines().map(str::to_string).collect();
    (export.into_inner(), lines)
}

#[test]
fn an_export_kept_as_summaries_writes_the_same_files_as_one_held_whole() {
    for &vendor in VendorId::ALL {
        let (stored, lines) = stored_export(vendor);
        let whole = full_export(&world(WORLD), vendor);
        assert_eq!(stored.store.len(), whole.store.len(), "{vendor}");
        assert_eq!(stored.store.contents, whole.store.contents, "{vendor}");
        for layout in [Layout::Vendor(vendor), Layout::Unified] {
            let options = CsvOptions {
                layout,
                ..CsvOptions::default()
            };
            let from_storage = stored_files(&stored, &lines, &options, now());
            let from_memory = memory_files(&whole, &options, now());
            assert_eq!(from_storage.len(), from_memory.len(), "{vendor}");
            for ((name, bytes), (expected_name, expected)) in from_storage.iter().zip(&from_memory)
            {
                assert_eq!(name, expected_name, "{vendor}");
                assert!(bytes == expected, "{vendor}: {name} differs");
            }
        }
    }
}

/// Records which pages the engine said were stored, and when.
#[derive(Clone, Default)]
struct Told {
    events: Rc<RefCell<Vec<(&'static str, String)>>>,
}

impl Told {
    /// Entries written so far: the number of the one just written (the question is entry 0).
    fn entries(&self) -> u32 {
        self.events
            .borrow()
            .iter()
            .filter(|e| e.0 != "stored")
            .count() as u32
    }
}

impl Journal for Told {
    fn page(&mut self, task: &Task, _page: &Page) -> Write {
        self.events.borrow_mut().push(("page", task.request().url));
        written(Ok(self.entries()))
    }

    fn partial(
        &mut self,
        task: &Task,
        _records: &[Box<RawValue>],
        _fetched_at: conversation_export::model::Timestamp,
    ) -> Write {
        self.events
            .borrow_mut()
            .push(("partial", task.request().url));
        written(Ok(self.entries()))
    }

    fn stored(&mut self, task: &Task) {
        self.events
            .borrow_mut()
            .push(("stored", task.request().url));
    }
}

#[test]
fn every_page_is_told_stored_after_it_arrived_and_once() {
    for &vendor in VendorId::ALL {
        let (_, filters) = FULL_EXPORTS.iter().find(|(v, _)| *v == vendor).unwrap();
        let export = export(vendor, filters);
        let told = Told::default();
        export.borrow_mut().set_journal(Box::new(told.clone()));
        let world = world(WORLD);
        drive(&export, &transport(&world), &key(vendor));
        let events = told.events.borrow();
        let arrived: Vec<&String> = events
            .iter()
            .filter(|e| e.0 == "page")
            .map(|e| &e.1)
            .collect();
        let stored: Vec<&String> = events
            .iter()
            .filter(|e| e.0 == "stored")
            .map(|e| &e.1)
            .collect();
        assert_eq!(arrived.len(), stored.len(), "{vendor}");
        for (at, (kind, url)) in events.iter().enumerate() {
            if *kind == "stored" {
                assert!(
                    events[..at].iter().any(|e| e.0 == "page" && &e.1 == url),
                    "{vendor}: {url} stored before it arrived"
                );
            }
        }
    }
}

#[test]
fn an_export_resumed_from_its_pending_requests_alone_fetches_the_rest() {
    for &vendor in VendorId::ALL {
        let (stopped, _) = stopped_export(vendor, 2);
        let stopped = stopped.into_inner();
        let pending: Vec<Task> = stopped.pending().cloned().collect();
        if pending.is_empty() {
            continue;
        }
        assert_eq!(stopped.missing().len(), pending.len(), "{vendor}");
        let resumed = RefCell::new(Export::resuming(
            stopped.query.clone(),
            stopped.settings,
            pending,
        ));
        assert!(resumed.borrow().can_resume(), "{vendor}");
        let world = world(WORLD);
        drive(&resumed, &transport(&world), &key(vendor));
        let resumed = resumed.into_inner();
        assert!(resumed.missing().is_empty());
        let mut ids: Vec<String> = stopped
            .store
            .conversations()
            .iter()
            .chain(resumed.store.conversations())
            .map(|c| c.id.clone())
            .collect();
        ids.sort();
        ids.dedup();
        let full = full_export(&world, vendor);
        let mut expected: Vec<String> = full
            .store
            .conversations()
            .iter()
            .map(|c| c.id.clone())
            .collect();
        expected.sort();
        assert_eq!(ids, expected, "{vendor}");
        let messages = |e: &Export| e.store.message_count();
        assert!(
            messages(&stopped) + messages(&resumed) >= messages(&full),
            "{vendor}"
        );
    }
}

#[test]
fn writing_a_file_from_storage_reads_each_page_about_once() {
    // Reading a page back costs a storage request and parsing hundreds of records: a file
    // that read a page per message took minutes for a large Mindo export.
    for &vendor in VendorId::ALL {
        let (stored, lines) = stored_export_of(vendor, 3000);
        let reads = Rc::new(std::cell::Cell::new(0));
        let columns = Default::default();
        let options = CsvOptions::default();
        let mut files = conversation_export::export::bundle::Files {
            query: &stored.query,
            source: conversation_export::store::readback::StoredSource::new(
                conversation_export::store::Locations::all(stored.store.conversations()),
                &stored.store.contents,
                &stored.store.warnings,
                CountedPages {
                    lines: conversation_export::store::readback::LinePages { lines: &lines },
                    reads: reads.clone(),
                },
            ),
            options: &options,
            columns: &columns,
            exported_at: now(),
            missing: &[],
            shown: Default::default(),
        };
        for kind in files.data_file_kinds() {
            reads.set(0);
            let file = block_on(files.file(kind)).unwrap();
            println!(
                "{vendor}: {}: {} reads of {} pages",
                file.name,
                reads.get(),
                lines.len()
            );
            assert!(
                reads.get() <= lines.len() * 2,
                "{vendor}: {}: {} reads of {} pages",
                file.name,
                reads.get(),
                lines.len()
            );
        }
    }
}
