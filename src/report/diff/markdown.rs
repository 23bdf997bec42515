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
    // The details, each folded (`<details>`), cut to fit a pull-request
    // comment if need be (the memo redline first, then the record, then the
    // attribution).
    let mut sections: Vec<Section> = attribution_section(d, ach)
        .into_iter()
        .chain(record_section(d))
        .collect();
    if !memo_unified.is_empty() {
        sections.push(Section::new(
            "Memo redline".to_string(),
            memo_unified,
            Some("diff"),
        ));
    }
    fit(o, sections, COMMENT_LIMIT)
}

/// The attribution table, folded; `None` when nothing was attributed.
fn attribution_section(d: &Diff, ach: bool) -> Option<Section> {
    let a = &d.attribution;
    if a.parts.is_empty() {
        return None;
    }
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}\n",
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
    Some(Section::new(
        format!("Why: attribution by claim ({} parts)", a.parts.len()),
        &o,
        None,
    ))
}

/// The record's changes, one bullet each, folded; `None` when the record
/// did not change.
fn record_section(d: &Diff) -> Option<Section> {
    let r = &d.record;
    if r.is_empty() {
        return None;
    }
    let mut o = String::new();
    for (label, claims) in [
        ("Added", &r.claims_added),
        ("Added and retracted", &r.claims_retracted),
        ("Removed", &r.claims_removed),
    ] {
        for c in claims {
            let _ = writeln!(
                o,
                "- **{label}** `{}` ({}): {}",
                c.id,
                c.date,
                md_cell(&c.statement)
            );
        }
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
    let items = o.lines().filter(|l| l.starts_with("- ")).count();
    Some(Section::new(format!("Record ({items} changes)"), &o, None))
}

/// The most characters a pull-request comment holds; `--format md` stays
/// within it.
pub(crate) const COMMENT_LIMIT: usize = 65_536;

/// Room kept for the lines that say what was left out.
const NOTE_ROOM: usize = 600;

/// A folded part of the Markdown diff: its summary line and its lines (in a
/// code block of that language when `fence` is set), of which `kept` are
/// shown.
struct Section {
    summary: String,
    lines: Vec<String>,
    fence: Option<&'static str>,
    kept: usize,
}

impl Section {
    fn new(summary: String, body: &str, fence: Option<&'static str>) -> Section {
        let lines: Vec<String> = body.lines().map(str::to_string).collect();
        let kept = lines.len();
        Section {
            summary,
            lines,
            fence,
            kept,
        }
    }

    fn render(&self, o: &mut String) {
        let _ = writeln!(o, "\n<details><summary><b>{}</b></summary>\n", self.summary);
        if let Some(lang) = self.fence {
            let _ = writeln!(o, "```{lang}");
        }
        for l in &self.lines[..self.kept] {
            o.push_str(l);
            o.push('\n');
        }
        if self.fence.is_some() {
            o.push_str("```\n");
        }
        if self.kept < self.lines.len() {
            let _ = writeln!(
                o,
                "\n_{} of these {} lines left out, to stay within the {COMMENT_LIMIT} characters of a pull-request comment; `kzclaims diff` with the same revisions prints them all._",
                self.lines.len() - self.kept,
                self.lines.len()
            );
        }
        o.push_str("\n</details>\n");
    }
}

/// The summary, then the sections, cut from the last section backwards
/// (whole lines) until the text fits in `limit` characters; a final line
/// says what was left out.
fn fit(head: String, mut sections: Vec<Section>, limit: usize) -> String {
    let render = |sections: &[Section]| {
        let mut o = head.clone();
        for s in sections {
            s.render(&mut o);
        }
        let cut: Vec<String> = sections
            .iter()
            .filter(|s| s.kept < s.lines.len())
            .map(|s| {
                format!(
                    "{} ({} of {} lines)",
                    s.summary,
                    s.lines.len() - s.kept,
                    s.lines.len()
                )
            })
            .collect();
        if !cut.is_empty() {
            let _ = writeln!(
                o,
                "\n**Left out** to fit a pull-request comment ({limit} characters): {}.",
                cut.join("; ")
            );
        }
        o
    };
    let mut out = render(&sections);
    let mut total = out.chars().count();
    while total > limit {
        let Some(s) = sections.iter_mut().rev().find(|s| s.kept > 0) else {
            break; // the summary alone is longer: nothing left to fold away
        };
        let mut over = (total - limit + NOTE_ROOM) as isize;
        while s.kept > 0 && over > 0 {
            s.kept -= 1;
            over -= s.lines[s.kept].chars().count() as isize + 1;
        }
        out = render(&sections);
        total = out.chars().count();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sections() -> Vec<Section> {
        let many = |n: usize, w: &str| (0..n).map(|i| format!("- {w} {i}\n")).collect::<String>();
        vec![
            Section::new("Attribution".into(), &many(50, "part"), None),
            Section::new("Record".into(), &many(2000, "claim é"), None),
            Section::new("Memo redline".into(), &many(3000, "+line"), Some("diff")),
        ]
    }

    #[test]
    fn fits_the_comment_limit_cutting_the_redline_first() {
        let all = fit("# head\n".into(), sections(), usize::MAX);
        assert!(!all.contains("left out"));
        assert_eq!(all.matches("<details>").count(), 3);
        let out = fit("# head\n".into(), sections(), 20_000);
        assert!(out.chars().count() <= 20_000, "{}", out.chars().count());
        assert!(out.starts_with("# head\n"));
        assert_eq!(out.matches("<details>").count(), 3);
        assert_eq!(out.matches("</details>").count(), 3);
        assert_eq!(out.matches("```").count(), 2, "the code block is closed");
        assert!(out.contains("- part 49\n"), "the attribution is whole");
        assert!(out.contains("of these 3000 lines left out"));
        assert!(out.contains("**Left out** to fit a pull-request comment (20000 characters): "));
        assert!(
            out.contains("Memo redline (3000 of 3000 lines)"),
            "{}",
            &out[out.len() - 300..]
        );
        // Tighter: the record is cut too, never the summary.
        let out = fit("# head\n".into(), sections(), 3_000);
        assert!(out.chars().count() <= 3_000);
        assert!(out.contains("of these 2000 lines left out"));
    }
}
