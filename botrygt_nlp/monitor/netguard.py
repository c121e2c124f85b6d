"""SSRF guard: decide which URLs and addresses the monitor may connect to.

Feed URLs come from configuration and, worse, from redirects chosen by remote servers. Without a guard a
feed could point the service at ``http://169.254.169.254/`` (cloud metadata) or an internal admin page.

Two checks, both needed:

* :meth:`NetGuard.check_url` before every hop: scheme must be http/https, a literal IP host must be public.
* :class:`GuardedBackend` at connect time: the host name is resolved once, *every* resolved address is
  checked, and the socket is opened to one of those checked addresses. Because the check and the connect
  use the same DNS answer, a DNS-rebinding server cannot answer "public" to the check and "private" to
  the connect. Residual gap: ``getaddrinfo`` has no timeout of its own, so a slow resolver can exceed the
  connect timeout (it cannot make us reach a forbidden address).

Exceptions for tests and demos come from an allow-list ("127.0.0.1,::1,10.0.0.0/8,feeds.internal"):
host names match the URL's host exactly, IPs/CIDRs match the resolved address.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpcore

from botrygt_nlp.errors import BlockedURLError, PermanentFetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
# host, port -> addresses (strings). Injected in tests to map fake public names to loopback.
Resolver = Callable[[str, int], Sequence[str]]

ALLOWED_SCHEMES = frozenset({"http", "https"})

# Not covered by ipaddress' is_global in every Python version, so listed explicitly.
_EXTRA_FORBIDDEN: tuple[IPNetwork, ...] = (
    ipaddress.ip_network("100.64.0.0/10"),  # carrier-grade NAT (RFC 6598)
    ipaddress.ip_network("192.0.0.0/24"),  # IETF protocol assignments
    ipaddress.ip_network("198.18.0.0/15"),  # benchmarking
    ipaddress.ip_network("64:ff9b:1::/48"),  # local-use NAT64
)


class UnsafeSchemeError(PermanentFetchError):
    """The URL is not http(s) (file:, gopher:, ftp:, javascript: ...)."""

    code = "bad_scheme"


class BlockedAddressError(BlockedURLError):
    """The URL's host is, or resolves to, an address the guard forbids."""


def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the OS resolver; every address family, deduplicated, in the resolver's order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for info in infos:
        address = str(info[4][0]).split("%", 1)[0]  # drop an IPv6 zone id
        if address not in seen:
            seen.append(address)
    return seen


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    # IPv4 smuggled inside IPv6: ::ffff:10.0.0.1, 6to4 (2002::/16), Teredo, NAT64 (64:ff9b::/96).
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in ipaddress.ip_network("64:ff9b::/96"):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_forbidden_ip(ip: IPAddress) -> bool:
    """True for loopback, private, link-local, CGNAT, multicast, reserved, unspecified and the like."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None and is_forbidden_ip(inner):
            return True
    if (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    ):
        return True
    return any(ip in net for net in _EXTRA_FORBIDDEN if net.version == ip.version)


def _literal_ip(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class AllowList:
    """Named exceptions to the guard: exact host names, and IP networks (a bare IP is a /32 or /128)."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def parse(cls, spec: str | Iterable[str] | None) -> AllowList:
        if spec is None:
            return cls()
        items = spec.split(",") if isinstance(spec, str) else list(spec)
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for raw in items:
            item = raw.strip().lower()
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item.strip("[]"), strict=False))
            except ValueError:
                hosts.add(item.rstrip("."))
        return cls(frozenset(hosts), tuple(networks))

    def allows_host(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.hosts

    def allows_ip(self, ip: IPAddress) -> bool:
        return any(ip in net for net in self.networks if net.version == ip.version)


class NetGuard:
    """The policy: which URLs and addresses may be contacted. Immutable; share it freely."""

    def __init__(self, allow: AllowList | str | Iterable[str] | None = None, resolver: Resolver | None = None) -> None:
        self.allow = allow if isinstance(allow, AllowList) else AllowList.parse(allow)
        self.resolver: Resolver = resolver or system_resolver

    def check_url(self, url: str) -> None:
        """Raise UnsafeSchemeError / BlockedAddressError unless the URL may be requested.

        Host names are not resolved here; :class:`GuardedBackend` checks their addresses at connect.
        """
        try:
            parts = urlsplit(url)
        except ValueError as exc:
            raise UnsafeSchemeError(f"unparsable URL: {exc}") from exc
        if parts.scheme.lower() not in ALLOWED_SCHEMES:
            raise UnsafeSchemeError(f"scheme {parts.scheme!r} is not http/https")
        host = parts.hostname
        if not host:
            raise UnsafeSchemeError("URL has no host")
        if self.allow.allows_host(host):
            return
        ip = _literal_ip(host)
        if ip is not None:
            self.check_ip(ip, host)

    def check_ip(self, ip: IPAddress, host: str) -> None:
        if is_forbidden_ip(ip) and not self.allow.allows_ip(ip):
            raise BlockedAddressError(f"{host} -> {ip} is a non-public address")

    def resolve_checked(self, host: str, port: int) -> list[str]:
        """Resolve ``host`` and return its addresses, raising if ANY of them is forbidden.

        Refusing the whole name (not just skipping the bad address) is deliberate: a name that mixes
        public and private answers is either misconfigured or an attack.
        """
        literal = _literal_ip(host)
        if literal is not None:
            self.check_ip(literal, host)
            return [str(literal)]
        try:
            addresses = list(self.resolver(host, port))
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        if not addresses:
            raise httpcore.ConnectError(f"{host} has no addresses")
        if self.allow.allows_host(host):
            return addresses
        for address in addresses:
            ip = _literal_ip(address)
            if ip is None:
                raise BlockedAddressError(f"{host} resolved to an unparsable address {address!r}")
            self.check_ip(ip, host)
        return addresses


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore network backend that resolves, checks and then connects to a checked address.

    The URL, Host header and TLS SNI/certificate checks still use the host name; only the socket's
    destination is pinned to the checked IP.
    """

    def __init__(self, guard: NetGuard, inner: httpcore.NetworkBackend | None = None) -> None:
        self._guard = guard
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = self._guard.resolve_checked(host, port)
        last_error: Exception | None = None
        for address in addresses:
            try:
                return self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc  # try the next checked address (e.g. IPv6 down, IPv4 up)
        assert last_error is not None
        raise last_error

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise BlockedAddressError("unix sockets are never allowed")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
