//! Renders a memo context through a minijinja template: the workspace's
//! `templates/NAME` if present, else the built-in of that name.

use crate::diag::Diagnostic;
use serde::Serialize;
use std::path::Path;

/// Built-in templates, embedded in the binary (also the bundled workspace's
/// `templates/`, which `init` copies).
pub const BUILTIN: &[(&str, &str)] = &[
    ("memo.md", include_str!("../../templates/memo.md")),
    ("memo.html", include_str!("../../templates/memo.html")),
];

/// Output format of a memo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MemoFormat {
    Md,
    Html,
}

impl MemoFormat {
    pub fn ext(self) -> &'static str {
        match self {
            MemoFormat::Md => "md",
            MemoFormat::Html => "html",
        }
    }
}

/// `memo` + md → `memo.md`; a name with an extension is taken as it is.
pub fn template_file_name(name: &str, format: MemoFormat) -> String {
    if Path::new(name).extension().is_some() {
        name.to_string()
    } else {
        format!("{name}.{}", format.ext())
    }
}

/// A template that failed: the diagnostic and the template's text to quote.
#[derive(Debug)]
pub struct TemplateError {
    pub diagnostic: Diagnostic,
    /// (display path, text) of the template, when known.
    pub source: Option<(String, String)>,
}

/// Where a template comes from: `templates/NAME` in the workspace, or built in.
fn lookup(root: &Path, name: &str) -> Result<Option<(String, String)>, std::io::Error> {
    if name.contains("..") || name.starts_with('/') {
        return Ok(None);
    }
    let path = root.join("templates").join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some((format!("templates/{name}"), text))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(n, t)| (format!("<built-in {n}>"), t.to_string()))),
        Err(e) => Err(e),
    }
}

/// Whether a template of this name exists (in the workspace or built in).
pub fn exists(root: &Path, name: &str) -> bool {
    matches!(lookup(root, name), Ok(Some(_)))
}

/// Render `name` (a file name such as `memo.md`) with `ctx`.
pub fn render<T: Serialize>(
    root: &Path,
    name: &str,
    ctx: &T,
) -> Result<String, Box<TemplateError>> {
    let io_err = |e: std::io::Error| {
        Box::new(TemplateError {
            diagnostic: Diagnostic::error("E020", format!("cannot read template {name}: {e}")),
            source: None,
        })
    };
    let Some((display, text)) = lookup(root, name).map_err(io_err)? else {
        let builtins: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
        return Err(Box::new(TemplateError {
            diagnostic: Diagnostic::error("E020", format!("no template named `{name}`")).help(
                format!(
                    "put it in templates/{name}, or use a built-in one: {}",
                    builtins.join(", ")
                ),
            ),
            source: None,
        }));
    };
    let mut env = minijinja::Environment::new();
    env.set_debug(true);
    env.set_fuel(Some(50_000_000));
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .expect("default delimiters are valid"),
    );
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    let root_owned = root.to_path_buf();
    env.set_loader(move |n| {
        lookup(&root_owned, n)
            .map(|o| o.map(|(_, t)| t))
            .map_err(|e| {
                minijinja::Error::new(
                    minijinja::ErrorKind::InvalidOperation,
                    format!("cannot read template {n}: {e}"),
                )
            })
    });
    // The name keeps its extension so .html templates are autoescaped.
    let result = env
        .template_from_named_str(name, &text)
        .and_then(|t| t.render(minijinja::value::Serde(ctx)));
    result.map_err(|e| Box::new(template_error(&display, &text, &e)))
}

fn template_error(display: &str, text: &str, e: &minijinja::Error) -> TemplateError {
    let mut msg = format!("template error: {}", e.kind());
    if let Some(detail) = e.detail() {
        msg.push_str(": ");
        msg.push_str(detail);
    }
    let span = e.range().or_else(|| {
        // Fall back to the whole line the error names.
        let line = e.line()?;
        let start: usize = text
            .split_inclusive('\n')
            .take(line.saturating_sub(1))
            .map(str::len)
            .sum();
        let len = text[start..].find('\n').unwrap_or(text.len() - start);
        Some(start..start + len)
    });
    let mut d = Diagnostic::error("E020", msg);
    if let Some(span) = span {
        d = d.at(display, span).label("here");
    } else {
        d = d.in_file(display);
    }
    TemplateError {
        diagnostic: d,
        source: Some((display.to_string(), text.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(template_file_name("memo", MemoFormat::Html), "memo.html");
        assert_eq!(template_file_name("short.md", MemoFormat::Html), "short.md");
    }

    #[test]
    fn errors_name_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("templates")).unwrap();
        std::fs::write(dir.path().join("templates/bad.md"), "ok\n{{ title }\n").unwrap();
        let e = render(dir.path(), "bad.md", &serde_json::json!({"title": "x"})).unwrap_err();
        assert_eq!(e.diagnostic.file, "templates/bad.md");
        let span = e.diagnostic.span.clone().unwrap();
        assert_eq!(crate::diag::line_col("ok\n{{ title }\n", span.start).0, 2);
    }

    #[test]
    fn html_is_escaped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("templates")).unwrap();
        std::fs::write(dir.path().join("templates/x.html"), "{{ v }}").unwrap();
        let out = render(dir.path(), "x.html", &serde_json::json!({"v": "<b>"})).unwrap();
        assert_eq!(out, "&lt;b&gt;");
    }
}
