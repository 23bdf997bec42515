//! Code actions (edits of the record under the cursor) and formatting through
//! `kzclaims fmt`'s formatter.

use super::store::Store;
use super::syntax::{Block, Kind};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, NumberOrString, Range, TextEdit, WorkspaceEdit,
};
use std::collections::HashMap;

/// The words a silence's reason starts as, for the analyst to replace.
pub(super) const REASON_PLACEHOLDER: &str = "REASON: why this warning does not apply here";

fn action(
    store: &Store,
    rel: &str,
    title: String,
    kind: CodeActionKind,
    edits: Vec<(std::ops::Range<usize>, String)>,
    diagnostics: Option<Vec<lsp_types::Diagnostic>>,
) -> Option<CodeActionOrCommand> {
    let doc = store.docs.get(rel)?;
    let uri = super::uri::from_path(&store.root.join(rel));
    let edits = edits
        .into_iter()
        .map(|(span, text)| TextEdit::new(doc.lines.range(&doc.text, span), text))
        .collect();
    Some(CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(kind),
        diagnostics,
        edit: Some(WorkspaceEdit::new(HashMap::from([(uri, edits)]))),
        ..Default::default()
    }))
}

/// The end of a block's own text (before the blank lines that part it from
/// the next record).
fn block_end(text: &str, b: &Block) -> usize {
    b.span.start + text[b.span.clone()].trim_end().len()
}

pub(super) fn code_actions(
    store: &Store,
    rel: &str,
    range: Range,
    diagnostics: &[lsp_types::Diagnostic],
) -> Vec<CodeActionOrCommand> {
    let Some(doc) = store.docs.get(rel) else {
        return Vec::new();
    };
    let text = &doc.text;
    let syntax = doc.syntax(rel);
    let (from, to) = (
        doc.lines.offset(text, range.start),
        doc.lines.offset(text, range.end),
    );
    let mut out = Vec::new();
    let block = syntax.block_at(from);
    if let (Some(b), Some(ws)) = (block, store.ws()) {
        if b.kind == Some(Kind::Claim) {
            out.extend(claim_actions(store, rel, text, b, ws));
        }
    }
    out.extend(silence_actions(store, rel, doc, diagnostics));
    // A date written as a string.
    for sd in &syntax.string_dates {
        if sd.span.end < from || sd.span.start > to {
            continue;
        }
        out.extend(action(
            store,
            rel,
            format!("Write \"{}\" as a TOML date", sd.date),
            CodeActionKind::REFACTOR_REWRITE,
            vec![(sd.span.clone(), sd.date.clone())],
            None,
        ));
    }
    out
}

/// On a claim: rate the scenarios it leaves unrated; add a revision dated
/// today.
fn claim_actions(
    store: &Store,
    rel: &str,
    text: &str,
    b: &Block,
    ws: &crate::model::Workspace,
) -> Vec<CodeActionOrCommand> {
    let today = super::today();
    let mut out = Vec::new();
    // Rate the scenarios the claim leaves unrated.
    let missing: Vec<&str> = ws
        .scenarios
        .iter()
        .map(|s| s.id.as_str())
        .filter(|id| !b.rated.iter().any(|(r, _)| r == id))
        .collect();
    if !missing.is_empty() {
        let edit = if let Some(inline) = &b.ratings_inline {
            // Before the closing brace of `ratings = { … }`.
            let close = inline.end - 1;
            let inner = text[inline.start + 1..close].trim();
            let sep = if inner.is_empty() { " " } else { ", " };
            let add: Vec<String> = missing.iter().map(|m| format!("{m} = \"\"")).collect();
            let at = inline.start + 1 + text[inline.start + 1..close].trim_end().len();
            (at..at, format!("{sep}{}", add.join(", ")))
        } else if let Some(&(_, end)) = b.rated.last() {
            let add: String = missing.iter().map(|m| format!("\n{m} = \"\"")).collect();
            (end..end, add)
        } else {
            let end = block_end(text, b);
            let add: String = missing.iter().map(|m| format!("\n{m} = \"\"")).collect();
            (end..end, format!("\n\n[claim.ratings]{add}"))
        };
        out.extend(action(
            store,
            rel,
            format!(
                "Rate the {} scenario{} `{}` leaves unrated",
                missing.len(),
                if missing.len() == 1 { "" } else { "s" },
                b.id
            ),
            CodeActionKind::QUICKFIX,
            vec![edit],
            None,
        ));
    }
    // A revision dated today.
    let end = block_end(text, b);
    out.extend(action(
        store,
        rel,
        format!("Add a [[claim.revision]] to `{}` dated {today}", b.id),
        CodeActionKind::REFACTOR_REWRITE,
        vec![(
            end..end,
            format!("\n\n[[claim.revision]]\ndate = {today}\nnote = \"\""),
        )],
        None,
    ));
    out
}

/// Silence each warning offered where it points.
fn silence_actions(
    store: &Store,
    rel: &str,
    doc: &super::store::Doc,
    diagnostics: &[lsp_types::Diagnostic],
) -> Vec<CodeActionOrCommand> {
    let (text, syntax) = (&doc.text, doc.syntax(rel));
    let mut out = Vec::new();
    for d in diagnostics {
        let Some(NumberOrString::String(code)) = &d.code else {
            continue;
        };
        if !code.starts_with('K') {
            continue;
        }
        let at = doc.lines.offset(text, d.range.start);
        let Some(b) = syntax.block_at(at) else {
            continue;
        };
        if !matches!(b.kind, Some(Kind::Claim | Kind::Scenario)) || b.silence_table {
            continue;
        }
        let entry = format!("{code} = \"{REASON_PLACEHOLDER}\"");
        let edit = match &b.silence_inline {
            Some(s) => {
                let close = s.end - 1;
                let inner = text[s.start + 1..close].trim();
                let at = s.start + 1 + text[s.start + 1..close].trim_end().len();
                if inner.is_empty() {
                    (s.start + 1..close, format!(" {entry} "))
                } else {
                    (at..at, format!(", {entry}"))
                }
            }
            None => (
                b.id_line_end..b.id_line_end,
                format!("\nsilence = {{ {entry} }}"),
            ),
        };
        out.extend(action(
            store,
            rel,
            format!("Silence {code} on `{}`, with a reason", b.id),
            CodeActionKind::QUICKFIX,
            vec![edit],
            Some(vec![d.clone()]),
        ));
    }
    out
}

/// The whole document as `kzclaims fmt` writes it (nothing when it does not
/// parse, or is already formatted).
pub(super) fn format(store: &Store, rel: &str) -> Option<Vec<TextEdit>> {
    let doc = store.docs.get(rel)?;
    let formatted = crate::load::fmt::format(rel, &doc.text)?;
    if formatted == doc.text {
        return Some(Vec::new());
    }
    Some(vec![TextEdit::new(
        doc.lines.range(&doc.text, 0..doc.text.len()),
        formatted,
    )])
}
