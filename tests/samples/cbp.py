"""Small CBP-format files for tests, built in code so each test states the rows it depends on."""

from __future__ import annotations

ENCOUNTER_HEADER = (
    "Fiscal Year,Month Grouping,Month (abbv),Component,Land Border Region,Area of Responsibility,"
    "AOR (Abbv),Demographic,Citizenship,Title of Authority,Encounter Type,Encounter Count"
)
DRUG_HEADER = (
    "FY,Month (abbv),Component,Region,Land Filter,Area of Responsibility,Drug Type,Count of Event,Sum Qty (lbs)"
)
FISCAL_MONTHS = ["OCT", "NOV", "DEC", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP"]


def csv_bytes(header: str, rows: list[str], bom: bool = True, crlf: bool = True) -> bytes:
    newline = "\r\n" if crlf else "\n"
    text = newline.join([header, *rows]) + newline
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def encounter_rows(fiscal_years, count=lambda fy, month, i: 10 + i, months=FISCAL_MONTHS):
    """Two cells per month: a northern OFO field office and a southwest Border Patrol sector."""
    rows = []
    for fy in fiscal_years:
        for month in months:
            rows.append(
                f"{fy},FYTD,{month},Office of Field Operations,Northern Land Border,Buffalo Field Office,Buffalo,"
                f"Single Adults,CANADA,Title 8,Inadmissibles,{count(fy, month, 0)}"
            )
            rows.append(
                f"{fy},FYTD,{month},U.S. Border Patrol,Southwest Land Border,Tucson Sector,TCA,"
                f'Single Adults,"CHINA, PEOPLES REPUBLIC OF",Title 8,Apprehensions,{count(fy, month, 1)}'
            )
    return rows


def drug_rows(fiscal_years, events=lambda fy, month: 3, fytd: int | None = None, months=FISCAL_MONTHS):
    rows = []
    for fy in fiscal_years:
        label = f"{fy} (FYTD)" if fy == fytd else str(fy)
        for month in months:
            rows.append(
                f"{label},{month},Office of Field Operations,Northern Border,Land Only,BUFFALO FIELD OFFICE,"
                f"Fentanyl,{events(fy, month)},1.25"
            )
            rows.append(
                f"{label},{month},U.S. Border Patrol,Southwest Border,Land Only,TUCSON SECTOR,Other Drugs**,2,40.5"
            )
    return rows


def landing_page(title: str, hrefs: list[str]) -> str:
    links = "\n".join(f'<li><a href="{href}">{href.rsplit("/", 1)[-1]}</a></li>' for href in hrefs)
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1><ul>{links}</ul></body></html>"


def publish_cbp(site, encounters: dict[str, bytes], drugs: dict[str, bytes]) -> None:
    """Put CBP's two landing pages on the site, linking the given files (path -> CSV bytes)."""
    for path, body in {**encounters, **drugs}.items():
        site.put(path, body)
    site.put(
        "/document/stats/nationwide-encounters", landing_page("Nationwide Encounters", list(encounters)), "text/html"
    )
    site.put(
        "/document/stats/nationwide-drug-seizures", landing_page("Nationwide Drug Seizures", list(drugs)), "text/html"
    )


def stage_bytes(body: bytes, release, log, folder, raw_sha256: str = "0" * 64) -> list[dict]:
    """Stage a CBP CSV given as bytes (extractors.cbp.parse) in folder; its records as dbt reads them."""
    from extractors.cbp.parse import stage_release_csv
    from extractors.schema import record_columns
    from extractors.staged import write_empty
    from tests.warehouse_utils import staged_records

    raw = folder / "raw.csv"
    raw.write_bytes(body)
    records = folder / "records"
    records.mkdir(exist_ok=True)
    (records / "release.parquet").unlink(missing_ok=True)
    if not (records / "_empty.parquet").exists():  # as the build gives every staged folder
        write_empty(records / "_empty.parquet", record_columns("cbp", release.dataset))
    stage_release_csv(raw, release, raw_sha256, records / "release.parquet", log)
    return staged_records(records / "*.parquet")
