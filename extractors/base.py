"""What every source shares: its context (client, landing zone, settings), its report, the Source
base class, and the one extract that runs a source's steps."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, ClassVar

from crossborder.core.config import Settings, SourceSettings
from crossborder.core.errors import FetchError
from crossborder.core.fetch_health import Attempt, failed_attempt, record_attempt
from crossborder.core.files import utc_now
from crossborder.core.landing import LandingZone, ManifestEntry
from crossborder.core.progress import Countdown, Progress

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
    # of those, pages that read before: their last good content stays in use (extractors.derive.
    # last_good_content), and the run fails after publishing, naming them
    kept_last_good: int = 0
    not_found: int = 0  # URLs that answered 404 where that is an answer (TIP: not evaluated that year)
    reused: int = 0  # held copies checked recently enough not to be requested again
    failures: list[str] = field(default_factory=list)
    # links found that were not taken, each with its reason (e.g. disallowed by robots.txt): not failures
    links_not_taken: list[str] = field(default_factory=list)

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
                (self.kept_last_good, "of them with their last good copy kept in use"),
                (len(self.links_not_taken), "links not taken"),
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

    def fetch(
        self, url: str, *, kind: str, suffix: str = "", release_id: str | None = None, report: ExtractReport
    ) -> ManifestEntry:
        """Fetch and land one URL, counting it in the report and recording the attempt in the
        source's fetch ledger (crossborder.core.fetch_health), failures included."""
        try:
            entry = self.landing.fetch(self.client, url, kind=kind, suffix=suffix, release_id=release_id)
        except FetchError as exc:
            record_attempt(self.landing.root, failed_attempt(url, utc_now(), exc))
            raise
        outcome = "unchanged" if entry.status == 304 else "downloaded"
        record_attempt(
            self.landing.root, Attempt(url, entry.fetched_at, outcome, entry.status, entry.bytes, entry.sha256)
        )
        report.checked += 1
        if entry.status == 304:
            report.unchanged += 1
        else:
            report.downloaded += 1
        self.progress.fetched(url, entry.status, entry.bytes)
        return entry


class OnFailedItem(Enum):
    """What a work item that could not be landed (a FetchError) means for the extract."""

    FAIL = "fail"  # a failure of the extract, named by URL; the other items still land
    WARN = "warn"  # a warning only: the item is planned again next run


class Source(ABC):
    """A data source: what it lands (plan, then fetch per work item) and what it derives from
    what is landed (refresh_records, offline). The registry (extractors.source) holds one
    instance per source; the CLI runs `extract`, an Airflow DAG maps `fetch` over tasks."""

    name: ClassVar[str]
    # The records folders this source writes (raw/<name>/records/<dataset>/), which dbt reads;
    # their columns are declared in dbt_project.yml (extractors.schema).
    DATASETS: ClassVar[tuple[str, ...]]
    # Of those, the ones staged as Parquet by DuckDB (extractors.staged) rather than gzip NDJSON.
    STAGED_DATASETS: ClassVar[tuple[str, ...]] = ()
    # Bump when parsing changes: records are then re-derived from the raw files already held.
    PARSER_VERSION: ClassVar[int]
    on_failed_item: ClassVar[OnFailedItem] = OnFailedItem.FAIL
    item_noun: ClassVar[str] = "work item"  # what a work item is, in messages

    @abstractmethod
    def plan(self, ctx: ExtractContext, report: ExtractReport) -> list[str]:
        """Discover the work items (e.g. file URLs), landing what was read to find them."""

    def fetch_context(self, ctx: ExtractContext) -> ExtractContext:
        """The context work items are fetched with, made once per run (news widens the allowed hosts)."""
        return ctx

    @abstractmethod
    def fetch(self, ctx: ExtractContext, item: str, report: ExtractReport) -> None:
        """Land one work item; ctx comes from fetch_context."""

    @abstractmethod
    def refresh_records(self, ctx: ExtractContext, report: ExtractReport) -> None:
        """(Re)derive the records of every landed input whose raw files or parser changed. Offline."""

    def extract(self, ctx: ExtractContext) -> ExtractReport:
        """The whole extract in one call: plan, fetch every item, derive the records."""
        return extract_all(self, ctx)


def extract_all(source: Source, ctx: ExtractContext) -> ExtractReport:
    """Plan, fetch every work item (one that cannot be landed is handled by the source's
    on_failed_item; the others still land), then derive the records."""
    report = ExtractReport(source=source.name)
    items = source.plan(ctx, report)
    if items:
        item_ctx = source.fetch_context(ctx)
        countdown = Countdown(ctx.progress, len(items), source.item_noun)
        for item in items:
            try:
                source.fetch(item_ctx, item, report)
            except FetchError as exc:
                if source.on_failed_item is OnFailedItem.WARN:
                    ctx.progress.say(f"    WARNING {source.item_noun} not landed: {exc} (retried next run)")
                else:
                    report.failures.append(str(exc))
            countdown.done()
    source.refresh_records(ctx, report)
    return report
