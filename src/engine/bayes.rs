//! The Bayesian engine: ratings as likelihoods, discounted by trust, tempered by
//! relevance, combined in log space. Formulas: docs/scoring.md.

use crate::model::*;

/// log L'' per scenario for one claim, or `None` when every rating is NA.
///
/// L_j is the rating's likelihood (NA: the mean of the row's other
/// likelihoods); L'_j = r·L_j + (1 − r)·mean(L); log L''_j = w_rel · log L'_j.
pub(crate) fn log_likelihoods(
    lik: &Likelihoods,
    ratings: &[Rating],
    trust: f64,
    relevance: Relevance,
) -> Option<Vec<f64>> {
    let mut out = Vec::with_capacity(ratings.len());
    log_likelihoods_into(lik, ratings, trust, relevance, &mut out).then_some(out)
}

/// [`log_likelihoods`] into a buffer (cleared first); `false` when every
/// rating is NA.
pub(crate) fn log_likelihoods_into(
    lik: &Likelihoods,
    ratings: &[Rating],
    trust: f64,
    relevance: Relevance,
    out: &mut Vec<f64>,
) -> bool {
    out.clear();
    // Σ and count of the rated likelihoods in one pass (summed as `Iterator::sum` does).
    let (sum, n) = ratings
        .iter()
        .filter_map(|r| lik.of(*r))
        .fold((-0.0, 0usize), |(s, n), l| (s + l, n + 1));
    if n == 0 {
        return false;
    }
    let mean = sum / n as f64;
    let w = relevance.weight();
    out.extend(ratings.iter().map(|r| {
        let l = lik.of(*r).unwrap_or(mean);
        let l1 = trust * l + (1.0 - trust) * mean;
        w * l1.ln()
    }));
    true
}

/// Diagnosticity of a row: max_j log L''_j − min_j log L''_j.
pub(crate) fn spread(log_l: &[f64]) -> f64 {
    let max = log_l.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let min = log_l.iter().copied().fold(f64::INFINITY, f64::min);
    if log_l.is_empty() {
        0.0
    } else {
        max - min
    }
}

/// Normalise log weights into probabilities with log-sum-exp.
pub(crate) fn normalise(log_w: &[f64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(log_w.len());
    normalise_into(log_w, &mut out);
    out
}

/// [`normalise`] into a buffer (cleared first).
pub(crate) fn normalise_into(log_w: &[f64], out: &mut Vec<f64>) {
    out.clear();
    let max = log_w.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        out.resize(log_w.len(), 1.0 / log_w.len().max(1) as f64);
        return;
    }
    let lse = max + log_w.iter().map(|x| (x - max).exp()).sum::<f64>().ln();
    out.extend(log_w.iter().map(|x| (x - lse).exp()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use Rating::*;

    #[test]
    fn full_trust_medium_relevance_is_plain_log() {
        let l = log_likelihoods(&Likelihoods::default(), &[CC, I], 1.0, Relevance::Medium).unwrap();
        assert!((l[0] - 0.95f64.ln()).abs() < 1e-15);
        assert!((l[1] - 0.2f64.ln()).abs() < 1e-15);
    }

    #[test]
    fn hand_computed_discount_na_and_relevance() {
        // Ratings C, NA, II; trust 0.48 (source B 0.8 × credibility 3 0.6); high relevance.
        // L = 0.8, (0.8+0.05)/2 = 0.425, 0.05; mean over the row = 0.425.
        // L' = 0.48·L + 0.52·0.425 → 0.605, 0.425, 0.245.
        // log L'' = √2 · ln L'.
        let l =
            log_likelihoods(&Likelihoods::default(), &[C, NA, II], 0.48, Relevance::High).unwrap();
        let s2 = std::f64::consts::SQRT_2;
        let want = [s2 * 0.605f64.ln(), s2 * 0.425f64.ln(), s2 * 0.245f64.ln()];
        for (a, b) in l.iter().zip(want) {
            assert!((a - b).abs() < 1e-12, "{a} vs {b}");
        }
        // by hand: −0.710680…, −1.210095…, −1.989087…
        assert!((l[0] - (-0.710_680_2)).abs() < 1e-6, "{}", l[0]);
        assert!((l[2] - (-1.989_087_2)).abs() < 1e-6, "{}", l[2]);
    }

    #[test]
    fn all_na_is_skipped_and_zero_trust_is_flat() {
        assert!(
            log_likelihoods(&Likelihoods::default(), &[NA, NA], 1.0, Relevance::High).is_none()
        );
        let l =
            log_likelihoods(&Likelihoods::default(), &[CC, II], 0.0, Relevance::Medium).unwrap();
        assert_eq!(spread(&l), 0.0);
    }

    #[test]
    fn normalise_sums_to_one() {
        let p = normalise(&[-1000.0, -1001.0, f64::NEG_INFINITY]);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert_eq!(p[2], 0.0);
        assert!((p[0] / p[1] - 1f64.exp()).abs() < 1e-9);
    }
}
