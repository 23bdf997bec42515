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
        // An assumption names the scenarios it holds for.
        for t in aot(root, "assumption") {
            w.strings(t, "scenarios", Kind::Scenario);
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
    /// `[claim.ratings]`, extended by the key of each inline table or array
    /// the cursor is inside (`ratings = { |`), on this line or an earlier one,
    /// and by the leading parts of a dotted key (`ratings.sp = |`).
    pub table: Vec<String>,
    /// The key whose value the cursor is in, or whose array it is inside
    /// (`None`: it is at a key).
    pub key: Option<String>,
    /// The cursor is inside an opened quote.
    pub quoted: bool,
    /// Keys already written in the table (for "not yet rated"), the one at
    /// the cursor aside.
    pub present: Vec<String>,
    /// Strings already listed in the array the cursor is inside (for "not
    /// yet listed"), the one at the cursor aside.
    pub listed: Vec<String>,
    /// Start of the word being typed (what a completion replaces).
    pub word_start: usize,
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/')
}

/// The context at byte `offset` of `text`, read from the text (the file need
/// not parse: an array whose `]` is not typed yet still counts as open).
/// `None` where nothing is completed: in a comment, a header or a multi-line
/// string.
pub(crate) fn cursor(text: &str, offset: usize) -> Option<Cursor> {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let word_start = offset
        - text[line_start..offset]
            .chars()
            .rev()
            .take_while(|c| is_word(*c))
            .map(char::len_utf8)
            .sum::<usize>();
    let mut scan = Scan::new(text, offset);
    scan.run();
    let at = scan.at??;
    let items = scan.items.unwrap_or_default();
    let mut table: Vec<String> = at.stack.iter().flat_map(|f| f.path.clone()).collect();
    let top = at.stack.last()?;
    let (key, present, listed) = if top.array {
        (table.pop(), Vec::new(), items)
    } else if let Some(k) = &top.value_of {
        let mut k = k.clone();
        let last = k.pop();
        table.extend(k);
        (last, items, Vec::new())
    } else {
        (None, items, Vec::new())
    };
    Some(Cursor {
        table,
        key,
        quoted: at.quoted,
        present,
        listed,
        word_start,
    })
}

/// A container the scan is inside: the section a header opens (always the
/// first), an inline table or an array.
#[derive(Debug, Clone, Default)]
struct Frame {
    array: bool,
    /// The path it adds: the section's header, or the dotted key an inline
    /// table or array is the value of (nothing for an element of an array).
    path: Vec<String>,
    /// Keys written in it (a table) or strings listed in it (an array),
    /// except the one at the cursor.
    items: Vec<String>,
    /// A table: where the key being written starts.
    key_start: usize,
    /// A table: the key being given a value, once its `=` is read.
    value_of: Option<Vec<String>>,
}

/// The containers around the cursor.
struct At {
    stack: Vec<Frame>,
    quoted: bool,
}

/// A forward scan of TOML text that knows strings (basic, literal, both
/// multi-line), comments, headers, arrays and inline tables, so that a `[`
/// or `#` inside a string or a comment is not taken for one. It stops at the
/// cursor to note the containers around it, then goes on only until the
/// innermost of them closes (to learn what it already holds). It recovers
/// from an unclosed array at the next header or `key =` line, and from an
/// unclosed inline table at the next header.
struct Scan<'t> {
    text: &'t str,
    b: &'t [u8],
    offset: usize,
    i: usize,
    stack: Vec<Frame>,
    /// Only blanks so far on this line.
    line_blank: bool,
    /// Set on reaching the cursor: `Some(None)` where nothing is completed.
    at: Option<Option<At>>,
    /// What the innermost container at the cursor holds, once it closed.
    items: Option<Vec<String>>,
}

impl<'t> Scan<'t> {
    fn new(text: &'t str, offset: usize) -> Self {
        Scan {
            text,
            b: text.as_bytes(),
            offset,
            i: 0,
            stack: vec![Frame::default()],
            line_blank: true,
            at: None,
            items: None,
        }
    }

    fn run(&mut self) {
        // Done once the innermost container at the cursor closed, or the
        // cursor is where nothing is completed.
        while self.i < self.b.len() && self.items.is_none() && !matches!(self.at, Some(None)) {
            if self.at.is_none() && self.i >= self.offset {
                self.capture(false);
            }
            let c = self.b[self.i];
            if self.line_blank && !matches!(c, b' ' | b'\t' | b'\r' | b'\n') {
                self.line_blank = false;
                if self.line_start() {
                    continue;
                }
            }
            match c {
                b'\n' => self.newline(),
                b'#' => self.comment(),
                b'"' | b'\'' => self.string(c),
                b'[' | b'{' => self.open(c == b'['),
                b']' | b'}' if self.stack.len() > 1 => self.pop(),
                b'=' => self.equals(),
                b',' => self.comma(),
                _ => {}
            }
            self.i += 1;
        }
        if self.at.is_none() {
            self.capture(false);
        }
        if self.items.is_none() {
            if let Some(Some(at)) = &self.at {
                self.items = self.stack.get(at.stack.len() - 1).map(|f| f.items.clone());
            }
        }
    }

    fn capture(&mut self, quoted: bool) {
        self.at = Some(Some(At {
            stack: self.stack.clone(),
            quoted,
        }));
    }

    /// The cursor is in (`from`, `to`]: a place where nothing is completed.
    fn nothing_in(&mut self, from: usize, to: usize) {
        if self.at.is_none() && from < self.offset && self.offset <= to {
            self.at = Some(None);
        }
    }

    fn top(&mut self) -> &mut Frame {
        self.stack.last_mut().expect("the section frame stays")
    }

    fn pop(&mut self) {
        let f = self.stack.pop().expect("not the section frame");
        if let Some(Some(at)) = &self.at {
            if self.items.is_none() && at.stack.len() == self.stack.len() + 1 {
                self.items = Some(f.items);
            }
        }
    }

    fn eol(&self) -> usize {
        self.text[self.i..]
            .find('\n')
            .map_or(self.b.len(), |n| self.i + n)
    }

    /// At a line's first non-blank character: a header, or the end of an
    /// array left unclosed. True when the line was consumed (a header).
    fn line_start(&mut self) -> bool {
        let eol = self.eol();
        let line = &self.text[self.i..eol];
        if self.stack.len() > 1 {
            if header_like(line) {
                while self.stack.len() > 1 {
                    self.pop();
                }
                self.stack[0].value_of = None;
            } else {
                if self.top().array && key_like(line) {
                    while self.stack.len() > 1 && self.top().array {
                        self.pop();
                    }
                    let i = self.i;
                    let top = self.top();
                    top.key_start = i;
                    top.value_of = None;
                }
                return false;
            }
        }
        if self.b[self.i] != b'[' || self.stack[0].value_of.is_some() {
            return false;
        }
        self.nothing_in(self.i, eol);
        let path = header_path(line);
        self.pop_section();
        self.stack.push(Frame {
            path,
            key_start: eol,
            ..Frame::default()
        });
        self.i = eol;
        true
    }

    fn pop_section(&mut self) {
        let f = std::mem::take(&mut self.stack[0]);
        if let Some(Some(at)) = &self.at {
            if self.items.is_none() && at.stack.len() == 1 {
                self.items = Some(f.items);
            }
        }
        self.stack.clear();
    }

    fn newline(&mut self) {
        self.line_blank = true;
        if self.stack.len() == 1 {
            self.stack[0].key_start = self.i + 1;
            self.stack[0].value_of = None;
        }
    }

    fn comment(&mut self) {
        let eol = self.eol();
        self.nothing_in(self.i, eol);
        // The newline is read next.
        self.i = eol - 1;
    }

    fn string(&mut self, q: u8) {
        let start = self.i;
        let triple = self.b[start..].starts_with(&[q, q, q]);
        let (content_end, end) = if triple {
            self.multi_line_end(q)
        } else {
            let mut j = start + 1;
            loop {
                match self.b.get(j) {
                    None | Some(b'\n') => break (j, j),
                    Some(c) if *c == q => break (j, j + 1),
                    Some(b'\\') if q == b'"' => j += 2,
                    Some(_) => j += 1,
                }
            }
        };
        let content_end = content_end.min(self.b.len());
        let inside = self.at.is_none() && start < self.offset && self.offset <= content_end;
        if triple {
            self.nothing_in(start, content_end);
        } else if inside {
            self.capture(true);
        } else if self.stack.len() > 1 && self.top().array {
            let s = self.text[start + 1..content_end].trim_end().to_string();
            self.top().items.push(s);
        }
        // The newline ending an unclosed string is read next.
        self.i = end.min(self.b.len()) - 1;
    }

    /// A multi-line string from `self.i`: the end of its content and the
    /// index after its closing quotes (the end of the text if unclosed).
    fn multi_line_end(&self, q: u8) -> (usize, usize) {
        let mut j = self.i + 3;
        while j < self.b.len() {
            if q == b'"' && self.b[j] == b'\\' {
                j += 2;
            } else if self.b[j..].starts_with(&[q, q, q]) {
                // Up to two more quotes belong to the content.
                let mut k = j + 3;
                while k < self.b.len() && k < j + 5 && self.b[k] == q {
                    k += 1;
                }
                return (k - 3, k);
            } else {
                j += 1;
            }
        }
        (self.b.len(), self.b.len())
    }

    fn open(&mut self, array: bool) {
        let top = self.top();
        let path = if top.array {
            Vec::new()
        } else {
            top.value_of.clone().unwrap_or_default()
        };
        let key_start = self.i + 1;
        self.stack.push(Frame {
            array,
            path,
            key_start,
            ..Frame::default()
        });
    }

    fn equals(&mut self) {
        let (i, offset) = (self.i, self.offset);
        let text = self.text;
        let top = self.top();
        if top.array || top.value_of.is_some() {
            return;
        }
        let raw = &text[top.key_start.min(i)..i];
        let start = top.key_start + (raw.len() - raw.trim_start().len());
        let end = top.key_start + raw.trim_end().len();
        let key = dotted(raw);
        let at_cursor = start < offset && offset <= end;
        if !key.is_empty() && !at_cursor {
            top.items.push(key.join("."));
        }
        top.value_of = Some(key);
    }

    fn comma(&mut self) {
        let i = self.i;
        if self.stack.len() > 1 && !self.top().array {
            let top = self.top();
            top.key_start = i + 1;
            top.value_of = None;
        }
    }
}

/// The parts of a dotted key (`a."b.c" . d`), unquoted.
fn dotted(s: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut quote = None;
    for c in s.chars() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '.') => parts.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    parts.push(cur);
    parts
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// The path of a header line (`[[claim.revision]]`, `[claim."ratings"]`).
fn header_path(line: &str) -> Vec<String> {
    let name = line.trim_start().trim_start_matches('[');
    let mut quote = None;
    let end = name
        .char_indices()
        .find(|&(_, c)| match (quote, c) {
            (None, '"' | '\'') => {
                quote = Some(c);
                false
            }
            (Some(q), _) if c == q => {
                quote = None;
                false
            }
            (None, ']') => true,
            _ => false,
        })
        .map_or(name.len(), |(i, _)| i);
    dotted(&name[..end])
}

/// A line that can only be a header (`[claim.ratings]`, `[[claim]]`), not an
/// element of an array: bare names only.
fn header_like(line: &str) -> bool {
    let Some(inner) = line.trim().strip_prefix('[') else {
        return false;
    };
    let inner = inner.strip_prefix('[').unwrap_or(inner);
    let Some(close) = inner.find(']') else {
        return false;
    };
    let name = inner[..close].trim();
    let after = inner[close..].trim_start_matches(']').trim_start();
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ' '))
        && !matches!(name, "true" | "false" | "inf" | "nan")
        && (after.is_empty() || after.starts_with('#'))
}

/// A line that starts with `key =` (bare, possibly dotted): never an element
/// of an array.
fn key_like(line: &str) -> bool {
    let Some((k, v)) = line.split_once('=') else {
        return false;
    };
    !v.starts_with('=')
        && !k.trim().is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ' ' | '\t'))
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
            cursor(&t.replace('|', ""), i).expect("a context")
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
        // A key the cursor is in is not counted as written; one it is before is.
        let c = at("[claim.ratings]\n|elite-coup = \"C\"\nsp = \"I\"\n");
        assert_eq!(c.present, ["elite-coup", "sp"]);
        let c = at("[claim.ratings]\nelite-c|oup = \"C\"\nsp = \"I\"\n");
        assert_eq!(c.present, ["sp"]);
        let t = "[[claim]]\ndate = |";
        let c = at(t);
        assert_eq!(c.key.as_deref(), Some("date"));
        assert_eq!(c.word_start, t.len() - 1);
    }

    /// The context at `|` in `t`: the table path (dotted), the key, whether
    /// quoted, and the strings the array already lists.
    type Ctx = Option<(String, Option<String>, bool, Vec<String>)>;

    fn ctx(t: &str) -> Ctx {
        let i = t.find('|').unwrap();
        let c = cursor(&t.replace('|', ""), i)?;
        Some((c.table.join("."), c.key, c.quoted, c.listed))
    }

    fn want(table: &str, key: &str, quoted: bool, listed: &[&str]) -> Ctx {
        Some((
            table.to_string(),
            (!key.is_empty()).then(|| key.to_string()),
            quoted,
            listed.iter().map(|s| s.to_string()).collect(),
        ))
    }

    #[test]
    fn arrays_opened_on_an_earlier_line() {
        let head = "[[claim]]\nid = \"x\"\nstatement = \"a [b] # c\"\nsources = [\n  \"akorda\",\n";
        // On a new line, the `]` below.
        let t = format!("{head}  |\n]\ncredibility = 1\n");
        assert_eq!(ctx(&t), want("claim", "sources", false, &["akorda"]));
        // Typing a string: the one typed is not counted as listed.
        let t = format!("{head}  \"ak|\n]\n");
        assert_eq!(ctx(&t), want("claim", "sources", true, &["akorda"]));
        let t = format!("{head}  \"ak|\",\n  \"tass\"\n]\n");
        assert_eq!(ctx(&t), want("claim", "sources", true, &["akorda", "tass"]));
        let t = format!("{head}  'ak|\n]\n");
        assert_eq!(ctx(&t), want("claim", "sources", true, &["akorda"]));
        // After a trailing comma on the same line.
        let t = "[[claim]]\nsources = [\n  \"akorda\", |\n]\n";
        assert_eq!(ctx(t), want("claim", "sources", false, &["akorda"]));
        // After a comment line holding brackets, quotes and `=`.
        let t = format!("{head}  # see [1], \"x\" = y {{\n  |\n]\n");
        assert_eq!(ctx(&t), want("claim", "sources", false, &["akorda"]));
        // Strings holding brackets, `#` and escaped quotes open and close nothing.
        let t = "[[claim]]\nsources = [\n  \"a]#\\\"[\",\n  'b]#[',\n  |\n]\n";
        assert_eq!(
            ctx(t),
            want("claim", "sources", false, &["a]#\\\"[", "b]#["])
        );
        // The `]` not typed yet: the array still counts as open, up to the
        // next `key =` line or header.
        let t = format!("{head}  |\ncredibility = 1\n\n[[claim]]\nid = \"y\"\n");
        assert_eq!(ctx(&t), want("claim", "sources", false, &["akorda"]));
        let t = format!("{head}  \"tass\",\n  |");
        assert_eq!(
            ctx(&t),
            want("claim", "sources", false, &["akorda", "tass"])
        );
        let t = format!("{head}credibility = |\n");
        assert_eq!(ctx(&t), want("claim", "credibility", false, &[]));
        let t = format!("{head}\n[[claim]]\nid = \"y\"\ncre|\n");
        assert_eq!(ctx(&t), want("claim", "", false, &[]));
        let t = format!("{head}\n[claim.ratings]\n|\n");
        assert_eq!(ctx(&t), want("claim.ratings", "", false, &[]));
        let t = format!("{head}  \"tass\",\n[[claim.revision]] # later\nsources = [\"akorda\", |");
        assert_eq!(
            ctx(&t),
            want("claim.revision", "sources", false, &["akorda"])
        );
        // A closed array: back at a key.
        let t = format!("{head}]\ncre|\n");
        let c = cursor(&t.replace('|', ""), t.find('|').unwrap()).unwrap();
        assert_eq!(c.key, None);
        assert_eq!(c.present, ["id", "statement", "sources"]);
    }

    #[test]
    fn the_other_arrays_of_ids_across_lines() {
        let t = "title = \"t\"\n[[assumption]]\ntext = \"x\"\nscenarios = [\n  \"elite-coup\",\n  |\n]\n";
        assert_eq!(
            ctx(t),
            want("assumption", "scenarios", false, &["elite-coup"])
        );
        let t = "[[claim]]\nid = \"x\"\n[[claim.revision]]\ndate = 2022-01-10\nsources = [\n  |";
        assert_eq!(ctx(t), want("claim.revision", "sources", false, &[]));
        let t = "[[scenario]]\n[[scenario.indicator]]\n[[scenario.indicator.observation]]\nclaims = [\n  \"c1\", # first\n  \"c|\"\n]\n";
        assert_eq!(
            ctx(t),
            want("scenario.indicator.observation", "claims", true, &["c1"])
        );
        // Analysts' assessments as an array of inline tables over several lines.
        let t = "[[claim]]\nassessment = [\n  { analyst = \"lead\", ratings = {\n    elite-coup = \"C\",\n    |";
        assert_eq!(ctx(t), want("claim.assessment.ratings", "", false, &[]));
        let t = "[[claim]]\nassessment = [\n  { analyst = \"lead\" },\n  { analyst = |";
        assert_eq!(ctx(t), want("claim.assessment", "analyst", false, &[]));
        // An inline table inside a multi-line array: its keys, not the array's ids.
        let t = "[[scenario]]\nproponents = [\n  \"A\",\n  { name = \"B\", |\n]\n";
        assert_eq!(ctx(t), want("scenario.proponents", "", false, &[]));
        let t = "[[scenario]]\nproponents = [\n  { name = \"B\",\n    since = |";
        assert_eq!(ctx(t), want("scenario.proponents", "since", false, &[]));
    }

    #[test]
    fn inline_tables_across_lines_dotted_keys_and_nothing_places() {
        let at = |t: &str| cursor(&t.replace('|', ""), t.find('|').unwrap());
        let t = "[[claim]]\nratings = {\n  elite-coup = \"C\",\n  |\n}\ngroup = \"g\"\n";
        let c = at(t).unwrap();
        assert_eq!((c.table.join("."), c.key), ("claim.ratings".into(), None));
        assert_eq!(c.present, ["elite-coup"]);
        let t = "[[claim]]\nratings = { elite-coup = \"C\",\n  sp = \"|";
        let c = at(t).unwrap();
        assert_eq!(c.table.join("."), "claim.ratings");
        assert_eq!((c.key.as_deref(), c.quoted), (Some("sp"), true));
        let c = at("[[claim]]\nratings.sp = |").unwrap();
        assert_eq!(c.table.join("."), "claim.ratings");
        assert_eq!(c.key.as_deref(), Some("sp"));
        let c = at("[[claim]]\n\"rationale\" . sp = '|").unwrap();
        assert_eq!(c.table.join("."), "claim.rationale");
        assert_eq!(c.key.as_deref(), Some("sp"));
        // A header inside a multi-line string is not one.
        let c = at("[[claim]]\nstatement = \"\"\"\n[other]\nx = [\n\"\"\"\nsou|").unwrap();
        assert_eq!((c.table.join("."), c.key), ("claim".into(), None));
        let c = at("[[claim]]\nstatement = '''a '' ''' \nsources = [\n  |").unwrap();
        assert_eq!(c.key.as_deref(), Some("sources"));
        // CRLF line ends.
        let c = at("[[claim]]\r\nsources = [\r\n  \"a\",\r\n  |\r\n]\r\n").unwrap();
        assert_eq!(c.key.as_deref(), Some("sources"));
        assert_eq!(c.listed, ["a"]);
        // Nothing in a comment, a header or a multi-line string.
        assert_eq!(at("[[claim]]\nsources = [\n  # akorda|\n]\n"), None);
        assert_eq!(
            at("[[claim]]\nid = \"x\" # a comment, sources = [|\n"),
            None
        );
        assert_eq!(at("[[claim]]\n[claim.rat|\n"), None);
        assert_eq!(at("[[claim]]\nstatement = \"\"\"\nsources = [|"), None);
    }
}
