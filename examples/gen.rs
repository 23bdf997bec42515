//! Write a synthetic workspace, for benchmarks and for trying kzclaims at
//! scale:
//!
//! ```sh
//! cargo run --release --example gen -- --out /tmp/ws --claims 100000 --scenarios 12 \
//!     --sources 2000 --revisions 20000 --days 2000 --seed 7 [--git 10]
//! ```
//!
//! The same seed gives the same files. `--git C` makes the folder a git
//! repository whose C commits add the claim files a slice at a time (for
//! `kzclaims diff` between revisions).

#[path = "../benches/gen/mod.rs"]
mod gen;

use std::path::PathBuf;
use std::process::Command;

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
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .arg("-C")
            .arg(&dir)
            .args([
                "-c",
                "user.name=gen",
                "-c",
                "user.email=gen@example.invalid",
            ])
            .args(args)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("git {args:?} failed");
            std::process::exit(1);
        }
    };
    let write = |slice: &[(String, String)]| {
        for (rel, text) in slice {
            let p = dir.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, text).unwrap();
        }
    };
    if commits == 0 {
        gen::write(&dir, &spec).unwrap_or_else(|e| {
            eprintln!("cannot write {}: {e}", dir.display());
            std::process::exit(1)
        });
    } else {
        std::fs::create_dir_all(&dir).unwrap();
        git(&["init", "-q"]);
        // The config, scenarios and sources first; then the claim files in
        // `commits` slices.
        let (head, claims) = files.split_at(3);
        let per = claims.len().div_ceil(commits).max(1);
        for (k, chunk) in claims.chunks(per).enumerate() {
            if k == 0 {
                write(head);
            }
            write(chunk);
            git(&["add", "-A"]);
            git(&["commit", "-q", "-m", &format!("generated slice {}", k + 1)]);
        }
    }
    println!(
        "wrote {} files, {:.1} MB, {} claims, into {}",
        files.len(),
        bytes as f64 / 1e6,
        spec.claims,
        dir.display()
    );
}
