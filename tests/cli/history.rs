//! Reconstructions said aloud (issue 17): with the workspace in a git
//! repository, a memo as of a date says it is a reconstruction exactly when
//! claims in force then were first committed later, and calibration scores
//! real forecasts and reconstructions apart. Fixture repositories are built
//! here with fixed commit dates.

use crate::common::*;
use serde_json::Value;
use std::io::Read;
use std::path::Path;

/// `kzclaims` reading the git history.
fn kzh(dir: &Path) -> assert_cmd::Command {
    let mut c = kz(dir);
    c.env_remove("KZCLAIMS_NO_HISTORY");
    c
}

fn git(dir: &Path, date: &str, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("GIT_AUTHOR_DATE", format!("{date}T12:00:00+00:00"))
        .env("GIT_COMMITTER_DATE", format!("{date}T12:00:00+00:00"))
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .status()
        .expect("git is installed")
        .success();
    assert!(ok, "git {args:?}");
}

fn commit(dir: &Path, date: &str) {
    git(dir, date, &["add", "-A"]);
    git(dir, date, &["commit", "-q", "-m", date]);
}

/// The `calibration` fixture (claims c1 dated 2024-01-01, c2 dated
/// 2024-01-11, resolved 2024-01-31) as a repository: c1 committed on
/// `first`, c2 added on `second`.
fn repo(first: &str, second: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    copy_tree(&fixture("calibration"), dir);
    let claims = std::fs::read_to_string(dir.join("claims/c.toml")).unwrap();
    let cut = claims.find("[[claim]]\nid = \"c2\"").unwrap();
    git(dir, first, &["init", "-q"]);
    std::fs::write(dir.join("claims/c.toml"), &claims[..cut]).unwrap();
    commit(dir, first);
    std::fs::write(dir.join("claims/c.toml"), &claims).unwrap();
    commit(dir, second);
    tmp
}

fn brief(cmd: &mut assert_cmd::Command, as_of: &str, format: &str) -> String {
    let out = cmd
        .args(["brief", "--as-of", as_of, "--format", format])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

const LATER: &str = "*This is a reconstruction: 1 of the 2 claims in force on 2024-01-11 was first recorded in February 2024, after that date, so this record may carry knowledge of what happened afterwards.*";

#[test]
fn reconstruction_said_exactly_when_claims_in_force_were_recorded_later() {
    let tmp = repo("2024-01-01", "2024-02-05");
    let dir = tmp.path();
    // As of 2024-01-05 only c1 is in force, committed on its date.
    let md = brief(&mut kzh(dir), "2024-01-05", "md");
    assert!(!md.contains("This is a reconstruction"), "{md}");
    // As of 2024-01-11 c2 is in force too, committed on 2024-02-05.
    let md = brief(&mut kzh(dir), "2024-01-11", "md");
    let at = md.find(LATER).unwrap_or_else(|| panic!("{md}"));
    assert!(
        at < md.find("## Bottom line up front").unwrap(),
        "near the top"
    );
    // Once both were recorded, nothing is said.
    let md = brief(&mut kzh(dir), "2024-02-05", "md");
    assert!(!md.contains("This is a reconstruction"), "{md}");
    // A second run (the cache warm) says the same.
    assert!(dir.join(".git/kzclaims").is_dir());
    let md = brief(&mut kzh(dir), "2024-01-11", "md");
    assert!(md.contains(LATER));
    // Every format says it.
    let sentence = LATER.trim_matches('*');
    let html = brief(&mut kzh(dir), "2024-01-11", "html");
    assert!(
        html.contains(&format!("<strong>{sentence}</strong></p>")),
        "{html}"
    );
    let json: Value = serde_json::from_str(&brief(&mut kzh(dir), "2024-01-11", "json")).unwrap();
    let r = &json["context"]["reconstruction"];
    assert_eq!(r["sentence"], sentence);
    assert_eq!(r["claims_in_force"], 2);
    assert_eq!(r["recorded_later"], 1);
    assert_eq!(r["committed_later"], 1);
    assert_eq!(r["uncommitted"], 0);
    assert_eq!(r["first_recorded"], "2024-02-05");
    assert_eq!(r["last_recorded"], "2024-02-05");
    let json: Value = serde_json::from_str(&brief(&mut kzh(dir), "2024-01-05", "json")).unwrap();
    assert_eq!(json["context"]["reconstruction"], Value::Null);
    let out = kzh(dir)
        .args([
            "brief",
            "--as-of",
            "2024-01-11",
            "--format",
            "docx",
            "--out",
            "m.docx",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut z = zip::ZipArchive::new(std::fs::File::open(dir.join("m.docx")).unwrap()).unwrap();
    let mut xml = String::new();
    z.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert!(xml.contains(sentence), "docx");
    std::fs::remove_file(dir.join("m.docx")).unwrap();
    // --no-history, or its variable: nothing is said.
    let mut c = kzh(dir);
    c.arg("--no-history");
    assert!(!brief(&mut c, "2024-01-11", "md").contains("This is a reconstruction"));
    let mut c = kzh(dir);
    c.env("KZCLAIMS_NO_HISTORY", "1");
    assert!(!brief(&mut c, "2024-01-11", "md").contains("This is a reconstruction"));
    // `check` has nothing to add.
    let plain = kz(dir).arg("check").output().unwrap();
    let with = kzh(dir).arg("check").output().unwrap();
    assert_eq!(plain.stdout, with.stdout);
    assert_eq!(plain.stderr, with.stderr);
    // The same workspace outside git: nothing is said.
    let bare = tempfile::tempdir().unwrap();
    copy_tree(dir, bare.path());
    assert!(!brief(&mut kzh(bare.path()), "2024-01-11", "md").contains("This is a reconstruction"));
}

#[test]
fn uncommitted_claims_count_as_written_after_the_last_commit() {
    let tmp = repo("2024-01-01", "2024-01-11");
    let dir = tmp.path();
    assert!(!brief(&mut kzh(dir), "2024-01-11", "md").contains("This is a reconstruction"));
    std::fs::write(
        dir.join("claims/new.toml"),
        "[[claim]]\nid = \"c3\"\ndate = 2024-01-03\nstatement = \"Another report for a.\"\nsources = [\"wire\"]\ncredibility = 2\nratings = { a = \"C\", b = \"I\" }\n",
    )
    .unwrap();
    let md = brief(&mut kzh(dir), "2024-01-05", "md");
    assert!(
        md.contains("*This is a reconstruction: 1 of the 2 claims in force on 2024-01-05 is not yet committed to the repository: it was written after that date (the last commit is of 2024-01-11), so this record may carry knowledge of what happened afterwards.*"),
        "{md}"
    );
    // From the last commit's date on, nothing says it was written later.
    assert!(!brief(&mut kzh(dir), "2024-01-11", "md").contains("This is a reconstruction"));
}

/// Posteriors by hand (tests/cli/calibration.rs): a = 0.95/1.15 from
/// 2024-01-01 for 10 days, 0.19/0.35 from 2024-01-11 for 20 days.
const P1: f64 = 0.95 / 1.15;
const P2: f64 = 0.19 / 0.35;

fn close(v: &Value, want: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!((got - want).abs() < 1e-9, "{got} vs {want}");
}

#[test]
fn calibration_scores_real_forecasts_and_reconstructions_apart() {
    let tmp = repo("2024-01-01", "2024-02-05");
    let dir = tmp.path();
    let out = kzh(dir).arg("calibration").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!("history_calibration_table", stdout(&out));
    let out = kzh(dir)
        .args(["calibration", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let q = &v["questions"][0];
    let u = &q["views"][0]["updates"];
    assert_eq!(
        (&u[0]["real"], &u[1]["real"]),
        (&Value::Bool(true), &Value::Bool(false))
    );
    let real = &q["parts"]["real"];
    assert_eq!(
        (&real["assessments"], &real["days"]),
        (&Value::from(1), &Value::from(10))
    );
    // Two scenarios: Brier = 2(1 − p)², log = ln p.
    close(&real["brier"], 2.0 * (1.0 - P1).powi(2));
    close(&real["log"], P1.ln());
    let rec = &q["parts"]["reconstructed"];
    assert_eq!(
        (&rec["assessments"], &rec["days"]),
        (&Value::from(1), &Value::from(20))
    );
    close(&rec["brier"], 2.0 * (1.0 - P2).powi(2));
    close(&rec["log"], P2.ln());
    // The whole-history scores are unchanged.
    close(
        &q["views"][0]["brier"],
        (10.0 * 2.0 * (1.0 - P1).powi(2) + 20.0 * 2.0 * (1.0 - P2).powi(2)) / 30.0,
    );
    // Without the history: no parts, no flags (the JSON as before).
    let out = kz(dir)
        .args(["calibration", "--format", "json"])
        .output()
        .unwrap();
    let plain: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(plain["questions"][0].get("parts").is_none());
    assert!(plain["questions"][0]["views"][0]["updates"][0]
        .get("real")
        .is_none());
    // The memo's calibration section leads with the real forecasts.
    let md = brief(&mut kzh(dir), "2024-02-10", "md");
    let section = &md[md.find("## Calibration").unwrap()..];
    assert!(
        section.starts_with("## Calibration\n\nReal forecasts (assessments whose claims in force had all been recorded by their date): 1 assessment over 10 days, Brier 0.060, log score -0.191. Reconstructions (claims in force recorded later): 1 assessment over 20 days, Brier 0.418, log score -0.611. The one indicator forecast was not a real forecast: it rests on claims recorded after its date.\n"),
        "{section}"
    );
}

#[test]
fn calibration_says_when_there_are_no_real_forecasts() {
    // Everything committed after the resolution.
    let tmp = repo("2024-03-01", "2024-03-02");
    let dir = tmp.path();
    let out = kzh(dir).arg("calibration").output().unwrap();
    let text = stdout(&out);
    assert!(
        text.contains("There are no real forecasts to score: every one rests on claims recorded after its date."),
        "{text}"
    );
    let md = brief(&mut kzh(dir), "2024-02-10", "md");
    assert!(md.contains("## Calibration\n\nThere are no real forecasts to score: every past assessment of the question rests on claims recorded after its date"), "{md}");
    assert!(md.contains("*This is a reconstruction: all 2 claims in force on 2024-02-10 were first recorded in March 2024"), "{md}");
}

#[test]
fn bundled_memo_of_6_january_is_a_reconstruction() {
    let root = repo_root();
    let shallow = std::process::Command::new("git")
        .current_dir(&root)
        .args(["rev-parse", "--is-shallow-repository"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let md = brief(&mut kzh(&root), "2022-01-06", "md");
    match shallow.as_deref() {
        // The bundled claims were committed in 2026.
        Some("false") => {
            let at = md
                .find("*This is a reconstruction: ")
                .unwrap_or_else(|| panic!("{md}"));
            assert!(at < md.find("## Bottom line up front").unwrap());
            assert!(md[at..].lines().next().unwrap().contains("2026"));
        }
        // A shallow clone, or no repository (a source archive): nothing
        // can be told, and nothing is said.
        _ => {
            eprintln!("note: the repository is shallow or absent; checking that nothing is said");
            assert!(!md.contains("This is a reconstruction"), "{md}");
        }
    }
}
