//! PARC ACH 2.0 project files (`.achz`): gzip-compressed XML, usually UTF-16.
//! Reads one into a [`Matrix`] and writes a workspace's matrix as one.
//! Element structure and grade mapping: docs/interop.md.

use super::{slugify, Ids, Level3, Matrix, NewClaim, NewScenario, NewSource, Origin};
use crate::diag::{Code, Diagnostic};
use crate::engine::state;
use crate::model::{EngineKind, Rating, Reliability, SourceKind, Status, Workspace};
use chrono::{DateTime, NaiveDate};
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;
use roxmltree::Node;
use std::io::{Read, Write};

/// Options for reading: the date given on the command line for evidence
/// without one, and the file's stem (names the import note source).
#[derive(Debug, Clone, Default)]
pub(crate) struct ReadOptions {
    pub date: Option<NaiveDate>,
    pub stem: String,
}

/// The most an `.achz` may inflate to: 64 MiB. A PARC ACH project is a few
/// hundred kilobytes of XML; the cap stops a compressed bomb (a megabyte that
/// inflates to gigabytes) before it takes the memory (docs/interop.md).
pub(crate) const MAX_INFLATED: u64 = 64 << 20;

/// Uncompress a gzip stream (several members are read as one), streamed and
/// stopped at [`MAX_INFLATED`] bytes.
pub(crate) fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    gunzip_capped(bytes, MAX_INFLATED)
}

fn gunzip_capped(bytes: &[u8], cap: u64) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut dec = flate2::read::MultiGzDecoder::new(bytes);
    let unreadable = |e: std::io::Error| format!("not a readable gzip stream: {e}");
    (&mut dec)
        .take(cap)
        .read_to_end(&mut out)
        .map_err(unreadable)?;
    if dec.read(&mut [0u8; 1]).map_err(unreadable)? > 0 {
        return Err(format!(
            "it inflates to more than {} MiB, the most an .achz may hold (a PARC ACH project is far smaller; this looks like a compressed bomb)",
            cap >> 20
        ));
    }
    Ok(out)
}

/// Decode text by its byte-order mark (UTF-8, UTF-16 LE or BE); without one,
/// UTF-16 is recognised by the zero bytes of ASCII characters, else UTF-8.
pub(crate) fn decode_text(bytes: &[u8]) -> Result<String, String> {
    let (enc, body) = match encoding_rs::Encoding::for_bom(bytes) {
        Some((enc, bom_len)) => (enc, &bytes[bom_len..]),
        None => {
            let enc = match bytes {
                [0, b, ..] if *b != 0 => encoding_rs::UTF_16BE,
                [a, 0, ..] if *a != 0 => encoding_rs::UTF_16LE,
                _ => encoding_rs::UTF_8,
            };
            (enc, bytes)
        }
    };
    let (text, had_errors) = enc.decode_without_bom_handling(body);
    if had_errors {
        let at = if enc == encoding_rs::UTF_8 {
            std::str::from_utf8(body)
                .err()
                .map(|e| format!(" at byte {}", e.valid_up_to()))
                .unwrap_or_default()
        } else {
            String::new()
        };
        return Err(format!("the text is not valid {}{at}", enc.name()));
    }
    Ok(text.into_owned())
}

fn is(n: &Node<'_, '_>, name: &str) -> bool {
    n.is_element() && n.tag_name().name().eq_ignore_ascii_case(name)
}

fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children().find(|c| is(c, name))
}

/// The text of an element (text and CDATA of all its descendants), trimmed.
fn text_of(n: Option<Node<'_, '_>>) -> String {
    n.map(|n| {
        n.descendants()
            .filter(|d| d.is_text())
            .filter_map(|d| d.text())
            .collect::<String>()
            .trim()
            .to_string()
    })
    .unwrap_or_default()
}

/// A PARC date: epoch milliseconds (0 or empty: none); a `YYYY-MM-DD` is
/// accepted too. `Err` holds the text that could not be read.
fn parse_date(s: &str) -> Result<Option<NaiveDate>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if let Ok(ms) = s.parse::<i64>() {
        if ms == 0 {
            return Ok(None);
        }
        return DateTime::from_timestamp_millis(ms)
            .map(|d| Some(d.date_naive()))
            .ok_or_else(|| s.to_string());
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| s.to_string())
}

/// The kzclaims source kind closest to a PARC evidence TYPE.
fn kind_of_type(t: &str) -> SourceKind {
    let t = t.to_ascii_lowercase();
    let has = |w: &[&str]| w.iter().any(|x| t.contains(x));
    if has(&["social"]) {
        SourceKind::Social
    } else if has(&["osint", "open source", "press", "media", "news"]) {
        SourceKind::Media
    } else if has(&["official", "government", "diplomatic", "statement"]) {
        SourceKind::Official
    } else if has(&["humint", "witness", "interview"]) {
        SourceKind::Eyewitness
    } else if has(&["assumption", "deduction", "logic", "analysis", "absence"]) {
        SourceKind::Analysis
    } else if has(&["ngo"]) {
        SourceKind::Ngo
    } else {
        SourceKind::Other
    }
}

/// Short label of a piece of evidence for messages: `EVIDENCE 3 ("First words…")`.
fn evidence_label(n: usize, name: &str) -> String {
    let mut short: String = name.chars().take(40).collect();
    if name.chars().count() > 40 {
        short.push('…');
    }
    format!("EVIDENCE {n} (\"{short}\")")
}

/// Read a PARC ACH project from the bytes of an `.achz` (or of its XML
/// uncompressed). Every problem is collected; `Err` holds them all, each an
/// E030 naming `file` (an `.achz` is compressed: there are no lines to
/// quote).
pub(crate) fn read(
    bytes: &[u8],
    file: &str,
    opts: &ReadOptions,
) -> Result<Matrix, Vec<Diagnostic>> {
    let diagnostics = |errors: Vec<String>| -> Vec<Diagnostic> {
        errors
            .into_iter()
            .map(|e| Diagnostic::error(Code::E030, e).in_file(file))
            .collect()
    };
    read_errors(bytes, file, opts).map_err(diagnostics)
}

/// [`read`], its problems as messages.
fn read_errors(bytes: &[u8], file: &str, opts: &ReadOptions) -> Result<Matrix, Vec<String>> {
    let xml = if bytes.starts_with(&[0x1f, 0x8b]) {
        gunzip(bytes).map_err(|e| vec![e])?
    } else {
        bytes.to_vec()
    };
    let text = decode_text(&xml).map_err(|e| vec![e])?;
    let doc = roxmltree::Document::parse_with_options(
        &text,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .map_err(|e| vec![format!("not well-formed XML: {e}")])?;
    let root = doc.root_element();
    let find = |name: &str| root.descendants().find(|d| is(d, name));
    let matrix_el = find("MATRIX").unwrap_or(root);
    let mut m = Matrix {
        format: "PARC ACH",
        file: file.to_string(),
        engine: EngineKind::Ach,
        ..Default::default()
    };
    let title = text_of(find("PROJECT-TITLE"));
    m.title = (!title.is_empty()).then_some(title);
    let marking = text_of(find("CLASSIFICATION"));
    m.marking = (!marking.is_empty()).then_some(marking);
    let mut errors = Vec::new();
    // The project's own date, for evidence without one.
    let file_date = match parse_date(&text_of(child(root, "DATE"))) {
        Ok(d) => d,
        Err(s) => {
            errors.push(format!("the project DATE `{s}` is not epoch milliseconds"));
            None
        }
    };
    hypotheses(matrix_el, &mut m);
    if m.scenarios.is_empty() && errors.is_empty() {
        errors.push("no MATRIX/HYPOTHESIS elements: nothing to import".into());
    }
    let (note_id, file_name) = super::import_note(&opts.stem, file);
    let mut r = Evidence {
        m,
        errors,
        undated: Vec::new(),
        claim_ids: Ids::default(),
        note_id,
        file_name,
        date: opts.date,
        file_date,
    };
    for (i, e) in matrix_el
        .children()
        .filter(|c| is(c, "EVIDENCE"))
        .enumerate()
    {
        r.evidence(e, i + 1);
    }
    let Evidence {
        m,
        mut errors,
        undated,
        ..
    } = r;
    if !undated.is_empty() {
        let list: Vec<String> = undated.iter().map(|n| n.to_string()).collect();
        errors.push(format!(
            "EVIDENCE {} ha{} no DATE and the project has none: pass --date YYYY-MM-DD for the day {} entered the record (the day of the import is not used)",
            list.join(", "),
            if undated.len() == 1 { "s" } else { "ve" },
            if undated.len() == 1 { "it" } else { "they" },
        ));
    }
    if errors.is_empty() {
        Ok(m)
    } else {
        Err(errors)
    }
}

/// The MATRIX's HYPOTHESIS elements, as scenarios of `m`, in order (a
/// nameless one is kept under a made-up name: VALUES are matched to
/// hypotheses by position).
fn hypotheses(matrix_el: Node<'_, '_>, m: &mut Matrix) {
    let mut scenario_ids = Ids::default();
    for (i, h) in matrix_el
        .children()
        .filter(|c| is(c, "HYPOTHESIS"))
        .enumerate()
    {
        let n = i + 1;
        let mut name = text_of(child(h, "NAME"));
        if name.is_empty() {
            name = format!("Hypothesis {n}");
            m.warnings
                .push(format!("HYPOTHESIS {n} has no NAME; called \"{name}\""));
        }
        let title = name.lines().next().unwrap_or(&name).trim().to_string();
        m.scenarios.push(NewScenario {
            id: scenario_ids.unique(&slugify(&name, 40), &format!("h{n}")),
            title,
            summary: name,
            origin: Origin {
                label: format!("HYPOTHESIS {n}"),
                span: None,
            },
        });
    }
}

/// The reading of a project's EVIDENCE elements, one at a time, into the
/// matrix's claims and sources.
struct Evidence {
    m: Matrix,
    errors: Vec<String>,
    /// The numbers of the evidence with no date at all.
    undated: Vec<usize>,
    claim_ids: Ids,
    /// The import note source (for evidence that names no source).
    note_id: String,
    file_name: String,
    /// `--date`, then the project's DATE: for evidence without a DATE.
    date: Option<NaiveDate>,
    file_date: Option<NaiveDate>,
}

impl Evidence {
    /// EVIDENCE number `n` (from 1): a claim, or its errors.
    fn evidence(&mut self, e: Node<'_, '_>, n: usize) {
        let n_hyp = self.m.scenarios.len();
        let mut name = text_of(child(e, "NAME"));
        if name.is_empty() {
            let code = text_of(child(e, "CODE"));
            name = if code.is_empty() {
                format!("Evidence {n}")
            } else {
                format!("Evidence {code}")
            };
            self.m.warnings.push(format!(
                "EVIDENCE {n} has no NAME; its statement is \"{name}\""
            ));
        }
        let label = evidence_label(n, &name);
        let values_text = text_of(child(e, "VALUES"));
        let values: Vec<&str> = if values_text.is_empty() {
            vec![]
        } else {
            values_text.split(',').map(str::trim).collect()
        };
        if values.len() != n_hyp {
            self.errors.push(format!(
                "{label}: VALUES has {} value{} for {n_hyp} hypothes{}",
                values.len(),
                if values.len() == 1 { "" } else { "s" },
                if n_hyp == 1 { "is" } else { "es" }
            ));
            return;
        }
        let ratings = self.ratings(&label, &values);
        let grade = |el: &str| -> Result<Level3, String> {
            let t = text_of(child(e, el));
            if t.is_empty() {
                return Ok(Level3::Medium);
            }
            Level3::parse(&t)
                .ok_or_else(|| format!("{label}: {el} `{t}` is not HIGH, MEDIUM or LOW"))
        };
        let cred = grade("CREDIBILITY").map_err(|x| self.errors.push(x)).ok();
        let rel = grade("RELEVANCE").map_err(|x| self.errors.push(x)).ok();
        let date = match parse_date(&text_of(child(e, "DATE"))) {
            Ok(Some(d)) => Some(d),
            Ok(None) => match self.date.or(self.file_date) {
                Some(d) => Some(d),
                None => {
                    self.undated.push(n);
                    None
                }
            },
            Err(s) => {
                self.errors
                    .push(format!("{label}: DATE `{s}` is not epoch milliseconds"));
                None
            }
        };
        let (Some(cred), Some(rel), Some(date)) = (cred, rel, date) else {
            return;
        };
        if ratings.len() != n_hyp {
            return;
        }
        let ty = text_of(child(e, "TYPE"));
        let link = text_of(child(e, "LINK"));
        let code = text_of(child(e, "CODE"));
        let flag = text_of(child(e, "FLAG"));
        let (notes, scenario_rationale) =
            split_notes(&text_of(child(e, "NOTES")), &self.m.scenarios);
        let (source, url) = self.source(&link, kind_of_type(&ty));
        let mut tags = Vec::new();
        let ty_tag = slugify(&ty, 40);
        if !ty_tag.is_empty() {
            tags.push(ty_tag);
        }
        if matches!(flag.to_ascii_lowercase().as_str(), "1" | "true" | "yes") {
            tags.push("flagged".to_string());
        }
        let code_slug = slugify(&code, 60);
        let base = if !code_slug.is_empty() {
            code_slug
        } else {
            slugify(&name, 40)
        };
        self.m.claims.push(NewClaim {
            id: self.claim_ids.unique(&base, &format!("e{n}")),
            date,
            statement: name,
            sources: vec![source],
            url,
            credibility: cred.credibility(),
            credibility_note: Some(format!("PARC credibility {}", cred.as_str())),
            relevance: rel.relevance(),
            ratings,
            rationale: (!notes.is_empty()).then_some(notes),
            scenario_rationale,
            tags,
            group: None,
            origin: Origin { label, span: None },
        });
    }

    /// An evidence's VALUES as ratings (an empty one is NA, with a warning;
    /// one that is not a rating is an error and left out).
    fn ratings(&mut self, label: &str, values: &[&str]) -> Vec<Rating> {
        let mut ratings = Vec::with_capacity(values.len());
        for (j, v) in values.iter().enumerate() {
            if v.is_empty() {
                self.m.warnings.push(format!(
                    "{label}: no value for hypothesis {}; read as NA",
                    j + 1
                ));
                ratings.push(Rating::NA);
                continue;
            }
            match Rating::parse(v) {
                Some(r) => ratings.push(r),
                None => self.errors.push(format!(
                    "{label}: value `{v}` for hypothesis {} is not one of C C, C, N, I, I I, NA",
                    j + 1
                )),
            }
        }
        ratings
    }

    /// The source an evidence's LINK names (its site, or the link as a
    /// name; the import note when there is none), added to the matrix; and
    /// the claim's url.
    fn source(&mut self, link: &str, kind: SourceKind) -> (String, Option<String>) {
        let m = &mut self.m;
        if let Some(host) = url_host(link) {
            let scheme = if link.starts_with("https") {
                "https"
            } else {
                "http"
            };
            let id = m.add_source(NewSource {
                id: slugify(host.trim_start_matches("www."), 40),
                name: host.to_string(),
                url: Some(format!("{scheme}://{host}")),
                kind,
                reliability: Reliability::F,
                note: "PARC ACH grades no sources".into(),
            });
            (id, Some(link.to_string()))
        } else if !link.is_empty() && !slugify(link, 40).is_empty() {
            let id = m.add_source(NewSource {
                id: slugify(link, 40),
                name: link.to_string(),
                url: None,
                kind,
                reliability: Reliability::F,
                note: "PARC ACH grades no sources".into(),
            });
            (id, None)
        } else {
            let id = m.add_source(NewSource {
                id: self.note_id.clone(),
                name: format!("Imported from {} (PARC ACH)", self.file_name),
                url: None,
                kind: SourceKind::Other,
                reliability: Reliability::F,
                note: "evidence that names no source".into(),
            });
            (id, None)
        }
    }
}

/// The host of an http(s) URL, if `s` is one.
pub(crate) fn url_host(s: &str) -> Option<&str> {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then_some(host)
}

/// A PARC evidence TYPE for a claim: the kind of its first source.
fn type_of(ws: &Workspace, sources: &[String]) -> &'static str {
    match sources.first().and_then(|s| ws.source(s)).map(|s| s.kind) {
        Some(SourceKind::Media) => "Open Source",
        Some(SourceKind::Official) => "Official Statement",
        Some(SourceKind::Eyewitness) => "Eyewitness",
        Some(SourceKind::Analysis) => "Analysis",
        Some(SourceKind::Social) => "Social Media",
        Some(SourceKind::Ngo) => "NGO",
        Some(SourceKind::Other) | None => "Other",
    }
}

/// Write the matrix as of `date` as a PARC ACH project: XML (written with
/// quick-xml) encoded as UTF-16 LE with a byte-order mark, gzip-compressed
/// with no timestamp, so the same workspace gives the same bytes.
pub(crate) fn write(ws: &Workspace, date: NaiveDate) -> Vec<u8> {
    let xml = xml(ws, date);
    let mut utf16 = vec![0xff, 0xfe];
    for u in xml.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    gzip(&utf16)
}

/// gzip-compress with no file name and a zero timestamp.
pub(crate) fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).expect("writing to memory");
    gz.finish().expect("writing to memory")
}

/// The project XML (UTF-16 declared; the caller encodes it).
pub(crate) fn xml(ws: &Workspace, date: NaiveDate) -> String {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    write_xml(&mut w, ws, date).expect("writing to memory");
    String::from_utf8(w.into_inner()).expect("quick-xml writes UTF-8")
}

fn write_xml(w: &mut Writer<Vec<u8>>, ws: &Workspace, date: NaiveDate) -> std::io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-16"), None)))?;
    let el = |w: &mut Writer<Vec<u8>>, name: &str, text: &str| -> std::io::Result<()> {
        // XML 1.0 forbids most control characters, even escaped.
        w.create_element(name)
            .write_text_content(BytesText::new(&crate::report::escape::xml_text(text)))?;
        Ok(())
    };
    w.create_element("PROJECT").write_inner_content(|w| {
        el(w, "PROJECT-TITLE", &ws.config.title)?;
        el(w, "CLASSIFICATION", &ws.config.memo.marking)?;
        w.create_element("MATRIX").write_inner_content(|w| {
            for s in &ws.scenarios {
                w.create_element("HYPOTHESIS")
                    .write_inner_content(|w| el(w, "NAME", s.title_as_of(date)))?;
            }
            for st in state::record_as_of(ws, date) {
                if st.status == Status::Retracted {
                    continue;
                }
                let c = &ws.claims[st.claim];
                let values: Vec<&str> = st.ratings.iter().map(|r| parc_value(*r)).collect();
                let ms = c
                    .date
                    .and_hms_opt(0, 0, 0)
                    .expect("midnight exists")
                    .and_utc()
                    .timestamp_millis();
                let notes = notes_text(ws, c);
                w.create_element("EVIDENCE").write_inner_content(|w| {
                    el(w, "NAME", st.statement(ws))?;
                    el(w, "NOTES", &notes)?;
                    el(w, "LINK", st.url(ws).unwrap_or(""))?;
                    el(w, "TYPE", type_of(ws, st.sources(ws)))?;
                    el(w, "DATE", &ms.to_string())?;
                    el(w, "CODE", &c.id)?;
                    let flag = c.tags.iter().any(|t| t == "flagged");
                    el(w, "FLAG", if flag { "1" } else { "0" })?;
                    el(w, "VALUES", &values.join(","))?;
                    el(
                        w,
                        "CREDIBILITY",
                        Level3::of_credibility(st.credibility).as_str(),
                    )?;
                    el(w, "RELEVANCE", Level3::of_relevance(st.relevance).as_str())
                })?;
            }
            Ok(())
        })?;
        Ok(())
    })?;
    Ok(())
}

/// A claim's rationale as PARC NOTES: the claim-wide text first, then one
/// line per rated scenario, `<hypothesis name>: text`, in the scenarios'
/// order ([`split_notes`] reads it back; docs/interop.md).
pub(crate) fn notes_text(ws: &Workspace, c: &crate::model::Claim) -> String {
    let mut lines: Vec<String> = Vec::new();
    if let Some(t) = c.rationale.get("") {
        lines.push(t.clone());
    }
    for s in &ws.scenarios {
        if let Some(t) = c.rationale.get(&s.id) {
            lines.push(format!("{}: {t}", s.title));
        }
    }
    lines.join("\n")
}

/// PARC NOTES split into the claim-wide text and the rationale of each
/// hypothesis: a line starting with a hypothesis name and `: ` opens that
/// hypothesis' rationale (the longest name wins); other lines continue the
/// text before them.
fn split_notes(notes: &str, scenarios: &[NewScenario]) -> (String, Vec<(usize, String)>) {
    let mut wide: Vec<&str> = Vec::new();
    let mut per: Vec<(usize, String)> = Vec::new();
    for line in notes.lines() {
        let opens = scenarios
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.title.is_empty())
            .filter_map(|(j, s)| {
                line.strip_prefix(s.title.as_str())
                    .and_then(|r| r.strip_prefix(": "))
                    .map(|rest| (j, s.title.len(), rest))
            })
            .max_by_key(|(_, len, _)| *len);
        let opens = opens.filter(|(j, _, _)| !per.iter().any(|(k, _)| k == j));
        match (opens, per.last_mut()) {
            (Some((j, _, rest)), _) => per.push((j, rest.trim().to_string())),
            (None, Some((_, text))) => {
                text.push('\n');
                text.push_str(line);
            }
            (None, None) => wide.push(line),
        }
    }
    (wide.join("\n").trim().to_string(), per)
}

/// PARC's spelling of a rating.
pub(crate) fn parc_value(r: Rating) -> &'static str {
    match r {
        Rating::CC => "C C",
        Rating::C => "C",
        Rating::N => "N",
        Rating::I => "I",
        Rating::II => "I I",
        Rating::NA => "NA",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn notes_split_by_hypothesis_name() {
        let sc = |t: &str| NewScenario {
            id: slugify(t, 40),
            title: t.into(),
            summary: t.into(),
            origin: Origin::default(),
        };
        let scenarios = [sc("Coup"), sc("Coup: staged"), sc("Protest")];
        let notes = "Claim-wide.\nSecond line.\nCoup: staged: a purge\nProtest: crowds\nand looting\nCoup: fits";
        let (wide, per) = split_notes(notes, &scenarios);
        assert_eq!(wide, "Claim-wide.\nSecond line.");
        assert_eq!(
            per,
            [
                (1, "a purge".to_string()),
                (2, "crowds\nand looting".to_string()),
                (0, "fits".to_string())
            ]
        );
        assert_eq!(
            split_notes("just text", &scenarios),
            ("just text".into(), vec![])
        );
    }

    /// The cap docs/interop.md states is the one [`gunzip`] applies: 64 MiB
    /// of zeros pass, one byte more is refused.
    #[test]
    fn the_documented_cap_is_the_one_applied() {
        let doc = include_str!("../../docs/interop.md");
        let said = format!(
            "inflated as a stream and may inflate to at most **{} MiB**",
            MAX_INFLATED >> 20
        );
        assert!(
            doc.contains(&said),
            "docs/interop.md no longer says {said:?}"
        );
        let mut zeros = vec![0u8; MAX_INFLATED as usize];
        assert_eq!(gunzip(&gzip(&zeros)).unwrap().len(), zeros.len());
        zeros.push(0);
        let e = gunzip(&gzip(&zeros)).unwrap_err();
        assert!(e.contains("more than 64 MiB"), "{e}");
    }

    #[test]
    fn inflation_stops_at_the_cap() {
        let big = gzip(&vec![b'x'; 3 << 20]);
        assert!(big.len() < 100_000);
        let e = gunzip_capped(&big, 2 << 20).unwrap_err();
        assert!(e.contains("more than 2 MiB"), "{e}");
        assert_eq!(gunzip_capped(&big, 3 << 20).unwrap().len(), 3 << 20);
    }

    use super::*;

    fn utf16le_bom(s: &str) -> Vec<u8> {
        let mut v = vec![0xff, 0xfe];
        for u in s.encode_utf16() {
            v.extend_from_slice(&u.to_le_bytes());
        }
        v
    }

    fn utf16be(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect()
    }

    const DOC: &str = r#"<?xml version="1.0" encoding="UTF-16"?>
<ACH-PROJECT>
  <PROJECT-TITLE>Will it rain?</PROJECT-TITLE>
  <CLASSIFICATION>UNCLASSIFIED</CLASSIFICATION>
  <MATRIX>
    <HYPOTHESIS><NAME>Rain</NAME></HYPOTHESIS>
    <HYPOTHESIS><NAME>Дождя не будет</NAME></HYPOTHESIS>
    <EVIDENCE>
      <NAME>Clouds &amp; wind</NAME><NOTES>seen at noon</NOTES>
      <LINK>https://www.example.org/obs?id=1</LINK><TYPE>HUMINT</TYPE>
      <DATE>1641340800000</DATE><CODE>E1</CODE><FLAG>1</FLAG>
      <VALUES>C C, I I</VALUES><CREDIBILITY>HIGH</CREDIBILITY><RELEVANCE>LOW</RELEVANCE>
    </EVIDENCE>
    <EVIDENCE>
      <NAME><![CDATA[Forecast <dry>]]></NAME>
      <DATE>0</DATE><VALUES>I,NA</VALUES><CREDIBILITY>low</CREDIBILITY>
    </EVIDENCE>
  </MATRIX>
</ACH-PROJECT>"#;

    fn opts(date: Option<&str>) -> ReadOptions {
        ReadOptions {
            date: date.map(|d| d.parse().unwrap()),
            stem: "weather".into(),
        }
    }

    #[test]
    fn decodes_every_encoding() {
        for bytes in [
            DOC.as_bytes().to_vec(),
            [&[0xef, 0xbb, 0xbf][..], DOC.as_bytes()].concat(),
            utf16le_bom(DOC),
            utf16be(DOC),
            [&[0xfe, 0xff][..], &utf16be(DOC)].concat(),
        ] {
            assert_eq!(decode_text(&bytes).unwrap(), DOC);
        }
        assert!(decode_text(b"\xff\xff\xfe").is_err());
    }

    #[test]
    fn reads_a_project() {
        let m = read(
            &gzip(&utf16le_bom(DOC)),
            "w.achz",
            &opts(Some("2022-02-01")),
        )
        .unwrap();
        assert_eq!(m.title.as_deref(), Some("Will it rain?"));
        assert_eq!(m.marking.as_deref(), Some("UNCLASSIFIED"));
        let ids: Vec<&str> = m.scenarios.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["rain", "dozhdia-ne-budet"]);
        let e1 = &m.claims[0];
        assert_eq!(e1.id, "e1");
        assert_eq!(e1.statement, "Clouds & wind");
        assert_eq!(e1.date.to_string(), "2022-01-05");
        assert_eq!(e1.ratings, [Rating::CC, Rating::II]);
        assert_eq!(e1.credibility.0, 2);
        assert_eq!(e1.relevance, crate::model::Relevance::Low);
        assert_eq!(e1.url.as_deref(), Some("https://www.example.org/obs?id=1"));
        assert_eq!(e1.sources, ["example-org"]);
        assert_eq!(e1.tags, ["humint", "flagged"]);
        assert_eq!(e1.rationale.as_deref(), Some("seen at noon"));
        let e2 = &m.claims[1];
        assert_eq!(e2.statement, "Forecast <dry>");
        assert_eq!(e2.id, "forecast-dry");
        assert_eq!(e2.date.to_string(), "2022-02-01");
        assert_eq!(e2.credibility.0, 4);
        assert_eq!(e2.relevance, crate::model::Relevance::Medium);
        assert_eq!(e2.sources, ["import-weather"]);
        assert_eq!(m.sources.len(), 2);
        assert_eq!(m.sources[0].kind, SourceKind::Eyewitness);
    }

    #[test]
    fn missing_dates_need_a_date() {
        let errs = read(DOC.as_bytes(), "w.achz", &opts(None)).unwrap_err();
        assert!(
            errs[0].message.contains("EVIDENCE 2 has no DATE"),
            "{errs:?}"
        );
        assert!(errs[0].message.contains("--date"), "{errs:?}");
        // The project's own DATE fills in.
        let with_date = DOC.replace(
            "<PROJECT-TITLE>",
            "<DATE>1643673600000</DATE><PROJECT-TITLE>",
        );
        let m = read(with_date.as_bytes(), "w.achz", &opts(None)).unwrap();
        assert_eq!(m.claims[1].date.to_string(), "2022-02-01");
    }

    #[test]
    fn reports_every_problem() {
        let bad = DOC
            .replace("C C, I I", "C C")
            .replace("<CREDIBILITY>low", "<CREDIBILITY>SOMEWHAT")
            .replace("I,NA", "I,X");
        let errs = read(bad.as_bytes(), "w.achz", &opts(Some("2022-02-01"))).unwrap_err();
        assert_eq!(errs.len(), 3, "{errs:?}");
        assert!(errs
            .iter()
            .all(|d| d.code == Code::E030 && d.file == "w.achz"));
        assert!(errs[0]
            .message
            .contains("VALUES has 1 value for 2 hypotheses"));
        assert!(errs[1].message.contains("value `X` for hypothesis 2"));
        assert!(errs[2].message.contains("CREDIBILITY `SOMEWHAT`"));
        assert!(read(b"\x1f\x8bnot gzip", "x", &opts(None)).is_err());
        assert!(read(b"<a><b></a>", "x", &opts(None)).unwrap_err()[0]
            .message
            .contains("XML"));
    }

    #[test]
    fn nameless_items_keep_their_place() {
        let doc = DOC
            .replace("<NAME>Rain</NAME>", "<NAME/>")
            .replace("<NAME>Clouds &amp; wind</NAME>", "");
        let m = read(doc.as_bytes(), "w.achz", &opts(Some("2022-02-01"))).unwrap();
        assert_eq!(m.scenarios[0].id, "hypothesis-1");
        assert_eq!(m.scenarios[1].id, "dozhdia-ne-budet");
        assert_eq!(m.claims[0].statement, "Evidence E1");
        assert_eq!(m.claims[0].ratings, [Rating::CC, Rating::II]);
        assert_eq!(m.warnings.len(), 2, "{:?}", m.warnings);
    }

    #[test]
    fn parc_values_round_trip() {
        for r in Rating::ALL {
            assert_eq!(Rating::parse(parc_value(r)), Some(r));
        }
    }
}
