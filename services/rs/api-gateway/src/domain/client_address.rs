//! The visitor's address, with the rules of `edu.common.client_address` (ADR 0015): a proxy of
//! ours (web) may tell it in `X-Edu-Client-Address` with `X-Edu-Proxy-Token`; the gateway
//! believes it only when the token equals its own (compared in constant time) and the value is
//! one IP address, otherwise the connection's peer address counts. Per-address limits count an
//! IPv6 address by its /64, an IPv4-mapped one as IPv4.

use std::net::{IpAddr, Ipv6Addr};

/// The header a proxy of ours tells the visitor's address in.
pub const CLIENT_ADDRESS_HEADER: &str = "x-edu-client-address";
/// The header that proves the proxy is ours (`EDU_PROXY_TOKEN`).
pub const PROXY_TOKEN_HEADER: &str = "x-edu-proxy-token";

/// Equal bytes, in time that depends only on the lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The forwarded address when the request carried our proxy token, else the peer's.
/// `forwarded` and `token` are the raw values of the two headers, if present.
pub fn client_address(
    forwarded: Option<&[u8]>,
    token: Option<&[u8]>,
    peer: IpAddr,
    proxy_token: &str,
) -> IpAddr {
    let trusted = token.is_some_and(|token| constant_time_eq(token, proxy_token.as_bytes()));
    if !trusted {
        return peer;
    }
    forwarded
        .and_then(|value| std::str::from_utf8(value).ok())
        .and_then(|value| value.trim().parse::<IpAddr>().ok())
        .unwrap_or(peer)
}

/// What a per-address limit counts under: the IPv4 address, or the IPv6 address's /64.
pub fn throttling_key(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return v4.to_string();
            }
            let s = v6.segments();
            format!("{}/64", Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    fn told(address: &str, token: &str) -> IpAddr {
        client_address(
            Some(address.as_bytes()),
            Some(token.as_bytes()),
            PEER,
            "s3cret",
        )
    }

    #[test]
    fn a_proxy_with_our_token_tells_the_visitors_address() {
        assert_eq!(told("203.0.113.9", "s3cret").to_string(), "203.0.113.9");
    }

    #[test]
    fn without_the_token_or_with_a_malformed_address_the_peer_counts() {
        for (address, token) in [
            ("203.0.113.9", "guess"),
            ("not an ip", "s3cret"),
            ("1.2.3.4, 5.6.7.8", "s3cret"),
        ] {
            assert_eq!(told(address, token), PEER);
        }
        assert_eq!(client_address(None, None, PEER, "s3cret"), PEER);
    }

    #[test]
    fn ipv6_counts_per_64_and_mapped_ipv4_as_ipv4() {
        let a = throttling_key("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = throttling_key("2001:db8:1:2:bbbb::2".parse().unwrap());
        assert_eq!(a, b);
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_eq!(
            throttling_key("::ffff:192.0.2.1".parse().unwrap()),
            "192.0.2.1"
        );
    }

    #[test]
    fn constant_time_eq_compares_whole_values() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }
}
