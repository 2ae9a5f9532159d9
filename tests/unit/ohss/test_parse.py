"""The OHSS workbook parser on workbooks built in code: what it keeps, rejects and refuses."""

from __future__ import annotations

import pytest

from extractors.csv_files import SchemaError
from extractors.ohss.discover import workbook_links, workbook_name
from extractors.ohss.parse import WorkbookLog, fiscal_month, parse_workbook
from tests.samples.ohss import sample_workbook, sheets_from_counts, true_counts, workbook_bytes


def _parse(data: bytes, log: WorkbookLog | None = None) -> dict:
    return parse_workbook(
        data, workbook="KHSM Encounters (USBP) fy25m02", source_url="https://ohss.example/w.xlsx",
        raw_sha256="abc", fetched_at="2025-01-20T00:00:00+00:00", log=log or WorkbookLog(),
    )  # fmt: skip


def _sheets() -> dict[str, list[list]]:
    return sheets_from_counts(true_counts(3, range(2023, 2025), last_fiscal_month=2))


def test_every_sheet_becomes_records_with_its_sheet_row_and_breakdowns():
    sheets = _sheets()
    log = WorkbookLog()
    records = _parse(workbook_bytes(sheets), log)
    assert not log.rejects
    assert log.kept == {name: len(rows) - 1 for name, rows in sheets.items()}
    by_sheet = {}
    for record in records["monthly"]:
        by_sheet.setdefault(record["sheet"], []).append(record)
    first = by_sheet["Monthly Rgn and Sector"][0]
    header, row = sheets["Monthly Rgn and Sector"][:2]
    assert header == ["Fiscal\nYear", "Month", "Region", "Sector", "Quantity"]
    assert (first["fiscal_year"], first["month_label"], first["region"], first["sector"], first["quantity"]) == tuple(
        row
    )
    assert first["fiscal_month"] == int(row[1][:2]) and first["source_row"] == 2
    assert first["citizenship"] is None and first["family_status"] is None
    annual = [r for r in records["annual"] if r["sheet"] == "Annual Count"]
    assert [(r["fiscal_year"], r["quantity"]) for r in annual] == [tuple(r) for r in sheets["Annual Count"][1:]]
    assert "month_label" not in annual[0]


def test_titles_above_and_notes_below_a_table_are_skipped_and_bad_rows_rejected_with_sheet_and_row():
    sheets = _sheets()
    monthly = sheets["Monthly Rgn and Sector"]
    sheets["Monthly Rgn and Sector"] = [
        ["U.S. Border Patrol encounters by region and sector"],
        [],
        *monthly[:3],
        [2024, "02 October", "Northern Land Border", "Blaine, WA", 10],  # number and name disagree
        [2024, "02 November", "Northern Land Border", "Blaine, WA", "n/a"],
        [2024, "02 November", "", "Blaine, WA", 10],
        *monthly[3:],
        [],
        ["Source: OHSS analysis of CBP data."],
    ]
    log = WorkbookLog()
    records = _parse(workbook_bytes(sheets), log)
    kept = [r for r in records["monthly"] if r["sheet"] == "Monthly Rgn and Sector"]
    assert len(kept) == len(monthly) - 1
    assert kept[0]["source_row"] == 4  # two title rows and the header above it
    assert log.notes == 1
    assert [(r["line"], r["reason"]) for r in log.rejects] == [
        (6, "sheet 'Monthly Rgn and Sector': month '02 October' is not a fiscal month label like '01 October'"),
        (7, "sheet 'Monthly Rgn and Sector': quantity 'n/a' is not a whole number of encounters"),
        (8, "sheet 'Monthly Rgn and Sector': region is empty"),
    ]


def _drop_sector_sheet(sheets):
    sheets.pop("Monthly Rgn and Sector")


def _rename_region_heading(sheets):
    sheets["Annual Region"][0][1] = "Area"


def _lose_the_header(sheets):
    sheets["Annual Sector"][0] = ["Year", "Sector", "Quantity"]


def _empty_a_sheet(sheets):
    sheets["Monthly Count"] = sheets["Monthly Count"][:1]


def _monthly_rows_in_an_annual_sheet(sheets):
    sheets["Annual Count"] = sheets["Monthly Count"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_drop_sector_sheet, "sheet(s) ['Monthly Rgn and Sector'] missing"),
        (_rename_region_heading, "sheet 'Annual Region': unknown column(s) ['Area']"),
        (_lose_the_header, "sheet 'Annual Sector': no header row"),
        (_empty_a_sheet, "sheet 'Monthly Count': no data rows"),
        (_monthly_rows_in_an_annual_sheet, "sheet 'Annual Count': an Annual sheet with a Month column"),
    ],
)
def test_a_workbook_of_another_shape_is_refused_naming_the_file_and_sheet(change, message):
    sheets = _sheets()
    change(sheets)
    with pytest.raises(SchemaError) as refused:
        _parse(workbook_bytes(sheets))
    assert str(refused.value).startswith("ohss: https://ohss.example/w.xlsx: ") and message in str(refused.value)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<!DOCTYPE html><html><title>Access Denied</title></html>", "the server sent an HTML page"),
        (b"Fiscal Year,Quantity\n2000,10\n", "not an Excel workbook (.xlsx)"),
        (sample_workbook()[:2000], "the workbook cannot be read"),
    ],
)
def test_a_page_a_csv_or_a_cut_workbook_is_refused(body, message):
    with pytest.raises(SchemaError, match="ohss: https://ohss.example/w.xlsx: ") as refused:
        _parse(body)
    assert message in str(refused.value)


def test_month_labels_are_read_in_fiscal_order():
    assert [fiscal_month(label) for label in ("01 October", "03 December", "4 January", "12 September")] == [
        1,
        3,
        4,
        12,
    ]
    assert [fiscal_month(label) for label in ("13 October", "01 November", "October", "")] == [None] * 4


def test_the_landing_page_links_taken_are_the_border_patrol_workbooks_only():
    page = """<ul><li><a href="/files/KHSM%20Encounters%20%28USBP%29%20fy25m11.xlsx">USBP</a></li>
    <li><a href="/files/KHSM%20Encounters%20%28OFO%29%20fy25m11.xlsx">Office of Field Operations</a></li>
    <li><a href="/files/enc-2025.xlsx">U.S. Border Patrol encounters, all years</a></li>
    <li><a href="/files/usbp-methodology.pdf">USBP methodology</a></li></ul>"""
    links = workbook_links(page, "https://ohss.dhs.gov/khsm/cbp-encounters")
    assert links == [
        "https://ohss.dhs.gov/files/KHSM%20Encounters%20%28USBP%29%20fy25m11.xlsx",
        "https://ohss.dhs.gov/files/enc-2025.xlsx",
    ]
    assert workbook_name(links[0]) == "KHSM Encounters (USBP) fy25m11"
