//! Step 3: progress, with Cancel and Resume, and errors in plain words.

use gloo_timers::callback::Interval;
use leptos::prelude::*;

use super::Ui;
use crate::engine::clock::{BrowserClock, Clock};
use crate::engine::progress::{WaitReason, WindowProgress};
use crate::engine::RunStatus;
use crate::format;

/// Refreshes `now_ms` while an export runs, so elapsed time and countdowns move. Stops on drop.
pub fn start_ticker(ui: Ui) -> Interval {
    ui.now_ms.set(BrowserClock.now_ms());
    Interval::new(250, move || ui.now_ms.set(BrowserClock.now_ms()))
}

#[derive(Debug, Clone, PartialEq)]
struct RunView {
    status: RunStatus,
    vendor: &'static str,
    pages: u32,
    requests: u32,
    retries: u32,
    conversations: usize,
    messages: usize,
    expected: Option<u64>,
    fraction: Option<f64>,
    elapsed_ms: f64,
    waiting: Option<(f64, WaitReason)>,
    can_resume: bool,
    warnings: usize,
    windows: Vec<WindowProgress>,
    total_changed: Option<(u64, u64)>,
}

#[component]
pub fn RunPanel(ui: Ui) -> impl IntoView {
    let run = Memo::new(move |_| {
        let now = ui.now_ms.get();
        ui.with_progress(|export| {
            let progress = &export.progress;
            RunView {
                status: export.status.clone(),
                vendor: export.vendor().spec().name,
                pages: progress.pages,
                requests: progress.requests,
                retries: progress.retries,
                conversations: progress.conversations,
                messages: progress.messages,
                expected: progress.expected_total,
                fraction: progress.fraction(),
                elapsed_ms: progress.elapsed_ms(now.max(progress.running_since_ms.unwrap_or(0.0))),
                waiting: progress
                    .waiting
                    .as_ref()
                    .map(|w| (((w.until_ms - now) / 1000.0).max(0.0).ceil(), w.reason)),
                can_resume: export.can_resume(),
                warnings: export.store.warnings.len(),
                windows: progress.windows.clone(),
                total_changed: progress.total_changed(),
            }
        })
    });
    let field = move |read: fn(&RunView) -> String| {
        move || run.with(|r| r.as_ref().map(read).unwrap_or_default())
    };
    let is = move |check: fn(&RunStatus) -> bool| {
        move || run.with(|r| r.as_ref().is_some_and(|r| check(&r.status)))
    };
    let headline = move || {
        run.with(|run| {
            let Some(run) = run else { return String::new() };
            let fetched = format!(
                "{} conversations and {} messages",
                format::count(run.conversations),
                format::count(run.messages)
            );
            match &run.status {
                RunStatus::Ready | RunStatus::Running => format!("Fetching from {}…", run.vendor),
                RunStatus::Finished => {
                    format!("Done: {fetched} in {}.", format::duration(run.elapsed_ms))
                }
                RunStatus::Cancelled => {
                    format!("Stopped. {fetched} fetched so far; press Resume to continue.")
                }
                RunStatus::Failed(_) => {
                    format!("The export stopped. {fetched} fetched so far stay available below.")
                }
            }
        })
    };
    let error = move || {
        run.with(|run| match run.as_ref().map(|r| &r.status) {
            Some(RunStatus::Failed(error)) => Some(error.clone()),
            _ => None,
        })
    };
    let waiting = move || {
        run.with(|run| {
            let run = run.as_ref()?;
            let (seconds, reason) = run.waiting?;
            Some(match reason {
                WaitReason::RateLimit => {
                    format!("Waiting {seconds} s for {}'s rate limit…", run.vendor)
                }
                WaitReason::Retry => format!("A request failed; trying again in {seconds} s…"),
            })
        })
    };
    view! {
        <Show when=move || run.with(Option::is_some)>
            <section class="panel" aria-labelledby="progress-heading">
                <h2 id="progress-heading">"3. Progress"</h2>
                <p class="headline" role="status" aria-live="polite">{headline}</p>
                <Show when=move || run.with(|r| r.as_ref().is_some_and(|r| r.fraction.is_some()))>
                    <progress
                        max="1"
                        value=move || run.with(|r| r.as_ref().and_then(|r| r.fraction).unwrap_or(0.0))
                        aria-label="Share of conversations fetched"
                    ></progress>
                </Show>
                <dl class="counters">
                    <div><dt>"Pages"</dt><dd data-counter="pages">{field(|r| format::count(r.pages as usize))}</dd></div>
                    <div>
                        <dt>"Conversations"</dt>
                        <dd data-counter="conversations">
                            {field(|r| match r.expected {
                                Some(total) => format!("{} of {}", format::count(r.conversations), format::count(total as usize)),
                                None => format::count(r.conversations),
                            })}
                        </dd>
                    </div>
                    <div><dt>"Messages"</dt><dd data-counter="messages">{field(|r| format::count(r.messages))}</dd></div>
                    <div><dt>"Elapsed"</dt><dd data-counter="elapsed">{field(|r| format::duration(r.elapsed_ms))}</dd></div>
                    <div><dt>"Rate"</dt><dd data-counter="rate">{field(|r| {
                        let seconds = (r.elapsed_ms / 1000.0).max(0.001);
                        if r.conversations == 0 && r.messages == 0 {
                            "—".to_string()
                        } else if r.messages > r.conversations * 3 {
                            format!("{:.0} messages/s", r.messages as f64 / seconds)
                        } else {
                            format!("{:.0} conversations/s", r.conversations as f64 / seconds)
                        }
                    })}</dd></div>
                    <div><dt>"Requests"</dt><dd data-counter="requests">{field(|r| format::count(r.requests as usize))}</dd></div>
                    <Show when=move || run.with(|r| r.as_ref().is_some_and(|r| r.retries > 0))>
                        <div><dt>"Retries"</dt><dd data-counter="retries">{field(|r| format::count(r.retries as usize))}</dd></div>
                    </Show>
                </dl>
                {move || waiting().map(|text| view! { <p class="waiting">{text}</p> })}
                {move || {
                    run.with(|r| r.as_ref().and_then(|r| r.total_changed.map(|t| (r.vendor, t))))
                        .map(|(vendor, (first, last))| view! {
                            <p class="note" data-total-changed="">
                                {format!(
                                    "{vendor}'s total changed from {} to {} while the export ran (conversations came or went). Each conversation is in the files once.",
                                    format::count(first as usize),
                                    format::count(last as usize)
                                )}
                            </p>
                        })
                }}
                <Show when=move || run.with(|r| r.as_ref().is_some_and(|r| r.windows.len() > 1))>
                    <table class="windows">
                        <caption>"Date windows (the vendor allows 31 days per request)"</caption>
                        <thead>
                            <tr><th scope="col">"Window"</th><th scope="col" class="number">"Pages"</th><th scope="col" class="number">"Messages"</th><th scope="col">"State"</th></tr>
                        </thead>
                        <tbody>
                            {move || run.with(|r| r.as_ref().map(|r| r.windows.clone()).unwrap_or_default())
                                .into_iter()
                                .map(|w| view! {
                                    <tr>
                                        <td>{w.label}</td>
                                        <td class="number">{w.pages}</td>
                                        <td class="number">{format::count(w.records)}</td>
                                        <td>{if w.done { "done" } else if w.pages > 0 { "in progress" } else { "waiting" }}</td>
                                    </tr>
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </Show>
                {move || {
                    error()
                        .map(|error| {
                            view! {
                                <div class="error" role="alert">
                                    <p>{error.summary.clone()}</p>
                                    <details>
                                        <summary>"Technical details"</summary>
                                        <pre>{error.details.clone()}</pre>
                                    </details>
                                </div>
                            }
                        })
                }}
                <Show when=move || run.with(|r| r.as_ref().is_some_and(|r| r.warnings > 0))>
                    <p class="note">
                        {field(|r| format!(
                            "{} values could not be read as documented; they are kept as they came in the exports.",
                            format::count(r.warnings)
                        ))}
                    </p>
                </Show>
                <div class="actions">
                    <Show when=is(|s| matches!(s, RunStatus::Running))>
                        <button type="button" class="secondary" on:click=move |_| super::cancel(ui)>"Cancel"</button>
                    </Show>
                    <Show when=move || run.with(|r| r.as_ref().is_some_and(|r| r.can_resume)) && !ui.running.get()>
                        <button type="button" class="primary" on:click=move |_| super::resume(ui)>"Resume"</button>
                    </Show>
                </div>
            </section>
        </Show>
    }
}
