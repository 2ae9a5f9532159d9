"""How each source's fetches went: a ledger of every attempt, block-page detection, and a verdict.

The ledger (`raw/<source>/fetch_ledger.jsonl`, one JSON line per attempt, appended) records what the
manifest does not: failures. From it come, per URL, the last attempt and the last success, the
recent HTTP statuses, the consecutive failures and the bytes of the last answer; and per source a
verdict: healthy, degraded (some URL's last attempt failed) or blocked since a date.

Blocked means the server refuses this client rather than failing: HTTP 403 / 407 / 451, or an
HTTP 200 answer that is a block page (its title says so, e.g. state.gov's "Technical Difficulties",
or the same HTML body as several other URLs). A block page never becomes data: landing refuses it
before it reaches the manifest (BlockedAnswer), its bytes are kept under `quarantine/blocked/` for
inspection, and the last good content of that URL stays in use.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from crossborder.core.errors import FetchError, NotFound

LEDGER_NAME = "fetch_ledger.jsonl"
# Statuses that mean "not you": the server (or a proxy or firewall in front of it) refuses this client.
BLOCKING_STATUSES = {403: "HTTP 403 Forbidden", 407: "HTTP 407 Proxy Authentication Required", 451: "HTTP 451"}
# Titles of block and challenge pages that answer 200 (lower case, matched as substrings of <title>).
# Matched on the title only: a narrative or an article may well say "access denied" in its text.
BLOCK_PAGE_TITLES = (
    "technical difficulties",
    "access denied",
    "attention required",
    "just a moment...",
    "request rejected",
    "pardon our interruption",
    "are you a robot",
    "403 forbidden",
    "error 403",
    "you have been blocked",
    "request unsuccessful",
)
# An HTML answer whose bytes are the latest content of this many other URLs of the source is a
# block page too (a server answering every path with one page).
SAME_BODY_URLS = 3
# How much of an answer is read to look for a block page's title.
HEAD_BYTES = 64 * 1024
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)


class BlockedAnswer(FetchError):
    """The server refuses this client (a blocking status, or a block page with HTTP 200)."""


def looks_like_html(head: bytes, content_type: str | None) -> bool:
    if content_type and "html" in content_type.lower():
        return True
    start = head.lstrip()[:15].lower()
    return start.startswith((b"<!doctype html", b"<html"))


def block_page_title(head: bytes, content_type: str | None) -> str | None:
    """The title of an HTML answer when it is a block or challenge page's, else None. Pure."""
    if not looks_like_html(head, content_type):
        return None
    match = _TITLE.search(head)
    if not match:
        return None
    title = " ".join(match.group(1).decode("utf-8", "replace").split())
    return title if any(marker in title.lower() for marker in BLOCK_PAGE_TITLES) else None


def read_head(path: Path) -> bytes:
    with path.open("rb") as data:
        return data.read(HEAD_BYTES)


@dataclass(frozen=True)
class Attempt:
    """One request of a source's URL, as the ledger keeps it."""

    url: str
    at: str  # ISO 8601 UTC
    outcome: str  # "downloaded", "unchanged" (304), "not found" (404/410), "failed", "blocked"
    status: int | None = None
    bytes: int = 0
    sha256: str | None = None
    reason: str | None = None

    @property
    def succeeded(self) -> bool:
        """The server answered: with content, 304, or a 404 (which the source decides the meaning
        of: TIP's "not evaluated that year", CBP's failure, reported by the extract)."""
        return self.outcome in {"downloaded", "unchanged", "not found"}


def ledger_path(source_dir: Path) -> Path:
    return source_dir / LEDGER_NAME


def ensure_ledger(source_dir: Path) -> None:
    """An empty ledger for a source never fetched, so dbt's glob over every source's ledger matches."""
    source_dir.mkdir(parents=True, exist_ok=True)
    os.close(os.open(ledger_path(source_dir), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600))


def record_attempt(source_dir: Path, attempt: Attempt) -> None:
    """Append one attempt to the source's ledger (an flock'd append: extract tasks may run at once)."""
    source_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(ledger_path(source_dir), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with open(fd, "a", encoding="utf-8") as out:
        fcntl.flock(out, fcntl.LOCK_EX)
        out.write(json.dumps(asdict(attempt), sort_keys=True) + "\n")


def read_attempts(source_dir: Path) -> list[Attempt]:
    """Every attempt in the ledger, oldest first; unreadable lines (a torn write) are skipped."""
    try:
        lines = ledger_path(source_dir).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    attempts = []
    for line in lines:
        try:
            attempts.append(Attempt(**json.loads(line)))
        except (ValueError, TypeError):
            continue
    return attempts


def is_blocking(exc: FetchError) -> bool:
    return isinstance(exc, BlockedAnswer) or exc.status in BLOCKING_STATUSES


def failed_attempt(url: str, at: str, exc: FetchError) -> Attempt:
    outcome = "blocked" if is_blocking(exc) else "not found" if isinstance(exc, NotFound) else "failed"
    reason = (
        BLOCKING_STATUSES.get(exc.status or 0, exc.reason) if outcome == "blocked" and exc.status != 200 else exc.reason
    )
    return Attempt(url, at, outcome, status=exc.status, reason=reason)


@dataclass
class UrlHealth:
    url: str
    last_attempt: str
    last_outcome: str
    last_success: str | None
    statuses: list[int | None] = field(default_factory=list)  # the most recent last, at most 10
    consecutive_failures: int = 0
    last_bytes: int = 0
    last_reason: str | None = None


@dataclass
class SourceHealth:
    source: str
    state: str  # "healthy", "degraded", "blocked", "never fetched"
    since: str | None  # blocked / degraded since (the first attempt of the current streak)
    urls: list[UrlHealth]
    blocked_urls: int = 0
    failing_urls: int = 0
    why: str = ""  # for blocked: what the answers were (e.g. "HTTP 200 block page 'Technical Difficulties'")

    @property
    def blocking_hosts(self) -> list[str]:
        return sorted({urlsplit(u.url).hostname or u.url for u in self.urls if u.last_outcome == "blocked"})

    def describe(self) -> str:
        if self.state == "blocked":
            hosts = " and ".join(self.blocking_hosts)
            return f"{hosts} is blocking this client since {self.since} ({self.why}, {self.blocked_urls} URLs)"
        if self.state == "degraded":
            return f"{self.source}: degraded since {self.since} ({self.failing_urls} URLs failing: {self.why})"
        if self.state == "never fetched":
            return f"{self.source}: never fetched"
        return f"{self.source}: healthy ({len(self.urls)} URLs, last attempt {max(u.last_attempt for u in self.urls)})"


def url_health(attempts: Iterable[Attempt]) -> dict[str, UrlHealth]:
    """Per URL, from its attempts (oldest first)."""
    health: dict[str, UrlHealth] = {}
    for attempt in attempts:
        known = health.get(attempt.url)
        if known is None:
            known = health[attempt.url] = UrlHealth(attempt.url, attempt.at, attempt.outcome, None)
        known.last_attempt, known.last_outcome, known.last_reason = attempt.at, attempt.outcome, attempt.reason
        known.statuses = [*known.statuses, attempt.status][-10:]
        known.last_bytes = attempt.bytes
        if attempt.succeeded:
            known.last_success, known.consecutive_failures = attempt.at, 0
        else:
            known.consecutive_failures += 1
    return health


def source_health(source: str, attempts: list[Attempt]) -> SourceHealth:
    """The verdict over a source's ledger: blocked when any URL's last attempt was blocked, degraded
    when any failed, else healthy. `since` is the earliest start of the current failing streaks."""
    urls = url_health(attempts)
    if not urls:
        return SourceHealth(source, "never fetched", None, [])
    blocked = [u for u in urls.values() if u.last_outcome == "blocked"]
    failing = [u for u in urls.values() if u.last_outcome == "failed"]
    state = "blocked" if blocked else "degraded" if failing else "healthy"
    health = SourceHealth(source, state, None, list(urls.values()), len(blocked), len(failing))
    if state == "healthy":
        return health
    streak_urls = {u.url for u in (blocked or failing)}
    health.since = _streak_start(attempts, streak_urls)
    reasons = [u.last_reason or "" for u in (blocked or failing)]
    most_common = max(set(reasons), key=reasons.count)
    health.why = most_common
    return health


def _streak_start(attempts: list[Attempt], urls: set[str]) -> str:
    """The earliest attempt of the unbroken run of unsuccessful attempts ending each URL's history."""
    starts: dict[str, str] = {}
    for attempt in attempts:
        if attempt.url not in urls:
            continue
        if attempt.succeeded:
            starts.pop(attempt.url, None)
        else:
            starts.setdefault(attempt.url, attempt.at)
    return min(starts.values())
