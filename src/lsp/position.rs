//! Byte offsets (what the loader's spans are) to LSP positions and back.
//! LSP counts columns in UTF-16 code units by default: `é` is one unit and two
//! bytes, `𝄞` two units and four bytes.

use lsp_types::{Position, Range};

/// Where each line of a text starts, to turn offsets into positions without
/// rescanning the text.
#[derive(Debug, Clone, Default)]
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// The position of byte `offset` (clamped to the text, and back to the
    /// start of a character cut in the middle).
    pub(crate) fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let col: usize = text[start..offset].chars().map(char::len_utf16).sum();
        Position::new(line as u32, col as u32)
    }

    /// The byte offset of `pos` (a column past the end of its line is the
    /// end of the line; a line past the end is the end of the text).
    pub(crate) fn offset(&self, text: &str, pos: Position) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(pos.line as usize + 1)
            .map_or(text.len(), |&e| e - 1);
        let mut units = 0usize;
        for (i, c) in text[start..end].char_indices() {
            if units >= pos.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        end
    }

    pub(crate) fn range(&self, text: &str, span: std::ops::Range<usize>) -> Range {
        Range::new(
            self.position(text, span.start),
            self.position(text, span.end),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_on_non_ascii_text() {
        // "é" is 2 bytes and 1 UTF-16 unit; "𝄞" 4 bytes and 2 units; "Қ" 2 and 1.
        let text = "a = \"é𝄞\"\nҚ = 1\r\nx\n";
        let ix = LineIndex::new(text);
        // Byte 5 is é (after `a = "`), 7 is 𝄞, 11 the closing quote.
        assert_eq!(ix.position(text, 5), Position::new(0, 5));
        assert_eq!(ix.position(text, 7), Position::new(0, 6));
        assert_eq!(ix.position(text, 11), Position::new(0, 8));
        // Second line: Қ (2 bytes) then " = 1".
        let l2 = text.find('Қ').unwrap();
        assert_eq!(ix.position(text, l2), Position::new(1, 0));
        assert_eq!(ix.position(text, l2 + 2), Position::new(1, 1));
        // Back again, for every character boundary.
        for (i, _) in text.char_indices() {
            assert_eq!(ix.offset(text, ix.position(text, i)), i, "byte {i}");
        }
        // Inside 𝄞 (a byte cut in the middle) goes back to its start.
        assert_eq!(ix.position(text, 8), Position::new(0, 6));
        // Past the end of a line: the end of the line (its \r counts as a
        // character of the line, before the \n).
        assert_eq!(ix.offset(text, Position::new(1, 99)), l2 + 7);
        assert_eq!(ix.offset(text, Position::new(9, 0)), text.len());
        assert_eq!(ix.position(text, text.len()), Position::new(3, 0));
    }
}
