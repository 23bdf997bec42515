//! Scores the workspace as of a date: per-claim rows (trust, likelihoods,
//! inconsistency, diagnosticity) and per-scenario totals, ranked by the chosen
//! engine. Formulas: docs/scoring.md.

pub(crate) mod ach;
pub(crate) mod analysts;
pub(crate) mod bayes;
pub(crate) mod calibration;
pub mod collect;
pub(crate) mod confidence;
pub mod diff;
pub(crate) mod history;
pub(crate) mod indicators;
pub(crate) mod patch;
#[cfg(test)]
mod props;
pub(crate) mod rests_on;
pub mod sensitivity;
pub(crate) mod state;
pub mod timeline;
pub(crate) mod words;

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
    /// The claim as of the assessment's date (revisions applied).
    pub state: ClaimState,
    /// r = R × c.
    pub trust: f64,
    /// log L''_j per scenario; `None` if retracted or rated NA everywhere.
    pub log_l: Option<Vec<f64>>,
    /// Credibility weight × relevance weight (0 for retracted claims): the
    /// weighted inconsistency against scenario j is this times the rating's
    /// value ([`Row::weighted`]), kept as one number rather than a vector per
    /// row.
    pub ach_factor: f64,
    /// For bayes the spread of log L''; for ach 1 if the row varies, else 0.
    pub diagnosticity: f64,
    /// Whether the claim discriminates between scenarios at all.
    pub diagnostic: bool,
    /// Index into `Workspace::groups` of the claim's group; `None`: a group of
    /// its own.
    pub group: Option<usize>,
}

impl Row {
    /// Whether the claim counts (it is active, not retracted).
    pub fn counts(&self) -> bool {
        self.state.status == Status::Active
    }

    /// Weighted inconsistency against scenario `j` (0 for retracted claims).
    pub fn weighted(&self, j: usize) -> f64 {
        self.ach_factor * self.state.ratings[j].inconsistency() as f64
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
    let ach_factor = if active {
        ach::factor(st.credibility, st.relevance)
    } else {
        0.0
    };
    let spread = log_l.as_deref().map(bayes::spread).unwrap_or(0.0);
    let varies = active && ach::row_varies(&st.ratings);
    let (diagnosticity, diagnostic) = match engine {
        EngineKind::Bayes => (spread, spread > 1e-12),
        EngineKind::Ach => (if varies { 1.0 } else { 0.0 }, varies),
    };
    Row {
        group: ws.group_index(st.claim),
        state: st,
        trust,
        log_l,
        ach_factor,
        diagnosticity,
        diagnostic,
    }
}

/// One scenario's totals.
#[derive(Debug, Clone)]
pub struct ScenarioScore {
    /// Index into `Workspace::scenarios`.
    pub index: usize,
    /// Prior probability, after sharing the remainder among scenarios without one.
    pub prior: f64,
    /// η · Σ_g C_g: the evidence weight times the sum over groups of each
    /// group's mean log L'' row.
    pub likelihood_term: f64,
    /// Bayesian posterior at the configured evidence weight η.
    pub probability: f64,
    /// Bayesian posterior at the two ends of `[scoring] band` (low η first).
    pub band: [f64; 2],
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
    /// The date the record is evaluated as of.
    pub as_of: NaiveDate,
    /// The engine that ranks the scenarios.
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
    /// Index of the rank-1 scenario; `None` without scenarios.
    pub fn leader(&self) -> Option<usize> {
        self.ranking().first().copied()
    }

    /// The scenario `engine` ranks first on the same evidence. A row holds
    /// both engines' numbers, so this is `assess(ws, as_of, engine)`'s
    /// leader without scoring the record again.
    pub fn leader_under(&self, ws: &Workspace, engine: EngineKind) -> Option<usize> {
        if ws.scenarios.is_empty() {
            return None;
        }
        Some(totals_of(ws.scenarios.len(), &self.rows, &self.indicators).leader(ws, engine))
    }
}

/// A named group's running state: the sum of its counting members' log L''
/// rows and how many they are.
#[derive(Debug, Clone, Default)]
struct GroupSum {
    sum: Vec<f64>,
    n: usize,
}

impl GroupSum {
    /// C_g: the mean row, or `None` when no member counts.
    fn mean(&self, j: usize) -> Option<f64> {
        (self.n > 0).then(|| self.sum[j] / self.n as f64)
    }
}

/// Running totals, shared by one-off scoring and the incremental timeline.
///
/// `log_l` holds Σ_g C_g,j before the evidence weight: every claim without a
/// `group` and every updating observation is a group of its own (its row is
/// added as it is); a named group adds the mean of its counting members' rows,
/// kept up to date as members come and go (docs/scoring.md, "Dependent
/// evidence").
#[derive(Debug, Clone)]
pub struct Totals {
    /// Σ_g C_g,j per scenario: the groups' log-likelihood rows, before the evidence weight.
    pub log_l: Vec<f64>,
    /// Weighted inconsistency per scenario.
    pub weighted: Vec<f64>,
    /// Plain inconsistency per scenario (I = 1, II = 2).
    pub plain: Vec<u32>,
    /// By index into `Workspace::groups`; grown on demand.
    groups: Vec<GroupSum>,
}

impl Totals {
    /// Zero totals for `n` scenarios.
    pub fn new(n: usize) -> Self {
        Totals {
            log_l: vec![0.0; n],
            weighted: vec![0.0; n],
            plain: vec![0; n],
            groups: Vec::new(),
        }
    }

    /// Add (`sign` = 1.0) or remove (`sign` = −1.0) a row.
    pub fn add(&mut self, row: &Row, sign: f64) {
        if let Some(l) = &row.log_l {
            self.add_log(l, row.group, sign);
        }
        if row.counts() {
            for (j, r) in row.state.ratings.iter().enumerate() {
                let v = r.inconsistency();
                self.weighted[j] += sign * (row.ach_factor * v as f64);
                if sign > 0.0 {
                    self.plain[j] += v;
                } else {
                    self.plain[j] -= v;
                }
            }
        }
    }

    /// Add (`sign` = 1.0) or remove (`sign` = −1.0) one log L'' row, as a
    /// member of `group` (`None`: a group of its own).
    pub fn add_log(&mut self, l: &[f64], group: Option<usize>, sign: f64) {
        let Some(g) = group else {
            for (t, x) in self.log_l.iter_mut().zip(l) {
                *t += sign * x;
            }
            return;
        };
        if self.groups.len() <= g {
            self.groups.resize_with(g + 1, GroupSum::default);
        }
        let gs = &mut self.groups[g];
        if gs.sum.is_empty() {
            gs.sum = vec![0.0; l.len()];
        }
        for j in 0..l.len() {
            if let Some(m) = gs.mean(j) {
                self.log_l[j] -= m;
            }
        }
        for (s, x) in gs.sum.iter_mut().zip(l) {
            *s += sign * x;
        }
        if sign > 0.0 {
            gs.n += 1;
        } else {
            gs.n = gs.n.saturating_sub(1);
        }
        if gs.n == 0 {
            gs.sum.iter_mut().for_each(|s| *s = 0.0);
        }
        for j in 0..l.len() {
            if let Some(m) = gs.mean(j) {
                self.log_l[j] += m;
            }
        }
    }

    /// How many members of a named group count now.
    pub fn group_size(&self, g: usize) -> usize {
        self.groups.get(g).map_or(0, |gs| gs.n)
    }

    /// The change of Σ_g C_g if, in `group`, the rows `out` were taken out and
    /// the rows `into` put in (without changing the totals). For a claim of its
    /// own group this is Σ into − Σ out; in a named group, the new mean minus
    /// the old one.
    pub fn group_delta(&self, group: Option<usize>, out: &[&[f64]], into: &[&[f64]]) -> Vec<f64> {
        let mut d = Vec::with_capacity(self.log_l.len());
        self.group_delta_into(group, out, into, &mut d);
        d
    }

    /// [`Totals::group_delta`] into a buffer (cleared first).
    pub fn group_delta_into(
        &self,
        group: Option<usize>,
        out: &[&[f64]],
        into: &[&[f64]],
        d: &mut Vec<f64>,
    ) {
        let h = self.log_l.len();
        // From `start`, add the rows put in, then take out the rows taken out.
        let moved = |start: f64, j: usize| {
            let mut x = start;
            for r in into {
                x += r[j];
            }
            for r in out {
                x -= r[j];
            }
            x
        };
        d.clear();
        let Some(g) = group else {
            d.extend((0..h).map(|j| moved(0.0, j)));
            return;
        };
        let empty = GroupSum::default();
        let gs = self.groups.get(g).unwrap_or(&empty);
        let n_after = (gs.n + into.len()).saturating_sub(out.len());
        d.extend((0..h).map(|j| {
            let sum_after = moved(gs.sum.get(j).copied().unwrap_or(0.0), j);
            let after = if n_after > 0 {
                sum_after / n_after as f64
            } else {
                0.0
            };
            after - gs.mean(j).unwrap_or(0.0)
        }));
    }

    /// Add (`sign` = 1.0) or remove (`sign` = −1.0) an observed indicator: a
    /// group of its own.
    pub fn add_indicator(&mut self, row: &IndicatorRow, sign: f64) {
        self.add_log(&row.log_l, None, sign);
        for j in 0..row.log_l.len() {
            self.weighted[j] += sign * row.weighted[j];
            let v = row.plain(j);
            if sign > 0.0 {
                self.plain[j] += v;
            } else {
                self.plain[j] -= v;
            }
        }
    }

    /// Log posterior (unnormalised) per scenario at evidence weight `eta`:
    /// ln prior + η · Σ_g C_g.
    pub fn log_posterior(&self, priors: &[f64], eta: f64) -> Vec<f64> {
        priors
            .iter()
            .zip(&self.log_l)
            .map(|(p, l)| p.ln() + eta * l)
            .collect()
    }

    /// Posterior probabilities at evidence weight `eta`.
    pub fn posterior_at(&self, priors: &[f64], eta: f64) -> Vec<f64> {
        bayes::normalise(&self.log_posterior(priors, eta))
    }

    /// The same sums with no group state: enough to rank, cheap to clone.
    pub fn detached(&self) -> Totals {
        Totals {
            log_l: self.log_l.clone(),
            weighted: self.weighted.clone(),
            plain: self.plain.clone(),
            groups: Vec::new(),
        }
    }

    /// Turn totals into ranked scenario scores, at the workspace's evidence
    /// weight, with the band.
    pub fn scores(&self, ws: &Workspace, engine: EngineKind) -> Vec<ScenarioScore> {
        let priors = ws.priors();
        let eta = ws.config.evidence_weight;
        let post = self.posterior_at(&priors, eta);
        let [lo, hi] = ws.config.band;
        let band_lo = self.posterior_at(&priors, lo);
        let band_hi = self.posterior_at(&priors, hi);
        let mut scores: Vec<ScenarioScore> = (0..priors.len())
            .map(|j| ScenarioScore {
                index: j,
                prior: priors[j],
                likelihood_term: eta * self.log_l[j],
                probability: post[j],
                band: [band_lo[j], band_hi[j]],
                inconsistency: self.plain[j],
                weighted_inconsistency: self.weighted[j],
                rank: 0,
            })
            .collect();
        let mut order = Vec::new();
        rank_order(ws, engine, &post, &self.weighted, &self.plain, &mut order);
        for (rank, j) in order.into_iter().enumerate() {
            scores[j].rank = rank + 1;
        }
        scores
    }

    /// The scenario [`Totals::scores`] ranks first under `engine` (0 when
    /// there are no scenarios), without building the scores.
    pub fn leader(&self, ws: &Workspace, engine: EngineKind) -> usize {
        leader_of_sums(
            ws,
            engine,
            &ws.log_priors(),
            &self.log_l,
            &self.weighted,
            &self.plain,
            &mut RankScratch::default(),
        )
    }

    /// The scenario ranked first under the Bayesian engine at evidence weight
    /// `eta` (ties by id).
    pub fn bayes_leader_at(&self, ws: &Workspace, eta: f64) -> Option<usize> {
        let p = self.posterior_at(&ws.priors(), eta);
        (0..p.len()).min_by(|&a, &b| {
            cmp_f64(p[b], p[a]).then_with(|| ws.scenarios[a].id.cmp(&ws.scenarios[b].id))
        })
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
/// (least first); bayes by posterior (greatest first); ties by id. Leaves in
/// `order` the scenario indices, first ranked first (`order` is a buffer, so
/// that what-ifs run by the thousand need not allocate).
fn rank_order(
    ws: &Workspace,
    engine: EngineKind,
    probability: &[f64],
    weighted: &[f64],
    plain: &[u32],
    order: &mut Vec<usize>,
) {
    order.clear();
    order.extend(0..probability.len());
    order.sort_by(|&a, &b| {
        match engine {
            EngineKind::Ach => cmp_f64(weighted[a], weighted[b]).then(plain[a].cmp(&plain[b])),
            EngineKind::Bayes => cmp_f64(probability[b], probability[a]),
        }
        .then_with(|| ws.scenarios[a].id.cmp(&ws.scenarios[b].id))
    });
}

/// Buffers for [`leader_of_sums`].
#[derive(Debug, Default)]
pub struct RankScratch {
    log_w: Vec<f64>,
    probability: Vec<f64>,
    order: Vec<usize>,
}

/// The scenario [`Totals::scores`] would rank first for these sums, without
/// building the scores (no bands, no allocation once `scratch` has grown).
/// `log_priors`: the logarithms of [`Workspace::priors`].
pub fn leader_of_sums(
    ws: &Workspace,
    engine: EngineKind,
    log_priors: &[f64],
    log_l: &[f64],
    weighted: &[f64],
    plain: &[u32],
    scratch: &mut RankScratch,
) -> usize {
    let eta = ws.config.evidence_weight;
    let RankScratch {
        log_w,
        probability,
        order,
    } = scratch;
    probability.clear();
    if engine == EngineKind::Bayes {
        log_w.clear();
        log_w.extend(log_priors.iter().zip(log_l).map(|(lp, l)| lp + eta * l));
        // A clear first needs no ranking: if the largest log weight beats the
        // next by a gap g, its probability (at least 1/n) beats every other
        // by at least (1 − e^(−g))/n; when that is well above TIE_EPS the
        // ranking can only put it first.
        if let Some((k, gap)) = clear_first(log_w, |a, b| a > b) {
            let n = log_w.len() as f64;
            if (1.0 - (-gap).exp()) / n > 4.0 * TIE_EPS {
                return k;
            }
        }
        bayes::normalise_into(log_w, probability);
    } else {
        // The least weighted inconsistency, by more than twice TIE_EPS.
        if let Some((k, gap)) = clear_first(weighted, |a, b| a < b) {
            if gap > 2.0 * TIE_EPS {
                return k;
            }
        }
        probability.resize(log_priors.len(), 0.0);
    }
    rank_order(ws, engine, probability, weighted, plain, order);
    order.first().copied().unwrap_or(0)
}

/// The index of the best value by `better` and its distance to the
/// runner-up (infinite with one value or a runner-up at −∞ or +∞); `None`
/// when there are no values, two share the best, or a value is not a number
/// or the best is not finite (the full ranking then decides).
fn clear_first(v: &[f64], better: impl Fn(f64, f64) -> bool) -> Option<(usize, f64)> {
    if v.iter().any(|x| x.is_nan()) {
        return None;
    }
    let mut best: Option<usize> = None;
    for (j, &x) in v.iter().enumerate() {
        if best.is_none_or(|b| better(x, v[b])) {
            best = Some(j);
        }
    }
    let k = best?;
    if !v[k].is_finite() {
        return None;
    }
    let mut gap = f64::INFINITY;
    for (j, &x) in v.iter().enumerate() {
        if j != k {
            gap = gap.min((v[k] - x).abs());
        }
    }
    (gap > 0.0).then_some((k, gap))
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
    // Each claim's state and row straight from the record (the claims in
    // it by `as_of`, in record order); on every core when there are several.
    let claim_row = |i: usize| {
        Some(row(
            ws,
            state::claim_as_of_view(ws, i, as_of, view)?,
            engine,
        ))
    };
    let rows: Vec<Row> = if rayon::current_num_threads() > 1 {
        use rayon::prelude::*;
        // Indexed, so that each thread writes into one vector sized in
        // advance (a filtered parallel collect grows and joins pieces).
        let each: Vec<Option<Row>> = (0..ws.claims.len())
            .into_par_iter()
            .map(claim_row)
            .collect();
        let mut rows = Vec::with_capacity(each.len());
        rows.extend(each.into_iter().flatten());
        rows
    } else {
        // At most one row a claim: sized for that rather than grown by
        // doubling (a quarter of the rows' size in slack at 100k).
        let mut rows = Vec::with_capacity(ws.claims.len());
        rows.extend((0..ws.claims.len()).filter_map(claim_row));
        rows
    };
    assessment_of(ws, as_of, engine, rows)
}

/// The assessment whose claim rows are `rows` (in claim order): the
/// indicators observed by `as_of`, the totals and the scores.
pub(crate) fn assessment_of(
    ws: &Workspace,
    as_of: NaiveDate,
    engine: EngineKind,
    rows: Vec<Row>,
) -> Assessment {
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

impl Assessment {
    /// The Bayesian leader at each end of the band (ties by scenario order in
    /// `scores`, which the caller's ranking breaks by id): (low η, high η).
    pub fn band_leaders(&self, ws: &Workspace) -> (Option<usize>, Option<usize>) {
        let at = |k: usize| {
            (0..self.scores.len()).min_by(|&a, &b| {
                cmp_f64(self.scores[b].band[k], self.scores[a].band[k])
                    .then_with(|| ws.scenarios[a].id.cmp(&ws.scenarios[b].id))
            })
        };
        (at(0), at(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::from_files;

    fn ws(claims: &str, engine: &str) -> Workspace {
        ws_scoring(
            claims,
            &format!("engine = \"{engine}\"\nevidence_weight = 1.0\n"),
        )
    }

    /// A workspace whose `[scoring]` table holds `scoring` (plus CC = 0.95, II = 0.05).
    fn ws_scoring(claims: &str, scoring: &str) -> Workspace {
        let files = vec![
            SourceFile {
                rel: "kzclaims.toml".into(),
                text: format!("title = \"t\"\nquestion = \"q\"\n[scoring]\n{scoring}[scoring.likelihood]\ncc = 0.95\nII = 0.05\n"),
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
        assert_eq!(a.rows[0].state.url(&w), Some("https://example.org/confirm"));
    }

    const GROUPED: &str = r#"
[[claim]]
id = "e1"
date = 2022-01-01
statement = "one"
sources = ["a"]
credibility = 1
group = "g"
ratings = { h1 = "C", h2 = "I", h3 = "N" }

[[claim]]
id = "e2"
date = 2022-01-02
statement = "two"
sources = ["a"]
credibility = 1
group = "g"
ratings = { h1 = "CC", h2 = "N", h3 = "I" }

[[claim.revision]]
date = 2022-01-04
note = "withdrawn"
status = "retracted"

[[claim]]
id = "e3"
date = 2022-01-03
statement = "three"
sources = ["a"]
credibility = 1
ratings = { h1 = "N", h2 = "C", h3 = "N" }
"#;

    /// A group counts once (the mean of its rows), the sum is raised to η, and
    /// the band gives the same at its two ends. Trust is 1 everywhere (source
    /// A, credibility 1), relevance medium, so log L'' = ln L.
    #[test]
    fn group_mean_and_evidence_weight_hand_computed() {
        let w = ws_scoring(GROUPED, "evidence_weight = 0.5\nband = [0.25, 1.0]\n");
        let a = assess(
            &w,
            NaiveDate::from_ymd_opt(2022, 1, 3).unwrap(),
            EngineKind::Bayes,
        );
        // C_g = (ln L_e1 + ln L_e2) / 2: h1 (ln .8 + ln .95)/2, h2 (ln .2 + ln .5)/2,
        // h3 (ln .5 + ln .2)/2. e3 is its own group: ln .5, ln .8, ln .5.
        // likelihood_term = 0.5 · (C_g + C_e3).
        let c_g = [
            (0.8f64.ln() + 0.95f64.ln()) / 2.0,
            (0.2f64.ln() + 0.5f64.ln()) / 2.0,
            (0.5f64.ln() + 0.2f64.ln()) / 2.0,
        ];
        let c_3 = [0.5f64.ln(), 0.8f64.ln(), 0.5f64.ln()];
        for j in 0..3 {
            assert!((a.scores[j].likelihood_term - 0.5 * (c_g[j] + c_3[j])).abs() < 1e-12);
        }
        // Posteriors ∝ prior · exp(η·ΣC), priors 0.5, 0.25, 0.25 (computed
        // independently): η = 0.5 → 0.594512, 0.226458, 0.179031;
        // η = 0.25 → 0.548111, 0.239203, 0.212685; η = 1 → 0.679551, 0.197199, 0.123250.
        let want = [
            0.594_511_789_933_159,
            0.226_457_688_074_220,
            0.179_030_521_992_621,
        ];
        let low = [
            0.548_111_498_966_079,
            0.239_203_326_166_534,
            0.212_685_174_867_386,
        ];
        let high = [
            0.679_551_154_730_379,
            0.197_199_289_396_690,
            0.123_249_555_872_931,
        ];
        for j in 0..3 {
            assert!((a.scores[j].probability - want[j]).abs() < 1e-12, "{j}");
            assert!((a.scores[j].band[0] - low[j]).abs() < 1e-12, "{j}");
            assert!((a.scores[j].band[1] - high[j]).abs() < 1e-12, "{j}");
        }
        // Counted independently at η = 1 the same three claims would give
        // h1 0.19 / 0.2225 = 0.853933: the group is what keeps it at 0.68.
        let indep = ws_scoring(
            &GROUPED.replace("group = \"g\"\n", ""),
            "evidence_weight = 1.0\n",
        );
        let b = assess(
            &indep,
            NaiveDate::from_ymd_opt(2022, 1, 3).unwrap(),
            EngineKind::Bayes,
        );
        assert!((b.scores[0].probability - 0.19 / 0.2225).abs() < 1e-12);
    }

    /// A retracted member leaves its group: the mean runs over those that count.
    #[test]
    fn retracted_member_leaves_the_group_mean() {
        let w = ws_scoring(GROUPED, "evidence_weight = 0.5\n");
        let a = assess(
            &w,
            NaiveDate::from_ymd_opt(2022, 1, 4).unwrap(),
            EngineKind::Bayes,
        );
        // Group g is e1 alone now: ΣC = ln L_e1 + ln L_e3; η = 0.5 →
        // 0.584279, 0.184765, 0.230956 (computed independently).
        let want = [
            0.584_278_534_606_814,
            0.184_765_095_730_305,
            0.230_956_369_662_881,
        ];
        for (s, w) in a.scores.iter().zip(want) {
            assert!((s.probability - w).abs() < 1e-12, "{}", s.index);
        }
    }

    /// With η = 1 and no groups the engine is the plain Bayes chain: the
    /// defaults only change when a workspace says nothing.
    #[test]
    fn defaults_are_half_and_a_quarter_to_one() {
        let w = ws_scoring(CLAIMS, "");
        assert_eq!(w.config.evidence_weight, 0.5);
        assert_eq!(w.config.band, [0.25, 1.0]);
        let a = assess(
            &w,
            NaiveDate::from_ymd_opt(2022, 1, 2).unwrap(),
            EngineKind::Bayes,
        );
        let b = assess(
            &ws(CLAIMS, "bayes"),
            NaiveDate::from_ymd_opt(2022, 1, 2).unwrap(),
            EngineKind::Bayes,
        );
        // The default band's upper end is η = 1: today's numbers.
        for j in 0..3 {
            assert!((a.scores[j].band[1] - b.scores[j].probability).abs() < 1e-12);
            assert!(
                (a.scores[j].likelihood_term - 0.5 * b.scores[j].likelihood_term).abs() < 1e-12
            );
        }
    }

    /// The shortcut in `leader_of_sums` (a clear first needs no ranking)
    /// picks the scenario `scores` ranks first, on clear leads, exact ties,
    /// ties within TIE_EPS, infinities and one-scenario gaps near the
    /// threshold, under both engines.
    #[test]
    fn leader_of_sums_agrees_with_the_full_ranking() {
        let w = ws(CLAIMS, "bayes");
        let log_priors = w.log_priors();
        let cases: &[[f64; 3]] = &[
            [0.0, -1.0, -2.0],
            [-2.0, 0.0, -1.0],
            [0.0, 0.0, -1.0],
            [-1.0, -1.0 + 1e-12, -1.0 - 1e-12],
            [-1.0, -1.0 + 3e-9, -5.0],
            [-1.0, -1.0 + 1e-8, -5.0],
            [-1.0, -1.0 + 1e-7, -5.0],
            [f64::NEG_INFINITY, -3.0, -3.0],
            [f64::NEG_INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY],
            [-1e6, -1e6 + 1.0, -1e6 + 1.0 - 2e-9],
            [40.0, 39.999_999_99, 12.0],
        ];
        let mut scratch = RankScratch::default();
        for engine in [EngineKind::Bayes, EngineKind::Ach] {
            for v in cases {
                // Bayes ranks by the log weights in `log_l`; ACH by `weighted`.
                let log_l: Vec<f64> = v.iter().zip(&log_priors).map(|(x, p)| x - p).collect();
                let weighted: Vec<f64> = v.iter().map(|x| -x).collect();
                let plain = vec![1, 0, 2];
                let t = Totals {
                    log_l: log_l.clone(),
                    weighted: weighted.clone(),
                    plain: plain.clone(),
                    groups: Vec::new(),
                };
                let full = t
                    .scores(&w, engine)
                    .iter()
                    .find(|s| s.rank == 1)
                    .map(|s| s.index)
                    .unwrap();
                let fast = leader_of_sums(
                    &w,
                    engine,
                    &log_priors,
                    &log_l,
                    &weighted,
                    &plain,
                    &mut scratch,
                );
                assert_eq!(fast, full, "{engine:?} {v:?}");
            }
        }
    }

    /// docs/scoring.md, "Effective dates", worked example
    /// (tests/fixtures/published): a claim with one timely source among late
    /// ones counts from its date; one whose sources all appeared later counts
    /// from the earliest of them; a revision naming a late source applies
    /// after a later-dated one, and the scores follow, by hand.
    #[test]
    fn effective_dates_hand_computed() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let w = crate::load::Loader::new(&root.join("tests/fixtures/published"))
            .load()
            .unwrap();
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let claim = |id: &str| w.claims.iter().position(|c| c.id == id).unwrap();
        let (timely, late, revised) = (claim("timely"), claim("all-late"), claim("revised"));
        assert_eq!(
            (w.claims[timely].effective, &w.claims[timely].effective_by),
            (d("2024-03-01"), &None)
        );
        assert_eq!(
            (
                w.claims[late].date,
                w.claims[late].effective,
                w.claims[late].effective_by.as_deref()
            ),
            (d("2024-03-02"), d("2024-03-20"), Some("report"))
        );
        // Revisions in order of effective date: the one dated 03-10 first.
        let revs: Vec<_> = w.claims[revised]
            .revisions
            .iter()
            .map(|r| (r.date, r.effective, r.effective_by.as_deref()))
            .collect();
        assert_eq!(
            revs,
            [
                (d("2024-03-10"), d("2024-03-10"), None),
                (d("2024-03-03"), d("2024-04-01"), Some("late")),
            ]
        );
        assert_eq!(w.latest_date(), Some(d("2024-04-01")));
        assert_eq!(w.default_as_of(), Some(d("2024-04-01")));
        assert_eq!(
            w.record_dates(),
            ["2024-03-01", "2024-03-10", "2024-03-20", "2024-04-01"].map(d)
        );
        // Every source has reliability A and every claim credibility 1: the
        // likelihoods enter as they are. Equal priors, η = 1.
        let p_a = |date: &str| {
            let a = assess(&w, d(date), EngineKind::Bayes);
            a.scores[0].probability
        };
        // 03-01: timely (C, I), revised (N, N).
        let want = 0.8 / (0.8 + 0.2);
        assert!((p_a("2024-03-01") - want).abs() < 1e-12);
        // 03-05: all-late and the revision dated 03-03 not yet in force.
        assert!((p_a("2024-03-05") - want).abs() < 1e-12);
        // 03-10: revised becomes (CC, N).
        let want = 0.8 * 0.95 / (0.8 * 0.95 + 0.2 * 0.5);
        assert!((p_a("2024-03-10") - want).abs() < 1e-12);
        // 03-20: all-late (I, C) enters.
        let want = 0.8 * 0.95 * 0.2 / (0.8 * 0.95 * 0.2 + 0.2 * 0.5 * 0.8);
        assert!((p_a("2024-03-20") - want).abs() < 1e-12);
        // 04-01: the revision dated 03-03 applies last: revised (II, N).
        let want = 0.8 * 0.05 * 0.2 / (0.8 * 0.05 * 0.2 + 0.2 * 0.5 * 0.8);
        assert!((p_a("2024-04-01") - want).abs() < 1e-12);
        assert!((want - 1.0 / 11.0).abs() < 1e-12);
        let st = state::claim_as_of(&w, revised, d("2024-04-01")).unwrap();
        assert_eq!(st.ratings[0], Rating::II);
        assert_eq!(st.sources(&w), ["late"]);
        // A revision citing a timely source (03-06) of a claim whose own
        // source appeared later (04-01) applies when the claim enters.
        let ltt = claim("late-then-timely");
        let c = &w.claims[ltt];
        assert_eq!(
            (c.effective, c.revisions[0].effective),
            (d("2024-04-01"), d("2024-03-06"))
        );
        assert_eq!(c.revision_from(&c.revisions[0]), d("2024-04-01"));
        assert!(state::claim_as_of(&w, ltt, d("2024-03-31")).is_none());
        let st = state::claim_as_of(&w, ltt, d("2024-04-01")).unwrap();
        assert_eq!((st.revisions_applied, st.credibility), (1, Credibility(2)));
        assert!(state::claim_as_of(&w, late, d("2024-03-19")).is_none());
        assert!(state::claim_as_of(&w, late, d("2024-03-20")).is_some());
    }
}
