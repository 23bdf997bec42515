//! Hostile input is harmless (issue 8): links that could run code, templates
//! and files reached through links out of the workspace, link loops, bytes
//! that are not UTF-8, templates that never end. Each is refused with a
//! diagnostic, exit 1, and nothing written.

use crate::common::*;
use std::path::Path;

fn small_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("small"), dir.path());
    dir
}

fn edit(dir: &Path, rel: &str, from: &str, to: &str) {
    let p = dir.join(rel);
    let t = std::fs::read_to_string(&p).unwrap();
    assert!(t.contains(from), "{rel}: {from}");
    std::fs::write(&p, t.replacen(from, to, 1)).unwrap();
}

/// `brief --out` on a workspace that must be refused: exit 1, the message,
/// and an existing output left as it was.
fn refused(dir: &Path, want: &[&str]) {
    let out_file = dir.join("memo-out.html");
    std::fs::write(&out_file, "before").unwrap();
    let out = kz(dir)
        .args(["brief", "--format", "html", "--out"])
        .arg(&out_file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    for w in want {
        assert!(err.contains(w), "missing {w}\n{err}");
    }
    assert_eq!(std::fs::read_to_string(&out_file).unwrap(), "before");
    let leftovers: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".kzclaims-"))
        .collect();
    assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");
}

#[test]
fn links_that_could_run_code_are_refused_at_load() {
    for url in [
        "javascript:alert(3)",
        "JaVaScRiPt:alert(3)",
        " javascript:alert(3)",
        "java\tscript:alert(3)",
        "data:text/html,<script>alert(3)</script>",
        "vbscript:msgbox(3)",
        "//evil.example/x",
        "www.example.com",
    ] {
        let dir = small_copy();
        let toml_url = url.replace('\t', "\\t");
        edit(
            dir.path(),
            "claims/march.toml",
            "url = \"https://",
            &format!("url = \"{toml_url}\"\nx_url = \"https://"),
        );
        // Drop the helper key again: only the url line changes.
        edit(
            dir.path(),
            "claims/march.toml",
            "\nx_url = \"https://",
            "\n# \"https://",
        );
        refused(
            dir.path(),
            &[
                "error[E018]: `url` must be an http, https or mailto address",
                "--> claims/march.toml:",
                "not a web or mail address",
            ],
        );
    }
}

#[test]
fn http_https_and_mailto_are_links_in_both_formats() {
    let dir = small_copy();
    edit(
        dir.path(),
        "claims/march.toml",
        "url = \"https://",
        "url = \"mailto:desk@example.org\"\n# \"https://",
    );
    let out = kz(dir.path())
        .args(["brief", "--format", "html"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let html = stdout(&out);
    assert!(html.contains("href=\"mailto:desk@example.org\""), "{html}");
    assert!(!html.to_ascii_lowercase().contains("javascript:"));
}

/// Markup in record text (a statement, a source's name) stays text: escaped in
/// the HTML page, and in the Markdown memo neither a raw HTML tag, an autolink
/// nor an inline link can form, in the memo or in `diff --format md`.
#[test]
fn markup_in_record_text_stays_text_in_both_formats() {
    let dir = small_copy();
    let p = dir.path().join("claims/march.toml");
    let t = std::fs::read_to_string(&p).unwrap();
    let first = t.find("statement = \"").unwrap() + "statement = \"".len();
    let hostile = r#"<script>alert(1)</script> <javascript:alert(2)> [see](javascript:alert(3)) [r]: vbscript:x <img src=x onerror=alert(4)> under <1% "#;
    let escaped = hostile.replace('"', "\\\"");
    std::fs::write(&p, format!("{}{escaped}{}", &t[..first], &t[first..])).unwrap();
    let html = stdout(
        &kz(dir.path())
            .args(["brief", "--format", "html"])
            .assert()
            .success()
            .get_output()
            .clone(),
    );
    let lower = html.to_ascii_lowercase();
    assert_eq!(
        lower.matches("<script").count(),
        1,
        "only the page's own script"
    );
    assert!(!lower.contains("<img"), "{html}");
    assert!(lower.contains("&lt;script&gt;alert(1)&lt;"), "{html}");
    let md = stdout(
        &kz(dir.path())
            .arg("brief")
            .assert()
            .success()
            .get_output()
            .clone(),
    );
    assert!(md.contains(r"&lt;script>alert(1)&lt;/script> &lt;javascript:alert(2)> [see]\(javascript:alert(3)) [r]\: vbscript:x &lt;img src=x onerror=alert(4)> under <1%"), "{md}");
    let diff = stdout(
        &kz(dir.path())
            .args(["diff", "2022-01-01", ".", "--format", "md"])
            .assert()
            .success()
            .get_output()
            .clone(),
    );
    assert!(
        !diff.contains("<script") && !diff.contains("](javascript:"),
        "{diff}"
    );
}

#[test]
fn a_template_linked_outside_the_workspace_is_not_read() {
    let dir = small_copy();
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::write(
        dir.path().join("templates/memo.html"),
        "{% include \"evil.md\" %}\n",
    )
    .unwrap();
    let secret = tempfile::tempdir().unwrap();
    std::fs::write(secret.path().join("secret.txt"), "TOP SECRET LINE").unwrap();
    std::os::unix::fs::symlink(
        secret.path().join("secret.txt"),
        dir.path().join("templates/evil.md"),
    )
    .unwrap();
    refused(
        dir.path(),
        &[
            "error[E020]",
            "template templates/evil.md is a link that leads outside the workspace",
            "--> templates/memo.html:1:",
        ],
    );
    let out = kz(dir.path())
        .args(["brief", "--format", "html"])
        .output()
        .unwrap();
    assert!(!stdout(&out).contains("TOP SECRET"));
    assert!(!stderr(&out).contains("TOP SECRET"));
}

#[test]
fn a_template_name_may_not_leave_templates() {
    for include in ["../kzclaims.toml", "/etc/passwd", "a/../../kzclaims.toml"] {
        let dir = small_copy();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::write(
            dir.path().join("templates/memo.html"),
            format!("{{% include \"{include}\" %}}\n"),
        )
        .unwrap();
        refused(dir.path(), &["error[E020]", "leaves templates/"]);
    }
}

#[test]
fn a_template_that_never_ends_runs_out_of_fuel() {
    let dir = small_copy();
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::write(
        dir.path().join("templates/memo.html"),
        "{% for a in range(100000) %}{% for b in range(100000) %}{{ a }}{% endfor %}{% endfor %}\n",
    )
    .unwrap();
    refused(
        dir.path(),
        &["error[E020]", "--> templates/memo.html:1:", "ran too long"],
    );
}

#[test]
fn claim_files_reached_through_links_out_of_the_workspace_are_not_read() {
    let dir = small_copy();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("x.toml"), "[[claim]]\n").unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("claims/elsewhere")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("x.toml"),
        dir.path().join("claims/x.toml"),
    )
    .unwrap();
    refused(
        dir.path(),
        &[
            "error[E021]: `claims/elsewhere` is a link to",
            "error[E021]: `claims/x.toml` is a link to",
            "outside the workspace: kzclaims does not read it",
        ],
    );
}

#[test]
fn a_link_loop_is_reported_not_followed() {
    let dir = small_copy();
    std::fs::create_dir_all(dir.path().join("claims/sub")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("claims/sub/up")).unwrap();
    refused(dir.path(), &["error[E021]", "is a link loop"]);
    let dir = small_copy();
    std::os::unix::fs::symlink("self.toml", dir.path().join("claims/self.toml")).unwrap();
    refused(
        dir.path(),
        &["error[E021]: `claims/self.toml` is a broken link or a link loop"],
    );
}

#[test]
fn bytes_that_are_not_utf8_are_pointed_at() {
    let dir = small_copy();
    std::fs::write(
        dir.path().join("claims/bad.toml"),
        b"# ok\nx = \"\xff\xfe\"\n",
    )
    .unwrap();
    refused(
        dir.path(),
        &[
            "error[E001]: the file is not valid UTF-8",
            "--> claims/bad.toml:2:6",
        ],
    );
}

#[test]
fn a_claims_folder_that_is_a_file_is_an_error() {
    let dir = small_copy();
    std::fs::remove_dir_all(dir.path().join("claims")).unwrap();
    std::fs::write(dir.path().join("claims"), "not a folder").unwrap();
    refused(
        dir.path(),
        &["error[E014]: `claims` is a file, not a folder"],
    );
}

/// Issue 19, row 2: `kzclaims.toml` linked to /proc/self/environ is refused
/// by name; not a byte of the environment is printed, by `check` or any
/// machine format.
#[test]
fn a_config_linked_to_the_environment_is_refused_unread() {
    let dir = small_copy();
    std::fs::remove_file(dir.path().join("kzclaims.toml")).unwrap();
    std::os::unix::fs::symlink("/proc/self/environ", dir.path().join("kzclaims.toml")).unwrap();
    for format in ["human", "json", "github"] {
        let out = kz(dir.path())
            .args(["check", "--format", format])
            .env("KZ_SECRET_TOKEN", "hunter2-do-not-print")
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert_eq!(out.status.code(), Some(1), "{format}: {all}");
        assert!(
            !all.contains("hunter2"),
            "{format}: the environment leaked\n{all}"
        );
        assert!(!all.contains("KZ_SECRET_TOKEN"), "{format}: {all}");
        assert!(all.contains("kzclaims.toml"), "{format}: {all}");
        assert!(all.contains("outside the workspace"), "{format}: {all}");
    }
}

/// Rows 2 and 9: a FIFO under claims/, or a link to one, is refused without
/// being opened: `check` does not wait for a writer.
#[test]
fn check_does_not_wait_on_a_fifo() {
    let dir = small_copy();
    let ok = std::process::Command::new("mkfifo")
        .arg(dir.path().join("claims/pipe.toml"))
        .arg(dir.path().join("elsewhere"))
        .status()
        .unwrap();
    assert!(ok.success());
    std::os::unix::fs::symlink("../elsewhere", dir.path().join("claims/linked.toml")).unwrap();
    let out = kz(dir.path())
        .arg("check")
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("`claims/pipe.toml` is a FIFO (named pipe)"),
        "{err}"
    );
    assert!(
        err.contains("`claims/linked.toml` is a FIFO (named pipe)"),
        "{err}"
    );
}

/// Row 1: a claims file of 100,000 broken lines: 20 errors in full and a
/// count of the rest, a few kilobytes in all (it was 55 MB).
#[test]
fn a_flood_of_syntax_errors_prints_twenty_and_a_count() {
    let dir = small_copy();
    std::fs::write(dir.path().join("claims/flood.toml"), "=\n".repeat(100_000)).unwrap();
    for format in ["human", "json", "github"] {
        let out = kz(dir.path())
            .args(["check", "--format", format])
            .timeout(std::time::Duration::from_secs(120))
            .output()
            .unwrap();
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert!(all.len() < 100_000, "{format}: {} bytes", all.len());
        // Told by its first 12,500 bytes (a sixteenth): 6,249 lines of two
        // errors each before the last line, 20 of them shown.
        assert!(
            all.contains("and at least 12478 more TOML syntax errors in this file"),
            "{format}: {all}"
        );
    }
    let out = kz(dir.path()).arg("check").output().unwrap();
    let err = stderr(&out);
    // Line numbers of the last errors shown (a running count).
    assert!(err.contains("claims/flood.toml:10:1"), "{err}");
    assert!(!err.contains("claims/flood.toml:11:"), "{err}");
}

/// Row 1: errors of any kind are shown 20 to a file, then counted.
#[test]
fn many_errors_in_one_file_are_shown_twenty_then_counted() {
    let dir = small_copy();
    let mut text = String::new();
    for i in 0..60 {
        text.push_str(&format!(
            "[[claim]]\nid = \"bad-{i}\"\ndate = 2024-01-01\nstatement = \"x\"\nsources = [\"nowhere\"]\ncredibility = 9\n\n"
        ));
    }
    std::fs::write(dir.path().join("claims/many.toml"), text).unwrap();
    let out = kz(dir.path()).arg("check").output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.matches("--> claims/many.toml:").count(), 20, "{err}");
    assert!(err.contains("more errors in claims/many.toml"), "{err}");
}
