//! Reads a workspace's files as they were at a git revision, straight from the
//! repository's object store: the work tree and the index are never read or
//! written. The workspace may sit in a subfolder of the repository.
//!
//! [`WorkspaceRepo`] is the one reader of a workspace's history that both
//! walks over it use: [`super::recorded`] (when each record first appeared)
//! and [`super::history`] (one claim's changes).

use crate::model::SourceFile;
use chrono::NaiveDate;
use foldhash::{HashMap, HashMapExt};
use gix::ObjectId;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

/// The commit a revision resolved to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RevisionInfo {
    /// The revision as the user wrote it (`HEAD~1`, `v1.0`, an id, …).
    pub spec: String,
    /// Full commit id (hex).
    pub commit: String,
    /// The first 7 hex digits.
    pub short: String,
    /// The first line of the commit message.
    pub summary: String,
}

/// Why a revision could not be read. Every case is a usage error (exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitError {
    /// The workspace is not inside a git checkout.
    NotARepository(String),
    /// Anything else: unknown revision, workspace missing at that revision, …
    Other(String),
}

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GitError::NotARepository(m) | GitError::Other(m) => f.write_str(m),
        }
    }
}

/// The workspace files (`kzclaims.toml`, `scenarios/**/*.toml`,
/// `claims/**/*.toml`) at revision `spec`, for the workspace whose root on
/// disk is `root`. Paths are relative to the workspace root, as
/// [`crate::load::from_files`] expects. Symbolic links and submodules inside
/// the workspace are skipped.
pub fn read_at(root: &Path, spec: &str) -> Result<(Vec<SourceFile>, RevisionInfo), GitError> {
    let repo = gix::discover(root).map_err(|e| {
        GitError::NotARepository(format!(
            "cannot read revision `{spec}`: {} is not inside a git checkout ({e})",
            root.display()
        ))
    })?;
    let workdir = repo.workdir().ok_or_else(|| {
        GitError::NotARepository(format!(
            "cannot read revision `{spec}`: the repository at {} has no working tree to map the workspace into",
            repo.git_dir().display()
        ))
    })?;
    let prefix = repo_path(root, workdir)?;
    let other = |what: String| GitError::Other(what);
    let id = repo
        .rev_parse_single(spec)
        .map_err(|e| {
            // gix's message names its internals ("delegate.traverse(…)"); keep
            // only what a user can act on.
            let detail = e.to_string();
            let hint = if detail.contains("NthAncestor") || detail.contains("traverse") {
                "the history is not that deep".to_string()
            } else if detail.contains("not found")
                || detail.contains("ould not find")
                || detail.contains("couldn't parse revision")
            {
                "no branch, tag or commit by that name".to_string()
            } else {
                detail
            };
            other(format!(
                "unknown revision `{spec}`: {hint} (give a branch, a tag, a commit id, HEAD~N, a date YYYY-MM-DD or `.`)"
            ))
        })?;
    let commit = id
        .object()
        .and_then(|o| o.peel_to_commit())
        .map_err(|e| other(format!("revision `{spec}` is not a commit: {e}")))?;
    let info = RevisionInfo {
        spec: spec.to_string(),
        commit: commit.id.to_string(),
        short: commit.id.to_hex_with_len(7).to_string(),
        summary: commit
            .message()
            .map(|m| m.summary().to_string())
            .unwrap_or_default(),
    };
    let top = commit
        .tree()
        .map_err(|e| other(format!("cannot read the tree of `{spec}`: {e}")))?;
    let tree = if prefix.is_empty() {
        top
    } else {
        let entry = top
            .lookup_entry_by_path(&prefix)
            .map_err(|e| other(format!("cannot read `{prefix}` at `{spec}`: {e}")))?
            .ok_or_else(|| {
                other(format!(
                    "the workspace folder `{prefix}` does not exist at revision `{spec}` ({})",
                    info.short
                ))
            })?;
        entry
            .object()
            .and_then(|o| o.try_into_tree())
            .map_err(|e| other(format!("`{prefix}` is not a folder at `{spec}`: {e}")))?
    };
    let mut blobs: Vec<(String, gix::ObjectId)> = Vec::new();
    let mut has_config = false;
    for entry in tree.iter() {
        let entry = entry.map_err(|e| other(format!("cannot read a tree at `{spec}`: {e}")))?;
        let name = entry.filename().to_string();
        let kind = entry.mode().kind();
        if name == crate::load::CONFIG_FILE && is_blob(kind) {
            has_config = true;
            blobs.push((name, entry.object_id()));
        } else if (name == "scenarios" || name == "claims")
            && kind == gix::object::tree::EntryKind::Tree
        {
            walk(&repo, entry.object_id(), &name, &mut blobs)
                .map_err(|e| other(format!("cannot read `{name}` at `{spec}`: {e}")))?;
        }
    }
    if !has_config {
        return Err(other(format!(
            "there is no workspace at revision `{spec}` ({}): no {} in {}",
            info.short,
            crate::load::CONFIG_FILE,
            if prefix.is_empty() {
                "the repository root".to_string()
            } else {
                format!("`{prefix}`")
            }
        )));
    }
    blobs.sort();
    let mut files = Vec::with_capacity(blobs.len());
    for (rel, oid) in blobs {
        let bytes = read_blob(&repo, oid)
            .map_err(|e| other(format!("cannot read `{rel}` at `{spec}`: {e}")))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| other(format!("`{rel}` at `{spec}` is not UTF-8 text")))?;
        files.push(SourceFile { rel, text });
    }
    Ok((files, info))
}

/// A blob's bytes, refused unread when it holds more than the working
/// tree's per-file limit ([`crate::load::files::MAX_FILE_BYTES`], 16 MiB):
/// its size is read from the object's header before the blob is inflated.
/// The error says how large it is; the caller names the revision and path.
pub(super) fn read_blob(repo: &gix::Repository, oid: gix::ObjectId) -> Result<Vec<u8>, String> {
    let limit = crate::load::files::MAX_FILE_BYTES;
    let size = repo.find_header(oid).map_err(|e| e.to_string())?.size();
    if size > limit {
        return Err(format!(
            "it holds {size} bytes, more than the {} MiB kzclaims reads from one file (docs/checks.md)",
            limit >> 20
        ));
    }
    let mut blob = repo.find_blob(oid).map_err(|e| e.to_string())?;
    Ok(std::mem::take(&mut blob.data))
}

fn is_blob(kind: gix::object::tree::EntryKind) -> bool {
    matches!(
        kind,
        gix::object::tree::EntryKind::Blob | gix::object::tree::EntryKind::BlobExecutable
    )
}

/// Collect `*.toml` blobs under a tree, skipping hidden names like the disk
/// reader does.
fn walk(
    repo: &gix::Repository,
    tree: gix::ObjectId,
    rel: &str,
    out: &mut Vec<(String, gix::ObjectId)>,
) -> Result<(), String> {
    let tree = repo.find_tree(tree).map_err(|e| e.to_string())?;
    for entry in tree.iter() {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.filename().to_string();
        if name.starts_with('.') {
            continue;
        }
        let child = format!("{rel}/{name}");
        let kind = entry.mode().kind();
        if kind == gix::object::tree::EntryKind::Tree {
            walk(repo, entry.object_id(), &child, out)?;
        } else if is_blob(kind) && name.ends_with(".toml") {
            out.push((child, entry.object_id()));
        }
    }
    Ok(())
}

/// A commit as the walk needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CommitMeta {
    pub id: ObjectId,
    /// The committer's date, in the committer's time zone (what
    /// `git log --date=short` shows).
    pub date: NaiveDate,
    pub parents: Vec<ObjectId>,
    pub tree: ObjectId,
}

/// A workspace inside a git repository, opened for reading its history: the
/// one reader of commits, claims folders and claims files that both walks
/// over the history share (the first-recorded dates of
/// [`super::recorded`], a claim's changes in [`super::history`]).
/// [`WorkspaceRepo::commit`] reads one commit, [`WorkspaceRepo::claim_files`]
/// lists a commit tree's claims files (`claims/**/*.toml` under the
/// workspace's folder, with their blob ids), [`WorkspaceRepo::blob`] reads
/// a file's bytes.
pub(crate) struct WorkspaceRepo {
    repo: gix::Repository,
    /// The workspace folder inside the repository (`/`-separated; empty at
    /// the root).
    prefix: String,
    /// Files under each tree already listed (relative to that tree).
    trees: HashMap<ObjectId, Rc<Vec<(String, ObjectId)>>>,
}

impl WorkspaceRepo {
    /// Open the repository holding the workspace at `root`. `Ok(None)` when
    /// the workspace is in no git repository (or in a bare one).
    /// Open the repository holding the workspace at `root`, for a command
    /// that needs one (`history`): not being in a checkout is an error.
    pub(crate) fn discover(root: &Path) -> Result<Self, String> {
        let repo = gix::discover(root)
            .map_err(|e| format!("{} is not inside a git checkout ({e})", root.display()))?;
        let workdir = repo
            .workdir()
            .ok_or_else(|| "the repository has no working tree".to_string())?;
        let prefix = repo_path(root, workdir).map_err(|e| e.to_string())?;
        Ok(WorkspaceRepo {
            repo,
            prefix,
            trees: HashMap::new(),
        })
    }

    /// The repository itself, for what the methods here do not cover.
    pub(crate) fn repo(&self) -> &gix::Repository {
        &self.repo
    }

    pub(crate) fn open(root: &Path) -> Result<Option<Self>, String> {
        let Ok(repo) = gix::discover(root) else {
            return Ok(None);
        };
        let Some(workdir) = repo.workdir() else {
            return Ok(None);
        };
        let canon = |p: &Path| {
            std::fs::canonicalize(p).map_err(|e| format!("cannot resolve {}: {e}", p.display()))
        };
        let (r, w) = (canon(root)?, canon(workdir)?);
        let Ok(rel) = r.strip_prefix(&w) else {
            return Ok(None);
        };
        let prefix = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        Ok(Some(WorkspaceRepo {
            repo,
            prefix,
            trees: HashMap::new(),
        }))
    }

    /// Whether the clone is shallow (its oldest commits' parents are
    /// missing, so "first appeared" cannot be told).
    pub(crate) fn is_shallow(&self) -> bool {
        self.repo.is_shallow().unwrap_or(true)
    }

    /// The commit HEAD points to; `None` before the first commit.
    pub(crate) fn head(&self) -> Option<ObjectId> {
        self.repo.head_id().ok().map(|id| id.detach())
    }

    /// The cache file for this workspace's walk.
    pub(crate) fn cache_path(&self) -> PathBuf {
        let crc = crc32fast::hash(self.prefix.as_bytes());
        self.repo
            .git_dir()
            .join("kzclaims")
            .join(format!("history-{crc:08x}.bin"))
    }

    /// Read one commit: its date, parents and tree.
    pub(crate) fn commit(&self, id: ObjectId) -> Result<CommitMeta, String> {
        let c = self
            .repo
            .find_commit(id)
            .map_err(|e| format!("cannot read commit {id}: {e}"))?;
        let time = c
            .time()
            .map_err(|e| format!("cannot read the date of commit {id}: {e}"))?;
        let date = chrono::DateTime::from_timestamp(time.seconds + time.offset as i64, 0)
            .map(|d| d.date_naive())
            .ok_or_else(|| format!("commit {id} has an impossible date"))?;
        let tree = c
            .tree_id()
            .map_err(|e| format!("cannot read the tree of commit {id}: {e}"))?
            .detach();
        Ok(CommitMeta {
            id,
            date,
            parents: c.parent_ids().map(|p| p.detach()).collect(),
            tree,
        })
    }

    /// The claims files (`claims/**/*.toml`, hidden names skipped, as the
    /// loader reads them) of the workspace in the commit tree `tree`, as
    /// (path relative to the workspace, blob id), sorted by path. Empty when
    /// the workspace or its `claims` folder is not in that tree. Each
    /// subtree is listed once a run.
    pub(crate) fn claim_files(
        &mut self,
        tree: ObjectId,
    ) -> Result<Vec<(String, ObjectId)>, String> {
        let Some(at) = self.claims_tree(tree)? else {
            return Ok(Vec::new());
        };
        self.claim_files_in(at)
    }

    /// The workspace's `claims` folder in the commit tree `tree`, if there.
    pub(crate) fn claims_tree(&self, tree: ObjectId) -> Result<Option<ObjectId>, String> {
        let mut at = tree;
        let path = if self.prefix.is_empty() {
            "claims".to_string()
        } else {
            format!("{}/claims", self.prefix)
        };
        for part in path.split('/') {
            let t = self
                .repo
                .find_tree(at)
                .map_err(|e| format!("cannot read tree {at}: {e}"))?;
            let found = t
                .iter()
                .filter_map(Result::ok)
                .find(|e| e.filename() == part && e.mode().is_tree())
                .map(|e| e.object_id());
            match found {
                Some(id) => at = id,
                None => return Ok(None),
            }
        }
        Ok(Some(at))
    }

    /// The claims files under the `claims` folder tree `at`, as
    /// [`WorkspaceRepo::claim_files`] gives them.
    pub(crate) fn claim_files_in(
        &mut self,
        at: ObjectId,
    ) -> Result<Vec<(String, ObjectId)>, String> {
        let listed = self.list(at)?;
        Ok(listed
            .iter()
            .map(|(rel, id)| (format!("claims/{rel}"), *id))
            .collect())
    }

    fn list(&mut self, tree: ObjectId) -> Result<Rc<Vec<(String, ObjectId)>>, String> {
        if let Some(l) = self.trees.get(&tree) {
            return Ok(l.clone());
        }
        let mut entries = Vec::new();
        {
            let t = self
                .repo
                .find_tree(tree)
                .map_err(|e| format!("cannot read tree {tree}: {e}"))?;
            for e in t.iter() {
                let e = e.map_err(|e| format!("cannot read tree {tree}: {e}"))?;
                entries.push((e.filename().to_string(), e.mode(), e.object_id()));
            }
        }
        let mut out = Vec::new();
        for (name, mode, id) in entries {
            if name.starts_with('.') {
                continue;
            }
            if mode.is_tree() {
                for (rel, b) in self.list(id)?.iter() {
                    out.push((format!("{name}/{rel}"), *b));
                }
            } else if mode.is_blob() && name.ends_with(".toml") {
                out.push((name, id));
            }
        }
        out.sort();
        let out = Rc::new(out);
        self.trees.insert(tree, out.clone());
        Ok(out)
    }

    /// A blob's bytes.
    pub(crate) fn blob(&self, id: ObjectId) -> Result<Vec<u8>, String> {
        read_blob(&self.repo, id).map_err(|e| format!("cannot read blob {id}: {e}"))
    }
}

/// The workspace root's path inside the repository, with `/` separators
/// (empty when the workspace is the repository's root).
pub(crate) fn repo_path(root: &Path, workdir: &Path) -> Result<String, GitError> {
    let canon = |p: &Path| {
        std::fs::canonicalize(p)
            .map_err(|e| GitError::Other(format!("cannot resolve {}: {e}", p.display())))
    };
    let (root_c, work_c) = (canon(root)?, canon(workdir)?);
    let rel = root_c.strip_prefix(&work_c).map_err(|_| {
        GitError::NotARepository(format!(
            "the workspace {} is outside the repository's working tree {}",
            root_c.display(),
            work_c.display()
        ))
    })?;
    let mut parts = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            _ => {
                return Err(GitError::Other(format!(
                    "cannot map {} into the repository",
                    root.display()
                )))
            }
        }
    }
    Ok(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::load::test_repo::write;

    /// Run git in `dir` with a fixed identity and date.
    fn git(dir: &Path, args: &[&str]) {
        crate::load::test_repo::git(dir, "2022-01-06", args);
    }

    fn commit(dir: &Path, message: &str) {
        git(dir, &["add", "-A"]);
        git(dir, &["commit", "-q", "-m", message]);
    }

    /// A repository holding a workspace in `ws/`, committed twice: the claims
    /// file changes in the second commit.
    fn repo() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        git(dir.path(), &["init", "-q"]);
        write(dir.path(), "README", "not part of the workspace\n");
        write(dir.path(), "ws/kzclaims.toml", "title = \"t\"\n");
        write(dir.path(), "ws/scenarios/s.toml", "# scenarios\n");
        write(dir.path(), "ws/claims/a.toml", "# first\n");
        write(dir.path(), "ws/claims/.hidden.toml", "# hidden\n");
        write(dir.path(), "ws/claims/notes.txt", "not toml\n");
        commit(dir.path(), "first");
        write(dir.path(), "ws/claims/a.toml", "# second\n");
        write(dir.path(), "ws/claims/sub/b.toml", "# b\n");
        commit(dir.path(), "second\n\nbody");
        dir
    }

    fn texts(files: &[SourceFile]) -> Vec<(&str, &str)> {
        files
            .iter()
            .map(|f| (f.rel.as_str(), f.text.as_str()))
            .collect()
    }

    #[test]
    fn reads_the_workspace_files_at_a_revision() {
        let dir = repo();
        let ws = dir.path().join("ws");
        let (files, info) = read_at(&ws, "HEAD~1").unwrap();
        assert_eq!(
            texts(&files),
            [
                ("claims/a.toml", "# first\n"),
                ("kzclaims.toml", "title = \"t\"\n"),
                ("scenarios/s.toml", "# scenarios\n"),
            ]
        );
        assert_eq!(info.spec, "HEAD~1");
        assert_eq!(info.summary, "first");
        assert_eq!(info.short, info.commit[..7]);
        let (files, info) = read_at(&ws, "HEAD").unwrap();
        assert_eq!(files[0].text, "# second\n");
        assert_eq!(files[1].rel, "claims/sub/b.toml");
        assert_eq!(info.summary, "second");
        // The work tree is not what is read.
        write(dir.path(), "ws/claims/a.toml", "# edited, not committed\n");
        assert_eq!(read_at(&ws, "HEAD").unwrap().0[0].text, "# second\n");
    }

    #[test]
    fn a_missing_revision_or_workspace_is_an_error() {
        let dir = repo();
        let ws = dir.path().join("ws");
        let err = read_at(&ws, "no-such-branch").unwrap_err();
        assert!(matches!(err, GitError::Other(_)), "{err:?}");
        assert!(
            err.to_string()
                .starts_with("unknown revision `no-such-branch`"),
            "{err}"
        );
        let err = read_at(&ws, "HEAD~5").unwrap_err().to_string();
        assert!(err.contains("the history is not that deep"), "{err}");
        // The folder is there now but not at the first commit.
        write(dir.path(), "other/kzclaims.toml", "title = \"o\"\n");
        commit(dir.path(), "third");
        let err = read_at(&dir.path().join("other"), "HEAD~1")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("the workspace folder `other` does not exist"),
            "{err}"
        );
        // A folder of the repository without kzclaims.toml at that revision.
        std::fs::create_dir_all(dir.path().join("ws/claims")).unwrap();
        let err = read_at(&dir.path().join("ws/claims"), "HEAD")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("there is no workspace at revision `HEAD`"),
            "{err}"
        );
    }

    #[test]
    fn a_path_outside_the_repository_is_refused() {
        let dir = repo();
        let outside = tempfile::tempdir().unwrap();
        let err = read_at(outside.path(), "HEAD").unwrap_err();
        // A temporary folder may itself sit inside some checkout; either way
        // this repository's files are not read.
        if let GitError::Other(m) = &err {
            assert!(!m.contains("# second"), "{m}");
        }
        let work = dir.path().canonicalize().unwrap();
        let err = repo_path(outside.path(), &work).unwrap_err();
        assert!(matches!(err, GitError::NotARepository(_)), "{err:?}");
        assert!(
            err.to_string()
                .contains("outside the repository's working tree"),
            "{err}"
        );
        assert_eq!(repo_path(&work.join("ws"), &work).unwrap(), "ws");
        assert_eq!(repo_path(&work, &work).unwrap(), "");
    }

    #[test]
    fn a_file_over_the_size_limit_is_refused_unread() {
        let dir = repo();
        let big = "#".repeat(super::super::files::MAX_FILE_BYTES as usize + 1);
        write(dir.path(), "ws/claims/big.toml", &big);
        commit(dir.path(), "big");
        let err = read_at(&dir.path().join("ws"), "HEAD")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("cannot read `claims/big.toml` at `HEAD`: it holds 16777217 bytes, more than the 16 MiB"),
            "{err}"
        );
        // The revision before it still reads.
        assert!(read_at(&dir.path().join("ws"), "HEAD~1").is_ok());
    }
}
