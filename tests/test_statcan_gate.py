"""The StatCan and cross-border marts gate suites against small warehouses built here."""

from __future__ import annotations

from pathlib import Path

import duckdb

from expectations.gate import run_gate
from expectations.suites import marts, statcan

FACT = """
create table marts.fct_statcan_trafficking_incidents as
select * from (values
    (2021, 'Canada', 'country', null, 'Trafficking in persons [1525]', 'Actual incidents', 60.0),
    (2021, 'Alberta [48]', 'province_territory', '48', 'Trafficking in persons [1525]', 'Actual incidents', 20.0),
    (2021, 'Ontario [35]', 'province_territory', '35', 'Trafficking in persons [1525]', 'Actual incidents', 40.0),
    (2022, 'Canada', 'country', null, 'Trafficking in persons [1525]', 'Actual incidents', 30.0),
    (2022, 'Ontario [35]', 'province_territory', '35', 'Trafficking in persons [1525]', 'Actual incidents', {ontario}){alberta_2022}
) as t(ref_year, geography, geography_level, geography_code, violation, statistic, value)
"""
MARTS = [
    "create table marts.fct_border_encounters as select 'Northern Land Border' as land_border_region, 'CANADA' as citizenship, 10 as encounter_count "
    "union all select 'Southwest Land Border', 'OTHER', 5",
    "create table marts.fct_drug_seizures as select 'Northern Border' as region, 2 as event_count, 1.5 as quantity_lbs",
    "create table intermediate.int_cbp__citizenships as select 'CANADA' as citizenship, 'CAN' as iso3 union all select 'OTHER', null",
    "create table marts.mart_country_year as select 'CAN' as iso3, 2021 as year, {country_encounters} as cbp_encounters",
    "create table marts.mart_northern_border_monthly as select 10 as encounters, 2 as seizure_events, 1.5 as seizures_lbs",
    "create table marts.mart_canada_us_year as select 2021 as year, 60.0 as ca_incidents_all_trafficking_violations, 10 as cbp_northern_encounters "
    "union all select 2022, 30.0, null",
]


ALBERTA_2022 = ",\n    (2022, 'Alberta [48]', 'province_territory', '48', 'Trafficking in persons [1525]', 'Actual incidents', 0.0)"


def make(path: Path, *, ontario: float = 35.0, country_encounters: int = 10, alberta_2022: bool = True) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create schema marts; create schema intermediate")
    con.execute(FACT.format(ontario=ontario, alberta_2022=ALBERTA_2022 if alberta_2022 else ""))
    for sql in MARTS:
        con.execute(sql.format(country_encounters=country_encounters))
    con.close()
    return path


def gate(tmp_path: Path, warehouse: Path):
    checks = [c for c in statcan.checks()]
    return run_gate(warehouse, tmp_path / "docs", tmp_path / "gate.json", checks=checks)


def test_suites_pass_missing_province_negative_value_and_lost_rows_fail(tmp_path, settings):
    good = gate(tmp_path, make(tmp_path / "good.duckdb"))
    assert good.passed, good.summary()
    assert {s.name for s in good.suites} >= {"statcan.provinces_each_year", "marts.country_year_reconciles"}

    bad = gate(tmp_path, make(tmp_path / "bad.duckdb", ontario=-1, country_encounters=7, alberta_2022=False))
    text = bad.summary()
    assert not bad.passed
    # Alberta listed in 2021 but not in 2022: the missing (year, province) is named.
    assert '"ref_year": 2022, "geography_code": "48"' in text
    assert "marts.fct_statcan_trafficking_incidents [value]" in text
    assert "marts.country_year_reconciles" in text
    assert {f.suite for f in bad.failures} == {
        "statcan.provinces_each_year",
        "marts.fct_statcan_trafficking_incidents",
        "marts.country_year_reconciles",
    }


def test_required_provinces_from_config(monkeypatch, settings):
    from crossborder.core.config import load_settings

    assert statcan.required_provinces(settings) == ["source"]
    monkeypatch.setenv("CROSSBORDER_STATCAN_REQUIRED_PROVINCES", "35,48,source")
    assert statcan.required_provinces(load_settings()) == ["35", "48", "source"]
    assert "values ('35'), ('48')" in statcan._provinces_sql(["35", "48", "source"])
    assert len(marts.checks()) == 3
