"""Quality gate suites of the cross-border marts (mart_country_year, mart_northern_border_monthly,
mart_canada_us_year): joins that lose no rows.

These marts join every source and build (empty or partial) whatever sources were extracted, so
these suites run whenever a warehouse is judged, whichever sources it was built with (not only
with StatCan's). Each query returns one row comparing a mart's total with the total of the facts
it is built from (rounded to 3 decimals for pounds and incidents); each pair must be equal.
The northern border regions are read from seeds/cbp_border_regions.csv (crossborder.core.reference).
"""

from __future__ import annotations

from typing import Any

from crossborder.core import reference
from crossborder.core.config import Settings
from expectations.suites.base import Check, pairs_equal

ENCOUNTERS = "marts.fct_border_encounters"
SEIZURES = "marts.fct_drug_seizures"
STATCAN = "marts.fct_statcan_trafficking_incidents"
CITIZENSHIPS = "intermediate.int_cbp__citizenships"
COUNTRY_YEAR = "marts.mart_country_year"
NORTHERN = "marts.mart_northern_border_monthly"
CANADA_US = "marts.mart_canada_us_year"


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _pairs(*names: str):
    def build() -> list[Any]:
        return pairs_equal((f"mart_{name}", f"fact_{name}") for name in names)

    return build


def checks(settings: Settings) -> list[Check]:  # settings: unused, every suite module takes them
    northern_encounters = _quoted(reference.cbp_region("encounters", "northern"))
    northern_seizures = _quoted(reference.cbp_region("drug_seizures", "northern"))
    return [
        Check(
            name="marts.northern_border_reconciles",
            sql=f"""
                select
                    (select coalesce(sum(encounters), 0) from {NORTHERN})::bigint as mart_encounters,
                    (select coalesce(sum(encounter_count), 0) from {ENCOUNTERS}
                        where land_border_region = {northern_encounters})::bigint as fact_encounters,
                    (select coalesce(sum(seizure_events), 0) from {NORTHERN})::bigint as mart_seizure_events,
                    (select coalesce(sum(event_count), 0) from {SEIZURES}
                        where region = {northern_seizures} and is_land_border)::bigint as fact_seizure_events,
                    round((select coalesce(sum(seizures_lbs), 0) from {NORTHERN}), 3) as mart_seizures_lbs,
                    round((select coalesce(sum(quantity_lbs), 0) from {SEIZURES}
                        where region = {northern_seizures} and is_land_border), 3) as fact_seizures_lbs
            """,
            tables=(NORTHERN, ENCOUNTERS, SEIZURES),
            expectations=_pairs("encounters", "seizure_events", "seizures_lbs"),
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
            sql=f"""
                select
                    round((select coalesce(sum(ca_incidents_all_trafficking_violations), 0) from {CANADA_US}), 3)
                        as mart_ca_incidents,
                    round((select coalesce(sum(value), 0) from {STATCAN}
                        where geography_level = 'country' and statistic = 'Actual incidents'), 3) as fact_ca_incidents,
                    (select coalesce(sum(cbp_northern_land_border_encounters), 0) from {CANADA_US})::bigint
                        as mart_northern_encounters,
                    (select coalesce(sum(encounter_count), 0) from {ENCOUNTERS}
                        where land_border_region = {northern_encounters})::bigint as fact_northern_encounters
            """,
            tables=(CANADA_US, STATCAN, ENCOUNTERS),
            expectations=_pairs("ca_incidents", "northern_encounters"),
            description="mart_canada_us_year totals equal StatCan's national incidents and CBP's northern encounters.",
        ),
    ]
