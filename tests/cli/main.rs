//! The one integration-test binary: command-line behaviour, one module per
//! subcommand, fixtures in tests/fixtures/<case>/.

mod common;

mod analysts;
mod bad;
mod brief;
mod browser;
mod calibration;
mod check;
mod checks;
mod collect;
mod diff;
mod escaping;
mod examples;
mod fmt;
mod formats;
mod git;
mod groups;
mod history;
mod hostile;
mod indicators;
mod init;
mod interop;
mod lsp;
mod lsp_client;
mod lsp_equiv;
mod memo;
mod outputs;
mod progress;
mod schema;
mod score;
mod sensitivity;
mod serve;
mod timeline;
mod tools;
mod word;
