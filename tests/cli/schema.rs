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

/// The verdict of the schemas on one workspace folder: `Ok` when every file
/// passes, else the first problem. A file that is not TOML fails too (an
/// editor flags that itself). Dates are checked as calendar days (`format:
/// date`), as editors that validate formats do.
fn schema_verdict(root: &Path) -> Result<(), String> {
    let v = |name: &str| {
        let text = std::fs::read_to_string(repo_root().join("schema").join(name)).unwrap();
        let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap()
    };
    let (cfg, sc, cl) = (
        v("kzclaims.schema.json"),
        v("scenarios.schema.json"),
        v("claims.schema.json"),
    );
    let mut files = vec![];
    if root.join("kzclaims.toml").is_file() {
        files.push(root.join("kzclaims.toml"));
    }
    for dir in ["scenarios", "claims"] {
        if root.join(dir).is_dir() {
            tomls(&root.join(dir), &mut files);
        }
    }
    for f in files {
        let rel = f.strip_prefix(root).unwrap().to_string_lossy().to_string();
        let Ok(text) = std::fs::read_to_string(&f) else {
            return Err(format!("{rel}: not UTF-8"));
        };
        let value = match toml::from_str::<toml::Value>(&text) {
            Ok(v) => to_json(v),
            Err(e) => return Err(format!("{rel}: not TOML: {e}")),
        };
        let val = if rel == "kzclaims.toml" {
            &cfg
        } else if rel.starts_with("scenarios") {
            &sc
        } else {
            &cl
        };
        let first = val
            .iter_errors(&value)
            .next()
            .map(|e| format!("{rel}: {e} at {}", e.instance_path()));
        if let Some(e) = first {
            return Err(e);
        }
    }
    Ok(())
}

/// The bad-input cases the schemas cannot refuse, and why (docs/format.md,
/// "What the schemas cannot see"). Every other case in tests/bad/ must fail
/// the schemas as it fails the loader, and these must pass them, so that the
/// list cannot go stale.
const SCHEMA_BLIND: &[(&str, &str)] = &[
    ("claims-folder-is-a-file", "the file system"),
    ("credibility-float", "JSON numbers: 1.0 is the integer 1"),
    ("dangling-link", "the file system"),
    ("dangling-scenario", "a reference to another file"),
    ("dangling-source", "a reference to another file"),
    ("duplicate-id-across-files", "ids across files"),
    ("empty-workspace", "the workspace as a whole"),
    ("fifo-in-claims", "the file system"),
    ("file-too-large", "the file system"),
    ("huge-string", "completed at test time (a misspelt key)"),
    ("link-to-fifo", "the file system"),
    ("missing-rating", "the scenarios of another file"),
    ("no-config", "the workspace as a whole"),
    ("priors-sum-past-one", "a sum over scenarios"),
    ("revision-before-claim", "two dates compared"),
    ("symlink-loop", "the file system"),
    ("symlink-out-of-workspace", "the file system"),
    ("claims-folder-link-out", "the file system"),
    ("config-link-out", "the file system"),
    ("scenarios-folder-link-out", "the file system"),
    ("templates-folder-link-out", "templates"),
    ("syntax-flood", "completed at test time"),
    ("template-absolute-path", "templates"),
    ("template-escapes-folder", "templates"),
    ("template-link-out", "templates"),
    ("template-loops-forever", "templates"),
    ("template-recursion", "templates"),
    ("template-syntax-error", "templates"),
];

/// Issue 19, row 16: the schemas and the loader give the same verdict on
/// every bad-input case (except what the schemas cannot see, listed above)
/// and on every valid fixture.
#[test]
fn schemas_and_loader_agree_on_the_corpus() {
    let mut disagree = Vec::new();
    for e in std::fs::read_dir(repo_root().join("tests/bad")).unwrap() {
        let e = e.unwrap();
        let case = e.file_name().to_string_lossy().into_owned();
        let blind = SCHEMA_BLIND.iter().any(|(c, _)| *c == case);
        match (schema_verdict(&e.path()), blind) {
            (Err(_), false) | (Ok(()), true) => {}
            (Ok(()), false) => disagree.push(format!("{case}: the schemas accept it")),
            (Err(why), true) => disagree.push(format!(
                "{case}: listed as unseen, but the schemas refuse it: {why}"
            )),
        }
    }
    for e in std::fs::read_dir(repo_root().join("tests/fixtures")).unwrap() {
        let path = e.unwrap().path();
        if !path.join("kzclaims.toml").is_file() {
            continue;
        }
        let loads = kz(&path).arg("check").output().unwrap().status.code() == Some(0);
        let verdict = schema_verdict(&path);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        match verdict {
            Err(why) if loads => disagree.push(format!("fixture {name}: loads, but {why}")),
            _ => {}
        }
    }
    assert!(disagree.is_empty(), "{disagree:#?}");
}

/// Row 16's cases one by one: values the loader accepts in any case pass the
/// schemas; what the loader refuses fails them.
#[test]
fn schemas_follow_the_loaders_rules() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("small"), dir.path());
    let claims = dir.path().join("claims/march.toml");
    let text = std::fs::read_to_string(&claims).unwrap();
    let sources = dir.path().join("claims/sources.toml");
    let src_text = std::fs::read_to_string(&sources).unwrap();
    let try_it = |claims_text: &str, sources_text: &str| {
        std::fs::write(&claims, claims_text).unwrap();
        std::fs::write(&sources, sources_text).unwrap();
        let loads = kz(dir.path()).arg("check").output().unwrap().status.code() == Some(0);
        (loads, schema_verdict(dir.path()).is_ok())
    };
    let accepted = [
        (
            text.replacen("relevance = \"high\"", "relevance = \"High\"", 1),
            src_text.clone(),
        ),
        (
            text.clone(),
            src_text.replacen("kind = \"media\"", "kind = \"Media\"", 1),
        ),
        (
            text.replacen(
                "id = \"old-transformers\"",
                "id = \"old.transformers_2\"",
                1,
            ),
            src_text.clone(),
        ),
    ];
    for (c, s) in &accepted {
        assert_eq!(try_it(c, s), (true, true));
    }
    let refused = [
        text.replacen("id = \"old-transformers\"", "id = \"Old Transformers\"", 1),
        text.replacen("date = 2024-03-03", "date = \"2024-02-30\"", 1),
        text.replacen("relevance = \"high\"", "relevance = \"huge\"", 1),
        text.replacen(
            "relevance = \"high\"",
            "relevance = \"high\"\nsilence = { K999 = \"no such code\" }",
            1,
        ),
        text.replacen(
            "relevance = \"high\"",
            "relevance = \"high\"\nsilence = { K107 = \"a scenario's code\" }",
            1,
        ),
    ];
    for c in &refused {
        assert_eq!(try_it(c, &src_text), (false, false), "{c}");
    }
}
