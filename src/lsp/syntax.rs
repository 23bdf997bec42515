//! What each workspace file says where: the ids it defines and cites, with
//! their byte spans (from toml_edit's spanned parse), and the record blocks
//! (`[[claim]]`, `[[source]]`, `[[scenario]]`) the code actions edit. Also the
//! cursor's context for completion, read from the text around it, so that it
//! works while the file does not parse (as it mostly does not, mid-word).

use std::ops::Range;
use toml_edit::{Item, Key, TableLike, Value};

/// What an id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Scenario,
    Source,
    Claim,
    Indicator,
    Group,
    Analyst,
    /// A rating value (`"CC"`, `"i"`, …); its id is the text as written.
    Rating,
}

/// An id in a file: defined there (`id = "…"`) or cited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    /// The id's bytes, without quotes.
    pub span: Range<usize>,
    pub kind: Kind,
    pub id: String,
    pub def: bool,
}

/// A top-level record: from its header to the next record's header.
#[derive(Debug, Clone, Default)]
pub(crate) struct Block {
    pub kind: Option<Kind>,
    pub id: String,
    pub span: Range<usize>,
    /// End of the line holding `id = "…"`.
    pub id_line_end: usize,
    /// The scenario ids its own `ratings` rate, each with the end of its value.
    pub rated: Vec<(String, usize)>,
    /// The `ratings` table is inline (`ratings = { … }`): its span.
    pub ratings_inline: Option<Range<usize>>,
    /// Span of an inline `silence = { … }`.
    pub silence_inline: Option<Range<usize>>,
    /// It has a `silence` of another form (a `[claim.silence]` table).
    pub silence_table: bool,
}

/// A date written as a string (`date = "2022-01-05"`), which could be a TOML date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StringDate {
    /// With the quotes.
    pub span: Range<usize>,
    pub date: String,
}

/// One file's ids and records.
#[derive(Debug, Clone, Default)]
pub(crate) struct Syntax {
    #[cfg_attr(not(test), allow(dead_code))] // read by the tests
    pub parsed: bool,
    pub tokens: Vec<Token>,
    pub blocks: Vec<Block>,
    pub string_dates: Vec<StringDate>,
}

impl Syntax {
    pub(crate) fn token_at(&self, offset: usize) -> Option<&Token> {
        self.tokens
            .iter()
            .find(|t| t.span.start <= offset && offset <= t.span.end)
    }
    pub(crate) fn block_at(&self, offset: usize) -> Option<&Block> {
        self.blocks
            .iter()
            .find(|b| b.span.start <= offset && offset < b.span.end.max(b.span.start + 1))
    }
}

/// The text of a quoted string or key, without its quotes.
fn inner(text: &str, span: Range<usize>) -> Range<usize> {
    let s = &text[span.clone()];
    if s.len() >= 2 && (s.starts_with('"') || s.starts_with('\'')) {
        span.start + 1..span.end - 1
    } else {
        span
    }
}

struct Walk<'t> {
    text: &'t str,
    out: Syntax,
}

impl Walk<'_> {
    fn push(&mut self, span: Option<Range<usize>>, kind: Kind, id: &str, def: bool) {
        if let Some(span) = span {
            let span = inner(self.text, span);
            self.out.tokens.push(Token {
                span,
                kind,
                id: id.to_string(),
                def,
            });
        }
    }

    fn string(&mut self, t: &dyn TableLike, key: &str, kind: Kind, def: bool) -> Option<String> {
        let v = t.get(key)?.as_value()?;
        let s = v.as_str()?;
        self.push(v.span(), kind, s, def);
        Some(s.to_string())
    }

    fn strings(&mut self, t: &dyn TableLike, key: &str, kind: Kind) {
        if let Some(arr) = t.get(key).and_then(Item::as_array) {
            for v in arr.iter() {
                if let Some(s) = v.as_str() {
                    self.push(v.span(), kind, s, false);
                }
            }
        }
    }

    fn dates(&mut self, t: &dyn TableLike) {
        for key in ["date", "published", "due", "as_of"] {
            if let Some(v) = t.get(key).and_then(Item::as_value) {
                if let (Some(s), Some(span)) = (v.as_str(), v.span()) {
                    if is_date(s) {
                        self.out.string_dates.push(StringDate {
                            span,
                            date: s.to_string(),
                        });
                    }
                }
            }
        }
    }

    /// The keys of a `ratings` (or `rationale`) table as scenario ids; the
    /// values of `ratings` as ratings. Returns the ids and their value ends.
    fn ratings(&mut self, item: &Item, values: bool) -> Vec<(String, usize)> {
        let mut out = Vec::new();
        let Some(t) = item.as_table_like() else {
            return out;
        };
        let keys: Vec<String> = t.iter().map(|(k, _)| k.to_string()).collect();
        for k in keys {
            let Some((key, v)) = t.get_key_value(&k) else {
                continue;
            };
            self.push(key_span(key), Kind::Scenario, &k, false);
            let end = v.span().map(|s| s.end).unwrap_or(0);
            if values {
                if let Some(r) = v.as_str() {
                    self.push(v.span(), Kind::Rating, r, false);
                }
            }
            out.push((k, end));
        }
        out
    }

    fn claim(&mut self, t: &toml_edit::Table, block: &mut Block) {
        block.kind = Some(Kind::Claim);
        block.id = self.string(t, "id", Kind::Claim, true).unwrap_or_default();
        self.strings(t, "sources", Kind::Source);
        self.string(t, "group", Kind::Group, false);
        self.dates(t);
        if let Some(r) = t.get("ratings") {
            block.rated = self.ratings(r, true);
            if let Some(v) = r.as_value() {
                block.ratings_inline = v.span();
            }
        }
        if let Some(r) = t.get("rationale") {
            if r.is_table_like() {
                self.ratings(r, false);
            }
        }
        match t.get("silence") {
            Some(Item::Value(Value::InlineTable(it))) => block.silence_inline = it.span(),
            Some(_) => block.silence_table = true,
            None => {}
        }
        for rev in aot(t, "revision") {
            self.strings(rev, "sources", Kind::Source);
            self.dates(rev);
            if let Some(r) = rev.get("ratings") {
                self.ratings(r, true);
            }
        }
        for a in aot(t, "assessment") {
            self.string(a, "analyst", Kind::Analyst, false);
            if let Some(r) = a.get("ratings") {
                self.ratings(r, true);
            }
        }
    }

    fn scenario(&mut self, t: &toml_edit::Table, block: &mut Block) {
        block.kind = Some(Kind::Scenario);
        block.id = self
            .string(t, "id", Kind::Scenario, true)
            .unwrap_or_default();
        match t.get("silence") {
            Some(Item::Value(Value::InlineTable(it))) => block.silence_inline = it.span(),
            Some(_) => block.silence_table = true,
            None => {}
        }
        for ind in aot(t, "indicator") {
            self.string(ind, "id", Kind::Indicator, true);
            self.dates(ind);
            if let Some(r) = ind.get("ratings") {
                self.ratings(r, true);
            }
            for o in aot(ind, "observation") {
                self.dates(o);
                self.strings(o, "claims", Kind::Claim);
            }
        }
    }
}

fn is_date(s: &str) -> bool {
    s.len() == 10 && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

fn key_span(k: &Key) -> Option<Range<usize>> {
    k.span()
}

fn aot<'a>(t: &'a toml_edit::Table, key: &str) -> Vec<&'a toml_edit::Table> {
    match t.get(key) {
        Some(Item::ArrayOfTables(a)) => a.iter().collect(),
        _ => Vec::new(),
    }
}

/// Index one file (`rel` says which kind it is). A file that does not parse
/// gives an empty index with `parsed = false`.
pub(crate) fn index(rel: &str, text: &str) -> Syntax {
    let Ok(doc) = toml_edit::Document::parse(text) else {
        return Syntax::default();
    };
    let mut w = Walk {
        text,
        out: Syntax {
            parsed: true,
            ..Syntax::default()
        },
    };
    let root = doc.as_table();
    if rel == crate::load::CONFIG_FILE {
        if let Some(r) = root.get("resolution").and_then(Item::as_table_like) {
            w.string(r, "scenario", Kind::Scenario, false);
            w.dates(r);
        }
        w.dates(root);
    }
    // Each record's table, in file order, to cut the file into blocks.
    let mut records: Vec<(usize, &toml_edit::Table, &str)> = Vec::new();
    for key in ["scenario", "source", "claim"] {
        for t in aot(root, key) {
            if let Some(s) = t.span() {
                records.push((s.start, t, key));
            }
        }
    }
    records.sort_by_key(|r| r.0);
    for (i, (start, t, key)) in records.iter().enumerate() {
        let end = records.get(i + 1).map_or(text.len(), |r| r.0);
        let mut b = Block {
            span: *start..end,
            ..Block::default()
        };
        match *key {
            "claim" => w.claim(t, &mut b),
            "scenario" => w.scenario(t, &mut b),
            _ => {
                b.kind = Some(Kind::Source);
                b.id = w.string(*t, "id", Kind::Source, true).unwrap_or_default();
                w.string(*t, "interest", Kind::Scenario, false);
                w.dates(*t);
            }
        }
        if let Some(v) = t.get("id").and_then(Item::as_value).and_then(Value::span) {
            b.id_line_end = text[v.end..].find('\n').map_or(text.len(), |i| v.end + i);
        }
        w.out.blocks.push(b);
    }
    w.out.tokens.sort_by_key(|t| t.span.start);
    w.out
}

/// Where the cursor is, for completion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cursor {
    /// The header path of the table it is in: `["claim", "ratings"]` under
    /// `[claim.ratings]`, extended by the key of an inline table or array the
    /// cursor is inside (`ratings = { |`).
    pub table: Vec<String>,
    /// The key whose value the cursor is in (`None`: it is at a key).
    pub key: Option<String>,
    /// The cursor is inside an opened quote.
    pub quoted: bool,
    /// Keys already written in the table (for "not yet rated").
    pub present: Vec<String>,
    /// Start of the word being typed (what a completion replaces).
    pub word_start: usize,
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/')
}

/// The context at byte `offset` of `text`.
pub(crate) fn cursor(text: &str, offset: usize) -> Cursor {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    let word_start = offset
        - before
            .chars()
            .rev()
            .take_while(|c| is_word(*c))
            .map(char::len_utf8)
            .sum::<usize>();
    // The header this line is under.
    let mut table: Vec<String> = Vec::new();
    let mut header_end = 0;
    let mut pos = line_start;
    while pos > 0 {
        let prev_start = text[..pos - 1].rfind('\n').map_or(0, |i| i + 1);
        let line = text[prev_start..pos - 1].trim();
        if line.starts_with('[') {
            let name = line.trim_start_matches('[');
            let name = name.split(']').next().unwrap_or("");
            table = name
                .split('.')
                .map(|s| s.trim().trim_matches('"').to_string())
                .collect();
            header_end = pos;
            break;
        }
        pos = prev_start;
    }
    let mut present = Vec::new();
    // Keys under the header, up to the next header (for a table of ratings).
    let section_end = text[header_end..]
        .match_indices('\n')
        .map(|(i, _)| header_end + i + 1)
        .find(|&i| text[i..].trim_start().starts_with('['))
        .unwrap_or(text.len());
    for line in text[header_end..section_end].lines() {
        if let Some((k, _)) = line.split_once('=') {
            let k = k.trim().trim_matches('"');
            if !k.is_empty() {
                present.push(k.to_string());
            }
        }
    }
    // Inside an inline table or array opened on this line?
    let mut depth: Vec<(char, usize)> = Vec::new();
    let mut in_str = false;
    for (i, c) in before.char_indices() {
        match c {
            '"' => in_str = !in_str,
            '{' | '[' if !in_str => depth.push((c, i)),
            '}' | ']' if !in_str => {
                depth.pop();
            }
            _ => {}
        }
    }
    let mut segment = before;
    if let Some(&(open, at)) = depth.last() {
        let key = before[..at].trim_end().trim_end_matches('=').trim();
        let key = key
            .rsplit([',', '{', ' '])
            .next()
            .unwrap_or("")
            .trim_matches('"');
        if !key.is_empty() {
            table.push(key.to_string());
        }
        let inside = &before[at + 1..];
        if open == '[' {
            return Cursor {
                key: table.pop(),
                table,
                quoted: inside.matches('"').count() % 2 == 1,
                present,
                word_start,
            };
        }
        // The keys of the inline table, not the section's.
        present = inside
            .split(',')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, _)| k.trim().trim_matches('"').to_string())
            .collect();
        segment = inside.rsplit(',').next().unwrap_or("");
    }
    let (key, quoted) = match segment.split_once('=') {
        Some((k, v)) => (
            Some(k.trim().trim_matches('"').to_string()),
            v.matches('"').count() % 2 == 1,
        ),
        None => (None, false),
    };
    Cursor {
        table,
        key,
        quoted,
        present,
        word_start,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLAIMS: &str = "[[source]]\nid = \"tass\"\nname = \"TASS\"\nkind = \"media\"\nreliability = \"C\"\n\n[[claim]]\nid = \"c1\"\ndate = \"2022-01-05\"\nstatement = \"x\"\nsources = [\"tass\"]\ncredibility = 2\ngroup = \"g\"\nratings = { elite-coup = \"C\", \"staged-purge\" = \"i\" }\n\n[[claim]]\nid = \"c2\"\ndate = 2022-01-06\nstatement = \"y\"\nsources = [\"tass\"]\ncredibility = 2\n\n[claim.ratings]\nelite-coup = \"N\"\n";

    #[test]
    fn indexes_ids_blocks_and_string_dates() {
        let s = index("claims/a.toml", CLAIMS);
        assert!(s.parsed);
        let got: Vec<(Kind, &str, bool, &str)> = s
            .tokens
            .iter()
            .map(|t| (t.kind, t.id.as_str(), t.def, &CLAIMS[t.span.clone()]))
            .collect();
        assert_eq!(
            got,
            [
                (Kind::Source, "tass", true, "tass"),
                (Kind::Claim, "c1", true, "c1"),
                (Kind::Source, "tass", false, "tass"),
                (Kind::Group, "g", false, "g"),
                (Kind::Scenario, "elite-coup", false, "elite-coup"),
                (Kind::Rating, "C", false, "C"),
                (Kind::Scenario, "staged-purge", false, "staged-purge"),
                (Kind::Rating, "i", false, "i"),
                (Kind::Claim, "c2", true, "c2"),
                (Kind::Source, "tass", false, "tass"),
                (Kind::Scenario, "elite-coup", false, "elite-coup"),
                (Kind::Rating, "N", false, "N"),
            ]
        );
        assert_eq!(s.blocks.len(), 3);
        assert_eq!(s.blocks[1].id, "c1");
        assert!(s.blocks[1].ratings_inline.is_some());
        assert_eq!(s.blocks[2].rated.len(), 1);
        assert!(s.blocks[2].ratings_inline.is_none());
        assert_eq!(s.blocks[2].span.end, CLAIMS.len());
        assert_eq!(s.string_dates.len(), 1);
        assert_eq!(&CLAIMS[s.string_dates[0].span.clone()], "\"2022-01-05\"");
        assert!(!index("claims/a.toml", "[[claim]\n").parsed);
    }

    #[test]
    fn cursor_contexts() {
        let at = |t: &str| {
            let i = t.find('|').unwrap();
            cursor(&t.replace('|', ""), i)
        };
        let c = at("[[claim]]\nid = \"x\"\n[claim.ratings]\nelite-coup = \"C\"\nsta|");
        assert_eq!(c.table, ["claim", "ratings"]);
        assert_eq!(c.key, None);
        assert_eq!(c.present, ["elite-coup"]);
        let c = at("[[claim]]\nratings = { elite-coup = \"C\", sp = \"|");
        assert_eq!(c.table, ["claim", "ratings"]);
        assert_eq!(c.key.as_deref(), Some("sp"));
        assert!(c.quoted);
        assert_eq!(c.present, ["elite-coup", "sp"]);
        let c = at("[[claim]]\nsources = [\"tass\", \"e|");
        assert_eq!(c.table, ["claim"]);
        assert_eq!(c.key.as_deref(), Some("sources"));
        assert!(c.quoted);
        let c = at("[[claim]]\nid = \"x\"\nda|");
        assert_eq!(
            (c.table.as_slice(), c.key.as_deref()),
            (&["claim".to_string()][..], None)
        );
        let t = "[[claim]]\ndate = |";
        let c = at(t);
        assert_eq!(c.key.as_deref(), Some("date"));
        assert_eq!(c.word_start, t.len() - 1);
    }
}
