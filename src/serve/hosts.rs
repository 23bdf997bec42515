//! Which Host headers `kzclaims serve` answers (DNS rebinding): a page on
//! another site that gets a browser to reach this port sends its own name in
//! Host and is refused.
//!
//! Allowed, always at the port listened on: the loopback names
//! (`localhost`, `127.0.0.1`, `[::1]`); the address bound with `--bind`; and
//! for a wildcard bind (`0.0.0.0`, `::`) every address of the machine's
//! interfaces and its host name, which is how other machines reach it. A
//! Host without a port is the HTTP default, 80.

use std::net::{IpAddr, SocketAddr};

/// The hosts a request may name.
#[derive(Debug, Clone)]
pub(super) struct Allowed {
    port: u16,
    /// Host names and addresses (IPv6 in brackets), lower case.
    names: Vec<String>,
}

/// An address as it appears in a Host header.
fn host_form(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(a) => a.to_string(),
        IpAddr::V6(a) => match a.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => format!("[{a}]"),
        },
    }
}

impl Allowed {
    /// For a server listening on `addr`.
    pub(super) fn new(addr: SocketAddr) -> Self {
        let ip = addr.ip();
        let mut extra = Vec::new();
        if ip.is_unspecified() {
            if let Ok(ifaces) = if_addrs::get_if_addrs() {
                extra.extend(ifaces.into_iter().map(|i| i.ip()));
            }
        }
        let mut a = Self::with(addr.port(), ip, &extra);
        if ip.is_unspecified() {
            if let Some(h) = host_name() {
                a.names.push(h.to_ascii_lowercase());
            }
        }
        a
    }

    /// Loopback names, the bound address unless a wildcard, and `extra`
    /// addresses (the interfaces').
    pub(super) fn with(port: u16, bound: IpAddr, extra: &[IpAddr]) -> Self {
        let mut names: Vec<String> = ["localhost", "127.0.0.1", "[::1]"]
            .map(String::from)
            .to_vec();
        if !bound.is_unspecified() {
            names.push(host_form(bound));
        }
        names.extend(extra.iter().map(|ip| host_form(*ip)));
        names.sort();
        names.dedup();
        Allowed { port, names }
    }

    /// Whether a Host header (lower case) names this server.
    pub(super) fn permits(&self, host: &str) -> bool {
        let (name, port) = match host.rsplit_once(':') {
            // `[::1]` alone has colons inside brackets only.
            Some((n, p)) if !p.contains(']') => (n, p.parse::<u16>().ok()),
            _ => (host, Some(80)),
        };
        port == Some(self.port) && self.names.iter().any(|n| n == name)
    }
}

/// The machine's host name, if it has one.
fn host_name() -> Option<String> {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname writes at most
    // that many bytes and does not keep the pointer.
    let r = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if r != 0 {
        return None;
    }
    let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
    let name = std::str::from_utf8(&buf[..end]).ok()?.trim();
    (!name.is_empty()).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_at_the_port() {
        let a = Allowed::with(8000, "127.0.0.1".parse().unwrap(), &[]);
        for ok in ["localhost:8000", "127.0.0.1:8000", "[::1]:8000"] {
            assert!(a.permits(ok), "{ok}");
        }
        for no in [
            "localhost:8001",
            "localhost",
            "evil.example:8000",
            "127.0.0.1",
            "0.0.0.0:8000",
            "127.0.0.1:8000:1",
            "",
        ] {
            assert!(!a.permits(no), "{no}");
        }
    }

    #[test]
    fn a_wildcard_bind_takes_the_interfaces() {
        let ifs: Vec<IpAddr> = ["192.168.1.7", "fe80::1", "2001:db8::5"]
            .map(|s| s.parse().unwrap())
            .to_vec();
        let a = Allowed::with(80, "0.0.0.0".parse().unwrap(), &ifs);
        for ok in [
            "192.168.1.7:80",
            "192.168.1.7",
            "[fe80::1]:80",
            "[2001:db8::5]",
            "localhost",
        ] {
            assert!(a.permits(ok), "{ok}");
        }
        assert!(!a.permits("0.0.0.0:80"));
        assert!(!a.permits("10.0.0.1:80"));
        // A specific address bound: that one, IPv6 in brackets.
        let a = Allowed::with(9000, "2001:db8::5".parse().unwrap(), &[]);
        assert!(a.permits("[2001:db8::5]:9000"));
        assert!(!a.permits("2001:db8::5:9000"));
    }

    #[test]
    fn the_machine_addresses_are_found() {
        let a = Allowed::new("0.0.0.0:1234".parse().unwrap());
        assert!(a.permits("127.0.0.1:1234"));
        assert!(a.names.len() >= 3, "{a:?}");
    }
}
