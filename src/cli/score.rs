//! `kzclaims score`: the evidence matrix and scenario totals as of a date.

use super::{emit, open_workspace_lean, Cli, CmdResult, Failure};
use crate::engine::{self, View};
use crate::report::views::score;

#[derive(clap::Args, Debug)]
pub(super) struct Args {
    #[command(flatten)]
    pub eval: super::Eval,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: super::TableOrJson,
    /// Score with this analyst's ratings ([[claim.assessment]]), the consensus
    /// where they gave none
    #[arg(long, value_name = "NAME")]
    pub analyst: Option<String>,
}

pub(super) fn run(cli: &Cli, args: &Args) -> CmdResult {
    let ws = open_workspace_lean(cli)?;
    let (date, engine) = args.eval.resolve(&ws)?;
    let view = match &args.analyst {
        None => View::Team,
        Some(name) => {
            let known = ws.analysts();
            if !known.iter().any(|k| k == name) {
                let hint = match crate::diag::did_you_mean(name, known.iter().map(String::as_str)) {
                    Some(m) => format!("; did you mean \"{m}\"?"),
                    None if known.is_empty() => "; no claim has a [[claim.assessment]]".to_string(),
                    None => format!("; analysts: {}", known.join(", ")),
                };
                return Err(Failure::Usage(format!("no analyst named \"{name}\"{hint}")));
            }
            View::Analyst(name)
        }
    };
    let a = engine::assess_view(&ws, date, engine, view);
    let text = match args.format {
        super::TableOrJson::Table => {
            let t = crate::report::escape::terminal_lines(&score::to_table(&ws, &a)).into_owned();
            match &args.analyst {
                Some(name) => t.replacen('\n', &format!(", ratings of analyst {name}\n"), 1),
                None => t,
            }
        }
        super::TableOrJson::Json => {
            let mut json = score::to_json(&ws, &a);
            json.analyst = args.analyst.clone();
            return super::emit_json(None, &json);
        }
    };
    emit(None, &text)
}
