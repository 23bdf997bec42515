//! A TOML file cut into the pieces the merge works on, each piece holding its
//! own text: the file's head (comments up to the last blank line before the
//! first entry), its key/value lines, its tables with their own key/value
//! lines and sub-tables, and the trailing comments. Comment and blank lines
//! belong to the entry that follows them. Concatenating the pieces in order
//! gives back the file byte for byte.
//!
//! The cut is made by a small lexer that knows where a TOML entry ends
//! (strings, multi-line strings, arrays and inline tables spanning lines); it
//! is only run on text that toml_edit has parsed, so it never sees invalid
//! TOML.

/// What identifies a table among its siblings.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct TableKey {
    /// The header's path below the parent table, joined with `.`.
    pub path: String,
    /// `[[…]]` (an element of an array of tables) rather than `[…]`.
    pub array: bool,
    /// The record's identity: its `id`; a revision's or an observation's
    /// `date`; an assessment's `analyst`. `None` for a plain table or a
    /// record without one.
    pub ident: Option<String>,
    /// Position among the siblings with the same path and identity (0 for
    /// the first): two revisions on the same day are (date, 0) and (date, 1).
    pub nth: usize,
}

/// A key/value entry: its dotted key (with its position among same-keyed
/// siblings, 0 unless a side repeats a key) and its text.
#[derive(Debug, Clone)]
pub(crate) struct Leaf<'a> {
    pub key: (String, usize),
    pub text: &'a str,
}

/// A table (or the file's root): its header text, its key/value entries, then
/// its sub-tables, in the file's order.
#[derive(Debug, Clone)]
pub(crate) struct Node<'a> {
    pub key: TableKey,
    /// Comments and blank lines above the header, and the header line. For
    /// the root: the file's head.
    pub head: &'a str,
    pub leaves: Vec<Leaf<'a>>,
    pub tables: Vec<Node<'a>>,
    /// The root only: comments and blank lines after the last entry.
    pub tail: &'a str,
    /// Full header path (root: empty), used to nest the tables.
    full_path: Vec<String>,
}

impl Node<'_> {
    /// The node's text, as in the file.
    pub(crate) fn text(&self) -> String {
        let mut s = String::from(self.head);
        for l in &self.leaves {
            s.push_str(l.text);
        }
        for t in &self.tables {
            s.push_str(&t.text());
        }
        s.push_str(self.tail);
        s
    }
}

#[derive(Debug, PartialEq)]
enum Kind {
    Trivia,
    Header { path: Vec<String>, array: bool },
    KeyValue { key: Vec<String> },
}

/// Cut `text` (valid TOML) into its tree of pieces.
pub(crate) fn build(text: &str) -> Node<'_> {
    let entries = lex(text);
    let mut root = Node {
        key: TableKey {
            path: String::new(),
            array: false,
            ident: None,
            nth: 0,
        },
        head: "",
        leaves: Vec::new(),
        tables: Vec::new(),
        tail: "",
        full_path: Vec::new(),
    };
    let mut stack: Vec<Node<'_>> = Vec::new();
    let mut pending = 0usize; // start of the trivia not yet given to an entry
    let mut first = true;
    for (kind, start, end) in entries {
        let _ = start;
        match kind {
            Kind::Trivia => continue,
            Kind::Header { path, array } => {
                if first {
                    pending = split_head(text, &mut root, end);
                    first = false;
                }
                let chunk = &text[pending..end];
                pending = end;
                while let Some(top) = stack.pop() {
                    if top.full_path.len() < path.len() && path.starts_with(&top.full_path) {
                        stack.push(top);
                        break;
                    }
                    attach(&mut stack, &mut root, top);
                }
                let parent_len = stack.last().map_or(0, |t| t.full_path.len());
                stack.push(Node {
                    key: TableKey {
                        path: path[parent_len..].join("."),
                        array,
                        ident: None,
                        nth: 0,
                    },
                    head: chunk,
                    leaves: Vec::new(),
                    tables: Vec::new(),
                    tail: "",
                    full_path: path,
                });
            }
            Kind::KeyValue { key } => {
                if first {
                    pending = split_head(text, &mut root, end);
                    first = false;
                }
                let chunk = &text[pending..end];
                pending = end;
                let leaf = Leaf {
                    key: (key.join("."), 0),
                    text: chunk,
                };
                match stack.last_mut() {
                    Some(t) => t.leaves.push(leaf),
                    None => root.leaves.push(leaf),
                }
            }
        }
    }
    while let Some(top) = stack.pop() {
        attach(&mut stack, &mut root, top);
    }
    if first {
        // Only comments: all of it is the head.
        root.head = text;
    } else {
        root.tail = &text[pending..];
    }
    number(&mut root);
    root
}

/// The first entry's leading trivia: the comments above its last run of
/// blank lines are the file's head; the blank lines and any comments after
/// them belong to the entry (as every later entry's do), so an entry's text
/// is the same whether or not it comes first. Returns where the entry's own
/// trivia starts.
fn split_head<'a>(text: &'a str, root: &mut Node<'a>, entry_end: usize) -> usize {
    let mut pos = 0;
    let mut head_end = 0;
    let mut prev_blank = false;
    while pos < entry_end {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        let line = text[pos..line_end].trim();
        if line.is_empty() {
            if !prev_blank {
                head_end = pos;
            }
            prev_blank = true;
        } else if line.starts_with('#') {
            prev_blank = false;
        } else {
            break;
        }
        pos = line_end;
    }
    root.head = &text[..head_end];
    head_end
}

fn attach<'a>(stack: &mut [Node<'a>], root: &mut Node<'a>, node: Node<'a>) {
    match stack.last_mut() {
        Some(parent) => parent.tables.push(node),
        None => root.tables.push(node),
    }
}

/// Fill in each record's identity and every piece's position among siblings
/// with the same key.
fn number(node: &mut Node<'_>) {
    use std::collections::HashMap;
    let mut seen: HashMap<String, usize> = HashMap::new();
    for l in &mut node.leaves {
        let n = seen.entry(l.key.0.clone()).or_default();
        l.key.1 = *n;
        *n += 1;
    }
    let mut seen: HashMap<(String, bool, Option<String>), usize> = HashMap::new();
    for t in &mut node.tables {
        if t.key.array {
            let field = match t.key.path.rsplit('.').next().unwrap_or("") {
                "revision" | "observation" => "date",
                "assessment" => "analyst",
                _ => "id",
            };
            t.key.ident = t
                .leaves
                .iter()
                .find(|l| l.key.0 == field)
                .and_then(|l| scalar(l.text, field));
        }
        let n = seen
            .entry((t.key.path.clone(), t.key.array, t.key.ident.clone()))
            .or_default();
        t.key.nth = *n;
        *n += 1;
        number(t);
    }
}

/// A key/value entry's value as text: a string's contents, a date as
/// written in ISO form, anything else as TOML writes it.
fn scalar(entry: &str, key: &str) -> Option<String> {
    let doc: toml_edit::DocumentMut = entry.parse().ok()?;
    let v = doc.get(key)?.as_value()?;
    Some(match v {
        toml_edit::Value::String(s) => s.value().trim().to_string(),
        other => other.clone().decorated("", "").to_string(),
    })
}

/// The file's entries: (kind, start, end) with `end` after the entry's line
/// (its newline included).
fn lex(text: &str) -> Vec<(Kind, usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < b.len() {
        let start = pos;
        let mut i = pos;
        while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
            i += 1;
        }
        if i >= b.len() || b[i] == b'\n' || b[i] == b'\r' || b[i] == b'#' {
            let end = line_end(b, i);
            out.push((Kind::Trivia, start, end));
            pos = end;
            continue;
        }
        if b[i] == b'[' {
            let array = b.get(i + 1) == Some(&b'[');
            let open = if array { i + 2 } else { i + 1 };
            let (segments, close) = key_path(text, open, b']');
            let end = line_end(b, close);
            out.push((
                Kind::Header {
                    path: segments,
                    array,
                },
                start,
                end,
            ));
            pos = end;
            continue;
        }
        let (key, eq) = key_path(text, i, b'=');
        let end = value_end(b, eq + 1);
        out.push((Kind::KeyValue { key }, start, end));
        pos = end;
    }
    out
}

/// After `i`: the end of the line (past its newline, or the end of text).
fn line_end(b: &[u8], i: usize) -> usize {
    let mut j = i;
    while j < b.len() && b[j] != b'\n' {
        j += 1;
    }
    (j + 1).min(b.len())
}

/// A dotted key starting at `i`, up to the byte `stop` (outside quotes):
/// its unquoted segments and the index of `stop`.
fn key_path(text: &str, mut i: usize, stop: u8) -> (Vec<String>, usize) {
    let b = text.as_bytes();
    let mut segs = Vec::new();
    let mut cur = String::new();
    while i < b.len() && b[i] != stop && b[i] != b'\n' {
        match b[i] {
            b'"' | b'\'' => {
                let q = b[i];
                let s = i + 1;
                let mut j = s;
                while j < b.len() && b[j] != q {
                    if q == b'"' && b[j] == b'\\' {
                        j += 1;
                    }
                    j += 1;
                }
                cur.push_str(&text[s..j.min(b.len())]);
                i = j + 1;
            }
            b'.' => {
                segs.push(std::mem::take(&mut cur));
                i += 1;
            }
            b' ' | b'\t' => i += 1,
            _ => {
                let ch = text[i..].chars().next().unwrap_or(' ');
                cur.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    segs.push(cur);
    (segs, i)
}

/// From inside a value: the end of the entry's last line, past strings,
/// comments and brackets spanning lines.
fn value_end(b: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < b.len() {
        match b[i] {
            b'\n' if depth == 0 => return i + 1,
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth = depth.saturating_sub(1),
            q @ (b'"' | b'\'') => {
                let triple = b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q);
                if triple {
                    i += 3;
                    while i < b.len() {
                        if q == b'"' && b[i] == b'\\' {
                            i += 2;
                            continue;
                        }
                        if b[i] == q && b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q) {
                            i += 3;
                            // Up to two more quotes belong to the string.
                            let mut extra = 0;
                            while extra < 2 && b.get(i) == Some(&q) {
                                i += 1;
                                extra += 1;
                            }
                            break;
                        }
                        i += 1;
                    }
                    continue;
                }
                i += 1;
                while i < b.len() && b[i] != q {
                    if q == b'"' && b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "#:schema x\n# file\n\n# first\n[[claim]]\nid = \"a\"\ns = \"\"\"\nx = 1\n[y]\n\"\"\" # c\nr = [\n  \"a]\", # ]\n  'b',\n]\n\n[claim.ratings]\nh = \"C\"\n\n[[claim.revision]]\ndate = 2022-01-02\n\n[[claim.revision]]\ndate = \"2022-01-02\"\n[[claim]]\n\"id\" = 'b'\nratings.h = \"N\"\n# end\n";

    #[test]
    fn pieces_give_back_the_text_and_their_keys() {
        let root = build(TEXT);
        assert_eq!(root.text(), TEXT);
        assert_eq!(root.head, "#:schema x\n# file\n");
        assert_eq!(root.tail, "# end\n");
        assert_eq!(root.tables.len(), 2);
        let a = &root.tables[0];
        assert_eq!(a.key.ident.as_deref(), Some("a"));
        assert_eq!(a.head, "\n# first\n[[claim]]\n");
        let keys: Vec<_> = a.leaves.iter().map(|l| l.key.0.as_str()).collect();
        assert_eq!(keys, ["id", "s", "r"]);
        let subs: Vec<_> = a
            .tables
            .iter()
            .map(|t| (t.key.path.as_str(), t.key.ident.clone(), t.key.nth))
            .collect();
        assert_eq!(
            subs,
            [
                ("ratings", None, 0),
                ("revision", Some("2022-01-02".to_string()), 0),
                ("revision", Some("2022-01-02".to_string()), 1),
            ]
        );
        let b = &root.tables[1];
        assert_eq!(b.key.ident.as_deref(), Some("b"));
        assert_eq!(b.leaves[1].key.0, "ratings.h");
    }

    #[test]
    fn comments_only_and_no_final_newline() {
        assert_eq!(build("# x\n").text(), "# x\n");
        let t = "a = 1\n[b]\nc = 2";
        let root = build(t);
        assert_eq!(root.text(), t);
        assert_eq!(root.tables[0].leaves[0].text, "c = 2");
    }
}
