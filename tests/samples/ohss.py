"""OHSS Border Patrol encounters workbooks for tests and the demo, built in code (openpyxl).

They follow the real workbook's shape (see ../shared/README.md, ohss section): sheets `Annual
Count` ... `Monthly Rgn and Sector`, headers `Fiscal\\nYear | Month | ... | Quantity`, months
`01 October` ... `12 September`, every cell rounded to tens on its own and left out when it rounds
to zero. The counts are invented: true counts at the finest grain (month x sector x citizenship x
family status), each sheet summing them over its breakdowns and rounding each cell.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections import defaultdict
from collections.abc import Iterable

FISCAL_MONTHS = (
    "October", "November", "December", "January", "February", "March",
    "April", "May", "June", "July", "August", "September",
)  # fmt: skip
HEADINGS = {
    "fiscal_year": "Fiscal\nYear",
    "month": "Month",
    "region": "Region",
    "sector": "Sector",
    "citizenship": "Citizenship",
    "family_status": "Family Status",
}
# The real workbook's sixteen sheets: name -> the breakdowns it has (besides year and month).
BREAKDOWNS = {
    "Count": (),
    "Citizenship": ("citizenship",),
    "Region": ("region",),
    "Family Status": ("family_status",),
    "Sector": ("sector",),
    "Rgn and Citp": ("region", "citizenship"),
    "Rgn and Fam Status": ("region", "family_status"),
    "Rgn and Sector": ("region", "sector"),
}
SECTORS = {
    "Blaine, WA": "Northern Land Border",
    "Buffalo, NY": "Northern Land Border",
    "Swanton, VT": "Northern Land Border",
    "El Paso, TX": "Southwest Land Border",
    "Rio Grande Valley, TX": "Southwest Land Border",
    "San Diego, CA": "Southwest Land Border",
    "Miami, FL": "Coastal Border",
}
CITIZENSHIPS = ("Canada", "Guatemala", "Honduras", "India", "Mexico")
FAMILY_STATUSES = ("Family Unit Individuals", "Single Adults", "Unaccompanied Children")


def month_label(fiscal_month: int) -> str:
    return f"{fiscal_month:02d} {FISCAL_MONTHS[fiscal_month - 1]}"


def round_to_tens(value: int) -> int:
    """OHSS's rounding: to the nearest ten, halves up."""
    return (value + 5) // 10 * 10


# Mean invented count of one finest-grain cell, by region: about the demo CBP files' monthly scale.
REGION_SCALES = {"Northern Land Border": 3, "Coastal Border": 8, "Southwest Land Border": 400}


def true_counts(seed: int, fiscal_years: Iterable[int], last_fiscal_month: int = 12) -> dict[tuple, int]:
    """(fiscal_year, fiscal_month, sector, citizenship, family_status) -> an invented true count;
    the last fiscal year stops at last_fiscal_month (a partial year). Many counts are small, so
    some cells round to zero and are left out, as in the real workbook."""
    rng = random.Random(seed)
    years = list(fiscal_years)
    counts = {}
    for year in years:
        for month in range(1, (last_fiscal_month if year == years[-1] else 12) + 1):
            for sector, region in SECTORS.items():
                for citizenship in CITIZENSHIPS:
                    for family in FAMILY_STATUSES:
                        counts[(year, month, sector, citizenship, family)] = int(
                            rng.expovariate(1 / REGION_SCALES[region])
                        )
    return counts


def sheets_from_counts(counts: dict[tuple, int]) -> dict[str, list[list]]:
    """Every sheet of the workbook as rows (header first): the counts summed per cell, each cell
    rounded to tens and left out when that gives zero."""
    sheets: dict[str, list[list]] = {}
    for name, breakdowns in BREAKDOWNS.items():
        for kind in ("Annual", "Monthly"):
            cells: dict[tuple, int] = defaultdict(int)
            for (year, month, sector, citizenship, family), count in counts.items():
                values = {
                    "region": SECTORS[sector],
                    "sector": sector,
                    "citizenship": citizenship,
                    "family_status": family,
                }
                key = (year, *((month_label(month),) if kind == "Monthly" else ()), *(values[b] for b in breakdowns))
                cells[key] += count
            columns = ["fiscal_year", *(["month"] if kind == "Monthly" else []), *breakdowns]
            rows = [[HEADINGS[c] for c in columns] + ["Quantity"]]
            for key in sorted(cells):
                if round_to_tens(cells[key]):
                    rows.append([*key, round_to_tens(cells[key])])
            sheets[f"{kind} {name}"] = rows
    return sheets


def workbook_bytes(sheets: dict[str, list[list]], *, notes: str | None = None) -> bytes:
    """An .xlsx of the sheets (numbers as numbers, as the real one), with fixed timestamps so the
    same sheets give the same bytes. notes: a first sheet `Notes` holding that text."""
    from datetime import datetime

    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    if notes is not None:
        book.create_sheet("Notes").append([notes])
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.properties.created = book.properties.modified = datetime(2025, 1, 15, 12, 0, 0)
    written = io.BytesIO()
    book.save(written)
    # openpyxl stamps each zip member with the time of writing: rewrite them with a fixed one.
    fixed = io.BytesIO()
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=(2025, 1, 15, 12, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(member.filename))
    return fixed.getvalue()


def sample_workbook(
    seed: int = 7, fiscal_years: Iterable[int] = range(2022, 2026), last_fiscal_month: int = 2
) -> bytes:
    """A whole workbook of invented counts: every sheet consistent within rounding."""
    return workbook_bytes(sheets_from_counts(true_counts(seed, fiscal_years, last_fiscal_month)))


def landing_page(*links: tuple[str, str]) -> str:
    """The OHSS landing page (/khsm/cbp-encounters) listing (href, text) links, in site chrome."""
    items = "\n".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    return f"""<!doctype html><html lang="en"><head><title>CBP Encounters | OHSS</title></head><body>
<header><nav><a href="/">Office of Homeland Security Statistics</a></nav></header>
<main><h1>CBP Encounters</h1><p>Known Homeland Security Metrics: CBP encounters.</p>
<ul>
{items}
</ul></main>
<footer><a href="/privacy">Privacy</a></footer></body></html>"""


LANDING_PATH = "/khsm/cbp-encounters"
WORKBOOK_PATH = "/sites/default/files/2025-01/KHSM Encounters (USBP) fy25m02.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def quoted(path: str) -> str:
    """The path as a link writes it (spaces and parentheses percent-encoded)."""
    from urllib.parse import quote

    return quote(path)


def serve(site, workbook: bytes, path: str = WORKBOOK_PATH) -> None:
    """The landing page linking the workbook at path (and an OFO workbook not to take), and the workbook."""
    site.put(
        LANDING_PATH,
        landing_page(
            (quoted(path), "U.S. Border Patrol encounters"),
            (quoted(path.replace("(USBP)", "(OFO)")), "Office of Field Operations encounters"),
        ),
        "text/html",
    )
    site.put(path, workbook, XLSX)
