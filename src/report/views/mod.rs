//! One view per command that prints an analysis: the result turned into a
//! table, JSON or SVG for `score`, `collect`, `sensitivity`, `calibration`
//! (and its `--fit`), `history`, `timeline` and `check` (diagnostics). A view
//! uses only the shared formatting (`report::format`, `report::escape`,
//! `report::table`), never the memo or another view.

pub mod calibration;
pub mod collect;
pub mod diagnostics;
pub mod fit;
pub mod history;
pub mod score;
pub mod sensitivity;
pub mod timeline;
