//! One `Diagnostic` type for every problem kzclaims reports, and the one place
//! that renders it (cargo-style, through annotate-snippets).

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// A problem found in a workspace: where, which code, what, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable code: `E0xx` for errors, `K1xx` for analytic warnings.
    pub code: &'static str,
    /// Path of the file, relative to the workspace root (empty: no file).
    pub file: String,
    /// Byte range into the file's text.
    pub span: Option<Range<usize>>,
    pub message: String,
    /// Label under the snippet.
    pub label: Option<String>,
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
    pub span: Range<usize>,
    pub message: String,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
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
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }
    pub fn at(mut self, file: impl Into<String>, span: Range<usize>) -> Self {
        self.file = file.into();
        self.span = Some(span);
        self
    }
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = file.into();
        self
    }
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
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

/// Renders diagnostics; `source` looks up a file's text by its relative path.
pub struct DiagnosticRenderer<'a> {
    pub color: bool,
    pub source: &'a dyn Fn(&str) -> Option<&'a str>,
}

impl DiagnosticRenderer<'_> {
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
        let title = level.primary_title(d.message.as_str()).id(d.code);
        let title_group = match (text, &d.span) {
            (Some(text), Some(span)) => {
                let start = floor_char_boundary(text, span.start.min(text.len()));
                let end = floor_char_boundary(text, span.end.min(text.len())).max(start);
                // Hand the renderer only the lines the span touches, so that a
                // diagnostic costs the lines it shows, not the whole file.
                let first = text[..start].rfind('\n').map_or(0, |i| i + 1);
                let last = text[end..].find('\n').map_or(text.len(), |i| end + i);
                let line = text.as_bytes()[..first]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1;
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
                        let (l, c) = line_col(t, r.span.start.min(t.len()));
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
        let renderer = if self.color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.render(&report)
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
        let r = DiagnosticRenderer {
            color: false,
            source: &src,
        };
        let d = Diagnostic::error("E010", "credibility must be 1-6")
            .at("claims/a.toml", 33..34)
            .label("found 9")
            .help("use the Admiralty scale");
        let out = r.render(&d);
        assert!(out.contains("claims/a.toml:3:15"), "{out}");
        assert!(out.contains("credibility = 9"), "{out}");
        assert!(out.contains("help: use the Admiralty scale"), "{out}");
    }
}
