"""Staging a landed CSV file as Parquet with DuckDB: the typed rows never pass through Python.

What a CSV source gives `stage_csv`: its landed raw file, the header it checked (Python reads
the first line only), and SQL over the trimmed cells: the typed output columns and the reason
a row cannot be read. DuckDB reads the file (explicit VARCHAR columns, strict quoting; BOM and
CRLF handled) and writes every data row to one Parquet file, each with `reject_reason` (null
for a record). Rows DuckDB cannot split into the header's fields (a short row, a broken quote)
go to its reject table with their line; they are rejected too. The file is written in the CSV's
row order, so a row's line is its Parquet row number + 2 (the header is line 1), shifted past the
lines DuckDB rejected before it; when some were, the Parquet also holds the `source_row` column
(extractors.staged.records_relation works it out either way).

A source that keeps only some rows of a large table (StatCan: the trafficking violations of
every violation) gives a RowFilter: DuckDB lists the distinct values of one column, Python picks
the wanted ones, and only their rows are written (each with its `source_row`); the others are
counted as read and passed over.

Readers (dbt's sources) keep the rows whose reject_reason is null; the rejects are listed by
line and reason in the parse log, as before (docs/cbp-records.md).
"""

from __future__ import annotations

import codecs
import json
import re
import tempfile
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractors.csv_files import RowLog, SchemaError, refuse_html
from extractors.staged import REJECT_REASON, SOURCE_ROW, sql_text

_SNIFF = 1 << 20  # bytes read to decide the encoding
_TRANSCODE_CHUNK = 1 << 22
# What Python's str.strip() removes that matters in published CSVs (DuckDB's trim() takes spaces only).
_BLANKS = " \t\r\n\f\v\u00a0"
_COLUMN_COUNT = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")


def quoted(field: str) -> str:
    """SQL: a field's value in single quotes, for messages (as Python's repr shows a string)."""
    return f"(chr(39) || {field} || chr(39))"


def trimmed(field: str) -> str:
    """SQL: a field's cell trimmed as Python's strip() would."""
    return f"trim({field}, {sql_text(_BLANKS)})"


def _is_utf8(head: bytes, complete: bool) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=complete)
    except UnicodeDecodeError:
        return False
    return True


def _check_file(raw: Path, name: str) -> str:
    """The file's encoding (utf-8 or cp1252, decided on its start); SchemaError naming it when it
    is empty, an HTML page, or cut short (its last line has no newline: a download cut short
    would otherwise be read as a smaller table)."""
    with raw.open("rb") as data:
        head = data.read(_SNIFF)
        refuse_html(head[:512], name, "a CSV file")
        if not head.strip(b"\xef\xbb\xbf \t\r\n"):
            raise SchemaError(f"{name}: the file is empty (no header row)")
        data.seek(-1, 2)
        if data.read(1) not in (b"\n", b"\r"):
            raise SchemaError(
                f"{name}: the last line is not terminated by a newline: the file looks truncated "
                f"(cut short in transfer?); nothing is taken from it"
            )
    return "utf-8" if _is_utf8(head, complete=len(head) < _SNIFF) else "cp1252"


def _utf8_copy(raw: Path, folder: Path) -> Path:
    """A UTF-8 copy of a cp1252 file, for DuckDB (which reads UTF-8): bytes decoded in chunks."""
    copy = Path(tempfile.mkstemp(dir=folder, prefix=".cp1252-", suffix=".csv.tmp")[1])
    decoder = codecs.getincrementaldecoder("cp1252")()
    with raw.open("rb") as source, copy.open("w", encoding="utf-8", newline="") as target:
        while chunk := source.read(_TRANSCODE_CHUNK):
            target.write(decoder.decode(chunk))
        target.write(decoder.decode(b"", final=True))
    return copy


def _structural_reason(error_type: str, message: str) -> str:
    """A DuckDB reject in the words of the parse log."""
    counts = _COLUMN_COUNT.search(message)
    if counts and error_type in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
        return f"expected {counts[1]} fields, found {counts[2]}"
    if error_type == "UNQUOTED VALUE":
        return f"malformed CSV: {message} (the rest of the file is inside the broken quote: not read)"
    return f"malformed CSV: {error_type.lower()}: {message}"


def _read_of(record_json: str) -> dict[str, Any]:
    """What was read of a rejected row: its output columns (those that could be typed)."""
    record = json.loads(record_json)
    return {key: value for key, value in record.items() if key not in (REJECT_REASON, "file_row_number")}


def output_columns(declared: Mapping[str, str], constants: Mapping[str, Any], typed: Mapping[str, str]) -> list[str]:
    """The `columns` of stage_csv for a dataset's declared record columns (name -> type), in
    order: a constant (the file's provenance) cast to its type, else a typed SQL expression over
    the cells, else the cell as read. source_row is stage_csv's (the row's line)."""
    outputs = []
    for column, column_type in declared.items():
        if column == SOURCE_ROW:
            continue
        if column in constants:
            value = constants[column]
            literal = "null" if value is None else sql_text(str(value))
            outputs.append(f"cast({literal} as {column_type}) as {column}")
        else:
            outputs.append(f"{typed.get(column, column)} as {column}")
    return outputs


@dataclass(frozen=True)
class RowFilter:
    """The rows a staged file keeps: those whose `field` holds one of the values `choose` picks
    from the field's distinct values in the file (an output column of the same name must carry
    the field as read). A row DuckDB cannot split into fields is reported only when
    `may_be_kept(its text)`; the other rows are read and passed over."""

    field: str
    choose: Callable[[list[str]], Collection[str]]
    may_be_kept: Callable[[str], bool]


def stage_csv(
    raw: Path,
    out: Path,
    *,
    name: str,
    header: Sequence[str],
    fields: Mapping[str, str],
    columns: Sequence[str],
    reject_reason: str,
    log: RowLog,
    keep: RowFilter | None = None,
    duckdb_config: Mapping[str, Any] | None = None,
) -> int:
    """Write the CSV file raw (its header checked by the caller) to the Parquet file out; returns
    the records kept. SchemaError naming the file (name) when it cannot be staged at all.

    header: the file's column names in order; fields: column name -> field name, the names the SQL
    uses (every header column must have one); columns: the output columns, `SQL as column`, in
    order; reject_reason: a SQL expression, null for a readable row, else why it is not. Cells
    reach the SQL trimmed, an empty cell as ''. Rejected rows go to log.rejects with their line,
    the reason and what was read of them. keep: only the rows it picks are written (RowFilter)."""
    import duckdb

    encoding = _check_file(raw, name)
    readable = raw if encoding == "utf-8" else _utf8_copy(raw, out.parent)
    positional = {f"c{index}": "VARCHAR" for index in range(len(header))}
    struct = "{" + ", ".join(f"{sql_text(k)}: {sql_text(v)}" for k, v in positional.items()) + "}"
    cell = {fields[column]: f"coalesce({trimmed(f'c{i}')}, '')" for i, column in enumerate(header)}
    cells = ", ".join(f"{sql} as {field}" for field, sql in cell.items())
    options = (
        f"header = true, columns = {struct}, auto_detect = false, "
        "delim = ',', quote = '\"', escape = '\"', strict_mode = true"
    )
    scan = f"read_csv({sql_text(str(readable))}, {options}, store_rejects = true, "
    scan += "rejects_table = 'csv_rejects', rejects_scan = 'csv_scans')"
    staged = Path(tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")[1])
    try:
        with duckdb.connect(config={**(duckdb_config or {})}) as con:
            try:
                con.execute("create temp table kept_values (value varchar)")
                rows_of = scan
                if keep is not None:
                    # The filter's values, then the rows: only the kept rows' cells are trimmed
                    # and typed (the others are written as nulls, and left out below).
                    values = con.execute(
                        f"select distinct {cell[keep.field]} "
                        f"from read_csv({sql_text(str(readable))}, {options}, ignore_errors = true)"
                    ).fetchall()
                    chosen = sorted(set(keep.choose([value for (value,) in values])))
                    if chosen:
                        con.executemany("insert into kept_values values (?)", [(value,) for value in chosen])
                    rows_of = f"(select *, {cell[keep.field]} in (select value from kept_values) as kept from {scan})"
                    cells = ", ".join(f"if(kept, {sql}, null) as {field}" for field, sql in cell.items())
                con.execute(
                    f"copy (with cells as (select {cells} from {rows_of}) "
                    f"select {', '.join(columns)}, {reject_reason} as {REJECT_REASON} from cells) "
                    f"to {sql_text(str(staged))} (format parquet)"
                )
            except duckdb.Error as exc:
                raise SchemaError(f"{name}: unreadable as CSV: {exc}") from None
            # One error per line (DuckDB lists a short row once per missing column; the first says it).
            broken = con.execute(
                "select distinct on (line) line, error_type, error_message, trim(csv_line, chr(10) || chr(13)) "
                "from csv_rejects order by line, column_idx"
            ).fetchall()
            for line, error_type, message, _ in broken:
                if error_type == "INVALID UNICODE":
                    raise SchemaError(f"{name}: not valid UTF-8 at line {line}: {message}")
            # The Parquet row p (0-based) is on line p + 2 + the rejected lines before it; the
            # j-th rejected line (1-based) L comes before the rows p >= L - 1 - j.
            con.execute("create temp table rejected_lines (first_row bigint, shift bigint)")
            if broken:
                con.executemany(
                    "insert into rejected_lines values (?, ?)",
                    [(line - 1 - j, j) for j, (line, *_) in enumerate(broken, 1)],
                )
            con.execute(
                "create temp table shifts as select first_row, max(shift) as shift from rejected_lines group by 1"
            )
            line_of = "file_row_number + 2 + coalesce(shifts.shift, 0)"
            written = f"read_parquet({sql_text(str(staged))}, file_row_number = true)"
            (rows,) = con.execute(f"select count(*) from {written}").fetchone() or (0,)
            broken_lines = len(broken)  # all counted as read, reported or not
            if keep is not None:
                # only the kept rows from here on (before the join, which would otherwise take them all)
                written = f"(select * from {written} where {keep.field} in (select value from kept_values))"
                broken = [reject for reject in broken if keep.may_be_kept(reject[3])]
            shifted = f"from {written} as staged asof left join shifts on staged.file_row_number >= shifts.first_row"
            typing = con.execute(
                f"select {line_of}, {REJECT_REASON}, to_json(staged) {shifted} where {REJECT_REASON} is not null "
                "order by 1"
            ).fetchall()
            (kept,) = con.execute(
                f"select count(*) from {written} as staged where {REJECT_REASON} is null"
            ).fetchone() or (0,)
            if broken or keep is not None:
                # Lines are not the row numbers any more: write them down (rows in file order).
                with_lines = Path(f"{staged}.lines")
                con.execute(
                    f"copy (select * exclude (file_row_number, first_row, shift), {line_of} as {SOURCE_ROW} "
                    f"{shifted} order by staged.file_row_number) to {sql_text(str(with_lines))} (format parquet)"
                )
                with_lines.replace(staged)
        rejects: list[tuple[int, str, list[str] | dict[str, Any]]] = [
            (line, reason, _read_of(record)) for line, reason, record in typing
        ]
        rejects += [(line, _structural_reason(kind, message), [csv_line]) for line, kind, message, csv_line in broken]
        for line, reason, row in sorted(rejects, key=lambda reject: reject[0]):
            log.reject(line, reason, row)
        log.rows += rows + broken_lines
        log.kept += kept
        if log.rows == 0:
            raise SchemaError(f"{name}: no data rows after the header")
        staged.replace(out)
    finally:
        staged.unlink(missing_ok=True)
        if readable != raw:
            readable.unlink(missing_ok=True)
    return kept
