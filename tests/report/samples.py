"""Report test data: copies of the dbt-built demo warehouse (tests/conftest.py `demo_data`), changed
only by SQL `update` / `delete` of rows and by files in the landing zone, never by hand-written
tables. Hostile text stands for what a source might publish (a `<script>` title, a `javascript:`
link, markup in a country name or a quarantine reason)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb

SCRIPT_TITLE = "<script>alert('pwned')</script> Smugglers & \"coyotes\" caught"
EVIL_URL = "javascript:alert(document.cookie)"
MARKUP_COUNTRY = "Burma <b>bold</b>"
CHART_COUNTRY = "Canada <script>alert(1)</script> $x^2$"  # drawn into an SVG chart by matplotlib
QUARANTINED_URL = "https://www.state.gov/reports/2024-trafficking-in-persons-report/atlantis/"
QUARANTINE_REASON = "no heading naming a country and a placement <img src=x onerror=alert(1)>"

# The marts of every source but CBP: emptied, they stand for sources that were never extracted
# (whose tables dbt builds empty).
NOT_CBP_MARTS = (
    "marts.fct_tip_tier_placements",
    "marts.fct_news_articles",
    "marts.bridge_news_article_country",
    "marts.fct_statcan_trafficking_incidents",
    "marts.fct_usbp_encounters_monthly",
    "marts.fct_usbp_encounters_annual",
    "marts.fct_usbp_encounter_revisions",
)


def copy_data_dir(source: Path, target: Path) -> Path:
    """A copy of a data directory (warehouse, landing zone, gate result) that a test may change."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("dbt", "*.lock", "*.wal"))
    return target


def change_warehouse(data_dir: Path, *statements: tuple[str, list]) -> None:
    """Run SQL updates / deletes (with parameters) on the data directory's published warehouse."""
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"))
    try:
        for sql, params in statements:
            con.execute(sql, params)
    finally:
        con.close()


def make_hostile(data_dir: Path) -> None:
    """Hostile text in the warehouse's rows (the newest headline, a TIP country, a country named in
    the news) and a quarantined input whose reason holds markup."""
    change_warehouse(
        data_dir,
        (
            """update marts.fct_news_articles set title = ?, canonical_url = ?
               where article_id = (select article_id from marts.fct_news_articles
                                   order by published_at desc nulls last, article_id limit 1)""",
            [SCRIPT_TITLE, EVIL_URL],
        ),
        (
            """update marts.fct_tip_tier_placements set country_name = ?
               where movement = 'downgrade'
               and report_year = (select max(report_year) from marts.fct_tip_tier_placements)""",
            [MARKUP_COUNTRY],
        ),
        ("update marts.bridge_news_article_country set country_name = ? where iso3 = 'CAN'", [CHART_COUNTRY]),
    )
    quarantine = data_dir / "raw" / "tip" / "quarantine"
    quarantine.mkdir(parents=True, exist_ok=True)
    record = {
        "url": QUARANTINED_URL,
        "report_year": 2024,
        "reason": QUARANTINE_REASON,
        "quarantined_at": "2025-03-20T00:00:00+00:00",
    }
    (quarantine / "2024.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")


def make_cbp_only(data_dir: Path) -> None:
    """Only CBP in the warehouse: every other source's marts emptied, and OHSS's months out of the
    Border Patrol long series (a build without OHSS holds CBP's months only)."""
    change_warehouse(
        data_dir,
        *((f"delete from {table}", []) for table in NOT_CBP_MARTS),
        ("delete from marts.mart_border_region_monthly_history where publisher = 'ohss'", []),
    )
