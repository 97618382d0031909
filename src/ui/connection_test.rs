//! "Test connection": one cheap request that says whether the export would work, and if not,
//! which of the four it is: nothing answers at the address, the vendor refuses web pages
//! (CORS), the vendor refuses the key, or it works.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::relay_offer::RelayOffer;
use super::{browser, form, Ui};
use crate::destination::Origin;
use crate::engine::probe;
use crate::error::{FetchError, Problem};
use crate::transport::web::{answers_without_cors, FetchTransport};
use crate::vendors::{plan, VendorId};

const TIMEOUT_MS: u64 = 15_000;

#[derive(Debug, Clone, PartialEq)]
enum Verdict {
    Working {
        vendor: VendorId,
        host: String,
    },
    Refused(FetchError),
    RefusesWebPages {
        vendor: VendorId,
        host: String,
        base_url: String,
    },
    NothingAnswers {
        host: String,
    },
    NotReady(&'static str),
}

/// Whether a request that failed with no status reached a server that refused the page's CORS
/// check (`true`), or reached nothing.
pub async fn refused_by_cors(url: &str) -> bool {
    answers_without_cors(url).await
}

#[component]
pub fn TestConnection(ui: Ui) -> impl IntoView {
    let verdict = RwSignal::new(None::<Verdict>);
    let busy = RwSignal::new(false);
    // Another vendor, address or key makes the last answer stale.
    Effect::new(move |_| {
        ui.view.with(|v| (v.vendor, v.effective_base_url()));
        ui.key.track();
        verdict.set(None);
    });
    let test = move |_| {
        let view = ui.view.get_untracked();
        let needs = ["api_key", "base_url", "destination"];
        let blocking = ui
            .form_errors()
            .into_iter()
            .find(|error| needs.contains(&error.field.as_str()));
        if let Some(error) = blocking {
            ui.touch(&error.field);
            browser::focus(&form::field_id(&error.field));
            verdict.set(Some(Verdict::NotReady(
                "Fix the key and the address first: the test sends the key to that address.",
            )));
            return;
        }
        let query = view.export_query();
        let vendor = query.vendor;
        let Some(first) = plan(&query).into_iter().next() else {
            verdict.set(Some(Verdict::NotReady(
                "Fill in the filters the vendor requires first (step 2): the test asks for one conversation with them.",
            )));
            return;
        };
        let Some(key) = ui.scoped_key(vendor, &query.base_url, false) else {
            verdict.set(Some(Verdict::NotReady(
                "Confirm the address first: the key goes only where you said it may.",
            )));
            return;
        };
        let host = Origin::of(&query.base_url)
            .map(|o| o.host())
            .unwrap_or_default();
        let base_url = query.base_url.clone();
        busy.set(true);
        verdict.set(None);
        spawn_local(async move {
            let url = first.request().url;
            let answer = match probe(vendor, first, &FetchTransport, &key, TIMEOUT_MS).await {
                Ok(()) => Verdict::Working { vendor, host },
                Err(error) if matches!(error.problem, Problem::Unreachable { .. }) => {
                    if refused_by_cors(&url).await {
                        Verdict::RefusesWebPages {
                            vendor,
                            host,
                            base_url,
                        }
                    } else {
                        Verdict::NothingAnswers { host }
                    }
                }
                Err(error) => Verdict::Refused(error),
            };
            verdict.set(Some(answer));
            busy.set(false);
        });
    };
    let shown = move || {
        verdict.get().map(|verdict| match verdict {
            Verdict::Working { vendor, host } => view! {
                <p class="good" data-connection="working">
                    {format!("Working: {} answered at {host} and accepted the key.", vendor.spec().name)}
                </p>
            }
            .into_any(),
            Verdict::Refused(error) => view! {
                <div class="error" data-connection="refused">
                    <p>{error.summary()}</p>
                    <details><summary>"Technical details"</summary><pre>{error.details()}</pre></details>
                </div>
            }
            .into_any(),
            Verdict::RefusesWebPages { vendor, host, base_url } => view! {
                <div class="error" data-connection="cors">
                    <p>{format!("Something answered at {host}, but it refuses calls from web pages (CORS).")}</p>
                    <RelayOffer vendor=vendor base_url=base_url />
                </div>
            }
            .into_any(),
            Verdict::NothingAnswers { host } => view! {
                <p class="error" data-connection="unreachable">
                    {format!("Nothing answered at {host}. Check the API address, and that this computer is online.")}
                </p>
            }
            .into_any(),
            Verdict::NotReady(text) => view! { <p class="note" data-connection="not-ready">{text}</p> }.into_any(),
        })
    };
    view! {
        <div class="connection-test">
            <button type="button" class="secondary" disabled=move || busy.get() on:click=test>
                {move || if busy.get() { "Testing…" } else { "Test connection" }}
            </button>
            <div role="status" aria-live="polite">{shown}</div>
        </div>
    }
}

/// Under an export that failed with no answer at all: whether the vendor refused web pages
/// (then how to use a relay) or nothing answered. `base_url`: the export's API address.
#[component]
pub fn NoAnswerHelp(error: FetchError, base_url: String) -> impl IntoView {
    let found = RwSignal::new(None::<bool>);
    let url = error
        .during
        .as_ref()
        .map_or_else(|| base_url.clone(), |during| during.url.clone());
    spawn_local(async move { found.set(Some(refused_by_cors(&url).await)) });
    let vendor = error.vendor;
    move || {
        match found.get() {
        Some(true) => Some(
            view! {
                <div data-cors-refused="">
                    <p>{format!("Checked: {} answers, but refuses calls from web pages.", vendor.spec().name)}</p>
                    <RelayOffer vendor=vendor base_url=base_url.clone() />
                </div>
            }
            .into_any(),
        ),
        Some(false) => Some(
            view! { <p data-unreachable="">"Checked: nothing answers at this address. Check the API address, and that this computer is online."</p> }
                .into_any(),
        ),
        None => None,
    }
    }
}
