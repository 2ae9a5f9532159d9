"""The news suites of the quality gate (expectations/suites/news.py) on copies of the dbt-built
demo warehouse; the news marts' keys are dbt's side of the gate (observed with `dbt test`)."""

from __future__ import annotations

import pytest

from crossborder.core.config import load_settings
from expectations.suites import news
from tests.gate.conftest import Demo


def test_a_healthy_news_warehouse_passes(demo: Demo) -> None:
    result = demo.gate(news.checks(demo.settings))
    assert result.passed, result.summary()
    assert {s.name for s in result.suites} == {
        "marts.fct_news_articles",
        "news.article_health",
        "marts.fct_news_mentions_daily",
    }


def test_broken_news_fails_on_each_symptom(demo: Demo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CROSSBORDER_NEWS_MIN_TOPIC_SHARE", "0.5")
    settings = load_settings()
    ids = [row[0] for row in demo.query("select article_id from marts.fct_news_articles order by article_id")]
    full_text = [
        row[0]
        for row in demo.query("select article_id from marts.fct_news_articles where has_full_text order by article_id")
    ]
    assert len(ids) >= 10 and len(full_text) >= 3
    tagged = ids[:2]  # under 20 % on topic: a collapse
    demo.alter(
        ("update marts.fct_news_articles set topics = []::varchar[] where article_id not in (?, ?)", tagged),
        (
            "update marts.fct_news_articles set canonical_url = "
            "(select canonical_url from marts.fct_news_articles where article_id = ?) where article_id = ?",
            [ids[1], ids[2]],
        ),
        ("update marts.fct_news_articles set title = '' where article_id = ?", [ids[3]]),
        ("update marts.fct_news_articles set published_at = timestamp '1970-01-01' where article_id = ?", [ids[4]]),
        ("update marts.fct_news_articles set text_length = 20 where article_id in (?, ?, ?)", full_text[:3]),
    )
    result = demo.gate(news.checks(settings))
    assert not result.passed
    failed = {(f.suite, f.columns) for f in result.failures}
    assert ("marts.fct_news_articles", ("title",)) in failed
    for column in (
        "topic_share",
        "implausible_published_times",
        "empty_titles",
        "median_text_length",
        "short_text_share",
    ):
        assert ("news.article_health", (column,)) in failed, (column, result.summary())

    # A duplicate canonical URL breaks the mart's key: dbt's side of the gate fails the build on it.
    run = demo.dbt_test("fct_news_articles")
    assert run.returncode != 0
    assert "FAIL" in run.stdout and "unique_fct_news_articles_canonical_url" in run.stdout


@pytest.mark.parametrize("value, expected", [("0.8", 0.8), (None, 0.3)])
def test_the_topic_floor_is_configurable(env, monkeypatch, value, expected):
    if value:
        monkeypatch.setenv("CROSSBORDER_NEWS_MIN_TOPIC_SHARE", value)
    assert news.min_topic_share(load_settings()) == expected
