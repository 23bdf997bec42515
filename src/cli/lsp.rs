//! `kzclaims lsp`: the language server editors start (src/lsp/,
//! docs/editors.md). It speaks JSON-RPC on stdin/stdout until the editor
//! says `exit`.

use super::{Cli, CmdResult, Failure};

#[derive(clap::Args, Debug)]
pub(super) struct Args {
    /// Accepted for the editors that pass it: stdio is the only transport
    #[arg(long)]
    pub stdio: bool,
}

pub(super) fn run(cli: &Cli, _args: &Args) -> CmdResult {
    crate::lsp::run(cli.workspace.clone()).map_err(|e| Failure::Usage(format!("lsp: {e}")))
}
