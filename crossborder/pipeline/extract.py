"""The extract step: sources -> landing zone (files only; extracts of different sources may run at once)."""

from __future__ import annotations

from collections.abc import Iterable

import extractors
from crossborder.core.config import Settings
from crossborder.core.errors import CrossborderError, SourceBlocked
from crossborder.core.fetch_health import read_attempts, source_health
from crossborder.core.files import file_lock, private_files, utc_now
from crossborder.core.landing import LandingZone
from crossborder.core.progress import Progress
from extractors.base import ExtractContext, ExtractReport


def _source_lock(settings: Settings, source: str):
    return file_lock(settings.raw_dir / source / ".lock", f"an extract of {source}")


def extract(settings: Settings, sources: Iterable[str], progress: Progress) -> list[ExtractReport]:
    """Land what is new for each source. Raises after all sources ran if any of them failed.

    A source whose server blocked this run's requests is not an extract failure: its last good data
    stays in use, the warehouse is built and published with it, and the run's fetch-health step
    fails afterwards naming the block (check_fetch_health)."""
    private_files()
    reports, blocked = [], set()
    for name in sources:
        found = extractors.source(name)
        with progress.step(f"extract {name}"), _source_lock(settings, name):
            context = ExtractContext.create(settings, name, progress)
            context.landing.remove_stale_downloads()
            started = utc_now()
            report = found.extract(context)
        progress.say(f"    {report.summary()}")
        for failure in report.failures:
            progress.say(f"    FAILED {failure}")
        attempts = read_attempts(context.landing.root)
        if any(a.outcome == "blocked" and a.at >= started for a in attempts):
            blocked.add(name)
            progress.say(f"    BLOCKED: {source_health(name, attempts).describe()}; its last good data stays in use")
        reports.append(report)
    failed = [r for r in reports if not r.ok and r.source not in blocked]
    if failed:
        first = failed[0].failures[0]
        count = sum(len(r.failures) for r in failed)
        raise CrossborderError(f"extract failed ({count} problem{'s' if count > 1 else ''}); first: {first}")
    return reports


def _raise_failures(report: ExtractReport) -> None:
    if report.failures:
        more = f" (and {len(report.failures) - 1} more)" if len(report.failures) > 1 else ""
        raise CrossborderError(f"{report.failures[0]}{more}")


# The extract split in three, for schedulers that map one task per file (the Airflow DAGs).
def plan_extract(settings: Settings, source: str, progress: Progress) -> list[str]:
    """Discover a source's work items (file URLs); raises if discovery failed."""
    report = ExtractReport(source=source)
    items = extractors.source(source).plan(ExtractContext.create(settings, source, progress), report)
    _raise_failures(report)
    return items


def fetch_item(settings: Settings, source: str, item: str, progress: Progress) -> dict:
    """Land one work item; returns what happened (for task logs and XCom)."""
    report = ExtractReport(source=source)
    found = extractors.source(source)
    found.fetch(found.fetch_context(ExtractContext.create(settings, source, progress)), item, report)
    return {"item": item, "downloaded": report.downloaded, "unchanged": report.unchanged}


def finish_extract(settings: Settings, source: str, progress: Progress) -> ExtractReport:
    """Derive records from everything landed; raises naming the file if any could not be parsed."""
    with _source_lock(settings, source):
        report = ExtractReport(source=source)
        extractors.source(source).refresh_records(ExtractContext.create(settings, source, progress), report)
    _raise_failures(report)
    return report


def refresh(settings: Settings, sources: Iterable[str], progress: Progress) -> list[ExtractReport]:
    """Re-derive records from the raw files already landed (no network)."""
    return [finish_extract(settings, name, progress) for name in sources]


def check_fetch_health(settings: Settings, sources: Iterable[str], progress: Progress) -> None:
    """Raise naming the sources whose servers block this client (their last good data was published)."""
    blocked = []
    for name in sources:
        health = source_health(name, read_attempts(LandingZone(settings.raw_dir, name).root))
        if health.state == "blocked":
            blocked.append(health.describe())
            progress.say(f"    {health.describe()}")
    if blocked:
        more = f" (and {len(blocked) - 1} more)" if len(blocked) > 1 else ""
        raise SourceBlocked(f"{blocked[0]}{more}; the last good data of what is blocked stays published")
