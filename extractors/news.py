"""News on trafficking and border crime: RSS 2.0 / Atom feeds and GDELT DOC 2.0 queries.

- plan: fetch every feed and GDELT query of the feeds file (conditional GET; each new version of
  a feed is kept in the landing zone) and return the article pages still to fetch: items of
  `full_text` feeds whose page is on an allowed host and has never been landed (incremental:
  the landing zone's manifest is the state).
- fetch: land one article page (robots.txt obeyed, rate limited, size capped by the shared client).
- refresh_records: derive, offline, one records file per landed feed version (dataset `items`)
  and per landed page (dataset `pages`). Every version of a feed ever landed stays a records
  file, so items that dropped off a feed are kept; dbt merges them into one row per article.
  A malformed or unsafe feed is quarantined (a `.rejected.jsonl` file with the reason beside the
  records, the raw copy kept) and the other feeds still load.

The feeds file is config/news_feeds.yaml (CROSSBORDER_NEWS_CONFIG names another). Its hosts are
the only hosts fetched. With a mirror ([sources.news] base_url set, as `crossborder run --demo`
does) the `mirror_feeds_file` is read instead, whose relative URLs resolve against the mirror.
See docs/news.md.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import yaml

from crossborder.core.config import PROJECT_ROOT
from crossborder.core.errors import CrossborderError
from crossborder.core.http import FetchError, HttpClient
from extractors.base import ExtractContext, ExtractReport
from extractors.news_parse import FeedError, FeedInfo, parse_document, parse_feed, parse_page
from extractors.news_tagging import Tagger

SOURCE = "news"
# The records folders this source writes (raw/news/records/<dataset>/), which dbt reads.
DATASETS = ("items", "pages")
# Bump when parsing changes: records are then re-derived from the raw files already held.
PARSER_VERSION = 1
PAGE_PARSER_VERSION = 2

ENV_FEEDS_FILE = "CROSSBORDER_NEWS_CONFIG"
ENV_GDELT_BASE_URL = "CROSSBORDER_GDELT_BASE_URL"
GDELT_PATH = "/api/v2/doc/doc"
# GDELT asks for at most one request every 5 seconds (waived when politeness is off: tests, demo).
GDELT_INTERVAL_S = 5.0
SUFFIX = {"feed": ".xml", "gdelt": ".json", "article": ".html"}


@dataclass(frozen=True)
class Feed:
    name: str
    url: str
    kind: str  # "feed" (RSS / Atom) or "gdelt"
    full_text: bool = False


@dataclass(frozen=True)
class NewsConfig:
    path: Path
    feeds: tuple[Feed, ...]
    article_hosts: frozenset[str]
    max_articles_per_run: int

    @property
    def hosts(self) -> frozenset[str]:
        return frozenset({(urlsplit(f.url).hostname or "").lower() for f in self.feeds} | self.article_hosts) - {""}


def _resolve(path: Path) -> Path:
    return path if path.is_absolute() else PROJECT_ROOT / path


def feeds_file(ctx: ExtractContext) -> Path:
    """CROSSBORDER_NEWS_CONFIG, else the mirror's feeds file when a mirror is set, else the default."""
    if os.environ.get(ENV_FEEDS_FILE):
        return _resolve(Path(os.environ[ENV_FEEDS_FILE]))
    option = "mirror_feeds_file" if ctx.source.base_url else "feeds_file"
    return _resolve(Path(ctx.source.option(option)))


def load_config(ctx: ExtractContext) -> NewsConfig:
    """Read and check the feeds file; relative URLs resolve against [sources.news] base_url."""
    path = feeds_file(ctx)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise CrossborderError(
            f"news: feeds file {path} not found (set {ENV_FEEDS_FILE} or [sources.news] feeds_file)"
        ) from None
    except yaml.YAMLError as exc:
        raise CrossborderError(f"news: feeds file {path} is not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise CrossborderError(f"news: feeds file {path} must hold a mapping with `feeds` and/or `gdelt`")

    def absolute(url: str, what: str) -> str:
        url = str(url or "").strip()
        if urlsplit(url).scheme in ("http", "https"):
            return url
        if not url or not ctx.source.base_url:
            raise CrossborderError(
                f"news: feeds file {path}: {what} has URL {url!r}, which is not an absolute http(s) URL "
                f"(relative URLs need [sources.news] base_url)"
            )
        return ctx.source.url(url)

    feeds: list[Feed] = []
    for number, spec in enumerate(raw.get("feeds") or [], 1):
        if not isinstance(spec, dict) or not spec.get("name") or not spec.get("url"):
            raise CrossborderError(f"news: feeds file {path}: feed #{number} needs a `name` and a `url`")
        feeds.append(
            Feed(
                str(spec["name"]),
                absolute(spec["url"], f"feed {spec['name']!r}"),
                "feed",
                bool(spec.get("full_text", False)),
            )
        )
    gdelt = raw.get("gdelt") or {}
    if gdelt.get("queries"):
        base = os.environ.get(ENV_GDELT_BASE_URL) or absolute(gdelt.get("base_url") or "", "gdelt.base_url")
        for number, spec in enumerate(gdelt["queries"], 1):
            if not isinstance(spec, dict) or not spec.get("name") or not spec.get("query"):
                raise CrossborderError(f"news: feeds file {path}: gdelt query #{number} needs a `name` and a `query`")
            params = {
                "query": spec["query"],
                "mode": "ArtList",
                "format": "json",
                "timespan": str(spec.get("timespan") or gdelt.get("timespan") or "7d"),
                "maxrecords": int(spec.get("max_records") or gdelt.get("max_records") or 75),
                "sort": "DateDesc",
            }
            feeds.append(Feed(str(spec["name"]), base.rstrip("/") + GDELT_PATH + "?" + urlencode(params), "gdelt"))
    names = [f.name for f in feeds]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise CrossborderError(f"news: feeds file {path}: duplicate names {', '.join(duplicates)}")
    if not feeds:
        raise CrossborderError(f"news: feeds file {path} names no feeds and no GDELT queries")
    return NewsConfig(
        path=path,
        feeds=tuple(feeds),
        article_hosts=frozenset(str(h).lower() for h in raw.get("article_hosts") or []),
        max_articles_per_run=int(raw.get("max_articles_per_run", 50)),
    )


def news_context(ctx: ExtractContext, config: NewsConfig) -> ExtractContext:
    """The context with a client allowed on the feeds file's hosts and capped at the news size limit."""
    http = ctx.settings.http
    cap = int(ctx.source.options.get("max_bytes", http.max_bytes))
    client = HttpClient(
        replace(http, max_bytes=min(cap, http.max_bytes)),
        SOURCE,
        ctx.source.allowed_hosts | config.hosts,
        on_progress=ctx.progress.download,
    )
    return replace(ctx, client=client)


def tagger(ctx: ExtractContext) -> Tagger:
    return Tagger.from_file(_resolve(Path(ctx.source.option("topics_file"))))


# -- extraction ----------------------------------------------------------------------------------
def plan(ctx: ExtractContext, report: ExtractReport) -> list[str]:
    """Fetch every feed and GDELT query; return the article pages still to land (the work items)."""
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
            if urlsplit(link).scheme in ("http", "https") and link not in held and link not in wanted:
                if (urlsplit(link).hostname or "").lower() in nctx.client.allowed_hosts:
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


def fetch(ctx: ExtractContext, item: str, report: ExtractReport) -> None:
    """Land one article page (a work item from plan)."""
    if urlsplit(item).scheme not in ("http", "https"):
        raise CrossborderError(f"news: {item!r} is not an article URL")
    nctx = news_context(ctx, load_config(ctx))
    nctx.fetch(item, kind="article", suffix=SUFFIX["article"], report=report)


def extract(ctx: ExtractContext) -> ExtractReport:
    """plan, fetch every article page, then refresh the records: the whole extract in one call."""
    report = ExtractReport(source=SOURCE)
    items = plan(ctx, report)
    if items:
        nctx = news_context(ctx, load_config(ctx))
        for item in items:
            try:
                nctx.fetch(item, kind="article", suffix=SUFFIX["article"], report=report)
            except FetchError as exc:
                ctx.progress.say(f"    WARNING article page not landed: {exc} (retried next run)")
    refresh_records(ctx, report)
    return report


# -- records -------------------------------------------------------------------------------------
def _first_landings(ctx: ExtractContext, kinds: tuple[str, ...]) -> dict[str, list]:
    """sha256 -> the first landing (status 200) of each URL that delivered that content."""
    found: dict[str, dict[str, object]] = {}
    for entry in ctx.landing.entries():
        if entry.kind in kinds and entry.status == 200 and entry.sha256:
            found.setdefault(entry.sha256, {}).setdefault(entry.url, entry)
    return {sha: list(by_url.values()) for sha, by_url in found.items()}


def refresh_records(ctx: ExtractContext, report: ExtractReport) -> None:
    """(Re)derive records for every landed feed version and page whose parser or rules changed. Offline."""
    rules = tagger(ctx)
    version = f"{PARSER_VERSION}:{rules.version}"
    landing = ctx.landing
    for sha, entries in _first_landings(ctx, ("feed", "gdelt")).items():
        entry = entries[0]
        meta = landing.read_meta("items", sha)
        if meta and meta.get("version") == version:
            continue
        raw_path = landing.object_path(entry)
        info = FeedInfo(entry.release_id or entry.url, entry.url, sha, entry.fetched_at)
        try:
            records, rejects = parse_document(entry.kind, raw_path.read_bytes(), info, rules)
        except FeedError as exc:
            landing.records_path("items", sha).unlink(missing_ok=True)
            landing.write_rejects(
                "items",
                sha,
                [
                    {
                        "url": entry.url,
                        "feed_name": info.name,
                        "raw_file": str(raw_path),
                        "reason": f"feed quarantined: {exc}",
                    }
                ],
            )
            landing.write_meta(
                "items", sha, {"version": version, "url": entry.url, "quarantined": True, "reason": str(exc)}
            )
            report.rejected_rows += 1
            ctx.progress.say(
                f"    QUARANTINED news feed {info.name}: {exc}; raw copy kept at {raw_path}; other feeds still load"
            )
            continue
        except OSError as exc:
            report.failures.append(f"news: {entry.url}: cannot read raw copy {raw_path}: {exc}")
            continue
        count = landing.write_records("items", sha, records)
        for reject in rejects:
            reject.update(url=entry.url, feed_name=info.name)
        landing.write_rejects("items", sha, rejects)
        landing.write_meta(
            "items",
            sha,
            {
                "version": version,
                "url": entry.url,
                "feed_name": info.name,
                "records": count,
                "rejected_rows": len(rejects),
            },
        )
        report.records["items"] = report.records.get("items", 0) + count
        report.rejected_rows += len(rejects)
        if rejects:
            ctx.progress.say(
                f"    {entry.url}: {len(rejects)} items rejected (first: {rejects[0]['reason']}); "
                f"listed in {landing.root / 'records' / 'items' / (sha + '.rejected.jsonl')}"
            )

    for sha, entries in _first_landings(ctx, ("article",)).items():
        meta = landing.read_meta("pages", sha)
        if meta and meta.get("version") == PAGE_PARSER_VERSION:
            continue
        raw_path = landing.object_path(entries[0])
        try:
            html = raw_path.read_bytes()
        except OSError as exc:
            report.failures.append(f"news: {entries[0].url}: cannot read raw copy {raw_path}: {exc}")
            continue
        records = []
        for entry in entries:
            try:
                page = parse_page(html, entry.url, entry.final_url or entry.url)
                error = None
            except Exception as exc:
                page = parse_page_fallback(entry.url, entry.final_url or entry.url)
                error = f"{type(exc).__name__}: {exc}"[:500]
            records.append({**page, "extract_error": error, "html_sha256": sha, "fetched_at": entry.fetched_at})
        count = landing.write_records("pages", sha, records)
        landing.write_meta(
            "pages", sha, {"version": PAGE_PARSER_VERSION, "urls": [e.url for e in entries], "records": count}
        )
        report.records["pages"] = report.records.get("pages", 0) + count


def parse_page_fallback(url: str, final_url: str) -> dict:
    from extractors.news_parse import canonical_url

    return {
        "url": url,
        "final_url": final_url,
        "canonical_url": canonical_url(final_url),
        "canonical_from": "final_url",
        "page_title": None,
        "text": None,
        "text_length": 0,
        "extractor": None,
    }
