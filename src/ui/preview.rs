//! The preview table: the conversations fetched, a page at a time, each opening its transcript.

use leptos::prelude::*;

use super::Ui;
use crate::format;
use crate::preview::{select, PreviewQuery, SortKey};
use crate::store::{Keep, Summary};
use crate::words;

const PAGE_SIZE: usize = 25;

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
    fn of(conversation: &Summary) -> Self {
        // TalkToHumans gives no start time: its last message's time stands in.
        let when = conversation.date();
        Row {
            id: conversation.id.clone(),
            started: format::time(&when),
            started_iso: format::iso(&when),
            title: conversation.display_title(),
            status: conversation
                .status
                .as_deref()
                .map(|code| words::status(conversation.vendor, code))
                .unwrap_or_default(),
            tags: conversation.tags.join(", "),
            messages: conversation.message_count(),
            cart: match conversation.has_cart {
                Some(true) => "Yes",
                Some(false) => "No",
                None => "",
            },
        }
    }
}

/// A sortable column header: a button that says how it sorts.
fn header(
    query: RwSignal<PreviewQuery>,
    key: SortKey,
    label: &'static str,
    class: &'static str,
) -> impl IntoView {
    let sort = move || query.with(|q| (q.sort == key).then_some(q.descending));
    view! {
        <th
            scope="col"
            class=class
            aria-sort=move || match sort() {
                Some(true) => "descending",
                Some(false) => "ascending",
                None => "none",
            }
        >
            <button
                type="button"
                class="sort"
                on:click=move |_| {
                    query.update(|q| {
                        if q.sort == key {
                            q.descending = !q.descending;
                        } else {
                            q.sort = key;
                            q.descending = key == SortKey::Date || key == SortKey::Messages;
                        }
                    })
                }
            >
                {label}
                <span aria-hidden="true">{move || match sort() {
                    Some(true) => " ↓",
                    Some(false) => " ↑",
                    None => "",
                }}</span>
            </button>
        </th>
    }
}

/// A filter select over the values the fetched conversations have.
fn facet_select(
    id: &'static str,
    label: &'static str,
    all: &'static str,
    values: impl Fn() -> Vec<(String, usize)> + Send + Sync + 'static,
    word: impl Fn(&str) -> String + Send + Sync + 'static,
    set: impl Fn(Option<String>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id on:change=move |event| {
                let value = event_target_value(&event);
                set((!value.is_empty()).then_some(value));
            }>
                <option value="">{all}</option>
                {move || values().into_iter().map(|(value, count)| view! {
                    <option value=value.clone()>{format!("{} ({count})", word(&value))}</option>
                }).collect_view()}
            </select>
        </div>
    }
}

#[component]
pub fn PreviewTable(ui: Ui) -> impl IntoView {
    let page = RwSignal::new(0usize);
    let query = RwSignal::new(PreviewQuery::default());
    // A new search or filter starts from the first page.
    Effect::new(move |_| {
        query.track();
        page.set(0);
    });
    let facets = Memo::new(move |_| {
        ui.with_export(|e| crate::preview::facets(e.store.conversations()))
            .unwrap_or_default()
    });
    let selected = Memo::new(move |_| {
        let shown = ui.shown_days();
        query
            .with(|q| {
                let q = PreviewQuery { shown, ..q.clone() };
                ui.with_export(|e| select(e.store.conversations(), &q))
            })
            .unwrap_or_default()
    });
    let fetched = Memo::new(move |_| ui.with_export(|export| export.store.len()).unwrap_or(0));
    let total = move || selected.with(Vec::len);
    let pages = move || total().div_ceil(PAGE_SIZE).max(1);
    let rows = Memo::new(move |_| {
        let page = page.get().min(pages() - 1);
        selected.with(|indices| {
            ui.with_export(|export| {
                let conversations = export.store.conversations();
                indices
                    .iter()
                    .skip(page * PAGE_SIZE)
                    .take(PAGE_SIZE)
                    .map(|&at| Row::of(&conversations[at]))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
        })
    });
    let vendor = move || ui.with_export(|e| e.vendor()).unwrap_or_default();
    let range = move || {
        let total = total();
        let first = (page.get().min(pages() - 1)) * PAGE_SIZE;
        let shown = format!(
            "Conversations {}–{} of {}",
            format::count((first + 1).min(total)),
            format::count((first + PAGE_SIZE).min(total)),
            format::count(total)
        );
        if total == fetched.get() {
            shown
        } else {
            format!(
                "{shown} matching (of {} fetched)",
                format::count(fetched.get())
            )
        }
    };
    view! {
        <section class="panel preview" aria-labelledby="preview-heading">
            <h2 id="preview-heading">"Preview"</h2>
            <div class="preview-controls">
                <div class="field search">
                    <label for="preview-search">"Search the fetched conversations"</label>
                    <input
                        id="preview-search"
                        type="search"
                        placeholder="Words in titles, tags, contacts or messages"
                        on:input=move |event| {
                            let text = event_target_value(&event);
                            query.update(|q| q.search = text);
                        }
                    />
                </div>
                {facet_select("preview-status", "Filter by status", "Any status", move || facets.with(|f| f.statuses.clone()), move |code| words::status(vendor(), code), move |v| query.update(|q| q.status = v))}
                {facet_select("preview-channel", "Filter by channel", "Any channel", move || facets.with(|f| f.channels.clone()), move |code| words::channel(vendor(), code), move |v| query.update(|q| q.channel = v))}
                {facet_select("preview-tag", "Filter by tag", "Any tag", move || facets.with(|f| f.tags.clone()), str::to_string, move |v| query.update(|q| q.tag = v))}
            </div>
            <p class="pager-range" role="status">{range}</p>
            <p class="scroll-hint" aria-hidden="true">"Scroll sideways for more columns →"</p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Conversations (the table scrolls sideways)">
                <table>
                    <thead>
                        <tr>
                            {header(query, SortKey::Date, "Date", "")}
                            {header(query, SortKey::Title, "Title or first words", "")}
                            {header(query, SortKey::Status, "Status", "")}
                            <th scope="col">"Tags"</th>
                            {header(query, SortKey::Messages, "Messages", "number")}
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
                                        <td class="date"><time datetime=row.started_iso.clone()>{row.started.clone()}</time></td>
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
