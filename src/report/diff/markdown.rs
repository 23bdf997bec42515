//! The diff as Markdown.

use super::*;

pub(crate) use crate::report::escape::md_cell;

/// Markdown.
pub fn to_markdown(d: &Diff, memo_unified: &str) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# What changed: {} → {}\n", d.from.label, d.to.label);
    if !d.changed {
        let _ = writeln!(o, "No changes.");
        return o;
    }
    let flip = headline(d);
    if d.leader.flipped {
        let _ = writeln!(o, "> **{flip}**\n");
    } else {
        let _ = writeln!(o, "{flip}\n");
    }
    if let Some(w) = why(d) {
        let _ = writeln!(o, "{w}\n");
    }
    if let Some(c) = record_counts(&d.record) {
        let _ = writeln!(o, "Record: {c}.\n");
    }
    let _ = writeln!(o, "## Assessment\n");
    let ach = d.engine == "ach";
    if ach {
        let _ = writeln!(
            o,
            "| Scenario | Weighted inconsistency | Rank |\n|---|---:|---:|"
        );
    } else {
        let _ = writeln!(
            o,
            "| Scenario | Probability | Likelihood | Rank |\n|---|---:|---|---:|"
        );
    }
    for m in &d.scenarios {
        let pair = |f: &dyn Fn(&Standing) -> String| {
            let a = m.from.as_ref().map(f).unwrap_or_else(|| "—".into());
            let b = m.to.as_ref().map(f).unwrap_or_else(|| "—".into());
            if a == b {
                a
            } else {
                format!("{a} → {b}")
            }
        };
        let rank = pair(&|s| s.rank.to_string());
        if ach {
            let _ = writeln!(
                o,
                "| {} | {} | {} |",
                md_cell(&m.title),
                pair(&|s| format!("{:.2}", s.weighted_inconsistency)),
                rank
            );
        } else {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                md_cell(&m.title),
                pair(&|s| s.percent.clone()),
                pair(&|s| s.term.to_string()),
                rank
            );
        }
    }
    let a = &d.attribution;
    if !a.parts.is_empty() {
        let _ = writeln!(
            o,
            "\n## Why: attribution by claim\n\n{}\n",
            if ach {
                "Change in each scenario's weighted inconsistency (lower is better), split by claim. The parts add up to the total."
            } else {
                "Change in each scenario's log-odds against the other scenarios, split by claim. The parts add up to the total."
            }
        );
        let _ = write!(o, "| Claim | Change |");
        for s in &a.scenarios {
            let _ = write!(o, " {s} |");
        }
        let _ = write!(o, "\n|---|---|");
        for _ in &a.scenarios {
            let _ = write!(o, "---:|");
        }
        o.push('\n');
        for p in &a.parts {
            let m = if ach {
                &p.weighted_inconsistency
            } else {
                &p.log_odds
            };
            let _ = write!(
                o,
                "| {} | {} |",
                p.claim
                    .as_deref()
                    .map(|c| format!("`{c}`"))
                    .unwrap_or_else(|| "priors".into()),
                md_cell(&part_kind_text(p))
            );
            for (_, v) in &m.0 {
                let _ = write!(o, " {} |", signed(*v));
            }
            o.push('\n');
        }
        let total = if ach {
            &a.total_weighted_inconsistency
        } else {
            &a.total_log_odds
        };
        let _ = write!(o, "| **total** | |");
        for (_, v) in &total.0 {
            let _ = write!(o, " **{}** |", signed(*v));
        }
        o.push('\n');
    }
    let r = &d.record;
    if !r.is_empty() {
        let _ = writeln!(o, "\n## Record\n");
        for c in &r.claims_added {
            let _ = writeln!(
                o,
                "- **Added** `{}` ({}): {}",
                c.id,
                c.date,
                md_cell(&c.statement)
            );
        }
        for c in &r.claims_retracted {
            let _ = writeln!(
                o,
                "- **Added and retracted** `{}` ({}): {}",
                c.id,
                c.date,
                md_cell(&c.statement)
            );
        }
        for c in &r.claims_removed {
            let _ = writeln!(
                o,
                "- **Removed** `{}` ({}): {}",
                c.id,
                c.date,
                md_cell(&c.statement)
            );
        }
        for c in &r.claims_revised {
            let _ = writeln!(
                o,
                "- **Revised** `{}` ({}): {}",
                c.id,
                c.date,
                md_cell(&fields_text(&c.fields))
            );
            for n in &c.notes {
                let _ = writeln!(o, "  - note {}", md_cell(n));
            }
        }
        for s in &r.sources_added {
            let _ = writeln!(o, "- **Source added** `{}`: {}", s.id, md_cell(&s.name));
        }
        for s in &r.sources_removed {
            let _ = writeln!(o, "- **Source removed** `{}`: {}", s.id, md_cell(&s.name));
        }
        for s in &r.sources_changed {
            let _ = writeln!(
                o,
                "- **Source changed** `{}`: {}",
                s.id,
                md_cell(&fields_text(&s.fields))
            );
        }
        for s in &r.scenarios_added {
            let _ = writeln!(o, "- **Scenario added** `{}`: {}", s.id, md_cell(&s.name));
        }
        for s in &r.scenarios_retired {
            let _ = writeln!(o, "- **Scenario retired** `{}`: {}", s.id, md_cell(&s.name));
        }
        for s in &r.scenarios_changed {
            let _ = writeln!(
                o,
                "- **Scenario changed** `{}`: {}",
                s.id,
                md_cell(&fields_text(&s.fields))
            );
        }
        for s in &r.indicators_changed {
            let _ = writeln!(
                o,
                "- **Indicator changed** `{}`: {}",
                s.id,
                md_cell(&fields_text(&s.fields))
            );
        }
        if !r.settings.is_empty() {
            let _ = writeln!(o, "- **Settings**: {}", md_cell(&fields_text(&r.settings)));
        }
    }
    if !memo_unified.is_empty() {
        let _ = writeln!(o, "\n## Memo redline\n\n```diff\n{}```", memo_unified);
    }
    o
}
