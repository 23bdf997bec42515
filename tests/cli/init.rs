//! `kzclaims init`: a new workspace that passes check and briefs.

use crate::common::*;

#[test]
fn init_creates_a_working_workspace() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("new");
    let out = kz(tmp.path()).arg("init").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for f in [
        "kzclaims.toml",
        "scenarios/scenarios.toml",
        "claims/claims.toml",
        "templates/memo.md",
        "templates/memo.html",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    // The evidence weight is written out, with what it means.
    let cfg = std::fs::read_to_string(dir.join("kzclaims.toml")).unwrap();
    assert!(cfg.contains("\nevidence_weight = 0.5\n"), "{cfg}");
    assert!(
        cfg.contains("# How much one group of claims counts"),
        "{cfg}"
    );
    let out = kz(&dir).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The example is clean: no warning even under --strict.
    assert_eq!(
        stdout(&out),
        "ok: 2 scenarios, 3 claims, 3 sources, as of 2024-02-10\n"
    );
    assert_eq!(stderr(&out), "");
    kz(&dir).args(["check", "--strict"]).assert().success();
    // Issue 19, row 18: `init --help` says what init writes (it said "an
    // example scenario, claim" for two and three).
    let help = stdout(&kz(tmp.path()).args(["init", "--help"]).output().unwrap());
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains(
            "two scenarios, each with an indicator; three sources; three claims, two of them revised later"
        ),
        "{help}"
    );
    // The example is in fmt's canonical form.
    let fmt = kz(&dir).args(["fmt", "--check"]).output().unwrap();
    assert_eq!(fmt.status.code(), Some(0), "{}", stdout(&fmt));
    // It shows a revision moving the assessment over time.
    kz(&dir)
        .args(["diff", "2024-01-16", "2024-01-20"])
        .assert()
        .success();
    let out = kz(&dir).arg("brief").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("An accident nobody planned"));
    // The dated proponent and wording show from their date on.
    let memo = stdout(&out);
    assert!(memo.contains("by cutting into the valve"), "{memo}");
    assert!(memo.contains("the inquiry"), "{memo}");
    let early = kz(&dir)
        .args(["brief", "--as-of", "2024-01-22"])
        .output()
        .unwrap();
    let early = stdout(&early);
    assert!(!early.contains("by cutting into the valve"), "{early}");
    assert!(!early.contains("the inquiry"), "{early}");
    // The copied templates are the built-ins: same memo with or without them.
    std::fs::remove_dir_all(dir.join("templates")).unwrap();
    let again = kz(&dir).arg("brief").output().unwrap();
    assert_eq!(again.stdout, out.stdout);
}

#[test]
fn init_refuses_to_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("kzclaims.toml"), "mine").unwrap();
    let out = kz(tmp.path()).args(["init", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("refusing to overwrite"));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("kzclaims.toml")).unwrap(),
        "mine"
    );
    assert!(!tmp.path().join("scenarios").exists());
}
