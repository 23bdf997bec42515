//! The workspace in memory: every file's text (the editor's unsaved text for
//! open documents, the disk's for the rest), and the analysis of them all
//! (`crate::live`: the loaded workspace, its assessment and what `check`
//! would report, brought up to date file by file).

use super::position::LineIndex;
use super::syntax::{self, Syntax};
use crate::diag::Diagnostic;
use crate::engine::{Assessment, Totals};
use crate::load::live::TextSource;
use crate::load::{self, LoadError};
use crate::model::Workspace;
use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One workspace file.
pub(crate) struct Doc {
    pub text: String,
    /// Open in the editor (its text is the editor's, not the disk's).
    pub open: bool,
    pub version: Option<i32>,
    pub lines: LineIndex,
    syntax: OnceCell<Syntax>,
    /// Its text changed since the last analysis.
    pub changed: bool,
}

impl Doc {
    pub(crate) fn new(text: String, open: bool, version: Option<i32>) -> Self {
        Doc {
            lines: LineIndex::new(&text),
            text,
            open,
            version,
            syntax: OnceCell::new(),
            changed: true,
        }
    }

    pub(crate) fn set_text(&mut self, text: String) {
        self.lines = LineIndex::new(&text);
        self.text = text;
        self.syntax = OnceCell::new();
        self.changed = true;
    }

    /// The file's ids and records (indexed on first use after each change).
    pub(crate) fn syntax(&self, rel: &str) -> &Syntax {
        self.syntax.get_or_init(|| syntax::index(rel, &self.text))
    }
}

pub(crate) struct Store {
    pub root: PathBuf,
    /// Every workspace file by path relative to the root.
    pub docs: BTreeMap<String, Doc>,
    /// The workspace, its assessment and diagnostics, kept up to date by
    /// the edits (`None` until the first analysis).
    pub analysis: Option<crate::live::Analysis>,
    /// Each file's diagnostics at the last publication, and the files
    /// their related information points into (to publish a file again only
    /// when what it shows may have changed).
    pub published: BTreeMap<String, Published>,
}

/// What was last published for one file.
pub(crate) struct Published {
    pub diagnostics: Vec<Diagnostic>,
    /// The files its diagnostics' related information points into.
    pub points_into: std::collections::BTreeSet<String>,
}

/// The documents' texts, as the live analysis reads them.
struct Texts<'a>(&'a BTreeMap<String, Doc>);

impl TextSource for Texts<'_> {
    fn text(&self, rel: &str) -> &str {
        self.0.get(rel).map_or("", |d| d.text.as_str())
    }
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
            analysis: None,
            published: Default::default(),
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

    /// Bring the analysis up to date with the documents: the files whose
    /// text changed are parsed again and put in (every file, when files
    /// came or went).
    /// Returns the files whose text changed.
    pub(crate) fn analyse(&mut self) -> std::collections::BTreeSet<String> {
        let t0 = std::time::Instant::now();
        let texts = Texts(&self.docs);
        let same_files = self
            .analysis
            .as_ref()
            .is_some_and(|a| a.rels().iter().eq(self.docs.keys()));
        let mut timing = Vec::new();
        match self.analysis.as_mut() {
            Some(a) if same_files => {
                for (rel, _) in self.docs.iter().filter(|(_, d)| d.changed) {
                    a.edit(rel, &texts);
                    timing.push(a.timing.line());
                }
            }
            Some(a) => {
                a.reload(self.docs.keys().cloned().collect(), &texts);
                timing.push(a.timing.line());
            }
            None => {
                let a = crate::live::Analysis::load(
                    &self.root,
                    self.docs.keys().cloned().collect(),
                    &texts,
                );
                timing.push(a.timing.line());
                self.analysis = Some(a);
            }
        }
        let mut changed = std::collections::BTreeSet::new();
        for (rel, d) in self.docs.iter_mut() {
            if d.changed || !same_files {
                changed.insert(rel.clone());
            }
            d.changed = false;
        }
        if std::env::var_os("KZCLAIMS_LSP_TIMING").is_some() {
            eprintln!(
                "kzclaims lsp: analysis {:.1} ms ({})",
                t0.elapsed().as_secs_f64() * 1e3,
                timing.join("; ")
            );
        }
        changed
    }

    /// The workspace of the last state without errors.
    pub(crate) fn ws(&self) -> Option<&Workspace> {
        self.analysis.as_ref()?.workspace()
    }

    /// Its assessment as of its date.
    pub(crate) fn assessment(&self) -> Option<&Assessment> {
        self.analysis.as_ref()?.assessment()
    }

    /// The assessment's sums.
    pub(crate) fn totals(&self) -> Option<&Totals> {
        self.analysis.as_ref()?.totals()
    }

    /// The index of claim `id` in the workspace.
    pub(crate) fn claim_index(&self, id: &str) -> Option<usize> {
        self.analysis.as_ref()?.claim_index(id)
    }

    /// The index into the assessment's rows of claim `claim`'s row.
    pub(crate) fn row_of(&self, claim: usize) -> Option<usize> {
        self.analysis.as_ref()?.row_of(claim)
    }
}
