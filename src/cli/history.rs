//! `kzclaims history CLAIM_ID`: the commits that changed a claim, newest
//! first, with author, date, message and what changed (src/load/history.rs).

use super::{workspace_root, Cli, CmdResult, Failure};
use crate::load::history::{claim_history, Change};

#[derive(clap::Args, Debug)]
pub(super) struct Args {
    /// The claim's id
    pub claim: String,
    /// Output: text, or json (`{"claim", "commits": [...]}`)
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Format {
    Text,
    Json,
}

pub(super) fn run(cli: &Cli, args: &Args) -> CmdResult {
    let root = workspace_root(cli)?;
    let changes = claim_history(&root, &args.claim).map_err(Failure::Usage)?;
    if changes.is_empty() {
        return Err(Failure::Usage(format!(
            "no commit reachable from HEAD has a claim `{}` (a claim not yet committed has no history)",
            args.claim
        )));
    }
    match args.format {
        Format::Json => {
            #[derive(serde::Serialize)]
            struct Out<'a> {
                claim: &'a str,
                commits: &'a [Change],
            }
            super::emit(
                None,
                &super::json_text(&Out {
                    claim: &args.claim,
                    commits: &changes,
                }),
            )
        }
        Format::Text => super::emit(None, &text(&args.claim, &changes)),
    }
}

fn text(id: &str, changes: &[Change]) -> String {
    let mut o = format!(
        "history of claim `{id}`: {} commit{}, newest first\n",
        changes.len(),
        if changes.len() == 1 { "" } else { "s" }
    );
    for c in changes {
        o.push_str(&format!(
            "\n{}  {}  {} <{}>\n    {}\n",
            c.short, c.date, c.author, c.email, c.message
        ));
        match (c.kind, &c.moved_from) {
            ("moved", Some(from)) => o.push_str(&format!("  moved from {from} to {}\n", c.file)),
            (kind, _) => o.push_str(&format!("  {kind} in {}\n", c.file)),
        }
        for f in &c.fields {
            let show = |v: &Option<String>| match v {
                Some(s) if s.chars().count() > 80 => {
                    format!("\"{}…\"", s.chars().take(79).collect::<String>())
                }
                Some(s) if s.starts_with(['[', '{']) => s.clone(),
                Some(s) => format!("\"{s}\""),
                None => "(none)".to_string(),
            };
            o.push_str(&format!(
                "    {}: {} → {}\n",
                f.field,
                show(&f.before),
                show(&f.after)
            ));
        }
    }
    o
}
