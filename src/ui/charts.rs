//! Small charts of the conversations fetched, drawn as SVG by the app: no chart library.
//! Each chart has a caption and a text alternative; bars carry their numbers as text too.

use leptos::prelude::*;

use super::{session, Ui};
use crate::format;
use crate::summary::{summarise, Summary};
use crate::vendors::VendorId;
use crate::words;

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 140.0;

#[component]
pub fn SummaryPanel(ui: Ui) -> impl IntoView {
    let summary = Memo::new(move |_| {
        let shown = ui.shown_days();
        ui.with_export(|e| summarise(shown.apply(e.store.conversations())))
            .unwrap_or_default()
    });
    let status_title = move || {
        ui.with_export(|e| e.vendor().spec().status_title)
            .unwrap_or("By status")
    };
    let partial = move || session::partial(ui);
    view! {
        <section class="panel summary" aria-labelledby="summary-heading">
            <h2 id="summary-heading">"Summary"</h2>
            {move || partial().map(|label| view! {
                <p class="warning" data-partial="">{format!("{label}: these figures cover only the conversations fetched so far.")}</p>
            })}
            <div class="charts">
                {move || summary.with(per_day)}
                {move || summary.with(|s| bars(status_title(), "status", &in_words(ui, &s.by_status, words::status), s.total))}
                {move || summary.with(|s| bars("By channel", "channel", &in_words(ui, &s.by_channel, words::channel), s.total))}
                {move || summary.with(|s| s.handed_to_human.map(|(yes, of)| share("With a human now, or waiting for one", "human", yes, of)))}
                {move || summary.with(|s| s.with_cart.map(|(yes, of)| share("With a cart", "cart", yes, of)))}
            </div>
        </section>
    }
}

/// Counts by code, relabelled in people's words for the vendor on screen.
fn in_words(
    ui: Ui,
    counts: &[(String, usize)],
    word: fn(VendorId, &str) -> String,
) -> Vec<(String, usize)> {
    let vendor = ui.with_export(|e| e.vendor()).unwrap_or_default();
    counts
        .iter()
        .map(|(code, count)| match code.as_str() {
            "(none)" => ("(none)".to_string(), *count),
            code => (word(vendor, code), *count),
        })
        .collect()
}

fn per_day(summary: &Summary) -> Option<AnyView> {
    let days = &summary.per_day;
    let (first, last) = (days.first()?.0, days.last()?.0);
    let max = days.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let (busiest_day, busiest) = days.iter().max_by_key(|(_, n)| *n).copied()?;
    let slot = WIDTH / days.len() as f64;
    let bar = (slot * 0.8).max(1.0);
    let label = format!(
        "Conversations per day from {first} to {last}: {} in all, most on {busiest_day} ({busiest}).",
        format::count(summary.total)
    );
    // Text stays in HTML: inside a stretched SVG it would stretch too.
    Some(
        view! {
            <figure class="chart" data-chart="per-day">
                <figcaption>"Conversations per day"</figcaption>
                <svg class="days" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=label preserveAspectRatio="none">
                    {days
                        .iter()
                        .enumerate()
                        .map(|(index, (day, count))| {
                            let height = HEIGHT * *count as f64 / max as f64;
                            view! {
                                <rect
                                    class="bar"
                                    x=format!("{:.2}", index as f64 * slot)
                                    y=format!("{:.2}", HEIGHT - height)
                                    width=format!("{bar:.2}")
                                    height=format!("{height:.2}")
                                >
                                    <title>{format!("{day}: {count}")}</title>
                                </rect>
                            }
                        })
                        .collect_view()}
                </svg>
                <div class="ticks" aria-hidden="true"><span>{first.to_string()}</span><span>{last.to_string()}</span></div>
                <p class="chart-note">{format!("Busiest day: {busiest_day}, {busiest} conversations.")}</p>
            </figure>
        }
        .into_any(),
    )
}

/// Horizontal bars, one per value: the label and numbers in HTML, the bar in SVG.
fn bars(
    title: &'static str,
    name: &'static str,
    values: &[(String, usize)],
    total: usize,
) -> Option<AnyView> {
    if values.is_empty() {
        return None;
    }
    let shown: Vec<(String, usize)> = values.iter().take(8).cloned().collect();
    let max = shown.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
    let label = format!(
        "{title}: {}.",
        shown
            .iter()
            .map(|(value, n)| format!("{value} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Some(
        view! {
            <figure class="chart" data-chart=name role="img" aria-label=label>
                <figcaption>{title}</figcaption>
                <div class="bar-rows" aria-hidden="true">
                    {shown
                        .into_iter()
                        .map(|(value, count)| {
                            let width = 100.0 * count as f64 / max as f64;
                            let percent = if total == 0 { 0.0 } else { 100.0 * count as f64 / total as f64 };
                            view! {
                                <div class="bar-row">
                                    <span class="bar-label" title=value.clone()>{truncate(&value, 24)}</span>
                                    <svg viewBox="0 0 100 10" preserveAspectRatio="none">
                                        <rect class="bar" x="0" y="0" width=format!("{width:.1}") height="10" />
                                    </svg>
                                    <span class="bar-value">{format!("{count} ({percent:.0}%)")}</span>
                                </div>
                            }
                        })
                        .collect_view()}
                </div>
            </figure>
        }
        .into_any(),
    )
}

/// One bar split in two: the share that is true.
fn share(title: &'static str, name: &'static str, yes: usize, of: usize) -> AnyView {
    let percent = if of == 0 {
        0.0
    } else {
        100.0 * yes as f64 / of as f64
    };
    let label = format!("{title}: {yes} of {of} conversations ({percent:.0}%).");
    view! {
        <figure class="chart" data-chart=name>
            <figcaption>{title}</figcaption>
            <svg class="share" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label=label>
                <rect class="track" x="0" y="0" width="100" height="10" />
                <rect class="bar" x="0" y="0" width=format!("{percent:.1}") height="10" />
            </svg>
            <p class="chart-note">{format!("{percent:.0}% ({yes} of {of})")}</p>
        </figure>
    }
    .into_any()
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(max - 1).collect::<String>())
    }
}
