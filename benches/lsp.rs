//! `kzclaims lsp` at scale: how long after an edit the edited file's
//! diagnostics are published, and the server's peak memory beside `check`'s.
//!
//! ```sh
//! cargo build --release && cargo bench --bench lsp -- --sizes 1000,10000 --edits 40
//! ```
//!
//! For each size a workspace is generated (benches/gen, as the scale bench
//! does), the release binary is started as an editor starts it, one claims
//! file is opened, and `--edits` edits are made one at a time, each waiting
//! for the file's diagnostics: a rating mistyped (an error appears) and put
//! back (the error goes). Figures in docs/performance.md ("kzclaims lsp").

#[path = "gen/mod.rs"]
mod gen;

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

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

fn pos(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": before[start..].chars().map(char::len_utf16).sum::<usize>()})
}

fn peak_rss_kb(bin: &Path, root: &Path, args: &[&str]) -> Option<u64> {
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(bin)
        .arg("-w")
        .arg(root)
        .args(args)
        .arg("-q")
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .last()?
        .trim()
        .parse()
        .ok()
}

fn vm_hwm_kb(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn toml_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            toml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "toml") {
            out.push(p);
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn main() {
    let mut sizes = vec![1_000usize, 10_000];
    let mut edits = 40usize;
    let mut keep: Option<std::path::PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--sizes" => {
                sizes = args
                    .next()
                    .unwrap()
                    .split(',')
                    .map(|s| s.parse().unwrap())
                    .collect()
            }
            "--edits" => edits = args.next().unwrap().parse().unwrap(),
            // Keep the generated workspaces under this folder (one per size,
            // reused when there), to profile `check` on the same record.
            "--keep" => keep = Some(std::path::PathBuf::from(args.next().unwrap())),
            _ => {} // cargo bench passes --bench
        }
    }
    // KZCLAIMS_BIN: another binary (a debug build, to look for what grows
    // too fast without waiting for a release build; its times mean little).
    let bin = std::env::var_os("KZCLAIMS_BIN").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/kzclaims"),
        std::path::PathBuf::from,
    );
    assert!(
        bin.exists(),
        "build the release binary first: cargo build --release"
    );
    println!("kzclaims lsp benchmark: {edits} edits per size, each waiting for the edited file's diagnostics");
    for n in sizes {
        let temp = tempfile::tempdir().unwrap();
        let kept = keep.as_ref().map(|k| k.join(format!("ws-{n}")));
        let spec = gen::Spec {
            claims: n,
            scenarios: 12,
            sources: (n / 50).max(50),
            revisions: n / 5,
            days: 2000,
            seed: 7,
        };
        let root = kept.as_deref().unwrap_or(temp.path());
        if !root.join("kzclaims.toml").exists() {
            std::fs::create_dir_all(root).unwrap();
            gen::write(root, &spec).unwrap();
        }
        let check_peak = peak_rss_kb(&bin, root, &["check"]);

        let started = Instant::now();
        let mut child = Command::new(&bin)
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(match std::env::var_os("KZCLAIMS_LSP_TIMING") {
                Some(_) => Stdio::inherit(),
                None => Stdio::null(),
            })
            .spawn()
            .unwrap();
        let pid = child.id();
        let mut stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            while let Some(m) = read_message(&mut stdout) {
                if tx.send(m).is_err() {
                    break;
                }
            }
        });
        let mut send = |v: Value| {
            let body = serde_json::to_string(&v).unwrap();
            write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
            stdin.flush().unwrap();
        };
        let root_uri = format!("file://{}", root.display());
        send(
            json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": null, "rootUri": root_uri, "capabilities": {}}}),
        );
        send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
        // The first file of claims with a rating "C" in it.
        let mut files = Vec::new();
        toml_files(&root.join("claims"), &mut files);
        files.sort();
        let path = files
            .iter()
            .find(|p| std::fs::read_to_string(p).unwrap().contains(" = \"C\""))
            .unwrap()
            .clone();
        let uri = format!("file://{}", path.display());
        let mut text = std::fs::read_to_string(&path).unwrap();
        send(
            json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "toml", "version": 1, "text": text}}}),
        );
        // Wait for the first publication for this file, or a few seconds of quiet.
        let wait = |rx: &std::sync::mpsc::Receiver<Value>, quiet: Duration| -> bool {
            loop {
                match rx.recv_timeout(quiet) {
                    Ok(m) => {
                        if m["method"] == "textDocument/publishDiagnostics"
                            && m["params"]["uri"] == json!(uri)
                        {
                            return true;
                        }
                    }
                    Err(_) => return false,
                }
            }
        };
        wait(&rx, Duration::from_secs(120));
        let startup = started.elapsed();
        // The other files' first diagnostics follow: a request is answered
        // once they are all out, so the first edit does not wait for them.
        send(
            json!({"jsonrpc": "2.0", "id": 99, "method": "textDocument/documentSymbol", "params": {"textDocument": {"uri": uri}}}),
        );
        while let Ok(m) = rx.recv_timeout(Duration::from_secs(120)) {
            if m["id"] == json!(99) {
                break;
            }
        }
        let at = text.find(" = \"C\"").unwrap() + " = \"".len();
        let mut times = Vec::new();
        for k in 0..edits {
            // Four kinds in turn: an error made (an unknown rating), the
            // error fixed, a valid change (C to I: the assessment moves) and
            // the change undone.
            let new = ["Q", "C", "I", "C"][k % 4];
            let (s, e) = (pos(&text, at), pos(&text, at + 1));
            text.replace_range(at..at + 1, new);
            let t = Instant::now();
            send(
                json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": k + 2},
                "contentChanges": [{"range": {"start": s, "end": e}, "text": new}]}}),
            );
            assert!(
                wait(&rx, Duration::from_secs(120)),
                "no diagnostics after edit {k}"
            );
            times.push(t.elapsed());
        }
        let hwm = vm_hwm_kb(pid);
        send(json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}));
        send(json!({"jsonrpc": "2.0", "method": "exit", "params": null}));
        let _ = child.wait();
        let kind = |r: usize| {
            let mut v: Vec<Duration> = times
                .iter()
                .enumerate()
                .filter(|(k, _)| k % 4 == r || (r == 2 && k % 4 == 3))
                .map(|(_, t)| *t)
                .collect();
            v.sort();
            v
        };
        let (broken, fixed, valid) = (kind(0), kind(1), kind(2));
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "{n:>7} claims: start {:.0} ms; after an edit p50 {:.1} ms, p95 {:.1} ms (p50/p95 error made: {:.1}/{:.1}; error fixed: {:.1}/{:.1}; valid change: {:.1}/{:.1}); peak {} MiB (check {} MiB, ratio {})",
            ms(startup),
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95)),
            ms(percentile(&broken, 0.5)),
            ms(percentile(&broken, 0.95)),
            ms(percentile(&fixed, 0.5)),
            ms(percentile(&fixed, 0.95)),
            ms(percentile(&valid, 0.5)),
            ms(percentile(&valid, 0.95)),
            hwm.map_or("?".into(), |k| (k / 1024).to_string()),
            check_peak.map_or("?".into(), |k| (k / 1024).to_string()),
            match (hwm, check_peak) {
                (Some(a), Some(b)) => format!("{:.2}", a as f64 / b as f64),
                _ => "?".into(),
            }
        );
    }
}
