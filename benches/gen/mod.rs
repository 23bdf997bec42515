//! A synthetic workspace generator, shared by `examples/gen.rs` (the command)
//! and `benches/scale.rs` (the benchmarks): claims spread over many files and
//! folders, several sources per claim, revisions and retractions, groups,
//! indicators with observations; the same bytes for the same seed.
//!
//! The random numbers come from SplitMix64, written out here: a test tool
//! needs no dependency for eight lines of arithmetic.

use std::fmt::Write;
use std::path::Path;

/// SplitMix64.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Spec {
    pub claims: usize,
    pub scenarios: usize,
    pub sources: usize,
    pub revisions: usize,
    pub days: u32,
    pub seed: u64,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            claims: 1000,
            scenarios: 12,
            sources: 200,
            revisions: 200,
            days: 2000,
            seed: 1,
        }
    }
}

const RATINGS: [&str; 6] = ["CC", "C", "N", "I", "II", "NA"];
const WORDS: [&str; 16] = [
    "officials",
    "reported",
    "protesters",
    "security",
    "forces",
    "gathered",
    "near",
    "the",
    "administration",
    "building",
    "while",
    "witnesses",
    "said",
    "several",
    "roads",
    "closed",
];

fn date(base: chrono::NaiveDate, d: u32) -> String {
    (base + chrono::Duration::days(d as i64)).to_string()
}

/// Claims a file.
pub const PER_FILE: usize = 200;

/// The path of the `f`-th claims file.
pub fn claims_path(f: usize) -> String {
    format!("claims/part{:03}/f{:04}.toml", f / 20, f)
}

/// The files of the workspace: (relative path, text), claims in
/// `claims/<folder>/<file>.toml`, 200 claims a file, 20 files a folder.
pub fn files(spec: &Spec) -> Vec<(String, String)> {
    let (mut out, blocks) = parts(spec);
    for (f, chunk) in blocks.chunks(PER_FILE).enumerate() {
        let t: String = chunk.iter().map(|b| b.text.as_str()).collect();
        out.push((claims_path(f), t));
    }
    out
}

/// One claim as written: its TOML (with its revision, if any) and the day
/// (from 2020-01-01) it is dated.
pub struct Block {
    /// Read by `examples/gen.rs --git` (not by the benchmarks).
    #[allow(dead_code)]
    pub day: u32,
    pub text: String,
}

/// The workspace's files other than the claims (config, scenarios,
/// sources), and every claim's block in id order.
pub fn parts(spec: &Spec) -> (Vec<(String, String)>, Vec<Block>) {
    let mut rng = Rng(spec.seed);
    let base = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    let h = spec.scenarios.max(2);
    let mut out = Vec::new();
    out.push((
        "kzclaims.toml".to_string(),
        format!(
            "title = \"Generated workspace ({} claims)\"\nquestion = \"Which of {h} explanations fits?\"\n\n[scoring]\nengine = \"bayes\"\n\n[memo]\nmarking = \"UNCLASSIFIED//GENERATED\"\n",
            spec.claims
        ),
    ));
    let mut sc = String::new();
    for j in 0..h {
        let _ = writeln!(
            sc,
            "[[scenario]]\nid = \"h{j}\"\ntitle = \"Explanation number {j}\"\nsummary = \"A generated explanation of the events, number {j}.\"\n"
        );
        let _ = writeln!(
            sc,
            "[[scenario.indicator]]\nid = \"sign\"\ntext = \"A sign that explanation {j} holds\"\ndue = {}\nif_true = 0.8\nif_false = 0.3\n",
            date(base, spec.days + 30)
        );
        if j % 3 == 0 {
            let _ = writeln!(
                sc,
                "[[scenario.indicator.observation]]\ndate = {}\nobserved = {}\n",
                date(base, rng.below(spec.days as u64) as u32),
                rng.below(2) == 0
            );
        }
    }
    out.push(("scenarios/scenarios.toml".to_string(), sc));
    let mut src = String::new();
    for k in 0..spec.sources.max(1) {
        let _ = writeln!(
            src,
            "[[source]]\nid = \"src{k}\"\nname = \"Source number {k}\"\nurl = \"https://source{k}.example\"\nkind = \"media\"\nreliability = \"{}\"\n",
            ["A", "B", "C", "D", "E", "F"][rng.below(6) as usize]
        );
    }
    out.push(("claims/sources.toml".to_string(), src));
    // Which claims get revisions: every k-th, so the count is exact.
    let revised_every = if spec.revisions == 0 {
        usize::MAX
    } else {
        (spec.claims / spec.revisions.min(spec.claims).max(1)).max(1)
    };
    let mut revisions_left = spec.revisions;
    let mut blocks = Vec::with_capacity(spec.claims);
    {
        for i in 0..spec.claims {
            let mut t = String::new();
            let d = rng.below(spec.days as u64) as u32;
            let n_src = 1 + rng.below(3) as usize;
            let srcs: Vec<String> = (0..n_src)
                .map(|_| format!("\"src{}\"", rng.below(spec.sources.max(1) as u64)))
                .collect();
            let words: Vec<&str> = (0..12 + rng.below(20))
                .map(|_| WORDS[rng.below(WORDS.len() as u64) as usize])
                .collect();
            let _ = writeln!(
                t,
                "[[claim]]\nid = \"c{i}\"\ndate = {}\nstatement = \"Claim {i}: {}.\"\nsources = [{}]\nurl = \"https://news.example/{i}\"\ncredibility = {}\nrelevance = \"{}\"",
                date(base, d),
                words.join(" "),
                srcs.join(", "),
                1 + rng.below(6),
                ["low", "medium", "high"][rng.below(3) as usize]
            );
            if rng.below(4) == 0 {
                let _ = writeln!(
                    t,
                    "group = \"event-{}\"",
                    rng.below((spec.claims / 8).max(1) as u64)
                );
            }
            let r: Vec<String> = (0..h)
                .map(|j| format!("h{j} = \"{}\"", RATINGS[rng.below(6) as usize]))
                .collect();
            let _ = writeln!(t, "ratings = {{ {} }}\n", r.join(", "));
            if revisions_left > 0 && i % revised_every == 0 {
                revisions_left -= 1;
                let rd = d + 1 + rng.below(60) as u32;
                if rng.below(10) == 0 {
                    let _ = writeln!(
                        t,
                        "[[claim.revision]]\ndate = {}\nnote = \"Withdrawn: the report could not be confirmed.\"\nstatus = \"retracted\"\n",
                        date(base, rd)
                    );
                } else {
                    let j = rng.below(h as u64);
                    let _ = writeln!(
                        t,
                        "[[claim.revision]]\ndate = {}\nnote = \"Later reporting changed the picture.\"\ncredibility = {}\nratings = {{ h{j} = \"{}\" }}\n",
                        date(base, rd),
                        1 + rng.below(6),
                        RATINGS[rng.below(6) as usize]
                    );
                }
            }
            blocks.push(Block { day: d, text: t });
        }
    }
    (out, blocks)
}

/// Write the workspace under `dir` (which must not hold one yet).
pub fn write(dir: &Path, spec: &Spec) -> std::io::Result<u64> {
    let mut bytes = 0;
    for (rel, text) in files(spec) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("relative paths have a parent"))?;
        std::fs::write(&p, &text)?;
        bytes += text.len() as u64;
    }
    Ok(bytes)
}
