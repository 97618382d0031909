//! Step 1 and 2: where the conversations come from, and which ones.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{browser, storage, Ui};
use crate::dates::Preset;
use crate::key_check::{check_key, KeyCheck};
use crate::vendors::{FilterKind, FilterSpec, VendorId};
use crate::view_state::ViewState;

/// The element id of a form field, for labels, error links and focus.
pub fn field_id(field: &str) -> String {
    match field {
        "api_key" => "api-key".into(),
        "base_url" => "base-url".into(),
        name => format!("filter-{}", name.replace('_', "-")),
    }
}

/// Puts the key remembered for `vendor` in the form, or empties it: a key belongs to one vendor.
pub fn load_key(ui: Ui, vendor: VendorId) {
    let remembered = storage::remembered_key(vendor);
    ui.remember_key.set(remembered.is_some());
    ui.key.set(remembered.unwrap_or_default());
}

/// A field's problem, tied to the field by `aria-describedby`.
#[component]
fn FieldError(ui: Ui, field: &'static str) -> impl IntoView {
    let id = format!("{}-error", field_id(field));
    view! {
        {move || ui.error_for(field).map(|message| view! { <p class="field-error" id=id.clone()>{message}</p> })}
    }
}

#[component]
pub fn SourceFields(ui: Ui) -> impl IntoView {
    let vendor = Memo::new(move |_| ui.view.with(|v| v.vendor));
    let demo = Memo::new(move |_| ui.view.with(|v| v.demo));
    let show_key = RwSignal::new(false);
    let set_vendor = move |slug: String| {
        let Some(next) = VendorId::from_slug(&slug) else {
            return;
        };
        // Choosing the vendor already chosen keeps what was filled in.
        if next == vendor.get_untracked() {
            return;
        }
        ui.view.update(|view| {
            let demo = view.demo;
            *view = ViewState::for_vendor(next);
            view.demo = demo;
            if demo {
                for (name, value) in super::demo::suggested_filters(next) {
                    view.filters.insert(name.to_string(), value);
                }
            }
        });
        // A new vendor is a new view: the one left stays one Back away.
        browser::push_query(&ui.view.with_untracked(ViewState::to_query));
        load_key(ui, next);
        ui.reset_form();
    };
    let key_hint = move || {
        let key = ui.key.get();
        let vendor = vendor.get();
        let check = check_key(vendor, &key);
        // Blocking problems show as the field's error; the rest is a hint.
        match check {
            KeyCheck::Recognised | KeyCheck::UnexpectedShape => check
                .message(vendor)
                .map(|text| (check == KeyCheck::Recognised, text)),
            _ => None,
        }
    };
    let set_remember = move |on: bool| {
        let vendor = vendor.get_untracked();
        ui.remember_key.set(on);
        if on {
            storage::remember_key(vendor, ui.key.get_untracked().trim());
        } else {
            storage::forget_key(vendor);
        }
    };
    let forget = move |_| {
        storage::forget_key(vendor.get_untracked());
        ui.remember_key.set(false);
        ui.key.set(String::new());
        browser::focus("api-key");
    };
    view! {
        <fieldset class="step">
            <legend>"1. Source"</legend>
            <div class="field">
                <label for="vendor">"Vendor"</label>
                // `selected` sets the first value; `prop:value` follows Back and Forward.
                <select
                    id="vendor"
                    prop:value=move || vendor.get().spec().slug
                    on:change=move |event| set_vendor(event_target_value(&event))
                >
                    {VendorId::ALL
                        .iter()
                        .map(|candidate| {
                            let spec = candidate.spec();
                            view! { <option value=spec.slug selected=move || vendor.get() == *candidate>{spec.name}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field" role="radiogroup" aria-labelledby="data-source-label">
                <span id="data-source-label" class="label">"Data"</span>
                <label class="choice">
                    <input type="radio" name="data-source" prop:checked=move || !demo.get() on:change=move |_| ui.view.update(|v| v.demo = false) />
                    "My account (API key)"
                </label>
                <label class="choice">
                    <input
                        type="radio"
                        name="data-source"
                        prop:checked=move || demo.get()
                        on:change=move |_| {
                            ui.view.update(|v| {
                                v.demo = true;
                                for (name, value) in super::demo::suggested_filters(v.vendor) {
                                    v.filters.entry(name.to_string()).or_insert(value);
                                }
                            });
                            ui.reset_form();
                        }
                    />
                    "Demo data (no key, nothing leaves this page)"
                </label>
            </div>
            <Show
                when=move || !demo.get()
                fallback=|| view! { <p class="note">"Demo mode uses built-in sample conversations, generated in your browser."</p> }
            >
                <div class="field">
                    <label for="api-key">"API key"</label>
                    <div class="with-button">
                        <input
                            id="api-key"
                            type=move || if show_key.get() { "text" } else { "password" }
                            autocomplete="off"
                            spellcheck="false"
                            placeholder=move || vendor.get().spec().key_placeholder
                            aria-invalid=move || ui.error_for("api_key").is_some().to_string()
                            aria-describedby="api-key-help api-key-hint api-key-error"
                            prop:value=move || ui.key.get()
                            on:input=move |event| {
                                let key = event_target_value(&event);
                                if ui.remember_key.get_untracked() {
                                    storage::remember_key(vendor.get_untracked(), key.trim());
                                }
                                ui.key.set(key);
                            }
                            on:blur=move |_| ui.touch("api_key")
                        />
                        <button
                            type="button"
                            class="secondary"
                            aria-pressed=move || show_key.get().to_string()
                            on:click=move |_| show_key.update(|shown| *shown = !*shown)
                        >
                            {move || if show_key.get() { "Hide" } else { "Show" }}
                        </button>
                    </div>
                    <p class="help" id="api-key-help">
                        "Kept in this tab's memory only, sent only to the vendor, never put in the link."
                    </p>
                    <p id="api-key-hint" class="key-hint">
                        {move || key_hint().map(|(good, text)| view! { <span class:good=good class:check=!good>{text}</span> })}
                    </p>
                    <FieldError ui=ui field="api_key" />
                    <div class="remember">
                        <label class="choice">
                            <input
                                type="checkbox"
                                prop:checked=move || ui.remember_key.get()
                                aria-describedby="remember-help"
                                on:change=move |event| set_remember(event_target_checked(&event))
                            />
                            "Remember on this device"
                        </label>
                        <button type="button" class="secondary small" on:click=forget>"Forget key"</button>
                    </div>
                    <p class="help" id="remember-help">
                        {move || format!(
                            "Saves this {} key in this browser, for this site, until you press Forget key. Anyone using this browser could use it.",
                            vendor.get().spec().name
                        )}
                    </p>
                </div>
                <div class="field">
                    <label for="base-url">"API address (base URL)"</label>
                    <input
                        id="base-url"
                        type="url"
                        spellcheck="false"
                        aria-invalid=move || ui.error_for("base_url").is_some().to_string()
                        aria-describedby="base-url-help base-url-error"
                        prop:value=move || ui.view.with(ViewState::effective_base_url)
                        on:input=move |event| {
                            let value = event_target_value(&event);
                            ui.view.update(|v| v.base_url = Some(value));
                        }
                        on:blur=move |_| ui.touch("base_url")
                    />
                    <p class="help" id="base-url-help">
                        {move || match vendor.get().spec().default_base_url {
                            None => "Required: the vendor's documentation names no address. Enter the one your account uses.".to_string(),
                            Some(default) => format!("Default: {default}. Change it to go through a relay or the local simulator."),
                        }}
                    </p>
                    <FieldError ui=ui field="base_url" />
                </div>
            </Show>
        </fieldset>
    }
}

#[component]
pub fn FilterFields(ui: Ui) -> impl IntoView {
    let vendor = Memo::new(move |_| ui.view.with(|v| v.vendor));
    view! {
        <fieldset class="step">
            <legend>"2. Filters"</legend>
            {move || vendor.get().spec().date_range.map(|_| view! { <Presets ui=ui /> })}
            {move || {
                vendor.get().spec().filters.iter().map(|filter| view! { <FilterField ui=ui filter=filter /> }).collect_view()
            }}
            <Show when=move || vendor.get().spec().parallel_requests>
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
        let now = js_sys::Date::new_0();
        let today = chrono::NaiveDate::from_ymd_opt(
            now.get_full_year() as i32,
            now.get_month() + 1,
            now.get_date(),
        );
        let Some(today) = today else { return };
        // getTimezoneOffset is minutes *behind* UTC.
        let offset = -(now.get_timezone_offset() as i32);
        let (from, to) = preset.range(today, offset, range.to_inclusive);
        ui.view.update(|v| {
            v.filters.insert(range.from.to_string(), from);
            v.filters.insert(range.to.to_string(), to);
        });
    };
    view! {
        <div class="presets" role="group" aria-labelledby="presets-label">
            <span id="presets-label" class="label">"Quick dates"</span>
            {Preset::ALL.into_iter().map(|preset| view! {
                <button type="button" class="secondary small" on:click=move |_| apply(preset)>{preset.label()}</button>
            }).collect_view()}
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
            let picker_label = format!("Pick a date for {}", filter.label);
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
                    <input
                        type="date"
                        class="date-picker"
                        aria-label=picker_label
                        prop:value=move || value().get(..10).filter(|d| d.len() == 10).unwrap_or("").to_string()
                        on:change=move |event| {
                            let date = event_target_value(&event);
                            if !date.is_empty() {
                                set(date);
                                ui.touch(filter.name);
                            }
                        }
                    />
                </div>
            }
            .into_any()
        }
        FilterKind::Text | FilterKind::Checked(_) => view! {
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

/// Copies the link to this view (never with the key).
#[component]
pub fn CopyLink(ui: Ui) -> impl IntoView {
    let copied = RwSignal::new(None::<bool>);
    let copy = move |_| {
        browser::replace_query(&ui.view.get_untracked().to_query());
        let url = browser::page_url();
        spawn_local(async move {
            copied.set(Some(browser::copy_text(&url).await));
        });
    };
    view! {
        <button type="button" class="secondary" on:click=copy>"Copy link to this view"</button>
        <span class="status-note" role="status">
            {move || match copied.get() {
                Some(true) => "Link copied. It holds the vendor and filters, never the key.",
                Some(false) => "Could not copy: copy the address bar instead.",
                None => "",
            }}
        </span>
    }
}
