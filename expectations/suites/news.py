"""Quality gate suites for the news source (articles on trafficking and border crime).

The gate's side of the split (docs/quality-gate.md); dbt tests keys (article_id and
canonical_url unique and present), the mentions' grain and accepted values.
* marts.fct_news_articles: at least one article, titles non-empty, every article with at least
  one source;
* news.article_health, one row of measures over the whole mart:
    - publication times inside a plausible window (not before 1995, not after the build);
    - share of articles tagged with at least one topic at or above a floor
      ([sources.news] min_topic_share; CROSSBORDER_NEWS_MIN_TOPIC_SHARE), read from the Settings
      the gate is given: a collapse means a broken parser or an off-topic feed;
    - where full text was fetched, its length distribution is sane: median between 200 and
      100 000 characters, and at most half of the texts shorter than 100 characters
      (boilerplate or paywall stubs). With no full text at all these measures are null and pass;
* marts.fct_news_mentions_daily: counts positive.
"""

from __future__ import annotations

from typing import Any

from crossborder.core.config import Settings
from expectations.suites.base import Check, at_least, row_count_between

ARTICLES = "marts.fct_news_articles"
MENTIONS = "marts.fct_news_mentions_daily"
MAX_ROWS = 50_000_000
PLAUSIBLE_FROM = "1995-01-01"
MIN_MEDIAN_TEXT = 200
MAX_MEDIAN_TEXT = 100_000
SHORT_TEXT = 100
MAX_SHORT_TEXT_SHARE = 0.5


def min_topic_share(settings: Settings) -> float:
    """The configured floor: [sources.news] min_topic_share (a missing or mistyped key is an error)."""
    return float(settings.thresholds("news")["min_topic_share"])


def _articles() -> list[Any]:
    import great_expectations.expectations as gxe

    return [
        *row_count_between(1, MAX_ROWS),
        gxe.ExpectColumnValueLengthsToBeBetween(column="title", min_value=1),
        *at_least(["source_count"], 1),
    ]


HEALTH_SQL = f"""
    select
        count(*)::bigint as articles,
        count(*) filter (where published_at < timestamp '{PLAUSIBLE_FROM}'
                            or published_at > cast(now() at time zone 'UTC' as timestamp) + interval 1 day)::bigint
            as implausible_published_times,
        count(*) filter (where trim(coalesce(title, '')) = '')::bigint as empty_titles,
        coalesce(avg(case when len(topics) > 0 then 1.0 else 0.0 end), 0.0) as topic_share,
        count(*) filter (where has_full_text)::bigint as full_text_articles,
        median(text_length) filter (where has_full_text) as median_text_length,
        avg(case when text_length < {SHORT_TEXT} then 1.0 else 0.0 end) filter (where has_full_text) as short_text_share
    from {ARTICLES}
"""


def _health(floor: float):
    def build() -> list[Any]:
        return _health_expectations(floor)

    return build


def _health_expectations(floor: float) -> list[Any]:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeBetween(column="implausible_published_times", min_value=0, max_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="empty_titles", min_value=0, max_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="topic_share", min_value=floor, max_value=1.0),
        # null (no full text fetched) passes: GX judges non-null values only
        gxe.ExpectColumnValuesToBeBetween(
            column="median_text_length", min_value=MIN_MEDIAN_TEXT, max_value=MAX_MEDIAN_TEXT
        ),
        gxe.ExpectColumnValuesToBeBetween(column="short_text_share", min_value=0.0, max_value=MAX_SHORT_TEXT_SHARE),
    ]


def _mentions() -> list[Any]:
    return [*row_count_between(0, MAX_ROWS), *at_least(["article_count"], 1)]


def checks(settings: Settings) -> list[Check]:
    floor = min_topic_share(settings)
    return [
        Check(
            name=ARTICLES,
            sql=f"select * exclude (full_text) from {ARTICLES}",
            tables=(ARTICLES,),
            expectations=_articles,
            id_columns=("article_id", "canonical_url"),
            description="News articles: present, titles non-empty, sources kept.",
        ),
        Check(
            name="news.article_health",
            sql=HEALTH_SQL,
            tables=(ARTICLES,),
            expectations=_health(floor),
            description=f"Plausible publication times, topic share at least {floor}, sane full-text lengths.",
        ),
        Check(
            name=MENTIONS,
            sql=f"select * from {MENTIONS}",
            tables=(MENTIONS,),
            expectations=_mentions,
            id_columns=("mention_date", "iso3", "topic"),
            description="Daily mentions: counts positive.",
        ),
    ]
