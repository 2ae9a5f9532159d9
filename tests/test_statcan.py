"""Statistics Canada extractor: the violation rule, the WDS answer, parsing (own fixtures and the
real excerpt), streaming from a zip, bad input, and the extract against a local server."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from crossborder.core.errors import CrossborderError
from crossborder.core.progress import Progress
from extractors import statcan
from extractors.base import ExtractContext
from tests.conftest import real_data

HEADER = (
    '"REF_DATE","GEO","DGUID","Violations","Statistics","UOM","UOM_ID","SCALAR_FACTOR","SCALAR_ID",'
    '"VECTOR","COORDINATE","VALUE","STATUS","SYMBOL","TERMINATED","DECIMALS"\n'
)


def row(
    year="2021",
    geo="Alberta [48]",
    violation="Trafficking in persons [1525]",
    statistic="Actual incidents",
    value="38",
    status="",
    symbol="",
    decimals="0",
):
    cells = [
        year,
        geo,
        "2016A000248",
        violation,
        statistic,
        "Number",
        "223",
        "units",
        "0",
        "v1",
        "1.1.1",
        value,
        status,
        symbol,
        "",
        decimals,
    ]
    return ",".join(f'"{c}"' for c in cells) + "\n"


def table(*rows: str) -> bytes:
    return b"\xef\xbb\xbf" + (HEADER + "".join(rows)).encode("utf-8")


def zipped(data: bytes, name: str = "35100177.csv") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
        archive.writestr("35100177_MetaData.csv", "meta")
    return out.getvalue()


def parse(data: bytes) -> tuple[list[dict], statcan.ParseStats]:
    stats = statcan.ParseStats()
    records = list(
        statcan.parse_table_csv(io.BytesIO(data), table_id="35100177", source_url="u", raw_sha256="s", stats=stats)
    )
    return records, stats


@pytest.mark.parametrize(
    "violation, kept",
    [
        ("Trafficking in persons [1525]", True),
        ("Trafficking in persons under the age of eighteen years [1526]", True),
        ("Material benefit - trafficking in persons [1527]", True),
        ("Material benefit from trafficking [1528]", True),
        ("Withholding or destroying documents - trafficking [1529]", True),
        ("Human trafficking [7110]", True),
        ("Material benefit from sexual services [1631]", False),
        ("Possession, trafficking, production, distribution or importation of cocaine [4220]", False),
        ("Trafficking, cannabis [4310]", False),
        ("Weapons trafficking [3360]", False),
        ("Total, all violations [0]", False),
    ],
)
def test_violation_rule(violation, kept):
    assert statcan.is_trafficking_violation(violation) is kept


def test_parse_keeps_trafficking_rows_with_flags():
    records, stats = parse(
        table(
            row(),
            row(violation="Total, all violations [0]", value="9999"),
            row(geo="Canada", statistic="Rate per 100,000 population", value="0.52", decimals="2"),
            row(year="2022", value="", status=".."),
            row(symbol="r", value="40", statistic="Total, persons charged"),
        )
    )
    assert stats.rows == 5 and len(records) == 4 and not stats.rejects
    first = records[0]
    assert (
        first["ref_year"],
        first["geography_name"],
        first["geography_code"],
        first["violation_code"],
        first["value"],
    ) == (2021, "Alberta", "48", "1525", 38.0)
    assert records[1]["geography_code"] is None and records[1]["value"] == 0.52
    assert records[2]["value"] is None and records[2]["status"] == ".."
    assert records[3]["symbol"] == "r"


def test_bad_rows_are_rejected_not_dropped():
    records, stats = parse(table(row(value="n/a"), row(year="twenty"), row()))
    assert len(records) == 1
    assert [r["reason"] for r in stats.rejects] == ["VALUE 'n/a' is not a number", "REF_DATE 'twenty' is not a year"]


def test_header_change_is_named():
    with pytest.raises(statcan.SchemaError, match=r"statcan: u: header lacks columns \['VALUE'\]"):
        parse(table().replace(b'"VALUE"', b'"AMOUNT"'))


def test_zip_is_streamed_and_bad_zips_are_named(tmp_path):
    good = tmp_path / "t.zip"
    good.write_bytes(zipped(table(row(), row(year="2020"))))
    stats = statcan.ParseStats()
    assert len(list(statcan.parse_zip(good, table_id="35100177", source_url="u", raw_sha256="s", stats=stats))) == 2
    html = tmp_path / "h.zip"
    html.write_bytes(b"<!DOCTYPE html><html>Access denied</html>")
    with pytest.raises(statcan.SchemaError, match="HTML page, not a zip"):
        list(statcan.parse_zip(html, table_id="35100177", source_url="u", raw_sha256="s", stats=stats))
    other = tmp_path / "o.zip"
    other.write_bytes(zipped(table(row()), name="a.csv")[:-40])
    with pytest.raises(statcan.SchemaError, match="not a zip file"):
        list(statcan.parse_zip(other, table_id="35100177", source_url="u", raw_sha256="s", stats=stats))


def test_wds_answer_and_mirror_rewrite():
    body = json.dumps(
        {"status": "SUCCESS", "object": "https://www150.statcan.gc.ca/n1/tbl/csv/35100177-eng.zip"}
    ).encode()
    url = statcan.zip_url_from_wds(body, "w")
    assert (
        statcan.onto_base_url(url, "http://127.0.0.1:9/mirror", ("www150.statcan.gc.ca",))
        == "http://127.0.0.1:9/mirror/n1/tbl/csv/35100177-eng.zip"
    )
    assert statcan.onto_base_url(url, "https://www150.statcan.gc.ca", ("www150.statcan.gc.ca",)) == url
    with pytest.raises(statcan.SchemaError, match="not a successful WDS reply"):
        statcan.zip_url_from_wds(b'{"status": "FAILED", "object": "Table not found"}', "w")
    with pytest.raises(statcan.SchemaError, match="not JSON"):
        statcan.zip_url_from_wds(b"<html>", "w")


def test_contract_real_excerpt():
    path = real_data("statcan", "statcan_35-10-0177-01_trafficking_in_persons_alberta_2017-2021.csv")
    with path.open("rb") as stream:
        stats = statcan.ParseStats()
        records = list(
            statcan.parse_table_csv(stream, table_id="35100177", source_url="u", raw_sha256="s", stats=stats)
        )
    assert len(records) == 80 and not stats.rejects
    assert {r["geography"] for r in records} == {"Alberta [48]"}
    assert {r["violation_code"] for r in records} == {"1525"}
    assert {r["ref_year"] for r in records} == {2017, 2018, 2019, 2020, 2021}
    incidents = {r["ref_year"]: r["value"] for r in records if r["statistic"] == "Actual incidents"}
    assert incidents[2017] == 9 and incidents[2021] == 38
    assert "Total, persons charged" in {r["statistic"] for r in records}


def _serve(site, zip_body: bytes, zip_path: str = "/n1/tbl/csv/35100177-eng.zip"):
    answer = {"status": "SUCCESS", "object": f"https://www150.statcan.gc.ca{zip_path}"}
    site.put("/t1/wds/rest/getFullTableDownloadCSV/35100177/en", json.dumps(answer), "application/json")
    site.put(zip_path, zip_body, "application/zip")


def test_extract_from_mirror_and_bad_zip_keeps_records(env, site, monkeypatch):
    from crossborder.core.config import load_settings

    monkeypatch.setenv("CROSSBORDER_STATCAN_BASE_URL", env["CROSSBORDER_CBP_BASE_URL"])
    settings = load_settings()
    _serve(site, zipped(table(row(), row(year="2020", value="26"))))
    ctx = ExtractContext.create(settings, "statcan", Progress(quiet=True))
    report = statcan.extract(ctx)
    assert report.ok, report.failures
    assert report.records == {"incidents": 2}
    records = ctx.landing.records_path("incidents", "35100177")
    before = records.read_bytes()

    # A broken zip: the failure names the URL; the records held stay as they were.
    site.put("/n1/tbl/csv/35100177-eng.zip", b"PK\x03\x04 broken", "application/zip")
    report = statcan.extract(ExtractContext.create(settings, "statcan", Progress(quiet=True)))
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
    report = statcan.extract(ExtractContext.create(load_settings(), "statcan", Progress(quiet=True)))
    assert report.failures and "not allowed" in report.failures[0]
    with pytest.raises(CrossborderError):
        statcan.fetch(
            ExtractContext.create(load_settings(), "statcan", Progress(quiet=True)),
            "https://x/y.csv",
            statcan.ExtractReport(source="statcan"),
        )


def test_the_dag_steps_plan_fetch_refresh(env, site, monkeypatch, quiet):
    """What extract_statcan's tasks call (discover, download, derive_records), one by one."""
    from crossborder.core.config import load_settings
    from crossborder.pipeline import extract as pipeline

    monkeypatch.setenv("CROSSBORDER_STATCAN_BASE_URL", env["CROSSBORDER_CBP_BASE_URL"])
    settings = load_settings()
    _serve(site, zipped(table(row())))
    items = pipeline.plan_extract(settings, "statcan", quiet)
    assert items == [env["CROSSBORDER_CBP_BASE_URL"] + "/n1/tbl/csv/35100177-eng.zip"]
    assert pipeline.fetch_item(settings, "statcan", items[0], quiet)["downloaded"] == 1
    assert pipeline.finish_extract(settings, "statcan", quiet).records == {"incidents": 1}
    assert pipeline.fetch_item(settings, "statcan", items[0], quiet)["unchanged"] == 1  # conditional GET: 304
    assert pipeline.finish_extract(settings, "statcan", quiet).records == {}  # nothing new to derive
