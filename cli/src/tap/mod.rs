//! `conversation-export tap`: the Singer specification's tap. `--discover` prints the catalog;
//! otherwise it syncs the config's export as SCHEMA, RECORD and STATE messages on standard
//! output, fetching only what changed since the state's bookmark.

mod catalog;
mod config;
mod emit;
mod records;
mod singer;
mod state;
mod streams;
mod sync;
mod tracker;

use crate::args::TapArgs;
use crate::exit::Failure;

pub fn run(args: &TapArgs) -> Result<(), Failure> {
    let path = args.config.as_ref().expect("clap requires --config");
    let given = config::read(path)?;
    // The export is checked before anything else, discovery included: a config that cannot
    // run says so at once.
    let source = given.source()?;
    // The app narrows what it shows and downloads to some days after the fetch; a tap sends
    // every record it fetches, and its bookmark moves past all of them.
    if let Some(days) = source.shown.describe() {
        return Err(Failure::bad_input(format!(
            "The link shows only {days}, chosen after the fetch: the tap loads every conversation the vendor sends. Take shown_from and shown_to out of the link (and narrow by date in the warehouse)."
        )));
    }
    if args.discover {
        println!("{}", catalog::discover());
        return Ok(());
    }
    let selection = match args.catalog.as_ref().or(args.properties.as_ref()) {
        Some(path) => catalog::read(path)?,
        None => catalog::everything(),
    };
    let state = match &args.state {
        Some(path) => state::read(path)?,
        None => state::State::default(),
    };
    sync::sync(source, selection, state)
}
