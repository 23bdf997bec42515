//! `kzclaims collect`: open indicators ranked by information gain against
//! hand-computed values, unrated indicators, blind pairs, and the memo section.

use crate::common::*;
use serde_json::Value;

fn close(v: &Value, want: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!((got - want).abs() < 1e-9, "{got} vs {want}");
}

fn collect_json(dir: &std::path::Path, extra: &[&str]) -> Value {
    let out = kz(dir)
        .args(["collect", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn h(p: &[f64]) -> f64 {
    -p.iter()
        .filter(|x| **x > 0.0)
        .map(|x| x * x.log2())
        .sum::<f64>()
}

/// Posterior ∝ 0.5·0.8, 0.3·0.2, 0.2·0.5 = 0.4, 0.06, 0.1 (sum 0.56).
const P: [f64; 3] = [0.4 / 0.56, 0.06 / 0.56, 0.1 / 0.56];

#[test]
fn ranked_by_gain_by_hand() {
    let v = collect_json(&fixture("collect"), &[]);
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["as_of", "entropy_bits", "indicators", "version"]);
    assert_eq!(v["as_of"], "2024-01-10");
    close(&v["entropy_bits"], h(&P));
    let ind = v["indicators"].as_array().unwrap();
    // Open with likelihoods: confession and charged (seen-already is
    // observed, unrated-sign has no likelihoods).
    assert_eq!(ind.len(), 2);
    let c = &ind[0];
    let mut keys: Vec<&String> = c.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "changes_leader",
            "due",
            "gain_bits",
            "id",
            "if_not_seen",
            "if_seen",
            "p_seen",
            "scenario",
            "text"
        ]
    );
    assert_eq!(
        (&c["scenario"], &c["id"]),
        (&"b".into(), &"confession".into())
    );
    assert_eq!(c["due"], "2024-03-01");
    // confession: q = 0.1, 0.9, 0.1. Seen: 0.04, 0.054, 0.01 (sum 0.104);
    // not seen: 0.36, 0.006, 0.09 (sum 0.456), all over 0.56.
    let s = 0.104 / 0.56;
    close(&c["p_seen"], s);
    let gain = h(&P)
        - s * h(&[0.04 / 0.104, 0.054 / 0.104, 0.01 / 0.104])
        - (1.0 - s) * h(&[0.36 / 0.456, 0.006 / 0.456, 0.09 / 0.456]);
    close(&c["gain_bits"], gain);
    // Numerically (Python, independently): 0.22342389273819263.
    close(&c["gain_bits"], 0.223_423_892_738_192_63);
    assert_eq!(c["if_seen"]["leader"], "b");
    close(&c["if_seen"]["probability"], 0.054 / 0.104);
    assert_eq!(c["if_not_seen"]["leader"], "a");
    close(&c["if_not_seen"]["probability"], 0.36 / 0.456);
    assert_eq!(c["changes_leader"], true);
    // charged: q = 0.8, 0.2, 0.8. Seen: 0.32, 0.012, 0.08 (0.412); not: 0.08, 0.048, 0.02 (0.148).
    let c = &ind[1];
    assert_eq!(c["id"], "charged");
    close(&c["p_seen"], 0.412 / 0.56);
    close(&c["gain_bits"], 0.111_216_858_999_442_28);
    close(&c["if_seen"]["probability"], 0.32 / 0.412);
    close(&c["if_not_seen"]["probability"], 0.08 / 0.148);
    assert_eq!(c["if_not_seen"]["leader"], "a");
    assert_eq!(c["changes_leader"], false);
}

#[test]
fn earlier_date_reopens_an_indicator() {
    // Before its observation on 2024-01-05, seen-already (q = 0.3, 0.3, 0.7) is open.
    let v = collect_json(&fixture("collect"), &["--as-of", "2024-01-04"]);
    let ids: Vec<&str> = v["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.contains(&"seen-already"));
    let gains: Vec<f64> = v["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["gain_bits"].as_f64().unwrap())
        .collect();
    assert!(gains.windows(2).all(|w| w[0] >= w[1]), "{gains:?}");
}

#[test]
fn table_names_unrated_and_blind() {
    let out = kz(&fixture("collect")).arg("collect").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!("collect_table", stdout(&out));
}

#[test]
fn memo_leads_with_what_would_tell_most() {
    let out = kz(&fixture("collect")).arg("brief").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let md = stdout(&out);
    let section = &md[md.find("## Indicators to watch").unwrap()..];
    assert!(
        section.contains(
            "The one observation that would settle most: A participant confesses to B (due 2024-03-01)."
        ),
        "{section}"
    );
    assert!(section.contains(
        "1. **A participant confesses to B** (due 2024-03-01): we put the chance of seeing it at 19%. If it is seen, “Scenario B” would lead instead, at 52%; if not, “Scenario A” would still lead, at 79%."
    ));
    assert!(section.contains("2. **The organisers are charged**"));
    assert!(section.contains("Collection is blind between “Scenario A” and “Scenario C”"));
    assert!(
        section.contains("Not yet rated, so what they would tell cannot be said: c/unrated-sign")
    );
    let html = kz(&fixture("collect"))
        .args(["brief", "--format", "html"])
        .output()
        .unwrap();
    let html = stdout(&html);
    assert!(html.contains("<div class=\"collect\"><p>The one observation that would settle most: A participant confesses to B (due 2024-03-01).</p>"));
}

#[test]
fn bundled_workspace_as_of_6_january() {
    let v = collect_json(&repo_root(), &["--as-of", "2022-01-06"]);
    let ind = v["indicators"].as_array().unwrap();
    // Ten indicators with likelihoods, none observed by 6 January.
    assert_eq!(ind.len(), 10);
    for i in ind {
        let p = i["p_seen"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p));
        assert!(i["gain_bits"].as_f64().unwrap() >= 0.0);
    }
    let gains: Vec<f64> = ind
        .iter()
        .map(|i| i["gain_bits"].as_f64().unwrap())
        .collect();
    assert!(gains.windows(2).all(|w| w[0] >= w[1]), "{gains:?}");
    // By 16 March three have been observed.
    let later = collect_json(&repo_root(), &["--as-of", "2022-03-16"]);
    assert_eq!(later["as_of"], "2022-03-16");
    assert_eq!(later["indicators"].as_array().unwrap().len(), 7);
}

#[test]
fn bad_date_is_a_usage_error() {
    let out = kz(&fixture("collect"))
        .args(["collect", "--as-of", "16 March"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is not a date"));
}
