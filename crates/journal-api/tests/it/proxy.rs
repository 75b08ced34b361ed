//! A fault-injecting HTTP/1.1 proxy on 127.0.0.1 between the sync client and a journal server.
//!
//! It reads each request whole, asks the test's rule what to do with it, and then passes it on,
//! drops it, sends it twice at once, holds it, loses the server's reply after the server answered
//! (committed), or cuts the reply short. Every request it saw is logged with what was done and
//! the status the server gave, so tests can assert where a fault happened. Plain threads and
//! blocking sockets: the proxy must not depend on the client's or the server's runtime.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// What the proxy does with one request.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Forward it and return the reply.
    Pass,
    /// Close the client's connection without forwarding: the server never sees the request.
    DropRequest,
    /// Forward it, read the server's whole reply (it has committed), then close the client's
    /// connection without a byte of the reply.
    LoseReply,
    /// Forward it twice at the same time on two connections; the client gets one of the replies.
    Duplicate,
    /// Wait, then forward.
    Delay(Duration),
    /// Wait until the gate opens, then forward (lets a test order deliveries exactly).
    Hold(Arc<Gate>),
    /// Forward it, then return the reply's head and only half of its body, and close.
    Truncate,
}

impl Fault {
    pub fn name(&self) -> &'static str {
        match self {
            Fault::Pass => "pass",
            Fault::DropRequest => "drop_request",
            Fault::LoseReply => "lose_reply",
            Fault::Duplicate => "duplicate",
            Fault::Delay(_) => "delay",
            Fault::Hold(_) => "hold",
            Fault::Truncate => "truncate",
        }
    }
}

/// A one-way gate: requests held on it wait until [`Gate::open`].
#[derive(Debug, Default)]
pub struct Gate {
    open: Mutex<bool>,
    cv: Condvar,
}

impl Gate {
    pub fn new() -> Arc<Gate> {
        Arc::new(Gate::default())
    }

    pub fn open(&self) {
        if let Ok(mut o) = self.open.lock() {
            *o = true;
        }
        self.cv.notify_all();
    }

    fn wait(&self) {
        let Ok(mut o) = self.open.lock() else { return };
        while !*o {
            match self.cv.wait_timeout(o, Duration::from_secs(30)) {
                Ok((g, t)) if !t.timed_out() => o = g,
                // Never hang a test forever on a forgotten gate.
                Ok(_) | Err(_) => return,
            }
        }
    }
}

/// The head of a request as the rule sees it.
#[derive(Debug, Clone)]
pub struct RequestHead {
    /// Path with the query, as sent (e.g. `/api/v1/sync/pull?after=3&limit=1000`).
    pub target: String,
}

impl RequestHead {
    /// Whether this is a request to the API route `route` (e.g. `/sync/push`), ignoring the query.
    pub fn is(&self, route: &str) -> bool {
        let path = self.target.split('?').next().unwrap_or_default();
        path == format!("/api/v1{route}")
    }
}

/// One request the proxy handled.
#[derive(Debug, Clone)]
pub struct Seen {
    pub head: RequestHead,
    pub fault: &'static str,
    /// The status line code of the server's reply (first reply for a duplicate); None if the
    /// request never reached the server or the server did not answer.
    pub upstream_status: Option<u16>,
}

type Rule = Box<dyn FnMut(&RequestHead) -> Fault + Send>;

struct Shared {
    upstream: SocketAddr,
    rule: Mutex<Rule>,
    log: Mutex<Vec<Seen>>,
    stop: AtomicBool,
}

pub struct Proxy {
    /// The base URL to give the client instead of the server's (`http://127.0.0.1:PORT`).
    pub url: String,
    addr: SocketAddr,
    shared: Arc<Shared>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Proxy {
    /// A proxy to the server at `server_url` (`http://127.0.0.1:PORT`) that passes everything.
    pub fn start(server_url: &str) -> Proxy {
        let upstream: SocketAddr = server_url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .expect("the test server's URL is http://IP:PORT");
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port for the proxy");
        let addr = listener.local_addr().expect("the proxy has an address");
        let shared = Arc::new(Shared {
            upstream,
            rule: Mutex::new(Box::new(|_| Fault::Pass)),
            log: Mutex::new(Vec::new()),
            stop: AtomicBool::new(false),
        });
        let s = shared.clone();
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let s = s.clone();
                std::thread::spawn(move || serve_client(conn, &s));
            }
        });
        Proxy {
            url: format!("http://{addr}"),
            addr,
            shared,
            thread: Some(thread),
        }
    }

    /// Decides the fault of every following request.
    pub fn set_rule(&self, rule: impl FnMut(&RequestHead) -> Fault + Send + 'static) {
        if let Ok(mut r) = self.shared.rule.lock() {
            *r = Box::new(rule);
        }
    }

    /// The next requests to `route` get `faults` in order; everything else passes.
    pub fn script(&self, route: &'static str, faults: Vec<Fault>) {
        let mut queue = std::collections::VecDeque::from(faults);
        self.set_rule(move |head| {
            if head.is(route) {
                queue.pop_front().unwrap_or(Fault::Pass)
            } else {
                Fault::Pass
            }
        });
    }

    /// The next requests, whatever their route, get `faults` in order; then everything passes.
    pub fn script_any(&self, faults: Vec<Fault>) {
        let mut queue = std::collections::VecDeque::from(faults);
        self.set_rule(move |_| queue.pop_front().unwrap_or(Fault::Pass));
    }

    /// Passes everything from now on.
    pub fn heal(&self) {
        self.set_rule(|_| Fault::Pass);
    }

    /// Every request handled so far, in arrival order.
    pub fn log(&self) -> Vec<Seen> {
        self.shared
            .log
            .lock()
            .map(|l| l.clone())
            .unwrap_or_default()
    }

    /// The handled requests to `route`.
    pub fn seen(&self, route: &str) -> Vec<Seen> {
        self.log()
            .into_iter()
            .filter(|s| s.head.is(route))
            .collect()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// One HTTP message read whole: the head (up to and including the blank line) and the body.
struct Message {
    head: Vec<u8>,
    body: Vec<u8>,
}

impl Message {
    fn bytes(&self) -> Vec<u8> {
        let mut b = self.head.clone();
        b.extend_from_slice(&self.body);
        b
    }

    fn first_line(&self) -> String {
        String::from_utf8_lossy(&self.head)
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn header_value(head: &str, name: &str) -> Option<String> {
    head.lines().skip(1).find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().to_string())
    })
}

/// Reads one HTTP/1.1 message (Content-Length or chunked body); None on a clean end of stream
/// before any byte, or on any error.
fn read_message(stream: &mut TcpStream) -> Option<Message> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = buf[..head_end].to_vec();
    let mut body = buf[head_end..].to_vec();
    let head_text = String::from_utf8_lossy(&head).to_string();
    let chunked = header_value(&head_text, "transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        while find(&body, b"0\r\n\r\n").is_none_or(|i| i + 5 != body.len()) {
            let n = stream.read(&mut chunk).ok()?;
            if n == 0 {
                return None;
            }
            body.extend_from_slice(&chunk[..n]);
        }
    } else {
        let len: usize = header_value(&head_text, "content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        while body.len() < len {
            let n = stream.read(&mut chunk).ok()?;
            if n == 0 {
                return None;
            }
            body.extend_from_slice(&chunk[..n]);
        }
        body.truncate(len);
    }
    Some(Message { head, body })
}

/// Sends `request` to the server on a fresh connection and reads its reply.
fn forward(upstream: SocketAddr, request: &[u8]) -> Option<Message> {
    let mut up = TcpStream::connect(upstream).ok()?;
    up.set_read_timeout(Some(Duration::from_secs(60))).ok()?;
    up.write_all(request).ok()?;
    let reply = read_message(&mut up);
    let _ = up.shutdown(Shutdown::Both);
    reply
}

fn status_of(reply: &Message) -> Option<u16> {
    reply.first_line().split_whitespace().nth(1)?.parse().ok()
}

fn serve_client(mut client: TcpStream, shared: &Shared) {
    let _ = client.set_read_timeout(Some(Duration::from_secs(120)));
    while let Some(request) = read_message(&mut client) {
        let line = request.first_line();
        let head = RequestHead {
            target: line
                .split_whitespace()
                .nth(1)
                .unwrap_or_default()
                .to_string(),
        };
        let fault = match shared.rule.lock() {
            Ok(mut rule) => rule(&head),
            Err(_) => Fault::Pass,
        };
        let bytes = request.bytes();
        let (reply, keep_open) = match &fault {
            Fault::Pass => (forward(shared.upstream, &bytes), true),
            Fault::Delay(d) => {
                std::thread::sleep(*d);
                (forward(shared.upstream, &bytes), true)
            }
            Fault::Hold(gate) => {
                gate.wait();
                (forward(shared.upstream, &bytes), true)
            }
            Fault::DropRequest => (None, false),
            Fault::LoseReply | Fault::Truncate => (forward(shared.upstream, &bytes), false),
            Fault::Duplicate => {
                let up = shared.upstream;
                let twin = bytes.clone();
                let other = std::thread::spawn(move || forward(up, &twin));
                let first = forward(shared.upstream, &bytes);
                let second = other.join().ok().flatten();
                (first.or(second), true)
            }
        };
        if let Ok(mut log) = shared.log.lock() {
            log.push(Seen {
                head: head.clone(),
                fault: fault.name(),
                upstream_status: reply.as_ref().and_then(status_of),
            });
        }
        let Some(reply) = reply else {
            let _ = client.shutdown(Shutdown::Both);
            return;
        };
        match fault {
            Fault::LoseReply | Fault::DropRequest => {
                let _ = client.shutdown(Shutdown::Both);
                return;
            }
            Fault::Truncate => {
                let _ = client.write_all(&reply.head);
                let _ = client.write_all(&reply.body[..reply.body.len() / 2]);
                let _ = client.flush();
                let _ = client.shutdown(Shutdown::Both);
                return;
            }
            _ => {}
        }
        if client.write_all(&reply.bytes()).is_err() || !keep_open {
            let _ = client.shutdown(Shutdown::Both);
            return;
        }
    }
}
