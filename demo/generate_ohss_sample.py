"""Writes the OHSS part of the offline demo mirror: SAMPLE DATA.

Invented numbers (seeded, reproducible) in the layout of the DHS Office of Homeland Security
Statistics' Border Patrol encounters workbook: the landing page
  demo/mirror/khsm/cbp-encounters.html
links the workbook
  demo/mirror/sites/default/files/ohss/2025-01/KHSM Encounters (USBP) fy25m02.xlsx
(all sixteen sheets, FY2019 to November of FY2025, every cell rounded to tens, a `Notes` sheet
saying SAMPLE DATA) and an Office of Field Operations workbook, which the extractor must not take
(it is not in the mirror). Built with tests/samples/ohss.py's workbook builder.
Re-run after changing it: `python demo/generate_ohss_sample.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIRROR = ROOT / "demo" / "mirror"
WORKBOOK = "sites/default/files/ohss/2025-01/KHSM Encounters (USBP) fy25m02.xlsx"
OFO_WORKBOOK = "sites/default/files/ohss/2025-01/KHSM Encounters (OFO) fy25m02.xlsx"
NOTES = "SAMPLE DATA: every number in this workbook is invented (crossborder's offline demo)."


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from tests.samples.ohss import landing_page, sheets_from_counts, true_counts, workbook_bytes

    counts = true_counts(seed=2025, fiscal_years=range(2019, 2026), last_fiscal_month=2)
    workbook = MIRROR / WORKBOOK
    workbook.parent.mkdir(parents=True, exist_ok=True)
    workbook.write_bytes(workbook_bytes(sheets_from_counts(counts), notes=NOTES))
    page = MIRROR / "khsm" / "cbp-encounters.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    quoted = lambda path: "/" + path.replace(" ", "%20").replace("(", "%28").replace(")", "%29")  # noqa: E731
    page.write_text(
        landing_page(
            (quoted(WORKBOOK), "U.S. Border Patrol Encounters (SAMPLE DATA) - fy25m02"),
            (quoted(OFO_WORKBOOK), "Office of Field Operations Encounters (SAMPLE DATA) - fy25m02"),
        ),
        encoding="utf-8",
    )
    print(f"wrote {workbook.relative_to(ROOT)} and {page.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
