//! The HTML report's visual parts: the evidence matrix (claims × scenarios,
//! most diagnostic first) and the inline charts, computed from one
//! assessment for the memo templates.

use super::chart;
use crate::engine::{timeline, Assessment, Row};
use crate::model::*;
use crate::report::format::percent;
use crate::report::views::calibration;
use serde::Serialize;

/// One cell of the matrix: the rating, and a CSS class for its colour.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixCell {
    /// "CC", "C", "N", "I", "II", "NA".
    pub rating: String,
    /// "cc", "c", "n", "i", "ii", "na".
    pub class: &'static str,
    /// "very consistent", …: for screen readers and the legend.
    pub meaning: &'static str,
}

/// One claim's row.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixRow {
    pub id: String,
    pub date: String,
    pub statement: String,
    /// Earlier wordings replaced by revisions in force, oldest first.
    pub superseded: Vec<String>,
    pub url: Option<String>,
    pub group: Option<String>,
    /// Retracted as of the memo's date: shown struck through, counts for nothing.
    pub retracted: bool,
    pub revisions: usize,
    pub credibility: u8,
    pub trust_text: String,
    pub diagnosticity: f64,
    pub diagnosticity_text: String,
    /// In the order of `MatrixView::scenarios`.
    pub cells: Vec<MatrixCell>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MatrixScenario {
    pub id: String,
    pub title: String,
    pub percent: String,
}

/// Claims × scenarios, most diagnostic first, retracted claims last.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixView {
    /// In rank order.
    pub scenarios: Vec<MatrixScenario>,
    pub rows: Vec<MatrixRow>,
    /// Whether any claim names a group (the matrix then shows the column).
    pub has_groups: bool,
    /// The small optional script that sorts the matrix by a column.
    pub sort_script: &'static str,
}

/// Sorting the matrix by a column: inline in the HTML report, and part of the
/// script `kzclaims serve` serves (its CSP allows no inline script).
pub(crate) const SORT_JS: &str = include_str!("sort.js");

fn cell(r: Rating) -> MatrixCell {
    let class = match r {
        Rating::CC => "cc",
        Rating::C => "c",
        Rating::N => "n",
        Rating::I => "i",
        Rating::II => "ii",
        Rating::NA => "na",
    };
    let meaning = r.meaning();
    MatrixCell {
        rating: r.to_string(),
        class,
        meaning,
    }
}

fn superseded(ws: &Workspace, r: &Row) -> Vec<String> {
    let c = &ws.claims[r.state.claim];
    let mut out = vec![c.statement.clone()];
    for rev in c.revisions.iter().take(r.state.revisions_applied) {
        if let Some(s) = &rev.statement {
            out.push(s.clone());
        }
    }
    out.pop();
    out
}

pub(crate) fn matrix_view(ws: &Workspace, a: &Assessment) -> MatrixView {
    let ranking = a.ranking();
    let mut rows: Vec<&Row> = a.rows.iter().collect();
    rows.sort_by(|x, y| {
        let key = |r: &Row| (!r.counts(), -r.diagnosticity);
        let (kx, ky) = (key(x), key(y));
        kx.0.cmp(&ky.0)
            .then(kx.1.total_cmp(&ky.1))
            .then_with(|| (x.state.claim).cmp(&y.state.claim))
    });
    let rows: Vec<MatrixRow> = rows
        .into_iter()
        .map(|r| {
            let c = &ws.claims[r.state.claim];
            MatrixRow {
                id: c.id.clone(),
                date: c.date.to_string(),
                statement: r.state.statement(ws).to_string(),
                superseded: superseded(ws, r),
                url: r
                    .state
                    .url(ws)
                    .filter(|u| is_safe_url(u))
                    .map(str::to_string),
                group: c.group.clone(),
                retracted: !r.counts(),
                revisions: r.state.revisions_applied,
                credibility: r.state.credibility.0,
                trust_text: format!("{:.2}", r.trust),
                diagnosticity: r.diagnosticity,
                diagnosticity_text: if r.diagnostic {
                    format!("{:.2}", r.diagnosticity)
                } else {
                    "–".into()
                },
                cells: ranking.iter().map(|&j| cell(r.state.ratings[j])).collect(),
            }
        })
        .collect();
    MatrixView {
        scenarios: ranking
            .iter()
            .map(|&j| MatrixScenario {
                id: ws.scenarios[j].id.clone(),
                title: ws.scenarios[j].title_as_of(a.as_of).to_string(),
                percent: percent(a.scores[j].probability),
            })
            .collect(),
        has_groups: rows.iter().any(|r| r.group.is_some()),
        sort_script: SORT_JS,
        rows,
    }
}

/// The charts an HTML report shows inline: the timeline up to the memo's
/// date (with the band), and the calibration diagram once the question has
/// resolved by then.
#[derive(Debug, Clone, Serialize)]
pub struct Charts {
    pub timeline_svg: String,
    /// A sentence describing the chart, for readers who cannot see it.
    pub timeline_text: String,
    pub calibration_svg: Option<String>,
}

pub(crate) fn charts(ws: &Workspace, a: &Assessment) -> Charts {
    let t = timeline::timeline(ws, a.engine, None, Some(a.as_of));
    let timeline_svg = chart::svg(ws, &t);
    let ranking = a.ranking();
    let lead = ranking.first().copied();
    let timeline_text = match (t.points.first(), t.points.last(), lead) {
        (Some(f), Some(l), Some(j)) => format!(
            "The chart shows each scenario's {} at each of the {} dates on which the record changed, {} to {}. As of {}, “{}” leads with {}.",
            match a.engine {
                EngineKind::Bayes => "probability, with the range from strongly dependent to fully independent evidence shaded,",
                EngineKind::Ach => "weighted inconsistency",
            },
            t.points.len(),
            f.date,
            l.date,
            a.as_of,
            ws.scenarios[j].title_as_of(a.as_of),
            match a.engine {
                EngineKind::Bayes => percent(a.scores[j].probability),
                EngineKind::Ach => format!("weighted inconsistency {:.2}", a.scores[j].weighted_inconsistency),
            }
        ),
        _ => "The record has no dated change yet.".into(),
    };
    let calibration_svg = ws
        .config
        .resolution
        .as_ref()
        .filter(|r| r.date <= a.as_of)
        .map(|_| {
            let c = calibration::collect(std::slice::from_ref(ws), Some(a.as_of));
            calibration::to_svg(&c)
        });
    Charts {
        timeline_svg,
        timeline_text,
        calibration_svg,
    }
}

/// `s` as the content of a CSS string: every character but ASCII letters,
/// digits and spaces as a six-digit escape, so that neither CSS nor HTML
/// escaping can change it (the print marking in `@page` margin boxes).
pub(crate) fn css_string(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == ' ' {
                c.to_string()
            } else {
                format!("\\{:06x}", c as u32)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_strings_survive_both_escapings() {
        assert_eq!(css_string("SECRET//NOFORN"), "SECRET\\00002f\\00002fNOFORN");
        assert_eq!(
            css_string("a\"b</style>"),
            "a\\000022b\\00003c\\00002fstyle\\00003e"
        );
    }

    #[test]
    fn matrix_puts_the_most_diagnostic_first_and_retracted_last() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small");
        let ws = crate::load::Loader::new(&root).load().unwrap();
        let a = crate::engine::assess(&ws, ws.default_as_of().unwrap(), EngineKind::Bayes);
        let m = matrix_view(&ws, &a);
        assert_eq!(m.rows.len(), a.rows.len());
        let live: Vec<f64> = m
            .rows
            .iter()
            .filter(|r| !r.retracted)
            .map(|r| r.diagnosticity)
            .collect();
        assert!(live.windows(2).all(|w| w[0] >= w[1]), "{live:?}");
        assert!(m.rows.last().unwrap().retracted);
        assert_eq!(m.scenarios[0].id, ws.scenarios[a.leader().unwrap()].id);
        assert_eq!(m.rows[0].cells.len(), ws.scenarios.len());
    }
}
