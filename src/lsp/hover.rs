//! Hover: what an id or a rating means in the assessment as of the
//! workspace date.

use super::store::Store;
use super::syntax::Kind;
use crate::model::Rating;
use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};

pub(super) fn hover(store: &Store, rel: &str, offset: usize) -> Option<Hover> {
    let doc = store.docs.get(rel)?;
    let t = doc.syntax(rel).token_at(offset)?;
    let text = match t.kind {
        Kind::Rating => {
            let r = Rating::parse(&t.id)?;
            format!("**{}**: {}", r.as_str(), r.meaning())
        }
        Kind::Scenario => scenario(store, &t.id)?,
        Kind::Source => source(store, &t.id)?,
        Kind::Claim => claim(store, &t.id)?,
        Kind::Group => {
            let ws = store.ws()?;
            let n = ws
                .claims
                .iter()
                .filter(|c| c.group.as_deref() == Some(t.id.as_str()))
                .count();
            format!(
                "group `{}`: {n} claim{} reporting the same event or channel; the Bayesian engine counts them once (their mean)",
                t.id,
                if n == 1 { "" } else { "s" }
            )
        }
        Kind::Indicator | Kind::Analyst => return None,
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text,
        }),
        range: Some(doc.lines.range(&doc.text, t.span.clone())),
    })
}

fn scenario(store: &Store, id: &str) -> Option<String> {
    let ws = store.ws()?;
    let j = ws.scenario_index(id)?;
    let s = &ws.scenarios[j];
    let mut out = format!("**{}** (scenario `{id}`)\n\n{}", s.title, s.summary);
    if let Some(a) = store.assessment() {
        let sc = &a.scores[j];
        out.push_str(&format!(
            "\n\nAs of {}: probability **{:.2}** (range {:.2}–{:.2} over evidence weights {}–{}), ranked {} of {}",
            a.as_of,
            sc.probability,
            sc.band[0].min(sc.band[1]),
            sc.band[0].max(sc.band[1]),
            ws.config.band[0],
            ws.config.band[1],
            sc.rank,
            a.scores.len()
        ));
    }
    Some(out)
}

fn source(store: &Store, id: &str) -> Option<String> {
    let ws = store.ws()?;
    let s = ws.source(id)?;
    let citing = ws
        .claims
        .iter()
        .filter(|c| {
            c.sources.iter().any(|x| x == id)
                || c.revisions.iter().any(|r| {
                    r.sources
                        .as_ref()
                        .is_some_and(|v| v.iter().any(|x| x == id))
                })
        })
        .count();
    let mut out = format!(
        "**{}** (source `{id}`)\n\nreliability {} ({}), kind {:?}",
        s.name,
        s.reliability.as_str(),
        s.reliability.label(),
        s.kind
    );
    out = out.replace(
        &format!("{:?}", s.kind),
        &format!("{:?}", s.kind).to_lowercase(),
    );
    out.push_str(&format!("\n\norigin: {}", s.effective_origin()));
    out.push_str(&match s.published {
        Some(p) => format!("\n\npublished {p}"),
        None => "\n\nno publication date: it counts from the date of each record citing it".into(),
    });
    if let Some(u) = &s.url {
        out.push_str(&format!("\n\n<{u}>"));
    }
    out.push_str(&format!(
        "\n\ncited by {citing} claim{}",
        if citing == 1 { "" } else { "s" }
    ));
    Some(out)
}

fn claim(store: &Store, id: &str) -> Option<String> {
    let ws = store.ws()?;
    let c = store.claim_index(id)?;
    let claim = &ws.claims[c];
    let a = store.assessment();
    let row = a.and_then(|a| Some(&a.rows[store.row_of(c)?]));
    let statement = row.map_or(claim.statement.as_str(), |r| r.state.statement(ws));
    let mut out = format!("**claim `{id}`**, dated {}\n\n{statement}", claim.date);
    if let Some(r) = row {
        if let Some(last) = r.state.revisions_applied.checked_sub(1) {
            out.push_str(&format!(
                "\n\nin effect from {} (revision {} of {})",
                claim.revisions[last].date,
                r.state.revisions_applied,
                claim.revisions.len()
            ));
        }
        out.push_str(&format!(
            "\n\ntrust {:.2} (credibility {}, reliability of its sources {:.2}), relevance {}, status {:?}",
            r.trust,
            r.state.credibility.0,
            r.state.reliability(ws),
            r.state.relevance.as_str(),
            r.state.status
        ));
    } else if let Some(a) = a {
        out.push_str(&format!("\n\nnot in the record as of {}", a.as_of));
    }
    out.push_str(&format!(
        "\n\ngroup: {}",
        claim.group.as_deref().unwrap_or("(a group of its own)")
    ));
    if let (Some(a), Some(r), Some((p, eff))) = (a, row, super::hints::effects(store, c)) {
        out.push_str(&format!(
            "\n\nAs of {} ({} engine):\n\n| scenario | rating | log L″ | probability | this claim's part |\n|---|---|---:|---:|---:|\n",
            a.as_of,
            a.engine.as_str()
        ));
        let log_l = r.log_l.as_deref().unwrap_or(&[]);
        for (j, s) in ws.scenarios.iter().enumerate() {
            out.push_str(&format!(
                "| {} | {} | {:+.3} | {:.3} | {:+.3} |\n",
                s.id,
                r.state.ratings[j].as_str(),
                log_l.get(j).copied().unwrap_or(0.0),
                p[j],
                eff[j]
            ));
        }
        let ranking = a.ranking();
        if let [lead, second, ..] = ranking[..] {
            let margin = a.scores[lead].probability - a.scores[second].probability;
            let carried = eff[lead] - eff[second];
            out.push_str(&format!(
                "\nThe leader `{}` is ahead of `{}` by {:.3}; this claim carries {:+.3} of that margin.",
                ws.scenarios[lead].id, ws.scenarios[second].id, margin, carried
            ));
        }
    }
    Some(out)
}
