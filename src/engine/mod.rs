//! Scores the workspace as of a date: per-claim rows (trust, likelihoods,
//! inconsistency, diagnosticity) and per-scenario totals, ranked by the chosen
//! engine. Formulas: docs/scoring.md.

pub mod ach;
pub mod analysts;
pub mod bayes;
pub mod calibration;
pub mod collect;
pub mod indicators;
pub mod sensitivity;
pub mod state;
pub mod timeline;
pub mod words;

use crate::model::*;
pub use analysts::View;
use chrono::NaiveDate;
pub use indicators::IndicatorRow;
pub use state::ClaimState;
use std::cmp::Ordering;

/// Tolerance under which two totals count as tied.
pub const TIE_EPS: f64 = 1e-9;

/// One claim's part in the assessment.
#[derive(Debug, Clone)]
pub struct Row {
    pub state: ClaimState,
    /// r = R × c.
    pub trust: f64,
    /// log L''_j per scenario; `None` if retracted or rated NA everywhere.
    pub log_l: Option<Vec<f64>>,
    /// Weighted inconsistency per scenario (0 for retracted claims).
    pub weighted: Vec<f64>,
    /// For bayes the spread of log L''; for ach 1 if the row varies, else 0.
    pub diagnosticity: f64,
    /// Whether the claim discriminates between scenarios at all.
    pub diagnostic: bool,
}

impl Row {
    pub fn counts(&self) -> bool {
        self.state.status == Status::Active
    }
}

/// Build the row of a claim state.
pub fn row(ws: &Workspace, st: ClaimState, engine: EngineKind) -> Row {
    let trust = state::trust(ws, &st);
    let active = st.status == Status::Active;
    let log_l = if active {
        bayes::log_likelihoods(&ws.config.likelihood, &st.ratings, trust, st.relevance)
    } else {
        None
    };
    let weighted = st
        .ratings
        .iter()
        .map(|r| {
            if active {
                ach::weighted(*r, st.credibility, st.relevance)
            } else {
                0.0
            }
        })
        .collect();
    let spread = log_l.as_deref().map(bayes::spread).unwrap_or(0.0);
    let varies = active && ach::row_varies(&st.ratings);
    let (diagnosticity, diagnostic) = match engine {
        EngineKind::Bayes => (spread, spread > 1e-12),
        EngineKind::Ach => (if varies { 1.0 } else { 0.0 }, varies),
    };
    Row {
        state: st,
        trust,
        log_l,
        weighted,
        diagnosticity,
        diagnostic,
    }
}

/// One scenario's totals.
#[derive(Debug, Clone)]
pub struct ScenarioScore {
    /// Index into `Workspace::scenarios`.
    pub index: usize,
    pub prior: f64,
    /// Σ log L''.
    pub likelihood_term: f64,
    /// Bayesian posterior.
    pub probability: f64,
    /// Plain inconsistency: Σ value with I = 1, II = 2.
    pub inconsistency: u32,
    /// Σ credibility weight × relevance weight × value.
    pub weighted_inconsistency: f64,
    /// 1 = best under the chosen engine.
    pub rank: usize,
}

/// The whole assessment as of a date.
#[derive(Debug, Clone)]
pub struct Assessment {
    pub as_of: NaiveDate,
    pub engine: EngineKind,
    /// In `Workspace::scenarios` order.
    pub scores: Vec<ScenarioScore>,
    /// Claims in the record as of the date (retracted included), by (date, id).
    pub rows: Vec<Row>,
    /// Indicators observed as of the date, by scenario then indicator order.
    pub indicators: Vec<IndicatorRow>,
}

impl Assessment {
    /// Scenario indices from rank 1 down.
    pub fn ranking(&self) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..self.scores.len()).collect();
        idx.sort_by_key(|&i| self.scores[i].rank);
        idx
    }
    pub fn leader(&self) -> Option<usize> {
        self.ranking().first().copied()
    }
}

/// Running totals, shared by one-off scoring and the incremental timeline.
#[derive(Debug, Clone)]
pub struct Totals {
    pub log_l: Vec<f64>,
    pub weighted: Vec<f64>,
    pub plain: Vec<u32>,
}

impl Totals {
    pub fn new(n: usize) -> Self {
        Totals {
            log_l: vec![0.0; n],
            weighted: vec![0.0; n],
            plain: vec![0; n],
        }
    }
    /// Add (`sign` = 1.0) or remove (`sign` = −1.0) a row.
    pub fn add(&mut self, row: &Row, sign: f64) {
        if let Some(l) = &row.log_l {
            for (t, x) in self.log_l.iter_mut().zip(l) {
                *t += sign * x;
            }
        }
        if row.counts() {
            for (j, r) in row.state.ratings.iter().enumerate() {
                self.weighted[j] += sign * row.weighted[j];
                let v = r.inconsistency();
                if sign > 0.0 {
                    self.plain[j] += v;
                } else {
                    self.plain[j] -= v;
                }
            }
        }
    }

    /// Add (`sign` = 1.0) or remove (`sign` = −1.0) an observed indicator.
    pub fn add_indicator(&mut self, row: &IndicatorRow, sign: f64) {
        for (j, x) in row.log_l.iter().enumerate() {
            self.log_l[j] += sign * x;
            self.weighted[j] += sign * row.weighted[j];
            let v = row.plain(j);
            if sign > 0.0 {
                self.plain[j] += v;
            } else {
                self.plain[j] -= v;
            }
        }
    }

    /// Log posterior (unnormalised) per scenario: ln prior + Σ log L''.
    pub fn log_posterior(&self, priors: &[f64]) -> Vec<f64> {
        priors
            .iter()
            .zip(&self.log_l)
            .map(|(p, l)| p.ln() + l)
            .collect()
    }

    /// Turn totals into ranked scenario scores.
    pub fn scores(&self, ws: &Workspace, engine: EngineKind) -> Vec<ScenarioScore> {
        let priors = ws.priors();
        let log_post = self.log_posterior(&priors);
        let post = bayes::normalise(&log_post);
        let mut scores: Vec<ScenarioScore> = (0..priors.len())
            .map(|j| ScenarioScore {
                index: j,
                prior: priors[j],
                likelihood_term: self.log_l[j],
                probability: post[j],
                inconsistency: self.plain[j],
                weighted_inconsistency: self.weighted[j],
                rank: 0,
            })
            .collect();
        let mut order: Vec<usize> = (0..scores.len()).collect();
        order.sort_by(|&a, &b| compare(ws, engine, &scores[a], &scores[b]));
        for (rank, j) in order.into_iter().enumerate() {
            scores[j].rank = rank + 1;
        }
        scores
    }
}

/// Each value against the mean of the others: `v_j − mean_{k≠j} v_k`, which is
/// `(n·v_j − Σ v) / (n − 1)`. Applied to log posteriors it gives each
/// scenario's log-odds against the others; being linear, it splits exactly
/// over the prior and each claim's log L'' row (docs/scoring.md, "Attribution
/// of changes"). With fewer than two values there is nothing to compare: zeros.
pub fn against_others(v: &[f64]) -> Vec<f64> {
    let n = v.len();
    if n < 2 {
        return vec![0.0; n];
    }
    let sum: f64 = v.iter().sum();
    let k = (n - 1) as f64;
    v.iter().map(|x| (n as f64 * x - sum) / k).collect()
}

fn cmp_f64(a: f64, b: f64) -> Ordering {
    if (a - b).abs() <= TIE_EPS {
        Ordering::Equal
    } else {
        a.partial_cmp(&b).unwrap_or(Ordering::Equal)
    }
}

/// Ranking order: ach by weighted inconsistency, then plain inconsistency
/// (least first); bayes by posterior (greatest first); ties by id.
fn compare(ws: &Workspace, engine: EngineKind, a: &ScenarioScore, b: &ScenarioScore) -> Ordering {
    engine_order(engine, a, b).then_with(|| ws.scenarios[a.index].id.cmp(&ws.scenarios[b.index].id))
}

/// The engine's own order of two scenarios, before the tie-break by id
/// (`Equal` means the engine cannot tell them apart).
pub fn engine_order(engine: EngineKind, a: &ScenarioScore, b: &ScenarioScore) -> Ordering {
    match engine {
        EngineKind::Ach => cmp_f64(a.weighted_inconsistency, b.weighted_inconsistency)
            .then(a.inconsistency.cmp(&b.inconsistency)),
        EngineKind::Bayes => cmp_f64(b.probability, a.probability),
    }
}

/// Score the workspace as of `as_of` with `engine`.
pub fn assess(ws: &Workspace, as_of: NaiveDate, engine: EngineKind) -> Assessment {
    assess_view(ws, as_of, engine, View::Team)
}

/// Score the workspace as of `as_of` with `engine`, with the ratings of `view`.
pub fn assess_view(
    ws: &Workspace,
    as_of: NaiveDate,
    engine: EngineKind,
    view: View<'_>,
) -> Assessment {
    let rows: Vec<Row> = state::record_as_of_view(ws, as_of, view)
        .into_iter()
        .map(|st| row(ws, st, engine))
        .collect();
    let indicators = indicators::rows_as_of(ws, as_of);
    let totals = totals_of(ws.scenarios.len(), &rows, &indicators);
    Assessment {
        as_of,
        engine,
        scores: totals.scores(ws, engine),
        rows,
        indicators,
    }
}

/// The totals of a set of rows and observed indicators.
pub fn totals_of(n: usize, rows: &[Row], indicators: &[IndicatorRow]) -> Totals {
    let mut totals = Totals::new(n);
    for r in rows {
        totals.add(r, 1.0);
    }
    for r in indicators {
        totals.add_indicator(r, 1.0);
    }
    totals
}

/// Bayesian posteriors (scenario order) of each analyst's view, and their
/// linear pool (the mean of the analysts' posteriors). Empty without analysts.
pub fn analyst_posteriors(ws: &Workspace, as_of: NaiveDate) -> (Vec<(String, Vec<f64>)>, Vec<f64>) {
    let per: Vec<(String, Vec<f64>)> = ws
        .analysts()
        .into_iter()
        .map(|name| {
            let a = assess_view(ws, as_of, EngineKind::Bayes, View::Analyst(&name));
            let p = a.scores.iter().map(|s| s.probability).collect();
            (name, p)
        })
        .collect();
    let pooled = linear_pool(per.iter().map(|(_, p)| p.as_slice()));
    (per, pooled)
}

/// The linear opinion pool: the mean of the distributions, cell by cell.
pub fn linear_pool<'a>(dists: impl Iterator<Item = &'a [f64]>) -> Vec<f64> {
    let mut sum: Vec<f64> = Vec::new();
    let mut n = 0usize;
    for d in dists {
        if sum.is_empty() {
            sum = vec![0.0; d.len()];
        }
        for (s, x) in sum.iter_mut().zip(d) {
            *s += x;
        }
        n += 1;
    }
    sum.iter().map(|s| s / n.max(1) as f64).collect()
}

/// Confidence in the assessment (see [`words::confidence`]); `other_leader` is
/// the leading scenario under the other engine.
pub fn confidence(a: &Assessment, other_leader: Option<usize>) -> words::Confidence {
    let diag: Vec<&Row> = a
        .rows
        .iter()
        .filter(|r| r.counts() && r.diagnostic)
        .collect();
    let n = diag.len();
    let mean_trust = if n == 0 {
        0.0
    } else {
        diag.iter().map(|r| r.trust).sum::<f64>() / n as f64
    };
    let corroborated = diag
        .iter()
        .filter(|r| {
            let mut s = r.state.sources.clone();
            s.sort();
            s.dedup();
            s.len() >= 2 || r.state.credibility.0 == 1
        })
        .count();
    words::confidence(n, mean_trust, corroborated, other_leader == a.leader())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::from_files;

    fn ws(claims: &str, engine: &str) -> Workspace {
        let files = vec![
            SourceFile {
                rel: "kzclaims.toml".into(),
                text: format!("title = \"t\"\nquestion = \"q\"\n[scoring]\nengine = \"{engine}\"\n[scoring.likelihood]\ncc = 0.95\nII = 0.05\n"),
            },
            SourceFile {
                rel: "scenarios/s.toml".into(),
                text: "[[scenario]]\nid = \"h1\"\ntitle = \"1\"\nsummary = \"s\"\nprior = 0.5\n\n[[scenario]]\nid = \"h2\"\ntitle = \"2\"\nsummary = \"s\"\n\n[[scenario]]\nid = \"h3\"\ntitle = \"3\"\nsummary = \"s\"\n".into(),
            },
            SourceFile {
                rel: "claims/c.toml".into(),
                text: format!(
                    "[[source]]\nid = \"a\"\nname = \"A\"\nkind = \"media\"\nreliability = \"A\"\n\n[[source]]\nid = \"b\"\nname = \"B\"\nkind = \"official\"\nreliability = \"B\"\n\n[[source]]\nid = \"d\"\nname = \"D\"\nkind = \"social\"\nreliability = \"D\"\n\n{claims}"
                ),
            },
        ];
        from_files(files).unwrap()
    }

    const CLAIMS: &str = r#"
[[claim]]
id = "e1"
date = 2022-01-01
statement = "one"
sources = ["a"]
credibility = 1
relevance = "high"
ratings = { h1 = "CC", h2 = "I", h3 = "NA" }

[[claim]]
id = "e2"
date = 2022-01-02
statement = "two"
sources = ["b", "d"]
credibility = 3
ratings = { h1 = "II", h2 = "C", h3 = "N" }

[[claim.revision]]
date = 2022-01-05
note = "downgraded"
credibility = 5

[[claim]]
id = "e3"
date = 2022-01-03
statement = "three"
sources = ["d"]
credibility = 4
relevance = "low"
ratings = { h1 = "N", h2 = "N", h3 = "N" }

[[claim.revision]]
date = 2022-01-04
note = "withdrawn"
status = "retracted"
"#;

    /// The whole bayes chain by hand for two claims, as of 2022-01-02.
    #[test]
    fn bayes_hand_computed() {
        let w = ws(CLAIMS, "bayes");
        let a = assess(
            &w,
            NaiveDate::from_ymd_opt(2022, 1, 2).unwrap(),
            EngineKind::Bayes,
        );
        // Priors: h1 0.5; h2, h3 share 0.5 → 0.25 each.
        // e1: trust A(1.0)·cred 1(1.0) = 1. L = 0.95, 0.2, NA→(0.95+0.2)/2 = 0.575.
        //     L' = L. log L'' = √2·ln L.
        // e2: R = 1 − (1−0.8)(1−0.4) = 0.88; c = 0.6; r = 0.528. L = 0.05, 0.8, 0.5,
        //     mean 0.45. L' = 0.528 L + 0.472·0.45 → 0.2388, 0.6348, 0.4764. medium: w = 1.
        let s2 = std::f64::consts::SQRT_2;
        let ll = [
            s2 * 0.95f64.ln() + 0.2388f64.ln(),
            s2 * 0.2f64.ln() + 0.6348f64.ln(),
            s2 * 0.575f64.ln() + 0.4764f64.ln(),
        ];
        let lp: Vec<f64> = [0.5f64, 0.25, 0.25]
            .iter()
            .zip(ll)
            .map(|(p, l)| p.ln() + l)
            .collect();
        let z: f64 = lp.iter().map(|x| x.exp()).sum();
        for j in 0..3 {
            assert!((a.scores[j].likelihood_term - ll[j]).abs() < 1e-12);
            assert!((a.scores[j].probability - lp[j].exp() / z).abs() < 1e-12);
        }
        // Numerically: h1 0.5·0.93018·0.2388 etc. → posteriors 0.610826, 0.089640, 0.299535 (computed independently).
        assert!(
            (a.scores[0].probability - 0.610_825_534_097_616).abs() < 1e-12,
            "{}",
            a.scores[0].probability
        );
        assert_eq!(a.scores[0].rank, 1);
        assert!((a.rows[1].trust - 0.528).abs() < 1e-12);
    }

    #[test]
    fn revisions_and_retraction_apply_from_their_date() {
        let w = ws(CLAIMS, "bayes");
        let d = |n| NaiveDate::from_ymd_opt(2022, 1, n).unwrap();
        let a3 = assess(&w, d(3), EngineKind::Bayes);
        assert_eq!(a3.rows.len(), 3);
        assert!(a3.rows[2].counts());
        let a4 = assess(&w, d(4), EngineKind::Bayes);
        assert!(!a4.rows[2].counts());
        assert!(a4.rows[2].log_l.is_none());
        let a5 = assess(&w, d(5), EngineKind::Bayes);
        assert!((a5.rows[1].trust - 0.88 * 0.1).abs() < 1e-12);
        let sum: f64 = a5.scores.iter().map(|s| s.probability).sum();
        assert!((sum - 1.0).abs() < 1e-12);
    }

    #[test]
    fn ach_ranking_hand_computed() {
        let w = ws(CLAIMS, "ach");
        let a = assess(
            &w,
            NaiveDate::from_ymd_opt(2022, 1, 5).unwrap(),
            EngineKind::Ach,
        );
        // As of 01-05: e1 (cred 1 → √2, high √2): h2 = I → 2.
        //              e2 (cred 5 → 1/√2, medium): h1 = II → 2/√2 = √2.
        //              e3 retracted.
        let s2 = std::f64::consts::SQRT_2;
        assert_eq!(a.scores[0].inconsistency, 2);
        assert_eq!(a.scores[1].inconsistency, 1);
        assert!((a.scores[0].weighted_inconsistency - s2).abs() < 1e-12);
        assert!((a.scores[1].weighted_inconsistency - 2.0).abs() < 1e-12);
        assert_eq!(a.scores[2].weighted_inconsistency, 0.0);
        // h3 (0) first, then h1 (√2), then h2 (2).
        assert_eq!(
            [a.scores[0].rank, a.scores[1].rank, a.scores[2].rank],
            [2, 3, 1]
        );
        assert_eq!(a.rows[0].diagnosticity, 1.0);
    }

    #[test]
    fn revision_sources_change_trust_from_their_date() {
        let claims = r#"
[[claim]]
id = "e1"
date = 2022-01-01
statement = "one"
sources = ["d"]
credibility = 2
ratings = { h1 = "C", h2 = "I", h3 = "N" }

[[claim.revision]]
date = 2022-01-03
note = "a wire service confirms"
sources = ["d", "b"]
url = "https://example.org/confirm"
"#;
        let w = ws(claims, "bayes");
        let d = |n| NaiveDate::from_ymd_opt(2022, 1, n).unwrap();
        // Before: D alone, R = 0.4; credibility 2 → r = 0.32.
        assert!((assess(&w, d(2), EngineKind::Bayes).rows[0].trust - 0.32).abs() < 1e-12);
        // After: R = 1 − 0.6 · 0.2 = 0.88 → r = 0.704.
        let a = assess(&w, d(3), EngineKind::Bayes);
        assert!((a.rows[0].trust - 0.704).abs() < 1e-12);
        assert_eq!(
            a.rows[0].state.url.as_deref(),
            Some("https://example.org/confirm")
        );
    }
}
