//! What the host tests share (and the examples, through `#[path]`): a simulated world and its
//! in-process transport, each vendor's key and base URL on the simulator, running an export to
//! its end with a fake clock, and the ground truth read from the simulator's own data.
//!
//! The ground truth never comes from the connectors or the engine: it is computed from the
//! simulator's datasets with the filters' documented meaning, so a bug in a connector fails the
//! tests instead of being copied into their expectations.

// Each test crate (and example) uses its own part of this module.
#![allow(dead_code)]

pub mod truth;

pub use truth::Truth;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use conversation_export::destination::ScopedKey;
use conversation_export::engine::cancel::CancelToken;
use conversation_export::engine::clock::FakeClock;
use conversation_export::engine::{run, Export, RunStatus, Settings};
use conversation_export::error::Problem;
use conversation_export::export::bundle::{ExportContext, Files};
use conversation_export::export::csv::CsvOptions;
use conversation_export::export::source::ReadError;
use conversation_export::journal::MemoryJournal;
use conversation_export::model::{Conversation, Timestamp, Warning};
use conversation_export::secret::ApiKey;
use conversation_export::store::readback::{LinePages, Pages, StoredPage, StoredSource};
use conversation_export::store::{Keep, Locations, Summary};
use conversation_export::transport::sim::SimTransport;
use conversation_export::vendors::paging::map_records;
use conversation_export::vendors::{plan, ExportQuery, MapContext, Task, Update, VendorId};
use futures_executor::block_on;
use serde_json::value::RawValue;
use sim::{World, WorldConfig};

/// Where the in-process simulator pretends to live; every vendor sits under its slug.
pub const ORIGIN: &str = "http://sim.test";

/// Filters by name, as a form or a link gives them.
pub type Filters<'a> = &'a [(&'a str, &'a str)];

/// Mindo's required filters over 90 days (three 31-day windows), both simulated companies.
pub const MINDO_90_DAYS: Filters<'static> = &[
    ("company_id", "42,57"),
    ("from", "2026-04-01"),
    ("to", "2026-06-30"),
];

/// The filters of a full export of each vendor, every opt-in on: what the file tests and
/// `examples/write_exports` export.
pub const FULL_EXPORTS: &[(VendorId, Filters<'static>)] = &[
    (VendorId::Humind, &[("include_contact", "1")]),
    (VendorId::TalkToHumans, &[]),
    (VendorId::HueChat, &[]),
    (VendorId::VoiceWidget, &[]),
    (
        VendorId::Mindo,
        &[
            ("company_id", "42,57"),
            ("from", "2026-04-01"),
            ("to", "2026-06-30"),
            ("include", "classifications,extractions,tool_calls,trace_id"),
        ],
    ),
];

// ---- The simulator ------------------------------------------------------------------------

/// A world of `conversations` conversations per vendor (seed and dates as `WorldConfig`'s).
pub fn world(conversations: usize) -> Rc<World> {
    world_with(WorldConfig {
        conversations,
        ..WorldConfig::default()
    })
}

pub fn world_with(config: WorldConfig) -> Rc<World> {
    Rc::new(World::generate(&config))
}

/// The simulator as a transport, on a fake clock that starts at 2026-07-01T12:00:00Z.
pub fn transport(world: &Rc<World>) -> SimTransport<FakeClock> {
    SimTransport::new(world.clone(), FakeClock::new())
}

/// `vendor`'s base URL on the simulator.
pub fn base_url(vendor: VendorId) -> String {
    vendor.simulator_base_url(ORIGIN)
}

/// The key the simulator accepts for `vendor` (every scope; Mindo's global key), bound to the
/// simulator's origin.
pub fn key(vendor: VendorId) -> ScopedKey {
    let secret = sim::valid_key(vendor.slug()).expect("the simulator knows every vendor");
    key_with(vendor, secret)
}

/// Any secret (a wrong, revoked or company key), bound to the simulator's origin.
pub fn key_with(vendor: VendorId, secret: &str) -> ScopedKey {
    ScopedKey::for_base_url(ApiKey::new(secret), &base_url(vendor))
        .expect("the simulator's base URL has an origin")
}

/// A query of `vendor` on the simulator.
pub fn query(vendor: VendorId, filters: Filters<'_>) -> ExportQuery {
    let mut query = with_filters(ExportQuery::new(vendor), filters);
    query.base_url = base_url(vendor);
    query
}

/// A query of `vendor` at its documented address (the voice widget's docs name none: an
/// example host), as the connector tests build requests for.
pub fn documented_query(vendor: VendorId, filters: Filters<'_>) -> ExportQuery {
    let mut query = with_filters(ExportQuery::new(vendor), filters);
    if query.base_url.is_empty() {
        query.base_url = "https://voice.example.com".into();
    }
    query
}

/// A documented query with only what the vendor requires: Mindo's company and a short range.
pub fn minimal_query(vendor: VendorId) -> ExportQuery {
    let required: Filters = match vendor {
        VendorId::Mindo => &[
            ("company_id", "42"),
            ("from", "2026-04-01T00:00:00Z"),
            ("to", "2026-04-07T00:00:00Z"),
        ],
        _ => &[],
    };
    documented_query(vendor, required)
}

fn with_filters(query: ExportQuery, filters: Filters<'_>) -> ExportQuery {
    filters
        .iter()
        .fold(query, |query, (name, value)| query.with(name, value))
}

/// A new export of `vendor` on the simulator, with the default settings.
pub fn export(vendor: VendorId, filters: Filters<'_>) -> RefCell<Export> {
    export_with(query(vendor, filters), Settings::default())
}

/// A new export of `vendor` on the simulator with `concurrency` requests at once.
pub fn export_concurrent(
    vendor: VendorId,
    filters: Filters<'_>,
    concurrency: usize,
) -> RefCell<Export> {
    let settings = Settings {
        concurrency,
        ..Settings::default()
    };
    export_with(query(vendor, filters), settings)
}

pub fn export_with(query: ExportQuery, settings: Settings) -> RefCell<Export> {
    RefCell::new(Export::new(query, settings))
}

/// Runs (or resumes) an export until it finishes or stops, with the transport's fake clock.
pub fn drive<K: Keep>(
    export: &RefCell<Export<K>>,
    transport: &SimTransport<FakeClock>,
    key: &ScopedKey,
) {
    block_on(run(
        export,
        transport,
        transport.clock(),
        key,
        &CancelToken::new(),
        &mut || {},
    ));
}

/// Runs an export like `drive`, pressing Cancel as soon as `cancel_when` holds after a step.
pub fn drive_until<K: Keep>(
    export: &RefCell<Export<K>>,
    transport: &SimTransport<FakeClock>,
    key: &ScopedKey,
    cancel_when: impl Fn(&Export<K>) -> bool,
) {
    let cancel = CancelToken::new();
    let button = cancel.clone();
    block_on(run(
        export,
        transport,
        transport.clock(),
        key,
        &cancel,
        &mut || {
            if cancel_when(&export.borrow()) {
                button.cancel();
            }
        },
    ));
}

/// Runs `query` to its end as a browser keeps it (summaries), its journal in `journal` (which
/// starts with the question: `MemoryJournal::starting`).
pub fn summary_export(
    world: &Rc<World>,
    query: ExportQuery,
    journal: &MemoryJournal,
) -> Export<Summary> {
    let vendor = query.vendor;
    let export = RefCell::new(Export::<Summary>::new(query, Settings::default()));
    export.borrow_mut().set_journal(Box::new(journal.clone()));
    drive(&export, &transport(world), &key(vendor));
    export.into_inner()
}

/// A clean export of `query` from `world`, which must finish with exactly its ground truth.
pub fn finished_export(world: &Rc<World>, query: ExportQuery) -> Export {
    let vendor = query.vendor;
    let export = export_with(query, Settings::default());
    drive(&export, &transport(world), &key(vendor));
    let export = export.into_inner();
    assert_ground_truth(world, &export);
    export
}

/// A clean full export of `vendor` from `world`, every opt-in on (`FULL_EXPORTS`).
pub fn full_export(world: &Rc<World>, vendor: VendorId) -> Export {
    let (_, filters) = FULL_EXPORTS
        .iter()
        .find(|(full, _)| *full == vendor)
        .expect("every vendor has a full export");
    finished_export(world, query(vendor, filters))
}

/// The files of a finished export as the app writes them with `options`, at a fixed time;
/// `missing` names the requests a stopped export did not make.
pub fn files_of<'a>(
    export: &'a Export,
    options: &'a CsvOptions,
    missing: &'a [String],
) -> ExportContext<'a> {
    static EVERY_COLUMN: BTreeMap<String, Vec<String>> = BTreeMap::new();
    ExportContext {
        query: &export.query,
        conversations: export.store.conversations(),
        warnings: &export.store.warnings,
        options,
        columns: &EVERY_COLUMN,
        exported_at: "2026-07-01T12:00:00Z".parse().unwrap(),
        missing,
    }
}

/// Panics unless `export` finished holding exactly the ground truth of its query, which it
/// returns for further checks.
pub fn assert_ground_truth(world: &World, export: &Export) -> Truth {
    let vendor = export.query.vendor;
    assert_eq!(export.status, RunStatus::Finished, "{vendor}");
    assert!(
        export.store.warnings.is_empty(),
        "{vendor}: the simulator sends what its vendor documents: {:?}",
        export.store.warnings
    );
    let truth = Truth::of(world, &export.query);
    truth.assert_matches(export.store.conversations());
    truth
}

/// The stop of a failed run, or a panic naming what happened instead.
pub fn failure(export: &RefCell<Export>) -> conversation_export::error::FetchError {
    match &export.borrow().status {
        RunStatus::Failed(error) => error.clone(),
        other => panic!("expected the run to stop with an error, got {other:?}"),
    }
}

// ---- Connectors, without the engine -------------------------------------------------------

/// The first request of an export of `query`.
pub fn first_task(query: &ExportQuery) -> Task {
    plan(query).remove(0)
}

/// Maps a whole page's records as the engine would, with `now` as the user's clock.
pub fn map_page(
    vendor: VendorId,
    task: &Task,
    records: Vec<Box<RawValue>>,
    now: &str,
) -> (Vec<Update>, Vec<Warning>) {
    let mut warnings = Vec::new();
    let mut context = MapContext::new(&mut warnings, now.parse().expect("an RFC 3339 instant"));
    let updates = map_records(vendor, task, 0, records, &mut context);
    (updates, warnings)
}

/// The code of the vendor's documented error row a problem was matched to, if one was.
pub fn documented_code(problem: &Problem) -> Option<&'static str> {
    match problem {
        Problem::Refused {
            rule: Some(rule), ..
        } => rule.code,
        _ => None,
    }
}

pub fn conversation(update: &Update) -> &Conversation {
    match update {
        Update::Conversation(conversation) => conversation,
        other => panic!("expected a conversation, got {other:?}"),
    }
}

/// Every file of an export kept as summaries, read back from its journal.
pub fn stored_files(
    export: &Export<Summary>,
    lines: &[String],
    options: &CsvOptions,
    exported_at: Timestamp,
) -> Vec<(String, Vec<u8>)> {
    let columns = Default::default();
    let mut files = Files {
        query: &export.query,
        source: StoredSource::new(
            Locations::all(export.store.conversations()),
            &export.store.contents,
            &export.store.warnings,
            LinePages { lines },
        ),
        options,
        columns: &columns,
        exported_at,
        missing: &[],
        shown: Default::default(),
    };
    let mut written = Vec::new();
    for kind in files.data_file_kinds() {
        let file = block_on(files.file(kind)).unwrap();
        written.push((file.name, file.bytes.to_vec()));
    }
    let zip = block_on(files.zip()).unwrap();
    written.push((zip.name, zip.bytes.to_vec()));
    written
}

/// The same files from the same export held whole in memory.
pub fn memory_files(
    export: &Export,
    options: &CsvOptions,
    exported_at: Timestamp,
) -> Vec<(String, Vec<u8>)> {
    let columns = Default::default();
    let context = ExportContext {
        query: &export.query,
        conversations: export.store.conversations(),
        warnings: &export.store.warnings,
        options,
        columns: &columns,
        exported_at,
        missing: &[],
    };
    let mut written: Vec<(String, Vec<u8>)> = context
        .data_files()
        .into_iter()
        .map(|file| (file.name, file.bytes.to_vec()))
        .collect();
    let zip = context.zip();
    written.push((zip.name, zip.bytes.to_vec()));
    written
}

/// A journal's pages, counting the reads.
pub struct CountedPages<'a> {
    pub lines: LinePages<'a>,
    pub reads: Rc<std::cell::Cell<usize>>,
}

impl Pages for CountedPages<'_> {
    async fn read(&mut self, entry: u32, buffer: Vec<u8>) -> Result<StoredPage, ReadError> {
        self.reads.set(self.reads.get() + 1);
        self.lines.read(entry, buffer).await
    }
}
