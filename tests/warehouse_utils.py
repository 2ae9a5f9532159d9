"""Reading a warehouse file in tests."""

from __future__ import annotations

from pathlib import Path

import duckdb


def query(path: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def table_contents(path: Path, schemas=("marts",)) -> dict[str, list[tuple]]:
    """Every table of the given schemas, rows sorted: equal contents compare equal."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables where table_schema in "
            f"({', '.join('?' for _ in schemas)}) order by 1, 2",
            list(schemas),
        ).fetchall()
        return {f"{s}.{t}": sorted(con.execute(f'select * from "{s}"."{t}"').fetchall(), key=repr) for s, t in tables}
    finally:
        con.close()


def staged_records(glob: str | Path) -> list[dict]:
    """The records of staged Parquet files as dbt's sources read them (extractors.staged), by file and line."""
    from extractors.staged import records_relation

    con = duckdb.connect()
    try:
        cursor = con.execute(f"select * from {records_relation(str(glob))} order by source_url, source_row")
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def records_files(folder: Path, name: str = "*") -> dict[str, bytes]:
    """The records files of a landing zone's records folder (NDJSON or staged Parquet) by name, with
    their bytes; placeholders of empty folders left out. Non-empty where records were derived."""
    from crossborder.core.landing import EMPTY_RECORDS, EMPTY_STAGED, RECORDS_SUFFIXES

    return {
        p.name: p.read_bytes()
        for suffix in RECORDS_SUFFIXES
        for p in folder.glob(f"{name}{suffix}")
        if p.name not in (EMPTY_RECORDS, EMPTY_STAGED)
    }
