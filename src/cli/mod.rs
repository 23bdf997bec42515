//! The command line: argument parsing, workspace discovery, error rendering and
//! exit codes. Each subcommand lives in its own module.

mod args;
mod brief;
mod calibration;
mod check;
mod collect;
mod completions;
mod diff;
mod export;
mod fmt;
mod git_setup;
mod history;
mod import;
mod init;
mod lsp;
mod man;
mod merge_driver;
mod out;
mod schema;
mod score;
mod sensitivity;
mod serve;
mod timeline;

pub(crate) use args::{parse_date, EngineArg, Eval, TableOrJson};

use crate::diag::{Diagnostic, DiagnosticRenderer};
use crate::load::{self, LoadError};
use crate::model::{SourceFile, Workspace};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Exit code: success.
pub(crate) const EXIT_OK: i32 = 0;
/// Exit code: the workspace (or a template) is invalid.
pub(crate) const EXIT_INVALID: i32 = 1;
/// Exit code: bad command-line usage, or a file could not be read or written.
pub(crate) const EXIT_USAGE: i32 = 2;

const AFTER_HELP: &str = "\
Exit codes:
  0  success (warnings may have been printed)
  1  invalid input: the workspace or a template has errors; nothing was written
  2  usage error, or a file could not be read or written

The workspace is found like a git repository: the current directory or the
nearest parent holding kzclaims.toml, unless --workspace is given.
Documentation: docs/format.md, docs/scoring.md, docs/checks.md, docs/timeline.md,
docs/json.md, docs/interop.md, docs/serve.md, docs/collaboration.md.";

#[derive(Parser, Debug)]
#[command(
    name = "kzclaims",
    version,
    about = "Scenario analysis and claims tracking in plain TOML",
    long_about = "kzclaims keeps competing explanations (scenarios) and dated, graded evidence (claims) \
as TOML files in a git repository, scores the scenarios with Heuer's Analysis of Competing Hypotheses \
or a Bayesian engine as of any date, and writes the briefing memo.",
    after_help = AFTER_HELP
)]
struct Cli {
    /// Workspace folder (default: $KZCLAIMS_WORKSPACE, else search upward from
    /// the current directory for kzclaims.toml)
    #[arg(
        long,
        short = 'w',
        global = true,
        value_name = "DIR",
        env = "KZCLAIMS_WORKSPACE"
    )]
    workspace: Option<PathBuf>,

    /// Print no notes or warnings on stderr, only errors (results still go to stdout)
    #[arg(long, short = 'q', global = true)]
    quiet: bool,

    /// Do not read the git history: the memo then never says whether it is
    /// a reconstruction (claims in force recorded after its date), and
    /// calibration does not tell real forecasts from reconstructions
    /// (docs/timeline.md, "Reconstructions")
    #[arg(long, global = true, env = "KZCLAIMS_NO_HISTORY", value_parser = clap::builder::BoolishValueParser::new())]
    no_history: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Validate the workspace and warn about analytic smells
    Check(check::Args),
    /// Print the evidence matrix and scenario scores as of a date
    Score(score::Args),
    /// Write the briefing memo as of a date
    Brief(brief::Args),
    /// The assessment at every date on which the record changed
    Timeline(timeline::Args),
    /// What changed between two dates or git revisions, and why
    Diff(diff::Args),
    /// How much the conclusion depends on a few claims: linchpins and the smallest deciding set
    Sensitivity(sensitivity::Args),
    /// What to find out next: open indicators ranked by how much observing them would tell
    Collect(collect::Args),
    /// Score past assessments against how the question and its indicators resolved
    Calibration(calibration::Args),
    /// Create a new workspace: kzclaims.toml, an example record (two scenarios, each with an indicator; three sources; three claims, two of them revised later) and the default templates
    Init(init::Args),
    /// Serve the workspace as a local page that follows your edits
    Serve(serve::Args),
    /// Language server for editors (LSP over stdin/stdout): diagnostics,
    /// completion, hover, navigation (docs/editors.md)
    Lsp(lsp::Args),
    /// Rewrite the workspace files in one canonical layout, keeping comments
    Fmt(fmt::Args),
    /// Write the JSON Schemas of the workspace files, for editors
    Schema(schema::Args),
    /// Print a shell completion script (bash, zsh, fish, powershell)
    Completions(completions::Args),
    /// Print the man page, or write one per command into a folder
    Man(man::Args),
    /// Import a PARC ACH project (.achz) or a CSV matrix as workspace files
    Import(import::Args),
    /// Export the matrix as of a date: CSV, JSON or a PARC ACH project
    Export(export::Args),
    /// The commits that changed a claim, newest first, and what each changed
    History(history::Args),
    /// Set up git to merge the workspace's files by id (.gitattributes and the local config)
    GitSetup(git_setup::Args),
    /// Git's merge driver for workspace files: merges claims, sources and scenarios by id
    MergeDriver(merge_driver::Args),
}

/// A failed command: what to print and which exit code.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Invalid input; the files are kept to quote in the diagnostics.
    Invalid {
        diagnostics: Vec<Diagnostic>,
        files: Vec<SourceFile>,
    },
    /// Usage or I/O error with a one-line message.
    Usage(String),
    /// `check --strict` found warnings (already printed): exit 1.
    Strict(String),
    /// Invalid input, already reported (in a machine format): exit 1.
    Reported,
}

impl From<LoadError> for Failure {
    fn from(e: LoadError) -> Self {
        match e {
            LoadError::Io(m) => Failure::Usage(m),
            LoadError::Invalid { diagnostics, files } => Failure::Invalid { diagnostics, files },
        }
    }
}

impl From<Box<crate::report::memo::render::TemplateError>> for Failure {
    fn from(e: Box<crate::report::memo::render::TemplateError>) -> Self {
        let e = *e;
        Failure::Invalid {
            diagnostics: vec![e.diagnostic],
            files: e
                .source
                .map(|(rel, text)| vec![SourceFile { rel, text }])
                .unwrap_or_default(),
        }
    }
}

pub(crate) type CmdResult = Result<(), Failure>;

/// Whether stderr gets colour: a terminal, and NO_COLOR unset.
fn stderr_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Render diagnostics (one renderer for the whole program).
pub(crate) fn render_diagnostics(
    diags: &[Diagnostic],
    files: &[SourceFile],
    color: bool,
) -> String {
    let lookup = |rel: &str| files.iter().find(|f| f.rel == rel).map(|f| f.text.as_str());
    DiagnosticRenderer::new(color, &lookup).render_all(diags)
}

/// The `--out FILE` of a command that has one.
fn out_file(command: &mut Command) -> Option<&mut Option<PathBuf>> {
    Some(match command {
        Command::Brief(a) => &mut a.out,
        Command::Calibration(a) => &mut a.out,
        Command::Diff(a) => &mut a.out,
        Command::Export(a) => &mut a.out,
        Command::Timeline(a) => &mut a.out,
        _ => return None,
    })
}

/// `--out -` writes to stdout, as with most command-line tools, rather than
/// to a file named `-`. An `--out` that may not be written ([`out::target`])
/// is refused here, before any work (and again when written).
fn check_out(command: &mut Command) -> CmdResult {
    let Some(out) = out_file(command) else {
        return Ok(());
    };
    if out.as_deref() == Some(Path::new("-")) {
        *out = None;
    }
    match out {
        Some(path) => out::target(path).map(|_| ()),
        None => Ok(()),
    }
}

/// Run kzclaims with these arguments (the first is the program name); returns
/// the exit code.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let mut cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
        }
    };
    let checked = check_out(&mut cli.command);
    let result = checked.and_then(|()| match &cli.command {
        Command::Check(a) => check::run(&cli, a),
        Command::Score(a) => score::run(&cli, a),
        Command::Brief(a) => brief::run(&cli, a),
        Command::Sensitivity(a) => sensitivity::run(&cli, a),
        Command::Collect(a) => collect::run(&cli, a),
        Command::Calibration(a) => calibration::run(&cli, a),
        Command::Init(a) => init::run(a),
        Command::Serve(a) => serve::run(&cli, a),
        Command::Fmt(a) => fmt::run(&cli, a),
        Command::Lsp(a) => lsp::run(&cli, a),
        Command::Schema(a) => schema::run(a),
        Command::Completions(a) => completions::run(a),
        Command::Man(a) => man::run(a),
        Command::Timeline(a) => timeline::run(&cli, a),
        Command::Diff(a) => diff::run(&cli, a),
        Command::Import(a) => import::run(&cli, a),
        Command::Export(a) => export::run(&cli, a),
        Command::MergeDriver(a) => merge_driver::run(a),
        Command::GitSetup(a) => git_setup::run(&cli, a),
        Command::History(a) => history::run(&cli, a),
    });
    match result {
        Ok(()) => EXIT_OK,
        Err(Failure::Invalid { diagnostics, files }) => {
            let n = diagnostics.iter().filter(|d| d.is_error()).count();
            let mut text = render_diagnostics(&diagnostics, &files, stderr_color());
            text.push_str(&format!(
                "error: {n} problem{} found; nothing was written\n",
                if n == 1 { "" } else { "s" }
            ));
            let _ = std::io::stderr().write_all(text.as_bytes());
            EXIT_INVALID
        }
        Err(Failure::Usage(m)) => {
            eprintln!("error: {m}");
            EXIT_USAGE
        }
        Err(Failure::Strict(m)) => {
            eprintln!("error: {m}");
            EXIT_INVALID
        }
        Err(Failure::Reported) => EXIT_INVALID,
    }
}

/// A loaded workspace (or its assessment) that a one-shot command leaves to
/// the operating system at exit instead of freeing it allocation by
/// allocation: the command has no use for it once its output is written, and
/// freeing a 100k-claim record piece by piece took a tenth of `brief`'s time.
/// Only the command-line commands use it; the server frees what it reloads.
type Kept<T> = std::mem::ManuallyDrop<T>;

/// Locate and load the workspace named by `--workspace` or found upward,
/// keeping the files' texts (for commands that quote them: `check`, `fmt`).
fn open_workspace(cli: &Cli) -> Result<Kept<Workspace>, Failure> {
    let bar = LoadBar::new(cli.quiet);
    let ws = load::Loader::new(&workspace_root(cli)?)
        .progress(&bar)
        .load();
    bar.finish();
    give_back_freed_memory();
    Ok(Kept::new(ws?))
}

/// [`open_workspace`] for a command that quotes only some files, later: the
/// texts are let go once the workspace is loaded, with a stamp of each to
/// read back the ones it quotes ([`load::read_back`]).
fn open_workspace_stamped(cli: &Cli) -> Result<(Kept<Workspace>, Vec<load::TextStamp>), Failure> {
    let bar = LoadBar::new(cli.quiet);
    let loaded = load::Loader::new(&workspace_root(cli)?)
        .progress(&bar)
        .load_stamped();
    bar.finish();
    give_back_freed_memory();
    let (ws, stamps) = loaded?;
    Ok((Kept::new(ws), stamps))
}

/// [`open_workspace`] for commands that quote no file: the texts are let go
/// once the workspace is loaded.
fn open_workspace_lean(cli: &Cli) -> Result<Kept<Workspace>, Failure> {
    let bar = LoadBar::new(cli.quiet);
    let ws = load::Loader::new(&workspace_root(cli)?)
        .progress(&bar)
        .lean(true)
        .load();
    bar.finish();
    give_back_freed_memory();
    Ok(Kept::new(ws?))
}

/// Return to the operating system the memory the parse let go of. The files
/// are parsed on rayon's threads, and glibc keeps what a thread frees in that
/// thread's arena, where the scoring (on the main thread) cannot reuse it:
/// without this the parse trees of a large record stay in the peak.
/// With several cores the trim runs on a thread of its own, beside the work
/// that follows (it only locks each arena while it walks it).
fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let trim = || {
            // SAFETY: malloc_trim only releases free pages of the allocator's
            // arenas; it takes no pointer and touches no live allocation.
            unsafe {
                libc::malloc_trim(0);
            }
        };
        if rayon::current_num_threads() > 1 {
            std::thread::spawn(trim);
        } else {
            trim();
        }
    }
}

/// A progress bar on stderr for a load that takes longer than about a
/// second; never on a pipe or a file, never with `--quiet`. The second can
/// be changed with `KZCLAIMS_PROGRESS_AFTER_MS` (the tests set it to 0).
struct LoadBar {
    bar: indicatif::ProgressBar,
    start: std::time::Instant,
    after: std::time::Duration,
    may_show: bool,
    shown: std::sync::atomic::AtomicBool,
}

impl LoadBar {
    fn new(quiet: bool) -> Self {
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden());
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{prefix} [{bar:30}] {percent:>3}% {elapsed}")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix("loading the workspace");
        let after = std::env::var("KZCLAIMS_PROGRESS_AFTER_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1000);
        LoadBar {
            bar,
            start: std::time::Instant::now(),
            after: std::time::Duration::from_millis(after),
            may_show: !quiet && std::io::stderr().is_terminal(),
            shown: std::sync::atomic::AtomicBool::new(false),
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl load::Progress for LoadBar {
    fn set_total(&self, steps: u64) {
        self.bar.set_length(steps);
    }

    fn step(&self) {
        self.bar.inc(1);
        use std::sync::atomic::Ordering;
        if self.may_show
            && self.start.elapsed() >= self.after
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }
}

/// The workspace folder named by `--workspace` or found upward (not loaded).
fn workspace_root(cli: &Cli) -> Result<PathBuf, Failure> {
    Ok(match &cli.workspace {
        Some(dir) => {
            if !dir.join(load::CONFIG_FILE).is_file() {
                return Err(Failure::Usage(format!(
                    "{} is not a kzclaims workspace: no {} there (create one with `kzclaims init DIR`)",
                    dir.display(),
                    load::CONFIG_FILE
                )));
            }
            dir.clone()
        }
        None => {
            let cwd = std::env::current_dir()
                .map_err(|e| Failure::Usage(format!("cannot read the current directory: {e}")))?;
            load::find_root(&cwd).ok_or_else(|| {
                Failure::Usage(format!(
                    "not inside a kzclaims workspace: no {} here or in any parent folder (use --workspace DIR, or `kzclaims init DIR`)",
                    load::CONFIG_FILE
                ))
            })?
        }
    })
}

/// When each record of `ws` was first committed, from the git history of
/// the repository holding it (walked incrementally, docs/timeline.md);
/// `None` with `--no-history`, outside git, before the first commit or in a
/// shallow clone. A history that cannot be read is a warning, not an error:
/// the command goes on without it.
fn recorded(cli: &Cli, ws: &Workspace) -> Option<crate::engine::history::Recorded> {
    if cli.no_history {
        return None;
    }
    match load::recorded::read(&ws.root, &load::recorded::CacheAt::GitDir) {
        Ok(Some((log, _))) => Some(crate::engine::history::recorded(ws, &log)),
        Ok(None) => None,
        Err(e) => {
            if !cli.quiet {
                eprintln!(
                    "warning: cannot read the git history ({e}); nothing is said about when the claims were recorded"
                );
            }
            None
        }
    }
}

/// Open the workspace and score it as of the given date (else its default)
/// with the given engine (else its configured one).
fn assess_workspace(
    cli: &Cli,
    eval: Eval,
) -> Result<(Kept<Workspace>, Kept<crate::engine::Assessment>), Failure> {
    assess_opened(open_workspace_lean(cli)?, eval)
}

/// Score an opened workspace as [`assess_workspace`] does.
fn assess_opened(
    ws: Kept<Workspace>,
    eval: Eval,
) -> Result<(Kept<Workspace>, Kept<crate::engine::Assessment>), Failure> {
    let (date, engine) = eval.resolve(&ws)?;
    let a = crate::engine::assess(&ws, date, engine);
    Ok((ws, Kept::new(a)))
}

/// The as-of date: given, else the workspace default.
pub(super) fn as_of(ws: &Workspace, given: Option<NaiveDate>) -> Result<NaiveDate, Failure> {
    given.or_else(|| ws.default_as_of()).ok_or_else(|| {
        Failure::Usage(
            "no as-of date: the record has no claims; pass --as-of or set as_of in kzclaims.toml"
                .into(),
        )
    })
}

/// Pretty JSON with a final newline, as every `--format json` prints it.
pub(crate) fn json_text(v: &impl serde::Serialize) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("plain data serialises");
    s.push('\n');
    s
}

/// [`json_text`] to `--out`, or streamed to stdout without building the text
/// first (the matrix of a large record is as big as the record).
pub(crate) fn emit_json(out: Option<&Path>, v: &impl serde::Serialize) -> CmdResult {
    if out.is_some() {
        return emit(out, &json_text(v));
    }
    to_stdout(|so| {
        let mut buf = std::io::BufWriter::with_capacity(1 << 16, so);
        serde_json::to_writer_pretty(&mut buf, v)?;
        buf.write_all(b"\n")?;
        buf.flush()
    })
}

/// Write to `--out` atomically (temp file in the same folder, then rename), or
/// to stdout.
pub(crate) fn emit(out: Option<&Path>, text: &str) -> CmdResult {
    emit_bytes(out, text.as_bytes())
}

/// [`emit`] for bytes (a CSV, a PARC ACH project).
pub(crate) fn emit_bytes(out: Option<&Path>, bytes: &[u8]) -> CmdResult {
    match out {
        None => to_stdout(|so| so.write_all(bytes)),
        Some(path) => write_out(path, bytes),
    }
}

/// Write a file the user named (`--out`, or a file in an `--out` folder)
/// atomically, after [`out::target`] says where it may go.
pub(crate) fn write_out(path: &Path, bytes: &[u8]) -> CmdResult {
    let file = out::target(path)?;
    write_atomic(&file, bytes)
        .map_err(|e| Failure::Usage(format!("cannot write {}: {e}", path.display())))
}

/// Run `write` on stdout and flush it; a reader that went away (a closed
/// pipe, as with `| head`) is not an error.
fn to_stdout(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> CmdResult {
    let mut so = std::io::stdout().lock();
    write(&mut so)
        .and_then(|_| so.flush())
        .or_else(|e| {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                Ok(())
            } else {
                Err(e)
            }
        })
        .map_err(|e| Failure::Usage(format!("cannot write to stdout: {e}")))
}

/// Write a file atomically: a temporary file beside it, then a rename.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".kzclaims-").suffix(".tmp");
    // Keep an existing file's mode; a new file gets the usual 0644 (less the
    // umask), not the temp file's private 0600.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map(|m| m.permissions().mode())
            .unwrap_or(0o644);
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    let mut tmp = builder.tempfile_in(&dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
