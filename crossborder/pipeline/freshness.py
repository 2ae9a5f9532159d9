"""Freshness: has a source published anything new within its expected cadence, and how recent is
the data it gave?

Two measures per source, each with a warning and an error threshold in days ([sources.X] in the
config, crossborder.core.config.FRESHNESS_THRESHOLDS):

- fetch freshness (`freshness_warn_days`, `freshness_error_days`): the age of the newest new content,
  i.e. a fetch (of a data file, not an index page) whose bytes differ from what that URL gave before;
- coverage (`coverage_warn_days`, `coverage_error_days`): the age of the end of the newest period the
  published warehouse holds (COVERAGE): the newest month of CBP, the newest year of StatCan, the end of
  the newest TIP edition's reporting period (April to March), the newest news article. A source that
  keeps answering with the same old data is fresh by fetch time but stale by coverage.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

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
    limits = settings.freshness_thresholds(source)
    landed = last_new_content(LandingZone(settings.raw_dir, source))
    age = (now - landed).total_seconds() / 86400 if landed else None
    return Freshness(source, landed, age, limits["freshness_warn_days"], limits["freshness_error_days"])


# What the published data of a source covers: (table, column, period) whose newest value is read;
# period says where the newest value's period ends: "month" (a month_start date: the month's end),
# "year" (the year's end), "tip_edition" (a report year: its reporting period ends March 31) or
# "instant" (a timestamp). A source with several tables is as recent as its least recent one.
COVERAGE: dict[str, tuple[tuple[str, str, str], ...]] = {
    "cbp": (
        ("marts.fct_border_encounters", "month_start", "month"),
        ("marts.fct_drug_seizures", "month_start", "month"),
    ),
    "tip": (("marts.fct_tip_tier_placements", "report_year", "tip_edition"),),
    "news": (("marts.fct_news_articles", "published_at", "instant"),),
    "statcan": (("marts.fct_statcan_trafficking_incidents", "ref_year", "year"),),
    "ohss": (("marts.fct_usbp_encounters_monthly", "month_start", "month"),),
}


@dataclass(frozen=True)
class Coverage:
    """How recent the published data of a source is: the end of the newest period it covers."""

    source: str
    table: str | None
    newest: str | None  # the newest period and when it ended, as shown: "newest month 2025-02, ended 2025-03-01"
    covered_until: datetime | None
    age_days: float | None
    warn_days: float
    error_days: float
    note: str = ""  # why there is no coverage

    @property
    def state(self) -> str:
        """'ok', 'warning', 'error', or 'none' (no published data of the source)."""
        if self.age_days is None:
            return "none"
        if self.age_days > self.error_days:
            return "error"
        return "warning" if self.age_days > self.warn_days else "ok"

    def describe(self) -> str:
        if self.covered_until is None:
            return f"{self.source}: {self.note}"
        text = f"{self.source}: {self.newest} ({self.table}), {self.age_days:.0f} days ago"
        if self.state == "error":
            text += f"; ERROR: older than {self.error_days:.0f} days, has the source stopped publishing new data?"
        elif self.state == "warning":
            text += f"; WARNING: older than {self.warn_days:.0f} days"
        return text


def _period_end(value, period: str) -> tuple[str, datetime]:
    """(the newest period as shown, the instant it ended) of a column's newest value."""
    if period == "month":
        day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        end = datetime(day.year + day.month // 12, day.month % 12 + 1, 1, tzinfo=UTC)
        return f"newest month {day:%Y-%m}, ended {end:%Y-%m-%d}", end
    if period == "year":
        end = datetime(int(value) + 1, 1, 1, tzinfo=UTC)
        return f"newest year {int(value)}, ended {end:%Y-%m-%d}", end
    if period == "tip_edition":
        end = datetime(int(value), 4, 1, tzinfo=UTC)
        return f"newest edition {int(value)}, its reporting period ended {end:%Y-%m-%d}", end
    instant = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    instant = instant if instant.tzinfo else instant.replace(tzinfo=UTC)
    return f"newest article {instant:%Y-%m-%d %H:%M}", instant


def coverage(settings: Settings, sources: Iterable[str], now: datetime | None = None) -> list[Coverage]:
    """The coverage of each source in the published warehouse (state 'none' when there is none)."""
    now = now or datetime.now(UTC)
    sources = list(sources)
    limits = {s: settings.freshness_thresholds(s) for s in sources}

    def none(source: str, note: str, table: str | None = None) -> Coverage:
        warn, error = limits[source]["coverage_warn_days"], limits[source]["coverage_error_days"]
        return Coverage(source, table, None, None, None, warn, error, note)

    if not settings.warehouse_path.exists():
        return [none(s, "no published warehouse yet") for s in sources]
    # Imported here: the DAG files import this module, and parsing them must not load DuckDB.
    import duckdb

    from crossborder.core.warehouse import open_published

    found = []
    con = open_published(settings)
    try:
        for source in sources:
            ends = []
            for table, column, period in COVERAGE.get(source, ()):
                try:
                    (value,) = con.execute(f"select max({column}) from {table}").fetchone()
                except duckdb.Error as exc:
                    ends = [none(source, f"cannot read {table}.{column}: {str(exc).splitlines()[0]}", table)]
                    break
                if value is None:
                    ends = [none(source, f"no data in {table} of the published warehouse", table)]
                    break
                newest, end = _period_end(value, period)
                warn, error = limits[source]["coverage_warn_days"], limits[source]["coverage_error_days"]
                ends.append(Coverage(source, table, newest, end, (now - end).total_seconds() / 86400, warn, error))
            if not ends:
                ends = [none(source, "no coverage measure for this source")]
            found.append(min(ends, key=lambda c: c.covered_until or datetime.min.replace(tzinfo=UTC)))
    finally:
        con.close()
    return found


def check_freshness(settings: Settings, sources: Iterable[str], progress: Progress) -> None:
    """Warn about sources quiet, or whose published data is old, for longer than their cadence; raise
    for those past an error threshold."""
    sources = list(sources)
    stale = []
    for state in [freshness(settings, source) for source in sources] + coverage(settings, sources):
        kind = "freshness" if isinstance(state, Freshness) else "coverage"
        if state.state in ("warning", "error"):
            progress.say(f"    {kind} {state.describe()}")
        if state.state == "error":
            stale.append(state.describe())
    if stale:
        raise StaleSource(f"stale source: {'; '.join(stale)}")
