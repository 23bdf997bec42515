//! `kzclaims fmt`: one canonical layout for workspace files, keeping every
//! comment. Dates written as strings become TOML dates, credibility written as
//! a string becomes a number, ratings are written in their canonical form
//! (`CC`, `C`, `N`, `I`, `II`, `NA`), and the keys of each table follow the
//! order of docs/format.md. Nothing else changes, and no score can: the
//! loader reads both forms the same way.

use super::parse::{
    ASSUMPTION_KEYS, CLAIM_KEYS, CONFIG_KEYS, INDICATOR_KEYS, OBSERVATION_KEYS, PROPONENT_KEYS,
    REVISION_KEYS, SCENARIO_KEYS, SCENARIO_REVISION_KEYS, SOURCE_KEYS,
};
use toml_edit::{DocumentMut, Item, Table, Value};

/// Keys whose values are calendar days.
const DATE_KEYS: [&str; 5] = ["date", "as_of", "due", "published", "since"];

/// The canonical spelling of a rating, if `s` is one.
fn rating(s: &str) -> Option<&'static str> {
    Some(match s.trim().to_ascii_uppercase().as_str() {
        "CC" | "C C" => "CC",
        "C" => "C",
        "N" => "N",
        "I" => "I",
        "II" | "I I" => "II",
        "NA" | "N/A" => "NA",
        _ => return None,
    })
}

/// Replace a value, keeping the comments and spaces around it.
fn replace(v: &mut Value, new: Value) {
    let decor = v.decor().clone();
    *v = new;
    *v.decor_mut() = decor;
}

fn canonical_value(key: &str, v: &mut Value) {
    if DATE_KEYS.contains(&key) {
        if let Some(s) = v.as_str() {
            if let Ok(d) = s.trim().parse::<toml_edit::Datetime>() {
                if d.date.is_some() && d.time.is_none() {
                    replace(v, Value::from(d));
                }
            }
        }
    }
    // A source's reliability is one capital letter (the loader reads "c" too).
    if key == "reliability" {
        if let Some(r) = v.as_str() {
            let up = r.trim().to_ascii_uppercase();
            if up != r && matches!(up.as_str(), "A" | "B" | "C" | "D" | "E" | "F") {
                replace(v, Value::from(up));
            }
        }
    }
    if key == "credibility" {
        if let Some(n) = v.as_str().and_then(|s| s.trim().parse::<i64>().ok()) {
            replace(v, Value::from(n));
        }
    }
}

fn canonical_ratings(t: &mut dyn toml_edit::TableLike) {
    for (_, item) in t.iter_mut() {
        if let Some(v) = item.as_value_mut() {
            if let Some(r) = v.as_str().and_then(rating) {
                if v.as_str() != Some(r) {
                    replace(v, Value::from(r));
                }
            }
        }
    }
}

/// Canonicalise one table: its values, its ratings, the order of its keys,
/// then its sub-tables by `children`.
fn table(t: &mut Table, order: &[&str], children: &[(&str, &[&str])]) {
    for (key, item) in t.iter_mut() {
        let k = key.get().to_string();
        if let Some(v) = item.as_value_mut() {
            canonical_value(&k, v);
        }
        if k == "ratings" {
            if let Some(tl) = item.as_table_like_mut() {
                canonical_ratings(tl);
            }
        }
        if k == "proponents" {
            // `{ name = "…", since = DATE }` entries: their date, their order.
            if let Some(arr) = item.as_array_mut() {
                for v in arr.iter_mut() {
                    if let Some(it) = v.as_inline_table_mut() {
                        for (pk, pv) in it.iter_mut() {
                            let pk = pk.get().to_string();
                            canonical_value(&pk, pv);
                        }
                        let rank = |k: &str| {
                            PROPONENT_KEYS
                                .iter()
                                .position(|o| *o == k)
                                .unwrap_or(PROPONENT_KEYS.len())
                        };
                        let keys: Vec<usize> = it.iter().map(|(k, _)| rank(k)).collect();
                        if !keys.is_sorted() {
                            // Moved keys keep their spacing: lay the entry
                            // out afresh.
                            it.sort_values_by(|a, _, b, _| rank(a.get()).cmp(&rank(b.get())));
                            it.fmt();
                        }
                    }
                }
            }
        }
    }
    let rank = |k: &str| order.iter().position(|o| *o == k).unwrap_or(order.len());
    t.sort_values_by(|a, _, b, _| rank(a.get()).cmp(&rank(b.get())));
    for (name, sub_order) in children {
        if let Some(Item::ArrayOfTables(arr)) = t.get_mut(name) {
            for sub in arr.iter_mut() {
                let grand: &[(&str, &[&str])] = match *name {
                    "indicator" => &[("observation", OBSERVATION_KEYS)],
                    _ => &[],
                };
                table(sub, sub_order, grand);
            }
        }
    }
}

/// The file in canonical form (`rel` tells which kind of file it is), or
/// `None` when it does not parse (the loader reports why). Line endings
/// (CRLF or LF, whichever most lines use) and a byte-order mark are kept as
/// found.
pub(crate) fn format(rel: &str, text: &str) -> Option<String> {
    let (bom, body) = match text.strip_prefix('\u{FEFF}') {
        Some(rest) => ("\u{FEFF}", rest),
        None => ("", text),
    };
    let crlf = body.matches("\r\n").count();
    let crlf = crlf > 0 && 2 * crlf >= body.matches('\n').count();
    let lf;
    let body = if crlf {
        lf = body.replace("\r\n", "\n");
        lf.as_str()
    } else {
        body
    };
    let out = format_lf(rel, body)?;
    let out = if crlf { out.replace('\n', "\r\n") } else { out };
    Some(format!("{bom}{out}"))
}

/// Sort the root table's keys, keeping the comment block above its first key
/// (the file's header) at the top of the file.
fn root_table(root: &mut Table, order: &[&str]) {
    root_table_with(root, order, &[("assumption", ASSUMPTION_KEYS)]);
}

/// [`root_table`] with the root's arrays of tables and their key orders.
fn root_table_with(root: &mut Table, order: &[&str], children: &[(&str, &[&str])]) {
    let first = root
        .iter()
        .find(|(_, item)| item.is_value())
        .map(|(k, _)| k.to_string());
    let header = first.as_deref().and_then(|k| {
        let mut key = root.key_mut(k)?;
        let decor = key.leaf_decor_mut();
        let prefix = decor.prefix()?.as_str()?.to_string();
        decor.set_prefix("");
        Some(prefix)
    });
    table(root, order, children);
    if let Some(header) = header {
        let new_first = root
            .iter()
            .find(|(_, item)| item.is_value())
            .map(|(k, _)| k.to_string());
        if let Some(mut key) = new_first.as_deref().and_then(|k| root.key_mut(k)) {
            let decor = key.leaf_decor_mut();
            let own = decor
                .prefix()
                .and_then(|p| p.as_str())
                .unwrap_or_default()
                .to_string();
            decor.set_prefix(format!("{header}{own}"));
        }
    }
}

fn format_lf(rel: &str, text: &str) -> Option<String> {
    let mut doc: DocumentMut = text.parse().ok()?;
    let root = doc.as_table_mut();
    if rel == "kzclaims.toml" {
        root_table(root, CONFIG_KEYS);
        if let Some(r) = root.get_mut("resolution").and_then(Item::as_table_mut) {
            table(r, &["date", "scenario", "note"], &[]);
        }
    } else if rel.starts_with("scenarios/") {
        if let Some(Item::ArrayOfTables(arr)) = root.get_mut("scenario") {
            for s in arr.iter_mut() {
                table(
                    s,
                    SCENARIO_KEYS,
                    &[
                        ("indicator", INDICATOR_KEYS),
                        ("revision", SCENARIO_REVISION_KEYS),
                    ],
                );
            }
        }
    } else {
        if let Some(Item::ArrayOfTables(arr)) = root.get_mut("source") {
            for s in arr.iter_mut() {
                table(s, SOURCE_KEYS, &[]);
            }
        }
        if let Some(Item::ArrayOfTables(arr)) = root.get_mut("claim") {
            for c in arr.iter_mut() {
                table(c, CLAIM_KEYS, &[("revision", REVISION_KEYS)]);
                if let Some(Item::ArrayOfTables(assess)) = c.get_mut("assessment") {
                    for a in assess.iter_mut() {
                        table(a, &["analyst", "ratings", "note"], &[]);
                    }
                }
            }
        }
    }
    Some(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_credibility_ratings_and_order_keep_comments() {
        let text = "# a claim\n[[claim]]\nstatement = \"s\" # what\nid = \"x\"\ndate = \"2022-01-05\"  # as a string\nsources = [\"a\"]\ncredibility = \"2\"\nratings = { h1 = \"c c\", h2 = \"n/a\", h3 = \"ii\" }\n\n[[claim.revision]]\nnote = \"n\"\ndate = \"2022-01-06\"\n";
        let out = format("claims/a.toml", text).unwrap();
        assert_eq!(
            out,
            "# a claim\n[[claim]]\nid = \"x\"\ndate = 2022-01-05  # as a string\nstatement = \"s\" # what\nsources = [\"a\"]\ncredibility = 2\nratings = { h1 = \"CC\", h2 = \"NA\", h3 = \"II\" }\n\n[[claim.revision]]\ndate = 2022-01-06\nnote = \"n\"\n"
        );
        assert_eq!(
            format("claims/a.toml", &out).unwrap(),
            out,
            "twice changes nothing"
        );
    }

    /// Issue 19, row 17: CRLF, a byte-order mark and a file-header comment
    /// kept as found; reliability "c" written "C".
    #[test]
    fn line_endings_bom_header_and_reliability() {
        let text = "\u{FEFF}# Sources.\r\n[[source]]\r\nname = \"W\"\r\nid = \"w\"\r\nkind = \"media\"\r\nreliability = \"c\"\r\n";
        let out = format("claims/sources.toml", text).unwrap();
        assert_eq!(
            out,
            "\u{FEFF}# Sources.\r\n[[source]]\r\nid = \"w\"\r\nname = \"W\"\r\nkind = \"media\"\r\nreliability = \"C\"\r\n"
        );
        assert_eq!(format("claims/sources.toml", &out).unwrap(), out);

        let config = "# My workspace.\n# Second line.\n\nquestion = \"Q?\"\ntitle = \"T\"\n";
        let out = format("kzclaims.toml", config).unwrap();
        assert_eq!(
            out,
            "# My workspace.\n# Second line.\n\ntitle = \"T\"\nquestion = \"Q?\"\n"
        );
    }

    #[test]
    fn publication_dates_become_dates_in_place() {
        let text = "[[source]]\npublished = \"2022-04-18\" # the article\nid = \"s\"\nname = \"S\"\nkind = \"analysis\"\nreliability = \"B\"\n";
        let out = format("claims/a.toml", text).unwrap();
        assert_eq!(
            out,
            "[[source]]\nid = \"s\"\nname = \"S\"\nkind = \"analysis\"\nreliability = \"B\"\npublished = 2022-04-18 # the article\n"
        );
    }

    #[test]
    fn proponent_dates_and_scenario_revisions() {
        let text = "[[scenario]]\nid = \"a\"\ntitle = \"A\"\nsummary = \"s\"\nproponents = [\"x\", { since = \"2022-01-10\", name = \"y\" }]\n\n[[scenario.revision]]\nsummary = \"t\"\nnote = \"n\"\ndate = \"2022-01-10\"\n";
        let out = format("scenarios/s.toml", text).unwrap();
        assert_eq!(
            out,
            "[[scenario]]\nid = \"a\"\ntitle = \"A\"\nsummary = \"s\"\nproponents = [\"x\", { name = \"y\", since = 2022-01-10 }]\n\n[[scenario.revision]]\ndate = 2022-01-10\nnote = \"n\"\nsummary = \"t\"\n"
        );
        assert_eq!(format("scenarios/s.toml", &out).unwrap(), out);
    }
}
