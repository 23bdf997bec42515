//! What changed between two assessments and why: the assessment (probabilities,
//! ranks, ICD 203 terms, the leading scenario), an exact attribution of each
//! scenario's change in log-odds to claims and priors, the record changes
//! field by field, and the memo redline (unified diff and word-level HTML).
//!
//! Formulas: docs/scoring.md, "Attribution of changes". Shapes: docs/timeline.md.

use crate::engine::{against_others, words, Assessment, IndicatorRow, Row};
use crate::load::git::RevisionInfo;
use crate::model::*;
use crate::report::context::percent;
use crate::report::table::{self, Line};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// Below this a contribution counts as no contribution.
pub const ZERO: f64 = 1e-12;

/// One side of a diff: a workspace, evaluated as of a date.
pub struct Side<'a> {
    pub ws: &'a Workspace,
    pub assessment: &'a Assessment,
    pub info: SideInfo,
}

/// How a side was named and what it resolved to.
#[derive(Debug, Clone, Serialize)]
pub struct SideInfo {
    /// As given: `2022-01-06`, `HEAD~1`, `v1@2022-01-06`, `.`.
    pub spec: String,
    /// For people: `2022-01-06`, `HEAD~1 (1a2b3c4, 2022-03-16)`.
    pub label: String,
    pub as_of: String,
    /// Set when the side was read from a git revision.
    pub revision: Option<RevisionInfo>,
}

/// Scenario id → number, serialised as a JSON object in scenario order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IdMap(pub Vec<(String, f64)>);

impl Serialize for IdMap {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl IdMap {
    fn max_abs(&self) -> f64 {
        self.0.iter().fold(0.0, |m, (_, v)| m.max(v.abs()))
    }
    pub fn get(&self, id: &str) -> Option<f64> {
        self.0.iter().find(|(k, _)| k == id).map(|(_, v)| *v)
    }
}

/// A scenario's standing on one side.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Standing {
    pub rank: usize,
    pub probability: f64,
    pub percent: String,
    /// ICD 203 term.
    pub term: &'static str,
    pub weighted_inconsistency: f64,
    pub inconsistency: u32,
}

/// One scenario before and after (`None`: absent on that side).
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioMove {
    pub id: String,
    pub title: String,
    pub from: Option<Standing>,
    pub to: Option<Standing>,
}

impl ScenarioMove {
    /// Whether anything a reader would see moved.
    pub fn moved(&self) -> bool {
        match (&self.from, &self.to) {
            (Some(a), Some(b)) => {
                a.rank != b.rank
                    || (a.probability - b.probability).abs() > ZERO
                    || (a.weighted_inconsistency - b.weighted_inconsistency).abs() > ZERO
                    || a.inconsistency != b.inconsistency
            }
            _ => true,
        }
    }
}

/// The rank-1 scenario on each side.
#[derive(Debug, Clone, Serialize)]
pub struct Leader {
    pub from: Option<String>,
    pub to: Option<String>,
    pub flipped: bool,
}

/// What kind of change a part of the attribution stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PartKind {
    /// The priors changed.
    Prior,
    /// The claim entered the record.
    Added,
    /// The claim left the record (deleted, or dated after the `to` side).
    Removed,
    Retracted,
    Reinstated,
    /// One or more fields changed (see `fields`).
    Revised,
    /// Only the reliability of a cited source changed.
    SourceRegraded,
    /// Nothing about the claim or its sources changed, but its row did:
    /// scenarios were added or retired, or the likelihood table changed.
    Rescored,
}

impl PartKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PartKind::Prior => "prior",
            PartKind::Added => "added",
            PartKind::Removed => "removed",
            PartKind::Retracted => "retracted",
            PartKind::Reinstated => "reinstated",
            PartKind::Revised => "revised",
            PartKind::SourceRegraded => "source re-graded",
            PartKind::Rescored => "re-scored",
        }
    }
    /// The kind seen from the other side.
    pub fn mirrored(self) -> PartKind {
        match self {
            PartKind::Added => PartKind::Removed,
            PartKind::Removed => PartKind::Added,
            PartKind::Retracted => PartKind::Reinstated,
            PartKind::Reinstated => PartKind::Retracted,
            k => k,
        }
    }
}

/// One claim's (or the priors') share of the change.
#[derive(Debug, Clone, Serialize)]
pub struct Part {
    /// Claim id; `None` for the priors.
    pub claim: Option<String>,
    pub kind: PartKind,
    /// Fields that changed (`credibility`, `ratings.<id>`, …).
    pub fields: Vec<String>,
    /// Cited sources whose reliability changed.
    pub sources_regraded: Vec<String>,
    /// The claim's statement (as of the `to` side when present there).
    pub statement: Option<String>,
    /// Change of its part in each scenario's log-odds against the others.
    pub log_odds: IdMap,
    /// Change of its part in each scenario's weighted inconsistency.
    pub weighted_inconsistency: IdMap,
}

/// The change in each scenario's log-odds (and weighted inconsistency),
/// split exactly into parts.
#[derive(Debug, Clone, Serialize)]
pub struct Attribution {
    /// The scenarios attributed: on both sides, with a positive prior on both.
    pub scenarios: Vec<String>,
    /// lo_after − lo_before per scenario.
    pub total_log_odds: IdMap,
    pub total_weighted_inconsistency: IdMap,
    /// Largest first (by log-odds for bayes, weighted inconsistency for ach).
    pub parts: Vec<Part>,
}

/// A field's value before and after.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClaimBrief {
    pub id: String,
    pub date: String,
    pub statement: String,
    pub status: Status,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClaimRevised {
    pub id: String,
    pub date: String,
    pub statement: String,
    pub fields: Vec<FieldChange>,
    /// Notes of revisions in force on one side and not the other (`+ ` new,
    /// `- ` gone).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Named {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct NamedChange {
    pub id: String,
    pub name: String,
    pub fields: Vec<FieldChange>,
}

/// The record, side by side.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RecordDiff {
    pub claims_added: Vec<ClaimBrief>,
    pub claims_removed: Vec<ClaimBrief>,
    pub claims_revised: Vec<ClaimRevised>,
    pub sources_added: Vec<Named>,
    pub sources_removed: Vec<Named>,
    /// Re-graded (`reliability`) or otherwise edited.
    pub sources_changed: Vec<NamedChange>,
    pub scenarios_added: Vec<Named>,
    pub scenarios_retired: Vec<Named>,
    /// Re-worded (`title`, `summary`) or re-weighted (`prior`).
    pub scenarios_changed: Vec<NamedChange>,
    /// `kzclaims.toml` settings that bear on the assessment or the memo.
    pub settings: Vec<FieldChange>,
}

impl RecordDiff {
    pub fn is_empty(&self) -> bool {
        self.claims_added.is_empty()
            && self.claims_removed.is_empty()
            && self.claims_revised.is_empty()
            && self.sources_added.is_empty()
            && self.sources_removed.is_empty()
            && self.sources_changed.is_empty()
            && self.scenarios_added.is_empty()
            && self.scenarios_retired.is_empty()
            && self.scenarios_changed.is_empty()
            && self.settings.is_empty()
    }
}

/// Everything `kzclaims diff` reports.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub from: SideInfo,
    pub to: SideInfo,
    pub engine: &'static str,
    /// Whether the record or the assessment changed at all.
    pub changed: bool,
    pub leader: Leader,
    /// Scenarios in the `to` side's rank order, then those retired.
    pub scenarios: Vec<ScenarioMove>,
    pub attribution: Attribution,
    pub record: RecordDiff,
}

fn standing(a: &Assessment, j: usize) -> Standing {
    let s = &a.scores[j];
    Standing {
        rank: s.rank,
        probability: s.probability,
        percent: percent(s.probability),
        term: words::icd203(s.probability).term,
        weighted_inconsistency: s.weighted_inconsistency,
        inconsistency: s.inconsistency,
    }
}

/// A claim as one side reads it, for field-by-field comparison.
struct View<'a> {
    ws: &'a Workspace,
    row: &'a Row,
}

impl View<'_> {
    fn claim(&self) -> &Claim {
        &self.ws.claims[self.row.state.claim]
    }
    fn rating(&self, scenario: &str) -> Option<Rating> {
        self.ws
            .scenario_index(scenario)
            .map(|j| self.row.state.ratings[j])
    }
    fn notes(&self) -> Vec<String> {
        self.claim()
            .revisions
            .iter()
            .take(self.row.state.revisions_applied)
            .map(|r| format!("{}: {}", r.date, r.note))
            .collect()
    }
    fn brief(&self) -> ClaimBrief {
        ClaimBrief {
            id: self.claim().id.clone(),
            date: self.claim().date.to_string(),
            statement: self.row.state.statement.clone(),
            status: self.row.state.status,
        }
    }
}

fn status_str(s: Status) -> &'static str {
    match s {
        Status::Active => "active",
        Status::Retracted => "retracted",
    }
}

fn push(out: &mut Vec<FieldChange>, field: impl Into<String>, from: String, to: String) {
    if from != to {
        out.push(FieldChange {
            field: field.into(),
            from,
            to,
        });
    }
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

/// Field-by-field changes of one claim between two views, over the scenarios
/// both sides know.
fn claim_fields(a: &View, b: &View, common: &[String]) -> Vec<FieldChange> {
    let (ca, cb) = (a.claim(), b.claim());
    let (sa, sb) = (&a.row.state, &b.row.state);
    let mut f = Vec::new();
    push(
        &mut f,
        "status",
        status_str(sa.status).into(),
        status_str(sb.status).into(),
    );
    push(&mut f, "date", ca.date.to_string(), cb.date.to_string());
    push(
        &mut f,
        "credibility",
        sa.credibility.0.to_string(),
        sb.credibility.0.to_string(),
    );
    push(
        &mut f,
        "relevance",
        sa.relevance.as_str().into(),
        sb.relevance.as_str().into(),
    );
    for sid in common {
        let r = |v: &View| v.rating(sid).map(|r| r.to_string()).unwrap_or_default();
        push(&mut f, format!("ratings.{sid}"), r(a), r(b));
    }
    push(
        &mut f,
        "statement",
        sa.statement.clone(),
        sb.statement.clone(),
    );
    push(
        &mut f,
        "sources",
        ca.sources.join(", "),
        cb.sources.join(", "),
    );
    push(&mut f, "url", opt(&ca.url), opt(&cb.url));
    push(&mut f, "tags", ca.tags.join(", "), cb.tags.join(", "));
    let rationale = |c: &Claim| {
        c.rationale
            .iter()
            .map(|(k, v)| {
                if k.is_empty() {
                    v.clone()
                } else {
                    format!("{k}: {v}")
                }
            })
            .collect::<Vec<_>>()
            .join(" | ")
    };
    push(&mut f, "rationale", rationale(ca), rationale(cb));
    f
}

/// Cited sources whose reliability differs between the two workspaces.
fn regraded(a: &View, b: &View) -> Vec<String> {
    let mut ids: BTreeSet<&String> = a.claim().sources.iter().collect();
    ids.extend(b.claim().sources.iter());
    ids.into_iter()
        .filter(|id| {
            matches!((a.ws.source(id), b.ws.source(id)), (Some(x), Some(y)) if x.reliability != y.reliability)
        })
        .cloned()
        .collect()
}

/// Scenario indices of the attributed set, as (index before, index after).
fn attributed(a: &Workspace, b: &Workspace) -> Vec<(usize, usize, String)> {
    let (pa, pb) = (a.priors(), b.priors());
    b.scenarios
        .iter()
        .enumerate()
        .filter_map(|(jb, s)| {
            let ja = a.scenario_index(&s.id)?;
            (pa[ja] > 0.0 && pb[jb] > 0.0).then(|| (ja, jb, s.id.clone()))
        })
        .collect()
}

/// Log-odds parts of a row over the attributed set (zeros when absent).
fn lo_part(row: Option<&Row>, idx: &[usize]) -> Vec<f64> {
    match row.and_then(|r| r.log_l.as_ref()) {
        Some(l) => against_others(&idx.iter().map(|&j| l[j]).collect::<Vec<_>>()),
        None => vec![0.0; idx.len()],
    }
}

fn wi_part(row: Option<&Row>, idx: &[usize]) -> Vec<f64> {
    match row {
        Some(r) if r.counts() => idx.iter().map(|&j| r.weighted[j]).collect(),
        _ => vec![0.0; idx.len()],
    }
}

fn idmap(ids: &[String], v: impl IntoIterator<Item = f64>) -> IdMap {
    IdMap(ids.iter().cloned().zip(v).collect())
}

fn sub(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter().zip(b).map(|(x, y)| x - y).collect()
}

/// Log posterior (up to a constant) per scenario, over the attributed set.
fn log_posterior(a: &Assessment, idx: &[usize]) -> Vec<f64> {
    idx.iter()
        .map(|&j| a.scores[j].prior.ln() + a.scores[j].likelihood_term)
        .collect()
}

/// Compare two sides.
pub fn diff(before: &Side, after: &Side) -> Diff {
    let (wa, wb) = (before.ws, after.ws);
    let (aa, ab) = (before.assessment, after.assessment);
    let engine = ab.engine;
    let set = attributed(wa, wb);
    let ids: Vec<String> = set.iter().map(|t| t.2.clone()).collect();
    let ia: Vec<usize> = set.iter().map(|t| t.0).collect();
    let ib: Vec<usize> = set.iter().map(|t| t.1).collect();
    let common: Vec<String> = wb
        .scenarios
        .iter()
        .filter(|s| wa.scenario_index(&s.id).is_some())
        .map(|s| s.id.clone())
        .collect();

    // Claims on each side, by id.
    let rows_a: BTreeMap<&str, &Row> = aa
        .rows
        .iter()
        .map(|r| (wa.claims[r.state.claim].id.as_str(), r))
        .collect();
    let rows_b: BTreeMap<&str, &Row> = ab
        .rows
        .iter()
        .map(|r| (wb.claims[r.state.claim].id.as_str(), r))
        .collect();
    let all: BTreeSet<&str> = rows_a.keys().chain(rows_b.keys()).copied().collect();

    let mut parts = Vec::new();
    let mut record = RecordDiff::default();
    // Priors.
    let prior_lo = |w: &Workspace, idx: &[usize]| {
        let p = w.priors();
        against_others(&idx.iter().map(|&j| p[j].ln()).collect::<Vec<_>>())
    };
    let prior_part = sub(&prior_lo(wb, &ib), &prior_lo(wa, &ia));
    if prior_part.iter().any(|x| x.abs() > ZERO) {
        parts.push(Part {
            claim: None,
            kind: PartKind::Prior,
            fields: Vec::new(),
            sources_regraded: Vec::new(),
            statement: None,
            log_odds: idmap(&ids, prior_part),
            weighted_inconsistency: idmap(&ids, vec![0.0; ids.len()]),
        });
    }
    for id in all {
        let va = rows_a.get(id).map(|r| View { ws: wa, row: r });
        let vb = rows_b.get(id).map(|r| View { ws: wb, row: r });
        let lo = sub(
            &lo_part(vb.as_ref().map(|v| v.row), &ib),
            &lo_part(va.as_ref().map(|v| v.row), &ia),
        );
        let wi = sub(
            &wi_part(vb.as_ref().map(|v| v.row), &ib),
            &wi_part(va.as_ref().map(|v| v.row), &ia),
        );
        let (kind, fields, regr, statement) = match (&va, &vb) {
            (None, Some(b)) => {
                record.claims_added.push(b.brief());
                (
                    PartKind::Added,
                    Vec::new(),
                    Vec::new(),
                    b.row.state.statement.clone(),
                )
            }
            (Some(a), None) => {
                record.claims_removed.push(a.brief());
                (
                    PartKind::Removed,
                    Vec::new(),
                    Vec::new(),
                    a.row.state.statement.clone(),
                )
            }
            (Some(a), Some(b)) => {
                let fields = claim_fields(a, b, &common);
                let regr = regraded(a, b);
                let (na, nb) = (a.notes(), b.notes());
                let mut notes: Vec<String> = nb
                    .iter()
                    .filter(|n| !na.contains(n))
                    .map(|n| format!("+ {n}"))
                    .collect();
                notes.extend(
                    na.iter()
                        .filter(|n| !nb.contains(n))
                        .map(|n| format!("- {n}")),
                );
                if !fields.is_empty() || !notes.is_empty() {
                    record.claims_revised.push(ClaimRevised {
                        id: id.to_string(),
                        date: b.claim().date.to_string(),
                        statement: b.row.state.statement.clone(),
                        fields: fields.clone(),
                        notes,
                    });
                }
                let kind = match (a.row.state.status, b.row.state.status) {
                    (Status::Active, Status::Retracted) => PartKind::Retracted,
                    (Status::Retracted, Status::Active) => PartKind::Reinstated,
                    _ if !fields.is_empty() => PartKind::Revised,
                    _ if !regr.is_empty() => PartKind::SourceRegraded,
                    _ => PartKind::Rescored,
                };
                (
                    kind,
                    fields.into_iter().map(|f| f.field).collect(),
                    regr,
                    b.row.state.statement.clone(),
                )
            }
            (None, None) => unreachable!("the id came from one of the two sides"),
        };
        if lo.iter().chain(&wi).any(|x| x.abs() > ZERO) {
            parts.push(Part {
                claim: Some(id.to_string()),
                kind,
                fields,
                sources_regraded: regr,
                statement: Some(statement),
                log_odds: idmap(&ids, lo),
                weighted_inconsistency: idmap(&ids, wi),
            });
        }
    }
    // Observed indicators count like claims: one part per indicator whose
    // observation in force differs in effect between the sides.
    let ind_key = |w: &Workspace, r: &IndicatorRow| {
        let sc = &w.scenarios[r.scenario];
        (
            format!("indicator {}/{}", sc.id, sc.indicators[r.indicator].id),
            sc.indicators[r.indicator].text.clone(),
        )
    };
    let ind_a: BTreeMap<String, (&IndicatorRow, String)> = aa
        .indicators
        .iter()
        .map(|r| {
            let (k, t) = ind_key(wa, r);
            (k, (r, t))
        })
        .collect();
    let ind_b: BTreeMap<String, (&IndicatorRow, String)> = ab
        .indicators
        .iter()
        .map(|r| {
            let (k, t) = ind_key(wb, r);
            (k, (r, t))
        })
        .collect();
    let ind_keys: BTreeSet<&String> = ind_a.keys().chain(ind_b.keys()).collect();
    let ind_lo = |r: Option<&IndicatorRow>, idx: &[usize]| match r {
        Some(r) => against_others(&idx.iter().map(|&j| r.log_l[j]).collect::<Vec<_>>()),
        None => vec![0.0; idx.len()],
    };
    let ind_wi = |r: Option<&IndicatorRow>, idx: &[usize]| match r {
        Some(r) => idx.iter().map(|&j| r.weighted[j]).collect::<Vec<_>>(),
        None => vec![0.0; idx.len()],
    };
    for key in ind_keys {
        let (ra, rb) = (ind_a.get(key), ind_b.get(key));
        let lo = sub(&ind_lo(rb.map(|x| x.0), &ib), &ind_lo(ra.map(|x| x.0), &ia));
        let wi = sub(&ind_wi(rb.map(|x| x.0), &ib), &ind_wi(ra.map(|x| x.0), &ia));
        if !lo.iter().chain(&wi).any(|x| x.abs() > ZERO) {
            continue;
        }
        let outcome = |r: &IndicatorRow| {
            if r.observed {
                "observed"
            } else {
                "not observed"
            }
        };
        let (kind, fields, statement) = match (ra, rb) {
            (None, Some(b)) => (
                PartKind::Added,
                vec!["observed".to_string()],
                format!("{}: {}", b.1, outcome(b.0)),
            ),
            (Some(a), None) => (
                PartKind::Removed,
                vec!["observed".to_string()],
                format!("{}: {}", a.1, outcome(a.0)),
            ),
            (Some(a), Some(b)) if a.0.observed != b.0.observed => (
                PartKind::Revised,
                vec!["observed".to_string()],
                format!("{}: {}", b.1, outcome(b.0)),
            ),
            (Some(_), Some(b)) => (
                PartKind::Rescored,
                Vec::new(),
                format!("{}: {}", b.1, outcome(b.0)),
            ),
            (None, None) => unreachable!("the key came from one of the two sides"),
        };
        parts.push(Part {
            claim: Some(key.clone()),
            kind,
            fields,
            sources_regraded: Vec::new(),
            statement: Some(statement),
            log_odds: idmap(&ids, lo),
            weighted_inconsistency: idmap(&ids, wi),
        });
    }
    // The record reads in date order.
    record
        .claims_added
        .sort_by(|x, y| (&x.date, &x.id).cmp(&(&y.date, &y.id)));
    record
        .claims_removed
        .sort_by(|x, y| (&x.date, &x.id).cmp(&(&y.date, &y.id)));
    record
        .claims_revised
        .sort_by(|x, y| (&x.date, &x.id).cmp(&(&y.date, &y.id)));
    let magnitude = |p: &Part| match engine {
        EngineKind::Bayes => p.log_odds.max_abs(),
        EngineKind::Ach => p.weighted_inconsistency.max_abs(),
    };
    parts.sort_by(|x, y| {
        magnitude(y)
            .total_cmp(&magnitude(x))
            .then_with(|| x.claim.cmp(&y.claim))
    });
    let total_lo = sub(
        &against_others(&log_posterior(ab, &ib)),
        &against_others(&log_posterior(aa, &ia)),
    );
    let total_wi: Vec<f64> = ia
        .iter()
        .zip(&ib)
        .map(|(&ja, &jb)| {
            ab.scores[jb].weighted_inconsistency - aa.scores[ja].weighted_inconsistency
        })
        .collect();
    let attribution = Attribution {
        total_log_odds: idmap(&ids, total_lo),
        total_weighted_inconsistency: idmap(&ids, total_wi),
        scenarios: ids,
        parts,
    };

    record_settings(wa, wb, &mut record);

    // Assessment.
    let mut scenarios: Vec<ScenarioMove> = ab
        .ranking()
        .into_iter()
        .map(|jb| {
            let s = &wb.scenarios[jb];
            ScenarioMove {
                id: s.id.clone(),
                title: s.title.clone(),
                from: wa.scenario_index(&s.id).map(|ja| standing(aa, ja)),
                to: Some(standing(ab, jb)),
            }
        })
        .collect();
    scenarios.extend(aa.ranking().into_iter().filter_map(|ja| {
        let s = &wa.scenarios[ja];
        wb.scenario_index(&s.id).is_none().then(|| ScenarioMove {
            id: s.id.clone(),
            title: s.title.clone(),
            from: Some(standing(aa, ja)),
            to: None,
        })
    }));
    let lead = |w: &Workspace, a: &Assessment| a.leader().map(|j| w.scenarios[j].id.clone());
    let leader = Leader {
        from: lead(wa, aa),
        to: lead(wb, ab),
        flipped: lead(wa, aa) != lead(wb, ab),
    };
    let changed = !record.is_empty()
        || leader.flipped
        || scenarios.iter().any(ScenarioMove::moved)
        || !attribution.parts.is_empty();
    Diff {
        from: before.info.clone(),
        to: after.info.clone(),
        engine: engine.as_str(),
        changed,
        leader,
        scenarios,
        attribution,
        record,
    }
}

/// Sources, scenarios and settings, which are not dated: compared as written.
fn record_settings(wa: &Workspace, wb: &Workspace, record: &mut RecordDiff) {
    for s in &wb.sources {
        match wa.source(&s.id) {
            None => record.sources_added.push(Named {
                id: s.id.clone(),
                name: s.name.clone(),
            }),
            Some(o) => {
                let mut f = Vec::new();
                push(
                    &mut f,
                    "reliability",
                    o.reliability.as_str().into(),
                    s.reliability.as_str().into(),
                );
                push(&mut f, "name", o.name.clone(), s.name.clone());
                push(
                    &mut f,
                    "kind",
                    format!("{:?}", o.kind).to_lowercase(),
                    format!("{:?}", s.kind).to_lowercase(),
                );
                push(&mut f, "url", opt(&o.url), opt(&s.url));
                if !f.is_empty() {
                    record.sources_changed.push(NamedChange {
                        id: s.id.clone(),
                        name: s.name.clone(),
                        fields: f,
                    });
                }
            }
        }
    }
    for s in &wa.sources {
        if wb.source(&s.id).is_none() {
            record.sources_removed.push(Named {
                id: s.id.clone(),
                name: s.name.clone(),
            });
        }
    }
    let (pa, pb) = (wa.priors(), wb.priors());
    for (jb, s) in wb.scenarios.iter().enumerate() {
        match wa.scenario_index(&s.id) {
            None => record.scenarios_added.push(Named {
                id: s.id.clone(),
                name: s.title.clone(),
            }),
            Some(ja) => {
                let o = &wa.scenarios[ja];
                let mut f = Vec::new();
                push(&mut f, "title", o.title.clone(), s.title.clone());
                push(&mut f, "summary", o.summary.clone(), s.summary.clone());
                push(
                    &mut f,
                    "prior",
                    format!("{:.4}", pa[ja]),
                    format!("{:.4}", pb[jb]),
                );
                if !f.is_empty() {
                    record.scenarios_changed.push(NamedChange {
                        id: s.id.clone(),
                        name: s.title.clone(),
                        fields: f,
                    });
                }
            }
        }
    }
    for s in &wa.scenarios {
        if wb.scenario_index(&s.id).is_none() {
            record.scenarios_retired.push(Named {
                id: s.id.clone(),
                name: s.title.clone(),
            });
        }
    }
    let (ca, cb) = (&wa.config, &wb.config);
    let f = &mut record.settings;
    push(f, "title", ca.title.clone(), cb.title.clone());
    push(f, "question", ca.question.clone(), cb.question.clone());
    push(
        f,
        "scoring.engine",
        ca.engine.as_str().into(),
        cb.engine.as_str().into(),
    );
    let (la, lb) = (ca.likelihood, cb.likelihood);
    for (k, x, y) in [
        ("CC", la.cc, lb.cc),
        ("C", la.c, lb.c),
        ("N", la.n, lb.n),
        ("I", la.i, lb.i),
        ("II", la.ii, lb.ii),
    ] {
        push(
            f,
            format!("scoring.likelihood.{k}"),
            x.to_string(),
            y.to_string(),
        );
    }
}

// ---------------------------------------------------------------------------
// Words shared by every format and by `brief --since`.

fn title_of<'a>(d: &'a Diff, id: &'a str) -> &'a str {
    d.scenarios
        .iter()
        .find(|s| s.id == id)
        .map(|s| s.title.as_str())
        .unwrap_or(id)
}

/// One sentence on the leading scenario.
pub fn headline(d: &Diff) -> String {
    match (&d.leader.from, &d.leader.to) {
        (Some(a), Some(b)) if a != b => format!(
            "The leading scenario changed: “{}” ({}) now leads; “{}” ({}) led before.",
            title_of(d, b),
            b,
            title_of(d, a),
            a
        ),
        (_, Some(b)) if !d.changed => format!(
            "No changes: “{}” ({b}) leads on both sides.",
            title_of(d, b)
        ),
        (_, Some(b)) => format!("“{}” ({b}) still leads.", title_of(d, b)),
        (_, None) => "No scenario on the later side.".into(),
    }
}

/// Record changes counted in one line, or `None` when there are none.
pub fn record_counts(r: &RecordDiff) -> Option<String> {
    let mut bits = Vec::new();
    let mut count = |n: usize, noun: &str, verb: &str| {
        if n > 0 {
            let s = if n == 1 { "" } else { "s" };
            bits.push(format!("{n} {noun}{s} {verb}"));
        }
    };
    count(r.claims_added.len(), "claim", "added");
    count(r.claims_removed.len(), "claim", "removed");
    count(r.claims_revised.len(), "claim", "revised");
    count(r.sources_added.len(), "source", "added");
    count(r.sources_removed.len(), "source", "removed");
    count(r.sources_changed.len(), "source", "changed");
    count(r.scenarios_added.len(), "scenario", "added");
    count(r.scenarios_retired.len(), "scenario", "retired");
    count(r.scenarios_changed.len(), "scenario", "changed");
    count(r.settings.len(), "setting", "changed");
    (!bits.is_empty()).then(|| bits.join(", "))
}

/// "25% → 61% (unlikely → likely), rank 3 → 1".
pub fn move_text(m: &ScenarioMove, engine: &str) -> String {
    let s = |o: &Option<Standing>, f: &dyn Fn(&Standing) -> String| {
        o.as_ref().map(f).unwrap_or_else(|| "—".into())
    };
    let main = if engine == "ach" {
        format!(
            "weighted inconsistency {} → {}",
            s(&m.from, &|x| format!("{:.2}", x.weighted_inconsistency)),
            s(&m.to, &|x| format!("{:.2}", x.weighted_inconsistency))
        )
    } else {
        let mut t = format!(
            "{} → {}",
            s(&m.from, &|x| x.percent.clone()),
            s(&m.to, &|x| x.percent.clone())
        );
        match (&m.from, &m.to) {
            (Some(a), Some(b)) if a.term != b.term => {
                let _ = write!(t, " ({} → {})", a.term, b.term);
            }
            (_, Some(b)) => {
                let _ = write!(t, " ({})", b.term);
            }
            _ => {}
        }
        t
    };
    let rank = match (&m.from, &m.to) {
        (Some(a), Some(b)) if a.rank != b.rank => format!(", rank {} → {}", a.rank, b.rank),
        (Some(a), Some(_)) => format!(", rank {}", a.rank),
        (None, Some(_)) => ", new scenario".into(),
        (Some(_), None) => ", retired".into(),
        (None, None) => String::new(),
    };
    format!("{main}{rank}")
}

/// The part's numbers, worded: "toward elite-coup (+1.52 log-odds), away
/// from spontaneous-protest (−0.84)".
pub fn part_effect(p: &Part, engine: &str) -> String {
    let m = if engine == "ach" {
        &p.weighted_inconsistency
    } else {
        &p.log_odds
    };
    let (unit, up, down) = if engine == "ach" {
        ("weighted inconsistency", "against", "for")
    } else {
        ("log-odds", "toward", "away from")
    };
    let best =
        m.0.iter()
            .max_by(|a, b| a.1.total_cmp(&b.1).then_with(|| b.0.cmp(&a.0)));
    let worst =
        m.0.iter()
            .min_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    let mut bits: Vec<String> = Vec::new();
    let mut push = |word: &str, id: &str, v: f64| {
        let u = if bits.is_empty() {
            format!(" {unit}")
        } else {
            String::new()
        };
        bits.push(format!("{word} {id} ({}{u})", signed(v)));
    };
    if let Some((id, v)) = best.filter(|x| x.1 > ZERO) {
        push(up, id, *v);
    }
    if let Some((id, v)) = worst.filter(|x| x.1 < -ZERO) {
        push(down, id, *v);
    }
    if bits.is_empty() {
        format!("no {unit} change")
    } else {
        bits.join(", ")
    }
}

/// "+1.52", "−0.84", "0.00".
pub fn signed(v: f64) -> String {
    let s = format!("{:.2}", v.abs());
    if s == "0.00" {
        s
    } else if v > 0.0 {
        format!("+{s}")
    } else {
        format!("−{s}")
    }
}

/// "added", "revised: credibility, ratings.elite-coup".
pub fn part_kind_text(p: &Part) -> String {
    let mut t = p.kind.as_str().to_string();
    let mut extra: Vec<String> = p
        .fields
        .iter()
        .filter(|f| !(p.kind != PartKind::Revised && f.as_str() == "status"))
        .cloned()
        .collect();
    extra.extend(
        p.sources_regraded
            .iter()
            .map(|s| format!("source {s} re-graded")),
    );
    if p.kind == PartKind::SourceRegraded {
        extra = p.sources_regraded.clone();
    }
    if !extra.is_empty() {
        let _ = write!(t, ": {}", extra.join(", "));
    }
    t
}

// ---------------------------------------------------------------------------
// Memo redline.

/// A unified diff of the two memos (empty when they are the same).
pub fn memo_unified(before: &str, after: &str, from: &str, to: &str) -> String {
    if before == after {
        return String::new();
    }
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(from, to)
        .to_string()
}

/// Colour a unified diff for a terminal.
pub fn colorize_unified(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let code = if body.starts_with("+++") || body.starts_with("---") {
            "1"
        } else if body.starts_with('+') {
            "32"
        } else if body.starts_with('-') {
            "31"
        } else if body.starts_with("@@") {
            "36"
        } else {
            ""
        };
        if code.is_empty() {
            out.push_str(line);
        } else {
            let _ = write!(out, "\x1b[{code}m{body}\x1b[0m{nl}");
        }
    }
    out
}

pub(crate) fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

/// Light Markdown for one memo line in the redline: headings, list bullets,
/// `**bold**` and `*italic*`, table rows. Escapes everything else.
fn md_inline(s: &str) -> String {
    let e = esc(s);
    let mut out = String::new();
    let mut bold = false;
    let mut ital = false;
    let mut rest = e.as_str();
    while let Some(i) = rest.find('*') {
        out.push_str(&rest[..i]);
        if rest[i..].starts_with("**") {
            out.push_str(if bold { "</strong>" } else { "<strong>" });
            bold = !bold;
            rest = &rest[i + 2..];
        } else {
            out.push_str(if ital { "</em>" } else { "<em>" });
            ital = !ital;
            rest = &rest[i + 1..];
        }
    }
    out.push_str(rest);
    if ital {
        out.push_str("</em>");
    }
    if bold {
        out.push_str("</strong>");
    }
    out
}

/// Class and display text of a memo line (Markdown markers dropped).
fn line_kind(line: &str) -> (&'static str, &str) {
    let t = line.trim_end_matches('\n');
    if let Some(r) = t.strip_prefix("### ") {
        ("h3", r)
    } else if let Some(r) = t.strip_prefix("## ") {
        ("h2", r)
    } else if let Some(r) = t.strip_prefix("# ") {
        ("h1", r)
    } else if let Some(r) = t.strip_prefix("- ") {
        ("li", r)
    } else if t.starts_with('|') {
        ("tr", t)
    } else if t.trim().is_empty() {
        ("gap", "")
    } else {
        ("p", t)
    }
}

/// One changed passage: word by word when the two versions are alike, else
/// the old text struck through followed by the new (interleaving words of two
/// unrelated sentences helps nobody read either).
fn redline_words(out: &mut String, old: &str, new: &str) {
    let words = similar::TextDiff::from_words(old, new);
    let clean = |s: &str| esc(s).replace('*', "");
    if words.ratio() < 0.65 {
        if !old.is_empty() {
            let _ = write!(out, "<del>{}</del>", clean(old));
        }
        if !old.is_empty() && !new.is_empty() {
            out.push('\n');
        }
        if !new.is_empty() {
            let _ = write!(out, "<ins>{}</ins>", clean(new));
        }
        return;
    }
    for ch in words.iter_all_changes() {
        let v = clean(ch.value());
        match ch.tag() {
            similar::ChangeTag::Equal => out.push_str(&v),
            similar::ChangeTag::Delete => {
                let _ = write!(out, "<del>{v}</del>");
            }
            similar::ChangeTag::Insert => {
                let _ = write!(out, "<ins>{v}</ins>");
            }
        }
    }
}

/// The whole memo with word-level insertions and deletions marked, as HTML
/// body content: unchanged lines lightly formatted, each changed passage one
/// block where deleted words are struck through and inserted words underlined.
pub fn memo_redline_html(before: &str, after: &str) -> String {
    let lines = similar::TextDiff::from_lines(before, after);
    let mut out = String::new();
    let mut old_block = String::new();
    let mut new_block = String::new();
    let flush = |out: &mut String, old_block: &mut String, new_block: &mut String| {
        if old_block.is_empty() && new_block.is_empty() {
            return;
        }
        out.push_str("<div class=\"chg\">");
        let old: Vec<&str> = old_block.lines().collect();
        let new: Vec<&str> = new_block.lines().collect();
        if old.len() == new.len() {
            // Line for line: each pair redlined on its own.
            for (k, (o, n)) in old.iter().zip(&new).enumerate() {
                if k > 0 {
                    out.push('\n');
                }
                redline_words(out, o, n);
            }
        } else {
            redline_words(out, &old.join("\n"), &new.join("\n"));
        }
        out.push_str("</div>\n");
        old_block.clear();
        new_block.clear();
    };
    for ch in lines.iter_all_changes() {
        match ch.tag() {
            similar::ChangeTag::Equal => {
                flush(&mut out, &mut old_block, &mut new_block);
                let (class, text) = line_kind(ch.value());
                if class == "gap" || text.starts_with("|---") {
                    continue;
                }
                let _ = writeln!(out, "<div class=\"{class}\">{}</div>", md_inline(text));
            }
            similar::ChangeTag::Delete => old_block.push_str(ch.value()),
            similar::ChangeTag::Insert => new_block.push_str(ch.value()),
        }
    }
    flush(&mut out, &mut old_block, &mut new_block);
    out
}

// ---------------------------------------------------------------------------
// Output formats.

/// Plain text for a terminal; `color` adds ANSI colours.
pub fn to_text(d: &Diff, memo_unified: &str, color: bool) -> String {
    let mut o = String::new();
    let bold = |s: &str| {
        if color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let _ = writeln!(
        o,
        "{}",
        bold(&format!("kzclaims diff: {} → {}", d.from.label, d.to.label))
    );
    let _ = writeln!(o);
    if !d.changed {
        let _ = writeln!(o, "no changes");
        if !memo_unified.is_empty() {
            let _ = writeln!(o, "\nMemo (dates only):\n");
            o.push_str(&if color {
                colorize_unified(memo_unified)
            } else {
                memo_unified.to_string()
            });
        }
        return o;
    }
    let flip = headline(d);
    let _ = writeln!(
        o,
        "{}",
        if d.leader.flipped {
            bold(&format!("!! {flip}"))
        } else {
            flip
        }
    );
    if let Some(c) = record_counts(&d.record) {
        let _ = writeln!(o, "Record: {c}.");
    }
    let _ = writeln!(o, "\n{}", bold("Assessment"));
    for m in &d.scenarios {
        let _ = writeln!(o, "  {:<24} {}", m.id, move_text(m, d.engine));
    }
    section_attribution_text(&mut o, d, &bold);
    section_record_text(&mut o, &d.record, &bold);
    if !memo_unified.is_empty() {
        let _ = writeln!(o, "\n{}\n", bold("Memo redline"));
        o.push_str(&if color {
            colorize_unified(memo_unified)
        } else {
            memo_unified.to_string()
        });
    }
    o
}

fn section_attribution_text(o: &mut String, d: &Diff, bold: &dyn Fn(&str) -> String) {
    let a = &d.attribution;
    if a.parts.is_empty() {
        return;
    }
    let ach = d.engine == "ach";
    let what = if ach {
        "Attribution: change in weighted inconsistency, by claim (lower is better)"
    } else {
        "Attribution: change in log-odds against the other scenarios, by claim"
    };
    let _ = writeln!(o, "\n{}", bold(what));
    let pick = |p: &Part| {
        if ach {
            p.weighted_inconsistency.clone()
        } else {
            p.log_odds.clone()
        }
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut head = vec!["claim".to_string(), "change".to_string()];
    head.extend(a.scenarios.iter().cloned());
    rows.push(head);
    for p in &a.parts {
        // Fields are listed under Record; the table keeps to the kind.
        let mut r = vec![
            p.claim.clone().unwrap_or_else(|| "(priors)".into()),
            p.kind.as_str().to_string(),
        ];
        r.extend(pick(p).0.iter().map(|(_, v)| signed(*v)));
        rows.push(r);
    }
    let total = if ach {
        &a.total_weighted_inconsistency
    } else {
        &a.total_log_odds
    };
    let mut r = vec!["total".to_string(), String::new()];
    r.extend(total.0.iter().map(|(_, v)| signed(*v)));
    rows.push(r);
    let mut lines: Vec<Line> = rows.into_iter().map(Line::Cells).collect();
    let last = lines.len() - 1;
    lines.insert(last, Line::Rule);
    o.push_str(&table::render(&lines, |i| i < 2, "  "));
}

fn fields_text(f: &[FieldChange]) -> String {
    f.iter()
        .map(|c| format!("{}: {} → {}", c.field, shorten(&c.from), shorten(&c.to)))
        .collect::<Vec<_>>()
        .join("; ")
}

fn shorten(s: &str) -> String {
    if s.is_empty() {
        return "(none)".into();
    }
    let n = s.chars().count();
    if n > 80 {
        let head: String = s.chars().take(77).collect();
        format!("“{head}…”")
    } else if s.contains(' ') {
        format!("“{s}”")
    } else {
        s.to_string()
    }
}

fn section_record_text(o: &mut String, r: &RecordDiff, bold: &dyn Fn(&str) -> String) {
    if r.is_empty() {
        return;
    }
    let _ = writeln!(o, "\n{}", bold("Record"));
    for c in &r.claims_added {
        let _ = writeln!(o, "  + {} ({}): {}", c.id, c.date, c.statement);
    }
    for c in &r.claims_removed {
        let _ = writeln!(o, "  - {} ({}): {}", c.id, c.date, c.statement);
    }
    for c in &r.claims_revised {
        let _ = writeln!(o, "  ~ {} ({}): {}", c.id, c.date, fields_text(&c.fields));
        for n in &c.notes {
            let _ = writeln!(o, "      note {n}");
        }
    }
    for s in &r.sources_added {
        let _ = writeln!(o, "  + source {} ({})", s.id, s.name);
    }
    for s in &r.sources_removed {
        let _ = writeln!(o, "  - source {} ({})", s.id, s.name);
    }
    for s in &r.sources_changed {
        let _ = writeln!(o, "  ~ source {}: {}", s.id, fields_text(&s.fields));
    }
    for s in &r.scenarios_added {
        let _ = writeln!(o, "  + scenario {}: {}", s.id, s.name);
    }
    for s in &r.scenarios_retired {
        let _ = writeln!(o, "  - scenario {}: {}", s.id, s.name);
    }
    for s in &r.scenarios_changed {
        let _ = writeln!(o, "  ~ scenario {}: {}", s.id, fields_text(&s.fields));
    }
    if !r.settings.is_empty() {
        let _ = writeln!(o, "  ~ settings: {}", fields_text(&r.settings));
    }
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Markdown.
pub fn to_markdown(d: &Diff, memo_unified: &str) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# What changed: {} → {}\n", d.from.label, d.to.label);
    if !d.changed {
        let _ = writeln!(o, "No changes.");
        return o;
    }
    let flip = headline(d);
    if d.leader.flipped {
        let _ = writeln!(o, "> **{flip}**\n");
    } else {
        let _ = writeln!(o, "{flip}\n");
    }
    if let Some(c) = record_counts(&d.record) {
        let _ = writeln!(o, "Record: {c}.\n");
    }
    let _ = writeln!(o, "## Assessment\n");
    let ach = d.engine == "ach";
    if ach {
        let _ = writeln!(
            o,
            "| Scenario | Weighted inconsistency | Rank |\n|---|---:|---:|"
        );
    } else {
        let _ = writeln!(
            o,
            "| Scenario | Probability | Likelihood | Rank |\n|---|---:|---|---:|"
        );
    }
    for m in &d.scenarios {
        let pair = |f: &dyn Fn(&Standing) -> String| {
            let a = m.from.as_ref().map(f).unwrap_or_else(|| "—".into());
            let b = m.to.as_ref().map(f).unwrap_or_else(|| "—".into());
            if a == b {
                a
            } else {
                format!("{a} → {b}")
            }
        };
        let rank = pair(&|s| s.rank.to_string());
        if ach {
            let _ = writeln!(
                o,
                "| {} | {} | {} |",
                md_cell(&m.title),
                pair(&|s| format!("{:.2}", s.weighted_inconsistency)),
                rank
            );
        } else {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                md_cell(&m.title),
                pair(&|s| s.percent.clone()),
                pair(&|s| s.term.to_string()),
                rank
            );
        }
    }
    let a = &d.attribution;
    if !a.parts.is_empty() {
        let _ = writeln!(
            o,
            "\n## Why: attribution by claim\n\n{}\n",
            if ach {
                "Change in each scenario's weighted inconsistency (lower is better), split by claim. The parts add up to the total."
            } else {
                "Change in each scenario's log-odds against the other scenarios, split by claim. The parts add up to the total."
            }
        );
        let _ = write!(o, "| Claim | Change |");
        for s in &a.scenarios {
            let _ = write!(o, " {s} |");
        }
        let _ = write!(o, "\n|---|---|");
        for _ in &a.scenarios {
            let _ = write!(o, "---:|");
        }
        o.push('\n');
        for p in &a.parts {
            let m = if ach {
                &p.weighted_inconsistency
            } else {
                &p.log_odds
            };
            let _ = write!(
                o,
                "| {} | {} |",
                p.claim
                    .as_deref()
                    .map(|c| format!("`{c}`"))
                    .unwrap_or_else(|| "priors".into()),
                md_cell(&part_kind_text(p))
            );
            for (_, v) in &m.0 {
                let _ = write!(o, " {} |", signed(*v));
            }
            o.push('\n');
        }
        let total = if ach {
            &a.total_weighted_inconsistency
        } else {
            &a.total_log_odds
        };
        let _ = write!(o, "| **total** | |");
        for (_, v) in &total.0 {
            let _ = write!(o, " **{}** |", signed(*v));
        }
        o.push('\n');
    }
    let r = &d.record;
    if !r.is_empty() {
        let _ = writeln!(o, "\n## Record\n");
        for c in &r.claims_added {
            let _ = writeln!(
                o,
                "- **Added** `{}` ({}): {}",
                c.id,
                c.date,
                md_cell(&c.statement)
            );
        }
        for c in &r.claims_removed {
            let _ = writeln!(
                o,
                "- **Removed** `{}` ({}): {}",
                c.id,
                c.date,
                md_cell(&c.statement)
            );
        }
        for c in &r.claims_revised {
            let _ = writeln!(
                o,
                "- **Revised** `{}` ({}): {}",
                c.id,
                c.date,
                md_cell(&fields_text(&c.fields))
            );
            for n in &c.notes {
                let _ = writeln!(o, "  - note {}", md_cell(n));
            }
        }
        for s in &r.sources_added {
            let _ = writeln!(o, "- **Source added** `{}`: {}", s.id, md_cell(&s.name));
        }
        for s in &r.sources_removed {
            let _ = writeln!(o, "- **Source removed** `{}`: {}", s.id, md_cell(&s.name));
        }
        for s in &r.sources_changed {
            let _ = writeln!(
                o,
                "- **Source changed** `{}`: {}",
                s.id,
                md_cell(&fields_text(&s.fields))
            );
        }
        for s in &r.scenarios_added {
            let _ = writeln!(o, "- **Scenario added** `{}`: {}", s.id, md_cell(&s.name));
        }
        for s in &r.scenarios_retired {
            let _ = writeln!(o, "- **Scenario retired** `{}`: {}", s.id, md_cell(&s.name));
        }
        for s in &r.scenarios_changed {
            let _ = writeln!(
                o,
                "- **Scenario changed** `{}`: {}",
                s.id,
                md_cell(&fields_text(&s.fields))
            );
        }
        if !r.settings.is_empty() {
            let _ = writeln!(o, "- **Settings**: {}", md_cell(&fields_text(&r.settings)));
        }
    }
    if !memo_unified.is_empty() {
        let _ = writeln!(o, "\n## Memo redline\n\n```diff\n{}```", memo_unified);
    }
    o
}

const HTML_STYLE: &str = "body{font-family:Georgia,\"Times New Roman\",serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.5}
h1{font-size:1.5rem}h2{font-size:1.2rem;border-bottom:1px solid #999;margin-top:2rem}
.flip{background:#fff3d6;border-left:4px solid #c08a00;padding:.6rem 1rem;font-weight:bold}
.lede{background:#f3f1ea;border-left:4px solid #7a6a3a;padding:.6rem 1rem}
table{border-collapse:collapse;width:100%;font-size:.92rem}th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}.pos{color:#1b6e20}.neg{color:#a01010}
.memo{border:1px solid #ccc;padding:1rem 1.5rem;background:#fff}
.memo .h1{font-size:1.4rem;font-weight:bold;margin:.6rem 0}.memo .h2{font-size:1.15rem;font-weight:bold;margin:1rem 0 .3rem}.memo .h3{font-weight:bold;margin:.8rem 0 .2rem}
.memo .li{margin-left:1.5rem;display:list-item}.memo .tr{font-family:ui-monospace,monospace;font-size:.8rem;white-space:pre-wrap}.memo .p{margin:.3rem 0}
.memo .chg{white-space:pre-wrap;background:#fafafa;border-left:3px solid #c08a00;padding:.2rem .6rem;margin:.3rem 0}
del{background:#fde0e0;color:#8a1010;text-decoration:line-through}ins{background:#dff5df;color:#135e16;text-decoration:underline}
.key{color:#555;font-size:.9rem}code{font-size:.9em}";

/// A self-contained HTML page: summary, assessment, attribution, record and
/// the memo redline.
pub fn to_html(d: &Diff, memo_before: &str, memo_after: &str) -> String {
    let mut o = String::new();
    let title = format!("What changed: {} → {}", d.from.label, d.to.label);
    let _ = writeln!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{HTML_STYLE}\n</style>\n</head>\n<body>\n<h1>{}</h1>",
        esc(&title),
        esc(&title)
    );
    if !d.changed {
        let _ = writeln!(o, "<p class=\"lede\">No changes.</p>");
    } else {
        let flip = headline(d);
        if d.leader.flipped {
            let _ = writeln!(o, "<p class=\"flip\">{}</p>", esc(&flip));
        } else {
            let _ = writeln!(o, "<p class=\"lede\">{}</p>", esc(&flip));
        }
        if let Some(c) = record_counts(&d.record) {
            let _ = writeln!(o, "<p>Record: {}.</p>", esc(&c));
        }
        html_assessment(&mut o, d);
        html_attribution(&mut o, d);
        html_record(&mut o, &d.record);
    }
    if memo_before != memo_after {
        let _ = writeln!(
            o,
            "<h2>The memo, redlined</h2>\n<p class=\"key\">The memo as of {} rewritten as of {}: <del>struck-through words</del> were removed, <ins>underlined words</ins> were added.</p>\n<div class=\"memo\">\n{}</div>",
            esc(&d.from.label),
            esc(&d.to.label),
            memo_redline_html(memo_before, memo_after)
        );
    }
    o.push_str("</body>\n</html>\n");
    o
}

fn html_assessment(o: &mut String, d: &Diff) {
    let _ = writeln!(o, "<h2>Assessment</h2>\n<table>\n<tr><th>Scenario</th><th class=\"num\">Before</th><th class=\"num\">After</th><th>Likelihood</th><th class=\"num\">Rank</th></tr>");
    let ach = d.engine == "ach";
    for m in &d.scenarios {
        let v = |s: &Option<Standing>| {
            s.as_ref()
                .map(|s| {
                    if ach {
                        format!("{:.2}", s.weighted_inconsistency)
                    } else {
                        s.percent.clone()
                    }
                })
                .unwrap_or_else(|| "—".into())
        };
        let term = match (&m.from, &m.to) {
            (Some(a), Some(b)) if a.term != b.term => format!("{} → {}", a.term, b.term),
            (_, Some(b)) => b.term.to_string(),
            (Some(a), None) => a.term.to_string(),
            _ => String::new(),
        };
        let rank = match (&m.from, &m.to) {
            (Some(a), Some(b)) if a.rank != b.rank => format!("{} → {}", a.rank, b.rank),
            (_, Some(b)) => b.rank.to_string(),
            (Some(a), None) => format!("{} → retired", a.rank),
            _ => String::new(),
        };
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
            esc(&m.title),
            v(&m.from),
            v(&m.to),
            esc(&term),
            esc(&rank)
        );
    }
    o.push_str("</table>\n");
    if ach {
        o.push_str("<p class=\"key\">Values are weighted inconsistency (lower is better).</p>\n");
    }
}

fn html_attribution(o: &mut String, d: &Diff) {
    let a = &d.attribution;
    if a.parts.is_empty() {
        return;
    }
    let ach = d.engine == "ach";
    let _ = writeln!(
        o,
        "<h2>Why it moved</h2>\n<p class=\"key\">{}</p>\n<table>\n<tr><th>Claim</th><th>Change</th>",
        if ach {
            "Each claim's share of the change in weighted inconsistency (lower is better). The shares add up to the total."
        } else {
            "Each claim's share of the change in each scenario's log-odds against the others: positive pushes toward the scenario, negative away. The shares add up to the total."
        }
    );
    for s in &a.scenarios {
        let _ = write!(o, "<th class=\"num\">{}</th>", esc(s));
    }
    o.push_str("</tr>\n");
    let cell = |v: f64| {
        let class = if v > ZERO {
            "pos"
        } else if v < -ZERO {
            "neg"
        } else {
            ""
        };
        let class = if ach && !class.is_empty() {
            if class == "pos" {
                "neg"
            } else {
                "pos"
            }
        } else {
            class
        };
        format!("<td class=\"num {class}\">{}</td>", signed(v))
    };
    for p in &a.parts {
        let m = if ach {
            &p.weighted_inconsistency
        } else {
            &p.log_odds
        };
        let who = match (&p.claim, &p.statement) {
            (Some(c), Some(s)) => format!(
                "<code>{}</code><br><span class=\"key\">{}</span>",
                esc(c),
                esc(s)
            ),
            (Some(c), None) => format!("<code>{}</code>", esc(c)),
            _ => "Prior probabilities".into(),
        };
        let _ = write!(o, "<tr><td>{who}</td><td>{}</td>", esc(&part_kind_text(p)));
        for (_, v) in &m.0 {
            o.push_str(&cell(*v));
        }
        o.push_str("</tr>\n");
    }
    let total = if ach {
        &a.total_weighted_inconsistency
    } else {
        &a.total_log_odds
    };
    o.push_str("<tr><th>Total</th><th></th>");
    for (_, v) in &total.0 {
        let _ = write!(o, "<th class=\"num\">{}</th>", signed(*v));
    }
    o.push_str("</tr>\n</table>\n");
}

fn html_fields(f: &[FieldChange]) -> String {
    let mut o = String::from("<ul>");
    for c in f {
        let _ = write!(
            o,
            "<li>{}: <del>{}</del> → <ins>{}</ins></li>",
            esc(&c.field),
            esc(if c.from.is_empty() { "(none)" } else { &c.from }),
            esc(if c.to.is_empty() { "(none)" } else { &c.to })
        );
    }
    o.push_str("</ul>");
    o
}

fn html_record(o: &mut String, r: &RecordDiff) {
    if r.is_empty() {
        return;
    }
    o.push_str("<h2>What changed in the record</h2>\n<ul>\n");
    for c in &r.claims_added {
        let _ = writeln!(
            o,
            "<li><strong>Added</strong> <code>{}</code> ({}): {}</li>",
            esc(&c.id),
            c.date,
            esc(&c.statement)
        );
    }
    for c in &r.claims_removed {
        let _ = writeln!(
            o,
            "<li><strong>Removed</strong> <code>{}</code> ({}): {}</li>",
            esc(&c.id),
            c.date,
            esc(&c.statement)
        );
    }
    for c in &r.claims_revised {
        let _ = write!(
            o,
            "<li><strong>Revised</strong> <code>{}</code> ({}): {}{}",
            esc(&c.id),
            c.date,
            esc(&c.statement),
            html_fields(&c.fields)
        );
        for n in &c.notes {
            let _ = write!(o, "<p class=\"key\">Note {}</p>", esc(n));
        }
        o.push_str("</li>\n");
    }
    for s in &r.sources_added {
        let _ = writeln!(
            o,
            "<li><strong>Source added</strong> {} (<code>{}</code>)</li>",
            esc(&s.name),
            esc(&s.id)
        );
    }
    for s in &r.sources_removed {
        let _ = writeln!(
            o,
            "<li><strong>Source removed</strong> {} (<code>{}</code>)</li>",
            esc(&s.name),
            esc(&s.id)
        );
    }
    for s in &r.sources_changed {
        let _ = writeln!(
            o,
            "<li><strong>Source changed</strong> {} (<code>{}</code>){}</li>",
            esc(&s.name),
            esc(&s.id),
            html_fields(&s.fields)
        );
    }
    for s in &r.scenarios_added {
        let _ = writeln!(
            o,
            "<li><strong>Scenario added</strong> {} (<code>{}</code>)</li>",
            esc(&s.name),
            esc(&s.id)
        );
    }
    for s in &r.scenarios_retired {
        let _ = writeln!(
            o,
            "<li><strong>Scenario retired</strong> {} (<code>{}</code>)</li>",
            esc(&s.name),
            esc(&s.id)
        );
    }
    for s in &r.scenarios_changed {
        let _ = writeln!(
            o,
            "<li><strong>Scenario changed</strong> {} (<code>{}</code>){}</li>",
            esc(&s.name),
            esc(&s.id),
            html_fields(&s.fields)
        );
    }
    if !r.settings.is_empty() {
        let _ = writeln!(
            o,
            "<li><strong>Settings</strong>{}</li>",
            html_fields(&r.settings)
        );
    }
    o.push_str("</ul>\n");
}

// ---------------------------------------------------------------------------
// `brief --since`.

/// The memo's "What changed since …" block, in the shape the built-in
/// templates read: `label`, `summary`, `moves` and `drivers` (strings), plus
/// `flipped` and `changed`.
pub fn since_block(d: &Diff) -> serde_json::Value {
    let mut summary = headline(d);
    if let Some(c) = record_counts(&d.record) {
        let _ = write!(summary, " Since then: {c}.");
    }
    let moves: Vec<String> = d
        .scenarios
        .iter()
        .filter(|m| m.moved())
        .map(|m| format!("{}: {}", m.title, move_text(m, d.engine)))
        .collect();
    let drivers: Vec<String> = d
        .attribution
        .parts
        .iter()
        .take(5)
        .map(|p| match &p.claim {
            Some(c) => format!(
                "{c} ({}): {} — {}",
                part_kind_text(p),
                p.statement.clone().unwrap_or_default(),
                part_effect(p, d.engine)
            ),
            None => format!(
                "the prior probabilities changed — {}",
                part_effect(p, d.engine)
            ),
        })
        .collect();
    serde_json::json!({
        "label": d.from.label,
        "changed": d.changed,
        "flipped": d.leader.flipped,
        "summary": summary,
        "moves": moves,
        "drivers": drivers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::assess;
    use chrono::NaiveDate;
    use proptest::prelude::*;
    use std::fmt::Write;

    const RATINGS: [&str; 6] = ["CC", "C", "N", "I", "II", "NA"];
    const GRADES: [&str; 6] = ["A", "B", "C", "D", "E", "F"];
    const RELEVANCE: [&str; 3] = ["low", "medium", "high"];

    /// A random revision: what it changes.
    #[derive(Debug, Clone)]
    enum Rev {
        Credibility(u8),
        Relevance(usize),
        Rating(usize, usize),
        Statement,
        Retract,
        Reinstate,
    }

    #[derive(Debug, Clone)]
    struct ClaimM {
        day: u32,
        sources: Vec<usize>,
        credibility: u8,
        relevance: usize,
        ratings: Vec<usize>,
        revisions: Vec<(u32, Rev)>,
    }

    /// A random workspace, written out as TOML for the real loader.
    #[derive(Debug, Clone)]
    struct Model {
        /// Prior in hundredths, or none (shares the remainder).
        priors: Vec<Option<u32>>,
        /// Which scenarios exist (a later version may retire one).
        present: Vec<bool>,
        reliability: Vec<usize>,
        claims: Vec<Option<ClaimM>>,
        likelihood_cc: Option<f64>,
    }

    fn rev() -> impl Strategy<Value = Rev> {
        prop_oneof![
            (1u8..=6).prop_map(Rev::Credibility),
            (0usize..3).prop_map(Rev::Relevance),
            (0usize..5, 0usize..6).prop_map(|(s, r)| Rev::Rating(s, r)),
            Just(Rev::Statement),
            Just(Rev::Retract),
            Just(Rev::Reinstate),
        ]
    }

    fn claim(n: usize, nsrc: usize) -> impl Strategy<Value = ClaimM> {
        (
            0u32..20,
            prop::collection::vec(0..nsrc, 1..3),
            1u8..=6,
            0usize..3,
            prop::collection::vec(0usize..6, n),
            prop::collection::vec((0u32..10, rev()), 0..4),
        )
            .prop_map(
                |(day, sources, credibility, relevance, ratings, mut revisions)| {
                    revisions.sort_by_key(|r| r.0);
                    ClaimM {
                        day,
                        sources,
                        credibility,
                        relevance,
                        ratings,
                        revisions,
                    }
                },
            )
    }

    fn model() -> impl Strategy<Value = Model> {
        (2usize..=5, 1usize..=4).prop_flat_map(|(n, nsrc)| {
            (
                prop::collection::vec(prop::option::of(1u32..=20), n),
                prop::collection::vec(0usize..6, nsrc),
                prop::collection::vec(claim(n, nsrc).prop_map(Some), 1..10),
            )
                .prop_map(move |(priors, reliability, claims)| Model {
                    priors,
                    present: vec![true; n],
                    reliability,
                    claims,
                    likelihood_cc: None,
                })
        })
    }

    /// Edits a later version might make.
    #[derive(Debug, Clone)]
    struct Edits {
        regrade: Option<(usize, usize)>,
        prior: Option<(usize, Option<u32>)>,
        retire: Option<usize>,
        drop_claim: Option<usize>,
        credibility: Option<(usize, u8)>,
        cc: Option<f64>,
    }

    fn edits() -> impl Strategy<Value = Edits> {
        (
            prop::option::of((0usize..4, 0usize..6)),
            prop::option::of((0usize..5, prop::option::of(1u32..=20))),
            prop::option::of(0usize..5),
            prop::option::of(0usize..10),
            prop::option::of((0usize..10, 1u8..=6)),
            prop::option::of(0.6f64..1.0),
        )
            .prop_map(
                |(regrade, prior, retire, drop_claim, credibility, cc)| Edits {
                    regrade,
                    prior,
                    retire,
                    drop_claim,
                    credibility,
                    cc,
                },
            )
    }

    fn edited(m: &Model, e: &Edits) -> Model {
        let mut m = m.clone();
        let n = m.priors.len();
        if let Some((k, g)) = e.regrade {
            let len = m.reliability.len();
            m.reliability[k % len] = g;
        }
        if let Some((j, p)) = e.prior {
            m.priors[j % n] = p;
        }
        if let Some(j) = e.retire {
            if n > 2 {
                m.present[j % n] = false;
            }
        }
        let nc = m.claims.len();
        if let Some(i) = e.drop_claim {
            m.claims[i % nc] = None;
        }
        if let Some((i, c)) = e.credibility {
            if let Some(cl) = m.claims[i % nc].as_mut() {
                cl.credibility = c;
            }
        }
        m.likelihood_cc = e.cc;
        m
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Duration::days(d as i64)
    }

    fn build(m: &Model) -> Workspace {
        let mut cfg = "title = \"p\"\nquestion = \"q\"\n".to_string();
        if let Some(cc) = m.likelihood_cc {
            let _ = writeln!(cfg, "[scoring.likelihood]\nCC = {cc}");
        }
        let mut sc = String::new();
        for (j, p) in m.priors.iter().enumerate() {
            if !m.present[j] {
                continue;
            }
            let _ = writeln!(
                sc,
                "[[scenario]]\nid = \"s{j}\"\ntitle = \"S{j}\"\nsummary = \"s\""
            );
            if let Some(p) = p {
                let _ = writeln!(sc, "prior = {}", *p as f64 / 100.0);
            }
        }
        let mut cl = String::new();
        for (k, g) in m.reliability.iter().enumerate() {
            let _ = writeln!(
                cl,
                "[[source]]\nid = \"r{k}\"\nname = \"R{k}\"\nkind = \"media\"\nreliability = \"{}\"\n",
                GRADES[*g]
            );
        }
        for (i, c) in m.claims.iter().enumerate() {
            let Some(c) = c else { continue };
            let srcs: Vec<String> = c.sources.iter().map(|s| format!("\"r{s}\"")).collect();
            let _ = writeln!(
                cl,
                "[[claim]]\nid = \"c{i}\"\ndate = {}\nstatement = \"claim {i}\"\nsources = [{}]\nurl = \"u\"\ncredibility = {}\nrelevance = \"{}\"\n[claim.ratings]",
                day(c.day),
                srcs.join(", "),
                c.credibility,
                RELEVANCE[c.relevance]
            );
            for (j, r) in c.ratings.iter().enumerate() {
                if m.present[j] {
                    let _ = writeln!(cl, "s{j} = \"{}\"", RATINGS[*r]);
                }
            }
            let mut d = c.day;
            for (k, (after, r)) in c.revisions.iter().enumerate() {
                d += after;
                let _ = writeln!(
                    cl,
                    "\n[[claim.revision]]\ndate = {}\nnote = \"n{k}\"",
                    day(d)
                );
                match r {
                    Rev::Credibility(v) => {
                        let _ = writeln!(cl, "credibility = {v}");
                    }
                    Rev::Relevance(v) => {
                        let _ = writeln!(cl, "relevance = \"{}\"", RELEVANCE[*v]);
                    }
                    Rev::Rating(s, v) => {
                        let s = s % m.present.len();
                        if m.present[s] {
                            let _ = writeln!(cl, "ratings = {{ s{s} = \"{}\" }}", RATINGS[*v]);
                        }
                    }
                    Rev::Statement => {
                        let _ = writeln!(cl, "statement = \"claim {i}, reworded {k}\"");
                    }
                    Rev::Retract => {
                        let _ = writeln!(cl, "status = \"retracted\"");
                    }
                    Rev::Reinstate => {
                        let _ = writeln!(cl, "status = \"active\"");
                    }
                }
            }
            cl.push('\n');
        }
        let files = vec![
            SourceFile {
                rel: "kzclaims.toml".into(),
                text: cfg,
            },
            SourceFile {
                rel: "scenarios/s.toml".into(),
                text: sc,
            },
            SourceFile {
                rel: "claims/c.toml".into(),
                text: cl,
            },
        ];
        crate::load::from_files(files)
            .unwrap_or_else(|e| panic!("generated workspace invalid: {e:?}"))
    }

    fn side<'a>(ws: &'a Workspace, a: &'a Assessment) -> Side<'a> {
        Side {
            ws,
            assessment: a,
            info: SideInfo {
                spec: a.as_of.to_string(),
                label: a.as_of.to_string(),
                as_of: a.as_of.to_string(),
                revision: None,
            },
        }
    }

    fn assert_sums(d: &Diff) -> Result<(), TestCaseError> {
        let a = &d.attribution;
        for (k, id) in a.scenarios.iter().enumerate() {
            let lo: f64 = a.parts.iter().map(|p| p.log_odds.0[k].1).sum();
            let wi: f64 = a
                .parts
                .iter()
                .map(|p| p.weighted_inconsistency.0[k].1)
                .sum();
            prop_assert!(
                (lo - a.total_log_odds.0[k].1).abs() < 1e-9,
                "log-odds {id}: {lo} vs {:?}",
                a.total_log_odds
            );
            prop_assert!(
                (wi - a.total_weighted_inconsistency.0[k].1).abs() < 1e-9,
                "weighted {id}"
            );
        }
        Ok(())
    }

    fn assert_mirror(ab: &Diff, ba: &Diff) -> Result<(), TestCaseError> {
        prop_assert_eq!(ab.attribution.parts.len(), ba.attribution.parts.len());
        for p in &ab.attribution.parts {
            let q = ba.attribution.parts.iter().find(|q| q.claim == p.claim);
            prop_assert!(q.is_some(), "{:?} missing from the mirror", p.claim);
            let q = q.unwrap();
            prop_assert_eq!(p.kind.mirrored(), q.kind);
            for (x, y) in p.log_odds.0.iter().zip(&q.log_odds.0) {
                prop_assert!((x.1 + y.1).abs() < 1e-12);
            }
        }
        prop_assert_eq!(ab.leader.from.clone(), ba.leader.to.clone());
        prop_assert_eq!(ab.record.claims_added.len(), ba.record.claims_removed.len());
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        /// Over random histories and random later versions (sources
        /// re-graded, priors changed, a scenario retired, a claim deleted or
        /// edited, the likelihood table changed), the parts sum to the total
        /// and `diff B A` mirrors `diff A B`.
        #[test]
        fn parts_sum_to_the_total(m in model(), e in edits(), d1 in 0u32..40, d2 in 0u32..40, ach in any::<bool>()) {
            let engine = if ach { EngineKind::Ach } else { EngineKind::Bayes };
            let wa = build(&m);
            let wb = build(&edited(&m, &e));
            let (a1, a2) = (assess(&wa, day(d1), engine), assess(&wa, day(d2), engine));
            let b2 = assess(&wb, day(d2), engine);
            // Same workspace, two dates.
            let d = diff(&side(&wa, &a1), &side(&wa, &a2));
            assert_sums(&d)?;
            assert_mirror(&d, &diff(&side(&wa, &a2), &side(&wa, &a1)))?;
            // Two versions of the workspace.
            let d = diff(&side(&wa, &a1), &side(&wb, &b2));
            assert_sums(&d)?;
            assert_mirror(&d, &diff(&side(&wb, &b2), &side(&wa, &a1)))?;
            // The same side twice: nothing.
            let d = diff(&side(&wa, &a1), &side(&wa, &a1));
            prop_assert!(!d.changed && d.attribution.parts.is_empty() && d.record.is_empty());
        }
    }

    #[test]
    fn against_others_is_linear_and_sums_to_zero() {
        let v = [0.3, -1.2, 2.5, 0.0];
        let lo = against_others(&v);
        assert!((lo[0] - (0.3 - (-1.2 + 2.5 + 0.0) / 3.0)).abs() < 1e-15);
        assert!(lo.iter().sum::<f64>().abs() < 1e-12);
        assert_eq!(against_others(&[1.0]), vec![0.0]);
    }

    #[test]
    fn redline_marks_words() {
        let html = memo_redline_html(
            "# T\n\nThe odds were low.\n",
            "# T\n\nThe odds were high.\n",
        );
        assert!(html.contains("<div class=\"h1\">T</div>"));
        assert!(
            html.contains("<del>low.</del><ins>high.</ins></div>"),
            "{html}"
        );
        assert_eq!(memo_unified("a\n", "a\n", "x", "y"), "");
    }
}
