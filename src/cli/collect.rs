//! `kzclaims collect`: what to find out next, the open indicators ranked by
//! how much observing them would tell.

use super::{emit, open_workspace_lean, Cli, CmdResult};
use crate::engine::collect;
use crate::report::views::collect as report;

#[derive(clap::Args, Debug)]
pub(super) struct Args {
    /// Evaluate the record as of this date (YYYY-MM-DD; default: as_of in
    /// kzclaims.toml, else the latest date in the record)
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    pub as_of: Option<chrono::NaiveDate>,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: super::TableOrJson,
}

pub(super) fn run(cli: &Cli, args: &Args) -> CmdResult {
    let ws = open_workspace_lean(cli)?;
    let date = super::as_of(&ws, args.as_of)?;
    let c = collect::analyse(&ws, date);
    let text = match args.format {
        super::TableOrJson::Table => {
            crate::report::escape::terminal_lines(&report::to_table(&ws, &c)).into_owned()
        }
        super::TableOrJson::Json => super::json_text(&report::to_json(&ws, &c)),
    };
    emit(None, &text)
}
