//! The bad-input corpus (issue 8): every folder under tests/bad/ is a tiny
//! workspace that must be refused. Each gets `brief --out` (plus the extra
//! arguments in its `args` file) and must exit 1 (2 for I/O), name the file,
//! line and column where one exists, never panic, and leave `--out` as it
//! was. The message is pinned as an insta snapshot named after the case.
//!
//! Some cases are completed at test time in a temporary copy, because
//! committing them would be awkward: symbolic links (a loop, a link out of the
//! workspace, a dangling link, a template linked to /etc/passwd; the config
//! and the folders themselves linked out; FIFOs), a 15 MB string, a 2 GB
//! sparse file and a file of 100,000 broken lines. Tests run as root, where
//! `chmod 000` does not make a file unreadable; the unreadable cases are
//! honest ones instead: a folder named like a .toml file and a dangling link.

use crate::common::*;
use std::path::Path;

/// Written into files outside the workspace: never to be shown.
const SENTINEL: &str = "KZ_OUTSIDE_SENTINEL";

fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo (coreutils) runs");
    assert!(ok.success(), "mkfifo {}", path.display());
}

/// Finish a case that cannot be committed as plain files.
fn complete(case: &str, ws: &Path, outside: &Path) {
    use std::os::unix::fs::symlink;
    match case {
        "template-link-out" => symlink("/etc/passwd", ws.join("templates/evil.md")).unwrap(),
        "symlink-loop" => {
            symlink("loop-b.toml", ws.join("claims/loop-a.toml")).unwrap();
            symlink("loop-a.toml", ws.join("claims/loop-b.toml")).unwrap();
        }
        "symlink-out-of-workspace" => {
            let target = outside.join("secret.toml");
            std::fs::write(&target, "[[claim]]\nid = \"secret\"\n").unwrap();
            symlink(&target, ws.join("claims/secret.toml")).unwrap();
        }
        "dangling-link" => symlink("nowhere.toml", ws.join("claims/gone.toml")).unwrap(),
        // The loader's one rule (issue 19, row 2): the config and the folders
        // themselves must resolve inside the workspace too. What is outside
        // is never quoted: every outside file holds a syntax error with
        // SENTINEL in it, which the run asserts never appears.
        "config-link-out" => {
            let target = outside.join("kzclaims.toml");
            std::fs::write(&target, format!("title = {SENTINEL} = =\n")).unwrap();
            std::fs::remove_file(ws.join("kzclaims.toml")).unwrap();
            symlink(&target, ws.join("kzclaims.toml")).unwrap();
        }
        "claims-folder-link-out" | "scenarios-folder-link-out" => {
            let dir = if case.starts_with("claims") {
                "claims"
            } else {
                "scenarios"
            };
            let target = outside.join(dir);
            std::fs::rename(ws.join(dir), &target).unwrap();
            std::fs::write(target.join("x.toml"), format!("{SENTINEL} = =\n")).unwrap();
            symlink(&target, ws.join(dir)).unwrap();
        }
        "templates-folder-link-out" => {
            let target = outside.join("templates");
            std::fs::create_dir(&target).unwrap();
            std::fs::write(target.join("memo.md"), format!("{{{{ {SENTINEL} ")).unwrap();
            symlink(&target, ws.join("templates")).unwrap();
        }
        // Row 9: a FIFO is never opened (reading one waits for a writer).
        "fifo-in-claims" => mkfifo(&ws.join("claims/pipe.toml")),
        "link-to-fifo" => {
            mkfifo(&ws.join("pipe"));
            symlink("../pipe", ws.join("claims/pipe.toml")).unwrap();
        }
        // Row 1: a 2 GB sparse file is refused by its size, unread.
        "file-too-large" => {
            let f = std::fs::File::create(ws.join("claims/big.toml")).unwrap();
            f.set_len(2 << 30).unwrap();
        }
        // Row 1: 100,000 syntax errors in one file; the first 20 are shown.
        "syntax-flood" => {
            std::fs::write(ws.join("claims/flood.toml"), "=\n".repeat(100_000)).unwrap()
        }
        "huge-string" => {
            // A 15 MB statement (under the 16 MiB limit for a file) under a
            // misspelt key: the diagnostic must quote a bounded snippet, not
            // the whole line.
            let big = "x".repeat(15 * 1024 * 1024);
            let p = ws.join("claims/c.toml");
            let mut text = std::fs::read_to_string(&p).unwrap();
            text = text.replacen(
                "credibility = 2",
                &format!("credibility = 2\nstatment = \"{big}\""),
                1,
            );
            std::fs::write(p, text).unwrap();
        }
        _ => {}
    }
}

fn run_case(case: &str) -> String {
    let ws_dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let ws = ws_dir.path().join("ws");
    copy_tree(&repo_root().join("tests/bad").join(case), &ws);
    complete(case, &ws, outside.path());
    let args: Vec<String> = std::fs::read_to_string(ws.join("args"))
        .map(|t| t.lines().map(str::to_string).collect())
        .unwrap_or_default();
    let out_file = ws_dir.path().join("memo-out.md");
    std::fs::write(&out_file, "before").unwrap();
    let out = kz(ws_dir.path())
        .arg("brief")
        .arg("-w")
        .arg(&ws)
        .arg("--out")
        .arg(&out_file)
        .args(&args)
        // A case that blocks (a FIFO read) fails instead of hanging the run.
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    let err = stderr(&out);
    let code = out.status.code();
    assert!(
        matches!(code, Some(1) | Some(2)),
        "{case}: exit {code:?}\n{err}"
    );
    assert!(!err.contains("panicked"), "{case}: panic\n{err}");
    assert!(
        !err.contains(SENTINEL),
        "{case}: a file outside the workspace was quoted\n{err}"
    );
    assert!(
        err.len() < 20_000,
        "{case}: {} bytes of diagnostics",
        err.len()
    );
    assert_eq!(
        std::fs::read_to_string(&out_file).unwrap(),
        "before",
        "{case}: --out changed"
    );
    let shown = err
        .replace(&ws.display().to_string(), "[WS]")
        .replace(&outside.path().display().to_string(), "[OUTSIDE]");
    format!("exit: {}\n{shown}", code.unwrap())
}

#[test]
fn every_bad_case_is_refused_and_pinned() {
    let mut cases: Vec<String> = std::fs::read_dir(repo_root().join("tests/bad"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    assert!(cases.len() >= 30, "only {} cases", cases.len());
    for case in &cases {
        let shown = run_case(case);
        insta::assert_snapshot!(case.as_str(), shown);
    }
}
