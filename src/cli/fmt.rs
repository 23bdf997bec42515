//! `kzclaims fmt [--check]`: rewrite the workspace's TOML files in one
//! canonical layout, keeping every comment (src/load/fmt.rs). It refuses an
//! invalid workspace; `--check` writes nothing and exits 1 naming the files
//! that would change, each with a unified diff of the change.

use super::{open_workspace, write_atomic, Cli, CmdResult, Failure};

#[derive(clap::Args, Debug)]
pub(super) struct Args {
    /// Write nothing; exit 1, name the files that are not in canonical form and show what would change (a unified diff)
    #[arg(long)]
    pub check: bool,
}

pub(super) fn run(cli: &Cli, args: &Args) -> CmdResult {
    let ws = open_workspace(cli)?;
    let mut changed = Vec::new();
    for f in &ws.files {
        let Some(out) = crate::load::fmt::format(&f.rel, &f.text) else {
            continue; // the loader accepted it, so this does not happen
        };
        if out != f.text {
            changed.push((f.rel.clone(), out));
        }
    }
    if args.check {
        if changed.is_empty() {
            println!("ok: {} files already in canonical form", ws.files.len());
            return Ok(());
        }
        // What would change, as a unified diff (CR shown as `\r`, so that a
        // change of line endings alone is visible too).
        let shown = |t: &str| t.replace('\r', "\\r");
        for (rel, out) in &changed {
            let old = ws
                .files
                .iter()
                .find(|f| &f.rel == rel)
                .map_or("", |f| f.text.as_str());
            let (old, new) = (shown(old), shown(out));
            let diff = similar::TextDiff::from_lines(&old, &new);
            println!("would reformat {rel}");
            print!(
                "{}",
                diff.unified_diff()
                    .context_radius(2)
                    .header(&format!("{rel} (now)"), &format!("{rel} (formatted)"))
            );
        }
        return Err(Failure::Strict(format!(
            "{} file{} not in canonical form (run `kzclaims fmt`)",
            changed.len(),
            if changed.len() == 1 { "" } else { "s" }
        )));
    }
    let real_root = ws
        .root
        .canonicalize()
        .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", ws.root.display())))?;
    for (rel, text) in &changed {
        // A file reached through a link inside the workspace is written
        // where the link leads, and the link stays a link. The loader read
        // it under the same rule; anything else now (the link changed since)
        // is refused.
        let path = crate::load::files::resolve(&real_root, &ws.root, rel, false).map_err(|r| {
            Failure::Usage(format!(
                "cannot write {rel}: {}; nothing was written to it",
                r.describe(rel)
            ))
        })?;
        write_atomic(&path, text.as_bytes())
            .map_err(|e| Failure::Usage(format!("cannot write {}: {e}", path.display())))?;
        println!("formatted {rel}");
    }
    if changed.is_empty() && !cli.quiet {
        eprintln!(
            "nothing to change: {} files already in canonical form",
            ws.files.len()
        );
    }
    Ok(())
}
