//! `kzclaims timeline`: the assessment at every date on which the record
//! changed, as a table, JSON, CSV or an SVG chart (shapes: docs/timeline.md).

use super::{emit, open_workspace_lean, score::EngineArg, Cli, CmdResult, Failure};
use crate::engine::timeline::{timeline, Timeline};
use crate::model::{EngineKind, Workspace};
use crate::report::chart;
use crate::report::table::{self, Line};
use chrono::NaiveDate;
use serde::Serialize;
use std::fmt::Write;
use std::path::PathBuf;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
    Svg,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// First date to show (YYYY-MM-DD; default: `opened` in kzclaims.toml);
    /// earlier changes still count
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    pub from: Option<NaiveDate>,
    /// Last date to show (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    pub to: Option<NaiveDate>,
    /// Ranking engine (default: [scoring] engine in kzclaims.toml)
    #[arg(long, value_enum)]
    pub engine: Option<EngineArg>,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Write to this file (atomically) instead of stdout (`-`: stdout)
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(cli: &Cli, args: &Args) -> CmdResult {
    if let (Some(f), Some(t)) = (args.from, args.to) {
        if f > t {
            return Err(Failure::Usage(format!("--from {f} is after --to {t}")));
        }
    }
    let ws = open_workspace_lean(cli)?;
    let engine = args
        .engine
        .map(EngineKind::from)
        .unwrap_or(ws.config.engine);
    // Left to the operating system at exit, like the workspace: a point per
    // date of a large record.
    // The timeline starts on the day the question was asked (`opened`) unless
    // told otherwise; what came before is its starting point.
    let from = args
        .from
        .or(ws.config.opened.filter(|o| args.to.is_none_or(|t| *o <= t)));
    let t = super::Kept::new(timeline(&ws, engine, from, args.to));
    let text = match args.format {
        Format::Table => crate::report::escape::terminal_lines(&to_table(&ws, &t)).into_owned(),
        // Streamed: the JSON of a large record's timeline outweighs the record.
        Format::Json => {
            let json = super::Kept::new(to_json(&ws, &t));
            return super::emit_json(args.out.as_deref(), &*json);
        }
        Format::Csv => to_csv(&ws, &t),
        Format::Svg => chart::svg(&ws, &t),
    };
    emit(args.out.as_deref(), &text)
}

#[derive(Serialize)]
pub struct TimelineJson {
    /// The shape's version: raised only when a field is renamed or removed.
    pub version: u32,
    pub title: String,
    pub engine: &'static str,
    /// `[scoring] evidence_weight`.
    pub evidence_weight: f64,
    /// `[scoring] band`: the evidence weights of each score's `band`.
    pub band_eta: [f64; 2],
    pub from: Option<String>,
    pub to: Option<String>,
    pub scenarios: Vec<ScenarioRef>,
    pub points: Vec<PointJson>,
}

#[derive(Serialize)]
pub struct ScenarioRef {
    pub id: String,
    pub title: String,
}

#[derive(Serialize)]
pub struct PointJson {
    pub date: String,
    pub leader: Option<String>,
    /// In workspace order.
    pub scores: Vec<ScoreJson>,
    pub changes: Vec<ChangeJson>,
}

#[derive(Serialize)]
pub struct ScoreJson {
    pub id: String,
    pub rank: usize,
    pub probability: f64,
    /// The probability at both ends of `band_eta` (low first).
    pub band: [f64; 2],
    pub likelihood_term: f64,
    pub weighted_inconsistency: f64,
    pub inconsistency: u32,
}

#[derive(Serialize)]
pub struct ChangeJson {
    pub claim: String,
    pub kind: &'static str,
    pub fields: Vec<String>,
    /// Scenario id → change of this claim's part in its log-odds.
    pub log_odds: crate::engine::diff::IdMap,
    pub weighted_inconsistency: crate::engine::diff::IdMap,
}

fn ids(ws: &Workspace, v: &[f64]) -> crate::engine::diff::IdMap {
    crate::engine::diff::IdMap(
        ws.scenarios
            .iter()
            .map(|s| s.id.clone())
            .zip(v.iter().copied())
            .collect(),
    )
}

pub fn to_json(ws: &Workspace, t: &Timeline) -> TimelineJson {
    TimelineJson {
        version: 1,
        title: ws.config.title.clone(),
        engine: t.engine.as_str(),
        evidence_weight: ws.config.evidence_weight,
        band_eta: ws.config.band,
        from: t.from.map(|d| d.to_string()),
        to: t.to.map(|d| d.to_string()),
        scenarios: ws
            .scenarios
            .iter()
            .map(|s| ScenarioRef {
                id: s.id.clone(),
                // Worded as at the end of the timeline.
                title: t
                    .points
                    .last()
                    .map_or(s.title.as_str(), |p| s.title_as_of(p.date))
                    .to_string(),
            })
            .collect(),
        points: t
            .points
            .iter()
            .map(|p| PointJson {
                date: p.date.to_string(),
                leader: p.leader().map(|j| ws.scenarios[j].id.clone()),
                scores: p
                    .scores
                    .iter()
                    .map(|s| ScoreJson {
                        id: ws.scenarios[s.index].id.clone(),
                        rank: s.rank,
                        probability: s.probability,
                        band: s.band,
                        likelihood_term: s.likelihood_term,
                        weighted_inconsistency: s.weighted_inconsistency,
                        inconsistency: s.inconsistency,
                    })
                    .collect(),
                changes: p
                    .changes
                    .iter()
                    .map(|c| ChangeJson {
                        claim: c.subject.id(ws),
                        kind: c.kind.as_str(),
                        fields: c.fields.clone(),
                        log_odds: ids(ws, &c.log_odds),
                        weighted_inconsistency: ids(ws, &c.weighted),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// A CSV cell, quoted when needed; one a spreadsheet would run as a formula
/// (the `changes` column starts with `+id`) gets an apostrophe first
/// ([`crate::interop::csv::neutralise_cell`]).
fn csv_field(s: &str) -> String {
    let s = crate::interop::csv::neutralise_cell(s);
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.into_owned()
    }
}

/// One row per (date, scenario).
pub fn to_csv(ws: &Workspace, t: &Timeline) -> String {
    let mut o = String::from(
        "date,scenario,rank,probability,likelihood_term,weighted_inconsistency,inconsistency,leader,changes\n",
    );
    for p in &t.points {
        let leader = p
            .leader()
            .map(|j| ws.scenarios[j].id.as_str())
            .unwrap_or("");
        let changes = change_list(ws, p);
        for s in &p.scores {
            let _ = writeln!(
                o,
                "{},{},{},{},{},{},{},{},{}",
                p.date,
                csv_field(&ws.scenarios[s.index].id),
                s.rank,
                s.probability,
                s.likelihood_term,
                s.weighted_inconsistency,
                s.inconsistency,
                csv_field(leader),
                csv_field(&changes)
            );
        }
    }
    o
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

/// One line per date: each scenario's probability (bayes) or weighted
/// inconsistency (ach), the leader, and the claims that changed.
pub fn to_table(ws: &Workspace, t: &Timeline) -> String {
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
            change_list(ws, p)
        });
        rows.push(r);
    }
    let n = rows[0].len();
    let lines: Vec<Line> = rows.into_iter().map(Line::Cells).collect();
    o.push_str(&table::render(&lines, |i| i == 0 || i == n - 1, ""));
    let _ = writeln!(
        o,
        "\n* = ranked first. changes: +added ~revised(fields) ×retracted ↺reinstated.{}",
        if t.engine == EngineKind::Ach {
            " Values: weighted inconsistency (lower is better)."
        } else {
            ""
        }
    );
    o
}
