//! One sync: the export of what changed since the bookmark (or the rest of a run that
//! stopped), its records sent as its pages are stored, a STATE after them, and the next
//! bookmark at the end.

use std::cell::RefCell;
use std::io::{BufWriter, Write};
use std::rc::Rc;
use std::time::{Duration, Instant};

use conversation_export::destination::ScopedKey;
use conversation_export::engine::cancel::CancelToken;
use conversation_export::engine::{Export, RunStatus};
use conversation_export::format;
use conversation_export::model::Timestamp;
use conversation_export::vendors::{Step, Task};

use super::catalog::Selection;
use super::emit::Emitter;
use super::singer::Singer;
use super::state::{bookmark_key, Bookmark, Pending, Resume, State};
use super::tracker::{Tracker, Tracking};
use crate::clock;
use crate::drive::{block_on, drive};
use crate::exit::Failure;
use crate::key::read_key;
use crate::progress::{describe, Progress};
use crate::source::Source;
use crate::transport::NativeTransport;

/// A STATE after every stored page, unless the requests left make it large (HueChat's one
/// per conversation) and one went out less than this long ago.
const LARGE_STATE_EVERY: Duration = Duration::from_millis(500);
const LARGE_STATE: usize = 200;

pub fn sync(source: Source, selection: Selection, state: State) -> Result<(), Failure> {
    let vendor = source.query.vendor;
    let name = bookmark_key(vendor, &source.asked);
    let key = read_key(vendor, false)?;
    let bookmark = state.bookmarks.get(&name).cloned().unwrap_or_default();
    let (mut export, placeholders, resumed) = start(&source, &bookmark);
    let key = ScopedKey::for_base_url(key, &export.query.base_url).ok_or_else(|| {
        Failure::bad_input(
            "base_url: the address must start with https:// (or http:// for a local relay).",
        )
    })?;
    export.store.track_changes();
    let tracker = Rc::new(RefCell::new(Tracker::new(export.pending().cloned())));
    export.set_journal(Box::new(Tracking::new(tracker.clone())));
    let query = export.query.clone();
    let mark = query.changed_since;

    let stdout = std::io::stdout();
    let mut singer = Singer::new(BufWriter::new(stdout.lock()), selection);
    singer.schemas().map_err(write_failure)?;
    let (latest, ids_at_latest) = resumed
        .map(|r| (r.latest, r.ids_at_latest))
        .unwrap_or_default();
    let mut emitter = Emitter::new(singer, vendor, mark, &bookmark.ids_at_mark)
        .with_placeholders(placeholders)
        .with_latest(latest, ids_at_latest);
    let transport = NativeTransport::new().map_err(Failure::failed)?;
    let export = RefCell::new(export);
    let cancel = CancelToken::new();
    let mut broken: Option<std::io::Error> = None;
    let mut last_state: Option<Instant> = None;
    let mut progress = Progress::new(false);
    {
        let mut on_change = || {
            progress.update(&export.borrow());
            if broken.is_some() || !tracker.borrow().stored_since_state {
                return;
            }
            let result = send_changes(&export, &mut emitter).and_then(|()| {
                let pending = tracker.borrow().pending();
                let due = pending.len() < LARGE_STATE
                    || last_state.is_none_or(|at| at.elapsed() >= LARGE_STATE_EVERY);
                if !due {
                    return Ok(());
                }
                tracker.borrow_mut().stored_since_state = false;
                last_state = Some(Instant::now());
                let running = running_bookmark(&bookmark, &query, &pending, &emitter);
                emitter.singer.state(&with(&state, &name, running))
            });
            if let Err(error) = result {
                // The target stopped reading: nothing more can be delivered.
                broken = Some(error);
                cancel.cancel();
            }
        };
        block_on(drive(&export, &transport, &key, &cancel, &mut on_change))?;
    }
    if let Some(error) = broken {
        return Err(write_failure(error));
    }
    progress.finish(&export.borrow());
    send_changes(&export, &mut emitter).map_err(write_failure)?;
    let export = export.into_inner();
    let finished = export.status == RunStatus::Finished;
    let ending = if finished {
        next_bookmark(&bookmark, emitter.latest, &emitter.ids_at_latest)
    } else {
        let pending: Vec<Task> = export.pending().cloned().collect();
        running_bookmark(&bookmark, &query, &pending, &emitter)
    };
    emitter
        .singer
        .state(&with(&state, &name, ending))
        .map_err(write_failure)?;
    let sent: Vec<String> = emitter
        .singer
        .counts
        .iter()
        .map(|(stream, count)| format!("{} {}", format::count(*count), stream.name()))
        .collect();
    eprintln!(
        "{} · sent {}",
        describe(&export),
        if sent.is_empty() {
            "nothing new".to_string()
        } else {
            sent.join(", ")
        }
    );
    outcome(&export)
}

/// The export to run: the rest of a run that stopped (with the conversations whose messages
/// it still had to fetch), or what changed since the bookmark.
fn start(source: &Source, bookmark: &Bookmark) -> (Export, Vec<String>, Option<Resume>) {
    if let Some(resume) = &bookmark.resume {
        // The same question at the same address: otherwise it starts again from the mark.
        if resume.query.vendor == source.query.vendor
            && resume.query.base_url == source.query.base_url
        {
            let tasks = resume
                .pending
                .tasks(resume.query.vendor, &resume.query.base_url);
            let placeholders = tasks
                .iter()
                .filter_map(|task| match &task.step {
                    Step::FollowUp {
                        conversation_id, ..
                    } => Some(conversation_id.clone()),
                    Step::List { .. } => None,
                })
                .collect();
            let export = Export::resuming(resume.query.clone(), source.settings, tasks);
            return (export, placeholders, Some(resume.clone()));
        }
    }
    let mut query = source.query.clone();
    query.changed_since = bookmark.changed_since;
    (Export::new(query, source.settings), Vec::new(), None)
}

fn send_changes<W: Write>(
    export: &RefCell<Export>,
    emitter: &mut Emitter<W>,
) -> std::io::Result<()> {
    let changed = export.borrow_mut().store.take_changed();
    if changed.is_empty() {
        return Ok(());
    }
    let extracted = clock::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    emitter.changed(&export.borrow().store, &changed, &extracted)
}

/// The bookmark while the run is under way: the old mark, and where the run is.
fn running_bookmark<W: Write>(
    old: &Bookmark,
    query: &conversation_export::vendors::ExportQuery,
    pending: &[Task],
    emitter: &Emitter<W>,
) -> Bookmark {
    Bookmark {
        resume: Some(Resume {
            query: query.clone(),
            pending: Pending::of(pending, query.vendor, &query.base_url),
            latest: emitter.latest,
            ids_at_latest: emitter.ids_at_latest.clone(),
        }),
        ..old.clone()
    }
}

/// The bookmark after a whole run: the latest change seen, and the records changed then.
fn next_bookmark(old: &Bookmark, latest: Option<Timestamp>, ids: &[String]) -> Bookmark {
    let (changed_since, mut ids_at_mark) = match (old.changed_since, latest) {
        (Some(mark), Some(latest)) if latest < mark => (Some(mark), old.ids_at_mark.clone()),
        (Some(mark), Some(latest)) if latest == mark => (
            Some(mark),
            old.ids_at_mark.iter().chain(ids).cloned().collect(),
        ),
        (_, Some(latest)) => (Some(latest), ids.to_vec()),
        (mark, None) => (mark, old.ids_at_mark.clone()),
    };
    ids_at_mark.sort();
    ids_at_mark.dedup();
    Bookmark {
        changed_since,
        ids_at_mark,
        resume: None,
    }
}

/// The whole state, with this run's bookmark in its place and the others as they were.
fn with(state: &State, name: &str, bookmark: Bookmark) -> State {
    let mut state = state.clone();
    state.bookmarks.insert(name.to_string(), bookmark);
    state
}

fn write_failure(error: std::io::Error) -> Failure {
    Failure::failed(format!(
        "Could not write to standard output (did the target stop?): {error}."
    ))
}

/// The exit status, with the app's words for a stop and what is missing.
fn outcome(export: &Export) -> Result<(), Failure> {
    if export.status == RunStatus::Finished {
        return Ok(());
    }
    let mut message = match &export.status {
        RunStatus::Failed(error) => crate::exit::stop_words(error),
        _ => "Stopped before the end.".to_string(),
    };
    let missing = export.missing();
    message.push_str(&format!(
        "\nEverything fetched was sent, with a STATE saying where the run stopped: the next run with that state goes on from there.\nMissing: {} requests not made",
        format::count(missing.len())
    ));
    for what in missing.iter().take(10) {
        message.push_str(&format!("\n  - {what}"));
    }
    if export.progress.pages == 0 {
        Err(Failure::failed(message))
    } else {
        Err(Failure::Partial(message))
    }
}
