//! The assessment at every date on which the record changed, computed in one
//! incremental pass: each claim's current [`Row`] is kept, and on an event its
//! old row is taken out of the running [`Totals`] and its new row put in.
//!
//! Cost: O((claims + revisions) × scenarios) for the pass, plus the output
//! (one score vector per event date). It never re-reads the whole record.

use super::{
    against_others, indicators, row, state, EngineKind, IndicatorRow, Row, ScenarioScore, Totals,
    View,
};
use crate::model::*;
use chrono::NaiveDate;
use serde::Serialize;

/// What happened to a claim on an event date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// The claim entered the record (same-day revisions already applied).
    Added,
    /// One or more revisions applied; the claim still counts.
    Revised,
    /// A revision retracted it: it counts for nothing from this date on.
    Retracted,
    /// A revision set a retracted claim active again.
    Reinstated,
    /// An indicator's observation came into force (or changed its outcome).
    Observed,
}

impl ChangeKind {
    /// The kind as printed (`added`, `revised`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Revised => "revised",
            ChangeKind::Retracted => "retracted",
            ChangeKind::Reinstated => "reinstated",
            ChangeKind::Observed => "observed",
        }
    }
}

/// What changed: a claim, or an indicator's observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Subject {
    /// Index into `Workspace::claims`.
    Claim(usize),
    /// (scenario index, indicator index).
    Indicator(usize, usize),
}

impl Subject {
    /// The claim id, or `indicator <scenario>/<indicator>`.
    pub fn id(&self, ws: &Workspace) -> String {
        match *self {
            Subject::Claim(i) => ws.claims[i].id.clone(),
            Subject::Indicator(j, k) => {
                format!(
                    "indicator {}/{}",
                    ws.scenarios[j].id, ws.scenarios[j].indicators[k].id
                )
            }
        }
    }
}

/// One claim's (or observation's) change on an event date, with what it did
/// to the scores.
#[derive(Debug, Clone)]
pub struct Change {
    /// The claim or indicator that changed.
    pub subject: Subject,
    /// What kind of change it was.
    pub kind: ChangeKind,
    /// For revisions: the fields whose value changed (`credibility`,
    /// `relevance`, `statement`, `status`, `ratings.<scenario id>`).
    pub fields: Vec<String>,
    /// Change of this claim's part in each scenario's log-odds against the
    /// others (scenario order); these sum, over a date's changes, to the
    /// change in log-odds on that date.
    pub log_odds: Vec<f64>,
    /// Change of this claim's part in each scenario's weighted inconsistency.
    pub weighted: Vec<f64>,
}

impl Change {
    /// Size of the change for ordering: the largest log-odds move for bayes,
    /// the largest weighted-inconsistency move for ach.
    pub fn magnitude(&self, engine: EngineKind) -> f64 {
        let v = match engine {
            EngineKind::Bayes => &self.log_odds,
            EngineKind::Ach => &self.weighted,
        };
        v.iter().fold(0.0, |m, x| m.max(x.abs()))
    }
}

/// The assessment from one event date until the next.
#[derive(Debug, Clone)]
pub struct Point {
    /// The event date the point starts on.
    pub date: NaiveDate,
    /// In `Workspace::scenarios` order, ranked.
    pub scores: Vec<ScenarioScore>,
    /// Claims that changed on this date, largest effect first. Empty for the
    /// starting point of a window (`from` that is not itself an event date).
    pub changes: Vec<Change>,
}

impl Point {
    /// Index of the rank-1 scenario.
    pub fn leader(&self) -> Option<usize> {
        self.scores.iter().find(|s| s.rank == 1).map(|s| s.index)
    }
}

/// Assessments over time.
#[derive(Debug, Clone)]
pub struct Timeline {
    /// The engine the points are ranked under.
    pub engine: EngineKind,
    /// The window's first date, as asked (`None`: from the first event).
    pub from: Option<NaiveDate>,
    /// The window's last date, as asked (`None`: up to the last event).
    pub to: Option<NaiveDate>,
    /// One point per event date in the window, earliest first.
    pub points: Vec<Point>,
}

/// The change in log-odds against the others that moving Σ_g C_g from
/// `before` to `after` makes at evidence weight `eta`. A change inside a named
/// group moves the group's mean: all of it is the changed claim's.
fn moved(before: &[f64], after: &[f64], eta: f64) -> Vec<f64> {
    let d: Vec<f64> = after
        .iter()
        .zip(before)
        .map(|(a, b)| eta * (a - b))
        .collect();
    against_others(&d)
}

fn weighted_row(r: Option<&Row>, n: usize) -> Vec<f64> {
    match r {
        Some(r) if r.counts() => (0..n).map(|j| r.weighted(j)).collect(),
        _ => vec![0.0; n],
    }
}

/// The fields that differ between two states of one claim.
pub fn changed_fields(
    ws: &Workspace,
    old: &state::ClaimState,
    new: &state::ClaimState,
) -> Vec<String> {
    let mut f = Vec::new();
    if old.credibility != new.credibility {
        f.push("credibility".to_string());
    }
    if old.relevance != new.relevance {
        f.push("relevance".to_string());
    }
    for (j, (a, b)) in old.ratings.iter().zip(&new.ratings).enumerate() {
        if a != b {
            f.push(format!("ratings.{}", ws.scenarios[j].id));
        }
    }
    if old.statement(ws) != new.statement(ws) {
        f.push("statement".to_string());
    }
    if old.status != new.status {
        f.push("status".to_string());
    }
    f
}

/// The running totals of one view on each of `dates` (ascending), in one
/// incremental pass like [`timeline`]'s: `visit(i, &totals)` is called with
/// the totals of the assessment as of `dates[i]` (claims, revisions and
/// updating observations dated on or before it). Each claim's row is
/// computed once per date on which it changed, not once per date asked, so
/// scoring every update of a long record costs about one assessment, where
/// calling [`super::assess_view`] on each date would cost one per date. The
/// sums equal `assess_view`'s up to rounding in the last bits (a row is
/// added and taken out again rather than the totals summed afresh).
pub fn sweep(
    ws: &Workspace,
    engine: EngineKind,
    view: View<'_>,
    dates: &[NaiveDate],
    mut visit: impl FnMut(usize, &Totals),
) {
    debug_assert!(dates.windows(2).all(|w| w[0] <= w[1]), "dates ascending");
    let mut events: Vec<(NaiveDate, usize)> = Vec::new();
    for (i, c) in ws.claims.iter().enumerate() {
        events.push((c.effective, i));
        events.extend(c.revisions.iter().map(|r| (c.revision_from(r), i)));
    }
    events.sort_unstable();
    events.dedup();
    // Only a claim with revisions still to come keeps its row (to take it
    // out of the totals when the next revision applies); a claim whose last
    // event has passed is marked done and its row let go, so the sweep holds
    // rows for the claims still changing, not a second copy of the record.
    let mut rows: Vec<Option<Box<Row>>> = Vec::new();
    rows.resize_with(ws.claims.len(), || None);
    let mut done = vec![false; ws.claims.len()];
    let mut totals = Totals::new(ws.scenarios.len());
    let mut next = 0;
    for (i, &date) in dates.iter().enumerate() {
        while next < events.len() && events[next].0 <= date {
            let ci = events[next].1;
            next += 1;
            if done[ci] {
                continue;
            }
            let old = rows[ci].take();
            let st = match &old {
                None => state::claim_as_of_view(ws, ci, date, view)
                    .expect("claim dated on or before its event"),
                Some(r) => {
                    let mut st = r.state.clone();
                    for rev in ws.claims[ci]
                        .revisions
                        .iter()
                        .skip(st.revisions_applied)
                        .take_while(|rev| rev.effective <= date)
                    {
                        state::apply(&mut st, rev);
                    }
                    st
                }
            };
            if old.as_ref().is_some_and(|o| o.state == st) {
                // Already brought up to this date by an earlier event.
                rows[ci] = old;
                continue;
            }
            let new = row(ws, st, engine);
            if let Some(o) = &old {
                totals.add(o, -1.0);
            }
            totals.add(&new, 1.0);
            if new.state.revisions_applied == ws.claims[ci].revisions.len() {
                done[ci] = true;
            } else {
                rows[ci] = Some(Box::new(new));
            }
        }
        let observed = indicators::rows_as_of(ws, date);
        for r in &observed {
            totals.add_indicator(r, 1.0);
        }
        visit(i, &totals);
        for r in &observed {
            totals.add_indicator(r, -1.0);
        }
    }
}

/// The timeline of `ws` under `engine`: one point per date on which a claim
/// entered the record, a revision applied or an updating observation came into
/// force, restricted to `[from, to]`.
/// When `from` is given and falls after the first event but is not itself an
/// event date, a starting point at `from` (with no changes) shows the
/// assessment the window opens with.
pub fn timeline(
    ws: &Workspace,
    engine: EngineKind,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Timeline {
    let events = events(ws);
    let mut walk = Walk {
        ws,
        engine,
        n: ws.scenarios.len(),
        eta: ws.config.evidence_weight,
        rows: vec![None; ws.claims.len()],
        ind_rows: Default::default(),
        totals: Totals::new(ws.scenarios.len()),
    };
    let mut points: Vec<Point> = Vec::new();
    let in_window = |d: NaiveDate| from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t);
    let mut started = false;
    let mut k = 0;
    while k < events.len() {
        let date = events[k].0;
        if to.is_some_and(|t| date > t) {
            break;
        }
        if let Some(f) = from {
            if !started && date > f && k > 0 {
                // The window opens between two events: show where it starts.
                points.push(Point {
                    date: f,
                    scores: walk.totals.scores(ws, engine),
                    changes: Vec::new(),
                });
            }
        }
        let record = in_window(date);
        let mut changes = Vec::new();
        while k < events.len() && events[k].0 == date {
            let subject = events[k].1;
            k += 1;
            let change = match subject {
                Subject::Claim(ci) => walk.claim(date, ci, record),
                Subject::Indicator(j, ki) => walk.indicator(date, j, ki, record),
            };
            changes.extend(change);
        }
        if record {
            started = true;
            changes.sort_by(|a, b| {
                b.magnitude(engine)
                    .total_cmp(&a.magnitude(engine))
                    .then_with(|| a.subject.id(ws).cmp(&b.subject.id(ws)))
            });
            points.push(Point {
                date,
                scores: walk.totals.scores(ws, engine),
                changes,
            });
        }
    }
    if let (Some(f), false) = (from, started) {
        // No event inside the window: it opens (and stays) on the record as
        // it stood, if anything was in it.
        if k > 0 && to.is_none_or(|t| f <= t) {
            points.push(Point {
                date: f,
                scores: walk.totals.scores(ws, engine),
                changes: Vec::new(),
            });
        }
    }
    Timeline {
        engine,
        from,
        to,
        points,
    }
}

/// Every event of the record, sorted by date, once each: (date, what
/// changed). Every observation date is an event for its indicator: the
/// observation in force changes there (one marked `update = false` takes the
/// indicator out of the totals, as in `assess`).
fn events(ws: &Workspace) -> Vec<(NaiveDate, Subject)> {
    let mut events: Vec<(NaiveDate, Subject)> = Vec::new();
    for (i, c) in ws.claims.iter().enumerate() {
        events.push((c.effective, Subject::Claim(i)));
        events.extend(
            c.revisions
                .iter()
                .map(|r| (c.revision_from(r), Subject::Claim(i))),
        );
    }
    for (j, sc) in ws.scenarios.iter().enumerate() {
        for (k, ind) in sc.indicators.iter().enumerate() {
            events.extend(
                ind.observations
                    .iter()
                    .map(|o| (o.date, Subject::Indicator(j, k))),
            );
        }
    }
    events.sort_unstable();
    events.dedup();
    events
}

/// The record as the timeline walks through its events: each claim's row and
/// each indicator's row as they stand, and their totals.
struct Walk<'a> {
    ws: &'a Workspace,
    engine: EngineKind,
    /// The number of scenarios.
    n: usize,
    eta: f64,
    rows: Vec<Option<Row>>,
    ind_rows: std::collections::BTreeMap<(usize, usize), IndicatorRow>,
    totals: Totals,
}

impl Walk<'_> {
    /// Indicator `ki` of scenario `j` on `date`: the observation in force
    /// replaces the one before in the totals. The change, when `record` and
    /// something moved.
    fn indicator(&mut self, date: NaiveDate, j: usize, ki: usize, record: bool) -> Option<Change> {
        let (ws, n) = (self.ws, self.n);
        let ind = &ws.scenarios[j].indicators[ki];
        let old = self.ind_rows.remove(&(j, ki));
        let new = ind
            .observation_as_of(date)
            .filter(|(_, o)| o.update)
            .and_then(|(o, obs)| indicators::row(ws, j, ki, o, obs.observed, 1.0));
        let before = self.totals.log_l.clone();
        if let Some(o) = &old {
            self.totals.add_indicator(o, -1.0);
        }
        if let Some(nw) = &new {
            self.totals.add_indicator(nw, 1.0);
        }
        let wi = |r: Option<&IndicatorRow>| {
            r.map(|r| r.weighted.clone())
                .unwrap_or_else(|| vec![0.0; n])
        };
        let log_odds = moved(&before, &self.totals.log_l, self.eta);
        let weighted: Vec<f64> = wi(new.as_ref())
            .iter()
            .zip(wi(old.as_ref()))
            .map(|(a, b)| a - b)
            .collect();
        let change =
            (record && log_odds.iter().chain(&weighted).any(|x| x.abs() > 0.0)).then(|| Change {
                subject: Subject::Indicator(j, ki),
                kind: ChangeKind::Observed,
                fields: vec!["observed".to_string()],
                log_odds,
                weighted,
            });
        if let Some(nw) = new {
            self.ind_rows.insert((j, ki), nw);
        }
        change
    }

    /// Claim `ci` on `date`: it enters the record, or its revisions up to
    /// `date` apply. The change, when `record`.
    fn claim(&mut self, date: NaiveDate, ci: usize, record: bool) -> Option<Change> {
        let (ws, engine) = (self.ws, self.engine);
        let claim = &ws.claims[ci];
        let old = self.rows[ci].take();
        let st = match &old {
            None => state::claim_as_of(ws, ci, date).expect("claim dated on or before its event"),
            Some(r) => {
                let mut st = r.state.clone();
                for rev in claim
                    .revisions
                    .iter()
                    .skip(st.revisions_applied)
                    .take_while(|rev| rev.effective <= date)
                {
                    state::apply(&mut st, rev);
                }
                st
            }
        };
        let new = row(ws, st, engine);
        let before = self.totals.log_l.clone();
        if let Some(o) = &old {
            self.totals.add(o, -1.0);
        }
        self.totals.add(&new, 1.0);
        let change = record.then(|| {
            let (kind, fields) = match &old {
                None => (ChangeKind::Added, Vec::new()),
                Some(o) => {
                    let kind = match (o.state.status, new.state.status) {
                        (Status::Active, Status::Retracted) => ChangeKind::Retracted,
                        (Status::Retracted, Status::Active) => ChangeKind::Reinstated,
                        _ => ChangeKind::Revised,
                    };
                    (kind, changed_fields(ws, &o.state, &new.state))
                }
            };
            let wb = weighted_row(old.as_ref(), self.n);
            let wa = weighted_row(Some(&new), self.n);
            Change {
                subject: Subject::Claim(ci),
                kind,
                fields,
                log_odds: moved(&before, &self.totals.log_l, self.eta),
                weighted: wa.iter().zip(&wb).map(|(a, b)| a - b).collect(),
            }
        });
        self.rows[ci] = Some(new);
        change
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::assess;
    use std::path::Path;

    fn check_against_assess(ws: &Workspace, engine: EngineKind) {
        let t = timeline(ws, engine, None, None);
        let dates = ws.record_dates();
        assert_eq!(
            t.points.iter().map(|p| p.date).collect::<Vec<_>>(),
            dates,
            "one point per event date"
        );
        for p in &t.points {
            let a = assess(ws, p.date, engine);
            for (x, y) in p.scores.iter().zip(&a.scores) {
                let id = &ws.scenarios[x.index].id;
                assert!(
                    (x.probability - y.probability).abs() < 1e-9,
                    "{} {id}: {} vs {}",
                    p.date,
                    x.probability,
                    y.probability
                );
                assert!(
                    (x.weighted_inconsistency - y.weighted_inconsistency).abs() < 1e-9,
                    "{} {id}",
                    p.date
                );
                assert!((x.likelihood_term - y.likelihood_term).abs() < 1e-9);
                assert_eq!(x.inconsistency, y.inconsistency, "{} {id}", p.date);
                assert_eq!(x.rank, y.rank, "{} {id}", p.date);
            }
        }
    }

    fn load(dir: &Path) -> Workspace {
        crate::load::Loader::new(dir)
            .load()
            .unwrap_or_else(|e| panic!("{dir:?}: {e:?}"))
    }

    #[test]
    fn equals_assess_on_small_fixture() {
        let ws = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small"));
        check_against_assess(&ws, EngineKind::Bayes);
        check_against_assess(&ws, EngineKind::Ach);
    }

    /// Effective dates (tests/fixtures/published): the timeline steps on
    /// the days claims and revisions count from, not on their written
    /// dates, and equals a fresh assessment on each.
    #[test]
    fn steps_at_effective_dates() {
        let ws = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/published"));
        check_against_assess(&ws, EngineKind::Bayes);
        check_against_assess(&ws, EngineKind::Ach);
        let t = timeline(&ws, EngineKind::Bayes, None, None);
        let steps: Vec<(String, Vec<String>)> = t
            .points
            .iter()
            .map(|p| {
                (
                    p.date.to_string(),
                    p.changes.iter().map(|c| c.subject.id(&ws)).collect(),
                )
            })
            .collect();
        let s =
            |d: &str, ids: &[&str]| (d.to_string(), ids.iter().map(|x| x.to_string()).collect());
        assert_eq!(
            steps,
            [
                s("2024-03-01", &["timely", "revised"]),
                s("2024-03-10", &["revised"]),
                s("2024-03-20", &["all-late"]),
                // late-then-timely's revision cites a timely source but
                // applies when the claim enters (it moves nothing: N, N).
                s("2024-04-01", &["revised", "late-then-timely"]),
            ]
        );
    }

    #[test]
    fn equals_assess_with_indicator_observations() {
        let ws = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/indicators"));
        check_against_assess(&ws, EngineKind::Bayes);
        check_against_assess(&ws, EngineKind::Ach);
        let t = timeline(&ws, EngineKind::Bayes, None, None);
        let obs: Vec<String> = t
            .points
            .iter()
            .flat_map(|p| &p.changes)
            .filter(|c| c.kind == ChangeKind::Observed)
            .map(|c| c.subject.id(&ws))
            .collect();
        assert_eq!(obs, ["indicator a/i-obs", "indicator b/i-rated"]);
    }

    #[test]
    fn equals_assess_on_bundled_workspace() {
        let ws = load(Path::new(env!("CARGO_MANIFEST_DIR")));
        check_against_assess(&ws, EngineKind::Bayes);
        check_against_assess(&ws, EngineKind::Ach);
    }

    /// `sweep` gives, on every date asked (event dates, days between them,
    /// days before the first), the totals a fresh assessment of that view
    /// would have: same posterior, same inconsistencies.
    #[test]
    fn sweep_equals_assess_on_every_date_and_view() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for dir in [
            root.to_path_buf(),
            root.join("tests/fixtures/small"),
            root.join("tests/fixtures/indicators"),
            root.join("tests/fixtures/groups"),
            root.join("tests/fixtures/analysts"),
            root.join("tests/fixtures/history"),
            root.join("tests/fixtures/published"),
        ] {
            let ws = load(&dir);
            let mut dates: Vec<NaiveDate> = ws
                .record_dates()
                .iter()
                .flat_map(|d| [*d - chrono::Duration::days(1), *d])
                .collect();
            dates.sort();
            dates.dedup();
            let analysts = ws.analysts();
            let mut views = vec![View::Team];
            views.extend(analysts.iter().map(|a| View::Analyst(a)));
            let priors = ws.priors();
            let eta = ws.config.evidence_weight;
            for view in views {
                for engine in [EngineKind::Bayes, EngineKind::Ach] {
                    let mut seen = 0;
                    sweep(&ws, engine, view, &dates, |i, t| {
                        seen += 1;
                        let a = crate::engine::assess_view(&ws, dates[i], engine, view);
                        let p = t.posterior_at(&priors, eta);
                        for (j, s) in a.scores.iter().enumerate() {
                            assert!(
                                (p[j] - s.probability).abs() < 1e-12,
                                "{dir:?} {view:?} {}: {} vs {}",
                                dates[i],
                                p[j],
                                s.probability
                            );
                            assert!((t.weighted[j] - s.weighted_inconsistency).abs() < 1e-12);
                            assert_eq!(t.plain[j], s.inconsistency);
                        }
                    });
                    assert_eq!(seen, dates.len());
                }
            }
        }
    }

    #[test]
    fn changes_say_what_happened_and_sum_to_the_move() {
        let ws = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small"));
        let t = timeline(&ws, EngineKind::Bayes, None, None);
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let at = |s: &str| t.points.iter().position(|p| p.date == d(s)).unwrap();
        let kinds = |i: usize| {
            t.points[i]
                .changes
                .iter()
                .map(|c| (c.subject.id(&ws), c.kind, c.fields.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            kinds(at("2024-03-07")),
            vec![(
                "cut-cables".to_string(),
                ChangeKind::Retracted,
                vec!["status".to_string()]
            )]
        );
        assert_eq!(
            kinds(at("2024-03-08")),
            vec![(
                "breaker-logs".to_string(),
                ChangeKind::Revised,
                vec![
                    "ratings.accident".to_string(),
                    "ratings.cyberattack".to_string()
                ]
            )]
        );
        // Per-date parts add up to the move in log-odds between points.
        let lo = |p: &Point| {
            let lp: Vec<f64> = p
                .scores
                .iter()
                .map(|s| s.prior.ln() + s.likelihood_term)
                .collect();
            against_others(&lp)
        };
        for w in t.points.windows(2) {
            let (a, b) = (lo(&w[0]), lo(&w[1]));
            for j in 0..ws.scenarios.len() {
                let parts: f64 = w[1].changes.iter().map(|c| c.log_odds[j]).sum();
                assert!((b[j] - a[j] - parts).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn window_opens_with_the_state_at_from() {
        let ws = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small"));
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let t = timeline(
            &ws,
            EngineKind::Bayes,
            Some(d("2024-03-06")),
            Some(d("2024-03-07")),
        );
        assert_eq!(
            t.points.iter().map(|p| p.date).collect::<Vec<_>>(),
            vec![d("2024-03-06"), d("2024-03-07")]
        );
        // A window between events opens on the record as it stood.
        let t = timeline(&ws, EngineKind::Bayes, Some(d("2024-03-09")), None);
        assert_eq!(t.points.len(), 1);
        assert!(t.points[0].changes.is_empty());
        let a = assess(&ws, d("2024-03-09"), EngineKind::Bayes);
        assert!((t.points[0].scores[0].probability - a.scores[0].probability).abs() < 1e-12);
        // Before anything happened there is nothing to show.
        let t = timeline(&ws, EngineKind::Bayes, None, Some(d("2024-01-01")));
        assert!(t.points.is_empty());
    }
}
