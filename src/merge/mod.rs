//! The three-way merge of a workspace file (`kzclaims merge-driver`), as pure
//! functions over the three texts.
//!
//! Records are matched by identity, not by line: sources, claims, scenarios
//! and indicators by `id`; inside a record, each key and each sub-table by
//! its name; revisions and observations by (date, position among the same
//! day's), assessments by analyst. A piece changed on one side takes that
//! side's text; changed alike on both, one copy; changed differently, or
//! changed on one side and deleted on the other, it is a conflict written
//! with git's markers around that piece only, and everything else is merged.
//! Records added on both sides are both kept, ours first, each where its side
//! put it; the same id added on both sides with different text is a conflict.
//!
//! Every piece keeps its text (comments and blank lines above it belong to
//! it), so formatting is kept; when all three inputs were in `fmt`'s form the
//! result is put in it too. Each side of every conflict is a whole entry or a
//! whole table, so the result parses once each conflict is resolved to either
//! side (a property test in tests below checks it on generated edits).

pub(crate) mod tree;

use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use tree::{Leaf, Node, TableKey};

/// The opening conflict marker line's start, as git writes it.
pub(crate) const MARKER_OURS: &str = "<<<<<<< ours";
/// The separator line.
pub(crate) const MARKER_SEP: &str = "=======";
/// The closing marker line's start.
pub(crate) const MARKER_THEIRS: &str = ">>>>>>> theirs";

/// A merged file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Merged {
    pub text: String,
    /// One line per conflict: where it is (`claim `x`, key `statement``).
    pub conflicts: Vec<String>,
}

/// One side that is not TOML: which side and the parser's message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Unparsable {
    pub side: &'static str,
    pub message: String,
}

/// Merge `ours` and `theirs`, both descended from `base`. `rel` is the file's
/// path in the workspace (`claims/a.toml`, `scenarios/x.toml`,
/// `kzclaims.toml`), which tells `fmt` which kind of file it is. An empty
/// base is a file both sides added.
pub(crate) fn merge(base: &str, ours: &str, theirs: &str, rel: &str) -> Result<Merged, Unparsable> {
    for (side, text) in [("base", base), ("ours", ours), ("theirs", theirs)] {
        if let Err(e) = text.parse::<toml_edit::DocumentMut>() {
            let message = e.to_string();
            return Err(Unparsable {
                side,
                message: message.trim().to_string(),
            });
        }
    }
    let (o, a, b) = (tree::build(base), tree::build(ours), tree::build(theirs));
    // Key by key first; if that would not parse (a key written inline on one
    // side and as a table on the other: `ratings = { … }` against
    // `[claim.ratings]`), record by record, each record whole from one side;
    // if even that would not, git's line merge (the caller's fallback).
    let mut out = None;
    for coarse in [false, true] {
        let mut o2 = Out {
            coarse,
            ..Out::default()
        };
        merge_node(Some(&o), &a, &b, &mut o2, "");
        if parses_either_way(&o2.text) {
            out = Some(o2);
            break;
        }
    }
    let Some(out) = out else {
        return Err(Unparsable {
            side: "the merge by id",
            message: "it would not parse (the same key written as a value on one side and as a table on the other)".into(),
        });
    };
    let mut text = out.text;
    if out.conflicts.is_empty() {
        let fmt = |t: &str| crate::load::fmt::format(rel, t).is_some_and(|f| f == t);
        if fmt(base) && fmt(ours) && fmt(theirs) {
            if let Some(f) = crate::load::fmt::format(rel, &text) {
                text = f;
            }
        }
    }
    Ok(Merged {
        text,
        conflicts: out.conflicts,
    })
}

/// Whether the text parses with every conflict resolved to ours, and to
/// theirs (once, when there is none).
fn parses_either_way(text: &str) -> bool {
    let ok = |t: &str| t.parse::<toml_edit::DocumentMut>().is_ok();
    ok(&resolve(text, true)) && ok(&resolve(text, false))
}

/// The merged text being written, and the conflicts met.
#[derive(Default)]
struct Out {
    text: String,
    conflicts: Vec<String>,
    /// Records are merged whole (taken from one side, or a conflict), not
    /// key by key.
    coarse: bool,
}

impl Out {
    fn push(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
        self.text.push_str(s);
    }

    /// Git's markers around the two sides' texts (either may be empty: a
    /// deletion). Blank lines both sides start with stay outside.
    fn conflict(&mut self, ours: &str, theirs: &str, what: String) {
        let (mut a, mut b) = (ours, theirs);
        while a.starts_with('\n') && b.starts_with('\n') {
            self.push("\n");
            a = &a[1..];
            b = &b[1..];
        }
        self.push(&format!("{MARKER_OURS}\n"));
        self.push(a);
        self.push(&format!("{MARKER_SEP}\n"));
        self.push(b);
        self.push(&format!("{MARKER_THEIRS}\n"));
        self.conflicts.push(what);
    }
}

/// The kind of workspace file at a repository path (git's %P), as `fmt`
/// names it: `kzclaims.toml`, `scenarios/NAME` or `claims/NAME`. The
/// workspace may sit in a sub-folder of the repository.
pub(crate) fn workspace_rel(path: &str) -> String {
    let p = std::path::Path::new(path);
    let name = p
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    if name == "kzclaims.toml" {
        return name;
    }
    let under_scenarios = p
        .parent()
        .and_then(|d| d.file_name())
        .is_some_and(|d| d == "scenarios");
    if under_scenarios {
        format!("scenarios/{name}")
    } else {
        format!("claims/{name}")
    }
}

/// The three-way merge of one piece of text.
enum Text<'t> {
    Take(&'t str),
    Conflict,
}

fn merge_text<'t>(o: Option<&str>, a: &'t str, b: &'t str) -> Text<'t> {
    let o = o.map(sig);
    if sig(a) == sig(b) || o == Some(sig(b)) {
        Text::Take(a)
    } else if o == Some(sig(a)) {
        Text::Take(b)
    } else {
        Text::Conflict
    }
}

/// A piece's text without the blank lines above it: an entry that became
/// the first of its file has the same text as before (its blank line may
/// have gone to the file's head), so only what it says is compared.
fn sig(s: &str) -> &str {
    let mut rest = s;
    while let Some(i) = rest.find('\n') {
        if rest[..i].trim().is_empty() {
            rest = &rest[i + 1..];
        } else {
            break;
        }
    }
    rest
}

/// What a table is, for a conflict's description.
fn describe(ctx: &str, k: &TableKey) -> String {
    let name = match (&k.ident, k.nth) {
        (Some(id), 0) => format!("{} `{id}`", k.path),
        (Some(id), n) => format!("{} `{id}` (#{})", k.path, n + 1),
        (None, 0) if k.array => format!("{} (first)", k.path),
        (None, n) if k.array => format!("{} (#{})", k.path, n + 1),
        (None, _) => format!("[{}]", k.path),
    };
    if ctx.is_empty() {
        name
    } else {
        format!("{ctx}, {name}")
    }
}

fn merge_node(o: Option<&Node<'_>>, a: &Node<'_>, b: &Node<'_>, out: &mut Out, ctx: &str) {
    let here = if a.key.path.is_empty() {
        ctx.to_string()
    } else {
        describe(ctx, &a.key)
    };
    match merge_text(o.map(|n| n.head), a.head, b.head) {
        Text::Take(t) => out.push(t),
        Text::Conflict => out.conflict(a.head, b.head, format!("{here} (its header)")),
    }
    // Key/value entries.
    let ol: Vec<&Leaf<'_>> = o.map_or(Vec::new(), |n| n.leaves.iter().collect());
    let al: Vec<&Leaf<'_>> = a.leaves.iter().collect();
    let bl: Vec<&Leaf<'_>> = b.leaves.iter().collect();
    let key = |l: &&Leaf<'_>| l.key.clone();
    for step in merge_list(&ol, &al, &bl, key) {
        let what = |k: &(String, usize)| {
            let f = if k.1 == 0 {
                format!("key `{}`", k.0)
            } else {
                format!("key `{}` (#{})", k.0, k.1 + 1)
            };
            if here.is_empty() {
                f
            } else {
                format!("{here}, {f}")
            }
        };
        match step {
            Step::One(l) => out.push(l.text),
            Step::Both(o, a, b) => match merge_text(o.map(|l| l.text), a.text, b.text) {
                Text::Take(t) => out.push(t),
                Text::Conflict => out.conflict(a.text, b.text, what(&a.key)),
            },
            Step::Gone(a, b) => {
                let k = a.or(b).map(|l| l.key.clone()).unwrap_or_default();
                out.conflict(
                    a.map_or("", |l| l.text),
                    b.map_or("", |l| l.text),
                    format!("{} (changed on one side, deleted on the other)", what(&k)),
                );
            }
        }
    }
    // Sub-tables and records.
    let ot: Vec<&Node<'_>> = o.map_or(Vec::new(), |n| n.tables.iter().collect());
    let at: Vec<&Node<'_>> = a.tables.iter().collect();
    let bt: Vec<&Node<'_>> = b.tables.iter().collect();
    let key = |t: &&Node<'_>| t.key.clone();
    for step in merge_list(&ot, &at, &bt, key) {
        match step {
            Step::One(t) => out.push(&t.text()),
            Step::Both(o, a, b) => {
                let (ta, tb) = (a.text(), b.text());
                if out.coarse && o.is_some() {
                    let o_text = o.map(|n| n.text()).unwrap_or_default();
                    match merge_text(Some(&o_text), &ta, &tb) {
                        Text::Take(t) => out.push(t),
                        Text::Conflict => out.conflict(
                            &ta,
                            &tb,
                            format!("{} (changed on both sides)", describe(&here, &a.key)),
                        ),
                    }
                } else if o.is_none() && a.key.array && sig(&ta) != sig(&tb) {
                    // The same record added on both sides, differently.
                    out.conflict(
                        &ta,
                        &tb,
                        format!("{} (added on both sides)", describe(&here, &a.key)),
                    );
                } else {
                    merge_node(o, a, b, out, &here);
                }
            }
            Step::Gone(a, b) => {
                let k = a.or(b).map(|t| t.key.clone()).expect("one side has it");
                out.conflict(
                    &a.map_or(String::new(), |t| t.text()),
                    &b.map_or(String::new(), |t| t.text()),
                    format!(
                        "{} (changed on one side, deleted on the other)",
                        describe(&here, &k)
                    ),
                );
            }
        }
    }
    let tail = merge_text(Some(o.map_or("", |n| n.tail)), a.tail, b.tail);
    match tail {
        Text::Take(t) => out.push(t),
        Text::Conflict => out.conflict(a.tail, b.tail, format!("{here} (closing comments)")),
    }
}

/// One step of a merged list, in output order.
enum Step<'x, T> {
    /// Kept as is (one side's addition, or unchanged where the other side
    /// left it).
    One(&'x T),
    /// On both sides (and maybe in the base): merge them.
    Both(Option<&'x T>, &'x T, &'x T),
    /// Changed on one side, deleted on the other: (ours, theirs), one `None`.
    Gone(Option<&'x T>, Option<&'x T>),
}

/// Merge three keyed lists: ours' order, with theirs' additions inserted
/// after the entry that precedes them on their side (after ours' own
/// additions there); deletions applied when the other side left the entry
/// unchanged (`same` compares texts).
fn merge_list<'x, T, K>(
    o: &[&'x T],
    a: &[&'x T],
    b: &[&'x T],
    key: impl Fn(&&'x T) -> K,
) -> Vec<Step<'x, T>>
where
    K: Eq + Hash + Clone,
    T: Textual,
{
    let om: HashMap<K, &'x T> = o.iter().map(|t| (key(t), *t)).collect();
    let am: HashMap<K, &'x T> = a.iter().map(|t| (key(t), *t)).collect();
    let bm: HashMap<K, &'x T> = b.iter().map(|t| (key(t), *t)).collect();
    // Output order of keys.
    let mut order: Vec<K> = a.iter().map(&key).collect();
    let mut placed: HashSet<K> = order.iter().cloned().collect();
    let ours_added = |k: &K| !om.contains_key(k) && !bm.contains_key(k);
    for (i, t) in b.iter().enumerate() {
        let k = key(t);
        if placed.contains(&k) {
            continue;
        }
        let mut at = 0;
        for prev in b[..i].iter().rev() {
            let pk = key(prev);
            if let Some(p) = order.iter().position(|x| *x == pk) {
                at = p + 1;
                break;
            }
        }
        while at < order.len() && ours_added(&order[at]) {
            at += 1;
        }
        order.insert(at, k.clone());
        placed.insert(k);
    }
    let mut steps = Vec::new();
    for k in order {
        let (ov, av, bv) = (
            om.get(&k).copied(),
            am.get(&k).copied(),
            bm.get(&k).copied(),
        );
        match (ov, av, bv) {
            (_, Some(a), Some(b)) => steps.push(Step::Both(ov, a, b)),
            (None, Some(a), None) => steps.push(Step::One(a)),
            (None, None, Some(b)) => steps.push(Step::One(b)),
            (Some(o), Some(a), None) => {
                if sig(&o.text_of()) != sig(&a.text_of()) {
                    steps.push(Step::Gone(Some(a), None));
                }
            }
            (Some(o), None, Some(b)) => {
                if sig(&o.text_of()) != sig(&b.text_of()) {
                    steps.push(Step::Gone(None, Some(b)));
                }
            }
            (_, None, None) => {}
        }
    }
    steps
}

/// A piece's whole text, to tell whether a side changed it.
trait Textual {
    fn text_of(&self) -> String;
}

impl Textual for Leaf<'_> {
    fn text_of(&self) -> String {
        self.text.to_string()
    }
}

impl Textual for Node<'_> {
    fn text_of(&self) -> String {
        self.text()
    }
}

/// Each conflict resolved to one side: `ours` keeps what is between
/// `<<<<<<<` and `=======`, else what is between `=======` and `>>>>>>>`.
/// For tests and for reading a merged file.
pub(crate) fn resolve(text: &str, ours: bool) -> String {
    let mut out = String::new();
    let mut state = 0; // 0 outside, 1 ours, 2 theirs
    for line in text.split_inclusive('\n') {
        if line.starts_with("<<<<<<<") && state == 0 {
            state = 1;
        } else if line.starts_with("=======") && state == 1 {
            state = 2;
        } else if line.starts_with(">>>>>>>") && state == 2 {
            state = 0;
        } else if state == 0 || (state == 1) == ours {
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests;
