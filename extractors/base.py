"""What every extractor shares: its context (client, landing zone, settings) and its report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from crossborder.core.config import Settings, SourceSettings
from crossborder.core.landing import LandingZone
from crossborder.core.progress import Progress

if TYPE_CHECKING:
    from crossborder.core.http import HttpClient


@dataclass
class ExtractReport:
    source: str
    checked: int = 0  # URLs requested
    downloaded: int = 0  # of those, new content landed
    unchanged: int = 0  # of those, answered 304 Not Modified (nothing downloaded)
    records: dict[str, int] = field(default_factory=dict)  # dataset -> records (re)written this run
    rejected_rows: int = 0
    quarantined: int = 0  # pages that could not be read, set aside with the reason (not failures)
    not_found: int = 0  # URLs that answered 404 where that is an answer (TIP: not evaluated that year)
    reused: int = 0  # held copies checked recently enough not to be requested again
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        written = (
            ", ".join(f"{n} {dataset} records" for dataset, n in sorted(self.records.items())) or "no records rewritten"
        )
        line = (
            f"{self.source}: {self.checked} URLs checked, {self.downloaded} downloaded, "
            f"{self.unchanged} unchanged; {written}; {self.rejected_rows} rows rejected"
        )
        extras = [
            f"{n} {what}"
            for n, what in (
                (self.reused, "reused (checked recently)"),
                (self.not_found, "not found (404)"),
                (self.quarantined, "pages quarantined"),
            )
            if n
        ]
        if extras:
            line += "; " + ", ".join(extras)
        if self.failures:
            line += f"; {len(self.failures)} failed"
        return line


@dataclass
class ExtractContext:
    settings: Settings
    source: SourceSettings
    client: HttpClient
    landing: LandingZone
    progress: Progress

    @classmethod
    def create(cls, settings: Settings, source_name: str, progress: Progress | None = None) -> ExtractContext:
        # Imported here: DAG files import this module, and the dag-processor must not load requests.
        from crossborder.core.http import HttpClient

        progress = progress or Progress()
        source = settings.source(source_name)
        client = HttpClient(settings.http, source_name, source.allowed_hosts, on_progress=progress.download)
        return cls(settings, source, client, LandingZone(settings.raw_dir, source_name), progress)

    def fetch(self, url: str, *, kind: str, suffix: str = "", release_id: str | None = None, report: ExtractReport):
        """Fetch and land one URL, counting it in the report."""
        entry = self.landing.fetch(self.client, url, kind=kind, suffix=suffix, release_id=release_id)
        report.checked += 1
        if entry.status == 304:
            report.unchanged += 1
        else:
            report.downloaded += 1
        self.progress.fetched(url, entry.status, entry.bytes)
        return entry


def extract_all(ctx: ExtractContext, source: str, plan, fetch, refresh_records) -> ExtractReport:
    """The whole extract in one call: plan, fetch every item (a failed item is reported and the
    others still land), then derive the records."""
    from crossborder.core.http import FetchError

    report = ExtractReport(source=source)
    for item in plan(ctx, report):
        try:
            fetch(ctx, item, report)
        except FetchError as exc:
            report.failures.append(str(exc))
    refresh_records(ctx, report)
    return report
