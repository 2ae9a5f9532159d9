"""The cross-border marts' suites (expectations/suites/cross_border.py) run whatever sources were
built: every build makes these marts, so they are judged without StatCan too."""

from __future__ import annotations

import pytest

from expectations.suites import SHARED_MODULES, all_checks, cross_border
from tests.gate.conftest import Demo, failed

CROSS_BORDER = {"marts.northern_border_reconciles", "marts.country_year_reconciles", "marts.canada_us_year_reconciles"}


@pytest.mark.parametrize("sources", [["cbp"], ["tip"], ["news"], ["statcan"], ["cbp", "tip", "news", "statcan"], None])
def test_the_cross_border_suites_run_with_any_sources(settings, sources) -> None:
    assert "cross_border" in SHARED_MODULES
    names = {check.name for check in all_checks(sources, settings)}
    assert names >= CROSS_BORDER


def test_lost_rows_of_each_cross_border_mart_fail_without_statcan(demo: Demo) -> None:
    assert demo.gate(all_checks(["cbp"], demo.settings)).passed
    demo.alter(
        "update marts.mart_northern_border_monthly set encounters = encounters + 1 "
        "where rowid = (select min(rowid) from marts.mart_northern_border_monthly)",
        "delete from marts.mart_canada_us_year where rowid = "
        "(select min(rowid) from marts.mart_canada_us_year where cbp_northern_land_border_encounters > 0)",
    )
    result = demo.gate(all_checks(["cbp"], demo.settings))
    assert {f.suite for f in result.failures} == {"marts.northern_border_reconciles", "marts.canada_us_year_reconciles"}
    assert (
        "marts.northern_border_reconciles",
        "expect_column_pair_values_to_be_equal",
        ("mart_encounters", "fact_encounters"),
    ) in failed(result)
    assert {c.name for c in cross_border.checks(demo.settings)} == CROSS_BORDER
