"""The explorer's SQLite copy of a release: every table of its Parquet files, and the answers to
the canned questions (computed by DuckDB on the release's warehouse).

DuckDB reads the Parquet and hands rows over in batches; the sqlite3 module writes them. Types map
onto SQLite's: whole numbers and booleans INTEGER, other numbers REAL, nested values (lists,
structs, maps) JSON text, so Datasette can facet a list column, and the rest text (dates as ISO).
The file is written beside its final name and renamed into place: a half-written copy is never
served.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from crossborder.core.errors import CrossborderError
from crossborder.explorer.questions import Question

if TYPE_CHECKING:
    import duckdb

_WHOLE = {"BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"}
_BATCH = 10_000


def table_name(qualified: str) -> str:
    """`marts.fct_border_encounters` -> `fct_border_encounters`: the explorer's name of a table."""
    return qualified.rpartition(".")[2]


def _column(name: str, duckdb_type: str) -> tuple[str, str]:
    """(SQLite column type, DuckDB expression giving its value) for a column of a DuckDB type."""
    quoted = '"' + name.replace('"', '""') + '"'
    if duckdb_type in _WHOLE:
        return "INTEGER", quoted
    if duckdb_type in {"FLOAT", "DOUBLE", "HUGEINT", "UHUGEINT"} or duckdb_type.startswith("DECIMAL"):
        return "REAL", f"{quoted}::double"
    if duckdb_type.endswith("]") or duckdb_type.startswith(("STRUCT", "MAP", "UNION")):
        return "TEXT", f"to_json({quoted})::varchar"
    if duckdb_type == "BLOB":
        return "BLOB", quoted
    return "TEXT", f"{quoted}::varchar"


def _copy(con: duckdb.DuckDBPyConnection, query: str, target: sqlite3.Connection, name: str) -> int:
    """Copy the rows of a DuckDB query into a new SQLite table; returns the row count."""
    relation = con.sql(query)
    columns = [_column(c, str(t)) for c, t in zip(relation.columns, relation.types, strict=True)]
    quoted = ['"' + c.replace('"', '""') + '"' for c in relation.columns]
    target.execute(
        f'create table "{name}" ({", ".join(f"{q} {kind}" for q, (kind, _) in zip(quoted, columns, strict=True))})'
    )
    cursor = con.execute(f"select {', '.join(expr for _, expr in columns)} from ({query})")
    insert = f'insert into "{name}" values ({", ".join("?" for _ in columns)})'
    count = 0
    while batch := cursor.fetchmany(_BATCH):
        target.executemany(insert, batch)
        count += len(batch)
    return count


def _quote_path(path: Path) -> str:
    return "'" + path.as_posix().replace("'", "''") + "'"


def build_database(
    release: Path,
    target: Path,
    questions: Iterable[Question],
    facets: dict[str, list[str]],
    duckdb_config: dict[str, str | int],
) -> dict[str, int]:
    """Write the SQLite copy of the release at `target`: one table per Parquet file, one per
    question's answer, an index on each facet column. Returns table -> row count."""
    import duckdb

    tmp = target.with_name(f".{target.name}.tmp")
    tmp.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    con = duckdb.connect(str(release / "warehouse.duckdb"), read_only=True, config=dict(duckdb_config))
    sqlite = sqlite3.connect(tmp)
    try:
        for parquet in sorted((release / "tables").glob("*.parquet")):
            name = table_name(parquet.name.removesuffix(".parquet"))
            if name in counts:
                raise CrossborderError(f"release {release.name}: two tables are named {name} (in different schemas)")
            counts[name] = _copy(con, f"select * from read_parquet({_quote_path(parquet)})", sqlite, name)
            for column in facets.get(name, []):
                sqlite.execute(f'create index "{name}__{column}" on "{name}" ("{column}")')
        for question in questions:
            try:
                counts[question.slug] = _copy(con, question.sql.rstrip().rstrip(";"), sqlite, question.slug)
            except duckdb.Error as exc:
                raise CrossborderError(
                    f"the explorer's question {question.title!r} (docs/analyst-marts.md) fails on release "
                    f"{release.name}: {str(exc).splitlines()[0]}"
                ) from exc
        sqlite.commit()
    except BaseException:
        sqlite.close()
        tmp.unlink(missing_ok=True)
        raise
    finally:
        con.close()
    sqlite.close()
    os.replace(tmp, target)
    return counts
