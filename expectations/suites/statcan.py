"""Quality gate suites for Statistics Canada (table 35-10-0177-01).

The gate's side of the split (docs/quality-gate.md); dbt tests the fact's keys, grain and
accepted values. Here:
* the fact: rows present, no negative value (incidents, rates, persons charged);
* every province present each year: the provinces required are configuration
  ([sources.statcan] required_provinces: StatCan codes, or "source" for every province or
  territory the table itself lists in any year, so a sample table with a few provinces is
  judged on those), read from the Settings the gate is given; a missing (year, province) is named.

The cross-border marts StatCan feeds (mart_canada_us_year) are judged by
expectations.suites.cross_border, which runs whatever sources were built.
"""

from __future__ import annotations

from typing import Any

from crossborder.core.config import Settings
from expectations.suites.base import Check, at_least, in_set, row_count_between

FACT = "marts.fct_statcan_trafficking_incidents"
MAX_ROWS = 10_000_000


def required_provinces(settings: Settings) -> list[str]:
    """StatCan province codes that must be present every year; ["source"] = those the table lists."""
    value = settings.thresholds("statcan")["required_provinces"]
    return [str(v).strip() for v in value if str(v).strip()]


def _fact() -> list[Any]:
    return [*row_count_between(1, MAX_ROWS), *at_least(["value"], 0)]


def _provinces_sql(codes: list[str]) -> str:
    if not codes or codes == ["source"]:
        required = f"select distinct geography_code from {FACT} where geography_level = 'province_territory'"
    else:
        quoted = ", ".join("('" + code.replace("'", "''") + "')" for code in codes if code != "source")
        required = f"select * from (values {quoted}) as t(geography_code)"
        if "source" in codes:
            required += (
                f" union select distinct geography_code from {FACT} where geography_level = 'province_territory'"
            )
    return f"""
        with required as ({required}),
        years as (select distinct ref_year from {FACT}),
        present as (
            select distinct ref_year, geography_code from {FACT}
            where geography_level = 'province_territory' and statistic = 'Actual incidents'
        )
        select years.ref_year, required.geography_code,
               present.geography_code is not null as is_present
        from years cross join required
        left join present on present.ref_year = years.ref_year and present.geography_code = required.geography_code
        order by 1, 2
    """


def _provinces() -> list[Any]:
    return [*in_set("is_present", [True])]


def checks(settings: Settings) -> list[Check]:
    codes = required_provinces(settings)
    return [
        Check(
            name=FACT,
            sql=f"select * from {FACT}",
            tables=(FACT,),
            expectations=_fact,
            id_columns=("ref_year", "geography", "violation", "statistic"),
            description="StatCan trafficking incidents: rows present, no negative value.",
        ),
        Check(
            name="statcan.provinces_each_year",
            sql=_provinces_sql(codes),
            tables=(FACT,),
            expectations=_provinces,
            id_columns=("ref_year", "geography_code"),
            description=(
                "Every required province or territory has actual-incident rows each year "
                f"(required: {', '.join(codes)}; 'source' = every one the table lists)."
            ),
        ),
    ]
