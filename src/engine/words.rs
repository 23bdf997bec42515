//! Words for numbers: ICD 203 expressions of likelihood, the confidence rule,
//! and a probability in percent (part of the diff's JSON, so computed here).

use serde::Serialize;

/// Percent with no decimals, but never "0%" or "100%" for a non-extreme value.
pub(crate) fn percent(p: f64) -> String {
    let v = (p * 100.0).round();
    if v <= 0.0 && p > 0.0 {
        "<1%".into()
    } else if v >= 100.0 && p < 1.0 {
        ">99%".into()
    } else {
        format!("{v:.0}%")
    }
}

/// An ICD 203 expression of likelihood with its range in percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) struct Likelihood {
    pub term: &'static str,
    pub low: u8,
    pub high: u8,
}

impl Likelihood {
    /// "likely [55–80%]".
    pub(crate) fn with_range(&self) -> String {
        format!("{} [{}–{}%]", self.term, self.low, self.high)
    }
}

/// The ICD 203 term for a probability. Bands are half-open away from the
/// middle: p < 0.05 almost no chance, < 0.20 very unlikely, < 0.45 unlikely,
/// 0.45–0.55 (both ends) roughly even chance, ≤ 0.80 likely, ≤ 0.95 very likely,
/// above 0.95 almost certain. Values below 1% or above 99% keep the end terms.
pub(crate) fn icd203(p: f64) -> Likelihood {
    let (term, low, high) = if p < 0.05 {
        ("almost no chance", 1, 5)
    } else if p < 0.20 {
        ("very unlikely", 5, 20)
    } else if p < 0.45 {
        ("unlikely", 20, 45)
    } else if p <= 0.55 {
        ("roughly even chance", 45, 55)
    } else if p <= 0.80 {
        ("likely", 55, 80)
    } else if p <= 0.95 {
        ("very likely", 80, 95)
    } else {
        ("almost certain", 95, 99)
    };
    Likelihood { term, low, high }
}

/// The position of `p`'s ICD 203 term on the scale, 0 (almost no chance) to
/// 6 (almost certain).
pub(crate) fn icd203_index(p: f64) -> usize {
    const TERMS: [&str; 7] = [
        "almost no chance",
        "very unlikely",
        "unlikely",
        "roughly even chance",
        "likely",
        "very likely",
        "almost certain",
    ];
    let t = icd203(p).term;
    TERMS.iter().position(|x| *x == t).unwrap_or(0)
}

/// Analytic confidence, stated apart from likelihood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Confidence {
    Low,
    Moderate,
    High,
}

impl Confidence {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Moderate => "moderate",
            Confidence::High => "high",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_and_edges() {
        assert_eq!(icd203(0.0).term, "almost no chance");
        assert_eq!(icd203(0.05).term, "very unlikely");
        assert_eq!(icd203(0.45).term, "roughly even chance");
        assert_eq!(icd203(0.55).term, "roughly even chance");
        assert_eq!(icd203(0.5501).term, "likely");
        assert_eq!(icd203(0.8).with_range(), "likely [55–80%]");
        assert_eq!(icd203(0.96).term, "almost certain");
    }
}
