//! Dependent evidence (issue 7): claim groups counted once, the evidence
//! weight η, the band, and how timeline, diff, sensitivity and check follow.
//! Every number here is computed by hand in the comments (and was checked
//! independently); the fixture is tests/fixtures/groups.

use crate::common::*;
use serde_json::Value;

fn json(args: &[&str]) -> Value {
    let out = kz(&fixture("groups")).args(args).output().unwrap();
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

// Trust is 1 everywhere (source A, credibility 1), relevance medium, priors
// 0.5 / 0.5, η = 0.5. Rows ln L: r1 (.8, .2), r2 (.95, .5), r3 (.8, .8) and
// from 6 Feb (.8, .05), s1 (.5, .8), the permit observation (.9, .3).
// r1, r2, r3 form group rally-day: C = the mean of their rows.
const AS_OF: [(&str, f64); 4] = [
    // C = mean(r1, r2) + s1.
    ("2024-02-03", 0.567_592_486_795_253_3),
    // r3 joins the group: mean(r1, r2, r3) + s1.
    ("2024-02-04", 0.525_732_967_138_381_2),
    // the observation is a group of its own.
    ("2024-02-05", 0.657_535_113_879_048_4),
    // r3 revised to (.8, .05).
    ("2024-02-06", 0.752_953_548_936_744_4),
];

#[test]
fn groups_count_once_at_the_evidence_weight() {
    for (date, h1) in AS_OF {
        let v = json(&["score", "--as-of", date, "--format", "json"]);
        let got = p(&v, "h1");
        assert!((got - h1).abs() < 1e-12, "{date}: {got} vs {h1}");
    }
}

#[test]
fn score_json_carries_the_band() {
    let v = json(&["score", "--format", "json"]);
    assert_eq!(v["evidence_weight"], 0.5);
    assert_eq!(v["band_eta"], serde_json::json!([0.25, 1.0]));
    let h1 = v["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "h1")
        .unwrap();
    // The same as of 6 February at η = 0.25 and η = 1.
    let band = h1["band"].as_array().unwrap();
    assert!((band[0].as_f64().unwrap() - 0.635_807_571_415_339_5).abs() < 1e-12);
    assert!((band[1].as_f64().unwrap() - 0.902_810_879_185_000_9).abs() < 1e-12);
    assert_eq!(v["claims"][0]["group"], "rally-day");
    let out = kz(&fixture("groups")).arg("score").output().unwrap();
    let t = stdout(&out);
    assert!(t.contains("probability at η 0.25"), "{t}");
    assert!(t.contains("probability at η 1 "), "{t}");
}

#[test]
fn timeline_equals_score_with_groups() {
    crate::timeline::equals_score(&fixture("groups"), "bayes");
    let t = json(&["timeline", "--format", "json"]);
    assert_eq!(t["band_eta"], serde_json::json!([0.25, 1.0]));
    // On 4 February r3 joins the group: its change is the move of the
    // group's mean, ×η: 0.5·(ΔC_h1 − ΔC_h2) = −0.169012 for h1.
    let day = t["points"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["date"] == "2024-02-04")
        .unwrap();
    let lo = day["changes"][0]["log_odds"]["h1"].as_f64().unwrap();
    assert!((lo + 0.169_012_353_941_023_76).abs() < 1e-12, "{lo}");
}

#[test]
fn a_claim_joining_a_group_gets_the_move_of_the_groups_mean() {
    let d = json(&["diff", "2024-02-03", "2024-02-04", "--format", "json"]);
    let parts = d["attribution"]["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0]["claim"], "r3");
    let lo = parts[0]["log_odds"]["h1"].as_f64().unwrap();
    assert!((lo + 0.169_012_353_941_023_76).abs() < 1e-12, "{lo}");
    let total = d["attribution"]["total_log_odds"]["h1"].as_f64().unwrap();
    assert!((lo - total).abs() < 1e-12);
}

#[test]
fn removing_a_grouped_claim_moves_its_groups_mean() {
    let s = json(&["sensitivity", "--format", "json"]);
    // Margin: 0.5·(ΣC_h1 − ΣC_h2) = 1.114427.
    assert!((s["margin"].as_f64().unwrap() - 1.114_427_157_966_531_5).abs() < 1e-12);
    let r2 = s["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "r2")
        .unwrap();
    // Without r2 the group is mean(r1, r3): the margin grows by
    // 0.5·(Δ_h1 − Δ_h2) = +0.239598, since r2 diluted r3's strong row.
    let change = r2["removal"]["change"].as_f64().unwrap();
    assert!((change - 0.239_597_942_584_573_5).abs() < 1e-12, "{change}");
    assert!((r2["contribution"].as_f64().unwrap() + change).abs() < 1e-15);
}

#[test]
fn check_warns_when_one_group_carries_most_of_the_lead() {
    let out = kz(&fixture("groups")).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The group's part: 0.5·(C_h1 − C_h2) = 0.800123 of the margin 1.114427.
    assert!(
        stderr(&out).contains("warning[K111]: group `rally-day` (3 claims) carries 72% of the lead of `h1` over `h2` (0.80 of 1.11 log-odds)"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("--> claims/a.toml:7:1"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_dependence_settings_name_file_line_and_column() {
    for (scoring, want, at) in [
        (
            "evidence_weight = 0\n",
            "evidence_weight must be in (0, 1], found 0",
            "kzclaims.toml:7:19",
        ),
        (
            "evidence_weight = 1.5\n",
            "evidence_weight must be in (0, 1], found 1.5",
            "kzclaims.toml:7:19",
        ),
        (
            "band = [1.0, 0.5]\n",
            "band must be two evidence weights in (0, 1], low first",
            "kzclaims.toml:7:8",
        ),
        (
            "band = [0.0, 1.0]\n",
            "band must be two evidence weights in (0, 1], low first",
            "kzclaims.toml:7:8",
        ),
        (
            "band = 0.5\n",
            "band must be two evidence weights in (0, 1], low first",
            "kzclaims.toml:7:8",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&fixture("groups"), dir.path());
        let p = dir.path().join("kzclaims.toml");
        let t = std::fs::read_to_string(&p).unwrap();
        let t = t
            .replace("evidence_weight = 0.5\n", "")
            .replace("band = [0.25, 1.0]\n", "")
            .replace(
                "engine = \"bayes\"\n",
                &format!("engine = \"bayes\"\n{scoring}"),
            );
        std::fs::write(&p, t).unwrap();
        let out = kz(dir.path()).arg("check").output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{scoring}");
        let err = stderr(&out);
        assert!(err.contains(want), "{scoring}: {err}");
        assert!(err.contains(at), "{scoring}: {err}");
    }
}

#[test]
fn an_empty_group_or_a_group_in_a_revision_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("groups"), dir.path());
    let p = dir.path().join("claims/b.toml");
    let t = std::fs::read_to_string(&p).unwrap();
    std::fs::write(
        &p,
        t.replace("group = \"rally-day\"\n", "group = \"\"\n")
            .replace(
                "ratings = { h2 = \"II\" }\n",
                "ratings = { h2 = \"II\" }\ngroup = \"other\"\n",
            ),
    )
    .unwrap();
    let out = kz(dir.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("`group` must name a group"), "{err}");
    assert!(err.contains("claims/b.toml:9:9"), "{err}");
    assert!(
        err.contains("unknown key `group` in [[claim.revision]]"),
        "{err}"
    );
}
