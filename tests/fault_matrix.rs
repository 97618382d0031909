//! The fault matrix: every fault class the simulator can inject, against every vendor, with
//! several seeds placing the faults. Each export must end with exactly the simulator's ground
//! truth (lost 0, duplicated 0), either on its own or, when the fault stops it (a revoked key),
//! with a message naming what is missing and a Resume that completes it. Files from a faulty run
//! must be byte-identical to a clean run's. Prints the matrix (and writes
//! `target/fault-matrix.txt`).

use std::cell::RefCell;
use std::collections::{BTreeSet, HashSet};
use std::rc::Rc;

use conversation_export::engine::cancel::CancelToken;
use conversation_export::engine::clock::FakeClock;
use conversation_export::engine::{run, Export, RunStatus, Settings};
use conversation_export::export::bundle::ExportContext;
use conversation_export::export::csv::CsvOptions;
use conversation_export::secret::ApiKey;
use conversation_export::transport::sim::SimTransport;
use conversation_export::vendors::{ExportQuery, VendorId};
use futures_executor::block_on;
use sim::faults::{Fault, FaultSchedule};
use sim::rng::Rng;
use sim::{World, WorldConfig};

const SEEDS: u64 = 3;

#[derive(Clone)]
enum Injection {
    /// Faults at three seeded request numbers.
    At(Fault),
    /// The fault on every request from a seeded one on (until the user fixes it and resumes).
    From(Fault),
    /// HueChat: a new conversation every few requests.
    Arrivals,
}

fn fault_classes() -> Vec<(&'static str, Injection)> {
    use Injection::*;
    vec![
        (
            "429, Retry-After in seconds",
            At(Fault::RateLimit {
                retry_after: Some("2".into()),
                exposed: true,
            }),
        ),
        (
            "429, Retry-After as an HTTP date",
            At(Fault::RateLimit {
                retry_after: Some("Wed, 01 Jul 2026 12:00:05 GMT".into()),
                exposed: true,
            }),
        ),
        (
            "429, Retry-After not exposed",
            At(Fault::RateLimit {
                retry_after: Some("2".into()),
                exposed: false,
            }),
        ),
        ("500", At(Fault::Status(500))),
        ("502", At(Fault::Status(502))),
        ("503", At(Fault::Status(503))),
        ("dropped connection", At(Fault::Drop)),
        ("slower than the timeout", At(Fault::Slow)),
        ("truncated body", At(Fault::Truncate)),
        ("malformed JSON", At(Fault::Malformed)),
        ("NDJSON _error mid-stream", At(Fault::StreamError)),
        ("cursor rejected with 400", At(Fault::RejectCursor)),
        ("key revoked mid-export", From(Fault::Revoked)),
        ("new conversations arriving", Arrivals),
    ]
}

struct Vendor {
    id: VendorId,
    key: &'static str,
    filters: Vec<(&'static str, &'static str)>,
    world: Rc<World>,
}

fn vendors() -> Vec<Vendor> {
    let config = WorldConfig {
        conversations: 120,
        ..WorldConfig::default()
    };
    let arrivals = WorldConfig {
        huechat_arrivals_every: Some(9),
        ..config.clone()
    };
    let mindo = vec![
        ("company_id", "42,57"),
        ("from", "2026-04-01"),
        ("to", "2026-06-30"),
    ];
    let world = Rc::new(World::generate(&config));
    vec![
        Vendor {
            id: VendorId::Humind,
            key: sim::humind::VALID_KEY,
            filters: vec![],
            world: world.clone(),
        },
        Vendor {
            id: VendorId::TalkToHumans,
            key: sim::talktohumans::VALID_KEY,
            filters: vec![],
            world: world.clone(),
        },
        Vendor {
            id: VendorId::HueChat,
            key: sim::huechat::VALID_KEY,
            filters: vec![],
            world: world.clone(),
        },
        Vendor {
            id: VendorId::VoiceWidget,
            key: sim::voice_widget::VALID_KEY,
            filters: vec![],
            world: world.clone(),
        },
        Vendor {
            id: VendorId::Mindo,
            key: sim::mindo::GLOBAL_KEY,
            filters: mindo,
            world: world.clone(),
        },
        // HueChat again, on a world where conversations keep arriving.
        Vendor {
            id: VendorId::HueChat,
            key: sim::huechat::VALID_KEY,
            filters: vec![],
            world: Rc::new(World::generate(&arrivals)),
        },
    ]
}

/// What an export holds: conversation ids and `conversation/message` ids, in file order.
struct Holding {
    conversations: Vec<String>,
    messages: Vec<String>,
    files: Vec<Vec<u8>>,
}

fn export(vendor: &Vendor, schedule: FaultSchedule) -> (RefCell<Export>, SimTransport<FakeClock>) {
    let mut transport = SimTransport::new(vendor.world.clone(), FakeClock::new());
    transport.faults = schedule;
    let mut query = ExportQuery::new(vendor.id);
    query.base_url = vendor.id.simulator_base_url("http://sim.test");
    for (name, value) in &vendor.filters {
        query.filters.insert(name.to_string(), value.to_string());
    }
    (
        RefCell::new(Export::new(query, Settings::default())),
        transport,
    )
}

fn drive(export: &RefCell<Export>, transport: &SimTransport<FakeClock>, key: &str) {
    block_on(run(
        export,
        transport,
        transport.clock(),
        &ApiKey::new(key),
        &CancelToken::new(),
        &mut || {},
    ));
}

fn holding(export: &Export) -> Holding {
    let conversations = export.store.conversations();
    let options = CsvOptions::default();
    let context = ExportContext {
        query: &export.query,
        conversations,
        warnings: &export.store.warnings,
        options: &options,
        columns: &Default::default(),
        exported_at: "2026-07-01T12:00:00Z".parse().unwrap(),
        missing: &[],
    };
    Holding {
        conversations: conversations.iter().map(|c| c.id.clone()).collect(),
        // Messages without an id (the voice widget's turns) are known by their place.
        messages: conversations
            .iter()
            .flat_map(|c| {
                c.messages.iter().map(move |m| match m.id.as_str() {
                    "" => format!("{}/#{}", c.id, m.position),
                    id => format!("{}/{id}", c.id),
                })
            })
            .collect(),
        files: context
            .data_files()
            .into_iter()
            .map(|f| f.bytes.to_vec())
            .collect(),
    }
}

/// Lost and duplicated records of `got` against `truth`.
fn compare(truth: &[String], got: &[String]) -> (usize, usize) {
    let unique: HashSet<&String> = got.iter().collect();
    let lost = truth.iter().filter(|id| !unique.contains(id)).count();
    (lost, got.len() - unique.len())
}

#[derive(Default)]
struct Cell {
    clean: u32,
    resumed: u32,
    failed: Vec<String>,
    skipped: bool,
}

#[test]
fn fault_matrix() {
    let vendors = vendors();
    let classes = fault_classes();
    // The ground truth of each vendor setup: a clean export, its holding and request count.
    let clean: Vec<(Holding, usize)> = vendors
        .iter()
        .map(|vendor| {
            let (clean, transport) = export(vendor, FaultSchedule::none());
            drive(&clean, &transport, vendor.key);
            assert_eq!(clean.borrow().status, RunStatus::Finished);
            let holding = holding(&clean.borrow());
            (holding, transport.request_count())
        })
        .collect();
    let mut matrix: Vec<Vec<Cell>> = Vec::new();
    for (class, injection) in &classes {
        let mut row = Vec::new();
        for (vendor, (truth, requests)) in vendors.iter().zip(&clean) {
            let requests = *requests;
            let arrivals_world = vendor.world.huechat().visible(1_000_000).len()
                != vendor.world.huechat().conversations.len();
            let mut cell = Cell::default();
            if matches!(injection, Injection::Arrivals) != arrivals_world {
                cell.skipped = true;
                row.push(cell);
                continue;
            }
            for seed in 0..SEEDS {
                let mut rng = Rng::new(seed * 7919 + class.len() as u64);
                let schedule = match injection {
                    Injection::At(fault) => (0..3).fold(FaultSchedule::none(), |s, _| {
                        s.at(rng.below(requests as u64) as usize, fault.clone())
                    }),
                    Injection::From(fault) => FaultSchedule::none()
                        .from(rng.below(requests as u64) as usize, fault.clone()),
                    Injection::Arrivals => FaultSchedule::none(),
                };
                let (faulty, mut transport) = export(vendor, schedule);
                drive(&faulty, &transport, vendor.key);
                let stopped = faulty.borrow().status != RunStatus::Finished;
                if stopped {
                    let export = faulty.borrow();
                    let RunStatus::Failed(error) = &export.status else {
                        panic!("{:?}", export.status)
                    };
                    let missing: Vec<String> = export.pending().map(|t| t.label.clone()).collect();
                    assert!(
                        !missing.is_empty() && error.details.contains(&missing[0]),
                        "{class}: the stop names what is missing: {error:?} / {missing:?}"
                    );
                    drop(export);
                    // The user fixes the key, or waits, and presses Resume.
                    transport.faults = FaultSchedule::none();
                    drive(&faulty, &transport, vendor.key);
                }
                let export = faulty.borrow();
                let got = holding(&export);
                let (lost_c, dup_c) = compare(&truth.conversations, &got.conversations);
                let (lost_m, dup_m) = compare(&truth.messages, &got.messages);
                let identical =
                    matches!(injection, Injection::Arrivals) || got.files == truth.files;
                if export.status != RunStatus::Finished
                    || lost_c + dup_c + lost_m + dup_m > 0
                    || !identical
                {
                    cell.failed.push(format!(
                        "seed {seed}: {:?}, conversations lost {lost_c} dup {dup_c}, messages lost {lost_m} dup {dup_m}, identical files {identical}",
                        export.status
                    ));
                } else if stopped {
                    cell.resumed += 1;
                } else {
                    cell.clean += 1;
                }
            }
            row.push(cell);
        }
        matrix.push(row);
    }
    let report = render(&classes, &vendors, &matrix);
    println!("{report}");
    let _ = std::fs::create_dir_all("target");
    let _ = std::fs::write("target/fault-matrix.txt", &report);
    let failures: Vec<String> = matrix
        .iter()
        .zip(&classes)
        .flat_map(|(row, (class, _))| {
            row.iter().zip(&vendors).flat_map(move |(cell, v)| {
                cell.failed
                    .iter()
                    .map(move |f| format!("{class} / {:?}: {f}", v.id))
            })
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn render(classes: &[(&str, Injection)], vendors: &[Vendor], matrix: &[Vec<Cell>]) -> String {
    let mut names: Vec<String> = vendors
        .iter()
        .map(|v| v.id.spec().slug.to_string())
        .collect();
    if let Some(last) = names.last_mut() {
        *last = "huechat+arrivals".into();
    }
    let mut out = format!(
        "Fault matrix: {SEEDS} seeds per cell. \"ok\" = finished with lost 0, duplicated 0 and files byte-identical to a clean run;\n\"resumed\" = stopped with a message naming what was missing, then Resume completed it exactly.\n\n{:<34}",
        "fault"
    );
    for name in &names {
        out.push_str(&format!("{name:>18}"));
    }
    out.push('\n');
    for ((class, _), row) in classes.iter().zip(matrix) {
        out.push_str(&format!("{class:<34}"));
        for cell in row {
            let text = if cell.skipped {
                "n/a".to_string()
            } else if !cell.failed.is_empty() {
                format!("FAIL {}", cell.failed.len())
            } else if cell.resumed > 0 {
                format!("{} ok, {} resumed", cell.clean, cell.resumed)
            } else {
                format!("{} ok", cell.clean)
            };
            out.push_str(&format!("{text:>18}"));
        }
        out.push('\n');
    }
    let distinct: BTreeSet<&str> = classes.iter().map(|(c, _)| *c).collect();
    out.push_str(&format!(
        "\n{} fault classes x {} vendor setups x {SEEDS} seeds.\n",
        distinct.len(),
        vendors.len()
    ));
    out
}
