"""The TIP suites (expectations/suites/tip.py) on copies of the dbt-built demo warehouse: coverage
thresholds come from the Settings the gate is given."""

from __future__ import annotations

import shutil

from crossborder.core.config import load_settings
from crossborder.core.files import SAMPLE_MARKER
from expectations.suites import tip
from tests.gate.conftest import Demo, failed


def test_the_demo_placements_pass_with_the_demo_thresholds(demo: Demo) -> None:
    assert tip.thresholds(demo.settings) == {
        "min_countries_per_edition": 3,
        "max_countries_per_edition": 20,
        "max_countries_dropped": 1,
    }
    result = demo.gate(tip.checks(demo.settings))
    assert result.passed, result.summary()
    assert {s.name for s in result.suites} == {
        "marts.fct_tip_tier_placements",
        "tip.edition_coverage",
        "tip.narratives",
        "marts.fct_tip_enforcement_figures",
    }


def test_an_edition_losing_countries_fails_coverage(demo: Demo) -> None:
    ((year,),) = demo.query("select max(report_year) from marts.fct_tip_tier_placements")
    keep_two = (
        "delete from marts.fct_tip_tier_placements where report_year = ? and iso3 not in "
        "(select iso3 from marts.fct_tip_tier_placements where report_year = ? order by iso3 limit 2)"
    )
    demo.alter((keep_two, [year, year]))
    result = demo.gate(tip.checks(demo.settings))
    assert failed(result) >= {
        ("tip.edition_coverage", "expect_column_values_to_be_between", ("countries",)),
        ("tip.edition_coverage", "expect_column_values_to_be_between", ("countries_dropped",)),
    }
    coverage = next(f for f in result.failures if f.columns == ("countries",))
    assert coverage.examples[0]["report_year"] == year and coverage.examples[0]["countries"] == 2


def test_a_negative_enforcement_figure_fails(demo: Demo) -> None:
    demo.alter(
        "update marts.fct_tip_enforcement_figures set value = -3 "
        "where rowid = (select min(rowid) from marts.fct_tip_enforcement_figures where value is not null)"
    )
    result = demo.gate(tip.checks(demo.settings))
    assert failed(result) == {("marts.fct_tip_enforcement_figures", "expect_column_values_to_be_between", ("value",))}


def test_the_suites_use_the_settings_they_are_given(demo: Demo, tmp_path) -> None:
    # The same warehouse in a data directory without the demo marker: the live thresholds (about
    # 186 countries an edition) apply, and the demo's handful of countries fails coverage.
    live = tmp_path / "live"
    live.mkdir()
    shutil.copyfile(demo.warehouse, live / "warehouse.duckdb")
    assert not (live / SAMPLE_MARKER).exists()
    settings = load_settings({"CROSSBORDER_DATA_DIR": str(live)})
    assert tip.thresholds(settings)["min_countries_per_edition"] == 180
    checks = tip.checks(settings)
    assert "180 to 200 countries" in next(c for c in checks if c.name == "tip.edition_coverage").description
    result = demo.gate(checks)
    assert ("tip.edition_coverage", "expect_column_values_to_be_between", ("countries",)) in failed(result)
    assert demo.gate(tip.checks(demo.settings)).passed
