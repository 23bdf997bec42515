use super::*;

fn m(o: &str, a: &str, b: &str) -> Merged {
    merge(o, a, b, "claims/a.toml").expect("all three parse")
}

const BASE: &str = "#:schema ../schema/claims.schema.json\n# Background.\n\n[[claim]]\nid = \"a\"\ndate = 2022-01-01\nstatement = \"A.\"\nsources = [\"s\"]\ncredibility = 2  # a grade\n\n[claim.ratings]\nh1 = \"C\"\nh2 = \"N\"\n\n[[claim]]\nid = \"b\"\ndate = 2022-01-02\nstatement = \"B.\"\nsources = [\"s\"]\ncredibility = 3\n\n[claim.ratings]\nh1 = \"I\"\nh2 = \"N\"\n";

const NEW_C: &str = "\n[[claim]]\nid = \"c\"\ndate = 2022-01-03\nstatement = \"C.\"\nsources = [\"s\"]\ncredibility = 2\n\n[claim.ratings]\nh1 = \"C\"\nh2 = \"C\"\n";
const NEW_D: &str = "\n[[claim]]\nid = \"d\"\ndate = 2022-01-04\nstatement = \"D.\"\nsources = [\"s\"]\ncredibility = 2\n\n[claim.ratings]\nh1 = \"N\"\nh2 = \"C\"\n";

#[test]
fn both_append_keeps_ours_then_theirs() {
    let a = format!("{BASE}{NEW_C}");
    let b = format!("{BASE}{NEW_D}");
    let r = m(BASE, &a, &b);
    assert!(r.conflicts.is_empty(), "{:?}", r.conflicts);
    assert_eq!(r.text, format!("{BASE}{NEW_C}{NEW_D}"));
}

#[test]
fn different_fields_of_one_claim_merge() {
    let a = BASE.replace("statement = \"A.\"", "statement = \"A, revised.\"");
    let b = BASE.replace(
        "h2 = \"N\"\n\n[[claim]]\nid = \"b\"",
        "h2 = \"I\"\n\n[[claim]]\nid = \"b\"",
    );
    let r = m(BASE, &a, &b);
    assert!(r.conflicts.is_empty());
    assert!(r.text.contains("statement = \"A, revised.\""));
    assert!(r.text.contains("h1 = \"C\"\nh2 = \"I\"\n"));
    // A new key on each side, both kept.
    let a = BASE.replace("credibility = 3\n", "credibility = 3\ngroup = \"g\"\n");
    let b = BASE.replace(
        "credibility = 3\n",
        "credibility = 3\nurl = \"https://x.org\"\n",
    );
    let r = m(BASE, &a, &b);
    assert!(r.conflicts.is_empty());
    assert!(r
        .text
        .contains("credibility = 3\ngroup = \"g\"\nurl = \"https://x.org\"\n"));
}

#[test]
fn same_field_changed_differently_is_a_conflict_around_it_only() {
    let a = BASE.replace("statement = \"B.\"", "statement = \"B1.\"");
    let b = BASE
        .replace("statement = \"B.\"", "statement = \"B2.\"")
        .replace("statement = \"A.\"", "statement = \"A2.\"");
    let r = m(BASE, &a, &b);
    assert_eq!(r.conflicts, ["claim `b`, key `statement`"]);
    assert!(r.text.contains(
        "date = 2022-01-02\n<<<<<<< ours\nstatement = \"B1.\"\n=======\nstatement = \"B2.\"\n>>>>>>> theirs\nsources"
    ));
    assert!(r.text.contains("statement = \"A2.\""), "the rest is merged");
    assert_eq!(resolve(&r.text, true), a.replace("\"A.\"", "\"A2.\""));
    assert_eq!(resolve(&r.text, false), b);
    // The same change on both sides: once, no conflict.
    let r = m(BASE, &a, &a);
    assert_eq!(r.text, a);
    assert!(r.conflicts.is_empty());
}

#[test]
fn change_against_delete_is_a_conflict_deletion_alone_applies() {
    let without_b = &BASE[..BASE.find("\n[[claim]]\nid = \"b\"").unwrap()];
    let without_b = format!("{without_b}\n");
    let changed = BASE.replace("credibility = 3", "credibility = 1");
    let r = m(BASE, &without_b, &changed);
    assert_eq!(r.conflicts.len(), 1);
    assert!(r.conflicts[0].contains("claim `b`"));
    assert!(r
        .text
        .contains("<<<<<<< ours\n=======\n\n[[claim]]\nid = \"b\""));
    let r = m(BASE, &without_b, BASE);
    assert!(r.conflicts.is_empty());
    assert_eq!(r.text, without_b);
}

#[test]
fn same_id_added_differently_is_a_conflict_never_a_duplicate() {
    let a = format!("{BASE}{NEW_C}");
    let b = format!("{BASE}{}", NEW_C.replace("\"C.\"", "\"C!\""));
    let r = m(BASE, &a, &b);
    assert_eq!(r.conflicts, ["claim `c` (added on both sides)"]);
    assert_eq!(r.text.matches("id = \"c\"").count(), 2);
    for side in [true, false] {
        let t = resolve(&r.text, side);
        assert_eq!(t.matches("id = \"c\"").count(), 1);
        assert!(t.parse::<toml_edit::DocumentMut>().is_ok());
    }
    // Added alike: once.
    let r = m(BASE, &a, &a);
    assert_eq!(r.text, a);
}

#[test]
fn revisions_by_day_and_assessments_by_analyst() {
    let rev = |d: &str, n: &str| format!("\n[[claim.revision]]\ndate = {d}\nnote = \"{n}\"\n");
    let ass = |who: &str, r: &str| {
        format!("\n[[claim.assessment]]\nanalyst = \"{who}\"\nratings = {{ h1 = \"{r}\", h2 = \"N\" }}\n")
    };
    let base = format!("{BASE}{}{}", ass("ann", "C"), ass("bob", "C"));
    // Different days: both kept, ours first.
    let a = format!("{base}{}", rev("2022-02-01", "x"));
    let b = format!("{base}{}", rev("2022-02-02", "y"));
    let r = m(&base, &a, &b);
    assert!(r.conflicts.is_empty());
    assert!(r.text.ends_with(&format!(
        "{}{}",
        rev("2022-02-01", "x"),
        rev("2022-02-02", "y")
    )));
    // The same day, different notes: (date, first of the day) on both: conflict.
    let b = format!("{base}{}", rev("2022-02-01", "y"));
    let r = m(&base, &a, &b);
    assert_eq!(r.conflicts.len(), 1, "{:?}", r.conflicts);
    assert!(r.conflicts[0].contains("revision `2022-02-01`"));
    // Each analyst edits their own assessment.
    let a = base.replace(
        "analyst = \"ann\"\nratings = { h1 = \"C\"",
        "analyst = \"ann\"\nratings = { h1 = \"II\"",
    );
    let b = base.replace(
        "analyst = \"bob\"\nratings = { h1 = \"C\"",
        "analyst = \"bob\"\nratings = { h1 = \"CC\"",
    );
    let r = m(&base, &a, &b);
    assert!(r.conflicts.is_empty());
    assert!(r
        .text
        .contains("analyst = \"ann\"\nratings = { h1 = \"II\""));
    assert!(r
        .text
        .contains("analyst = \"bob\"\nratings = { h1 = \"CC\""));
}

#[test]
fn first_claim_deleted_while_the_next_is_edited() {
    let start = BASE.find("\n[[claim]]\nid = \"a\"").unwrap();
    let end = BASE.find("\n[[claim]]\nid = \"b\"").unwrap();
    let a = format!("{}{}", &BASE[..start], &BASE[end..]);
    let b = BASE.replace("credibility = 3", "credibility = 1");
    let r = m(BASE, &a, &b);
    assert!(r.conflicts.is_empty(), "{:?}", r.conflicts);
    assert_eq!(r.text, a.replace("credibility = 3", "credibility = 1"));
}

#[test]
fn unparsable_side_is_reported() {
    let e = merge(BASE, "[[claim]\n", BASE, "claims/a.toml").unwrap_err();
    assert_eq!(e.side, "ours");
}

#[test]
fn result_in_fmt_form_when_inputs_were() {
    // Ours adds `tags` after `credibility`, theirs adds `relevance` there:
    // ours' first, then fmt puts them in the documented order.
    let a = BASE.replace("credibility = 3\n", "credibility = 3\ntags = [\"t\"]\n");
    let b = BASE.replace(
        "credibility = 3\n",
        "credibility = 3\nrelevance = \"high\"\n",
    );
    for t in [BASE, &a, &b] {
        assert_eq!(crate::load::fmt::format("claims/a.toml", t).unwrap(), t);
    }
    let r = m(BASE, &a, &b);
    assert!(
        r.text
            .contains("credibility = 3\nrelevance = \"high\"\ntags = [\"t\"]\n"),
        "{}",
        r.text
    );
    // Not in fmt form on input: the merge keeps the sides' layout.
    let base2 = BASE.replace(
        "id = \"b\"\ndate = 2022-01-02",
        "date = 2022-01-02\nid = \"b\"",
    );
    let a2 = base2.replace(
        "credibility = 3\n",
        "credibility = 3\nurl = \"https://x.org\"\n",
    );
    let r = m(&base2, &a2, &base2);
    assert_eq!(r.text, a2);
}

#[test]
fn config_file_tables_merge_by_key() {
    let base = "title = \"t\"\n\n[scoring]\nengine = \"bayes\"\n\n[memo]\nauthor = \"x\"\n";
    let a = base.replace("engine = \"bayes\"", "engine = \"ach\"");
    let b = base.replace("author = \"x\"", "author = \"y\"");
    let r = merge(base, &a, &b, "kzclaims.toml").unwrap();
    assert_eq!(
        r.text,
        "title = \"t\"\n\n[scoring]\nengine = \"ach\"\n\n[memo]\nauthor = \"y\"\n"
    );
}

#[test]
fn missing_final_newline_does_not_glue_lines() {
    let base = "[[claim]]\nid = \"a\"";
    let a = "[[claim]]\nid = \"a\"";
    let b = "[[claim]]\nid = \"a\"\n[[claim]]\nid = \"b\"";
    let r = m(base, a, b);
    assert_eq!(r.text, b);
    let r = m(base, b, b);
    assert_eq!(r.text, b);
}

/// Generated three-way cases: a small claims file, random edits on each
/// side; the merge must parse (after resolving each conflict to either side),
/// report a conflict exactly when the edits clash, and otherwise hold exactly
/// the union of the edits.
mod generated {
    use super::super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    #[derive(Clone, Debug, PartialEq)]
    struct Claim {
        id: String,
        statement: String,
        cred: i64,
        tags: Option<Vec<String>>,
        ratings: Vec<(String, String)>,
        revs: Vec<(u8, String)>,
        assess: Vec<(String, String)>,
    }

    const RATINGS: [&str; 5] = ["CC", "C", "N", "I", "II"];
    const ANALYSTS: [&str; 3] = ["ann", "bob", "cy"];

    fn render_claim(c: &Claim) -> String {
        let mut s = format!(
            "\n# about {}\n[[claim]]\nid = \"{}\"\ndate = 2022-01-01\nstatement = \"{}\"\nsources = [\"s\"]\ncredibility = {}  # grade\n",
            c.id, c.id, c.statement, c.cred
        );
        if let Some(t) = &c.tags {
            let t: Vec<String> = t.iter().map(|x| format!("\"{x}\"")).collect();
            s.push_str(&format!("tags = [{}]\n", t.join(", ")));
        }
        s.push_str("\n[claim.ratings]\n");
        for (h, r) in &c.ratings {
            s.push_str(&format!("{h} = \"{r}\"\n"));
        }
        for (d, n) in &c.revs {
            s.push_str(&format!(
                "\n[[claim.revision]]\ndate = 2022-02-{d:02}\nnote = \"{n}\"\n"
            ));
        }
        for (who, r) in &c.assess {
            s.push_str(&format!(
                "\n[[claim.assessment]]\nanalyst = \"{who}\"\nratings = {{ h1 = \"{r}\" }}\n"
            ));
        }
        s
    }

    fn render(claims: &[Claim]) -> String {
        let mut s = String::from("#:schema ../schema/claims.schema.json\n# Generated.\n");
        for c in claims {
            s.push_str(&render_claim(c));
        }
        s.push_str("\n# end of file\n");
        s
    }

    fn new_claim(id: String, seed: u16) -> Claim {
        Claim {
            id,
            statement: format!("s{}", seed % 7),
            cred: i64::from(seed % 6) + 1,
            tags: seed
                .is_multiple_of(3)
                .then(|| vec![format!("t{}", seed % 5)]),
            ratings: (1..=2 + (seed % 2) as usize)
                .map(|h| {
                    (
                        format!("h{h}"),
                        RATINGS[(seed as usize + h) % 5].to_string(),
                    )
                })
                .collect(),
            revs: Vec::new(),
            assess: Vec::new(),
        }
    }

    /// Apply one edit (kind, two random numbers) to a side.
    fn edit(claims: &mut Vec<Claim>, kind: u8, x: u16, y: u16) {
        if kind == 0 || claims.is_empty() {
            let id = format!("n{}", x % 3);
            if !claims.iter().any(|c| c.id == id) {
                let at = usize::from(y) % (claims.len() + 1);
                claims.insert(at, new_claim(id, y));
            }
            return;
        }
        let i = usize::from(x) % claims.len();
        let c = &mut claims[i];
        match kind {
            1 => {
                claims.remove(i);
            }
            2 => c.statement = format!("s{}", y % 7),
            3 => c.cred = i64::from(y % 6) + 1,
            4 => c.tags = y.is_multiple_of(2).then(|| vec![format!("t{}", y % 5)]),
            5 => {
                let h = format!("h{}", y % 4 + 1);
                let r = RATINGS[usize::from(y / 4) % 5].to_string();
                match c.ratings.iter_mut().find(|(k, _)| *k == h) {
                    Some(slot) => slot.1 = r,
                    None => c.ratings.push((h, r)),
                }
            }
            6 => c.revs.push(((y % 3) as u8 + 1, format!("r{}", y % 4))),
            7 if !c.revs.is_empty() => {
                let j = usize::from(y) % c.revs.len();
                c.revs[j].1 = format!("r{}", y % 5);
            }
            8 => {
                let who = ANALYSTS[usize::from(y) % 3].to_string();
                let r = RATINGS[usize::from(y / 3) % 5].to_string();
                match c.assess.iter_mut().find(|(k, _)| *k == who) {
                    Some(slot) => slot.1 = r,
                    None => c.assess.push((who, r)),
                }
            }
            9 if !c.revs.is_empty() => {
                let j = usize::from(y) % c.revs.len();
                c.revs.remove(j);
            }
            _ => {}
        }
    }

    /// What the merge must hold, compared by key: per claim, its keys, its
    /// ratings, its revisions by (day, position that day), its assessments.
    #[derive(Debug, PartialEq, Default, Clone)]
    struct Norm {
        fields: BTreeMap<String, String>,
        ratings: BTreeMap<String, String>,
        revs: BTreeMap<(String, usize), String>,
        assess: BTreeMap<String, String>,
    }

    fn norm(c: &Claim) -> Norm {
        let mut n = Norm::default();
        n.fields.insert("statement".into(), c.statement.clone());
        n.fields.insert("credibility".into(), c.cred.to_string());
        if let Some(t) = &c.tags {
            n.fields.insert("tags".into(), t.join(","));
        }
        n.ratings = c.ratings.iter().cloned().collect();
        let mut seen: BTreeMap<u8, usize> = BTreeMap::new();
        for (d, note) in &c.revs {
            let k = seen.entry(*d).or_default();
            n.revs.insert((format!("2022-02-{d:02}"), *k), note.clone());
            *k += 1;
        }
        n.assess = c.assess.iter().cloned().collect();
        n
    }

    /// The merged file read back into the same form.
    fn read(text: &str) -> BTreeMap<String, Norm> {
        let v: toml::Table = toml::from_str(text).expect("the merge parses");
        let mut out = BTreeMap::new();
        let claims = v.get("claim").and_then(|c| c.as_array()).cloned();
        for c in claims.unwrap_or_default() {
            let t = c.as_table().unwrap();
            let mut n = Norm::default();
            let s = |k: &str| t.get(k).map(|v| v.as_str().unwrap().to_string());
            n.fields.insert("statement".into(), s("statement").unwrap());
            n.fields.insert(
                "credibility".into(),
                t["credibility"].as_integer().unwrap().to_string(),
            );
            if let Some(tags) = t.get("tags") {
                let tags: Vec<&str> = tags
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_str().unwrap())
                    .collect();
                n.fields.insert("tags".into(), tags.join(","));
            }
            for (h, r) in t["ratings"].as_table().unwrap() {
                n.ratings.insert(h.clone(), r.as_str().unwrap().into());
            }
            let mut seen: BTreeMap<String, usize> = BTreeMap::new();
            for r in t
                .get("revision")
                .and_then(|r| r.as_array())
                .into_iter()
                .flatten()
            {
                let d = r["date"].to_string();
                let k = seen.entry(d.clone()).or_default();
                n.revs.insert((d, *k), r["note"].as_str().unwrap().into());
                *k += 1;
            }
            for a in t
                .get("assessment")
                .and_then(|r| r.as_array())
                .into_iter()
                .flatten()
            {
                let who = a["analyst"].as_str().unwrap().to_string();
                let r = a["ratings"]["h1"].as_str().unwrap().to_string();
                assert!(n.assess.insert(who, r).is_none(), "one analyst twice");
            }
            let id = s("id").unwrap();
            assert!(out.insert(id.clone(), n).is_none(), "claim {id} twice");
        }
        out
    }

    /// Three-way on one keyed value: `Err` for a clash.
    fn m3<T: Clone + PartialEq>(
        o: Option<&T>,
        a: Option<&T>,
        b: Option<&T>,
    ) -> Result<Option<T>, ()> {
        if a == b || o == b {
            Ok(a.cloned())
        } else if o == a {
            Ok(b.cloned())
        } else {
            Err(())
        }
    }

    fn m3_map<K: Ord + Clone, V: Clone + PartialEq>(
        o: &BTreeMap<K, V>,
        a: &BTreeMap<K, V>,
        b: &BTreeMap<K, V>,
    ) -> Result<BTreeMap<K, V>, ()> {
        let mut out = BTreeMap::new();
        for k in o.keys().chain(a.keys()).chain(b.keys()) {
            if let Some(v) = m3(o.get(k), a.get(k), b.get(k))? {
                out.insert(k.clone(), v);
            }
        }
        Ok(out)
    }

    /// A day's revisions numbered from 0 again, in their order (the file
    /// read back numbers them so once one of them is deleted).
    fn renumber(revs: BTreeMap<(String, usize), String>) -> BTreeMap<(String, usize), String> {
        let mut out = BTreeMap::new();
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for ((d, _), note) in revs {
            let k = seen.entry(d.clone()).or_default();
            out.insert((d, *k), note);
            *k += 1;
        }
        out
    }

    /// The union of both sides' edits, or `Err` where they clash.
    fn expected(o: &[Claim], a: &[Claim], b: &[Claim]) -> Result<BTreeMap<String, Norm>, ()> {
        let find = |s: &[Claim], id: &str| s.iter().find(|c| c.id == id).cloned();
        let mut ids: Vec<String> = o.iter().chain(a).chain(b).map(|c| c.id.clone()).collect();
        ids.sort();
        ids.dedup();
        let mut out = BTreeMap::new();
        for id in ids {
            let (oc, ac, bc) = (find(o, &id), find(a, &id), find(b, &id));
            // Whole-record decisions compare the record's text.
            let text = |c: &Option<Claim>| c.as_ref().map(render_claim);
            let n = match (&oc, &ac, &bc) {
                (Some(oc), Some(ac), Some(bc)) => {
                    let (on, an, bn) = (norm(oc), norm(ac), norm(bc));
                    Some(Norm {
                        fields: m3_map(&on.fields, &an.fields, &bn.fields)?,
                        ratings: m3_map(&on.ratings, &an.ratings, &bn.ratings)?,
                        revs: renumber(m3_map(&on.revs, &an.revs, &bn.revs)?),
                        assess: m3_map(&on.assess, &an.assess, &bn.assess)?,
                    })
                }
                _ => m3(text(&oc).as_ref(), text(&ac).as_ref(), text(&bc).as_ref())?
                    .map(|_| norm(ac.as_ref().or(bc.as_ref()).unwrap())),
            };
            if let Some(n) = n {
                out.insert(id, n);
            }
        }
        Ok(out)
    }

    type Edits = Vec<(u8, u16, u16)>;

    fn case() -> impl Strategy<Value = (Vec<u16>, Edits, Edits)> {
        (
            proptest::collection::vec(any::<u16>(), 0..5),
            proptest::collection::vec((0u8..10, any::<u16>(), any::<u16>()), 0..6),
            proptest::collection::vec((0u8..10, any::<u16>(), any::<u16>()), 0..6),
        )
    }

    fn check((seeds, ea, eb): (Vec<u16>, Edits, Edits)) -> Result<(), TestCaseError> {
        let mut base: Vec<Claim> = seeds
            .iter()
            .enumerate()
            .map(|(i, s)| new_claim(format!("c{i}"), *s))
            .collect();
        // Some revisions and assessments in the base too.
        for (i, s) in seeds.iter().enumerate() {
            edit(&mut base, 6 + (*s % 3) as u8, i as u16, s / 3);
        }
        let (mut a, mut b) = (base.clone(), base.clone());
        for (k, x, y) in ea {
            edit(&mut a, k, x, y);
        }
        for (k, x, y) in eb {
            edit(&mut b, k, x, y);
        }
        let (to, ta, tb) = (render(&base), render(&a), render(&b));
        let r = merge(&to, &ta, &tb, "claims/g.toml").expect("generated files parse");
        match expected(&base, &a, &b) {
            Ok(want) => {
                prop_assert!(
                    r.conflicts.is_empty(),
                    "unexpected conflict {:?}\n{}",
                    r.conflicts,
                    r.text
                );
                prop_assert_eq!(read(&r.text), want, "merged:\n{}", r.text);
            }
            Err(()) => {
                prop_assert!(
                    !r.conflicts.is_empty(),
                    "a clash merged silently:\n{}",
                    r.text
                );
                for side in [true, false] {
                    let t = resolve(&r.text, side);
                    prop_assert!(t.parse::<toml_edit::DocumentMut>().is_ok(), "{}", t);
                    read(&t);
                }
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn merge_is_the_union_of_the_edits(c in case()) {
            check(c)?;
        }
    }

    /// The same property on many more cases: `cargo test --lib merge --
    /// --ignored` (50,000; `KZCLAIMS_MERGE_CASES=N` for another number).
    #[test]
    #[ignore]
    fn merge_is_the_union_of_the_edits_long() {
        let cases = std::env::var("KZCLAIMS_MERGE_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(50_000);
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(cases));
        runner.run(&case(), check).unwrap();
    }
}

#[test]
fn bundled_files_cut_and_merge_to_themselves() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("kzclaims.toml")];
    for dir in ["claims", "scenarios"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            files.push(e.unwrap().path());
        }
    }
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let rel = workspace_rel(&f.to_string_lossy());
        assert_eq!(tree::build(&text).text(), text, "{}", f.display());
        let r = merge(&text, &text, &text, &rel).unwrap();
        assert_eq!(r.text, text, "{}", f.display());
    }
    assert_eq!(workspace_rel("ws/scenarios/k.toml"), "scenarios/k.toml");
    assert_eq!(workspace_rel("ws/kzclaims.toml"), "kzclaims.toml");
    assert_eq!(workspace_rel("claims/x.toml"), "claims/x.toml");
}

#[test]
fn scenario_files_merge_indicators_and_observations() {
    let base = "#:schema ../schema/scenarios.schema.json\n\n[[scenario]]\nid = \"h1\"\ntitle = \"One\"\nprior = 0.5\n\n[[scenario.indicator]]\nid = \"i1\"\ntext = \"T\"\ndue = 2024-06-30\nif_true = 0.7\nif_false = 0.1\n\n[[scenario]]\nid = \"h2\"\ntitle = \"Two\"\nprior = 0.5\n";
    let obs =
        |d: &str| format!("\n[[scenario.indicator.observation]]\ndate = {d}\nobserved = true\n");
    let at = base.find("\n[[scenario]]\nid = \"h2\"").unwrap();
    let with = |extra: &str| format!("{}{extra}{}", &base[..at], &base[at..]);
    let a = with(&obs("2024-02-01"));
    let b = with(&obs("2024-03-01")).replace("title = \"Two\"", "title = \"Two, reworded\"");
    let r = merge(base, &a, &b, "scenarios/s.toml").unwrap();
    assert!(r.conflicts.is_empty(), "{:?}", r.conflicts);
    assert_eq!(
        r.text,
        format!(
            "{}{}{}{}",
            &base[..at],
            obs("2024-02-01"),
            obs("2024-03-01"),
            &base[at..].replace("title = \"Two\"", "title = \"Two, reworded\"")
        )
    );
    // A new indicator on each side of the same scenario: both.
    let ind = |id: &str| {
        format!("\n[[scenario.indicator]]\nid = \"{id}\"\ntext = \"T\"\ndue = 2024-06-30\nif_true = 0.6\nif_false = 0.2\n")
    };
    let r = merge(
        base,
        &with(&ind("i2")),
        &with(&ind("i3")),
        "scenarios/s.toml",
    )
    .unwrap();
    assert!(r.conflicts.is_empty());
    assert!(r.text.find("id = \"i2\"").unwrap() < r.text.find("id = \"i3\"").unwrap());
    assert!(r.text.find("id = \"i3\"").unwrap() < r.text.find("id = \"h2\"").unwrap());
    // One side changes the indicator's due date, the other observes it.
    let a = base.replace("due = 2024-06-30", "due = 2024-09-30");
    let r = merge(base, &a, &with(&obs("2024-02-01")), "scenarios/s.toml").unwrap();
    assert!(r.conflicts.is_empty());
    assert!(r.text.contains("due = 2024-09-30\nif_true = 0.7\nif_false = 0.1\n\n[[scenario.indicator.observation]]\ndate = 2024-02-01"));
}

#[test]
fn a_key_turned_into_a_table_on_one_side_still_parses() {
    let base = "[[claim]]\nid = \"a\"\nratings = { h1 = \"C\", h2 = \"N\" }\n\n[[claim]]\nid = \"b\"\nratings = { h1 = \"C\" }\n";
    // Ours writes a's ratings as a table; theirs changes one of them and b.
    let a = "[[claim]]\nid = \"a\"\n\n[claim.ratings]\nh1 = \"C\"\nh2 = \"N\"\n\n[[claim]]\nid = \"b\"\nratings = { h1 = \"C\" }\n";
    let b = base
        .replace("h2 = \"N\"", "h2 = \"I\"")
        .replace("ratings = { h1 = \"C\" }\n", "ratings = { h1 = \"II\" }\n");
    let r = m(base, a, &b);
    assert_eq!(r.conflicts, ["claim `a` (changed on both sides)"]);
    for side in [true, false] {
        assert!(resolve(&r.text, side)
            .parse::<toml_edit::DocumentMut>()
            .is_ok());
    }
    assert!(
        r.text.ends_with("ratings = { h1 = \"II\" }\n"),
        "b merged: {}",
        r.text
    );
}
