//! The HTML report in a real browser: headless Chromium loads the page from a
//! file (no network), finds every scenario and the evidence matrix in the
//! rendered DOM with no console error, prints it to PDF with the marking on
//! every page, and leaves a screenshot under target/ to look at. Without
//! Chromium the tests say so and pass, except under CI (CI set), where they
//! fail: CI installs it (.ci/run).

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    for c in ["chromium", "chromium-browser", "google-chrome"] {
        if let Ok(out) = Command::new("which").arg(c).output() {
            if out.status.success() {
                let p = String::from_utf8_lossy(&out.stdout).trim().to_string();
                if !p.is_empty() {
                    return Some(PathBuf::from(p));
                }
            }
        }
    }
    None
}

/// The browser, or `None` when it is missing outside CI (counted and
/// reported as skipped: [`skip_without`]).
pub fn browser_or_skip(what: &str) -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        skip_without("Chromium", what);
    }
    found
}

/// Run headless Chromium with a fresh profile and every background service off.
pub fn headless(bin: &Path, profile: &Path, args: &[String]) -> std::process::Output {
    Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("chromium runs")
}

fn report(dir: &Path) -> PathBuf {
    let page = dir.join("memo.html");
    let out = kz(&repo_root())
        .args(["brief", "--format", "html", "--out"])
        .arg(&page)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    page
}

#[test]
fn html_report_renders_in_a_browser_with_no_console_error() {
    let Some(bin) = browser_or_skip("html report") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let page = report(tmp.path());
    let url = format!("file://{}", page.display());
    let out = headless(
        &bin,
        &tmp.path().join("p1"),
        &["--dump-dom".into(), url.clone()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let dom = stdout(&out);
    let log = stderr(&out);
    let console: Vec<&str> = log.lines().filter(|l| l.contains("CONSOLE")).collect();
    assert!(
        console.is_empty(),
        "console messages from the page: {console:?}"
    );
    assert!(!log.contains("Uncaught"), "{log}");
    // Every scenario's title, and the matrix with a row per claim in the record.
    let v: serde_json::Value = serde_json::from_slice(
        &kz(&repo_root())
            .args(["score", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    for s in v["scenarios"].as_array().unwrap() {
        let title = s["title"]
            .as_str()
            .unwrap()
            .replace('\'', "&#39;")
            .replace('"', "&quot;");
        assert!(
            dom.contains(title.as_str()) || dom.contains(s["title"].as_str().unwrap()),
            "{title}"
        );
    }
    let matrix = &dom[dom
        .find("id=\"evidence-matrix\"")
        .expect("the matrix is in the DOM")..];
    let matrix = &matrix[..matrix.find("</table>").unwrap()];
    let rows = matrix.matches("<tr").count() - 1;
    assert_eq!(
        rows,
        v["claims"].as_array().unwrap().len(),
        "one row per claim"
    );
    // The optional sort script ran: headings became focusable.
    assert!(
        matrix.contains("tabindex=\"0\""),
        "the sort script did not run"
    );
    // Screenshot to look at (not committed).
    let shot = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/report-screenshot.png");
    let out = headless(
        &bin,
        &tmp.path().join("p2"),
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000".into(),
            url,
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(shot.is_file());
}

#[test]
fn html_report_prints_to_pdf_with_the_marking_on_every_page() {
    let Some(bin) = browser_or_skip("print to PDF") else {
        return;
    };
    if !tool_or_skip("pdftotext", "html report printed to PDF") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let page = report(tmp.path());
    let pdf = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/report.pdf");
    let out = headless(
        &bin,
        &tmp.path().join("p"),
        &[
            "--no-pdf-header-footer".into(),
            format!("--print-to-pdf={}", pdf.display()),
            format!("file://{}", page.display()),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = Command::new("pdftotext")
        .arg("-layout")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert!(pages.len() >= 2, "{} pages", pages.len());
    for (k, p) in pages.iter().enumerate() {
        assert!(
            p.matches("UNCLASSIFIED").count() >= 2,
            "page {}: the marking must be at its top and bottom\n{p}",
            k + 1
        );
    }
    assert!(text.contains("Key judgments"));
    assert!(text.contains("Evidence matrix"));
    // Links print as text after their anchor.
    assert!(text.contains("<https://"), "links are printed");
}
