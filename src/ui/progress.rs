//! Step 3: progress. One bar for all the work of a run with a step in words, Cancel and Resume,
//! errors that point to what to fix, and an empty result (`empty_result.rs`). The technical
//! counters (pages, requests, retries) wait under Details.

use gloo_timers::callback::Interval;
use leptos::prelude::*;

use super::connection_test::NoAnswerHelp;
use super::empty_result::EmptyResult;
use super::session::{self, form_matches_run};
use super::Ui;
use crate::engine::clock::{BrowserClock, Clock};
use crate::engine::progress::{Stage, WaitReason, WindowProgress};
use crate::engine::RunStatus;
use crate::error::{FetchError, Problem};
use crate::format;
use crate::vendors::spec::Holds;
use crate::vendors::ExportQuery;

/// Refreshes `now_ms` while an export runs, so elapsed time and countdowns move. Stops on drop.
pub fn start_ticker(ui: Ui) -> Interval {
    ui.now_ms.set(BrowserClock.now_ms());
    Interval::new(250, move || ui.now_ms.set(BrowserClock.now_ms()))
}

/// Brings the run's status into view and gives it the keyboard focus, after Fetch, Resume or
/// Cancel: on a phone the progress would otherwise start below the fold, and a screen reader
/// user hears where things stand.
pub fn show_status() {
    // After the panel is drawn: it appears with the first run.
    gloo_timers::callback::Timeout::new(0, || {
        if let Some(status) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("run-status"))
        {
            status.scroll_into_view();
            super::browser::focus("run-status");
        }
    })
    .forget();
}

#[derive(Debug, Clone, PartialEq)]
struct RunView {
    status: RunStatus,
    vendor: &'static str,
    holds: Holds,
    query: ExportQuery,
    pages: u32,
    requests: u32,
    retries: u32,
    conversations: usize,
    messages: usize,
    stage: Stage,
    fraction: Option<f64>,
    elapsed_ms: f64,
    waiting: Option<(f64, WaitReason)>,
    can_resume: bool,
    warnings: usize,
    windows: Vec<WindowProgress>,
    total_changed: Option<(u64, u64)>,
    notices: Vec<String>,
    /// The mark of a run of only what changed.
    since: Option<String>,
}

impl RunView {
    fn has_data(&self) -> bool {
        self.conversations > 0
    }

    fn fetched(&self) -> String {
        format!(
            "{} conversations and {} messages",
            format::count(self.conversations),
            format::count(self.messages)
        )
    }

    fn headline(&self) -> String {
        match &self.status {
            RunStatus::Ready | RunStatus::Running => match &self.since {
                Some(since) => format!("Fetching what changed at {} since {since}…", self.vendor),
                None => format!("Fetching from {}…", self.vendor),
            },
            RunStatus::Cancelled | RunStatus::Failed(_) if self.since.is_some() => format!(
                "Stopped while fetching what changed ({} so far): the export below is as it was before. Resume to finish the update.",
                self.fetched()
            ),
            RunStatus::Finished if !self.has_data() => {
                format!(
                    "Done: {} has no conversations that match these filters.",
                    self.vendor
                )
            }
            RunStatus::Finished if self.read_back() => format!("Done: {}.", self.fetched()),
            RunStatus::Finished => format!(
                "Done: {} in {}.",
                self.fetched(),
                format::duration(self.elapsed_ms)
            ),
            RunStatus::Cancelled if self.has_data() => {
                format!(
                    "Stopped: {} fetched so far; they stay available below.",
                    self.fetched()
                )
            }
            RunStatus::Cancelled => "Stopped before anything was fetched.".into(),
            RunStatus::Failed(_) if self.has_data() => format!(
                "The export stopped: {} fetched so far stay available below.",
                self.fetched()
            ),
            RunStatus::Failed(_) => "The export could not start.".into(),
        }
    }

    /// Read back from this device's storage, not fetched in this page: how long it took and
    /// how it went step by step are not known here.
    fn read_back(&self) -> bool {
        self.elapsed_ms == 0.0 && !matches!(self.status, RunStatus::Ready | RunStatus::Running)
    }

    /// What the bar measures now, in words.
    fn step(&self) -> String {
        if self.read_back() {
            return "Read back from this device's storage.".into();
        }
        match self.stage {
            Stage::Listing {
                listed,
                total: Some(total),
            } => format!(
                "Listing conversations: {} of {}",
                format::count(listed),
                format::count(total as usize)
            ),
            Stage::Listing {
                listed,
                total: None,
            } => match self.holds {
                Holds::Conversations => {
                    format!("{} conversations listed so far", format::count(listed))
                }
                Holds::Messages => format!("{} messages read so far", format::count(self.messages)),
            },
            Stage::FollowUps { done, of } => format!(
                "Messages for {} of {} conversations",
                format::count(done),
                format::count(of)
            ),
            Stage::Windows { done, of } => format!("Date windows done: {done} of {of}"),
        }
    }

    /// In one unit for the whole run: what the vendor's list holds.
    fn rate(&self) -> String {
        let seconds = (self.elapsed_ms / 1000.0).max(0.001);
        match self.holds {
            _ if (self.conversations == 0 && self.messages == 0) || self.read_back() => "—".into(),
            Holds::Conversations => {
                format!("{:.0} conversations/s", self.conversations as f64 / seconds)
            }
            Holds::Messages => format!("{:.0} messages/s", self.messages as f64 / seconds),
        }
    }

    fn error(&self) -> Option<&FetchError> {
        match &self.status {
            RunStatus::Failed(error) => Some(error),
            _ => None,
        }
    }

    fn stopped(&self) -> bool {
        matches!(self.status, RunStatus::Cancelled | RunStatus::Failed(_))
    }
}

fn window_state(window: &WindowProgress, running: bool) -> &'static str {
    match (window.done, window.pages > 0, running) {
        (true, _, _) => "done",
        (false, true, true) => "in progress",
        (false, false, true) => "waiting",
        (false, _, false) => "stopped",
    }
}

#[component]
pub fn RunPanel(ui: Ui) -> impl IntoView {
    let run = Memo::new(move |_| {
        let now = ui.now_ms.get();
        ui.with_progress(|export| {
            let progress = &export.progress;
            let spec = export.vendor().spec();
            RunView {
                status: export.status.clone(),
                vendor: spec.name,
                holds: spec.holds,
                query: export.query.clone(),
                pages: progress.pages,
                requests: progress.requests,
                retries: progress.retries,
                conversations: progress.conversations,
                // A vendor that lists messages streams them: they count as they arrive.
                messages: progress.messages
                    + match spec.holds {
                        Holds::Messages => progress.arriving,
                        Holds::Conversations => 0,
                    },
                stage: progress.stage(),
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
                notices: progress
                    .notices
                    .iter()
                    .map(|n| n.describe(spec.name))
                    .collect(),
                since: export
                    .query
                    .changed_since
                    .map(|at| format::local_time(at, super::browser::utc_offset_minutes())),
            }
        })
    });
    let field = move |read: fn(&RunView) -> String| {
        move || run.with(|r| r.as_ref().map(read).unwrap_or_default())
    };
    let when =
        move |check: fn(&RunView) -> bool| move || run.with(|r| r.as_ref().is_some_and(check));
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
    let stopped =
        move || !ui.running.get() && run.with(|r| r.as_ref().is_some_and(RunView::stopped));
    // A stop with data goes on where it stopped; one without starts again.
    let resumable = move || {
        stopped()
            && run.with(|r| r.as_ref().is_some_and(|r| r.can_resume && r.has_data()))
            && form_matches_run(ui)
    };
    let try_again = move || stopped() && !resumable() && form_matches_run(ui);
    let update_since = move || {
        ui.tick.track();
        (!ui.running.get() && form_matches_run(ui))
            .then(|| session::update_mark(ui))
            .flatten()
            .map(|at| format::local_time(at, super::browser::utc_offset_minutes()))
    };
    let key_needed = move || ui.key_needed.get() && ui.key.with(|k| k.trim().is_empty());
    let changed = move || !ui.running.get() && run.with(Option::is_some) && !form_matches_run(ui);
    view! {
        <Show when=move || run.with(Option::is_some)>
            <section class="panel run" id="progress" aria-labelledby="progress-heading">
                <h2 id="progress-heading">"3. Progress"</h2>
                <p class="headline" id="run-status" tabindex="-1" role="status" aria-live="polite">{field(RunView::headline)}</p>
                <div class="work">
                    {move || {
                        let fraction = run.with(|r| r.as_ref().and_then(|r| r.fraction));
                        let running = ui.running.get();
                        match fraction {
                            Some(value) => Some(view! { <progress max="1" value=value aria-labelledby="run-step"></progress> }.into_any()),
                            // No total to measure against: the bar says work is going on.
                            None if running => Some(view! { <progress aria-labelledby="run-step"></progress> }.into_any()),
                            None => None,
                        }
                    }}
                    <p class="step" id="run-step">{field(RunView::step)}</p>
                </div>
                <dl class="counters">
                    <div><dt>"Conversations"</dt><dd data-counter="conversations">{field(|r| format::count(r.conversations))}</dd></div>
                    <div><dt>"Messages"</dt><dd data-counter="messages">{field(|r| format::count(r.messages))}</dd></div>
                    <div><dt>"Elapsed"</dt><dd data-counter="elapsed">{field(|r| format::duration(r.elapsed_ms))}</dd></div>
                    <div><dt>"Rate"</dt><dd data-counter="rate">{field(RunView::rate)}</dd></div>
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
                {move || run.with(|r| r.as_ref().map(|r| r.notices.clone()).unwrap_or_default())
                    .into_iter()
                    .map(|notice| view! { <p class="note">{notice}</p> })
                    .collect_view()}
                <Show when=when(|r| r.windows.len() > 1)>
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
                                        <td>{w.window.to_string()}</td>
                                        <td class="number">{w.pages}</td>
                                        <td class="number">{format::count(w.records)}</td>
                                        <td>{window_state(&w, ui.running.get())}</td>
                                    </tr>
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </Show>
                {move || run.with(|r| r.as_ref().and_then(|r| r.error().cloned().map(|e| (e, r.query.base_url.clone())))).map(|(error, base_url)| view! {
                    <div class="error" role="alert">
                        <p>{error.summary()}</p>
                        {matches!(error.problem, Problem::Unreachable { .. }).then(|| view! { <NoAnswerHelp error=error.clone() base_url=base_url /> })}
                        <details>
                            <summary>"Technical details"</summary>
                            <pre>{error.details()}</pre>
                        </details>
                    </div>
                })}
                {move || run.with(|r| r.as_ref().filter(|r| matches!(r.status, RunStatus::Finished) && !r.has_data()).map(|r| r.query.clone()))
                    .map(|query| view! { <EmptyResult query=query /> })}
                <Show when=when(|r| r.warnings > 0)>
                    <p class="note">
                        {field(|r| format!(
                            "{} values could not be read as documented; they are kept as they came in the exports.",
                            format::count(r.warnings)
                        ))}
                    </p>
                </Show>
                <Show when=changed>
                    <div class="note changed" role="status" data-run-changed="">
                        <p>
                            {move || if stopped() {
                                "The filters above have changed since this export stopped, so it cannot simply go on: what is shown and saved would mix two sets of filters."
                            } else {
                                "The filters above have changed: what is shown and saved below is still the export of the earlier filters."
                            }}
                        </p>
                        <div class="actions">
                            <button type="button" class="primary" on:click=move |_| session::start(ui)>"Start a new export with these filters"</button>
                            <button type="button" class="secondary" on:click=move |_| session::put_back_filters(ui)>
                                {move || if stopped() { "Put back the filters of the stopped export" } else { "Put back the filters of this export" }}
                            </button>
                        </div>
                    </div>
                </Show>
                <details class="technical">
                    <summary>"Details"</summary>
                    <dl class="counters">
                        <div><dt>"Pages"</dt><dd data-counter="pages">{field(|r| format::count(r.pages as usize))}</dd></div>
                        <div><dt>"Requests"</dt><dd data-counter="requests">{field(|r| format::count(r.requests as usize))}</dd></div>
                        <div><dt>"Retries"</dt><dd data-counter="retries">{field(|r| format::count(r.retries as usize))}</dd></div>
                    </dl>
                </details>
                <div class="actions">
                    <Show when=move || ui.running.get()>
                        <button type="button" class="secondary" on:click=move |_| {
                            session::cancel(ui);
                            show_status();
                        }>"Cancel"</button>
                    </Show>
                    <Show when=resumable>
                        <button type="button" class="primary" on:click=move |_| session::resume(ui)>"Resume"</button>
                    </Show>
                    <Show when=try_again>
                        <button type="button" class="primary" on:click=move |_| session::start(ui)>"Try again"</button>
                    </Show>
                    {move || update_since().map(|since| view! {
                        <button type="button" class="primary" on:click=move |_| session::start_update(ui)>
                            {format!("Fetch only what changed since {since}")}
                        </button>
                    })}
                </div>
                {move || ui.update_report.get().map(|report| view! { <p class="note" role="status" data-update-report="">{report}</p> })}
                <Show when=key_needed>
                    <p class="note" role="status" data-key-needed="">
                        "Paste the API key in step 1 to go on: keys are not saved with exports unless you ask this device to remember them."
                    </p>
                </Show>
            </section>
        </Show>
    }
}
