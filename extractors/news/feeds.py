"""The news source's configuration: the feeds file (feeds, GDELT queries, article hosts), the
context its fetches use, and the tagging rules.

The feeds file is config/news_feeds.yaml (CROSSBORDER_NEWS_CONFIG names another). Its hosts are
the only hosts fetched. With a mirror ([sources.news] base_url set, as `crossborder run --demo`
does) the `mirror_feeds_file` is read instead, whose relative URLs resolve against the mirror.
Its `gdelt` section may set `retry_interval_s` and `rate_limit_attempts`: how a query GDELT
answers with its rate-limit notice is asked again (defaults in schema).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

import yaml

from crossborder.core.config import PROJECT_ROOT
from crossborder.core.errors import CrossborderError
from crossborder.core.http import HttpClient
from extractors.base import ExtractContext
from extractors.news.schema import GDELT_PATH, GDELT_RATE_LIMIT_ATTEMPTS, GDELT_RETRY_INTERVAL_S
from extractors.news.tagging import Tagger

ENV_FEEDS_FILE = "CROSSBORDER_NEWS_CONFIG"
ENV_GDELT_BASE_URL = "CROSSBORDER_GDELT_BASE_URL"


@dataclass(frozen=True)
class Feed:
    name: str
    url: str
    kind: str  # "feed" (RSS / Atom) or "gdelt"
    full_text: bool = False
    query: str | None = None  # a GDELT query's text, as the feeds file gives it


@dataclass(frozen=True)
class NewsConfig:
    path: Path
    feeds: tuple[Feed, ...]
    article_hosts: frozenset[str]
    max_articles_per_run: int
    # A GDELT query answered with the rate-limit notice is asked again after this long, up to
    # gdelt_rate_limit_attempts times in all (the feeds file's gdelt.retry_interval_s / rate_limit_attempts).
    gdelt_retry_interval_s: float = GDELT_RETRY_INTERVAL_S
    gdelt_rate_limit_attempts: int = GDELT_RATE_LIMIT_ATTEMPTS

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
            url = base.rstrip("/") + GDELT_PATH + "?" + urlencode(params)
            feeds.append(Feed(str(spec["name"]), url, "gdelt", query=str(spec["query"])))
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
        gdelt_retry_interval_s=_number(gdelt, "retry_interval_s", GDELT_RETRY_INTERVAL_S, float, path),
        gdelt_rate_limit_attempts=_number(gdelt, "rate_limit_attempts", GDELT_RATE_LIMIT_ATTEMPTS, int, path),
    )


N = TypeVar("N", int, float)


def _number(section: dict[str, Any], key: str, default: N, kind: type[N], path: Path) -> N:
    """A positive number of the feeds file's gdelt section, or the default when it is not set."""
    value = section.get(key)
    if value is None:
        return default
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0
    if not ok or (kind is int and not float(value).is_integer()):
        what = "a positive whole number" if kind is int else "a positive number"
        raise CrossborderError(f"news: feeds file {path}: gdelt.{key} = {value!r} is not {what}")
    return kind(value)


def news_context(ctx: ExtractContext, config: NewsConfig) -> ExtractContext:
    """The context with a client allowed on the feeds file's hosts and capped at the news size limit."""
    http = ctx.settings.http
    cap = int(ctx.source.options.get("max_bytes", http.max_bytes))
    sleep, clock = client_timing(ctx.client)
    client = HttpClient(
        replace(http, max_bytes=min(cap, http.max_bytes)),
        ctx.source.name,
        ctx.source.allowed_hosts | config.hosts,
        sleep=sleep,
        clock=clock,
        on_progress=ctx.progress.download,
    )
    return replace(ctx, client=client)


def client_timing(client: HttpClient) -> tuple[Callable[[float], None], Callable[[], float]]:
    """The sleep and clock a client waits with (tests give one that records the waits instead)."""
    return client.sleep, client.clock


def tagger(ctx: ExtractContext) -> Tagger:
    """The tagging rules of [sources.news] topics_file."""
    return Tagger.from_file(_resolve(Path(ctx.source.option("topics_file"))))
