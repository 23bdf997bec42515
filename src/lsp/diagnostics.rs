//! `check`'s diagnostics as the editor shows them: the same code, the same
//! words (the message, then the label and the help), the severity mapped,
//! and where a diagnostic names another place, that place as related
//! information: the first definition of a duplicate id, the source or
//! scenario or claim a warning names.

use super::store::{Published, Store};
use crate::diag::{Diagnostic, Severity};
use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, NumberOrString, Position, Range, Uri,
};
use std::collections::{BTreeMap, BTreeSet};

/// The diagnostics to publish: for every file whose diagnostics may have
/// changed since the last publication (they differ, its text changed, or
/// the text of a file their related information points into changed), its
/// URI, diagnostics and the open document's version. A file that had some
/// and has none now is published empty, to clear them.
pub(super) fn publish(
    store: &mut Store,
    changed: &BTreeSet<String>,
) -> Vec<(Uri, Vec<lsp_types::Diagnostic>, Option<i32>)> {
    let Some(analysis) = store.analysis.as_ref() else {
        return Vec::new();
    };
    // Borrowed from the analysis; copied only for the files published.
    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for d in analysis.diagnostics() {
        // A diagnostic about no file in particular (a folder, a memo
        // template) goes on kzclaims.toml, naming its place.
        let rel = if store.docs.contains_key(&d.file) {
            d.file.as_str()
        } else {
            crate::load::CONFIG_FILE
        };
        by_file.entry(rel).or_default().push(d);
    }
    // The open documents that changed are published even without
    // diagnostics: the editor then knows this version was checked.
    let edited = changed
        .iter()
        .filter(|r| store.docs.get(*r).is_some_and(|d| d.open));
    let files: BTreeSet<String> = store
        .published
        .keys()
        .cloned()
        .chain(by_file.keys().map(|r| r.to_string()))
        .chain(edited.cloned())
        .collect();
    // The documents just edited first: the editor shows them.
    let (first, rest): (Vec<String>, Vec<String>) = files
        .into_iter()
        .partition(|r| changed.contains(r) && store.docs.get(r).is_some_and(|d| d.open));
    let mut out = Vec::new();
    let mut updates = Vec::new();
    for rel in first.into_iter().chain(rest) {
        let now = by_file.remove(rel.as_str()).unwrap_or_default();
        let stale = match store.published.get(&rel) {
            None => true,
            Some(p) => {
                !p.diagnostics.iter().eq(now.iter().copied())
                    || changed.contains(&rel)
                    || p.points_into.iter().any(|f| changed.contains(f))
            }
        };
        if !stale {
            continue;
        }
        let mut points_into = BTreeSet::new();
        let lsp: Vec<lsp_types::Diagnostic> = now
            .iter()
            .map(|d| {
                let mut l = convert(store, d);
                if !store.docs.contains_key(&d.file) {
                    if !d.file.is_empty() {
                        l.message = format!("{}: {}", d.file, l.message);
                    }
                    l.range = Range::default();
                }
                l.related_information = related(store, d, &rel);
                for r in l.related_information.iter().flatten() {
                    if let Some(f) =
                        super::uri::to_path(&r.location.uri).and_then(|p| store.rel(&p))
                    {
                        points_into.insert(f);
                    }
                }
                l
            })
            .collect();
        let version = store.docs.get(&rel).and_then(|d| d.version);
        out.push((super::uri::from_path(&store.root.join(&rel)), lsp, version));
        let diagnostics: Vec<Diagnostic> = now.into_iter().cloned().collect();
        updates.push((rel, diagnostics, points_into));
    }
    for (rel, diagnostics, points_into) in updates {
        if diagnostics.is_empty() {
            store.published.remove(&rel);
        } else {
            store.published.insert(
                rel,
                Published {
                    diagnostics,
                    points_into,
                },
            );
        }
    }
    out
}

/// One diagnostic, in its file.
fn convert(store: &Store, d: &Diagnostic) -> lsp_types::Diagnostic {
    let range = match (store.docs.get(&d.file), &d.span) {
        (Some(doc), Some(span)) => doc.lines.range(&doc.text, span.clone()),
        _ => Range::new(Position::new(0, 0), Position::new(0, 0)),
    };
    let mut message = d.message.clone();
    if let Some(l) = &d.label {
        message.push_str(&format!(" ({l})"));
    }
    if let Some(h) = &d.help {
        message.push_str(&format!("\nhelp: {h}"));
    }
    lsp_types::Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.to_string())),
        source: Some("kzclaims".into()),
        message,
        ..Default::default()
    }
}

/// The other places a diagnostic points at: those it names itself
/// ([`Diagnostic::related`]; K113's source), `first defined at FILE:L:C` in
/// its help (E005), and every id in backquotes in its message that is
/// defined elsewhere (a source, a scenario, a claim).
fn related(store: &Store, d: &Diagnostic, rel: &str) -> Option<Vec<DiagnosticRelatedInformation>> {
    let mut out = Vec::new();
    // The places the loader and the checks name themselves.
    for r in &d.related {
        if let Some(loc) = super::location(store, &r.file, r.span.clone()) {
            out.push(DiagnosticRelatedInformation {
                location: loc,
                message: r.message.clone(),
            });
        }
    }
    if let Some(at) = d
        .help
        .as_deref()
        .and_then(|h| h.split("first defined at ").nth(1))
    {
        let place = at.split(';').next().unwrap_or("");
        let mut parts = place.rsplitn(3, ':');
        if let (Some(c), Some(l), Some(file)) = (parts.next(), parts.next(), parts.next()) {
            if let (Ok(l), Ok(c), Some(doc)) =
                (l.parse::<usize>(), c.parse::<usize>(), store.docs.get(file))
            {
                // Line and column count characters from 1; find the byte.
                let line_start = doc
                    .text
                    .split_inclusive('\n')
                    .take(l.saturating_sub(1))
                    .map(str::len)
                    .sum::<usize>();
                let off = doc.text[line_start..]
                    .char_indices()
                    .nth(c.saturating_sub(1))
                    .map_or(doc.text.len(), |(i, _)| line_start + i);
                // The loader's span starts at the id's opening quote.
                let off = off + usize::from(doc.text[off..].starts_with(['"', '\'']));
                let end = off + doc.text[off..].find(['"', '\'', '\n']).unwrap_or(0);
                if let Some(loc) = super::location(store, file, off..end) {
                    out.push(DiagnosticRelatedInformation {
                        location: loc,
                        message: "first defined here".into(),
                    });
                }
            }
        }
    }
    if let Some(ws) = store.ws() {
        for (i, part) in d.message.split('`').enumerate() {
            if i % 2 == 0 || part.is_empty() {
                continue;
            }
            let what = if ws.source(part).is_some() {
                "source"
            } else if ws.scenario_index(part).is_some() {
                "scenario"
            } else if store.claim_index(part).is_some() {
                "claim"
            } else {
                continue;
            };
            for loc in super::navigate::definitions_of(store, part) {
                // Not the record the diagnostic is on (its own id).
                let own = loc.uri == super::uri::from_path(&store.root.join(rel))
                    && d.span.as_ref().is_some_and(|s| {
                        let doc = &store.docs[rel];
                        let at = doc.lines.offset(&doc.text, loc.range.start);
                        let start = s.start.min(doc.text.len());
                        let end = doc.text[start..]
                            .find("\n[")
                            .map_or(doc.text.len(), |i| start + i);
                        start <= at && at <= end.max(s.end)
                    });
                if !own && !out.iter().any(|r| r.location == loc) {
                    out.push(DiagnosticRelatedInformation {
                        location: loc,
                        message: format!("{what} `{part}`"),
                    });
                }
            }
        }
    }
    (!out.is_empty()).then_some(out)
}
