//! The files the app downloads for one view (with the CSV options a new view has), made the way
//! the app makes them (the engine over the simulator in process, as Demo mode runs it, then
//! `ExportContext`), for `scripts/warehouse.sh` to compare with `conversation-export export`:
//!
//! `cargo run -p conversation-export-cli --example app_files -- CONVERSATIONS VENDOR BASE_URL OUT [name=value ...]`
//!
//! The world is the simulator server's with `--conversations CONVERSATIONS` (same seed and
//! dates); `BASE_URL` is only written into the manifest, as the CLI's run names it.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use conversation_export::destination::ScopedKey;
use conversation_export::engine::cancel::CancelToken;
use conversation_export::engine::clock::{Clock, FakeClock};
use conversation_export::engine::{run, Export, Settings};
use conversation_export::export::bundle::ExportContext;
use conversation_export::secret::ApiKey;
use conversation_export::transport::sim::SimTransport;
use conversation_export::vendors::{ExportQuery, VendorId};
use conversation_export::view_state::ViewState;
use sim::{World, WorldConfig};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [count, vendor, base_url, out, filters @ ..] = args.as_slice() else {
        eprintln!("usage: app_files CONVERSATIONS VENDOR BASE_URL OUT [name=value ...]");
        std::process::exit(2);
    };
    let vendor = VendorId::from_slug(vendor).expect("a vendor");
    let world = Rc::new(World::generate(&WorldConfig {
        conversations: count.parse().expect("a number of conversations"),
        ..WorldConfig::default()
    }));
    let mut query = ExportQuery::new(vendor);
    query.base_url = base_url.clone();
    for filter in filters {
        let (name, value) = filter.split_once('=').expect("name=value");
        query = query.with(name, value);
    }
    let clock = FakeClock::new();
    let transport = SimTransport::new(world, clock.clone());
    let key = ScopedKey::for_base_url(
        ApiKey::new(sim::valid_key(vendor.slug()).unwrap()),
        base_url,
    )
    .unwrap();
    let export = RefCell::new(Export::new(query, Settings::default()));
    futures_executor::block_on(run(
        &export,
        &transport,
        &clock,
        &key,
        &CancelToken::new(),
        &mut || {},
    ));
    let export = export.into_inner();
    let missing = export.missing();
    let columns = BTreeMap::new();
    let context = ExportContext {
        query: &export.query,
        conversations: export.store.conversations(),
        warnings: &export.store.warnings,
        options: &ViewState::for_vendor(vendor).csv_options(),
        columns: &columns,
        exported_at: clock.wall(),
        missing: &missing,
    };
    std::fs::create_dir_all(out).unwrap();
    let mut files = context.data_files();
    files.push(context.zip());
    for file in files {
        std::fs::write(
            std::path::Path::new(out).join(&file.name),
            file.bytes.to_vec(),
        )
        .unwrap();
    }
    println!(
        "{vendor}: {} conversations, {} messages",
        export.store.len(),
        export.store.message_count()
    );
}
