//! The analysis kept in memory and brought up to date edit by edit, for
//! `kzclaims lsp` (`serve` uses its loading part, [`crate::load::live`],
//! since its pages assess the workspace at their own dates) (docs/performance.md, "kzclaims
//! lsp"). It holds the loaded workspace ([`crate::load::live`]: an edit
//! re-parses its file and replaces that file's claims), the assessment as of
//! the workspace's date (after a patch only the new claims' rows are
//! computed, [`crate::engine::patch`]) and what `check` reports on it.
//!
//! What is reported is what `check` reports on the same texts: the errors
//! of a full load; with none, `check`'s warnings. While some files have
//! errors, the warnings are those of the workspace with each of those files
//! as it last loaded and every other file as it stands (none on a file with
//! an error); when the files without errors do not fit that workspace (an
//! id they add is still in the older text of a file with an error, say),
//! only the errors are shown.

use crate::diag::Diagnostic;
use crate::engine::{self, Assessment, Totals};
use crate::load::live::{Live, Outcome, TextSource};
use crate::model::Workspace;
use std::cell::OnceCell;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Where the last update spent its time.
#[derive(Debug, Clone, Default)]
pub(crate) struct Timing {
    /// What the update was: `same` (an error stands, or the text did not
    /// change), `patched`, `heads` (config or scenarios), `rebuilt`.
    pub(crate) kind: &'static str,
    /// Parsing the file and the checks across files (and the patch).
    pub(crate) load: Duration,
    pub(crate) assess: Duration,
    pub(crate) checks: Duration,
}

impl Timing {
    /// One line, for a log: `patched: load 3.1 ms, assess 4.0 ms, checks 20.2 ms`.
    pub(crate) fn line(&self) -> String {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        format!(
            "{}: load {:.1} ms, assess {:.1} ms, checks {:.1} ms (total {:.1} ms)",
            self.kind,
            ms(self.load),
            ms(self.assess),
            ms(self.checks),
            ms(self.load + self.assess + self.checks)
        )
    }
}

/// The workspace, its assessment and its diagnostics, kept up to date.
pub(crate) struct Analysis {
    root: PathBuf,
    live: Live,
    assessment: Option<Assessment>,
    /// `check`'s warnings on the workspace (silenced ones left out), or
    /// the memo template's error.
    warnings: Vec<Diagnostic>,
    totals: OnceCell<Option<Totals>>,
    /// The last update's.
    pub(crate) timing: Timing,
}

impl Analysis {
    /// Load the workspace at `root` whose files are `rels`, their texts
    /// from `texts`.
    pub(crate) fn load(root: &Path, rels: Vec<String>, texts: &dyn TextSource) -> Analysis {
        let mut a = Analysis {
            root: root.to_path_buf(),
            live: Live::default(),
            assessment: None,
            warnings: Vec::new(),
            totals: OnceCell::new(),
            timing: Timing::default(),
        };
        a.reload(rels, texts);
        a
    }

    /// Files were added or removed: load again (every file parsed).
    pub(crate) fn reload(&mut self, rels: Vec<String>, texts: &dyn TextSource) {
        let t = Instant::now();
        let outcome = self.live.load(&self.root, rels, texts);
        self.update(outcome, t.elapsed());
    }

    /// The text of `rel` changed.
    pub(crate) fn edit(&mut self, rel: &str, texts: &dyn TextSource) {
        let t = Instant::now();
        let outcome = self.live.edit(rel, texts);
        self.update(outcome, t.elapsed());
    }

    /// The paths of the workspace's files, in order.
    pub(crate) fn rels(&self) -> &[String] {
        self.live.rels()
    }

    fn update(&mut self, outcome: Outcome, load: Duration) {
        self.timing = Timing {
            load,
            ..Timing::default()
        };
        let kind = match &outcome {
            Outcome::Same => "same",
            Outcome::Patched(_) => "patched",
            Outcome::Heads => "heads",
            Outcome::Rebuilt => "rebuilt",
        };
        self.timing.kind = kind;
        if matches!(outcome, Outcome::Same) {
            return;
        }
        self.totals = OnceCell::new();
        let Some(ws) = self.live.workspace() else {
            self.assessment = None;
            self.warnings.clear();
            return;
        };
        let t = Instant::now();
        let date = ws.default_as_of();
        let old = self.assessment.take();
        self.assessment = date.map(|date| match (outcome, old) {
            (Outcome::Patched(p), Some(old))
                if !p.heads && old.as_of == date && old.engine == ws.config.engine =>
            {
                let moved = engine::patch::Moved {
                    old_to_new: &p.old_to_new,
                    inserted: &p.inserted,
                    groups_changed: p.groups_changed,
                };
                engine::patch::reassess(ws, old, &moved)
            }
            _ => engine::assess(ws, date, ws.config.engine),
        });
        self.timing.assess = t.elapsed();
        let t = Instant::now();
        self.warnings = match &self.assessment {
            Some(a) => match crate::report::checked_lean(ws, a) {
                Ok(report) => report.warnings,
                Err(e) => vec![e.diagnostic],
            },
            None => Vec::new(),
        };
        self.timing.checks = t.elapsed();
    }

    /// The workspace of the last state without errors.
    pub(crate) fn workspace(&self) -> Option<&Workspace> {
        self.live.workspace()
    }

    /// Its assessment as of its date (`None` without a date: no claims).
    pub(crate) fn assessment(&self) -> Option<&Assessment> {
        self.assessment.as_ref()
    }

    /// What `check` reports: every error; the warnings of the files that
    /// have none (none at all while files without errors wait, see
    /// [`Live::substituted`]).
    pub(crate) fn diagnostics(&self) -> Vec<&Diagnostic> {
        let errors = self.live.errors();
        if !self.live.substituted() {
            return errors.iter().collect();
        }
        let broken: std::collections::BTreeSet<&str> =
            errors.iter().map(|d| d.file.as_str()).collect();
        errors
            .iter()
            .chain(
                self.warnings
                    .iter()
                    .filter(|d| !broken.contains(d.file.as_str())),
            )
            .collect()
    }

    /// The index of the claim `id` in the workspace.
    pub(crate) fn claim_index(&self, id: &str) -> Option<usize> {
        self.live.claim_index(id)
    }

    /// The index into the assessment's rows of claim `claim`'s row.
    pub(crate) fn row_of(&self, claim: usize) -> Option<usize> {
        let rows = &self.assessment.as_ref()?.rows;
        rows.binary_search_by_key(&claim, |r| r.state.claim).ok()
    }

    /// The assessment's sums (to take a claim out of them).
    pub(crate) fn totals(&self) -> Option<&Totals> {
        self.totals
            .get_or_init(|| {
                let ws = self.workspace()?;
                let a = self.assessment.as_ref()?;
                Some(engine::totals_of(
                    ws.scenarios.len(),
                    &a.rows,
                    &a.indicators,
                ))
            })
            .as_ref()
    }
}
