//! The loader fed arbitrary bytes as a claims file, beside a valid config and
//! scenarios: no panic, and every diagnostic's span lies inside its file.
#![no_main]
use kzclaims_fuzz::*;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let files = vec![
        ("kzclaims.toml".to_string(), CONFIG.as_bytes().to_vec()),
        (
            "scenarios/s.toml".to_string(),
            SCENARIOS.as_bytes().to_vec(),
        ),
        ("claims/fuzz.toml".to_string(), data.to_vec()),
    ];
    if let Some(ws) = load_checked(files) {
        // A workspace that loads also scores, at every date it names.
        let date = ws.config.as_of.unwrap_or_default();
        let a = kzclaims::engine::assess(&ws, date, ws.config.engine);
        let total: f64 = a.scores.iter().map(|s| s.probability).sum();
        assert!(a.scores.iter().all(|s| s.probability.is_finite()));
        assert!(
            (total - 1.0).abs() < 1e-9 || a.scores.is_empty(),
            "sum {total}"
        );
    }
});
