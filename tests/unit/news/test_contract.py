"""Contract tests: the feed parser on the real RSS 2.0 feeds in ../shared/real-data/news (skipped if absent)."""

from __future__ import annotations

import pytest

from extractors.news.parse import (
    FeedInfo,
    item_records,
    parse_document,
    parse_feed,
)
from tests.conftest import real_data

FETCHED = "2024-06-01T00:00:00+00:00"


def info(url: str = "https://feeds.example.org/feed.xml", name: str = "test-feed") -> FeedInfo:
    return FeedInfo(name, url, "ab" * 32, FETCHED)


def no_tags(text):
    return [], []


# -- real feeds ----------------------------------------------------------------------------------
@pytest.mark.contract
def test_real_nyt_world_rss_gives_61_items_with_canonical_urls_and_utc_times():
    data = real_data("news", "nyt_world_rss_2020-01-01.xml").read_bytes()
    feed = FeedInfo(
        "nyt-world", "https://rss.nytimes.com/services/xml/rss/nyt/World.xml", "0" * 64, "2020-01-02T00:00:00+00:00"
    )
    records, rejects = parse_document("feed", data, feed, no_tags)
    assert len(records) == 61 and rejects == []
    first = records[0]
    assert first["title"] == "Protesters Attack U.S. Embassy in Iraq, Chanting ‘Death to America’"
    # ?emc=rss&partner=rss are tracking parameters
    assert (
        first["canonical_url"]
        == "https://www.nytimes.com/2019/12/31/world/middleeast/baghdad-protesters-us-embassy.html"
    )
    assert first["published_at"] == "2020-01-01T03:39:18Z" and first["published_flag"] is None
    assert {r["language"] for r in records} == {"en"}
    assert all(r["title"] and r["canonical_url"].startswith("https://") for r in records)
    assert len({r["canonical_url"] for r in records}) == 61


@pytest.mark.contract
def test_real_cnn_rss_with_whitespace_before_the_stylesheet_gives_29_items():
    data = real_data("news", "cnn_world_rss_2020-01-01.xml").read_bytes()
    kind, items, _ = parse_feed(data, info("http://rss.cnn.com/rss/edition_world.rss"))
    assert kind == "rss" and len(items) == 29
    records, rejects = item_records(kind, items, info("http://rss.cnn.com/rss/edition_world.rss"), no_tags)
    assert len(records) == 29 and not rejects
    # CDATA titles are trimmed; items without a pubDate are flagged, never given a date
    assert all(r["title"] == r["title"].strip() and r["title"] for r in records)
    missing = [r for r in records if r["published_flag"] == "missing"]
    assert missing and all(r["published_at"] is None for r in missing)
    assert all(r["published_at"].endswith("Z") for r in records if r["published_flag"] is None)


@pytest.mark.contract
def test_real_cnn_rss_items_get_the_article_url_of_feedburner_orig_link_not_the_redirect():
    data = real_data("news", "cnn_world_rss_2020-01-01.xml").read_bytes()
    records, _ = parse_document("feed", data, info("http://rss.cnn.com/rss/edition_world.rss"), no_tags)
    first = records[0]
    assert first["canonical_url"] == (
        "https://www.cnn.com/2020/01/01/australia/australia-fires-explainer-intl-hnk-scli/index.html"
    )
    assert first["publisher"] == "cnn.com"
    assert not any("rss.cnn.com/~r/" in r["canonical_url"] for r in records)
