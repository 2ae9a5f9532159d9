"""The analyst marts on the demo warehouse (tests/conftest.py `demo_data`) answer what issue 14
asks of them without reading the SQL: CBP encounters join countries, partial years are flagged,
year columns say which year, one border vocabulary, northern-border figures count only the land
border, wire copies count once, and the warehouse says whether it is sample data."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.warehouse_utils import query

SEEDS = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"


def _columns(warehouse: Path, table: str) -> list[str]:
    schema, name = table.split(".")
    return [
        row[0]
        for row in query(
            warehouse,
            "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
            "order by ordinal_position",
            [schema, name],
        )
    ]


@pytest.fixture(scope="module")
def warehouse(demo_data: Path) -> Path:
    return demo_data / "warehouse.duckdb"


def test_cbp_encounters_join_countries_through_iso3_and_keep_buckets_apart(warehouse):
    citizenships = query(
        warehouse,
        "select distinct citizenship, iso3, citizenship_bucket from marts.fct_border_encounters order by 1",
    )
    assert ("MEXICO", "MEX", None) in citizenships
    assert ("CANADA", "CAN", None) in citizenships
    assert ("CHINA, PEOPLES REPUBLIC OF", "CHN", None) in citizenships
    assert ("OTHER", None, "OTHER") in citizenships
    assert all((iso3 is None) != (bucket is None) for _, iso3, bucket in citizenships), citizenships
    # Every country row joins dim_country; only the buckets are left without a country.
    [(total, joined, bucketed)] = query(
        warehouse,
        """select sum(e.encounter_count),
                  sum(e.encounter_count) filter (where c.iso3 is not null),
                  sum(e.encounter_count) filter (where e.citizenship_bucket is not null)
           from marts.fct_border_encounters as e left join marts.dim_country as c on e.iso3 = c.iso3""",
    )
    assert joined + bucketed == total and bucketed < total


def test_the_dbt_test_names_a_citizenship_that_is_neither_country_nor_bucket(demo_data: Path, tmp_path: Path):
    """The singular dbt test (as dbt compiled it for the demo build) fails with an error naming the value."""
    compiled = next((demo_data / "dbt" / "target" / "compiled").rglob("assert_encounters_country_or_bucket.sql"))
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(demo_data / "warehouse.duckdb", copy)
    con = duckdb.connect(str(copy))
    try:
        assert con.execute(compiled.read_text(encoding="utf-8")).fetchall() == []
        con.execute(
            "insert into marts.fct_border_encounters by name "
            "select * replace ('ATLANTIS' as citizenship, null as iso3, null as citizenship_bucket) "
            "from marts.fct_border_encounters limit 1"
        )
        with pytest.raises(duckdb.Error, match="ATLANTIS"):
            con.execute(compiled.read_text(encoding="utf-8")).fetchall()
    finally:
        con.close()


def test_yearly_rows_built_from_months_say_how_many_months_they_cover(warehouse):
    country_years = dict(
        query(
            warehouse,
            "select distinct fiscal_year, (months_covered, is_complete_year) from marts.mart_country_year "
            "where cbp_encounters > 0",
        )
    )
    assert country_years[2024] == (12, True)
    assert country_years[2025] == (5, False)  # the demo's FY2025: October to February
    canada_us = dict(
        query(warehouse, "select calendar_year, (months_covered, is_complete_year) from marts.mart_canada_us_year")
    )
    assert canada_us[2021] == (12, True)
    assert canada_us[2020] == (3, False)  # the data start in October 2020 (FY2021)


def test_year_columns_are_named_for_the_year_they_are(warehouse):
    country_year = _columns(warehouse, "marts.mart_country_year")
    canada_us = _columns(warehouse, "marts.mart_canada_us_year")
    assert "year" not in country_year and "year" not in canada_us
    assert {"fiscal_year", "tip_report_year"} <= set(country_year)
    assert "calendar_year" in canada_us
    # TIP placements sit in the fiscal year of their edition.
    assert query(
        warehouse,
        "select count(*) from marts.mart_country_year where tip_report_year is not null "
        "and tip_report_year <> fiscal_year",
    ) == [(0,)]


def test_a_province_is_never_larger_than_canada_on_the_same_measure(warehouse):
    rows = query(
        warehouse,
        """select calendar_year, ca_incidents_trafficking_in_persons,
                  ca_incidents_trafficking_in_persons_by_province['Ontario'],
                  ca_incidents_all_trafficking_violations,
                  ca_incidents_all_trafficking_violations_by_province['Ontario']
           from marts.mart_canada_us_year where ca_incidents_trafficking_in_persons is not null""",
    )
    assert rows
    for year, canada, ontario, canada_all, ontario_all in rows:
        assert ontario <= canada and ontario_all <= canada_all, year


def test_one_border_region_vocabulary_across_facts_geography_and_seeds(warehouse):
    with (SEEDS / "border_regions.csv").open(encoding="utf-8") as handle:
        vocabulary = {row["border_region"] for row in csv.DictReader(handle)}
    encounters = {r[0] for r in query(warehouse, "select distinct border_region from marts.fct_border_encounters")}
    seizures = {r[0] for r in query(warehouse, "select distinct border_region from marts.fct_drug_seizures")}
    geography = {
        r[0] for r in query(warehouse, "select distinct border_region from marts.dim_geography where iso3 = 'USA'")
    }
    assert encounters == seizures == vocabulary
    assert geography <= vocabulary and "northern" in geography
    # The northern border is one name whichever dataset CBP published it in.
    assert query(
        warehouse,
        "select distinct land_border_region from marts.fct_border_encounters where border_region = 'northern'",
    ) == [("Northern Land Border",)]
    assert query(warehouse, "select distinct region from marts.fct_drug_seizures where border_region = 'northern'") == [
        ("Northern Border",)
    ]
    # One land-border flag for both spellings of the land filter.
    assert sorted(
        query(warehouse, "select distinct land_filter, is_land_border from marts.fct_drug_seizures order by 1")
    ) == [("Land", True), ("Land Only", True), ("Other", False)]


def test_northern_border_fentanyl_counts_only_seizures_at_the_land_border(warehouse):
    [(mart_lbs, land_lbs, region_lbs)] = query(
        warehouse,
        """select
               (select round(sum(fentanyl_lbs), 3) from marts.mart_northern_border_monthly),
               (select round(sum(quantity_lbs), 3) from marts.fct_drug_seizures
                where border_region = 'northern' and is_land_border and lower(drug_type) like 'fentanyl%'),
               (select round(sum(quantity_lbs), 3) from marts.fct_drug_seizures
                where border_region = 'northern' and lower(drug_type) like 'fentanyl%')""",
    )
    assert land_lbs < region_lbs  # the demo has northern-region fentanyl seized away from the land border
    assert mart_lbs == land_lbs
    [(yearly_lbs,)] = query(
        warehouse, "select round(sum(cbp_northern_land_border_fentanyl_lbs), 3) from marts.mart_canada_us_year"
    )
    assert yearly_lbs == land_lbs


def test_wire_copies_of_one_story_count_once(warehouse):
    [(copies,)] = query(
        warehouse,
        "select count(*) from (select story_group_id from marts.bridge_news_article_country "
        "group by story_group_id, iso3 having count(*) > 1)",
    )
    assert copies > 0  # the demo has a story published under two URLs naming a country
    [(mart_stories, bridge_stories, mart_articles, bridge_articles)] = query(
        warehouse,
        """select
               (select sum(news_story_count) from marts.mart_country_year),
               (select count(*) from (select distinct b.iso3, b.story_group_id,
                        year(a.published_date) + (month(a.published_date) >= 10)::integer as fiscal_year
                    from marts.bridge_news_article_country b join marts.fct_news_articles a using (article_id)
                    where a.published_date is not null)),
               (select sum(news_article_count_incl_copies) from marts.mart_country_year),
               (select count(*) from marts.bridge_news_article_country b join marts.fct_news_articles a
                    using (article_id) where a.published_date is not null)""",
    )
    assert mart_articles == bridge_articles
    assert mart_stories == bridge_stories < mart_articles


def test_the_warehouse_says_it_is_sample_data(warehouse):
    [(is_sample, sources, releases, built_at)] = query(
        warehouse, "select is_sample_data, sources, cbp_releases, built_at from main.build_info"
    )
    assert is_sample is True
    assert set(sources) == {"cbp", "tip", "news", "statcan"}
    assert releases and built_at is not None
