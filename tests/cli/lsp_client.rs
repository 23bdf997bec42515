//! A small JSON-RPC client for `kzclaims lsp` (shared by lsp.rs and
//! lsp_equiv.rs): the binary is spawned, messages go over its stdin/stdout
//! with Content-Length framing, and every wait has a timeout, so a server
//! that stops answering fails the test instead of hanging it.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

/// How long any one answer may take (a debug build loading a workspace).
pub const TIMEOUT: Duration = Duration::from_secs(60);

pub struct Client {
    pub child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next: i64,
    /// Notifications received while waiting for something else.
    pending: Vec<Value>,
    pub root: PathBuf,
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            len = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; len?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

pub fn uri(p: &Path) -> String {
    format!("file://{}", p.display()).replace(' ', "%20")
}

impl Client {
    /// Start the server on a copy of the bundled workspace, and initialise it
    /// (`root_uri`: tell it the folder, else it finds it from the first file opened).
    pub fn start(dir: &Path, root_uri: bool, options: Value) -> Client {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("kzclaims"))
            .arg("lsp")
            .current_dir("/")
            .env_remove("KZCLAIMS_WORKSPACE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("kzclaims lsp starts");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            while let Some(m) = read_message(&mut stdout) {
                if tx.send(m).is_err() {
                    break;
                }
            }
        });
        let mut c = Client {
            child,
            stdin,
            rx,
            next: 1,
            pending: Vec::new(),
            root: dir.to_path_buf(),
        };
        let mut params = json!({
            "processId": null,
            "capabilities": {},
            "initializationOptions": options,
        });
        if root_uri {
            params["rootUri"] = json!(uri(dir));
        }
        let init = c.request("initialize", params);
        assert_eq!(init["serverInfo"]["name"], "kzclaims", "{init}");
        c.notify("initialized", json!({}));
        c
    }

    fn send(&mut self, v: Value) {
        let body = serde_json::to_string(&v).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn recv(&mut self, deadline: Instant) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        self.rx
            .recv_timeout(left)
            .unwrap_or_else(|e| panic!("no message from the server in time: {e}"))
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Send a request and wait for its answer: the result, or the error object.
    pub fn request_full(&mut self, method: &str, params: Value) -> Value {
        let id = self.next;
        self.next += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let m = self.recv(deadline);
            if m["id"] == json!(id) && m.get("method").is_none() {
                return m;
            }
            self.pending.push(m);
        }
    }

    /// The messages received, and not yet consumed, while waiting for an
    /// answer: after a request, every notification the server sent before
    /// answering it.
    pub fn take_pending(&mut self) -> Vec<Value> {
        std::mem::take(&mut self.pending)
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let m = self.request_full(method, params);
        assert!(m.get("error").is_none(), "{method}: {m}");
        m["result"].clone()
    }

    /// Wait for diagnostics published for `rel` that satisfy `ok`.
    pub fn diagnostics(&mut self, rel: &str, ok: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let want = uri(&self.root.join(rel));
        let deadline = Instant::now() + TIMEOUT;
        let mut last = None;
        loop {
            let m = if self.pending.is_empty() {
                self.recv(deadline)
            } else {
                self.pending.remove(0)
            };
            if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == want {
                let d = m["params"]["diagnostics"].as_array().unwrap().clone();
                if ok(&d) {
                    return d;
                }
                last = Some(d);
            }
            if Instant::now() > deadline {
                panic!("no matching diagnostics for {rel}; last: {last:?}");
            }
        }
    }

    pub fn open(&mut self, rel: &str) -> String {
        let text = std::fs::read_to_string(self.root.join(rel)).unwrap();
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(&self.root.join(rel)), "languageId": "toml", "version": 1, "text": text}}),
        );
        text
    }

    /// Replace the bytes `from..to` of the document (an incremental change,
    /// positions in UTF-16 as the protocol counts them).
    pub fn edit(
        &mut self,
        rel: &str,
        text: &mut String,
        from: usize,
        to: usize,
        new: &str,
        version: i64,
    ) {
        let start = pos(text, from);
        let end = pos(text, to);
        text.replace_range(from..to, new);
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri(&self.root.join(rel)), "version": version},
                "contentChanges": [{"range": {"start": start, "end": end}, "text": new}],
            }),
        );
    }

    pub fn at(&self, rel: &str, text: &str, offset: usize) -> Value {
        json!({"textDocument": {"uri": uri(&self.root.join(rel))}, "position": pos(text, offset)})
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The LSP position (line, UTF-16 column) of a byte offset.
pub fn pos(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let col: usize = before[start..].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": col})
}
