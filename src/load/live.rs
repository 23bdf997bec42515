//! The workspace kept in memory between edits, for the language server and
//! `serve`: an edit re-parses only the file it changes, checks what spans
//! files against what it keeps of the others, and replaces that file's
//! claims in the loaded workspace instead of loading it again.
//!
//! What is kept of each file: the config and the scenarios files whole
//! (they are small); of a claims file its sources and, of each claim, only
//! what the checks across files read ([`ClaimKeys`]: id, date, cited
//! sources, revision dates, with their places), since the claims
//! themselves are in the workspace.
//!
//! The workspace is the one of the last state without errors. While a file
//! has an error, edits are parsed and checked (the errors are those a full
//! load of the texts as they stand gives) but the workspace waits: when the
//! last error goes, every file changed meanwhile is put in at once. The
//! result is the workspace [`super::from_files`] gives for the same texts,
//! field for field (tested below by random edits).

use super::*;
use std::collections::BTreeSet;

/// What the checks across files read of one claim, kept between edits.
struct Keys {
    id: String,
    file: usize,
    id_span: Span,
    date: chrono::NaiveDate,
    source_refs: Vec<(String, Span)>,
    revisions: Vec<(chrono::NaiveDate, Span)>,
}

impl Keys {
    fn of(c: &RawClaim) -> Keys {
        Keys {
            id: c.c.id.clone(),
            file: c.c.loc.file,
            id_span: c.id_span.clone(),
            date: c.c.date,
            source_refs: c.source_refs.clone(),
            revisions: c
                .c
                .revisions
                .iter()
                .zip(&c.revision_dates)
                .map(|(r, s)| (r.date, s.clone()))
                .collect(),
        }
    }
}

impl ClaimKeys for Keys {
    fn id(&self) -> &str {
        &self.id
    }
    fn file(&self) -> usize {
        self.file
    }
    fn id_span(&self) -> &Span {
        &self.id_span
    }
    fn date(&self) -> chrono::NaiveDate {
        self.date
    }
    fn source_refs(&self) -> &[(String, Span)] {
        &self.source_refs
    }
    fn revision(&self, k: usize) -> Option<(chrono::NaiveDate, &Span)> {
        self.revisions.get(k).map(|(d, s)| (*d, s))
    }
}

/// One file as last parsed.
struct FileState {
    stamp: TextStamp,
    /// Its own diagnostics (the parse's), in the order the parse gave them.
    diags: Vec<Diagnostic>,
    /// The config or a scenarios file: whole. A claims file: its sources
    /// only (its claims' keys are in `keys`).
    head: Parsed,
    keys: Vec<Keys>,
}

/// What an edit did to the workspace.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Nothing: the texts are the same, or an error stands (the workspace
    /// is still the one of the last state without errors).
    Same,
    /// The claims of some claims files were replaced; nothing else changed
    /// but the sources those files define (none that a kept claim cites).
    Patched(ClaimPatch),
    /// The config or the scenarios changed with the same scenario ids: the
    /// claims are the same ones at the same indices.
    Heads,
    /// Loaded whole (the first load, files added or removed, scenario ids
    /// changed, or a source that kept claims cite changed).
    Rebuilt,
}

/// How the claims moved in a [`Outcome::Patched`] workspace.
#[derive(Debug, Default)]
pub(crate) struct ClaimPatch {
    /// For each claim index before the patch: its index after it, or
    /// `u32::MAX` for a claim taken out.
    pub(crate) old_to_new: Vec<u32>,
    /// The indices after the patch of the claims put in, ascending.
    pub(crate) inserted: Vec<usize>,
    /// The group names changed, and with them every claim's `group_index`.
    pub(crate) groups_changed: bool,
    /// The config or the scenarios changed too (same scenario ids).
    pub(crate) heads: bool,
}

/// The workspace's files, kept parsed, and the workspace they load into.
#[derive(Default)]
pub(crate) struct Live {
    /// The workspace's folder (the loaded workspace's `root`).
    root: PathBuf,
    /// The files' paths, sorted: the index of a file in the workspace.
    rels: Vec<String>,
    files: Vec<FileState>,
    /// The scenario ids the claims files were parsed against.
    known: Vec<String>,
    ws: Option<Workspace>,
    /// Files whose text is not the one in `ws`, with their latest parse
    /// (claims files; `None` for the others).
    pending: BTreeMap<usize, Option<Parsed>>,
    /// Files were added or removed since `ws` was loaded.
    reshaped: bool,
    /// See [`Live::substituted`].
    substituted: bool,
    /// Claim id → index in `ws`.
    index: HashMap<String, u32>,
    errors: Vec<Diagnostic>,
}

/// The texts of the files by path (the editor's for open documents).
pub(crate) trait TextSource {
    fn text(&self, rel: &str) -> &str;
}

struct ByIndex<'a> {
    rels: &'a [String],
    texts: &'a dyn TextSource,
}

impl Texts for ByIndex<'_> {
    fn rel(&self, file: usize) -> &str {
        &self.rels[file]
    }
    fn text(&self, file: usize) -> &str {
        self.texts.text(&self.rels[file])
    }
}

fn is_claims(rel: &str) -> bool {
    rel.starts_with("claims/")
}

fn is_scenarios(rel: &str) -> bool {
    rel.starts_with("scenarios/")
}

impl Live {
    /// The workspace of the last state without errors (`None` before one).
    pub(crate) fn workspace(&self) -> Option<&Workspace> {
        self.ws.as_ref()
    }

    /// Every error of the texts as they stand, as a full load gives them
    /// (empty: `workspace` is the workspace of these texts).
    pub(crate) fn errors(&self) -> &[Diagnostic] {
        &self.errors
    }

    /// The paths of the files, in workspace order.
    pub(crate) fn rels(&self) -> &[String] {
        &self.rels
    }

    /// Load the workspace whose files are `rels` (any order), reading
    /// their texts from `texts`: every file parsed. Also what to call when
    /// files were added or removed.
    pub(crate) fn load(
        &mut self,
        root: &Path,
        mut rels: Vec<String>,
        texts: &dyn TextSource,
    ) -> Outcome {
        self.root = root.to_path_buf();
        rels.sort();
        rels.dedup();
        // Parsed from the texts where they are (not copied: a large record
        // is tens of megabytes), as `parse_files` parses: the config and the
        // scenarios first, then each claims file against their scenario ids,
        // on every core.
        use rayon::prelude::*;
        let borrowed: Vec<&str> = rels.iter().map(|r| texts.text(r)).collect();
        let mut by_file: Vec<Option<Parsed>> = (0..rels.len())
            .map(|i| (!is_claims(&rels[i])).then(|| parse_one_text(i, &rels[i], borrowed[i], &[])))
            .collect();
        let known: Vec<String> = by_file
            .iter()
            .flatten()
            .flat_map(|p| p.scenarios.iter().map(|s| s.s.id.clone()))
            .collect();
        let ids: Vec<&str> = known.iter().map(String::as_str).collect();
        let claims_parsed: Vec<(usize, Parsed)> = (0..rels.len())
            .into_par_iter()
            .filter(|&i| is_claims(&rels[i]))
            .map(|i| (i, parse_one_text(i, &rels[i], borrowed[i], &ids)))
            .collect();
        for (i, p) in claims_parsed {
            by_file[i] = Some(p);
        }
        self.rels = rels;
        self.files = Vec::with_capacity(by_file.len());
        self.pending.clear();
        let mut claims: Vec<Vec<RawClaim>> = Vec::new();
        for (text, p) in borrowed.iter().zip(by_file) {
            let mut p = p.expect("every file parsed");
            let keys = p.claims.iter().map(Keys::of).collect();
            claims.push(std::mem::take(&mut p.claims));
            self.files.push(FileState {
                stamp: TextStamp::of(text.as_bytes()),
                diags: std::mem::take(&mut p.diags),
                head: p,
                keys,
            });
        }
        self.known = self.scenario_ids();
        self.errors = self.cross_file(texts);
        self.reshaped = false;
        if self.errors.is_empty() && self.config().is_some() {
            let ws = self.assemble(claims);
            self.index = ws
                .claims
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id.clone(), i as u32))
                .collect();
            self.ws = Some(ws);
            self.substituted = true;
            Outcome::Rebuilt
        } else {
            // No file is as in the workspace now: with the same files, each
            // waits to be put in as edits do; with others, the workspace
            // waits for a state without errors.
            let same_files = self
                .ws
                .as_ref()
                .is_some_and(|ws| ws.files.iter().map(|f| &f.rel).eq(self.rels.iter()));
            self.reshaped = !same_files;
            if same_files {
                self.pending = claims
                    .into_iter()
                    .enumerate()
                    .map(|(i, claims)| {
                        let p = is_claims(&self.rels[i]).then(|| Parsed {
                            claims,
                            ..Parsed::default()
                        });
                        (i, p)
                    })
                    .collect();
            }
            self.apply(texts)
        }
    }

    /// The text of `rel`, one of the files, changed (or may have): parse
    /// it again, check the workspace's errors, and put it in the workspace
    /// when no error stands.
    pub(crate) fn edit(&mut self, rel: &str, texts: &dyn TextSource) -> Outcome {
        let Ok(i) = self.rels.binary_search_by(|r| r.as_str().cmp(rel)) else {
            return Outcome::Same;
        };
        let text = texts.text(rel);
        let stamp = TextStamp::of(text.as_bytes());
        if self.files[i].stamp == stamp {
            return Outcome::Same;
        }
        let mut p = if is_claims(rel) {
            let known: Vec<&str> = self.known.iter().map(String::as_str).collect();
            parse_one_text(i, rel, text, &known)
        } else {
            parse_one_text(i, rel, text, &[])
        };
        let keys = p.claims.iter().map(Keys::of).collect();
        let claims = std::mem::take(&mut p.claims);
        let state = FileState {
            stamp,
            diags: std::mem::take(&mut p.diags),
            head: p,
            keys,
        };
        let was = std::mem::replace(&mut self.files[i], state);
        if !is_claims(rel) && self.scenario_ids() != self.known {
            // The claims files' ratings were parsed against other ids.
            self.files[i] = was;
            let (root, rels) = (self.root.clone(), self.rels.clone());
            return self.load(&root, rels, texts);
        }
        let parsed = Parsed {
            claims,
            ..Parsed::default()
        };
        self.pending.insert(i, is_claims(rel).then_some(parsed));
        self.errors = self.cross_file(texts);
        self.apply(texts)
    }

    /// The scenario ids of the scenarios files as parsed, in file order.
    fn scenario_ids(&self) -> Vec<String> {
        self.files
            .iter()
            .flat_map(|f| f.head.scenarios.iter().map(|s| s.s.id.clone()))
            .collect()
    }

    fn config(&self) -> Option<&RawConfig> {
        self.files.iter().find_map(|f| f.head.config.as_ref())
    }

    /// The errors of the files as they stand: each file's own, then what
    /// spans files, as [`assemble`] finds them (same checks, same order).
    fn cross_file(&self, texts: &dyn TextSource) -> Vec<Diagnostic> {
        let by_index = ByIndex {
            rels: &self.rels,
            texts,
        };
        // The config and the scenarios first, then the claims files, as
        // `parse_files` orders them.
        let order: Vec<&FileState> = self
            .rels
            .iter()
            .zip(&self.files)
            .filter(|(r, _)| !is_claims(r))
            .chain(
                self.rels
                    .iter()
                    .zip(&self.files)
                    .filter(|(r, _)| is_claims(r)),
            )
            .map(|(_, f)| f)
            .collect();
        let mut diags: Vec<Diagnostic> =
            order.iter().flat_map(|f| f.diags.iter().cloned()).collect();
        let config = self.config();
        let scenarios: Vec<RawScenario> = order
            .iter()
            .flat_map(|f| f.head.scenarios.iter().cloned())
            .collect();
        let sources: Vec<RawSource> = order
            .iter()
            .flat_map(|f| f.head.sources.iter().cloned())
            .collect();
        let keys = order.iter().flat_map(|f| f.keys.iter());
        if !self.rels.iter().any(|r| r == CONFIG_FILE) {
            diags.push(Diagnostic::error(
                Code::E015,
                "no kzclaims.toml in the workspace",
            ));
        }
        duplicate_ids(&by_index, &scenarios, &sources, keys.clone(), &mut diags);
        check_priors(&by_index, config.is_some(), &scenarios, &mut diags);
        let refs = Records {
            config,
            scenarios: &scenarios,
            sources: &sources,
        };
        check_references(&by_index, refs, keys, &mut diags);
        errors_in_order(diags)
    }

    /// The workspace from the files as parsed and `claims` (each file's).
    fn assemble(&self, claims: Vec<Vec<RawClaim>>) -> Workspace {
        let config = self.config().expect("checked by the caller").cfg.clone();
        let scenarios = self
            .files
            .iter()
            .flat_map(|f| f.head.scenarios.iter().cloned());
        let sources = self
            .files
            .iter()
            .flat_map(|f| f.head.sources.iter().cloned());
        let files = self
            .rels
            .iter()
            .map(|rel| SourceFile {
                rel: rel.clone(),
                text: String::new(),
            })
            .collect();
        let mut ws = finish(
            files,
            config,
            scenarios.collect(),
            sources.collect(),
            claims.into_iter().flatten().collect(),
        );
        ws.root = self.root.clone();
        ws
    }

    /// Put the files changed since the workspace was loaded into it. With
    /// no error standing, all of them (loading whole when a change reaches
    /// beyond its file); otherwise those that have no error of their own,
    /// if they fit the workspace as it is (each file with an error counts
    /// as it last loaded): when they do not, they wait, and
    /// [`Live::substituted`] says so.
    fn apply(&mut self, texts: &dyn TextSource) -> Outcome {
        let clean = self.errors.is_empty() && self.config().is_some();
        self.substituted = true;
        if self.pending.is_empty() {
            return Outcome::Same;
        }
        if self.reshaped || self.ws.is_none() {
            if clean {
                let (root, rels) = (self.root.clone(), self.rels.clone());
                return self.load(&root, rels, texts);
            }
            self.substituted = false;
            return Outcome::Same;
        }
        let broken: BTreeSet<&str> = self.errors.iter().map(|d| d.file.as_str()).collect();
        let take: BTreeSet<usize> = self
            .pending
            .keys()
            .copied()
            .filter(|&i| !broken.contains(self.rels[i].as_str()))
            .collect();
        if take.is_empty() {
            return Outcome::Same;
        }
        let heads = take.iter().any(|&i| !is_claims(&self.rels[i]));
        let ws = self.ws.as_ref().expect("checked above");
        // The sources of the changed claims files: a change to one that a
        // claim in another file cites changes that claim too.
        let old: Vec<&crate::model::Source> = ws
            .sources
            .iter()
            .filter(|s| take.contains(&s.loc.file))
            .collect();
        let new: Vec<&crate::model::Source> = take
            .iter()
            .flat_map(|&i| self.files[i].head.sources.iter().map(|s| &s.s))
            .collect();
        let differs = sources_that_differ(&old, &new);
        let reaches = !differs.is_empty()
            && ws.claims.iter().any(|c| {
                !take.contains(&c.loc.file)
                    && (c.sources.iter().any(|s| differs.contains(s.as_str()))
                        || c.revisions.iter().any(|r| {
                            r.sources
                                .iter()
                                .flatten()
                                .any(|s| differs.contains(s.as_str()))
                        }))
            });
        // Scenarios put in must be all of them (none with an error), with
        // the ids the workspace has: the claims are rated against those.
        let ws_ids = self.ws_scenario_ids();
        let scenarios_taken = take.iter().any(|&i| is_scenarios(&self.rels[i]));
        let scenarios_broken = broken.iter().any(|r| is_scenarios(r));
        if reaches || (scenarios_taken && (ws_ids != self.known || scenarios_broken)) {
            if clean {
                let (root, rels) = (self.root.clone(), self.rels.clone());
                return self.load(&root, rels, texts);
            }
            self.substituted = false;
            return Outcome::Same;
        }
        if !clean && !self.fits(&take, scenarios_taken) {
            self.substituted = false;
            return Outcome::Same;
        }
        let mut ws = self.ws.take().expect("checked above");
        if take.iter().any(|&i| self.rels[i] == CONFIG_FILE) {
            ws.config = self.config().expect("checked by the caller").cfg.clone();
        }
        if scenarios_taken {
            ws.scenarios = self
                .files
                .iter()
                .flat_map(|f| f.head.scenarios.iter().map(|s| s.s.clone()))
                .collect();
        }
        // Claims files parsed against other scenario ids (a scenarios file
        // with an error lost some) are parsed again against the workspace's.
        let reparse = ws_ids != self.known;
        let ids: Vec<&str> = ws_ids.iter().map(String::as_str).collect();
        let new_claims: Vec<RawClaim> = take
            .iter()
            .filter_map(|&i| {
                let p = self.pending.remove(&i).flatten()?;
                Some(match reparse {
                    true => parse_one_text(i, &self.rels[i], texts.text(&self.rels[i]), &ids),
                    false => p,
                })
            })
            .flat_map(|p| p.claims)
            .collect();
        self.pending.retain(|i, _| !take.contains(i));
        let claims_changed = take.iter().any(|&i| is_claims(&self.rels[i]));
        let outcome = if claims_changed {
            let mut patch = self.patch(&mut ws, &take, new_claims);
            patch.heads = heads;
            Outcome::Patched(patch)
        } else {
            Outcome::Heads
        };
        self.ws = Some(ws);
        outcome
    }

    /// The scenario ids of the loaded workspace.
    fn ws_scenario_ids(&self) -> Vec<String> {
        self.ws
            .iter()
            .flat_map(|ws| ws.scenarios.iter().map(|s| s.id.clone()))
            .collect()
    }

    /// Whether the files `take` (none with an error of its own) fit the
    /// loaded workspace as its other files are in it: their claim and
    /// source ids used by no other file there, the sources their claims
    /// cite defined, and every claim an observation cites still there.
    fn fits(&self, take: &BTreeSet<usize>, scenarios_taken: bool) -> bool {
        let ws = self.ws.as_ref().expect("checked by the caller");
        let other_claim = |id: &str| {
            self.index
                .get(id)
                .is_some_and(|&c| !take.contains(&ws.claims[c as usize].loc.file))
        };
        let new_sources: BTreeSet<&str> = take
            .iter()
            .flat_map(|&i| self.files[i].head.sources.iter().map(|s| s.s.id.as_str()))
            .collect();
        let source_defined = |id: &str| {
            new_sources.contains(id) || ws.source(id).is_some_and(|s| !take.contains(&s.loc.file))
        };
        if ws
            .sources
            .iter()
            .any(|s| !take.contains(&s.loc.file) && new_sources.contains(s.id.as_str()))
        {
            return false;
        }
        let mut new_ids = BTreeSet::new();
        for &i in take {
            for k in &self.files[i].keys {
                if other_claim(&k.id) || !new_ids.insert(k.id.as_str()) {
                    return false;
                }
                if k.source_refs.iter().any(|(s, _)| !source_defined(s)) {
                    return false;
                }
            }
        }
        // The observations (of the scenarios as they will be).
        let cited: Vec<&str> = if scenarios_taken {
            self.files
                .iter()
                .flat_map(|f| f.head.scenarios.iter())
                .flat_map(|s| s.claim_refs.iter().map(|(id, _)| id.as_str()))
                .collect()
        } else {
            ws.scenarios
                .iter()
                .flat_map(|s| s.indicators.iter())
                .flat_map(|i| i.observations.iter())
                .flat_map(|o| o.claims.iter().map(String::as_str))
                .collect()
        };
        cited
            .iter()
            .all(|id| new_ids.contains(id) || other_claim(id))
    }

    /// Whether the loaded workspace is the one of the texts as they stand,
    /// each file with an error counting as it last loaded. `false`: some
    /// files without errors of their own did not fit it (their ids clash
    /// with the older text of a file with an error, say), and wait.
    pub(crate) fn substituted(&self) -> bool {
        self.substituted
    }

    /// The index of claim `id` in the loaded workspace.
    pub(crate) fn claim_index(&self, id: &str) -> Option<usize> {
        self.index.get(id).map(|&i| i as usize)
    }

    /// Replace the claims (and sources) of the claims files `changed` in
    /// `ws` by `new`, keeping the order [`finish`] gives.
    fn patch(
        &mut self,
        ws: &mut Workspace,
        changed: &BTreeSet<usize>,
        new: Vec<RawClaim>,
    ) -> ClaimPatch {
        ws.sources.retain(|s| !changed.contains(&s.loc.file));
        ws.sources.extend(
            changed
                .iter()
                .flat_map(|&i| self.files[i].head.sources.iter().map(|s| s.s.clone())),
        );
        ws.sources.sort_by(|a, b| a.id.cmp(&b.id));
        let facts = SourceFacts::of(&ws.sources);
        let n = ws.scenarios.len();
        let mut new: Vec<Claim> = new
            .into_iter()
            .map(|mut c| {
                finish_claim(&mut c.c, &facts, n);
                c.c
            })
            .collect();
        drop(facts);
        new.sort_unstable_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
        // Merge the kept claims (in order) with the new ones.
        let old = std::mem::take(&mut ws.claims);
        let mut patch = ClaimPatch {
            old_to_new: Vec::with_capacity(old.len()),
            ..ClaimPatch::default()
        };
        let mut claims = Vec::with_capacity(old.len() + new.len());
        let mut new = new.into_iter().peekable();
        for c in old {
            if changed.contains(&c.loc.file) {
                patch.old_to_new.push(u32::MAX);
                continue;
            }
            while new
                .peek()
                .is_some_and(|n| (n.date, &n.id) < (c.date, &c.id))
            {
                patch.inserted.push(claims.len());
                claims.push(new.next().expect("peeked"));
            }
            patch.old_to_new.push(claims.len() as u32);
            claims.push(c);
        }
        for c in new {
            patch.inserted.push(claims.len());
            claims.push(c);
        }
        ws.claims = claims;
        // The group names: copied only when they changed.
        let mut names: Vec<&str> = ws
            .claims
            .iter()
            .filter_map(|c| c.group.as_deref())
            .collect();
        names.sort_unstable();
        names.dedup();
        patch.groups_changed = !names
            .iter()
            .copied()
            .eq(ws.groups.iter().map(String::as_str));
        if patch.groups_changed {
            ws.groups = names.into_iter().map(str::to_string).collect();
        }
        let index = |c: &Claim| {
            c.group
                .as_deref()
                .and_then(|g| ws.groups.binary_search_by(|x| x.as_str().cmp(g)).ok())
        };
        let set: Vec<(usize, Option<usize>)> = if patch.groups_changed {
            ws.claims
                .iter()
                .enumerate()
                .map(|(i, c)| (i, index(c)))
                .collect()
        } else {
            patch
                .inserted
                .iter()
                .map(|&i| (i, index(&ws.claims[i])))
                .collect()
        };
        for (i, g) in set {
            ws.claims[i].group_index = g;
        }
        // The id index follows the claims.
        self.index
            .retain(|_, i| patch.old_to_new[*i as usize] != u32::MAX);
        for i in self.index.values_mut() {
            *i = patch.old_to_new[*i as usize];
        }
        for &i in &patch.inserted {
            self.index.insert(ws.claims[i].id.clone(), i as u32);
        }
        patch
    }
}

/// The ids of the sources that are not the same on both sides (added,
/// removed, or changed in anything but their place).
fn sources_that_differ<'a>(
    old: &[&'a crate::model::Source],
    new: &[&'a crate::model::Source],
) -> BTreeSet<&'a str> {
    let key = |s: &crate::model::Source| {
        let mut s = s.clone();
        s.loc = Loc::default();
        format!("{s:?}")
    };
    let old_by: BTreeMap<&str, String> = old.iter().map(|s| (s.id.as_str(), key(s))).collect();
    let new_by: BTreeMap<&str, String> = new.iter().map(|s| (s.id.as_str(), key(s))).collect();
    old_by
        .keys()
        .chain(new_by.keys())
        .filter(|id| old_by.get(*id) != new_by.get(*id))
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Texts(BTreeMap<String, String>);

    impl TextSource for Texts {
        fn text(&self, rel: &str) -> &str {
            self.0.get(rel).map_or("", String::as_str)
        }
    }

    /// The workspace a full load gives for `texts`, or its errors; texts
    /// let go, as the live workspace keeps none.
    fn full(texts: &Texts) -> Result<String, Vec<Diagnostic>> {
        let files = texts
            .0
            .iter()
            .map(|(rel, text)| SourceFile {
                rel: rel.clone(),
                text: text.clone(),
            })
            .collect();
        match from_files(files) {
            Ok(mut ws) => {
                for f in &mut ws.files {
                    f.text.clear();
                }
                Ok(format!("{ws:?}"))
            }
            Err(LoadError::Invalid { diagnostics, .. }) => Err(diagnostics),
            Err(e) => panic!("{e:?}"),
        }
    }

    fn bundled() -> Texts {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let files = read_files(root).expect("the bundled workspace reads");
        Texts(files.into_iter().map(|f| (f.rel, f.text)).collect())
    }

    /// A small xorshift: the edits are the same on every run.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 >> 11) as usize
        }
        fn pick<'a>(&mut self, xs: &'a [&'a str]) -> &'a str {
            xs[self.next() % xs.len()]
        }
    }

    /// The byte offsets of `needle` in `text`.
    fn all(text: &str, needle: &str) -> Vec<usize> {
        text.match_indices(needle).map(|(i, _)| i).collect()
    }

    /// Replace the value after the `k`-th (modulo) occurrence of `key`, up
    /// to the end of its line.
    fn set_value(rng: &mut Rng, text: &mut String, key: &str, values: &[&str]) -> bool {
        let at = all(text, key);
        if at.is_empty() {
            return false;
        }
        let start = at[rng.next() % at.len()] + key.len();
        let end = text[start..].find('\n').map_or(text.len(), |e| start + e);
        let v = rng.pick(values).to_string();
        text.replace_range(start..end, &v);
        true
    }

    /// One random edit of one file; what it did, for a failure's message.
    fn mutate(rng: &mut Rng, texts: &mut Texts, ids: &[String]) -> String {
        let rels: Vec<String> = texts.0.keys().cloned().collect();
        let claims: Vec<&String> = rels.iter().filter(|r| r.starts_with("claims/")).collect();
        let kind = rng.next() % 12;
        let rel = match kind {
            9 => rels
                .iter()
                .find(|r| r.starts_with("scenarios/"))
                .unwrap()
                .clone(),
            10 => CONFIG_FILE.to_string(),
            11 => "claims/sources.toml".to_string(),
            _ => claims[rng.next() % claims.len()].clone(),
        };
        let text = texts.0.get_mut(&rel).unwrap();
        let did = match kind {
            0 | 1 => set_value(
                rng,
                text,
                "elite-coup = ",
                &[
                    "\"CC\"", "\"C\"", "\"N\"", "\"I\"", "\"II\"", "\"NA\"", "\"Q\"",
                ],
            ),
            2 => set_value(
                rng,
                text,
                "\ndate = ",
                &[
                    "2022-01-05",
                    "2019-01-01",
                    "2022-02-30",
                    "2021-12-31",
                    "2022-03-01",
                ],
            ),
            3 => {
                let id = format!("\"{}\"", ids[rng.next() % ids.len()]);
                let fresh = format!("\"fresh-{}\"", rng.next() % 5);
                let vals = [id.as_str(), fresh.as_str()];
                set_value(rng, text, "\nid = ", &vals)
            }
            4 => {
                // Delete a whole claim.
                let at = all(text, "\n[[claim]]");
                if at.len() < 2 {
                    false
                } else {
                    let k = rng.next() % (at.len() - 1);
                    text.replace_range(at[k]..at[k + 1], "");
                    true
                }
            }
            5 => set_value(rng, text, "credibility = ", &["1", "2", "3", "6", "\"x\""]),
            6 => set_value(
                rng,
                text,
                "relevance = ",
                &["\"low\"", "\"high\"", "\"medium\"", "\"big\""],
            ),
            7 => {
                // A syntax error, or a group shared with other claims.
                let at = all(text, "\nstatement = ");
                if at.is_empty() {
                    false
                } else {
                    let k = at[rng.next() % at.len()];
                    let what = rng.pick(&["\ngroup = \"g1\"", "\ngroup = \"g2\"", "\nbroken ="]);
                    text.insert_str(k, what);
                    true
                }
            }
            8 => set_value(
                rng,
                text,
                "sources = ",
                &[
                    "[\"cornell-2022\"]",
                    "[\"nobody\"]",
                    "[\"eurasianet\", \"cornell-2022\"]",
                ],
            ),
            9 => set_value(rng, text, "prior = ", &["0.25", "0.2", "0.9", "0.3"]),
            10 => set_value(
                rng,
                text,
                "as_of = ",
                &["2022-04-18", "2022-01-06", "2022-01-20"],
            ),
            _ => set_value(
                rng,
                text,
                "reliability = ",
                &["\"A\"", "\"B\"", "\"C\"", "\"F\"", "\"Z\""],
            ),
        };
        format!("{rel}: kind {kind}{}", if did { "" } else { " (nothing)" })
    }

    /// After every one of 400 random edits (valid and not: ratings, dates,
    /// ids made duplicate, claims deleted, groups, syntax errors, sources,
    /// priors, the date of the record, a source's reliability), the errors
    /// are those of a full load of the texts, and with none the workspace
    /// is the one a full load gives, field for field.
    #[test]
    fn random_edits_give_what_a_full_load_gives() {
        let mut texts = bundled();
        let original = texts.0.clone();
        let mut live = Live::default();
        let rels: Vec<String> = texts.0.keys().cloned().collect();
        assert!(matches!(
            live.load(Path::new(""), rels, &texts),
            Outcome::Rebuilt
        ));
        let ids: Vec<String> = live
            .workspace()
            .unwrap()
            .claims
            .iter()
            .map(|c| c.id.clone())
            .collect();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut log = Vec::new();
        let mut patched = 0;
        for step in 0..400 {
            // Now and then back to the bundled texts, so that errors do not
            // pile up for good.
            // After an error, mostly the file edited last goes back to its
            // bundled text (as an analyst fixes a slip), so that errors do
            // not pile up for good.
            let restore = if !live.errors().is_empty() && !rng.next().is_multiple_of(3) {
                log.iter()
                    .rev()
                    .map(|l: &String| l.split(':').next().unwrap())
                    .find(|r| texts.0[*r] != original[*r])
                    .map(str::to_string)
            } else {
                None
            };
            let rel = if let Some(r) = restore.filter(|r| original.contains_key(r)) {
                texts.0.insert(r.clone(), original[&r].clone());
                log.push(format!("{r}: restored"));
                Some(r)
            } else {
                log.push(mutate(&mut rng, &mut texts, &ids));
                Some(log.last().unwrap().split(':').next().unwrap().to_string())
            };
            let Some(rel) = rel else { continue };
            let outcome = live.edit(&rel, &texts);
            patched += usize::from(matches!(outcome, Outcome::Patched(_)));
            match full(&texts) {
                Ok(ws) => {
                    assert!(
                        live.errors().is_empty(),
                        "step {step}: {log:#?}\n{:?}",
                        live.errors()
                    );
                    let mine = live.workspace().unwrap();
                    assert_eq!(format!("{mine:?}"), ws, "step {step}: {log:#?}");
                }
                Err(errors) => {
                    assert_eq!(live.errors(), errors.as_slice(), "step {step}: {log:#?}");
                }
            }
        }
        assert!(patched > 60, "only {patched} edits were patched in place");
        eprintln!("{patched} of 400 edits patched in place");
    }
}
