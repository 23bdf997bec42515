//! `kzclaims timeline` written out: the JSON shape, one CSV row per date and
//! scenario, and the text table (shapes: docs/timeline.md). The chart is
//! [`crate::report::memo::chart`]; the timeline itself is computed in
//! [`crate::engine::timeline`].

use crate::engine::timeline::{Change, Timeline};
use crate::engine::ScenarioScore;
use crate::model::{EngineKind, Workspace};
use crate::report::escape::neutralise_cell;
use crate::report::table::{self, Line};
use chrono::NaiveDate;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use std::fmt::Write;

/// The JSON shape, borrowed from the timeline and written point by point as
/// it is serialised: the JSON of a large record's timeline outweighs the
/// record, and nothing of it is built in memory first.
#[derive(Serialize)]
pub(crate) struct TimelineJson<'a> {
    /// The shape's version: raised only when a field is renamed or removed.
    pub version: u32,
    pub title: &'a str,
    pub engine: &'static str,
    /// `[scoring] evidence_weight`.
    pub evidence_weight: f64,
    /// `[scoring] band`: the evidence weights of each score's `band`.
    pub band_eta: [f64; 2],
    pub from: Option<String>,
    pub to: Option<String>,
    pub scenarios: Vec<ScenarioRef<'a>>,
    pub points: Points<'a>,
}

#[derive(Serialize)]
pub(crate) struct ScenarioRef<'a> {
    pub id: &'a str,
    pub title: &'a str,
}

/// Every point, serialised one at a time.
pub(crate) struct Points<'a> {
    ws: &'a Workspace,
    t: &'a Timeline,
}

impl Serialize for Points<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let ws = self.ws;
        s.collect_seq(self.t.points.iter().map(|p| PointJson {
            date: p.date,
            leader: p.leader().map(|j| ws.scenarios[j].id.as_str()),
            scores: Scores(ws, &p.scores),
            changes: Changes(ws, &p.changes),
        }))
    }
}

#[derive(Serialize)]
struct PointJson<'a> {
    #[serde(serialize_with = "as_text")]
    date: NaiveDate,
    leader: Option<&'a str>,
    /// In workspace order.
    scores: Scores<'a>,
    changes: Changes<'a>,
}

/// A point's scores, serialised one at a time.
struct Scores<'a>(&'a Workspace, &'a [ScenarioScore]);

impl Serialize for Scores<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let ws = self.0;
        s.collect_seq(self.1.iter().map(|s| ScoreJson {
            id: &ws.scenarios[s.index].id,
            rank: s.rank,
            probability: s.probability,
            band: s.band,
            likelihood_term: s.likelihood_term,
            weighted_inconsistency: s.weighted_inconsistency,
            inconsistency: s.inconsistency,
        }))
    }
}

/// A point's changes, serialised one at a time.
struct Changes<'a>(&'a Workspace, &'a [Change]);

impl Serialize for Changes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let ws = self.0;
        s.collect_seq(self.1.iter().map(|c| ChangeJson {
            claim: c.subject.id(ws),
            kind: c.kind.as_str(),
            fields: &c.fields,
            log_odds: ByScenario(ws, &c.log_odds),
            weighted_inconsistency: ByScenario(ws, &c.weighted),
        }))
    }
}

fn as_text<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

#[derive(Serialize)]
struct ScoreJson<'a> {
    id: &'a str,
    rank: usize,
    probability: f64,
    /// The probability at both ends of `band_eta` (low first).
    band: [f64; 2],
    likelihood_term: f64,
    weighted_inconsistency: f64,
    inconsistency: u32,
}

#[derive(Serialize)]
struct ChangeJson<'a> {
    claim: String,
    kind: &'static str,
    fields: &'a [String],
    /// Scenario id → change of this claim's part in its log-odds.
    log_odds: ByScenario<'a>,
    weighted_inconsistency: ByScenario<'a>,
}

/// Scenario id → number, a JSON object in scenario order (the shape of
/// [`crate::engine::diff::IdMap`], borrowed).
struct ByScenario<'a>(&'a Workspace, &'a [f64]);

impl Serialize for ByScenario<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let n = self.0.scenarios.len().min(self.1.len());
        let mut m = s.serialize_map(Some(n))?;
        for (sc, v) in self.0.scenarios.iter().zip(self.1) {
            m.serialize_entry(&sc.id, v)?;
        }
        m.end()
    }
}

pub(crate) fn to_json<'a>(ws: &'a Workspace, t: &'a Timeline) -> TimelineJson<'a> {
    TimelineJson {
        version: 1,
        title: &ws.config.title,
        engine: t.engine.as_str(),
        evidence_weight: ws.config.evidence_weight,
        band_eta: ws.config.band,
        from: t.from.map(|d| d.to_string()),
        to: t.to.map(|d| d.to_string()),
        scenarios: ws
            .scenarios
            .iter()
            .map(|s| ScenarioRef {
                id: &s.id,
                // Worded as at the end of the timeline.
                title: t
                    .points
                    .last()
                    .map_or(s.title.as_str(), |p| s.title_as_of(p.date)),
            })
            .collect(),
        points: Points { ws, t },
    }
}

/// One row per (date, scenario), written by the `csv` crate (quoted where a
/// cell holds a comma, a quote or a line break). A cell a spreadsheet would
/// run as a formula (the `changes` column starts with `+id`) gets an
/// apostrophe first ([`neutralise_cell`]).
pub(crate) fn to_csv(ws: &Workspace, t: &Timeline) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let row = |w: &mut csv::Writer<Vec<u8>>, cells: [&str; 9]| {
        w.write_record(cells).expect("writing to memory")
    };
    row(
        &mut w,
        [
            "date",
            "scenario",
            "rank",
            "probability",
            "likelihood_term",
            "weighted_inconsistency",
            "inconsistency",
            "leader",
            "changes",
        ],
    );
    for p in &t.points {
        let leader = p
            .leader()
            .map(|j| ws.scenarios[j].id.as_str())
            .unwrap_or("");
        let changes = change_list(ws, p);
        let date = p.date.to_string();
        for s in &p.scores {
            row(
                &mut w,
                [
                    &date,
                    &neutralise_cell(&ws.scenarios[s.index].id),
                    &s.rank.to_string(),
                    &s.probability.to_string(),
                    &s.likelihood_term.to_string(),
                    &s.weighted_inconsistency.to_string(),
                    &s.inconsistency.to_string(),
                    &neutralise_cell(leader),
                    &neutralise_cell(&changes),
                ],
            );
        }
    }
    let bytes = w.into_inner().expect("writing to memory");
    String::from_utf8(bytes).expect("the cells are UTF-8")
}

/// "+a ~b(credibility) ×c": added, revised (fields), retracted, reinstated,
/// "!indicator s/i" an observation coming into force.
fn change_list(ws: &Workspace, p: &crate::engine::timeline::Point) -> String {
    use crate::engine::timeline::ChangeKind::*;
    p.changes
        .iter()
        .map(|c| {
            let id = c.subject.id(ws);
            match c.kind {
                Added => format!("+{id}"),
                Retracted => format!("×{id}"),
                Reinstated => format!("↺{id}"),
                Revised if c.fields.is_empty() => format!("~{id}"),
                Revised => format!("~{id}({})", c.fields.join(" ")),
                Observed => format!("!{id}"),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The changes of one date as words, for the table a person reads (the CSV
/// and JSON keep their structured form): "added a, b; c: statement revised;
/// d: credibility and statement revised; retracted e; reinstated f; observed
/// indicator s/i". Claims added, retracted, reinstated or observed are listed
/// together in the order of the record; each revision gets its own clause.
fn change_words(ws: &Workspace, p: &crate::engine::timeline::Point) -> String {
    use crate::engine::timeline::ChangeKind::*;
    let and = |v: &[String]| match v.len() {
        0 => String::new(),
        1 => v[0].clone(),
        n => format!("{} and {}", v[..n - 1].join(", "), v[n - 1]),
    };
    let mut clauses: Vec<String> = Vec::new();
    for verb in ["added", "retracted", "reinstated", "observed"] {
        let ids: Vec<String> = p
            .changes
            .iter()
            .filter(|c| {
                matches!(
                    (c.kind, verb),
                    (Added, "added")
                        | (Retracted, "retracted")
                        | (Reinstated, "reinstated")
                        | (Observed, "observed")
                )
            })
            .map(|c| c.subject.id(ws))
            .collect();
        if !ids.is_empty() {
            clauses.push(format!("{verb} {}", ids.join(", ")));
        }
    }
    for c in p.changes.iter().filter(|c| c.kind == Revised) {
        let id = c.subject.id(ws);
        let fields: Vec<String> = c
            .fields
            .iter()
            .map(|f| match f.strip_prefix("ratings.") {
                Some(s) => format!("rating for {s}"),
                None => f.replace('_', " "),
            })
            .collect();
        clauses.push(if fields.is_empty() {
            format!("{id}: revised")
        } else {
            format!("{id}: {} revised", and(&fields))
        });
    }
    clauses.join("; ")
}

/// One line per date: each scenario's probability (bayes) or weighted
/// inconsistency (ach), the leader, and the claims that changed.
pub(crate) fn to_table(ws: &Workspace, t: &Timeline) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} — timeline, engine {}{}",
        ws.config.title,
        t.engine.as_str(),
        match (t.from, t.to) {
            (None, None) => String::new(),
            (f, to) => format!(
                ", {} to {}",
                f.map(|d| d.to_string()).unwrap_or_else(|| "start".into()),
                to.map(|d| d.to_string()).unwrap_or_else(|| "end".into())
            ),
        }
    );
    if t.points.is_empty() {
        let _ = writeln!(o, "no change to the record in this window");
        return o;
    }
    let last = t.points.last().expect("non-empty");
    let mut order: Vec<usize> = (0..ws.scenarios.len()).collect();
    order.sort_by_key(|&j| last.scores[j].rank);
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut head = vec!["date".to_string()];
    head.extend(order.iter().map(|&j| ws.scenarios[j].id.clone()));
    head.push("changes".into());
    rows.push(head);
    for p in &t.points {
        let mut r = vec![p.date.to_string()];
        for &j in &order {
            let s = &p.scores[j];
            let mark = if s.rank == 1 { "*" } else { " " };
            r.push(match t.engine {
                EngineKind::Bayes => format!("{:.1}%{mark}", s.probability * 100.0),
                EngineKind::Ach => format!("{:.2}{mark}", s.weighted_inconsistency),
            });
        }
        r.push(if p.changes.is_empty() {
            "(window start)".into()
        } else {
            change_words(ws, p)
        });
        rows.push(r);
    }
    let n = rows[0].len();
    let lines: Vec<Line> = rows.into_iter().map(Line::Cells).collect();
    o.push_str(&table::render(&lines, |i| i == 0 || i == n - 1, ""));
    let _ = writeln!(
        o,
        "\n* = ranked first.{}",
        if t.engine == EngineKind::Ach {
            " Values: weighted inconsistency (lower is better)."
        } else {
            ""
        }
    );
    o
}

#[cfg(test)]
mod change_word_tests {
    use super::*;
    use crate::engine::timeline::{Change, ChangeKind, Point, Subject};

    #[test]
    fn changes_read_as_words_not_symbols() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small");
        let ws = crate::load::Loader::new(&root).load().unwrap();
        assert!(ws.claims.len() >= 3, "the fixture has three claims or more");
        let change = |i: usize, kind: ChangeKind, fields: &[&str]| Change {
            subject: Subject::Claim(i),
            kind,
            fields: fields.iter().map(|f| f.to_string()).collect(),
            log_odds: Vec::new(),
            weighted: Vec::new(),
        };
        let id = |i: usize| ws.claims[i].id.clone();
        let p = Point {
            date: chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            scores: Vec::new(),
            changes: vec![
                change(0, ChangeKind::Added, &[]),
                change(1, ChangeKind::Revised, &["credibility", "statement"]),
                change(2, ChangeKind::Added, &[]),
                change(2, ChangeKind::Revised, &["ratings.h1"]),
                change(1, ChangeKind::Retracted, &["status"]),
            ],
        };
        assert_eq!(
            change_words(&ws, &p),
            format!(
                "added {}, {}; retracted {}; {}: credibility and statement revised; {}: rating for h1 revised",
                id(0),
                id(2),
                id(1),
                id(1),
                id(2)
            )
        );
        // The CSV keeps the structured form (docs/timeline.md).
        assert!(change_list(&ws, &p).starts_with(&format!(
            "+{} ~{}(credibility statement)",
            id(0),
            id(1)
        )));
    }
}
