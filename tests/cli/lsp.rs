//! `kzclaims lsp` through the small JSON-RPC client of lsp_client.rs.

use super::common::*;
use super::lsp_client::*;
use serde_json::{json, Value};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn setup() -> (tempfile::TempDir, Client) {
    let dir = tempfile::tempdir().unwrap();
    bundled_copy(dir.path());
    let c = Client::start(dir.path(), true, json!({}));
    (dir, c)
}

fn codes(d: &[Value]) -> Vec<String> {
    d.iter()
        .map(|x| x["code"].as_str().unwrap().to_string())
        .collect()
}

const FILE: &str = "claims/2019-2021.toml";

#[test]
fn diagnostics_as_you_type_then_cleared() {
    let (_dir, mut c) = setup();
    let mut text = c.open(FILE);
    // A mistyped rating.
    let at = text.find("elite-coup = \"N\"").unwrap() + "elite-coup = \"".len();
    let has = |code: &'static str| move |d: &[Value]| codes(d).iter().any(|c| c == code);
    c.edit(FILE, &mut text, at, at + 1, "Q", 2);
    let d = c.diagnostics(FILE, has("E010"));
    // Errors only while the workspace does not load (as check).
    assert_eq!(codes(&d), ["E010"], "{d:?}");
    assert_eq!(d[0]["severity"], 1);
    assert_eq!(d[0]["range"]["start"], pos(&text, at - 1));
    assert!(d[0]["message"].as_str().unwrap().contains("Q"), "{d:?}");
    // Fixed: the error goes (the file's warnings come back).
    c.edit(FILE, &mut text, at, at + 1, "I", 3);
    let d = c.diagnostics(FILE, |d| {
        !d.is_empty() && !codes(d).iter().any(|c| c.starts_with('E'))
    });
    assert!(codes(&d).iter().all(|c| c.starts_with('K')), "{d:?}");
    // A warning: the claim's silences taken away (K101, K102 as check words them).
    let line = text.find("silence = { K101").unwrap();
    let end = line + text[line..].find('\n').unwrap() + 1;
    c.edit(FILE, &mut text, line, end, "", 4);
    let d = c.diagnostics(FILE, has("K102"));
    // It names only its own claim: nothing else to point at.
    let k102 = d.iter().find(|x| x["code"] == "K102").unwrap();
    assert!(k102.get("relatedInformation").is_none(), "{k102}");
    assert!(d.iter().all(|x| x["severity"] == 2));
    // The same codes and words as check: run it on the same text, saved.
    std::fs::write(c.root.join(FILE), &text).unwrap();
    let out = kz(&c.root)
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let from_check: Vec<&Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["file"] == FILE)
        .collect();
    assert_eq!(from_check.len(), d.len(), "{json}");
    for w in from_check {
        assert!(
            d.iter().any(|x| x["code"] == w["code"]
                && x["message"]
                    .as_str()
                    .unwrap()
                    .starts_with(w["message"].as_str().unwrap())),
            "{w} not among {d:?}"
        );
    }
    // A syntax error in this file keeps the warnings of another.
    let other = "claims/2022-01-early.toml";
    let mut t2 = c.open(other);
    let s2 = t2.find("silence = {").unwrap();
    let e2 = s2 + t2[s2..].find('\n').unwrap() + 1;
    c.edit(other, &mut t2, s2, e2, "", 2);
    // Its claim's silenced warnings appear (besides the K113 it had).
    let warned = c.diagnostics(other, |d| codes(d).iter().any(|c| c != "K113"));
    assert!(codes(&warned).iter().all(|c| c.starts_with('K')));
    c.edit(FILE, &mut text, 0, 0, "[[claim]\n", 5);
    let d = c.diagnostics(FILE, |d| codes(d).contains(&"E001".to_string()));
    assert_eq!(d[0]["range"]["start"]["line"], 0, "{d:?}");
    // The other file was published again with its warnings kept (or not
    // republished at all): ask for any diagnostics of it after a change there.
    c.edit(other, &mut t2, 0, 0, "# a comment\n", 3);
    let again = c.diagnostics(other, |d| !d.is_empty());
    assert_eq!(codes(&again), codes(&warned));
}

#[test]
fn duplicate_id_points_at_the_first_definition() {
    let (_dir, mut c) = setup();
    let rel = "claims/2022-02-03.toml";
    let mut text = c.open(rel);
    let first = std::fs::read_to_string(c.root.join(FILE)).unwrap();
    let id_at = text.find("\nid = \"").unwrap() + "\nid = \"".len();
    let id_end = id_at + text[id_at..].find('"').unwrap();
    c.edit(rel, &mut text, id_at, id_end, "nazarbayev-resigns", 2);
    let d = c.diagnostics(rel, |d| codes(d).contains(&"E005".to_string()));
    let e = d.iter().find(|x| x["code"] == "E005").unwrap();
    let rel_info = &e["relatedInformation"][0]["location"];
    assert_eq!(rel_info["uri"], uri(&c.root.join(FILE)));
    let def = first.find("id = \"nazarbayev-resigns\"").unwrap() + "id = \"".len();
    assert_eq!(rel_info["range"]["start"], pos(&first, def), "{e}");
}

#[test]
fn completion_in_ratings_sources_keys_and_dates() {
    let (_dir, mut c) = setup();
    let mut text = c.open(FILE);
    // Inside the first [claim.ratings]: remove one rating and ask at a new line.
    let at = text.find("[claim.ratings]\n").unwrap() + "[claim.ratings]\n".len();
    let line_end = at + text[at..].find('\n').unwrap() + 1;
    c.edit(FILE, &mut text, at, line_end, "", 2);
    let items = c.request("textDocument/completion", c.at(FILE, &text, at));
    let mut items = items.as_array().unwrap().clone();
    items.sort_by_key(|i| i["sortText"].as_str().unwrap_or("").to_string());
    let labels: Vec<&str> = items.iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(
        labels[0], "spontaneous-protest",
        "unrated first: {labels:?}"
    );
    assert_eq!(labels.len(), 4);
    assert!(items[1]["detail"]
        .as_str()
        .unwrap()
        .contains("already rated"));
    // A rating value, with its meaning.
    c.edit(FILE, &mut text, at, at, "spontaneous-protest = \n", 3);
    let v = at + "spontaneous-protest = ".len();
    let items = c.request("textDocument/completion", c.at(FILE, &text, v));
    let cc = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "CC")
        .unwrap()
        .clone();
    assert_eq!(cc["detail"], "very consistent");
    assert_eq!(cc["textEdit"]["newText"], "\"CC\"");
    // Source ids inside `sources`.
    let s = text.find("sources = [\"").unwrap() + "sources = [\"".len();
    let items = c.request("textDocument/completion", c.at(FILE, &text, s));
    assert!(
        items
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["label"] == "eurasianet"),
        "{items}"
    );
    // Keys of [[claim]] with the schema's descriptions; a date as today.
    let k = text.find("\ncredibility = 1").unwrap() + 1;
    c.edit(FILE, &mut text, k, k, "da\n", 4);
    let items = c.request("textDocument/completion", c.at(FILE, &text, k + 2));
    let date = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "date")
        .unwrap()
        .clone();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("schema/claims.schema.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        date["documentation"]["value"],
        schema["$defs"]["Claim"]["properties"]["date"]["description"],
        "the schema's words"
    );
    c.edit(FILE, &mut text, k, k + 2, "published = ", 5);
    let items = c.request(
        "textDocument/completion",
        c.at(FILE, &text, k + "published = ".len()),
    );
    let today = {
        let days = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            / 86_400;
        (chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Days::new(days)).to_string()
    };
    assert_eq!(items[0]["label"], json!(today), "{items}");
}

/// The completion items at `offset`, by their sort text: (label, detail,
/// the text inserted); each must replace `word_start..offset`.
fn completions_at(
    c: &mut Client,
    rel: &str,
    text: &str,
    word_start: usize,
    offset: usize,
) -> Vec<(String, String, String)> {
    let items = c.request("textDocument/completion", c.at(rel, text, offset));
    let mut items = items.as_array().unwrap().clone();
    items.sort_by_key(|i| i["sortText"].as_str().unwrap_or("").to_string());
    items
        .iter()
        .map(|i| {
            let edit = &i["textEdit"];
            assert_eq!(edit["range"]["start"], pos(text, word_start), "{i}");
            assert_eq!(edit["range"]["end"], pos(text, offset), "{i}");
            (
                i["label"].as_str().unwrap().to_string(),
                i["detail"].as_str().unwrap_or("").to_string(),
                edit["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn completion_in_arrays_opened_on_an_earlier_line() {
    let (_dir, mut c) = setup();
    let mut text = c.open(FILE);
    let source_ids: Vec<String> = {
        let sources = std::fs::read_to_string(c.root.join("claims/sources.toml")).unwrap();
        sources
            .lines()
            .filter_map(|l| l.strip_prefix("id = \""))
            .map(|l| l.trim_end_matches('"').to_string())
            .collect()
    };
    // `sources` over several lines, a comment with brackets and quotes in it,
    // the cursor on a new line.
    let one = "sources = [\"eurasianet\", \"cornell-2022\"]";
    let at = text.find(one).unwrap();
    let multi =
        "sources = [\n  \"eurasianet\", # [sic] \"x\" = {\n  # cornell-2022 = \"C\" [\n  \n]";
    c.edit(FILE, &mut text, at, at + one.len(), multi, 2);
    let cur = at + multi.find("\n  \n").unwrap() + 3;
    let items = completions_at(&mut c, FILE, &text, cur, cur);
    let labels: Vec<&str> = items.iter().map(|i| i.0.as_str()).collect();
    assert_eq!(
        labels.len(),
        source_ids.len(),
        "source ids only: {labels:?}"
    );
    // Listed once (the comment lists nothing): that one last.
    assert_eq!(labels.last(), Some(&"eurasianet"), "{labels:?}");
    let listed = |i: &(String, String, String)| i.1.ends_with("(already listed)");
    assert_eq!(items.iter().filter(|i| listed(i)).count(), 1, "{items:?}");
    assert!(listed(items.last().unwrap()), "{items:?}");
    let cornell = items.iter().find(|i| i.0 == "cornell-2022").unwrap();
    assert_eq!(cornell.2, "\"cornell-2022\"", "quoted outside a quote");
    assert!(!labels.contains(&"date") && !labels.contains(&"credibility"));

    // Inside a string being typed there: the id alone, replacing the word.
    c.edit(FILE, &mut text, cur, cur, "\"ca", 3);
    let items = completions_at(&mut c, FILE, &text, cur + 1, cur + 3);
    let caci = items.iter().find(|i| i.0 == "caci-srsp").unwrap();
    assert_eq!(caci.2, "caci-srsp", "{items:?}");
    assert_eq!(items.len(), source_ids.len());

    // After a trailing comma on the same line, with the `]` not typed yet
    // (the file does not parse).
    let close = cur + 3 + text[cur + 3..].find("\n]").unwrap();
    c.edit(FILE, &mut text, cur, close + 2, "\"caci-srsp\", ", 4);
    let cur = cur + "\"caci-srsp\", ".len();
    assert!(
        text[cur..].starts_with("\nurl = "),
        "{}",
        &text[cur - 40..cur + 20]
    );
    let items = completions_at(&mut c, FILE, &text, cur, cur);
    let labels: Vec<&str> = items.iter().map(|i| i.0.as_str()).collect();
    assert_eq!(labels.len(), source_ids.len(), "{labels:?}");
    assert_eq!(&labels[labels.len() - 2..], ["caci-srsp", "eurasianet"]);
    assert_eq!(items.iter().filter(|i| listed(i)).count(), 2, "{items:?}");
    // The next line is a key again: its values, not source ids.
    let rel = text[cur..].find("relevance = \"medium\"").unwrap() + cur;
    let v = rel + "relevance = ".len();
    let items = completions_at(&mut c, FILE, &text, v, v);
    let labels: Vec<&str> = items.iter().map(|i| i.0.as_str()).collect();
    assert_eq!(labels, ["low", "medium", "high"]);
}

#[test]
fn completion_of_scenarios_and_claims_in_multi_line_arrays() {
    let (_dir, mut c) = setup();
    // An assumption's scenarios in kzclaims.toml.
    let cfg = "kzclaims.toml";
    let mut text = c.open(cfg);
    let one = "scenarios = [\"elite-coup\", \"foreign-terrorists\", \"staged-purge\"]";
    let at = text.find(one).unwrap();
    let multi =
        "scenarios = [\n  \"elite-coup\",\n  'foreign-terrorists', \"staged-purge\",\n  \n]";
    c.edit(cfg, &mut text, at, at + one.len(), multi, 2);
    let cur = at + multi.find("\n  \n").unwrap() + 3;
    let items = completions_at(&mut c, cfg, &text, cur, cur);
    let labels: Vec<&str> = items.iter().map(|i| i.0.as_str()).collect();
    assert_eq!(
        labels,
        [
            "spontaneous-protest",
            "elite-coup",
            "foreign-terrorists",
            "staged-purge"
        ]
    );
    assert!(!items[0].1.contains("already listed"), "{items:?}");
    assert!(items[1..].iter().all(|i| i.1.ends_with("(already listed)")));

    // An observation's claims in a scenarios file, in a quote being typed.
    let scen = "scenarios/kazakhstan.toml";
    let mut text = c.open(scen);
    let one = "claims = [\"massimov-dismissed\", \"knb-deputies-dismissed\"]";
    let at = text.find(one).unwrap();
    let multi =
        "claims = [\n  \"massimov-dismissed\",\n  \"knb-deputies-dismissed\",\n  \"nazarbayev-v\n]";
    c.edit(scen, &mut text, at, at + one.len(), multi, 2);
    let cur = at + multi.find("-v\n]").unwrap() + 2;
    let word = at + multi.find("nazarbayev-v").unwrap();
    let items = completions_at(&mut c, scen, &text, word, cur);
    let first = &items[0];
    assert_ne!(first.0, "massimov-dismissed");
    let veto = items
        .iter()
        .find(|i| i.0 == "nazarbayev-veto-decree")
        .unwrap();
    assert_eq!(
        (veto.1.as_str(), veto.2.as_str()),
        ("2019-10-09", "nazarbayev-veto-decree")
    );
    let n = items.len();
    let tail: Vec<&str> = items[n - 2..].iter().map(|i| i.0.as_str()).collect();
    assert_eq!(tail, ["massimov-dismissed", "knb-deputies-dismissed"]);
}

#[test]
fn completion_in_an_assessment_array_and_after_an_unclosed_one() {
    let (_dir, mut c) = setup();
    let mut text = c.open(FILE);
    let tags = "tags = [\"succession\", \"security-services\", \"elite-rift\"]\n";
    let at = text.find(tags).unwrap() + tags.len();
    // Analysts' assessments as an array of inline tables over several lines.
    let add = "assessment = [\n  { analyst = \"lead\", ratings = { elite-coup = \"C\" } },\n  { analyst = \"\", ratings = {\n    elite-coup = \"N\",\n     } },\n]\n";
    c.edit(FILE, &mut text, at, at, add, 2);
    let a = at + add.find("analyst = \"\"").unwrap() + "analyst = \"".len();
    let items = completions_at(&mut c, FILE, &text, a, a);
    let got: Vec<(&str, &str)> = items.iter().map(|i| (i.0.as_str(), i.2.as_str())).collect();
    assert_eq!(got, [("lead", "lead"), ("red-team", "red-team")]);
    // A scenario id as a key of the nested ratings, the one rated there last.
    let k = at + add.find("     }").unwrap() + 5;
    let items = completions_at(&mut c, FILE, &text, k, k);
    let labels: Vec<&str> = items.iter().map(|i| i.0.as_str()).collect();
    assert_eq!(labels.len(), 4, "{labels:?}");
    assert_eq!(labels[3], "elite-coup", "{labels:?}");
    assert_eq!(items[0].2, format!("{} = ", labels[0]));
    // A `group = ` line after an array left unclosed: the groups, not source ids.
    let one = "sources = [\"eurasianet\", \"cornell-2022\"]";
    let s = text.find(one).unwrap();
    c.edit(
        FILE,
        &mut text,
        s,
        s + one.len(),
        "sources = [\n  \"eurasianet\",\ngroup = ",
        3,
    );
    let g = s + "sources = [\n  \"eurasianet\",\ngroup = ".len();
    let items = completions_at(&mut c, FILE, &text, g, g);
    let labels: Vec<&str> = items.iter().map(|i| i.0.as_str()).collect();
    assert!(labels.contains(&"grievances"), "{labels:?}");
    assert!(!labels.contains(&"eurasianet"), "{labels:?}");
    assert_eq!(items[0].2, format!("\"{}\"", labels[0]));
}

#[test]
fn hover_definition_references_symbols() {
    let (_dir, mut c) = setup();
    let text = c.open(FILE);
    // Hover on a claim id: statement, trust, group and its part of the assessment.
    let cid = text.find("nazarbayev-veto-decree").unwrap();
    let h = c.request("textDocument/hover", c.at(FILE, &text, cid + 3));
    let v = h["contents"]["value"].as_str().unwrap();
    for want in [
        "claim `nazarbayev-veto-decree`",
        "2019-10-09",
        "trust",
        "group",
        "this claim's part",
        "margin",
    ] {
        assert!(v.contains(want), "{want}: {v}");
    }
    // On a scenario id: title and probability with range.
    let sid = text.find("elite-coup = ").unwrap();
    let h = c.request("textDocument/hover", c.at(FILE, &text, sid + 2));
    let v = h["contents"]["value"].as_str().unwrap();
    assert!(v.contains("probability") && v.contains("range"), "{v}");
    // On a source id: name, reliability, citing claims.
    let src = text.find("\"eurasianet\"").unwrap() + 1;
    let h = c.request("textDocument/hover", c.at(FILE, &text, src));
    let v = h["contents"]["value"].as_str().unwrap();
    assert!(v.contains("reliability") && v.contains("cited by"), "{v}");
    // On a rating: its meaning.
    let r = text.find("elite-coup = \"C\"").unwrap() + "elite-coup = \"".len();
    let h = c.request("textDocument/hover", c.at(FILE, &text, r));
    assert_eq!(h["contents"]["value"], "**C**: consistent");

    // Definition of a source id: its [[source]] in sources.toml.
    let d = c.request("textDocument/definition", c.at(FILE, &text, src));
    let sources = std::fs::read_to_string(c.root.join("claims/sources.toml")).unwrap();
    let def = sources.find("id = \"eurasianet\"").unwrap() + "id = \"".len();
    assert_eq!(d[0]["uri"], uri(&c.root.join("claims/sources.toml")));
    assert_eq!(d[0]["range"]["start"], pos(&sources, def), "{d}");
    // Definition of a scenario id in a ratings table.
    let d = c.request("textDocument/definition", c.at(FILE, &text, sid + 2));
    assert_eq!(d[0]["uri"], uri(&c.root.join("scenarios/kazakhstan.toml")));

    // References to a scenario: every ratings key and rationale key in every file.
    let refs = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": uri(&c.root.join(FILE))}, "position": pos(&text, sid + 2), "context": {"includeDeclaration": true}}),
    );
    let refs = refs.as_array().unwrap();
    let files: std::collections::BTreeSet<&str> =
        refs.iter().map(|r| r["uri"].as_str().unwrap()).collect();
    assert!(files.len() >= 5, "{files:?}");
    let in_file = refs
        .iter()
        .filter(|r| r["uri"] == uri(&c.root.join(FILE)))
        .count();
    assert_eq!(in_file, text.matches("\nelite-coup = ").count());

    // References to a group: its members, in every file.
    let early = "claims/2022-01-early.toml";
    let et = c.open(early);
    let g = et.find("group = \"mangystau-protests\"").unwrap() + "group = \"".len();
    let refs = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": uri(&c.root.join(early))}, "position": pos(&et, g + 1), "context": {"includeDeclaration": true}}),
    );
    let members: usize = std::fs::read_dir(c.root.join("claims"))
        .unwrap()
        .map(|e| {
            std::fs::read_to_string(e.unwrap().path())
                .unwrap()
                .matches("group = \"mangystau-protests\"")
                .count()
        })
        .sum();
    assert_eq!(refs.as_array().unwrap().len(), members, "{refs}");

    // Symbols of this document, and of the workspace by query.
    let syms = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri(&c.root.join(FILE))}}),
    );
    assert!(syms
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["name"] == "nazarbayev-veto-decree"));
    let syms = c.request("workspace/symbol", json!({"query": "eurasia"}));
    assert_eq!(syms.as_array().unwrap().len(), 1, "{syms}");
    assert_eq!(syms[0]["name"], "eurasianet");
}

#[test]
fn rename_actions_formatting_and_hints() {
    let (_dir, mut c) = setup();
    let text = c.open(FILE);
    // Rename a source: one edit per place, in every file that cites it.
    let src = text.find("\"eurasianet\"").unwrap() + 1;
    let e = c.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri(&c.root.join(FILE))}, "position": pos(&text, src), "newName": "eurasianet-org"}),
    );
    let changes = e["changes"].as_object().unwrap();
    assert!(
        changes.contains_key(&uri(&c.root.join("claims/sources.toml"))),
        "{e}"
    );
    let n: usize = changes.values().map(|v| v.as_array().unwrap().len()).sum();
    let all: usize = [
        "claims/2019-2021.toml",
        "claims/2022-01-early.toml",
        "claims/2022-01-late.toml",
        "claims/2022-02-03.toml",
        "claims/sources.toml",
    ]
    .iter()
    .map(|f| {
        std::fs::read_to_string(c.root.join(f))
            .unwrap()
            .matches("\"eurasianet\"")
            .count()
    })
    .sum();
    assert_eq!(n, all);
    assert!(changes
        .values()
        .flat_map(|v| v.as_array().unwrap())
        .all(|e| e["newText"] == "eurasianet-org"));
    // Rename a scenario: its ratings everywhere, and the assumptions in
    // kzclaims.toml that name it.
    let sid = text.find("foreign-terrorists = ").unwrap();
    let e = c.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri(&c.root.join(FILE))}, "position": pos(&text, sid), "newName": "foreign-fighters"}),
    );
    let changes = e["changes"].as_object().unwrap();
    let config = std::fs::read_to_string(c.root.join("kzclaims.toml")).unwrap();
    let in_config = changes[&uri(&c.root.join("kzclaims.toml"))]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(
        in_config,
        config.matches("\"foreign-terrorists\"").count(),
        "{e}"
    );
    assert!(in_config >= 2, "{e}");
    let bad = c.request_full(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri(&c.root.join(FILE))}, "position": pos(&text, src), "newName": "Not An Id"}),
    );
    assert!(bad.get("error").is_some(), "{bad}");

    // Code actions on a claim: a revision dated today; the scenarios left
    // unrated; a string date as a TOML date; a warning silenced.
    let cid = text.find("nazarbayev-veto-decree").unwrap();
    let range = json!({"start": pos(&text, cid), "end": pos(&text, cid)});
    let acts = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&c.root.join(FILE))}, "range": range, "context": {"diagnostics": []}}),
    );
    let titles: Vec<&str> = acts
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(
        titles
            .iter()
            .any(|t| t.starts_with("Add a [[claim.revision]]")),
        "{titles:?}"
    );
    let fmt = c.request("textDocument/formatting", json!({"textDocument": {"uri": uri(&c.root.join(FILE))}, "options": {"tabSize": 2, "insertSpaces": true}}));
    assert_eq!(fmt, json!([]), "the bundled files are formatted");

    let hints = c.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": uri(&c.root.join(FILE))}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 9999, "character": 0}}}),
    );
    let hints = hints.as_array().unwrap();
    assert!(!hints.is_empty());
    let label = hints[0]["label"].as_str().unwrap();
    assert!(
        [
            "spontaneous-protest",
            "elite-coup",
            "foreign-terrorists",
            "staged-purge"
        ]
        .iter()
        .any(|s| label.starts_with(s)),
        "{label}"
    );
}

#[test]
fn code_actions_edit_the_record() {
    let dir = workspace(&[
        ("kzclaims.toml", "title = \"t\"\nquestion = \"q\"\n"),
        ("scenarios/s.toml", "[[scenario]]\nid = \"a\"\ntitle = \"A\"\nsummary = \"s\"\n\n[[scenario]]\nid = \"b\"\ntitle = \"B\"\nsummary = \"s\"\n"),
        ("claims/c.toml", "[[source]]\nid = \"s1\"\nname = \"S\"\nkind = \"media\"\nreliability = \"B\"\n\n[[claim]]\nid = \"c1\"\ndate = \"2022-01-05\"\nstatement = \"x\"\nsources = [\"s1\"]\ncredibility = 2\nratings = { a = \"C\", b = \"I\" }\n"),
    ]);
    let mut c = Client::start(dir.path(), true, json!({"inlayHints": false}));
    let rel = "claims/c.toml";
    let text = c.open(rel);
    let d = c.diagnostics(rel, |d| !d.is_empty());
    let k102 = d
        .iter()
        .find(|x| x["code"] == "K102")
        .expect("no link: K102")
        .clone();
    let at = text.find("\"2022-01-05\"").unwrap() + 2;
    let acts = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&c.root.join(rel))}, "range": {"start": pos(&text, at), "end": pos(&text, at)}, "context": {"diagnostics": [k102]}}),
    );
    let apply = |title: &str| -> String {
        let a = acts
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["title"].as_str().unwrap().starts_with(title))
            .unwrap_or_else(|| panic!("{title}: {acts}"));
        let edits = a["edit"]["changes"][uri(&c.root.join(rel))]
            .as_array()
            .unwrap()
            .clone();
        let mut t = text.clone();
        let mut edits: Vec<(usize, usize, String)> = edits
            .iter()
            .map(|e| {
                (
                    offset(&t, &e["range"]["start"]),
                    offset(&t, &e["range"]["end"]),
                    e["newText"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        edits.sort_by_key(|e| std::cmp::Reverse(e.0));
        for (s, e, n) in edits {
            t.replace_range(s..e, &n);
        }
        t
    };
    let t = apply("Write \"2022-01-05\" as a TOML date");
    assert!(t.contains("\ndate = 2022-01-05\n"), "{t}");
    let t = apply("Silence K102");
    assert!(
        t.contains("id = \"c1\"\nsilence = { K102 = \"REASON"),
        "{t}"
    );
    let t = apply("Add a [[claim.revision]]");
    assert!(
        t.trim_end()
            .ends_with("[[claim.revision]]\ndate = ".to_string().as_str())
            || t.contains("\n\n[[claim.revision]]\ndate = 20"),
        "{t}"
    );
    // Inlay hints are off when the client asks.
    let hints = c.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": uri(&c.root.join(rel))}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 99, "character": 0}}}),
    );
    assert_eq!(hints, json!([]));
    // Rate the unrated: take b's rating out.
    let mut text2 = text.clone();
    let b = text2.find(", b = \"I\"").unwrap();
    c.edit(rel, &mut text2, b, b + ", b = \"I\"".len(), "", 2);
    c.diagnostics(rel, |d| codes(d).contains(&"E008".to_string()));
    let acts = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(&c.root.join(rel))}, "range": {"start": pos(&text2, at), "end": pos(&text2, at)}, "context": {"diagnostics": []}}),
    );
    let a = acts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap()
                .starts_with("Rate the 1 scenario")
        })
        .unwrap_or_else(|| panic!("{acts}"))
        .clone();
    let e = &a["edit"]["changes"][uri(&c.root.join(rel))][0];
    let s = offset(&text2, &e["range"]["start"]);
    text2.insert_str(s, e["newText"].as_str().unwrap());
    assert!(
        text2.contains("ratings = { a = \"C\", b = \"\" }"),
        "{text2}"
    );
}

fn offset(text: &str, p: &Value) -> usize {
    let line = p["line"].as_u64().unwrap() as usize;
    let col = p["character"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, ch) in text[start..].char_indices() {
        if units >= col {
            return start + i;
        }
        units += ch.len_utf16();
    }
    text.len()
}

#[test]
fn root_found_from_the_first_opened_file_and_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    bundled_copy(dir.path());
    let mut c = Client::start(dir.path(), false, json!({}));
    let mut text = c.open(FILE);
    let at = text.find("elite-coup = \"N\"").unwrap() + "elite-coup = \"".len();
    c.edit(FILE, &mut text, at, at + 1, "X", 2);
    let d = c.diagnostics(FILE, |d| codes(d).iter().any(|c| c == "E010"));
    assert_eq!(codes(&d), ["E010"]);
    assert_eq!(c.request("shutdown", json!(null)), json!(null));
    c.notify("exit", json!(null));
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Some(status) = c.child.try_wait().unwrap() {
            assert!(status.success(), "{status}");
            break;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Neovim's built-in client, headless: it opens a bundled claims file,
/// mistypes a rating, waits for the diagnostic, asks for completion inside a
/// ratings table and for a definition (tests/cli/nvim_lsp.lua). Needs `nvim`
/// (0.7 or later): fails without it when CI is set, skips loudly otherwise.
#[test]
fn neovim_gets_diagnostics_completion_and_definition() {
    if !tool_or_skip("nvim", "neovim_gets_diagnostics_completion_and_definition") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    bundled_copy(dir.path());
    let out = dir.path().join("nvim-result.json");
    let script = repo_root().join("tests/cli/nvim_lsp.lua");
    let mut child = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-S"])
        .arg(&script)
        .env("KZ_BIN", assert_cmd::cargo::cargo_bin("kzclaims"))
        .env("KZ_ROOT", dir.path())
        .env("KZ_FILE", FILE)
        .env("KZ_OUT", &out)
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("nvim did not finish in time");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut err = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
    let text =
        std::fs::read_to_string(&out).unwrap_or_else(|e| panic!("no result ({e}); stderr: {err}"));
    let r: Value = serde_json::from_str(&text).unwrap();
    assert!(r.get("error").is_none(), "{r}");
    assert_eq!(r["diagnostic"]["code"], "E010", "{r}");
    assert_eq!(r["diagnostic"]["lnum"], r["rating_row"], "{r}");
    assert_eq!(r["diagnostic"]["severity"], 1, "{r}");
    let labels: Vec<&str> = r["completion"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    for s in [
        "spontaneous-protest",
        "elite-coup",
        "foreign-terrorists",
        "staged-purge",
    ] {
        assert!(labels.contains(&s), "{labels:?}");
    }
    let line = r["source_line"].as_str().unwrap();
    let first_source = line.split('"').nth(1).unwrap();
    assert_eq!(
        r["definition"]["uri"],
        json!(uri(&dir.path().join("claims/sources.toml"))),
        "{r}"
    );
    let sources = std::fs::read_to_string(dir.path().join("claims/sources.toml")).unwrap();
    let def_line = sources[..sources.find(&format!("id = \"{first_source}\"")).unwrap()]
        .matches('\n')
        .count();
    assert_eq!(r["definition"]["line"], json!(def_line), "{r}");
}

/// K113 (a claim counting from its source's later publication) carries the
/// source as related information, as `check` names it; a source's hover
/// gives its publication date.
#[test]
fn late_publication_points_at_its_source() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("published"), dir.path());
    let mut c = Client::start(dir.path(), true, json!({}));
    let rel = "claims/c.toml";
    let text = c.open(rel);
    let d = c.diagnostics(rel, |d| codes(d).contains(&"K113".to_string()));
    let k = d.iter().find(|x| x["code"] == "K113").unwrap();
    let related = k["relatedInformation"]
        .as_array()
        .expect("related information");
    let first_line = k["message"].as_str().unwrap().lines().next().unwrap();
    let by = first_line.rsplit('`').nth(1).unwrap().to_string();
    let r = related
        .iter()
        .find(|r| r["message"].as_str().unwrap().contains("published"))
        .unwrap_or_else(|| panic!("{k}"));
    assert_eq!(r["location"]["uri"], uri(&c.root.join(rel)));
    let def = text.find(&format!("id = \"{by}\"")).unwrap();
    let line = text[..def].matches('\n').count();
    let start = r["location"]["range"]["start"]["line"].as_u64().unwrap() as usize;
    assert!(start <= line + 1 && line <= start + 6, "{r} vs line {line}");
    let h = c.request(
        "textDocument/hover",
        c.at(rel, &text, def + "id = \"".len() + 1),
    );
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("published 20"),
        "{h}"
    );
}
