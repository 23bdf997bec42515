//! The memo redline: a unified diff for the terminal (coloured on request)
//! and a self-contained HTML page with word-level insertions and deletions.

use super::*;

/// A unified diff of the two memos (empty when they are the same).
pub fn memo_unified(before: &str, after: &str, from: &str, to: &str) -> String {
    if before == after {
        return String::new();
    }
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(from, to)
        .to_string()
}

/// Colour a unified diff for a terminal.
pub(crate) fn colorize_unified(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let code = if body.starts_with("+++") || body.starts_with("---") {
            "1"
        } else if body.starts_with('+') {
            "32"
        } else if body.starts_with('-') {
            "31"
        } else if body.starts_with("@@") {
            "36"
        } else {
            ""
        };
        if code.is_empty() {
            out.push_str(line);
        } else {
            let _ = write!(out, "\x1b[{code}m{body}\x1b[0m{nl}");
        }
    }
    out
}

pub(crate) use crate::report::escape::html as esc;

/// Light Markdown for one memo line in the redline: headings, list bullets,
/// `**bold**` and `*italic*`, table rows. Escapes everything else.
pub(crate) fn md_inline(s: &str) -> String {
    let e = esc(s);
    let mut out = String::new();
    let mut bold = false;
    let mut ital = false;
    let mut rest = e.as_str();
    while let Some(i) = rest.find('*') {
        out.push_str(&rest[..i]);
        if rest[i..].starts_with("**") {
            out.push_str(if bold { "</strong>" } else { "<strong>" });
            bold = !bold;
            rest = &rest[i + 2..];
        } else {
            out.push_str(if ital { "</em>" } else { "<em>" });
            ital = !ital;
            rest = &rest[i + 1..];
        }
    }
    out.push_str(rest);
    if ital {
        out.push_str("</em>");
    }
    if bold {
        out.push_str("</strong>");
    }
    out
}

/// Class and display text of a memo line (Markdown markers dropped).
pub(crate) fn line_kind(line: &str) -> (&'static str, &str) {
    let t = line.trim_end_matches('\n');
    if let Some(r) = t.strip_prefix("### ") {
        ("h3", r)
    } else if let Some(r) = t.strip_prefix("## ") {
        ("h2", r)
    } else if let Some(r) = t.strip_prefix("# ") {
        ("h1", r)
    } else if let Some(r) = t.strip_prefix("- ") {
        ("li", r)
    } else if t.starts_with('|') {
        ("tr", t)
    } else if t.trim().is_empty() {
        ("gap", "")
    } else {
        ("p", t)
    }
}

/// A passage is redlined word by word only when at least this share of the
/// words of its longer version is kept unchanged (spaces not counted); below
/// it, the old text is struck through whole and the new text follows whole
/// (docs/timeline.md, "Memo redline").
pub(crate) const WORDS_KEPT_FOR_WORD_REDLINE: f64 = 0.5;

/// The share of the words of the longer version that the word diff keeps
/// (1 when both are empty).
fn words_kept(words: &similar::TextDiff<'_, '_, str>, old: &str, new: &str) -> f64 {
    let count = |s: &str| s.split_whitespace().count();
    let longer = count(old).max(count(new));
    if longer == 0 {
        return 1.0;
    }
    let kept = words
        .iter_all_changes()
        .filter(|c| c.tag() == similar::ChangeTag::Equal && !c.value().trim().is_empty())
        .count();
    kept as f64 / longer as f64
}

/// One changed passage: word by word when the two versions are alike, else
/// the old text struck through followed by the new (interleaving words of two
/// unrelated sentences helps nobody read either).
pub(crate) fn redline_words(out: &mut String, old: &str, new: &str) {
    let words = similar::TextDiff::from_words(old, new);
    let clean = |s: &str| esc(s).replace('*', "");
    if words_kept(&words, old, new) < WORDS_KEPT_FOR_WORD_REDLINE {
        if !old.is_empty() {
            let _ = write!(out, "<del>{}</del>", clean(old));
        }
        if !old.is_empty() && !new.is_empty() {
            out.push('\n');
        }
        if !new.is_empty() {
            let _ = write!(out, "<ins>{}</ins>", clean(new));
        }
        return;
    }
    for ch in words.iter_all_changes() {
        let v = clean(ch.value());
        match ch.tag() {
            similar::ChangeTag::Equal => out.push_str(&v),
            similar::ChangeTag::Delete => {
                let _ = write!(out, "<del>{v}</del>");
            }
            similar::ChangeTag::Insert => {
                let _ = write!(out, "<ins>{v}</ins>");
            }
        }
    }
}

/// The whole memo with word-level insertions and deletions marked, as HTML
/// body content: unchanged lines lightly formatted, each changed passage one
/// block where deleted words are struck through and inserted words underlined.
pub(crate) fn memo_redline_html(before: &str, after: &str) -> String {
    let lines = similar::TextDiff::from_lines(before, after);
    let mut out = String::new();
    let mut old_block = String::new();
    let mut new_block = String::new();
    let flush = |out: &mut String, old_block: &mut String, new_block: &mut String| {
        if old_block.is_empty() && new_block.is_empty() {
            return;
        }
        out.push_str("<div class=\"chg\">");
        let old: Vec<&str> = old_block.lines().collect();
        let new: Vec<&str> = new_block.lines().collect();
        if old.len() == new.len() {
            // Line for line: each pair redlined on its own.
            for (k, (o, n)) in old.iter().zip(&new).enumerate() {
                if k > 0 {
                    out.push('\n');
                }
                redline_words(out, o, n);
            }
        } else {
            redline_words(out, &old.join("\n"), &new.join("\n"));
        }
        out.push_str("</div>\n");
        old_block.clear();
        new_block.clear();
    };
    for ch in lines.iter_all_changes() {
        match ch.tag() {
            similar::ChangeTag::Equal => {
                flush(&mut out, &mut old_block, &mut new_block);
                let (class, text) = line_kind(ch.value());
                if class == "gap" || text.starts_with("|---") {
                    continue;
                }
                let _ = writeln!(out, "<div class=\"{class}\">{}</div>", md_inline(text));
            }
            similar::ChangeTag::Delete => old_block.push_str(ch.value()),
            similar::ChangeTag::Insert => new_block.push_str(ch.value()),
        }
    }
    flush(&mut out, &mut old_block, &mut new_block);
    out
}

// ---------------------------------------------------------------------------
// Output formats.

#[cfg(test)]
mod tests {
    use super::*;

    fn red(old: &str, new: &str) -> String {
        let mut o = String::new();
        redline_words(&mut o, old, new);
        o
    }

    #[test]
    fn a_line_mostly_rewritten_is_struck_whole_and_replaced_whole() {
        // 2 of 8 words kept (25%): whole lines.
        let old = "The two methods agree on the leader here.";
        let new = "The evidence now favours a different explanation entirely.";
        assert_eq!(red(old, new), format!("<del>{old}</del>\n<ins>{new}</ins>"));
        // 7 of 8 words kept: word by word.
        let h = red(
            "The two methods agree on the leader here.",
            "The two methods disagree on the leader here.",
        );
        assert!(h.contains("<del>agree</del><ins>disagree</ins>"), "{h}");
        assert!(h.starts_with("The two methods "), "{h}");
        // Exactly at the threshold (2 of 4 words kept) stays word by word.
        let h = red("alpha beta gamma delta", "alpha beta one two");
        assert!(h.starts_with("alpha beta "), "{h}");
        // An added or removed passage is whole either way.
        assert_eq!(red("", "new text"), "<ins>new text</ins>");
        assert_eq!(red("old text", ""), "<del>old text</del>");
    }

    #[test]
    fn words_kept_ignores_spaces() {
        let (a, b) = ("a b c d", "a x y z");
        let w = similar::TextDiff::from_words(a, b);
        assert!((words_kept(&w, a, b) - 0.25).abs() < 1e-12);
    }
}
