"""Quality gate suites for OHSS's Border Patrol encounters workbook.

The gate's side of the split (docs/quality-gate.md); dbt tests the facts' keys, grain and
accepted values. Here:
* the two facts: rows present, no negative count, months covered between 1 and 12;
* months add up to years: OHSS rounds every cell to tens apart (and leaves out cells that round
  to zero), so the months of a fiscal year sum to its annual figure only within rounding. For
  every cell of every `Annual ...` sheet of the current workbook, the matching `Monthly ...`
  sheet's cells of that year must sum to it within max_rounding_per_cell x (months + 1)
  ([sources.ohss]; the months of the year the workbook covers, plus the annual cell's own
  rounding). Beyond that the workbook is inconsistent: the failure names the sheet and the year.
"""

from __future__ import annotations

from typing import Any

from crossborder.core.config import Settings
from expectations.suites.base import Check, at_least, in_set, row_count_between

MONTHLY = "marts.fct_usbp_encounters_monthly"
ANNUAL = "marts.fct_usbp_encounters_annual"
ANNUAL_STAGING = "staging.stg_ohss__annual_encounters"
MONTHLY_STAGING = "staging.stg_ohss__monthly_encounters"
WORKBOOKS = "intermediate.int_ohss__workbooks"
COVERAGE = "intermediate.int_ohss__fiscal_year_coverage"
MAX_ROWS = 10_000_000
_BREAKDOWNS = ("region", "sector", "citizenship", "family_status")


def _monthly() -> list[Any]:
    return [*row_count_between(1, MAX_ROWS), *at_least(["encounter_count"], 0)]


def _annual() -> list[Any]:
    import great_expectations.expectations as gxe

    return [
        *row_count_between(1, MAX_ROWS),
        *at_least(["encounter_count"], 0),
        gxe.ExpectColumnValuesToBeBetween(column="months_covered", min_value=1, max_value=12),
    ]


def _agreement_sql(per_cell: int) -> str:
    same_cell = " and ".join(f"annual.{c} is not distinct from months.{c}" for c in _BREAKDOWNS)
    return f"""
        with current_workbook as (select raw_sha256 from {WORKBOOKS} where is_current),
        annual as (
            select a.sheet, a.fiscal_year, {", ".join(f"a.{c}" for c in _BREAKDOWNS)}, a.encounter_count
            from {ANNUAL_STAGING} as a inner join current_workbook using (raw_sha256)
        ),
        months as (
            select 'Annual' || substr(m.sheet, length('Monthly') + 1) as sheet, m.fiscal_year,
                   {", ".join(f"m.{c}" for c in _BREAKDOWNS)}, sum(m.encounter_count) as months_sum
            from {MONTHLY_STAGING} as m inner join current_workbook using (raw_sha256)
            group by all
        ),
        compared as (
            select coalesce(annual.sheet, months.sheet) as sheet,
                   coalesce(annual.fiscal_year, months.fiscal_year) as fiscal_year,
                   {", ".join(f"coalesce(annual.{c}, months.{c}) as {c}" for c in _BREAKDOWNS)},
                   coalesce(annual.encounter_count, 0) as annual_count,
                   coalesce(months.months_sum, 0) as months_sum
            from annual full outer join months
              on annual.sheet = months.sheet and annual.fiscal_year = months.fiscal_year and {same_cell}
        )
        select compared.*, {per_cell} * (coalesce(coverage.months_covered, 12) + 1) as bound,
               abs(annual_count - months_sum) <= {per_cell} * (coalesce(coverage.months_covered, 12) + 1)
                   as is_within_rounding
        from compared left join {COVERAGE} as coverage using (fiscal_year)
        order by sheet, fiscal_year
    """


def checks(settings: Settings) -> list[Check]:
    per_cell = int(settings.thresholds("ohss")["max_rounding_per_cell"])
    return [
        Check(
            name=MONTHLY,
            sql=f"select * from {MONTHLY}",
            tables=(MONTHLY,),
            expectations=_monthly,
            id_columns=("month_start", "sector"),
            description="Border Patrol encounters per month and sector (OHSS): rows present, no negative count.",
        ),
        Check(
            name=ANNUAL,
            sql=f"select * from {ANNUAL}",
            tables=(ANNUAL,),
            expectations=_annual,
            id_columns=("fiscal_year", "sector"),
            description="Border Patrol encounters per fiscal year and sector (OHSS): rows, counts, months covered.",
        ),
        Check(
            name="ohss.months_add_up_to_years",
            sql=_agreement_sql(per_cell),
            tables=(ANNUAL_STAGING, MONTHLY_STAGING, WORKBOOKS, COVERAGE),
            expectations=lambda: in_set("is_within_rounding", [True]),
            id_columns=("sheet", "fiscal_year", *_BREAKDOWNS, "annual_count", "months_sum", "bound"),
            description=(
                "Every annual cell of the current OHSS workbook equals the sum of its months within rounding: "
                f"{per_cell} x (months covered + 1) encounters."
            ),
        ),
    ]
