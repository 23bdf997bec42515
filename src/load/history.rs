//! A claim's history in git (`kzclaims history CLAIM_ID`): every commit
//! reachable from HEAD whose version of the claim differs from its first
//! parent's, newest first, with what changed. The claim is found by id in
//! every claims file, so a move between files is a move, not a deletion and
//! an addition. The repository is read through [`super::git::WorkspaceRepo`],
//! as the first-recorded walk ([`super::recorded`]) reads it: the same claims
//! files (hidden names skipped, as the loader skips them), each claims
//! folder tree and each file's blob read once (cached by object id), and a
//! file parsed only when its text holds the quoted id.

use super::git::WorkspaceRepo;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// One commit that changed the claim.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub(crate) struct Change {
    pub commit: String,
    pub short: String,
    pub author: String,
    pub email: String,
    /// Author date, ISO 8601 with the author's offset.
    pub date: String,
    /// The commit message's first line.
    pub message: String,
    /// `added`, `removed`, `moved` or `changed`.
    pub kind: &'static str,
    /// The claims file holding it after the commit (before, if removed).
    pub file: String,
    /// For a move: the file it left.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved_from: Option<String>,
    /// Field by field (empty for an addition or a removal).
    pub fields: Vec<Field>,
}

/// One field that changed: `credibility`, `ratings.elite-coup`,
/// `revision 2022-01-10`, `assessment ann`, …
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub(crate) struct Field {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The claim in one commit: its file and its table.
type State = Option<(String, toml::Table)>;

/// The history of claim `id` in the workspace at `root`, newest first.
pub(crate) fn claim_history(root: &Path, id: &str) -> Result<Vec<Change>, String> {
    let mut w = Walker {
        wr: WorkspaceRepo::discover(root)?,
        needle: format!("\"{id}\""),
        id: id.to_string(),
        trees: HashMap::new(),
        blobs: HashMap::new(),
    };
    let repo = w.wr.repo().clone();
    let head = repo
        .head_id()
        .map_err(|e| format!("cannot read HEAD: {e}"))?;
    let walk = repo
        .rev_walk([head.detach()])
        .all()
        .map_err(|e| format!("cannot walk the history: {e}"))?;
    let mut out: Vec<(i64, usize, Change)> = Vec::new();
    for (n, info) in walk.enumerate() {
        let info = info.map_err(|e| format!("cannot walk the history: {e}"))?;
        let commit = info
            .object()
            .map_err(|e| format!("cannot read commit {}: {e}", info.id))?;
        let now = w.state_of(&commit)?;
        // A merge that takes the claim as one of its parents had it brought
        // no change of its own: the change is listed at the commit that made
        // it (as `git log` simplifies merges).
        let mut parents = Vec::new();
        for p in info.parent_ids.iter() {
            let parent = repo
                .find_commit(*p)
                .map_err(|e| format!("cannot read commit {p}: {e}"))?;
            parents.push(w.state_of(&parent)?);
        }
        if parents.len() > 1 && parents.iter().any(|p| same(p, &now)) {
            continue;
        }
        let before = parents.into_iter().next().flatten();
        let Some(change) = describe(&before, &now) else {
            continue;
        };
        let author = commit.author().map_err(|e| e.to_string())?;
        let time = author.time().map_err(|e| e.to_string())?;
        let when = chrono::DateTime::from_timestamp(time.seconds, 0)
            .zip(chrono::FixedOffset::east_opt(time.offset))
            .map(|(t, off)| t.with_timezone(&off).to_rfc3339())
            .unwrap_or_default();
        out.push((
            time.seconds,
            n,
            Change {
                commit: commit.id.to_string(),
                short: commit.id.to_hex_with_len(7).to_string(),
                author: author.name.to_string(),
                email: author.email.to_string(),
                date: when,
                message: commit
                    .message()
                    .map(|m| m.summary().to_string())
                    .unwrap_or_default(),
                ..change
            },
        ));
    }
    // Newest first; commits of the same second in the walk's order.
    out.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    Ok(out.into_iter().map(|(_, _, c)| c).collect())
}

/// A commit's tree.
fn tree_of(commit: &gix::Commit<'_>) -> Result<gix::ObjectId, String> {
    Ok(commit.tree_id().map_err(|e| e.to_string())?.detach())
}

struct Walker {
    /// The repository, read as the first-recorded walk reads it.
    wr: WorkspaceRepo,
    needle: String,
    id: String,
    /// claims folder tree → the claim in it.
    trees: HashMap<gix::ObjectId, State>,
    /// file blob → the claim's table in it, if there.
    blobs: HashMap<gix::ObjectId, Option<toml::Table>>,
}

impl Walker {
    /// The claim in `commit`'s tree.
    fn state_of(&mut self, commit: &gix::Commit<'_>) -> Result<State, String> {
        let Some(oid) = self.wr.claims_tree(tree_of(commit)?)? else {
            return Ok(None);
        };
        if let Some(s) = self.trees.get(&oid) {
            return Ok(s.clone());
        }
        let files = self.wr.claim_files_in(oid)?;
        let mut state = None;
        for (rel, blob) in files {
            let claim = self.claim_in(blob).map_err(|e| {
                format!(
                    "cannot read `{rel}` at commit {}: {e}",
                    commit.id.to_hex_with_len(7)
                )
            })?;
            if let Some(t) = claim {
                state = Some((rel, t));
                break;
            }
        }
        self.trees.insert(oid, state.clone());
        Ok(state)
    }

    fn claim_in(&mut self, blob: gix::ObjectId) -> Result<Option<toml::Table>, String> {
        if let Some(c) = self.blobs.get(&blob) {
            return Ok(c.clone());
        }
        let data = super::git::read_blob(self.wr.repo(), blob)?;
        let text = String::from_utf8_lossy(&data);
        let found = if text.contains(&self.needle) {
            // A file that does not parse at some commit (a conflict left in
            // it, a typo) does not hold the claim there.
            toml::from_str::<toml::Table>(&text).ok().and_then(|t| {
                t.get("claim")?
                    .as_array()?
                    .iter()
                    .filter_map(|c| c.as_table())
                    .find(|c| c.get("id").and_then(|v| v.as_str()) == Some(self.id.as_str()))
                    .cloned()
            })
        } else {
            None
        };
        self.blobs.insert(blob, found.clone());
        Ok(found)
    }
}

/// The same claim in the same file (the fields compared as values).
fn same(a: &State, b: &State) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some((fa, ta)), Some((fb, tb))) => fa == fb && fields(ta, tb).is_empty(),
        _ => false,
    }
}

/// What changed from `before` to `now` (commit fields left empty), or
/// `None` when the claim is the same.
fn describe(before: &State, now: &State) -> Option<Change> {
    let blank = |kind, file: &str| Change {
        commit: String::new(),
        short: String::new(),
        author: String::new(),
        email: String::new(),
        date: String::new(),
        message: String::new(),
        kind,
        file: file.to_string(),
        moved_from: None,
        fields: Vec::new(),
    };
    match (before, now) {
        (None, None) => None,
        (None, Some((f, _))) => Some(blank("added", f)),
        (Some((f, _)), None) => Some(blank("removed", f)),
        (Some((fa, a)), Some((fb, b))) => {
            let fields = fields(a, b);
            if fa == fb && fields.is_empty() {
                return None;
            }
            let mut c = blank(if fa == fb { "changed" } else { "moved" }, fb);
            if fa != fb {
                c.moved_from = Some(fa.clone());
            }
            c.fields = fields;
            Some(c)
        }
    }
}

/// Field-by-field changes between two versions of a claim's table.
pub(crate) fn fields(a: &toml::Table, b: &toml::Table) -> Vec<Field> {
    let (fa, fb) = (flatten(a), flatten(b));
    let mut out = Vec::new();
    let mut keys: Vec<&String> = fa.keys().chain(fb.keys()).collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        let (x, y) = (fa.get(k), fb.get(k));
        if x != y {
            out.push(Field {
                field: k.clone(),
                before: x.cloned(),
                after: y.cloned(),
            });
        }
    }
    out
}

/// `key` → value as TOML writes it (a string without quotes, so a date
/// written as a string and as a date read the same); sub-tables as
/// `table.key`, a revision's keys as `revision DATE.key` (`DATE #2` for a
/// second one that day), an assessment's as `assessment ANALYST.key`.
fn flatten(t: &toml::Table) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (k, v) in t {
        match (k.as_str(), v) {
            ("revision" | "assessment", toml::Value::Array(items)) => {
                let mut seen: HashMap<String, usize> = HashMap::new();
                for item in items {
                    let who = if k == "revision" { "date" } else { "analyst" };
                    let ident = item
                        .get(who)
                        .map(|v| match v {
                            toml::Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .unwrap_or_default();
                    let n = seen.entry(ident.clone()).or_default();
                    *n += 1;
                    let name = if *n == 1 {
                        format!("{k} {ident}")
                    } else {
                        format!("{k} {ident} #{n}")
                    };
                    match item.as_table() {
                        Some(t) => {
                            for (ik, iv) in t {
                                if ik != who {
                                    out.insert(format!("{name}.{ik}"), inline(iv));
                                }
                            }
                        }
                        None => {
                            out.insert(name, inline(item));
                        }
                    }
                }
            }
            (_, toml::Value::Table(sub)) => {
                for (sk, sv) in sub {
                    out.insert(format!("{k}.{sk}"), inline(sv));
                }
            }
            _ => {
                out.insert(k.clone(), inline(v));
            }
        }
    }
    out
}

fn inline(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Table(t) => {
            let parts: Vec<String> = t.iter().map(|(k, v)| format!("{k} = {v}")).collect();
            format!("{{ {} }}", parts.join(", "))
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_name_what_changed() {
        let a: toml::Table = toml::from_str("id = \"x\"\ncredibility = 4\nratings = { h1 = \"I\", h2 = \"C\" }\n[[revision]]\ndate = 2024-01-20\nnote = \"n\"\n[[assessment]]\nanalyst = \"ann\"\nratings = { h1 = \"C\" }\n").unwrap();
        let b: toml::Table = toml::from_str("id = \"x\"\ncredibility = 3\nratings = { h1 = \"C\", h2 = \"C\" }\n[[revision]]\ndate = 2024-01-20\nnote = \"n\"\n[[revision]]\ndate = 2024-01-25\nnote = \"m\"\n[[assessment]]\nanalyst = \"ann\"\nratings = { h1 = \"C\" }\n").unwrap();
        let f = fields(&a, &b);
        let names: Vec<(&str, Option<&str>, Option<&str>)> = f
            .iter()
            .map(|x| (x.field.as_str(), x.before.as_deref(), x.after.as_deref()))
            .collect();
        assert_eq!(
            names,
            [
                ("credibility", Some("4"), Some("3")),
                ("ratings.h1", Some("I"), Some("C")),
                ("revision 2024-01-25.note", None, Some("m")),
            ]
        );
        assert!(fields(&a, &a).is_empty());
        // A date written as a string reads as the same date.
        let c: toml::Table = toml::from_str(
            &toml::to_string(&a)
                .unwrap()
                .replace("2024-01-20", "\"2024-01-20\""),
        )
        .unwrap();
        assert!(fields(&a, &c).is_empty(), "{:?}", fields(&a, &c));
    }
}
