//! `conversation-export export`: one export into a folder, as the app would download it; its
//! journal in the folder lets `--resume` go on after a stop, fetching nothing twice.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use conversation_export::destination::ScopedKey;
use conversation_export::engine::cancel::CancelToken;
use conversation_export::engine::{Export, RunStatus};
use conversation_export::export::csv::Delimiter;
use conversation_export::format;
use conversation_export::secret::ApiKey;

use crate::args::ExportArgs;
use crate::drive::{block_on, drive};
use crate::exit::{io_failure, Failure};
use crate::files::{remove_state, shown_on, write_all, FileOptions};
use crate::journal_file::{path_in, read_back, FileJournal, JOURNAL};
use crate::key::read_key;
use crate::progress::Progress;
use crate::source::Given;
use crate::transport::NativeTransport;

/// Requests named when an export stops; the manifest has them all.
const MISSING_SHOWN: usize = 10;

pub fn run(args: &ExportArgs) -> Result<(), Failure> {
    let (export, dir, options, key) = match &args.resume {
        Some(dir) => stopped(dir, args)?,
        None => started(args)?,
    };
    let base_url = export.query.base_url.clone();
    let key = ScopedKey::for_base_url(key, &base_url).ok_or_else(|| {
        Failure::bad_input(format!("--base-url: {base_url} is not an http(s) address."))
    })?;
    let transport = NativeTransport::new().map_err(Failure::failed)?;
    let export = RefCell::new(export);
    let started = Instant::now();
    if export.borrow().status != RunStatus::Finished {
        let mut progress = Progress::new(args.quiet);
        let mut on_change = || progress.update(&export.borrow());
        let cancel = CancelToken::new();
        block_on(drive(&export, &transport, &key, &cancel, &mut on_change))?;
        progress.finish(&export.borrow());
    }
    let export = export.into_inner();
    let fetched = started.elapsed();
    let written = write_all(&dir, &export, &options)?;
    for file in &written {
        println!("{}", file.path.display());
    }
    let timing = Timing {
        fetch: fetched,
        files: started.elapsed() - fetched,
    };
    report(&export, &dir, &options, written.len(), &timing, args.quiet)
}

/// How long fetching and writing took, for the summary.
struct Timing {
    fetch: Duration,
    files: Duration,
}

/// A new export into `--out`, from the flags or a link.
fn started(args: &ExportArgs) -> Result<(Export, PathBuf, FileOptions, ApiKey), Failure> {
    let given = Given {
        vendor: args.vendor,
        base_url: args.base_url.clone(),
        link: args.link.clone(),
        trust_host: args.trust_host.clone(),
        filters: args.filters.0.clone(),
        delimiter: args.delimiter.as_deref().and_then(Delimiter::parse),
        for_database: args.for_database,
        same_columns: args.same_columns,
        concurrency: args.concurrency.map(usize::from),
        in_config: false,
    };
    let source = given.source()?;
    let dir = args
        .out
        .clone()
        .expect("clap requires --out without --resume");
    std::fs::create_dir_all(&dir).map_err(|e| io_failure("create", &dir, &e))?;
    if path_in(&dir).exists() {
        return Err(Failure::bad_input(format!(
            "{} holds an export that stopped before its end ({JOURNAL}). Continue it with --resume {}, or choose another folder.",
            dir.display(),
            dir.display()
        )));
    }
    let options = FileOptions::new(&source.csv, source.columns, source.shown, !args.no_zip);
    let mut export = Export::new(source.query, source.settings);
    // The key is asked for before anything is written, so a wrong one leaves nothing behind.
    let key = read_key(export.vendor(), true)?;
    options.save(&dir)?;
    export.set_journal(Box::new(FileJournal::create(&dir, &export)?));
    Ok((export, dir, options, key))
}

/// The export that stopped in `dir`, read back from its journal.
fn stopped(
    dir: &Path,
    args: &ExportArgs,
) -> Result<(Export, PathBuf, FileOptions, ApiKey), Failure> {
    let (mut export, journal_end) = read_back(dir)?;
    let mut options = FileOptions::load(dir)?;
    if args.no_zip {
        options.zip = false;
    }
    if let Some(concurrency) = args.concurrency {
        export.settings.concurrency = usize::from(concurrency);
    }
    let key = read_key(export.vendor(), true)?;
    export.set_journal(Box::new(FileJournal::append(dir, journal_end)?));
    Ok((export, dir.to_path_buf(), options, key))
}

/// Says how the export ended, on standard error, and gives the exit status.
fn report(
    export: &Export,
    dir: &Path,
    options: &FileOptions,
    files: usize,
    timing: &Timing,
    quiet: bool,
) -> Result<(), Failure> {
    let name = export.vendor().spec().name;
    let mut counts = format!(
        "{} conversations, {} messages",
        format::count(export.store.len()),
        format::count(export.store.message_count())
    );
    let days = options.shown();
    if let Some(described) = days.describe() {
        let kept = export
            .store
            .conversations()
            .iter()
            .filter(|c| shown_on(days, c))
            .count();
        counts.push_str(&format!(
            " (the files hold the {} of {described}, the link's days)",
            format::count(kept)
        ));
    }
    if export.status == RunStatus::Finished {
        remove_state(dir);
        if !quiet {
            eprintln!(
                "{name}: {counts}, in {files} files in {} (fetched in {:.1} s with {} requests, files written in {:.1} s).",
                dir.display(),
                timing.fetch.as_secs_f64(),
                format::count(export.progress.requests as usize),
                timing.files.as_secs_f64()
            );
            if !export.store.warnings.is_empty() {
                eprintln!(
                    "{} values could not be read as documented and were kept as sent; the manifest in the zip lists them.",
                    format::count(export.store.warnings.len())
                );
            }
        }
        return Ok(());
    }
    let missing = export.missing();
    let mut message = match &export.status {
        RunStatus::Failed(error) => crate::exit::stop_words(error),
        _ => "Stopped before the end.".to_string(),
    };
    message.push_str(&format!(
        "\nKept: {counts}, in {files} files ending in _partial in {}.\nMissing: {} requests not made",
        dir.display(),
        format::count(missing.len())
    ));
    for what in missing.iter().take(MISSING_SHOWN) {
        message.push_str(&format!("\n  - {what}"));
    }
    if missing.len() > MISSING_SHOWN {
        message.push_str("\n  - ... (the manifest in the zip lists them all)");
    }
    message.push_str(&format!(
        "\nTo go on where it stopped, fetching nothing twice: conversation-export export --resume {}",
        dir.display()
    ));
    if export.progress.pages == 0 && export.store.is_empty() {
        Err(Failure::failed(message))
    } else {
        Err(Failure::Partial(message))
    }
}
