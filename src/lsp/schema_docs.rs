//! The keys valid in a table and their descriptions, read from the JSON
//! Schemas `kzclaims schema` writes (src/load/schema.rs), so that the editor
//! documents a key in the same words as the schema does.

use serde_json::Value;
use std::sync::OnceLock;

fn schemas() -> &'static Vec<(&'static str, Value)> {
    static S: OnceLock<Vec<(&'static str, Value)>> = OnceLock::new();
    S.get_or_init(|| {
        crate::load::schema::schemas()
            .into_iter()
            .map(|(name, text)| {
                (
                    name,
                    serde_json::from_str(&text).expect("our schema is JSON"),
                )
            })
            .collect()
    })
}

/// Follow `$ref`, `anyOf`/`oneOf` (the first object branch) and array `items`.
fn resolve<'a>(root: &'a Value, mut node: &'a Value) -> &'a Value {
    for _ in 0..8 {
        if let Some(r) = node.get("$ref").and_then(Value::as_str) {
            let name = r.trim_start_matches("#/$defs/");
            match root["$defs"].get(name) {
                Some(n) => node = n,
                None => return node,
            }
        } else if let Some(items) = node.get("items") {
            node = items;
        } else if let Some(alts) = node.get("anyOf").or_else(|| node.get("oneOf")) {
            match alts.as_array().and_then(|a| {
                a.iter()
                    .find(|x| x.get("$ref").is_some() || x.get("properties").is_some())
            }) {
                Some(n) => node = n,
                None => return node,
            }
        } else {
            return node;
        }
    }
    node
}

fn description(root: &Value, node: &Value) -> String {
    node.get("description")
        .or_else(|| resolve(root, node).get("description"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

/// The keys of the table at `path` in the file `rel`, each with its
/// description and whether it is required.
pub(super) fn keys(rel: &str, path: &[String]) -> Vec<(String, String, bool)> {
    let name = if rel == crate::load::CONFIG_FILE {
        "kzclaims.schema.json"
    } else if rel.starts_with("scenarios/") {
        "scenarios.schema.json"
    } else {
        "claims.schema.json"
    };
    let Some((_, root)) = schemas().iter().find(|(n, _)| *n == name) else {
        return Vec::new();
    };
    let mut node = root;
    for seg in path {
        match resolve(root, node)
            .get("properties")
            .and_then(|p| p.get(seg))
        {
            Some(n) => node = n,
            None => return Vec::new(),
        }
    }
    let node = resolve(root, node);
    let required: Vec<&str> = node
        .get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    node.get("properties")
        .and_then(Value::as_object)
        .map(|props| {
            props
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        description(root, v),
                        required.contains(&k.as_str()),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claim_keys_with_the_schemas_descriptions() {
        let k = keys("claims/a.toml", &["claim".to_string()]);
        let date = k.iter().find(|(n, _, _)| n == "date").unwrap();
        assert!(date.1.starts_with("When it"), "{}", date.1);
        assert!(date.2, "date is required");
        let group = k.iter().find(|(n, _, _)| n == "group").unwrap();
        assert!(
            group.1.contains("count once") || group.1.contains("counts once"),
            "{}",
            group.1
        );
        let rev = keys("claims/a.toml", &["claim".into(), "revision".into()]);
        assert!(rev
            .iter()
            .any(|(n, d, _)| n == "note" && d == "What changed and why."));
        assert!(keys("kzclaims.toml", &["scoring".into()])
            .iter()
            .any(|(n, _, _)| n == "engine"));
        assert!(keys("claims/a.toml", &["nope".into()]).is_empty());
    }
}
