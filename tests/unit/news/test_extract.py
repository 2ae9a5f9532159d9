"""The news extractor against a local server: incremental fetching, quarantine of bad feeds,
size cap, allowed hosts, the feeds file and GDELT overrides, GDELT's plain-text answers (rate
limit retried, rejected query reported), and the split for mapped tasks."""

from __future__ import annotations

import gzip
import io
import json
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from werkzeug import Request, Response

from crossborder.core.config import load_settings
from crossborder.core.errors import CrossborderError
from crossborder.core.http import HttpClient
from crossborder.core.landing import LandingZone
from crossborder.core.progress import Progress
from crossborder.pipeline.extract import fetch_item, finish_extract, plan_extract
from extractors.base import ExtractContext, ExtractReport
from extractors.news import SOURCE as news
from extractors.news.feeds import load_config, news_context
from tests.samples.news import (
    BILLION_LAUGHS,
    FIXTURES,
    MALFORMED,
    atom,
    external_entity_feed,
    feeds_file,
    gdelt,
    page,
    rss,
)


def records(settings, dataset):
    folder = settings.raw_dir / "news" / "records" / dataset
    out = []
    for path in sorted(folder.glob("*.jsonl.gz")):
        out += [json.loads(line) for line in gzip.decompress(path.read_bytes()).splitlines() if line.strip()]
    return out


def article(i: int) -> bytes:
    return page(
        f"Story {i}",
        [
            f"Paragraph {p} of story {i}: border agents arrested human smuggling suspects near the crossing."
            for p in range(5)
        ],
    )


@pytest.fixture
def news_env(env, site, httpserver, tmp_path, monkeypatch):
    """A press feed (full text), a wire feed and a GDELT query, all on the local server."""
    base = httpserver.url_for("/").rstrip("/")
    site.put(
        "/press.xml",
        rss(
            [
                {
                    "title": "Human smuggling ring charged",
                    "link": f"{base}/news/1",
                    "pubDate": "Mon, 01 Apr 2024 10:00:00 GMT",
                },
                {
                    "title": "Fentanyl seizure at port of entry",
                    "link": f"{base}/news/2",
                    "pubDate": "Tue, 02 Apr 2024 10:00:00 GMT",
                },
            ]
        ),
        "application/rss+xml",
    )
    site.put(
        "/wire.atom",
        atom(
            [
                {
                    "title": "Asylum seekers at the northern border",
                    "link": "https://wire.example.com/a?utm_source=x",
                    "published": "2024-04-03T10:00:00Z",
                }
            ]
        ),
        "application/atom+xml",
    )
    site.put("/news/1", article(1), "text/html")
    site.put("/news/2", article(2), "text/html")
    site.put(
        "/api/v2/doc/doc",
        gdelt(
            [
                {
                    "url": "https://paper.example.net/x",
                    "title": "Trafficking in persons case opens",
                    "seendate": "20240404T100000Z",
                    "domain": "paper.example.net",
                    "language": "English",
                }
            ]
        ),
        "application/json",
    )
    path = feeds_file(
        tmp_path / "feeds.yaml",
        [
            {"name": "press", "url": f"{base}/press.xml", "full_text": True},
            {"name": "wire", "url": f"{base}/wire.atom"},
        ],
        [{"name": "gdelt-trafficking", "query": '"human trafficking"'}],
    )
    monkeypatch.setenv("CROSSBORDER_NEWS_CONFIG", str(path))
    monkeypatch.setenv("CROSSBORDER_GDELT_BASE_URL", base)
    return path


def run_extract(quiet):
    return news.extract(ExtractContext.create(load_settings(), "news", quiet))


def test_first_run_lands_feeds_gdelt_and_pages_and_derives_records(news_env, settings, site, httpserver, quiet):
    report = run_extract(quiet)
    assert report.ok, report.failures
    assert report.downloaded == 5 and report.records == {"items": 4, "pages": 2}
    items = records(settings, "items")
    assert sorted(i["feed_name"] for i in items) == ["gdelt-trafficking", "press", "press", "wire"]
    assert {i["source_kind"] for i in items} == {"rss", "atom", "gdelt"}
    pages = records(settings, "pages")
    assert {p["url"] for p in pages} == {httpserver.url_for("/news/1"), httpserver.url_for("/news/2")}
    assert all(p["text_length"] > 200 and p["extractor"].startswith("trafilatura") for p in pages)
    # the GDELT query went to the overridden base URL with the documented parameters
    gdelt_entry = [e for e in LandingZone(settings.raw_dir, "news").entries() if e.kind == "gdelt"][0]
    query = parse_qs(urlsplit(gdelt_entry.url).query)
    assert urlsplit(gdelt_entry.url).path == "/api/v2/doc/doc"
    assert query["mode"] == ["ArtList"] and query["format"] == ["json"] and query["timespan"] == ["1d"]
    assert query["query"] == ['"human trafficking"']


def test_a_second_run_fetches_only_unseen_items_and_keeps_old_ones(news_env, settings, site, httpserver, quiet):
    run_extract(quiet)
    site.hits.clear()
    second = run_extract(quiet)
    assert second.ok and (second.checked, second.downloaded, second.unchanged) == (3, 0, 3)  # feeds and query: 304
    assert ("/news/1", 200) not in site.hits and ("/news/2", 200) not in site.hits
    assert {path for path, status in site.hits if status == 304} >= {"/press.xml", "/wire.atom"}

    # A new item appears and an old one drops off: only the new page is fetched; the old item stays.
    base = httpserver.url_for("/").rstrip("/")
    site.put("/news/3", article(3), "text/html")
    site.put(
        "/press.xml",
        rss(
            [
                {
                    "title": "Fentanyl seizure at port of entry",
                    "link": f"{base}/news/2",
                    "pubDate": "Tue, 02 Apr 2024 10:00:00 GMT",
                },
                {
                    "title": "Labor trafficking charges filed",
                    "link": f"{base}/news/3",
                    "pubDate": "Wed, 03 Apr 2024 10:00:00 GMT",
                },
            ]
        ),
        "application/rss+xml",
    )
    site.hits.clear()
    third = run_extract(quiet)
    assert [p for p, s in site.hits if p.startswith("/news/")] == ["/news/3"]
    assert third.records["pages"] == 1
    titles = {i["title"] for i in records(settings, "items") if i["feed_name"] == "press"}
    assert titles == {
        "Human smuggling ring charged",
        "Fentanyl seizure at port of entry",
        "Labor trafficking charges filed",
    }


def test_refresh_is_offline_and_idempotent_and_rules_changes_rederive(news_env, settings, quiet, tmp_path, monkeypatch):
    run_extract(quiet)
    ctx = ExtractContext.create(load_settings(), "news", quiet)
    report = ExtractReport(source="news")
    news.refresh_records(ctx, report)
    assert report.records == {}  # nothing changed: nothing rewritten
    rules = tmp_path / "rules.yaml"
    rules.write_text("topics:\n  drugs_fentanyl:\n    patterns: [fentanyl]\n")
    monkeypatch.setenv("CROSSBORDER_NEWS_TOPICS_FILE", str(rules))
    report = ExtractReport(source="news")
    news.refresh_records(ExtractContext.create(load_settings(), "news", quiet), report)
    assert report.records == {"items": 4}
    assert {tuple(i["topics"]) for i in records(settings, "items")} == {("drugs_fentanyl",), ()}


def test_bad_feeds_are_quarantined_and_the_others_still_load(
    news_env, settings, site, httpserver, quiet, tmp_path, monkeypatch
):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT-4711")
    site.put("/broken.xml", MALFORMED, "application/rss+xml")
    site.put("/bomb.xml", BILLION_LAUGHS, "application/rss+xml")
    site.put("/xxe.xml", external_entity_feed(secret), "application/rss+xml")
    base = httpserver.url_for("/").rstrip("/")
    feeds_file(
        news_env,
        [
            {"name": "press", "url": f"{base}/press.xml"},
            {"name": "broken", "url": f"{base}/broken.xml"},
            {"name": "bomb", "url": f"{base}/bomb.xml"},
            {"name": "xxe", "url": f"{base}/xxe.xml"},
        ],
    )
    report = run_extract(quiet)
    assert report.ok and report.records == {"items": 2} and report.rejected_rows == 3
    folder = settings.raw_dir / "news" / "records" / "items"
    quarantined = [json.loads(p.read_text()) for p in folder.glob("*.rejected.jsonl")]
    reasons = {q["feed_name"]: q["reason"] for q in quarantined}
    assert "malformed XML" in reasons["broken"] and "unsafe XML" in reasons["bomb"] and "unsafe XML" in reasons["xxe"]
    # the raw copies stay in the landing zone for inspection
    assert all(__import__("pathlib").Path(q["raw_file"]).exists() for q in quarantined)
    # nothing of the local file reached any record
    for path in (settings.raw_dir / "news" / "records").rglob("*.jsonl.gz"):
        assert b"TOP-SECRET" not in gzip.decompress(path.read_bytes())


def test_a_feed_over_the_size_cap_is_refused_and_the_others_load(
    news_env, settings, site, httpserver, quiet, monkeypatch
):
    monkeypatch.setenv("CROSSBORDER_NEWS_MAX_BYTES", "20000")
    base = httpserver.url_for("/").rstrip("/")
    site.put(
        "/huge.xml", rss([{"title": f"Item {i}", "link": f"{base}/i/{i}"} for i in range(2000)]), "application/rss+xml"
    )
    feeds_file(news_env, [{"name": "press", "url": f"{base}/press.xml"}, {"name": "huge", "url": f"{base}/huge.xml"}])
    report = run_extract(quiet)
    assert report.ok and report.records == {"items": 2}
    assert not any(e.url.endswith("/huge.xml") for e in LandingZone(settings.raw_dir, "news").entries())
    # when nothing at all can be fetched, the extract fails naming the URL and the cap
    feeds_file(news_env, [{"name": "huge", "url": f"{base}/huge.xml"}])
    failed = run_extract(quiet)
    assert not failed.ok and "huge.xml" in failed.failures[0] and "size cap of 20000 bytes" in failed.failures[0]


def test_only_hosts_named_in_the_feeds_file_are_fetched(news_env, settings, site, httpserver, quiet):
    other_host = httpserver.url_for("/news/1").replace("localhost", "127.0.0.1")
    base = httpserver.url_for("/").rstrip("/")
    site.put(
        "/press.xml",
        rss([{"title": "Elsewhere", "link": other_host}, {"title": "Here", "link": f"{base}/news/2"}]),
        "application/rss+xml",
    )
    items = plan_extract(load_settings(), "news", quiet)
    assert items == [f"{base}/news/2"]  # the page on a host the file does not name is not a work item
    with pytest.raises(CrossborderError, match="not an allowed host"):
        fetch_item(load_settings(), "news", other_host, quiet)


def test_plan_fetch_and_finish_work_as_separate_mapped_tasks(news_env, settings, quiet):
    items = plan_extract(settings, "news", quiet)
    assert len(items) == 2
    results = [fetch_item(settings, "news", item, quiet) for item in items]
    assert [r["downloaded"] for r in results] == [1, 1]
    report = finish_extract(settings, "news", quiet)
    assert report.records == {"items": 4, "pages": 2}
    assert plan_extract(settings, "news", quiet) == []  # pages already landed are not planned again


def test_feeds_file_problems_name_the_file(env, tmp_path, monkeypatch, quiet):
    bad = tmp_path / "feeds.yaml"
    monkeypatch.setenv("CROSSBORDER_NEWS_CONFIG", str(bad))
    ctx = ExtractContext.create(load_settings(), "news", quiet)
    with pytest.raises(CrossborderError, match=f"feeds file {bad} not found"):
        load_config(ctx)
    bad.write_text("feeds:\n  - url: https://example.org/feed\n")
    with pytest.raises(CrossborderError, match="feed #1 needs a `name` and a `url`"):
        load_config(ctx)
    bad.write_text("feeds:\n  - {name: a, url: /relative.xml}\n")
    with pytest.raises(CrossborderError, match="not an absolute http"):
        load_config(ctx)


def test_the_default_feeds_file_is_valid_and_its_hosts_are_the_allowed_hosts(env, quiet, monkeypatch):
    monkeypatch.delenv("CROSSBORDER_NEWS_CONFIG", raising=False)
    ctx = ExtractContext.create(load_settings(), "news", quiet)
    config = load_config(ctx)
    assert config.path.name == "news_feeds.yaml" and len(config.feeds) >= 5
    assert {"www.justice.gov", "news.google.com", "api.gdeltproject.org"} <= config.hosts
    assert news_context(ctx, config).client.allowed_hosts >= config.hosts


# -- GDELT's plain-text answers ------------------------------------------------------------------
RATE_LIMITED = (FIXTURES / "gdelt_rate_limited.txt").read_bytes()
BAD_QUERY = (FIXTURES / "gdelt_bad_query.txt").read_bytes()


class Gdelt:
    """A GDELT DOC API on the local server: each query gets its answers in turn (the last one
    repeats), with HTTP 200 and text/html for plain text, as GDELT does."""

    def __init__(self, httpserver):
        self.answers: dict[str, list[bytes]] = {}
        self.asked: list[str] = []
        httpserver.expect_request("/gdelt/api/v2/doc/doc").respond_with_handler(self._answer)

    def _answer(self, request: Request) -> Response:
        query = request.args["query"]
        self.asked.append(query)
        queue = self.answers[query]
        body = queue.pop(0) if len(queue) > 1 else queue[0]
        kind = "application/json" if body.startswith(b"{") else "text/html; charset=utf-8"
        return Response(body, status=200, content_type=kind)


def article_answer(title: str) -> bytes:
    url = "https://paper.example.net/" + title.lower().replace(" ", "-")
    return gdelt([{"url": url, "title": title, "seendate": "20240404T100000Z", "domain": "paper.example.net"}])


@pytest.fixture
def gdelt_api(env, site, httpserver, monkeypatch):
    monkeypatch.setenv("CROSSBORDER_GDELT_BASE_URL", httpserver.url_for("/gdelt"))
    return Gdelt(httpserver)


def gdelt_feeds(path, queries: dict[str, str], **gdelt_options):
    """A feeds file of GDELT queries only (name -> query), with gdelt options such as retry_interval_s."""
    section = {"base_url": "https://api.gdeltproject.org", "timespan": "1d", **gdelt_options}
    section["queries"] = [{"name": name, "query": query} for name, query in queries.items()]
    path.write_text(yaml.safe_dump({"gdelt": section}), encoding="utf-8")
    return path


def run_recording_waits(stream=None):
    """An extract whose client records its waits instead of sleeping: (report, waits)."""
    waits: list[float] = []
    settings = load_settings()
    ctx = ExtractContext.create(settings, "news", Progress(stream or io.StringIO()))
    ctx = replace(ctx, client=HttpClient(settings.http, "news", ctx.source.allowed_hosts, sleep=waits.append))
    return news.extract(ctx), waits


def test_a_gdelt_rate_limit_answer_is_asked_again_after_the_documented_interval(
    gdelt_api, settings, tmp_path, monkeypatch
):
    monkeypatch.setenv("CROSSBORDER_NEWS_CONFIG", str(gdelt_feeds(tmp_path / "f.yaml", {"gdelt-q": "smuggling"})))
    gdelt_api.answers["smuggling"] = [RATE_LIMITED, article_answer("Smuggling ring charged")]
    out = io.StringIO()
    report, waits = run_recording_waits(out)
    assert report.ok, report.failures
    assert gdelt_api.asked == ["smuggling", "smuggling"] and waits == [5.0]  # GDELT's "one every 5 seconds"
    assert [i["title"] for i in records(settings, "items")] == ["Smuggling ring charged"]
    # the notice is landed as served, but it is no quarantined feed and no rejected item
    assert report.rejected_rows == 0 and "QUARANTINED" not in out.getvalue()
    assert "GDELT query gdelt-q ('smuggling'): GDELT asks to slow down; asking again in 5 s" in out.getvalue()


def test_a_query_still_rate_limited_is_a_warning_naming_it_and_the_interval_is_configurable(
    gdelt_api, settings, tmp_path, monkeypatch
):
    path = gdelt_feeds(
        tmp_path / "f.yaml",
        {"gdelt-busy": "trafficking", "gdelt-ok": "smuggling"},
        retry_interval_s=0.5,
        rate_limit_attempts=2,
    )
    monkeypatch.setenv("CROSSBORDER_NEWS_CONFIG", str(path))
    gdelt_api.answers |= {"trafficking": [RATE_LIMITED], "smuggling": [article_answer("Smuggling ring charged")]}
    out = io.StringIO()
    report, waits = run_recording_waits(out)
    assert report.ok, report.failures  # the other query still loads
    assert gdelt_api.asked == ["trafficking", "trafficking", "smuggling"] and waits == [0.5]
    assert (
        "WARNING news: GDELT query gdelt-busy ('trafficking'): still rate limited after 2 attempts 0.5 s apart"
        in out.getvalue()
    )
    assert [i["title"] for i in records(settings, "items")] == ["Smuggling ring charged"]


def test_a_query_gdelt_rejects_is_a_warning_naming_it_and_is_not_asked_again(
    gdelt_api, settings, tmp_path, monkeypatch
):
    path = gdelt_feeds(tmp_path / "f.yaml", {"gdelt-bad": "ice", "gdelt-ok": "smuggling"})
    monkeypatch.setenv("CROSSBORDER_NEWS_CONFIG", str(path))
    gdelt_api.answers |= {"ice": [BAD_QUERY], "smuggling": [article_answer("Smuggling ring charged")]}
    out = io.StringIO()
    report, waits = run_recording_waits(out)
    assert report.ok, report.failures
    assert gdelt_api.asked == ["ice", "smuggling"] and waits == []
    warning = next(line for line in out.getvalue().splitlines() if "WARNING" in line)
    assert "GDELT query gdelt-bad ('ice') rejected by GDELT: 'One or more of your keywords were too short" in warning
    assert str(path) in warning  # where to fix it


def test_the_news_source_fails_when_every_gdelt_query_fails(gdelt_api, settings, tmp_path, monkeypatch):
    path = gdelt_feeds(tmp_path / "f.yaml", {"gdelt-bad": "ice", "gdelt-busy": "trafficking"}, rate_limit_attempts=1)
    monkeypatch.setenv("CROSSBORDER_NEWS_CONFIG", str(path))
    gdelt_api.answers |= {"ice": [BAD_QUERY], "trafficking": [RATE_LIMITED]}
    report, _ = run_recording_waits()
    assert not report.ok
    assert [f.split(" (")[0] for f in report.failures] == [
        "news: GDELT query gdelt-bad",
        "news: GDELT query gdelt-busy",
    ]


def test_gdelt_retry_options_of_the_feeds_file_are_checked(env, tmp_path, monkeypatch, quiet):
    path = gdelt_feeds(tmp_path / "f.yaml", {"q": "smuggling"}, retry_interval_s="soon")
    monkeypatch.setenv("CROSSBORDER_NEWS_CONFIG", str(path))
    ctx = ExtractContext.create(load_settings(), "news", quiet)
    with pytest.raises(
        CrossborderError, match=rf"feeds file {path}: gdelt.retry_interval_s = 'soon' is not a positive"
    ):
        load_config(ctx)
    gdelt_feeds(path, {"q": "smuggling"}, retry_interval_s=12, rate_limit_attempts=4)
    config = load_config(ctx)
    assert (config.gdelt_retry_interval_s, config.gdelt_rate_limit_attempts) == (12.0, 4)
