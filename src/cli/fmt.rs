//! `kzclaims fmt [--check]`: rewrite the workspace's TOML files in one
//! canonical layout, keeping every comment (src/load/fmt.rs). It refuses an
//! invalid workspace; `--check` writes nothing and exits 1 naming the files
//! that would change.

use super::{open_workspace, write_atomic, Cli, CmdResult, Failure};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Write nothing; exit 1 and name the files that are not in canonical form
    #[arg(long)]
    pub check: bool,
}

pub fn run(cli: &Cli, args: &Args) -> CmdResult {
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
        for (rel, _) in &changed {
            println!("would reformat {rel}");
        }
        return Err(Failure::Strict(format!(
            "{} file{} not in canonical form (run `kzclaims fmt`)",
            changed.len(),
            if changed.len() == 1 { "" } else { "s" }
        )));
    }
    for (rel, text) in &changed {
        let path = ws.root.join(rel);
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
