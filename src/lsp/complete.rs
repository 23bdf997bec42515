//! Completion: what may be written at the cursor, from the loaded workspace
//! (its scenario, source and group names, its analysts) and the schema.

use super::store::Store;
use super::syntax::{cursor, Cursor};
use crate::model::{Rating, SourceKind, Workspace};
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, MarkupContent,
    MarkupKind, TextEdit,
};

fn item(
    label: &str,
    kind: CompletionItemKind,
    detail: String,
    doc: Option<String>,
) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: (!detail.is_empty()).then_some(detail),
        documentation: doc.map(|d| {
            Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value: d,
            })
        }),
        ..Default::default()
    }
}

/// A value: quoted unless the cursor is already inside a quote.
fn value(c: &Cursor, s: &str) -> String {
    if c.quoted {
        s.to_string()
    } else {
        format!("\"{s}\"")
    }
}

pub(super) fn complete(store: &Store, rel: &str, offset: usize) -> Vec<CompletionItem> {
    let Some(doc) = store.docs.get(rel) else {
        return Vec::new();
    };
    // Nothing in a comment, a header or a multi-line string.
    let Some(c) = cursor(&doc.text, offset) else {
        return Vec::new();
    };
    let ws = store.ws();
    let last = c.table.last().map(String::as_str);
    let mut items = match (last, c.key.as_deref()) {
        // A scenario id as a key of a ratings (or rationale) table.
        (Some("ratings" | "rationale"), None) => scenario_keys(&c, ws),
        // A rating.
        (Some("ratings"), Some(_)) => ratings(&c),
        (_, Some(key)) => {
            let mut items = references(&c, ws, key);
            items.extend(fixed_values(&c, key));
            items
        }
        // A key of the table, documented as the schema documents it.
        (_, None) => table_keys(rel, &c),
    };
    // Each replaces the word being typed.
    let range = doc.lines.range(&doc.text, c.word_start..offset);
    for it in &mut items {
        let text = it.insert_text.take().unwrap_or_else(|| it.label.clone());
        it.filter_text = Some(it.label.clone());
        it.text_edit = Some(CompletionTextEdit::Edit(TextEdit::new(range, text)));
    }
    items
}

/// Scenario ids, as keys of a ratings (or rationale) table.
fn scenario_keys(c: &Cursor, ws: Option<&Workspace>) -> Vec<CompletionItem> {
    let mut items = Vec::new();
    for (i, s) in ws.iter().flat_map(|w| w.scenarios.iter()).enumerate() {
        let rated = c.present.iter().any(|k| k == &s.id);
        let mut it = item(
            &s.id,
            CompletionItemKind::ENUM_MEMBER,
            if rated {
                format!("{} (already rated here)", s.title)
            } else {
                s.title.clone()
            },
            Some(s.summary.clone()),
        );
        it.sort_text = Some(format!("{}{i:04}", u8::from(rated)));
        it.insert_text = Some(format!("{} = ", s.id));
        items.push(it);
    }
    items
}

/// The ratings, most consistent first.
fn ratings(c: &Cursor) -> Vec<CompletionItem> {
    let mut items = Vec::new();
    for (i, r) in Rating::ALL.iter().enumerate() {
        let mut it = item(
            r.as_str(),
            CompletionItemKind::VALUE,
            r.meaning().to_string(),
            None,
        );
        it.insert_text = Some(value(c, r.as_str()));
        it.sort_text = Some(format!("{i}"));
        items.push(it);
    }
    items
}

/// The keys of the table at the cursor, documented as the schema documents
/// them.
fn table_keys(rel: &str, c: &Cursor) -> Vec<CompletionItem> {
    let mut items = Vec::new();
    for (k, desc, required) in super::schema_docs::keys(rel, &c.table) {
        let mut it = item(
            &k,
            CompletionItemKind::PROPERTY,
            if required {
                "required".into()
            } else {
                String::new()
            },
            (!desc.is_empty()).then_some(desc),
        );
        it.insert_text = Some(format!("{k} = "));
        it.sort_text = Some(format!("{}{k}", u8::from(!required)));
        items.push(it);
    }
    items
}

/// An id offered inside an array of ids: quoted unless the cursor is in a
/// quote, and those the array does not list yet first (in workspace order).
fn listable(c: &Cursor, mut it: CompletionItem, id: &str, i: usize) -> CompletionItem {
    let listed = c.listed.iter().any(|l| l == id);
    if listed {
        let detail = it.detail.take().unwrap_or_default();
        it.detail = Some(
            format!("{detail} (already listed)")
                .trim_start()
                .to_string(),
        );
    }
    it.sort_text = Some(format!("{}{i:06}", u8::from(listed)));
    it.insert_text = Some(value(c, id));
    it
}

/// Values of `key` that name something in the workspace: sources, claims,
/// scenarios, groups, analysts. Inside an array (`sources`, `claims`,
/// `scenarios`), the ids it does not list yet come first.
fn references(c: &Cursor, ws: Option<&Workspace>, key: &str) -> Vec<CompletionItem> {
    let mut items = Vec::new();
    match key {
        "sources" => {
            for (i, s) in ws.iter().flat_map(|w| w.sources.iter()).enumerate() {
                let it = item(
                    &s.id,
                    CompletionItemKind::REFERENCE,
                    format!(
                        "{} ({}, {})",
                        s.name,
                        s.reliability.as_str(),
                        s.reliability.label()
                    ),
                    None,
                );
                items.push(listable(c, it, &s.id, i));
            }
        }
        "claims" => {
            for (i, cl) in ws.iter().flat_map(|w| w.claims.iter()).enumerate() {
                let it = item(
                    &cl.id,
                    CompletionItemKind::REFERENCE,
                    cl.date.to_string(),
                    Some(cl.statement.clone()),
                );
                items.push(listable(c, it, &cl.id, i));
            }
        }
        // An assumption's scenarios.
        "scenarios" => {
            for (i, s) in ws.iter().flat_map(|w| w.scenarios.iter()).enumerate() {
                let it = item(
                    &s.id,
                    CompletionItemKind::ENUM_MEMBER,
                    s.title.clone(),
                    None,
                );
                items.push(listable(c, it, &s.id, i));
            }
        }
        "interest" | "scenario" => {
            for s in ws.iter().flat_map(|w| w.scenarios.iter()) {
                let mut it = item(
                    &s.id,
                    CompletionItemKind::ENUM_MEMBER,
                    s.title.clone(),
                    None,
                );
                it.insert_text = Some(value(c, &s.id));
                items.push(it);
            }
        }
        "group" => {
            for g in ws.iter().flat_map(|w| w.groups.iter()) {
                let mut it = item(g, CompletionItemKind::VALUE, "existing group".into(), None);
                it.insert_text = Some(value(c, g));
                items.push(it);
            }
        }
        "analyst" => {
            for a in ws.map(|w| w.analysts()).unwrap_or_default() {
                let mut it = item(&a, CompletionItemKind::VALUE, "analyst".into(), None);
                it.insert_text = Some(value(c, &a));
                items.push(it);
            }
        }
        _ => {}
    }
    items
}

/// Values of `key` from a fixed list: today for a date, the relevances,
/// source kinds, reliabilities and credibilities.
fn fixed_values(c: &Cursor, key: &str) -> Vec<CompletionItem> {
    let mut items = Vec::new();
    match key {
        "date" | "published" | "due" | "as_of" => {
            let today = super::today().to_string();
            let mut it = item(&today, CompletionItemKind::VALUE, "today".into(), None);
            // A TOML date, unquoted (inside a quote: the string form).
            it.insert_text = Some(today.clone());
            items.push(it);
        }
        "relevance" => {
            for v in ["low", "medium", "high"] {
                let mut it = item(v, CompletionItemKind::VALUE, String::new(), None);
                it.insert_text = Some(value(c, v));
                items.push(it);
            }
        }
        "kind" => {
            for v in SourceKind::NAMES {
                let mut it = item(v, CompletionItemKind::VALUE, String::new(), None);
                it.insert_text = Some(value(c, v));
                items.push(it);
            }
        }
        "reliability" => {
            for v in ["A", "B", "C", "D", "E", "F"] {
                let label = crate::model::Reliability::parse(v).map_or("", |r| r.label());
                let mut it = item(v, CompletionItemKind::VALUE, label.to_string(), None);
                it.insert_text = Some(value(c, v));
                items.push(it);
            }
        }
        "credibility" => {
            for n in 1..=6u8 {
                let label = crate::model::Credibility(n).label();
                let mut it = item(
                    &n.to_string(),
                    CompletionItemKind::VALUE,
                    label.to_string(),
                    None,
                );
                it.insert_text = Some(n.to_string());
                items.push(it);
            }
        }
        _ => {}
    }
    items
}
