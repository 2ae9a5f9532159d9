"""One junk link on a CBP landing page is skipped with a warning naming it (issue 16); only a page
left with no usable release link fails the extract, naming the page."""

from __future__ import annotations

import io

from crossborder.core.config import load_settings
from crossborder.core.progress import Progress
from extractors.base import ExtractContext
from extractors.cbp import SOURCE as cbp
from extractors.cbp.discover import discover_releases
from tests.samples.cbp import (
    DRUG_HEADER,
    ENCOUNTER_HEADER,
    csv_bytes,
    drug_rows,
    encounter_rows,
    landing_page,
    publish_cbp,
)

BASE = "https://www.cbp.gov"
FILES = "/sites/default/files"
GOOD = f"{FILES}/2024-10/nationwide-encounters-fy23-fy24-aor.csv"
JUNK = [
    "http://[::1",  # not a URL at all
    f"javascript:{FILES}/2024-10/nationwide-encounters-fy21-fy24-aor.csv",
    f"https://www.cbp.gov:99999{FILES}/2024-10/nationwide-encounters-fy21-fy24-aor.csv",
    f"//elsewhere.example{FILES}/2024-10/nationwide-encounters-fy21-fy24-aor.csv",
    f"{FILES}/2024-10/nationwide-encounters-fy24-fy21-aor.csv",  # years backwards
]


def test_junk_links_are_skipped_and_named():
    html = landing_page("Nationwide Encounters", [*JUNK, GOOD]).encode()
    skipped: list = []
    releases = discover_releases(
        html, f"{BASE}/document/stats/nationwide-encounters", allowed_hosts={"www.cbp.gov"}, skipped=skipped
    )
    assert [r.url for r in releases] == [BASE + GOOD]
    assert len(skipped) == len(JUNK)
    for href, problem in zip(JUNK, skipped, strict=True):
        assert str(problem).startswith(f"link {href!r}: ")
    assert "not a valid URL" in str(skipped[0]) and "not an allowed host" in str(skipped[3])


def test_an_extract_skips_a_junk_link_with_a_warning(settings, site):
    publish_cbp(
        site,
        encounters={GOOD: csv_bytes(ENCOUNTER_HEADER, encounter_rows([2023, 2024]))},
        drugs={f"{FILES}/2024-10/nationwide-drugs-fy23-fy24.csv": csv_bytes(DRUG_HEADER, drug_rows([2023, 2024]))},
    )
    site.put(
        "/document/stats/nationwide-encounters",
        landing_page("Nationwide Encounters", ["http://[::1", GOOD]),
        "text/html",
    )
    out = io.StringIO()
    report = cbp.extract(ExtractContext.create(load_settings(), "cbp", Progress(stream=out)))
    assert report.ok, report.failures
    assert report.records.get("encounters")
    assert "WARNING cbp: " in out.getvalue() and "not taken: link 'http://[::1': not a valid URL" in out.getvalue()


def test_a_page_with_only_junk_links_fails_naming_the_page(settings, site, quiet):
    publish_cbp(site, encounters={}, drugs={})
    site.put("/document/stats/nationwide-encounters", landing_page("Nationwide Encounters", JUNK), "text/html")
    report = cbp.extract(ExtractContext.create(load_settings(), "cbp", quiet))
    [failure] = [f for f in report.failures if "nationwide-encounters" in f]
    assert failure.startswith(f"cbp: {site.httpserver.url_for('/document/stats/nationwide-encounters')}: no release")
    assert "5 links not taken (first: link 'http://[::1'" in failure
