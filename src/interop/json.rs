//! `export --format json`: the whole record resolved as of a date (claims with
//! their revisions applied, scenarios with their effective priors, sources,
//! indicators with the observation in force), in the shape documented in
//! docs/json.md.

use crate::engine::state;
use crate::model::*;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// Version of the export shape; raised only when a field is renamed or removed.
pub(crate) const VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub(crate) struct ExportJson {
    pub version: u32,
    pub as_of: String,
    pub title: String,
    pub question: String,
    pub engine: EngineKind,
    pub scenarios: Vec<ScenarioOut>,
    pub sources: Vec<SourceOut>,
    pub claims: Vec<ClaimOut>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ScenarioOut {
    pub id: String,
    pub title: String,
    pub summary: String,
    /// The prior in use: given, or a share of the remainder.
    pub prior: f64,
    pub proponents: Vec<String>,
    pub indicators: Vec<IndicatorOut>,
}

#[derive(Debug, Serialize)]
pub(crate) struct IndicatorOut {
    pub id: String,
    pub text: String,
    pub due: Option<String>,
    /// The observation in force on the date, if any.
    pub observation: Option<ObservationOut>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ObservationOut {
    pub date: String,
    pub observed: bool,
    pub update: bool,
}

#[derive(Debug, Serialize)]
pub(crate) struct SourceOut {
    pub id: String,
    pub name: String,
    pub url: Option<String>,
    pub kind: SourceKind,
    pub reliability: Reliability,
    pub origin: Option<String>,
    pub interest: Option<String>,
    /// The day the source's report appeared, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ClaimOut {
    pub id: String,
    pub date: String,
    /// The day it counts from, when later than `date` (its sources all
    /// appeared later: docs/scoring.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective: Option<String>,
    pub status: Status,
    pub statement: String,
    pub sources: Vec<String>,
    pub url: Option<String>,
    pub credibility: u8,
    pub relevance: Relevance,
    /// Scenario id → rating as revised on the date.
    pub ratings: BTreeMap<String, Rating>,
    /// The claim-wide rationale.
    pub rationale: Option<String>,
    /// Scenario id → one-line rationale.
    pub scenario_rationale: BTreeMap<String, String>,
    pub tags: Vec<String>,
    /// The claim's group, when it names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The revisions applied by the date, in order.
    pub revisions: Vec<RevisionOut>,
}

#[derive(Debug, Serialize)]
pub(crate) struct RevisionOut {
    pub date: String,
    /// The day it counts from, when later than `date`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective: Option<String>,
    pub note: String,
}

/// The record as of `date`: every claim entered by then (retracted ones
/// included, with their status), by date then id.
pub(crate) fn export(ws: &Workspace, date: NaiveDate) -> ExportJson {
    let priors = ws.priors();
    ExportJson {
        version: VERSION,
        as_of: date.to_string(),
        title: ws.config.title.clone(),
        question: ws.config.question.clone(),
        engine: ws.config.engine,
        scenarios: ws
            .scenarios
            .iter()
            .zip(priors)
            .map(|(s, prior)| ScenarioOut {
                id: s.id.clone(),
                title: s.title_as_of(date).to_string(),
                summary: s.summary_as_of(date).to_string(),
                prior,
                proponents: s.proponents_as_of(date),
                indicators: s
                    .indicators
                    .iter()
                    // Not yet written on `date` and not observed (`since`).
                    .filter(|i| i.stated_on(date) || i.observation_as_of(date).is_some())
                    .map(|i| IndicatorOut {
                        id: i.id.clone(),
                        text: i.text.clone(),
                        due: i.due.map(|d| d.to_string()),
                        observation: i.observation_as_of(date).map(|(_, o)| ObservationOut {
                            date: o.date.to_string(),
                            observed: o.observed,
                            update: o.update,
                        }),
                    })
                    .collect(),
            })
            .collect(),
        sources: ws
            .sources
            .iter()
            .map(|s| SourceOut {
                id: s.id.clone(),
                name: s.name.clone(),
                url: s.url.clone(),
                kind: s.kind,
                reliability: s.reliability,
                origin: s.origin.clone(),
                interest: s.interest.clone(),
                published: s.published.map(|d| d.to_string()),
            })
            .collect(),
        claims: state::record_as_of(ws, date)
            .into_iter()
            .map(|st| {
                let c = &ws.claims[st.claim];
                ClaimOut {
                    id: c.id.clone(),
                    date: c.date.to_string(),
                    effective: (c.effective != c.date).then(|| c.effective.to_string()),
                    status: st.status,
                    statement: st.statement(ws).to_string(),
                    sources: st.sources(ws).to_vec(),
                    url: st.url(ws).map(str::to_string),
                    credibility: st.credibility.0,
                    relevance: st.relevance,
                    ratings: ws
                        .scenarios
                        .iter()
                        .zip(&st.ratings)
                        .map(|(s, r)| (s.id.clone(), *r))
                        .collect(),
                    rationale: c.rationale.get("").cloned(),
                    scenario_rationale: c
                        .rationale
                        .iter()
                        .filter(|(k, _)| !k.is_empty())
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                    tags: c.tags.clone(),
                    group: c.group.clone(),
                    revisions: c.revisions[..st.revisions_applied]
                        .iter()
                        .map(|r| RevisionOut {
                            date: r.date.to_string(),
                            effective: (r.effective != r.date).then(|| r.effective.to_string()),
                            note: r.note.clone(),
                        })
                        .collect(),
                }
            })
            .collect(),
    }
}
