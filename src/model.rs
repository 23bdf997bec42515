//! The workspace as plain data: scenarios, sources, claims and their revisions,
//! exactly as the files say, with the byte spans needed to point back at them.
//!
//! Nothing here computes a score; `engine` does that. Nothing here reads files;
//! `load` does that.

use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

/// A place in a workspace file: which file and which bytes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Loc {
    /// Index into [`Workspace::files`].
    pub file: usize,
    /// Byte range of the item within that file's text.
    pub span: Range<usize>,
}

/// One source file as read, kept so diagnostics can quote it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the workspace root, with `/` separators.
    pub rel: String,
    /// The file's full text, as read.
    pub text: String,
}

/// ACH rating of one claim against one scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Rating {
    /// Strongly consistent: the claim is strong evidence for the scenario.
    CC,
    /// Consistent with the scenario.
    C,
    /// Neutral: the claim neither supports nor undermines the scenario.
    N,
    /// Inconsistent with the scenario.
    I,
    /// Strongly inconsistent: the claim is strong evidence against the scenario.
    II,
    /// Not applicable: the claim says nothing about the scenario.
    NA,
}

impl Rating {
    /// Every rating, strongest support first.
    pub const ALL: [Rating; 6] = [
        Rating::CC,
        Rating::C,
        Rating::N,
        Rating::I,
        Rating::II,
        Rating::NA,
    ];

    /// The rating as written in TOML (`"CC"`, `"NA"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::CC => "CC",
            Rating::C => "C",
            Rating::N => "N",
            Rating::I => "I",
            Rating::II => "II",
            Rating::NA => "NA",
        }
    }

    /// What the rating says, in words (the matrix's tooltips, the editor's
    /// hovers and completions).
    pub fn meaning(self) -> &'static str {
        match self {
            Rating::CC => "very consistent",
            Rating::C => "consistent",
            Rating::N => "neutral",
            Rating::I => "inconsistent",
            Rating::II => "very inconsistent",
            Rating::NA => "not applicable",
        }
    }

    /// Parse a rating as users write it: `CC`, `c`, `I I`, `N/A`, …
    pub fn parse(s: &str) -> Option<Rating> {
        // As written most of the time: no copy needed.
        Self::exact(s).or_else(|| {
            let norm: String = s
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '/')
                .collect::<String>()
                .to_ascii_uppercase();
            Self::exact(&norm)
        })
    }

    /// The rating spelt exactly `s` (upper case, no spaces).
    fn exact(s: &str) -> Option<Rating> {
        Some(match s {
            "CC" => Rating::CC,
            "C" => Rating::C,
            "N" => Rating::N,
            "I" => Rating::I,
            "II" => Rating::II,
            "NA" => Rating::NA,
            _ => return None,
        })
    }

    /// PARC ACH inconsistency value: I = 1, II = 2, all others 0.
    pub fn inconsistency(self) -> u32 {
        match self {
            Rating::I => 1,
            Rating::II => 2,
            _ => 0,
        }
    }

    /// Open Synthesis vote value: CC 5, C 4, N 3, I 2, II 1, NA 0.
    pub fn vote(self) -> u8 {
        match self {
            Rating::CC => 5,
            Rating::C => 4,
            Rating::N => 3,
            Rating::I => 2,
            Rating::II => 1,
            Rating::NA => 0,
        }
    }

    /// The rating of an Open Synthesis vote value (0–5).
    pub fn from_vote(v: u8) -> Option<Rating> {
        Some(match v {
            5 => Rating::CC,
            4 => Rating::C,
            3 => Rating::N,
            2 => Rating::I,
            1 => Rating::II,
            0 => Rating::NA,
            _ => return None,
        })
    }

    /// The rating that says the opposite (CC↔II, C↔I); N and NA stay.
    pub fn mirrored(self) -> Rating {
        match self {
            Rating::CC => Rating::II,
            Rating::C => Rating::I,
            Rating::I => Rating::C,
            Rating::II => Rating::CC,
            other => other,
        }
    }
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Ratings by scenario: one slot per scenario, in [`Workspace::scenarios`]
/// order, empty where the scenario is not rated. A claim rates every
/// scenario; a revision or an analyst may leave some out.
///
/// One byte a scenario (a map keyed by id took about 1 KB a claim for 12
/// scenarios, and a string comparison per lookup).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ratings(Box<[Option<Rating>]>);

impl Ratings {
    /// No scenario rated yet, with room for `n`.
    pub fn new(n: usize) -> Self {
        Ratings(vec![None; n].into_boxed_slice())
    }
    /// The rating of scenario `j`, if given.
    pub fn get(&self, j: usize) -> Option<Rating> {
        self.0.get(j).copied().flatten()
    }
    /// Rate scenario `j` (grows the slots if needed).
    pub fn set(&mut self, j: usize, r: Rating) {
        if j >= self.0.len() {
            let mut v = std::mem::take(&mut self.0).into_vec();
            v.resize(j + 1, None);
            self.0 = v.into_boxed_slice();
        }
        self.0[j] = Some(r);
    }
    /// (scenario index, rating) of every rated scenario, in scenario order.
    pub fn iter(&self) -> impl Iterator<Item = (usize, Rating)> + '_ {
        self.0
            .iter()
            .enumerate()
            .filter_map(|(j, r)| r.map(|r| (j, r)))
    }
    /// Whether no scenario is rated.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(Option::is_none)
    }
}

/// Relevance of a claim to the question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Relevance {
    /// Low relevance (ACH weight 1/√2).
    Low,
    /// Medium relevance, the default (ACH weight 1).
    #[default]
    Medium,
    /// High relevance (ACH weight √2).
    High,
}

impl Relevance {
    /// Every relevance, as written (the loader reads any case).
    pub const NAMES: [&'static str; 3] = ["low", "medium", "high"];
    /// Reads `low`, `medium` or `high` in any case; `None` for anything else.
    pub fn parse(s: &str) -> Option<Relevance> {
        match s.to_ascii_lowercase().as_str() {
            "low" => Some(Relevance::Low),
            "medium" => Some(Relevance::Medium),
            "high" => Some(Relevance::High),
            _ => None,
        }
    }
    /// The relevance as `fmt` writes it (lower case).
    pub fn as_str(self) -> &'static str {
        match self {
            Relevance::Low => "low",
            Relevance::Medium => "medium",
            Relevance::High => "high",
        }
    }
    /// PARC ACH weight: low 1/√2, medium 1, high √2.
    pub fn weight(self) -> f64 {
        match self {
            Relevance::Low => std::f64::consts::FRAC_1_SQRT_2,
            Relevance::Medium => 1.0,
            Relevance::High => std::f64::consts::SQRT_2,
        }
    }
}

/// Admiralty source reliability, A (completely reliable) to F (cannot be judged).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Reliability {
    /// Completely reliable.
    A,
    /// Usually reliable.
    B,
    /// Fairly reliable.
    C,
    /// Not usually reliable.
    D,
    /// Unreliable.
    E,
    /// Reliability cannot be judged.
    F,
}

impl Reliability {
    /// Reads a letter `A`–`F` (any case, surrounding spaces ignored).
    pub fn parse(s: &str) -> Option<Reliability> {
        match s.trim().to_ascii_uppercase().as_str() {
            "A" => Some(Reliability::A),
            "B" => Some(Reliability::B),
            "C" => Some(Reliability::C),
            "D" => Some(Reliability::D),
            "E" => Some(Reliability::E),
            "F" => Some(Reliability::F),
            _ => None,
        }
    }
    /// The grade as a capital letter.
    pub fn as_str(self) -> &'static str {
        match self {
            Reliability::A => "A",
            Reliability::B => "B",
            Reliability::C => "C",
            Reliability::D => "D",
            Reliability::E => "E",
            Reliability::F => "F",
        }
    }
    /// Trust factor used by the Bayesian engine.
    pub fn factor(self) -> f64 {
        match self {
            Reliability::A => 1.0,
            Reliability::B => 0.8,
            Reliability::C => 0.6,
            Reliability::D => 0.4,
            Reliability::E => 0.1,
            Reliability::F => 0.5,
        }
    }
    /// The grade's Admiralty wording ("usually reliable").
    pub fn label(self) -> &'static str {
        match self {
            Reliability::A => "completely reliable",
            Reliability::B => "usually reliable",
            Reliability::C => "fairly reliable",
            Reliability::D => "not usually reliable",
            Reliability::E => "unreliable",
            Reliability::F => "reliability cannot be judged",
        }
    }
}

/// Admiralty information credibility, 1 (confirmed) to 6 (cannot be judged).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Credibility(pub u8);

impl Credibility {
    /// The grade `n` if it is 1–6, else `None`.
    pub fn new(n: i64) -> Option<Credibility> {
        (1..=6).contains(&n).then_some(Credibility(n as u8))
    }
    /// One grade worse on the Admiralty scale: 1→2→3→4→5. Grade 5 has nothing
    /// worse and 6 (cannot be judged) is off the scale: both stay.
    pub fn one_grade_worse(self) -> Credibility {
        match self.0 {
            n @ 1..=4 => Credibility(n + 1),
            n => Credibility(n),
        }
    }
    /// Trust factor used by the Bayesian engine.
    pub fn factor(self) -> f64 {
        match self.0 {
            1 => 1.0,
            2 => 0.8,
            3 => 0.6,
            4 => 0.4,
            5 => 0.1,
            _ => 0.5,
        }
    }
    /// PARC ACH credibility weight: 1–2 → √2, 3 and 6 → 1, 4–5 → 1/√2.
    pub fn ach_weight(self) -> f64 {
        match self.0 {
            1 | 2 => std::f64::consts::SQRT_2,
            4 | 5 => std::f64::consts::FRAC_1_SQRT_2,
            _ => 1.0,
        }
    }
    /// The grade's Admiralty wording ("probably true").
    pub fn label(self) -> &'static str {
        match self.0 {
            1 => "confirmed by other sources",
            2 => "probably true",
            3 => "possibly true",
            4 => "doubtful",
            5 => "improbable",
            _ => "truth cannot be judged",
        }
    }
}

/// Scoring engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineKind {
    /// Bayesian engine: posterior probabilities from likelihood ratios (the default).
    #[default]
    Bayes,
    /// PARC ACH engine: weighted inconsistency scores.
    Ach,
}

impl EngineKind {
    /// Reads `bayes` or `ach` as written in `[scoring] engine`.
    pub fn parse(s: &str) -> Option<EngineKind> {
        match s {
            "bayes" => Some(EngineKind::Bayes),
            "ach" => Some(EngineKind::Ach),
            _ => None,
        }
    }
    /// The engine's name as written in `[scoring] engine`.
    pub fn as_str(self) -> &'static str {
        match self {
            EngineKind::Bayes => "bayes",
            EngineKind::Ach => "ach",
        }
    }
}

/// Likelihoods P(E|H) for each rating (NA excluded: it is derived per row).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Likelihoods {
    /// P(E|H) for a CC rating (`[scoring.likelihood] CC`, default 0.95).
    pub cc: f64,
    /// P(E|H) for a C rating (default 0.80).
    pub c: f64,
    /// P(E|H) for an N rating (default 0.50).
    pub n: f64,
    /// P(E|H) for an I rating (default 0.20).
    pub i: f64,
    /// P(E|H) for an II rating (default 0.05).
    pub ii: f64,
}

impl Default for Likelihoods {
    fn default() -> Self {
        Likelihoods {
            cc: 0.95,
            c: 0.80,
            n: 0.50,
            i: 0.20,
            ii: 0.05,
        }
    }
}

impl Likelihoods {
    /// The likelihood of a rating, or `None` for NA.
    pub fn of(&self, r: Rating) -> Option<f64> {
        match r {
            Rating::CC => Some(self.cc),
            Rating::C => Some(self.c),
            Rating::N => Some(self.n),
            Rating::I => Some(self.i),
            Rating::II => Some(self.ii),
            Rating::NA => None,
        }
    }
}

/// `[memo]` settings.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MemoConfig {
    /// `organization`: the issuing organization shown on the memo.
    pub organization: Option<String>,
    /// `author`: the memo's author.
    pub author: Option<String>,
    /// `marking`: the classification marking printed on the memo (default `UNCLASSIFIED`).
    pub marking: String,
    /// `template`: the name of the memo template to render with (default `memo`).
    pub template: String,
}

/// `[resolution]`: how the question turned out, for calibration.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    /// `date`: the day the question was resolved.
    pub date: NaiveDate,
    /// Id of the scenario that proved true.
    pub scenario: String,
    /// `note`: how it turned out, in the analyst's words.
    pub note: Option<String>,
}

/// Warnings silenced on one item: check code (`K102`) → the reason given.
pub type Silences = BTreeMap<String, String>;

/// Why a text is not a date ([`parse_date`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    /// Not written YYYY-MM-DD (four, two and two digits).
    Shape,
    /// The right shape, but no such day in the calendar (2024-02-30).
    NoSuchDay,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DateError::Shape => "expected YYYY-MM-DD (four, two and two digits)",
            DateError::NoSuchDay => "no such day in the calendar",
        })
    }
}

/// The one date parser, for every date kzclaims reads as text (command-line
/// options, TOML strings, `serve`'s `?as_of=`): exactly `YYYY-MM-DD`, a day
/// that exists. `2024-3-8` and `2024-03-08T00:00` are refused, as TOML
/// itself refuses them.
pub fn parse_date(s: &str) -> Result<NaiveDate, DateError> {
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return Err(DateError::Shape);
    }
    let n = |r: Range<usize>| s[r].parse::<u32>().unwrap_or(0);
    NaiveDate::from_ymd_opt(n(0..4) as i32, n(5..7), n(8..10)).ok_or(DateError::NoSuchDay)
}

/// Whether a URL may become a link: `http://`, `https://` or `mailto:`
/// (scheme in any case), with no whitespace or control characters anywhere.
/// Everything else (`javascript:`, `data:`, `vbscript:`, relative paths) is
/// refused at load time and shown as inert text by every renderer.
pub fn is_safe_url(url: &str) -> bool {
    if url.is_empty() || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let lower = url.to_ascii_lowercase();
    ["http://", "https://", "mailto:"]
        .iter()
        .any(|s| lower.starts_with(s) && lower.len() > s.len())
}

/// Default `[scoring] evidence_weight` (η): how much one group of claims
/// counts against a truly independent observation (docs/scoring.md).
pub const DEFAULT_EVIDENCE_WEIGHT: f64 = 0.5;
/// Default `[scoring] band`: the evidence weights at which every assessment is
/// also computed, low first.
pub const DEFAULT_BAND: [f64; 2] = [0.25, 1.0];

/// `kzclaims.toml`.
#[derive(Debug, Clone)]
pub struct Config {
    /// `title`: the title of the analysis, shown on the memo.
    pub title: String,
    /// `question`: the question the scenarios answer.
    pub question: String,
    /// `as_of`: default as-of date for reports; `None`: the latest date in the record.
    pub as_of: Option<NaiveDate>,
    /// `[scoring] engine`: which scoring engine reports use.
    pub engine: EngineKind,
    /// `[scoring.likelihood]`: P(E|H) for each rating.
    pub likelihood: Likelihoods,
    /// `[scoring] evidence_weight`: η in (0, 1], the power every group's mean
    /// log likelihood is raised to in the Bayesian engine.
    pub evidence_weight: f64,
    /// `[scoring] band`: two evidence weights in (0, 1], low first.
    pub band: [f64; 2],
    /// `[memo]`: organization, author, marking and template of the memo.
    pub memo: MemoConfig,
    /// `[resolution]`: how the question turned out, if it has been resolved.
    pub resolution: Option<Resolution>,
    /// `[[assumption]]`: what the judgment takes for granted.
    pub assumptions: Vec<Assumption>,
    /// `opened`: the day the question was asked; the timeline starts there.
    pub opened: Option<NaiveDate>,
    /// `unknowns`: what the record cannot tell, in sentences.
    pub unknowns: Vec<String>,
    /// `limits`: the analyst's own note on the sources and their limits.
    pub limits: Option<String>,
    /// Workspace-wide silences (only for workspace-level checks such as K108).
    pub silence: Silences,
}

/// What an indicator predicts: P(observed | scenario) for every scenario.
#[derive(Debug, Clone, PartialEq)]
pub enum IndicatorLikelihood {
    /// `if_true` for the scenario that owns the indicator, `if_false` for every other.
    Probabilities {
        /// `if_true`: P(observed) if the owning scenario is true.
        if_true: f64,
        /// `if_false`: P(observed) under every other scenario.
        if_false: f64,
    },
    /// Scenario id → rating, read through `[scoring.likelihood]` like a claim's.
    Ratings(BTreeMap<String, Rating>),
}

/// `[[scenario.indicator.observation]]`: whether the indicator was seen, from a date.
#[derive(Debug, Clone)]
pub struct Observation {
    /// `date`: when it was seen, or when it was judged not to have come.
    pub date: NaiveDate,
    /// `observed`: whether it was seen.
    pub observed: bool,
    /// Whether it updates the assessment (`update = false`: its claims already
    /// carry the fact; it only resolves the indicator).
    pub update: bool,
    /// Ids of the claims that document the observation.
    pub claims: Vec<String>,
    /// `note`: shown in the memo.
    pub note: Option<String>,
    /// Where the observation is written.
    pub loc: Loc,
}

/// `[[scenario.indicator]]`: something we would expect to observe if the scenario is true.
#[derive(Debug, Clone)]
pub struct Indicator {
    /// `id`: unique within its scenario.
    pub id: String,
    /// `text`: what would be observed.
    pub text: String,
    /// `due`: when we expect to know; an open indicator past it is overdue.
    pub due: Option<NaiveDate>,
    /// Where one would look for it (court records, a ministry's report).
    pub look: Option<String>,
    /// Written on this day (`since`): a memo or view as of an earlier day
    /// does not state it while it is open, nor rank it among what to collect
    /// (an indicator worded with later knowledge). Scores ignore it.
    pub since: Option<NaiveDate>,
    /// What observing it says about each scenario (`if_true`/`if_false` or `ratings`); `None`: it cannot be observed into a score.
    pub likelihood: Option<IndicatorLikelihood>,
    /// Sorted by date (stable: same-day observations keep file order).
    pub observations: Vec<Observation>,
    /// `silence`: warnings acknowledged for this indicator, code → reason.
    pub silence: Silences,
    /// Where the indicator is written.
    pub loc: Loc,
}

impl Indicator {
    /// Whether the indicator had been written by `date` (no `since`, or
    /// `since` on or before it).
    pub fn stated_on(&self, date: NaiveDate) -> bool {
        self.since.is_none_or(|d| d <= date)
    }

    /// Open on `date`: stated by then and not yet observed. Only open
    /// indicators are listed to watch and ranked by `collect`.
    pub fn open_on(&self, date: NaiveDate) -> bool {
        self.stated_on(date) && self.observation_as_of(date).is_none()
    }

    /// The observation in force on `date`: the latest one dated on or before it.
    pub fn observation_as_of(&self, date: NaiveDate) -> Option<(usize, &Observation)> {
        self.observations
            .iter()
            .enumerate()
            .rev()
            .find(|(_, o)| o.date <= date)
    }
}

/// One of a scenario's proponents: who asserts it, and from when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proponent {
    /// Who asserts the scenario.
    pub name: String,
    /// From this day on (`{ name = "…", since = DATE }`); `None`: always (a
    /// plain string).
    pub since: Option<NaiveDate>,
}

/// `[[scenario.revision]]`: a dated change to a scenario's wording.
#[derive(Debug, Clone)]
pub struct ScenarioRevision {
    /// `date`: from when the new wording holds.
    pub date: NaiveDate,
    /// `note`: what changed and why.
    pub note: String,
    /// The title from this date on.
    pub title: Option<String>,
    /// The summary from this date on.
    pub summary: Option<String>,
    /// Where the revision is written.
    pub loc: Loc,
}

/// `[[scenario]]`: one of the competing explanations.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// `id`: the slug claims' ratings refer to.
    pub id: String,
    /// The title as first written; [`Scenario::title_as_of`] applies the
    /// revisions.
    pub title: String,
    /// The summary as first written; see [`Scenario::summary_as_of`].
    pub summary: String,
    /// The prior as written, if any.
    pub prior: Option<f64>,
    /// `proponents`: who asserts the scenario, each from a date or from the start.
    pub proponents: Vec<Proponent>,
    /// Sorted by date (stable: same-day revisions keep file order).
    pub revisions: Vec<ScenarioRevision>,
    /// `[[scenario.indicator]]`: what we would expect to observe if it is true.
    pub indicators: Vec<Indicator>,
    /// `silence`: warnings acknowledged for this scenario, code → reason.
    pub silence: Silences,
    /// Where the scenario is written.
    pub loc: Loc,
}

impl Scenario {
    /// The title in force on `date`: the latest revision dated on or before
    /// it that sets one, else the title as first written.
    pub fn title_as_of(&self, date: NaiveDate) -> &str {
        self.revisions
            .iter()
            .take_while(|r| r.date <= date)
            .filter_map(|r| r.title.as_deref())
            .last()
            .unwrap_or(&self.title)
    }

    /// The summary in force on `date` (as [`Scenario::title_as_of`]).
    pub fn summary_as_of(&self, date: NaiveDate) -> &str {
        self.revisions
            .iter()
            .take_while(|r| r.date <= date)
            .filter_map(|r| r.summary.as_deref())
            .last()
            .unwrap_or(&self.summary)
    }

    /// The proponents in force on `date`: those without `since`, and those
    /// whose `since` is on or before it, in file order.
    pub fn proponents_as_of(&self, date: NaiveDate) -> Vec<String> {
        self.proponents
            .iter()
            .filter(|p| p.since.is_none_or(|s| s <= date))
            .map(|p| p.name.clone())
            .collect()
    }
}

/// `kind` of a source: what sort of outlet it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// A news outlet.
    Media,
    /// An official body (a government, a ministry, a court).
    Official,
    /// Someone who saw the events.
    Eyewitness,
    /// An analysis (a think tank, a scholar).
    Analysis,
    /// Social media.
    Social,
    /// A non-governmental organization.
    Ngo,
    /// Anything else.
    Other,
}

impl SourceKind {
    /// Every kind, as written in TOML.
    pub const NAMES: [&'static str; 7] = [
        "media",
        "official",
        "eyewitness",
        "analysis",
        "social",
        "ngo",
        "other",
    ];
    /// Reads a kind as written in TOML (any case); `None` for anything else.
    pub fn parse(s: &str) -> Option<SourceKind> {
        Some(match s {
            "media" => SourceKind::Media,
            "official" => SourceKind::Official,
            "eyewitness" => SourceKind::Eyewitness,
            "analysis" => SourceKind::Analysis,
            "social" => SourceKind::Social,
            "ngo" => SourceKind::Ngo,
            "other" => SourceKind::Other,
            _ => return None,
        })
    }
}

/// `[[source]]`: an outlet that claims cite.
#[derive(Debug, Clone)]
pub struct Source {
    /// `id`: the slug claims' `sources` refer to.
    pub id: String,
    /// `name`: the source's full name ("Akorda (presidential office)").
    pub name: String,
    /// `short`: a label for sentences that name the source.
    pub short: Option<String>,
    /// `url`: the source's home page.
    pub url: Option<String>,
    /// `kind`: what sort of outlet it is.
    pub kind: SourceKind,
    /// `reliability`: Admiralty source reliability, A–F.
    pub reliability: Reliability,
    /// Where the source's reports come from, when it relays another outlet.
    pub origin: Option<String>,
    /// Id of the scenario the source has a stake in.
    pub interest: Option<String>,
    /// `published`: the day the source's report appeared. `None`: it counts
    /// as published on the date of each record that cites it.
    pub published: Option<NaiveDate>,
    /// Where the source is written.
    pub loc: Loc,
}

impl Source {
    /// How a sentence names the source: `short` if set, else `name` up to its
    /// first " (", ", " or ": " (when that leaves at least three characters),
    /// else the whole `name`.
    pub fn label(&self) -> &str {
        if let Some(s) = &self.short {
            return s;
        }
        let cut = [" (", ", ", ": "]
            .iter()
            .filter_map(|p| self.name.find(p))
            .filter(|&i| self.name[..i].trim().chars().count() >= 3)
            .min();
        match cut {
            Some(i) => self.name[..i].trim(),
            None => &self.name,
        }
    }

    /// Whether the source had appeared by `date`. One without `published`
    /// counts as published on the date of each record that cites it, so as
    /// of any date on which such a record is in force it has.
    pub fn published_by(&self, date: NaiveDate) -> bool {
        self.published.is_none_or(|p| p <= date)
    }

    /// The origin used to detect circular reporting: `origin`, else the source's own id.
    pub fn effective_origin(&self) -> &str {
        self.origin.as_deref().unwrap_or(&self.id)
    }
}

/// Claim status after revisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// In force.
    Active,
    /// Withdrawn by a revision: it no longer counts from that date.
    Retracted,
}

/// A dated change to a claim.
#[derive(Debug, Clone)]
pub struct Revision {
    /// `date`: the day of the change.
    pub date: NaiveDate,
    /// `note`: what changed and why.
    pub note: String,
    /// The new credibility from this date on.
    pub credibility: Option<Credibility>,
    /// The new relevance from this date on.
    pub relevance: Option<Relevance>,
    /// The ratings it changes.
    pub ratings: Ratings,
    /// The new statement from this date on.
    pub statement: Option<String>,
    /// Replaces the claim's source list from this date on.
    pub sources: Option<Vec<String>>,
    /// R of `sources` when given (filled in by the loader; see
    /// [`Claim::reliability`]).
    pub reliability: Option<f64>,
    /// Replaces the claim's citation from this date on.
    pub url: Option<String>,
    /// The new status from this date on (`retracted` withdraws the claim).
    pub status: Option<Status>,
    /// The day the revision counts from: the later of `date` and the earliest
    /// `published` among its `sources` (filled in by the loader; see
    /// [`effective_date`]). Without `sources`, its `date`.
    pub effective: NaiveDate,
    /// The source whose publication sets `effective`, when that is later
    /// than `date`.
    pub effective_by: Option<String>,
    /// Where the revision is written.
    pub loc: Loc,
}

/// When a record dated `date` citing `sources` enters the record:
/// max(date, min over the sources of published), a source without
/// `published` (or unknown) counting as published on `date`. Also the id of
/// the source that sets it, when that is later than `date` (the first such
/// in list order).
pub fn effective_date(
    date: NaiveDate,
    sources: &[String],
    published: impl Fn(&str) -> Option<NaiveDate>,
) -> (NaiveDate, Option<String>) {
    let mut earliest: Option<(NaiveDate, &str)> = None;
    for id in sources {
        let p = published(id).unwrap_or(date);
        if earliest.is_none_or(|(e, _)| p < e) {
            earliest = Some((p, id));
        }
    }
    match earliest {
        Some((p, id)) if p > date => (p, Some(id.to_string())),
        _ => (date, None),
    }
}

/// `[[claim]]`: one piece of evidence, rated against every scenario.
#[derive(Debug, Clone)]
pub struct Claim {
    /// `id`: unique across the workspace.
    pub id: String,
    /// `date`: the day of the event or report.
    pub date: NaiveDate,
    /// The day the claim enters the record: the later of `date` and the
    /// earliest `published` among its `sources` (filled in by the loader; see
    /// [`effective_date`]). Every evaluation as of a date uses it.
    pub effective: NaiveDate,
    /// The source whose publication sets `effective`, when that is later
    /// than `date`.
    pub effective_by: Option<String>,
    /// `statement`: what is claimed, in one or two sentences.
    pub statement: String,
    /// `sources`: ids of the sources that report it (at least one).
    pub sources: Vec<String>,
    /// R = 1 − Π(1 − R_k) over the distinct `sources` (docs/scoring.md),
    /// filled in by the loader once the sources are known: every assessment
    /// needs it, and looking each source up by id on every one cost more
    /// than the rest of the claim's row.
    pub reliability: f64,
    /// `url`: the citation.
    pub url: Option<String>,
    /// `credibility`: Admiralty information credibility, 1–6.
    pub credibility: Credibility,
    /// `relevance`: how much the claim bears on the question (default medium).
    pub relevance: Relevance,
    /// `[claim.ratings]` when given, else the analysts' consensus (filled in
    /// by the loader).
    pub ratings: Ratings,
    /// Whether `[claim.ratings]` was written (it then wins over the consensus).
    pub ratings_given: bool,
    /// `[[claim.assessment]]`: ratings by named analysts.
    pub assessments: Vec<AnalystRatings>,
    /// `silence`: warnings acknowledged for this claim, code → reason.
    pub silence: Silences,
    /// Scenario id → one-line reason; key `""` holds a claim-wide rationale.
    pub rationale: BTreeMap<String, String>,
    /// `tags`: free labels.
    pub tags: Vec<String>,
    /// `group`: claims reporting the same underlying event or coming through
    /// the same channel; the Bayesian engine counts a group once (the mean of
    /// its members' rows). `None`: the claim is a group of its own.
    pub group: Option<String>,
    /// Index of `group` into [`Workspace::groups`], filled in by the loader
    /// (every row of every assessment asks for it).
    pub group_index: Option<usize>,
    /// Sorted by effective date (stable: revisions that count from the same
    /// day keep file order).
    pub revisions: Vec<Revision>,
    /// Where the claim is written.
    pub loc: Loc,
}

impl Claim {
    /// The day revision `r` takes effect in the record: its effective date,
    /// or the claim's when that is later (a revision citing a timely source
    /// cannot bring in a claim whose own sources appeared later; it applies
    /// when the claim enters).
    pub fn revision_from(&self, r: &Revision) -> NaiveDate {
        r.effective.max(self.effective)
    }
}

/// The consensus of a cell's votes, or `None` when nobody voted.
///
/// NA when NA votes outnumber rated votes; otherwise the mean of the rated
/// votes (CC 5 … II 1) rounded to the nearest level, a tie (x.5) going to the
/// side of neutral (3): 2.5 → 3, 3.5 → 3, 4.5 → 4, 1.5 → 2.
pub(crate) fn consensus(votes: &[Rating]) -> Option<Rating> {
    if votes.is_empty() {
        return None;
    }
    let rated: Vec<u32> = votes
        .iter()
        .filter(|r| **r != Rating::NA)
        .map(|r| r.vote() as u32)
        .collect();
    let na = votes.len() - rated.len();
    if na > rated.len() {
        return Some(Rating::NA);
    }
    let n = rated.len() as u32;
    let sum: u32 = rated.iter().sum();
    // Integer arithmetic: no float can mistake 2.4999… for a tie.
    let lo = sum / n;
    let twice_rem = 2 * (sum % n);
    let v = match twice_rem.cmp(&n) {
        std::cmp::Ordering::Less => lo,
        std::cmp::Ordering::Greater => lo + 1,
        std::cmp::Ordering::Equal => {
            if lo < 3 {
                lo + 1
            } else {
                lo
            }
        }
    };
    Rating::from_vote(v as u8)
}

/// The votes cast on one cell (claim × scenario index): (analyst, rating),
/// in file order.
pub(crate) fn votes(claim: &Claim, scenario: usize) -> Vec<(&str, Rating)> {
    claim
        .assessments
        .iter()
        .filter_map(|a| a.ratings.get(scenario).map(|r| (a.analyst.as_str(), r)))
        .collect()
}

/// The consensus rating of every scenario (of `n`) a claim's analysts rated.
pub(crate) fn consensus_ratings(claim: &Claim, n: usize) -> Ratings {
    let mut out = Ratings::new(n);
    for j in 0..n {
        let v: Vec<Rating> = votes(claim, j).into_iter().map(|x| x.1).collect();
        if let Some(r) = consensus(&v) {
            out.set(j, r);
        }
    }
    out
}

/// R = 1 − Π(1 − R_k) over the distinct ids in `ids`, with the reliability
/// factor R_k of each source id given by `factor` (`None`: an unknown id,
/// which counts for nothing).
pub(crate) fn combined_reliability(factor: impl Fn(&str) -> Option<f64>, ids: &[String]) -> f64 {
    let mut ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    ids.sort_unstable();
    ids.dedup();
    let miss: f64 = ids
        .iter()
        .filter_map(|id| factor(id))
        .map(|f| 1.0 - f)
        .product();
    1.0 - miss
}

/// One analyst's ratings of a claim (`[[claim.assessment]]`).
#[derive(Debug, Clone)]
pub struct AnalystRatings {
    /// `analyst`: who rated it (one assessment per analyst per claim).
    pub analyst: String,
    /// May leave scenarios out.
    pub ratings: Ratings,
    /// `note`: the analyst's reasoning.
    pub note: Option<String>,
    /// Where the assessment is written.
    pub loc: Loc,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: String::new(),
            question: String::new(),
            as_of: None,
            engine: EngineKind::default(),
            likelihood: Likelihoods::default(),
            evidence_weight: DEFAULT_EVIDENCE_WEIGHT,
            band: DEFAULT_BAND,
            memo: MemoConfig::default(),
            resolution: None,
            assumptions: Vec::new(),
            opened: None,
            unknowns: Vec::new(),
            limits: None,
            silence: Silences::default(),
        }
    }
}

/// The source with id `id` in `sources` (sorted by id, as
/// [`Workspace::sources`] is).
pub fn find_source<'s>(sources: &'s [Source], id: &str) -> Option<&'s Source> {
    sources
        .binary_search_by(|s| s.id.as_str().cmp(id))
        .ok()
        .map(|i| &sources[i])
}

/// A key assumption (`[[assumption]]` in kzclaims.toml).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Assumption {
    /// `text`: the assumption, in a sentence.
    pub text: String,
    /// Ids of the scenarios that depend on it.
    pub scenarios: Vec<String>,
    /// What would break it.
    pub breaks: Option<String>,
    /// From this day on: a memo as of an earlier day does not state it (an
    /// assumption about events that had not happened yet).
    pub since: Option<NaiveDate>,
}

/// A loaded, validated workspace.
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    /// The workspace folder (the one holding `kzclaims.toml`).
    pub root: PathBuf,
    /// `kzclaims.toml`'s settings.
    pub config: Config,
    /// In declaration order (files sorted by path).
    pub scenarios: Vec<Scenario>,
    /// Sorted by id.
    pub sources: Vec<Source>,
    /// Sorted by (date, id).
    pub claims: Vec<Claim>,
    /// Names of the claim groups, sorted and distinct.
    pub groups: Vec<String>,
    /// Every file read, indexed by [`Loc::file`], for quoting in diagnostics.
    pub files: Vec<SourceFile>,
}

impl Workspace {
    /// Let go of the files' texts, keeping their paths: a command that will
    /// quote no file (no diagnostics after a clean load) need not hold a copy
    /// of the whole record in memory.
    pub fn release_texts(&mut self) {
        for f in &mut self.files {
            f.text = String::new();
        }
    }

    /// The source with id `id`, if any.
    pub fn source(&self, id: &str) -> Option<&Source> {
        find_source(&self.sources, id)
    }

    /// Index into `groups` of a claim's group, if it names one.
    pub fn group_index(&self, claim: usize) -> Option<usize> {
        self.claims[claim].group_index
    }

    /// Index into `scenarios` of the scenario with id `id`, if any.
    pub fn scenario_index(&self, id: &str) -> Option<usize> {
        self.scenarios.iter().position(|s| s.id == id)
    }

    /// Priors after sharing the remainder among scenarios without one, then
    /// normalising to sum 1 (only matters if the given priors sum below 1 and
    /// every scenario has one).
    pub fn priors(&self) -> Vec<f64> {
        let given: f64 = self.scenarios.iter().filter_map(|s| s.prior).sum();
        let missing = self.scenarios.iter().filter(|s| s.prior.is_none()).count();
        let share = if missing > 0 {
            ((1.0 - given).max(0.0)) / missing as f64
        } else {
            0.0
        };
        let raw: Vec<f64> = self
            .scenarios
            .iter()
            .map(|s| s.prior.unwrap_or(share))
            .collect();
        let total: f64 = raw.iter().sum();
        if total > 0.0 {
            raw.iter().map(|p| p / total).collect()
        } else {
            vec![1.0 / raw.len().max(1) as f64; raw.len()]
        }
    }

    /// The natural logarithms of [`Workspace::priors`].
    pub fn log_priors(&self) -> Vec<f64> {
        self.priors().iter().map(|p| p.ln()).collect()
    }

    /// The latest date anywhere in the record (claims and revisions by their
    /// effective dates, indicator observations).
    pub fn latest_date(&self) -> Option<NaiveDate> {
        self.record_dates().into_iter().max()
    }

    /// Every date the record changed: claims entering, revisions applying
    /// (both on their effective dates), indicator observations. Sorted,
    /// without duplicates.
    pub fn record_dates(&self) -> Vec<NaiveDate> {
        self.dates(true)
    }

    /// Every date the assessment can change: claims entering, revisions, and
    /// observations that update. Sorted, without duplicates.
    pub fn update_dates(&self) -> Vec<NaiveDate> {
        self.dates(false)
    }

    fn dates(&self, all_observations: bool) -> Vec<NaiveDate> {
        let mut d: Vec<NaiveDate> = self
            .claims
            .iter()
            .flat_map(|c| {
                std::iter::once(c.effective).chain(c.revisions.iter().map(|r| c.revision_from(r)))
            })
            .chain(
                self.scenarios
                    .iter()
                    .flat_map(|s| &s.indicators)
                    .flat_map(|i| i.observations.iter())
                    .filter(|o| all_observations || o.update)
                    .map(|o| o.date),
            )
            .collect();
        d.sort();
        d.dedup();
        d
    }

    /// Every analyst named in `[[claim.assessment]]`, sorted.
    pub fn analysts(&self) -> Vec<String> {
        let mut a: Vec<String> = self
            .claims
            .iter()
            .flat_map(|c| c.assessments.iter().map(|x| x.analyst.clone()))
            .collect();
        a.sort();
        a.dedup();
        a
    }

    /// The as-of date used when none is given on the command line.
    pub fn default_as_of(&self) -> Option<NaiveDate> {
        self.config.as_of.or_else(|| self.latest_date())
    }
}

/// A record's identity across the commits of a git history: a claim (its
/// id), or one of its revisions (the claim's id, the revision's `date`, and
/// its position among that claim's revisions of the same date, in file
/// order). Claims may move between files: the file is not part of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordKey {
    /// Id of the claim.
    pub claim: String,
    /// `None`: the claim itself.
    pub revision: Option<(NaiveDate, u32)>,
}

/// What a workspace's git history says about when its records were written
/// (`crate::load::recorded` reads it; `crate::engine::history` uses it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GitLog {
    /// The commit HEAD points to (hex).
    pub head: String,
    /// HEAD's commit date (the committer's date, in the committer's time zone).
    pub head_date: NaiveDate,
    /// Every record any commit held, indexed by the `introduced` lists.
    pub keys: Vec<RecordKey>,
    /// Every commit reachable from HEAD: its commit date, and the records
    /// (indices into `keys`) its tree holds and none of its parents' trees
    /// did: the commits that introduced them.
    pub commits: Vec<(NaiveDate, Vec<u32>)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_label_is_short_else_the_name_cut_at_its_first_aside() {
        let src = |name: &str, short: Option<&str>| Source {
            id: "s".into(),
            name: name.into(),
            short: short.map(String::from),
            url: None,
            kind: SourceKind::Media,
            reliability: Reliability::B,
            origin: None,
            interest: None,
            published: None,
            loc: Loc::default(),
        };
        let cornell =
            "Svante E. Cornell, \"Learning from Kazakhstan's January Crisis\" (April 2022)";
        assert_eq!(src(cornell, None).label(), "Svante E. Cornell");
        assert_eq!(
            src(cornell, Some("Cornell's analysis")).label(),
            "Cornell's analysis"
        );
        assert_eq!(src("Akorda (presidential office)", None).label(), "Akorda");
        assert_eq!(src("Reuters", None).label(), "Reuters");
        assert_eq!(
            src("Fergana News: Russian edition", None).label(),
            "Fergana News"
        );
        // A cut that would leave fewer than three characters is not taken.
        assert_eq!(src("AP (wire)", None).label(), "AP (wire)");
        assert_eq!(src("AP, wire (US)", None).label(), "AP, wire");
    }

    #[test]
    fn ratings_parse_in_every_spelling() {
        assert_eq!(Rating::parse("C C"), Some(Rating::CC));
        assert_eq!(Rating::parse("i i"), Some(Rating::II));
        assert_eq!(Rating::parse("N/A"), Some(Rating::NA));
        assert_eq!(Rating::parse("n"), Some(Rating::N));
        assert_eq!(Rating::parse("X"), None);
    }

    #[test]
    fn ratings_by_scenario_index() {
        let mut r = Ratings::new(3);
        assert!(r.is_empty());
        r.set(2, Rating::II);
        r.set(0, Rating::CC);
        assert_eq!(r.get(0), Some(Rating::CC));
        assert_eq!(r.get(1), None);
        assert_eq!(r.get(7), None, "past the end: not rated");
        assert_eq!(
            r.iter().collect::<Vec<_>>(),
            [(0, Rating::CC), (2, Rating::II)]
        );
        // A default (empty) set grows when rated.
        let mut d = Ratings::default();
        d.set(1, Rating::N);
        assert_eq!(d.iter().collect::<Vec<_>>(), [(1, Rating::N)]);
        assert!(!d.is_empty());
    }

    #[test]
    fn one_grade_worse() {
        let worse: Vec<u8> = (1..=6)
            .map(|n| Credibility(n).one_grade_worse().0)
            .collect();
        assert_eq!(worse, [2, 3, 4, 5, 5, 6]);
    }

    #[test]
    fn votes_round_trip() {
        for r in Rating::ALL {
            assert_eq!(Rating::from_vote(r.vote()), Some(r));
        }
    }

    #[test]
    fn mirror_swaps_consistency() {
        assert_eq!(Rating::CC.mirrored(), Rating::II);
        assert_eq!(Rating::I.mirrored(), Rating::C);
        assert_eq!(Rating::N.mirrored(), Rating::N);
        assert_eq!(Rating::NA.mirrored(), Rating::NA);
    }

    #[test]
    fn effective_date_is_the_later_of_the_date_and_the_earliest_source() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let published = |id: &str| match id {
            "april" => Some(d("2022-04-18")),
            "march" => Some(d("2022-03-01")),
            "before" => Some(d("2021-12-01")),
            _ => None,
        };
        let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let day = d("2022-01-05");
        // One timely source (no date, or published before) is enough.
        assert_eq!(
            effective_date(day, &ids(&["april", "wire"]), published),
            (day, None)
        );
        assert_eq!(
            effective_date(day, &ids(&["april", "before"]), published),
            (day, None)
        );
        // All late: the earliest of them sets it.
        assert_eq!(
            effective_date(day, &ids(&["april", "march"]), published),
            (d("2022-03-01"), Some("march".to_string()))
        );
        assert_eq!(
            effective_date(day, &ids(&["april"]), published),
            (d("2022-04-18"), Some("april".to_string()))
        );
        // No sources: the date itself.
        assert_eq!(effective_date(day, &[], published), (day, None));
    }

    #[test]
    fn scenario_wording_and_proponents_as_of_a_date() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let rev = |date: &str, title: Option<&str>, summary: Option<&str>| ScenarioRevision {
            date: d(date),
            note: String::new(),
            title: title.map(str::to_string),
            summary: summary.map(str::to_string),
            loc: Loc::default(),
        };
        let s = Scenario {
            id: "x".into(),
            title: "First".into(),
            summary: "As first written.".into(),
            prior: None,
            proponents: vec![
                Proponent {
                    name: "always".into(),
                    since: None,
                },
                Proponent {
                    name: "later".into(),
                    since: Some(d("2022-01-10")),
                },
            ],
            revisions: vec![
                rev("2022-01-10", None, Some("Reworded.")),
                rev("2022-02-01", Some("Second"), None),
            ],
            indicators: vec![],
            silence: Silences::new(),
            loc: Loc::default(),
        };
        assert_eq!(s.title_as_of(d("2022-01-09")), "First");
        assert_eq!(s.summary_as_of(d("2022-01-09")), "As first written.");
        assert_eq!(s.proponents_as_of(d("2022-01-09")), ["always"]);
        assert_eq!(s.title_as_of(d("2022-01-10")), "First");
        assert_eq!(s.summary_as_of(d("2022-01-10")), "Reworded.");
        assert_eq!(s.proponents_as_of(d("2022-01-10")), ["always", "later"]);
        assert_eq!(s.title_as_of(d("2022-03-01")), "Second");
        assert_eq!(s.summary_as_of(d("2022-03-01")), "Reworded.");
    }

    #[test]
    fn priors_share_the_remainder() {
        let mut ws = Workspace::default();
        for (id, p) in [("a", Some(0.5)), ("b", None), ("c", None)] {
            ws.scenarios.push(Scenario {
                id: id.into(),
                title: String::new(),
                summary: String::new(),
                prior: p,
                proponents: vec![],
                revisions: vec![],
                indicators: vec![],
                silence: Silences::new(),
                loc: Loc::default(),
            });
        }
        assert_eq!(ws.priors(), vec![0.5, 0.25, 0.25]);
    }
}

#[cfg(test)]
mod date_tests {
    use super::*;

    #[test]
    fn one_strict_date_parser() {
        assert_eq!(
            parse_date("2024-03-08"),
            NaiveDate::from_ymd_opt(2024, 3, 8).ok_or(DateError::Shape)
        );
        assert_eq!(
            parse_date("2024-02-29").map(|d| d.to_string()).as_deref(),
            Ok("2024-02-29")
        );
        for bad in [
            "2024-3-8",
            "2024-03-8",
            "24-03-08",
            "2024/03/08",
            "2024-03-08T00:00",
            " 2024-03-08",
            "2024-03-08 ",
            "+024-03-08",
            "２０２４-03-08",
            "",
        ] {
            assert_eq!(parse_date(bad), Err(DateError::Shape), "{bad:?}");
        }
        for bad in [
            "2024-02-30",
            "2023-02-29",
            "2024-13-45",
            "2024-00-10",
            "2024-04-31",
        ] {
            assert_eq!(parse_date(bad), Err(DateError::NoSuchDay), "{bad:?}");
        }
    }
}
