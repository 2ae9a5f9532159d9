"""The StatCan extract against a local server: from a mirror, a bad zip keeps the records, a
foreign host is refused, and the split steps a DAG calls."""

from __future__ import annotations

import json

import pytest

from crossborder.core.errors import CrossborderError
from crossborder.core.progress import Progress
from extractors import statcan
from extractors.base import ExtractContext, ExtractReport
from tests.samples.statcan import row, serve, table, zipped


def test_extract_from_mirror_and_bad_zip_keeps_records(env, site, monkeypatch):
    from crossborder.core.config import load_settings

    monkeypatch.setenv("CROSSBORDER_STATCAN_BASE_URL", env["CROSSBORDER_CBP_BASE_URL"])
    settings = load_settings()
    serve(site, zipped(table(row(), row(year="2020", value="26"))))
    ctx = ExtractContext.create(settings, "statcan", Progress(quiet=True))
    report = statcan.SOURCE.extract(ctx)
    assert report.ok, report.failures
    assert report.records == {"incidents": 2}
    records = ctx.landing.records_path("incidents", "35100177", ".parquet")
    before = records.read_bytes()

    # A broken zip: the failure names the URL; the records held stay as they were.
    site.put("/n1/tbl/csv/35100177-eng.zip", b"PK\x03\x04 broken", "application/zip")
    report = statcan.SOURCE.extract(ExtractContext.create(settings, "statcan", Progress(quiet=True)))
    assert report.failures and "35100177-eng.zip" in report.failures[0] and "zip" in report.failures[0]
    assert records.read_bytes() == before


def test_zip_on_a_foreign_host_is_refused(env, site, monkeypatch):
    from crossborder.core.config import load_settings

    monkeypatch.setenv("CROSSBORDER_STATCAN_BASE_URL", env["CROSSBORDER_CBP_BASE_URL"])
    site.put(
        "/t1/wds/rest/getFullTableDownloadCSV/35100177/en",
        json.dumps({"status": "SUCCESS", "object": "https://evil.example/35100177-eng.zip"}),
        "application/json",
    )
    report = statcan.SOURCE.extract(ExtractContext.create(load_settings(), "statcan", Progress(quiet=True)))
    assert report.failures and "not allowed" in report.failures[0]
    with pytest.raises(CrossborderError):
        statcan.SOURCE.fetch(
            ExtractContext.create(load_settings(), "statcan", Progress(quiet=True)),
            "https://x/y.csv",
            ExtractReport(source="statcan"),
        )


def test_the_dag_steps_plan_fetch_refresh(env, site, monkeypatch, quiet):
    """What extract_statcan's tasks call (discover, download, derive_records), one by one."""
    from crossborder.core.config import load_settings
    from crossborder.pipeline import extract as pipeline

    monkeypatch.setenv("CROSSBORDER_STATCAN_BASE_URL", env["CROSSBORDER_CBP_BASE_URL"])
    settings = load_settings()
    serve(site, zipped(table(row())))
    items = pipeline.plan_extract(settings, "statcan", quiet)
    assert items == [env["CROSSBORDER_CBP_BASE_URL"] + "/n1/tbl/csv/35100177-eng.zip"]
    assert pipeline.fetch_item(settings, "statcan", items[0], quiet)["downloaded"] == 1
    assert pipeline.finish_extract(settings, "statcan", quiet).records == {"incidents": 1}
    assert pipeline.fetch_item(settings, "statcan", items[0], quiet)["unchanged"] == 1  # conditional GET: 304
    assert pipeline.finish_extract(settings, "statcan", quiet).records == {}  # nothing new to derive
