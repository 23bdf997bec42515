//! The shape of the workspace files as JSON Schema, for editors (taplo, Even
//! Better TOML) to complete keys and flag wrong values. The types here mirror
//! what the loader accepts, both forms where users' habits differ (a date as a
//! TOML date or a string, credibility as `2` or `"2"`, ratings in any case);
//! a test keeps their keys equal to the loader's, so the two cannot drift.

#![allow(dead_code)] // the types exist for their schema only

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// A calendar day: a TOML date (`2022-01-05`) or the same as a string.
pub(crate) struct Date;
impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A calendar day: a TOML date (2022-01-05) or the same as a string (\"2022-01-05\").",
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "format": "date"
        })
    }
}

/// Admiralty information credibility, 1 (confirmed) to 6 (cannot be judged).
pub(crate) struct Credibility;
impl JsonSchema for Credibility {
    fn schema_name() -> Cow<'static, str> {
        "Credibility".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Admiralty information credibility: 1 confirmed, 2 probably true, 3 possibly true, 4 doubtful, 5 improbable, 6 cannot be judged (a number or a string).",
            "anyOf": [
                { "type": "integer", "minimum": 1, "maximum": 6 },
                { "type": "string", "enum": ["1", "2", "3", "4", "5", "6"] }
            ]
        })
    }
}

/// A rating of a claim against a scenario.
pub(crate) struct Rating;
impl JsonSchema for Rating {
    fn schema_name() -> Cow<'static, str> {
        "Rating".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "CC very consistent, C consistent, N neutral, I inconsistent, II very inconsistent, NA not applicable (any case; PARC's \"C C\", \"I I\" and \"N/A\" too).",
            "type": "string",
            "pattern": "^([Cc][Cc]?|[Nn]|[Ii][Ii]?|[Nn][Aa]|[Cc] [Cc]|[Ii] [Ii]|[Nn]/[Aa])$"
        })
    }
}

/// A probability strictly inside (0, 1].
pub(crate) struct Weight;
impl JsonSchema for Weight {
    fn schema_name() -> Cow<'static, str> {
        "Weight".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "number", "exclusiveMinimum": 0, "maximum": 1 })
    }
}

/// A web or mail address.
pub(crate) struct Url;
impl JsonSchema for Url {
    fn schema_name() -> Cow<'static, str> {
        "Url".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "An http://, https:// or mailto: address, written in full (memos make it a link).",
            "type": "string",
            "pattern": "^([Hh][Tt][Tt][Pp][Ss]?://|[Mm][Aa][Ii][Ll][Tt][Oo]:)[^\\s]+$"
        })
    }
}

/// A revision's citation: a full address, or "" to drop the earlier link.
pub(crate) struct RevisionUrl;
impl JsonSchema for RevisionUrl {
    fn schema_name() -> Cow<'static, str> {
        "RevisionUrl".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "The citation from this date on: an http://, https:// or mailto: address written in full, or \"\" to drop the earlier link.",
            "type": "string",
            "pattern": "^(|([Hh][Tt][Tt][Pp][Ss]?://|[Mm][Aa][Ii][Ll][Tt][Oo]:)[^\\s]+)$"
        })
    }
}

/// A pattern matching any of `names` in any case, as the loader reads them
/// (`"High"`, `"MEDIA"`): built from the loader's own lists.
fn any_case(names: &[&str]) -> String {
    let alts: Vec<String> = names
        .iter()
        .map(|n| {
            n.chars()
                .map(|c| {
                    if c.is_ascii_alphabetic() {
                        format!("[{}{}]", c.to_ascii_uppercase(), c.to_ascii_lowercase())
                    } else {
                        c.to_string()
                    }
                })
                .collect()
        })
        .collect();
    format!("^({})$", alts.join("|"))
}

/// An id: a slug, by the loader's rule ([`super::is_slug`]).
pub(crate) struct Slug;
impl JsonSchema for Slug {
    fn schema_name() -> Cow<'static, str> {
        "Slug".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "An id: lower-case letters, digits, `-`, `_` and `.`, starting with a letter or digit.",
            "type": "string",
            "pattern": super::parse::SLUG_PATTERN
        })
    }
}

/// A value from a fixed list, in any case: `Relevance::NAMES` and the like.
macro_rules! any_case_type {
    ($name:ident, $names:expr, $desc:expr) => {
        pub(crate) struct $name;
        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({
                    "description": $desc,
                    "type": "string",
                    "pattern": any_case(&$names)
                })
            }
        }
    };
}

any_case_type!(
    RelevanceName,
    crate::model::Relevance::NAMES,
    "low, medium (default) or high (any case)."
);
any_case_type!(
    SourceKindName,
    crate::model::SourceKind::NAMES,
    "media, official, eyewitness, analysis, social, ngo or other (any case)."
);
any_case_type!(
    EngineName,
    ["bayes", "ach"],
    "\"bayes\" (default) or \"ach\" (any case)."
);

/// Warnings acknowledged where they point: check code → the reason. Only the
/// codes that can be silenced at this level, from the registry
/// (src/diag/codes.rs), each with a reason that is not blank.
fn silence_at(level: crate::diag::codes::Level) -> Schema {
    let codes: Vec<&str> = crate::diag::codes::silenceable()
        .filter(|c| c.silenced_in == Some(level))
        .map(|c| c.code.as_str())
        .collect();
    json_schema!({
        "description": "Warnings acknowledged here: check code (docs/checks.md) → the reason.",
        "type": "object",
        "propertyNames": { "enum": codes },
        "additionalProperties": { "type": "string", "pattern": "\\S" }
    })
}
macro_rules! silence_type {
    ($name:ident, $level:ident) => {
        pub(crate) struct $name;
        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                silence_at(crate::diag::codes::Level::$level)
            }
        }
    };
}
silence_type!(ClaimSilence, Claim);
silence_type!(ScenarioSilence, Scenario);
silence_type!(IndicatorSilence, Indicator);
silence_type!(WorkspaceSilence, Workspace);

/// Scenario id → rating.
type Ratings = BTreeMap<String, Rating>;

/// `kzclaims.toml`: what the workspace is about and how it is scored.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct Config {
    /// The memo's title.
    title: String,
    /// The question the scenarios answer.
    question: String,
    /// Default date for reports; else the latest date in the record.
    as_of: Option<Date>,
    /// The day the question was asked: the timeline starts there.
    opened: Option<Date>,
    scoring: Option<Scoring>,
    memo: Option<Memo>,
    resolution: Option<Resolution>,
    /// Workspace-level warnings acknowledged (K108), code → reason.
    silence: Option<WorkspaceSilence>,
    /// Key assumptions the judgment rests on (the memo's "Key assumptions").
    assumption: Option<Vec<Assumption>>,
    /// What the record cannot tell (the memo's "What we do not know").
    unknowns: Option<Vec<String>>,
    /// A note on the sources and their limits (the memo's "Sources and limits").
    limits: Option<String>,
}

/// `[[assumption]]`: a key assumption.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct Assumption {
    /// The assumption, in a sentence.
    text: String,
    /// Ids of the scenarios that depend on it.
    scenarios: Option<Vec<String>>,
    /// What would break it.
    breaks: Option<String>,
    /// From this day on (memos as of an earlier day do not state it).
    since: Option<Date>,
}

/// `[scoring]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct Scoring {
    /// "bayes" (default) or "ach".
    engine: Option<EngineName>,
    /// Override the likelihood of any rating.
    likelihood: Option<Likelihood>,
    /// η in (0, 1], default 0.5: how much one group of claims counts against a fully independent observation.
    evidence_weight: Option<Weight>,
    /// Two evidence weights in (0, 1], low first (default [0.25, 1.0]): every number is also given at both.
    band: Option<[Weight; 2]>,
}

/// `[scoring.likelihood]`: P(evidence | scenario) for each rating, in (0, 1].
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[allow(non_snake_case)]
pub(crate) struct Likelihood {
    CC: Option<Weight>,
    C: Option<Weight>,
    N: Option<Weight>,
    I: Option<Weight>,
    II: Option<Weight>,
    cc: Option<Weight>,
    c: Option<Weight>,
    n: Option<Weight>,
    i: Option<Weight>,
    ii: Option<Weight>,
}

/// `[memo]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct Memo {
    organization: Option<String>,
    author: Option<String>,
    /// Printed at the top and bottom of the memo (default UNCLASSIFIED).
    marking: Option<String>,
    /// Template name (default memo): templates/NAME.md or .html.
    template: Option<String>,
}

/// `[resolution]`: how the question turned out, for calibration.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct Resolution {
    date: Date,
    /// The id of the scenario that proved true.
    scenario: String,
    note: Option<String>,
}

/// A file under `scenarios/`: the competing explanations.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct ScenariosFile {
    scenario: Option<Vec<Scenario>>,
}

/// `[[scenario]]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct Scenario {
    id: Slug,
    title: String,
    summary: String,
    /// Prior probability in [0, 1]; scenarios without one share the remainder.
    #[schemars(range(min = 0.0, max = 1.0))]
    prior: Option<f64>,
    /// Who asserts it: a name (always), or { name, since } for one who asserts it from a date on.
    proponents: Option<Vec<ProponentEntry>>,
    indicator: Option<Vec<Indicator>>,
    /// Dated changes to the wording (title, summary).
    revision: Option<Vec<ScenarioRevision>>,
    /// Warnings acknowledged (K103, K107), code → reason.
    silence: Option<ScenarioSilence>,
}

/// A proponent: a name, or a table with the day it took this position.
#[derive(JsonSchema)]
#[serde(untagged)]
pub(crate) enum ProponentEntry {
    Always(String),
    Dated(Proponent),
}

/// `{ name = "…", since = DATE }`: a proponent from `since` on.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct Proponent {
    name: String,
    /// From this day on (memos as of an earlier day do not name it).
    since: Option<Date>,
}

/// `[[scenario.revision]]`: the scenario's wording from a date on.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct ScenarioRevision {
    date: Date,
    /// What changed and why.
    note: String,
    /// The title from this date on.
    title: Option<String>,
    /// The summary from this date on.
    summary: Option<String>,
}

/// `[[scenario.indicator]]`: what would be observed if the scenario were true.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct Indicator {
    id: Slug,
    text: String,
    due: Option<Date>,
    /// Where one would look for it: court records, trial monitoring, a ministry's report.
    look: Option<String>,
    /// From this day on: a memo or view as of an earlier day does not state it and does not rank it among what to collect; its likelihoods and observations count as without it.
    since: Option<Date>,
    /// P(observed | this scenario), strictly between 0 and 1.
    if_true: Option<f64>,
    /// P(observed | any other scenario).
    if_false: Option<f64>,
    /// Instead of if_true/if_false: how consistent observing it is with each scenario.
    ratings: Option<Ratings>,
    observation: Option<Vec<Observation>>,
    /// Warnings acknowledged (K109), code → reason.
    silence: Option<IndicatorSilence>,
}

/// `[[scenario.indicator.observation]]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct Observation {
    date: Date,
    observed: bool,
    /// false: the claims already carry the fact; it only resolves the indicator.
    update: Option<bool>,
    /// Ids of the claims that document it.
    claims: Option<Vec<String>>,
    note: Option<String>,
}

/// A file under `claims/`: sources and the claims that cite them.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct ClaimsFile {
    source: Option<Vec<Source>>,
    claim: Option<Vec<Claim>>,
}

/// `[[source]]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct Source {
    id: Slug,
    name: String,
    /// A short label for sentences that name the source ("Cornell's analysis"); without it the memo shortens `name`.
    short: Option<String>,
    url: Option<Url>,
    kind: SourceKindName,
    /// Admiralty source reliability: A completely reliable … E unreliable, F cannot be judged.
    #[schemars(regex(pattern = r"^[A-Fa-f]$"))]
    reliability: String,
    /// The outlet this source relays (K105).
    origin: Option<String>,
    /// The scenario this source has a stake in (K106).
    interest: Option<String>,
    /// The day this source's report appeared. Without it, the source counts as published on the date of each record that cites it; a claim counts from the later of its date and its earliest source's publication (K113).
    published: Option<Date>,
}

/// `[[claim]]`: one piece of evidence.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[schemars(extend("anyOf" = [{ "required": ["ratings"] }, { "required": ["assessment"] }]))]
pub(crate) struct Claim {
    id: Slug,
    /// When it happened or was reported; it counts from the later of this and its earliest source's `published`.
    date: Date,
    statement: String,
    /// Source ids, at least one.
    sources: Vec<String>,
    /// The citation.
    url: Option<Url>,
    credibility: Credibility,
    relevance: Option<RelevanceName>,
    /// Every scenario id → a rating (unless analysts rate it).
    ratings: Option<Ratings>,
    /// Why: a sentence, or scenario id → a sentence.
    rationale: Option<Rationale>,
    tags: Option<Vec<String>>,
    /// Claims reporting the same event or channel share a group; it counts once.
    #[schemars(length(min = 1))]
    group: Option<String>,
    revision: Option<Vec<Revision>>,
    assessment: Option<Vec<Assessment>>,
    /// Warnings acknowledged, code → reason.
    silence: Option<ClaimSilence>,
}

#[derive(JsonSchema)]
#[serde(untagged)]
pub(crate) enum Rationale {
    Text(String),
    PerScenario(BTreeMap<String, String>),
}

/// `[[claim.revision]]`: a later change, from its date on.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct Revision {
    date: Date,
    /// What changed and why.
    note: String,
    credibility: Option<Credibility>,
    relevance: Option<RelevanceName>,
    ratings: Option<Ratings>,
    statement: Option<String>,
    sources: Option<Vec<String>>,
    /// The citation from this date on; "" drops the earlier link.
    url: Option<RevisionUrl>,
    /// "retracted" or "active".
    #[schemars(regex(pattern = r"^(retracted|active)$"))]
    status: Option<String>,
}

/// `[[claim.assessment]]`: one analyst's ratings.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct Assessment {
    analyst: String,
    ratings: Ratings,
    note: Option<String>,
}

/// The three schemas: (file name, JSON text).
pub(crate) fn schemas() -> Vec<(&'static str, String)> {
    let text = |s: Schema| {
        let mut t = serde_json::to_string_pretty(&s).expect("schemas serialise");
        t.push('\n');
        t
    };
    vec![
        ("kzclaims.schema.json", text(schemars::schema_for!(Config))),
        (
            "scenarios.schema.json",
            text(schemars::schema_for!(ScenariosFile)),
        ),
        (
            "claims.schema.json",
            text(schemars::schema_for!(ClaimsFile)),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::super::parse::*;
    use super::*;

    /// The keys of each table in the schema are the keys the loader accepts.
    #[test]
    fn schema_keys_are_the_loaders() {
        let all: serde_json::Value = serde_json::to_value(schemars::schema_for!(Config)).unwrap();
        let sc: serde_json::Value =
            serde_json::to_value(schemars::schema_for!(ScenariosFile)).unwrap();
        let cl: serde_json::Value =
            serde_json::to_value(schemars::schema_for!(ClaimsFile)).unwrap();
        let keys = |root: &serde_json::Value, def: Option<&str>| -> Vec<String> {
            let node = match def {
                Some(d) => &root["$defs"][d],
                None => root,
            };
            let mut k: Vec<String> = node["properties"]
                .as_object()
                .unwrap_or_else(|| panic!("{def:?}"))
                .keys()
                .cloned()
                .collect();
            k.sort();
            k
        };
        let sorted = |v: &[&str]| {
            let mut v: Vec<String> = v.iter().map(|s| s.to_string()).collect();
            v.sort();
            v
        };
        assert_eq!(keys(&all, None), sorted(CONFIG_KEYS));
        assert_eq!(keys(&all, Some("Scoring")), sorted(SCORING_KEYS));
        assert_eq!(keys(&all, Some("Likelihood")), sorted(LIKELIHOOD_KEYS));
        assert_eq!(keys(&all, Some("Memo")), sorted(MEMO_KEYS));
        assert_eq!(keys(&all, Some("Resolution")), sorted(RESOLUTION_KEYS));
        assert_eq!(keys(&sc, Some("Scenario")), sorted(SCENARIO_KEYS));
        assert_eq!(keys(&sc, Some("Indicator")), sorted(INDICATOR_KEYS));
        assert_eq!(keys(&sc, Some("Proponent")), sorted(PROPONENT_KEYS));
        assert_eq!(
            keys(&sc, Some("ScenarioRevision")),
            sorted(SCENARIO_REVISION_KEYS)
        );
        assert_eq!(keys(&sc, Some("Observation")), sorted(OBSERVATION_KEYS));
        assert_eq!(keys(&cl, Some("Source")), sorted(SOURCE_KEYS));
        assert_eq!(keys(&cl, Some("Claim")), sorted(CLAIM_KEYS));
        assert_eq!(keys(&cl, Some("Revision")), sorted(REVISION_KEYS));
        assert_eq!(keys(&cl, Some("Assessment")), sorted(ASSESSMENT_KEYS));
    }
}
