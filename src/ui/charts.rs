//! Small charts of the conversations fetched, drawn as SVG by the app: no chart library.
//! Each chart has a caption and a text alternative; bars carry their numbers as text too.

use leptos::prelude::*;

use super::Ui;
use crate::format;
use crate::summary::{summarise, Summary};

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 140.0;

#[component]
pub fn SummaryPanel(ui: Ui) -> impl IntoView {
    let summary = Memo::new(move |_| {
        ui.with_export(|e| summarise(e.store.conversations()))
            .unwrap_or_default()
    });
    let status_title = move || {
        ui.with_export(|e| match e.vendor() {
            crate::vendors::VendorId::VoiceWidget => "By outcome",
            crate::vendors::VendorId::Humind => "By handling",
            _ => "By status",
        })
        .unwrap_or("By status")
    };
    view! {
        <section class="panel summary" aria-labelledby="summary-heading">
            <h2 id="summary-heading">"Summary"</h2>
            <div class="charts">
                {move || summary.with(per_day)}
                {move || summary.with(|s| bars(status_title(), "status", &s.by_status, s.total))}
                {move || summary.with(|s| bars("By channel", "channel", &s.by_channel, s.total))}
                {move || summary.with(|s| s.handed_to_human.map(|(yes, of)| share("Handed to a human", "human", yes, of)))}
                {move || summary.with(|s| s.with_cart.map(|(yes, of)| share("With a cart", "cart", yes, of)))}
            </div>
        </section>
    }
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
    let title_text = label.clone();
    Some(
        view! {
            <figure class="chart" data-chart="per-day">
                <figcaption>"Conversations per day"</figcaption>
                <svg viewBox=format!("0 0 {WIDTH} {}", HEIGHT + 20.0) role="img" aria-label=label.clone() preserveAspectRatio="none">
                    <title>{title_text}</title>
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
                    <line class="axis" x1="0" y1=HEIGHT.to_string() x2=WIDTH.to_string() y2=HEIGHT.to_string() />
                    <text x="0" y=(HEIGHT + 16.0).to_string() class="tick">{first.to_string()}</text>
                    <text x=WIDTH.to_string() y=(HEIGHT + 16.0).to_string() class="tick" text-anchor="end">{last.to_string()}</text>
                </svg>
                <p class="chart-note">{format!("Busiest day: {busiest_day}, {busiest} conversations.")}</p>
            </figure>
        }
        .into_any(),
    )
}

/// Horizontal bars, one per value, with the count and share written out.
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
    let row = 26.0;
    let height = row * shown.len() as f64;
    let label = format!(
        "{title}: {}.",
        shown
            .iter()
            .map(|(value, n)| format!("{value} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let title_text = label.clone();
    Some(
        view! {
            <figure class="chart" data-chart=name>
                <figcaption>{title}</figcaption>
                <svg viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-label=label.clone()>
                    <title>{title_text}</title>
                    {shown
                        .into_iter()
                        .enumerate()
                        .map(|(index, (value, count))| {
                            let y = index as f64 * row;
                            let width = (WIDTH * 0.55) * count as f64 / max as f64;
                            let percent = if total == 0 { 0.0 } else { 100.0 * count as f64 / total as f64 };
                            view! {
                                <text x="0" y=format!("{:.1}", y + 17.0) class="label">{truncate(&value, 22)}</text>
                                <rect class="bar" x=(WIDTH * 0.3).to_string() y=format!("{:.1}", y + 4.0) width=format!("{width:.1}") height="18" />
                                <text x=format!("{:.1}", WIDTH * 0.3 + width + 6.0) y=format!("{:.1}", y + 17.0) class="value">
                                    {format!("{count} ({percent:.0}%)")}
                                </text>
                            }
                        })
                        .collect_view()}
                </svg>
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
            <svg viewBox=format!("0 0 {WIDTH} 30") role="img" aria-label=label.clone()>
                <title>{label.clone()}</title>
                <rect class="track" x="0" y="4" width=WIDTH.to_string() height="22" />
                <rect class="bar" x="0" y="4" width=format!("{:.1}", WIDTH * percent / 100.0) height="22" />
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
