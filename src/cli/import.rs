//! `kzclaims import FILE`: bring a PARC ACH project (.achz) or a CSV matrix
//! into a new workspace, or into an existing one as one new claims file.
//! The format is told from the file's contents. Nothing is written unless the
//! result passes `kzclaims check`; no file is ever overwritten.

use super::{write_atomic, Cli, CmdResult, Failure};
use crate::interop::{self, achz, write::Rejected, Format};
use crate::load;
use crate::model::SourceFile;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub(super) struct Args {
    /// The file to import: a PARC ACH project (.achz, gzip XML) or a CSV
    /// matrix; the format is told from its contents, not its name
    pub file: PathBuf,
    /// Import into this folder: a workspace there gets one new claims file; a
    /// folder without kzclaims.toml becomes a new workspace (default: the
    /// workspace around the current folder, else the current folder)
    #[arg(long, value_name = "DIR")]
    pub into: Option<PathBuf>,
    /// The date of evidence that has none in the file (YYYY-MM-DD); without
    /// it, undated evidence is an error (the day of the import is never used)
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    pub date: Option<NaiveDate>,
}

pub(super) fn run(cli: &Cli, args: &Args) -> CmdResult {
    let file = args.file.display().to_string();
    let bytes = std::fs::read(&args.file)
        .map_err(|e| Failure::Usage(format!("cannot read {file}: {e}")))?;
    let stem = args
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let matrix = match interop::sniff(&bytes) {
        Format::Achz | Format::Xml => {
            let opts = achz::ReadOptions {
                date: args.date,
                stem: stem.clone(),
            };
            achz::read(&bytes, &file, &opts).map_err(|diagnostics| Failure::Invalid {
                diagnostics,
                files: vec![],
            })?
        }
        Format::Json => {
            return Err(Failure::Invalid {
                diagnostics: vec![crate::diag::Diagnostic::error(
                    crate::diag::Code::E031,
                    format!("{file} is JSON, which is not an import format"),
                )
                .in_file(file.clone())
                .help(
                    "import reads a PARC ACH project (.achz, or its XML) or a CSV matrix; \
                     `kzclaims export --format json` is for other programs: export the \
                     workspace with `--format csv` (or copy its TOML files) to bring it in",
                )],
                files: vec![],
            })
        }
        Format::Csv => {
            let text = achz::decode_text(&bytes).map_err(|e| Failure::Invalid {
                diagnostics: vec![crate::diag::Diagnostic::error(
                    crate::diag::Code::E031,
                    format!("{file} is neither gzip (.achz) nor readable text: {e}"),
                )
                .in_file(file.clone())],
                files: vec![],
            })?;
            let opts = interop::csv::ReadOptions {
                date: args.date,
                stem: stem.clone(),
            };
            interop::csv::read(&text, &file, &opts).map_err(|diagnostics| Failure::Invalid {
                diagnostics,
                files: vec![SourceFile {
                    rel: file.clone(),
                    text,
                }],
            })?
        }
    };

    let root = target(cli, args)?;
    let existing = if root.join(load::CONFIG_FILE).is_file() {
        Some(load::Loader::new(&root).load()?)
    } else {
        refuse_loose_workspace_files(&root)?;
        None
    };
    let plan = interop::write::plan(&matrix, existing.as_ref(), &root, &stem)
        .map_err(|Rejected { diagnostics, files }| Failure::Invalid { diagnostics, files })?;
    if !cli.quiet {
        for w in &matrix.warnings {
            eprintln!("warning: {w}");
        }
        for n in &plan.notes {
            eprintln!("note: {n}");
        }
    }
    for (rel, text) in &plan.files {
        let path = root.join(rel);
        let parent = path.parent().expect("joined paths have a parent");
        std::fs::create_dir_all(parent)
            .map_err(|e| Failure::Usage(format!("cannot create {}: {e}", parent.display())))?;
        write_atomic(&path, text.as_bytes())
            .map_err(|e| Failure::Usage(format!("cannot write {}: {e}", path.display())))?;
    }
    let written: Vec<&str> = plan.files.iter().map(|(r, _)| r.as_str()).collect();
    println!(
        "imported {} claim{} from {file} ({}) into {} {}: {}",
        plan.claims,
        if plan.claims == 1 { "" } else { "s" },
        matrix.format,
        if existing.is_some() {
            "the workspace"
        } else {
            "a new workspace"
        },
        root.display(),
        written.join(", ")
    );
    println!(
        "{} new scenario{}, {} new source{}; next: `kzclaims check` there",
        plan.new_scenarios,
        if plan.new_scenarios == 1 { "" } else { "s" },
        plan.new_sources,
        if plan.new_sources == 1 { "" } else { "s" },
    );
    Ok(())
}

/// A folder without kzclaims.toml becomes a new workspace only when it holds
/// no workspace files yet: claims or scenarios already there would be mixed
/// with the imported ones, unchecked (the new workspace would not pass
/// `check`), so the import stops and says what is there.
fn refuse_loose_workspace_files(root: &Path) -> CmdResult {
    let mut found = Vec::new();
    for dir in ["claims", "scenarios"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| format!("{dir}/{}", e.file_name().to_string_lossy()))
            .collect();
        names.sort();
        found.extend(names);
    }
    if found.is_empty() {
        return Ok(());
    }
    let n = found.len();
    let shown: Vec<&str> = found.iter().take(3).map(String::as_str).collect();
    Err(Failure::Usage(format!(
        "{} has no {} but already holds {n} file{} under claims/ or scenarios/ ({}{}): \
         it is not a new workspace, and the import would mix its claims with files nobody has checked; \
         import into an empty folder, or make it a workspace first (add kzclaims.toml, then `kzclaims check` there); nothing was written",
        root.display(),
        load::CONFIG_FILE,
        if n == 1 { "" } else { "s" },
        shown.join(", "),
        if n > 3 { ", …" } else { "" },
    )))
}

/// Where to import: `--into`, else `--workspace`, else the workspace around
/// the current folder, else the current folder.
fn target(cli: &Cli, args: &Args) -> Result<PathBuf, Failure> {
    if let Some(d) = args.into.as_ref().or(cli.workspace.as_ref()) {
        if d.exists() && !d.is_dir() {
            return Err(Failure::Usage(format!("{} is not a folder", d.display())));
        }
        return Ok(d.clone());
    }
    let cwd = std::env::current_dir()
        .map_err(|e| Failure::Usage(format!("cannot read the current directory: {e}")))?;
    Ok(load::find_root(&cwd).unwrap_or_else(|| Path::new(".").to_path_buf()))
}
