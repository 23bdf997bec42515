//! The memo rendered with arbitrary strings in every text field, in Markdown
//! and HTML: no panic, no `<script>` but the page's own and no link other than
//! http, https or mailto in the HTML, no live script link in the Markdown.
#![no_main]
use arbitrary::Arbitrary;
use kzclaims::report::memo::{context, render};
use kzclaims_fuzz::*;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

#[derive(Arbitrary, Debug)]
struct Text {
    title: String,
    question: String,
    organization: String,
    author: String,
    marking: String,
    scenarios: [(String, String, String, String); 2],
    source: (String, String, String, bool),
    claims: Vec<ClaimText>,
}

#[derive(Arbitrary, Debug)]
struct ClaimText {
    statement: String,
    url: String,
    safe_url: bool,
    rationale: String,
    tag: String,
    group: Option<u8>,
    revision: Option<(String, String)>,
    ratings: (u8, u8),
}

const RATINGS: [&str; 6] = ["CC", "C", "N", "I", "II", "NA"];

fn url(raw: &str, safe: bool) -> String {
    if safe {
        format!("https://example.org/{raw}")
    } else {
        raw.to_string()
    }
}

fuzz_target!(|t: Text| {
    let config = format!(
        "title = {}\nquestion = {}\nas_of = 2022-02-01\n[memo]\norganization = {}\nauthor = {}\nmarking = {}\n",
        q(&t.title), q(&t.question), q(&t.organization), q(&t.author), q(&t.marking)
    );
    let mut scen = String::new();
    for (i, (title, summary, proponent, indicator)) in t.scenarios.iter().enumerate() {
        scen += &format!(
            "[[scenario]]\nid = \"s{i}\"\ntitle = {}\nsummary = {}\nproponents = [{}]\n\n[[scenario.indicator]]\nid = \"i{i}\"\ntext = {}\ndue = 2022-03-01\nif_true = 0.8\nif_false = 0.3\n\n",
            q(title), q(summary), q(proponent), q(indicator)
        );
    }
    let (name, surl, origin, safe) = &t.source;
    let mut claims = format!(
        "[[source]]\nid = \"src\"\nname = {}\nurl = {}\nkind = \"media\"\nreliability = \"B\"\norigin = {}\n\n",
        q(name), q(&url(surl, *safe)), q(origin)
    );
    for (i, c) in t.claims.iter().take(6).enumerate() {
        let (r0, r1) = (
            RATINGS[c.ratings.0 as usize % 6],
            RATINGS[c.ratings.1 as usize % 6],
        );
        claims += &format!(
            "[[claim]]\nid = \"c{i}\"\ndate = 2022-01-{:02}\nstatement = {}\nsources = [\"src\"]\nurl = {}\ncredibility = 2\ntags = [{}]\nratings = {{ s0 = \"{r0}\", s1 = \"{r1}\" }}\nrationale = {{ s0 = {} }}\n",
            i + 1, q(&c.statement), q(&url(&c.url, c.safe_url)), q(&c.tag), q(&c.rationale)
        );
        if let Some(g) = c.group {
            claims += &format!("group = \"g{}\"\n", g % 3);
        }
        if let Some((note, statement)) = &c.revision {
            claims += &format!(
                "\n[[claim.revision]]\ndate = 2022-01-20\nnote = {}\nstatement = {}\n",
                q(note),
                q(statement)
            );
        }
        claims += "\n";
    }
    let files = vec![
        ("kzclaims.toml".to_string(), config.into_bytes()),
        ("scenarios/s.toml".to_string(), scen.into_bytes()),
        ("claims/c.toml".to_string(), claims.into_bytes()),
    ];
    let Some(ws) = load_checked(files) else {
        return;
    };
    let date = ws.config.as_of.unwrap_or_default();
    let a = kzclaims::engine::assess(&ws, date, ws.config.engine);
    // No workspace folder: the built-in templates.
    let root = Path::new("/nonexistent/kzclaims-fuzz");
    let ctx = context::memo_context(&ws, &a);
    let md = render::render(root, "memo.md", &ctx).expect("the built-in memo renders");
    assert_markdown_inert(&md);
    let ctx = context::with_visuals(ctx, &ws, &a);
    let html = render::render(root, "memo.html", &ctx).expect("the built-in page renders");
    let own = render::BUILTIN
        .iter()
        .find(|(n, _)| *n == "memo.html")
        .map(|(_, t)| t.to_ascii_lowercase().matches("<script").count())
        .unwrap();
    assert_html_inert(&html, own);
    let _ = kzclaims::report::memo::docx::render(&ctx);
});
