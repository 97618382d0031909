//! A saved export read back from the browser's storage, as `journal::replay` reads lines: every
//! run that finished merged, and an update that did not, on its own; a few entries at a time,
//! the page getting its turn between reads.

use std::collections::HashSet;

use crate::engine::clock::{BrowserClock, Clock};
use crate::engine::RunStatus;
use crate::journal::{superseded, updated_ids, Entry, Replay, Replayed};
use crate::saved::SavedExport;
use crate::store::browser::Storage;
use crate::store::Summary;

/// Entries read from storage at a time: a Mindo page is megabytes, so a few.
const ENTRIES_AT_A_TIME: u32 = 4;

/// Calls `apply` with each entry of `export` numbered from `from` up to `end` (or its last),
/// in order, giving the page its turn between reads.
async fn for_each_entry(
    storage: &Storage,
    export: &str,
    from: u32,
    end: Option<u32>,
    mut apply: impl FnMut(u32, Entry) -> Result<(), String>,
) -> Result<(), String> {
    let mut next = from;
    loop {
        let entries = storage
            .entries(export, next, ENTRIES_AT_A_TIME)
            .await
            .map_err(|e| e.detail)?;
        let Some(&(last, _)) = entries.last() else {
            return Ok(());
        };
        for (number, line) in entries {
            if end.is_some_and(|end| number >= end) {
                return Ok(());
            }
            let entry: Entry = serde_json::from_str(&line)
                .map_err(|e| format!("entry {number} cannot be read: {e}"))?;
            apply(number, entry)?;
        }
        next = last + 1;
        gloo_timers::future::TimeoutFuture::new(0).await;
    }
}

/// Reads a saved export back from storage, as `journal::replay` does from lines: every run
/// that finished merged, and an update that did not, on its own.
pub async fn read_back(
    storage: &Storage,
    saved: &SavedExport,
) -> Result<Replayed<Summary>, String> {
    let now = BrowserClock.wall();
    let id = saved.id.as_str();
    let mut runs = saved.runs.clone();
    let mut update = None;
    if runs.len() > 1 {
        let last = *runs.last().expect("more than one");
        let mut alone = Replay::<Summary>::new(Vec::new(), now);
        for_each_entry(storage, id, last, None, |n, e| {
            alone.apply(n, e).map_err(|e| e.to_string())
        })
        .await?;
        let alone = alone.finish().map_err(|e| e.to_string())?;
        if alone.status != RunStatus::Finished {
            update = Some(alone);
            runs.pop();
        }
    }
    let end = update.as_ref().map(|_| saved.runs[runs.len()]);
    let vendor = saved.query.vendor;
    let mut fetched = vec![HashSet::new(); runs.len()];
    for (at, first) in runs.iter().enumerate().skip(1) {
        let until = runs.get(at + 1).copied().or(end);
        let ids = &mut fetched[at];
        for_each_entry(storage, id, *first, until, |_, entry| {
            ids.extend(updated_ids(vendor, [&entry]));
            Ok(())
        })
        .await?;
    }
    let mut replay = Replay::<Summary>::new(superseded(&fetched), now);
    for_each_entry(storage, id, 0, end, |n, e| {
        replay.apply(n, e).map_err(|e| e.to_string())
    })
    .await?;
    let whole = replay.finish().map_err(|e| e.to_string())?;
    Ok(Replayed { whole, update })
}
