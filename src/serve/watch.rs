//! The served workspace as last loaded, and the watcher that reloads it when
//! a TOML file or a template changes (rapid saves coalesced) and tells the
//! open pages.

use super::Clients;
use crate::diag::Diagnostic;
use crate::load::{self, LoadError};
use crate::model::{SourceFile, Workspace};
use notify::Watcher;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

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

fn read(root: &Path) -> Loaded {
    match load::Loader::new(root).load() {
        Ok(ws) => Loaded::Ok(Box::new(ws)),
        Err(LoadError::Invalid { diagnostics, files }) => Loaded::Invalid(diagnostics, files),
        Err(LoadError::Io(m)) => Loaded::Unreadable(m),
    }
}

impl State {
    pub(super) fn load(root: &Path) -> State {
        State {
            root: root.to_path_buf(),
            inner: Arc::new(Mutex::new(Snapshot {
                version: 1,
                loaded: Arc::new(read(root)),
            })),
        }
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

    fn reload(&self) -> u64 {
        let loaded = Arc::new(read(&self.root));
        let mut s = self.inner.lock().expect("not poisoned");
        s.version += 1;
        s.loaded = loaded;
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
/// reload and tell the pages. The watcher lives as long as the value returned.
pub(super) fn spawn(
    root: PathBuf,
    state: State,
    clients: Clients,
) -> Result<notify::RecommendedWatcher, String> {
    let (tx, rx) = channel::<PathBuf>();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        // Reading the files to reload them is an access too: only changes count.
        let Ok(ev) = res else { return };
        if matches!(
            ev.kind,
            notify::EventKind::Create(_)
                | notify::EventKind::Modify(_)
                | notify::EventKind::Remove(_)
        ) {
            for p in ev.paths {
                let _ = tx.send(p);
            }
        }
    })
    .map_err(|e| format!("cannot watch the workspace: {e}"))?;
    watcher
        .watch(&root, notify::RecursiveMode::Recursive)
        .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
    let real_root = root.canonicalize().unwrap_or(root.clone());
    let spawned = std::thread::Builder::new()
        .name("serve-watch".into())
        .spawn(move || loop {
            let Ok(first) = rx.recv() else {
                return;
            };
            let mut hit = relevant(&real_root, &first) || relevant(&root, &first);
            // Coalesce: keep draining until the workspace has been quiet a while.
            loop {
                match rx.recv_timeout(QUIET) {
                    Ok(p) => hit |= relevant(&real_root, &p) || relevant(&root, &p),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
            if hit {
                let v = state.reload();
                clients.broadcast(v);
            }
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
}
