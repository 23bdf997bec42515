//! K108: ICD 203 likelihood words in rendered text whose stated range or
//! number disagrees with the word: "likely [20–45%]", "unlikely (70%)".

use std::ops::Range;

/// A likelihood word: (term, canonical range as written by kzclaims, band a
/// number may fall in). The end bands are open to 0% and 100% for numbers
/// ("<1%", ">99%").
type Term = (&'static str, (u8, u8), (f64, f64));

const TERMS: &[Term] = &[
    ("almost no chance", (1, 5), (0.0, 5.0)),
    ("remote", (1, 5), (0.0, 5.0)),
    ("very unlikely", (5, 20), (5.0, 20.0)),
    ("highly improbable", (5, 20), (5.0, 20.0)),
    ("unlikely", (20, 45), (20.0, 45.0)),
    ("improbable", (20, 45), (20.0, 45.0)),
    ("roughly even chance", (45, 55), (45.0, 55.0)),
    ("roughly even odds", (45, 55), (45.0, 55.0)),
    ("likely", (55, 80), (55.0, 80.0)),
    ("probable", (55, 80), (55.0, 80.0)),
    ("very likely", (80, 95), (80.0, 95.0)),
    ("highly probable", (80, 95), (80.0, 95.0)),
    ("almost certain", (95, 99), (95.0, 100.0)),
    ("nearly certain", (95, 99), (95.0, 100.0)),
];

/// A word whose number disagrees with it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Mismatch {
    /// Bytes of the word and what follows it.
    pub span: Range<usize>,
    pub message: String,
}

fn skip_spaces(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i] == b' ' {
        i += 1;
    }
    i
}

fn number(t: &str, i: usize) -> Option<(f64, usize)> {
    let rest = &t[i..];
    let len = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let n: f64 = rest[..len].parse().ok()?;
    Some((n, i + len))
}

/// "[lo–hi%]" at `i` (en dash or hyphen): (lo, hi, end).
fn bracket(t: &str, i: usize) -> Option<(f64, f64, usize)> {
    let rest = t.get(i..)?;
    if !rest.starts_with('[') {
        return None;
    }
    let (lo, j) = number(t, i + 1)?;
    let j = if t[j..].starts_with('–') {
        j + '–'.len_utf8()
    } else if t[j..].starts_with('-') {
        j + 1
    } else {
        return None;
    };
    let (hi, k) = number(t, j)?;
    let tail = t.get(k..)?;
    tail.starts_with("%]").then_some((lo, hi, k + 2))
}

/// "(NN%)", "(<1%)" or "(>99%)" at `i`, or the same opening a longer
/// parenthesis, "(NN%; …": (value, end).
fn paren(t: &str, i: usize) -> Option<(f64, usize)> {
    let rest = t.get(i..)?;
    if !rest.starts_with('(') {
        return None;
    }
    let (adj, j) = if rest[1..].starts_with('<') {
        (-0.5, i + 2)
    } else if rest[1..].starts_with('>') {
        (0.5, i + 2)
    } else {
        (0.0, i + 1)
    };
    let (n, k) = number(t, j)?;
    let tail = t.get(k..)?;
    (tail.starts_with("%)") || tail.starts_with("%;")).then_some((n + adj, k + 2))
}

/// ", NN%" (or ", <1%", ", >99%") at `i`, as the memo writes a judgment
/// ("likely, 72% (between …)"): (value, end).
fn comma(t: &str, i: usize) -> Option<(f64, usize)> {
    let rest = t.get(i..)?;
    let j = i + rest.strip_prefix(", ").map(|_| 2)?;
    let (adj, j) = if t[j..].starts_with('<') {
        (-0.5, j + 1)
    } else if t[j..].starts_with('>') {
        (0.5, j + 1)
    } else {
        (0.0, j)
    };
    let (n, k) = number(t, j)?;
    t.get(k..)?.starts_with('%').then_some((n + adj, k + 1))
}

fn fmt_pct(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}

/// Every "word [lo–hi%]" whose range is not the word's, and every
/// "word (NN%)" or "word [lo–hi%] (NN%)" whose number lies outside the word's band.
pub(crate) fn mismatches(text: &str) -> Vec<Mismatch> {
    let lower = text.to_ascii_lowercase();
    let b = lower.as_bytes();
    let mut terms: Vec<&Term> = TERMS.iter().collect();
    terms.sort_by_key(|t| std::cmp::Reverse(t.0.len()));
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let boundary_before = i == 0 || !b[i - 1].is_ascii_alphabetic();
        let hit = boundary_before
            .then(|| {
                terms.iter().find(|(w, _, _)| {
                    lower[i..].starts_with(w)
                        && b.get(i + w.len()).is_none_or(|c| !c.is_ascii_alphabetic())
                })
            })
            .flatten();
        let Some((word, range, band)) = hit else {
            // Advance one character (not byte).
            i += lower[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let start = i;
        let mut j = skip_spaces(b, i + word.len());
        let mut end = i + word.len();
        let mut problems = Vec::new();
        if let Some((lo, hi, k)) = bracket(text, j) {
            if (lo, hi) != (range.0 as f64, range.1 as f64) {
                problems.push(format!(
                    "the range [{}–{}%] is not the range of \"{word}\" ({}–{}%)",
                    fmt_pct(lo),
                    fmt_pct(hi),
                    range.0,
                    range.1
                ));
            }
            end = k;
            j = skip_spaces(b, k);
        }
        if let Some((n, k)) = paren(text, j).or_else(|| comma(text, j)) {
            if n < band.0 || n > band.1 {
                problems.push(format!(
                    "{}% lies outside \"{word}\" ({}–{}%)",
                    fmt_pct(n),
                    range.0,
                    range.1
                ));
            }
            end = k;
        }
        if !problems.is_empty() {
            out.push(Mismatch {
                span: start..end,
                message: format!(
                    "likelihood word and number disagree: \"{}\": {}",
                    &text[start..end],
                    problems.join("; ")
                ),
            });
        }
        i = end.max(i + word.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consistent_text_passes() {
        assert!(mismatches("is likely [55–80%] (61%). Next: unlikely [20–45%] (45%).").is_empty());
        assert!(
            mismatches("very likely, 84% (between 58% and 98%); unlikely, 20 claims").is_empty()
        );
        assert_eq!(
            mismatches("“A”: likely, 84% (between 58% and 98%)").len(),
            1
        );
        assert_eq!(mismatches("unlikely, <1%").len(), 1);
        assert!(
            mismatches("almost no chance [1–5%] (<1%), almost certain [95–99%] (>99%)").is_empty()
        );
        assert!(mismatches("very likely (80%) and very unlikely (20%)").is_empty());
        assert!(mismatches("likely, with no number; unlikelyhood").is_empty());
        assert!(mismatches(
            "likely [55–80%] (72%; 58% if the evidence is strongly dependent, 99% if it were fully independent)"
        )
        .is_empty());
    }

    #[test]
    fn wrong_number_or_range() {
        let m = mismatches("This is likely (30%).");
        assert_eq!(m.len(), 1);
        assert!(
            m[0].message
                .contains("30% lies outside \"likely\" (55–80%)"),
            "{}",
            m[0].message
        );
        assert_eq!(m[0].span, 8..20);
        let m = mismatches("Very likely [55-80%] (61%)");
        assert_eq!(m.len(), 2 - 1);
        assert!(
            m[0].message.contains("not the range of \"very likely\""),
            "{m:?}"
        );
        assert!(m[0].message.contains("61% lies outside"), "{m:?}");
        // The number that opens a longer parenthesis is checked too.
        let m = mismatches("likely [55–80%] (97%; 80% if the evidence is strongly dependent)");
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(m[0].message.contains("97% lies outside"), "{m:?}");
        // "unlikely" is not read as "likely".
        assert!(mismatches("unlikely (30%)").is_empty());
        assert_eq!(mismatches("unlikely (70%)").len(), 1);
    }
}
