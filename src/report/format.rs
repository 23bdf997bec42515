//! Shared formatting of numbers for every output: a probability in percent
//! (written by the engine, since the diff's JSON carries it) and a score with
//! fixed decimals. A leaf module: it imports nothing else from `report`, so
//! any view or the memo may use it. Escaping is [`crate::report::escape`].

pub(crate) use crate::engine::words::percent;

/// A number for the table; −∞ (a probability of 0 on what happened) spelt out.
pub(crate) fn num(x: f64, decimals: usize) -> String {
    if x == f64::NEG_INFINITY {
        "-inf".into()
    } else {
        format!("{x:.decimals$}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_never_rounds_to_the_extremes() {
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.004), "<1%");
        assert_eq!(percent(0.5), "50%");
        assert_eq!(percent(0.996), ">99%");
        assert_eq!(percent(1.0), "100%");
    }

    #[test]
    fn num_has_fixed_decimals_and_writes_minus_infinity() {
        assert_eq!(num(0.12345, 3), "0.123");
        assert_eq!(num(2.0, 1), "2.0");
        assert_eq!(num(f64::NEG_INFINITY, 3), "-inf");
    }
}
