//! Reading a journal back into an export. A journal holds one or more runs ("segments"): the
//! first fetched everything, each later one only what changed since the one before. Read back
//! whole, a conversation a later run fetched again is kept as that run fetched it, and the
//! conversations take the vendor's list order.

use std::collections::HashSet;

use super::{Entry, ReplayError};
use crate::engine::{Export, RunStatus};
use crate::model::Timestamp;
use crate::store::Keep;
use crate::vendors::paging::map_records;
use crate::vendors::spec::Holds;
use crate::vendors::{MapContext, Page, VendorId};

/// One run of an export: its entries, the first of which (number `first`) says what it asked.
#[derive(Debug, Clone)]
pub struct Segment {
    pub first: u32,
    pub entries: Vec<Entry>,
}

/// Splits a journal's entries into its runs.
pub fn segments(entries: impl IntoIterator<Item = Entry>) -> Result<Vec<Segment>, ReplayError> {
    let mut segments: Vec<Segment> = Vec::new();
    for (number, entry) in entries.into_iter().enumerate() {
        match (&entry, segments.last_mut()) {
            (Entry::Started { .. }, _) => segments.push(Segment {
                first: number as u32,
                entries: vec![entry],
            }),
            (_, Some(segment)) => segment.entries.push(entry),
            (_, None) => return Err(ReplayError::NoStart),
        }
    }
    if segments.is_empty() {
        return Err(ReplayError::NoStart);
    }
    Ok(segments)
}

/// The conversations a run fetched: a later run's copies replace earlier ones. A vendor that
/// sends messages (Mindo) sends only the new ones: nothing is replaced, they join.
pub fn updated_ids<'a>(
    vendor: VendorId,
    entries: impl IntoIterator<Item = &'a Entry>,
) -> HashSet<String> {
    let mut ids = HashSet::new();
    if vendor.spec().holds == Holds::Messages {
        return ids;
    }
    for (task, records, fetched_at) in entries.into_iter().filter_map(Entry::page) {
        let mut warnings = Vec::new();
        let mut context = MapContext::new(&mut warnings, fetched_at.unwrap_or_default());
        for update in map_records(vendor, task, 0, records.to_vec(), &mut context) {
            ids.insert(update.conversation_id().to_string());
        }
    }
    ids
}

/// For each run, the conversations a later run fetched again: `fetched[k]` are run k's (see
/// `updated_ids`).
pub fn superseded(fetched: &[HashSet<String>]) -> Vec<HashSet<String>> {
    let mut later = HashSet::new();
    let mut out = vec![HashSet::new(); fetched.len()];
    for run in (0..fetched.len()).rev() {
        out[run] = later.clone();
        later.extend(fetched[run].iter().cloned());
    }
    out
}

/// A journal read back entry by entry (storage hands them over a few at a time).
pub struct Replay<K: Keep> {
    export: Option<Export<K>>,
    superseded: Vec<HashSet<String>>,
    run: usize,
    now: Timestamp,
}

impl<K: Keep> Replay<K> {
    /// `superseded`: per run, the conversations whose records are left out (see `superseded`);
    /// `now` is the user's clock, for records that say no time.
    pub fn new(superseded: Vec<HashSet<String>>, now: Timestamp) -> Self {
        Replay {
            export: None,
            superseded,
            run: 0,
            now,
        }
    }

    fn left_out(&mut self, run: usize) -> HashSet<String> {
        self.superseded
            .get_mut(run)
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Applies entry `number` (entries come in order).
    pub fn apply(&mut self, number: u32, entry: Entry) -> Result<(), ReplayError> {
        if self.export.is_none() {
            let Entry::Started { query, settings } = entry else {
                return Err(ReplayError::NoStart);
            };
            let mut export = Export::new(query, settings);
            export.store.leave_out(self.left_out(0));
            self.export = Some(export);
            return Ok(());
        }
        let now = self.now;
        match entry {
            Entry::Started { query, .. } => {
                self.run += 1;
                let left_out = self.left_out(self.run);
                let export = self.export.as_mut().expect("started");
                export.replay_update(&query);
                export.store.leave_out(left_out);
            }
            Entry::Page {
                task,
                records,
                next,
                total,
                fetched_at,
            } => self.export.as_mut().expect("started").replay_page(
                task,
                Page {
                    records,
                    next,
                    total,
                    fetched_at,
                },
                number,
                fetched_at.unwrap_or(now),
            ),
            Entry::Partial {
                task,
                records,
                fetched_at,
            } => self.export.as_mut().expect("started").replay_partial(
                task,
                records,
                number,
                fetched_at.unwrap_or(now),
            ),
        }
        Ok(())
    }

    /// The export as the entries left it, as if just stopped: finished, or with requests left.
    pub fn finish(self) -> Result<Export<K>, ReplayError> {
        let mut export = self.export.ok_or(ReplayError::NoStart)?;
        export.store.leave_out(HashSet::new());
        if self.run > 0 {
            let order = export.vendor().spec().order.of(&export.query);
            export.store.order_by(order);
        } else {
            export.store.settle();
        }
        if export.pending().next().is_some() {
            export.status = RunStatus::Cancelled;
        } else if export.progress.pages > 0 {
            export.status = RunStatus::Finished;
        }
        Ok(export)
    }
}

/// A journal read back.
pub struct Replayed<K: Keep> {
    /// Every run that finished, merged (or the first run, finished or not): what the files hold.
    pub whole: Export<K>,
    /// A run of only what changed that has not finished, on its own: Resume goes on with it,
    /// and once it has finished the journal reads back whole with it.
    pub update: Option<Export<K>>,
}

fn replay_runs<K: Keep>(runs: Vec<Segment>, now: Timestamp) -> Result<Export<K>, ReplayError> {
    let vendor = match runs.first().and_then(|run| run.entries.first()) {
        Some(Entry::Started { query, .. }) => query.vendor,
        _ => return Err(ReplayError::NoStart),
    };
    let fetched: Vec<HashSet<String>> = runs
        .iter()
        .enumerate()
        .map(|(at, run)| {
            if at == 0 {
                HashSet::new()
            } else {
                updated_ids(vendor, &run.entries)
            }
        })
        .collect();
    let mut replay = Replay::new(superseded(&fetched), now);
    for run in runs {
        for (offset, entry) in run.entries.into_iter().enumerate() {
            replay.apply(run.first + offset as u32, entry)?;
        }
    }
    replay.finish()
}

/// Rebuilds an export from its journal: its records in the vendor's order, and the requests
/// still to make, as if it had just been stopped. `now` is the user's clock, for mapping.
pub fn replay<K: Keep>(
    entries: impl IntoIterator<Item = Entry>,
    now: Timestamp,
) -> Result<Replayed<K>, ReplayError> {
    let mut runs = segments(entries)?;
    if runs.len() > 1 {
        let last = runs.last().expect("more than one").clone();
        let alone: Export<K> = replay_runs(vec![last], now)?;
        if alone.status != RunStatus::Finished {
            runs.pop();
            return Ok(Replayed {
                whole: replay_runs(runs, now)?,
                update: Some(alone),
            });
        }
    }
    Ok(Replayed {
        whole: replay_runs(runs, now)?,
        update: None,
    })
}
