//! The load's progress bar: on a terminal only, never with `--quiet`, never
//! on a pipe. util-linux's `script` gives the command a terminal;
//! `KZCLAIMS_PROGRESS_AFTER_MS=0` shows the bar at once instead of after a
//! second, so that the small bundled workspace shows it.

use crate::common::*;

/// What `kzclaims ARGS` writes to its terminal (stdout is sent to /dev/null,
/// so this is stderr), in the bundled workspace.
fn on_a_terminal(args: &str) -> String {
    let bin = env!("CARGO_BIN_EXE_kzclaims");
    let out = std::process::Command::new("script")
        .args(["-qec", &format!("'{bin}' {args} > /dev/null"), "/dev/null"])
        .current_dir(repo_root())
        .env("KZCLAIMS_PROGRESS_AFTER_MS", "0")
        .env("NO_COLOR", "1")
        .env_remove("KZCLAIMS_WORKSPACE")
        .output()
        .expect("script (util-linux) runs");
    assert!(out.status.success(), "{args}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_load_shows_a_progress_bar_on_a_terminal_only() {
    if !tool_or_skip("script", "progress bar on a terminal") {
        return;
    }
    let shown = on_a_terminal("score");
    assert!(shown.contains("loading the workspace ["), "{shown:?}");
    // The bar only grows: its length is known before the first step. (How
    // many states are drawn depends on the machine's speed: indicatif draws
    // at most twenty times a second.)
    let percents: Vec<u32> = shown
        .split('%')
        .filter_map(|s| s.rsplit(' ').next()?.parse().ok())
        .collect();
    assert!(percents.windows(2).all(|w| w[0] <= w[1]), "{percents:?}");

    let quiet = on_a_terminal("--quiet score");
    assert!(!quiet.contains("loading the workspace"), "{quiet:?}");

    let piped = kz(&repo_root())
        .env("KZCLAIMS_PROGRESS_AFTER_MS", "0")
        .arg("score")
        .output()
        .unwrap();
    assert!(piped.status.success());
    assert!(!stderr(&piped).contains("loading the workspace"));
}
