//! The memo as a policy reader reads it (issue 18): one range low to high,
//! ties and the empty record said as such, the ACH memo in one order, what
//! the judgment rests on, and no Markdown leaking into HTML or Word.

use crate::common::*;

fn brief(dir: &std::path::Path, args: &[&str]) -> String {
    let out = kz(dir).arg("brief").args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn a_tie_under_ach_is_reported_as_equal() {
    // In the small fixture accident and sabotage both have weighted
    // inconsistency 0.
    let memo = brief(&fixture("small"), &["--engine", "ach"]);
    assert!(
        memo.contains("the evidence is equally consistent with “Equipment failure nobody planned” and “Deliberate sabotage” (weighted inconsistency 0.00 each): ACH does not separate them."),
        "{memo}"
    );
    assert!(!memo.contains("disagree"), "{memo}");
    assert!(!memo.contains("least inconsistent with"), "{memo}");
    assert!(
        memo.contains("**Low confidence**: nothing in the record yet separates the leading explanation from the next."),
        "{memo}"
    );
    // The Bayesian memo names its leader, and says ACH cannot separate the two.
    let memo = brief(&fixture("small"), &[]);
    assert!(
        memo.contains("ACH's weighted inconsistency cannot separate"),
        "{memo}"
    );
    assert!(!memo.contains("disagree"), "{memo}");
}

#[test]
fn before_any_evidence_no_explanation_is_favoured() {
    let memo = brief(&fixture("small"), &["--as-of", "2024-01-01"]);
    assert!(
        memo.contains(
            "no evidence in the record bears on the question yet, so no explanation is favoured"
        ),
        "{memo}"
    );
    for wrong in [
        "best-supported",
        "most likely explanation",
        "best supported",
    ] {
        assert!(!memo.contains(wrong), "{wrong}: {memo}");
    }
    assert!(
        memo.contains("No claim yet carries a lead over the next explanation."),
        "{memo}"
    );
}

#[test]
fn when_nothing_is_more_likely_than_not_the_bottom_line_says_so_first() {
    let memo = brief(&repo_root(), &["--as-of", "2022-01-06"]);
    assert!(
        memo.contains(
            "As of 2022-01-06, no explanation is yet more likely than not. The best supported is"
        ),
        "{memo}"
    );
}

#[test]
fn ranges_run_low_to_high_once_per_judgment() {
    let out = kz(&repo_root())
        .args(["brief", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let scenarios = v["scenarios"]
        .as_array()
        .or_else(|| v["context"]["scenarios"].as_array())
        .unwrap();
    for s in scenarios {
        let band = s["band"].as_array().unwrap();
        let (a, b) = (band[0].as_f64().unwrap(), band[1].as_f64().unwrap());
        let range = s["range"].as_str().unwrap();
        let ends: Vec<&str> = range.split('–').collect();
        assert_eq!(ends.len(), 2, "{range}");
        let num = |t: &str| {
            t.trim_matches(|c| c == '%' || c == '<' || c == '>')
                .parse::<f64>()
                .unwrap()
        };
        assert!(num(ends[0]) <= num(ends[1]), "{range}");
        let p = s["probability"].as_f64().unwrap();
        assert!(num(ends[0]) <= (a.min(b).min(p) * 100.0).round().max(1.0));
        // One range in the judgment, low to high, no second bracket.
        let j = s["judgment"].as_str().unwrap();
        assert!(!j.contains('['), "{j}");
        assert_eq!(j.matches("between").count(), 1, "{j}");
    }
    let memo = brief(&repo_root(), &[]);
    assert!(memo.contains("| 53%–95% |"), "{memo}");
    assert!(memo.contains(
        "likely, 76% (between 53% and 95% depending on how much the sources depend on each other)"
    ));
    for jargon in [
        "log posterior odds",
        "mean trust",
        "bits",
        "mild dispute (0.71)",
        "→",
    ] {
        assert!(!memo.contains(jargon), "{jargon}");
    }
}

#[test]
fn the_ach_memo_keeps_one_order_and_labels_the_bayesian_figures() {
    let memo = brief(&repo_root(), &["--engine", "ach"]);
    let judgments: Vec<&str> = memo
        .lines()
        .skip_while(|l| *l != "## Key judgments")
        .skip(2)
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(judgments.len(), 4, "{memo}");
    let wi: Vec<f64> = judgments
        .iter()
        .map(|l| {
            let at = l.find("weighted inconsistency ").unwrap() + "weighted inconsistency ".len();
            l[at..].split(' ').next().unwrap().parse().unwrap()
        })
        .collect();
    assert!(wi.windows(2).all(|w| w[0] <= w[1]), "{wi:?}");
    for l in &judgments {
        assert!(
            l.contains("the Bayesian reading, for comparison only:"),
            "{l}"
        );
    }
    assert!(
        !memo.contains("the leading scenario changes with the weight"),
        "{memo}"
    );
    // The confidence sentence quotes the range only as the Bayesian
    // engine's, and the cross-check names the engine in plain words.
    let conf = memo
        .lines()
        .find(|l| l.contains(" confidence**"))
        .expect("the confidence sentence");
    assert!(conf.contains("the Bayesian engine's range"), "{conf}");
    assert!(!conf.contains(" the range "), "{conf}");
    assert!(
        memo.contains(
            "Ranking by the Bayesian engine's probabilities puts the same scenario first."
        ),
        "{memo}"
    );
    assert!(!memo.contains("posterior"), "{memo}");
    // Both counts of diagnostic claims, and why they differ.
    assert!(memo.contains("56 are rated differently across the scenarios, which is what ACH counts; 55 of them also move the probabilities"), "{memo}");
}

#[test]
fn what_the_judgment_rests_on_names_few_claims_in_words() {
    let memo = brief(&repo_root(), &[]);
    let section: Vec<&str> = memo
        .lines()
        .skip_while(|l| *l != "## What the judgment rests on")
        .take_while(|l| *l != "## The most diagnostic evidence")
        .collect();
    let text = section.join("\n");
    assert!(
        text.contains("Against “Tokayev and the Kremlin staged the crisis to purge his rivals”, 6 claims carry 86% of the lead:"),
        "{text}"
    );
    let items = section.iter().filter(|l| l.starts_with("- **")).count();
    assert!(items <= 16, "{text}");
    assert!(
        text.contains("- **price-concessions** (2022-01-03, 18% of the lead): "),
        "{text}"
    );
}

#[test]
fn no_markdown_backticks_in_html_or_word() {
    let html = brief(&repo_root(), &["--format", "html"]);
    let body = html.split("<script>").next().unwrap();
    assert!(!body.contains('`'), "a backtick in the HTML memo");
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("m.docx");
    let out = kz(&repo_root())
        .args(["brief", "--format", "docx", "--out"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut z = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let mut doc = String::new();
    std::io::Read::read_to_string(&mut z.by_name("word/document.xml").unwrap(), &mut doc).unwrap();
    assert!(!doc.contains('`'), "a backtick in the Word memo");
}

/// The small fixture with assumptions, unknowns and limits added.
fn small_with_sections(extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("small"), dir.path());
    let p = dir.path().join("kzclaims.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    let text = text.replacen(
        "as_of = \"2024-03-10\"\n",
        "as_of = \"2024-03-10\"\nunknowns = [\"Who last serviced the transformers.\"]\nlimits = \"Two local outlets, no inspection report.\"\n",
        1,
    );
    std::fs::write(&p, format!("{text}\n{extra}")).unwrap();
    dir
}

#[test]
fn sections_analytic_products_carry() {
    let dir = small_with_sections(
        "[[assumption]]\ntext = \"The breaker logs were not tampered with.\"\nscenarios = [\"accident\"]\nbreaks = \"A forensic report on the logs.\"\n",
    );
    let memo = brief(dir.path(), &[]);
    for s in [
        "## Key assumptions\n\n- The breaker logs were not tampered with. *Depends on it:* Equipment failure nobody planned. *Would break it:* A forensic report on the logs.",
        "## What we do not know\n\n- Who last serviced the transformers.",
        "## What would change our judgment\n\n- Evidence that",
        "The assumption “The breaker logs were not tampered with” failing: A forensic report on the logs.",
        "## Sources and limits\n\nThe 3 claims in force cite",
        "Two local outlets, no inspection report.",
    ] {
        assert!(memo.contains(s), "missing {s:?}\n{memo}");
    }
    let html = brief(dir.path(), &["--format", "html"]);
    for s in [
        "<h2>Key assumptions</h2>",
        "<h2>What we do not know</h2>",
        "<h2>What would change our judgment</h2>",
        "<h2>Sources and limits</h2>",
    ] {
        assert!(html.contains(s), "missing {s}");
    }
    let out = kz(dir.path())
        .args(["brief", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sec = &v["context"]["sections"];
    assert_eq!(sec["assumptions"][0]["leader_depends"], true);
    assert_eq!(sec["unknowns"][0], "Who last serviced the transformers.");
    assert_eq!(sec["limits"], "Two local outlets, no inspection report.");
    // fmt keeps the new keys in canonical places and check accepts them.
    let out = kz(dir.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn an_assumption_naming_an_unknown_scenario_is_an_error() {
    let dir = small_with_sections("[[assumption]]\ntext = \"x\"\nscenarios = [\"acident\"]\n");
    let out = kz(dir.path()).arg("check").output().unwrap();
    assert_ne!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(
        err.contains("[[assumption]] names unknown scenario `acident`"),
        "{err}"
    );
    assert!(err.contains("kzclaims.toml"), "{err}");
}

#[test]
fn the_bundled_memo_summarises_what_check_silences_and_says_no_indicator_changes_the_leader() {
    let memo = brief(&repo_root(), &[]);
    assert!(
        memo.contains("The workspace acknowledges 40 warnings that would otherwise be shown"),
        "{memo}"
    );
    assert!(
        memo.contains("10 × K104 (single-source claim carries high weight)"),
        "{memo}"
    );
    assert!(
        memo.contains(
            "No open indicator, seen or not, would on its own change which explanation leads."
        ),
        "{memo}"
    );
    // Indicators that separate the top two are marked, with where to look.
    assert!(
        memo.contains("**separates the top two**; where to look: constitutional amendments"),
        "{memo}"
    );
    assert!(
        memo.contains("## Key assumptions\n\n- Tokayev's own actions"),
        "{memo}"
    );
}

#[test]
fn the_diff_says_why_and_lists_a_claim_added_and_retracted_as_retracted() {
    let out = kz(&repo_root())
        .args(["diff", "2022-01-06", "2022-04-18"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        text.contains("rose from 35% to 76%; “A spontaneous socio-economic protest escalated into violence on its own” fell from 19% to 1%. What moved it most: peaceful-west-violent-almaty (added), massimov-dismissed (added) and aggressive-men-join (added)."),
        "{text}"
    );
    assert!(
        text.contains("Record: 42 claims added, 1 claim added and retracted, 3 claims revised, 2 scenarios changed."),
        "{text}"
    );
    assert!(
        text.contains("  x nazarbayev-fled-rumor (2022-01-07): "),
        "{text}"
    );
    assert!(!text.contains("  + nazarbayev-fled-rumor"), "{text}");
    let out = kz(&repo_root())
        .args(["diff", "2022-01-06", "2022-04-18", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["record"]["claims_retracted"][0]["id"],
        "nazarbayev-fled-rumor"
    );
    assert!(v["record"]["claims_added"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["id"] != "nazarbayev-fled-rumor"));
}

#[test]
fn the_timeline_starts_on_the_day_the_question_was_opened() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("small"), dir.path());
    let p = dir.path().join("kzclaims.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(
        &p,
        text.replacen(
            "as_of = \"2024-03-10\"\n",
            "as_of = \"2024-03-10\"\nopened = 2024-03-04\n",
            1,
        ),
    )
    .unwrap();
    let out = kz(dir.path())
        .args(["timeline", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let dates: Vec<&str> = v["points"]
        .as_array()
        .or_else(|| v.as_array())
        .unwrap()
        .iter()
        .map(|p| p["date"].as_str().unwrap())
        .collect();
    assert_eq!(dates.first(), Some(&"2024-03-04"), "{dates:?}");
    // --from still wins.
    let out = kz(dir.path())
        .args(["timeline", "--format", "json", "--from", "2024-03-01"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = v["points"].as_array().or_else(|| v.as_array()).unwrap()[0]["date"].clone();
    assert_eq!(first, "2024-03-03");
}

/// The bundled question (the violence of 4–6 January) was opened on 6
/// January: the timeline starts there, `--from` still reaches back to 2019.
#[test]
fn the_bundled_timeline_starts_when_the_question_was_opened() {
    let dates = |args: &[&str]| -> Vec<String> {
        let out = kz(&repo_root())
            .args(["timeline", "--format", "csv"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
            .lines()
            .skip(1)
            .filter_map(|l| l.split(',').next().map(str::to_string))
            .collect()
    };
    let opened = dates(&[]);
    assert_eq!(opened.first().map(String::as_str), Some("2022-01-06"));
    let all = dates(&["--from", "2019-01-01"]);
    assert!(
        all.first().is_some_and(|d| d.starts_with("2019")),
        "{all:?}"
    );
    assert!(all.len() > opened.len());
}

/// The confidence sentence on whole workspaces (the rule itself is unit
/// tested in engine::confidence): tests/fixtures/confidence-high earns high
/// confidence, and the same record told by one outlet alone does not. Both
/// are copied out of the repository, so no git history makes them
/// reconstructions.
#[test]
fn high_confidence_is_earned_by_a_whole_record_and_lost_with_one_source() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("confidence-high"), dir.path());
    for format in [&[][..], &["--format", "html"][..]] {
        let memo = brief(dir.path(), format);
        assert!(memo.contains("High confidence"), "{memo}");
        assert!(
            memo.contains("no source carries more than 25% of the lead, most of it was rated by two analysts or more who largely agree, and the range stays within two likelihood words. Behind the lead over “The dam was sabotaged” stand 8 sources from 8 independent origins."),
            "{memo}"
        );
    }
    // The same four reports, each from Outlet 1 alone.
    let p = dir.path().join("claims/c.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    let mut one = text.clone();
    for k in (1..=4).map(|i| (2 * i - 1, 2 * i)) {
        one = one.replace(
            &format!("sources = [\"s{}\", \"s{}\"]", k.0, k.1),
            "sources = [\"s1\"]",
        );
    }
    assert_ne!(one, text);
    std::fs::write(&p, one).unwrap();
    let memo = brief(dir.path(), &[]);
    assert!(!memo.contains("High confidence"), "{memo}");
    assert!(
        memo.contains("**Low confidence**: everything behind the lead traces back to one origin (Outlet 1), and the lead rests mostly on Outlet 1 (100% of it). Behind the lead over “The dam was sabotaged” stand 1 source from 1 independent origin."),
        "{memo}"
    );
}
