//! `kzclaims merge-driver %O %A %B %P`: git's merge driver for workspace
//! files (set up by `kzclaims git-setup`). Merges the three versions by record
//! id (src/merge/), writes the result into %A atomically, and exits 1 when a
//! conflict is left, marked around the record or key it concerns. A side that
//! is not TOML falls back to git's own line merge (`git merge-file`).

use super::{write_atomic, CmdResult, Failure};
use std::path::PathBuf;
use std::process::Command;

#[derive(clap::Args, Debug)]
pub(super) struct Args {
    /// The common ancestor's version (git's %O; empty when both sides added the file)
    pub base: PathBuf,
    /// Our version, where the result is written (git's %A)
    pub ours: PathBuf,
    /// Their version (git's %B)
    pub theirs: PathBuf,
    /// The file's path in the repository (git's %P), for messages and to
    /// tell a claims file from a scenarios file or kzclaims.toml
    pub path: Option<String>,
}

fn read(p: &std::path::Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(p).map_err(|e| Failure::Usage(format!("cannot read {}: {e}", p.display())))
}

pub(super) fn run(args: &Args) -> CmdResult {
    let shown = args
        .path
        .clone()
        .unwrap_or_else(|| args.ours.display().to_string());
    let rel = crate::merge::workspace_rel(&shown);
    let (o, a, b) = (read(&args.base)?, read(&args.ours)?, read(&args.theirs)?);
    let texts = (
        String::from_utf8(o),
        String::from_utf8(a),
        String::from_utf8(b),
    );
    let merged = match &texts {
        (Ok(o), Ok(a), Ok(b)) => crate::merge::merge(o, a, b, &rel).map_err(|e| {
            let first = e.message.lines().next().unwrap_or("").to_string();
            format!("{} does not parse ({first})", e.side)
        }),
        _ => Err("one side is not UTF-8 text".to_string()),
    };
    let merged = match merged {
        Ok(m) => m,
        Err(why) => {
            eprintln!(
                "kzclaims merge-driver: {shown}: {why}, so git's line merge (git merge-file) was used instead"
            );
            return line_merge(args, &shown);
        }
    };
    write_atomic(&args.ours, merged.text.as_bytes())
        .map_err(|e| Failure::Usage(format!("cannot write {}: {e}", args.ours.display())))?;
    if merged.conflicts.is_empty() {
        return Ok(());
    }
    for c in &merged.conflicts {
        eprintln!("kzclaims merge-driver: {shown}: conflict in {c}");
    }
    eprintln!(
        "kzclaims merge-driver: {shown}: {} conflict{} marked with <<<<<<< ======= >>>>>>>; everything else is merged (`kzclaims check` points at each marker)",
        merged.conflicts.len(),
        if merged.conflicts.len() == 1 { "" } else { "s" }
    );
    Err(Failure::Reported)
}

/// `git merge-file -p`: git's own line merge, written into %A.
fn line_merge(args: &Args, shown: &str) -> CmdResult {
    let out = Command::new("git")
        .args([
            "merge-file",
            "-p",
            "-L",
            "ours",
            "-L",
            "base",
            "-L",
            "theirs",
        ])
        .arg(&args.ours)
        .arg(&args.base)
        .arg(&args.theirs)
        .output()
        .map_err(|e| Failure::Usage(format!("cannot run git merge-file: {e}")))?;
    let code = out.status.code().unwrap_or(-1);
    if code < 0 {
        return Err(Failure::Usage(format!(
            "git merge-file failed on {shown}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    write_atomic(&args.ours, &out.stdout)
        .map_err(|e| Failure::Usage(format!("cannot write {}: {e}", args.ours.display())))?;
    if code == 0 {
        Ok(())
    } else {
        eprintln!("kzclaims merge-driver: {shown}: {code} conflict(s) left by the line merge");
        Err(Failure::Reported)
    }
}
