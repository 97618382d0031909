//! The export on screen: starting it, running it in the background, stopping, resuming, and
//! keeping what is shown bound to the run that produced it.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::connection::Connection;
use super::{browser, demo, form, progress, Ui};
use crate::engine::cancel::CancelToken;
use crate::engine::clock::{BrowserClock, Clock};
use crate::engine::{run, Export, RunStatus, Settings};
use crate::error::{ErrorKind, Problem};
use crate::key_check::check_key;
use crate::view_state::ViewState;

/// The export on screen, where its requests go, how to stop it, and the form that asked for it.
pub(super) struct Session {
    pub export: Rc<RefCell<Export>>,
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
    let export = Export::new(query, settings);
    ui.session.set_value(Some(Session {
        export: Rc::new(RefCell::new(export)),
        connection: Rc::new(Connection::new(view.demo)),
        cancel: CancelToken::new(),
        demo: view.demo,
        view,
    }));
    ui.rejected.set(None);
    ui.selected.set(None);
    drive(ui);
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
