//! What a claim says as of a date: its revisions dated on or before that day
//! applied in order.

use super::analysts::{self, View};
use crate::model::*;
use chrono::NaiveDate;

/// A claim as it reads on a given day.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimState {
    /// Index into `Workspace::claims`.
    pub claim: usize,
    pub statement: String,
    /// Source ids (a revision may replace them).
    pub sources: Vec<String>,
    pub url: Option<String>,
    pub credibility: Credibility,
    pub relevance: Relevance,
    /// One rating per scenario, in `Workspace::scenarios` order.
    pub ratings: Vec<Rating>,
    pub status: Status,
    /// How many revisions were applied (a prefix of `Claim::revisions`).
    pub revisions_applied: usize,
}

/// The claim as of `date`, or `None` if it had not entered the record yet.
pub fn claim_as_of(ws: &Workspace, claim: usize, date: NaiveDate) -> Option<ClaimState> {
    claim_as_of_view(ws, claim, date, View::Team)
}

/// The claim as of `date` in one analyst's view (or the team's). Revisions
/// apply on top of every view alike.
pub fn claim_as_of_view(
    ws: &Workspace,
    claim: usize,
    date: NaiveDate,
    view: View<'_>,
) -> Option<ClaimState> {
    let c = &ws.claims[claim];
    if c.date > date {
        return None;
    }
    let mut st = ClaimState {
        claim,
        statement: c.statement.clone(),
        sources: c.sources.clone(),
        url: c.url.clone(),
        credibility: c.credibility,
        relevance: c.relevance,
        ratings: analysts::base_ratings(ws, c, view),
        status: Status::Active,
        revisions_applied: 0,
    };
    for r in c.revisions.iter().take_while(|r| r.date <= date) {
        apply(ws, &mut st, r);
    }
    Some(st)
}

/// Apply one revision to a claim state.
pub fn apply(ws: &Workspace, st: &mut ClaimState, r: &Revision) {
    if let Some(c) = r.credibility {
        st.credibility = c;
    }
    if let Some(rel) = r.relevance {
        st.relevance = rel;
    }
    if let Some(s) = &r.statement {
        st.statement = s.clone();
    }
    if let Some(s) = &r.sources {
        st.sources = s.clone();
    }
    if let Some(u) = &r.url {
        // `url = ""` in a revision drops the link: the revised statement rests
        // on the sources named, and an earlier link cannot document it.
        st.url = Some(u.clone()).filter(|u| !u.trim().is_empty());
    }
    if let Some(s) = r.status {
        st.status = s;
    }
    for (sid, rating) in &r.ratings {
        if let Some(j) = ws.scenario_index(sid) {
            st.ratings[j] = *rating;
        }
    }
    st.revisions_applied += 1;
}

/// Every claim in the record as of `date`, retracted ones included.
pub fn record_as_of(ws: &Workspace, date: NaiveDate) -> Vec<ClaimState> {
    record_as_of_view(ws, date, View::Team)
}

/// Every claim in the record as of `date`, in a view.
pub fn record_as_of_view(ws: &Workspace, date: NaiveDate, view: View<'_>) -> Vec<ClaimState> {
    (0..ws.claims.len())
        .filter_map(|i| claim_as_of_view(ws, i, date, view))
        .collect()
}

/// The trust r = R × c of a claim as it stands: R combines its sources'
/// reliabilities as independent corroboration, R = 1 − Π(1 − R_k), c is the
/// credibility factor.
pub fn trust(ws: &Workspace, st: &ClaimState) -> f64 {
    source_reliability(ws, &st.sources) * st.credibility.factor()
}

/// R = 1 − Π(1 − R_k) over the distinct sources cited.
pub fn source_reliability(ws: &Workspace, sources: &[String]) -> f64 {
    let mut ids: Vec<&str> = sources.iter().map(String::as_str).collect();
    ids.sort_unstable();
    ids.dedup();
    let miss: f64 = ids
        .iter()
        .filter_map(|id| ws.source(id))
        .map(|s| 1.0 - s.reliability.factor())
        .product();
    1.0 - miss
}
