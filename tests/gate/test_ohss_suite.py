"""The OHSS suites (expectations/suites/ohss.py) on copies of the dbt-built demo warehouse: the
demo workbook passes; a year whose months no longer add up fails naming the sheet and the year;
a negative count and an impossible months-covered fail their facts' suites."""

from __future__ import annotations

from expectations.suites import ohss
from tests.gate.conftest import Demo


def test_the_demo_workbook_passes_and_a_year_off_by_more_than_rounding_fails_naming_sheet_and_year(demo: Demo):
    good = demo.gate(ohss.checks(demo.settings))
    assert good.passed, good.summary()
    assert {s.name for s in good.suites} == {
        "marts.fct_usbp_encounters_monthly",
        "marts.fct_usbp_encounters_annual",
        "ohss.months_add_up_to_years",
    }

    annual = "staging.stg_ohss__annual_encounters"
    demo.alter(
        # FY2022's national annual count 100 above its months: past 5 x (12 + 1) = 65
        f"update {annual} set encounter_count = encounter_count + 100 "
        "where sheet = 'Annual Count' and fiscal_year = 2022",
        # FY2023's Blaine sector 60 above its months: within the bound, so not a failure
        f"update {annual} set encounter_count = encounter_count + 60 "
        "where sheet = 'Annual Sector' and fiscal_year = 2023 and sector = 'Blaine, WA'",
        "update marts.fct_usbp_encounters_monthly set encounter_count = -10 where rowid = "
        "(select min(rowid) from marts.fct_usbp_encounters_monthly)",
        "update marts.fct_usbp_encounters_annual set months_covered = 13 where fiscal_year = 2021",
    )
    bad = demo.gate(ohss.checks(demo.settings))
    assert not bad.passed
    assert {f.suite for f in bad.failures} == {
        "ohss.months_add_up_to_years",
        "marts.fct_usbp_encounters_monthly",
        "marts.fct_usbp_encounters_annual",
    }
    text = bad.summary()
    assert '"sheet": "Annual Count", "fiscal_year": 2022' in text
    assert "Blaine" not in text.split("ohss.months_add_up_to_years", 1)[1].split("marts.", 1)[0]
