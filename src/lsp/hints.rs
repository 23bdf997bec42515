//! What a claim does to the assessment as of the workspace date, and the
//! inlay hint after each claim's id that shows its largest effect.
//!
//! A claim's effect on scenario j is p_j − p'_j: the posterior probability
//! with the claim minus the posterior with the claim taken out of its group's
//! mean (or out of the sum, in a group of its own), at the workspace's
//! evidence weight η — the same sums the assessment is made of
//! (docs/scoring.md; [`crate::engine::Totals::group_delta`]).

use super::store::Store;
use lsp_types::{InlayHint, InlayHintKind, InlayHintLabel, Range};

/// Per scenario (workspace order): the probability with the claim, and its
/// effect p − p'. `None` when the claim is not in force as of the date.
pub(super) fn effects(store: &Store, claim: usize) -> Option<(Vec<f64>, Vec<f64>)> {
    let ws = store.ws()?;
    let a = store.assessment()?;
    let totals = store.totals()?;
    let row = &a.rows[store.row_of(claim)?];
    let log_l = row.log_l.as_deref()?;
    let priors = ws.priors();
    let eta = ws.config.evidence_weight;
    let with = totals.posterior_at(&priors, eta);
    let d = totals.group_delta(row.group, &[log_l], &[]);
    let mut without = totals.detached();
    for (t, x) in without.log_l.iter_mut().zip(&d) {
        *t += x;
    }
    let without = without.posterior_at(&priors, eta);
    let effect = with.iter().zip(&without).map(|(p, q)| p - q).collect();
    Some((with, effect))
}

/// `elite-coup +0.12`: the scenario the claim moves most, and by how much.
pub(super) fn largest(store: &Store, claim: usize) -> Option<String> {
    let ws = store.ws()?;
    let (_, eff) = effects(store, claim)?;
    let (j, e) = eff
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))?;
    Some(format!("{} {e:+.2}", ws.scenarios[j].id))
}

pub(super) fn inlay_hints(store: &Store, rel: &str, range: Range) -> Vec<InlayHint> {
    let Some(doc) = store.docs.get(rel) else {
        return Vec::new();
    };
    let (from, to) = (
        doc.lines.offset(&doc.text, range.start),
        doc.lines.offset(&doc.text, range.end),
    );
    let mut out = Vec::new();
    for t in &doc.syntax(rel).tokens {
        if !(t.def && t.kind == super::syntax::Kind::Claim)
            || t.span.end < from
            || t.span.start > to
        {
            continue;
        }
        let Some(c) = store.claim_index(&t.id) else {
            continue;
        };
        let Some(label) = largest(store, c) else {
            continue;
        };
        // After the closing quote.
        let at = (t.span.end + 1).min(doc.text.len());
        out.push(InlayHint {
            position: doc.lines.position(&doc.text, at),
            label: InlayHintLabel::String(label),
            kind: Some(InlayHintKind::TYPE),
            text_edits: None,
            tooltip: Some(lsp_types::InlayHintTooltip::String(
                "largest change of a scenario's probability this claim makes, as of the workspace date".into(),
            )),
            padding_left: Some(true),
            padding_right: None,
            data: None,
        });
    }
    out
}
