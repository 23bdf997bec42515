//! `kzclaims score`: the matrix as a table and as documented JSON.

use crate::common::*;

#[test]
fn table_on_small_workspace() {
    let out = kz(&fixture("small")).arg("score").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("score_small_table", stdout(&out));
}

#[test]
fn ach_table_as_of_a_date() {
    let out = kz(&fixture("small"))
        .args(["score", "--engine", "ach", "--as-of", "2024-03-05"])
        .output()
        .unwrap();
    insta::assert_snapshot!("score_small_ach_0305", stdout(&out));
}

fn json(dir: &std::path::Path, extra: &[&str]) -> serde_json::Value {
    let out = kz(dir)
        .args(["score", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn assert_shape(v: &serde_json::Value) {
    for key in ["as_of", "engine", "scenarios", "claims"] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    let scen = v["scenarios"].as_array().unwrap();
    for s in scen {
        for key in [
            "id",
            "title",
            "rank",
            "probability",
            "likelihood_term",
            "inconsistency",
            "weighted_inconsistency",
        ] {
            assert!(s.get(key).is_some(), "scenario missing {key}: {s}");
        }
    }
    for c in v["claims"].as_array().unwrap() {
        for key in ["id", "date", "trust", "diagnosticity", "ratings"] {
            assert!(c.get(key).is_some(), "claim missing {key}: {c}");
        }
        assert_eq!(c["ratings"].as_object().unwrap().len(), scen.len());
    }
    let sum: f64 = scen
        .iter()
        .map(|s| s["probability"].as_f64().unwrap())
        .sum();
    assert!((sum - 1.0).abs() < 1e-9, "probabilities sum to {sum}");
}

#[test]
fn bundled_json_has_every_field_for_both_engines() {
    for engine in ["bayes", "ach"] {
        let v = json(&repo_root(), &["--engine", engine]);
        assert_eq!(v["engine"], engine);
        assert_eq!(v["as_of"], "2022-04-18");
        assert_shape(&v);
        let ranks: Vec<u64> = v["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["rank"].as_u64().unwrap())
            .collect();
        assert_eq!(ranks, (1..=ranks.len() as u64).collect::<Vec<_>>());
    }
}

#[test]
fn small_numbers_match_hand_computation() {
    // As of 2024-03-04, two claims are in force:
    //  old-transformers: R = 1 − (1 − 0.8)(1 − 0.6) = 0.92, credibility 1 → r = 0.92;
    //    L = (0.95, 0.5, 0.5), mean 0.65; L' = 0.92 L + 0.08 · 0.65; high relevance → ×√2.
    //  cut-cables: R = 0.1 (E), credibility 4 → 0.4, r = 0.04;
    //    L = (0.2, 0.95, NA → 0.575), mean 0.575; medium relevance.
    let v = json(&fixture("small"), &["--as-of", "2024-03-04"]);
    let s2 = std::f64::consts::SQRT_2;
    let l1: [f64; 3] = [
        0.92 * 0.95 + 0.08 * 0.65,
        0.92 * 0.5 + 0.08 * 0.65,
        0.92 * 0.5 + 0.08 * 0.65,
    ];
    let l2: [f64; 3] = [0.04 * 0.2 + 0.96 * 0.575, 0.04 * 0.95 + 0.96 * 0.575, 0.575];
    let priors = [0.5, 0.25, 0.25];
    let lp: Vec<f64> = (0..3)
        .map(|j| f64::ln(priors[j]) + s2 * l1[j].ln() + l2[j].ln())
        .collect();
    let z: f64 = lp.iter().map(|x| x.exp()).sum();
    let ids = ["accident", "sabotage", "cyberattack"];
    for s in v["scenarios"].as_array().unwrap() {
        let j = ids.iter().position(|i| *i == s["id"]).unwrap();
        let p = s["probability"].as_f64().unwrap();
        assert!((p - lp[j].exp() / z).abs() < 1e-12, "{}: {p}", ids[j]);
    }
    // ACH as of 2024-03-04: only cut-cables is inconsistent (accident, I):
    // credibility 4 → 1/√2, medium → 1: weighted 0.7071…
    let v = json(
        &fixture("small"),
        &["--as-of", "2024-03-04", "--engine", "ach"],
    );
    let acc = v["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "accident")
        .unwrap();
    assert!(
        (acc["weighted_inconsistency"].as_f64().unwrap() - std::f64::consts::FRAC_1_SQRT_2).abs()
            < 1e-12
    );
    assert_eq!(acc["rank"], 3);
}

/// Effective dates (tests/fixtures/published; docs/scoring.md): the default
/// as-of is the latest effective date, a claim whose sources all appeared
/// later is out until the first of them, and a revision citing a late
/// source applies after a later-dated one.
#[test]
fn effective_dates_by_hand() {
    let dir = fixture("published");
    let p_a = |v: &serde_json::Value| {
        v["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == "a")
            .unwrap()["probability"]
            .as_f64()
            .unwrap()
    };
    let latest = json(&dir, &[]);
    assert_eq!(latest["as_of"], "2024-04-01");
    assert!((p_a(&latest) - 1.0 / 11.0).abs() < 1e-12);
    let early = json(&dir, &["--as-of", "2024-03-05"]);
    assert!((p_a(&early) - 0.8).abs() < 1e-12);
    let ids: Vec<&str> = early["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(!ids.contains(&"all-late"), "{ids:?}");
    let mid = json(&dir, &["--as-of", "2024-03-20"]);
    assert!((p_a(&mid) - 0.152 / 0.232).abs() < 1e-12);
}

#[test]
fn bad_date_argument_is_a_usage_error() {
    let out = kz(&fixture("small"))
        .args(["score", "--as-of", "March 5"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("expected YYYY-MM-DD"),
        "{}",
        stderr(&out)
    );
}

/// Issue 19, row 20: one strict date parser on the command line, as in
/// TOML: `2024-3-8` was read as 2024-03-08; now refused, saying why.
#[test]
fn dates_on_the_command_line_are_strict() {
    for (date, want) in [
        ("2024-3-8", "expected YYYY-MM-DD"),
        ("2024-02-30", "no such day in the calendar"),
    ] {
        let out = kz(&fixture("small"))
            .args(["score", "--as-of", date])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{date}");
        let err = stderr(&out);
        assert!(
            err.contains(&format!("`{date}` is not a date: {want}")),
            "{err}"
        );
    }
    let out = kz(&fixture("small"))
        .args(["diff", "2024-02-30", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no such day in the calendar"),
        "{}",
        stderr(&out)
    );
}
