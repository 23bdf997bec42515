//! Reading a workspace's files from disk: `kzclaims.toml` and the `.toml`
//! files under `scenarios/` and `claims/`, by the rule of [`super::files`]
//! (nothing outside the workspace, nothing but regular files, nothing past
//! the size limit).

use super::{files, LoadError, NoProgress, Progress, CONFIG_FILE};
use crate::diag::{Code, Diagnostic};
use crate::model::SourceFile;
use std::path::{Path, PathBuf};

/// Read the workspace files under `root`: `kzclaims.toml`, `scenarios/**/*.toml`
/// and `claims/**/*.toml`, sorted by relative path.
///
/// Symbolic links are followed only while they stay inside the workspace: a
/// link that leads outside it is not read, and a link loop is not followed
/// forever; both are reported (E021), as is a `claims` or `scenarios` that is
/// a file, and a file that is not UTF-8 (E001, at the first bad byte).
pub fn read_files(root: &Path) -> Result<Vec<SourceFile>, LoadError> {
    read_files_with(root, &NoProgress, false)
}

/// `defer_claims`: list the claims files without reading them (their texts
/// stay empty); [`from_files_with`] reads each as it parses it.
pub(super) fn read_files_with(
    root: &Path,
    progress: &dyn Progress,
    defer_claims: bool,
) -> Result<Vec<SourceFile>, LoadError> {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    let real_root = root
        .canonicalize()
        .map_err(|e| LoadError::Io(format!("cannot read {}: {e}", root.display())))?;
    match files::read_inside(&real_root, root, CONFIG_FILE) {
        Ok(bytes) => files.push(decode(CONFIG_FILE.to_string(), bytes, &mut diags)),
        Err(r) => diags.push(refused(root, CONFIG_FILE, r)?),
    }
    progress.step();
    // Both folders listed first, so that the progress bar knows its length.
    let mut listed = Vec::new();
    for dir in ["scenarios", "claims"] {
        match files::resolve(&real_root, root, dir, true) {
            Ok(_) => {}
            Err(files::Refused::Missing) => continue,
            Err(files::Refused::WrongKind { .. }) => {
                diags.push(
                    Diagnostic::error(Code::E014, format!("`{dir}` is a file, not a folder"))
                        .in_file(dir)
                        .help(format!("{dir}/ holds the workspace's .toml files: move the file into a folder named {dir}")),
                );
                continue;
            }
            Err(r) => {
                diags.push(refused(root, dir, r)?);
                continue;
            }
        }
        let mut found = Vec::new();
        let mut seen = Vec::new();
        collect_toml(
            &real_root,
            &root.join(dir),
            dir,
            &mut found,
            &mut seen,
            &mut diags,
        )
        .map_err(LoadError::Io)?;
        found.sort();
        listed.push((dir, found));
    }
    // Each file is one step read and one step parsed.
    let n: usize = listed.iter().map(|(_, found)| found.len()).sum();
    progress.set_total(2 * (files.len() + n) as u64);
    for (dir, found) in listed {
        for rel in found {
            progress.step();
            if defer_claims && dir == "claims" {
                files.push(SourceFile {
                    rel,
                    text: String::new(),
                });
                continue;
            }
            match files::read_inside(&real_root, root, &rel) {
                Ok(bytes) => files.push(decode(rel, bytes, &mut diags)),
                Err(r) => diags.push(refused(root, &rel, r)?),
            }
        }
    }
    if diags.is_empty() {
        Ok(files)
    } else {
        Err(LoadError::Invalid {
            diagnostics: diags,
            files,
        })
    }
}

/// A file's text; bytes that are not UTF-8 are an error at the first of them
/// (the text keeps a replacement character there, so the snippet shows it).
pub(super) const NOT_UTF8: &str = "the file is not valid UTF-8";

pub(super) fn decode(rel: String, bytes: Vec<u8>, diags: &mut Vec<Diagnostic>) -> SourceFile {
    match String::from_utf8(bytes) {
        Ok(text) => SourceFile { rel, text },
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            diags.push(
                Diagnostic::error(Code::E001, NOT_UTF8)
                    .at(rel.clone(), at..at + '\u{FFFD}'.len_utf8())
                    .label("bytes that are not UTF-8")
                    .help("save the file as UTF-8 (TOML files must be UTF-8)"),
            );
            SourceFile { rel, text }
        }
    }
}

/// The error for a path the loader will not read ([`files`]): E021, naming
/// the path and never its contents; a plain I/O error (permissions, a file
/// that vanished) stops the load instead (exit 2), as before.
fn refused(root: &Path, rel: &str, r: files::Refused) -> Result<Diagnostic, LoadError> {
    match r {
        files::Refused::Io(e) => Err(LoadError::Io(format!(
            "cannot read {}: {e}",
            root.join(rel).display()
        ))),
        files::Refused::Missing => {
            let path = root.join(rel);
            let e = std::fs::symlink_metadata(&path)
                .err()
                .unwrap_or_else(|| std::io::ErrorKind::NotFound.into());
            Err(LoadError::Io(format!(
                "cannot read {}: {e}",
                path.display()
            )))
        }
        r => Ok(Diagnostic::error(Code::E021, r.describe(rel))
            .in_file(rel)
            .help(r.help())),
    }
}

fn collect_toml(
    real_root: &Path,
    dir: &Path,
    rel: &str,
    out: &mut Vec<String>,
    seen: &mut Vec<PathBuf>,
    diags: &mut Vec<Diagnostic>,
) -> Result<(), String> {
    // Each real folder is walked once: a link back to a folder already on
    // the way is a loop.
    if let Ok(real) = dir.canonicalize() {
        if seen.contains(&real) {
            diags.push(
                Diagnostic::error(
                    Code::E021,
                    format!("`{rel}` is a link loop: it leads back to a folder already read"),
                )
                .in_file(rel)
                .help("remove the link, or point it at a folder outside the loop"),
            );
            return Ok(());
        }
        seen.push(real);
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("cannot read {}: {e}", dir.display())),
    };
    let mut entries: Vec<_> = entries
        .collect::<Result<_, _>>()
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let child = format!("{rel}/{name}");
        let ft = entry
            .file_type()
            .map_err(|e| format!("cannot read {}: {e}", entry.path().display()))?;
        if ft.is_symlink() {
            let path = entry.path();
            match path.canonicalize() {
                Err(_) if name.ends_with(".toml") || path.is_dir() => {
                    diags.push(
                        Diagnostic::error(
                            Code::E021,
                            format!("`{child}` is a broken link or a link loop"),
                        )
                        .in_file(&child)
                        .help("remove the link or point it at a file in the workspace"),
                    );
                    continue;
                }
                Err(_) => continue,
                Ok(real) if !real.starts_with(real_root) => {
                    if name.ends_with(".toml") || real.is_dir() {
                        diags.push(
                            Diagnostic::error(
                                Code::E021,
                                format!("`{child}` is a link to {}, outside the workspace: kzclaims does not read it", real.display()),
                            )
                            .in_file(&child)
                            .help("a workspace reads only its own files; copy what you need into it"),
                        );
                    }
                    continue;
                }
                Ok(_) => {}
            }
        }
        let path = entry.path();
        let meta =
            std::fs::metadata(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if meta.is_dir() {
            collect_toml(real_root, &path, &child, out, seen, diags)?;
        } else if name.ends_with(".toml") {
            // A FIFO, socket or device is never opened (a FIFO would block).
            if let Some(kind) = files::special(meta.file_type()) {
                let r = files::Refused::NotRegular(kind);
                diags.push(
                    Diagnostic::error(Code::E021, r.describe(&child))
                        .in_file(&child)
                        .help(r.help()),
                );
                continue;
            }
            out.push(child);
        }
    }
    Ok(())
}
