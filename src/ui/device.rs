//! Exports kept on this device: each real export is saved as it arrives (its pages in the
//! browser's storage, and a line in the list of saved exports), read back after a reload, updated
//! with only what changed, and deleted on request.

use std::cell::RefCell;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::kept::Kept;
use super::read_back::read_back;
use super::session::{self, Held};
use super::Ui;
use crate::engine::clock::{BrowserClock, Clock};
use crate::engine::{Export, RunStatus, Settings};
use crate::format;
use crate::journal::{EntryRef, Replayed};
use crate::model::Timestamp;
use crate::saved::{SavedExport, SavedState};
use crate::store::browser::{self as storage, Storage, StoredJournal};
use crate::store::Summary;
use crate::vendors::ExportQuery;
use crate::view_state::ViewState;

thread_local! {
    /// The browser's storage, once opened; `Some(None)` once it refused.
    static STORAGE: RefCell<Option<Option<Storage>>> = const { RefCell::new(None) };
}

/// The browser's storage, opened on first use; `None` where the browser refuses it (the
/// exports then live in memory only, and the page says so).
pub async fn storage(ui: Ui) -> Option<Storage> {
    if let Some(known) = STORAGE.with(|s| s.borrow().clone()) {
        return known;
    }
    let opened = Storage::open().await;
    if let Err(refused) = &opened {
        ui.device
            .update(|d| d.refused = Some(refused.detail.clone()));
    }
    let opened = opened.ok();
    STORAGE.with(|s| *s.borrow_mut() = Some(opened.clone()));
    opened
}

thread_local! {
    /// Whether this page has asked the browser to keep its data: once is enough.
    static PERSISTENCE_ASKED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// What the page shows of this device's storage.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeviceState {
    /// The saved exports, newest first.
    pub saved: Vec<SavedExport>,
    /// Bytes used and allowed, where the browser says.
    pub space: Option<(f64, f64)>,
    /// Whether the browser promised to keep the data when space runs low.
    pub persisted: Option<bool>,
    /// Why the browser refused its storage, when it did.
    pub refused: Option<String>,
    /// A saved export that could not be read back or deleted, and why.
    pub problem: Option<String>,
}

/// Reads the list of saved exports and the space used.
pub fn refresh(ui: Ui) {
    spawn_local(async move {
        let Some(storage) = storage(ui).await else {
            return;
        };
        let saved = storage.saved().await.unwrap_or_default();
        let space = storage::estimate().await;
        ui.device.update(|d| {
            d.saved = saved;
            d.space = space;
        });
    });
}

fn new_id(now: Timestamp) -> String {
    let random = (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
    format!("{}-{random:08x}", now.format("%Y%m%dT%H%M%S"))
}

/// Saves a new export on this device: its line in the list, and its question as the first
/// entry. `None` where the browser keeps nothing (the export then lives in memory).
pub async fn start(
    ui: Ui,
    query: &ExportQuery,
    settings: &Settings,
    view: &ViewState,
    account: u32,
) -> Option<(Kept, SavedExport)> {
    let storage = storage(ui).await?;
    let now = BrowserClock.wall();
    let saved = SavedExport {
        id: new_id(now),
        query: query.clone(),
        view: view.to_query(),
        account,
        started_at: now,
        updated_at: now,
        state: SavedState::Running,
        conversations: 0,
        messages: 0,
        runs: vec![0],
        mark: None,
    };
    let kept = Kept::Device {
        storage: storage.clone(),
        id: saved.id.clone(),
    };
    let mut journal = StoredJournal::new(storage.clone(), saved.id.clone(), 0);
    let question = EntryRef::Started { query, settings };
    if let Err(refused) = storage.save(&saved).await {
        ui.device.update(|d| d.problem = Some(refused.detail));
        return None;
    }
    if let Err(refused) = journal.begin(question).await {
        ui.device.update(|d| d.problem = Some(refused.detail));
        let _ = storage.delete(&saved.id).await;
        return None;
    }
    // Asked once there is something to keep, and never waited for: Chromium decides on its
    // own, but Firefox asks the user in a prompt that may stay unanswered for the whole export.
    if !PERSISTENCE_ASKED.replace(true) {
        spawn_local(async move {
            let persisted = storage::persist().await;
            ui.device.update(|d| d.persisted = persisted);
        });
    }
    refresh(ui);
    Some((kept, saved))
}

/// Starts a run of only what changed in a saved export's journal: the run's first entry is
/// its question (which carries the mark).
pub async fn start_update(
    kept: &Kept,
    mut saved: SavedExport,
    update: &Export<Summary>,
) -> Option<SavedExport> {
    let Kept::Device { storage, id } = kept else {
        return None;
    };
    let next = storage.next_entry(id).await.ok()?;
    saved.runs.push(next);
    saved.state = SavedState::Running;
    storage.save(&saved).await.ok()?;
    let mut journal = StoredJournal::new(storage.clone(), id.clone(), next);
    journal
        .begin(EntryRef::Started {
            query: &update.query,
            settings: &update.settings,
        })
        .await
        .ok()?;
    Some(saved)
}

/// The line of the list of saved exports for the export on screen, as it stands.
fn snapshot(
    run: &Export<Summary>,
    whole: &Export<Summary>,
    saved: &SavedExport,
    running: bool,
) -> SavedExport {
    let state = match &run.status {
        _ if running => SavedState::Running,
        RunStatus::Finished => SavedState::Finished,
        RunStatus::Ready | RunStatus::Running => SavedState::Running,
        RunStatus::Cancelled | RunStatus::Failed(_) => SavedState::Stopped,
    };
    SavedExport {
        updated_at: BrowserClock.wall(),
        state,
        conversations: whole.store.len(),
        messages: whole.store.message_count(),
        mark: match whole.status {
            RunStatus::Finished => whole.latest_change.or(saved.mark),
            _ => saved.mark,
        },
        ..saved.clone()
    }
}

/// The session's parts that saving needs.
fn saving(ui: Ui) -> Option<(Storage, Held, Held, SavedExport)> {
    ui.session.with_value(|s| {
        let s = s.as_ref()?;
        let Kept::Device { storage, .. } = &s.kept else {
            return None;
        };
        let whole = s.before_update.clone().unwrap_or_else(|| s.export.clone());
        Some((storage.clone(), s.export.clone(), whole, s.saved.clone()?))
    })
}

fn remember(ui: Ui, saved: SavedExport) {
    ui.session.update_value(|s| {
        if let Some(session) = s {
            session.saved = Some(saved);
        }
    });
}

/// Saves how far the export on screen got, while it runs (the list shows it after a reload).
pub fn save_progress(ui: Ui) {
    let Some((storage, run, whole, saved)) = saving(ui) else {
        return;
    };
    let line = snapshot(&run.borrow(), &whole.borrow(), &saved, true);
    remember(ui, line.clone());
    spawn_local(async move {
        // A refused save is not fatal: the pages are kept, and the next save tries again.
        let _ = storage.save(&line).await;
    });
}

/// After a run: its state in the list, and a finished update merged into the export it
/// updated (read back from storage, every run in its place).
pub async fn run_ended(ui: Ui) {
    let Some((storage, run, whole, saved)) = saving(ui) else {
        return;
    };
    let update_finished =
        !std::rc::Rc::ptr_eq(&run, &whole) && run.borrow().status == RunStatus::Finished;
    if update_finished {
        let (changed, messages, elapsed_ms, since) = {
            let run = run.borrow();
            (
                run.store.len(),
                run.store.message_count(),
                run.progress.elapsed_before_ms,
                run.query.changed_since,
            )
        };
        match read_back(&storage, &saved).await {
            Ok(Replayed {
                whole,
                update: None,
            }) => {
                let since = since
                    .map(|at| format::local_time(at, super::browser::utc_offset_minutes()))
                    .unwrap_or_default();
                ui.update_report.set(Some(format!(
                    "Updated with what changed since {since}: {} conversations new or changed ({} messages fetched) in {}. The export now holds {} conversations and {} messages.",
                    format::count(changed),
                    format::count(messages),
                    format::duration(elapsed_ms),
                    format::count(whole.store.len()),
                    format::count(whole.store.message_count()),
                )));
                let merged = std::rc::Rc::new(RefCell::new(whole));
                ui.session.update_value(|s| {
                    if let Some(session) = s {
                        session.export = merged.clone();
                        session.before_update = None;
                    }
                });
                let line = snapshot(&merged.borrow(), &merged.borrow(), &saved, false);
                remember(ui, line.clone());
                let _ = storage.save(&line).await;
            }
            Ok(_) | Err(_) => {
                ui.device.update(|d| {
                    d.problem = Some("The changes were fetched but could not be merged: reopen the export from the list.".into())
                });
            }
        }
    } else if run.borrow().progress.pages == 0 && run.borrow().status != RunStatus::Finished {
        // Stopped before the vendor sent anything: there is nothing to keep, and Try again
        // starts a new export.
        let _ = storage.delete(&saved.id).await;
        ui.session.update_value(|s| {
            if let Some(session) = s {
                session.saved = None;
            }
        });
    } else {
        let line = snapshot(&run.borrow(), &whole.borrow(), &saved, false);
        remember(ui, line.clone());
        let _ = storage.save(&line).await;
    }
    refresh(ui);
}

/// What to do with a saved export once it is on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    /// Go on fetching where it stopped (the key is asked for if not in the form).
    Resume,
    /// Fetch only what changed since it finished.
    Update,
    /// Download every file (the zip).
    Download,
}

/// Reads a saved export back, shows it, and does `then`.
pub fn open(ui: Ui, saved: SavedExport, then: Then) {
    ui.device.update(|d| d.problem = None);
    ui.opening.set(Some(saved.id.clone()));
    spawn_local(async move {
        let Some(storage) = storage(ui).await else {
            return;
        };
        let result = match read_back(&storage, &saved).await {
            Ok(replayed) => storage
                .next_entry(&saved.id)
                .await
                .map(|next| (replayed, next))
                .map_err(|e| e.detail),
            Err(problem) => Err(problem),
        };
        ui.opening.set(None);
        let (Replayed { whole, update }, next) = match result {
            Ok(read) => read,
            Err(problem) => {
                ui.device.update(|d| {
                    d.problem = Some(format!(
                        "This saved export could not be read back: {problem}"
                    ))
                });
                return;
            }
        };
        let kept = Kept::Device {
            storage,
            id: saved.id.clone(),
        };
        session::show_saved(ui, kept, saved, whole, update, next);
        match then {
            Then::Download => super::downloads::download_all(ui),
            Then::Resume | Then::Update if !key_ready(ui) => {
                ui.key_needed.set(true);
                super::browser::focus(&super::form::field_id("api_key"));
            }
            Then::Resume => session::resume(ui),
            Then::Update => session::start_update(ui),
        }
    });
}

/// Whether the form holds a key that can be sent for the export on screen.
fn key_ready(ui: Ui) -> bool {
    !ui.key.get_untracked().trim().is_empty()
        && ui
            .with_progress_untracked(|export| {
                ui.scoped_key(export.vendor(), &export.query.base_url, false)
                    .is_some()
            })
            .unwrap_or(false)
}

/// Deletes a saved export and its pages; the export on screen, if it is that one, stays on
/// screen only as long as it is not read from storage again.
pub fn delete(ui: Ui, id: String) {
    spawn_local(async move {
        let Some(storage) = storage(ui).await else {
            return;
        };
        let on_screen = ui.session.with_value(|s| {
            s.as_ref()
                .and_then(|s| s.kept.saved_id().map(str::to_string))
        });
        if on_screen.as_deref() == Some(id.as_str()) {
            session::cancel(ui);
            ui.session.set_value(None);
            ui.selected.set(None);
            ui.refresh_all();
        }
        if let Err(refused) = storage.delete(&id).await {
            ui.device
                .update(|d| d.problem = Some(format!("Could not delete: {}", refused.detail)));
        }
        refresh(ui);
    });
}
