"""What analysts use at the shell: `crossborder tables` and `crossborder query --format/--output`.

Both open the published warehouse read-only (crossborder.core.warehouse.open_published), so a query never
blocks or changes a build. Exports are written by DuckDB itself (COPY ... TO), through a temp file
and an atomic rename, so a failed query leaves no half-written file behind.
"""

from __future__ import annotations

import contextlib
import re
import sys
import tempfile
import textwrap
from pathlib import Path

import duckdb

from crossborder.core.config import Settings
from crossborder.core.errors import CrossborderError
from crossborder.core.files import atomic_path
from crossborder.core.warehouse import open_published
from crossborder.status import run_query

FORMATS = ("table", "csv", "json", "parquet")
_COPY_OPTIONS = {"csv": "format csv, header true", "json": "format json, array true", "parquet": "format parquet"}
_VIEW = "_crossborder_query"


def one_line(comment: str | None, width: int = 110) -> str:
    """A table comment (dbt's persist_docs) as one line: its first sentence, shortened."""
    if not comment:
        return ""
    text = " ".join(comment.split())
    first = re.split(r"(?<=[a-z0-9)`])\.\s", text, maxsplit=1)[0].rstrip(".")
    return textwrap.shorten(first, width=width, placeholder=" ...")


def list_tables(settings: Settings, all_schemas: bool = False) -> list[dict]:
    """Published tables with their one-line description and row count (schema marts unless all_schemas)."""
    con = open_published(settings)
    try:
        where = "" if all_schemas else "where schema_name = 'marts'"
        tables = con.execute(
            f"select schema_name, table_name, comment from duckdb_tables() {where} order by 1, 2"
        ).fetchall()
        return [
            {
                "table": f"{schema}.{name}",
                "rows": con.execute(f'select count(*) from "{schema}"."{name}"').fetchall()[0][0],
                "description": one_line(comment),
            }
            for schema, name, comment in tables
        ]
    finally:
        con.close()


def render_tables(rows: list[dict]) -> str:
    if not rows:
        return "no published tables"
    width = max(len(r["table"]) for r in rows)
    count_width = max(len(f"{r['rows']:,}") for r in rows)
    lines = [f"{'table':<{width}}  {'rows':>{count_width}}  description"]
    lines += [f"{r['table']:<{width}}  {r['rows']:>{count_width},}  {r['description']}" for r in rows]
    return "\n".join(lines)


def query(
    settings: Settings, sql: str, fmt: str = "table", output: Path | None = None, max_rows: int = 40
) -> Path | None:
    """Run a read-only query and print it (fmt table/csv/json) or write it to output; returns output."""
    if fmt not in FORMATS:
        raise CrossborderError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    if fmt == "parquet" and output is None:
        raise CrossborderError("--format parquet writes a binary file: give --output FILE")
    if fmt == "table":
        if output is None:
            run_query(settings, sql, max_rows)
            return None
        with _atomic_output(output) as tmp, open(tmp, "w", encoding="utf-8") as out, contextlib.redirect_stdout(out):
            run_query(settings, sql, max_rows)
        return output

    con = open_published(settings)
    try:
        source = _export_source(con, sql)
        if output is None:
            with tempfile.TemporaryDirectory(prefix="crossborder-query-") as folder:
                tmp = Path(folder) / f"result.{fmt}"
                _copy(con, source, tmp, fmt)
                sys.stdout.write(tmp.read_text(encoding="utf-8"))
                sys.stdout.flush()
            return None
        with _atomic_output(output) as tmp:
            _copy(con, source, tmp, fmt)
        return output
    finally:
        con.close()


def _export_source(con, sql: str) -> str:
    """What COPY reads: the query itself when DuckDB can COPY it (streaming, any size); otherwise
    (DESCRIBE, SHOW, PRAGMA ...) its result registered as an in-memory view (no catalog write)."""
    body = sql.strip().rstrip(";").strip()
    try:
        con.execute(f"describe ({body}\n)")  # plans the query without running it
        return f"({body}\n)"
    except duckdb.Error:
        pass
    try:
        relation = con.sql(sql)
    except duckdb.Error as exc:
        raise CrossborderError(f"query failed: {str(exc).splitlines()[0]}") from None
    if relation is None:
        raise CrossborderError("the statement returns no rows to export")
    con.register(_VIEW, relation.df())
    return _VIEW


def _copy(con, source: str, path: Path, fmt: str) -> None:
    target = str(path).replace("'", "''")
    try:
        con.execute(f"copy {source} to '{target}' ({_COPY_OPTIONS[fmt]})")
    except duckdb.Error as exc:
        raise CrossborderError(f"export failed: {str(exc).splitlines()[0]}") from None


@contextlib.contextmanager
def _atomic_output(output: Path):
    """A temp path beside output, renamed onto it only when the block succeeds."""
    output = Path(output)
    if output.is_dir():
        raise CrossborderError(f"--output {output} is a directory: name a file")
    if not output.parent.exists():
        raise CrossborderError(f"--output {output}: folder {output.parent} does not exist")
    with atomic_path(output) as tmp:
        yield tmp
