//! The simulator over HTTP inside the test process: each test gets its own world on a port of
//! its own, can move it on (the same world a day later, as `/_sim/later` does) and make it fail
//! (revoke the key from the n-th request on), and the CLI talks to it as it would to a vendor.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

use conversation_export::vendors::VendorId;
use sim::faults::Fault;
use sim::{Later, World, WorldConfig};

pub struct SimServer {
    pub origin: String,
    /// What the world was started from.
    config: WorldConfig,
    pub world: Arc<RwLock<World>>,
    /// Vendor requests answered.
    pub requests: Arc<AtomicUsize>,
    /// From this request on, the key is revoked (401); `usize::MAX`: never.
    pub revoke_from: Arc<AtomicUsize>,
    /// Every answer is a 400 that repeats the request's headers, as a careless vendor might.
    pub echo_headers: Arc<AtomicBool>,
}

impl SimServer {
    pub fn start(conversations: usize) -> SimServer {
        let config = WorldConfig {
            conversations,
            ..WorldConfig::default()
        };
        let world = World::generate(&config);
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let server = SimServer {
            origin,
            config,
            world: Arc::new(RwLock::new(world)),
            requests: Arc::new(AtomicUsize::new(0)),
            revoke_from: Arc::new(AtomicUsize::new(usize::MAX)),
            echo_headers: Arc::new(AtomicBool::new(false)),
        };
        let shared = server.shared();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = shared.clone();
                std::thread::spawn(move || {
                    let _ = shared.answer(stream);
                });
            }
        });
        server
    }

    fn shared(&self) -> Shared {
        Shared {
            world: self.world.clone(),
            requests: self.requests.clone(),
            revoke_from: self.revoke_from.clone(),
            echo_headers: self.echo_headers.clone(),
        }
    }

    pub fn base_url(&self, vendor: VendorId) -> String {
        vendor.simulator_base_url(&self.origin)
    }

    /// Moves the world on a day: `changed_percent` of each vendor's conversations gained
    /// messages and `new_conversations` started, all after everything it held before.
    pub fn a_day_later(&self, changed_percent: f64, new_conversations: usize) {
        *self.world.write().unwrap() = World::generate(&WorldConfig {
            later: Some(Later {
                changed_percent,
                new_conversations,
            }),
            ..self.config.clone()
        });
    }
}

#[derive(Clone)]
struct Shared {
    world: Arc<RwLock<World>>,
    requests: Arc<AtomicUsize>,
    revoke_from: Arc<AtomicUsize>,
    echo_headers: Arc<AtomicBool>,
}

impl Shared {
    fn answer(&self, stream: TcpStream) -> std::io::Result<()> {
        let mut reader = BufReader::new(stream.try_clone()?);
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let target = line.split_whitespace().nth(1).unwrap_or("/").to_string();
        let mut headers = Vec::new();
        loop {
            let mut header = String::new();
            reader.read_line(&mut header)?;
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
            }
        }
        let number = self.requests.fetch_add(1, Ordering::SeqCst);
        let mut response = self
            .world
            .read()
            .unwrap()
            .respond_to_url(&target, &headers, number);
        if number >= self.revoke_from.load(Ordering::SeqCst) {
            response = Fault::Revoked
                .apply(&target, response)
                .expect("revoked applies everywhere");
        }
        if self.echo_headers.load(Ordering::SeqCst) {
            let echoed: Vec<String> = headers.iter().map(|(n, v)| format!("{n}: {v}")).collect();
            response = sim::SimResponse::error(
                400,
                "bad_request",
                &format!("Unexpected headers: {}", echoed.join("; ")),
                serde_json::Value::Null,
            );
        }
        let mut out = stream;
        let mut head = format!(
            "HTTP/1.1 {} X\r\ncontent-length: {}\r\nconnection: close\r\n",
            response.status,
            response.body.len()
        );
        for (name, value) in &response.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        out.write_all(head.as_bytes())?;
        out.write_all(&response.body)?;
        out.flush()
    }
}
