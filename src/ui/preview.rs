//! The preview table: the conversations fetched, a page at a time, each opening its transcript.

use leptos::prelude::*;

use super::Ui;
use crate::format;
use crate::model::Conversation;

const PAGE_SIZE: usize = 50;

#[derive(Debug, Clone, PartialEq)]
struct Row {
    id: String,
    started: String,
    started_iso: String,
    title: String,
    status: String,
    tags: String,
    messages: usize,
    cart: &'static str,
}

impl Row {
    fn of(conversation: &Conversation) -> Self {
        // TalkToHumans gives no start time: its last message's time stands in.
        let when = conversation.started_at.or(conversation.last_message_at);
        Row {
            id: conversation.id.clone(),
            started: format::time(&when),
            started_iso: format::iso(&when),
            title: conversation
                .title
                .clone()
                .unwrap_or_else(|| snippet(conversation)),
            status: conversation.status.clone().unwrap_or_default(),
            tags: conversation.tags.join(", "),
            messages: conversation.messages.len(),
            cart: match conversation.has_cart {
                Some(true) => "Yes",
                Some(false) => "No",
                None => "",
            },
        }
    }
}

/// For conversations without a title: the start of their first message, or of the last one.
fn snippet(conversation: &Conversation) -> String {
    let text = conversation
        .messages
        .first()
        .map(|m| m.text.as_str())
        .or(conversation.last_message_preview.as_deref())
        .unwrap_or("")
        .trim();
    if text.is_empty() {
        return "(untitled)".into();
    }
    let short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        format!("“{short}…”")
    } else {
        format!("“{short}”")
    }
}

#[component]
pub fn PreviewTable(ui: Ui) -> impl IntoView {
    let page = RwSignal::new(0usize);
    let total = Memo::new(move |_| ui.with_export(|export| export.store.len()).unwrap_or(0));
    let pages = move || total.get().div_ceil(PAGE_SIZE).max(1);
    let rows = Memo::new(move |_| {
        let page = page.get().min(pages() - 1);
        ui.with_export(|export| {
            export.store.conversations()[page * PAGE_SIZE..]
                .iter()
                .take(PAGE_SIZE)
                .map(Row::of)
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    });
    let range = move || {
        let total = total.get();
        let first = (page.get().min(pages() - 1)) * PAGE_SIZE;
        format!(
            "Conversations {}–{} of {}",
            format::count((first + 1).min(total)),
            format::count((first + PAGE_SIZE).min(total)),
            format::count(total)
        )
    };
    view! {
        <section class="panel preview" aria-labelledby="preview-heading">
            <h2 id="preview-heading">"Preview"</h2>
            <p class="pager-range" role="status">{range}</p>
            <div class="table-scroll">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">"Date"</th>
                            <th scope="col">"Title or first words"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Tags"</th>
                            <th scope="col" class="number">"Messages"</th>
                            <th scope="col">"Cart"</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=move || rows.get() key=|row| row.id.clone() let:row>
                            {
                                let id = row.id.clone();
                                let open_id = row.id.clone();
                                let selected = Memo::new(move |_| ui.selected.with(|s| s.as_deref() == Some(id.as_str())));
                                view! {
                                    <tr
                                        class:selected=move || selected.get()
                                        data-conversation-id=row.id.clone()
                                        on:click=move |_| ui.selected.set(Some(open_id.clone()))
                                    >
                                        <td><time datetime=row.started_iso.clone()>{row.started.clone()}</time></td>
                                        <td>
                                            <button
                                                type="button"
                                                class="link"
                                                aria-pressed=move || selected.get().to_string()
                                            >
                                                {row.title.clone()}
                                            </button>
                                        </td>
                                        <td>{row.status.clone()}</td>
                                        <td>{row.tags.clone()}</td>
                                        <td class="number">{row.messages}</td>
                                        <td>{row.cart}</td>
                                    </tr>
                                }
                            }
                        </For>
                    </tbody>
                </table>
            </div>
            <div class="pager">
                <button
                    type="button"
                    class="secondary"
                    disabled=move || page.get() == 0
                    on:click=move |_| page.update(|p| *p = p.saturating_sub(1))
                >
                    "Previous"
                </button>
                <span>{move || format!("Page {} of {}", page.get().min(pages() - 1) + 1, pages())}</span>
                <button
                    type="button"
                    class="secondary"
                    disabled=move || { page.get() + 1 >= pages() }
                    on:click=move |_| page.update(|p| *p += 1)
                >
                    "Next"
                </button>
            </div>
        </section>
    }
}
