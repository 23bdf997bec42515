//! The memo's data: everything a template can show, computed from an
//! [`Assessment`], with numbers both raw and already worded.

use crate::engine::{self, words, Assessment, Row};
use crate::model::*;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    pub id: String,
    pub date: String,
    pub statement: String,
    pub url: Option<String>,
    pub sources: Vec<String>,
    pub rating: String,
    pub rationale: Option<String>,
    pub trust: f64,
    /// Centred log-likelihood: log L''_j minus the row's mean.
    pub weight: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorView {
    pub scenario: String,
    pub scenario_title: String,
    pub id: String,
    pub text: String,
    pub due: Option<String>,
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScenarioView {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub proponents: Vec<String>,
    pub rank: usize,
    pub prior: f64,
    pub probability: f64,
    /// "61%".
    pub percent: String,
    /// "likely".
    pub term: &'static str,
    /// "likely [55–80%]".
    pub term_range: String,
    pub inconsistency: u32,
    pub weighted_inconsistency: f64,
    pub weighted_inconsistency_text: String,
    pub support: Vec<Evidence>,
    pub against: Vec<Evidence>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    pub id: String,
    pub name: String,
    pub url: Option<String>,
    pub kind: SourceKind,
    pub reliability: &'static str,
    pub reliability_label: &'static str,
    pub cited_by: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct MemoContext {
    pub title: String,
    pub question: String,
    pub as_of: String,
    pub engine: &'static str,
    pub marking: String,
    pub author: Option<String>,
    pub organization: Option<String>,
    pub bluf: String,
    pub confidence: &'static str,
    pub confidence_basis: String,
    /// Whether the other engine agrees on the leading scenario, in a sentence.
    pub cross_check: String,
    pub leader: ScenarioView,
    pub scenarios: Vec<ScenarioView>,
    pub indicators: Vec<IndicatorView>,
    pub sources: Vec<SourceView>,
    pub claims_in_force: usize,
    pub claims_retracted: usize,
    pub claims_diagnostic: usize,
    /// Filled by `brief --since`.
    pub since: Option<serde_json::Value>,
}

/// Percent with no decimals, but never "0%" or "100%" for a non-extreme value.
pub fn percent(p: f64) -> String {
    let v = (p * 100.0).round();
    if v <= 0.0 && p > 0.0 {
        "<1%".into()
    } else if v >= 100.0 && p < 1.0 {
        ">99%".into()
    } else {
        format!("{v:.0}%")
    }
}

const EVIDENCE_PER_SIDE: usize = 3;

fn evidence(ws: &Workspace, row: &Row, j: usize, weight: f64) -> Evidence {
    let c = &ws.claims[row.state.claim];
    let sid = &ws.scenarios[j].id;
    Evidence {
        id: c.id.clone(),
        date: c.date.to_string(),
        statement: row.state.statement.clone(),
        url: row.state.url.clone(),
        sources: row
            .state
            .sources
            .iter()
            .map(|s| {
                ws.source(s)
                    .map(|s| s.name.clone())
                    .unwrap_or_else(|| s.clone())
            })
            .collect(),
        rating: row.state.ratings[j].to_string(),
        rationale: c
            .rationale
            .get(sid)
            .or_else(|| c.rationale.get(""))
            .cloned(),
        trust: row.trust,
        weight,
    }
}

/// For and against lists: among claims rated consistent (CC, C) with the
/// scenario, those whose centred log-likelihood is largest; among claims rated
/// inconsistent (I, II), those whose centred log-likelihood is smallest; three
/// each. N and NA ratings are never listed: they are neither for nor against.
fn for_against(ws: &Workspace, a: &Assessment, j: usize) -> (Vec<Evidence>, Vec<Evidence>) {
    let mut weighted: Vec<(f64, &Row)> = a
        .rows
        .iter()
        .filter_map(|r| {
            let l = r.log_l.as_ref()?;
            let mean = l.iter().sum::<f64>() / l.len() as f64;
            Some((l[j] - mean, r))
        })
        .collect();
    let id = |r: &Row| ws.claims[r.state.claim].id.as_str();
    weighted.sort_by(|x, y| y.0.total_cmp(&x.0).then_with(|| id(x.1).cmp(id(y.1))));
    let support = weighted
        .iter()
        .filter(|(w, r)| *w > 1e-9 && matches!(r.state.ratings[j], Rating::CC | Rating::C))
        .take(EVIDENCE_PER_SIDE)
        .map(|(w, r)| evidence(ws, r, j, *w))
        .collect();
    weighted.sort_by(|x, y| x.0.total_cmp(&y.0).then_with(|| id(x.1).cmp(id(y.1))));
    let against = weighted
        .iter()
        .filter(|(w, r)| *w < -1e-9 && matches!(r.state.ratings[j], Rating::I | Rating::II))
        .take(EVIDENCE_PER_SIDE)
        .map(|(w, r)| evidence(ws, r, j, *w))
        .collect();
    (support, against)
}

/// Build the memo context for an assessment.
pub fn memo_context(ws: &Workspace, a: &Assessment) -> MemoContext {
    let ranking = a.ranking();
    let scenarios: Vec<ScenarioView> = ranking
        .iter()
        .map(|&j| {
            let s = &ws.scenarios[j];
            let sc = &a.scores[j];
            let w = words::icd203(sc.probability);
            let (support, against) = for_against(ws, a, j);
            ScenarioView {
                id: s.id.clone(),
                title: s.title.clone(),
                summary: s.summary.clone(),
                proponents: s.proponents.clone(),
                rank: sc.rank,
                prior: sc.prior,
                probability: sc.probability,
                percent: percent(sc.probability),
                term: w.term,
                term_range: w.with_range(),
                inconsistency: sc.inconsistency,
                weighted_inconsistency: sc.weighted_inconsistency,
                weighted_inconsistency_text: format!("{:.2}", sc.weighted_inconsistency),
                support,
                against,
            }
        })
        .collect();
    let leader = scenarios[0].clone();
    let other = match a.engine {
        EngineKind::Bayes => EngineKind::Ach,
        EngineKind::Ach => EngineKind::Bayes,
    };
    let other_name = match other {
        EngineKind::Bayes => "the Bayesian posterior",
        EngineKind::Ach => "ACH's weighted inconsistency",
    };
    let other_leader = engine::assess(ws, a.as_of, other).leader();
    let cross_check = match other_leader {
        Some(j) if j == ranking[0] => format!("Ranking by {other_name} puts the same scenario first."),
        Some(j) => format!(
            "Ranking by {other_name} puts “{}” first instead: the two methods disagree, so read the evidence below with care.",
            ws.scenarios[j].title
        ),
        None => String::new(),
    };
    let conf = engine::confidence(a, other_leader);
    let in_force: Vec<&Row> = a.rows.iter().filter(|r| r.counts()).collect();
    let diag: Vec<&&Row> = in_force.iter().filter(|r| r.diagnostic).collect();
    let mean_trust = if diag.is_empty() {
        0.0
    } else {
        diag.iter().map(|r| r.trust).sum::<f64>() / diag.len() as f64
    };
    let basis = format!(
        "{} diagnostic claims in force, mean trust {:.2}",
        diag.len(),
        mean_trust
    );
    let runner = scenarios.get(1);
    let bluf = match (a.engine, runner) {
        (EngineKind::Bayes, Some(r)) => format!(
            "As of {}, the best-supported explanation is “{}”: {} ({}). Next comes “{}”: {} ({}).",
            a.as_of, leader.title, leader.term_range, leader.percent, r.title, r.term_range, r.percent
        ),
        (EngineKind::Ach, Some(r)) => format!(
            "As of {}, the evidence is least inconsistent with “{}” (weighted inconsistency {}), ahead of “{}” ({}).",
            a.as_of, leader.title, leader.weighted_inconsistency_text, r.title, r.weighted_inconsistency_text
        ),
        (_, None) => format!("As of {}, the only scenario considered is “{}”.", a.as_of, leader.title),
    };
    let mut indicators: Vec<IndicatorView> = ranking
        .iter()
        .flat_map(|&j| {
            let s = &ws.scenarios[j];
            s.indicators.iter().map(move |i| IndicatorView {
                scenario: s.id.clone(),
                scenario_title: s.title.clone(),
                id: i.id.clone(),
                text: i.text.clone(),
                due: i.due.map(|d| d.to_string()),
                overdue: i.due.is_some_and(|d| d < a.as_of),
            })
        })
        .collect();
    indicators.sort_by(|x, y| {
        (x.due.is_none(), &x.due, &x.scenario, &x.id).cmp(&(
            y.due.is_none(),
            &y.due,
            &y.scenario,
            &y.id,
        ))
    });
    let mut sources: Vec<SourceView> = ws
        .sources
        .iter()
        .map(|s| SourceView {
            id: s.id.clone(),
            name: s.name.clone(),
            url: s.url.clone(),
            kind: s.kind,
            reliability: s.reliability.as_str(),
            reliability_label: s.reliability.label(),
            cited_by: a
                .rows
                .iter()
                .filter(|r| r.state.sources.contains(&s.id))
                .count(),
        })
        .filter(|s| s.cited_by > 0)
        .collect();
    sources.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    MemoContext {
        title: ws.config.title.clone(),
        question: ws.config.question.clone(),
        as_of: a.as_of.to_string(),
        engine: a.engine.as_str(),
        marking: ws.config.memo.marking.clone(),
        author: ws.config.memo.author.clone(),
        organization: ws.config.memo.organization.clone(),
        bluf,
        confidence: conf.as_str(),
        confidence_basis: basis,
        cross_check,
        leader,
        scenarios,
        indicators,
        sources,
        claims_in_force: in_force.len(),
        claims_retracted: a.rows.len() - in_force.len(),
        claims_diagnostic: diag.len(),
        since: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percents() {
        assert_eq!(percent(0.6108), "61%");
        assert_eq!(percent(0.001), "<1%");
        assert_eq!(percent(0.9999), ">99%");
        assert_eq!(percent(0.0), "0%");
    }
}
