//! The fault matrix: every fault class the simulator can inject, against every vendor, with
//! several seeds placing the faults. Each export must end with exactly the simulator's ground
//! truth (every conversation once, in the vendor's order, each with its messages' ids and texts,
//! and raw.ndjson holding every record as sent), either on its own or, when the fault stops it
//! (a revoked key), with a stop naming a request still to make and a Resume that completes it.
//! The truth is read from the simulator's data, never from a clean run of the engine, so a
//! connector bug present in every run fails too. Prints the matrix and writes
//! `target/fault-matrix.txt`.

mod support;

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use conversation_export::engine::{Export, RunStatus};
use conversation_export::export::csv::CsvOptions;
use conversation_export::vendors::VendorId;
use serde_json::Value;
use sim::faults::{Fault, FaultSchedule};
use sim::rng::Rng;
use sim::{World, WorldConfig};
use support::{drive, export, files_of, key, query, transport, Filters, Truth, MINDO_90_DAYS};

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

/// A column of the matrix: a vendor, its filters, the world it exports from, and what that
/// export must hold.
struct Setup {
    name: String,
    vendor: VendorId,
    filters: Filters<'static>,
    world: Rc<World>,
    arrivals: bool,
    truth: Truth,
    /// Requests of a clean run: where the seeds may place faults.
    requests: usize,
    /// What was wrong with the clean run, against the truth.
    clean_run: Option<String>,
}

impl Setup {
    fn new(vendor: VendorId, filters: Filters<'static>, world: &Rc<World>, arrivals: bool) -> Self {
        let truth = Truth::of(world, &query(vendor, filters));
        let mut setup = Setup {
            name: vendor.slug().to_string() + if arrivals { "+arrivals" } else { "" },
            vendor,
            filters,
            world: world.clone(),
            arrivals,
            truth,
            requests: 0,
            clean_run: None,
        };
        // A clean run counts the requests. It is checked against the truth like every faulty
        // run, but does not stop the matrix: a connector bug then shows in every cell of its
        // column, and the table is still written.
        let clean = setup.run(FaultSchedule::none());
        setup.clean_run = setup.check(&clean);
        setup.requests = clean.requests;
        setup
    }

    /// Runs an export with `faults`; when a fault stops it, the user fixes the key, or waits,
    /// and presses Resume.
    fn run(&self, faults: FaultSchedule) -> Outcome {
        let mut transport = transport(&self.world);
        transport.faults = faults;
        let export = export(self.vendor, self.filters);
        drive(&export, &transport, &key(self.vendor));
        let stopped = export.borrow().status != RunStatus::Finished;
        let mut unnamed_stop = None;
        if stopped {
            unnamed_stop = stop_without_its_request(&export.borrow());
            transport.faults = FaultSchedule::none();
            drive(&export, &transport, &key(self.vendor));
        }
        Outcome {
            export,
            requests: transport.request_count(),
            stopped,
            unnamed_stop,
        }
    }

    /// What is wrong with an export, against the ground truth; `None` when exact.
    fn check(&self, outcome: &Outcome) -> Option<String> {
        let export = outcome.export.borrow();
        let comparison = self.truth.compare(export.store.conversations());
        let options = CsvOptions::default();
        let raw = files_of(&export, &options, &[]).raw();
        let lines: Vec<Value> = std::str::from_utf8(&raw.bytes.to_vec())
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        let raw_exact = lines == self.truth.records();
        let exact = export.status == RunStatus::Finished
            && comparison.is_exact()
            && raw_exact
            && export.store.warnings.is_empty()
            && outcome.unnamed_stop.is_none();
        (!exact).then(|| {
            format!(
                "{:?}, {comparison}, raw.ndjson exact {raw_exact}, warnings {:?}, stop {:?}",
                export.status, export.store.warnings, outcome.unnamed_stop
            )
        })
    }
}

struct Outcome {
    export: RefCell<Export>,
    requests: usize,
    /// Whether a fault stopped the first run (Resume then completed it, or not).
    stopped: bool,
    /// What was wrong with the stop's message, if anything.
    unnamed_stop: Option<String>,
}

/// A stopped export must name the request that failed, and that request must still be pending,
/// so the user knows what is missing and Resume makes it. What is wrong, when not.
fn stop_without_its_request(export: &Export) -> Option<String> {
    let RunStatus::Failed(error) = &export.status else {
        return Some(format!("stopped without an error: {:?}", export.status));
    };
    let pending: Vec<String> = export.pending().map(|task| task.to_string()).collect();
    match &error.during {
        Some(during) if pending.contains(&during.what) => None,
        other => Some(format!(
            "the stop names {:?}, not one of {pending:?}",
            other.as_ref().map(|d| &d.what)
        )),
    }
}

fn setups() -> Vec<Setup> {
    let config = WorldConfig {
        conversations: 120,
        ..WorldConfig::default()
    };
    let world = Rc::new(World::generate(&config));
    let arrivals = Rc::new(World::generate(&WorldConfig {
        huechat_arrivals_every: Some(9),
        ..config
    }));
    vec![
        Setup::new(VendorId::Humind, &[], &world, false),
        Setup::new(VendorId::TalkToHumans, &[], &world, false),
        Setup::new(VendorId::HueChat, &[], &world, false),
        Setup::new(VendorId::VoiceWidget, &[], &world, false),
        Setup::new(VendorId::Mindo, MINDO_90_DAYS, &world, false),
        // HueChat again, on a world where conversations keep arriving.
        Setup::new(VendorId::HueChat, &[], &arrivals, true),
    ]
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
    let setups = setups();
    let classes = fault_classes();
    let mut matrix: Vec<Vec<Cell>> = Vec::new();
    for (class, injection) in &classes {
        let mut row = Vec::new();
        for setup in &setups {
            let mut cell = Cell::default();
            // Arrivals are a property of the world: only its column gets them, and only them.
            if matches!(injection, Injection::Arrivals) != setup.arrivals {
                cell.skipped = true;
                row.push(cell);
                continue;
            }
            for seed in 0..SEEDS {
                let mut rng = Rng::new(seed * 7919 + class.len() as u64);
                let mut place = || rng.below(setup.requests as u64) as usize;
                let schedule = match injection {
                    Injection::At(fault) => {
                        (0..3).fold(FaultSchedule::none(), |s, _| s.at(place(), fault.clone()))
                    }
                    Injection::From(fault) => FaultSchedule::none().from(place(), fault.clone()),
                    Injection::Arrivals => FaultSchedule::none(),
                };
                let outcome = setup.run(schedule);
                match setup.check(&outcome) {
                    Some(problem) => cell.failed.push(format!("seed {seed}: {problem}")),
                    None if outcome.stopped => cell.resumed += 1,
                    None => cell.clean += 1,
                }
            }
            row.push(cell);
        }
        matrix.push(row);
    }
    let report = render(&classes, &setups, &matrix);
    println!("{report}");
    let _ = std::fs::create_dir_all("target");
    let _ = std::fs::write("target/fault-matrix.txt", &report);
    let clean_failures = setups.iter().filter_map(|setup| {
        let problem = setup.clean_run.as_ref()?;
        Some(format!("no fault / {}: {problem}", setup.name))
    });
    let failures: Vec<String> = clean_failures
        .chain(matrix.iter().zip(&classes).flat_map(|(row, (class, _))| {
            row.iter().zip(&setups).flat_map(move |(cell, setup)| {
                cell.failed
                    .iter()
                    .map(move |f| format!("{class} / {}: {f}", setup.name))
            })
        }))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn render(classes: &[(&str, Injection)], setups: &[Setup], matrix: &[Vec<Cell>]) -> String {
    let mut out = format!(
        "Fault matrix: {SEEDS} seeds per cell. \"ok\" = finished with exactly the simulator's ground truth (every conversation once, in order,\n\
         each with its messages' ids and texts; raw.ndjson record for record); \"resumed\" = stopped naming a request still to make, then\n\
         Resume completed it exactly.\n\n{:<34}",
        "fault"
    );
    for setup in setups {
        out.push_str(&format!("{:>18}", setup.name));
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
        setups.len()
    ));
    out
}
