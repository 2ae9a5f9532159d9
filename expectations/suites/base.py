"""The shape every suite module uses: a ``Check`` is one GX suite over one SQL query.

Helpers here build common GX expectations. They import Great Expectations inside the
function, so defining checks stays cheap; only the gate calls them. There is no not-null,
accepted-values or uniqueness helper on purpose: structure (types, keys, grain, relationships,
accepted values) is dbt's side of the gate (docs/quality-gate.md); suites judge volume,
coverage, plausible values, reconciliation and anomalies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Check:
    """One expectation suite, validated over the DataFrame that ``sql`` returns.

    name: the GX suite name, e.g. ``marts.fct_border_encounters`` (also the Data Docs page).
    sql: a read-only DuckDB query: a table, or a query computing a reconciliation.
    tables: every table or view the query reads, ``schema.name``; if one is missing the
        gate fails this suite with a message naming it instead of running the query.
    expectations: a zero-argument callable returning GX expectation objects; called only
        after Great Expectations is imported.
    id_columns: columns shown beside each unexpected value (GX ``unexpected_index_column_names``),
        so a failure says which release, fiscal year or row it is about.
    severity: ``error`` (a failure fails the gate) or ``warning`` (a failure is reported, in the
        summary and the Data Docs, but does not stop the publish: e.g. an anomaly to look at).
    """

    name: str
    sql: str
    tables: tuple[str, ...]
    expectations: Callable[[], list[Any]]
    id_columns: tuple[str, ...] = ()
    description: str = ""
    severity: str = "error"

    def __post_init__(self) -> None:
        if self.severity not in ("error", "warning"):
            raise ValueError(f"check {self.name}: severity must be 'error' or 'warning', not {self.severity!r}")

    def build_expectations(self) -> list[Any]:
        return list(self.expectations())


# A check over rows that break a rule reads at most this many of them (the examples shown); how
# many there are in all is counted by DuckDB. The gate's memory does not grow with the data.
MAX_VIOLATING_ROWS = 1000


def volume_sql(table: str) -> str:
    """SQL: a table's row count as one row (`row_count`), counted by DuckDB."""
    return f"select count(*)::bigint as row_count from {table}"


def violating_rows_sql(table: str, condition: str, columns: Sequence[str]) -> str:
    """SQL: the first MAX_VIOLATING_ROWS rows of a table meeting condition (a rule broken), by columns."""
    listed = ", ".join(dict.fromkeys(columns))
    return f"select {listed} from {table} where {condition} order by {listed} limit {MAX_VIOLATING_ROWS}"


# Two sums of the same decimal values (pounds, StatCan's values) added up in another order or
# grouping differ in their last bits, and rounding both can still land on either side of a digit:
# such totals are compared by their difference, within this.
SUM_TOLERANCE = 0.001


def difference(a: str, b: str, name: str) -> str:
    """SQL: the absolute difference of two sums, as the column `<name>_difference` (see within)."""
    return f"abs(coalesce({a}, 0) - coalesce({b}, 0)) as {name}_difference"


# Helpers building GX expectations (call them inside a Check's ``expectations`` callable).


def row_count_between(min_value: int, max_value: int) -> list[Any]:
    import great_expectations.expectations as gxe

    return [gxe.ExpectTableRowCountToBeBetween(min_value=min_value, max_value=max_value)]


def counted_rows_between(min_value: int, max_value: int) -> list[Any]:
    """The `row_count` of a volume_sql query within bounds."""
    import great_expectations.expectations as gxe

    return [gxe.ExpectColumnValuesToBeBetween(column="row_count", min_value=min_value, max_value=max_value)]


def at_least(columns: Iterable[str], min_value: float) -> list[Any]:
    import great_expectations.expectations as gxe

    return [gxe.ExpectColumnValuesToBeBetween(column=column, min_value=min_value) for column in columns]


def within(names: Iterable[str], tolerance: float = SUM_TOLERANCE) -> list[Any]:
    """Each `<name>_difference` (SQL from difference) at most tolerance."""
    import great_expectations.expectations as gxe

    return [gxe.ExpectColumnValuesToBeBetween(column=f"{name}_difference", max_value=tolerance) for name in names]


def in_set(column: str, values: Sequence[Any]) -> list[Any]:
    import great_expectations.expectations as gxe

    return [gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(values))]


def equal_to(column: str, value: float) -> list[Any]:
    import great_expectations.expectations as gxe

    return [gxe.ExpectColumnValuesToBeBetween(column=column, min_value=value, max_value=value)]


def pairs_equal(pairs: Iterable[tuple[str, str]]) -> list[Any]:
    import great_expectations.expectations as gxe

    return [gxe.ExpectColumnPairValuesToBeEqual(column_A=a, column_B=b) for a, b in pairs]
