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

/// What [`checked`] reports, without building and rendering the memo when
/// the workspace's template is a built-in one, and with only the part of
/// the sensitivity analysis the checks read (`sensitivity::weighty`) (no file of its own under
/// templates/): the built-in templates write each likelihood word beside
/// its own number, so K108 finds nothing in them (the test
/// `builtin_templates_give_no_k108` renders them on every bundled and test
/// workspace to show it). The language server and `serve` call this after
/// each edit; `check` renders the memo whatever the template.
pub(crate) fn checked_lean(
    ws: &crate::model::Workspace,
    a: &crate::engine::Assessment,
) -> Result<crate::checks::Report, Box<render::TemplateError>> {
    use render::MemoFormat;
    let builtin = [MemoFormat::Md, MemoFormat::Html].into_iter().all(|f| {
        render::is_builtin(
            &ws.root,
            &render::template_file_name(&ws.config.memo.template, f),
        )
    });
    if !builtin {
        return checked(ws, a).map(|(report, _)| report);
    }
    let weighty = crate::engine::sensitivity::weighty(ws, a);
    Ok(crate::checks::run_on_record(ws, a, &weighty))
}

#[cfg(test)]
mod tests {
    /// The built-in templates, rendered in both formats on the bundled
    /// workspace, MH17 and every test workspace that loads, as of their
    /// date and two earlier ones, under both engines: K108 finds nothing,
    /// which is what lets [`super::checked_lean`] skip the memo.
    #[test]
    fn builtin_templates_give_no_k108() {
        use crate::model::EngineKind;
        let mut rendered = 0;
        for (root, mut ws) in crate::load::testkit::workspaces() {
            ws.config.memo.template = "memo".into();
            let Some(last) = ws.default_as_of() else {
                continue;
            };
            let first = ws.claims.iter().map(|c| c.date).min().unwrap_or(last);
            let mid = first + (last - first) / 2;
            for date in [first, mid, last] {
                for engine in [EngineKind::Bayes, EngineKind::Ach] {
                    let a = crate::engine::assess(&ws, date, engine);
                    let (report, memos) = super::checked(&ws, &a).expect("renders");
                    assert!(memos.len() == 2, "{}: both formats", root.display());
                    assert!(
                        !report
                            .warnings
                            .iter()
                            .any(|d| d.code == crate::diag::Code::K108),
                        "{} as of {date} ({engine:?}): {:?}",
                        root.display(),
                        report.warnings
                    );
                    rendered += 2;
                }
            }
        }
        assert!(rendered > 100, "only {rendered} memos rendered");
    }
}
