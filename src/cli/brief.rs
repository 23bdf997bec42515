//! `kzclaims brief`: render the briefing memo as of a date.

use super::{assess_workspace, emit, score::EngineArg, Cli, CmdResult};
use crate::report::{context, render};
use render::MemoFormat;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Evaluate the record as of this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    pub as_of: Option<chrono::NaiveDate>,
    /// Template name (default: [memo] template in kzclaims.toml, else `memo`);
    /// templates/NAME.FORMAT in the workspace overrides the built-in
    #[arg(long, value_name = "NAME")]
    pub template: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value = "md")]
    pub format: MemoFormat,
    /// Ranking engine (default: [scoring] engine in kzclaims.toml)
    #[arg(long, value_enum)]
    pub engine: Option<EngineArg>,
    /// Write the memo to this file (atomically) instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(cli: &Cli, args: &Args) -> CmdResult {
    let (ws, a) = assess_workspace(cli, args.as_of, args.engine)?;
    let ctx = context::memo_context(&ws, &a);
    let name = render::template_file_name(
        args.template.as_deref().unwrap_or(&ws.config.memo.template),
        args.format,
    );
    let text = render::render(&ws.root, &name, &ctx)?;
    emit(args.out.as_deref(), &text)
}
