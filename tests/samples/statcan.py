"""Small Statistics Canada full-table CSVs and zips for tests, built in code so each test states
the rows it depends on, and a local WDS serving them."""

from __future__ import annotations

import io
import json
import zipfile

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


def serve(site, zip_body: bytes, zip_path: str = "/n1/tbl/csv/35100177-eng.zip"):
    answer = {"status": "SUCCESS", "object": f"https://www150.statcan.gc.ca{zip_path}"}
    site.put("/t1/wds/rest/getFullTableDownloadCSV/35100177/en", json.dumps(answer), "application/json")
    site.put(zip_path, zip_body, "application/zip")
