//! The transcript of the selected conversation, as the chat it was.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::connection::Connection;
use super::transcript_body::{local_zone_label, Extras, Messages};
use super::{browser, Ui};
use crate::destination::ScopedKey;
use crate::engine::clock::BrowserClock;
use crate::engine::RunStatus;
use crate::engine::{fetch_conversation, fetch_document};
use crate::error::{FetchError, Problem};
use crate::export::partial_name;
use crate::export::transcript;
use crate::export::transcript_facts;
use crate::model::Conversation;
use crate::store::readback::PageCache;
use crate::store::Keep;
use crate::vendors::ExportQuery;

const TIMEOUT_MS: u64 = 30_000;

/// What a request about the export on screen needs: its query, its connection, and the key for
/// its address (an error when that address is no longer trusted on this device).
struct SessionRequest {
    query: ExportQuery,
    connection: std::rc::Rc<Connection>,
    key: Result<ScopedKey, FetchError>,
}

fn session_request(ui: Ui) -> Option<SessionRequest> {
    ui.session.with_value(|s| {
        s.as_ref().map(|s| {
            let query = s.export.borrow().query.clone();
            let key = ui
                .scoped_key(query.vendor, &query.base_url, s.demo)
                .ok_or_else(|| {
                    FetchError::new(
                        query.vendor,
                        Problem::UntrustedAddress {
                            requested: crate::destination::Origin::of(&query.base_url)
                                .map(|o| o.host()),
                            allowed: "the vendor's own address or one you trusted".into(),
                        },
                    )
                });
            SessionRequest {
                query,
                connection: s.connection.clone(),
                key,
            }
        })
    })
}

#[component]
pub fn TranscriptPanel(ui: Ui) -> impl IntoView {
    let reloaded = RwSignal::new(None::<Conversation>);
    // Fields of the reloaded conversation that could not be read, as the export counts them.
    let reload_warnings = RwSignal::new(0usize);
    let error = RwSignal::new(None::<FetchError>);
    let busy = RwSignal::new(false);
    let utc = RwSignal::new(false);
    Effect::new(move |_| {
        ui.selected.track();
        reloaded.set(None);
        error.set(None);
    });
    // The conversation read back from where its pages are kept, again whenever its messages
    // grow (a running export).
    let read_back = RwSignal::new(None::<Conversation>);
    let read_failed = RwSignal::new(None::<String>);
    let wanted = Memo::new(move |_| {
        let id = ui.selected.get()?;
        ui.with_export(|export| {
            export
                .store
                .get(&id)
                .map(|s| (s.id.clone(), s.message_count()))
        })
        .flatten()
    });
    Effect::new(move |_| {
        let Some((id, _)) = wanted.get() else {
            read_back.set(None);
            return;
        };
        let Some((summary, kept)) = ui.session.with_value(|s| {
            let s = s.as_ref()?;
            let shown = s.before_update.as_ref().unwrap_or(&s.export).borrow();
            Some((shown.store.get(&id)?.clone(), s.kept.clone()))
        }) else {
            return;
        };
        read_failed.set(None);
        spawn_local(async move {
            let result = PageCache::new(kept, 2).conversation(&summary).await;
            // Another conversation may have been chosen meanwhile.
            if ui.selected.get_untracked().as_deref() != Some(summary.id.as_str()) {
                return;
            }
            match result {
                Ok(conversation) => read_back.set(Some(conversation)),
                Err(failed) => read_failed.set(Some(failed.0)),
            }
        });
    });
    let current = move || {
        let id = ui.selected.get()?;
        if let Some(fresh) = reloaded.get().filter(|c| c.id == id) {
            return Some(fresh);
        }
        read_back.get().filter(|c| c.id == id)
    };
    // Re-render only when what is shown changes, not on every page of a running export.
    let shown = Memo::new(move |_| {
        current().map(|c| {
            (
                c.id.clone(),
                c.messages.len(),
                reloaded.with(|r| r.is_some()),
            )
        })
    });
    let conversation = move || {
        // Reading the memo (not just tracking it) makes it recompute when its sources change.
        shown.with(|_| ());
        untrack(current)
    };
    let reload = move |_| {
        let (Some(id), Some(session)) = (ui.selected.get_untracked(), session_request(ui)) else {
            return;
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = match &session.key {
                Ok(key) => {
                    let connection = &*session.connection;
                    fetch_conversation(
                        &session.query,
                        &id,
                        connection,
                        &BrowserClock,
                        key,
                        TIMEOUT_MS,
                    )
                    .await
                }
                Err(refused) => Err(refused.clone()),
            };
            match result {
                Ok((conversation, warnings)) => {
                    reload_warnings.set(warnings.len());
                    reloaded.set(Some(conversation));
                }
                Err(failure) => error.set(Some(failure)),
            }
            busy.set(false);
        });
    };
    let vendor_transcript = move |format: &'static str| {
        let (Some(id), Some(session)) = (ui.selected.get_untracked(), session_request(ui)) else {
            return;
        };
        let query = session.query.clone();
        let Some(request) = query
            .vendor
            .connector()
            .transcript_request(&query, &id, format)
        else {
            return;
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = match &session.key {
                Ok(key) => {
                    fetch_document(query.vendor, request, &*session.connection, key, TIMEOUT_MS)
                        .await
                }
                Err(refused) => Err(refused.clone()),
            };
            match result {
                Ok(bytes) => {
                    let name = format!("{}_{id}_transcript.{format}", query.vendor.spec().slug);
                    let mime = match format {
                        "json" => "application/json",
                        "md" => "text/markdown",
                        _ => "text/plain",
                    };
                    browser::download(&name, &format!("{mime};charset=utf-8"), &bytes);
                }
                Err(failure) => error.set(Some(failure)),
            }
            busy.set(false);
        });
    };
    // On a phone the transcript is a view of its own, over the list: it opens in view, and
    // Back returns to the row it came from.
    Effect::new(move |_| {
        if ui.selected.get().is_some() && browser::is_narrow() {
            browser::scroll_to_top();
            browser::focus("transcript-heading");
        }
    });
    let back = move |_| {
        let row = ui.selected.get_untracked();
        ui.selected.set(None);
        if let Some(id) = row {
            browser::focus_row(&id);
        }
    };
    view! {
        <section
            class="panel transcript"
            class:open=move || ui.selected.with(Option::is_some)
            aria-labelledby="transcript-heading"
        >
            <Show when=move || ui.selected.with(Option::is_some)>
                <button type="button" class="secondary back-to-list" on:click=back>"‹ Back to the list"</button>
            </Show>
            {move || match conversation() {
                None => view! {
                    <h2 id="transcript-heading">"Transcript"</h2>
                    {move || match (ui.selected.with(Option::is_some), read_failed.get()) {
                        (true, Some(problem)) => view! {
                            <p class="error" role="alert">{format!("This conversation could not be read back from this device's storage ({problem}). Reload it from the vendor, or reopen the export from the list.")}</p>
                        }.into_any(),
                        (true, None) => view! { <p class="note" aria-busy="true">"Reading the conversation…"</p> }.into_any(),
                        (false, _) => view! { <p class="note">"Choose a conversation in the table to read it here."</p> }.into_any(),
                    }}
                }
                .into_any(),
                Some(conversation) => {
                    let connector = conversation.vendor.connector();
                    let spec = connector.spec();
                    let can_reload = session_request(ui).is_some_and(|s| connector.conversation_request(&s.query, &conversation.id).is_some());
                    let formats = connector.transcript_formats();
                    let vendor_name = spec.name;
                    view! {
                        <h2 id="transcript-heading" tabindex="-1">{conversation.display_title()}</h2>
                        <Summary conversation=conversation.clone() />
                        <div class="actions">
                            {can_reload.then(|| view! {
                                <button type="button" class="secondary" disabled=move || busy.get() on:click=reload>
                                    {format!("Reload from {vendor_name}")}
                                </button>
                            })}
                            {formats.iter().map(|format| view! {
                                <button type="button" class="secondary" disabled=move || busy.get() on:click=move |_| vendor_transcript(format)>
                                    {format!("{vendor_name}'s transcript (.{format})")}
                                </button>
                            }).collect_view()}
                            <TranscriptFiles conversation=conversation.clone() complete=ui.with_export(|e| e.status == RunStatus::Finished).unwrap_or(true) />
                            {move || reloaded.with(|r| r.is_some()).then(|| view! {
                                <span class="status-note">{match reload_warnings.get() {
                                    0 => "Reloaded just now.".to_string(),
                                    n => format!("Reloaded just now; {n} fields could not be read and are kept as they came."),
                                }}</span>
                            })}
                        </div>
                        {move || error.get().map(|error| view! {
                            <div class="error" role="alert">
                                <p>{error.summary()}</p>
                                <details><summary>"Technical details"</summary><pre>{error.details()}</pre></details>
                            </div>
                        })}
                        {spec.transcript_note.map(|note| view! { <p class="note" data-transcript-note="">{note}</p> })}
                        <label class="choice utc-toggle">
                            <input type="checkbox" prop:checked=move || utc.get() on:change=move |event| utc.set(event_target_checked(&event)) />
                            {format!("Show times in UTC (now: your local time, {})", local_zone_label())}
                        </label>
                        <Extras conversation=conversation.clone() />
                        <Messages conversation=conversation utc=utc />
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

/// This transcript as a file (plain text or Markdown), or on the clipboard; from an export that
/// stopped early, the files say so at the top and in their names.
#[component]
fn TranscriptFiles(conversation: Conversation, complete: bool) -> impl IntoView {
    let copied = RwSignal::new(None::<bool>);
    let name = |extension: &str| {
        let name = format!(
            "{}_{}_transcript.{extension}",
            conversation.vendor, conversation.id
        );
        if complete {
            name
        } else {
            partial_name(&name)
        }
    };
    let (text_name, markdown_name) = (name("txt"), name("md"));
    let text = transcript::text(&conversation, complete);
    let markdown = transcript::markdown(&conversation, complete);
    let text_for_copy = text.clone();
    view! {
        <button type="button" class="secondary" on:click=move |_| browser::download(&text_name, "text/plain;charset=utf-8", text.as_bytes())>
            "Transcript (.txt)"
        </button>
        <button type="button" class="secondary" on:click=move |_| browser::download(&markdown_name, "text/markdown;charset=utf-8", markdown.as_bytes())>
            "Transcript (.md)"
        </button>
        <button type="button" class="secondary" on:click=move |_| {
            let text = text_for_copy.clone();
            spawn_local(async move { copied.set(Some(browser::copy_text(&text).await)) });
        }>
            "Copy transcript"
        </button>
        {move || copied.get().map(|ok| view! {
            <span class="status-note" role="status">{if ok { "Transcript copied." } else { "Could not copy: use the download instead." }}</span>
        })}
    }
}

/// The facts under the title: the same as in the transcript files.
#[component]
fn Summary(conversation: Conversation) -> impl IntoView {
    view! {
        <dl class="facts">
            {transcript_facts::facts(&conversation)
                .into_iter()
                .map(|(term, value)| view! { <div><dt>{term}</dt><dd>{value}</dd></div> })
                .collect_view()}
        </dl>
    }
}
