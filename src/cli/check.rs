//! `kzclaims check`: validate the workspace; warn about analytic smells.

use super::{assess_workspace, render_diagnostics, Cli, CmdResult};
use crate::diag::Diagnostic;
use crate::engine::Assessment;
use crate::model::*;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Date to evaluate the warnings at (default: as_of in kzclaims.toml, else the latest date)
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    pub as_of: Option<chrono::NaiveDate>,
}

pub fn run(cli: &Cli, args: &Args) -> CmdResult {
    let (ws, a) = assess_workspace(cli, args.as_of, None)?;
    let date = a.as_of;
    let mut warnings = warnings(&ws, &a);
    warnings.sort_by(|a, b| {
        (&a.file, a.span.as_ref().map(|s| s.start))
            .cmp(&(&b.file, b.span.as_ref().map(|s| s.start)))
    });
    if !warnings.is_empty() {
        eprint!(
            "{}",
            render_diagnostics(&warnings, &ws.files, super::stderr_color())
        );
    }
    println!(
        "ok: {} scenarios, {} claims, {} sources, as of {}{}",
        ws.scenarios.len(),
        ws.claims.len(),
        ws.sources.len(),
        date,
        match warnings.len() {
            0 => String::new(),
            1 => ", 1 warning".into(),
            n => format!(", {n} warnings"),
        }
    );
    Ok(())
}

/// Analytic warnings (codes in docs/checks.md).
pub fn warnings(ws: &Workspace, a: &Assessment) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let at = |c: &Claim| (ws.files[c.loc.file].rel.clone(), c.loc.span.clone());
    for r in a.rows.iter().filter(|r| r.counts()) {
        let c = &ws.claims[r.state.claim];
        if !r.diagnostic {
            let (f, s) = at(c);
            out.push(
                Diagnostic::warning("K101", format!("claim `{}` is not diagnostic: it is rated the same against every scenario", c.id))
                    .at(f, s)
                    .label("non-diagnostic")
                    .help("evidence consistent with every explanation cannot tell them apart (Heuer, step 4); drop it or rate it more finely"),
            );
        }
        if r.state.url.is_none() {
            let (f, s) = at(c);
            out.push(
                Diagnostic::warning("K102", format!("claim `{}` has no citation url", c.id))
                    .at(f, s)
                    .label("no url")
                    .help("add `url = \"…\"` so readers of the memo can check the source"),
            );
        }
    }
    if let Some(lead) = a.leader() {
        let contradicted = a
            .rows
            .iter()
            .any(|r| r.counts() && matches!(r.state.ratings[lead], Rating::I | Rating::II));
        if !contradicted && a.rows.iter().any(|r| r.counts()) {
            let s = &ws.scenarios[lead];
            out.push(
                Diagnostic::warning("K103", format!("the leading scenario `{}` is contradicted by no claim", s.id))
                    .at(ws.files[s.loc.file].rel.clone(), s.loc.span.clone())
                    .label("leading scenario")
                    .help("look for evidence that would disprove it: a conclusion nothing could contradict is a confirmation-bias risk"),
            );
        }
    }
    out
}
