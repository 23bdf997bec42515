//! Analytic confidence with its reasons (docs/scoring.md, "Confidence").
//!
//! ICD 203 asks confidence to rest on the quality and corroboration of the
//! sources and on the strength of the argument, and to say why. The rule reads
//! the evidence that carries the leader's margin over the runner-up (the items
//! whose removal would narrow it), how many sources and independent origins
//! stand behind that margin and how much of it leans on one of them, how wide
//! the leader's band is, how many analysts rated that evidence and how much
//! they dispute it, whether the memo is a reconstruction, and whether the two
//! engines and the two ends of the band name the same leader.

use super::sensitivity::{ItemKind, Sensitivity};
use super::words::{self, Confidence};
use super::{analysts, Assessment, TIE_EPS};
use crate::model::*;
use std::collections::{BTreeMap, BTreeSet};

/// One item that favours the leader over the runner-up.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MarginItem {
    /// Its contribution to the margin (> 0).
    pub contribution: f64,
    /// Source ids it cites (none for an observed indicator).
    pub sources: Vec<String>,
    /// The distinct origins of those sources (a source's `origin`, else its id).
    pub origins: Vec<String>,
    /// How many analysts rated it (1 when the ratings are nobody's in particular).
    pub analysts: usize,
}

/// What the rule reads.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Inputs {
    /// The items favouring the leader over the runner-up.
    pub items: Vec<MarginItem>,
    /// Whether anything separates the leader from the runner-up (false for an
    /// empty record, a tie, or a single scenario).
    pub separated: bool,
    /// The leader's probability and its band (either order).
    pub probability: f64,
    pub band: [f64; 2],
    /// Whether the Bayesian leader is the same at both ends of the band.
    pub band_leader_holds: bool,
    /// Whether both engines put the same scenario first.
    pub engines_agree: bool,
    /// Of the analysts' cells (leader and runner-up columns of the items)
    /// rated by two analysts or more, the share not in consensus.
    pub disputed_share: f64,
    /// The counts behind it: [disputed cells, shared cells].
    pub disputed_cells: [usize; 2],
    /// The memo is reconstructed after the fact (records first written down
    /// after the date the memo speaks for).
    pub reconstruction: bool,
}

/// Why confidence is not higher (or, for [`Reason::Separated`] alone, why it is high).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Reason {
    /// Nothing separates the leader from the runner-up.
    NoSeparation,
    /// The two engines put different scenarios first.
    EnginesDisagree,
    /// The leader changes between the two ends of the band.
    LeadChangesWithDependence,
    /// Every item carrying the margin comes from one origin.
    OneOrigin { origin: String },
    /// One source is cited by the items carrying more than half the margin.
    SourceDominates { sources: Vec<(String, f64)> },
    /// Fewer than [`MIN_ORIGINS`] independent origins behind the margin.
    FewOrigins { origins: usize },
    /// Items whose sources all share one origin carry more than half the margin.
    Uncorroborated { share: f64 },
    /// The band reaches below "likely" or spans more than two ICD 203 words.
    WideBand { low: f64, high: f64 },
    /// Items rated by two analysts or more carry less than half the margin.
    OneAnalyst { share: f64 },
    /// The analysts dispute more than a quarter of the cells they both rated
    /// (`cells`: [disputed, shared], as in [`Inputs::disputed_cells`]).
    Disputed { share: f64, cells: [usize; 2] },
    /// The memo is a reconstruction.
    Reconstruction,
}

impl Reason {
    /// Whether this reason alone makes confidence low.
    pub(crate) fn is_decisive(&self) -> bool {
        matches!(
            self,
            Reason::NoSeparation
                | Reason::EnginesDisagree
                | Reason::LeadChangesWithDependence
                | Reason::OneOrigin { .. }
        )
    }
}

/// The figures the rule computed, for the memo and the tests.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Figures {
    /// Distinct sources and origins behind the margin.
    pub sources: usize,
    pub origins: usize,
    /// Share of the margin carried by items citing each source, largest first
    /// (ties by id).
    pub source_shares: Vec<(String, f64)>,
    /// Share of the margin carried by items whose sources share one origin.
    pub single_origin_share: f64,
    /// Share of the margin carried by items rated by two analysts or more.
    pub second_look_share: f64,
}

/// The rule's verdict.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Verdict {
    pub level: Confidence,
    /// Empty for high confidence.
    pub reasons: Vec<Reason>,
    pub figures: Figures,
}

/// Fewest independent origins behind the margin for high confidence.
pub(crate) const MIN_ORIGINS: usize = 3;
/// Share of the margin above which one source, or single-origin items, "carry" it.
pub(crate) const DOMINANT_SHARE: f64 = 0.5;
/// Share of the analysts' shared cells in dispute above which the dispute counts.
pub(crate) const DISPUTE_SHARE: f64 = 0.25;
/// Concerns that make confidence low even when none is decisive.
pub(crate) const LOW_CONCERNS: usize = 5;

/// Apply the rule (docs/scoring.md, "Confidence").
pub(crate) fn rule(x: &Inputs) -> Verdict {
    let total: f64 = x.items.iter().map(|i| i.contribution.max(0.0)).sum();
    let mut fig = Figures::default();
    let mut reasons = Vec::new();
    if !x.separated || total <= TIE_EPS {
        // Nothing to judge the sources or the band of: that alone is said.
        return Verdict {
            level: Confidence::Low,
            reasons: vec![Reason::NoSeparation],
            figures: fig,
        };
    }
    if !x.engines_agree {
        reasons.push(Reason::EnginesDisagree);
    }
    if !x.band_leader_holds {
        reasons.push(Reason::LeadChangesWithDependence);
    }
    if total > TIE_EPS {
        let mut by_source: BTreeMap<&str, f64> = BTreeMap::new();
        let mut origins: BTreeSet<&str> = BTreeSet::new();
        let (mut single, mut second) = (0.0, 0.0);
        for i in &x.items {
            let c = i.contribution.max(0.0) / total;
            let distinct: BTreeSet<&str> = i.sources.iter().map(String::as_str).collect();
            for s in distinct {
                *by_source.entry(s).or_default() += c;
            }
            origins.extend(i.origins.iter().map(String::as_str));
            if i.origins.len() == 1 {
                single += c;
            }
            if i.analysts >= 2 {
                second += c;
            }
        }
        let mut shares: Vec<(String, f64)> = by_source
            .into_iter()
            .map(|(s, v)| (s.to_string(), v))
            .collect();
        shares.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        fig = Figures {
            sources: shares.len(),
            origins: origins.len(),
            source_shares: shares,
            single_origin_share: single,
            second_look_share: second,
        };
        if origins.len() == 1 {
            reasons.push(Reason::OneOrigin {
                origin: origins.first().unwrap_or(&"").to_string(),
            });
        } else if origins.len() < MIN_ORIGINS {
            reasons.push(Reason::FewOrigins {
                origins: origins.len(),
            });
        }
        if fig
            .source_shares
            .first()
            .is_some_and(|s| s.1 > DOMINANT_SHARE)
        {
            // The dominant source, and a second one if it carries a quarter or more.
            let named = fig
                .source_shares
                .iter()
                .take(2)
                .enumerate()
                .filter(|(k, s)| *k == 0 || s.1 >= 0.25)
                .map(|(_, s)| s.clone())
                .collect();
            reasons.push(Reason::SourceDominates { sources: named });
        }
        if origins.len() > 1 && single > DOMINANT_SHARE {
            reasons.push(Reason::Uncorroborated { share: single });
        }
        if second < 0.5 {
            reasons.push(Reason::OneAnalyst { share: second });
        }
    }
    let low = x.band[0].min(x.band[1]).min(x.probability);
    let high = x.band[0].max(x.band[1]).max(x.probability);
    if low < 0.55 || words::icd203_index(high) - words::icd203_index(low) > 1 {
        reasons.push(Reason::WideBand { low, high });
    }
    if x.disputed_share > DISPUTE_SHARE {
        reasons.push(Reason::Disputed {
            share: x.disputed_share,
            cells: x.disputed_cells,
        });
    }
    if x.reconstruction {
        reasons.push(Reason::Reconstruction);
    }
    let level = if reasons.iter().any(Reason::is_decisive) || reasons.len() >= LOW_CONCERNS {
        Confidence::Low
    } else if reasons.is_empty() {
        Confidence::High
    } else {
        Confidence::Moderate
    };
    Verdict {
        level,
        reasons,
        figures: fig,
    }
}

/// The rule's inputs for an assessment and its sensitivity analysis.
/// `reconstruction` says whether the memo is reconstructed after the fact.
pub(crate) fn inputs(
    ws: &Workspace,
    a: &Assessment,
    s: &Sensitivity,
    engines_agree: bool,
    reconstruction: bool,
) -> Inputs {
    let leader = s.leader;
    let rows: std::collections::HashMap<usize, &super::Row> =
        a.rows.iter().map(|r| (r.state.claim, r)).collect();
    let mut items = Vec::new();
    let mut claims = Vec::new();
    for e in &s.effects {
        if e.contribution <= TIE_EPS {
            continue;
        }
        match e.kind {
            ItemKind::Claim(c) => {
                // The sources published by the assessment's date.
                let srcs: Vec<String> = match rows.get(&c) {
                    Some(r) => r.state.sources(ws),
                    None => &ws.claims[c].sources[..],
                }
                .iter()
                .filter(|s| ws.source(s).is_none_or(|x| x.published_by(a.as_of)))
                .cloned()
                .collect();
                let origins: BTreeSet<String> = srcs
                    .iter()
                    .map(|id| {
                        ws.source(id)
                            .map(|x| x.effective_origin().to_string())
                            .unwrap_or_else(|| id.clone())
                    })
                    .collect();
                let names: BTreeSet<&str> = ws.claims[c]
                    .assessments
                    .iter()
                    .map(|x| x.analyst.as_str())
                    .collect();
                claims.push(c);
                items.push(MarginItem {
                    contribution: e.contribution,
                    sources: srcs,
                    origins: origins.into_iter().collect(),
                    analysts: names.len().max(1),
                });
            }
            ItemKind::Indicator { .. } => items.push(MarginItem {
                contribution: e.contribution,
                sources: Vec::new(),
                origins: vec![format!("observation:{}", e.kind.label(ws))],
                analysts: 1,
            }),
        }
    }
    // Dispute over the cells that decide between leader and runner-up.
    let cols: Vec<usize> = std::iter::once(leader).chain(s.runner_up).collect();
    claims.sort_unstable();
    let (mut shared, mut disputed) = (0usize, 0usize);
    for cell in analysts::cells(ws) {
        if cell.votes.len() < 2
            || !cols.contains(&cell.scenario)
            || claims.binary_search(&cell.claim).is_err()
        {
            continue;
        }
        shared += 1;
        if cell.label != "consensus" {
            disputed += 1;
        }
    }
    let sc = &a.scores[leader];
    let (lo, hi) = a.band_leaders(ws);
    Inputs {
        items,
        separated: s.runner_up.is_some() && !s.tied,
        probability: sc.probability,
        band: sc.band,
        band_leader_holds: lo == Some(leader) && hi == Some(leader),
        engines_agree,
        disputed_share: if shared == 0 {
            0.0
        } else {
            disputed as f64 / shared as f64
        },
        disputed_cells: [disputed, shared],
        reconstruction,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(c: f64, sources: &[&str], origins: &[&str], analysts: usize) -> MarginItem {
        MarginItem {
            contribution: c,
            sources: sources.iter().map(|s| s.to_string()).collect(),
            origins: origins.iter().map(|s| s.to_string()).collect(),
            analysts,
        }
    }

    /// A record that earns high confidence: four origins, none carrying
    /// more than half the margin, two analysts on most of it, agreeing,
    /// a band from 70% to 90% (likely to very likely).
    fn high() -> Inputs {
        Inputs {
            items: vec![
                item(0.4, &["reuters", "ap"], &["reuters", "ap"], 2),
                item(0.3, &["bbc"], &["bbc"], 2),
                item(0.2, &["afp", "kaztag"], &["afp", "kaztag"], 1),
                item(0.1, &["kaztag"], &["kaztag"], 1),
            ],
            separated: true,
            probability: 0.82,
            band: [0.70, 0.90],
            band_leader_holds: true,
            engines_agree: true,
            disputed_share: 0.2,
            disputed_cells: [0, 0],
            reconstruction: false,
        }
    }

    #[test]
    fn high_when_earned() {
        let v = rule(&high());
        assert_eq!(v.level, Confidence::High, "{:?}", v.reasons);
        assert!(v.reasons.is_empty());
        assert_eq!(v.figures.sources, 5);
        assert_eq!(v.figures.origins, 5);
        // ap and reuters 0.4 each (ties by id); single-origin items: bbc
        // 0.3 and kaztag 0.1.
        assert!((v.figures.source_shares[0].1 - 0.4).abs() < 1e-12);
        assert_eq!(v.figures.source_shares[0].0, "ap");
        assert!((v.figures.single_origin_share - 0.4).abs() < 1e-12);
        assert!((v.figures.second_look_share - 0.7).abs() < 1e-12);
    }

    #[test]
    fn high_needs_each_condition() {
        // reuters at 0.6 of the margin is more than half: one source dominates.
        let mut x = high();
        x.items[2] = item(0.2, &["reuters", "kaztag"], &["reuters", "kaztag"], 1);
        let v = rule(&x);
        assert_eq!(v.level, Confidence::Moderate);
        assert!(
            matches!(&v.reasons[0], Reason::SourceDominates { sources } if sources[0].0 == "reuters")
        );
        let changes: [fn(&mut Inputs); 5] = [
            |x: &mut Inputs| x.band = [0.50, 0.90],
            |x: &mut Inputs| x.band = [0.70, 0.97],
            |x: &mut Inputs| x.disputed_share = 0.3,
            |x: &mut Inputs| x.reconstruction = true,
            |x: &mut Inputs| x.items.iter_mut().for_each(|i| i.analysts = 1),
        ];
        for change in changes {
            let mut x = high();
            change(&mut x);
            assert_eq!(rule(&x).level, Confidence::Moderate, "{x:?}");
            assert_eq!(rule(&x).reasons.len(), 1);
        }
        let mut x = high();
        x.reconstruction = true;
        assert_eq!(rule(&x).reasons, vec![Reason::Reconstruction]);
    }

    /// The worked example in docs/scoring.md: moderate, with four concerns.
    #[test]
    fn moderate_example() {
        let x = Inputs {
            items: vec![
                item(0.5, &["cornell"], &["cornell"], 1),
                item(0.3, &["cornell", "akorda"], &["cornell", "akorda"], 1),
                item(0.2, &["akorda", "reuters"], &["akorda", "reuters"], 2),
            ],
            separated: true,
            probability: 0.84,
            band: [0.58, 0.98],
            band_leader_holds: true,
            engines_agree: true,
            disputed_share: 0.0,
            disputed_cells: [0, 0],
            reconstruction: true,
        };
        let v = rule(&x);
        assert_eq!(v.level, Confidence::Moderate);
        assert_eq!(
            v.reasons,
            vec![
                Reason::SourceDominates {
                    sources: vec![("cornell".into(), 0.8), ("akorda".into(), 0.5)]
                },
                Reason::OneAnalyst { share: 0.2 },
                Reason::WideBand {
                    low: 0.58,
                    high: 0.98
                },
                Reason::Reconstruction,
            ]
        );
        assert_eq!(v.figures.origins, 3);
        assert!((v.figures.single_origin_share - 0.5).abs() < 1e-12);
    }

    #[test]
    fn low_cases() {
        // One origin behind everything.
        let mut x = high();
        x.items = vec![
            item(0.6, &["akorda"], &["akorda"], 2),
            item(0.4, &["kazinform"], &["akorda"], 2),
        ];
        let v = rule(&x);
        assert_eq!(v.level, Confidence::Low);
        assert_eq!(
            v.reasons[0],
            Reason::OneOrigin {
                origin: "akorda".into()
            }
        );
        // Engines disagree; the lead changes with dependence; a tie.
        let mut x = high();
        x.engines_agree = false;
        assert_eq!(rule(&x).level, Confidence::Low);
        let mut x = high();
        x.band_leader_holds = false;
        assert_eq!(rule(&x).level, Confidence::Low);
        let mut x = high();
        x.separated = false;
        assert_eq!(rule(&x).reasons, vec![Reason::NoSeparation]);
        assert_eq!(rule(&x).level, Confidence::Low);
        // Empty record: nothing in the margin.
        let mut x = high();
        x.items.clear();
        x.probability = 0.25;
        x.band = [0.25, 0.25];
        x.engines_agree = false;
        let v = rule(&x);
        assert_eq!(v.level, Confidence::Low);
        assert_eq!(v.reasons, vec![Reason::NoSeparation]);
        // Five concerns, none decisive.
        let x = Inputs {
            items: vec![
                item(0.8, &["cornell"], &["cornell"], 1),
                item(0.2, &["reuters"], &["reuters"], 1),
            ],
            separated: true,
            probability: 0.6,
            band: [0.4, 0.8],
            band_leader_holds: true,
            engines_agree: true,
            disputed_share: 0.0,
            disputed_cells: [0, 0],
            reconstruction: false,
        };
        let v = rule(&x);
        assert_eq!(v.reasons.len(), 5, "{:?}", v.reasons);
        assert_eq!(v.level, Confidence::Low);
    }
}
