//! What a claim says as of a date: its revisions in force on that day
//! applied in order.
//!
//! "In force as of D" means effective date <= D: a claim or revision counts
//! from the later of its `date` and the earliest publication of its sources
//! ([`crate::model::effective_date`], docs/scoring.md).

use super::analysts::{self, View};
use crate::model::*;
use chrono::NaiveDate;

/// A claim as it reads on a given day.
///
/// The texts (statement, sources, url) are not copied: the state records
/// which revision last set each of them (`None`: the claim as first written)
/// and the accessors read them from the workspace. An assessment builds one
/// state per claim, and the memo several assessments, so copies would be the
/// engine's largest cost at scale (docs/performance.md).
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimState {
    /// Index into `Workspace::claims`.
    pub claim: usize,
    /// The revision whose `statement` is in force.
    pub statement_from: Option<usize>,
    /// The revision whose `sources` are in force.
    pub sources_from: Option<usize>,
    /// The revision whose `url` is in force.
    pub url_from: Option<usize>,
    /// Credibility in force (revisions applied).
    pub credibility: Credibility,
    /// Relevance in force (revisions applied).
    pub relevance: Relevance,
    /// One rating per scenario, in `Workspace::scenarios` order.
    pub ratings: Vec<Rating>,
    /// Active, or retracted by a revision in force.
    pub status: Status,
    /// How many revisions were applied (a prefix of `Claim::revisions`).
    pub revisions_applied: usize,
}

/// The claim as of `date`, or `None` if it had not entered the record yet
/// (its effective date is later).
pub(crate) fn claim_as_of(ws: &Workspace, claim: usize, date: NaiveDate) -> Option<ClaimState> {
    claim_as_of_view(ws, claim, date, View::Team)
}

/// The claim as of `date` in one analyst's view (or the team's). Revisions
/// apply on top of every view alike.
pub(crate) fn claim_as_of_view(
    ws: &Workspace,
    claim: usize,
    date: NaiveDate,
    view: View<'_>,
) -> Option<ClaimState> {
    let c = &ws.claims[claim];
    if c.effective > date {
        return None;
    }
    let mut st = ClaimState {
        claim,
        statement_from: None,
        sources_from: None,
        url_from: None,
        credibility: c.credibility,
        relevance: c.relevance,
        ratings: analysts::base_ratings(ws, c, view),
        status: Status::Active,
        revisions_applied: 0,
    };
    for r in c.revisions.iter().take_while(|r| r.effective <= date) {
        apply(&mut st, r);
    }
    Some(st)
}

/// Apply one revision to a claim state.
pub(crate) fn apply(st: &mut ClaimState, r: &Revision) {
    if let Some(c) = r.credibility {
        st.credibility = c;
    }
    if let Some(rel) = r.relevance {
        st.relevance = rel;
    }
    let k = st.revisions_applied;
    if r.statement.is_some() {
        st.statement_from = Some(k);
    }
    if r.sources.is_some() {
        st.sources_from = Some(k);
    }
    if r.url.is_some() {
        st.url_from = Some(k);
    }
    if let Some(s) = r.status {
        st.status = s;
    }
    for (j, rating) in r.ratings.iter() {
        if let Some(slot) = st.ratings.get_mut(j) {
            *slot = rating;
        }
    }
    st.revisions_applied += 1;
}

impl ClaimState {
    /// The statement in force.
    pub fn statement<'w>(&self, ws: &'w Workspace) -> &'w str {
        let c = &ws.claims[self.claim];
        match self.statement_from {
            Some(k) => c.revisions[k].statement.as_deref().unwrap_or(&c.statement),
            None => &c.statement,
        }
    }

    /// The source ids in force (a revision may replace them).
    pub fn sources<'w>(&self, ws: &'w Workspace) -> &'w [String] {
        let c = &ws.claims[self.claim];
        match self.sources_from {
            Some(k) => c.revisions[k].sources.as_deref().unwrap_or(&c.sources),
            None => &c.sources,
        }
    }

    /// R of the sources in force (computed by the loader).
    pub fn reliability(&self, ws: &Workspace) -> f64 {
        let c = &ws.claims[self.claim];
        match self.sources_from {
            Some(k) => c.revisions[k].reliability.unwrap_or(c.reliability),
            None => c.reliability,
        }
    }

    /// The citation in force. `url = ""` in a revision drops the link: the
    /// revised statement rests on the sources named, and an earlier link
    /// cannot document it.
    pub fn url<'w>(&self, ws: &'w Workspace) -> Option<&'w str> {
        let c = &ws.claims[self.claim];
        match self.url_from {
            Some(k) => c.revisions[k]
                .url
                .as_deref()
                .filter(|u| !u.trim().is_empty()),
            None => c.url.as_deref(),
        }
    }
}

/// Every claim in the record as of `date`, retracted ones included.
pub(crate) fn record_as_of(ws: &Workspace, date: NaiveDate) -> Vec<ClaimState> {
    record_as_of_view(ws, date, View::Team)
}

/// Every claim in the record as of `date`, in a view.
pub(crate) fn record_as_of_view(
    ws: &Workspace,
    date: NaiveDate,
    view: View<'_>,
) -> Vec<ClaimState> {
    (0..ws.claims.len())
        .filter_map(|i| claim_as_of_view(ws, i, date, view))
        .collect()
}

/// The trust r = R × c of a claim as it stands: R combines its sources'
/// reliabilities as independent corroboration, R = 1 − Π(1 − R_k), c is the
/// credibility factor.
pub(crate) fn trust(ws: &Workspace, st: &ClaimState) -> f64 {
    st.reliability(ws) * st.credibility.factor()
}
