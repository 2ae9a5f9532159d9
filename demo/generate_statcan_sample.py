"""Writes the Statistics Canada part of the offline demo mirror: SAMPLE DATA.

Invented numbers (seeded, reproducible) in the layout of Statistics Canada's Web Data Service
full-table download of table 35-10-0177-01: the WDS answer at
  demo/mirror/t1/wds/rest/getFullTableDownloadCSV/35100177/en
names the zip at the official host (as the real service does; the extractor rewrites it onto
the mirror), and the zip
  demo/mirror/n1/tbl/csv/35100177-eng.zip
holds 35100177.csv (UTF-8 BOM, every field quoted, `Alberta [48]`, `Trafficking in persons
[1525]`) and 35100177_MetaData.csv, which says SAMPLE DATA. The table also holds a few violations
that are not trafficking in persons (the extractor must drop them).
Re-run after changing it: `python demo/generate_statcan_sample.py`.
"""

from __future__ import annotations

import csv
import io
import json
import random
import zipfile
from pathlib import Path

MIRROR = Path(__file__).resolve().parent / "mirror"
TABLE = "35100177"
YEARS = range(2019, 2024)
# geography, DGUID, typical yearly trafficking incidents
GEOGRAPHIES = [
    ("Canada", "2016A000011124", None),
    ("Nova Scotia [12]", "2016A000212", 12),
    ("Quebec [24]", "2016A000224", 50),
    ("Ontario [35]", "2016A000235", 300),
    ("Alberta [48]", "2016A000248", 30),
    ("British Columbia [59]", "2016A000259", 20),
    ("Toronto, Ontario [35535]", "2016S0503535", 120),
]
VIOLATIONS = [
    ("Trafficking in persons [1525]", 1.0),
    ("Material benefit - trafficking in persons [1526]", 0.4),
    ("Withholding or destroying documents - trafficking in persons [1527]", 0.05),
    ("Total, all violations [0]", None),
    ("Possession, trafficking, production, distribution or importation of cocaine [4220]", None),
]
POPULATION = {
    "Nova Scotia [12]": 0.98e6,
    "Quebec [24]": 8.6e6,
    "Ontario [35]": 14.8e6,
    "Alberta [48]": 4.4e6,
    "British Columbia [59]": 5.2e6,
    "Toronto, Ontario [35535]": 6.5e6,
}
HEADER = [
    "REF_DATE",
    "GEO",
    "DGUID",
    "Violations",
    "Statistics",
    "UOM",
    "UOM_ID",
    "SCALAR_FACTOR",
    "SCALAR_ID",
    "VECTOR",
    "COORDINATE",
    "VALUE",
    "STATUS",
    "SYMBOL",
    "TERMINATED",
    "DECIMALS",
]
STATISTICS = [
    ("Actual incidents", "Number", "223", 0),
    ("Rate per 100,000 population", "Rate", "257", 2),
    ("Total, persons charged", "Number", "223", 0),
]


def table_rows():
    rng = random.Random(35100177)
    counts: dict[tuple, int] = {}
    for year in YEARS:
        for geo, _, base in GEOGRAPHIES[1:]:
            for violation, share in VIOLATIONS:
                scale = 40000 if share is None else base * share
                counts[year, geo, violation] = max(
                    0, round(scale * (0.8 + 0.1 * (year - 2019)) * rng.uniform(0.7, 1.3))
                )
    provinces = [g for g, _, _ in GEOGRAPHIES[1:] if "," not in g]
    for year in YEARS:
        for violation, _ in VIOLATIONS:
            counts[year, "Canada", violation] = sum(counts[year, g, violation] for g in provinces) + 7
    for v_index, (violation, _) in enumerate(VIOLATIONS, 1):
        for g_index, (geo, dguid, _) in enumerate(GEOGRAPHIES, 1):
            for s_index, (statistic, uom, uom_id, decimals) in enumerate(STATISTICS, 1):
                for year in YEARS:
                    incidents = counts[year, geo, violation]
                    status = symbol = ""
                    if statistic == "Actual incidents":
                        value = str(incidents)
                    elif statistic.startswith("Rate"):
                        population = POPULATION.get(geo, 37e6)
                        value = f"{incidents / population * 1e5:.2f}"
                    else:
                        value = str(round(incidents * 0.6))
                    if geo.startswith("Toronto") and year == 2019 and statistic == "Total, persons charged":
                        value, status = "", ".."  # not available, as StatCan flags it
                    vector = f"v9{v_index}{g_index}{s_index}0"
                    yield [
                        str(year),
                        geo,
                        dguid,
                        violation,
                        statistic,
                        uom,
                        uom_id,
                        "units",
                        "0",
                        vector,
                        f"{g_index}.{v_index}.{s_index}",
                        value,
                        status,
                        symbol,
                        "",
                        str(decimals),
                    ]


def csv_bytes(rows) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


METADATA = (
    '"SAMPLE DATA: invented numbers in the layout of Statistics Canada table 35-10-0177-01, '
    'for the crossborder offline demo. Not Statistics Canada data."\n'
    '"Cube Title","Product Id"\n'
    '"Incident-based crime statistics, by detailed violations, Canada, provinces, territories, '
    'Census Metropolitan Areas and Canadian Forces Military Police (SAMPLE DATA)","35100177"\n'
)


def zip_bytes(csv_data: bytes, metadata: str = METADATA) -> bytes:
    """A deterministic zip (fixed timestamps) holding the table and its metadata."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in ((f"{TABLE}.csv", csv_data), (f"{TABLE}_MetaData.csv", metadata.encode("utf-8"))):
            info = zipfile.ZipInfo(name, date_time=(2024, 7, 25, 8, 30, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()


def wds_answer(zip_url: str) -> bytes:
    return json.dumps({"status": "SUCCESS", "object": zip_url}).encode("utf-8")


def main() -> None:
    wds = MIRROR / "t1" / "wds" / "rest" / "getFullTableDownloadCSV" / TABLE / "en"
    wds.parent.mkdir(parents=True, exist_ok=True)
    wds.write_bytes(wds_answer(f"https://www150.statcan.gc.ca/n1/tbl/csv/{TABLE}-eng.zip"))
    target = MIRROR / "n1" / "tbl" / "csv" / f"{TABLE}-eng.zip"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(zip_bytes(csv_bytes(table_rows())))
    (target.parent / "SAMPLE_DATA.txt").write_text(
        "SAMPLE DATA: the zip here holds invented numbers in the layout of Statistics Canada table\n"
        "35-10-0177-01, written by demo/generate_statcan_sample.py for the offline demo.\n",
        encoding="utf-8",
    )
    print(f"wrote {wds} and {target}")


if __name__ == "__main__":
    main()
