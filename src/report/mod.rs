//! Turns results into what people read (presentation only: every figure is
//! computed in `engine`). Split by what it makes:
//! - [`memo`]: the memo (context, rendering, Word, matrix, chart);
//! - `views`: one view per command (score, collect, sensitivity,
//!   calibration, history, timeline, diagnostics);
//! - [`diff`]: `kzclaims diff` in every format, and the memo redline;
//! - shared leaves used by all of them: [`format`] (percent, numbers),
//!   `escape` (HTML, Markdown, terminal, XML) and `table` (text tables).

pub mod diff;
pub(crate) mod escape;
pub(crate) mod format;
pub mod memo;
pub(crate) mod table;
pub(crate) mod views;

use memo::{context, render};

/// What `check` reports on an assessed workspace: every analytic warning,
/// with K108 reading the memo as the workspace's template renders it in every
/// format the template exists in. The rendered memos are returned beside the
/// report, for diagnostics that quote them. `check` and `kzclaims lsp` both
/// call this, so the editor shows exactly the warnings `check` prints.
pub fn checked(
    ws: &crate::model::Workspace,
    a: &crate::engine::Assessment,
) -> Result<(crate::checks::Report, Vec<crate::checks::Rendered>), Box<render::TemplateError>> {
    use render::MemoFormat;
    let (_, mut report, ctx) = context::analyse_check_and_context(ws, a, None);
    let mut rendered: Vec<crate::checks::Rendered> = Vec::new();
    let names: Vec<String> = [MemoFormat::Md, MemoFormat::Html]
        .into_iter()
        .map(|f| render::template_file_name(&ws.config.memo.template, f))
        .collect();
    let any = names.iter().any(|n| render::exists(&ws.root, n));
    for name in names {
        if rendered
            .iter()
            .any(|r| r.name == format!("{name} (rendered)"))
            || (any && !render::exists(&ws.root, &name))
        {
            continue;
        }
        let text = render::render(&ws.root, &name, &ctx)?;
        rendered.push(crate::checks::Rendered {
            name: format!("{name} (rendered)"),
            text,
        });
    }
    report.add_memo_checks(ws, &rendered);
    Ok((report, rendered))
}
