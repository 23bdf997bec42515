//! `kzclaims.toml`: the question, scoring settings, memo settings, the
//! resolution and the assumptions, into a [`RawConfig`].

use super::*;

pub(in crate::load) fn parse_config(cx: &mut FileCx<'_>, text: &str) -> Option<RawConfig> {
    let doc = parse_file(cx, text)?;
    let t = Tbl::new(doc.get_ref(), 0..0, CONFIG_FILE);
    t.check_keys(cx, CONFIG_KEYS);
    let mut cfg = Config {
        memo: MemoConfig {
            marking: "UNCLASSIFIED".into(),
            template: "memo".into(),
            ..MemoConfig::default()
        },
        ..Config::default()
    };
    let title = t.req_str(cx, "title");
    let question = t.req_str(cx, "question");
    cfg.title = title.map(|x| x.0).unwrap_or_default();
    cfg.question = question.map(|x| x.0).unwrap_or_default();
    cfg.as_of = t.opt_date(cx, "as_of").map(|x| x.0);
    cfg.opened = t.opt_date(cx, "opened").map(|x| x.0);
    if let Some(s) = t.opt_table(cx, "scoring", "[scoring]") {
        scoring(cx, &s, &mut cfg);
    }
    if let Some(m) = t.opt_table(cx, "memo", "[memo]") {
        m.check_keys(cx, MEMO_KEYS);
        cfg.memo.organization = m.opt_str(cx, "organization").map(|x| x.0);
        cfg.memo.author = m.opt_str(cx, "author").map(|x| x.0);
        if let Some((v, _)) = m.opt_str(cx, "marking") {
            cfg.memo.marking = v;
        }
        if let Some((v, _)) = m.opt_str(cx, "template") {
            cfg.memo.template = v;
        }
    }
    let mut resolution_scenario = None;
    if let Some(r) = t.opt_table(cx, "resolution", "[resolution]") {
        r.check_keys(cx, RESOLUTION_KEYS);
        let date = r.req_date(cx, "date");
        let scenario = r.req_str(cx, "scenario");
        let note = r.opt_str(cx, "note").map(|x| x.0);
        if let (Some((date, _)), Some((scenario, span))) = (date, scenario) {
            resolution_scenario = Some(span);
            cfg.resolution = Some(Resolution {
                date,
                scenario,
                note,
            });
        }
    }
    let mut assumption_scenarios = Vec::new();
    for a in t.array_of_tables(cx, "assumption", "[[assumption]]") {
        a.check_keys(cx, ASSUMPTION_KEYS);
        let text = a.req_str(cx, "text");
        let scenarios = a.opt_str_list(cx, "scenarios").unwrap_or_default();
        let breaks = a.opt_str(cx, "breaks").map(|x| x.0);
        let since = a.opt_date(cx, "since").map(|x| x.0);
        if let Some((text, _)) = text {
            assumption_scenarios.extend(scenarios.iter().cloned());
            cfg.assumptions.push(Assumption {
                text,
                scenarios: scenarios.into_iter().map(|x| x.0).collect(),
                breaks,
                since,
            });
        }
    }
    cfg.unknowns = t
        .opt_str_list(cx, "unknowns")
        .unwrap_or_default()
        .into_iter()
        .map(|x| x.0)
        .collect();
    cfg.limits = t.opt_str(cx, "limits").map(|x| x.0);
    cfg.silence = silences(cx, &t, Level::Workspace);
    Some(RawConfig {
        cfg,
        assumption_scenarios,
        resolution_scenario,
    })
}

/// `[scoring]`: the engine, the evidence weight, the band and the
/// likelihoods of the five ratings.
fn scoring(cx: &mut FileCx<'_>, s: &Tbl<'_, '_>, cfg: &mut Config) {
    s.check_keys(cx, SCORING_KEYS);
    if let Some((e, span)) = s.opt_str(cx, "engine") {
        match EngineKind::parse(&e.to_ascii_lowercase()) {
            Some(k) => cfg.engine = k,
            None => {
                let d = cx.err(Code::E010, span, format!("unknown engine \"{e}\""));
                d.help = Some("engine is \"bayes\" or \"ach\"".into());
            }
        }
    }
    if let Some((v, span)) = s.opt_float(cx, "evidence_weight") {
        if v > 0.0 && v <= 1.0 {
            cfg.evidence_weight = v;
        } else {
            let d = cx.err(
                Code::E010,
                span,
                format!("evidence_weight must be in (0, 1], found {v}"),
            );
            d.label = Some("out of range".into());
            d.help = Some("η = 1 counts every group as an independent observation; smaller values discount dependent evidence (the default is 0.5; docs/scoring.md)".into());
        }
    }
    if let Some(v) = s.get("band") {
        let vals: Option<Vec<f64>> = match v.get_ref() {
            DeValue::Array(a) => a.iter().map(|x| number(x.get_ref())).collect(),
            _ => None,
        };
        match vals.as_deref() {
            Some(&[lo, hi]) if lo > 0.0 && hi <= 1.0 && lo <= hi => cfg.band = [lo, hi],
            _ => {
                let d = cx.err(
                    Code::E010,
                    v.span(),
                    "band must be two evidence weights in (0, 1], low first",
                );
                d.label = Some("not a valid band".into());
                d.help = Some("for example `band = [0.25, 1.0]`: the memo gives each probability at both ends".into());
            }
        }
    }
    if let Some(l) = s.opt_table(cx, "likelihood", "[scoring.likelihood]") {
        l.check_keys(cx, LIKELIHOOD_KEYS);
        let slots: [(&str, &mut f64); 5] = [
            ("CC", &mut cfg.likelihood.cc),
            ("C", &mut cfg.likelihood.c),
            ("N", &mut cfg.likelihood.n),
            ("I", &mut cfg.likelihood.i),
            ("II", &mut cfg.likelihood.ii),
        ];
        for (k, slot) in slots {
            let lower = k.to_ascii_lowercase();
            let key = if l.get(k).is_none() && l.get(&lower).is_some() {
                lower.as_str()
            } else {
                k
            };
            if let Some((v, span)) = l.opt_float(cx, key) {
                if v > 0.0 && v <= 1.0 {
                    *slot = v;
                } else {
                    cx.err(
                        Code::E010,
                        span,
                        format!("likelihood for {k} must be in (0, 1], found {v}"),
                    );
                }
            }
        }
    }
}
