//! Only what changed: the mark an export leaves for the next one, and (with the simulator a day
//! later) an export of only what changed merged into the earlier one equals a fresh full export.

mod support;

use chrono::{DateTime, Utc};
use serde_json::Value;
use support::{full_export, world, Truth, FULL_EXPORTS};

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
