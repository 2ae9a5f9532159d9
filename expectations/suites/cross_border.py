"""Quality gate suites of the cross-border marts (mart_country_year, mart_northern_border_monthly,
mart_canada_us_year): joins that lose no rows.

These marts join every source and build (empty or partial) whatever sources were extracted, so
these suites run whenever a warehouse is judged, whichever sources it was built with (not only
with StatCan's). Each query returns one row comparing a mart's total with the total of the facts
it is built from; each pair must be equal (counts) or within SUM_TOLERANCE (pounds, incidents:
sums of decimals, whose last bits depend on the order they were added in).
The northern border regions are read from seeds/cbp_border_regions.csv (crossborder.core.reference).
"""

from __future__ import annotations

from typing import Any

from crossborder.core import reference
from crossborder.core.config import Settings
from expectations.suites.base import Check, difference, pairs_equal
from expectations.suites.base import within as within_tolerance

ENCOUNTERS = "marts.fct_border_encounters"
SEIZURES = "marts.fct_drug_seizures"
STATCAN = "marts.fct_statcan_trafficking_incidents"
CITIZENSHIPS = "intermediate.int_cbp__citizenships"
COUNTRY_YEAR = "marts.mart_country_year"
NORTHERN = "marts.mart_northern_border_monthly"
CANADA_US = "marts.mart_canada_us_year"


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _pairs(*names: str, within: tuple[str, ...] = ()):
    """Each mart_<name> equal to fact_<name>; the sums of decimals in `within` by their difference."""

    def build() -> list[Any]:
        return [*pairs_equal((f"mart_{name}", f"fact_{name}") for name in names), *within_tolerance(within)]

    return build


def _with_differences(sql: str, *names: str) -> str:
    """The one row of sql with each `<name>_difference` of mart_<name> and fact_<name> beside."""
    differences = ", ".join(difference(f"mart_{name}", f"fact_{name}", name) for name in names)
    return f"select *, {differences} from ({sql}) as totals"


def checks(settings: Settings) -> list[Check]:  # settings: unused, every suite module takes them
    northern_encounters = _quoted(reference.cbp_region("encounters", "northern"))
    northern_seizures = _quoted(reference.cbp_region("drug_seizures", "northern"))
    return [
        Check(
            name="marts.northern_border_reconciles",
            sql=_with_differences(
                f"""
                select
                    (select coalesce(sum(encounters), 0) from {NORTHERN})::bigint as mart_encounters,
                    (select coalesce(sum(encounter_count), 0) from {ENCOUNTERS}
                        where land_border_region = {northern_encounters})::bigint as fact_encounters,
                    (select coalesce(sum(seizure_events), 0) from {NORTHERN})::bigint as mart_seizure_events,
                    (select coalesce(sum(event_count), 0) from {SEIZURES}
                        where region = {northern_seizures} and is_land_border)::bigint as fact_seizure_events,
                    (select coalesce(sum(seizures_lbs), 0) from {NORTHERN}) as mart_seizures_lbs,
                    (select coalesce(sum(quantity_lbs), 0) from {SEIZURES}
                        where region = {northern_seizures} and is_land_border) as fact_seizures_lbs
            """,
                "seizures_lbs",
            ),
            tables=(NORTHERN, ENCOUNTERS, SEIZURES),
            expectations=_pairs("encounters", "seizure_events", within=("seizures_lbs",)),
            description="mart_northern_border_monthly totals equal the northern land border rows of the CBP facts.",
        ),
        Check(
            name="marts.country_year_reconciles",
            sql=f"""
                select
                    (select coalesce(sum(cbp_encounters), 0) from {COUNTRY_YEAR})::bigint as mart_encounters,
                    (select coalesce(sum(e.encounter_count), 0) from {ENCOUNTERS} as e
                        join {CITIZENSHIPS} as c on c.citizenship = e.citizenship and c.iso3 is not null)::bigint
                        as fact_encounters,
                    (select coalesce(sum(cbp_encounters), 0) from {COUNTRY_YEAR})::bigint
                        + (select coalesce(sum(e.encounter_count), 0) from {ENCOUNTERS} as e
                           join {CITIZENSHIPS} as c on c.citizenship = e.citizenship and c.iso3 is null)::bigint
                        as mart_all_citizenships,
                    (select coalesce(sum(encounter_count), 0) from {ENCOUNTERS})::bigint as fact_all_citizenships
            """,
            tables=(COUNTRY_YEAR, ENCOUNTERS, CITIZENSHIPS),
            expectations=_pairs("encounters", "all_citizenships"),
            description="mart_country_year's encounters plus the non-country buckets equal fct_border_encounters.",
        ),
        Check(
            name="marts.canada_us_year_reconciles",
            sql=_with_differences(
                f"""
                select
                    (select coalesce(sum(ca_incidents_all_trafficking_violations), 0) from {CANADA_US})
                        as mart_ca_incidents,
                    (select coalesce(sum(value), 0) from {STATCAN}
                        where geography_level = 'country' and statistic = 'Actual incidents') as fact_ca_incidents,
                    (select coalesce(sum(cbp_northern_land_border_encounters), 0) from {CANADA_US})::bigint
                        as mart_northern_encounters,
                    (select coalesce(sum(encounter_count), 0) from {ENCOUNTERS}
                        where land_border_region = {northern_encounters})::bigint as fact_northern_encounters
            """,
                "ca_incidents",
            ),
            tables=(CANADA_US, STATCAN, ENCOUNTERS),
            expectations=_pairs("northern_encounters", within=("ca_incidents",)),
            description="mart_canada_us_year totals equal StatCan's national incidents and CBP's northern encounters.",
        ),
    ]
