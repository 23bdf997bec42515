//! The diff as plain text for the terminal.

use super::*;

/// Marks around bold text until the record text is escaped (characters of
/// Unicode's private use area, not control characters).
const BOLD_ON: char = '\u{f8f0}';
const BOLD_OFF: char = '\u{f8f1}';

/// Plain text for a terminal; `color` adds ANSI colours. Control characters
/// of the record are shown escaped (`crate::report::escape::terminal_lines`);
/// the colours are added after.
pub fn to_text(d: &Diff, memo_unified: &str, color: bool) -> String {
    let marked = marked_text(d, !memo_unified.is_empty());
    let escaped = crate::report::escape::terminal_lines(&marked);
    let (on, off) = if color {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("", "")
    };
    let mut o = escaped.replace(BOLD_ON, on).replace(BOLD_OFF, off);
    if !memo_unified.is_empty() {
        let memo = crate::report::escape::terminal_lines(memo_unified);
        o.push_str(&if color {
            colorize_unified(&memo)
        } else {
            memo.into_owned()
        });
    }
    o
}

/// [`to_text`] before escaping, without the memo's lines, bold marked.
fn marked_text(d: &Diff, has_memo: bool) -> String {
    let mut o = String::new();
    let bold = |s: &str| format!("{BOLD_ON}{s}{BOLD_OFF}");
    let _ = writeln!(
        o,
        "{}",
        bold(&format!("kzclaims diff: {} → {}", d.from.label, d.to.label))
    );
    let _ = writeln!(o);
    if !d.changed {
        let _ = writeln!(o, "no changes");
        if has_memo {
            let _ = writeln!(o, "\nMemo (dates only):\n");
        }
        return o;
    }
    let flip = headline(d);
    let _ = writeln!(
        o,
        "{}",
        if d.leader.flipped {
            bold(&format!("!! {flip}"))
        } else {
            flip
        }
    );
    if let Some(w) = why(d) {
        let _ = writeln!(o, "{w}");
    }
    if let Some(c) = record_counts(&d.record) {
        let _ = writeln!(o, "Record: {c}.");
    }
    let _ = writeln!(o, "\n{}", bold("Assessment"));
    for m in &d.scenarios {
        let _ = writeln!(o, "  {:<24} {}", m.id, move_text(m, d.engine));
    }
    section_attribution_text(&mut o, d, &bold);
    section_record_text(&mut o, &d.record, &bold);
    if has_memo {
        let _ = writeln!(o, "\n{}\n", bold("Memo redline"));
    }
    o
}

pub(crate) fn section_attribution_text(o: &mut String, d: &Diff, bold: &dyn Fn(&str) -> String) {
    let a = &d.attribution;
    if a.parts.is_empty() {
        return;
    }
    let ach = d.engine == "ach";
    let what = if ach {
        "Attribution: change in weighted inconsistency, by claim (lower is better)"
    } else {
        "Attribution: change in log-odds against the other scenarios, by claim"
    };
    let _ = writeln!(o, "\n{}", bold(what));
    let pick = |p: &Part| {
        if ach {
            p.weighted_inconsistency.clone()
        } else {
            p.log_odds.clone()
        }
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut head = vec!["claim".to_string(), "change".to_string()];
    head.extend(a.scenarios.iter().cloned());
    rows.push(head);
    for p in &a.parts {
        // Fields are listed under Record; the table keeps to the kind.
        let mut r = vec![
            p.claim.clone().unwrap_or_else(|| "(priors)".into()),
            p.kind.as_str().to_string(),
        ];
        r.extend(pick(p).0.iter().map(|(_, v)| signed(*v)));
        rows.push(r);
    }
    let total = if ach {
        &a.total_weighted_inconsistency
    } else {
        &a.total_log_odds
    };
    let mut r = vec!["total".to_string(), String::new()];
    r.extend(total.0.iter().map(|(_, v)| signed(*v)));
    rows.push(r);
    let mut lines: Vec<Line> = rows.into_iter().map(Line::Cells).collect();
    let last = lines.len() - 1;
    lines.insert(last, Line::Rule);
    o.push_str(&table::render(&lines, |i| i < 2, "  "));
}

pub(crate) fn fields_text(f: &[FieldChange]) -> String {
    f.iter()
        .map(|c| {
            let field = match c.field.strip_prefix("ratings.") {
                Some(id) => format!("rating for {id}"),
                None => c.field.clone(),
            };
            format!("{field}: {} → {}", shorten(&c.from), shorten(&c.to))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub(crate) fn shorten(s: &str) -> String {
    if s.is_empty() {
        return "(none)".into();
    }
    let n = s.chars().count();
    if n > 80 {
        let head: String = s.chars().take(77).collect();
        format!("“{head}…”")
    } else if s.contains(' ') {
        format!("“{s}”")
    } else {
        s.to_string()
    }
}

pub(crate) fn section_record_text(o: &mut String, r: &RecordDiff, bold: &dyn Fn(&str) -> String) {
    if r.is_empty() {
        return;
    }
    let _ = writeln!(o, "\n{}", bold("Record"));
    for c in &r.claims_added {
        let _ = writeln!(o, "  + {} ({}): {}", c.id, c.date, c.statement);
    }
    for c in &r.claims_retracted {
        let _ = writeln!(
            o,
            "  x {} ({}): {} (added and retracted)",
            c.id, c.date, c.statement
        );
    }
    for c in &r.claims_removed {
        let _ = writeln!(o, "  - {} ({}): {}", c.id, c.date, c.statement);
    }
    for c in &r.claims_revised {
        let _ = writeln!(o, "  ~ {} ({}): {}", c.id, c.date, fields_text(&c.fields));
        for n in &c.notes {
            let _ = writeln!(o, "      note {n}");
        }
    }
    for s in &r.sources_added {
        let _ = writeln!(o, "  + source {} ({})", s.id, s.name);
    }
    for s in &r.sources_removed {
        let _ = writeln!(o, "  - source {} ({})", s.id, s.name);
    }
    for s in &r.sources_changed {
        let _ = writeln!(o, "  ~ source {}: {}", s.id, fields_text(&s.fields));
    }
    for s in &r.scenarios_added {
        let _ = writeln!(o, "  + scenario {}: {}", s.id, s.name);
    }
    for s in &r.scenarios_retired {
        let _ = writeln!(o, "  - scenario {}: {}", s.id, s.name);
    }
    for s in &r.scenarios_changed {
        let _ = writeln!(o, "  ~ scenario {}: {}", s.id, fields_text(&s.fields));
    }
    for s in &r.indicators_changed {
        let _ = writeln!(o, "  ~ indicator {}: {}", s.id, fields_text(&s.fields));
    }
    if !r.settings.is_empty() {
        let _ = writeln!(o, "  ~ settings: {}", fields_text(&r.settings));
    }
}
