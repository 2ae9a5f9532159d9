"""Cached 404s do not outlive an outage (issue 16): the 404s of a refused edition are asked again by
the next run, while a 404 its edition was accepted with is still reused for recheck_after_hours."""

from __future__ import annotations

import pytest
from werkzeug import Response

from crossborder.core.config import load_settings
from extractors.base import ExtractContext
from extractors.tip import SOURCE as tip
from tests.samples.tip import country_page, publish_edition, report_path


@pytest.fixture
def tip_env(env, httpserver, monkeypatch):
    monkeypatch.setenv("CROSSBORDER_TIP_BASE_URL", httpserver.url_for("/").rstrip("/"))
    monkeypatch.setenv("CROSSBORDER_TIP_ARCHIVE_BASE_URL", httpserver.url_for("/archive").rstrip("/"))
    monkeypatch.setenv("CROSSBORDER_TIP_EDITIONS", "2020")
    monkeypatch.setenv("CROSSBORDER_TIP_RECHECK_AFTER_HOURS", "20")


def extract(quiet):
    return tip.extract(ExtractContext.create(load_settings(), "tip", quiet))


def test_a_retry_after_an_outage_asks_again_for_the_404s_that_refused_the_edition(tip_env, site, quiet):
    outage = {"on": True}

    def page(name):
        def serve(request):
            site.hits.append((request.path, 404 if outage["on"] else 200))
            if outage["on"]:
                return Response("Not Found", status=404)
            return Response(country_page(name, "Tier 2", 2020), content_type="text/html")

        return serve

    publish_edition(
        site,
        2020,
        {"canada": country_page("Canada", "Tier 1", 2020), "mexico": page("Mexico"), "burma": page("Burma")},
    )
    first = extract(quiet)
    assert any("edition 2020" in f and "2 answer 404" in f for f in first.failures), first.failures

    outage["on"] = False  # the site is back within recheck_after_hours
    site.hits.clear()
    second = extract(quiet)
    assert second.ok, second.failures
    asked = {path for path, _ in site.hits}
    assert {report_path(2020) + "mexico/", report_path(2020) + "burma/"} <= asked
    assert second.not_found == 0


def test_a_404_the_edition_was_accepted_with_is_reused(tip_env, site, quiet):
    publish_edition(
        site,
        2020,
        {
            "canada": country_page("Canada", "Tier 1", 2020),
            "mexico": country_page("Mexico", "Tier 2", 2020),
            "korea-north": country_page("Korea, North", "Tier 3", 2020),
            "kosovo": None,  # not evaluated this edition
        },
    )
    assert extract(quiet).ok
    site.httpserver.clear_log()
    second = extract(quiet)
    assert second.ok and second.reused == 5  # the index, three pages and the 404
    assert not any(r.path.endswith("/kosovo/") for r, _ in site.httpserver.log)
