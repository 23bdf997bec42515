//! Indicators as evidence: what each scenario predicts about an indicator, and
//! how an observation updates the assessment. Formulas: docs/scoring.md.
//!
//! An observed indicator counts like a claim of credibility 1 from a source of
//! reliability A (trust 1) and medium relevance: log L''_j = ln P(outcome | H_j).

use crate::model::*;
use chrono::NaiveDate;

/// P(observed | H_j) for every scenario, or `None` if the indicator gives no
/// likelihoods. `owner` is the index of the scenario the indicator belongs to.
///
/// `if_true`/`if_false`: `if_true` for the owner, `if_false` for the others.
/// `ratings`: each rating's likelihood from `[scoring.likelihood]`; NA takes the
/// mean of the other ratings' likelihoods, as for claims.
pub(crate) fn p_observed(ws: &Workspace, owner: usize, ind: &Indicator) -> Option<Vec<f64>> {
    match ind.likelihood.as_ref()? {
        IndicatorLikelihood::Probabilities { if_true, if_false } => Some(
            (0..ws.scenarios.len())
                .map(|j| if j == owner { *if_true } else { *if_false })
                .collect(),
        ),
        IndicatorLikelihood::Ratings(r) => {
            let lik = &ws.config.likelihood;
            let ratings = ratings_in_order(ws, r);
            let rated: Vec<f64> = ratings.iter().filter_map(|r| lik.of(*r)).collect();
            if rated.is_empty() {
                return None;
            }
            let mean = rated.iter().sum::<f64>() / rated.len() as f64;
            Some(ratings.iter().map(|r| lik.of(*r).unwrap_or(mean)).collect())
        }
    }
}

fn ratings_in_order(ws: &Workspace, r: &std::collections::BTreeMap<String, Rating>) -> Vec<Rating> {
    ws.scenarios
        .iter()
        .map(|s| r.get(&s.id).copied().unwrap_or(Rating::NA))
        .collect()
}

/// log L''_j of an outcome: q_j = p_j if observed, else 1 − p_j; discounted by
/// trust like a claim: ln(r·q_j + (1 − r)·mean(q)).
pub(crate) fn log_likelihoods(p_obs: &[f64], observed: bool, trust: f64) -> Vec<f64> {
    let q: Vec<f64> = p_obs
        .iter()
        .map(|p| if observed { *p } else { 1.0 - p })
        .collect();
    let mean = q.iter().sum::<f64>() / q.len().max(1) as f64;
    q.iter()
        .map(|x| (trust * x + (1.0 - trust) * mean).ln())
        .collect()
}

/// Whether the scenarios predict the indicator differently at all.
/// Open indicators (as of `as_of`) that separate scenarios `a` and `b`: those
/// whose probability of being observed differs by at least [`SEPARATES`]
/// between the two; (scenario, indicator, P(seen | a), P(seen | b)), the
/// widest gap first (ties by scenario and indicator order).
pub(crate) fn separating(
    ws: &Workspace,
    as_of: chrono::NaiveDate,
    a: usize,
    b: usize,
) -> Vec<(usize, usize, f64, f64)> {
    let mut out = Vec::new();
    for (j, s) in ws.scenarios.iter().enumerate() {
        for (k, ind) in s.indicators.iter().enumerate() {
            if !ind.open_on(as_of) {
                continue;
            }
            if let Some(p) = p_observed(ws, j, ind) {
                if (p[a] - p[b]).abs() >= SEPARATES - 1e-12 {
                    out.push((j, k, p[a], p[b]));
                }
            }
        }
    }
    out.sort_by(|x, y| {
        (y.2 - y.3)
            .abs()
            .total_cmp(&(x.2 - x.3).abs())
            .then_with(|| (x.0, x.1).cmp(&(y.0, y.1)))
    });
    out
}

/// Gap in the probability of seeing an indicator, between two scenarios, from
/// which it is said to separate them.
pub(crate) const SEPARATES: f64 = 0.2;

pub(crate) fn is_diagnostic(p_obs: &[f64]) -> bool {
    super::bayes::spread(p_obs) > 1e-12
}

/// An observed indicator's part in the assessment.
#[derive(Debug, Clone)]
pub struct IndicatorRow {
    /// Index of the owning scenario.
    pub scenario: usize,
    /// Index into that scenario's indicators.
    pub indicator: usize,
    /// Index of the observation in force.
    pub observation: usize,
    /// Whether the observation in force says it was seen.
    pub observed: bool,
    /// P(observed | H_j).
    pub p_obs: Vec<f64>,
    /// The ratings ACH counts: as written if observed, mirrored if not; `None`
    /// for `if_true`/`if_false` indicators, which only the Bayesian engine uses.
    pub ach_ratings: Option<Vec<Rating>>,
    /// ln P(outcome | H_j).
    pub log_l: Vec<f64>,
    /// Weighted inconsistency per scenario (credibility 1 weight √2, medium relevance).
    pub weighted: Vec<f64>,
}

/// ACH weight of an observation: credibility 1 (√2) × medium relevance (1).
pub(crate) const ACH_CREDIBILITY: Credibility = Credibility(1);

impl IndicatorRow {
    /// ACH inconsistency value against scenario `j` (I = 1, II = 2; 0 for `if_true`/`if_false` indicators).
    pub fn plain(&self, j: usize) -> u32 {
        self.ach_ratings
            .as_ref()
            .map(|r| r[j].inconsistency())
            .unwrap_or(0)
    }
}

/// Build the row of an indicator's observation (or of its reverse, for
/// sensitivity), with trust `trust`.
pub(crate) fn row(
    ws: &Workspace,
    scenario: usize,
    indicator: usize,
    observation: usize,
    observed: bool,
    trust: f64,
) -> Option<IndicatorRow> {
    let ind = &ws.scenarios[scenario].indicators[indicator];
    let p_obs = p_observed(ws, scenario, ind)?;
    let ach_ratings = match &ind.likelihood {
        Some(IndicatorLikelihood::Ratings(r)) => Some(
            ratings_in_order(ws, r)
                .into_iter()
                .map(|x| if observed { x } else { x.mirrored() })
                .collect::<Vec<_>>(),
        ),
        _ => None,
    };
    let weighted = match &ach_ratings {
        Some(r) => r
            .iter()
            .map(|x| super::ach::weighted(*x, ACH_CREDIBILITY, Relevance::Medium))
            .collect(),
        None => vec![0.0; ws.scenarios.len()],
    };
    Some(IndicatorRow {
        scenario,
        indicator,
        observation,
        observed,
        log_l: log_likelihoods(&p_obs, observed, trust),
        p_obs,
        ach_ratings,
        weighted,
    })
}

/// Every indicator observed as of `date`, each with its latest observation,
/// unless that observation is marked `update = false`.
pub(crate) fn rows_as_of(ws: &Workspace, date: NaiveDate) -> Vec<IndicatorRow> {
    let mut out = Vec::new();
    for (j, s) in ws.scenarios.iter().enumerate() {
        for (k, ind) in s.indicators.iter().enumerate() {
            if let Some((o, obs)) = ind.observation_as_of(date).filter(|(_, o)| o.update) {
                if let Some(r) = row(ws, j, k, o, obs.observed, 1.0) {
                    out.push(r);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_likelihoods() {
        let l = log_likelihoods(&[0.8, 0.3], true, 1.0);
        assert!((l[0] - 0.8f64.ln()).abs() < 1e-15);
        assert!((l[1] - 0.3f64.ln()).abs() < 1e-15);
        let l = log_likelihoods(&[0.8, 0.3], false, 1.0);
        assert!((l[0] - 0.2f64.ln()).abs() < 1e-15);
        assert!((l[1] - 0.7f64.ln()).abs() < 1e-15);
        // trust 0.8: q = 0.8, 0.3, mean 0.55 → 0.8·0.8 + 0.2·0.55 = 0.75; 0.35.
        let l = log_likelihoods(&[0.8, 0.3], true, 0.8);
        assert!((l[0] - 0.75f64.ln()).abs() < 1e-12);
        assert!((l[1] - 0.35f64.ln()).abs() < 1e-12);
        assert!(!is_diagnostic(&[0.4, 0.4, 0.4]));
        assert!(is_diagnostic(&[0.4, 0.5]));
    }
}
