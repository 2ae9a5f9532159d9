"""Reading the report's dbt models (schema `report`, dbt_project/models/report/rpt_*.sql).

Every number the report shows comes from one of these small, tested models; the Python code
only reads them and draws. Each section declares the models it reads with the columns it uses
(`ReportModel`), and `read` returns exactly those columns, in the declared order, as named
tuples. A model or column that is not in the warehouse is a broken contract between the dbt
project and this code (a warehouse built by another version): it raises `ReportModelError`
naming the model and the column, and the report is not written. A model without rows is not
an error: the section says it has no data (a source that was never extracted builds empty).
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass
from functools import cache
from typing import Any

import duckdb

from crossborder.core.errors import CrossborderError

REPORT_SCHEMA = "report"


class ReportModelError(CrossborderError):
    """A report model, or a column the report reads, is missing from the warehouse."""


@dataclass(frozen=True)
class ReportModel:
    """One rpt_* model: the columns the report reads from it and the order it reads rows in."""

    name: str
    columns: tuple[str, ...]
    order_by: str

    @property
    def qualified(self) -> str:
        return f"{REPORT_SCHEMA}.{self.name}"

    def empty(self) -> str:
        """The reason a section built on this model gives when it has no rows."""
        return f"no data ({self.qualified} is empty: nothing of this source is in the warehouse)"


@cache
def _row_type(model: ReportModel) -> type:
    return namedtuple(model.name, model.columns)


def read(con: duckdb.DuckDBPyConnection, model: ReportModel) -> list[Any]:
    """`select * from report.<model> order by ...`, returned as named tuples of the declared columns."""
    relation = f'"{REPORT_SCHEMA}"."{model.name}"'
    try:
        found = [d[0] for d in con.execute(f"select * from {relation} limit 0").description]
    except duckdb.CatalogException:
        raise ReportModelError(
            f"the warehouse has no model {model.qualified} (dbt_project/models/report/{model.name}.sql): "
            "it was built by another version of crossborder; rebuild it (`crossborder build`, then validate "
            "and publish, or `crossborder run`)"
        ) from None
    missing = [c for c in model.columns if c not in found]
    if missing:
        raise ReportModelError(
            f"{model.qualified} has no column {', '.join(repr(c) for c in missing)} (the report reads "
            f"{', '.join(model.columns)}; the model has {', '.join(found)})"
        )
    rows = con.execute(f"select * from {relation} order by {model.order_by}").fetchall()
    positions = [found.index(c) for c in model.columns]
    row_type = _row_type(model)
    return [row_type(*(row[i] for i in positions)) for row in rows]
