//! The page URL's query: everything that defines a view, and never the key.
//!
//! `?vendor=humind&created_after=2026-05-01&delimiter=semicolon` restores the same vendor,
//! filters and file options. Filter parameters use the vendor's own names; only the filters the
//! vendor has are read. A key pasted into a URL by mistake is ignored and dropped from the
//! address bar.

use std::collections::BTreeMap;

use crate::destination::{Destination, TrustedHosts};
use crate::export::csv::{CsvOptions, Delimiter, Layout};
use crate::http::encode_component;
use crate::key_check::check_key;
use crate::narrow::DateNarrowing;
use crate::vendors::{validate, ExportQuery, FieldError, VendorId};

/// Query parameters that may carry a secret: never read, always removed.
const SECRET_PARAMS: &[&str] = &["key", "api_key", "apikey", "token", "access_token"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewState {
    pub vendor: VendorId,
    /// Built-in sample data instead of the vendor's API.
    pub demo: bool,
    /// The base URL, kept only when it differs from the vendor's documented one.
    pub base_url: Option<String>,
    pub filters: BTreeMap<String, String>,
    pub delimiter: Delimiter,
    /// CSV for a database: no BOM, no formula neutralising, no cell cutting.
    pub for_database: bool,
    /// The same columns for every vendor (to combine vendors), instead of the vendor's own.
    pub same_columns: bool,
    /// Chosen CSV columns per file kind (`conversations`, `messages`...), in order.
    pub columns: BTreeMap<String, Vec<String>>,
    /// Requests at once, for vendors whose requests can run in parallel.
    pub concurrency: usize,
    /// Days to show and download, chosen after the fetch where the vendor has no date filter.
    pub shown: DateNarrowing,
}

/// Requests at once unless the user says otherwise: enough to hide latency, few enough to stay
/// clear of most rate limits.
pub const DEFAULT_CONCURRENCY: usize = 6;
pub const MAX_CONCURRENCY: usize = 16;

impl Default for ViewState {
    fn default() -> Self {
        ViewState::for_vendor(VendorId::Humind)
    }
}

impl ViewState {
    pub fn for_vendor(vendor: VendorId) -> Self {
        ViewState {
            vendor,
            demo: false,
            base_url: None,
            filters: BTreeMap::new(),
            delimiter: Delimiter::Comma,
            for_database: false,
            same_columns: false,
            columns: BTreeMap::new(),
            concurrency: DEFAULT_CONCURRENCY,
            shown: DateNarrowing::default(),
        }
    }

    /// The base URL in effect: the user's, or the vendor's documented one.
    pub fn effective_base_url(&self) -> String {
        self.base_url
            .clone()
            .or_else(|| self.vendor.spec().default_base_url.map(str::to_owned))
            .unwrap_or_default()
    }

    pub fn export_query(&self) -> ExportQuery {
        ExportQuery {
            vendor: self.vendor,
            base_url: self.effective_base_url(),
            filters: self
                .filters
                .iter()
                .filter(|(_, v)| !v.trim().is_empty())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            changed_since: None,
        }
    }

    /// Whether both ask a vendor for the same records: vendor, data source, address, filters.
    pub fn asks_same_as(&self, other: &ViewState) -> bool {
        self.vendor == other.vendor
            && self.demo == other.demo
            && self.effective_base_url() == other.effective_base_url()
            && self.export_query().filters == other.export_query().filters
    }

    /// This view's request (vendor, source, address, filters) with `other`'s file options
    /// (separator, CSV mode, columns) and concurrency.
    pub fn with_file_options_of(&self, other: &ViewState) -> ViewState {
        ViewState {
            delimiter: other.delimiter,
            for_database: other.for_database,
            same_columns: other.same_columns,
            columns: other.columns.clone(),
            concurrency: other.concurrency,
            shown: other.shown,
            ..self.clone()
        }
    }

    /// How the CSV files are written, for this view.
    pub fn csv_options(&self) -> CsvOptions {
        CsvOptions {
            delimiter: self.delimiter,
            for_spreadsheet: !self.for_database,
            columns: None,
            layout: self.layout(),
        }
    }

    /// The vendor's own columns, or the same for every vendor.
    pub fn layout(&self) -> Layout {
        if self.same_columns {
            Layout::Unified
        } else {
            Layout::Vendor(self.vendor)
        }
    }

    /// `vendor=...&...`, without the leading `?`.
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(String, String)> =
            vec![("vendor".into(), self.vendor.spec().slug.into())];
        if self.demo {
            pairs.push(("demo".into(), "1".into()));
        }
        if let Some(base) = &self.base_url {
            if Some(base.as_str()) != self.vendor.spec().default_base_url && !base.is_empty() {
                pairs.push(("base_url".into(), base.clone()));
            }
        }
        for filter in self.vendor.spec().filters {
            if let Some(value) = self
                .filters
                .get(filter.name)
                .filter(|v| !v.trim().is_empty())
            {
                pairs.push((filter.name.into(), value.clone()));
            }
        }
        if self.delimiter != Delimiter::Comma {
            pairs.push(("delimiter".into(), self.delimiter.as_str().into()));
        }
        if self.for_database {
            pairs.push(("csv".into(), "database".into()));
        }
        if self.same_columns {
            pairs.push(("layout".into(), "unified".into()));
        }
        for (kind, names) in &self.columns {
            pairs.push((format!("columns.{kind}"), names.join(",")));
        }
        if self.concurrency != DEFAULT_CONCURRENCY && self.vendor.spec().parallel_requests() {
            pairs.push(("concurrency".into(), self.concurrency.to_string()));
        }
        if self.vendor.spec().date_range.is_none() {
            pairs.extend(self.shown.to_pairs());
        }
        pairs
            .iter()
            .map(|(name, value)| format!("{}={}", encode_component(name), encode_component(value)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Reads a query string (with or without `?`). Unknown or invalid values fall back to defaults.
    pub fn from_query(query: &str) -> Self {
        let pairs = sim::http::parse_query(query.trim_start_matches('?'));
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
        };
        let vendor = get("vendor")
            .and_then(VendorId::from_slug)
            .unwrap_or(VendorId::Humind);
        let mut state = ViewState::for_vendor(vendor);
        state.demo = get("demo") == Some("1");
        state.base_url = get("base_url")
            .filter(|base| !base.is_empty() && Some(*base) != vendor.spec().default_base_url)
            .map(str::to_owned);
        for filter in vendor.spec().filters {
            if let Some(value) = get(filter.name).filter(|v| !v.is_empty()) {
                state.filters.insert(filter.name.into(), value.into());
            }
        }
        state.delimiter = get("delimiter")
            .and_then(Delimiter::parse)
            .unwrap_or_default();
        state.for_database = get("csv") == Some("database");
        state.same_columns = get("layout") == Some("unified");
        state.concurrency = get("concurrency")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| (1..=MAX_CONCURRENCY).contains(n))
            .unwrap_or(DEFAULT_CONCURRENCY);
        if vendor.spec().date_range.is_none() {
            state.shown = DateNarrowing::from_values(get("shown_from"), get("shown_to"));
        }
        for (name, value) in &pairs {
            if let Some(kind) = name.strip_prefix("columns.") {
                let names: Vec<String> = value
                    .split(',')
                    .filter(|n| !n.is_empty())
                    .map(str::to_owned)
                    .collect();
                if !names.is_empty() {
                    state.columns.insert(kind.to_string(), names);
                }
            }
        }
        state
    }

    /// Where this view would send the key, given the hosts trusted on this device.
    pub fn destination(&self, trusted: &TrustedHosts) -> Option<Destination> {
        Destination::of(self.vendor, &self.effective_base_url(), trusted)
    }

    /// Every problem the form has, before anything is sent: each filter's, the base URL's (not
    /// for the demo, which has its own), the key's when it would be refused, and an address
    /// nobody confirmed on this device.
    pub fn form_errors(&self, key: &str, trusted: &TrustedHosts) -> Vec<FieldError> {
        let mut errors = validate(&self.export_query());
        if self.demo {
            errors.retain(|error| error.field != "base_url");
        } else {
            let check = check_key(self.vendor, key);
            if check.blocks() {
                let message = check.message(self.vendor).unwrap_or_default();
                errors.insert(0, FieldError::new("api_key", message));
            }
            // Its own field: the question about the address, not a line under it, shows it.
            if let Some(Destination::Unconfirmed(origin)) = self.destination(trusted) {
                errors.push(FieldError::new(
                    "destination",
                    format!(
                        "Nothing is sent to {} until you trust it on this device.",
                        origin.host()
                    ),
                ));
            }
        }
        errors
    }

    /// Whether a query string carries something that looks like a secret.
    pub fn query_has_secret(query: &str) -> bool {
        sim::http::parse_query(query.trim_start_matches('?'))
            .iter()
            .any(|(name, _)| SECRET_PARAMS.contains(&name.to_ascii_lowercase().as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_a_full_view() {
        let mut state = ViewState::for_vendor(VendorId::Humind);
        state.base_url = Some("http://127.0.0.1:8787/humind/public/v1".into());
        state
            .filters
            .insert("created_after".into(), "2026-05-01".into());
        state
            .filters
            .insert("handoff_status".into(), "queued".into());
        state.filters.insert("include_contact".into(), "1".into());
        state.delimiter = Delimiter::Semicolon;
        state.for_database = true;
        state
            .columns
            .insert("messages".into(), vec!["text".into(), "sent_at".into()]);
        let query = state.to_query();
        assert_eq!(
            query,
            "vendor=humind&base_url=http%3A%2F%2F127.0.0.1%3A8787%2Fhumind%2Fpublic%2Fv1&created_after=2026-05-01\
             &handoff_status=queued&include_contact=1&delimiter=semicolon&csv=database&columns.messages=text%2Csent_at"
        );
        assert_eq!(ViewState::from_query(&format!("?{query}")), state);
    }

    #[test]
    fn default_base_url_is_not_repeated() {
        let state = ViewState {
            base_url: Some("https://api.thehumind.com/public/v1".into()),
            ..ViewState::default()
        };
        assert_eq!(state.to_query(), "vendor=humind");
        let restored = ViewState::from_query(
            "vendor=humind&base_url=https%3A%2F%2Fapi.thehumind.com%2Fpublic%2Fv1",
        );
        assert_eq!(restored.base_url, None);
        assert_eq!(
            restored.effective_base_url(),
            "https://api.thehumind.com/public/v1"
        );
    }

    #[test]
    fn keys_never_enter_or_leave_the_url() {
        let query = "vendor=humind&key=hmd_live_secret&api_key=x&created_after=2026-05-01";
        assert!(ViewState::query_has_secret(query));
        let state = ViewState::from_query(query);
        let written = state.to_query();
        assert!(
            !written.contains("secret") && !written.contains("key="),
            "{written}"
        );
        assert!(!ViewState::query_has_secret(&written));
    }

    #[test]
    fn concurrency_is_kept_for_vendors_that_use_it() {
        let state = ViewState::from_query("vendor=huechat&concurrency=10");
        assert_eq!(state.concurrency, 10);
        assert_eq!(state.to_query(), "vendor=huechat&concurrency=10");
        assert_eq!(
            ViewState::from_query("vendor=huechat&concurrency=99").concurrency,
            DEFAULT_CONCURRENCY
        );
        let humind = ViewState::from_query("vendor=humind&concurrency=10");
        assert_eq!(
            humind.to_query(),
            "vendor=humind",
            "Humind pages one after another"
        );
    }

    #[test]
    fn form_errors_cover_key_filters_and_base_url() {
        let mut view = ViewState::from_query("vendor=humind&created_after=01/05/2026");
        let fields = |view: &ViewState, key: &str| {
            view.form_errors(key, &TrustedHosts::default())
                .into_iter()
                .map(|e| e.field)
                .collect::<Vec<_>>()
        };
        assert_eq!(fields(&view, ""), vec!["api_key", "created_after"]);
        assert_eq!(
            fields(&view, "mindo_abc"),
            vec!["api_key", "created_after"],
            "another vendor's key is refused"
        );
        assert_eq!(
            fields(&view, "live_abc"),
            vec!["created_after"],
            "an odd shape is only pointed out"
        );
        view.demo = true;
        view.base_url = Some("not a url".into());
        assert_eq!(
            fields(&view, ""),
            vec!["created_after"],
            "the demo needs no key and no address"
        );
    }

    #[test]
    fn an_address_from_a_link_blocks_the_fetch_until_trusted() {
        let view = ViewState::from_query(
            "vendor=mindo&base_url=http%3A%2F%2F127.0.0.1%3A9%2Fmindo&company_id=42&from=2026-05-01&to=2026-05-02",
        );
        let key = "mindo_global_abc";
        let errors = view.form_errors(key, &TrustedHosts::default());
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "destination");
        assert!(
            errors[0].message.contains("127.0.0.1:9"),
            "{}",
            errors[0].message
        );
        let trusted = TrustedHosts::parse("http://127.0.0.1:9");
        assert_eq!(view.form_errors(key, &trusted), vec![]);
        let own = ViewState::from_query("vendor=mindo&company_id=42&from=2026-05-01&to=2026-05-02");
        assert_eq!(own.form_errors(key, &TrustedHosts::default()), vec![]);
    }

    #[test]
    fn unknown_values_fall_back() {
        let state = ViewState::from_query("vendor=nope&delimiter=pipe&not_a_filter=1&demo=yes");
        assert_eq!(state, ViewState::default());
    }
}
