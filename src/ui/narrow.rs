//! For a vendor whose API has no date filter: narrowing what is shown and downloaded by date,
//! after the fetch, in the browser, and saying so.

use chrono::NaiveDate;
use leptos::prelude::*;

use super::Ui;
use crate::format;
use crate::store::Summary;

#[component]
pub fn NarrowByDate(ui: Ui) -> impl IntoView {
    let vendor = Memo::new(move |_| ui.with_export(|e| e.vendor()));
    let offered = move || vendor.get().is_some_and(|v| v.spec().date_range.is_none());
    let counts = Memo::new(move |_| {
        let shown = ui.shown_days();
        ui.with_export(|e| {
            let all = e.store.conversations();
            let kept = all
                .iter()
                .filter(|c: &&Summary| shown.keeps(c.date()))
                .count();
            (kept, all.len())
        })
        .unwrap_or_default()
    });
    let set = move |end: &'static str, value: String| {
        let day = value.parse::<NaiveDate>().ok();
        ui.view.update(|v| match end {
            "from" => v.shown.from = day,
            _ => v.shown.to = day,
        });
    };
    let value = move |end: &'static str| {
        ui.view
            .with(|v| match end {
                "from" => v.shown.from,
                _ => v.shown.to,
            })
            .map(|day| day.to_string())
            .unwrap_or_default()
    };
    let status = move || {
        let shown = ui.shown_days();
        let (kept, all) = counts.get();
        match shown.describe() {
            Some(days) => format!(
                "Narrowed in this browser to {days}: {} of {} conversations are shown and in the files.",
                format::count(kept),
                format::count(all)
            ),
            None => format!("Every conversation fetched is shown and in the files ({}).", format::count(all)),
        }
    };
    view! {
        <Show when=offered>
            <fieldset class="narrow" aria-describedby="narrow-help">
                <legend>"Only some days (done in this browser)"</legend>
                <p class="help" id="narrow-help">
                    {move || format!(
                        "{}'s API cannot filter by date, so the export holds every conversation. Choose days here to keep only those in the preview, the summary and the files; days are UTC, both included, by the conversation's start (or its last message where the vendor gives no start).",
                        vendor.get().map(|v| v.spec().name).unwrap_or_default()
                    )}
                </p>
                <div class="field-row">
                    <div class="field">
                        <label for="shown-from">"From"</label>
                        <input id="shown-from" type="date" prop:value=move || value("from") on:change=move |e| set("from", event_target_value(&e)) />
                    </div>
                    <div class="field">
                        <label for="shown-to">"To (included)"</label>
                        <input id="shown-to" type="date" prop:value=move || value("to") on:change=move |e| set("to", event_target_value(&e)) />
                    </div>
                    <button type="button" class="secondary" disabled=move || !ui.shown_days().is_set() on:click=move |_| ui.view.update(|v| v.shown = Default::default())>
                        "Show every day"
                    </button>
                </div>
                <p class="note" role="status" data-narrowed="">{status}</p>
            </fieldset>
        </Show>
    }
}
