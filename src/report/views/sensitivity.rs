//! `kzclaims sensitivity` output (table and JSON) and the sentence the memo
//! uses: "the conclusion rests on N claims".

use crate::engine::sensitivity::{Effect, ItemKind, Sensitivity, Variant};
use crate::engine::Assessment;
use crate::model::*;
use crate::report::table;
use serde::Serialize;
use std::fmt::Write;

#[derive(Debug, Serialize)]
pub(crate) struct SensitivityJson {
    /// The shape's version: raised only when a field is renamed or removed.
    pub version: u32,
    pub as_of: String,
    pub engine: &'static str,
    pub leader: String,
    pub runner_up: Option<String>,
    pub margin: f64,
    /// "log posterior odds" (bayes) or "weighted inconsistency" (ach).
    pub margin_kind: &'static str,
    pub tied: bool,
    /// Size of the smallest deciding set; `null` when no set changes the leader.
    pub rests_on: Option<usize>,
    pub deciding_set: Option<DecidingJson>,
    pub linchpins: Vec<String>,
    pub summary: String,
    pub items: Vec<ItemJson>,
}

#[derive(Debug, Serialize)]
pub(crate) struct DecidingJson {
    pub items: Vec<String>,
    pub new_leader: String,
    pub method: &'static str,
}

#[derive(Debug, Serialize)]
pub(crate) struct VariantJson {
    pub margin: f64,
    pub change: f64,
    pub leader: String,
    pub flips: bool,
}

#[derive(Debug, Serialize)]
pub(crate) struct ItemJson {
    pub id: String,
    pub kind: &'static str,
    pub date: String,
    pub contribution: f64,
    pub removal: VariantJson,
    pub trust_drop: Option<VariantJson>,
    pub deception: VariantJson,
    pub linchpin: bool,
}

pub(crate) fn margin_kind(engine: EngineKind) -> &'static str {
    match engine {
        EngineKind::Bayes => "log posterior odds",
        EngineKind::Ach => "weighted inconsistency",
    }
}

/// The date an item entered the record: the claim's date, or the date of the
/// observation in force.
pub(crate) fn item_date(ws: &Workspace, a: &Assessment, kind: ItemKind) -> String {
    match kind {
        ItemKind::Claim(c) => ws.claims[c].date.to_string(),
        ItemKind::Indicator {
            scenario,
            indicator,
        } => ws.scenarios[scenario].indicators[indicator]
            .observation_as_of(a.as_of)
            .map(|(_, o)| o.date.to_string())
            .unwrap_or_default(),
    }
}

fn variant(ws: &Workspace, v: &Variant) -> VariantJson {
    VariantJson {
        margin: v.margin,
        change: v.change,
        leader: ws.scenarios[v.leader].id.clone(),
        flips: v.flips,
    }
}

fn list(ids: &[String]) -> String {
    match ids.len() {
        0 => String::new(),
        1 => format!("`{}`", ids[0]),
        n => format!(
            "{} and `{}`",
            ids[..n - 1]
                .iter()
                .map(|i| format!("`{i}`"))
                .collect::<Vec<_>>()
                .join(", "),
            ids[n - 1]
        ),
    }
}

/// "claims", or "pieces of evidence" when observations are among them.
fn noun(kinds: &[ItemKind], n: usize) -> &'static str {
    match (kinds.iter().all(|k| k.is_claim()), n == 1) {
        (true, true) => "claim",
        (true, false) => "claims",
        (false, true) => "piece of evidence",
        (false, false) => "pieces of evidence",
    }
}

/// One sentence on what the conclusion rests on.
pub(crate) fn summary(ws: &Workspace, s: &Sensitivity) -> String {
    let lead = &ws.scenarios[s.leader].id;
    let Some(b) = s.runner_up else {
        return format!("`{lead}` is the only scenario: there is nothing to compare it with.");
    };
    if s.tied {
        return format!(
            "`{lead}` and `{}` are tied: the evidence does not separate them, and no claim decides between them.",
            ws.scenarios[b].id
        );
    }
    match &s.deciding {
        None => {
            let kinds: Vec<ItemKind> = s.effects.iter().map(|e| e.kind).collect();
            let why = match s.engine {
                EngineKind::Bayes => "on its prior",
                EngineKind::Ach => "on a tie broken in its favour",
            };
            format!(
                "No set of the {} {} in force changes the leader: `{lead}` stays ahead {why} even with everything that favours it removed.",
                kinds.len(),
                noun(&kinds, kinds.len())
            )
        }
        Some(d) => {
            let kinds: Vec<ItemKind> = d.items.iter().map(|&i| s.effects[i].kind).collect();
            let ids: Vec<String> = kinds.iter().map(|k| k.label(ws)).collect();
            let n = ids.len();
            format!(
                "The conclusion rests on {n} {}: without {} the leading scenario would be `{}`, not `{lead}`.",
                noun(&kinds, n),
                list(&ids),
                ws.scenarios[d.new_leader].id
            )
        }
    }
}

pub(crate) fn to_json(ws: &Workspace, a: &Assessment, s: &Sensitivity) -> SensitivityJson {
    let label = |e: &Effect| e.kind.label(ws);
    SensitivityJson {
        version: 1,
        as_of: a.as_of.to_string(),
        engine: a.engine.as_str(),
        leader: ws.scenarios[s.leader].id.clone(),
        runner_up: s.runner_up.map(|b| ws.scenarios[b].id.clone()),
        margin: s.margin,
        margin_kind: margin_kind(a.engine),
        tied: s.tied,
        rests_on: s.deciding.as_ref().map(|d| d.items.len()),
        deciding_set: s.deciding.as_ref().map(|d| DecidingJson {
            items: d.items.iter().map(|&i| label(&s.effects[i])).collect(),
            new_leader: ws.scenarios[d.new_leader].id.clone(),
            method: d.method.as_str(),
        }),
        linchpins: s.linchpins().map(label).collect(),
        summary: summary(ws, s),
        items: s
            .effects
            .iter()
            .map(|e| ItemJson {
                id: label(e),
                kind: if e.kind.is_claim() {
                    "claim"
                } else {
                    "indicator"
                },
                date: item_date(ws, a, e.kind),
                contribution: e.contribution,
                removal: variant(ws, &e.removal),
                trust_drop: e.trust_drop.as_ref().map(|v| variant(ws, v)),
                deception: variant(ws, &e.deception),
                linchpin: e.linchpin,
            })
            .collect(),
    }
}

/// The table: items by contribution to the margin, largest first.
pub(crate) fn to_table(ws: &Workspace, a: &Assessment, s: &Sensitivity) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — sensitivity as of {}, engine {}",
        ws.config.title,
        a.as_of,
        a.engine.as_str()
    );
    let lead = &ws.scenarios[s.leader].id;
    match s.runner_up {
        Some(b) => {
            let _ = writeln!(
                out,
                "leader {lead}, runner-up {}, margin {:.3} ({})",
                ws.scenarios[b].id,
                s.margin,
                margin_kind(a.engine)
            );
        }
        None => {
            let _ = writeln!(out, "leader {lead}, no runner-up");
        }
    }
    let _ = writeln!(out, "{}", summary(ws, s).replace('`', ""));
    if let Some(d) = &s.deciding {
        let _ = writeln!(
            out,
            "smallest deciding set: {} ({} search; {} item{} favour{} the leader)",
            d.items.len(),
            d.method.as_str(),
            s.favouring,
            if s.favouring == 1 { "" } else { "s" },
            if s.favouring == 1 { "s" } else { "" },
        );
    }
    let lin: Vec<String> = s.linchpins().map(|e| e.kind.label(ws)).collect();
    let _ = writeln!(
        out,
        "linchpins: {}",
        if lin.is_empty() {
            "none".to_string()
        } else {
            lin.join(", ")
        }
    );
    if s.effects.is_empty() {
        return out;
    }
    let _ = writeln!(out);
    let mut order: Vec<&Effect> = s.effects.iter().collect();
    order.sort_by(|x, y| {
        y.contribution
            .total_cmp(&x.contribution)
            .then_with(|| x.kind.label(ws).cmp(&y.kind.label(ws)))
    });
    let flip = |v: &Variant| -> String {
        if v.flips {
            format!(" → {}", ws.scenarios[v.leader].id)
        } else {
            String::new()
        }
    };
    let header = [
        "date",
        "item",
        "contribution",
        "removed",
        "trust -1 grade",
        "deceptive",
    ];
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|h| h.to_string()).collect()];
    for e in order {
        let mut id = e.kind.label(ws);
        if e.linchpin {
            id.push_str(" (linchpin)");
        }
        rows.push(vec![
            item_date(ws, a, e.kind),
            id,
            format!("{:+.3}", e.contribution),
            format!("{:+.3}{}", e.removal.change, flip(&e.removal)),
            match &e.trust_drop {
                Some(v) => format!("{:+.3}{}", v.change, flip(v)),
                None => "n/a".into(),
            },
            format!("{:+.3}{}", e.deception.change, flip(&e.deception)),
        ]);
    }
    out.push_str(&table::render(&table::with_header(rows), |i| i < 2, ""));
    let _ = writeln!(
        out,
        "\nChanges are to the margin of {lead} over the runner-up; → names the new leader when a what-if changes it."
    );
    out
}
