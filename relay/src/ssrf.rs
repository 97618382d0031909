//! No server-side request forgery: the relay connects only to public internet addresses.
//!
//! The check runs on the *resolved* addresses, inside the DNS resolver that the outbound client
//! uses, so the connection goes to exactly the addresses that were checked: a name that resolves
//! to a public address for a check and to 127.0.0.1 for the connection (DNS rebinding) cannot
//! slip through. Upstream hosts written as IP literals never reach a resolver; `config.rs`
//! checks those once at startup with the same classifier.

use std::error::Error;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Whether `ip` is a public unicast address, reachable on the internet and not a way into the
/// relay's own machine or network.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

/// IPv4 ranges that are not public unicast (IANA special-purpose registry).
const REFUSED_V4: &[(Ipv4Addr, u8)] = &[
    (Ipv4Addr::new(0, 0, 0, 0), 8),       // "this network", unspecified
    (Ipv4Addr::new(10, 0, 0, 0), 8),      // private
    (Ipv4Addr::new(100, 64, 0, 0), 10),   // carrier-grade NAT
    (Ipv4Addr::new(127, 0, 0, 0), 8),     // loopback
    (Ipv4Addr::new(169, 254, 0, 0), 16),  // link-local (cloud metadata lives here)
    (Ipv4Addr::new(172, 16, 0, 0), 12),   // private
    (Ipv4Addr::new(192, 0, 0, 0), 24),    // IETF protocol assignments
    (Ipv4Addr::new(192, 0, 2, 0), 24),    // documentation
    (Ipv4Addr::new(192, 88, 99, 0), 24),  // 6to4 relay anycast
    (Ipv4Addr::new(192, 168, 0, 0), 16),  // private
    (Ipv4Addr::new(198, 18, 0, 0), 15),   // benchmarking
    (Ipv4Addr::new(198, 51, 100, 0), 24), // documentation
    (Ipv4Addr::new(203, 0, 113, 0), 24),  // documentation
    (Ipv4Addr::new(224, 0, 0, 0), 4),     // multicast
    (Ipv4Addr::new(240, 0, 0, 0), 4),     // reserved, and the broadcast address
];

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let bits = u32::from(ip);
    !REFUSED_V4.iter().any(|&(network, prefix)| {
        let mask = u32::MAX << (32 - prefix);
        bits & mask == u32::from(network) & mask
    })
}

/// IPv6 ranges inside global unicast (2000::/3) that are still not public.
const REFUSED_V6: &[(Ipv6Addr, u8)] = &[
    (Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 23), // IETF protocol assignments, Teredo
    (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32), // documentation
    (Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20), // documentation
];

fn is_public_v6(ip: Ipv6Addr) -> bool {
    // Addresses that carry an IPv4 address are judged by it: ::ffff:127.0.0.1 is loopback.
    if let Some(v4) = embedded_v4(ip) {
        return is_public_v4(v4);
    }
    let bits = u128::from(ip);
    let in_range = |network: Ipv6Addr, prefix: u8| {
        let mask = u128::MAX << (128 - u32::from(prefix));
        bits & mask == u128::from(network) & mask
    };
    // Only 2000::/3 is allocated for global unicast: this refuses ::, ::1, fc00::/7 (unique
    // local), fe80::/10 (link-local), fec0::/10, ff00::/8 (multicast), 100::/64 and the rest.
    in_range(Ipv6Addr::new(0x2000, 0, 0, 0, 0, 0, 0, 0), 3)
        && !REFUSED_V6
            .iter()
            .any(|&(network, prefix)| in_range(network, prefix))
}

/// The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::a.b.c.d) or 6to4
/// (2002:aabb:ccdd::) address: each of them reaches that IPv4 host.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let segments = ip.segments();
    let last_32 = Ipv4Addr::new(
        (segments[6] >> 8) as u8,
        segments[6] as u8,
        (segments[7] >> 8) as u8,
        segments[7] as u8,
    );
    match segments {
        [0, 0, 0, 0, 0, 0xffff, _, _] => Some(last_32),
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(last_32),
        [0x2002, high, low, ..] => Some(Ipv4Addr::new(
            (high >> 8) as u8,
            high as u8,
            (low >> 8) as u8,
            low as u8,
        )),
        _ => None,
    }
}

/// A refusal to connect: the upstream's name resolved to a non-public address.
#[derive(Debug)]
pub struct RefusedAddress {
    pub host: String,
    pub address: IpAddr,
}

impl fmt::Display for RefusedAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} resolves to {}, which is not a public address (start the relay with \
             --allow-private-upstreams to allow it)",
            self.host, self.address
        )
    }
}

impl Error for RefusedAddress {}

/// Finds a `RefusedAddress` anywhere in an error's chain of causes (the HTTP client wraps the
/// resolver's error in its own).
pub fn find_refused_address<'e>(error: &'e (dyn Error + 'static)) -> Option<&'e RefusedAddress> {
    let mut current = Some(error);
    while let Some(error) = current {
        if let Some(refused) = error.downcast_ref::<RefusedAddress>() {
            return Some(refused);
        }
        current = error.source();
    }
    None
}

/// The outbound client's resolver: the system's resolver, then the public-address check.
#[derive(Debug, Clone, Copy)]
pub struct CheckedResolver {
    pub allow_private: bool,
}

impl CheckedResolver {
    /// Keeps the addresses if every one of them is allowed; a name with any non-public address
    /// is refused whole, so a mixed answer cannot be used to reach the private one.
    pub fn check(
        &self,
        host: &str,
        addresses: Vec<SocketAddr>,
    ) -> Result<Vec<SocketAddr>, RefusedAddress> {
        if !self.allow_private {
            if let Some(refused) = addresses.iter().find(|address| !is_public(address.ip())) {
                return Err(RefusedAddress {
                    host: host.to_string(),
                    address: refused.ip(),
                });
            }
        }
        Ok(addresses)
    }
}

impl Resolve for CheckedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let resolver = *self;
        let host = name.as_str().to_string();
        Box::pin(async move {
            // Port 0: the client puts the URL's port (or the scheme's) in its place.
            let resolved: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let checked = resolver.check(&host, resolved)?;
            Ok(Box::new(checked.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(text: &str) -> bool {
        is_public(text.parse().expect("an IP address"))
    }

    #[test]
    fn public_ipv4_addresses_are_allowed() {
        for address in [
            "8.8.8.8",
            "1.1.1.1",
            "93.184.216.34",
            "172.15.255.255",
            "172.32.0.1",
            "100.63.255.255",
            "100.128.0.0",
            "9.255.255.255",
            "11.0.0.0",
            "223.255.255.255",
            "192.169.0.1",
            "198.20.0.1",
        ] {
            assert!(public(address), "{address} is public");
        }
    }

    #[test]
    fn non_public_ipv4_addresses_are_refused() {
        for address in [
            "0.0.0.0",
            "0.1.2.3",
            "10.0.0.1",
            "10.255.255.255",
            "100.64.0.1",
            "100.127.255.255",
            "127.0.0.1",
            "127.255.255.254",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.0.0.8",
            "192.0.2.1",
            "192.88.99.1",
            "192.168.1.1",
            "198.18.0.1",
            "198.19.255.255",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
        ] {
            assert!(!public(address), "{address} is refused");
        }
    }

    #[test]
    fn public_ipv6_addresses_are_allowed() {
        for address in [
            "2606:4700:4700::1111",
            "2a00:1450:4001:80b::200e",
            "2400:cb00::1",
            "2001:4860:4860::8888",
            "2002:808:808::1",
            "64:ff9b::808:808",
            "::ffff:8.8.8.8",
        ] {
            assert!(public(address), "{address} is public");
        }
    }

    #[test]
    fn non_public_ipv6_addresses_are_refused() {
        for address in [
            "::",
            "::1",
            "fc00::1",
            "fd12:3456:789a::1",
            "fe80::1",
            "febf::1",
            "fec0::1",
            "ff02::1",
            "ff05::2",
            "100::1",
            "2001:db8::1",
            "2001::1",
            "2001:2::1",
            "3fff::1",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "::ffff:169.254.169.254",
            "64:ff9b::7f00:1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::1",
            "2002:c0a8:101::1",
            "::127.0.0.1",
            "4000::1",
        ] {
            assert!(!public(address), "{address} is refused");
        }
    }

    #[test]
    fn a_name_with_any_private_address_is_refused_whole() {
        let resolver = CheckedResolver {
            allow_private: false,
        };
        let mixed = vec![
            "93.184.216.34:0".parse().unwrap(),
            "127.0.0.1:0".parse().unwrap(),
        ];
        let refused = resolver.check("rebind.example", mixed).unwrap_err();
        assert_eq!(refused.address, "127.0.0.1".parse::<IpAddr>().unwrap());
        assert!(refused
            .to_string()
            .contains("rebind.example resolves to 127.0.0.1"));

        let public_only = vec!["93.184.216.34:0".parse().unwrap()];
        assert_eq!(
            resolver.check("example.com", public_only.clone()).unwrap(),
            public_only
        );
    }

    #[test]
    fn the_flag_lets_private_addresses_through() {
        let resolver = CheckedResolver {
            allow_private: true,
        };
        let local = vec!["127.0.0.1:0".parse().unwrap(), "[::1]:0".parse().unwrap()];
        assert_eq!(resolver.check("localhost", local.clone()).unwrap(), local);
    }

    #[test]
    fn the_refusal_is_found_through_wrapping_errors() {
        #[derive(Debug)]
        struct Wrapper(Box<dyn Error + Send + Sync>);
        impl fmt::Display for Wrapper {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("connect error")
            }
        }
        impl Error for Wrapper {
            fn source(&self) -> Option<&(dyn Error + 'static)> {
                Some(&*self.0)
            }
        }
        let wrapped = Wrapper(Box::new(RefusedAddress {
            host: "localhost".into(),
            address: "127.0.0.1".parse().unwrap(),
        }));
        assert_eq!(find_refused_address(&wrapped).unwrap().host, "localhost");
        assert!(find_refused_address(&std::io::Error::other("no")).is_none());
    }
}
