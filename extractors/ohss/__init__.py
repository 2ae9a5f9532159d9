"""DHS Office of Homeland Security Statistics (OHSS): Border Patrol encounters since FY2000.

OHSS's "Known Homeland Security Metrics" publish CBP encounter history as Excel workbooks:
`KHSM Encounters (USBP) fy25m11.xlsx`, sixteen sheets of annual and monthly counts by
citizenship, region, family status and sector, from FY2000, every cell rounded to tens.

1. discover: GET {base_url}{landing_page} (/khsm/cbp-encounters, landed, kind "page"); its
   USBP workbook links are the work items.
2. fetch: land each workbook (kind "file"; conditional GET, size cap).
3. records / parse: read every sheet (python-calamine) into the `annual` and `monthly` records,
   one row per published cell, as published (never re-derived). See docs/ohss.md.
"""

from __future__ import annotations

from typing import ClassVar

from extractors.base import ExtractContext, ExtractReport, Source
from extractors.ohss import discover, fetch, records, schema


class OhssSource(Source):
    """OHSS: the work items are the Border Patrol workbooks linked from the landing page."""

    name: ClassVar[str] = "ohss"
    DATASETS: ClassVar[tuple[str, ...]] = schema.DATASETS
    PARSER_VERSION: ClassVar[int] = schema.PARSER_VERSION
    item_noun: ClassVar[str] = "workbook"

    def plan(self, ctx: ExtractContext, report: ExtractReport) -> list[str]:
        return discover.plan(ctx, report)

    def fetch(self, ctx: ExtractContext, item: str, report: ExtractReport) -> None:
        fetch.fetch(ctx, item, report)

    def refresh_records(self, ctx: ExtractContext, report: ExtractReport) -> None:
        records.refresh_records(ctx, report)


SOURCE = OhssSource()
