"""Every CSV link of a CBP landing page that is not taken is listed with its reason, in the extract
report and beside the landed page (issue 15, finding 3); an older release named without `-aor` is
taken when its header is the AOR schema; a release robots.txt disallows is not fetched, and the
rest still lands.

Fixtures (tests/fixtures/cbp/): nationwide-encounters-page.html links the files as the encounters
page does (-aor/-state pairs, an older release under assets/documents/, one named without -aor);
nationwide-encounters-fy20-fy22.csv has the real AOR header and value shapes (no BOM, CRLF);
encounters-by-state-header.csv has a by-state header (a State column in place of the AOR ones);
robots.txt is a Drupal robots.txt that also disallows /sites/default/files/assets/documents/, as
a third party reports cbp.gov's does."""

from __future__ import annotations

import io
import json
from urllib.robotparser import RobotFileParser

import duckdb

from crossborder.core.config import load_settings
from crossborder.core.progress import Progress
from extractors.base import ExtractContext
from extractors.cbp import SOURCE as cbp
from extractors.cbp.discover import discover_releases
from extractors.cbp.schema import LINKS_NOT_TAKEN
from tests.conftest import FIXTURES
from tests.samples.cbp import DRUG_HEADER, ENCOUNTER_HEADER, csv_bytes, drug_rows, encounter_rows, landing_page

BASE = "https://www.cbp.gov"
FILES = "/sites/default/files"
PAGE = "/document/stats/nationwide-encounters"
NEW_AOR = f"{FILES}/2025-03/nationwide-encounters-fy22-fy25-feb-aor.csv"
OLD_AOR = f"{FILES}/assets/documents/2023-Nov/nationwide-encounters-fy20-fy23-aor.csv"
UNSUFFIXED = f"{FILES}/assets/documents/2022-Oct/nationwide-encounters-fy20-fy22.csv"
DRUGS = f"{FILES}/2024-10/nationwide-drugs-fy23-fy24.csv"


def fixture(name: str) -> bytes:
    return (FIXTURES / "cbp" / name).read_bytes()


def not_taken_by_file(not_taken) -> dict[str, str]:
    return {link.href.rsplit("/", 1)[-1]: link.reason for link in not_taken}


def test_every_csv_link_not_taken_is_listed_with_its_reason_and_the_unsuffixed_aor_name_is_taken():
    not_taken: list = []
    releases = discover_releases(
        fixture("nationwide-encounters-page.html"),
        BASE + PAGE,
        page_option="encounters_page",
        allowed_hosts={"www.cbp.gov"},
        skipped=not_taken,
    )
    assert [r.release_id for r in releases] == [
        "2025-03/nationwide-encounters-fy22-fy25-feb-aor",  # ids of the -aor files are as before
        "assets/documents/2022-Oct/nationwide-encounters-fy20-fy22",
        "assets/documents/2023-Nov/nationwide-encounters-fy20-fy23-aor",
    ]
    reasons = not_taken_by_file(not_taken)
    assert sorted(reasons) == [
        "encounters-data-dictionary.csv",
        "nationwide-encounters-fy22-fy25-feb-state.csv",
        "southwest-land-border-encounters-fy22-fy25-feb.csv",
    ]  # the PDF and the page links are not CSV links
    assert reasons["nationwide-encounters-fy22-fy25-feb-state.csv"].startswith("a -state file")
    assert reasons["southwest-land-border-encounters-fy22-fy25-feb.csv"].startswith("not nationwide")
    assert reasons["encounters-data-dictionary.csv"].startswith("unknown name")


def test_a_release_of_the_other_page_and_a_disallowed_one_are_listed_not_taken():
    robots = RobotFileParser()
    robots.parse(fixture("robots.txt").decode().splitlines())
    html = landing_page("Nationwide Encounters", [NEW_AOR, OLD_AOR, DRUGS]).encode()
    not_taken: list = []
    releases = discover_releases(
        html,
        BASE + PAGE,
        page_option="encounters_page",
        refusal=lambda url: None if robots.can_fetch("crossborder", url) else "disallowed by robots.txt",
        skipped=not_taken,
    )
    assert [r.url for r in releases] == [BASE + NEW_AOR]
    reasons = not_taken_by_file(not_taken)
    assert reasons["nationwide-encounters-fy20-fy23-aor.csv"] == "disallowed by robots.txt"
    assert reasons["nationwide-drugs-fy23-fy24.csv"].startswith("a nationwide-drugs release")


def serve(site, encounters: dict[str, bytes], robots: str = "User-agent: *\nDisallow: /private/\n") -> None:
    """The fixture encounters page (serving the given files), a drug seizures page, and robots.txt."""
    site.httpserver.clear_all_handlers()  # replaces the default robots.txt of the site fixture
    site.httpserver.expect_request("/robots.txt").respond_with_data(robots)
    for path, body in encounters.items():
        site.put(path, body)
    site.put(PAGE, fixture("nationwide-encounters-page.html"), "text/html")
    site.put(DRUGS, csv_bytes(DRUG_HEADER, drug_rows([2023, 2024])))
    site.put("/document/stats/nationwide-drug-seizures", landing_page("Nationwide Drug Seizures", [DRUGS]), "text/html")


def run_extract(out: io.StringIO | None = None):
    progress = Progress(stream=out) if out is not None else Progress(quiet=True)
    return cbp.extract(ExtractContext.create(load_settings(), "cbp", progress))


def encounter_release_ids(settings) -> set[str]:
    """The release ids of the encounters records files written."""
    folder = settings.raw_dir / "cbp" / "records" / "encounters"
    with duckdb.connect() as con:
        return {row[0] for row in con.execute(f"select distinct release_id from '{folder}/*.parquet'").fetchall()}


def links_path(settings):
    """The encounters page's list of links not taken, beside the encounters records."""
    return settings.raw_dir / "cbp" / "records" / "encounters" / f"{LINKS_NOT_TAKEN}.meta.json"


def links_file(settings) -> dict:
    return json.loads(links_path(settings).read_text())


def test_an_unsuffixed_release_with_the_aor_header_lands_and_gives_records(settings, site):
    serve(
        site,
        {
            NEW_AOR: csv_bytes(ENCOUNTER_HEADER, encounter_rows([2024, 2025])),
            OLD_AOR: csv_bytes(ENCOUNTER_HEADER, encounter_rows([2022, 2023])),
            UNSUFFIXED: fixture("nationwide-encounters-fy20-fy22.csv"),
        },
    )
    report = run_extract()
    assert report.ok, report.failures
    assert "assets/documents/2022-Oct/nationwide-encounters-fy20-fy22" in encounter_release_ids(settings)
    assert report.records["encounters"] == 7 + 2 * 24 + 2 * 24 and report.rejected_rows == 0
    # The links not taken are in the report, its summary, and the file beside the landed page.
    assert len(report.links_not_taken) == 3 and "3 links not taken" in report.summary()
    listed = links_file(settings)
    assert listed["page_url"] == site.httpserver.url_for(PAGE)
    assert {link["href"].rsplit("/", 1)[-1] for link in listed["links_not_taken"]} == {
        "encounters-data-dictionary.csv",
        "nationwide-encounters-fy22-fy25-feb-state.csv",
        "southwest-land-border-encounters-fy22-fy25-feb.csv",
    }
    assert all(link["reason"] for link in listed["links_not_taken"])


def test_an_unsuffixed_file_whose_header_is_not_aor_is_refused_naming_file_and_header(settings, site):
    serve(
        site,
        {
            NEW_AOR: csv_bytes(ENCOUNTER_HEADER, encounter_rows([2024, 2025])),
            OLD_AOR: csv_bytes(ENCOUNTER_HEADER, encounter_rows([2022, 2023])),
            UNSUFFIXED: fixture("encounters-by-state-header.csv"),
        },
    )
    out = io.StringIO()
    report = run_extract(out)
    assert report.ok, report.failures  # the rest lands; the refusal is listed, not a failure
    [refusal] = [line for line in report.links_not_taken if "nationwide-encounters-fy20-fy22.csv" in line]
    assert site.httpserver.url_for(UNSUFFIXED) in refusal
    assert "not the AOR schema" in refusal and "missing columns ['Area of Responsibility', 'AOR (Abbv)']" in refusal
    assert "header: Fiscal Year, Month Grouping, Month (abbv), Component, Land Border Region, State," in refusal
    assert f"WARNING {refusal}" in out.getvalue()
    assert encounter_release_ids(settings) == {
        "2025-03/nationwide-encounters-fy22-fy25-feb-aor",
        "assets/documents/2023-Nov/nationwide-encounters-fy20-fy23-aor",
    }
    # Every run says so again, without parsing the file again.
    again = run_extract()
    assert again.ok and refusal in again.links_not_taken


def test_releases_disallowed_by_robots_txt_are_not_fetched_but_listed_and_the_rest_lands(settings, site):
    serve(
        site,
        {
            NEW_AOR: csv_bytes(ENCOUNTER_HEADER, encounter_rows([2024, 2025])),
            OLD_AOR: csv_bytes(ENCOUNTER_HEADER, encounter_rows([2022, 2023])),
            UNSUFFIXED: fixture("nationwide-encounters-fy20-fy22.csv"),
        },
        robots=fixture("robots.txt").decode(),
    )
    out = io.StringIO()
    report = run_extract(out)
    assert report.ok, report.failures
    assert not [path for path, _ in site.hits if "/assets/documents/" in path]  # never requested
    assert encounter_release_ids(settings) == {"2025-03/nationwide-encounters-fy22-fy25-feb-aor"}
    assert report.records["drug_seizures"]
    refused = [line for line in report.links_not_taken if "disallowed by robots.txt" in line]
    assert len(refused) == 2 and all("/assets/documents/" in line for line in refused)
    assert "5 links not taken" in report.summary()
    said = out.getvalue()
    assert said.count("disallowed by robots.txt") == 2 and "WARNING cbp: " in said
    listed = {link["href"].rsplit("/", 1)[-1]: link["reason"] for link in links_file(settings)["links_not_taken"]}
    assert listed["nationwide-encounters-fy20-fy22.csv"].startswith("disallowed by robots.txt")
    assert listed["nationwide-encounters-fy20-fy23-aor.csv"].startswith("disallowed by robots.txt")
    assert len(listed) == 5

    # A rerun with nothing changed writes the same list (a build's inputs stay the same).
    before = links_path(settings).read_bytes()
    assert run_extract().ok
    assert links_path(settings).read_bytes() == before
