//! kzclaims: scenario analysis and claims tracking in plain TOML.
//!
//! The library behind the `kzclaims` command. Its public surface is small:
//! [`load::Loader`] reads a workspace into the [`model`] types (or returns
//! [`load::LoadError`] with its [`diag::Diagnostic`]s), [`engine::assess`]
//! scores it as of a date, [`engine::diff::diff`] attributes what changed
//! between two assessments, and [`report::memo`] builds the memo's context and
//! renders it ([`report::memo::render::render`], [`report::memo::docx::render`]).
//! [`run`] is the whole command line. Everything else is private to the crate.
//!
//! Inside, data flows one way: [`model`] (types) → [`load`] (TOML, validation,
//! diagnostics) → [`engine`] (all computation: scoring as of a date, the
//! timeline, the diff and its attribution) → `checks` (analytic warnings) →
//! [`report`] (presentation only: the memo, one view per command, the diff
//! in every format) → `cli` (one module per subcommand). [`diag`] is the
//! one diagnostic type and its renderer; `lsp` is the language server
//! editors talk to; `interop` reads and writes other tools' formats (PARC
//! ACH, CSV, JSON); `serve` is the local server; `merge` the git merge
//! driver. What each room may import: docs/architecture.md (enforced by
//! tests/architecture.rs).

#![deny(unreachable_pub)]
#![deny(missing_docs)]

mod checks;
mod cli;
pub mod diag;
pub mod engine;
mod interop;
mod live;
pub mod load;
mod lsp;
mod merge;
pub mod model;
pub mod report;
mod serve;

pub use cli::run;
