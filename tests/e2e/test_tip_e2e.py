"""End to end: a local server plays state.gov; `crossborder run --source tip` extracts two
editions (both heading formats), builds with dbt, passes the gate and publishes; then the marts
are queried. Slow (dbt and GX run for real): marked e2e."""

from __future__ import annotations

import pytest

from crossborder.cli import EXIT_OK, main
from tests.samples.tip import country_page, publish_edition
from tests.warehouse_utils import query

pytestmark = pytest.mark.e2e

EDITION_2021 = {
    "canada": ("Canada", "Tier 1"),
    "mexico": ("Mexico", "Tier 2"),
    "burma": ("Burma", "Tier 3"),
    "korea-north": ("Korea, North", "Tier 3"),
    "cote-divoire": ("Côte d’Ivoire", "Tier 2 Watch List"),
    "libya": ("Libya", "Special Case"),
    "kosovo": ("Kosovo", "Tier 2"),
}
EDITION_2022 = {
    "canada": ("Canada", "Tier 2"),
    "mexico": ("Mexico", "Tier 2"),
    "burma": ("Burma", "Tier 3"),
    "korea-north": ("Korea, North", "Tier 3"),
    "cote-divoire": ("Côte d’Ivoire", "Tier 2"),
    "libya": ("Libya", "Special Case"),
    "united-states-of-america": ("United States of America", "Tier 1"),
}


def pages(year: int, edition: dict) -> dict:
    return {slug: country_page(name, placement, year) for slug, (name, placement) in edition.items()}


def test_run_source_tip_builds_the_tip_marts(env, site, monkeypatch, capsys):
    for key, value in {
        "CROSSBORDER_TIP_BASE_URL": env["CROSSBORDER_CBP_BASE_URL"],
        "CROSSBORDER_TIP_ARCHIVE_BASE_URL": env["CROSSBORDER_CBP_BASE_URL"] + "/archive",
        "CROSSBORDER_TIP_MIN_COUNTRIES_PER_EDITION": "5",
        "CROSSBORDER_TIP_MAX_COUNTRIES_PER_EDITION": "10",
        "CROSSBORDER_TIP_MAX_COUNTRIES_DROPPED": "1",
    }.items():
        monkeypatch.setenv(key, value)
    publish_edition(
        site,
        2021,
        {
            **pages(2021, EDITION_2021),
            "introduction": "<html><body><h2>Introduction</h2><p>About the report.</p></body></html>",
        },
    )
    publish_edition(site, 2022, {**pages(2022, EDITION_2022), "kosovo": None})  # linked, 404: not evaluated

    assert main(["run", "--source", "tip", "--years", "2021-2022"]) == EXIT_OK
    captured = capsys.readouterr()
    assert "1 not found (404), 1 pages quarantined" in captured.out + captured.err
    warehouse = env["CROSSBORDER_DATA_DIR"] + "/warehouse.duckdb"

    placements = query(
        warehouse,
        """
        select report_year, iso3, country_name, placement, tier_rank, previous_placement, movement, served_by
        from marts.fct_tip_tier_placements order by report_year, iso3""",
    )
    assert [row[:2] for row in placements] == [
        (2021, "CAN"),
        (2021, "CIV"),
        (2021, "LBY"),
        (2021, "MEX"),
        (2021, "MMR"),
        (2021, "PRK"),
        (2021, "XKX"),
        (2022, "CAN"),
        (2022, "CIV"),
        (2022, "LBY"),
        (2022, "MEX"),
        (2022, "MMR"),
        (2022, "PRK"),
        (2022, "USA"),
    ]
    by_key = {(r[0], r[1]): r for r in placements}
    # 2021 is the first edition loaded: no movement. 2022 against 2021:
    assert by_key[2021, "CAN"][6] is None
    assert {iso3: by_key[2022, iso3][6] for iso3 in ("CAN", "CIV", "MEX", "LBY", "USA")} == {
        "CAN": "downgrade",
        "CIV": "upgrade",
        "MEX": "same",
        "LBY": "same",
        "USA": "new",
    }
    assert by_key[2022, "CAN"][3:6] == ("Tier 2", 2, "Tier 1")
    assert by_key[2022, "LBY"][4] is None  # Special Case is not ranked
    assert by_key[2021, "PRK"][2] == "North Korea" and by_key[2021, "XKX"][2] == "Kosovo"
    assert {row[7] for row in placements} == {"main"}

    # Narratives are searchable by section; figures come with their sentence.
    assert query(
        warehouse,
        """
        select count(*) from marts.fct_tip_narrative_sections
        where section = 'prevention' and text ilike '%national hotline%'""",
    ) == [(14,)]
    assert query(
        warehouse,
        """
        select measure, value, evidence_sentence like 'The government reported investigating 31 cases%'
        from marts.fct_tip_enforcement_figures
        where iso3 = 'MEX' and report_year = 2022 and measure <> 'victims_identified'
        order by measure""",
    ) == [("convictions", 11, True), ("investigations", 31, True), ("prosecutions", 19, True)]
    assert {"Korea, North", "North Korea"} <= set(
        query(warehouse, "select aliases from marts.dim_country where iso3 = 'PRK'")[0][0]
    )
