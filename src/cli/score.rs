//! `kzclaims score`: the evidence matrix and scenario totals as of a date.

use super::{assess_workspace, emit, Cli, CmdResult};
use crate::model::EngineKind;
use crate::report::score;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum EngineArg {
    Bayes,
    Ach,
}

impl From<EngineArg> for EngineKind {
    fn from(e: EngineArg) -> Self {
        match e {
            EngineArg::Bayes => EngineKind::Bayes,
            EngineArg::Ach => EngineKind::Ach,
        }
    }
}

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
    let text = match args.format {
        Format::Table => score::to_table(&ws, &a),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&score::to_json(&ws, &a))
                .expect("plain data serialises");
            s.push('\n');
            s
        }
    };
    emit(None, &text)
}
