"""SSRF guard: address classification, allow-list, URL checks, connect-time DNS checks."""

from __future__ import annotations

import ipaddress

import pytest

from botrygt_nlp.monitor.netguard import (
    AllowList,
    BlockedAddressError,
    NetGuard,
    UnsafeSchemeError,
    is_forbidden_ip,
)

FORBIDDEN = [
    "127.0.0.1",
    "127.8.9.10",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "100.127.255.254",
    "0.0.0.0",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "198.18.0.1",
    "192.0.0.8",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "::ffff:10.0.0.1",
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
    "2002:a00:1::1",
    "64:ff9b::a00:1",
    "::127.0.0.1",
]
PUBLIC = ["8.8.8.8", "1.1.1.1", "185.15.59.224", "2a00:1450:4001:80b::200e", "2606:4700:4700::1111"]


@pytest.mark.parametrize("address", FORBIDDEN)
def test_non_public_addresses_are_forbidden(address: str) -> None:
    assert is_forbidden_ip(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address: str) -> None:
    assert not is_forbidden_ip(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "gopher://nyheder.example.dk/",
        "ftp://nyheder.example.dk/feed.xml",
        "javascript:alert(1)",
        "http:///no-host",
        "data:text/plain,hej",
    ],
)
def test_bad_schemes_and_hostless_urls_are_refused(url: str) -> None:
    with pytest.raises(UnsafeSchemeError):
        NetGuard().check_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/",
        "http://[::ffff:10.0.0.1]/",
        "https://127.0.0.1/",
        "http://100.64.1.1/",
    ],
)
def test_literal_private_hosts_are_blocked(url: str) -> None:
    with pytest.raises(BlockedAddressError):
        NetGuard().check_url(url)


def test_allow_list_parses_hosts_ips_and_cidrs() -> None:
    allow = AllowList.parse(" 127.0.0.1, ::1 ,10.0.0.0/8, Feeds.Internal. ,")
    assert allow.hosts == frozenset({"feeds.internal"})
    assert allow.allows_ip(ipaddress.ip_address("10.20.30.40"))
    assert allow.allows_ip(ipaddress.ip_address("::1"))
    assert not allow.allows_ip(ipaddress.ip_address("192.168.0.1"))
    guard = NetGuard(allow)
    guard.check_url("http://10.1.2.3/feed")
    guard.check_url("http://feeds.internal/feed")
    with pytest.raises(BlockedAddressError):
        guard.check_url("http://192.168.0.1/")


def test_every_resolved_address_is_checked() -> None:
    answers = {"blandet.example.dk": ["93.184.216.34", "10.0.0.1"], "fin.example.dk": ["93.184.216.34"]}
    guard = NetGuard(resolver=lambda host, port: answers[host])
    assert guard.resolve_checked("fin.example.dk", 80) == ["93.184.216.34"]
    with pytest.raises(BlockedAddressError):
        guard.resolve_checked("blandet.example.dk", 80)


def test_allow_listed_network_admits_a_resolved_name() -> None:
    guard = NetGuard("127.0.0.0/8", resolver=lambda host, port: ["127.0.0.1"])
    assert guard.resolve_checked("lokal.example.dk", 80) == ["127.0.0.1"]
