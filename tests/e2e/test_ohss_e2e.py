"""End to end: a local server plays OHSS's landing page and serves a Border Patrol workbook;
`crossborder run --source ohss` extracts, builds, passes the gate and publishes; then a newer
workbook restating a month is published in its place and the revisions table names the change.
(A workbook whose months do not add up failing the gate: tests/gate/test_ohss_suite.py.)
Slow: marked e2e."""

from __future__ import annotations

import pytest

from crossborder.cli import EXIT_OK, main
from tests.samples.ohss import WORKBOOK_PATH, serve, sheets_from_counts, true_counts, workbook_bytes
from tests.warehouse_utils import query

pytestmark = pytest.mark.e2e


def test_run_source_ohss_then_a_newer_workbook_restating_a_month_replaces_it_and_shows_the_revision(
    env, site, monkeypatch, capsys
):
    from crossborder.core.config import load_settings

    monkeypatch.setenv("CROSSBORDER_OHSS_BASE_URL", env["CROSSBORDER_CBP_BASE_URL"])
    settings = load_settings()
    sheets = sheets_from_counts(true_counts(11, range(2023, 2026), last_fiscal_month=2))
    serve(site, workbook_bytes(sheets))
    assert main(["run", "--source", "ohss"]) == EXIT_OK
    warehouse = str(settings.warehouse_path)

    # The marts hold the workbook's cells as published: the annual ones are not the months summed.
    annual = {(r[1], r[2]): r[3] for r in sheets["Annual Rgn and Sector"][1:] if r[0] == 2024}
    sql = "select region_name, sector, encounter_count from marts.fct_usbp_encounters_annual where fiscal_year = 2024"
    assert {(region, sector): n for region, sector, n in query(warehouse, sql)} == annual
    assert query(
        warehouse,
        "select distinct fiscal_year, months_covered, is_partial_year from marts.fct_usbp_encounters_annual order by 1",
    ) == [(2023, 12, False), (2024, 12, False), (2025, 2, True)]
    monthly = {(r[0], r[1], r[3]): r[4] for r in sheets["Monthly Rgn and Sector"][1:]}
    rows = query(
        warehouse,
        """select fiscal_year, fiscal_month, month_start, border_region, aor_code, sector, encounter_count
           from marts.fct_usbp_encounters_monthly order by month_start, sector""",
    )
    assert len(rows) == len(monthly)
    assert {(r[0], f"{r[1]:02d}", r[5]): r[6] for r in rows} == {(y, m[:2], s): n for (y, m, s), n in monthly.items()}
    first = rows[0]
    assert (first[0], first[1], str(first[2])) == (2023, 1, "2022-10-01")
    assert {(r[3], r[4]) for r in rows if r[5] == "Blaine, WA"} == {("northern", "usbp-blaine-sector")}
    assert {r[3] for r in rows if r[5] == "Miami, FL"} == {"other"}

    # A newer workbook restates one month of Blaine (and that year's figures with it): the marts
    # use it, and the revisions table says what it changed.
    blaine = next(r for r in sheets["Monthly Rgn and Sector"] if r[0] == 2024 and r[3] == "Blaine, WA")
    blaine[4] += 10
    sheets["Annual Rgn and Sector"] = [
        [*r[:3], r[3] + 10] if (r[0], r[2]) == (2024, "Blaine, WA") else r for r in sheets["Annual Rgn and Sector"]
    ]
    serve(site, workbook_bytes(sheets), path=WORKBOOK_PATH.replace("fy25m02", "fy25m03"))
    assert main(["run", "--source", "ohss"]) == EXIT_OK
    assert query(
        warehouse,
        """select workbook, change_type, previous_encounter_count, encounter_count
           from marts.fct_usbp_encounter_revisions where change_type <> 'unchanged' and is_current""",
    ) == [("KHSM Encounters (USBP) fy25m03", "revised", blaine[4] - 10, blaine[4])]
    assert query(warehouse, "select distinct workbook from marts.fct_usbp_encounters_monthly") == [
        ("KHSM Encounters (USBP) fy25m03",)
    ]
