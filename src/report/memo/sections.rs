//! The sections analytic products carry (issue 18): key assumptions, what we
//! do not know, what would change our judgment, and sources and limits.

use crate::checks;
use crate::engine::{indicators, rests_on, sensitivity, Assessment, Row};
use crate::model::*;
use crate::report::format::percent;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Serialize)]
pub struct AssumptionView {
    pub text: String,
    /// Titles of the scenarios that depend on it.
    pub scenarios: Vec<String>,
    pub breaks: Option<String>,
    /// Whether the leading scenario depends on it.
    pub leader_depends: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Sections {
    pub assumptions: Vec<AssumptionView>,
    /// `unknowns` from kzclaims.toml.
    pub unknowns: Vec<String>,
    /// What would change our judgment, a sentence each.
    pub would_change: Vec<String>,
    /// Sources and limits: computed sentences.
    pub sources_limits: Vec<String>,
    /// `limits` from kzclaims.toml.
    pub limits: Option<String>,
}

fn title(ws: &Workspace, j: usize, as_of: chrono::NaiveDate) -> String {
    format!("“{}”", ws.scenarios[j].title_as_of(as_of))
}

/// Build the sections for assessment `a` with its sensitivity analysis and
/// the checks of the record ([`checks::run_on_record`]).
pub(crate) fn sections(
    ws: &Workspace,
    a: &Assessment,
    sens: &sensitivity::Sensitivity,
    checked: &checks::Report,
) -> Sections {
    let leader = sens.leader;
    let assumptions: Vec<AssumptionView> = ws
        .config
        .assumptions
        .iter()
        .filter(|x| x.since.is_none_or(|d| d <= a.as_of))
        .map(|x| AssumptionView {
            text: x.text.clone(),
            scenarios: x
                .scenarios
                .iter()
                .map(|s| {
                    ws.scenario_index(s)
                        .map(|j| ws.scenarios[j].title_as_of(a.as_of).to_string())
                        .unwrap_or_else(|| s.clone())
                })
                .collect(),
            breaks: x.breaks.clone(),
            leader_depends: x.scenarios.iter().any(|s| *s == ws.scenarios[leader].id),
        })
        .collect();
    Sections {
        would_change: would_change(ws, a, sens, &assumptions),
        sources_limits: sources_limits(ws, a, sens, checked),
        assumptions,
        unknowns: ws.config.unknowns.clone(),
        limits: ws.config.limits.clone(),
    }
}

fn would_change(
    ws: &Workspace,
    a: &Assessment,
    sens: &sensitivity::Sensitivity,
    assumptions: &[AssumptionView],
) -> Vec<String> {
    let mut out = Vec::new();
    let l = sens.leader;
    let Some(b) = sens.runner_up.filter(|_| !sens.tied) else {
        if sens.runner_up.is_some() {
            out.push("The leading explanations are tied: any claim that tells them apart would settle the order.".into());
        }
        return out;
    };
    if let Some(r) = rests_on::rests_on(ws, a)
        .into_iter()
        .find(|r| r.against == b)
    {
        let top: Vec<&rests_on::Carrier> = r.carriers.iter().take(3).collect();
        let share: f64 = top.iter().map(|c| c.share).sum();
        let ids: Vec<&str> = top.iter().map(|c| ws.claims[c.claim].id.as_str()).collect();
        out.push(format!(
            "Evidence that {} {} wrong or misleading: {} {} of the lead over {}.",
            and_list(&ids.iter().map(|x| x.to_string()).collect::<Vec<_>>()),
            if ids.len() == 1 { "is" } else { "are" },
            if ids.len() == 1 {
                "it carries"
            } else {
                "together they carry"
            },
            percent(share),
            title(ws, b, a.as_of)
        ));
    }
    let flips: Vec<String> = sens
        .effects
        .iter()
        .filter(|e| e.deception.flips)
        .map(|e| e.kind.label(ws))
        .collect();
    if !flips.is_empty() {
        out.push(if flips.len() == 1 {
            format!(
                "{} proving deceptive would on its own change which explanation leads.",
                flips[0]
            )
        } else {
            format!(
                "Any one of {} proving deceptive would on its own change which explanation leads.",
                and_list(&flips)
            )
        });
    }
    let sep = indicators::separating(ws, a.as_of, l, b);
    if sep.is_empty() {
        out.push(format!(
            "No open indicator separates {} from {}: one that is expected under one and not the other would be worth writing and watching.",
            title(ws, l, a.as_of),
            title(ws, b, a.as_of)
        ));
    } else {
        for (j, k, pl, pb) in sep.iter().take(3) {
            let ind = &ws.scenarios[*j].indicators[*k];
            out.push(format!(
                "Seeing “{}”{}{} would favour {}: its chance is {} if {} is right and {} if {} is.",
                ind.text,
                ind.due.map(|d| format!(" (due {d})")).unwrap_or_default(),
                ind.look
                    .as_ref()
                    .map(|x| format!(" (where to look: {x})"))
                    .unwrap_or_default(),
                if pl > pb {
                    title(ws, l, a.as_of)
                } else {
                    title(ws, b, a.as_of)
                },
                percent(*pl),
                title(ws, l, a.as_of),
                percent(*pb),
                title(ws, b, a.as_of),
            ));
        }
    }
    for x in assumptions.iter().filter(|x| x.leader_depends) {
        let text = x.text.trim_end_matches('.');
        out.push(match &x.breaks {
            Some(br) => format!("The assumption “{text}” failing: {br}"),
            None => format!("The assumption “{text}” failing."),
        });
    }
    out
}

/// "a", "a and b", "a, b and c".
fn and_list(v: &[String]) -> String {
    match v.len() {
        0 => String::new(),
        1 => v[0].clone(),
        n => format!("{} and {}", v[..n - 1].join(", "), v[n - 1]),
    }
}

fn sources_limits(
    ws: &Workspace,
    a: &Assessment,
    sens: &sensitivity::Sensitivity,
    report: &checks::Report,
) -> Vec<String> {
    let mut out = Vec::new();
    let in_force: Vec<&Row> = a.rows.iter().filter(|r| r.counts()).collect();
    let n = in_force.len();
    if n == 0 {
        out.push("No claims are in force yet.".into());
        return out;
    }
    let mut by_source: BTreeMap<&str, usize> = BTreeMap::new();
    let mut origins: BTreeSet<&str> = BTreeSet::new();
    let mut single = Vec::new();
    for r in &in_force {
        // Only the sources published by the memo's date are cited.
        let ids: BTreeSet<&str> = r
            .state
            .sources(ws)
            .iter()
            .filter(|s| ws.source(s).is_none_or(|x| x.published_by(a.as_of)))
            .map(String::as_str)
            .collect();
        for id in &ids {
            *by_source.entry(id).or_default() += 1;
            origins.insert(ws.source(id).map(|s| s.effective_origin()).unwrap_or(id));
        }
        if ids.len() == 1 {
            single.push(r.state.claim);
        }
    }
    let mut top: Vec<(&str, usize)> = by_source.iter().map(|(k, v)| (*k, *v)).collect();
    top.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(y.0)));
    let name = |id: &str| {
        ws.source(id)
            .map(|s| s.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let most: Vec<String> = top
        .iter()
        .take(3)
        .map(|(id, k)| {
            format!(
                "{} cite {} ({})",
                k,
                name(id),
                percent(*k as f64 / n as f64)
            )
        })
        .collect();
    out.push(format!(
        "The {n} claims in force cite {} sources from {} independent origins; the most cited: {}.",
        by_source.len(),
        origins.len(),
        most.join("; ")
    ));
    let carrying: BTreeSet<usize> = sens
        .effects
        .iter()
        .filter(|e| e.contribution > 0.0)
        .filter_map(|e| match e.kind {
            sensitivity::ItemKind::Claim(c) => Some(c),
            _ => None,
        })
        .collect();
    let single_carrying = single.iter().filter(|c| carrying.contains(c)).count();
    out.push(format!(
        "{} of them rest on one source alone, {} of those among the claims that favour the leading explanation over the next.",
        single.len(),
        single_carrying
    ));
    let analysts = ws.analysts();
    out.push(match analysts.len() {
        0 => "One analyst rated the evidence; no one else has rated it.".to_string(),
        k => {
            let rated = in_force
                .iter()
                .filter(|r| {
                    ws.claims[r.state.claim]
                        .assessments
                        .iter()
                        .map(|x| &x.analyst)
                        .collect::<BTreeSet<_>>()
                        .len()
                        >= 2
                })
                .count();
            format!(
                "{k} named analysts ({}); {rated} of the {n} claims in force were rated by two or more of them, the rest by one.",
                analysts.join(", ")
            )
        }
    });
    if !report.silenced.is_empty() {
        let mut by_code: BTreeMap<crate::diag::Code, usize> = BTreeMap::new();
        for (d, _) in &report.silenced {
            *by_code.entry(d.code).or_default() += 1;
        }
        let parts: Vec<String> = by_code
            .iter()
            .map(|(code, k)| format!("{k} × {code} ({})", code.info().summary))
            .collect();
        out.push(format!(
            "The workspace acknowledges {} warnings that would otherwise be shown, each with a reason (kzclaims check --show-silenced lists them): {}.",
            report.silenced.len(),
            parts.join("; ")
        ));
    }
    out
}
