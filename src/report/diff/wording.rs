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

/// The part's numbers, worded: "toward elite-coup (+1.52 log-odds), away
/// from spontaneous-protest (−0.84)".
pub(crate) fn part_effect(p: &Part, engine: &str) -> String {
    let m = if engine == "ach" {
        &p.weighted_inconsistency
    } else {
        &p.log_odds
    };
    let (unit, up, down) = if engine == "ach" {
        ("weighted inconsistency", "against", "for")
    } else {
        ("log-odds", "toward", "away from")
    };
    let best =
        m.0.iter()
            .max_by(|a, b| a.1.total_cmp(&b.1).then_with(|| b.0.cmp(&a.0)));
    let worst =
        m.0.iter()
            .min_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    let mut bits: Vec<String> = Vec::new();
    let mut push = |word: &str, id: &str, v: f64| {
        let u = if bits.is_empty() {
            format!(" {unit}")
        } else {
            String::new()
        };
        bits.push(format!("{word} {id} ({}{u})", signed(v)));
    };
    if let Some((id, v)) = best.filter(|x| x.1 > ZERO) {
        push(up, id, *v);
    }
    if let Some((id, v)) = worst.filter(|x| x.1 < -ZERO) {
        push(down, id, *v);
    }
    if bits.is_empty() {
        format!("no {unit} change")
    } else {
        bits.join(", ")
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

/// "added", "revised: credibility, ratings.elite-coup".
pub(crate) fn part_kind_text(p: &Part) -> String {
    let mut t = p.kind.as_str().to_string();
    let mut extra: Vec<String> = p
        .fields
        .iter()
        .filter(|f| !(p.kind != PartKind::Revised && f.as_str() == "status"))
        .cloned()
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
                part_kind_text(p),
                p.statement.clone().unwrap_or_default(),
                part_effect(p, d.engine)
            ),
            None => format!(
                "the prior probabilities changed — {}",
                part_effect(p, d.engine)
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
