//! `kzclaims export`: the matrix as of a date as CSV (the shape `import`
//! reads), JSON (the whole record resolved, docs/json.md) or a PARC ACH
//! project (.achz, best effort: docs/interop.md).

use super::{as_of, open_workspace_lean, Cli, CmdResult, Failure};
use crate::interop;
use chrono::NaiveDate;
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ExportFormat {
    /// One row per claim, one column per scenario (what `import` reads)
    Csv,
    /// The whole record as of the date (docs/json.md)
    Json,
    /// A PARC ACH 2.0 project: gzip-compressed UTF-16 XML
    Achz,
}

#[derive(clap::Args, Debug)]
pub(super) struct Args {
    /// Output format
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// The record as of this date (YYYY-MM-DD; default: as_of in
    /// kzclaims.toml, else the latest date in the record)
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    pub as_of: Option<NaiveDate>,
    /// Write to this file (atomically) instead of stdout (`-`: stdout)
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub(super) fn run(cli: &Cli, args: &Args) -> CmdResult {
    let ws = open_workspace_lean(cli)?;
    let date = as_of(&ws, args.as_of)?;
    let bytes = match args.format {
        ExportFormat::Csv => interop::csv::write(&ws, date).into_bytes(),
        ExportFormat::Json => super::json_text(&interop::json::export(&ws, date)).into_bytes(),
        ExportFormat::Achz => {
            if args.out.is_none() && std::io::stdout().is_terminal() {
                return Err(Failure::Usage(
                    "an .achz file is binary: write it with --out FILE (or redirect stdout)".into(),
                ));
            }
            interop::achz::write(&ws, date)
        }
    };
    super::emit_bytes(args.out.as_deref(), &bytes)
}
