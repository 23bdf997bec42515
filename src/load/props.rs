//! Property tests for the loader fed arbitrary text (issue 8, the fuzzing
//! properties run in-process): whatever a claims file or kzclaims.toml holds,
//! loading never panics, and every diagnostic names a file it was given with
//! a span that lies inside that file's text, on character boundaries, and
//! renders without panicking.

use super::from_files;
use crate::diag::DiagnosticRenderer;
use crate::model::SourceFile;
use proptest::prelude::*;

const CONFIG: &str = "title = \"T\"\nquestion = \"Q?\"\n";
const SCENARIOS: &str = "[[scenario]]\nid = \"a\"\ntitle = \"A\"\nsummary = \"S\"\nprior = 0.5\n\n[[scenario]]\nid = \"b\"\ntitle = \"B\"\nsummary = \"S\"\n";
const CLAIMS: &str = "[[source]]\nid = \"w\"\nname = \"W\"\nurl = \"https://w.example\"\nkind = \"media\"\nreliability = \"B\"\n\n[[claim]]\nid = \"c\"\ndate = 2024-03-03\nstatement = \"S\"\nsources = [\"w\"]\ncredibility = 2\n\n[claim.ratings]\na = \"C\"\nb = \"I\"\n\n[[claim.revision]]\ndate = 2024-03-04\nnote = \"n\"\nstatus = \"retracted\"\n";

/// Text that is TOML-like often enough to get past the parser: a valid file
/// with a random slice replaced by random TOML-ish or arbitrary characters.
fn mutated(base: &'static str) -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        "[\\[\\]{}=\",.:0-9a-z \\n#'-]{0,12}",
        any::<String>().prop_map(|s| s.chars().take(12).collect()),
        Just("\"javascript:x\"".to_string()),
        Just("2022-02-30".to_string()),
        Just("1e999".to_string()),
    ];
    (0..=base.len(), 0usize..16, pieces).prop_map(move |(at, cut, piece)| {
        let at = floor(base, at);
        let end = floor(base, (at + cut).min(base.len()));
        format!("{}{}{}", &base[..at], piece, &base[end..])
    })
}

fn floor(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn check(files: Vec<SourceFile>) {
    let texts = files.clone();
    if let Err(super::LoadError::Invalid { diagnostics, files }) = from_files(files) {
        assert!(!diagnostics.is_empty());
        let lookup = |rel: &str| texts.iter().find(|f| f.rel == rel).map(|f| f.text.as_str());
        for d in &diagnostics {
            if let Some(span) = &d.span {
                let text = lookup(&d.file)
                    .unwrap_or_else(|| panic!("{} names unknown file {:?}", d.code, d.file));
                assert!(span.start <= span.end && span.end <= text.len(), "{d:?}");
                assert!(text.is_char_boundary(span.start), "{d:?}");
                assert!(text.is_char_boundary(span.end), "{d:?}");
            }
            let source = |rel: &str| files.iter().find(|f| f.rel == rel).map(|f| f.text.as_str());
            let r = DiagnosticRenderer::new(false, &source);
            assert!(r.render(d).contains(d.code.as_str()));
        }
    }
}

fn ws(config: String, claims: String) -> Vec<SourceFile> {
    vec![
        SourceFile {
            rel: "kzclaims.toml".into(),
            text: config,
        },
        SourceFile {
            rel: "scenarios/s.toml".into(),
            text: SCENARIOS.into(),
        },
        SourceFile {
            rel: "claims/c.toml".into(),
            text: claims,
        },
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn any_claims_file_loads_or_is_refused_in_bounds(text in mutated(CLAIMS)) {
        check(ws(CONFIG.into(), text));
    }

    #[test]
    fn arbitrary_claims_text_loads_or_is_refused_in_bounds(text in any::<String>()) {
        check(ws(CONFIG.into(), text));
    }

    #[test]
    fn any_config_loads_or_is_refused_in_bounds(text in mutated(CONFIG)) {
        check(ws(text, CLAIMS.into()));
    }
}
