//! What the judgment rests on (docs/scoring.md, "What the judgment rests
//! on"): against the runner-up, and each alternative close behind it, the
//! fewest claims that carry at least [`SHARE`] of the leader's margin, at most
//! [`MAX_ITEMS`]. A claim's part is what the sensitivity analysis calls its
//! contribution: how much the margin would shrink without it.

use super::{totals_of, Assessment, EngineKind, TIE_EPS};
use crate::model::*;

/// Share of the margin the listed claims must carry.
pub(crate) const SHARE: f64 = 0.8;
/// Most claims listed against one alternative.
pub(crate) const MAX_ITEMS: usize = 8;
/// An alternative other than the runner-up is listed when its margin behind
/// the leader exceeds the runner-up's by at most this: under bayes ln 2 (its
/// probability at least half the runner-up's), under ach 1 (one inconsistent
/// claim of medium weight).
pub(crate) fn within(engine: EngineKind) -> f64 {
    match engine {
        EngineKind::Bayes => std::f64::consts::LN_2,
        EngineKind::Ach => 1.0,
    }
}

/// One claim carrying part of the margin.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Carrier {
    /// Index into `Workspace::claims`.
    pub claim: usize,
    pub contribution: f64,
    /// contribution / margin.
    pub share: f64,
}

/// The leader's margin over one alternative and the claims that carry it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RestsOn {
    /// Scenario index of the alternative.
    pub against: usize,
    /// bayes: log posterior odds of leader over it; ach: its weighted
    /// inconsistency minus the leader's.
    pub margin: f64,
    pub carriers: Vec<Carrier>,
    /// Share of the margin the carriers hold together.
    pub covered: f64,
    /// Whether they reach [`SHARE`] (false: [`MAX_ITEMS`] were not enough).
    pub reached: bool,
}

fn margin(a: &Assessment, engine: EngineKind, l: usize, j: usize) -> f64 {
    match engine {
        EngineKind::Bayes => a.scores[l].probability.ln() - a.scores[j].probability.ln(),
        EngineKind::Ach => a.scores[j].weighted_inconsistency - a.scores[l].weighted_inconsistency,
    }
}

/// The lists, runner-up first, then the alternatives within [`within`] in
/// rank order. Empty when nothing separates leader and runner-up.
pub(crate) fn rests_on(ws: &Workspace, a: &Assessment) -> Vec<RestsOn> {
    let ranking = a.ranking();
    let (Some(&l), Some(&b)) = (ranking.first(), ranking.get(1)) else {
        return Vec::new();
    };
    let engine = a.engine;
    let mb = margin(a, engine, l, b);
    if mb.is_nan() || mb <= TIE_EPS {
        return Vec::new();
    }
    let alts: Vec<usize> = ranking[1..]
        .iter()
        .copied()
        .filter(|&j| j == b || margin(a, engine, l, j) <= mb + within(engine) + 1e-12)
        .collect();
    let base = totals_of(ws.scenarios.len(), &a.rows, &a.indicators);
    let eta = ws.config.evidence_weight;
    // Each counting claim's contribution against every alternative.
    let mut parts: Vec<(usize, Vec<f64>)> = Vec::new();
    for r in a.rows.iter().filter(|r| r.counts()) {
        let c: Vec<f64> = match engine {
            EngineKind::Bayes => {
                let Some(ll) = &r.log_l else { continue };
                let d = base.group_delta(r.group, &[ll.as_slice()], &[]);
                alts.iter().map(|&j| -eta * (d[l] - d[j])).collect()
            }
            EngineKind::Ach => alts
                .iter()
                .map(|&j| r.weighted(j) - r.weighted(l))
                .collect(),
        };
        parts.push((r.state.claim, c));
    }
    alts.iter()
        .enumerate()
        .map(|(k, &j)| {
            let m = margin(a, engine, l, j);
            let mut pos: Vec<(usize, f64)> = parts
                .iter()
                .filter(|p| p.1[k] > TIE_EPS)
                .map(|p| (p.0, p.1[k]))
                .collect();
            pos.sort_by(|x, y| {
                y.1.total_cmp(&x.1)
                    .then_with(|| ws.claims[x.0].id.cmp(&ws.claims[y.0].id))
            });
            let mut carriers = Vec::new();
            let mut sum = 0.0;
            for (c, v) in pos {
                if sum >= SHARE * m - 1e-9 || carriers.len() == MAX_ITEMS {
                    break;
                }
                sum += v;
                carriers.push(Carrier {
                    claim: c,
                    contribution: v,
                    share: v / m,
                });
            }
            RestsOn {
                against: j,
                margin: m,
                covered: sum / m,
                reached: sum >= SHARE * m - 1e-9,
                carriers,
            }
        })
        // A lead that comes from the priors alone rests on no claim.
        .filter(|r| !r.carriers.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::from_files;

    fn ws(claims: &str, engine: &str) -> Workspace {
        let files = vec![
            SourceFile {
                rel: "kzclaims.toml".into(),
                text: format!("title = \"t\"\nquestion = \"q\"\n[scoring]\nengine = \"{engine}\"\nevidence_weight = 1.0\n"),
            },
            SourceFile {
                rel: "scenarios/s.toml".into(),
                text: "[[scenario]]\nid = \"h1\"\ntitle = \"1\"\nsummary = \"s\"\n\n[[scenario]]\nid = \"h2\"\ntitle = \"2\"\nsummary = \"s\"\n\n[[scenario]]\nid = \"h3\"\ntitle = \"3\"\nsummary = \"s\"\n".into(),
            },
            SourceFile {
                rel: "claims/c.toml".into(),
                text: format!("[[source]]\nid = \"s\"\nname = \"S\"\nkind = \"media\"\nreliability = \"A\"\n\n{claims}"),
            },
        ];
        from_files(files).expect("loads")
    }

    fn claim(id: &str, r: [&str; 3]) -> String {
        format!(
            "[[claim]]\nid = \"{id}\"\ndate = 2022-01-01\nstatement = \"x\"\nsources = [\"s\"]\ncredibility = 1\n[claim.ratings]\nh1 = \"{}\"\nh2 = \"{}\"\nh3 = \"{}\"\n\n",
            r[0], r[1], r[2]
        )
    }

    /// Hand-computed: credibility 1 and reliability A give trust 1, so
    /// L'' is the likelihood itself (C 0.8, N 0.5, I 0.2); at η = 1 a claim
    /// rated C for h1 and I for h2 carries ln 4 = 1.386 of the margin over h2,
    /// one rated C/N ln 1.6 = 0.470. Margin over h2 with a, b (C/I) and c (C/N):
    /// 2 ln 4 + ln 1.6 = 3.243; 80% is 2.594: a and b (2.773) suffice.
    #[test]
    fn fewest_claims_for_eighty_percent() {
        let text = claim("a", ["C", "I", "I"])
            + &claim("b", ["C", "I", "N"])
            + &claim("c", ["C", "N", "I"]);
        let w = ws(&text, "bayes");
        let a = crate::engine::assess(
            &w,
            chrono::NaiveDate::from_ymd_opt(2022, 1, 2).unwrap(),
            EngineKind::Bayes,
        );
        let r = rests_on(&w, &a);
        // h2 and h3 are tied behind h1: both are listed.
        assert_eq!(r.len(), 2);
        let h2 = w.scenario_index("h2").unwrap();
        let first = r.iter().find(|x| x.against == h2).unwrap();
        assert!((first.margin - (2.0 * 4f64.ln() + 1.6f64.ln())).abs() < 1e-9);
        let ids: Vec<&str> = first
            .carriers
            .iter()
            .map(|c| w.claims[c.claim].id.as_str())
            .collect();
        assert_eq!(ids, ["a", "b"]);
        assert!((first.carriers[0].share - 4f64.ln() / first.margin).abs() < 1e-9);
        assert!(first.reached);
    }

    #[test]
    fn none_when_tied_or_empty() {
        let w = ws(&claim("a", ["C", "C", "I"]), "ach");
        let a = crate::engine::assess(
            &w,
            chrono::NaiveDate::from_ymd_opt(2022, 1, 2).unwrap(),
            EngineKind::Ach,
        );
        assert!(rests_on(&w, &a).is_empty());
        let a = crate::engine::assess(
            &w,
            chrono::NaiveDate::from_ymd_opt(2021, 1, 2).unwrap(),
            EngineKind::Bayes,
        );
        assert!(rests_on(&w, &a).is_empty());
    }

    #[test]
    fn at_most_eight() {
        let text: String = (0..10)
            .map(|k| claim(&format!("c{k}"), ["C", "N", "I"]))
            .collect();
        let w = ws(&text, "bayes");
        let a = crate::engine::assess(
            &w,
            chrono::NaiveDate::from_ymd_opt(2022, 1, 2).unwrap(),
            EngineKind::Bayes,
        );
        let r = &rests_on(&w, &a)[0];
        // Ten equal parts: eight carry 80% exactly.
        assert_eq!(r.carriers.len(), 8);
        assert!(r.reached);
        let text: String = (0..12)
            .map(|k| claim(&format!("c{k:02}"), ["C", "N", "N"]))
            .collect();
        let w = ws(&text, "bayes");
        let a = crate::engine::assess(
            &w,
            chrono::NaiveDate::from_ymd_opt(2022, 1, 2).unwrap(),
            EngineKind::Bayes,
        );
        let r = rests_on(&w, &a);
        assert_eq!(r[0].carriers.len(), 8);
        assert!(!r[0].reached);
        assert!((r[0].covered - 8.0 / 12.0).abs() < 1e-9);
    }
}
