"""The OHSS extract against a local server: the USBP workbook is landed and read, a broken workbook
or a block page in its place keeps the records, a page without the workbook says so, robots.txt is obeyed."""

from __future__ import annotations

import pytest

from crossborder.core.progress import Progress
from extractors import ohss
from extractors.base import ExtractContext
from extractors.ohss.records import records_name
from tests.samples.ohss import LANDING_PATH, WORKBOOK_PATH, XLSX, landing_page, quoted, sample_workbook, serve


@pytest.fixture
def settings(env, monkeypatch):
    from crossborder.core.config import load_settings

    monkeypatch.setenv("CROSSBORDER_OHSS_BASE_URL", env["CROSSBORDER_CBP_BASE_URL"])
    return load_settings()


def _extract(settings):
    ctx = ExtractContext.create(settings, "ohss", Progress(quiet=True))
    return ctx, ohss.SOURCE.extract(ctx)


def test_the_workbook_is_landed_and_read_and_a_broken_one_or_a_block_page_keeps_the_records(settings, site):
    serve(site, sample_workbook())
    ctx, report = _extract(settings)
    assert report.ok, report.failures
    assert report.records["annual"] > 0 and report.records["monthly"] > report.records["annual"]
    assert [path for path, _ in site.hits if path.endswith(".xlsx")] == [WORKBOOK_PATH]  # not the OFO workbook
    name = records_name("KHSM Encounters (USBP) fy25m02")
    records = ctx.landing.records_path("monthly", name)
    before = records.read_bytes()

    # A workbook that cannot be read: the failure names the URL; the records held stay; the raw
    # file is kept for the operator to look at.
    site.put(WORKBOOK_PATH, sample_workbook()[:3000], XLSX)
    ctx, report = _extract(settings)
    (failure,) = report.failures
    assert quoted(WORKBOOK_PATH) in failure and "the workbook cannot be read" in failure
    assert records.read_bytes() == before
    landed = [e for e in ctx.landing.entries() if e.url.endswith(quoted(WORKBOOK_PATH)) and e.status == 200]
    assert len({e.sha256 for e in landed}) == 2 and all(ctx.landing.object_path(e).exists() for e in landed)

    # An access-denied page answered with 200 in its place: named as a block page, set aside.
    site.put(WORKBOOK_PATH, "<!DOCTYPE html><html><title>Access Denied</title></html>", "text/html")
    ctx, report = _extract(settings)
    # (and the broken workbook, still the newest content landed, is still named until it reads)
    blocked, still_broken = report.failures
    assert quoted(WORKBOOK_PATH) in blocked and "HTTP 200 block page 'Access Denied'" in blocked
    assert "the workbook cannot be read" in still_broken
    assert records.read_bytes() == before


def test_a_landing_page_without_the_workbook_fails_naming_the_page(settings, site):
    site.put(LANDING_PATH, landing_page(("/files/KHSM%20Encounters%20%28OFO%29.xlsx", "OFO")), "text/html")
    _, report = _extract(settings)
    (failure,) = report.failures
    assert LANDING_PATH in failure and "no Border Patrol (USBP) encounters workbook (.xlsx)" in failure


def test_a_workbook_robots_txt_disallows_is_said_and_not_fetched(settings, site):
    serve(site, sample_workbook(), path="/private/KHSM Encounters (USBP) fy25m02.xlsx")
    _, report = _extract(settings)
    assert any("disallowed by robots.txt" in line for line in report.links_not_taken)
    assert not any(path.endswith(".xlsx") for path, _ in site.hits)
    assert report.failures and "no Border Patrol (USBP) encounters workbook" in report.failures[0]
