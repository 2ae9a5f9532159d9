"""Writes the offline demo mirror: SAMPLE DATA in the format of CBP's published CSVs.

The numbers are invented (seeded, reproducible); only the file layout, headers, names and quirks
(BOM, CRLF, "2025 (FYTD)", upper-case drug AOR names) follow the real releases. Re-run after
changing it: `python demo/generate_sample_data.py`.
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

MIRROR = Path(__file__).resolve().parent / "mirror"
FISCAL_MONTHS = ["OCT", "NOV", "DEC", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP"]

ENCOUNTER_AORS = [
    # component, land border region, AOR, AOR abbreviation, typical monthly volume
    ("Office of Field Operations", "Northern Land Border", "Boston Field Office", "Boston", 40),
    ("Office of Field Operations", "Northern Land Border", "Buffalo Field Office", "Buffalo", 300),
    ("Office of Field Operations", "Northern Land Border", "Detroit Field Office", "Detroit", 250),
    ("Office of Field Operations", "Northern Land Border", "Seattle Field Office", "Seattle", 200),
    ("Office of Field Operations", "Other", "Boston Field Office", "Boston", 120),
    ("Office of Field Operations", "Other", "Miami Field Office", "Miami", 900),
    ("Office of Field Operations", "Southwest Land Border", "San Diego Field Office", "San Diego", 3000),
    ("Office of Field Operations", "Southwest Land Border", "El Paso Field Office", "El Paso", 1500),
    ("U.S. Border Patrol", "Northern Land Border", "Blaine Sector", "BLW", 60),
    ("U.S. Border Patrol", "Northern Land Border", "Swanton Sector", "SWB", 150),
    ("U.S. Border Patrol", "Northern Land Border", "Detroit Sector", "DTM", 20),
    ("U.S. Border Patrol", "Other", "Miami Sector", "MIP", 300),
    ("U.S. Border Patrol", "Southwest Land Border", "Rio Grande Valley Sector", "RGV", 20000),
    ("U.S. Border Patrol", "Southwest Land Border", "Tucson Sector", "TCA", 15000),
]
DEMOGRAPHICS = ["Single Adults", "FMUA", "UC / Single Minors"]
CITIZENSHIPS = ["MEXICO", "CANADA", "GUATEMALA", "INDIA", "CHINA, PEOPLES REPUBLIC OF", "OTHER"]

DRUG_AORS = [
    ("Office of Field Operations", "Northern Border", "Land Only", "BUFFALO FIELD OFFICE"),
    ("Office of Field Operations", "Northern Border", "Other", "DETROIT FIELD OFFICE"),
    ("Office of Field Operations", "Northern Border", "Land Only", "SEATTLE FIELD OFFICE"),
    ("Office of Field Operations", "Southwest Border", "Land Only", "SAN DIEGO FIELD OFFICE"),
    ("Office of Field Operations", "Southwest Border", "Land Only", "EL PASO FIELD OFFICE"),
    ("Office of Field Operations", "Coastal/Interior", "Other", "MIAMI FIELD OFFICE"),
    ("U.S. Border Patrol", "Northern Border", "Land Only", "BLAINE SECTOR"),
    ("U.S. Border Patrol", "Northern Border", "Land Only", "SWANTON SECTOR"),
    ("U.S. Border Patrol", "Southwest Border", "Land Only", "RIO GRANDE VALLEY SECTOR"),
    ("U.S. Border Patrol", "Southwest Border", "Land Only", "TUCSON SECTOR"),
]
DRUG_TYPES = [
    "Fentanyl",
    "Methamphetamine",
    "Cocaine",
    "Heroin",
    "Marijuana",
    "Khat (Catha Edulis)",
    "Lsd",
    "Other Drugs**",
]
AMO_BRANCHES = [
    ("Coastal/Interior", "Other", "Jacksonville Air And Marine Branch"),
    ("Northern Border", "Land", "Great Lakes Air And Marine Branch"),
    ("Southwest Border", "Other", "San Diego Air And Marine Branch"),
]


def fiscal_months(first_fy: int, last_fy: int, last_month: str = "SEP"):
    for fy in range(first_fy, last_fy + 1):
        for month in FISCAL_MONTHS:
            yield fy, month
            if fy == last_fy and month == last_month:
                return


def encounter_rows(rng: random.Random, months, revise: float):
    for fy, month in months:
        for component, region, aor, abbv, volume in ENCOUNTER_AORS:
            for demographic in DEMOGRAPHICS:
                for citizenship in CITIZENSHIPS:
                    # A stable per-cell draw decides whether the cell exists, so releases agree.
                    cell = random.Random(f"{fy}{month}{aor}{region}{demographic}{citizenship}")
                    if cell.random() > 0.3:
                        continue
                    count = max(1, int(cell.expovariate(1.0) * volume / 12))
                    if revise and rng.random() < revise:
                        count += rng.randint(1, 5)  # a later release revising the figure
                    title, kind = (
                        ("Title 8", "Inadmissibles") if component.startswith("Office") else ("Title 8", "Apprehensions")
                    )
                    yield [
                        fy,
                        "FYTD",
                        month,
                        component,
                        region,
                        aor,
                        abbv,
                        demographic,
                        citizenship,
                        title,
                        kind,
                        count,
                    ]


def drug_rows(rng: random.Random, months, revise: float, fytd_year: int | None, amo: bool = False):
    units = [("Air and Marine Operations", r, lf, b) for r, lf, b in AMO_BRANCHES] if amo else DRUG_AORS
    for fy, month in months:
        for component, region, land_filter, aor in units:
            for drug in DRUG_TYPES[: 5 if amo else None]:
                cell = random.Random(f"{fy}{month}{aor}{drug}")
                if cell.random() > 0.45:
                    continue
                events = cell.randint(1, 25)
                pounds = round(cell.expovariate(1 / 40.0), 4)
                if revise and rng.random() < revise:
                    events += 1
                label = f"{fy} (FYTD)" if fy == fytd_year else str(fy)
                yield [label, month, component, region, land_filter, aor, drug, events, pounds]


def write_csv(path: Path, header: list[str], rows, bom: bool, crlf: bool) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


ENCOUNTER_HEADER = [
    "Fiscal Year",
    "Month Grouping",
    "Month (abbv)",
    "Component",
    "Land Border Region",
    "Area of Responsibility",
    "AOR (Abbv)",
    "Demographic",
    "Citizenship",
    "Title of Authority",
    "Encounter Type",
    "Encounter Count",
]
DRUG_HEADER = [
    "FY",
    "Month (abbv)",
    "Component",
    "Region",
    "Land Filter",
    "Area of Responsibility",
    "Drug Type",
    "Count of Event",
    "Sum Qty (lbs)",
]

PAGE = (
    """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | SAMPLE DATA (crossborder demo mirror)</title></head>
<body>
<div class="banner"><strong>SAMPLE DATA.</strong> This page is part of crossborder's offline demo mirror.
Its files follow the format of U.S. Customs and Border Protection releases but every number is invented.</div>
<h1>{title}</h1>
<div class="field--name-field-file-attachments">
{links}
</div>
<p>See also the <a href="/document/stats/other-page">other statistics</a> and the """
    """<a href="/sites/default/files/2024-10/methodology.pdf">methodology (PDF)</a>.</p>
</body></html>
"""
)


def main() -> None:
    rng = random.Random(20261128)
    files = MIRROR / "sites" / "default" / "files"
    encounters = [
        ("assets/documents/2023-Nov/nationwide-encounters-fy21-fy23-aor.csv", fiscal_months(2021, 2023), 0.0, False),
        ("2024-10/nationwide-encounters-fy22-fy24-aor.csv", fiscal_months(2022, 2024), 0.02, True),
        ("2025-03/nationwide-encounters-fy23-fy25-feb-aor.csv", fiscal_months(2023, 2025, "FEB"), 0.0, True),
    ]
    for relative, months, revise, bom in encounters:
        write_csv(files / relative, ENCOUNTER_HEADER, encounter_rows(rng, months, revise), bom=bom, crlf=bom)
    drugs = [
        ("2024-10/nationwide-drugs-fy21-fy24.csv", fiscal_months(2021, 2024), 0.0, None, False),
        ("2025-01/nationwide-drugs-fy22-fy25-dec.csv", fiscal_months(2022, 2025, "DEC"), 0.03, 2025, False),
        ("2024-10/amo-drug-seizures-fy21-fy24.csv", fiscal_months(2021, 2024), 0.0, None, True),
    ]
    for relative, months, revise, fytd, amo in drugs:
        header = [("Branch" if c == "Area of Responsibility" else c) for c in DRUG_HEADER] if amo else DRUG_HEADER
        write_csv(files / relative, header, drug_rows(rng, months, revise, fytd, amo), bom=True, crlf=True)

    def links(names):
        return "\n".join(f'<p><a href="/sites/default/files/{n}">{n.rsplit("/", 1)[-1]}</a></p>' for n in names)

    stats = MIRROR / "document" / "stats"
    stats.mkdir(parents=True, exist_ok=True)
    (stats / "nationwide-encounters.html").write_text(
        PAGE.format(
            title="Nationwide Encounters",
            links=links([e[0] for e in encounters] + ["2025-03/nationwide-encounters-fy23-fy25-feb-state.csv"]),
        ),
        encoding="utf-8",
    )
    (stats / "nationwide-drug-seizures.html").write_text(
        PAGE.format(
            title="Nationwide Drug Seizures",
            links=links([d[0] for d in drugs]),
        ),
        encoding="utf-8",
    )
    (MIRROR / "robots.txt").write_text("User-agent: *\nDisallow: /admin/\n", encoding="utf-8")


if __name__ == "__main__":
    main()
