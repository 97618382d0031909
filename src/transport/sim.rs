//! The simulator as a transport: Demo mode in the browser and the engine's host tests.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use sim::faults::{Fault, FaultSchedule};
use sim::World;

use super::{Body, Transport, TransportError};
use crate::engine::clock::Clock;
use crate::http::{Request, ResponseHead};

pub struct SimTransport<C: Clock> {
    world: Rc<World>,
    clock: C,
    /// Added before every response, as a network would.
    pub latency_ms: f64,
    /// Bodies are delivered in chunks of this many bytes, to exercise streaming readers.
    pub chunk_size: usize,
    pub faults: FaultSchedule,
    requests: Cell<usize>,
    in_flight: Cell<usize>,
    max_in_flight: Cell<usize>,
    /// The URLs requested, in order (never the key: headers are not logged).
    pub log: RefCell<Vec<String>>,
}

impl<C: Clock> SimTransport<C> {
    pub fn new(world: impl Into<Rc<World>>, clock: C) -> Self {
        SimTransport {
            world: world.into(),
            clock,
            latency_ms: 0.0,
            chunk_size: 64 * 1024,
            faults: FaultSchedule::none(),
            requests: Cell::new(0),
            in_flight: Cell::new(0),
            max_in_flight: Cell::new(0),
            log: RefCell::new(Vec::new()),
        }
    }

    pub fn world(&self) -> &World {
        &self.world
    }

    /// The world, to keep after the transport is gone.
    pub fn shared_world(&self) -> Rc<World> {
        self.world.clone()
    }

    pub fn clock(&self) -> &C {
        &self.clock
    }

    pub fn request_count(&self) -> usize {
        self.requests.get()
    }

    /// The most requests that were in flight at once.
    pub fn max_in_flight(&self) -> usize {
        self.max_in_flight.get()
    }
}

/// Counts a request in flight for as long as it lives.
struct InFlight<'a>(&'a Cell<usize>);

impl<'a> InFlight<'a> {
    fn new(count: &'a Cell<usize>, max: &Cell<usize>) -> Self {
        count.set(count.get() + 1);
        max.set(max.get().max(count.get()));
        InFlight(count)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get() - 1);
    }
}

pub struct SimBody {
    chunks: VecDeque<Vec<u8>>,
}

impl Body for SimBody {
    async fn chunk(&mut self) -> Result<Option<Vec<u8>>, TransportError> {
        Ok(self.chunks.pop_front())
    }
}

impl<C: Clock> Transport for SimTransport<C> {
    type Body = SimBody;

    async fn send(
        &self,
        request: &Request,
        timeout_ms: u64,
    ) -> Result<(ResponseHead, SimBody), TransportError> {
        let number = self.requests.get();
        self.requests.set(number + 1);
        let _in_flight = InFlight::new(&self.in_flight, &self.max_in_flight);
        self.log.borrow_mut().push(request.url.clone());
        let fault = self.faults.fault_for(number).cloned();
        match fault {
            Some(Fault::Drop) => {
                if self.latency_ms > 0.0 {
                    self.clock.sleep(self.latency_ms).await;
                }
                return Err(TransportError::Network("connection closed".into()));
            }
            // A browser refuses an answer without CORS headers before the page sees it.
            Some(Fault::NoCors) => {
                return Err(TransportError::Network("blocked by CORS policy".into()))
            }
            Some(Fault::Slow) => {
                self.clock.sleep(timeout_ms as f64).await;
                return Err(TransportError::Timeout);
            }
            _ => {}
        }
        if self.latency_ms > 0.0 {
            self.clock.sleep(self.latency_ms).await;
        }
        let mut response = self
            .world
            .respond_to_url(&request.url, &request.headers, number);
        let mut hide_retry_after = false;
        if let Some(fault) = &fault {
            if let Fault::RateLimit { exposed, .. } = fault {
                hide_retry_after = !exposed;
            }
            if let Some(faulty) = fault.apply(&request.url, response.clone()) {
                response = faulty;
            }
        }
        let headers = response
            .headers
            .iter()
            .filter(|(name, _)| !(hide_retry_after && name == "retry-after"))
            .cloned()
            .collect();
        let chunk_size = self.chunk_size.max(1);
        let chunks = response
            .body
            .chunks(chunk_size)
            .map(<[u8]>::to_vec)
            .collect();
        Ok((
            ResponseHead {
                status: response.status,
                headers,
            },
            SimBody { chunks },
        ))
    }
}
