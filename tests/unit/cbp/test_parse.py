"""The CBP CSV parser (pure) on small files: typing, bad rows, bad files, and the records it gives
against the declared record schema (on the saved fixtures in tests/fixtures/cbp/)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from extractors.cbp.discover import release_from_url
from extractors.csv_files import RowLog, SchemaError
from extractors.schema import record_columns
from tests.conftest import FIXTURES
from tests.samples.cbp import DRUG_HEADER, ENCOUNTER_HEADER, csv_bytes, drug_rows, encounter_rows, stage_bytes

BASE = "https://www.cbp.gov"


@pytest.fixture(autouse=True)
def _folder(tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "FOLDER", tmp_path)


FOLDER = Path()


def parse(body: bytes, url: str):
    release = release_from_url(url)
    stats = RowLog()
    return stage_bytes(body, release, stats, FOLDER), stats


def test_encounters_parse_with_bom_crlf_and_quoted_citizenship():
    body = csv_bytes(ENCOUNTER_HEADER, encounter_rows([2024], months=["OCT"]), bom=True, crlf=True)
    records, stats = parse(body, f"{BASE}/sites/default/files/2024-10/nationwide-encounters-fy21-fy24-aor.csv")
    assert stats.rows == 2 and not stats.rejects
    first, second = records
    assert first["fiscal_year_label"] == "2024" and first["fiscal_year"] == 2024  # no BOM left in the first column
    assert first["month_abbv"] == "OCT" and first["encounter_count"] == 10
    assert second["citizenship"] == "CHINA, PEOPLES REPUBLIC OF"
    assert second["area_of_responsibility"] == "Tucson Sector" and second["aor_abbv"] == "TCA"
    assert first["release_id"] == "2024-10/nationwide-encounters-fy21-fy24-aor"
    assert (first["source_row"], second["source_row"]) == (2, 3)


def test_drug_fytd_year_is_read_as_the_fiscal_year():
    body = csv_bytes(DRUG_HEADER, drug_rows([2025], fytd=2025, months=["OCT"]))
    records, _ = parse(body, f"{BASE}/sites/default/files/2025-01/nationwide-drugs-fy22-fy25-dec.csv")
    assert records[0]["fiscal_year_label"] == "2025 (FYTD)" and records[0]["fiscal_year"] == 2025
    assert records[1]["drug_type"] == "Other Drugs**" and records[1]["quantity_lbs"] == 40.5


def test_amo_files_read_branch_as_the_area_of_responsibility():
    header = DRUG_HEADER.replace("Area of Responsibility", "Branch")
    body = csv_bytes(
        header,
        ["2021,APR,Air and Marine Operations,Coastal/Interior,Other,Miami Air And Marine Branch,Cocaine,1,3087.0"],
    )
    records, _ = parse(body, f"{BASE}/sites/default/files/2024-10/amo-drug-seizures-fy21-fy24.csv")
    assert records[0]["area_of_responsibility"] == "Miami Air And Marine Branch"


def test_reordered_columns_are_read_by_name():
    header = ENCOUNTER_HEADER.split(",")
    row = encounter_rows([2024], months=["NOV"])[0]
    import csv
    import io

    cells = next(csv.reader(io.StringIO(row)))
    order = list(reversed(range(len(header))))
    body = csv_bytes(",".join(header[i] for i in order), [",".join(f'"{cells[i]}"' for i in order)])
    records, _ = parse(body, f"{BASE}/sites/default/files/2024-10/nationwide-encounters-fy21-fy24-aor.csv")
    assert records[0]["area_of_responsibility"] == "Buffalo Field Office" and records[0]["encounter_count"] == 10


@pytest.mark.parametrize(
    "header, expected",
    [
        (
            ENCOUNTER_HEADER.replace("Encounter Count", "Encounters"),
            r"missing columns \['Encounter Count'\]; unexpected columns \['Encounters'\]",
        ),
        (ENCOUNTER_HEADER.replace(",Demographic", ""), r"missing columns \['Demographic'\]"),
    ],
)
def test_a_changed_header_fails_naming_the_file_and_columns(header, expected):
    url = f"{BASE}/sites/default/files/2024-10/nationwide-encounters-fy21-fy24-aor.csv"
    with pytest.raises(
        SchemaError, match=rf"cbp: {url}: header does not match the nationwide-encounters schema: {expected}"
    ):
        parse(csv_bytes(header, []), url)


def test_an_empty_file_fails_clearly():
    url = f"{BASE}/sites/default/files/2024-10/nationwide-drugs-fy21-fy24.csv"
    with pytest.raises(SchemaError, match="the file is empty"):
        parse(b"", url)
    with pytest.raises(SchemaError, match="no data rows"):
        parse(csv_bytes(DRUG_HEADER, []), url)


def test_bad_rows_are_rejected_counted_and_kept_not_dropped():
    rows = drug_rows([2024], months=["OCT"]) + [
        '2024,NOV,Office of Field Operations,Northern Border,Land Only,BUFFALO FIELD OFFICE,Fentanyl,"1,234",1.0',
        "2024,NOV,Office of Field Operations,Northern Border",
        "2024,NOVEMBER,Office of Field Operations,Northern Border,Land Only,BUFFALO FIELD OFFICE,Fentanyl,1,1.0",
    ]
    records, stats = parse(
        csv_bytes(DRUG_HEADER, rows), f"{BASE}/sites/default/files/2024-10/nationwide-drugs-fy21-fy24.csv"
    )
    assert len(records) == 2
    assert [(r["line"], r["reason"]) for r in stats.rejects] == [
        (4, "event_count '1,234' is not a whole number"),
        (5, "expected 9 fields, found 4"),
        (6, "month 'NOVEMBER' is not a month abbreviation"),
    ]


@pytest.mark.parametrize("quantity", ["inf", "-Infinity", "nan", "NaN", "1e309"])
def test_a_quantity_that_is_not_a_finite_number_is_rejected(quantity):
    # DuckDB casts these to doubles; an infinite weight of seized drugs would poison every sum.
    rows = drug_rows([2024], months=["OCT"]) + [
        f"2024,NOV,Office of Field Operations,Northern Border,Land Only,BUFFALO FIELD OFFICE,Fentanyl,1,{quantity}",
    ]
    records, stats = parse(
        csv_bytes(DRUG_HEADER, rows), f"{BASE}/sites/default/files/2024-10/nationwide-drugs-fy21-fy24.csv"
    )
    assert len(records) == 2
    assert [(r["line"], r["reason"]) for r in stats.rejects] == [(4, f"quantity_lbs '{quantity}' is not a number")]


def test_cp1252_text_is_decoded_without_replacement_characters():
    row = "2024,OCT,Office of Field Operations,Northern Border,Land Only,MONTRÉAL PRECLEARANCE,Fentanyl,1,1.0"
    body = (DRUG_HEADER + "\r\n" + row + "\r\n").encode("cp1252")
    records, _ = parse(body, f"{BASE}/sites/default/files/2024-10/nationwide-drugs-fy21-fy24.csv")
    assert records[0]["area_of_responsibility"] == "MONTRÉAL PRECLEARANCE"


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html><html><head><title>Access Denied</title></head><body>Access Denied</body></html>",
        b"\n  <html><body><h1>503 Service Unavailable</h1></body></html>",
    ],
)
def test_an_html_error_page_served_as_the_csv_is_detected(body):
    url = f"{BASE}/sites/default/files/2024-10/nationwide-drugs-fy21-fy24.csv"
    with pytest.raises(SchemaError, match="sent an HTML page, not a CSV file"):
        parse(body, url)


def test_an_unterminated_quote_rejects_the_rest_and_says_so():
    rows = drug_rows([2024], months=["OCT"]) + [
        '2024,NOV,Office of Field Operations,"Northern Border,Land Only,BUFFALO FIELD OFFICE,Fentanyl,1,1.0',
        "2024,DEC,Office of Field Operations,Northern Border,Land Only,BUFFALO FIELD OFFICE,Fentanyl,1,1.0",
    ]
    records, stats = parse(
        csv_bytes(DRUG_HEADER, rows), f"{BASE}/sites/default/files/2024-10/nationwide-drugs-fy21-fy24.csv"
    )
    assert len(records) == 2  # the rows before the broken quote
    assert len(stats.rejects) == 1 and stats.rejects[0]["reason"].startswith("malformed CSV")


@pytest.mark.parametrize(
    "name, folder",
    [
        ("nationwide-encounters-fy23-fy24-aor.csv", "2024-10"),
        ("nationwide-drugs-fy23-fy24.csv", "2024-10"),
        ("amo-drug-seizures-fy23-fy24.csv", "2024-10"),
    ],
)
def test_records_have_exactly_the_declared_fields(name, folder):
    release = release_from_url(f"{BASE}/sites/default/files/{folder}/{name}")
    log = RowLog()
    records = stage_bytes((FIXTURES / "cbp" / name).read_bytes(), release, log, FOLDER)
    assert len(records) == log.rows == log.kept and not log.rejects
    declared = record_columns("cbp", release.dataset)
    assert all(record.keys() == declared.keys() for record in records)


def test_records_after_a_malformed_row_keep_their_lines():
    good = drug_rows([2024], months=["OCT", "NOV", "DEC"])
    rows = [
        good[0],
        "2024,NOV,Office of Field Operations,Northern Border",  # line 3: too short
        good[2],
        good[3].replace(",2,", ",two,"),  # line 5: not a count
        good[4],
        good[5],
    ]
    records, stats = parse(
        csv_bytes(DRUG_HEADER, rows), f"{BASE}/sites/default/files/2024-10/nationwide-drugs-fy21-fy24.csv"
    )
    assert [r["source_row"] for r in records] == [2, 4, 6, 7]
    assert [(r["line"], r["reason"]) for r in stats.rejects] == [
        (3, "expected 9 fields, found 4"),
        (5, "event_count 'two' is not a whole number"),
    ]
    assert stats.rows == 6 and stats.kept == 4
