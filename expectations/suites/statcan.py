"""Quality gate suites for Statistics Canada (table 35-10-0177-01) and the cross-border marts.

* the fact: keys present, one row per year x geography x violation x statistic, no negative
  value (incidents, rates, persons charged);
* every province present each year: the provinces required are configuration
  ([sources.statcan] required_provinces: StatCan codes, or "source" for every province or
  territory the table itself lists in any year, so a sample table with a few provinces is
  judged on those); a missing (year, province) is named;
* the marts reconcile with their facts (joins that lose no rows): mart totals equal the fact
  totals they are built from (expectations.suites.marts, run with this source's suites since
  the marts are what it adds).
"""

from __future__ import annotations

from typing import Any

from crossborder.core.config import Settings, load_settings
from expectations.suites import marts
from expectations.suites.base import Check, at_least, in_set, not_null, row_count_between, unique_together

FACT = "marts.fct_statcan_trafficking_incidents"
MAX_ROWS = 10_000_000


def required_provinces(settings: Settings | None = None) -> list[str]:
    """StatCan province codes that must be present every year; ["source"] = those the table lists."""
    settings = settings or load_settings()
    value = settings.source("statcan").options.get("required_provinces", ["source"])
    if isinstance(value, str):
        value = [value]
    return [str(v).strip() for v in value if str(v).strip()]


def _fact() -> list[Any]:
    return [
        *row_count_between(1, MAX_ROWS),
        *not_null(("ref_year", "geography", "violation", "statistic", "geography_level")),
        *at_least(["value"], 0),
        *unique_together(("ref_year", "geography", "violation", "statistic")),
    ]


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


def checks() -> list[Check]:
    codes = required_provinces()
    return [
        Check(
            name=FACT,
            sql=f"select * from {FACT}",
            tables=(FACT,),
            expectations=_fact,
            id_columns=("ref_year", "geography", "violation", "statistic"),
            description="StatCan trafficking incidents: keys present, unique, no negative value.",
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
        *marts.checks(),
    ]
