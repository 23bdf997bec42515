//! The diff as GitHub Actions workflow commands (`diff --format github`): a
//! notice with the headline, then one on each claim added or revised, at its
//! file and line on the later side, so a pull request shows them beside the
//! changed lines. Removed claims have no line on the later side: their
//! notices name no file.

use super::*;
use crate::report::views::diagnostics::{esc_data, esc_prop};

/// `locate(id)`: the claim's file (workspace-relative) and 1-based line on
/// the later side.
pub(crate) fn to_github(d: &Diff, locate: &dyn Fn(&str) -> Option<(String, usize)>) -> String {
    let mut o = String::new();
    let mut notice = |place: Option<(String, usize)>, title: &str, msg: &str| {
        let mut props = Vec::new();
        if let Some((file, line)) = place {
            props.push(format!("file={},line={line}", esc_prop(&file)));
        }
        props.push(format!("title={}", esc_prop(title)));
        let _ = writeln!(o, "::notice {}::{}", props.join(","), esc_data(msg));
    };
    notice(
        None,
        &format!("kzclaims diff {} → {}", d.from.label, d.to.label),
        &if d.changed {
            headline(d)
        } else {
            "No changes.".to_string()
        },
    );
    let r = &d.record;
    for c in &r.claims_added {
        notice(
            locate(&c.id),
            &format!("Claim added: {}", c.id),
            &format!("{}: {}", c.date, c.statement),
        );
    }
    for c in &r.claims_revised {
        let mut msg = fields_text(&c.fields);
        for n in &c.notes {
            msg.push_str(&format!("\nnote {n}"));
        }
        notice(locate(&c.id), &format!("Claim revised: {}", c.id), &msg);
    }
    for c in &r.claims_removed {
        notice(
            None,
            &format!("Claim removed: {}", c.id),
            &format!("{}: {}", c.date, c.statement),
        );
    }
    o
}
