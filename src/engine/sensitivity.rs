//! Sensitivity (Heuer's step 6): how the leading scenario's margin over the
//! runner-up moves if a piece of evidence is removed, trusted one grade less,
//! or proves deceptive; which items are linchpins; and the smallest set of
//! items whose removal changes the leader. Formulas: docs/scoring.md.
//!
//! Everything is computed from the totals of one assessment: removing item i
//! changes scenario j's log posterior by η times the change of its group's mean
//! row (−log L''_ij for a claim of its own group) under bayes, or its weighted
//! inconsistency by −w_ij under ach, so no what-if re-scores the record.

use super::{
    ach, bayes, engine_order, indicators, leader_of_sums, totals_of, Assessment, IndicatorRow,
    RankScratch, Row, Totals,
};
use crate::model::*;
use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{BTreeSet, BinaryHeap};

/// Exact search for the smallest deciding set runs when at most this many
/// items favour the leader over some other scenario.
pub const EXACT_SEARCH_MAX: usize = 20;

/// A piece of evidence in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// Index into `Workspace::claims`.
    Claim(usize),
    /// An observed indicator: scenario index, indicator index.
    Indicator {
        /// Index into `Workspace::scenarios` of the owning scenario.
        scenario: usize,
        /// Index into that scenario's indicators.
        indicator: usize,
    },
}

impl ItemKind {
    /// `claim-id`, or `scenario-id/indicator-id`.
    pub fn label(self, ws: &Workspace) -> String {
        match self {
            ItemKind::Claim(c) => ws.claims[c].id.clone(),
            ItemKind::Indicator {
                scenario,
                indicator,
            } => format!(
                "{}/{}",
                ws.scenarios[scenario].id, ws.scenarios[scenario].indicators[indicator].id
            ),
        }
    }
    /// Whether the item is a claim (not an observed indicator).
    pub fn is_claim(self) -> bool {
        matches!(self, ItemKind::Claim(_))
    }
}

/// An item's numbers per scenario: borrowed from its row as it stands, owned
/// for a what-if's replacement.
#[derive(Debug, Clone, PartialEq)]
struct Cells<'a> {
    log_l: Cow<'a, [f64]>,
    /// The ACH ratings (`None`: no ACH part, as for an indicator without
    /// them); the plain inconsistency against j is `ratings[j]`'s value.
    ratings: Option<Cow<'a, [Rating]>>,
    /// Credibility weight × relevance weight: the weighted inconsistency
    /// against j is this times the plain one (as [`ach::weighted`]).
    factor: f64,
}

impl Cells<'_> {
    fn into_owned(self) -> Cells<'static> {
        Cells {
            log_l: Cow::Owned(self.log_l.into_owned()),
            ratings: self.ratings.map(|r| Cow::Owned(r.into_owned())),
            factor: self.factor,
        }
    }

    fn plain(&self, j: usize) -> u32 {
        self.ratings.as_ref().map_or(0, |r| r[j].inconsistency())
    }

    fn weighted(&self, j: usize) -> f64 {
        self.factor * self.plain(j) as f64
    }

    /// Add or remove the ACH part (weighted and plain inconsistency).
    fn add_ach(&self, weighted: &mut [f64], plain: &mut [u32], sign: f64) {
        if self.ratings.is_none() {
            return;
        }
        for j in 0..self.log_l.len() {
            let v = self.plain(j);
            weighted[j] += sign * (self.factor * v as f64);
            if sign > 0.0 {
                plain[j] += v;
            } else {
                plain[j] -= v;
            }
        }
    }
}

/// Buffers for one what-if: the change of Σ_g C_g and the sums afterwards.
#[derive(Default)]
struct WhatIf {
    d: Vec<f64>,
    log_l: Vec<f64>,
    weighted: Vec<f64>,
    plain: Vec<u32>,
    rank: RankScratch,
}

/// Where an item's numbers come from: a claim's row (with its log L''
/// row, which every claim item has) or an observed indicator's.
#[derive(Clone, Copy)]
enum Origin<'a> {
    Claim(&'a Row, &'a [f64]),
    Indicator(&'a IndicatorRow),
}

/// A piece of evidence in force, with what every what-if needs: its numbers
/// as it stands are read from its row. The replacements (one grade less
/// trust, deception) are built one item at a time, when its effects are
/// computed: kept for a hundred thousand items they would weigh more than
/// the record.
struct Item<'a> {
    origin: Origin<'a>,
    /// Change of Σ_g C_g if a member of a named group were removed (for an
    /// item of its own group it is minus its row: see [`Item::removal`]).
    group_removal: Option<Box<[f64]>>,
}

impl<'a> Item<'a> {
    fn kind(&self) -> ItemKind {
        match self.origin {
            Origin::Claim(r, _) => ItemKind::Claim(r.state.claim),
            Origin::Indicator(r) => ItemKind::Indicator {
                scenario: r.scenario,
                indicator: r.indicator,
            },
        }
    }

    /// The claim's group (`None`: a group of its own, as every observation is).
    fn group(&self) -> Option<usize> {
        match self.origin {
            Origin::Claim(r, _) => r.group,
            Origin::Indicator(_) => None,
        }
    }

    fn log_l(&self) -> &'a [f64] {
        match self.origin {
            Origin::Claim(_, l) => l,
            Origin::Indicator(r) => &r.log_l,
        }
    }

    /// The item's cells as it stands.
    fn now(&self) -> Cells<'a> {
        match self.origin {
            Origin::Claim(r, log_l) => Cells {
                log_l: Cow::Borrowed(log_l),
                ratings: Some(Cow::Borrowed(&r.state.ratings)),
                factor: r.ach_factor,
            },
            Origin::Indicator(r) => indicator_cells(r),
        }
    }

    /// Change of Σ_g,j C_g,j if the item were removed.
    fn removal(&self, j: usize) -> f64 {
        match &self.group_removal {
            Some(d) => d[j],
            None => 0.0 - self.log_l()[j],
        }
    }

    /// For an observed indicator: the observation one grade less trusted,
    /// and reversed (`None` where the indicator cannot be scored). Claims
    /// build theirs into buffers (see `analyse`).
    fn indicator_alternatives(
        ws: &Workspace,
        r: &IndicatorRow,
    ) -> (Option<Cells<'static>>, Option<Cells<'static>>) {
        let build = |observed: bool, trust: f64| {
            indicators::row(ws, r.scenario, r.indicator, r.observation, observed, trust)
                .map(|x| indicator_cells(&x).into_owned())
        };
        (
            build(r.observed, INDICATOR_DROPPED_TRUST),
            build(!r.observed, 1.0),
        )
    }
}

/// Reused buffers for a claim's replacement cells.
#[derive(Default)]
struct CellsBuf {
    log_l: Vec<f64>,
    ratings: Vec<Rating>,
    factor: f64,
}

impl CellsBuf {
    fn view(&self) -> Cells<'_> {
        Cells {
            log_l: Cow::Borrowed(&self.log_l),
            ratings: Some(Cow::Borrowed(&self.ratings)),
            factor: self.factor,
        }
    }
}

/// The cells of claim row `r` rated `ratings` at credibility `cred`, into
/// `out`; `false` when every rating is NA.
fn claim_cells_into(
    ws: &Workspace,
    r: &Row,
    ratings: &[Rating],
    cred: Credibility,
    out: &mut CellsBuf,
) -> bool {
    // As state::trust, at credibility `cred`.
    let trust = r.state.reliability(ws) * cred.factor();
    let rel = r.state.relevance;
    if !bayes::log_likelihoods_into(&ws.config.likelihood, ratings, trust, rel, &mut out.log_l) {
        return false;
    }
    out.ratings.clear();
    out.ratings.extend_from_slice(ratings);
    out.factor = ach::factor(cred, rel);
    true
}

fn indicator_cells(r: &IndicatorRow) -> Cells<'_> {
    Cells {
        log_l: Cow::Borrowed(&r.log_l),
        ratings: r.ach_ratings.as_deref().map(Cow::Borrowed),
        factor: ach::factor(indicators::ACH_CREDIBILITY, Relevance::Medium),
    }
}

/// Trust of an observation one grade worse: credibility 2 (0.8) × reliability A.
const INDICATOR_DROPPED_TRUST: f64 = 0.8;

fn items<'a>(a: &'a Assessment, base: &Totals) -> Vec<Item<'a>> {
    // Sized exactly: a record's items are tens of megabytes, and a vector
    // grown by doubling would hold up to twice that (both copies while it
    // grows).
    let claims = a
        .rows
        .iter()
        .filter(|r| r.counts() && r.log_l.is_some())
        .count();
    let mut out = Vec::with_capacity(claims + a.indicators.len());
    for r in a.rows.iter().filter(|r| r.counts()) {
        let Some(log_l) = &r.log_l else {
            continue;
        };
        let group_removal = r
            .group
            .map(|g| base.group_delta(Some(g), &[log_l], &[]).into_boxed_slice());
        out.push(Item {
            origin: Origin::Claim(r, log_l),
            group_removal,
        });
    }
    for r in &a.indicators {
        if a.engine == EngineKind::Ach && r.ach_ratings.is_none() {
            continue; // if_true/if_false indicators do not count in ACH
        }
        out.push(Item {
            origin: Origin::Indicator(r),
            group_removal: None,
        });
    }
    out
}

/// The margin and leader after a what-if.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// Margin of the (old) leader over the (old) runner-up afterwards.
    pub margin: f64,
    /// margin − the margin before.
    pub change: f64,
    /// Scenario index ranked first afterwards.
    pub leader: usize,
    /// Whether the leader changed.
    pub flips: bool,
}

/// What each what-if does to one item's part in the conclusion.
#[derive(Debug, Clone, PartialEq)]
pub struct Effect {
    /// Which claim or observed indicator.
    pub kind: ItemKind,
    /// The item's contribution to the margin over the runner-up: minus the
    /// change of the margin on its removal. bayes: η·(log L''_A − log L''_B)
    /// for a claim of its own group, η times its share of its group's mean
    /// otherwise; ach: w_B − w_A.
    pub contribution: f64,
    /// What removing the item does.
    pub removal: Variant,
    /// `None` when the credibility has no worse grade (5 and 6).
    pub trust_drop: Option<Variant>,
    /// What deception does: the item's ratings mirrored (CC ↔ II, C ↔ I).
    pub deception: Variant,
    /// Removal alone changes the leader.
    pub linchpin: bool,
}

/// How the smallest deciding set was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Greedy result confirmed minimal by searching every smaller subset.
    Exact,
    /// Greedy by contribution only (too many items for the exact search).
    Greedy,
}

impl Method {
    /// The method's name, `exact` or `greedy`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Exact => "exact",
            Method::Greedy => "greedy",
        }
    }
}

/// The smallest set of items whose removal changes the leader.
#[derive(Debug, Clone, PartialEq)]
pub struct DecidingSet {
    /// Indices into `Sensitivity::effects`.
    pub items: Vec<usize>,
    /// Who leads once they are removed.
    pub new_leader: usize,
    /// Whether the set is proven smallest or only found greedily.
    pub method: Method,
}

/// The sensitivity of one assessment.
#[derive(Debug, Clone, PartialEq)]
pub struct Sensitivity {
    /// The engine the assessment was scored with.
    pub engine: EngineKind,
    /// Index of the leading scenario.
    pub leader: usize,
    /// Index of the runner-up; `None` with a single scenario.
    pub runner_up: Option<usize>,
    /// bayes: log posterior odds of leader over runner-up; ach: weighted
    /// inconsistency of the runner-up minus that of the leader.
    pub margin: f64,
    /// The engine cannot separate leader and runner-up (first place is decided by id).
    pub tied: bool,
    /// Items in force: claims by (date, id), then observed indicators.
    pub effects: Vec<Effect>,
    /// The smallest deciding set; `None` when no set of items changes the leader.
    pub deciding: Option<DecidingSet>,
    /// How many items favour the leader over at least one other scenario.
    pub favouring: usize,
}

impl Sensitivity {
    /// Items whose removal alone changes the leader.
    pub fn linchpins(&self) -> impl Iterator<Item = &Effect> {
        self.effects.iter().filter(|e| e.linchpin)
    }
}

/// bayes: −η·(Δ_A − Δ_j) with Δ the change of Σ_g C_g on the item's removal
/// (η·(log L''_A − log L''_j) for a claim of its own group); ach: w_j − w_A.
/// Positive: the item favours A over j.
fn contribution(engine: EngineKind, eta: f64, it: &Item, a: usize, j: usize) -> f64 {
    match engine {
        EngineKind::Bayes => -eta * (it.removal(a) - it.removal(j)),
        EngineKind::Ach => {
            let now = it.now();
            now.weighted(j) - now.weighted(a)
        }
    }
}

fn margin_of(engine: EngineKind, t: &Totals, priors: &[f64], eta: f64, a: usize, b: usize) -> f64 {
    match engine {
        EngineKind::Bayes => {
            let lp = t.log_posterior(priors, eta);
            lp[a] - lp[b]
        }
        EngineKind::Ach => t.weighted[b] - t.weighted[a],
    }
}

/// Analyse the assessment `a`.
pub fn analyse(ws: &Workspace, a: &Assessment) -> Sensitivity {
    let engine = a.engine;
    let ranking = a.ranking();
    let leader = ranking[0];
    let runner_up = ranking.get(1).copied();
    let base = totals_of(ws.scenarios.len(), &a.rows, &a.indicators);
    let items = items(a, &base);
    let priors = ws.priors();
    let eta = ws.config.evidence_weight;
    let Some(b) = runner_up else {
        return Sensitivity {
            engine,
            leader,
            runner_up,
            margin: 0.0,
            tied: false,
            effects: Vec::new(),
            deciding: None,
            favouring: 0,
        };
    };
    let margin = margin_of(engine, &base, &priors, eta, leader, b);
    let tied = engine_order(engine, &a.scores[leader], &a.scores[b]) == Ordering::Equal;

    let mut what_ifs = WhatIfs::new(ws, engine, &base, leader, b, margin);
    let mut bufs = Replacements::default();
    let effects: Vec<Effect> = items
        .iter()
        .map(|it| {
            let mut e = what_ifs.effect(it, &mut bufs);
            e.linchpin = e.removal.flips && !tied;
            e
        })
        .collect();

    let others: Vec<usize> = ranking[1..].to_vec();
    let favouring = favouring(engine, eta, &items, leader, &others);
    let deciding = if tied {
        None
    } else {
        smallest_deciding_set(ws, engine, eta, &base, &items, leader, &others, &favouring)
    };
    Sensitivity {
        engine,
        leader,
        runner_up,
        margin,
        tied,
        effects,
        deciding,
        favouring: favouring.len(),
    }
}

/// What the checks read of the sensitivity analysis (K104 weighs a claim
/// that is a linchpin or in the smallest deciding set): the claims, by
/// index into `Workspace::claims`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Weighty {
    /// Claims whose removal alone changes the leader.
    pub(crate) linchpins: BTreeSet<usize>,
    /// Claims in the smallest deciding set.
    pub(crate) deciding: BTreeSet<usize>,
}

impl Weighty {
    /// The claims of a full analysis.
    pub(crate) fn of(sens: &Sensitivity) -> Weighty {
        let claim = |k: ItemKind| match k {
            ItemKind::Claim(c) => Some(c),
            ItemKind::Indicator { .. } => None,
        };
        Weighty {
            linchpins: sens.linchpins().filter_map(|e| claim(e.kind)).collect(),
            deciding: sens
                .deciding
                .iter()
                .flat_map(|d| d.items.iter().map(|&i| sens.effects[i].kind))
                .filter_map(claim)
                .collect(),
        }
    }
}

/// [`Weighty::of`] the [`analyse`] of `a`, computed without the what-ifs the
/// checks do not read (one grade less trust, deception: two thirds of the
/// what-ifs, with the likelihoods they recompute). The language server and
/// `serve` call it after each edit.
pub(crate) fn weighty(ws: &Workspace, a: &Assessment) -> Weighty {
    let engine = a.engine;
    let ranking = a.ranking();
    let leader = ranking[0];
    let Some(&b) = ranking.get(1) else {
        return Weighty::default();
    };
    let base = totals_of(ws.scenarios.len(), &a.rows, &a.indicators);
    let items = items(a, &base);
    let priors = ws.priors();
    let eta = ws.config.evidence_weight;
    let margin = margin_of(engine, &base, &priors, eta, leader, b);
    let tied = engine_order(engine, &a.scores[leader], &a.scores[b]) == Ordering::Equal;
    if tied {
        return Weighty::default();
    }
    let mut what_ifs = WhatIfs::new(ws, engine, &base, leader, b, margin);
    let claim = |k: ItemKind| match k {
        ItemKind::Claim(c) => Some(c),
        ItemKind::Indicator { .. } => None,
    };
    let linchpins = items
        .iter()
        .filter(|it| it.kind().is_claim() && what_ifs.variant(it, None).flips)
        .filter_map(|it| claim(it.kind()))
        .collect();
    let others: Vec<usize> = ranking[1..].to_vec();
    let favouring = favouring(engine, eta, &items, leader, &others);
    let deciding =
        smallest_deciding_set(ws, engine, eta, &base, &items, leader, &others, &favouring)
            .map(|d| {
                d.items
                    .iter()
                    .filter_map(|&i| claim(items[i].kind()))
                    .collect()
            })
            .unwrap_or_default();
    Weighty {
        linchpins,
        deciding,
    }
}

/// The items that favour the leader over at least one other scenario.
fn favouring(
    engine: EngineKind,
    eta: f64,
    items: &[Item],
    leader: usize,
    others: &[usize],
) -> Vec<usize> {
    (0..items.len())
        .filter(|&i| {
            others
                .iter()
                .any(|&j| contribution(engine, eta, &items[i], leader, j) > 0.0)
        })
        .collect()
}

/// The what-ifs of one assessment: the totals they start from, the leader
/// and runner-up whose margin they move, and buffers shared by every one (a
/// large record runs three per item).
struct WhatIfs<'a> {
    ws: &'a Workspace,
    engine: EngineKind,
    eta: f64,
    base: &'a Totals,
    log_priors: Vec<f64>,
    leader: usize,
    /// The runner-up.
    b: usize,
    margin: f64,
    scratch: WhatIf,
}

/// The replacements (one grade less trust, deception) of one claim at a
/// time, in reused buffers.
#[derive(Default)]
struct Replacements {
    drop: CellsBuf,
    deceive: CellsBuf,
    mirrored: Vec<Rating>,
}

impl<'a> WhatIfs<'a> {
    fn new(
        ws: &'a Workspace,
        engine: EngineKind,
        base: &'a Totals,
        leader: usize,
        b: usize,
        margin: f64,
    ) -> Self {
        WhatIfs {
            ws,
            engine,
            eta: ws.config.evidence_weight,
            base,
            log_priors: ws.log_priors(),
            leader,
            b,
            margin,
            scratch: WhatIf::default(),
        }
    }

    /// The assessment with `item` replaced by `replacement` (`None`: removed).
    fn variant(&mut self, item: &Item, replacement: Option<&Cells>) -> Variant {
        let (engine, eta, leader, b, base) =
            (self.engine, self.eta, self.leader, self.b, self.base);
        let WhatIf {
            d,
            log_l,
            weighted,
            plain,
            rank,
        } = &mut self.scratch;
        let into: &[&[f64]] = match replacement {
            Some(c) => &[&c.log_l[..]],
            None => &[],
        };
        let now = item.now();
        base.group_delta_into(item.group(), &[item.log_l()], into, d);
        log_l.clear();
        log_l.extend(base.log_l.iter().zip(d.iter()).map(|(x, dx)| x + dx));
        weighted.clear();
        weighted.extend_from_slice(&base.weighted);
        plain.clear();
        plain.extend_from_slice(&base.plain);
        now.add_ach(weighted, plain, -1.0);
        if let Some(c) = replacement {
            c.add_ach(weighted, plain, 1.0);
        }
        let change = match engine {
            EngineKind::Bayes => eta * (d[leader] - d[b]),
            EngineKind::Ach => {
                let old = now.weighted(b) - now.weighted(leader);
                let new = replacement.map_or(0.0, |c| c.weighted(b) - c.weighted(leader));
                new - old
            }
        };
        let new_leader = leader_of_sums(
            self.ws,
            engine,
            &self.log_priors,
            log_l,
            weighted,
            plain,
            rank,
        );
        Variant {
            margin: self.margin + change,
            change,
            leader: new_leader,
            flips: new_leader != leader,
        }
    }

    /// The effects of removing, distrusting and reversing `it`
    /// (`linchpin` left for the caller, who knows whether the lead is tied).
    fn effect(&mut self, it: &Item, bufs: &mut Replacements) -> Effect {
        let ws = self.ws;
        let removal = self.variant(it, None);
        let now = it.now();
        let (trust_drop, deception) = match it.origin {
            Origin::Claim(r, _) => {
                let st = &r.state;
                let worse = st.credibility.one_grade_worse();
                let drop = (worse != st.credibility
                    && claim_cells_into(ws, r, &st.ratings, worse, &mut bufs.drop))
                .then(|| self.variant(it, Some(&bufs.drop.view())));
                bufs.mirrored.clear();
                bufs.mirrored
                    .extend(st.ratings.iter().map(|x| x.mirrored()));
                let deception =
                    if claim_cells_into(ws, r, &bufs.mirrored, st.credibility, &mut bufs.deceive) {
                        self.variant(it, Some(&bufs.deceive.view()))
                    } else {
                        self.variant(it, Some(&now))
                    };
                (drop, deception)
            }
            Origin::Indicator(r) => {
                let (drop, deceive) = Item::indicator_alternatives(ws, r);
                (
                    drop.as_ref().map(|d| self.variant(it, Some(d))),
                    self.variant(it, Some(deceive.as_ref().unwrap_or(&now))),
                )
            }
        };
        Effect {
            kind: it.kind(),
            contribution: contribution(self.engine, self.eta, it, self.leader, self.b),
            linchpin: false,
            removal,
            trust_drop,
            deception,
        }
    }
}

/// Remove `set` from the totals; the new leader. Members of one named group
/// leave it together (the group's mean is taken over those that remain).
fn leader_without(
    ws: &Workspace,
    engine: EngineKind,
    base: &Totals,
    items: &[Item],
    set: &[usize],
) -> usize {
    totals_without(base, items, set).leader(ws, engine)
}

/// The totals with `set` removed ([`leader_without`]).
fn totals_without(base: &Totals, items: &[Item], set: &[usize]) -> Totals {
    let mut t = base.detached();
    let mut by_group: std::collections::BTreeMap<usize, Vec<&[f64]>> = Default::default();
    for &i in set {
        let it = &items[i];
        match it.group() {
            Some(g) => by_group.entry(g).or_default().push(it.log_l()),
            None => {
                t.log_l
                    .iter_mut()
                    .zip(it.log_l())
                    .for_each(|(x, l)| *x -= l);
            }
        }
        it.now().add_ach(&mut t.weighted, &mut t.plain, -1.0);
    }
    for (g, rows) in by_group {
        let d = base.group_delta(Some(g), &rows, &[]);
        t.log_l.iter_mut().zip(&d).for_each(|(x, dx)| *x += dx);
    }
    t
}

/// [`totals_without`] for a set that grows one item at a time (the greedy
/// search for a deciding set): the same sums in the same order, so the same
/// numbers to the bit, kept from one step to the next instead of taken
/// again from the start for every candidate (a large record's greedy set
/// has hundreds of items, which made the search quadratic).
struct Without<'a> {
    base: &'a Totals,
    /// The totals less the set's items of their own group (log L'') and
    /// less all its items (the ACH sums), in set order.
    t: Totals,
    /// Each named group's removed rows, and the change of its mean.
    by_group: std::collections::BTreeMap<usize, (Vec<&'a [f64]>, Vec<f64>)>,
    now: Totals,
}

impl<'a> Without<'a> {
    fn new(base: &'a Totals) -> Self {
        Without {
            base,
            t: base.detached(),
            by_group: Default::default(),
            now: base.detached(),
        }
    }

    fn push(&mut self, it: &'a Item) {
        match it.group() {
            Some(g) => {
                let (rows, d) = self.by_group.entry(g).or_default();
                rows.push(it.log_l());
                *d = self.base.group_delta(Some(g), rows, &[]);
            }
            None => {
                self.t
                    .log_l
                    .iter_mut()
                    .zip(it.log_l())
                    .for_each(|(x, l)| *x -= l);
            }
        }
        it.now()
            .add_ach(&mut self.t.weighted, &mut self.t.plain, -1.0);
    }

    /// The totals without the items pushed so far.
    fn totals(&mut self) -> &Totals {
        self.now.log_l.clone_from(&self.t.log_l);
        self.now.weighted.clone_from(&self.t.weighted);
        self.now.plain.clone_from(&self.t.plain);
        for (_, d) in self.by_group.values() {
            self.now
                .log_l
                .iter_mut()
                .zip(d)
                .for_each(|(x, dx)| *x += dx);
        }
        &self.now
    }
}

/// An item's contribution and index, ordered so that a max-heap yields the
/// largest contribution first and, among equal ones, the lowest index.
struct ByContribution(f64, usize);

impl PartialEq for ByContribution {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for ByContribution {}
impl PartialOrd for ByContribution {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for ByContribution {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0).then(other.1.cmp(&self.1))
    }
}

/// Greedy per challenger, then an exact search over smaller subsets.
///
/// For each challenger j, remove the items favouring the leader over j in
/// decreasing order of contribution until the leader changes. For a fixed j
/// and claims of their own groups, the k largest contributions give the
/// largest possible gain of any k items, so the smallest of these greedy sets
/// is already minimal up to exact ties (members of one named group do not add
/// up exactly, so there it is a heuristic); when at most [`EXACT_SEARCH_MAX`]
/// items favour the leader, every smaller subset is tried (in increasing size)
/// to confirm it.
#[allow(clippy::too_many_arguments)]
fn smallest_deciding_set(
    ws: &Workspace,
    engine: EngineKind,
    eta: f64,
    base: &Totals,
    items: &[Item],
    leader: usize,
    others: &[usize],
    favouring: &[usize],
) -> Option<DecidingSet> {
    let mut best: Option<(Vec<usize>, usize)> = None;
    // One buffer for every challenger's heap.
    let mut buf: Vec<ByContribution> = Vec::with_capacity(items.len());
    for &j in others {
        // Largest contribution first (ties by index), taken from a heap: the
        // search usually stops after a few of many thousand items.
        buf.clear();
        buf.extend(
            (0..items.len())
                .map(|i| ByContribution(contribution(engine, eta, &items[i], leader, j), i))
                .filter(|x| x.0 > 0.0),
        );
        let mut order = BinaryHeap::from(std::mem::take(&mut buf));
        let mut set = Vec::new();
        let mut without = Without::new(base);
        while let Some(ByContribution(_, i)) = order.pop() {
            if best.as_ref().is_some_and(|(b, _)| set.len() + 1 >= b.len()) {
                break; // cannot beat the best set found so far
            }
            set.push(i);
            without.push(&items[i]);
            let l = without.totals().leader(ws, engine);
            if l != leader {
                best = Some((set.clone(), l));
                break;
            }
        }
        buf = order.into_vec();
    }
    let (mut set, mut new_leader) = best?;
    let method = if set.len() <= 1 {
        Method::Exact
    } else if favouring.len() <= EXACT_SEARCH_MAX {
        'sizes: for k in 1..set.len() {
            let mut idx: Vec<usize> = (0..k).collect();
            loop {
                let subset: Vec<usize> = idx.iter().map(|&x| favouring[x]).collect();
                let l = leader_without(ws, engine, base, items, &subset);
                if l != leader {
                    set = subset;
                    new_leader = l;
                    break 'sizes;
                }
                // Next combination in lexicographic order.
                let n = favouring.len();
                let mut p = k;
                while p > 0 && idx[p - 1] == n - k + p - 1 {
                    p -= 1;
                }
                if p == 0 {
                    break;
                }
                idx[p - 1] += 1;
                for q in p..k {
                    idx[q] = idx[q - 1] + 1;
                }
            }
        }
        Method::Exact
    } else {
        Method::Greedy
    };
    Some(DecidingSet {
        items: set,
        new_leader,
        method,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Brute force: the smallest subset of all items whose removal changes the leader.
    fn brute(ws: &Workspace, a: &Assessment) -> Option<usize> {
        let s = analyse(ws, a);
        let base = totals_of(ws.scenarios.len(), &a.rows, &a.indicators);
        let its = items(a, &base);
        let n = its.len();
        let mut best: Option<usize> = None;
        for mask in 1u32..(1 << n) {
            let set: Vec<usize> = (0..n).filter(|i| mask & (1 << i) != 0).collect();
            if best.is_some_and(|b| set.len() >= b) {
                continue;
            }
            if leader_without(ws, a.engine, &base, &its, &set) != s.leader {
                best = Some(set.len());
            }
        }
        best
    }

    fn ws_from(claims: &str, engine: &str) -> Workspace {
        crate::load::from_files(vec![
            SourceFile {
                rel: "kzclaims.toml".into(),
                text: format!("title = \"t\"\nquestion = \"q\"\n[scoring]\nengine = \"{engine}\"\nevidence_weight = 1.0\n"),
            },
            SourceFile {
                rel: "scenarios/s.toml".into(),
                text: "[[scenario]]\nid = \"a\"\ntitle = \"A\"\nsummary = \"s\"\n\n[[scenario]]\nid = \"b\"\ntitle = \"B\"\nsummary = \"s\"\n\n[[scenario]]\nid = \"c\"\ntitle = \"C\"\nsummary = \"s\"\n".into(),
            },
            SourceFile {
                rel: "claims/c.toml".into(),
                text: format!("[[source]]\nid = \"s\"\nname = \"S\"\nkind = \"media\"\nreliability = \"A\"\n\n{claims}"),
            },
        ])
        .unwrap()
    }

    fn claim(id: &str, cred: u8, a: &str, b: &str, c: &str) -> String {
        format!("[[claim]]\nid = \"{id}\"\ndate = 2022-01-01\nstatement = \"x\"\nsources = [\"s\"]\ncredibility = {cred}\nratings = {{ a = \"{a}\", b = \"{b}\", c = \"{c}\" }}\n\n")
    }

    #[test]
    fn removal_can_promote_a_third_scenario() {
        // t1: a C .8, b I .2, c CC .95; t2: a C .8, b N .5, c II .05.
        // Totals a .64, b .10, c .0475: a leads, b runs up, margin ln 6.4.
        // t2 favours a over b by only ln 1.6 < ln 6.4, yet removing it leaves
        // a .8, b .2, c .95: c leads. The flip test against b alone would miss it.
        let text = claim("t1", 1, "C", "I", "CC") + &claim("t2", 1, "C", "N", "II");
        let ws = ws_from(&text, "bayes");
        let a = super::super::assess(
            &ws,
            chrono::NaiveDate::from_ymd_opt(2022, 1, 1).unwrap(),
            EngineKind::Bayes,
        );
        let s = analyse(&ws, &a);
        assert_eq!((s.leader, s.runner_up), (0, Some(1)));
        assert!((s.margin - 6.4f64.ln()).abs() < 1e-12);
        let t2 = &s.effects[1];
        assert!((t2.contribution - 1.6f64.ln()).abs() < 1e-12);
        assert!(t2.linchpin);
        assert_eq!(t2.removal.leader, 2);
        assert!(!s.effects[0].linchpin);
        let d = s.deciding.unwrap();
        assert_eq!((d.items.clone(), d.new_leader), (vec![1], 2));
    }

    /// What the checks read, computed on its own, is what the full analysis
    /// gives: on the bundled workspace, MH17 and every test workspace that
    /// loads, at their first, middle and last dates, under both engines
    /// (and on the random matrices below).
    #[test]
    fn weighty_is_what_the_full_analysis_gives() {
        let mut compared = 0;
        let mut weighed = 0;
        for (root, ws) in crate::load::testkit::workspaces() {
            let Some(last) = ws.default_as_of() else {
                continue;
            };
            let first = ws.claims.iter().map(|c| c.date).min().unwrap_or(last);
            for date in [first, first + (last - first) / 2, last] {
                for engine in [EngineKind::Bayes, EngineKind::Ach] {
                    let a = super::super::assess(&ws, date, engine);
                    let w = weighty(&ws, &a);
                    assert_eq!(w, Weighty::of(&analyse(&ws, &a)), "{}", root.display());
                    compared += 1;
                    weighed += w.linchpins.len() + w.deciding.len();
                }
            }
        }
        assert!(
            compared > 50 && weighed > 20,
            "{compared} compared, {weighed} weighed"
        );
    }

    /// The totals kept step by step by the greedy search are those taken
    /// from the start for each set, to the bit: every prefix of the items
    /// in order of contribution, on every bundled and test workspace (named
    /// groups among them) at its date, under both engines.
    #[test]
    fn totals_kept_step_by_step_are_the_totals_from_the_start() {
        let mut steps = 0;
        let mut grouped = 0;
        for (r, ws) in crate::load::testkit::workspaces() {
            let Some(date) = ws.default_as_of() else {
                continue;
            };
            for engine in [EngineKind::Bayes, EngineKind::Ach] {
                let a = super::super::assess(&ws, date, engine);
                let base = totals_of(ws.scenarios.len(), &a.rows, &a.indicators);
                let its = items(&a, &base);
                let mut order: Vec<usize> = (0..its.len()).collect();
                let lead = a.ranking()[0];
                let j = a.ranking().get(1).copied().unwrap_or(lead);
                order.sort_by(|&x, &y| {
                    contribution(engine, 1.0, &its[y], lead, j)
                        .total_cmp(&contribution(engine, 1.0, &its[x], lead, j))
                });
                let mut without = Without::new(&base);
                for k in 0..order.len() {
                    without.push(&its[order[k]]);
                    grouped += usize::from(its[order[k]].group().is_some());
                    let kept = without.totals();
                    let fresh = totals_without(&base, &its, &order[..=k]);
                    assert_eq!(kept.log_l, fresh.log_l, "{}", r.display());
                    assert_eq!(kept.weighted, fresh.weighted, "{}", r.display());
                    assert_eq!(kept.plain, fresh.plain, "{}", r.display());
                    steps += 1;
                }
            }
        }
        assert!(
            steps > 250 && grouped > 50,
            "{steps} steps, {grouped} grouped"
        );
    }

    #[test]
    fn matches_brute_force_on_many_matrices() {
        let levels = ["CC", "C", "N", "I", "II", "NA"];
        let mut sizes = [0usize; 8];
        let mut seed = 12345u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        for engine in ["bayes", "ach"] {
            for _ in 0..60 {
                let n = 1 + next() % 7;
                let mut text = String::new();
                for i in 0..n {
                    let r: Vec<&str> = (0..3).map(|_| levels[next() % 6]).collect();
                    text.push_str(&claim(
                        &format!("e{i}"),
                        1 + (next() % 6) as u8,
                        r[0],
                        r[1],
                        r[2],
                    ));
                }
                let ws = ws_from(&text, engine);
                let a = super::super::assess(
                    &ws,
                    chrono::NaiveDate::from_ymd_opt(2022, 1, 1).unwrap(),
                    ws.config.engine,
                );
                let s = analyse(&ws, &a);
                assert_eq!(weighty(&ws, &a), Weighty::of(&s), "{engine}\n{text}");
                if s.tied {
                    continue;
                }
                let size = s.deciding.as_ref().map(|d| d.items.len());
                assert_eq!(size, brute(&ws, &a), "{engine}\n{text}");
                sizes[size.unwrap_or(0)] += 1;
                // A linchpin is exactly a deciding set of one.
                let n_lin = s.linchpins().count();
                assert_eq!(
                    n_lin > 0,
                    s.deciding.as_ref().is_some_and(|d| d.items.len() == 1),
                    "{text}"
                );
            }
        }
        // The random matrices exercise no-set, single linchpins and larger sets.
        assert!(
            sizes[0] > 0 && sizes[1] > 0 && sizes[2..].iter().sum::<usize>() > 5,
            "{sizes:?}"
        );
    }
}
