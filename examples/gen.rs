//! Write a synthetic workspace, for benchmarks and for trying kzclaims at
//! scale:
//!
//! ```sh
//! cargo run --release --example gen -- --out /tmp/ws --claims 100000 --scenarios 12 \
//!     --sources 2000 --revisions 20000 --days 2000 --seed 7 [--git 10]
//! ```
//!
//! The same seed gives the same files. `--git C` makes the folder a git
//! repository of C commits with realistic dates: the claims are filed in date
//! order (as an analyst appends to the current file, 200 a file) and each
//! commit adds the next slice of them, dated a few days (0 to 9) after the
//! latest claim it adds, never before the commit before it. The claims are
//! those of the plain workspace with the same seed, filed differently. For
//! `kzclaims diff` between revisions and the history walk (a memo as of a
//! date then sees claims recorded after it: docs/performance.md).

#[path = "../benches/gen/mod.rs"]
mod gen;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn usage() -> ! {
    eprintln!("usage: gen --out DIR [--claims N] [--scenarios H] [--sources S] [--revisions R] [--days D] [--seed K] [--git C]");
    std::process::exit(2)
}

fn main() {
    let mut spec = gen::Spec::default();
    let mut out: Option<PathBuf> = None;
    let mut commits = 0usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut num = || -> u64 {
            args.next()
                .and_then(|v| v.replace('_', "").parse().ok())
                .unwrap_or_else(|| usage())
        };
        match a.as_str() {
            "--out" => out = Some(PathBuf::from(args.next().unwrap_or_else(|| usage()))),
            "--claims" => spec.claims = num() as usize,
            "--scenarios" => spec.scenarios = num() as usize,
            "--sources" => spec.sources = num() as usize,
            "--revisions" => spec.revisions = num() as usize,
            "--days" => spec.days = num() as u32,
            "--seed" => spec.seed = num(),
            "--git" => commits = num() as usize,
            _ => usage(),
        }
    }
    let Some(dir) = out else { usage() };
    if dir.join("kzclaims.toml").exists() {
        eprintln!("{} already holds a workspace", dir.display());
        std::process::exit(2);
    }
    let files = gen::files(&spec);
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    if commits == 0 {
        gen::write(&dir, &spec).unwrap_or_else(|e| {
            eprintln!("cannot write {}: {e}", dir.display());
            std::process::exit(1)
        });
    } else {
        git_history(&dir, &spec, commits);
    }
    println!(
        "wrote {} files, {:.1} MB, {} claims, into {}",
        files.len(),
        bytes as f64 / 1e6,
        spec.claims,
        dir.display()
    );
}

/// Build the repository with `git fast-import` (one process, no work tree
/// churn), then check the last commit out.
fn git_history(dir: &Path, spec: &gen::Spec, commits: usize) {
    let (head, mut blocks) = gen::parts(spec);
    // Date order (ties by id), then 200 a file.
    let mut order: Vec<usize> = (0..blocks.len()).collect();
    order.sort_by_key(|&i| (blocks[i].day, i));
    let base = chrono::NaiveDate::from_ymd_opt(2020, 1, 1)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp();
    let mut rng = gen::Rng(spec.seed ^ 0x6769_7421);
    std::fs::create_dir_all(dir).unwrap();
    let run = |args: &[&str]| {
        let ok = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("git {args:?} failed");
            std::process::exit(1);
        }
    };
    run(&["init", "-q", "-b", "main"]);
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["fast-import", "--quiet"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            eprintln!("cannot run git fast-import: {e}");
            std::process::exit(1)
        });
    let mut out = std::io::BufWriter::new(child.stdin.take().unwrap());
    let data = |out: &mut std::io::BufWriter<_>, text: &str| {
        write!(out, "data {}\n{text}\n", text.len()).unwrap();
    };
    // The text of each claims file so far.
    let mut filed: Vec<String> = vec![String::new(); blocks.len().div_ceil(gen::PER_FILE)];
    let per = blocks.len().div_ceil(commits.max(1)).max(1);
    let mut last = 0i64;
    for (k, slice) in order.chunks(per).enumerate() {
        let latest = slice.iter().map(|&i| blocks[i].day).max().unwrap_or(0);
        let lag = rng.below(10) as i64;
        let when = (base + (latest as i64 + lag) * 86_400).max(last + 60);
        last = when;
        writeln!(out, "commit refs/heads/main").unwrap();
        writeln!(out, "committer gen <gen@example.invalid> {when} +0000").unwrap();
        data(&mut out, &format!("Record {} claims", slice.len()));
        let mut touched: Vec<usize> = Vec::new();
        if k == 0 {
            for (rel, text) in &head {
                writeln!(out, "M 100644 inline {rel}").unwrap();
                data(&mut out, text);
            }
        }
        for (n, &i) in slice.iter().enumerate() {
            let f = (k * per + n) / gen::PER_FILE;
            filed[f].push_str(&std::mem::take(&mut blocks[i].text));
            if touched.last() != Some(&f) {
                touched.push(f);
            }
        }
        for f in touched {
            writeln!(out, "M 100644 inline {}", gen::claims_path(f)).unwrap();
            data(&mut out, &filed[f]);
        }
    }
    drop(out);
    if !child.wait().is_ok_and(|s| s.success()) {
        eprintln!("git fast-import failed");
        std::process::exit(1);
    }
    run(&["checkout", "-q", "-f", "main"]);
}
