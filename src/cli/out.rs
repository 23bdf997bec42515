//! Where `--out` may write (issue 19, row 3): one rule for every command that
//! writes a file the user names (`brief`, `diff`, `timeline`, `calibration`,
//! `export`, and each file `man --out` / `schema --out` put in a folder).
//!
//! An output replaces only a regular file, or is created where nothing is:
//! - a folder, a FIFO, a device or a socket is refused (an atomic write
//!   renames a new file over the path, which would replace the device or
//!   hang on the FIFO);
//! - a symbolic link is followed only when it leads to a regular file inside
//!   the current folder's tree; then that file is written and the link kept.
//!   Any other link (dangling, to a folder or device, or leading out of the
//!   current folder) is refused;
//! - a workspace's own inputs are refused: its `kzclaims.toml` and anything
//!   under its `claims/`, `scenarios/` or `templates/` (of the workspace
//!   around the output's folder, whichever it is).
//!
//! A refusal is a usage error (exit 2); nothing is written.

use super::Failure;
use std::path::{Component, Path, PathBuf};

/// The folders of a workspace that hold its inputs.
const INPUT_DIRS: [&str; 3] = ["claims", "scenarios", "templates"];

/// The file an output named `path` may be written to (the path itself, or the
/// regular file a symbolic link there leads to), or why not.
pub(super) fn target(path: &Path) -> Result<PathBuf, Failure> {
    let shown = path.display();
    let refuse = |why: String| {
        Failure::Usage(format!(
            "refusing to write --out {shown}: {why}; nothing was written"
        ))
    };
    let file = match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => path.to_path_buf(),
        Err(e) => return Err(refuse(format!("cannot inspect it ({e})"))),
        Ok(m) if m.file_type().is_file() => path.to_path_buf(),
        Ok(m) if m.file_type().is_symlink() => {
            let to = std::fs::canonicalize(path).map_err(|_| {
                refuse("it is a symbolic link that leads nowhere (a missing file)".into())
            })?;
            let meta = std::fs::metadata(&to)
                .map_err(|e| refuse(format!("cannot inspect where it leads ({e})")))?;
            if !meta.file_type().is_file() {
                return Err(refuse(format!(
                    "it is a symbolic link to {}, which is {}, not a regular file",
                    to.display(),
                    kind(&meta.file_type())
                )));
            }
            let cwd = std::env::current_dir()
                .and_then(std::fs::canonicalize)
                .map_err(|e| refuse(format!("cannot read the current folder ({e})")))?;
            if !to.starts_with(&cwd) {
                return Err(refuse(format!(
                    "it is a symbolic link to {}, outside the current folder",
                    to.display()
                )));
            }
            to
        }
        Ok(m) => {
            return Err(refuse(format!(
                "it is {}, not a regular file (an output only replaces a regular file)",
                kind(&m.file_type())
            )))
        }
    };
    if let Some(what) = workspace_input(&file) {
        return Err(refuse(format!(
            "it is {what}, one of the workspace's own inputs; choose another file"
        )));
    }
    Ok(file)
}

/// Check the folder `man --out` / `schema --out` will fill, before anything
/// is created: it is a folder or does not exist yet, under a path whose
/// existing part is a folder; a symbolic link on the way is followed only
/// while it stays inside the current folder's tree; and it is not a
/// workspace's input folder (`claims/`, `scenarios/`, `templates/`) nor
/// under one. A refusal is a usage error (exit 2) and nothing is created.
pub(super) fn folder(dir: &Path) -> Result<(), Failure> {
    let shown = dir.display();
    let refuse = |why: String| {
        Failure::Usage(format!(
            "refusing to write --out {shown}: {why}; nothing was written"
        ))
    };
    // The longest part of the path that exists, and what is still to create.
    let mut existing = dir.to_path_buf();
    let mut missing = Vec::new();
    loop {
        match std::fs::symlink_metadata(&existing) {
            Ok(_) => break,
            // Not there, or under a file (ENOTDIR): look one level up.
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                ) =>
            {
                let Some(name) = existing.file_name() else {
                    break;
                };
                missing.push(name.to_os_string());
                existing = match existing.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                    _ => PathBuf::from("."),
                };
            }
            Err(e) => {
                return Err(refuse(format!(
                    "cannot inspect {} ({e})",
                    existing.display()
                )))
            }
        }
    }
    let real = std::fs::canonicalize(&existing).map_err(|_| {
        refuse(format!(
            "{} is a symbolic link that leads nowhere",
            existing.display()
        ))
    })?;
    let meta = std::fs::metadata(&real)
        .map_err(|e| refuse(format!("cannot inspect {} ({e})", real.display())))?;
    if !meta.is_dir() {
        return Err(refuse(format!(
            "{} is {}, not a folder",
            existing.display(),
            if meta.is_file() {
                "a regular file"
            } else {
                kind(&meta.file_type())
            }
        )));
    }
    // Through a link: only to a folder inside the current folder's tree.
    let cwd = std::env::current_dir()
        .and_then(std::fs::canonicalize)
        .map_err(|e| refuse(format!("cannot read the current folder ({e})")))?;
    let through_link = existing.ancestors().any(|a| {
        !a.as_os_str().is_empty()
            && std::fs::symlink_metadata(a).is_ok_and(|m| m.file_type().is_symlink())
    });
    if through_link && !real.starts_with(&cwd) {
        return Err(refuse(format!(
            "{} leads through a symbolic link to {}, outside the current folder",
            existing.display(),
            real.display()
        )));
    }
    let full = missing.iter().rev().fold(real.clone(), |p, n| p.join(n));
    if let Some(root) = crate::load::find_root(&real) {
        let root = std::fs::canonicalize(&root).unwrap_or(root);
        if let Ok(rel) = full.strip_prefix(&root) {
            if let Some(Component::Normal(first)) = rel.components().next() {
                if INPUT_DIRS.iter().any(|d| first == std::ffi::OsStr::new(d)) {
                    return Err(refuse(format!(
                        "it is the workspace's {}/ folder or under it, which holds its inputs",
                        first.to_string_lossy()
                    )));
                }
            }
        }
    }
    Ok(())
}

/// What a file type is, in words.
fn kind(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a folder"
    } else if t.is_symlink() {
        "a symbolic link"
    } else {
        "not a regular file"
    }
}

/// If `file` is an input of the workspace around its folder: which one.
fn workspace_input(file: &Path) -> Option<String> {
    let name = file.file_name()?;
    let parent = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // A folder that does not exist yet holds no input (the write fails).
    let dir = std::fs::canonicalize(&parent).ok()?;
    let full = dir.join(name);
    let root = crate::load::find_root(&dir)?;
    let root = std::fs::canonicalize(&root).unwrap_or(root);
    let rel = full.strip_prefix(&root).ok()?;
    let mut parts = rel.components();
    match (parts.next(), parts.next()) {
        (Some(Component::Normal(first)), None) if first == crate::load::CONFIG_FILE => {
            Some(format!("the workspace's {}", crate::load::CONFIG_FILE))
        }
        (Some(Component::Normal(first)), Some(_))
            if INPUT_DIRS.iter().any(|d| first == std::ffi::OsStr::new(d)) =>
        {
            Some(format!(
                "under the workspace's {}/ folder",
                first.to_string_lossy()
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(path: &Path) -> String {
        match target(path) {
            Err(Failure::Usage(m)) => m,
            other => panic!("{} not refused: {other:?}", path.display()),
        }
    }

    #[test]
    fn inputs_of_a_workspace_are_refused_and_other_files_allowed() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        std::fs::write(root.join("kzclaims.toml"), "").unwrap();
        std::fs::create_dir_all(root.join("claims/sub")).unwrap();
        std::fs::create_dir_all(root.join("templates")).unwrap();
        assert!(refused(&root.join("kzclaims.toml")).contains("kzclaims.toml"));
        assert!(refused(&root.join("claims/new.toml")).contains("claims/"));
        assert!(refused(&root.join("claims/sub/x.csv")).contains("claims/"));
        assert!(refused(&root.join("templates/memo.md")).contains("templates/"));
        // The same file named through `..` is still the workspace's.
        assert!(refused(&root.join("claims/../kzclaims.toml")).contains("kzclaims.toml"));
        for ok in ["memo.md", "claims.csv", "out/../x.md"] {
            if ok.starts_with("out/") {
                std::fs::create_dir_all(root.join("out")).unwrap();
            }
            assert_eq!(target(&root.join(ok)).unwrap(), root.join(ok), "{ok}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn folders_fifos_and_devices_are_refused() {
        let d = tempfile::tempdir().unwrap();
        assert!(refused(d.path()).contains("a folder"));
        let fifo = d.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo only creates a file.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        assert!(refused(&fifo).contains("FIFO"));
        assert!(refused(Path::new("/dev/null")).contains("a device"));
    }
}
