//! Quality-of-information checks: analytic warnings over a loaded workspace
//! (codes in docs/checks.md), and the silences that acknowledge them.

pub(crate) mod words;

use crate::diag::codes::Level;
use crate::diag::{Code, Diagnostic};
use crate::engine::{indicators, sensitivity, Assessment, Row};
use crate::model::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What a warning is about, and so where it can be silenced: a place of the
/// [`Level`] the registry gives the warning's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Claim(usize),
    Scenario(usize),
    Indicator(usize, usize),
    Workspace,
}

/// The outcome of the checks.
#[derive(Debug, Default)]
pub struct Report {
    /// Warnings still standing, in file order.
    pub warnings: Vec<Diagnostic>,
    /// Warnings silenced, each with its reason.
    pub silenced: Vec<(Diagnostic, String)>,
}

/// A rendered memo scanned by K108: its display name and text.
pub struct Rendered {
    pub name: String,
    pub text: String,
}

impl Target {
    /// The kind of place this is.
    pub(crate) fn level(self) -> Level {
        match self {
            Target::Claim(_) => Level::Claim,
            Target::Scenario(_) => Level::Scenario,
            Target::Indicator(..) => Level::Indicator,
            Target::Workspace => Level::Workspace,
        }
    }
}

fn silence_of(ws: &Workspace, t: Target) -> &Silences {
    match t {
        Target::Claim(c) => &ws.claims[c].silence,
        Target::Scenario(s) => &ws.scenarios[s].silence,
        Target::Indicator(s, i) => &ws.scenarios[s].indicators[i].silence,
        Target::Workspace => &ws.config.silence,
    }
}

/// Every check but K108, which reads the rendered memo: what the memo itself
/// reports (its "Sources and limits" counts the silenced warnings), so that
/// `check` runs these once, before rendering it ([`Report::add_memo_checks`]
/// then adds K108).
pub(crate) fn run_on_record(
    ws: &Workspace,
    a: &Assessment,
    weighty: &sensitivity::Weighty,
) -> Report {
    use rayon::prelude::*;
    let cx = Cx::new(ws, a, weighty);
    // Each claim's own checks on every core (collected in claim order),
    // beside the checks over the whole record.
    let (per_claim, (circle, published)) = rayon::join(
        || {
            cx.in_force
                .par_iter()
                .map(|r| {
                    let mut srcs: Vec<&str> =
                        r.state.sources(ws).iter().map(String::as_str).collect();
                    srcs.sort_unstable();
                    srcs.dedup();
                    let mut found = Vec::new();
                    found.extend(not_diagnostic(&cx, r));
                    found.extend(no_url(&cx, r));
                    found.extend(single_source(&cx, r, &srcs));
                    found.extend(interested_party(&cx, r, &srcs));
                    found
                })
                .collect::<Vec<_>>()
        },
        || {
            rayon::join(
                || circular(ws, &cx.in_force),
                || (stale_urls(ws), late_publications(ws)),
            )
        },
    );
    let mut found: Vec<(Target, Diagnostic)> = per_claim.into_iter().flatten().collect();
    let (stale, late) = published;
    found.extend(circle);
    found.extend(counted_twice(&cx));
    found.extend(dominant_group(ws, a));
    found.extend(stale);
    found.extend(late);
    found.extend(uncontradicted_leader(&cx));
    found.extend(no_indicator(ws));
    found.extend(undiagnostic_indicators(ws));
    let mut report = Report::default();
    report.add(ws, found);
    report
}

impl Report {
    /// Add K108, the likelihood words of the rendered memos against their
    /// numbers, to a report of [`run_on_record`] (`report::checked` does both).
    pub fn add_memo_checks(&mut self, ws: &Workspace, rendered: &[Rendered]) {
        self.add(ws, likelihood_words(rendered));
    }

    /// Sort warnings found into standing and silenced, keeping both in file
    /// order (a stable sort, so warnings found earlier stay first among
    /// equals, whichever call added them).
    fn add(&mut self, ws: &Workspace, found: Vec<(Target, Diagnostic)>) {
        if found.is_empty() {
            return;
        }
        for (t, d) in found {
            debug_assert_eq!(d.code.info().silenced_in, Some(t.level()), "{}", d.code);
            match silence_of(ws, t).get(d.code.as_str()) {
                Some(reason) => self.silenced.push((d, reason.clone())),
                None => self.warnings.push(d),
            }
        }
        // Compared by reference: a large record has tens of thousands of
        // warnings, and a key that clones would copy two strings per comparison.
        let order = |x: &Diagnostic, y: &Diagnostic| {
            (
                &x.file,
                x.span.as_ref().map(|s| s.start),
                x.code,
                &x.message,
            )
                .cmp(&(
                    &y.file,
                    y.span.as_ref().map(|s| s.start),
                    y.code,
                    &y.message,
                ))
        };
        self.warnings.sort_by(order);
        self.silenced.sort_by(|(x, _), (y, _)| order(x, y));
    }
}

/// What the checks share: the workspace, the assessment, its claims in force
/// and what the sensitivity analysis says weighs.
struct Cx<'a> {
    ws: &'a Workspace,
    a: &'a Assessment,
    in_force: Vec<&'a Row>,
    /// Claims in the smallest deciding set.
    deciding: BTreeSet<usize>,
    /// Claims that alone change the leader.
    linchpins: BTreeSet<usize>,
    /// Sources with a stake in a scenario (K106), sorted by id as
    /// `ws.sources` is: usually none or a few, so most claims skip the lookup.
    interested: Vec<(&'a Source, usize)>,
}

impl<'a> Cx<'a> {
    fn new(ws: &'a Workspace, a: &'a Assessment, weighty: &sensitivity::Weighty) -> Self {
        let deciding = weighty.deciding.clone();
        let linchpins = weighty.linchpins.clone();
        let interested = ws
            .sources
            .iter()
            .filter_map(|s| Some((s, ws.scenario_index(s.interest.as_deref()?)?)))
            .collect();
        Cx {
            ws,
            a,
            in_force: a.rows.iter().filter(|r| r.counts()).collect(),
            deciding,
            linchpins,
            interested,
        }
    }

    /// A warning pointed at claim `c`.
    fn at_claim(&self, c: usize, d: Diagnostic) -> (Target, Diagnostic) {
        let cl = &self.ws.claims[c];
        let d = d.at(self.ws.files[cl.loc.file].rel.clone(), cl.loc.span.clone());
        (Target::Claim(c), d)
    }
}

/// K101: a claim rated the same against every scenario.
fn not_diagnostic(cx: &Cx<'_>, r: &Row) -> Option<(Target, Diagnostic)> {
    let ci = r.state.claim;
    (!r.diagnostic).then(|| cx.at_claim(ci,
        Diagnostic::warning(Code::K101, format!("claim `{}` is not diagnostic: it is rated the same against every scenario", cx.ws.claims[ci].id))
            .label("non-diagnostic")
            .help("evidence consistent with every explanation cannot tell them apart (Heuer, step 4); drop it or rate it more finely"),
    ))
}

/// K102: a claim without a citation url.
fn no_url(cx: &Cx<'_>, r: &Row) -> Option<(Target, Diagnostic)> {
    let ci = r.state.claim;
    r.state.url(cx.ws).is_none().then(|| {
        cx.at_claim(
            ci,
            Diagnostic::warning(
                Code::K102,
                format!("claim `{}` has no citation url", cx.ws.claims[ci].id),
            )
            .label("no url")
            .help("add `url = \"…\"` so readers of the memo can check the source"),
        )
    })
}

/// K104: one distinct source (`srcs`), and the claim carries weight.
fn single_source(cx: &Cx<'_>, r: &Row, srcs: &[&str]) -> Option<(Target, Diagnostic)> {
    let ci = r.state.claim;
    let weighty = r.state.relevance == Relevance::High
        || cx.linchpins.contains(&ci)
        || cx.deciding.contains(&ci);
    if srcs.len() != 1 || !r.diagnostic || !weighty {
        return None;
    }
    let why = if cx.linchpins.contains(&ci) {
        "it is a linchpin: removing it alone changes the leading scenario"
    } else if cx.deciding.contains(&ci) {
        "the conclusion rests on it (it is in the smallest deciding set)"
    } else {
        "it is rated high relevance"
    };
    Some(
        cx.at_claim(
            ci,
            Diagnostic::warning(
                Code::K104,
                format!(
                    "claim `{}` rests on a single source (`{}`) yet carries high weight: {why}",
                    cx.ws.claims[ci].id, srcs[0]
                ),
            )
            .label("single source")
            .help("look for independent corroboration and cite it, or lower the claim's relevance"),
        ),
    )
}

/// K106: a party with a stake, rated in its own scenario's favour (one
/// warning per such source of the claim, `srcs`).
fn interested_party(cx: &Cx<'_>, r: &Row, srcs: &[&str]) -> Vec<(Target, Diagnostic)> {
    let ci = r.state.claim;
    let mut out = Vec::new();
    for sid in srcs {
        let Ok(k) = cx
            .interested
            .binary_search_by(|(s, _)| s.id.as_str().cmp(sid))
        else {
            continue;
        };
        let (src, h) = cx.interested[k];
        if favours(&r.state.ratings, h) {
            out.push(cx.at_claim(
                ci,
                Diagnostic::warning(
                    Code::K106,
                    format!(
                        "claim `{}` comes from `{}`, which has a stake in `{}`, and is rated {} in that scenario's favour",
                        cx.ws.claims[ci].id, src.id, cx.ws.scenarios[h].id, r.state.ratings[h]
                    ),
                )
                .label("interested source")
                .help("a party's statement in its own interest is weak evidence for it: lower the credibility, or rate what the statement shows rather than what it asserts"),
            ));
        }
    }
    out
}

/// K110: an observation that updates the assessment cites a diagnostic claim
/// in force, which is scored as evidence too.
fn counted_twice(cx: &Cx<'_>) -> Vec<(Target, Diagnostic)> {
    let (ws, mut out) = (cx.ws, Vec::new());
    // Claims in force by id, built on the first observation that cites one.
    let mut by_id: Option<HashMap<&str, &Row>> = None;
    for (j, s) in ws.scenarios.iter().enumerate() {
        for ind in &s.indicators {
            let Some((_, obs)) = ind.observation_as_of(cx.a.as_of).filter(|(_, o)| o.update) else {
                continue;
            };
            if ind.likelihood.is_none() {
                continue;
            }
            for cid in &obs.claims {
                let by_id = by_id.get_or_insert_with(|| {
                    cx.in_force
                        .iter()
                        .map(|r| (ws.claims[r.state.claim].id.as_str(), *r))
                        .collect::<HashMap<&str, &Row>>()
                });
                let Some(r) = by_id.get(cid.as_str()) else {
                    continue;
                };
                if !r.diagnostic {
                    continue;
                }
                out.push(cx.at_claim(
                    r.state.claim,
                    Diagnostic::warning(
                        Code::K110,
                        format!(
                            "claim `{cid}` documents the observation of indicator `{}/{}` and is scored as evidence too: the same fact counts twice",
                            ws.scenarios[j].id, ind.id
                        ),
                    )
                    .label("counted as a claim and as an observation")
                    .help("mark the observation `update = false` so it only resolves the indicator, or rate the claim for what it adds beyond the observation"),
                ));
            }
        }
    }
    out
}

/// K103: the leading scenario, with claims in force, is contradicted by none
/// of them (no I or II) and by no observed indicator (none below its row's
/// mean).
fn uncontradicted_leader(cx: &Cx<'_>) -> Option<(Target, Diagnostic)> {
    let (ws, a) = (cx.ws, cx.a);
    let lead = a.leader()?;
    let contradicted = cx
        .in_force
        .iter()
        .any(|r| matches!(r.state.ratings[lead], Rating::I | Rating::II))
        || a.indicators
            .iter()
            .any(|r| r.log_l[lead] < r.log_l.iter().sum::<f64>() / r.log_l.len() as f64 - 1e-12);
    if contradicted || cx.in_force.is_empty() {
        return None;
    }
    let s = &ws.scenarios[lead];
    Some((Target::Scenario(lead),
        Diagnostic::warning(Code::K103, format!("the leading scenario `{}` is contradicted by no claim", s.id))
            .at(ws.files[s.loc.file].rel.clone(), s.loc.span.clone())
            .label("leading scenario")
            .help("look for evidence that would disprove it: a conclusion nothing could contradict is a confirmation-bias risk"),
    ))
}

/// K107: a scenario without indicators.
fn no_indicator(ws: &Workspace) -> Vec<(Target, Diagnostic)> {
    ws.scenarios
        .iter()
        .enumerate()
        .filter(|(_, s)| s.indicators.is_empty())
        .map(|(j, s)| {
            (
                Target::Scenario(j),
                Diagnostic::warning(Code::K107, format!("scenario `{}` has no indicator", s.id))
                    .at(ws.files[s.loc.file].rel.clone(), s.loc.span.clone())
                    .label("nothing to watch for")
                    .help("add a [[scenario.indicator]]: what would we expect to observe if this scenario were true (Heuer, step 8)?"),
            )
        })
        .collect()
}

/// K109: an indicator every scenario predicts equally.
fn undiagnostic_indicators(ws: &Workspace) -> Vec<(Target, Diagnostic)> {
    let mut out = Vec::new();
    for (j, s) in ws.scenarios.iter().enumerate() {
        for (k, ind) in s.indicators.iter().enumerate() {
            let Some(p) = indicators::p_observed(ws, j, ind) else {
                continue;
            };
            if !indicators::is_diagnostic(&p) {
                out.push((
                    Target::Indicator(j, k),
                    Diagnostic::warning(
                        Code::K109,
                        format!("indicator `{}/{}` is not diagnostic: every scenario predicts it equally", s.id, ind.id),
                    )
                    .at(ws.files[s.loc.file].rel.clone(), ind.loc.span.clone())
                    .label("non-diagnostic indicator")
                    .help("an indicator worth watching is more likely under some scenarios than others (Heuer & Pherson, indicator validation)"),
                ));
            }
        }
    }
    out
}

/// K108: likelihood words against their numbers, in the rendered memo.
fn likelihood_words(rendered: &[Rendered]) -> Vec<(Target, Diagnostic)> {
    let mut out = Vec::new();
    for r in rendered {
        for m in words::mismatches(&r.text) {
            out.push((
                Target::Workspace,
                Diagnostic::warning(Code::K108, m.message)
                    .at(r.name.clone(), m.span)
                    .label("word and number disagree")
                    .help("state numbers with the ICD 203 word whose range contains them; check the template"),
            ));
        }
    }
    out
}

/// Whether ratings favour scenario `h`: rated C or CC, no scenario rated more
/// consistent, and at least one rated less consistent (NA does not count).
pub(crate) fn favours(ratings: &[Rating], h: usize) -> bool {
    let v = ratings[h].vote();
    if v < Rating::C.vote() {
        return false;
    }
    let others: Vec<u8> = ratings
        .iter()
        .enumerate()
        .filter(|(j, r)| *j != h && **r != Rating::NA)
        .map(|(_, r)| r.vote())
        .collect();
    others.iter().all(|o| *o <= v) && others.iter().any(|o| *o < v)
}

/// K112: revisions, anywhere in the record, that change a claim's `statement`
/// while the claim keeps a citation `url` from before, and that say nothing
/// about where the new statement comes from: no `url`, no `sources`, and a
/// `note` that names no source (by id or by name). A link published before the
/// revised fact cannot document it.
fn stale_urls(ws: &Workspace) -> Vec<(Target, Diagnostic)> {
    let mut out = Vec::new();
    // Lower-cased once: a record has thousands of revisions and sources.
    let names: Vec<(String, String)> = ws
        .sources
        .iter()
        .map(|s| (s.id.to_lowercase(), s.name.to_lowercase()))
        .collect();
    for (ci, c) in ws.claims.iter().enumerate() {
        let mut url = c.url.clone().filter(|u| !u.trim().is_empty());
        for r in &c.revisions {
            let says_where =
                || r.url.is_some() || r.sources.is_some() || note_names_source(&names, &r.note);
            let stale = match (&url, &r.statement) {
                (Some(u), Some(_)) if !says_where() => Some(u),
                _ => None,
            };
            if let Some(u) = stale {
                out.push((
                    Target::Claim(ci),
                    Diagnostic::warning(
                        Code::K112,
                        format!(
                            "the {} revision of claim `{}` changes its statement but keeps the earlier citation url ({u})",
                            r.date, c.id
                        ),
                    )
                    .at(ws.files[r.loc.file].rel.clone(), r.loc.span.clone())
                    .label("statement revised, link kept")
                    .help("a link published before the revised fact cannot document it: give the revision the `url` (and `sources`) that report the new fact, `url = \"\"` to drop the link, or name the source in its `note`"),
                ));
            }
            if let Some(u) = &r.url {
                url = Some(u.clone()).filter(|u| !u.trim().is_empty());
            }
        }
    }
    out
}

/// K113: every claim and revision in the record (whatever the as-of date)
/// whose effective date is later than its `date`: its sources all appeared
/// later, so it counts from the earliest of them. The source is given as
/// related information.
fn late_publications(ws: &Workspace) -> Vec<(Target, Diagnostic)> {
    let mut out = Vec::new();
    let warn = |what: String, date, effective, by: &str, file: usize, span| {
        let mut d = Diagnostic::warning(
            Code::K113,
            format!("{what} is dated {date}, but its earliest source was published {effective}: it counts from {effective} (`{by}`)"),
        )
        .at(ws.files[file].rel.clone(), span)
        .label(format!("counts from {effective}, when `{by}` was published"))
        .help("cite a report published at the time as well (a source without `published` counts from the record's date), or let it count from the later date: before then nobody could have known it from these sources");
        if let Some(s) = ws.source(by) {
            d = d.related(
                ws.files[s.loc.file].rel.clone(),
                s.loc.span.clone(),
                format!("`{by}` published {effective}"),
            );
        }
        d
    };
    for (ci, c) in ws.claims.iter().enumerate() {
        if let Some(by) = &c.effective_by {
            out.push((
                Target::Claim(ci),
                warn(
                    format!("claim `{}`", c.id),
                    c.date,
                    c.effective,
                    by,
                    c.loc.file,
                    c.loc.span.clone(),
                ),
            ));
        }
        for r in &c.revisions {
            if let Some(by) = &r.effective_by {
                out.push((
                    Target::Claim(ci),
                    warn(
                        format!("a revision of claim `{}`", c.id),
                        r.date,
                        r.effective,
                        by,
                        r.loc.file,
                        r.loc.span.clone(),
                    ),
                ));
            }
        }
    }
    out
}

/// K111: a named group whose part of the leader's margin over the runner-up,
/// η·(C_g,leader − C_g,runner-up), is more than half of the margin
/// (log posterior odds). Bayesian engine only; pointed at (and silenced in)
/// the group's first claim in force.
fn dominant_group(ws: &Workspace, a: &Assessment) -> Vec<(Target, Diagnostic)> {
    let mut out = Vec::new();
    if a.engine != EngineKind::Bayes {
        return out;
    }
    let ranking = a.ranking();
    let (Some(&lead), Some(&runner)) = (ranking.first(), ranking.get(1)) else {
        return out;
    };
    let lp = |j: usize| a.scores[j].prior.ln() + a.scores[j].likelihood_term;
    let margin = lp(lead) - lp(runner);
    if margin <= 0.0 {
        return out;
    }
    let eta = ws.config.evidence_weight;
    // Per named group: (first claim in force, count, Σ row[lead] − row[runner]).
    let mut groups: BTreeMap<usize, (usize, usize, f64)> = BTreeMap::new();
    for r in a.rows.iter().filter(|r| r.counts()) {
        let (Some(g), Some(l)) = (r.group, r.log_l.as_ref()) else {
            continue;
        };
        let e = groups.entry(g).or_insert((r.state.claim, 0, 0.0));
        e.1 += 1;
        e.2 += l[lead] - l[runner];
    }
    for (g, (first, n, sum)) in groups {
        let part = eta * sum / n as f64;
        if part > 0.5 * margin {
            let c = &ws.claims[first];
            out.push((
                Target::Claim(first),
                Diagnostic::warning(
                    Code::K111,
                    format!(
                        "group `{}` ({n} claim{}) carries {:.0}% of the lead of `{}` over `{}` ({part:.2} of {margin:.2} log-odds)",
                        ws.groups[g],
                        if n == 1 { "" } else { "s" },
                        100.0 * part / margin,
                        ws.scenarios[lead].id,
                        ws.scenarios[runner].id
                    ),
                )
                .at(ws.files[c.loc.file].rel.clone(), c.loc.span.clone())
                .label("first claim of the group")
                .help("the conclusion leans on one event or channel: look for evidence from another, independent line of reporting"),
            ));
        }
    }
    out
}

/// Whether a revision note names a source of the workspace, by id or by name
/// (case-insensitive).
fn note_names_source(names: &[(String, String)], note: &str) -> bool {
    let note = note.to_lowercase();
    names
        .iter()
        .any(|(id, name)| note.contains(id.as_str()) || note.contains(name.as_str()))
}

/// K105: a claim citing two sources with one origin (its corroboration is
/// counted twice); and a claim citing a source that relays an origin (`origin`
/// set) which another claim in force reaches through a different source.
fn circular(ws: &Workspace, in_force: &[&Row]) -> Vec<(Target, Diagnostic)> {
    let mut out = Vec::new();
    // Two sources share an origin only if one of them relays it: the origins
    // named by `origin` are the only ones to follow (none in most records).
    let relayed: BTreeSet<&str> = ws
        .sources
        .iter()
        .filter_map(|s| s.origin.as_deref())
        .collect();
    if relayed.is_empty() {
        return out;
    }
    // origin → [(claim index, source id)]
    let mut by_origin: BTreeMap<&str, Vec<(usize, &str)>> = BTreeMap::new();
    // (claim, origin) already warned about within the claim.
    let mut within: BTreeSet<(usize, String)> = BTreeSet::new();
    for r in in_force.iter().filter(|r| r.diagnostic) {
        let ci = r.state.claim;
        let c = &ws.claims[ci];
        let mut seen: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        let mut srcs: Vec<&str> = r.state.sources(ws).iter().map(String::as_str).collect();
        srcs.sort_unstable();
        srcs.dedup();
        for sid in srcs {
            if let Some(s) = ws
                .source(sid)
                .filter(|s| relayed.contains(s.effective_origin()))
            {
                seen.entry(s.effective_origin()).or_default().push(sid);
                by_origin
                    .entry(s.effective_origin())
                    .or_default()
                    .push((ci, sid));
            }
        }
        for (origin, ids) in seen.iter().filter(|(_, v)| v.len() > 1) {
            within.insert((ci, origin.to_string()));
            out.push((
                Target::Claim(ci),
                Diagnostic::warning(
                    Code::K105,
                    format!(
                        "claim `{}` cites {} as corroboration, but they all come from `{origin}`",
                        c.id,
                        ids.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(" and ")
                    ),
                )
                .at(ws.files[c.loc.file].rel.clone(), c.loc.span.clone())
                .label("circular reporting")
                .help("cite the origin once: sources relaying one report are not independent corroboration"),
            ));
        }
    }
    for (origin, uses) in &by_origin {
        for &(ci, sid) in uses {
            let relays = ws.source(sid).is_some_and(|s| s.origin.is_some());
            if !relays || within.contains(&(ci, origin.to_string())) {
                continue;
            }
            let mut others: Vec<&str> = uses
                .iter()
                .filter(|(cj, sj)| *cj != ci && *sj != sid)
                .map(|(cj, _)| ws.claims[*cj].id.as_str())
                .collect();
            others.sort_unstable();
            others.dedup();
            if others.is_empty() {
                continue;
            }
            let c = &ws.claims[ci];
            out.push((
                Target::Claim(ci),
                Diagnostic::warning(
                    Code::K105,
                    format!(
                        "claim `{}` cites `{sid}`, which relays `{origin}`, also behind {}: they are not independent",
                        c.id,
                        others.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
                    ),
                )
                .at(ws.files[c.loc.file].rel.clone(), c.loc.span.clone())
                .label("circular reporting")
                .help("treat them as one report: merge the claims, or lower the credibility of the repeat"),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use Rating::*;

    #[test]
    fn favour_rule() {
        assert!(favours(&[C, I, N], 0));
        assert!(favours(&[CC, C, NA], 0));
        assert!(!favours(&[C, CC, N], 0));
        assert!(!favours(&[C, C, C], 0));
        assert!(!favours(&[C, NA, NA], 0));
        assert!(!favours(&[N, I, II], 0));
    }
}
