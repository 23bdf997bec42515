//! The memo's data: everything a template can show, computed from an
//! [`Assessment`], with numbers both raw and already worded.

use crate::engine::{self, analysts, calibration, indicators, sensitivity, words, Assessment, Row};
use crate::model::*;
use chrono::NaiveDate;
use serde::Serialize;
use std::cmp::Ordering;

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
    /// Still open (not observed) and past its due date.
    pub overdue: bool,
    /// Not observed as of the memo's date.
    pub open: bool,
    /// The observation in force: true (seen), false (not seen), none if open.
    pub observed: Option<bool>,
    pub observed_on: Option<String>,
    pub observation_note: Option<String>,
    /// Whether the scenarios predict it differently; `None` without likelihoods.
    pub diagnostic: Option<bool>,
    /// P(observed | scenario), scenarios in rank order; empty without likelihoods.
    pub probabilities: Vec<IndicatorProbability>,
    /// "would favour `a` over `b`, `c`", or a note that it cannot discriminate.
    pub discriminates: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorProbability {
    pub scenario: String,
    pub probability: f64,
    /// "80%".
    pub percent: String,
}

/// One item of evidence named in the sensitivity section.
#[derive(Debug, Clone, Serialize)]
pub struct SensitiveItem {
    /// Claim id, or `scenario/indicator` for an observation.
    pub id: String,
    pub date: String,
    pub statement: String,
    pub url: Option<String>,
    /// Contribution to the margin over the runner-up, "+0.80".
    pub contribution: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SensitivityView {
    pub leader: String,
    pub runner_up: Option<String>,
    pub margin: f64,
    /// "2.02 (log posterior odds)".
    pub margin_text: String,
    pub tied: bool,
    /// "claim", or "claim or observation" when indicators have been observed.
    pub item_noun: &'static str,
    /// Size of the smallest deciding set; none when no set changes the leader.
    pub rests_on: Option<usize>,
    /// "The conclusion rests on 2 claims: …".
    pub summary: String,
    pub deciding: Vec<SensitiveItem>,
    /// "exact" or "greedy".
    pub method: Option<&'static str>,
    pub new_leader: Option<String>,
    pub linchpins: Vec<SensitiveItem>,
    /// Items whose deception (ratings mirrored) alone would change the leader.
    pub deception_flips: Vec<SensitiveItem>,
    /// Items whose loss of one credibility grade alone would change the leader.
    pub trust_flips: Vec<SensitiveItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DisputedCell {
    pub claim: String,
    pub scenario: String,
    /// "Alice C, Bob II".
    pub votes: String,
    pub consensus: String,
    pub disagreement: f64,
    pub disagreement_text: String,
    /// "mild dispute", "large dispute", "extreme dispute".
    pub label: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnalystRow {
    pub name: String,
    /// Percent per scenario, in the order of `AnalystsView::scenarios`.
    pub percents: Vec<String>,
    pub probabilities: Vec<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnalystsView {
    pub names: Vec<String>,
    /// Scenario ids in rank order (the columns).
    pub scenarios: Vec<String>,
    /// Bayesian posterior of each analyst's view.
    pub rows: Vec<AnalystRow>,
    /// The linear pool: the mean of the analysts' posteriors.
    pub pooled: AnalystRow,
    pub cells_rated: usize,
    /// Cells not in consensus, most disputed first.
    pub disputed: Vec<DisputedCell>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CalibrationScores {
    pub view: String,
    pub brier: String,
    pub log: String,
    pub baseline: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResolvedIndicator {
    pub scenario: String,
    pub id: String,
    pub text: String,
    pub date: String,
    pub observed: bool,
    /// Probability of observing it the day before, "62%".
    pub forecast: String,
    pub brier: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CalibrationView {
    /// When the question resolved (as of the memo's date).
    pub resolved: Option<String>,
    pub outcome: Option<String>,
    pub outcome_title: Option<String>,
    /// Time-averaged scores: team first, then analysts and their pool.
    pub scores: Vec<CalibrationScores>,
    pub indicators: Vec<ResolvedIndicator>,
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
    /// The probability at each end of the band (low η first).
    pub band: [f64; 2],
    /// "58%", "99%": the band's two ends as percents (low η first).
    pub band_percents: [String; 2],
    /// The judgment in words, with the band: "likely [55–80%] (72%; 58% if the
    /// evidence is strongly dependent, 99% if it were fully independent)".
    pub judgment: String,
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
    /// The day the source's report appeared (`published`), if given.
    pub published: Option<String>,
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
    /// `[scoring] evidence_weight`.
    pub evidence_weight: f64,
    /// `[scoring] band`.
    pub band_eta: [f64; 2],
    /// Whether the leading scenario is the same at both ends of the band.
    pub band_leader_holds: bool,
    /// How the numbers treat dependent evidence, in two sentences.
    pub dependence_note: String,
    pub confidence: &'static str,
    pub confidence_basis: String,
    /// Whether the other engine agrees on the leading scenario, in a sentence.
    pub cross_check: String,
    pub leader: ScenarioView,
    pub scenarios: Vec<ScenarioView>,
    /// Every indicator, open ones first by due date.
    pub indicators: Vec<IndicatorView>,
    pub open_indicators: Vec<IndicatorView>,
    pub observed_indicators: Vec<IndicatorView>,
    /// What to find out next: the open indicators that would tell the most.
    pub collect: crate::report::collect::CollectView,
    pub sensitivity: SensitivityView,
    /// Present when claims carry [[claim.assessment]] by named analysts.
    pub analysts: Option<AnalystsView>,
    /// Present when the question or an indicator has resolved.
    pub calibration: Option<CalibrationView>,
    pub sources: Vec<SourceView>,
    pub claims_in_force: usize,
    pub claims_retracted: usize,
    pub claims_diagnostic: usize,
    /// Filled by `brief --since`.
    pub since: Option<serde_json::Value>,
    /// The evidence matrix: claims × scenarios, most diagnostic first; filled
    /// for the HTML report and the JSON (see [`with_visuals`]).
    pub matrix: Option<super::matrix::MatrixView>,
    /// The marking as a CSS string (for `@page` margin boxes in print).
    pub marking_css: String,
    /// Inline charts; filled for the HTML report.
    pub charts: Option<super::matrix::Charts>,
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

/// What the low end of the band stands for, in words.
fn low_end_words(ws: &Workspace) -> String {
    let lo = ws.config.band[0];
    if lo < ws.config.evidence_weight {
        "if the evidence is strongly dependent".into()
    } else {
        format!("at evidence weight {lo}")
    }
}

/// What the high end of the band stands for, in words.
fn high_end_words(ws: &Workspace) -> String {
    let hi = ws.config.band[1];
    if hi >= 1.0 {
        "if it were fully independent".into()
    } else if hi > ws.config.evidence_weight {
        format!("if it were less dependent (evidence weight {hi})")
    } else {
        format!("at evidence weight {hi}")
    }
}

/// "likely [55–80%] (72%; 58% if the evidence is strongly dependent, 99% if it
/// were fully independent)": the ICD 203 word follows the configured number;
/// the band follows in plain words.
fn judgment(ws: &Workspace, p: f64, band: [f64; 2]) -> String {
    format!(
        "{} ({}; {} {}, {} {})",
        words::icd203(p).with_range(),
        percent(p),
        percent(band[0]),
        low_end_words(ws),
        percent(band[1]),
        high_end_words(ws)
    )
}

/// "(3%; between <1% and 13% depending on how dependent the evidence is)".
/// The range covers the stated figure too: the posterior need not move
/// monotonically with the evidence weight, so the band's ends alone can both
/// sit below (or above) it.
fn band_span(p: f64, band: [f64; 2]) -> String {
    let lo = band[0].min(band[1]).min(p);
    let hi = band[0].max(band[1]).max(p);
    if percent(lo) == percent(hi) {
        format!(
            "({}, the same however dependent the evidence is)",
            percent(p)
        )
    } else {
        format!(
            "({}; between {} and {} depending on how dependent the evidence is)",
            percent(p),
            percent(lo),
            percent(hi)
        )
    }
}

/// The sources of a claim in force that had appeared by `as_of`: the memo
/// cites no report published after its date (docs/format.md, `published`).
fn sources_by<'w>(ws: &'w Workspace, row: &Row, as_of: NaiveDate) -> Vec<&'w str> {
    row.state
        .sources(ws)
        .iter()
        .filter(|s| ws.source(s).is_none_or(|s| s.published_by(as_of)))
        .map(String::as_str)
        .collect()
}

fn evidence(ws: &Workspace, row: &Row, j: usize, weight: f64, as_of: NaiveDate) -> Evidence {
    let c = &ws.claims[row.state.claim];
    let sid = &ws.scenarios[j].id;
    Evidence {
        id: c.id.clone(),
        date: c.date.to_string(),
        statement: row.state.statement(ws).to_string(),
        url: row.state.url(ws).map(str::to_string),
        sources: sources_by(ws, row, as_of)
            .into_iter()
            .map(|s| {
                ws.source(s)
                    .map(|s| s.name.clone())
                    .unwrap_or_else(|| s.to_string())
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

/// For and against lists of every scenario (in `ws.scenarios` order): among
/// claims rated consistent (CC, C) with the scenario, those whose centred
/// log-likelihood is largest; among claims rated inconsistent (I, II), those
/// whose centred log-likelihood is smallest; three each. N and NA ratings are
/// never listed: they are neither for nor against.
fn for_against(ws: &Workspace, a: &Assessment) -> Vec<(Vec<Evidence>, Vec<Evidence>)> {
    type Best<'r> = Vec<(f64, &'r Row)>;
    /// Keep `x` if it is among the first three under `first` (ties by id).
    fn keep<'r>(
        ws: &Workspace,
        best: &mut Best<'r>,
        x: (f64, &'r Row),
        first: fn(f64, f64) -> Ordering,
    ) {
        let id = |r: &Row| ws.claims[r.state.claim].id.as_str();
        let order =
            |x: &(f64, &Row), y: &(f64, &Row)| first(x.0, y.0).then_with(|| id(x.1).cmp(id(y.1)));
        if best.len() == EVIDENCE_PER_SIDE
            && order(&x, &best[EVIDENCE_PER_SIDE - 1]) != Ordering::Less
        {
            return;
        }
        let at = best.partition_point(|y| order(y, &x) == Ordering::Less);
        best.insert(at, x);
        best.truncate(EVIDENCE_PER_SIDE);
    }
    let largest: fn(f64, f64) -> Ordering = |x, y| y.total_cmp(&x);
    let smallest: fn(f64, f64) -> Ordering = |x, y| x.total_cmp(&y);
    let n = ws.scenarios.len();
    let mut support: Vec<Best> = vec![Vec::with_capacity(EVIDENCE_PER_SIDE + 1); n];
    let mut against: Vec<Best> = vec![Vec::with_capacity(EVIDENCE_PER_SIDE + 1); n];
    // One pass over the rows for every scenario and both sides, keeping the
    // first three of each as it goes: a large record has a hundred thousand
    // rows, and few can be listed.
    for r in &a.rows {
        let Some(l) = &r.log_l else {
            continue;
        };
        let mean = l.iter().sum::<f64>() / l.len() as f64;
        for (j, (&lj, &rating)) in l.iter().zip(&r.state.ratings).enumerate() {
            let w = lj - mean;
            match rating {
                Rating::CC | Rating::C if w > 1e-9 => keep(ws, &mut support[j], (w, r), largest),
                Rating::I | Rating::II if w < -1e-9 => keep(ws, &mut against[j], (w, r), smallest),
                _ => {}
            }
        }
    }
    let listed = |best: Best, j: usize| {
        best.into_iter()
            .map(|(w, r)| evidence(ws, r, j, w, a.as_of))
            .collect::<Vec<_>>()
    };
    support
        .into_iter()
        .zip(against)
        .enumerate()
        .map(|(j, (s, x))| (listed(s, j), listed(x, j)))
        .collect()
}

/// Add what only the HTML report (and the JSON) shows: the evidence matrix
/// and the inline charts. Kept out of the plain memo, whose template never
/// reads them, so that a large record does not pay for them there.
pub fn with_visuals(mut ctx: MemoContext, ws: &Workspace, a: &Assessment) -> MemoContext {
    ctx.matrix = Some(super::matrix::matrix_view(ws, a));
    ctx.charts = Some(super::matrix::charts(ws, a));
    ctx
}

/// Build the memo context for an assessment.
pub fn memo_context(ws: &Workspace, a: &Assessment) -> MemoContext {
    analyse_and_context(ws, a).1
}

/// The sensitivity analysis of `a` and the memo context built with it
/// (`check` uses both). On several cores the analysis runs beside the rest
/// of the context (the indicators' calibration is its other long part).
pub fn analyse_and_context(
    ws: &Workspace,
    a: &Assessment,
) -> (sensitivity::Sensitivity, MemoContext) {
    let (sens, finish) = if rayon::current_num_threads() > 1 {
        rayon::join(|| sensitivity::analyse(ws, a), || context_parts(ws, a))
    } else {
        (sensitivity::analyse(ws, a), context_parts(ws, a))
    };
    let ctx = finish(sensitivity_view(ws, a, &sens));
    (sens, ctx)
}

/// Everything in the memo context but the sensitivity analysis's view, which
/// the returned function takes to complete it (so that the two can be made
/// side by side).
fn context_parts<'a>(
    ws: &'a Workspace,
    a: &'a Assessment,
) -> impl FnOnce(SensitivityView) -> MemoContext + Send + 'a {
    let calibration = calibration_view(ws, a);
    let ranking = a.ranking();
    let mut lists = for_against(ws, a);
    let scenarios: Vec<ScenarioView> = ranking
        .iter()
        .map(|&j| {
            let s = &ws.scenarios[j];
            let sc = &a.scores[j];
            let w = words::icd203(sc.probability);
            let (support, against) = std::mem::take(&mut lists[j]);
            ScenarioView {
                id: s.id.clone(),
                title: s.title_as_of(a.as_of).to_string(),
                summary: s.summary_as_of(a.as_of).to_string(),
                proponents: s.proponents_as_of(a.as_of),
                rank: sc.rank,
                prior: sc.prior,
                probability: sc.probability,
                percent: percent(sc.probability),
                term: w.term,
                term_range: w.with_range(),
                band: sc.band,
                band_percents: [percent(sc.band[0]), percent(sc.band[1])],
                judgment: judgment(ws, sc.probability, sc.band),
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
    let other_leader = a.leader_under(ws, other);
    let cross_check = match other_leader {
        Some(j) if j == ranking[0] => format!("Ranking by {other_name} puts the same scenario first."),
        Some(j) => format!(
            "Ranking by {other_name} puts “{}” first instead: the two methods disagree, so read the evidence below with care.",
            ws.scenarios[j].title_as_of(a.as_of)
        ),
        None => String::new(),
    };
    let conf = engine::confidence(ws, a, other_leader);
    let (band_lo_leader, band_hi_leader) = a.band_leaders(ws);
    let band_leader_holds = band_lo_leader == a.leader() && band_hi_leader == a.leader();
    let [eta_lo, eta_hi] = ws.config.band;
    let dependence_note = format!(
        "{} The evidence counts at weight {} against fully independent observations; each number is also given at weight {} (strongly dependent evidence) and {}{}.",
        if ws.groups.is_empty() {
            "No claims are marked as reporting the same event or coming through the same channel, so each counts on its own."
        } else {
            "Reports of one event or from one channel count once: each group of related claims by the mean of its members."
        },
        ws.config.evidence_weight,
        eta_lo,
        eta_hi,
        if band_leader_holds {
            ": the leading scenario is the same across that range".to_string()
        } else {
            let name = |j: Option<usize>| j.map(|j| format!("“{}”", ws.scenarios[j].title_as_of(a.as_of))).unwrap_or_default();
            format!(
                ": the lead changes across that range ({} leads at weight {}, {} at weight {}), so the ranking depends on how independent the evidence is",
                name(band_lo_leader),
                eta_lo,
                name(band_hi_leader),
                eta_hi
            )
        }
    );
    let in_force: Vec<&Row> = a.rows.iter().filter(|r| r.counts()).collect();
    let diag: Vec<&&Row> = in_force.iter().filter(|r| r.diagnostic).collect();
    let mean_trust = if diag.is_empty() {
        0.0
    } else {
        diag.iter().map(|r| r.trust).sum::<f64>() / diag.len() as f64
    };
    let basis = format!(
        "{} diagnostic claims in force, mean trust {:.2}{}",
        diag.len(),
        mean_trust,
        if band_leader_holds {
            ""
        } else {
            "; the leading scenario changes with the weight given to dependent evidence, so confidence cannot be high"
        }
    );
    let runner = scenarios.get(1);
    let bluf = match (a.engine, runner) {
        (EngineKind::Bayes, Some(r)) => format!(
            "As of {}, the best-supported explanation is “{}”: {}. Next comes “{}”: {} {}.",
            a.as_of,
            leader.title,
            leader.judgment,
            r.title,
            r.term_range,
            band_span(r.probability, r.band)
        ),
        (EngineKind::Ach, Some(r)) => format!(
            "As of {}, the evidence is least inconsistent with “{}” (weighted inconsistency {}), ahead of “{}” ({}).",
            a.as_of, leader.title, leader.weighted_inconsistency_text, r.title, r.weighted_inconsistency_text
        ),
        (_, None) => format!("As of {}, the only scenario considered is “{}”.", a.as_of, leader.title),
    };
    let rk = ranking.as_slice();
    let mut indicators: Vec<IndicatorView> = rk
        .iter()
        .flat_map(|&j| {
            ws.scenarios[j]
                .indicators
                .iter()
                .map(move |i| indicator_view(ws, a, rk, j, i))
        })
        .collect();
    indicators.sort_by(|x, y| {
        (!x.open, x.due.is_none(), &x.due, &x.scenario, &x.id).cmp(&(
            !y.open,
            y.due.is_none(),
            &y.due,
            &y.scenario,
            &y.id,
        ))
    });
    let open_indicators = indicators.iter().filter(|i| i.open).cloned().collect();
    let mut observed_indicators: Vec<IndicatorView> =
        indicators.iter().filter(|i| !i.open).cloned().collect();
    observed_indicators.sort_by(|x, y| {
        (&x.observed_on, &x.scenario, &x.id).cmp(&(&y.observed_on, &y.scenario, &y.id))
    });
    // How many claims in the record cite each source: one pass over the
    // claims (not one per source).
    let mut cited: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for r in &a.rows {
        let mut ids = sources_by(ws, r, a.as_of);
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            *cited.entry(id).or_default() += 1;
        }
    }
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
            published: s.published.map(|d| d.to_string()),
            cited_by: cited.get(s.id.as_str()).copied().unwrap_or(0),
        })
        .filter(|s| s.cited_by > 0)
        .collect();
    sources.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    let collect = collect_view(ws, a);
    let analysts = analysts_view(ws, a, &ranking);
    let (claims_in_force, claims_diagnostic) = (in_force.len(), diag.len());
    move |sensitivity| MemoContext {
        title: ws.config.title.clone(),
        question: ws.config.question.clone(),
        as_of: a.as_of.to_string(),
        engine: a.engine.as_str(),
        marking: ws.config.memo.marking.clone(),
        author: ws.config.memo.author.clone(),
        organization: ws.config.memo.organization.clone(),
        bluf,
        evidence_weight: ws.config.evidence_weight,
        band_eta: ws.config.band,
        band_leader_holds,
        dependence_note,
        confidence: conf.as_str(),
        confidence_basis: basis,
        cross_check,
        leader,
        scenarios,
        indicators,
        open_indicators,
        observed_indicators,
        collect,
        sensitivity,
        analysts,
        calibration,
        sources,
        claims_in_force,
        claims_retracted: a.rows.len() - claims_in_force,
        claims_diagnostic,
        since: None,
        matrix: None,
        marking_css: super::matrix::css_string(&ws.config.memo.marking),
        charts: None,
    }
}

fn collect_view(ws: &Workspace, a: &Assessment) -> crate::report::collect::CollectView {
    crate::report::collect::memo_view(ws, &engine::collect::analyse_assessment(ws, a))
}

fn indicator_view(
    ws: &Workspace,
    a: &Assessment,
    ranking: &[usize],
    j: usize,
    i: &Indicator,
) -> IndicatorView {
    let s = &ws.scenarios[j];
    let obs = i.observation_as_of(a.as_of).map(|x| x.1);
    let p = indicators::p_observed(ws, j, i);
    let probabilities: Vec<IndicatorProbability> = match &p {
        Some(p) => ranking
            .iter()
            .map(|&k| IndicatorProbability {
                scenario: ws.scenarios[k].id.clone(),
                probability: p[k],
                percent: percent(p[k]),
            })
            .collect(),
        None => Vec::new(),
    };
    let discriminates = match &p {
        None => format!("would support: {}", s.title_as_of(a.as_of)),
        Some(p) if !indicators::is_diagnostic(p) => {
            "every scenario predicts it equally: it cannot discriminate".to_string()
        }
        Some(p) => {
            let max = p.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let min = p.iter().copied().fold(f64::INFINITY, f64::min);
            let ids = |v: f64| -> String {
                ranking
                    .iter()
                    .filter(|&&k| (p[k] - v).abs() <= 1e-12)
                    .map(|&k| format!("`{}`", ws.scenarios[k].id))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            format!(
                "seeing it would favour {} ({}) over {} ({})",
                ids(max),
                percent(max),
                ids(min),
                percent(min)
            )
        }
    };
    IndicatorView {
        scenario: s.id.clone(),
        scenario_title: s.title_as_of(a.as_of).to_string(),
        id: i.id.clone(),
        text: i.text.clone(),
        due: i.due.map(|d| d.to_string()),
        overdue: obs.is_none() && i.due.is_some_and(|d| d < a.as_of),
        open: obs.is_none(),
        observed: obs.map(|o| o.observed),
        observed_on: obs.map(|o| o.date.to_string()),
        observation_note: obs.and_then(|o| o.note.clone()),
        diagnostic: p.as_ref().map(|p| indicators::is_diagnostic(p)),
        probabilities,
        discriminates,
    }
}

fn sensitive_item(ws: &Workspace, a: &Assessment, e: &sensitivity::Effect) -> SensitiveItem {
    let (statement, url) = match e.kind {
        sensitivity::ItemKind::Claim(c) => {
            let st = a
                .rows
                .iter()
                .find(|r| r.state.claim == c)
                .map(|r| r.state.statement(ws).to_string())
                .unwrap_or_else(|| ws.claims[c].statement.clone());
            (st, ws.claims[c].url.clone())
        }
        sensitivity::ItemKind::Indicator {
            scenario,
            indicator,
        } => {
            let ind = &ws.scenarios[scenario].indicators[indicator];
            let seen = ind
                .observation_as_of(a.as_of)
                .is_some_and(|(_, o)| o.observed);
            (
                format!(
                    "{} ({})",
                    ind.text,
                    if seen { "observed" } else { "not observed" }
                ),
                None,
            )
        }
    };
    SensitiveItem {
        id: e.kind.label(ws),
        date: crate::report::sensitivity::item_date(ws, a, e.kind),
        statement,
        url,
        contribution: format!("{:+.2}", e.contribution),
    }
}

fn sensitivity_view(
    ws: &Workspace,
    a: &Assessment,
    s: &sensitivity::Sensitivity,
) -> SensitivityView {
    let item = |e: &sensitivity::Effect| sensitive_item(ws, a, e);
    SensitivityView {
        leader: ws.scenarios[s.leader].id.clone(),
        runner_up: s.runner_up.map(|b| ws.scenarios[b].id.clone()),
        margin: s.margin,
        margin_text: format!(
            "{:.2} ({})",
            s.margin,
            crate::report::sensitivity::margin_kind(a.engine)
        ),
        tied: s.tied,
        item_noun: if s.effects.iter().all(|e| e.kind.is_claim()) {
            "claim"
        } else {
            "claim or observation"
        },
        rests_on: s.deciding.as_ref().map(|d| d.items.len()),
        summary: crate::report::sensitivity::summary(ws, s).replace('`', ""),
        deciding: s
            .deciding
            .iter()
            .flat_map(|d| d.items.iter().map(|&i| item(&s.effects[i])))
            .collect(),
        method: s.deciding.as_ref().map(|d| d.method.as_str()),
        new_leader: s
            .deciding
            .as_ref()
            .map(|d| ws.scenarios[d.new_leader].id.clone()),
        linchpins: s.linchpins().map(item).collect(),
        deception_flips: s
            .effects
            .iter()
            .filter(|e| e.deception.flips && !s.tied)
            .map(item)
            .collect(),
        trust_flips: s
            .effects
            .iter()
            .filter(|e| e.trust_drop.as_ref().is_some_and(|v| v.flips) && !s.tied)
            .map(item)
            .collect(),
    }
}

fn analysts_view(ws: &Workspace, a: &Assessment, ranking: &[usize]) -> Option<AnalystsView> {
    let names = ws.analysts();
    if names.is_empty() {
        return None;
    }
    let (per, pooled) = engine::analyst_posteriors(ws, a.as_of);
    let row = |name: String, p: &[f64]| AnalystRow {
        name,
        percents: ranking.iter().map(|&k| percent(p[k])).collect(),
        probabilities: ranking.iter().map(|&k| p[k]).collect(),
    };
    let cells = analysts::cells(ws);
    let cells_rated = cells.len();
    let mut disputed: Vec<DisputedCell> = cells
        .into_iter()
        .filter(|c| c.label != "consensus" && ws.claims[c.claim].effective <= a.as_of)
        .map(|c| DisputedCell {
            claim: ws.claims[c.claim].id.clone(),
            scenario: ws.scenarios[c.scenario].id.clone(),
            votes: c
                .votes
                .iter()
                .map(|(n, r)| format!("{n} {r}"))
                .collect::<Vec<_>>()
                .join(", "),
            consensus: c.consensus.to_string(),
            disagreement: c.disagreement,
            disagreement_text: format!("{:.2}", c.disagreement),
            label: c.label,
        })
        .collect();
    disputed.sort_by(|x, y| {
        y.disagreement
            .total_cmp(&x.disagreement)
            .then_with(|| (&x.claim, &x.scenario).cmp(&(&y.claim, &y.scenario)))
    });
    Some(AnalystsView {
        names: names.clone(),
        scenarios: ranking
            .iter()
            .map(|&k| ws.scenarios[k].id.clone())
            .collect(),
        rows: per.iter().map(|(n, p)| row(n.clone(), p)).collect(),
        pooled: row("pooled".into(), &pooled),
        cells_rated,
        disputed,
    })
}

fn score_text(x: f64, decimals: usize) -> String {
    crate::report::calibration::num(x, decimals)
}

fn calibration_view(ws: &Workspace, a: &Assessment) -> Option<CalibrationView> {
    let q = calibration::question_scores(ws, Some(a.as_of));
    let ind = calibration::indicator_forecasts(ws, Some(a.as_of));
    if q.is_none() && ind.is_empty() {
        return None;
    }
    let outcome = q.as_ref().map(|(o, _)| &ws.scenarios[*o]);
    Some(CalibrationView {
        resolved: q
            .as_ref()
            .and(ws.config.resolution.as_ref())
            .map(|r| r.date.to_string()),
        outcome: outcome.map(|s| s.id.clone()),
        outcome_title: outcome.map(|s| s.title_as_of(a.as_of).to_string()),
        scores: q
            .iter()
            .flat_map(|(_, views)| views.iter())
            .map(|v| CalibrationScores {
                view: v.view.clone(),
                brier: score_text(v.brier, 3),
                log: score_text(v.log, 3),
                baseline: score_text(v.baseline, 1),
            })
            .collect(),
        indicators: ind
            .iter()
            .map(|f| {
                let s = &ws.scenarios[f.scenario];
                let i = &s.indicators[f.indicator];
                ResolvedIndicator {
                    scenario: s.id.clone(),
                    id: i.id.clone(),
                    text: i.text.clone(),
                    date: f.date.to_string(),
                    observed: f.observed,
                    forecast: percent(f.probability),
                    brier: score_text(f.brier, 3),
                }
            })
            .collect(),
    })
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
