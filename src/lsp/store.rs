//! The workspace in memory: every file's text (the editor's unsaved text for
//! open documents, the disk's for the rest), and the analysis of them all —
//! the loaded workspace, its assessment and what `check` would report.

use super::position::LineIndex;
use super::syntax::{self, Syntax};
use crate::diag::{Code, Diagnostic};
use crate::engine::{Assessment, Totals};
use crate::load::{self, LoadError};
use crate::model::{SourceFile, Workspace};
use std::cell::OnceCell;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// One workspace file.
pub(crate) struct Doc {
    pub text: String,
    /// Open in the editor (its text is the editor's, not the disk's).
    pub open: bool,
    pub version: Option<i32>,
    pub lines: LineIndex,
    syntax: OnceCell<Syntax>,
    /// The last text of an open document with which the workspace loaded:
    /// while the document is broken, the rest of the workspace is checked
    /// with it, so its warnings stay.
    pub good: Option<String>,
}

impl Doc {
    pub(crate) fn new(text: String, open: bool, version: Option<i32>) -> Self {
        Doc {
            lines: LineIndex::new(&text),
            text,
            open,
            version,
            syntax: OnceCell::new(),
            good: None,
        }
    }

    pub(crate) fn set_text(&mut self, text: String) {
        self.lines = LineIndex::new(&text);
        self.text = text;
        self.syntax = OnceCell::new();
    }

    /// The file's ids and records (indexed on first use after each change).
    pub(crate) fn syntax(&self, rel: &str) -> &Syntax {
        self.syntax.get_or_init(|| syntax::index(rel, &self.text))
    }
}

/// The analysis of the workspace as it stands.
#[derive(Default)]
pub(crate) struct Analysis {
    /// The workspace as loaded (texts let go: the documents hold them).
    /// While a document is broken, the workspace loaded with its last good
    /// text; `None` when no version loads.
    pub ws: Option<Workspace>,
    pub assessment: Option<Assessment>,
    /// The assessment's sums, to take a claim out of them.
    pub totals: Option<Totals>,
    /// Claim id → index into `ws.claims`.
    pub claim_index: HashMap<String, usize>,
    /// Claim index → index into `assessment.rows`.
    pub row_of: HashMap<usize, usize>,
    /// Every diagnostic, errors and warnings, as `check` words them.
    pub diagnostics: Vec<Diagnostic>,
}

pub(crate) struct Store {
    pub root: PathBuf,
    /// Every workspace file by path relative to the root.
    pub docs: BTreeMap<String, Doc>,
    pub analysis: Analysis,
    /// Files given diagnostics in the last publication (to clear them).
    pub published: std::collections::BTreeSet<String>,
    /// The claims files as last parsed: an edit re-parses only its file.
    cache: load::ParseCache,
}

impl Store {
    /// Read the workspace's files at `root`.
    pub(crate) fn open(root: &Path) -> Store {
        let mut docs = BTreeMap::new();
        let files = match load::read_files(root) {
            Ok(f) => f,
            Err(LoadError::Invalid { files, .. }) => files,
            Err(LoadError::Io(_)) => Vec::new(),
        };
        for f in files {
            docs.insert(f.rel, Doc::new(f.text, false, None));
        }
        Store {
            root: root.to_path_buf(),
            docs,
            analysis: Analysis::default(),
            published: Default::default(),
            cache: Default::default(),
        }
    }

    /// The path relative to the root of a file in the workspace (one the
    /// loader would read), or `None`.
    pub(crate) fn rel(&self, path: &Path) -> Option<String> {
        let rel = path.strip_prefix(&self.root).ok()?;
        let rel: Vec<&str> = rel.iter().map(|c| c.to_str()).collect::<Option<_>>()?;
        let rel = rel.join("/");
        let ok = rel == load::CONFIG_FILE
            || ((rel.starts_with("claims/") || rel.starts_with("scenarios/"))
                && rel.ends_with(".toml")
                && !rel.split('/').any(|c| c.starts_with('.')));
        ok.then_some(rel)
    }

    /// Re-read a closed file from disk (gone: forgotten).
    pub(crate) fn reload_from_disk(&mut self, rel: &str) {
        if self.docs.get(rel).is_some_and(|d| d.open) {
            return;
        }
        match std::fs::read(self.root.join(rel)) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                match self.docs.get_mut(rel) {
                    Some(d) => d.set_text(text),
                    None => {
                        self.docs
                            .insert(rel.to_string(), Doc::new(text, false, None));
                    }
                }
            }
            Err(_) => {
                self.docs.remove(rel);
            }
        }
    }

    /// The documents' texts moved out (not copied: a large record is tens
    /// of megabytes) for a load; a file in `substitute` goes with its last
    /// good text, its own kept aside. [`Store::give_back`] puts them back.
    fn take_files(
        &mut self,
        substitute: &std::collections::BTreeSet<String>,
    ) -> (Vec<SourceFile>, Vec<(String, String)>) {
        let mut kept = Vec::new();
        let files = self
            .docs
            .iter_mut()
            .map(|(rel, d)| {
                let text = match (&d.good, substitute.contains(rel)) {
                    (Some(g), true) => {
                        kept.push((rel.clone(), std::mem::take(&mut d.text)));
                        g.clone()
                    }
                    _ => std::mem::take(&mut d.text),
                };
                SourceFile {
                    rel: rel.clone(),
                    text,
                }
            })
            .collect();
        (files, kept)
    }

    /// The texts back into their documents (from a loaded workspace's files,
    /// or from a failed load's).
    fn give_back(&mut self, files: &mut [SourceFile], kept: Vec<(String, String)>) {
        for (rel, text) in kept {
            if let Some(d) = self.docs.get_mut(&rel) {
                d.text = text;
            }
        }
        for f in files {
            if let Some(d) = self.docs.get_mut(&f.rel) {
                if d.text.is_empty() {
                    d.text = std::mem::take(&mut f.text);
                }
            }
        }
    }

    /// Load the documents as they stand (`substitute`: with these files'
    /// last good texts), through the parse cache; the texts stay with the
    /// documents, the workspace keeps none.
    fn load(
        &mut self,
        substitute: &std::collections::BTreeSet<String>,
    ) -> Result<Workspace, Vec<Diagnostic>> {
        let (files, kept) = self.take_files(substitute);
        match load::from_files_cached(files, &mut self.cache) {
            Ok(mut ws) => {
                let mut files = std::mem::take(&mut ws.files);
                self.give_back(&mut files, kept);
                ws.files = files;
                Ok(ws)
            }
            Err(LoadError::Invalid {
                diagnostics,
                mut files,
            }) => {
                self.give_back(&mut files, kept);
                Err(diagnostics)
            }
            Err(LoadError::Io(m)) => {
                // The loader reads no file here; were it to fail so, the
                // closed files are read again.
                let closed: Vec<String> = self
                    .docs
                    .iter()
                    .filter(|(_, d)| !d.open)
                    .map(|(r, _)| r.clone())
                    .collect();
                for rel in closed {
                    self.reload_from_disk(&rel);
                }
                Err(vec![
                    Diagnostic::error(Code::E001, m).in_file(load::CONFIG_FILE)
                ])
            }
        }
    }

    /// Load and check the workspace as the documents stand.
    pub(crate) fn analyse(&mut self) {
        let t0 = std::time::Instant::now();
        let mut lap = Lap::new();
        let none = Default::default();
        let mut diagnostics = Vec::new();
        let mut broken = std::collections::BTreeSet::new();
        let loaded = match self.load(&none) {
            Ok(ws) => {
                for d in self.docs.values_mut().filter(|d| d.open) {
                    if d.good.as_deref() != Some(d.text.as_str()) {
                        d.good = Some(d.text.clone());
                    }
                }
                Some(ws)
            }
            Err(errors) => {
                // Check the rest of the workspace with the broken open
                // documents' last good texts, for the warnings elsewhere.
                broken = errors.iter().map(|d| d.file.clone()).collect();
                diagnostics = errors;
                let can = broken
                    .iter()
                    .all(|rel| self.docs.get(rel).is_some_and(|d| d.good.is_some()));
                if can && !broken.is_empty() {
                    self.load(&broken).ok()
                } else {
                    None
                }
            }
        };
        lap.at("load");
        let mut analysis = Analysis::default();
        if let Some(mut ws) = loaded {
            ws.root = self.root.clone();
            if let Some(date) = ws.default_as_of() {
                let a = crate::engine::assess(&ws, date, ws.config.engine);
                lap.at("assess");
                let checked = crate::report::checked(&ws, &a);
                lap.at("checks");
                match checked {
                    Ok((report, _)) => diagnostics.extend(
                        report
                            .warnings
                            .into_iter()
                            .filter(|d| !broken.contains(&d.file)),
                    ),
                    Err(e) => diagnostics.push(e.diagnostic),
                }
                analysis.totals = Some(crate::engine::totals_of(
                    ws.scenarios.len(),
                    &a.rows,
                    &a.indicators,
                ));
                analysis.row_of = a
                    .rows
                    .iter()
                    .enumerate()
                    .map(|(i, r)| (r.state.claim, i))
                    .collect();
                analysis.assessment = Some(a);
            }
            analysis.claim_index = ws
                .claims
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id.clone(), i))
                .collect();
            analysis.ws = Some(ws);
        }
        analysis.diagnostics = diagnostics;
        self.analysis = analysis;
        lap.at("index");
        lap.done(t0);
    }
}

/// Where an analysis spends its time, on stderr when `KZCLAIMS_LSP_TIMING`
/// is set (for docs/performance.md; editors show a server's stderr in a log).
struct Lap {
    on: bool,
    last: std::time::Instant,
    parts: Vec<(&'static str, std::time::Duration)>,
}

impl Lap {
    fn new() -> Self {
        Lap {
            on: std::env::var_os("KZCLAIMS_LSP_TIMING").is_some(),
            last: std::time::Instant::now(),
            parts: Vec::new(),
        }
    }
    fn at(&mut self, what: &'static str) {
        if self.on {
            let now = std::time::Instant::now();
            self.parts.push((what, now - self.last));
            self.last = now;
        }
    }
    fn done(self, t0: std::time::Instant) {
        if self.on {
            let parts: Vec<String> = self
                .parts
                .iter()
                .map(|(w, d)| format!("{w} {:.1} ms", d.as_secs_f64() * 1e3))
                .collect();
            eprintln!(
                "kzclaims lsp: analysis {:.1} ms ({})",
                t0.elapsed().as_secs_f64() * 1e3,
                parts.join(", ")
            );
        }
    }
}
