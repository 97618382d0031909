//! The form's shared pieces: field ids, a field's problem, what a device remembers per vendor,
//! and the link to the view. Step 1 is in `source.rs`, step 2 in `filters.rs`.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{address, browser, storage, Ui};
use crate::vendors::VendorId;

/// The element id of a form field, for labels, error links and focus.
pub fn field_id(field: &str) -> String {
    match field {
        "api_key" => "api-key".into(),
        "base_url" => "base-url".into(),
        // The question asked about an address that is not the vendor's own.
        "destination" => "address-check".into(),
        name => format!("filter-{}", name.replace('_', "-")),
    }
}

/// What this device remembers for `vendor`: its trusted addresses, and its key (filled in only
/// while the address is trusted). The key on screen is emptied first: a key belongs to one
/// vendor.
pub fn load_vendor_device_state(ui: Ui, vendor: VendorId) {
    ui.key.set(String::new());
    ui.trusted.set(storage::trusted_hosts(vendor));
    address::sync_remembered_key(ui);
}

/// A field's problem, tied to the field by `aria-describedby`.
#[component]
pub fn FieldError(ui: Ui, field: &'static str) -> impl IntoView {
    let id = format!("{}-error", field_id(field));
    view! {
        {move || ui.error_for(field).map(|message| view! { <p class="field-error" id=id.clone()>{message}</p> })}
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
