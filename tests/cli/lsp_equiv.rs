//! `kzclaims lsp` publishes what `kzclaims check` reports, edit after edit.
//!
//! Fixed pseudo-random sequences of edits (three on the bundled workspace,
//! one on a generated one of 300 claims) go to the server through
//! `didChange` (incremental ranges, sometimes several in one notification):
//! ratings, dates, ids, sources, syntax broken and fixed, claim tables deleted
//! and put back, trust, groups, retractions, silences taken away, the
//! scenarios file and kzclaims.toml; while check finds errors, sometimes an
//! undo back to a document's last good text. One notification at a time
//! (so the server never analyses a state the test does not see): after each
//! the test waits until the server has analysed (it answers a request only
//! after that, and publishes before it answers), writes the same texts to a
//! second copy of the workspace, runs `check --format json` there, and
//! compares, file by file, the multisets of (code, severity, start, end,
//! message) on both sides.
//!
//! The server differs from `check` in two documented ways, modelled here
//! rather than compared loosely:
//! - its message is check's message, then ` (label)`, then `\nhelp: help`;
//!   a diagnostic on no file of the workspace goes on kzclaims.toml at 0:0,
//!   its file (if any) before the message (src/lsp/diagnostics.rs);
//! - while the documents do not load, it shows the errors, and the warnings
//!   of the other files as the workspace stands with each broken document's
//!   last text that loaded (src/lsp/store.rs). The test keeps those texts
//!   (the open documents' texts at the last step where check found no error)
//!   and runs check a second time with them.
//!
//! Any other difference fails the test, which prints the edits so far and
//! both sides.

use super::common::*;
use super::lsp_client::*;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::path::Path;

#[path = "../../benches/gen/mod.rs"]
#[allow(dead_code)]
mod gen;

const CONFIG: &str = "kzclaims.toml";

/// The documents opened in the editor: every edit goes to one of them.
struct Layout {
    /// The claims files opened.
    claims: Vec<String>,
    /// The scenarios file (opened).
    scenarios: String,
}

impl Layout {
    /// Every open document: kzclaims.toml, the scenarios, the claims files.
    fn open(&self) -> Vec<String> {
        let mut v = vec![CONFIG.to_string(), self.scenarios.clone()];
        v.extend(self.claims.iter().cloned());
        v
    }
}

/// xorshift64: a fixed sequence without a dependency.
struct Rng(u64);

impl Rng {
    /// Seeded through splitmix64 (any seed, 0 included, starts well mixed).
    fn new(seed: u64) -> Rng {
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Rng((z ^ (z >> 31)).max(1))
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    fn pick_some<'a, T>(&mut self, xs: &'a [T]) -> Option<&'a T> {
        (!xs.is_empty()).then(|| self.pick(xs))
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn date(&mut self, from_year: i32) -> String {
        let y = from_year + self.below((2023 - from_year) as usize) as i32;
        let m = 1 + self.below(if y == 2022 { 4 } else { 12 });
        format!("{y}-{m:02}-{:02}", 1 + self.below(28))
    }
}

/// One change: the bytes `from..to` of the document become `new`.
struct Change {
    from: usize,
    to: usize,
    new: String,
}

/// The editing session: the open documents' texts as the editor has them,
/// and what the edits leave to be undone later.
struct Session {
    lay: Layout,
    /// Every workspace file's text (closed ones as on disk, unchanged).
    texts: BTreeMap<String, String>,
    versions: BTreeMap<String, i64>,
    /// The open documents' texts at the last step where check found no error.
    good: Option<BTreeMap<String, String>>,
    /// Claim tables deleted, to be put back.
    deleted: Vec<String>,
    /// Syntax errors inserted (file, the text inserted), to be removed.
    breaks: Vec<(String, String)>,
    /// Indicator `ratings` lines removed: (indicator id, the line).
    removed_ratings: Vec<(String, String)>,
    /// The files check found errors in at the last step.
    errors: BTreeSet<String>,
    /// A counter for fresh names.
    n: usize,
    /// How many group edits were made (two share a name).
    groups: usize,
    /// A group was set: the same notification sets it on a second claim.
    second_group: bool,
    /// What was done, step by step, for the failure message.
    log: Vec<String>,
    /// check's diagnostics by the hash of the texts checked.
    checked: HashMap<u64, Vec<Value>>,
}

/// The `[[claim]]` tables of a text: byte ranges up to the next one.
fn claim_tables(text: &str) -> Vec<(usize, usize)> {
    let starts: Vec<usize> = text
        .match_indices("[[claim]]\n")
        .map(|(i, _)| i)
        .filter(|&i| i == 0 || text.as_bytes()[i - 1] == b'\n')
        .collect();
    starts
        .iter()
        .enumerate()
        .map(|(k, &s)| (s, starts.get(k + 1).copied().unwrap_or(text.len())))
        .collect()
}

/// The value of `key = …` (to the end of its line) in the head of the claim
/// table at `s..e` (before its first sub-table).
fn head_value(text: &str, (s, e): (usize, usize), key: &str) -> Option<(usize, usize)> {
    let head_end = text[s + 1..e].find("\n[").map_or(e, |i| s + 1 + i);
    let pat = format!("\n{key} = ");
    let at = s + text[s..head_end].find(&pat)? + pat.len();
    let end = at + text[at..].find('\n').unwrap_or(text.len() - at);
    Some((at, end))
}

/// The line (with its newline) starting at `\n{key} = ` in the head of a claim table.
fn head_line(text: &str, t: (usize, usize), key: &str) -> Option<(usize, usize)> {
    let (at, end) = head_value(text, t, key)?;
    Some((at - key.len() - 3, (end + 1).min(text.len())))
}

/// The quoted rating values in the `[claim.ratings]` table of a claim table.
fn rating_values(text: &str, (s, e): (usize, usize)) -> Vec<(usize, usize)> {
    let Some(r) = text[s..e].find("\n[claim.ratings]\n") else {
        // Written inline: `ratings = { h0 = "C", h1 = "N" }`.
        let Some((a, b)) = head_value(text, (s, e), "ratings") else {
            return Vec::new();
        };
        let quotes: Vec<usize> = text[a..b].match_indices('"').map(|(i, _)| a + i).collect();
        return quotes.chunks_exact(2).map(|q| (q[0] + 1, q[1])).collect();
    };
    let body = s + r + "\n[claim.ratings]\n".len();
    let body_end = text[body..e].find("\n\n").map_or(e, |i| body + i);
    let mut out = Vec::new();
    let mut at = body;
    for line in text[body..body_end].split_inclusive('\n') {
        if let (Some(q1), Some(q2)) = (line.find('"'), line.rfind('"')) {
            if q2 > q1 && !line.starts_with('[') {
                out.push((at + q1 + 1, at + q2));
            }
        }
        at += line.len();
    }
    out
}

/// Every `id = "…"` value at a line start in a text (claims, sources, scenarios).
fn ids(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("id = \""))
        .filter_map(|l| l.split('"').next())
        .map(str::to_string)
        .collect()
}

impl Session {
    fn text(&self, rel: &str) -> &str {
        &self.texts[rel]
    }

    /// While check finds errors: undo, in one change, the edits of an open
    /// document since its last good text (one with an error first), as an
    /// editor's undo would.
    fn undo(&mut self, rng: &mut Rng) -> Option<(String, Change, String)> {
        let good = self.good.as_ref()?;
        let open = self.lay.open();
        let changed: Vec<&str> = open
            .iter()
            .map(String::as_str)
            .filter(|r| self.texts[*r] != good[*r])
            .collect();
        let erring: Vec<&str> = changed
            .iter()
            .copied()
            .filter(|r| self.errors.contains(*r))
            .collect();
        let f = *rng.pick_some(if erring.is_empty() { &changed } else { &erring })?;
        let (now, then) = (self.texts[f].as_bytes(), good[f].as_bytes());
        let mut a = now.iter().zip(then).take_while(|(x, y)| x == y).count();
        let mut z = now[a..]
            .iter()
            .rev()
            .zip(then[a..].iter().rev())
            .take_while(|(x, y)| x == y)
            .count();
        // On character boundaries of both texts.
        while !self.texts[f].is_char_boundary(a) || !good[f].is_char_boundary(a) {
            a -= 1;
        }
        while !self.texts[f].is_char_boundary(now.len() - z)
            || !good[f].is_char_boundary(then.len() - z)
        {
            z -= 1;
        }
        let new = good[f][a..then.len() - z].to_string();
        self.breaks.retain(|(r, _)| r != f);
        let what = format!("undo back to the last good text ({} bytes)", new.len());
        Some((f.to_string(), change(a, now.len() - z, &new), what))
    }

    /// A claim table of one of the open claims files, with the file.
    fn some_claim(&self, rng: &mut Rng, file: Option<&str>) -> Option<(String, (usize, usize))> {
        let file = file.map_or_else(|| rng.pick(&self.lay.claims).clone(), str::to_string);
        let tables = claim_tables(self.text(&file));
        (!tables.is_empty()).then(|| (file, *rng.pick(&tables)))
    }

    /// One edit, as a change to one file and what it does; `file`: in that file.
    fn edit(&mut self, rng: &mut Rng, file: Option<&str>) -> Option<(String, Change, String)> {
        self.n += 1;
        let n = self.n;
        let in_claims = file.is_none_or(|f| self.lay.claims.iter().any(|c| c == f));
        let sc = self.lay.scenarios.clone();
        // Pending repairs come first, half of the time.
        if let Some(k) = (!self.breaks.is_empty() && rng.chance(50))
            .then(|| rng.below(self.breaks.len()))
            .filter(|&k| file.is_none_or(|f| f == self.breaks[k].0))
        {
            let (f, ins) = self.breaks.remove(k);
            let from = self.text(&f).find(&ins)?;
            let what = format!("fix the syntax error {ins:?}");
            return Some((f, change(from, from + ins.len(), ""), what));
        }
        let kind = match file {
            Some(_) if in_claims && std::mem::take(&mut self.second_group) => 15,
            Some(CONFIG) => 20,
            Some(f) if f == sc => 17 + rng.below(3),
            // A claims file: any kind but those of the other files.
            Some(_) => [rng.below(17), 21 + rng.below(4)][usize::from(rng.chance(20))],
            None => rng.below(25),
        };
        match kind {
            // A rating, valid or not (in any case, as users write them).
            0..=3 if in_claims => {
                let (f, t) = self.some_claim(rng, file)?;
                let vals = rating_values(self.text(&f), t);
                let &(a, b) = rng.pick_some(&vals)?;
                let new = *rng.pick(&["CC", "C", "N", "I", "II", "NA", "Q", "cc", "n"]);
                let what = format!("rating {:?} -> {new:?}", &self.text(&f)[a..b]);
                Some((f, change(a, b, new), what))
            }
            // The claim's date: any day, after its revision (E011), not a day.
            4 | 5 if in_claims => {
                let (f, t) = self.some_claim(rng, file)?;
                let (a, b) = head_value(self.text(&f), t, "date")?;
                let text = self.text(&f);
                let rev = text[t.0..t.1]
                    .find("[[claim.revision]]\ndate = ")
                    .and_then(|i| text.get(t.0 + i + 26..t.0 + i + 33));
                let new = match (rng.below(6), rev) {
                    (0 | 1, Some(month)) => format!("{month}-28"),
                    (2, _) => "2022-02-30".to_string(),
                    (3, _) => format!("\"{}\"", rng.date(2021)),
                    _ => rng.date(2019),
                };
                let what = format!("claim date {} -> {new}", &text[a..b]);
                Some((f, change(a, b, &new), what))
            }
            // The claim's id: another file's (E005), a fresh one, not a slug.
            6 | 7 if in_claims => {
                let (f, t) = self.some_claim(rng, file)?;
                let (a, b) = head_value(self.text(&f), t, "id")?;
                let others: Vec<String> = self
                    .texts
                    .iter()
                    .filter(|(r, _)| r.starts_with("claims/") && **r != f)
                    .flat_map(|(_, t)| ids(t))
                    .collect();
                let new = match rng.below(4) {
                    0 | 1 if !others.is_empty() => format!("\"{}\"", rng.pick(&others)),
                    2 => format!("\"Eq Id {n}\""),
                    _ => format!("\"eq-fresh-{n}\""),
                };
                let what = format!("claim id {} -> {new}", &self.text(&f)[a..b]);
                Some((f, change(a, b, &new), what))
            }
            // Its sources: one more (unknown: E007, or known), or one fewer.
            8 | 9 if in_claims => {
                let (f, t) = self.some_claim(rng, file)?;
                let text = self.text(&f);
                let (a, b) = head_value(text, t, "sources")?;
                let list = &text[a..b];
                let known = ids(self.text("claims/sources.toml"));
                let (from, to, new) = match rng.below(3) {
                    0 => (a + 1, a + 1, format!("\"eq-unknown-{n}\", ")),
                    1 => (a + 1, a + 1, format!("\"{}\", ", rng.pick(&known))),
                    _ => {
                        // The first entry (with its comma and space, if any).
                        let first = list.find(',').map_or(list.len() - 1, |i| i + 2);
                        (a + 1, (a + first).min(b - 1), String::new())
                    }
                };
                let what = format!("sources {list} -> change {:?} to {new:?}", &text[from..to]);
                Some((f, change(from, to, &new), what))
            }
            // Break the TOML syntax (repaired by a later step).
            10 | 11 if in_claims => {
                let (f, t) = self.some_claim(rng, file)?;
                let ins = match rng.below(3) {
                    0 => format!("eq-broken-{n} = \n"),
                    1 => format!("[[claim]\n# eq-broken-{n}\n"),
                    _ => format!("statement = \"eq-broken-{n}\n"),
                };
                self.breaks.push((f.clone(), ins.clone()));
                let what = format!("break the syntax: insert {ins:?}");
                Some((f, change(t.0, t.0, &ins), what))
            }
            // Delete a whole claim table, or put one back.
            12 | 13 if in_claims => {
                if !self.deleted.is_empty() && rng.chance(60) {
                    let table = self.deleted.remove(rng.below(self.deleted.len()));
                    let f = file.map_or_else(|| rng.pick(&self.lay.claims).clone(), str::to_string);
                    let tables = claim_tables(self.text(&f));
                    let at = if tables.is_empty() || rng.chance(30) {
                        self.text(&f).len()
                    } else {
                        rng.pick(&tables).0
                    };
                    let mut new = table.clone();
                    if at == self.text(&f).len() && !self.text(&f).ends_with("\n\n") {
                        new.insert(0, '\n');
                    }
                    let what = format!(
                        "put back the claim table {:?}",
                        first_line_after(&table, "id = ")
                    );
                    Some((f, change(at, at, &new), what))
                } else {
                    let (f, t) = self.some_claim(rng, file)?;
                    let table = self.text(&f)[t.0..t.1].to_string();
                    let what = format!(
                        "delete the claim table {:?}",
                        first_line_after(&table, "id = ")
                    );
                    self.deleted.push(table);
                    Some((f, change(t.0, t.1, ""), what))
                }
            }
            // Trust: credibility and relevance, valid or not.
            14 if in_claims => {
                let (f, t) = self.some_claim(rng, file)?;
                let (key, vals): (&str, &[&str]) = if rng.chance(50) {
                    ("credibility", &["1", "2", "3", "6", "7", "\"3\""])
                } else {
                    (
                        "relevance",
                        &["\"low\"", "\"medium\"", "\"high\"", "\"HIGH\"", "\"huge\""],
                    )
                };
                let (a, b) = head_value(self.text(&f), t, key)?;
                let new = *rng.pick(vals);
                let what = format!("{key} {} -> {new}", &self.text(&f)[a..b]);
                Some((f, change(a, b, new), what))
            }
            // A group shared with another claim: set here (the other one in
            // a following change of the same notification).
            15 if in_claims => {
                let (f, t) = self.some_claim(rng, file)?;
                // Every two group edits share a name.
                let name = format!("eq-group-{}", self.groups / 2);
                self.groups += 1;
                self.second_group = self.groups % 2 == 1;
                let text = self.text(&f);
                let (from, to, new) = match head_value(text, t, "group") {
                    Some((a, b)) => (a, b, format!("\"{name}\"")),
                    None => {
                        let (_, b) = head_value(text, t, "id")?;
                        (b + 1, b + 1, format!("group = \"{name}\"\n"))
                    }
                };
                Some((f, change(from, to, &new), format!("group {name}")))
            }
            // Retract the claim from a day on.
            16 if in_claims => {
                let (f, t) = self.some_claim(rng, file)?;
                let text = self.text(&f);
                let lead = if text[..t.1].ends_with('\n') {
                    ""
                } else {
                    "\n"
                };
                let day = rng.date(2022);
                let new = format!("{lead}[[claim.revision]]\ndate = {day}\nstatus = \"retracted\"\nnote = \"eq: retracted é\"\n\n");
                Some((f, change(t.1, t.1, &new), format!("retract from {day}")))
            }
            // The scenarios: a prior.
            17 => {
                let text = self.text(&sc);
                let at: Vec<usize> = text
                    .match_indices("\nprior = ")
                    .map(|(i, _)| i + 9)
                    .collect();
                let &a = rng.pick_some(&at)?;
                let b = a + text[a..].find('\n')?;
                let new = *rng.pick(&["0.25", "0.3", "0.1", "1.5", "0.2"]);
                let what = format!("prior {} -> {new}", &text[a..b]);
                Some((sc.clone(), change(a, b, new), what))
            }
            // An indicator's ratings line taken away, or put back.
            18 => {
                let text = &self.texts[&sc];
                if !self.removed_ratings.is_empty() && rng.chance(60) {
                    let (id, line) = self.removed_ratings.remove(0);
                    let pat = format!("\nid = \"{id}\"\n");
                    let at = text.find(&pat)? + pat.len();
                    let what = format!("put back the ratings of indicator {id}");
                    Some((sc.clone(), change(at, at, &line), what))
                } else {
                    let lines: Vec<usize> = text
                        .match_indices("\nratings = {")
                        .map(|(i, _)| i + 1)
                        .collect();
                    let &a = rng.pick_some(&lines)?;
                    let b = a + text[a..].find('\n')? + 1;
                    let id = text[..a].rfind("\nid = \"").map(|i| &text[i + 7..])?;
                    let id = id[..id.find('"')?].to_string();
                    self.removed_ratings
                        .push((id.clone(), text[a..b].to_string()));
                    let what = format!("take away the ratings of indicator {id}");
                    Some((sc.clone(), change(a, b, ""), what))
                }
            }
            // An indicator's rating, or whether it was observed.
            19 => {
                let text = self.text(&sc);
                if rng.chance(30) {
                    let at: Vec<usize> = text
                        .match_indices("\nobserved = ")
                        .map(|(i, _)| i + 12)
                        .collect();
                    let &a = rng.pick_some(&at)?;
                    let b = a + text[a..].find('\n')?;
                    let new = if &text[a..b] == "true" {
                        "false"
                    } else {
                        "true"
                    };
                    let what = format!("observed -> {new}");
                    return Some((sc.clone(), change(a, b, new), what));
                }
                let at: Vec<usize> = text
                    .match_indices(" = \"")
                    .map(|(i, _)| i + 4)
                    .filter(|&i| {
                        let line = text[..i].rfind('\n').map_or(0, |l| l + 1);
                        text[line..].starts_with("ratings = {")
                    })
                    .collect();
                let &a = rng.pick_some(&at)?;
                let b = a + text[a..].find('"')?;
                let new = *rng.pick(&["CC", "C", "N", "I", "II", "NA", "X"]);
                let what = format!("indicator rating {:?} -> {new:?}", &text[a..b]);
                Some((sc.clone(), change(a, b, new), what))
            }
            // kzclaims.toml: the workspace date, or the evidence weight.
            20 => {
                let text = self.text(CONFIG);
                let (key, new) = if rng.chance(70) {
                    (
                        "\nas_of = ",
                        format!("2022-0{}-{:02}", 1 + rng.below(4), 1 + rng.below(28)),
                    )
                } else {
                    (
                        "\nevidence_weight = ",
                        rng.pick(&["0.5", "0.25", "1.0", "1.5"]).to_string(),
                    )
                };
                let name = key.trim().trim_end_matches(" =");
                let Some(a) = text.find(key).map(|a| a + key.len()) else {
                    // Not written (a generated workspace): as_of added on top.
                    let new = format!("{name} = {new}\n");
                    let what = format!("add {new:?}");
                    return (name == "as_of").then(|| (CONFIG.into(), change(0, 0, &new), what));
                };
                let b = a + text[a..].find('\n')?;
                let what = format!("{name} {} -> {new}", &text[a..b]);
                Some((CONFIG.into(), change(a, b, &new), what))
            }
            // A silence taken away: its warnings come.
            21..=23 if in_claims => {
                let silenced: Vec<(&str, (usize, usize))> = self
                    .lay
                    .claims
                    .iter()
                    .map(String::as_str)
                    .filter(|r| file.is_none_or(|f| f == *r))
                    .flat_map(|r| {
                        let text = self.text(r);
                        claim_tables(text)
                            .into_iter()
                            .filter_map(move |t| head_line(text, t, "silence"))
                            .map(move |l| (r, l))
                    })
                    .collect();
                let &(f, (a, b)) = rng.pick_some(&silenced)?;
                let what = format!("take away {:?}", self.text(f)[a..b].trim());
                Some((f.to_string(), change(a, b, ""), what))
            }
            // A comment line with characters outside ASCII (lines move).
            _ if in_claims => {
                let (f, t) = self.some_claim(rng, file)?;
                let new = format!("# eq — note {n} «é»\n");
                Some((f, change(t.0, t.0, &new), "a comment line".into()))
            }
            _ => None,
        }
    }
}

fn change(from: usize, to: usize, new: &str) -> Change {
    Change {
        from,
        to,
        new: new.to_string(),
    }
}

fn first_line_after<'a>(text: &'a str, prefix: &str) -> &'a str {
    text.lines()
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or("")
}

/// One diagnostic as compared: code, severity (1 error, 2 warning), start
/// and end (line, UTF-16 column, from 0), message.
type Key = (String, u64, (u64, u64), (u64, u64), String);

/// The LSP position of check's 1-based line and character column in `text`.
fn lsp_place(text: &str, line: u64, col: u64) -> (u64, u64) {
    let l = text.split('\n').nth(line as usize - 1).unwrap_or("");
    let units: usize = l.chars().take(col as usize - 1).map(char::len_utf16).sum();
    (line - 1, units as u64)
}

/// What the server should publish for check's diagnostics `diags` (of the
/// workspace with `texts`), by file, as src/lsp/diagnostics.rs words them.
fn as_published(diags: &[&Value], texts: &BTreeMap<String, String>) -> BTreeMap<String, Vec<Key>> {
    let mut out: BTreeMap<String, Vec<Key>> = BTreeMap::new();
    for d in diags {
        let file = d["file"].as_str().unwrap();
        let mut message = d["message"].as_str().unwrap().to_string();
        if let Some(l) = d["label"].as_str() {
            message.push_str(&format!(" ({l})"));
        }
        if let Some(h) = d["help"].as_str() {
            message.push_str(&format!("\nhelp: {h}"));
        }
        let severity = match d["severity"].as_str().unwrap() {
            "error" => 1,
            "warning" => 2,
            s => panic!("severity {s}"),
        };
        let code = d["code"].as_str().unwrap().to_string();
        let (rel, start, end) = match (texts.get(file), d["line"].as_u64()) {
            (Some(text), Some(l)) => {
                let start = lsp_place(text, l, d["column"].as_u64().unwrap());
                let end = lsp_place(
                    text,
                    d["end_line"].as_u64().unwrap(),
                    d["end_column"].as_u64().unwrap(),
                );
                (file.to_string(), start, end)
            }
            (Some(_), None) => (file.to_string(), (0, 0), (0, 0)),
            // On no file of the workspace: on kzclaims.toml, its place named.
            (None, _) => {
                if !file.is_empty() {
                    message = format!("{file}: {message}");
                }
                (CONFIG.to_string(), (0, 0), (0, 0))
            }
        };
        out.entry(rel)
            .or_default()
            .push((code, severity, start, end, message));
    }
    for v in out.values_mut() {
        v.sort();
    }
    out
}

/// Run `check --format json` on `texts` written into `dir`: its diagnostics
/// (kept in `cache` by the texts' hash: an undo comes back to a state
/// checked before, and a broken state's last good texts are checked again
/// at every step until it is fixed).
fn check(
    dir: &Path,
    texts: &BTreeMap<String, String>,
    cache: &mut HashMap<u64, Vec<Value>>,
) -> Vec<Value> {
    let key = {
        let mut h = std::hash::DefaultHasher::new();
        texts.hash(&mut h);
        h.finish()
    };
    if let Some(d) = cache.get(&key) {
        return d.clone();
    }
    for (rel, text) in texts {
        std::fs::write(dir.join(rel), text).unwrap();
    }
    let out = kz(dir)
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| {
        panic!(
            "check --format json gave no JSON ({e}): {}{}",
            stdout(&out),
            stderr(&out)
        )
    });
    let d = json["diagnostics"].as_array().unwrap().clone();
    cache.insert(key, d.clone());
    d
}

fn is_error(d: &Value) -> bool {
    d["severity"] == "error"
}

/// How the workspace stands after a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stands {
    /// No error: every warning.
    Loads,
    /// Errors; the other files' warnings with the broken documents' last good texts.
    BrokenWithWarnings,
    /// Errors only (a broken file without a good text, or those do not load either).
    BrokenErrorsOnly,
}

/// What the server should publish now, from check on the same texts (and,
/// while they do not load, on the broken documents' last good texts).
fn expected(dir: &Path, s: &mut Session) -> (BTreeMap<String, Vec<Key>>, Stands) {
    let now = check(dir, &s.texts, &mut s.checked);
    s.errors = now
        .iter()
        .filter(|d| is_error(d))
        .map(|d| d["file"].as_str().unwrap().to_string())
        .collect();
    if !now.iter().any(is_error) {
        s.good = Some(
            s.lay
                .open()
                .into_iter()
                .map(|r| {
                    let t = s.texts[&r].clone();
                    (r, t)
                })
                .collect(),
        );
        let all = as_published(&now.iter().collect::<Vec<_>>(), &s.texts);
        return (all, Stands::Loads);
    }
    let errors: Vec<&Value> = now.iter().filter(|d| is_error(d)).collect();
    let mut all = as_published(&errors, &s.texts);
    let broken: BTreeSet<&str> = errors.iter().map(|d| d["file"].as_str().unwrap()).collect();
    // The rest of the workspace is checked with the broken documents' last
    // good texts, if every broken file is an open document that had one.
    let Some(good) = s.good.as_ref() else {
        return (all, Stands::BrokenErrorsOnly);
    };
    if !broken.iter().all(|r| good.contains_key(*r)) {
        return (all, Stands::BrokenErrorsOnly);
    }
    let mut texts = s.texts.clone();
    for r in &broken {
        texts.insert(r.to_string(), good[*r].clone());
    }
    let then = check(dir, &texts, &mut s.checked);
    if then.iter().any(is_error) {
        return (all, Stands::BrokenErrorsOnly);
    }
    let warnings: Vec<&Value> = then
        .iter()
        .filter(|d| !broken.contains(d["file"].as_str().unwrap()))
        .collect();
    for (rel, mut keys) in as_published(&warnings, &texts) {
        let v = all.entry(rel).or_default();
        v.append(&mut keys);
        v.sort();
    }
    (all, Stands::BrokenWithWarnings)
}

/// The diagnostics last published for each file, as compared.
fn published(latest: &BTreeMap<String, Vec<Value>>, root: &Path) -> BTreeMap<String, Vec<Key>> {
    let prefix = format!("{}/", uri(root));
    let mut out = BTreeMap::new();
    for (u, diags) in latest {
        if diags.is_empty() {
            continue;
        }
        let rel = u
            .strip_prefix(&prefix)
            .unwrap_or_else(|| panic!("diagnostics for {u}, outside the workspace"))
            .to_string();
        let place = |p: &Value| {
            (
                p["line"].as_u64().unwrap(),
                p["character"].as_u64().unwrap(),
            )
        };
        let mut keys: Vec<Key> = diags
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap().to_string(),
                    d["severity"].as_u64().unwrap(),
                    place(&d["range"]["start"]),
                    place(&d["range"]["end"]),
                    d["message"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        keys.sort();
        out.insert(rel, keys);
    }
    out
}

/// Both sides, file by file, where they differ.
fn diff(lsp: &BTreeMap<String, Vec<Key>>, check: &BTreeMap<String, Vec<Key>>) -> String {
    let mut out = String::new();
    let files: BTreeSet<&String> = lsp.keys().chain(check.keys()).collect();
    let none = Vec::new();
    for f in files {
        let (a, b) = (lsp.get(f).unwrap_or(&none), check.get(f).unwrap_or(&none));
        if a == b {
            continue;
        }
        out.push_str(&format!("== {f}\n"));
        let mut rest_b = b.clone();
        for k in a {
            match rest_b.iter().position(|x| x == k) {
                Some(i) => {
                    rest_b.remove(i);
                }
                None => out.push_str(&format!("  only from the server: {k:?}\n")),
            }
        }
        for k in rest_b {
            out.push_str(&format!("  only from check:      {k:?}\n"));
        }
    }
    out
}

#[test]
fn lsp_publishes_what_check_reports_edit_after_edit() {
    // Three fixed sequences, chosen among the first sixteen seeds for the
    // codes they provoke together; `KZCLAIMS_EQUIV_SEEDS=1,2,3` runs others
    // (to look for a divergence; a failure names its seed).
    let (seeds, fixed) = seeds(&[6, 12, 13]);
    let mut codes = BTreeSet::new();
    for seed in seeds {
        let lay = Layout {
            claims: ["2019-2021", "2022-01-early", "2022-02-03"]
                .map(|f| format!("claims/{f}.toml"))
                .into(),
            scenarios: "scenarios/kazakhstan.toml".into(),
        };
        codes.extend(run(seed, &bundled_copy, lay, 50));
    }
    eprintln!("lsp_equiv: codes compared: {codes:?}");
    // A change of the generator that loses one of these weakens the test:
    // choose other seeds rather than drop a code.
    let wanted = [
        "E001", "E004", "E005", "E007", "E008", "E009", "E010", "E011", "E012", "E013", "E014",
        "E016", "K101", "K102", "K103", "K104", "K105", "K106", "K111", "K113",
    ];
    if fixed {
        let missing: Vec<&str> = wanted.into_iter().filter(|c| !codes.contains(*c)).collect();
        assert!(
            missing.is_empty(),
            "the sequences no longer provoke {missing:?}"
        );
    }
}

/// The seeds to run: `KZCLAIMS_EQUIV_SEEDS`'s, or the fixed ones (then true).
fn seeds(fixed: &[u64]) -> (Vec<u64>, bool) {
    match std::env::var("KZCLAIMS_EQUIV_SEEDS") {
        Ok(v) => (
            v.split(',').map(|s| s.trim().parse().unwrap()).collect(),
            false,
        ),
        Err(_) => (fixed.to_vec(), true),
    }
}

/// The same on a generated workspace of 300 claims in five files (inline
/// ratings, groups, revisions and retractions as benches/gen writes them).
#[test]
fn lsp_publishes_what_check_reports_on_a_generated_workspace() {
    let generated = |dir: &Path| {
        let spec = gen::Spec {
            claims: 300,
            scenarios: 4,
            sources: 40,
            revisions: 40,
            days: 800,
            seed: 7,
        };
        let (files, blocks) = gen::parts(&spec);
        let claims = blocks.chunks(60).enumerate().map(|(k, c)| {
            (
                format!("claims/gen{k}.toml"),
                c.iter().map(|b| b.text.as_str()).collect(),
            )
        });
        for (rel, text) in files.into_iter().chain(claims) {
            let p = dir.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
    };
    let (seeds, fixed) = seeds(&[7]);
    let mut codes = BTreeSet::new();
    for seed in seeds {
        let lay = Layout {
            claims: (0..3).map(|k| format!("claims/gen{k}.toml")).collect(),
            scenarios: "scenarios/scenarios.toml".into(),
        };
        codes.extend(run(seed, &generated, lay, 40));
    }
    let wanted = [
        "E001", "E005", "E007", "E010", "E011", "E013", "K101", "K104",
    ];
    if fixed {
        let missing: Vec<&str> = wanted.into_iter().filter(|c| !codes.contains(*c)).collect();
        assert!(
            missing.is_empty(),
            "the sequence no longer provokes {missing:?}"
        );
    }
}

/// Every file of the workspace at `dir` the server reads: (path, text).
fn workspace_files(dir: &Path) -> BTreeMap<String, String> {
    fn walk(dir: &Path, rel: &str, out: &mut BTreeMap<String, String>) {
        for e in std::fs::read_dir(dir.join(rel)).unwrap() {
            let name = e.unwrap().file_name().into_string().unwrap();
            let r = format!("{rel}/{name}");
            if dir.join(&r).is_dir() {
                walk(dir, &r, out);
            } else if name.ends_with(".toml") {
                out.insert(r.clone(), std::fs::read_to_string(dir.join(&r)).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    out.insert(
        CONFIG.to_string(),
        std::fs::read_to_string(dir.join(CONFIG)).unwrap(),
    );
    walk(dir, "claims", &mut out);
    walk(dir, "scenarios", &mut out);
    out
}

/// One sequence of `steps` notifications from `seed` on the workspace
/// `make` writes, editing the documents of `lay`: the codes seen.
fn run(seed: u64, make: &dyn Fn(&Path), lay: Layout, steps: usize) -> BTreeSet<String> {
    let ws = tempfile::tempdir().unwrap();
    make(ws.path());
    let disk = tempfile::tempdir().unwrap();
    make(disk.path());
    let open = lay.open();
    let mut s = Session {
        texts: workspace_files(ws.path()),
        versions: open.iter().map(|r| (r.clone(), 1)).collect(),
        lay,
        good: None,
        deleted: Vec::new(),
        breaks: Vec::new(),
        removed_ratings: Vec::new(),
        errors: BTreeSet::new(),
        n: 0,
        groups: 0,
        second_group: false,
        log: Vec::new(),
        checked: HashMap::new(),
    };
    let mut c = Client::start(ws.path(), true, json!({}));
    for rel in &open {
        c.open(rel);
    }
    let mut latest: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut rng = Rng::new(seed);
    let mut codes = BTreeSet::new();
    let mut step = 0;
    let mut stood: BTreeMap<Stands, usize> = BTreeMap::new();
    loop {
        // Wait for the analysis: the server publishes before it answers.
        let rel = &open[step % open.len()];
        c.request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri(&ws.path().join(rel))}}),
        );
        for m in c.take_pending() {
            if m["method"] == "textDocument/publishDiagnostics" {
                let u = m["params"]["uri"].as_str().unwrap().to_string();
                latest.insert(u, m["params"]["diagnostics"].as_array().unwrap().clone());
            }
        }
        let (want, stands) = expected(disk.path(), &mut s);
        *stood.entry(stands).or_default() += 1;
        let got = published(&latest, ws.path());
        if got != want {
            panic!(
                "seed {seed}: after {step} steps the server publishes something else than check reports.\nEdits:\n{}\n\nDifferences (LSP keys: code, severity, start, end, message):\n{}",
                s.log.join("\n"),
                diff(&got, &want)
            );
        }
        for keys in want.values() {
            codes.extend(keys.iter().map(|k| k.0.clone()));
        }
        if step == steps {
            break;
        }
        step += 1;
        // The next notification: one change, or two or three to one file.
        let undo = if !s.errors.is_empty() && rng.chance(40) {
            s.undo(&mut rng)
        } else {
            None
        };
        let (file, first, what) = match undo {
            Some(u) => u,
            None => loop {
                if let Some(e) = s.edit(&mut rng, None) {
                    break e;
                }
            },
        };
        let mut changes = Vec::new();
        let mut whats = vec![what];
        let mut next = Some(first);
        let extra = if s.second_group || rng.chance(25) {
            1 + rng.below(2)
        } else {
            0
        };
        let mut tries = 0;
        while changes.len() <= extra && tries < 20 {
            if let Some(ch) = next.take() {
                let text = s.texts.get_mut(&file).unwrap();
                let range = json!({"start": pos(text, ch.from), "end": pos(text, ch.to)});
                text.replace_range(ch.from..ch.to, &ch.new);
                changes.push(json!({"range": range, "text": ch.new}));
            }
            tries += 1;
            if changes.len() <= extra {
                if let Some((_, ch, what)) = s.edit(&mut rng, Some(&file)) {
                    whats.push(what);
                    next = Some(ch);
                }
            }
        }
        let v = s.versions.get_mut(&file).unwrap();
        *v += 1;
        let version = *v;
        s.log.push(format!(
            "{step:>2}. {file} v{version}: {}",
            whats.join("; ")
        ));
        c.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri(&ws.path().join(&file)), "version": version},
                "contentChanges": changes,
            }),
        );
    }
    eprintln!(
        "lsp_equiv: seed {seed}, {steps} notifications; states: {stood:?}; codes: {codes:?}\n{}",
        s.log.join("\n")
    );
    codes
}
