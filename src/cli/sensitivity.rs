//! `kzclaims sensitivity`: how much the conclusion depends on a few items.

use super::{assess_workspace, emit, score::EngineArg, Cli, CmdResult};
use crate::engine::sensitivity;
use crate::report::sensitivity as report;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Evaluate the record as of this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    pub as_of: Option<chrono::NaiveDate>,
    /// Ranking engine (default: [scoring] engine in kzclaims.toml)
    #[arg(long, value_enum)]
    pub engine: Option<EngineArg>,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

pub fn run(cli: &Cli, args: &Args) -> CmdResult {
    let (ws, a) = assess_workspace(cli, args.as_of, args.engine)?;
    let s = sensitivity::analyse(&ws, &a);
    let text = match args.format {
        Format::Table => report::to_table(&ws, &a, &s),
        Format::Json => {
            let mut t = serde_json::to_string_pretty(&report::to_json(&ws, &a, &s))
                .expect("plain data serialises");
            t.push('\n');
            t
        }
    };
    emit(None, &text)
}
