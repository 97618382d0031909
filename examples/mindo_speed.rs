//! What the app itself spends on each Mindo row, on the host, stage by stage: reading the line
//! (checking it is JSON and keeping it raw), mapping it into the model, and storing it as the
//! browser keeps it (summaries). The simulator's own time is left out: the rows are generated and
//! exported once, then measured from the journal's copy.
//! `cargo run --release --example mindo_speed -- 22000` (conversations; about five messages each).

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Instant;

use conversation_export::engine::clock::Clock;
use conversation_export::engine::Settings;
use conversation_export::journal::{read_lines, replay, Entry, MemoryJournal};
use conversation_export::store::Summary;
use conversation_export::vendors::paging::map_records;
use conversation_export::vendors::{MapContext, VendorId};

fn main() {
    let conversations: usize = std::env::args()
        .nth(1)
        .map(|n| n.parse().expect("a number of conversations"))
        .unwrap_or(22_000);
    let world = support::world(conversations);
    let query = support::query(VendorId::Mindo, support::MINDO_90_DAYS);
    let journal = MemoryJournal::starting(&query, &Settings::default());
    support::summary_export(&world, query, &journal);
    let text = journal.lines.borrow().join("\n") + "\n";
    let now = support::transport(&world).clock().wall();

    let started = Instant::now();
    let entries = read_lines(&text).expect("the journal reads back");
    let reading = started.elapsed();
    let rows: usize = entries
        .iter()
        .filter_map(Entry::page)
        .map(|(_, records, _)| records.len())
        .sum();

    let pages: Vec<_> = entries
        .iter()
        .filter_map(Entry::page)
        .map(|(task, records, _)| (task.clone(), records.to_vec()))
        .collect();
    let mut warnings = Vec::new();
    let started = Instant::now();
    let mut updates = 0;
    for (task, records) in pages {
        let mut context = MapContext::new(&mut warnings, now);
        updates += map_records(VendorId::Mindo, &task, 0, records, &mut context).len();
    }
    let mapping = started.elapsed();
    assert_eq!(updates, rows);

    let started = Instant::now();
    let replayed = replay::<Summary>(entries, now).expect("the journal replays");
    let storing = started.elapsed();
    assert_eq!(replayed.whole.progress.messages, rows);

    let per_row = |spent: std::time::Duration| spent.as_secs_f64() * 1e6 / rows as f64;
    println!("{rows} rows");
    println!("reading the lines: {:.2} µs a row", per_row(reading));
    println!("mapping: {:.2} µs a row", per_row(mapping));
    println!(
        "mapping and storing (a replay): {:.2} µs a row",
        per_row(storing)
    );
}
