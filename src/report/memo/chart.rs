//! Draws a timeline as a self-contained SVG line chart: each scenario's
//! probability (bayes) or weighted inconsistency (ach) over calendar time, as
//! steps (an assessment holds until the next change), with the largest moves
//! numbered and explained by the claims that caused them, and a legend.
//!
//! The SVG is written by hand: same input, same bytes; no font is read at run
//! time (text names a generic font family and is laid out by the viewer).

use crate::engine::timeline::{Point, Timeline};
use crate::model::*;
use crate::report::format::percent;
use chrono::{Datelike, NaiveDate};
use std::fmt::Write;

/// Okabe–Ito colours (distinguishable with colour-vision deficiencies).
const COLORS: [&str; 8] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
];

const WIDTH: f64 = 960.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 24.0;
/// How many moves get a number.
const MOVES: usize = 6;

/// A large move: at `point`, scenario `scenario` moved by `delta`.
struct Move {
    point: usize,
    scenario: usize,
    before: f64,
    after: f64,
    claims: Vec<String>,
}

/// Text in the SVG: escaped, and well-formed XML whatever it holds.
fn esc(s: &str) -> String {
    crate::report::escape::svg(s)
}

fn days(a: NaiveDate, b: NaiveDate) -> f64 {
    (b - a).num_days() as f64
}

/// The plotted value: probability for bayes, weighted inconsistency for ach.
fn value(p: &Point, j: usize, engine: EngineKind) -> f64 {
    match engine {
        EngineKind::Bayes => p.scores[j].probability,
        EngineKind::Ach => p.scores[j].weighted_inconsistency,
    }
}

/// The value as text, escaped for SVG ("<1%").
fn fmt_value(v: f64, engine: EngineKind) -> String {
    esc(&match engine {
        EngineKind::Bayes => percent(v),
        EngineKind::Ach => format!("{v:.2}"),
    })
}

/// The largest moves, numbered in date order.
fn largest_moves(ws: &Workspace, t: &Timeline) -> Vec<Move> {
    let n = ws.scenarios.len();
    let priors = ws.priors();
    let mut moves: Vec<Move> = Vec::new();
    for (i, p) in t.points.iter().enumerate() {
        if p.changes.is_empty() {
            continue;
        }
        let prev = |j: usize| {
            if i == 0 {
                match t.engine {
                    EngineKind::Bayes => priors[j],
                    EngineKind::Ach => 0.0,
                }
            } else {
                value(&t.points[i - 1], j, t.engine)
            }
        };
        let Some(j) = (0..n).max_by(|&a, &b| {
            (value(p, a, t.engine) - prev(a))
                .abs()
                .total_cmp(&(value(p, b, t.engine) - prev(b)).abs())
                .then(b.cmp(&a))
        }) else {
            continue;
        };
        let (before, after) = (prev(j), value(p, j, t.engine));
        if (after - before).abs() < 1e-9 {
            continue;
        }
        let mut ch: Vec<(String, f64)> = p
            .changes
            .iter()
            .map(|c| {
                let v = match t.engine {
                    EngineKind::Bayes => c.log_odds[j],
                    EngineKind::Ach => c.weighted[j],
                };
                (c.subject.id(ws), v.abs())
            })
            .collect();
        ch.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let mut claims: Vec<String> = ch.iter().take(3).map(|c| c.0.clone()).collect();
        if ch.len() > 3 {
            claims.push(format!("+{} more", ch.len() - 3));
        }
        moves.push(Move {
            point: i,
            scenario: j,
            before,
            after,
            claims,
        });
    }
    moves.sort_by(|a, b| {
        (b.after - b.before)
            .abs()
            .total_cmp(&(a.after - a.before).abs())
            .then(a.point.cmp(&b.point))
    });
    moves.truncate(MOVES);
    moves.sort_by_key(|m| m.point);
    moves
}

/// Calendar ticks between `a` and `b`: (date, label).
fn ticks(a: NaiveDate, b: NaiveDate) -> Vec<(NaiveDate, String)> {
    let span = days(a, b);
    let month_step = if span > 4.0 * 365.0 {
        12
    } else if span > 2.0 * 365.0 {
        6
    } else if span > 365.0 {
        3
    } else if span > 120.0 {
        1
    } else {
        0
    };
    let mut out = Vec::new();
    if month_step > 0 {
        let mut d = NaiveDate::from_ymd_opt(a.year(), a.month(), 1).expect("valid month");
        while d <= b {
            if d >= a && (d.month() - 1).is_multiple_of(month_step) {
                let label = if month_step == 12 || d.month() == 1 {
                    d.year().to_string()
                } else {
                    d.format("%b").to_string()
                };
                out.push((d, label));
            }
            d = d
                .checked_add_months(chrono::Months::new(1))
                .expect("dates stay in range");
        }
    } else {
        let step = if span > 60.0 {
            14
        } else if span > 21.0 {
            7
        } else if span > 8.0 {
            2
        } else {
            1
        };
        let mut d = a;
        let mut first = true;
        while d <= b {
            let label = if first || d.day() <= step as u32 {
                d.format("%-d %b %Y").to_string()
            } else {
                d.format("%-d %b").to_string()
            };
            out.push((d, label));
            first = false;
            d += chrono::Duration::days(step);
        }
    }
    out
}

/// One panel: a calendar x axis from `a` to `b`, at vertical offset `top`.
struct Panel {
    a: NaiveDate,
    b: NaiveDate,
    top: f64,
    height: f64,
    ymax: f64,
    /// Grid step on the y axis.
    ystep: f64,
}

impl Panel {
    fn x(&self, d: NaiveDate) -> f64 {
        let w = WIDTH - LEFT - RIGHT;
        LEFT + w * days(self.a, d).clamp(0.0, days(self.a, self.b)) / days(self.a, self.b).max(1.0)
    }
    fn y(&self, v: f64) -> f64 {
        self.top + self.height * (1.0 - v / self.ymax)
    }
}

fn draw_panel(
    o: &mut String,
    ws: &Workspace,
    t: &Timeline,
    p: &Panel,
    caption: &str,
    moves: &[(usize, &Move)],
) {
    axes(o, t, p, caption);
    // Step lines: each assessment holds until the next change.
    let pts: Vec<&Point> = t.points.iter().collect();
    // Lowest-ranked first, so the leader's line is drawn on top.
    let last = t.points.last().expect("a panel has points");
    let mut order: Vec<usize> = (0..ws.scenarios.len()).collect();
    order.sort_by_key(|&j| std::cmp::Reverse(last.scores[j].rank));
    if t.engine == EngineKind::Bayes {
        bands(o, p, &pts, &order);
    }
    lines(o, t, p, &pts, order);
    panel_moves(o, t, p, moves);
}

/// The panel's caption, grid with y labels, x ticks and frame.
fn axes(o: &mut String, t: &Timeline, p: &Panel, caption: &str) {
    let x0 = LEFT;
    let x1 = WIDTH - RIGHT;
    let _ = writeln!(
        o,
        "<text x=\"{x0:.1}\" y=\"{:.1}\" class=\"cap\">{}</text>",
        p.top - 30.0,
        esc(caption)
    );
    // Grid and y labels.
    let steps = (p.ymax / p.ystep).round() as usize;
    for k in 0..=steps {
        let v = p.ystep * k as f64;
        let y = p.y(v);
        let label = match t.engine {
            EngineKind::Bayes => format!("{:.0}%", v * 100.0),
            EngineKind::Ach => {
                let t = format!("{v:.2}");
                t.trim_end_matches('0').trim_end_matches('.').to_string()
            }
        };
        let _ = writeln!(
            o,
            "<line x1=\"{x0:.1}\" y1=\"{y:.1}\" x2=\"{x1:.1}\" y2=\"{y:.1}\" class=\"grid\"/><text x=\"{:.1}\" y=\"{:.1}\" class=\"yl\">{label}</text>",
            x0 - 6.0,
            y + 4.0
        );
    }
    // X ticks.
    let yb = p.top + p.height;
    for (d, label) in ticks(p.a, p.b) {
        let x = p.x(d);
        let _ = writeln!(
            o,
            "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{yb:.1}\" class=\"tick\"/><text x=\"{x:.1}\" y=\"{:.1}\" class=\"xl\">{}</text>",
            p.top,
            yb + 16.0,
            esc(&label)
        );
    }
    let _ = writeln!(
        o,
        "<rect x=\"{x0:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" class=\"frame\"/>",
        p.top,
        x1 - x0,
        p.height
    );
}

/// The band behind each line: from the probability at the band's low
/// evidence weight to that at its high one, as a shaded step area.
fn bands(o: &mut String, p: &Panel, pts: &[&Point], order: &[usize]) {
    for &j in order {
        let mut upper: Vec<(f64, f64, f64)> = Vec::new();
        let mut lower: Vec<(f64, f64, f64)> = Vec::new();
        for (i, pt) in pts.iter().enumerate() {
            let next = pts.get(i + 1).map(|q| q.date).unwrap_or(p.b);
            if next < p.a || pt.date > p.b {
                continue;
            }
            let [lo, hi] = pt.scores[j].band;
            let (xa, xb) = (p.x(pt.date), p.x(next));
            upper.push((xa, xb, p.y(lo.max(hi))));
            lower.push((xa, xb, p.y(lo.min(hi))));
        }
        if upper.is_empty() {
            continue;
        }
        let mut d = String::new();
        for (k, (xa, xb, y)) in upper.iter().enumerate() {
            if k == 0 {
                let _ = write!(d, "M{xa:.1} {y:.1} H{xb:.1}");
            } else {
                let _ = write!(d, " V{y:.1} H{xb:.1}");
            }
        }
        for (xa, _, y) in lower.iter().rev().map(|(xa, xb, y)| (xb, xa, y)) {
            let _ = write!(d, " V{y:.1} H{:.1}", xa);
        }
        let _ = writeln!(
            o,
            "<path d=\"{d} Z\" fill=\"{}\" class=\"band\"/>",
            COLORS[j % COLORS.len()]
        );
    }
}

/// One step line per scenario, in `order`.
fn lines(o: &mut String, t: &Timeline, p: &Panel, pts: &[&Point], order: Vec<usize>) {
    for j in order {
        let mut d = String::new();
        let mut started = false;
        for (i, pt) in pts.iter().enumerate() {
            let v = value(pt, j, t.engine);
            let x = p.x(pt.date);
            let next = pts.get(i + 1).map(|q| q.date).unwrap_or(p.b);
            if next < p.a || pt.date > p.b {
                continue;
            }
            let y = p.y(v);
            if started {
                let _ = write!(d, " V{y:.1} H{:.1}", p.x(next));
            } else {
                let _ = write!(d, "M{x:.1} {y:.1} H{:.1}", p.x(next));
                started = true;
            }
        }
        if started {
            let _ = writeln!(
                o,
                "<path d=\"{d}\" stroke=\"{}\" class=\"line\"/>",
                COLORS[j % COLORS.len()]
            );
        }
    }
}

/// Numbered moves: markers on the line, labels in a row above the panel,
/// spread apart when dates crowd together.
fn panel_moves(o: &mut String, t: &Timeline, p: &Panel, moves: &[(usize, &Move)]) {
    let x1 = WIDTH - RIGHT;
    let visible: Vec<(usize, &Move, f64)> = moves
        .iter()
        .filter(|(_, m)| {
            let d = t.points[m.point].date;
            d >= p.a && d <= p.b
        })
        .map(|(k, m)| (*k, *m, p.x(t.points[m.point].date)))
        .collect();
    let gap = 22.0;
    let mut lx: Vec<f64> = visible.iter().map(|v| v.2).collect();
    for i in 1..lx.len() {
        lx[i] = lx[i].max(lx[i - 1] + gap);
    }
    if let Some(last) = lx.last().copied() {
        let over = last - (x1 - 10.0);
        if over > 0.0 {
            for v in lx.iter_mut() {
                *v -= over;
            }
            for i in (0..lx.len().saturating_sub(1)).rev() {
                lx[i] = lx[i].min(lx[i + 1] - gap);
            }
        }
    }
    let ly = p.top - 12.0;
    for ((k, m, x), lxv) in visible.iter().zip(&lx) {
        let y = p.y(m.after);
        let c = COLORS[m.scenario % COLORS.len()];
        let _ = writeln!(
            o,
            "<line x1=\"{lxv:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{y:.1}\" class=\"lead\"/><circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.5\" fill=\"{c}\"/><circle cx=\"{lxv:.1}\" cy=\"{ly:.1}\" r=\"9\" class=\"num\" stroke=\"{c}\"/><text x=\"{lxv:.1}\" y=\"{:.1}\" class=\"numt\">{}</text>",
            ly + 9.0,
            ly + 4.0,
            k + 1
        );
    }
}

/// A stretch worth enlarging: the changes within 30 days of the largest
/// move, when they are several and fill less than a tenth of the whole span.
fn detail_window(
    t: &Timeline,
    moves: &[Move],
    a: NaiveDate,
    b: NaiveDate,
) -> Option<(NaiveDate, NaiveDate)> {
    let span = days(a, b);
    let big = moves.iter().max_by(|x, y| {
        (x.after - x.before)
            .abs()
            .total_cmp(&(y.after - y.before).abs())
    })?;
    let centre = t.points[big.point].date;
    let near: Vec<NaiveDate> = t
        .points
        .iter()
        .filter(|p| !p.changes.is_empty() && days(centre, p.date).abs() <= 30.0)
        .map(|p| p.date)
        .collect();
    let (first, last) = (*near.first()?, *near.last()?);
    if near.len() < 3 || span < 60.0 || days(first, last) > 0.1 * span {
        return None;
    }
    let pad = ((days(first, last) * 0.15).ceil() as i64).max(2);
    let lo = (first - chrono::Duration::days(pad)).max(a);
    let hi = (last + chrono::Duration::days(pad)).min(b);
    (lo < hi).then_some((lo, hi))
}

/// The chart as SVG text.
pub(crate) fn svg(ws: &Workspace, t: &Timeline) -> String {
    let mut o = String::new();
    let engine = t.engine;
    let what = match engine {
        EngineKind::Bayes => "Probability of each scenario (Bayesian engine)",
        EngineKind::Ach => "Weighted inconsistency of each scenario (ACH engine; lower is better)",
    };
    let (Some(first), Some(last)) = (t.points.first(), t.points.last()) else {
        return empty_svg(ws);
    };
    let a = t.from.unwrap_or(first.date).min(first.date);
    let mut b = t.to.unwrap_or(last.date).max(last.date);
    // Room after the last change so its step shows.
    let tail = ((days(a, b) * 0.02).ceil() as i64).max(1);
    if t.to.is_none() {
        b += chrono::Duration::days(tail);
    }
    let (ymax, ystep) = y_scale(t);
    let moves = largest_moves(ws, t);
    let numbered: Vec<(usize, &Move)> = moves.iter().enumerate().collect();
    let detail = detail_window(t, &moves, a, b);
    let main = Panel {
        a,
        b,
        top: 110.0,
        height: 280.0,
        ymax,
        ystep,
    };
    let mut y = main.top + main.height + 36.0;
    let detail_panel = detail.map(|(lo, hi)| {
        let p = Panel {
            a: lo,
            b: hi,
            top: y + 60.0,
            height: 240.0,
            ymax,
            ystep,
        };
        y = p.top + p.height + 36.0;
        p
    });
    let legend_top = y + 10.0;
    let legend_h = 20.0 * ws.scenarios.len() as f64;
    let moves_top = legend_top + legend_h + 44.0;
    let height = moves_top + 20.0 * (moves.len() as f64 + 1.0) + 16.0;

    let _ = writeln!(
        o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height:.0}\" viewBox=\"0 0 {WIDTH} {height:.0}\" font-family=\"Helvetica, Arial, sans-serif\">"
    );
    o.push_str("<style>\n.t{font-size:19px;font-weight:bold}.sub{font-size:13px;fill:#444}.cap{font-size:13px;font-weight:bold;fill:#333}\n.grid{stroke:#e3e3e3;stroke-width:1}.tick{stroke:#f0f0f0;stroke-width:1}.frame{fill:none;stroke:#999;stroke-width:1}\n.yl{font-size:11px;fill:#555;text-anchor:end}.xl{font-size:11px;fill:#555;text-anchor:middle}\n.line{fill:none;stroke-width:2.2;stroke-linejoin:round}.lead{stroke:#888;stroke-width:.8;stroke-dasharray:2 2}\n.num{fill:#fff;stroke-width:1.6}.numt{font-size:11px;font-weight:bold;text-anchor:middle}\n.band{fill-opacity:.13;stroke:none}.lg{font-size:12.5px}.mv{font-size:12.5px}.mvh{font-size:13px;font-weight:bold}.win{fill:#f6efd9;stroke:none}\n</style>\n");
    o.push_str("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    let _ = writeln!(
        o,
        "<text x=\"{LEFT}\" y=\"30\" class=\"t\">{}</text>\n<text x=\"{LEFT}\" y=\"50\" class=\"sub\">{} · the record changed on {} dates, {} to {}</text>",
        esc(&ws.config.title),
        esc(what),
        t.points.iter().filter(|p| !p.changes.is_empty()).count(),
        first.date,
        last.date
    );
    if let Some(dp) = &detail_panel {
        // Shade the stretch the detail panel enlarges.
        let (xa, xb) = (main.x(dp.a), main.x(dp.b));
        let _ = writeln!(
            o,
            "<rect x=\"{xa:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" class=\"win\"/>",
            main.top,
            (xb - xa).max(2.0),
            main.height
        );
    }
    let main_caption = format!(
        "Whole record, {} to {} (dates to scale)",
        a,
        t.to.unwrap_or(last.date)
    );
    // Moves inside the detail stretch are numbered there, the others here.
    let inside = |m: &Move| {
        let d = t.points[m.point].date;
        detail_panel.as_ref().is_some_and(|p| d >= p.a && d <= p.b)
    };
    let outside: Vec<(usize, &Move)> = numbered
        .iter()
        .filter(|(_, m)| !inside(m))
        .copied()
        .collect();
    let within: Vec<(usize, &Move)> = numbered
        .iter()
        .filter(|(_, m)| inside(m))
        .copied()
        .collect();
    draw_panel(&mut o, ws, t, &main, &main_caption, &outside);
    if let Some(dp) = &detail_panel {
        let cap = format!(
            "Detail: {} to {} (shaded above), largest moves numbered",
            dp.a, dp.b
        );
        draw_panel(&mut o, ws, t, dp, &cap, &within);
    }
    legend(&mut o, ws, last, engine, legend_top, legend_h);
    moves_list(&mut o, ws, t, &moves, moves_top);
    o.push_str("</svg>\n");
    o
}

/// The chart of a window without changes: the title and a line saying so.
fn empty_svg(ws: &Workspace) -> String {
    let mut o = String::new();
    let _ = write!(
        o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"120\" viewBox=\"0 0 {WIDTH} 120\">\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n<text x=\"24\" y=\"40\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"18\">{}</text>\n<text x=\"24\" y=\"70\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"13\">No change to the record in this window.</text>\n</svg>\n",
        esc(&ws.config.title)
    );
    o
}

/// The top of the y axis and the grid step: 0 to 100% in quarters for
/// probabilities, a round step over the largest weighted inconsistency.
fn y_scale(t: &Timeline) -> (f64, f64) {
    match t.engine {
        EngineKind::Bayes => (1.0, 0.25),
        EngineKind::Ach => {
            let m = t
                .points
                .iter()
                .flat_map(|p| p.scores.iter().map(|s| s.weighted_inconsistency))
                .fold(0.0, f64::max);
            let step = nice_step(m * 1.1 / 5.0);
            (step * (m * 1.1 / step).ceil().max(1.0), step)
        }
    }
}

/// The legend, in the final ranking, and for the Bayesian engine what the
/// lines and shading show.
fn legend(
    o: &mut String,
    ws: &Workspace,
    last: &Point,
    engine: EngineKind,
    legend_top: f64,
    legend_h: f64,
) {
    let mut order: Vec<usize> = (0..ws.scenarios.len()).collect();
    order.sort_by_key(|&j| last.scores[j].rank);
    for (k, &j) in order.iter().enumerate() {
        let yy = legend_top + 20.0 * k as f64;
        let s = &ws.scenarios[j];
        let _ = writeln!(
            o,
            "<line x1=\"{LEFT}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{}\" stroke-width=\"4\"/><text x=\"{:.1}\" y=\"{:.1}\" class=\"lg\"><tspan font-weight=\"bold\">{}</tspan> {}: {}</text>",
            yy - 4.0,
            LEFT + 26.0,
            yy - 4.0,
            COLORS[j % COLORS.len()],
            LEFT + 34.0,
            yy,
            esc(&s.id),
            fmt_value(value(last, j, engine), engine),
            esc(&truncate(s.title_as_of(last.date), 100))
        );
    }
    if engine == EngineKind::Bayes {
        let [lo, hi] = ws.config.band;
        let _ = writeln!(
            o,
            "<text x=\"{LEFT}\" y=\"{:.1}\" class=\"lg\">Lines: evidence weight {}. Shaded: the range from weight {lo} (strongly dependent evidence) to {hi}.</text>",
            legend_top + legend_h,
            ws.config.evidence_weight
        );
    }
}

/// The numbered list of the largest moves and the claims behind them.
fn moves_list(o: &mut String, ws: &Workspace, t: &Timeline, moves: &[Move], moves_top: f64) {
    let engine = t.engine;
    let _ = writeln!(
        o,
        "<text x=\"{LEFT}\" y=\"{moves_top:.1}\" class=\"mvh\">Largest moves and the claims that caused them</text>"
    );
    for (k, m) in moves.iter().enumerate() {
        let yy = moves_top + 20.0 * (k as f64 + 1.0);
        let date = t.points[m.point].date;
        let _ = writeln!(
            o,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"8\" class=\"num\" stroke=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\" class=\"numt\">{}</text><text x=\"{:.1}\" y=\"{yy:.1}\" class=\"mv\">{date}  {} {} → {}: {}</text>",
            LEFT + 8.0,
            yy - 4.0,
            COLORS[m.scenario % COLORS.len()],
            LEFT + 8.0,
            yy,
            k + 1,
            LEFT + 24.0,
            esc(&ws.scenarios[m.scenario].id),
            fmt_value(m.before, engine),
            fmt_value(m.after, engine),
            esc(&m.claims.join(", "))
        );
    }
}

/// The smallest of 1, 2, 2.5, 5 × 10^k at least `raw` (grid steps that read
/// well); 0.25 for an empty range.
fn nice_step(raw: f64) -> f64 {
    if raw <= 0.0 || !raw.is_finite() {
        return 0.25;
    }
    let mut p = 10f64.powi(raw.log10().floor() as i32);
    loop {
        for m in [1.0, 2.0, 2.5, 5.0] {
            if m * p >= raw - 1e-12 {
                return m * p;
            }
        }
        p *= 10.0;
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::timeline::timeline;

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(2.59), 5.0);
        assert_eq!(nice_step(2.0), 2.0);
        assert_eq!(nice_step(0.3), 0.5);
        assert_eq!(nice_step(0.0), 0.25);
        assert_eq!(nice_step(12.0), 20.0);
    }

    #[test]
    fn ticks_follow_the_calendar() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let t = ticks(d("2019-03-19"), d("2022-03-30"));
        assert_eq!(t[0], (d("2019-07-01"), "Jul".to_string()));
        assert!(t
            .iter()
            .any(|x| x == &(d("2020-01-01"), "2020".to_string())));
        let t = ticks(d("2024-03-03"), d("2024-03-09"));
        assert_eq!(t.len(), 7);
        assert_eq!(t[0].1, "3 Mar 2024");
    }

    #[test]
    fn same_input_same_bytes_and_well_formed() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small");
        let ws = crate::load::Loader::new(&root).load().unwrap();
        let t = timeline(&ws, EngineKind::Bayes, None, None);
        let a = svg(&ws, &t);
        assert_eq!(a, svg(&ws, &t));
        assert!(a.starts_with("<svg") && a.ends_with("</svg>\n"));
        assert_eq!(a.matches("class=\"line\"").count(), ws.scenarios.len());
        assert_eq!(a.matches("class=\"band\"").count(), ws.scenarios.len());
        assert!(
            a.contains("cut-cables"),
            "the retraction's move is labelled"
        );
        assert!(!a.contains("NaN"));
    }
}
