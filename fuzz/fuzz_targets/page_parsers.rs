//! Whatever a vendor sends, reading and mapping a page never panics: the first page of each
//! list, the pages it asks for next (HueChat's messages among them), and a single conversation.
#![no_main]

use conversation_export::vendors::paging::{map_records, read_page};
use conversation_export::vendors::{plan, ExportQuery, MapContext, VendorId};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let vendor = VendorId::ALL[selector as usize % VendorId::ALL.len()];
    let mut query = ExportQuery::new(vendor)
        .with("company_id", "42")
        .with("from", "2026-04-01")
        .with("to", "2026-04-20");
    query.base_url = "https://vendor.example".into();
    let now = chrono::DateTime::from_timestamp(1_780_000_000, 0).unwrap();
    let mut warnings = Vec::new();
    for task in plan(&query) {
        let Ok(page) = read_page(vendor, &task, body) else {
            continue;
        };
        let mut context = MapContext::new(&mut warnings, now);
        let _ = map_records(vendor, &task, 0, page.records, &mut context);
        // The same body as each page the first one asks for (a next page, a conversation's
        // messages), so the follow-up lists are read and mapped too.
        for next in page.next {
            if let Ok(next_page) = read_page(vendor, &next, body) {
                let mut context = MapContext::new(&mut warnings, now);
                let _ = map_records(vendor, &next, 0, next_page.records, &mut context);
            }
        }
    }
    let mut context = MapContext::new(&mut warnings, now);
    let _ = vendor.connector().read_conversation(body, &mut context);
});
