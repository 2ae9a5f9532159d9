"""Parsing one CBP release CSV into records (pure: bytes or a byte stream in, records out).

The header is checked against the series' column map by name (the order may change); every
row is typed by CBP's rules; a row that cannot be read is rejected with its line and reason,
never dropped silently. See docs/cbp-records.md.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from typing import IO, Any

from extractors.cbp.discover import Release
from extractors.cbp.schema import DECIMAL_FIELDS, INTEGER_FIELDS, MAY_BE_EMPTY, MONTHS, SERIES
from extractors.csv_files import DECIMAL, INTEGER, CsvTable, RowLog, SchemaError, header_problems, refuse_html

_FISCAL_YEAR = re.compile(r"^(?P<year>\d{4})(?:\s*\(FYTD\))?$", re.IGNORECASE)
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


def _table(data: IO[bytes] | bytes, where: str, log: RowLog) -> CsvTable:
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    refuse_html(stream.read(512), where, "a CSV file")
    stream.seek(0)
    return CsvTable(_text_stream(stream), name=where, log=log)


def header_refusal(data: IO[bytes] | bytes, release: Release, name: str = "") -> str | None:
    """Why a release taken by its header (Release.taken_by_header: an encounters file named
    without -aor) is not the AOR table, naming the file (name, else the URL) and its header; None
    when the header is the AOR schema. SchemaError when the file is no CSV table at all."""
    where = f"cbp: {name or release.url}"
    header = _table(data, where, RowLog()).header()
    problems = header_problems(header, SERIES[release.series][1])
    if not problems:
        return None
    return (
        f"{where}: not taken: its name has no -aor suffix and its header is not the AOR schema "
        f"({'; '.join(problems)}); header: {', '.join(header)}"
    )


def _series_table(data: IO[bytes] | bytes, release: Release, log: RowLog, name: str) -> tuple[CsvTable, list[str]]:
    """The file's table and header; SchemaError naming the file when it is not the series' table."""
    where = f"cbp: {name or release.url}"
    table = _table(data, where, log)
    header = table.header()
    problems = header_problems(header, SERIES[release.series][1])
    if problems:
        raise SchemaError(f"{where}: header does not match the {release.series} schema: {'; '.join(problems)}")
    return table, header


def check_header(data: IO[bytes] | bytes, release: Release, name: str = "") -> list[str]:
    """The header of a release file when it is the series' table (SchemaError naming the file
    otherwise): what `crossborder probe` checks without reading the rows."""
    return _series_table(data, release, RowLog(), name)[1]


def parse_release_csv(
    data: IO[bytes] | bytes, release: Release, raw_sha256: str, log: RowLog, name: str = ""
) -> Iterator[dict[str, Any]]:
    """Records of one CBP CSV file, each with the release's provenance. Bad rows go to log.rejects;
    a file that is not the series' table raises SchemaError naming it (name, else the URL)."""
    table, header = _series_table(data, release, log, name)
    columns = SERIES[release.series][1]
    fields = {columns[column]: index for index, column in enumerate(header)}
    provenance = release.provenance()
    for line, record in table.records(fields, _type_record, width=len(header)):
        yield {**provenance, **record, "raw_sha256": raw_sha256, "source_row": line}


def _type_record(record: dict[str, Any]) -> str | None:
    """Type the numeric fields in place; return why the row is unreadable, or None."""
    year = _FISCAL_YEAR.match(record["fiscal_year_label"])
    if not year:
        return f"fiscal year {record['fiscal_year_label']!r} is not a year"
    record["fiscal_year"] = int(year["year"])
    if record["month_abbv"].upper() not in MONTHS:
        return f"month {record['month_abbv']!r} is not a month abbreviation"
    for key in INTEGER_FIELDS & record.keys():
        if not INTEGER.match(record[key]):
            return f"{key} {record[key]!r} is not a whole number"
        record[key] = int(record[key])
    for key in DECIMAL_FIELDS & record.keys():
        if not DECIMAL.match(record[key]):
            return f"{key} {record[key]!r} is not a number"
        record[key] = float(record[key])
    for key, value in record.items():
        if isinstance(value, str) and not value and key not in MAY_BE_EMPTY:
            return f"{key} is empty"
    return None
