//! `kzclaims sensitivity`: how much the conclusion depends on a few items.

use super::{assess_workspace, emit, Cli, CmdResult};
use crate::engine::sensitivity;
use crate::report::views::sensitivity as report;

#[derive(clap::Args, Debug)]
pub(super) struct Args {
    #[command(flatten)]
    pub eval: super::Eval,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: super::TableOrJson,
}

pub(super) fn run(cli: &Cli, args: &Args) -> CmdResult {
    let (ws, a) = assess_workspace(cli, args.eval)?;
    let s = sensitivity::analyse(&ws, &a);
    let text = match args.format {
        super::TableOrJson::Table => {
            crate::report::escape::terminal_lines(&report::to_table(&ws, &a, &s)).into_owned()
        }
        super::TableOrJson::Json => super::json_text(&report::to_json(&ws, &a, &s)),
    };
    emit(None, &text)
}
