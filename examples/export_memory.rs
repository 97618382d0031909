//! Measures what writing messages.csv costs in memory, for 100,000 messages:
//! `cargo run --release --example export_memory`.
//!
//! A counting allocator tracks live heap bytes. Printed: the CSV's size, the model's size before
//! writing, the exporter's own peak on top of the model, and the peak of everything.

#[path = "../tests/support/mod.rs"]
mod support;

#[path = "common/counting.rs"]
mod counting;

use conversation_export::export::csv::CsvOptions;
use conversation_export::export::Table;
use conversation_export::vendors::VendorId;

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
        let before = counting::restart_peak();
        let file = Table::Messages.write(
            conversations,
            &CsvOptions {
                for_spreadsheet,
                ..CsvOptions::default()
            },
        );
        let peak = counting::peak();
        let csv = file.bytes.len();
        println!(
            "messages.csv for a {label}: {} messages, CSV {}; model in memory {} ({:.1}x the CSV); \
             exporter's peak on top of the model {} ({:.2}x the CSV); peak of everything {} ({:.1}x the CSV)",
            messages,
            counting::mb(csv),
            counting::mb(before),
            before as f64 / csv as f64,
            counting::mb(peak - before),
            (peak - before) as f64 / csv as f64,
            counting::mb(peak),
            peak as f64 / csv as f64,
        );
    }
}
