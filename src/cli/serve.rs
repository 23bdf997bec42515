//! `kzclaims serve`: the workspace as a local page that follows your edits
//! (src/serve/, docs/serve.md).

use super::{workspace_root, Cli, CmdResult, Failure};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[derive(clap::Args, Debug)]
pub(super) struct Args {
    /// Port to listen on (0: any free port; the address is printed)
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// Listen on this address instead of 127.0.0.1. Risky: anyone who can
    /// reach it reads the memo and the whole record, with no password
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<IpAddr>,
    /// Open the page in the default browser
    #[arg(long)]
    pub open: bool,
}

pub(super) fn run(cli: &Cli, args: &Args) -> CmdResult {
    let root = workspace_root(cli)?;
    let ip = args.bind.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    if !ip.is_loopback() {
        eprintln!(
            "warning: serving on {ip}, not 127.0.0.1: anyone who can reach this address can read the memo and the whole record (there is no password)"
        );
    }
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst))
            .map_err(|e| Failure::Usage(format!("cannot handle Ctrl-C: {e}")))?;
    }
    crate::serve::run(
        crate::serve::Options {
            root,
            addr: SocketAddr::new(ip, args.port),
            open_browser: args.open,
        },
        stop,
    )
    .map_err(Failure::Usage)
}
