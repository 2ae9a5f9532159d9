"""Statistics Canada: police-reported trafficking in persons (table 35-10-0177-01).

Table 35-10-0177-01 (Uniform Crime Reporting survey, incident-based crime statistics by detailed
violation, Canada, provinces, territories, census metropolitan areas and the Canadian Forces
Military Police) comes from the Web Data Service (WDS) as a full-table CSV in a zip:

1. discover: GET {base_url}/t1/wds/rest/getFullTableDownloadCSV/35100177/en, a small JSON answer
   `{"status": "SUCCESS", "object": "<zip URL>"}` (landed, kind "page"); the zip URL is the one
   work item. When base_url is a mirror and the answer names an official host, the zip URL is
   rewritten onto the mirror (same path), so a mirror never sends the client to the real site.
2. fetch: land the zip (kind "file"; conditional GET, size cap, streamed to disk by HttpClient).
3. records / parse: copy the zip's `35100177.csv` member out (in chunks) and stage it with
   DuckDB as one Parquet records file (extractors.csv_staging): DuckDB lists the table's
   violations, Python picks the trafficking-related ones (`is_trafficking_violation`), and only
   their rows are written, every geography and statistic, as published, typed in SQL. No row
   passes through Python; memory stays within [duckdb] memory_limit whatever the table's size.

Why the full-table download and not the vector API: see docs/statcan.md.
"""

from __future__ import annotations

from typing import ClassVar

from extractors.base import ExtractContext, ExtractReport, Source
from extractors.statcan import discover, fetch, records, schema


class StatcanSource(Source):
    """StatCan: the one work item is the table's full-table zip; failing to land it fails the extract."""

    name: ClassVar[str] = "statcan"
    DATASETS: ClassVar[tuple[str, ...]] = schema.DATASETS
    PARSER_VERSION: ClassVar[int] = schema.PARSER_VERSION
    STAGED_DATASETS: ClassVar[tuple[str, ...]] = schema.DATASETS
    item_noun: ClassVar[str] = "full-table zip"

    def plan(self, ctx: ExtractContext, report: ExtractReport) -> list[str]:
        return discover.plan(ctx, report)

    def fetch(self, ctx: ExtractContext, item: str, report: ExtractReport) -> None:
        fetch.fetch(ctx, item, report)

    def refresh_records(self, ctx: ExtractContext, report: ExtractReport) -> None:
        records.refresh_records(ctx, report)


SOURCE = StatcanSource()
