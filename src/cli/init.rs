//! `kzclaims init DIR`: a new workspace with one scenario file, one claims file
//! and the default templates. Never overwrites an existing file.

use super::{write_atomic, CmdResult, Failure};
use crate::report::memo::render::BUILTIN;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub(super) struct Args {
    /// Folder to create the workspace in (created if missing)
    pub dir: PathBuf,
}

const CONFIG: &str = r#"#:schema ./schema/kzclaims.schema.json
# kzclaims workspace settings. Format: docs/format.md
title = "My analysis"
question = "What explains the event?"
# as_of = 2024-01-31   # default date for reports; else the latest date in the record

[scoring]
engine = "bayes"       # or "ach"
# How much one group of claims counts against a fully independent observation,
# in (0, 1]. Reports of one event or channel share a `group` and count once;
# 0.5 also discounts the dependence nobody wrote down (docs/scoring.md).
evidence_weight = 0.5
band = [0.25, 1.0]     # every number is also given at these two weights

[memo]
organization = ""
author = ""
marking = "UNCLASSIFIED"
template = "memo"
"#;

const SCENARIOS: &str = r#"#:schema ../schema/scenarios.schema.json
# Competing explanations. Every claim rates every scenario.
[[scenario]]
id = "accident"
title = "An accident nobody planned"
summary = "The event followed from ordinary failures, with no one directing it."
proponents = ["official statement"]

[[scenario.indicator]]
id = "inquiry-finds-fault"
text = "The inquiry attributes the event to equipment failure"
due = 2024-06-30

[[scenario]]
id = "sabotage"
title = "Deliberate sabotage"
summary = "Someone caused the event on purpose."
# A plain name asserts it throughout; { name, since } only from that day on.
proponents = ["opposition media", { name = "the inquiry", since = 2024-02-10 }]

[[scenario.revision]]  # the scenario's wording from a date on (title, summary)
date = 2024-02-10
note = "The inquiry names the valve as the point of attack."
summary = "Someone caused the event on purpose, by cutting into the valve that failed."

[[scenario.indicator]]
id = "arrests"
text = "Police arrest suspects for the damage"
due = 2024-03-31
if_true = 0.7         # chance of seeing it if this scenario is true
if_false = 0.05       # ... and if it is false
"#;

const CLAIMS: &str = r#"#:schema ../schema/claims.schema.json
# Sources and evidence. Dates are written as TOML dates (2024-01-15);
# strings ("2024-01-15") are accepted too.
[[source]]
id = "wire"
name = "A wire service"
url = "https://example.org"
kind = "media"
reliability = "B"     # Admiralty A-F

[[source]]
id = "regulator"
name = "The safety regulator"
kind = "official"
reliability = "C"

[[source]]
id = "inquiry"
name = "The inquiry's final report"
kind = "official"
reliability = "B"
# The day it appeared. A claim or revision counts from the later of its date
# and its earliest source's publication (check warns, K113); a source without
# `published` counts as published on the date of what cites it.
published = 2024-02-10

[[claim]]
id = "maintenance-skipped"
date = 2024-01-15
statement = "Scheduled maintenance had been skipped for two years."
sources = ["wire", "regulator"]
url = "https://example.org/report"
credibility = 2       # Admiralty 1-6
relevance = "high"    # low, medium, high

[claim.ratings]
accident = "C"
sabotage = "N"

[claim.rationale]
accident = "Neglected equipment fails on its own."
sabotage = "Neglect neither requires nor rules out a saboteur."

[[claim]]
id = "van-seen"
date = 2024-01-16
statement = "A neighbour saw an unmarked van at the site the night before."
sources = ["wire"]
url = "https://example.org/witness"
credibility = 3
relevance = "medium"

[claim.ratings]
accident = "I"
sabotage = "C"

[claim.rationale]
accident = "Nobody had reason to be there at night if nothing was planned."
sabotage = "A saboteur needs to reach the site unseen."

[[claim.revision]]    # later facts change a claim from their date on
date = 2024-01-20
note = "The regulator confirmed the van belonged to the maintenance contractor."
credibility = 2
ratings = { accident = "C", sabotage = "I" }
sources = ["wire", "regulator"]   # a revision may add sources from its date on

[[claim]]
id = "tool-marks"
date = 2024-01-22
statement = "The regulator's first report mentions tool marks on the failed valve."
sources = ["regulator"]
url = "https://example.org/regulator-report"
credibility = 4
relevance = "medium"

[claim.ratings]
accident = "I"
sabotage = "C"

[claim.rationale]
accident = "Ordinary wear leaves no tool marks."
sabotage = "Tampering would."

[[claim.revision]]
date = 2024-02-10
note = "The inquiry's final report confirms the marks were cut by a tool."
credibility = 2
sources = ["regulator", "inquiry"]
"#;

pub(super) fn run(args: &Args) -> CmdResult {
    let dir = &args.dir;
    let schemas = crate::load::schema::schemas();
    let mut files: Vec<(PathBuf, &str)> = vec![
        (dir.join("kzclaims.toml"), CONFIG),
        (dir.join("scenarios/scenarios.toml"), SCENARIOS),
        (dir.join("claims/claims.toml"), CLAIMS),
    ];
    for (name, text) in BUILTIN {
        files.push((dir.join("templates").join(name), text));
    }
    // The schemas the `#:schema` lines point at, for editors.
    for (name, text) in &schemas {
        files.push((dir.join("schema").join(name), text.as_str()));
    }
    let existing: Vec<String> = files
        .iter()
        .filter(|(p, _)| p.exists())
        .map(|(p, _)| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        return Err(Failure::Usage(format!(
            "refusing to overwrite existing files: {}",
            existing.join(", ")
        )));
    }
    for (path, text) in &files {
        let parent = path.parent().expect("joined paths have a parent");
        std::fs::create_dir_all(parent)
            .map_err(|e| Failure::Usage(format!("cannot create {}: {e}", parent.display())))?;
        write_atomic(path, text.as_bytes())
            .map_err(|e| Failure::Usage(format!("cannot write {}: {e}", path.display())))?;
    }
    println!(
        "created a kzclaims workspace in {}\nnext: edit its TOML files, then run `kzclaims check` and `kzclaims brief` there",
        dir.display()
    );
    if super::git_setup::in_git_repository(dir) {
        for line in super::git_setup::setup(dir, "kzclaims")? {
            println!("git: {line}");
        }
    } else {
        println!(
            "to work on it as a team in git: `git init` there, then `kzclaims git-setup` (docs/collaboration.md)"
        );
    }
    Ok(())
}
