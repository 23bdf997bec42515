//! Aligned plain-text tables for the terminal: one renderer for every command.

use std::fmt::Write;

/// A table line: cells, or a rule of dashes under each column.
pub(crate) enum Line {
    Cells(Vec<String>),
    Rule,
}

/// Render lines with columns padded to their widest cell (counted in
/// characters), two spaces apart, trailing space trimmed. `left(i)` says which
/// columns are left-aligned; the others are right-aligned. Every line starts
/// with `indent`.
/// Cells are record text: control characters in them are shown escaped
/// ([`crate::report::escape::terminal`]), never sent to the terminal.
pub(crate) fn render(lines: &[Line], left: impl Fn(usize) -> bool, indent: &str) -> String {
    use crate::report::escape::terminal;
    let ncol = lines
        .iter()
        .map(|l| match l {
            Line::Cells(c) => c.len(),
            Line::Rule => 0,
        })
        .max()
        .unwrap_or(0);
    let mut width = vec![0usize; ncol];
    for l in lines {
        if let Line::Cells(cells) = l {
            for (i, c) in cells.iter().enumerate() {
                width[i] = width[i].max(terminal(c).chars().count());
            }
        }
    }
    let mut out = String::new();
    for l in lines {
        let cells: Vec<String> = match l {
            Line::Cells(cells) => cells
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let c = terminal(c);
                    if left(i) {
                        format!("{c:<w$}", w = width[i])
                    } else {
                        format!("{c:>w$}", w = width[i])
                    }
                })
                .collect(),
            Line::Rule => width.iter().map(|w| "-".repeat(*w)).collect(),
        };
        let _ = writeln!(out, "{indent}{}", cells.join("  ").trim_end());
    }
    out
}

/// Rows with a rule under the first (the header).
pub(crate) fn with_header(rows: Vec<Vec<String>>) -> Vec<Line> {
    let mut lines = Vec::with_capacity(rows.len() + 1);
    for (k, r) in rows.into_iter().enumerate() {
        lines.push(Line::Cells(r));
        if k == 0 {
            lines.push(Line::Rule);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_and_rules() {
        let rows = vec![
            vec!["id".to_string(), "p".into()],
            vec!["alpha".to_string(), "−0.5".into()],
            vec!["b".to_string(), "12.25".into()],
        ];
        let out = render(&with_header(rows), |i| i == 0, "  ");
        assert_eq!(
            out,
            "  id         p\n  -----  -----\n  alpha   −0.5\n  b      12.25\n"
        );
    }
}
