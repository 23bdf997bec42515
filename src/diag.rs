//! One `Diagnostic` type for every problem kzclaims reports, and the one place
//! that renders it (cargo-style, through annotate-snippets).

pub mod codes;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
pub use codes::Code;
use std::ops::Range;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The workspace cannot be loaded or scored as written; the command fails.
    Error,
    /// An analytic or import warning: the workspace loads, but something deserves a look.
    Warning,
}

/// A problem found in a workspace: where, which code, what, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning (as its code is registered).
    pub severity: Severity,
    /// Stable code from the registry ([`codes`]): `E0xx` for errors, `K1xx`
    /// for analytic warnings, `W0xx` for import warnings.
    pub code: Code,
    /// Path of the file, relative to the workspace root (empty: no file).
    pub file: String,
    /// Byte range into the file's text.
    pub span: Option<Range<usize>>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Label under the snippet.
    pub label: Option<String>,
    /// How to fix it, if there is advice to give.
    pub help: Option<String>,
    /// Other places the diagnostic concerns (LSP's related information), e.g.
    /// the source whose publication date sets a claim's effective date.
    pub related: Vec<Related>,
}

/// A place a diagnostic refers to besides its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// Path relative to the workspace root.
    pub file: String,
    /// Byte range into that file's text.
    pub span: Range<usize>,
    /// What the place has to do with the diagnostic.
    pub message: String,
}

impl Diagnostic {
    /// An error; `code` must be registered as one.
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        debug_assert_eq!(code.info().severity, Severity::Error, "{code}");
        Diagnostic {
            severity: Severity::Error,
            code,
            file: String::new(),
            span: None,
            message: message.into(),
            label: None,
            help: None,
            related: Vec::new(),
        }
    }
    /// A warning; `code` must be registered as one.
    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        debug_assert_eq!(code.info().severity, Severity::Warning, "{code}");
        Diagnostic {
            severity: Severity::Warning,
            code,
            file: String::new(),
            span: None,
            message: message.into(),
            label: None,
            help: None,
            related: Vec::new(),
        }
    }
    /// Point the diagnostic at bytes `span` of `file` (relative to the workspace root).
    pub fn at(mut self, file: impl Into<String>, span: Range<usize>) -> Self {
        self.file = file.into();
        self.span = Some(span);
        self
    }
    /// Name the file the diagnostic concerns, without pointing at bytes in it.
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = file.into();
        self
    }
    /// Set the label shown under the snippet.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
    /// Set the advice on how to fix it.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    /// Add a related place.
    pub fn related(
        mut self,
        file: impl Into<String>,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        self.related.push(Related {
            file: file.into(),
            span,
            message: message.into(),
        });
        self
    }
    /// Whether it is an error (rather than a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Line numbers found by a running count: each is counted from the last
/// place asked for in the same text (forwards or backwards), not from the
/// start of the file, so that placing a file's diagnostics in order costs
/// one pass over it, not one per diagnostic.
#[derive(Default)]
pub struct LineCounter {
    /// Per text: the last offset asked for and its line.
    last: std::cell::RefCell<Vec<LastPlace>>,
}

/// A text (its address and length), an offset in it, and that offset's line.
type LastPlace = ((usize, usize), usize, usize);

impl LineCounter {
    /// 1-based line of byte `offset` of `text`.
    pub fn line(&self, text: &str, offset: usize) -> usize {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let key = (text.as_ptr() as usize, text.len());
        let mut last = self.last.borrow_mut();
        let newlines = |a: usize, b: usize| {
            text.as_bytes()[a..b]
                .iter()
                .filter(|&&c| c == b'\n')
                .count()
        };
        let line = match last.iter_mut().find(|(k, ..)| *k == key) {
            Some((_, at, line)) => {
                let l = if offset >= *at {
                    *line + newlines(*at, offset)
                } else {
                    *line - newlines(offset, *at)
                };
                (*at, *line) = (offset, l);
                l
            }
            None => {
                let l = newlines(0, offset) + 1;
                last.push((key, offset, l));
                l
            }
        };
        line
    }

    /// 1-based line and column (in characters) of byte `offset`, as
    /// [`line_col`] gives them.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        (
            self.line(text, offset),
            text[line_start..offset].chars().count() + 1,
        )
    }
}

/// How many errors pointing into one file are shown in full (the rest are
/// counted): a file of garbage has an error on every line.
pub const ERRORS_SHOWN_PER_FILE: usize = 20;

/// Renders diagnostics; `source` looks up a file's text by its relative path.
pub struct DiagnosticRenderer<'a> {
    /// Whether to colour the output with ANSI escapes.
    pub color: bool,
    /// Looks up a file's text by its path relative to the workspace root.
    pub source: &'a dyn Fn(&str) -> Option<&'a str>,
    lines: LineCounter,
}

impl<'a> DiagnosticRenderer<'a> {
    /// A renderer, coloured or not, quoting files through `source`.
    pub fn new(color: bool, source: &'a dyn Fn(&str) -> Option<&'a str>) -> Self {
        DiagnosticRenderer {
            color,
            source,
            lines: LineCounter::default(),
        }
    }

    /// Render every diagnostic, each followed by a blank line, but no more
    /// than [`ERRORS_SHOWN_PER_FILE`] errors pointing into one file: the
    /// rest of that file's are counted in a last line ("… and N more errors
    /// in claims/x.toml"). Warnings and errors without a place are all shown.
    pub fn render_all(&self, diags: &[Diagnostic]) -> String {
        let mut out = String::new();
        let mut per_file: std::collections::HashMap<&str, usize> = Default::default();
        let mut hidden: Vec<(&str, usize)> = Vec::new();
        for d in diags {
            if d.is_error() && d.span.is_some() {
                let n = per_file.entry(d.file.as_str()).or_default();
                *n += 1;
                if *n > ERRORS_SHOWN_PER_FILE {
                    match hidden.iter_mut().find(|(f, _)| *f == d.file) {
                        Some((_, k)) => *k += 1,
                        None => hidden.push((&d.file, 1)),
                    }
                    continue;
                }
            }
            out.push_str(&self.render(d));
            out.push_str("\n\n");
        }
        for (file, n) in hidden {
            let more = format!(
                "… and {n} more error{} in {file}",
                if n == 1 { "" } else { "s" }
            );
            let help = format!(
                "the first {ERRORS_SHOWN_PER_FILE} errors of each file are shown; fix them and run kzclaims again"
            );
            // A count, not a diagnostic: no code, no place.
            out.push_str(&self.renderer().render(&[
                Group::with_title(Level::ERROR.primary_title(more.as_str())),
                Group::with_title(Level::HELP.secondary_title(help.as_str())),
            ]));
            out.push_str("\n\n");
        }
        out
    }

    fn renderer(&self) -> Renderer {
        if self.color {
            Renderer::styled()
        } else {
            Renderer::plain()
        }
    }

    /// The diagnostic as printed: code, message, location, snippet, related places, help.
    pub fn render(&self, d: &Diagnostic) -> String {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let text = if d.file.is_empty() {
            None
        } else {
            (self.source)(&d.file)
        };
        let title = level.primary_title(d.message.as_str()).id(d.code.as_str());
        let title_group = match (text, &d.span) {
            (Some(text), Some(span)) => {
                let start = floor_char_boundary(text, span.start.min(text.len()));
                let end = floor_char_boundary(text, span.end.min(text.len())).max(start);
                // Hand the renderer only the lines the span touches, so that a
                // diagnostic costs the lines it shows, not the whole file.
                let first = text[..start].rfind('\n').map_or(0, |i| i + 1);
                let last = text[end..].find('\n').map_or(text.len(), |i| end + i);
                let line = self.lines.line(text, first);
                let mut ann = AnnotationKind::Primary.span(start - first..end - first);
                if let Some(l) = &d.label {
                    ann = ann.label(l.as_str());
                }
                title.element(
                    Snippet::source(&text[first..last])
                        .line_start(line)
                        .path(d.file.as_str())
                        .fold(true)
                        .annotation(ann),
                )
            }
            _ if !d.file.is_empty() => {
                title.element(annotate_snippets::Origin::path(d.file.as_str()))
            }
            _ => Group::with_title(title),
        };
        let mut report: Vec<Group> = vec![title_group];
        // Related places as notes, with the line when the file is at hand.
        let notes: Vec<String> = d
            .related
            .iter()
            .map(|r| {
                let at = match (self.source)(&r.file) {
                    Some(t) if !t.is_empty() => {
                        let (l, c) = self.lines.line_col(t, r.span.start.min(t.len()));
                        format!("{}:{l}:{c}", r.file)
                    }
                    _ => r.file.clone(),
                };
                format!("{} ({at})", r.message)
            })
            .collect();
        for n in &notes {
            report.push(Group::with_title(Level::NOTE.secondary_title(n.as_str())));
        }
        if let Some(h) = &d.help {
            report.push(Group::with_title(Level::HELP.secondary_title(h.as_str())));
        }
        self.renderer().render(&report)
    }
}

/// Edit-distance suggestion: the closest candidate within a sensible distance.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(word, c);
        if score > 0.8 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let t = "a = 1\nbé = 2\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 6), (2, 1));
        // byte 9 is after "bé" (é is two bytes): column 3
        assert_eq!(line_col(t, 9), (2, 3));
    }

    #[test]
    fn suggestion_finds_typos() {
        assert_eq!(
            did_you_mean("credibilty", ["credibility", "relevance"]),
            Some("credibility")
        );
        assert_eq!(did_you_mean("zzz", ["credibility", "relevance"]), None);
    }

    #[test]
    fn renders_file_line_and_snippet() {
        let text = "[[claim]]\nid = \"x\"\ncredibility = 9\n";
        let src = |_: &str| Some(text);
        let r = DiagnosticRenderer::new(false, &src);
        let d = Diagnostic::error(Code::E010, "credibility must be 1-6")
            .at("claims/a.toml", 33..34)
            .label("found 9")
            .help("use the Admiralty scale");
        let out = r.render(&d);
        assert!(out.contains("claims/a.toml:3:15"), "{out}");
        assert!(out.contains("credibility = 9"), "{out}");
        assert!(out.contains("help: use the Admiralty scale"), "{out}");
    }
}
