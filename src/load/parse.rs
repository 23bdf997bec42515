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
        "E018",
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
pub const SLUG_PATTERN: &str = "^[a-z0-9][a-z0-9._-]*$";

pub fn is_slug(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

pub(super) fn slug(cx: &mut FileCx<'_>, t: &Tbl<'_, '_>) -> Option<(String, Span)> {
    let (id, span) = t.req_str(cx, "id")?;
    if !is_slug(&id) {
        let d = cx.err("E013", span.clone(), format!("`{id}` is not a valid id"));
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
pub struct ConflictMarkers {
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
pub fn conflict_markers(text: &str) -> Vec<ConflictMarkers> {
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
pub const SYNTAX_ERRORS_SHOWN: usize = 20;

pub(super) fn parse_file<'i>(
    cx: &mut FileCx<'_>,
    text: &'i str,
) -> Option<toml::Spanned<DeTable<'i>>> {
    // A file without errors (nearly every one) is parsed once.
    if let Ok(doc) = DeTable::parse(text) {
        return Some(doc);
    }
    // A file that does not parse because a merge left its markers in it:
    // say that, not where the TOML parser tripped (a marker line inside a
    // multi-line string of a valid file is text, not a conflict).
    let conflicts = conflict_markers(text);
    if !conflicts.is_empty() {
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
        return None;
    }

    // With errors: count the syntax errors first, keeping only the first few
    // (a file of garbage has one per line, and the full parse keeps a message
    // for each). Only when they are few is the file parsed again for the
    // full list, which adds what the syntax pass cannot see (a key defined
    // twice, a bad escape); that list is capped too.
    let (first, total) = syntax_errors(text);
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
        let msg = msg.trim();
        let first = msg.lines().next().unwrap_or("invalid TOML").to_string();
        // A TOML date with no such day (2024-02-30) is refused by the TOML
        // parser itself; it is filed with every other invalid date (E009).
        if first.starts_with("invalid date") {
            let written = text.get(span.clone()).unwrap_or_default().to_string();
            let d = cx.err(
                "E009",
                span,
                format!("`{written}` is not a calendar date ({first})"),
            );
            d.label = Some("no such day in the calendar".into());
            d.help = Some("dates are written YYYY-MM-DD, with a day that exists".into());
            continue;
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
        let d = cx.err("E001", span, format!("TOML syntax error: {first}"));
        d.label = Some(first);
        d.help = hint;
    }
    if total > SYNTAX_ERRORS_SHOWN {
        let more = total - SYNTAX_ERRORS_SHOWN;
        cx.diags.push(
            Diagnostic::error(
                "E001",
                format!(
                    "… and {more} more TOML syntax error{} in this file",
                    if more == 1 { "" } else { "s" }
                ),
            )
            .in_file(cx.rel)
            .help(format!(
                "the first {SYNTAX_ERRORS_SHOWN} are shown above; fix them and run kzclaims again (is this a TOML file?)"
            )),
        );
    }
    None
}

/// The errors of `text` that the TOML parser and its decoder report (bad
/// syntax, an empty or unquoted key, an unquoted string, a bad escape or
/// number), without building the document: the first
/// [`SYNTAX_ERRORS_SHOWN`] and how many there are in all. Memory stays the
/// parser's own (its tokens), however many errors the file holds. What only
/// the document can tell (a key or table defined twice) is not counted.
fn syntax_errors(text: &str) -> (Vec<toml_parser::ParseError>, usize) {
    use toml_parser::parser::{parse_document, EventReceiver, RecursionGuard, ValidateWhitespace};
    use toml_parser::{decoder::Encoding, ErrorSink, Raw, Span};
    struct Capped {
        first: Vec<toml_parser::ParseError>,
        total: usize,
    }
    impl ErrorSink for Capped {
        fn report_error(&mut self, e: toml_parser::ParseError) {
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
    };
    let mut decode = Decode(text);
    let mut ws = ValidateWhitespace::new(&mut decode, source);
    // The same nesting limit as the toml crate's own parse.
    let mut guard = RecursionGuard::new(&mut ws, 80);
    parse_document(&tokens, &mut guard, &mut sink);
    (sink.first, sink.total)
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
                let d = cx.err("E017", k.span(), format!("unknown check code `{code}`"));
                d.label = Some("no such warning".into());
                d.help = Some(
                    match did_you_mean(&code, codes::CODES.iter().map(|c| c.code)) {
                        Some(m) => {
                            format!("did you mean `{m}`? Codes are listed in docs/checks.md")
                        }
                        None => "codes are listed in docs/checks.md".into(),
                    },
                );
                continue;
            }
            Some(c) if c.level != level => {
                let d = cx.err(
                    "E017",
                    k.span(),
                    format!("`{code}` ({}) cannot be silenced in {}", c.summary, t.what),
                );
                d.label = Some("wrong place for this code".into());
                d.help = Some(format!("silence {code} in {}", c.level.table()));
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
                    "E017",
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
                    "E003",
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
mod tests {
    use super::*;

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
        assert!(d[..20].iter().all(|d| d.span.is_some() && d.code == "E001"));
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
