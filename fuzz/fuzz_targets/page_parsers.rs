//! Whatever a vendor sends, reading and mapping a page never panics.
#![no_main]

use conversation_export::http::ResponseHead;
use conversation_export::vendors::{ExportQuery, Line, MapContext, VendorId};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else { return };
    let vendor = VendorId::ALL[selector as usize % VendorId::ALL.len()];
    let connector = vendor.connector();
    let mut query = ExportQuery::new(vendor).with("company_id", "42").with("from", "2026-04-01").with("to", "2026-04-20");
    query.base_url = "https://vendor.example".into();
    let head = ResponseHead { status: 200, headers: vec![] };
    for task in connector.plan(&query) {
        let mut records = match connector.read_page(&task, &head, body) {
            Ok(page) => page.records,
            Err(_) => Vec::new(),
        };
        for line in String::from_utf8_lossy(body).lines() {
            if let Ok(Line::Record(raw)) = connector.read_line(&task, line) {
                records.push(raw);
            }
        }
        let mut warnings = Vec::new();
        let now = chrono::DateTime::from_timestamp(1_780_000_000, 0).unwrap();
        let _ = connector.map(&task, records, &mut MapContext::new(&mut warnings, now));
        let mut context = MapContext::new(&mut warnings, now);
        let _ = connector.read_conversation(body, &mut context);
    }
});
