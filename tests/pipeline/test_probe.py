"""`crossborder probe`: the live check of every source's entry pages, run here against local
servers: the demo mirror (healthy, nothing written), and changed fixtures (moved links, a block
page, a narrative the parser no longer reads), each named as drift against the last good fetch."""

from __future__ import annotations

import pytest

from crossborder.cli import EXIT_FAILED, EXIT_OK, main
from crossborder.core.config import load_settings
from crossborder.core.progress import Progress
from crossborder.pipeline import demo
from crossborder.pipeline.extract import extract
from crossborder.pipeline.probe import probe
from tests.samples.cbp import DRUG_HEADER, ENCOUNTER_HEADER, csv_bytes, drug_rows, encounter_rows, publish_cbp
from tests.samples.tip import country_page, publish_edition

ENC = "/sites/default/files/2024-10/nationwide-encounters-fy23-fy24-aor.csv"
DRUGS = "/sites/default/files/2024-10/nationwide-drugs-fy23-fy24.csv"
BLOCK_PAGE = "<html><head><title>Technical Difficulties</title></head><body>Technical Difficulties</body></html>"


def _files(root):
    return {(str(p), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


@pytest.mark.e2e
def test_the_demo_mirror_probes_healthy_and_the_probe_writes_nothing(demo_data, monkeypatch):
    monkeypatch.setenv("CROSSBORDER_DATA_DIR", str(demo_data))
    before = _files(demo_data)
    with demo.serve_mirror() as base_url:
        results = probe(demo.with_mirror(load_settings(), base_url, demo.MIRRORED_SOURCES))
    lines = [r.line() for r in results]
    assert [r.source for r in results] == ["cbp", "tip", "news", "statcan", "ohss"]
    assert all(r.healthy for r in results), lines
    assert "release links" in lines[0] and "country links" in lines[1] and "items" in lines[2]
    assert "USBP workbook links 1" in lines[4] and "sheets read 16" in lines[4], lines[4]
    assert _files(demo_data) == before  # no raw file, manifest, ledger or warehouse touched


def test_moved_links_and_a_drifted_csv_header_are_drift_against_the_last_good_fetch(settings, site, capsys):
    publish_cbp(
        site,
        encounters={ENC: csv_bytes(ENCOUNTER_HEADER, encounter_rows([2024]))},
        drugs={DRUGS: csv_bytes(DRUG_HEADER, drug_rows([2024]))},
    )
    extract(settings, ["cbp"], Progress(quiet=True))
    assert main(["probe", "--source", "cbp"]) == EXIT_OK
    assert capsys.readouterr().out == (
        "cbp: ok (landing page: release links 1; newest release file: CSV header 12 columns, nationwide-encounters "
        "schema; landing page: release links 1; newest release file: CSV header 9 columns, nationwide-drugs schema)\n"
    )

    # The newest encounters file renames a column: its header no longer matches the schema.
    renamed = ENCOUNTER_HEADER.replace("Encounter Count", "Encounters")
    site.put(ENC, csv_bytes(renamed, encounter_rows([2024])))
    assert main(["probe", "--source", "cbp"]) == EXIT_FAILED
    out = capsys.readouterr().out
    assert "newest release file " + site.httpserver.url_for(ENC) in out and "header does not match" in out
    assert "Encounter Count" in out

    # The site moves its files behind a "data" page: the landing page links no CSV any more.
    site.put("/document/stats/nationwide-encounters", "<html><body><a href='/data'>Data</a></body></html>", "text/html")
    assert main(["probe", "--source", "cbp"]) == EXIT_FAILED
    out = capsys.readouterr().out
    assert out.startswith("cbp: DRIFT: landing page ") and "nationwide-encounters: release links: 0 (was 1)" in out


def test_a_block_page_and_an_unreadable_narrative_are_drift(settings, tip_site, capsys):
    pages = {"canada": country_page("Canada", "Tier 1", 2022), "mexico": country_page("Mexico", "Tier 2", 2022)}
    site = tip_site
    publish_edition(site, 2022, pages)
    extract(load_settings(), ["tip"], Progress(quiet=True))
    assert main(["probe", "--source", "tip"]) == EXIT_OK
    assert "country links 2" in capsys.readouterr().out

    site.put(
        "/reports/2022-trafficking-in-persons-report/canada/", "<html><body><p>Moved.</p></body></html>", "text/html"
    )
    assert main(["probe", "--source", "tip"]) == EXIT_FAILED
    assert "country page" in (out := capsys.readouterr().out) and "no longer parses" in out

    site.put("/reports/2022-trafficking-in-persons-report/", BLOCK_PAGE, "text/html")
    assert main(["probe", "--source", "tip"]) == EXIT_FAILED
    assert "blocked: HTTP 200 block page 'Technical Difficulties'" in capsys.readouterr().out
