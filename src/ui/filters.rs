//! Step 2: which conversations: each vendor's filters in plain words, quick dates, a date
//! picker, and the number of requests at once where the vendor allows several.

use leptos::prelude::*;

use super::calendar::DatePicker;
use super::form::{field_id, FieldError};
use super::{browser, Ui};
use crate::dates::{describe_range, Preset};
use crate::vendors::{FilterKind, FilterSpec};

#[component]
pub fn FilterFields(ui: Ui) -> impl IntoView {
    let vendor = Memo::new(move |_| ui.view.with(|v| v.vendor));
    // Without a date filter the vendor returns everything: say why the dates are missing.
    let no_dates = move || {
        let spec = vendor.get().spec();
        spec.date_range.is_none().then(|| view! {
            <p class="note no-dates" data-no-dates="">
                {format!(
                    "{}'s API has no date filter, so every conversation is fetched. After the fetch you can narrow what is shown and downloaded by date, in this browser.",
                    spec.name
                )}
            </p>
        })
    };
    view! {
        <fieldset class="step">
            <legend>"2. Filters"</legend>
            {no_dates}
            {move || vendor.get().spec().date_range.map(|_| view! { <Presets ui=ui /> })}
            {move || {
                vendor.get().spec().filters.iter().map(|filter| view! { <FilterField ui=ui filter=filter /> }).collect_view()
            }}
            <Show when=move || vendor.get().spec().parallel_requests()>
                <Concurrency ui=ui />
            </Show>
        </fieldset>
    }
}

/// One click for the usual ranges, in the user's own days.
#[component]
fn Presets(ui: Ui) -> impl IntoView {
    let apply = move |preset: Preset| {
        let Some(range) = ui.view.with_untracked(|v| v.vendor.spec().date_range) else {
            return;
        };
        let Some(today) = browser::today() else {
            return;
        };
        let offset = browser::utc_offset_minutes();
        let (from, to) = preset.range(today, offset, range.to_inclusive);
        ui.view.update(|v| {
            v.filters.insert(range.from.to_string(), from);
            v.filters.insert(range.to.to_string(), to);
        });
    };
    // The range in words, when it is whole days: the fields keep the exact instants.
    let in_words = move || {
        ui.view.with(|v| {
            let range = v.vendor.spec().date_range?;
            describe_range(
                v.filters.get(range.from)?,
                v.filters.get(range.to)?,
                range.to_inclusive,
            )
        })
    };
    view! {
        <div class="presets" role="group" aria-labelledby="presets-label">
            <span id="presets-label" class="label">"Quick dates"</span>
            {Preset::ALL.into_iter().map(|preset| view! {
                <button type="button" class="secondary small" on:click=move |_| apply(preset)>{preset.label()}</button>
            }).collect_view()}
            <span class="range-words" data-range-words="" aria-live="polite">{in_words}</span>
        </div>
    }
}

#[component]
fn FilterField(ui: Ui, filter: &'static FilterSpec) -> impl IntoView {
    let id = field_id(filter.name);
    let help_id = format!("{id}-help");
    let describedby = format!("{help_id} {id}-error");
    let value = move || {
        ui.view
            .with(|v| v.filters.get(filter.name).cloned())
            .unwrap_or_else(|| filter.default.to_string())
    };
    let set = move |value: String| {
        ui.view.update(|v| {
            if value.is_empty() && filter.default.is_empty() {
                v.filters.remove(filter.name);
            } else {
                v.filters.insert(filter.name.to_string(), value);
            }
        })
    };
    let invalid = move || ui.error_for(filter.name).is_some().to_string();
    let touch = move |_| ui.touch(filter.name);
    let control = match &filter.kind {
        FilterKind::Instant => {
            view! {
                <div class="with-button">
                    <input
                        id=id.clone()
                        type="text"
                        aria-required=filter.required.to_string()
                        inputmode="numeric"
                        placeholder="YYYY-MM-DD"
                        spellcheck="false"
                        aria-invalid=invalid
                        aria-describedby=describedby.clone()
                        prop:value=value
                        on:input=move |event| set(event_target_value(&event).trim().to_string())
                        on:blur=touch
                    />
                    <DatePicker
                        id=id.clone()
                        label=filter.label
                        value=Signal::derive(value)
                        today=browser::today().unwrap_or_default()
                        pick=Callback::new(move |date: String| {
                            set(date);
                            ui.touch(filter.name);
                            browser::focus(&field_id(filter.name));
                        })
                    />
                </div>
            }
            .into_any()
        }
        FilterKind::Text | FilterKind::Numbers | FilterKind::Checked(_) => view! {
            <input
                id=id.clone()
                type="text"
                aria-required=filter.required.to_string()
                aria-invalid=invalid
                aria-describedby=describedby.clone()
                prop:value=value
                on:input=move |event| set(event_target_value(&event))
                on:blur=touch
            />
        }
        .into_any(),
        FilterKind::Choice(choices) => view! {
            <select
                id=id.clone()
                aria-invalid=invalid
                aria-describedby=describedby.clone()
                prop:value=value
                on:change=move |event| set(event_target_value(&event))
            >
                {choices
                    .iter()
                    .map(|choice| view! { <option value=choice.value selected=move || value() == choice.value>{choice.label}</option> })
                    .collect_view()}
            </select>
        }
        .into_any(),
        FilterKind::Multi(choices) => view! {
            <div id=id.clone() class="multi" role="group" aria-labelledby=format!("{id}-label") aria-describedby=describedby.clone()>
                {choices
                    .iter()
                    .map(|choice| {
                        let toggle = move |checked: bool| {
                            let mut chosen: Vec<String> = value()
                                .split(',')
                                .map(str::trim)
                                .filter(|v| !v.is_empty() && *v != "none" && *v != choice.value)
                                .map(str::to_owned)
                                .collect();
                            if checked {
                                chosen.push(choice.value.to_string());
                            }
                            // Keep the documented order, whatever the clicking order.
                            chosen.sort_by_key(|v| choices.iter().position(|c| c.value == v));
                            set(if chosen.is_empty() { "none".into() } else { chosen.join(",") });
                        };
                        view! {
                            <label class="choice">
                                <input
                                    type="checkbox"
                                    prop:checked=move || value().split(',').any(|v| v.trim() == choice.value)
                                    on:change=move |event| toggle(event_target_checked(&event))
                                />
                                {choice.label}
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
        }
        .into_any(),
        FilterKind::Toggle { .. } => view! {
            <input
                id=id.clone()
                type="checkbox"
                aria-describedby=describedby.clone()
                prop:checked=move || matches!(value().as_str(), "1" | "true")
                on:change=move |event| set(if event_target_checked(&event) { "1".into() } else { String::new() })
            />
        }
        .into_any(),
    };
    let warning = match filter.kind {
        FilterKind::Toggle {
            warning: Some(text),
        } => Some(text),
        _ => None,
    };
    let is_toggle = matches!(filter.kind, FilterKind::Toggle { .. });
    let is_group = matches!(filter.kind, FilterKind::Multi(_));
    let checked = move || matches!(value().as_str(), "1" | "true");
    // Said in the help the field points to (and by `aria-required`), not in its name.
    let required = filter
        .required
        .then(|| view! { <strong class="required">"Required. "</strong> });
    view! {
        <div class="field" class:toggle=is_toggle>
            {if is_toggle {
                view! { <label class="choice">{control}{filter.label}</label> }.into_any()
            } else if is_group {
                view! { <span class="label" id=format!("{id}-label")>{filter.label}</span> {control} }.into_any()
            } else {
                view! { <label for=id.clone()>{filter.label}</label> {control} }.into_any()
            }}
            <p class="help" id=help_id>{required}{filter.help}</p>
            {warning.map(|text| view! { <Show when=checked><p class="warning" role="note">{text}</p></Show> })}
            <FieldError ui=ui field=filter.name />
        </div>
    }
}

/// How many requests run at once, for vendors whose requests can run in parallel.
#[component]
fn Concurrency(ui: Ui) -> impl IntoView {
    view! {
        <div class="field">
            <label for="concurrency">"Requests at once"</label>
            <input
                id="concurrency"
                type="number"
                min="1"
                max=crate::view_state::MAX_CONCURRENCY.to_string()
                aria-describedby="concurrency-help"
                prop:value=move || ui.view.with(|v| v.concurrency.to_string())
                on:change=move |event| {
                    let value = event_target_value(&event).trim().parse::<usize>().unwrap_or(crate::view_state::DEFAULT_CONCURRENCY);
                    ui.view.update(|v| v.concurrency = value.clamp(1, crate::view_state::MAX_CONCURRENCY));
                }
            />
            <p class="help" id="concurrency-help">
                "More is faster; lower it if the vendor says you are asking too fast. Rate limits are obeyed either way."
            </p>
        </div>
    }
}
