"""The polite, safe HTTP client every extractor shares.

- An honest User-Agent that starts with "Mozilla/5.0" (cbp.gov and state.gov refuse others).
- Only http(s) URLs on the source's allowed hosts are fetched, redirects included.
- robots.txt is obeyed. A robots.txt that answers 4xx allows everything; one that answers 5xx or
  cannot be reached disallows the host for this run (RFC 9309, section 2.3.1).
- At most N requests per second per host; retries with exponential backoff on 429, 5xx and
  connection errors, honouring Retry-After (up to a cap, beyond which the request fails).
- Conditional GET (If-None-Match / If-Modified-Since): a 304 downloads nothing.
- Bodies stream to a temp file with a size cap (counted after decompression, so a gzip bomb stops
  at the cap) and a Content-Length check; memory stays flat whatever the file size.
"""

from __future__ import annotations

import email.utils
import hashlib
import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import requests

from crossborder import __version__
from crossborder.core.config import HttpSettings
from crossborder.core.errors import FetchError, NotFound, RefusedURL

__all__ = ["FetchError", "HttpClient", "NotFound", "RefusedURL", "parse_retry_after", "user_agent"]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_REDIRECTS = 5
CHUNK_BYTES = 64 * 1024
ROBOTS_MAX_BYTES = 512 * 1024


class _RetryableBodyError(Exception):
    """The body broke off or was shorter than announced; another attempt may succeed."""


def user_agent(project_url: str) -> str:
    return f"Mozilla/5.0 (compatible; crossborder/{__version__}; +{project_url})"


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
        self.settings = settings
        self.source = source
        self.allowed_hosts = frozenset(h.lower() for h in allowed_hosts)
        self.session = session or requests.Session()
        self._user_agent = user_agent(settings.project_url)
        self.session.headers["User-Agent"] = self._user_agent
        self.session.headers["Accept-Encoding"] = "gzip, deflate"
        self._sleep = sleep
        self._limiter = HostRateLimiter(settings.requests_per_second_per_host, sleep, clock)
        self._robots: dict[str, RobotFileParser | None] = {}
        self._on_progress = on_progress

    # -- URL policy -------------------------------------------------------------------------
    def check_url(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise RefusedURL(
                self.source, url, f"scheme {parts.scheme or '(none)'!r} is not fetched; only http and https"
            )
        host = (parts.hostname or "").lower()
        if host not in self.allowed_hosts:
            allowed = ", ".join(sorted(self.allowed_hosts))
            raise RefusedURL(
                self.source, url, f"host {host or '(none)'!r} is not an allowed host for {self.source} ({allowed})"
            )

    def _robots_for(self, url: str) -> RobotFileParser | None:
        """The parsed robots.txt of url's origin; None means the origin is disallowed entirely."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin in self._robots:
            return self._robots[origin]
        robots_url = origin + "/robots.txt"
        parser: RobotFileParser | None = None
        try:
            response = self._request(robots_url, {})
            try:
                if response.status_code < 500:
                    parser = RobotFileParser(robots_url)
                    if response.status_code >= 400:
                        parser.parse([])  # no robots.txt: everything allowed
                    else:
                        body = response.raw.read(ROBOTS_MAX_BYTES, decode_content=True)
                        parser.parse(body.decode("utf-8", errors="replace").splitlines())
            finally:
                response.close()
        except (requests.RequestException, FetchError):
            parser = None
        self._robots[origin] = parser
        return parser

    def check_robots(self, url: str) -> None:
        if not self.settings.obey_robots_txt:
            return
        parser = self._robots_for(url)
        if parser is None:
            raise RefusedURL(
                self.source,
                url,
                "robots.txt could not be read (5xx or unreachable), so the host is treated as disallowed",
            )
        if not parser.can_fetch(self._user_agent, url):
            raise RefusedURL(self.source, url, "disallowed by robots.txt")

    # -- transport ----------------------------------------------------------------------------
    def _request(self, url: str, headers: dict[str, str]) -> requests.Response:
        """One GET with redirects followed by hand, so that every hop is checked against the policy."""
        for _ in range(MAX_REDIRECTS + 1):
            self.check_url(url)
            self._limiter.wait(urlsplit(url).hostname or "")
            response = self.session.get(
                url,
                headers=headers,
                stream=True,
                allow_redirects=False,
                timeout=(self.settings.connect_timeout_s, self.settings.read_timeout_s),
            )
            if response.is_redirect and "location" in response.headers:
                target = urljoin(url, response.headers["location"])
                response.close()
                url = target
                continue
            return response
        raise FetchError(self.source, url, f"more than {MAX_REDIRECTS} redirects")

    def _backoff(self, attempt: int) -> float:
        return min(self.settings.max_backoff_s, self.settings.backoff_s * 2 ** (attempt - 1))

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
            except (requests.ConnectionError, requests.Timeout) as exc:
                last_problem = f"{type(exc).__name__}: {exc}"
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
        raise FetchError(self.source, url, f"gave up after {attempts} attempts; last: {last_problem}")

    def _stream_body(self, url: str, response: requests.Response, tmp_dir: Path) -> Download:
        tmp_dir.mkdir(parents=True, exist_ok=True)
        cap = self.settings.max_bytes
        expected = response.headers.get("Content-Length")
        expected_len = int(expected) if expected and expected.isdigit() else None
        digest = hashlib.sha256()
        size = 0
        try:
            fd, name = tempfile.mkstemp(dir=tmp_dir, prefix=".download-", suffix=".part")
        except OSError as exc:
            raise FetchError(self.source, url, f"cannot create a temp file in {tmp_dir}: {exc}") from None
        path = Path(name)
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in response.iter_content(CHUNK_BYTES):
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
