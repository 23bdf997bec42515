//! `kzclaims calibration`: Brier, log and baseline scores against
//! hand-computed values, the calibration table, SVG, and the memo section.

use crate::common::*;
use serde_json::Value;

fn close(v: &Value, want: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!((got - want).abs() < 1e-9, "{got} vs {want}");
}

fn calibration_json(dir: &std::path::Path) -> Value {
    let out = kz(dir)
        .args(["calibration", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Posteriors by hand (full trust, equal priors): from 2024-01-01 for 10 days
/// a = 0.95/1.15; from 2024-01-11 for 20 days a = 0.19/0.35.
const P1: f64 = 0.95 / 1.15;
const P2: f64 = 0.19 / 0.35;

#[test]
fn question_scores_by_hand() {
    let v = calibration_json(&fixture("calibration"));
    let q = &v["questions"][0];
    assert_eq!(q["resolved"], "2024-01-31");
    assert_eq!(q["outcome"], "a");
    let team = &q["views"][0];
    assert_eq!(team["view"], "team");
    let u = team["updates"].as_array().unwrap();
    assert_eq!(u.len(), 2);
    assert_eq!(
        (u[0]["days"].as_i64(), u[1]["days"].as_i64()),
        (Some(10), Some(20))
    );
    close(&u[0]["probabilities"]["a"], P1);
    // Two categories: Brier = (1 − p)² + (1 − p)² = 2(1 − p)².
    let b1 = 2.0 * (1.0 - P1).powi(2);
    let b2 = 2.0 * (1.0 - P2).powi(2);
    close(&u[0]["brier"], b1);
    close(&u[1]["brier"], b2);
    close(&u[0]["log"], P1.ln());
    close(&u[0]["baseline"], 100.0 * (2.0 * P1).log2());
    // Time-averaged over 30 days.
    close(&team["brier"], (10.0 * b1 + 20.0 * b2) / 30.0);
    close(&team["log"], (10.0 * P1.ln() + 20.0 * P2.ln()) / 30.0);
    close(
        &team["baseline"],
        (10.0 * 100.0 * (2.0 * P1).log2() + 20.0 * 100.0 * (2.0 * P2).log2()) / 30.0,
    );
    // Numerically (Python, independently): 0.29880328691022733.
    close(&team["brier"], 0.298_803_286_910_227_3);
}

#[test]
fn indicator_forecast_and_table() {
    let v = calibration_json(&fixture("calibration"));
    let i = &v["indicators"][0];
    assert_eq!(i["indicator"], "report-published");
    assert_eq!(i["observed"], true);
    // The day before (2024-02-04) the posterior was P2: q = P2·0.9 + (1 − P2)·0.3.
    let q = P2 * 0.9 + (1.0 - P2) * 0.3;
    close(&i["probability"], q);
    close(&i["brier"], 2.0 * (1.0 - q).powi(2));
    close(&i["log"], q.ln());
    // Bins: question forecasts weigh 10/30 and 20/30 per scenario; the indicator 1.
    let bins = v["bins"].as_array().unwrap();
    let lows: Vec<f64> = bins.iter().map(|b| b["low"].as_f64().unwrap()).collect();
    assert_eq!(lows, [0.1, 0.4, 0.5, 0.6, 0.8]);
    close(&bins[0]["weight"], 1.0 / 3.0);
    close(&bins[0]["mean_forecast"], 1.0 - P1);
    close(&bins[0]["observed_frequency"], 0.0);
    close(&bins[3]["mean_forecast"], q);
    close(&bins[3]["observed_frequency"], 1.0);
}

#[test]
fn table_svg_and_nothing_resolved() {
    let out = kz(&fixture("calibration"))
        .arg("calibration")
        .output()
        .unwrap();
    let t = stdout(&out);
    assert!(
        t.starts_with("Calibration: 1 resolved question, 1 resolved indicator"),
        "{t}"
    );
    assert!(t.contains("team  0.299  -0.471"), "{t}");
    let svg = kz(&fixture("calibration"))
        .args(["calibration", "--format", "svg"])
        .output()
        .unwrap()
        .stdout;
    let again = kz(&fixture("calibration"))
        .args(["calibration", "--format", "svg"])
        .output()
        .unwrap()
        .stdout;
    assert_eq!(svg, again, "SVG is deterministic");
    let svg = String::from_utf8(svg).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_eq!(svg.matches("<circle").count(), 5);
    assert!(svg.trim_end().ends_with("</svg>"));

    let out = kz(&fixture("small")).arg("calibration").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("Nothing to score yet"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn several_workspaces_pool_into_one_table() {
    let out = kz(&fixture("calibration"))
        .args(["calibration", "--format", "json"])
        .arg(fixture("calibration"))
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["questions"].as_array().unwrap().len(), 2);
    close(&v["bins"][3]["weight"], 2.0);
}

#[test]
fn memo_shows_calibration_once_resolved() {
    let memo = stdout(&kz(&fixture("calibration")).arg("brief").output().unwrap());
    assert!(memo.contains("## Calibration"), "{memo}");
    assert!(
        memo.contains("The question resolved on 2024-01-31: “Scenario A”."),
        "{memo}"
    );
    assert!(memo.contains("| team | 0.299 | -0.471 | 32.1 |"), "{memo}");
    assert!(
        memo.contains("`a/report-published`: forecast 63%, observed"),
        "{memo}"
    );
    // Before the resolution, no calibration section.
    let early = stdout(
        &kz(&fixture("calibration"))
            .args(["brief", "--as-of", "2024-01-20"])
            .output()
            .unwrap(),
    );
    assert!(!early.contains("## Calibration"), "{early}");
}

fn fit_json(dir: &std::path::Path, more: &[&std::path::Path]) -> Value {
    let out = kz(dir)
        .args(["calibration", "--fit", "--format", "json"])
        .args(more)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// p(a) at evidence weight η in tests/fixtures/fit-tiny: 0.8^η / (0.8^η + 0.2^η).
fn tiny_pa(eta: f64) -> f64 {
    0.8f64.powf(eta) / (0.8f64.powf(eta) + 0.2f64.powf(eta))
}

#[test]
fn fit_by_hand() {
    let v = fit_json(&fixture("fit-tiny"), &[]);
    let points = v["points"].as_array().unwrap();
    let etas: Vec<f64> = points.iter().map(|p| p["eta"].as_f64().unwrap()).collect();
    assert_eq!(etas, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]);
    // η = 0.5: p(a) = √0.8 / (√0.8 + √0.2) = 2/3 for the 10 days it stood:
    // log score ln(2/3), Brier (1/3)² + (1/3)² = 2/9.
    close(&points[4]["log"], (2.0f64 / 3.0).ln());
    close(&points[4]["brier"], 2.0 / 9.0);
    for p in points {
        let pa = tiny_pa(p["eta"].as_f64().unwrap());
        close(&p["log"], pa.ln());
        close(&p["brier"], 2.0 * (1.0 - pa).powi(2));
    }
    // The evidence was right: η = 1 scores best on both.
    assert_eq!(v["best_eta"], 1.0);
    assert_eq!(v["best_eta_brier"], 1.0);
    // The configured η is the default, 0.5.
    assert_eq!(v["configured"]["eta"], 0.5);
    close(&v["configured"]["log"], (2.0f64 / 3.0).ln());
}

#[test]
fn fit_misleading_evidence_prefers_a_small_weight() {
    let v = fit_json(&fixture("fit-misleading"), &[]);
    assert_eq!(v["best_eta"], 0.1);
    assert_eq!(v["best_eta_brier"], 0.1);
    let logs: Vec<f64> = v["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["log"].as_f64().unwrap())
        .collect();
    // Every report pointed the wrong way: the more they count, the worse.
    assert!(logs.windows(2).all(|w| w[0] > w[1]), "{logs:?}");
    assert!(v["summary"]
        .as_str()
        .unwrap()
        .starts_with("Over 1 resolved question, η = 0.1 would have scored best"));
}

#[test]
fn fit_pools_questions_with_equal_weight() {
    let misleading = fixture("fit-misleading");
    let v = fit_json(&fixture("fit-tiny"), &[misleading.as_path()]);
    assert_eq!(v["questions"].as_array().unwrap().len(), 2);
    let alone = fit_json(&misleading, &[]);
    for (k, p) in v["points"].as_array().unwrap().iter().enumerate() {
        let pa = tiny_pa(p["eta"].as_f64().unwrap());
        let other = &alone["points"][k];
        close(&p["log"], (pa.ln() + other["log"].as_f64().unwrap()) / 2.0);
        close(
            &p["brier"],
            (2.0 * (1.0 - pa).powi(2) + other["brier"].as_f64().unwrap()) / 2.0,
        );
    }
}

#[test]
fn fit_table_and_nothing_to_fit() {
    let out = kz(&fixture("fit-misleading"))
        .args(["calibration", "--fit"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!("fit_misleading_table", stdout(&out));
    // The bundled workspace has not resolved.
    let out = kz(&repo_root())
        .args(["calibration", "--fit"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("Nothing to fit"));
    let out = kz(&fixture("fit-tiny"))
        .args(["calibration", "--fit", "--format", "svg"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
