//! One view per command that prints an analysis: the result turned into a
//! table, JSON or SVG for `score`, `collect`, `sensitivity`, `calibration`
//! (and its `--fit`), `history`, `timeline` and `check` (diagnostics). A view
//! uses only the shared formatting (`report::format`, `report::escape`,
//! `report::table`), never the memo or another view.

pub(crate) mod calibration;
pub(crate) mod collect;
pub(crate) mod diagnostics;
pub(crate) mod fit;
pub(crate) mod history;
pub(crate) mod score;
pub(crate) mod sensitivity;
pub(crate) mod timeline;
