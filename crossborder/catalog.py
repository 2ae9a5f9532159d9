"""What analysts use at the shell: `crossborder tables`, `crossborder describe` and `crossborder query`.

A query's SQL runs on crossborder.core.warehouse.open_for_queries: the published warehouse read-only,
with no access to files, extensions or the network, so a query can neither change a build nor read
or write anything else. Its result is written by crossborder: fetched from that connection, then
exported by a private in-memory DuckDB connection that holds only the result (the user's SQL never
runs there) to a temp file renamed onto --output, so a failed query leaves no half-written file.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import json
import re
import shutil
import sys
import tempfile
import textwrap
from pathlib import Path

import duckdb

from crossborder.core.config import Settings
from crossborder.core.errors import CrossborderError
from crossborder.core.files import SAMPLE_NOTICE, atomic_path, is_sample_data
from crossborder.core.warehouse import QUERY_SEARCH_PATH, open_for_queries, open_published

FORMATS = ("table", "csv", "json", "parquet")
_COPY_OPTIONS = {"csv": "format csv, header true", "json": "format json, array true", "parquet": "format parquet"}
# What marks an export of the offline demo's sample data: a first line in CSV, key-value metadata in Parquet
# (JSON has no place for it: the notice on standard error is all it gets).
_SAMPLE_PARQUET_METADATA = ", kv_metadata {crossborder_sample_data: 'true'}"
# Widest table printed (characters); DuckDB leaves columns out beyond it, and we say which.
TABLE_WIDTH = 200
_SANDBOX_HINT = (
    "crossborder query reads the published warehouse only: it cannot read or write files (COPY, EXPORT, "
    "read_csv, ATTACH), install or load extensions, or change settings; save a result with --output FILE"
)


def one_line(comment: str | None, width: int = 110) -> str:
    """A table comment (dbt's persist_docs) as one line: its first sentence, shortened."""
    if not comment:
        return ""
    text = " ".join(comment.split())
    first = re.split(r"(?<=[a-z0-9)`])\.\s", text, maxsplit=1)[0].rstrip(".")
    return textwrap.shorten(first, width=width, placeholder=" ...")


def _relations(con, all_schemas: bool) -> list[tuple[str, str, str, str | None]]:
    """(schema, name, kind, comment) of the tables, and with all_schemas the views too."""
    where = "" if all_schemas else "where schema_name = 'marts'"
    tables = con.execute(f"select schema_name, table_name, 'table', comment from duckdb_tables() {where}").fetchall()
    views = []
    if all_schemas:
        views = con.execute(
            "select schema_name, view_name, 'view', comment from duckdb_views() "
            "where not internal and schema_name not in ('information_schema', 'pg_catalog')"
        ).fetchall()
    return sorted(tables + views)


def list_tables(settings: Settings, all_schemas: bool = False) -> list[dict]:
    """Published tables (schema marts; with all_schemas every schema, views included) with their
    kind, one-line description and row count."""
    con = open_published(settings)
    try:
        return [
            {
                "table": f"{schema}.{name}",
                "kind": kind,
                "rows": con.execute(f'select count(*) from "{schema}"."{name}"').fetchall()[0][0],
                "description": one_line(comment),
            }
            for schema, name, kind, comment in _relations(con, all_schemas)
        ]
    finally:
        con.close()


def render_tables(rows: list[dict]) -> str:
    if not rows:
        return "no published tables"
    width = max(len(r["table"]) for r in rows)
    count_width = max(len(f"{r['rows']:,}") for r in rows)
    with_kind = any(r.get("kind") == "view" for r in rows)
    kind = (lambda r: f"{r.get('kind', 'table'):<5}  ") if with_kind else (lambda r: "")
    header = f"{'table':<{width}}  " + ("kind   " if with_kind else "") + f"{'rows':>{count_width}}  description"
    lines = [header]
    lines += [f"{r['table']:<{width}}  {kind(r)}{r['rows']:>{count_width},}  {r['description']}" for r in rows]
    return "\n".join(lines)


# `crossborder describe`


def _dbt_node(settings: Settings, schema: str, name: str) -> tuple[dict, dict]:
    """The dbt manifest node and catalog entry of schema.name from the last build's target dir ({} if absent)."""
    found = []
    for filename in ("manifest.json", "catalog.json"):
        try:
            data = json.loads((settings.dbt_target_dir / filename).read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            data = {}
        nodes = {**data.get("nodes", {}), **data.get("sources", {})}
        node = next(
            (
                n
                for n in nodes.values()
                if (n.get("schema") or n.get("metadata", {}).get("schema")) == schema
                and (n.get("alias") or n.get("name") or n.get("metadata", {}).get("name")) == name
            ),
            {},
        )
        found.append(node)
    return found[0], found[1]


def _resolve(con, name: str) -> tuple[str, str, str]:
    """(schema, name, kind) of a table or view named `schema.name` or `name` (the query search path
    decides between schemas); a CrossborderError with close names when there is none."""
    known = _relations(con, all_schemas=True)
    schema, _, table = name.rpartition(".")
    matches = [(s, n, k) for s, n, k, _ in known if n == table and (not schema or s == schema)]
    if not matches:
        qualified = {(f"{s}.{n}" if schema else n): f"{s}.{n}" for s, n, _, _ in known}
        near = [qualified[n] for n in difflib.get_close_matches(name, list(qualified), n=3, cutoff=0.6)]
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        raise CrossborderError(
            f"no table or view {name!r} in the published warehouse{hint}: see `crossborder tables --all`"
        )
    order = {s: i for i, s in enumerate(QUERY_SEARCH_PATH)}
    return min(matches, key=lambda m: (order.get(m[0], len(order)), m[0]))


def describe_table(settings: Settings, name: str) -> dict:
    """A table's columns (name, type, description), description, grain (dbt `config.meta.grain`) and row count."""
    con = open_published(settings)
    try:
        schema, table, kind = _resolve(con, name)
        columns = con.execute(
            "select column_name, data_type, comment from duckdb_columns() "
            "where schema_name = ? and table_name = ? order by column_index",
            [schema, table],
        ).fetchall()
        comment = con.execute(
            "select comment from duckdb_tables() where schema_name = ? and table_name = ? "
            "union all select comment from duckdb_views() where schema_name = ? and view_name = ?",
            [schema, table, schema, table],
        ).fetchone()[0]
        rows = con.execute(f'select count(*) from "{schema}"."{table}"').fetchall()[0][0]
    finally:
        con.close()
    node, catalog = _dbt_node(settings, schema, table)
    documented = node.get("columns", {})
    commented = catalog.get("columns", {})
    grain = (node.get("config", {}).get("meta") or node.get("meta") or {}).get("grain")
    return {
        "table": f"{schema}.{table}",
        "kind": kind,
        "rows": rows,
        "description": " ".join((comment or node.get("description") or "").split()),
        "grain": [grain] if isinstance(grain, str) else list(grain or []),
        "columns": [
            {
                "name": column,
                "type": data_type,
                "description": " ".join(
                    (
                        text
                        or documented.get(column, {}).get("description")
                        or commented.get(column, {}).get("comment")
                        or ""
                    ).split()
                ),
            }
            for column, data_type, text in columns
        ],
    }


def render_description(info: dict) -> str:
    lines = [f"{info['table']} ({info['kind']}, {info['rows']:,} rows)"]
    if info["description"]:
        lines += textwrap.wrap(info["description"], width=100, initial_indent="  ", subsequent_indent="  ")
    lines.append(f"grain: {' x '.join(info['grain']) if info['grain'] else 'not documented'}")
    lines.append("")
    name_width = max((len(c["name"]) for c in info["columns"]), default=6)
    type_width = max((len(c["type"]) for c in info["columns"]), default=4)
    lines.append(f"{'column':<{name_width}}  {'type':<{type_width}}  description")
    lines += [f"{c['name']:<{name_width}}  {c['type']:<{type_width}}  {c['description']}" for c in info["columns"]]
    return "\n".join(lines)


# `crossborder query`


def query(
    settings: Settings, sql: str, fmt: str = "table", output: Path | None = None, max_rows: int = 40
) -> Path | None:
    """Run a read-only query and print it (fmt table/csv/json) or write it to output; returns output."""
    if fmt not in FORMATS:
        raise CrossborderError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    if fmt == "parquet" and output is None:
        raise CrossborderError("--format parquet writes a binary file: give --output FILE")
    if max_rows < 1:
        raise CrossborderError(f"--max-rows {max_rows}: give at least 1")
    sample = is_sample_data(settings.data_dir)
    if sample and (fmt != "table" or output is not None):
        print(f"note: {SAMPLE_NOTICE}", file=sys.stderr)
    con = open_for_queries(settings)
    try:
        relation = _run(con, sql)
        if fmt == "table":
            text = render_result(relation, max_rows) if relation is not None else ""
            if output is None:
                if text:
                    print(text)
                return None
            with _atomic_output(output) as tmp:
                Path(tmp).write_text(text + "\n", encoding="utf-8")
            return output
        if relation is None:
            raise CrossborderError("the statement returns no rows to export")
        if output is None:
            with tempfile.TemporaryDirectory(prefix="crossborder-query-") as folder:
                tmp = Path(folder) / f"result.{fmt}"
                _export(relation, tmp, fmt, sample)
                sys.stdout.write(tmp.read_text(encoding="utf-8"))
                sys.stdout.flush()
            return None
        with _atomic_output(output) as tmp:
            _export(relation, Path(tmp), fmt, sample)
        return output
    finally:
        con.close()


def _run(con, sql: str):
    """The relation of the SQL's last statement (None for one that returns nothing)."""
    try:
        return con.sql(sql)
    except duckdb.Error as exc:
        raise _query_error(exc) from None


def _query_error(exc: duckdb.Error) -> CrossborderError:
    """DuckDB's whole message (its `Did you mean ...?` hints and the LINE pointer included), and what a
    query may not do when the sandbox refused it."""
    message = "\n".join(line.rstrip() for line in str(exc).splitlines() if line.strip())
    if isinstance(exc, duckdb.PermissionException) or "configuration has been locked" in message:
        message += f"\n{_SANDBOX_HINT}"
    return CrossborderError(f"query failed: {message}")


def render_result(relation, max_rows: int) -> str:
    """DuckDB's box rendering of the result, then a line saying which rows and columns it left out."""
    buffer = io.StringIO()
    try:
        with contextlib.redirect_stdout(buffer):
            relation.show(max_rows=max_rows, max_width=TABLE_WIDTH)
    except duckdb.Error as exc:
        raise _query_error(exc) from None
    text = buffer.getvalue().rstrip()
    return "\n".join([text, *_left_out(text, relation.columns)])


def _left_out(text: str, columns: list[str]) -> list[str]:
    """Notes on what the rendering `text` leaves out, read from DuckDB's footer ("N rows (M shown)",
    "N columns (M shown)") and header (the names of the columns shown)."""
    notes = []
    rows = re.search(r"([\d,]+) rows \(([\d,]+) shown\)", text)
    if rows:
        total, shown = (int(n.replace(",", "")) for n in rows.groups())
        notes.append(
            f"({total - shown:,} of {total:,} rows not shown: --max-rows N shows more, "
            "--format csv or --output FILE gives them all)"
        )
    cols = re.search(r"(\d+) columns \((\d+) shown\)", text)
    if cols:
        total, shown = (int(n) for n in cols.groups())
        header = next((line for line in text.splitlines() if line.startswith("│")), "")
        visible = {cell.strip() for cell in header.split("│")}
        hidden = [c for c in columns if c not in visible]
        names = f": {', '.join(hidden)}" if len(hidden) == total - shown else ""
        notes.append(
            f"({total - shown} of {total} columns not shown{names}; select fewer columns, "
            "or --format csv / json gives them all)"
        )
    return notes


def _export(relation, path: Path, fmt: str, sample: bool = False) -> None:
    """Write the result to path in fmt, by a private in-memory DuckDB connection holding only the result
    (cast back to the query's column types, which the hand-over through pandas loosens); sample data
    marked as SAMPLE_NOTICE says."""
    try:
        frame = relation.df()
    except duckdb.Error as exc:
        raise _query_error(exc) from None
    names = [str(c).replace('"', '""') for c in relation.columns]
    typed = ", ".join(
        f'cast(#{i} as {t}) as "{n}"' for i, (n, t) in enumerate(zip(names, relation.types, strict=True), 1)
    )
    plain = ", ".join(f'#{i} as "{n}"' for i, n in enumerate(names, 1))
    written = path.with_name(path.name + ".body") if sample and fmt == "csv" else path
    target = str(written).replace("'", "''")
    options = _COPY_OPTIONS[fmt] + (_SAMPLE_PARQUET_METADATA if sample and fmt == "parquet" else "")
    writer = duckdb.connect()
    try:
        writer.register("result", frame)
        try:
            writer.execute(f"copy (select {typed} from result) to '{target}' ({options})")
        except duckdb.Error:  # a type that does not cast back from pandas: export what pandas holds
            writer.execute(f"copy (select {plain} from result) to '{target}' ({options})")
    except duckdb.Error as exc:
        raise CrossborderError(f"export to {path} failed: {str(exc).splitlines()[0]}") from None
    finally:
        writer.close()
    if written != path:  # a CSV of sample data: the notice as its first line, then DuckDB's file
        with path.open("w", encoding="utf-8") as out, written.open(encoding="utf-8") as body:
            out.write(f"# {SAMPLE_NOTICE}\n")
            shutil.copyfileobj(body, out)
        written.unlink()


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
