//! The score matrix: claims as rows, scenarios as columns, as a text table or
//! as the documented JSON shape (docs/json.md).

use crate::engine::{Assessment, IndicatorRow};
use crate::model::*;
use crate::report::table::{self, Line};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

#[derive(Debug, Serialize)]
pub struct ScoreJson {
    /// The shape's version: raised only when a field is renamed or removed.
    pub version: u32,
    pub as_of: String,
    pub engine: &'static str,
    /// `[scoring] evidence_weight`: η.
    pub evidence_weight: f64,
    /// `[scoring] band`: the two evidence weights of each scenario's `band`.
    pub band_eta: [f64; 2],
    /// Present with `score --analyst NAME`: whose ratings were scored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analyst: Option<String>,
    pub scenarios: Vec<ScenarioJson>,
    pub claims: Vec<ClaimJson>,
    /// Observed indicators (left out when there are none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<IndicatorJson>,
}

#[derive(Debug, Serialize)]
pub struct ScenarioJson {
    pub id: String,
    pub title: String,
    pub rank: usize,
    pub prior: f64,
    pub probability: f64,
    /// The probability at each end of `band_eta`.
    pub band: [f64; 2],
    pub likelihood_term: f64,
    pub inconsistency: u32,
    pub weighted_inconsistency: f64,
}

#[derive(Debug, Serialize)]
pub struct ClaimJson {
    pub id: String,
    pub date: String,
    pub status: Status,
    pub trust: f64,
    pub diagnosticity: f64,
    pub diagnostic: bool,
    /// The claim's group, when it names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    pub ratings: BTreeMap<String, Rating>,
}

/// An observed indicator in the score JSON.
#[derive(Debug, Serialize)]
pub struct IndicatorJson {
    /// `scenario/indicator`.
    pub id: String,
    /// Date of the observation in force.
    pub date: String,
    pub observed: bool,
    /// Scenario id → P(what was seen | scenario).
    pub likelihoods: BTreeMap<String, f64>,
}

impl IndicatorJson {
    fn new(ws: &Workspace, a: &Assessment, r: &IndicatorRow) -> Self {
        let s = &ws.scenarios[r.scenario];
        let ind = &s.indicators[r.indicator];
        IndicatorJson {
            id: format!("{}/{}", s.id, ind.id),
            date: ind
                .observation_as_of(a.as_of)
                .map(|(_, o)| o.date.to_string())
                .unwrap_or_default(),
            observed: r.observed,
            likelihoods: ws
                .scenarios
                .iter()
                .zip(&r.p_obs)
                .map(|(s, p)| (s.id.clone(), if r.observed { *p } else { 1.0 - p }))
                .collect(),
        }
    }
}

pub fn to_json(ws: &Workspace, a: &Assessment) -> ScoreJson {
    ScoreJson {
        version: 1,
        as_of: a.as_of.to_string(),
        engine: a.engine.as_str(),
        evidence_weight: ws.config.evidence_weight,
        band_eta: ws.config.band,
        analyst: None,
        scenarios: a
            .ranking()
            .into_iter()
            .map(|j| {
                let s = &a.scores[j];
                ScenarioJson {
                    id: ws.scenarios[j].id.clone(),
                    title: ws.scenarios[j].title.clone(),
                    rank: s.rank,
                    prior: s.prior,
                    probability: s.probability,
                    band: s.band,
                    likelihood_term: s.likelihood_term,
                    inconsistency: s.inconsistency,
                    weighted_inconsistency: s.weighted_inconsistency,
                }
            })
            .collect(),
        claims: a
            .rows
            .iter()
            .map(|r| {
                let c = &ws.claims[r.state.claim];
                ClaimJson {
                    id: c.id.clone(),
                    date: c.date.to_string(),
                    status: r.state.status,
                    trust: r.trust,
                    diagnosticity: r.diagnosticity,
                    diagnostic: r.diagnostic,
                    group: c.group.clone(),
                    ratings: ws
                        .scenarios
                        .iter()
                        .zip(&r.state.ratings)
                        .map(|(s, r)| (s.id.clone(), *r))
                        .collect(),
                }
            })
            .collect(),
        indicators: a
            .indicators
            .iter()
            .map(|r| IndicatorJson::new(ws, a, r))
            .collect(),
    }
}

/// The matrix as an aligned text table. Columns are scenarios in rank order.
pub fn to_table(ws: &Workspace, a: &Assessment) -> String {
    let order = a.ranking();
    let mut header = vec![
        "date".to_string(),
        "claim".into(),
        "trust".into(),
        "diag".into(),
    ];
    header.extend(order.iter().map(|&j| ws.scenarios[j].id.clone()));
    let mut rows: Vec<Vec<String>> = Vec::new();
    for r in &a.rows {
        let c = &ws.claims[r.state.claim];
        let mut id = c.id.clone();
        if r.state.status == Status::Retracted {
            id.push_str(" (retracted)");
        } else if r.state.revisions_applied > 0 {
            id.push_str(&format!(" (rev {})", r.state.revisions_applied));
        }
        let mut row = vec![
            c.date.to_string(),
            id,
            format!("{:.2}", r.trust),
            if r.diagnostic {
                format!("{:.2}", r.diagnosticity)
            } else {
                "-".into()
            },
        ];
        row.extend(order.iter().map(|&j| r.state.ratings[j].to_string()));
        rows.push(row);
    }
    // Observed indicators: their ratings (ACH) or P(outcome | scenario).
    for r in &a.indicators {
        let j = IndicatorJson::new(ws, a, r);
        let mut row = vec![
            j.date.clone(),
            format!(
                "{} ({})",
                j.id,
                if r.observed {
                    "observed"
                } else {
                    "not observed"
                }
            ),
            "1.00".into(),
            {
                let spread = crate::engine::bayes::spread(&r.log_l);
                if spread > 1e-12 {
                    format!("{spread:.2}")
                } else {
                    "-".into()
                }
            },
        ];
        row.extend(order.iter().map(|&k| match &r.ach_ratings {
            Some(rt) => rt[k].to_string(),
            None => format!(
                "{:.2}",
                if r.observed {
                    r.p_obs[k]
                } else {
                    1.0 - r.p_obs[k]
                }
            ),
        }));
        rows.push(row);
    }
    type Cell<'a> = Box<dyn Fn(usize) -> String + 'a>;
    let [b_lo, b_hi] = ws.config.band;
    let band_lo = format!("probability at η {b_lo}");
    let band_hi = format!("probability at η {b_hi}");
    let footer: Vec<(&str, Cell)> = vec![
        (
            "inconsistency",
            Box::new(|j| a.scores[j].inconsistency.to_string()),
        ),
        (
            "weighted inconsistency",
            Box::new(|j| format!("{:.3}", a.scores[j].weighted_inconsistency)),
        ),
        (
            "log likelihood",
            Box::new(|j| format!("{:.3}", a.scores[j].likelihood_term)),
        ),
        (
            "probability",
            Box::new(|j| format!("{:.4}", a.scores[j].probability)),
        ),
        (
            band_lo.as_str(),
            Box::new(|j| format!("{:.4}", a.scores[j].band[0])),
        ),
        (
            band_hi.as_str(),
            Box::new(|j| format!("{:.4}", a.scores[j].band[1])),
        ),
        ("rank", Box::new(|j| a.scores[j].rank.to_string())),
    ];
    let mut foot_rows = Vec::new();
    for (label, f) in &footer {
        let mut row = vec![
            String::new(),
            label.to_string(),
            String::new(),
            String::new(),
        ];
        row.extend(order.iter().map(|&j| f(j)));
        foot_rows.push(row);
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — as of {}, engine {}{}",
        ws.config.title,
        a.as_of,
        a.engine.as_str(),
        match a.engine {
            EngineKind::Bayes => format!(", evidence weight {}", ws.config.evidence_weight),
            EngineKind::Ach => String::new(),
        }
    );
    let mut lines = vec![Line::Cells(header), Line::Rule];
    lines.extend(rows.into_iter().map(Line::Cells));
    lines.push(Line::Rule);
    lines.extend(foot_rows.into_iter().map(Line::Cells));
    out.push_str(&table::render(&lines, |i| i < 2, ""));
    out
}
