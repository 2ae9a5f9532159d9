"""Landing one article page (robots.txt obeyed, rate limited, size capped by the shared client)."""

from __future__ import annotations

from urllib.parse import urlsplit

from crossborder.core.errors import CrossborderError
from extractors.base import ExtractContext, ExtractReport
from extractors.news.feeds import load_config, news_context
from extractors.news.schema import SUFFIX


def fetch_context(ctx: ExtractContext) -> ExtractContext:
    """The context article pages are fetched with: allowed on the feeds file's hosts."""
    return news_context(ctx, load_config(ctx))


def fetch(ctx: ExtractContext, item: str, report: ExtractReport) -> None:
    """Land one article page (a work item from plan); ctx from fetch_context."""
    if urlsplit(item).scheme not in ("http", "https"):
        raise CrossborderError(f"news: {item!r} is not an article URL")
    ctx.fetch(item, kind="article", suffix=SUFFIX["article"], report=report)
