//! The confidence rule's verdict in words (the rule: engine::confidence).

use crate::engine::confidence::{Reason, Verdict};
use crate::engine::words::Confidence;
use crate::model::Workspace;
use crate::report::format::percent;

/// The verdict as the memo writes it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Worded {
    /// "Moderate confidence".
    pub title: String,
    /// What follows the title: the reasons in one sentence, then what stands
    /// behind the lead in another.
    pub basis: String,
    /// Each reason alone.
    pub reasons: Vec<String>,
}

/// The source's label (`short`, else its shortened name: model::Source::label).
fn source_name(ws: &Workspace, id: &str) -> String {
    ws.source(id)
        .map(|s| s.label().to_string())
        .unwrap_or_else(|| id.to_string())
}

/// The dispute with its counts, from [disputed, shared] cells (a cell: one
/// claim rated against one of the two leading explanations): "where the
/// analysts rated the same claims behind the lead (8 ratings), they disagree
/// on all 8".
fn disputed(share: f64, [d, n]: [usize; 2]) -> String {
    let head = "where the analysts rated the same";
    match (d, n) {
        (_, 0) => format!(
            "the analysts dispute {} of the ratings they share",
            percent(share)
        ),
        (1, 1) => format!("{head} claim behind the lead (1 rating), they disagree on it"),
        (2, 2) => format!("{head} claims behind the lead (2 ratings), they disagree on both"),
        (d, n) if d == n => {
            format!("{head} claims behind the lead ({n} ratings), they disagree on all {n}")
        }
        (d, n) => format!(
            "{head} claims behind the lead, they disagree on {d} of {n} ratings ({})",
            percent(share)
        ),
    }
}

/// One reason as a clause.
pub(crate) fn reason(ws: &Workspace, r: &Reason) -> String {
    match r {
        Reason::NoSeparation => {
            "nothing in the record yet separates the leading explanation from the next".into()
        }
        Reason::EnginesDisagree => {
            "the two scoring methods put different explanations first".into()
        }
        Reason::LeadChangesWithDependence => {
            "which explanation leads depends on how much the sources depend on each other".into()
        }
        Reason::OneOrigin { origin } => format!(
            "everything behind the lead traces back to one origin ({})",
            source_name(ws, origin)
        ),
        Reason::SourceDominates { sources } => {
            let named: Vec<String> = sources
                .iter()
                .map(|(id, share)| format!("{} ({} of it)", source_name(ws, id), percent(*share)))
                .collect();
            format!("the lead rests mostly on {}", named.join(" and "))
        }
        Reason::FewOrigins { origins } => {
            format!("only {origins} independent origins stand behind the lead")
        }
        Reason::Uncorroborated { share } => format!(
            "{} of the lead comes from claims with no independent second source",
            percent(*share)
        ),
        Reason::WideBand { low, high } if *low < 0.55 => format!(
            "the range reaches below “likely” ({} to {})",
            percent(*low),
            percent(*high)
        ),
        Reason::WideBand { low, high } => {
            format!(
                "the range is wide ({} to {})",
                percent(*low),
                percent(*high)
            )
        }
        Reason::OneAnalyst { share } => {
            if *share <= 0.0 {
                "one analyst rated the evidence".into()
            } else {
                format!(
                    "a second analyst rated only {} of the evidence behind the lead",
                    percent(*share)
                )
            }
        }
        Reason::Disputed { share, cells } => disputed(*share, *cells),
        Reason::Reconstruction => {
            "the record was written down after the events it covers, so hindsight may colour it"
                .into()
        }
    }
}

fn join(v: &[String]) -> String {
    match v.len() {
        0 => String::new(),
        1 => v[0].clone(),
        n => format!("{}, and {}", v[..n - 1].join(", "), v[n - 1]),
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The range is always the Bayesian engine's (docs/scoring.md); a memo
/// under `--engine ach` says so wherever it quotes it.
fn range_label(clause: String, ach: bool) -> String {
    match clause.strip_prefix("the range ") {
        Some(rest) if ach => format!("the Bayesian engine's range {rest}"),
        _ => clause,
    }
}

/// The verdict in words; `runner_up` is the title of the runner-up, if any;
/// `ach`: the memo is under `--engine ach`.
pub(crate) fn words(ws: &Workspace, v: &Verdict, runner_up: Option<&str>, ach: bool) -> Worded {
    let title = format!("{} confidence", capitalised(v.level.as_str()));
    let reasons: Vec<String> = v
        .reasons
        .iter()
        .map(|r| range_label(reason(ws, r), ach))
        .collect();
    let f = &v.figures;
    let behind = match runner_up {
        Some(r) if f.sources > 0 => format!(
            "Behind the lead over “{r}” stand {} {} from {} independent {}.",
            f.sources,
            if f.sources == 1 { "source" } else { "sources" },
            f.origins,
            if f.origins == 1 { "origin" } else { "origins" }
        ),
        _ => String::new(),
    };
    let first = if v.level == Confidence::High {
        let top = f.source_shares.first().map(|s| s.1).unwrap_or(0.0);
        format!(
            "no source carries more than {} of the lead, most of it was rated by two analysts or more who largely agree, and {} within two likelihood words.",
            percent(top),
            range_label("the range stays".into(), ach)
        )
    } else {
        format!("{}.", join(&reasons))
    };
    let basis = if behind.is_empty() {
        first
    } else {
        format!("{first} {behind}")
    };
    Worded {
        title,
        basis,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::confidence::{rule, Inputs, MarginItem};

    /// Under ACH the range, which only the Bayesian engine has, is labelled.
    #[test]
    fn the_range_is_labelled_bayesian_under_ach() {
        let wide = |low: f64| reason_range(Reason::WideBand { low, high: 0.95 });
        fn reason_range(r: Reason) -> String {
            let root =
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small");
            let ws = crate::load::Loader::new(&root).load().unwrap();
            reason(&ws, &r)
        }
        assert_eq!(
            range_label(wide(0.53), true),
            "the Bayesian engine's range reaches below “likely” (53% to 95%)"
        );
        assert_eq!(
            range_label(wide(0.53), false),
            "the range reaches below “likely” (53% to 95%)"
        );
        assert_eq!(
            range_label(wide(0.6), true),
            "the Bayesian engine's range is wide (60% to 95%)"
        );
        assert_eq!(
            range_label("one analyst rated the evidence".into(), true),
            "one analyst rated the evidence"
        );
    }

    /// The dispute says how many ratings it counts.
    #[test]
    fn dispute_gives_its_counts() {
        assert_eq!(
            disputed(1.0, [3, 3]),
            "where the analysts rated the same claims behind the lead (3 ratings), they disagree on all 3"
        );
        assert_eq!(
            disputed(1.0, [1, 1]),
            "where the analysts rated the same claim behind the lead (1 rating), they disagree on it"
        );
        assert_eq!(
            disputed(1.0, [2, 2]),
            "where the analysts rated the same claims behind the lead (2 ratings), they disagree on both"
        );
        assert_eq!(
            disputed(0.375, [3, 8]),
            "where the analysts rated the same claims behind the lead, they disagree on 3 of 8 ratings (38%)"
        );
        // Without counts (inputs built by hand) the share alone.
        assert_eq!(
            disputed(0.3, [0, 0]),
            "the analysts dispute 30% of the ratings they share"
        );
    }

    #[test]
    fn sentences() {
        let ws = Workspace::default();
        let item = |c: f64, s: &[&str]| MarginItem {
            contribution: c,
            sources: s.iter().map(|x| x.to_string()).collect(),
            origins: s.iter().map(|x| x.to_string()).collect(),
            analysts: 1,
        };
        let x = Inputs {
            items: vec![item(0.7, &["cornell"]), item(0.3, &["akorda", "reuters"])],
            separated: true,
            probability: 0.84,
            band: [0.58, 0.98],
            band_leader_holds: true,
            engines_agree: true,
            disputed_share: 0.0,
            disputed_cells: [0, 0],
            reconstruction: false,
        };
        let w = words(&ws, &rule(&x), Some("Staged purge"), false);
        assert_eq!(w.title, "Moderate confidence");
        assert_eq!(
            w.basis,
            "the lead rests mostly on cornell (70% of it) and akorda (30% of it), 70% of the lead comes from claims with no independent second source, one analyst rated the evidence, and the range is wide (58% to 98%). Behind the lead over “Staged purge” stand 3 sources from 3 independent origins."
        );
    }
}
