//! The layout of `src/` (docs/architecture.md): which room may import which,
//! and no import circle between the modules of `report/`. Read from the
//! source text: every `crate::…` path outside comments and test modules, and
//! inside `report/` every `super::…` and child-module path too.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The rooms each room may import (besides itself). Data flows model → load
/// → engine → checks → report → cli; `diag` sits at the bottom; the
/// capability rooms (interop, merge, serve, lsp) use the layers below them.
fn allowed(room: &str) -> &'static [&'static str] {
    const BELOW_REPORT: &[&str] = &["model", "diag", "load", "engine", "checks"];
    match room {
        "model" => &["diag"],
        "diag" => &["model"],
        "load" => &["model", "diag"],
        "engine" => &["model", "diag", "load"],
        "checks" => &["model", "diag", "load", "engine"],
        "report" => BELOW_REPORT,
        "merge" => &["model", "diag", "load", "engine"],
        "interop" => &["model", "diag", "load", "engine", "checks", "report"],
        "serve" => &[
            "model", "diag", "load", "engine", "checks", "report", "live",
        ],
        "live" => &["model", "diag", "load", "engine", "checks", "report"],
        "lsp" => &[
            "model", "diag", "load", "engine", "checks", "report", "live",
        ],
        // One module per subcommand: it may use every room.
        "cli" | "lib" | "main" => &[
            "model", "diag", "load", "engine", "checks", "report", "interop", "merge", "serve",
            "live", "lsp", "cli",
        ],
        other => panic!("src/{other} is a room docs/architecture.md does not know"),
    }
}

/// Imports that still run back up, each named so that it can be removed
/// once it is gone: (file, room it imports).
const KNOWN_UPWARD: &[(&str, &str)] = &[];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("src/ is readable") {
        let p = e.expect("a directory entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The source without comments and without the test module at its end
/// (tests may build what they test from any room), nor string contents.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut in_str = false;
        let mut prev = ' ';
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            if !in_str && c == '/' && chars.peek() == Some(&'/') {
                break;
            }
            if c == '"' && prev != '\\' {
                in_str = !in_str;
            } else if !in_str {
                out.push(c);
            }
            prev = c;
        }
        out.push('\n');
    }
    out
}

/// Every path that follows `prefix` (`crate::`, `super::`): `a::b::c`, and
/// each member of a `{…}` group as its own path.
fn paths_after(code: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        let before = rest[..i].chars().last();
        rest = &rest[i + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        out.extend(expand(rest));
    }
    out
}

/// `a::b::{c, d::e}` → [a, b, c], [a, b, d, e] (one level of braces is
/// enough for this code base; deeper ones are read as their first segment).
fn expand(s: &str) -> Vec<Vec<String>> {
    let mut head = Vec::new();
    let mut s = s;
    loop {
        let n = s
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(s.len());
        if n == 0 {
            break;
        }
        head.push(s[..n].to_string());
        s = &s[n..];
        if let Some(r) = s.strip_prefix("::") {
            s = r;
            if let Some(r) = s.strip_prefix('{') {
                let end = r.find('}').unwrap_or(r.len());
                return r[..end]
                    .split(',')
                    .map(|m| {
                        let mut p = head.clone();
                        p.extend(
                            m.split("::")
                                .map(|x| x.split_whitespace().next().unwrap_or(""))
                                .filter(|x| !x.is_empty() && *x != "self" && *x != "*")
                                .map(String::from),
                        );
                        p
                    })
                    .collect();
            }
        } else {
            break;
        }
    }
    if head.is_empty() {
        Vec::new()
    } else {
        vec![head]
    }
}

struct Source {
    /// `src/report/memo/context.rs`.
    file: String,
    /// `report::memo::context` (`lib` and `main` for the crate roots).
    module: Vec<String>,
    code: String,
}

fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(root).expect("under the root");
            let file = rel.to_string_lossy().replace('\\', "/");
            let mut module: Vec<String> = file
                .trim_start_matches("src/")
                .trim_end_matches(".rs")
                .split('/')
                .map(String::from)
                .collect();
            if module.last().is_some_and(|m| m == "mod") {
                module.pop();
            }
            let text = std::fs::read_to_string(&p).expect("readable source");
            Source {
                file,
                module,
                code: code(&text),
            }
        })
        .collect()
}

#[test]
fn rooms_import_only_the_rooms_below_them() {
    let mut bad = Vec::new();
    let mut used_exceptions = BTreeSet::new();
    for s in sources() {
        let room = s.module[0].as_str();
        let ok = allowed(room);
        let imported: BTreeSet<String> = paths_after(&s.code, "crate::")
            .into_iter()
            .filter_map(|p| p.into_iter().next())
            .collect();
        for r in imported {
            if r == room || ok.contains(&r.as_str()) {
                continue;
            }
            if KNOWN_UPWARD.contains(&(s.file.as_str(), r.as_str())) {
                used_exceptions.insert((s.file.clone(), r));
                continue;
            }
            bad.push(format!("{} imports crate::{r}", s.file));
        }
    }
    assert!(
        bad.is_empty(),
        "imports that run back up (docs/architecture.md):\n{}",
        bad.join("\n")
    );
    let stale: Vec<_> = KNOWN_UPWARD
        .iter()
        .filter(|(f, r)| !used_exceptions.contains(&(f.to_string(), r.to_string())))
        .collect();
    assert!(
        stale.is_empty(),
        "exceptions no longer needed (remove them): {stale:?}"
    );
}

/// Modules of `report/` each file imports: `crate::report::…`, `super::…`
/// and child modules named in `use`.
fn report_graph() -> BTreeMap<String, BTreeSet<String>> {
    let srcs: Vec<Source> = sources()
        .into_iter()
        .filter(|s| s.module[0] == "report")
        .collect();
    let modules: BTreeSet<Vec<String>> = srcs.iter().map(|s| s.module.clone()).collect();
    // The longest known module a path starts with.
    let resolve = |p: &[String]| -> Option<String> {
        (1..=p.len())
            .rev()
            .map(|n| p[..n].to_vec())
            .find(|m| modules.contains(m))
            .map(|m| m.join("::"))
    };
    let mut g = BTreeMap::new();
    for s in &srcs {
        let is_dir = s.file.ends_with("/mod.rs");
        // `super` of a file module is its directory's module; of a mod.rs
        // module, the module above.
        let parent: Vec<String> = s.module[..s.module.len() - 1].to_vec();
        let mut targets = BTreeSet::new();
        for p in paths_after(&s.code, "crate::") {
            if p.first().is_some_and(|r| r == "report") {
                targets.extend(resolve(&p));
            }
        }
        for p in paths_after(&s.code, "super::") {
            let mut full = parent.clone();
            full.extend(p);
            targets.extend(resolve(&full));
        }
        if is_dir {
            // A `pub use child::*` only re-exports: not a dependency.
            let own: String = s
                .code
                .lines()
                .filter(|l| !l.trim_start().starts_with("pub use"))
                .collect::<Vec<_>>()
                .join("\n");
            for p in paths_after(&own, "use ") {
                let mut full = s.module.clone();
                full.extend(p);
                if let Some(m) = resolve(&full) {
                    if m != s.module.join("::") {
                        targets.insert(m);
                    }
                }
            }
        }
        let me = s.module.join("::");
        targets.remove(&me);
        g.insert(me, targets);
    }
    g
}

/// A circle in the graph, if there is one: depth-first search, where a node
/// met again while still on the path closes a circle.
fn find_circle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match state.get(n) {
            Some(2) => return None,
            Some(1) => {
                let i = path.iter().position(|p| p == n).unwrap_or(0);
                let mut c = path[i..].to_vec();
                c.push(n.to_string());
                return Some(c);
            }
            _ => {}
        }
        state.insert(n.to_string(), 1);
        path.push(n.to_string());
        for m in g.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, g, state, path) {
                return Some(c);
            }
        }
        path.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    g.keys()
        .find_map(|n| visit(n, g, &mut state, &mut Vec::new()))
}

#[test]
fn report_has_no_import_circle() {
    let g = report_graph();
    assert!(g.len() > 20, "report/ read: {:?}", g.keys());
    if let Some(c) = find_circle(&g) {
        panic!("import circle in report/: {}", c.join(" → "));
    }
}

#[test]
fn circles_are_found() {
    let edges = |e: &[(&str, &str)]| {
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in e {
            g.entry(a.to_string()).or_default().insert(b.to_string());
            g.entry(b.to_string()).or_default();
        }
        g
    };
    // The circle issue 20 found: chart → context → matrix → chart.
    let c = find_circle(&edges(&[
        ("chart", "context"),
        ("context", "matrix"),
        ("matrix", "chart"),
        ("collect", "context"),
    ]));
    assert_eq!(
        c,
        Some(vec![
            "chart".into(),
            "context".into(),
            "matrix".into(),
            "chart".into()
        ])
    );
    assert_eq!(
        find_circle(&edges(&[("a", "b"), ("b", "c"), ("a", "c")])),
        None
    );
}

#[test]
fn report_views_and_shared_formatting_stay_below_the_memo() {
    let g = report_graph();
    let shared = ["report::format", "report::escape", "report::table"];
    let mut bad = Vec::new();
    for (m, targets) in &g {
        for t in targets {
            let ok = if shared.contains(&m.as_str()) {
                // Leaves: at most each other.
                shared.contains(&t.as_str())
            } else if m.starts_with("report::views::") {
                shared.contains(&t.as_str())
            } else if m.starts_with("report::diff") {
                !t.starts_with("report::memo")
            } else {
                true
            };
            if !ok {
                bad.push(format!("{m} imports {t}"));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn the_reader_finds_imports() {
    assert_eq!(
        expand("report::{format::percent, views::calibration};"),
        vec![
            vec!["report", "format", "percent"],
            vec!["report", "views", "calibration"]
        ]
    );
    assert_eq!(
        paths_after("use crate::engine::diff::IdMap; x::crate::no", "crate::"),
        vec![vec!["engine", "diff", "IdMap"]]
    );
    assert_eq!(code("a // crate::b\n\"crate::c\" d"), "a \n d\n");
    // The memo may use a view; a view the memo is refused.
    let g = report_graph();
    assert!(g["report::memo::matrix"].contains("report::views::calibration"));
    assert!(g["report::memo::context"].contains("report::memo::sections"));
}
