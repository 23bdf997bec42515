//! `kzclaims check`: the summary line, warnings, and every kind of bad input.

use crate::common::*;

#[test]
fn small_workspace_passes_with_summary_and_warnings() {
    let out = kz(&fixture("small")).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        "ok: 3 scenarios, 4 claims, 3 sources, as of 2024-03-10, 4 warnings\n"
    );
    let err = stderr(&out);
    assert!(
        err.contains("warning[K102]: claim `no-intrusion` has no citation url"),
        "{err}"
    );
    assert!(err.contains("--> claims/march.toml:59:1"), "{err}");
    assert!(
        err.contains("warning[K103]: the leading scenario `accident` is contradicted by no claim"),
        "{err}"
    );
    assert!(
        err.contains("warning[K104]: claim `breaker-logs` rests on a single source"),
        "{err}"
    );
    assert!(
        err.contains("warning[K107]: scenario `cyberattack` has no indicator"),
        "{err}"
    );
}

#[test]
fn bundled_workspace_passes() {
    let out = kz(&repo_root()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("ok: 4 scenarios, "),
        "{}",
        stdout(&out)
    );
}

#[test]
fn workspace_is_found_from_a_subfolder() {
    let out = kz(&fixture("small").join("claims"))
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn outside_a_workspace_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = kz(dir.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not inside a kzclaims workspace"),
        "{}",
        stderr(&out)
    );
}

/// Each bad-input fixture: exit 1, the error code, file:line:col and snippet,
/// and `brief --out` neither creates nor changes its file.
fn assert_invalid(case: &str, code: &str, location: &str, snippet: &str) {
    let dir = fixture(case);
    let out = kz(&dir).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{case}: {}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains(&format!("error[{code}]")), "{case}: {err}");
    assert!(err.contains(&format!("--> {location}")), "{case}: {err}");
    assert!(err.contains(snippet), "{case}: {err}");
    assert!(err.contains("nothing was written"), "{case}: {err}");
    assert!(stdout(&out).is_empty());

    let tmp = tempfile::tempdir().unwrap();
    let fresh = tmp.path().join("memo.md");
    let out = kz(&dir)
        .args(["brief", "--out"])
        .arg(&fresh)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!fresh.exists(), "{case}: --out was created");

    let existing = tmp.path().join("old.md");
    std::fs::write(&existing, "previous memo\n").unwrap();
    let out = kz(&dir)
        .args(["brief", "--out"])
        .arg(&existing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(&existing).unwrap(),
        "previous memo\n"
    );
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        1,
        "{case}: temp file left behind"
    );
}

#[test]
fn toml_syntax_error() {
    assert_invalid(
        "bad-syntax",
        "E001",
        "claims/march.toml:8:18",
        "relevance = \"high",
    );
}

#[test]
fn unknown_key_with_suggestion() {
    assert_invalid(
        "bad-unknown-key",
        "E002",
        "claims/march.toml:26:1",
        "credibilty = 4",
    );
    let err = stderr(
        &kz(&fixture("bad-unknown-key"))
            .arg("check")
            .output()
            .unwrap(),
    );
    assert!(err.contains("help: did you mean `credibility`?"), "{err}");
}

#[test]
fn wrong_type() {
    assert_invalid(
        "bad-type",
        "E003",
        "claims/march.toml:7:15",
        "credibility = [1]",
    );
    let err = stderr(&kz(&fixture("bad-type")).arg("check").output().unwrap());
    assert!(
        err.contains("help: credibility is a number 1-6: 1 confirmed"),
        "{err}"
    );
}

#[test]
fn duplicate_id_across_files() {
    assert_invalid(
        "bad-duplicate-id",
        "E005",
        "claims/march.toml:60:6",
        "id = \"cut-cables\"",
    );
    let err = stderr(
        &kz(&fixture("bad-duplicate-id"))
            .arg("check")
            .output()
            .unwrap(),
    );
    assert!(
        err.contains("first defined at claims/march.toml:21:6"),
        "{err}"
    );
}

#[test]
fn unknown_scenario() {
    assert_invalid(
        "bad-unknown-scenario",
        "E006",
        "claims/march.toml:69:1",
        "cyber-attack = \"II\"",
    );
}

#[test]
fn unknown_source() {
    assert_invalid(
        "bad-unknown-source",
        "E007",
        "claims/march.toml:24:12",
        "sources = [\"forumm\"]",
    );
}

#[test]
fn missing_rating() {
    assert_invalid(
        "bad-missing-rating",
        "E008",
        "claims/march.toml:59:1",
        "[[claim]]",
    );
}

#[test]
fn invalid_date() {
    assert_invalid(
        "bad-date",
        "E009",
        "claims/march.toml:42:8",
        "date = \"2024-02-30\"",
    );
}

#[test]
fn invalid_grade() {
    assert_invalid(
        "bad-grade",
        "E010",
        "claims/sources.toml:18:15",
        "reliability = \"G\"",
    );
}

#[test]
fn revision_before_claim() {
    assert_invalid(
        "bad-revision-date",
        "E011",
        "claims/march.toml:36:8",
        "date = 2024-03-01",
    );
}

#[test]
fn prior_out_of_range() {
    assert_invalid("bad-prior", "E012", "scenarios/all.toml:5:9", "prior = 1.5");
}

#[test]
fn several_problems_in_one_run() {
    let ws = workspace(&[
        ("kzclaims.toml", "title = \"t\"\nquestion = \"q\"\nengine = \"bayes\"\n"),
        ("scenarios/s.toml", "[[scenario]]\nid = \"a\"\ntitle = \"A\"\nsummary = \"s\"\n"),
        (
            "claims/c.toml",
            "[[claim]]\nid = \"x\"\ndate = \"yesterday\"\nstatement = \"s\"\nsources = [\"nobody\"]\ncredibility = 7\nratings = { a = \"maybe\" }\n",
        ),
    ]);
    let out = kz(ws.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    for code in ["E002", "E009", "E007", "E010"] {
        assert!(
            err.contains(&format!("error[{code}]")),
            "{code} missing: {err}"
        );
    }
    assert!(err.contains("kzclaims.toml:3:1"), "{err}");
    assert!(err.contains("5 problems found"), "{err}");
}

#[test]
fn priors_summing_past_one() {
    assert_invalid(
        "bad-prior-sum",
        "E012",
        "scenarios/all.toml:17:9",
        "prior = 0.6",
    );
    let err = stderr(&kz(&fixture("bad-prior-sum")).arg("check").output().unwrap());
    assert!(err.contains("priors sum to 1.100000, past 1"), "{err}");
}
