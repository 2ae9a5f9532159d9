"""Quality gate suites for the Trafficking in Persons Report marts.

  * placements: one row per country and edition, every placement one of the five, every country
    mapped to dim_country (iso3 present and known);
  * coverage per edition: a plausible number of countries (the reports place about 186 to 188),
    and no edition with more than a few fewer countries than the one before;
  * narratives: every ranked country (Tier 1 to Tier 3) has non-empty narrative text;
  * enforcement figures: known measures, non-negative values, an evidence sentence for each.

The coverage thresholds are configuration ([sources.tip] in config/crossborder.toml, overridable
from the environment); a data directory holding the offline demo's sample data uses
[sources.tip.demo_overrides] instead, since the mirror holds only a handful of countries.
"""

from __future__ import annotations

from typing import Any

from crossborder.core.config import Settings, load_settings
from crossborder.core.files import is_sample_data
from expectations.suites.base import Check, at_least, in_set, not_null, row_count_between, unique_together

PLACEMENTS_MART = "marts.fct_tip_tier_placements"
SECTIONS_MART = "marts.fct_tip_narrative_sections"
FIGURES_MART = "marts.fct_tip_enforcement_figures"
COUNTRIES = "marts.dim_country"

PLACEMENTS = ("Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3", "Special Case")
MEASURES = ("investigations", "prosecutions", "convictions", "victims_identified")
MAX_ROWS = 1_000_000


def thresholds(settings: Settings | None = None) -> dict[str, int]:
    """The coverage thresholds in force: [sources.tip], or its demo_overrides for demo data."""
    settings = settings or load_settings()
    options = dict(settings.source("tip").options)
    if is_sample_data(settings.data_dir):
        options.update(options.get("demo_overrides", {}))
    keys = ("min_countries_per_edition", "max_countries_per_edition", "max_countries_dropped")
    return {key: int(options[key]) for key in keys}


def _placements() -> list[Any]:
    import great_expectations.expectations as gxe

    return [
        *row_count_between(1, MAX_ROWS),
        *not_null(("iso3", "report_year", "placement", "source_url")),
        *in_set("placement", PLACEMENTS),
        *unique_together(("iso3", "report_year")),
        gxe.ExpectColumnValuesToBeBetween(column="tier_rank", min_value=1, max_value=4),
    ]


def _mapped() -> list[Any]:
    return [*row_count_between(1, MAX_ROWS), *not_null(("known_iso3",))]


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
    return [
        *not_null(("iso3", "report_year", "measure", "evidence_sentence")),
        *in_set("measure", MEASURES),
        *at_least(["value"], 0),
        *unique_together(("iso3", "report_year", "measure")),
    ]


def checks() -> list[Check]:
    limits = thresholds()
    return [
        Check(
            name=PLACEMENTS_MART,
            sql=f"select * from {PLACEMENTS_MART}",
            tables=(PLACEMENTS_MART,),
            expectations=_placements,
            id_columns=("iso3", "report_year"),
            description="TIP placements: one per country and edition, one of the five placements.",
        ),
        Check(
            name="tip.countries_mapped",
            sql=f"""select p.report_year, p.country_name_in_report, p.iso3, c.iso3 as known_iso3
                    from {PLACEMENTS_MART} as p left join {COUNTRIES} as c on c.iso3 = p.iso3
                    order by p.report_year, p.country_name_in_report""",
            tables=(PLACEMENTS_MART, COUNTRIES),
            expectations=_mapped,
            id_columns=("report_year", "country_name_in_report"),
            description="Every country the report names is a country of dim_country.",
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
            description="Enforcement figures: known measures, non-negative values, each with its sentence.",
        ),
    ]
