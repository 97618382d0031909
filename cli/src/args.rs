//! The command line: `export` and `tap`, with each vendor's filters as flags of their own
//! (`--created-after`, `--company-id`...), read from the vendors' spec rows.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::{Arg, ArgMatches, Args, Command, FromArgMatches, Parser, Subcommand};
use conversation_export::vendors::{Choice, FilterKind, FilterSpec, VendorId};

use crate::exit;
use crate::key::KEY_VARIABLE;

#[derive(Debug, Parser)]
#[command(
    name = "conversation-export",
    version,
    about = "Export conversations from chat vendors' APIs: the same files as the Conversation Export app, or a Singer tap for a warehouse.",
    after_help = after_help()
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Commands,
}

fn after_help() -> String {
    format!(
        "The API key is read from {KEY_VARIABLE} (or asked for at a terminal), never from a flag.\n\n\
         Exit codes: {} done; {} bad input (nothing was sent); {} stopped with partial data (what is missing is printed); {} other failure.",
        exit::DONE,
        exit::BAD_INPUT,
        exit::PARTIAL,
        exit::FAILED
    )
}

#[derive(Debug, Subcommand)]
pub enum Commands {
    /// Export to files: the CSV tables, the JSON, the raw NDJSON and the zip, as the app downloads them.
    Export(ExportArgs),
    /// A Singer tap: SCHEMA, RECORD and STATE messages on standard output, for Meltano or any Singer target.
    Tap(TapArgs),
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    CONVERSATION_EXPORT_KEY=hmd_live_... conversation-export export --vendor humind --created-after 2026-05-01 --out exports/\n  \
    conversation-export export --link 'https://export.example/?vendor=mindo&company_id=42&from=2026-05-01&to=2026-06-01' --out exports/\n  \
    conversation-export export --resume exports/")]
pub struct ExportArgs {
    /// The vendor: humind, talktohumans, huechat, voice-widget or mindo.
    #[arg(long, value_parser = parse_vendor, required_unless_present_any = ["link", "resume"])]
    pub vendor: Option<VendorId>,
    /// The API address, when it is not the vendor's documented one (a relay, a test server;
    /// the voice widget's always). Giving it here is trusting it with the key.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Runs exactly the view of an app link (vendor, filters, CSV options, columns, the days
    /// it shows).
    #[arg(long, value_name = "APP LINK", conflicts_with_all = ["vendor", "resume"])]
    pub link: Option<String>,
    /// Trusts this host (as `host` or `host:port`) with the key, for a link whose API address is
    /// not the vendor's own.
    #[arg(long, value_name = "HOST", requires = "link")]
    pub trust_host: Option<String>,
    /// The folder to write the files to (created if missing).
    #[arg(
        long,
        value_name = "DIR",
        required_unless_present = "resume",
        conflicts_with = "resume"
    )]
    pub out: Option<PathBuf>,
    /// Continues the export that stopped in DIR, from its saved state, fetching nothing twice.
    #[arg(long, value_name = "DIR")]
    pub resume: Option<PathBuf>,
    /// CSV separator: comma, semicolon or tab.
    #[arg(long, value_parser = ["comma", "semicolon", "tab"], conflicts_with = "link")]
    pub delimiter: Option<String>,
    /// CSV for a database: no byte-order mark, every cell exactly as sent.
    #[arg(long, conflicts_with = "link")]
    pub for_database: bool,
    /// CSV with the same columns for every vendor (to combine vendors in one table), instead of
    /// only the columns this vendor fills.
    #[arg(long, conflicts_with = "link")]
    pub same_columns: bool,
    /// Requests at once, for vendors whose requests can run side by side (1 to 16).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=16))]
    pub concurrency: Option<u16>,
    /// Leaves out the zip ("Download all"); the other files are written.
    #[arg(long)]
    pub no_zip: bool,
    /// No progress on standard error; problems are still said.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub filters: FilterFlags,
}

#[derive(Debug, Args)]
#[command(
    after_help = "The config file (JSON): {\"vendor\": \"humind\", \"filters\": {\"created_after\": \"2026-05-01\"}}, with \"base_url\" for another API address, or {\"link\": \"<an app link>\"} (and \"trust_host\" when its address is not the vendor's). The key comes from CONVERSATION_EXPORT_KEY."
)]
pub struct TapArgs {
    /// The tap's config (JSON).
    #[arg(long, value_name = "FILE", required = true)]
    pub config: Option<PathBuf>,
    /// The state of the last run (JSON): its bookmarks, or where a stopped run was.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Prints the catalog (streams and their JSON Schemas) and stops.
    #[arg(long)]
    pub discover: bool,
    /// The catalog with the streams to sync selected.
    #[arg(long, value_name = "FILE", conflicts_with = "discover")]
    pub catalog: Option<PathBuf>,
    /// The older name of --catalog.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["discover", "catalog"], hide = true)]
    pub properties: Option<PathBuf>,
}

fn parse_vendor(slug: &str) -> Result<VendorId, String> {
    VendorId::from_slug(slug).ok_or_else(|| {
        let slugs: Vec<&str> = VendorId::ALL.iter().map(|v| v.slug()).collect();
        format!("unknown vendor; choose one of {}", slugs.join(", "))
    })
}

/// The flag of a filter: `created_after` is `--created-after`.
pub fn flag_of(filter: &str) -> String {
    filter.replace('_', "-")
}

/// Every vendor's filters as flags; values by filter name.
#[derive(Debug, Clone, Default)]
pub struct FilterFlags(pub BTreeMap<String, String>);

/// Each filter name once, with the vendors that have it.
fn filter_names() -> Vec<(&'static str, Vec<VendorId>)> {
    let mut names: Vec<(&'static str, Vec<VendorId>)> = Vec::new();
    for vendor in VendorId::ALL {
        for filter in vendor.spec().filters {
            match names.iter_mut().find(|(name, _)| *name == filter.name) {
                Some((_, vendors)) => vendors.push(*vendor),
                None => names.push((filter.name, vec![*vendor])),
            }
        }
    }
    names
}

/// What a filter takes, where it is a fixed set: as typed on the command line.
pub fn values_of(filter: &FilterSpec) -> Option<String> {
    let values = |choices: &[Choice]| {
        choices
            .iter()
            .map(|choice| choice.value)
            .filter(|value| !value.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match &filter.kind {
        FilterKind::Choice(choices) => Some(values(choices)),
        FilterKind::Multi(choices) => {
            Some(format!("any of {}, separated by commas", values(choices)))
        }
        FilterKind::Toggle { .. } => Some("1 to turn it on".into()),
        _ => None,
    }
}

impl FromArgMatches for FilterFlags {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut flags = FilterFlags::default();
        flags.update_from_arg_matches(matches)?;
        Ok(flags)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        for (name, _) in filter_names() {
            if let Some(value) = matches.get_one::<String>(name) {
                self.0.insert(name.to_string(), value.clone());
            }
        }
        Ok(())
    }
}

impl Args for FilterFlags {
    fn augment_args(mut command: Command) -> Command {
        for (name, vendors) in filter_names() {
            let help: Vec<String> = vendors
                .iter()
                .filter_map(|vendor| {
                    let filter = vendor.spec().filter(name)?;
                    let values = values_of(filter)
                        .map(|values| format!(" Values: {values}."))
                        .unwrap_or_default();
                    Some(format!(
                        "{}: {} ({}{values})",
                        vendor.spec().name,
                        filter.label,
                        filter.help
                    ))
                })
                .collect();
            command = command.arg(
                Arg::new(name)
                    .long(flag_of(name))
                    .value_name("VALUE")
                    .help_heading("Filters (the vendor's own, as in the app)")
                    .help(help.join(" / "))
                    .conflicts_with("link")
                    .conflicts_with("resume"),
            );
        }
        command
    }

    fn augment_args_for_update(command: Command) -> Command {
        Self::augment_args(command)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn filters_are_flags_of_their_own() {
        let cli = Cli::try_parse_from([
            "conversation-export",
            "export",
            "--vendor",
            "mindo",
            "--company-id",
            "42",
            "--from",
            "2026-05-01",
            "--out",
            "x",
        ])
        .unwrap();
        let Commands::Export(args) = cli.command else {
            panic!("export");
        };
        assert_eq!(args.vendor, Some(VendorId::Mindo));
        assert_eq!(
            args.filters.0.get("company_id").map(String::as_str),
            Some("42")
        );
        assert_eq!(
            args.filters.0.get("from").map(String::as_str),
            Some("2026-05-01")
        );
    }
}
