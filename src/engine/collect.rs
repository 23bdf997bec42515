//! What to find out next: for every open indicator, how likely it is to be
//! seen, how much seeing it or not would tell (the mutual information between
//! the scenario and the indicator's outcome), and what the assessment would
//! say either way; plus the indicators nobody has rated and the scenario pairs
//! no open indicator can separate. Formulas: docs/scoring.md, "What to find
//! out next". No I/O.

use super::{assess, indicators, totals_of, Assessment, Totals};
use crate::model::*;
use chrono::NaiveDate;

/// Shannon entropy in bits, H(p) = −Σ p_j log₂ p_j, with 0 · log 0 = 0.
pub fn entropy_bits(p: &[f64]) -> f64 {
    -p.iter()
        .filter(|x| **x > 0.0)
        .map(|x| x * x.log2())
        .sum::<f64>()
}

/// P(seen) = Σ_j p_j q_j: the probability of observing the indicator under the
/// current posterior `p`, with `q_j` = P(observed | H_j).
pub fn p_seen(p: &[f64], q: &[f64]) -> f64 {
    p.iter().zip(q).map(|(p, q)| p * q).sum()
}

/// Expected information gain in bits from learning whether the indicator is
/// seen: H(p) − s·H(p⊙q / s) − (1 − s)·H(p⊙(1 − q) / (1 − s)), s = P(seen).
/// An outcome of probability 0 contributes nothing. Never negative (rounding
/// below zero is clamped).
pub fn gain_bits(p: &[f64], q: &[f64]) -> f64 {
    let s = p_seen(p, q);
    let mut g = entropy_bits(p);
    if s > 0.0 {
        let seen: Vec<f64> = p.iter().zip(q).map(|(p, q)| p * q / s).collect();
        g -= s * entropy_bits(&seen);
    }
    if s < 1.0 {
        let unseen: Vec<f64> = p
            .iter()
            .zip(q)
            .map(|(p, q)| p * (1.0 - q) / (1.0 - s))
            .collect();
        g -= (1.0 - s) * entropy_bits(&unseen);
    }
    g.max(0.0)
}

/// The assessment after a hypothetical observation.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Index of the leading scenario afterwards.
    pub leader: usize,
    /// Its posterior probability afterwards.
    pub probability: f64,
    /// The whole posterior afterwards (scenario order).
    pub posterior: Vec<f64>,
}

/// One open indicator with likelihoods, as a candidate for collection.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Index of the owning scenario.
    pub scenario: usize,
    /// Index into that scenario's indicators.
    pub indicator: usize,
    /// q_j = P(observed | H_j), scenario order.
    pub q: Vec<f64>,
    /// P(observed) under the current posterior: Σ_j p_j q_j.
    pub p_seen: f64,
    /// Expected information gain in bits: the expected drop in the posterior's entropy.
    pub gain_bits: f64,
    /// The assessment if it is seen.
    pub if_seen: Outcome,
    /// The assessment if it is not seen.
    pub if_not_seen: Outcome,
    /// Whether either outcome would put another scenario first.
    pub changes_leader: bool,
}

/// What to find out next, as of a date.
#[derive(Debug, Clone)]
pub struct Collection {
    /// The date the collection is computed as of.
    pub as_of: NaiveDate,
    /// The current (Bayesian) posterior, scenario order.
    pub posterior: Vec<f64>,
    /// The current leader under the Bayesian engine.
    pub leader: usize,
    /// H(posterior) in bits: how much is left to learn.
    pub entropy_bits: f64,
    /// Open indicators with likelihoods, most informative first (ties: due
    /// date, undated last; then indicator id, then scenario id).
    pub candidates: Vec<Candidate>,
    /// Open indicators without likelihoods: (scenario, indicator), in
    /// declaration order.
    pub unrated: Vec<(usize, usize)>,
    /// Scenario pairs (j < k) that no open indicator separates: every
    /// candidate gives them the same P(observed) within 1e-12.
    pub blind: Vec<(usize, usize)>,
}

/// Tolerance under which two likelihoods count as equal (as for diagnosticity).
const SAME_Q: f64 = 1e-12;

/// What to find out next as of `as_of`, from the Bayesian assessment.
pub fn analyse(ws: &Workspace, as_of: NaiveDate) -> Collection {
    analyse_assessment(ws, &assess(ws, as_of, EngineKind::Bayes))
}

/// What to find out next, given an assessment `a` under either engine: its
/// posterior is always the Bayesian one, and the what-ifs rank by it.
pub fn analyse_assessment(ws: &Workspace, a: &Assessment) -> Collection {
    let posterior: Vec<f64> = a.scores.iter().map(|s| s.probability).collect();
    let totals = totals_of(ws.scenarios.len(), &a.rows, &a.indicators);
    let leader = leader_of(ws, &totals);
    let mut candidates = Vec::new();
    let mut unrated = Vec::new();
    for (j, s) in ws.scenarios.iter().enumerate() {
        for (k, ind) in s.indicators.iter().enumerate() {
            if !ind.open_on(a.as_of) {
                continue;
            }
            let Some(q) = indicators::p_observed(ws, j, ind) else {
                unrated.push((j, k));
                continue;
            };
            let if_seen = hypothetical(ws, &totals, j, k, true);
            let if_not_seen = hypothetical(ws, &totals, j, k, false);
            candidates.push(Candidate {
                scenario: j,
                indicator: k,
                p_seen: p_seen(&posterior, &q),
                gain_bits: gain_bits(&posterior, &q),
                changes_leader: if_seen.leader != leader.0 || if_not_seen.leader != leader.0,
                if_seen,
                if_not_seen,
                q,
            });
        }
    }
    let key = |c: &Candidate| {
        let ind = &ws.scenarios[c.scenario].indicators[c.indicator];
        (
            // Gains equal to 12 decimals are tied (a total order, unlike a tolerance).
            -(c.gain_bits * 1e12).round() as i64,
            ind.due.is_none(),
            ind.due,
            ind.id.clone(),
            ws.scenarios[c.scenario].id.clone(),
        )
    };
    candidates.sort_by_cached_key(key);
    let n = ws.scenarios.len();
    let blind = (0..n)
        .flat_map(|j| (j + 1..n).map(move |k| (j, k)))
        .filter(|&(j, k)| candidates.iter().all(|c| (c.q[j] - c.q[k]).abs() <= SAME_Q))
        .collect();
    Collection {
        as_of: a.as_of,
        entropy_bits: entropy_bits(&posterior),
        posterior,
        leader: leader.0,
        candidates,
        unrated,
        blind,
    }
}

/// The leader and its probability under these totals (Bayesian order, ties by id).
fn leader_of(ws: &Workspace, totals: &Totals) -> (usize, Vec<f64>) {
    let scores = totals.scores(ws, EngineKind::Bayes);
    let leader = scores
        .iter()
        .find(|s| s.rank == 1)
        .map(|s| s.index)
        .unwrap_or(0);
    (leader, scores.iter().map(|s| s.probability).collect())
}

/// The assessment if indicator `k` of scenario `j` were observed (or reported
/// not seen) on the as-of date: an observation at full trust that updates,
/// counted like any observed indicator.
fn hypothetical(ws: &Workspace, totals: &Totals, j: usize, k: usize, observed: bool) -> Outcome {
    let mut t = totals.clone();
    let obs = ws.scenarios[j].indicators[k].observations.len();
    if let Some(row) = indicators::row(ws, j, k, obs, observed, 1.0) {
        t.add_indicator(&row, 1.0);
    }
    let (leader, posterior) = leader_of(ws, &t);
    Outcome {
        leader,
        probability: posterior[leader],
        posterior,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::from_files;

    const LN2: f64 = std::f64::consts::LN_2;

    #[test]
    fn entropy_by_hand() {
        assert!((entropy_bits(&[0.5, 0.5]) - 1.0).abs() < 1e-15);
        assert!((entropy_bits(&[0.25; 4]) - 2.0).abs() < 1e-15);
        assert_eq!(entropy_bits(&[1.0, 0.0]), 0.0);
        // −(0.7 log₂ 0.7 + 0.3 log₂ 0.3) = 0.881290899230693…
        assert!((entropy_bits(&[0.7, 0.3]) - 0.881_290_899_230_693_3).abs() < 1e-12);
    }

    /// The worked example in docs/scoring.md, "What to find out next".
    #[test]
    fn information_gain_worked_example() {
        let p = [0.5, 0.3, 0.2];
        let q = [0.8, 0.2, 0.5];
        // P(seen) = 0.4 + 0.06 + 0.1 = 0.56.
        let s = p_seen(&p, &q);
        assert!((s - 0.56).abs() < 1e-15);
        // If seen: (0.4, 0.06, 0.1) / 0.56; if not: (0.1, 0.24, 0.1) / 0.44.
        let h = |v: &[f64]| -v.iter().map(|x| x * x.ln()).sum::<f64>() / LN2;
        let want = h(&p)
            - 0.56 * h(&[0.4 / 0.56, 0.06 / 0.56, 0.1 / 0.56])
            - 0.44 * h(&[0.1 / 0.44, 0.24 / 0.44, 0.1 / 0.44]);
        let g = gain_bits(&p, &q);
        assert!((g - want).abs() < 1e-12, "{g} vs {want}");
        // Numerically (Python, independently): H(p) = 1.4854752972273344,
        // H(seen) = 1.1358159979737636, H(not) = 1.448575666022411,
        // gain = 0.21204504531216595.
        assert!((h(&p) - 1.485_475_297_227_334_4).abs() < 1e-12);
        assert!((g - 0.212_045_045_312_165_95).abs() < 1e-12, "{g}");
    }

    #[test]
    fn gain_is_mutual_information() {
        // Mutual information written the other way round:
        // Σ_j p_j [q_j log₂(q_j / s) + (1 − q_j) log₂((1 − q_j) / (1 − s))].
        let p = [0.1, 0.6, 0.25, 0.05];
        let q = [0.95, 0.05, 0.5, 0.2];
        let s = p_seen(&p, &q);
        let mi: f64 = p
            .iter()
            .zip(&q)
            .map(|(p, q)| p * (q * (q / s).log2() + (1.0 - q) * ((1.0 - q) / (1.0 - s)).log2()))
            .sum();
        assert!((gain_bits(&p, &q) - mi).abs() < 1e-12);
    }

    #[test]
    fn gain_edges() {
        // The same likelihood everywhere tells nothing.
        assert!(gain_bits(&[0.2, 0.3, 0.5], &[0.4, 0.4, 0.4]).abs() < 1e-15);
        // A certain assessment has nothing left to learn.
        assert_eq!(gain_bits(&[1.0, 0.0], &[0.9, 0.1]), 0.0);
        // A perfect test of a fair coin tells one bit.
        assert!((gain_bits(&[0.5, 0.5], &[1.0, 0.0]) - 1.0).abs() < 1e-15);
        // Certain to be seen (s = 1): nothing to learn, no division by zero.
        assert_eq!(gain_bits(&[0.5, 0.5], &[1.0, 1.0]), 0.0);
        assert_eq!(gain_bits(&[0.5, 0.5], &[0.0, 0.0]), 0.0);
    }

    fn ws(indicators: &str) -> Workspace {
        ws_with(indicators, 1.0, CLAIM)
    }

    const CLAIM: &str =
        "[[claim]]\nid = \"e\"\ndate = 2024-01-01\nstatement = \"x\"\nsources = [\"s\"]\n\
                         credibility = 1\nratings = { a = \"N\", b = \"N\", c = \"N\" }\n";

    fn ws_with(indicators: &str, eta: f64, claims: &str) -> Workspace {
        let files = vec![
            SourceFile {
                rel: "kzclaims.toml".into(),
                text: format!("title = \"t\"\nquestion = \"q\"\n[scoring]\nevidence_weight = {eta:?}\n"),
            },
            SourceFile {
                rel: "scenarios/s.toml".into(),
                text: format!(
                    "[[scenario]]\nid = \"a\"\ntitle = \"A\"\nsummary = \"s\"\nprior = 0.5\n{indicators}\n\
                     [[scenario]]\nid = \"b\"\ntitle = \"B\"\nsummary = \"s\"\nprior = 0.3\n\n\
                     [[scenario]]\nid = \"c\"\ntitle = \"C\"\nsummary = \"s\"\nprior = 0.2\n"
                ),
            },
            SourceFile {
                rel: "claims/c.toml".into(),
                text: format!(
                    "[[source]]\nid = \"s\"\nname = \"S\"\nkind = \"media\"\nreliability = \"A\"\n\n{claims}"
                ),
            },
        ];
        from_files(files).unwrap()
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 1, d).unwrap()
    }

    #[test]
    fn candidates_outcomes_unrated_and_blind() {
        // Priors 0.5, 0.3, 0.2; one claim rated N everywhere leaves them as they are.
        let w = ws(r#"
[[scenario.indicator]]
id = "strong"
text = "strong"
due = 2024-06-01
ratings = { a = "C", b = "I", c = "C" }

[[scenario.indicator]]
id = "weak"
text = "weak"
if_true = 0.6
if_false = 0.5

[[scenario.indicator]]
id = "unrated"
text = "no likelihoods"

[[scenario.indicator]]
id = "seen"
text = "already seen"
if_true = 0.9
if_false = 0.1

[[scenario.indicator.observation]]
date = 2024-01-05
observed = true
"#);
        let c = analyse(&w, day(2));
        assert_eq!(c.leader, 0);
        assert!((c.entropy_bits - entropy_bits(&[0.5, 0.3, 0.2])).abs() < 1e-12);
        let ids: Vec<&str> = c
            .candidates
            .iter()
            .map(|x| w.scenarios[x.scenario].indicators[x.indicator].id.as_str())
            .collect();
        // Gains (Python): seen 0.5310044064107189, strong 0.23611392733893727,
        // weak 0.0072991567604741014.
        assert_eq!(ids, ["seen", "strong", "weak"]);
        assert!((c.candidates[0].gain_bits - 0.531_004_406_410_718_9).abs() < 1e-12);
        let strong = &c.candidates[1];
        assert!((strong.gain_bits - 0.236_113_927_338_937_27).abs() < 1e-12);
        assert_eq!(strong.q, [0.8, 0.2, 0.8]);
        // P(seen) = 0.4 + 0.06 + 0.16 = 0.62.
        assert!((strong.p_seen - 0.62).abs() < 1e-15);
        // If seen: (0.4, 0.06, 0.16) / 0.62 → a leads at 0.4/0.62.
        assert_eq!(strong.if_seen.leader, 0);
        assert!((strong.if_seen.probability - 0.4 / 0.62).abs() < 1e-12);
        // If not: (0.1, 0.24, 0.04) / 0.38 → b leads at 0.24/0.38.
        assert_eq!(strong.if_not_seen.leader, 1);
        assert!((strong.if_not_seen.probability - 0.24 / 0.38).abs() < 1e-12);
        assert!(strong.changes_leader);
        // "weak": seen (0.3, 0.15, 0.1) or not (0.2, 0.15, 0.1): a leads either way.
        assert!(!c.candidates[2].changes_leader);
        assert_eq!(c.unrated, [(0, 2)]);
        // "strong" separates a from b and b from c, "weak" a from c.
        assert!(c.blind.is_empty());
        // Once "seen" is observed it is no longer open.
        let later = analyse(&w, day(5));
        assert_eq!(later.candidates.len(), 2);
        assert!(later.blind.is_empty());
    }

    /// `since`: an indicator written on the 5th is not open, ranked or
    /// separating before then; scores are those of the same record without
    /// `since`, and an observation dated before `since` still counts.
    #[test]
    fn since_hides_an_indicator_from_collection_not_from_scores() {
        let inds = |since: &str| {
            format!(
                "[[scenario.indicator]]\nid = \"later\"\ntext = \"later\"\n{since}\
                 ratings = {{ a = \"C\", b = \"I\", c = \"C\" }}\n\n\
                 [[scenario.indicator]]\nid = \"early\"\ntext = \"early\"\n{since}\
                 if_true = 0.9\nif_false = 0.1\n\n\
                 [[scenario.indicator.observation]]\ndate = 2024-01-03\nobserved = true\n"
            )
        };
        let with = ws(&inds("since = 2024-01-05\n"));
        let without = ws(&inds(""));
        let ids = |c: &Collection| -> Vec<String> {
            c.candidates
                .iter()
                .map(|x| {
                    with.scenarios[x.scenario].indicators[x.indicator]
                        .id
                        .clone()
                })
                .collect()
        };
        // On the 2nd neither is stated: nothing to rank, every pair blind.
        let before = analyse(&with, day(2));
        assert!(before.candidates.is_empty() && before.unrated.is_empty());
        assert_eq!(before.blind.len(), 3);
        assert!(indicators::separating(&with, day(2), 0, 1).is_empty());
        // Without `since` both are open on the 2nd.
        assert_eq!(ids(&analyse(&without, day(2))).len(), 2);
        // From the 5th "later" is open ("early" was observed on the 3rd).
        assert_eq!(ids(&analyse(&with, day(5))), ["later"]);
        assert_eq!(indicators::separating(&with, day(5), 0, 1).len(), 1);
        // Scores ignore `since`: on the 4th "early"'s observation (3rd) counts
        // in both records, and the posteriors agree exactly.
        for d in [2, 4, 6] {
            for e in [EngineKind::Bayes, EngineKind::Ach] {
                let (x, y) = (assess(&with, day(d), e), assess(&without, day(d), e));
                let px: Vec<f64> = x.scores.iter().map(|s| s.probability).collect();
                let py: Vec<f64> = y.scores.iter().map(|s| s.probability).collect();
                assert_eq!(px, py, "day {d}");
                assert_eq!(x.indicators.len(), y.indicators.len());
            }
        }
        assert_eq!(assess(&with, day(4), EngineKind::Bayes).indicators.len(), 1);
    }

    #[test]
    fn either_engine_gives_the_same_answer() {
        let w = ws(r#"
[[scenario.indicator]]
id = "only"
text = "only"
ratings = { a = "C", b = "I", c = "N" }
"#);
        let bayes = analyse(&w, day(1));
        let ach = analyse_assessment(&w, &assess(&w, day(1), EngineKind::Ach));
        assert_eq!(bayes.candidates, ach.candidates);
        assert_eq!(bayes.posterior, ach.posterior);
    }

    #[test]
    fn blind_pairs_are_named() {
        let w = ws(r#"
[[scenario.indicator]]
id = "only"
text = "only"
if_true = 0.9
if_false = 0.2
"#);
        let c = analyse(&w, day(1));
        // P(obs) is 0.2 under both b and c: nothing open separates them.
        assert_eq!(c.blind, [(1, 2)]);
        let none = ws("");
        // No open indicator at all: every pair is blind.
        assert_eq!(analyse(&none, day(1)).blind, [(0, 1), (0, 2), (1, 2)]);
    }

    #[test]
    fn ties_fall_to_due_date_then_id() {
        let w = ws(r#"
[[scenario.indicator]]
id = "z-early"
text = "z"
due = 2024-02-01
if_true = 0.9
if_false = 0.2

[[scenario.indicator]]
id = "a-late"
text = "a"
due = 2024-03-01
if_true = 0.9
if_false = 0.2

[[scenario.indicator]]
id = "b-undated"
text = "b"
if_true = 0.9
if_false = 0.2

[[scenario.indicator]]
id = "a-undated"
text = "a"
if_true = 0.9
if_false = 0.2
"#);
        let c = analyse(&w, day(1));
        let ids: Vec<&str> = c
            .candidates
            .iter()
            .map(|x| w.scenarios[x.scenario].indicators[x.indicator].id.as_str())
            .collect();
        assert_eq!(ids, ["z-early", "a-late", "a-undated", "b-undated"]);
    }

    /// With η < 1 and a group: the current posterior counts the group once at
    /// weight η; the hypothetical observation is a group of its own, at the
    /// same weight. The gain still uses the indicator's own likelihoods.
    #[test]
    fn what_ifs_use_the_evidence_weight_and_groups() {
        let claim = |id: &str| {
            format!(
                "[[claim]]\nid = \"{id}\"\ndate = 2024-01-01\nstatement = \"x\"\nsources = [\"s\"]\n\
                 credibility = 1\ngroup = \"same-wire\"\nratings = {{ a = \"C\", b = \"I\", c = \"N\" }}\n\n"
            )
        };
        let w = ws_with(
            r#"
[[scenario.indicator]]
id = "strong"
text = "strong"
ratings = { a = "C", b = "I", c = "C" }
"#,
            0.5,
            &(claim("e1") + &claim("e2")),
        );
        let c = analyse(&w, day(1));
        // Two identical rows in one group: C_g = ln(0.8, 0.2, 0.5).
        // p ∝ prior · (0.8, 0.2, 0.5)^0.5 with priors 0.5, 0.3, 0.2.
        let prior = [0.5, 0.3, 0.2];
        let l = [0.8f64, 0.2, 0.5];
        let norm = |v: Vec<f64>| {
            let z: f64 = v.iter().sum();
            v.into_iter().map(|x| x / z).collect::<Vec<f64>>()
        };
        let p = norm((0..3).map(|j| prior[j] * l[j].sqrt()).collect());
        for (got, want) in c.posterior.iter().zip(&p) {
            assert!((got - want).abs() < 1e-12);
        }
        let x = &c.candidates[0];
        let q = [0.8f64, 0.2, 0.8];
        assert!((x.p_seen - p_seen(&p, &q)).abs() < 1e-12);
        assert!((x.gain_bits - gain_bits(&p, &q)).abs() < 1e-12);
        // If seen: p ⊙ q^0.5, not p ⊙ q (the weight applies) and not a third
        // member of the group (it would move the group's mean instead).
        let seen = norm((0..3).map(|j| p[j] * q[j].sqrt()).collect());
        assert_eq!(x.if_seen.leader, 0);
        assert!((x.if_seen.probability - seen[0]).abs() < 1e-12);
        let unseen = norm((0..3).map(|j| p[j] * (1.0 - q[j]).sqrt()).collect());
        let lead = (0..3)
            .max_by(|&a, &b| unseen[a].total_cmp(&unseen[b]))
            .unwrap();
        assert_eq!(x.if_not_seen.leader, lead);
        assert!((x.if_not_seen.probability - unseen[lead]).abs() < 1e-12);
    }
}
