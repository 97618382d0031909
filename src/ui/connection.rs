//! Where the page's requests go: the simulator inside the page (Demo mode), or the vendor
//! through the browser's `fetch`. Chosen once, when an export starts; everything after that
//! (the run, Resume, a transcript's Reload) goes through the same `Connection`.

use crate::engine::clock::BrowserClock;
use crate::http::{Request, ResponseHead};
use crate::transport::sim::{SimBody, SimTransport};
use crate::transport::web::{FetchBody, FetchTransport};
use crate::transport::{Body, Transport, TransportError};

pub enum Connection {
    Demo(SimTransport<BrowserClock>),
    Vendor(FetchTransport),
}

impl Connection {
    pub fn new(demo: bool) -> Self {
        if demo {
            Connection::Demo(super::demo::transport())
        } else {
            Connection::Vendor(FetchTransport)
        }
    }
}

pub enum ConnectionBody {
    Demo(SimBody),
    Vendor(FetchBody),
}

impl Body for ConnectionBody {
    async fn chunk(&mut self) -> Result<Option<Vec<u8>>, TransportError> {
        match self {
            ConnectionBody::Demo(body) => body.chunk().await,
            ConnectionBody::Vendor(body) => body.chunk().await,
        }
    }
}

impl Transport for Connection {
    type Body = ConnectionBody;

    async fn send(
        &self,
        request: &Request,
        timeout_ms: u64,
    ) -> Result<(ResponseHead, ConnectionBody), TransportError> {
        match self {
            Connection::Demo(sim) => {
                let (head, body) = sim.send(request, timeout_ms).await?;
                Ok((head, ConnectionBody::Demo(body)))
            }
            Connection::Vendor(fetch) => {
                let (head, body) = fetch.send(request, timeout_ms).await?;
                Ok((head, ConnectionBody::Vendor(body)))
            }
        }
    }
}
