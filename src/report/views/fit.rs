//! `kzclaims calibration --fit` output: how the resolved record would have
//! scored at each evidence weight η, the best η and how much it matters, as a
//! table or JSON.

use crate::engine::calibration::{Fit, FitPoint};
use crate::model::*;
use crate::report::format::num;
use crate::report::table;
use serde::Serialize;
use std::fmt::Write;

/// `kzclaims calibration --fit --format json` (docs/json.md).
#[derive(Debug, Serialize)]
pub(crate) struct FitJson {
    /// The shape's version: raised only when a field is renamed or removed.
    pub version: u32,
    /// Titles of the workspaces whose resolved questions were re-scored.
    pub questions: Vec<String>,
    /// Mean time-averaged scores at η = 0.1, …, 1.0.
    pub points: Vec<PointJson>,
    /// The same at the configured η.
    pub configured: PointJson,
    /// The η with the best mean log score.
    pub best_eta: Option<f64>,
    /// The η with the best mean Brier score.
    pub best_eta_brier: Option<f64>,
    pub summary: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct PointJson {
    pub eta: f64,
    pub log: f64,
    pub brier: f64,
}

fn point(p: &FitPoint) -> PointJson {
    PointJson {
        eta: p.eta,
        log: p.log,
        brier: p.brier,
    }
}

/// A log-score difference below this is "hardly matters".
const NEGLIGIBLE: f64 = 0.01;

/// The plain sentence on the best η and how much it matters.
pub(crate) fn summary(f: &Fit) -> String {
    let n = f.questions.len();
    let best = &f.points[f.best];
    let cfg = &f.configured;
    let over = format!(
        "Over {n} resolved question{}",
        if n == 1 { "" } else { "s" }
    );
    let diff = best.log - cfg.log;
    if (best.eta - cfg.eta).abs() < 1e-9 {
        let worst = f
            .points
            .iter()
            .min_by(|a, b| a.log.total_cmp(&b.log))
            .expect("ten points");
        let spread = best.log - worst.log;
        return format!(
            "{over}, the configured evidence weight η = {} would have scored best (mean log score {}); the worst, η = {:.1}, scores {}{}.",
            cfg.eta,
            num(best.log, 3),
            worst.eta,
            num(worst.log, 3),
            if spread < NEGLIGIBLE {
                ": the choice hardly matters here"
            } else {
                ""
            }
        );
    }
    if diff < NEGLIGIBLE {
        return format!(
            "{over}, η = {:.1} would have scored best (mean log score {}), against {} at the configured η = {}: the choice hardly matters here.",
            best.eta,
            num(best.log, 3),
            num(cfg.log, 3),
            cfg.eta
        );
    }
    let ratio = if diff.is_finite() {
        format!(
            "the eventual answer would have been given {:.2} times the probability, on a geometric average over the days each assessment stood",
            diff.exp()
        )
    } else {
        "at the configured η an assessment gave the eventual answer no probability at all"
            .to_string()
    };
    format!(
        "{over}, η = {:.1} would have scored best (mean log score {}, against {} at the configured η = {}): {ratio}.",
        best.eta,
        num(best.log, 3),
        num(cfg.log, 3),
        cfg.eta
    )
}

pub(crate) fn to_json(workspaces: &[Workspace], f: Option<&Fit>) -> FitJson {
    match f {
        None => FitJson {
            version: 1,
            questions: Vec::new(),
            points: Vec::new(),
            configured: PointJson {
                eta: workspaces
                    .first()
                    .map(crate::engine::calibration::configured_eta)
                    .unwrap_or(1.0),
                log: f64::NAN,
                brier: f64::NAN,
            },
            best_eta: None,
            best_eta_brier: None,
            summary: NOTHING.into(),
        },
        Some(f) => FitJson {
            version: 1,
            questions: f
                .questions
                .iter()
                .map(|&i| workspaces[i].config.title.clone())
                .collect(),
            points: f.points.iter().map(point).collect(),
            configured: point(&f.configured),
            best_eta: Some(f.points[f.best].eta),
            best_eta_brier: Some(f.points[f.best_brier].eta),
            summary: summary(f),
        },
    }
}

const NOTHING: &str =
    "Nothing to fit: no question has resolved. Add [resolution] to kzclaims.toml when it does.";

pub(crate) fn to_table(workspaces: &[Workspace], f: Option<&Fit>) -> String {
    let Some(f) = f else {
        return format!("{NOTHING}\n");
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Evidence weight fitted to the record: {} (each history re-scored at every η)",
        f.questions
            .iter()
            .map(|&i| workspaces[i].config.title.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    );
    let _ = writeln!(
        out,
        "mean over questions of the scores averaged over the days each assessment stood (log 0 best; Brier 0 best, 2 worst)\n"
    );
    let mut rows = vec![vec![
        "η".to_string(),
        "log".into(),
        "Brier".into(),
        "note".into(),
    ]];
    for (k, p) in f.points.iter().enumerate() {
        let mut mark = Vec::new();
        if k == f.best {
            mark.push("best log");
        }
        if k == f.best_brier {
            mark.push("best Brier");
        }
        if (p.eta - f.configured.eta).abs() < 1e-9 {
            mark.push("configured");
        }
        rows.push(vec![
            format!("{:.1}", p.eta),
            num(p.log, 4),
            num(p.brier, 4),
            mark.join(", "),
        ]);
    }
    if !f
        .points
        .iter()
        .any(|p| (p.eta - f.configured.eta).abs() < 1e-9)
    {
        rows.push(vec![
            format!("{}", f.configured.eta),
            num(f.configured.log, 4),
            num(f.configured.brier, 4),
            "configured".into(),
        ]);
    }
    out.push_str(&table::render(&table::with_header(rows), |i| i == 3, ""));
    let _ = writeln!(out, "\n{}", summary(f));
    out
}
