//! The first requests of an export, from the vendor's spec and the user's filters.

use chrono::{Duration, SecondsFormat};

use super::changes::filters_with_mark;
use super::fields::parse_timestamp;
use super::spec::{ExportQuery, Paginator, Windows};
use super::task::{Call, Position, Step, Task, Window};
use crate::model::Timestamp;

/// The first request of each list of the export: one, or one per date window.
pub fn plan(query: &ExportQuery) -> Vec<Task> {
    let query = &filters_with_mark(query);
    let spec = query.vendor.spec();
    let list = &spec.list;
    let windowed: &[&str] = match &spec.windows {
        Some(windows) => &[windows.from, windows.to],
        None => &[],
    };
    let mut params: Vec<(String, String)> = spec
        .filters
        .iter()
        .filter(|filter| filter.sent && !windowed.contains(&filter.name))
        .map(|filter| {
            (
                filter.name.to_string(),
                filter.to_param(query.filter(filter.name)),
            )
        })
        .collect();
    params.extend(
        spec.fixed_params
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string())),
    );
    params.extend(query.vendor.connector().extra_params(query));
    params.push((
        list.page_size.param.to_string(),
        list.page_size.size.to_string(),
    ));
    let position = match list.paginator {
        // The first page of an offset list says so, as the vendor's examples do.
        Paginator::Offset { param, .. } => Position::Offset {
            param: param.to_string(),
            offset: 0,
        },
        _ => Position::Start,
    };
    let task = |params: Vec<(String, String)>, window: Option<Window>| Task {
        call: Call::new(&query.base_url, list.path, params),
        position: position.clone(),
        step: Step::List { window, page: 0 },
    };
    match &spec.windows {
        None => vec![task(params, None)],
        Some(spec_windows) => windows(query)
            .into_iter()
            .map(|window| {
                let mut params = params.clone();
                params.push((spec_windows.from.to_string(), iso(window.from)));
                params.push((spec_windows.to.to_string(), iso(window.to)));
                task(params, Some(window))
            })
            .collect(),
    }
}

/// The date windows the export's range is cut into, for vendors that cut it; none otherwise,
/// or while the range cannot be read.
pub fn windows(query: &ExportQuery) -> Vec<Window> {
    let query = &filters_with_mark(query);
    let Some(Windows { from, to, max_days }) = query.vendor.spec().windows else {
        return Vec::new();
    };
    let (Some(from), Some(to)) = (
        parse_timestamp(query.filter(from)),
        parse_timestamp(query.filter(to)),
    ) else {
        return Vec::new();
    };
    cut(from, to, max_days)
        .into_iter()
        .enumerate()
        .map(|(index, (from, to))| Window {
            index: index as u32,
            from,
            to,
        })
        .collect()
}

/// `[from, to)` cut into consecutive pieces of at most `max_days`.
pub fn cut(from: Timestamp, to: Timestamp, max_days: i64) -> Vec<(Timestamp, Timestamp)> {
    let mut pieces = Vec::new();
    let mut start = from;
    while start < to {
        let end = (start + Duration::days(max_days)).min(to);
        pieces.push((start, end));
        start = end;
    }
    pieces
}

fn iso(at: Timestamp) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vendors::VendorId;

    #[test]
    fn first_requests_carry_only_what_is_set() {
        let mut query = ExportQuery::new(VendorId::Humind);
        query.base_url = "https://api.example/v1".into();
        let tasks = plan(&query);
        assert_eq!(
            tasks[0].request().url,
            "https://api.example/v1/conversations?include=messages&limit=100"
        );
    }
}
