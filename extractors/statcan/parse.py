"""Parsing table 35-10-0177-01 into records (pure: a zip or a CSV byte stream in, records out).

Only the rows of trafficking-in-persons violations are kept (is_trafficking_violation), every
geography and statistic, as published; the table's other violations are read and passed over,
one row in memory at a time. See docs/statcan.md.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from extractors.csv_files import DECIMAL, CsvTable, RowLog, SchemaError, header_problems, refuse_html
from extractors.statcan.schema import COLUMNS, NULL_WHEN_EMPTY, REQUIRED_FIELDS

_CODE = re.compile(r"^(?P<name>.*?)\s*\[(?P<code>[^\[\]]+)\]\s*$")
_YEAR = re.compile(r"^(?P<year>\d{4})(?:-\d{2}(?:-\d{2})?)?$")

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


def parse_table_csv(
    stream: IO[bytes], *, table_id: str, source_url: str, raw_sha256: str, log: TableLog, name: str = ""
) -> Iterator[dict[str, Any]]:
    """Records of the trafficking violations of one full-table CSV. Unreadable rows of kept
    violations go to log.rejects; a file that is not the table (or has no trafficking row at
    all) raises SchemaError naming it (name, else the URL)."""
    where = f"statcan: {name or source_url}"
    table = CsvTable(io.TextIOWrapper(stream, encoding="utf-8-sig", newline=""), name=where, log=log)
    header = table.header()
    # Columns StatCan adds are passed over; a missing or repeated one is a changed table.
    problems = header_problems(header, COLUMNS, unexpected_ok=True)
    if problems:
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise SchemaError(f"{where}: header lacks columns {missing} (found {header[:20]})")
        raise SchemaError(f"{where}: header does not match table {table_id}: {'; '.join(problems)}")
    fields = {COLUMNS[column]: header.index(column) for column in COLUMNS}
    violation_at = fields["violation"]
    decided: dict[str, bool] = {}

    def wanted(row: list[str]) -> bool:
        violation = row[violation_at].strip()
        if violation not in decided:
            decided[violation] = is_trafficking_violation(violation)
        return decided[violation]

    def may_be_wanted(row: list[str]) -> bool:
        # A row of the wrong width is worth a reject only if it may be a trafficking row (it names one).
        return any(is_trafficking_violation(cell) for cell in row if "traffick" in cell.lower())

    provenance = {"table_id": table_id, "source_url": source_url, "raw_sha256": raw_sha256}
    for line, record in table.records(
        fields, _type_record, width=len(header), wanted=wanted, report_width=may_be_wanted
    ):
        log.violations_kept.add(record["violation"])
        yield {**record, **provenance, "source_row": line}
    if log.kept == 0:
        raise SchemaError(
            f"{where}: {log.rows} rows read, none of a trafficking-in-persons violation (has the table changed?)"
        )


def _type_record(record: dict[str, Any]) -> str | None:
    """Type the fields in place; return why the row is unreadable, or None."""
    year = _YEAR.match(record["ref_date"])
    if not year:
        return f"REF_DATE {record['ref_date']!r} is not a year"
    record["ref_year"] = int(year["year"])
    record["geography_name"], record["geography_code"] = split_code(record["geography"])
    record["violation_name"], record["violation_code"] = split_code(record["violation"])
    value = record["value"]
    if value == "":
        record["value"] = None  # not available: STATUS says why (e.g. "..", "x")
    elif DECIMAL.match(value):
        record["value"] = float(value)
    else:
        return f"VALUE {value!r} is not a number"
    decimals = record["decimals"]
    if decimals and not decimals.isdigit():
        return f"DECIMALS {decimals!r} is not a whole number"
    record["decimals"] = int(decimals) if decimals else None
    for key in REQUIRED_FIELDS:
        if not record[key]:
            return f"{key} is empty"
    for key in NULL_WHEN_EMPTY:
        record[key] = record[key] or None
    return None


def parse_zip(
    path: Path, *, table_id: str, source_url: str, raw_sha256: str, log: TableLog, name: str = ""
) -> Iterator[dict[str, Any]]:
    """Records of the table's CSV member of a full-table zip, streamed (never read whole)."""
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
        try:
            with archive.open(member) as stream:
                yield from parse_table_csv(
                    stream,
                    table_id=table_id,
                    source_url=source_url,
                    raw_sha256=raw_sha256,
                    log=log,
                    name=f"{name or source_url} member {member}",
                )
        except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as exc:
            raise SchemaError(f"{where}: the zip is damaged: {exc}") from None
        except OSError as exc:
            if "CRC" in str(exc) or "zlib" in str(exc).lower() or "Error -3" in str(exc):
                raise SchemaError(f"{where}: the zip is damaged: {exc}") from None
            raise
