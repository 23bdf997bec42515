//! Escaping of record text for where it is shown (issue 19, rows 6–8): one
//! function per target. A leaf module: it imports nothing else from
//! `report`. (Templates are escaped by minijinja.)
//!
//! - [`html`]: text or an attribute value in HTML (and XML): `&`, `<`, `>`,
//!   `"` and `'` as entities; [`svg`] is the same after [`xml_text`].
//! - [`neutralise_cell`]: a CSV cell a spreadsheet would run as a formula
//!   gets a leading apostrophe ([`restore_cell`] takes it off on reading).
//! - [`md_inert`]: Markdown prose in which no tag, link or link definition
//!   can form.
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
pub(crate) fn terminal(s: &str) -> Cow<'_, str> {
    escaped(s, |_| false)
}

/// Lines of terminal output: control characters escaped, newlines kept.
pub(crate) fn terminal_lines(s: &str) -> Cow<'_, str> {
    escaped(s, |c| c == '\n')
}

/// Record text as one Markdown table cell.
pub(crate) fn md_cell(s: &str) -> String {
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
pub(crate) fn xml_text(s: &str) -> Cow<'_, str> {
    if s.chars().all(xml_char) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| if xml_char(c) { c } else { '\u{fffd}' })
            .collect(),
    )
}

/// Text or an attribute value in HTML (or XML): `&`, `<`, `>`, `"` and `'`
/// as entities.
pub(crate) fn html(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

/// Text in an SVG (XML) document: [`xml_text`], then [`html`].
pub(crate) fn svg(s: &str) -> String {
    html(&xml_text(s))
}

/// Text printed into Markdown made inert: a `<` that could open an HTML tag,
/// comment or autolink becomes `&lt;` (a `<` before a digit or a space, as in
/// `<1%`, stays), and `](` and `]:` get a backslash so that no inline link or
/// link definition can form. A value ending in `]` or `<` is escaped at its
/// end too, since the template's own text follows it (`{{ name }}: …` with a
/// name `[x]` would make `[x]: …`). What a reader sees is unchanged once
/// rendered.
pub(crate) fn md_inert(s: &str) -> std::borrow::Cow<'_, str> {
    let b = s.as_bytes();
    let needs = b.windows(2).any(|w| {
        (w[0] == b'<' && (w[1].is_ascii_alphabetic() || matches!(w[1], b'/' | b'!' | b'?')))
            || (w[0] == b']' && matches!(w[1], b'(' | b':'))
    }) || matches!(b.last(), Some(b']' | b'<'));
    if !needs {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    // Backslashes just before the current character: an odd run escapes it.
    let mut run = 0;
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let escaped = run % 2 == 1;
        run = if c == '\\' { run + 1 } else { 0 };
        match (c, next) {
            ('<', Some(n)) if n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?') => {
                out.push_str("&lt;")
            }
            ('<', None) => out.push_str("&lt;"),
            (']', Some('(' | ':')) => out.push_str("]\\"),
            (']', None) if !escaped => out.push_str("\\]"),
            _ => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Whether a spreadsheet would read a cell starting with this character as
/// a formula (or, for tab and CR, strip it and then read the rest).
fn starts_formula(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// A cell as written to a CSV file: one that a spreadsheet would run as a
/// formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return)
/// gets a leading apostrophe, which spreadsheets show as text. A cell that
/// already starts with apostrophes before such a character gets one more, so
/// that [`restore_cell`] gives back exactly what was written
/// (docs/interop.md, "Formulas in CSV cells"). Used by every CSV the program
/// writes (`export`, `timeline`).
pub(crate) fn neutralise_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.trim_start_matches('\'').chars().next() {
        Some(c) if starts_formula(c) => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// The cell [`neutralise_cell`] was given: one leading apostrophe taken off
/// a cell whose apostrophes are followed by a formula character.
pub(crate) fn restore_cell(cell: &str) -> &str {
    match cell.trim_start_matches('\'').chars().next() {
        Some(c) if starts_formula(c) && cell.starts_with('\'') => &cell[1..],
        _ => cell,
    }
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

    #[test]
    fn html_escapes_the_five_characters() {
        assert_eq!(html("plain ü"), "plain ü");
        assert_eq!(
            html(r#"<a href="x">Tom & Jerry's</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
        assert_eq!(html("&amp;"), "&amp;amp;");
        assert_eq!(svg("a\x1b<b>'"), "a\u{fffd}&lt;b&gt;&#39;");
    }
}
