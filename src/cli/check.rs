//! `kzclaims check`: validate the workspace; warn about analytic smells
//! (codes in docs/checks.md). `--strict` turns warnings into errors.

use super::{render_diagnostics, Cli, CmdResult, Failure};
use crate::load;
use crate::model::SourceFile;

#[derive(clap::Args, Debug)]
pub(super) struct Args {
    /// Date to evaluate the warnings at (default: as_of in kzclaims.toml, else the latest date)
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    pub as_of: Option<chrono::NaiveDate>,
    /// Treat warnings as errors: exit 1 if any warning is not silenced
    #[arg(long)]
    pub strict: bool,
    /// Also list the silenced warnings, with their reasons
    #[arg(long)]
    pub show_silenced: bool,
    /// Show every warning in full (by default the first few of each code,
    /// then a count per code)
    #[arg(long)]
    pub all: bool,
    /// Output: human (cargo-style, to stderr), json (docs/json.md) or github
    /// (GitHub Actions annotations), the last two to stdout
    #[arg(long, value_enum, default_value = "human")]
    pub format: CheckFormat,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CheckFormat {
    Human,
    Json,
    Github,
}

/// Print diagnostics in a machine format to stdout.
fn machine(
    format: CheckFormat,
    diags: &[crate::diag::Diagnostic],
    files: &[SourceFile],
    as_of: Option<String>,
    silenced: usize,
    ok: bool,
) -> CmdResult {
    let text = match format {
        CheckFormat::Json => super::json_text(&crate::report::views::diagnostics::to_json(
            diags, files, as_of, silenced, ok,
        )),
        _ => crate::report::views::diagnostics::to_github(diags, files),
    };
    super::emit(None, &text)
}

pub(super) fn run(cli: &Cli, args: &Args) -> CmdResult {
    let eval = super::Eval {
        as_of: args.as_of,
        engine: None,
    };
    // The files' texts are let go after the load and the ones the warnings
    // quote read back at the end (a record's texts are as large as the record).
    let opened = super::open_workspace_stamped(cli)
        .and_then(|(ws, stamps)| super::assess_opened(ws, eval).map(|(ws, a)| (ws, a, stamps)));
    let (mut ws, a, stamps) = match opened {
        Ok(x) => x,
        Err(Failure::Invalid { diagnostics, files }) if args.format != CheckFormat::Human => {
            machine(args.format, &diagnostics, &files, None, 0, false)?;
            return Err(Failure::Reported);
        }
        Err(e) => return Err(e),
    };
    let date = a.as_of;

    // K108 reads the memo as the workspace's template renders it, in every
    // format the template exists in (an error if it exists in none).
    let (report, rendered) = crate::report::checked(&ws, &a)?;

    // The warnings to show, and the files they quote read back.
    let (shown, table) = if args.format != CheckFormat::Human || args.all {
        (report.warnings.clone(), String::new())
    } else {
        first_of_each_code(&report.warnings)
    };
    let mut files = std::mem::take(&mut ws.files);
    let quoted: std::collections::HashSet<&str> = shown
        .iter()
        .chain(
            report
                .silenced
                .iter()
                .map(|(d, _)| d)
                .filter(|_| args.show_silenced),
        )
        .flat_map(|d| {
            std::iter::once(d.file.as_str()).chain(d.related.iter().map(|r| r.file.as_str()))
        })
        .collect();
    for rel in load::read_back(&ws.root, &mut files, &stamps, |rel| quoted.contains(rel)) {
        eprintln!(
            "note: {rel} changed on disk while kzclaims checked it: its warnings show no lines; run `kzclaims check` again"
        );
    }
    files.extend(rendered.into_iter().map(|r| SourceFile {
        rel: r.name,
        text: r.text,
    }));
    if args.format != CheckFormat::Human {
        let ok = !args.strict || report.warnings.is_empty();
        machine(
            args.format,
            &report.warnings,
            &files,
            Some(date.to_string()),
            report.silenced.len(),
            ok,
        )?;
        return if ok { Ok(()) } else { Err(Failure::Reported) };
    }
    if !report.warnings.is_empty() && !cli.quiet {
        eprint!(
            "{}{table}",
            render_diagnostics(&shown, &files, super::stderr_color())
        );
    }
    if args.show_silenced {
        for (d, reason) in &report.silenced {
            eprintln!(
                "silenced[{}]: {} ({}): {reason}",
                d.code,
                d.message,
                location(&files, d)
            );
        }
    }
    let n = report.warnings.len();
    let summary = format!(
        "{} scenarios, {} claims, {} sources, as of {}{}{}",
        ws.scenarios.len(),
        ws.claims.len(),
        ws.sources.len(),
        date,
        match n {
            0 => String::new(),
            1 => ", 1 warning".into(),
            n => format!(", {n} warnings"),
        },
        match report.silenced.len() {
            0 => String::new(),
            s => format!(", {s} silenced"),
        }
    );
    if args.strict && n > 0 {
        return Err(Failure::Strict(format!(
            "{summary}; --strict: {n} warning{} not silenced",
            if n == 1 { "" } else { "s" }
        )));
    }
    println!("ok: {summary}");
    Ok(())
}

/// How many warnings of one code are shown in full before the rest are only
/// counted (as cargo and clippy keep long outputs readable).
pub(super) const SHOWN_PER_CODE: usize = 5;

/// The first [`SHOWN_PER_CODE`] warnings of each code, in order, and a table
/// counting every code when some were left out (empty otherwise).
fn first_of_each_code(
    warnings: &[crate::diag::Diagnostic],
) -> (Vec<crate::diag::Diagnostic>, String) {
    let mut seen: std::collections::BTreeMap<crate::diag::Code, usize> = Default::default();
    let mut shown = Vec::new();
    for d in warnings {
        let n = seen.entry(d.code).or_default();
        *n += 1;
        if *n <= SHOWN_PER_CODE {
            shown.push(d.clone());
        }
    }
    if shown.len() == warnings.len() {
        return (shown, String::new());
    }
    let mut t = format!(
        "warnings by code (the first {SHOWN_PER_CODE} of each shown above; `check --all` shows every one):\n"
    );
    for (code, n) in &seen {
        let what = code.info().summary;
        let hidden = n.saturating_sub(SHOWN_PER_CODE);
        t.push_str(&format!(
            "  {code}  {n:>7}  {what}{}\n",
            if hidden > 0 {
                format!(" ({hidden} not shown)")
            } else {
                String::new()
            }
        ));
    }
    t.push('\n');
    (shown, t)
}

fn location(files: &[SourceFile], d: &crate::diag::Diagnostic) -> String {
    match crate::report::views::diagnostics::place(d, files) {
        [Some(l), Some(c), ..] => format!("{}:{l}:{c}", d.file),
        _ => d.file.clone(),
    }
}
