//! A date picker of our own: one button beside a date field that opens a month of days.
//!
//! The browser's `<input type="date">` draws its button only in Chromium (Firefox and WebKitGTK
//! showed an empty box), and takes a Tab stop per part; this one looks and behaves the same in
//! every engine and is one Tab stop until opened.

use chrono::{Datelike, Months, NaiveDate};
use leptos::prelude::*;

const WEEKDAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];

/// The calendar icon, drawn inline: no font or image to load, and visible in every engine.
fn icon() -> impl IntoView {
    view! {
        <svg class="calendar-icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
            <rect x="1.5" y="3" width="13" height="11.5" rx="1.5" fill="none" stroke="currentColor" stroke-width="1.5" />
            <line x1="1.5" y1="6.5" x2="14.5" y2="6.5" stroke="currentColor" stroke-width="1.5" />
            <line x1="5" y1="1" x2="5" y2="4.5" stroke="currentColor" stroke-width="1.5" />
            <line x1="11" y1="1" x2="11" y2="4.5" stroke="currentColor" stroke-width="1.5" />
        </svg>
    }
}

/// The days shown for `month` (its first day): from the Monday on or before the first, six
/// weeks, so the grid never changes size.
fn grid(month: NaiveDate) -> Vec<NaiveDate> {
    let lead = month.weekday().num_days_from_monday() as u64;
    let start = month - chrono::Days::new(lead);
    (0..42).map(|day| start + chrono::Days::new(day)).collect()
}

/// A button that picks a date for the field labelled `label`. `value` is the field's text (a
/// date, or a date and time: its date is where the month opens); `pick` gets `YYYY-MM-DD`.
#[component]
pub fn DatePicker(
    id: String,
    label: &'static str,
    value: Signal<String>,
    today: NaiveDate,
    pick: Callback<String>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let month = RwSignal::new(today.with_day(1).unwrap_or(today));
    let dialog_id = format!("{id}-calendar");
    let button_id = format!("{id}-calendar-button");
    let selected = move || value.with(|v| v.get(..10).and_then(|d| d.parse::<NaiveDate>().ok()));
    let day_id = {
        let id = id.clone();
        move |day: NaiveDate| format!("{id}-day-{day}")
    };
    let first_focus = day_id.clone();
    let toggle = move |_| {
        if open.get_untracked() {
            open.set(false);
            return;
        }
        let shown = selected().unwrap_or(today);
        month.set(shown.with_day(1).unwrap_or(shown));
        open.set(true);
        // Into the dialog, on the day it opens at, once it is drawn.
        let target = first_focus(shown);
        gloo_timers::callback::Timeout::new(0, move || super::browser::focus(&target)).forget();
    };
    let button_focus_id = button_id.clone();
    let close = move || {
        open.set(false);
        super::browser::focus(&button_focus_id);
    };
    let close_on_escape = close.clone();
    let step = move |forward: bool| {
        month.update(|m| {
            *m = if forward {
                *m + Months::new(1)
            } else {
                *m - Months::new(1)
            }
        })
    };
    // Escape closes it wherever the focus is, on the button or in the dialog.
    let on_keydown = move |event: web_sys::KeyboardEvent| {
        if event.key() == "Escape" && open.get_untracked() {
            event.prevent_default();
            close_on_escape();
        }
    };
    view! {
        <div class="calendar" on:keydown=on_keydown>
            <button
                type="button"
                class="secondary calendar-button"
                id=button_id
                aria-label=format!("Pick a date for {label}")
                aria-expanded=move || open.get().to_string()
                aria-controls=dialog_id.clone()
                on:click=toggle
            >
                {icon()}
            </button>
            <Show when=move || open.get()>
                <div
                    class="calendar-popup"
                    id=dialog_id.clone()
                    role="dialog"
                    aria-label=format!("Choose a date for {label}")
                >
                    <div class="calendar-head">
                        <button type="button" class="secondary small" aria-label="Previous month" on:click=move |_| step(false)>"‹"</button>
                        <span class="calendar-month" aria-live="polite">{move || month.get().format("%B %Y").to_string()}</span>
                        <button type="button" class="secondary small" aria-label="Next month" on:click=move |_| step(true)>"›"</button>
                    </div>
                    <table class="calendar-grid">
                        <thead>
                            <tr>{WEEKDAYS.iter().map(|day| view! { <th scope="col">{*day}</th> }).collect_view()}</tr>
                        </thead>
                        <tbody>
                            {
                                let close = close.clone();
                                let day_id = day_id.clone();
                                move || {
                                    let shown = month.get();
                                    let close = close.clone();
                                    let day_id = day_id.clone();
                                    grid(shown)
                                        .chunks(7)
                                        .map(|week| {
                                            let close = close.clone();
                                            let day_id = day_id.clone();
                                            view! {
                                                <tr>
                                                    {week.iter().map(|&day| {
                                                        let close = close.clone();
                                                        let outside = day.month() != shown.month();
                                                        view! {
                                                            <td>
                                                                <button
                                                                    type="button"
                                                                    id=day_id(day)
                                                                    class="day"
                                                                    class:outside=outside
                                                                    class:today=day == today
                                                                    aria-pressed=move || (selected() == Some(day)).to_string()
                                                                    aria-label=day.format("%-d %B %Y").to_string()
                                                                    on:click=move |_| {
                                                                        pick.run(day.to_string());
                                                                        close();
                                                                    }
                                                                >
                                                                    {day.day()}
                                                                </button>
                                                            </td>
                                                        }
                                                    }).collect_view()}
                                                </tr>
                                            }
                                        })
                                        .collect_view()
                                }
                            }
                        </tbody>
                    </table>
                </div>
            </Show>
        </div>
    }
}
