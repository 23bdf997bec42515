//! Turns an imported [`Matrix`] into workspace files: a new workspace laid out
//! as `kzclaims init` lays one out, or one new claims file for an existing
//! workspace. Nothing is written here: the files are checked by the loader,
//! together with the workspace's own, and handed back to be written.

use super::{slugify, Matrix, NewClaim, NewScenario, NewSource};
use crate::diag::{line_col, Code, Diagnostic};
use crate::load::{self, LoadError, CONFIG_FILE};
use crate::model::{SourceFile, Workspace};
use crate::report::memo::render::BUILTIN;
use std::collections::HashMap;
use std::fmt::Write;
use std::path::Path;

/// The files an import writes, checked and ready.
#[derive(Debug)]
pub(crate) struct Plan {
    /// Path relative to the workspace root (with `/`), and text.
    pub files: Vec<(String, String)>,
    pub claims: usize,
    pub new_scenarios: usize,
    pub new_sources: usize,
    /// Things to tell the user (sources reused, …).
    pub notes: Vec<String>,
}

/// Why an import was refused: diagnostics and the texts they quote.
#[derive(Debug)]
pub(crate) struct Rejected {
    pub diagnostics: Vec<Diagnostic>,
    pub files: Vec<SourceFile>,
}

/// A TOML basic string.
fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A TOML key: bare when it can be, quoted otherwise (slugs may hold `.`).
fn key(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        s.to_string()
    } else {
        q(s)
    }
}

fn list(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|s| q(s)).collect();
    format!("[{}]", parts.join(", "))
}

/// Where an item of the imported file is, for messages: `row 4 of m.csv`.
fn place(m: &Matrix, label: &str) -> String {
    format!("{label} of {}", m.file)
}

/// `claims/a.toml:12:5`, where an item of the workspace is defined.
fn ws_place(ws: &Workspace, loc: &crate::model::Loc) -> String {
    match ws.files.get(loc.file) {
        Some(f) => {
            let (l, c) = line_col(&f.text, loc.span.start);
            format!("{}:{l}:{c}", f.rel)
        }
        None => "the workspace".to_string(),
    }
}

/// An error about an imported item, pointing into the file when it has text.
fn at(m: &Matrix, d: Diagnostic, span: &Option<std::ops::Range<usize>>) -> Diagnostic {
    match (span, &m.text) {
        (Some(s), Some(_)) => d.at(m.file.clone(), s.clone()),
        _ => d.in_file(m.file.clone()),
    }
}

/// Plan an import into `root`: `existing` is the workspace there, if any.
/// `stem` names the new claims file.
pub(crate) fn plan(
    m: &Matrix,
    existing: Option<&Workspace>,
    root: &Path,
    stem: &str,
) -> Result<Plan, Rejected> {
    let mut diags = Vec::new();
    let mut notes = Vec::new();
    // Scenario ids as written in the new files, by matrix index.
    let mut scen_ids: Vec<String> = m.scenarios.iter().map(|s| s.id.clone()).collect();
    // Matrix source id → id cited in the new file; sources to define.
    let mut source_ids: HashMap<&str, String> = HashMap::new();
    let mut define = Vec::new();
    match existing {
        Some(ws) => {
            match_scenarios(m, ws, &mut scen_ids, &mut diags);
            taken_ids(m, ws, &mut diags);
            match_sources(m, ws, &mut source_ids, &mut define, &mut notes);
        }
        None => {
            for s in &m.sources {
                source_ids.insert(s.id.as_str(), s.id.clone());
                define.push(s);
            }
        }
    }
    if !diags.is_empty() {
        return Err(rejected(m, diags));
    }
    let files = files(m, existing, root, stem, &scen_ids, &source_ids, &define)?;
    check(m, existing, &files)?;
    Ok(Plan {
        claims: m.claims.len(),
        new_scenarios: if existing.is_none() {
            m.scenarios.len()
        } else {
            0
        },
        new_sources: define.len(),
        files,
        notes,
    })
}

/// Each matrix scenario's id in `ws` (by id or title), into `scen_ids`; E035
/// for one that matches none or the same as another, and for a scenario of
/// `ws` the matrix does not rate.
fn match_scenarios(
    m: &Matrix,
    ws: &Workspace,
    scen_ids: &mut [String],
    diags: &mut Vec<Diagnostic>,
) {
    let mut used: HashMap<&str, &str> = HashMap::new();
    for (i, s) in m.scenarios.iter().enumerate() {
        let found = ws.scenarios.iter().find(|w| {
            w.id == s.id
                || w.title.trim().eq_ignore_ascii_case(s.title.trim())
                || slugify(&w.title, 40) == s.id
        });
        match found {
            Some(w) => {
                if let Some(prev) = used.insert(w.id.as_str(), s.origin.label.as_str()) {
                    diags.push(at(
                        m,
                        Diagnostic::error(
                            Code::E035,
                            format!(
                                "{} and {} both stand for scenario `{}`",
                                place(m, prev),
                                s.origin.label,
                                w.id
                            ),
                        ),
                        &s.origin.span,
                    ));
                }
                scen_ids[i] = w.id.clone();
            }
            None => {
                let ids: Vec<&str> = ws.scenarios.iter().map(|w| w.id.as_str()).collect();
                diags.push(at(
                    m,
                    Diagnostic::error(
                        Code::E035,
                        format!(
                            "{} (`{}`) matches no scenario of the workspace",
                            place(m, &s.origin.label),
                            s.title
                        ),
                    )
                    .label("no scenario with this id or title")
                    .help(format!(
                        "name it by the id or title of one of the workspace's scenarios: {}",
                        ids.join(", ")
                    )),
                    &s.origin.span,
                ));
            }
        }
    }
    let missing: Vec<&str> = ws
        .scenarios
        .iter()
        .filter(|w| !scen_ids.contains(&w.id))
        .map(|w| w.id.as_str())
        .collect();
    if !missing.is_empty() && diags.is_empty() {
        diags.push(
            Diagnostic::error(
                Code::E035,
                format!(
                    "{} rates no scenario `{}` of the workspace: every claim must rate every scenario",
                    m.file,
                    missing.join("`, `")
                ),
            )
            .in_file(m.file.clone())
            .help("add a column (or HYPOTHESIS) for each, NA where the evidence does not bear on it"),
        );
    }
}

/// E033 for each imported claim whose id `ws` already uses.
fn taken_ids(m: &Matrix, ws: &Workspace, diags: &mut Vec<Diagnostic>) {
    for c in &m.claims {
        if let Some(e) = ws.claims.iter().find(|e| e.id == c.id) {
            diags.push(at(
                m,
                Diagnostic::error(
                    Code::E033,
                    format!(
                        "claim id `{}` ({}) is already used at {}",
                        c.id,
                        place(m, &c.origin.label),
                        ws_place(ws, &e.loc)
                    ),
                )
                .label("this id is taken")
                .help("ids are never reused: give the claim another id, or leave the existing one out of the import"),
                &c.origin.span,
            ));
        }
    }
}

/// Each imported source's id in the new file: a source of `ws` with its id,
/// its name or (for a link's host) its home page's host, else its own and
/// defined in the new file (into `define`).
fn match_sources<'m>(
    m: &'m Matrix,
    ws: &Workspace,
    source_ids: &mut HashMap<&'m str, String>,
    define: &mut Vec<&'m NewSource>,
    notes: &mut Vec<String>,
) {
    for s in &m.sources {
        fn host(u: &Option<String>) -> Option<&str> {
            u.as_deref().and_then(super::achz::url_host)
        }
        let found = ws
            .source(&s.id)
            .or_else(|| {
                ws.sources
                    .iter()
                    .find(|w| w.name.trim().eq_ignore_ascii_case(s.name.trim()))
            })
            .or_else(|| {
                // A source made from a link's host: the workspace's
                // source with a home page on that host.
                host(&s.url).and_then(|h| ws.sources.iter().find(|w| host(&w.url) == Some(h)))
            });
        match found {
            Some(w) => {
                notes.push(format!(
                    "source `{}` cites the workspace's source `{}` ({})",
                    s.name,
                    w.id,
                    ws_place(ws, &w.loc)
                ));
                source_ids.insert(s.id.as_str(), w.id.clone());
            }
            None => {
                source_ids.insert(s.id.as_str(), s.id.clone());
                define.push(s);
            }
        }
    }
}

/// The files the import writes: for a new workspace its config, scenarios
/// and templates too; never one that exists (E033).
fn files(
    m: &Matrix,
    existing: Option<&Workspace>,
    root: &Path,
    stem: &str,
    scen_ids: &[String],
    source_ids: &HashMap<&str, String>,
    define: &[&NewSource],
) -> Result<Vec<(String, String)>, Rejected> {
    let base = {
        let s = slugify(stem, 40);
        if s.is_empty() {
            "imported".to_string()
        } else {
            s
        }
    };
    let mut files: Vec<(String, String)> = Vec::new();
    let claims_rel = match existing {
        Some(_) => (1..)
            .map(|n| {
                if n == 1 {
                    format!("claims/{base}.toml")
                } else {
                    format!("claims/{base}-{n}.toml")
                }
            })
            .find(|rel| !root.join(rel).exists())
            .expect("some name is free"),
        None => format!("claims/{base}.toml"),
    };
    if existing.is_none() {
        files.push((CONFIG_FILE.to_string(), config_text(m)));
        files.push(("scenarios/scenarios.toml".into(), scenarios_text(m)));
    }
    let mut claims = header(m);
    for s in define {
        let _ = writeln!(claims, "[[source]]");
        let _ = writeln!(claims, "id = {}", q(&s.id));
        let _ = writeln!(claims, "name = {}", q(&s.name));
        if let Some(u) = &s.url {
            let _ = writeln!(claims, "url = {}", q(u));
        }
        let _ = writeln!(claims, "kind = {}", q(source_kind(s.kind)));
        let _ = writeln!(
            claims,
            "reliability = {}   # {}",
            q(s.reliability.as_str()),
            s.note
        );
        claims.push('\n');
    }
    for c in &m.claims {
        claim_text(&mut claims, c, scen_ids, source_ids);
    }
    files.push((claims_rel, claims));
    if existing.is_none() {
        for (name, text) in BUILTIN {
            files.push((format!("templates/{name}"), text.to_string()));
        }
        let taken: Vec<String> = files
            .iter()
            .filter(|(rel, _)| root.join(rel).exists())
            .map(|(rel, _)| root.join(rel).display().to_string())
            .collect();
        if !taken.is_empty() {
            return Err(rejected(
                m,
                vec![Diagnostic::error(
                    Code::E033,
                    format!("refusing to overwrite existing files: {}", taken.join(", ")),
                )
                .help(
                    "import into an empty folder, or into an existing workspace with --into DIR",
                )],
            ));
        }
    }
    Ok(files)
}

/// Check the files with the workspace's own as `kzclaims check` would, before
/// anything is written.
fn check(
    m: &Matrix,
    existing: Option<&Workspace>,
    files: &[(String, String)],
) -> Result<(), Rejected> {
    let mut all: Vec<SourceFile> = existing.map(|ws| ws.files.clone()).unwrap_or_default();
    all.extend(
        files
            .iter()
            .filter(|(rel, _)| rel.ends_with(".toml"))
            .map(|(rel, text)| SourceFile {
                rel: rel.clone(),
                text: text.clone(),
            }),
    );
    if let Err(LoadError::Invalid { diagnostics, files }) = load::from_files(all) {
        let mut diagnostics = diagnostics;
        diagnostics.insert(
            0,
            Diagnostic::error(
                Code::E033,
                format!(
                    "the TOML made from {} does not pass `kzclaims check`",
                    m.file
                ),
            ),
        );
        return Err(Rejected { diagnostics, files });
    }
    Ok(())
}

fn rejected(m: &Matrix, diagnostics: Vec<Diagnostic>) -> Rejected {
    Rejected {
        diagnostics,
        files: m
            .text
            .as_ref()
            .map(|t| {
                vec![SourceFile {
                    rel: m.file.clone(),
                    text: t.clone(),
                }]
            })
            .unwrap_or_default(),
    }
}

/// The name of a source kind as the files write it.
fn source_kind(k: crate::model::SourceKind) -> &'static str {
    // `SourceKind::NAMES` lists the kinds in declaration order.
    crate::model::SourceKind::NAMES[k as usize]
}

fn header(m: &Matrix) -> String {
    let name = Path::new(&m.file)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| m.file.clone());
    format!(
        "# Imported from {name} ({}) by `kzclaims import`. Format: docs/format.md;\n# grade mapping: docs/interop.md.\n\n",
        m.format
    )
}

fn config_text(m: &Matrix) -> String {
    let stem = Path::new(&m.file)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let title = m.title.clone().unwrap_or(stem);
    let mut s = header(m);
    let _ = writeln!(s, "title = {}", q(&title));
    let _ = writeln!(
        s,
        "question = {}   # {} files state no question: reword it",
        q(&title),
        m.format
    );
    let _ = writeln!(s, "\n[scoring]\nengine = {}", q(m.engine.as_str()));
    let _ = writeln!(s, "\n[memo]");
    let _ = writeln!(
        s,
        "marking = {}",
        q(m.marking.as_deref().unwrap_or("UNCLASSIFIED"))
    );
    let _ = writeln!(s, "template = \"memo\"");
    s
}

fn scenarios_text(m: &Matrix) -> String {
    let mut s = header(m);
    for NewScenario {
        id, title, summary, ..
    } in &m.scenarios
    {
        let _ = writeln!(s, "[[scenario]]");
        let _ = writeln!(s, "id = {}", q(id));
        let _ = writeln!(s, "title = {}", q(title));
        let _ = writeln!(s, "summary = {}\n", q(summary));
    }
    s
}

fn claim_text(
    out: &mut String,
    c: &NewClaim,
    scen_ids: &[String],
    source_ids: &HashMap<&str, String>,
) {
    let sources: Vec<String> = c
        .sources
        .iter()
        .map(|s| {
            source_ids
                .get(s.as_str())
                .cloned()
                .unwrap_or_else(|| s.clone())
        })
        .collect();
    let _ = writeln!(out, "[[claim]]");
    let _ = writeln!(out, "id = {}", q(&c.id));
    let _ = writeln!(out, "date = {}", c.date);
    let _ = writeln!(out, "statement = {}", q(&c.statement));
    let _ = writeln!(out, "sources = {}", list(&sources));
    if let Some(u) = &c.url {
        let _ = writeln!(out, "url = {}", q(u));
    }
    match &c.credibility_note {
        Some(n) => {
            let _ = writeln!(out, "credibility = {}   # {n}", c.credibility.0);
        }
        None => {
            let _ = writeln!(out, "credibility = {}", c.credibility.0);
        }
    }
    let _ = writeln!(out, "relevance = {}", q(c.relevance.as_str()));
    // In `kzclaims fmt`'s order (docs/format.md), so that a fresh import
    // passes `fmt --check`.
    match (&c.rationale, c.scenario_rationale.is_empty()) {
        (Some(r), true) => {
            let _ = writeln!(out, "rationale = {}", q(r));
        }
        (Some(r), false) => {
            // The loader takes a string or a table, not both: the claim-wide
            // text is kept as a comment above the table.
            for line in r.lines() {
                let _ = writeln!(out, "# rationale (claim-wide, imported): {line}");
            }
        }
        (None, _) => {}
    }
    if !c.tags.is_empty() {
        let _ = writeln!(out, "tags = {}", list(&c.tags));
    }
    if let Some(g) = &c.group {
        let _ = writeln!(out, "group = {}", q(g));
    }
    let _ = writeln!(out, "\n[claim.ratings]");
    for (sid, r) in scen_ids.iter().zip(&c.ratings) {
        let _ = writeln!(out, "{} = {}", key(sid), q(r.as_str()));
    }
    if !c.scenario_rationale.is_empty() {
        let _ = writeln!(out, "\n[claim.rationale]");
        for (j, text) in &c.scenario_rationale {
            let _ = writeln!(out, "{} = {}", key(&scen_ids[*j]), q(text));
        }
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SourceKind;

    #[test]
    fn source_kinds_are_named_as_the_loader_reads_them() {
        for name in SourceKind::NAMES {
            assert_eq!(source_kind(SourceKind::parse(name).unwrap()), name);
        }
    }

    #[test]
    fn keys_and_strings_are_valid_toml() {
        assert_eq!(key("elite-coup"), "elite-coup");
        assert_eq!(key("c.2022"), "\"c.2022\"");
        let s = "say \"hi\"\nand \\ go";
        let doc = format!("a = {}\n", q(s));
        let v: toml::Table = doc.parse().unwrap();
        assert_eq!(v["a"].as_str(), Some(s));
    }
}
