//! Scoring past assessments once the question (or an indicator) resolves:
//! multi-category Brier, log score and a baseline score, time-averaged over
//! the days each assessment stood; and the calibration table. Formulas:
//! docs/scoring.md. Always on the Bayesian posterior (ACH has no probabilities).

use super::{analysts::View, indicators, linear_pool, timeline::sweep};
use crate::model::*;
use chrono::{Duration, NaiveDate};

/// Multi-category Brier score Σ_k (f_k − o_k)², 0 (perfect) to 2.
pub(crate) fn brier(p: &[f64], outcome: usize) -> f64 {
    p.iter()
        .enumerate()
        .map(|(k, f)| {
            let o = if k == outcome { 1.0 } else { 0.0 };
            (f - o).powi(2)
        })
        .sum()
}

/// Log score ln p(outcome): 0 is perfect, more negative is worse.
pub(crate) fn log_score(p: &[f64], outcome: usize) -> f64 {
    p[outcome].ln()
}

/// Baseline score 100·log₂(p(outcome) / (1/K)): 0 for the uniform forecast,
/// positive when better than it (Metaculus's baseline score).
pub(crate) fn baseline_score(p: &[f64], outcome: usize) -> f64 {
    100.0 * (p[outcome] * p.len() as f64).log2()
}

/// One scored assessment.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Update {
    pub date: NaiveDate,
    /// Days it stood: until the next update, or the resolution date.
    pub days: i64,
    /// Posterior per scenario (scenario order).
    pub probabilities: Vec<f64>,
    pub brier: f64,
    pub log: f64,
    pub baseline: f64,
}

/// A view's scores on the resolved question.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ViewScore {
    /// "team", an analyst's name, or "pooled".
    pub view: String,
    pub updates: Vec<Update>,
    /// Time-averaged scores.
    pub brier: f64,
    pub log: f64,
    pub baseline: f64,
}

/// Time average: Σ days_t·s_t / Σ days_t. When no assessment stood a full day
/// (every update on the resolution date), the last assessment counts alone.
pub(crate) fn time_average(updates: &[Update], f: impl Fn(&Update) -> f64) -> f64 {
    let total: i64 = updates.iter().map(|u| u.days).sum();
    if total == 0 {
        return updates.last().map(f).unwrap_or(f64::NAN);
    }
    updates.iter().map(|u| u.days as f64 * f(u)).sum::<f64>() / total as f64
}

/// The scores of one part of the scored assessments: the real forecasts or
/// the reconstructions ([`super::history`]; docs/scoring.md).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PartScore {
    /// How many assessments (or indicator forecasts) the part holds.
    pub assessments: usize,
    /// Days they stood together (0 for indicator forecasts).
    pub days: i64,
    pub brier: f64,
    pub log: f64,
    pub baseline: f64,
}

/// The time-averaged scores of the updates `keep` selects (by index), as
/// [`time_average`] gives them over the part alone; `None` if it selects none.
pub(crate) fn part_score(updates: &[Update], keep: impl Fn(usize) -> bool) -> Option<PartScore> {
    let part: Vec<Update> = updates
        .iter()
        .enumerate()
        .filter(|(i, _)| keep(*i))
        .map(|(_, u)| u.clone())
        .collect();
    if part.is_empty() {
        return None;
    }
    Some(PartScore {
        assessments: part.len(),
        days: part.iter().map(|u| u.days).sum(),
        brier: time_average(&part, |u| u.brier),
        log: time_average(&part, |u| u.log),
        baseline: time_average(&part, |u| u.baseline),
    })
}

/// The mean scores of the indicator forecasts `keep` selects (by index);
/// `None` if it selects none.
pub(crate) fn indicator_part(
    forecasts: &[IndicatorForecast],
    keep: impl Fn(usize) -> bool,
) -> Option<PartScore> {
    let part: Vec<&IndicatorForecast> = forecasts
        .iter()
        .enumerate()
        .filter(|(i, _)| keep(*i))
        .map(|(_, f)| f)
        .collect();
    if part.is_empty() {
        return None;
    }
    let n = part.len() as f64;
    Some(PartScore {
        assessments: part.len(),
        days: 0,
        brier: part.iter().map(|f| f.brier).sum::<f64>() / n,
        log: part.iter().map(|f| f.log).sum::<f64>() / n,
        baseline: part.iter().map(|f| f.baseline).sum::<f64>() / n,
    })
}

/// The day an indicator forecast was made: the day before the first
/// observation.
pub(crate) fn forecast_day(f: &IndicatorForecast) -> NaiveDate {
    f.date - Duration::days(1)
}

/// The dates scored: every date the assessment could change (claims,
/// revisions, updating observations), up to the resolution date, with the days
/// each assessment stood.
pub(crate) fn update_dates(ws: &Workspace, resolved: NaiveDate) -> Vec<(NaiveDate, i64)> {
    let dates: Vec<NaiveDate> = ws
        .update_dates()
        .into_iter()
        .filter(|d| *d <= resolved)
        .collect();
    dates
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let next = dates.get(i + 1).copied().unwrap_or(resolved);
            (*d, (next - *d).num_days())
        })
        .collect()
}

fn view_score(
    name: &str,
    dates: &[(NaiveDate, i64)],
    posts: Vec<Vec<f64>>,
    outcome: usize,
) -> ViewScore {
    let updates: Vec<Update> = dates
        .iter()
        .zip(posts)
        .map(|((date, days), p)| Update {
            date: *date,
            days: *days,
            brier: brier(&p, outcome),
            log: log_score(&p, outcome),
            baseline: baseline_score(&p, outcome),
            probabilities: p,
        })
        .collect();
    ViewScore {
        view: name.to_string(),
        brier: time_average(&updates, |u| u.brier),
        log: time_average(&updates, |u| u.log),
        baseline: time_average(&updates, |u| u.baseline),
        updates,
    }
}

/// The Bayesian posterior of a view on each of `dates` (ascending) at
/// evidence weight `eta`, in one pass over the record ([`sweep`]).
fn posteriors(ws: &Workspace, dates: &[NaiveDate], view: View<'_>, eta: f64) -> Vec<Vec<f64>> {
    let priors = ws.priors();
    let mut out = Vec::with_capacity(dates.len());
    sweep(ws, EngineKind::Bayes, view, dates, |_, t| {
        out.push(t.posterior_at(&priors, eta))
    });
    out
}

/// (outcome, update dates with the days each stood, the dates alone).
type ResolvedUpdates = (usize, Vec<(NaiveDate, i64)>, Vec<NaiveDate>);

/// What scoring the resolved question needs: the index of the scenario that
/// proved true, the update dates with the days each assessment stood, and
/// the dates alone. `None` when the question is not resolved by `cutoff` or
/// no assessment precedes the resolution.
fn resolved_updates(ws: &Workspace, cutoff: Option<NaiveDate>) -> Option<ResolvedUpdates> {
    let r = ws.config.resolution.as_ref()?;
    if cutoff.is_some_and(|c| r.date > c) {
        return None;
    }
    let outcome = ws.scenario_index(&r.scenario)?;
    let dates = update_dates(ws, r.date);
    if dates.is_empty() {
        return None;
    }
    let days = dates.iter().map(|(d, _)| *d).collect();
    Some((outcome, dates, days))
}

/// The resolved question's scores: the team's view, then each analyst's and
/// their linear pool when there are analysts. `None` when the question is not
/// resolved by `cutoff` or no assessment precedes the resolution.
pub(crate) fn question_scores(
    ws: &Workspace,
    cutoff: Option<NaiveDate>,
) -> Option<(usize, Vec<ViewScore>)> {
    let (outcome, dates, days) = resolved_updates(ws, cutoff)?;
    let eta = ws.config.evidence_weight;
    let mut out = vec![view_score(
        "team",
        &dates,
        posteriors(ws, &days, View::Team, eta),
        outcome,
    )];
    let analysts = ws.analysts();
    if !analysts.is_empty() {
        let per: Vec<Vec<Vec<f64>>> = analysts
            .iter()
            .map(|name| posteriors(ws, &days, View::Analyst(name), eta))
            .collect();
        for (name, posts) in analysts.iter().zip(&per) {
            out.push(view_score(name, &dates, posts.clone(), outcome));
        }
        let pooled: Vec<Vec<f64>> = (0..dates.len())
            .map(|t| linear_pool(per.iter().map(|p| p[t].as_slice())))
            .collect();
        out.push(view_score("pooled", &dates, pooled, outcome));
    }
    Some((outcome, out))
}

/// The forecast "will this indicator be observed", scored against what happened.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct IndicatorForecast {
    pub scenario: usize,
    pub indicator: usize,
    /// Date of the first observation; the forecast is the assessment as of the day before.
    pub date: NaiveDate,
    /// The latest observation's verdict (by the cutoff).
    pub observed: bool,
    /// q = Σ_H p(H)·P(observed | H) as of the day before the first observation.
    pub probability: f64,
    /// Two-category Brier: (q − o)² + ((1 − q) − (1 − o))² = 2(q − o)².
    pub brier: f64,
    pub log: f64,
    pub baseline: f64,
}

/// Every indicator with likelihoods observed by `cutoff` (all if `None`), by
/// date of first observation.
pub(crate) fn indicator_forecasts(
    ws: &Workspace,
    cutoff: Option<NaiveDate>,
) -> Vec<IndicatorForecast> {
    // Every forecast's date first, so one pass over the record gives them all.
    let mut eves: Vec<NaiveDate> = ws
        .scenarios
        .iter()
        .flat_map(|s| &s.indicators)
        .filter_map(|ind| ind.observations.first())
        .map(|o| o.date - Duration::days(1))
        .collect();
    eves.sort_unstable();
    eves.dedup();
    let posts = posteriors(ws, &eves, View::Team, ws.config.evidence_weight);
    let mut out = Vec::new();
    for (j, s) in ws.scenarios.iter().enumerate() {
        for (k, ind) in s.indicators.iter().enumerate() {
            let Some(first) = ind.observations.first() else {
                continue;
            };
            let last = match cutoff {
                Some(c) => ind.observation_as_of(c).map(|x| x.1),
                None => ind.observations.last(),
            };
            let (Some(last), Some(p_obs)) = (last, indicators::p_observed(ws, j, ind)) else {
                continue;
            };
            let before = first.date - Duration::days(1);
            let post = &posts[eves.binary_search(&before).expect("every eve swept")];
            let q: f64 = post.iter().zip(&p_obs).map(|(p, l)| p * l).sum();
            let p = [q, 1.0 - q];
            let outcome = if last.observed { 0 } else { 1 };
            out.push(IndicatorForecast {
                scenario: j,
                indicator: k,
                date: first.date,
                observed: last.observed,
                probability: q,
                brier: brier(&p, outcome),
                log: log_score(&p, outcome),
                baseline: baseline_score(&p, outcome),
            });
        }
    }
    out.sort_by_key(|f| (f.date, f.scenario, f.indicator));
    out
}

/// A binary forecast for the calibration table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Forecast {
    pub probability: f64,
    pub outcome: bool,
    pub weight: f64,
}

/// The binary forecasts of a resolved question: every scenario at every
/// update, weighted by the share of the time it stood (each scenario's
/// forecasts weigh 1 together); and every resolved indicator, weight 1.
pub(crate) fn forecasts(
    question: Option<(usize, &ViewScore)>,
    indicators: &[IndicatorForecast],
) -> Vec<Forecast> {
    let mut out = Vec::new();
    if let Some((outcome, v)) = question {
        let total: i64 = v.updates.iter().map(|u| u.days).sum();
        for (t, u) in v.updates.iter().enumerate() {
            let w = if total == 0 {
                if t + 1 == v.updates.len() {
                    1.0
                } else {
                    0.0
                }
            } else {
                u.days as f64 / total as f64
            };
            if w == 0.0 {
                continue;
            }
            for (k, p) in u.probabilities.iter().enumerate() {
                out.push(Forecast {
                    probability: *p,
                    outcome: k == outcome,
                    weight: w,
                });
            }
        }
    }
    for i in indicators {
        out.push(Forecast {
            probability: i.probability,
            outcome: i.observed,
            weight: 1.0,
        });
    }
    out
}

/// One row of the calibration table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bin {
    pub low: f64,
    pub high: f64,
    pub count: usize,
    pub weight: f64,
    /// Weighted mean of the stated probabilities.
    pub mean_forecast: f64,
    /// Weighted share of forecasts whose event happened.
    pub observed_frequency: f64,
}

/// Number of equal-width probability bins.
pub(crate) const BINS: usize = 10;

/// Ten bins [0, 0.1), [0.1, 0.2), …, [0.9, 1.0]; empty bins are left out.
pub(crate) fn bins(forecasts: &[Forecast]) -> Vec<Bin> {
    let mut acc = vec![(0usize, 0.0f64, 0.0f64, 0.0f64); BINS];
    for f in forecasts {
        let b = ((f.probability * BINS as f64).floor() as usize).min(BINS - 1);
        let a = &mut acc[b];
        a.0 += 1;
        a.1 += f.weight;
        a.2 += f.weight * f.probability;
        a.3 += if f.outcome { f.weight } else { 0.0 };
    }
    acc.into_iter()
        .enumerate()
        .filter(|(_, a)| a.0 > 0 && a.1 > 0.0)
        .map(|(b, (count, w, wp, wo))| Bin {
            low: b as f64 / BINS as f64,
            high: (b + 1) as f64 / BINS as f64,
            count,
            weight: w,
            mean_forecast: wp / w,
            observed_frequency: wo / w,
        })
        .collect()
}

/// The evidence weights `calibration --fit` tries: η = 0.1, 0.2, …, 1.0.
pub(crate) fn fit_grid() -> Vec<f64> {
    (1..=10).map(|k| k as f64 / 10.0).collect()
}

/// The evidence weight the workspace scores with (`[scoring] evidence_weight`).
pub(crate) fn configured_eta(ws: &Workspace) -> f64 {
    ws.config.evidence_weight
}

/// The team's Bayesian posterior as of `date` re-scored at evidence weight
/// `eta`: log p_j = ln prior_j + η·Σ_g C_g,j, normalised (groups as the engine
/// counts them).
#[cfg(test)]
pub(crate) fn posterior_at(ws: &Workspace, date: NaiveDate, eta: f64) -> Vec<f64> {
    let a = super::assess_view(ws, date, EngineKind::Bayes, View::Team);
    super::totals_of(ws.scenarios.len(), &a.rows, &a.indicators).posterior_at(&ws.priors(), eta)
}

/// Time-averaged (log score, Brier) of the team's view on the resolved
/// question when the whole history is re-scored at evidence weight `eta`;
/// `None` as for [`question_scores`].
pub(crate) fn question_scores_at(
    ws: &Workspace,
    cutoff: Option<NaiveDate>,
    eta: f64,
) -> Option<(f64, f64)> {
    let (outcome, dates, days) = resolved_updates(ws, cutoff)?;
    let posts = posteriors(ws, &days, View::Team, eta);
    let v = view_score("team", &dates, posts, outcome);
    Some((v.log, v.brier))
}

/// Mean scores over the resolved questions at one evidence weight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct FitPoint {
    pub eta: f64,
    /// Mean over questions of the time-averaged log score (0 best).
    pub log: f64,
    /// Mean over questions of the time-averaged Brier score (0 best).
    pub brier: f64,
}

/// How the record would have scored at each evidence weight.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fit {
    /// Index into `Workspace` slice of each resolved question, in order.
    pub questions: Vec<usize>,
    /// η = 0.1, …, 1.0.
    pub points: Vec<FitPoint>,
    /// The scores at each workspace's configured η (the mean over questions).
    pub configured: FitPoint,
    /// Index into `points` of the best log score (ties: the smaller η).
    pub best: usize,
    /// Index into `points` of the best Brier score (ties: the smaller η).
    pub best_brier: usize,
}

/// Re-score every resolved question (by `cutoff`) at η = 0.1, …, 1.0 and at
/// its configured η. `None` when no question has resolved. Each question
/// weighs the same in the mean.
pub(crate) fn fit(workspaces: &[Workspace], cutoff: Option<NaiveDate>) -> Option<Fit> {
    let questions: Vec<usize> = workspaces
        .iter()
        .enumerate()
        .filter(|(_, ws)| question_scores_at(ws, cutoff, 1.0).is_some())
        .map(|(i, _)| i)
        .collect();
    if questions.is_empty() {
        return None;
    }
    let mean_at = |eta: Option<f64>| {
        let n = questions.len() as f64;
        let (mut log, mut brier) = (0.0, 0.0);
        for &i in &questions {
            let ws = &workspaces[i];
            let e = eta.unwrap_or_else(|| configured_eta(ws));
            let (l, b) = question_scores_at(ws, cutoff, e).expect("resolved");
            log += l;
            brier += b;
        }
        (log / n, brier / n)
    };
    let points: Vec<FitPoint> = fit_grid()
        .into_iter()
        .map(|eta| {
            let (log, brier) = mean_at(Some(eta));
            FitPoint { eta, log, brier }
        })
        .collect();
    let (log, brier) = mean_at(None);
    let configured_eta = configured_eta(&workspaces[questions[0]]);
    let argbest = |better: &dyn Fn(&FitPoint, &FitPoint) -> bool| {
        (1..points.len()).fold(0, |b, k| if better(&points[k], &points[b]) { k } else { b })
    };
    Some(Fit {
        best: argbest(&|x, y| x.log > y.log + 1e-12),
        best_brier: argbest(&|x, y| x.brier < y.brier - 1e-12),
        questions,
        points,
        configured: FitPoint {
            eta: configured_eta,
            log,
            brier,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Calibration scores the assessment on the days it changed, by
    /// effective date (tests/fixtures/published): a claim dated 03-02 whose
    /// sources appeared on 03-20 is a forecast made on 03-20, not before.
    #[test]
    fn update_dates_are_effective_dates() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let ws = crate::load::Loader::new(&root.join("tests/fixtures/published"))
            .load()
            .unwrap();
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(
            update_dates(&ws, d("2024-04-30")),
            [
                (d("2024-03-01"), 9),
                (d("2024-03-10"), 10),
                (d("2024-03-20"), 12),
                (d("2024-04-01"), 29)
            ]
        );
    }

    #[test]
    fn scores_by_hand() {
        let p = [0.6, 0.3, 0.1];
        // (0.6−1)² + 0.3² + 0.1² = 0.16 + 0.09 + 0.01 = 0.26
        assert!((brier(&p, 0) - 0.26).abs() < 1e-12);
        // 0.6² + (0.3−1)² + 0.1² = 0.36 + 0.49 + 0.01 = 0.86
        assert!((brier(&p, 1) - 0.86).abs() < 1e-12);
        assert!((brier(&[0.0, 1.0], 0) - 2.0).abs() < 1e-12);
        assert!((log_score(&p, 1) - 0.3f64.ln()).abs() < 1e-15);
        // 100·log₂(0.6·3) = 100·log₂(1.8) = 84.7996906…
        assert!((baseline_score(&p, 0) - 84.799_690_655_495).abs() < 1e-9);
        assert!(baseline_score(&[0.25; 4], 2).abs() < 1e-12);
    }

    #[test]
    fn time_weighting() {
        let u = |days, brier| Update {
            date: NaiveDate::from_ymd_opt(2022, 1, 1).unwrap(),
            days,
            probabilities: vec![],
            brier,
            log: 0.0,
            baseline: 0.0,
        };
        // 3 days at 0.5, 1 day at 0.1 → (1.5 + 0.1) / 4 = 0.4
        assert!((time_average(&[u(3, 0.5), u(1, 0.1)], |x| x.brier) - 0.4).abs() < 1e-12);
        assert_eq!(time_average(&[u(0, 0.5), u(0, 0.1)], |x| x.brier), 0.1);
    }

    #[test]
    fn parts_are_averaged_apart() {
        let u = |days, brier, log| Update {
            date: NaiveDate::from_ymd_opt(2022, 1, 1).unwrap(),
            days,
            probabilities: vec![],
            brier,
            log,
            baseline: 0.0,
        };
        let ups = [u(3, 0.5, -0.7), u(1, 0.1, -0.1), u(4, 0.2, -0.2)];
        let real = [false, true, true];
        // Real: (1·0.1 + 4·0.2) / 5 = 0.18 and (1·−0.1 + 4·−0.2) / 5 = −0.18.
        let r = part_score(&ups, |i| real[i]).unwrap();
        assert_eq!((r.assessments, r.days), (2, 5));
        assert!((r.brier - 0.18).abs() < 1e-12);
        assert!((r.log + 0.18).abs() < 1e-12);
        // Reconstructed: the first alone.
        let x = part_score(&ups, |i| !real[i]).unwrap();
        assert_eq!((x.assessments, x.days), (1, 3));
        assert!((x.brier - 0.5).abs() < 1e-12);
        assert!(part_score(&ups, |_| false).is_none());
    }

    #[test]
    fn binning() {
        let f = |p, o, w| Forecast {
            probability: p,
            outcome: o,
            weight: w,
        };
        let b = bins(&[
            f(0.05, false, 1.0),
            f(0.15, true, 1.0),
            f(0.19, false, 3.0),
            f(1.0, true, 1.0),
        ]);
        assert_eq!(b.len(), 3);
        assert_eq!(b[1].count, 2);
        assert!((b[1].weight - 4.0).abs() < 1e-12);
        assert!((b[1].observed_frequency - 0.25).abs() < 1e-12);
        assert!((b[1].mean_forecast - (0.15 + 0.57) / 4.0).abs() < 1e-12);
        assert_eq!(b[2].low, 0.9);
    }

    fn resolved(ratings: &str) -> Workspace {
        crate::load::from_files(vec![
            SourceFile {
                rel: "kzclaims.toml".into(),
                text: "title = \"t\"\nquestion = \"q\"\n[resolution]\ndate = 2024-01-11\nscenario = \"a\"\n".into(),
            },
            SourceFile {
                rel: "scenarios/s.toml".into(),
                text: "[[scenario]]\nid = \"a\"\ntitle = \"A\"\nsummary = \"s\"\n\n[[scenario]]\nid = \"b\"\ntitle = \"B\"\nsummary = \"s\"\n".into(),
            },
            SourceFile {
                rel: "claims/c.toml".into(),
                text: format!("[[source]]\nid = \"s\"\nname = \"S\"\nkind = \"media\"\nreliability = \"A\"\n\n[[claim]]\nid = \"c\"\ndate = 2024-01-01\nstatement = \"x\"\nsources = [\"s\"]\ncredibility = 1\nratings = {ratings}\n"),
            },
        ])
        .unwrap()
    }

    #[test]
    fn posterior_at_weighs_the_evidence() {
        let ws = resolved("{ a = \"C\", b = \"I\" }");
        let d = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        // η = 1: 0.8 / (0.8 + 0.2).
        assert!((posterior_at(&ws, d, 1.0)[0] - 0.8).abs() < 1e-12);
        // At the configured η (the default 0.5) it is the engine's own posterior.
        assert_eq!(configured_eta(&ws), 0.5);
        let own = super::super::assess_view(&ws, d, EngineKind::Bayes, View::Team).scores;
        for (x, y) in posterior_at(&ws, d, 0.5).iter().zip(&own) {
            assert!((x - y.probability).abs() < 1e-12);
        }
        // η = 0.5: √0.8 / (√0.8 + √0.2) = 2/3.
        assert!((posterior_at(&ws, d, 0.5)[0] - 2.0 / 3.0).abs() < 1e-12);
        let (log, brier) = question_scores_at(&ws, None, 0.5).unwrap();
        assert!((log - (2.0f64 / 3.0).ln()).abs() < 1e-12);
        assert!((brier - 2.0 / 9.0).abs() < 1e-12);
        // Not resolved by the cutoff: nothing to score.
        assert!(question_scores_at(&ws, Some(d), 0.5).is_none());
    }

    #[test]
    fn fit_picks_the_best_and_ties_go_to_the_smaller_weight() {
        let f = fit(&[resolved("{ a = \"C\", b = \"I\" }")], None).unwrap();
        assert_eq!(f.points.len(), 10);
        assert_eq!(f.points[f.best].eta, 1.0);
        assert_eq!(f.configured.eta, 0.5);
        assert!((f.configured.log - f.points[4].log).abs() < 1e-12);
        // Evidence that cannot discriminate scores the same at every η.
        let flat = fit(&[resolved("{ a = \"N\", b = \"N\" }")], None).unwrap();
        assert!(flat
            .points
            .iter()
            .all(|p| (p.log - 0.5f64.ln()).abs() < 1e-12));
        assert_eq!((flat.best, flat.best_brier), (0, 0));
        assert!(fit(&[], None).is_none());
    }
}
