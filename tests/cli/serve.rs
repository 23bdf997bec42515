//! `kzclaims serve` (issue 10): a local page that follows edits. Each test
//! starts the server on a free port over a copy of a fixture and always stops
//! it (a guard kills the process when the test ends, even on a panic).

use crate::common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(dir: &Path, extra: &[&str]) -> Server {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("kzclaims"))
        .arg("-w")
        .arg(dir)
        .args(["serve", "--port", "0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let start = line.find("http://").expect(&line) + 7;
    let addr = line[start..].split('/').next().unwrap().to_string();
    Server { child, addr }
}

/// (status, headers, body) of a GET with this Host header.
fn get_with_host(addr: &str, path: &str, host: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, head.to_string(), body.to_string())
}

fn get(addr: &str, path: &str) -> (u16, String) {
    let (s, _, b) = get_with_host(addr, path, addr);
    (s, b)
}

/// Wait (up to 15 s) for a page whose body satisfies `want`.
fn eventually(addr: &str, path: &str, want: impl Fn(&str) -> bool) -> String {
    let t = Instant::now();
    loop {
        let (_, body) = get(addr, path);
        if want(&body) || t.elapsed() > Duration::from_secs(15) {
            return body;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn edit(dir: &Path, rel: &str, from: &str, to: &str) {
    let p = dir.join(rel);
    let t = std::fs::read_to_string(&p).unwrap();
    assert!(t.contains(from), "{from}");
    std::fs::write(&p, t.replacen(from, to, 1)).unwrap();
}

#[test]
fn the_page_follows_edits_errors_and_fixes() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("small"), dir.path());
    let s = serve(dir.path(), &[]);
    let (status, memo) = get(&s.addr, "/");
    assert_eq!(status, 200);
    assert!(memo.contains("id=\"evidence-matrix\""));
    assert!(memo.contains("very likely, 86%"), "the leader's number");
    assert!(memo.contains("<script src=\"/assets/live.js\"></script>"));

    // Open the event stream, then save a change.
    let mut ev = TcpStream::connect(&s.addr).unwrap();
    ev.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    write!(ev, "GET /events HTTP/1.1\r\nHost: {}\r\n\r\n", s.addr).unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 512];
    while !seen.contains(": connected") {
        let n = ev.read(&mut buf).unwrap();
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    assert!(seen.contains("text/event-stream"));
    edit(
        dir.path(),
        "claims/march.toml",
        "accident = \"CC\"",
        "accident = \"N\"",
    );
    while !seen.contains("event: reload") {
        let n = ev.read(&mut buf).unwrap();
        assert!(n > 0, "the stream ended before a reload: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    let memo = eventually(&s.addr, "/", |b| !b.contains("(86%"));
    assert!(!memo.contains("very likely, 86%"), "the number moved");

    // A broken save shows the diagnostics in place of the memo…
    std::fs::write(dir.path().join("claims/broken.toml"), "[[claim]]\nid = \n").unwrap();
    let page = eventually(&s.addr, "/", |b| b.contains("has errors"));
    assert!(page.contains("The workspace has errors"), "{page}");
    assert!(page.contains("claims/broken.toml:2:"), "{page}");
    // …and the memo comes back with the fix, without a restart.
    std::fs::remove_file(dir.path().join("claims/broken.toml")).unwrap();
    let page = eventually(&s.addr, "/", |b| b.contains("evidence-matrix"));
    assert!(page.contains("evidence-matrix"));
}

/// `serve` with the reload timing on stderr; its lines come on the channel.
fn serve_timed(dir: &Path) -> (Server, std::sync::mpsc::Receiver<String>) {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("kzclaims"))
        .arg("-w")
        .arg(dir)
        .args(["serve", "--port", "0"])
        .env("KZCLAIMS_SERVE_TIMING", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let start = line.find("http://").expect(&line) + 7;
    let addr = line[start..].split('/').next().unwrap().to_string();
    (Server { child, addr }, rx)
}

/// The next stderr line (within 15 s).
fn next_line(rx: &std::sync::mpsc::Receiver<String>) -> String {
    rx.recv_timeout(Duration::from_secs(15))
        .expect("a timing line on stderr")
}

#[test]
fn an_edit_that_breaks_a_file_then_its_fix_and_a_file_added() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("small"), dir.path());
    let (s, timing) = serve_timed(dir.path());
    // The first load, then each reload, print the language server's line.
    let first = next_line(&timing);
    assert!(
        first.starts_with("kzclaims serve: reload ") && first.contains("(rebuilt: load "),
        "{first}"
    );
    let (_, memo) = get(&s.addr, "/");
    assert!(memo.contains("very likely, 86%"), "{memo}");

    // An edit breaks a file that loaded: its error, quoted, in place of the memo.
    edit(
        dir.path(),
        "claims/march.toml",
        "date = 2024-03-04",
        "date = 2024-03-",
    );
    let page = eventually(&s.addr, "/", |b| b.contains("has errors"));
    assert!(page.contains("claims/march.toml:22:"), "{page}");
    assert!(page.contains("date = 2024-03-"), "the snippet: {page}");
    let line = next_line(&timing);
    assert!(line.contains("same: load "), "an error stands: {line}");
    // Fixed (with another change), the memo comes back with the change.
    let march = dir.path().join("claims/march.toml");
    let text = std::fs::read_to_string(&march).unwrap();
    let fixed = text
        .replacen("date = 2024-03-\n", "date = 2024-03-04\n", 1)
        .replacen("accident = \"CC\"", "accident = \"N\"", 1);
    std::fs::write(&march, fixed).unwrap();
    let memo = eventually(&s.addr, "/", |b| b.contains("evidence-matrix"));
    assert!(
        !memo.contains("very likely, 86%"),
        "the number moved: {memo}"
    );
    let line = next_line(&timing);
    assert!(line.contains("patched: load "), "{line}");

    // An id used twice across files: the error names both places.
    let dup = "[[claim]]\nid = \"cut-cables\"\ndate = 2024-03-05\nstatement = \"Seen again.\"\nsources = [\"wire\"]\ncredibility = 2\nrelevance = \"low\"\n\n[claim.ratings]\naccident = \"C\"\nsabotage = \"N\"\ncyberattack = \"N\"\n";
    std::fs::write(dir.path().join("claims/more.toml"), dup).unwrap();
    let page = eventually(&s.addr, "/", |b| b.contains("has errors"));
    assert!(page.contains("claims/more.toml:2:"), "{page}");
    assert!(page.contains("cut-cables"), "{page}");
    // Renamed, the file's claim is in the memo.
    std::fs::write(
        dir.path().join("claims/more.toml"),
        dup.replace("cut-cables", "seen-again"),
    )
    .unwrap();
    let memo = eventually(&s.addr, "/", |b| b.contains("evidence-matrix"));
    assert!(memo.contains("seen-again"), "{memo}");
}

#[test]
fn read_only_host_checked_and_no_files_served() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("small"), dir.path());
    let before = files(dir.path());
    let s = serve(dir.path(), &[]);
    let (status, head, _) = get_with_host(&s.addr, "/", &s.addr);
    assert_eq!(status, 200);
    assert!(
        head.contains("Content-Security-Policy: default-src 'none'; script-src 'self'"),
        "{head}"
    );
    assert!(head.contains("X-Content-Type-Options: nosniff"));
    let port = s.addr.rsplit(':').next().unwrap();
    assert_eq!(
        get_with_host(&s.addr, "/", &format!("localhost:{port}")).0,
        200
    );
    // DNS rebinding: a page on another name reaching this port is refused.
    assert_eq!(
        get_with_host(&s.addr, "/", &format!("evil.example:{port}")).0,
        403
    );
    assert_eq!(get_with_host(&s.addr, "/", "127.0.0.1").0, 403);
    for path in [
        "/../../etc/passwd",
        "/claims/march.toml",
        "/kzclaims.toml",
        "/%2e%2e/etc/passwd",
    ] {
        assert_eq!(get(&s.addr, path).0, 404, "{path}");
    }
    for page in [
        "/timeline",
        "/diff?from=2024-03-03&to=2024-03-10",
        "/sensitivity",
        "/collect",
        "/?as_of=2024-03-05",
    ] {
        let (status, body) = get(&s.addr, page);
        assert_eq!(status, 200, "{page}");
        assert!(body.contains("kzclaims serve"), "{page}");
    }
    // Issue 19, row 20: a bad date is a 400 page saying what is wrong (it
    // showed another date with status 200), by the one date parser.
    for (page, want) in [
        ("/?as_of=2024-13-45", "no such day in the calendar"),
        ("/timeline?as_of=2024-3-8", "expected YYYY-MM-DD"),
        ("/diff?from=2024-02-30&to=2024-03-10", "no such day"),
    ] {
        let (status, body) = get(&s.addr, page);
        assert_eq!(status, 400, "{page}");
        assert!(body.contains(want), "{page}: {body}");
        assert!(body.contains("is not a date"), "{page}: {body}");
    }
    let (status, js) = get(&s.addr, "/assets/live.js");
    assert_eq!(status, 200);
    assert!(js.contains("EventSource"));
    let mut st = TcpStream::connect(&s.addr).unwrap();
    write!(
        st,
        "POST / HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        s.addr
    )
    .unwrap();
    let mut r = String::new();
    st.read_to_string(&mut r).unwrap();
    assert!(r.starts_with("HTTP/1.1 405"), "{r}");
    drop(s);
    assert_eq!(
        files(dir.path()),
        before,
        "serve never writes to the workspace"
    );
}

#[test]
fn a_taken_port_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("small"), dir.path());
    let s = serve(dir.path(), &[]);
    let port = s.addr.rsplit(':').next().unwrap().to_string();
    let out = kz(dir.path())
        .args(["serve", "--port", &port])
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot listen on 127.0.0.1:"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("--port 0"), "{}", stderr(&out));
}

#[test]
fn the_served_page_in_a_browser() {
    let Some(bin) = crate::browser::browser_or_skip("serve") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("small"), dir.path());
    let s = serve(dir.path(), &[]);
    let url = format!("http://{}/", s.addr);
    let chrome = |args: &[String]| {
        let profile = tempfile::tempdir().unwrap();
        crate::browser::headless(&bin, profile.path(), args)
    };
    let out = chrome(&["--dump-dom".into(), url.clone()]);
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        dom.contains("id=\"evidence-matrix\""),
        "the matrix is in the page"
    );
    // The live script ran under the page's CSP (the headings became sortable).
    assert!(dom.contains("tabindex=\"0\""), "live.js ran");
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    let shot = |name: &str| {
        chrome(&[
            format!("--screenshot={}", target.join(name).display()),
            "--window-size=1280,1400".into(),
            url.clone(),
        ])
    };
    shot("serve-before.png");
    edit(
        dir.path(),
        "claims/march.toml",
        "accident = \"CC\"",
        "accident = \"N\"",
    );
    eventually(&s.addr, "/", |b| !b.contains("(86%"));
    shot("serve-after.png");
    assert!(target.join("serve-after.png").is_file());
}

/// `kzclaims serve --port 0` run by `sh -c` with a shell prefix (a ulimit, a
/// PATH) and extra arguments; stopped when the guard drops.
fn serve_sh(dir: &Path, prefix: &str, extra: &str, path: Option<&Path>) -> Server {
    let bin = assert_cmd::cargo::cargo_bin("kzclaims");
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!(
            "{prefix} exec '{}' -w '{}' serve --port 0 {extra}",
            bin.display(),
            dir.display()
        ))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(p) = path {
        let old = std::env::var_os("PATH").unwrap_or_default();
        let mut paths = vec![p.to_path_buf()];
        paths.extend(std::env::split_paths(&old));
        cmd.env("PATH", std::env::join_paths(paths).unwrap());
    }
    let mut child = cmd.spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let start = line.find("http://").expect(&line) + 7;
    let addr = line[start..].split('/').next().unwrap().to_string();
    Server { child, addr }
}

fn port_of(addr: &str) -> String {
    addr.rsplit(':').next().unwrap().to_string()
}

/// The server's thread count (Linux /proc).
fn threads(s: &Server) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{}/status", s.child.id())).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn bind_all_answers_the_machine_own_addresses() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("small"), dir.path());
    let s = serve_sh(dir.path(), "", "--bind 0.0.0.0", None);
    let port = port_of(&s.addr);
    let local = format!("127.0.0.1:{port}");
    assert_eq!(get_with_host(&local, "/", &local).0, 200);
    assert_eq!(
        get_with_host(&local, "/", &format!("localhost:{port}")).0,
        200
    );
    // Every address of this machine's interfaces is how others reach it.
    let mut seen = 0;
    for iface in if_addrs::get_if_addrs().unwrap() {
        let ip = iface.ip();
        let host = match ip {
            std::net::IpAddr::V4(a) => a.to_string(),
            std::net::IpAddr::V6(_) => continue, // listening on 0.0.0.0: IPv4 only
        };
        let h = format!("{host}:{port}");
        assert_eq!(get_with_host(&local, "/", &h).0, 200, "{h}");
        seen += 1;
    }
    assert!(seen >= 1, "at least loopback");
    for bad in [format!("evil.example:{port}"), format!("0.0.0.0:{port}")] {
        assert_eq!(get_with_host(&local, "/", &bad).0, 403, "{bad}");
    }
}

#[test]
fn many_idle_connections_are_capped_and_answered() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("small"), dir.path());
    let s = serve(dir.path(), &[]);
    let before = threads(&s);
    // 300 connections that send nothing, to 127.0.0.1 only.
    let mut idle: Vec<TcpStream> = (0..300)
        .map(|_| TcpStream::connect(&s.addr).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let during = threads(&s);
    assert!(
        during <= before + 2,
        "a bounded pool: {before} threads before, {during} with 300 connections"
    );
    // Every idle connection is answered (503 when the queue is full, 408
    // after the read timeout) or closed, within the timeout and a margin.
    let t = Instant::now();
    let mut answered = 0;
    for c in &mut idle {
        c.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
        let mut buf = Vec::new();
        let _ = c.read_to_end(&mut buf);
        let text = String::from_utf8_lossy(&buf);
        assert!(
            text.is_empty() || text.starts_with("HTTP/1.1 503") || text.starts_with("HTTP/1.1 408"),
            "{text}"
        );
        answered += 1;
    }
    assert_eq!(answered, 300);
    assert!(t.elapsed() < Duration::from_secs(15), "{:?}", t.elapsed());
    drop(idle);
    assert_eq!(get(&s.addr, "/").0, 200, "still serving");
}

#[test]
fn out_of_file_handles_the_server_keeps_listening() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("small"), dir.path());
    let mut s = serve_sh(dir.path(), "ulimit -n 64;", "", None);
    let held: Vec<TcpStream> = (0..120)
        .filter_map(|_| {
            TcpStream::connect_timeout(&s.addr.parse().unwrap(), Duration::from_secs(2)).ok()
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    drop(held);
    // The accept errors were logged and retried: the page comes back.
    let t = Instant::now();
    let status = loop {
        let st = TcpStream::connect(&s.addr)
            .ok()
            .map(|_| get(&s.addr, "/").0);
        if st == Some(200) || t.elapsed() > Duration::from_secs(15) {
            break st;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(status, Some(200));
    let _ = s.child.kill();
    let mut err = String::new();
    s.child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(err.contains("cannot accept a connection"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn open_uses_the_port_bound() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("small"), dir.path());
    let bin = tempfile::tempdir().unwrap();
    let log = bin.path().join("opened");
    let script = bin.path().join("xdg-open");
    std::fs::write(
        &script,
        format!("#!/bin/sh\necho \"$1\" > '{}'\n", log.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let s = serve_sh(dir.path(), "", "--open", Some(bin.path()));
    let t = Instant::now();
    while !log.exists() && t.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(100));
    let opened = std::fs::read_to_string(&log).unwrap();
    assert_eq!(opened.trim(), format!("http://{}/", s.addr));
    assert_ne!(port_of(&s.addr), "0");
}

#[test]
fn the_diff_page_shows_a_template_error() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("small"), dir.path());
    // The diff page compares the Markdown memos; break that template only.
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::write(
        dir.path().join("templates/memo.md"),
        "# {{ title }}\n{{ question }\n",
    )
    .unwrap();
    let s = serve(dir.path(), &[]);
    let (status, page) = get(&s.addr, "/diff");
    assert_eq!(status, 200);
    assert!(page.contains("The workspace has errors"), "{page}");
    assert!(page.contains("error[E020]"), "{page}");
    assert!(page.contains("templates/memo.md:2:"), "{page}");
    // The memo page (the HTML template, built in) is unaffected.
    let (status, memo) = get(&s.addr, "/");
    assert_eq!(status, 200);
    assert!(memo.contains("evidence-matrix"), "{memo}");
    // Fixed, the diff comes back.
    std::fs::write(
        dir.path().join("templates/memo.md"),
        "# {{ title }}\n{{ question }}\n",
    )
    .unwrap();
    let page = eventually(&s.addr, "/diff", |b| !b.contains("has errors"));
    assert!(!page.contains("error[E020]"), "{page}");
    assert!(page.contains("action=\"/diff\""), "{page}");
}
