//! PARC ACH / Heuer inconsistency scores. Formulas: docs/scoring.md.

use crate::model::*;

/// Weighted inconsistency of one cell: credibility weight × relevance weight × value.
pub(crate) fn weighted(rating: Rating, credibility: Credibility, relevance: Relevance) -> f64 {
    factor(credibility, relevance) * rating.inconsistency() as f64
}

/// Credibility weight × relevance weight: a rating's weighted inconsistency
/// is this times its value.
pub(crate) fn factor(credibility: Credibility, relevance: Relevance) -> f64 {
    credibility.ach_weight() * relevance.weight()
}

/// Whether a row says anything: not every rating the same.
pub(crate) fn row_varies(ratings: &[Rating]) -> bool {
    ratings.windows(2).any(|w| w[0] != w[1])
}

#[cfg(test)]
mod tests {
    use super::*;
    use Rating::*;

    #[test]
    fn hand_computed_matrix() {
        // Three claims against two hypotheses.
        //   e1: cred 2 (√2), high (√2):   H1 = I  → 2·1 = 2;     H2 = C  → 0
        //   e2: cred 4 (1/√2), medium (1): H1 = II → 2/√2 = √2; H2 = I  → 1/√2
        //   e3: cred 6 (1), low (1/√2):   H1 = N  → 0;          H2 = II → 2/√2 = √2
        // H1: plain 1 + 2 = 3, weighted 2 + √2 = 3.414213562…
        // H2: plain 1 + 2 = 3, weighted 1/√2 + √2 = 2.121320343…
        let rows = [
            ([I, C], Credibility(2), Relevance::High),
            ([II, I], Credibility(4), Relevance::Medium),
            ([N, II], Credibility(6), Relevance::Low),
        ];
        let mut w = [0.0; 2];
        let mut plain = [0u32; 2];
        for (r, c, rel) in rows {
            for j in 0..2 {
                w[j] += weighted(r[j], c, rel);
                plain[j] += r[j].inconsistency();
            }
        }
        assert_eq!(plain, [3, 3]);
        assert!((w[0] - 3.414_213_562_373_095).abs() < 1e-12);
        assert!((w[1] - 2.121_320_343_559_643).abs() < 1e-12);
    }

    #[test]
    fn varies() {
        assert!(!row_varies(&[C, C, C]));
        assert!(row_varies(&[C, C, NA]));
    }
}
