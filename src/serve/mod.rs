//! `kzclaims serve`: a local, read-only page that follows your edits. It
//! serves the memo (the HTML report) as of any date, the timeline, a diff
//! between two dates, sensitivity and what to find out next, re-renders when a
//! workspace file changes and tells open pages to reload (server-sent events).
//!
//! Security model (docs/serve.md): it binds 127.0.0.1 unless told otherwise,
//! answers only requests whose Host header names the address it is bound to
//! (DNS rebinding), serves only pages it generates and its one embedded
//! script (no request path reaches the file system), never writes to the
//! workspace, and sends a strict Content-Security-Policy.

mod pages;
mod watch;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The script every served page loads: live reload, and sorting the matrix.
pub const LIVE_JS: &str = concat!(include_str!("live.js"), include_str!("../report/sort.js"));

/// Content-Security-Policy of every response. Styles are inline in the memo
/// template ('unsafe-inline' for style only: no script can run from it);
/// the one script is served from here ('self').
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// What the server needs to know.
pub struct Options {
    pub root: PathBuf,
    pub addr: SocketAddr,
}

/// The open event streams: each gets the new version number on a reload.
#[derive(Default, Clone)]
pub struct Clients(Arc<Mutex<Vec<Sender<u64>>>>);

impl Clients {
    fn add(&self) -> Receiver<u64> {
        let (tx, rx) = channel();
        self.0.lock().expect("not poisoned").push(tx);
        rx
    }
    /// Tell every open page to reload; forget the ones that went away.
    pub fn broadcast(&self, version: u64) {
        self.0
            .lock()
            .expect("not poisoned")
            .retain(|tx| tx.send(version).is_ok());
    }
}

/// Serve one event stream on the raw connection: headers, then an event per
/// reload, flushed at once; a comment every 15 s so that a closed page is
/// noticed; the end when the server stops or the page goes away.
fn event_stream(req: tiny_http::Request, rx: Receiver<u64>, stop: Arc<AtomicBool>) {
    use std::io::Write;
    let mut w = req.into_writer();
    let mut head =
        String::from("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n");
    for (k, v) in SECURITY_HEADERS {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n: connected\n\n");
    if w.write_all(head.as_bytes())
        .and_then(|_| w.flush())
        .is_err()
    {
        return;
    }
    let mut idle = 0u32;
    while !stop.load(Ordering::SeqCst) {
        let msg = match rx.recv_timeout(Duration::from_millis(500)) {
            Ok(u64::MAX) | Err(RecvTimeoutError::Disconnected) => return,
            Ok(v) => format!("event: reload\ndata: {v}\n\n"),
            Err(RecvTimeoutError::Timeout) => {
                idle += 1;
                if !idle.is_multiple_of(30) {
                    continue;
                }
                ": keep-alive\n\n".to_string()
            }
        };
        if w.write_all(msg.as_bytes()).and_then(|_| w.flush()).is_err() {
            return;
        }
    }
}

/// Headers every response carries.
const SECURITY_HEADERS: [(&str, &str); 5] = [
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Cache-Control", "no-store"),
];

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

fn security_headers() -> Vec<tiny_http::Header> {
    SECURITY_HEADERS.iter().map(|(k, v)| header(k, v)).collect()
}

fn respond(req: tiny_http::Request, status: u16, content_type: &str, body: String) {
    let mut r = tiny_http::Response::from_string(body).with_status_code(status);
    r.add_header(header("Content-Type", content_type));
    for h in security_headers() {
        r.add_header(h);
    }
    let _ = req.respond(r);
}

/// Whether the Host header names the address the server is bound to.
fn host_ok(req: &tiny_http::Request, addr: SocketAddr) -> bool {
    let Some(host) = req
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_ascii_lowercase())
    else {
        return false;
    };
    let port = addr.port();
    let mut allowed = vec![format!("{}:{port}", addr.ip())];
    if addr.ip().is_loopback() {
        allowed.push(format!("localhost:{port}"));
        allowed.push(format!("127.0.0.1:{port}"));
        allowed.push(format!("[::1]:{port}"));
    }
    allowed.contains(&host)
}

/// Run until Ctrl-C (or `stop` is set). Prints the address on stdout first.
pub fn run(opts: Options, stop: Arc<AtomicBool>) -> Result<(), String> {
    let server = tiny_http::Server::http(opts.addr).map_err(|e| {
        format!(
            "cannot listen on {}: {e} (is the port taken? try --port 0 for a free one)",
            opts.addr
        )
    })?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or("the server is not on an IP address")?;
    let server = Arc::new(server);
    let state = watch::State::load(&opts.root);
    let clients = Clients::default();
    let _watcher = watch::spawn(opts.root.clone(), state.clone(), clients.clone())?;
    {
        let server = server.clone();
        let stop = stop.clone();
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(100));
            }
            server.unblock();
        });
    }
    let title = state.title();
    println!("Serving {title} at http://{addr}/ (Ctrl-C to stop)");
    use std::io::Write;
    let _ = std::io::stdout().flush();
    for req in server.incoming_requests() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let state = state.clone();
        let clients = clients.clone();
        let stop = stop.clone();
        std::thread::spawn(move || handle(req, addr, &state, &clients, stop));
    }
    stop.store(true, Ordering::SeqCst);
    clients.broadcast(u64::MAX);
    Ok(())
}

fn handle(
    req: tiny_http::Request,
    addr: SocketAddr,
    state: &watch::State,
    clients: &Clients,
    stop: Arc<AtomicBool>,
) {
    if !host_ok(&req, addr) {
        return respond(
            req,
            403,
            "text/plain; charset=utf-8",
            "kzclaims serve answers only requests addressed to it (Host header)\n".into(),
        );
    }
    if *req.method() != tiny_http::Method::Get && *req.method() != tiny_http::Method::Head {
        return respond(req, 405, "text/plain; charset=utf-8", "read-only\n".into());
    }
    let url = req.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((url.as_str(), ""));
    let q = pages::query(query);
    match path {
        "/events" => event_stream(req, clients.add(), stop),
        "/assets/live.js" => respond(
            req,
            200,
            "text/javascript; charset=utf-8",
            LIVE_JS.to_string(),
        ),
        "/" | "/timeline" | "/diff" | "/sensitivity" | "/collect" => {
            let (status, body) = pages::page(state, path, &q);
            respond(req, status, "text/html; charset=utf-8", body)
        }
        _ => respond(
            req,
            404,
            "text/plain; charset=utf-8",
            "not found: kzclaims serve has /, /timeline, /diff, /sensitivity and /collect\n".into(),
        ),
    }
}
