//! Parsing: each workspace file into raw records that keep the byte spans the
//! cross-file checks in [`super::from_files`] need. This file holds the raw
//! record types, the key lists ([`super::fmt`] and [`super::schema`] share
//! them), the reads common to every file (ids, urls, `silence`) and the TOML
//! syntax errors ([`parse_file`]); one file each parses `kzclaims.toml`
//! (`config`), a scenarios file (`scenarios`) and a claims file (`claims`).

use super::toml_walk::{number, tables_in, FileCx, Span, Tbl};
use super::*;
use toml::de::{DeTable, DeValue};

mod claims;
mod config;
mod scenarios;
pub(super) use claims::parse_claims;
pub(super) use config::parse_config;
pub(super) use scenarios::parse_scenarios;

#[derive(Clone)]
pub(super) struct RawScenario {
    pub(super) s: Scenario,
    pub(super) id_span: Span,
    pub(super) prior_span: Option<Span>,
    pub(super) indicator_ids: Vec<(String, Span)>,
    /// Scenario ids named in indicators' ratings (key spans).
    pub(super) rating_refs: Vec<(String, Span)>,
    /// (indicator id, header span, whether it has a ratings table, its rating keys).
    pub(super) indicator_ratings: Vec<(String, Span, Vec<String>)>,
    /// Claim ids cited by observations.
    pub(super) claim_refs: Vec<(String, Span)>,
}

#[derive(Clone)]
pub(super) struct RawSource {
    pub(super) s: Source,
    pub(super) id_span: Span,
    pub(super) interest_span: Option<Span>,
}

#[derive(Clone)]
pub(super) struct RawConfig {
    pub(super) cfg: Config,
    pub(super) resolution_scenario: Option<Span>,
    /// Each assumption's scenario ids with their spans.
    pub(super) assumption_scenarios: Vec<(String, Span)>,
}

#[derive(Clone)]
pub(super) struct RawClaim {
    pub(super) c: Claim,
    pub(super) id_span: Span,
    pub(super) source_refs: Vec<(String, Span)>,
    pub(super) revision_dates: Vec<Span>,
}

pub(super) const CONFIG_KEYS: &[&str] = &[
    "title",
    "question",
    "as_of",
    "opened",
    "unknowns",
    "limits",
    "scoring",
    "memo",
    "resolution",
    "silence",
    "assumption",
];
pub(super) const ASSUMPTION_KEYS: &[&str] = &["text", "scenarios", "breaks", "since"];
pub(super) const RESOLUTION_KEYS: &[&str] = &["date", "scenario", "note"];
pub(super) const SCORING_KEYS: &[&str] = &["engine", "likelihood", "evidence_weight", "band"];
pub(super) const LIKELIHOOD_KEYS: &[&str] = &["CC", "C", "N", "I", "II", "cc", "c", "n", "i", "ii"];
pub(super) const MEMO_KEYS: &[&str] = &["organization", "author", "marking", "template"];
pub(super) const SCENARIO_KEYS: &[&str] = &[
    "id",
    "title",
    "summary",
    "prior",
    "proponents",
    "indicator",
    "revision",
    "silence",
];
pub(super) const PROPONENT_KEYS: &[&str] = &["name", "since"];
pub(super) const SCENARIO_REVISION_KEYS: &[&str] = &["date", "note", "title", "summary"];
pub(super) const INDICATOR_KEYS: &[&str] = &[
    "id",
    "text",
    "due",
    "look",
    "since",
    "if_true",
    "if_false",
    "ratings",
    "observation",
    "silence",
];
pub(super) const OBSERVATION_KEYS: &[&str] = &["date", "observed", "update", "claims", "note"];
pub(super) const SOURCE_KEYS: &[&str] = &[
    "id",
    "name",
    "short",
    "url",
    "kind",
    "reliability",
    "origin",
    "interest",
    "published",
];
pub(super) const CLAIM_KEYS: &[&str] = &[
    "id",
    "date",
    "statement",
    "sources",
    "url",
    "credibility",
    "relevance",
    "ratings",
    "rationale",
    "tags",
    "group",
    "revision",
    "assessment",
    "silence",
];
pub(super) const ASSESSMENT_KEYS: &[&str] = &["analyst", "ratings", "note"];
pub(super) const REVISION_KEYS: &[&str] = &[
    "date",
    "note",
    "credibility",
    "relevance",
    "ratings",
    "statement",
    "sources",
    "url",
    "status",
];

/// `url = "…"`: only `http`, `https` and `mailto` links are accepted (E018);
/// in a revision `url = ""` drops the link.
pub(super) fn url_of(cx: &mut FileCx<'_>, t: &Tbl<'_, '_>, revision: bool) -> Option<String> {
    let (u, span) = t.opt_str(cx, "url")?;
    if revision && u.is_empty() {
        return Some(u);
    }
    if is_safe_url(&u) {
        return Some(u);
    }
    let d = cx.err(
        Code::E018,
        span,
        if u.trim().is_empty() {
            "empty `url`".to_string()
        } else {
            format!("`url` must be an http, https or mailto address, found \"{u}\"")
        },
    );
    d.label = Some("not a web or mail address".into());
    d.help = Some(if u.trim().is_empty() {
        "leave `url` out when there is no link (in a revision, `url = \"\"` drops the earlier link)"
            .into()
    } else {
        "memos turn urls into links that readers click: only http://, https:// and mailto: addresses are accepted, written in full, with no spaces (other schemes such as javascript: or data: could run code in a reader's browser)".into()
    });
    None
}

/// [`is_slug`] as a regular expression, for the JSON Schema (load/schema.rs;
/// a test keeps the two in step).
pub(super) const SLUG_PATTERN: &str = "^[a-z0-9][a-z0-9._-]*$";

/// Whether `s` is a valid id: lower-case letters, digits, `-`, `_` and `.`, starting with a letter or digit.
pub fn is_slug(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

pub(super) fn slug(cx: &mut FileCx<'_>, t: &Tbl<'_, '_>) -> Option<(String, Span)> {
    let (id, span) = t.req_str(cx, "id")?;
    if !is_slug(&id) {
        let d = cx.err(
            Code::E013,
            span.clone(),
            format!("`{id}` is not a valid id"),
        );
        d.label = Some("ids are slugs".into());
        d.help = Some(
            "use lower-case letters, digits, `-`, `_` and `.`, starting with a letter or digit"
                .into(),
        );
    }
    Some((id, span))
}

/// A git merge conflict left in a file: the byte span of its `<<<<<<<` line
/// and the 1-based lines of its three markers (`=======` and `>>>>>>>` when
/// present).
#[derive(Debug, PartialEq)]
pub(super) struct ConflictMarkers {
    pub span: Span,
    pub start: usize,
    pub sep: Option<usize>,
    pub end: Option<usize>,
}

/// Whether `line` is a conflict marker of this kind: seven characters at the
/// line's start, then a space or the end of the line.
fn is_marker(line: &str, c: char) -> bool {
    let line = line.trim_end_matches(['\n', '\r']);
    line.len() >= 7
        && line.chars().take(7).all(|x| x == c)
        && (line.len() == 7 || line[7..].starts_with(' '))
}

/// The git conflicts left in a file (`<<<<<<<` … `=======` … `>>>>>>>` at
/// line starts); none unless a `<<<<<<<` line is there.
pub(super) fn conflict_markers(text: &str) -> Vec<ConflictMarkers> {
    let mut out: Vec<ConflictMarkers> = Vec::new();
    let mut open = false;
    let mut pos = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let n = i + 1;
        if is_marker(line, '<') {
            let end = pos + line.trim_end_matches(['\n', '\r']).len();
            out.push(ConflictMarkers {
                span: pos..end,
                start: n,
                sep: None,
                end: None,
            });
            open = true;
        } else if open {
            let last = out.last_mut().expect("open");
            if is_marker(line, '=') && last.sep.is_none() {
                last.sep = Some(n);
            } else if is_marker(line, '>') {
                last.end = Some(n);
                open = false;
            }
        }
        pos += line.len();
    }
    out
}

/// How many TOML syntax errors of one file are reported; the rest are
/// counted in one more diagnostic ("… and N more in this file").
pub(super) const SYNTAX_ERRORS_SHOWN: usize = 20;

pub(super) fn parse_file<'i>(
    cx: &mut FileCx<'_>,
    text: &'i str,
) -> Option<toml::Spanned<DeTable<'i>>> {
    #[cfg(test)]
    tests::PARSED.lock().unwrap().push(cx.rel.to_string());
    // A large file of garbage is told by its first lines: the rest is not
    // parsed at all (see `flood_in_prefix`).
    let flood = flood_in_prefix(text);
    // A file without errors (nearly every one) is parsed once.
    if flood.is_none() {
        if let Ok(doc) = DeTable::parse(text) {
            return Some(doc);
        }
    }
    // A file that does not parse because a merge left its markers in it:
    // say that, not where the TOML parser tripped (a marker line inside a
    // multi-line string of a valid file is text, not a conflict).
    let conflicts = conflict_markers(text);
    if !conflicts.is_empty() {
        report_conflicts(cx, conflicts);
        return None;
    }

    // With errors: count the syntax errors first, keeping only the first few
    // (a file of garbage has one per line, and the full parse keeps a message
    // for each). Only when they are few is the file parsed again for the
    // full list, which adds what the syntax pass cannot see (a key defined
    // twice, a bad escape); that list is capped too.
    // A flood found in the first lines is counted there only: `total` is
    // then a lower bound (`counted`: over how many bytes).
    let (first, total, counted) = match flood {
        Some((first, at_least, counted)) => (first, at_least, Some(counted)),
        None => {
            let (first, total, _) = syntax_errors(text, text.len() + 1);
            (first, total, None)
        }
    };
    let mut shown: Vec<(Span, String)> = Vec::new();
    let total = if total <= SYNTAX_ERRORS_SHOWN {
        let (_, errors) = DeTable::parse_recoverable(text);
        let n = errors.len();
        for e in errors.into_iter().take(SYNTAX_ERRORS_SHOWN) {
            shown.push((e.span().unwrap_or(0..0), e.message().to_string()));
        }
        n
    } else {
        for e in first {
            let span = e.unexpected().map_or(0..0, |s| s.start()..s.end());
            shown.push((span, parse_error_message(&e)));
        }
        total
    };
    for (span, msg) in shown {
        report_syntax_error(cx, text, span, &msg);
    }
    if total > SYNTAX_ERRORS_SHOWN {
        let more = total - SYNTAX_ERRORS_SHOWN;
        let (at_least, counted) = match counted {
            None => ("", String::new()),
            Some(n) => (
                "at least ",
                format!(
                    "; kzclaims counted the errors of the first {n} bytes only, out of {}",
                    text.len()
                ),
            ),
        };
        cx.diags.push(
            Diagnostic::error(
                Code::E001,
                format!(
                    "… and {at_least}{more} more TOML syntax error{} in this file",
                    if more == 1 { "" } else { "s" }
                ),
            )
            .in_file(cx.rel)
            .help(format!(
                "the first {SYNTAX_ERRORS_SHOWN} are shown above{counted}; fix them and run kzclaims again (is this a TOML file?)"
            )),
        );
    }
    None
}

/// Every merge conflict left in a file, as an error naming its lines.
fn report_conflicts(cx: &mut FileCx<'_>, conflicts: Vec<ConflictMarkers>) {
    for c in conflicts {
        let lines = match (c.sep, c.end) {
            (Some(s), Some(e)) => format!(
                "lines {}–{}: ours up to `=======` on line {s}, theirs up to `>>>>>>>` on line {e}",
                c.start, e
            ),
            (_, Some(e)) => format!("lines {}–{e}", c.start),
            _ => format!("from line {}, with no `>>>>>>>` line closing it", c.start),
        };
        let d = cx.err(
            codes::CONFLICT_MARKERS,
            c.span,
            format!("unresolved git merge conflict ({lines})"),
        );
        d.label = Some("a merge left both sides here".into());
        d.help = Some(
            "keep ours, theirs or both, delete the three marker lines (<<<<<<<, =======, >>>>>>>), then run `kzclaims check` again; docs/collaboration.md"
                .into(),
        );
    }
}

/// One TOML syntax error as a diagnostic: an impossible date filed under
/// E009, `[claim]` for `[[claim]]` explained, anything else as the parser
/// says it.
fn report_syntax_error(cx: &mut FileCx<'_>, text: &str, span: Span, msg: &str) {
    let msg = msg.trim();
    let first = msg.lines().next().unwrap_or("invalid TOML").to_string();
    // A TOML date with no such day (2024-02-30) is refused by the TOML
    // parser itself; it is filed with every other invalid date (E009).
    if first.starts_with("invalid date") {
        let written = text.get(span.clone()).unwrap_or_default().to_string();
        let d = cx.err(
            Code::E009,
            span,
            format!("`{written}` is not a calendar date ({first})"),
        );
        d.label = Some("no such day in the calendar".into());
        d.help = Some("dates are written YYYY-MM-DD, with a day that exists".into());
        return;
    }
    // `[claim]` written for `[[claim]]` makes `claim` one table, and the
    // next `[[claim]]` a key defined twice: say so.
    let single = |name: &str| {
        text.lines()
            .any(|l| l.trim_start().starts_with(&format!("[{name}]")))
    };
    let hint = match (first.as_str(), text.get(span.clone())) {
        ("duplicate key", Some(k @ ("claim" | "source" | "scenario"))) if single(k) => Some(
            format!("`[{k}]` (one pair of brackets) above makes `{k}` a single table; each {k} is written `[[{k}]]`, with two"),
        ),
        _ => None,
    };
    let d = cx.err(Code::E001, span, format!("TOML syntax error: {first}"));
    d.label = Some(first);
    d.help = hint;
}

/// The longest start of a file [`flood_in_prefix`] parses (and never more
/// than a sixteenth of the file, so that a valid file pays little for it).
const FLOOD_PREFIX: usize = 64 * 1024;

/// A file longer than [`FLOOD_PREFIX`] whose first lines (a sixteenth of it,
/// at most [`FLOOD_PREFIX`] bytes, cut at a line end) already hold more than
/// [`SYNTAX_ERRORS_SHOWN`] syntax errors: its first errors, which are the
/// whole file's first errors, and how many errors that start holds (a lower
/// bound for the file), and the length of that start. `None` when the file is short or its start holds
/// fewer errors: it is then parsed whole, as any file.
///
/// Why the first errors are the whole file's: the lexer and the parser read
/// left to right and look one token ahead, so on the start they report what
/// they report on the whole file until they reach its last line (there a
/// token may be cut short, and the end of the input may close what the file
/// closes later). Only the errors reported before the first one placed on
/// that last line are kept.
fn flood_in_prefix(text: &str) -> Option<(Vec<toml_parser::ParseError>, usize, usize)> {
    if text.len() <= FLOOD_PREFIX {
        return None;
    }
    let len = FLOOD_PREFIX.min(text.len() / 16);
    let cut = text.as_bytes()[..len].iter().rposition(|&b| b == b'\n')? + 1;
    let last_line = text.as_bytes()[..cut - 1]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let (first, _, trusted) = syntax_errors(&text[..cut], last_line);
    (trusted > SYNTAX_ERRORS_SHOWN).then_some((first, trusted, last_line))
}

/// The errors of `text` that the TOML parser and its decoder report (bad
/// syntax, an empty or unquoted key, an unquoted string, a bad escape or
/// number), without building the document: the first
/// [`SYNTAX_ERRORS_SHOWN`], how many there are in all, and how many are
/// reported before the first one placed at or past `trusted_before` (or
/// placed nowhere). Memory stays the parser's own (its tokens), however many
/// errors the file holds. What only the document can tell (a key or table
/// defined twice) is not counted.
fn syntax_errors(
    text: &str,
    trusted_before: usize,
) -> (Vec<toml_parser::ParseError>, usize, usize) {
    use toml_parser::parser::{parse_document, EventReceiver, RecursionGuard, ValidateWhitespace};
    use toml_parser::{decoder::Encoding, ErrorSink, Raw, Span};
    struct Capped {
        first: Vec<toml_parser::ParseError>,
        total: usize,
        trusted_before: usize,
        /// Errors before the first one at or past `trusted_before`.
        trusted: Option<usize>,
    }
    impl ErrorSink for Capped {
        fn report_error(&mut self, e: toml_parser::ParseError) {
            if self.trusted.is_none()
                && e.unexpected()
                    .is_none_or(|s| s.end() >= self.trusted_before)
            {
                self.trusted = Some(self.total);
            }
            self.total += 1;
            if self.first.len() < SYNTAX_ERRORS_SHOWN {
                self.first.push(e);
            }
        }
    }
    /// Decodes each key and value as the toml crate does, into nothing.
    struct Decode<'i>(&'i str);
    impl<'i> Decode<'i> {
        fn raw(&self, span: Span, kind: Option<Encoding>) -> Raw<'i> {
            Raw::new_unchecked(&self.0[span.start()..span.end()], kind, span)
        }
    }
    impl EventReceiver for Decode<'_> {
        fn simple_key(&mut self, span: Span, kind: Option<Encoding>, error: &mut dyn ErrorSink) {
            self.raw(span, kind).decode_key(&mut (), error);
        }
        fn scalar(&mut self, span: Span, kind: Option<Encoding>, error: &mut dyn ErrorSink) {
            let _ = self.raw(span, kind).decode_scalar(&mut (), error);
        }
    }
    let source = toml_parser::Source::new(text);
    let tokens = source.lex().into_vec();
    let mut sink = Capped {
        first: Vec::new(),
        total: 0,
        trusted_before,
        trusted: None,
    };
    let mut decode = Decode(text);
    let mut ws = ValidateWhitespace::new(&mut decode, source);
    // The same nesting limit as the toml crate's own parse.
    let mut guard = RecursionGuard::new(&mut ws, 80);
    parse_document(&tokens, &mut guard, &mut sink);
    (sink.first, sink.total, sink.trusted.unwrap_or(sink.total))
}

/// A parser error in the words the toml crate uses for it ("invalid key,
/// expected `=`").
fn parse_error_message(e: &toml_parser::ParseError) -> String {
    let mut m = e.description().to_string();
    if let Some(expected) = e.expected() {
        m.push_str(", expected ");
        if expected.is_empty() {
            m.push_str("nothing");
        }
        for (i, x) in expected.iter().enumerate() {
            if i != 0 {
                m.push_str(", ");
            }
            match x {
                toml_parser::Expected::Literal("\n") => m.push_str("newline"),
                toml_parser::Expected::Literal("`") => m.push_str("'`'"),
                toml_parser::Expected::Literal(s) if s.chars().all(|c| c.is_ascii_control()) => {
                    m.push_str(&format!("`{}`", s.escape_debug()))
                }
                toml_parser::Expected::Literal(s) => m.push_str(&format!("`{s}`")),
                toml_parser::Expected::Description(s) => m.push_str(s),
                _ => m.push_str("etc"),
            }
        }
    }
    m
}

/// `silence = { K102 = "reason" }`: every code must exist, belong to `level`
/// and carry a non-empty reason.
pub(super) fn silences(cx: &mut FileCx<'_>, t: &Tbl<'_, '_>, level: Level) -> Silences {
    let mut out = Silences::new();
    let Some(st) = t.opt_table(cx, "silence", "`silence`") else {
        return out;
    };
    for (k, v) in st.t.iter() {
        let code = k.get_ref().to_string();
        match codes::find(&code) {
            None => {
                let d = cx.err(Code::E017, k.span(), format!("unknown check code `{code}`"));
                d.label = Some("no such warning".into());
                d.help = Some(
                    match did_you_mean(&code, codes::silenceable().map(|c| c.code.as_str())) {
                        Some(m) => {
                            format!("did you mean `{m}`? Codes are listed in docs/checks.md")
                        }
                        None => "codes are listed in docs/checks.md".into(),
                    },
                );
                continue;
            }
            Some(c) if c.silenced_in != Some(level) => {
                let d = cx.err(
                    Code::E017,
                    k.span(),
                    format!("`{code}` ({}) cannot be silenced in {}", c.summary, t.what),
                );
                d.label = Some("wrong place for this code".into());
                let place = c.silenced_in.map_or("", Level::table);
                d.help = Some(format!("silence {code} in {place}"));
                continue;
            }
            Some(_) => {}
        }
        match v.get_ref() {
            DeValue::String(reason) if !reason.trim().is_empty() => {
                out.insert(code, reason.trim().to_string());
            }
            DeValue::String(_) => {
                let d = cx.err(
                    Code::E017,
                    v.span(),
                    format!("silencing `{code}` needs a reason"),
                );
                d.label = Some("empty reason".into());
                d.help = Some(
                    "say why the warning does not apply, e.g. K102 = \"print edition, no url\""
                        .into(),
                );
            }
            other => {
                cx.err(
                    Code::E003,
                    v.span(),
                    format!(
                        "the reason for silencing `{code}` must be a string, found {}",
                        other.type_str()
                    ),
                );
            }
        }
    }
    out
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// The files [`parse_file`] was called on, by path, in every test of
    /// this process (a test names its files uniquely to count its own).
    pub(in crate::load) static PARSED: std::sync::Mutex<Vec<String>> =
        std::sync::Mutex::new(Vec::new());

    #[test]
    fn conflict_markers_are_found_with_their_lines() {
        let t = "a = 1\n<<<<<<< ours\nb = 1\n=======\nb = 2\n>>>>>>> theirs\nx = \"\"\"\n=======\n\"\"\"\n";
        let c = conflict_markers(t);
        assert_eq!(
            c,
            [ConflictMarkers {
                span: 6..18,
                start: 2,
                sep: Some(4),
                end: Some(6)
            }]
        );
        assert!(conflict_markers("s = \"\"\"\n=======\n\"\"\"\n").is_empty());
        assert!(conflict_markers("<<<<<<<< not one\n").is_empty());
        assert_eq!(conflict_markers("<<<<<<<\nx\n")[0].end, None);
    }

    fn errors(text: &str) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        let mut cx = FileCx {
            rel: "claims/x.toml",
            diags: &mut diags,
        };
        assert!(parse_file(&mut cx, text).is_none());
        diags
    }

    #[test]
    fn a_flood_of_syntax_errors_is_cut_at_twenty_and_counted() {
        let d = errors(&"=\n".repeat(1000));
        assert_eq!(d.len(), SYNTAX_ERRORS_SHOWN + 1);
        assert!(d[..20]
            .iter()
            .all(|d| d.span.is_some() && d.code == Code::E001));
        // Two errors on each line (no key, no quoted value).
        assert_eq!(
            d[20].message,
            "… and 1980 more TOML syntax errors in this file"
        );
        assert_eq!(d[20].span, None);
    }

    #[test]
    fn a_few_errors_are_all_shown_with_what_only_the_document_sees() {
        // A syntax error and a key defined twice: both, as before.
        let d = errors("a = 1\na = 2\nb = = 3\n");
        let msgs: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert!(msgs.iter().any(|m| m.contains("duplicate key")), "{msgs:?}");
        assert!(d.len() < SYNTAX_ERRORS_SHOWN, "{msgs:?}");
        assert!(!msgs.iter().any(|m| m.contains("more TOML")), "{msgs:?}");
    }

    /// The first errors and their messages, as `check` shows them.
    fn shown(d: &[Diagnostic]) -> Vec<(Option<Span>, String)> {
        d.iter()
            .map(|d| (d.span.clone(), d.message.clone()))
            .collect()
    }

    #[test]
    fn a_large_flood_is_told_by_the_first_lines_with_the_same_first_errors() {
        let patterns: &[&str] = &[
            "=\n",
            "[[claim]]\nid = \"\n",
            "a.b.c = [\n",
            "x = \"\"\"\n\\q = '''\n",
            "{ ] , = \"a\\zb\" # \u{1}\n\r\n",
            "[[claim]\nk = 1 2 3\n\"\"\" [\n",
        ];
        for p in patterns {
            // 200 KB: past FLOOD_PREFIX, so only the start (12 KB) is read.
            let text = p.repeat(200_000 / p.len());
            assert!(text.len() > FLOOD_PREFIX, "{p:?}");
            let d = errors(&text);
            assert_eq!(d.len(), SYNTAX_ERRORS_SHOWN + 1, "{p:?}");
            // The same errors as the whole file's parse gives, in order.
            let (whole, total, _) = syntax_errors(&text, text.len() + 1);
            let want: Vec<(Option<Span>, String)> = whole
                .iter()
                .map(|e| {
                    let span = e.unexpected().map_or(0..0, |s| s.start()..s.end());
                    let first = parse_error_message(e);
                    let first = first.trim().lines().next().unwrap().to_string();
                    (Some(span), format!("TOML syntax error: {first}"))
                })
                .collect();
            assert_eq!(shown(&d[..SYNTAX_ERRORS_SHOWN]), want, "{p:?}");
            // Counted on the start only: a lower bound, said to be one.
            let m = &d[SYNTAX_ERRORS_SHOWN].message;
            let n: usize = m
                .trim_start_matches("… and at least ")
                .split(' ')
                .next()
                .unwrap()
                .parse()
                .unwrap_or_else(|_| panic!("{p:?}: {m}"));
            assert!(n < total - SYNTAX_ERRORS_SHOWN, "{p:?}: {n} of {total}");
            let help = d[SYNTAX_ERRORS_SHOWN].help.as_deref().unwrap();
            assert!(help.contains("counted the errors of the first"), "{help}");
        }
    }

    #[test]
    fn a_large_flood_is_not_parsed_past_its_start() {
        // 16 MiB of `=\n` holds 16 Mi errors; the count stops within the
        // first 64 KiB (two errors a line), so the rest was never parsed.
        let d = errors(&"=\n".repeat(8 << 20));
        let m = &d[SYNTAX_ERRORS_SHOWN].message;
        assert_eq!(
            m,
            &format!(
                "… and at least {} more TOML syntax errors in this file",
                FLOOD_PREFIX - 2 - SYNTAX_ERRORS_SHOWN
            )
        );
    }

    #[test]
    fn a_large_file_with_few_errors_is_parsed_whole() {
        // Errors far apart (fewer than 21 in the start): all are found,
        // with the key defined twice that only the document shows.
        let mut text = "a = 1\nb = = 2\n".to_string();
        text.push_str(&"# filler\n".repeat(20_000));
        text.push_str("a = 3\nc = = 4\n");
        let d = errors(&text);
        let msgs: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert!(msgs.iter().any(|m| m.contains("duplicate key")), "{msgs:?}");
        assert_eq!(msgs.len(), 5, "{msgs:?}");
    }

    #[test]
    fn many_keys_defined_twice_are_capped_too() {
        let d = errors(&"a = 1\n".repeat(100));
        assert_eq!(d.len(), SYNTAX_ERRORS_SHOWN + 1);
        assert_eq!(
            d[20].message,
            "… and 79 more TOML syntax errors in this file"
        );
    }
}
