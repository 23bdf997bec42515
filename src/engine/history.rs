//! What was written when: from a workspace's git history
//! ([`crate::load::recorded`]), the day each claim and revision was first
//! committed; whether an assessment as of a date is a reconstruction (claims
//! in force then were recorded later); and which scored assessments were
//! real forecasts (docs/scoring.md, "Real forecasts and reconstructions").
//!
//! A record is a claim (by id) or a revision (by claim id, date, and position
//! among that claim's revisions of the same date, in file order). It was
//! first recorded on the commit date of the earliest commit that introduced
//! it (its tree holds the record and none of its parents' trees did). A
//! record in the working tree but in no commit has not been committed yet:
//! it was written after every commit, so it counts as recorded after any
//! date before HEAD's commit date, and as recorded in time from that date on
//! (nothing in the repository says otherwise). Using the commit dates, not
//! the clock, keeps the output the same from one run to the next.

use super::state::ClaimState;
use crate::model::*;
use chrono::NaiveDate;
use foldhash::{HashMap, HashMapExt};

/// When each record of a workspace was first committed (`None`: in no
/// commit yet), in the workspace's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// HEAD's commit date.
    pub head_date: NaiveDate,
    /// Per claim (`Workspace::claims` order): the claim's own first commit
    /// date, and one per revision (`Claim::revisions` order).
    pub claims: Vec<(Option<NaiveDate>, Vec<Option<NaiveDate>>)>,
}

/// The first commit date of every record of `ws` in the history `log`: the
/// earliest commit date among the commits that introduced it.
pub(crate) fn recorded(ws: &Workspace, log: &GitLog) -> Recorded {
    let mut first: Vec<Option<NaiveDate>> = vec![None; log.keys.len()];
    for (date, introduced) in &log.commits {
        for &k in introduced {
            let f = &mut first[k as usize];
            if f.is_none_or(|x| *date < x) {
                *f = Some(*date);
            }
        }
    }
    /// (claim id, revision's date and position among same-day revisions).
    type Key<'k> = (&'k str, Option<(NaiveDate, u32)>);
    let mut by_key: HashMap<Key<'_>, NaiveDate> = HashMap::with_capacity(log.keys.len());
    for (k, f) in log.keys.iter().zip(&first) {
        if let Some(f) = f {
            by_key.insert((k.claim.as_str(), k.revision), *f);
        }
    }
    let claims = ws
        .claims
        .iter()
        .map(|c| {
            let own = by_key.get(&(c.id.as_str(), None)).copied();
            let revs = c
                .revisions
                .iter()
                .map(|r| {
                    let pos = c
                        .revisions
                        .iter()
                        .filter(|x| x.date == r.date && x.loc.span.start < r.loc.span.start)
                        .count() as u32;
                    by_key.get(&(c.id.as_str(), Some((r.date, pos)))).copied()
                })
                .collect();
            (own, revs)
        })
        .collect();
    Recorded {
        head_date: log.head_date,
        claims,
    }
}

/// The day from which a claim is in force: its effective date, what
/// [`super::state`] compares with the as-of date.
fn claim_from(c: &Claim) -> NaiveDate {
    c.effective
}

/// The day from which a revision is in force (never before its claim).
fn revision_from(c: &Claim, r: &Revision) -> NaiveDate {
    c.revision_from(r)
}

/// Whether a record first committed on `rec` (`None`: not yet committed)
/// was recorded after `t`.
pub(crate) fn late(rec: Option<NaiveDate>, t: NaiveDate, head_date: NaiveDate) -> bool {
    match rec {
        Some(d) => d > t,
        None => t < head_date,
    }
}

/// When the claims in force as of a date were recorded, if some were
/// recorded after it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Reconstruction {
    pub as_of: NaiveDate,
    /// Claims in force (the states given).
    pub in_force: usize,
    /// Claims in force whose record as of `as_of` (the claim, or a revision
    /// applied by then) was first committed after `as_of`.
    pub committed_later: usize,
    /// The earliest and the latest day on which such a claim's record as of
    /// `as_of` was complete (the latest commit date among its late records).
    pub first: Option<NaiveDate>,
    pub last: Option<NaiveDate>,
    /// Claims in force with a record in no commit yet (counted only when
    /// `as_of` is before HEAD's commit date).
    pub uncommitted: usize,
    /// HEAD's commit date.
    pub head_date: NaiveDate,
}

impl Reconstruction {
    /// Claims in force recorded after the as-of date.
    pub(crate) fn later(&self) -> usize {
        self.committed_later + self.uncommitted
    }
}

/// Whether an assessment as of `as_of`, made of the claim states `states`
/// (the claims in force), is a reconstruction; `None` when every record in
/// force was recorded by `as_of`.
pub(crate) fn reconstruction<'s>(
    rec: &Recorded,
    states: impl IntoIterator<Item = &'s ClaimState>,
    as_of: NaiveDate,
) -> Option<Reconstruction> {
    let mut r = Reconstruction {
        as_of,
        in_force: 0,
        committed_later: 0,
        first: None,
        last: None,
        uncommitted: 0,
        head_date: rec.head_date,
    };
    for st in states {
        r.in_force += 1;
        let (own, revs) = &rec.claims[st.claim];
        let records = std::iter::once(*own).chain(revs[..st.revisions_applied].iter().copied());
        let mut uncommitted = false;
        let mut latest: Option<NaiveDate> = None;
        for x in records {
            if !late(x, as_of, rec.head_date) {
                continue;
            }
            match x {
                None => uncommitted = true,
                Some(d) => latest = latest.max(Some(d)),
            }
        }
        if uncommitted {
            r.uncommitted += 1;
        } else if let Some(d) = latest {
            r.committed_later += 1;
            r.first = Some(r.first.map_or(d, |f| f.min(d)));
            r.last = Some(r.last.map_or(d, |l| l.max(d)));
        }
    }
    (r.later() > 0).then_some(r)
}

/// For each of `dates`: whether an assessment as of that day is a real
/// forecast, every claim and revision in force then having been first
/// recorded on or before it. One pass over the record: a record in force
/// from `f` and recorded on `r` spoils the days `f <= t < r`.
pub(crate) fn real_forecasts(ws: &Workspace, rec: &Recorded, dates: &[NaiveDate]) -> Vec<bool> {
    let end = |x: Option<NaiveDate>| x.unwrap_or(rec.head_date);
    let mut spoilt: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for (c, (own, revs)) in ws.claims.iter().zip(&rec.claims) {
        let from = claim_from(c);
        if end(*own) > from {
            spoilt.push((from, end(*own)));
        }
        for (r, x) in c.revisions.iter().zip(revs) {
            let from = revision_from(c, r);
            if end(*x) > from {
                spoilt.push((from, end(*x)));
            }
        }
    }
    spoilt.sort_unstable();
    let mut merged: Vec<(NaiveDate, NaiveDate)> = Vec::with_capacity(spoilt.len());
    for (a, b) in spoilt {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    dates
        .iter()
        .map(|t| {
            let i = merged.partition_point(|(a, _)| a <= t);
            i == 0 || merged[i - 1].1 <= *t
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn ws() -> Workspace {
        crate::load::from_files(vec![
            SourceFile {
                rel: "kzclaims.toml".into(),
                text: "title = \"t\"\nquestion = \"q\"\n".into(),
            },
            SourceFile {
                rel: "scenarios/s.toml".into(),
                text: "[[scenario]]\nid = \"a\"\ntitle = \"A\"\nsummary = \"s\"\n\n[[scenario]]\nid = \"b\"\ntitle = \"B\"\nsummary = \"s\"\n".into(),
            },
            SourceFile {
                rel: "claims/c.toml".into(),
                text: "[[source]]\nid = \"s\"\nname = \"S\"\nkind = \"media\"\nreliability = \"A\"\n\n\
[[claim]]\nid = \"early\"\ndate = 2024-01-01\nstatement = \"x\"\nsources = [\"s\"]\ncredibility = 1\nratings = { a = \"C\", b = \"I\" }\n\n\
[[claim]]\nid = \"late\"\ndate = 2024-01-05\nstatement = \"y\"\nsources = [\"s\"]\ncredibility = 1\nratings = { a = \"C\", b = \"I\" }\n\n\
[[claim.revision]]\ndate = 2024-01-10\nnote = \"n\"\ncredibility = 2\n\n\
[[claim.revision]]\ndate = 2024-01-10\nnote = \"m\"\ncredibility = 3\n".into(),
            },
        ])
        .unwrap()
    }

    fn key(claim: &str, rev: Option<(&str, u32)>) -> RecordKey {
        RecordKey {
            claim: claim.into(),
            revision: rev.map(|(x, p)| (d(x), p)),
        }
    }

    /// `early` committed 2024-01-02; `late` 2024-01-05 (and again on
    /// 2024-01-20 after a deletion: the first counts); its first revision
    /// 2024-02-01; its second in no commit. HEAD 2024-02-01.
    fn log() -> GitLog {
        GitLog {
            head: "h".into(),
            head_date: d("2024-02-01"),
            keys: vec![
                key("early", None),
                key("late", None),
                key("late", Some(("2024-01-10", 0))),
            ],
            commits: vec![
                (d("2024-02-01"), vec![2]),
                (d("2024-01-20"), vec![1]),
                (d("2024-01-05"), vec![1]),
                (d("2024-01-02"), vec![0]),
            ],
        }
    }

    #[test]
    fn first_commit_dates_by_record() {
        let w = ws();
        let r = recorded(&w, &log());
        let i = |id: &str| w.claims.iter().position(|c| c.id == id).unwrap();
        assert_eq!(r.claims[i("early")], (Some(d("2024-01-02")), vec![]));
        assert_eq!(
            r.claims[i("late")],
            (Some(d("2024-01-05")), vec![Some(d("2024-02-01")), None])
        );
    }

    #[test]
    fn reconstruction_counts_claims_recorded_later() {
        let w = ws();
        let r = recorded(&w, &log());
        let at = |t: &str| {
            let states = super::super::state::record_as_of(&w, d(t));
            reconstruction(&r, &states, d(t))
        };
        // 2024-01-01: `early` is in force, committed the next day.
        let x = at("2024-01-01").unwrap();
        assert_eq!((x.in_force, x.committed_later, x.uncommitted), (1, 1, 0));
        assert_eq!(
            (x.first, x.last),
            (Some(d("2024-01-02")), Some(d("2024-01-02")))
        );
        // 2024-01-05: both recorded by then.
        assert_eq!(at("2024-01-05"), None);
        // 2024-01-10: `late`'s revisions apply; one committed 2024-02-01, one
        // in no commit (and 2024-01-10 is before HEAD's date).
        let x = at("2024-01-10").unwrap();
        assert_eq!((x.in_force, x.committed_later, x.uncommitted), (2, 0, 1));
        // From HEAD's date on, the uncommitted revision is not counted late.
        assert_eq!(at("2024-02-01"), None);
    }

    #[test]
    fn real_forecasts_by_date() {
        let w = ws();
        let r = recorded(&w, &log());
        let dates: Vec<NaiveDate> = [
            "2023-12-31",
            "2024-01-01",
            "2024-01-02",
            "2024-01-05",
            "2024-01-09",
            "2024-01-10",
            "2024-01-31",
            "2024-02-01",
        ]
        .iter()
        .map(|x| d(x))
        .collect();
        let real = real_forecasts(&w, &r, &dates);
        assert_eq!(
            real,
            vec![true, false, true, true, true, false, false, true]
        );
        // The same answer as asking `reconstruction` date by date.
        for (t, ok) in dates.iter().zip(&real) {
            let states = super::super::state::record_as_of(&w, *t);
            assert_eq!(reconstruction(&r, &states, *t).is_none(), *ok, "{t}");
        }
    }
}
