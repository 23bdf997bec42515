//! Several analysts rating the same claims: per-cell consensus and
//! disagreement after Open Synthesis (`openach/metrics.py`), and the rating
//! each analyst's own view uses. Formulas: docs/scoring.md.

use crate::model::*;

/// Whose ratings an assessment uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View<'a> {
    /// The ratings the engines use: `[claim.ratings]` if written, else the
    /// analysts' consensus.
    #[default]
    Team,
    /// One analyst's ratings, the consensus where they gave none.
    Analyst(&'a str),
}

/// Sample standard deviation; 0 for fewer than two values.
fn sample_stdev(xs: &[f64]) -> f64 {
    if xs.len() < 2 {
        return 0.0;
    }
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
}

/// Disagreement over a cell, or `None` when nobody voted: the larger of the
/// sample standard deviation of `[0]×(NA votes) + [1]×(rated votes)` and the
/// sample standard deviation of the rated votes (a single value counts 0).
pub(crate) fn disagreement(votes: &[Rating]) -> Option<f64> {
    if votes.is_empty() {
        return None;
    }
    let applicable: Vec<f64> = votes
        .iter()
        .map(|r| if *r == Rating::NA { 0.0 } else { 1.0 })
        .collect();
    let rated: Vec<f64> = votes
        .iter()
        .filter(|r| **r != Rating::NA)
        .map(|r| r.vote() as f64)
        .collect();
    Some(sample_stdev(&applicable).max(sample_stdev(&rated)))
}

/// Open Synthesis's label for a disagreement: < 0.5 consensus, < 1.5 mild
/// dispute, < 2.0 large dispute, else extreme dispute.
pub(crate) fn dispute_label(d: f64) -> &'static str {
    if d < 0.5 {
        "consensus"
    } else if d < 1.5 {
        "mild dispute"
    } else if d < 2.0 {
        "large dispute"
    } else {
        "extreme dispute"
    }
}

/// A claim's ratings before revisions, in scenario order, for a view.
///
/// Team: the claim's ratings (`[claim.ratings]`, else the consensus). An
/// analyst: their own rating of the cell, else the consensus of the analysts
/// who rated it, else the claim's rating.
pub(crate) fn base_ratings(ws: &Workspace, claim: &Claim, view: View<'_>) -> Vec<Rating> {
    (0..ws.scenarios.len())
        .map(|j| {
            let team = claim.ratings.get(j).unwrap_or(Rating::NA);
            match view {
                View::Team => team,
                View::Analyst(name) => {
                    let cell = votes(claim, j);
                    if let Some((_, r)) = cell.iter().find(|(a, _)| *a == name) {
                        *r
                    } else {
                        let v: Vec<Rating> = cell.into_iter().map(|x| x.1).collect();
                        consensus(&v).unwrap_or(team)
                    }
                }
            }
        })
        .collect()
}

/// One disputed cell.
#[derive(Debug, Clone)]
pub(crate) struct Cell {
    /// Index into `Workspace::claims`.
    pub claim: usize,
    /// Index into `Workspace::scenarios`.
    pub scenario: usize,
    pub votes: Vec<(String, Rating)>,
    pub consensus: Rating,
    pub disagreement: f64,
    pub label: &'static str,
}

/// Every cell rated by analysts, with its consensus and disagreement.
pub(crate) fn cells(ws: &Workspace) -> Vec<Cell> {
    let mut out = Vec::new();
    for (ci, c) in ws.claims.iter().enumerate() {
        if c.assessments.is_empty() {
            continue;
        }
        for j in 0..ws.scenarios.len() {
            let v = votes(c, j);
            let r: Vec<Rating> = v.iter().map(|x| x.1).collect();
            let (Some(cons), Some(d)) = (consensus(&r), disagreement(&r)) else {
                continue;
            };
            out.push(Cell {
                claim: ci,
                scenario: j,
                votes: v.into_iter().map(|(a, r)| (a.to_string(), r)).collect(),
                consensus: cons,
                disagreement: d,
                label: dispute_label(d),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use Rating::*;

    // The cases of Open Synthesis's openach/tests/test_metrics.py.

    #[test]
    fn no_votes_no_consensus_and_no_disagreement() {
        assert_eq!(consensus(&[]), None);
        assert_eq!(disagreement(&[]), None);
    }

    #[test]
    fn single_vote_is_its_own_consensus() {
        assert_eq!(consensus(&[NA]), Some(NA));
        assert_eq!(consensus(&[C]), Some(C));
    }

    #[test]
    fn equal_na_and_rated_gives_the_rating() {
        for v in [II, N, CC] {
            assert_eq!(consensus(&[v, NA]), Some(v));
            assert_eq!(consensus(&[NA, v]), Some(v));
        }
        assert_eq!(consensus(&[NA, NA, C]), Some(NA));
    }

    #[test]
    fn ties_round_toward_neutral() {
        assert_eq!(consensus(&[C, CC]), Some(C));
        assert_eq!(consensus(&[I, II]), Some(I));
        // Where Python's round (ties to even) would go the other way.
        assert_eq!(consensus(&[I, N]), Some(N)); // 2.5 → 3, not 2
        assert_eq!(consensus(&[N, C]), Some(N)); // 3.5 → 3, not 4
        assert_eq!(consensus(&[II, I]), Some(I)); // 1.5 → 2
        assert_eq!(consensus(&[C, CC, NA]), Some(C));
        // Not a tie: nearest level.
        assert_eq!(consensus(&[CC, CC, I]), Some(C)); // 4.0
        assert_eq!(consensus(&[CC, C, C]), Some(C)); // 4.33
        assert_eq!(consensus(&[CC, CC, C]), Some(CC)); // 4.67
        assert_eq!(consensus(&[II, CC]), Some(N)); // 3.0
    }

    #[test]
    fn single_or_same_votes_have_zero_disagreement() {
        for v in Rating::ALL {
            assert_eq!(disagreement(&[v]), Some(0.0));
            assert_eq!(disagreement(&[v, v]), Some(0.0));
        }
    }

    #[test]
    fn extreme_votes_disagree_more() {
        let small = disagreement(&[C, I]).unwrap();
        let large = disagreement(&[II, CC]).unwrap();
        assert!(large > small);
        // By hand: stdev(4, 2) = √2; stdev(1, 5) = √8.
        assert!((small - 2f64.sqrt()).abs() < 1e-12);
        assert!((large - 8f64.sqrt()).abs() < 1e-12);
        assert_eq!(dispute_label(small), "mild dispute");
        assert_eq!(dispute_label(large), "extreme dispute");
    }

    #[test]
    fn na_disagreement() {
        // [0, 1]: sample stdev √0.5 ≈ 0.7071; rated alone: one value → 0.
        let d = disagreement(&[NA, C]).unwrap();
        assert!((d - 0.5f64.sqrt()).abs() < 1e-12);
        assert_eq!(dispute_label(d), "mild dispute");
        // [0, 1, 1] → 0.57735; rated [4, 4] → 0.
        let d = disagreement(&[NA, C, C]).unwrap();
        assert!((d - (1.0f64 / 3.0).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn labels() {
        assert_eq!(dispute_label(0.0), "consensus");
        assert_eq!(dispute_label(0.4999), "consensus");
        assert_eq!(dispute_label(0.5), "mild dispute");
        assert_eq!(dispute_label(1.5), "large dispute");
        assert_eq!(dispute_label(2.0), "extreme dispute");
    }
}
