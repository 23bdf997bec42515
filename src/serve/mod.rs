//! `kzclaims serve`: a local, read-only page that follows your edits. It
//! serves the memo (the HTML report) as of any date, the timeline, a diff
//! between two dates, sensitivity and what to find out next, re-renders when a
//! workspace file changes and tells open pages to reload (server-sent events).
//!
//! Security model (docs/serve.md): it binds 127.0.0.1 unless told otherwise,
//! answers only requests whose Host header names this machine at its port
//! (DNS rebinding: [`hosts::Allowed`]), serves only pages it generates and its
//! one embedded script (no request path reaches the file system), never
//! writes to the workspace, and sends a strict Content-Security-Policy.
//!
//! Under load (issue 19): a fixed pool of [`WORKERS`] threads answers the
//! requests, fed by a queue of at most [`QUEUE`] accepted connections (past
//! it a connection gets 503 at once); a request's head must arrive within
//! [`READ_TIMEOUT`]; at most [`MAX_STREAMS`] live-reload streams are held,
//! all by one thread. An accept that fails (no file handles left) is logged
//! and retried; a worker that cannot be started is logged, and the server
//! runs with those that could.

mod hosts;
mod pages;
mod watch;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The script every served page loads: live reload, and sorting the matrix.
pub(crate) const LIVE_JS: &str = concat!(
    include_str!("live.js"),
    include_str!("../report/memo/sort.js")
);

/// Content-Security-Policy of every response. Styles are inline in the memo
/// template ('unsafe-inline' for style only: no script can run from it);
/// the one script is served from here ('self').
pub(crate) const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Threads that answer requests (a page renders in well under a second).
pub(crate) const WORKERS: usize = 8;
/// Accepted connections waiting for a worker; past this a connection is
/// answered 503 by the accepting thread and closed.
pub(crate) const QUEUE: usize = 64;
/// Open live-reload streams (one per open page); past this, 503.
pub(crate) const MAX_STREAMS: usize = 256;
/// How long a request's head may take to arrive, counted from the accept
/// (time spent waiting in the queue counts too).
pub(crate) const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// How long writing a response may block.
pub(crate) const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest request head read (request line and headers).
const MAX_HEAD: usize = 16 * 1024;

/// What the server needs to know.
pub(crate) struct Options {
    pub root: PathBuf,
    pub addr: SocketAddr,
    /// Open the page in the default browser once listening (at the port
    /// actually bound, so `--port 0` opens the right one).
    pub open_browser: bool,
}

/// The open live-reload streams, held by the server (not by a thread each):
/// every reload is written to all of them; one that cannot take it (closed,
/// or not reading) is dropped.
#[derive(Default, Clone)]
pub(crate) struct Clients(Arc<Mutex<Vec<TcpStream>>>);

impl Clients {
    /// Keep a stream whose headers were sent; false when [`MAX_STREAMS`] are
    /// open already.
    fn add(&self, stream: TcpStream) -> bool {
        let mut all = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if all.len() >= MAX_STREAMS {
            return false;
        }
        // Writes never block the server: a stream whose buffer is full
        // (a page that stopped reading) fails the write and is dropped.
        if stream.set_nonblocking(true).is_ok() {
            all.push(stream);
        }
        true
    }

    fn send(&self, msg: &str) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain_mut(|s| s.write_all(msg.as_bytes()).is_ok());
    }

    /// Tell every open page to reload; forget the ones that went away.
    pub(crate) fn broadcast(&self, version: u64) {
        self.send(&format!("event: reload\ndata: {version}\n\n"));
    }

    /// How many streams are open.
    pub(crate) fn len(&self) -> usize {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Close every stream.
    fn close_all(&self) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clear();
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

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// A whole response: status line, headers, body unless `head_only`.
fn response(status: u16, content_type: &str, body: &str, head_only: bool) -> Vec<u8> {
    let mut r = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n",
        reason(status),
        body.len()
    );
    for (k, v) in SECURITY_HEADERS {
        r.push_str(&format!("{k}: {v}\r\n"));
    }
    r.push_str("\r\n");
    let mut bytes = r.into_bytes();
    if !head_only {
        bytes.extend_from_slice(body.as_bytes());
    }
    bytes
}

fn plain(status: u16, body: &str, head_only: bool) -> Vec<u8> {
    response(status, "text/plain; charset=utf-8", body, head_only)
}

/// Send a response and close the connection (errors: the client went away).
fn send(stream: TcpStream, bytes: &[u8]) {
    send_then(stream, bytes, true)
}

/// [`send`]; with `linger`, wait a moment for the client to finish sending
/// (not on the accepting thread, which must not wait for anyone).
fn send_then(mut stream: TcpStream, bytes: &[u8], linger: bool) {
    let _ = stream.write_all(bytes).and_then(|_| stream.flush());
    let _ = stream.shutdown(std::net::Shutdown::Write);
    if !linger {
        return;
    }
    // Let the client read the answer before the socket closes under it
    // (a close with unread input would reset the connection).
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let mut sink = [0u8; 1024];
    while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
}

/// A request head: method, path with query, Host header.
struct Head {
    method: String,
    target: String,
    host: Option<String>,
}

/// Read and parse a request head, or the response that refuses it (None:
/// the client went away or sent nothing in time: just close).
fn read_head(stream: &mut TcpStream, deadline: Instant) -> Result<Head, Option<Vec<u8>>> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            // Past the deadline (perhaps while queued): take what has come.
            let _ = stream.set_nonblocking(true);
        } else {
            let _ = stream.set_read_timeout(Some(left));
        }
        let n = match stream.read(&mut chunk) {
            Ok(0) => return Err(None),
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return Err(if buf.is_empty() {
                    None
                } else {
                    Some(plain(408, "the request took too long\n", false))
                })
            }
            Err(_) => return Err(None),
        };
        buf.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut req = httparse::Request::new(&mut headers);
        match req.parse(&buf) {
            Ok(httparse::Status::Complete(_)) => {
                let host = req
                    .headers
                    .iter()
                    .find(|h| h.name.eq_ignore_ascii_case("host"))
                    .map(|h| String::from_utf8_lossy(h.value).trim().to_ascii_lowercase());
                return Ok(Head {
                    method: req.method.unwrap_or("").to_string(),
                    target: req.path.unwrap_or("/").to_string(),
                    host,
                });
            }
            Ok(httparse::Status::Partial) if buf.len() <= MAX_HEAD => continue,
            Ok(httparse::Status::Partial) | Err(httparse::Error::TooManyHeaders) => {
                return Err(Some(plain(431, "request head too large\n", false)))
            }
            Err(e) => return Err(Some(plain(400, &format!("bad request: {e}\n"), false))),
        }
    }
}

/// Everything a worker needs.
struct Shared {
    state: watch::State,
    clients: Clients,
    allowed: hosts::Allowed,
}

/// Answer one connection, accepted at `accepted`: one request, then close.
fn handle(mut stream: TcpStream, accepted: Instant, shared: &Shared) {
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let head = read_head(&mut stream, accepted + READ_TIMEOUT);
    let _ = stream.set_nonblocking(false);
    let head = match head {
        Ok(h) => h,
        Err(Some(refusal)) => return send(stream, &refusal),
        Err(None) => return,
    };
    let head_only = head.method == "HEAD";
    if !head
        .host
        .as_deref()
        .is_some_and(|h| shared.allowed.permits(h))
    {
        return send(
            stream,
            &plain(
                403,
                "kzclaims serve answers only requests addressed to it (Host header)\n",
                head_only,
            ),
        );
    }
    if head.method != "GET" && !head_only {
        return send(stream, &plain(405, "read-only\n", false));
    }
    let (path, query) = head
        .target
        .split_once('?')
        .unwrap_or((head.target.as_str(), ""));
    let q = pages::query(query);
    let bytes = match path {
        "/events" => return event_stream(stream, &shared.clients),
        "/assets/live.js" => response(200, "text/javascript; charset=utf-8", LIVE_JS, head_only),
        "/" | "/timeline" | "/diff" | "/sensitivity" | "/collect" => {
            let (status, body) = pages::page(&shared.state, path, &q);
            response(status, "text/html; charset=utf-8", &body, head_only)
        }
        _ => plain(
            404,
            "not found: kzclaims serve has /, /timeline, /diff, /sensitivity and /collect\n",
            head_only,
        ),
    };
    send(stream, &bytes)
}

/// Start an event stream: headers now, then the stream is held by
/// [`Clients`] (an event per reload, a comment every 15 s).
fn event_stream(mut stream: TcpStream, clients: &Clients) {
    if clients.len() >= MAX_STREAMS {
        return send(
            stream,
            &plain(503, "too many open pages; close some\n", false),
        );
    }
    let mut head =
        String::from("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n");
    for (k, v) in SECURITY_HEADERS {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n: connected\n\n");
    if stream
        .write_all(head.as_bytes())
        .and_then(|_| stream.flush())
        .is_ok()
    {
        // Full meanwhile: the stream is dropped (closed); the page retries.
        clients.add(stream);
    }
}

/// Log a message on stderr at most once a second (an accept that fails
/// keeps failing until handles are freed).
struct Throttled(Option<Instant>);

impl Throttled {
    fn log(&mut self, msg: impl FnOnce() -> String) {
        if self.0.is_none_or(|t| t.elapsed() >= Duration::from_secs(1)) {
            eprintln!("{}", msg());
            self.0 = Some(Instant::now());
        }
    }
}

/// Start the worker threads; the ones that cannot be started are logged.
fn start_workers(
    rx: Arc<Mutex<Receiver<(TcpStream, Instant)>>>,
    shared: Arc<Shared>,
) -> Result<Vec<std::thread::JoinHandle<()>>, String> {
    let mut workers = Vec::with_capacity(WORKERS);
    for i in 0..WORKERS {
        let rx = rx.clone();
        let shared = shared.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("serve-{i}"))
            .spawn(move || loop {
                let next = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                let Ok((stream, accepted)) = next else { return };
                // A page that panics answers nothing; the worker goes on.
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    handle(stream, accepted, &shared)
                }));
            });
        match spawned {
            Ok(h) => workers.push(h),
            Err(e) => eprintln!("warning: cannot start a worker thread: {e}"),
        }
    }
    if workers.is_empty() {
        return Err("cannot start any worker thread".into());
    }
    Ok(workers)
}

/// The address to show and open: a wildcard bind is reached at loopback.
fn local_url(addr: SocketAddr) -> String {
    let shown = match addr {
        SocketAddr::V4(a) if a.ip().is_unspecified() => {
            SocketAddr::from(([127, 0, 0, 1], a.port()))
        }
        SocketAddr::V6(a) if a.ip().is_unspecified() => {
            SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, a.port()))
        }
        a => a,
    };
    format!("http://{shown}/")
}

/// Run until Ctrl-C (or `stop` is set). Prints the address on stdout first.
pub(crate) fn run(opts: Options, stop: Arc<AtomicBool>) -> Result<(), String> {
    let listener = TcpListener::bind(opts.addr).map_err(|e| {
        format!(
            "cannot listen on {}: {e} (is the port taken? try --port 0 for a free one)",
            opts.addr
        )
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the address listened on: {e}"))?;
    // Non-blocking accepts, so that a stop is seen within a tick.
    listener
        .set_nonblocking(true)
        .map_err(|e| format!("cannot set up the listening socket: {e}"))?;
    let (state, follower) = watch::State::load(&opts.root);
    let clients = Clients::default();
    let _watcher = watch::spawn(opts.root.clone(), state.clone(), follower, clients.clone())?;
    let shared = Arc::new(Shared {
        state: state.clone(),
        clients: clients.clone(),
        allowed: hosts::Allowed::new(addr),
    });
    let (tx, rx) = sync_channel::<(TcpStream, Instant)>(QUEUE);
    let workers = start_workers(Arc::new(Mutex::new(rx)), shared)?;
    let title = state.title();
    println!("Serving {title} at http://{addr}/ (Ctrl-C to stop)");
    let _ = std::io::stdout().flush();
    if opts.open_browser {
        let url = local_url(addr);
        if let Err(e) = std::process::Command::new("xdg-open").arg(&url).spawn() {
            eprintln!("warning: cannot open a browser ({e}); open {url} yourself");
        }
    }
    let mut accept_log = Throttled(None);
    let mut busy_log = Throttled(None);
    let mut last_ping = Instant::now();
    while !stop.load(Ordering::SeqCst) {
        if last_ping.elapsed() >= Duration::from_secs(15) {
            clients.send(": keep-alive\n\n");
            last_ping = Instant::now();
        }
        let stream = match listener.accept() {
            Ok((s, _)) => s,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
            Err(e) => {
                accept_log.log(|| format!("warning: cannot accept a connection: {e}; retrying"));
                // Out of file handles: give the open connections time to end.
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        let _ = stream.set_nonblocking(false);
        match tx.try_send((stream, Instant::now())) {
            Ok(()) => {}
            Err(TrySendError::Full((stream, _))) => {
                busy_log.log(|| {
                    format!("warning: {QUEUE} connections waiting; answering 503 to new ones")
                });
                let _ = stream.set_write_timeout(Some(Duration::from_millis(100)));
                send_then(stream, &plain(503, "busy; try again\n", false), false);
            }
            Err(TrySendError::Disconnected(_)) => {
                return Err("every worker thread has stopped".into());
            }
        }
    }
    drop(tx);
    clients.close_all();
    for w in workers {
        let _ = w.join();
    }
    Ok(())
}
