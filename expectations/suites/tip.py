"""Quality gate suites for the Trafficking in Persons Report marts.

The gate's side of the split (docs/quality-gate.md): dbt tests the placements' keys, grain and
accepted values (seeds/tip_placements.csv) and that every country is one of dim_country. Here:
  * placements: the mart is not empty;
  * coverage per edition: a plausible number of countries (the reports place about 186 to 188),
    and no edition with more than a few fewer countries than the one before;
  * narratives: every ranked country (Tier 1 to Tier 3) has non-empty narrative text;
  * enforcement figures: no negative value.

The coverage thresholds are configuration ([sources.tip] in config/crossborder.toml, overridable
from the environment), read from the Settings the gate is given (Settings.thresholds); a data
directory holding the offline demo's sample data uses [sources.tip.demo_overrides] instead, since
the mirror holds only a handful of countries.
"""

from __future__ import annotations

from typing import Any

from crossborder.core.config import Settings
from expectations.suites.base import Check, at_least, row_count_between

PLACEMENTS_MART = "marts.fct_tip_tier_placements"
SECTIONS_MART = "marts.fct_tip_narrative_sections"
FIGURES_MART = "marts.fct_tip_enforcement_figures"

MAX_ROWS = 1_000_000


def thresholds(settings: Settings) -> dict[str, int]:
    """The coverage thresholds in force: [sources.tip], or its demo_overrides for demo data."""
    return settings.thresholds("tip")


def _placements() -> list[Any]:
    return [*row_count_between(1, MAX_ROWS)]


def _coverage_sql() -> str:
    return f"""
        with per_edition as (
            select report_year, count(distinct iso3)::bigint as countries
            from {PLACEMENTS_MART}
            group by report_year
        )
        select
            report_year,
            countries,
            lag(countries) over (order by report_year) as previous_countries,
            coalesce(lag(countries) over (order by report_year) - countries, 0)::bigint as countries_dropped
        from per_edition
        order by report_year
    """


def _coverage(limits: dict[str, int]):
    def build() -> list[Any]:
        import great_expectations.expectations as gxe

        return [
            *row_count_between(1, MAX_ROWS),
            gxe.ExpectColumnValuesToBeBetween(
                column="countries",
                min_value=limits["min_countries_per_edition"],
                max_value=limits["max_countries_per_edition"],
            ),
            gxe.ExpectColumnValuesToBeBetween(column="countries_dropped", max_value=limits["max_countries_dropped"]),
        ]

    return build


def _narratives_sql() -> str:
    return f"""
        select
            p.iso3,
            p.report_year,
            p.placement,
            coalesce(sum(length(trim(s.text))), 0)::bigint as narrative_chars
        from {PLACEMENTS_MART} as p
        left join {SECTIONS_MART} as s
            on s.iso3 = p.iso3 and s.report_year = p.report_year
        where p.tier_rank is not null
        group by p.iso3, p.report_year, p.placement
        order by p.report_year, p.iso3
    """


def _narratives() -> list[Any]:
    return [*at_least(["narrative_chars"], 1)]


def _figures() -> list[Any]:
    return [*at_least(["value"], 0)]


def checks(settings: Settings) -> list[Check]:
    limits = thresholds(settings)
    return [
        Check(
            name=PLACEMENTS_MART,
            sql=f"select * from {PLACEMENTS_MART}",
            tables=(PLACEMENTS_MART,),
            expectations=_placements,
            id_columns=("iso3", "report_year"),
            description="TIP placements: at least one placement loaded.",
        ),
        Check(
            name="tip.edition_coverage",
            sql=_coverage_sql(),
            tables=(PLACEMENTS_MART,),
            expectations=_coverage(limits),
            id_columns=("report_year",),
            description=(
                f"Each edition places {limits['min_countries_per_edition']} to {limits['max_countries_per_edition']} "
                f"countries, at most {limits['max_countries_dropped']} fewer than the edition before."
            ),
        ),
        Check(
            name="tip.narratives",
            sql=_narratives_sql(),
            tables=(PLACEMENTS_MART, SECTIONS_MART),
            expectations=_narratives,
            id_columns=("iso3", "report_year"),
            description="Every ranked country (Tier 1 to Tier 3) has narrative text.",
        ),
        Check(
            name=FIGURES_MART,
            sql=f"select * from {FIGURES_MART}",
            tables=(FIGURES_MART,),
            expectations=_figures,
            id_columns=("iso3", "report_year", "measure"),
            description="Enforcement figures: no negative value.",
        ),
    ]
