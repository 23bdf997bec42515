//! Indicators with likelihoods: observations update the assessment from
//! their date; the memo lists open ones by due date and flags the rest.

use crate::common::*;
use serde_json::Value;

fn score(extra: &[&str]) -> Value {
    let out = kz(&fixture("indicators"))
        .args(["score", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn p(v: &Value, id: &str) -> f64 {
    v["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap()["probability"]
        .as_f64()
        .unwrap()
}

#[test]
fn observations_update_from_their_date() {
    // Before any observation: equal priors.
    let v = score(&["--as-of", "2024-01-14"]);
    assert!((p(&v, "a") - 0.5).abs() < 1e-12);
    // i-obs not seen on 01-15: 1 − 0.8 = 0.2 under a, 1 − 0.3 = 0.7 under b.
    let v = score(&["--as-of", "2024-01-15"]);
    assert!((p(&v, "a") - 0.2 / 0.9).abs() < 1e-12);
    // i-rated seen on 01-16: II (0.05) under a, C (0.8) under b.
    let v = score(&[]);
    let a = 0.2 * 0.05;
    let b = 0.7 * 0.8;
    assert!((p(&v, "a") - a / (a + b)).abs() < 1e-12);
    let ind = v["indicators"].as_array().unwrap();
    assert_eq!(ind.len(), 2);
    assert_eq!(ind[0]["id"], "a/i-obs");
    assert_eq!(ind[0]["observed"], false);
    assert!((ind[0]["likelihoods"]["b"].as_f64().unwrap() - 0.7).abs() < 1e-12);
}

#[test]
fn ach_counts_rated_indicators_only() {
    let v = score(&["--engine", "ach"]);
    let a = v["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "a")
        .unwrap()
        .clone();
    // i-rated: II against a, credibility-1 weight √2 × medium 1 × 2.
    assert!((a["weighted_inconsistency"].as_f64().unwrap() - 2.0 * 2f64.sqrt()).abs() < 1e-12);
    assert_eq!(a["inconsistency"], 2);
}

#[test]
fn memo_lists_open_indicators_by_due_date() {
    let memo = stdout(&kz(&fixture("indicators")).arg("brief").output().unwrap());
    let open = memo
        .split("## Indicators to watch")
        .nth(1)
        .unwrap()
        .split("Observed:")
        .next()
        .unwrap();
    let lines: Vec<&str> = open.lines().filter(|l| l.starts_with("- ")).collect();
    assert_eq!(
        lines,
        [
            "- 2024-01-10 (**overdue**): A sign of B that should have come *(seeing it would favour b (95%) over a (20%); **separates the top two**)*",
            "- 2024-03-01: A sign both predict *(every scenario predicts it equally: it cannot discriminate; **non-diagnostic**)*",
            "- 2024-05-01: A late sign of A *(seeing it would favour a (70%) over b (20%); **separates the top two**)*",
        ]
    );
    assert!(
        memo.contains(
            "- 2024-01-15: An early sign of A: **not observed** (nothing by mid-January)"
        ),
        "{memo}"
    );
    assert!(
        memo.contains("- 2024-01-16: A rated sign of B: **observed**"),
        "{memo}"
    );
    assert!(
        memo.contains("No single claim or observation decides it"),
        "{memo}"
    );
    // The forecast of an indicator: Σ p(H)·P(seen | H) the day before.
    assert!(
        memo.contains("`a/i-obs`: forecast 55%, not observed (Brier 0.605)"),
        "{memo}"
    );
}

#[test]
fn an_observation_marked_update_false_only_resolves_the_indicator() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("indicators"), dir.path());
    let path = dir.path().join("scenarios/s.toml");
    let t = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        t.replacen(
            "observed = false\n",
            "observed = false\nupdate = false\n",
            1,
        ),
    )
    .unwrap();
    let out = kz(dir.path())
        .args(["score", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // Only i-rated counts now: 0.05 against 0.8.
    assert!((p(&v, "a") - 0.05 / 0.85).abs() < 1e-12);
    assert_eq!(v["indicators"].as_array().unwrap().len(), 1);
    let memo = stdout(&kz(dir.path()).arg("brief").output().unwrap());
    assert!(
        memo.contains("- 2024-01-15: An early sign of A: **not observed**"),
        "{memo}"
    );
    assert!(
        memo.contains("`a/i-obs`: forecast 55%, not observed"),
        "{memo}"
    );
}
