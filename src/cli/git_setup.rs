//! `kzclaims git-setup`: make git merge the workspace's files by record id.
//! Adds the `merge=kzclaims` lines to the workspace's `.gitattributes` and
//! sets `merge.kzclaims.name` and `merge.kzclaims.driver` in the repository's
//! local git config. Idempotent: what is already there is left alone, and it
//! says what it did. `kzclaims init` runs it inside a git repository.

use super::{workspace_root, write_atomic, Cli, CmdResult, Failure};
use std::path::Path;
use std::process::Command;

#[derive(clap::Args, Debug)]
pub(super) struct Args {
    /// The command git runs for the driver (default: `kzclaims`, found on the
    /// PATH; give a full path if kzclaims is installed elsewhere)
    #[arg(long, value_name = "PROGRAM", default_value = "kzclaims")]
    pub program: String,
}

/// The `.gitattributes` lines: every workspace file goes through the driver.
pub(super) const ATTRIBUTES: [&str; 3] = [
    "claims/**/*.toml merge=kzclaims",
    "scenarios/**/*.toml merge=kzclaims",
    "kzclaims.toml merge=kzclaims",
];

/// The driver's name, as `git` shows it.
pub(super) const DRIVER_NAME: &str = "kzclaims: merge claims, sources and scenarios by id";

pub(super) fn run(cli: &Cli, args: &Args) -> CmdResult {
    let root = workspace_root(cli)?;
    if !in_git_repository(&root) {
        return Err(Failure::Usage(format!(
            "{} is not inside a git repository: run `git init` there first, then `kzclaims git-setup`",
            root.display()
        )));
    }
    for line in setup(&root, &args.program)? {
        println!("{line}");
    }
    Ok(())
}

/// Whether `dir` is inside a git work tree (false when git is missing).
pub(super) fn in_git_repository(dir: &Path) -> bool {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--is-inside-work-tree"])
        .output()
        .is_ok_and(|o| o.status.success() && o.stdout.starts_with(b"true"))
}

/// Do the set-up in the workspace at `root`; returns what was done, one
/// sentence a line.
pub(super) fn setup(root: &Path, program: &str) -> Result<Vec<String>, Failure> {
    let mut did = Vec::new();
    // .gitattributes, beside kzclaims.toml (its patterns are relative to it).
    let path = root.join(".gitattributes");
    let existing = match std::fs::symlink_metadata(&path) {
        Ok(m) if !m.file_type().is_file() => {
            return Err(Failure::Usage(format!(
                "{} is not a regular file; not replaced",
                path.display()
            )))
        }
        Ok(_) => std::fs::read_to_string(&path)
            .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", path.display())))?,
        Err(_) => String::new(),
    };
    let have: Vec<&str> = existing.lines().map(str::trim).collect();
    let missing: Vec<&str> = ATTRIBUTES
        .iter()
        .copied()
        .filter(|l| !have.contains(l))
        .collect();
    if missing.is_empty() {
        did.push(
            ".gitattributes already sends the workspace files to the kzclaims merge driver".into(),
        );
    } else {
        let mut text = existing.clone();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        if !existing.contains("# kzclaims") {
            text.push_str(
                "# kzclaims: merge claims, sources and scenarios by id (kzclaims git-setup)\n",
            );
        }
        for l in &missing {
            text.push_str(l);
            text.push('\n');
        }
        write_atomic(&path, text.as_bytes())
            .map_err(|e| Failure::Usage(format!("cannot write {}: {e}", path.display())))?;
        did.push(format!(
            "{} .gitattributes: {}",
            if existing.is_empty() {
                "wrote"
            } else {
                "added to"
            },
            missing.join(", ")
        ));
    }
    let driver = format!("{program} merge-driver %O %A %B %P");
    for (key, value) in [
        ("merge.kzclaims.name", DRIVER_NAME),
        ("merge.kzclaims.driver", driver.as_str()),
    ] {
        let now = git(root, &["config", "--local", "--get", key])?;
        if now.as_deref() == Some(value) {
            did.push(format!("git config {key} already set"));
            continue;
        }
        git(root, &["config", "--local", key, value])?
            .ok_or_else(|| Failure::Usage(format!("git config could not set {key}")))?;
        did.push(format!(
            "set git config {key} = \"{value}\" (this repository only)"
        ));
    }
    did.push("commit .gitattributes so that everyone's merges use it; each clone runs `kzclaims git-setup` once (git does not copy its config)".into());
    Ok(did)
}

/// Run git in `dir`: its trimmed stdout when it succeeds, `None` when it
/// exits non-zero (as `git config --get` does for an unset key).
fn git(dir: &Path, args: &[&str]) -> Result<Option<String>, Failure> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| Failure::Usage(format!("cannot run git: {e}")))?;
    Ok(out
        .status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim_end().to_string()))
}
