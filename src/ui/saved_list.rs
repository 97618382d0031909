//! The exports saved on this device: what each asked, how far it got, and Resume (or Fetch only
//! what changed), Download and Delete; the space they use, and a warning when it runs short.

use leptos::prelude::*;

use super::device::{self, Then};
use super::{browser, Ui};
use crate::format;
use crate::saved::{SavedExport, SavedState};
use crate::words;

/// The share of the browser's quota past which the page warns.
const QUOTA_WARNING: f64 = 0.8;

/// Where a saved export stands, in words. `here`: it is the export on screen, running now.
fn state_words(saved: &SavedExport, here_and_running: bool) -> String {
    let offset = browser::utc_offset_minutes();
    let when = format::local_time(saved.updated_at, offset);
    let updated = saved.runs.len() > 1;
    match saved.state {
        _ if here_and_running && updated => "Fetching what changed now".into(),
        _ if here_and_running => "Fetching now".into(),
        SavedState::Finished if updated => format!("Finished, updated {when}"),
        SavedState::Finished => format!("Finished {when}"),
        SavedState::Stopped if updated => {
            format!("Stopped {when} while fetching what changed: the earlier export is whole")
        }
        SavedState::Stopped => format!("Stopped {when}, not finished"),
        // Saved as running, but not running here: the page closed or crashed mid-export.
        SavedState::Running => format!("Interrupted {when} (the page was closed), not finished"),
    }
}

fn what_words(saved: &SavedExport) -> String {
    let filters = words::filters(&saved.query);
    if filters.is_empty() {
        "Every conversation".into()
    } else {
        filters.join("; ")
    }
}

#[component]
fn SavedRow(ui: Ui, saved: SavedExport) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let id = StoredValue::new(saved.id.clone());
    // The export on screen has its own buttons below (Resume, the files): here it has none
    // but Delete, so no button does the same thing twice on one page.
    let on_screen = Signal::derive(move || {
        ui.tick.track();
        ui.session.with_value(|s| {
            s.as_ref()
                .and_then(|s| s.kept.saved_id())
                .is_some_and(|on_screen| id.with_value(|id| on_screen == id))
        })
    });
    let busy = Signal::derive(move || ui.running.get() || ui.opening.with(|o| o.is_some()));
    let opening = move || {
        ui.opening
            .with(|o| o.as_deref() == Some(id.get_value().as_str()))
    };
    let state = {
        let saved = saved.clone();
        move || state_words(&saved, ui.running.get() && on_screen.get())
    };
    let finished = saved.state == SavedState::Finished;
    let can_update = finished && saved.mark.is_some();
    let offset = browser::utc_offset_minutes();
    let mark = format::local_time(saved.mark.unwrap_or(saved.updated_at), offset);
    let vendor = saved.query.vendor.spec().name;
    let counts = format!(
        "{} conversations, {} messages",
        format::count(saved.conversations),
        format::count(saved.messages)
    );
    let started = format!("started {}", format::local_time(saved.started_at, offset));
    let what = what_words(&saved);
    let label = format!("{vendor}: {what}");
    let saved = StoredValue::new(saved);
    let act = move |then: Then| move |_| device::open(ui, saved.get_value(), then);
    let actions = move || {
        (!on_screen.get()).then(|| {
            let first = if can_update {
                Some(view! {
                    <button type="button" class="secondary" disabled=busy on:click=act(Then::Update)>
                        {format!("Fetch only what changed since {mark}")}
                    </button>
                }.into_any())
            } else if !finished {
                Some(view! {
                    <button type="button" class="secondary" disabled=busy on:click=act(Then::Resume)>"Resume"</button>
                }.into_any())
            } else {
                None
            };
            view! {
                {first}
                <button type="button" class="secondary" disabled=busy on:click=act(Then::Download)>"Download"</button>
            }
        })
    };
    view! {
        <li class="saved-export" data-saved-id=id.get_value() aria-label=label>
            <p class="saved-what"><strong>{vendor}</strong>" · "{what}</p>
            <p class="saved-facts">
                <span data-saved-state="">{state}</span>" · "{counts}" · "{started}
            </p>
            <div class="actions">
                {move || on_screen.get().then(|| view! { <span class="status-note">"On screen below"</span> })}
                {actions}
                <Show
                    when=move || confirming.get()
                    fallback=move || view! {
                        <button type="button" class="secondary" disabled=busy on:click=move |_| confirming.set(true)>"Delete"</button>
                    }
                >
                    <span class="confirm" role="group" aria-label="Delete this saved export?">
                        <button type="button" class="danger" on:click=move |_| {
                            confirming.set(false);
                            device::delete(ui, id.get_value());
                        }>"Delete for good"</button>
                        <button type="button" class="secondary" on:click=move |_| confirming.set(false)>"Keep it"</button>
                    </span>
                </Show>
                {move || opening().then(|| view! { <span class="status-note" role="status">"Reading it back…"</span> })}
            </div>
        </li>
    }
}

/// The list of exports saved on this device, with the space they use.
#[component]
pub fn SavedExports(ui: Ui) -> impl IntoView {
    let shown = move || {
        ui.device
            .with(|d| !d.saved.is_empty() || d.refused.is_some() || d.problem.is_some())
    };
    let space = move || {
        ui.device.with(|d| {
            let (used, quota) = d.space?;
            let mut text = format!(
                "Space used on this device: {} of the {} this browser allows.",
                format::bytes(used),
                format::bytes(quota)
            );
            match d.persisted {
                Some(true) => text.push_str(" The browser keeps it until you delete it."),
                Some(false) => text.push_str(
                    " The browser may clear it if the device runs short of space: download what you need to keep.",
                ),
                None => {}
            }
            Some(text)
        })
    };
    let nearly_full = move || {
        ui.device.with(|d| {
            d.space
                .is_some_and(|(used, quota)| quota > 0.0 && used / quota > QUOTA_WARNING)
        })
    };
    view! {
        <Show when=shown>
            <section class="panel saved" aria-labelledby="saved-heading">
                <h2 id="saved-heading">"Saved on this device"</h2>
                <p class="note">
                    "Every export is kept in this browser as it arrives, so a reload or a closed tab loses nothing. "
                    "Your API key is not kept with it: Resume asks for it again."
                </p>
                {move || ui.device.with(|d| d.refused.clone()).map(|why| view! {
                    <p class="warning" role="note">
                        {format!("This browser does not let the app keep exports ({why}): an export lives in this tab only, and a reload loses it.")}
                    </p>
                })}
                {move || ui.device.with(|d| d.problem.clone()).map(|problem| view! { <p class="error" role="alert">{problem}</p> })}
                <ul class="saved-list">
                    <For
                        each=move || ui.device.with(|d| d.saved.clone())
                        key=|saved| (saved.id.clone(), saved.updated_at, saved.state)
                        let:saved
                    >
                        <SavedRow ui=ui saved=saved />
                    </For>
                </ul>
                {move || space().map(|text| view! { <p class="note" data-space-used="">{text}</p> })}
                <Show when=nearly_full>
                    <p class="warning" role="alert">
                        "This browser's space for the app is nearly full. Download and delete exports you no longer need: when it is full, a running export stops, keeps what it fetched, and goes on with Resume once there is room."
                    </p>
                </Show>
            </section>
        </Show>
    }
}
