//! Renders a memo context through a minijinja template: the workspace's
//! `templates/NAME` if present, else the built-in of that name.

use crate::diag::{Code, Diagnostic};
use crate::report::escape::md_inert;
use serde::Serialize;
use std::path::Path;

/// Built-in templates, embedded in the binary (also the bundled workspace's
/// `templates/`, which `init` copies).
pub const BUILTIN: &[(&str, &str)] = &[
    ("memo.md", include_str!("../../../templates/memo.md")),
    ("memo.html", include_str!("../../../templates/memo.html")),
];

/// Output format of a memo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MemoFormat {
    /// Markdown (`memo.md`).
    Md,
    /// HTML (`memo.html`).
    Html,
}

impl MemoFormat {
    /// The file extension of the format, without the dot.
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
    /// What went wrong, pointing into the template when it can.
    pub diagnostic: Diagnostic,
    /// (display path, text) of the template, when known.
    pub source: Option<(String, String)>,
}

/// Where a template comes from: `templates/NAME` in the workspace, or built
/// in. A name that would leave `templates/` (`..`, an absolute path, a
/// backslash) and a file that resolves outside the workspace (a symbolic link
/// pointing elsewhere) are refused: a workspace cloned from someone else must
/// not be able to read the user's files into a memo.
use crate::load::files::Refused;

fn lookup(root: &Path, name: &str) -> Result<Option<(String, String)>, String> {
    let bad_name = name.is_empty()
        || name.starts_with('/')
        || name.contains('\\')
        || name.contains('\0')
        || name
            .split('/')
            .any(|part| part == ".." || part == "." || part.is_empty());
    if bad_name {
        return Err(format!(
            "template name `{name}` leaves templates/: only names of files inside the workspace's templates/ folder (or built-in ones) are allowed"
        ));
    }
    let rel = format!("templates/{name}");
    let real_root = root
        .canonicalize()
        .map_err(|e| format!("cannot resolve the workspace folder: {e}"))?;
    // The loader's rule (load::files): inside the workspace, a regular file,
    // within the size limit.
    let bytes = match crate::load::files::read_inside(&real_root, root, &rel) {
        Ok(bytes) => bytes,
        Err(Refused::Missing) => {
            return Ok(BUILTIN
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(n, t)| (format!("<built-in {n}>"), t.to_string())));
        }
        Err(Refused::Outside(real)) => {
            return Err(match std::fs::read_link(root.join(&rel)) {
                Ok(t) => format!(
                    "template {rel} is a link that leads outside the workspace (→ {}); kzclaims does not read it",
                    t.display()
                ),
                Err(_) => format!(
                    "template {rel} resolves outside the workspace, to {} (through a linked folder); kzclaims does not read it",
                    real.display()
                ),
            });
        }
        Err(Refused::Broken) => {
            return Err(format!(
                "cannot read template {rel}: a broken or looping link"
            ))
        }
        Err(Refused::Io(e)) => return Err(format!("cannot read template {rel}: {e}")),
        Err(r) => return Err(format!("template {}", r.describe(&rel))),
    };
    String::from_utf8(bytes)
        .map(|text| Some((rel.clone(), text)))
        .map_err(|_| format!("cannot read template {rel}: it is not valid UTF-8"))
}

/// The `safe_url` filter: the URL when it may become a link (http, https,
/// mailto), else the empty string, so a template prints it as inert text.
pub fn safe_url(url: &str) -> String {
    if crate::model::is_safe_url(url) {
        url.to_string()
    } else {
        String::new()
    }
}

/// The `cell` filter: a value for a Markdown table cell, escaped with
/// [`crate::report::escape::md_cell`] (a `|` or a newline would break the
/// row). In other formats the value is left to their own escaping.
fn cell(state: &minijinja::State, v: minijinja::Value) -> minijinja::Value {
    if matches!(state.auto_escape(), minijinja::AutoEscape::Custom(_)) {
        minijinja::Value::from_safe_string(crate::report::escape::md_cell(&v.to_string()))
    } else {
        v
    }
}

/// How a template's output is escaped: HTML for `.html` (and `.htm`, `.xml`),
/// [`md_inert`] for `.md`, nothing otherwise.
fn auto_escape(name: &str) -> minijinja::AutoEscape {
    if name.ends_with(".md") || name.ends_with(".markdown") {
        minijinja::AutoEscape::Custom("markdown".into())
    } else {
        minijinja::default_auto_escape_callback(name)
    }
}

fn formatter(
    out: &mut minijinja::Output,
    state: &mut minijinja::State,
    value: &minijinja::Value,
) -> Result<(), minijinja::Error> {
    if matches!(state.auto_escape(), minijinja::AutoEscape::Custom(_)) {
        if value.is_safe() {
            return write!(out, "{value}").map_err(minijinja::Error::from);
        }
        let text = value.to_string();
        return out
            .write_str(&md_inert(&text))
            .map_err(minijinja::Error::from);
    }
    minijinja::escape_formatter(out, state, value)
}

/// Whether a template of this name exists (in the workspace or built in).
pub fn exists(root: &Path, name: &str) -> bool {
    matches!(lookup(root, name), Ok(Some(_)))
}

/// Whether `name` is a built-in template the workspace does not replace
/// with a file of its own under templates/.
pub(crate) fn is_builtin(root: &Path, name: &str) -> bool {
    matches!(lookup(root, name), Ok(Some((n, _))) if n.starts_with("<built-in "))
}

/// Render `name` (a file name such as `memo.md`) with `ctx`.
pub fn render<T: Serialize + Scale>(
    root: &Path,
    name: &str,
    ctx: &T,
) -> Result<String, Box<TemplateError>> {
    let io_err = |e: String| {
        Box::new(TemplateError {
            diagnostic: Diagnostic::error(Code::E020, e).help(
                "templates come only from the workspace's templates/ folder and the built-ins (docs/templates.md)",
            ),
            source: None,
        })
    };
    let Some((display, text)) = lookup(root, name).map_err(io_err)? else {
        let builtins: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
        return Err(Box::new(TemplateError {
            diagnostic: Diagnostic::error(Code::E020, format!("no template named `{name}`")).help(
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
    let budget = Budget::for_claims(ctx.claims());
    env.set_fuel(Some(budget.fuel));
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .expect("default delimiters are valid"),
    );
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.set_recursion_limit(64);
    env.add_filter("safe_url", |u: String| safe_url(&u));
    env.add_filter("cell", cell);
    env.set_auto_escape_callback(auto_escape);
    env.set_formatter(formatter);
    let root_owned = root.to_path_buf();
    env.set_loader(move |n| {
        lookup(&root_owned, n)
            .map(|o| o.map(|(_, t)| t))
            .map_err(|e| minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, e))
    });
    // The name keeps its extension so .html templates are autoescaped.
    let mut out = Capped {
        text: String::new(),
        cap: budget.output,
        over: false,
    };
    let result = env
        .template_from_named_str(name, &text)
        .and_then(|t| t.render_captured_to(minijinja::value::Serde(ctx), &mut out));
    if out.over {
        return Err(Box::new(TemplateError {
            diagnostic: Diagnostic::error(
                Code::E020,
                format!(
                    "template {display}: its output passed {} MiB, the most a memo of this record may take; stopped (a loop that never ends?)",
                    budget.output >> 20
                ),
            ),
            source: None,
        }));
    }
    result.map_err(|e| Box::new(template_error(&display, &text, &e)))?;
    Ok(out.text)
}

/// What a template may spend, scaled by the record it renders: fuel (one
/// per instruction, and one per 64 bytes of data made, which bounds the
/// memory a template can fill: a string doubled in a loop stops there) and
/// bytes of output. A memo takes far less: the HTML memo of 10,000 claims,
/// 2.8 M fuel and 10.6 MB, against 12 M and 48 MiB here (docs/templates.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Instructions (and data made, one per 64 bytes) a template may spend.
    pub fuel: u64,
    /// Bytes of output a template may write.
    pub output: usize,
}

impl Budget {
    /// The most any template may spend, whatever the record: 500 M fuel
    /// (so at most 32 GB of data made, 64 bytes a fuel) and 2 GiB of output.
    /// The HTML memo of a million claims, extrapolated from 10,000 (2.8 M
    /// fuel, 10.6 MB), takes about 280 M fuel and 1.1 GB.
    pub const MAX: Budget = Budget {
        fuel: 500_000_000,
        output: 2 << 30,
    };

    /// 2 M fuel and 8 MiB, plus 1,000 fuel and 4 KiB per claim, up to
    /// [`Budget::MAX`].
    pub fn for_claims(claims: usize) -> Budget {
        Budget {
            fuel: (1_000u64.saturating_mul(claims as u64))
                .saturating_add(2_000_000)
                .min(Budget::MAX.fuel),
            output: (4usize << 10)
                .saturating_mul(claims)
                .saturating_add(8 << 20)
                .min(Budget::MAX.output),
        }
    }
}

/// A template context that says how large a record it carries.
pub trait Scale {
    /// The claims behind it (in force and retracted).
    fn claims(&self) -> usize;
}

impl Scale for crate::report::memo::context::MemoContext {
    fn claims(&self) -> usize {
        self.claims_in_force + self.claims_retracted
    }
}

impl Scale for serde_json::Value {
    fn claims(&self) -> usize {
        0
    }
}

/// The rendered text, refusing to grow past its cap.
struct Capped {
    text: String,
    cap: usize,
    over: bool,
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.text.len() + buf.len() > self.cap {
            self.over = true;
            return Err(std::io::Error::other("output too large"));
        }
        // minijinja writes whole UTF-8 strings.
        let s = std::str::from_utf8(buf).map_err(std::io::Error::other)?;
        self.text.push_str(s);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
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
    let mut d = Diagnostic::error(Code::E020, msg);
    if matches!(e.kind(), minijinja::ErrorKind::OutOfFuel) {
        d = d.help("the template ran too long (a loop that never ends?): kzclaims stops a template after a fixed amount of work");
    } else if e.to_string().contains("recursion") {
        d = d.help("the template includes or calls itself too deeply (at most 64 levels)");
    }
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
    fn a_budget_grows_with_the_record_up_to_a_fixed_most() {
        assert_eq!(
            Budget::for_claims(10_000),
            Budget {
                fuel: 12_000_000,
                output: (8 << 20) + 10_000 * 4096
            }
        );
        let max = Budget::MAX;
        assert_eq!(Budget::for_claims(498_000).fuel, max.fuel);
        for claims in [1_000_000, 100_000_000, usize::MAX] {
            assert_eq!(Budget::for_claims(claims), max, "{claims}");
        }
    }

    /// A string doubled in a loop stops at the budget (fuel counts the
    /// bytes made), in a small record, before it holds much memory.
    #[test]
    fn a_template_growing_a_string_in_a_loop_is_stopped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("templates")).unwrap();
        std::fs::write(
            dir.path().join("templates/grow.md"),
            "{% set ns = namespace(s=\"x\") %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}",
        )
        .unwrap();
        let e = render(dir.path(), "grow.md", &serde_json::json!({})).unwrap_err();
        assert_eq!(e.diagnostic.code, Code::E020);
        assert_eq!(e.diagnostic.file, "templates/grow.md", "{:?}", e.diagnostic);
        assert!(e.diagnostic.help.unwrap().contains("ran too long"));
    }

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

    #[test]
    fn safe_url_filter_keeps_only_web_and_mail_links() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("templates")).unwrap();
        std::fs::write(
            dir.path().join("templates/l.html"),
            "{% for u in urls %}[{{ u | safe_url }}]{% endfor %}",
        )
        .unwrap();
        let urls = [
            "https://a.example/x?y=1&z=2",
            "HTTP://b.example",
            "mailto:desk@example.org",
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "data:text/html,x",
            "vbscript:x",
            "https://",
            "",
        ];
        let out = render(dir.path(), "l.html", &serde_json::json!({ "urls": urls })).unwrap();
        assert_eq!(
            out,
            // Autoescaped for HTML ('/' as &#x2f;, which browsers read back).
            "[https:&#x2f;&#x2f;a.example&#x2f;x?y=1&amp;z=2][HTTP:&#x2f;&#x2f;b.example][mailto:desk@example.org][][][][][][][]"
        );
    }

    #[test]
    fn markdown_output_is_inert() {
        assert_eq!(md_inert("under <1% and a < b"), "under <1% and a < b");
        assert!(matches!(
            md_inert("plain [sic] text"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(
            md_inert("<script>x</script> <javascript:y> <!-- c --> [a](javascript:z) [r]: data:q"),
            "&lt;script>x&lt;/script> &lt;javascript:y> &lt;!-- c --> [a]\\(javascript:z) [r]\\: data:q"
        );
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir(t.path().join("templates")).unwrap();
        std::fs::write(
            t.path().join("templates/t.md"),
            "{{ s }}|{{ s | safe }}|{{ n }}|{{ 3 }}",
        )
        .unwrap();
        let out = render(
            t.path(),
            "t.md",
            &serde_json::json!({ "s": "<b>[x](javascript:1)", "n": null }),
        )
        .unwrap();
        assert_eq!(out, "&lt;b>[x]\\(javascript:1)|<b>[x](javascript:1)|None|3");
        // A value's last character meets the template's text (found by the
        // memo fuzzer: a source named `[x]` before `: reliability …`).
        std::fs::write(t.path().join("templates/e.md"), "{{ a }}: tail {{ b }}b").unwrap();
        let out = render(
            t.path(),
            "e.md",
            &serde_json::json!({ "a": "[x]", "b": "a <" }),
        )
        .unwrap();
        assert_eq!(out, "[x\\]: tail a &lt;b");
        // Already escaped by the writer: left alone; an escaped backslash
        // before it: escaped.
        assert_eq!(md_inert("[x\\]"), "[x\\]");
        assert_eq!(md_inert("[x\\\\]"), "[x\\\\\\]");
        assert!(matches!(md_inert("[x] y"), std::borrow::Cow::Borrowed(_)));
    }
}
