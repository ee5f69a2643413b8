//! Who is on the other end of a request: the client's address and whether it came over HTTPS,
//! believed from `X-Forwarded-For` and `X-Forwarded-Proto` only when the connection comes from
//! a configured trusted proxy (`[http] trusted_proxies`). Behind a reverse proxy every
//! connection comes from the proxy: without this, sign-in limits, audit entries and session
//! records would all name the proxy, and one person's failures would lock out everyone.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

/// A proxy, or a network of them, whose forwarding headers are believed: an address, or an
/// address with a prefix length (`10.0.0.0/8`, `fd00::/8`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrustedProxy {
    network: IpAddr,
    prefix: u8,
}

impl TrustedProxy {
    /// Reads `203.0.113.7`, `10.0.0.0/8` or `::1`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let bad = || format!("{s:?} is not an IP address or network (like 10.0.0.1 or 10.0.0.0/8)");
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().map_err(|_| bad())?)),
            None => (s, None),
        };
        let network: IpAddr = addr.parse().map_err(|_| bad())?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        if prefix > max {
            return Err(bad());
        }
        Ok(Self { network, prefix })
    }

    /// Whether `ip` is this proxy or in this network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        fn bits(ip: IpAddr) -> (u128, u32) {
            match ip {
                IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
                IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                    Some(v4) => (u128::from(u32::from(v4)), 32),
                    None => (u128::from(v6), 128),
                },
            }
        }
        let ((net, width), (addr, addr_width)) = (bits(self.network), bits(ip));
        if width != addr_width {
            return false;
        }
        let prefix = u32::from(self.prefix).min(width);
        let shift = width - prefix;
        // A shift by the whole width (prefix 0) matches everything.
        shift >= width || (net >> shift) == (addr >> shift)
    }
}

/// The client as the service believes it: set on every request by [`client_info`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientInfo {
    /// The client's address.
    pub ip: Option<String>,
    /// The request reached the service over HTTPS (through a trusted proxy that says so).
    pub https: bool,
}

/// Works out [`ClientInfo`] from the connection and, when the connection comes from a trusted
/// proxy, the forwarding headers: the client is the nearest address in `X-Forwarded-For`
/// that is not itself a trusted proxy.
pub fn resolve(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[TrustedProxy]) -> ClientInfo {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|t| t.contains(ip));
    let Some(peer) = peer else { return ClientInfo::default() };
    if !is_trusted(peer) {
        return ClientInfo { ip: Some(peer.to_string()), https: false };
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse::<IpAddr>().ok())
        .collect();
    let client = forwarded.iter().rev().copied().find(|ip| !is_trusted(*ip)).unwrap_or(peer);
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
    ClientInfo { ip: Some(client.to_string()), https }
}

/// Middleware: puts the request's [`ClientInfo`] in its extensions.
pub async fn client_info(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let info = resolve(peer, request.headers(), &state.config.trusted_proxies);
    request.extensions_mut().insert(info);
    next.run(request).await
}

/// The client's address for a request (audit entries, sessions, sign-in limits).
pub fn ip_of(parts: &Parts) -> Option<String> {
    match parts.extensions.get::<ClientInfo>() {
        Some(info) => info.ip.clone(),
        None => parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()),
    }
}

/// Whether cookies are `Secure` (with the `__Host-` prefix) and HSTS is sent for a request:
/// when configured, or when it came over HTTPS. Plain HTTP on loopback (the demo, the tests)
/// keeps working with ordinary cookies.
pub fn is_secure(config_secure: bool, info: Option<&ClientInfo>) -> bool {
    config_secure || info.is_some_and(|i| i.https)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn forwarding_headers_count_only_from_a_trusted_proxy() {
        let trusted = [TrustedProxy::parse("10.0.0.0/8").unwrap(), TrustedProxy::parse("::1").unwrap()];
        let h = headers(&[("x-forwarded-for", "198.51.100.7, 10.1.2.3"), ("x-forwarded-proto", "https")]);
        // From the proxy: the client is the nearest untrusted address, and HTTPS is believed.
        let info = resolve(Some("10.0.0.5".parse().unwrap()), &h, &trusted);
        assert_eq!(info, ClientInfo { ip: Some("198.51.100.7".into()), https: true });
        // From anywhere else the headers are ignored: anyone can send them.
        let info = resolve(Some("203.0.113.9".parse().unwrap()), &h, &trusted);
        assert_eq!(info, ClientInfo { ip: Some("203.0.113.9".into()), https: false });
        // A proxy that forwards no client is the client.
        let info = resolve(Some("::1".parse().unwrap()), &HeaderMap::new(), &trusted);
        assert_eq!(info, ClientInfo { ip: Some("::1".into()), https: false });
        // A spoofed address to the left of a real client does not win.
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 198.51.100.7")]);
        let info = resolve(Some("10.0.0.5".parse().unwrap()), &h, &trusted);
        assert_eq!(info.ip.as_deref(), Some("198.51.100.7"));
    }

    #[test]
    fn proxies_are_addresses_or_networks() {
        let net = TrustedProxy::parse("192.168.0.0/16").unwrap();
        assert!(net.contains("192.168.4.1".parse().unwrap()));
        assert!(!net.contains("192.169.0.1".parse().unwrap()));
        assert!(net.contains("::ffff:192.168.4.1".parse().unwrap()), "IPv4-mapped");
        assert!(TrustedProxy::parse("0.0.0.0/0").unwrap().contains("8.8.8.8".parse().unwrap()));
        assert!(TrustedProxy::parse("fd00::/8").unwrap().contains("fd12::1".parse().unwrap()));
        assert!(TrustedProxy::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxy::parse("proxy.local").is_err());
    }

    #[test]
    fn cookies_are_secure_when_configured_or_over_https() {
        assert!(!is_secure(false, None));
        assert!(is_secure(true, None));
        assert!(is_secure(false, Some(&ClientInfo { ip: None, https: true })));
    }
}
