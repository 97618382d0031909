//! Step 4: the files, one click each.

use leptos::prelude::*;

use super::{browser, Ui};
use crate::engine::Export;
use crate::export::csv::{CsvOptions, Delimiter};
use crate::export::{self, json, Table};
use crate::format;

/// What a download button makes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Csv(Table),
    Json,
}

impl Kind {
    fn label(self) -> String {
        match self {
            Kind::Csv(table) => format!("{} CSV", table.label()),
            Kind::Json => "JSON".into(),
        }
    }
}

/// The file for `kind`: name, type, bytes, and a note when a CSV needed adjusting.
fn build(
    export: &Export,
    kind: Kind,
    options: &CsvOptions,
) -> (String, &'static str, Vec<u8>, Option<String>) {
    let conversations = export.store.conversations();
    match kind {
        Kind::Csv(table) => {
            let file = table.write(conversations, options);
            let report = &file.report;
            let mut notes = Vec::new();
            if report.truncated_cells > 0 {
                notes.push(format!(
                    "{} cells were longer than a spreadsheet can hold and end with a \"cut\" marker; the JSON has them whole.",
                    format::count(report.truncated_cells)
                ));
            }
            if report.rows_beyond_spreadsheet > 0 {
                notes.push(format!(
                    "{} rows are past the 1,048,576 a spreadsheet shows; a database reads them all.",
                    format::count(report.rows_beyond_spreadsheet)
                ));
            }
            let note =
                (!notes.is_empty()).then(|| format!("{}: {}", kind.label(), notes.join(" ")));
            let name = export::file_name(
                &export.query,
                conversations,
                &format!("{}.csv", table.kind()),
            );
            (name, "text/csv;charset=utf-8", file.bytes, note)
        }
        Kind::Json => {
            let name = export::file_name(&export.query, conversations, "conversations.json");
            (
                name,
                "application/json",
                json::conversations_json(conversations),
                None,
            )
        }
    }
}

#[component]
pub fn Downloads(ui: Ui) -> impl IntoView {
    let note = RwSignal::new(None::<String>);
    let tables = move || {
        ui.with_export(|e| {
            Table::ALL
                .into_iter()
                .filter(|t| t.applies(e.store.conversations()))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    };
    let save = move |kind: Kind| {
        let view = ui.view.get_untracked();
        let options = CsvOptions {
            delimiter: view.delimiter,
            for_spreadsheet: !view.for_database,
            columns: None,
        };
        let built = ui.session.with_value(|s| {
            s.as_ref()
                .map(|s| build(&s.export.borrow(), kind, &options))
        });
        if let Some((name, mime, bytes, report)) = built {
            browser::download(&name, mime, &bytes);
            note.set(report);
        }
    };
    let button = move |kind: Kind| {
        view! {
            <button type="button" class="download" on:click=move |_| save(kind)>
                {kind.label()}
            </button>
        }
    };
    view! {
        <section class="panel" aria-labelledby="downloads-heading">
            <h2 id="downloads-heading">"4. Download"</h2>
            <div class="download-buttons">
                {move || tables().into_iter().map(|table| button(Kind::Csv(table))).collect_view()}
                {button(Kind::Json)}
            </div>
            <div class="csv-options">
                <div class="field">
                    <label for="delimiter">"CSV separator"</label>
                    <select
                        id="delimiter"
                        on:change=move |event| {
                            let value = event_target_value(&event);
                            ui.view.update(|v| v.delimiter = Delimiter::parse(&value).unwrap_or_default());
                        }
                    >
                        {[
                            (Delimiter::Comma, "Comma (most spreadsheets)"),
                            (Delimiter::Semicolon, "Semicolon (Excel in Europe)"),
                            (Delimiter::Tab, "Tab"),
                        ]
                            .into_iter()
                            .map(|(delimiter, label)| view! {
                                <option
                                    value=delimiter.as_str()
                                    selected=move || ui.view.with(|v| v.delimiter == delimiter)
                                >
                                    {label}
                                </option>
                            })
                            .collect_view()}
                    </select>
                </div>
                <label class="choice">
                    <input
                        type="checkbox"
                        prop:checked=move || ui.view.with(|v| v.for_database)
                        on:change=move |event| {
                            let checked = event_target_checked(&event);
                            ui.view.update(|v| v.for_database = checked);
                        }
                    />
                    "For a database, not a spreadsheet (no byte-order mark, text exactly as sent)"
                </label>
            </div>
            {move || note.get().map(|text| view! { <p class="note" role="status">{text}</p> })}
        </section>
    }
}
