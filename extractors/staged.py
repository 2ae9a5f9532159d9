"""Staged records files: Parquet written by DuckDB from a landed file (extractors.csv_staging),
read by dbt in place. What their columns are, the placeholder of an empty folder, and the
relation dbt's sources read (models/staging/*/_sources.yml spell it out; a test holds them to it).

A staged file has the dataset's declared columns (extractors.schema), less `source_row` when
the row's line is its place in the file, plus `reject_reason`: null for a record, else why the
row could not be read (those rows are listed in the rejects file too).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

REJECT_REASON = "reject_reason"
SOURCE_ROW = "source_row"


def sql_text(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def records_relation(folder_glob: str) -> str:
    """SQL: the records of staged Parquet files (a glob), each with its line as source_row."""
    return (
        f"(select * exclude ({REJECT_REASON}, {SOURCE_ROW}, file_row_number), "
        f"coalesce({SOURCE_ROW}, file_row_number + 2) as {SOURCE_ROW} "
        f"from read_parquet({sql_text(folder_glob)}, union_by_name = true, file_row_number = true) "
        f"where {REJECT_REASON} is null)"
    )


def write_empty(path: Path, declared: Mapping[str, str]) -> None:
    """An empty staged records file with the declared columns: dbt's glob always matches one file,
    and the union of a folder's files always has the source_row column."""
    import duckdb

    nulls = ", ".join(f"cast(null as {column_type}) as {column}" for column, column_type in declared.items())
    with duckdb.connect() as con:
        con.execute(
            f"copy (select {nulls}, cast(null as varchar) as {REJECT_REASON} limit 0) "
            f"to {sql_text(str(path))} (format parquet)"
        )


def staged_fields(path: Path) -> list[str]:
    """The record fields of a staged file: its columns, source_row always among them, reject_reason not."""
    import duckdb

    with duckdb.connect() as con:
        names = [
            row[0] for row in con.execute(f"describe select * from read_parquet({sql_text(str(path))})").fetchall()
        ]
    fields = [name for name in names if name != REJECT_REASON]
    return fields if SOURCE_ROW in fields else [*fields, SOURCE_ROW]
