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
    assert!(
        memo.contains("very likely [80–95%] (86%"),
        "the leader's number"
    );
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
    assert!(
        !memo.contains("very likely [80–95%] (86%"),
        "the number moved"
    );

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
