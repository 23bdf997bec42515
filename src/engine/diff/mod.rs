//! What changed between two assessments and why: the assessment (probabilities,
//! ranks, ICD 203 terms, the leading scenario), an exact attribution of each
//! scenario's change in log-odds to claims and priors, and the record changes
//! field by field. Computation only: `report::diff` writes it out (text,
//! Markdown, HTML, GitHub annotations, the memo redline).
//!
//! Formulas: docs/scoring.md, "Attribution of changes". Shapes: docs/timeline.md.

use crate::engine::words::percent;
use crate::engine::{against_others, words, Assessment, IndicatorRow, Row};
use crate::load::git::RevisionInfo;
use crate::model::*;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

mod record;

use record::{record_settings, revised, Common, View};
pub use record::{ClaimBrief, ClaimRevised, FieldChange, Named, NamedChange, RecordDiff};

/// Below this a contribution counts as no contribution.
pub const ZERO: f64 = 1e-12;

/// One side of a diff: a workspace, evaluated as of a date.
pub struct Side<'a> {
    /// The workspace as read on this side.
    pub ws: &'a Workspace,
    /// Its assessment as of the side's date.
    pub assessment: &'a Assessment,
    /// How the side was named and what it resolved to.
    pub info: SideInfo,
}

/// How a side was named and what it resolved to.
#[derive(Debug, Clone, Serialize)]
pub struct SideInfo {
    /// As given: `2022-01-06`, `HEAD~1`, `v1@2022-01-06`, `.`.
    pub spec: String,
    /// For people: `2022-01-06`, `HEAD~1 (1a2b3c4, 2022-03-16)`.
    pub label: String,
    /// The side's as-of date, `YYYY-MM-DD`.
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
    /// The number for scenario `id`, if it is in the map.
    pub fn get(&self, id: &str) -> Option<f64> {
        self.0.iter().find(|(k, _)| k == id).map(|(_, v)| *v)
    }
}

/// A scenario's standing on one side.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Standing {
    /// Rank, 1 for the leader.
    pub rank: usize,
    /// Probability, 0–1.
    pub probability: f64,
    /// The probability as printed ("61%").
    pub percent: String,
    /// ICD 203 term.
    pub term: &'static str,
    /// ACH weighted inconsistency.
    pub weighted_inconsistency: f64,
    /// ACH inconsistency (I = 1, II = 2, summed).
    pub inconsistency: u32,
}

/// One scenario before and after (`None`: absent on that side).
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioMove {
    /// Scenario id.
    pub id: String,
    /// Title (on the later side when present there).
    pub title: String,
    /// Its standing on the earlier side.
    pub from: Option<Standing>,
    /// Its standing on the later side.
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
    /// Id of the leader on the earlier side.
    pub from: Option<String>,
    /// Id of the leader on the later side.
    pub to: Option<String>,
    /// Whether the leader changed.
    pub flipped: bool,
}

/// What kind of change a part of the attribution stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PartKind {
    /// The priors changed.
    Prior,
    /// `[scoring] evidence_weight` changed.
    EvidenceWeight,
    /// The claim entered the record.
    Added,
    /// The claim left the record (deleted, or dated after the `to` side).
    Removed,
    /// The claim was retracted (by a revision in force on the `to` side).
    Retracted,
    /// The claim's retraction is no longer in force (it was reinstated).
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
    /// The kind as printed ("source re-graded").
    pub fn as_str(self) -> &'static str {
        match self {
            PartKind::Prior => "prior",
            PartKind::EvidenceWeight => "evidence weight",
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
    /// What kind of change the part stands for.
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
    /// Change in each scenario's weighted inconsistency (ACH).
    pub total_weighted_inconsistency: IdMap,
    /// Largest first (by log-odds for bayes, weighted inconsistency for ach).
    pub parts: Vec<Part>,
}

/// Everything `kzclaims diff` reports.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    /// The earlier side.
    pub from: SideInfo,
    /// The later side.
    pub to: SideInfo,
    /// The engine both sides were scored with, `bayes` or `ach`.
    pub engine: &'static str,
    /// Whether the record or the assessment changed at all.
    pub changed: bool,
    /// The leading scenario on each side.
    pub leader: Leader,
    /// Scenarios in the `to` side's rank order, then those retired.
    pub scenarios: Vec<ScenarioMove>,
    /// Each scenario's change split exactly into parts.
    pub attribution: Attribution,
    /// The record's changes, field by field.
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

/// A row's log L'' over the attributed set, when it counts.
fn log_over(row: Option<&Row>, idx: &[usize]) -> Option<Vec<f64>> {
    row.and_then(|r| r.log_l.as_ref())
        .map(|l| idx.iter().map(|&j| l[j]).collect())
}

/// Which group a claim's row counts in: a named group, or its own.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum GroupKey<'a> {
    Named(&'a str),
    Own(&'a str),
}

fn group_key<'a>(w: &'a Workspace, r: &Row) -> GroupKey<'a> {
    let c = &w.claims[r.state.claim];
    match c.group.as_deref() {
        Some(g) => GroupKey::Named(g),
        None => GroupKey::Own(c.id.as_str()),
    }
}

/// One member of a group that differs between the sides: its row before and
/// after (`None` where it does not count on that side).
struct Changed<'a> {
    id: &'a str,
    before: Option<Vec<f64>>,
    after: Option<Vec<f64>>,
}

/// Split the change of a group's mean row among its changed members, exactly:
/// switch the members from their before to their after state one by one, in
/// id order and in reverse id order, and give each member the mean of its two
/// steps. The parts sum to C_after − C_before, and swapping the sides negates
/// every part (docs/scoring.md, "Attribution of changes").
fn group_shares(unchanged: &[Vec<f64>], changed: &[Changed], h: usize) -> Vec<Vec<f64>> {
    let k = changed.len();
    let mut base_sum = vec![0.0; h];
    for u in unchanged {
        base_sum.iter_mut().zip(u).for_each(|(s, x)| *s += x);
    }
    let mean = |sum: &[f64], n: usize| -> Vec<f64> {
        if n == 0 {
            vec![0.0; h]
        } else {
            sum.iter().map(|s| s / n as f64).collect()
        }
    };
    let pass = |order: &mut dyn Iterator<Item = usize>| -> Vec<Vec<f64>> {
        let mut sum = base_sum.clone();
        let mut n = unchanged.len();
        for c in changed {
            if let Some(b) = &c.before {
                sum.iter_mut().zip(b).for_each(|(s, x)| *s += x);
                n += 1;
            }
        }
        let mut prev = mean(&sum, n);
        let mut out = vec![vec![0.0; h]; k];
        for m in order {
            let c = &changed[m];
            if let Some(b) = &c.before {
                sum.iter_mut().zip(b).for_each(|(s, x)| *s -= x);
                n -= 1;
            }
            if let Some(a) = &c.after {
                sum.iter_mut().zip(a).for_each(|(s, x)| *s += x);
                n += 1;
            }
            let cur = mean(&sum, n);
            out[m] = cur.iter().zip(&prev).map(|(x, y)| x - y).collect();
            prev = cur;
        }
        out
    };
    let fwd = pass(&mut (0..k));
    let rev = pass(&mut (0..k).rev());
    fwd.iter()
        .zip(&rev)
        .map(|(f, r)| f.iter().zip(r).map(|(x, y)| (x + y) / 2.0).collect())
        .collect()
}

/// A claim id with its row on each side (`None` where it is not in that
/// side's record).
type ClaimPair<'a> = (&'a str, Option<&'a Row>, Option<&'a Row>);

/// Every claim of either side, in id order, with its row on each side
/// (`None` where it is not in that side's record). Merged from the two
/// sides' rows sorted by id (ids are unique within a side).
fn by_id<'a>(
    wa: &'a Workspace,
    aa: &'a Assessment,
    wb: &'a Workspace,
    ab: &'a Assessment,
) -> Vec<ClaimPair<'a>> {
    let sorted = |w: &'a Workspace, a: &'a Assessment| {
        let mut v: Vec<(&str, &Row)> = a
            .rows
            .iter()
            .map(|r| (w.claims[r.state.claim].id.as_str(), r))
            .collect();
        v.sort_unstable_by(|x, y| x.0.cmp(y.0));
        v
    };
    let (a, b) = (sorted(wa, aa), sorted(wb, ab));
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    let (mut i, mut k) = (0, 0);
    loop {
        match (a.get(i), b.get(k)) {
            (Some(x), Some(y)) => match x.0.cmp(y.0) {
                Ordering::Less => {
                    out.push((x.0, Some(x.1), None));
                    i += 1;
                }
                Ordering::Greater => {
                    out.push((y.0, None, Some(y.1)));
                    k += 1;
                }
                Ordering::Equal => {
                    out.push((x.0, Some(x.1), Some(y.1)));
                    i += 1;
                    k += 1;
                }
            },
            (Some(x), None) => {
                out.push((x.0, Some(x.1), None));
                i += 1;
            }
            (None, Some(y)) => {
                out.push((y.0, None, Some(y.1)));
                k += 1;
            }
            (None, None) => return out,
        }
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

/// The two sides being compared, and the attributed set of scenarios.
struct Pair<'a> {
    wa: &'a Workspace,
    wb: &'a Workspace,
    aa: &'a Assessment,
    ab: &'a Assessment,
    /// Ids of the attributed scenarios, and their indices before and after.
    ids: Vec<String>,
    ia: Vec<usize>,
    ib: Vec<usize>,
    /// Evidence weight η before and after, and their mean.
    eta_a: f64,
    eta_b: f64,
    eta_mid: f64,
}

impl<'a> Pair<'a> {
    fn new(before: &Side<'a>, after: &Side<'a>) -> Pair<'a> {
        let (wa, wb) = (before.ws, after.ws);
        let set = attributed(wa, wb);
        let (eta_a, eta_b) = (wa.config.evidence_weight, wb.config.evidence_weight);
        Pair {
            wa,
            wb,
            aa: before.assessment,
            ab: after.assessment,
            ids: set.iter().map(|t| t.2.clone()).collect(),
            ia: set.iter().map(|t| t.0).collect(),
            ib: set.iter().map(|t| t.1).collect(),
            eta_a,
            eta_b,
            eta_mid: (eta_a + eta_b) / 2.0,
        }
    }
}

/// Compare two sides.
pub fn diff(before: &Side, after: &Side) -> Diff {
    let p = Pair::new(before, after);
    let (wa, wb) = (p.wa, p.wb);
    let (aa, ab) = (p.aa, p.ab);
    let engine = ab.engine;

    // Every claim of either side, in id order, with its row on each side.
    let pairs = by_id(wa, aa, wb, ab);
    let claim_lo = claim_shares(&p, &pairs);

    let mut parts = setting_parts(&p);
    let mut record = RecordDiff::default();
    claim_parts(&p, &pairs, &claim_lo, &mut parts, &mut record);
    indicator_parts(&p, &mut parts);
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
    let attribution = attribution(p, engine, parts);

    record_settings((wa, aa.as_of), (wb, ab.as_of), &mut record);

    let scenarios = scenario_moves(wa, aa, wb, ab);
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

/// Each changed claim's share of ΔC in every scenario, times the mean η.
///
/// Dependent evidence: each group counts with its mean row, times η. A
/// change of η is its own part, (η_B − η_A)·(ΣC_A + ΣC_B)/2; every claim's
/// and observation's share of ΔC is weighted by (η_A + η_B)/2, so the parts
/// still sum to the total and mirror exactly.
fn claim_shares<'a>(p: &Pair<'a>, pairs: &[ClaimPair<'a>]) -> BTreeMap<&'a str, Vec<f64>> {
    let (wa, wb, ia, ib) = (p.wa, p.wb, &p.ia, &p.ib);
    let h = p.ids.len();
    let mut claim_lo: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    type Members<'a> = BTreeMap<&'a str, Vec<f64>>;
    let mut by_key: BTreeMap<GroupKey, (Members, Members)> = BTreeMap::new();
    for &(id, ra, rb) in pairs {
        // A claim in a group of its own with the same log L'' row on
        // both sides is a group that did not change: it has no share,
        // and most of a large record is such claims.
        if let (Some(ra), Some(rb)) = (ra, rb) {
            let own = |w: &Workspace, r: &Row| matches!(group_key(w, r), GroupKey::Own(_));
            if let (Some(la), Some(lb)) = (&ra.log_l, &rb.log_l) {
                if own(wa, ra)
                    && own(wb, rb)
                    && ia.iter().zip(ib).all(|(&ja, &jb)| la[ja] == lb[jb])
                {
                    continue;
                }
            }
        }
        if let Some(r) = ra {
            if let Some(v) = log_over(Some(r), ia) {
                by_key.entry(group_key(wa, r)).or_default().0.insert(id, v);
            }
        }
        if let Some(r) = rb {
            if let Some(v) = log_over(Some(r), ib) {
                by_key.entry(group_key(wb, r)).or_default().1.insert(id, v);
            }
        }
    }
    for (before, after) in by_key.values() {
        let members: BTreeSet<&str> = before.keys().chain(after.keys()).copied().collect();
        let mut unchanged = Vec::new();
        let mut changed = Vec::new();
        for id in members {
            let (b, a) = (before.get(id), after.get(id));
            if b.is_some() && b == a {
                unchanged.push(b.cloned().unwrap_or_default());
            } else {
                changed.push(Changed {
                    id,
                    before: b.cloned(),
                    after: a.cloned(),
                });
            }
        }
        let shares = group_shares(&unchanged, &changed, h);
        for (c, share) in changed.iter().zip(shares) {
            let acc = claim_lo.entry(c.id).or_insert_with(|| vec![0.0; h]);
            acc.iter_mut()
                .zip(&share)
                .for_each(|(x, s)| *x += p.eta_mid * s);
        }
    }
    claim_lo
}

/// The parts of settings: the evidence weight η and the priors.
fn setting_parts(p: &Pair) -> Vec<Part> {
    let (wa, wb, ia, ib, ids) = (p.wa, p.wb, &p.ia, &p.ib, &p.ids);
    let (eta_a, eta_b) = (p.eta_a, p.eta_b);
    let mut parts = Vec::new();
    if (eta_b - eta_a).abs() > 0.0 {
        let sum_c = |a: &Assessment, idx: &[usize], eta: f64| -> Vec<f64> {
            idx.iter()
                .map(|&j| a.scores[j].likelihood_term / eta)
                .collect()
        };
        let (ca, cb) = (sum_c(p.aa, ia, eta_a), sum_c(p.ab, ib, eta_b));
        let part: Vec<f64> = ca
            .iter()
            .zip(&cb)
            .map(|(x, y)| (eta_b - eta_a) * (x + y) / 2.0)
            .collect();
        parts.push(Part {
            claim: Some("scoring.evidence_weight".into()),
            kind: PartKind::EvidenceWeight,
            fields: vec!["evidence_weight".into()],
            sources_regraded: Vec::new(),
            statement: Some(format!("evidence weight η {eta_a} → {eta_b}")),
            log_odds: idmap(ids, against_others(&part)),
            weighted_inconsistency: idmap(ids, vec![0.0; ids.len()]),
        });
    }
    // Priors.
    let prior_lo = |w: &Workspace, idx: &[usize]| {
        let p = w.priors();
        against_others(&idx.iter().map(|&j| p[j].ln()).collect::<Vec<_>>())
    };
    let prior_part = sub(&prior_lo(wb, ib), &prior_lo(wa, ia));
    if prior_part.iter().any(|x| x.abs() > ZERO) {
        parts.push(Part {
            claim: None,
            kind: PartKind::Prior,
            fields: Vec::new(),
            sources_regraded: Vec::new(),
            statement: None,
            log_odds: idmap(ids, prior_part),
            weighted_inconsistency: idmap(ids, vec![0.0; ids.len()]),
        });
    }
    parts
}

/// One part per claim whose share moved; the record's claims added,
/// retracted, removed and revised.
fn claim_parts(
    p: &Pair,
    pairs: &[ClaimPair],
    claim_lo: &BTreeMap<&str, Vec<f64>>,
    parts: &mut Vec<Part>,
    record: &mut RecordDiff,
) {
    let (wa, wb, ia, ib, ids) = (p.wa, p.wb, &p.ia, &p.ib, &p.ids);
    let h = ids.len();
    let common: Vec<Common> = wb
        .scenarios
        .iter()
        .enumerate()
        .filter_map(|(jb, s)| Some((s.id.as_str(), wa.scenario_index(&s.id)?, jb)))
        .collect();
    // Whether any source cited on both sides was re-graded (else no claim
    // has a re-graded source to name).
    let any_regraded = wa.sources.iter().any(|x| {
        wb.source(&x.id)
            .is_some_and(|y| y.reliability != x.reliability)
    });
    // Weighted inconsistency of a row, 0 where it does not count.
    let w_of = |r: Option<&Row>, j: usize| match r {
        Some(r) if r.counts() => r.weighted(j),
        _ => 0.0,
    };
    for &(id, ra, rb) in pairs {
        let va = ra.map(|r| View { ws: wa, row: r });
        let vb = rb.map(|r| View { ws: wb, row: r });
        let lo = claim_lo.get(id).map(|v| against_others(v));
        let wi = || -> Vec<f64> {
            ia.iter()
                .zip(ib)
                .map(|(&ja, &jb)| w_of(rb, jb) - w_of(ra, ja))
                .collect()
        };
        let moved = lo
            .as_ref()
            .is_some_and(|l| l.iter().any(|x| x.abs() > ZERO))
            || ia
                .iter()
                .zip(ib)
                .any(|(&ja, &jb)| (w_of(rb, jb) - w_of(ra, ja)).abs() > ZERO);
        let (kind, fields, regr, statement) = match (&va, &vb) {
            (None, Some(b)) if b.row.state.status == Status::Retracted => {
                record.claims_retracted.push(b.brief());
                (PartKind::Retracted, Vec::new(), Vec::new(), b.statement())
            }
            (None, Some(b)) => {
                record.claims_added.push(b.brief());
                (PartKind::Added, Vec::new(), Vec::new(), b.statement())
            }
            (Some(a), None) => {
                record.claims_removed.push(a.brief());
                (PartKind::Removed, Vec::new(), Vec::new(), a.statement())
            }
            (Some(a), Some(b)) => revised(a, b, &common, any_regraded, record),
            (None, None) => unreachable!("the id came from one of the two sides"),
        };
        if moved {
            parts.push(Part {
                claim: Some(id.to_string()),
                kind,
                fields,
                sources_regraded: regr,
                statement: Some(statement),
                log_odds: idmap(ids, lo.unwrap_or_else(|| vec![0.0; h])),
                weighted_inconsistency: idmap(ids, wi()),
            });
        }
    }
}

/// Observed indicators count like claims: one part per indicator whose
/// observation in force differs in effect between the sides.
fn indicator_parts(p: &Pair, parts: &mut Vec<Part>) {
    let (wa, wb, ia, ib, ids) = (p.wa, p.wb, &p.ia, &p.ib, &p.ids);
    let eta_mid = p.eta_mid;
    let ind_key = |w: &Workspace, r: &IndicatorRow| {
        let sc = &w.scenarios[r.scenario];
        (
            format!("indicator {}/{}", sc.id, sc.indicators[r.indicator].id),
            sc.indicators[r.indicator].text.clone(),
        )
    };
    let ind_a: BTreeMap<String, (&IndicatorRow, String)> =
        p.aa.indicators
            .iter()
            .map(|r| {
                let (k, t) = ind_key(wa, r);
                (k, (r, t))
            })
            .collect();
    let ind_b: BTreeMap<String, (&IndicatorRow, String)> =
        p.ab.indicators
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
        let lo: Vec<f64> = sub(&ind_lo(rb.map(|x| x.0), ib), &ind_lo(ra.map(|x| x.0), ia))
            .into_iter()
            .map(|x| eta_mid * x)
            .collect();
        let wi = sub(&ind_wi(rb.map(|x| x.0), ib), &ind_wi(ra.map(|x| x.0), ia));
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
            log_odds: idmap(ids, lo),
            weighted_inconsistency: idmap(ids, wi),
        });
    }
}

/// The parts, largest first, with the totals they sum to.
fn attribution(p: Pair, engine: EngineKind, mut parts: Vec<Part>) -> Attribution {
    let (aa, ab, ia, ib) = (p.aa, p.ab, &p.ia, &p.ib);
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
        &against_others(&log_posterior(ab, ib)),
        &against_others(&log_posterior(aa, ia)),
    );
    let total_wi: Vec<f64> = ia
        .iter()
        .zip(ib)
        .map(|(&ja, &jb)| {
            ab.scores[jb].weighted_inconsistency - aa.scores[ja].weighted_inconsistency
        })
        .collect();
    Attribution {
        total_log_odds: idmap(&p.ids, total_lo),
        total_weighted_inconsistency: idmap(&p.ids, total_wi),
        scenarios: p.ids,
        parts,
    }
}

/// Scenarios in the `to` side's rank order, then those retired.
fn scenario_moves(
    wa: &Workspace,
    aa: &Assessment,
    wb: &Workspace,
    ab: &Assessment,
) -> Vec<ScenarioMove> {
    let mut scenarios: Vec<ScenarioMove> = ab
        .ranking()
        .into_iter()
        .map(|jb| {
            let s = &wb.scenarios[jb];
            ScenarioMove {
                id: s.id.clone(),
                title: s.title_as_of(ab.as_of).to_string(),
                from: wa.scenario_index(&s.id).map(|ja| standing(aa, ja)),
                to: Some(standing(ab, jb)),
            }
        })
        .collect();
    scenarios.extend(aa.ranking().into_iter().filter_map(|ja| {
        let s = &wa.scenarios[ja];
        wb.scenario_index(&s.id).is_none().then(|| ScenarioMove {
            id: s.id.clone(),
            title: s.title_as_of(aa.as_of).to_string(),
            from: Some(standing(aa, ja)),
            to: None,
        })
    }));
    scenarios
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
        /// Group g0…g2, or none (a group of its own).
        group: Option<usize>,
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
        /// Evidence weight in tenths; none: the default.
        eta: Option<u32>,
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
            prop::option::of(0usize..3),
        )
            .prop_map(
                |(day, sources, credibility, relevance, ratings, mut revisions, group)| {
                    revisions.sort_by_key(|r| r.0);
                    ClaimM {
                        group,
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
                prop::option::of(1u32..=10),
            )
                .prop_map(move |(priors, reliability, claims, eta)| Model {
                    priors,
                    present: vec![true; n],
                    reliability,
                    claims,
                    likelihood_cc: None,
                    eta,
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
        /// Move a claim to another group (or out of any).
        regroup: Option<(usize, Option<usize>)>,
        eta: Option<Option<u32>>,
    }

    fn edits() -> impl Strategy<Value = Edits> {
        (
            prop::option::of((0usize..4, 0usize..6)),
            prop::option::of((0usize..5, prop::option::of(1u32..=20))),
            prop::option::of(0usize..5),
            prop::option::of(0usize..10),
            prop::option::of((0usize..10, 1u8..=6)),
            prop::option::of(0.6f64..1.0),
            prop::option::of((0usize..10, prop::option::of(0usize..3))),
            prop::option::of(prop::option::of(1u32..=10)),
        )
            .prop_map(
                |(regrade, prior, retire, drop_claim, credibility, cc, regroup, eta)| Edits {
                    regrade,
                    prior,
                    retire,
                    drop_claim,
                    credibility,
                    cc,
                    regroup,
                    eta,
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
        if let Some((i, g)) = e.regroup {
            if let Some(cl) = m.claims[i % nc].as_mut() {
                cl.group = g;
            }
        }
        if let Some(eta) = e.eta {
            m.eta = eta;
        }
        m.likelihood_cc = e.cc;
        m
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Duration::days(d as i64)
    }

    fn build(m: &Model) -> Workspace {
        let mut cfg = "title = \"p\"\nquestion = \"q\"\n".to_string();
        if let Some(eta) = m.eta {
            let _ = writeln!(cfg, "[scoring]\nevidence_weight = {}", eta as f64 / 10.0);
        }
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
                "[[claim]]\nid = \"c{i}\"\ndate = {}\nstatement = \"claim {i}\"\nsources = [{}]\nurl = \"https://u.example/\"\ncredibility = {}\nrelevance = \"{}\"\n[claim.ratings]",
                day(c.day),
                srcs.join(", "),
                c.credibility,
                RELEVANCE[c.relevance]
            );
            if let Some(g) = c.group {
                // Before [claim.ratings], which the line above opened: put it
                // in the claim's own table by writing it first.
                cl.truncate(cl.len() - "[claim.ratings]\n".len());
                let _ = writeln!(cl, "group = \"g{g}\"\n[claim.ratings]");
            }
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
        // A claim new on the later side counts as added, or as added and
        // retracted when it is already retracted there; either way the
        // mirror sees it removed.
        prop_assert_eq!(
            ab.record.claims_added.len() + ab.record.claims_retracted.len(),
            ba.record.claims_removed.len()
        );
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
}
