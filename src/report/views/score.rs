//! The score matrix: claims as rows, scenarios as columns, as a text table or
//! as the documented JSON shape (docs/json.md).

use crate::engine::{Assessment, IndicatorRow};
use crate::model::*;
use crate::report::table::{self, Line};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

#[derive(Serialize)]
pub(crate) struct ScoreJson<'a> {
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
    /// Written row by row as it is serialised: at 100k claims the rows as
    /// maps would hold more memory than the workspace itself.
    pub claims: ClaimsJson<'a>,
    /// Observed indicators (left out when there are none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<IndicatorJson>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ScenarioJson {
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

/// The claims of an assessment, serialised one row at a time.
pub(crate) struct ClaimsJson<'a> {
    ws: &'a Workspace,
    a: &'a Assessment,
}

#[derive(Serialize)]
struct ClaimJson<'a> {
    id: &'a str,
    date: String,
    status: Status,
    trust: f64,
    diagnosticity: f64,
    diagnostic: bool,
    /// The claim's group, when it names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<&'a str>,
    /// Scenario id → rating, in id order.
    ratings: RatingsJson<'a>,
}

struct RatingsJson<'a> {
    /// (scenario id, rating), sorted by id.
    pairs: Vec<(&'a str, Rating)>,
}

impl Serialize for RatingsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        ser.collect_map(self.pairs.iter().map(|(k, v)| (k, v)))
    }
}

impl Serialize for ClaimsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let (ws, a) = (self.ws, self.a);
        // Scenario indices in id order, once for every row.
        let mut by_id: Vec<usize> = (0..ws.scenarios.len()).collect();
        by_id.sort_by(|&x, &y| ws.scenarios[x].id.cmp(&ws.scenarios[y].id));
        ser.collect_seq(a.rows.iter().map(|r| {
            let c = &ws.claims[r.state.claim];
            ClaimJson {
                id: &c.id,
                date: c.date.to_string(),
                status: r.state.status,
                trust: r.trust,
                diagnosticity: r.diagnosticity,
                diagnostic: r.diagnostic,
                group: c.group.as_deref(),
                ratings: RatingsJson {
                    pairs: by_id
                        .iter()
                        .map(|&j| (ws.scenarios[j].id.as_str(), r.state.ratings[j]))
                        .collect(),
                },
            }
        }))
    }
}

/// An observed indicator in the score JSON.
#[derive(Debug, Serialize)]
pub(crate) struct IndicatorJson {
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

pub(crate) fn to_json<'a>(ws: &'a Workspace, a: &'a Assessment) -> ScoreJson<'a> {
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
                    title: ws.scenarios[j].title_as_of(a.as_of).to_string(),
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
        claims: ClaimsJson { ws, a },
        indicators: a
            .indicators
            .iter()
            .map(|r| IndicatorJson::new(ws, a, r))
            .collect(),
    }
}

/// Observed indicators as rows of the matrix: their ratings (ACH) or
/// P(outcome | scenario).
fn indicator_rows(ws: &Workspace, a: &Assessment, order: &[usize]) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
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
    rows
}

/// The matrix as an aligned text table. Columns are scenarios in rank order.
pub(crate) fn to_table(ws: &Workspace, a: &Assessment) -> String {
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
    rows.extend(indicator_rows(ws, a, &order));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The small fixture (tests/fixtures/small) under `ach` as of 10 March:
    /// in force are old-transformers (CC/N/N), breaker-logs as revised on
    /// 8 March (CC/N/I; credibility 2 and high relevance: weight √2·√2 = 2)
    /// and no-intrusion (C/C/II; credibility 2, medium relevance: weight √2);
    /// cut-cables is retracted. By docs/scoring.md: accident and sabotage
    /// 0 inconsistency, cyberattack 1 + 2 = 3, weighted 2·1 + √2·2 = 4.828427.
    fn assessed() -> (Workspace, Assessment) {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small");
        let ws = crate::load::Loader::new(&root).load().unwrap();
        let d = chrono::NaiveDate::from_ymd_opt(2024, 3, 10).unwrap();
        let a = crate::engine::assess(&ws, d, EngineKind::Ach);
        (ws, a)
    }

    fn cells<'t>(t: &'t str, first: &str) -> Vec<&'t str> {
        t.lines()
            .find(|l| l.trim_start().starts_with(first))
            .unwrap_or_else(|| panic!("no line {first:?} in\n{t}"))
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect()
    }

    #[test]
    fn the_table_is_the_hand_computed_matrix() {
        let (ws, a) = assessed();
        let t = to_table(&ws, &a);
        assert!(
            t.starts_with("Power cut in Riverton — as of 2024-03-10, engine ach\n"),
            "{t}"
        );
        // Scenarios in rank order: the tie at 0 goes by id. Trust of
        // breaker-logs: source `operator` (reliability C, 0.6) times
        // credibility 2 (0.8) = 0.48; ACH diagnosticity 1 (ratings differ).
        assert_eq!(
            cells(&t, "date"),
            [
                "date",
                "claim",
                "trust",
                "diag",
                "accident",
                "sabotage",
                "cyberattack"
            ]
        );
        assert_eq!(
            cells(&t, "2024-03-05"),
            [
                "2024-03-05",
                "breaker-logs (rev 1)",
                "0.48",
                "1.00",
                "CC",
                "N",
                "I"
            ]
        );
        assert_eq!(cells(&t, "2024-03-04")[1], "cut-cables (retracted)");
        assert_eq!(cells(&t, "inconsistency"), ["inconsistency", "0", "0", "3"]);
        assert_eq!(
            cells(&t, "weighted inconsistency"),
            ["weighted inconsistency", "0.000", "0.000", "4.828"]
        );
        assert_eq!(cells(&t, "rank"), ["rank", "1", "2", "3"]);
        assert_eq!(to_table(&ws, &a), t, "deterministic");
    }

    #[test]
    fn the_json_carries_the_same_scores() {
        let (ws, a) = assessed();
        let v = serde_json::to_value(to_json(&ws, &a)).unwrap();
        assert_eq!(v["version"], 1);
        assert_eq!(v["engine"], "ach");
        assert_eq!(v["as_of"], "2024-03-10");
        let ids: Vec<&str> = v["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["accident", "sabotage", "cyberattack"]);
        let cyber = &v["scenarios"][2];
        assert_eq!(cyber["inconsistency"], 3);
        assert_eq!(cyber["rank"], 3);
        let w = cyber["weighted_inconsistency"].as_f64().unwrap();
        assert!((w - (2.0 + 2.0 * 2f64.sqrt())).abs() < 1e-9, "{w}");
        let claims = v["claims"].as_array().unwrap();
        assert_eq!(claims.len(), 4, "every claim, the retracted one too");
        assert!(v.get("indicators").is_none(), "no observed indicator");
    }
}
