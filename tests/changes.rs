//! Only what changed: the mark an export leaves for the next one, and (with the simulator a day
//! later) an export of only what changed merged into the earlier one equals a fresh full export.

mod support;

use std::cell::RefCell;
use std::rc::Rc;

use chrono::{DateTime, Utc};
use conversation_export::engine::{Export, RunStatus, Settings};
use conversation_export::export::csv::{CsvOptions, Layout};
use conversation_export::journal::{read_lines, replay, EntryRef, MemoryJournal};
use conversation_export::model::Timestamp;
use conversation_export::store::Summary;
use conversation_export::vendors::spec::Changes;
use conversation_export::vendors::VendorId;
use serde_json::Value;
use sim::{Later, WorldConfig};
use support::*;

/// The latest value of the vendor's change field among the records it sent, read from the
/// simulator's records by name (not through the mapping the export used).
fn latest_in(records: &[Value], field: &str) -> Option<DateTime<Utc>> {
    records
        .iter()
        .filter_map(|record| record.get(field)?.as_str())
        .filter_map(|text| {
            text.parse::<DateTime<Utc>>().ok().or_else(|| {
                // Mindo's times have no zone: UTC, as its docs say.
                chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                    .ok()
                    .map(|naive| naive.and_utc())
            })
        })
        .max()
}

#[test]
fn an_export_leaves_as_its_mark_the_latest_change_the_vendor_sent() {
    let world = world(60);
    for (vendor, _) in FULL_EXPORTS {
        let export = full_export(&world, *vendor);
        let truth = Truth::of(&world, &export.query);
        let field = vendor.spec().changes.field().record;
        let expected = latest_in(&truth.records(), field);
        assert!(expected.is_some(), "{vendor:?}: the records carry {field}");
        assert_eq!(
            export.latest_change, expected,
            "{vendor:?}: the mark is the latest {field}"
        );
    }
}

/// The filters of each vendor's export in these tests: the full exports, with Mindo's range
/// reaching past the simulated day after (its changes happen then).
fn filters_of(vendor: VendorId) -> Vec<(&'static str, &'static str)> {
    let (_, filters) = FULL_EXPORTS.iter().find(|(v, _)| *v == vendor).unwrap();
    filters
        .iter()
        .map(|&(name, value)| match name {
            "to" => (name, "2026-07-31"),
            _ => (name, value),
        })
        .collect()
}

/// The simulated world a day later: `changed_percent` of the conversations moved on, and
/// `new_conversations` started.
fn the_day_after(changed_percent: f64, new_conversations: usize) -> Rc<sim::World> {
    world_with(WorldConfig {
        conversations: CONVERSATIONS,
        later: Some(Later {
            changed_percent,
            new_conversations,
        }),
        ..WorldConfig::default()
    })
}

const CONVERSATIONS: usize = 120;

fn now() -> Timestamp {
    "2026-08-01T12:00:00Z".parse().unwrap()
}

/// Runs the first export of `vendor` as kept in a browser (summaries), with its journal.
fn first_export(vendor: VendorId) -> (MemoryJournal, Export<Summary>) {
    let query = query(vendor, &filters_of(vendor));
    let journal = MemoryJournal::starting(&query, &Settings::default());
    let export = summary_export(&world(CONVERSATIONS), query, &journal);
    (journal, export)
}

/// Starts a run of only what changed since `mark` in the same journal.
fn update_of(first: &Export<Summary>, journal: &MemoryJournal) -> RefCell<Export<Summary>> {
    let mut query = first.query.clone();
    query.changed_since = first.latest_change;
    journal.lines.borrow_mut().push(
        EntryRef::Started {
            query: &query,
            settings: &first.settings,
        }
        .to_line(),
    );
    let update = RefCell::new(Export::<Summary>::new(query, first.settings));
    update.borrow_mut().set_journal(Box::new(journal.clone()));
    update
}

fn entries(journal: &MemoryJournal) -> Vec<conversation_export::journal::Entry> {
    read_lines(&journal.lines.borrow().join("\n")).unwrap()
}

/// Every file of `merged`, read back from `journal`, equals those of `fresh` byte for byte.
fn assert_same_files(
    vendor: VendorId,
    merged: &Export<Summary>,
    journal: &MemoryJournal,
    fresh: &Export,
) {
    let lines = journal.lines.borrow().clone();
    for layout in [Layout::Vendor(vendor), Layout::Unified] {
        let options = CsvOptions {
            layout,
            ..CsvOptions::default()
        };
        let got = stored_files(merged, &lines, &options, now());
        let want = memory_files(fresh, &options, now());
        let names =
            |files: &[(String, Vec<u8>)]| files.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
        assert_eq!(names(&got), names(&want), "{vendor}");
        for ((name, bytes), (_, expected)) in got.iter().zip(&want) {
            assert!(
                bytes == expected,
                "{vendor}: {name} differs from a fresh full export's"
            );
        }
    }
}

#[test]
fn only_what_changed_merged_into_the_last_export_gives_the_files_of_a_fresh_full_export() {
    let later = the_day_after(5.0, 3);
    for &vendor in VendorId::ALL {
        let (journal, first) = first_export(vendor);
        assert_eq!(first.status, RunStatus::Finished, "{vendor}");
        let update = update_of(&first, &journal);
        let transport = transport(&later);
        drive(&update, &transport, &key(vendor));
        let update = update.into_inner();
        assert_eq!(update.status, RunStatus::Finished, "{vendor}");
        assert!(
            !update.store.is_empty(),
            "{vendor}: the day after brought changes"
        );
        let replayed = replay::<Summary>(entries(&journal), now()).unwrap();
        assert!(replayed.update.is_none(), "{vendor}: the update finished");
        let merged = replayed.whole;
        let fresh = finished_export(&later, query(vendor, &filters_of(vendor)));
        assert_eq!(merged.store.len(), fresh.store.len(), "{vendor}");
        assert_eq!(merged.store.contents, fresh.store.contents, "{vendor}");
        assert_same_files(vendor, &merged, &journal, &fresh);
        // Fewer requests than a full export, except where the vendor can only list everything.
        let (asked, full) = (update.progress.requests, fresh.progress.requests);
        match vendor.spec().changes {
            Changes::WholeList { .. } => assert!(asked <= full, "{vendor}: {asked} <= {full}"),
            _ if full == 1 => assert_eq!(asked, 1, "{vendor}"),
            _ => assert!(asked < full, "{vendor}: {asked} < {full}"),
        }
        // Its mark moved on: the next update starts from the latest change now kept.
        assert!(merged.latest_change > first.latest_change, "{vendor}");
    }
}

#[test]
fn an_update_stopped_midway_keeps_the_last_export_whole_and_resumes_to_the_same_result() {
    // Enough changes for several pages (Mindo's page of 10,000 rows holds them all).
    let later = the_day_after(90.0, 150);
    let mut stopped_midway = Vec::new();
    for &vendor in VendorId::ALL {
        let (journal, first) = first_export(vendor);
        let update = update_of(&first, &journal);
        let transport = transport(&later);
        drive_until(&update, &transport, &key(vendor), |e| e.progress.pages >= 1);
        if update.borrow().pending().next().is_none() {
            // One page held all that changed: nothing to stop.
            continue;
        }
        stopped_midway.push(vendor);
        let replayed = replay::<Summary>(entries(&journal), now()).unwrap();
        let stopped = replayed
            .update
            .unwrap_or_else(|| panic!("{vendor}: the update has not finished"));
        assert_eq!(
            replayed.whole.store.conversations(),
            first.store.conversations(),
            "{vendor}: the files hold the last export, whole, until the update finishes"
        );
        // Resumed from what storage kept, in the same journal.
        let resumed = RefCell::new(stopped);
        resumed.borrow_mut().set_journal(Box::new(journal.clone()));
        drive(&resumed, &transport, &key(vendor));
        assert_eq!(resumed.borrow().status, RunStatus::Finished, "{vendor}");
        let merged = replay::<Summary>(entries(&journal), now()).unwrap().whole;
        let fresh = finished_export(&later, query(vendor, &filters_of(vendor)));
        assert_same_files(vendor, &merged, &journal, &fresh);
    }
    eprintln!("stopped midway: {stopped_midway:?}");
    assert_eq!(stopped_midway.len(), 4, "{stopped_midway:?}");
}
