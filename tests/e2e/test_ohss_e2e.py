"""End to end: a local server plays OHSS's landing page and serves a Border Patrol workbook;
`crossborder run --source ohss` extracts, builds, passes the gate and publishes; then a newer
workbook whose months no longer add up to a year fails the gate, naming the sheet and the year,
and the published warehouse stays. Slow: marked e2e."""

from __future__ import annotations

import pytest

from crossborder.cli import EXIT_GATE_FAILED, EXIT_OK, main
from tests.samples.ohss import WORKBOOK_PATH, serve, sheets_from_counts, true_counts, workbook_bytes
from tests.warehouse_utils import query

pytestmark = pytest.mark.e2e


def test_run_source_ohss_then_a_workbook_whose_months_disagree_with_its_year_fails_the_gate(
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
    published = settings.warehouse_path.read_bytes()

    # A newer workbook: FY2024's annual count is 1,000 more than its months (far past rounding).
    sheets["Annual Count"] = [r if r[0] != 2024 else [2024, r[1] + 1000] for r in sheets["Annual Count"]]
    serve(site, workbook_bytes(sheets), path=WORKBOOK_PATH.replace("fy25m02", "fy25m03"))
    capsys.readouterr()
    assert main(["run", "--source", "ohss"]) == EXIT_GATE_FAILED
    err = capsys.readouterr().err
    assert "ohss.months_add_up_to_years" in err and "Annual Count" in err and "2024" in err, err
    assert settings.warehouse_path.read_bytes() == published
