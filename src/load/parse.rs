//! Parsing: each workspace file into raw records that keep the byte spans the
//! cross-file checks in [`super::from_files`] need.

use super::toml_walk::{number, tables_in, FileCx, Span, Tbl};
use super::*;
use toml::de::{DeTable, DeValue};

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

/// The scenario ids a claim names (its ratings, revisions included; its
/// rationale; its analysts' ratings), checked against the workspace's
/// scenarios as the claim is parsed: E006 for an unknown id, E008 for a
/// scenario left unrated.
struct ScenarioRefs<'a> {
    claim: &'a str,
    header: Span,
    ratings_given: bool,
    has_assessments: bool,
    /// (scenario id, key span) of every rating, revisions included; the ids
    /// borrowed from the parsed file, since a large record has millions.
    ratings: Vec<(&'a str, Span)>,
    rationale: Vec<(&'a str, Span)>,
    /// (scenario id, key span) of every analyst rating.
    assessments: Vec<(&'a str, Span)>,
}

impl ScenarioRefs<'_> {
    fn check(&self, cx: &mut FileCx<'_>, scenario_ids: &[&str]) {
        // Which scenarios the ratings and the analysts' ratings name.
        let n = scenario_ids.len();
        let (mut rated_marks, mut assessed) = (vec![false; n], vec![false; n]);
        let lists = [
            (&self.ratings, Some(&mut rated_marks)),
            (&self.rationale, None),
            (&self.assessments, Some(&mut assessed)),
        ];
        for (refs, mut marks) in lists {
            for (i, (sid, span)) in refs.iter().enumerate() {
                if let Some(j) = scenario_position(scenario_ids, i, sid) {
                    if let Some(m) = marks.as_deref_mut() {
                        m[j] = true;
                    }
                    continue;
                }
                let d = cx.err(
                    Code::E006,
                    span.clone(),
                    format!("claim `{}` refers to unknown scenario `{sid}`", self.claim),
                );
                d.label = Some("no [[scenario]] has this id".into());
                d.help = Some(match did_you_mean(sid, scenario_ids.iter().copied()) {
                    Some(m) => format!("did you mean `{m}`?"),
                    None => format!("scenarios: {}", scenario_ids.join(", ")),
                });
            }
        }
        // A rating present but invalid was reported already; only absent ones here.
        let rated = |marks: &[bool], j: usize| {
            marks[j]
                || scenario_ids
                    .iter()
                    .zip(marks)
                    .any(|(x, m)| *m && *x == scenario_ids[j])
        };
        if !self.ratings_given && self.has_assessments {
            let uncovered: Vec<&str> = (0..n)
                .filter(|&j| !rated(&assessed, j))
                .map(|j| scenario_ids[j])
                .collect();
            if !uncovered.is_empty() {
                let d = cx.err(
                    Code::E008,
                    self.header.clone(),
                    format!(
                        "claim `{}` has no rating for {}: no [claim.ratings], and no analyst rates it",
                        self.claim,
                        list_ids(&uncovered)
                    ),
                );
                d.label = Some("ratings incomplete".into());
                d.help = Some("without [claim.ratings], every scenario must be rated by at least one [[claim.assessment]]".into());
            }
        } else if !self.ratings.is_empty() {
            let missing: Vec<&str> = (0..n)
                .filter(|&j| !rated(&rated_marks, j))
                .map(|j| scenario_ids[j])
                .collect();
            if !missing.is_empty() {
                let d = cx.err(
                    Code::E008,
                    self.header.clone(),
                    format!(
                        "claim `{}` has no rating for {}",
                        self.claim,
                        list_ids(&missing)
                    ),
                );
                d.label = Some("ratings incomplete".into());
                d.help = Some("rate every scenario: CC, C, N, I, II, or NA when the claim does not bear on it".into());
            }
        }
    }
}

/// The index of scenario `sid`, trying first the `i`-th (modulo their
/// number): ratings are usually written in the scenarios' order.
fn scenario_position(scenario_ids: &[&str], i: usize, sid: &str) -> Option<usize> {
    let n = scenario_ids.len();
    if n > 0 && scenario_ids[i % n] == sid {
        return Some(i % n);
    }
    scenario_ids.iter().position(|s| *s == sid)
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
        let d = cx.err(Code::E001, span, format!("TOML syntax error: {first}"));
        d.label = Some(first);
        d.help = hint;
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

pub(super) fn parse_config(cx: &mut FileCx<'_>, text: &str) -> Option<RawConfig> {
    let doc = parse_file(cx, text)?;
    let t = Tbl::new(doc.get_ref(), 0..0, CONFIG_FILE);
    t.check_keys(cx, CONFIG_KEYS);
    let mut cfg = Config {
        memo: MemoConfig {
            marking: "UNCLASSIFIED".into(),
            template: "memo".into(),
            ..MemoConfig::default()
        },
        ..Config::default()
    };
    let title = t.req_str(cx, "title");
    let question = t.req_str(cx, "question");
    cfg.title = title.map(|x| x.0).unwrap_or_default();
    cfg.question = question.map(|x| x.0).unwrap_or_default();
    cfg.as_of = t.opt_date(cx, "as_of").map(|x| x.0);
    cfg.opened = t.opt_date(cx, "opened").map(|x| x.0);
    if let Some(s) = t.opt_table(cx, "scoring", "[scoring]") {
        s.check_keys(cx, SCORING_KEYS);
        if let Some((e, span)) = s.opt_str(cx, "engine") {
            match EngineKind::parse(&e.to_ascii_lowercase()) {
                Some(k) => cfg.engine = k,
                None => {
                    let d = cx.err(Code::E010, span, format!("unknown engine \"{e}\""));
                    d.help = Some("engine is \"bayes\" or \"ach\"".into());
                }
            }
        }
        if let Some((v, span)) = s.opt_float(cx, "evidence_weight") {
            if v > 0.0 && v <= 1.0 {
                cfg.evidence_weight = v;
            } else {
                let d = cx.err(
                    Code::E010,
                    span,
                    format!("evidence_weight must be in (0, 1], found {v}"),
                );
                d.label = Some("out of range".into());
                d.help = Some("η = 1 counts every group as an independent observation; smaller values discount dependent evidence (the default is 0.5; docs/scoring.md)".into());
            }
        }
        if let Some(v) = s.get("band") {
            let vals: Option<Vec<f64>> = match v.get_ref() {
                DeValue::Array(a) => a.iter().map(|x| number(x.get_ref())).collect(),
                _ => None,
            };
            match vals.as_deref() {
                Some(&[lo, hi]) if lo > 0.0 && hi <= 1.0 && lo <= hi => cfg.band = [lo, hi],
                _ => {
                    let d = cx.err(
                        Code::E010,
                        v.span(),
                        "band must be two evidence weights in (0, 1], low first",
                    );
                    d.label = Some("not a valid band".into());
                    d.help = Some("for example `band = [0.25, 1.0]`: the memo gives each probability at both ends".into());
                }
            }
        }
        if let Some(l) = s.opt_table(cx, "likelihood", "[scoring.likelihood]") {
            l.check_keys(cx, LIKELIHOOD_KEYS);
            let slots: [(&str, &mut f64); 5] = [
                ("CC", &mut cfg.likelihood.cc),
                ("C", &mut cfg.likelihood.c),
                ("N", &mut cfg.likelihood.n),
                ("I", &mut cfg.likelihood.i),
                ("II", &mut cfg.likelihood.ii),
            ];
            for (k, slot) in slots {
                let lower = k.to_ascii_lowercase();
                let key = if l.get(k).is_none() && l.get(&lower).is_some() {
                    lower.as_str()
                } else {
                    k
                };
                if let Some((v, span)) = l.opt_float(cx, key) {
                    if v > 0.0 && v <= 1.0 {
                        *slot = v;
                    } else {
                        cx.err(
                            Code::E010,
                            span,
                            format!("likelihood for {k} must be in (0, 1], found {v}"),
                        );
                    }
                }
            }
        }
    }
    if let Some(m) = t.opt_table(cx, "memo", "[memo]") {
        m.check_keys(cx, MEMO_KEYS);
        cfg.memo.organization = m.opt_str(cx, "organization").map(|x| x.0);
        cfg.memo.author = m.opt_str(cx, "author").map(|x| x.0);
        if let Some((v, _)) = m.opt_str(cx, "marking") {
            cfg.memo.marking = v;
        }
        if let Some((v, _)) = m.opt_str(cx, "template") {
            cfg.memo.template = v;
        }
    }
    let mut resolution_scenario = None;
    if let Some(r) = t.opt_table(cx, "resolution", "[resolution]") {
        r.check_keys(cx, RESOLUTION_KEYS);
        let date = r.req_date(cx, "date");
        let scenario = r.req_str(cx, "scenario");
        let note = r.opt_str(cx, "note").map(|x| x.0);
        if let (Some((date, _)), Some((scenario, span))) = (date, scenario) {
            resolution_scenario = Some(span);
            cfg.resolution = Some(Resolution {
                date,
                scenario,
                note,
            });
        }
    }
    let mut assumption_scenarios = Vec::new();
    for a in t.array_of_tables(cx, "assumption", "[[assumption]]") {
        a.check_keys(cx, ASSUMPTION_KEYS);
        let text = a.req_str(cx, "text");
        let scenarios = a.opt_str_list(cx, "scenarios").unwrap_or_default();
        let breaks = a.opt_str(cx, "breaks").map(|x| x.0);
        let since = a.opt_date(cx, "since").map(|x| x.0);
        if let Some((text, _)) = text {
            assumption_scenarios.extend(scenarios.iter().cloned());
            cfg.assumptions.push(Assumption {
                text,
                scenarios: scenarios.into_iter().map(|x| x.0).collect(),
                breaks,
                since,
            });
        }
    }
    cfg.unknowns = t
        .opt_str_list(cx, "unknowns")
        .unwrap_or_default()
        .into_iter()
        .map(|x| x.0)
        .collect();
    cfg.limits = t.opt_str(cx, "limits").map(|x| x.0);
    cfg.silence = silences(cx, &t, Level::Workspace);
    Some(RawConfig {
        cfg,
        assumption_scenarios,
        resolution_scenario,
    })
}

pub(super) fn parse_scenarios(
    cx: &mut FileCx<'_>,
    file: usize,
    text: &str,
    out: &mut Vec<RawScenario>,
) {
    let Some(doc) = parse_file(cx, text) else {
        return;
    };
    let top = Tbl::new(doc.get_ref(), 0..0, "a scenarios file");
    top.check_keys(cx, &["scenario"]);
    let Some(v) = top.get("scenario") else { return };
    for t in tables_in(cx, v, "scenario", "[[scenario]]") {
        t.check_keys(cx, SCENARIO_KEYS);
        let id = slug(cx, &t);
        let title = t.req_str(cx, "title");
        let summary = t.req_str(cx, "summary");
        let prior = t.opt_float(cx, "prior");
        if let Some((p, span)) = &prior {
            if !(0.0..=1.0).contains(p) {
                cx.err(
                    Code::E012,
                    span.clone(),
                    format!("prior must be between 0 and 1, found {p}"),
                )
                .label = Some("out of range".into());
            }
        }
        let proponents = proponents(cx, &t);
        let mut revisions = Vec::new();
        for rt in t.array_of_tables(cx, "revision", "[[scenario.revision]]") {
            rt.check_keys(cx, SCENARIO_REVISION_KEYS);
            let date = rt.req_date(cx, "date");
            let note = rt.req_str(cx, "note");
            let rtitle = rt.opt_str(cx, "title").map(|x| x.0);
            let rsummary = rt.opt_str(cx, "summary").map(|x| x.0);
            if rtitle.is_none()
                && rsummary.is_none()
                && rt.get("title").is_none()
                && rt.get("summary").is_none()
            {
                let d = cx.err(
                    Code::E004,
                    rt.span.clone(),
                    "a [[scenario.revision]] changes nothing: give it a `title` or a `summary`",
                );
                d.label = Some("no new wording".into());
                d.help = Some("a scenario revision rewords the scenario from its date on: `summary = \"…\"`, `title = \"…\"` or both".into());
            }
            if let (Some((date, _)), Some((note, _))) = (date, note) {
                revisions.push(ScenarioRevision {
                    date,
                    note,
                    title: rtitle,
                    summary: rsummary,
                    loc: Loc {
                        file,
                        span: rt.span.clone(),
                    },
                });
            }
        }
        revisions.sort_by_key(|r| r.date);
        let silence = silences(cx, &t, Level::Scenario);
        let mut indicators = Vec::new();
        let mut indicator_ids = Vec::new();
        let mut rating_refs = Vec::new();
        let mut indicator_ratings = Vec::new();
        let mut claim_refs = Vec::new();
        for it in t.array_of_tables(cx, "indicator", "[[scenario.indicator]]") {
            it.check_keys(cx, INDICATOR_KEYS);
            let iid = slug(cx, &it);
            let itext = it.req_str(cx, "text");
            let due = it.opt_date(cx, "due").map(|x| x.0);
            let look = it.opt_str(cx, "look").map(|x| x.0);
            let isince = it.opt_date(cx, "since").map(|x| x.0);
            let likelihood = indicator_likelihood(cx, &it, &mut rating_refs);
            let isilence = silences(cx, &it, Level::Indicator);
            let mut observations = Vec::new();
            for ot in it.array_of_tables(cx, "observation", "[[scenario.indicator.observation]]") {
                ot.check_keys(cx, OBSERVATION_KEYS);
                let odate = ot.req_date(cx, "date");
                let observed = ot.req_bool(cx, "observed");
                let update = ot.opt_bool(cx, "update").map(|x| x.0).unwrap_or(true);
                let oclaims = ot.opt_str_list(cx, "claims").unwrap_or_default();
                let note = ot.opt_str(cx, "note").map(|x| x.0);
                claim_refs.extend(oclaims.iter().cloned());
                if let (Some((date, _)), Some((observed, _))) = (odate, observed) {
                    observations.push(Observation {
                        date,
                        observed,
                        update,
                        claims: oclaims.into_iter().map(|c| c.0).collect(),
                        note,
                        loc: Loc {
                            file,
                            span: ot.span.clone(),
                        },
                    });
                }
            }
            if !observations.is_empty()
                && likelihood.is_none()
                && !it.t.contains_key("ratings")
                && !it.t.contains_key("if_true")
                && !it.t.contains_key("if_false")
            {
                let d = cx.err(
                    Code::E004,
                    it.span.clone(),
                    "an observed indicator needs likelihoods: `if_true` and `if_false`, or `ratings`",
                );
                d.label = Some("observed, but predicts nothing".into());
                d.help = Some("say how likely the observation was under each scenario, e.g. if_true = 0.8, if_false = 0.2".into());
            }
            observations.sort_by_key(|o| o.date);
            if let (Some(iid), Some(itext)) = (iid, itext) {
                if let Some(IndicatorLikelihood::Ratings(r)) = &likelihood {
                    indicator_ratings.push((
                        iid.0.clone(),
                        it.span.clone(),
                        r.keys().cloned().collect(),
                    ));
                }
                indicator_ids.push(iid.clone());
                indicators.push(Indicator {
                    id: iid.0,
                    text: itext.0,
                    due,
                    look,
                    since: isince,
                    likelihood,
                    observations,
                    silence: isilence,
                    loc: Loc {
                        file,
                        span: it.span.clone(),
                    },
                });
            }
        }
        if let Some(id) = id {
            out.push(RawScenario {
                s: Scenario {
                    id: id.0,
                    title: title.map(|t| t.0).unwrap_or_default(),
                    summary: summary.map(|t| t.0).unwrap_or_default(),
                    prior: prior.as_ref().map(|p| p.0),
                    proponents,
                    revisions,
                    indicators,
                    silence,
                    loc: Loc {
                        file,
                        span: t.span.clone(),
                    },
                },
                id_span: id.1,
                prior_span: prior.map(|p| p.1),
                indicator_ids,
                rating_refs,
                indicator_ratings,
                claim_refs,
            });
        }
    }
}

/// `proponents = ["…", { name = "…", since = DATE }]`: a plain string is a
/// proponent from the start, a table one from its `since` date.
fn proponents(cx: &mut FileCx<'_>, t: &Tbl<'_, '_>) -> Vec<Proponent> {
    let Some(v) = t.get("proponents") else {
        return Vec::new();
    };
    let want = "a list of names, or tables { name = \"…\", since = DATE }";
    let DeValue::Array(a) = v.get_ref() else {
        let d = cx.err(
            Code::E003,
            v.span(),
            format!(
                "`proponents` in {} must be {want}, found {}",
                t.what,
                v.get_ref().type_str()
            ),
        );
        d.label = Some("expected a list".into());
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in a.iter() {
        match e.get_ref() {
            DeValue::String(s) => out.push(Proponent {
                name: s.to_string(),
                since: None,
            }),
            DeValue::Table(pt) => {
                let pt = Tbl::new(pt, e.span(), "a proponent");
                pt.check_keys(cx, PROPONENT_KEYS);
                let name = pt.req_str(cx, "name");
                let since = pt.opt_date(cx, "since").map(|x| x.0);
                if let Some((name, _)) = name {
                    out.push(Proponent { name, since });
                }
            }
            other => {
                let d = cx.err(
                    Code::E003,
                    e.span(),
                    format!(
                        "a proponent must be a name or a table {{ name, since }}, found {}",
                        other.type_str()
                    ),
                );
                d.help = Some("write \"President's office\", or { name = \"President's office\", since = 2022-01-10 } for one who took this position from a date".into());
            }
        }
    }
    out
}

/// `if_true` + `if_false`, or `ratings`, of an indicator.
pub(super) fn indicator_likelihood(
    cx: &mut FileCx<'_>,
    t: &Tbl<'_, '_>,
    refs: &mut Vec<(String, Span)>,
) -> Option<IndicatorLikelihood> {
    let mut prob = |key: &str| -> Option<f64> {
        let (p, span) = t.opt_float(cx, key)?;
        if p > 0.0 && p < 1.0 {
            Some(p)
        } else {
            let d = cx.err(
                Code::E010,
                span,
                format!("`{key}` is a probability strictly between 0 and 1, found {p}"),
            );
            d.label = Some("out of range".into());
            d.help =
                Some("0 or 1 would make a single observation decide the question outright".into());
            None
        }
    };
    let if_true = prob("if_true");
    let if_false = prob("if_false");
    let has_t = t.get("if_true").is_some();
    let has_f = t.get("if_false").is_some();
    let has_r = t.get("ratings").is_some();
    if has_r && (has_t || has_f) {
        let span = t.get("ratings").map(|v| v.span()).unwrap_or(t.span.clone());
        let d = cx.err(
            Code::E010,
            span,
            "give an indicator either `if_true`/`if_false` or `ratings`, not both",
        );
        d.label = Some("second way of giving likelihoods".into());
        return None;
    }
    if has_t != has_f {
        t.missing(cx, if has_t { "if_false" } else { "if_true" });
        return None;
    }
    if has_t {
        return Some(IndicatorLikelihood::Probabilities {
            if_true: if_true?,
            if_false: if_false?,
        });
    }
    let r = ratings(cx, t, "the indicator's ratings", refs)?;
    if !r.is_empty() && r.values().all(|r| *r == Rating::NA) {
        let span = t.get("ratings").map(|v| v.span()).unwrap_or(t.span.clone());
        cx.err(
            Code::E010,
            span,
            "an indicator rated NA against every scenario predicts nothing",
        )
        .help = Some("rate at least one scenario CC, C, N, I or II".into());
        return None;
    }
    Some(IndicatorLikelihood::Ratings(r))
}

const CREDIBILITY_HELP: &str =
    "credibility is a number 1-6: 1 confirmed, 2 probably true, 3 possibly true, 4 doubtful, 5 improbable, 6 cannot be judged";

pub(super) fn credibility(cx: &mut FileCx<'_>, t: &Tbl<'_, '_>) -> Option<Credibility> {
    let (n, span) = t.opt_int_or_str(cx, "credibility", CREDIBILITY_HELP)?;
    let c = Credibility::new(n);
    if c.is_none() {
        let d = cx.err(
            Code::E010,
            span,
            format!("credibility must be 1-6 (Admiralty code), found {n}"),
        );
        d.label = Some("not an Admiralty credibility grade".into());
        d.help = Some(CREDIBILITY_HELP.into());
    }
    c
}

pub(super) fn relevance(cx: &mut FileCx<'_>, t: &Tbl<'_, '_>) -> Option<Relevance> {
    let (s, span) = t.opt_str(cx, "relevance")?;
    let r = Relevance::parse(&s);
    if r.is_none() {
        let d = cx.err(
            Code::E010,
            span,
            format!("relevance must be low, medium or high, found \"{s}\""),
        );
        if let Some(m) = did_you_mean(&s.to_ascii_lowercase(), ["low", "medium", "high"]) {
            d.help = Some(format!("did you mean \"{m}\"?"));
        }
    }
    r
}

/// Ratings table → map, plus the key spans for cross-checks.
pub(super) fn ratings(
    cx: &mut FileCx<'_>,
    t: &Tbl<'_, '_>,
    what: &str,
    refs: &mut Vec<(String, Span)>,
) -> Option<BTreeMap<String, Rating>> {
    let mut out = BTreeMap::new();
    ratings_into(cx, t, what, refs, |k, r| {
        out.insert(k.to_string(), r);
    })?;
    Some(out)
}

/// A claim's ratings table → ratings by scenario index (an unknown scenario
/// is kept out; [`ScenarioRefs`] reports it), plus the key spans.
fn claim_ratings<'t>(
    cx: &mut FileCx<'_>,
    t: &Tbl<'t, '_>,
    what: &str,
    refs: &mut Vec<(&'t str, Span)>,
    scenario_ids: &[&str],
) -> Option<Ratings> {
    let mut out = Ratings::new(scenario_ids.len());
    let mut i = 0;
    ratings_into(cx, t, what, refs, |k, r| {
        if let Some(j) = scenario_position(scenario_ids, i, k) {
            out.set(j, r);
        }
        i += 1;
    })?;
    Some(out)
}

/// Read a ratings table, handing each valid (scenario id, rating) to `put`;
/// `None` when there is no table.
fn ratings_into<'t, K: From<&'t str>>(
    cx: &mut FileCx<'_>,
    t: &Tbl<'t, '_>,
    what: &str,
    refs: &mut Vec<(K, Span)>,
    mut put: impl FnMut(&str, Rating),
) -> Option<()> {
    let rt = t.opt_table(cx, "ratings", what)?;
    for (k, v) in rt.t.iter() {
        let key: &'t str = k.get_ref();
        refs.push((K::from(key), k.span()));
        match v.get_ref() {
            DeValue::String(s) => match Rating::parse(s) {
                Some(r) => put(key, r),
                None => {
                    let d = cx.err(Code::E010, v.span(), format!("\"{s}\" is not a rating"));
                    d.label = Some("unknown rating".into());
                    d.help = Some("ratings are CC, C, N, I, II or NA".into());
                }
            },
            other => {
                cx.err(
                    Code::E003,
                    v.span(),
                    format!(
                        "rating for `{key}` must be a string, found {}",
                        other.type_str()
                    ),
                )
                .help =
                    Some("write it quoted: \"CC\", \"C\", \"N\", \"I\", \"II\" or \"NA\"".into());
            }
        }
    }
    Some(())
}

pub(super) fn parse_claims(
    cx: &mut FileCx<'_>,
    file: usize,
    text: &str,
    scenario_ids: &[&str],
    sources: &mut Vec<RawSource>,
    claims: &mut Vec<RawClaim>,
) {
    let Some(doc) = parse_file(cx, text) else {
        return;
    };
    let top = Tbl::new(doc.get_ref(), 0..0, "a claims file");
    top.check_keys(cx, &["source", "claim"]);
    if let Some(v) = top.get("source") {
        for t in tables_in(cx, v, "source", "[[source]]") {
            t.check_keys(cx, SOURCE_KEYS);
            let id = slug(cx, &t);
            let name = t.req_str(cx, "name");
            let short = t
                .opt_str(cx, "short")
                .map(|x| x.0)
                .filter(|x| !x.trim().is_empty());
            let url = url_of(cx, &t, false);
            let kind = match t.req_str(cx, "kind") {
                Some((k, span)) => {
                    let parsed = SourceKind::parse(&k.to_ascii_lowercase());
                    if parsed.is_none() {
                        let d = cx.err(Code::E010, span, format!("unknown source kind \"{k}\""));
                        d.help = Some(match did_you_mean(&k, SourceKind::NAMES) {
                            Some(m) => format!("did you mean \"{m}\"?"),
                            None => format!("kinds: {}", SourceKind::NAMES.join(", ")),
                        });
                    }
                    parsed
                }
                None => None,
            };
            let reliability = match t.req_str(cx, "reliability") {
                Some((r, span)) => {
                    let parsed = Reliability::parse(&r);
                    if parsed.is_none() {
                        let d = cx.err(
                            Code::E010,
                            span,
                            format!("reliability must be A-F (Admiralty code), found \"{r}\""),
                        );
                        d.help = Some("A completely reliable, B usually reliable, C fairly reliable, D not usually reliable, E unreliable, F cannot be judged".into());
                    }
                    parsed
                }
                None => {
                    // `reliability = 2`: the number is the claim's credibility.
                    if let (Some(DeValue::Integer(_)), Some(d)) = (
                        t.get("reliability").map(|v| v.get_ref()),
                        cx.diags.last_mut(),
                    ) {
                        d.help = Some("a source's reliability is a letter A-F, in quotes (reliability = \"B\"): A completely reliable, B usually reliable, C fairly reliable, D not usually reliable, E unreliable, F cannot be judged; the number 1-6 is a claim's credibility".into());
                    }
                    None
                }
            };
            let origin = match t.opt_str(cx, "origin") {
                Some((o, span)) if o.trim().is_empty() => {
                    cx.err(Code::E010, span, "`origin` must not be empty").help =
                        Some("name the outlet this source relays, e.g. origin = \"akorda\"".into());
                    None
                }
                other => other.map(|x| x.0),
            };
            let interest = t.opt_str(cx, "interest");
            let published = t.opt_date(cx, "published").map(|x| x.0);
            if let Some(id) = id {
                sources.push(RawSource {
                    s: Source {
                        id: id.0,
                        name: name.map(|n| n.0).unwrap_or_default(),
                        short,
                        url,
                        kind: kind.unwrap_or(SourceKind::Other),
                        reliability: reliability.unwrap_or(Reliability::F),
                        origin,
                        interest: interest.as_ref().map(|x| x.0.clone()),
                        published,
                        loc: Loc {
                            file,
                            span: t.span.clone(),
                        },
                    },
                    id_span: id.1,
                    interest_span: interest.map(|x| x.1),
                });
            }
        }
    }
    if let Some(v) = top.get("claim") {
        let tables = tables_in(cx, v, "claim", "[[claim]]");
        // Sized exactly: grown by doubling, a file's claims would hold up to
        // twice their size until they are merged into the record.
        claims.reserve_exact(tables.len());
        for t in tables {
            if let Some(c) = parse_claim(cx, file, &t, scenario_ids) {
                claims.push(c);
            }
        }
    }
}

pub(super) fn parse_claim<'t>(
    cx: &mut FileCx<'_>,
    file: usize,
    t: &Tbl<'t, '_>,
    scenario_ids: &[&str],
) -> Option<RawClaim> {
    t.check_keys(cx, CLAIM_KEYS);
    let id = slug(cx, t);
    let date = t.req_date(cx, "date");
    let statement = t.req_str(cx, "statement");
    let source_refs = match t.opt_str_list(cx, "sources") {
        Some(list) => {
            if list.is_empty() {
                let span = t.get("sources").map(|v| v.span()).unwrap_or(t.span.clone());
                cx.err(Code::E014, span, "a claim needs at least one source")
                    .label = Some("empty list".into());
            }
            list
        }
        None => {
            if t.get("sources").is_none() {
                t.missing(cx, "sources");
            }
            Vec::new()
        }
    };
    let url = url_of(cx, t, false);
    let cred = if t.get("credibility").is_none() {
        t.missing(cx, "credibility");
        None
    } else {
        credibility(cx, t)
    };
    let rel = relevance(cx, t).unwrap_or_default();
    let mut rating_refs = Vec::new();
    let mut assessment_refs = Vec::new();
    let mut assessments: Vec<AnalystRatings> = Vec::new();
    for at in t.array_of_tables(cx, "assessment", "[[claim.assessment]]") {
        at.check_keys(cx, ASSESSMENT_KEYS);
        let analyst = at.req_str(cx, "analyst");
        let note = at.opt_str(cx, "note").map(|x| x.0);
        let arat = if at.get("ratings").is_none() {
            at.missing(cx, "ratings");
            None
        } else {
            claim_ratings(
                cx,
                &at,
                "[claim.assessment.ratings]",
                &mut assessment_refs,
                scenario_ids,
            )
        };
        let Some((analyst, aspan)) = analyst else {
            continue;
        };
        if analyst.trim().is_empty() {
            cx.err(Code::E010, aspan, "`analyst` must name someone")
                .label = Some("empty name".into());
            continue;
        }
        if assessments.iter().any(|a| a.analyst == analyst) {
            cx.err(
                Code::E005,
                aspan,
                format!("analyst \"{analyst}\" rates this claim twice"),
            )
            .label = Some("second [[claim.assessment]] by the same analyst".into());
            continue;
        }
        assessments.push(AnalystRatings {
            analyst,
            ratings: arat.unwrap_or_default(),
            note,
            loc: Loc {
                file,
                span: at.span.clone(),
            },
        });
    }
    let ratings_given = t.get("ratings").is_some();
    let rat = if !ratings_given {
        if t.get("assessment").is_none() {
            let d = cx.err(
                Code::E004,
                t.span.clone(),
                "missing `[claim.ratings]` in [[claim]]",
            );
            d.label = Some("this claim rates no scenario".into());
            d.help = Some("add a [claim.ratings] table giving every scenario id a rating, or [[claim.assessment]] tables by named analysts that together rate every scenario".into());
        }
        None
    } else {
        claim_ratings(cx, t, "[claim.ratings]", &mut rating_refs, scenario_ids)
    };
    let silence = silences(cx, t, Level::Claim);
    let mut rationale = BTreeMap::new();
    let mut rationale_refs = Vec::new();
    if let Some(v) = t.get("rationale") {
        match v.get_ref() {
            DeValue::String(s) => {
                rationale.insert(String::new(), s.to_string());
            }
            DeValue::Table(rt) => {
                for (k, rv) in rt.iter() {
                    rationale_refs.push((k.get_ref().as_ref(), k.span()));
                    match rv.get_ref() {
                        DeValue::String(s) => {
                            rationale.insert(k.get_ref().to_string(), s.to_string());
                        }
                        other => {
                            cx.err(
                                Code::E003,
                                rv.span(),
                                format!(
                                    "rationale for `{}` must be a string, found {}",
                                    k.get_ref(),
                                    other.type_str()
                                ),
                            );
                        }
                    }
                }
            }
            other => {
                cx.err(
                    Code::E003,
                    v.span(),
                    format!(
                        "`rationale` must be a string or a table of strings, found {}",
                        other.type_str()
                    ),
                );
            }
        }
    }
    let tags = t
        .opt_str_list(cx, "tags")
        .unwrap_or_default()
        .into_iter()
        .map(|x| x.0)
        .collect();
    let group = match t.opt_str(cx, "group") {
        Some((g, span)) if g.trim().is_empty() => {
            let d = cx.err(Code::E010, span, "`group` must name a group");
            d.label = Some("empty group name".into());
            d.help = Some("leave `group` out for a claim that stands on its own; claims reporting the same event or coming through the same channel share one name".into());
            None
        }
        Some((g, _)) => Some(g),
        None => None,
    };
    let mut revisions = Vec::new();
    let mut revision_dates = Vec::new();
    let mut source_refs_rev = Vec::new();
    for rt in t.array_of_tables(cx, "revision", "[[claim.revision]]") {
        rt.check_keys(cx, REVISION_KEYS);
        let rdate = rt.req_date(cx, "date");
        let note = rt.req_str(cx, "note");
        let rcred = credibility(cx, &rt);
        let rrel = relevance(cx, &rt);
        let rrat = claim_ratings(
            cx,
            &rt,
            "[claim.revision.ratings]",
            &mut rating_refs,
            scenario_ids,
        )
        .unwrap_or_default();
        let rstatement = rt.opt_str(cx, "statement").map(|x| x.0);
        let rsources = rt.opt_str_list(cx, "sources");
        if let Some(list) = &rsources {
            if list.is_empty() {
                let span = rt
                    .get("sources")
                    .map(|v| v.span())
                    .unwrap_or(rt.span.clone());
                cx.err(
                    Code::E014,
                    span,
                    "a revision's `sources` replaces the claim's list and cannot be empty",
                )
                .label = Some("empty list".into());
            }
            source_refs_rev.extend(list.iter().cloned());
        }
        let rurl = url_of(cx, &rt, true);
        let status = match rt.opt_str(cx, "status") {
            Some((s, span)) => match s.as_str() {
                "retracted" => Some(Status::Retracted),
                "active" => Some(Status::Active),
                _ => {
                    let d = cx.err(
                        Code::E010,
                        span,
                        format!("status must be \"retracted\" or \"active\", found \"{s}\""),
                    );
                    d.label = Some("unknown status".into());
                    None
                }
            },
            None => None,
        };
        if let (Some((rd, rspan)), Some((note, _))) = (rdate, note) {
            revision_dates.push(rspan);
            revisions.push(Revision {
                date: rd,
                note,
                credibility: rcred,
                relevance: rrel,
                ratings: rrat,
                statement: rstatement,
                sources: rsources.map(|l| l.into_iter().map(|x| x.0).collect()),
                reliability: None,
                url: rurl,
                status,
                effective: rd,
                effective_by: None,
                loc: Loc {
                    file,
                    span: rt.span.clone(),
                },
            });
        }
    }
    // Keep an incomplete claim (its errors are already recorded) so that its
    // references are still checked and every problem shows in one run.
    let id = id?;
    ScenarioRefs {
        claim: &id.0,
        header: t.span.clone(),
        ratings_given,
        has_assessments: !assessments.is_empty(),
        ratings: rating_refs,
        rationale: rationale_refs,
        assessments: assessment_refs,
    }
    .check(cx, scenario_ids);
    Some(RawClaim {
        c: Claim {
            id: id.0,
            date: date.as_ref().map(|d| d.0).unwrap_or_default(),
            effective: date.map(|d| d.0).unwrap_or_default(),
            effective_by: None,
            statement: statement.map(|s| s.0).unwrap_or_default(),
            sources: source_refs.iter().map(|s| s.0.clone()).collect(),
            reliability: 0.0,
            url,
            credibility: cred.unwrap_or(Credibility(6)),
            relevance: rel,
            ratings: rat.unwrap_or_default(),
            ratings_given,
            assessments,
            silence,
            rationale,
            tags,
            group,
            group_index: None,
            revisions,
            loc: Loc {
                file,
                span: t.span.clone(),
            },
        },
        id_span: id.1,
        source_refs: source_refs.into_iter().chain(source_refs_rev).collect(),
        revision_dates,
    })
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
