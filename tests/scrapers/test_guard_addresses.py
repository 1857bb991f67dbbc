"""The SSRF address classifier and URL pre-check (no network)."""

import ipaddress
import socket

import pytest

from scrapers.guard import (
    AddressRefused,
    address_problem,
    check_address,
    check_url,
    guarded_create_connection,
    parse_ip_host,
)


@pytest.mark.parametrize("address, problem", [
    ("10.0.0.5", "a private address"),
    ("172.16.3.4", "a private address"),
    ("192.168.1.1", "a private address"),
    ("127.0.0.1", "a loopback address"),
    ("127.255.0.9", "a loopback address"),
    ("169.254.169.254", "the cloud metadata address"),
    ("169.254.1.1", "a link-local address"),
    ("100.64.0.1", "a shared (CGNAT) address"),
    ("100.127.255.254", "a shared (CGNAT) address"),
    ("0.0.0.0", "an unspecified address"),
    ("224.0.0.1", "a multicast address"),
    ("240.0.0.1", "a private address"),  # reserved; Python files it under private
    ("198.18.0.1", "a private address"),  # benchmarking range
    ("::1", "a loopback address"),
    ("::", "an unspecified address"),
    ("fe80::1", "a link-local address"),
    ("fd00:ec2::254", "a private address"),
    ("ff02::1", "a multicast address"),
    ("::ffff:127.0.0.1", "an IPv4-mapped address of a loopback address (127.0.0.1)"),
    ("::ffff:10.1.2.3", "an IPv4-mapped address of a private address (10.1.2.3)"),
    ("2002:0a00:0001::1", "a 6to4 address wrapping a private address (10.0.0.1)"),
    ("2002:7f00:0001::1", "a 6to4 address wrapping a loopback address (127.0.0.1)"),
    ("2001:0:4136:e378:8000:63bf:80ff:fffe",
     "a Teredo address wrapping a loopback address (127.0.0.1)"),
    ("64:ff9b::a9fe:a9fe", "a NAT64 address wrapping the cloud metadata address "
                           "(169.254.169.254)"),
])
def test_non_public_addresses_are_named(address, problem):
    assert address_problem(ipaddress.ip_address(address)) == problem


@pytest.mark.parametrize("address", [
    "8.8.8.8", "93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8",
    "2002:0808:0808::1",  # 6to4 around a public address
])
def test_public_addresses_pass(address):
    assert address_problem(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize("host, expected", [
    ("2130706433", "127.0.0.1"),
    ("0x7f000001", "127.0.0.1"),
    ("0177.0.0.1", "127.0.0.1"),
    ("127.1", "127.0.0.1"),
    ("0x7f.1", "127.0.0.1"),
    ("[::1]", "::1"),
    ("[::ffff:7f00:1]", "::ffff:7f00:1"),
    ("10.0.0.5", "10.0.0.5"),
    ("example.org", None),
    ("deadbeef.example", None),
])
def test_odd_ip_spellings_are_recognised(host, expected):
    parsed = parse_ip_host(host)
    assert (str(parsed) if parsed else None) == expected


@pytest.mark.parametrize("url", [
    "http://2130706433/", "http://0x7f000001/", "http://0177.0.0.1/", "http://127.1/",
    "http://[::ffff:127.0.0.1]/", "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.5:8080/feed", "http://[::1]:8001/", "https://100.64.1.1/",
])
def test_literal_private_hosts_are_refused_before_connecting(url):
    with pytest.raises(AddressRefused) as err:
        check_url(url, frozenset())
    assert err.value.message.startswith("refused: ")
    assert "(not on PRIVATE_ADDRESS_ALLOWLIST)" in err.value.message


def test_refusal_names_the_address_and_the_setting():
    with pytest.raises(AddressRefused) as err:
        check_url("http://10.0.0.5/rss", frozenset())
    assert err.value.message == ("refused: 10.0.0.5 is a private address "
                                 "(not on PRIVATE_ADDRESS_ALLOWLIST)")
    with pytest.raises(AddressRefused) as err:
        check_url("http://0x7f000001/", frozenset())
    assert "0x7f000001 (127.0.0.1) is a loopback address" in err.value.message


@pytest.mark.parametrize("url", ["ftp://example.org/feed", "file:///etc/passwd",
                                 "javascript:alert(1)", "gopher://x/", "/relative/feed"])
def test_only_http_and_https(url):
    with pytest.raises(AddressRefused, match="only http and https"):
        check_url(url, frozenset())


def test_allowlist_is_an_exact_ip_and_port():
    allow = frozenset({("127.0.0.1", 8001)})
    check_url("http://127.0.0.1:8001/dailykos/", allow)
    check_address("127.0.0.1", 8001, allow)
    check_address("::ffff:127.0.0.1", 8001, allow)  # the same socket, spelled for IPv6
    with pytest.raises(AddressRefused):
        check_url("http://127.0.0.1:8002/", allow)
    with pytest.raises(AddressRefused):
        check_url("http://127.0.0.2:8001/", allow)
    check_url("http://example.org/", frozenset())  # names are checked at connect time


def test_connect_checks_the_resolved_address_not_a_separate_lookup(monkeypatch):
    """DNS rebinding: whatever the name resolves to *for this connection* is checked."""
    calls = []

    def rebinding(host, port, *args, **kwargs):
        calls.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port))]

    monkeypatch.setattr("scrapers.guard.socket.getaddrinfo", rebinding)
    with pytest.raises(AddressRefused) as err:
        guarded_create_connection(("feeds.example.org", 80), 1.0, None, None, frozenset())
    assert calls == ["feeds.example.org"]
    assert err.value.message == ("refused: feeds.example.org (10.0.0.5) is a private "
                                 "address (not on PRIVATE_ADDRESS_ALLOWLIST)")
