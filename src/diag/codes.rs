//! The registry of every code kzclaims reports: errors (`E…`), analytic
//! warnings (`K…`) and import warnings (`W…`), each with its severity, where
//! it can be silenced, a one-line summary and the section of docs/checks.md
//! that documents it.
//!
//! A diagnostic is made from a [`Code`], not a string, so a code that is not
//! registered here cannot be emitted; the tests below hold the registry and
//! docs/checks.md to each other.

use super::Severity;
use std::fmt;

/// Where a warning points, and so where it is silenced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// `silence = { … }` in a `[[claim]]`.
    Claim,
    /// `silence = { … }` in a `[[scenario]]`.
    Scenario,
    /// `silence = { … }` in a `[[scenario.indicator]]`.
    Indicator,
    /// `silence = { … }` at the top of `kzclaims.toml`.
    Workspace,
}

impl Level {
    /// The table a silence for this level goes in.
    pub fn table(self) -> &'static str {
        match self {
            Level::Claim => "[[claim]]",
            Level::Scenario => "[[scenario]]",
            Level::Indicator => "[[scenario.indicator]]",
            Level::Workspace => "kzclaims.toml (top level)",
        }
    }
}

/// One registered code.
#[derive(Debug, Clone, Copy)]
pub struct Info {
    /// The code itself (`E012`, `K102`, …).
    pub code: Code,
    /// Whether the code is an error or a warning.
    pub severity: Severity,
    /// Where a warning of this code is silenced (`None`: it cannot be).
    pub silenced_in: Option<Level>,
    /// One line: what the code is about.
    pub summary: &'static str,
    /// The heading of docs/checks.md whose table documents the code.
    pub anchor: &'static str,
}

/// Heading anchors of docs/checks.md.
const ERRORS: &str = "errors";
const WARNINGS: &str = "warnings";
const IMPORT: &str = "import-errors-and-warnings";

macro_rules! registry {
    ($($code:ident: $severity:ident, $silenced_in:expr, $anchor:expr, $summary:literal;)*) => {
        /// A registered code, in the order of its text (`E000` < `K101` < `W031`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(#[doc = $summary] $code,)*
        }

        /// Every code, in the order of [`Code`].
        pub const CODES: &[Info] = &[$(Info {
            code: Code::$code,
            severity: Severity::$severity,
            silenced_in: $silenced_in,
            summary: $summary,
            anchor: $anchor,
        },)*];

        impl Code {
            /// The code as written: `E010`, `K101`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$code => stringify!($code),)*
                }
            }
        }
    };
}

registry! {
    E000: Error, None, ERRORS, "the workspace cannot be read at all (shown by `serve`)";
    E001: Error, None, ERRORS, "TOML syntax error, or a file that is not UTF-8";
    E002: Error, None, ERRORS, "unknown key";
    E003: Error, None, ERRORS, "wrong type";
    E004: Error, None, ERRORS, "missing required key";
    E005: Error, None, ERRORS, "duplicate id";
    E006: Error, None, ERRORS, "reference to an unknown scenario";
    E007: Error, None, ERRORS, "reference to an unknown source";
    E008: Error, None, ERRORS, "a scenario left without a rating";
    E009: Error, None, ERRORS, "invalid date";
    E010: Error, None, ERRORS, "invalid value";
    E011: Error, None, ERRORS, "a revision dated before its claim";
    E012: Error, None, ERRORS, "a prior outside [0, 1], or priors summing past 1";
    E013: Error, None, ERRORS, "an id that is not a slug";
    E014: Error, None, ERRORS, "empty structure";
    E015: Error, None, ERRORS, "no kzclaims.toml";
    E016: Error, None, ERRORS, "an indicator observation cites an unknown claim";
    E017: Error, None, ERRORS, "invalid silence";
    E018: Error, None, ERRORS, "a url that is not a full http, https or mailto address";
    E020: Error, None, ERRORS, "template error";
    E021: Error, None, ERRORS, "a path the loader will not read";
    E022: Error, None, ERRORS, "an unresolved git merge conflict";
    E030: Error, None, IMPORT, "a PARC ACH file that cannot be imported";
    E031: Error, None, IMPORT, "a file that cannot be read as a CSV matrix";
    E032: Error, None, IMPORT, "a CSV cell that is not valid";
    E033: Error, None, IMPORT, "an import that would clash with the workspace";
    E034: Error, None, IMPORT, "a CSV row without a date, and no `--date`";
    E035: Error, None, IMPORT, "imported scenarios that do not match the workspace's";
    K101: Warning, Some(Level::Claim), WARNINGS, "claim is not diagnostic";
    K102: Warning, Some(Level::Claim), WARNINGS, "claim has no citation url";
    K103: Warning, Some(Level::Scenario), WARNINGS, "leading scenario contradicted by no claim";
    K104: Warning, Some(Level::Claim), WARNINGS, "single-source claim carries high weight";
    K105: Warning, Some(Level::Claim), WARNINGS, "circular reporting: sources share an origin";
    K106: Warning, Some(Level::Claim), WARNINGS, "interested party rated in its own scenario's favour";
    K107: Warning, Some(Level::Scenario), WARNINGS, "scenario has no indicator";
    K108: Warning, Some(Level::Workspace), WARNINGS, "likelihood word in the memo disagrees with its number";
    K109: Warning, Some(Level::Indicator), WARNINGS, "indicator is not diagnostic";
    K110: Warning, Some(Level::Claim), WARNINGS, "claim also documents an indicator observation: counted twice";
    K111: Warning, Some(Level::Claim), WARNINGS, "one group of claims carries most of the leader's margin";
    K112: Warning, Some(Level::Claim), WARNINGS, "revision changes the statement but keeps an earlier citation url";
    K113: Warning, Some(Level::Claim), WARNINGS, "claim or revision counts from a source published after its date";
    W031: Warning, None, IMPORT, "a CSV column that is not recognised and was ignored";
}

/// Error: a git merge conflict left in a workspace file (`<<<<<<<`,
/// `=======`, `>>>>>>>` at line starts), reported at its first line instead
/// of a TOML syntax error (docs/checks.md, docs/collaboration.md).
pub const CONFLICT_MARKERS: Code = Code::E022;

impl Code {
    /// What the registry says about this code.
    pub fn info(self) -> &'static Info {
        &CODES[self as usize]
    }

    /// The code written `text`, if it is registered.
    pub fn parse(text: &str) -> Option<Code> {
        CODES.iter().map(|i| i.code).find(|c| c.as_str() == text)
    }

    /// Where docs/checks.md documents the code: `docs/checks.md#warnings`.
    pub fn docs(self) -> String {
        format!("docs/checks.md#{}", self.info().anchor)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The warnings a `silence` table can name, in code order.
pub fn silenceable() -> impl Iterator<Item = &'static Info> {
    CODES.iter().filter(|c| c.silenced_in.is_some())
}

/// A warning that can be silenced, by its code as written.
pub fn find(code: &str) -> Option<&'static Info> {
    silenceable().find(|c| c.code.as_str() == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    #[test]
    fn codes_are_unique_and_in_order() {
        let texts: Vec<&str> = CODES.iter().map(|c| c.code.as_str()).collect();
        let mut sorted = texts.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(texts, sorted);
        for (i, c) in CODES.iter().enumerate() {
            assert_eq!(c.code as usize, i);
            assert_eq!(c.code.info().code, c.code);
            assert_eq!(Code::parse(c.code.as_str()), Some(c.code));
        }
        // Sorting diagnostics by code sorts them by its text.
        let mut by_enum: Vec<Code> = CODES.iter().rev().map(|c| c.code).collect();
        by_enum.sort();
        assert_eq!(
            by_enum.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            sorted
        );
        assert_eq!(find("K103").unwrap().silenced_in, Some(Level::Scenario));
        assert!(find("K999").is_none());
        assert!(find("E001").is_none(), "errors cannot be silenced");
        assert_eq!(Code::parse("E019"), None);
    }

    #[test]
    fn letters_say_severity_and_silence() {
        for c in CODES {
            let s = c.code.as_str();
            match &s[..1] {
                "E" => assert_eq!(c.severity, Severity::Error, "{s}"),
                "K" | "W" => assert_eq!(c.severity, Severity::Warning, "{s}"),
                _ => panic!("{s}: unknown letter"),
            }
            // Analytic warnings, and only they, are silenced in the workspace.
            assert_eq!(s.starts_with('K'), c.silenced_in.is_some(), "{s}");
            assert!(!c.summary.is_empty() && !c.summary.contains('\n'), "{s}");
        }
    }

    /// docs/checks.md: each `## ` heading's anchor, and the codes of the
    /// table rows under it (`| E001 | …`).
    fn documented() -> (BTreeSet<String>, BTreeMap<String, String>, Vec<String>) {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/checks.md"),
        )
        .unwrap();
        let mut anchors = BTreeSet::new();
        let mut rows = BTreeMap::new();
        let mut silence_rows = Vec::new();
        let mut heading = String::new();
        for line in text.lines() {
            if let Some(h) = line.strip_prefix("## ") {
                heading = h
                    .to_lowercase()
                    .chars()
                    .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-')
                    .collect::<String>()
                    .replace(' ', "-");
                anchors.insert(heading.clone());
                continue;
            }
            let Some(first) = line.strip_prefix("| ").and_then(|l| l.split(" |").next()) else {
                continue;
            };
            if heading == "silencing-a-warning" {
                silence_rows.push(line.to_string());
                continue;
            }
            let is_code = first.len() == 4
                && first.starts_with(['E', 'K', 'W'])
                && first[1..].chars().all(|c| c.is_ascii_digit());
            if is_code {
                let before = rows.insert(first.to_string(), heading.clone());
                assert!(before.is_none(), "{first} documented twice");
            } else if first.starts_with(['E', 'K', 'W'])
                && first.chars().nth(1).is_some_and(|c| c.is_ascii_digit())
            {
                panic!("docs/checks.md: write one code per row, not `{first}`");
            }
        }
        (anchors, rows, silence_rows)
    }

    #[test]
    fn every_code_is_documented_and_every_documented_code_registered() {
        let (anchors, rows, _) = documented();
        for c in CODES {
            assert!(anchors.contains(c.anchor), "no heading #{}", c.anchor);
            let s = c.code.as_str();
            match rows.get(s) {
                Some(h) => assert_eq!(h, c.anchor, "{s} is documented under the wrong heading"),
                None => panic!("{s} is registered but not documented in docs/checks.md"),
            }
        }
        for code in rows.keys() {
            assert!(
                Code::parse(code).is_some(),
                "{code} is documented in docs/checks.md but not registered"
            );
        }
    }

    #[test]
    fn the_silence_table_agrees_with_the_registry() {
        let (_, _, silence_rows) = documented();
        let mut said: BTreeMap<String, &str> = BTreeMap::new();
        for row in &silence_rows {
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            let (codes, place) = (cells[1], cells[2]);
            let level = [
                ("[[claim]]", "claim"),
                ("[[scenario]]", "scenario"),
                ("[[scenario.indicator]]", "indicator"),
                ("kzclaims.toml", "workspace"),
            ]
            .iter()
            .find(|(t, _)| place.contains(&format!("`{t}`")) || place.contains(t))
            .map(|(_, l)| *l);
            let Some(level) = level else { continue };
            for code in codes.split(", ") {
                said.insert(code.to_string(), level);
            }
        }
        let want: BTreeMap<String, &str> = silenceable()
            .map(|c| {
                let l = match c.silenced_in.unwrap() {
                    Level::Claim => "claim",
                    Level::Scenario => "scenario",
                    Level::Indicator => "indicator",
                    Level::Workspace => "workspace",
                };
                (c.code.as_str().to_string(), l)
            })
            .collect();
        assert_eq!(said, want);
    }

    /// Every code written in the program's source (`"E010"`, or in a help
    /// text) is registered: a code in a message that is not in the registry
    /// would send a reader to documentation that does not exist.
    #[test]
    fn every_code_named_in_the_source_is_registered() {
        let mut stack = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
        let mut seen = 0;
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                if p.extension().is_none_or(|x| x != "rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&p).unwrap();
                let b = text.as_bytes();
                for i in 0..b.len().saturating_sub(4) {
                    let word = &b[i..i + 4];
                    let edge = |j: Option<&u8>| j.is_none_or(|c| !c.is_ascii_alphanumeric());
                    if matches!(word[0], b'E' | b'K' | b'W')
                        && word[1..].iter().all(u8::is_ascii_digit)
                        && edge(i.checked_sub(1).map(|k| &b[k]))
                        && edge(b.get(i + 4))
                    {
                        let code = std::str::from_utf8(word).unwrap();
                        // The test's own examples of codes that do not exist.
                        if p.ends_with("diag/codes.rs") && ["E019", "K999"].contains(&code) {
                            continue;
                        }
                        assert!(
                            Code::parse(code).is_some(),
                            "{}: `{code}` is not registered in src/diag/codes.rs",
                            p.display()
                        );
                        seen += 1;
                    }
                }
            }
        }
        assert!(seen > 100, "found only {seen} codes in src/");
    }
}
