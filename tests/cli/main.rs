//! The one integration-test binary: command-line behaviour, one module per
//! subcommand, fixtures in tests/fixtures/<case>/.

mod common;

mod brief;
mod check;
mod diff;
mod init;
mod score;
mod timeline;
