//! The diff as a self-contained HTML page.

use super::*;

pub(crate) const HTML_STYLE: &str = "body{font-family:Georgia,\"Times New Roman\",serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.5}
h1{font-size:1.5rem}h2{font-size:1.2rem;border-bottom:1px solid #999;margin-top:2rem}
.flip{background:#fff3d6;border-left:4px solid #c08a00;padding:.6rem 1rem;font-weight:bold}
.lede{background:#f3f1ea;border-left:4px solid #7a6a3a;padding:.6rem 1rem}
table{border-collapse:collapse;width:100%;font-size:.92rem}th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}.pos{color:#1b6e20}.neg{color:#a01010}
.memo{border:1px solid #ccc;padding:1rem 1.5rem;background:#fff}
.memo .h1{font-size:1.4rem;font-weight:bold;margin:.6rem 0}.memo .h2{font-size:1.15rem;font-weight:bold;margin:1rem 0 .3rem}.memo .h3{font-weight:bold;margin:.8rem 0 .2rem}
.memo .li{margin-left:1.5rem;display:list-item}.memo .tr{font-family:ui-monospace,monospace;font-size:.8rem;white-space:pre-wrap}.memo .p{margin:.3rem 0}
.memo .chg{white-space:pre-wrap;background:#fafafa;border-left:3px solid #c08a00;padding:.2rem .6rem;margin:.3rem 0}
del{background:#fde0e0;color:#8a1010;text-decoration:line-through}ins{background:#dff5df;color:#135e16;text-decoration:underline}
.key{color:#555;font-size:.9rem}code{font-size:.9em}";

/// A self-contained HTML page: summary, assessment, attribution, record and
/// the memo redline.
pub fn to_html(d: &Diff, memo_before: &str, memo_after: &str) -> String {
    let mut o = String::new();
    let title = format!("What changed: {} → {}", d.from.label, d.to.label);
    let _ = writeln!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{HTML_STYLE}\n</style>\n</head>\n<body>\n<h1>{}</h1>",
        esc(&title),
        esc(&title)
    );
    if !d.changed {
        let _ = writeln!(o, "<p class=\"lede\">No changes.</p>");
    } else {
        let flip = headline(d);
        if d.leader.flipped {
            let _ = writeln!(o, "<p class=\"flip\">{}</p>", esc(&flip));
        } else {
            let _ = writeln!(o, "<p class=\"lede\">{}</p>", esc(&flip));
        }
        if let Some(c) = record_counts(&d.record) {
            let _ = writeln!(o, "<p>Record: {}.</p>", esc(&c));
        }
        html_assessment(&mut o, d);
        html_attribution(&mut o, d);
        html_record(&mut o, &d.record);
    }
    if memo_before != memo_after {
        let _ = writeln!(
            o,
            "<h2>The memo, redlined</h2>\n<p class=\"key\">The memo as of {} rewritten as of {}: <del>struck-through words</del> were removed, <ins>underlined words</ins> were added.</p>\n<div class=\"memo\">\n{}</div>",
            esc(&d.from.label),
            esc(&d.to.label),
            memo_redline_html(memo_before, memo_after)
        );
    }
    o.push_str("</body>\n</html>\n");
    o
}

pub(crate) fn html_assessment(o: &mut String, d: &Diff) {
    let _ = writeln!(o, "<h2>Assessment</h2>\n<table>\n<tr><th>Scenario</th><th class=\"num\">Before</th><th class=\"num\">After</th><th>Likelihood</th><th class=\"num\">Rank</th></tr>");
    let ach = d.engine == "ach";
    for m in &d.scenarios {
        let v = |s: &Option<Standing>| {
            s.as_ref()
                .map(|s| {
                    if ach {
                        format!("{:.2}", s.weighted_inconsistency)
                    } else {
                        s.percent.clone()
                    }
                })
                .unwrap_or_else(|| "—".into())
        };
        let term = match (&m.from, &m.to) {
            (Some(a), Some(b)) if a.term != b.term => format!("{} → {}", a.term, b.term),
            (_, Some(b)) => b.term.to_string(),
            (Some(a), None) => a.term.to_string(),
            _ => String::new(),
        };
        let rank = match (&m.from, &m.to) {
            (Some(a), Some(b)) if a.rank != b.rank => format!("{} → {}", a.rank, b.rank),
            (_, Some(b)) => b.rank.to_string(),
            (Some(a), None) => format!("{} → retired", a.rank),
            _ => String::new(),
        };
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
            esc(&m.title),
            v(&m.from),
            v(&m.to),
            esc(&term),
            esc(&rank)
        );
    }
    o.push_str("</table>\n");
    if ach {
        o.push_str("<p class=\"key\">Values are weighted inconsistency (lower is better).</p>\n");
    }
}

pub(crate) fn html_attribution(o: &mut String, d: &Diff) {
    let a = &d.attribution;
    if a.parts.is_empty() {
        return;
    }
    let ach = d.engine == "ach";
    let _ = writeln!(
        o,
        "<h2>Why it moved</h2>\n<p class=\"key\">{}</p>\n<table>\n<tr><th>Claim</th><th>Change</th>",
        if ach {
            "Each claim's share of the change in weighted inconsistency (lower is better). The shares add up to the total."
        } else {
            "Each claim's share of the change in each scenario's log-odds against the others: positive pushes toward the scenario, negative away. The shares add up to the total."
        }
    );
    for s in &a.scenarios {
        let _ = write!(o, "<th class=\"num\">{}</th>", esc(s));
    }
    o.push_str("</tr>\n");
    let cell = |v: f64| {
        let class = if v > ZERO {
            "pos"
        } else if v < -ZERO {
            "neg"
        } else {
            ""
        };
        let class = if ach && !class.is_empty() {
            if class == "pos" {
                "neg"
            } else {
                "pos"
            }
        } else {
            class
        };
        format!("<td class=\"num {class}\">{}</td>", signed(v))
    };
    for p in &a.parts {
        let m = if ach {
            &p.weighted_inconsistency
        } else {
            &p.log_odds
        };
        let who = match (&p.claim, &p.statement) {
            (Some(c), Some(s)) => format!(
                "<code>{}</code><br><span class=\"key\">{}</span>",
                esc(c),
                esc(s)
            ),
            (Some(c), None) => format!("<code>{}</code>", esc(c)),
            _ => "Prior probabilities".into(),
        };
        let _ = write!(o, "<tr><td>{who}</td><td>{}</td>", esc(&part_kind_text(p)));
        for (_, v) in &m.0 {
            o.push_str(&cell(*v));
        }
        o.push_str("</tr>\n");
    }
    let total = if ach {
        &a.total_weighted_inconsistency
    } else {
        &a.total_log_odds
    };
    o.push_str("<tr><th>Total</th><th></th>");
    for (_, v) in &total.0 {
        let _ = write!(o, "<th class=\"num\">{}</th>", signed(*v));
    }
    o.push_str("</tr>\n</table>\n");
}

pub(crate) fn html_fields(f: &[FieldChange]) -> String {
    let mut o = String::from("<ul>");
    for c in f {
        let _ = write!(
            o,
            "<li>{}: <del>{}</del> → <ins>{}</ins></li>",
            esc(&c.field),
            esc(if c.from.is_empty() { "(none)" } else { &c.from }),
            esc(if c.to.is_empty() { "(none)" } else { &c.to })
        );
    }
    o.push_str("</ul>");
    o
}

pub(crate) fn html_record(o: &mut String, r: &RecordDiff) {
    if r.is_empty() {
        return;
    }
    o.push_str("<h2>What changed in the record</h2>\n<ul>\n");
    for c in &r.claims_added {
        let _ = writeln!(
            o,
            "<li><strong>Added</strong> <code>{}</code> ({}): {}</li>",
            esc(&c.id),
            c.date,
            esc(&c.statement)
        );
    }
    for c in &r.claims_removed {
        let _ = writeln!(
            o,
            "<li><strong>Removed</strong> <code>{}</code> ({}): {}</li>",
            esc(&c.id),
            c.date,
            esc(&c.statement)
        );
    }
    for c in &r.claims_revised {
        let _ = write!(
            o,
            "<li><strong>Revised</strong> <code>{}</code> ({}): {}{}",
            esc(&c.id),
            c.date,
            esc(&c.statement),
            html_fields(&c.fields)
        );
        for n in &c.notes {
            let _ = write!(o, "<p class=\"key\">Note {}</p>", esc(n));
        }
        o.push_str("</li>\n");
    }
    for s in &r.sources_added {
        let _ = writeln!(
            o,
            "<li><strong>Source added</strong> {} (<code>{}</code>)</li>",
            esc(&s.name),
            esc(&s.id)
        );
    }
    for s in &r.sources_removed {
        let _ = writeln!(
            o,
            "<li><strong>Source removed</strong> {} (<code>{}</code>)</li>",
            esc(&s.name),
            esc(&s.id)
        );
    }
    for s in &r.sources_changed {
        let _ = writeln!(
            o,
            "<li><strong>Source changed</strong> {} (<code>{}</code>){}</li>",
            esc(&s.name),
            esc(&s.id),
            html_fields(&s.fields)
        );
    }
    for s in &r.scenarios_added {
        let _ = writeln!(
            o,
            "<li><strong>Scenario added</strong> {} (<code>{}</code>)</li>",
            esc(&s.name),
            esc(&s.id)
        );
    }
    for s in &r.scenarios_retired {
        let _ = writeln!(
            o,
            "<li><strong>Scenario retired</strong> {} (<code>{}</code>)</li>",
            esc(&s.name),
            esc(&s.id)
        );
    }
    for s in &r.scenarios_changed {
        let _ = writeln!(
            o,
            "<li><strong>Scenario changed</strong> {} (<code>{}</code>){}</li>",
            esc(&s.name),
            esc(&s.id),
            html_fields(&s.fields)
        );
    }
    for s in &r.indicators_changed {
        let _ = writeln!(
            o,
            "<li><strong>Indicator changed</strong> {} (<code>{}</code>){}</li>",
            esc(&s.name),
            esc(&s.id),
            html_fields(&s.fields)
        );
    }
    if !r.settings.is_empty() {
        let _ = writeln!(
            o,
            "<li><strong>Settings</strong>{}</li>",
            html_fields(&r.settings)
        );
    }
    o.push_str("</ul>\n");
}

// ---------------------------------------------------------------------------
// `brief --since`.
