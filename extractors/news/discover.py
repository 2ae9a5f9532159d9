"""Finding the news source's work items: fetch every feed and GDELT query of the feeds file
(conditional GET; each new version of a feed is kept in the landing zone) and return the article
pages still to land: items of `full_text` feeds whose page is on an allowed host and has never
been landed (incremental: the landing zone's manifest is the state)."""

from __future__ import annotations

import time
from urllib.parse import urljoin, urlsplit

from crossborder.core.http import FetchError
from extractors.base import ExtractContext, ExtractReport
from extractors.news.feeds import load_config, news_context
from extractors.news.parse import FeedError, FeedInfo, parse_feed
from extractors.news.schema import GDELT_INTERVAL_S, SUFFIX


def plan(ctx: ExtractContext, report: ExtractReport) -> list[str]:
    """Fetch every feed and GDELT query; return the article pages still to land (the work items).

    A feed that cannot be fetched is a warning (the others still load); none at all, a failure."""
    config = load_config(ctx)
    nctx = news_context(ctx, config)
    held = set(nctx.landing.latest_by_url(kind="article"))
    problems: list[str] = []
    wanted: dict[str, None] = {}
    last_gdelt = None
    for feed in config.feeds:
        if feed.kind == "gdelt" and ctx.settings.http.requests_per_second_per_host > 0:
            if last_gdelt is not None:
                time.sleep(max(0.0, GDELT_INTERVAL_S - (time.monotonic() - last_gdelt)))
            last_gdelt = time.monotonic()
        try:
            entry = nctx.fetch(feed.url, kind=feed.kind, suffix=SUFFIX[feed.kind], release_id=feed.name, report=report)
        except FetchError as exc:
            problems.append(str(exc))
            ctx.progress.say(f"    WARNING {exc} (the other feeds still load)")
            continue
        if not feed.full_text:
            continue
        try:
            _, raw_items, _ = parse_feed(
                nctx.landing.object_path(entry).read_bytes(),
                FeedInfo(feed.name, feed.url, entry.sha256, entry.fetched_at),
            )
        except FeedError:
            continue  # refresh_records quarantines it with the reason
        for raw in raw_items:
            link = urljoin(feed.url, raw["link_url"]) if raw["link_url"] else ""
            new = urlsplit(link).scheme in ("http", "https") and link not in held and link not in wanted
            if new and (urlsplit(link).hostname or "").lower() in nctx.client.allowed_hosts:
                wanted[link] = None
    if problems and len(problems) == len(config.feeds):
        report.failures.extend(problems)  # nothing could be fetched at all: that is a failure
    items = list(wanted)
    if len(items) > config.max_articles_per_run:
        ctx.progress.say(
            f"    {len(items)} new article pages; fetching {config.max_articles_per_run} this run, the rest next run"
        )
        items = items[: config.max_articles_per_run]
    return items
