//! Several analysts: consensus feeds the engines, `score --analyst`, pooled
//! posteriors and the disputed cells in the memo.

use crate::common::*;
use serde_json::Value;

fn probability_of_a(extra: &[&str]) -> f64 {
    let out = kz(&fixture("analysts"))
        .args(["score", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "a")
        .unwrap()["probability"]
        .as_f64()
        .unwrap()
}

// Full trust and equal priors: posterior of a = Πa / (Πa + Πb).
// Team: x1 [claim.ratings] C/I, x2 consensus N/N, x3 N/N, x4 C/N.
const TEAM: f64 = (0.8 * 0.5 * 0.5 * 0.8) / (0.8 * 0.5 * 0.5 * 0.8 + 0.2 * 0.5 * 0.5 * 0.5);
// Alice: CC/I, C/N, CC/II, NA/N (NA takes the row mean: 0.5).
const ALICE: f64 = (0.95 * 0.8 * 0.95 * 0.5) / (0.95 * 0.8 * 0.95 * 0.5 + 0.2 * 0.5 * 0.05 * 0.5);
// Bob: C/II, I/N, II/CC, C/N.
const BOB: f64 = (0.8 * 0.2 * 0.05 * 0.8) / (0.8 * 0.2 * 0.05 * 0.8 + 0.05 * 0.5 * 0.95 * 0.5);

#[test]
fn consensus_feeds_the_engine_and_ratings_win() {
    assert!((probability_of_a(&[]) - TEAM).abs() < 1e-9);
    let out = kz(&fixture("analysts")).arg("score").output().unwrap();
    let t = stdout(&out);
    // x2: C and I average to N; x4: NA and C → C (NA does not outnumber).
    assert!(
        t.contains("x2                       1.00     -       N       N"),
        "{t}"
    );
    assert!(
        t.contains("x4                       1.00  0.47       C       N"),
        "{t}"
    );
}

#[test]
fn each_analyst_scored_on_their_own_ratings() {
    assert!((probability_of_a(&["--analyst", "alice"]) - ALICE).abs() < 1e-9);
    assert!((probability_of_a(&["--analyst", "bob"]) - BOB).abs() < 1e-9);
    let out = kz(&fixture("analysts"))
        .args(["score", "--analyst", "alice"])
        .output()
        .unwrap();
    assert!(stdout(&out)
        .lines()
        .next()
        .unwrap()
        .ends_with("engine bayes, evidence weight 1, ratings of analyst alice"));
    let out = kz(&fixture("analysts"))
        .args(["score", "--analyst", "alcie"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did you mean \"alice\"?"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn memo_pools_and_names_the_disputed_cells() {
    let memo = stdout(&kz(&fixture("analysts")).arg("brief").output().unwrap());
    assert!(memo.contains("## Where analysts disagree"), "{memo}");
    let pooled = (ALICE + BOB) / 2.0;
    let pct = |p: f64| format!("{:.0}%", (p * 100.0).round());
    assert!(
        memo.contains(&format!(
            "| pooled | {} | {} |",
            pct(pooled),
            pct(1.0 - pooled)
        )),
        "{memo}"
    );
    assert!(memo.contains("| alice | 99% | 1% |"), "{memo}");
    assert!(
        memo.contains("- **x3** against `a`: alice CC, bob II; an extreme dispute, settled at N"),
        "{memo}"
    );
    assert!(
        memo.contains("- **x2** against `a`: alice C, bob I; a mild dispute, settled at N"),
        "{memo}"
    );
    assert!(
        memo.contains("Ratings in dispute (6 of the 8 cells named analysts rated;"),
        "{memo}"
    );
}

#[test]
fn a_claim_needs_ratings_or_analysts_covering_every_scenario() {
    let ws = workspace(&[
        ("kzclaims.toml", "title = \"t\"\nquestion = \"q\"\n"),
        (
            "scenarios/s.toml",
            "[[scenario]]\nid = \"a\"\ntitle = \"A\"\nsummary = \"s\"\n\n[[scenario]]\nid = \"b\"\ntitle = \"B\"\nsummary = \"s\"\n",
        ),
        (
            "claims/c.toml",
            "[[source]]\nid = \"s\"\nname = \"S\"\nkind = \"media\"\nreliability = \"A\"\n\n[[claim]]\nid = \"x\"\ndate = 2024-01-01\nstatement = \"s\"\nsources = [\"s\"]\ncredibility = 1\n\n[[claim.assessment]]\nanalyst = \"alice\"\nratings = { a = \"C\" }\n\n[[claim.assessment]]\nanalyst = \"alice\"\nratings = { a = \"C\", zz = \"C\" }\n",
        ),
    ]);
    let out = kz(ws.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("error[E008]: claim `x` has no rating for `b`: no [claim.ratings], and no analyst rates it"), "{err}");
    assert!(
        err.contains("error[E005]: analyst \"alice\" rates this claim twice"),
        "{err}"
    );
    assert!(
        err.contains("error[E006]: claim `x` refers to unknown scenario `zz`"),
        "{err}"
    );
}

#[test]
fn bundled_memo_has_the_depth_sections() {
    let memo = stdout(&kz(&repo_root()).arg("brief").output().unwrap());
    for section in [
        "## What the judgment rests on",
        "of the lead:",
        "## Where analysts disagree",
        "| pooled |",
        "Ratings in dispute",
        "## Indicators to watch",
        "Observed:",
        "## Calibration",
    ] {
        assert!(memo.contains(section), "missing {section}");
    }
    let html = stdout(
        &kz(&repo_root())
            .args(["brief", "--format", "html"])
            .output()
            .unwrap(),
    );
    for section in [
        "<h2>What the judgment rests on</h2>",
        "<h2>Where analysts disagree</h2>",
        "<h2>Calibration</h2>",
    ] {
        assert!(html.contains(section), "missing {section}");
    }
}
