//! `kzclaims sensitivity`: linchpins, the smallest deciding set and the
//! what-ifs, against hand-computed numbers.

use crate::common::*;
use serde_json::Value;

fn json(dir: &std::path::Path, extra: &[&str]) -> Value {
    let out = kz(dir)
        .args(["sensitivity", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn close(v: &Value, want: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!((got - want).abs() < 1e-9, "{got} vs {want}");
}

fn item<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no item {id}"))
}

#[test]
fn one_claim_decides_and_is_named_a_linchpin() {
    let v = json(&fixture("linchpin"), &[]);
    assert_eq!(v["leader"], "a");
    assert_eq!(v["runner_up"], "b");
    // Totals a 0.38, b 0.128 (equal priors cancel).
    close(&v["margin"], (0.38f64 / 0.128).ln());
    assert_eq!(v["linchpins"], serde_json::json!(["k1"]));
    assert_eq!(v["rests_on"], 1);
    assert_eq!(v["deciding_set"]["items"], serde_json::json!(["k1"]));
    assert_eq!(v["deciding_set"]["new_leader"], "b");
    assert_eq!(v["deciding_set"]["method"], "exact");
    assert!(v["summary"]
        .as_str()
        .unwrap()
        .starts_with("The conclusion rests on 1 claim"));

    let k1 = item(&v, "k1");
    close(&k1["contribution"], (0.95f64 / 0.2).ln());
    close(&k1["removal"]["change"], -(0.95f64 / 0.2).ln());
    assert_eq!(k1["removal"]["leader"], "b");
    assert_eq!(k1["linchpin"], true);
    // Credibility 1 → 2: trust 0.8; row mean (0.95 + 0.2 + 0.8)/3 = 0.65;
    // L' = 0.8·L + 0.2·0.65 → a 0.89, b 0.29.
    close(
        &k1["trust_drop"]["change"],
        (0.89f64 / 0.29).ln() - (0.95f64 / 0.2).ln(),
    );
    assert_eq!(k1["trust_drop"]["flips"], false);
    // Mirrored: a II 0.05, b C 0.8.
    close(
        &k1["deception"]["change"],
        (0.05f64 / 0.8).ln() - (0.95f64 / 0.2).ln(),
    );
    assert_eq!(k1["deception"]["leader"], "b");

    // k2 favours a over c, not over b: removing it does not flip, but its
    // deception (a I, b I, c C) makes c the leader: 0.095, 0.032, 0.32.
    let k2 = item(&v, "k2");
    close(&k2["contribution"], 0.0);
    assert_eq!(k2["linchpin"], false);
    assert_eq!(k2["deception"]["leader"], "c");
    let k3 = item(&v, "k3");
    close(&k3["removal"]["change"], (0.8f64 / 0.5).ln());
}

#[test]
fn no_single_claim_decides_and_the_smallest_set_is_given() {
    let v = json(&fixture("no-linchpin"), &[]);
    assert_eq!(v["linchpins"], serde_json::json!([]));
    close(
        &v["margin"],
        3.0 * (0.8f64 / 0.5).ln() + (0.2f64 / 0.5).ln(),
    );
    assert_eq!(v["rests_on"], 2);
    assert_eq!(v["deciding_set"]["items"], serde_json::json!(["n1", "n2"]));
    assert_eq!(v["deciding_set"]["new_leader"], "b");
    assert_eq!(v["deciding_set"]["method"], "exact");
    for id in ["n1", "n2", "n3", "n4"] {
        assert_eq!(item(&v, id)["linchpin"], false, "{id}");
    }

    let out = kz(&fixture("no-linchpin"))
        .arg("sensitivity")
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(text.contains("linchpins: none"), "{text}");
    assert!(
        text.contains("The conclusion rests on 2 claims: without n1 and n2 the leading scenario would be b, not a."),
        "{text}"
    );
}

#[test]
fn ach_margin_is_in_weighted_inconsistency() {
    let v = json(&fixture("linchpin"), &["--engine", "ach"]);
    assert_eq!(v["margin_kind"], "weighted inconsistency");
    // Credibility 1 → √2, medium 1: b's only I (k1) weighs √2.
    close(&v["margin"], std::f64::consts::SQRT_2);
    // Without k1, a and b tie at 0 and a keeps first place by id.
    assert_eq!(v["linchpins"], serde_json::json!([]));
    assert_eq!(v["rests_on"], Value::Null);
}

#[test]
fn memo_says_what_the_conclusion_rests_on() {
    let out = kz(&fixture("linchpin")).arg("brief").output().unwrap();
    let memo = stdout(&out);
    assert!(memo.contains("## What the judgment rests on"), "{memo}");
    // k1 alone is worth more than the lead over b (k2 counts against a there).
    assert!(
        memo.contains(
            "Against “Scenario B”, 1 claim carries more than the whole lead (143% of it;"
        ),
        "{memo}"
    );
    assert!(
        memo.contains("- **k1** (2024-01-01, 143% of the lead): The decisive report."),
        "{memo}"
    );
    assert!(
        memo.contains("Removing k1 alone would hand the lead to “Scenario B”"),
        "{memo}"
    );
    let html = stdout(
        &kz(&fixture("no-linchpin"))
            .args(["brief", "--format", "html"])
            .output()
            .unwrap(),
    );
    assert!(
        html.contains("No single claim decides it: only removing 2 claims together"),
        "{html}"
    );
    assert!(
        html.contains("Against “Scenario B”, 1 claim carries 95% of the lead:"),
        "{html}"
    );
}
