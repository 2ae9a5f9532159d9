"""Staging table 35-10-0177-01 as Parquet records (a landed zip in, one records file out).

Only the rows of trafficking-in-persons violations are kept (is_trafficking_violation), every
geography and statistic, as published; the table's other violations are read and passed over.
The rows never pass through Python: DuckDB reads the table's CSV (extractors.csv_staging), lists
its violations for Python to pick the trafficking ones, and types the kept rows in SQL by the
rules below. See docs/statcan.md.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractors.csv_files import DECIMAL_SQL, RowLog, SchemaError, header_problems, read_header, refuse_html
from extractors.csv_staging import RowFilter, output_columns, quoted, stage_csv, trimmed
from extractors.schema import record_columns
from extractors.staged import sql_text
from extractors.statcan.schema import COLUMNS, NULL_WHEN_EMPTY, REQUIRED_FIELDS

_CODE = re.compile(r"^(?P<name>.*?)\s*\[(?P<code>[^\[\]]+)\]\s*$")
# The same patterns for DuckDB (RE2): a label's name and [code], a REF_DATE's year.
_CODE_SQL = r"^(.*?)\s*\[([^\[\]]+)\]\s*$"
_YEAR_SQL = r"^([0-9]{4})(-[0-9]{2}(-[0-9]{2})?)?$"

# The trafficking-related violations (docs/statcan.md): trafficking in persons under the Criminal
# Code (s. 279.01 to 279.04: trafficking, of persons under 18, material benefit, withholding or
# destroying documents) and human trafficking under the Immigration and Refugee Protection Act
# (s. 118). Drug, firearm and other "trafficking" is not trafficking in persons and is left out.
_PERSONS = re.compile(
    r"trafficking in persons|human trafficking|trafficking of persons|traite des personnes", re.IGNORECASE
)
_ANCILLARY = re.compile(r"material benefit|withhold|destroy|document", re.IGNORECASE)
_TRAFFICKING = re.compile(r"trafficking", re.IGNORECASE)
_NOT_PERSONS = re.compile(
    r"drug|cannabis|cocaine|heroin|methamphetamine|ecstasy|opioid|substance|firearm|weapon|"
    r"property|stolen|tobacco",
    re.IGNORECASE,
)


def split_code(label: str) -> tuple[str, str | None]:
    """`Alberta [48]` -> (`Alberta`, `48`); `Canada` -> (`Canada`, None)."""
    match = _CODE.match(label)
    if not match:
        return label.strip(), None
    return match["name"].strip(), match["code"].strip()


def is_trafficking_violation(violation: str) -> bool:
    """Whether a violation of table 35-10-0177-01 is trafficking in persons (or ancillary to it)."""
    name, _code = split_code(violation)
    if _NOT_PERSONS.search(name):
        return False
    if _PERSONS.search(name):
        return True
    return bool(_TRAFFICKING.search(name) and _ANCILLARY.search(name))


@dataclass
class TableLog(RowLog):
    """The reject log of a table parse, with the violations whose rows were kept."""

    violations_kept: set[str] = field(default_factory=set)

    def meta(self) -> dict[str, Any]:
        return {**super().meta(), "violations": sorted(self.violations_kept)}


def _header(raw: Path, where: str, table_id: str) -> list[str]:
    """The table CSV's header; SchemaError naming the file when it is not the table's.
    Columns StatCan adds are passed over; a missing or repeated one is a changed table."""
    with raw.open("rb") as data:
        refuse_html(data.read(512), where, "a CSV file")
        data.seek(0)
        header = read_header(io.TextIOWrapper(data, encoding="utf-8-sig", newline=""), where)
    problems = header_problems(header, COLUMNS, unexpected_ok=True)
    if problems:
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise SchemaError(f"{where}: header lacks columns {missing} (found {header[:20]})")
        raise SchemaError(f"{where}: header does not match table {table_id}: {'; '.join(problems)}")
    return header


def _name_sql(label: str) -> str:
    """SQL: the name of a `Name [code]` label (split_code's first part)."""
    pattern = sql_text(_CODE_SQL)
    return f"if(regexp_full_match({label}, {pattern}), regexp_extract({label}, {pattern}, 1), {label})"


def _code_sql(label: str) -> str:
    """SQL: the code of a `Name [code]` label, or null (split_code's second part)."""
    pattern = sql_text(_CODE_SQL)
    return f"if(regexp_full_match({label}, {pattern}), {trimmed(f'regexp_extract({label}, {pattern}, 2)')}, null)"


def _reason_sql() -> str:
    """SQL: why a row cannot be read (the first rule that fails), or null."""
    cases = [
        (
            f"not regexp_full_match(ref_date, {sql_text(_YEAR_SQL)})",
            f"'REF_DATE ' || {quoted('ref_date')} || ' is not a year'",
        ),
        (
            f"value <> '' and (not regexp_full_match(value, {sql_text(DECIMAL_SQL)}) "
            "or not coalesce(isfinite(try_cast(value as double)), false))",
            f"'VALUE ' || {quoted('value')} || ' is not a number'",
        ),
        (
            "decimals <> '' and (not regexp_full_match(decimals, '[0-9]+') or try_cast(decimals as integer) is null)",
            f"'DECIMALS ' || {quoted('decimals')} || ' is not a whole number'",
        ),
    ]
    cases += [(f"{key} = ''", f"'{key} is empty'") for key in REQUIRED_FIELDS]
    return "case " + " ".join(f"when {when} then {then}" for when, then in cases) + " end"


def _typed_sql() -> dict[str, str]:
    """SQL: each derived or typed record field, over the trimmed cells."""
    return {
        "ref_year": f"try_cast(regexp_extract(ref_date, {sql_text(_YEAR_SQL)}, 1) as integer)",
        "geography_name": _name_sql("geography"),
        "geography_code": _code_sql("geography"),
        "violation_name": _name_sql("violation"),
        "violation_code": _code_sql("violation"),
        "value": "if(value = '', null, try_cast(value as double))",  # empty: not available (STATUS says why)
        "decimals": "try_cast(nullif(decimals, '') as integer)",
        **{key: f"nullif({key}, '')" for key in NULL_WHEN_EMPTY},
    }


def _may_be_trafficking(line: str) -> bool:
    """Whether a row DuckDB could not split names a trafficking violation (then it is worth a reject)."""
    try:
        cells = next(csv.reader([line]), [])
    except csv.Error:
        cells = [line]
    return any(is_trafficking_violation(cell) for cell in cells if "traffick" in cell.lower())


TRAFFICKING_ROWS = RowFilter(
    field="violation",
    choose=lambda violations: [v for v in violations if is_trafficking_violation(v)],
    may_be_kept=_may_be_trafficking,
)


def stage_table_csv(
    raw: Path,
    out: Path,
    *,
    table_id: str,
    source_url: str,
    raw_sha256: str,
    log: TableLog,
    name: str = "",
    duckdb_config: Mapping[str, Any] | None = None,
) -> int:
    """Stage the trafficking violations' rows of one full-table CSV as the Parquet records file
    out; returns the records kept. Unreadable rows of kept violations go to log.rejects; a file
    that is not the table (or has no trafficking row at all) raises SchemaError naming it (name,
    else the URL)."""
    import duckdb

    where = f"statcan: {name or source_url}"
    header = _header(raw, where, table_id)
    fields = {column: COLUMNS.get(column, f"extra_{index}") for index, column in enumerate(header)}
    constants = {"table_id": table_id, "source_url": source_url, "raw_sha256": raw_sha256}
    outputs = output_columns(record_columns("statcan", "incidents"), constants, _typed_sql())
    kept = stage_csv(
        raw,
        out,
        name=where,
        header=header,
        fields=fields,
        columns=outputs,
        reject_reason=_reason_sql(),
        log=log,
        keep=TRAFFICKING_ROWS,
        duckdb_config=duckdb_config,
    )
    if kept == 0:
        raise SchemaError(
            f"{where}: {log.rows} rows read, none of a trafficking-in-persons violation (has the table changed?)"
        )
    with duckdb.connect() as con:
        log.violations_kept.update(
            value
            for (value,) in con.execute(
                f"select distinct violation from read_parquet({sql_text(str(out))}) where reject_reason is null"
            ).fetchall()
        )
    return kept


def stage_zip(
    path: Path,
    out: Path,
    *,
    table_id: str,
    source_url: str,
    raw_sha256: str,
    log: TableLog,
    name: str = "",
    duckdb_config: Mapping[str, Any] | None = None,
) -> int:
    """Stage the table's CSV member of a full-table zip (copied out of the zip beside out, in
    chunks, for DuckDB to read) as the Parquet records file out; returns the records kept."""
    where = f"statcan: {name or source_url}"
    with open(path, "rb") as handle:
        refuse_html(handle.read(512), where, "a zip file")
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise SchemaError(f"{where}: not a zip file: {exc}") from None
    with archive:
        members = [m for m in archive.namelist() if m.lower().endswith(".csv") and "metadata" not in m.lower()]
        wanted = f"{table_id}.csv"
        member = wanted if wanted in members else (members[0] if len(members) == 1 else None)
        if member is None:
            raise SchemaError(f"{where}: the zip has no {wanted} (members: {archive.namelist()})")
        table = Path(tempfile.mkstemp(dir=out.parent, prefix=f".{table_id}-", suffix=".csv.tmp")[1])
        try:
            try:
                with archive.open(member) as stream, table.open("wb") as copy:
                    shutil.copyfileobj(stream, copy, 1 << 22)
            except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as exc:
                raise SchemaError(f"{where}: the zip is damaged: {exc}") from None
            except OSError as exc:
                if "CRC" in str(exc) or "zlib" in str(exc).lower() or "Error -3" in str(exc):
                    raise SchemaError(f"{where}: the zip is damaged: {exc}") from None
                raise
            return stage_table_csv(
                table,
                out,
                table_id=table_id,
                source_url=source_url,
                raw_sha256=raw_sha256,
                log=log,
                name=f"{name or source_url} member {member}",
                duckdb_config=duckdb_config,
            )
        finally:
            table.unlink(missing_ok=True)
