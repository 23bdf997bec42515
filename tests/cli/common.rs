//! Helpers shared by the CLI tests.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The repository root: itself the bundled Kazakhstan workspace.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture folder under tests/fixtures.
pub fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures").join(name)
}

/// `kzclaims` with a clean environment (no colour), run in `dir`.
pub fn kz(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("kzclaims").expect("binary built");
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        // A workspace set on the developer's machine must not leak in.
        .env_remove("KZCLAIMS_WORKSPACE");
    c
}

/// Copy a folder tree (for tests that modify a workspace).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let src = entry.path();
        let dst = to.join(&name);
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).unwrap();
        }
    }
}

/// A copy of the bundled workspace (kzclaims.toml, scenarios/, claims/, templates/).
pub fn bundled_copy(to: &Path) {
    let root = repo_root();
    std::fs::copy(root.join("kzclaims.toml"), to.join("kzclaims.toml")).unwrap();
    for d in ["scenarios", "claims", "templates"] {
        copy_tree(&root.join(d), &to.join(d));
    }
}

/// Write files (relative path, text) into a fresh temp workspace.
pub fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, text) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

pub fn stdout(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// Whether `cmd` is on the PATH.
pub fn have(cmd: &str) -> bool {
    std::process::Command::new("which")
        .arg(cmd)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Whether `CI` is set (to anything but the empty string).
pub fn under_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
}

/// Checks skipped in this run: (check, why).
static SKIPPED: std::sync::Mutex<Vec<(String, String)>> = std::sync::Mutex::new(Vec::new());

/// Printed when the test binary exits: how many checks were skipped, and why.
extern "C" fn print_skipped() {
    let skipped = SKIPPED.lock().unwrap_or_else(|e| e.into_inner());
    if skipped.is_empty() {
        return;
    }
    let mut text = format!(
        "\nnote: {} check{} skipped for a missing tool (they run, and must pass, when CI is set):\n",
        skipped.len(),
        if skipped.len() == 1 { " was" } else { "s were" }
    );
    for (check, why) in skipped.iter() {
        text.push_str(&format!("  - {check}: {why}\n"));
    }
    use std::io::Write;
    let _ = std::io::stderr().write_all(text.as_bytes());
}

/// A check that needs `tool` (`why`: the tool is missing) cannot run: under
/// CI this fails the test; locally the check is skipped loudly (a line on
/// the terminal now, past the test harness's capture, and a count when the
/// tests end).
pub fn skip_without(tool: &str, check: &str) {
    assert!(
        !under_ci(),
        "CI is set but {tool} is not installed: .ci/run must install it ({check})"
    );
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: registers a function with no arguments that only prints;
        // it runs once, at process exit.
        unsafe {
            libc::atexit(print_skipped);
        }
    });
    SKIPPED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push((check.to_string(), format!("{tool} is not installed")));
    use std::io::Write;
    let _ = std::io::stderr()
        .write_all(format!("SKIPPED {check}: {tool} is not installed\n").as_bytes());
}

/// `tool` is on the PATH; else [`skip_without`] and false.
pub fn tool_or_skip(tool: &str, check: &str) -> bool {
    have(tool) || {
        skip_without(tool, check);
        false
    }
}
