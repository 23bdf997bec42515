//! Import and export: brings matrices kept elsewhere (PARC ACH `.achz`
//! projects, CSV spreadsheets) into a workspace as TOML, and writes a
//! workspace's matrix as of a date back out (CSV, JSON, `.achz`).
//!
//! Readers ([`achz::read`], [`csv::read`]) turn a file into a [`Matrix`]
//! (plain data, nothing written) or every problem found as
//! [`crate::diag::Diagnostic`]s naming the file (and, for CSV, row, column and
//! the cell's bytes); [`write::plan`] turns a matrix into workspace files,
//! checked by the loader before anything touches the disk. Writers
//! ([`csv::write`], [`achz::write`], [`json::export`]) give a workspace's
//! matrix as of a date. Formats and the grade mapping: docs/interop.md.

pub(crate) mod achz;
pub(crate) mod csv;
pub(crate) mod json;
pub(crate) mod write;

use crate::model::{Credibility, EngineKind, Rating, Relevance, Reliability, SourceKind};
use chrono::NaiveDate;
use std::collections::HashSet;
use std::ops::Range;

/// Where an imported item came from: a label for messages (`row 4`,
/// `EVIDENCE 3`) and, for text formats, the bytes to quote.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Origin {
    pub label: String,
    pub span: Option<Range<usize>>,
}

/// A scenario to create (or to match against an existing workspace's).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NewScenario {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub origin: Origin,
}

/// A source cited by imported claims.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NewSource {
    pub id: String,
    pub name: String,
    pub url: Option<String>,
    pub kind: SourceKind,
    pub reliability: Reliability,
    /// Why it has this grade, written as a comment beside it.
    pub note: String,
}

/// A claim to create.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NewClaim {
    pub id: String,
    pub date: NaiveDate,
    pub statement: String,
    /// Source ids (into [`Matrix::sources`]).
    pub sources: Vec<String>,
    pub url: Option<String>,
    pub credibility: Credibility,
    /// What the grade was in the imported file (`PARC credibility HIGH`),
    /// written as a comment beside it.
    pub credibility_note: Option<String>,
    pub relevance: Relevance,
    /// One rating per scenario, in [`Matrix::scenarios`] order.
    pub ratings: Vec<Rating>,
    /// The claim-wide rationale.
    pub rationale: Option<String>,
    /// (index into [`Matrix::scenarios`], text): the rationale of one rating.
    pub scenario_rationale: Vec<(usize, String)>,
    pub tags: Vec<String>,
    /// `group`: claims reporting one event or coming through one channel.
    pub group: Option<String>,
    pub origin: Origin,
}

/// An imported matrix: what a reader found in a file, not yet written.
#[derive(Debug, Clone, Default)]
pub(crate) struct Matrix {
    /// `PARC ACH` or `CSV`, for messages.
    pub format: &'static str,
    /// The file as the user named it.
    pub file: String,
    /// The decoded text, kept so diagnostics can quote it (CSV only: an
    /// `.achz` is compressed and has no lines to show).
    pub text: Option<String>,
    pub title: Option<String>,
    pub marking: Option<String>,
    /// The engine a new workspace is set to.
    pub engine: EngineKind,
    pub scenarios: Vec<NewScenario>,
    pub sources: Vec<NewSource>,
    pub claims: Vec<NewClaim>,
    /// Things the user should know that are not errors (ignored columns, …).
    pub warnings: Vec<String>,
}

impl Matrix {
    /// Add a source unless one with its id is there already; returns the id.
    pub(crate) fn add_source(&mut self, s: NewSource) -> String {
        let id = s.id.clone();
        if !self.sources.iter().any(|x| x.id == id) {
            self.sources.push(s);
        }
        id
    }
}

/// What a file holds, told from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// gzip-compressed XML (a PARC ACH 2.0 project).
    Achz,
    /// XML that is not compressed (a PARC project saved or unpacked as plain XML).
    Xml,
    /// JSON (what `export --format json` writes): not an import format.
    Json,
    /// Anything else: a CSV matrix.
    Csv,
}

/// Tell the format from the contents: the gzip magic number means `.achz`, a
/// document starting with `<` (after any byte-order mark) XML, a whole JSON
/// object or array JSON, anything else CSV.
pub(crate) fn sniff(bytes: &[u8]) -> Format {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Format::Achz;
    }
    match achz::decode_text(bytes) {
        Ok(text) if text.trim_start().starts_with('<') => Format::Xml,
        Ok(text)
            if text.trim_start().starts_with(['{', '['])
                && serde_json::from_str::<serde::de::IgnoredAny>(&text).is_ok() =>
        {
            Format::Json
        }
        _ => Format::Csv,
    }
}

/// The id of the source that stands for an import (`import-<stem>`) and the
/// imported file's name, as the claims it brings in cite them.
pub(crate) fn import_note(stem: &str, file: &str) -> (String, String) {
    let id = format!("import-{}", slugify(stem, 40))
        .trim_end_matches('-')
        .to_string();
    let name = std::path::Path::new(file)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.to_string());
    (id, name)
}

/// A slug made of `s`: transliterated to ASCII, lower case, runs of anything
/// else turned into one `-`, cut at a word boundary to at most `max` bytes.
/// May be empty (nothing letter-like in `s`).
pub(crate) fn slugify(s: &str, max: usize) -> String {
    let ascii = deunicode::deunicode(s).to_ascii_lowercase();
    let mut out = String::new();
    let mut gap = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if gap && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            out.push(c);
        } else {
            gap = true;
        }
    }
    if out.len() > max {
        let cut = if out.as_bytes()[max] == b'-' {
            max
        } else {
            out[..max].rfind('-').unwrap_or(max)
        };
        out.truncate(cut);
    }
    out
}

/// Hands out ids that are unique among those already taken: the base, else
/// the base with `-2`, `-3`, … appended.
#[derive(Debug, Default)]
pub(crate) struct Ids {
    taken: HashSet<String>,
}

impl Ids {
    /// Mark an id as used.
    pub(crate) fn take(&mut self, id: &str) -> bool {
        self.taken.insert(id.to_string())
    }
    /// A fresh id from `base` (or `fallback` when `base` is empty).
    pub(crate) fn unique(&mut self, base: &str, fallback: &str) -> String {
        let base = if base.is_empty() { fallback } else { base };
        if self.take(base) {
            return base.to_string();
        }
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|c| self.take(c))
            .expect("some suffix is free")
    }
}

/// PARC ACH's three-level grade (credibility and relevance alike).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level3 {
    High,
    Medium,
    Low,
}

impl Level3 {
    pub(crate) fn parse(s: &str) -> Option<Level3> {
        match s.trim().to_ascii_uppercase().as_str() {
            "HIGH" | "H" => Some(Level3::High),
            "MEDIUM" | "MED" | "M" => Some(Level3::Medium),
            "LOW" | "L" => Some(Level3::Low),
            _ => None,
        }
    }
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Level3::High => "HIGH",
            Level3::Medium => "MEDIUM",
            Level3::Low => "LOW",
        }
    }
    /// The Admiralty credibility that carries the same ACH weight:
    /// HIGH → 2 (√2), MEDIUM → 3 (1), LOW → 4 (1/√2). Grade 1 would weigh
    /// the same as 2 but says "confirmed by other sources", more than PARC's
    /// HIGH claims; 6 weighs like 3 but says "cannot be judged".
    pub(crate) fn credibility(self) -> Credibility {
        match self {
            Level3::High => Credibility(2),
            Level3::Medium => Credibility(3),
            Level3::Low => Credibility(4),
        }
    }
    /// The PARC level of an Admiralty credibility, by its ACH weight:
    /// 1–2 HIGH, 3 and 6 MEDIUM, 4–5 LOW.
    pub(crate) fn of_credibility(c: Credibility) -> Level3 {
        match c.0 {
            1 | 2 => Level3::High,
            4 | 5 => Level3::Low,
            _ => Level3::Medium,
        }
    }
    pub(crate) fn relevance(self) -> Relevance {
        match self {
            Level3::High => Relevance::High,
            Level3::Medium => Relevance::Medium,
            Level3::Low => Relevance::Low,
        }
    }
    pub(crate) fn of_relevance(r: Relevance) -> Level3 {
        match r {
            Relevance::High => Level3::High,
            Relevance::Medium => Level3::Medium,
            Relevance::Low => Level3::Low,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_transliterate_and_cut_at_words() {
        assert_eq!(slugify("Elite coup (KNB)", 40), "elite-coup-knb");
        assert_eq!(slugify("Стихийный протест", 40), "stikhiinyi-protest");
        assert_eq!(slugify("Ölpreis-Schock!", 40), "olpreis-schock");
        assert_eq!(slugify("  ", 40), "");
        assert_eq!(slugify("one two three four", 12), "one-two");
        assert_eq!(slugify("one two three", 7), "one-two");
        assert_eq!(slugify("abcdefghij", 4), "abcd");
    }

    #[test]
    fn ids_are_unique() {
        let mut ids = Ids::default();
        assert_eq!(ids.unique("h", "x"), "h");
        assert_eq!(ids.unique("h", "x"), "h-2");
        assert_eq!(ids.unique("", "x"), "x");
        assert_eq!(ids.unique("", "x"), "x-2");
    }

    #[test]
    fn grades_map_by_ach_weight() {
        // The mapping must reproduce PARC's weights exactly.
        let w = |l: Level3| l.credibility().ach_weight();
        assert_eq!(w(Level3::High), std::f64::consts::SQRT_2);
        assert_eq!(w(Level3::Medium), 1.0);
        assert_eq!(w(Level3::Low), std::f64::consts::FRAC_1_SQRT_2);
        assert_eq!(Level3::High.relevance().weight(), std::f64::consts::SQRT_2);
        assert_eq!(
            Level3::Low.relevance().weight(),
            std::f64::consts::FRAC_1_SQRT_2
        );
        for n in 1..=6 {
            let c = Credibility(n);
            assert_eq!(
                Level3::of_credibility(c).credibility().ach_weight(),
                c.ach_weight()
            );
        }
    }

    #[test]
    fn sniffs_contents_not_names() {
        assert_eq!(sniff(&[0x1f, 0x8b, 8, 0]), Format::Achz);
        assert_eq!(sniff(b"<?xml version='1.0'?><P/>"), Format::Xml);
        assert_eq!(sniff(b"\xef\xbb\xbf<P/>"), Format::Xml);
        assert_eq!(sniff(b"\xff\xfe<\0P\0/\0>\0"), Format::Xml);
        assert_eq!(sniff(b"id,date,statement\n"), Format::Csv);
    }
}
