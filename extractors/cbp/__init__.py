"""U.S. Customs and Border Protection (CBP): nationwide encounters and drug seizures.

The landing pages list CSV releases; each release re-publishes three or four fiscal years.
This package finds the release links (discover), lands every file (fetch), and parses them
into records (parse, records; see docs/cbp-records.md).
"""

from __future__ import annotations

from typing import ClassVar

from extractors.base import ExtractContext, ExtractReport, Source
from extractors.cbp import discover, fetch, records, schema


class CbpSource(Source):
    """CBP: the work items are release file URLs; a file that cannot be landed fails the extract."""

    name: ClassVar[str] = "cbp"
    DATASETS: ClassVar[tuple[str, ...]] = schema.DATASETS
    STAGED_DATASETS: ClassVar[tuple[str, ...]] = schema.DATASETS
    PARSER_VERSION: ClassVar[int] = schema.PARSER_VERSION
    item_noun: ClassVar[str] = "release file"

    def plan(self, ctx: ExtractContext, report: ExtractReport) -> list[str]:
        return discover.plan(ctx, report)

    def fetch(self, ctx: ExtractContext, item: str, report: ExtractReport) -> None:
        fetch.fetch(ctx, item, report)

    def refresh_records(self, ctx: ExtractContext, report: ExtractReport) -> None:
        records.refresh_records(ctx, report)


SOURCE = CbpSource()
