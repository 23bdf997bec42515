//! The Word memo (issue 10): `brief --format docx` writes the same memo as a
//! .docx, byte-identical for the same input; LibreOffice converts it to PDF
//! and the PDF's text holds the marking, the bottom line and the key
//! judgments. Without LibreOffice the conversion test says so and passes,
//! except under CI (CI set), which installs it (.ci/run).

use crate::common::*;
use std::io::Read;
use std::process::Command;

fn docx(dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    let out = kz(&repo_root())
        .args(["brief", "--format", "docx", "--out"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    path
}

fn part(path: &std::path::Path, name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn docx_is_deterministic_with_named_styles_marking_and_links() {
    let tmp = tempfile::tempdir().unwrap();
    let a = docx(tmp.path(), "a.docx");
    let b = docx(tmp.path(), "b.docx");
    assert_eq!(
        std::fs::read(&a).unwrap(),
        std::fs::read(&b).unwrap(),
        "same input, same bytes"
    );
    let styles = part(&a, "word/styles.xml");
    for name in [
        "\"Title\"",
        "\"heading 1\"",
        "\"heading 2\"",
        "\"Table Grid\"",
        "\"Hyperlink\"",
    ] {
        assert!(
            styles.contains(&format!("w:name w:val={name}")),
            "style {name}"
        );
    }
    assert!(part(&a, "word/header1.xml").contains("UNCLASSIFIED"));
    assert!(part(&a, "word/footer1.xml").contains("UNCLASSIFIED"));
    let doc = part(&a, "word/document.xml");
    assert!(doc.contains("<w:pStyle w:val=\"Heading1\"/>"));
    assert!(doc.contains("<w:tblStyle w:val=\"TableGrid\"/>"));
    assert!(doc.contains("<w:hyperlink r:id=\"rId100\">"));
    let rels = part(&a, "word/_rels/document.xml.rels");
    assert!(rels.contains("TargetMode=\"External\""));
    assert!(!rels.to_ascii_lowercase().contains("javascript:"));
    // No clock in the package.
    assert!(!part(&a, "docProps/core.xml").contains("dcterms:created"));
}

#[test]
fn docx_needs_an_output_file() {
    let out = kz(&repo_root())
        .args(["brief", "--format", "docx"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("give --out FILE.docx"),
        "{}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn docx_converts_to_pdf_with_the_key_judgments() {
    if !tool_or_skip("libreoffice", "Word memo converted to PDF")
        || !tool_or_skip("pdftotext", "Word memo converted to PDF")
    {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let memo = docx(tmp.path(), "memo.docx");
    let out = Command::new("libreoffice")
        .arg("--headless")
        .arg(format!(
            "-env:UserInstallation=file://{}/lo",
            tmp.path().display()
        ))
        .args(["--convert-to", "pdf", "--outdir"])
        .arg(tmp.path())
        .arg(&memo)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = tmp.path().join("memo.pdf");
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout).replace('\n', " ");
    let v: serde_json::Value = serde_json::from_slice(
        &kz(&repo_root())
            .args(["brief", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(text.contains("UNCLASSIFIED"));
    assert!(text.contains("Bottom line up front"));
    assert!(text.contains("Key judgments"));
    for s in v["context"]["scenarios"].as_array().unwrap() {
        // Each key judgment's ICD word and range, as the memo words it.
        let term = s["term_range"].as_str().unwrap();
        assert!(text.contains(term), "missing {term}");
    }
    let _ = std::fs::copy(
        &pdf,
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/word-memo.pdf"),
    );
}
