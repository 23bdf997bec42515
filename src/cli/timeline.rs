//! `kzclaims timeline`: the assessment at every date on which the record
//! changed, as a table, JSON, CSV or an SVG chart (shapes: docs/timeline.md).
//! The command only: computed by `engine::timeline`, written out by
//! `report::views::timeline` (and `report::memo::chart` for the SVG).

use super::{emit, open_workspace_lean, Cli, CmdResult, EngineArg, Failure};
use crate::engine::timeline::timeline;
use crate::model::EngineKind;
use crate::report::memo::chart;
use crate::report::views::timeline::{to_csv, to_json, to_table};
use chrono::NaiveDate;
use std::path::PathBuf;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Format {
    Table,
    Json,
    Csv,
    Svg,
}

#[derive(clap::Args, Debug)]
pub(super) struct Args {
    /// First date to show (YYYY-MM-DD; default: `opened` in kzclaims.toml);
    /// earlier changes still count
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    pub from: Option<NaiveDate>,
    /// Last date to show (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    pub to: Option<NaiveDate>,
    /// Ranking engine (default: [scoring] engine in kzclaims.toml)
    #[arg(long, value_enum)]
    pub engine: Option<EngineArg>,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Write to this file (atomically) instead of stdout (`-`: stdout)
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub(super) fn run(cli: &Cli, args: &Args) -> CmdResult {
    if let (Some(f), Some(t)) = (args.from, args.to) {
        if f > t {
            return Err(Failure::Usage(format!("--from {f} is after --to {t}")));
        }
    }
    let ws = open_workspace_lean(cli)?;
    let engine = args
        .engine
        .map(EngineKind::from)
        .unwrap_or(ws.config.engine);
    // Left to the operating system at exit, like the workspace: a point per
    // date of a large record.
    // The timeline starts on the day the question was asked (`opened`) unless
    // told otherwise; what came before is its starting point.
    let from = args
        .from
        .or(ws.config.opened.filter(|o| args.to.is_none_or(|t| *o <= t)));
    let t = super::Kept::new(timeline(&ws, engine, from, args.to));
    let text = match args.format {
        Format::Table => crate::report::escape::terminal_lines(&to_table(&ws, &t)).into_owned(),
        // Streamed, point by point: the JSON of a large record's timeline
        // outweighs the record.
        Format::Json => return super::emit_json(args.out.as_deref(), &to_json(&ws, &t)),
        Format::Csv => to_csv(&ws, &t),
        Format::Svg => chart::svg(&ws, &t),
    };
    emit(args.out.as_deref(), &text)
}
