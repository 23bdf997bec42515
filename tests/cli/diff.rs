//! `kzclaims diff` and `brief --since`: known answers on a hand-built history,
//! `diff X X` empty, `diff A B` the mirror of `diff B A`, a real git
//! repository built here, the error outside one, snapshots of every format.

use crate::common::*;
use serde_json::Value;
use std::path::Path;
use std::process::Command as Std;

fn diff_json(dir: &Path, from: &str, to: &str) -> Value {
    let out = kz(dir)
        .args(["diff", from, to, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{from} {to}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Parts add up to the total, scenario by scenario, for both measures.
fn assert_parts_sum(d: &Value) {
    let a = &d["attribution"];
    for (total, key) in [
        ("total_log_odds", "log_odds"),
        ("total_weighted_inconsistency", "weighted_inconsistency"),
    ] {
        for (id, t) in a[total].as_object().unwrap() {
            let sum: f64 = a["parts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| f(&p[key][id]))
                .sum();
            assert!((sum - f(t)).abs() < 1e-9, "{key} {id}: {sum} vs {t}");
        }
    }
}

#[test]
fn known_answers_and_the_flip_first() {
    let d = diff_json(&fixture("history"), "2024-01-03", "2024-01-05");
    assert_eq!(d["changed"], true);
    assert_eq!(
        d["leader"],
        serde_json::json!({"from": "h2", "to": "h1", "flipped": true})
    );
    let parts = d["attribution"]["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 2);
    // Largest first: the retraction of c2 (× 19 on the odds), then c3's
    // revision (16 / 1.6 = × 10).
    assert_eq!(parts[0]["claim"], "c2");
    assert_eq!(parts[0]["kind"], "retracted");
    assert!((f(&parts[0]["log_odds"]["h1"]) - 19f64.ln()).abs() < 1e-12);
    assert!((f(&parts[0]["log_odds"]["h2"]) + 19f64.ln()).abs() < 1e-12);
    assert_eq!(parts[1]["claim"], "c3");
    assert_eq!(parts[1]["kind"], "revised");
    assert_eq!(parts[1]["fields"], serde_json::json!(["ratings.h2"]));
    assert!((f(&parts[1]["log_odds"]["h1"]) - 10f64.ln()).abs() < 1e-12);
    assert!((f(&d["attribution"]["total_log_odds"]["h1"]) - 190f64.ln()).abs() < 1e-12);
    assert_parts_sum(&d);
    let h1 = &d["scenarios"][0];
    assert_eq!(h1["id"], "h1");
    assert!((f(&h1["from"]["probability"]) - 0.4 / 1.4).abs() < 1e-12);
    assert!((f(&h1["to"]["probability"]) - 76.0 / 77.0).abs() < 1e-12);
    assert_eq!(h1["from"]["term"], "unlikely");
    assert_eq!(h1["to"]["term"], "almost certain");
    let revised: Vec<&str> = d["record"]["claims_revised"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(revised, ["c2", "c3"]);

    // The text output calls out the flip before anything else.
    let out = kz(&fixture("history"))
        .args(["diff", "2024-01-03", "2024-01-05"])
        .output()
        .unwrap();
    let text = stdout(&out);
    let first = text.lines().nth(2).unwrap();
    assert!(first.contains("The leading scenario changed"), "{text}");
    assert!(!text.contains('\x1b'), "no colour when not a terminal");
}

/// Diff of two dates on tests/fixtures/published: the parts are the changes
/// in force between them by effective date (all-late enters on 03-20, and
/// revised ends on its revision dated 03-03, which counts from 04-01), by
/// hand: ln(0.2/0.8) and ln(0.05/0.5) on a's log-odds.
#[test]
fn dates_diff_by_effective_date() {
    let d = diff_json(&fixture("published"), "2024-03-05", "2024-04-01");
    let parts = d["attribution"]["parts"].as_array().unwrap();
    let got: Vec<(&str, &str)> = parts
        .iter()
        .map(|p| (p["claim"].as_str().unwrap(), p["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(got, [("revised", "revised"), ("all-late", "added")]);
    assert!((f(&parts[0]["log_odds"]["a"]) - 0.1f64.ln()).abs() < 1e-12);
    assert!((f(&parts[1]["log_odds"]["a"]) - 0.25f64.ln()).abs() < 1e-12);
    assert!((f(&d["attribution"]["total_log_odds"]["a"]) - 0.025f64.ln()).abs() < 1e-12);
    assert_parts_sum(&d);
    // Before all-late and the late revision count, nothing changes from 03-01.
    let d = diff_json(&fixture("published"), "2024-03-01", "2024-03-09");
    assert_eq!(d["changed"], false);
}

#[test]
fn added_claims_count_from_nothing() {
    let d = diff_json(&fixture("history"), "2024-01-01", "2024-01-05");
    let parts = d["attribution"]["parts"].as_array().unwrap();
    // c2 entered and was retracted in between: in the record, not in the parts.
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0]["claim"], "c3");
    assert_eq!(parts[0]["kind"], "added");
    assert!((f(&parts[0]["log_odds"]["h1"]) - 16f64.ln()).abs() < 1e-12);
    let added: Vec<&str> = d["record"]["claims_added"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    // c2 is new and already retracted on the later side: added and
    // retracted within the span, listed as such (issue 18).
    assert_eq!(added, ["c3"]);
    assert_eq!(d["record"]["claims_retracted"][0]["id"], "c2");
    assert_eq!(d["record"]["claims_retracted"][0]["status"], "retracted");
    assert_parts_sum(&d);
}

#[test]
fn same_side_twice_is_empty() {
    for (dir, side) in [
        (fixture("history"), "2024-01-03"),
        (fixture("small"), "."),
        (repo_root(), "2022-01-06"),
    ] {
        let d = diff_json(&dir, side, side);
        assert_eq!(d["changed"], false);
        assert_eq!(d["leader"]["flipped"], false);
        assert!(d["attribution"]["parts"].as_array().unwrap().is_empty());
        assert_eq!(d["memo_unified_diff"], "");
        for (_, v) in d["record"].as_object().unwrap() {
            assert!(v.as_array().unwrap().is_empty());
        }
        let out = kz(&dir).args(["diff", side, side]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert!(stdout(&out).contains("no changes"));
    }
}

/// What `diff B A` must be, given `diff A B`.
fn mirrored(d: &Value) -> Value {
    let mut m = d.clone();
    m["from"] = d["to"].clone();
    m["to"] = d["from"].clone();
    m["leader"]["from"] = d["leader"]["to"].clone();
    m["leader"]["to"] = d["leader"]["from"].clone();
    m
}

fn kind_mirror(k: &str) -> &str {
    match k {
        "added" => "removed",
        "removed" => "added",
        "retracted" => "reinstated",
        "reinstated" => "retracted",
        k => k,
    }
}

fn assert_mirror(dir: &Path, a: &str, b: &str) {
    let ab = diff_json(dir, a, b);
    let ba = diff_json(dir, b, a);
    let m = mirrored(&ab);
    for k in ["from", "to", "leader", "changed", "engine"] {
        assert_eq!(m[k], ba[k], "{k}");
    }
    // Scenarios: the same standings, sides swapped.
    for s in ab["scenarios"].as_array().unwrap() {
        let t = ba["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == s["id"])
            .unwrap();
        assert_eq!(s["from"], t["to"]);
        assert_eq!(s["to"], t["from"]);
    }
    // Attribution: each part negated, its kind mirrored; totals negated.
    let pa = ab["attribution"]["parts"].as_array().unwrap();
    let pb = ba["attribution"]["parts"].as_array().unwrap();
    assert_eq!(pa.len(), pb.len());
    for p in pa {
        let q = pb.iter().find(|q| q["claim"] == p["claim"]).unwrap();
        assert_eq!(kind_mirror(p["kind"].as_str().unwrap()), q["kind"]);
        assert_eq!(p["fields"], q["fields"]);
        for key in ["log_odds", "weighted_inconsistency"] {
            for (id, v) in p[key].as_object().unwrap() {
                assert!((f(v) + f(&q[key][id])).abs() < 1e-12, "{key} {id}");
            }
        }
    }
    for (id, v) in ab["attribution"]["total_log_odds"].as_object().unwrap() {
        assert!((f(v) + f(&ba["attribution"]["total_log_odds"][id])).abs() < 1e-12);
    }
    // Record: added ↔ removed, each field's from ↔ to.
    let (ra, rb) = (&ab["record"], &ba["record"]);
    // Claims new on the later side are added, or added and retracted; the
    // mirror sees both as removed.
    let mut new: Vec<Value> = ra["claims_added"].as_array().unwrap().clone();
    new.extend(ra["claims_retracted"].as_array().unwrap().iter().cloned());
    new.sort_by_key(|c| {
        (
            c["date"].as_str().unwrap().to_string(),
            c["id"].as_str().unwrap().to_string(),
        )
    });
    assert_eq!(Value::Array(new), rb["claims_removed"]);
    assert_eq!(ra["claims_removed"], rb["claims_added"]);
    let ids = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&ra["claims_revised"]), ids(&rb["claims_revised"]));
    for (x, y) in ra["claims_revised"]
        .as_array()
        .unwrap()
        .iter()
        .zip(rb["claims_revised"].as_array().unwrap())
    {
        for (fx, fy) in x["fields"]
            .as_array()
            .unwrap()
            .iter()
            .zip(y["fields"].as_array().unwrap())
        {
            assert_eq!(fx["field"], fy["field"]);
            assert_eq!(fx["from"], fy["to"]);
            assert_eq!(fx["to"], fy["from"]);
        }
    }
}

#[test]
fn a_to_b_mirrors_b_to_a() {
    assert_mirror(&fixture("history"), "2024-01-03", "2024-01-05");
    assert_mirror(&fixture("history"), "2024-01-01", "2024-01-05");
    assert_mirror(&fixture("small"), "2024-03-04", "2024-03-08");
    assert_mirror(&repo_root(), "2022-01-03", "2022-04-18");
}

// ---------------------------------------------------------------------------
// Git revisions, in a repository built here.

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Std::new("git")
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.org",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn replace_in(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// A repository whose workspace sits in `analysis/`, with three commits:
/// 1. c1 only; 2. c2 and c3 added; 3. source `a` re-graded A → C and a prior
///    set. Then an uncommitted edit in the work tree (c1 credibility 1 → 2).
fn history_repo() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("analysis");
    copy_tree(&fixture("history"), &ws);
    std::fs::write(dir.path().join("README"), "not part of the workspace\n").unwrap();
    let claims = ws.join("claims/claims.toml");
    let full = std::fs::read_to_string(&claims).unwrap();
    let first_only = &full[..full.find("[[claim]]\nid = \"c2\"").unwrap()];
    std::fs::write(&claims, first_only).unwrap();
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "first claim"]);
    std::fs::write(&claims, &full).unwrap();
    git(dir.path(), &["commit", "-q", "-am", "two more claims"]);
    replace_in(&claims, "reliability = \"A\"", "reliability = \"C\"");
    replace_in(
        &ws.join("scenarios/two.toml"),
        "summary = \"It happened the first way.\"",
        "summary = \"It happened the first way.\"\nprior = 0.6",
    );
    git(
        dir.path(),
        &["commit", "-q", "-am", "re-grade source a; prior for h1"],
    );
    git(dir.path(), &["tag", "v1"]);
    replace_in(
        &claims,
        "url = \"https://example.org/c1\"\ncredibility = 1",
        "url = \"https://example.org/c1\"\ncredibility = 2",
    );
    (dir, ws)
}

#[test]
fn revisions_are_read_from_the_object_store() {
    let (dir, ws) = history_repo();
    // (`git status` itself may refresh the index: it runs before the snapshot.)
    let status_before = git(dir.path(), &["status", "--porcelain"]);
    let index = dir.path().join(".git/index");
    let index_before = std::fs::read(&index).unwrap();

    // Commit 1 → 2: two claims added, as of the later side's latest date.
    let d = diff_json(&ws, "HEAD~2", "HEAD~1");
    let added: Vec<&str> = d["record"]["claims_added"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(added, ["c3"]);
    assert_eq!(d["record"]["claims_retracted"][0]["id"], "c2");
    assert_eq!(d["from"]["revision"]["summary"], "first claim");
    assert_eq!(d["to"]["revision"]["summary"], "two more claims");
    assert_eq!(d["from"]["as_of"], "2024-01-01");
    assert_eq!(d["to"]["as_of"], "2024-01-05");
    assert_parts_sum(&d);

    // Commit 2 → 3 (a tag): a source re-graded and a prior set.
    let d = diff_json(&ws, "HEAD~1", "v1");
    let changed = &d["record"]["sources_changed"][0];
    assert_eq!(changed["id"], "a");
    assert_eq!(
        changed["fields"][0],
        serde_json::json!({"field": "reliability", "from": "A", "to": "C"})
    );
    assert_eq!(
        d["record"]["scenarios_changed"][0]["fields"][0]["field"],
        "prior"
    );
    let kinds: Vec<&str> = d["attribution"]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"prior"), "{kinds:?}");
    assert!(kinds.contains(&"source-regraded"), "{kinds:?}");
    // Prior part: ln(0.6 / 0.4) for h1.
    let prior = d["attribution"]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "prior")
        .unwrap();
    assert!((f(&prior["log_odds"]["h1"]) - 1.5f64.ln()).abs() < 1e-12);
    assert_parts_sum(&d);

    // HEAD → the work tree: the uncommitted edit, field by field.
    let d = diff_json(&ws, "HEAD", ".");
    let rev = &d["record"]["claims_revised"][0];
    assert_eq!(rev["id"], "c1");
    assert_eq!(
        rev["fields"][0],
        serde_json::json!({"field": "credibility", "from": "1", "to": "2"})
    );
    assert_eq!(d["attribution"]["parts"][0]["kind"], "revised");
    assert_parts_sum(&d);

    // REV@DATE: the same revision as of another day.
    let d = diff_json(&ws, "HEAD~1@2024-01-02", "HEAD~1@2024-01-04");
    assert_eq!(d["attribution"]["parts"][0]["claim"], "c2");
    assert_eq!(d["attribution"]["parts"][0]["kind"], "retracted");
    // A commit id works too, and the same commit twice is empty.
    let id = git(dir.path(), &["rev-parse", "HEAD~1"]);
    let d = diff_json(&ws, id.trim(), "HEAD~1");
    assert_eq!(d["changed"], false);

    // Nothing was written to the index or the work tree.
    assert!(
        std::fs::read(&index).unwrap() == index_before,
        "the index was written"
    );
    assert_eq!(git(dir.path(), &["status", "--porcelain"]), status_before);

    // `brief --since REV` uses the same machinery.
    let out = kz(&ws)
        .args(["brief", "--since", "HEAD~2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let memo = stdout(&out);
    assert!(memo.contains("## What changed since HEAD~2"), "{memo}");
    assert!(memo.contains("c3 (added)"), "{memo}");
}

#[test]
fn bad_revisions_are_usage_errors() {
    let (_dir, ws) = history_repo();
    let out = kz(&ws)
        .args(["diff", "no-such-branch", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown revision `no-such-branch`"),
        "{}",
        stderr(&out)
    );
    // A revision from before the workspace folder existed.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README"), "x\n").unwrap();
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "before"]);
    let ws = dir.path().join("analysis");
    copy_tree(&fixture("history"), &ws);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "workspace"]);
    let out = kz(&ws).args(["diff", "HEAD~1", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out)
            .contains("the workspace folder `analysis` does not exist at revision `HEAD~1`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_invalid_workspace_at_a_revision_names_the_revision() {
    let (dir, ws) = history_repo();
    replace_in(
        &ws.join("claims/claims.toml"),
        "credibility = 2",
        "credibility = 9",
    );
    git(dir.path(), &["commit", "-q", "-am", "a bad grade"]);
    let out = kz(&ws).args(["diff", "HEAD~1", "HEAD"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("HEAD:claims/claims.toml"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn outside_a_git_checkout_a_revision_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("small"), dir.path());
    let out = kz(dir.path())
        .args(["diff", "HEAD~1", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("is not inside a git checkout"), "{err}");
    assert!(err.contains("taken as a git revision"), "{err}");
    // Dates still work without git.
    let out = kz(dir.path())
        .args(["diff", "2024-03-05", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

// ---------------------------------------------------------------------------
// Formats.

#[test]
fn html_redline_is_self_contained_and_marks_words() {
    let out = kz(&fixture("history"))
        .args(["diff", "2024-01-03", "2024-01-05", "--format", "html"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let html = stdout(&out);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        !html.contains("src=") && !html.contains("<link"),
        "self-contained"
    );
    assert!(html.contains("<p class=\"flip\">"));
    assert!(
        html.contains("<del>2024-01-03</del>") && html.contains("<ins>2024-01-05</ins>"),
        "{html}"
    );
    assert!(html.contains("The memo, redlined"));
}

#[test]
fn brief_since_a_date() {
    let out = kz(&fixture("history"))
        .args(["brief", "--as-of", "2024-01-05", "--since", "2024-01-03"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let memo = stdout(&out);
    let section = &memo[memo
        .find("## What changed since 2024-01-03")
        .expect("section")..];
    let section = &section[..section.find("## Key judgments").unwrap()];
    assert!(
        section.contains("The leading scenario changed"),
        "{section}"
    );
    assert!(
        section
            .contains("The first explanation: 29% → 99% (unlikely → almost certain), rank 2 → 1"),
        "{section}"
    );
    assert!(
        section.contains("- c2 (retracted): The second observation."),
        "{section}"
    );
    // Plain words, no engine jargon (docs/memo.md, "What changed since").
    assert!(section.contains("pushed toward “"), "{section}");
    assert!(section.contains("push)"), "{section}");
    for jargon in ["log-odds", "bits", "posterior", "likelihood term"] {
        assert!(!section.contains(jargon), "{jargon}: {section}");
    }
    let out = kz(&fixture("history"))
        .args([
            "brief",
            "--format",
            "json",
            "--as-of",
            "2024-01-05",
            "--since",
            "2024-01-03",
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let drivers = json["context"]["since"]["drivers"].to_string();
    assert!(
        drivers.contains("push)") && !drivers.contains("log-odds"),
        "{drivers}"
    );
    // HTML shows it too; without --since there is no section.
    let out = kz(&fixture("history"))
        .args([
            "brief",
            "--format",
            "html",
            "--as-of",
            "2024-01-05",
            "--since",
            "2024-01-03",
        ])
        .output()
        .unwrap();
    assert!(stdout(&out).contains("<h2>What changed since 2024-01-03</h2>"));
    let out = kz(&fixture("history")).args(["brief"]).output().unwrap();
    assert!(!stdout(&out).contains("What changed since"));
}

#[test]
fn bundled_snapshots() {
    for (format, name) in [
        ("text", "diff_bundled_text"),
        ("md", "diff_bundled_md"),
        ("html", "diff_bundled_html"),
    ] {
        let out = kz(&repo_root())
            .args(["diff", "2022-01-06", "2022-04-18", "--format", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        insta::assert_snapshot!(name, stdout(&out));
    }
}

#[test]
fn observed_indicators_are_attributed_and_parts_sum() {
    let out = kz(&fixture("indicators"))
        .args(["diff", "2024-01-14", "2024-01-20", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let att = &v["attribution"];
    let parts = att["parts"].as_array().unwrap();
    let ids: Vec<&str> = parts.iter().map(|p| p["claim"].as_str().unwrap()).collect();
    assert_eq!(ids, ["indicator b/i-rated", "indicator a/i-obs"]);
    for s in ["a", "b"] {
        let total = att["total_log_odds"][s].as_f64().unwrap();
        let sum: f64 = parts
            .iter()
            .map(|p| p["log_odds"][s].as_f64().unwrap())
            .sum();
        assert!((total - sum).abs() < 1e-9, "{s}: {total} vs {sum}");
    }
    // i-rated seen: ln 0.05 vs ln 0.8 → against the other: b gains 2·ln(0.8/0.05)/… (n = 2: lo_b = lp_b − lp_a).
    let rated = &parts[0]["log_odds"]["b"].as_f64().unwrap();
    assert!((rated - (0.8f64 / 0.05).ln()).abs() < 1e-12, "{rated}");
}

#[test]
fn the_summary_counts_indicator_likelihoods_that_changed() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("small"), dir.path());
    let scen = dir.path().join("scenarios/all.toml");
    replace_in(
        &scen,
        "due = 2024-04-01\n",
        "due = 2024-04-01\nif_true = 0.7\nif_false = 0.3\n\n[[scenario.indicator.observation]]\ndate = 2024-03-08\nobserved = true\n",
    );
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "observed"]);
    replace_in(
        &scen,
        "if_true = 0.7\nif_false = 0.3",
        "if_true = 0.9\nif_false = 0.1",
    );
    git(dir.path(), &["commit", "-q", "-am", "likelihoods"]);
    for (format, want) in [
        ("text", "~ indicator accident/inquiry-report: likelihood"),
        ("md", "**Indicator changed** `accident/inquiry-report`"),
        ("html", "<strong>Indicator changed</strong>"),
    ] {
        let out = kz(dir.path())
            .args(["diff", "HEAD~1", "HEAD", "--format", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = stdout(&out);
        assert!(
            text.contains("1 indicator likelihood changed"),
            "{format}: {text}"
        );
        assert!(text.contains(want), "{format}: {text}");
    }
    let d = diff_json(dir.path(), "HEAD~1", "HEAD");
    assert_eq!(
        d["record"]["indicators_changed"][0]["fields"][0]["to"],
        "if_true 0.9, if_false 0.1"
    );
}

/// `--format github`: a notice per changed claim, at the line of its
/// `[[claim]]` header on the later side.
#[test]
fn github_notices_point_at_the_changed_claims() {
    let root = repo_root();
    let out = kz(&root)
        .args(["diff", "2022-01-05", "2022-01-07", "--format", "github"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("::notice title=kzclaims diff 2022-01-05 → 2022-01-07::"));
    let mut seen = 0;
    for l in text.lines().filter(|l| l.contains("file=")) {
        let props = l
            .trim_start_matches("::notice ")
            .split("::")
            .next()
            .unwrap();
        let file = props
            .split("file=")
            .nth(1)
            .unwrap()
            .split(',')
            .next()
            .unwrap();
        let line: usize = props
            .split("line=")
            .nth(1)
            .unwrap()
            .split(',')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let id = props.split("%3A ").nth(1).unwrap();
        let src = std::fs::read_to_string(root.join(file)).unwrap();
        let lines: Vec<&str> = src.lines().collect();
        assert_eq!(lines[line - 1], "[[claim]]", "{l}");
        assert_eq!(lines[line], format!("id = \"{id}\""), "{l}");
        seen += 1;
    }
    assert!(seen > 5, "{text}");
}

/// `--format md` is a pull-request comment: the summary, then folded
/// details, within 65,536 characters.
#[test]
fn md_is_a_pull_request_comment() {
    let out = kz(&repo_root())
        .args(["diff", "2021-12-31", "2022-04-18", "--format", "md"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.chars().count() <= 65_536, "{}", text.chars().count());
    let summary_end = text.find("<details>").unwrap();
    assert!(
        text[..summary_end].contains("| Scenario |"),
        "the summary comes first"
    );
    assert_eq!(
        text.matches("<details>").count(),
        text.matches("</details>").count()
    );
}

/// A file over the per-file limit (16 MiB) at a revision is refused before
/// git inflates it, naming the revision and the path (issue 19).
#[test]
fn a_blob_over_the_file_limit_is_refused_naming_revision_and_path() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    copy_tree(&fixture("small"), dir);
    git(dir, &["init", "-q"]);
    let huge = dir.join("claims/huge.toml");
    std::fs::write(&huge, "# filler\n".repeat((16 << 20) / 9 + 1)).unwrap();
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "huge"]);
    std::fs::remove_file(&huge).unwrap();
    git(dir, &["commit", "-q", "-am", "gone"]);
    let out = kz(dir).args(["diff", "HEAD~1", "HEAD"]).output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("cannot read `claims/huge.toml` at `HEAD~1`"),
        "{err}"
    );
    assert!(err.contains("bytes, more than the 16 MiB"), "{err}");
    // The history of a claim walks the same commits: refused the same way.
    let out = kz(dir)
        .env_remove("KZCLAIMS_NO_HISTORY")
        .args(["history", "old-transformers"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(err.contains("claims/huge.toml"), "{err}");
    assert!(err.contains("more than the 16 MiB"), "{err}");
}

/// A revised rating reads as words in the human formats ("rating for h2"),
/// while the JSON keeps the field name.
#[test]
fn revised_ratings_read_as_words() {
    let out = kz(&fixture("history"))
        .args(["diff", "2024-01-03", "2024-01-05"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        text.contains("c3 (2024-01-03): rating for h2: N → II"),
        "{text}"
    );
    assert!(!text.contains("ratings.h2"), "{text}");
    let out = kz(&fixture("history"))
        .args(["diff", "2024-01-03", "2024-01-05", "--format", "md"])
        .output()
        .unwrap();
    let md = stdout(&out);
    assert!(md.contains("revised: rating for h2"), "{md}");
}
