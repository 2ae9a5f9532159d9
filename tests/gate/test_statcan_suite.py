"""The StatCan suites (expectations/suites/statcan.py) with the cross-border suites, on copies of
the dbt-built demo warehouse."""

from __future__ import annotations

from crossborder.core.config import load_settings
from expectations.suites import cross_border, statcan
from tests.gate.conftest import Demo


def checks(demo: Demo):
    return [*statcan.checks(demo.settings), *cross_border.checks(demo.settings)]


def test_suites_pass_missing_province_negative_value_and_lost_rows_fail(demo: Demo) -> None:
    good = demo.gate(checks(demo))
    assert good.passed, good.summary()
    assert {s.name for s in good.suites} >= {"statcan.provinces_each_year", "marts.country_year_reconciles"}

    fact = "marts.fct_statcan_trafficking_incidents"
    demo.alter(
        # a negative count for Ontario
        f"update {fact} set value = -1 where rowid = (select min(rowid) from {fact} "
        "where geography_code = '35' and ref_year = 2022 and statistic = 'Actual incidents')",
        # Alberta listed in other years but not in 2022
        f"delete from {fact} where geography_code = '48' and ref_year = 2022",
        # a country-year row lost by mart_country_year
        "delete from marts.mart_country_year where rowid = "
        "(select min(rowid) from marts.mart_country_year where cbp_encounters > 0)",
    )
    bad = demo.gate(checks(demo))
    text = bad.summary()
    assert not bad.passed
    # The missing (year, province) is named.
    assert '"ref_year": 2022, "geography_code": "48"' in text
    assert "marts.fct_statcan_trafficking_incidents [value]" in text
    assert "marts.country_year_reconciles" in text
    assert {f.suite for f in bad.failures} == {
        "statcan.provinces_each_year",
        "marts.fct_statcan_trafficking_incidents",
        "marts.country_year_reconciles",
    }


def test_required_provinces_from_config(monkeypatch, settings):
    assert statcan.required_provinces(settings) == ["source"]
    monkeypatch.setenv("CROSSBORDER_STATCAN_REQUIRED_PROVINCES", "35,48,source")
    assert statcan.required_provinces(load_settings()) == ["35", "48", "source"]
    assert "values ('35'), ('48')" in statcan._provinces_sql(["35", "48", "source"])
    assert len(cross_border.checks(settings)) == 3
