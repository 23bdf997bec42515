//! An assessment brought up to date after some claims of the workspace were
//! replaced (`kzclaims lsp` and `serve`, after an edit): the rows of the
//! claims that stayed are kept, moved to their new indices; only the new
//! claims' rows are computed, and the totals and scores summed again over
//! all rows in order, so that the result is the one [`super::assess`] gives
//! for the patched workspace, to the bit.

use super::{row, state, Assessment, Row};
use crate::model::Workspace;

/// How the claims moved: for each claim index before, its index after
/// (`u32::MAX`: taken out); the indices after of the claims put in,
/// ascending; whether the group names changed.
pub(crate) struct Moved<'a> {
    pub(crate) old_to_new: &'a [u32],
    pub(crate) inserted: &'a [usize],
    pub(crate) groups_changed: bool,
}

/// `old` (an assessment of the workspace before the claims moved, as of
/// the same date, with the same engine, config and scenarios) for `ws` as
/// it is now.
pub(crate) fn reassess(ws: &Workspace, old: Assessment, moved: &Moved<'_>) -> Assessment {
    let Assessment {
        as_of,
        engine,
        rows: old_rows,
        ..
    } = old;
    let kept = old_rows.into_iter().filter_map(|mut r| {
        let to = *moved.old_to_new.get(r.state.claim)?;
        if to == u32::MAX {
            return None;
        }
        r.state.claim = to as usize;
        if moved.groups_changed {
            r.group = ws.group_index(r.state.claim);
        }
        Some(r)
    });
    let fresh: Vec<Row> = moved
        .inserted
        .iter()
        .filter_map(|&i| Some(row(ws, state::claim_as_of(ws, i, as_of)?, engine)))
        .collect();
    // Both in claim order: merged, the rows are in claim order, as
    // `assess` gives them.
    let mut rows = Vec::with_capacity(ws.claims.len().min(moved.old_to_new.len() + fresh.len()));
    let mut fresh = fresh.into_iter().peekable();
    for r in kept {
        while fresh.peek().is_some_and(|f| f.state.claim < r.state.claim) {
            rows.push(fresh.next().expect("peeked"));
        }
        rows.push(r);
    }
    rows.extend(fresh);
    super::assessment_of(ws, as_of, engine, rows)
}
