//! Tests that need an outside tool (issue 19, row 19): `.ci/run` sets `CI`, so
//! a missing tool fails there, and installs every tool a test asks for.

use crate::common::*;

#[test]
fn ci_sets_ci_and_installs_every_tool_a_test_needs() {
    let run = std::fs::read_to_string(repo_root().join(".ci/run")).unwrap();
    assert!(run.contains("export CI=\"${CI:-true}\""), "{run}");
    let mut tools = vec!["chromium".to_string(), "nvim".to_string()];
    for e in std::fs::read_dir(repo_root().join("tests/cli")).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for part in text.split("tool_or_skip(\"").skip(1) {
            let tool = part.split('"').next().unwrap();
            if !tool.starts_with("no-such-tool") {
                tools.push(tool.to_string());
            }
        }
    }
    tools.sort();
    tools.dedup();
    assert!(tools.len() >= 5, "{tools:?}");
    for t in tools {
        assert!(
            run.contains(&format!("command -v {t} ")),
            ".ci/run does not install {t}"
        );
    }
}

#[test]
fn a_missing_tool_is_a_failure_under_ci() {
    // The test binary itself, with CI set, on a check whose tool is missing.
    let me = std::env::current_exe().unwrap();
    let out = std::process::Command::new(&me)
        .args(["tools::probe_missing_tool", "--exact", "--include-ignored"])
        .env("CI", "true")
        .output()
        .unwrap();
    assert!(!out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("CI is set but no-such-tool-kz"));
    // Without CI: skipped, and counted at the end.
    let out = std::process::Command::new(&me)
        .args(["tools::probe_missing_tool", "--exact", "--include-ignored"])
        .env_remove("CI")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("SKIPPED probe: no-such-tool-kz is not installed"),
        "{err}"
    );
    assert!(
        err.contains("note: 1 check was skipped for a missing tool"),
        "{err}"
    );
}

/// Run only by the test above (ignored otherwise).
#[test]
#[ignore = "run by a_missing_tool_is_a_failure_under_ci"]
fn probe_missing_tool() {
    assert!(!tool_or_skip("no-such-tool-kz", "probe"));
}
