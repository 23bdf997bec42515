//! `kzclaims completions SHELL`: a completion script for bash, zsh, fish or
//! PowerShell, generated from the command-line definitions (clap_complete).

use super::{CmdResult, Failure};
use clap::CommandFactory;

#[derive(clap::Args, Debug)]
pub(super) struct Args {
    /// The shell to complete in
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

pub(super) fn run(args: &Args) -> CmdResult {
    let mut cmd = super::Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "kzclaims", &mut out);
    let text = String::from_utf8(out)
        .map_err(|e| Failure::Usage(format!("completion script is not UTF-8: {e}")))?;
    super::emit(None, &text)
}
