//! The served workspace as last loaded, and the watcher that reloads it when
//! a TOML file or a template changes (rapid saves coalesced) and tells the
//! open pages.
//!
//! Reloads go through the incremental core the language server uses
//! ([`crate::load::live`]): the watcher keeps every workspace file's text,
//! re-reads only the files that changed (by the loader's rule,
//! [`crate::load::files`]) and re-parses only those. When in doubt (a file
//! came, went or cannot be read as a full load reads it, a workspace file is
//! reached through a link, the watcher lost events) it reads the whole
//! workspace again, as `load::read_files` does, so what is served is always
//! what a full load of the files on disk gives.

use super::Clients;
use crate::diag::Diagnostic;
use crate::live::Timing;
use crate::load::live::{Live, Outcome, TextSource};
use crate::load::{self, LoadError};
use crate::model::{SourceFile, Workspace};
use notify::Watcher;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Saves closer together than this make one reload.
const QUIET: Duration = Duration::from_millis(200);

/// The workspace, or why it does not load.
pub(super) enum Loaded {
    Ok(Box<Workspace>),
    Invalid(Vec<Diagnostic>, Vec<SourceFile>),
    Unreadable(String),
}

pub(super) struct Snapshot {
    /// Bumped on every reload.
    pub version: u64,
    pub loaded: Arc<Loaded>,
}

#[derive(Clone)]
pub(super) struct State {
    root: PathBuf,
    inner: Arc<Mutex<Snapshot>>,
}

/// Today's full load, for what the incremental path does not cover.
fn read(root: &Path) -> Loaded {
    match load::Loader::new(root).load() {
        Ok(ws) => Loaded::Ok(Box::new(ws)),
        Err(LoadError::Invalid { diagnostics, files }) => Loaded::Invalid(diagnostics, files),
        Err(LoadError::Io(m)) => Loaded::Unreadable(m),
    }
}

/// The workspace files' texts, as the live core reads them.
struct Texts(BTreeMap<String, String>);

impl TextSource for Texts {
    fn text(&self, rel: &str) -> &str {
        self.0.get(rel).map_or("", String::as_str)
    }
}

/// The workspace kept in memory by the watcher thread: every file's text
/// and the live core's parse of them.
pub(super) struct Follower {
    root: PathBuf,
    /// `root`'s canonical path (files are read inside it only).
    real_root: PathBuf,
    texts: Texts,
    /// `None` when the last read of the files found a file it could not
    /// read or decode (or the root itself): the next change reads them all.
    live: Option<Live>,
    /// A workspace file is reached through a link, or has other hard
    /// links: a change to it may show under another path, so every change
    /// reads all the files.
    linked: bool,
}

/// What a reload did, for the timing line.
struct Reload {
    /// `None`: the workspace files are as published (a template changed).
    loaded: Option<Loaded>,
    /// The live core's timing of each step (none for a full load by
    /// [`load::Loader`]).
    steps: Vec<Timing>,
    /// Copying the workspace into the snapshot the pages read.
    copy: Duration,
}

fn kind(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Same => "same",
        Outcome::Patched(_) => "patched",
        Outcome::Heads => "heads",
        Outcome::Rebuilt => "rebuilt",
    }
}

impl Follower {
    fn new(root: &Path) -> Follower {
        Follower {
            root: root.to_path_buf(),
            real_root: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
            texts: Texts(BTreeMap::new()),
            live: None,
            linked: false,
        }
    }

    /// Read every file (`load::read_files`) and load them into the core.
    fn full(&mut self) -> Reload {
        let t = Instant::now();
        self.real_root = self
            .root
            .canonicalize()
            .unwrap_or_else(|_| self.root.to_path_buf());
        let files = match load::read_files(&self.root) {
            Ok(files) => files,
            Err(e) => {
                // What a full load reports: it stops at the files.
                self.live = None;
                self.texts.0.clear();
                let loaded = match e {
                    LoadError::Invalid { diagnostics, files } => {
                        Loaded::Invalid(diagnostics, files)
                    }
                    LoadError::Io(m) => Loaded::Unreadable(m),
                };
                return Reload {
                    loaded: Some(loaded),
                    steps: Vec::new(),
                    copy: Duration::ZERO,
                };
            }
        };
        self.linked = files.iter().any(|f| self.linked_file(&f.rel));
        self.texts = Texts(files.into_iter().map(|f| (f.rel, f.text)).collect());
        let rels: Vec<String> = self.texts.0.keys().cloned().collect();
        let live = self.live.get_or_insert_with(Live::default);
        let outcome = live.load(&self.root, rels, &self.texts);
        let step = Timing {
            kind: kind(&outcome),
            load: t.elapsed(),
            ..Timing::default()
        };
        self.publish(vec![step])
    }

    /// Whether `rel` is reached through a link or has other hard links.
    fn linked_file(&self, rel: &str) -> bool {
        use std::os::unix::fs::MetadataExt;
        let path = self.root.join(rel);
        path.canonicalize().ok() != Some(self.real_root.join(rel))
            || std::fs::symlink_metadata(&path).map_or(true, |m| m.nlink() > 1)
    }

    /// The path relative to the root of a workspace file the loader reads
    /// (`kzclaims.toml`, `claims/**/*.toml`, `scenarios/**/*.toml`), or
    /// `None` for any other path (a template: nothing to parse).
    fn rel(&self, path: &Path) -> Option<String> {
        let rel = path
            .strip_prefix(&self.root)
            .or_else(|_| path.strip_prefix(&self.real_root))
            .ok()?;
        let parts: Vec<&str> = rel.iter().map(|c| c.to_str()).collect::<Option<_>>()?;
        let rel = parts.join("/");
        let ok = rel == load::CONFIG_FILE
            || ((rel.starts_with("claims/") || rel.starts_with("scenarios/"))
                && rel.ends_with(".toml")
                && !parts.iter().any(|c| c.starts_with('.')));
        ok.then_some(rel)
    }

    /// The files at `paths` changed (or may have): read them again and put
    /// them in; everything again when `rescan` or in doubt.
    fn changed(&mut self, paths: &BTreeSet<PathBuf>, rescan: bool) -> Reload {
        if rescan || self.linked || self.live.is_none() {
            return self.full();
        }
        let t = Instant::now();
        let mut edited = BTreeSet::new();
        for p in paths {
            let Some(rel) = self.rel(p) else { continue };
            // Read as `read_files` reads it; anything it would report, or a
            // file that came or went, is a full load's business.
            let Ok(bytes) = load::files::read_inside(&self.real_root, &self.root, &rel) else {
                return self.full();
            };
            let Ok(text) = String::from_utf8(bytes) else {
                return self.full();
            };
            let Some(old) = self.texts.0.get_mut(&rel) else {
                return self.full();
            };
            if *old != text {
                *old = text;
                edited.insert(rel);
            }
        }
        let read = t.elapsed();
        let live = self.live.as_mut().expect("checked above");
        let mut steps = Vec::new();
        for (k, rel) in edited.iter().enumerate() {
            let t = Instant::now();
            let outcome = live.edit(rel, &self.texts);
            steps.push(Timing {
                kind: kind(&outcome),
                // The files are read once for all the edits.
                load: t.elapsed() + if k == 0 { read } else { Duration::ZERO },
                ..Timing::default()
            });
        }
        if steps.is_empty() {
            return Reload {
                loaded: None,
                steps: vec![Timing {
                    kind: "same",
                    load: read,
                    ..Timing::default()
                }],
                copy: Duration::ZERO,
            };
        }
        self.publish(steps)
    }

    /// The snapshot of the core as it stands: its workspace without
    /// errors, else its errors with the files they quote.
    fn publish(&self, steps: Vec<Timing>) -> Reload {
        let live = self.live.as_ref().expect("loaded by the caller");
        let t = Instant::now();
        let loaded = match live.workspace() {
            Some(ws) if live.errors().is_empty() => Loaded::Ok(Box::new(ws.clone())),
            // No error and no workspace cannot happen (no config is E015);
            // today's load says what it is if it does.
            None if live.errors().is_empty() => read(&self.root),
            _ => {
                let errors = live.errors().to_vec();
                let quoted: BTreeSet<&str> = errors
                    .iter()
                    .flat_map(|d| std::iter::once(&d.file).chain(d.related.iter().map(|r| &r.file)))
                    .map(String::as_str)
                    .collect();
                let files = quoted
                    .into_iter()
                    .filter_map(|rel| {
                        let text = self.texts.0.get(rel)?;
                        Some(SourceFile {
                            rel: rel.to_string(),
                            text: text.clone(),
                        })
                    })
                    .collect();
                Loaded::Invalid(errors, files)
            }
        };
        Reload {
            loaded: Some(loaded),
            steps,
            copy: t.elapsed(),
        }
    }
}

impl Reload {
    /// `kzclaims serve: reload 4.2 ms (patched: load 3.1 ms, …; copy 1.0 ms)`,
    /// the language server's timing line for each step.
    fn line(&self, total: Duration) -> String {
        let steps: Vec<String> = self.steps.iter().map(Timing::line).collect();
        let steps = if steps.is_empty() {
            "full load".to_string()
        } else {
            steps.join("; ")
        };
        format!(
            "kzclaims serve: reload {:.1} ms ({steps}; copy {:.1} ms)",
            total.as_secs_f64() * 1e3,
            self.copy.as_secs_f64() * 1e3
        )
    }
}

/// Whether reloads print their timing on stderr.
fn timing_wanted() -> bool {
    std::env::var_os("KZCLAIMS_SERVE_TIMING").is_some()
        || std::env::var_os("KZCLAIMS_LSP_TIMING").is_some()
}

impl State {
    /// The state of the workspace at `root`, loaded by the watcher's core
    /// (which it then keeps).
    pub(super) fn load(root: &Path) -> (State, Follower) {
        let t = Instant::now();
        let mut f = Follower::new(root);
        let r = f.full();
        if timing_wanted() {
            eprintln!("{}", r.line(t.elapsed()));
        }
        let state = State {
            root: root.to_path_buf(),
            inner: Arc::new(Mutex::new(Snapshot {
                version: 1,
                loaded: Arc::new(r.loaded.expect("a full load publishes")),
            })),
        };
        (state, f)
    }

    /// The workspace as last loaded (shared, so a page renders without
    /// holding the lock).
    pub(super) fn current(&self) -> (u64, Arc<Loaded>) {
        let s = self.inner.lock().expect("not poisoned");
        (s.version, s.loaded.clone())
    }

    pub(super) fn root(&self) -> &Path {
        &self.root
    }

    /// Publish `loaded` as the new version (an unchanged workspace is
    /// published again too: a template may have changed).
    fn publish(&self, loaded: Option<Loaded>) -> u64 {
        let loaded = loaded.map(Arc::new);
        let mut s = self.inner.lock().expect("not poisoned");
        s.version += 1;
        if let Some(l) = loaded {
            s.loaded = l;
        }
        s.version
    }

    pub(super) fn title(&self) -> String {
        match &*self.current().1 {
            Loaded::Ok(ws) => format!("“{}”", ws.config.title),
            _ => "the workspace (it has errors: open the page to see them)".into(),
        }
    }
}

/// Whether a changed path can change what is served.
fn relevant(root: &Path, p: &Path) -> bool {
    let rel = p.strip_prefix(root).unwrap_or(p);
    let name = rel.to_string_lossy();
    if name.split('/').any(|c| c.starts_with('.')) {
        return false; // .git, editors' swap files, our own temp files
    }
    name.ends_with(".toml") || name.starts_with("templates/")
}

/// Watch the workspace; on a relevant change, wait for the saves to settle,
/// bring `follower` up to date, publish it and tell the pages. The watcher
/// lives as long as the value returned.
pub(super) fn spawn(
    root: PathBuf,
    state: State,
    mut follower: Follower,
    clients: Clients,
) -> Result<notify::RecommendedWatcher, String> {
    // `None`: the watcher lost track (an error, or events dropped): read
    // every file again.
    let (tx, rx) = channel::<Option<PathBuf>>();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        let ev = match res {
            Ok(ev) => ev,
            Err(_) => {
                let _ = tx.send(None);
                return;
            }
        };
        if ev.need_rescan() {
            let _ = tx.send(None);
            return;
        }
        // Reading the files to reload them is an access too: only changes count.
        if matches!(
            ev.kind,
            notify::EventKind::Create(_)
                | notify::EventKind::Modify(_)
                | notify::EventKind::Remove(_)
        ) {
            for p in ev.paths {
                let _ = tx.send(Some(p));
            }
        }
    })
    .map_err(|e| format!("cannot watch the workspace: {e}"))?;
    watcher
        .watch(&root, notify::RecursiveMode::Recursive)
        .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
    let real_root = root.canonicalize().unwrap_or(root.clone());
    let relevant = move |p: &Path| relevant(&real_root, p) || relevant(&root, p);
    let spawned = std::thread::Builder::new()
        .name("serve-watch".into())
        .spawn(move || loop {
            let Ok(first) = rx.recv() else {
                return;
            };
            let mut paths = BTreeSet::new();
            let mut rescan = false;
            let mut take = |p: Option<PathBuf>| match p {
                Some(p) if relevant(&p) => {
                    paths.insert(p);
                }
                Some(_) => {}
                None => rescan = true,
            };
            take(first);
            // Coalesce: keep draining until the workspace has been quiet a while.
            loop {
                match rx.recv_timeout(QUIET) {
                    Ok(p) => take(p),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
            if paths.is_empty() && !rescan {
                continue;
            }
            let t = Instant::now();
            let r = follower.changed(&paths, rescan);
            let line = timing_wanted().then(|| r.line(t.elapsed()));
            let v = state.publish(r.loaded);
            if let Some(line) = line {
                eprintln!("{line}");
            }
            clients.broadcast(v);
        });
    spawned.map_err(|e| format!("cannot start the thread that follows the files: {e}"))?;
    Ok(watcher)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_workspace_files_trigger_a_reload() {
        let root = Path::new("/w");
        assert!(relevant(root, Path::new("/w/claims/a.toml")));
        assert!(relevant(root, Path::new("/w/kzclaims.toml")));
        assert!(relevant(root, Path::new("/w/templates/memo.html")));
        assert!(!relevant(root, Path::new("/w/.git/index")));
        assert!(!relevant(root, Path::new("/w/claims/.a.toml.swp")));
        assert!(!relevant(root, Path::new("/w/memo.html")));
    }

    /// What the pages would show of a snapshot: the workspace (without the
    /// files' texts, which the pages do not read), or the diagnostics and
    /// the texts of the files they quote, or the message.
    fn shown(l: &Loaded) -> String {
        match l {
            Loaded::Ok(ws) => {
                let mut ws = ws.as_ref().clone();
                ws.release_texts();
                format!("ok {ws:?}")
            }
            Loaded::Invalid(d, files) => {
                let quoted: BTreeSet<&str> = d
                    .iter()
                    .flat_map(|d| std::iter::once(&d.file).chain(d.related.iter().map(|r| &r.file)))
                    .map(String::as_str)
                    .collect();
                let texts: Vec<(&str, Option<&str>)> = quoted
                    .into_iter()
                    .map(|q| {
                        let text = files.iter().find(|f| f.rel == q).map(|f| f.text.as_str());
                        (q, text)
                    })
                    .collect();
                format!("invalid {d:?} {texts:?}")
            }
            Loaded::Unreadable(m) => format!("unreadable {m}"),
        }
    }

    /// Each change on disk, followed, gives what a full load of the files
    /// then gives: edits, errors in one file and across files, fixes,
    /// files added and removed, bytes that are not UTF-8, a link out of the
    /// workspace, an oversized file, the config and the scenarios edited.
    #[test]
    fn following_changes_gives_a_full_load() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("ws");
        crate::load::testkit::copy_tree(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small"),
            &root,
        );
        let outside = d.path().join("outside.toml");
        std::fs::write(&outside, "[[claim]]\n").unwrap();
        let march = root.join("claims/march.toml");
        let original = std::fs::read_to_string(&march).unwrap();
        let mut f = Follower::new(&root);
        let first = f.full().loaded.unwrap();
        assert!(matches!(first, Loaded::Ok(_)));
        assert_eq!(shown(&first), shown(&read(&root)));
        let mut published = first;

        type Step<'a> = (&'a str, Box<dyn Fn(&Path)>);
        let edit = |from: &'static str, to: &'static str| -> Box<dyn Fn(&Path)> {
            Box::new(move |root: &Path| {
                let p = root.join("claims/march.toml");
                let t = std::fs::read_to_string(&p).unwrap();
                assert!(t.contains(from), "{from}");
                std::fs::write(&p, t.replacen(from, to, 1)).unwrap();
            })
        };
        let write = |rel: &'static str, text: &'static [u8]| -> Box<dyn Fn(&Path)> {
            Box::new(move |root: &Path| std::fs::write(root.join(rel), text).unwrap())
        };
        let restore = {
            let original = original.clone();
            move || -> Box<dyn Fn(&Path)> {
                let original = original.clone();
                Box::new(move |root: &Path| {
                    std::fs::write(root.join("claims/march.toml"), &original).unwrap()
                })
            }
        };
        let steps: Vec<Step> = vec![
            ("claims/march.toml", edit("accident = \"CC\"", "accident = \"N\"")),
            ("claims/march.toml", edit("date = 2024-03-04", "date = 2024-03-")),
            ("claims/march.toml", edit("date = 2024-03-", "date = 2024-03-04")),
            ("claims/march.toml", edit("[\"forum\"]", "[\"nowhere\"]")),
            ("claims/march.toml", restore()),
            (
                "claims/dup.toml",
                write(
                    "claims/dup.toml",
                    b"[[claim]]\nid = \"cut-cables\"\ndate = 2024-03-05\nstatement = \"s\"\nsources = [\"wire\"]\ncredibility = 2\nrelevance = \"low\"\n\n[claim.ratings]\naccident = \"C\"\nsabotage = \"N\"\ncyberattack = \"N\"\n",
                ),
            ),
            (
                "claims/dup.toml",
                Box::new(|root: &Path| {
                    let p = root.join("claims/dup.toml");
                    let t = std::fs::read_to_string(&p).unwrap();
                    std::fs::write(&p, t.replace("cut-cables", "new-claim")).unwrap()
                }),
            ),
            (
                "claims/dup.toml",
                Box::new(|root: &Path| std::fs::remove_file(root.join("claims/dup.toml")).unwrap()),
            ),
            ("claims/march.toml", write("claims/march.toml", b"[[claim]]\nid = \"\xff\"\n")),
            ("claims/march.toml", restore()),
            (
                "claims/out.toml",
                Box::new(move |root: &Path| {
                    std::os::unix::fs::symlink(&outside, root.join("claims/out.toml")).unwrap()
                }),
            ),
            (
                "claims/out.toml",
                Box::new(|root: &Path| std::fs::remove_file(root.join("claims/out.toml")).unwrap()),
            ),
            (
                "claims/march.toml",
                Box::new(|root: &Path| {
                    let f = std::fs::OpenOptions::new()
                        .write(true)
                        .open(root.join("claims/march.toml"))
                        .unwrap();
                    f.set_len(17 << 20).unwrap();
                }),
            ),
            ("claims/march.toml", restore()),
            (
                "kzclaims.toml",
                Box::new(|root: &Path| {
                    let p = root.join("kzclaims.toml");
                    let t = std::fs::read_to_string(&p).unwrap();
                    std::fs::write(&p, t.replace("Riverton grid", "Riverton power grid")).unwrap()
                }),
            ),
            (
                "scenarios/all.toml",
                Box::new(|root: &Path| {
                    let p = root.join("scenarios/all.toml");
                    let t = std::fs::read_to_string(&p).unwrap();
                    std::fs::write(&p, t.replacen("prior = ", "prior = 0", 1)).unwrap()
                }),
            ),
            ("templates/memo.html", write("templates/memo.html", b"{{ title }}")),
        ];
        std::fs::create_dir_all(root.join("templates")).unwrap();
        let mut kinds = BTreeSet::new();
        for (i, (rel, step)) in steps.iter().enumerate() {
            step(&root);
            let paths = BTreeSet::from([root.join(rel)]);
            let r = f.changed(&paths, false);
            kinds.extend(r.steps.iter().map(|t| t.kind));
            if let Some(l) = r.loaded {
                published = l;
            }
            assert_eq!(shown(&published), shown(&read(&root)), "step {i}: {rel}");
        }
        // The edits went through the core, not a full load each time.
        assert!(kinds.contains("patched"), "{kinds:?}");
        assert!(kinds.contains("heads"), "{kinds:?}");
        assert!(kinds.contains("same"), "{kinds:?}");
    }

    #[test]
    fn a_file_reached_by_a_link_makes_every_change_a_full_load() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("ws");
        crate::load::testkit::copy_tree(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small"),
            &root,
        );
        std::fs::rename(root.join("claims/march.toml"), root.join("march.toml")).unwrap();
        std::os::unix::fs::symlink("../march.toml", root.join("claims/march.toml")).unwrap();
        let mut f = Follower::new(&root);
        assert!(matches!(f.full().loaded, Some(Loaded::Ok(_))));
        assert!(f.linked);
        // The watcher sees the file written, not the link.
        let p = root.join("march.toml");
        let t = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, t.replacen("date = 2024-03-04", "date = 2024-03-", 1)).unwrap();
        let r = f.changed(&BTreeSet::from([p]), false);
        let l = r.loaded.unwrap();
        assert!(matches!(l, Loaded::Invalid(..)));
        assert_eq!(shown(&l), shown(&read(&root)));
    }
}
