//! The memo's words about how its record was made: whether an assessment
//! as of a date is a reconstruction (claims in force recorded after it), and
//! which of the scored assessments were real forecasts
//! ([`crate::engine::history`]).

use crate::engine::calibration::PartScore;
use crate::engine::history::Reconstruction;
use chrono::NaiveDate;
use serde::Serialize;

/// What the memo says when claims in force were recorded after its date.
#[derive(Debug, Clone, Serialize)]
pub struct ReconstructionView {
    /// "This is a reconstruction: 52 of the 59 claims in force were first
    /// recorded in November 2026, …": the sentence near the memo's top.
    pub sentence: String,
    pub claims_in_force: usize,
    /// Claims in force recorded after the memo's date: committed later, or
    /// not committed yet.
    pub recorded_later: usize,
    pub committed_later: usize,
    pub uncommitted: usize,
    /// The first and last day on which a claim committed later was
    /// recorded (YYYY-MM-DD).
    pub first_recorded: Option<String>,
    pub last_recorded: Option<String>,
}

/// "in November 2026", "between March and November 2026", "between
/// November 2025 and February 2026".
pub(crate) fn month_span(first: NaiveDate, last: NaiveDate) -> String {
    let (a, b) = (
        first.format("%B %Y").to_string(),
        last.format("%B %Y").to_string(),
    );
    if a == b {
        format!("in {a}")
    } else if first.format("%Y").to_string() == last.format("%Y").to_string() {
        format!("between {} and {b}", first.format("%B"))
    } else {
        format!("between {a} and {b}")
    }
}

fn claims(n: usize) -> String {
    format!("{n} claim{}", if n == 1 { "" } else { "s" })
}

/// The sentence for a reconstruction.
pub(crate) fn sentence(r: &Reconstruction) -> String {
    let of = if r.later() == r.in_force && r.in_force > 1 {
        format!("all {} in force on {}", claims(r.in_force), r.as_of)
    } else if r.later() == r.in_force {
        format!("the one claim in force on {}", r.as_of)
    } else {
        format!(
            "{} of the {} in force on {}",
            r.later(),
            claims(r.in_force),
            r.as_of
        )
    };
    let was = |n: usize| if n == 1 { "was" } else { "were" };
    let hindsight = "so this record may carry knowledge of what happened afterwards";
    match (r.committed_later, r.uncommitted, r.first, r.last) {
        (c, 0, Some(first), Some(last)) if c > 0 => format!(
            "This is a reconstruction: {of} {} first recorded {}, after that date, {hindsight}.",
            was(r.later()),
            month_span(first, last)
        ),
        (0, u, _, _) => format!(
            "This is a reconstruction: {of} {} not yet committed to the repository: {} written after that date (the last commit is of {}), {hindsight}.",
            if u == 1 { "is" } else { "are" },
            if u == 1 { "it was" } else { "they were" },
            r.head_date
        ),
        (c, u, first, last) => format!(
            "This is a reconstruction: {of} {} recorded after that date ({} first committed {}, {} not yet committed), {hindsight}.",
            was(r.later()),
            c,
            match (first, last) {
                (Some(f), Some(l)) => month_span(f, l),
                _ => "later".into(),
            },
            u
        ),
    }
}

/// The memo's view of a reconstruction.
pub(crate) fn reconstruction_view(r: &Reconstruction) -> ReconstructionView {
    ReconstructionView {
        sentence: sentence(r),
        claims_in_force: r.in_force,
        recorded_later: r.later(),
        committed_later: r.committed_later,
        uncommitted: r.uncommitted,
        first_recorded: r.first.map(|d| d.to_string()),
        last_recorded: r.last.map(|d| d.to_string()),
    }
}

/// One part of the scored assessments, worded for the memo.
#[derive(Debug, Clone, Serialize)]
pub struct PartView {
    pub assessments: usize,
    pub days: i64,
    pub brier: String,
    pub log: String,
    pub baseline: String,
}

/// The memo's calibration section's lead: the real forecasts first, or that
/// there are none.
#[derive(Debug, Clone, Serialize)]
pub struct CalibrationParts {
    /// The sentences the section opens with.
    pub lead: String,
    /// The team's assessments of the resolved question made at the time.
    pub real: Option<PartView>,
    /// Those resting on claims recorded after their date.
    pub reconstructed: Option<PartView>,
    /// Indicator forecasts made at the time, and reconstructed.
    pub real_indicators: usize,
    pub reconstructed_indicators: usize,
}

fn part_view(p: &PartScore) -> PartView {
    let num = crate::report::format::num;
    PartView {
        assessments: p.assessments,
        days: p.days,
        brier: num(p.brier, 3),
        log: num(p.log, 3),
        baseline: num(p.baseline, 1),
    }
}

fn assessments(n: usize) -> String {
    format!("{n} assessment{}", if n == 1 { "" } else { "s" })
}

/// The calibration section's lead, from the question's two parts (when it
/// resolved) and how many indicator forecasts were real.
pub(crate) fn calibration_parts(
    question: Option<(Option<&PartScore>, Option<&PartScore>)>,
    real_indicators: usize,
    reconstructed_indicators: usize,
) -> CalibrationParts {
    let mut lead = Vec::new();
    let (real, recon) = question.unwrap_or((None, None));
    if let Some((r, x)) = question {
        match r {
            Some(r) => lead.push(format!(
                "Real forecasts (assessments whose claims in force had all been recorded by their date): {} over {} days, Brier {}, log score {}.",
                assessments(r.assessments),
                r.days,
                crate::report::format::num(r.brier, 3),
                crate::report::format::num(r.log, 3)
            )),
            None => lead.push(
                "There are no real forecasts to score: every past assessment of the question rests on claims recorded after its date, so its scores measure a reconstruction made with hindsight, not foresight."
                    .to_string(),
            ),
        }
        if let Some(x) = x {
            lead.push(format!(
                "Reconstructions (claims in force recorded later): {} over {} days, Brier {}, log score {}.",
                assessments(x.assessments),
                x.days,
                crate::report::format::num(x.brier, 3),
                crate::report::format::num(x.log, 3)
            ));
        }
    }
    let n = real_indicators + reconstructed_indicators;
    if n > 0 {
        lead.push(if n == 1 && real_indicators == 0 {
            "The one indicator forecast was not a real forecast: it rests on claims recorded after its date.".to_string()
        } else if n == 1 {
            "The one indicator forecast was a real forecast, made on claims recorded by then.".to_string()
        } else if real_indicators == 0 {
            format!(
                "None of the {n} indicator forecast{} was a real forecast: each rests on claims recorded after its date.",
                if n == 1 { "" } else { "s" }
            )
        } else {
            format!(
                "Of the {n} indicator forecast{}, {real_indicators} {} real (made on claims recorded by then) and {reconstructed_indicators} reconstructed.",
                if n == 1 { "" } else { "s" },
                if real_indicators == 1 { "was" } else { "were" }
            )
        });
    }
    CalibrationParts {
        lead: lead.join(" "),
        real: real.map(part_view),
        reconstructed: recon.map(part_view),
        real_indicators,
        reconstructed_indicators,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn spans() {
        assert_eq!(
            month_span(d("2026-11-01"), d("2026-11-30")),
            "in November 2026"
        );
        assert_eq!(
            month_span(d("2026-03-01"), d("2026-11-30")),
            "between March and November 2026"
        );
        assert_eq!(
            month_span(d("2025-11-01"), d("2026-02-03")),
            "between November 2025 and February 2026"
        );
    }

    #[test]
    fn sentences() {
        let r = Reconstruction {
            as_of: d("2022-01-06"),
            in_force: 59,
            committed_later: 52,
            first: Some(d("2026-11-02")),
            last: Some(d("2026-11-20")),
            uncommitted: 0,
            head_date: d("2026-12-01"),
        };
        assert_eq!(
            sentence(&r),
            "This is a reconstruction: 52 of the 59 claims in force on 2022-01-06 were first recorded in November 2026, after that date, so this record may carry knowledge of what happened afterwards."
        );
        let u = Reconstruction {
            committed_later: 0,
            uncommitted: 1,
            first: None,
            last: None,
            ..r.clone()
        };
        assert_eq!(
            sentence(&u),
            "This is a reconstruction: 1 of the 59 claims in force on 2022-01-06 is not yet committed to the repository: it was written after that date (the last commit is of 2026-12-01), so this record may carry knowledge of what happened afterwards."
        );
        let both = Reconstruction {
            uncommitted: 2,
            ..r
        };
        let all = Reconstruction {
            committed_later: 59,
            ..r.clone()
        };
        assert!(sentence(&all).starts_with(
            "This is a reconstruction: all 59 claims in force on 2022-01-06 were first recorded in November 2026"
        ));
        assert_eq!(
            sentence(&both),
            "This is a reconstruction: 54 of the 59 claims in force on 2022-01-06 were recorded after that date (52 first committed in November 2026, 2 not yet committed), so this record may carry knowledge of what happened afterwards."
        );
    }
}
