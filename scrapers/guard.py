"""SSRF guard: the fetcher may only reach public addresses (plus an exact allowlist).

Feed URLs come from users and from redirects chosen by remote servers, so a feed could
point the poller at the database, the cloud metadata service or an admin port on the LAN.
Two checks protect against that:

* :func:`check_url` refuses non-http(s) URLs and literal IP hosts (including odd
  spellings such as ``http://2130706433/`` or ``http://0x7f000001/``) before any
  connection is attempted, so the error names what the user typed.
* :class:`GuardedAdapter` validates the socket address *actually being connected to*,
  just before ``connect()``. A second, separate DNS lookup would let a rebinding DNS
  server answer "public" to the check and "127.0.0.1" to the connection; checking the
  sockaddr returned by the very ``getaddrinfo`` used for the connection closes that gap.
  Every redirect hop opens (or reuses an already checked) connection through it.

A private address is allowed only when its exact ``(ip, port)`` pair is in
``PRIVATE_ADDRESS_ALLOWLIST`` (e.g. the simulated blog network on 127.0.0.1:8001).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Collection
from urllib.parse import urlsplit

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util.connection import allowed_gai_family
from urllib3.util.timeout import _DEFAULT_TIMEOUT

from scrapers.deadline import bounded

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Allowlist = Collection[tuple[str, int]]

METADATA_V4 = ipaddress.IPv4Address("169.254.169.254")
_CGNAT = ipaddress.IPv4Network("100.64.0.0/10")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# Only what inet_aton could take for an IPv4 address: digits, hex digits, x and dots.
_NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}\.?$", re.I)


class AddressRefused(OSError):  # noqa: N818 - reads as the event, like ConnectionRefused
    """The guard refused a URL or address. ``message`` is the one-line reason."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _common_problem(ip: IPAddress) -> str | None:
    """What IPv4 and IPv6 addresses are refused for alike, once each family's own ranges
    (metadata and CGNAT; site-local, ULA and Teredo) were checked: those ranges overlap
    none of these, so the order between them does not change the answer."""
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_private:
        return "a private address"
    if ip.is_reserved:
        return "a reserved address"
    # A NAT64 address was judged by the IPv4 address it wraps (an IPv4 address is in no
    # IPv6 network).
    if not ip.is_global and ip not in _NAT64:
        return "a non-public address"
    return None


def _v4_problem(ip: ipaddress.IPv4Address) -> str | None:
    # Before link-local: the metadata address is one, and its name says more.
    if ip == METADATA_V4:
        return "the cloud metadata address"
    if ip in _CGNAT:
        return "a shared (CGNAT) address"
    return _common_problem(ip)


def address_problem(ip: IPAddress) -> str | None:
    """Why ``ip`` is not a public unicast address ("a private address", ...), or None.

    IPv6 forms that wrap an IPv4 address (IPv4-mapped, 6to4, Teredo, NAT64) are judged
    by the address they wrap as well, since the packets end up there.
    """
    if isinstance(ip, ipaddress.IPv4Address):
        return _v4_problem(ip)
    wrapped: list[tuple[str, ipaddress.IPv4Address]] = []
    if ip.ipv4_mapped is not None:
        wrapped.append(("an IPv4-mapped address of", ip.ipv4_mapped))
    if ip.sixtofour is not None:
        wrapped.append(("a 6to4 address wrapping", ip.sixtofour))
    if ip.teredo is not None:
        wrapped.append(("a Teredo address wrapping", ip.teredo[1]))
    if ip in _NAT64:
        wrapped.append(("a NAT64 address wrapping",
                        ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)))
    for label, inner in wrapped:
        problem = _v4_problem(inner)
        if problem:
            return f"{label} {problem} ({inner})"
    if ip.ipv4_mapped is not None or ip.sixtofour is not None:
        # A mapped public IPv4 address is just that address, and a 6to4 address is routed
        # to the public IPv4 address it wraps. (Judged here, not by ``is_private``: Python
        # releases with the CVE-2024-4032 fix call all of 2002::/16 private, older ones not.)
        return None
    if ip.is_site_local or ip in ipaddress.IPv6Network("fc00::/7"):
        return "a private address"
    if ip.teredo is not None:
        return "a Teredo address"
    return _common_problem(ip)


def parse_ip_host(host: str) -> IPAddress | None:
    """The IP address a URL host denotes, or None for a DNS name.

    Accepts the spellings resolvers accept too: ``2130706433``, ``0x7f000001``,
    ``0177.0.0.1``, ``127.1`` (inet_aton forms) and bracketed IPv6.
    """
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    if _NUMERIC_HOST.match(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host.rstrip(".")))
        except OSError:
            return None
    return None


def check_address(ip: str | IPAddress, port: int, allowlist: Allowlist,
                  shown_as: str | None = None) -> None:
    """Raise :class:`AddressRefused` unless ``ip`` is public or ``(ip, port)`` is allowed."""
    if isinstance(ip, str):
        ip = ipaddress.ip_address(ip.split("%", 1)[0])
    problem = address_problem(ip)
    if problem is None:
        return
    if (str(ip), port) in allowlist:
        return
    if ip.version == 6 and ip.ipv4_mapped is not None and (str(ip.ipv4_mapped), port) in allowlist:
        return
    name = f"{shown_as} ({ip})" if shown_as and shown_as != str(ip) else str(ip)
    raise AddressRefused(f"refused: {name} is {problem} "
                         f"(not on PRIVATE_ADDRESS_ALLOWLIST)")


def check_url(url: str, allowlist: Allowlist) -> None:
    """Refuse a URL before connecting: wrong scheme, no host, or a literal non-public IP."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as err:
        raise AddressRefused(f"refused: malformed URL ({err})") from None
    if parts.scheme not in ("http", "https"):
        raise AddressRefused(f"refused: only http and https URLs are fetched, "
                             f"not {parts.scheme or 'a relative URL'}")
    host = parts.hostname
    if not host:
        raise AddressRefused("refused: the URL has no host")
    ip = parse_ip_host(host)
    if ip is not None:
        check_address(ip, port or (443 if parts.scheme == "https" else 80), allowlist,
                      shown_as=host)


def guarded_create_connection(address, timeout, source_address, socket_options,
                              allowlist: Allowlist) -> socket.socket:
    """urllib3's create_connection with each resolved sockaddr checked before connect()."""
    host, port = address
    host = host.strip("[]")
    err: OSError | None = None
    results = socket.getaddrinfo(host, port, allowed_gai_family(), socket.SOCK_STREAM)
    for af, socktype, proto, _canon, sa in results:
        check_address(sa[0], sa[1], allowlist, shown_as=host if host != sa[0] else None)
        sock = None
        try:
            sock = socket.socket(af, socktype, proto)
            for opt in socket_options or ():
                sock.setsockopt(*opt)
            if timeout is not _DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sa)
            return sock
        except OSError as exc:
            err = exc
            if sock is not None:
                sock.close()
    if err is not None:
        raise err
    raise OSError("getaddrinfo returned no addresses")


class _GuardedConnectionMixin:
    allowlist: Allowlist = frozenset()

    def getresponse(self):
        # The status line, any number of "100 Continue"s and the headers are read in
        # this one call: only the fetch deadline (scrapers.deadline) can bound it.
        return bounded(self.sock, super().getresponse)  # type: ignore[misc]

    def _new_conn(self):
        try:
            sock = guarded_create_connection(
                (self._dns_host, self.port), self.timeout,  # type: ignore[attr-defined]
                self.source_address, self.socket_options,  # type: ignore[attr-defined]
                self.allowlist)
        except AddressRefused:
            raise
        # The same mapping urllib3 does, so requests reports these as usual. Never fall
        # back to urllib3's own (unchecked) connect.
        except socket.gaierror as err:
            raise NameResolutionError(self.host, self, err) from err  # type: ignore
        except TimeoutError as err:
            raise ConnectTimeoutError(
                self, f"Connection to {self.host} timed out. "  # type: ignore
                f"(connect timeout={self.timeout})") from err  # type: ignore
        except OSError as err:
            raise NewConnectionError(
                self, f"Failed to establish a new connection: {err}") from err  # type: ignore
        return sock


def _pool_classes(allowlist: Allowlist):
    http_conn = type("GuardedHTTPConnection", (_GuardedConnectionMixin, HTTPConnection),
                     {"allowlist": allowlist})
    https_conn = type("GuardedHTTPSConnection", (_GuardedConnectionMixin, HTTPSConnection),
                      {"allowlist": allowlist})
    http_pool = type("GuardedHTTPConnectionPool", (HTTPConnectionPool,),
                     {"ConnectionCls": http_conn})
    https_pool = type("GuardedHTTPSConnectionPool", (HTTPSConnectionPool,),
                      {"ConnectionCls": https_conn})
    return {"http": http_pool, "https": https_pool}


class GuardedAdapter(HTTPAdapter):
    """A requests adapter whose every new connection goes through the address check."""

    def __init__(self, allowlist: Allowlist, **kwargs):
        self._pool_classes = _pool_classes(frozenset(allowlist))
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pool_classes
        # PoolManager copies the mapping into key_fn/pool lookups lazily; nothing else needed.


def find_refusal(exc: BaseException | None) -> AddressRefused | None:
    """The AddressRefused buried in a requests/urllib3 exception chain, if any."""
    seen: set[int] = set()
    stack = [exc]
    while stack:
        item = stack.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, AddressRefused):
            return item
        stack.extend([item.__cause__, item.__context__, getattr(item, "reason", None)])
        stack.extend(arg for arg in getattr(item, "args", ()) if isinstance(arg, BaseException))
    return None
