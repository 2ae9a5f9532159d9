"""Finding the news source's work items: fetch every feed and GDELT query of the feeds file
(conditional GET; each new version of a feed is kept in the landing zone) and return the article
pages still to land: items of `full_text` feeds whose page is on an allowed host and has never
been landed (incremental: the landing zone's manifest is the state)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

from crossborder.core.http import FetchError
from crossborder.core.landing import ManifestEntry
from extractors.base import ExtractContext, ExtractReport
from extractors.news.feeds import Feed, NewsConfig, client_timing, load_config, news_context
from extractors.news.parse import FeedError, FeedInfo, GdeltQueryRejected, GdeltRateLimited, parse_feed, parse_gdelt
from extractors.news.schema import GDELT_INTERVAL_S, SUFFIX


class GdeltQueryFailed(FeedError):
    """A GDELT query that gave no articles: rejected by GDELT, or still rate limited after the retries."""


def plan(ctx: ExtractContext, report: ExtractReport) -> list[str]:
    """Fetch every feed and GDELT query; return the article pages still to land (the work items).

    A feed or query that cannot be fetched or that GDELT refuses is a warning (the others still
    load); none at all, a failure."""
    config = load_config(ctx)
    nctx = news_context(ctx, config)
    held = set(nctx.landing.latest_by_url(kind="article"))
    problems: list[str] = []
    wanted: dict[str, None] = {}
    gdelt_turn = _gdelt_pacer(nctx, polite=ctx.settings.http.requests_per_second_per_host > 0)
    for feed in config.feeds:
        try:
            if feed.kind == "gdelt":
                entry = _fetch_gdelt(nctx, feed, config, gdelt_turn, report)
            else:
                entry = nctx.fetch(feed.url, kind="feed", suffix=SUFFIX["feed"], release_id=feed.name, report=report)
        except (FetchError, GdeltQueryFailed) as exc:
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


def _gdelt_pacer(nctx: ExtractContext, *, polite: bool) -> Callable[[], None]:
    """A wait before each GDELT request: at most one every GDELT_INTERVAL_S (none when politeness is off)."""
    sleep, clock = client_timing(nctx.client)
    last: list[float] = []

    def wait_turn() -> None:
        if polite and last:
            sleep(max(0.0, GDELT_INTERVAL_S - (clock() - last[0])))
        last[:] = [clock()]

    return wait_turn


def _fetch_gdelt(
    nctx: ExtractContext, feed: Feed, config: NewsConfig, wait_turn: Callable[[], None], report: ExtractReport
) -> ManifestEntry:
    """Fetch one GDELT query, asking again after gdelt_retry_interval_s while GDELT answers its
    rate-limit notice (up to gdelt_rate_limit_attempts in all). Every answer is landed as served;
    GdeltQueryFailed names the query when GDELT rejects it or is still rate limiting."""
    sleep, _ = client_timing(nctx.client)
    attempts, interval = config.gdelt_rate_limit_attempts, config.gdelt_retry_interval_s
    what = f"news: GDELT query {feed.name} ({feed.query!r})"
    attempt = 1
    while True:
        wait_turn()
        entry = nctx.fetch(feed.url, kind="gdelt", suffix=SUFFIX["gdelt"], release_id=feed.name, report=report)
        info = FeedInfo(feed.name, feed.url, entry.sha256, entry.fetched_at)
        try:
            parse_gdelt(nctx.landing.object_path(entry).read_bytes(), info)
        except GdeltRateLimited as exc:
            if attempt >= attempts:
                raise GdeltQueryFailed(
                    f"{what}: still rate limited after {attempts} attempts {interval:g} s apart "
                    f"(GDELT: {exc.notice!r}); asked again next run"
                ) from None
            nctx.progress.say(f"    {what}: GDELT asks to slow down; asking again in {interval:g} s")
            sleep(interval)
            attempt += 1
            continue
        except GdeltQueryRejected as exc:
            raise GdeltQueryFailed(f"{what} rejected by GDELT: {exc.notice!r}; fix it in {config.path}") from None
        except FeedError:
            pass  # another unreadable answer: refresh_records quarantines it with the reason
        return entry
