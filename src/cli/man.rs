//! `kzclaims man [--out DIR]`: the man page, generated from the command-line
//! definitions (clap_mangen): kzclaims.1 and one page per subcommand.

use super::{CmdResult, Failure};
use clap::CommandFactory;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub(super) struct Args {
    /// Write kzclaims.1 and kzclaims-COMMAND.1 into this folder instead of
    /// printing kzclaims.1
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

fn page(cmd: clap::Command) -> Result<Vec<u8>, Failure> {
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut out)
        .map_err(|e| Failure::Usage(format!("cannot render the man page: {e}")))?;
    Ok(out)
}

pub(super) fn run(args: &Args) -> CmdResult {
    let cmd = super::Cli::command();
    let Some(dir) = &args.out else {
        let text = String::from_utf8_lossy(&page(cmd)?).into_owned();
        return super::emit(None, &text);
    };
    super::out::folder(dir)?;
    std::fs::create_dir_all(dir)
        .map_err(|e| Failure::Usage(format!("cannot create {}: {e}", dir.display())))?;
    let mut pages = vec![("kzclaims.1".to_string(), page(cmd.clone())?)];
    for sub in cmd.get_subcommands() {
        let name = format!("kzclaims-{}", sub.get_name());
        let sub = sub.clone().name(name.clone());
        pages.push((format!("{name}.1"), page(sub)?));
    }
    for (name, bytes) in pages {
        let path = dir.join(&name);
        super::write_out(&path, &bytes)?;
    }
    Ok(())
}
