//! A run that found nothing is no dead end: it says which filters gave nothing and what to try.

use leptos::prelude::*;

use crate::vendors::ExportQuery;
use crate::words;

/// A run that found nothing: which filters gave nothing, and what to try.
#[component]
pub fn EmptyResult(query: ExportQuery) -> impl IntoView {
    let filters = words::filters(&query);
    let hints = words::widen(&query);
    view! {
        <div class="empty-result" data-empty-result="">
            {if filters.is_empty() {
                view! { <p>"No filter was set: this key's account returned no conversations."</p> }.into_any()
            } else {
                view! {
                    <p>"These filters gave nothing:"</p>
                    <ul>{filters.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}</ul>
                }.into_any()
            }}
            <p>"What to try:"</p>
            <ul>{hints.into_iter().map(|h| view! { <li>{h}</li> }).collect_view()}</ul>
        </div>
    }
}
