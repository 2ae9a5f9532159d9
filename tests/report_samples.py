"""A tiny published warehouse for the report tests: every section's tables, a few rows each,
with hostile text from "the sources" (a `<script>` title, a `javascript:` link)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb

SCRIPT_TITLE = "<script>alert('pwned')</script> Smugglers & \"coyotes\" caught"
EVIL_URL = "javascript:alert(document.cookie)"


def _months(first: date, count: int) -> list[date]:
    months, year, month = [], first.year, first.month
    for _ in range(count):
        months.append(date(year, month, 1))
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return months


def build_tiny_warehouse(data_dir: Path, *, sections: tuple[str, ...] = ("cbp", "tip", "news", "statcan")) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "warehouse.duckdb"
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        months = _months(date(2022, 10, 1), 28)
        if "cbp" in sections:
            con.execute(
                "create table marts.fct_border_encounters (month_start date, land_border_region varchar, encounter_count bigint, release_id varchar)"
            )
            con.execute("comment on table marts.fct_border_encounters is 'CBP encounters per month. More text.'")
            for i, month in enumerate(months):
                for region, base in (
                    ("Southwest Land Border", 150000),
                    ("Northern Land Border", 1500),
                    ("Other", 9000),
                ):
                    con.execute(
                        "insert into marts.fct_border_encounters values (?, ?, ?, 'r1')", [month, region, base + 37 * i]
                    )
            con.execute(
                "create table marts.fct_drug_seizures (month_start date, region varchar, drug_type varchar, quantity_lbs double, event_count bigint)"
            )
            for i, month in enumerate(months):
                for region in ("Southwest Border", "Northern Border", "Coastal/Interior"):
                    for drug in ("Fentanyl", "Cocaine"):
                        con.execute(
                            "insert into marts.fct_drug_seizures values (?, ?, ?, ?, 3)",
                            [month, region, drug, 100.0 + i],
                        )
        if "tip" in sections:
            con.execute("""create table marts.fct_tip_tier_placements (iso3 varchar, report_year integer, country_name varchar,
                           placement varchar, tier_rank integer, previous_placement varchar, movement varchar, fetched_at varchar)""")
            rows = [
                ("CAN", 2023, "Canada", "Tier 1", 1, None, None),
                ("CAN", 2024, "Canada", "Tier 1", 1, "Tier 1", "same"),
                ("USA", 2023, "United States", "Tier 1", 1, None, None),
                ("USA", 2024, "United States", "Tier 1", 1, "Tier 1", "same"),
                ("MEX", 2023, "Mexico", "Tier 2 Watch List", 3, None, None),
                ("MEX", 2024, "Mexico", "Tier 2", 2, "Tier 2 Watch List", "upgrade"),
                ("MMR", 2023, "Burma", "Tier 2", 2, None, None),
                ("MMR", 2024, "Burma <b>bold</b>", "Tier 3", 4, "Tier 2", "downgrade"),
            ]
            con.executemany(
                "insert into marts.fct_tip_tier_placements values (?, ?, ?, ?, ?, ?, ?, '2024-07-01')", rows
            )
        if "news" in sections:
            con.execute("""create table marts.fct_news_articles (article_id varchar, title varchar, publisher varchar, published_at timestamp,
                           published_date date, canonical_url varchar, topics varchar[])""")
            con.executemany(
                "insert into marts.fct_news_articles values (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        "a1",
                        SCRIPT_TITLE,
                        "evil.example.com",
                        "2025-03-20 10:00:00",
                        date(2025, 3, 20),
                        EVIL_URL,
                        ["human_smuggling"],
                    ),
                    (
                        "a2",
                        "Fentanyl seized at Nogales",
                        "news.example.org",
                        "2025-03-10 10:00:00",
                        date(2025, 3, 10),
                        "https://news.example.org/a2",
                        ["drugs_fentanyl", "border_enforcement"],
                    ),
                    (
                        "a3",
                        "Trafficking ring broken up",
                        "wire.example.com",
                        "2025-02-01 10:00:00",
                        date(2025, 2, 1),
                        "https://wire.example.com/a3",
                        ["human_trafficking"],
                    ),
                ],
            )
            con.execute("create table marts.bridge_news_article_country (article_id varchar, country_name varchar)")
            con.executemany(
                "insert into marts.bridge_news_article_country values (?, ?)",
                [("a1", "Mexico"), ("a2", "Mexico"), ("a3", "Canada")],
            )
        if "statcan" in sections:
            con.execute(
                "create table marts.fct_statcan_trafficking_incidents (ref_year integer, geography varchar, actual_incidents integer)"
            )
            for year in range(2018, 2024):
                for geo, base in (("Canada", 500), ("Ontario [35]", 300), ("Quebec [24]", 80), ("Alberta [48]", 40)):
                    con.execute(
                        "insert into marts.fct_statcan_trafficking_incidents values (?, ?, ?)",
                        [year, geo, base + year - 2018],
                    )
    finally:
        con.close()
    gx = data_dir / "gx"
    (gx / "data_docs").mkdir(parents=True, exist_ok=True)
    (gx / "data_docs" / "index.html").write_text("<html></html>")
    (gx / "last_gate.json").write_text(
        json.dumps(
            {
                "timestamp": "2025-03-21T00:00:00+00:00",
                "passed": True,
                "data_docs_index": str(gx / "data_docs" / "index.html"),
                "suites": [{"name": "marts.fct_border_encounters", "expectations_evaluated": 5}],
                "failures": [],
                "warnings": [],
            }
        )
    )
    quarantine = data_dir / "raw" / "tip" / "quarantine"
    quarantine.mkdir(parents=True, exist_ok=True)
    (quarantine / "2024.jsonl").write_text(
        json.dumps(
            {
                "url": "https://www.state.gov/reports/2024-trafficking-in-persons-report/atlantis/",
                "report_year": 2024,
                "reason": "no heading naming a country and a placement <img src=x onerror=alert(1)>",
                "quarantined_at": "2025-03-20T00:00:00+00:00",
            }
        )
        + "\n"
    )
    return path
