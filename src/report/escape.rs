//! Escaping of record text for where it is shown (issue 19, rows 6–8): one
//! function per target. HTML escaping is `report::diff::esc` (and
//! minijinja's for templates); Markdown prose is `render::md_inert`.
//!
//! - [`terminal`]: a table cell on a terminal. Control characters (C0, DEL,
//!   C1: ESC can move the cursor or rewrite lines) and the bidirectional
//!   overrides (which reorder what is shown) are written as Rust escapes,
//!   `\u{1b}`, so that they show instead of acting. [`terminal_lines`] is
//!   the same for whole lines of output, keeping their newlines.
//! - [`md_cell`]: a Markdown table cell: inert as [`md_inert`], `|` escaped
//!   (it would add a column), newlines made spaces (they would end the row),
//!   other control characters escaped as for the terminal.
//! - [`xml_text`]: text in XML 1.0, which may not hold control characters
//!   other than tab, newline and carriage return (nor U+FFFE, U+FFFF): each
//!   is replaced by U+FFFD, so that the document stays well-formed.

use crate::report::render::md_inert;
use std::borrow::Cow;

/// Whether a character acts on a terminal instead of showing.
fn acts(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn escaped(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(|c| acts(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if acts(c) && !keep(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text for one terminal table cell: every control character escaped.
pub fn terminal(s: &str) -> Cow<'_, str> {
    escaped(s, |_| false)
}

/// Lines of terminal output: control characters escaped, newlines kept.
pub fn terminal_lines(s: &str) -> Cow<'_, str> {
    escaped(s, |c| c == '\n')
}

/// Record text as one Markdown table cell.
pub fn md_cell(s: &str) -> String {
    let inert = md_inert(s);
    let mut out = String::with_capacity(inert.len() + 4);
    let mut chars = inert.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '|' => out.push_str("\\|"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push(' '),
            c if acts(c) => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
    }
    out
}

/// Whether XML 1.0 allows a character in text.
fn xml_char(c: char) -> bool {
    !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// Text that XML 1.0 can hold: disallowed characters replaced by U+FFFD.
/// (`<`, `&` and quotes are the XML writer's to escape.)
pub fn xml_text(s: &str) -> Cow<'_, str> {
    if s.chars().all(xml_char) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| if xml_char(c) { c } else { '\u{fffd}' })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_shows_control_characters() {
        assert_eq!(terminal("plain, ü"), "plain, ü");
        assert!(matches!(terminal("plain"), Cow::Borrowed(_)));
        assert_eq!(terminal("a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(
            terminal("x\ny\rz\t\u{7f}\u{9b}"),
            "x\\u{a}y\\u{d}z\\u{9}\\u{7f}\\u{9b}"
        );
        assert_eq!(terminal("\u{202e}evil"), "\\u{202e}evil");
        assert_eq!(
            terminal_lines("a\x1b]0;t\x07\nb\n"),
            "a\\u{1b}]0;t\\u{7}\nb\n"
        );
    }

    #[test]
    fn md_cells_keep_their_column() {
        assert_eq!(md_cell("A | B"), "A \\| B");
        assert_eq!(md_cell("one\r\ntwo\nthree"), "one two three");
        assert_eq!(md_cell("esc\x1b[31m"), "esc\\u{1b}[31m");
        assert_eq!(md_cell("<script>"), "&lt;script>");
        assert_eq!(md_cell("| 99% |"), "\\| 99% \\|");
    }

    #[test]
    fn xml_text_is_well_formed() {
        assert_eq!(xml_text("tab\tnl\ncr\r"), "tab\tnl\ncr\r");
        assert_eq!(
            xml_text("a\x1bb\x00c\u{ffff}"),
            "a\u{fffd}b\u{fffd}c\u{fffd}"
        );
        assert!(matches!(xml_text("fine <&>"), Cow::Borrowed(_)));
        let doc = format!("<a>{}</a>", xml_text("x\x01\x1by"));
        assert!(roxmltree::Document::parse(&doc).is_ok());
    }
}
