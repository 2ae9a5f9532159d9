"""U.S. State Department, Trafficking in Persons (TIP) Report: every country's placement and narrative.

For each edition (report year) discover fetches the report's index page, from the main site or,
when the main site no longer has the edition, from the archive host, and collects the country
page links; fetch lands every country page (politely, conditionally); parse and records turn
them into three records datasets.

State lives in the landing zone only: the manifest says what was landed from where and when,
`not_found.jsonl` which URLs answered 404 (a country not evaluated that edition), and
`quarantine/<year>.jsonl` which pages could not be read and why. See docs/tip.md.
"""

from __future__ import annotations

from typing import ClassVar

from extractors.base import ExtractContext, ExtractReport, Source
from extractors.tip import discover, fetch, records, schema


class TipSource(Source):
    """TIP: the work items are country page URLs; a page that cannot be landed fails the extract
    (a 404 is an answer, not a failure), and the edition is derived once all its pages are held."""

    name: ClassVar[str] = "tip"
    DATASETS: ClassVar[tuple[str, ...]] = schema.DATASETS
    PARSER_VERSION: ClassVar[int] = schema.PARSER_VERSION
    item_noun: ClassVar[str] = "country page"

    def plan(self, ctx: ExtractContext, report: ExtractReport) -> list[str]:
        return discover.plan(ctx, report)

    def fetch(self, ctx: ExtractContext, item: str, report: ExtractReport) -> None:
        fetch.fetch(ctx, item, report)

    def refresh_records(self, ctx: ExtractContext, report: ExtractReport) -> None:
        records.refresh_records(ctx, report)


SOURCE = TipSource()
