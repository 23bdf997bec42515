//! A scenarios file: each `[[scenario]]` with its revisions, indicators and
//! their observations, into [`RawScenario`]s.

use super::claims::ratings;
use super::*;

pub(in crate::load) fn parse_scenarios(
    cx: &mut FileCx<'_>,
    file: usize,
    text: &str,
    out: &mut Vec<RawScenario>,
) {
    let Some(doc) = parse_file(cx, text) else {
        return;
    };
    let top = Tbl::new(doc.get_ref(), 0..0, "a scenarios file");
    top.check_keys(cx, &["scenario"]);
    let Some(v) = top.get("scenario") else { return };
    for t in tables_in(cx, v, "scenario", "[[scenario]]") {
        t.check_keys(cx, SCENARIO_KEYS);
        let id = slug(cx, &t);
        let title = t.req_str(cx, "title");
        let summary = t.req_str(cx, "summary");
        let prior = t.opt_float(cx, "prior");
        if let Some((p, span)) = &prior {
            if !(0.0..=1.0).contains(p) {
                cx.err(
                    Code::E012,
                    span.clone(),
                    format!("prior must be between 0 and 1, found {p}"),
                )
                .label = Some("out of range".into());
            }
        }
        let proponents = proponents(cx, &t);
        let mut revisions = scenario_revisions(cx, &t, file);
        revisions.sort_by_key(|r| r.date);
        let silence = silences(cx, &t, Level::Scenario);
        let mut indicators = Vec::new();
        let mut indicator_ids = Vec::new();
        let mut rating_refs = Vec::new();
        let mut indicator_ratings = Vec::new();
        let mut claim_refs = Vec::new();
        for it in t.array_of_tables(cx, "indicator", "[[scenario.indicator]]") {
            let mut refs = IndicatorRefs {
                indicator_ids: &mut indicator_ids,
                rating_refs: &mut rating_refs,
                indicator_ratings: &mut indicator_ratings,
                claim_refs: &mut claim_refs,
            };
            if let Some(ind) = indicator(cx, &it, file, &mut refs) {
                indicators.push(ind);
            }
        }
        if let Some(id) = id {
            out.push(RawScenario {
                s: Scenario {
                    id: id.0,
                    title: title.map(|t| t.0).unwrap_or_default(),
                    summary: summary.map(|t| t.0).unwrap_or_default(),
                    prior: prior.as_ref().map(|p| p.0),
                    proponents,
                    revisions,
                    indicators,
                    silence,
                    loc: Loc {
                        file,
                        span: t.span.clone(),
                    },
                },
                id_span: id.1,
                prior_span: prior.map(|p| p.1),
                indicator_ids,
                rating_refs,
                indicator_ratings,
                claim_refs,
            });
        }
    }
}

/// `proponents = ["…", { name = "…", since = DATE }]`: a plain string is a
/// proponent from the start, a table one from its `since` date.
fn proponents(cx: &mut FileCx<'_>, t: &Tbl<'_, '_>) -> Vec<Proponent> {
    let Some(v) = t.get("proponents") else {
        return Vec::new();
    };
    let want = "a list of names, or tables { name = \"…\", since = DATE }";
    let DeValue::Array(a) = v.get_ref() else {
        let d = cx.err(
            Code::E003,
            v.span(),
            format!(
                "`proponents` in {} must be {want}, found {}",
                t.what,
                v.get_ref().type_str()
            ),
        );
        d.label = Some("expected a list".into());
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in a.iter() {
        match e.get_ref() {
            DeValue::String(s) => out.push(Proponent {
                name: s.to_string(),
                since: None,
            }),
            DeValue::Table(pt) => {
                let pt = Tbl::new(pt, e.span(), "a proponent");
                pt.check_keys(cx, PROPONENT_KEYS);
                let name = pt.req_str(cx, "name");
                let since = pt.opt_date(cx, "since").map(|x| x.0);
                if let Some((name, _)) = name {
                    out.push(Proponent { name, since });
                }
            }
            other => {
                let d = cx.err(
                    Code::E003,
                    e.span(),
                    format!(
                        "a proponent must be a name or a table {{ name, since }}, found {}",
                        other.type_str()
                    ),
                );
                d.help = Some("write \"President's office\", or { name = \"President's office\", since = 2022-01-10 } for one who took this position from a date".into());
            }
        }
    }
    out
}

/// `if_true` + `if_false`, or `ratings`, of an indicator.
pub(in crate::load) fn indicator_likelihood(
    cx: &mut FileCx<'_>,
    t: &Tbl<'_, '_>,
    refs: &mut Vec<(String, Span)>,
) -> Option<IndicatorLikelihood> {
    let mut prob = |key: &str| -> Option<f64> {
        let (p, span) = t.opt_float(cx, key)?;
        if p > 0.0 && p < 1.0 {
            Some(p)
        } else {
            let d = cx.err(
                Code::E010,
                span,
                format!("`{key}` is a probability strictly between 0 and 1, found {p}"),
            );
            d.label = Some("out of range".into());
            d.help =
                Some("0 or 1 would make a single observation decide the question outright".into());
            None
        }
    };
    let if_true = prob("if_true");
    let if_false = prob("if_false");
    let has_t = t.get("if_true").is_some();
    let has_f = t.get("if_false").is_some();
    let has_r = t.get("ratings").is_some();
    if has_r && (has_t || has_f) {
        let span = t.get("ratings").map(|v| v.span()).unwrap_or(t.span.clone());
        let d = cx.err(
            Code::E010,
            span,
            "give an indicator either `if_true`/`if_false` or `ratings`, not both",
        );
        d.label = Some("second way of giving likelihoods".into());
        return None;
    }
    if has_t != has_f {
        t.missing(cx, if has_t { "if_false" } else { "if_true" });
        return None;
    }
    if has_t {
        return Some(IndicatorLikelihood::Probabilities {
            if_true: if_true?,
            if_false: if_false?,
        });
    }
    let r = ratings(cx, t, "the indicator's ratings", refs)?;
    if !r.is_empty() && r.values().all(|r| *r == Rating::NA) {
        let span = t.get("ratings").map(|v| v.span()).unwrap_or(t.span.clone());
        cx.err(
            Code::E010,
            span,
            "an indicator rated NA against every scenario predicts nothing",
        )
        .help = Some("rate at least one scenario CC, C, N, I or II".into());
        return None;
    }
    Some(IndicatorLikelihood::Ratings(r))
}

/// A scenario's `[[scenario.revision]]` tables, in file order.
fn scenario_revisions(cx: &mut FileCx<'_>, t: &Tbl<'_, '_>, file: usize) -> Vec<ScenarioRevision> {
    let mut revisions = Vec::new();
    for rt in t.array_of_tables(cx, "revision", "[[scenario.revision]]") {
        rt.check_keys(cx, SCENARIO_REVISION_KEYS);
        let date = rt.req_date(cx, "date");
        let note = rt.req_str(cx, "note");
        let rtitle = rt.opt_str(cx, "title").map(|x| x.0);
        let rsummary = rt.opt_str(cx, "summary").map(|x| x.0);
        if rtitle.is_none()
            && rsummary.is_none()
            && rt.get("title").is_none()
            && rt.get("summary").is_none()
        {
            let d = cx.err(
                Code::E004,
                rt.span.clone(),
                "a [[scenario.revision]] changes nothing: give it a `title` or a `summary`",
            );
            d.label = Some("no new wording".into());
            d.help = Some("a scenario revision rewords the scenario from its date on: `summary = \"…\"`, `title = \"…\"` or both".into());
        }
        if let (Some((date, _)), Some((note, _))) = (date, note) {
            revisions.push(ScenarioRevision {
                date,
                note,
                title: rtitle,
                summary: rsummary,
                loc: Loc {
                    file,
                    span: rt.span.clone(),
                },
            });
        }
    }
    revisions
}

/// Where [`indicator`] puts the ids and references a scenario's cross-file
/// checks need.
struct IndicatorRefs<'r> {
    indicator_ids: &'r mut Vec<(String, Span)>,
    rating_refs: &'r mut Vec<(String, Span)>,
    indicator_ratings: &'r mut Vec<(String, Span, Vec<String>)>,
    claim_refs: &'r mut Vec<(String, Span)>,
}

/// One `[[scenario.indicator]]` with its observations; `None` when it has no
/// id or no text (its errors are recorded).
fn indicator(
    cx: &mut FileCx<'_>,
    it: &Tbl<'_, '_>,
    file: usize,
    refs: &mut IndicatorRefs<'_>,
) -> Option<Indicator> {
    it.check_keys(cx, INDICATOR_KEYS);
    let iid = slug(cx, it);
    let itext = it.req_str(cx, "text");
    let due = it.opt_date(cx, "due").map(|x| x.0);
    let look = it.opt_str(cx, "look").map(|x| x.0);
    let isince = it.opt_date(cx, "since").map(|x| x.0);
    let likelihood = indicator_likelihood(cx, it, refs.rating_refs);
    let isilence = silences(cx, it, Level::Indicator);
    let mut observations = Vec::new();
    for ot in it.array_of_tables(cx, "observation", "[[scenario.indicator.observation]]") {
        ot.check_keys(cx, OBSERVATION_KEYS);
        let odate = ot.req_date(cx, "date");
        let observed = ot.req_bool(cx, "observed");
        let update = ot.opt_bool(cx, "update").map(|x| x.0).unwrap_or(true);
        let oclaims = ot.opt_str_list(cx, "claims").unwrap_or_default();
        let note = ot.opt_str(cx, "note").map(|x| x.0);
        refs.claim_refs.extend(oclaims.iter().cloned());
        if let (Some((date, _)), Some((observed, _))) = (odate, observed) {
            observations.push(Observation {
                date,
                observed,
                update,
                claims: oclaims.into_iter().map(|c| c.0).collect(),
                note,
                loc: Loc {
                    file,
                    span: ot.span.clone(),
                },
            });
        }
    }
    if !observations.is_empty()
        && likelihood.is_none()
        && !it.t.contains_key("ratings")
        && !it.t.contains_key("if_true")
        && !it.t.contains_key("if_false")
    {
        let d = cx.err(
            Code::E004,
            it.span.clone(),
            "an observed indicator needs likelihoods: `if_true` and `if_false`, or `ratings`",
        );
        d.label = Some("observed, but predicts nothing".into());
        d.help = Some("say how likely the observation was under each scenario, e.g. if_true = 0.8, if_false = 0.2".into());
    }
    observations.sort_by_key(|o| o.date);
    if let (Some(iid), Some(itext)) = (iid, itext) {
        if let Some(IndicatorLikelihood::Ratings(r)) = &likelihood {
            refs.indicator_ratings.push((
                iid.0.clone(),
                it.span.clone(),
                r.keys().cloned().collect(),
            ));
        }
        refs.indicator_ids.push(iid.clone());
        return Some(Indicator {
            id: iid.0,
            text: itext.0,
            due,
            look,
            since: isince,
            likelihood,
            observations,
            silence: isilence,
            loc: Loc {
                file,
                span: it.span.clone(),
            },
        });
    }
    None
}
