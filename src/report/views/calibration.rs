//! `kzclaims calibration` output: scores of past assessments against what
//! happened, and the calibration table, as text, JSON or an SVG chart.

use crate::engine::calibration::{self, Bin, Forecast, IndicatorForecast, PartScore, ViewScore};
use crate::engine::history::{self, Recorded};
use crate::model::*;
use crate::report::format::num;
use crate::report::table;
use chrono::NaiveDate;
use serde::Serialize;
use std::fmt::Write;

#[derive(Debug, Serialize)]
pub(crate) struct CalibrationJson {
    /// The shape's version: raised only when a field is renamed or removed.
    pub version: u32,
    pub questions: Vec<QuestionJson>,
    pub indicators: Vec<IndicatorJson>,
    /// Calibration table over every question (team view) and indicator.
    pub bins: Vec<BinJson>,
    /// The indicator forecasts made at the time and the reconstructed ones,
    /// scored apart; present when the workspaces' git history is read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indicator_parts: Option<PartsJson>,
}

/// Real forecasts and reconstructions scored apart (docs/scoring.md, "Real
/// forecasts and reconstructions"); `null` for a part with nothing in it.
#[derive(Debug, Serialize)]
pub(crate) struct PartsJson {
    pub real: Option<PartJson>,
    pub reconstructed: Option<PartJson>,
}

#[derive(Debug, Serialize)]
pub(crate) struct PartJson {
    /// Assessments (or indicator forecasts) in the part.
    pub assessments: usize,
    /// Days they stood (0 for indicator forecasts).
    pub days: i64,
    pub brier: f64,
    pub log: f64,
    pub baseline: f64,
}

fn part_json(p: Option<PartScore>) -> Option<PartJson> {
    p.map(|p| PartJson {
        assessments: p.assessments,
        days: p.days,
        brier: p.brier,
        log: p.log,
        baseline: p.baseline,
    })
}

#[derive(Debug, Serialize)]
pub(crate) struct QuestionJson {
    pub title: String,
    pub question: String,
    pub resolved: String,
    pub outcome: String,
    pub scenarios: Vec<String>,
    pub views: Vec<ViewJson>,
    /// The team's real forecasts and reconstructions scored apart; present
    /// when the workspace's git history is read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parts: Option<PartsJson>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ViewJson {
    pub view: String,
    /// Time-averaged scores.
    pub brier: f64,
    pub log: f64,
    pub baseline: f64,
    pub updates: Vec<UpdateJson>,
}

#[derive(Debug, Serialize)]
pub(crate) struct UpdateJson {
    pub date: String,
    pub days: i64,
    /// Scenario id → posterior.
    pub probabilities: serde_json::Map<String, serde_json::Value>,
    pub brier: f64,
    pub log: f64,
    pub baseline: f64,
    /// Whether every claim and revision in force on that date had been
    /// recorded by then; present when the git history is read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub real: Option<bool>,
}

#[derive(Debug, Serialize)]
pub(crate) struct IndicatorJson {
    pub workspace: String,
    pub scenario: String,
    pub indicator: String,
    pub text: String,
    pub date: String,
    pub observed: bool,
    pub probability: f64,
    pub brier: f64,
    pub log: f64,
    pub baseline: f64,
    /// Whether the forecast (the day before the first observation) rested
    /// only on claims recorded by then; present when the git history is read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub real: Option<bool>,
}

#[derive(Debug, Serialize)]
pub(crate) struct BinJson {
    pub low: f64,
    pub high: f64,
    pub count: usize,
    pub weight: f64,
    pub mean_forecast: f64,
    pub observed_frequency: f64,
}

/// Everything resolved in a set of workspaces (by `cutoff`, or ever).
pub(crate) fn collect(workspaces: &[Workspace], cutoff: Option<NaiveDate>) -> CalibrationJson {
    collect_with(workspaces, &vec![None; workspaces.len()], cutoff)
}

/// [`collect`], each workspace with when its records were first committed
/// (`None`: no history read), which splits real forecasts from
/// reconstructions.
pub(crate) fn collect_with(
    workspaces: &[Workspace],
    recorded: &[Option<&Recorded>],
    cutoff: Option<NaiveDate>,
) -> CalibrationJson {
    let mut questions = Vec::new();
    let mut indicators = Vec::new();
    let mut forecasts: Vec<Forecast> = Vec::new();
    let mut ind_real: Vec<(IndicatorForecast, bool)> = Vec::new();
    let any_history = recorded.iter().any(Option::is_some);
    for (ws, rec) in workspaces.iter().zip(recorded) {
        let q = calibration::question_scores(ws, cutoff);
        let ind = calibration::indicator_forecasts(ws, cutoff);
        forecasts.extend(calibration::forecasts(
            q.as_ref().map(|(o, v)| (*o, &v[0])),
            &ind,
        ));
        if let Some((outcome, views)) = &q {
            let real = rec.map(|r| {
                let dates: Vec<NaiveDate> = views[0].updates.iter().map(|u| u.date).collect();
                history::real_forecasts(ws, r, &dates)
            });
            questions.push(question_json(ws, *outcome, views, real.as_deref()));
        }
        let real = rec.map(|r| {
            let days: Vec<NaiveDate> = ind.iter().map(calibration::forecast_day).collect();
            history::real_forecasts(ws, r, &days)
        });
        for (k, i) in ind.iter().enumerate() {
            let flag = real.as_ref().map(|r| r[k]);
            indicators.push(indicator_json(ws, i, flag));
            if let Some(f) = flag {
                ind_real.push((i.clone(), f));
            }
        }
    }
    let indicator_parts = (any_history && !ind_real.is_empty()).then(|| {
        let all: Vec<IndicatorForecast> = ind_real.iter().map(|(f, _)| f.clone()).collect();
        PartsJson {
            real: part_json(calibration::indicator_part(&all, |i| ind_real[i].1)),
            reconstructed: part_json(calibration::indicator_part(&all, |i| !ind_real[i].1)),
        }
    });
    CalibrationJson {
        version: 1,
        indicator_parts,
        questions,
        indicators,
        bins: calibration::bins(&forecasts)
            .into_iter()
            .map(|b: Bin| BinJson {
                low: b.low,
                high: b.high,
                count: b.count,
                weight: b.weight,
                mean_forecast: b.mean_forecast,
                observed_frequency: b.observed_frequency,
            })
            .collect(),
    }
}

fn question_json(
    ws: &Workspace,
    outcome: usize,
    views: &[ViewScore],
    real: Option<&[bool]>,
) -> QuestionJson {
    let r = ws.config.resolution.as_ref().expect("resolved");
    QuestionJson {
        parts: real.map(|real| PartsJson {
            real: part_json(calibration::part_score(&views[0].updates, |i| real[i])),
            reconstructed: part_json(calibration::part_score(&views[0].updates, |i| !real[i])),
        }),
        title: ws.config.title.clone(),
        question: ws.config.question.clone(),
        resolved: r.date.to_string(),
        outcome: ws.scenarios[outcome].id.clone(),
        scenarios: ws.scenarios.iter().map(|s| s.id.clone()).collect(),
        views: views
            .iter()
            .map(|v| ViewJson {
                view: v.view.clone(),
                brier: v.brier,
                log: v.log,
                baseline: v.baseline,
                updates: v
                    .updates
                    .iter()
                    .enumerate()
                    .map(|(k, u)| UpdateJson {
                        real: real.map(|r| r[k]),
                        date: u.date.to_string(),
                        days: u.days,
                        probabilities: ws
                            .scenarios
                            .iter()
                            .zip(&u.probabilities)
                            .map(|(s, p)| (s.id.clone(), serde_json::json!(p)))
                            .collect(),
                        brier: u.brier,
                        log: u.log,
                        baseline: u.baseline,
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn indicator_json(ws: &Workspace, i: &IndicatorForecast, real: Option<bool>) -> IndicatorJson {
    let s = &ws.scenarios[i.scenario];
    let ind = &s.indicators[i.indicator];
    IndicatorJson {
        real,
        workspace: ws.config.title.clone(),
        scenario: s.id.clone(),
        indicator: ind.id.clone(),
        text: ind.text.clone(),
        date: i.date.to_string(),
        observed: i.observed,
        probability: i.probability,
        brier: i.brier,
        log: i.log,
        baseline: i.baseline,
    }
}

fn aligned(out: &mut String, rows: &[Vec<String>], left: usize) {
    out.push_str(&table::render(
        &table::with_header(rows.to_vec()),
        |i| i < left,
        "",
    ));
}

/// One resolved question: each view's scores, the parts, and the team's
/// assessments one by one.
fn question_table(out: &mut String, q: &QuestionJson) {
    let _ = writeln!(out, "\n{}: {}", q.title, q.question);
    let _ = writeln!(out, "resolved {}: {}", q.resolved, q.outcome);
    let _ = writeln!(
        out,
        "scores are averaged over the days each assessment stood (Brier 0 best, 2 worst; log 0 best; baseline 0 = uniform forecast)\n"
    );
    let mut rows = vec![vec![
        "view".to_string(),
        "Brier".into(),
        "log".into(),
        "baseline".into(),
    ]];
    for v in &q.views {
        rows.push(vec![
            v.view.clone(),
            num(v.brier, 3),
            num(v.log, 3),
            num(v.baseline, 1),
        ]);
    }
    aligned(out, &rows, 1);
    if let Some(p) = &q.parts {
        parts_table(out, p, "team assessments", true);
    }
    if let Some(team) = q.views.first() {
        let _ = writeln!(out, "\nteam assessments:");
        let mut rows = vec![vec![
            "date".to_string(),
            "days".into(),
            format!("p({})", q.outcome),
            "Brier".into(),
            "log".into(),
        ]];
        let marked = q.parts.is_some();
        if marked {
            rows[0].push("recorded".into());
        }
        for u in &team.updates {
            let mut row = vec![
                u.date.clone(),
                u.days.to_string(),
                format!(
                    "{:.3}",
                    u.probabilities[&q.outcome].as_f64().unwrap_or(f64::NAN)
                ),
                num(u.brier, 3),
                num(u.log, 3),
            ];
            if marked {
                row.push(recorded_word(u.real).into());
            }
            rows.push(row);
        }
        aligned(out, &rows, 1);
    }
}

pub(crate) fn to_table(c: &CalibrationJson) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Calibration: {} resolved question{}, {} resolved indicator{}",
        c.questions.len(),
        if c.questions.len() == 1 { "" } else { "s" },
        c.indicators.len(),
        if c.indicators.len() == 1 { "" } else { "s" },
    );
    if c.questions.is_empty() && c.indicators.is_empty() {
        let _ = writeln!(
            out,
            "Nothing to score yet: add [resolution] to kzclaims.toml when the question resolves, or observations to indicators that have likelihoods."
        );
        return out;
    }
    for q in &c.questions {
        question_table(&mut out, q);
    }
    if !c.indicators.is_empty() {
        let _ = writeln!(
            out,
            "\nindicators (forecast: probability of observing it, the day before it was first observed):"
        );
        let mut rows = vec![vec![
            "date".to_string(),
            "indicator".into(),
            "observed".into(),
            "forecast".into(),
            "Brier".into(),
            "log".into(),
        ]];
        let marked = c.indicator_parts.is_some();
        if marked {
            rows[0].push("recorded".into());
        }
        for i in &c.indicators {
            let mut row = vec![
                i.date.clone(),
                format!("{}/{}", i.scenario, i.indicator),
                if i.observed { "yes" } else { "no" }.into(),
                format!("{:.3}", i.probability),
                num(i.brier, 3),
                num(i.log, 3),
            ];
            if marked {
                row.push(recorded_word(i.real).into());
            }
            rows.push(row);
        }
        aligned(&mut out, &rows, 2);
        if let Some(p) = &c.indicator_parts {
            parts_table(&mut out, p, "indicator forecasts", false);
        }
    }
    let _ = writeln!(
        out,
        "\ncalibration table (question forecasts weighted by the share of time they stood; indicators weigh 1):"
    );
    let mut rows = vec![vec![
        "stated".to_string(),
        "forecasts".into(),
        "weight".into(),
        "mean stated".into(),
        "observed".into(),
    ]];
    for b in &c.bins {
        rows.push(vec![
            format!("{:.0}–{:.0}%", b.low * 100.0, b.high * 100.0),
            b.count.to_string(),
            format!("{:.2}", b.weight),
            format!("{:.3}", b.mean_forecast),
            format!("{:.3}", b.observed_frequency),
        ]);
    }
    aligned(&mut out, &rows, 1);
    out
}

/// "real" or "reconstruction", for a row's `recorded` column.
fn recorded_word(real: Option<bool>) -> &'static str {
    match real {
        Some(true) => "real",
        Some(false) => "reconstruction",
        None => "",
    }
}

/// The real forecasts, then the reconstructions, each scored on its own.
/// `timed`: the parts' days are shown (the question's assessments stood for
/// days; indicator forecasts are single days).
fn parts_table(out: &mut String, p: &PartsJson, what: &str, timed: bool) {
    let _ = writeln!(
        out,
        "\n{what}, real forecasts (every claim in force recorded by then, by the git history) and reconstructions scored apart:"
    );
    let mut rows = vec![vec![
        "part".to_string(),
        "count".into(),
        "days".into(),
        "Brier".into(),
        "log".into(),
        "baseline".into(),
    ]];
    for (name, part) in [
        ("real forecasts", &p.real),
        ("reconstructions", &p.reconstructed),
    ] {
        rows.push(match part {
            Some(x) => vec![
                name.to_string(),
                x.assessments.to_string(),
                if timed {
                    x.days.to_string()
                } else {
                    "-".into()
                },
                num(x.brier, 3),
                num(x.log, 3),
                num(x.baseline, 1),
            ],
            None => vec![
                name.to_string(),
                "0".into(),
                "-".into(),
                "-".into(),
                "-".into(),
                "-".into(),
            ],
        });
    }
    aligned(out, &rows, 1);
    if p.real.is_none() {
        let _ = writeln!(
            out,
            "\nThere are no real forecasts to score: every one rests on claims recorded after its date."
        );
    }
}

/// Text in the SVG: escaped, and well-formed XML whatever it holds.
fn esc(s: &str) -> String {
    crate::report::escape::svg(s)
}

/// A reliability diagram: stated probability (x) against observed frequency
/// (y) per bin, dot area proportional to weight, the diagonal for perfect
/// calibration. Deterministic: fixed size, fixed number formats.
pub(crate) fn to_svg(c: &CalibrationJson) -> String {
    const W: f64 = 480.0;
    let h: f64 = 480.0 + 16.0 * c.questions.len().saturating_sub(1) as f64;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W:.0}" height="{h:.0}" viewBox="0 0 {W:.0} {h:.0}" font-family="Helvetica, Arial, sans-serif" font-size="12">"#
    );
    let title = match c.questions.first() {
        Some(q) if c.questions.len() == 1 => format!("Calibration: {}", q.title),
        _ => "Calibration".to_string(),
    };
    let _ = writeln!(out, r#"<title>{}</title>"#, esc(&title));
    let _ = writeln!(
        out,
        r##"<rect x="0" y="0" width="{W:.0}" height="{h:.0}" fill="#ffffff"/>"##
    );
    let _ = writeln!(
        out,
        r#"<text x="{:.1}" y="24" text-anchor="middle" font-size="15" font-weight="bold">{}</text>"#,
        W / 2.0,
        esc(&title)
    );
    grid_and_axes(&mut out);
    points(&mut out, c);
    scores(&mut out, c);
    let _ = writeln!(out, "</svg>");
    out
}

/// The reliability diagram's plot: left, top and side.
const L: f64 = 60.0;
const T: f64 = 50.0;
const S: f64 = 360.0;

/// The grid every 10% (labelled every 20%), the frame, the diagonal of
/// perfect calibration and the axis titles.
fn grid_and_axes(out: &mut String) {
    let x = |p: f64| L + p * S;
    let y = |p: f64| T + (1.0 - p) * S;
    for k in 0..=10 {
        let p = k as f64 / 10.0;
        let _ = writeln!(
            out,
            r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#e4e4e4"/>"##,
            x(p),
            y(0.0),
            x(p),
            y(1.0)
        );
        let _ = writeln!(
            out,
            r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#e4e4e4"/>"##,
            x(0.0),
            y(p),
            x(1.0),
            y(p)
        );
        if k % 2 == 0 {
            let _ = writeln!(
                out,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{:.0}%</text>"#,
                x(p),
                y(0.0) + 18.0,
                p * 100.0
            );
            let _ = writeln!(
                out,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{:.0}%</text>"#,
                x(0.0) - 6.0,
                y(p) + 4.0,
                p * 100.0
            );
        }
    }
    let _ = writeln!(
        out,
        r##"<rect x="{L:.1}" y="{T:.1}" width="{S:.1}" height="{S:.1}" fill="none" stroke="#333333"/>"##
    );
    let _ = writeln!(
        out,
        r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#999999" stroke-dasharray="4 4"/>"##,
        x(0.0),
        y(0.0),
        x(1.0),
        y(1.0)
    );
    let _ = writeln!(
        out,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">stated probability</text>"#,
        L + S / 2.0,
        T + S + 38.0
    );
    let _ = writeln!(
        out,
        r#"<text x="16" y="{:.1}" text-anchor="middle" transform="rotate(-90 16 {:.1})">observed frequency</text>"#,
        T + S / 2.0,
        T + S / 2.0
    );
}

/// The bins as dots (area by weight), joined in order.
fn points(out: &mut String, c: &CalibrationJson) {
    let x = |p: f64| L + p * S;
    let y = |p: f64| T + (1.0 - p) * S;
    let max_w = c.bins.iter().map(|b| b.weight).fold(0.0f64, f64::max);
    if c.bins.len() > 1 {
        let pts: Vec<String> = c
            .bins
            .iter()
            .map(|b| format!("{:.1},{:.1}", x(b.mean_forecast), y(b.observed_frequency)))
            .collect();
        let _ = writeln!(
            out,
            r##"<polyline points="{}" fill="none" stroke="#7a6a3a" stroke-width="1.5"/>"##,
            pts.join(" ")
        );
    }
    for b in &c.bins {
        let r = if max_w > 0.0 {
            4.0 + 10.0 * (b.weight / max_w).sqrt()
        } else {
            4.0
        };
        let _ = writeln!(
            out,
            r##"<circle cx="{:.1}" cy="{:.1}" r="{:.1}" fill="#7a6a3a" fill-opacity="0.7"><title>{:.0}–{:.0}%: {} forecasts, weight {:.2}, mean stated {:.3}, observed {:.3}</title></circle>"##,
            x(b.mean_forecast),
            y(b.observed_frequency),
            r,
            b.low * 100.0,
            b.high * 100.0,
            b.count,
            b.weight,
            b.mean_forecast,
            b.observed_frequency
        );
    }
}

/// Each question's Brier and log scores under the plot, or a note that
/// nothing is resolved.
fn scores(out: &mut String, c: &CalibrationJson) {
    let mut line = T + S + 58.0;
    for q in &c.questions {
        if let Some(v) = q.views.first() {
            let _ = writeln!(
                out,
                r#"<text x="{L:.1}" y="{line:.1}">{}: Brier {}, log {} (resolved {}: {})</text>"#,
                esc(&q.title),
                num(v.brier, 3),
                num(v.log, 3),
                esc(&q.resolved),
                esc(&q.outcome)
            );
            line += 16.0;
        }
    }
    if c.bins.is_empty() {
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">nothing resolved yet</text>"#,
            L + S / 2.0,
            T + S / 2.0
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One question resolved for `b`, two team updates (p(b) 0.2 for 10
    /// days, then 0.8 for 30), and one indicator; scores set by hand:
    /// Brier of p(b) = 0.8 over two scenarios is (1 − 0.8)² + 0.2² = 0.08;
    /// log is ln 0.8 = −0.223.
    fn sample() -> CalibrationJson {
        let probs = |pb: f64| {
            let mut m = serde_json::Map::new();
            m.insert("a".into(), (1.0 - pb).into());
            m.insert("b".into(), pb.into());
            m
        };
        let update = |date: &str, days, pb: f64| UpdateJson {
            date: date.into(),
            days,
            probabilities: probs(pb),
            brier: 2.0 * (1.0 - pb) * (1.0 - pb),
            log: pb.ln(),
            baseline: pb.ln() - 0.5f64.ln(),
            real: None,
        };
        CalibrationJson {
            version: 1,
            questions: vec![QuestionJson {
                title: "Q <1> & \"2\"".into(),
                question: "Which?".into(),
                resolved: "2024-03-01".into(),
                outcome: "b".into(),
                scenarios: vec!["a".into(), "b".into()],
                views: vec![ViewJson {
                    view: "team".into(),
                    brier: (10.0 * 1.28 + 30.0 * 0.08) / 40.0,
                    log: f64::NEG_INFINITY,
                    baseline: 0.25,
                    updates: vec![update("2024-01-01", 10, 0.2), update("2024-01-11", 30, 0.8)],
                }],
                parts: None,
            }],
            indicators: vec![IndicatorJson {
                workspace: ".".into(),
                scenario: "b".into(),
                indicator: "troops".into(),
                text: "Troops move".into(),
                date: "2024-02-01".into(),
                observed: true,
                probability: 0.6,
                brier: 0.16,
                log: 0.6f64.ln(),
                baseline: 0.0,
                real: None,
            }],
            bins: vec![
                BinJson {
                    low: 0.2,
                    high: 0.3,
                    count: 1,
                    weight: 0.25,
                    mean_forecast: 0.25,
                    observed_frequency: 0.5,
                },
                BinJson {
                    low: 0.8,
                    high: 0.9,
                    count: 2,
                    weight: 1.0,
                    mean_forecast: 0.8,
                    observed_frequency: 1.0,
                },
            ],
            indicator_parts: None,
        }
    }

    /// The cells of the line of `table` that starts with `first`.
    fn row<'t>(table: &'t str, first: &str) -> Vec<&'t str> {
        table
            .lines()
            .find(|l| l.trim_start().starts_with(first))
            .unwrap_or_else(|| panic!("no row {first:?} in\n{table}"))
            .split_whitespace()
            .collect()
    }

    #[test]
    fn numbers_spell_out_minus_infinity() {
        assert_eq!(num(f64::NEG_INFINITY, 3), "-inf");
        assert_eq!(num(0.12349, 3), "0.123");
        assert_eq!(num(-0.2231, 1), "-0.2");
    }

    #[test]
    fn the_table_shows_each_score_as_computed() {
        let t = to_table(&sample());
        assert!(
            t.starts_with("Calibration: 1 resolved question, 1 resolved indicator\n"),
            "{t}"
        );
        assert!(
            t.contains("\nQ <1> & \"2\": Which?\nresolved 2024-03-01: b\n"),
            "{t}"
        );
        // (10·1.28 + 30·0.08)/40 = 0.38; a log of −∞ is written out.
        assert_eq!(row(&t, "team "), ["team", "0.380", "-inf", "0.2"]);
        // Team updates: the probability of the outcome, Brier, log.
        assert_eq!(
            row(&t, "2024-01-01"),
            ["2024-01-01", "10", "0.200", "1.280", "-1.609"]
        );
        assert_eq!(
            row(&t, "2024-01-11"),
            ["2024-01-11", "30", "0.800", "0.080", "-0.223"]
        );
        assert_eq!(
            row(&t, "2024-02-01"),
            ["2024-02-01", "b/troops", "yes", "0.600", "0.160", "-0.511"]
        );
        assert_eq!(row(&t, "20–30%"), ["20–30%", "1", "0.25", "0.250", "0.500"]);
        assert_eq!(row(&t, "80–90%"), ["80–90%", "2", "1.00", "0.800", "1.000"]);
        assert!(
            !t.contains("recorded"),
            "no history read: no recorded column"
        );
    }

    #[test]
    fn nothing_resolved_says_so() {
        let mut c = sample();
        c.questions.clear();
        c.indicators.clear();
        let t = to_table(&c);
        assert!(
            t.starts_with(
                "Calibration: 0 resolved questions, 0 resolved indicators\nNothing to score yet"
            ),
            "{t}"
        );
    }

    #[test]
    fn the_chart_places_each_bin_and_escapes_titles() {
        let c = sample();
        let svg = to_svg(&c);
        let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
        let circles: Vec<[String; 3]> = doc
            .descendants()
            .filter(|n| n.has_tag_name("circle"))
            .map(|n| ["cx", "cy", "r"].map(|a| n.attribute(a).unwrap().to_string()))
            .collect();
        // x = 60 + 360·p, y = 50 + 360·(1 − f); radius 4 + 10·√(w / max w).
        assert_eq!(
            circles,
            [
                ["150.0", "230.0", "9.0"].map(String::from),
                ["348.0", "50.0", "14.0"].map(String::from),
            ]
        );
        assert!(svg.contains("points=\"150.0,230.0 348.0,50.0\""), "{svg}");
        // One question: the title names it, escaped.
        let title = doc
            .descendants()
            .find(|n| n.has_tag_name("title"))
            .and_then(|n| n.text());
        assert_eq!(title, Some("Calibration: Q <1> & \"2\""));
        assert!(
            svg.contains("Brier 0.380, log -inf (resolved 2024-03-01: b)"),
            "{svg}"
        );
        assert_eq!(svg, to_svg(&sample()), "deterministic");
        // More questions make the chart taller, 16 px a line.
        let mut three = sample();
        three.questions.push(sample().questions.remove(0));
        three.questions.push(sample().questions.remove(0));
        assert!(to_svg(&three).contains(r#"height="512""#));
    }
}
