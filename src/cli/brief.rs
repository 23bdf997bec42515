//! `kzclaims brief`: render the briefing memo as of a date, optionally with
//! what changed since an earlier date or revision (`--since`).

use super::{assess_workspace, emit, Cli, CmdResult};
use crate::engine;
use crate::engine::diff::{Side, SideInfo};
use crate::report::diff as rdiff;
use crate::report::memo::{context, render};
use render::MemoFormat;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub(super) struct Args {
    #[command(flatten)]
    pub eval: super::Eval,
    /// Template name (default: [memo] template in kzclaims.toml, else `memo`);
    /// templates/NAME.FORMAT in the workspace overrides the built-in
    #[arg(long, value_name = "NAME")]
    pub template: Option<String>,
    /// Output format: md, html (a self-contained page), docx (a Word memo;
    /// needs --out), or json (the template context itself, for renderers of
    /// your own: docs/templates.md)
    #[arg(long, value_enum, default_value = "md")]
    pub format: BriefFormat,
    /// Write the memo to this file (atomically) instead of stdout (`-`: stdout)
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Add a "What changed since …" section: against a date, a git revision,
    /// REV@DATE or `.` (as `kzclaims diff` reads them)
    #[arg(long, value_name = "DATE|REV")]
    pub since: Option<String>,
}

/// What `brief` writes.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum BriefFormat {
    Md,
    Html,
    Docx,
    Json,
}

pub(super) fn run(cli: &Cli, args: &Args) -> CmdResult {
    if args.format == BriefFormat::Docx && args.out.is_none() {
        return Err(super::Failure::Usage(
            "a Word memo is a binary file: give --out FILE.docx".into(),
        ));
    }
    let (ws, a) = assess_workspace(cli, args.eval)?;
    let date = a.as_of;
    let engine = a.engine;
    let rec = super::recorded(cli, &ws);
    let mut ctx = context::memo_context_with(&ws, &a, rec.as_ref());
    if matches!(args.format, BriefFormat::Html | BriefFormat::Json) {
        ctx = context::with_visuals(ctx, &ws, &a);
    }
    if let Some(since) = &args.since {
        let before = super::diff::load_side(&ws.root, since, Some(&ws))?;
        let ab = engine::assess(&before.ws, before.as_of, engine);
        let d = crate::engine::diff::diff(
            &Side {
                ws: &before.ws,
                assessment: &ab,
                info: before.info,
            },
            &Side {
                ws: &ws,
                assessment: &a,
                info: SideInfo {
                    spec: ".".into(),
                    label: date.to_string(),
                    as_of: date.to_string(),
                    revision: None,
                },
            },
        );
        ctx.since = Some(rdiff::since_block(&d));
    }
    let format = match args.format {
        BriefFormat::Md => MemoFormat::Md,
        BriefFormat::Html => MemoFormat::Html,
        BriefFormat::Docx => {
            let bytes = crate::report::memo::docx::render(&ctx);
            let path = args.out.as_deref().expect("checked above");
            return super::write_out(path, &bytes);
        }
        BriefFormat::Json => {
            let text = super::json_text(&serde_json::json!({
                "version": 1,
                "context": ctx,
            }));
            return emit(args.out.as_deref(), &text);
        }
    };
    let name = render::template_file_name(
        args.template.as_deref().unwrap_or(&ws.config.memo.template),
        format,
    );
    let text = render::render(&ws.root, &name, &ctx)?;
    emit(args.out.as_deref(), &text)
}
