//! The CSV matrix analysts keep in spreadsheets: one claim per row, one
//! column per scenario. Reads one into a [`Matrix`] (problems as diagnostics
//! naming row and column) and writes a workspace's matrix in the same shape.
//! Columns: docs/interop.md.

use super::{slugify, Ids, Level3, Matrix, NewClaim, NewScenario, NewSource, Origin};
use crate::diag::{Code, Diagnostic};
use crate::engine::state;
use crate::load::is_slug;
use crate::model::{
    Credibility, EngineKind, Rating, Relevance, Reliability, SourceKind, Status, Workspace,
};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::ops::Range;

/// Columns before the scenarios, in the order export writes them.
pub(crate) const LEADING: [&str; 6] = [
    "id",
    "date",
    "statement",
    "sources",
    "credibility",
    "relevance",
];
/// Columns after the scenarios recognised by name.
pub(crate) const TRAILING: [&str; 4] = ["url", "rationale", "tags", "group"];

/// Columns of per-scenario rationale: `rationale:<scenario id>`.
pub(crate) const RATIONALE_PREFIX: &str = "rationale:";

pub(crate) use crate::report::escape::{neutralise_cell, restore_cell};

/// Tags in one cell: each tag's `\\`, `;` and `,` escaped with a backslash,
/// joined with `;` (read back by [`split_list`]).
pub(crate) fn join_list(items: &[String]) -> String {
    items
        .iter()
        .map(|t| {
            t.replace('\\', "\\\\")
                .replace(';', "\\;")
                .replace(',', "\\,")
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// A list cell split at each `;` or `,` not escaped with a backslash; items
/// trimmed, empty ones left out, escapes undone.
pub(crate) fn split_list(cell: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = cell.chars();
    let mut push = |cur: &mut String| {
        let t = cur.trim();
        if !t.is_empty() {
            out.push(t.to_string());
        }
        cur.clear();
    };
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(n @ ('\\' | ';' | ',')) => cur.push(n),
                Some(n) => {
                    cur.push('\\');
                    cur.push(n);
                }
                None => cur.push('\\'),
            },
            ';' | ',' => push(&mut cur),
            c => cur.push(c),
        }
    }
    push(&mut cur);
    out
}

/// Options for reading: the date for rows without one, the file's stem.
#[derive(Debug, Clone, Default)]
pub(crate) struct ReadOptions {
    pub date: Option<NaiveDate>,
    pub stem: String,
}

/// The field delimiter: whichever of `,` `;` and tab is most frequent in the
/// header line (spreadsheets in many locales write `;`).
fn delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| (first.bytes().filter(|b| b == d).count(), *d == b','))
        .unwrap_or(b',')
}

/// Byte range of field `k` of the record starting at byte `start` (quotes
/// included), for pointing diagnostics at a cell.
fn field_span(text: &str, start: usize, delim: u8, k: usize) -> Range<usize> {
    let b = text.as_bytes();
    let mut i = start;
    let mut idx = 0;
    loop {
        let fs = i;
        if i < b.len() && b[i] == b'"' {
            i += 1;
            while i < b.len() {
                if b[i] == b'"' {
                    if b.get(i + 1) == Some(&b'"') {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                i += 1;
            }
        }
        while i < b.len() && b[i] != delim && b[i] != b'\n' && b[i] != b'\r' {
            i += 1;
        }
        if idx == k {
            return fs..i;
        }
        if i >= b.len() || b[i] != delim {
            return i..i;
        }
        i += 1;
        idx += 1;
    }
}

/// Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA.
pub(crate) fn column_letter(mut k: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (k % 26) as u8);
        if k < 26 {
            break;
        }
        k = k / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

struct Cx<'a> {
    file: &'a str,
    text: &'a str,
    delim: u8,
    headers: Vec<String>,
    diags: Vec<Diagnostic>,
}

impl Cx<'_> {
    /// An error at a cell: row (1-based, the header is row 1) and column.
    fn err(
        &mut self,
        code: Code,
        row: usize,
        start: usize,
        col: usize,
        msg: String,
    ) -> &mut Diagnostic {
        let span = field_span(self.text, start, self.delim, col);
        let head = self.headers.get(col).cloned().unwrap_or_default();
        self.diags.push(
            Diagnostic::error(
                code,
                format!("row {row}, column {} (`{head}`): {msg}", column_letter(col)),
            )
            .at(self.file, span),
        );
        self.diags.last_mut().expect("just pushed")
    }
}

/// Read a CSV matrix. `text` is the decoded file; `file` names it in messages.
/// Every problem is collected; `Err` holds them all as diagnostics that quote
/// `text` under the name `file`.
pub(crate) fn read(text: &str, file: &str, opts: &ReadOptions) -> Result<Matrix, Vec<Diagnostic>> {
    let delim = delimiter(text);
    let records = records(text, file, delim)?;
    let mut cx = Cx {
        file,
        text,
        delim,
        headers: Vec::new(),
        diags: Vec::new(),
    };
    let Some(header) = records.first() else {
        return Err(vec![Diagnostic::error(Code::E031, "the CSV file is empty")
            .in_file(file)
            .help(format!(
                "the first row names the columns: {},<scenario>,…",
                LEADING.join(",")
            ))]);
    };
    let header_start = header.position().map(|p| p.byte() as usize).unwrap_or(0);
    cx.headers = header.iter().map(|h| h.trim().to_string()).collect();
    let Some(cols) = columns(&mut cx, &records, header_start, opts) else {
        return Err(cx.diags);
    };
    let mut m = Matrix {
        format: "CSV",
        file: file.to_string(),
        text: Some(text.to_string()),
        engine: EngineKind::Bayes,
        ..Default::default()
    };
    scenarios(&mut cx, &cols, header_start, &mut m);
    let rationale_of = rationale_columns(&mut cx, &cols, header_start, &m);
    let (note_id, file_name) = super::import_note(&opts.stem, file);
    let mut rows = Rows {
        cols: &cols,
        rationale_of,
        date: opts.date,
        note_id,
        file_name,
        claim_ids: Ids::default(),
        first_row: HashMap::new(),
    };
    for (ri, rec) in records.iter().enumerate().skip(1) {
        rows.row(&mut cx, &mut m, ri + 1, rec);
    }
    let (errors, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) =
        cx.diags.into_iter().partition(|d| d.is_error());
    if !errors.is_empty() {
        return Err(warnings.into_iter().chain(errors).collect());
    }
    m.warnings.extend(warnings.into_iter().map(|d| d.message));
    if m.claims.is_empty() {
        return Err(vec![Diagnostic::error(
            Code::E031,
            "the CSV file has no claim rows",
        )
        .in_file(file)]);
    }
    Ok(m)
}

/// The file's records, each cell with the apostrophe export puts before a
/// formula taken off; a file the `csv` crate cannot read is one error.
fn records(text: &str, file: &str, delim: u8) -> Result<Vec<csv::StringRecord>, Vec<Diagnostic>> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    for r in rdr.records() {
        match r {
            Ok(r) => {
                let mut plain: csv::StringRecord = r.iter().map(restore_cell).collect();
                plain.set_position(r.position().cloned());
                records.push(plain)
            }
            Err(e) => {
                let span = e
                    .position()
                    .map(|p| p.byte() as usize..p.byte() as usize + 1)
                    .unwrap_or(0..0);
                return Err(vec![Diagnostic::error(
                    Code::E031,
                    format!("not a readable CSV file: {e}"),
                )
                .at(file, span)]);
            }
        }
    }
    Ok(records)
}

/// What the header row says about the columns.
struct Columns {
    /// Known columns by name ([`LEADING`], [`TRAILING`]).
    col: HashMap<&'static str, usize>,
    /// (column, scenario name) of each `rationale:<scenario>` column.
    rationale_cols: Vec<(usize, String)>,
    /// The scenario columns, in order.
    scen_cols: Vec<usize>,
}

/// The header row's columns: the known ones, the per-scenario rationale and
/// the scenarios; `None` (errors in `cx`) when a needed column is missing or
/// there is no scenario column. A column that is none of these is reported
/// (W031) and ignored.
fn columns(
    cx: &mut Cx<'_>,
    records: &[csv::StringRecord],
    header_start: usize,
    opts: &ReadOptions,
) -> Option<Columns> {
    let (file, text, delim) = (cx.file, cx.text, cx.delim);
    let lower: Vec<String> = cx.headers.iter().map(|h| h.to_ascii_lowercase()).collect();

    // Known columns, by name; per-scenario rationale by its prefix.
    let mut col: HashMap<&'static str, usize> = HashMap::new();
    let rationale_cols: Vec<(usize, String)> = lower
        .iter()
        .enumerate()
        .filter(|(_, h)| h.starts_with(RATIONALE_PREFIX))
        .map(|(k, _)| {
            (
                k,
                cx.headers[k][RATIONALE_PREFIX.len()..].trim().to_string(),
            )
        })
        .collect();
    for (k, h) in lower.iter().enumerate() {
        let name = if h == "source" { "sources" } else { h.as_str() };
        if let Some(known) = LEADING.iter().chain(&TRAILING).find(|n| **n == name) {
            if let Some(prev) = col.insert(known, k) {
                cx.err(
                    Code::E031,
                    1,
                    header_start,
                    k,
                    format!(
                        "a second `{known}` column (the first is column {})",
                        column_letter(prev)
                    ),
                );
            }
        }
    }
    if missing_columns(cx, &col, header_start, opts) {
        return None;
    }
    // Scenario columns: the unrecognised ones after the leading columns that
    // hold ratings (or nothing yet). A column none of whose cells is a rating
    // (`notes`, `colour`) is not a scenario: it is reported and ignored.
    let after = LEADING
        .iter()
        .filter_map(|n| col.get(n))
        .max()
        .copied()
        .unwrap_or(0);
    let is_known =
        |k: usize| col.values().any(|&c| c == k) || rationale_cols.iter().any(|(c, _)| *c == k);
    let holds_ratings = |k: usize| {
        let mut cells = records
            .iter()
            .skip(1)
            .filter_map(|r| r.get(k))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .peekable();
        cells.peek().is_none() || cells.any(|v| Rating::parse(v).is_some())
    };
    let scen_cols: Vec<usize> = (after + 1..lower.len())
        .filter(|&k| !is_known(k) && holds_ratings(k))
        .collect();
    for k in 0..lower.len() {
        if !is_known(k) && !scen_cols.contains(&k) {
            cx.diags.push(
                Diagnostic::warning(
                    Code::W031,
                    format!(
                        "column {} (`{}`) is not recognised and was ignored",
                        column_letter(k),
                        cx.headers[k]
                    ),
                )
                .at(file, field_span(text, header_start, delim, k)),
            );
        }
    }
    if scen_cols.is_empty() {
        let k = after;
        cx.err(
            Code::E031,
            1,
            header_start,
            k,
            format!(
                "no scenario columns: after `{}`, put one column per scenario, rated CC, C, N, I, II or NA",
                lower[k]
            ),
        );
        return None;
    }
    Some(Columns {
        col,
        rationale_cols,
        scen_cols,
    })
}

/// E031 when the header row lacks a column every row needs (`true`).
fn missing_columns(
    cx: &mut Cx<'_>,
    col: &HashMap<&'static str, usize>,
    header_start: usize,
    opts: &ReadOptions,
) -> bool {
    let (file, text, delim) = (cx.file, cx.text, cx.delim);
    // `id` may be left out (ids are made from statements), `date` too when
    // --date gives one for every row.
    let missing: Vec<&str> = ["date", "statement", "credibility"]
        .into_iter()
        .filter(|n| !(col.contains_key(n) || (*n == "date" && opts.date.is_some())))
        .collect();
    if !missing.is_empty() {
        cx.diags.push(
            Diagnostic::error(
                Code::E031,
                format!("the header row has no {} column", missing.join(", ")),
            )
            .at(
                file,
                field_span(text, header_start, delim, 0).start
                    ..field_span(
                        text,
                        header_start,
                        delim,
                        cx.headers.len().saturating_sub(1),
                    )
                    .end,
            )
            .help(format!(
                "the first row names the columns: {},<scenario>,…",
                LEADING.join(",")
            )),
        );
        return true;
    }
    false
}

/// The scenario columns as scenarios of `m` (a nameless or repeated one is
/// an error).
fn scenarios(cx: &mut Cx<'_>, cols: &Columns, header_start: usize, m: &mut Matrix) {
    let mut scen_ids = Ids::default();
    for &k in &cols.scen_cols {
        let head = cx.headers[k].clone();
        let id = if is_slug(&head) {
            head.clone()
        } else {
            slugify(&head, 40)
        };
        let span = field_span(cx.text, header_start, cx.delim, k);
        if head.is_empty() || id.is_empty() {
            cx.err(
                Code::E031,
                1,
                header_start,
                k,
                "a scenario column needs a name".into(),
            );
            continue;
        }
        // A scenario named twice is a mistake; different names that make the
        // same slug get `-2`, `-3`, … like PARC hypotheses.
        let id = if cx.headers[..k].contains(&head) {
            cx.err(
                Code::E031,
                1,
                header_start,
                k,
                format!("scenario `{head}` has a second column"),
            );
            continue;
        } else {
            scen_ids.unique(&id, &format!("s{}", k + 1))
        };
        m.scenarios.push(NewScenario {
            id,
            title: head.clone(),
            summary: head,
            origin: Origin {
                label: format!("column {}", column_letter(k)),
                span: Some(span),
            },
        });
    }
}

/// Per-scenario rationale columns: `rationale:` and a scenario column's
/// name or id; (column, index into `m.scenarios`) of each.
fn rationale_columns(
    cx: &mut Cx<'_>,
    cols: &Columns,
    header_start: usize,
    m: &Matrix,
) -> Vec<(usize, usize)> {
    let mut rationale_of: Vec<(usize, usize)> = Vec::new();
    for (k, name) in &cols.rationale_cols {
        let found = m.scenarios.iter().position(|sc| {
            sc.title == *name || sc.id == *name || (!name.is_empty() && sc.id == slugify(name, 40))
        });
        match found {
            Some(j) => rationale_of.push((*k, j)),
            None => {
                cx.err(
                    Code::E031,
                    1,
                    header_start,
                    *k,
                    format!("`{name}` is not one of the scenario columns"),
                )
                .help = Some(format!(
                    "a `{RATIONALE_PREFIX}<scenario>` column holds the rationale of one scenario's rating; name a scenario column"
                ));
            }
        }
    }
    rationale_of
}

/// The reading of the claim rows, one at a time.
struct Rows<'c> {
    cols: &'c Columns,
    /// (column, scenario index) of each per-scenario rationale column.
    rationale_of: Vec<(usize, usize)>,
    /// `--date`, for rows without one.
    date: Option<NaiveDate>,
    /// The import note source (for rows that name no source).
    note_id: String,
    file_name: String,
    claim_ids: Ids,
    /// The row where each claim id was first used.
    first_row: HashMap<String, usize>,
}

/// One row's cell in a known column, trimmed (`""` when there is none).
fn cell<'r>(cols: &Columns, rec: &'r csv::StringRecord, name: &str) -> &'r str {
    cols.col
        .get(name)
        .and_then(|&k| rec.get(k))
        .unwrap_or("")
        .trim()
}

impl Rows<'_> {
    /// Row `row` (1-based; the header is row 1): a claim of `m`, or its
    /// errors in `cx`.
    fn row(&mut self, cx: &mut Cx<'_>, m: &mut Matrix, row: usize, rec: &csv::StringRecord) {
        if rec.iter().all(|f| f.trim().is_empty()) {
            return;
        }
        let cols = self.cols;
        let col = &cols.col;
        let start = rec.position().map(|p| p.byte() as usize).unwrap_or(0);
        let cell = |name: &str| cell(cols, rec, name);
        let n_before = cx.diags.iter().filter(|d| d.is_error()).count();

        let statement = cell("statement").to_string();
        if statement.is_empty() {
            cx.err(
                Code::E032,
                row,
                start,
                col["statement"],
                "the statement is empty".into(),
            );
        }
        let id = self.claim_id(cx, row, start, cell("id"), &statement);
        let date = self.date_of(cx, row, start, cell("date"));
        let (credibility, credibility_note) = credibility_of(cx, cols, row, start, rec);
        // relevance
        let raw_rel = cell("relevance");
        let relevance = if raw_rel.is_empty() {
            Some(Relevance::Medium)
        } else {
            Relevance::parse(raw_rel).or_else(|| Level3::parse(raw_rel).map(Level3::relevance))
        };
        if relevance.is_none() {
            cx.err(
                Code::E032,
                row,
                start,
                col["relevance"],
                format!("relevance `{raw_rel}` is not low, medium or high"),
            );
        }
        // ratings
        let mut ratings = Vec::with_capacity(cols.scen_cols.len());
        for &k in &cols.scen_cols {
            let v = rec.get(k).unwrap_or("").trim();
            match Rating::parse(v) {
                Some(r) if !v.is_empty() => ratings.push(r),
                _ => {
                    let what = if v.is_empty() {
                        "no rating".to_string()
                    } else {
                        format!("`{v}` is not a rating")
                    };
                    cx.err(Code::E032, row, start, k, what).help = Some(
                        "rate every scenario CC, C, N, I, II, or NA where the claim does not bear on it".into(),
                    );
                }
            }
        }
        let sources = self.sources(cx, m, row, start, cell("sources"));
        if cx.diags.iter().filter(|d| d.is_error()).count() > n_before {
            return;
        }
        let opt = |name: &str| Some(cell(name).to_string()).filter(|s| !s.is_empty());
        let tags = split_list(cell("tags"));
        let scenario_rationale = self
            .rationale_of
            .iter()
            .filter_map(|&(k, j)| {
                let t = rec.get(k).unwrap_or("").trim();
                (!t.is_empty()).then(|| (j, t.to_string()))
            })
            .collect();
        let span = start..field_span(cx.text, start, cx.delim, rec.len().saturating_sub(1)).end;
        m.claims.push(NewClaim {
            id,
            date: date.expect("checked"),
            statement,
            sources,
            url: opt("url"),
            credibility: credibility.expect("checked"),
            credibility_note,
            relevance: relevance.expect("checked"),
            ratings,
            rationale: opt("rationale"),
            scenario_rationale,
            tags,
            group: opt("group"),
            origin: Origin {
                label: format!("row {row}"),
                span: Some(span),
            },
        });
    }

    /// The row's claim id: its `id` cell, or one made from the statement.
    fn claim_id(
        &mut self,
        cx: &mut Cx<'_>,
        row: usize,
        start: usize,
        raw_id: &str,
        statement: &str,
    ) -> String {
        let col = &self.cols.col;
        let id = if raw_id.is_empty() {
            self.claim_ids
                .unique(&slugify(statement, 40), &format!("row-{row}"))
        } else if !is_slug(raw_id) {
            let s = slugify(raw_id, 60);
            cx.err(
                Code::E032,
                row,
                start,
                col["id"],
                format!("`{raw_id}` is not a slug"),
            )
            .help = Some(format!(
                "ids are lower-case ASCII letters, digits, `-`, `_` and `.`{}",
                if s.is_empty() {
                    String::new()
                } else {
                    format!(": `{s}`?")
                }
            ));
            raw_id.to_string()
        } else if let Some(prev) = self.first_row.get(raw_id) {
            cx.err(
                Code::E032,
                row,
                start,
                col["id"],
                format!("claim id `{raw_id}` is already used in row {prev}"),
            );
            raw_id.to_string()
        } else {
            self.claim_ids.take(raw_id);
            raw_id.to_string()
        };
        self.first_row.entry(id.clone()).or_insert(row);
        id
    }

    /// The row's date: its `date` cell, or `--date`.
    fn date_of(
        &self,
        cx: &mut Cx<'_>,
        row: usize,
        start: usize,
        raw_date: &str,
    ) -> Option<NaiveDate> {
        let col = &self.cols.col;
        if raw_date.is_empty() {
            match self.date {
                Some(d) => Some(d),
                None => {
                    cx.err(Code::E034, row, start, col["date"], "no date".into()).help = Some(
                        "write the day the claim entered the record (YYYY-MM-DD), or pass --date YYYY-MM-DD for rows without one (the day of the import is not used)".into(),
                    );
                    None
                }
            }
        } else {
            match NaiveDate::parse_from_str(raw_date, "%Y-%m-%d")
                .or_else(|_| NaiveDate::parse_from_str(raw_date, "%Y/%m/%d"))
            {
                Ok(d) => Some(d),
                Err(_) => {
                    cx.err(
                        Code::E032,
                        row,
                        start,
                        col["date"],
                        format!("`{raw_date}` is not a date"),
                    )
                    .help = Some("write dates as YYYY-MM-DD".into());
                    None
                }
            }
        }
    }

    /// The row's sources, added to `m`: one per item of its `sources` cell,
    /// or the import note when it names none.
    fn sources(
        &self,
        cx: &mut Cx<'_>,
        m: &mut Matrix,
        row: usize,
        start: usize,
        list: &str,
    ) -> Vec<String> {
        let mut sources = Vec::new();
        for tok in split_list(list) {
            let tok = tok.as_str();
            let sid = if is_slug(tok) {
                tok.to_string()
            } else {
                slugify(tok, 40)
            };
            if sid.is_empty() {
                cx.err(
                    Code::E032,
                    row,
                    start,
                    self.cols.col["sources"],
                    format!("source `{tok}` has nothing to make an id of"),
                );
                continue;
            }
            sources.push(m.add_source(NewSource {
                id: sid,
                name: tok.to_string(),
                url: None,
                kind: SourceKind::Other,
                reliability: Reliability::F,
                note: "not graded in the CSV".into(),
            }));
        }
        if sources.is_empty() {
            sources.push(m.add_source(NewSource {
                id: self.note_id.clone(),
                name: format!("Imported from {} (CSV)", self.file_name),
                url: None,
                kind: SourceKind::Other,
                reliability: Reliability::F,
                note: "rows that name no source".into(),
            }));
        }
        sources.dedup();
        sources
    }
}

/// A row's credibility: an Admiralty grade 1-6, or PARC's HIGH, MEDIUM or
/// LOW (with a note saying so).
fn credibility_of(
    cx: &mut Cx<'_>,
    cols: &Columns,
    row: usize,
    start: usize,
    rec: &csv::StringRecord,
) -> (Option<Credibility>, Option<String>) {
    let raw_cred = cell(cols, rec, "credibility");
    let (credibility, credibility_note) = if let Ok(n) = raw_cred.parse::<i64>() {
        match Credibility::new(n) {
            Some(c) => (Some(c), None),
            None => (None, None),
        }
    } else if let Some(l) = Level3::parse(raw_cred) {
        (
            Some(l.credibility()),
            Some(format!("credibility {} in the CSV", l.as_str())),
        )
    } else {
        (None, None)
    };
    if credibility.is_none() {
        cx.err(Code::E032, row, start, cols.col["credibility"], format!("credibility `{raw_cred}` is not an Admiralty grade")).help = Some(
            "1 confirmed, 2 probably true, 3 possibly true, 4 doubtful, 5 improbable, 6 cannot be judged (or PARC's HIGH, MEDIUM, LOW)".into(),
        );
    }
    (credibility, credibility_note)
}

/// The matrix as of `date` in the shape [`read`] takes: the claims in force
/// (retracted ones left out), revisions applied, one column per scenario id.
pub(crate) fn write(ws: &Workspace, date: NaiveDate) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let mut header: Vec<String> = LEADING.iter().map(|h| h.to_string()).collect();
    header.extend(ws.scenarios.iter().map(|s| s.id.clone()));
    header.extend(["url".into(), "rationale".into()]);
    header.extend(
        ws.scenarios
            .iter()
            .map(|s| format!("{RATIONALE_PREFIX}{}", s.id)),
    );
    header.extend(["tags".into(), "group".into()]);
    w.write_record(header.iter().map(|h| neutralise_cell(h).into_owned()))
        .expect("writing to memory");
    for st in state::record_as_of(ws, date) {
        if st.status == Status::Retracted {
            continue;
        }
        let c = &ws.claims[st.claim];
        let mut rec: Vec<String> = vec![
            c.id.clone(),
            c.date.to_string(),
            st.statement(ws).to_string(),
            join_list(st.sources(ws)),
            st.credibility.0.to_string(),
            st.relevance.as_str().to_string(),
        ];
        rec.extend(st.ratings.iter().map(|r| r.as_str().to_string()));
        rec.push(st.url(ws).unwrap_or_default().to_string());
        rec.push(c.rationale.get("").cloned().unwrap_or_default());
        rec.extend(
            ws.scenarios
                .iter()
                .map(|s| c.rationale.get(&s.id).cloned().unwrap_or_default()),
        );
        rec.push(join_list(&c.tags));
        rec.push(c.group.clone().unwrap_or_default());
        w.write_record(rec.iter().map(|c| neutralise_cell(c).into_owned()))
            .expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8 in, UTF-8 out")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> ReadOptions {
        ReadOptions {
            date: None,
            stem: "m".into(),
        }
    }

    #[test]
    fn reads_a_matrix() {
        let text = "id,date,statement,sources,credibility,relevance,Elite coup,protest,url,notes\n\
                    c1,2022-01-05,\"Troops, called in\",rferl; Reuters,2,high,CC,i i,https://x.org,zz\n\
                    ,2022/01/06,Second,,HIGH,,N,NA,,\n";
        let m = read(text, "m.csv", &opts()).unwrap();
        let ids: Vec<&str> = m.scenarios.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["elite-coup", "protest"]);
        assert_eq!(m.scenarios[0].title, "Elite coup");
        assert_eq!(m.claims.len(), 2);
        let c1 = &m.claims[0];
        assert_eq!(c1.statement, "Troops, called in");
        assert_eq!(c1.sources, ["rferl", "reuters"]);
        assert_eq!(c1.ratings, [Rating::CC, Rating::II]);
        assert_eq!(c1.relevance, Relevance::High);
        assert_eq!(c1.url.as_deref(), Some("https://x.org"));
        let c2 = &m.claims[1];
        assert_eq!(c2.id, "second");
        assert_eq!(c2.credibility.0, 2);
        assert_eq!(c2.relevance, Relevance::Medium);
        assert_eq!(c2.sources, ["import-m"]);
        assert_eq!(m.warnings.len(), 1, "{:?}", m.warnings);
        assert!(m.warnings[0].contains("column J (`notes`)"));
    }

    #[test]
    fn semicolons_and_tabs() {
        let text =
            "id;date;statement;sources;credibility;relevance;a;b\nx;2022-01-05;S;s;3;low;I;C\n";
        assert_eq!(
            read(text, "m.csv", &opts()).unwrap().claims[0].ratings,
            [Rating::I, Rating::C]
        );
        let tsv = text.replace(';', "\t");
        assert_eq!(read(&tsv, "m.csv", &opts()).unwrap().claims.len(), 1);
        // Excel's "Unicode text": UTF-16 LE with a byte-order mark, tabs.
        let mut bytes = vec![0xff, 0xfe];
        bytes.extend(tsv.encode_utf16().flat_map(|u| u.to_le_bytes()));
        let decoded = super::super::achz::decode_text(&bytes).unwrap();
        assert_eq!(read(&decoded, "m.txt", &opts()).unwrap().claims.len(), 1);
    }

    #[test]
    fn errors_name_row_and_column() {
        let text = "id,date,statement,sources,credibility,relevance,a,b\n\
                    x,2022-01-05,S,s,7,high,C,\n\
                    x,05.01.2022,S,s,2,often,Q,C\n\
                    Bad Id,,S,s,2,high,C,C\n";
        let errs = read(text, "m.csv", &opts()).unwrap_err();
        let msgs: Vec<&str> = errs.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "row 2, column E (`credibility`): credibility `7` is not an Admiralty grade",
                "row 2, column H (`b`): no rating",
                "row 3, column A (`id`): claim id `x` is already used in row 2",
                "row 3, column B (`date`): `05.01.2022` is not a date",
                "row 3, column F (`relevance`): relevance `often` is not low, medium or high",
                "row 3, column G (`a`): `Q` is not a rating",
                "row 4, column A (`id`): `Bad Id` is not a slug",
                "row 4, column B (`date`): no date",
            ]
        );
        // Spans point at the cell.
        let d = &errs[5];
        assert_eq!(&text[d.span.clone().unwrap()], "Q");
        assert_eq!(
            errs[6].help.as_deref().map(|h| h.ends_with("`bad-id`?")),
            Some(true)
        );
    }

    #[test]
    fn header_problems() {
        let errs = read("id,statement,a\n", "m.csv", &opts()).unwrap_err();
        assert!(
            errs[0].message.contains("no date, credibility column"),
            "{errs:?}"
        );
        let errs = read(
            "id,date,statement,sources,credibility,relevance,url\n",
            "m.csv",
            &opts(),
        )
        .unwrap_err();
        assert!(errs[0].message.contains("no scenario columns"), "{errs:?}");
        assert!(read("", "m.csv", &opts()).is_err());
        // Without `id` and `date` columns: ids from statements, --date for all.
        let dated = ReadOptions {
            date: Some("2022-01-05".parse().unwrap()),
            ..opts()
        };
        let m = read(
            "statement,credibility,a,b\nTroops arrive,2,C,I\n",
            "m.csv",
            &dated,
        )
        .unwrap();
        assert_eq!(m.claims[0].id, "troops-arrive");
        assert_eq!(m.claims[0].date.to_string(), "2022-01-05");
    }

    #[test]
    fn formula_cells_get_an_apostrophe_that_import_takes_off() {
        for (cell, written) in [
            ("=1+1", "'=1+1"),
            ("+id", "'+id"),
            ("-5%", "'-5%"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'=x", "''=x"),
            ("''+x", "'''+x"),
            ("a=b", "a=b"),
            ("'quoted'", "'quoted'"),
            ("", ""),
        ] {
            assert_eq!(neutralise_cell(cell), written, "{cell:?}");
            assert_eq!(restore_cell(written), cell, "{written:?}");
        }
    }

    #[test]
    fn lists_round_trip_their_separators() {
        let tags: Vec<String> = ["a;b", "c,d", "e\\f", "plain", "end\\"]
            .map(String::from)
            .to_vec();
        let cell = join_list(&tags);
        assert_eq!(cell, r"a\;b;c\,d;e\\f;plain;end\\");
        assert_eq!(split_list(&cell), tags);
        assert_eq!(split_list("x; y ,z;;"), ["x", "y", "z"]);
        // A backslash before anything else is kept as written.
        assert_eq!(split_list(r"a\b"), [r"a\b"]);
    }

    #[test]
    fn rationale_columns_name_a_scenario() {
        let text = "id,date,statement,credibility,Elite coup,protest,rationale,rationale:Elite coup,rationale:protest\n\
                    c1,2022-01-05,S,2,C,I,all,fits,does not fit\n";
        let m = read(text, "m.csv", &opts()).unwrap();
        assert_eq!(m.scenarios.len(), 2);
        let c = &m.claims[0];
        assert_eq!(c.rationale.as_deref(), Some("all"));
        assert_eq!(
            c.scenario_rationale,
            [(0, "fits".to_string()), (1, "does not fit".to_string())]
        );
        let bad = text.replace("rationale:protest", "rationale:nope");
        let errs = read(&bad, "m.csv", &opts()).unwrap_err();
        assert!(errs[0]
            .message
            .contains("`nope` is not one of the scenario columns"));
    }

    #[test]
    fn cell_spans_skip_quotes() {
        let t = "a,\"b,\"\"c\",d\n";
        assert_eq!(&t[field_span(t, 0, b',', 1)], "\"b,\"\"c\"");
        assert_eq!(&t[field_span(t, 0, b',', 2)], "d");
        assert_eq!(field_span(t, 0, b',', 5), 11..11);
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(27), "AB");
    }
}
