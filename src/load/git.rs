//! Reads a workspace's files as they were at a git revision, straight from the
//! repository's object store: the work tree and the index are never read or
//! written. The workspace may sit in a subfolder of the repository.

use crate::model::SourceFile;
use std::path::{Component, Path};

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

/// The workspace root's path inside the repository, with `/` separators
/// (empty when the workspace is the repository's root).
pub(super) fn repo_path(root: &Path, workdir: &Path) -> Result<String, GitError> {
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
