//! `diff` between two arbitrary small workspaces: loading them together gives
//! what loading each alone gives, no panic, the attribution's parts sum to
//! the total move of every scenario, and the text, Markdown and HTML
//! renderings of the diff (with the memo redline) are produced.
#![no_main]
use arbitrary::Arbitrary;
use kzclaims::engine::diff::{self as rdiff, Side, SideInfo};
use kzclaims::report::diff::{memo_unified, to_html, to_markdown, to_text};
use kzclaims::report::memo::{context, render};
use kzclaims_fuzz::*;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

#[derive(Arbitrary, Debug)]
struct Ws {
    priors: [Option<u8>; 3],
    reliability: [u8; 2],
    evidence_weight: Option<u8>,
    ach: bool,
    claims: Vec<C>,
}

#[derive(Arbitrary, Debug)]
struct C {
    id: u8,
    day: u8,
    credibility: u8,
    ratings: [u8; 3],
    source: bool,
    group: Option<u8>,
    revision: Option<(u8, [Option<u8>; 3], bool)>,
}

const RATINGS: [&str; 6] = ["CC", "C", "N", "I", "II", "NA"];
const REL: [&str; 6] = ["A", "B", "C", "D", "E", "F"];

fn files(w: &Ws) -> Vec<(String, Vec<u8>)> {
    let mut cfg = format!(
        "title = \"t\"\nquestion = \"q\"\n[scoring]\nengine = \"{}\"\n",
        if w.ach { "ACH" } else { "bayes" }
    );
    if let Some(e) = w.evidence_weight {
        cfg += &format!("evidence_weight = {}\n", (e % 10 + 1) as f64 / 10.0);
    }
    let mut scen = String::new();
    for (i, p) in w.priors.iter().enumerate() {
        scen += &format!("[[scenario]]\nid = \"h{i}\"\ntitle = \"H{i}\"\nsummary = \"s\"\n");
        if let Some(p) = p {
            scen += &format!("prior = {}\n", (*p % 34) as f64 / 100.0);
        }
        scen += "\n";
    }
    let mut claims = String::new();
    for (i, r) in w.reliability.iter().enumerate() {
        claims += &format!(
            "[[source]]\nid = \"src{i}\"\nname = \"S\"\nkind = \"media\"\nreliability = \"{}\"\n\n",
            REL[*r as usize % 6]
        );
    }
    let mut seen = std::collections::BTreeSet::new();
    for c in w.claims.iter().take(10) {
        if !seen.insert(c.id % 12) {
            continue;
        }
        let r = c.ratings.map(|x| RATINGS[x as usize % 6]);
        let day = c.day % 28 + 1;
        claims += &format!(
            "[[claim]]\nid = \"c{}\"\ndate = 2022-01-{day:02}\nstatement = \"claim {}\"\nsources = [\"src{}\"]\ncredibility = {}\nratings = {{ h0 = \"{}\", h1 = \"{}\", h2 = \"{}\" }}\n",
            c.id % 12, c.id % 12, c.source as u8, c.credibility % 6 + 1, r[0], r[1], r[2]
        );
        if let Some(g) = c.group {
            claims += &format!("group = \"g{}\"\n", g % 3);
        }
        if let Some((d, rs, retract)) = &c.revision {
            let d = (day + d % 20).min(28);
            claims += &format!("\n[[claim.revision]]\ndate = 2022-01-{d:02}\nnote = \"n\"\n");
            let changed: Vec<String> = rs
                .iter()
                .enumerate()
                .filter_map(|(k, x)| x.map(|x| format!("h{k} = \"{}\"", RATINGS[x as usize % 6])))
                .collect();
            if !changed.is_empty() {
                claims += &format!("ratings = {{ {} }}\n", changed.join(", "));
            }
            if *retract {
                claims += "status = \"retracted\"\n";
            }
        }
        claims += "\n";
    }
    vec![
        ("kzclaims.toml".into(), cfg.into_bytes()),
        ("scenarios/s.toml".into(), scen.into_bytes()),
        ("claims/c.toml".into(), claims.into_bytes()),
    ]
}

fn info(label: &str) -> SideInfo {
    SideInfo {
        spec: label.into(),
        label: label.into(),
        as_of: label.into(),
        revision: None,
    }
}

/// The files as text (the generator writes only UTF-8).
fn sources(w: &Ws) -> Vec<kzclaims::model::SourceFile> {
    files(w)
        .into_iter()
        .map(|(rel, bytes)| kzclaims::model::SourceFile {
            rel,
            text: String::from_utf8(bytes).expect("UTF-8"),
        })
        .collect()
}

fuzz_target!(|input: (Ws, Ws, u8, u8)| {
    let (wa, wb, da, db) = input;
    // Loading two revisions together (a claims file the same on both sides
    // parsed once) gives what loading each alone gives, valid or not; a
    // workspace paired with itself shares every claims file.
    for (x, y) in [(&wa, &wb), (&wa, &wa)] {
        let (px, py) = kzclaims::load::from_files_pair(sources(x), sources(y));
        let alone = |w: &Ws| format!("{:?}", kzclaims::load::from_files(sources(w)));
        assert_eq!(format!("{px:?}"), alone(x));
        assert_eq!(format!("{py:?}"), alone(y));
    }
    let (Some(a), Some(b)) = (load_checked(files(&wa)), load_checked(files(&wb))) else {
        return;
    };
    let date = |d: u8| chrono::NaiveDate::from_ymd_opt(2022, 1, (d % 31 + 1) as u32).unwrap();
    let engine = b.config.engine;
    let (aa, ab) = (
        kzclaims::engine::assess(&a, date(da), engine),
        kzclaims::engine::assess(&b, date(db), engine),
    );
    for s in aa.scores.iter().chain(&ab.scores) {
        assert!(s.probability.is_finite() && s.band.iter().all(|p| p.is_finite()));
    }
    let d = rdiff::diff(
        &Side {
            ws: &a,
            assessment: &aa,
            info: info("a"),
        },
        &Side {
            ws: &b,
            assessment: &ab,
            info: info("b"),
        },
    );
    let at = &d.attribution;
    for (k, id) in at.scenarios.iter().enumerate() {
        let lo: f64 = at.parts.iter().map(|p| p.log_odds.0[k].1).sum();
        let total = at.total_log_odds.0[k].1;
        assert!(
            (lo - total).abs() <= 1e-9 * (1.0 + total.abs()),
            "{id}: parts {lo} vs total {total}"
        );
        let wi: f64 = at
            .parts
            .iter()
            .map(|p| p.weighted_inconsistency.0[k].1)
            .sum();
        let wt = at.total_weighted_inconsistency.0[k].1;
        assert!(
            (wi - wt).abs() <= 1e-9 * (1.0 + wt.abs()),
            "{id}: {wi} vs {wt}"
        );
    }
    let root = Path::new("/nonexistent/kzclaims-fuzz");
    let memo = |ws, a| {
        render::render(root, "memo.md", &context::memo_context(ws, a)).expect("memo renders")
    };
    let (ma, mb) = (memo(&a, &aa), memo(&b, &ab));
    let unified = memo_unified(&ma, &mb, "a", "b");
    let _ = to_text(&d, &unified, false);
    let _ = to_markdown(&d, &unified);
    let html = to_html(&d, &ma, &mb);
    assert_html_inert(&html, 0);
});
