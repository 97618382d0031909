//! Listening: plain http on loopback, or https with the relay's own certificate.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::serve::ListenerExt;
use axum_server::accept::NoDelayAcceptor;
use axum_server::tls_rustls::{RustlsAcceptor, RustlsConfig};
use tokio::task::JoinHandle;

use crate::config::Config;
use crate::handler::{router, RelayState};
use crate::log::LogSink;

/// A relay that is listening.
pub struct Running {
    /// The bound address (the port is the real one when `--listen` asked for port 0).
    pub address: SocketAddr,
    pub server: JoinHandle<io::Result<()>>,
}

/// rustls (for both the outbound client and `--tls-cert`) uses ring, installed once as the
/// process's provider. An `Err` means a provider is installed already, which is all it needs.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Binds `config.listen` and serves the relay on it in a spawned task; every failure to start
/// (port taken, unreadable certificate...) is a message for the person starting it.
pub async fn start(config: &Config, log: Arc<dyn LogSink>) -> Result<Running, String> {
    install_crypto_provider();
    let app =
        router(RelayState::new(config, log)?).into_make_service_with_connect_info::<SocketAddr>();
    let cannot_listen = |error: io::Error| format!("cannot listen on {}: {error}", config.listen);
    let listener = std::net::TcpListener::bind(config.listen).map_err(cannot_listen)?;
    listener.set_nonblocking(true).map_err(cannot_listen)?;
    let address = listener.local_addr().map_err(cannot_listen)?;

    let server = match &config.tls {
        Some(files) => {
            let tls = RustlsConfig::from_pem_file(&files.cert, &files.key)
                .await
                .map_err(|error| {
                    format!(
                        "--tls-cert {} --tls-key {}: {error}",
                        files.cert.display(),
                        files.key.display()
                    )
                })?;
            // TCP_NODELAY: without it a response written in two segments can wait for the
            // client's delayed acknowledgement, tens of milliseconds a request.
            let acceptor = RustlsAcceptor::new(tls).acceptor(NoDelayAcceptor::new());
            let server = axum_server::from_tcp(listener)
                .map_err(cannot_listen)?
                .acceptor(acceptor);
            tokio::spawn(server.serve(app))
        }
        None => {
            let listener = tokio::net::TcpListener::from_std(listener)
                .map_err(cannot_listen)?
                .tap_io(|stream| {
                    let _ = stream.set_nodelay(true);
                });
            tokio::spawn(async move { axum::serve(listener, app).await })
        }
    };
    Ok(Running { address, server })
}
