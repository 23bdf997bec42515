//! Property tests of the engine over random workspaces (issue 8): the order of
//! files and tables does not matter, a retracted claim counts like an absent
//! one, a group of identical claims counts like one of them, `--as-of` after
//! the last date changes nothing, and probabilities stay finite and sum to 1
//! even with extreme likelihood tables.

use super::*;
use crate::load::from_files;
use proptest::prelude::*;
use std::fmt::Write;

const RATINGS: [&str; 6] = ["CC", "C", "N", "I", "II", "NA"];

#[derive(Debug, Clone)]
struct C {
    day: u32,
    source: usize,
    credibility: u8,
    ratings: Vec<usize>,
    group: Option<usize>,
}

fn claim(h: usize) -> impl Strategy<Value = C> {
    (
        0u32..20,
        0usize..3,
        1u8..=6,
        prop::collection::vec(0usize..6, h),
        prop::option::of(0usize..3),
    )
        .prop_map(|(day, source, credibility, ratings, group)| C {
            day,
            source,
            credibility,
            ratings,
            group,
        })
}

fn claims() -> impl Strategy<Value = (usize, Vec<C>)> {
    (2usize..=4).prop_flat_map(|h| (Just(h), prop::collection::vec(claim(h), 1..12)))
}

fn day(d: u32) -> String {
    (chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Duration::days(d as i64))
        .to_string()
}

fn claim_toml(i: usize, c: &C, extra: &str) -> String {
    let mut s = format!(
        "[[claim]]\nid = \"c{i}\"\ndate = {}\nstatement = \"s\"\nsources = [\"r{}\"]\ncredibility = {}\n",
        day(c.day),
        c.source,
        c.credibility
    );
    if let Some(g) = c.group {
        let _ = writeln!(s, "group = \"g{g}\"");
    }
    s.push_str(extra);
    let r: Vec<String> = c
        .ratings
        .iter()
        .enumerate()
        .map(|(j, r)| format!("h{j} = \"{}\"", RATINGS[*r]))
        .collect();
    let _ = writeln!(s, "ratings = {{ {} }}\n", r.join(", "));
    s
}

/// The workspace with the claims in `order`, spread over `files` files.
fn build(h: usize, cs: &[(usize, C, String)], files: usize, scoring: &str) -> Workspace {
    let mut sc = String::new();
    for j in 0..h {
        let _ = writeln!(
            sc,
            "[[scenario]]\nid = \"h{j}\"\ntitle = \"H{j}\"\nsummary = \"s\"\n"
        );
    }
    let mut src = String::new();
    for (k, g) in ["A", "C", "E"].iter().enumerate() {
        let _ = writeln!(
            src,
            "[[source]]\nid = \"r{k}\"\nname = \"R{k}\"\nkind = \"media\"\nreliability = \"{g}\"\n"
        );
    }
    let mut fs = vec![
        SourceFile {
            rel: "kzclaims.toml".into(),
            text: format!("title = \"t\"\nquestion = \"q\"\n[scoring]\n{scoring}"),
        },
        SourceFile {
            rel: "scenarios/s.toml".into(),
            text: sc,
        },
        SourceFile {
            rel: "claims/sources.toml".into(),
            text: src,
        },
    ];
    let mut bodies = vec![String::new(); files.max(1)];
    for (k, (i, c, extra)) in cs.iter().enumerate() {
        bodies[k % files.max(1)].push_str(&claim_toml(*i, c, extra));
    }
    for (k, b) in bodies.into_iter().enumerate() {
        fs.push(SourceFile {
            rel: format!("claims/f{k}.toml"),
            text: b,
        });
    }
    from_files(fs).expect("generated workspaces are valid")
}

fn probs(ws: &Workspace, date: chrono::NaiveDate) -> Vec<f64> {
    assess(ws, date, EngineKind::Bayes)
        .scores
        .iter()
        .map(|s| s.probability)
        .collect()
}

fn close(a: &[f64], b: &[f64]) -> Result<(), TestCaseError> {
    for (x, y) in a.iter().zip(b) {
        prop_assert!((x - y).abs() < 1e-12, "{a:?} vs {b:?}");
    }
    Ok(())
}

fn end() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2024, 12, 31).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 120, ..ProptestConfig::default() })]

    #[test]
    fn order_of_files_and_tables_does_not_matter(
        (h, cs) in claims(), files in 1usize..4, seed in any::<u64>()
    ) {
        let tagged: Vec<(usize, C, String)> =
            cs.iter().cloned().enumerate().map(|(i, c)| (i, c, String::new())).collect();
        let a = build(h, &tagged, 1, "");
        let mut shuffled = tagged.clone();
        // A deterministic shuffle from the seed.
        let mut s = seed;
        for i in (1..shuffled.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (s >> 33) as usize % (i + 1));
        }
        let b = build(h, &shuffled, files, "");
        close(&probs(&a, end()), &probs(&b, end()))?;
    }

    #[test]
    fn a_retracted_claim_counts_like_an_absent_one((h, cs) in claims(), k in any::<prop::sample::Index>()) {
        let k = k.index(cs.len());
        let mut with: Vec<(usize, C, String)> =
            cs.iter().cloned().enumerate().map(|(i, c)| (i, c, String::new())).collect();
        let without: Vec<(usize, C, String)> =
            with.iter().filter(|(i, _, _)| *i != k).cloned().collect();
        // Retract claim k the day it enters the record.
        let d = day(with[k].1.day);
        with[k].2 = String::new();
        let a = build(h, &with, 1, "");
        let mut text: Vec<SourceFile> = a.files.clone();
        for f in text.iter_mut() {
            let needle = format!("id = \"c{k}\"\n");
            if let Some(i) = f.text.find(&needle) {
                let end = f.text[i..].find("\n\n").map_or(f.text.len(), |e| i + e + 1);
                f.text.insert_str(end, &format!("\n[[claim.revision]]\ndate = {d}\nnote = \"withdrawn\"\nstatus = \"retracted\"\n"));
            }
        }
        let retracted = from_files(text).expect("valid");
        let absent = build(h, &without, 1, "");
        close(&probs(&retracted, end()), &probs(&absent, end()))?;
    }

    #[test]
    fn a_group_of_identical_claims_counts_like_one((h, cs) in claims(), copies in 2usize..5) {
        let mut base: Vec<(usize, C, String)> = Vec::new();
        for (i, mut c) in cs.iter().cloned().enumerate() {
            if i > 0 {
                c.group = None;
            }
            base.push((i, c, String::new()));
        }
        // Claim 0 in a group of its own name, once; then `copies` times.
        base[0].1.group = Some(9);
        let one = build(h, &base, 1, "");
        let mut many = base.clone();
        for k in 1..copies {
            many.push((100 + k, base[0].1.clone(), String::new()));
        }
        let many = build(h, &many, 2, "");
        close(&probs(&one, end()), &probs(&many, end()))?;
    }

    #[test]
    fn as_of_after_the_last_date_changes_nothing((h, cs) in claims(), later in 1i64..400) {
        let tagged: Vec<(usize, C, String)> =
            cs.iter().cloned().enumerate().map(|(i, c)| (i, c, String::new())).collect();
        let ws = build(h, &tagged, 1, "");
        let last = ws.default_as_of().unwrap();
        close(&probs(&ws, last), &probs(&ws, last + chrono::Duration::days(later)))?;
    }

    #[test]
    fn extreme_likelihood_tables_stay_finite(
        (h, cs) in claims(),
        cc in prop::sample::select(vec![1.0, 0.999999, 1e-300]),
        ii in prop::sample::select(vec![1.0, 1e-300, f64::MIN_POSITIVE]),
        eta in prop::sample::select(vec![1.0, 0.5, 1e-9]),
    ) {
        let tagged: Vec<(usize, C, String)> =
            cs.iter().cloned().enumerate().map(|(i, c)| (i, c, String::new())).collect();
        let ws = build(
            h,
            &tagged,
            1,
            &format!("evidence_weight = {eta:e}\n[scoring.likelihood]\nCC = {cc:e}\nC = 1.0\nII = {ii:e}\n"),
        );
        let a = assess(&ws, end(), EngineKind::Bayes);
        let sum: f64 = a.scores.iter().map(|s| s.probability).sum();
        prop_assert!((sum - 1.0).abs() < 1e-9, "{sum}");
        for s in &a.scores {
            prop_assert!(s.probability.is_finite() && s.probability >= 0.0);
            prop_assert!(s.band.iter().all(|p| p.is_finite()));
            prop_assert!(s.likelihood_term.is_finite());
        }
    }
}
