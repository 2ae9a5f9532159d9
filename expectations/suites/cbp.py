"""Quality gate suites for the CBP data (border encounters and drug seizures).

The gate's side of the split (docs/quality-gate.md); dbt tests keys, grain, types and accepted
values of these marts. Four kinds of check:
  * the two marts: volume (row count, counted by DuckDB) and no negative measure (a negative
    count in a new release builds, and stops the publish here; only the rows that have one, at
    most MAX_VIOLATING_ROWS, are read, so the gate's memory does not grow with the marts);
  * completeness: no month missing inside any release's range in staging;
  * reconciliation: per fiscal year, mart totals and keys equal the staging totals and keys of
    the releases ``intermediate.int_cbp__fiscal_year_sources`` names as the winners, and every
    mart row comes from a winner. The keys are the mart's grain as its dbt YAML declares it
    (expectations.dbt_models.grain);
  * anomalies (warnings): a region's monthly total dropping by 90 % or more;
  * revision drops (errors): for a closed fiscal year, a release with fewer rows or a lower total
    than the release it supersedes, by more than [sources.cbp] max_release_drop_share (a file cut
    short at a line end, which the CSV reader cannot see, loses the rows of its last fiscal year).
"""

from __future__ import annotations

from typing import Any

from crossborder.core.config import Settings
from expectations.dbt_models import grain
from expectations.suites.base import (
    MAX_VIOLATING_ROWS,
    Check,
    at_least,
    counted_rows_between,
    difference,
    equal_to,
    pairs_equal,
    row_count_between,
    violating_rows_sql,
    volume_sql,
    within,
)

MIN_ROWS = 1
MAX_ROWS = 20_000_000

ENCOUNTERS_MART = "marts.fct_border_encounters"
DRUGS_MART = "marts.fct_drug_seizures"
ENCOUNTERS_STAGING = "staging.stg_cbp__encounters"
DRUGS_STAGING = "staging.stg_cbp__drug_seizures"
FISCAL_YEAR_SOURCES = "intermediate.int_cbp__fiscal_year_sources"
ENCOUNTER_REVISIONS = "marts.fct_border_encounter_revisions"
DRUG_REVISIONS = "marts.fct_drug_seizure_revisions"
RELEASES = "marts.dim_cbp_release"

ENCOUNTER_MEASURES_NON_NEGATIVE = ("encounter_count",)
DRUG_MEASURES_NON_NEGATIVE = ("event_count", "quantity_lbs")

# Shown beside unexpected values in failures and Data Docs.
MART_ID_COLUMNS = ("release_id", "month_start", "aor_code")
# A revision drop names the release, the fiscal year, the release it supersedes and what dropped.
REVISION_ID_COLUMNS = ("release_id", "fiscal_year", "previous_release_id", "dropped")


def _volume() -> list[Any]:
    return counted_rows_between(MIN_ROWS, MAX_ROWS)


def _non_negative(measures: tuple[str, ...]):
    def build() -> list[Any]:
        return at_least(measures, 0)

    return build


def _negative_rows_sql(mart: str, measures: tuple[str, ...]) -> str:
    return violating_rows_sql(mart, " or ".join(f"{m} < 0" for m in measures), [*MART_ID_COLUMNS, *measures])


def _completeness_sql(staging_table: str) -> str:
    # months between first and last month inclusive, less the distinct months present
    return f"""
        select
            release_id,
            min(month) as first_month,
            max(month) as last_month,
            count(distinct month)::bigint as months_present,
            (date_diff('month', min(month), max(month)) + 1 - count(distinct month))::bigint
                as missing_months
        from (
            select release_id, date_trunc('month', month_start) as month
            from {staging_table}
            where month_start is not null
        ) as months
        group by release_id
        order by release_id
    """


def _completeness() -> list[Any]:
    return [*row_count_between(MIN_ROWS, MAX_ROWS), *equal_to("missing_months", 0)]


def _reconciliation_sql(
    dataset: str, staging_table: str, mart_table: str, grain: tuple[str, ...], measures: dict[str, str]
) -> str:
    """One row per fiscal year: the winning releases' staging rows beside the mart's.

    ``mart_rows_not_from_winners`` counts mart rows whose release is not the winner of their
    fiscal year (a month taken from a superseded release, or from two releases).

    ``staging_keys`` (distinct grain keys of the winners' staging rows) is compared with
    ``mart_rows``: the mart sums staging rows that share a key, so it has one row per key,
    not one per staging row. ``measures`` maps a measure name to an aggregate template,
    ``{t}`` standing for the table alias; the same aggregate is applied to both sides,
    giving ``staging_<name>`` and ``mart_<name>`` (and ``<name>_difference`` for the sums of
    decimals, INEXACT_MEASURES). A fiscal year on one side only gets zeros on the other.
    """
    keys = ", ".join(f"s.{column}" for column in grain)
    staging_cols = "".join(f",\n            {expr.format(t='s')} as staging_{name}" for name, expr in measures.items())
    mart_cols = "".join(f",\n            {expr.format(t='m')} as mart_{name}" for name, expr in measures.items())
    outputs = "".join(
        f",\n        coalesce(st.staging_{name}, 0) as staging_{name}"
        f",\n        coalesce(mt.mart_{name}, 0) as mart_{name}"
        + (
            f",\n        {difference(f'st.staging_{name}', f'mt.mart_{name}', name)}"
            if name in INEXACT_MEASURES
            else ""
        )
        for name in measures
    )
    return f"""
        with winners as (
            select distinct release_id, fiscal_year
            from {FISCAL_YEAR_SOURCES}
            where dataset = '{dataset}'
        ),
        winning_rows as (
            select s.*
            from {staging_table} as s
            join winners as w on w.release_id = s.release_id and w.fiscal_year = s.fiscal_year
        ),
        st as (
            select s.fiscal_year{staging_cols}
            from winning_rows as s
            group by s.fiscal_year
        ),
        st_keys as (
            select fiscal_year, count(*)::bigint as staging_keys
            from (select distinct s.fiscal_year, {keys} from winning_rows as s) as k
            group by fiscal_year
        ),
        mt as (
            select
                m.fiscal_year,
                count(*)::bigint as mart_rows,
                count(*) filter (where w.release_id is null)::bigint as mart_rows_not_from_winners{mart_cols}
            from {mart_table} as m
            left join winners as w on w.release_id = m.release_id and w.fiscal_year = m.fiscal_year
            group by m.fiscal_year
        )
        select
        coalesce(st.fiscal_year, mt.fiscal_year) as fiscal_year,
        coalesce(k.staging_keys, 0) as staging_keys,
        coalesce(mt.mart_rows, 0) as mart_rows,
        coalesce(mt.mart_rows_not_from_winners, 0) as mart_rows_not_from_winners{outputs}
        from st
        left join st_keys as k on k.fiscal_year = st.fiscal_year
        full outer join mt on mt.fiscal_year = st.fiscal_year
        order by fiscal_year
    """


# A monthly total below this share of its trailing mean is an anomaly (a 90% drop) ...
ANOMALY_MIN_SHARE = 0.1
# ... judged once a series has this many earlier months, and a trailing mean worth judging.
ANOMALY_HISTORY_MONTHS = 6
ANOMALY_MIN_HISTORY = 3
ANOMALY_MIN_MEAN = 50


def _anomaly_sql(mart_table: str, group_column: str, measure: str) -> str:
    """One row per month and group: its total beside the mean of the months before it.

    Months with no rows at all count as 0 (a spine of every month x group), so a group that
    vanishes is judged too.
    """
    return f"""
        with totals as (
            select date_trunc('month', month_start)::date as month, {group_column} as grp, sum({measure}) as total
            from {mart_table} group by all
        ),
        spine as (
            select month::date as month, grp
            from (select distinct grp from totals) as g,
                 range((select min(month) from totals), (select max(month) from totals) + interval 1 month,
                       interval 1 month) as r(month)
        ),
        filled as (
            select spine.month, spine.grp, coalesce(totals.total, 0) as total
            from spine left join totals using (month, grp)
        ),
        judged as (
            select month, grp, total,
                avg(total) over history as trailing_mean,
                count(*) over history as history_months
            from filled
            window history as (partition by grp order by month
                               rows between {ANOMALY_HISTORY_MONTHS} preceding and 1 preceding)
        )
        select month, grp as {group_column}, total, round(trailing_mean, 1) as trailing_mean,
               round(total / trailing_mean, 3) as share_of_trailing_mean
        from judged
        where history_months >= {ANOMALY_MIN_HISTORY} and trailing_mean >= {ANOMALY_MIN_MEAN}
        order by month, grp
    """


def _anomaly() -> list[Any]:
    return at_least(["share_of_trailing_mean"], ANOMALY_MIN_SHARE)


ENCOUNTER_MEASURES = {"encounter_count": "sum({t}.encounter_count)::bigint"}
DRUG_MEASURES = {
    "event_count": "sum({t}.event_count)::bigint",
    "quantity_lbs": "sum({t}.quantity_lbs)",
}
# Sums of decimals: compared within SUM_TOLERANCE, not for equality (their last bits depend on
# the order the rows were added in).
INEXACT_MEASURES = ("quantity_lbs",)


def _revision_drop_sql(revisions_table: str, measures: tuple[str, ...]) -> str:
    """One row per release x closed fiscal year it re-publishes: its rows (grain keys present) and
    totals beside those of the release it supersedes for that fiscal year (the revisions mart's
    previous release), and the share each dropped by (0 when it grew).

    A fiscal year is closed in a release when it is not the release's last (in-progress) one."""
    totals = "".join(f",\n                sum({m}) as {m}, sum(previous_{m}) as previous_{m}" for m in measures)
    drops = "".join(
        f",\n            greatest(0, 1 - coalesce({m}, 0) / nullif(previous_{m}, 0))::double as {m}_drop_share"
        for m in measures
    )
    described = " || '; ' || ".join(
        [
            "format('rows {} -> {} (-{:.2f}%)', previous_rows, rows, 100 * greatest(0, 1 - rows / previous_rows))",
            *(
                f"format('{m} {{}} -> {{}} (-{{:.2f}}%)', round(previous_{m}, 2), round({m}, 2), "
                f"100 * greatest(0, 1 - coalesce({m}, 0) / nullif(previous_{m}, 0)))"
                for m in measures
            ),
        ]
    )
    return f"""
        with compared as (
            select
                series,
                fiscal_year,
                release_id,
                previous_release_id,
                count({measures[0]})::bigint as rows,
                count(previous_{measures[0]})::bigint as previous_rows{totals}
            from {revisions_table}
            where previous_release_id is not null
            group by all
        )
        select
            compared.release_id,
            compared.fiscal_year,
            compared.previous_release_id,
            greatest(0, 1 - rows / nullif(previous_rows, 0))::double as rows_drop_share{drops},
            {described} as dropped
        from compared
        join {RELEASES} as releases on releases.release_id = compared.release_id
        where compared.fiscal_year < releases.release_last_fy
        order by compared.release_id, compared.fiscal_year
    """


def _revision_drop(measures: tuple[str, ...], max_share: float) -> Any:
    def build() -> list[Any]:
        import great_expectations.expectations as gxe

        return [
            gxe.ExpectColumnValuesToBeBetween(column=f"{name}_drop_share", max_value=max_share)
            for name in ("rows", *measures)
        ]

    return build


def _reconciliation(measures: dict[str, str]) -> Any:
    def build() -> list[Any]:
        return [
            *row_count_between(MIN_ROWS, MAX_ROWS),
            *pairs_equal([("staging_keys", "mart_rows")]),
            *equal_to("mart_rows_not_from_winners", 0),
            *pairs_equal([(f"staging_{name}", f"mart_{name}") for name in measures if name not in INEXACT_MEASURES]),
            *within([name for name in measures if name in INEXACT_MEASURES]),
        ]

    return build


def checks(settings: Settings) -> list[Check]:
    project = settings.dbt_project_dir
    max_drop = settings.thresholds("cbp")["max_release_drop_share"]
    encounter_grain = grain(ENCOUNTERS_MART.split(".")[1], project)
    drug_grain = grain(DRUGS_MART.split(".")[1], project)
    return [
        Check(
            name=ENCOUNTERS_MART,
            sql=volume_sql(ENCOUNTERS_MART),
            tables=(ENCOUNTERS_MART,),
            expectations=_volume,
            description="Border encounters mart: rows present (counted in DuckDB).",
        ),
        Check(
            name=f"non_negative.{ENCOUNTERS_MART.split('.')[1]}",
            sql=_negative_rows_sql(ENCOUNTERS_MART, ENCOUNTER_MEASURES_NON_NEGATIVE),
            tables=(ENCOUNTERS_MART,),
            expectations=_non_negative(ENCOUNTER_MEASURES_NON_NEGATIVE),
            id_columns=MART_ID_COLUMNS,
            description=f"Border encounters mart: no negative count (rows with one: first {MAX_VIOLATING_ROWS}).",
        ),
        Check(
            name=DRUGS_MART,
            sql=volume_sql(DRUGS_MART),
            tables=(DRUGS_MART,),
            expectations=_volume,
            description="Drug seizures mart: rows present (counted in DuckDB).",
        ),
        Check(
            name=f"non_negative.{DRUGS_MART.split('.')[1]}",
            sql=_negative_rows_sql(DRUGS_MART, DRUG_MEASURES_NON_NEGATIVE),
            tables=(DRUGS_MART,),
            expectations=_non_negative(DRUG_MEASURES_NON_NEGATIVE),
            id_columns=MART_ID_COLUMNS,
            description=f"Drug seizures mart: no negative events or pounds (first {MAX_VIOLATING_ROWS} rows).",
        ),
        Check(
            name="completeness.stg_cbp__encounters",
            sql=_completeness_sql(ENCOUNTERS_STAGING),
            tables=(ENCOUNTERS_STAGING,),
            expectations=_completeness,
            id_columns=("release_id",),
            description="No month missing between a release's first and last month.",
        ),
        Check(
            name="completeness.stg_cbp__drug_seizures",
            sql=_completeness_sql(DRUGS_STAGING),
            tables=(DRUGS_STAGING,),
            expectations=_completeness,
            id_columns=("release_id",),
            description="No month missing between a release's first and last month.",
        ),
        Check(
            name="reconciliation.encounters",
            sql=_reconciliation_sql(
                "encounters", ENCOUNTERS_STAGING, ENCOUNTERS_MART, encounter_grain, ENCOUNTER_MEASURES
            ),
            tables=(FISCAL_YEAR_SOURCES, ENCOUNTERS_STAGING, ENCOUNTERS_MART),
            expectations=_reconciliation(ENCOUNTER_MEASURES),
            id_columns=("fiscal_year",),
            description="Per fiscal year, mart keys and encounter totals match the winning releases in staging.",
        ),
        Check(
            name="reconciliation.drug_seizures",
            sql=_reconciliation_sql("drug_seizures", DRUGS_STAGING, DRUGS_MART, drug_grain, DRUG_MEASURES),
            tables=(FISCAL_YEAR_SOURCES, DRUGS_STAGING, DRUGS_MART),
            expectations=_reconciliation(DRUG_MEASURES),
            id_columns=("fiscal_year",),
            description="Per fiscal year, mart keys, events and pounds match the winning releases in staging.",
        ),
        Check(
            name="revision_drop.encounters",
            sql=_revision_drop_sql(ENCOUNTER_REVISIONS, tuple(ENCOUNTER_MEASURES)),
            tables=(ENCOUNTER_REVISIONS, RELEASES),
            expectations=_revision_drop(tuple(ENCOUNTER_MEASURES), max_drop),
            id_columns=REVISION_ID_COLUMNS,
            description=f"Per closed fiscal year, no release has over {max_drop:.1%} fewer rows or encounters "
            "than the release it supersedes (a truncated file).",
        ),
        Check(
            name="revision_drop.drug_seizures",
            sql=_revision_drop_sql(DRUG_REVISIONS, tuple(DRUG_MEASURES)),
            tables=(DRUG_REVISIONS, RELEASES),
            expectations=_revision_drop(tuple(DRUG_MEASURES), max_drop),
            id_columns=REVISION_ID_COLUMNS,
            description=f"Per closed fiscal year, no release has over {max_drop:.1%} fewer rows, events or pounds "
            "than the release it supersedes (a truncated file).",
        ),
        Check(
            name="anomaly.encounters_by_region",
            sql=_anomaly_sql(ENCOUNTERS_MART, "land_border_region", "encounter_count"),
            tables=(ENCOUNTERS_MART,),
            expectations=_anomaly,
            id_columns=("month", "land_border_region"),
            description="Warns when a region's monthly encounters drop by 90% or more against the months before.",
            severity="warning",
        ),
        Check(
            name="anomaly.drug_seizure_events_by_region",
            sql=_anomaly_sql(DRUGS_MART, "region", "event_count"),
            tables=(DRUGS_MART,),
            expectations=_anomaly,
            id_columns=("month", "region"),
            description="Warns when a region's monthly seizure events drop by 90% or more against the months before.",
            severity="warning",
        ),
    ]
