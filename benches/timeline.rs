//! Benchmark: `timeline` (one incremental pass over every event) against one
//! `score` (one assessment at the latest date), side by side in one run, on
//! the bundled workspace and on a generated one (2,000 claims, 400 revisions,
//! 6 scenarios). Also shows the naive alternative: `assess` at every event date.
//!
//! Run: `cargo bench --bench timeline` (add `-- --quick` for fewer rounds).
//! Nothing here is asserted: it prints figures.

use chrono::NaiveDate;
use kzclaims::engine::{assess, timeline::timeline};
use kzclaims::model::{EngineKind, SourceFile, Workspace};
use std::fmt::Write;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// A small deterministic generator (SplitMix64).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A workspace of `claims` claims and `revisions` revisions over `scenarios`
/// scenarios, spread over three years.
pub fn generated(claims: usize, revisions: usize, scenarios: usize) -> Workspace {
    let mut rng = Rng(20220105);
    let ratings = ["CC", "C", "N", "I", "II", "NA"];
    let mut sc = String::new();
    for j in 0..scenarios {
        let _ = writeln!(
            sc,
            "[[scenario]]\nid = \"s{j}\"\ntitle = \"Scenario {j}\"\nsummary = \"Generated scenario {j}.\"\n"
        );
    }
    let mut cl = String::new();
    let letters = ["A", "B", "C", "D", "E", "F"];
    for k in 0..40 {
        let _ = writeln!(
            cl,
            "[[source]]\nid = \"src{k}\"\nname = \"Source {k}\"\nkind = \"media\"\nreliability = \"{}\"\n",
            letters[rng.below(6) as usize]
        );
    }
    let start = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap();
    let mut per_claim = vec![0usize; claims];
    for _ in 0..revisions {
        per_claim[rng.below(claims as u64) as usize] += 1;
    }
    for (i, revs) in per_claim.iter().enumerate() {
        let day = rng.below(3 * 365) as i64;
        let date = start + chrono::Duration::days(day);
        let _ = writeln!(
            cl,
            "[[claim]]\nid = \"c{i}\"\ndate = {date}\nstatement = \"Generated claim {i}.\"\nsources = [\"src{}\", \"src{}\"]\nurl = \"https://example.org/{i}\"\ncredibility = {}\nrelevance = \"{}\"\n\n[claim.ratings]",
            rng.below(40),
            rng.below(40),
            1 + rng.below(6),
            ["low", "medium", "high"][rng.below(3) as usize]
        );
        for j in 0..scenarios {
            let _ = writeln!(cl, "s{j} = \"{}\"", ratings[rng.below(6) as usize]);
        }
        let mut d = date;
        for r in 0..*revs {
            d += chrono::Duration::days(1 + rng.below(60) as i64);
            let _ = writeln!(
                cl,
                "\n[[claim.revision]]\ndate = {d}\nnote = \"revision {r}\""
            );
            match rng.below(4) {
                0 => {
                    let _ = writeln!(cl, "credibility = {}", 1 + rng.below(6));
                }
                1 => {
                    let _ = writeln!(
                        cl,
                        "ratings = {{ s{} = \"{}\" }}",
                        rng.below(scenarios as u64),
                        ratings[rng.below(6) as usize]
                    );
                }
                2 => {
                    let _ = writeln!(cl, "status = \"retracted\"");
                }
                _ => {
                    let _ = writeln!(cl, "relevance = \"high\"");
                }
            }
        }
        cl.push('\n');
    }
    let files = vec![
        SourceFile {
            rel: "kzclaims.toml".into(),
            text: "title = \"Generated\"\nquestion = \"Which?\"\n".into(),
        },
        SourceFile {
            rel: "scenarios/all.toml".into(),
            text: sc,
        },
        SourceFile {
            rel: "claims/all.toml".into(),
            text: cl,
        },
    ];
    kzclaims::load::from_files(files)
        .unwrap_or_else(|e| panic!("generated workspace invalid: {e:?}"))
}

/// Median wall time of `f` over `rounds` runs (after one warm-up).
fn time<T>(rounds: usize, mut f: impl FnMut() -> T) -> Duration {
    black_box(f());
    let mut v: Vec<Duration> = (0..rounds)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed()
        })
        .collect();
    v.sort();
    v[v.len() / 2]
}

fn compare(name: &str, ws: &Workspace, rounds: usize) {
    let engine = EngineKind::Bayes;
    let last = ws.latest_date().expect("a record");
    let tl = timeline(ws, engine, None, None);
    let events = tl.points.len();
    let revisions: usize = ws.claims.iter().map(|c| c.revisions.len()).sum();
    let t_score = time(rounds, || assess(ws, last, engine));
    let t_timeline = time(rounds, || timeline(ws, engine, None, None));
    let naive_rounds = (rounds / 10).max(1);
    let t_naive = time(naive_rounds, || {
        tl.points
            .iter()
            .map(|p| assess(ws, p.date, engine).scores[0].probability)
            .sum::<f64>()
    });
    println!(
        "{name}: {} claims, {revisions} revisions, {} scenarios, {events} event dates",
        ws.claims.len(),
        ws.scenarios.len()
    );
    println!("  one score (assess at {last}):  {t_score:>12.3?}");
    println!("  timeline (incremental):          {t_timeline:>12.3?}");
    println!("  naive (assess at every date):    {t_naive:>12.3?}",);
    println!(
        "  timeline / score = {:.2}×   naive / timeline = {:.1}×",
        t_timeline.as_secs_f64() / t_score.as_secs_f64(),
        t_naive.as_secs_f64() / t_timeline.as_secs_f64()
    );
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let rounds = if quick { 11 } else { 101 };
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let bundled = kzclaims::load::Loader::new(root)
        .load()
        .expect("bundled workspace loads");
    compare("bundled workspace", &bundled, rounds);
    let big = generated(2_000, 400, 6);
    compare("generated workspace", &big, if quick { 5 } else { 21 });
}
