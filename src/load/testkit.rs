//! What tests in several rooms share: the workspaces to run a computation
//! on (the bundled one, MH17 and every test workspace that loads), and a
//! folder copied whole.

use crate::model::Workspace;
use std::path::{Path, PathBuf};

/// The bundled workspace, MH17 and every workspace under tests/fixtures
/// that loads, each with its folder (the workspace's `root` set).
pub(crate) fn workspaces() -> Vec<(PathBuf, Workspace)> {
    let base = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut roots = vec![base.to_path_buf(), base.join("examples/mh17")];
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(base.join("tests/fixtures"))
        .expect("tests/fixtures")
        .map(|e| e.expect("an entry").path())
        .collect();
    fixtures.sort();
    roots.extend(fixtures);
    roots
        .into_iter()
        .filter_map(|root| {
            let mut ws = super::Loader::new(&root).load().ok()?;
            ws.root = root.clone();
            Some((root, ws))
        })
        .collect()
}

/// Copy the folder `from` (or a file) to `to`, creating folders.
pub(crate) fn copy_tree(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            copy_tree(&e.path(), &to.join(e.file_name()));
        }
    } else {
        std::fs::copy(from, to).unwrap();
    }
}
