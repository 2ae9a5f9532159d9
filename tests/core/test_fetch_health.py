"""The fetch-health ledger and block detection (issue: ready for the live web, finding 1).

state.gov has been reported to answer every path, feeds included, with one "Technical
Difficulties" HTML page and HTTP 200 to data-centre addresses, and 407 to others; cbp.gov's
firewall answers 403 to some clients. Such answers must never become data nor pass for a
layout change or a missing country: they are refused before the manifest, kept for inspection,
recorded in the ledger, and the source is reported blocked since the first of them.
"""

from __future__ import annotations

import pytest

from crossborder.cli import EXIT_FAILED, main
from crossborder.core.config import load_settings
from crossborder.core.fetch_health import (
    Attempt,
    BlockedAnswer,
    block_page_title,
    read_attempts,
    source_health,
)
from crossborder.core.progress import Progress
from crossborder.pipeline.extract import extract
from extractors.base import ExtractContext, ExtractReport
from tests.samples.tip import country_page, publish_edition

# The shape of the page state.gov answers to blocked clients (our own copy: a short HTML page whose
# title and heading say "Technical Difficulties", the same bytes for every path).
BLOCK_PAGE = (
    "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Technical Difficulties</title></head>"
    "<body><h1>Technical Difficulties</h1><p>We're sorry, this site is currently experiencing technical "
    "difficulties. Please try again in a few moments. Exception: request blocked</p></body></html>"
)


def test_a_block_page_is_told_by_its_title_not_by_words_in_a_narrative():
    assert block_page_title(BLOCK_PAGE.encode(), "text/html; charset=utf-8") == "Technical Difficulties"
    assert block_page_title(b"<html><head><title>Attention Required! | Cloudflare</title>", None)
    narrative = country_page("Canada", "Tier 1", 2022).replace(
        "</body>", "<p>Victims reported access denied to shelters.</p></body>"
    )
    assert block_page_title(narrative.encode(), "text/html") is None
    assert block_page_title(b"Area of Responsibility,Encounter Count\n", "text/csv") is None


def test_health_is_blocked_since_the_first_refusal_and_healthy_again_after_a_success():
    attempts = [
        Attempt("https://www.state.gov/a", "2026-11-01T00:00:00+00:00", "downloaded", 200),
        Attempt("https://www.state.gov/a", "2026-11-02T00:00:00+00:00", "blocked", 200, reason="HTTP 200 block page"),
        Attempt("https://www.state.gov/b", "2026-11-03T00:00:00+00:00", "blocked", 407, reason="HTTP 407"),
        Attempt("https://www.state.gov/a", "2026-11-04T00:00:00+00:00", "blocked", 200, reason="HTTP 200 block page"),
    ]
    health = source_health("tip", attempts)
    assert (health.state, health.since, health.blocked_urls) == ("blocked", "2026-11-02T00:00:00+00:00", 2)
    assert health.describe().startswith("www.state.gov is blocking this client since 2026-11-02")
    [a] = [u for u in health.urls if u.url.endswith("/a")]
    assert (a.last_success, a.consecutive_failures, a.statuses) == ("2026-11-01T00:00:00+00:00", 2, [200, 200, 200])

    later = "2026-11-05T00:00:00+00:00"
    recovered = [*attempts, *(Attempt(f"https://www.state.gov/{p}", later, "unchanged", 304) for p in "ab")]
    assert source_health("tip", recovered).state == "healthy"
    failing = [*attempts[:1], Attempt("https://www.state.gov/a", "2026-11-06T00:00:00+00:00", "failed", 503)]
    assert source_health("tip", failing).state == "degraded"


def test_a_block_page_answer_never_replaces_the_good_content_of_a_url(settings, site):
    site.put("/page", "<html><head><title>Nationwide Encounters</title></head><body>ok</body></html>", "text/html")
    ctx = ExtractContext.create(settings, "cbp")
    url = site.httpserver.url_for("/page")
    good = ctx.fetch(url, kind="page", suffix=".html", report=ExtractReport("cbp"))

    site.put("/page", BLOCK_PAGE, "text/html")
    with pytest.raises(BlockedAnswer, match="block page 'Technical Difficulties'") as raised:
        ctx.fetch(url, kind="page", suffix=".html", report=ExtractReport("cbp"))
    assert url in str(raised.value)
    assert ctx.landing.latest_by_url()[url].sha256 == good.sha256  # the block page is not in the manifest
    [kept] = (ctx.landing.root / "quarantine" / "blocked").iterdir()
    assert kept.read_text() == BLOCK_PAGE  # nothing lost: the answer is kept for inspection
    assert [a.outcome for a in read_attempts(ctx.landing.root)] == ["downloaded", "blocked"]


def test_a_server_answering_many_urls_with_one_page_is_blocking(settings, site):
    ctx = ExtractContext.create(settings, "cbp")
    same = "<html><head><title>Notice</title></head><body>Service unavailable for your region.</body></html>"
    for n in range(3):
        site.put(f"/p{n}", same, "text/html")
        ctx.fetch(site.httpserver.url_for(f"/p{n}"), kind="page", suffix=".html", report=ExtractReport("cbp"))
    site.put("/p3", same, "text/html")
    with pytest.raises(BlockedAnswer, match="the same 9[0-9]-byte page as 3 other URLs"):
        ctx.fetch(site.httpserver.url_for("/p3"), kind="page", suffix=".html", report=ExtractReport("cbp"))


def test_a_firewall_403_is_blocking_and_a_503_only_degraded(settings, site, quiet):
    site.httpserver.expect_request("/document/stats/nationwide-encounters").respond_with_data("no", status=403)
    site.httpserver.expect_request("/document/stats/nationwide-drug-seizures").respond_with_data("down", status=503)
    extract(settings, ["cbp"], quiet)  # blocked: not an extract failure (the last good data stays in use)
    health = source_health("cbp", read_attempts(settings.raw_dir / "cbp"))
    assert health.state == "blocked" and "HTTP 403 Forbidden" in health.describe()
    assert {u.last_outcome for u in health.urls} == {"blocked", "failed"}


def test_a_tip_site_answering_every_path_with_one_page_is_blocked_not_changed_nor_missing(tip_site, env, capsys):
    publish_edition(tip_site, 2022, {"canada": country_page("Canada", "Tier 1", 2022)})
    settings, quiet = load_settings(), Progress(quiet=True)
    extract(settings, ["tip"], quiet)
    for path in list(tip_site.pages):
        tip_site.put(path, BLOCK_PAGE, "text/html")
    extract(settings, ["tip"], quiet)  # does not raise: blocked is not an extract failure
    health = source_health("tip", read_attempts(settings.raw_dir / "tip"))
    assert health.state == "blocked" and "block page 'Technical Difficulties'" in health.why
    assert not (settings.raw_dir / "tip" / "quarantine" / "2022.jsonl").exists()  # not a "layout change"
    capsys.readouterr()
    main(["status"])
    host = tip_site.httpserver.host
    assert f"[blocked] {host} is blocking this client since {health.since}" in capsys.readouterr().out
    assert main(["status", "--check"]) == EXIT_FAILED
    assert f"blocked: {host} is blocking this client since" in capsys.readouterr().err


def test_a_feed_answering_a_block_page_is_reported_blocked_and_keeps_its_items(settings, site, tmp_path, monkeypatch):
    from tests.samples.news import feeds_file, rss

    base = site.httpserver.url_for("/").rstrip("/")
    item = {"title": "Smuggling ring charged", "link": f"{base}/news/1", "pubDate": "Mon, 01 Apr 2024 10:00:00 GMT"}
    site.put("/press.xml", rss([item]), "application/rss+xml")
    monkeypatch.setenv(
        "CROSSBORDER_NEWS_CONFIG",
        str(feeds_file(tmp_path / "feeds.yaml", [{"name": "press", "url": f"{base}/press.xml"}])),
    )
    monkeypatch.setenv("CROSSBORDER_NEWS_BASE_URL", base)
    settings, quiet = load_settings(), Progress(quiet=True)
    extract(settings, ["news"], quiet)
    items = settings.raw_dir / "news" / "records" / "items"
    held = {p.name: p.read_bytes() for p in items.glob("*.jsonl.gz")}

    site.put("/press.xml", BLOCK_PAGE, "text/html")
    extract(settings, ["news"], quiet)  # blocked: not an extract failure, and not a quarantined "bad feed"
    health = source_health("news", read_attempts(settings.raw_dir / "news"))
    assert health.state == "blocked" and health.blocking_hosts == [site.httpserver.host]
    assert {p.name: p.read_bytes() for p in items.glob("*.jsonl.gz")} == held  # its items stay as they were
