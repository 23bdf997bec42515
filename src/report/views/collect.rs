//! `kzclaims collect` output and the memo's "what to find out next" words:
//! the open indicators ranked by how much they would tell, as a table, as
//! JSON, and as plain sentences for the memo templates.

use crate::engine::collect::{Candidate, Collection, Outcome};
use crate::model::*;
use crate::report::format::percent;
use crate::report::table;
use serde::Serialize;
use std::fmt::Write;

/// `kzclaims collect --format json` (docs/json.md).
#[derive(Debug, Serialize)]
pub(crate) struct CollectJson {
    /// The shape's version: raised only when a field is renamed or removed.
    pub version: u32,
    pub as_of: String,
    pub entropy_bits: f64,
    pub indicators: Vec<CandidateJson>,
}

#[derive(Debug, Serialize)]
pub(crate) struct CandidateJson {
    pub id: String,
    pub scenario: String,
    pub text: String,
    pub due: Option<String>,
    pub p_seen: f64,
    pub gain_bits: f64,
    pub if_seen: OutcomeJson,
    pub if_not_seen: OutcomeJson,
    pub changes_leader: bool,
}

#[derive(Debug, Serialize)]
pub(crate) struct OutcomeJson {
    pub leader: String,
    pub probability: f64,
}

fn indicator<'a>(ws: &'a Workspace, c: &Candidate) -> &'a Indicator {
    &ws.scenarios[c.scenario].indicators[c.indicator]
}

pub(crate) fn to_json(ws: &Workspace, c: &Collection) -> CollectJson {
    let outcome = |o: &Outcome| OutcomeJson {
        leader: ws.scenarios[o.leader].id.clone(),
        probability: o.probability,
    };
    CollectJson {
        version: 1,
        as_of: c.as_of.to_string(),
        entropy_bits: c.entropy_bits,
        indicators: c
            .candidates
            .iter()
            .map(|x| {
                let ind = indicator(ws, x);
                CandidateJson {
                    id: ind.id.clone(),
                    scenario: ws.scenarios[x.scenario].id.clone(),
                    text: ind.text.clone(),
                    due: ind.due.map(|d| d.to_string()),
                    p_seen: x.p_seen,
                    gain_bits: x.gain_bits,
                    if_seen: outcome(&x.if_seen),
                    if_not_seen: outcome(&x.if_not_seen),
                    changes_leader: x.changes_leader,
                }
            })
            .collect(),
    }
}

/// Gains below this count as nothing to learn.
const NOTHING: f64 = 1e-9;

/// The share of the remaining uncertainty an indicator would remove on
/// average, "40%"; none when nothing is left to learn.
fn share(c: &Collection, x: &Candidate) -> Option<String> {
    (c.entropy_bits > NOTHING).then(|| percent(x.gain_bits / c.entropy_bits))
}

fn id_of(ws: &Workspace, x: &Candidate) -> String {
    format!("{}/{}", ws.scenarios[x.scenario].id, indicator(ws, x).id)
}

/// The sentence naming a pair no open indicator separates; `name` gives a
/// scenario's name (its id in the table, its title in the memo).
fn blind_pair(pair: (usize, usize), name: impl Fn(usize) -> String) -> String {
    format!(
        "Collection is blind between {} and {}: no open indicator tells them apart.",
        name(pair.0),
        name(pair.1)
    )
}

pub(crate) fn to_table(ws: &Workspace, c: &Collection) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "What to find out next, as of {}", c.as_of);
    let _ = writeln!(
        out,
        "leader now: {} ({}); uncertainty left: {:.3} bits over {} scenarios",
        ws.scenarios[c.leader].id,
        percent(c.posterior[c.leader]),
        c.entropy_bits,
        ws.scenarios.len()
    );
    if c.candidates.is_empty() {
        let _ = writeln!(
            out,
            "\nNo open indicator has likelihoods: nothing to rank, and collection is blind between every pair of scenarios. Give indicators `ratings` or `if_true`/`if_false` (docs/format.md)."
        );
    } else {
        let _ = writeln!(
            out,
            "gain: how much learning whether it is seen would tell, on average (bits; share of the uncertainty left)\n"
        );
        let mut rows = vec![vec![
            "#".to_string(),
            "indicator".into(),
            "due".into(),
            "P(seen)".into(),
            "gain".into(),
            "share".into(),
            "if seen".into(),
            "if not seen".into(),
            "leader".into(),
        ]];
        let who = |o: &Outcome| format!("{} {}", ws.scenarios[o.leader].id, percent(o.probability));
        for (n, x) in c.candidates.iter().enumerate() {
            let ind = indicator(ws, x);
            rows.push(vec![
                (n + 1).to_string(),
                id_of(ws, x),
                ind.due.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
                format!("{:.3}", x.p_seen),
                format!("{:.4}", x.gain_bits),
                share(c, x).unwrap_or_else(|| "-".into()),
                who(&x.if_seen),
                who(&x.if_not_seen),
                if x.changes_leader {
                    "may change"
                } else {
                    "holds"
                }
                .into(),
            ]);
        }
        out.push_str(&table::render(
            &table::with_header(rows),
            |i| matches!(i, 1 | 2 | 6 | 7 | 8),
            "",
        ));
        let _ = writeln!(out);
        for (n, x) in c.candidates.iter().enumerate() {
            let _ = writeln!(
                out,
                "{:>2}. {}: {}",
                n + 1,
                id_of(ws, x),
                indicator(ws, x).text
            );
        }
    }
    if !c.unrated.is_empty() {
        let _ = writeln!(
            out,
            "\nUnrated (no likelihoods, so what they would tell cannot be computed):"
        );
        for &(j, k) in &c.unrated {
            let ind = &ws.scenarios[j].indicators[k];
            let _ = writeln!(out, "  {}/{}: {}", ws.scenarios[j].id, ind.id, ind.text);
        }
    }
    if !c.blind.is_empty() && !c.candidates.is_empty() {
        let _ = writeln!(out);
        for &p in &c.blind {
            let _ = writeln!(
                out,
                "{}",
                blind_pair(p, |j| format!("`{}`", ws.scenarios[j].id))
            );
        }
    }
    out
}

/// The memo's "what to find out next": the three open indicators that would
/// tell the most, in sentences both templates share.
#[derive(Debug, Clone, Serialize)]
pub struct CollectView {
    /// "The one observation that would settle most: …", or why there is none.
    pub lead: String,
    /// Up to three, most informative first.
    pub top: Vec<CollectItem>,
    /// "scenario/indicator: text" of open indicators without likelihoods.
    pub unrated: Vec<String>,
    /// One sentence per scenario pair no open indicator separates.
    pub blind: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CollectItem {
    /// `scenario/indicator`.
    pub id: String,
    pub text: String,
    pub due: Option<String>,
    /// P(seen), "62%".
    pub p_seen: String,
    /// "0.42 bits".
    pub gain: String,
    /// Share of the remaining uncertainty removed on average, "40%".
    pub share: Option<String>,
    pub changes_leader: bool,
    /// Where one would look for it (`look`).
    pub look: Option<String>,
    /// What seeing it or not would do, in a sentence.
    pub detail: String,
}

/// How many indicators the memo leads with.
const TOP: usize = 3;

pub(crate) fn memo_view(ws: &Workspace, c: &Collection) -> CollectView {
    let title = |j: usize| ws.scenarios[j].title_as_of(c.as_of);
    let top: Vec<CollectItem> = c
        .candidates
        .iter()
        .filter(|x| x.gain_bits > NOTHING)
        .take(TOP)
        .map(|x| {
            let ind = indicator(ws, x);
            let lead_word = |j: usize| if j == c.leader { "still lead" } else { "lead instead" };
            let either_way = |seen: &Outcome, unseen: &Outcome| {
                if seen.leader == unseen.leader {
                    format!(
                        "Either way “{}” would {}: at {} if it is seen, {} if not.",
                        title(seen.leader),
                        lead_word(seen.leader),
                        percent(seen.probability),
                        percent(unseen.probability)
                    )
                } else {
                    format!(
                        "If it is seen, “{}” would {}, at {}; if not, “{}” would {}, at {}.",
                        title(seen.leader),
                        lead_word(seen.leader),
                        percent(seen.probability),
                        title(unseen.leader),
                        lead_word(unseen.leader),
                        percent(unseen.probability)
                    )
                }
            };
            let removes = match share(c, x) {
                Some(s) => format!(
                    " Learning the answer would remove, on average, {s} of the uncertainty that remains."
                ),
                None => String::new(),
            };
            CollectItem {
                id: id_of(ws, x),
                text: ind.text.clone(),
                due: ind.due.map(|d| d.to_string()),
                p_seen: percent(x.p_seen),
                gain: format!("{:.2} bits", x.gain_bits),
                share: share(c, x),
                changes_leader: x.changes_leader,
                look: ind.look.clone(),
                detail: format!(
                    "we put the chance of seeing it at {}. {}{removes}{}",
                    percent(x.p_seen),
                    either_way(&x.if_seen, &x.if_not_seen),
                    ind.look
                        .as_ref()
                        .map(|l| format!(" Where to look: {}.", l.trim_end_matches('.')))
                        .unwrap_or_default()
                ),
            }
        })
        .collect();
    let none_changes = !c.candidates.is_empty() && c.candidates.iter().all(|x| !x.changes_leader);
    let lead = match top.first() {
        Some(first) => format!(
            "{}The one observation that would settle most: {}{}.",
            if none_changes {
                "No open indicator, seen or not, would on its own change which explanation leads. "
            } else {
                ""
            },
            first.text.trim_end_matches('.'),
            first.due.as_ref().map(|d| format!(" (due {d})")).unwrap_or_default()
        ),
        None if c.candidates.is_empty() => {
            "No open indicator has likelihoods, so the memo cannot say which observation would tell the most: collection is blind between every pair of scenarios.".into()
        }
        None => "No open indicator would tell the scenarios apart: every one is predicted equally by the scenarios still in play.".into(),
    };
    CollectView {
        lead,
        top,
        unrated: c
            .unrated
            .iter()
            .map(|&(j, k)| {
                let ind = &ws.scenarios[j].indicators[k];
                format!("{}/{}: {}", ws.scenarios[j].id, ind.id, ind.text)
            })
            .collect(),
        blind: c
            .blind
            .iter()
            .filter(|_| !c.candidates.is_empty())
            .map(|&p| blind_pair(p, |j| format!("“{}”", title(j))))
            .collect(),
    }
}
