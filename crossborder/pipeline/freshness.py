"""Freshness: has a source published anything new within its expected cadence?

New content = a fetch (of a data file, not an index page) whose bytes differ from what that URL
gave before. Its age is compared with the source's `freshness_warn_days` and
`freshness_error_days` ([sources.X] in the config).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from crossborder.core.config import Settings
from crossborder.core.errors import StaleSource
from crossborder.core.landing import LandingZone
from crossborder.core.progress import Progress


@dataclass(frozen=True)
class Freshness:
    source: str
    last_new_content: datetime | None
    age_days: float | None
    warn_days: float | None
    error_days: float | None

    @property
    def state(self) -> str:
        """'ok', 'warning', 'error', 'never' (nothing landed yet) or 'unchecked' (no thresholds)."""
        if self.age_days is None:
            return "never"
        if self.error_days is not None and self.age_days > self.error_days:
            return "error"
        if self.warn_days is not None and self.age_days > self.warn_days:
            return "warning"
        return "ok" if self.warn_days is not None or self.error_days is not None else "unchecked"

    def describe(self) -> str:
        if self.last_new_content is None:
            return f"{self.source}: nothing landed yet"
        when = self.last_new_content.isoformat(timespec="seconds")
        text = f"{self.source}: new content last landed {when} ({self.age_days:.0f} days ago)"
        if self.state == "error":
            text += f"; ERROR: older than {self.error_days:.0f} days, has the source stopped publishing or moved?"
        elif self.state == "warning":
            text += f"; WARNING: older than {self.warn_days:.0f} days"
        return text


def last_new_content(landing: LandingZone) -> datetime | None:
    latest_sha: dict[str, str] = {}
    newest = None
    for entry in landing.entries():
        if entry.kind == "page" or entry.status != 200:
            continue
        if latest_sha.get(entry.url) != entry.sha256:
            latest_sha[entry.url] = entry.sha256
            newest = max(newest, entry.fetched_at) if newest else entry.fetched_at
    return datetime.fromisoformat(newest) if newest else None


def freshness(settings: Settings, source: str, now: datetime | None = None) -> Freshness:
    now = now or datetime.now(UTC)
    options = settings.source(source).options
    landed = last_new_content(LandingZone(settings.raw_dir, source))
    age = (now - landed).total_seconds() / 86400 if landed else None
    return Freshness(source, landed, age, options.get("freshness_warn_days"), options.get("freshness_error_days"))


def check_freshness(settings: Settings, sources: Iterable[str], progress: Progress) -> None:
    """Warn about sources quiet for longer than their cadence; raise for those past the error threshold."""
    stale = []
    for source in sources:
        state = freshness(settings, source)
        if state.state in ("warning", "error"):
            progress.say(f"    freshness {state.describe()}")
        if state.state == "error":
            stale.append(state.describe())
    if stale:
        raise StaleSource(f"stale source: {stale[0]}")
