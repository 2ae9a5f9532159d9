"""Deriving the news records, offline: one records file per landed feed version or GDELT answer
(dataset `items`) and per landed article page (dataset `pages`). Every version of a feed ever
landed stays a records file, so items that dropped off a feed are kept; dbt merges them into one
row per article. A malformed or unsafe feed is set aside (its reason in a `.rejected.jsonl` file
beside the records, the raw copy kept) and the other feeds still load."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from crossborder.core.landing import ManifestEntry
from extractors.base import ExtractContext, ExtractReport
from extractors.derive import ParseLog, derive_if_changed, first_landings
from extractors.news.feeds import tagger
from extractors.news.parse import FeedError, FeedInfo, GdeltNotice, page_record, parse_document
from extractors.news.schema import PAGE_PARSER_VERSION, PARSER_VERSION
from extractors.news.tagging import Tagger


@dataclass
class FeedLog(ParseLog):
    """The items of a feed version that were rejected (no usable link, no title)."""

    unit: ClassVar[str] = "items"


def _parse_feed(
    ctx: ExtractContext, entry: ManifestEntry, raw_path: Path, rules: Tagger, log: FeedLog
) -> dict[str, list[dict[str, Any]]]:
    """The items records of one landed feed version, or none (set aside) when it cannot be read safely."""
    info = FeedInfo(entry.release_id or entry.url, entry.url, entry.sha256, entry.fetched_at)
    try:
        records, rejects = parse_document(entry.kind, raw_path.read_bytes(), info, rules)
    except GdeltNotice as exc:
        # GDELT's plain-text rate limit or query error: no articles, and no item lost; plan warned
        # of it when it came (and asked again after a rate limit). The meta keeps why.
        log.set_aside = str(exc)
        return {}
    except FeedError as exc:
        log.set_aside = str(exc)
        log.rejects.append(
            {"url": entry.url, "feed_name": info.name, "raw_file": str(raw_path), "reason": f"feed quarantined: {exc}"}
        )
        ctx.progress.say(
            f"    QUARANTINED news feed {info.name}: {exc}; raw copy kept at {raw_path}; other feeds still load"
        )
        return {}
    log.rejects.extend({**reject, "url": entry.url, "feed_name": info.name} for reject in rejects)
    return {"items": records}


def _parse_pages(raw_path: Path, entries: list[ManifestEntry]) -> dict[str, list[dict[str, Any]]]:
    """The pages records of one landed page content: one per URL that first delivered it."""
    html = raw_path.read_bytes()
    return {
        "pages": [
            page_record(
                html,
                url=entry.url,
                final_url=entry.final_url or entry.url,
                html_sha256=entry.sha256,
                fetched_at=entry.fetched_at,
            )
            for entry in entries
        ]
    }


def refresh_records(ctx: ExtractContext, report: ExtractReport) -> None:
    """(Re)derive records for every landed feed version and page whose parser or rules changed. Offline."""
    rules = tagger(ctx)
    for sha, entries in first_landings(ctx.landing, ("feed", "gdelt")).items():
        entry = entries[0]
        log = FeedLog()
        derive_if_changed(
            ctx,
            report,
            dataset="items",
            name=sha,
            inputs_sha256=sha,
            parser_version=f"{PARSER_VERSION}:{rules.version}",
            parse=partial(_parse_feed, ctx, entry, ctx.landing.object_path(entry), rules, log),
            log=log,
            label=entry.url,
            about={"url": entry.url, "feed_name": entry.release_id or entry.url},
        )

    for sha, entries in first_landings(ctx.landing, ("article",)).items():
        derive_if_changed(
            ctx,
            report,
            dataset="pages",
            name=sha,
            inputs_sha256=sha,
            parser_version=PAGE_PARSER_VERSION,
            parse=partial(_parse_pages, ctx.landing.object_path(entries[0]), entries),
            log=ParseLog(),
            label=entries[0].url,
            about={"urls": [e.url for e in entries]},
        )
