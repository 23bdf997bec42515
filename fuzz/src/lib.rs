//! Helpers shared by the fuzz targets: a small valid workspace to put fuzzed
//! files beside, the span property every diagnostic must keep, and the HTML
//! safety check for rendered memos.

use kzclaims::diag::DiagnosticRenderer;
use kzclaims::load::{self, LoadError};
use kzclaims::model::{SourceFile, Workspace};

pub const CONFIG: &str = "title = \"t\"\nquestion = \"q\"\nas_of = 2022-01-10\n";
pub const SCENARIOS: &str = "[[scenario]]\nid = \"a\"\ntitle = \"A\"\nsummary = \"s\"\n\n[[scenario]]\nid = \"b\"\ntitle = \"B\"\nsummary = \"s\"\n\n[[scenario]]\nid = \"c\"\ntitle = \"C\"\nsummary = \"s\"\n";
pub const CLAIMS: &str = "[[source]]\nid = \"s1\"\nname = \"S\"\nkind = \"media\"\nreliability = \"B\"\n\n[[claim]]\nid = \"c1\"\ndate = 2022-01-05\nstatement = \"x\"\nsources = [\"s1\"]\ncredibility = 2\nratings = { a = \"C\", b = \"I\", c = \"N\" }\n";

/// Load the files given as (relative path, bytes); on failure, check that
/// every diagnostic names a file it was given, that its span lies inside that
/// file's text on character boundaries, and that it renders.
pub fn load_checked(files: Vec<(String, Vec<u8>)>) -> Option<Workspace> {
    match load::from_bytes(files) {
        Ok(ws) => Some(ws),
        Err(LoadError::Io(_)) => None,
        Err(LoadError::Invalid { diagnostics, files }) => {
            assert!(!diagnostics.is_empty(), "invalid without a diagnostic");
            check_spans(&diagnostics, &files);
            None
        }
    }
}

pub fn check_spans(diagnostics: &[kzclaims::diag::Diagnostic], files: &[SourceFile]) {
    let lookup = |rel: &str| files.iter().find(|f| f.rel == rel).map(|f| f.text.as_str());
    let renderer = DiagnosticRenderer::new(false, &lookup);
    for d in diagnostics {
        if let Some(span) = &d.span {
            let text = lookup(&d.file).unwrap_or_else(|| {
                panic!("{} has a span in `{}`, not a given file", d.code, d.file)
            });
            assert!(
                span.start <= span.end && span.end <= text.len(),
                "{} span {span:?} outside a text of {} bytes",
                d.code,
                text.len()
            );
            assert!(
                text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
                "{} span {span:?} splits a character",
                d.code
            );
        }
        let out = renderer.render(d);
        assert!(out.contains(d.code.as_str()), "rendered without its code");
    }
}

/// A TOML basic string holding `s` exactly.
pub fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The rendered HTML must hold no script but the page's own, no event
/// handler attribute, and no link whose scheme is not http, https or mailto
/// (fragments and relative links aside). Only tags are read: text between
/// them is escaped, so it cannot open one.
pub fn assert_html_inert(html: &str, own_scripts: usize) {
    let lower = html.to_ascii_lowercase();
    let mut scripts = 0;
    let mut rest = lower.as_str();
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if name == "script" {
            scripts += 1;
        }
        for attr in attributes(tag) {
            let (k, v) = attr;
            assert!(
                !k.starts_with("on"),
                "an event handler attribute `{k}` in <{tag}>"
            );
            if matches!(k, "href" | "src" | "action" | "formaction" | "xlink:href") {
                // As a browser reads it: entities decoded, tabs and line
                // breaks dropped, leading spaces and controls ignored.
                let v = decode_entities(v)
                    .replace(['\t', '\n', '\r'], "")
                    .to_ascii_lowercase();
                let v = v.trim_start_matches(|c: char| c <= ' ');
                let scheme_end = v.find(':');
                let path_start = v.find(['/', '?', '#']);
                let relative = match (scheme_end, path_start) {
                    (None, _) => true,
                    (Some(c), Some(p)) => p < c,
                    (Some(_), None) => false,
                };
                assert!(
                    relative
                        || v.starts_with("http://")
                        || v.starts_with("https://")
                        || v.starts_with("mailto:"),
                    "a link that is not http, https or mailto: <{tag}>"
                );
            }
        }
        rest = &rest[end..];
    }
    assert!(
        scripts <= own_scripts,
        "{scripts} <script> elements, the page has {own_scripts} of its own"
    );
}

/// HTML character references in an attribute value, decoded (numeric ones
/// and the named ones that matter for a URL scheme).
fn decode_entities(v: &str) -> String {
    let mut out = String::new();
    let mut rest = v;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e <= 12);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
            } else if let Some(dec) = name.strip_prefix('#') {
                dec.parse().ok().and_then(char::from_u32)
            } else {
                match name {
                    "amp" => Some('&'),
                    "colon" => Some(':'),
                    "sol" => Some('/'),
                    "tab" | "Tab" => Some('\t'),
                    "newline" | "NewLine" => Some('\n'),
                    "quot" => Some('"'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    _ => None,
                }
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `key="value"` pairs of a tag (lower case), enough for the check above.
fn attributes(tag: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = tag;
    while let Some(eq) = rest.find('=') {
        let key = rest[..eq]
            .rsplit(|c: char| c.is_whitespace())
            .next()
            .unwrap_or("");
        let after = &rest[eq + 1..];
        let (value, next) = match after.chars().next() {
            Some(qc @ ('"' | '\'')) => {
                let body = &after[1..];
                let close = body.find(qc).unwrap_or(body.len());
                (&body[..close], &body[(close + 1).min(body.len())..])
            }
            _ => {
                let close = after.find(char::is_whitespace).unwrap_or(after.len());
                (&after[..close], &after[close..])
            }
        };
        out.push((key, value));
        rest = next;
    }
    out
}

/// A Markdown memo must not carry raw HTML, nor a link or autolink to
/// anything but http, https or mailto: every `<` before a letter, `/`, `!` or
/// `?` opens one of the template's own autolinks, and no unescaped `](` or
/// `]:` is followed by another scheme.
pub fn assert_markdown_inert(md: &str) {
    let lower = md.to_ascii_lowercase();
    let b = lower.as_bytes();
    for (i, w) in b.windows(2).enumerate() {
        if w[0] == b'<' && (w[1].is_ascii_alphabetic() || matches!(w[1], b'/' | b'!' | b'?')) {
            let rest = &lower[i + 1..];
            assert!(
                rest.starts_with("http://")
                    || rest.starts_with("https://")
                    || rest.starts_with("mailto:"),
                "raw markup in the Markdown memo: {}",
                &md[i..(i + 60).min(md.len())]
            );
        }
        // A `]` after an odd run of backslashes is escaped: it closes nothing.
        let escaped = b[..i].iter().rev().take_while(|&&c| c == b'\\').count() % 2 == 1;
        if w[0] == b']' && matches!(w[1], b'(' | b':') && !escaped {
            let rest = lower[i + 2..].trim_start();
            assert!(
                rest.starts_with("http://")
                    || rest.starts_with("https://")
                    || rest.starts_with("mailto:")
                    || rest.starts_with('#'),
                "a live link in the Markdown memo: {}",
                &md[i..(i + 60).min(md.len())]
            );
        }
    }
}
