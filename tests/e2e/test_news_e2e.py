"""End to end: a local server plays two news feeds carrying the same story, a GDELT query and a
hostile feed; `crossborder run --source news` extracts, builds with dbt, passes the gate and
publishes. One pipeline run (slow: dbt and GX run for real), marked e2e."""

from __future__ import annotations

import json

import pytest

from crossborder.cli import EXIT_OK, main
from tests.samples.news import SCRIPT_TITLE, atom, external_entity_feed, feeds_file, gdelt, page, rss
from tests.warehouse_utils import query

pytestmark = pytest.mark.e2e

STORY = "Three charged in human smuggling ring at the U.S.-Mexico border"
CANONICAL = "https://press.example.gov/news/smuggling-ring"


def test_two_feeds_with_the_same_story_make_one_article_with_two_sources(
    env, settings, site, httpserver, tmp_path, monkeypatch, capsys
):
    base = httpserver.url_for("/").rstrip("/")
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT-4711")
    # Feed 1 (RSS, full text): the story links to a page whose canonical link names the press office URL.
    site.put(
        "/press.xml",
        rss(
            [
                {
                    "title": STORY,
                    "link": f"{base}/story/1?utm_source=rss",
                    "pubDate": "Tue, 02 Apr 2024 14:00:00 -0400",
                    "description": "<p>Migrants from Guatemala were held in stash houses, prosecutors said.</p>",
                },
                {"title": SCRIPT_TITLE, "link": f"{base}/story/2", "pubDate": "Wed, 03 Apr 2024 09:00:00 GMT"},
                {
                    "title": "Fentanyl seized at the northern border, officials say",
                    "link": "https://other.example.org/f",
                    "pubDate": "Fri, 01 Jan 2100 00:00:00 GMT",
                },
            ]
        ),
        "application/rss+xml",
    )
    site.put(
        "/story/1",
        page(
            STORY,
            [
                f"Paragraph {i}: the ring moved migrants from Guatemala and Mexico across the border "
                "near El Paso and kept them in stash houses until relatives paid."
                for i in range(5)
            ],
            canonical=CANONICAL,
        ),
        "text/html",
    )
    site.put(
        "/story/2",
        page("Held", ["Two smuggling suspects were held at the border crossing on Wednesday morning." * 4]),
        "text/html",
    )
    # Feed 2 (Atom): the same story, other scheme, trailing slash and tracking parameters.
    site.put(
        "/wire.atom",
        atom(
            [
                {
                    "title": STORY,
                    "link": "http://press.example.gov/news/smuggling-ring/?utm_source=wire&utm_medium=atom",
                    "published": "2024-04-02T18:30:00Z",
                    "summary": "Prosecutors charged three people.",
                },
                # a wire copy of it under another URL: a separate article in the same story group
                {
                    "title": STORY,
                    "link": "https://regional.example.net/2024/04/smuggling-ring",
                    "published": "2024-04-02T20:00:00Z",
                    "summary": "Prosecutors charged three people.",
                },
            ]
        ),
        "application/atom+xml",
    )
    site.put(
        "/api/v2/doc/doc",
        gdelt(
            [
                {
                    "url": "https://paper.example.net/trafficking",
                    "title": "Human trafficking case in Canada",
                    "seendate": "20240404T100000Z",
                    "domain": "paper.example.net",
                    "language": "English",
                }
            ]
        ),
        "application/json",
    )
    site.put("/xxe.xml", external_entity_feed(secret), "application/rss+xml")
    path = feeds_file(
        tmp_path / "feeds.yaml",
        [
            {"name": "press", "url": f"{base}/press.xml", "full_text": True},
            {"name": "wire", "url": f"{base}/wire.atom"},
            {"name": "hostile", "url": f"{base}/xxe.xml"},
        ],
        [{"name": "gdelt-trafficking", "query": '"human trafficking"'}],
    )
    monkeypatch.setenv("CROSSBORDER_NEWS_CONFIG", str(path))
    monkeypatch.setenv("CROSSBORDER_GDELT_BASE_URL", base)

    assert main(["run", "--source", "news"]) == EXIT_OK
    err = capsys.readouterr().err
    assert "QUARANTINED news feed hostile" in err and "unsafe XML" in err
    warehouse = settings.warehouse_path

    # one article, two sources, the page's text and the earliest publication time
    [(sources, topics, regions, has_text, published)] = query(
        warehouse,
        """
        select sources, topics, border_regions, has_full_text, published_at::varchar
        from marts.fct_news_articles where canonical_url = ?""",
        [CANONICAL],
    )
    assert sources == ["press", "wire"]
    assert {"human_smuggling", "migration_asylum"} <= set(topics) and regions == ["southwest"]
    assert has_text and published == "2024-04-02 18:00:00"
    assert query(warehouse, "select count(*), count(distinct canonical_url) from marts.fct_news_articles") == [(5, 5)]
    # the wire copy under another URL is grouped with it
    assert query(
        warehouse,
        """select count(*) from marts.fct_news_articles where story_group_id =
                                 (select story_group_id from marts.fct_news_articles where canonical_url = ?)""",
        [CANONICAL],
    ) == [(2,)]
    # a future date is flagged, not kept; markup in a title stays literal text
    assert query(
        warehouse,
        "select published_at, published_flag from marts.fct_news_articles where canonical_url = 'https://other.example.org/f'",
    ) == [(None, "future")]
    assert query(warehouse, "select count(*) from marts.fct_news_articles where title = ?", [SCRIPT_TITLE]) == [(1,)]
    # countries through the country dimension's aliases; daily mentions
    assert query(
        warehouse,
        """select list_sort(list(b.iso3)) from marts.bridge_news_article_country b
                               join marts.fct_news_articles a using (article_id) where a.canonical_url = ?""",
        [CANONICAL],
    ) == [(["GTM", "MEX"],)]
    assert query(
        warehouse,
        """select article_count from marts.fct_news_mentions_daily
                               where mention_date = date '2024-04-02' and iso3 = 'GTM' and topic = 'human_smuggling'""",
    ) == [(1,)]
    assert query(
        warehouse,
        "select iso3 from marts.bridge_news_article_country b join marts.fct_news_articles a using (article_id) "
        "where a.canonical_url = 'https://paper.example.net/trafficking'",
    ) == [("CAN",)]
    # nothing of the local file the hostile feed named reached the warehouse
    for table in ("staging.stg_news__items", "marts.fct_news_articles"):
        assert query(warehouse, f"select count(*) from {table} t where t::varchar like '%TOP-SECRET%'") == [(0,)]

    gate = json.loads(settings.gate_result_path.read_text())
    assert gate["passed"] is True
    assert {"marts.fct_news_articles", "news.article_health", "marts.fct_news_mentions_daily"} <= {
        s["name"] for s in gate["suites"]
    }
