//! Reads a workspace (from disk or from any set of files) into a validated
//! [`Workspace`], reporting every problem at once as [`Diagnostic`]s.
//!
//! The way in: [`Loader`] for a workspace on disk (options: progress, lean),
//! [`from_files`] for files already in memory (a git revision, an editor's
//! buffers), with [`from_files_pair`] (two revisions, for `diff`),
//! [`from_files_cached`] (the language server's reloads) and [`from_bytes`]
//! (the fuzz targets) as its variants. [`LoadError`] says why not.
//!
//! The rooms:
//! - `disk`: which files a workspace on disk has, read by the rule of
//!   `files` (nothing outside the workspace, only regular files, a size
//!   limit);
//! - `parse`: each file into raw records with their spans (`parse/config`,
//!   `parse/scenarios`, `parse/claims`; the TOML syntax errors in `parse`
//!   itself), through the typed reads of `toml_walk`;
//! - this file: the checks that span files (ids, references, priors) and the
//!   finished workspace;
//! - git: `git` reads the files at a revision and opens a repository for
//!   the two walks over its history, `recorded` (when each record first
//!   appeared, cached) and `history` (`kzclaims history CLAIM_ID`);
//! - `fmt` (`kzclaims fmt`) and `schema` (JSON Schema) share the
//!   parser's key lists.

mod disk;
pub(crate) mod files;
pub(crate) mod fmt;
pub(crate) mod git;
pub(crate) mod history;
pub(crate) mod live;
mod parse;
pub(crate) mod recorded;
pub(crate) mod schema;
#[cfg(test)]
mod test_repo;
#[cfg(test)]
pub(crate) mod testkit;
mod toml_walk;

#[cfg(test)]
mod props;

use crate::diag::codes::{self, Level};
use crate::diag::{did_you_mean, Code, Diagnostic};
use crate::model::*;
pub use parse::is_slug;
use parse::*;
// Ids are hashed with foldhash (seeded per process, so a crafted workspace
// cannot aim at collisions): SipHash took a tenth of the load's own work.
pub use disk::read_files;
use disk::{decode, read_files_with, NOT_UTF8};
use foldhash::{HashMap, HashMapExt, HashSet};
pub use git::read_at;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml_walk::{FileCx, Span};

/// The workspace's configuration file; the folder holding it is the workspace root.
pub const CONFIG_FILE: &str = "kzclaims.toml";

/// Why a workspace could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// The files could not be read (exit code 2).
    Io(String),
    /// The files were read but are invalid (exit code 1). The files are kept so
    /// the diagnostics can quote them.
    Invalid {
        /// Every problem found, errors and warnings.
        diagnostics: Vec<Diagnostic>,
        /// The files as read, to quote in the diagnostics.
        files: Vec<SourceFile>,
    },
}

impl std::fmt::Display for LoadError {
    /// One line: the I/O error, or how many problems an invalid workspace
    /// has and the first of them (the CLI renders every diagnostic instead).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Io(m) => f.write_str(m),
            LoadError::Invalid { diagnostics, .. } => {
                let n = diagnostics.len();
                write!(
                    f,
                    "the workspace is invalid: {n} problem{}",
                    if n == 1 { "" } else { "s" }
                )?;
                if let Some(d) = diagnostics.first() {
                    let sep = if d.file.is_empty() { "" } else { ": " };
                    write!(f, " (first: {}{sep}{} {})", d.file, d.code, d.message)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for LoadError {}

/// Walk up from `start` to the first folder holding `kzclaims.toml`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        if d.join(CONFIG_FILE).is_file() {
            return Some(d.to_path_buf());
        }
        dir = d.parent();
    }
    None
}

/// Told how far a load has got, for a progress bar: `total` steps, one for
/// each file read and one for each file parsed.
pub trait Progress: Sync {
    /// Called once the number of steps is known.
    fn set_total(&self, steps: u64);
    /// Called after each step.
    fn step(&self);
}

/// No progress shown.
pub struct NoProgress;

impl Progress for NoProgress {
    fn set_total(&self, _: u64) {}
    fn step(&self) {}
}

/// Parse and validate a workspace from raw file contents (relative path and
/// bytes): bytes that are not UTF-8 are an error at the first of them, as on
/// disk. The fuzz targets feed the loader through here.
pub fn from_bytes(files: Vec<(String, Vec<u8>)>) -> Result<Workspace, LoadError> {
    let mut diags = Vec::new();
    let files: Vec<SourceFile> = files
        .into_iter()
        .map(|(rel, bytes)| decode(rel, bytes, &mut diags))
        .collect();
    if diags.is_empty() {
        from_files(files)
    } else {
        Err(LoadError::Invalid {
            diagnostics: diags,
            files,
        })
    }
}

/// Loads and validates the workspace at a root on disk: the one way in for
/// a workspace on disk (`Loader::new(root).lean(true).progress(&bar).load()`).
/// Files already in memory (a git revision, a fuzz input, an editor's
/// buffers) go through [`from_files`] and its variants instead.
#[derive(Clone, Copy)]
pub struct Loader<'a> {
    root: &'a Path,
    progress: &'a dyn Progress,
    lean: bool,
}

impl<'a> Loader<'a> {
    /// A full load of the workspace at `root`, keeping every file's text,
    /// showing no progress.
    pub fn new(root: &'a Path) -> Self {
        Loader {
            root,
            progress: &NoProgress,
            lean: false,
        }
    }

    /// Tell `progress` how far the load has got.
    pub fn progress(self, progress: &'a dyn Progress) -> Self {
        Loader { progress, ..self }
    }

    /// For a command that quotes no file: each claims file is read as it is
    /// parsed and its text let go as soon as it has parsed cleanly, so the
    /// texts and the parsed record are never all in memory at once, and the
    /// workspace comes back without texts ([`Workspace::release_texts`]). An
    /// invalid workspace comes back with the texts its diagnostics quote
    /// (kept, or read back by their stamps; see `load_lean`), without parsing
    /// again.
    pub fn lean(self, lean: bool) -> Self {
        Loader { lean, ..self }
    }

    /// Load and validate the workspace.
    pub fn load(self) -> Result<Workspace, LoadError> {
        if self.lean {
            return load_lean(self.root, self.progress, false).map(|(ws, _)| ws);
        }
        let files = read_files_with(self.root, self.progress, false)?;
        let (mut ws, _) = from_files_with(files, self.progress, None)?;
        ws.root = self.root.to_path_buf();
        Ok(ws)
    }

    /// A lean load for a command that will quote a few files at the end
    /// (`check`): with a [`TextStamp`] of each file, in `ws.files` order, to
    /// read them back with [`read_back`] (empty when the workspace is
    /// invalid: its files keep their texts).
    pub fn load_stamped(self) -> Result<(Workspace, Vec<TextStamp>), LoadError> {
        load_lean(self.root, self.progress, true)
    }
}

fn load_lean(
    root: &Path,
    progress: &dyn Progress,
    stamp: bool,
) -> Result<(Workspace, Vec<TextStamp>), LoadError> {
    let files = read_files_with(root, progress, true)?;
    let real_root = root
        .canonicalize()
        .map_err(|e| LoadError::Io(format!("cannot read {}: {e}", root.display())))?;
    // Stamped always: an invalid workspace reads back, by their stamps, the
    // texts its diagnostics quote instead of being loaded again.
    let lean = Lean {
        root,
        real_root: &real_root,
        stamp: true,
    };
    let mut files = files;
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    let (parsed, claims_stamps) = parse_files(&mut files, progress, Some(lean), None);
    match assemble(files, parsed) {
        Ok(mut ws) => {
            ws.root = root.to_path_buf();
            let stamps = if stamp {
                // The claims files were stamped as they were read; the rest
                // (the config, the scenarios) still have their texts.
                ws.files
                    .iter()
                    .zip(claims_stamps)
                    .map(|(f, s)| s.unwrap_or_else(|| TextStamp::of(f.text.as_bytes())))
                    .collect()
            } else {
                Vec::new()
            };
            ws.release_texts();
            Ok((ws, stamps))
        }
        // A claims file that could not be read (E021, also what a refused
        // path gives, which a full load reports alike) or decoded here is
        // reported as a full load reports it (which stops before parsing); a duplicate
        // id's help gives the line of its first definition, found in a text
        // that may have been let go (E005): both are loaded again.
        Err(LoadError::Invalid { diagnostics, .. })
            if diagnostics
                .iter()
                .any(|d| d.code == Code::E021 || d.code == Code::E005 || d.message == NOT_UTF8) =>
        {
            Loader::new(root).load().map(|ws| (ws, Vec::new()))
        }
        // Parsed once: the texts of the claims files that parsed cleanly
        // were let go; the ones the diagnostics quote are read back (a file
        // changed on disk meanwhile: the workspace is loaded again).
        Err(LoadError::Invalid {
            diagnostics,
            mut files,
        }) => {
            let stamps: Vec<TextStamp> = files
                .iter()
                .zip(claims_stamps)
                .map(|(f, s)| s.unwrap_or_else(|| TextStamp::of(f.text.as_bytes())))
                .collect();
            let quoted: HashSet<&str> = diagnostics
                .iter()
                .flat_map(|d| std::iter::once(&d.file).chain(d.related.iter().map(|r| &r.file)))
                .map(String::as_str)
                .collect();
            if read_back(root, &mut files, &stamps, |rel| quoted.contains(rel)).is_empty() {
                Err(LoadError::Invalid { diagnostics, files })
            } else {
                Loader::new(root).load().map(|ws| (ws, Vec::new()))
            }
        }
        Err(e) => Err(e),
    }
}

/// A file's length and CRC-32, taken when its text is let go, so that
/// reading it back later (to quote it in a diagnostic) can tell whether the
/// file changed on disk in the meantime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextStamp {
    len: usize,
    crc: u32,
}

impl TextStamp {
    /// The stamp of a file's bytes.
    pub fn of(bytes: &[u8]) -> Self {
        TextStamp {
            len: bytes.len(),
            crc: crc32fast::hash(bytes),
        }
    }
}

/// Read back from `root` the texts of the files `wanted` names (texts let go
/// by [`Loader::load_stamped`]), to quote them. A file that is gone or whose
/// bytes no longer match its stamp keeps no text, so that its diagnostics
/// show its path but no stale lines; the paths of those files are returned.
pub fn read_back(
    root: &Path,
    files: &mut [SourceFile],
    stamps: &[TextStamp],
    wanted: impl Fn(&str) -> bool,
) -> Vec<String> {
    let mut changed = Vec::new();
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    for (f, stamp) in files.iter_mut().zip(stamps) {
        if !f.text.is_empty() || !wanted(&f.rel) {
            continue;
        }
        match files::read_inside(&real_root, root, &f.rel) {
            Ok(bytes) if TextStamp::of(&bytes) == *stamp => match String::from_utf8(bytes) {
                Ok(text) => f.text = text,
                Err(_) => changed.push(f.rel.clone()),
            },
            _ => changed.push(f.rel.clone()),
        }
    }
    changed
}

// ---------------------------------------------------------------------------
// Cross-file validation.

/// Parse and validate a workspace from its files (paths relative to the root,
/// `kzclaims.toml` among them). Used for the disk and for git revisions alike.
pub fn from_files(files: Vec<SourceFile>) -> Result<Workspace, LoadError> {
    from_files_with(files, &NoProgress, None).map(|(ws, _)| ws)
}

/// How a lean load reads the claims files (see [`from_files_with`]).
#[derive(Clone, Copy)]
struct Lean<'a> {
    root: &'a Path,
    /// `root`'s canonical path ([`files::read_inside`]).
    real_root: &'a Path,
    /// Stamp each claims file before its text is let go.
    stamp: bool,
}

/// `lean = Some(..)`: the claims files are read from `lean.root` here, each
/// on the thread that parses it, and a file that parses without a diagnostic
/// has its text freed at once (the caller reloads with texts if the
/// workspace proves invalid; see [`Loader::lean`]). The second value holds,
/// in `files` order, the stamps of the claims files so freed, when
/// `lean.stamp` asks for them (empty otherwise).
fn from_files_with(
    mut files: Vec<SourceFile>,
    progress: &dyn Progress,
    lean: Option<Lean<'_>>,
) -> Result<(Workspace, Vec<Option<TextStamp>>), LoadError> {
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    let (parsed, stamps) = parse_files(&mut files, progress, lean, None);
    assemble(files, parsed).map(|ws| (ws, stamps))
}

/// Parse and validate two workspaces from their files: two revisions of one,
/// for `diff`. When both have the same scenario ids, a claims file with the
/// same path and text on both sides (most of them, between two commits) is
/// parsed once and its records copied for the second workspace.
pub fn from_files_pair(
    mut a: Vec<SourceFile>,
    mut b: Vec<SourceFile>,
) -> (Result<Workspace, LoadError>, Result<Workspace, LoadError>) {
    a.sort_by(|x, y| x.rel.cmp(&y.rel));
    b.sort_by(|x, y| x.rel.cmp(&y.rel));
    let (parsed_a, _) = parse_files(&mut a, &NoProgress, None, None);
    // The claims files' records come last in `parsed_a`, in file order.
    let claims_a = a.iter().filter(|f| f.rel.starts_with("claims/"));
    let first = parsed_a.len() - claims_a.clone().count();
    let reuse = Reuse {
        known: scenario_ids(&parsed_a),
        by_rel: claims_a
            .zip(&parsed_a[first..])
            .map(|(f, p)| (f.rel.as_str(), (f.text.as_str(), p)))
            .collect(),
    };
    let (parsed_b, _) = parse_files(&mut b, &NoProgress, None, Some(&reuse));
    drop(reuse);
    rayon::join(|| assemble(a, parsed_a), || assemble(b, parsed_b))
}

/// The parsed claims files of a workspace, kept between loads of it (the
/// language server loads it again after each edit): a claims file whose
/// text is the same as at the last load, and parsed against the same
/// scenario ids, is copied from here instead of parsed again.
#[derive(Default)]
pub struct ParseCache {
    known: Vec<String>,
    by_rel: HashMap<String, (TextStamp, Parsed)>,
}

/// [`from_files`] reusing, and then updating, `cache`: only the config, the
/// scenarios and the claims files that changed are parsed. The result is
/// what [`from_files`] gives for the same files.
pub fn from_files_cached(
    mut files: Vec<SourceFile>,
    cache: &mut ParseCache,
) -> Result<Workspace, LoadError> {
    use rayon::prelude::*;
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    let is_claims = |f: &SourceFile| f.rel.starts_with("claims/");
    let mut parsed: Vec<Parsed> = files
        .iter()
        .enumerate()
        .filter(|(_, f)| !is_claims(f))
        .map(|(i, f)| parse_one(i, f, &[]))
        .collect();
    let known: Vec<&str> = scenario_ids(&parsed);
    if cache.known != known {
        cache.by_rel.clear();
        cache.known = known.iter().map(|s| s.to_string()).collect();
    }
    let fresh: Vec<(usize, Parsed, Option<TextStamp>)> = files
        .par_iter()
        .enumerate()
        .filter(|(_, f)| is_claims(f))
        .map(|(i, f)| {
            let stamp = TextStamp::of(f.text.as_bytes());
            match cache.by_rel.get(f.rel.as_str()) {
                Some((s, p)) if *s == stamp => (i, p.relocated(i), None),
                _ => (i, parse_one(i, f, &known), Some(stamp)),
            }
        })
        .collect();
    drop(known);
    let present: HashSet<&str> = files.iter().map(|f| f.rel.as_str()).collect();
    cache.by_rel.retain(|rel, _| present.contains(rel.as_str()));
    for (i, p, stamp) in fresh {
        if let Some(stamp) = stamp {
            cache
                .by_rel
                .insert(files[i].rel.clone(), (stamp, p.relocated(i)));
        }
        parsed.push(p);
    }
    assemble(files, parsed)
}

/// The first workspace's parsed claims files, by path, for the second of
/// [`from_files_pair`].
struct Reuse<'a> {
    /// Its scenario ids, in order: a claims file's ratings are parsed
    /// against them, so only a workspace with the same ids can share them.
    known: Vec<&'a str>,
    by_rel: HashMap<&'a str, (&'a str, &'a Parsed)>,
}

fn scenario_ids(parsed: &[Parsed]) -> Vec<&str> {
    parsed
        .iter()
        .flat_map(|p| p.scenarios.iter().map(|s| s.s.id.as_str()))
        .collect()
}

/// Parse `files` (sorted by path): the config and the scenarios first, then
/// the claims files, each into its [`Parsed`] (in that order). With `reuse`,
/// a claims file found there with the same text is copied, not parsed.
fn parse_files(
    files: &mut [SourceFile],
    progress: &dyn Progress,
    lean: Option<Lean<'_>>,
    reuse: Option<&Reuse<'_>>,
) -> (Vec<Parsed>, Vec<Option<TextStamp>>) {
    // Files are parsed on every core; the results are merged in file order,
    // so the workspace and its diagnostics do not depend on the scheduling.
    use rayon::prelude::*;
    // The config and the scenarios first (a few small files), so that each
    // claims file can check its ratings against the scenario ids as it is
    // parsed and keep no list of references for later.
    let is_claims = |f: &SourceFile| f.rel.starts_with("claims/");
    let mut parsed: Vec<Parsed> = files
        .iter()
        .enumerate()
        .filter(|(_, f)| !is_claims(f))
        .map(|(i, f)| {
            let p = parse_one(i, f, &[]);
            progress.step();
            p
        })
        .collect();
    let known: Vec<&str> = scenario_ids(&parsed);
    let reuse = reuse.filter(|r| r.known == known);
    let stamp = lean.is_some_and(|l| l.stamp);
    // Each claims file's records, with its index and (lean, stamped) the
    // stamp of the text let go.
    let claim_files: Vec<(usize, Parsed, Option<TextStamp>)> = files
        .par_iter_mut()
        .enumerate()
        .filter(|(_, f)| is_claims(f))
        .map(|(i, f)| {
            if let Some(Lean {
                root, real_root, ..
            }) = lean
            {
                let mut diags = Vec::new();
                match files::read_inside(real_root, root, &f.rel) {
                    Ok(bytes) => *f = decode(f.rel.clone(), bytes, &mut diags),
                    Err(r) => diags.push(
                        Diagnostic::error(Code::E021, r.describe(&f.rel)).in_file(f.rel.clone()),
                    ),
                }
                if !diags.is_empty() {
                    // The caller reads the workspace again and reports this.
                    let p = Parsed {
                        diags,
                        ..Parsed::default()
                    };
                    return (i, p, None);
                }
            }
            if let Some((_, p)) = reuse
                .and_then(|r| r.by_rel.get(f.rel.as_str()))
                .filter(|(text, _)| *text == f.text)
            {
                progress.step();
                return (i, p.relocated(i), None);
            }
            let p = parse_one(i, f, &known);
            let mut s = None;
            if lean.is_some() && p.diags.is_empty() {
                s = stamp.then(|| TextStamp::of(f.text.as_bytes()));
                f.text = String::new();
            }
            progress.step();
            (i, p, s)
        })
        .collect();
    drop(known);
    let mut stamps: Vec<Option<TextStamp>> = if stamp {
        vec![None; files.len()]
    } else {
        Vec::new()
    };
    for (i, p, s) in claim_files {
        if stamp {
            stamps[i] = s;
        }
        parsed.push(p);
    }
    (parsed, stamps)
}

/// Merge the parsed files (from [`parse_files`]) into a workspace, checking
/// what spans files: ids, references, priors.
fn assemble(files: Vec<SourceFile>, parsed: Vec<Parsed>) -> Result<Workspace, LoadError> {
    let mut diags = Vec::new();
    let mut config = None;
    let mut scenarios = Vec::new();
    let mut sources = Vec::new();
    // Sized in advance: a vector grown by doubling copies the claims (a few
    // hundred bytes each) again at every step.
    let mut claims = Vec::with_capacity(parsed.iter().map(|p| p.claims.len()).sum());
    for p in parsed {
        diags.extend(p.diags);
        if p.config.is_some() {
            config = p.config;
        }
        scenarios.extend(p.scenarios);
        sources.extend(p.sources);
        claims.extend(p.claims);
    }
    if !files.iter().any(|f| f.rel == CONFIG_FILE) {
        diags.push(Diagnostic::error(
            Code::E015,
            "no kzclaims.toml in the workspace",
        ));
    }
    let texts: &Vec<SourceFile> = &files;
    duplicate_ids(texts, &scenarios, &sources, claims.iter(), &mut diags);
    check_priors(texts, config.is_some(), &scenarios, &mut diags);
    let refs = Records {
        config: config.as_ref(),
        scenarios: &scenarios,
        sources: &sources,
    };
    check_references(texts, refs, claims.iter(), &mut diags);
    let errors = errors_in_order(diags);
    if !errors.is_empty() || config.is_none() {
        return Err(LoadError::Invalid {
            diagnostics: errors,
            files,
        });
    }
    let config = config.expect("checked above").cfg;
    Ok(finish(files, config, scenarios, sources, claims))
}

/// The workspace's files by index, as the checks across files read them:
/// a path for each diagnostic, a text to give the line and column of a
/// first definition.
trait Texts {
    fn rel(&self, file: usize) -> &str;
    fn text(&self, file: usize) -> &str;
}

impl Texts for Vec<SourceFile> {
    fn rel(&self, file: usize) -> &str {
        &self[file].rel
    }
    fn text(&self, file: usize) -> &str {
        &self[file].text
    }
}

/// What the checks across files read of a claim: its id and where it is
/// written, its date, the sources it cites and its revisions' dates. A
/// parsed claim has them; the language server keeps only these of each
/// claim between edits (`live`).
trait ClaimKeys {
    fn id(&self) -> &str;
    fn file(&self) -> usize;
    fn id_span(&self) -> &Span;
    fn date(&self) -> chrono::NaiveDate;
    fn source_refs(&self) -> &[(String, Span)];
    /// The `k`-th revision's date and the span of its `date`, in file order.
    fn revision(&self, k: usize) -> Option<(chrono::NaiveDate, &Span)>;
}

impl ClaimKeys for RawClaim {
    fn id(&self) -> &str {
        &self.c.id
    }
    fn file(&self) -> usize {
        self.c.loc.file
    }
    fn id_span(&self) -> &Span {
        &self.id_span
    }
    fn date(&self) -> chrono::NaiveDate {
        self.c.date
    }
    fn source_refs(&self) -> &[(String, Span)] {
        &self.source_refs
    }
    fn revision(&self, k: usize) -> Option<(chrono::NaiveDate, &Span)> {
        Some((self.c.revisions.get(k)?.date, self.revision_dates.get(k)?))
    }
}

/// E005 for an id defined twice: scenarios, sources and claims across the
/// workspace, indicators within their scenario.
fn duplicate_ids<'c, C: ClaimKeys + 'c>(
    files: &dyn Texts,
    scenarios: &[RawScenario],
    sources: &[RawSource],
    claims: impl Iterator<Item = &'c C>,
    diags: &mut Vec<Diagnostic>,
) {
    let rel = |file: usize| files.rel(file).to_string();
    let ids = |kind: &'static str, items: Vec<(&str, usize, &Span)>| duplicates(kind, items, files);
    diags.extend(ids(
        "scenario",
        scenarios
            .iter()
            .map(|s| (s.s.id.as_str(), s.s.loc.file, &s.id_span))
            .collect(),
    ));
    diags.extend(ids(
        "source",
        sources
            .iter()
            .map(|s| (s.s.id.as_str(), s.s.loc.file, &s.id_span))
            .collect(),
    ));
    diags.extend(ids(
        "claim",
        claims.map(|c| (c.id(), c.file(), c.id_span())).collect(),
    ));
    for s in scenarios {
        let mut seen = std::collections::BTreeSet::new();
        for (iid, span) in &s.indicator_ids {
            if !seen.insert(iid) {
                diags.push(
                    Diagnostic::error(
                        Code::E005,
                        format!("duplicate indicator id `{iid}` in scenario `{}`", s.s.id),
                    )
                    .at(rel(s.s.loc.file), span.clone())
                    .label("defined twice in this scenario"),
                );
            }
        }
    }
}

/// E014 for a workspace without scenarios, E012 for priors that sum past 1.
fn check_priors(
    files: &dyn Texts,
    has_config: bool,
    scenarios: &[RawScenario],
    diags: &mut Vec<Diagnostic>,
) {
    let rel = |file: usize| files.rel(file).to_string();
    if has_config && scenarios.is_empty() && !diags.iter().any(|d| d.file.starts_with("scenarios/"))
    {
        diags.push(
            Diagnostic::error(Code::E014, "the workspace has no scenarios")
                .in_file("scenarios/")
                .help("add a file under scenarios/ with at least one [[scenario]] table"),
        );
    }
    let prior_sum: f64 = scenarios.iter().filter_map(|s| s.s.prior).sum();
    // A prior outside [0, 1] was reported where it is written; the sum past 1
    // that follows from it is not a second error.
    let priors_in_range = scenarios
        .iter()
        .filter_map(|s| s.s.prior)
        .all(|p| (0.0..=1.0).contains(&p));
    if prior_sum > 1.0 + 1e-9 && priors_in_range {
        for s in scenarios.iter().filter(|s| s.s.prior.is_some()) {
            diags.push(
                Diagnostic::error(Code::E012, format!("priors sum to {prior_sum:.6}, past 1"))
                    .at(rel(s.s.loc.file), s.prior_span.clone().unwrap_or_default())
                    .label(format!("prior of `{}`", s.s.id))
                    .help("lower the given priors, or leave some out: scenarios without a prior share what remains of 1"),
            );
        }
    }
}

/// The records of a workspace being assembled, for the checks that span files.
#[derive(Clone, Copy)]
struct Records<'a> {
    config: Option<&'a RawConfig>,
    scenarios: &'a [RawScenario],
    sources: &'a [RawSource],
}

/// What the records cite by id and must exist: scenarios (E006), ratings
/// for every scenario (E008), claims (E016), sources (E007); and revisions
/// dated before their claim (E011).
fn check_references<'c, C: ClaimKeys + 'c>(
    files: &dyn Texts,
    r: Records<'_>,
    claims: impl Iterator<Item = &'c C> + Clone,
    diags: &mut Vec<Diagnostic>,
) {
    let Records {
        config,
        scenarios,
        sources,
    } = r;
    let rel = |file: usize| files.rel(file).to_string();
    let scenario_ids: Vec<&str> = scenarios.iter().map(|s| s.s.id.as_str()).collect();
    let claim_ids: Vec<&str> = claims.clone().map(|c| c.id()).collect();
    // Membership by hash; only observations cite claims: no set when none
    // does.
    let claim_set: HashSet<&str> = if scenarios.iter().any(|s| !s.claim_refs.is_empty()) {
        claim_ids.iter().copied().collect()
    } else {
        HashSet::default()
    };
    let unknown_scenario = |what: String, file: String, sid: &str, span: Span| {
        let mut d = Diagnostic::error(Code::E006, what)
            .at(file, span)
            .label("no [[scenario]] has this id");
        d.help = Some(match did_you_mean(sid, scenario_ids.iter().copied()) {
            Some(m) => format!("did you mean `{m}`?"),
            None => format!("scenarios: {}", scenario_ids.join(", ")),
        });
        d
    };
    if let Some(rc) = config {
        for (sid, span) in &rc.assumption_scenarios {
            if !scenario_ids.contains(&sid.as_str()) && !scenario_ids.is_empty() {
                diags.push(unknown_scenario(
                    format!("[[assumption]] names unknown scenario `{sid}`"),
                    CONFIG_FILE.to_string(),
                    sid,
                    span.clone(),
                ));
            }
        }
        if let (Some(r), Some(span)) = (&rc.cfg.resolution, &rc.resolution_scenario) {
            if !scenario_ids.contains(&r.scenario.as_str()) && !scenario_ids.is_empty() {
                diags.push(unknown_scenario(
                    format!("[resolution] names unknown scenario `{}`", r.scenario),
                    CONFIG_FILE.to_string(),
                    &r.scenario,
                    span.clone(),
                ));
            }
        }
    }
    for s in sources {
        if let (Some(i), Some(span)) = (&s.s.interest, &s.interest_span) {
            if !scenario_ids.contains(&i.as_str()) {
                diags.push(unknown_scenario(
                    format!(
                        "source `{}` has an interest in unknown scenario `{i}`",
                        s.s.id
                    ),
                    rel(s.s.loc.file),
                    i,
                    span.clone(),
                ));
            }
        }
    }
    for s in scenarios {
        let file = rel(s.s.loc.file);
        for (sid, span) in &s.rating_refs {
            if !scenario_ids.contains(&sid.as_str()) {
                diags.push(unknown_scenario(
                    format!(
                        "an indicator of scenario `{}` rates unknown scenario `{sid}`",
                        s.s.id
                    ),
                    file.clone(),
                    sid,
                    span.clone(),
                ));
            }
        }
        for (iid, header, keys) in &s.indicator_ratings {
            let missing: Vec<&str> = scenario_ids
                .iter()
                .copied()
                .filter(|x| !keys.iter().any(|k| k == x))
                .collect();
            if !missing.is_empty() {
                diags.push(
                    Diagnostic::error(
                        Code::E008,
                        format!("indicator `{iid}` has no rating for {}", list_ids(&missing)),
                    )
                    .at(file.clone(), header.clone())
                    .label("ratings incomplete")
                    .help("rate every scenario, NA where the indicator does not bear on it"),
                );
            }
        }
        for (cid, span) in &s.claim_refs {
            if !claim_set.contains(cid.as_str()) {
                let mut d = Diagnostic::error(
                    Code::E016,
                    format!(
                        "an observation in scenario `{}` cites unknown claim `{cid}`",
                        s.s.id
                    ),
                )
                .at(file.clone(), span.clone())
                .label("no [[claim]] has this id");
                d.help = did_you_mean(cid, claim_ids.iter().copied())
                    .map(|m| format!("did you mean `{m}`?"));
                diags.push(d);
            }
        }
    }
    check_claim_refs(files, sources, claims, diags);
}

/// E007 for a claim citing an unknown source, E011 for a revision dated
/// before its claim.
fn check_claim_refs<'c, C: ClaimKeys + 'c>(
    files: &dyn Texts,
    sources: &[RawSource],
    claims: impl Iterator<Item = &'c C>,
    diags: &mut Vec<Diagnostic>,
) {
    let rel = |file: usize| files.rel(file).to_string();
    let source_ids: Vec<&str> = sources.iter().map(|s| s.s.id.as_str()).collect();
    // Membership by hash: a record cites sources hundreds of thousands of
    // times.
    let source_set: HashSet<&str> = source_ids.iter().copied().collect();
    for c in claims {
        // The path is copied only for a diagnostic.
        let file = || rel(c.file());
        for (sid, span) in c.source_refs() {
            if !source_set.contains(sid.as_str()) {
                let mut d = Diagnostic::error(
                    Code::E007,
                    format!("claim `{}` cites unknown source `{sid}`", c.id()),
                )
                .at(file(), span.clone())
                .label("no [[source]] has this id");
                d.help = Some(match did_you_mean(sid, source_ids.iter().copied()) {
                    Some(m) => format!("did you mean `{m}`?"),
                    None => "define it in a [[source]] table under claims/".into(),
                });
                diags.push(d);
            }
        }
        let date = c.date();
        for k in 0.. {
            let Some((r_date, span)) = c.revision(k) else {
                break;
            };
            if r_date < date && date != chrono::NaiveDate::default() {
                diags.push(
                    Diagnostic::error(
                        Code::E011,
                        format!(
                            "revision dated {} is before its claim `{}` ({})",
                            r_date,
                            c.id(),
                            date
                        ),
                    )
                    .at(file(), span.clone())
                    .label("before the claim's date"),
                );
            }
        }
    }
}

/// The errors among `diags`, without the follow-on errors of a scenario that
/// failed to load, in order of file and place.
fn errors_in_order(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut errors: Vec<Diagnostic> = diags.into_iter().filter(|d| d.is_error()).collect();
    // A scenario that failed to load (no id, or its file unreadable as TOML)
    // would make every reference to it an unknown scenario: those follow-on
    // errors are left out until it loads, and its error says so.
    let lost = |d: &Diagnostic| {
        d.file.starts_with("scenarios/")
            && ((d.code == Code::E004 && d.message.starts_with("missing key `id`"))
                || d.code == Code::E001)
    };
    if errors.iter().any(lost) {
        let follow_on = |d: &Diagnostic| d.code == Code::E006;
        let n = errors.iter().filter(|d| follow_on(d)).count();
        if n > 0 {
            errors.retain(|d| !follow_on(d));
            if let Some(d) = errors.iter_mut().find(|d| lost(d)) {
                let note = format!(
                    "{n} reference{} to scenarios {} not checked until every scenario loads",
                    if n == 1 { "" } else { "s" },
                    if n == 1 { "is" } else { "are" }
                );
                d.help = Some(match d.help.take() {
                    Some(h) => format!("{h}; {note}"),
                    None => note,
                });
            }
        }
    }
    // By file and place; a file's problems without a place first, except
    // the count of syntax errors not shown (E001 without a place), which
    // follows the ones shown.
    let place = |d: &Diagnostic| {
        d.span
            .as_ref()
            .map(|s| s.start)
            .or((d.code == Code::E001).then_some(usize::MAX))
    };
    errors.sort_by(|a, b| (&a.file, place(a)).cmp(&(&b.file, place(b))));
    errors
}

/// The workspace from valid records: sources sorted by id, each claim's
/// effective dates, reliability and (from its analysts) ratings, claims in
/// order of date then id, and the group names.
fn finish(
    files: Vec<SourceFile>,
    config: Config,
    scenarios: Vec<RawScenario>,
    sources: Vec<RawSource>,
    mut claims: Vec<RawClaim>,
) -> Workspace {
    use rayon::prelude::*;
    let n_scenarios = scenarios.len();
    let mut sources: Vec<Source> = sources.into_iter().map(|s| s.s).collect();
    sources.sort_by(|a, b| a.id.cmp(&b.id));
    let by_id = SourceFacts::of(&sources);
    // Each claim on its own, on every core, in place.
    claims
        .par_iter_mut()
        .for_each(|c| finish_claim(&mut c.c, &by_id, n_scenarios));
    let mut claims: Vec<Claim> = claims.into_iter().map(|c| c.c).collect();
    // Sorted through a permutation of indices, applied in place: a claim is
    // a few hundred bytes, which a sort would move many times (and copy into
    // a scratch buffer of half the record). The (date, id) keys are sorted
    // side by side (ids are unique: no ties), not read through each claim.
    let mut keys: Vec<(chrono::NaiveDate, &str, usize)> = claims
        .iter()
        .enumerate()
        .map(|(i, c)| (c.date, c.id.as_str(), i))
        .collect();
    keys.sort_unstable();
    let mut order: Vec<usize> = keys.into_iter().map(|k| k.2).collect();
    permute(&mut claims, &mut order);
    // Collected in place over the larger raw records: give back the slack.
    claims.shrink_to_fit();
    let mut groups: Vec<String> = claims.iter().filter_map(|c| c.group.clone()).collect();
    groups.sort_unstable();
    groups.dedup();
    for c in &mut claims {
        c.group_index = c
            .group
            .as_deref()
            .and_then(|g| groups.binary_search_by(|x| x.as_str().cmp(g)).ok());
    }
    Workspace {
        root: PathBuf::new(),
        config,
        scenarios: scenarios.into_iter().map(|s| s.s).collect(),
        sources,
        claims,
        groups,
        files,
    }
}

/// Each source's reliability factor and publication date by id, hashed: a
/// binary search over the ids chases a pointer per comparison, a million
/// claims times.
struct SourceFacts<'a>(HashMap<&'a str, (f64, Option<chrono::NaiveDate>)>);

impl<'a> SourceFacts<'a> {
    fn of(sources: &'a [Source]) -> Self {
        SourceFacts(
            sources
                .iter()
                .map(|s| (s.id.as_str(), (s.reliability.factor(), s.published)))
                .collect(),
        )
    }
}

/// What a claim takes from the rest of the record once it is valid: its
/// effective dates (and its revisions', in order of them), the combined
/// reliability of its sources, and (without `[claim.ratings]`) the
/// consensus of its analysts' ratings.
fn finish_claim(c: &mut Claim, by_id: &SourceFacts<'_>, n_scenarios: usize) {
    let factor = |id: &str| by_id.0.get(id).map(|x| x.0);
    let published = |id: &str| by_id.0.get(id).and_then(|x| x.1);
    let reliability = |ids: &[String]| crate::model::combined_reliability(factor, ids);
    (c.effective, c.effective_by) = effective_date(c.date, &c.sources, published);
    for r in &mut c.revisions {
        if let Some(ids) = &r.sources {
            (r.effective, r.effective_by) = effective_date(r.date, ids, published);
        }
    }
    // In order of effective date, then file order (a stable sort).
    c.revisions.sort_by_key(|r| r.effective);
    c.reliability = reliability(&c.sources);
    for r in &mut c.revisions {
        r.reliability = r.sources.as_deref().map(reliability);
    }
    if !c.ratings_given {
        c.ratings = crate::model::consensus_ratings(c, n_scenarios);
    }
}

/// Rearrange `v` so that `v[k]` becomes the old `v[order[k]]`, by following
/// the permutation's cycles with swaps (each element moves once or twice).
/// `order` is left as the identity.
fn permute<T>(v: &mut [T], order: &mut [usize]) {
    for start in 0..v.len() {
        let mut cur = start;
        loop {
            let src = order[cur];
            order[cur] = cur;
            if src == start || src == cur {
                break;
            }
            v.swap(cur, src);
            cur = src;
        }
    }
}

/// What one file holds, parsed.
#[derive(Default, Clone)]
struct Parsed {
    diags: Vec<Diagnostic>,
    config: Option<RawConfig>,
    scenarios: Vec<RawScenario>,
    sources: Vec<RawSource>,
    claims: Vec<RawClaim>,
}

impl Parsed {
    /// A copy of this file's records for a workspace that has the same file
    /// at index `file`.
    fn relocated(&self, file: usize) -> Parsed {
        let mut p = self.clone();
        for s in &mut p.scenarios {
            s.s.loc.file = file;
            for r in &mut s.s.revisions {
                r.loc.file = file;
            }
            for ind in &mut s.s.indicators {
                ind.loc.file = file;
                for o in &mut ind.observations {
                    o.loc.file = file;
                }
            }
        }
        for s in &mut p.sources {
            s.s.loc.file = file;
        }
        for c in &mut p.claims {
            c.c.loc.file = file;
            for r in &mut c.c.revisions {
                r.loc.file = file;
            }
            for a in &mut c.c.assessments {
                a.loc.file = file;
            }
        }
        p
    }
}

fn parse_one(i: usize, f: &SourceFile, scenario_ids: &[&str]) -> Parsed {
    parse_one_text(i, &f.rel, &f.text, scenario_ids)
}

/// Parse the file at index `i`, `rel`, whose text is `text`.
fn parse_one_text(i: usize, rel: &str, text: &str, scenario_ids: &[&str]) -> Parsed {
    let mut p = Parsed::default();
    let mut cx = FileCx {
        rel,
        diags: &mut p.diags,
    };
    if rel == CONFIG_FILE {
        p.config = parse_config(&mut cx, text);
    } else if rel.starts_with("scenarios/") {
        parse_scenarios(&mut cx, i, text, &mut p.scenarios);
    } else if rel.starts_with("claims/") {
        parse_claims(
            &mut cx,
            i,
            text,
            scenario_ids,
            &mut p.sources,
            &mut p.claims,
        );
    }
    p
}

fn list_ids(ids: &[&str]) -> String {
    ids.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// E005 for every id seen before, pointing back at its first definition.
fn duplicates(kind: &str, items: Vec<(&str, usize, &Span)>, files: &dyn Texts) -> Vec<Diagnostic> {
    let mut first: HashMap<&str, (usize, &Span)> = HashMap::with_capacity(items.len());
    let mut out = Vec::new();
    for (id, file, span) in items {
        match first.get(id) {
            None => {
                first.insert(id, (file, span));
            }
            Some(&(f0, sp0)) => {
                let (line, col) = crate::diag::line_col(files.text(f0), sp0.start);
                out.push(
                    Diagnostic::error(Code::E005, format!("duplicate {kind} id `{id}`"))
                        .at(files.rel(file).to_string(), span.clone())
                        .label("defined again here")
                        .help(format!(
                            "first defined at {}:{line}:{col}; ids must be unique across all files",
                            files.rel(f0)
                        )),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `permute` gives what indexing by the order gives, for every
    /// permutation of five elements (fixed points, one cycle, several).
    #[test]
    fn permute_applies_the_order() {
        fn all(n: usize) -> Vec<Vec<usize>> {
            if n == 0 {
                return vec![Vec::new()];
            }
            let mut out = Vec::new();
            for p in all(n - 1) {
                for k in 0..n {
                    let mut q = p.clone();
                    q.insert(k, n - 1);
                    out.push(q);
                }
            }
            out
        }
        let v: Vec<String> = (0..5).map(|i| format!("c{i}")).collect();
        for order in all(5) {
            let want: Vec<String> = order.iter().map(|&i| v[i].clone()).collect();
            let mut got = v.clone();
            let mut o = order.clone();
            permute(&mut got, &mut o);
            assert_eq!(got, want, "{order:?}");
        }
    }

    fn ws(files: &[(&str, &str)]) -> Result<Workspace, LoadError> {
        from_files(
            files
                .iter()
                .map(|(r, t)| SourceFile {
                    rel: r.to_string(),
                    text: t.to_string(),
                })
                .collect(),
        )
    }

    /// The lean load (claims files read as parsed, texts let go) gives the
    /// same record as the full one, and on an invalid workspace the same
    /// diagnostics, quoting the files.
    #[test]
    fn lean_load_matches_the_full_load() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let full = Loader::new(root).load().unwrap();
        let lean = Loader::new(root).lean(true).load().unwrap();
        assert_eq!(full.claims.len(), lean.claims.len());
        for (a, b) in full.claims.iter().zip(&lean.claims) {
            assert_eq!(
                (&a.id, &a.statement, &a.ratings),
                (&b.id, &b.statement, &b.ratings)
            );
            assert_eq!(a.reliability, b.reliability);
        }
        assert!(lean.files.iter().all(|f| f.text.is_empty()));
        for bad in [
            "tests/fixtures/bad-unknown-source",
            "tests/fixtures/bad-syntax",
        ] {
            let dir = root.join(bad);
            let want = errors(Loader::new(&dir).load());
            let (got, files) = match Loader::new(&dir).lean(true).load() {
                Err(LoadError::Invalid { diagnostics, files }) => (diagnostics, files),
                other => panic!("{bad}: expected invalid, got {other:?}"),
            };
            let msgs = |d: &[Diagnostic]| {
                d.iter()
                    .map(|d| (d.code, d.message.clone(), d.span.clone()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(msgs(&got), msgs(&want), "{bad}");
            for d in got.iter().filter(|d| !d.file.is_empty()) {
                assert!(
                    files.iter().any(|f| f.rel == d.file && !f.text.is_empty()),
                    "{bad}: {} kept or read back to quote",
                    d.file
                );
            }
        }
    }

    /// A broken workspace is parsed once by the lean load (`check`): the
    /// texts its diagnostics quote are read back, not parsed again, and the
    /// files that are not quoted stay without text.
    #[test]
    fn a_broken_workspace_is_parsed_once() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad-unknown-source");
        let dir = tempfile::tempdir().unwrap();
        for rel in ["kzclaims.toml", "scenarios"] {
            super::testkit::copy_tree(&src.join(rel), &dir.path().join(rel));
        }
        let claims = dir.path().join("claims");
        std::fs::create_dir(&claims).unwrap();
        // Names no other test uses: `parse::tests::PARSED` is shared.
        let (quoted, broken, quiet) = (
            "claims/parsed-once-quoted.toml",
            "claims/parsed-once-broken.toml",
            "claims/parsed-once-quiet.toml",
        );
        std::fs::copy(src.join("claims/march.toml"), dir.path().join(quoted)).unwrap();
        std::fs::copy(src.join("claims/sources.toml"), dir.path().join(quiet)).unwrap();
        std::fs::write(dir.path().join(broken), "=\n".repeat(100_000)).unwrap();
        let (diags, files) = match Loader::new(dir.path()).lean(true).load() {
            Err(LoadError::Invalid { diagnostics, files }) => (diagnostics, files),
            other => panic!("expected invalid, got {other:?}"),
        };
        let parsed = parse::tests::PARSED.lock().unwrap().clone();
        for rel in [quoted, broken, quiet] {
            assert_eq!(parsed.iter().filter(|p| *p == rel).count(), 1, "{rel}");
        }
        assert!(diags
            .iter()
            .any(|d| d.file == quoted && d.code == Code::E007));
        assert!(diags
            .iter()
            .any(|d| d.file == broken && d.code == Code::E001));
        let text = |rel: &str| &files.iter().find(|f| f.rel == rel).unwrap().text;
        assert_eq!(
            text(quoted),
            &std::fs::read_to_string(dir.path().join(quoted)).unwrap()
        );
        assert_eq!(text(broken).len(), 200_000);
        assert!(text(quiet).is_empty(), "not quoted, not read back");
    }

    /// `check` loads lean with stamps and reads back the files it quotes:
    /// the texts come back as they were, and a file edited in between
    /// (even to the same length) comes back without text, named.
    #[test]
    fn read_back_gives_the_texts_loaded_or_names_the_changed_files() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = tempfile::tempdir().unwrap();
        for rel in ["kzclaims.toml", "scenarios", "claims"] {
            super::testkit::copy_tree(&src.join(rel), &dir.path().join(rel));
        }
        let full = Loader::new(dir.path()).load().unwrap();
        let (mut ws, stamps) = Loader::new(dir.path()).load_stamped().unwrap();
        assert_eq!(stamps.len(), ws.files.len());
        assert!(ws.files.iter().all(|f| f.text.is_empty()));
        let (a, b) = (full.files[1].rel.clone(), full.files[2].rel.clone());
        // Edit b in place, keeping its length.
        let path = dir.path().join(&b);
        let text = std::fs::read_to_string(&path).unwrap();
        let edited = text.replacen("id", "ID", 1);
        assert_eq!(edited.len(), text.len());
        std::fs::write(&path, edited).unwrap();
        let changed = read_back(dir.path(), &mut ws.files, &stamps, |rel| {
            rel == a || rel == b
        });
        assert_eq!(changed, vec![b.clone()]);
        for (f, g) in ws.files.iter().zip(&full.files) {
            if f.rel == a {
                assert_eq!(f.text, g.text, "{a} read back as loaded");
            } else {
                assert!(f.text.is_empty(), "{}: not asked for, or changed", f.rel);
            }
        }
    }

    /// A load through the parse cache gives what a plain load gives, after
    /// a claims file changes, a file is added and removed, and the
    /// scenario ids change (every cached file parsed again).
    #[test]
    fn cached_load_matches_a_plain_load() {
        let a = read_files(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
        let debug = |r: &Result<Workspace, LoadError>| format!("{r:?}");
        let mut cache = ParseCache::default();
        let mut steps = vec![a.clone()];
        let mut changed = a.clone();
        let f = changed
            .iter_mut()
            .find(|f| f.rel.starts_with("claims/2"))
            .unwrap();
        f.text = f.text.replacen("credibility = 1", "credibility = 3", 1);
        steps.push(changed.clone());
        let mut added = changed.clone();
        added.push(SourceFile {
            rel: "claims/000-new.toml".into(),
            text: "[[claim]\nid = 1".into(),
        });
        steps.push(added);
        steps.push(changed.clone());
        let mut renamed = changed.clone();
        for f in &mut renamed {
            f.text = f.text.replace("elite-coup", "elite-plot");
        }
        steps.push(renamed);
        steps.push(a.clone());
        for (k, files) in steps.into_iter().enumerate() {
            let want = debug(&from_files(files.clone()));
            let got = debug(&from_files_cached(files, &mut cache));
            assert_eq!(got, want, "step {k}");
        }
    }

    /// Loading two revisions together (claims files shared between them
    /// parsed once) gives exactly what loading each alone gives: every
    /// record, location and diagnostic, whether files were added (shifting
    /// every index), changed, or the second side is invalid.
    #[test]
    fn pair_load_matches_two_loads() {
        let a = read_files(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
        let first_claims = a.iter().find(|f| f.rel.starts_with("claims/")).unwrap();
        let mut added = a.clone();
        added.push(SourceFile {
            rel: "claims/000-new.toml".into(),
            text: first_claims.text.replace("\nid = \"", "\nid = \"x-"),
        });
        let mut changed = a.clone();
        let f = changed
            .iter_mut()
            .rev()
            .find(|f| f.rel.starts_with("claims/"))
            .unwrap();
        f.text = f
            .text
            .replacen("statement = \"", "statement = \"Reportedly, ", 1);
        let mut broken = a.clone();
        broken.push(SourceFile {
            rel: "claims/zzz.toml".into(),
            text: "[[claim]\nid = 1".into(),
        });
        let debug = |r: &Result<Workspace, LoadError>| format!("{r:?}");
        for (b, valid) in [
            (a.clone(), true),
            (added, true),
            (changed, true),
            (broken, false),
        ] {
            let (pa, pb) = from_files_pair(a.clone(), b.clone());
            assert_eq!(debug(&pa), debug(&from_files(a.clone())));
            assert_eq!(debug(&pb), debug(&from_files(b.clone())));
            assert!(pa.is_ok());
            assert_eq!(pb.is_ok(), valid, "{}", debug(&pb));
        }
    }

    const CFG: &str = "title = \"t\"\nquestion = \"q\"\n";
    const SCEN: &str = "[[scenario]]\nid = \"a\"\ntitle = \"A\"\nsummary = \"s\"\n\n[[scenario]]\nid = \"b\"\ntitle = \"B\"\nsummary = \"s\"\n";
    const SRC: &str =
        "[[source]]\nid = \"s1\"\nname = \"S\"\nkind = \"media\"\nreliability = \"B\"\n";

    fn errors(r: Result<Workspace, LoadError>) -> Vec<Diagnostic> {
        match r {
            Err(LoadError::Invalid { diagnostics, .. }) => diagnostics,
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    #[test]
    fn dates_in_both_forms() {
        let claims = format!(
            "{SRC}[[claim]]\nid = \"c1\"\ndate = 2022-01-05\nstatement = \"x\"\nsources = [\"s1\"]\ncredibility = 2\nratings = {{ a = \"C\", b = \"I\" }}\n\n[[claim]]\nid = \"c2\"\ndate = \"2022-01-06\"\nstatement = \"y\"\nsources = [\"s1\"]\ncredibility = \"3\"\nratings = {{ a = \"C C\", b = \"n/a\" }}\n"
        );
        let w = ws(&[
            ("kzclaims.toml", CFG),
            ("scenarios/s.toml", SCEN),
            ("claims/c.toml", &claims),
        ])
        .unwrap();
        assert_eq!(w.claims.len(), 2);
        assert_eq!(w.claims[1].date.to_string(), "2022-01-06");
        assert_eq!(w.claims[1].credibility, Credibility(3));
        assert_eq!(w.claims[1].ratings.get(1), Some(Rating::NA));
        assert_eq!(w.claims[1].ratings.get(0), Some(Rating::CC));
    }

    #[test]
    fn all_problems_reported_at_once() {
        let claims = format!(
            "{SRC}[[claim]]\nid = \"c1\"\ndate = 2022-13-05\nstatement = \"x\"\nsources = [\"nope\"]\ncredibilty = 2\nratings = {{ a = \"C\", zz = \"I\" }}\n"
        );
        let e = errors(ws(&[
            ("kzclaims.toml", CFG),
            ("scenarios/s.toml", SCEN),
            ("claims/c.toml", &claims),
        ]));
        let codes: Vec<Code> = e.iter().map(|d| d.code).collect();
        // A bad date inside TOML is refused by the TOML parser, so the file
        // stops there; it is filed with every other invalid date (E009).
        assert_eq!(codes, [Code::E009], "{e:#?}");
        let claims = claims.replace("2022-13-05", "\"2022-13-05\"");
        let e = errors(ws(&[
            ("kzclaims.toml", CFG),
            ("scenarios/s.toml", SCEN),
            ("claims/c.toml", &claims),
        ]));
        let mut codes: Vec<Code> = e.iter().map(|d| d.code).collect();
        codes.sort();
        assert_eq!(
            codes,
            [Code::E002, Code::E006, Code::E007, Code::E008, Code::E009],
            "{e:#?}"
        );
        let unknown = e.iter().find(|d| d.code == Code::E002).unwrap();
        assert_eq!(unknown.help.as_deref(), Some("did you mean `credibility`?"));
    }

    #[test]
    fn missing_rating_and_duplicate_across_files() {
        let c1 = format!("{SRC}[[claim]]\nid = \"c1\"\ndate = 2022-01-05\nstatement = \"x\"\nsources = [\"s1\"]\ncredibility = 2\nratings = {{ a = \"C\" }}\n");
        let c2 = "[[claim]]\nid = \"c1\"\ndate = 2022-01-05\nstatement = \"x\"\nsources = [\"s1\"]\ncredibility = 2\nratings = { a = \"C\", b = \"N\" }\n[[claim.revision]]\ndate = 2022-01-01\nnote = \"n\"\n";
        let e = errors(ws(&[
            ("kzclaims.toml", CFG),
            ("scenarios/s.toml", SCEN),
            ("claims/a.toml", &c1),
            ("claims/b.toml", c2),
        ]));
        let mut codes: Vec<Code> = e.iter().map(|d| d.code).collect();
        codes.sort();
        assert_eq!(codes, [Code::E005, Code::E008, Code::E011], "{e:#?}");
    }

    #[test]
    fn priors_past_one() {
        let scen = SCEN
            .replace("title = \"A\"", "title = \"A\"\nprior = 0.7")
            .replace("title = \"B\"", "title = \"B\"\nprior = 0.4");
        let e = errors(ws(&[("kzclaims.toml", CFG), ("scenarios/s.toml", &scen)]));
        assert!(
            e.iter().all(|d| d.code == Code::E012) && e.len() == 2,
            "{e:#?}"
        );
    }

    #[test]
    fn load_errors_are_errors_with_one_line() {
        fn boxed(e: LoadError) -> Box<dyn std::error::Error> {
            Box::new(e)
        }
        let io = boxed(LoadError::Io("cannot read /x: gone".into()));
        assert_eq!(io.to_string(), "cannot read /x: gone");
        let err = from_files(vec![SourceFile {
            rel: CONFIG_FILE.into(),
            text: "title = 1\n".into(),
        }])
        .unwrap_err();
        let LoadError::Invalid { diagnostics, .. } = &err else {
            panic!("{err:?}")
        };
        let n = diagnostics.len();
        assert!(n > 1, "{diagnostics:?}");
        let first = &diagnostics[0];
        let want = format!(
            "the workspace is invalid: {n} problems (first: {}: {} {})",
            first.file, first.code, first.message
        );
        assert_eq!(boxed(err).to_string(), want);
    }

    #[test]
    fn slugs() {
        assert!(is_slug("elite-coup"));
        assert!(is_slug("c.2022_01"));
        assert!(!is_slug("Elite"));
        assert!(!is_slug("-x"));
        assert!(!is_slug(""));
    }

    #[test]
    fn likelihood_overrides_in_either_case() {
        let cfg = "title = \"t\"\nquestion = \"q\"\n[scoring]\nengine = \"ACH\"\n[scoring.likelihood]\ncc = 0.9\nI = 0.3\n";
        let w = ws(&[("kzclaims.toml", cfg), ("scenarios/s.toml", SCEN)]).unwrap();
        assert_eq!(w.config.engine, EngineKind::Ach);
        assert_eq!(w.config.likelihood.cc, 0.9);
        assert_eq!(w.config.likelihood.i, 0.3);
        assert_eq!(w.config.likelihood.c, 0.8);
        let bad = cfg.replace("0.3", "1.5");
        let e = errors(ws(&[("kzclaims.toml", &bad), ("scenarios/s.toml", SCEN)]));
        assert_eq!(e[0].code, Code::E010);
    }

    /// Proponents as names or `{ name, since }` tables, scenario revisions
    /// in date order; a bad entry or an empty revision is an error.
    #[test]
    fn dated_proponents_and_scenario_revisions() {
        let scen = "[[scenario]]\nid = \"a\"\ntitle = \"A\"\nsummary = \"s\"\nproponents = [\"x\", { name = \"y\", since = \"2022-01-10\" }]\n\n[[scenario.revision]]\ndate = 2022-02-01\nnote = \"n2\"\ntitle = \"A2\"\n\n[[scenario.revision]]\ndate = 2022-01-10\nnote = \"n1\"\nsummary = \"s1\"\n\n[[scenario]]\nid = \"b\"\ntitle = \"B\"\nsummary = \"s\"\n";
        let w = ws(&[("kzclaims.toml", CFG), ("scenarios/s.toml", scen)]).unwrap();
        let a = &w.scenarios[0];
        let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        assert_eq!(
            a.proponents,
            [
                Proponent {
                    name: "x".into(),
                    since: None
                },
                Proponent {
                    name: "y".into(),
                    since: Some(d("2022-01-10"))
                }
            ]
        );
        let dates: Vec<String> = a.revisions.iter().map(|r| r.date.to_string()).collect();
        assert_eq!(dates, ["2022-01-10", "2022-02-01"]);
        assert_eq!(a.summary_as_of(d("2022-03-01")), "s1");
        assert_eq!(a.title_as_of(d("2022-03-01")), "A2");

        let bad = scen
            .replace(
                "{ name = \"y\", since = \"2022-01-10\" }",
                "{ nam = \"y\" }, 3",
            )
            .replace("title = \"A2\"\n", "");
        let e = errors(ws(&[("kzclaims.toml", CFG), ("scenarios/s.toml", &bad)]));
        let mut codes: Vec<Code> = e.iter().map(|d| d.code).collect();
        codes.sort();
        assert_eq!(codes, [Code::E002, Code::E003, Code::E004], "{e:#?}");
    }
}
