//! `kzclaims timeline`: equal to `score --as-of` at every date, known answers
//! on a hand-built history, the CSV and SVG outputs, windows.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

fn json(dir: &Path, args: &[&str]) -> Value {
    let out = kz(dir).args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// At every point, each scenario's probability, weighted inconsistency and
/// rank equal `score --as-of` on that date.
pub fn equals_score(dir: &Path, engine: &str) {
    let t = json(dir, &["timeline", "--format", "json", "--engine", engine]);
    let points = t["points"].as_array().unwrap();
    assert!(!points.is_empty());
    for p in points {
        let date = p["date"].as_str().unwrap();
        let s = json(
            dir,
            &[
                "score", "--format", "json", "--as-of", date, "--engine", engine,
            ],
        );
        for sc in p["scores"].as_array().unwrap() {
            let id = sc["id"].as_str().unwrap();
            let want = s["scenarios"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["id"] == id)
                .unwrap();
            for key in ["probability", "weighted_inconsistency", "likelihood_term"] {
                let (a, b) = (sc[key].as_f64().unwrap(), want[key].as_f64().unwrap());
                assert!((a - b).abs() < 1e-9, "{date} {id} {key}: {a} vs {b}");
            }
            assert_eq!(sc["rank"], want["rank"], "{date} {id}");
            assert_eq!(sc["inconsistency"], want["inconsistency"], "{date} {id}");
        }
    }
}

#[test]
fn equals_score_as_of_every_date() {
    for dir in [
        fixture("small"),
        fixture("history"),
        fixture("groups"),
        fixture("published"),
        repo_root(),
    ] {
        equals_score(&dir, "bayes");
        equals_score(&dir, "ach");
    }
}

/// Sources published after the events (tests/fixtures/published): the
/// timeline steps on effective dates, with the hand-computed probabilities
/// of docs/scoring.md's worked example.
#[test]
fn steps_on_effective_dates() {
    let t = json(&fixture("published"), &["timeline", "--format", "json"]);
    let got: Vec<(String, f64)> = t["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let a = p["scores"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["id"] == "a")
                .unwrap();
            (
                p["date"].as_str().unwrap().to_string(),
                a["probability"].as_f64().unwrap(),
            )
        })
        .collect();
    let want = [
        ("2024-03-01", 0.8),
        ("2024-03-10", 0.76 / 0.86),
        ("2024-03-20", 0.152 / 0.232),
        ("2024-04-01", 0.008 / 0.088),
    ];
    assert_eq!(got.len(), want.len(), "{got:?}");
    for ((d, p), (wd, wp)) in got.iter().zip(want) {
        assert_eq!(d, wd);
        assert!((p - wp).abs() < 1e-12, "{d}: {p} vs {wp}");
    }
}

#[test]
fn known_answers_on_the_hand_built_history() {
    let t = json(&fixture("history"), &["timeline", "--format", "json"]);
    let want = [
        ("2024-01-01", 0.95 / 1.15, "h1", "added", "c1"),
        ("2024-01-02", 0.2, "h2", "added", "c2"),
        ("2024-01-03", 0.4 / 1.4, "h2", "added", "c3"),
        ("2024-01-04", 7.6 / 8.6, "h1", "retracted", "c2"),
        ("2024-01-05", 76.0 / 77.0, "h1", "revised", "c3"),
    ];
    let points = t["points"].as_array().unwrap();
    assert_eq!(points.len(), want.len());
    for (p, (date, p1, leader, kind, claim)) in points.iter().zip(want) {
        assert_eq!(p["date"], date);
        assert_eq!(p["leader"], leader);
        let got = p["scores"][0]["probability"].as_f64().unwrap();
        assert!((got - p1).abs() < 1e-12, "{date}: {got} vs {p1}");
        assert_eq!(p["changes"][0]["kind"], kind);
        assert_eq!(p["changes"][0]["claim"], claim);
    }
    // The revision names its field, and its log-odds part is ln 10 for h1.
    let rev = &points[4]["changes"][0];
    assert_eq!(rev["fields"], serde_json::json!(["ratings.h2"]));
    let lo = rev["log_odds"]["h1"].as_f64().unwrap();
    assert!((lo - 10f64.ln()).abs() < 1e-12, "{lo}");
}

#[test]
fn csv_has_one_row_per_date_and_scenario() {
    let out = kz(&fixture("small"))
        .args(["timeline", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "date,scenario,rank,probability,likelihood_term,weighted_inconsistency,inconsistency,leader,changes"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 6 * 3);
    assert!(rows
        .iter()
        .any(|r| r.starts_with("2024-03-07,") && r.ends_with(",×cut-cables")));
}

#[test]
fn window_and_bad_window() {
    let t = json(
        &fixture("history"),
        &[
            "timeline",
            "--format",
            "json",
            "--from",
            "2024-01-03",
            "--to",
            "2024-01-04",
        ],
    );
    let dates: Vec<&str> = t["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["date"].as_str().unwrap())
        .collect();
    assert_eq!(dates, ["2024-01-03", "2024-01-04"]);
    let out = kz(&fixture("history"))
        .args(["timeline", "--from", "2024-01-05", "--to", "2024-01-01"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is after --to"));
}

#[test]
fn svg_is_deterministic_labelled_and_written_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.svg");
    let run = || {
        let out = kz(&repo_root())
            .args(["timeline", "--format", "svg", "--out"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(out.stdout.is_empty());
        std::fs::read(&path).unwrap()
    };
    let (a, b) = (run(), run());
    assert_eq!(a, b, "same input, same bytes");
    let svg = String::from_utf8(a).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains("Largest moves and the claims that caused them"));
    for id in [
        "elite-coup",
        "spontaneous-protest",
        "foreign-terrorists",
        "staged-purge",
    ] {
        assert!(svg.contains(id), "legend names {id}");
    }
    // Only the output file was left in the folder (no temp files).
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

    // On the small fixture the retraction's move is labelled with its claim.
    let out = kz(&fixture("small"))
        .args(["timeline", "--format", "svg"])
        .output()
        .unwrap();
    assert!(stdout(&out).contains("cut-cables"));
}

#[test]
fn table_marks_the_leader_and_the_changes() {
    let out = kz(&fixture("history")).arg("timeline").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    // Changes read as words; the CSV keeps the structured notation.
    assert!(
        text.contains("2024-01-04  88.4%*  11.6%   retracted c2"),
        "{text}"
    );
    assert!(text.contains("c3: rating for h2 revised"), "{text}");
    assert!(!text.contains('~') && !text.contains('×'), "{text}");
    let csv = stdout(
        &kz(&fixture("history"))
            .args(["timeline", "--format", "csv"])
            .output()
            .unwrap(),
    );
    assert!(csv.contains("~c3(ratings.h2)"), "{csv}");
}
