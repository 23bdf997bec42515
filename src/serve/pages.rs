//! The pages `kzclaims serve` generates: the memo as of a date with a date
//! control, the timeline, a diff between two dates, sensitivity, what to find
//! out next, and the diagnostics page when the workspace has errors.

use super::watch::{Loaded, State};
use crate::diag::DiagnosticRenderer;
use crate::engine::diff::{Side, SideInfo};
use crate::engine::{self, collect, sensitivity, timeline};
use crate::model::*;
use crate::report::diff as rdiff;
use crate::report::memo::{chart, context, render};
use chrono::NaiveDate;
use std::collections::BTreeMap;

pub(super) type Query = BTreeMap<String, String>;

/// `a=1&b=x%20y` → {a: 1, b: "x y"} (values percent-decoded, `+` as space).
pub(super) fn query(q: &str) -> Query {
    let decode = |s: &str| {
        let b = s.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < b.len() => {
                    let hex = |c: u8| (c as char).to_digit(16);
                    match (hex(b[i + 1]), hex(b[i + 2])) {
                        (Some(h), Some(l)) => {
                            out.push((h * 16 + l) as u8);
                            i += 2;
                        }
                        _ => out.push(b'%'),
                    }
                }
                c => out.push(c),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    };
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}
use crate::report::escape::html as esc;

/// A date in the query (absent: `None`), by the one date parser: a bad one is
/// an error saying what is wrong, never another date.
fn date_param(q: &Query, key: &str) -> Result<Option<NaiveDate>, String> {
    match q.get(key) {
        None => Ok(None),
        Some(d) => crate::model::parse_date(d)
            .map(Some)
            .map_err(|e| format!("`{key}={d}` is not a date: {e}")),
    }
}

/// The navigation bar: pages, and a date control over the record's dates
/// (previous / next links and a select; plain GET, no script needed).
fn nav(ws: &Workspace, path: &str, date: NaiveDate) -> String {
    let dates = ws.record_dates();
    let prev = dates.iter().rev().find(|d| **d < date);
    let next = dates.iter().find(|d| **d > date);
    let link = |p: &str, label: &str| {
        let cur = if p == path {
            " aria-current=\"page\""
        } else {
            ""
        };
        format!("<a href=\"{p}?as_of={date}\"{cur}>{label}</a>")
    };
    let mut listed = dates.clone();
    if !listed.contains(&date) {
        listed.push(date);
        listed.sort();
    }
    let mut options = String::new();
    for d in listed.iter().rev() {
        let sel = if *d == date { " selected" } else { "" };
        options.push_str(&format!("<option value=\"{d}\"{sel}>{d}</option>"));
    }
    let mut out = String::from(
        "<nav class=\"kz-serve\" style=\"font:14px Helvetica,Arial,sans-serif;background:#f4f4f4;border-bottom:1px solid #ccc;padding:.4rem .8rem;display:flex;gap:1rem;flex-wrap:wrap;align-items:center\">",
    );
    out.push_str(&format!(
        "<strong>kzclaims serve</strong>{} {} {} {} {}",
        link("/", "Memo"),
        link("/timeline", "Timeline"),
        link("/diff", "Diff"),
        link("/sensitivity", "Sensitivity"),
        link("/collect", "Find out next")
    ));
    out.push_str(&format!(
        "<form method=\"get\" action=\"{path}\" style=\"margin:0\"><label>As of <select name=\"as_of\">{options}</select></label> <button type=\"submit\">Show</button></form>"
    ));
    if let Some(p) = prev {
        out.push_str(&format!(
            "<a href=\"{path}?as_of={p}\" rel=\"prev\">← {p}</a>"
        ));
    }
    if let Some(n) = next {
        out.push_str(&format!(
            "<a href=\"{path}?as_of={n}\" rel=\"next\">{n} →</a>"
        ));
    }
    out.push_str("<span class=\"kz-live\" role=\"status\"></span></nav>");
    out
}

/// Put the nav bar at the top of a full page and the live script at its end.
fn framed(page: &str, nav: &str) -> String {
    let script = "<script src=\"/assets/live.js\"></script>";
    let with_nav = match page.find("<body>") {
        Some(i) => format!("{}{nav}{}", &page[..i + 6], &page[i + 6..]),
        None => format!("{nav}{page}"),
    };
    match with_nav.rfind("</body>") {
        Some(i) => format!("{}{script}{}", &with_nav[..i], &with_nav[i..]),
        None => format!("{with_nav}{script}"),
    }
}

/// A plain page around some HTML.
fn simple(title: &str, nav: &str, body: &str) -> String {
    framed(
        &format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>body{{font-family:Georgia,serif;margin:0}}main{{max-width:72rem;margin:1rem auto;padding:0 1rem}}pre{{font-size:.8rem;overflow-x:auto;background:#fafafa;padding:.6rem}}svg{{max-width:100%;height:auto}}table{{border-collapse:collapse;font-size:.9rem}}td,th{{border-bottom:1px solid #ddd;padding:.2rem .5rem;text-align:left}}</style></head><body><main>{body}</main></body></html>\n",
            esc(title)
        ),
        nav,
    )
}

/// The page shown while the workspace does not load: its diagnostics, as
/// `kzclaims check` prints them (file:line:col and the snippet).
fn diagnostics_page(diags: &[crate::diag::Diagnostic], files: &[SourceFile]) -> String {
    let lookup = |rel: &str| files.iter().find(|f| f.rel == rel).map(|f| f.text.as_str());
    let r = DiagnosticRenderer::new(false, &lookup);
    let text = r.render_all(diags);
    simple(
        "kzclaims: the workspace has errors",
        "<nav class=\"kz-serve\" style=\"font:14px Helvetica,Arial,sans-serif;background:#fbeaea;border-bottom:1px solid #c99;padding:.4rem .8rem\"><strong>kzclaims serve</strong>: the workspace has errors; the page comes back when they are fixed <span class=\"kz-live\" role=\"status\"></span></nav>",
        &format!(
            "<h1>The workspace has errors</h1><p>Fix them and save: this page reloads by itself.</p><pre class=\"diagnostics\">{}</pre>",
            esc(&text)
        ),
    )
}

/// The page shown when the memo's template fails: its error, quoting the
/// template when its text is known.
fn template_error_page(e: render::TemplateError) -> String {
    let files: Vec<SourceFile> = e
        .source
        .map(|(rel, text)| vec![SourceFile { rel, text }])
        .unwrap_or_default();
    diagnostics_page(&[e.diagnostic], &files)
}

/// (status, HTML) of a page.
pub(super) fn page(state: &State, path: &str, q: &Query) -> (u16, String) {
    let (_, loaded) = state.current();
    let ws = match &*loaded {
        Loaded::Ok(ws) => ws,
        Loaded::Invalid(d, f) => return (200, diagnostics_page(d, f)),
        Loaded::Unreadable(m) => {
            return (
                200,
                diagnostics_page(
                    &[crate::diag::Diagnostic::error(
                        crate::diag::Code::E000,
                        m.clone(),
                    )],
                    &[],
                ),
            )
        }
    };
    let default = ws.default_as_of().unwrap_or_default();
    let dates = ["as_of", "from", "to"].map(|k| date_param(q, k));
    let [as_of, from_q, to_q] = match dates {
        [Ok(a), Ok(f), Ok(t)] => [a, f, t],
        [Err(m), ..] | [_, Err(m), _] | [.., Err(m)] => {
            return (
                400,
                simple(
                    "kzclaims: bad date",
                    "",
                    &format!(
                        "<h1>Bad date</h1><p>{}</p><p><a href=\"{}\">Show the latest date</a></p>",
                        esc(&m),
                        esc(path)
                    ),
                ),
            )
        }
    };
    let date = as_of.unwrap_or(default);
    let nav = nav(ws, path, date);
    let a = engine::assess(ws, date, ws.config.engine);
    match path {
        "/" => {
            let ctx = context::with_visuals(context::memo_context(ws, &a), ws, &a);
            let name =
                render::template_file_name(&ws.config.memo.template, render::MemoFormat::Html);
            match render::render(state.root(), &name, &ctx) {
                Ok(html) => (200, framed(&html, &nav)),
                Err(e) => (200, template_error_page(*e)),
            }
        }
        "/timeline" => timeline_page(ws, a.engine, date, &nav),
        "/diff" => {
            let dates = ws.record_dates();
            let from = from_q
                .or_else(|| dates.iter().rev().find(|d| **d < date).copied())
                .unwrap_or(date);
            let to = to_q.unwrap_or(date);
            let (aa, ab) = (
                engine::assess(ws, from, ws.config.engine),
                engine::assess(ws, to, ws.config.engine),
            );
            let info = |d: NaiveDate| SideInfo {
                spec: d.to_string(),
                label: d.to_string(),
                as_of: d.to_string(),
                revision: None,
            };
            let d = crate::engine::diff::diff(
                &Side {
                    ws,
                    assessment: &aa,
                    info: info(from),
                },
                &Side {
                    ws,
                    assessment: &ab,
                    info: info(to),
                },
            );
            let name = render::template_file_name(&ws.config.memo.template, render::MemoFormat::Md);
            let memo = |x: &engine::Assessment| {
                render::render(state.root(), &name, &context::memo_context(ws, x))
            };
            // A template that fails shows its error, as the memo page does.
            let (memo_a, memo_b) = match (memo(&aa), memo(&ab)) {
                (Ok(a), Ok(b)) => (a, b),
                (Err(e), _) | (_, Err(e)) => return (200, template_error_page(*e)),
            };
            let form = format!(
                "<form method=\"get\" action=\"/diff\" style=\"font:14px Helvetica,Arial,sans-serif;padding:.4rem .8rem\">From <input name=\"from\" value=\"{from}\" size=\"10\"> to <input name=\"to\" value=\"{to}\" size=\"10\"> <button type=\"submit\">Compare</button></form>"
            );
            let html = rdiff::to_html(&d, &memo_a, &memo_b);
            (200, framed(&html, &format!("{nav}{form}")))
        }
        "/sensitivity" => {
            let s = sensitivity::analyse(ws, &a);
            let body = format!(
                "<h1>How much the conclusion rests on, as of {date}</h1><pre>{}</pre>",
                esc(&crate::report::views::sensitivity::to_table(ws, &a, &s))
            );
            (200, simple("Sensitivity", &nav, &body))
        }
        "/collect" => {
            let c = collect::analyse_assessment(ws, &a);
            let body = format!(
                "<h1>What to find out next, as of {date}</h1><pre>{}</pre>",
                esc(&crate::report::views::collect::to_table(ws, &c))
            );
            (200, simple("Find out next", &nav, &body))
        }
        _ => (404, simple("Not found", &nav, "<p>Not found.</p>")),
    }
}

/// The timeline page: the chart, and one row per date, latest first.
fn timeline_page(ws: &Workspace, engine: EngineKind, date: NaiveDate, nav: &str) -> (u16, String) {
    let t = timeline::timeline(ws, engine, None, Some(date));
    let mut rows = String::new();
    for p in t.points.iter().rev() {
        let lead = p
            .leader()
            .map(|j| {
                format!(
                    "{} ({})",
                    ws.scenarios[j].id,
                    crate::report::format::percent(p.scores[j].probability)
                )
            })
            .unwrap_or_default();
        let changed: Vec<String> = p.changes.iter().map(|c| c.subject.id(ws)).collect();
        rows.push_str(&format!(
            "<tr><td><a href=\"/?as_of={d}\">{d}</a></td><td>{}</td><td>{}</td></tr>",
            esc(&lead),
            esc(&changed.join(", ")),
            d = p.date
        ));
    }
    let body = format!(
        "<h1>How the assessment moved, to {date}</h1><figure role=\"group\">{}</figure><table><thead><tr><th scope=\"col\">Date</th><th scope=\"col\">Leader</th><th scope=\"col\">What changed</th></tr></thead><tbody>{rows}</tbody></table>",
        chart::svg(ws, &t)
    );
    (200, simple("Timeline", nav, &body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_decoded() {
        let q = query("as_of=2022-01-06&x=a%20b+c&empty");
        assert_eq!(q["as_of"], "2022-01-06");
        assert_eq!(q["x"], "a b c");
        assert_eq!(q["empty"], "");
        assert_eq!(query("bad=%zz")["bad"], "%zz");
    }

    #[test]
    fn nav_and_script_go_inside_the_page() {
        let p = framed("<html><body><p>x</p></body></html>", "<nav>n</nav>");
        assert_eq!(
            p,
            "<html><body><nav>n</nav><p>x</p><script src=\"/assets/live.js\"></script></body></html>"
        );
    }
}
