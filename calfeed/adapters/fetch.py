"""Fetching a calendar address a user typed: the server goes where a stranger points it.

So every request is checked, not only the first (server-side request forgery):
- only `http`, `https`, `webcal` and `webcals` (the last two are https); no user:password in the
  address, no proxies, no cookies, no credentials of any kind sent;
- the host is resolved here, every address it resolves to is checked (loopback, private,
  link-local, multicast, reserved, unspecified and cloud metadata addresses are refused), and the
  connection goes to the checked address itself, with the original name as Host and TLS SNI and
  certificate name: no second DNS lookup, so no rebinding between the check and the connect;
- an IPv6 address that carries an IPv4 one to a translator or relay (NAT64 `64:ff9b::/96` and
  `64:ff9b:1::/48`, 6to4 `2002::/16`, IPv4-compatible `::a.b.c.d`, IPv4-translated
  `::ffff:0:a.b.c.d`, IPv4-mapped `::ffff:a.b.c.d`) is checked by the IPv4 inside as well;
- at most `max_redirects` redirects, each target checked like the first address;
- the body is streamed and cut at `max_bytes` (after decompression); the whole exchange (name
  lookup, connect, TLS, status line, headers, body, redirects) ends at `timeout` seconds, enforced
  by a watchdog that shuts the sockets down from outside (a per-read timeout alone lets a server
  trickling one header byte at a time hold a read for minutes);
- polite: a clear User-Agent, conditional requests (`ETag` / `Last-Modified`), `Retry-After` read.

`FetchPolicy.allowed_networks` (`CALFEED_FETCH_ALLOW`, empty by default) lets tests reach their own
server on 127.0.0.1; `allow_private` (the CLI's `--allow-private-addresses`) lifts the private-range
rule for local use. Neither ever opens the cloud metadata addresses.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit, urlunsplit

import urllib3
import urllib3.connection
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import NewConnectionError
from urllib3.exceptions import TimeoutError as Urllib3Timeout

from calfeed.errors import SourceError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
#: (host, port) -> the addresses it resolves to; tests inject their own
Resolver = Callable[[str, int], Sequence[str]]

USER_AGENT = "calfeed/0.1 (interview follow-ups; reads a calendar address its user gave)"
MAX_BYTES = 10 * 1024 * 1024
TIMEOUT = 10.0
MAX_REDIRECTS = 3
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_SCHEMES = {"http": "http", "https": "https", "webcal": "https", "webcals": "https"}

#: cloud metadata services (AWS, ECS, GCP, Azure, Alibaba, Oracle): refused under every setting
METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",
        "169.254.169.253",
        "169.254.170.2",
        "169.254.170.23",
        "100.100.100.200",
        "192.0.0.192",
        "fd00:ec2::254",
        "fd00:ec2::23",
    )
)
METADATA_NAMES = frozenset({"metadata", "metadata.google.internal", "metadata.goog"})


class FetchRefused(SourceError):
    """The address is not one calfeed will fetch (scheme, private address, too many redirects)."""


class FetchFailed(SourceError):
    """The address was allowed but the read did not work (network, HTTP status, size, time)."""

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """What a fetch may do; the defaults are the service's."""

    allowed_networks: tuple[IPNetwork, ...] = ()
    allow_private: bool = False
    max_bytes: int = MAX_BYTES
    timeout: float = TIMEOUT
    max_redirects: int = MAX_REDIRECTS
    user_agent: str = USER_AGENT
    ca_certs: str | None = None  # tests: their own certificate authority
    resolver: Resolver | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Fetched:
    """The answer: new content, or "not modified" since the validators sent."""

    status: Literal["ok", "not_modified"]
    body: bytes
    etag: str | None
    last_modified: str | None
    url: str  # after redirects (never stored: only for messages)


def normalize_address(address: str) -> str:
    """The address as it is fetched: webcal -> https, whitespace trimmed; FetchRefused if unusable.

    Raises:
        FetchRefused: not http(s)/webcal, no host, credentials in it, or a bad port.
    """
    text = address.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise FetchRefused("not a web address") from None
    scheme = _SCHEMES.get(parts.scheme.lower())
    if scheme is None:
        raise FetchRefused("only http, https and webcal addresses can be read")
    if not parts.hostname:
        raise FetchRefused("the address has no host name")
    if parts.username is not None or parts.password is not None:
        raise FetchRefused("addresses with a user name or password are not read")
    if port == 0:
        raise FetchRefused("the address has no usable port")
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


#: IPv6 prefixes whose addresses carry an IPv4 address a gateway or relay forwards to (RFC 6052
#: NAT64, RFC 3056 6to4, RFC 4291 IPv4-compatible, RFC 2765 IPv4-translated): the IPv4 inside is
#: checked like a plain one, so `64:ff9b::a9fe:a9fe` is the metadata address it wraps
_NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")
_COMPATIBLE = ipaddress.IPv6Network("::/96")
_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")
#: special-purpose IPv4 blocks (IANA registry) that Python's `is_global` still calls global in
#: some versions (3.11: 192.0.0.8, RFC 7600's dummy address): only 192.0.0.9 and 192.0.0.10
#: (PCP and TURN anycast) are globally reachable in 192.0.0.0/24; 192.88.99.0/24 is the
#: deprecated 6to4 relay anycast block (RFC 7526)
_SPECIAL_V4 = (ipaddress.IPv4Network("192.0.0.0/24"), ipaddress.IPv4Network("192.88.99.0/24"))
_GLOBAL_V4 = frozenset(ipaddress.IPv4Address(a) for a in ("192.0.0.9", "192.0.0.10"))


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address `ip` carries to a translator or relay; None for a plain IPv6 address.

    The local-use NAT64 prefix (`64:ff9b:1::/48`, RFC 8215) may be cut at any length from /48 to
    /96; its /96 placement is returned here, and `check_ip` refuses the whole prefix anyway (it is
    local by definition).
    """
    value = int(ip)
    if ip in _NAT64_WELL_KNOWN or ip in _TRANSLATED or ip in _NAT64_LOCAL:
        return ipaddress.IPv4Address(value & 0xFFFFFFFF)
    if ip in _COMPATIBLE:  # :: and ::1 are the unspecified and loopback addresses themselves
        return None if value <= 1 else ipaddress.IPv4Address(value)
    if ip in _SIX_TO_FOUR:
        return ipaddress.IPv4Address((value >> 80) & 0xFFFFFFFF)
    return None


def check_ip(ip: IPAddress, policy: FetchPolicy) -> None:
    """Refuse an address calfeed must not connect to (see the module docstring)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if isinstance(ip, ipaddress.IPv6Address):
        inner = embedded_ipv4(ip)
        if inner is not None:
            try:
                check_ip(inner, policy)
            except FetchRefused as exc:
                raise FetchRefused(f"{ip} wraps {exc}") from None
        if ip in _NAT64_LOCAL:
            raise FetchRefused(f"{ip} is in the local-use NAT64 prefix")
    if ip in METADATA_ADDRESSES:
        raise FetchRefused(f"{ip} is a cloud metadata address")
    if any(ip in net for net in policy.allowed_networks):
        return
    if ip.is_multicast:
        raise FetchRefused(f"{ip} is a multicast address")
    if ip.is_unspecified:
        raise FetchRefused(f"{ip} is not a host address")
    special = isinstance(ip, ipaddress.IPv4Address) and ip not in _GLOBAL_V4
    if special and any(ip in net for net in _SPECIAL_V4):
        raise FetchRefused(f"{ip} is a reserved address")
    if ip.is_global:
        return
    if policy.allow_private and (ip.is_private or ip.is_loopback or ip.is_link_local):
        return
    if ip.is_loopback:
        raise FetchRefused(f"{ip} is this machine (loopback)")
    if ip.is_link_local:
        raise FetchRefused(f"{ip} is a link-local address")
    if ip.is_reserved:
        raise FetchRefused(f"{ip} is a reserved address")
    raise FetchRefused(f"{ip} is a private address")


def precheck(address: str, policy: FetchPolicy) -> str:
    """The checks that need no network, for a form to answer at once: the address normalized, and
    refused if it names a metadata host or an IP address calfeed does not connect to. A host name
    is looked up and checked later, by the read itself (`fetch`), never in a web request.

    Raises:
        FetchRefused: as `normalize_address`, or the host is a refused literal address.
    """
    url = normalize_address(address)
    host = urlsplit(url).hostname or ""
    if host.rstrip(".").lower() in METADATA_NAMES:
        raise FetchRefused(f"{host} is a cloud metadata host")
    try:
        literal: IPAddress | None = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        check_ip(literal, policy)
    return url


def _lookup(host: str, port: int, policy: FetchPolicy, timeout: float) -> list[str]:
    """The addresses of `host`, within `timeout` seconds (the system resolver has no deadline of
    its own, so it runs in a thread that is left behind if it hangs)."""
    found: list[str] = []
    failed: list[BaseException] = []

    def work() -> None:
        try:
            if policy.resolver is not None:
                found.extend(policy.resolver(host, port))
            else:
                infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
                found.extend(str(info[4][0]) for info in infos)
        except (OSError, UnicodeError, LookupError) as exc:
            failed.append(exc)

    worker = threading.Thread(target=work, daemon=True, name="calfeed-dns")
    worker.start()
    worker.join(max(timeout, 0.0))
    if worker.is_alive():
        raise FetchFailed(f"the host {host} could not be looked up in time")
    if failed or not found:
        raise FetchFailed(f"the host {host} cannot be found")
    return found


def _resolve(host: str, port: int, policy: FetchPolicy, deadline: float) -> list[IPAddress]:
    """Every address of `host`, each checked; FetchRefused on the first one not allowed."""
    if host.rstrip(".").lower() in METADATA_NAMES:
        raise FetchRefused(f"{host} is a cloud metadata host")
    try:
        literal: IPAddress | None = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        found = [str(literal)]
    else:
        found = _lookup(host, port, policy, deadline - time.monotonic())
    addresses = []
    for text in dict.fromkeys(found):
        ip = ipaddress.ip_address(text.split("%", 1)[0])
        check_ip(ip, policy)
        addresses.append(ip)
    return addresses


def _retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), at most a day."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return min(float(text), 86400.0)
    try:
        when = parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError, IndexError):
        return None
    return min(max(when - now, 0.0), 86400.0)


class _Watchdog:
    """The one deadline of a fetch, enforced from outside the socket reads.

    A socket timeout bounds each `recv`, not the exchange: a server that sends its status line and
    then one header byte every few seconds (or trickles its TLS handshake) never trips it. So every
    socket the fetch opens is registered here, and at the deadline a timer thread shuts them all
    down; the blocked read then fails at once and the fetch reports it as too slow.
    """

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout
        self.late = threading.Event()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(max(timeout, 0.0), self._fire)
        self._timer.daemon = True
        self._timer.name = "calfeed-fetch-deadline"

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def watch(self, sock: socket.socket) -> None:
        """Cut `sock` at the deadline (at once if it has passed)."""
        with self._lock:
            self._sockets.append(sock)
            if not self.late.is_set():
                return
        _shut(sock)

    def _fire(self) -> None:
        with self._lock:
            self.late.set()
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)

    def too_slow(self) -> FetchFailed:
        return FetchFailed(f"the calendar took longer than {self.timeout:g} s to load")


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed or never connected
        sock.shutdown(socket.SHUT_RDWR)


class _WatchedHTTPConnection(urllib3.connection.HTTPConnection):
    """An HTTP connection whose socket the fetch's watchdog can cut."""

    def __init__(self, *args: Any, watchdog: _Watchdog, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watchdog = watchdog

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        self._watchdog.watch(sock)
        return sock


class _WatchedHTTPSConnection(urllib3.connection.HTTPSConnection):
    """The same for https: the raw socket under TLS is watched, so a slow handshake is cut too."""

    def __init__(self, *args: Any, watchdog: _Watchdog, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watchdog = watchdog

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        self._watchdog.watch(sock)
        return sock


def fetch(
    address: str,
    policy: FetchPolicy | None = None,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Fetched:
    """GET a calendar address under the rules of the module docstring.

    The whole exchange (name lookup, connect, TLS, status line, headers, body, every redirect)
    ends within `policy.timeout` seconds, whatever the server does.

    Args:
        address: what the user gave (http, https, webcal).
        policy: limits and allowances; the service's defaults when None.
        etag, last_modified: validators of the last good read, sent as If-None-Match and
            If-Modified-Since (a 304 then returns `status="not_modified"` and an empty body).

    Raises:
        FetchRefused: the address (or a redirect's) is not allowed.
        FetchFailed: network error, HTTP error status (with `retry_after`), too big, too slow.
    """
    policy = policy or FetchPolicy()
    url = normalize_address(address)
    with _Watchdog(policy.timeout) as watchdog:
        for _hop in range(policy.max_redirects + 1):
            answer = _request(url, policy, watchdog, etag, last_modified)
            if isinstance(answer, Fetched):
                return answer
            url = answer  # a redirect: checked again from the top
    raise FetchRefused(f"more than {policy.max_redirects} redirects")


def _request(
    url: str,
    policy: FetchPolicy,
    watchdog: _Watchdog,
    etag: str | None,
    last_modified: str | None,
) -> Fetched | str:
    """One exchange with the first address of the host that answers; a redirect's target URL."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = _resolve(host, port, policy, watchdog.deadline)
    headers = {
        "Host": parts.netloc,
        "User-Agent": policy.user_agent,
        "Accept": "text/calendar, text/plain;q=0.8, */*;q=0.5",
        "Accept-Encoding": "gzip, deflate",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    target = urlunsplit(("", "", parts.path or "/", parts.query, ""))
    last_error: Exception | None = None
    for ip in addresses:
        remaining = watchdog.remaining()
        if remaining <= 0 or watchdog.late.is_set():
            break
        pool = _pool(parts.scheme, host, ip, port, policy, remaining, watchdog)
        try:
            response = pool.urlopen(
                "GET",
                target,
                headers=headers,
                redirect=False,
                retries=False,
                preload_content=False,
                assert_same_host=False,
            )
        except (Urllib3Error, OSError) as exc:
            last_error = exc
            pool.close()
            if watchdog.late.is_set():
                raise watchdog.too_slow() from None
            continue
        try:
            return _answer(url, response, policy, watchdog)
        finally:
            response.release_conn()
            pool.close()
    if last_error is None or watchdog.late.is_set():
        raise watchdog.too_slow()
    timed_out = isinstance(last_error, Urllib3Timeout | TimeoutError)
    if timed_out and not isinstance(last_error, NewConnectionError):  # (a subclass: "refused")
        raise FetchFailed(f"{host} did not answer in time") from None
    raise FetchFailed(f"cannot connect to {host}: {_reason(last_error)}") from None


def _pool(
    scheme: str,
    host: str,
    ip: IPAddress,
    port: int,
    policy: FetchPolicy,
    remaining: float,
    watchdog: _Watchdog,
) -> urllib3.HTTPConnectionPool:
    """A pool bound to the checked address; https keeps the name for SNI and the certificate."""
    timeout = urllib3.Timeout(connect=min(remaining, 5.0), read=remaining)
    pool: urllib3.HTTPConnectionPool
    if scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            str(ip),
            port,
            timeout=timeout,
            maxsize=1,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            ca_certs=policy.ca_certs,
            assert_hostname=host,
            server_hostname=host,
            watchdog=watchdog,
        )
        pool.ConnectionCls = _WatchedHTTPSConnection
        return pool
    pool = urllib3.HTTPConnectionPool(
        str(ip), port, timeout=timeout, maxsize=1, retries=False, watchdog=watchdog
    )
    pool.ConnectionCls = _WatchedHTTPConnection
    return pool


def _answer(
    url: str, response: urllib3.BaseHTTPResponse, policy: FetchPolicy, watchdog: _Watchdog
) -> Fetched | str:
    status = response.status
    if status in _REDIRECTS:
        location = response.headers.get("Location")
        if not location:
            raise FetchFailed(f"HTTP {status} without a Location", status=status)
        return normalize_address(urljoin(url, location))
    etag = response.headers.get("ETag")
    modified = response.headers.get("Last-Modified")
    if status == 304:
        return Fetched("not_modified", b"", etag, modified, url)
    if status != 200:
        wait = _retry_after(response.headers.get("Retry-After"), time.time())
        raise FetchFailed(_status_message(status), status=status, retry_after=wait)
    return Fetched("ok", _body(response, policy, watchdog), etag, modified, url)


def _body(response: urllib3.BaseHTTPResponse, policy: FetchPolicy, watchdog: _Watchdog) -> bytes:
    """The body, streamed; cut off past `max_bytes` or the deadline (the watchdog shuts the
    socket, so a server trickling one byte a second cannot hold the read past the deadline)."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > policy.max_bytes:
        raise FetchFailed(_too_big(policy))
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.stream(64 * 1024, decode_content=True):
            size += len(chunk)
            if size > policy.max_bytes:
                raise FetchFailed(_too_big(policy))
            if watchdog.late.is_set() or watchdog.remaining() < 0:
                raise watchdog.too_slow()
            chunks.append(chunk)
    except (Urllib3Error, OSError, ValueError) as exc:
        if watchdog.late.is_set():
            raise watchdog.too_slow() from None
        raise FetchFailed(f"the download broke off: {_reason(exc)}") from None
    if watchdog.late.is_set():
        raise watchdog.too_slow()
    return b"".join(chunks)


def _too_big(policy: FetchPolicy) -> str:
    return f"the calendar is larger than {policy.max_bytes // (1024 * 1024) or 1} MB"


def _status_message(status: int) -> str:
    if status in (401, 403):
        return f"the calendar refused the read (HTTP {status}): is the address still shared?"
    if status in (404, 410):
        return f"no calendar at this address any more (HTTP {status})"
    if status == 429:
        return "the calendar's server asks us to read less often (HTTP 429)"
    return f"the calendar's server answered HTTP {status}"


def _reason(exc: BaseException) -> str:
    """A short, one-line cause without the library's class names and object reprs."""
    text = str(getattr(exc, "reason", None) or exc)
    text = text.split(": ", 1)[-1] if "object at 0x" in text else text
    return " ".join(text.split())[:160]
