//! kzclaims: scenario analysis and claims tracking in plain TOML.
//!
//! Data flows one way: [`model`] (types) → [`load`] (TOML, validation,
//! diagnostics) → [`engine`] (all computation: scoring as of a date, the
//! timeline, the diff and its attribution) → [`checks`] (analytic warnings) →
//! [`report`] (presentation only: the memo, one view per command, the diff
//! in every format) → [`cli`] (one module per subcommand). [`diag`] is the
//! one diagnostic type and its renderer; [`lsp`] is the language server
//! editors talk to; [`interop`] reads and writes other tools' formats (PARC
//! ACH, CSV, JSON); [`serve`] is the local server; [`merge`] the git merge
//! driver. What each room may import: docs/architecture.md (enforced by
//! tests/architecture.rs).

pub mod checks;
pub mod cli;
pub mod diag;
pub mod engine;
pub mod interop;
pub mod load;
pub mod lsp;
pub mod merge;
pub mod model;
pub mod report;
pub mod serve;

pub use cli::run;
