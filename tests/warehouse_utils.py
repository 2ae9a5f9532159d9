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
