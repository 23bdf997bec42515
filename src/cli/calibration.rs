//! `kzclaims calibration`: score past assessments against how the question
//! and the indicators resolved.

use super::{emit, open_workspace_lean, Cli, CmdResult, Failure};
use crate::load;
use crate::report::views::calibration as report;
use std::path::PathBuf;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Format {
    Table,
    Json,
    Svg,
}

#[derive(clap::Args, Debug)]
pub(super) struct Args {
    /// Count only resolutions and observations dated on or before this date
    /// (default: all of them)
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    pub as_of: Option<chrono::NaiveDate>,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// More workspaces whose resolved questions join the calibration table
    #[arg(value_name = "WORKSPACE")]
    pub more: Vec<PathBuf>,
    /// Re-score the whole history of every resolved question at evidence
    /// weights 0.1, 0.2, …, 1.0 and report which would have scored best
    #[arg(long)]
    pub fit: bool,
    /// Write the output to this file (atomically) instead of stdout (`-`: stdout)
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub(super) fn run(cli: &Cli, args: &Args) -> CmdResult {
    let mut workspaces = vec![super::Kept::into_inner(open_workspace_lean(cli)?)];
    for dir in &args.more {
        if !dir.join(load::CONFIG_FILE).is_file() {
            return Err(Failure::Usage(format!(
                "{} is not a kzclaims workspace: no {} there",
                dir.display(),
                load::CONFIG_FILE
            )));
        }
        workspaces.push(load::Loader::new(dir).load()?);
    }
    if args.fit {
        let f = crate::engine::calibration::fit(&workspaces, args.as_of);
        let text = match args.format {
            Format::Table => crate::report::views::fit::to_table(&workspaces, f.as_ref()),
            Format::Json => {
                super::json_text(&crate::report::views::fit::to_json(&workspaces, f.as_ref()))
            }
            Format::Svg => {
                return Err(Failure::Usage(
                    "--fit prints a table or JSON: use --format table or --format json".into(),
                ))
            }
        };
        return emit(args.out.as_deref(), &text);
    }
    let recorded: Vec<_> = workspaces
        .iter()
        .map(|ws| super::recorded(cli, ws))
        .collect();
    let refs: Vec<_> = recorded.iter().map(Option::as_ref).collect();
    let c = report::collect_with(&workspaces, &refs, args.as_of);
    let text = match args.format {
        Format::Table => report::to_table(&c),
        Format::Json => super::json_text(&c),
        Format::Svg => report::to_svg(&c),
    };
    emit(args.out.as_deref(), &text)
}
