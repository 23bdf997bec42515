//! `kzclaims diff FROM TO`: what changed between two dates, git revisions or
//! the working tree, and why. Also resolves the sides for `brief --since`.

use super::{emit, parse_date, workspace_root, Cli, CmdResult, EngineArg, Failure};
use crate::engine::diff::{Side, SideInfo};
use crate::engine::{self, Assessment};
use crate::load::{self, git, git::RevisionInfo};
use crate::model::{EngineKind, SourceFile, Workspace};
use crate::report::diff as rdiff;
use crate::report::memo::{context, render};
use chrono::NaiveDate;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Format {
    Text,
    Md,
    Html,
    Json,
    /// GitHub Actions notices on the changed claims (file:line), for a CI job
    Github,
}

#[derive(clap::Args, Debug)]
#[command(after_help = "\
Each side is one of:
  2022-01-06         the working tree as of that date
  .                  the working tree as of its default date
  HEAD~3, v1, main   the workspace at that git revision, as of its default date
  REV@2022-01-06     the workspace at REV, as of that date
Revisions are read from the repository's object store; the work tree and the
index are not touched.")]
pub(super) struct Args {
    /// The earlier side: DATE, REV, REV@DATE or `.`
    pub from: String,
    /// The later side: DATE, REV, REV@DATE or `.`
    pub to: String,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Ranking engine (default: [scoring] engine of the TO side)
    #[arg(long, value_enum)]
    pub engine: Option<EngineArg>,
    /// Memo template used for the redline (default: [memo] template of the TO side)
    #[arg(long, value_name = "NAME")]
    pub template: Option<String>,
    /// Write to this file (atomically) instead of stdout (`-`: stdout)
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// A side as written on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Spec {
    /// The working tree, as of a date or its default.
    WorkTree(Option<NaiveDate>),
    /// A git revision, as of a date or its default.
    Rev(String, Option<NaiveDate>),
}

/// `.`, `DATE`, `REV@DATE`, `.@DATE` or `REV`.
pub(super) fn parse_spec(s: &str) -> Result<Spec, Failure> {
    let s = s.trim();
    if s.is_empty() {
        return Err(Failure::Usage(
            "an empty side: expected DATE, REV, REV@DATE or `.`".into(),
        ));
    }
    if s == "." {
        return Ok(Spec::WorkTree(None));
    }
    // A date-shaped side with no such day (2024-02-30) is a bad date, not
    // the name of a git revision.
    let no_such_day = |d: &str| {
        (crate::model::parse_date(d) == Err(crate::model::DateError::NoSuchDay))
            .then(|| Failure::Usage(format!("`{d}` is not a date: no such day in the calendar")))
    };
    if let Some(e) = no_such_day(s) {
        return Err(e);
    }
    if let Ok(d) = parse_date(s) {
        return Ok(Spec::WorkTree(Some(d)));
    }
    if let Some((rev, date)) = s.rsplit_once('@') {
        if !rev.is_empty() {
            if let Some(e) = no_such_day(date) {
                return Err(e);
            }
            if let Ok(d) = parse_date(date) {
                return Ok(if rev == "." {
                    Spec::WorkTree(Some(d))
                } else {
                    Spec::Rev(rev.to_string(), Some(d))
                });
            }
        }
    }
    Ok(Spec::Rev(s.to_string(), None))
}

/// A loaded side.
pub(super) struct Loaded {
    pub ws: Workspace,
    pub as_of: NaiveDate,
    pub info: SideInfo,
}

impl Loaded {
    fn new(
        ws: Workspace,
        as_of: NaiveDate,
        raw: &str,
        label: String,
        revision: Option<RevisionInfo>,
    ) -> Self {
        Loaded {
            ws,
            as_of,
            info: SideInfo {
                spec: raw.to_string(),
                label,
                as_of: as_of.to_string(),
                revision,
            },
        }
    }
}

fn as_of(ws: &Workspace, given: Option<NaiveDate>, what: &str) -> Result<NaiveDate, Failure> {
    given.or_else(|| ws.default_as_of()).ok_or_else(|| {
        Failure::Usage(format!(
            "no as-of date for {what}: its record has no claims; give one as {what}@YYYY-MM-DD"
        ))
    })
}

/// One side's files, read but not yet loaded.
enum Read {
    /// The working tree, as of a date (default: its latest).
    WorkTree(Option<NaiveDate>),
    /// A git revision's files, as of a date (default: its latest).
    Rev {
        rev: String,
        date: Option<NaiveDate>,
        files: Vec<SourceFile>,
        info: RevisionInfo,
    },
}

fn read_side(root: &Path, raw: &str) -> Result<Read, Failure> {
    Ok(match parse_spec(raw)? {
        Spec::WorkTree(date) => Read::WorkTree(date),
        Spec::Rev(rev, date) => {
            let (files, info) = git::read_at(root, &rev).map_err(|e| match e {
                git::GitError::NotARepository(m) => Failure::Usage(format!(
                    "{m}\n`{raw}` is not a date (YYYY-MM-DD) or `.`, so it was taken as a git revision"
                )),
                git::GitError::Other(m) => Failure::Usage(m),
            })?;
            Read::Rev {
                rev,
                date,
                files,
                info,
            }
        }
    })
}

/// Load one side of a comparison for the workspace at `root`. `worktree`, when
/// given, is the working tree already loaded: a date or `.` side reuses it
/// instead of reading and validating the files again.
pub(super) fn load_side(
    root: &Path,
    raw: &str,
    worktree: Option<&Workspace>,
) -> Result<Loaded, Failure> {
    match read_side(root, raw)? {
        Read::WorkTree(date) => worktree_side(root, raw, date, worktree),
        Read::Rev {
            rev,
            date,
            files,
            info,
        } => rev_side(root, raw, &rev, date, info, load::from_files(files)),
    }
}

/// Load both sides. Two git revisions are read first and loaded together,
/// so that the claims files they share are parsed once
/// ([`load::from_files_pair`]); a second working-tree side reuses the first.
pub(super) fn load_sides(root: &Path, from: &str, to: &str) -> Result<(Loaded, Loaded), Failure> {
    match read_side(root, from)? {
        Read::Rev {
            rev,
            date,
            files,
            info,
        } => match read_side(root, to)? {
            Read::Rev {
                rev: rev_b,
                date: date_b,
                files: files_b,
                info: info_b,
            } => {
                let (a, b) = load::from_files_pair(files, files_b);
                let before = rev_side(root, from, &rev, date, info, a)?;
                let after = rev_side(root, to, &rev_b, date_b, info_b, b)?;
                Ok((before, after))
            }
            Read::WorkTree(date_b) => {
                let before = rev_side(root, from, &rev, date, info, load::from_files(files))?;
                Ok((before, worktree_side(root, to, date_b, None)?))
            }
        },
        Read::WorkTree(date) => {
            let before = worktree_side(root, from, date, None)?;
            let after = load_side(root, to, Some(&before.ws))?;
            Ok((before, after))
        }
    }
}

fn worktree_side(
    root: &Path,
    raw: &str,
    date: Option<NaiveDate>,
    worktree: Option<&Workspace>,
) -> Result<Loaded, Failure> {
    let ws = match worktree {
        Some(ws) => ws.clone(),
        None => load::Loader::new(root).load()?,
    };
    let d = as_of(&ws, date, raw)?;
    let label = if date.is_some() {
        d.to_string()
    } else {
        format!("working tree (as of {d})")
    };
    Ok(Loaded::new(ws, d, raw, label, None))
}

/// A revision's side, from its load: diagnostics name the revision in
/// every path they quote.
fn rev_side(
    root: &Path,
    raw: &str,
    rev: &str,
    date: Option<NaiveDate>,
    info: RevisionInfo,
    loaded: Result<Workspace, load::LoadError>,
) -> Result<Loaded, Failure> {
    let mut ws = loaded.map_err(|e| match e {
        load::LoadError::Invalid {
            mut diagnostics,
            mut files,
        } => {
            for d in &mut diagnostics {
                if !d.file.is_empty() {
                    d.file = format!("{rev}:{}", d.file);
                }
            }
            for f in &mut files {
                f.rel = format!("{rev}:{}", f.rel);
            }
            Failure::Invalid { diagnostics, files }
        }
        load::LoadError::Io(m) => Failure::Usage(m),
    })?;
    ws.root = root.to_path_buf();
    // Valid: no diagnostic will quote the revision's files.
    ws.release_texts();
    let d = as_of(&ws, date, raw)?;
    let label = match date {
        Some(_) => format!("{rev} ({}) as of {d}", info.short),
        None => format!("{rev} ({}, as of {d})", info.short),
    };
    Ok(Loaded::new(ws, d, raw, label, Some(info)))
}

/// Both sides assessed and compared.
pub(super) struct Compared {
    pub diff: crate::engine::diff::Diff,
    pub before: (Loaded, Assessment),
    pub after: (Loaded, Assessment),
}

/// Compare two loaded sides under `engine` (default: the later side's).
pub(super) fn compare(before: Loaded, after: Loaded, engine: Option<EngineKind>) -> Compared {
    let engine = engine.unwrap_or(after.ws.config.engine);
    // The two sides are independent: one per core.
    let (aa, ab) = rayon::join(
        || engine::assess(&before.ws, before.as_of, engine),
        || engine::assess(&after.ws, after.as_of, engine),
    );
    let diff = crate::engine::diff::diff(
        &Side {
            ws: &before.ws,
            assessment: &aa,
            info: before.info.clone(),
        },
        &Side {
            ws: &after.ws,
            assessment: &ab,
            info: after.info.clone(),
        },
    );
    Compared {
        diff,
        before: (before, aa),
        after: (after, ab),
    }
}

/// Whether stdout gets colour: a terminal, and NO_COLOR unset or empty.
fn stdout_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

pub(super) fn run(cli: &Cli, args: &Args) -> CmdResult {
    let root = workspace_root(cli)?;
    let (before, after) = load_sides(&root, &args.from, &args.to)?;
    // Left to the operating system at exit (`Kept`): two workspaces of a
    // large record take a while to free.
    let c = super::Kept::new(compare(before, after, args.engine.map(EngineKind::from)));
    let name = render::template_file_name(
        args.template
            .as_deref()
            .unwrap_or(&c.after.0.ws.config.memo.template),
        render::MemoFormat::Md,
    );
    let memo = |side: &(Loaded, Assessment)| {
        render::render(&root, &name, &context::memo_context(&side.0.ws, &side.1))
    };
    let (m_before, m_after) = rayon::join(|| memo(&c.before), || memo(&c.after));
    let (m_before, m_after) = (m_before?, m_after?);
    let unified = rdiff::memo_unified(&m_before, &m_after, &c.diff.from.label, &c.diff.to.label);
    let text = match args.format {
        Format::Text => rdiff::to_text(&c.diff, &unified, args.out.is_none() && stdout_color()),
        Format::Md => rdiff::to_markdown(&c.diff, &unified),
        Format::Github => {
            let ws = &c.after.0.ws;
            let locate = |id: &str| {
                let claim = ws.claims.iter().find(|x| x.id == id)?;
                let file = ws.files.get(claim.loc.file)?;
                let (line, _) = crate::diag::line_col(&file.text, claim.loc.span.start);
                Some((file.rel.clone(), line))
            };
            rdiff::to_github(&c.diff, &locate)
        }
        Format::Html => rdiff::to_html(&c.diff, &m_before, &m_after),
        Format::Json => {
            let mut v = serde_json::to_value(&c.diff).expect("plain data serialises");
            v["memo_unified_diff"] = serde_json::Value::String(unified);
            v["version"] = serde_json::Value::from(1);
            super::json_text(&v)
        }
    };
    emit(args.out.as_deref(), &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs() {
        let d = |s: &str| parse_date(s).unwrap();
        assert_eq!(parse_spec(".").unwrap(), Spec::WorkTree(None));
        assert_eq!(
            parse_spec("2022-01-06").unwrap(),
            Spec::WorkTree(Some(d("2022-01-06")))
        );
        assert_eq!(
            parse_spec(".@2022-01-06").unwrap(),
            Spec::WorkTree(Some(d("2022-01-06")))
        );
        assert_eq!(
            parse_spec("HEAD~3@2022-01-06").unwrap(),
            Spec::Rev("HEAD~3".into(), Some(d("2022-01-06")))
        );
        assert_eq!(
            parse_spec("HEAD@{1}").unwrap(),
            Spec::Rev("HEAD@{1}".into(), None)
        );
        assert_eq!(parse_spec("v1.0").unwrap(), Spec::Rev("v1.0".into(), None));
        assert_eq!(parse_spec("@").unwrap(), Spec::Rev("@".into(), None));
    }
}
