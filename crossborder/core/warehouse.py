"""Reading the published warehouse and the record of the last quality gate (never writing them)."""

from __future__ import annotations

import json

import duckdb

from crossborder.core.config import Settings
from crossborder.core.errors import CrossborderError


def open_published(settings: Settings) -> duckdb.DuckDBPyConnection:
    """The published warehouse, read-only: an analyst's query never blocks or changes a build."""
    path = settings.warehouse_path
    if not path.exists():
        raise CrossborderError(f"no published warehouse at {path}: run `crossborder run` (or `make warehouse`) first")
    return duckdb.connect(str(path), read_only=True, config=dict(settings.duckdb.config()))


# Where a query's unqualified names are looked up: the marts first (`select * from fct_border_encounters`).
QUERY_SEARCH_PATH = ("marts", "main", "report")
# DuckDB settings of a connection that runs SQL typed by a user: read-only is not enough, as
# COPY ... TO, EXPORT DATABASE, read_text()/read_csv() of any file, ATTACH and INSTALL would still
# reach the file system or the network. These turn all of that off, and lock_configuration (set
# last) keeps the SQL from turning it back on.
_USER_SQL_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}


def open_for_queries(settings: Settings) -> duckdb.DuckDBPyConnection:
    """The published warehouse for SQL from a user (`crossborder query`): read-only, no access to files,
    extensions or the network beyond the warehouse itself, configuration locked, and the marts
    on the search path. Results are written to files by crossborder, never by the SQL."""
    path = settings.warehouse_path
    if not path.exists():
        raise CrossborderError(f"no published warehouse at {path}: run `crossborder run` (or `make warehouse`) first")
    con = duckdb.connect(str(path), read_only=True, config={**_USER_SQL_CONFIG, **settings.duckdb.config()})
    try:
        (catalog,) = con.execute("select current_database()").fetchall()[0]
        search_path = ",".join(f'"{catalog}"."{schema}"' for schema in QUERY_SEARCH_PATH)
        con.execute(f"set search_path = '{search_path}'")
        con.execute("set lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


def last_gate_result(settings: Settings) -> dict | None:
    """The summary the last quality gate wrote (None when no gate ever ran)."""
    try:
        return json.loads(settings.gate_result_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
