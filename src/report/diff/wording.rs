//! Wording shared by every diff format: the headline, record counts, moves
//! and the effect of each part of the attribution; and the memo's "What
//! changed since …" block ([`since_block`], for `brief --since`).

use super::*;

/// One sentence on the leading scenario.
pub(crate) fn headline(d: &Diff) -> String {
    match (&d.leader.from, &d.leader.to) {
        (Some(a), Some(b)) if a != b => format!(
            "The leading scenario changed: “{}” ({}) now leads; “{}” ({}) led before.",
            title_of(d, b),
            b,
            title_of(d, a),
            a
        ),
        (_, Some(b)) if !d.changed => format!(
            "No changes: “{}” ({b}) leads on both sides.",
            title_of(d, b)
        ),
        (_, Some(b)) => format!("“{}” ({b}) still leads.", title_of(d, b)),
        (_, None) => "No scenario on the later side.".into(),
    }
}

/// Why it changed, in one or two plain sentences: the scenarios that moved
/// most and the parts of the record that moved them. `None` when nothing
/// moved.
pub(crate) fn why(d: &Diff) -> Option<String> {
    let mut moves: Vec<(&ScenarioMove, f64, f64)> = d
        .scenarios
        .iter()
        .filter_map(|m| match (&m.from, &m.to) {
            (Some(a), Some(b)) if d.engine == "ach" => {
                Some((m, a.weighted_inconsistency, b.weighted_inconsistency))
            }
            (Some(a), Some(b)) => Some((m, a.probability, b.probability)),
            _ => None,
        })
        .filter(|(_, a, b)| (b - a).abs() > ZERO)
        .collect();
    moves.sort_by(|x, y| (y.2 - y.1).abs().total_cmp(&(x.2 - x.1).abs()));
    let said: Vec<String> = moves
        .iter()
        .take(2)
        .map(|(m, a, b)| {
            if d.engine == "ach" {
                format!(
                    "the evidence against “{}” {} from {a:.2} to {b:.2} (weighted inconsistency)",
                    m.title,
                    if b > a { "grew" } else { "shrank" }
                )
            } else {
                format!(
                    "“{}” {} from {} to {}",
                    m.title,
                    if b > a { "rose" } else { "fell" },
                    percent(*a),
                    percent(*b)
                )
            }
        })
        .collect();
    if said.is_empty() {
        return None;
    }
    let mut out = format!("{}.", capital(&said.join("; ")));
    let parts: Vec<String> = d
        .attribution
        .parts
        .iter()
        .filter_map(|p| {
            p.claim
                .as_ref()
                .map(|c| format!("{c} ({})", p.kind.as_str()))
        })
        .take(3)
        .collect();
    if !parts.is_empty() {
        let n = parts.len();
        let list = if n == 1 {
            parts[0].clone()
        } else {
            format!("{} and {}", parts[..n - 1].join(", "), parts[n - 1])
        };
        out.push_str(&format!(" What moved it most: {list}."));
    }
    Some(out)
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Record changes counted in one line, or `None` when there are none.
pub(crate) fn record_counts(r: &RecordDiff) -> Option<String> {
    let mut bits = Vec::new();
    let mut count = |n: usize, noun: &str, verb: &str| {
        if n > 0 {
            let s = if n == 1 { "" } else { "s" };
            bits.push(format!("{n} {noun}{s} {verb}"));
        }
    };
    count(r.claims_added.len(), "claim", "added");
    count(r.claims_retracted.len(), "claim", "added and retracted");
    count(r.claims_removed.len(), "claim", "removed");
    count(r.claims_revised.len(), "claim", "revised");
    count(r.sources_added.len(), "source", "added");
    count(r.sources_removed.len(), "source", "removed");
    count(r.sources_changed.len(), "source", "changed");
    count(r.scenarios_added.len(), "scenario", "added");
    count(r.scenarios_retired.len(), "scenario", "retired");
    count(r.scenarios_changed.len(), "scenario", "changed");
    count(
        r.indicators_changed.len(),
        "indicator likelihood",
        "changed",
    );
    count(r.settings.len(), "setting", "changed");
    (!bits.is_empty()).then(|| bits.join(", "))
}

/// "25% → 61% (unlikely → likely), rank 3 → 1".
pub(crate) fn move_text(m: &ScenarioMove, engine: &str) -> String {
    let s = |o: &Option<Standing>, f: &dyn Fn(&Standing) -> String| {
        o.as_ref().map(f).unwrap_or_else(|| "—".into())
    };
    let main = if engine == "ach" {
        format!(
            "weighted inconsistency {} → {}",
            s(&m.from, &|x| format!("{:.2}", x.weighted_inconsistency)),
            s(&m.to, &|x| format!("{:.2}", x.weighted_inconsistency))
        )
    } else {
        let mut t = format!(
            "{} → {}",
            s(&m.from, &|x| x.percent.clone()),
            s(&m.to, &|x| x.percent.clone())
        );
        match (&m.from, &m.to) {
            (Some(a), Some(b)) if a.term != b.term => {
                let _ = write!(t, " ({} → {})", a.term, b.term);
            }
            (_, Some(b)) => {
                let _ = write!(t, " ({})", b.term);
            }
            _ => {}
        }
        t
    };
    let rank = match (&m.from, &m.to) {
        (Some(a), Some(b)) if a.rank != b.rank => format!(", rank {} → {}", a.rank, b.rank),
        (Some(a), Some(_)) => format!(", rank {}", a.rank),
        (None, Some(_)) => ", new scenario".into(),
        (Some(_), None) => ", retired".into(),
        (None, None) => String::new(),
    };
    format!("{main}{rank}")
}

/// The part's effect in plain words, for the memo: "pushed toward “Elite
/// coup” (a small push) and away from “Spontaneous protest” (a moderate
/// push)". The size follows [`push_size`]; the numbers themselves stay in
/// `diff`.
pub(crate) fn part_effect(p: &Part, d: &Diff) -> String {
    let ach = d.engine == "ach";
    let m = if ach {
        &p.weighted_inconsistency
    } else {
        &p.log_odds
    };
    effect_words(m, ach, &|id| title_of(d, id))
}

fn effect_words<'a>(m: &'a IdMap, ach: bool, title: &dyn Fn(&'a str) -> &'a str) -> String {
    // Under ACH a positive change is more evidence against the scenario.
    let (up, down) = if ach {
        ("counted against", "counted for")
    } else {
        ("pushed toward", "away from")
    };
    let best =
        m.0.iter()
            .max_by(|a, b| a.1.total_cmp(&b.1).then_with(|| b.0.cmp(&a.0)));
    let worst =
        m.0.iter()
            .min_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    let mut bits: Vec<String> = Vec::new();
    if let Some((id, v)) = best.filter(|x| x.1 > ZERO) {
        bits.push(format!("{up} “{}” ({})", title(id), push_size(*v, ach)));
    }
    if let Some((id, v)) = worst.filter(|x| x.1 < -ZERO) {
        let word = if bits.is_empty() && !ach {
            "pushed away from"
        } else {
            down
        };
        bits.push(format!("{word} “{}” ({})", title(id), push_size(*v, ach)));
    }
    if bits.is_empty() {
        "no effect on the assessment".into()
    } else {
        bits.join(" and ")
    }
}

/// How big a part's push is, in words (docs/memo.md, "What changed since"):
/// for the Bayesian engine by the change in the scenario's log-odds against
/// the others, under 0.25 small (odds moved by less than about a quarter),
/// 0.25 to under 1 moderate (up to about 2.7 times), 1 or more large; under
/// ACH by the change in weighted inconsistency, under 0.5 small, 0.5 to
/// under 2 moderate, 2 or more large.
pub(crate) fn push_size(v: f64, ach: bool) -> &'static str {
    let (moderate, large) = if ach { (0.5, 2.0) } else { (0.25, 1.0) };
    let a = v.abs();
    if a >= large {
        "a large push"
    } else if a >= moderate {
        "a moderate push"
    } else {
        "a small push"
    }
}

/// "+1.52", "−0.84", "0.00".
pub(crate) fn signed(v: f64) -> String {
    let s = format!("{:.2}", v.abs());
    if s == "0.00" {
        s
    } else if v > 0.0 {
        format!("+{s}")
    } else {
        format!("−{s}")
    }
}

/// "added", "revised: credibility, rating for elite-coup".
pub(crate) fn part_kind_text(p: &Part) -> String {
    let mut t = p.kind.as_str().to_string();
    let mut extra: Vec<String> = p
        .fields
        .iter()
        .filter(|f| !(p.kind != PartKind::Revised && f.as_str() == "status"))
        .map(|f| match f.strip_prefix("ratings.") {
            Some(id) => format!("rating for {id}"),
            None => f.replace('_', " "),
        })
        .collect();
    extra.extend(
        p.sources_regraded
            .iter()
            .map(|s| format!("source {s} re-graded")),
    );
    if p.kind == PartKind::SourceRegraded {
        extra = p.sources_regraded.clone();
    }
    if !extra.is_empty() {
        let _ = write!(t, ": {}", extra.join(", "));
    }
    t
}

/// The part's kind as the memo says it: "added", "revised (its credibility
/// and its rating for “Elite coup”)", "a cited source re-graded (cornell)".
fn part_kind_words(p: &Part, d: &Diff) -> String {
    let field = |f: &str| match f.strip_prefix("ratings.") {
        Some(id) => format!("its rating for “{}”", title_of(d, id)),
        None => format!("its {}", f.replace(['_', '.'], " ")),
    };
    let mut what: Vec<String> = p
        .fields
        .iter()
        .filter(|f| !(p.kind != PartKind::Revised && f.as_str() == "status"))
        .map(|f| field(f))
        .collect();
    if p.kind == PartKind::SourceRegraded {
        return format!(
            "a cited source re-graded ({})",
            p.sources_regraded.join(", ")
        );
    }
    what.extend(
        p.sources_regraded
            .iter()
            .map(|s| format!("the grade of source {s}")),
    );
    let kind = p.kind.as_str();
    match what.len() {
        0 => kind.to_string(),
        1 => format!("{kind}: {}", what[0]),
        n => format!("{kind}: {} and {}", what[..n - 1].join(", "), what[n - 1]),
    }
}

// ---------------------------------------------------------------------------
// Memo redline.

fn title_of<'a>(d: &'a Diff, id: &'a str) -> &'a str {
    d.scenarios
        .iter()
        .find(|s| s.id == id)
        .map(|s| s.title.as_str())
        .unwrap_or(id)
}

/// The memo's "What changed since …" block, in the shape the built-in
/// templates read: `label`, `summary`, `moves` and `drivers` (strings), plus
/// `flipped` and `changed`.
pub(crate) fn since_block(d: &Diff) -> serde_json::Value {
    let mut summary = headline(d);
    if let Some(c) = record_counts(&d.record) {
        let _ = write!(summary, " Since then: {c}.");
    }
    let moves: Vec<String> = d
        .scenarios
        .iter()
        .filter(|m| m.moved())
        .map(|m| format!("{}: {}", m.title, move_text(m, d.engine)))
        .collect();
    let drivers: Vec<String> = d
        .attribution
        .parts
        .iter()
        .take(5)
        .map(|p| match &p.claim {
            Some(c) => format!(
                "{c} ({}): {} — {}",
                part_kind_words(p, d),
                p.statement.clone().unwrap_or_default(),
                part_effect(p, d)
            ),
            None => format!(
                "the starting weights of the scenarios changed — {}",
                part_effect(p, d)
            ),
        })
        .collect();
    serde_json::json!({
        "label": d.from.label,
        "changed": d.changed,
        "flipped": d.leader.flipped,
        "summary": summary,
        "moves": moves,
        "drivers": drivers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(v: &[(&str, f64)]) -> IdMap {
        IdMap(v.iter().map(|(k, x)| (k.to_string(), *x)).collect())
    }

    #[test]
    fn push_sizes_follow_the_documented_cut_points() {
        assert_eq!(push_size(0.249, false), "a small push");
        assert_eq!(push_size(-0.25, false), "a moderate push");
        assert_eq!(push_size(0.999, false), "a moderate push");
        assert_eq!(push_size(-1.0, false), "a large push");
        assert_eq!(push_size(0.49, true), "a small push");
        assert_eq!(push_size(0.5, true), "a moderate push");
        assert_eq!(push_size(2.0, true), "a large push");
    }

    #[test]
    fn effects_read_as_words_with_titles_and_no_numbers() {
        let t = |id: &str| if id == "a" { "Elite coup" } else { "Protest" };
        let m = map(&[("a", 0.26), ("b", -0.54)]);
        let s = effect_words(&m, false, &t);
        assert_eq!(
            s,
            "pushed toward “Elite coup” (a moderate push) and away from “Protest” (a moderate push)"
        );
        assert!(!s.contains("log-odds"));
        let m = map(&[("a", 0.0), ("b", -1.2)]);
        assert_eq!(
            effect_words(&m, false, &t),
            "pushed away from “Protest” (a large push)"
        );
        let m = map(&[("a", 0.3), ("b", -0.1)]);
        assert_eq!(
            effect_words(&m, true, &t),
            "counted against “Elite coup” (a small push) and counted for “Protest” (a small push)"
        );
        assert_eq!(
            effect_words(&map(&[("a", 0.0)]), false, &t),
            "no effect on the assessment"
        );
    }
}
