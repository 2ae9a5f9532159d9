"""The TIP extractor against a local server playing state.gov and its archive host: index pages,
country pages, 404s, quarantine, archive fallback, conditional GET, resume, and the split steps a
mapped Airflow task calls."""

from __future__ import annotations

import gzip
import json

import pytest
from werkzeug import Response

from crossborder.core.config import load_settings
from crossborder.pipeline import extract as pipeline
from extractors.base import ExtractContext, ExtractReport
from extractors.tip import SOURCE as tip
from extractors.tip.editions import parse_editions
from tests.samples.tip import country_page, not_found, publish_edition, report_path

ARCHIVE = "/archive"


@pytest.fixture
def tip_env(env, httpserver, monkeypatch):
    values = {
        "CROSSBORDER_TIP_BASE_URL": httpserver.url_for("/").rstrip("/"),
        "CROSSBORDER_TIP_ARCHIVE_BASE_URL": httpserver.url_for(ARCHIVE).rstrip("/"),
        "CROSSBORDER_TIP_EDITIONS": "2020,2022",
        "CROSSBORDER_TIP_RECHECK_AFTER_HOURS": "0",
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return {**env, **values}


def context(quiet) -> ExtractContext:
    return ExtractContext.create(load_settings(), "tip", quiet)


def records(settings, dataset: str, year: int) -> list[dict]:
    path = settings.raw_dir / "tip" / "records" / dataset / f"{year}.jsonl.gz"
    return [json.loads(line) for line in gzip.decompress(path.read_bytes()).decode().splitlines()]


def two_editions(site, *, canada_2022: str | None = "default", extra_links=()):
    publish_edition(
        site,
        2020,
        {
            "canada": country_page("Canada", "Tier 1", 2020),
            "mexico": country_page("Mexico", "Tier 2", 2020),
            "korea-north": country_page("Korea, North", "Tier 3", 2020),
        },
        extra_links=list(extra_links),
    )
    publish_edition(
        site,
        2022,
        {
            "canada": country_page("Canada", "Tier 1", 2022) if canada_2022 == "default" else canada_2022,
            "mexico": country_page("Mexico", "Tier 2 Watch List", 2022),
            "korea-north": country_page("Korea, North", "Tier 3", 2022),
        },
    )


def test_plan_lists_country_pages_from_each_index(tip_env, site, quiet):
    two_editions(
        site,
        extra_links=[
            "/reports/2020-trafficking-in-persons-report/canada/#prosecution",
            "/reports/",
            "/reports/2019-trafficking-in-persons-report-2/canada/",
            "/wp-content/report.pdf",
            "https://www.state.gov/reports/2020-trafficking-in-persons-report/mexico/",
        ],
    )
    report = ExtractReport("tip")
    items = tip.plan(context(quiet), report)
    base = tip_env["CROSSBORDER_TIP_BASE_URL"]
    assert report.failures == []
    # Same-edition links only, once each, on the host that served the index (www.state.gov links too).
    assert items == [
        f"{base}/reports/{year}-trafficking-in-persons-report/{slug}/"
        for year in (2020, 2022)
        for slug in ("canada", "mexico", "korea-north")
    ]


def test_extract_lands_parses_and_records_provenance(tip_env, site, settings, quiet):
    two_editions(site)
    report = tip.extract(context(quiet))
    assert report.ok, report.failures
    assert (report.downloaded, report.quarantined, report.not_found) == (8, 0, 0)
    pages = {(r["country_name"], r["placement"]) for r in records(settings, "country_pages", 2022)}
    assert pages == {("CANADA", "Tier 1"), ("MEXICO", "Tier 2 Watch List"), ("KOREA, NORTH", "Tier 3")}
    canada = next(r for r in records(settings, "country_pages", 2020) if r["country_name"] == "CANADA")
    assert canada["served_by"] == "main" and canada["page_url"].endswith(
        "/reports/2020-trafficking-in-persons-report/canada/"
    )
    assert canada["movement_stated"] == "remained" and canada["heading"] == "CANADA: Tier 1"
    sections = [r for r in records(settings, "sections", 2020) if r["page_url"] == canada["page_url"]]
    assert [s["section"] for s in sections][:2] == ["summary", "prioritized_recommendations"]
    figures = {
        r["measure"]: r["value"]
        for r in records(settings, "enforcement_figures", 2020)
        if r["page_url"] == canada["page_url"]
    }
    assert figures == {"investigations": 31, "prosecutions": 19, "convictions": 11, "victims_identified": 215}
    # Each page is one manifest line with the edition as its release.
    entries = [e for e in tip_landing(settings).entries() if e.url == canada["page_url"]]
    assert [(e.kind, e.release_id, e.status) for e in entries] == [("file", "2020", 200)]


def tip_landing(settings):
    from crossborder.core.landing import LandingZone

    return LandingZone(settings.raw_dir, "tip")


def test_404_country_is_not_evaluated_and_unreadable_page_is_quarantined(tip_env, site, settings, quiet):
    publish_edition(
        site,
        2020,
        {
            "canada": country_page("Canada", "Tier 1", 2020),
            "mexico": country_page("Mexico", "Tier 2", 2020),
            "burma": country_page("Burma", "Tier 3", 2020),
            "kosovo": None,  # linked but answers 404: not evaluated this edition
            "libya": country_page("Libya", "Special Case", 2020, heading_text="LIBYA"),  # no readable tier
        },
    )
    publish_edition(site, 2022, {"canada": country_page("Canada", "Tier 1", 2022)})
    report = tip.extract(context(quiet))
    assert report.ok, report.failures
    assert (report.not_found, report.quarantined) == (1, 1)
    assert "1 pages quarantined" in report.summary() and "1 not found (404)" in report.summary()
    assert {r["country_name"] for r in records(settings, "country_pages", 2020)} == {"CANADA", "MEXICO", "BURMA"}
    [quarantined] = [
        json.loads(line) for line in (settings.raw_dir / "tip" / "quarantine" / "2020.jsonl").read_text().splitlines()
    ]
    assert quarantined["url"].endswith("/2020-trafficking-in-persons-report/libya/")
    assert "no heading of the form" in quarantined["reason"] and quarantined["raw_sha256"]
    assert not (settings.raw_dir / "tip" / "quarantine" / "2022.jsonl").exists()


def test_an_edition_most_of_whose_pages_fail_fails_the_extract_and_keeps_old_records(tip_env, site, settings, quiet):
    two_editions(site)
    assert tip.extract(context(quiet)).ok
    before = records(settings, "country_pages", 2022)
    # The site changes its layout: headings no longer carry the tier.
    publish_edition(
        site,
        2022,
        {
            slug: country_page(name, "Tier 1", 2022, heading_text=name.upper())
            for slug, name in (("canada", "Canada"), ("mexico", "Mexico"), ("korea-north", "Korea, North"))
        },
    )
    report = tip.extract(context(quiet))
    assert not report.ok
    assert "edition 2022: 3 of 3 country pages have no readable heading and tier and 0 answer 404" in report.failures[0]
    assert records(settings, "country_pages", 2022) == before
    with pytest.raises(Exception, match="has the site changed"):
        pipeline.extract(load_settings(), ["tip"], quiet)


def test_an_edition_whose_pages_mostly_answer_404_fails(tip_env, site, settings, quiet):
    """The index still links the countries but their pages moved: not "nobody was evaluated"."""
    publish_edition(site, 2020, {"canada": country_page("Canada", "Tier 1", 2020), "mexico": None, "burma": None})
    publish_edition(site, 2022, {"canada": country_page("Canada", "Tier 1", 2022)})
    report = tip.extract(context(quiet))
    assert [f for f in report.failures if "edition 2020" in f] == [
        f"tip: edition 2020: 0 of 3 country pages have no readable heading and tier and 2 answer 404 "
        f"(first: {tip_env['CROSSBORDER_TIP_BASE_URL']}/reports/2020-trafficking-in-persons-report/mexico/); "
        f"has the site changed? Records of this edition are left as they were"
    ]
    assert not (settings.raw_dir / "tip" / "records" / "country_pages" / "2020.jsonl.gz").exists()


def test_archive_host_serves_an_edition_the_main_site_no_longer_has(tip_env, site, settings, quiet):
    publish_edition(
        site,
        2020,
        {"canada": country_page("Canada", "Tier 1", 2020), "mexico": country_page("Mexico", "Tier 2", 2020)},
        prefix=ARCHIVE,
    )
    not_found(site, report_path(2020))
    publish_edition(site, 2022, {"canada": country_page("Canada", "Tier 1", 2022)})
    report = tip.extract(context(quiet))
    assert report.ok, report.failures
    [canada_2020, _] = sorted(records(settings, "country_pages", 2020), key=lambda r: r["country_name"])
    assert canada_2020["served_by"] == "archive"
    assert (
        canada_2020["page_url"]
        == tip_env["CROSSBORDER_TIP_ARCHIVE_BASE_URL"] + "/reports/2020-trafficking-in-persons-report/canada/"
    )
    assert records(settings, "country_pages", 2022)[0]["served_by"] == "main"


def test_edition_on_neither_host_fails_unless_it_is_the_unpublished_latest(tip_env, site, quiet, monkeypatch):
    publish_edition(site, 2020, {"canada": country_page("Canada", "Tier 1", 2020)})
    for path in (report_path(2022), ARCHIVE + report_path(2022)):
        not_found(site, path)
    report = ExtractReport("tip")
    tip.plan(context(quiet), report)
    assert report.failures == [
        f"tip: edition 2022 not found (404 at {tip_env['CROSSBORDER_TIP_BASE_URL']}{report_path(2022)} "
        f"and {tip_env['CROSSBORDER_TIP_ARCHIVE_BASE_URL']}{report_path(2022)})"
    ]
    assert parse_editions("2020-latest", this_year=2022) == ([2020, 2021, 2022], {2022})


def test_rerun_fetches_nothing_unchanged(tip_env, site, settings, quiet):
    two_editions(site)
    assert tip.extract(context(quiet)).ok
    site.hits.clear()
    report = tip.extract(context(quiet))
    assert report.ok and report.downloaded == 0 and report.unchanged == 8
    assert {status for _, status in site.hits} == {304}
    assert report.records == {}  # nothing re-derived: same pages, same parser


def test_interrupted_run_resumes_where_it_stopped(tip_env, site, settings, quiet, monkeypatch):
    monkeypatch.setenv("CROSSBORDER_TIP_RECHECK_AFTER_HOURS", "20")
    down = {"now": True}

    def canada_2022(request):
        if down["now"]:
            return Response("busy", status=503)
        site.hits.append((request.path, 200))
        return Response(country_page("Canada", "Tier 1", 2022), content_type="text/html")

    two_editions(site, canada_2022=canada_2022)
    # The 2022 Canada page fails (503) through every retry: the run stops short of it, publishes nothing.
    first = tip.extract(context(quiet))
    assert not first.ok and "HTTP 503" in first.failures[0]
    assert "1 of 3 country pages not landed yet" in first.failures[1]
    assert not (settings.raw_dir / "tip" / "records" / "country_pages" / "2022.jsonl.gz").exists()
    # It comes back; the next run asks only for what it lacks (the rest was checked recently).
    down["now"] = False
    site.hits.clear()
    second = tip.extract(context(quiet))
    assert second.ok, second.failures
    assert site.hits == [("/reports/2022-trafficking-in-persons-report/canada/", 200)]
    assert second.reused == 7
    assert {r["country_name"] for r in records(settings, "country_pages", 2022)} == {"CANADA", "MEXICO", "KOREA, NORTH"}


def test_split_steps_for_a_mapped_dag(tip_env, site, settings, quiet):
    """plan -> one fetch per country page (a 404 is an answer, not a task failure) -> finish."""
    publish_edition(site, 2020, {"canada": country_page("Canada", "Tier 1", 2020), "kosovo": None})
    publish_edition(site, 2022, {"canada": country_page("Canada", "Tier 1", 2022)})
    items = pipeline.plan_extract(settings, "tip", quiet)
    assert len(items) == 3
    results = [pipeline.fetch_item(settings, "tip", item, quiet) for item in items]
    assert [r["downloaded"] for r in results] == [1, 0, 1]
    report = pipeline.finish_extract(settings, "tip", quiet)
    assert report.records["country_pages"] == 2


def test_manifest_is_read_incrementally_and_sees_other_writers(tip_env, site, settings, quiet):
    """latest_by_url reads only new manifest lines (TIP lands thousands of pages per run), and
    still sees what another process (a parallel fetch task) appended."""
    from crossborder.core.landing import LandingZone

    two_editions(site)
    mine, other = LandingZone(settings.raw_dir, "tip"), LandingZone(settings.raw_dir, "tip")
    assert mine.latest_by_url() == {}
    ctx = context(quiet)
    ctx.landing = other
    tip.extract(ctx)
    assert len(mine.latest_by_url()) == 8 and len(mine.latest_by_url(kind="page")) == 2
    assert mine.latest_by_url() == {e.url: e for e in LandingZone(settings.raw_dir, "tip").entries()}


def test_a_backfill_run_twice_gives_identical_records(tip_env, site, quiet, monkeypatch):
    """--years 2020 run twice (the second after a recheck of every page) writes the same bytes."""
    two_editions(site)
    monkeypatch.setenv("CROSSBORDER_TIP_EDITIONS", "2020")
    pipeline.extract(load_settings(), ["tip"], quiet)
    folder = load_settings().raw_dir / "tip" / "records"
    first = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*.jsonl.gz")}
    for meta in folder.rglob("*.meta.json"):
        meta.unlink()  # force the records to be derived again, not reused
    pipeline.extract(load_settings(), ["tip"], quiet)
    second = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*.jsonl.gz")}
    assert first and first == second
