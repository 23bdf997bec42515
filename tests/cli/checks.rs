//! Quality-of-information checks K101-K110, silences and `check --strict`.

use crate::common::*;

#[test]
fn every_check_fires_on_its_fixture() {
    let out = kz(&fixture("checks")).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    for want in [
        "warning[K101]: claim `weather` is not diagnostic",
        "warning[K103]: the leading scenario `gov` is contradicted by no claim",
        "warning[K104]: claim `agency-report` rests on a single source (`agency`) yet carries high weight",
        "warning[K105]: claim `relay-report` cites `relay`, which relays `agency`, also behind `agency-report`, `both-report`",
        "warning[K105]: claim `both-report` cites `agency` and `relay` as corroboration, but they all come from `agency`",
        "warning[K106]: claim `ministry-says` comes from `ministry`, which has a stake in `gov`, and is rated C in that scenario's favour",
        "warning[K107]: scenario `rival` has no indicator",
        "warning[K108]: likelihood word and number disagree: \"very unlikely (94%)\"",
        "--> short.md (rendered):2:12",
        "warning[K109]: indicator `gov/trial` is not diagnostic",
        "warning[K110]: claim `agency-report` documents the observation of indicator `gov/report`",
    ] {
        assert!(err.contains(want), "missing {want}\n{err}");
    }
    assert_eq!(err.matches("warning[K105]").count(), 2, "{err}");
    assert!(!err.contains("warning[K102]"), "K102 is silenced: {err}");
    assert_eq!(
        stdout(&out),
        "ok: 2 scenarios, 5 claims, 3 sources, as of 2024-01-10, 10 warnings, 1 silenced\n"
    );
}

#[test]
fn strict_fails_until_every_warning_is_silenced() {
    let out = kz(&fixture("checks"))
        .args(["check", "--strict"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty());
    assert!(
        stderr(&out).contains("--strict: 10 warnings not silenced"),
        "{}",
        stderr(&out)
    );

    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("checks"), dir.path());
    let edit = |rel: &str, from: &str, to: &str| {
        let p = dir.path().join(rel);
        let t = std::fs::read_to_string(&p).unwrap();
        assert!(t.contains(from), "{rel}: {from}");
        std::fs::write(&p, t.replacen(from, to, 1)).unwrap();
    };
    let claims = "claims/c.toml";
    edit(claims, "ratings = { gov = \"C\", rival = \"I\" }\n", "ratings = { gov = \"C\", rival = \"I\" }\nsilence = { K106 = \"kept to show the ministry's line\" }\n");
    edit(claims, "relevance = \"high\"\n", "relevance = \"high\"\nsilence = { K104 = \"wire copy\", K110 = \"the report and its publication are separate facts\" }\n");
    edit(
        claims,
        "id = \"relay-report\"\n",
        "id = \"relay-report\"\nsilence = { K105 = \"test\" }\n",
    );
    edit(
        claims,
        "silence = { K102 = \"print edition only; no url exists\" }",
        "silence = { K102 = \"print edition only; no url exists\", K105 = \"test\" }",
    );
    edit(
        claims,
        "id = \"weather\"\n",
        "id = \"weather\"\nsilence = { K101 = \"context\" }\n",
    );
    edit(
        "scenarios/s.toml",
        "summary = \"It was as the government says.\"\n",
        "summary = \"It was as the government says.\"\nsilence = { K103 = \"test\" }\n",
    );
    edit(
        "scenarios/s.toml",
        "if_false = 0.5\n",
        "if_false = 0.5\nsilence = { K109 = \"test\" }\n",
    );
    edit(
        "scenarios/s.toml",
        "summary = \"It was as the rivals say.\"\n",
        "summary = \"It was as the rivals say.\"\nsilence = { K107 = \"test\" }\n",
    );
    edit(
        "kzclaims.toml",
        "as_of = 2024-01-10\n",
        "as_of = 2024-01-10\nsilence = { K108 = \"the short template misquotes on purpose\" }\n",
    );
    let out = kz(dir.path())
        .args(["check", "--strict", "--show-silenced"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "ok: 2 scenarios, 5 claims, 3 sources, as of 2024-01-10, 11 silenced\n"
    );
    assert!(
        stderr(&out).contains("silenced[K108]: likelihood word and number disagree"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn silences_are_validated() {
    let ws = workspace(&[
        (
            "kzclaims.toml",
            "title = \"t\"\nquestion = \"q\"\nsilence = { K102 = \"x\" }\n",
        ),
        (
            "scenarios/s.toml",
            "[[scenario]]\nid = \"a\"\ntitle = \"A\"\nsummary = \"s\"\nsilence = { K107 = \"   \" }\n",
        ),
        (
            "claims/c.toml",
            "[[source]]\nid = \"s\"\nname = \"S\"\nkind = \"media\"\nreliability = \"A\"\n\n[[claim]]\nid = \"x\"\ndate = 2024-01-01\nstatement = \"s\"\nsources = [\"s\"]\ncredibility = 1\nratings = { a = \"C\" }\nsilence = { K120 = \"nope\", K103 = \"wrong place\", K102 = 3 }\n",
        ),
    ]);
    let out = kz(ws.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    for want in [
        "error[E017]: `K102` (claim has no citation url) cannot be silenced in kzclaims.toml",
        "help: silence K102 in [[claim]]",
        "error[E017]: silencing `K107` needs a reason",
        "error[E017]: unknown check code `K120`",
        "error[E017]: `K103` (leading scenario contradicted by no claim) cannot be silenced in [[claim]]",
        "help: silence K103 in [[scenario]]",
        "error[E003]: the reason for silencing `K102` must be a string",
    ] {
        assert!(err.contains(want), "missing {want}\n{err}");
    }
}

#[test]
fn indicators_resolution_and_sources_are_validated() {
    let ws = workspace(&[
        (
            "kzclaims.toml",
            "title = \"t\"\nquestion = \"q\"\n[resolution]\ndate = 2024-02-01\nscenario = \"zz\"\n",
        ),
        (
            "scenarios/s.toml",
            r#"[[scenario]]
id = "a"
title = "A"
summary = "s"

[[scenario.indicator]]
id = "i1"
text = "no likelihoods"
[[scenario.indicator.observation]]
date = 2024-01-05
observed = true
claims = ["nope"]

[[scenario.indicator]]
id = "i2"
text = "out of range"
if_true = 1.0
if_false = 0.2

[[scenario.indicator]]
id = "i3"
text = "both forms"
if_true = 0.5
if_false = 0.2
ratings = { a = "C", b = "I" }

[[scenario.indicator]]
id = "i4"
text = "half"
if_true = 0.5

[[scenario.indicator]]
id = "i5"
text = "incomplete"
ratings = { a = "C" }
[[scenario.indicator.observation]]
date = 2024-01-05
observed = "yes"

[[scenario]]
id = "b"
title = "B"
summary = "s"
"#,
        ),
        (
            "claims/c.toml",
            "[[source]]\nid = \"s\"\nname = \"S\"\nkind = \"official\"\nreliability = \"A\"\ninterest = \"aa\"\norigin = \"\"\n",
        ),
    ]);
    let out = kz(ws.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    for want in [
        "error[E006]: [resolution] names unknown scenario `zz`",
        "error[E006]: source `s` has an interest in unknown scenario `aa`",
        "help: did you mean `a`?",
        "error[E010]: `origin` must not be empty",
        "error[E004]: an observed indicator needs likelihoods",
        "error[E016]: an observation in scenario `a` cites unknown claim `nope`",
        "error[E010]: `if_true` is a probability strictly between 0 and 1, found 1",
        "error[E010]: give an indicator either `if_true`/`if_false` or `ratings`, not both",
        "error[E004]: missing key `if_false` in [[scenario.indicator]]",
        "error[E008]: indicator `i5` has no rating for `b`",
        "error[E003]: `observed` in [[scenario.indicator.observation]] must be true or false, found string",
    ] {
        assert!(err.contains(want), "missing {want}\n{err}");
    }
}

/// Every warning of the bundled workspace is silenced for a reason, except
/// K113: the claims known only from Cornell's article (18 April 2022) or
/// Giczán's post (14 January) count from then, and saying so is the honest
/// answer (issue 17), not something to silence.
#[test]
fn bundled_workspace_passes_strict_with_every_warning_silenced_for_a_reason() {
    let out = kz(&repo_root())
        .args(["check", "--all", "--show-silenced"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    let warned: Vec<&str> = err.lines().filter(|l| l.starts_with("warning[")).collect();
    assert!(
        warned
            .iter()
            .all(|l| l.starts_with("warning[K113]: claim `")),
        "{err}"
    );
    let mut late: Vec<&str> = warned
        .iter()
        .map(|l| l.split('`').nth(1).unwrap())
        .collect();
    late.sort();
    assert_eq!(
        late,
        [
            "abish-detained-report",
            "akimat-stormed-police-retreat",
            "almaty-airport-seized",
            "dariga-dismissed-senate",
            "first-reform-package",
            "knb-almaty-seized",
            "knb-deputies-dismissed",
            "lpg-price-doubles",
            "massimov-dismissed",
            "nazarbayev-proposes-tokayev-party-leader",
            "nazarbayev-resigns",
            "nazarbayev-video",
            "pegasus-tokayev-targeted",
            "taldykorgan-camouflage-attack",
        ],
        "{err}"
    );
    assert!(err.contains("warning[K113]: claim `knb-almaty-seized` is dated 2022-01-05, but its earliest source was published 2022-01-14: it counts from 2022-01-14 (`giczan`)"), "{err}");
    for line in err.lines().filter(|l| l.starts_with("silenced[")) {
        let reason = line.rsplit("): ").next().unwrap();
        assert!(reason.len() > 20, "thin reason: {line}");
    }
}

/// K112: a revision that rewrites the statement keeps the old link only when it
/// says where the new statement comes from.
#[test]
fn revised_statement_with_an_old_link_warns_unless_the_revision_says_where() {
    let revision = |extra: &str| {
        format!(
            "\n[[claim.revision]]\ndate = 2024-01-09\nnote = \"the forecast changed\"\nstatement = \"Rain is now expected on Friday.\"\n{extra}"
        )
    };
    let run = |extra: &str| {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&fixture("checks"), dir.path());
        let p = dir.path().join("claims/c.toml");
        let mut t = std::fs::read_to_string(&p).unwrap();
        t.push_str(&revision(extra));
        std::fs::write(&p, t).unwrap();
        let out = kz(dir.path()).arg("check").output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stderr(&out)
    };

    let err = run("");
    assert!(
        err.contains("warning[K112]: the 2024-01-09 revision of claim `weather` changes its statement but keeps the earlier citation url (https://agency.example/2)"),
        "{err}"
    );
    assert!(err.contains("statement revised, link kept"), "{err}");
    assert!(err.contains("--> claims/c.toml:"), "{err}");

    for says_where in [
        "url = \"https://agency.example/3\"\n",
        "sources = [\"agency\"]\n",
        "url = \"\"\n",
    ] {
        let err = run(says_where);
        assert!(!err.contains("K112"), "{says_where}: {err}");
    }
    // A note naming the source (by id or by name) says where, too.
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("checks"), dir.path());
    let p = dir.path().join("claims/c.toml");
    let mut t = std::fs::read_to_string(&p).unwrap();
    t.push_str(&revision("").replace("the forecast changed", "the agency's new bulletin"));
    std::fs::write(&p, t).unwrap();
    let out = kz(dir.path()).arg("check").output().unwrap();
    assert!(!stderr(&out).contains("K112"), "{}", stderr(&out));
}

/// `url = ""` in a revision drops the link from that date on: the memo cites
/// no link for the revised statement, and K102 says so.
#[test]
fn an_empty_url_in_a_revision_drops_the_link() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("checks"), dir.path());
    let p = dir.path().join("claims/c.toml");
    let mut t = std::fs::read_to_string(&p).unwrap();
    t.push_str("\n[[claim.revision]]\ndate = 2024-01-09\nnote = \"only the print bulletin has it\"\nstatement = \"Rain is now expected on Friday.\"\nurl = \"\"\n");
    std::fs::write(&p, t).unwrap();
    let out = kz(dir.path())
        .args(["check", "--as-of", "2024-01-08"])
        .output()
        .unwrap();
    assert!(
        !stderr(&out).contains("claim `weather` has no citation url"),
        "{}",
        stderr(&out)
    );
    let out = kz(dir.path())
        .args(["check", "--as-of", "2024-01-10"])
        .output()
        .unwrap();
    assert!(
        stderr(&out).contains("warning[K102]: claim `weather` has no citation url"),
        "{}",
        stderr(&out)
    );
}

/// The bundled record: no revision that rewrites a claim's statement keeps an
/// earlier link unless it says where the new statement comes from.
#[test]
fn bundled_revisions_never_keep_a_link_for_a_new_statement() {
    let out = kz(&repo_root())
        .args(["check", "--show-silenced"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("K112"), "{}", stderr(&out));
}

/// Many warnings: the first five of each code in full, then a count per
/// code; `--all` shows every one. Errors are never hidden.
#[test]
fn many_warnings_are_counted_per_code() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("small"), dir.path());
    let mut extra = String::new();
    for i in 0..12 {
        extra.push_str(&format!(
            "\n[[claim]]\nid = \"extra-{i}\"\ndate = 2024-03-05\nstatement = \"Report {i}.\"\nsources = [\"wire\"]\ncredibility = 3\nratings = {{ accident = \"C\", sabotage = \"N\", cyberattack = \"N\" }}\n"
        ));
    }
    let p = dir.path().join("claims/extra.toml");
    std::fs::write(&p, extra).unwrap();
    let out = kz(dir.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    // 12 new claims without a url, plus the fixture's own.
    let k102 = err.matches("warning[K102]").count();
    assert_eq!(k102, 5, "{err}");
    assert!(
        err.contains(
            "warnings by code (the first 5 of each shown above; `check --all` shows every one):"
        ),
        "{err}"
    );
    assert!(
        err.contains("  K102       13  claim has no citation url (8 not shown)"),
        "{err}"
    );
    assert!(stdout(&out).contains(", 16 warnings"), "{}", stdout(&out));
    let all = kz(dir.path()).args(["check", "--all"]).output().unwrap();
    let err = stderr(&all);
    assert_eq!(err.matches("warning[K102]").count(), 13);
    assert!(!err.contains("warnings by code"));
}

/// K113: a claim or revision whose sources all appeared after its date warns,
/// naming both dates and the source (tests/fixtures/published), with the
/// source's place as related information in the JSON; a silence with a
/// reason acknowledges it; one timely source among late ones is enough.
#[test]
fn late_publication_warns_with_both_dates_and_the_source() {
    let out = kz(&fixture("published")).arg("check").output().unwrap();
    let err = stderr(&out);
    assert!(
        err.contains("warning[K113]: claim `all-late` is dated 2024-03-02, but its earliest source was published 2024-03-20: it counts from 2024-03-20 (`report`)"),
        "{err}"
    );
    assert!(
        err.contains("warning[K113]: a revision of claim `revised` is dated 2024-03-03, but its earliest source was published 2024-04-01: it counts from 2024-04-01 (`late`)"),
        "{err}"
    );
    assert!(
        err.contains("note: `report` published 2024-03-20 (claims/c.toml:15:1)"),
        "{err}"
    );
    assert!(!err.contains("claim `timely` is dated"), "{err}");
    // A revision citing a timely source is not late, even when its claim is.
    assert!(
        err.contains("warning[K113]: claim `late-then-timely` is dated 2024-03-05, but its earliest source was published 2024-04-01"),
        "{err}"
    );
    assert_eq!(err.matches("warning[K113]").count(), 3, "{err}");

    let out = kz(&fixture("published"))
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let k113: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "K113")
        .collect();
    assert_eq!(k113.len(), 3);
    assert_eq!(
        k113[0]["related"],
        serde_json::json!([{"file": "claims/c.toml", "line": 15, "column": 1, "message": "`report` published 2024-03-20"}])
    );
    // Other diagnostics carry no `related` key.
    assert!(v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] != "K113")
        .all(|d| d.get("related").is_none()));

    // Silenced in the claim, with a reason.
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("published"), dir.path());
    let p = dir.path().join("claims/c.toml");
    let t = std::fs::read_to_string(&p).unwrap().replace(
        "ratings = { a = \"I\", b = \"C\" }\n",
        "ratings = { a = \"I\", b = \"C\" }\nsilence = { K113 = \"the report is the first account\" }\n",
    );
    std::fs::write(&p, t).unwrap();
    let out = kz(dir.path())
        .args(["check", "--show-silenced"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(err.matches("warning[K113]").count(), 2, "{err}");
    assert!(
        err.contains("silenced[K113]: claim `all-late` is dated 2024-03-02")
            && err.contains(": the report is the first account"),
        "{err}"
    );
    let out = kz(dir.path()).arg("check").output().unwrap();
    assert_eq!(
        stderr(&out).matches("warning[K113]").count(),
        2,
        "{}",
        stderr(&out)
    );
}
