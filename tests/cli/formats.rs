//! Machine-readable check output for CI (issue 9): `check --format json` and
//! `check --format github`, pinned by snapshots; errors and warnings alike.

use crate::common::*;

#[test]
fn check_github_annotations_for_warnings() {
    let out = kz(&fixture("checks"))
        .args(["check", "--format", "github"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "annotations go to stdout only");
    insta::assert_snapshot!("check_github_warnings", stdout(&out));
}

#[test]
fn check_github_annotations_for_errors_exit_1() {
    let out = kz(&fixture("bad-unknown-key"))
        .args(["check", "--format", "github"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("check_github_errors", stdout(&out));
}

#[test]
fn check_json_for_warnings_and_errors() {
    let out = kz(&fixture("checks"))
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("check_json_warnings", stdout(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["summary"]["warnings"], 10);
    assert_eq!(v["summary"]["silenced"], 1);

    let out = kz(&fixture("bad-syntax"))
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("check_json_errors", stdout(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["diagnostics"][0]["code"], "E001");
}

#[test]
fn strict_json_is_not_ok_and_exits_1() {
    let out = kz(&fixture("checks"))
        .args(["check", "--strict", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], false);
}

#[test]
fn brief_json_is_the_template_context() {
    let out = kz(&fixture("small"))
        .args(["brief", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], 1);
    let c = &v["context"];
    // What the templates read: the same words as the memo.
    let md = stdout(&kz(&fixture("small")).arg("brief").output().unwrap());
    assert!(md.contains(c["bluf"].as_str().unwrap()));
    assert!(md.contains(c["scenarios"][0]["judgment"].as_str().unwrap()));
    assert_eq!(c["matrix"]["rows"].as_array().unwrap().len(), 4);
}

#[test]
fn completions_and_man_page_come_from_the_command_line() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = kz(&fixture("small"))
            .args(["completions", shell])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let s = stdout(&out);
        assert!(s.contains("kzclaims"), "{shell}");
        assert!(s.contains("sensitivity"), "{shell}: subcommands completed");
    }
    let out = kz(&fixture("small")).arg("man").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains(".TH kzclaims 1"));
    let dir = tempfile::tempdir().unwrap();
    let out = kz(&fixture("small"))
        .args(["man", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for page in ["kzclaims.1", "kzclaims-brief.1", "kzclaims-check.1"] {
        assert!(dir.path().join(page).is_file(), "{page}");
    }
}

#[test]
fn workspace_from_the_environment_and_quiet() {
    let tmp = tempfile::tempdir().unwrap();
    let out = assert_cmd::Command::cargo_bin("kzclaims")
        .unwrap()
        .current_dir(tmp.path())
        .env("KZCLAIMS_WORKSPACE", fixture("checks"))
        .env_remove("NO_COLOR")
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("ok: 2 scenarios"));
    assert!(stderr(&out).contains("warning[K101]"));
    // Piped: no colour codes.
    assert!(!stderr(&out).contains('\u{1b}'));
    let out = assert_cmd::Command::cargo_bin("kzclaims")
        .unwrap()
        .current_dir(tmp.path())
        .env("KZCLAIMS_WORKSPACE", fixture("checks"))
        .args(["check", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stderr(&out), "", "--quiet prints no warnings");
    assert!(stdout(&out).starts_with("ok: 2 scenarios"));
    // Errors are never hidden.
    let out = assert_cmd::Command::cargo_bin("kzclaims")
        .unwrap()
        .env("KZCLAIMS_WORKSPACE", fixture("bad-syntax"))
        .args(["check", "-q"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("error[E001]"));
}

/// Every JSON shape carries its version and is pinned here.
#[test]
fn json_shapes_are_versioned_and_pinned() {
    for (args, name) in [
        (vec!["score", "--format", "json"], "json_score"),
        (vec!["timeline", "--format", "json"], "json_timeline"),
        (vec!["sensitivity", "--format", "json"], "json_sensitivity"),
        (vec!["collect", "--format", "json"], "json_collect"),
        (
            vec!["diff", "2024-03-03", "2024-03-10", "--format", "json"],
            "json_diff",
        ),
    ] {
        let out = kz(&fixture("small")).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["version"], 1, "{args:?}");
        insta::assert_snapshot!(name, stdout(&out));
    }
}
