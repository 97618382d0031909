//! `conversation-export`: the app's core on the command line. `export` writes the app's files;
//! `tap` speaks Singer to a warehouse loader. The key comes from the environment or a prompt.

mod args;
mod clock;
mod drive;
mod exit;
mod export_command;
mod files;
mod journal_file;
mod key;
mod progress;
mod source;
mod tap;
mod transport;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Commands};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // --help and --version are not errors; a bad flag is bad input.
            let code = if error.use_stderr() {
                exit::BAD_INPUT
            } else {
                exit::DONE
            };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    let result = match &cli.command {
        Commands::Export(args) => export_command::run(args),
        Commands::Tap(args) => tap::run(args),
    };
    match result {
        Ok(()) => ExitCode::from(exit::DONE),
        Err(failure) => {
            eprintln!("{failure}");
            ExitCode::from(failure.code())
        }
    }
}
