//! Where the key goes, as the user sees it: the question asked before an unconfirmed address
//! gets the key, and the list of addresses trusted on this device.
//!
//! The rule itself is in `crate::destination`; this file only asks and remembers the answer.

use leptos::prelude::*;

use super::{browser, storage, Ui};
use crate::destination::{Destination, Origin};
use crate::view_state::ViewState;

/// Trusts `origin` for the vendor on screen, on this device.
fn trust(ui: Ui, origin: Origin) {
    let vendor = ui.view.with_untracked(|v| v.vendor);
    ui.trusted.update(|hosts| hosts.insert(origin));
    storage::save_trusted_hosts(vendor, &ui.trusted.get_untracked());
}

/// Stops trusting `origin` for the vendor on screen.
fn untrust(ui: Ui, origin: &Origin) {
    let vendor = ui.view.with_untracked(|v| v.vendor);
    ui.trusted.update(|hosts| hosts.remove(origin));
    storage::save_trusted_hosts(vendor, &ui.trusted.get_untracked());
}

/// Puts the key remembered for the vendor on screen in the form while its address is trusted,
/// and takes it out of the form while it is not: a remembered key is never filled in for an
/// address nobody confirmed.
pub fn sync_remembered_key(ui: Ui) {
    let vendor = ui.view.with_untracked(|v| v.vendor);
    let remembered = storage::remembered_key(vendor);
    ui.remember_key.set(remembered.is_some());
    let Some(remembered) = remembered else {
        return;
    };
    let trusted = ui
        .destination_untracked()
        .is_some_and(|destination| destination.is_trusted());
    let shown = ui.key.get_untracked();
    if trusted && shown.is_empty() {
        ui.key.set(remembered);
    } else if !trusted && shown.trim() == remembered {
        ui.key.set(String::new());
    }
}

/// The sentence under the key field: where the key will go.
pub fn key_destination(ui: Ui) -> String {
    let vendor = ui.view.with(|v| v.vendor);
    let place = match ui.destination() {
        Some(Destination::Vendor(origin)) => origin.host(),
        Some(Destination::Confirmed(origin)) if vendor.spec().default_base_url.is_some() => {
            format!("your relay {}", origin.host())
        }
        Some(Destination::Confirmed(origin)) => {
            format!("{}, the address you confirmed", origin.host())
        }
        Some(Destination::Unconfirmed(_)) => {
            return "Kept in this tab's memory only, and sent nowhere until you confirm the address it would go to.".into();
        }
        None => "the API address below".into(),
    };
    format!("Kept in this tab's memory only, sent only to {place}, never put in the link.")
}

/// Asks before the key may go to an address that is not the vendor's own. `from_link` places
/// the question: an address that came in a link is asked about at the top of the form, before
/// any key is entered; one the user typed, right under the address field.
#[component]
pub fn AddressCheck(ui: Ui, from_link: bool) -> impl IntoView {
    let unconfirmed = move || match ui.destination() {
        Some(Destination::Unconfirmed(origin))
            if !ui.view.with(|v| v.demo) && ui.address_from_link.get() == from_link =>
        {
            Some(origin)
        }
        _ => None,
    };
    move || {
        unconfirmed().map(|origin| {
            let spec = ui.view.with_untracked(|v| v.vendor.spec());
            let host = origin.host();
            let own_host = spec.default_base_url.and_then(Origin::of).map(|o| o.host());
            let heading = if from_link {
                format!("This link would send your {} key to {host}", spec.name)
            } else {
                format!("Your {} key would go to {host}", spec.name)
            };
            let not_vendor = match &own_host {
                Some(own) => format!("{host} is not {}: {}'s own address is {own}.", spec.name, spec.name),
                None => format!(
                    "{}'s documentation names no address, so only you can tell whether {host} is your account's API host.",
                    spec.name
                ),
            };
            let advice = if from_link {
                "If you did not expect this, someone may be trying to get your key: do not trust this address, and tell whoever sent the link. Trust it only if it is your team's relay or your own test server."
            } else {
                "Trust it only if it is your team's relay, your own test server, or your account's API host."
            };
            let use_own = own_host.as_ref().map_or_else(
                || "Clear this address".to_string(),
                |_| format!("Use {}'s own address", spec.name),
            );
            let trust_label = format!("Trust {host} on this device");
            let trusted_origin = origin.clone();
            view! {
                <div
                    class="address-check"
                    id="address-check"
                    tabindex="-1"
                    role=if from_link { "alert" } else { "status" }
                    data-address-check=""
                >
                    <p class="address-check-heading"><strong>{heading}</strong></p>
                    <p>{not_vendor}</p>
                    <p>{advice}</p>
                    <div class="actions">
                        <button type="button" class="primary" on:click=move |_| {
                            ui.view.update(|v| v.base_url = None);
                            ui.address_from_link.set(false);
                            browser::replace_query(&ui.view.with_untracked(ViewState::to_query));
                            browser::focus(if own_host.is_some() { "api-key" } else { "base-url" });
                        }>{use_own}</button>
                        <button type="button" class="secondary" on:click=move |_| {
                            trust(ui, trusted_origin.clone());
                            browser::focus("api-key");
                        }>{trust_label}</button>
                    </div>
                </div>
            }
        })
    }
}

/// The addresses trusted for this vendor on this device, each with a way to stop trusting it.
#[component]
pub fn TrustedHostList(ui: Ui) -> impl IntoView {
    let hosts = move || {
        ui.trusted
            .with(|hosts| hosts.iter().cloned().collect::<Vec<_>>())
    };
    move || {
        let hosts = hosts();
        (!hosts.is_empty()).then(|| {
            let vendor = ui.view.with_untracked(|v| v.vendor.spec().name);
            view! {
                <div class="trusted-hosts">
                    <p class="help" id="trusted-hosts-label">
                        {format!("Addresses trusted to receive your {vendor} key on this device:")}
                    </p>
                    <ul aria-labelledby="trusted-hosts-label">
                        {hosts.into_iter().map(|origin| {
                            let host = origin.host();
                            view! {
                                <li>
                                    <span class="host">{host.clone()}</span>
                                    <button
                                        type="button"
                                        class="secondary small"
                                        aria-label=format!("Stop trusting {host}")
                                        on:click=move |_| untrust(ui, &origin)
                                    >"Stop trusting"</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </div>
            }
        })
    }
}
