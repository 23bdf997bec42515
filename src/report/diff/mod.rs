//! `kzclaims diff` written out: text, Markdown, HTML, GitHub annotations, the
//! words shared by every format and by `brief --since`, and the memo redline
//! (unified diff and word-level HTML). The diff itself (what changed and the
//! attribution of each move) is computed in [`crate::engine::diff`].

use crate::engine::diff::*;
use crate::report::format::percent;
use crate::report::table::{self, Line};
use std::fmt::Write;

mod github;
mod html;
mod markdown;
mod redline;
mod text;
mod wording;

pub use github::*;
pub use html::*;
pub use markdown::*;
pub use redline::*;
pub use text::*;
pub use wording::*;

// ---------------------------------------------------------------------------
// Words shared by every format and by `brief --since`.

fn title_of<'a>(d: &'a Diff, id: &'a str) -> &'a str {
    d.scenarios
        .iter()
        .find(|s| s.id == id)
        .map(|s| s.title.as_str())
        .unwrap_or(id)
}

/// The memo's "What changed since …" block, in the shape the built-in
/// templates read: `label`, `summary`, `moves` and `drivers` (strings), plus
/// `flipped` and `changed`.
pub fn since_block(d: &Diff) -> serde_json::Value {
    let mut summary = headline(d);
    if let Some(c) = record_counts(&d.record) {
        let _ = write!(summary, " Since then: {c}.");
    }
    let moves: Vec<String> = d
        .scenarios
        .iter()
        .filter(|m| m.moved())
        .map(|m| format!("{}: {}", m.title, move_text(m, d.engine)))
        .collect();
    let drivers: Vec<String> = d
        .attribution
        .parts
        .iter()
        .take(5)
        .map(|p| match &p.claim {
            Some(c) => format!(
                "{c} ({}): {} — {}",
                part_kind_text(p),
                p.statement.clone().unwrap_or_default(),
                part_effect(p, d.engine)
            ),
            None => format!(
                "the prior probabilities changed — {}",
                part_effect(p, d.engine)
            ),
        })
        .collect();
    serde_json::json!({
        "label": d.from.label,
        "changed": d.changed,
        "flipped": d.leader.flipped,
        "summary": summary,
        "moves": moves,
        "drivers": drivers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redline_marks_words() {
        let html = memo_redline_html(
            "# T\n\nThe odds were low.\n",
            "# T\n\nThe odds were high.\n",
        );
        assert!(html.contains("<div class=\"h1\">T</div>"));
        assert!(
            html.contains("<del>low.</del><ins>high.</ins></div>"),
            "{html}"
        );
        assert_eq!(memo_unified("a\n", "a\n", "x", "y"), "");
    }
}
