//! The loader fed arbitrary bytes as kzclaims.toml, beside valid scenarios and
//! claims: no panic, every diagnostic's span inside its file, and a config
//! that loads gives finite probabilities that sum to 1.
#![no_main]
use kzclaims_fuzz::*;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let files = vec![
        ("kzclaims.toml".to_string(), data.to_vec()),
        (
            "scenarios/s.toml".to_string(),
            SCENARIOS.as_bytes().to_vec(),
        ),
        ("claims/c.toml".to_string(), CLAIMS.as_bytes().to_vec()),
    ];
    if let Some(ws) = load_checked(files) {
        let date = ws.config.as_of.unwrap_or_default();
        for engine in [
            kzclaims::model::EngineKind::Bayes,
            kzclaims::model::EngineKind::Ach,
        ] {
            let a = kzclaims::engine::assess(&ws, date, engine);
            let total: f64 = a.scores.iter().map(|s| s.probability).sum();
            assert!(a.scores.iter().all(|s| s.probability.is_finite()));
            assert!((total - 1.0).abs() < 1e-9, "sum {total}");
        }
    }
});
