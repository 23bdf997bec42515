//! The Word memo: the same memo as the Markdown and HTML ones, written as a
//! `.docx` package (WordprocessingML parts in a zip) from the template context.
//!
//! Styles carry the names Word users expect (Title, Heading 1, Heading 2,
//! Table Grid, Hyperlink), so a house template can restyle the memo; the
//! marking is in the header and the footer of every page. The bytes are
//! deterministic: fixed part order, fixed zip timestamps, and no creation
//! date in the document properties.

use super::context::{Evidence, MemoContext};
use quick_xml::escape::escape;
use std::fmt::Write as _;
use std::io::Write as _;

/// XML-safe text: escaped, with the characters XML 1.0 forbids replaced
/// ([`crate::report::escape::xml_text`]).
fn x(s: &str) -> String {
    escape(&*crate::report::escape::xml_text(s)).into_owned()
}

/// A run of text, optionally bold or italic.
fn run(text: &str, bold: bool, italic: bool) -> String {
    let mut props = String::new();
    if bold {
        props.push_str("<w:b/>");
    }
    if italic {
        props.push_str("<w:i/>");
    }
    let props = if props.is_empty() {
        String::new()
    } else {
        format!("<w:rPr>{props}</w:rPr>")
    };
    format!(
        r#"<w:r>{props}<w:t xml:space="preserve">{}</w:t></w:r>"#,
        x(text)
    )
}

/// The document body and the hyperlinks it cites (relationship ids rId100…).
struct Body {
    xml: String,
    links: Vec<String>,
}

impl Body {
    fn para(&mut self, style: Option<&str>, runs: &str) {
        let ppr = style
            .map(|s| format!(r#"<w:pPr><w:pStyle w:val="{s}"/></w:pPr>"#))
            .unwrap_or_default();
        let _ = write!(self.xml, "<w:p>{ppr}{runs}</w:p>");
    }
    fn text(&mut self, style: Option<&str>, text: &str) {
        self.para(style, &run(text, false, false));
    }
    /// A hyperlink run; only http, https and mailto addresses become links.
    fn link(&mut self, url: &str, text: &str) -> String {
        if !crate::model::is_safe_url(url) {
            return run(text, false, false);
        }
        let id = format!("rId{}", 100 + self.links.len());
        self.links.push(url.to_string());
        format!(
            r#"<w:hyperlink r:id="{id}"><w:r><w:rPr><w:rStyle w:val="Hyperlink"/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r></w:hyperlink>"#,
            x(text)
        )
    }
    /// A table in the Table Grid style; `widths` in twentieths of a point.
    fn table(&mut self, header: &[&str], widths: &[u32], rows: &[Vec<String>]) {
        let cell = |t: &str, w: u32, bold: bool| {
            format!(
                r#"<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr><w:p>{}</w:p></w:tc>"#,
                run(t, bold, false)
            )
        };
        let mut t = String::from(
            r#"<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="5000" w:type="pct"/><w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>"#,
        );
        for w in widths {
            let _ = write!(t, r#"<w:gridCol w:w="{w}"/>"#);
        }
        t.push_str("</w:tblGrid>");
        t.push_str(r#"<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>"#);
        for (h, w) in header.iter().zip(widths) {
            t.push_str(&cell(h, *w, true));
        }
        t.push_str("</w:tr>");
        for r in rows {
            t.push_str(r#"<w:tr><w:trPr><w:cantSplit/></w:trPr>"#);
            for (c, w) in r.iter().zip(widths) {
                t.push_str(&cell(c, *w, false));
            }
            t.push_str("</w:tr>");
        }
        t.push_str("</w:tbl>");
        self.xml.push_str(&t);
    }
    fn evidence(&mut self, e: &Evidence) {
        let mut runs = run(&format!("{} ", e.id), true, false);
        runs.push_str(&run(
            &format!("({}, rated {}): {} ", e.date, e.rating, e.statement),
            false,
            false,
        ));
        runs.push_str(&run(&e.sources.join("; "), false, true));
        if let Some(r) = &e.rationale {
            runs.push_str(&run(&format!(". Why {}: ", e.rating), false, true));
            runs.push_str(&run(r, false, false));
        }
        if let Some(u) = &e.url {
            runs.push_str(&run(" ", false, false));
            runs.push_str(&self.link(u, u));
        }
        self.para(Some("ListParagraph"), &runs);
    }
}

/// "What changed since …" (`brief --since`), as the Markdown and HTML
/// templates show it.
fn since_section(b: &mut Body, since: &serde_json::Value) {
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    let list = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .map(|a| a.iter().map(text).collect())
            .unwrap_or_default()
    };
    b.text(
        Some("Heading1"),
        &format!("What changed since {}", text(&since["label"])),
    );
    b.text(None, &text(&since["summary"]));
    for m in list(&since["moves"]) {
        b.text(Some("ListParagraph"), &m);
    }
    let drivers = list(&since["drivers"]);
    if !drivers.is_empty() {
        b.text(None, "Claims that moved the assessment most:");
        for d in drivers {
            b.text(Some("ListParagraph"), &d);
        }
    }
}

fn body(ctx: &MemoContext) -> Body {
    let mut b = Body {
        xml: String::new(),
        links: Vec::new(),
    };
    heading(&mut b, ctx);
    bottom_line(&mut b, ctx);
    scenarios_ranked(&mut b, ctx);
    rests_on(&mut b, ctx);
    assumptions_and_gaps(&mut b, ctx);
    diagnostic_evidence(&mut b, ctx);
    indicators(&mut b, ctx);
    sources(&mut b, ctx);
    b
}

/// The title and the line under it (question, date, method, author), and a reconstruction's note.
fn heading(b: &mut Body, ctx: &MemoContext) {
    b.text(Some("Title"), &ctx.title);
    let mut meta = vec![
        format!("Question: {}", ctx.question),
        format!("As of: {}", ctx.as_of),
        format!(
            "Method: {}",
            if ctx.engine == "bayes" {
                "Bayesian update over ACH ratings"
            } else {
                "Analysis of Competing Hypotheses (weighted inconsistency)"
            }
        ),
    ];
    if let Some(a) = &ctx.author {
        meta.push(format!("Author: {a}"));
    }
    if let Some(o) = &ctx.organization {
        meta.push(format!("Organization: {o}"));
    }
    b.text(Some("Subtitle"), &meta.join(" · "));
    if let Some(r) = &ctx.reconstruction {
        b.para(None, &run(&r.sentence, true, false));
    }
}

/// Bottom line up front, and the key judgments.
fn bottom_line(b: &mut Body, ctx: &MemoContext) {
    b.text(Some("Heading1"), "Bottom line up front");
    b.text(None, &ctx.bluf);
    let mut conf = run(&ctx.confidence_title, true, false);
    conf.push_str(&run(
        format!(": {} {}", ctx.confidence_basis, ctx.cross_check).trim_end(),
        false,
        false,
    ));
    b.para(None, &conf);
    if ctx.engine == "bayes" && !ctx.dependence_note.is_empty() {
        b.text(None, &ctx.dependence_note);
    }
    if let Some(since) = &ctx.since {
        since_section(b, since);
    }

    b.text(Some("Heading1"), "Key judgments");
    for (k, s) in ctx.scenarios.iter().enumerate() {
        let mut runs = run(&format!("{}. {}", k + 1, s.title), true, false);
        runs.push_str(&run(&format!(": {}.", s.judgment), false, false));
        b.para(Some("ListParagraph"), &runs);
    }
}

/// The scenarios ranked, as a table.
fn scenarios_ranked(b: &mut Body, ctx: &MemoContext) {
    b.text(Some("Heading1"), "Scenarios ranked");
    let rows: Vec<Vec<String>> = ctx
        .scenarios
        .iter()
        .map(|s| {
            vec![
                s.rank.to_string(),
                s.title.clone(),
                s.percent.clone(),
                s.range.clone(),
                s.term.to_string(),
                s.weighted_inconsistency_text.clone(),
            ]
        })
        .collect();
    b.table(
        &[
            "Rank",
            "Scenario",
            "Probability",
            "Range",
            "Likelihood",
            "Weighted inconsistency",
        ],
        &[600, 4000, 1000, 1500, 1200, 1100],
        &rows,
    );
    b.text(
        None,
        &format!(
            "Range: lowest to highest {}, depending on how much the sources depend on each other. {}",
            if ctx.engine == "bayes" {
                "probability"
            } else {
                "Bayesian probability"
            },
            ctx.claims_note
        ),
    );
}

/// The claims the judgment rests on.
fn rests_on(b: &mut Body, ctx: &MemoContext) {
    b.text(Some("Heading1"), "What the judgment rests on");
    for r in &ctx.rests_on {
        b.text(None, &r.intro);
        for c in &r.claims {
            let mut runs = run(&c.id, true, false);
            runs.push_str(&run(
                &format!(" ({}, {} of the lead): {}", c.date, c.share, c.why),
                false,
                false,
            ));
            b.para(Some("ListParagraph"), &runs);
        }
    }
    if ctx.rests_on.is_empty() {
        b.text(
            None,
            "No claim yet carries a lead over the next explanation.",
        );
    }
    if !ctx.rests_on_note.is_empty() {
        b.text(None, &ctx.rests_on_note);
    }
}

/// Key assumptions, what we do not know, and what would change the judgment.
fn assumptions_and_gaps(b: &mut Body, ctx: &MemoContext) {
    let sec = &ctx.sections;
    b.text(Some("Heading1"), "Key assumptions");
    for x in &sec.assumptions {
        let mut t = x.text.clone();
        if !x.scenarios.is_empty() {
            t.push_str(&format!(" Depends on it: {}.", x.scenarios.join("; ")));
        }
        if let Some(br) = &x.breaks {
            t.push_str(&format!(" Would break it: {br}"));
        }
        b.text(Some("ListParagraph"), &t);
    }
    if sec.assumptions.is_empty() {
        b.text(None, "No key assumptions are recorded for this question.");
    }
    b.text(Some("Heading1"), "What we do not know");
    for u in &sec.unknowns {
        b.text(Some("ListParagraph"), u);
    }
    if sec.unknowns.is_empty() {
        b.text(None, "No gaps are recorded for this question.");
    }
    b.text(Some("Heading1"), "What would change our judgment");
    for w in &sec.would_change {
        b.text(Some("ListParagraph"), w);
    }
    if sec.would_change.is_empty() {
        b.text(None, "Nothing in the record yet separates the explanations, so any evidence that tells them apart would shape the judgment.");
    }
}

/// The most diagnostic evidence, scenario by scenario.
fn diagnostic_evidence(b: &mut Body, ctx: &MemoContext) {
    b.text(Some("Heading1"), "The most diagnostic evidence");
    for s in &ctx.scenarios {
        b.text(Some("Heading2"), &s.title);
        b.text(None, &s.summary);
        for (side, items) in [("For:", &s.support), ("Against:", &s.against)] {
            if items.is_empty() {
                continue;
            }
            b.para(None, &run(side, true, false));
            for e in items {
                b.evidence(e);
            }
        }
        if s.support.is_empty() && s.against.is_empty() {
            b.text(None, "No diagnostic evidence bears on this scenario yet.");
        }
    }
}

/// The indicators to watch, and the calibration's lead.
fn indicators(b: &mut Body, ctx: &MemoContext) {
    b.text(Some("Heading1"), "Indicators to watch");
    b.text(None, &ctx.collect.lead);
    for (k, i) in ctx.collect.top.iter().enumerate() {
        let mut runs = run(&format!("{}. {}", k + 1, i.text), true, false);
        if let Some(d) = &i.due {
            runs.push_str(&run(&format!(" (due {d})"), false, false));
        }
        runs.push_str(&run(&format!(": {}", i.detail), false, false));
        b.para(Some("ListParagraph"), &runs);
    }
    for line in &ctx.collect.blind {
        b.text(None, line);
    }
    if ctx.open_indicators.is_empty() {
        b.text(None, "No open indicators.");
    } else {
        b.para(None, &run("All open indicators:", true, false));
        for i in &ctx.open_indicators {
            let due = match (&i.due, i.overdue) {
                (Some(d), true) => format!("{d} (overdue): "),
                (Some(d), false) => format!("{d}: "),
                _ => String::new(),
            };
            b.text(
                Some("ListParagraph"),
                &format!("{due}{} ({})", i.text, i.discriminates),
            );
        }
    }

    if let Some(parts) = ctx.calibration.as_ref().and_then(|c| c.parts.as_ref()) {
        b.text(Some("Heading1"), "Calibration");
        b.text(None, &parts.lead);
    }
}

/// Sources and limits, how to read the numbers, and the sources cited.
fn sources(b: &mut Body, ctx: &MemoContext) {
    let sec = &ctx.sections;
    b.text(Some("Heading1"), "Sources and limits");
    for l in &sec.sources_limits {
        b.text(None, l);
    }
    if let Some(l) = &sec.limits {
        b.text(None, l);
    }

    b.text(Some("Heading1"), "How to read the numbers");
    for n in &ctx.reading_notes {
        b.text(Some("ListParagraph"), n);
    }

    b.text(Some("Heading1"), "Sources cited");
    for src in &ctx.sources {
        let kind = serde_json::to_value(src.kind)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        let mut runs = run(
            &format!(
                "{}: reliability {} ({}), {kind}{}",
                src.name,
                src.reliability,
                src.reliability_label,
                src.published
                    .as_deref()
                    .map(|d| format!(", published {d}"))
                    .unwrap_or_default()
            ),
            false,
            false,
        );
        if let Some(u) = &src.url {
            runs.push_str(&run(", ", false, false));
            runs.push_str(&b.link(u, u));
        }
        b.para(Some("ListParagraph"), &runs);
    }
}

const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;

fn styles() -> String {
    let heading = |id: &str, name: &str, size: u32, before: u32, level: u32| {
        format!(
            r#"<w:style w:type="paragraph" w:styleId="{id}"><w:name w:val="{name}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="9"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="{before}" w:after="80"/><w:outlineLvl w:val="{level}"/></w:pPr><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri"/><w:b/><w:color w:val="1F3864"/><w:sz w:val="{size}"/></w:rPr></w:style>"#
        )
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles {NS}><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Georgia" w:hAnsi="Georgia" w:cs="Georgia" w:eastAsia="Georgia"/><w:sz w:val="22"/><w:lang w:val="en-GB"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="60"/></w:pPr><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri"/><w:b/><w:sz w:val="40"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:rPr><w:color w:val="555555"/><w:sz w:val="20"/></w:rPr></w:style>{}{}<w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:ind w:left="360"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Header"><w:name w:val="header"/><w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="center"/></w:pPr><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri"/><w:b/><w:color w:val="205020"/><w:sz w:val="18"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Header"/></w:style><w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/><w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr></w:style><w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style><w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="18"/></w:rPr><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/></w:tblBorders></w:tblPr></w:style></w:styles>"#,
        heading("Heading1", "heading 1", 28, 360, 0),
        heading("Heading2", "heading 2", 24, 240, 1)
    )
}

fn marking_part(tag: &str, style: &str, marking: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:{tag} {NS}><w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{}</w:p></w:{tag}>"#,
        run(marking, false, false)
    )
}

/// The memo as a .docx package.
pub fn render(ctx: &MemoContext) -> Vec<u8> {
    let b = body(ctx);
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {NS}><w:body>{}<w:sectPr><w:headerReference w:type="default" r:id="rId2"/><w:footerReference w:type="default" r:id="rId3"/><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1418" w:right="1247" w:bottom="1418" w:left="1247" w:header="567" w:footer="567" w:gutter="0"/></w:sectPr></w:body></w:document>"#,
        b.xml
    );
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>"#,
    );
    for (k, url) in b.links.iter().enumerate() {
        let _ = write!(
            rels,
            r#"<Relationship Id="rId{}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="{}" TargetMode="External"/>"#,
            100 + k,
            x(url)
        );
    }
    rels.push_str("</Relationships>");
    let core = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:subject>{}</dc:subject><dc:creator>{}</dc:creator><cp:keywords>as of {}</cp:keywords></cp:coreProperties>"#,
        x(&ctx.title),
        x(&ctx.question),
        x(ctx.author.as_deref().unwrap_or("kzclaims")),
        x(&ctx.as_of)
    );
    let parts: [(&str, String); 8] = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>"#.to_string(),
        ),
        ("docProps/core.xml", core),
        (
            "docProps/app.xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>kzclaims</Application></Properties>"#.to_string(),
        ),
        ("word/document.xml", document),
        ("word/_rels/document.xml.rels", rels),
        ("word/styles.xml", styles()),
        ("word/header1.xml", marking_part("hdr", "Header", &ctx.marking)),
    ];
    let footer = (
        "word/footer1.xml",
        marking_part("ftr", "Footer", &ctx.marking),
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, text) in parts.iter().chain(std::iter::once(&footer)) {
        zip.start_file(*name, opts).expect("writing to memory");
        zip.write_all(text.as_bytes()).expect("writing to memory");
    }
    zip.finish().expect("writing to memory").into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine;
    use crate::model::EngineKind;
    use std::io::Read as _;

    /// The memo context of the small fixture as of its last record.
    fn context() -> MemoContext {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small");
        let ws = crate::load::Loader::new(&root).load().unwrap();
        let a = engine::assess(&ws, ws.default_as_of().unwrap(), EngineKind::Bayes);
        crate::report::context::memo_context(&ws, &a)
    }

    /// Every part of the package, by name, in the order written.
    fn parts(bytes: &[u8]) -> Vec<(String, String)> {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        (0..z.len())
            .map(|i| {
                let mut f = z.by_index(i).unwrap();
                let mut s = String::new();
                f.read_to_string(&mut s).unwrap();
                (f.name().unwrap().to_string(), s)
            })
            .collect()
    }

    fn part<'p>(parts: &'p [(String, String)], name: &str) -> &'p str {
        &parts.iter().find(|(n, _)| n == name).unwrap().1
    }

    const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

    /// The text of every paragraph with this style, in order.
    fn styled(doc: &roxmltree::Document, style: &str) -> Vec<String> {
        doc.descendants()
            .filter(|n| n.has_tag_name((W, "p")))
            .filter(|p| {
                p.descendants().any(|s| {
                    s.has_tag_name((W, "pStyle")) && s.attribute((W, "val")) == Some(style)
                })
            })
            .map(|p| {
                p.descendants()
                    .filter(|t| t.has_tag_name((W, "t")))
                    .filter_map(|t| t.text())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn every_part_is_well_formed_and_in_a_fixed_order() {
        let p = parts(&render(&context()));
        let names: Vec<&str> = p.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "[Content_Types].xml",
                "_rels/.rels",
                "docProps/core.xml",
                "docProps/app.xml",
                "word/document.xml",
                "word/_rels/document.xml.rels",
                "word/styles.xml",
                "word/header1.xml",
                "word/footer1.xml",
            ]
        );
        for (name, text) in &p {
            roxmltree::Document::parse(text)
                .unwrap_or_else(|e| panic!("{name} is not well-formed: {e}"));
        }
    }

    #[test]
    fn headings_and_the_ranking_table_are_there() {
        let ctx = context();
        let p = parts(&render(&ctx));
        let doc = roxmltree::Document::parse(part(&p, "word/document.xml")).unwrap();
        assert_eq!(styled(&doc, "Title"), std::slice::from_ref(&ctx.title));
        let h1 = styled(&doc, "Heading1");
        for h in [
            "Bottom line up front",
            "Key judgments",
            "Scenarios ranked",
            "Sources and limits",
            "Sources cited",
        ] {
            assert!(h1.iter().any(|x| x == h), "no heading {h:?} in {h1:?}");
        }
        // The ranking table: a header row, then one row per scenario, each
        // with its title and probability in the order of the context.
        let table = doc
            .descendants()
            .find(|n| n.has_tag_name((W, "tbl")))
            .expect("a table");
        let rows: Vec<Vec<String>> = table
            .children()
            .filter(|r| r.has_tag_name((W, "tr")))
            .map(|r| {
                r.children()
                    .filter(|c| c.has_tag_name((W, "tc")))
                    .map(|c| {
                        c.descendants()
                            .filter(|t| t.has_tag_name((W, "t")))
                            .filter_map(|t| t.text())
                            .collect()
                    })
                    .collect()
            })
            .collect();
        assert_eq!(rows.len(), ctx.scenarios.len() + 1);
        assert_eq!(rows[0][..3], ["Rank", "Scenario", "Probability"]);
        for (r, s) in rows[1..].iter().zip(&ctx.scenarios) {
            assert_eq!(r[0], s.rank.to_string());
            assert_eq!(r[1], s.title);
            assert_eq!(r[2], s.percent);
        }
    }

    #[test]
    fn the_since_block_is_shown_as_in_the_other_formats() {
        let mut ctx = context();
        ctx.since = Some(serde_json::json!({
            "label": "2024-01-03",
            "summary": "“A” still leads.",
            "moves": ["A: 29% → 40%"],
            "drivers": ["c2 (added): Seen. — pushed toward “A” (a small push)"],
        }));
        let p = parts(&render(&ctx));
        let doc = roxmltree::Document::parse(part(&p, "word/document.xml")).unwrap();
        let h1 = styled(&doc, "Heading1");
        let at = h1.iter().position(|h| h == "What changed since 2024-01-03");
        let kj = h1.iter().position(|h| h == "Key judgments");
        assert!(at.is_some() && at < kj, "{h1:?}");
        let items = styled(&doc, "ListParagraph");
        assert!(items.iter().any(|x| x == "A: 29% → 40%"), "{items:?}");
        assert!(
            items.iter().any(|x| x.ends_with("(a small push)")),
            "{items:?}"
        );
        // Without it there is no such section.
        let p = parts(&render(&context()));
        let doc = roxmltree::Document::parse(part(&p, "word/document.xml")).unwrap();
        assert!(!styled(&doc, "Heading1")
            .iter()
            .any(|h| h.starts_with("What changed since")));
    }

    #[test]
    fn hostile_text_is_escaped_and_only_safe_links_become_links() {
        let mut ctx = context();
        let hostile = "</w:t></w:r><w:r><w:t>owned & \"quoted\" 'x' ]]> \u{1}\u{fffe}";
        ctx.title = hostile.to_string();
        ctx.question = "<script>alert(1)</script>".to_string();
        ctx.marking = "SECRET</w:t>&amp;".to_string();
        ctx.author = Some("A & B <ab@example.org>".to_string());
        let p = parts(&render(&ctx));
        for (name, text) in &p {
            roxmltree::Document::parse(text)
                .unwrap_or_else(|e| panic!("{name} is not well-formed: {e}"));
            assert!(!text.contains("<script>"), "{name}");
        }
        let doc = roxmltree::Document::parse(part(&p, "word/document.xml")).unwrap();
        // The title reads back as written, but for the characters XML 1.0
        // forbids (U+0001, U+FFFE), which are replaced.
        let title = &styled(&doc, "Title")[0];
        assert!(
            title.starts_with("</w:t></w:r><w:r><w:t>owned & \"quoted\" 'x' ]]> "),
            "{title:?}"
        );
        assert!(
            !title.contains('\u{1}') && !title.contains('\u{fffe}'),
            "{title:?}"
        );
        let header = roxmltree::Document::parse(part(&p, "word/header1.xml")).unwrap();
        assert_eq!(styled(&header, "Header"), ["SECRET</w:t>&amp;"]);
        let core = roxmltree::Document::parse(part(&p, "docProps/core.xml")).unwrap();
        let creator = core
            .descendants()
            .find(|n| n.tag_name().name() == "creator")
            .and_then(|n| n.text());
        assert_eq!(creator, Some("A & B <ab@example.org>"));

        // A javascript: address is shown as text, never as a relationship.
        let mut b = Body {
            xml: String::new(),
            links: Vec::new(),
        };
        let bad = b.link("javascript:alert(1)", "click");
        assert!(!bad.contains("hyperlink") && b.links.is_empty(), "{bad}");
        let good = b.link("https://example.org/?a=1&b=<2>", "ok");
        assert!(good.contains(r#"r:id="rId100""#), "{good}");
        assert_eq!(b.links, ["https://example.org/?a=1&b=<2>"]);
    }

    #[test]
    fn same_context_same_bytes() {
        let ctx = context();
        let a = render(&ctx);
        assert_eq!(a, render(&ctx));
        assert_eq!(a, render(&context()));
        // Zip timestamps are fixed (1980-01-01, the zip epoch), not the clock.
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(&a)).unwrap();
        for i in 0..z.len() {
            let f = z.by_index(i).unwrap();
            let t = f.last_modified().unwrap();
            assert_eq!(
                (t.year(), t.month(), t.day()),
                (1980, 1, 1),
                "{:?}",
                f.name()
            );
        }
    }
}
