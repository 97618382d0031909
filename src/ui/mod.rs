//! The Leptos user interface: one page, in four steps (source, filters, progress, results).
//!
//! All state that defines a view lives in `ViewState`, mirrored to the address bar; the API key
//! lives only in a signal in memory. The export itself is a plain `engine::Export` behind a
//! `RefCell`: the engine mutates it between awaits and bumps `tick`, which is the one signal
//! the result views subscribe to.

mod address;
mod browser;
mod calendar;
mod charts;
mod connection;
mod connection_test;
mod demo;
mod device;
mod downloads;
mod empty_result;
mod filters;
mod form;
mod kept;
mod narrow;
mod preview;
mod progress;
mod read_back;
mod relay_offer;
mod saved_list;
mod session;
mod source;
mod storage;
mod transcript;
mod transcript_body;

use std::collections::BTreeSet;

use leptos::prelude::*;

use crate::destination::{Destination, ScopedKey, TrustedHosts};
use crate::engine::Export;
use crate::narrow::DateNarrowing;
use crate::secret::ApiKey;
use crate::store::Summary;
use crate::vendors::{FieldError, VendorId};
use crate::view_state::ViewState;
use session::{Rejection, Session};

/// Handles to the app's state; `Copy`, so every closure can hold one.
#[derive(Clone, Copy)]
pub struct Ui {
    pub view: RwSignal<ViewState>,
    /// In memory only, unless the user asks to remember it on this device.
    pub key: RwSignal<String>,
    pub remember_key: RwSignal<bool>,
    /// The addresses the user trusted for the vendor on screen, on this device.
    pub trusted: RwSignal<TrustedHosts>,
    /// Whether the API address on screen came from the link that opened the page (or Back and
    /// Forward), rather than from the user typing it.
    pub address_from_link: RwSignal<bool>,
    /// A field the vendor refused in the last run (a key, an address): marked until changed.
    pub rejected: RwSignal<Option<Rejection>>,
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
    /// The exports saved on this device, and its storage.
    pub device: RwSignal<device::DeviceState>,
    /// The saved export being read back, while it is.
    pub opening: RwSignal<Option<String>>,
    /// A saved export was opened to go on, and the key must be given again.
    pub key_needed: RwSignal<bool>,
    /// What the last run of only what changed brought, once merged.
    pub update_report: RwSignal<Option<String>>,
    /// The file being prepared for download, and what the last one said.
    pub downloading: RwSignal<Option<String>>,
    pub download_note: RwSignal<Option<String>>,
}

impl Ui {
    fn new() -> Self {
        let view = ViewState::from_query(&browser::query());
        Ui {
            // Filled in by `address::sync_remembered_key`, only for a trusted address.
            remember_key: RwSignal::new(false),
            key: RwSignal::new(String::new()),
            trusted: RwSignal::new(storage::trusted_hosts(view.vendor)),
            address_from_link: RwSignal::new(view.base_url.is_some()),
            view: RwSignal::new(view),
            rejected: RwSignal::new(None),
            touched: RwSignal::new(BTreeSet::new()),
            submitted: RwSignal::new(false),
            session: StoredValue::new_local(None),
            tick: RwSignal::new(0),
            data_tick: RwSignal::new(0),
            running: RwSignal::new(false),
            selected: RwSignal::new(None),
            now_ms: RwSignal::new(0.0),
            device: RwSignal::new(device::DeviceState::default()),
            opening: RwSignal::new(None),
            key_needed: RwSignal::new(false),
            update_report: RwSignal::new(None),
            downloading: RwSignal::new(None),
            download_note: RwSignal::new(None),
        }
    }

    /// Reads the export the results show (while an update of only what changed runs, the
    /// whole set it updates), subscribing to changes of its data. `None` before the first fetch.
    pub fn with_export<T>(&self, read: impl FnOnce(&Export<Summary>) -> T) -> Option<T> {
        self.data_tick.track();
        self.session.with_value(|session| {
            let session = session.as_ref()?;
            let shown = session.before_update.as_ref().unwrap_or(&session.export);
            Some(read(&shown.borrow()))
        })
    }

    /// Reads the run going on (or the last), subscribing to changes of its progress (several
    /// a second).
    pub fn with_progress<T>(&self, read: impl FnOnce(&Export<Summary>) -> T) -> Option<T> {
        self.tick.track();
        self.with_progress_untracked(read)
    }

    pub fn with_progress_untracked<T>(
        &self,
        read: impl FnOnce(&Export<Summary>) -> T,
    ) -> Option<T> {
        self.session.with_value(|session| {
            session
                .as_ref()
                .map(|session| read(&session.export.borrow()))
        })
    }

    /// Tells every view the export changed.
    pub(super) fn refresh_all(&self) {
        self.tick.update(|tick| *tick += 1);
        self.data_tick.update(|tick| *tick += 1);
    }

    /// The days the results are narrowed to in the browser: set only for a vendor whose API has
    /// no date filter (the export on screen's vendor).
    pub fn shown_days(&self) -> DateNarrowing {
        let vendor = self.with_export(|e| e.vendor());
        match vendor {
            Some(vendor) if vendor.spec().date_range.is_none() => self.view.with(|v| v.shown),
            _ => DateNarrowing::default(),
        }
    }

    /// The form's problems, as they are now.
    pub fn form_errors(&self) -> Vec<FieldError> {
        let key = self.key.get();
        self.trusted
            .with(|trusted| self.view.with(|view| view.form_errors(&key, trusted)))
    }

    /// Where the form would send the key now.
    pub fn destination(&self) -> Option<Destination> {
        self.trusted
            .with(|trusted| self.view.with(|view| view.destination(trusted)))
    }

    pub fn destination_untracked(&self) -> Option<Destination> {
        untrack(|| self.destination())
    }

    /// The key for a request to `base_url`: the demo's own, or the user's, but only when
    /// `base_url` is the vendor's or an address trusted on this device.
    fn scoped_key(&self, vendor: VendorId, base_url: &str, demo: bool) -> Option<ScopedKey> {
        if demo {
            return ScopedKey::for_base_url(demo::key(vendor), base_url);
        }
        let trusted = self.trusted.get_untracked();
        Destination::of(vendor, base_url, &trusted)?
            .scope(ApiKey::new(self.key.get_untracked().trim()))
    }

    /// A field's problem, once the user has left the field or pressed Fetch.
    pub fn error_for(&self, field: &str) -> Option<String> {
        // What the vendor refused shows at once, for as long as the value is the one refused.
        if let Some(rejected) = self.rejected.get().filter(|r| r.field == field) {
            let current = match field {
                "api_key" => self.key.get(),
                _ => self.view.with(ViewState::effective_base_url),
            };
            if current.trim() == rejected.value {
                return Some(rejected.message);
            }
        }
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
    // The address bar describes what is on screen: the run's vendor, address and filters once
    // there is one (with the file options of the form), the form before.
    Effect::new(move |_| {
        ui.tick.track();
        let query = ui.view.with(|form| match session::run_view(ui) {
            Some(run) => run.with_file_options_of(form).to_query(),
            None => form.to_query(),
        });
        browser::replace_query(&query);
    });
    // The remembered key follows the address: in the form while it is trusted, out otherwise.
    // (`get`, not `track`: a memo computes, and so subscribes to its sources, only when read.)
    let address_trusted = Memo::new(move |_| ui.destination().map(|d| d.is_trusted()));
    Effect::new(move |_| {
        address_trusted.get();
        address::sync_remembered_key(ui);
    });
    let _ = window_event_listener(leptos::ev::popstate, move |_| {
        let view = ViewState::from_query(&browser::query());
        let vendor_changed = view.vendor != ui.view.with_untracked(|v| v.vendor);
        ui.address_from_link.set(view.base_url.is_some());
        if vendor_changed {
            form::load_vendor_device_state(ui, view.vendor);
        }
        ui.view.set(view);
        ui.reset_form();
    });
    device::refresh(ui);
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
            <saved_list::SavedExports ui=ui />
            <form
                class="panel"
                novalidate=true
                on:submit=move |event| {
                    event.prevent_default();
                    session::start(ui);
                }
            >
                <source::SourceFields ui=ui />
                <filters::FilterFields ui=ui />
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
