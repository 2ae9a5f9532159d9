"""Faults after a good publish: the published warehouse is never touched, and a rerun after a
killed build gives the same tables as a clean run. Runs the whole pipeline: marked e2e."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from crossborder.cli import EXIT_FAILED, EXIT_OK, main
from tests.samples.cbp import DRUG_HEADER, ENCOUNTER_HEADER, csv_bytes, drug_rows, encounter_rows, publish_cbp
from tests.samples.tip import country_page, publish_edition
from tests.warehouse_utils import query, table_contents

pytestmark = pytest.mark.e2e

ENC = "/sites/default/files/2024-10/nationwide-encounters-fy23-fy24-aor.csv"
DRUGS = "/sites/default/files/2024-10/nationwide-drugs-fy23-fy24.csv"


def publish_two_years(site) -> None:
    """CBP's landing pages linking one encounters and one drug-seizures file of FY2023-FY2024."""
    publish_cbp(
        site,
        encounters={ENC: csv_bytes(ENCOUNTER_HEADER, encounter_rows([2023, 2024]))},
        drugs={DRUGS: csv_bytes(DRUG_HEADER, drug_rows([2023, 2024]))},
    )


def test_failures_after_a_good_publish_leave_it_untouched_and_reruns_converge(settings, site, env, capsys):
    publish_two_years(site)
    assert main(["--quiet", "run", "--source", "cbp"]) == EXIT_OK
    published = settings.warehouse_path.read_bytes()
    clean_tables = table_contents(settings.warehouse_path)

    # The source answers 503 every time: the extract fails after its retries, naming the URL.
    site.httpserver.clear()
    site.httpserver.expect_request("/robots.txt").respond_with_data("")
    site.httpserver.expect_request("/document/stats/nationwide-encounters").respond_with_data("down", status=503)
    site.httpserver.expect_request("/document/stats/nationwide-drug-seizures").respond_with_data("down", status=503)
    capsys.readouterr()
    assert main(["--quiet", "run", "--source", "cbp"]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert "extract failed" in err and "/document/stats/nationwide-encounters" in err and "HTTP 503" in err
    assert settings.warehouse_path.read_bytes() == published

    # A build killed while dbt writes: the published file is untouched, the lock is released.
    build = subprocess.Popen(
        [sys.executable, "-m", "crossborder.cli", "--quiet", "build"],
        env={**os.environ, **env},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not settings.work_warehouse_path.exists() and time.monotonic() < deadline and build.poll() is None:
        time.sleep(0.05)
    assert build.poll() is None, "the build finished before it could be killed"
    os.killpg(build.pid, signal.SIGKILL)
    build.wait()
    assert settings.warehouse_path.read_bytes() == published

    # The rerun (offline: build, validate, publish) gives the same tables as the clean run.
    for step in ("build", "validate", "publish"):
        assert main(["--quiet", step]) == EXIT_OK
    assert table_contents(settings.warehouse_path) == clean_tables


TIP_2022 = {
    "canada": ("Canada", "Tier 1"),
    "mexico": ("Mexico", "Tier 2"),
    "burma": ("Burma", "Tier 3"),
    "korea-north": ("Korea, North", "Tier 3"),
    "cote-divoire": ("Côte d’Ivoire", "Tier 2 Watch List"),
    "libya": ("Libya", "Special Case"),
}


def test_a_page_that_stops_parsing_keeps_its_published_placement_and_the_run_fails_naming_it(
    settings, site, env, monkeypatch, capsys
):
    for key, value in {
        "CROSSBORDER_TIP_BASE_URL": env["CROSSBORDER_CBP_BASE_URL"],
        "CROSSBORDER_TIP_ARCHIVE_BASE_URL": env["CROSSBORDER_CBP_BASE_URL"] + "/archive",
        "CROSSBORDER_TIP_RECHECK_AFTER_HOURS": "0",
        "CROSSBORDER_TIP_MIN_COUNTRIES_PER_EDITION": "5",
        "CROSSBORDER_TIP_MAX_COUNTRIES_PER_EDITION": "10",
        "CROSSBORDER_TIP_MAX_COUNTRIES_DROPPED": "1",
    }.items():
        monkeypatch.setenv(key, value)
    pages = {slug: country_page(name, tier, 2022) for slug, (name, tier) in TIP_2022.items()}
    publish_edition(site, 2022, pages)
    assert main(["--quiet", "run", "--source", "tip", "--years", "2022"]) == EXIT_OK
    placement = "select placement from marts.fct_tip_tier_placements where iso3 = 'CAN' and report_year = 2022"
    assert query(settings.warehouse_path, placement) == [("Tier 1",)]

    publish_edition(site, 2022, {**pages, "canada": country_page("Canada", "Tier 4", 2022)})  # no tier any more
    capsys.readouterr()
    assert main(["--quiet", "run", "--source", "tip", "--years", "2022"]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert "quarantined: tip:" in err and "/2022-trafficking-in-persons-report/canada/" in err
    assert "last good copy stays in use" in err
    assert query(settings.warehouse_path, placement) == [("Tier 1",)]  # published, with the last good parse
    report = settings.report_path.read_text(encoding="utf-8")
    table = report.split('<table id="quarantined">', 1)[1].split("</table>", 1)[0]
    assert "/2022-trafficking-in-persons-report/canada/" in table and "last good copy, landed" in table


BLOCK_PAGE = "<html><head><title>Access Denied</title></head><body>Reference #18.2f</body></html>"


def test_a_source_that_starts_blocking_keeps_its_published_data_and_the_run_fails_naming_the_block(
    settings, site, capsys
):
    publish_two_years(site)
    assert main(["--quiet", "run", "--source", "cbp"]) == EXIT_OK
    published = settings.warehouse_path.read_bytes()
    attempts = "select source_name, outcome, count(*) from main.fetch_attempts group by all order by all"
    assert query(settings.warehouse_path, attempts) == [("cbp", "downloaded", 4)]  # 2 landing pages, 2 files

    for path in list(site.pages):  # a firewall now answers every path with its block page, HTTP 200
        site.put(path, BLOCK_PAGE, "text/html")
    capsys.readouterr()
    assert main(["--quiet", "run", "--source", "cbp"]) == EXIT_FAILED
    err = capsys.readouterr().err
    host = site.httpserver.host
    assert f"{host} is blocking this client since" in err and "block page 'Access Denied'" in err
    assert "extract failed" not in err and "page layout changed" not in err  # not a failure, not a layout change
    assert settings.warehouse_path.read_bytes() == published  # the last good data stays published
    report = settings.report_path.read_text(encoding="utf-8")
    health = report.split('<table id="fetch-health">', 1)[1].split("</table>", 1)[0]
    assert '<tr class="blocked"><td>cbp</td><td>blocked</td>' in health and "Access Denied" in health
