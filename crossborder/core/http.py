"""The polite, safe HTTP client every extractor shares.

- An honest User-Agent that starts with "Mozilla/5.0" (cbp.gov and state.gov refuse others).
- Only http(s) URLs on the source's allowed hosts are fetched, redirects included; a redirect may
  not leave https for http, nor go to a non-default port of another origin. A URL carrying user
  information (user:password@) is refused, and named with its password masked.
- robots.txt is obeyed, for the groups of the product token "crossborder" and "*". A robots.txt
  that answers 4xx allows everything; one that answers 5xx disallows the host for this run
  (RFC 9309, section 2.3.1); a host that cannot be reached is a NetworkError naming it.
- At most N requests per second per host; retries with exponential backoff on 429, 5xx and
  connection errors, honouring Retry-After (up to a cap, beyond which the request fails).
- Conditional GET (If-None-Match / If-Modified-Since): a 304 downloads nothing.
- Bodies stream to a temp file with a size cap (per source, counted after decompression), a
  compression-ratio check (a gzip bomb stops after a few MB), a Content-Length check and a deadline
  for the whole body (a server trickling bytes cannot hold the run); memory stays flat.
"""

from __future__ import annotations

import email.utils
import hashlib
import os
import re
import socket
import ssl
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

import requests
import urllib3.exceptions

from crossborder import __version__
from crossborder.core.config import HttpSettings
from crossborder.core.errors import FetchError, NotFound, RefusedURL

__all__ = [
    "FetchError",
    "HttpClient",
    "NetworkError",
    "NotFound",
    "RefusedURL",
    "masked_url",
    "parse_retry_after",
    "user_agent",
]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_REDIRECTS = 5
CHUNK_BYTES = 64 * 1024
ROBOTS_MAX_BYTES = 512 * 1024
# The product token robots.txt groups are matched on (RFC 9309 section 2.2.1), besides "*".
ROBOTS_PRODUCT_TOKEN = "crossborder"
DEFAULT_PORTS = {"http": 80, "https": 443}


class NetworkError(FetchError):
    """The host could not be reached (DNS failure, connection refused, TLS error, timeout)."""


class _RetryableBodyError(Exception):
    """The body broke off or was shorter than announced; another attempt may succeed."""


def user_agent(project_url: str) -> str:
    return f"Mozilla/5.0 (compatible; {ROBOTS_PRODUCT_TOKEN}/{__version__}; +{project_url})"


def masked_url(url: str) -> str:
    """url with any password (or a lone user name, often a token) replaced by ***, for messages."""
    try:
        parts = urlsplit(url)
        userinfo, at, host = parts.netloc.rpartition("@")
    except ValueError:  # not parseable: mask all that sits between "//" and the last "@" of the authority
        return re.sub(r"//[^/]*@", "//***@", url)
    if not at:
        return url
    user = userinfo.partition(":")[0] if ":" in userinfo else ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}" if user else f"***@{host}"))


def _port(parts: SplitResult) -> int | None:
    return parts.port or DEFAULT_PORTS.get(parts.scheme)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """exc and what it wraps (requests -> urllib3 -> socket errors), each once."""
    pending, seen = [exc], set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = [current.__cause__, current.__context__, getattr(current, "reason", None), *current.args]
        pending.extend(e for e in linked if isinstance(e, BaseException))


def network_problem(exc: BaseException, url: str) -> str:
    """What went wrong reaching url's host, in words: DNS, refused, TLS, timeout, else the error."""
    parts = urlsplit(url)
    host = parts.hostname or "(no host)"
    where = f"{host}:{_port(parts)}"
    for cause in _causes(exc):
        if isinstance(cause, socket.gaierror):
            return f"network failure: DNS lookup of {host} failed ({cause.strerror or cause})"
        if isinstance(cause, ConnectionRefusedError):
            return f"network failure: connection refused by {where}"
        if isinstance(cause, (ssl.SSLError, requests.exceptions.SSLError)):
            return f"network failure: TLS error with {where}: {cause}"
        if isinstance(cause, requests.exceptions.ConnectTimeout):
            return f"network failure: timed out connecting to {where}"
        if isinstance(cause, requests.exceptions.ReadTimeout):  # reached, but it stopped sending
            return f"ReadTimeout: {where} sent nothing for longer than the read timeout"
    return f"network failure reaching {where}: {type(exc).__name__}: {exc}"


@dataclass(frozen=True)
class Download:
    """What one GET gave: a body in a temp file (status 200) or nothing new (status 304)."""

    url: str
    final_url: str
    status: int
    path: Path | None
    sha256: str | None
    size: int
    etag: str | None
    last_modified: str | None
    content_type: str | None


class HostRateLimiter:
    """Spaces requests to one host at least 1/rate seconds apart (shared across threads)."""

    def __init__(self, requests_per_second: float, sleep: Callable[[float], None], clock: Callable[[], float]):
        self.interval = 1.0 / requests_per_second if requests_per_second > 0 else 0.0
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()
        self._sleep, self._clock = sleep, clock

    def wait(self, host: str) -> None:
        if not self.interval:
            return
        with self._lock:
            now = self._clock()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + self.interval
        if start > now:
            self._sleep(start - now)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


class HttpClient:
    def __init__(
        self,
        settings: HttpSettings,
        source: str,
        allowed_hosts: frozenset[str],
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        on_progress: Callable[[str, int, int | None], None] | None = None,
    ):
        self.settings = settings.for_source(source)
        self.source = source
        self.allowed_hosts = frozenset(h.lower() for h in allowed_hosts)
        self.session = session or requests.Session()
        self._user_agent = user_agent(settings.project_url)
        self.session.headers["User-Agent"] = self._user_agent
        self.session.headers["Accept-Encoding"] = "gzip, deflate"
        self._sleep = sleep
        self._clock = clock
        self._limiter = HostRateLimiter(settings.requests_per_second_per_host, sleep, clock)
        # Per origin: the parsed robots.txt, or why it could not be had (kept for the run).
        self._robots: dict[str, RobotFileParser | FetchError] = {}
        self._on_progress = on_progress

    @property
    def sleep(self) -> Callable[[float], None]:
        """How this client waits (a test's recorder instead of time.sleep): what a source spacing
        its own requests should wait with too."""
        return self._sleep

    @property
    def clock(self) -> Callable[[], float]:
        return self._clock

    # -- URL policy -------------------------------------------------------------------------
    def check_url(self, url: str) -> None:
        """Refuse (RefusedURL, the URL named with its password masked) what this client may not fetch."""
        shown = masked_url(url)
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 -- raises ValueError on a port that is not a number in range
        except ValueError as exc:
            raise RefusedURL(self.source, shown, f"not a valid URL ({exc})") from None
        if parts.username is not None or parts.password is not None:
            raise RefusedURL(
                self.source, shown, "URLs with user information (user:password@) are not fetched: no credentials sent"
            )
        if parts.scheme not in ("http", "https"):
            raise RefusedURL(
                self.source, shown, f"scheme {parts.scheme or '(none)'!r} is not fetched; only http and https"
            )
        host = (parts.hostname or "").lower()
        if host not in self.allowed_hosts:
            allowed = ", ".join(sorted(self.allowed_hosts))
            raise RefusedURL(
                self.source, shown, f"host {host or '(none)'!r} is not an allowed host for {self.source} ({allowed})"
            )

    def check_redirect(self, url: str, target: str) -> None:
        """A redirect keeps to allowed hosts, never leaves https for http, and goes to a non-default
        port only within the origin it came from (another port may be another service)."""
        self.check_url(target)
        src, dst = urlsplit(url), urlsplit(target)
        if src.scheme == "https" and dst.scheme == "http":
            raise RefusedURL(self.source, url, f"redirect from https to http ({masked_url(target)}) is not followed")
        same_origin = (src.scheme, src.hostname, _port(src)) == (dst.scheme, dst.hostname, _port(dst))
        if not same_origin and dst.port not in (None, DEFAULT_PORTS[dst.scheme]):
            raise RefusedURL(
                self.source,
                url,
                f"redirect to {masked_url(target)} is not followed: port {dst.port} is neither this origin's "
                f"nor the default port of {dst.scheme}",
            )

    def _robots_for(self, url: str) -> RobotFileParser | FetchError:
        """The parsed robots.txt of url's origin, or the error that kept it from being read."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin in self._robots:
            return self._robots[origin]
        robots_url = origin + "/robots.txt"
        result: RobotFileParser | FetchError
        try:
            response = self._request(robots_url, {})
            try:
                if response.status_code >= 500:
                    result = FetchError(self.source, robots_url, f"HTTP {response.status_code}", response.status_code)
                else:
                    result = RobotFileParser(robots_url)
                    lines: list[str] = []
                    if response.status_code < 400:  # 4xx: no robots.txt, everything allowed
                        body = self._read_robots(robots_url, response)
                        lines = body.decode("utf-8", errors="replace").splitlines()
                    result.parse(lines)
            finally:
                response.close()
        except requests.ConnectionError as exc:  # DNS, refused, TLS, connect timeout: not robots.txt's fault
            result = NetworkError(self.source, robots_url, network_problem(exc, robots_url))
        except requests.RequestException as exc:
            result = FetchError(self.source, robots_url, network_problem(exc, robots_url))
        except _RetryableBodyError as exc:
            result = FetchError(self.source, robots_url, f"body incomplete: {exc}")
        except FetchError as exc:
            result = exc
        self._robots[origin] = result
        return result

    def _read_robots(self, robots_url: str, response: requests.Response) -> bytes:
        """The first ROBOTS_MAX_BYTES of a robots.txt (RFC 9309 lets a crawler stop there), within a deadline."""
        body = bytearray()
        for chunk in self._body_chunks(robots_url, response, self._deadline(ROBOTS_MAX_BYTES)):
            body += chunk
            if len(body) >= ROBOTS_MAX_BYTES:
                break
        return bytes(body[:ROBOTS_MAX_BYTES])

    def refusal(self, url: str) -> str | None:
        """Why this client will not fetch url (its URL policy or robots.txt), as "<reason>: not
        fetched", or None. A robots.txt that cannot be reached gives None: the fetch itself then
        fails, naming it. What discovery says of a link it does not take."""
        try:
            self.check_url(url)
            self.check_robots(url)
        except RefusedURL as exc:
            return f"{exc.reason}: not fetched"
        except FetchError:
            return None
        return None

    def check_robots(self, url: str) -> None:
        if not self.settings.obey_robots_txt:
            return
        robots = self._robots_for(url)
        if isinstance(robots, NetworkError):
            raise NetworkError(self.source, url, robots.reason)
        if isinstance(robots, FetchError):
            raise RefusedURL(
                self.source,
                url,
                f"robots.txt could not be read ({robots.reason} at {robots.url}), so the host is treated as disallowed",
            )
        # Matched on the product token, not the whole User-Agent: the standard parser would take
        # its first word ("Mozilla") and miss a "User-agent: crossborder" group.
        if not robots.can_fetch(ROBOTS_PRODUCT_TOKEN, url):
            raise RefusedURL(self.source, url, "disallowed by robots.txt")

    # -- transport ----------------------------------------------------------------------------
    def _request(self, url: str, headers: dict[str, str]) -> requests.Response:
        """One GET with redirects followed by hand, so that every hop is checked against the policy."""
        self.check_url(url)
        for _ in range(MAX_REDIRECTS + 1):
            self._limiter.wait(urlsplit(url).hostname or "")
            response = self.session.get(
                url,
                headers=headers,
                stream=True,
                allow_redirects=False,
                timeout=(self.settings.connect_timeout_s, self.settings.read_timeout_s),
            )
            if response.is_redirect and "location" in response.headers:
                location = response.headers["location"]
                response.close()
                try:
                    target = urljoin(url, location)
                except ValueError as exc:
                    raise FetchError(self.source, url, f"redirect to an unreadable Location ({exc})") from None
                self.check_redirect(url, target)
                url = target
                continue
            return response
        raise FetchError(self.source, url, f"more than {MAX_REDIRECTS} redirects")

    def _backoff(self, attempt: int) -> float:
        return min(self.settings.max_backoff_s, self.settings.backoff_s * 2 ** (attempt - 1))

    def _deadline(self, size: int) -> float:
        """When (on the client's clock) a download of size bytes must be done."""
        rate = self.settings.min_download_bytes_per_s
        seconds = self.settings.download_grace_s + (size / rate if rate > 0 else 0.0)
        return self._clock() + seconds

    def download(
        self, url: str, tmp_dir: Path, *, etag: str | None = None, last_modified: str | None = None
    ) -> Download:
        """GET url into a new temp file in tmp_dir (the caller promotes or deletes it)."""
        self.check_url(url)
        self.check_robots(url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempts = self.settings.max_attempts
        last_problem = "no attempt made"
        for attempt in range(1, attempts + 1):
            try:
                response = self._request(url, headers)
            except requests.exceptions.SSLError as exc:  # a certificate does not get better by asking again
                raise NetworkError(self.source, url, network_problem(exc, url)) from None
            except (requests.ConnectionError, requests.Timeout) as exc:
                last_problem = network_problem(exc, url)
                if attempt < attempts:
                    self._sleep(self._backoff(attempt))
                continue
            try:
                status = response.status_code
                if status in RETRY_STATUSES:
                    last_problem = f"HTTP {status}"
                    delay = self._backoff(attempt)
                    retry_after = parse_retry_after(response.headers.get("Retry-After"), time.time())
                    if retry_after is not None:
                        if retry_after > self.settings.max_retry_after_s:
                            raise FetchError(
                                self.source,
                                url,
                                f"HTTP {status} with Retry-After {retry_after:.0f}s, "
                                f"longer than the {self.settings.max_retry_after_s:.0f}s this client waits",
                                status,
                            )
                        delay = retry_after
                    if attempt < attempts:
                        self._sleep(delay)
                    continue
                if status == 304:
                    return Download(url, response.url, 304, None, None, 0, etag, last_modified, None)
                if status in (404, 410):
                    raise NotFound(self.source, url, f"HTTP {status} (not found)", status)
                if status != 200:
                    raise FetchError(self.source, url, f"HTTP {status}", status)
                try:
                    return self._stream_body(url, response, tmp_dir)
                except (
                    _RetryableBodyError,
                    requests.ConnectionError,
                    requests.Timeout,
                    requests.exceptions.ChunkedEncodingError,
                ) as exc:
                    last_problem = f"body incomplete: {exc}"
                    if attempt < attempts:
                        self._sleep(self._backoff(attempt))
            finally:
                response.close()
        error = NetworkError if last_problem.startswith("network failure") else FetchError
        raise error(self.source, url, f"gave up after {attempts} attempts; last: {last_problem}")

    def _body_chunks(self, url: str, response: requests.Response, deadline: float) -> Iterator[bytes]:
        """The decoded body, chunk by chunk as it arrives, until the deadline or a decompression bomb.

        read1 returns what one read from the socket gave, so the deadline is checked at least every
        read_timeout_s however slowly the bytes come (a plain read would wait for a whole chunk)."""
        raw = response.raw
        encoding = response.headers.get("Content-Encoding")
        ratio, check_after = self.settings.max_compression_ratio, self.settings.compression_check_after_bytes
        decoded = 0
        while True:
            if self._clock() > deadline:
                raise FetchError(
                    self.source,
                    url,
                    f"download not finished by its deadline ({decoded} bytes received, slower than "
                    f"min_download_bytes_per_s = {self.settings.min_download_bytes_per_s:g}); aborted",
                )
            try:
                chunk = raw.read1(CHUNK_BYTES, decode_content=True)
            except urllib3.exceptions.DecodeError as exc:
                raise FetchError(self.source, url, f"body is not valid {encoding} ({exc})") from None
            except urllib3.exceptions.HTTPError as exc:  # timeout, reset, short body: another attempt may do
                raise _RetryableBodyError(str(exc)) from None
            if not chunk:
                return
            decoded += len(chunk)
            wire = raw.tell()
            if encoding and decoded > check_after and wire and decoded > ratio * wire:
                raise FetchError(
                    self.source,
                    url,
                    f"body decompresses to more than {ratio:g} times its size ({decoded} bytes from {wire}); "
                    f"aborted as a decompression bomb",
                )
            yield chunk

    def _stream_body(self, url: str, response: requests.Response, tmp_dir: Path) -> Download:
        tmp_dir.mkdir(parents=True, exist_ok=True)
        cap = self.settings.max_bytes
        expected = response.headers.get("Content-Length")
        expected_len = int(expected) if expected and expected.isdigit() else None
        deadline = self._deadline(min(expected_len, cap) if expected_len is not None else cap)
        digest = hashlib.sha256()
        size = 0
        try:
            fd, name = tempfile.mkstemp(dir=tmp_dir, prefix=".download-", suffix=".part")
        except OSError as exc:
            raise FetchError(self.source, url, f"cannot create a temp file in {tmp_dir}: {exc}") from None
        path = Path(name)
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in self._body_chunks(url, response, deadline):
                    size += len(chunk)
                    if size > cap:
                        raise FetchError(
                            self.source,
                            url,
                            f"body exceeds the size cap of {cap} bytes (after decompression); download aborted",
                        )
                    digest.update(chunk)
                    out.write(chunk)
                    if self._on_progress:
                        self._on_progress(url, size, expected_len)
                out.flush()
                os.fsync(out.fileno())
            # Content-Length counts the bytes on the wire (before any gzip decoding).
            wire_bytes = response.raw.tell()
            if expected_len is not None and wire_bytes != expected_len:
                raise _RetryableBodyError(f"received {wire_bytes} of {expected_len} bytes announced by Content-Length")
        except OSError as exc:
            path.unlink(missing_ok=True)
            if isinstance(exc, requests.RequestException):  # a broken connection: retried by the caller
                raise
            raise FetchError(self.source, url, f"could not write the download to {tmp_dir}: {exc}") from None
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return Download(
            url=url,
            final_url=response.url,
            status=200,
            path=path,
            sha256=digest.hexdigest(),
            size=size,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            content_type=response.headers.get("Content-Type"),
        )
