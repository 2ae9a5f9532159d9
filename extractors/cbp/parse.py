"""Reading one CBP release CSV: its header checked against the series' column map by name (the
order may change), then its rows typed by CBP's rules into a Parquet records file by DuckDB
(extractors.csv_staging; no row passes through Python). A row that cannot be read is rejected
with its line and reason, never dropped silently. See docs/cbp-records.md.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from extractors.cbp.discover import Release
from extractors.cbp.schema import DECIMAL_FIELDS, INTEGER_FIELDS, MAY_BE_EMPTY, MONTHS, SERIES
from extractors.csv_files import DECIMAL_SQL, RowLog, SchemaError, header_problems, read_header, refuse_html
from extractors.csv_staging import output_columns, quoted, stage_csv
from extractors.schema import record_columns
from extractors.staged import sql_text

# A year cell: `2024`, or `2025 (FYTD)` for the year in progress (RE2, as DuckDB reads it).
_FISCAL_YEAR_SQL = r"(?i)[0-9]{4}(\s*\(FYTD\))?"
_SNIFF = 1 << 20  # bytes read to decide the encoding


def _text_stream(data: IO[bytes]) -> io.TextIOWrapper:
    """Decode UTF-8 (BOM or not); fall back to cp1252 when the start is not UTF-8."""
    head = data.read(_SNIFF)
    data.seek(0)
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=len(head) < _SNIFF)
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = "cp1252"
    return io.TextIOWrapper(data, encoding=encoding, newline="")


def _header(data: IO[bytes] | bytes, where: str) -> list[str]:
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    refuse_html(stream.read(512), where, "a CSV file")
    stream.seek(0)
    return read_header(_text_stream(stream), where)


def header_refusal(data: IO[bytes] | bytes, release: Release, name: str = "") -> str | None:
    """Why a release taken by its header (Release.taken_by_header: an encounters file named
    without -aor) is not the AOR table, naming the file (name, else the URL) and its header; None
    when the header is the AOR schema. SchemaError when the file is no CSV table at all."""
    where = f"cbp: {name or release.url}"
    header = _header(data, where)
    problems = header_problems(header, SERIES[release.series][1])
    if not problems:
        return None
    return (
        f"{where}: not taken: its name has no -aor suffix and its header is not the AOR schema "
        f"({'; '.join(problems)}); header: {', '.join(header)}"
    )


def _series_header(data: IO[bytes] | bytes, release: Release, name: str) -> list[str]:
    """The file's header; SchemaError naming the file when it is not the series' table."""
    where = f"cbp: {name or release.url}"
    header = _header(data, where)
    problems = header_problems(header, SERIES[release.series][1])
    if problems:
        raise SchemaError(f"{where}: header does not match the {release.series} schema: {'; '.join(problems)}")
    return header


def check_header(data: IO[bytes] | bytes, release: Release, name: str = "") -> list[str]:
    """The header of a release file when it is the series' table (SchemaError naming the file
    otherwise): what `crossborder probe` checks without reading the rows."""
    return _series_header(data, release, name)


def _reason_sql(header: list[str], columns: dict[str, str]) -> str:
    """SQL: why a row cannot be read, by CBP's rules (the first that fails), or null."""
    fields = [columns[column] for column in header]
    cases = [
        (
            f"not regexp_full_match(fiscal_year_label, {sql_text(_FISCAL_YEAR_SQL)})",
            f"'fiscal year ' || {quoted('fiscal_year_label')} || ' is not a year'",
        ),
        (
            f"upper(month_abbv) not in ({', '.join(map(sql_text, MONTHS))})",
            f"'month ' || {quoted('month_abbv')} || ' is not a month abbreviation'",
        ),
    ]
    for field in fields:
        if field in INTEGER_FIELDS:
            cases.append(
                (
                    f"not regexp_full_match({field}, '-?[0-9]+') or try_cast({field} as bigint) is null",
                    f"'{field} ' || {quoted(field)} || ' is not a whole number'",
                )
            )
    for field in fields:
        if field in DECIMAL_FIELDS:
            cases.append(
                (
                    f"not regexp_full_match({field}, {sql_text(DECIMAL_SQL)}) "
                    f"or not coalesce(isfinite(try_cast({field} as double)), false)",
                    f"'{field} ' || {quoted(field)} || ' is not a number'",
                )
            )
    cases += [(f"{field} = ''", f"'{field} is empty'") for field in fields if field not in MAY_BE_EMPTY]
    return "case " + " ".join(f"when {when} then {then}" for when, then in cases) + " end"


def stage_release_csv(
    raw: Path,
    release: Release,
    raw_sha256: str,
    out: Path,
    log: RowLog,
    name: str = "",
    duckdb_config: Mapping[str, Any] | None = None,
) -> int:
    """Stage one landed CBP CSV file as the Parquet records file out (extractors.csv_staging),
    each record with the release's provenance; returns the records kept. Bad rows go to
    log.rejects; a file that is not the series' table raises SchemaError naming it (name, else
    the URL). The rows are typed by DuckDB, by the rules of _reason_sql."""
    with raw.open("rb") as data:
        header = _series_header(data, release, name)
    columns = SERIES[release.series][1]
    declared = record_columns("cbp", release.dataset)
    constants = {**release.provenance(), "raw_sha256": raw_sha256}
    typed = {
        "fiscal_year": "try_cast(left(fiscal_year_label, 4) as integer)",
        **{field: f"try_cast({field} as bigint)" for field in INTEGER_FIELDS},
        **{field: f"try_cast({field} as double)" for field in DECIMAL_FIELDS},
    }
    return stage_csv(
        raw,
        out,
        name=f"cbp: {name or release.url}",
        header=header,
        fields=columns,
        columns=output_columns(declared, constants, typed),
        reject_reason=_reason_sql(header, columns),
        log=log,
        duckdb_config=duckdb_config,
    )
