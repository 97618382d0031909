//! The relay's settings, read from its command-line flags and checked before anything starts:
//! a mistake is a clear message and a non-zero exit, never a relay that runs wide open.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use crate::cors::AllowedOrigins;
use crate::ssrf;
use crate::upstream::Upstreams;

pub const USAGE: &str = "\
usage: relay --allow-origin ORIGIN [--allow-origin ORIGIN ...] [options]

Relays the Conversation Export app's GET requests to vendor APIs that do not answer CORS.
Type http://<relay address>/<upstream> into the app as the API address,
e.g. http://127.0.0.1:8788/humind

  --allow-origin ORIGIN          the app's origin, e.g. https://tools.example.com (required, repeatable)
  --listen ADDRESS               where to listen (default 127.0.0.1:8788)
  --upstream NAME=URL            add or replace an upstream (repeatable), e.g.
                                 --upstream voice-widget=https://voice.example.com
                                 defaults: humind, talktohumans, huechat, mindo at their documented URLs
  --allow-private-upstreams      allow upstreams on private, loopback and other non-public addresses
  --max-requests-per-minute N    per client address (default 600)
  --max-response-bytes N         larger answers are cut off (default 268435456, 256 MiB)
  --timeout-secs N               for connecting, for the answer to start, and between its chunks (default 30)
  --tls-cert FILE --tls-key FILE serve https with this PEM certificate chain and key
  --behind-tls-proxy             a TLS reverse proxy sits in front: allows a non-loopback --listen
                                 without --tls-cert, and counts clients by X-Forwarded-For
  --help                         this text

One line per request goes to standard error: method, upstream host, path (no query), status,
bytes, milliseconds. Headers and keys are never logged.";

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub upstreams: Upstreams,
    pub origins: AllowedOrigins,
    pub allow_private_upstreams: bool,
    pub max_requests_per_minute: u32,
    pub max_response_bytes: u64,
    pub timeout: Duration,
    pub tls: Option<TlsFiles>,
    pub behind_tls_proxy: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// `--help`: print the usage and stop, successfully.
    Help,
    Invalid(String),
}

impl Config {
    /// Reads flags (without the program name). `--flag value` and `--flag=value` both work.
    pub fn from_args<I, S>(args: I) -> Result<Config, ConfigError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let invalid = |message: String| ConfigError::Invalid(message);
        let mut config = Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8788)),
            upstreams: Upstreams::vendor_defaults(),
            origins: AllowedOrigins::default(),
            allow_private_upstreams: false,
            max_requests_per_minute: 600,
            max_response_bytes: 256 * 1024 * 1024,
            timeout: Duration::from_secs(30),
            tls: None,
            behind_tls_proxy: false,
        };
        let mut tls_cert = None;
        let mut tls_key = None;
        let mut args = args.into_iter().map(Into::into);
        while let Some(arg) = args.next() {
            let (flag, inline_value) = match arg.split_once('=') {
                Some((flag, value)) if flag.starts_with("--") => {
                    (flag.to_string(), Some(value.to_string()))
                }
                _ => (arg.clone(), None),
            };
            let switch = |config_flag: &mut bool| match &inline_value {
                None => {
                    *config_flag = true;
                    Ok(())
                }
                Some(_) => Err(invalid(format!("{flag} takes no value"))),
            };
            let mut value = || {
                inline_value
                    .clone()
                    .or_else(|| args.next())
                    .ok_or_else(|| invalid(format!("{flag} needs a value")))
            };
            match flag.as_str() {
                "--help" | "-h" => return Err(ConfigError::Help),
                "--allow-origin" => config.origins.add(&value()?).map_err(invalid)?,
                "--listen" => {
                    let text = value()?;
                    config.listen = text.parse().map_err(|_| {
                        invalid(format!(
                            "--listen {text}: give an address and port, e.g. 127.0.0.1:8788"
                        ))
                    })?;
                }
                "--upstream" => {
                    let text = value()?;
                    let (name, url) = text.split_once('=').ok_or_else(|| {
                        invalid(format!("--upstream {text}: give NAME=URL, e.g. voice-widget=https://voice.example.com"))
                    })?;
                    config.upstreams.set(name, url).map_err(invalid)?;
                }
                "--allow-private-upstreams" => switch(&mut config.allow_private_upstreams)?,
                "--behind-tls-proxy" => switch(&mut config.behind_tls_proxy)?,
                "--max-requests-per-minute" => {
                    config.max_requests_per_minute = positive(&flag, &value()?)?
                }
                "--max-response-bytes" => config.max_response_bytes = positive(&flag, &value()?)?,
                "--timeout-secs" => {
                    config.timeout = Duration::from_secs(positive(&flag, &value()?)?)
                }
                "--tls-cert" => tls_cert = Some(PathBuf::from(value()?)),
                "--tls-key" => tls_key = Some(PathBuf::from(value()?)),
                _ => return Err(invalid(format!("unknown flag {arg} (see --help)"))),
            }
        }
        config.tls = match (tls_cert, tls_key) {
            (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
            (None, None) => None,
            _ => return Err(invalid("--tls-cert and --tls-key go together".into())),
        };
        config.check()?;
        Ok(config)
    }

    /// Rules across flags.
    fn check(&self) -> Result<(), ConfigError> {
        if self.origins.is_empty() {
            return Err(ConfigError::Invalid(
                "give the app's origin with --allow-origin, e.g. --allow-origin https://tools.example.com \
                 (the relay serves no web page but the app's)"
                    .into(),
            ));
        }
        if !self.listen.ip().is_loopback() && self.tls.is_none() && !self.behind_tls_proxy {
            return Err(ConfigError::Invalid(format!(
                "--listen {}: keys would cross the network in plain http. Serve https with \
                 --tls-cert FILE --tls-key FILE, or pass --behind-tls-proxy if a TLS reverse \
                 proxy sits in front (the app only connects to https or to loopback addresses)",
                self.listen
            )));
        }
        // An upstream written as an IP address never goes through the checking resolver, so
        // it is checked here, once.
        if !self.allow_private_upstreams {
            for upstream in self.upstreams.iter() {
                let literal = upstream
                    .base
                    .host_str()
                    .map(|host| host.trim_start_matches('[').trim_end_matches(']'))
                    .and_then(|host| host.parse::<IpAddr>().ok());
                if let Some(ip) = literal.filter(|ip| !ssrf::is_public(*ip)) {
                    return Err(ConfigError::Invalid(format!(
                        "--upstream {}={}: {ip} is not a public address; pass \
                         --allow-private-upstreams to relay to it",
                        upstream.name, upstream.base
                    )));
                }
            }
        }
        Ok(())
    }

    /// The base URL to type into the app for each upstream, e.g. `http://127.0.0.1:8788/humind`.
    pub fn app_base_urls(&self, local: SocketAddr) -> Vec<(String, String)> {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        self.upstreams
            .iter()
            .map(|upstream| {
                (
                    upstream.name.clone(),
                    format!("{scheme}://{local}/{}", upstream.name),
                )
            })
            .collect()
    }
}

fn positive<N: std::str::FromStr + PartialOrd + Default>(
    flag: &str,
    text: &str,
) -> Result<N, ConfigError> {
    match text.parse::<N>() {
        Ok(number) if number > N::default() => Ok(number),
        _ => Err(ConfigError::Invalid(format!(
            "{flag} {text}: give a whole number above 0"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Config, ConfigError> {
        Config::from_args(args.iter().copied())
    }

    fn error(args: &[&str]) -> String {
        match parse(args) {
            Err(ConfigError::Invalid(message)) => message,
            other => panic!("expected an error for {args:?}, got {other:?}"),
        }
    }

    const ORIGIN: &str = "--allow-origin=https://tools.example.com";

    #[test]
    fn the_defaults_are_loopback_and_the_vendor_table() {
        let config = parse(&[ORIGIN]).unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:8788");
        assert_eq!(
            config.upstreams.names(),
            "huechat, humind, mindo, talktohumans"
        );
        assert_eq!(config.max_requests_per_minute, 600);
        assert_eq!(config.timeout, Duration::from_secs(30));
        assert!(!config.allow_private_upstreams);
        assert_eq!(
            config.app_base_urls(config.listen)[1],
            (
                "humind".to_string(),
                "http://127.0.0.1:8788/humind".to_string()
            )
        );
    }

    #[test]
    fn flags_are_read() {
        let config = parse(&[
            "--allow-origin",
            "https://a.example.com",
            "--allow-origin",
            "http://127.0.0.1:8080",
            "--upstream",
            "voice-widget=https://voice.example.com",
            "--upstream",
            "humind=http://127.0.0.1:8787/humind/public/v1",
            "--allow-private-upstreams",
            "--max-requests-per-minute",
            "5",
            "--max-response-bytes=1000",
            "--timeout-secs",
            "2",
            "--listen",
            "0.0.0.0:9000",
            "--behind-tls-proxy",
        ])
        .unwrap();
        assert_eq!(config.origins.iter().count(), 2);
        assert_eq!(
            config.upstreams.get("humind").unwrap().base.as_str(),
            "http://127.0.0.1:8787/humind/public/v1"
        );
        assert!(config.upstreams.get("voice-widget").is_some());
        assert_eq!(
            (config.max_requests_per_minute, config.max_response_bytes),
            (5, 1000)
        );
        assert_eq!(config.timeout, Duration::from_secs(2));
        assert!(config.behind_tls_proxy);
    }

    #[test]
    fn bad_flags_say_what_is_wrong() {
        assert!(error(&[]).contains("--allow-origin"));
        assert!(error(&["--allow-origin", "*"]).contains("name the app's origin"));
        assert!(error(&[ORIGIN, "--bogus"]).contains("unknown flag --bogus"));
        assert!(error(&[ORIGIN, "--listen"]).contains("--listen needs a value"));
        assert!(error(&[ORIGIN, "--listen", "nowhere"]).contains("address and port"));
        assert!(error(&[ORIGIN, "--timeout-secs", "0"]).contains("above 0"));
        assert!(error(&[ORIGIN, "--max-response-bytes", "-1"]).contains("above 0"));
        assert!(error(&[ORIGIN, "--upstream", "x"]).contains("NAME=URL"));
        assert!(error(&[ORIGIN, "--upstream", "x=ftp://example.com"]).contains("http and https"));
        assert!(error(&[ORIGIN, "--tls-cert", "a.pem"]).contains("go together"));
        assert!(error(&[ORIGIN, "--allow-private-upstreams=yes"]).contains("takes no value"));
        assert_eq!(parse(&["--help"]).unwrap_err(), ConfigError::Help);
    }

    #[test]
    fn plain_http_off_loopback_is_refused() {
        assert!(error(&[ORIGIN, "--listen", "0.0.0.0:8788"]).contains("--tls-cert"));
        assert!(parse(&[ORIGIN, "--listen", "0.0.0.0:8788", "--behind-tls-proxy"]).is_ok());
        assert!(parse(&[
            ORIGIN,
            "--listen",
            "0.0.0.0:8788",
            "--tls-cert",
            "c",
            "--tls-key",
            "k"
        ])
        .is_ok());
        assert!(parse(&[ORIGIN, "--listen", "[::1]:8788"]).is_ok());
    }

    #[test]
    fn a_private_ip_upstream_needs_the_flag() {
        let args = [
            ORIGIN,
            "--upstream",
            "local=http://127.0.0.1:8787/humind/public/v1",
        ];
        assert!(error(&args).contains("--allow-private-upstreams"));
        assert!(
            error(&[ORIGIN, "--upstream", "meta=http://169.254.169.254"])
                .contains("not a public address")
        );
        assert!(
            error(&[ORIGIN, "--upstream", "v6=http://[::1]:80"]).contains("not a public address")
        );
        let mut allowed = args.to_vec();
        allowed.push("--allow-private-upstreams");
        assert!(parse(&allowed).is_ok());
    }
}
