//! kzclaims: scenario analysis and claims tracking in plain TOML.
//!
//! Data flows one way: [`model`] (types) → [`load`] (TOML, validation,
//! diagnostics) → [`engine`] (scoring as of a date) → [`checks`] (analytic
//! warnings) → [`report`] (memos, tables, diffs, charts) → [`cli`] (one module
//! per subcommand). [`diag`] is the one diagnostic type and its renderer;
//! [`lsp`] is the language server editors talk to; [`interop`] reads and writes other tools' formats (PARC ACH, CSV, JSON).

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
