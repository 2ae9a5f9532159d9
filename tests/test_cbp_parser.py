"""The CBP release discovery and CSV parser (pure functions) on small fixtures."""

from __future__ import annotations

import pytest

from extractors.cbp import ParseStats, SchemaError, discover_releases, parse_release_csv, release_from_url
from tests.cbp_samples import DRUG_HEADER, ENCOUNTER_HEADER, csv_bytes, drug_rows, encounter_rows, landing_page

BASE = "https://www.cbp.gov"


def parse(body: bytes, url: str):
    release = release_from_url(url)
    stats = ParseStats()
    return list(parse_release_csv(body, release, "0" * 64, stats)), stats


@pytest.mark.parametrize(
    "url, release_id, published, first, last, month",
    [
        (
            f"{BASE}/sites/default/files/2024-10/nationwide-encounters-fy21-fy24-aor.csv",
            "2024-10/nationwide-encounters-fy21-fy24-aor",
            "2024-10-01",
            2021,
            2024,
            None,
        ),
        (
            f"{BASE}/sites/default/files/assets/documents/2023-Nov/nationwide-encounters-fy20-fy23-aor.csv",
            "assets/documents/2023-Nov/nationwide-encounters-fy20-fy23-aor",
            "2023-11-01",
            2020,
            2023,
            None,
        ),
        (
            f"{BASE}/sites/default/files/2025-03/nationwide-encounters-fy22-fy25-feb-aor.csv",
            "2025-03/nationwide-encounters-fy22-fy25-feb-aor",
            "2025-03-01",
            2022,
            2025,
            "feb",
        ),
        (
            f"{BASE}/sites/default/files/2026-01/nationwide-drugs-fy23-fy26-dec.csv",
            "2026-01/nationwide-drugs-fy23-fy26-dec",
            "2026-01-01",
            2023,
            2026,
            "dec",
        ),
    ],
)
def test_release_identity_from_folder_and_file_name(url, release_id, published, first, last, month):
    release = release_from_url(url)
    assert (
        release.release_id,
        release.release_published,
        release.release_first_fy,
        release.release_last_fy,
        release.release_month,
    ) == (release_id, published, first, last, month)


@pytest.mark.parametrize(
    "name",
    [
        "nationwide-encounters-fy21-fy24-state.csv",  # the by-state sibling is not the AOR file
        "nationwide-encounters-fy21-fy24.pdf",
        "southwest-land-border-encounters.csv",
    ],
)
def test_links_that_are_not_nationwide_aor_or_drug_files_are_ignored(name):
    assert release_from_url(f"{BASE}/sites/default/files/2024-10/{name}") is None


def test_discover_releases_resolves_relative_links_and_skips_the_rest():
    html = landing_page(
        "Nationwide Encounters",
        [
            "/sites/default/files/2024-10/nationwide-encounters-fy21-fy24-aor.csv",
            "/sites/default/files/2024-10/nationwide-encounters-fy21-fy24-state.csv",
            "https://www.cbp.gov/sites/default/files/2025-03/nationwide-encounters-fy22-fy25-feb-aor.csv",
            "/newsroom/stats",
        ],
    ).encode()
    releases = discover_releases(html, f"{BASE}/document/stats/nationwide-encounters")
    assert [r.url for r in releases] == [
        f"{BASE}/sites/default/files/2024-10/nationwide-encounters-fy21-fy24-aor.csv",
        f"{BASE}/sites/default/files/2025-03/nationwide-encounters-fy22-fy25-feb-aor.csv",
    ]


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
