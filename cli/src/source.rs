//! What to export, from the flags or from an app link, and where the key may go.
//!
//! The key goes only to the vendor's documented address or to one the user chose deliberately:
//! a `--base-url` typed on the command line (or a tap config's `base_url`). An address that
//! arrives inside a link is never trusted by the link alone: the user must name its host with
//! `--trust-host`, or give the same address as `--base-url`.

use std::collections::BTreeMap;

use conversation_export::destination::{Destination, Origin, TrustedHosts};
use conversation_export::engine::Settings;
use conversation_export::export::csv::{CsvOptions, Delimiter};
use conversation_export::narrow::DateNarrowing;
use conversation_export::vendors::{validate, ExportQuery, VendorId};
use conversation_export::view_state::ViewState;

use crate::args::{flag_of, values_of};
use crate::exit::Failure;

/// An export to run: the question, how fast, and how its CSV files are written.
#[derive(Debug, Clone)]
pub struct Source {
    pub query: ExportQuery,
    pub settings: Settings,
    pub csv: CsvOptions,
    /// Chosen CSV columns per table kind, in order (from a link).
    pub columns: BTreeMap<String, Vec<String>>,
    /// The days the files hold, where a link narrowed its view after the fetch (vendors with
    /// no date filter).
    pub shown: DateNarrowing,
    /// The filters as asked, before an open range was closed at now: what names the question
    /// (a tap's bookmark) from one run to the next.
    pub asked: BTreeMap<String, String>,
}

/// What the user gave, from the command line or a tap's config.
#[derive(Debug, Clone, Default)]
pub struct Given {
    pub vendor: Option<VendorId>,
    pub base_url: Option<String>,
    pub link: Option<String>,
    pub trust_host: Option<String>,
    pub filters: BTreeMap<String, String>,
    pub delimiter: Option<Delimiter>,
    pub for_database: bool,
    /// The same CSV columns for every vendor, as the app's "same columns" option.
    pub same_columns: bool,
    pub concurrency: Option<usize>,
    /// Problems are named as a tap's config names them (`filters.from`), not as flags.
    pub in_config: bool,
}

impl Given {
    /// The export this asks for, checked as the app's form checks it: nothing is sent until
    /// every field is right, and an address from a link must be trusted explicitly.
    pub fn source(&self) -> Result<Source, Failure> {
        let mut source = match &self.link {
            Some(link) => self.link_source(link)?,
            None => self.flags_source()?,
        };
        source.asked = source.query.filters.clone();
        close_open_range(&mut source.query);
        check(&source.query, self.in_config)?;
        Ok(source)
    }

    fn flags_source(&self) -> Result<Source, Failure> {
        let vendor = self
            .vendor
            .ok_or_else(|| Failure::bad_input("Say which vendor to export from, with --vendor."))?;
        let mut view = ViewState::for_vendor(vendor);
        let spec = vendor.spec();
        for (name, value) in &self.filters {
            if spec.filter(name).is_none() {
                let names: Vec<String> = spec.filters.iter().map(|f| self.place(f.name)).collect();
                return Err(Failure::bad_input(format!(
                    "{} is not a filter of {}. Its filters are {}.",
                    self.place(name),
                    spec.name,
                    names.join(", ")
                )));
            }
            view.filters.insert(name.clone(), value.clone());
        }
        if let Some(delimiter) = self.delimiter {
            view.delimiter = delimiter;
        }
        view.for_database = self.for_database;
        view.same_columns = self.same_columns;
        let mut query = view.export_query();
        if let Some(base_url) = &self.base_url {
            query.base_url = base_url.trim().to_string();
        }
        Ok(Source {
            query,
            settings: self.settings(view.concurrency),
            csv: view.csv_options(),
            columns: BTreeMap::new(),
            shown: DateNarrowing::default(),
            asked: BTreeMap::new(),
        })
    }

    fn link_source(&self, link: &str) -> Result<Source, Failure> {
        let query_part = link.split_once('?').map_or(link, |(_, query)| query);
        let query_part = query_part.split('#').next().unwrap_or("");
        let slug = query_part
            .split('&')
            .find_map(|pair| pair.strip_prefix("vendor="))
            .unwrap_or("");
        if VendorId::from_slug(slug).is_none() {
            return Err(Failure::bad_input(
                "This link names no vendor the app knows (it needs vendor=humind, talktohumans, huechat, voice-widget or mindo). Copy it again with \"Copy link to this view\".",
            ));
        }
        let view = ViewState::from_query(query_part);
        if view.demo {
            return Err(Failure::bad_input(
                "This link is for the app's built-in demo data, which has no API to export from.",
            ));
        }
        let mut query = view.export_query();
        let named = view.base_url.as_deref().and_then(Origin::of);
        let trusted = match (&named, &self.base_url, &self.trust_host) {
            // The vendor's own address: always trusted; --base-url may choose another (a relay).
            (None, Some(base_url), _) => {
                query.base_url = base_url.trim().to_string();
                true
            }
            (None, None, _) => true,
            (Some(origin), Some(base_url), _) => {
                if Origin::of(base_url).as_ref() != Some(origin) {
                    return Err(Failure::bad_input(format!(
                        "The link sends the key to {}, and --base-url names another address. Give the same address, or leave --base-url out and add --trust-host {}.",
                        origin.host(),
                        origin.host()
                    )));
                }
                query.base_url = base_url.trim().to_string();
                true
            }
            (Some(origin), None, Some(host)) => host.trim().eq_ignore_ascii_case(&origin.host()),
            (Some(_), None, None) => false,
        };
        if !trusted {
            let host = named.map(|origin| origin.host()).unwrap_or_default();
            return Err(Failure::bad_input(format!(
                "This link would send your {} key to {host}, which is not {}'s documented address. Nothing was sent. If you expected that address (a relay, a test server), run again with --trust-host {host} (or --base-url with that address); if not, ask for the link again.",
                view.vendor.spec().name,
                view.vendor.spec().name
            )));
        }
        Ok(Source {
            query,
            settings: self.settings(view.concurrency),
            csv: view.csv_options(),
            columns: view.columns,
            shown: view.shown,
            asked: BTreeMap::new(),
        })
    }

    /// How the user names a filter: a flag, or a key of the tap's config.
    fn place(&self, field: &str) -> String {
        place(field, self.in_config)
    }

    fn settings(&self, from_view: usize) -> Settings {
        Settings {
            concurrency: self.concurrency.unwrap_or(from_view),
            ..Settings::default()
        }
    }
}

fn place(field: &str, in_config: bool) -> String {
    match (field, in_config) {
        ("base_url" | "link", true) => field.to_string(),
        (_, true) => format!("filters.{field}"),
        (_, false) => format!("--{}", flag_of(field)),
    }
}

/// A range the vendor needs both ends of (Mindo's `to`), left open, ends now (to the minute):
/// what a nightly job means.
fn close_open_range(query: &mut ExportQuery) {
    if let Some(windows) = query.vendor.spec().windows {
        if query.filter(windows.to).is_empty() {
            let now = crate::clock::now();
            let minute = now.timestamp() - now.timestamp().rem_euclid(60);
            let end = chrono::DateTime::from_timestamp(minute, 0).unwrap_or(now);
            query.filters.insert(
                windows.to.to_string(),
                end.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            );
        }
    }
}

/// The query's problems, as the form shows them, with the flag (or config key) of each.
fn check(query: &ExportQuery, in_config: bool) -> Result<(), Failure> {
    let spec = query.vendor.spec();
    let mut problems: Vec<String> = validate(query)
        .into_iter()
        .map(|error| {
            let place = match error.field.as_str() {
                "base_url" if spec.default_base_url.is_none() && query.base_url.trim().is_empty() => {
                    let place = place("base_url", in_config);
                    return format!(
                        "{place}: {}'s documentation names no API address: give yours, like https://voice.example.com.",
                        spec.name
                    );
                }
                field => place(field, in_config),
            };
            // The form offers a list; a command line needs the values to type.
            let values = spec
                .filter(&error.field)
                .and_then(values_of)
                .map(|values| format!(" Values: {values}."))
                .unwrap_or_default();
            format!("{place}: {}{values}", error.message)
        })
        .collect();
    // Only the documented address, or one the user gave, ever reaches here; a voice widget's
    // address is always the user's own.
    if problems.is_empty()
        && Destination::of(query.vendor, &query.base_url, &TrustedHosts::default()).is_none()
    {
        problems.push(format!(
            "{}: the address must start with https:// (or http:// for a local relay).",
            place("base_url", in_config)
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failure::bad_input(format!(
            "Nothing was sent; {} needs:\n  {}",
            spec.name,
            problems.join("\n  ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use conversation_export::export::csv::Layout;

    fn link(link: &str) -> Given {
        Given {
            link: Some(link.into()),
            ..Given::default()
        }
    }

    #[test]
    fn a_link_runs_its_view() {
        let source = link("https://export.example/?vendor=humind&created_after=2026-05-01&delimiter=semicolon&csv=database&columns.messages=text%2Csent_at")
            .source()
            .unwrap();
        assert_eq!(source.query.vendor, VendorId::Humind);
        assert_eq!(source.query.base_url, "https://api.thehumind.com/public/v1");
        assert_eq!(source.query.filter("created_after"), "2026-05-01");
        assert_eq!(source.csv.delimiter, Delimiter::Semicolon);
        assert!(!source.csv.for_spreadsheet);
        assert_eq!(source.columns["messages"], vec!["text", "sent_at"]);
        assert_eq!(source.csv.layout, Layout::Vendor(VendorId::Humind));
        let unified = link("?vendor=humind&layout=unified").source().unwrap();
        assert_eq!(unified.csv.layout, Layout::Unified);
    }

    #[test]
    fn flags_choose_the_csv_as_the_apps_options_do() {
        let given = Given {
            vendor: Some(VendorId::HueChat),
            ..Given::default()
        };
        let csv = given.source().unwrap().csv;
        assert_eq!(
            csv.layout,
            Layout::Vendor(VendorId::HueChat),
            "the app's default"
        );
        assert!(csv.for_spreadsheet);
        let chosen = Given {
            delimiter: Some(Delimiter::Tab),
            for_database: true,
            same_columns: true,
            ..given
        };
        let csv = chosen.source().unwrap().csv;
        assert_eq!(csv.layout, Layout::Unified);
        assert_eq!(csv.delimiter, Delimiter::Tab);
        assert!(!csv.for_spreadsheet);
    }

    #[test]
    fn an_address_in_a_link_needs_the_user_to_name_it() {
        let given =
            link("?vendor=humind&base_url=http%3A%2F%2F127.0.0.1%3A9%2Fhumind%2Fpublic%2Fv1");
        let refused = given.source().unwrap_err();
        assert!(
            matches!(&refused, Failure::BadInput(m) if m.contains("--trust-host 127.0.0.1:9")),
            "{refused}"
        );
        let trusted = Given {
            trust_host: Some("127.0.0.1:9".into()),
            ..given.clone()
        };
        assert_eq!(
            trusted.source().unwrap().query.base_url,
            "http://127.0.0.1:9/humind/public/v1"
        );
        let other_host = Given {
            trust_host: Some("127.0.0.1:10".into()),
            ..given.clone()
        };
        assert!(other_host.source().is_err());
        let same = Given {
            base_url: Some("http://127.0.0.1:9/humind/public/v1".into()),
            ..given.clone()
        };
        assert!(same.source().is_ok());
        let elsewhere = Given {
            base_url: Some("http://127.0.0.1:10/humind/public/v1".into()),
            ..given
        };
        assert!(elsewhere.source().is_err());
    }

    #[test]
    fn problems_name_their_flags() {
        let given = Given {
            vendor: Some(VendorId::Mindo),
            filters: [("from".to_string(), "01/05/2026".to_string())].into(),
            ..Given::default()
        };
        let Failure::BadInput(message) = given.source().unwrap_err() else {
            panic!("bad input");
        };
        assert!(
            message.contains("--company-id: Company ID is required."),
            "{message}"
        );
        assert!(
            !message.contains("--to"),
            "an open range ends now: {message}"
        );
        assert!(
            message.contains("--from: Use a date like 2026-05-01"),
            "{message}"
        );
        let choice = Given {
            vendor: Some(VendorId::Humind),
            filters: [("handoff_status".to_string(), "robot".to_string())].into(),
            ..Given::default()
        };
        let message = choice.source().unwrap_err().to_string();
        assert!(
            message.contains("Values: ai_active, queued, human_active."),
            "{message}"
        );
        let wrong = Given {
            vendor: Some(VendorId::Humind),
            filters: [("company_id".to_string(), "42".to_string())].into(),
            ..Given::default()
        };
        assert!(wrong
            .source()
            .unwrap_err()
            .to_string()
            .contains("--company-id is not a filter of Humind"));
        let voice = Given {
            vendor: Some(VendorId::VoiceWidget),
            ..Given::default()
        };
        assert!(voice
            .source()
            .unwrap_err()
            .to_string()
            .contains("names no API address"));
        assert!(link("?vendor=nope").source().is_err());
        assert!(link("?vendor=humind&demo=1").source().is_err());
    }
}
