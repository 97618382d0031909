//! The export on screen: starting it, running it in the background, stopping, resuming, and
//! keeping what is shown bound to the run that produced it. (Over 400 lines: every way an export
//! comes on screen, new, an update or a saved one, and goes on, shares the `Session` set up here.)

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::connection::Connection;
use super::kept::Kept;
use super::{browser, demo, device, form, progress, Ui};
use crate::engine::cancel::CancelToken;
use crate::engine::clock::{BrowserClock, Clock};
use crate::engine::{run, Export, RunStatus, Settings};
use crate::error::{ErrorKind, Problem};
use crate::journal::MemoryJournal;
use crate::key_check::check_key;
use crate::saved::SavedExport;
use crate::store::Summary;
use crate::view_state::ViewState;

/// An export as the page holds it: summaries, pointing at pages kept in storage.
pub type Held = Rc<RefCell<Export<Summary>>>;

/// The export on screen, where its requests go, how to stop it, and the form that asked for it.
pub(super) struct Session {
    /// The run going on, or the last one: the export, or an update of only what changed.
    pub export: Held,
    /// While an update of only what changed has not finished: the whole set it updates, which
    /// the results and files show until the update is merged in.
    pub before_update: Option<Held>,
    /// Where the pages are kept, for transcripts and files.
    pub kept: Kept,
    /// What the list of saved exports says of it (exports saved on this device).
    pub saved: Option<SavedExport>,
    pub connection: Rc<Connection>,
    pub cancel: CancelToken,
    pub demo: bool,
    /// The view as it was when the export started: the page address, the files and the
    /// manifest describe this run, whatever the form says since.
    pub view: ViewState,
}

/// A field the vendor refused in the last run, with the value it refused: it stays marked
/// until the value changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub field: &'static str,
    pub value: String,
    pub message: String,
}

/// Checks the form and starts a new export; nothing is sent if a field is wrong.
pub fn start(ui: Ui) {
    let view = ui.view.get_untracked();
    let errors = ui
        .trusted
        .with_untracked(|trusted| view.form_errors(&ui.key.get_untracked(), trusted));
    if let Some(first) = errors.first() {
        ui.submitted.set(true);
        browser::focus(&form::field_id(&first.field));
        return;
    }
    let mut query = view.export_query();
    if view.demo {
        query.base_url = query.vendor.simulator_base_url(demo::ORIGIN);
    }
    if ui
        .scoped_key(query.vendor, &query.base_url, view.demo)
        .is_none()
    {
        ui.submitted.set(true);
        browser::focus(&form::field_id("destination"));
        return;
    }
    browser::push_query(&view.to_query());
    cancel(ui);
    let settings = Settings {
        concurrency: view.concurrency,
        ..Settings::default()
    };
    ui.rejected.set(None);
    ui.selected.set(None);
    ui.key_needed.set(false);
    ui.update_report.set(None);
    let account = crate::saved::account(&ui.key.get_untracked(), &query.base_url);
    // On screen at once (the old run's outcome must not linger), kept in memory until the
    // browser's storage is ready, which takes a moment.
    let mut export = Export::new(query, settings);
    let journal = MemoryJournal::starting(&export.query, &export.settings);
    let kept = Kept::Memory(journal.lines.clone());
    export.set_journal(kept.journal(1));
    let export = Rc::new(RefCell::new(export));
    ui.session.set_value(Some(Session {
        export: export.clone(),
        before_update: None,
        kept,
        saved: None,
        connection: Rc::new(Connection::new(view.demo)),
        cancel: CancelToken::new(),
        demo: view.demo,
        view: view.clone(),
    }));
    ui.refresh_all();
    if view.demo {
        // Demo data is made up: it is not worth keeping.
        drive(ui);
        return;
    }
    let (query, settings) = {
        let export = export.borrow();
        (export.query.clone(), export.settings)
    };
    spawn_local(async move {
        // A real export is kept on this device as it arrives, where the browser lets it.
        let device = device::start(ui, &query, &settings, &view, account).await;
        let still_on_screen = ui
            .session
            .with_value(|s| s.as_ref().is_some_and(|s| Rc::ptr_eq(&s.export, &export)));
        if !still_on_screen {
            // Another export started meanwhile.
            return;
        }
        if let Some((kept, saved)) = device {
            export.borrow_mut().set_journal(kept.journal(1));
            ui.session.update_value(|s| {
                if let Some(session) = s {
                    session.kept = kept;
                    session.saved = Some(saved);
                }
            });
        }
        drive(ui);
    });
}

/// Fetches only what changed since the export on screen finished (a saved one), and merges
/// the changes into it once they are all in.
pub fn start_update(ui: Ui) {
    let Some((whole, kept, saved, demo)) = ui.session.with_value(|s| {
        s.as_ref()
            .and_then(|s| Some((s.export.clone(), s.kept.clone(), s.saved.clone()?, s.demo)))
    }) else {
        return;
    };
    let Some(mark) = saved
        .mark
        .filter(|_| whole.borrow().status == RunStatus::Finished)
    else {
        return;
    };
    let (vendor, base_url) = {
        let whole = whole.borrow();
        (whole.vendor(), whole.query.base_url.clone())
    };
    if check_key(vendor, &ui.key.get_untracked()).blocks()
        || ui.scoped_key(vendor, &base_url, demo).is_none()
    {
        ui.submitted.set(true);
        browser::focus(&form::field_id("api_key"));
        return;
    }
    let mut query = whole.borrow().query.clone();
    query.changed_since = Some(mark);
    let settings = whole.borrow().settings;
    ui.rejected.set(None);
    ui.key_needed.set(false);
    ui.update_report.set(None);
    spawn_local(async move {
        let mut update = Export::new(query, settings);
        let Some(saved) = device::start_update(&kept, saved, &update).await else {
            return;
        };
        let next = saved.runs.last().copied().unwrap_or(0) + 1;
        update.set_journal(kept.journal(next));
        ui.session.update_value(|s| {
            if let Some(session) = s {
                session.before_update = Some(whole);
                session.export = Rc::new(RefCell::new(update));
                session.saved = Some(saved);
                session.cancel = CancelToken::new();
            }
        });
        drive(ui);
    });
}

/// The mark an export of only what changed would start from: the export on screen is saved on
/// this device, finished, and not being updated.
pub fn update_mark(ui: Ui) -> Option<crate::model::Timestamp> {
    ui.session.with_value(|s| {
        let s = s.as_ref()?;
        let finished = s.export.borrow().status == RunStatus::Finished;
        (finished && s.before_update.is_none() && !s.demo)
            .then(|| s.saved.as_ref()?.mark)
            .flatten()
    })
}

/// Shows a saved export (read back from storage) as the export on screen.
/// `next`: the number the journal's next entry gets, for what a Resume fetches.
pub fn show_saved(
    ui: Ui,
    kept: Kept,
    saved: SavedExport,
    mut whole: Export<Summary>,
    update: Option<Export<Summary>>,
    next: u32,
) {
    cancel(ui);
    let view = ViewState::from_query(&saved.view);
    let (export, before_update) = match update {
        Some(mut update) => {
            update.set_journal(kept.journal(next));
            (
                Rc::new(RefCell::new(update)),
                Some(Rc::new(RefCell::new(whole))),
            )
        }
        None => {
            whole.set_journal(kept.journal(next));
            (Rc::new(RefCell::new(whole)), None)
        }
    };
    ui.session.set_value(Some(Session {
        export,
        before_update,
        kept,
        saved: Some(saved),
        connection: Rc::new(Connection::new(false)),
        cancel: CancelToken::new(),
        demo: false,
        view: view.clone(),
    }));
    if view.vendor != ui.view.with_untracked(|v| v.vendor) {
        form::load_vendor_device_state(ui, view.vendor);
    }
    ui.view.set(view);
    ui.address_from_link.set(false);
    ui.reset_form();
    ui.rejected.set(None);
    ui.selected.set(None);
    ui.refresh_all();
}

/// How often progress follows a running export.
const PROGRESS_REFRESH_MS: f64 = 200.0;
/// How often the views of the data follow a running export, at least: each refresh goes through
/// every conversation, so past 10,000 conversations it comes less often, in proportion.
const DATA_REFRESH_MS: f64 = 1000.0;
const DATA_REFRESH_MS_PER_CONVERSATION: f64 = 0.1;

/// Runs (or resumes) the current export in the background.
fn drive(ui: Ui) {
    let Some((export, connection, cancel, demo)) = ui.session.with_value(|s| {
        s.as_ref().map(|s| {
            (
                s.export.clone(),
                s.connection.clone(),
                s.cancel.clone(),
                s.demo,
            )
        })
    }) else {
        return;
    };
    let (vendor, base_url) = {
        let export = export.borrow();
        (export.vendor(), export.query.base_url.clone())
    };
    let Some(key) = ui.scoped_key(vendor, &base_url, demo) else {
        return;
    };
    let key_sent = ui.key.get_untracked();
    ui.running.set(true);
    ui.refresh_all();
    progress::show_status();
    let ticker = progress::start_ticker(ui);
    spawn_local(async move {
        // Progress follows the export five times a second, the data views once a second or
        // less, not on every page: with 10,000 conversations, redrawing the preview and the
        // summary on each page would cost more than the network.
        let last_progress = std::cell::Cell::new(f64::NEG_INFINITY);
        let last_data = std::cell::Cell::new(f64::NEG_INFINITY);
        let refreshed_export = export.clone();
        let mut on_change = move || {
            let now = BrowserClock.now_ms();
            if now - last_progress.get() < PROGRESS_REFRESH_MS {
                return;
            }
            last_progress.set(now);
            ui.tick.update(|tick| *tick += 1);
            let conversations = refreshed_export.borrow().store.len() as f64;
            let data_every = DATA_REFRESH_MS.max(conversations * DATA_REFRESH_MS_PER_CONVERSATION);
            if now - last_data.get() >= data_every {
                last_data.set(now);
                device::save_progress(ui);
                // In a task of its own: redrawing the data views of 20,000 conversations takes
                // tens of milliseconds, and run here it would add them to the engine's slice of
                // work (the views' effects run as microtasks, right after the engine yields).
                gloo_timers::callback::Timeout::new(0, move || {
                    ui.data_tick.update(|tick| *tick += 1);
                })
                .forget();
            }
        };
        run(
            &export,
            &*connection,
            &BrowserClock,
            &key,
            &cancel,
            &mut on_change,
        )
        .await;
        drop(ticker);
        if let RunStatus::Failed(error) = &export.borrow().status {
            ui.rejected.set(rejection(
                &error.problem,
                error.summary(),
                &key_sent,
                &base_url,
            ));
        }
        device::run_ended(ui).await;
        // The final redraw of every view gets a task of its own, not the tail of the engine's
        // last slice of work.
        gloo_timers::future::TimeoutFuture::new(0).await;
        ui.running.set(false);
        ui.refresh_all();
    });
}

/// The field a failure points to: the key the vendor refused, or the address that led
/// nowhere. Other failures (a vendor's own trouble, a page it garbled) are not the form's.
fn rejection(problem: &Problem, message: String, key: &str, base_url: &str) -> Option<Rejection> {
    let field = match problem.kind() {
        ErrorKind::Unauthorized | ErrorKind::Forbidden => "api_key",
        ErrorKind::NotFound | ErrorKind::UntrustedAddress => "base_url",
        _ if matches!(problem, Problem::Unreachable { .. }) => "base_url",
        _ => return None,
    };
    let value = if field == "api_key" { key } else { base_url };
    Some(Rejection {
        field,
        value: value.trim().to_string(),
        message,
    })
}

pub fn cancel(ui: Ui) {
    ui.session.with_value(|s| {
        if let Some(session) = s {
            session.cancel.cancel();
        }
    });
}

/// Continues a cancelled or failed export where it stopped, with the filters it started with.
pub fn resume(ui: Ui) {
    let Some((vendor, resumable, demo, base_url)) = ui.session.with_value(|s| {
        s.as_ref().map(|s| {
            let export = s.export.borrow();
            (
                export.vendor(),
                export.can_resume(),
                s.demo,
                export.query.base_url.clone(),
            )
        })
    }) else {
        return;
    };
    if !resumable || !form_matches_run(ui) {
        return;
    }
    if !demo {
        // The key in the form must be this export's vendor's: it is sent to that vendor.
        if check_key(vendor, &ui.key.get_untracked()).blocks() {
            ui.submitted.set(true);
            browser::focus(&form::field_id("api_key"));
            return;
        }
        // And its address must still be trusted: it may have been removed since.
        if ui.scoped_key(vendor, &base_url, false).is_none() {
            ui.submitted.set(true);
            browser::focus(&form::field_id("destination"));
            return;
        }
    }
    ui.session.update_value(|s| {
        if let Some(session) = s {
            session.cancel = CancelToken::new();
        }
    });
    ui.rejected.set(None);
    ui.key_needed.set(false);
    drive(ui);
}

/// The view of the export on screen, if there is one.
pub fn run_view(ui: Ui) -> Option<ViewState> {
    ui.session
        .with_value(|s| s.as_ref().map(|session| session.view.clone()))
}

/// Whether the form still asks for what the export on screen fetched (vendor, data source,
/// address, filters). File options and concurrency may change freely.
pub fn form_matches_run(ui: Ui) -> bool {
    match run_view(ui) {
        Some(run) => ui.view.with(|form| form.asks_same_as(&run)),
        None => true,
    }
}

/// Puts the filters of the export on screen back in the form (keeping file options).
pub fn put_back_filters(ui: Ui) {
    if let Some(run) = run_view(ui) {
        ui.view
            .update(|form| *form = run.with_file_options_of(form));
        ui.reset_form();
    }
}

/// "Partial: 100 of 250" while the export on screen is not complete (running, cancelled or
/// failed), with the vendor's total when it gives one; `None` once it ran to its end.
pub fn partial(ui: Ui) -> Option<String> {
    ui.with_export(|export| {
        if export.status == RunStatus::Finished {
            return None;
        }
        let progress = &export.progress;
        // Every conversation listed, some of their messages not yet: "250 of 250" would read as
        // whole.
        if progress.has_follow_ups
            && progress.list_done
            && progress.follow_ups_done < progress.follow_ups_scheduled
        {
            return Some(format!(
                "Partial: messages for {} of {} conversations",
                crate::format::count(progress.follow_ups_done),
                crate::format::count(progress.follow_ups_scheduled)
            ));
        }
        let fetched = crate::format::count(export.store.len());
        Some(match export.progress.expected_total {
            Some(total) => format!(
                "Partial: {fetched} of {}",
                crate::format::count(total as usize)
            ),
            None => format!("Partial: {fetched} so far"),
        })
    })
    .flatten()
}
