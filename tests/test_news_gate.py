"""The news gate suites (expectations/suites/news.py) against small warehouses built here."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from expectations.gate import run_gate
from expectations.suites import news

ARTICLES = """
create table marts.fct_news_articles as
select
    'id' || i as article_id,
    'https://example.org/' || i as canonical_url,
    'Title ' || i as title,
    '' as summary,
    timestamp '2024-04-01 00:00:00' + i * interval 1 hour as published_at,
    now()::timestamp as first_seen_at,
    'id' || i as story_group_id,
    1 as source_count,
    case when i % 10 < {tagged} then ['human_smuggling'] else []::varchar[] end as topics,
    i < 4 as has_full_text,
    case when i < 4 then 1500 else 0 end as text_length,
    case when i < 4 then repeat('x', 1500) end as full_text
from range(20) t(i)
"""
MENTIONS = """
create table marts.fct_news_mentions_daily as
select date '2024-04-01' as mention_date, 'MEX' as iso3, 'human_smuggling' as topic, 3 as article_count
"""


def make(path: Path, tagged: int = 8) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(ARTICLES.format(tagged=tagged))
    con.execute(MENTIONS)
    con.close()
    return path


def gate(path: Path, tmp_path: Path):
    return run_gate(path, tmp_path / "docs", tmp_path / "gate.json", checks=news.checks())


def test_a_healthy_news_warehouse_passes(tmp_path, env):
    result = gate(make(tmp_path / "w.duckdb"), tmp_path)
    assert result.passed, result.summary()
    assert {s.name for s in result.suites} == {
        "marts.fct_news_articles",
        "news.article_health",
        "marts.fct_news_mentions_daily",
    }


def test_broken_news_fails_on_each_symptom(tmp_path, env, monkeypatch):
    monkeypatch.setenv("CROSSBORDER_NEWS_MIN_TOPIC_SHARE", "0.5")
    path = make(tmp_path / "w.duckdb", tagged=2)  # 20 % on topic: a collapse
    con = duckdb.connect(str(path))
    con.execute("update marts.fct_news_articles set canonical_url = 'https://example.org/1' where article_id = 'id2'")
    con.execute("update marts.fct_news_articles set title = '' where article_id = 'id3'")
    con.execute("update marts.fct_news_articles set published_at = timestamp '1970-01-01' where article_id = 'id4'")
    con.execute("update marts.fct_news_articles set text_length = 20 where article_id in ('id0', 'id1', 'id2')")
    con.close()
    result = gate(path, tmp_path)
    assert not result.passed
    failed = {(f.suite, f.columns) for f in result.failures}
    assert ("marts.fct_news_articles", ("canonical_url",)) in failed
    assert ("marts.fct_news_articles", ("title",)) in failed
    for column in (
        "topic_share",
        "implausible_published_times",
        "duplicate_canonical_urls",
        "empty_titles",
        "median_text_length",
        "short_text_share",
    ):
        assert ("news.article_health", (column,)) in failed, (column, result.summary())


@pytest.mark.parametrize("value, expected", [("0.8", 0.8), (None, 0.3)])
def test_the_topic_floor_is_configurable(env, monkeypatch, value, expected):
    if value:
        monkeypatch.setenv("CROSSBORDER_NEWS_MIN_TOPIC_SHARE", value)
    assert news.min_topic_share() == expected
