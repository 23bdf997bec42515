//! When each claim and revision first appeared in the workspace's git
//! history: the commits reachable from HEAD, each with its commit date and
//! the records its tree holds that none of its parents' trees did (the
//! records it introduced). [`crate::engine::history`] turns that into a
//! first-recorded date per record; the memo says when a dated assessment is
//! a reconstruction (docs/timeline.md, "Reconstructions").
//!
//! The walk is incremental: what each commit introduced is kept in a cache
//! keyed by commit id, `<git dir>/kzclaims/history-<crc32 of the workspace's
//! path in the repository>.bin` (in a linked worktree, that worktree's own
//! git dir: each has its own HEAD).
//! A second run reads only the commits it has not seen; a rewritten history
//! (another HEAD lineage) is walked where it is new, and the cache keeps only
//! the commits reachable from the last HEAD. A claims file whose text is the
//! same in a commit and its parent (the same blob id) is not parsed: only the
//! files a commit changed are.
//!
//! Objects are read through [`super::git::WorkspaceRepo`], which `history`
//! shares; the work tree and the index are never read or written.

pub(crate) use super::git::WorkspaceRepo;
use crate::model::{GitLog, RecordKey};
use chrono::{Datelike, NaiveDate};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use gix::ObjectId;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// What a walk cost: how much it found in the cache and how much it read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct WalkStats {
    /// Commits reachable from HEAD.
    pub commits: usize,
    /// Of those, commits read from the object store (not in the cache).
    pub commits_read: usize,
    /// Claims files parsed (each distinct blob at most once a run).
    pub blobs_parsed: usize,
}

/// The claims (by id) and revisions (by claim id, date and position among
/// that claim's revisions of the same date) a claims file's text holds, in
/// file order. A text that is not valid TOML holds none; a claim without a
/// string `id`, or a revision without a date, is left out.
pub(crate) fn records_in(text: &str) -> Vec<RecordKey> {
    #[derive(serde::Deserialize)]
    struct File {
        #[serde(default)]
        claim: Vec<Claim>,
    }
    #[derive(serde::Deserialize)]
    struct Claim {
        id: Option<toml::Value>,
        #[serde(default)]
        revision: Vec<Revision>,
    }
    #[derive(serde::Deserialize)]
    struct Revision {
        date: Option<toml::Value>,
    }
    let Ok(f) = toml::from_str::<File>(text) else {
        return Vec::new();
    };
    let date = |v: &toml::Value| match v {
        toml::Value::Datetime(dt) if dt.time.is_none() => dt
            .date
            .and_then(|d| NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32)),
        toml::Value::String(s) => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok(),
        _ => None,
    };
    let mut out = Vec::new();
    for c in f.claim {
        let Some(toml::Value::String(id)) = c.id else {
            continue;
        };
        let mut seen: Vec<NaiveDate> = Vec::new();
        out.push(RecordKey {
            claim: id.clone(),
            revision: None,
        });
        for r in &c.revision {
            let Some(d) = r.date.as_ref().and_then(date) else {
                continue;
            };
            let pos = seen.iter().filter(|x| **x == d).count() as u32;
            seen.push(d);
            out.push(RecordKey {
                claim: id.clone(),
                revision: Some((d, pos)),
            });
        }
    }
    out
}

/// What the cache holds for one commit.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Cached {
    date: NaiveDate,
    parents: Vec<ObjectId>,
    introduced: Vec<u32>,
}

/// The walk's memory across runs (see the module's documentation).
#[derive(Debug, Default)]
struct Cache {
    keys: Vec<RecordKey>,
    index: HashMap<RecordKey, u32>,
    commits: HashMap<ObjectId, Cached>,
}

impl Cache {
    fn key(&mut self, k: &RecordKey) -> u32 {
        if let Some(&i) = self.index.get(k) {
            return i;
        }
        let i = self.keys.len() as u32;
        self.keys.push(k.clone());
        self.index.insert(k.clone(), i);
        i
    }
}

const MAGIC: &[u8; 8] = b"KZHIST1\n";

fn put_u32(out: &mut Vec<u8>, x: u32) {
    out.extend_from_slice(&x.to_le_bytes());
}

fn put_date(out: &mut Vec<u8>, d: NaiveDate) {
    out.extend_from_slice(&d.num_days_from_ce().to_le_bytes());
}

/// The cache's bytes: the records named, then each commit (id, date,
/// parents, records introduced), little-endian.
fn encode(keys: &[RecordKey], commits: &[(ObjectId, &Cached)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + keys.len() * 24 + commits.len() * 64);
    out.extend_from_slice(MAGIC);
    put_u32(&mut out, keys.len() as u32);
    for k in keys {
        put_u32(&mut out, k.claim.len() as u32);
        out.extend_from_slice(k.claim.as_bytes());
        match k.revision {
            None => out.push(0),
            Some((d, pos)) => {
                out.push(1);
                put_date(&mut out, d);
                put_u32(&mut out, pos);
            }
        }
    }
    put_u32(&mut out, commits.len() as u32);
    for (id, c) in commits {
        out.extend_from_slice(id.as_slice());
        put_date(&mut out, c.date);
        put_u32(&mut out, c.parents.len() as u32);
        for p in &c.parents {
            out.extend_from_slice(p.as_slice());
        }
        put_u32(&mut out, c.introduced.len() as u32);
        for &k in &c.introduced {
            put_u32(&mut out, k);
        }
    }
    out
}

/// Read a cache written by [`encode`]; `None` if it is not one (another
/// version, cut short, damaged): the walk then starts afresh.
fn decode(bytes: &[u8]) -> Option<Cache> {
    struct R<'a>(&'a [u8]);
    impl R<'_> {
        fn take(&mut self, n: usize) -> Option<&[u8]> {
            if self.0.len() < n {
                return None;
            }
            let (a, b) = self.0.split_at(n);
            self.0 = b;
            Some(a)
        }
        fn u32(&mut self) -> Option<u32> {
            Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
        }
        fn date(&mut self) -> Option<NaiveDate> {
            let d = i32::from_le_bytes(self.take(4)?.try_into().ok()?);
            NaiveDate::from_num_days_from_ce_opt(d)
        }
        fn id(&mut self) -> Option<ObjectId> {
            ObjectId::try_from(self.take(20)?).ok()
        }
    }
    let mut r = R(bytes);
    if r.take(MAGIC.len())? != MAGIC {
        return None;
    }
    let mut cache = Cache::default();
    let nkeys = r.u32()? as usize;
    for _ in 0..nkeys {
        let len = r.u32()? as usize;
        let claim = std::str::from_utf8(r.take(len)?).ok()?.to_string();
        let revision = match r.take(1)?[0] {
            0 => None,
            1 => Some((r.date()?, r.u32()?)),
            _ => return None,
        };
        let k = RecordKey { claim, revision };
        cache.index.insert(k.clone(), cache.keys.len() as u32);
        cache.keys.push(k);
    }
    let ncommits = r.u32()? as usize;
    for _ in 0..ncommits {
        let id = r.id()?;
        let date = r.date()?;
        let np = r.u32()? as usize;
        let parents = (0..np).map(|_| r.id()).collect::<Option<Vec<_>>>()?;
        let ni = r.u32()? as usize;
        let introduced = (0..ni).map(|_| r.u32()).collect::<Option<Vec<_>>>()?;
        if introduced.iter().any(|&k| k as usize >= nkeys) {
            return None;
        }
        cache.commits.insert(
            id,
            Cached {
                date,
                parents,
                introduced,
            },
        );
    }
    r.0.is_empty().then_some(cache)
}

/// Where the cache lives and whether to use it.
#[derive(Debug, Clone, Default)]
#[cfg_attr(not(test), allow(dead_code))] // File and None: for the tests
pub(crate) enum CacheAt {
    /// `<git dir>/kzclaims/` (see the module's documentation).
    #[default]
    GitDir,
    /// A file of the caller's choosing (the tests).
    File(PathBuf),
    /// No cache: every commit is read.
    None,
}

/// Walk the history of the workspace at `root` from HEAD: every reachable
/// commit with its date and the records it introduced, using and updating
/// the cache. `Ok(None)` when there is nothing to tell: the workspace is in
/// no git repository, HEAD has no commit yet, or the clone is shallow.
/// A cache that cannot be written is no error (the next run reads again).
pub(crate) fn read(root: &Path, cache_at: &CacheAt) -> Result<Option<(GitLog, WalkStats)>, String> {
    let Some(mut wr) = WorkspaceRepo::open(root)? else {
        return Ok(None);
    };
    let Some(head) = wr.head() else {
        return Ok(None);
    };
    if wr.is_shallow() {
        return Ok(None);
    }
    let path = match cache_at {
        CacheAt::GitDir => Some(wr.cache_path()),
        CacheAt::File(p) => Some(p.clone()),
        CacheAt::None => None,
    };
    let mut cache = path
        .as_deref()
        .and_then(|p| std::fs::read(p).ok())
        .and_then(|b| decode(&b))
        .unwrap_or_default();
    let mut stats = WalkStats::default();
    let (order, head_date) = walk(&mut wr, &mut cache, head, &mut stats)?;
    stats.commits = order.len();
    let (keys, commits, kept) = reachable(&mut cache, &order);
    let pruned = !cache.commits.is_empty();
    if let Some(p) = path {
        if stats.commits_read > 0 || pruned {
            let refs: Vec<(ObjectId, &Cached)> = kept.iter().map(|(i, c)| (*i, c)).collect();
            let _ = write_cache(&p, &encode(&keys, &refs));
        }
    }
    Ok(Some((
        GitLog {
            head: head.to_string(),
            head_date,
            keys,
            commits,
        },
        stats,
    )))
}

/// The commits reachable from `head`, in the order walked (HEAD first), and
/// HEAD's date; each commit not in `cache` is read and what it introduced
/// added there.
fn walk(
    wr: &mut WorkspaceRepo,
    cache: &mut Cache,
    head: ObjectId,
    stats: &mut WalkStats,
) -> Result<(Vec<ObjectId>, NaiveDate), String> {
    // Each distinct blob's records (indices into the cache's keys), parsed
    // at most once a run.
    let mut parsed: HashMap<ObjectId, Rc<Vec<u32>>> = HashMap::new();
    let mut records = |wr: &WorkspaceRepo,
                       cache: &mut Cache,
                       stats: &mut WalkStats,
                       id: ObjectId|
     -> Result<Rc<Vec<u32>>, String> {
        if let Some(r) = parsed.get(&id) {
            return Ok(r.clone());
        }
        let bytes = wr.blob(id)?;
        let text = String::from_utf8_lossy(&bytes);
        let keys: Vec<u32> = records_in(&text).iter().map(|k| cache.key(k)).collect();
        stats.blobs_parsed += 1;
        let keys = Rc::new(keys);
        parsed.insert(id, keys.clone());
        Ok(keys)
    };
    let mut seen: HashSet<ObjectId> = HashSet::new();
    let mut order: Vec<ObjectId> = Vec::new();
    let mut stack = vec![head];
    let mut head_date = None;
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        order.push(id);
        if let Some(c) = cache.commits.get(&id) {
            if id == head {
                head_date = Some(c.date);
            }
            stack.extend(c.parents.iter().copied());
            continue;
        }
        stats.commits_read += 1;
        let meta = wr.commit(id)?;
        if id == head {
            head_date = Some(meta.date);
        }
        let own = wr.claim_files(meta.tree)?;
        let own_ids: HashSet<ObjectId> = own.iter().map(|(_, b)| *b).collect();
        // The records of the files this commit changed, less those its
        // parents held in the files it changed or removed (a claim moved
        // from one file to another was not introduced here).
        let mut parent_ids: HashSet<ObjectId> = HashSet::new();
        let mut before: HashSet<u32> = HashSet::new();
        for p in &meta.parents {
            let pm = wr.commit(*p)?;
            for (_, b) in wr.claim_files(pm.tree)? {
                parent_ids.insert(b);
                if !own_ids.contains(&b) {
                    before.extend(records(wr, cache, stats, b)?.iter().copied());
                }
            }
        }
        let mut introduced: Vec<u32> = Vec::new();
        for b in own_ids.iter().filter(|b| !parent_ids.contains(*b)) {
            introduced.extend(
                records(wr, cache, stats, *b)?
                    .iter()
                    .filter(|k| !before.contains(k)),
            );
        }
        introduced.sort_unstable();
        introduced.dedup();
        stack.extend(meta.parents.iter().copied());
        cache.commits.insert(
            id,
            Cached {
                date: meta.date,
                parents: meta.parents,
                introduced,
            },
        );
    }
    Ok((order, head_date.expect("HEAD is walked first")))
}

/// The commits in `order` taken out of `cache`, with the records they name
/// renumbered from 0: the keys, each commit's date and records, and the
/// commits to cache again.
#[allow(clippy::type_complexity)]
fn reachable(
    cache: &mut Cache,
    order: &[ObjectId],
) -> (
    Vec<RecordKey>,
    Vec<(NaiveDate, Vec<u32>)>,
    Vec<(ObjectId, Cached)>,
) {
    // Keep the commits reachable from HEAD, and the records they name,
    // renumbered.
    let mut renumber: HashMap<u32, u32> = HashMap::new();
    let mut keys: Vec<RecordKey> = Vec::new();
    let mut commits: Vec<(NaiveDate, Vec<u32>)> = Vec::with_capacity(order.len());
    let mut kept: Vec<(ObjectId, Cached)> = Vec::with_capacity(order.len());
    for id in order {
        let c = cache
            .commits
            .remove(id)
            .expect("every commit walked is cached");
        let introduced: Vec<u32> = c
            .introduced
            .iter()
            .map(|k| {
                *renumber.entry(*k).or_insert_with(|| {
                    keys.push(cache.keys[*k as usize].clone());
                    keys.len() as u32 - 1
                })
            })
            .collect();
        commits.push((c.date, introduced.clone()));
        kept.push((*id, Cached { introduced, ..c }));
    }
    (keys, commits, kept)
}

fn write_cache(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".history-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    std::io::Write::write_all(&mut tmp, bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::load::test_repo::{git, write};

    fn claim(id: &str, revisions: &[&str]) -> String {
        let mut s = format!("[[claim]]\nid = \"{id}\"\ndate = 2020-01-01\nstatement = \"x\"\n");
        for r in revisions {
            s.push_str(&format!("\n[[claim.revision]]\ndate = {r}\nnote = \"n\"\n"));
        }
        s.push('\n');
        s
    }

    fn commit(dir: &Path, date: &str) {
        git(dir, date, &["add", "-A"]);
        git(dir, date, &["commit", "-q", "-m", date]);
    }

    /// First commit date of each record, as the engine computes it.
    type First = (String, Option<(NaiveDate, u32)>, NaiveDate);

    fn first(log: &GitLog) -> Vec<First> {
        let mut out: HashMap<&RecordKey, NaiveDate> = HashMap::new();
        for (date, intro) in &log.commits {
            for &k in intro {
                let e = out.entry(&log.keys[k as usize]).or_insert(*date);
                *e = (*e).min(*date);
            }
        }
        let mut v: Vec<_> = out
            .into_iter()
            .map(|(k, d)| (k.claim.clone(), k.revision, d))
            .collect();
        v.sort();
        v
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn records_in_a_file() {
        let text = format!(
            "{}{}[[claim]]\nid = 3\n",
            claim("a", &["2021-01-01", "2021-01-01", "2021-02-01"]),
            claim("b", &[])
        );
        let keys = records_in(&text);
        let k = |c: &str, r: Option<(&str, u32)>| RecordKey {
            claim: c.into(),
            revision: r.map(|(x, p)| (d(x), p)),
        };
        assert_eq!(
            keys,
            vec![
                k("a", None),
                k("a", Some(("2021-01-01", 0))),
                k("a", Some(("2021-01-01", 1))),
                k("a", Some(("2021-02-01", 0))),
                k("b", None),
            ]
        );
        assert!(records_in("[[claim]\nbroken").is_empty());
    }

    #[test]
    fn walk_is_incremental_and_survives_a_rewritten_history() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = tmp.path().join("repo");
        // The workspace sits in a subfolder of the repository.
        let ws = repo.join("ws");
        std::fs::create_dir_all(&ws).unwrap();
        git(&repo, "2024-01-01", &["init", "-q"]);
        write(&ws, "kzclaims.toml", "title = \"t\"\nquestion = \"q\"\n");
        write(&ws, "claims/one.toml", &claim("a", &[]));
        commit(&repo, "2024-01-01");
        write(
            &ws,
            "claims/one.toml",
            &(claim("a", &[]) + &claim("b", &[])),
        );
        commit(&repo, "2024-01-05");
        // `a` moves to another file and gains a revision: the move is no
        // new record, the revision is.
        write(&ws, "claims/one.toml", &claim("b", &[]));
        write(&ws, "claims/sub/two.toml", &claim("a", &["2023-12-01"]));
        commit(&repo, "2024-01-09");
        let cache = tmp.path().join("cache.bin");
        let at = CacheAt::File(cache.clone());
        let (log, stats) = read(&ws, &at).unwrap().unwrap();
        assert_eq!(log.head_date, d("2024-01-09"));
        assert_eq!(
            first(&log),
            vec![
                ("a".into(), None, d("2024-01-01")),
                ("a".into(), Some((d("2023-12-01"), 0)), d("2024-01-09")),
                ("b".into(), None, d("2024-01-05")),
            ]
        );
        assert_eq!((stats.commits, stats.commits_read), (3, 3));
        assert!(cache.is_file());
        // A second run reads nothing new.
        let (again, stats) = read(&ws, &at).unwrap().unwrap();
        assert_eq!(again, log);
        assert_eq!(
            stats,
            WalkStats {
                commits: 3,
                commits_read: 0,
                blobs_parsed: 0
            }
        );
        // One more commit: only it (and the files it changed) is read.
        write(&ws, "claims/three.toml", &claim("c", &[]));
        commit(&repo, "2024-01-20");
        let (log2, stats) = read(&ws, &at).unwrap().unwrap();
        assert_eq!((stats.commits, stats.commits_read), (4, 1));
        assert_eq!(stats.blobs_parsed, 1);
        assert!(first(&log2).contains(&("c".into(), None, d("2024-01-20"))));
        // Rewrite the history: a new lineage where `b` came first, later.
        git(
            &repo,
            "2024-02-01",
            &["checkout", "-q", "--orphan", "other"],
        );
        git(&repo, "2024-02-01", &["rm", "-rq", "--cached", "."]);
        std::fs::remove_dir_all(&ws).unwrap();
        write(&ws, "kzclaims.toml", "title = \"t\"\nquestion = \"q\"\n");
        write(&ws, "claims/one.toml", &claim("b", &[]));
        commit(&repo, "2024-02-01");
        write(
            &ws,
            "claims/one.toml",
            &(claim("b", &[]) + &claim("a", &[])),
        );
        commit(&repo, "2024-02-03");
        let (log3, stats) = read(&ws, &at).unwrap().unwrap();
        assert_eq!((stats.commits, stats.commits_read), (2, 2));
        assert_eq!(
            first(&log3),
            vec![
                ("a".into(), None, d("2024-02-03")),
                ("b".into(), None, d("2024-02-01")),
            ]
        );
        // The cache now holds the new lineage only, and gives the same
        // answer without reading anything.
        let (log4, stats) = read(&ws, &at).unwrap().unwrap();
        assert_eq!(log4, log3);
        assert_eq!(stats.commits_read, 0);
        // Without a cache, the same answer.
        let (log5, _) = read(&ws, &CacheAt::None).unwrap().unwrap();
        assert_eq!(first(&log5), first(&log3));
        // A damaged cache is read as none.
        std::fs::write(&cache, b"KZHIST1\ngarbage").unwrap();
        let (log6, stats) = read(&ws, &at).unwrap().unwrap();
        assert_eq!(first(&log6), first(&log3));
        assert_eq!(stats.commits_read, 2);
    }

    #[test]
    fn no_repository_no_history() {
        let tmp = tempfile::tempdir().unwrap();
        write(tmp.path(), "kzclaims.toml", "title = \"t\"\n");
        assert_eq!(read(tmp.path(), &CacheAt::None).unwrap(), None);
        // A repository with no commit yet.
        git(tmp.path(), "2024-01-01", &["init", "-q"]);
        assert_eq!(read(tmp.path(), &CacheAt::None).unwrap(), None);
    }
}
