//! Diagnostics for machines: the JSON shape of `check --format json` and
//! GitHub Actions workflow commands (`check --format github`), both computed
//! from the one `Diagnostic` type (docs/json.md, docs/checks.md).

use crate::diag::{Diagnostic, LineCounter, Severity};
use crate::model::SourceFile;
use serde::Serialize;

/// Bumped only when a field is renamed or removed.
pub(crate) const VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub(crate) struct DiagnosticJson {
    pub severity: &'static str,
    pub code: &'static str,
    /// Relative to the workspace root; empty when the problem has no file.
    pub file: String,
    /// 1-based; absent when the diagnostic points at no place in a file.
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub end_line: Option<usize>,
    pub end_column: Option<usize>,
    pub message: String,
    pub label: Option<String>,
    pub help: Option<String>,
    /// Other places the diagnostic concerns (e.g. K113: the source whose
    /// publication sets the date); absent when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<RelatedJson>,
}

/// A place a diagnostic refers to besides its own.
#[derive(Debug, Serialize)]
pub(crate) struct RelatedJson {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub silenced: usize,
}

#[derive(Debug, Serialize)]
pub(crate) struct CheckJson {
    pub version: u32,
    /// No error (and, with `--strict`, no warning left unsilenced).
    pub ok: bool,
    /// The date the warnings were evaluated at; absent when the workspace did
    /// not load.
    pub as_of: Option<String>,
    pub summary: Summary,
    pub diagnostics: Vec<DiagnosticJson>,
}

/// Line and column (1-based) of a diagnostic's span start and end (the
/// place just after its last character), when it has a span in a file at
/// hand.
pub(crate) fn place(d: &Diagnostic, files: &[SourceFile]) -> [Option<usize>; 4] {
    place_with(d, files, &LineCounter::default(), false)
}

/// [`place`] with lines counted on from the previous diagnostic's; with
/// `inclusive`, the end is the span's last character (GitHub's `endColumn`)
/// instead of the place after it.
fn place_with(
    d: &Diagnostic,
    files: &[SourceFile],
    lines: &LineCounter,
    inclusive: bool,
) -> [Option<usize>; 4] {
    let text = files
        .iter()
        .find(|f| f.rel == d.file)
        .map(|f| f.text.as_str());
    match (text, &d.span) {
        (Some(t), Some(s)) => {
            let (l, c) = lines.line_col(t, s.start);
            let end = if inclusive && s.end > s.start {
                // The last character's start.
                let mut i = s.end.min(t.len()).saturating_sub(1).max(s.start);
                while i > s.start && !t.is_char_boundary(i) {
                    i -= 1;
                }
                i
            } else {
                s.end
            };
            let (el, ec) = lines.line_col(t, end);
            [Some(l), Some(c), Some(el), Some(ec)]
        }
        _ => [None; 4],
    }
}

fn to_json_counted(d: &Diagnostic, files: &[SourceFile], lines: &LineCounter) -> DiagnosticJson {
    let [line, column, end_line, end_column] = place_with(d, files, lines, false);
    DiagnosticJson {
        severity: match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        },
        code: d.code.as_str(),
        file: d.file.clone(),
        line,
        column,
        end_line,
        end_column,
        message: d.message.clone(),
        label: d.label.clone(),
        help: d.help.clone(),
        related: d
            .related
            .iter()
            .map(|r| {
                let at = files
                    .iter()
                    .find(|f| f.rel == r.file && !f.text.is_empty())
                    .map(|f| lines.line_col(&f.text, r.span.start));
                RelatedJson {
                    file: r.file.clone(),
                    line: at.map(|x| x.0),
                    column: at.map(|x| x.1),
                    message: r.message.clone(),
                }
            })
            .collect(),
    }
}

pub(crate) fn to_json(
    diags: &[Diagnostic],
    files: &[SourceFile],
    as_of: Option<String>,
    silenced: usize,
    ok: bool,
) -> CheckJson {
    CheckJson {
        version: VERSION,
        ok,
        as_of,
        summary: Summary {
            errors: diags.iter().filter(|d| d.is_error()).count(),
            warnings: diags.iter().filter(|d| !d.is_error()).count(),
            silenced,
        },
        diagnostics: {
            let lines = LineCounter::default();
            diags
                .iter()
                .map(|d| to_json_counted(d, files, &lines))
                .collect()
        },
    }
}

/// GitHub's escaping for a workflow command's message.
pub(crate) fn esc_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// … and for a property value, where `:` and `,` separate too.
pub(crate) fn esc_prop(s: &str) -> String {
    esc_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One line per diagnostic: `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=E002::message`.
pub(crate) fn to_github(diags: &[Diagnostic], files: &[SourceFile]) -> String {
    let mut out = String::new();
    let lines = LineCounter::default();
    for d in diags {
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = Vec::new();
        if !d.file.is_empty() {
            props.push(format!("file={}", esc_prop(&d.file)));
        }
        // GitHub's end is the last character annotated (inclusive).
        if let [Some(l), Some(c), Some(el), Some(ec)] = place_with(d, files, &lines, true) {
            props.push(format!("line={l},col={c},endLine={el},endColumn={ec}"));
        }
        props.push(format!("title={}", esc_prop(d.code.as_str())));
        let mut msg = d.message.clone();
        if let Some(h) = &d.help {
            msg.push_str("\nhelp: ");
            msg.push_str(h);
        }
        out.push_str(&format!(
            "::{kind} {}::{}\n",
            props.join(","),
            esc_data(&msg)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;

    #[test]
    fn github_lines_escape_what_github_reads() {
        let files = vec![SourceFile {
            rel: "claims/a,b.toml".into(),
            text: "x = 1\ny = \"bad\"\n".into(),
        }];
        let d = Diagnostic::error(Code::E003, "100% wrong:\nsee")
            .at("claims/a,b.toml", 10..15)
            .help("fix it");
        assert_eq!(
            to_github(&[d], &files),
            "::error file=claims/a%2Cb.toml,line=2,col=5,endLine=2,endColumn=9,title=E003::100%25 wrong:%0Asee%0Ahelp: fix it\n"
        );
    }

    #[test]
    fn github_end_is_the_last_character() {
        // Issue 19, row 23: `"bad"` is columns 5 to 9; GitHub's endColumn
        // is inclusive, so 9 (not 10, one past the end). A span ending with
        // its line's newline ends on that line; an empty span is one place.
        let files = vec![SourceFile {
            rel: "c.toml".into(),
            text: "x = 1\ny = \"bad\"\nzé\n".into(),
        }];
        let at = |span: std::ops::Range<usize>| {
            to_github(
                &[Diagnostic::error(Code::E003, "m").at("c.toml", span)],
                &files,
            )
        };
        assert!(
            at(10..15).contains("line=2,col=5,endLine=2,endColumn=9,"),
            "{}",
            at(10..15)
        );
        assert!(
            at(10..16).contains("line=2,col=5,endLine=2,endColumn=10,"),
            "{}",
            at(10..16)
        );
        assert!(
            at(16..19).contains("line=3,col=1,endLine=3,endColumn=2,"),
            "{}",
            at(16..19)
        );
        assert!(
            at(16..16).contains("line=3,col=1,endLine=3,endColumn=1,"),
            "{}",
            at(16..16)
        );
    }

    #[test]
    fn running_line_count_agrees_with_counting_from_the_start() {
        let text = "a\nbb\n\nccc\nd";
        let lines = LineCounter::default();
        for &o in &[7usize, 2, 0, 11, 4, 4, 12, 1] {
            assert_eq!(
                lines.line_col(text, o),
                crate::diag::line_col(text, o),
                "offset {o}"
            );
        }
    }

    #[test]
    fn json_has_start_and_end() {
        let files = vec![SourceFile {
            rel: "k.toml".into(),
            text: "a\nbcd\n".into(),
        }];
        let d = Diagnostic::warning(Code::K101, "m").at("k.toml", 2..5);
        let j = to_json(&[d], &files, Some("2024-01-01".into()), 2, true);
        let v = serde_json::to_value(&j).unwrap();
        assert_eq!(v["diagnostics"][0]["line"], 2);
        assert_eq!(v["diagnostics"][0]["column"], 1);
        assert_eq!(v["diagnostics"][0]["end_line"], 2);
        assert_eq!(v["diagnostics"][0]["end_column"], 4);
        assert_eq!(v["summary"]["warnings"], 1);
        assert_eq!(v["summary"]["silenced"], 2);
        assert_eq!(v["version"], 1);
    }
}
