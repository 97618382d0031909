//! The Leptos user interface: one page, in four steps (source, filters, progress, results).
//!
//! All state that defines a view lives in `ViewState`, mirrored to the address bar; the API key
//! lives only in a signal in memory. The export itself is a plain `engine::Export` behind a
//! `RefCell`: the engine mutates it between awaits and bumps `tick`, which is the one signal
//! the result views subscribe to.

mod browser;
mod charts;
mod demo;
mod downloads;
mod form;
mod preview;
mod progress;
mod storage;
mod transcript;

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::engine::cancel::CancelToken;
use crate::engine::clock::{BrowserClock, Clock};
use crate::engine::{run, Export, RunStatus, Settings};
use crate::key_check::check_key;
use crate::secret::ApiKey;
use crate::transport::web::FetchTransport;
use crate::vendors::FieldError;
use crate::view_state::ViewState;

/// The export on screen and how to stop it.
struct Session {
    export: Rc<RefCell<Export>>,
    cancel: CancelToken,
    demo: bool,
}

/// Handles to the app's state; `Copy`, so every closure can hold one.
#[derive(Clone, Copy)]
pub struct Ui {
    pub view: RwSignal<ViewState>,
    /// In memory only, unless the user asks to remember it on this device.
    pub key: RwSignal<String>,
    pub remember_key: RwSignal<bool>,
    /// Fields the user has left: their problems show from then on.
    pub touched: RwSignal<BTreeSet<String>>,
    /// After a press of Fetch, every problem shows.
    pub submitted: RwSignal<bool>,
    session: StoredValue<Option<Session>, LocalStorage>,
    /// Bumped when the export's progress changes: cheap views follow it.
    pub tick: RwSignal<u64>,
    /// Bumped when the export's data changes, less often while running: views that go through
    /// every conversation (preview, summary, downloads) follow it.
    pub data_tick: RwSignal<u64>,
    pub running: RwSignal<bool>,
    pub selected: RwSignal<Option<String>>,
    /// The engine clock, refreshed while running, for elapsed time and countdowns.
    pub now_ms: RwSignal<f64>,
}

impl Ui {
    fn new() -> Self {
        let view = ViewState::from_query(&browser::query());
        let remembered = storage::remembered_key(view.vendor);
        Ui {
            remember_key: RwSignal::new(remembered.is_some()),
            key: RwSignal::new(remembered.unwrap_or_default()),
            view: RwSignal::new(view),
            touched: RwSignal::new(BTreeSet::new()),
            submitted: RwSignal::new(false),
            session: StoredValue::new_local(None),
            tick: RwSignal::new(0),
            data_tick: RwSignal::new(0),
            running: RwSignal::new(false),
            selected: RwSignal::new(None),
            now_ms: RwSignal::new(0.0),
        }
    }

    /// Reads the current export, subscribing to changes of its data. `None` before the first
    /// fetch.
    pub fn with_export<T>(&self, read: impl FnOnce(&Export) -> T) -> Option<T> {
        self.data_tick.track();
        self.read_export(read)
    }

    /// Reads the current export, subscribing to changes of its progress (several a second).
    pub fn with_progress<T>(&self, read: impl FnOnce(&Export) -> T) -> Option<T> {
        self.tick.track();
        self.read_export(read)
    }

    fn read_export<T>(&self, read: impl FnOnce(&Export) -> T) -> Option<T> {
        self.session.with_value(|session| {
            session
                .as_ref()
                .map(|session| read(&session.export.borrow()))
        })
    }

    /// Tells every view the export changed.
    fn refresh_all(&self) {
        self.tick.update(|tick| *tick += 1);
        self.data_tick.update(|tick| *tick += 1);
    }

    /// The form's problems, as they are now.
    pub fn form_errors(&self) -> Vec<FieldError> {
        let key = self.key.get();
        self.view.with(|view| view.form_errors(&key))
    }

    /// A field's problem, once the user has left the field or pressed Fetch.
    pub fn error_for(&self, field: &str) -> Option<String> {
        let shown = self.submitted.get() || self.touched.with(|t| t.contains(field));
        if !shown {
            return None;
        }
        self.form_errors()
            .into_iter()
            .find(|error| error.field == field)
            .map(|error| error.message)
    }

    /// Marks a field as left: its problems show from now on.
    pub fn touch(&self, field: &str) {
        if !self.touched.with_untracked(|t| t.contains(field)) {
            self.touched.update(|t| {
                t.insert(field.to_string());
            });
        }
    }

    /// A fresh form: nothing touched, nothing submitted.
    pub fn reset_form(&self) {
        self.touched.set(BTreeSet::new());
        self.submitted.set(false);
    }

    fn is_demo_session(&self) -> bool {
        self.session
            .with_value(|s| s.as_ref().is_some_and(|s| s.demo))
    }
}

/// Mounts the app on the page.
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
    // For the benchmark's time to interactive: the form is on the page from here on.
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark("app-ready");
    }
}

#[component]
fn App() -> impl IntoView {
    let ui = Ui::new();
    // A key pasted into a shared link is never read, and leaves the address bar at once.
    if ViewState::query_has_secret(&browser::query()) {
        browser::replace_query(&ui.view.get_untracked().to_query());
    }
    Effect::new(move |_| {
        let query = ui.view.with(ViewState::to_query);
        browser::replace_query(&query);
    });
    let _ = window_event_listener(leptos::ev::popstate, move |_| {
        let view = ViewState::from_query(&browser::query());
        if view.vendor != ui.view.with_untracked(|v| v.vendor) {
            form::load_key(ui, view.vendor);
        }
        ui.view.set(view);
        ui.reset_form();
    });
    let has_results = move || {
        ui.with_export(|export| !export.store.is_empty())
            .unwrap_or(false)
    };

    view! {
        <header class="masthead">
            <h1>"Conversation Export"</h1>
            <p class="tagline">
                "Download your chat conversations as spreadsheets, JSON or readable transcripts. "
                "Your API key stays in this browser and is sent only to the vendor."
            </p>
        </header>
        <main>
            <form
                class="panel"
                novalidate=true
                on:submit=move |event| {
                    event.prevent_default();
                    start(ui);
                }
            >
                <form::SourceFields ui=ui />
                <form::FilterFields ui=ui />
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || ui.running.get()>
                        "Fetch conversations"
                    </button>
                    <form::CopyLink ui=ui />
                </div>
            </form>
            <progress::RunPanel ui=ui />
            <Show when=has_results>
                <downloads::Downloads ui=ui />
                <charts::SummaryPanel ui=ui />
                <div class="results">
                    <preview::PreviewTable ui=ui />
                    <transcript::TranscriptPanel ui=ui />
                </div>
            </Show>
        </main>
    }
}

/// Checks the form and starts a new export; nothing is sent if a field is wrong.
fn start(ui: Ui) {
    let view = ui.view.get_untracked();
    let errors = view.form_errors(&ui.key.get_untracked());
    if let Some(first) = errors.first() {
        ui.submitted.set(true);
        browser::focus(&form::field_id(&first.field));
        return;
    }
    let mut query = view.export_query();
    if view.demo {
        query.base_url = query.vendor.simulator_base_url(demo::ORIGIN);
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
        cancel: CancelToken::new(),
        demo: view.demo,
    }));
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
    let Some((export, cancel, demo)) = ui.session.with_value(|s| {
        s.as_ref()
            .map(|s| (s.export.clone(), s.cancel.clone(), s.demo))
    }) else {
        return;
    };
    let key = if demo {
        demo::key(export.borrow().vendor())
    } else {
        ApiKey::new(ui.key.get_untracked().trim())
    };
    ui.running.set(true);
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
        if demo {
            let transport = demo::transport();
            run(
                &export,
                &transport,
                &BrowserClock,
                &key,
                &cancel,
                &mut on_change,
            )
            .await;
        } else {
            run(
                &export,
                &FetchTransport,
                &BrowserClock,
                &key,
                &cancel,
                &mut on_change,
            )
            .await;
        }
        drop(ticker);
        // The final redraw of every view gets a task of its own, not the tail of the engine's
        // last slice of work.
        gloo_timers::future::TimeoutFuture::new(0).await;
        ui.running.set(false);
        ui.refresh_all();
    });
}

fn cancel(ui: Ui) {
    ui.session.with_value(|s| {
        if let Some(session) = s {
            session.cancel.cancel();
        }
    });
}

/// Continues a cancelled or failed export where it stopped.
fn resume(ui: Ui) {
    let Some((vendor, resumable)) = ui.session.with_value(|s| {
        s.as_ref()
            .map(|s| (s.export.borrow().vendor(), s.export.borrow().can_resume()))
    }) else {
        return;
    };
    if !resumable {
        return;
    }
    if !ui.is_demo_session() {
        // The key in the form must be this export's vendor's: it is sent to that vendor.
        if ui.view.with_untracked(|v| v.vendor) != vendor
            || check_key(vendor, &ui.key.get_untracked()).blocks()
        {
            ui.submitted.set(true);
            browser::focus(&form::field_id("api_key"));
            return;
        }
    }
    ui.session.update_value(|s| {
        if let Some(session) = s {
            session.cancel = CancelToken::new();
        }
    });
    drive(ui);
}

/// The status of the export on screen, for the views.
pub fn status(ui: Ui) -> Option<RunStatus> {
    ui.with_export(|export| export.status.clone())
}
