//! Step 1: where the conversations come from: the vendor, demo or account, the key, and (where
//! the vendor documents one, under Advanced) the API address.

use leptos::prelude::*;

use super::address::{self, AddressCheck, TrustedHostList};
use super::connection_test::TestConnection;
use super::form::{load_vendor_device_state, FieldError};
use super::{browser, storage, Ui};
use crate::key_check::{check_key, KeyCheck};
use crate::vendors::VendorId;
use crate::view_state::ViewState;

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
        ui.address_from_link.set(false);
        load_vendor_device_state(ui, next);
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
                <AddressCheck ui=ui from_link=true />
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
                            // An empty key the user only passed through is not a problem yet: it
                            // shows on Fetch. (Shown on leaving, it would push the page down under
                            // the pointer of whoever is about to click below.)
                            on:blur=move |_| {
                                if !ui.key.get_untracked().trim().is_empty() {
                                    ui.touch("api_key");
                                }
                            }
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
                    <p class="help" id="api-key-help">{move || address::key_destination(ui)}</p>
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
                    <TrustedHostList ui=ui />
                    <p class="help" id="remember-help">
                        {move || format!(
                            "Saves this {} key in this browser, for this site, until you press Forget key. Anyone using this browser could use it.",
                            vendor.get().spec().name
                        )}
                    </p>
                </div>
                <Show
                    when=move || vendor.get().spec().default_base_url.is_some()
                    fallback=move || view! { <AddressField ui=ui /> }
                >
                    // The vendor's own address needs no thought: it waits under Advanced, open
                    // when it was changed (a relay, a test server) or has a problem.
                    <details class="advanced" prop:open=move || address_needs_attention(ui)>
                        <summary>"Advanced: API address"</summary>
                        <AddressField ui=ui />
                    </details>
                </Show>
                <TestConnection ui=ui />
            </Show>
        </fieldset>
    }
}

/// Whether the address should be in view: changed from the vendor's own, or with a problem.
fn address_needs_attention(ui: Ui) -> bool {
    ui.view.with(|v| v.base_url.is_some()) || ui.error_for("base_url").is_some()
}

/// The API address: the vendor's documented one by default, or a relay or test server.
#[component]
fn AddressField(ui: Ui) -> impl IntoView {
    let vendor = Memo::new(move |_| ui.view.with(|v| v.vendor));
    view! {
        <div class="field">
            <label for="base-url">"API address (base URL)"</label>
            <input
                id="base-url"
                type="url"
                spellcheck="false"
                aria-required=move || vendor.get().spec().default_base_url.is_none().to_string()
                aria-invalid=move || ui.error_for("base_url").is_some().to_string()
                aria-describedby="base-url-help base-url-error"
                prop:value=move || ui.view.with(ViewState::effective_base_url)
                on:input=move |event| {
                    let value = event_target_value(&event);
                    ui.address_from_link.set(false);
                    ui.view.update(|v| v.base_url = Some(value));
                }
                on:blur=move |_| ui.touch("base_url")
            />
            <p class="help" id="base-url-help">
                {move || {
                    let spec = vendor.get().spec();
                    match spec.default_base_url {
                        None => format!(
                            "Required: the address of your {} account's API, like https://voice.example.com. Its documentation does not name one: look in the widget's dashboard next to where you created the API key (usually Settings, then API), or ask whoever set up the widget.",
                            spec.name.to_lowercase()
                        ),
                        Some(default) => format!(
                            "{}'s own address is {default}. Change it only to go through your team's relay or a test server.",
                            spec.name
                        ),
                    }
                }}
            </p>
            <FieldError ui=ui field="base_url" />
            <AddressCheck ui=ui from_link=false />
        </div>
    }
}
