//! Benchmark at scale (issue 8): generated workspaces of 10k and 100k claims
//! (12 scenarios, 20% revised, 2,000 days), each command's work measured side
//! by side with the floor — reading and parsing the same files into typed
//! serde structs and nothing else, on one thread. Figures are ratios taken in
//! one run; absolute times depend on the machine. Nothing is asserted.
//!
//! Run: `cargo bench --bench scale` (`-- --sizes 10000,100000,1000000` to
//! choose the sizes; `-- --rounds N` for more rounds). Peak memory is read
//! with `/usr/bin/time` around the release binary, when both are there.

#[path = "gen/mod.rs"]
mod gen;

use kzclaims::engine::diff as rdiff;
use kzclaims::engine::{self, collect, sensitivity, timeline};
use kzclaims::model::EngineKind;
use kzclaims::report::memo::{context, render};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

// The floor: the files as plain typed structs.
#[allow(dead_code)]
#[derive(Deserialize)]
struct ClaimsFile {
    #[serde(default)]
    source: Vec<SourceRaw>,
    #[serde(default)]
    claim: Vec<ClaimRaw>,
}
#[allow(dead_code)]
#[derive(Deserialize)]
struct SourceRaw {
    id: String,
    name: String,
    url: Option<String>,
    kind: String,
    reliability: String,
}
#[allow(dead_code)]
#[derive(Deserialize)]
struct ClaimRaw {
    id: String,
    date: toml::value::Datetime,
    statement: String,
    sources: Vec<String>,
    url: Option<String>,
    credibility: i64,
    relevance: Option<String>,
    group: Option<String>,
    ratings: BTreeMap<String, String>,
    #[serde(default)]
    revision: Vec<RevisionRaw>,
}
#[allow(dead_code)]
#[derive(Deserialize)]
struct RevisionRaw {
    date: toml::value::Datetime,
    note: String,
    credibility: Option<i64>,
    status: Option<String>,
    ratings: Option<BTreeMap<String, String>>,
}

fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            toml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "toml") {
            out.push(p);
        }
    }
}

fn floor(root: &Path) -> usize {
    let mut files = Vec::new();
    toml_files(&root.join("claims"), &mut files);
    let mut n = 0;
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let parsed: ClaimsFile = toml::from_str(&text).unwrap();
        n += parsed.claim.len() + parsed.source.len();
    }
    let _: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("kzclaims.toml")).unwrap()).unwrap();
    let _: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("scenarios/scenarios.toml")).unwrap())
            .unwrap();
    n
}

/// The best of `rounds` runs (the least disturbed by the rest of the machine).
/// Freeing the result is not timed: the command-line commands leave their
/// workspace to the operating system at exit (`cli::Kept`).
fn time<T>(rounds: usize, mut f: impl FnMut() -> T) -> Duration {
    (0..rounds)
        .map(|_| {
            let t = Instant::now();
            let out = black_box(f());
            let elapsed = t.elapsed();
            drop(out);
            elapsed
        })
        .min()
        .unwrap()
}

/// The best of `rounds` wall times of the release binary run as a user runs
/// it (output to /dev/null), on `threads` threads.
fn time_bin(rounds: usize, bin: &Path, root: &Path, args: &[&str], threads: usize) -> Duration {
    (0..rounds)
        .map(|_| {
            let t = Instant::now();
            let status = std::process::Command::new(bin)
                .arg("-w")
                .arg(root)
                .args(args)
                .arg("-q")
                .env("RAYON_NUM_THREADS", threads.to_string())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .expect("the release binary runs");
            let elapsed = t.elapsed();
            assert!(status.code().is_some_and(|c| c <= 1), "{args:?} failed");
            elapsed
        })
        .min()
        .unwrap()
}

fn peak_rss_kb(bin: &Path, root: &Path, args: &[&str]) -> Option<u64> {
    let out = std::process::Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(bin)
        .arg("-w")
        .arg(root)
        .args(args)
        .arg("-q")
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .last()?
        .trim()
        .parse()
        .ok()
}

/// Make the workspace a git repository of two commits: the record, then
/// the last tenth of its claim files re-graded (credibility 2 → 3), as an
/// analyst's week of edits. `false` when git is not there.
fn git_history(root: &Path) -> bool {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(root)
            .args([
                "-c",
                "user.name=bench",
                "-c",
                "user.email=bench@example.invalid",
            ])
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !(git(&["init", "-q"]) && git(&["add", "-A"]) && git(&["commit", "-q", "-m", "record"])) {
        return false;
    }
    let mut files = Vec::new();
    toml_files(&root.join("claims"), &mut files);
    files.sort();
    for f in &files[files.len() - files.len() / 10..] {
        let text = std::fs::read_to_string(f).unwrap();
        std::fs::write(f, text.replace("credibility = 2", "credibility = 3")).unwrap();
    }
    git(&["commit", "-q", "-am", "re-graded"])
}

fn main() {
    let mut sizes = vec![10_000usize, 100_000];
    let mut rounds = 3;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--sizes" => {
                sizes = args
                    .next()
                    .unwrap()
                    .split(',')
                    .map(|s| s.parse().unwrap())
                    .collect()
            }
            "--rounds" => rounds = args.next().unwrap().parse().unwrap(),
            _ => {} // cargo bench passes --bench
        }
    }
    // The allocator set as the binary's `main` sets it (src/main.rs).
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; M_MXFAST = 0 is a
    // documented value (fast bins off) and is safe at any time.
    unsafe {
        libc::mallopt(libc::M_MXFAST, 0);
    }
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/kzclaims");
    println!("kzclaims scale benchmark: best of {rounds} rounds; one thread unless marked");
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let cores = rayon::current_num_threads();
    for n in sizes {
        let dir = tempfile::tempdir().unwrap();
        let spec = gen::Spec {
            claims: n,
            scenarios: 12,
            sources: (n / 50).max(50),
            revisions: n / 5,
            days: 2000,
            seed: 7,
        };
        let bytes = gen::write(dir.path(), &spec).unwrap();
        let root = dir.path();
        let t_floor = time(rounds, || floor(root));
        let ws = kzclaims::load::Loader::new(root).load().unwrap();
        let as_of = ws.default_as_of().unwrap();
        // As the commands that quote no file load (all but `check` and `fmt`).
        let lean = || kzclaims::load::Loader::new(root).lean(true).load().unwrap();
        let t_load = one.install(|| time(rounds, lean));
        let t_load_all = time(rounds, lean);
        let a = engine::assess(&ws, as_of, EngineKind::Bayes);
        let t_assess = time(rounds, || engine::assess(&ws, as_of, EngineKind::Bayes));
        let t_brief = time(rounds, || {
            let ctx = context::memo_context(&ws, &a);
            render::render(root, "memo.md", &ctx).unwrap()
        });
        // As `kzclaims check` does it: one sensitivity pass and one run of
        // the checks for the memo and the report, the memo rendered in each
        // format the workspace has, then K108 over it.
        let t_checks = time(rounds, || kzclaims::report::checked(&ws, &a).unwrap());
        let t_timeline = time(rounds, || {
            timeline::timeline(&ws, EngineKind::Bayes, None, None)
        });
        let t_sens = time(rounds, || sensitivity::analyse(&ws, &a));
        let t_collect = time(rounds, || collect::analyse_assessment(&ws, &a));
        let earlier = as_of - chrono::Duration::days(200);
        let t_diff = time(rounds, || {
            let b = engine::assess(&ws, earlier, EngineKind::Bayes);
            let info = |d: chrono::NaiveDate| rdiff::SideInfo {
                spec: d.to_string(),
                label: d.to_string(),
                as_of: d.to_string(),
                revision: None,
            };
            rdiff::diff(
                &rdiff::Side {
                    ws: &ws,
                    assessment: &b,
                    info: info(earlier),
                },
                &rdiff::Side {
                    ws: &ws,
                    assessment: &a,
                    info: info(as_of),
                },
            )
        });
        let t_git = git_history(root).then(|| {
            time(rounds, || {
                // As `kzclaims diff` does: both revisions read, then loaded
                // together (shared claims files parsed once), then assessed.
                let files = |rev: &str| kzclaims::load::read_at(root, rev).unwrap().0;
                let (wa, wb) = kzclaims::load::from_files_pair(files("HEAD~1"), files("HEAD"));
                let (wa, wb) = (wa.unwrap(), wb.unwrap());
                let (aa, ab) = rayon::join(
                    || engine::assess(&wa, as_of, EngineKind::Bayes),
                    || engine::assess(&wb, as_of, EngineKind::Bayes),
                );
                let info = |r: &str| rdiff::SideInfo {
                    spec: r.into(),
                    label: r.into(),
                    as_of: as_of.to_string(),
                    revision: None,
                };
                rdiff::diff(
                    &rdiff::Side {
                        ws: &wa,
                        assessment: &aa,
                        info: info("HEAD~1"),
                    },
                    &rdiff::Side {
                        ws: &wb,
                        assessment: &ab,
                        info: info("HEAD"),
                    },
                )
            })
        });
        // The same commands as a user runs them: the release binary, whole
        // (load, work, output, exit), timed from outside.
        let have_bin = bin.is_file();
        let out = dir.path().join("bench-out");
        let out = out.to_str().unwrap();
        let cmds: Vec<(&str, Vec<&str>)> = vec![
            ("score --format json", vec!["score", "--format", "json"]),
            ("brief", vec!["brief", "--out", out]),
            ("check", vec!["check"]),
            ("timeline", vec!["timeline", "--format", "json"]),
            ("sensitivity", vec!["sensitivity"]),
            ("collect", vec!["collect"]),
        ];
        let t_bin: Vec<(String, Duration, Duration)> = if have_bin {
            cmds.iter()
                .map(|(name, args)| {
                    (
                        name.to_string(),
                        time_bin(rounds, &bin, root, args, 1),
                        time_bin(rounds, &bin, root, args, cores),
                    )
                })
                .collect()
        } else {
            Vec::new()
        };
        let score = t_load + t_assess;
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "\n{n} claims × 12 scenarios, {} revisions, {:.1} MB on disk",
            spec.revisions,
            bytes as f64 / 1e6
        );
        println!(
            "  {:<34} {:>10} {:>9} {:>9}",
            "step", "ms", "÷ floor", "÷ score"
        );
        let row = |name: &str, d: Duration| {
            println!(
                "  {:<34} {:>10.1} {:>9.2} {:>9.2}",
                name,
                ms(d),
                d.as_secs_f64() / t_floor.as_secs_f64(),
                d.as_secs_f64() / score.as_secs_f64()
            )
        };
        row("floor: read + typed serde parse", t_floor);
        row("load (read, parse, validate)", t_load);
        row("score = load + assess", score);
        row(&format!("load, {cores} threads"), t_load_all);
        row(&format!("score, {cores} threads"), t_load_all + t_assess);
        row("brief = score + memo (md)", score + t_brief);
        row("check = score + memo + checks", score + t_checks);
        row("timeline = load + timeline", t_load + t_timeline);
        row("sensitivity = score + sensitivity", score + t_sens);
        row("collect = score + collect", score + t_collect);
        row("diff of two dates = score + diff", score + t_diff);
        if let Some(t) = t_git {
            row(&format!("diff of two git revisions, {cores} threads"), t);
        }
        if !t_bin.is_empty() {
            let git_bin = t_git.map(|_| {
                (
                    time_bin(rounds, &bin, root, &["diff", "HEAD~1", "HEAD"], 1),
                    time_bin(rounds, &bin, root, &["diff", "HEAD~1", "HEAD"], cores),
                )
            });
            let (score1, score_n) = (t_bin[0].1, t_bin[0].2);
            println!(
                "  {:<34} {:>10} {:>9} {:>9} {:>10} {:>9}",
                "the release binary",
                "1 thr ms",
                "÷ floor",
                "÷ score",
                format!("{cores} thr ms"),
                "÷ floor"
            );
            let brow = |name: &str, one: Duration, all: Duration| {
                println!(
                    "  {:<34} {:>10.1} {:>9.2} {:>9.2} {:>10.1} {:>9.2}",
                    format!("kzclaims {name}"),
                    ms(one),
                    one.as_secs_f64() / t_floor.as_secs_f64(),
                    one.as_secs_f64() / score1.as_secs_f64(),
                    ms(all),
                    all.as_secs_f64() / t_floor.as_secs_f64(),
                )
            };
            for (name, one, all) in &t_bin {
                brow(name, *one, *all);
            }
            if let Some((one, all)) = git_bin {
                brow("diff HEAD~1 HEAD", one, all);
            }
            println!(
                "  (÷ score: against `kzclaims score --format json` on one thread; {cores}-thread score: {:.1} ms)",
                ms(score_n)
            );
        }
        if bin.is_file() && Path::new("/usr/bin/time").is_file() {
            for cmd in [&["score", "--format", "json"][..], &["brief"], &["check"]] {
                if let Some(kb) = peak_rss_kb(&bin, root, cmd) {
                    println!(
                        "  peak memory of `kzclaims {}`: {:.0} MiB ({:.1}× the bytes on disk)",
                        cmd.join(" "),
                        kb as f64 / 1024.0,
                        kb as f64 * 1024.0 / bytes as f64
                    );
                }
            }
        }
    }
}
