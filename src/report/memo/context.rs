//! The memo's data: everything a template can show, computed from an
//! [`Assessment`], with numbers both raw and already worded.

use super::summary::{
    bluf, cross_check, dependence_note, indicator_lists, rating_reason, scenario_views,
    source_views, tied_first,
};
pub use super::summary::{
    judgment, range_ends, range_words, Evidence, IndicatorProbability, IndicatorView, ScenarioView,
    SourceView, RANGE_WHY,
};
use crate::engine::history::{self, Recorded};
use crate::engine::{self, analysts, calibration, sensitivity, Assessment, Row};
use crate::model::*;
use crate::report::format::percent;
use chrono::NaiveDate;
use serde::Serialize;

/// One item of evidence named in the sensitivity section.
#[derive(Debug, Clone, Serialize)]
pub struct SensitiveItem {
    /// Claim id, or `scenario/indicator` for an observation.
    pub id: String,
    /// Its date, `YYYY-MM-DD` (an observation's date for an indicator).
    pub date: String,
    /// What it says: the claim's statement as revised, or the indicator's text.
    pub statement: String,
    /// Its citation, if any.
    pub url: Option<String>,
    /// Contribution to the margin over the runner-up, "+0.80".
    pub contribution: String,
}

/// The sensitivity section: how far the leading scenario's lead depends on single items (docs/scoring.md).
#[derive(Debug, Clone, Serialize)]
pub struct SensitivityView {
    /// Id of the leading scenario.
    pub leader: String,
    /// Id of the runner-up; `None` with a single scenario.
    pub runner_up: Option<String>,
    /// The leader's margin over the runner-up: bayes, log posterior odds; ach, the weighted inconsistency gap.
    pub margin: f64,
    /// "2.02 (log posterior odds)".
    pub margin_text: String,
    /// Whether the leader and the runner-up are tied.
    pub tied: bool,
    /// "claim", or "claim or observation" when indicators have been observed.
    pub item_noun: &'static str,
    /// Size of the smallest deciding set; none when no set changes the leader.
    pub rests_on: Option<usize>,
    /// "The conclusion rests on 2 claims: …".
    pub summary: String,
    /// The smallest set of items whose removal changes the leader.
    pub deciding: Vec<SensitiveItem>,
    /// "exact" or "greedy".
    pub method: Option<&'static str>,
    /// Id of the scenario that would lead without the deciding set.
    pub new_leader: Option<String>,
    /// Items whose removal alone changes the leader.
    pub linchpins: Vec<SensitiveItem>,
    /// Items whose deception (ratings mirrored) alone would change the leader.
    pub deception_flips: Vec<SensitiveItem>,
    /// Items whose loss of one credibility grade alone would change the leader.
    pub trust_flips: Vec<SensitiveItem>,
}

/// A claim carrying part of the lead over one alternative.
#[derive(Debug, Clone, Serialize)]
pub struct CarrierView {
    /// Claim id.
    pub id: String,
    /// The claim's date, `YYYY-MM-DD`.
    pub date: String,
    /// Its share of the lead, "26%".
    pub share: String,
    /// Why it favours the leader over the alternative: the reason for its
    /// rating against the alternative (or for the leader): the note of the
    /// revision that set it, else the claim's rationale; else its statement.
    pub why: String,
}

/// What the lead over one alternative rests on.
#[derive(Debug, Clone, Serialize)]
pub struct RestsOnView {
    /// Id of the alternative the lead is measured against.
    pub against: String,
    /// The alternative's title as of the memo's date.
    pub against_title: String,
    /// "Against “X”, 6 claims carry 82% of the lead:".
    pub intro: String,
    /// The fewest claims carrying at least 80% of the lead, largest share first.
    pub claims: Vec<CarrierView>,
}

/// One claim × scenario cell the named analysts disagree on.
#[derive(Debug, Clone, Serialize)]
pub struct DisputedCell {
    /// Claim id.
    pub claim: String,
    /// Scenario id.
    pub scenario: String,
    /// "Alice C, Bob II".
    pub votes: String,
    /// The consensus rating of the cell.
    pub consensus: String,
    /// How far apart the analysts' ratings are (docs/scoring.md).
    pub disagreement: f64,
    /// The disagreement as printed ("1.50").
    pub disagreement_text: String,
    /// "mild dispute", "large dispute", "extreme dispute".
    pub label: &'static str,
}

/// One analyst's view (or the pool's): the probabilities their ratings give.
#[derive(Debug, Clone, Serialize)]
pub struct AnalystRow {
    /// The analyst's name ("pooled" for the linear pool).
    pub name: String,
    /// Percent per scenario, in the order of `AnalystsView::scenarios`.
    pub percents: Vec<String>,
    /// Probability per scenario (0–1), in the order of `AnalystsView::scenarios`.
    pub probabilities: Vec<f64>,
}

/// The analysts section: each named analyst's ratings scored apart, and where they disagree.
#[derive(Debug, Clone, Serialize)]
pub struct AnalystsView {
    /// The analysts' names, as written in `[[claim.assessment]]`.
    pub names: Vec<String>,
    /// Scenario ids in rank order (the columns).
    pub scenarios: Vec<String>,
    /// Bayesian posterior of each analyst's view.
    pub rows: Vec<AnalystRow>,
    /// The linear pool: the mean of the analysts' posteriors.
    pub pooled: AnalystRow,
    /// How many claim × scenario cells the analysts rated.
    pub cells_rated: usize,
    /// Cells not in consensus, most disputed first.
    pub disputed: Vec<DisputedCell>,
}

/// One view's time-averaged scores against the resolved question.
#[derive(Debug, Clone, Serialize)]
pub struct CalibrationScores {
    /// Whose view: the team, an analyst, or their pool.
    pub view: String,
    /// Brier score, as text.
    pub brier: String,
    /// Log score, as text.
    pub log: String,
    /// Baseline score (100 · log₂(p / (1/K))), as text.
    pub baseline: String,
}

/// An indicator resolved (observed either way) as of the memo's date, with the forecast it scored.
#[derive(Debug, Clone, Serialize)]
pub struct ResolvedIndicator {
    /// Id of the indicator's scenario.
    pub scenario: String,
    /// Indicator id, unique within its scenario.
    pub id: String,
    /// What would be observed.
    pub text: String,
    /// Date of the resolving observation, `YYYY-MM-DD`.
    pub date: String,
    /// Whether it was seen.
    pub observed: bool,
    /// Probability of observing it the day before, "62%".
    pub forecast: String,
    /// Brier score of that forecast, as text.
    pub brier: String,
    /// Whether that forecast rested only on claims recorded by then; present
    /// when the git history is read.
    pub real: Option<bool>,
}

/// The calibration section: how the record's forecasts scored against what happened.
#[derive(Debug, Clone, Serialize)]
pub struct CalibrationView {
    /// When the question resolved (as of the memo's date).
    pub resolved: Option<String>,
    /// Id of the scenario that proved true, if the question has resolved.
    pub outcome: Option<String>,
    /// That scenario's title.
    pub outcome_title: Option<String>,
    /// Time-averaged scores: team first, then analysts and their pool.
    pub scores: Vec<CalibrationScores>,
    /// Indicators resolved as of the memo's date.
    pub indicators: Vec<ResolvedIndicator>,
    /// Real forecasts and reconstructions scored apart, with the sentences
    /// the section leads with; present when the git history is read.
    pub parts: Option<crate::report::views::history::CalibrationParts>,
}

/// Everything a memo template can show (docs/templates.md, "The data"); `kzclaims brief --format json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct MemoContext {
    /// `title` from kzclaims.toml.
    pub title: String,
    /// `question` from kzclaims.toml.
    pub question: String,
    /// The memo's date, `YYYY-MM-DD`.
    pub as_of: String,
    /// The scoring engine, `bayes` or `ach`.
    pub engine: &'static str,
    /// `[memo] marking`, the classification line.
    pub marking: String,
    /// `[memo] author`.
    pub author: Option<String>,
    /// `[memo] organization`.
    pub organization: Option<String>,
    /// The bottom line up front, one or two sentences.
    pub bluf: String,
    /// `[scoring] evidence_weight`.
    pub evidence_weight: f64,
    /// `[scoring] band`.
    pub band_eta: [f64; 2],
    /// Whether the leading scenario is the same at both ends of the band.
    pub band_leader_holds: bool,
    /// How the numbers treat dependent evidence, in two sentences.
    pub dependence_note: String,
    /// `low`, `moderate` or `high` (rule: docs/scoring.md, Confidence).
    pub confidence: &'static str,
    /// "Moderate confidence".
    pub confidence_title: String,
    /// The reasons in one or two sentences: "the lead rests mostly on …".
    pub confidence_basis: String,
    /// Each reason in words (empty for high confidence).
    pub confidence_reasons: Vec<String>,
    /// Whether the other engine agrees on the leading scenario, in a sentence.
    pub cross_check: String,
    /// The leading scenario (the first of `scenarios`).
    pub leader: ScenarioView,
    /// Every scenario, ranked, best first.
    pub scenarios: Vec<ScenarioView>,
    /// Every indicator, open ones first by due date.
    pub indicators: Vec<IndicatorView>,
    /// Indicators not observed as of the date, by due date.
    pub open_indicators: Vec<IndicatorView>,
    /// Indicators observed (either way) as of the date, by observation date.
    pub observed_indicators: Vec<IndicatorView>,
    /// What to find out next: the open indicators that would tell the most.
    pub collect: crate::report::views::collect::CollectView,
    /// The sensitivity analysis.
    pub sensitivity: SensitivityView,
    /// What the judgment rests on: against the runner-up and each close
    /// alternative, the fewest claims carrying 80% of the lead (at most 8).
    pub rests_on: Vec<RestsOnView>,
    /// The smallest deciding set and the linchpins, in one plain sentence.
    pub rests_on_note: String,
    /// Key assumptions, what we do not know, what would change our judgment,
    /// sources and limits.
    pub sections: super::sections::Sections,
    /// Present when claims carry [[claim.assessment]] by named analysts.
    pub analysts: Option<AnalystsView>,
    /// Present when the question or an indicator has resolved.
    pub calibration: Option<CalibrationView>,
    /// Present when the git history shows that claims in force were
    /// recorded after the memo's date: the memo is a reconstruction.
    pub reconstruction: Option<crate::report::views::history::ReconstructionView>,
    /// The sources cited by claims in the record, by name.
    pub sources: Vec<SourceView>,
    /// Claims in force on the date.
    pub claims_in_force: usize,
    /// Claims retracted by the date.
    pub claims_retracted: usize,
    /// Claims in force that discriminate between the scenarios under the memo's engine.
    pub claims_diagnostic: usize,
    /// Claims in force rated differently across the scenarios (ACH's count).
    pub claims_rated_apart: usize,
    /// Claims in force that move the probabilities (the Bayesian count).
    pub claims_moving: usize,
    /// The claims counted, in sentences (both counts, and why they differ).
    pub claims_note: String,
    /// "How to read the numbers", a sentence a term.
    pub reading_notes: Vec<String>,
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

/// [`memo_context`] knowing when the workspace's records were first
/// committed (`None`: no history read): the memo then says whether it is a
/// reconstruction, and its calibration section scores real forecasts apart.
pub fn memo_context_with(ws: &Workspace, a: &Assessment, rec: Option<&Recorded>) -> MemoContext {
    analyse_and_context_with(ws, a, rec).1
}

/// The sensitivity analysis of `a` and the memo context built with it
/// (`check` uses both). On several cores the analysis runs beside the rest
/// of the context (the indicators' calibration is its other long part).
pub fn analyse_and_context(
    ws: &Workspace,
    a: &Assessment,
) -> (sensitivity::Sensitivity, MemoContext) {
    analyse_and_context_with(ws, a, None)
}

/// [`analyse_and_context`] with the records' first commit dates.
pub fn analyse_and_context_with(
    ws: &Workspace,
    a: &Assessment,
    rec: Option<&Recorded>,
) -> (sensitivity::Sensitivity, MemoContext) {
    let (sens, _, ctx) = analyse_check_and_context(ws, a, rec);
    (sens, ctx)
}

/// [`analyse_and_context_with`], and the checks of the record (every check
/// but K108, which reads the rendered memo), which the memo's "Sources and
/// limits" counts the silenced warnings of: `check` adds K108 to them once
/// the memo is rendered, and so runs the checks once.
pub fn analyse_check_and_context(
    ws: &Workspace,
    a: &Assessment,
    rec: Option<&Recorded>,
) -> (sensitivity::Sensitivity, crate::checks::Report, MemoContext) {
    let (sens, finish) = if rayon::current_num_threads() > 1 {
        rayon::join(|| sensitivity::analyse(ws, a), || context_parts(ws, a, rec))
    } else {
        (sensitivity::analyse(ws, a), context_parts(ws, a, rec))
    };
    let checked = crate::checks::run_on_record(ws, a, &sensitivity::Weighty::of(&sens));
    let ctx = finish(&sens, &checked);
    (sens, checked, ctx)
}

/// Everything in the memo context but what needs the sensitivity analysis,
/// which the returned function takes to complete it (so that the two can be
/// made side by side), with the checks of the record made from it.
fn context_parts<'a>(
    ws: &'a Workspace,
    a: &'a Assessment,
    rec: Option<&Recorded>,
) -> impl FnOnce(&sensitivity::Sensitivity, &crate::checks::Report) -> MemoContext + Send + 'a {
    let calibration = calibration_view(ws, a, rec);
    let reconstruction = reconstruction_view(a, rec);
    let ranking = a.ranking();
    let scenarios = scenario_views(ws, a, &ranking);
    let leader = scenarios[0].clone();
    let other = match a.engine {
        EngineKind::Bayes => EngineKind::Ach,
        EngineKind::Ach => EngineKind::Bayes,
    };
    let Counts {
        in_force,
        diagnostic,
        rated_apart,
        moving,
    } = counts(a);
    let empty = moving == 0 && rated_apart == 0 && a.indicators.is_empty();
    let own_tie = tied_first(ws, a, a.engine);
    let other_tie = tied_first(ws, a, other);
    // A tie under the other engine that includes our leader does not
    // contradict it.
    let engines_agree = own_tie.len() == 1 && a.leader().is_some_and(|l| other_tie.contains(&l));
    let cross_check = cross_check(ws, a, &ranking, other, &own_tie, &other_tie, empty);
    let (band_leader_holds, dependence_note) = dependence_note(ws, a, empty);
    let runner = scenarios.get(1);
    let bluf = bluf(ws, a, empty, &leader, runner, &own_tie);
    let (indicators, open_indicators, observed_indicators) = indicator_lists(ws, a, &ranking);
    let sources = source_views(ws, a);
    let collect = collect_view(ws, a);
    let analysts = analysts_view(ws, a, &ranking);
    let (claims_in_force, claims_diagnostic) = (in_force, diagnostic);
    let claims_note = diagnostic_note(
        a.engine,
        claims_in_force,
        a.rows.len() - claims_in_force,
        rated_apart,
        moving,
    );
    let notes = reading_notes(ws, a.engine, analysts.is_some());
    let rests_on = rests_on_view(ws, a);
    move |sens: &sensitivity::Sensitivity, checked: &crate::checks::Report| {
        let sensitivity = sensitivity_view(ws, a, sens);
        // A memo whose claims in force were recorded after its date is a
        // reconstruction (docs/timeline.md): that lowers the confidence.
        let verdict = engine::confidence::rule(&engine::confidence::inputs(
            ws,
            a,
            sens,
            engines_agree,
            reconstruction.is_some(),
        ));
        let runner_title = sens.runner_up.map(|j| ws.scenarios[j].title_as_of(a.as_of));
        let worded =
            super::confidence::words(ws, &verdict, runner_title, a.engine == EngineKind::Ach);
        MemoContext {
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
            confidence: verdict.level.as_str(),
            confidence_title: worded.title,
            confidence_basis: worded.basis,
            confidence_reasons: worded.reasons,
            cross_check,
            leader,
            scenarios,
            indicators,
            open_indicators,
            observed_indicators,
            collect,
            rests_on_note: rests_on_note(ws, sens, a.as_of),
            sections: super::sections::sections(ws, a, sens, checked),
            sensitivity,
            rests_on,
            analysts,
            calibration,
            reconstruction,
            sources,
            claims_in_force,
            claims_retracted: a.rows.len() - claims_in_force,
            claims_diagnostic,
            claims_rated_apart: rated_apart,
            claims_moving: moving,
            claims_note,
            reading_notes: notes,
            since: None,
            matrix: None,
            marking_css: super::matrix::css_string(&ws.config.memo.marking),
            charts: None,
        }
    }
}

/// How many claims are in force, diagnostic, rated apart and moving.
struct Counts {
    in_force: usize,
    diagnostic: usize,
    rated_apart: usize,
    moving: usize,
}

/// The claims in force of `a`, counted four ways.
fn counts(a: &Assessment) -> Counts {
    let in_force: Vec<&Row> = a.rows.iter().filter(|r| r.counts()).collect();
    // Rated differently across the scenarios (what ACH counts) and moving
    // the probabilities (what the Bayesian engine counts): they differ when a
    // claim's ratings differ only in ways the likelihoods do not (NA beside
    // N, say) or its trust is nil.
    let rated_apart = in_force
        .iter()
        .filter(|r| crate::engine::ach::row_varies(&r.state.ratings))
        .count();
    let moving = in_force
        .iter()
        .filter(|r| {
            r.log_l
                .as_deref()
                .is_some_and(|l| crate::engine::bayes::spread(l) > 1e-12)
        })
        .count();
    Counts {
        in_force: in_force.len(),
        diagnostic: in_force.iter().filter(|r| r.diagnostic).count(),
        rated_apart,
        moving,
    }
}

/// The note for a memo reconstructed from the record's history, when its
/// claims in force were recorded after its date.
fn reconstruction_view(
    a: &Assessment,
    rec: Option<&Recorded>,
) -> Option<crate::report::views::history::ReconstructionView> {
    rec.and_then(|r| {
        history::reconstruction(
            r,
            a.rows.iter().filter(|r| r.counts()).map(|r| &r.state),
            a.as_of,
        )
    })
    .map(|r| crate::report::views::history::reconstruction_view(&r))
}

fn rests_on_view(ws: &Workspace, a: &Assessment) -> Vec<RestsOnView> {
    let Some(l) = a.leader() else {
        return Vec::new();
    };
    let rows: std::collections::HashMap<usize, &Row> =
        a.rows.iter().map(|r| (r.state.claim, r)).collect();
    engine::rests_on::rests_on(ws, a)
        .into_iter()
        .map(|r| {
            let j = r.against;
            let alt = &ws.scenarios[j];
            let claims: Vec<CarrierView> = r
                .carriers
                .iter()
                .map(|c| {
                    let claim = &ws.claims[c.claim];
                    let row = rows.get(&c.claim);
                    let rating = |k: usize| row.map(|r| r.state.ratings[k]);
                    let against = matches!(rating(j), Some(Rating::I | Rating::II));
                    let reason = |k: usize| rating_reason(ws, claim, row.copied(), k);
                    let why = if against { reason(j) } else { None }
                        .or_else(|| reason(l))
                        .or_else(|| claim.rationale.get("").cloned())
                    .unwrap_or_else(|| {
                        row.map(|r| r.state.statement(ws).to_string())
                            .unwrap_or_else(|| claim.statement.clone())
                    });
                    CarrierView {
                        id: claim.id.clone(),
                        date: claim.date.to_string(),
                        share: percent(c.share),
                        why,
                    }
                })
                .collect();
            let n = claims.len();
            let intro = if r.covered > 1.0 + 1e-9 {
                format!(
                    "Against “{}”, {} {} more than the whole lead ({} of it; other claims count the other way):",
                    alt.title_as_of(a.as_of),
                    n,
                    if n == 1 { "claim carries" } else { "claims carry" },
                    percent(r.covered)
                )
            } else if r.reached {
                format!(
                    "Against “{}”, {} {} {} of the lead:",
                    alt.title_as_of(a.as_of),
                    n,
                    if n == 1 { "claim carries" } else { "claims carry" },
                    percent(r.covered)
                )
            } else {
                format!(
                    "Against “{}”, the lead is spread thin: the {} claims that carry most of it hold {} together:",
                    alt.title_as_of(a.as_of),
                    n,
                    percent(r.covered)
                )
            };
            RestsOnView {
                against: alt.id.clone(),
                against_title: alt.title_as_of(a.as_of).to_string(),
                intro,
                claims,
            }
        })
        .collect()
}

/// The deciding set and the linchpins in plain words.
fn rests_on_note(ws: &Workspace, s: &sensitivity::Sensitivity, as_of: NaiveDate) -> String {
    if s.runner_up.is_none() || s.tied {
        return String::new();
    }
    let noun = if s.effects.iter().all(|e| e.kind.is_claim()) {
        ("claim", "claims")
    } else {
        ("claim or observation", "claims and observations")
    };
    let linchpins: Vec<String> = s.linchpins().map(|e| e.kind.label(ws)).collect();
    match &s.deciding {
        None => format!(
            "Even with every {} that favours it removed, “{}” would stay ahead on its starting probability.",
            noun.0,
            ws.scenarios[s.leader].title_as_of(as_of)
        ),
        Some(d) if !linchpins.is_empty() => format!(
            "Removing {} alone would hand the lead to “{}”: the judgment hangs on {}.",
            linchpins.join(" or "),
            ws.scenarios[d.new_leader].title_as_of(as_of),
            if linchpins.len() == 1 { format!("that {}", noun.0) } else { "each of them".into() }
        ),
        Some(d) => format!(
            "No single {} decides it: only removing {} {} together would hand the lead to “{}” (kzclaims sensitivity lists them).",
            noun.0,
            d.items.len(),
            noun.1,
            ws.scenarios[d.new_leader].title_as_of(as_of)
        ),
    }
}

/// "59 claims in force, 1 retracted. 57 are rated differently across the
/// scenarios; 56 of them move the probabilities …": both engines' counts,
/// and why they differ when they do.
fn diagnostic_note(
    engine: EngineKind,
    in_force: usize,
    retracted: usize,
    rated_apart: usize,
    moving: usize,
) -> String {
    let head = format!(
        "{in_force} claims in force{}.",
        if retracted > 0 {
            format!(", {retracted} retracted")
        } else {
            String::new()
        }
    );
    let _ = engine;
    if in_force == 0 {
        format!(
            "No claims in force{}.",
            if retracted > 0 {
                format!(" ({retracted} retracted)")
            } else {
                String::new()
            }
        )
    } else if rated_apart == moving {
        format!("{head} {moving} of them tell the scenarios apart (the rest are rated alike for every scenario).")
    } else {
        format!(
            "{head} {rated_apart} are rated differently across the scenarios, which is what ACH counts; {moving} of them also move the probabilities. The Bayesian reading gives the others no weight: their ratings differ only between “neutral” and “does not apply”, or their sources are trusted at nil."
        )
    }
}

/// "How to read the numbers": one line per term the memo uses.
fn reading_notes(ws: &Workspace, engine: EngineKind, analysts: bool) -> Vec<String> {
    let mut v = vec![
        "Likelihood words follow the US intelligence community's scale (ICD 203): almost no chance (under 5%), very unlikely (5–20%), unlikely (20–45%), roughly even chance (45–55%), likely (55–80%), very likely (80–95%), almost certain (over 95%).".to_string(),
        format!(
            "Each probability is the share of belief the evidence leaves on a scenario, starting from the probabilities set before any evidence; the scenarios' probabilities add up to 100%. The range beside it is what the figure would be if the sources depended on each other strongly (counted at weight {}) or not at all (weight {}); the figure itself counts them at weight {}.",
            ws.config.band[0], ws.config.band[1], ws.config.evidence_weight
        ),
        "Ratings of a claim against a scenario: CC very consistent, C consistent, N neutral (fits either way), I inconsistent, II very inconsistent, NA does not apply.".to_string(),
        "Weighted inconsistency (Heuer's Analysis of Competing Hypotheses) adds up the evidence against each scenario: 1 for each I, 2 for each II, weighted by how credible and relevant the claim is. Lower is better; evidence that fits counts for nothing.".to_string(),
        "Reliability of a source: A completely reliable to E unreliable, F cannot be judged (NATO's Admiralty code). A claim's trust combines its sources' reliability with how credible the information is.".to_string(),
        "Confidence (high, moderate, low) is about the evidence, not the odds: how many independent sources carry the lead, how much rests on one of them, how wide the range is, how many analysts rated the evidence, and whether the two methods agree.".to_string(),
    ];
    if engine == EngineKind::Ach {
        v.swap(1, 3);
    }
    if analysts {
        v.push("Where analysts disagree: a cell is in dispute when the analysts' ratings of it differ by a grade or more; the linear pool is the average of their probabilities.".into());
    }
    v.push("The lead is the difference between the leading scenario and the next in the method's own measure; a claim's share of the lead is how much smaller the lead would be without it.".into());
    v.push("Every part of this memo is explained in kzclaims's guide docs/memo.md (“Reading the memo”).".into());
    v
}

fn collect_view(ws: &Workspace, a: &Assessment) -> crate::report::views::collect::CollectView {
    crate::report::views::collect::memo_view(ws, &engine::collect::analyse_assessment(ws, a))
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
        date: crate::report::views::sensitivity::item_date(ws, a, e.kind),
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
            crate::report::views::sensitivity::margin_kind(a.engine)
        ),
        tied: s.tied,
        item_noun: if s.effects.iter().all(|e| e.kind.is_claim()) {
            "claim"
        } else {
            "claim or observation"
        },
        rests_on: s.deciding.as_ref().map(|d| d.items.len()),
        summary: crate::report::views::sensitivity::summary(ws, s).replace('`', ""),
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
    crate::report::format::num(x, decimals)
}

fn calibration_view(
    ws: &Workspace,
    a: &Assessment,
    rec: Option<&Recorded>,
) -> Option<CalibrationView> {
    let q = calibration::question_scores(ws, Some(a.as_of));
    let ind = calibration::indicator_forecasts(ws, Some(a.as_of));
    if q.is_none() && ind.is_empty() {
        return None;
    }
    let outcome = q.as_ref().map(|(o, _)| &ws.scenarios[*o]);
    let ind_real: Option<Vec<bool>> = rec.map(|r| {
        let days: Vec<chrono::NaiveDate> = ind.iter().map(calibration::forecast_day).collect();
        history::real_forecasts(ws, r, &days)
    });
    let parts = rec.map(|r| {
        let question = q.as_ref().map(|(_, views)| {
            let ups = &views[0].updates;
            let dates: Vec<chrono::NaiveDate> = ups.iter().map(|u| u.date).collect();
            let real = history::real_forecasts(ws, r, &dates);
            (
                calibration::part_score(ups, |i| real[i]),
                calibration::part_score(ups, |i| !real[i]),
            )
        });
        let flags = ind_real.as_deref().unwrap_or(&[]);
        let n_real = flags.iter().filter(|x| **x).count();
        crate::report::views::history::calibration_parts(
            question.as_ref().map(|(r, x)| (r.as_ref(), x.as_ref())),
            n_real,
            flags.len() - n_real,
        )
    });
    Some(CalibrationView {
        parts,
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
            .enumerate()
            .map(|(k, f)| {
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
                    real: ind_real.as_ref().map(|r| r[k]),
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
