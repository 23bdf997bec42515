//! kzclaims: scenario analysis and claims tracking in plain TOML.
//!
//! Data flows one way: [`model`] (types) → [`load`] (TOML, validation,
//! diagnostics) → [`engine`] (scoring as of a date) → [`report`] (memos and
//! tables) → [`cli`] (one module per subcommand).

pub mod checks;
pub mod cli;
pub mod diag;
pub mod engine;
pub mod load;
pub mod model;
pub mod report;

pub use cli::run;
