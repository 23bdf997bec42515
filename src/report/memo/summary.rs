//! The memo's reading of the assessment, in sentences and lists: each
//! scenario with its evidence, the bottom line up front, the cross-check
//! against the other engine, the note on dependent sources, the indicators
//! and the sources cited. Assembled into the context by [`super::context`].

use crate::engine::{self, indicators, words, Assessment, Row};
use crate::model::*;
use crate::report::format::percent;
use chrono::NaiveDate;
use serde::Serialize;
use std::cmp::Ordering;

/// One claim listed for or against a scenario in the memo.
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    /// Claim id.
    pub id: String,
    /// The claim's date, `YYYY-MM-DD`.
    pub date: String,
    /// The claim's statement as revised by the memo's date.
    pub statement: String,
    /// The claim's citation as revised, if any.
    pub url: Option<String>,
    /// Names of the sources it cites.
    pub sources: Vec<String>,
    /// Its rating against this scenario (`CC`…`II`).
    pub rating: String,
    /// Why it is rated so: the revision's note or the claim's rationale, if any.
    pub rationale: Option<String>,
    /// The claim's trust in [0, 1], from its sources' reliability and its credibility (docs/scoring.md).
    pub trust: f64,
    /// Centred log-likelihood: log L''_j minus the row's mean.
    pub weight: f64,
}

/// One indicator as the memo shows it.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorView {
    /// Id of the scenario the indicator belongs to.
    pub scenario: String,
    /// That scenario's title as of the memo's date.
    pub scenario_title: String,
    /// Indicator id, unique within its scenario.
    pub id: String,
    /// What would be observed.
    pub text: String,
    /// When we expect to know, `YYYY-MM-DD`, if given.
    pub due: Option<String>,
    /// Where one would look for it.
    pub look: Option<String>,
    /// Open, and expected under one of the two leading scenarios and not
    /// under the other (engine::indicators::separating).
    pub separates_top_two: bool,
    /// Still open (not observed) and past its due date.
    pub overdue: bool,
    /// Not observed as of the memo's date.
    pub open: bool,
    /// The observation in force: true (seen), false (not seen), none if open.
    pub observed: Option<bool>,
    /// Date of the observation in force, `YYYY-MM-DD`; none if open.
    pub observed_on: Option<String>,
    /// The observation's note, if any.
    pub observation_note: Option<String>,
    /// Whether the scenarios predict it differently; `None` without likelihoods.
    pub diagnostic: Option<bool>,
    /// P(observed | scenario), scenarios in rank order; empty without likelihoods.
    pub probabilities: Vec<IndicatorProbability>,
    /// "would favour `a` over `b`, `c`", or a note that it cannot discriminate.
    pub discriminates: String,
}

/// P(observed | one scenario).
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorProbability {
    /// Scenario id.
    pub scenario: String,
    /// The probability, 0–1.
    pub probability: f64,
    /// "80%".
    pub percent: String,
}

/// One scenario as the memo shows it, with its figures as of the memo's date.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioView {
    /// Scenario id.
    pub id: String,
    /// Title as of the memo's date (revisions applied).
    pub title: String,
    /// Summary as of the memo's date.
    pub summary: String,
    /// Proponents in force on the memo's date.
    pub proponents: Vec<String>,
    /// Rank, 1 for the leader.
    pub rank: usize,
    /// Prior probability (after sharing the remainder).
    pub prior: f64,
    /// Posterior probability, 0–1, at the workspace's evidence weight.
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
    /// The range low to high: "58%–98%".
    pub range: String,
    /// The judgment in words, with one range: "likely: 72%, between 58% and
    /// 99% depending on how much the sources depend on each other" (under
    /// ACH: the weighted inconsistency, the Bayesian figure labelled).
    pub judgment: String,
    /// ACH inconsistency: Σ over claims in force of I = 1, II = 2 against it.
    pub inconsistency: u32,
    /// ACH weighted inconsistency (docs/scoring.md).
    pub weighted_inconsistency: f64,
    /// The weighted inconsistency as printed ("1.41").
    pub weighted_inconsistency_text: String,
    /// The claims that most support it, strongest first.
    pub support: Vec<Evidence>,
    /// The claims that most count against it, strongest first.
    pub against: Vec<Evidence>,
}

/// One source cited in the record, as the memo lists it.
#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    /// Source id.
    pub id: String,
    /// The source's full name.
    pub name: String,
    /// The source's home page, if given.
    pub url: Option<String>,
    /// What sort of outlet it is.
    pub kind: SourceKind,
    /// Admiralty reliability grade, `A`–`F`.
    pub reliability: &'static str,
    /// The grade's wording ("usually reliable").
    pub reliability_label: &'static str,
    /// The day the source's report appeared (`published`), if given.
    pub published: Option<String>,
    /// How many claims cite it.
    pub cited_by: usize,
}

const EVIDENCE_PER_SIDE: usize = 3;

/// Why the figures have a range, said once per memo.
pub const RANGE_WHY: &str = "depending on how much the sources depend on each other";

/// The range of a figure, low to high: the band's two ends and the figure
/// itself (the posterior need not move monotonically with the evidence
/// weight, so the band's ends alone can both sit below or above it).
pub fn range_ends(p: f64, band: [f64; 2]) -> (f64, f64) {
    (band[0].min(band[1]).min(p), band[0].max(band[1]).max(p))
}

/// "between 58% and 98%" (with [`RANGE_WHY`] after it when `why`), or "the
/// same however much the sources depend on each other".
pub fn range_words(p: f64, band: [f64; 2], why: bool) -> String {
    let (lo, hi) = range_ends(p, band);
    if percent(lo) == percent(hi) {
        "the same however much the sources depend on each other".into()
    } else if why {
        format!("between {} and {} {RANGE_WHY}", percent(lo), percent(hi))
    } else {
        format!("between {} and {}", percent(lo), percent(hi))
    }
}

/// "very likely, 84% (between 58% and 98% depending on how much the sources
/// depend on each other)": the ICD 203 word, the figure, one range low to high.
pub fn judgment(p: f64, band: [f64; 2]) -> String {
    format!(
        "{}, {} ({})",
        words::icd203(p).term,
        percent(p),
        range_words(p, band, true)
    )
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

/// The reason for a claim's rating against scenario `k`: the note of the
/// latest revision in force that set that rating, else the claim's rationale
/// for `k` (which speaks for its first ratings). A rationale written for the
/// first rating would otherwise stand beside a revised rating it contradicts.
pub(super) fn rating_reason(
    ws: &Workspace,
    claim: &Claim,
    row: Option<&Row>,
    k: usize,
) -> Option<String> {
    let applied = row.map_or(0, |r| r.state.revisions_applied);
    claim.revisions[..applied.min(claim.revisions.len())]
        .iter()
        .rev()
        .find(|v| v.ratings.get(k).is_some())
        .map(|v| v.note.clone())
        .or_else(|| claim.rationale.get(&ws.scenarios[k].id).cloned())
}

fn evidence(ws: &Workspace, row: &Row, j: usize, weight: f64, as_of: NaiveDate) -> Evidence {
    let c = &ws.claims[row.state.claim];
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
        rationale: rating_reason(ws, c, Some(row), j).or_else(|| c.rationale.get("").cloned()),
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

/// Scenario indices in `engine`'s own order (ties by id).
fn order_under(ws: &Workspace, a: &Assessment, engine: EngineKind) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..a.scores.len()).collect();
    idx.sort_by(|&x, &y| {
        engine::engine_order(engine, &a.scores[x], &a.scores[y])
            .then_with(|| ws.scenarios[x].id.cmp(&ws.scenarios[y].id))
    });
    idx
}

/// The scenarios `engine` cannot tell apart from its first (the first included).
pub(super) fn tied_first(ws: &Workspace, a: &Assessment, engine: EngineKind) -> Vec<usize> {
    let order = order_under(ws, a, engine);
    let Some(&first) = order.first() else {
        return Vec::new();
    };
    order
        .into_iter()
        .take_while(|&j| {
            engine::engine_order(engine, &a.scores[first], &a.scores[j]) == Ordering::Equal
        })
        .collect()
}

/// “Title”, “Title” and “Title”.
fn titles(ws: &Workspace, js: &[usize], as_of: NaiveDate) -> String {
    let t: Vec<String> = js
        .iter()
        .map(|&j| format!("“{}”", ws.scenarios[j].title_as_of(as_of)))
        .collect();
    match t.len() {
        0 => String::new(),
        1 => t[0].clone(),
        n => format!("{} and {}", t[..n - 1].join(", "), t[n - 1]),
    }
}

/// "half the weight", "a quarter of the weight", "the full weight", else
/// "0.4 times the weight".
fn eta_words(eta: f64) -> String {
    if (eta - 0.5).abs() < 1e-12 {
        "half the weight".into()
    } else if (eta - 0.25).abs() < 1e-12 {
        "a quarter of the weight".into()
    } else if (eta - 1.0).abs() < 1e-12 {
        "the full weight".into()
    } else {
        format!("{eta} times the weight")
    }
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
                    .map(|&k| ws.scenarios[k].id.clone())
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
        look: i.look.clone(),
        separates_top_two: false,
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

/// Each scenario in rank order, with the evidence for and against it.
pub(super) fn scenario_views(
    ws: &Workspace,
    a: &Assessment,
    ranking: &[usize],
) -> Vec<ScenarioView> {
    let mut lists = for_against(ws, a);
    ranking
        .iter()
        .map(|&j| {
            let s = &ws.scenarios[j];
            let sc = &a.scores[j];
            let w = words::icd203(sc.probability);
            let (support, against) = std::mem::take(&mut lists[j]);
            let (lo, hi) = range_ends(sc.probability, sc.band);
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
                range: if percent(lo) == percent(hi) {
                    percent(lo)
                } else {
                    format!("{}–{}", percent(lo), percent(hi))
                },
                judgment: match a.engine {
                    EngineKind::Bayes => judgment(sc.probability, sc.band),
                    EngineKind::Ach => format!(
                        "weighted inconsistency {:.2} (the Bayesian reading, for comparison only: {}, {})",
                        sc.weighted_inconsistency, w.term, percent(sc.probability)
                    ),
                },
                inconsistency: sc.inconsistency,
                weighted_inconsistency: sc.weighted_inconsistency,
                weighted_inconsistency_text: format!("{:.2}", sc.weighted_inconsistency),
                support,
                against,
            }
        })
        .collect()
}

/// What the other engine says about the leader, in one sentence (empty when
/// there is nothing to compare).
pub(super) fn cross_check(
    ws: &Workspace,
    a: &Assessment,
    ranking: &[usize],
    other: EngineKind,
    own_tie: &[usize],
    other_tie: &[usize],
    empty: bool,
) -> String {
    let other_leader = other_tie.first().copied();
    let other_name = match other {
        EngineKind::Bayes => "the Bayesian engine's probabilities",
        EngineKind::Ach => "ACH's weighted inconsistency",
    };
    if empty || ranking.len() < 2 {
        String::new()
    } else if other_tie.len() > 1 {
        let wi = |j: usize| a.scores[j].weighted_inconsistency;
        match other {
            EngineKind::Ach => format!(
                "ACH's weighted inconsistency cannot separate {} ({:.2} each).",
                titles(ws, other_tie, a.as_of),
                wi(other_tie[0])
            ),
            EngineKind::Bayes => format!(
                "The Bayesian engine's probabilities cannot separate {} ({} each).",
                titles(ws, other_tie, a.as_of),
                percent(a.scores[other_tie[0]].probability)
            ),
        }
    } else if own_tie.len() > 1 {
        match other_leader {
            Some(j) => format!(
                "Ranking by {other_name} puts “{}” first.",
                ws.scenarios[j].title_as_of(a.as_of)
            ),
            None => String::new(),
        }
    } else {
        match other_leader {
            Some(j) if j == ranking[0] => format!("Ranking by {other_name} puts the same scenario first."),
            Some(j) => format!(
                "Ranking by {other_name} puts “{}” first instead: the two methods disagree, so read the evidence below with care.",
                ws.scenarios[j].title_as_of(a.as_of)
            ),
            None => String::new(),
        }
    }
}

/// Whether the leader holds across the band of evidence weights, and the
/// note on how much the sources depend on each other.
pub(super) fn dependence_note(ws: &Workspace, a: &Assessment, empty: bool) -> (bool, String) {
    // The Bayesian leader at the configured weight and at the band's ends.
    let bayes_leader = match a.engine {
        EngineKind::Bayes => a.leader(),
        EngineKind::Ach => order_under(ws, a, EngineKind::Bayes).first().copied(),
    };
    let (band_lo_leader, band_hi_leader) = a.band_leaders(ws);
    let band_leader_holds = band_lo_leader == bayes_leader && band_hi_leader == bayes_leader;
    let [eta_lo, eta_hi] = ws.config.band;
    let dependence_note = if empty {
        String::new()
    } else {
        format!(
        "{} How much the rest depend on each other is not known: the figures count the evidence at {} of fully independent reports, and each range runs from weight {} (strongly dependent) to {} ({}){}.",
        if ws.groups.is_empty() {
            "No claims are marked as reporting the same event or coming through the same channel, so each counts on its own."
        } else {
            "Reports of one event, or from one channel, count once together."
        },
        eta_words(ws.config.evidence_weight),
        eta_lo,
        eta_hi,
        if eta_hi >= 1.0 { "fully independent" } else { "less dependent" },
        if band_leader_holds {
            "; the leading explanation is the same across that range".to_string()
        } else {
            let name = |j: Option<usize>| j.map(|j| format!("“{}”", ws.scenarios[j].title_as_of(a.as_of))).unwrap_or_default();
            format!(
                ", and which explanation leads changes across it ({} at weight {}, {} at weight {})",
                name(band_lo_leader),
                eta_lo,
                name(band_hi_leader),
                eta_hi
            )
        }
    )
    };
    (band_leader_holds, dependence_note)
}

/// The bottom line up front.
pub(super) fn bluf(
    ws: &Workspace,
    a: &Assessment,
    empty: bool,
    leader: &ScenarioView,
    runner: Option<&ScenarioView>,
    own_tie: &[usize],
) -> String {
    if empty {
        let equal_priors = a
            .scores
            .windows(2)
            .all(|w| (w[0].prior - w[1].prior).abs() < 1e-12);
        format!(
            "As of {}, no evidence in the record bears on the question yet, so no explanation is favoured{}.",
            a.as_of,
            if equal_priors {
                format!(": each stands at its starting probability, {}", percent(leader.prior))
            } else {
                ": the figures below are the starting probabilities set before any evidence".to_string()
            }
        )
    } else {
        match (a.engine, runner) {
            (_, None) => format!("As of {}, the only scenario considered is “{}”.", a.as_of, leader.title),
            (EngineKind::Bayes, Some(_)) if own_tie.len() > 1 => format!(
                "As of {}, the evidence does not separate {}: each is {}, {}.{}",
                a.as_of,
                titles(ws, own_tie, a.as_of),
                leader.term,
                leader.percent,
                if leader.probability <= 0.5 { " No explanation is yet more likely than not." } else { "" }
            ),
            (EngineKind::Bayes, Some(r)) if leader.probability <= 0.5 => format!(
                "As of {}, no explanation is yet more likely than not. The best supported is “{}”: {}, {} ({}); next comes “{}”: {}, {} ({}).",
                a.as_of,
                leader.title,
                leader.term,
                leader.percent,
                range_words(leader.probability, leader.band, true),
                r.title,
                r.term,
                r.percent,
                range_words(r.probability, r.band, false)
            ),
            (EngineKind::Bayes, Some(r)) => format!(
                "As of {}, the most likely explanation is “{}”: {}, {} ({}). Next comes “{}”: {}, {} ({}).",
                a.as_of,
                leader.title,
                leader.term,
                leader.percent,
                range_words(leader.probability, leader.band, true),
                r.title,
                r.term,
                r.percent,
                range_words(r.probability, r.band, false)
            ),
            (EngineKind::Ach, Some(_)) if own_tie.len() > 1 => format!(
                "As of {}, the evidence is equally consistent with {} (weighted inconsistency {} each): ACH does not separate them.",
                a.as_of,
                titles(ws, own_tie, a.as_of),
                leader.weighted_inconsistency_text
            ),
            (EngineKind::Ach, Some(r)) => format!(
                "As of {}, the evidence is least inconsistent with “{}” (weighted inconsistency {}; lower is better), ahead of “{}” ({}).",
                a.as_of, leader.title, leader.weighted_inconsistency_text, r.title, r.weighted_inconsistency_text
            ),
        }
    }
}

/// Every indicator (open first, by due date), the open ones, and the
/// observed ones (by observation date).
pub(super) fn indicator_lists(
    ws: &Workspace,
    a: &Assessment,
    ranking: &[usize],
) -> (Vec<IndicatorView>, Vec<IndicatorView>, Vec<IndicatorView>) {
    let rk = ranking;
    let mut indicators: Vec<IndicatorView> = rk
        .iter()
        .flat_map(|&j| {
            ws.scenarios[j]
                .indicators
                .iter()
                // Not yet written and not observed: not stated (`since`).
                .filter(|i| i.stated_on(a.as_of) || i.observation_as_of(a.as_of).is_some())
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
    if let (Some(&l), Some(&b)) = (ranking.first(), ranking.get(1)) {
        let sep = indicators::separating(ws, a.as_of, l, b);
        for v in indicators.iter_mut() {
            v.separates_top_two = sep.iter().any(|&(j, k, _, _)| {
                ws.scenarios[j].id == v.scenario && ws.scenarios[j].indicators[k].id == v.id
            });
        }
    }
    let open_indicators = indicators.iter().filter(|i| i.open).cloned().collect();
    let mut observed_indicators: Vec<IndicatorView> =
        indicators.iter().filter(|i| !i.open).cloned().collect();
    observed_indicators.sort_by(|x, y| {
        (&x.observed_on, &x.scenario, &x.id).cmp(&(&y.observed_on, &y.scenario, &y.id))
    });
    (indicators, open_indicators, observed_indicators)
}

/// The sources cited by at least one claim, by name.
pub(super) fn source_views(ws: &Workspace, a: &Assessment) -> Vec<SourceView> {
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
    sources
}
