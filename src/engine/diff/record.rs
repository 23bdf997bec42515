//! The record side by side: claims added, retracted, removed and revised
//! field by field; sources, scenarios, indicators and settings added,
//! changed and removed (one by-id walk, [`match_by_id`]). The attribution's
//! parts are in the parent module.

use super::PartKind;
use crate::engine::Row;
use crate::model::*;
use serde::Serialize;
use std::collections::BTreeSet;

/// A field's value before and after.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FieldChange {
    /// The field's name (`credibility`, `ratings.<id>`, `reliability`, …).
    pub field: String,
    /// Its value on the earlier side, as text.
    pub from: String,
    /// Its value on the later side, as text.
    pub to: String,
}

/// A claim added, retracted or removed between the two sides.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimBrief {
    /// Claim id.
    pub id: String,
    /// The claim's date, `YYYY-MM-DD`.
    pub date: String,
    /// Its statement (on the side where it is present).
    pub statement: String,
    /// Its status on that side.
    pub status: Status,
}

/// A claim present on both sides whose fields differ.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimRevised {
    /// Claim id.
    pub id: String,
    /// The claim's date, `YYYY-MM-DD`.
    pub date: String,
    /// Its statement on the later side.
    pub statement: String,
    /// The fields that differ, before and after.
    pub fields: Vec<FieldChange>,
    /// Notes of revisions in force on one side and not the other (`+ ` new,
    /// `- ` gone).
    pub notes: Vec<String>,
}

/// A source or scenario added or removed, by id and name.
#[derive(Debug, Clone, Serialize)]
pub struct Named {
    /// Source or scenario id.
    pub id: String,
    /// The source's name or the scenario's title.
    pub name: String,
}

/// A source, scenario or indicator on both sides whose fields differ.
#[derive(Debug, Clone, Serialize)]
pub struct NamedChange {
    /// Its id (`scenario/indicator` for an indicator).
    pub id: String,
    /// The source's name or the scenario's (indicator's) title or text.
    pub name: String,
    /// The fields that differ, before and after.
    pub fields: Vec<FieldChange>,
}

/// The record, side by side.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RecordDiff {
    /// Claims new on the later side and in force there.
    pub claims_added: Vec<ClaimBrief>,
    /// New on the later side but already retracted there: added and
    /// retracted within the span (listed as retracted, not as added).
    pub claims_retracted: Vec<ClaimBrief>,
    /// Claims on the earlier side that are gone from the later one.
    pub claims_removed: Vec<ClaimBrief>,
    /// Claims on both sides whose fields differ.
    pub claims_revised: Vec<ClaimRevised>,
    /// Sources new on the later side.
    pub sources_added: Vec<Named>,
    /// Sources gone from the later side.
    pub sources_removed: Vec<Named>,
    /// Re-graded (`reliability`) or otherwise edited.
    pub sources_changed: Vec<NamedChange>,
    /// Scenarios new on the later side.
    pub scenarios_added: Vec<Named>,
    /// Scenarios gone from the later side.
    pub scenarios_retired: Vec<Named>,
    /// Re-worded (`title`, `summary`) or re-weighted (`prior`).
    pub scenarios_changed: Vec<NamedChange>,
    /// Indicators (`scenario/indicator`) on both sides whose likelihoods
    /// changed: what their observations weigh.
    pub indicators_changed: Vec<NamedChange>,
    /// `kzclaims.toml` settings that bear on the assessment or the memo.
    pub settings: Vec<FieldChange>,
}

impl RecordDiff {
    /// Whether nothing in the record changed.
    pub fn is_empty(&self) -> bool {
        self.claims_added.is_empty()
            && self.claims_retracted.is_empty()
            && self.claims_removed.is_empty()
            && self.claims_revised.is_empty()
            && self.sources_added.is_empty()
            && self.sources_removed.is_empty()
            && self.sources_changed.is_empty()
            && self.scenarios_added.is_empty()
            && self.scenarios_retired.is_empty()
            && self.scenarios_changed.is_empty()
            && self.indicators_changed.is_empty()
            && self.settings.is_empty()
    }
}

/// A claim as one side reads it, for field-by-field comparison.
pub(super) struct View<'a> {
    pub(super) ws: &'a Workspace,
    pub(super) row: &'a Row,
}

impl View<'_> {
    pub(super) fn claim(&self) -> &Claim {
        &self.ws.claims[self.row.state.claim]
    }
    pub(super) fn notes(&self) -> Vec<String> {
        self.claim()
            .revisions
            .iter()
            .take(self.row.state.revisions_applied)
            .map(|r| format!("{}: {}", r.date, r.note))
            .collect()
    }
    /// Whether both views apply the same revisions (dates and notes): then
    /// neither has a note the other lacks.
    pub(super) fn same_revisions(&self, other: &View) -> bool {
        let (ra, rb) = (self.applied_revisions(), other.applied_revisions());
        ra.len() == rb.len()
            && ra
                .iter()
                .zip(rb)
                .all(|(x, y)| x.date == y.date && x.note == y.note)
    }
    fn applied_revisions(&self) -> &[Revision] {
        let c = self.claim();
        &c.revisions[..self.row.state.revisions_applied.min(c.revisions.len())]
    }
    pub(super) fn statement(&self) -> String {
        self.row.state.statement(self.ws).to_string()
    }
    pub(super) fn brief(&self) -> ClaimBrief {
        ClaimBrief {
            id: self.claim().id.clone(),
            date: self.claim().date.to_string(),
            statement: self.statement(),
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

/// An indicator's likelihoods in words: `if_true 0.8, if_false 0.2`, or the
/// ratings `a = C, b = I`, or `none`.
fn likelihood_text(l: &Option<crate::model::IndicatorLikelihood>) -> String {
    use crate::model::IndicatorLikelihood::*;
    match l {
        None => "none".into(),
        Some(Probabilities { if_true, if_false }) => {
            format!("if_true {if_true}, if_false {if_false}")
        }
        Some(Ratings(r)) => r
            .iter()
            .map(|(k, v)| format!("{k} = {}", v.as_str()))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

/// Field-by-field changes of one claim between two views, over the scenarios
/// both sides know.
pub(super) fn claim_fields(a: &View, b: &View, common: &[Common]) -> Vec<FieldChange> {
    let (ca, cb) = (a.claim(), b.claim());
    let (sa, sb) = (&a.row.state, &b.row.state);
    let mut f = Vec::new();
    // Each field is compared as it is and only written out when it differs:
    // a diff of a large record walks a hundred thousand unchanged claims.
    if sa.status != sb.status {
        push(
            &mut f,
            "status",
            status_str(sa.status).into(),
            status_str(sb.status).into(),
        );
    }
    if ca.date != cb.date {
        push(&mut f, "date", ca.date.to_string(), cb.date.to_string());
    }
    if sa.credibility != sb.credibility {
        push(
            &mut f,
            "credibility",
            sa.credibility.0.to_string(),
            sb.credibility.0.to_string(),
        );
    }
    if sa.relevance != sb.relevance {
        push(
            &mut f,
            "relevance",
            sa.relevance.as_str().into(),
            sb.relevance.as_str().into(),
        );
    }
    for &(sid, ja, jb) in common {
        let (ra, rb) = (sa.ratings[ja], sb.ratings[jb]);
        if ra != rb {
            push(
                &mut f,
                format!("ratings.{sid}"),
                ra.to_string(),
                rb.to_string(),
            );
        }
    }
    if sa.statement(a.ws) != sb.statement(b.ws) {
        push(&mut f, "statement", a.statement(), b.statement());
    }
    // The sources and citation in force on each side: a revision may
    // replace them.
    if sa.sources(a.ws) != sb.sources(b.ws) {
        push(
            &mut f,
            "sources",
            sa.sources(a.ws).join(", "),
            sb.sources(b.ws).join(", "),
        );
    }
    let url = |v: &View| v.row.state.url(v.ws).unwrap_or_default().to_string();
    if sa.url(a.ws) != sb.url(b.ws) {
        push(&mut f, "url", url(a), url(b));
    }
    if ca.tags != cb.tags {
        push(&mut f, "tags", ca.tags.join(", "), cb.tags.join(", "));
    }
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
    if ca.rationale != cb.rationale {
        push(&mut f, "rationale", rationale(ca), rationale(cb));
    }
    f
}

/// A scenario on both sides: its id, its index before and after.
pub(super) type Common<'a> = (&'a str, usize, usize);

/// Cited sources whose reliability differs between the two workspaces.
pub(super) fn regraded(a: &View, b: &View) -> Vec<String> {
    let mut ids: BTreeSet<&String> = a.claim().sources.iter().collect();
    ids.extend(b.claim().sources.iter());
    ids.into_iter()
        .filter(|id| {
            matches!((a.ws.source(id), b.ws.source(id)), (Some(x), Some(y)) if x.reliability != y.reliability)
        })
        .cloned()
        .collect()
}

/// A claim on both sides: its revision in the record (when a field or a
/// note differs), and the kind, fields, re-graded sources and statement of
/// its part.
pub(super) fn revised(
    a: &View,
    b: &View,
    common: &[Common],
    any_regraded: bool,
    record: &mut RecordDiff,
) -> (PartKind, Vec<String>, Vec<String>, String) {
    let fields = claim_fields(a, b, common);
    let regr = if any_regraded {
        regraded(a, b)
    } else {
        Vec::new()
    };
    let (na, nb) = if a.same_revisions(b) {
        (Vec::new(), Vec::new())
    } else {
        (a.notes(), b.notes())
    };
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
            id: a.claim().id.clone(),
            date: b.claim().date.to_string(),
            statement: b.statement(),
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
        b.statement(),
    )
}

/// One item of two lists matched by id: only after, on both sides (with its
/// index on each), or only before.
enum Matched<'a, T> {
    Added(&'a T),
    Both((usize, &'a T), (usize, &'a T)),
    Removed(&'a T),
}

/// The by-id walk of the record's lists: every item after, in order, as
/// added or on both sides, then every item before that is gone, in order.
fn match_by_id<'a, T>(
    before: &'a [T],
    after: &'a [T],
    index_before: impl Fn(&T) -> Option<usize>,
    index_after: impl Fn(&T) -> Option<usize>,
) -> impl Iterator<Item = Matched<'a, T>> {
    let kept = after
        .iter()
        .enumerate()
        .map(move |(jb, s)| match index_before(s) {
            None => Matched::Added(s),
            Some(ja) => Matched::Both((ja, &before[ja]), (jb, s)),
        });
    let gone = before
        .iter()
        .filter(move |s| index_after(s).is_none())
        .map(Matched::Removed);
    kept.chain(gone)
}

/// Sources, scenarios and settings, which are not dated: compared as written.
/// Scenarios and settings: each side's scenarios worded as of its date (a
/// `[[scenario.revision]]` between two dates shows as a changed title or
/// summary).
pub(super) fn record_settings(
    (wa, da): (&Workspace, chrono::NaiveDate),
    (wb, db): (&Workspace, chrono::NaiveDate),
    record: &mut RecordDiff,
) {
    record_sources(wa, wb, record);
    record_scenarios((wa, da), (wb, db), record);
    record_indicators(wa, wb, record);
    record_config(&wa.config, &wb.config, &mut record.settings);
}

fn record_sources(wa: &Workspace, wb: &Workspace, record: &mut RecordDiff) {
    // Sources are sorted by id (`find_source`).
    let index =
        |w: &Workspace, id: &str| w.sources.binary_search_by(|x| x.id.as_str().cmp(id)).ok();
    let matched = match_by_id(
        &wa.sources,
        &wb.sources,
        |s| index(wa, &s.id),
        |s| index(wb, &s.id),
    );
    for m in matched {
        match m {
            Matched::Added(s) => record.sources_added.push(Named {
                id: s.id.clone(),
                name: s.name.clone(),
            }),
            Matched::Both((_, o), (_, s)) => {
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
            Matched::Removed(s) => record.sources_removed.push(Named {
                id: s.id.clone(),
                name: s.name.clone(),
            }),
        }
    }
}

fn record_scenarios(
    (wa, da): (&Workspace, chrono::NaiveDate),
    (wb, db): (&Workspace, chrono::NaiveDate),
    record: &mut RecordDiff,
) {
    let (pa, pb) = (wa.priors(), wb.priors());
    let matched = match_by_id(
        &wa.scenarios,
        &wb.scenarios,
        |s| wa.scenario_index(&s.id),
        |s| wb.scenario_index(&s.id),
    );
    for m in matched {
        match m {
            Matched::Added(s) => record.scenarios_added.push(Named {
                id: s.id.clone(),
                name: s.title_as_of(db).to_string(),
            }),
            Matched::Both((ja, o), (jb, s)) => {
                let mut f = Vec::new();
                push(
                    &mut f,
                    "title",
                    o.title_as_of(da).to_string(),
                    s.title_as_of(db).to_string(),
                );
                push(
                    &mut f,
                    "summary",
                    o.summary_as_of(da).to_string(),
                    s.summary_as_of(db).to_string(),
                );
                push(
                    &mut f,
                    "proponents",
                    o.proponents_as_of(da).join("; "),
                    s.proponents_as_of(db).join("; "),
                );
                push(
                    &mut f,
                    "prior",
                    format!("{:.4}", pa[ja]),
                    format!("{:.4}", pb[jb]),
                );
                if !f.is_empty() {
                    record.scenarios_changed.push(NamedChange {
                        id: s.id.clone(),
                        name: s.title_as_of(db).to_string(),
                        fields: f,
                    });
                }
            }
            Matched::Removed(s) => record.scenarios_retired.push(Named {
                id: s.id.clone(),
                name: s.title_as_of(da).to_string(),
            }),
        }
    }
}

fn record_indicators(wa: &Workspace, wb: &Workspace, record: &mut RecordDiff) {
    for s in &wb.scenarios {
        let Some(ja) = wa.scenario_index(&s.id) else {
            continue;
        };
        for ind in &s.indicators {
            let Some(old) = wa.scenarios[ja].indicators.iter().find(|i| i.id == ind.id) else {
                continue;
            };
            let mut f = Vec::new();
            push(
                &mut f,
                "likelihood",
                likelihood_text(&old.likelihood),
                likelihood_text(&ind.likelihood),
            );
            if !f.is_empty() {
                record.indicators_changed.push(NamedChange {
                    id: format!("{}/{}", s.id, ind.id),
                    name: ind.text.clone(),
                    fields: f,
                });
            }
        }
    }
}

/// `kzclaims.toml` settings that bear on the assessment or the memo.
fn record_config(ca: &Config, cb: &Config, f: &mut Vec<FieldChange>) {
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
    push(
        f,
        "scoring.evidence_weight",
        ca.evidence_weight.to_string(),
        cb.evidence_weight.to_string(),
    );
    push(
        f,
        "scoring.band",
        format!("[{}, {}]", ca.band[0], ca.band[1]),
        format!("[{}, {}]", cb.band[0], cb.band[1]),
    );
}
