//! The one rule for what kzclaims reads from disk in a workspace: every path
//! it opens (`kzclaims.toml`, the `claims/`, `scenarios/` and `templates/`
//! folders themselves, and each file under them) must resolve inside the
//! workspace and be a regular file or a folder, and a file must be at most
//! [`MAX_FILE_BYTES`] long. Anything else is refused by name: the path (and,
//! for a link, where it leads) is reported, never a byte of what it holds.
//!
//! A FIFO, socket or device is refused before it is opened (a FIFO would
//! block the read forever), and a file is opened non-blocking and checked
//! again once open, so that swapping it for a FIFO in between does not block
//! either.

use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest file kzclaims reads (16 MiB): far above any hand-written
/// claims file (a claim is about 500 bytes, so some 30,000 claims in one
/// file), and low enough that a hostile or mistaken file (a log, a disk
/// image, a 2 GB sparse file) is refused at once instead of being read and
/// parsed. The TOML parser holds about 24 bytes per token, and a file of
/// garbage has a token per byte or two, so this also bounds what one broken
/// file can cost (about 75 bytes per byte at worst, docs/checks.md). A
/// larger record is split over several files, which the loader reads on
/// every core anyway.
pub(crate) const MAX_FILE_BYTES: u64 = 16 << 20;

/// Why a path was not read.
#[derive(Debug)]
pub(crate) enum Refused {
    /// It resolves outside the workspace (to this path).
    Outside(PathBuf),
    /// A link that leads nowhere, or a link loop.
    Broken,
    /// Not a regular file or folder: a FIFO, socket or device (named).
    NotRegular(&'static str),
    /// A folder where a file is expected, or a file where a folder is.
    WrongKind { want_dir: bool },
    /// Longer than [`MAX_FILE_BYTES`] (this many bytes, or more).
    TooLarge(u64),
    /// Not there.
    Missing,
    /// Any other I/O error (permissions, …).
    Io(std::io::Error),
}

impl Refused {
    /// A sentence about `rel` (a path relative to the workspace root).
    pub(crate) fn describe(&self, rel: &str) -> String {
        match self {
            Refused::Outside(p) => format!(
                "`{rel}` is a link to {}, outside the workspace: kzclaims does not read it",
                p.display()
            ),
            Refused::Broken => format!("`{rel}` is a broken link or a link loop"),
            Refused::NotRegular(kind) => {
                format!(
                    "`{rel}` is a {kind}, not a regular file or folder: kzclaims does not read it"
                )
            }
            Refused::WrongKind { want_dir: true } => format!("`{rel}` is a file, not a folder"),
            Refused::WrongKind { want_dir: false } => format!("`{rel}` is a folder, not a file"),
            Refused::TooLarge(n) => format!(
                "`{rel}` is {} MiB, over the {} MiB limit for one file: kzclaims does not read it",
                n.div_ceil(1 << 20),
                MAX_FILE_BYTES >> 20
            ),
            Refused::Missing => format!("`{rel}` does not exist"),
            Refused::Io(e) => format!("cannot read `{rel}`: {e}"),
        }
    }

    /// What to do about it.
    pub(crate) fn help(&self) -> &'static str {
        match self {
            Refused::Outside(_) => {
                "a workspace reads only its own files; copy what you need into it"
            }
            Refused::Broken => "remove the link or point it at a file in the workspace",
            Refused::NotRegular(_) => {
                "a workspace holds regular files and folders only; remove it or move it out of the workspace"
            }
            Refused::WrongKind { .. } => "rename or move it",
            Refused::TooLarge(_) => {
                "split the record over several .toml files (the loader reads any number of them)"
            }
            Refused::Missing | Refused::Io(_) => "check the path and its permissions",
        }
    }
}

/// How a file type is named in messages, if it is neither a file nor a folder
/// (nor a link, which `metadata` has followed).
pub(crate) fn special(ft: std::fs::FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_fifo() {
        Some("FIFO (named pipe)")
    } else if ft.is_socket() {
        Some("socket")
    } else if ft.is_block_device() {
        Some("block device")
    } else if ft.is_char_device() {
        Some("character device")
    } else if ft.is_file() || ft.is_dir() {
        None
    } else {
        Some("special file")
    }
}

/// The real (canonical) path of `root/rel`, checked to be inside `real_root`
/// (the workspace root's canonical path) and to be a folder (`want_dir`) or a
/// regular file.
pub(crate) fn resolve(
    real_root: &Path,
    root: &Path,
    rel: &str,
    want_dir: bool,
) -> Result<PathBuf, Refused> {
    let path = root.join(rel);
    let is_link = match std::fs::symlink_metadata(&path) {
        Ok(m) => m.file_type().is_symlink(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Refused::Missing),
        Err(e) => return Err(Refused::Io(e)),
    };
    let real = match path.canonicalize() {
        Ok(r) => r,
        Err(_) if is_link => return Err(Refused::Broken),
        Err(e) => return Err(Refused::Io(e)),
    };
    if !real.starts_with(real_root) {
        return Err(Refused::Outside(real));
    }
    let meta = std::fs::metadata(&real).map_err(Refused::Io)?;
    check_kind(&meta, want_dir)?;
    Ok(real)
}

fn check_kind(meta: &std::fs::Metadata, want_dir: bool) -> Result<(), Refused> {
    if let Some(kind) = special(meta.file_type()) {
        return Err(Refused::NotRegular(kind));
    }
    if meta.is_dir() != want_dir {
        return Err(Refused::WrongKind { want_dir });
    }
    if !want_dir && meta.len() > MAX_FILE_BYTES {
        return Err(Refused::TooLarge(meta.len()));
    }
    Ok(())
}

/// The bytes of the file `root/rel`, under the rule above.
pub(crate) fn read_inside(real_root: &Path, root: &Path, rel: &str) -> Result<Vec<u8>, Refused> {
    let real = resolve(real_root, root, rel, false)?;
    read_regular(&real)
}

/// Read a file already resolved by [`resolve`]: opened without following a
/// link and without blocking, checked again once open, and read no further
/// than the limit (a file may grow, or report no size, as /proc files do).
fn read_regular(real: &Path) -> Result<Vec<u8>, Refused> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW)
        .open(real)
        .map_err(|e| {
            if e.raw_os_error() == Some(libc::ELOOP) {
                Refused::Broken
            } else {
                Refused::Io(e)
            }
        })?;
    let meta = file.metadata().map_err(Refused::Io)?;
    check_kind(&meta, false)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(Refused::Io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Refused::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn ws() -> (tempfile::TempDir, PathBuf) {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("ws");
        std::fs::create_dir_all(root.join("claims")).unwrap();
        let real = root.canonicalize().unwrap();
        (d, real)
    }

    #[test]
    fn a_regular_file_inside_is_read() {
        let (_d, root) = ws();
        std::fs::write(root.join("claims/a.toml"), "x = 1\n").unwrap();
        symlink("a.toml", root.join("claims/b.toml")).unwrap();
        assert_eq!(
            read_inside(&root, &root, "claims/a.toml").unwrap(),
            b"x = 1\n"
        );
        assert_eq!(
            read_inside(&root, &root, "claims/b.toml").unwrap(),
            b"x = 1\n"
        );
        assert!(resolve(&root, &root, "claims", true).is_ok());
    }

    #[test]
    fn links_out_fifos_folders_and_large_files_are_refused() {
        let (d, root) = ws();
        symlink("/proc/self/environ", root.join("kzclaims.toml")).unwrap();
        let e = read_inside(&root, &root, "kzclaims.toml").unwrap_err();
        assert!(matches!(e, Refused::Outside(_)), "{e:?}");
        assert!(e
            .describe("kzclaims.toml")
            .contains("outside the workspace"));

        let outside = d.path().join("elsewhere");
        std::fs::create_dir(&outside).unwrap();
        symlink(&outside, root.join("scenarios")).unwrap();
        assert!(matches!(
            resolve(&root, &root, "scenarios", true),
            Err(Refused::Outside(_))
        ));

        let fifo = root.join("claims/pipe.toml");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo with a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        symlink("pipe.toml", root.join("claims/to-pipe.toml")).unwrap();
        for rel in ["claims/pipe.toml", "claims/to-pipe.toml"] {
            let e = read_inside(&root, &root, rel).unwrap_err();
            assert!(
                matches!(e, Refused::NotRegular(k) if k.starts_with("FIFO")),
                "{e:?}"
            );
        }

        assert!(matches!(
            read_inside(&root, &root, "claims"),
            Err(Refused::WrongKind { want_dir: false })
        ));
        symlink("nowhere", root.join("claims/gone.toml")).unwrap();
        assert!(matches!(
            read_inside(&root, &root, "claims/gone.toml"),
            Err(Refused::Broken)
        ));

        let big = std::fs::File::create(root.join("claims/big.toml")).unwrap();
        big.set_len(2 << 30).unwrap(); // sparse: nothing is written
        let e = read_inside(&root, &root, "claims/big.toml").unwrap_err();
        assert!(matches!(e, Refused::TooLarge(n) if n == 2 << 30), "{e:?}");
        assert!(e
            .describe("claims/big.toml")
            .contains("2048 MiB, over the 16 MiB limit"));
    }
}
