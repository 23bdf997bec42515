//! Control characters and table breakers in record text (issue 19, rows
//! 6–8): shown escaped on the terminal, escaped in Markdown table cells,
//! replaced in XML (SVG, .achz), so that kzclaims' own .achz imports again.

use crate::common::*;
use std::path::Path;

/// The small fixture with an ESC sequence and a `|` and newline in the
/// leading scenario's title, and an ESC sequence in a claim's statement.
fn hostile() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("small"), dir.path());
    let edit = |rel: &str, from: &str, to: &str| {
        let p = dir.path().join(rel);
        let t = std::fs::read_to_string(&p).unwrap();
        assert!(t.contains(from), "{from}");
        std::fs::write(&p, t.replacen(from, to, 1)).unwrap();
    };
    edit(
        "scenarios/all.toml",
        "title = \"Equipment failure nobody planned\"",
        "title = \"Equipment | 99% |\\nfailure\\u001b[2J\\u001b]0;pwned\\u0007\"",
    );
    edit(
        "scenarios/all.toml",
        "text = \"Police arrest suspects\"",
        "text = \"Police\\u001b[31m arrest suspects\"",
    );
    edit(
        "claims/march.toml",
        "statement = \"Photos show cables cut cleanly near substation 4.\"",
        "statement = \"Photos\\u001b[1A\\u001b[2K show cables cut\\u0001 cleanly.\"",
    );
    dir
}

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    let o = kz(dir).args(args).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    o
}

#[test]
fn terminal_output_shows_control_characters_escaped() {
    let dir = hostile();
    for args in [
        &["score"][..],
        &["timeline"],
        &["sensitivity"],
        &["collect"],
        &["diff", "2024-03-03", "2024-03-10"],
    ] {
        let out = run(dir.path(), args).stdout;
        let text = String::from_utf8(out).unwrap();
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{args:?} sends control characters: {text:?}"
        );
    }
    // The text is there, escaped (before: 9 ESC bytes in this diff).
    let diff = stdout(&run(dir.path(), &["diff", "2024-03-03", "2024-03-10"]));
    assert!(diff.contains("Photos\\u{1b}[1A"), "{diff}");
    let collect = stdout(&run(dir.path(), &["collect"]));
    assert!(collect.contains("Police\\u{1b}[31m arrest"), "{collect}");
}

#[test]
fn a_pipe_in_a_title_adds_no_column_to_the_memo_table() {
    let dir = hostile();
    let memo = stdout(&run(dir.path(), &["brief"]));
    let table: Vec<&str> = memo
        .lines()
        .skip_while(|l| !l.starts_with("| Rank |"))
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert!(table.len() >= 5, "{memo}");
    let columns = |l: &str| l.replace("\\|", "").matches('|').count();
    for row in &table {
        assert_eq!(columns(row), columns(table[0]), "{row}");
    }
    assert!(
        memo.contains("Equipment \\| 99% \\| failure\\u{1b}[2J"),
        "{memo}"
    );
}

#[test]
fn xml_outputs_stay_well_formed_and_the_achz_imports() {
    let dir = hostile();
    let svg = stdout(&run(dir.path(), &["timeline", "--format", "svg"]));
    roxmltree::Document::parse(&svg).expect("the SVG is well-formed XML");
    let achz = dir.path().join("out.achz");
    run(
        dir.path(),
        &["export", "--format", "achz", "-o", "out.achz"],
    );
    let into = tempfile::tempdir().unwrap();
    let ws = into.path().join("ws");
    let o = kz(into.path())
        .arg("import")
        .arg(&achz)
        .arg("--into")
        .arg(&ws)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let scenarios = std::fs::read_to_string(ws.join("scenarios/scenarios.toml")).unwrap();
    assert!(scenarios.contains("Equipment | 99% |"), "{scenarios}");
    assert!(
        scenarios.contains('\u{fffd}'),
        "the ESC became U+FFFD: {scenarios}"
    );
}
