//! A team in git: real repositories made in temp folders (fixed author and
//! committer dates), `kzclaims git-setup` pointing the merge driver at the
//! binary under test, two branches, `git merge`. Each case pins the merge's
//! exit status, the merged file (snapshot) and `check` on the result; the
//! same cases under git's default line merge are pinned beside them
//! (docs/collaboration.md, "How it compares").

use crate::common::*;
use std::path::PathBuf;
use std::process::{Command, Output};

/// How git merges the workspace files in a test repository.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// `kzclaims git-setup`, the driver being the binary under test.
    Kzclaims,
    /// No driver: git's own line merge.
    GitDefault,
    /// mergiraf as the driver for `*.toml` (only in the ignored comparison).
    Mergiraf,
}

/// A git repository holding the `init` example workspace at its root.
struct Repo {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
}

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("kzclaims")
}

impl Repo {
    fn new(mode: Mode) -> Repo {
        let with_driver = mode == Mode::Kzclaims;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("team");
        std::fs::create_dir(&dir).unwrap();
        let r = Repo { _tmp: tmp, dir };
        r.git_ok(&["init", "-q", "-b", "main"]);
        let out = kz(&r.dir).args(["init", "."]).output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        if with_driver {
            assert!(
                stdout(&out).contains("git: wrote .gitattributes"),
                "{}",
                stdout(&out)
            );
            let out = kz(&r.dir)
                .args(["git-setup", "--program"])
                .arg(bin())
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", stderr(&out));
        } else {
            std::fs::remove_file(r.dir.join(".gitattributes")).unwrap();
        }
        if mode == Mode::Mergiraf {
            r.write(".gitattributes", "*.toml merge=mergiraf\n");
            r.git_ok(&["config", "merge.mergiraf.name", "mergiraf"]);
            r.git_ok(&[
                "config",
                "merge.mergiraf.driver",
                "mergiraf merge --git %O %A %B -s %S -x %X -y %Y -p %P -l %L",
            ]);
        }
        r.commit("the example workspace");
        r
    }

    fn git(&self, args: &[&str]) -> Output {
        Command::new("git")
            .current_dir(&self.dir)
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Ann Analyst")
            .env("GIT_AUTHOR_EMAIL", "ann@example.org")
            .env("GIT_COMMITTER_NAME", "Ann Analyst")
            .env("GIT_COMMITTER_EMAIL", "ann@example.org")
            .env("GIT_AUTHOR_DATE", "2024-02-01T10:00:00Z")
            .env("GIT_COMMITTER_DATE", "2024-02-01T10:00:00Z")
            .output()
            .unwrap()
    }

    fn git_ok(&self, args: &[&str]) -> String {
        let out = self.git(args);
        assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
        stdout(&out)
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.dir.join(rel)).unwrap()
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// Replace `from` (which must be there) by `to` in a file.
    fn edit(&self, rel: &str, from: &str, to: &str) {
        let t = self.read(rel);
        assert!(t.contains(from), "{rel} has no {from:?}");
        self.write(rel, &t.replacen(from, to, 1));
    }

    fn commit(&self, msg: &str) {
        self.git_ok(&["add", "-A"]);
        self.git_ok(&["commit", "-q", "-m", msg]);
    }

    /// Branch `theirs` off main with `theirs_edit`, then `ours_edit` on main,
    /// then merge theirs into main: the merge's output.
    fn branches(&self, ours_edit: impl FnOnce(&Repo), theirs_edit: impl FnOnce(&Repo)) -> Output {
        self.git_ok(&["checkout", "-q", "-b", "theirs"]);
        theirs_edit(self);
        self.commit("theirs");
        self.git_ok(&["checkout", "-q", "main"]);
        ours_edit(self);
        self.commit("ours");
        self.git(&["merge", "--no-edit", "theirs"])
    }

    fn check(&self) -> Output {
        kz(&self.dir).arg("check").output().unwrap()
    }
}

const CLAIMS: &str = "claims/claims.toml";

fn new_claim(id: &str, date: &str, accident: &str) -> String {
    format!(
        "\n[[claim]]\nid = \"{id}\"\ndate = {date}\nstatement = \"Claim {id}.\"\nsources = [\"wire\"]\nurl = \"https://example.org/{id}\"\ncredibility = 2\nrelevance = \"medium\"\n\n[claim.ratings]\naccident = \"{accident}\"\nsabotage = \"N\"\n\n[claim.rationale]\naccident = \"Why {id} bears on an accident.\"\nsabotage = \"Why {id} says nothing of sabotage.\"\n"
    )
}

fn append(r: &Repo, rel: &str, text: &str) {
    let mut t = r.read(rel);
    t.push_str(text);
    r.write(rel, &t);
}

/// What one case gives: the merge's exit status and message, the merged
/// file, and check's exit status and output.
struct Outcome {
    merge_code: i32,
    merge_err: String,
    text: String,
    check_code: i32,
    check_out: String,
}

fn run_case(
    with_driver: Mode,
    file: &str,
    ours: impl FnOnce(&Repo),
    theirs: impl FnOnce(&Repo),
) -> Outcome {
    let r = Repo::new(with_driver);
    let out = r.branches(ours, theirs);
    let check = r.check();
    Outcome {
        merge_code: out.status.code().unwrap(),
        merge_err: format!("{}{}", stdout(&out), stderr(&out)),
        text: r.read(file),
        check_code: check.status.code().unwrap(),
        check_out: format!("{}{}", stdout(&check), stderr(&check)),
    }
}

// The cases, each a pair of edits.

fn both_append(driver: Mode) -> Outcome {
    run_case(
        driver,
        CLAIMS,
        |r| append(r, CLAIMS, &new_claim("ours-new", "2024-01-23", "C")),
        |r| append(r, CLAIMS, &new_claim("theirs-new", "2024-01-24", "I")),
    )
}

fn different_fields(driver: Mode) -> Outcome {
    run_case(
        driver,
        CLAIMS,
        |r| {
            r.edit(
                CLAIMS,
                "statement = \"The regulator's first report mentions tool marks on the failed valve.\"",
                "statement = \"The regulator's first report mentions fresh tool marks on the failed valve.\"",
            )
        },
        |r| {
            r.edit(
                CLAIMS,
                "credibility = 4\nrelevance = \"medium\"",
                "credibility = 3\nrelevance = \"medium\"",
            )
        },
    )
}

fn revision(date: &str, note: &str) -> String {
    format!("\n[[claim.revision]]\ndate = {date}\nnote = \"{note}\"\ncredibility = 3\n")
}

fn revisions_different_days(driver: Mode) -> Outcome {
    run_case(
        driver,
        CLAIMS,
        |r| {
            append(
                r,
                CLAIMS,
                &revision("2024-01-25", "Ours: the marks were photographed."),
            )
        },
        |r| {
            append(
                r,
                CLAIMS,
                &revision("2024-01-26", "Theirs: the valve went to a lab."),
            )
        },
    )
}

fn revisions_same_day(driver: Mode) -> Outcome {
    run_case(
        driver,
        CLAIMS,
        |r| {
            append(
                r,
                CLAIMS,
                &revision("2024-01-25", "Ours: the marks were photographed."),
            )
        },
        |r| {
            append(
                r,
                CLAIMS,
                &revision("2024-01-25", "Theirs: the valve went to a lab."),
            )
        },
    )
}

fn same_field(driver: Mode) -> Outcome {
    run_case(
        driver,
        CLAIMS,
        |r| {
            r.edit(
                CLAIMS,
                "credibility = 4\nrelevance = \"medium\"",
                "credibility = 3\nrelevance = \"medium\"",
            )
        },
        |r| {
            r.edit(
                CLAIMS,
                "credibility = 4\nrelevance = \"medium\"",
                "credibility = 5\nrelevance = \"medium\"",
            )
        },
    )
}

/// The `tool-marks` claim: the last one in the example's claims file.
fn tool_marks(r: &Repo) -> (String, String) {
    let t = r.read(CLAIMS);
    let at = t.find("\n[[claim]]\nid = \"tool-marks\"").unwrap();
    (t[..at + 1].to_string(), t[at..].to_string())
}

fn move_and_edit(driver: Mode) -> Outcome {
    run_case(
        driver,
        CLAIMS,
        |r| {
            let (rest, claim) = tool_marks(r);
            r.write(CLAIMS, &rest);
            r.write("claims/regulator.toml", claim.trim_start());
        },
        |r| {
            r.edit(
                CLAIMS,
                "credibility = 4\nrelevance = \"medium\"",
                "credibility = 3\nrelevance = \"medium\"",
            )
        },
    )
}

fn move_alone(driver: Mode) -> Outcome {
    run_case(
        driver,
        CLAIMS,
        |r| {
            let (rest, claim) = tool_marks(r);
            r.write(CLAIMS, &rest);
            r.write("claims/regulator.toml", claim.trim_start());
        },
        |r| append(r, CLAIMS, &new_claim("theirs-new", "2024-01-24", "I")),
    )
}

fn rename_scenario(driver: Mode) -> Outcome {
    run_case(
        driver,
        CLAIMS,
        |r| {
            for rel in ["scenarios/scenarios.toml", CLAIMS] {
                let t = r.read(rel);
                r.write(
                    rel,
                    &t.replace("id = \"accident\"", "id = \"mishap\"")
                        .replace("\naccident = ", "\nmishap = ")
                        .replace("{ accident = ", "{ mishap = "),
                );
            }
        },
        |r| append(r, CLAIMS, &new_claim("theirs-new", "2024-01-24", "C")),
    )
}

fn assessment(who: &str, accident: &str) -> String {
    format!(
        "\n[[claim.assessment]]\nanalyst = \"{who}\"\nratings = {{ accident = \"{accident}\", sabotage = \"C\" }}\n"
    )
}

fn analysts(driver: Mode) -> Outcome {
    // Each analyst edits only their own assessment of `tool-marks`.
    let setup = |r: &Repo| {
        // Drop the shared ratings: the analysts' ratings are the claim's.
        let (rest, claim) = tool_marks(r);
        let claim = claim.replace(
            "\n[claim.ratings]\naccident = \"I\"\nsabotage = \"C\"\n",
            "",
        );
        r.write(
            CLAIMS,
            &format!(
                "{rest}{claim}{}{}",
                assessment("ann", "I"),
                assessment("bob", "N")
            ),
        );
        r.commit("two analysts");
    };
    let r = Repo::new(driver);
    setup(&r);
    let out = r.branches(
        |r| {
            r.edit(
                CLAIMS,
                "analyst = \"ann\"\nratings = { accident = \"I\"",
                "analyst = \"ann\"\nratings = { accident = \"II\"",
            )
        },
        |r| {
            r.edit(
                CLAIMS,
                "analyst = \"bob\"\nratings = { accident = \"N\"",
                "analyst = \"bob\"\nratings = { accident = \"C\"",
            )
        },
    );
    let check = r.check();
    Outcome {
        merge_code: out.status.code().unwrap(),
        merge_err: format!("{}{}", stdout(&out), stderr(&out)),
        text: r.read(CLAIMS),
        check_code: check.status.code().unwrap(),
        check_out: format!("{}{}", stdout(&check), stderr(&check)),
    }
}

/// The merged file and check's report, for a snapshot.
fn shown(o: &Outcome) -> String {
    format!(
        "git merge: exit {}\ncheck: exit {}\n{}\n--- merged {CLAIMS} ---\n{}",
        o.merge_code,
        o.check_code,
        o.check_out
            .lines()
            .map(|l| format!("  | {l}"))
            .collect::<Vec<_>>()
            .join("\n"),
        o.text
    )
}

fn clean(o: &Outcome) {
    assert_eq!(o.merge_code, 0, "{}", o.merge_err);
    assert!(!o.text.contains("<<<<<<<"));
}

#[test]
fn both_branches_append_claims_to_one_file() {
    let o = both_append(Mode::Kzclaims);
    clean(&o);
    assert_eq!(o.check_code, 0, "{}", o.check_out);
    let (a, b) = (
        o.text.find("ours-new").unwrap(),
        o.text.find("theirs-new").unwrap(),
    );
    assert!(a < b, "ours first, then theirs");
    insta::assert_snapshot!("git_both_append", shown(&o));
}

#[test]
fn different_fields_of_one_claim() {
    let o = different_fields(Mode::Kzclaims);
    clean(&o);
    assert_eq!(o.check_code, 0, "{}", o.check_out);
    assert!(o.text.contains("fresh tool marks"));
    assert!(o.text.contains("credibility = 3\nrelevance = \"medium\"\n\n[claim.ratings]\naccident = \"I\"\nsabotage = \"C\"\n\n[claim.rationale]\naccident = \"Ordinary wear"));
    insta::assert_snapshot!("git_different_fields", shown(&o));
}

#[test]
fn revisions_on_different_days_merge_same_day_conflicts() {
    let o = revisions_different_days(Mode::Kzclaims);
    clean(&o);
    assert_eq!(o.check_code, 0, "{}", o.check_out);
    insta::assert_snapshot!("git_revisions_different_days", shown(&o));
    // Two revisions on the same new day are (day, first of the day) on both
    // sides: a conflict around them, and keeping both is one deletion of the
    // three marker lines.
    let o = revisions_same_day(Mode::Kzclaims);
    assert_eq!(o.merge_code, 1, "{}", o.merge_err);
    assert!(
        o.merge_err.contains(
            "conflict in claim `tool-marks`, revision `2024-01-25` (added on both sides)"
        ),
        "{}",
        o.merge_err
    );
    assert_eq!(o.check_code, 1);
    assert!(o.check_out.contains("E022"));
    insta::assert_snapshot!("git_revisions_same_day", shown(&o));
}

#[test]
fn same_field_edited_differently_conflicts_there_only() {
    let o = same_field(Mode::Kzclaims);
    assert_eq!(o.merge_code, 1, "{}", o.merge_err);
    assert!(
        o.merge_err
            .contains("conflict in claim `tool-marks`, key `credibility`"),
        "{}",
        o.merge_err
    );
    assert!(o
        .text
        .contains("<<<<<<< ours\ncredibility = 3\n=======\ncredibility = 5\n>>>>>>> theirs\n"));
    assert_eq!(o.text.matches("<<<<<<<").count(), 1);
    // check names the conflict, file and line, not a TOML syntax error.
    assert_eq!(o.check_code, 1);
    assert!(
        o.check_out
            .contains("error[E022]: unresolved git merge conflict"),
        "{}",
        o.check_out
    );
    assert!(
        o.check_out.contains("claims/claims.toml:"),
        "{}",
        o.check_out
    );
    assert!(!o.check_out.contains("E001"), "{}", o.check_out);
    insta::assert_snapshot!("git_same_field", shown(&o));
}

#[test]
fn a_claim_moved_on_one_side_and_edited_on_the_other() {
    // The driver sees one file at a time: in claims.toml the claim was
    // deleted by ours and changed by theirs, a conflict; the new file is
    // ours' alone. Resolved to theirs it would be there twice (E005).
    let o = move_and_edit(Mode::Kzclaims);
    assert_eq!(o.merge_code, 1, "{}", o.merge_err);
    assert!(
        o.merge_err
            .contains("claim `tool-marks` (changed on one side, deleted on the other)"),
        "{}",
        o.merge_err
    );
    assert!(o.check_out.contains("E022"));
    insta::assert_snapshot!("git_move_and_edit", shown(&o));
    // Moved on one side, the file added to on the other: clean.
    let o = move_alone(Mode::Kzclaims);
    clean(&o);
    assert_eq!(o.check_code, 0, "{}", o.check_out);
}

#[test]
fn a_scenario_renamed_on_one_side_rated_under_its_old_id_on_the_other() {
    // A clean merge (no text clashes) that check catches: the new claim
    // rates `accident`, which no longer exists, and not `mishap`.
    let o = rename_scenario(Mode::Kzclaims);
    clean(&o);
    assert_eq!(o.check_code, 1);
    assert!(o.check_out.contains("E006"), "{}", o.check_out);
    insta::assert_snapshot!("git_rename_scenario", shown(&o));
}

#[test]
fn analysts_each_editing_their_own_assessment_merge_cleanly() {
    let o = analysts(Mode::Kzclaims);
    clean(&o);
    assert_eq!(o.check_code, 0, "{}", o.check_out);
    assert!(o
        .text
        .contains("analyst = \"ann\"\nratings = { accident = \"II\""));
    assert!(o
        .text
        .contains("analyst = \"bob\"\nratings = { accident = \"C\""));
    insta::assert_snapshot!("git_analysts", shown(&o));
}

/// The same cases under git's default merge (no driver): its exit status
/// and whether `check` passes on what it leaves. The table in
/// docs/collaboration.md.
#[test]
fn git_default_merge_on_the_same_cases() {
    comparison(Mode::GitDefault, "git default");
}

/// mergiraf on the same cases (not installed in CI: run by hand with
/// `cargo test --test cli -- --ignored mergiraf`, mergiraf on the PATH).
#[test]
#[ignore]
fn mergiraf_on_the_same_cases() {
    println!("{}", comparison(Mode::Mergiraf, "mergiraf"));
}

fn comparison(other: Mode, name_other: &str) -> String {
    type Case = fn(Mode) -> Outcome;
    let cases: [(&str, Case); 9] = [
        ("both append", both_append),
        ("different fields", different_fields),
        ("revisions, different days", revisions_different_days),
        ("revisions, same day", revisions_same_day),
        ("same field", same_field),
        ("move and edit", move_and_edit),
        ("move, append", move_alone),
        ("rename scenario", rename_scenario),
        ("analysts", analysts),
    ];
    let mut table = String::new();
    for (name, case) in cases {
        let d = case(other);
        let k = case(Mode::Kzclaims);
        table.push_str(&format!(
            "{name}: {name_other} merge {} check {} | kzclaims driver merge {} check {}\n",
            d.merge_code, d.check_code, k.merge_code, k.check_code
        ));
    }
    if other == Mode::GitDefault {
        insta::assert_snapshot!("git_default_vs_driver", table);
    }
    table
}

#[test]
fn git_setup_is_idempotent_and_says_what_it_did() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // Outside a git repository: init says the one command to run.
    let out = kz(dir).args(["init", "ws"]).output().unwrap();
    assert!(
        stdout(&out).contains("`git init` there, then `kzclaims git-setup`"),
        "{}",
        stdout(&out)
    );
    let ws = dir.join("ws");
    let out = kz(&ws).arg("git-setup").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not inside a git repository"),
        "{}",
        stderr(&out)
    );
    assert!(Command::new("git")
        .arg("init")
        .arg("-q")
        .arg(&ws)
        .status()
        .unwrap()
        .success());
    let config = |key: &str| {
        let o = Command::new("git")
            .current_dir(&ws)
            .args(["config", "--local", "--get", key])
            .output()
            .unwrap();
        stdout(&o).trim().to_string()
    };
    let out = kz(&ws).arg("git-setup").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let first = stdout(&out);
    assert!(first.contains("wrote .gitattributes"), "{first}");
    assert!(
        first.contains("set git config merge.kzclaims.driver"),
        "{first}"
    );
    assert_eq!(
        config("merge.kzclaims.driver"),
        "kzclaims merge-driver %O %A %B %P"
    );
    assert!(config("merge.kzclaims.name").starts_with("kzclaims"));
    let attrs = std::fs::read_to_string(ws.join(".gitattributes")).unwrap();
    for l in [
        "claims/**/*.toml merge=kzclaims",
        "scenarios/**/*.toml merge=kzclaims",
        "kzclaims.toml merge=kzclaims",
    ] {
        assert!(attrs.lines().any(|x| x == l), "{attrs}");
    }
    // Again: nothing changes.
    let out = kz(&ws).arg("git-setup").output().unwrap();
    let second = stdout(&out);
    assert!(second.contains(".gitattributes already sends"), "{second}");
    assert!(
        second.contains("merge.kzclaims.driver already set"),
        "{second}"
    );
    assert_eq!(
        std::fs::read_to_string(ws.join(".gitattributes")).unwrap(),
        attrs
    );
    // A .gitattributes of the user's own is added to, not replaced.
    std::fs::write(ws.join(".gitattributes"), "*.png binary").unwrap();
    kz(&ws).arg("git-setup").assert().success();
    let attrs = std::fs::read_to_string(ws.join(".gitattributes")).unwrap();
    assert!(attrs.starts_with("*.png binary\n# kzclaims"), "{attrs}");
}

/// The bundled workspace's repository ships the attributes line.
#[test]
fn the_repository_ships_its_gitattributes() {
    let attrs = std::fs::read_to_string(repo_root().join(".gitattributes")).unwrap();
    assert!(attrs.contains("claims/**/*.toml merge=kzclaims"));
}

/// A side that is not TOML: git's line merge, said on stderr.
#[test]
fn merge_driver_falls_back_to_the_line_merge() {
    let tmp = tempfile::tempdir().unwrap();
    let p = |n: &str| tmp.path().join(n);
    std::fs::write(p("o"), "a = 1\nx = 0\ny = 0\nb = 2\n").unwrap();
    std::fs::write(p("a"), "a = 1\nx = 0\ny = 0\nb = [\n").unwrap();
    std::fs::write(p("b"), "a = 3\nx = 0\ny = 0\nb = 2\n").unwrap();
    let out = kz(tmp.path())
        .args(["merge-driver", "o", "a", "b", "claims/x.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("claims/x.toml: ours does not parse (TOML parse error at line 4"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("git's line merge (git merge-file) was used instead"));
    assert_eq!(
        std::fs::read_to_string(p("a")).unwrap(),
        "a = 3\nx = 0\ny = 0\nb = [\n"
    );
}

/// `history`: the commits that changed a claim, newest first, also across
/// a move between files; merges that only bring a branch's change are not
/// listed twice.
#[test]
fn history_of_a_claim_follows_it_between_files() {
    let r = Repo::new(Mode::Kzclaims);
    r.edit(
        CLAIMS,
        "credibility = 4\nrelevance = \"medium\"",
        "credibility = 3\nrelevance = \"medium\"",
    );
    r.commit("Regrade tool-marks");
    let (rest, claim) = tool_marks(&r);
    r.write(CLAIMS, &rest);
    r.write("claims/regulator.toml", claim.trim_start());
    r.commit("Move the regulator's claims to their own file");
    // On a branch, merged back: listed once, at its own commit.
    r.git_ok(&["checkout", "-q", "-b", "lab"]);
    append(
        &r,
        "claims/regulator.toml",
        &revision("2024-01-25", "The valve went to a lab."),
    );
    r.commit("Lab revision");
    r.git_ok(&["checkout", "-q", "main"]);
    r.edit(
        CLAIMS,
        "credibility = 2       # Admiralty 1-6",
        "credibility = 1       # Admiralty 1-6",
    );
    r.commit("Unrelated");
    r.git_ok(&["merge", "-q", "--no-edit", "lab"]);
    let out = kz(&r.dir).args(["history", "tool-marks"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!("git_history_text", stdout(&out));
    let out = kz(&r.dir)
        .args(["history", "tool-marks", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<&str> = v["commits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["changed", "moved", "changed", "added"]);
    assert_eq!(v["commits"][1]["moved_from"], "claims/claims.toml");
    assert_eq!(v["commits"][1]["file"], "claims/regulator.toml");
    assert_eq!(v["commits"][2]["fields"][0]["field"], "credibility");
    assert_eq!(v["commits"][0]["message"], "Lab revision");
    assert_eq!(v["commits"][0]["author"], "Ann Analyst");
    // An id no commit has.
    let out = kz(&r.dir).args(["history", "nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no commit reachable from HEAD has a claim `nope`"));
}

/// docs/collaboration.md from a fresh clone: the clone has .gitattributes
/// (committed) but not the config; `git-setup` once, then two analysts'
/// branches that add claims to the same file merge without a conflict.
#[test]
fn a_fresh_clone_following_the_docs_merges_two_analysts_claims() {
    let origin = Repo::new(Mode::Kzclaims);
    let clone_dir = origin._tmp.path().join("clone");
    origin.git_ok(&["clone", "-q", ".", clone_dir.to_str().unwrap()]);
    let clone = Repo {
        _tmp: tempfile::tempdir().unwrap(),
        dir: clone_dir,
    };
    assert!(clone
        .read(".gitattributes")
        .contains("claims/**/*.toml merge=kzclaims"));
    let out = kz(&clone.dir)
        .args(["git-setup", "--program"])
        .arg(bin())
        .output()
        .unwrap();
    assert!(
        stdout(&out).contains(".gitattributes already sends"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("set git config merge.kzclaims.driver"),
        "{}",
        stdout(&out)
    );
    clone.git_ok(&["switch", "-q", "-c", "ann/claims"]);
    append(&clone, CLAIMS, &new_claim("ann-claim", "2024-01-23", "C"));
    clone.commit("Ann's claim");
    clone.git_ok(&["switch", "-q", "main"]);
    clone.git_ok(&["switch", "-q", "-c", "bob/claims"]);
    append(&clone, CLAIMS, &new_claim("bob-claim", "2024-01-24", "I"));
    clone.commit("Bob's claim");
    clone.git_ok(&["switch", "-q", "main"]);
    clone.git_ok(&["merge", "-q", "--no-edit", "ann/claims"]);
    let out = clone.git(&["merge", "--no-edit", "bob/claims"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = clone.read(CLAIMS);
    assert!(text.find("ann-claim").unwrap() < text.find("bob-claim").unwrap());
    assert_eq!(clone.check().status.code(), Some(0));
}

/// Marker-like lines inside a multi-line string of a valid file are text:
/// no E022.
#[test]
fn marker_lines_inside_a_string_are_not_a_conflict() {
    let tmp = tempfile::tempdir().unwrap();
    kz(tmp.path()).args(["init", "ws"]).assert().success();
    let ws = tmp.path().join("ws");
    let p = ws.join(CLAIMS);
    let t = std::fs::read_to_string(&p).unwrap().replacen(
        "statement = \"Scheduled maintenance had been skipped for two years.\"",
        "statement = \"\"\"\n<<<<<<< a quoted log\n=======\n>>>>>>> end\n\"\"\"",
        1,
    );
    std::fs::write(&p, t).unwrap();
    let out = kz(&ws).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}
