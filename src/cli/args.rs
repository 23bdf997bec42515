//! The arguments several subcommands share: the date and engine of an
//! assessment, table-or-JSON output, and the date parser every date argument
//! goes through.

use super::Failure;
use crate::model::{EngineKind, Workspace};
use chrono::NaiveDate;

/// The ranking engine, as `--engine` names it.
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

/// The date and engine an assessment is made with (flattened into the
/// commands that score).
#[derive(clap::Args, Debug, Clone, Copy)]
pub(crate) struct Eval {
    /// Evaluate the record as of this date (YYYY-MM-DD; default: as_of in
    /// kzclaims.toml, else the latest date in the record)
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// Ranking engine (default: scoring.engine in kzclaims.toml)
    #[arg(long, value_enum)]
    pub engine: Option<EngineArg>,
}

/// Output as an aligned table or as JSON.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TableOrJson {
    Table,
    Json,
}

impl Eval {
    /// The date and engine, defaults filled in from the workspace.
    pub(super) fn resolve(&self, ws: &Workspace) -> Result<(NaiveDate, EngineKind), Failure> {
        let date = super::as_of(ws, self.as_of)?;
        Ok((
            date,
            self.engine
                .map(EngineKind::from)
                .unwrap_or(ws.config.engine),
        ))
    }
}

/// Parse a `YYYY-MM-DD` date argument.
pub(crate) fn parse_date(s: &str) -> Result<NaiveDate, String> {
    crate::model::parse_date(s).map_err(|e| format!("`{s}` is not a date: {e}"))
}
