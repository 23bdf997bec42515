//! Go to definition, find references, symbols and rename.
//!
//! Definitions come from the loaded workspace (each record's place, narrowed
//! to its `id = "…"`); references and renames from every file's index of ids
//! ([`super::syntax`]), which sees the files as they are typed.

use super::store::Store;
use super::syntax::{Kind, Token};
use lsp_types::{Location, Range, SymbolInformation, SymbolKind, TextEdit, Uri, WorkspaceEdit};
use std::collections::HashMap;

/// The places where `id` is defined as a scenario, source or claim of the
/// loaded workspace: the id's text inside its record.
pub(super) fn definitions_of(store: &Store, id: &str) -> Vec<Location> {
    let Some(ws) = store.ws() else {
        return Vec::new();
    };
    let mut locs = Vec::new();
    if let Some(s) = ws.source(id) {
        locs.push(&s.loc);
    }
    if let Some(j) = ws.scenario_index(id) {
        locs.push(&ws.scenarios[j].loc);
    }
    if let Some(c) = store.claim_index(id) {
        locs.push(&ws.claims[c].loc);
    }
    locs.into_iter()
        .filter_map(|loc| {
            let rel = &ws.files.get(loc.file)?.rel;
            let doc = store.docs.get(rel)?;
            let start = loc.span.start.min(doc.text.len());
            // The id's text after the record's header (the loader's place
            // of a record is its header), else the header.
            let after = &doc.text[start..];
            let next = after[1.min(after.len())..]
                .find("\n[")
                .map_or(after.len(), |i| i + 1);
            let span = ["\"", "'"]
                .iter()
                .find_map(|q| after[..next].find(&format!("{q}{id}{q}")))
                .map(|i| start + i + 1..start + i + 1 + id.len())
                .unwrap_or(start..start);
            super::location(store, rel, span)
        })
        .collect()
}

/// The token under the cursor.
fn token<'s>(store: &'s Store, rel: &str, offset: usize) -> Option<&'s Token> {
    let d = store.docs.get(rel)?;
    d.syntax(rel).token_at(offset)
}

/// Every token naming the same thing as `t`, across the workspace's files.
fn same<'s>(store: &'s Store, t: &Token) -> Vec<(&'s str, &'s Token)> {
    let mut out = Vec::new();
    for (rel, d) in &store.docs {
        // Sources and claims live under claims/, scenarios are cited from
        // every file: skip the files that cannot hold the id at all.
        if !d.text.contains(t.id.as_str()) {
            continue;
        }
        for u in &d.syntax(rel).tokens {
            if u.kind == t.kind && u.id == t.id {
                out.push((rel.as_str(), u));
            }
        }
    }
    out
}

pub(super) fn definition(store: &Store, rel: &str, offset: usize) -> Option<Vec<Location>> {
    let t = token(store, rel, offset)?;
    let locs: Vec<Location> = match t.kind {
        Kind::Scenario | Kind::Source | Kind::Claim => {
            let found = definitions_of(store, &t.id);
            if found.is_empty() {
                // Not loaded (the workspace has errors): the files' own ids.
                same(store, t)
                    .into_iter()
                    .filter(|(_, u)| u.def)
                    .filter_map(|(r, u)| super::location(store, r, u.span.clone()))
                    .collect()
            } else {
                found
            }
        }
        Kind::Indicator => same(store, t)
            .into_iter()
            .filter(|(_, u)| u.def)
            .filter_map(|(r, u)| super::location(store, r, u.span.clone()))
            .collect(),
        // A group is defined by its members: the first one.
        Kind::Group => same(store, t)
            .into_iter()
            .take(1)
            .filter_map(|(r, u)| super::location(store, r, u.span.clone()))
            .collect(),
        Kind::Analyst | Kind::Rating => return None,
    };
    (!locs.is_empty()).then_some(locs)
}

pub(super) fn references(
    store: &Store,
    rel: &str,
    offset: usize,
    declaration: bool,
) -> Vec<Location> {
    let Some(t) = token(store, rel, offset) else {
        return Vec::new();
    };
    if t.kind == Kind::Rating {
        return Vec::new();
    }
    same(store, t)
        .into_iter()
        .filter(|(_, u)| declaration || !u.def)
        .filter_map(|(r, u)| super::location(store, r, u.span.clone()))
        .collect()
}

fn symbol_kind(k: Kind) -> SymbolKind {
    match k {
        Kind::Scenario => SymbolKind::CLASS,
        Kind::Source => SymbolKind::MODULE,
        Kind::Claim => SymbolKind::EVENT,
        Kind::Indicator => SymbolKind::PROPERTY,
        _ => SymbolKind::STRING,
    }
}

/// The ids defined in one file (`only`), or in every file matching `query`.
pub(super) fn symbols(store: &Store, only: Option<&str>, query: &str) -> Vec<SymbolInformation> {
    let q = query.to_lowercase();
    let mut out = Vec::new();
    for (rel, d) in &store.docs {
        if only.is_some_and(|o| o != rel) {
            continue;
        }
        let kind_name = |k: Kind| match k {
            Kind::Scenario => "scenario",
            Kind::Source => "source",
            Kind::Claim => "claim",
            _ => "indicator",
        };
        for t in d.syntax(rel).tokens.iter().filter(|t| t.def) {
            if !t.id.to_lowercase().contains(&q) {
                continue;
            }
            let Some(location) = super::location(store, rel, t.span.clone()) else {
                continue;
            };
            #[allow(deprecated)] // `deprecated` is a required field of the type
            out.push(SymbolInformation {
                name: t.id.clone(),
                kind: symbol_kind(t.kind),
                tags: None,
                deprecated: None,
                location,
                container_name: Some(kind_name(t.kind).into()),
            });
        }
    }
    out
}

pub(super) fn prepare_rename(store: &Store, rel: &str, offset: usize) -> Option<Range> {
    let t = token(store, rel, offset)?;
    matches!(t.kind, Kind::Scenario | Kind::Source | Kind::Claim)
        .then(|| super::location(store, rel, t.span.clone()))
        .flatten()
        .map(|l| l.range)
}

/// Rename a scenario, source or claim id everywhere: one edit per place,
/// each replacing the id's text only (quotes, layout and comments stay).
pub(super) fn rename(
    store: &Store,
    rel: &str,
    offset: usize,
    new: &str,
) -> Result<Option<WorkspaceEdit>, String> {
    let Some(t) = token(store, rel, offset) else {
        return Ok(None);
    };
    if !matches!(t.kind, Kind::Scenario | Kind::Source | Kind::Claim) {
        return Err("only a scenario, source or claim id can be renamed".into());
    }
    if !crate::load::is_slug(new) {
        return Err(format!(
            "`{new}` is not an id: lower case letters, digits, dashes, dots and underscores, starting with a letter or digit"
        ));
    }
    // The map lsp-types' WorkspaceEdit holds; a Uri's inner cell is a
    // parse cache, not a value that changes the key.
    #[allow(clippy::mutable_key_type)]
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for (r, u) in same(store, t) {
        if let Some(loc) = super::location(store, r, u.span.clone()) {
            changes
                .entry(loc.uri)
                .or_default()
                .push(TextEdit::new(loc.range, new.to_string()));
        }
    }
    Ok(Some(WorkspaceEdit::new(changes)))
}
