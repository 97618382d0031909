//! Where a year in a tab spends memory, on the host: a Mindo export kept as summaries (as the
//! browser keeps it), then its messages CSV read back from the journal.
//! `cargo run --release --example year_memory -- 217000` (conversations; about five messages each).
//!
//! A counting allocator tracks live heap bytes. The journal's lines live in memory here (the
//! browser keeps them in IndexedDB), so their bytes are subtracted from every figure.

#[path = "../tests/support/mod.rs"]
mod support;

#[path = "common/counting.rs"]
mod counting;

use conversation_export::engine::Settings;
use conversation_export::export::bundle::Files;
use conversation_export::export::csv::CsvOptions;
use conversation_export::export::files::DataFile;
use conversation_export::export::Table;
use conversation_export::journal::MemoryJournal;
use conversation_export::store::readback::{LinePages, StoredSource};
use conversation_export::store::{Locations, MessageRef, Summary};
use conversation_export::vendors::VendorId;

fn main() {
    let conversations: usize = std::env::args()
        .nth(1)
        .map(|n| n.parse().expect("a number of conversations"))
        .unwrap_or(22_000);
    let world = support::world(conversations);
    world.mindo(); // generated before anything is measured
    let query = support::query(VendorId::Mindo, support::MINDO_90_DAYS);
    let journal = MemoryJournal::starting(&query, &Settings::default());
    let journal_bytes = || -> usize { journal.lines.borrow().iter().map(String::capacity).sum() };

    let before = counting::restart_peak();
    let started = std::time::Instant::now();
    let export = support::summary_export(&world, query, &journal);
    let kept = counting::live() - before - journal_bytes();
    let export_peak = counting::peak() - before - journal_bytes();
    let summaries = export.store.conversations();
    let messages: usize = summaries.iter().map(|s| s.parts.len()).sum();
    println!(
        "{} conversations, {messages} messages, exported in {:.1} s",
        summaries.len(),
        started.elapsed().as_secs_f64()
    );
    println!(
        "kept after the export: {} ({:.0} bytes a message); peak while exporting: {}",
        counting::mb(kept),
        kept as f64 / messages as f64,
        counting::mb(export_peak)
    );
    let search: usize = summaries.iter().map(|s| s.search_text.capacity()).sum();
    let parts: usize = summaries
        .iter()
        .map(|s| s.parts.capacity() * std::mem::size_of::<MessageRef>())
        .sum();
    let text = |s: &Option<Box<str>>| s.as_ref().map_or(0, |text| text.len());
    let strings: usize = summaries
        .iter()
        .map(|s| {
            s.id.capacity()
                + text(&s.title)
                + text(&s.status)
                + text(&s.channel)
                + text(&s.contact)
                + text(&s.first_words)
                + s.tags.iter().map(String::capacity).sum::<usize>()
        })
        .sum();
    println!(
        "of which: summaries {} in their vector ({} bytes each), search text {}, message places {}, other text {}",
        counting::mb(std::mem::size_of_val(summaries)),
        std::mem::size_of::<Summary>(),
        counting::mb(search),
        counting::mb(parts),
        counting::mb(strings)
    );

    let lines = journal.lines.borrow();
    let at_rest = counting::restart_peak();
    let started = std::time::Instant::now();
    let reads = std::rc::Rc::new(std::cell::Cell::new(0));
    let locations = Locations::all(summaries);
    println!(
        "where the file's records are, taken at the click: {}",
        counting::mb(counting::live() - at_rest)
    );
    let mut files = Files {
        query: &export.query,
        source: StoredSource::new(
            locations,
            &export.store.contents,
            &export.store.warnings,
            support::CountedPages {
                lines: LinePages { lines: &lines },
                reads: reads.clone(),
            },
        ),
        options: &CsvOptions::default(),
        columns: &Default::default(),
        exported_at: "2026-07-01T12:00:00Z".parse().expect("a time"),
        missing: &[],
        shown: Default::default(),
    };
    let file =
        futures_executor::block_on(files.file(DataFile::Csv(Table::Messages))).expect("written");
    let csv = file.bytes.len();
    let readback_peak = counting::peak() - at_rest;
    println!(
        "messages CSV {} in {:.1} s, {} page reads of {} pages; read-back peak on top of the export, the CSV included: {}",
        counting::mb(csv),
        started.elapsed().as_secs_f64(),
        reads.get(),
        lines.len() - 1,
        counting::mb(readback_peak)
    );
}
