//! `relay --allow-origin https://tools.example.com [options]`: see `--help`.

use std::process::ExitCode;
use std::sync::Arc;

use relay::config::{Config, ConfigError, USAGE};
use relay::log::StderrLog;

#[tokio::main]
async fn main() -> ExitCode {
    let config = match Config::from_args(std::env::args().skip(1)) {
        Ok(config) => config,
        Err(ConfigError::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(ConfigError::Invalid(message)) => {
            eprintln!("relay: {message}");
            return ExitCode::from(2);
        }
    };
    let running = match relay::server::start(&config, Arc::new(StderrLog)).await {
        Ok(running) => running,
        Err(message) => {
            eprintln!("relay: {message}");
            return ExitCode::from(1);
        }
    };

    eprintln!("relay: listening on {}", running.address);
    eprintln!(
        "relay: app origins allowed: {}",
        config.origins.iter().collect::<Vec<_>>().join(", ")
    );
    eprintln!("relay: API addresses to type into the app:");
    for (name, url) in config.app_base_urls(running.address) {
        let upstream = config
            .upstreams
            .get(&name)
            .map(|u| u.base.as_str())
            .unwrap_or("");
        eprintln!("  {name:<14} {url:<40} -> {upstream}");
    }

    tokio::select! {
        served = running.server => match served {
            Ok(Ok(())) => ExitCode::SUCCESS,
            Ok(Err(error)) => {
                eprintln!("relay: stopped: {error}");
                ExitCode::from(1)
            }
            Err(error) => {
                eprintln!("relay: stopped: {error}");
                ExitCode::from(1)
            }
        },
        _ = tokio::signal::ctrl_c() => ExitCode::SUCCESS,
    }
}
