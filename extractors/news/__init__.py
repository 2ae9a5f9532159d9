"""News on trafficking and border crime: RSS 2.0 / Atom feeds and GDELT DOC 2.0 queries.

discover fetches every feed and GDELT query of the feeds file (feeds) and plans the article pages
of `full_text` feeds not landed yet; fetch lands one article page; parse, tagging and records
derive, offline, the `items` of every landed feed version and the `pages`. See docs/news.md.
"""

from __future__ import annotations

from typing import ClassVar

from extractors.base import ExtractContext, ExtractReport, OnFailedItem, Source
from extractors.news import discover, fetch, records, schema


class NewsSource(Source):
    """News: the work items are article pages; one that cannot be landed is a warning only, and
    is planned again next run (a feed that cannot be fetched is a warning too, unless none can)."""

    name: ClassVar[str] = "news"
    DATASETS: ClassVar[tuple[str, ...]] = schema.DATASETS
    PARSER_VERSION: ClassVar[int] = schema.PARSER_VERSION
    on_failed_item: ClassVar[OnFailedItem] = OnFailedItem.WARN
    item_noun: ClassVar[str] = "article page"

    def plan(self, ctx: ExtractContext, report: ExtractReport) -> list[str]:
        return discover.plan(ctx, report)

    def fetch_context(self, ctx: ExtractContext) -> ExtractContext:
        return fetch.fetch_context(ctx)

    def fetch(self, ctx: ExtractContext, item: str, report: ExtractReport) -> None:
        fetch.fetch(ctx, item, report)

    def refresh_records(self, ctx: ExtractContext, report: ExtractReport) -> None:
        records.refresh_records(ctx, report)


SOURCE = NewsSource()
