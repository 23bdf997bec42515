//! A claims file: its `[[source]]` and `[[claim]]` tables into [`RawSource`]s
//! and [`RawClaim`]s, each claim's scenario ids checked as it is parsed.

use super::*;

/// The scenario ids a claim names (its ratings, revisions included; its
/// rationale; its analysts' ratings), checked against the workspace's
/// scenarios as the claim is parsed: E006 for an unknown id, E008 for a
/// scenario left unrated.
struct ScenarioRefs<'a> {
    claim: &'a str,
    header: Span,
    ratings_given: bool,
    has_assessments: bool,
    /// (scenario id, key span) of every rating, revisions included; the ids
    /// borrowed from the parsed file, since a large record has millions.
    ratings: Vec<(&'a str, Span)>,
    rationale: Vec<(&'a str, Span)>,
    /// (scenario id, key span) of every analyst rating.
    assessments: Vec<(&'a str, Span)>,
}

impl ScenarioRefs<'_> {
    fn check(&self, cx: &mut FileCx<'_>, scenario_ids: &[&str]) {
        // Which scenarios the ratings and the analysts' ratings name.
        let n = scenario_ids.len();
        let (mut rated_marks, mut assessed) = (vec![false; n], vec![false; n]);
        let lists = [
            (&self.ratings, Some(&mut rated_marks)),
            (&self.rationale, None),
            (&self.assessments, Some(&mut assessed)),
        ];
        for (refs, mut marks) in lists {
            for (i, (sid, span)) in refs.iter().enumerate() {
                if let Some(j) = scenario_position(scenario_ids, i, sid) {
                    if let Some(m) = marks.as_deref_mut() {
                        m[j] = true;
                    }
                    continue;
                }
                let d = cx.err(
                    Code::E006,
                    span.clone(),
                    format!("claim `{}` refers to unknown scenario `{sid}`", self.claim),
                );
                d.label = Some("no [[scenario]] has this id".into());
                d.help = Some(match did_you_mean(sid, scenario_ids.iter().copied()) {
                    Some(m) => format!("did you mean `{m}`?"),
                    None => format!("scenarios: {}", scenario_ids.join(", ")),
                });
            }
        }
        // A rating present but invalid was reported already; only absent ones here.
        let rated = |marks: &[bool], j: usize| {
            marks[j]
                || scenario_ids
                    .iter()
                    .zip(marks)
                    .any(|(x, m)| *m && *x == scenario_ids[j])
        };
        if !self.ratings_given && self.has_assessments {
            let uncovered: Vec<&str> = (0..n)
                .filter(|&j| !rated(&assessed, j))
                .map(|j| scenario_ids[j])
                .collect();
            if !uncovered.is_empty() {
                let d = cx.err(
                    Code::E008,
                    self.header.clone(),
                    format!(
                        "claim `{}` has no rating for {}: no [claim.ratings], and no analyst rates it",
                        self.claim,
                        list_ids(&uncovered)
                    ),
                );
                d.label = Some("ratings incomplete".into());
                d.help = Some("without [claim.ratings], every scenario must be rated by at least one [[claim.assessment]]".into());
            }
        } else if !self.ratings.is_empty() {
            let missing: Vec<&str> = (0..n)
                .filter(|&j| !rated(&rated_marks, j))
                .map(|j| scenario_ids[j])
                .collect();
            if !missing.is_empty() {
                let d = cx.err(
                    Code::E008,
                    self.header.clone(),
                    format!(
                        "claim `{}` has no rating for {}",
                        self.claim,
                        list_ids(&missing)
                    ),
                );
                d.label = Some("ratings incomplete".into());
                d.help = Some("rate every scenario: CC, C, N, I, II, or NA when the claim does not bear on it".into());
            }
        }
    }
}

/// The index of scenario `sid`, trying first the `i`-th (modulo their
/// number): ratings are usually written in the scenarios' order.
fn scenario_position(scenario_ids: &[&str], i: usize, sid: &str) -> Option<usize> {
    let n = scenario_ids.len();
    if n > 0 && scenario_ids[i % n] == sid {
        return Some(i % n);
    }
    scenario_ids.iter().position(|s| *s == sid)
}

const CREDIBILITY_HELP: &str =
    "credibility is a number 1-6: 1 confirmed, 2 probably true, 3 possibly true, 4 doubtful, 5 improbable, 6 cannot be judged";

pub(in crate::load) fn credibility(cx: &mut FileCx<'_>, t: &Tbl<'_, '_>) -> Option<Credibility> {
    let (n, span) = t.opt_int_or_str(cx, "credibility", CREDIBILITY_HELP)?;
    let c = Credibility::new(n);
    if c.is_none() {
        let d = cx.err(
            Code::E010,
            span,
            format!("credibility must be 1-6 (Admiralty code), found {n}"),
        );
        d.label = Some("not an Admiralty credibility grade".into());
        d.help = Some(CREDIBILITY_HELP.into());
    }
    c
}

pub(in crate::load) fn relevance(cx: &mut FileCx<'_>, t: &Tbl<'_, '_>) -> Option<Relevance> {
    let (s, span) = t.opt_str(cx, "relevance")?;
    let r = Relevance::parse(&s);
    if r.is_none() {
        let d = cx.err(
            Code::E010,
            span,
            format!("relevance must be low, medium or high, found \"{s}\""),
        );
        if let Some(m) = did_you_mean(&s.to_ascii_lowercase(), ["low", "medium", "high"]) {
            d.help = Some(format!("did you mean \"{m}\"?"));
        }
    }
    r
}

/// Ratings table → map, plus the key spans for cross-checks.
pub(in crate::load) fn ratings(
    cx: &mut FileCx<'_>,
    t: &Tbl<'_, '_>,
    what: &str,
    refs: &mut Vec<(String, Span)>,
) -> Option<BTreeMap<String, Rating>> {
    let mut out = BTreeMap::new();
    ratings_into(cx, t, what, refs, |k, r| {
        out.insert(k.to_string(), r);
    })?;
    Some(out)
}

/// A claim's ratings table → ratings by scenario index (an unknown scenario
/// is kept out; [`ScenarioRefs`] reports it), plus the key spans.
fn claim_ratings<'t>(
    cx: &mut FileCx<'_>,
    t: &Tbl<'t, '_>,
    what: &str,
    refs: &mut Vec<(&'t str, Span)>,
    scenario_ids: &[&str],
) -> Option<Ratings> {
    let mut out = Ratings::new(scenario_ids.len());
    let mut i = 0;
    ratings_into(cx, t, what, refs, |k, r| {
        if let Some(j) = scenario_position(scenario_ids, i, k) {
            out.set(j, r);
        }
        i += 1;
    })?;
    Some(out)
}

/// Read a ratings table, handing each valid (scenario id, rating) to `put`;
/// `None` when there is no table.
fn ratings_into<'t, K: From<&'t str>>(
    cx: &mut FileCx<'_>,
    t: &Tbl<'t, '_>,
    what: &str,
    refs: &mut Vec<(K, Span)>,
    mut put: impl FnMut(&str, Rating),
) -> Option<()> {
    let rt = t.opt_table(cx, "ratings", what)?;
    for (k, v) in rt.t.iter() {
        let key: &'t str = k.get_ref();
        refs.push((K::from(key), k.span()));
        match v.get_ref() {
            DeValue::String(s) => match Rating::parse(s) {
                Some(r) => put(key, r),
                None => {
                    let d = cx.err(Code::E010, v.span(), format!("\"{s}\" is not a rating"));
                    d.label = Some("unknown rating".into());
                    d.help = Some("ratings are CC, C, N, I, II or NA".into());
                }
            },
            other => {
                cx.err(
                    Code::E003,
                    v.span(),
                    format!(
                        "rating for `{key}` must be a string, found {}",
                        other.type_str()
                    ),
                )
                .help =
                    Some("write it quoted: \"CC\", \"C\", \"N\", \"I\", \"II\" or \"NA\"".into());
            }
        }
    }
    Some(())
}

pub(in crate::load) fn parse_claims(
    cx: &mut FileCx<'_>,
    file: usize,
    text: &str,
    scenario_ids: &[&str],
    sources: &mut Vec<RawSource>,
    claims: &mut Vec<RawClaim>,
) {
    let Some(doc) = parse_file(cx, text) else {
        return;
    };
    let top = Tbl::new(doc.get_ref(), 0..0, "a claims file");
    top.check_keys(cx, &["source", "claim"]);
    if let Some(v) = top.get("source") {
        for t in tables_in(cx, v, "source", "[[source]]") {
            t.check_keys(cx, SOURCE_KEYS);
            let id = slug(cx, &t);
            let name = t.req_str(cx, "name");
            let short = t
                .opt_str(cx, "short")
                .map(|x| x.0)
                .filter(|x| !x.trim().is_empty());
            let url = url_of(cx, &t, false);
            let kind = match t.req_str(cx, "kind") {
                Some((k, span)) => {
                    let parsed = SourceKind::parse(&k.to_ascii_lowercase());
                    if parsed.is_none() {
                        let d = cx.err(Code::E010, span, format!("unknown source kind \"{k}\""));
                        d.help = Some(match did_you_mean(&k, SourceKind::NAMES) {
                            Some(m) => format!("did you mean \"{m}\"?"),
                            None => format!("kinds: {}", SourceKind::NAMES.join(", ")),
                        });
                    }
                    parsed
                }
                None => None,
            };
            let reliability = match t.req_str(cx, "reliability") {
                Some((r, span)) => {
                    let parsed = Reliability::parse(&r);
                    if parsed.is_none() {
                        let d = cx.err(
                            Code::E010,
                            span,
                            format!("reliability must be A-F (Admiralty code), found \"{r}\""),
                        );
                        d.help = Some("A completely reliable, B usually reliable, C fairly reliable, D not usually reliable, E unreliable, F cannot be judged".into());
                    }
                    parsed
                }
                None => {
                    // `reliability = 2`: the number is the claim's credibility.
                    if let (Some(DeValue::Integer(_)), Some(d)) = (
                        t.get("reliability").map(|v| v.get_ref()),
                        cx.diags.last_mut(),
                    ) {
                        d.help = Some("a source's reliability is a letter A-F, in quotes (reliability = \"B\"): A completely reliable, B usually reliable, C fairly reliable, D not usually reliable, E unreliable, F cannot be judged; the number 1-6 is a claim's credibility".into());
                    }
                    None
                }
            };
            let origin = match t.opt_str(cx, "origin") {
                Some((o, span)) if o.trim().is_empty() => {
                    cx.err(Code::E010, span, "`origin` must not be empty").help =
                        Some("name the outlet this source relays, e.g. origin = \"akorda\"".into());
                    None
                }
                other => other.map(|x| x.0),
            };
            let interest = t.opt_str(cx, "interest");
            let published = t.opt_date(cx, "published").map(|x| x.0);
            if let Some(id) = id {
                sources.push(RawSource {
                    s: Source {
                        id: id.0,
                        name: name.map(|n| n.0).unwrap_or_default(),
                        short,
                        url,
                        kind: kind.unwrap_or(SourceKind::Other),
                        reliability: reliability.unwrap_or(Reliability::F),
                        origin,
                        interest: interest.as_ref().map(|x| x.0.clone()),
                        published,
                        loc: Loc {
                            file,
                            span: t.span.clone(),
                        },
                    },
                    id_span: id.1,
                    interest_span: interest.map(|x| x.1),
                });
            }
        }
    }
    if let Some(v) = top.get("claim") {
        let tables = tables_in(cx, v, "claim", "[[claim]]");
        // Sized exactly: grown by doubling, a file's claims would hold up to
        // twice their size until they are merged into the record.
        claims.reserve_exact(tables.len());
        for t in tables {
            if let Some(c) = parse_claim(cx, file, &t, scenario_ids) {
                claims.push(c);
            }
        }
    }
}

pub(in crate::load) fn parse_claim<'t>(
    cx: &mut FileCx<'_>,
    file: usize,
    t: &Tbl<'t, '_>,
    scenario_ids: &[&str],
) -> Option<RawClaim> {
    t.check_keys(cx, CLAIM_KEYS);
    let id = slug(cx, t);
    let date = t.req_date(cx, "date");
    let statement = t.req_str(cx, "statement");
    let source_refs = match t.opt_str_list(cx, "sources") {
        Some(list) => {
            if list.is_empty() {
                let span = t.get("sources").map(|v| v.span()).unwrap_or(t.span.clone());
                cx.err(Code::E014, span, "a claim needs at least one source")
                    .label = Some("empty list".into());
            }
            list
        }
        None => {
            if t.get("sources").is_none() {
                t.missing(cx, "sources");
            }
            Vec::new()
        }
    };
    let url = url_of(cx, t, false);
    let cred = if t.get("credibility").is_none() {
        t.missing(cx, "credibility");
        None
    } else {
        credibility(cx, t)
    };
    let rel = relevance(cx, t).unwrap_or_default();
    let mut rating_refs = Vec::new();
    let mut assessment_refs = Vec::new();
    let assessments = assessments(cx, t, file, &mut assessment_refs, scenario_ids);
    let ratings_given = t.get("ratings").is_some();
    let rat = if !ratings_given {
        if t.get("assessment").is_none() {
            let d = cx.err(
                Code::E004,
                t.span.clone(),
                "missing `[claim.ratings]` in [[claim]]",
            );
            d.label = Some("this claim rates no scenario".into());
            d.help = Some("add a [claim.ratings] table giving every scenario id a rating, or [[claim.assessment]] tables by named analysts that together rate every scenario".into());
        }
        None
    } else {
        claim_ratings(cx, t, "[claim.ratings]", &mut rating_refs, scenario_ids)
    };
    let silence = silences(cx, t, Level::Claim);
    let (rationale, rationale_refs) = rationale(cx, t);
    let tags = t
        .opt_str_list(cx, "tags")
        .unwrap_or_default()
        .into_iter()
        .map(|x| x.0)
        .collect();
    let group = group_of(cx, t);
    let mut revisions = Vec::new();
    let mut revision_dates = Vec::new();
    let mut source_refs_rev = Vec::new();
    for rt in t.array_of_tables(cx, "revision", "[[claim.revision]]") {
        let refs = RevisionRefs {
            ratings: &mut rating_refs,
            sources: &mut source_refs_rev,
            dates: &mut revision_dates,
        };
        if let Some(r) = claim_revision(cx, &rt, file, refs, scenario_ids) {
            revisions.push(r);
        }
    }
    // Keep an incomplete claim (its errors are already recorded) so that its
    // references are still checked and every problem shows in one run.
    let id = id?;
    ScenarioRefs {
        claim: &id.0,
        header: t.span.clone(),
        ratings_given,
        has_assessments: !assessments.is_empty(),
        ratings: rating_refs,
        rationale: rationale_refs,
        assessments: assessment_refs,
    }
    .check(cx, scenario_ids);
    Some(RawClaim {
        c: Claim {
            id: id.0,
            date: date.as_ref().map(|d| d.0).unwrap_or_default(),
            effective: date.map(|d| d.0).unwrap_or_default(),
            effective_by: None,
            statement: statement.map(|s| s.0).unwrap_or_default(),
            sources: source_refs.iter().map(|s| s.0.clone()).collect(),
            reliability: 0.0,
            url,
            credibility: cred.unwrap_or(Credibility(6)),
            relevance: rel,
            ratings: rat.unwrap_or_default(),
            ratings_given,
            assessments,
            silence,
            rationale,
            tags,
            group,
            group_index: None,
            revisions,
            loc: Loc {
                file,
                span: t.span.clone(),
            },
        },
        id_span: id.1,
        source_refs: source_refs.into_iter().chain(source_refs_rev).collect(),
        revision_dates,
    })
}

/// A claim's `[[claim.assessment]]` tables: one set of ratings per named
/// analyst (an unnamed or repeated analyst is an error and left out).
fn assessments<'t>(
    cx: &mut FileCx<'_>,
    t: &Tbl<'t, '_>,
    file: usize,
    assessment_refs: &mut Vec<(&'t str, Span)>,
    scenario_ids: &[&str],
) -> Vec<AnalystRatings> {
    let mut assessments: Vec<AnalystRatings> = Vec::new();
    for at in t.array_of_tables(cx, "assessment", "[[claim.assessment]]") {
        at.check_keys(cx, ASSESSMENT_KEYS);
        let analyst = at.req_str(cx, "analyst");
        let note = at.opt_str(cx, "note").map(|x| x.0);
        let arat = if at.get("ratings").is_none() {
            at.missing(cx, "ratings");
            None
        } else {
            claim_ratings(
                cx,
                &at,
                "[claim.assessment.ratings]",
                assessment_refs,
                scenario_ids,
            )
        };
        let Some((analyst, aspan)) = analyst else {
            continue;
        };
        if analyst.trim().is_empty() {
            cx.err(Code::E010, aspan, "`analyst` must name someone")
                .label = Some("empty name".into());
            continue;
        }
        if assessments.iter().any(|a| a.analyst == analyst) {
            cx.err(
                Code::E005,
                aspan,
                format!("analyst \"{analyst}\" rates this claim twice"),
            )
            .label = Some("second [[claim.assessment]] by the same analyst".into());
            continue;
        }
        assessments.push(AnalystRatings {
            analyst,
            ratings: arat.unwrap_or_default(),
            note,
            loc: Loc {
                file,
                span: at.span.clone(),
            },
        });
    }
    assessments
}

/// `rationale`: one string for the claim, or a table of strings by scenario
/// id (with the keys' spans, checked by [`ScenarioRefs`]).
fn rationale<'t>(
    cx: &mut FileCx<'_>,
    t: &Tbl<'t, '_>,
) -> (BTreeMap<String, String>, Vec<(&'t str, Span)>) {
    let mut rationale = BTreeMap::new();
    let mut rationale_refs = Vec::new();
    if let Some(v) = t.get("rationale") {
        match v.get_ref() {
            DeValue::String(s) => {
                rationale.insert(String::new(), s.to_string());
            }
            DeValue::Table(rt) => {
                for (k, rv) in rt.iter() {
                    rationale_refs.push((k.get_ref().as_ref(), k.span()));
                    match rv.get_ref() {
                        DeValue::String(s) => {
                            rationale.insert(k.get_ref().to_string(), s.to_string());
                        }
                        other => {
                            cx.err(
                                Code::E003,
                                rv.span(),
                                format!(
                                    "rationale for `{}` must be a string, found {}",
                                    k.get_ref(),
                                    other.type_str()
                                ),
                            );
                        }
                    }
                }
            }
            other => {
                cx.err(
                    Code::E003,
                    v.span(),
                    format!(
                        "`rationale` must be a string or a table of strings, found {}",
                        other.type_str()
                    ),
                );
            }
        }
    }
    (rationale, rationale_refs)
}

/// Where [`claim_revision`] puts the references the claim's checks need.
struct RevisionRefs<'a, 't> {
    ratings: &'a mut Vec<(&'t str, Span)>,
    sources: &'a mut Vec<(String, Span)>,
    dates: &'a mut Vec<Span>,
}

/// One `[[claim.revision]]`; `None` when it has no date or no note (its
/// errors are recorded).
fn claim_revision<'t>(
    cx: &mut FileCx<'_>,
    rt: &Tbl<'t, '_>,
    file: usize,
    refs: RevisionRefs<'_, 't>,
    scenario_ids: &[&str],
) -> Option<Revision> {
    rt.check_keys(cx, REVISION_KEYS);
    let rdate = rt.req_date(cx, "date");
    let note = rt.req_str(cx, "note");
    let rcred = credibility(cx, rt);
    let rrel = relevance(cx, rt);
    let rrat = claim_ratings(
        cx,
        rt,
        "[claim.revision.ratings]",
        refs.ratings,
        scenario_ids,
    )
    .unwrap_or_default();
    let rstatement = rt.opt_str(cx, "statement").map(|x| x.0);
    let rsources = rt.opt_str_list(cx, "sources");
    if let Some(list) = &rsources {
        if list.is_empty() {
            let span = rt
                .get("sources")
                .map(|v| v.span())
                .unwrap_or(rt.span.clone());
            cx.err(
                Code::E014,
                span,
                "a revision's `sources` replaces the claim's list and cannot be empty",
            )
            .label = Some("empty list".into());
        }
        refs.sources.extend(list.iter().cloned());
    }
    let rurl = url_of(cx, rt, true);
    let status = match rt.opt_str(cx, "status") {
        Some((s, span)) => match s.as_str() {
            "retracted" => Some(Status::Retracted),
            "active" => Some(Status::Active),
            _ => {
                let d = cx.err(
                    Code::E010,
                    span,
                    format!("status must be \"retracted\" or \"active\", found \"{s}\""),
                );
                d.label = Some("unknown status".into());
                None
            }
        },
        None => None,
    };
    if let (Some((rd, rspan)), Some((note, _))) = (rdate, note) {
        refs.dates.push(rspan);
        return Some(Revision {
            date: rd,
            note,
            credibility: rcred,
            relevance: rrel,
            ratings: rrat,
            statement: rstatement,
            sources: rsources.map(|l| l.into_iter().map(|x| x.0).collect()),
            reliability: None,
            url: rurl,
            status,
            effective: rd,
            effective_by: None,
            loc: Loc {
                file,
                span: rt.span.clone(),
            },
        });
    }
    None
}

/// `group`: the name of the claims that report one event or come through one
/// channel; an empty name is an error.
fn group_of(cx: &mut FileCx<'_>, t: &Tbl<'_, '_>) -> Option<String> {
    match t.opt_str(cx, "group") {
        Some((g, span)) if g.trim().is_empty() => {
            let d = cx.err(Code::E010, span, "`group` must name a group");
            d.label = Some("empty group name".into());
            d.help = Some("leave `group` out for a claim that stands on its own; claims reporting the same event or coming through the same channel share one name".into());
            None
        }
        Some((g, _)) => Some(g),
        None => None,
    }
}
