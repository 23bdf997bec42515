//! Editor support (issue 9): the JSON Schemas committed under schema/ are the
//! ones `kzclaims schema` generates from the code, and every bundled TOML
//! file, every file `init` writes and every valid fixture passes them.

use crate::common::*;
use std::path::{Path, PathBuf};

/// TOML as JSON, the way editors read it for a schema: dates become strings.
fn to_json(v: toml::Value) -> serde_json::Value {
    match v {
        toml::Value::String(s) => s.into(),
        toml::Value::Integer(i) => i.into(),
        toml::Value::Float(f) => f.into(),
        toml::Value::Boolean(b) => b.into(),
        toml::Value::Datetime(d) => d.to_string().into(),
        toml::Value::Array(a) => a.into_iter().map(to_json).collect(),
        toml::Value::Table(t) => t.into_iter().map(|(k, v)| (k, to_json(v))).collect(),
    }
}

fn validator(name: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(repo_root().join("schema").join(name)).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn tomls(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            tomls(&p, out);
        } else if p.extension().is_some_and(|x| x == "toml") {
            out.push(p);
        }
    }
}

/// Check every TOML file of a workspace against its schema.
fn validate_workspace(root: &Path) {
    let (cfg, sc, cl) = (
        validator("kzclaims.schema.json"),
        validator("scenarios.schema.json"),
        validator("claims.schema.json"),
    );
    let mut files = vec![root.join("kzclaims.toml")];
    tomls(&root.join("scenarios"), &mut files);
    tomls(&root.join("claims"), &mut files);
    assert!(files.len() >= 3, "{root:?}");
    for f in files {
        let rel = f.strip_prefix(root).unwrap().to_string_lossy().to_string();
        let v = to_json(toml::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap());
        let val = if rel == "kzclaims.toml" {
            &cfg
        } else if rel.starts_with("scenarios") {
            &sc
        } else {
            &cl
        };
        let errors: Vec<String> = val
            .iter_errors(&v)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", f.display());
    }
}

#[test]
fn committed_schemas_are_the_generated_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = kz(&repo_root())
        .args(["schema", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for name in [
        "kzclaims.schema.json",
        "scenarios.schema.json",
        "claims.schema.json",
    ] {
        let fresh = std::fs::read_to_string(dir.path().join(name)).unwrap();
        let committed = std::fs::read_to_string(repo_root().join("schema").join(name)).unwrap();
        assert_eq!(
            fresh, committed,
            "schema/{name} drifted from the code: run `kzclaims schema --out schema`"
        );
    }
}

#[test]
fn bundled_init_and_valid_fixtures_pass_the_schemas() {
    validate_workspace(&repo_root());
    for example in crate::examples::example_workspaces() {
        validate_workspace(&example);
    }
    for f in [
        "small",
        "history",
        "groups",
        "indicators",
        "analysts",
        "calibration",
        "checks",
        "linchpin",
    ] {
        validate_workspace(&fixture(f));
    }
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("new");
    kz(tmp.path()).arg("init").arg(&ws).assert().success();
    validate_workspace(&ws);
    // init writes the schemas its #:schema lines point at.
    assert!(ws.join("schema/claims.schema.json").is_file());
    let first = std::fs::read_to_string(ws.join("claims/claims.toml")).unwrap();
    assert!(first.starts_with("#:schema ../schema/claims.schema.json\n"));
}

#[test]
fn the_schema_flags_what_the_loader_refuses() {
    let cl = validator("claims.schema.json");
    let bad = to_json(
        toml::from_str(
            "[[claim]]\nid = \"x\"\ndate = 2022-01-05\nstatement = \"s\"\nsources = [\"a\"]\ncredibility = 9\nurl = \"javascript:alert(1)\"\ncredibilty = 2\nratings = { h = \"maybe\" }\n",
        )
        .unwrap(),
    );
    let errors: Vec<String> = cl
        .iter_errors(&bad)
        .map(|e| e.instance_path().to_string())
        .collect();
    for want in ["/claim/0/credibility", "/claim/0/url", "/claim/0/ratings/h"] {
        assert!(errors.iter().any(|e| e == want), "{want}: {errors:?}");
    }
    assert!(!cl.is_valid(&bad));
}
