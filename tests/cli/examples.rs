//! The example workspaces under examples/ (each folder holding a
//! kzclaims.toml), checked like the bundled one: they load, `check --strict`
//! passes with every warning silenced for a reason, they are in `fmt`'s
//! canonical form, and `score` agrees with `timeline` at every date. The MH17
//! record's calibration is pinned by snapshots.

use crate::common::*;
use serde_json::Value;
use std::path::PathBuf;

/// Every folder under examples/ that holds a kzclaims.toml, in name order.
pub fn example_workspaces() -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(repo_root().join("examples"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("kzclaims.toml").is_file())
        .collect();
    found.sort();
    found
}

fn mh17() -> PathBuf {
    repo_root().join("examples/mh17")
}

#[test]
fn the_examples_folder_holds_the_mh17_workspace() {
    let found = example_workspaces();
    assert!(found.contains(&mh17()), "{found:?}");
}

#[test]
fn every_example_passes_strict_with_every_warning_silenced_for_a_reason() {
    for ws in example_workspaces() {
        let out = kz(&ws)
            .args(["check", "--strict", "--show-silenced"])
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(0), "{}: {err}", ws.display());
        assert!(!err.contains("warning["), "{}: {err}", ws.display());
        for line in err.lines().filter(|l| l.starts_with("silenced[")) {
            let reason = line.rsplit("): ").next().unwrap();
            assert!(reason.len() > 20, "{}: thin reason: {line}", ws.display());
        }
    }
}

#[test]
fn every_example_is_in_canonical_form() {
    for ws in example_workspaces() {
        let out = kz(&ws).args(["fmt", "--check"]).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}",
            ws.display(),
            stderr(&out)
        );
    }
}

#[test]
fn mh17_loads_its_whole_record() {
    let out = kz(&mh17()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("ok: 4 scenarios, 53 claims, 47 sources, as of 2022-11-17"),
        "{}",
        stdout(&out)
    );
}

fn json(ws: &std::path::Path, args: &[&str]) -> Value {
    let out = kz(ws).args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The timeline is the assessment at every date the record changed: `score`
/// as of each of those dates must give the same numbers, scenario by scenario,
/// at the configured evidence weight and at both ends of the band.
#[test]
fn every_example_scores_the_same_in_score_and_timeline_at_every_date() {
    for ws in example_workspaces() {
        let t = json(&ws, &["timeline", "--format", "json"]);
        let points = t["points"].as_array().unwrap();
        assert!(points.len() > 1, "{}", ws.display());
        for p in points {
            let date = p["date"].as_str().unwrap();
            let s = json(&ws, &["score", "--as-of", date, "--format", "json"]);
            let by_id = |v: &Value, id: &str| -> Value {
                v.as_array()
                    .unwrap()
                    .iter()
                    .find(|x| x["id"] == id)
                    .unwrap_or_else(|| panic!("{date}: no {id}"))
                    .clone()
            };
            for tp in p["scores"].as_array().unwrap() {
                let id = tp["id"].as_str().unwrap();
                let sp = by_id(&s["scenarios"], id);
                let close = |a: &Value, b: &Value| {
                    let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
                    assert!(
                        (a - b).abs() < 1e-12,
                        "{} {date} {id}: {a} vs {b}",
                        ws.display()
                    );
                };
                close(&tp["probability"], &sp["probability"]);
                close(&tp["band"][0], &sp["band"][0]);
                close(&tp["band"][1], &sp["band"][1]);
            }
        }
    }
}

/// The figures docs/examples.md quotes: the resolved scenario leads from
/// 18 July 2014 at every evidence weight in the band.
#[test]
fn mh17_the_resolved_scenario_leads_across_the_band_from_18_july_2014() {
    let t = json(
        &mh17(),
        &["timeline", "--format", "json", "--to", "2022-11-17"],
    );
    for p in t["points"].as_array().unwrap() {
        let date = p["date"].as_str().unwrap();
        let scores = p["scores"].as_array().unwrap();
        let leader_at = |k: usize| {
            scores
                .iter()
                .max_by(|a, b| {
                    a["band"][k]
                        .as_f64()
                        .unwrap()
                        .total_cmp(&b["band"][k].as_f64().unwrap())
                })
                .unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        };
        let leads = p["leader"] == "russian-buk"
            && leader_at(0) == "russian-buk"
            && leader_at(1) == "russian-buk";
        assert_eq!(leads, date >= "2014-07-18", "{date}");
    }
}

#[test]
fn mh17_calibration_table() {
    let out = kz(&mh17()).arg("calibration").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!("mh17_calibration", stdout(&out));
}

#[test]
fn mh17_calibration_fit() {
    let out = kz(&mh17()).args(["calibration", "--fit"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!("mh17_calibration_fit", stdout(&out));
}
