//! What to do when a vendor refuses calls from web pages: a relay, with the exact command to
//! start it and the address to type.

use leptos::prelude::*;

use crate::relay_advice::{relay_base_url, relay_command};
use crate::vendors::VendorId;

#[component]
pub fn RelayOffer(vendor: VendorId, base_url: String) -> impl IntoView {
    let name = vendor.spec().name;
    let origin = super::browser::page_origin();
    view! {
        <div class="relay-offer" data-relay-offer="">
            <p>
                {format!("{name} does not accept calls from web pages (a browser rule called CORS), so this page cannot reach it directly. A relay solves this: a small program that you or your IT team run, which passes the page's requests on to {name}. It forwards only reads, only to {name}'s address, only for this page, and never keeps or logs your key.")}
            </p>
            <ol>
                <li>
                    "Start the relay on this computer, from a copy of this app's code (the README's Relay section says how to run it on a server):"
                    <pre><code>{relay_command(vendor, &base_url, &origin)}</code></pre>
                </li>
                <li>
                    "Set the API address (under Advanced in step 1) to "
                    <code>{relay_base_url(vendor)}</code>
                    ", confirm it, and press Test connection."
                </li>
            </ol>
        </div>
    }
}
