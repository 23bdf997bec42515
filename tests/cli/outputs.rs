//! Where `--out` may write (issue 19, row 3): only a regular file, a new
//! file, or a link to a regular file inside the current folder; never a
//! folder, FIFO, device or a workspace's own inputs. Exit 2, nothing written.

use crate::common::*;
use std::path::Path;
use std::time::Duration;

fn small_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("small"), dir.path());
    dir
}

/// `export --format csv -o OUT` in `dir`: (exit code, stderr).
fn export_to(dir: &Path, out: &str) -> (Option<i32>, String) {
    let o = kz(dir)
        .args(["export", "--format", "csv", "-o", out])
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    (o.status.code(), stderr(&o))
}

fn refused(dir: &Path, out: &str, want: &str) {
    let (code, err) = export_to(dir, out);
    assert_eq!(code, Some(2), "{out}: {err}");
    assert!(err.contains("refusing to write --out"), "{out}: {err}");
    assert!(err.contains(want), "{out}: want {want:?} in {err}");
}

#[test]
fn the_workspace_inputs_are_never_an_output() {
    let dir = small_copy();
    let before = std::fs::read(dir.path().join("kzclaims.toml")).unwrap();
    refused(dir.path(), "kzclaims.toml", "kzclaims.toml");
    refused(dir.path(), "claims/march.toml", "claims/");
    refused(dir.path(), "claims/new.csv", "claims/");
    refused(dir.path(), "scenarios/x.md", "scenarios/");
    assert_eq!(
        std::fs::read(dir.path().join("kzclaims.toml")).unwrap(),
        before
    );
    assert!(!dir.path().join("claims/new.csv").exists());
    // The other commands with --out share the rule.
    for args in [
        &["brief", "-o", "kzclaims.toml"][..],
        &["brief", "--format", "docx", "-o", "kzclaims.toml"],
        &["timeline", "-o", "kzclaims.toml"],
        &["diff", "2024-03-03", "2024-03-10", "-o", "kzclaims.toml"],
        &["calibration", "-o", "kzclaims.toml"],
        &["schema", "--out", "claims"],
    ] {
        let o = kz(dir.path()).args(args).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("refusing to write --out"), "{args:?}");
    }
    assert_eq!(
        std::fs::read(dir.path().join("kzclaims.toml")).unwrap(),
        before
    );
    // An ordinary file is written, and replaced the second time.
    assert_eq!(export_to(dir.path(), "out.csv").0, Some(0));
    assert_eq!(export_to(dir.path(), "out.csv").0, Some(0));
    assert!(std::fs::read_to_string(dir.path().join("out.csv"))
        .unwrap()
        .starts_with("id,date,"));
}

#[cfg(unix)]
#[test]
fn folders_fifos_devices_and_stray_links_are_refused() {
    let dir = small_copy();
    let d = dir.path();
    std::fs::create_dir(d.join("folder")).unwrap();
    refused(d, "folder", "a folder");
    let fifo = std::process::Command::new("mkfifo")
        .arg(d.join("fifo"))
        .status()
        .unwrap();
    assert!(fifo.success());
    refused(d, "fifo", "FIFO");
    refused(d, "/dev/null", "a device");
    // A link to a file outside the current folder: refused, the file kept.
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("victim.txt"), "keep").unwrap();
    std::os::unix::fs::symlink(outside.path().join("victim.txt"), d.join("out.csv")).unwrap();
    refused(d, "out.csv", "outside the current folder");
    assert_eq!(
        std::fs::read_to_string(outside.path().join("victim.txt")).unwrap(),
        "keep"
    );
    assert!(std::fs::symlink_metadata(d.join("out.csv"))
        .unwrap()
        .file_type()
        .is_symlink());
    // Dangling, to a folder, to the workspace's config: refused.
    std::os::unix::fs::symlink(d.join("missing.csv"), d.join("dangling.csv")).unwrap();
    refused(d, "dangling.csv", "leads nowhere");
    std::os::unix::fs::symlink(d.join("folder"), d.join("dirlink")).unwrap();
    refused(d, "dirlink", "not a regular file");
    std::os::unix::fs::symlink(d.join("kzclaims.toml"), d.join("cfg.csv")).unwrap();
    refused(d, "cfg.csv", "kzclaims.toml");
    // A link to a regular file inside the current folder: the file is
    // written, the link stays a link.
    std::fs::write(d.join("folder/real.csv"), "old").unwrap();
    std::os::unix::fs::symlink("folder/real.csv", d.join("link.csv")).unwrap();
    assert_eq!(export_to(d, "link.csv").0, Some(0));
    assert!(std::fs::symlink_metadata(d.join("link.csv"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(d.join("folder/real.csv"))
        .unwrap()
        .starts_with("id,date,"));
}

/// A template that writes in a loop, or doubles a string in a loop, stops
/// early with E020 (output capped by the record's size; data by fuel).
#[test]
fn a_template_that_grows_stops_early() {
    let dir = small_copy();
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::write(
        dir.path().join("templates/out.md"),
        "{% for i in range(10000) %}{% for j in range(10000) %}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{% endfor %}{% endfor %}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("templates/dbl.md"),
        "{% set ns = namespace(s=\"x\") %}{% for i in range(36) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}\n",
    )
    .unwrap();
    for (name, want) in [
        ("out", "its output passed 8 MiB"),
        ("dbl", "ran out of fuel"),
    ] {
        let o = kz(dir.path())
            .args(["brief", "--template", name])
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stderr(&o));
        assert!(stderr(&o).contains("E020"), "{name}: {}", stderr(&o));
        assert!(stderr(&o).contains(want), "{name}: {}", stderr(&o));
        assert!(o.stdout.is_empty());
    }
}

/// `man --out DIR` and `schema --out DIR` check the folder before creating
/// it: a file, a device, a link leading out of the current folder (or a path
/// through one) and a workspace's input folders are refused with exit 2,
/// and nothing is created (issue 19).
#[cfg(unix)]
#[test]
fn man_and_schema_check_their_folder_before_creating_it() {
    let dir = small_copy();
    let d = dir.path();
    std::fs::write(d.join("plain.txt"), "keep").unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), d.join("away")).unwrap();
    for cmd in ["man", "schema"] {
        for (out, want) in [
            ("plain.txt", "not a folder"),
            ("plain.txt/sub", "not a folder"),
            ("/dev/null", "a device"),
            ("/dev/null/sub", "a device"),
            ("away", "outside the current folder"),
            ("away/new/deeper", "outside the current folder"),
            ("claims/new", "claims/"),
            ("scenarios", "scenarios/"),
        ] {
            let o = kz(d).args([cmd, "--out", out]).output().unwrap();
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{cmd} {out}: {err}");
            assert!(
                err.contains("refusing to write --out"),
                "{cmd} {out}: {err}"
            );
            assert!(err.contains(want), "{cmd} {out}: want {want:?} in {err}");
        }
        assert_eq!(
            std::fs::read_to_string(d.join("plain.txt")).unwrap(),
            "keep"
        );
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
        assert!(!d.join("claims/new").exists());
        // A new folder, nested, inside the current folder: made and filled.
        let o = kz(d).args([cmd, "--out", "docs/new"]).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{cmd}: {}", stderr(&o));
        assert!(std::fs::read_dir(d.join("docs/new")).unwrap().count() > 0);
        std::fs::remove_dir_all(d.join("docs")).unwrap();
    }
}
