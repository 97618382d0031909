//! Measures what writing messages.csv costs in memory, for 100,000 messages:
//! `cargo run --release --example export_memory`.
//!
//! A counting allocator tracks live heap bytes. Printed: the CSV's size, the model's size before
//! writing, the exporter's own peak on top of the model, and the peak of everything.

#[path = "../tests/support/mod.rs"]
mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use conversation_export::export::csv::CsvOptions;
use conversation_export::export::Table;
use conversation_export::vendors::VendorId;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn mb(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

fn main() {
    // Mindo exports messages: about 5 per conversation, over 90 days in three windows.
    let world = support::world(22_000);
    world.mindo(); // generated before the clock starts
    let started = std::time::Instant::now();
    let export = support::finished_export(
        &world,
        support::query(VendorId::Mindo, support::MINDO_90_DAYS),
    );
    let run_time = started.elapsed();
    // Only the export is measured: the simulator's data goes first.
    drop(world);
    println!(
        "Export run (simulator in process, no network): {:.2} s",
        run_time.as_secs_f64()
    );
    let conversations = export.store.conversations();
    let messages = Table::Messages.rows(conversations);

    for (label, for_spreadsheet) in [("spreadsheet", true), ("database", false)] {
        let before = LIVE.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let file = Table::Messages.write(
            conversations,
            &CsvOptions {
                for_spreadsheet,
                ..CsvOptions::default()
            },
        );
        let peak = PEAK.load(Ordering::Relaxed);
        let csv = file.bytes.len();
        println!(
            "messages.csv for a {label}: {} messages, CSV {}; model in memory {} ({:.1}x the CSV); \
             exporter's peak on top of the model {} ({:.2}x the CSV); peak of everything {} ({:.1}x the CSV)",
            messages,
            mb(csv),
            mb(before),
            before as f64 / csv as f64,
            mb(peak - before),
            (peak - before) as f64 / csv as f64,
            mb(peak),
            peak as f64 / csv as f64,
        );
    }
}
