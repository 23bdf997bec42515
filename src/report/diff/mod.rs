//! `kzclaims diff` written out: text, Markdown, HTML, GitHub annotations, the
//! words shared by every format and by `brief --since` (`wording`), and the
//! memo redline (unified diff and word-level HTML). The diff itself (what changed and the
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

pub(crate) use github::*;
pub(crate) use redline::*;
pub(crate) use text::*;
pub(crate) use wording::*;

pub use html::to_html;
pub use markdown::to_markdown;
pub use redline::memo_unified;
pub use text::to_text;

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
