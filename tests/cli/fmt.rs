//! `kzclaims fmt` (issue 9): one canonical layout, comments kept, idempotent,
//! never a changed score; `--check` for CI.

use crate::common::*;

fn score_json(dir: &std::path::Path) -> Vec<u8> {
    let out = kz(dir)
        .args(["score", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    out.stdout
}

#[test]
fn the_bundled_workspace_is_in_canonical_form() {
    let out = kz(&repo_root()).args(["fmt", "--check"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn fmt_rewrites_keeps_comments_scores_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("small"), dir.path());
    let p = dir.path().join("claims/march.toml");
    let t = std::fs::read_to_string(&p).unwrap();
    // Habits fmt normalises: a date as a string, credibility as a string,
    // a rating in lower case and in PARC's spelling, keys out of order.
    let messy = t
        .replacen(
            "date = 2024-03-03",
            "date = \"2024-03-03\" # kept comment",
            1,
        )
        .replacen("credibility = 2", "credibility = \"2\"", 1)
        .replacen("accident = \"CC\"", "accident = \"c c\"", 1);
    assert_ne!(messy, t);
    std::fs::write(&p, &messy).unwrap();
    let before = score_json(dir.path());
    let check = kz(dir.path()).args(["fmt", "--check"]).output().unwrap();
    assert_eq!(check.status.code(), Some(1));
    let shown = stdout(&check);
    assert!(shown.contains("would reformat claims/march.toml"));
    // Issue 19, rows 17 and 21: what would change, as a unified diff.
    assert!(shown.contains("--- claims/march.toml (now)"), "{shown}");
    assert!(
        shown.contains("+++ claims/march.toml (formatted)"),
        "{shown}"
    );
    assert!(shown.contains("\n-credibility = \"2\"\n"), "{shown}");
    assert!(shown.contains("\n+credibility = 2\n"), "{shown}");
    assert_eq!(
        std::fs::read_to_string(&p).unwrap(),
        messy,
        "--check writes nothing"
    );

    let out = kz(dir.path()).arg("fmt").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let formatted = std::fs::read_to_string(&p).unwrap();
    assert!(
        formatted.contains("date = 2024-03-03 # kept comment"),
        "{formatted}"
    );
    assert!(formatted.contains("accident = \"CC\""));
    assert!(!formatted.contains("credibility = \"2\""));
    assert_eq!(score_json(dir.path()), before, "fmt never changes a score");
    // Twice changes nothing.
    kz(dir.path()).arg("fmt").assert().success();
    assert_eq!(std::fs::read_to_string(&p).unwrap(), formatted);
    kz(dir.path()).args(["fmt", "--check"]).assert().success();
}

#[test]
fn fmt_refuses_an_invalid_workspace() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("bad-syntax"), dir.path());
    let before = std::fs::read_to_string(dir.path().join("claims/march.toml")).unwrap();
    let out = kz(dir.path()).arg("fmt").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("error[E001]"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("claims/march.toml")).unwrap(),
        before
    );
}

/// Issue 19, row 17: a CRLF file with a byte-order mark stays CRLF with its
/// mark; `fmt --check` shows a change of line endings too.
#[test]
fn fmt_keeps_crlf_and_a_bom() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("small"), dir.path());
    let p = dir.path().join("claims/sources.toml");
    let t = std::fs::read_to_string(&p).unwrap();
    let crlf = format!("\u{FEFF}{}", t.replace('\n', "\r\n"));
    std::fs::write(&p, &crlf).unwrap();
    let out = kz(dir.path()).arg("fmt").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&p).unwrap(),
        crlf,
        "nothing to change"
    );
    // One LF line in a CRLF file: fmt makes it CRLF, and the diff shows it.
    let mixed = crlf.replacen("\r\n", "\n", 1);
    std::fs::write(&p, &mixed).unwrap();
    let check = kz(dir.path()).args(["fmt", "--check"]).output().unwrap();
    assert_eq!(check.status.code(), Some(1));
    assert!(stdout(&check).contains("\\r"), "{}", stdout(&check));
    kz(dir.path()).arg("fmt").assert().success();
    assert_eq!(std::fs::read_to_string(&p).unwrap(), crlf);
}

/// A workspace file that is a link to a file inside the workspace is
/// formatted where the link leads: the link stays a link (issue 19).
#[test]
fn fmt_writes_through_a_link_and_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("small"), dir.path());
    let link = dir.path().join("claims/sources.toml");
    let target = dir.path().join("kept/sources.toml");
    std::fs::create_dir(dir.path().join("kept")).unwrap();
    let t = std::fs::read_to_string(&link).unwrap();
    // Not in canonical form: a reliability in lower case.
    std::fs::write(
        &target,
        t.replace("reliability = \"B\"", "reliability = \"b\""),
    )
    .unwrap();
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink("../kept/sources.toml", &link).unwrap();
    let out = kz(dir.path()).arg("fmt").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("formatted claims/sources.toml"));
    let meta = std::fs::symlink_metadata(&link).unwrap();
    assert!(meta.file_type().is_symlink(), "the link is still a link");
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        t,
        "written through"
    );
    kz(dir.path()).args(["fmt", "--check"]).assert().success();
}
